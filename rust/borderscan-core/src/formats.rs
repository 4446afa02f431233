//! Record formats: each line of an input becomes a [`Record`], a flat list
//! of (field path, value) pairs. Detectors only ever see records, so a new
//! format is one parser here and nothing else.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;
use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};

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
    Text,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Tsv => "tsv",
            Format::Logfmt => "logfmt",
            Format::Syslog => "syslog",
            Format::Text => "text",
        }
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
            "text" | "plain" => Ok(Format::Text),
            _ => Err(format!(
                "unknown input format `{s}` (expected one of jsonl, csv, tsv, logfmt, syslog, text)"
            )),
        }
    }
}

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
    if share(&|l| l.trim_ascii_start().first() == Some(&b'{')) {
        return Format::Jsonl;
    }
    if share(&|l| syslog_kind(l).is_some()) {
        return Format::Syslog;
    }
    if let Some(f @ (Format::Csv | Format::Tsv)) = by_name {
        return f;
    }
    for f in [Format::Tsv, Format::Csv] {
        if lines.len() >= 2 && looks_delimited(lines, f.delimiter()) {
            return f;
        }
    }
    if share(&|l| logfmt_pairs(l) >= 2) {
        return Format::Logfmt;
    }
    by_name.unwrap_or(Format::Text)
}

fn looks_delimited(lines: &[&[u8]], delim: u8) -> bool {
    let header = lines[0];
    let n = count_fields(header, delim);
    // A header names columns: more than one, none of them purely numeric.
    if n < 2
        || header
            .split(|&b| b == delim)
            .any(|c| !c.is_empty() && c.iter().all(u8::is_ascii_digit))
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SyslogKind {
    Rfc5424,
    Rfc3164,
}

fn syslog_kind(line: &[u8]) -> Option<SyslogKind> {
    let rest = line.strip_prefix(b"<")?;
    let close = rest.iter().position(|&b| b == b'>')?;
    if close == 0 || close > 3 || !rest[..close].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let after = &rest[close + 1..];
    if after.len() > 2 && after[0].is_ascii_digit() && after[1] == b' ' {
        Some(SyslogKind::Rfc5424)
    } else {
        Some(SyslogKind::Rfc3164)
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
}

impl RecordBuf {
    pub fn clear(&mut self) {
        self.paths.clear();
        self.values.clear();
        self.fields.clear();
        self.stack.clear();
        self.key_end = 0;
        self.structured_keys = false;
    }

    pub fn path(&self, f: &Field) -> &[u8] {
        &self.paths[f.path.start as usize..f.path.end as usize]
    }

    pub fn value(&self, f: &Field) -> &[u8] {
        &self.values[f.value.start as usize..f.value.end as usize]
    }

    /// Every field value, each followed by a newline: one haystack in which
    /// a pattern that matches some value (with `^`/`$` read as line
    /// boundaries) also matches.
    pub fn joined_values(&self) -> &[u8] {
        &self.values
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
            line_from: 0,
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
        });
    }

    /// The whole line as one free-text field (plain text, or the fallback
    /// for a record that failed to parse).
    pub fn push_text(&mut self, line: &[u8]) {
        self.push(b"", line, true);
    }
}

/// Per-file parsing state: the CSV header, once read.
#[derive(Debug, Clone, Default)]
pub struct Header {
    pub columns: Vec<Vec<u8>>,
}

/// Parse one line of `format` into `rec` (which is cleared first).
pub fn parse(
    format: Format,
    line: &[u8],
    header: &Header,
    rec: &mut RecordBuf,
) -> Result<(), ParseError> {
    rec.clear();
    match format {
        Format::Jsonl => parse_json(line, rec),
        Format::Csv | Format::Tsv => parse_delimited(line, format.delimiter(), header, rec, false),
        Format::Logfmt => parse_logfmt(line, rec),
        Format::Syslog => parse_syslog(line, rec),
        Format::Text => {
            rec.push_text(line);
            Ok(())
        }
    }
}

// ---------------------------------------------------------------- JSON

/// Walks a JSON document with serde_json's streaming deserializer, emitting
/// leaves with their dotted paths, without building a `Value` tree.
/// serde_json's recursion limit (128) turns hostile nesting into an error.
pub fn parse_json(line: &[u8], rec: &mut RecordBuf) -> Result<(), ParseError> {
    let mut de = serde_json::Deserializer::from_slice(line);
    Walker {
        rec,
        line: line.as_ptr() as usize,
    }
    .deserialize(&mut de)
    .and_then(|()| de.end())
    .map_err(|e| {
        let reason = match e.classify() {
            serde_json::error::Category::Eof => "truncated_json",
            _ if e.to_string().contains("recursion limit") => "json_too_deep",
            _ if e.to_string().contains("unicode") || e.to_string().contains("UTF-8") => {
                "invalid_utf8"
            }
            _ => "invalid_json",
        };
        ParseError::new(reason, format!("{e}"))
    })
}

struct Walker<'a> {
    rec: &'a mut RecordBuf,
    /// Address of the line's first byte: borrowed strings are slices of
    /// the line, so their address tells where they lie in it.
    line: usize,
}

/// Where a string borrowed from the line starts in it.
fn offset_in(line: usize, v: &str) -> u32 {
    u32::try_from((v.as_ptr() as usize).wrapping_sub(line)).unwrap_or(0)
}

impl<'de> DeserializeSeed<'de> for Walker<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

struct KeySeed<'a> {
    stack: &'a mut Vec<u8>,
    key_end: &'a mut u32,
    line: usize,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<(), E> {
        if !self.stack.is_empty() {
            self.stack.push(b'.');
        }
        self.stack.extend_from_slice(v.as_bytes());
        Ok(())
    }
    fn visit_borrowed_str<E: serde::de::Error>(self, v: &'_ str) -> Result<(), E> {
        *self.key_end = offset_in(self.line, v) + v.len() as u32;
        self.visit_str(v)
    }
}

impl<'de> Visitor<'de> for Walker<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<(), E> {
        self.rec.push_stack_value(v.as_bytes());
        Ok(())
    }
    fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<(), E> {
        self.rec
            .push_stack_value_at(v.as_bytes(), offset_in(self.line, v));
        Ok(())
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<(), E> {
        self.rec
            .push_stack_value(if v { b"true" } else { b"false" });
        Ok(())
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<(), E> {
        let mut b = itoa_buf(v as i128);
        self.rec.push_stack_value(b.as_bytes_mut());
        Ok(())
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<(), E> {
        let mut b = itoa_buf(v as i128);
        self.rec.push_stack_value(b.as_bytes_mut());
        Ok(())
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<(), E> {
        // The shortest round-trip form (`1.5`, `1e20`): fast, and the same
        // digits a JSON writer printed in almost every case.
        let mut buf = zmij::Buffer::new();
        self.rec.push_stack_value(buf.format(v).as_bytes());
        Ok(())
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let depth = self.rec.stack.len();
        while map
            .next_key_seed(KeySeed {
                stack: &mut self.rec.stack,
                key_end: &mut self.rec.key_end,
                line: self.line,
            })?
            .is_some()
        {
            map.next_value_seed(Walker {
                rec: self.rec,
                line: self.line,
            })?;
            self.rec.stack.truncate(depth);
        }
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq
            .next_element_seed(Walker {
                rec: self.rec,
                line: self.line,
            })?
            .is_some()
        {}
        Ok(())
    }
}

/// Small stack buffer for integer formatting without allocating.
struct ItoaBuf {
    buf: [u8; 40],
    start: usize,
}

impl ItoaBuf {
    fn as_bytes_mut(&mut self) -> &[u8] {
        &self.buf[self.start..]
    }
}

fn itoa_buf(v: i128) -> ItoaBuf {
    let mut buf = [0u8; 40];
    let mut i = buf.len();
    let neg = v < 0;
    let mut n = v.unsigned_abs();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if neg {
        i -= 1;
        buf[i] = b'-';
    }
    ItoaBuf { buf, start: i }
}

// ---------------------------------------------------------------- CSV / TSV

/// Parse the header line of a delimited file.
pub fn parse_header(format: Format, line: &[u8]) -> Header {
    let mut rec = RecordBuf::default();
    let empty = Header::default();
    // A header that fails to parse still yields its cells; the data rows
    // will report the problem.
    // Empty cells are kept: an unnamed column (pandas' index column, `a,,b`)
    // still takes its place, or every later column would be misnamed and
    // every row reported ragged.
    let _ = parse_delimited(line, format.delimiter(), &empty, &mut rec, true);
    Header {
        columns: rec
            .fields
            .iter()
            .map(|f| rec.value(f).trim_ascii().to_vec())
            .collect(),
    }
}

fn parse_delimited(
    line: &[u8],
    delim: u8,
    header: &Header,
    rec: &mut RecordBuf,
    keep_empty: bool,
) -> Result<(), ParseError> {
    // Only `\n` ends a record: csv-core's default also ends one at a bare
    // `\r`, which silently dropped the rest of a line such as `a\rb,c`
    // (unscanned, uncounted). Lines arrive without their `\r\n` anyway.
    let mut rdr = csv_core::ReaderBuilder::new()
        .delimiter(delim)
        .terminator(csv_core::Terminator::Any(b'\n'))
        .build();
    let mut input = line;
    let mut out = vec![0u8; line.len() + 1];
    let mut col = 0usize;
    let mut outlen = 0usize;
    let mut name = Vec::new();
    loop {
        let (res, nin, nout) = rdr.read_field(input, &mut out[outlen..]);
        input = &input[nin..];
        outlen += nout;
        match res {
            csv_core::ReadFieldResult::InputEmpty => {
                if input.is_empty() {
                    // Signal end of input; csv-core then finishes the field.
                    let (res2, _, nout2) = rdr.read_field(&[], &mut out[outlen..]);
                    outlen += nout2;
                    if let csv_core::ReadFieldResult::Field { .. } = res2 {
                        push_cell(rec, header, col, &out[..outlen], &mut name, keep_empty);
                        col += 1;
                    }
                    break;
                }
            }
            csv_core::ReadFieldResult::OutputFull => {
                out.resize(out.len() * 2, 0);
            }
            csv_core::ReadFieldResult::Field { record_end } => {
                push_cell(rec, header, col, &out[..outlen], &mut name, keep_empty);
                outlen = 0;
                col += 1;
                if record_end {
                    break;
                }
            }
            csv_core::ReadFieldResult::End => break,
        }
    }
    if unbalanced_quotes(line) {
        return Err(ParseError::new(
            "unterminated_quote",
            "a quoted field is not closed on this line",
        ));
    }
    if !header.columns.is_empty() && col != header.columns.len() {
        return Err(ParseError::new(
            "ragged_row",
            format!("{col} fields where the header has {}", header.columns.len()),
        ));
    }
    Ok(())
}

fn unbalanced_quotes(line: &[u8]) -> bool {
    memchr::memchr_iter(b'"', line).count() % 2 == 1
}

fn push_cell(
    rec: &mut RecordBuf,
    header: &Header,
    col: usize,
    value: &[u8],
    name: &mut Vec<u8>,
    keep_empty: bool,
) {
    name.clear();
    match header.columns.get(col) {
        Some(c) if !c.is_empty() => name.extend_from_slice(c),
        _ => {
            name.push(b'_');
            name.extend_from_slice((col + 1).to_string().as_bytes());
        }
    }
    if keep_empty || !value.is_empty() {
        rec.push(name, value, false);
    }
}

// ---------------------------------------------------------------- logfmt

/// `key=value key2="quoted value" flag` as used by Go and Heroku loggers.
/// A bare word is kept as free text so nothing of the line is lost.
pub fn parse_logfmt(line: &[u8], rec: &mut RecordBuf) -> Result<(), ParseError> {
    let mut i = 0;
    let n = line.len();
    let mut val = Vec::new();
    let mut pairs = 0;
    while i < n {
        while i < n && line[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= n {
            break;
        }
        let ks = i;
        while i < n && !line[i].is_ascii_whitespace() && line[i] != b'=' {
            i += 1;
        }
        let key = &line[ks..i];
        if i < n && line[i] == b'=' {
            i += 1;
            val.clear();
            if i < n && line[i] == b'"' {
                i += 1;
                let mut closed = false;
                while i < n {
                    match line[i] {
                        b'\\' if i + 1 < n => {
                            val.push(line[i + 1]);
                            i += 2;
                        }
                        b'"' => {
                            i += 1;
                            closed = true;
                            break;
                        }
                        b => {
                            val.push(b);
                            i += 1;
                        }
                    }
                }
                if !closed {
                    return Err(ParseError::new(
                        "unterminated_quote",
                        "a quoted logfmt value is not closed",
                    ));
                }
            } else {
                let vs = i;
                while i < n && !line[i].is_ascii_whitespace() {
                    i += 1;
                }
                val.extend_from_slice(&line[vs..i]);
            }
            if key.is_empty() {
                return Err(ParseError::new("invalid_logfmt", "a value without a key"));
            }
            rec.push(key, &val, false);
            pairs += 1;
        } else {
            rec.push(b"", key, true);
        }
    }
    if pairs == 0 {
        return Err(ParseError::new("invalid_logfmt", "no key=value pair"));
    }
    Ok(())
}

// ---------------------------------------------------------------- syslog

fn parse_syslog(line: &[u8], rec: &mut RecordBuf) -> Result<(), ParseError> {
    rec.structured_keys = true;
    match syslog_kind(line) {
        Some(SyslogKind::Rfc5424) => parse_5424(line, rec),
        Some(SyslogKind::Rfc3164) => parse_3164(line, rec),
        None => Err(ParseError::new("invalid_syslog", "no <PRI> header")),
    }
}

fn next_token<'a>(s: &mut &'a [u8]) -> Option<&'a [u8]> {
    let t = *s;
    if t.is_empty() {
        return None;
    }
    let end = memchr::memchr(b' ', t).unwrap_or(t.len());
    *s = if end < t.len() { &t[end + 1..] } else { &[] };
    Some(&t[..end])
}

/// `<PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD-ID k="v" ...] MSG`
fn parse_5424(line: &[u8], rec: &mut RecordBuf) -> Result<(), ParseError> {
    let close = memchr::memchr(b'>', line).expect("checked by syslog_kind");
    let mut rest = &line[close + 1..];
    let bad =
        |what: &str| ParseError::new("invalid_syslog", format!("RFC 5424 header: missing {what}"));
    let _version = next_token(&mut rest).ok_or_else(|| bad("version"))?;
    let _ts = next_token(&mut rest).ok_or_else(|| bad("timestamp"))?;
    let names: [&[u8]; 4] = [b"hostname", b"app_name", b"procid", b"msgid"];
    for name in names {
        let v = next_token(&mut rest)
            .ok_or_else(|| bad(std::str::from_utf8(name).unwrap_or("field")))?;
        if v != b"-" {
            rec.push(name, v, false);
        }
    }
    // Structured data: "-" or one or more [id param="value" ...] elements.
    if rest.first() == Some(&b'-') {
        rest = rest.get(2..).unwrap_or(&[]);
    } else {
        while rest.first() == Some(&b'[') {
            let mut i = 1;
            let ids = i;
            while i < rest.len() && rest[i] != b' ' && rest[i] != b']' {
                i += 1;
            }
            let sd_id = rest[ids..i].to_vec();
            let mut path = Vec::new();
            let mut val = Vec::new();
            loop {
                while i < rest.len() && rest[i] == b' ' {
                    i += 1;
                }
                if i >= rest.len() {
                    return Err(ParseError::new(
                        "invalid_syslog",
                        "structured data element is not closed",
                    ));
                }
                if rest[i] == b']' {
                    i += 1;
                    break;
                }
                let ns = i;
                while i < rest.len() && rest[i] != b'=' && rest[i] != b']' {
                    i += 1;
                }
                let pname = &rest[ns..i];
                if i + 1 >= rest.len() || rest[i] != b'=' || rest[i + 1] != b'"' {
                    return Err(ParseError::new(
                        "invalid_syslog",
                        "structured data parameter without a quoted value",
                    ));
                }
                i += 2;
                val.clear();
                let mut closed = false;
                while i < rest.len() {
                    match rest[i] {
                        b'\\' if i + 1 < rest.len() => {
                            val.push(rest[i + 1]);
                            i += 2;
                        }
                        b'"' => {
                            i += 1;
                            closed = true;
                            break;
                        }
                        b => {
                            val.push(b);
                            i += 1;
                        }
                    }
                }
                if !closed {
                    return Err(ParseError::new(
                        "unterminated_quote",
                        "structured data value is not closed",
                    ));
                }
                path.clear();
                path.extend_from_slice(&sd_id);
                path.push(b'.');
                path.extend_from_slice(pname);
                rec.push(&path, &val, false);
            }
            rest = &rest[i..];
        }
        if rest.first() == Some(&b' ') {
            rest = &rest[1..];
        }
    }
    // A UTF-8 BOM may start the message (RFC 5424 §6.4).
    let msg = rest.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(rest);
    if !msg.is_empty() {
        rec.push(b"msg", msg, true);
    }
    Ok(())
}

/// `<PRI>Mmm dd hh:mm:ss HOST TAG[PID]: MSG` (BSD syslog).
fn parse_3164(line: &[u8], rec: &mut RecordBuf) -> Result<(), ParseError> {
    let close = memchr::memchr(b'>', line).expect("checked by syslog_kind");
    let rest = &line[close + 1..];
    // Timestamp is 15 bytes ("Nov  2 10:11:12"); without it the whole rest
    // is the message, as RFC 3164 §4.3.3 allows.
    let has_ts = rest.len() > 16
        && rest[3] == b' '
        && rest[..3].iter().all(u8::is_ascii_alphabetic)
        && rest[9] == b':'
        && rest[15] == b' ';
    if !has_ts {
        rec.push(b"msg", rest, true);
        return Ok(());
    }
    let mut rest = &rest[16..];
    if let Some(host) = next_token(&mut rest) {
        rec.push(b"hostname", host, false);
    }
    // TAG: up to ':' or '[' within the first 48 bytes.
    let tag_end = rest
        .iter()
        .take(48)
        .position(|&b| b == b':' || b == b'[' || b == b' ');
    if let Some(te) = tag_end
        && te > 0
        && matches!(rest[te], b':' | b'[')
    {
        rec.push(b"app_name", &rest[..te], false);
        let mut j = te;
        if rest[j] == b'['
            && let Some(k) = memchr::memchr(b']', &rest[j..])
        {
            rec.push(b"procid", &rest[j + 1..j + k], false);
            j += k + 1;
        }
        if rest.get(j) == Some(&b':') {
            j += 1;
        }
        rest = rest[j..].trim_ascii_start();
    }
    if !rest.is_empty() {
        rec.push(b"msg", rest, true);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(format: Format, line: &str, header: &Header) -> Vec<(String, String)> {
        let mut rec = RecordBuf::default();
        parse(format, line.as_bytes(), header, &mut rec).unwrap();
        rec.fields
            .iter()
            .map(|f| {
                (
                    String::from_utf8_lossy(rec.path(f)).into_owned(),
                    String::from_utf8_lossy(rec.value(f)).into_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn json_paths() {
        let f = fields(
            Format::Jsonl,
            r#"{"calib":{"intrinsics":{"fx":1200.5,"n":3}},"d":[1,{"k":"v\u0040"}],"z":null,"b":true}"#,
            &Header::default(),
        );
        assert_eq!(
            f,
            vec![
                ("calib.intrinsics.fx".into(), "1200.5".into()),
                ("calib.intrinsics.n".into(), "3".into()),
                ("d".into(), "1".into()),
                ("d.k".into(), "v@".into()),
                ("b".into(), "true".into()),
            ]
        );
    }

    #[test]
    fn json_errors_are_classified() {
        let mut rec = RecordBuf::default();
        assert_eq!(
            parse_json(br#"{"a": 1"#, &mut rec).unwrap_err().reason,
            "truncated_json"
        );
        assert_eq!(
            parse_json(br#"{"a" 1}"#, &mut rec).unwrap_err().reason,
            "invalid_json"
        );
        let deep = "[".repeat(100_000);
        assert_eq!(
            parse_json(deep.as_bytes(), &mut rec).unwrap_err().reason,
            "json_too_deep"
        );
        assert_eq!(
            parse_json(b"{\"a\": \"\xff\"}", &mut rec)
                .unwrap_err()
                .reason,
            "invalid_utf8"
        );
    }

    #[test]
    fn csv_with_header() {
        let h = parse_header(Format::Csv, b"ts,site,note");
        let f = fields(Format::Csv, r#"1,CN-SZ-02,"a, ""quoted"" note""#, &h);
        assert_eq!(
            f,
            vec![
                ("ts".into(), "1".into()),
                ("site".into(), "CN-SZ-02".into()),
                ("note".into(), r#"a, "quoted" note"#.into()),
            ]
        );
        let mut rec = RecordBuf::default();
        assert_eq!(
            parse(Format::Csv, b"1,2", &h, &mut rec).unwrap_err().reason,
            "ragged_row"
        );
        assert_eq!(
            parse(Format::Csv, b"1,\"open,3", &h, &mut rec)
                .unwrap_err()
                .reason,
            "unterminated_quote"
        );
    }

    #[test]
    fn logfmt_pairs_and_quotes() {
        let f = fields(
            Format::Logfmt,
            r#"level=error site=JP-OSA-03 msg="fault \"E1\" seen" orphan"#,
            &Header::default(),
        );
        assert_eq!(f[2], ("msg".into(), r#"fault "E1" seen"#.into()));
        assert_eq!(f[3], ("".into(), "orphan".into()));
    }

    #[test]
    fn syslog_5424_and_3164() {
        let f = fields(
            Format::Syslog,
            r#"<134>1 2026-11-02T10:11:12.003Z gw-01 shipper 4123 TLM [origin@32473 site="CN-SZ-02" dst="47.96.1.2"] uploaded to https://x.cn/a"#,
            &Header::default(),
        );
        assert!(f.contains(&("origin@32473.site".into(), "CN-SZ-02".into())));
        assert!(f.contains(&("origin@32473.dst".into(), "47.96.1.2".into())));
        assert_eq!(
            f.last().unwrap(),
            &("msg".into(), "uploaded to https://x.cn/a".into())
        );
        let f = fields(
            Format::Syslog,
            "<34>Nov  2 10:11:12 plc-7 maintd[311]: remote maintenance from 203.0.113.7",
            &Header::default(),
        );
        assert_eq!(f[0], ("hostname".into(), "plc-7".into()));
        assert_eq!(f[1], ("app_name".into(), "maintd".into()));
        assert_eq!(f[2], ("procid".into(), "311".into()));
        assert_eq!(
            f[3],
            ("msg".into(), "remote maintenance from 203.0.113.7".into())
        );
    }

    #[test]
    fn detection() {
        assert_eq!(detect("a.log", b"{\"a\":1}\n{\"b\":2}\n"), Format::Jsonl);
        assert_eq!(detect("a.txt", b"ts,site,v\n1,CN,2\n3,DE,4\n"), Format::Csv);
        assert_eq!(detect("a.txt", b"ts\tsite\tv\n1\tCN\t2\n"), Format::Tsv);
        assert_eq!(
            detect("x", b"level=info a=1 b=2\nlevel=warn a=3\n"),
            Format::Logfmt
        );
        assert_eq!(detect("x", b"<34>Nov  2 10:11:12 h p: m\n"), Format::Syslog);
        assert_eq!(detect("x", b"hello world\nsecond line\n"), Format::Text);
        assert_eq!(detect("data.csv.gz", b""), Format::Csv);
    }
}
