//! JSON Lines: one JSON document per line, flattened to dotted paths.

use std::fmt;

use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};

use super::{NAMED_NAME, NAMED_VALUE, ParseError, RecordBuf};

/// Walks a JSON document, emitting leaves with their dotted paths, without
/// building a `Value` tree: the common case by [`super::json_fast`], any
/// other line (and every error) by serde_json's streaming deserializer,
/// whose recursion limit (128) turns hostile nesting into an error.
pub fn parse_json(line: &[u8], rec: &mut RecordBuf) -> Result<(), ParseError> {
    let mark = (
        rec.paths.len(),
        rec.values.len(),
        rec.fields.len(),
        rec.stack.len(),
        rec.key_end,
        rec.named_keys,
    );
    if super::json_fast::walk(line, rec).is_some() {
        return Ok(());
    }
    rec.paths.truncate(mark.0);
    rec.values.truncate(mark.1);
    rec.fields.truncate(mark.2);
    rec.stack.truncate(mark.3);
    rec.key_end = mark.4;
    rec.named_keys = mark.5;
    parse_json_serde(line, rec)
}

/// [`parse_json`] by serde_json alone: the reference the fast walker is
/// held equal to.
pub(super) fn parse_json_serde(line: &[u8], rec: &mut RecordBuf) -> Result<(), ParseError> {
    let mut de = serde_json::Deserializer::from_slice(line);
    Walker {
        rec,
        line: line.as_ptr() as usize,
    }
    .deserialize(&mut de)
    .and_then(|()| de.end())
    .map_err(|e| json_error(&e))
}

/// Why a line is not one JSON document, as a parse problem.
pub(super) fn json_error(e: &serde_json::Error) -> ParseError {
    let reason = match e.classify() {
        serde_json::error::Category::Eof => "truncated_json",
        _ if e.to_string().contains("recursion limit") => "json_too_deep",
        _ if e.to_string().contains("unicode") || e.to_string().contains("UTF-8") => "invalid_utf8",
        _ => "invalid_json",
    };
    ParseError::new(reason, format!("{e}"))
}

/// Emits every leaf of a JSON value as a field under the record's path
/// stack (`RecordBuf::stack`), dotted for nested keys.
pub(super) struct Walker<'a> {
    rec: &'a mut RecordBuf,
    /// Address of the line's first byte: borrowed strings are slices of
    /// the line, so their address tells where they lie in it.
    line: usize,
}

impl<'a> Walker<'a> {
    /// A walker of values borrowed from the line that starts at address
    /// `line`.
    pub(super) fn new(rec: &'a mut RecordBuf, line: usize) -> Self {
        Walker { rec, line }
    }
}

/// Where a string borrowed from the line starts in it.
pub(super) fn offset_in(line: usize, v: &str) -> u32 {
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
    /// `NAMED_*` bits of the keys met so far (see `named.rs`).
    named: &'a mut u8,
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
        *self.named |= named_key(v.as_bytes());
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
                named: &mut self.rec.named_keys,
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

/// The `NAMED_*` bit of a key that names (`name`, `key`) or holds
/// (`value`) a named value; 0 for any other key. A record whose keys have
/// both bits may hold `{"name": ..., "value": ...}` objects.
pub(super) fn named_key(k: &[u8]) -> u8 {
    match k.len() {
        3 if k.eq_ignore_ascii_case(b"key") => NAMED_NAME,
        4 if k.eq_ignore_ascii_case(b"name") => NAMED_NAME,
        5 if k.eq_ignore_ascii_case(b"value") => NAMED_VALUE,
        _ => 0,
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
