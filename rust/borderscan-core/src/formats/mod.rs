//! Record formats: each line of an input becomes a record ([`RecordBuf`]),
//! a flat list of (field path, value) pairs. Detectors only ever see
//! records, so a new format is one file in this folder and one arm of
//! [`parse`], nothing else.

mod csv;
mod json;
mod json_fast;
mod logfmt;
mod named;
mod otlp;
mod pairs;
mod sniff;
mod syslog;
#[cfg(test)]
mod tests;
mod text;

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use csv::parse_delimited;
use syslog::parse_syslog;

pub use csv::{parse_header, parse_header_with};
pub use json::parse_json;
pub use logfmt::parse_logfmt;
pub use otlp::{MAX_AMPLIFICATION, OtlpRecords};
pub use sniff::detect;

/// A record format. Detected per file; `--input-format` overrides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Jsonl,
    Csv,
    Tsv,
    Logfmt,
    /// RFC 5424 and RFC 3164, told apart per line.
    Syslog,
    /// OpenTelemetry logs in OTLP/JSON, one export request per line: each
    /// log record of a line is a record (see `otlp.rs`).
    Otlp,
    Text,
}

impl Format {
    /// Every format, by the name `--input-format` takes.
    pub const ALL: [Format; 7] = [
        Format::Jsonl,
        Format::Csv,
        Format::Tsv,
        Format::Logfmt,
        Format::Syslog,
        Format::Otlp,
        Format::Text,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Tsv => "tsv",
            Format::Logfmt => "logfmt",
            Format::Syslog => "syslog",
            Format::Otlp => "otlp",
            Format::Text => "text",
        }
    }

    /// Can one line hold several records? (An OTLP line holds a whole
    /// export request; the engine scans each of its log records.)
    pub fn many_per_line(self) -> bool {
        self == Format::Otlp
    }

    /// Does this format start with a header line that names the columns?
    pub fn has_header(self) -> bool {
        matches!(self, Format::Csv | Format::Tsv)
    }

    fn delimiter(self) -> u8 {
        if self == Format::Tsv { b'\t' } else { b',' }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.to_ascii_lowercase();
        match s.as_str() {
            "jsonl" | "ndjson" | "json" => Ok(Format::Jsonl),
            "csv" => Ok(Format::Csv),
            "tsv" => Ok(Format::Tsv),
            "logfmt" => Ok(Format::Logfmt),
            "syslog" => Ok(Format::Syslog),
            "otlp" | "otlp-json" | "otel" => Ok(Format::Otlp),
            "text" | "plain" => Ok(Format::Text),
            _ => Err(format!(
                "unknown input format `{s}` (expected one of {})",
                Format::ALL.map(Format::as_str).join(", ")
            )),
        }
    }
}

/// Why a record could not be parsed. The record is still scanned as plain
/// text so nothing it holds escapes detection; the reason is counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// A short stable key for the accounting (`invalid_json`, ...).
    pub reason: &'static str,
    pub detail: String,
}

impl ParseError {
    fn new(reason: &'static str, detail: impl Into<String>) -> Self {
        ParseError {
            reason,
            detail: detail.into(),
        }
    }
}

/// One field of a record. `path` and `value` index into the record's arenas.
#[derive(Debug, Clone)]
pub struct Field {
    pub path: std::ops::Range<u32>,
    pub value: std::ops::Range<u32>,
    /// Free text (a plain line, a syslog message) rather than a named value.
    pub text: bool,
    /// Where in its line the value starts, or a place before it: a JSON
    /// string without escapes is a slice of the line, and other JSON
    /// values follow their key. 0 when unknown.
    pub line_from: u32,
    /// Derived from a pair written inside another field's value
    /// (`fx=1395.2` in a message; see `pairs.rs`): key and record-type
    /// rules see it, value and keyword rules do not (its bytes are part of
    /// that value). Derived fields come after every parsed field.
    pub derived: bool,
}

/// A parsed record, reused across lines to avoid allocating per record.
#[derive(Debug, Default)]
pub struct RecordBuf {
    paths: Vec<u8>,
    values: Vec<u8>,
    pub fields: Vec<Field>,
    /// Path of the field being built (JSON nesting).
    stack: Vec<u8>,
    /// Where in the line the last JSON key ended (its value follows).
    key_end: u32,
    /// Field names come from a fixed grammar, not from the data: syslog
    /// structured data (`origin@32473.site`, an SD-ID `name@PEN` that reads
    /// like an e-mail address), so detectors do not look for values in them.
    pub structured_keys: bool,
    /// Length of `values` before the first derived field's value: what the
    /// value rules' prefilter runs over. None without derived fields.
    joined_len: Option<u32>,
    /// Scratch space of `derive_pairs`.
    pairs: Vec<pairs::Pair>,
    /// `NAMED_*` bits of the JSON keys met: `derive_named_values` runs only
    /// on a record that has both.
    named_keys: u8,
}

/// A JSON key `name` or `key` was met (see `named.rs`).
const NAMED_NAME: u8 = 1;
/// A JSON key `value` was met.
const NAMED_VALUE: u8 = 2;

impl RecordBuf {
    pub fn clear(&mut self) {
        self.paths.clear();
        self.values.clear();
        self.fields.clear();
        self.stack.clear();
        self.key_end = 0;
        self.structured_keys = false;
        self.joined_len = None;
        self.named_keys = 0;
    }

    /// The whole line as the record's one free-text field, with the pairs
    /// written in it: what a line that fails to parse is scanned as.
    pub fn set_text(&mut self, line: &[u8]) {
        self.clear();
        self.push_text(line);
        self.derive_pairs();
    }

    pub fn path(&self, f: &Field) -> &[u8] {
        &self.paths[f.path.start as usize..f.path.end as usize]
    }

    pub fn value(&self, f: &Field) -> &[u8] {
        &self.values[f.value.start as usize..f.value.end as usize]
    }

    /// Every field value, each followed by a newline: one haystack in which
    /// a pattern that matches some value (with `^`/`$` read as line
    /// boundaries) also matches. Derived fields' values are left out.
    pub fn joined_values(&self) -> &[u8] {
        match self.joined_len {
            Some(n) => &self.values[..n as usize],
            None => &self.values,
        }
    }

    /// The last segment of a field's path (`fx` of `calib.intrinsics.fx`).
    pub fn leaf<'a>(&'a self, f: &Field) -> &'a [u8] {
        let p = self.path(f);
        match memchr::memrchr(b'.', p) {
            Some(i) => &p[i + 1..],
            None => p,
        }
    }

    fn push(&mut self, path: &[u8], value: &[u8], text: bool) {
        self.push_at(path, value, text, 0);
    }

    /// A field whose value lies at (or after) `line_from` in its line.
    fn push_at(&mut self, path: &[u8], value: &[u8], text: bool, line_from: u32) {
        debug_assert!(
            self.joined_len.is_none(),
            "a parsed field after a derived one"
        );
        let ps = self.paths.len() as u32;
        self.paths.extend_from_slice(path);
        let vs = self.values.len() as u32;
        self.values.extend_from_slice(value);
        let ve = self.values.len() as u32;
        // Values are kept one after another with a newline between them, so
        // detectors can prefilter all of a record's values in one pass
        // (see `joined_values`).
        self.values.push(b'\n');
        self.fields.push(Field {
            path: ps..self.paths.len() as u32,
            value: vs..ve,
            text,
            line_from,
            derived: false,
        });
    }

    /// A value found after the last key.
    fn push_stack_value(&mut self, value: &[u8]) {
        self.push_stack_value_at(value, self.key_end);
    }

    fn push_stack_value_at(&mut self, value: &[u8], line_from: u32) {
        let ps = self.paths.len() as u32;
        self.paths.extend_from_slice(&self.stack);
        let vs = self.values.len() as u32;
        self.values.extend_from_slice(value);
        self.end_field(ps, vs, line_from, false);
    }

    /// The field whose path and value were just appended from `ps`, `vs`
    /// (`derived`: a pair read out of a free-text value).
    fn end_field(&mut self, ps: u32, vs: u32, line_from: u32, derived: bool) {
        let ve = self.values.len() as u32;
        // Values are kept one after another with a newline between them, so
        // detectors can prefilter all of a record's values in one pass
        // (see `joined_values`).
        self.values.push(b'\n');
        self.fields.push(Field {
            path: ps..self.paths.len() as u32,
            value: vs..ve,
            text: false,
            line_from,
            derived,
        });
    }
}

/// Per-file parsing state: the CSV header, once read.
#[derive(Debug, Clone, Default)]
pub struct Header {
    pub columns: Vec<Vec<u8>>,
    /// The cell delimiter the header line was written with (`;` in much
    /// of Europe, where `,` is the decimal separator); 0 for the format's.
    pub delimiter: u8,
}

impl Header {
    fn delimiter(&self, format: Format) -> u8 {
        if self.delimiter == 0 {
            format.delimiter()
        } else {
            self.delimiter
        }
    }
}

/// Parse one line of `format` into `rec` (which is cleared first), with
/// the pairs written inside its free text as derived fields. On error, the
/// caller scans the line as text ([`RecordBuf::set_text`]).
pub fn parse(
    format: Format,
    line: &[u8],
    header: &Header,
    rec: &mut RecordBuf,
) -> Result<(), ParseError> {
    rec.clear();
    parse_fields(format, line, header, rec)?;
    rec.derive_pairs();
    if rec.named_keys == NAMED_NAME | NAMED_VALUE {
        rec.derive_named_values();
    }
    Ok(())
}

fn parse_fields(
    format: Format,
    line: &[u8],
    header: &Header,
    rec: &mut RecordBuf,
) -> Result<(), ParseError> {
    match format {
        Format::Jsonl => parse_json(line, rec),
        Format::Csv | Format::Tsv => {
            parse_delimited(line, header.delimiter(format), header, rec, false)
        }
        Format::Logfmt => parse_logfmt(line, rec),
        Format::Syslog => parse_syslog(line, rec),
        // The line's first log record: the engine parses a line into all
        // of its records with [`OtlpRecords`]; this serves one-line callers
        // (`explain`, the harnesses).
        Format::Otlp => {
            let mut all = OtlpRecords::default();
            all.parse(line)?;
            all.fields_of(0, rec);
            Ok(())
        }
        Format::Text => {
            rec.push_text(line);
            Ok(())
        }
    }
}

/// Read a double-quoted value whose opening quote is just before `*i`
/// (backslash escapes the next byte) into `val`; `*i` ends after the
/// closing quote. False when the quote never closes (logfmt values and
/// syslog structured-data values share this rule).
pub(super) fn unquote(src: &[u8], i: &mut usize, val: &mut Vec<u8>) -> bool {
    while *i < src.len() {
        match src[*i] {
            b'\\' if *i + 1 < src.len() => {
                val.push(src[*i + 1]);
                *i += 2;
            }
            b'"' => {
                *i += 1;
                return true;
            }
            b => {
                val.push(b);
                *i += 1;
            }
        }
    }
    false
}
