//! Reading: decompression by magic bytes, binary sniffing, and a line reader
//! over a bounded buffer that cuts overlong lines instead of growing.

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
}

impl Compression {
    pub fn sniff(head: &[u8]) -> Compression {
        if head.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else if head.len() >= 4 && head.starts_with(b"BZh") && (b'1'..=b'9').contains(&head[3]) {
            Compression::Bzip2
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
        }
    }
}

/// Size of each read from disk; large sequential reads keep syscalls rare.
pub const READ_CHUNK: usize = 256 * 1024;

/// Wrap a raw byte stream in the decoder its magic bytes call for.
///
/// Gzip uses the multi-member decoder: `cat a.gz b.gz` and rotated logs
/// appended by some shippers hold several members, and the single-member
/// decoder would silently stop after the first.
pub fn decoder<'a, R: Read + Send + 'a>(
    raw: R,
) -> io::Result<(Box<dyn Read + Send + 'a>, Compression)> {
    let mut buffered = BufReader::with_capacity(READ_CHUNK, raw);
    // A short first read (pipes) could hide the magic; fill_buf returns at
    // least one byte unless the stream is empty, and 4 bytes arrive together
    // in practice for files. For robustness on pipes, peek until 4 bytes.
    let head = peek_head(&mut buffered, 4)?;
    let kind = Compression::sniff(&head);
    let reader: Box<dyn Read + Send + 'a> = match kind {
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
    };
    Ok((reader, kind))
}

/// Read up to `n` bytes from the front of a stream, keeping them for replay.
fn peek_head<R: Read>(r: &mut R, n: usize) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(n);
    let mut buf = [0u8; 8];
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
/// borderscan does not read (gzip, zstd and bzip2 it does): by magic bytes,
/// after any compression it does read, so a `.tar.gz` is a tar archive.
pub fn unreadable_container(head: &[u8]) -> Option<&'static str> {
    const MAGIC: [(&[u8], &str); 6] = [
        (b"PK\x03\x04", "a zip archive"),
        (b"PK\x05\x06", "a zip archive"),
        (&[0xfd, b'7', b'z', b'X', b'Z', 0x00], "xz-compressed data"),
        (&[0x04, 0x22, 0x4d, 0x18], "lz4-compressed data"),
        (&[b'7', b'z', 0xbc, 0xaf, 0x27, 0x1c], "a 7z archive"),
        (b"Rar!\x1a\x07", "a rar archive"),
    ];
    if let Some((_, what)) = MAGIC.iter().find(|(m, _)| head.starts_with(m)) {
        return Some(what);
    }
    // POSIX and GNU tar: "ustar" at offset 257 of the first header.
    (head.get(257..262) == Some(b"ustar")).then_some("a tar archive")
}

/// Does this sample look binary? A NUL byte is the signal ripgrep and git
/// use; text logs in any ASCII-compatible encoding never contain one.
pub fn looks_binary(sample: &[u8]) -> bool {
    memchr(0, sample).is_some()
}
