//! Pairs written inside free text. `calibration CAL-0042 fx=1395.2 fy=1399.7`,
//! `spindle: load 83 %, temp: 61.2 °C`, `主轴温度：61.2℃`: a message often
//! carries named values that no format parser sees. Each `key=value` or
//! `key: value` pair found in a free-text value becomes a *derived* field,
//! named `<field>.<key>` (just `<key>` in free text), so key and
//! record-type rules meet it as if the record had the field.
//!
//! Derived fields come after every field of the record, and value and
//! keyword rules skip them: their bytes were already scanned as part of the
//! message (no finding twice). `line_from` says where in the line the value
//! lies, so a finding on a derived field points into the real line.
//!
//! Cheap by construction: a value is only searched when it is free text or
//! holds a space or an `=`, and then only at the places `memchr` finds a
//! `=`, a `:` or the lead byte of a full-width `：`/`＝`.

use super::{Field, RecordBuf};

/// At most this many pairs are taken from one value, and from one record
/// (hostile input cannot multiply a record's fields).
const MAX_PER_VALUE: usize = 32;
const MAX_PER_RECORD: usize = 64;
/// A key is at most this long (its tail is taken in a longer run), a value
/// at most that long.
const MAX_KEY: usize = 48;
const MAX_VALUE: usize = 256;
/// A `key: value` value of more words is a sentence after a logger name
/// or a label (`AlarmManager: sending alarm Alarm{...}`), not a value.
const MAX_COLON_WORDS: usize = 4;

/// A pair found in a value: byte ranges of its key and value in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Pair {
    pub key: (usize, usize),
    pub value: (usize, usize),
    /// A bare `key: value` value, which ends where the next key starts.
    open: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sep {
    /// `=`, `＝`
    Eq,
    /// `:` (followed by a space, or a number after a key of letters)
    Colon,
    /// `：` (full-width: no space follows in CJK text)
    WideColon,
}

impl RecordBuf {
    /// Append the pairs written inside the record's free-text values as
    /// derived fields (see the module documentation). Called once per
    /// record, after parsing.
    pub fn derive_pairs(&mut self) {
        let n = self.fields.len();
        let mut pairs = std::mem::take(&mut self.pairs);
        let mut taken = 0;
        for fi in 0..n {
            if taken >= MAX_PER_RECORD {
                break;
            }
            let f = self.fields[fi].clone();
            let v = &self.values[f.value.start as usize..f.value.end as usize];
            if !eligible(&f, v) {
                continue;
            }
            pairs.clear();
            find_pairs(v, &mut pairs);
            if pairs.is_empty() {
                continue;
            }
            let base = f.value.start as usize;
            for p in pairs.iter().take(MAX_PER_RECORD - taken) {
                self.mark_derived();
                let ps = self.paths.len() as u32;
                if !f.text && !f.path.is_empty() {
                    self.paths
                        .extend_from_within(f.path.start as usize..f.path.end as usize);
                    self.paths.push(b'.');
                }
                self.paths
                    .extend_from_slice(&self.values[base + p.key.0..base + p.key.1]);
                let vs = self.values.len() as u32;
                self.values
                    .extend_from_within(base + p.value.0..base + p.value.1);
                let line_from = f.line_from.saturating_add(p.value.0 as u32);
                self.end_field(ps, vs, line_from, true);
                taken += 1;
            }
        }
        self.pairs = pairs;
    }

    /// A derived field (see [`Field::derived`]): after every parsed field.
    pub(super) fn push_derived(&mut self, path: &[u8], value: &[u8], line_from: u32) {
        self.mark_derived();
        let ps = self.paths.len() as u32;
        self.paths.extend_from_slice(path);
        let vs = self.values.len() as u32;
        self.values.extend_from_slice(value);
        self.end_field(ps, vs, line_from, true);
    }

    /// Parsed values end here: the value rules' haystack stops at them.
    pub(super) fn mark_derived(&mut self) {
        if self.joined_len.is_none() {
            self.joined_len = Some(self.values.len() as u32);
        }
    }
}

/// Free text (a plain line, a syslog message), or a value that reads like
/// text (it has a space) or like `k=v` (not a URL or a query string).
fn eligible(f: &Field, v: &[u8]) -> bool {
    if v.len() < 3 || f.derived {
        return false;
    }
    if f.text || memchr::memchr(b' ', v).is_some() {
        return true;
    }
    memchr::memchr(b'=', v).is_some()
        && memchr::memchr2(b'&', b'?', v).is_none()
        && memchr::memmem::find(v, b"://").is_none()
}

/// The pairs of a value, in order.
pub(super) fn find_pairs(v: &[u8], out: &mut Vec<Pair>) {
    let first = out.len();
    let mut i = 0;
    // A `key: value` pair whose value runs on until a separator: the next
    // key found inside it ends it (`status: 200 len: 1893`).
    let mut open: Option<usize> = None;
    while out.len() - first < MAX_PER_VALUE && i < v.len() {
        let Some(p) = memchr::memchr3(b'=', b':', 0xEF, &v[i..]) else {
            break;
        };
        let at = i + p;
        let (sep, len) = match v[at] {
            b'=' => (Sep::Eq, 1),
            b':' => (Sep::Colon, 1),
            _ => match v.get(at + 1..at + 3) {
                Some([0xBC, 0x9A]) => (Sep::WideColon, 3),
                Some([0xBC, 0x9D]) => (Sep::Eq, 3),
                _ => {
                    i = at + 1;
                    continue;
                }
            },
        };
        i = at + len;
        let prev = at.checked_sub(1).map(|k| v[k]);
        let next = v.get(at + len).copied();
        // Operators and paths: `==`, `!=`, `<=`, `::`.
        let skip = match (sep, len) {
            (Sep::Eq, 1) => {
                matches!(prev, Some(b'=' | b'!' | b'<' | b'>' | b'+' | b'-' | b'*'))
                    || next == Some(b'=')
            }
            (Sep::Colon, _) => prev == Some(b':') || next == Some(b':'),
            _ => false,
        };
        if skip {
            continue;
        }
        let mut ke = at;
        if sep == Sep::Eq && ke > 0 && v[ke - 1] == b' ' {
            ke -= 1;
        }
        let Some((ks, ke)) = key_span(v, ke) else {
            continue;
        };
        let spaced = matches!(next, Some(b' ' | b'\t'));
        if sep == Sep::Colon && !spaced && !(letters_only(&v[ks..ke]) && numberish(&v[at + 1..])) {
            // `http://`, `sshd:auth`, `12:30`, `host-7:22`: not a pair.
            continue;
        }
        // `WindowManager: ...`, `JobHistoryUtils: ...`: a logger or a class
        // before its message, not a name for a value (a quoted key is one).
        let quoted = matches!(v.get(ke), Some(b'"' | b'\''));
        if sep != Sep::Eq && !quoted && camel_case(&v[ks..ke]) {
            continue;
        }
        let mut vs = at + len;
        while vs < v.len() && vs - (at + len) < 4 && matches!(v[vs], b' ' | b'\t') {
            vs += 1;
        }
        if vs >= v.len() {
            continue;
        }
        // This key ends the open value it lies in.
        if let Some(o) = open.take() {
            let prev_pair: &mut Pair = &mut out[o];
            if prev_pair.value.1 > ks {
                prev_pair.value.1 = trim_end(v, prev_pair.value.0, ks);
                if prev_pair.value.1 <= prev_pair.value.0 {
                    out.remove(o);
                }
            }
        }
        // Pairs inside quotes and brackets are pairs too
        // (`msg="spindle alarm: ALM1001"`, `K: {fx: 1, fy: 2}`).
        let (value, resume, is_open) = match v[vs] {
            q @ (b'"' | b'\'') => {
                match memchr::memchr(q, &v[vs + 1..v.len().min(vs + 1 + MAX_VALUE)]) {
                    Some(c) => ((vs + 1, vs + 1 + c), vs + 1, false),
                    None => bare(v, vs, sep),
                }
            }
            b'[' | b'(' | b'{' => match bracketed(v, vs) {
                Some(end) => ((vs, end), vs + 1, false),
                None => bare(v, vs, sep),
            },
            _ => match node_id_end(v, vs) {
                // `NodeId: ns=4;i=6021, ...`: the node id is the value, and
                // its own `=`s are no keys.
                Some(end) if sep != Sep::Eq => ((vs, end), end, false),
                _ => bare(v, vs, sep),
            },
        };
        i = resume.max(i);
        if value.1 <= value.0 || says_nothing(&v[value.0..value.1]) {
            continue;
        }
        if is_open {
            open = Some(out.len());
        }
        out.push(Pair {
            key: (ks, ke),
            value,
            open: is_open,
        });
    }
    let mut k = first;
    while k < out.len() {
        let p = out[k];
        let words = v[p.value.0..p.value.1]
            .split(|&b| b == b' ')
            .filter(|w| !w.is_empty())
            .count();
        if p.open && words > MAX_COLON_WORDS {
            out.remove(k);
        } else {
            k += 1;
        }
    }
}

/// A value that says there is nothing (`alarms=0`, `Fehler: 0`, `故障：无`):
/// no pair, so `alarm*` or `fehler*` key rules do not fire on it.
fn says_nothing(v: &[u8]) -> bool {
    if v.iter().all(|b| matches!(b, b'0' | b'.' | b',' | b'-')) {
        return true;
    }
    const NOTHING: &[&str] = &[
        "none",
        "null",
        "nil",
        "n/a",
        "na",
        "ok",
        "false",
        "off",
        "no",
        "keine",
        "kein",
        "nein",
        "无",
        "没有",
        "無",
        "なし",
        "無し",
        "không",
        "không có",
        "없음",
    ];
    v.len() <= 12
        && std::str::from_utf8(v).is_ok_and(|s| NOTHING.iter().any(|n| s.eq_ignore_ascii_case(n)))
}

/// `AlarmManager`, `getRunningAppProcesses`: a lower-case letter followed
/// by an upper-case one, as in names of code.
fn camel_case(key: &[u8]) -> bool {
    key.windows(2)
        .any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase())
}

/// A value without quotes or brackets: up to white space (after `=`) or a
/// separator (after `:`, whose values may hold spaces: `61.2 °C`). Returns
/// the value, where to look for the next pair, and whether a later key may
/// still end the value.
fn bare(v: &[u8], vs: usize, sep: Sep) -> ((usize, usize), usize, bool) {
    let limit = v.len().min(vs + MAX_VALUE);
    let mut e = vs;
    while e < limit {
        let b = v[e];
        let stop = match b {
            // A decimal comma (`61,2 °C`) is part of a number.
            b',' => {
                !(e > vs
                    && v[e - 1].is_ascii_digit()
                    && v.get(e + 1).is_some_and(u8::is_ascii_digit))
            }
            // An OPC UA node id runs past its `;` (`ns=2;s=Line1.Temp`).
            b';' => !opc_ua_node_id(&v[vs..e], &v[e + 1..]),
            b'|' | b')' | b']' | b'}' => true,
            b' ' | b'\t' => {
                sep == Sep::Eq
                    || matches!(v.get(e + 1), Some(b' ' | b'\t'))
                    || (e > vs && v[e - 1] == b'.')
                    || v[e..].starts_with(b" - ")
            }
            b'"' => true,
            b'\'' => sep == Sep::Eq,
            // ，；、。 end a value like their ASCII cousins.
            0xEF => matches!(v.get(e + 1..e + 3), Some([0xBC, 0x8C | 0x9B])),
            0xE3 => matches!(v.get(e + 1..e + 3), Some([0x80, 0x81 | 0x82])),
            _ => false,
        };
        if stop {
            break;
        }
        e += 1;
    }
    let end = trim_end(v, vs, e);
    match sep {
        Sep::Eq => ((vs, end), e, false),
        _ => ((vs, end), vs, true),
    }
}

/// `head` is the `ns=<index>` of an OPC UA node id and `rest` its
/// identifier (`s=`, `i=`, `g=` or `b=`): the `;` between them is no
/// separator.
fn opc_ua_node_id(head: &[u8], rest: &[u8]) -> bool {
    head.len() > 3
        && head[..3].eq_ignore_ascii_case(b"ns=")
        && head[3..].iter().all(u8::is_ascii_digit)
        && matches!(rest, [b's' | b'i' | b'g' | b'b', b'=', ..])
}

/// The end of an OPC UA node id starting at `vs` (`ns=4;i=6021`,
/// `ns=2;s=Line1.Temp`): up to white space or a comma.
fn node_id_end(v: &[u8], vs: usize) -> Option<usize> {
    let rest = &v[vs..];
    let semi = memchr::memchr(b';', &rest[..rest.len().min(12)])?;
    if !opc_ua_node_id(&rest[..semi], &rest[semi + 1..]) {
        return None;
    }
    let end = rest
        .iter()
        .position(|&b| matches!(b, b' ' | b'\t' | b',' | b'"'))
        .unwrap_or(rest.len());
    Some(vs + end.min(MAX_VALUE))
}

/// End of `v[start..end]` without trailing spaces and a final full stop.
fn trim_end(v: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && matches!(v[end - 1], b' ' | b'\t') {
        end -= 1;
    }
    if end > start + 1 && v[end - 1] == b'.' {
        end -= 1;
    }
    end
}

/// The end (exclusive) of a bracketed value starting at `vs`, if it closes
/// within `MAX_VALUE` bytes.
fn bracketed(v: &[u8], vs: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (k, &b) in v[vs..v.len().min(vs + MAX_VALUE)].iter().enumerate() {
        match b {
            b'[' | b'(' | b'{' => depth += 1,
            b']' | b')' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(vs + k + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// The key ending at `ke`: a quoted name (`"fx": 1`), or the run of
/// letters, digits, `_`, `-` and `.` (any script) before it. It must start
/// with a letter; a digit prefix is dropped before a non-ASCII letter
/// (`3号线温度` is keyed `号线温度`), so times, MAC addresses and numbers
/// (`10:15`, `00:1a`) are not keys.
fn key_span(v: &[u8], ke: usize) -> Option<(usize, usize)> {
    if ke == 0 {
        return None;
    }
    if let q @ (b'"' | b'\'') = v[ke - 1] {
        let inner = ke - 1;
        let from = inner.saturating_sub(MAX_KEY);
        let open = memchr::memrchr(q, &v[from..inner])? + from;
        let key = &v[open + 1..inner];
        let ok = !key.is_empty()
            && key[0].is_ascii_alphabetic()
            && key
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
        return ok.then_some((open + 1, inner));
    }
    let mut ks = ke;
    while ks > 0 && ke - ks < MAX_KEY {
        let b = v[ks - 1];
        if b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.') {
            ks -= 1;
            continue;
        }
        if b >= 0x80 {
            let mut cs = ks - 1;
            while cs > 0 && v[cs] & 0xC0 == 0x80 && ks - cs < 4 {
                cs -= 1;
            }
            if char_at(v, cs).is_some_and(|(c, _)| c.is_alphanumeric()) {
                ks = cs;
                continue;
            }
        }
        break;
    }
    // Leading punctuation is no part of a key; nor is a digit prefix
    // before a non-ASCII letter.
    while ks < ke && matches!(v[ks], b'_' | b'-' | b'.') {
        ks += 1;
    }
    let mut s = ks;
    while s < ke && v[s].is_ascii_digit() {
        s += 1;
    }
    if s > ks && s < ke && v[s] >= 0x80 {
        ks = s;
    }
    let mut end = ke;
    while end > ks && matches!(v[end - 1], b'.' | b'-') {
        end -= 1;
    }
    if ks >= end {
        return None;
    }
    let starts_with_letter = v[ks].is_ascii_alphabetic()
        || (v[ks] >= 0x80 && char_at(v, ks).is_some_and(|(c, _)| c.is_alphabetic()));
    starts_with_letter.then_some((ks, end))
}

/// The character starting at byte `at` and its length.
fn char_at(v: &[u8], at: usize) -> Option<(char, usize)> {
    let len = match v[at] {
        b if b < 0x80 => 1,
        b if b >= 0xF0 => 4,
        b if b >= 0xE0 => 3,
        b if b >= 0xC0 => 2,
        _ => return None,
    };
    let s = std::str::from_utf8(v.get(at..at + len)?).ok()?;
    s.chars().next().map(|c| (c, len))
}

/// A key of letters and `_` only (`temp`, `温度`), which may be glued to
/// its value by a bare `:` (`temp:61.2`).
fn letters_only(key: &[u8]) -> bool {
    match std::str::from_utf8(key) {
        Ok(s) => s.chars().all(|c| c.is_alphabetic() || c == '_'),
        Err(_) => false,
    }
}

/// Starts with a number (`61.2`, `-3`, `+4`) or a quote.
fn numberish(rest: &[u8]) -> bool {
    match rest {
        [b'"' | b'\'', ..] => true,
        [b'-' | b'+', d, ..] => d.is_ascii_digit(),
        [d, ..] => d.is_ascii_digit(),
        [] => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::{Format, Header, parse};

    fn pairs(v: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        find_pairs(v.as_bytes(), &mut out);
        out.iter()
            .map(|p| {
                (
                    v[p.key.0..p.key.1].to_string(),
                    v[p.value.0..p.value.1].to_string(),
                )
            })
            .collect()
    }

    fn kv(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn key_equals_value() {
        assert_eq!(
            pairs(
                "calibration CAL-0042 fx=1395.178 fy=1399.694 cx=640.2 cy=360.9 k1=-0.169 k2=0.03"
            ),
            kv(&[
                ("fx", "1395.178"),
                ("fy", "1399.694"),
                ("cx", "640.2"),
                ("cy", "360.9"),
                ("k1", "-0.169"),
                ("k2", "0.03"),
            ])
        );
        assert_eq!(
            pairs("recipe RCP-17 F=5427.1mm/min S=17120 ap=2.6mm coolant=57.3bar"),
            kv(&[
                ("F", "5427.1mm/min"),
                ("S", "17120"),
                ("ap", "2.6mm"),
                ("coolant", "57.3bar"),
            ])
        );
        assert_eq!(
            pairs(r#"event="cal done" rvec=[0.1, 0.2] a = 3, b==c x!=y"#),
            kv(&[("event", "cal done"), ("rvec", "[0.1, 0.2]"), ("a", "3")])
        );
    }

    #[test]
    fn key_colon_value() {
        assert_eq!(
            pairs("spindle: load 83 %, temp: 61.2 °C"),
            kv(&[("spindle", "load 83 %"), ("temp", "61.2 °C")])
        );
        assert_eq!(
            pairs("GET /v2 status: 200 len: 1893 time: 0.2477829"),
            kv(&[("status", "200"), ("len", "1893"), ("time", "0.2477829")])
        );
        assert_eq!(
            pairs(r#"payload {"fx": 1200.5, "fy": 1198.2}"#),
            kv(&[("fx", "1200.5"), ("fy", "1198.2")])
        );
        assert_eq!(
            pairs("temp:61.2 level:-3"),
            kv(&[("temp", "61.2"), ("level", "-3")])
        );
        assert_eq!(
            pairs("主轴温度：61.2℃，压力：6.8bar"),
            kv(&[("主轴温度", "61.2℃"), ("压力", "6.8bar")])
        );
        assert_eq!(pairs("3号线温度: 61"), kv(&[("号线温度", "61")]));
        // A logger or class name before a sentence is no key; a quoted
        // camel-case key is.
        assert_eq!(
            pairs("I AlarmManager: scheduleTimeTickEvent triggerAtTime = 509202333"),
            kv(&[("triggerAtTime", "509202333")])
        );
        assert_eq!(pairs("kernel: disk sda lost its last sector"), Vec::new());
        assert_eq!(
            pairs(r#"{"spindleLoad": 83}"#),
            kv(&[("spindleLoad", "83")])
        );
    }

    #[test]
    fn an_opc_ua_node_id_is_one_value() {
        assert_eq!(
            pairs("data change nodeId=ns=5;s=Hydraulik.Oeltemperatur value=46.5 unit=%"),
            kv(&[
                ("nodeId", "ns=5;s=Hydraulik.Oeltemperatur"),
                ("value", "46.5"),
                ("unit", "%"),
            ])
        );
        assert_eq!(
            pairs("node id: ns=4;i=6021, v: 3"),
            kv(&[("id", "ns=4;i=6021"), ("v", "3")])
        );
        // Any other `;` still ends a value.
        assert_eq!(pairs("a=ns;s=1"), kv(&[("a", "ns"), ("s", "1")]));
        assert_eq!(pairs("a=1;b=2"), kv(&[("a", "1"), ("b", "2")]));
    }

    #[test]
    fn times_addresses_and_paths_are_not_pairs() {
        for v in [
            "2026-11-05T10:15:32Z started",
            "at 10:15:32.123 done",
            "peer 00:1a:2b:3c:4d:5e up",
            "see https://example.com:8443/x",
            "std::vector<int> a",
            "listen [fe80::1]:443",
            "sshd:auth failure",
            "C:\\temp\\x.log",
            "Presse 4: Störung",
            "a == b",
            "x: ",
        ] {
            assert_eq!(pairs(v), Vec::new(), "{v}");
        }
    }

    #[test]
    fn derived_fields_are_named_after_their_field_and_kept_apart() {
        let mut rec = RecordBuf::default();
        let line = br#"{"ts": "2026-11-05T10:15:32Z", "msg": "calib fx=1395.2 fy=1399.7", "n": 3}"#;
        parse(Format::Jsonl, line, &Header::default(), &mut rec).unwrap();
        let fields: Vec<(String, String, bool)> = rec
            .fields
            .iter()
            .map(|f| {
                (
                    String::from_utf8_lossy(rec.path(f)).into_owned(),
                    String::from_utf8_lossy(rec.value(f)).into_owned(),
                    f.derived,
                )
            })
            .collect();
        assert_eq!(
            fields[3..],
            [
                ("msg.fx".into(), "1395.2".into(), true),
                ("msg.fy".into(), "1399.7".into(), true),
            ]
        );
        // The value rules' haystack holds the parsed values only.
        assert_eq!(
            rec.joined_values(),
            b"2026-11-05T10:15:32Z\ncalib fx=1395.2 fy=1399.7\n3\n"
        );
        // Each derived value is found where `line_from` says.
        for f in &rec.fields[3..] {
            let v = rec.value(f);
            let at = f.line_from as usize;
            assert_eq!(&line[at..at + v.len()], v);
        }
        // Free text: the key alone; a syslog message: its place in the line.
        let line = b"<134>Nov  5 10:15:32 gw plcd[812]: temp: 61.2 C, fx=12";
        parse(Format::Syslog, line, &Header::default(), &mut rec).unwrap();
        let derived: Vec<(&[u8], &[u8], usize)> = rec
            .fields
            .iter()
            .filter(|f| f.derived)
            .map(|f| (rec.path(f), rec.value(f), f.line_from as usize))
            .collect();
        assert_eq!(derived.len(), 2);
        for (path, v, at) in derived {
            assert!(path == b"temp" || path == b"fx");
            assert_eq!(&line[at..at + v.len()], v);
        }
    }

    #[test]
    fn a_record_holds_a_bounded_number_of_pairs() {
        let line = "k=1 ".repeat(500);
        let mut rec = RecordBuf::default();
        rec.set_text(line.as_bytes());
        assert_eq!(rec.fields.len(), 1 + MAX_PER_VALUE);
        let line = format!(
            r#"{{"a": "{}", "b": "{}", "c": "{}"}}"#,
            "k=1 ".repeat(30),
            "k=1 ".repeat(30),
            "k=1 ".repeat(30)
        );
        parse(Format::Jsonl, line.as_bytes(), &Header::default(), &mut rec).unwrap();
        assert_eq!(rec.fields.len(), 3 + MAX_PER_RECORD);
    }
}
