//! A JSON walker for the common case, beside serde_json's.
//!
//! serde_json's streaming deserializer is correct on every input but pays,
//! per byte, for its generality: a visitor call per token, a second UTF-8
//! pass and a dispatch per number digit. Telemetry lines are mostly objects
//! of plain strings and integers; this walker reads exactly those, with
//! memchr finding where a string ends, and emits the same fields as
//! [`super::json::Walker`] would: same paths, values, `line_from` and
//! `NAMED_*` bits.
//!
//! It never decides a hard case. It hands a string with escapes and any
//! number other than a short plain integer or decimal to serde_json itself, and gives
//! up (None) on anything it does not accept, after which the caller clears
//! the record and lets serde_json parse the whole line, so every error and
//! its message still come from serde_json. `fast_matches_serde` in the
//! tests and the `parse_json` fuzz harness hold the two walkers equal.

use serde::de::DeserializeSeed;

use super::RecordBuf;
use super::json::{Walker, named_key};

/// Deeper nesting goes to serde_json, whose recursion limit (128) then
/// decides; telemetry rarely nests past a handful of levels.
const MAX_DEPTH: u32 = 64;

/// A plain integer of at most this many digits fits in an i64, so the text
/// serde_json would print back (itoa of the parsed number) is its own.
const MAX_PLAIN_DIGITS: usize = 18;

/// A decimal of at most this many digits, without an exponent, is read
/// here: its digits form an integer below 2^53 and its scale a power of ten
/// of at most 10^15, both exact in an f64, so one division gives the
/// correctly rounded value, which is what serde_json computes for it
/// (`f64_from_parts`: the significand divided by `POW10[scale]`).
const MAX_DECIMAL_DIGITS: usize = 15;

/// Powers of ten exact in an f64, up to 10^[`MAX_DECIMAL_DIGITS`].
const POW10: [f64; MAX_DECIMAL_DIGITS + 1] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// A short plain decimal (`-12.50`, `0.0316`) cut into its sign, integer
/// and fraction digits: an optional minus, `0` or digits not starting with
/// `0`, a point, digits; at most [`MAX_DECIMAL_DIGITS`] digits in all. None
/// for anything else (serde_json then reads it).
fn decimal_parts(num: &[u8]) -> Option<(bool, &[u8], &[u8])> {
    let (negative, digits) = match num.strip_prefix(b"-") {
        Some(rest) => (true, rest),
        None => (false, num),
    };
    let point = digits.iter().position(|&b| b == b'.')?;
    let (int, frac) = (&digits[..point], &digits[point + 1..]);
    if int.is_empty()
        || frac.is_empty()
        || int.len() + frac.len() > MAX_DECIMAL_DIGITS
        || (int[0] == b'0' && int.len() > 1)
        || !int.iter().chain(frac).all(u8::is_ascii_digit)
    {
        return None;
    }
    Some((negative, int, frac))
}

/// The value of a short plain decimal's parts ([`decimal_parts`]).
fn decimal_value(negative: bool, int: &[u8], frac: &[u8]) -> f64 {
    let significand = int
        .iter()
        .chain(frac)
        .fold(0u64, |n, &b| n * 10 + u64::from(b - b'0'));
    let v = significand as f64 / POW10[frac.len()];
    if negative { -v } else { v }
}

/// How `Walker::visit_f64` prints a short plain decimal, written from its
/// digits where they are that form already: a decimal of at most 15
/// significant digits is the only one of so few digits that reads as its
/// f64 (`f64::DIGITS`), so the shortest round-trip form zmij prints is its
/// own digits without the fraction's trailing zeros, in fixed notation
/// while the leading digit's exponent is within zmij's -5..=15. Dividing
/// and printing cost about 3 % of a summary scan.
fn decimal_text<'b>(num: &[u8], out: &'b mut [u8; 24]) -> Option<&'b [u8]> {
    let (negative, int, frac) = decimal_parts(num)?;
    let kept = frac.len() - frac.iter().rev().take_while(|&&b| b == b'0').count();
    let frac = &frac[..kept];
    if int == b"0" {
        let zeros = frac.iter().take_while(|&&b| b == b'0').count();
        // 0.00000n and smaller print as `ne-6`: zmij writes those.
        if zeros > 4 {
            let mut buf = zmij::Buffer::new();
            let text = buf.format(decimal_value(negative, int, frac)).as_bytes();
            out[..text.len()].copy_from_slice(text);
            return Some(&out[..text.len()]);
        }
    }
    let mut n = 0;
    let mut put = |bytes: &[u8]| {
        out[n..n + bytes.len()].copy_from_slice(bytes);
        n += bytes.len();
    };
    if negative {
        put(b"-");
    }
    put(int);
    put(b".");
    put(if frac.is_empty() { b"0" } else { frac });
    Some(&out[..n])
}

/// Walk `line` into `rec` (cleared by the caller). None where the line
/// needs serde_json: `rec` then holds a partial record.
pub(super) fn walk(line: &[u8], rec: &mut RecordBuf) -> Option<()> {
    let mut w = Fast {
        s: line,
        i: 0,
        rec,
        depth: 0,
    };
    w.ws();
    w.value()?;
    w.ws();
    (w.i == line.len()).then_some(())
}

struct Fast<'a> {
    s: &'a [u8],
    i: usize,
    rec: &'a mut RecordBuf,
    depth: u32,
}

/// A string read from the line.
enum Str {
    /// Without escapes: `s[start..end]`.
    Borrowed(usize, usize),
    /// Decoded by serde_json (it had escapes).
    Decoded(String),
}

impl Fast<'_> {
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.s.get(self.i) {
            self.i += 1;
        }
    }

    fn value(&mut self) -> Option<()> {
        match *self.s.get(self.i)? {
            b'{' => self.object(),
            b'[' => self.array(),
            b'"' => {
                match self.string()? {
                    Str::Borrowed(a, b) => self.rec.push_stack_value_at(&self.s[a..b], a as u32),
                    Str::Decoded(v) => self.rec.push_stack_value(v.as_bytes()),
                }
                Some(())
            }
            b't' => self.literal(b"true", true),
            b'f' => self.literal(b"false", true),
            b'n' => self.literal(b"null", false),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn literal(&mut self, word: &'static [u8], emit: bool) -> Option<()> {
        if !self.s[self.i..].starts_with(word) {
            return None;
        }
        self.i += word.len();
        if emit {
            self.rec.push_stack_value(word);
        }
        Some(())
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        self.i += 1;
        self.ws();
        (self.depth <= MAX_DEPTH).then_some(())
    }

    fn object(&mut self) -> Option<()> {
        self.enter()?;
        let depth = self.rec.stack.len();
        if self.s.get(self.i) == Some(&b'}') {
            self.i += 1;
            self.depth -= 1;
            return Some(());
        }
        loop {
            if self.s.get(self.i) != Some(&b'"') {
                return None;
            }
            let key = self.string()?;
            let k: &[u8] = match &key {
                Str::Borrowed(a, b) => {
                    // As serde_json's borrowed keys: the value follows here.
                    self.rec.key_end = *b as u32;
                    &self.s[*a..*b]
                }
                // serde_json hands an escaped key over as a copy, which
                // leaves `key_end` where the last borrowed key put it.
                Str::Decoded(v) => v.as_bytes(),
            };
            self.rec.named_keys |= named_key(k);
            if !self.rec.stack.is_empty() {
                self.rec.stack.push(b'.');
            }
            self.rec.stack.extend_from_slice(k);
            self.ws();
            if self.s.get(self.i) != Some(&b':') {
                return None;
            }
            self.i += 1;
            self.ws();
            self.value()?;
            self.rec.stack.truncate(depth);
            self.ws();
            match self.s.get(self.i)? {
                b',' => {
                    self.i += 1;
                    self.ws();
                }
                b'}' => {
                    self.i += 1;
                    self.depth -= 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    fn array(&mut self) -> Option<()> {
        self.enter()?;
        if self.s.get(self.i) == Some(&b']') {
            self.i += 1;
            self.depth -= 1;
            return Some(());
        }
        loop {
            self.value()?;
            self.ws();
            match self.s.get(self.i)? {
                b',' => {
                    self.i += 1;
                    self.ws();
                }
                b']' => {
                    self.i += 1;
                    self.depth -= 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// The string whose opening quote is at `i`; `i` ends after its
    /// closing quote.
    fn string(&mut self) -> Option<Str> {
        let start = self.i + 1;
        let rest = &self.s[start..];
        let j = memchr::memchr2(b'"', b'\\', rest)?;
        if rest[j] == b'"' {
            let body = &rest[..j];
            // One pass that is almost always enough: printable ASCII is
            // valid as it stands. Otherwise control characters (which
            // serde_json refuses inside strings) and UTF-8 are checked.
            let plain = body
                .iter()
                .fold(true, |ok, &b| ok & (0x20..0x80).contains(&b));
            if !plain && (body.iter().any(|&b| b < 0x20) || std::str::from_utf8(body).is_err()) {
                return None;
            }
            self.i = start + j + 1;
            return Some(Str::Borrowed(start, start + j));
        }
        // Escapes: find the closing quote, then let serde_json decode.
        let mut k = start + j;
        loop {
            match *self.s.get(k)? {
                b'\\' => k += 2,
                b'"' => break,
                _ => k += 1,
            }
        }
        let v: String = serde_json::from_slice(&self.s[self.i..=k]).ok()?;
        self.i = k + 1;
        Some(Str::Decoded(v))
    }

    fn number(&mut self) -> Option<()> {
        let start = self.i;
        let len = self.s[start..]
            .iter()
            .position(|b| !matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
            .unwrap_or(self.s.len() - start);
        let num = &self.s[start..start + len];
        self.i = start + len;
        let digits = num.strip_prefix(b"-").unwrap_or(num);
        let plain = !digits.is_empty()
            && digits.len() <= MAX_PLAIN_DIGITS
            && digits.iter().all(u8::is_ascii_digit)
            // `0` alone, but neither `-0` (a float to serde_json) nor `01`.
            && (digits[0] != b'0' || num == b"0");
        if plain {
            self.rec.push_stack_value(num);
            return Some(());
        }
        let mut out = [0u8; 24];
        if let Some(text) = decimal_text(num, &mut out) {
            self.rec.push_stack_value(text);
            return Some(());
        }
        // Floats, long integers and whatever else: serde_json reads the
        // number (or refuses it) and the walker prints it, as it would
        // inside the whole document.
        let mut de = serde_json::Deserializer::from_slice(num);
        Walker::new(self.rec, self.s.as_ptr() as usize)
            .deserialize(&mut de)
            .and_then(|()| de.end())
            .ok()
    }
}
