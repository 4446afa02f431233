//! Fuzz harnesses: one function per cargo-fuzz target (see `fuzz/`), each
//! taking arbitrary bytes and asserting what must hold for any input, not
//! only that nothing panics. They live in the crate, not in `fuzz/`, so that
//! `tests/fuzz_corpus.rs` replays every kept corpus file and crasher through
//! the very same checks in a normal `cargo test` (fuzzing itself needs
//! nightly features and runs outside CI; its corpus runs inside).
//!
//! A panic (a failed `assert!`) is a finding: libFuzzer saves the input.

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::{Arc, OnceLock};

use crate::detect::{Detectors, Hit, Scratch};
use crate::engine::{DEFAULT_DEST_FIELDS, DEFAULT_ORIGIN_FIELDS, Input, ScanOptions, scan};
use crate::formats::{self, Format, Header, RecordBuf};
use crate::input::{self, Compression, LineReader};
use crate::mask;
use crate::resolve::{self, Resolver, Target};
use crate::rules::{MaskStyle, RuleKind};
use crate::validate;

/// A harness: panics when an invariant fails for this input.
pub type Harness = fn(&[u8]);

/// Every harness by target name, for the corpus replay test.
pub const TARGETS: &[(&str, Harness)] = &[
    ("parse_json", parse_json),
    ("parse_logfmt", parse_logfmt),
    ("parse_csv", parse_csv),
    ("parse_syslog", parse_syslog),
    ("parse_text", parse_text),
    ("detect_format", detect_format),
    ("decompress", decompress),
    ("line_reader", line_reader),
    ("detectors", detectors),
    ("validators", validators),
    ("mask", mask_styles),
    ("resolve", resolve),
    ("engine", engine),
];

/// The built-in detectors, compiled once per process (compiling the regex
/// set takes far longer than one fuzz iteration).
fn builtin() -> &'static Detectors {
    static DET: OnceLock<Detectors> = OnceLock::new();
    DET.get_or_init(|| Detectors::builtin().expect("built-in rules load"))
}

/// What every parsed record must satisfy whatever the format: fields index
/// into the arenas, and `joined_values` is each value followed by `\n`
/// (the detectors' prefilter relies on that to see every value).
fn check_record(rec: &RecordBuf) {
    let mut joined = Vec::new();
    for f in &rec.fields {
        assert!(f.path.start <= f.path.end && f.value.start <= f.value.end);
        joined.extend_from_slice(rec.value(f));
        joined.push(b'\n');
        let _ = rec.path(f);
        let leaf = rec.leaf(f);
        assert!(rec.path(f).ends_with(leaf));
    }
    assert_eq!(
        rec.joined_values(),
        &joined[..],
        "joined values out of step"
    );
}

const KNOWN_REASONS: &[&str] = &[
    "truncated_json",
    "json_too_deep",
    "invalid_utf8",
    "invalid_json",
    "unterminated_quote",
    "ragged_row",
    "invalid_logfmt",
    "invalid_syslog",
];

fn check_result(r: &Result<(), formats::ParseError>) {
    if let Err(e) = r {
        assert!(
            KNOWN_REASONS.contains(&e.reason),
            "unknown reason {}",
            e.reason
        );
    }
}

// ---------------------------------------------------------------- JSON

/// `parse_json` accepts exactly what serde_json accepts as one document and
/// emits one field per non-null scalar leaf, with its dotted path and value.
pub fn parse_json(data: &[u8]) {
    let mut rec = RecordBuf::default();
    let r = formats::parse(Format::Jsonl, data, &Header::default(), &mut rec);
    check_result(&r);
    check_record(&rec);
    let reference = serde_json::from_slice::<serde_json::Value>(data);
    assert_eq!(
        r.is_ok(),
        reference.is_ok(),
        "parse_json and serde_json disagree: {r:?} vs {reference:?}"
    );
    let Ok(value) = reference else { return };
    let mut want = Vec::new();
    json_leaves(&value, &mut String::new(), &mut want);
    let mut got: Vec<(Vec<u8>, Vec<u8>)> = rec
        .fields
        .iter()
        .map(|f| (rec.path(f).to_vec(), rec.value(f).to_vec()))
        .collect();
    // serde_json's map keeps only the last of a repeated key; the walker
    // keeps every repeat (all of them are scanned). So: every leaf that
    // serde_json sees is emitted, and no fewer leaves than it sees.
    assert!(got.len() >= want.len(), "leaf count");
    got.sort();
    for (wp, wv) in &want {
        assert!(
            got.iter()
                .any(|(gp, gv)| gp == wp.as_bytes() && leaf_matches(gv, wv)),
            "leaf {wp} = {wv:?} not emitted"
        );
    }
    for f in &rec.fields {
        assert!(
            f.line_from as usize <= data.len(),
            "line_from past the line"
        );
    }
}

fn leaf_matches(got: &[u8], want: &Leaf) -> bool {
    match want {
        Leaf::Text(s) => got == s.as_bytes(),
        Leaf::Num(x) => std::str::from_utf8(got)
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
            .is_some_and(|g| g == *x || (g.is_nan() && x.is_nan())),
    }
}

#[derive(Debug)]
enum Leaf {
    Text(String),
    Num(f64),
}

fn json_leaves(v: &serde_json::Value, path: &mut String, out: &mut Vec<(String, Leaf)>) {
    use serde_json::Value;
    match v {
        Value::Null => {}
        Value::Bool(b) => out.push((path.clone(), Leaf::Text(b.to_string()))),
        Value::Number(n) => {
            let leaf = if n.is_f64() {
                Leaf::Num(n.as_f64().expect("f64"))
            } else {
                Leaf::Text(n.to_string())
            };
            out.push((path.clone(), leaf));
        }
        Value::String(s) => out.push((path.clone(), Leaf::Text(s.clone()))),
        Value::Array(a) => a.iter().for_each(|x| json_leaves(x, path, out)),
        Value::Object(m) => {
            for (k, x) in m {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                json_leaves(x, path, out);
                path.truncate(len);
            }
        }
    }
}

// ---------------------------------------------------------------- logfmt

/// Every key is a non-empty run of the line without whitespace or `=`, keys
/// appear in line order, a bare word is kept as free text, and a line that
/// parses has at least one pair.
pub fn parse_logfmt(data: &[u8]) {
    for line in data.split(|&b| b == b'\n') {
        let mut rec = RecordBuf::default();
        let r = formats::parse(Format::Logfmt, line, &Header::default(), &mut rec);
        check_result(&r);
        check_record(&rec);
        if r.is_err() {
            continue;
        }
        assert!(rec.fields.iter().any(|f| !f.text), "parsed without a pair");
        let mut at = 0;
        for f in &rec.fields {
            let word = if f.text { rec.value(f) } else { rec.path(f) };
            assert!(!word.is_empty());
            assert!(!word.iter().any(|b| b.is_ascii_whitespace()));
            assert!(!word.contains(&b'='));
            let i = memchr::memmem::find(&line[at..], word).expect("key in line order");
            at += i + word.len();
            if !f.text && !line.contains(&b'"') {
                // An unquoted value is cut at whitespace.
                assert!(!rec.value(f).iter().any(|b| b.is_ascii_whitespace()));
            }
        }
    }
}

// ---------------------------------------------------------------- CSV / TSV

/// After a control byte (odd: TSV, even: CSV), the first line is a header,
/// the others rows. A row without quotes must come out as exactly its
/// cells, each named by its header column (`_N` past the header or for an
/// unnamed column); with quotes, fields must still be consistent.
pub fn parse_csv(data: &[u8]) {
    let Some((&ctl, data)) = data.split_first() else {
        return;
    };
    let format = if ctl & 1 == 1 {
        Format::Tsv
    } else {
        Format::Csv
    };
    let delim = if format == Format::Tsv { b'\t' } else { b',' };
    // The engine hands the parser lines, never a newline.
    let mut lines = data.split(|&b| b == b'\n');
    let Some(head) = lines.next() else { return };
    let header = formats::parse_header(format, head);
    if !head.contains(&b'"') {
        let want: Vec<&[u8]> = if head.is_empty() {
            Vec::new()
        } else {
            head.split(|&b| b == delim)
                .map(<[u8]>::trim_ascii)
                .collect()
        };
        let got: Vec<&[u8]> = header.columns.iter().map(Vec::as_slice).collect();
        assert_eq!(got, want, "header columns of a quote-free line");
    }
    let mut rec = RecordBuf::default();
    for line in lines {
        let r = formats::parse(format, line, &header, &mut rec);
        check_result(&r);
        check_record(&rec);
        if line.contains(&b'"') {
            continue;
        }
        let cells: Vec<&[u8]> = if line.is_empty() {
            Vec::new()
        } else {
            line.split(|&b| b == delim).collect()
        };
        let want: Vec<(Vec<u8>, &[u8])> = cells
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.is_empty())
            .map(|(i, c)| {
                let name = match header.columns.get(i) {
                    Some(n) if !n.is_empty() => n.clone(),
                    _ => format!("_{}", i + 1).into_bytes(),
                };
                (name, *c)
            })
            .collect();
        let got: Vec<(Vec<u8>, &[u8])> = rec
            .fields
            .iter()
            .map(|f| (rec.path(f).to_vec(), rec.value(f)))
            .collect();
        assert_eq!(got, want, "cells of a quote-free row");
        let ragged = !header.columns.is_empty() && cells.len() != header.columns.len();
        assert_eq!(r.is_err(), ragged, "ragged_row iff the cell count differs");
    }
}

// ---------------------------------------------------------------- syslog

/// Header fields of either RFC are slices of the line; structured-data
/// values (which may hold escapes) are not checked that way.
pub fn parse_syslog(data: &[u8]) {
    for line in data.split(|&b| b == b'\n') {
        let mut rec = RecordBuf::default();
        let r = formats::parse(Format::Syslog, line, &Header::default(), &mut rec);
        check_result(&r);
        check_record(&rec);
        if r.is_err() {
            assert!(rec.fields.is_empty() || line.get(1..).is_some());
            continue;
        }
        assert!(line.starts_with(b"<"));
        for f in &rec.fields {
            let p = rec.path(f);
            if !p.contains(&b'.') {
                assert!(
                    memchr::memmem::find(line, rec.value(f)).is_some(),
                    "field {:?} is not part of the line",
                    String::from_utf8_lossy(p)
                );
            }
        }
    }
}

// ---------------------------------------------------------------- text

/// A plain line is one free-text field holding the whole line.
pub fn parse_text(data: &[u8]) {
    let mut rec = RecordBuf::default();
    formats::parse(Format::Text, data, &Header::default(), &mut rec).expect("text always parses");
    check_record(&rec);
    assert_eq!(rec.fields.len(), 1);
    assert!(rec.fields[0].text);
    assert_eq!(rec.value(&rec.fields[0]), data);
    assert_eq!(rec.path(&rec.fields[0]), b"");
}

// ---------------------------------------------------------------- detection

/// Detection is total, ignores the case of the name, and a content-less
/// head is judged by the name alone; every line then parses (or fails
/// with a known reason) in the detected format.
pub fn detect_format(data: &[u8]) {
    const NAMES: &[&str] = &[
        "x",
        "a.log",
        "a.jsonl",
        "a.csv",
        "a.tsv",
        "a.logfmt",
        "a.syslog",
        "a.csv.gz",
        "A.JSON.ZST",
    ];
    let name = NAMES[usize::from(data.first().copied().unwrap_or(0)) % NAMES.len()];
    let head = data.get(1..).unwrap_or_default();
    let f = formats::detect(name, head);
    assert_eq!(f, formats::detect(&name.to_ascii_uppercase(), head));
    assert_eq!(f, formats::detect(&name.to_ascii_lowercase(), head));
    if head.iter().all(u8::is_ascii_whitespace) {
        assert_eq!(f, formats::detect(name, b""));
    }
    let mut lines = head.split(|&b| b == b'\n');
    let header = if f.has_header() {
        formats::parse_header(f, lines.next().unwrap_or_default())
    } else {
        Header::default()
    };
    let mut rec = RecordBuf::default();
    for l in lines {
        let r = formats::parse(f, l, &header, &mut rec);
        check_result(&r);
        check_record(&rec);
    }
}

// ---------------------------------------------------------------- decompression

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

// ---------------------------------------------------------------- detectors

/// The first byte picks how the rest becomes a record (a format, or one
/// text field). Hits point at real fields and spans, and evidence of a
/// value or key rule that masks never shows the raw value.
pub fn detectors(data: &[u8]) {
    let Some((&ctl, line)) = data.split_first() else {
        return;
    };
    let det = builtin();
    let format = [
        Format::Text,
        Format::Jsonl,
        Format::Logfmt,
        Format::Csv,
        Format::Syslog,
    ][usize::from(ctl) % 5];
    let mut rec = RecordBuf::default();
    if formats::parse(format, line, &Header::default(), &mut rec).is_err() {
        rec.clear();
        rec.push_text(line);
    }
    let dest: Vec<String> = DEFAULT_DEST_FIELDS.iter().map(|s| s.to_string()).collect();
    let origin: Vec<String> = DEFAULT_ORIGIN_FIELDS
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut scratch = Scratch::with_roles(&dest, &origin);
    let mut hits: Vec<Hit> = Vec::new();
    det.scan(&rec, &mut scratch, false, &mut hits);
    assert_eq!(scratch.roles().len(), rec.fields.len());
    let mut seen = std::collections::HashSet::new();
    for h in &hits {
        assert!((h.rule as usize) < det.rules.len());
        let f = &rec.fields[h.field as usize];
        // A value found in a field name (a key that is an e-mail address)
        // indexes the field's path.
        let value = if h.in_key { rec.path(f) } else { rec.value(f) };
        assert!(
            h.start <= h.end && h.end as usize <= value.len(),
            "hit span"
        );
        let raw = &value[h.start as usize..h.end as usize];
        let rule = det.rule(h.rule);
        if matches!(rule.kind, RuleKind::Value | RuleKind::Key)
            && rule.mask != MaskStyle::None
            && !raw.is_empty()
        {
            let shown = mask::raw(raw);
            assert_ne!(h.evidence, shown, "rule {} shows the raw value", rule.id);
            if raw.len() >= 8 {
                assert!(!h.evidence.contains(&shown), "rule {} leaks", rule.id);
            }
        }
        // Each rule fires once per distinct value in a record.
        if rule.kind == RuleKind::Value {
            assert!(
                seen.insert((h.rule, h.in_key, raw.to_vec())),
                "duplicate hit"
            );
        }
    }
    // Scratch is reused across records: a second scan gives the same hits.
    let mut again = Vec::new();
    det.scan(&rec, &mut scratch, false, &mut again);
    assert_eq!(hits, again, "scan is not repeatable with reused scratch");
}

// ---------------------------------------------------------------- validators

/// Every validator on arbitrary bytes: no panic, and what the simple ones
/// accept has the shape they promise.
pub fn validators(data: &[u8]) {
    for &name in validate::NAMES {
        let v = validate::by_name(name).expect("every listed name exists");
        let ok = v(data);
        assert_eq!(ok, v(data));
        if !ok {
            continue;
        }
        let text = std::str::from_utf8(data).ok();
        match name {
            "ipv4" => assert!(text.and_then(|t| t.parse::<Ipv4Addr>().ok()).is_some()),
            "ipv6" => assert!(text.and_then(|t| t.parse::<Ipv6Addr>().ok()).is_some()),
            "luhn" | "imei" => {
                let digits = data.iter().filter(|b| b.is_ascii_digit()).count();
                assert!((13..=19).contains(&digits), "{name} with {digits} digits");
            }
            "email" => assert!(data.contains(&b'@')),
            "jwt" => assert_eq!(data.iter().filter(|&&b| b == b'.').count(), 2),
            _ => {}
        }
    }
}

// ---------------------------------------------------------------- masking

/// Masking never reveals a value of two or more characters (nor an eight+
/// byte one inside longer evidence) and stays short however long the value.
pub fn mask_styles(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let n = text.chars().count();
    for style in [MaskStyle::Full, MaskStyle::Edges, MaskStyle::Email] {
        let m = mask::mask(style, data);
        // A value that already holds `*` can equal its own mask (`0****x`
        // keeps `0` and `x`, and stars what are stars): nothing is revealed.
        if n >= 2 && !text.contains('*') {
            assert!(!m.contains(&*text), "{style:?} reveals {text:?} as {m:?}");
        }
        // Kept ends, eight stars and a count (or up to 24 stars), or the
        // email form (first characters and the public suffix).
        if style != MaskStyle::Email {
            assert!(m.chars().count() <= 8 + 24 + 2, "{style:?} too long: {m:?}");
        }
    }
    let none = mask::mask(MaskStyle::None, data);
    assert_eq!(none, mask::raw(data));
    if text.len() <= mask::MAX_EVIDENCE {
        assert_eq!(none, text);
    } else {
        let body = none
            .strip_suffix('…')
            .expect("a cut value ends in an ellipsis");
        assert!(text.starts_with(body) && body.len() <= mask::MAX_EVIDENCE);
    }
}

// ---------------------------------------------------------------- resolution

const SCHEME: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789+-.";
/// RFC 3986 `unreserved` and `sub-delims` (what a user info or a host may
/// hold; `:` is added for the user info).
const UNRESERVED_SUB: &[u8] =
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$'()*+,;=";
const HOST: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.";
/// `pchar` plus `/` (and `?` in a query): what a path or query may hold.
const PCHAR: &[u8] =
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$'()*+,;:@/";

/// Map fuzz bytes onto an alphabet.
fn pick(bytes: &[u8], alphabet: &[u8], extra: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            let i = usize::from(b) % (alphabet.len() + extra.len());
            char::from(
                *alphabet
                    .get(i)
                    .unwrap_or_else(|| &extra[i - alphabet.len()]),
            )
        })
        .collect()
}

/// Arbitrary text never panics `parse_target`, `redact_destination` or
/// the resolver, and redaction is idempotent. Then a url built from the
/// bytes by RFC 3986's grammar, with secrets marked `§`: the displayed
/// destination (redacted, or raw when nothing needs redacting) never shows
/// a secret, and `parse_target` finds the url's host.
pub fn resolve(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let resolver = resolver();
    let shown = resolve::redact_destination(&text);
    if let Some(s) = &shown {
        let twice = resolve::redact_destination(s);
        assert!(
            twice.is_none() || twice.as_ref() == Some(s),
            "redaction is not idempotent: {s:?} -> {twice:?}"
        );
    }
    let target = resolve::parse_target(&text);
    if let Some(Target::Host(h) | Target::Word(h)) = &target {
        assert!(!h.is_empty() && h.len() <= 253 && !h.ends_with('.'));
        assert_eq!(h, &h.to_ascii_lowercase());
    }
    assert!(!resolve::authority(&text).contains('/'));
    let r = resolver.resolve(&text);
    let (r2, steps) = resolver.explain(&text);
    assert_eq!(r.country, r2.country);
    assert_eq!(r.source, r2.source);
    assert_eq!(
        r.host,
        target
            .as_ref()
            .map(Target::host)
            .filter(|_| r.host.is_some())
    );
    if target.is_some() {
        assert!(!steps.is_empty());
    }

    // Structured: parts separated by 0xFF bytes.
    let parts: Vec<&[u8]> = data.split(|&b| b == 0xFF).collect();
    let part = |i: usize| parts.get(i).copied().unwrap_or_default();
    let scheme = pick(part(0), SCHEME, b"");
    let user = pick(part(1), UNRESERVED_SUB, b":");
    let host = pick(part(2), HOST, b"");
    let path = pick(part(3), PCHAR, b"");
    let mut url = String::new();
    let has_scheme = !scheme.is_empty() && scheme.as_bytes()[0].is_ascii_alphabetic();
    if has_scheme {
        url.push_str(&scheme);
        url.push_str("://");
    }
    let has_user = part(1).first().is_some_and(|b| b & 1 == 1);
    if has_user {
        url.push('§');
        url.push_str(&user);
        url.push('§');
        url.push('@');
    }
    url.push_str(&host);
    if !path.is_empty() {
        url.push('/');
        url.push_str(&path);
    }
    let mut query = false;
    for (i, q) in parts.iter().skip(4).enumerate().take(4) {
        url.push(if i == 0 { '?' } else { '&' });
        query = true;
        let (k, v) = q.split_at(q.len() / 2);
        url.push_str(&pick(k, b"abcdefghijklmnopqrstuvwxyz_", b""));
        url.push('=');
        url.push('§');
        // Query values may hold `/`, `?`, `:` and `@` (RFC 3986 §3.4).
        url.push_str(&pick(v, PCHAR, b"?"));
        url.push('§');
    }
    let shown = resolve::redact_destination(&url).unwrap_or_else(|| url.clone());
    assert!(
        !shown.contains('§'),
        "secret shown: {url:?} is displayed as {shown:?}"
    );
    let _ = query;
    // The host is what parse_target reads, whatever the rest holds.
    let clean = host.trim_end_matches('.').to_ascii_lowercase();
    if !has_user
        && !clean.is_empty()
        && !clean.contains("..")
        && clean.parse::<IpAddr>().is_err()
        && clean.bytes().any(|b| b.is_ascii_alphabetic())
    {
        let want = if clean.contains('.') {
            Target::Host(clean.clone())
        } else {
            Target::Word(clean.clone())
        };
        assert_eq!(resolve::parse_target(&url), Some(want), "host of {url:?}");
    }
}

fn resolver() -> &'static Resolver {
    static R: OnceLock<Resolver> = OnceLock::new();
    R.get_or_init(|| {
        let overrides = resolve::Overrides::new(
            vec![(
                "*.vendor.example".into(),
                crate::country::countries().lookup("DE").expect("DE"),
            )],
            vec![(
                "10.0.0.0/8".parse().expect("cidr"),
                crate::country::countries().lookup("CN").expect("CN"),
            )],
        )
        .expect("overrides");
        Resolver {
            overrides,
            geoip: None,
        }
    })
}

// ---------------------------------------------------------------- engine

/// A whole scan of one in-memory input: every byte and line accounted for,
/// findings inside the input, and the same result scanned twice.
pub fn engine(data: &[u8]) {
    let Some((&ctl, body)) = data.split_first() else {
        return;
    };
    const NAMES: &[&str] = &[
        "in.log",
        "in.jsonl",
        "in.csv",
        "in.logfmt",
        "in.syslog",
        "in.tsv",
    ];
    let name = NAMES[usize::from(ctl) % NAMES.len()];
    let opts = ScanOptions {
        threads: 1,
        max_line: if ctl & 0x80 != 0 { 16 } else { 4096 },
        input_format: if ctl & 0x40 != 0 {
            Some(Format::Text)
        } else {
            None
        },
        ..Default::default()
    };
    let input = [Input::Bytes {
        name: name.into(),
        data: Arc::from(body),
    }];
    let out = scan(&input, builtin(), &opts).expect("an in-memory scan runs");
    let a = &out.accounting;
    assert!(a.imbalances().is_empty(), "{:?}", a.imbalances());
    assert_eq!(a.files, 1);
    let f = &a.per_file[0];
    assert_eq!(f.bytes, body.len() as u64);
    let plain = Compression::sniff(body) == Compression::None;
    // A corrupt compressed stream is a reported failure; plain bytes never
    // fail.
    if plain {
        assert_eq!(f.failed_files, 0, "{:?}", f.error);
    }
    if plain && f.binary_skipped == 0 {
        assert_eq!(f.decompressed_bytes, body.len() as u64);
        let lines = body.split(|&b| b == b'\n').count() as u64
            - u64::from(body.is_empty() || body.ends_with(b"\n"));
        assert_eq!(f.lines, lines, "line count");
        assert_eq!(f.bytes_read, body.len() as u64);
    }
    let findings = out.findings();
    for x in &findings {
        assert!(
            x.line >= 1 && x.line <= f.lines,
            "finding on line {}",
            x.line
        );
        assert!(x.byte_offset <= f.decompressed_bytes);
    }
    let again = scan(&input, builtin(), &opts).expect("an in-memory scan runs");
    assert_eq!(again.findings(), findings, "scan is not deterministic");
    assert_eq!(&again.accounting, a);
}
