//! Reading inputs: decompression round trips and bombs capped, and the
//! line reader against a model, whatever the read sizes.

use std::io::{Read, Write};

use crate::input::{self, Compression, LineReader};

/// Output cap: enough for any round trip the fuzzer builds, and a stop for
/// inputs that decompress to a lot.
const OUT_CAP: usize = 4 << 20;

fn read_capped(mut r: impl Read) -> (Vec<u8>, std::io::Result<()>) {
    let mut out = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        if out.len() >= OUT_CAP {
            return (out, Ok(()));
        }
        match r.read(&mut buf) {
            Ok(0) => return (out, Ok(())),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) => return (out, Err(e)),
        }
    }
}

fn compress(kind: u8, data: &[u8]) -> Vec<u8> {
    match kind % 3 {
        0 => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(data).expect("in memory");
            e.finish().expect("in memory")
        }
        1 => zstd::stream::encode_all(data, 1).expect("in memory"),
        _ => {
            let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
            e.write_all(data).expect("in memory");
            e.finish().expect("in memory")
        }
    }
}

/// Reads the stream through a reader that hands out at most `step` bytes
/// per call, as pipes do.
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.data.len().min(buf.len()).min(self.step);
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// The first byte picks a mode:
/// - 0..=2 (mod 8): arbitrary bytes straight into `input::decoder`: a
///   plain stream comes out unchanged, anything else must not panic or
///   produce more than the cap;
/// - 3: the rest compressed with gzip, zstd or bzip2 (by the second byte),
///   as several members/frames split at the third byte, must round-trip;
/// - 4: the same compressed stream cut short must either error or yield a
///   prefix of the data (never garbage, never a silent full success that
///   drops bytes);
/// - 5..: a round trip read through a trickling reader.
pub fn decompress(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    match mode % 8 {
        0..=2 => {
            let (r, kind) = input::decoder(rest).expect("reading memory");
            let (out, res) = read_capped(r);
            assert_eq!(kind, Compression::sniff(rest));
            if kind == Compression::None {
                res.expect("plain bytes read");
                assert_eq!(out, rest);
            }
        }
        3 | 4 => {
            let Some((&alg, rest)) = rest.split_first() else {
                return;
            };
            let Some((&split, plain)) = rest.split_first() else {
                return;
            };
            let at = usize::from(split).min(plain.len());
            let mut stream = compress(alg, &plain[..at]);
            if split & 1 == 1 {
                stream.extend(compress(alg, &plain[at..]));
            } else {
                stream = compress(alg, plain);
            }
            if mode % 8 == 3 {
                let (r, kind) = input::decoder(&stream[..]).expect("reading memory");
                assert_ne!(kind, Compression::None);
                let (out, res) = read_capped(r);
                res.expect("a well-formed stream decodes");
                assert_eq!(out, plain, "round trip");
            } else {
                let cut = usize::from(split) * stream.len() / 256;
                let short = &stream[..cut];
                let (r, kind) = input::decoder(short).expect("reading memory");
                let (out, res) = read_capped(r);
                if kind == Compression::None {
                    assert_eq!(out, short);
                } else if res.is_ok() {
                    // A cut that falls between members leaves a complete
                    // stream: its output is a prefix of the data.
                    assert!(plain.starts_with(&out), "cut stream yields a prefix");
                    let first = compress(alg, &plain[..at]);
                    assert!(
                        cut == first.len() && split & 1 == 1 && out == plain[..at],
                        "a stream cut at {cut} of {} decoded without error",
                        stream.len()
                    );
                } else {
                    assert!(plain.starts_with(&out), "cut stream yields a prefix");
                }
            }
        }
        _ => {
            let Some((&alg, plain)) = rest.split_first() else {
                return;
            };
            let stream = compress(alg, plain);
            let step = usize::from(mode >> 3).max(1);
            let (r, _) = input::decoder(Trickle {
                data: &stream,
                step,
            })
            .expect("reading memory");
            let (out, res) = read_capped(r);
            res.expect("a well-formed stream decodes");
            assert_eq!(out, plain, "round trip through short reads");
        }
    }
}

/// `LineReader` against a model of its contract: a line is the bytes up to
/// `\n` without the terminator (`\n` or `\r\n`; a final line may lack it);
/// content longer than `max_line` is cut to its first `max_line` bytes,
/// flagged, and the rest counted in `cut_bytes`; offsets are where each
/// line starts; reads of any size give the same lines.
pub fn line_reader(data: &[u8]) {
    let Some((&ctl, rest)) = data.split_first() else {
        return;
    };
    let max_line = usize::from(ctl & 0x1f) + 1;
    let step = usize::from(ctl >> 5) * 3 + 1;
    // The model.
    let mut want = Vec::new();
    let mut want_cut = 0u64;
    let mut off = 0usize;
    while off < rest.len() {
        let (seg, next) = match memchr::memchr(b'\n', &rest[off..]) {
            Some(i) => (&rest[off..off + i], off + i + 1),
            None => (&rest[off..], rest.len()),
        };
        let content = seg.strip_suffix(b"\r").unwrap_or(seg);
        let truncated = content.len() > max_line;
        let kept = &content[..content.len().min(max_line)];
        if truncated {
            want_cut += (content.len() - max_line) as u64;
        }
        want.push((kept.to_vec(), off as u64, truncated));
        off = next;
    }
    let mut lr = LineReader::new(Trickle { data: rest, step }, max_line);
    let mut got = Vec::new();
    let mut last = None;
    while let Some(l) = lr.next_line().expect("memory does not fail") {
        assert!(l.bytes.len() <= max_line, "line longer than the cap");
        assert!(last.is_none_or(|p| l.offset > p), "offsets not increasing");
        last = Some(l.offset);
        got.push((l.bytes.to_vec(), l.offset, l.truncated));
    }
    assert_eq!(lr.position(), rest.len() as u64);
    assert_eq!(got, want, "lines (max_line {max_line})");
    assert_eq!(lr.cut_bytes(), want_cut, "cut bytes");
}
