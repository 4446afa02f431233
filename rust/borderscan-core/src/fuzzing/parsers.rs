//! Record parsers and format detection: each parser against a model or a
//! reference (serde_json for JSON), and every record well formed.

use crate::formats::{self, Format, Header, RecordBuf};

/// What every parsed record must satisfy whatever the format: fields index
/// into the arenas, and `joined_values` is each parsed value followed by
/// `\n` (the detectors' prefilter relies on that to see every value);
/// derived fields (pairs inside a value, `formats/pairs.rs`) come after the
/// parsed ones, and each holds a piece of a parsed value.
fn check_record(rec: &RecordBuf) {
    let mut joined = Vec::new();
    let mut derived = false;
    for f in &rec.fields {
        assert!(f.path.start <= f.path.end && f.value.start <= f.value.end);
        let _ = rec.path(f);
        let leaf = rec.leaf(f);
        assert!(rec.path(f).ends_with(leaf));
        if f.derived {
            derived = true;
            assert!(!f.text && !rec.path(f).is_empty());
            continue;
        }
        assert!(!derived, "a parsed field after a derived one");
        joined.extend_from_slice(rec.value(f));
        joined.push(b'\n');
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
    "invalid_otlp",
    "otlp_too_large",
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
        for f in rec.fields.iter().filter(|f| !f.derived) {
            let word = if f.text { rec.value(f) } else { rec.path(f) };
            assert!(!word.is_empty());
            // A run of bare words is one text field, spaces and all.
            assert!(f.text || !word.iter().any(|b| b.is_ascii_whitespace()));
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
    // The engine hands the parser lines, never a newline.
    let mut lines = data.split(|&b| b == b'\n');
    let Some(head) = lines.next() else { return };
    let header = formats::parse_header(format, head);
    // TSV: a tab. CSV: whichever of `,`, `;` and tab the header has most of.
    let delim = header.delimiter;
    assert!(
        delim == if format == Format::Tsv { b'\t' } else { b',' }
            || (format == Format::Csv && (delim == b';' || delim == b'\t'))
    );
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
            .filter(|f| !f.derived)
            .map(|f| (rec.path(f).to_vec(), rec.value(f)))
            .collect();
        assert_eq!(got, want, "cells of a quote-free row");
        let ragged = !header.columns.is_empty() && cells.len() != header.columns.len();
        assert_eq!(r.is_err(), ragged, "ragged_row iff the cell count differs");
    }
}

// ---------------------------------------------------------------- syslog

/// Header fields of either RFC are slices of the line (but `severity`,
/// named from the PRI); structured-data
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
            if p == b"severity" {
                // Named from the PRI, not a slice of the line.
                assert!(
                    [
                        &b"emerg"[..],
                        b"alert",
                        b"crit",
                        b"err",
                        b"warning",
                        b"notice",
                        b"info",
                        b"debug"
                    ]
                    .contains(&rec.value(f))
                );
                continue;
            }
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

// ---------------------------------------------------------------- OTLP

/// Each line: `OtlpRecords` fails on exactly the lines serde_json rejects
/// (with a JSON reason), or on JSON of the wrong shape (`invalid_otlp`,
/// `otlp_too_large`); a parsed line is at least as many records as the
/// model counts (a resource or scope without log records is one; a key
/// repeated is read every time), each well formed, starting inside the
/// line, and all of them together within the amplification bound.
pub fn parse_otlp(data: &[u8]) {
    let mut all = formats::OtlpRecords::default();
    let mut rec = RecordBuf::default();
    for line in data.split(|&b| b == b'\n') {
        let r = all.parse(line);
        check_result(&r.as_ref().map(|_| ()).map_err(Clone::clone));
        let reference = serde_json::from_slice::<serde_json::Value>(line);
        match (&r, &reference) {
            (Err(e), Ok(_)) => assert!(
                ["invalid_otlp", "otlp_too_large", "json_too_deep"].contains(&e.reason),
                "valid JSON refused as {}",
                e.reason
            ),
            (Err(e), Err(_)) => assert!(
                !["invalid_otlp", "otlp_too_large"].contains(&e.reason),
                "invalid JSON refused as {}",
                e.reason
            ),
            (Ok(_), Err(e)) => panic!("accepted what serde_json refuses: {e}"),
            (Ok(_), Ok(_)) => {}
        }
        let (Ok(n), Ok(value)) = (r, reference) else {
            continue;
        };
        assert!(n >= 1 && n == all.len());
        assert!(
            n >= otlp_model_records(&value),
            "fewer records than the model"
        );
        let mut bytes = 0;
        for i in 0..n {
            let at = all.record(i, &mut rec);
            assert!(at as usize <= line.len(), "record starts past the line");
            check_record(&rec);
            for f in rec.fields.iter().filter(|f| !f.derived) {
                assert!(
                    f.line_from as usize <= line.len(),
                    "line_from past the line"
                );
                bytes += f.path.len() + f.value.len() + 1;
            }
        }
        assert!(
            bytes <= line.len() * formats::MAX_AMPLIFICATION + 64 * 1024,
            "{bytes} bytes of fields from a line of {}",
            line.len()
        );
        // The same line parses the same way again (the buffers are reused).
        assert_eq!(all.parse(line).ok(), Some(n));
    }
}

/// Records of a request as the model reads it (serde_json keeps the last of
/// a repeated key): one per log record, one per scope without log records,
/// one per resource without scopes, one for a request without resources.
fn otlp_model_records(v: &serde_json::Value) -> usize {
    /// The non-null elements of the first of `keys` that is a list (a
    /// `null` element is no resource, scope or log record).
    fn list<'a>(v: &'a serde_json::Value, keys: &[&str]) -> Vec<&'a serde_json::Value> {
        keys.iter()
            .find_map(|k| v.get(k).and_then(serde_json::Value::as_array))
            .map_or(Vec::new(), |a| a.iter().filter(|x| !x.is_null()).collect())
    }
    let resources = list(v, &["resourceLogs", "resource_logs"]);
    let n: usize = resources
        .iter()
        .map(|r| {
            let scopes = list(
                r,
                &[
                    "scopeLogs",
                    "scope_logs",
                    "instrumentationLibraryLogs",
                    "instrumentation_library_logs",
                ],
            );
            let n: usize = scopes
                .iter()
                .map(|s| list(s, &["logRecords", "log_records", "logs"]).len().max(1))
                .sum();
            n.max(1)
        })
        .sum();
    n.max(1)
}

// ---------------------------------------------------------------- text

/// A plain line is one free-text field holding the whole line (then the
/// pairs written in it, each a slice of the line where `line_from` says).
pub fn parse_text(data: &[u8]) {
    let mut rec = RecordBuf::default();
    formats::parse(Format::Text, data, &Header::default(), &mut rec).expect("text always parses");
    check_record(&rec);
    assert!(rec.fields[1..].iter().all(|f| f.derived));
    for f in &rec.fields[1..] {
        let (at, v) = (f.line_from as usize, rec.value(f));
        assert_eq!(&data[at..at + v.len()], v, "derived value out of place");
    }
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
