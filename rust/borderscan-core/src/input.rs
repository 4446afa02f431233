//! Reading: decompression by magic bytes, binary and encoding sniffing,
//! decoding UTF-16/UTF-32 to UTF-8, and a line reader over a bounded buffer
//! that cuts overlong lines instead of growing.

use std::io::{self, BufRead, BufReader, Read};

use memchr::memchr;
use serde::Serialize;

/// Compression recognised from the first bytes of a stream, never the name:
/// rotated logs are often renamed, and a `.log` may well be gzip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    None,
    Gzip,
    Zstd,
    Bzip2,
    Xz,
    Lz4,
}

/// How many bytes [`Compression::sniff`] needs to see.
pub const COMPRESSION_MAGIC: usize = 6;

/// The most memory an xz stream may ask its decoder for (its dictionary,
/// in KiB): `xz -9` needs 64 MiB; a header asking for more than this is a
/// hostile or exotic file, stopped with an error that says so.
pub const XZ_MEMORY_KIB: u32 = 256 << 10;

impl Compression {
    pub fn sniff(head: &[u8]) -> Compression {
        if head.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else if head.len() >= 4 && head.starts_with(b"BZh") && (b'1'..=b'9').contains(&head[3]) {
            Compression::Bzip2
        } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0x00]) {
            Compression::Xz
        } else if head.starts_with(&[0x04, 0x22, 0x4d, 0x18]) {
            Compression::Lz4
        } else {
            Compression::None
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Compression::None => "none",
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
            Compression::Bzip2 => "bzip2",
            Compression::Xz => "xz",
            Compression::Lz4 => "lz4",
        }
    }
}

/// Size of each read from disk; large sequential reads keep syscalls rare.
pub const READ_CHUNK: usize = 256 * 1024;

/// Wrap a raw byte stream in the decoder its magic bytes call for.
///
/// Gzip uses the multi-member decoder: `cat a.gz b.gz` and rotated logs
/// appended by some shippers hold several members, and the single-member
/// decoder would silently stop after the first. Likewise zstd frames, xz
/// streams and lz4 frames written one after another are all read.
pub fn decoder<'a, R: Read + 'a>(raw: R) -> io::Result<(Box<dyn Read + 'a>, Compression)> {
    let mut buffered = BufReader::with_capacity(READ_CHUNK, raw);
    // A short first read (pipes) could hide the magic: peek until the
    // longest magic has arrived (or the stream ended).
    let head = peek_head(&mut buffered, COMPRESSION_MAGIC)?;
    let kind = Compression::sniff(&head);
    let reader: Box<dyn Read + 'a> = match kind {
        Compression::None => Box::new(Prefixed::new(head, buffered)),
        Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(BufReader::with_capacity(
            READ_CHUNK,
            Prefixed::new(head, buffered),
        ))),
        Compression::Zstd => {
            let mut d = zstd::stream::read::Decoder::with_buffer(BufReader::with_capacity(
                READ_CHUNK,
                Prefixed::new(head, buffered),
            ))?;
            // Rotated zstd logs are often several frames concatenated.
            d = d.single_frame();
            Box::new(MultiFrameZstd::new(d))
        }
        Compression::Bzip2 => Box::new(bzip2::read::MultiBzDecoder::new(Prefixed::new(
            head, buffered,
        ))),
        Compression::Xz => Box::new(lzma_rust2::XzReader::new_mem_limit(
            Prefixed::new(head, buffered),
            true,
            XZ_MEMORY_KIB,
        )),
        Compression::Lz4 => Box::new(lz4_flex::frame::FrameDecoder::new(Prefixed::new(
            head, buffered,
        ))),
    };
    Ok((reader, kind))
}

/// Read up to `n` bytes from the front of a stream, keeping them for replay.
fn peek_head<R: Read>(r: &mut R, n: usize) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(n);
    let mut buf = [0u8; 16];
    while head.len() < n {
        let got = match r.read(&mut buf[..n - head.len()]) {
            Ok(0) => break,
            Ok(k) => k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        head.extend_from_slice(&buf[..got]);
    }
    Ok(head)
}

/// A reader that first yields some already-read bytes, then the rest.
struct Prefixed<R> {
    head: Vec<u8>,
    pos: usize,
    rest: R,
}

impl<R> Prefixed<R> {
    fn new(head: Vec<u8>, rest: R) -> Self {
        Prefixed { head, pos: 0, rest }
    }
}

impl<R: Read> Read for Prefixed<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos < self.head.len() {
            let n = (self.head.len() - self.pos).min(buf.len());
            buf[..n].copy_from_slice(&self.head[self.pos..self.pos + n]);
            self.pos += n;
            return Ok(n);
        }
        self.rest.read(buf)
    }
}

/// zstd's decoder in `single_frame` mode stops at a frame end; this wrapper
/// starts the next frame when more input follows, so concatenated frames are
/// all read while trailing garbage is still reported as an error.
struct MultiFrameZstd<'a, R: BufRead> {
    inner: Option<zstd::stream::read::Decoder<'a, R>>,
}

impl<'a, R: BufRead> MultiFrameZstd<'a, R> {
    fn new(d: zstd::stream::read::Decoder<'a, R>) -> Self {
        MultiFrameZstd { inner: Some(d) }
    }
}

impl<R: BufRead> Read for MultiFrameZstd<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let Some(d) = self.inner.as_mut() else {
                return Ok(0);
            };
            let n = d.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            // End of a frame: is there another one?
            let d = self.inner.take().expect("checked above");
            let mut rest = d.finish();
            if rest.fill_buf()?.is_empty() {
                return Ok(0);
            }
            self.inner = Some(zstd::stream::read::Decoder::with_buffer(rest)?.single_frame());
        }
    }
}

/// Counts the bytes read through it (for inputs whose size cannot be
/// known in advance, such as standard input).
pub struct CountingReader<R> {
    inner: R,
    count: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl<R> CountingReader<R> {
    pub fn new(inner: R, count: std::sync::Arc<std::sync::atomic::AtomicU64>) -> Self {
        CountingReader { inner, count }
    }
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

/// Stops a decompressor whose output outgrows its input by more than
/// `ratio` times (past `floor` bytes, so small, very regular files pass): a
/// decompression bomb would otherwise keep a scan busy for hours. The error
/// is of kind `FileTooLarge`, which callers name as such.
pub struct ExpansionGuard<R> {
    inner: R,
    stored: std::sync::Arc<std::sync::atomic::AtomicU64>,
    out: u64,
    ratio: u64,
    floor: u64,
}

/// Decompressed bytes below which the expansion ratio is not checked.
pub const EXPANSION_FLOOR: u64 = 64 << 20;

impl<R> ExpansionGuard<R> {
    pub fn new(inner: R, stored: std::sync::Arc<std::sync::atomic::AtomicU64>, ratio: u64) -> Self {
        ExpansionGuard {
            inner,
            stored,
            out: 0,
            ratio,
            floor: EXPANSION_FLOOR,
        }
    }
}

impl<R: Read> Read for ExpansionGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // Checked before reading, so bytes already decompressed are all
        // handed out (and scanned) before the error.
        let stored = self
            .stored
            .load(std::sync::atomic::Ordering::Relaxed)
            .max(1);
        if self.ratio > 0 && self.out > self.floor && self.out / stored > self.ratio {
            return Err(io::Error::new(
                io::ErrorKind::FileTooLarge,
                format!(
                    "decompression bomb: {} bytes expanded to over {} (more than {}x); \
                     stopped (raise --max-expansion, or 0 for no limit, to scan it)",
                    stored, self.out, self.ratio
                ),
            ));
        }
        let n = self.inner.read(buf)?;
        self.out += n as u64;
        Ok(n)
    }
}

/// One line handed out by [`LineReader`].
pub struct Line<'a> {
    /// The line without its terminator (and without a trailing `\r`); cut to
    /// the reader's maximum length when `truncated`.
    pub bytes: &'a [u8],
    /// Offset of the line's first byte in the (decompressed) stream.
    pub offset: u64,
    /// The line was longer than the maximum and was cut.
    pub truncated: bool,
}

/// Splits a stream into lines with a buffer that never grows past
/// `max_line + READ_CHUNK`: a 1 GB line costs the same memory as a short one
/// (it is cut, and the caller counts it).
pub struct LineReader<R> {
    inner: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    /// Stream offset of `buf[0]`.
    base: u64,
    max_line: usize,
    /// Holds the kept prefix of a cut line while its rest is skipped.
    cut: Vec<u8>,
    /// A read error, reported once every byte read before it was handed out
    /// (a truncated gzip still yields its readable records).
    err: Option<io::Error>,
    /// Bytes of cut lines past the maximum (terminators excluded).
    cut_bytes: u64,
    /// NUL bytes in lines are handed out as spaces ([`Self::nul_as_space`]).
    nul_as_space: bool,
    /// NUL bytes turned into spaces so far.
    nul_bytes: u64,
}

impl<R: Read> LineReader<R> {
    pub fn new(inner: R, max_line: usize) -> Self {
        let max_line = max_line.max(1);
        LineReader {
            inner,
            buf: vec![0; READ_CHUNK],
            start: 0,
            end: 0,
            eof: false,
            base: 0,
            max_line,
            cut: Vec::new(),
            err: None,
            cut_bytes: 0,
            nul_as_space: false,
            nul_bytes: 0,
        }
    }

    /// Change the longest line handed out whole, before the first line is
    /// (the format, which sets it, is known only after sniffing the head).
    pub fn set_max_line(&mut self, max_line: usize) {
        self.max_line = max_line.max(1);
    }

    /// Hand out NUL bytes in lines as spaces (counted: [`Self::nul_bytes`]):
    /// text with a stray NUL (a crash's zero-filled block, a hostile byte)
    /// is scanned, its records parse as they would without it, and offsets
    /// and line numbers stay those of the file. [`Self::peek`] still shows
    /// the bytes as they are, for sniffing.
    pub fn nul_as_space(mut self) -> Self {
        self.nul_as_space = true;
        self
    }

    /// NUL bytes handed out as spaces (those in the cut part of an overlong
    /// line are not handed out, so not counted).
    pub fn nul_bytes(&self) -> u64 {
        self.nul_bytes
    }

    /// The bytes read but not yet handed out, then the rest of the stream
    /// (and a read error met while peeking), to read through another
    /// reader: after [`Self::peek`] found that the stream needs decoding.
    pub fn into_unread(self) -> Unread<R> {
        Unread {
            buf: self.buf,
            pos: self.start,
            end: self.end,
            err: self.err,
            eof: self.eof,
            inner: self.inner,
        }
    }

    /// `buf[s..e]` is handed out: its NUL bytes become spaces if asked.
    fn hand_out(&mut self, s: usize, e: usize) {
        if self.nul_as_space {
            self.nul_bytes += blank_nuls(&mut self.buf[s..e]);
        }
    }

    /// Bytes of overlong lines that were skipped, not handed out.
    pub fn cut_bytes(&self) -> u64 {
        self.cut_bytes
    }

    /// Make at least `want` unread bytes available (fewer at the end of the
    /// stream) and return all unread bytes, without consuming them.
    pub fn peek(&mut self, want: usize) -> io::Result<&[u8]> {
        while self.end - self.start < want && !self.eof {
            self.fill()?;
        }
        Ok(&self.buf[self.start..self.end])
    }

    /// At the start of a file: drop a UTF-8 byte order mark (Windows tools
    /// write one), which would otherwise make the first JSON record
    /// unparseable and the first CSV column's name another. Its bytes
    /// still count as read; the first line's offset is after it.
    pub fn skip_utf8_bom(&mut self) -> io::Result<()> {
        if self.position() == 0 && self.peek(3)?.starts_with(UTF8_BOM) {
            self.start += UTF8_BOM.len();
        }
        Ok(())
    }

    /// Offset of the next unread byte in the stream.
    pub fn position(&self) -> u64 {
        self.base + self.start as u64
    }

    fn fill(&mut self) -> io::Result<()> {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.base += self.start as u64;
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            let limit = self.max_line + READ_CHUNK;
            let grown = (self.buf.len() * 2).min(limit).max(self.buf.len());
            self.buf.resize(grown, 0);
            if self.end == self.buf.len() {
                return Ok(());
            }
        }
        loop {
            match self.inner.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.err = Some(e);
                    self.eof = true;
                    return Ok(());
                }
            }
        }
    }

    /// The next line, or `None` at the end of the stream.
    pub fn next_line(&mut self) -> io::Result<Option<Line<'_>>> {
        let mut scanned = 0usize;
        loop {
            let from = self.start + scanned;
            if let Some(i) = memchr(b'\n', &self.buf[from..self.end]) {
                let line_end = from + i;
                // The cap is on the content: the `\r` of a `\r\n` is part
                // of the terminator, so a CRLF line of exactly `max_line`
                // bytes is whole, not cut.
                if trim_cr(&self.buf[self.start..line_end]).len() > self.max_line {
                    return self.cut_line(Some(line_end));
                }
                let s = self.start;
                self.start = line_end + 1;
                self.hand_out(s, line_end);
                return Ok(Some(Line {
                    bytes: trim_cr(&self.buf[s..line_end]),
                    offset: self.base + s as u64,
                    truncated: false,
                }));
            }
            scanned = self.end - self.start;
            // Without a newline in sight, the content is too long once it
            // passes `max_line` by a byte that cannot be a CRLF's `\r`.
            if scanned > self.max_line + 1
                || (scanned == self.max_line + 1 && self.buf[self.end - 1] != b'\r')
            {
                return self.cut_line(None);
            }
            if self.eof {
                if scanned == 0 {
                    return match self.err.take() {
                        Some(e) => Err(e),
                        None => Ok(None),
                    };
                }
                let s = self.start;
                self.start = self.end;
                self.hand_out(s, self.end);
                return Ok(Some(Line {
                    bytes: trim_cr(&self.buf[s..self.end]),
                    offset: self.base + s as u64,
                    truncated: false,
                }));
            }
            self.fill()?;
        }
    }

    /// Hand out the first `max_line` bytes of an overlong line and skip the
    /// rest of it, up to and including its newline, without buffering it.
    fn cut_line(&mut self, known_end: Option<usize>) -> io::Result<Option<Line<'_>>> {
        let offset = self.base + self.start as u64;
        self.cut.clear();
        self.cut
            .extend_from_slice(&self.buf[self.start..self.start + self.max_line]);
        if self.nul_as_space {
            self.nul_bytes += blank_nuls(&mut self.cut);
        }
        // Bytes of the terminator (`\n`, `\r\n`, or a final `\r`), which
        // are neither content nor cut bytes.
        let terminator: u64;
        match known_end {
            Some(e) => {
                self.start = e + 1;
                terminator = 1 + u64::from(self.buf[e - 1] == b'\r');
            }
            None => {
                self.start += self.max_line;
                // The byte before the newline may lie in an earlier fill.
                let mut last = 0u8;
                loop {
                    if let Some(i) = memchr(b'\n', &self.buf[self.start..self.end]) {
                        let before = if i > 0 {
                            self.buf[self.start + i - 1]
                        } else {
                            last
                        };
                        terminator = 1 + u64::from(before == b'\r');
                        self.start += i + 1;
                        break;
                    }
                    if self.end > self.start {
                        last = self.buf[self.end - 1];
                    }
                    self.start = self.end;
                    if self.eof {
                        terminator = u64::from(last == b'\r');
                        break;
                    }
                    self.fill()?;
                }
            }
        }
        self.cut_bytes +=
            self.base + self.start as u64 - offset - self.max_line as u64 - terminator;
        // The kept prefix is all content (the line is longer than it), so
        // a `\r` at its end is data, not a terminator to trim.
        Ok(Some(Line {
            bytes: &self.cut,
            offset,
            truncated: true,
        }))
    }
}

fn trim_cr(b: &[u8]) -> &[u8] {
    match b.last() {
        Some(b'\r') => &b[..b.len() - 1],
        _ => b,
    }
}

/// The error of a file that is an archive or a compression we cannot read
/// yet: such a file is a failed input, never a silent "binary" skip (its
/// members are data that would otherwise go unscanned).
pub const NOT_READ_YET: &str = "is not read yet";

/// What a head of bytes is, when it is an archive or a compression format
/// borderscan does not read (gzip, zstd, bzip2, xz and lz4 it
/// decompresses; tar and zip it reads member by member, see
/// [`crate::archive`]): by magic bytes, after any compression it does read.
pub fn unreadable_container(head: &[u8]) -> Option<&'static str> {
    const MAGIC: [(&[u8], &str); 3] = [
        (&[b'7', b'z', 0xbc, 0xaf, 0x27, 0x1c], "a 7z archive"),
        (b"Rar!\x1a\x07", "a rar archive"),
        (&[0x02, 0x21, 0x4c, 0x18], "legacy lz4-compressed data"),
    ];
    MAGIC
        .iter()
        .find(|(m, _)| head.starts_with(m))
        .map(|(_, what)| *what)
}

/// A text encoding that is decoded to UTF-8 before lines are split, so
/// format sniffing, line splitting and detection see the same text as for
/// a UTF-8 file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf16Le,
    Utf16Be,
    Utf32Le,
    Utf32Be,
}

impl TextEncoding {
    pub fn as_str(self) -> &'static str {
        match self {
            TextEncoding::Utf16Le => "utf-16le",
            TextEncoding::Utf16Be => "utf-16be",
            TextEncoding::Utf32Le => "utf-32le",
            TextEncoding::Utf32Be => "utf-32be",
        }
    }
}

/// What the head of a (decompressed) stream is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// Text read byte for byte (UTF-8, or another ASCII-compatible
    /// encoding). A NUL byte in it reads as a space ([`LineReader::nul_as_space`]).
    Text,
    /// Text to decode to UTF-8 first ([`Decoded`]).
    Encoded(TextEncoding),
    /// Not text (an image, an executable): skipped, and named.
    Binary,
}

/// Name endings of text logs: such a file is read as text even with more
/// NUL bytes or odd bytes in its head than an unnamed one may have.
const TEXT_EXTENSIONS: [&str; 12] = [
    "log", "jsonl", "ndjson", "json", "csv", "tsv", "txt", "text", "out", "syslog", "logfmt", "err",
];

/// Whether a file's name ends like a text log's, looking through a
/// compression suffix and a rotation number (`app.log.1.gz`).
fn text_name(name: &str) -> bool {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let mut parts = base.split('.').skip(1).collect::<Vec<_>>();
    while let Some(last) = parts.last() {
        let l = last.to_ascii_lowercase();
        if ["gz", "zst", "zstd", "bz2", "xz", "lz4"].contains(&l.as_str())
            || (!l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()))
        {
            parts.pop();
            continue;
        }
        return TEXT_EXTENSIONS.contains(&l.as_str());
    }
    false
}

/// A byte that text does not hold: a C0 control other than whitespace
/// and ESC (ANSI colours in logs), or DEL. NUL is counted apart.
fn odd_control(b: u8) -> bool {
    (b < 0x20 && b != 0 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | 0x1b)) || b == 0x7f
}

/// Whether decoded code points look like text: at most one in ten a
/// control character (or a NUL, or not a character at all).
fn plausible_text(units: impl Iterator<Item = u32>) -> bool {
    let (mut n, mut bad) = (0usize, 0usize);
    for u in units {
        n += 1;
        let odd = match u {
            0 | 0x7f => true,
            0..0x20 => odd_control(u as u8),
            _ => u > 0x10_FFFF,
        };
        bad += usize::from(odd);
    }
    n > 0 && bad * 10 <= n
}

/// UTF-16 or UTF-32 without a byte order mark, recognised by where the NUL
/// bytes of mostly-ASCII text fall: every other byte (UTF-16) or three
/// bytes of four (UTF-32), and the decoded units must look like text.
fn encoding_by_nuls(head: &[u8]) -> Option<TextEncoding> {
    // Whole units only (the head may end inside one).
    if head.len() >= 16 {
        let quads = head.chunks_exact(4);
        let n = quads.len();
        let mut z = [0usize; 4];
        for q in quads.clone() {
            for (i, &b) in q.iter().enumerate() {
                z[i] += usize::from(b == 0);
            }
        }
        let mostly = |c: usize| c * 10 >= n * 9;
        let rarely = |c: usize| c * 20 <= n;
        let (le, be) = (
            mostly(z[3]) && mostly(z[2]) && rarely(z[0]),
            mostly(z[0]) && mostly(z[1]) && rarely(z[3]),
        );
        if le || be {
            let units = head.chunks_exact(4).map(|q| {
                let q = [q[0], q[1], q[2], q[3]];
                if le {
                    u32::from_le_bytes(q)
                } else {
                    u32::from_be_bytes(q)
                }
            });
            if plausible_text(units) {
                return Some(if le {
                    TextEncoding::Utf32Le
                } else {
                    TextEncoding::Utf32Be
                });
            }
        }
    }
    if head.len() >= 4 {
        let pairs = head.chunks_exact(2);
        let n = pairs.len();
        let (mut even, mut odd) = (0usize, 0usize);
        for p in pairs {
            even += usize::from(p[0] == 0);
            odd += usize::from(p[1] == 0);
        }
        // Half the units or more ASCII (or Latin-1): their high byte NUL,
        // the low byte almost never.
        let le = odd * 2 >= n && even * 20 <= n;
        let be = even * 2 >= n && odd * 20 <= n;
        if le || be {
            let units = head.chunks_exact(2).map(|p| {
                let p = [p[0], p[1]];
                u32::from(if le {
                    u16::from_le_bytes(p)
                } else {
                    u16::from_be_bytes(p)
                })
            });
            if plausible_text(units) {
                return Some(if le {
                    TextEncoding::Utf16Le
                } else {
                    TextEncoding::Utf16Be
                });
            }
        }
    }
    None
}

/// What a head of bytes (after decompression) is: text, text in UTF-16 or
/// UTF-32 to decode, or binary. `name` (the file's) only makes the test for
/// text more lenient for a text log's name ending.
///
/// - A byte order mark decides UTF-32 (checked first: its LE mark starts
///   like UTF-16's) and UTF-16.
/// - A head without NUL bytes is text, as it always was.
/// - A NUL pattern of mostly-ASCII UTF-16 or UTF-32 decides that encoding.
/// - Otherwise NUL bytes are allowed where the other bytes are text: at
///   most one in ten (one in four for a text log's name) a control
///   character or not valid UTF-8; and, unless the name is a text log's, at
///   most a quarter of the head NUL bytes. Images, executables and random
///   bytes fail this by far.
pub fn sniff_text(head: &[u8], name: &str) -> TextKind {
    if head.starts_with(&[0xff, 0xfe, 0, 0]) {
        return TextKind::Encoded(TextEncoding::Utf32Le);
    }
    if head.starts_with(&[0, 0, 0xfe, 0xff]) {
        return TextKind::Encoded(TextEncoding::Utf32Be);
    }
    if head.starts_with(&[0xff, 0xfe]) {
        return TextKind::Encoded(TextEncoding::Utf16Le);
    }
    if head.starts_with(&[0xfe, 0xff]) {
        return TextKind::Encoded(TextEncoding::Utf16Be);
    }
    let nuls = memchr::memchr_iter(0, head).count();
    if nuls == 0 {
        return TextKind::Text;
    }
    if let Some(e) = encoding_by_nuls(head) {
        return TextKind::Encoded(e);
    }
    let text_name = text_name(name);
    let other = head.len() - nuls;
    if other == 0 {
        // All NUL (a preallocated or zero-filled log): text only by name.
        return if text_name {
            TextKind::Text
        } else {
            TextKind::Binary
        };
    }
    let mut bad = 0usize;
    for c in head.utf8_chunks() {
        bad += c.invalid().len();
        bad += c.valid().bytes().filter(|&b| odd_control(b)).count();
    }
    let (bad_limit, nul_ok) = if text_name {
        (4, true)
    } else {
        (10, nuls * 4 <= head.len())
    };
    if bad * bad_limit > other || !nul_ok {
        TextKind::Binary
    } else {
        TextKind::Text
    }
}

/// The UTF-8 byte order mark.
pub const UTF8_BOM: &[u8] = b"\xef\xbb\xbf";

/// Turn NUL bytes into spaces, in place; returns how many there were.
/// Byte for byte, so offsets, line numbers and byte counts do not move.
pub fn blank_nuls(bytes: &mut [u8]) -> u64 {
    let mut n = 0;
    let mut at = 0;
    while let Some(i) = memchr(0, &bytes[at..]) {
        at += i;
        while at < bytes.len() && bytes[at] == 0 {
            bytes[at] = b' ';
            n += 1;
            at += 1;
        }
    }
    n
}

/// A head with its NUL bytes as spaces (for format sniffing, which must
/// see what the lines will hold).
pub fn nuls_as_spaces(head: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    if memchr(0, head).is_none() {
        return std::borrow::Cow::Borrowed(head);
    }
    let mut h = head.to_vec();
    blank_nuls(&mut h);
    std::borrow::Cow::Owned(h)
}

/// Decodes a UTF-16 or UTF-32 stream to UTF-8 as it is read (a byte order
/// mark at its start is dropped; an ill-formed unit reads as U+FFFD), in
/// bounded memory however long the stream. The reader behind it counts the
/// stored bytes; everything after it (lines, offsets) is in UTF-8.
pub struct Decoded<R> {
    inner: R,
    encoding: TextEncoding,
    /// encoding_rs's streaming decoder, for UTF-16 (it has no UTF-32).
    utf16: Option<encoding_rs::Decoder>,
    input: Vec<u8>,
    in_pos: usize,
    in_end: usize,
    inner_eof: bool,
    out: Vec<u8>,
    out_pos: usize,
    out_end: usize,
    finished: bool,
    /// Before the first UTF-32 unit (a byte order mark to drop).
    at_start: bool,
}

impl<R: Read> Decoded<R> {
    pub fn new(inner: R, encoding: TextEncoding) -> Self {
        let utf16 = match encoding {
            TextEncoding::Utf16Le => Some(encoding_rs::UTF_16LE.new_decoder_with_bom_removal()),
            TextEncoding::Utf16Be => Some(encoding_rs::UTF_16BE.new_decoder_with_bom_removal()),
            _ => None,
        };
        Decoded {
            inner,
            encoding,
            utf16,
            input: vec![0; READ_CHUNK],
            in_pos: 0,
            in_end: 0,
            inner_eof: false,
            out: vec![0; READ_CHUNK],
            out_pos: 0,
            out_end: 0,
            finished: false,
            at_start: true,
        }
    }

    /// Decode the next stretch of input into `out` (emptied before).
    fn decode_more(&mut self) -> io::Result<()> {
        if self.in_end - self.in_pos < 4 && !self.inner_eof {
            self.input.copy_within(self.in_pos..self.in_end, 0);
            self.in_end -= self.in_pos;
            self.in_pos = 0;
            loop {
                match self.inner.read(&mut self.input[self.in_end..]) {
                    Ok(0) => self.inner_eof = true,
                    Ok(n) => self.in_end += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                }
                break;
            }
        }
        let src = &self.input[self.in_pos..self.in_end];
        let last = self.inner_eof;
        self.out_pos = 0;
        let (read, written) = if let Some(d) = self.utf16.as_mut() {
            let (res, read, written, _) = d.decode_to_utf8(src, &mut self.out, last);
            if last && res == encoding_rs::CoderResult::InputEmpty {
                self.finished = true;
            }
            (read, written)
        } else {
            let le = self.encoding == TextEncoding::Utf32Le;
            let (mut r, mut w) = (0, 0);
            while src.len() - r >= 4 && self.out.len() - w >= 4 {
                let q = [src[r], src[r + 1], src[r + 2], src[r + 3]];
                let v = if le {
                    u32::from_le_bytes(q)
                } else {
                    u32::from_be_bytes(q)
                };
                r += 4;
                if std::mem::take(&mut self.at_start) && v == 0xFEFF {
                    continue;
                }
                let c = char::from_u32(v).unwrap_or(char::REPLACEMENT_CHARACTER);
                w += c.encode_utf8(&mut self.out[w..]).len();
            }
            if last && src.len() - r < 4 {
                if r < src.len() && self.out.len() - w >= 3 {
                    // A unit cut short at the end.
                    w += char::REPLACEMENT_CHARACTER
                        .encode_utf8(&mut self.out[w..])
                        .len();
                    r = src.len();
                }
                self.finished = r == src.len();
            }
            (r, w)
        };
        self.in_pos += read;
        self.out_end = written;
        Ok(())
    }
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        while self.out_pos == self.out_end {
            if self.finished {
                return Ok(0);
            }
            self.decode_more()?;
        }
        let n = (self.out_end - self.out_pos).min(buf.len());
        buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        Ok(n)
    }
}

/// What a [`LineReader`] had read but not handed out, then the rest of
/// its stream (see [`LineReader::into_unread`]).
pub struct Unread<R> {
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    err: Option<io::Error>,
    eof: bool,
    inner: R,
}

impl<R: Read> Read for Unread<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos < self.end {
            let n = (self.end - self.pos).min(buf.len());
            buf[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
            self.pos += n;
            return Ok(n);
        }
        if let Some(e) = self.err.take() {
            return Err(e);
        }
        if self.eof {
            return Ok(0);
        }
        self.inner.read(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str =
        "{\"email\":\"anna.schmidt@example.de\",\"name\":\"Jürgen 无事 🙂\"}\r\nline two\n";

    fn utf16(t: &str, le: bool, bom: bool) -> Vec<u8> {
        let mut v = Vec::new();
        let units = bom.then_some(0xFEFF).into_iter().chain(t.encode_utf16());
        for u in units {
            v.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        v
    }

    fn utf32(t: &str, le: bool, bom: bool) -> Vec<u8> {
        let mut v = Vec::new();
        let units = bom
            .then_some(0xFEFF)
            .into_iter()
            .chain(t.chars().map(u32::from));
        for u in units {
            v.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        v
    }

    /// Yields its data a few bytes per read, as a pipe may.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.0.len().min(buf.len()).min(self.1);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn decode_all(data: &[u8], enc: TextEncoding, step: usize, read: usize) -> Vec<u8> {
        let mut d = Decoded::new(Trickle(data, step), enc);
        let mut out = Vec::new();
        let mut buf = vec![0u8; read];
        loop {
            let n = d.read(&mut buf).unwrap();
            if n == 0 {
                return out;
            }
            out.extend_from_slice(&buf[..n]);
        }
    }

    #[test]
    fn sniff_text_by_byte_order_mark() {
        use TextEncoding::*;
        for (data, want) in [
            (utf16(TEXT, true, true), Utf16Le),
            (utf16(TEXT, false, true), Utf16Be),
            (utf32(TEXT, true, true), Utf32Le),
            (utf32(TEXT, false, true), Utf32Be),
        ] {
            assert_eq!(sniff_text(&data, "x.bin"), TextKind::Encoded(want));
        }
    }

    #[test]
    fn sniff_text_by_nul_pattern() {
        let t = "2026-11-02 plant DE-MUC-01 operator anna.schmidt@example.de\n".repeat(20);
        use TextEncoding::*;
        assert_eq!(
            sniff_text(&utf16(&t, true, false), "a"),
            TextKind::Encoded(Utf16Le)
        );
        assert_eq!(
            sniff_text(&utf16(&t, false, false), "a"),
            TextKind::Encoded(Utf16Be)
        );
        assert_eq!(
            sniff_text(&utf32(&t, true, false), "a"),
            TextKind::Encoded(Utf32Le)
        );
        assert_eq!(
            sniff_text(&utf32(&t, false, false), "a"),
            TextKind::Encoded(Utf32Be)
        );
        // Little-endian 16-bit samples below 256 have the NUL pattern, but
        // decode to control characters: binary.
        let samples: Vec<u8> = (0..4000u32).flat_map(|i| [(i * 7 % 31) as u8, 0]).collect();
        assert_eq!(sniff_text(&samples, "sensor.dat"), TextKind::Binary);
    }

    #[test]
    fn sniff_text_with_nul_bytes_or_binary() {
        let log = "{\"email\":\"anna.schmidt@example.de\"}\n".repeat(100);
        let mut one = log.clone().into_bytes();
        one.insert(10, 0);
        assert_eq!(sniff_text(&one, "a.jsonl"), TextKind::Text);
        assert_eq!(sniff_text(&one, "noname"), TextKind::Text);
        // A zero-filled block: text by a log's name, else too many NULs.
        let mut crash = log.clone().into_bytes();
        crash.extend(vec![0u8; 8192]);
        crash.extend(log.as_bytes());
        assert_eq!(sniff_text(&crash, "app.log.1.gz"), TextKind::Text);
        assert_eq!(sniff_text(&crash, "app.dat"), TextKind::Binary);
        assert_eq!(sniff_text(&[0u8; 4096], "app.log"), TextKind::Text);
        assert_eq!(sniff_text(&[0u8; 4096], "app"), TextKind::Binary);
        // Random bytes and an ELF header are binary whatever their name.
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let random: Vec<u8> = (0..65536)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8
            })
            .collect();
        assert_eq!(sniff_text(&random, "noise.log"), TextKind::Binary);
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend(&random);
        assert_eq!(sniff_text(&png, "photo.png"), TextKind::Binary);
        let mut elf = b"\x7fELF\x02\x01\x01\0\0\0".to_vec();
        elf.extend(vec![0u8; 1000]);
        assert_eq!(sniff_text(&elf, "a.bin"), TextKind::Binary);
        assert_eq!(
            sniff_text(&b"\x00\x01\x02".repeat(1000), "fw.bin"),
            TextKind::Binary
        );
        // No NUL: text, as always.
        assert_eq!(sniff_text(log.as_bytes(), "x"), TextKind::Text);
    }

    #[test]
    fn decoded_streams_utf16_and_utf32_to_utf8_in_any_read_sizes() {
        use TextEncoding::*;
        for (data, enc) in [
            (utf16(TEXT, true, true), Utf16Le),
            (utf16(TEXT, false, true), Utf16Be),
            (utf16(TEXT, true, false), Utf16Le),
            (utf32(TEXT, true, true), Utf32Le),
            (utf32(TEXT, false, true), Utf32Be),
            (utf32(TEXT, false, false), Utf32Be),
        ] {
            for (step, read) in [(1, 1), (3, 2), (5, 7), (1 << 20, 1 << 20), (2, 4096)] {
                let got = decode_all(&data, enc, step, read);
                assert_eq!(
                    String::from_utf8(got).unwrap(),
                    TEXT,
                    "{enc:?} step {step} read {read}"
                );
            }
        }
    }

    #[test]
    fn decoded_replaces_ill_formed_units() {
        // A lone surrogate, then a unit cut short at the end.
        let mut d = utf16("a", true, false);
        d.extend([0x00, 0xd8, b'b', 0, b'c']);
        let got = decode_all(&d, TextEncoding::Utf16Le, 3, 5);
        assert_eq!(String::from_utf8(got).unwrap(), "a\u{fffd}b\u{fffd}");
        let mut d = utf32("a", true, false);
        d.extend([0xff, 0xff, 0xff, 0x7f, b'b', 0, 0, 0, 1, 2]);
        let got = decode_all(&d, TextEncoding::Utf32Le, 3, 5);
        assert_eq!(String::from_utf8(got).unwrap(), "a\u{fffd}b\u{fffd}");
    }

    #[test]
    fn nul_bytes_read_as_spaces_and_are_counted() {
        let data = b"a\0b\n\0\0\0\nxy\0\0zzzzzz\0end\0";
        for step in [1, 2, 64] {
            let mut lr = LineReader::new(Trickle(data, step), 8).nul_as_space();
            // Peeking shows the bytes as they are.
            assert_eq!(&lr.peek(3).unwrap()[..3], b"a\0b");
            let mut got = Vec::new();
            while let Some(l) = lr.next_line().unwrap() {
                got.push((l.bytes.to_vec(), l.offset, l.truncated));
            }
            let want: Vec<(Vec<u8>, u64, bool)> = vec![
                (b"a b".to_vec(), 0, false),
                (b"   ".to_vec(), 4, false),
                (b"xy  zzzz".to_vec(), 8, true),
            ];
            assert_eq!(got, want, "step {step}");
            // The NULs of the cut part are not handed out, nor counted.
            assert_eq!(lr.nul_bytes(), 6, "step {step}");
            assert_eq!(lr.position(), data.len() as u64);
        }
        // Without asking, the bytes are handed out as they are.
        let mut lr = LineReader::new(&data[..], 64);
        assert_eq!(lr.next_line().unwrap().unwrap().bytes, b"a\0b");
        assert_eq!(lr.nul_bytes(), 0);
    }

    #[test]
    fn into_unread_replays_the_peeked_bytes_then_the_rest() {
        let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let mut lr = LineReader::new(Trickle(&data, 1000), 64);
        assert!(lr.peek(5000).unwrap().len() >= 5000);
        let mut rest = Vec::new();
        lr.into_unread().read_to_end(&mut rest).unwrap();
        assert_eq!(rest, data);
    }

    #[test]
    fn text_names() {
        for n in [
            "a.log",
            "A.LOG",
            "x/y.jsonl",
            "app.log.1",
            "app.log.2.gz",
            "c.csv.zst",
        ] {
            assert!(text_name(n), "{n}");
        }
        for n in ["a.png", "log", "a.bin", "x.log/y", "app.1", "a.gz"] {
            assert!(!text_name(n), "{n}");
        }
    }
}
