//! OpenTelemetry logs in OTLP/JSON, as the collector's file exporter writes
//! them: one `ExportLogsServiceRequest` per line
//! (`{"resourceLogs":[{"resource":{…},"scopeLogs":[{"scope":{…},"logRecords":[…]}]}]}`),
//! in the protobuf JSON mapping (attributes as lists of `{"key", "value"}`
//! with an `AnyValue` such as `{"stringValue": …}` or `{"intValue": "10"}`).
//!
//! One line holds many log records, so it is parsed once into
//! [`OtlpRecords`] and each log record becomes a record of its own, with
//! the fields of everything it belongs to:
//!
//! | field | from |
//! |---|---|
//! | `resource.<key>` | resource attributes (`resource.service.name`) |
//! | `scope.name`, `scope.version`, `scope.attributes.<key>` | the instrumentation scope |
//! | `time`, `observed_time` | `timeUnixNano`, `observedTimeUnixNano`, as written |
//! | `severity_text`, `severity_number` | `severityText`, `severityNumber` |
//! | `body` | a string body: the record's free text (like syslog's `msg`) |
//! | `body.<key>` | a `kvlistValue` body, nested keys dotted |
//! | `attributes.<key>` | log record attributes (`attributes.http.url`) |
//! | `trace_id`, `span_id`, `event_name` | as written |
//!
//! A `kvlistValue` nests with dots (`attributes.user.address.city`); the
//! values of an `arrayValue` all take the array's path, as JSON arrays do
//! (`formats/json.rs`). Keys the protocol does not define are kept as
//! plain JSON under their own name, so nothing in a line escapes
//! detection; only protocol bookkeeping (`schemaUrl`, `flags`,
//! `droppedAttributesCount`) is left out. A resource or scope that holds
//! no log record is a record of its own fields, so a line is always at
//! least one record. Both the lowerCamelCase names and the proto field
//! names (`resource_logs`, `string_value`) are read, and 64-bit integers
//! as strings or numbers.
//!
//! A line that is not JSON is `invalid_json` (or `truncated_json`, ...)
//! like a JSON Lines record; JSON of the wrong shape (no `resourceLogs`,
//! a `logRecords` that is not a list) is `invalid_otlp`; a line whose
//! records would copy its resource more than [`MAX_AMPLIFICATION`] times
//! over is `otlp_too_large`. Each is scanned as text like any record that
//! does not parse.

use std::fmt;

use serde::de::{DeserializeSeed, Error as _, MapAccess, SeqAccess, Visitor};

use super::json::{Walker, json_error, offset_in};
use super::{ParseError, RecordBuf};

/// Most bytes of fields the records of one line may hold together, as a
/// multiple of the line's length (plus [`AMPLIFICATION_SLACK`]): each log
/// record carries a copy of its resource's and scope's fields, so a huge
/// resource over many tiny records would multiply the work of one line
/// without bound. A real export (a few kB of resource over records of a
/// few hundred bytes) stays far below.
pub const MAX_AMPLIFICATION: usize = 64;
const AMPLIFICATION_SLACK: usize = 64 * 1024;

/// No group (the root's parent).
const NONE: u32 = u32::MAX;

/// A resource, a scope or a log record: what a field belongs to.
#[derive(Debug, Clone, Copy)]
struct Group {
    parent: u32,
    /// Where the group's object starts in the line (`NONE`: not known yet).
    at: u32,
    /// Groups below it (resources of the root, scopes of a resource, log
    /// records of a scope).
    children: u32,
}

/// The log records of one OTLP line. Parsed once per line
/// ([`OtlpRecords::parse`]); each record is then copied into the engine's
/// [`RecordBuf`] ([`OtlpRecords::record`]). Reused from line to line, so
/// its buffers are allocated once per worker.
#[derive(Debug, Default)]
pub struct OtlpRecords {
    /// Every field of the line, with its full path, in line order.
    all: RecordBuf,
    /// The group of each field of `all`.
    group_of: Vec<u32>,
    groups: Vec<Group>,
    /// The groups that are records, in line order.
    records: Vec<u32>,
    /// Field indices of `all` ordered by group: the fields of group `g` are
    /// `order[starts[g]..starts[g + 1]]`.
    order: Vec<u32>,
    starts: Vec<u32>,
    /// Scratch: bytes of fields per group, and the next place per group.
    bytes: Vec<usize>,
    next: Vec<u32>,
}

impl OtlpRecords {
    /// Parse one line; the number of records it holds (at least one).
    pub fn parse(&mut self, line: &[u8]) -> Result<usize, ParseError> {
        self.all.clear();
        self.group_of.clear();
        self.groups.clear();
        self.records.clear();
        self.groups.push(Group {
            parent: NONE,
            at: 0,
            children: 0,
        });
        let mut de = serde_json::Deserializer::from_slice(line);
        let mut st = State {
            buf: self,
            bytes: line,
            line: line.as_ptr() as usize,
            group: 0,
        };
        let walked = Node {
            st: &mut st,
            kind: Kind::Request,
        }
        .deserialize(&mut de)
        .and_then(|()| de.end())
        .map_err(|e| match e.classify() {
            // The walk stops at the first problem: a wrong shape before a
            // syntax error is still a line that is not JSON (a cut line
            // is `truncated_json`, whatever came before the cut).
            serde_json::error::Category::Data => match not_json(line) {
                Some(syntax) => syntax,
                None => ParseError::new("invalid_otlp", format!("{e}")),
            },
            _ => json_error(&e),
        });
        st.tag();
        match walked.and_then(|()| self.index(line.len())) {
            Ok(()) => Ok(self.records.len()),
            Err(e) => {
                // Nothing of a line that failed is handed out.
                self.records.clear();
                Err(e)
            }
        }
    }

    /// How many records the last line parsed holds.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Fill `rec` (cleared first) with record `i` of the line: its
    /// resource's, scope's and own fields, then the pairs written in its
    /// free text. Returns where the record starts in the line.
    pub fn record(&self, i: usize, rec: &mut RecordBuf) -> u32 {
        rec.clear();
        let at = self.fields_of(i, rec);
        rec.derive_pairs();
        at
    }

    /// Append the fields of record `i` to `rec`; where it starts.
    pub(super) fn fields_of(&self, i: usize, rec: &mut RecordBuf) -> u32 {
        let g = self.records[i];
        // Root, resource, scope, record: at most four, outermost first.
        let mut chain = [NONE; 4];
        let mut n = 0;
        let mut x = g;
        while x != NONE && n < chain.len() {
            chain[n] = x;
            n += 1;
            x = self.groups[x as usize].parent;
        }
        for &grp in chain[..n].iter().rev() {
            let (s, e) = (
                self.starts[grp as usize] as usize,
                self.starts[grp as usize + 1] as usize,
            );
            for &fi in &self.order[s..e] {
                let f = &self.all.fields[fi as usize];
                rec.push_at(self.all.path(f), self.all.value(f), f.text, f.line_from);
            }
        }
        self.groups[g as usize].at
    }

    /// Order the fields by group, check the amplification bound, and give
    /// every group a place in the line.
    fn index(&mut self, line_len: usize) -> Result<(), ParseError> {
        let n = self.groups.len();
        self.bytes.clear();
        self.bytes.resize(n, 0);
        self.starts.clear();
        self.starts.resize(n + 1, 0);
        for (f, &g) in self.all.fields.iter().zip(&self.group_of) {
            self.bytes[g as usize] += f.path.len() + f.value.len() + 1;
            self.starts[g as usize + 1] += 1;
        }
        for g in 0..n {
            self.starts[g + 1] += self.starts[g];
        }
        // Each group's bytes including its ancestors' (parents come first).
        for g in 0..n {
            let p = self.groups[g].parent;
            if p != NONE {
                self.bytes[g] += self.bytes[p as usize];
            }
            if self.groups[g].at == NONE {
                self.groups[g].at = if p == NONE {
                    0
                } else {
                    self.groups[p as usize].at
                };
            }
        }
        let total: usize = self.records.iter().map(|&g| self.bytes[g as usize]).sum();
        let budget = line_len
            .saturating_mul(MAX_AMPLIFICATION)
            .saturating_add(AMPLIFICATION_SLACK);
        if total > budget {
            return Err(ParseError::new(
                "otlp_too_large",
                format!(
                    "{} log records would hold {total} bytes of fields, over {MAX_AMPLIFICATION} \
                     times the line's {line_len}",
                    self.records.len()
                ),
            ));
        }
        self.order.clear();
        self.order.resize(self.all.fields.len(), 0);
        self.next.clear();
        self.next.extend_from_slice(&self.starts[..n]);
        for (i, &g) in self.group_of.iter().enumerate() {
            self.order[self.next[g as usize] as usize] = i as u32;
            self.next[g as usize] += 1;
        }
        Ok(())
    }
}

/// Why a line is not one JSON document, if it is not.
fn not_json(line: &[u8]) -> Option<ParseError> {
    let mut de = serde_json::Deserializer::from_slice(line);
    Skip.deserialize(&mut de)
        .and_then(|()| de.end())
        .err()
        .map(|e| json_error(&e))
}

/// The walk's state: the buffers and the group being read.
struct State<'b> {
    buf: &'b mut OtlpRecords,
    /// The line, and its address (strings borrowed from it are slices of
    /// it: their address says where they are).
    bytes: &'b [u8],
    line: usize,
    group: u32,
}

impl State<'_> {
    /// Tag the fields pushed since the last call with the current group.
    fn tag(&mut self) {
        let n = self.buf.all.fields.len();
        self.buf.group_of.resize(n, self.group);
    }

    /// Start a group below the current one and make it current; the group
    /// it replaces.
    fn enter(&mut self, record: bool) -> u32 {
        self.tag();
        let g = self.buf.groups.len() as u32;
        self.buf.groups[self.group as usize].children += 1;
        self.buf.groups.push(Group {
            parent: self.group,
            at: NONE,
            children: 0,
        });
        if record {
            self.buf.records.push(g);
        }
        std::mem::replace(&mut self.group, g)
    }

    /// End the current group; a resource or scope (not a `record`) without
    /// anything below it is a record of its own fields.
    fn leave(&mut self, outer: u32, record: bool) {
        self.tag();
        if !record && self.buf.groups[self.group as usize].children == 0 {
            self.buf.records.push(self.group);
        }
        self.group = outer;
    }

    /// Where a string borrowed from the line starts in it, if it is one.
    fn offset(&self, v: &str) -> Option<u32> {
        let p = v.as_ptr() as usize;
        (p >= self.line && p + v.len() <= self.line + self.bytes.len())
            .then(|| offset_in(self.line, v))
    }

    /// A key was read at `at` in the line: the current group starts at the
    /// `{` before its opening quote, if nothing earlier placed it.
    fn place(&mut self, at: u32) {
        let g = &mut self.buf.groups[self.group as usize];
        if g.at == NONE {
            let quote = (at as usize).saturating_sub(1);
            g.at = memchr::memrchr(b'{', &self.bytes[..quote]).unwrap_or(quote) as u32;
        }
    }

    fn push_segment(&mut self, seg: &str) {
        let stack = &mut self.buf.all.stack;
        if !stack.is_empty() {
            stack.push(b'.');
        }
        stack.extend_from_slice(seg.as_bytes());
    }

    fn set_path(&mut self, path: &str) {
        self.buf.all.stack.clear();
        self.buf.all.stack.extend_from_slice(path.as_bytes());
    }
}

/// A value that is read (so that it is checked as strictly as any other:
/// UTF-8, escapes) but kept nowhere: protocol bookkeeping.
struct Skip;

impl<'de> DeserializeSeed<'de> for Skip {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Skip {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Skip)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_key_seed(Skip)?.is_some() {
            map.next_value_seed(Skip)?;
        }
        Ok(())
    }
}

/// An object key, borrowed from the line when it has no escapes.
enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }
}

struct KeySeed<'a, 'b> {
    st: &'a mut State<'b>,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_, '_> {
    type Value = Key<'de>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Key<'de>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_, '_> {
    type Value = Key<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key::Owned(v.to_string()))
    }
    fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        if let Some(at) = self.st.offset(v) {
            self.st.buf.all.key_end = at + v.len() as u32;
            self.st.place(at);
        }
        Ok(Key::Borrowed(v))
    }
}

/// What a JSON value is expected to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Request,
    ResourceLogs,
    Resource,
    ScopeLogs,
    Scope,
    LogRecord,
    KeyValue,
    /// An `AnyValue`; `text`: a string in it is free text (a body).
    AnyValue {
        text: bool,
    },
    /// `arrayValue`: `{"values": [AnyValue…]}` (or the list itself).
    Array,
    /// `kvlistValue`: `{"values": [KeyValue…]}` (or the list itself).
    KvList,
}

impl Kind {
    fn what(self) -> &'static str {
        match self {
            Kind::Request => "an ExportLogsServiceRequest object",
            Kind::ResourceLogs => "a ResourceLogs object",
            Kind::Resource => "a Resource object",
            Kind::ScopeLogs => "a ScopeLogs object",
            Kind::Scope => "an InstrumentationScope object",
            Kind::LogRecord => "a LogRecord object",
            Kind::KeyValue => "a KeyValue object",
            Kind::AnyValue { .. } => "an AnyValue object",
            Kind::Array => "an ArrayValue",
            Kind::KvList => "a KeyValueList",
        }
    }
}

/// A value of a given [`Kind`].
struct Node<'a, 'b> {
    st: &'a mut State<'b>,
    kind: Kind,
}

/// A list whose elements are of a given [`Kind`] (`null`: empty).
struct List<'a, 'b> {
    st: &'a mut State<'b>,
    elem: Kind,
}

impl<'de> DeserializeSeed<'de> for Node<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> DeserializeSeed<'de> for List<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for List<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a list of {}", self.elem.what())
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq
            .next_element_seed(Node {
                st: &mut *self.st,
                kind: self.elem,
            })?
            .is_some()
        {}
        Ok(())
    }
}

/// The value of the current map entry as plain JSON, under `path` (or the
/// path as it stands when `None`), restored afterwards.
fn generic<'de, A: MapAccess<'de>>(
    st: &mut State<'_>,
    map: &mut A,
    segment: Option<&str>,
) -> Result<(), A::Error> {
    let depth = st.buf.all.stack.len();
    if let Some(s) = segment {
        st.push_segment(s);
    }
    map.next_value_seed(Walker::new(&mut st.buf.all, st.line))?;
    st.buf.all.stack.truncate(depth);
    Ok(())
}

/// The value of the current map entry as plain JSON under `path`.
fn named<'de, A: MapAccess<'de>>(
    st: &mut State<'_>,
    map: &mut A,
    path: &str,
) -> Result<(), A::Error> {
    st.set_path(path);
    map.next_value_seed(Walker::new(&mut st.buf.all, st.line))?;
    st.buf.all.stack.clear();
    Ok(())
}

/// The value of the current map entry as a list of `elem` under `path`.
fn list<'de, A: MapAccess<'de>>(
    st: &mut State<'_>,
    map: &mut A,
    path: Option<&str>,
    elem: Kind,
) -> Result<(), A::Error> {
    let depth = st.buf.all.stack.len();
    if let Some(p) = path {
        st.set_path(p);
    }
    map.next_value_seed(List { st, elem })?;
    st.buf
        .all
        .stack
        .truncate(if path.is_some() { 0 } else { depth });
    Ok(())
}

impl<'de> Visitor<'de> for Node<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.kind.what())
    }

    /// `null` is an absent value in the protobuf JSON mapping (but a line
    /// of `null` is no request).
    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        if self.kind == Kind::Request {
            return Err(E::invalid_type(serde::de::Unexpected::Unit, &self));
        }
        Ok(())
    }

    /// The lists of `arrayValue` and `kvlistValue` written without their
    /// `{"values": …}` wrapper (as in opentelemetry-proto's own example).
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        let elem = match self.kind {
            Kind::Array => Kind::AnyValue { text: false },
            Kind::KvList => Kind::KeyValue,
            _ => {
                return Err(A::Error::invalid_type(
                    serde::de::Unexpected::Seq,
                    &self.kind.what(),
                ));
            }
        };
        List { st: self.st, elem }.visit_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let st = self.st;
        match self.kind {
            Kind::Request => {
                let mut seen = false;
                while let Some(k) = map.next_key_seed(KeySeed { st: &mut *st })? {
                    match k.as_str() {
                        "resourceLogs" | "resource_logs" => {
                            seen = true;
                            list(st, &mut map, None, Kind::ResourceLogs)?;
                        }
                        other => generic(st, &mut map, Some(other))?,
                    }
                }
                if !seen {
                    return Err(A::Error::custom("no resourceLogs"));
                }
                if st.buf.groups[0].children == 0 {
                    st.buf.records.push(0);
                }
            }
            Kind::ResourceLogs | Kind::ScopeLogs => {
                let outer = st.enter(false);
                while let Some(k) = map.next_key_seed(KeySeed { st: &mut *st })? {
                    match (self.kind, k.as_str()) {
                        (Kind::ResourceLogs, "resource") => {
                            map.next_value_seed(Node {
                                st: &mut *st,
                                kind: Kind::Resource,
                            })?;
                        }
                        (
                            Kind::ResourceLogs,
                            "scopeLogs"
                            | "scope_logs"
                            | "instrumentationLibraryLogs"
                            | "instrumentation_library_logs",
                        ) => list(st, &mut map, None, Kind::ScopeLogs)?,
                        (
                            Kind::ScopeLogs,
                            "scope" | "instrumentationLibrary" | "instrumentation_library",
                        ) => {
                            map.next_value_seed(Node {
                                st: &mut *st,
                                kind: Kind::Scope,
                            })?;
                        }
                        (Kind::ScopeLogs, "logRecords" | "log_records" | "logs") => {
                            list(st, &mut map, None, Kind::LogRecord)?;
                        }
                        (_, "schemaUrl" | "schema_url") => {
                            map.next_value_seed(Skip)?;
                        }
                        (_, other) => generic(st, &mut map, Some(other))?,
                    }
                }
                st.leave(outer, false);
            }
            Kind::Resource | Kind::Scope => {
                let prefix = if self.kind == Kind::Resource {
                    "resource"
                } else {
                    "scope"
                };
                while let Some(k) = map.next_key_seed(KeySeed { st: &mut *st })? {
                    match (self.kind, k.as_str()) {
                        (Kind::Resource, "attributes") => {
                            list(st, &mut map, Some("resource"), Kind::KeyValue)?;
                        }
                        (Kind::Scope, "attributes") => {
                            list(st, &mut map, Some("scope.attributes"), Kind::KeyValue)?;
                        }
                        (Kind::Scope, "name") => named(st, &mut map, "scope.name")?,
                        (Kind::Scope, "version") => named(st, &mut map, "scope.version")?,
                        (_, "droppedAttributesCount" | "dropped_attributes_count") => {
                            map.next_value_seed(Skip)?;
                        }
                        (_, other) => {
                            st.set_path(prefix);
                            generic(st, &mut map, Some(other))?;
                            st.buf.all.stack.clear();
                        }
                    }
                }
            }
            Kind::LogRecord => {
                let outer = st.enter(true);
                while let Some(k) = map.next_key_seed(KeySeed { st: &mut *st })? {
                    let path = match k.as_str() {
                        "timeUnixNano" | "time_unix_nano" => "time",
                        "observedTimeUnixNano" | "observed_time_unix_nano" => "observed_time",
                        "severityNumber" | "severity_number" => "severity_number",
                        "severityText" | "severity_text" => "severity_text",
                        "traceId" | "trace_id" => "trace_id",
                        "spanId" | "span_id" => "span_id",
                        "eventName" | "event_name" => "event_name",
                        "body" => {
                            st.set_path("body");
                            map.next_value_seed(Node {
                                st: &mut *st,
                                kind: Kind::AnyValue { text: true },
                            })?;
                            st.buf.all.stack.clear();
                            continue;
                        }
                        "attributes" => {
                            list(st, &mut map, Some("attributes"), Kind::KeyValue)?;
                            continue;
                        }
                        "droppedAttributesCount" | "dropped_attributes_count" | "flags" => {
                            map.next_value_seed(Skip)?;
                            continue;
                        }
                        other => {
                            generic(st, &mut map, Some(other))?;
                            continue;
                        }
                    };
                    named(st, &mut map, path)?;
                }
                st.leave(outer, true);
            }
            Kind::KeyValue => {
                let depth = st.buf.all.stack.len();
                let mut keyed = false;
                // A value written before its key, kept until the key comes.
                let mut early: Option<serde_json::Value> = None;
                while let Some(k) = map.next_key_seed(KeySeed { st: &mut *st })? {
                    match k.as_str() {
                        "key" => {
                            let key = map.next_value_seed(KeySeed { st: &mut *st })?;
                            st.buf.all.stack.truncate(depth);
                            st.push_segment(key.as_str());
                            keyed = true;
                        }
                        "value" if keyed => map.next_value_seed(Node {
                            st: &mut *st,
                            kind: Kind::AnyValue { text: false },
                        })?,
                        "value" => early = Some(map.next_value()?),
                        other => generic(st, &mut map, Some(other))?,
                    }
                }
                if let Some(v) = early {
                    // Owned strings: no position in the line (columns fall
                    // back to searching for the value).
                    Node {
                        st: &mut *st,
                        kind: Kind::AnyValue { text: false },
                    }
                    .deserialize(v)
                    .map_err(A::Error::custom)?;
                }
                st.buf.all.stack.truncate(depth);
            }
            Kind::AnyValue { text } => {
                while let Some(k) = map.next_key_seed(KeySeed { st: &mut *st })? {
                    match k.as_str() {
                        "stringValue" | "string_value" => {
                            let before = st.buf.all.fields.len();
                            generic(st, &mut map, None)?;
                            if text {
                                for f in &mut st.buf.all.fields[before..] {
                                    f.text = true;
                                }
                            }
                        }
                        "arrayValue" | "array_value" => map.next_value_seed(Node {
                            st: &mut *st,
                            kind: Kind::Array,
                        })?,
                        "kvlistValue" | "kvlist_value" => map.next_value_seed(Node {
                            st: &mut *st,
                            kind: Kind::KvList,
                        })?,
                        // intValue, doubleValue, boolValue, bytesValue, and
                        // whatever a newer protocol adds: as written.
                        _ => generic(st, &mut map, None)?,
                    }
                }
            }
            Kind::Array | Kind::KvList => {
                let elem = if self.kind == Kind::Array {
                    Kind::AnyValue { text: false }
                } else {
                    Kind::KeyValue
                };
                while let Some(k) = map.next_key_seed(KeySeed { st: &mut *st })? {
                    match k.as_str() {
                        "values" => map.next_value_seed(List { st: &mut *st, elem })?,
                        _ => generic(st, &mut map, None)?,
                    }
                }
            }
        }
        Ok(())
    }
}
