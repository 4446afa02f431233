//! Format detection: a file's format guessed from its name and the first
//! lines of its content.

use super::logfmt::parse_logfmt;
use super::syslog::syslog_kind;
use super::{Format, RecordBuf};

/// Guess a file's format from its name (after any compression suffix) and
/// its first lines. Content wins over the name when they disagree strongly
/// (a `.log` that is JSON Lines), since log shippers name files loosely.
pub fn detect(name: &str, head: &[u8]) -> Format {
    let lines: Vec<&[u8]> = head
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .take(20)
        .collect();
    // The last line of a sample may be cut mid-way; judge on complete ones
    // when there are enough.
    let lines = if lines.len() > 2 {
        &lines[..lines.len() - 1]
    } else {
        &lines[..]
    };
    let lower = name.to_ascii_lowercase();
    let stem = ["gz", "zst", "zstd", "bz2"]
        .iter()
        .find_map(|ext| lower.strip_suffix(&format!(".{ext}")))
        .unwrap_or(&lower);
    let by_name = match stem.rsplit('.').next() {
        Some("jsonl" | "ndjson" | "json") => Some(Format::Jsonl),
        Some("csv") => Some(Format::Csv),
        Some("tsv" | "tab") => Some(Format::Tsv),
        Some("logfmt") => Some(Format::Logfmt),
        Some("syslog") => Some(Format::Syslog),
        _ => None,
    };
    if lines.is_empty() {
        return by_name.unwrap_or(Format::Text);
    }
    let share = |pred: &dyn Fn(&[u8]) -> bool| {
        lines.iter().filter(|l| pred(l)).count() * 10 >= lines.len() * 8
    };
    if share(&otlp_line) {
        return Format::Otlp;
    }
    if share(&|l| l.trim_ascii_start().first() == Some(&b'{')) {
        return Format::Jsonl;
    }
    if share(&|l| syslog_kind(l).is_some()) {
        return Format::Syslog;
    }
    if let Some(f @ (Format::Csv | Format::Tsv)) = by_name {
        return f;
    }
    // `;` is the CSV delimiter where `,` is the decimal separator
    // (`Zeitstempel;Werk;Anlage;Meldung`); the header line tells which.
    for (f, delim) in [
        (Format::Tsv, b'\t'),
        (Format::Csv, b','),
        (Format::Csv, b';'),
    ] {
        if lines.len() >= 2 && looks_delimited(lines, delim) {
            return f;
        }
    }
    if share(&|l| logfmt_pairs(l) >= 2) {
        return Format::Logfmt;
    }
    by_name.unwrap_or(Format::Text)
}

/// A line that opens an OTLP/JSON export request: `{"resourceLogs"`
/// (spaces allowed), as the collector's file exporter writes each line.
/// Only its start is looked at: one such line is often longer than the
/// whole sample.
fn otlp_line(line: &[u8]) -> bool {
    let Some(rest) = line.trim_ascii_start().strip_prefix(b"{") else {
        return false;
    };
    let rest = rest.trim_ascii_start();
    rest.starts_with(b"\"resourceLogs\"") || rest.starts_with(b"\"resource_logs\"")
}

fn looks_delimited(lines: &[&[u8]], delim: u8) -> bool {
    let header = lines[0];
    let n = count_fields(header, delim);
    // A header names columns: more than one, none of them a number, a
    // date or a time (a log line of `2026-11-02<TAB>10:00:01<TAB>INFO…`,
    // whose first record must not become a header), nor prose.
    if n < 2
        || header.split(|&b| b == delim).any(|c| {
            let c = c.trim_ascii().strip_prefix(b"\"").unwrap_or(c.trim_ascii());
            c.first().is_some_and(u8::is_ascii_digit) || c.len() > 64
        })
    {
        return false;
    }
    lines[1..].iter().all(|l| count_fields(l, delim) == n)
}

fn count_fields(line: &[u8], delim: u8) -> usize {
    let mut n = 1;
    let mut quoted = false;
    for &b in line {
        if b == b'"' {
            quoted = !quoted;
        } else if b == delim && !quoted {
            n += 1;
        }
    }
    n
}

fn logfmt_pairs(line: &[u8]) -> usize {
    let mut fields = RecordBuf::default();
    match parse_logfmt(line, &mut fields) {
        Ok(()) => fields.fields.len(),
        Err(_) => 0,
    }
}
