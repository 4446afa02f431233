//! JSON Lines rewriting: where each leaf the parser turned into a field lies
//! in its line, and the line written again with some leaves replaced or
//! removed and every other byte as it was.
//!
//! `formats/json.rs` pushes one field per leaf that is not `null`, in
//! document order (strings, numbers, booleans); [`leaves`] finds the same
//! leaves in the same order, so field `i` of the record is leaf `i` here.
//! The caller checks the counts agree before trusting the pairing.

/// One leaf of a JSON document as written in its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Leaf {
    /// The token: a string with its quotes, a number, `true`/`false`.
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// Where the member starts (its key's opening quote) when the leaf is
    /// an object member's value; None in an array.
    pub(crate) member: Option<usize>,
}

/// The non-null leaves of the JSON document `line`, in document order;
/// None when the line is not one JSON value (the parser said so too, and
/// the record was scanned as text).
pub(crate) fn leaves(line: &[u8], out: &mut Vec<Leaf>) -> Option<()> {
    out.clear();
    let mut p = Parser { s: line, i: 0 };
    p.value(None, out, 0)?;
    p.ws();
    (p.i == line.len()).then_some(())
}

/// Where the JSON value that starts at `start` ends (after its last byte).
pub(crate) fn value_end(line: &[u8], start: usize) -> Option<usize> {
    let mut p = Parser { s: line, i: start };
    let mut leaves = Vec::new();
    p.value(None, &mut leaves, 0)?;
    Some(p.i)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

/// serde_json's own nesting limit: deeper lines failed to parse anyway.
const MAX_DEPTH: usize = 128;

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\r' | b'\n') {
            self.i += 1;
        }
    }

    fn value(&mut self, member: Option<usize>, out: &mut Vec<Leaf>, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.ws();
        let start = self.i;
        match *self.s.get(self.i)? {
            b'{' => {
                self.i += 1;
                self.ws();
                if self.s.get(self.i) == Some(&b'}') {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    self.ws();
                    let key = self.i;
                    if self.s.get(self.i) != Some(&b'"') {
                        return None;
                    }
                    self.string()?;
                    self.ws();
                    if self.s.get(self.i) != Some(&b':') {
                        return None;
                    }
                    self.i += 1;
                    self.value(Some(key), out, depth + 1)?;
                    self.ws();
                    match self.s.get(self.i)? {
                        b',' => self.i += 1,
                        b'}' => {
                            self.i += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.i += 1;
                self.ws();
                if self.s.get(self.i) == Some(&b']') {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    self.value(None, out, depth + 1)?;
                    self.ws();
                    match self.s.get(self.i)? {
                        b',' => self.i += 1,
                        b']' => {
                            self.i += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            b'"' => {
                self.string()?;
                out.push(Leaf {
                    start,
                    end: self.i,
                    member,
                });
                Some(())
            }
            b'n' => self.literal(b"null"),
            b't' | b'f' => {
                let word: &[u8] = if self.s[self.i] == b't' {
                    b"true"
                } else {
                    b"false"
                };
                self.literal(word)?;
                out.push(Leaf {
                    start,
                    end: self.i,
                    member,
                });
                Some(())
            }
            b'-' | b'0'..=b'9' => {
                while self.i < self.s.len()
                    && matches!(
                        self.s[self.i],
                        b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'
                    )
                {
                    self.i += 1;
                }
                out.push(Leaf {
                    start,
                    end: self.i,
                    member,
                });
                Some(())
            }
            _ => None,
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        self.s[self.i..]
            .starts_with(word)
            .then(|| self.i += word.len())
    }

    /// A string whose opening quote is at `self.i`; ends after its closing one.
    fn string(&mut self) -> Option<()> {
        self.i += 1;
        loop {
            let at = memchr::memchr2(b'"', b'\\', &self.s[self.i..])?;
            self.i += at;
            if self.s[self.i] == b'"' {
                self.i += 1;
                return Some(());
            }
            // An escape: skip the backslash and the byte after it.
            self.i += 2;
        }
    }
}

/// `text` as a JSON string token, quotes included: what a replaced leaf is
/// written as (`"` and `\`, controls escaped; other characters as they are).
pub(crate) fn quote(text: &str, out: &mut Vec<u8>) {
    // serde_json escapes exactly what JSON requires, so the token always
    // reads back as `text`.
    if serde_json::to_writer(&mut *out, text).is_err() {
        out.extend_from_slice(b"\"\"");
    }
}

/// The bytes to cut to remove an object member that starts at `member`
/// and whose value ends at `end`: the member and one comma next to it
/// (the one after it, else the one before), so the object stays valid.
pub(crate) fn member_cut(line: &[u8], member: usize, end: usize) -> (usize, usize) {
    let is_ws = |b: u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let mut after = end;
    while after < line.len() && is_ws(line[after]) {
        after += 1;
    }
    if line.get(after) == Some(&b',') {
        let mut to = after + 1;
        while to < line.len() && is_ws(line[to]) {
            to += 1;
        }
        return (member, to);
    }
    let mut before = member;
    while before > 0 && is_ws(line[before - 1]) {
        before -= 1;
    }
    if before > 0 && line[before - 1] == b',' {
        return (before - 1, end);
    }
    (member, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(line: &str) -> Vec<&str> {
        let mut v = Vec::new();
        leaves(line.as_bytes(), &mut v).unwrap();
        v.iter().map(|l| &line[l.start..l.end]).collect()
    }

    #[test]
    fn leaves_in_document_order_without_nulls() {
        let line =
            r#"{"a": "x\"y", "b": [1, -2.5e3, null, true], "c": {"d": false, "e": {}}, "f": null}"#;
        assert_eq!(tokens(line), [r#""x\"y""#, "1", "-2.5e3", "true", "false"]);
        let mut v = Vec::new();
        assert!(leaves(b"{\"a\": 1", &mut v).is_none());
        assert!(leaves(b"{\"a\": 1} x", &mut v).is_none());
    }

    #[test]
    fn removing_a_member_keeps_the_object_valid() {
        for (line, key, want) in [
            (r#"{"a": 1, "b": 2, "c": 3}"#, "b", r#"{"a": 1, "c": 3}"#),
            (r#"{"a": 1, "b": 2}"#, "b", r#"{"a": 1}"#),
            (r#"{"a": 1, "b": 2}"#, "a", r#"{"b": 2}"#),
            (r#"{"a": 1}"#, "a", r#"{}"#),
        ] {
            let mut v = Vec::new();
            leaves(line.as_bytes(), &mut v).unwrap();
            let at = line.find(&format!("\"{key}\"")).unwrap();
            let leaf = v.iter().find(|l| l.member == Some(at)).unwrap();
            let (from, to) = member_cut(line.as_bytes(), at, leaf.end);
            let got = format!("{}{}", &line[..from], &line[to..]);
            assert_eq!(got, want);
            serde_json::from_str::<serde_json::Value>(&got).unwrap();
        }
    }
}
