//! The first step of resolving a destination: finding it, wherever the
//! record says it. In this order (README, "Where a record goes"):
//!
//! 1. a configured field (`--dest-field`, `--origin-field`), the first in
//!    the record that is not empty: [`Found::Field`];
//! 2. a field the vocabulary names (`ziel`, `送信先`, `werk`), whose value
//!    is an endpoint (a site code, for origins): [`Found::Vocabulary`];
//! 3. destinations: the endpoint of the first sending phrase in the
//!    record's text (`-> mqtt://…`, `upload to https://…`, `…に送信`):
//!    [`Found::Text`];
//! 4. destinations: every value that *is* an endpoint on its own, in a
//!    field whose name says nothing (`"cfg": "mqtts://…:8883"`), all kept
//!    as candidates: [`Found::Discovered`] (the engine applies the most
//!    restrictive verdict among them);
//! 5. origins: a site code inside the name of the machine that wrote the
//!    record (syslog HOSTNAME, `host`): [`Found::Hostname`]; then one
//!    written in the record's values (`Werk Stuttgart (DE-STR-01)`):
//!    [`Found::Text`].
//!
//! Fields are tagged once per distinct path by the detectors' path cache
//! (`ROLE_*` bits), so the per-record work is a walk over the fields.

use super::place::{Found, SiteCase, Vocabulary, site_code_in};
use super::target::authority;
use crate::detect::{
    ROLE_DEST, ROLE_DEST_VOCAB, ROLE_HOST, ROLE_NOT_DEST, ROLE_ORIGIN, ROLE_ORIGIN_VOCAB,
};
use crate::formats::RecordBuf;

/// Most destination candidates kept for one record.
pub const MAX_CANDIDATES: usize = 4;

/// Values longer than this are not looked at whole as an origin: they are
/// prose, and only a site code inside them counts.
const MAX_SITE_VALUE: usize = 40;

/// Where a record goes and comes from, as found in it.
#[derive(Debug, Default, Clone)]
pub struct Placement {
    /// The destination as found (the first candidate).
    pub dest: String,
    pub dest_found: Option<Found>,
    /// Every destination candidate when discovery found values that are
    /// endpoints (the first being `dest`); empty otherwise, so that the
    /// common record copies its destination once.
    pub candidates: Vec<(String, Found)>,
    pub origin: String,
    pub origin_found: Option<Found>,
    /// Per worker: where a destination-vocabulary field's value names its
    /// endpoint, by value (telemetry writes the same few endpoints in
    /// every record, and finding one costs a parse of the URL).
    named: NamedMemo,
}

/// `Vocabulary::find_named` by value: `(start, end)` of the endpoint in the
/// value, or None. Bounded; a clone starts empty (it is a cache).
#[derive(Debug, Default)]
struct NamedMemo(rustc_hash::FxHashMap<Box<[u8]>, Option<(u32, u32)>>);

impl Clone for NamedMemo {
    fn clone(&self) -> Self {
        NamedMemo::default()
    }
}

/// Values longer than this are looked up uncached.
const NAMED_MEMO_VALUE: usize = 256;
/// Values remembered; past it, the memo starts afresh.
const NAMED_MEMO_ENTRIES: usize = 4096;

impl NamedMemo {
    fn find(&mut self, vocab: &Vocabulary, v: &[u8]) -> Option<(usize, usize)> {
        let find = |v: &[u8]| {
            let s = std::str::from_utf8(v).ok()?;
            let ep = vocab.find_named(s)?;
            let start = ep.as_ptr() as usize - s.as_ptr() as usize;
            Some((start, start + ep.len()))
        };
        if v.len() > NAMED_MEMO_VALUE {
            return find(v);
        }
        if let Some(&found) = self.0.get(v) {
            return found.map(|(s, e)| (s as usize, e as usize));
        }
        if self.0.len() >= NAMED_MEMO_ENTRIES {
            self.0.clear();
        }
        let found = find(v);
        self.0
            .insert(v.into(), found.map(|(s, e)| (s as u32, e as u32)));
        found
    }
}

impl Placement {
    pub fn dest_found(&self) -> Found {
        self.dest_found.unwrap_or(Found::None)
    }

    pub fn origin_found(&self) -> Found {
        self.origin_found.unwrap_or(Found::None)
    }

    fn clear(&mut self) {
        self.dest.clear();
        self.dest_found = None;
        self.candidates.clear();
        self.origin.clear();
        self.origin_found = None;
    }
}

/// Extracts the raw destination and origin of a record.
pub(crate) struct Extractor {
    vocab: &'static Vocabulary,
}

impl Extractor {
    pub(crate) fn new() -> Self {
        Extractor {
            vocab: Vocabulary::builtin(),
        }
    }

    /// Fill `out` (cleared first) from the record's fields and their roles.
    pub(crate) fn extract(&self, rec: &RecordBuf, roles: &[u8], out: &mut Placement) {
        out.clear();
        // A pair read out of a Java-style map (`{clientId=x,
        // endpoint=h.example.de, …}`, as logfmt or in prose) keeps the
        // punctuation that ended it.
        let value = |i: usize| {
            let v = rec.value(&rec.fields[i]).trim_ascii();
            let end = v.len()
                - v.iter()
                    .rev()
                    .take_while(|c| matches!(c, b',' | b';' | b'}' | b']' | b')'))
                    .count();
            &v[..end]
        };
        // 1 and 2: named fields, configured before vocabulary.
        // Field index, and where the endpoint lies in its value.
        let mut vocab_dest: Option<(usize, usize, usize)> = None;
        let mut vocab_origin: Option<(usize, Option<(usize, usize)>)> = None;
        let mut dest_field: Option<usize> = None;
        let mut origin_field: Option<usize> = None;
        for (i, &role) in roles.iter().enumerate() {
            if role == 0 {
                continue;
            }
            let v = value(i);
            if v.is_empty() {
                continue;
            }
            if dest_field.is_none() && role & ROLE_DEST != 0 {
                dest_field = Some(i);
            }
            if origin_field.is_none() && role & ROLE_ORIGIN != 0 {
                origin_field = Some(i);
            }
            if vocab_dest.is_none()
                && role & ROLE_DEST_VOCAB != 0
                && let Some((start, end)) = out.named.find(self.vocab, v)
            {
                vocab_dest = Some((i, start, end));
            }
            // The first vocabulary field with a site code in it, else the
            // first with a value that could name a site.
            if !matches!(vocab_origin, Some((_, Some(_))))
                && role & ROLE_ORIGIN_VOCAB != 0
                && let Some(span) = origin_value(v)
                && (vocab_origin.is_none() || span.is_some())
            {
                vocab_origin = Some((i, span));
            }
        }
        if let Some(i) = dest_field {
            out.dest.push_str(&crate::lossy(value(i)));
            out.dest_found = Some(Found::Field);
        } else if let Some((i, s, e)) = vocab_dest {
            out.dest.push_str(&crate::lossy(&value(i)[s..e]));
            out.dest_found = Some(Found::Vocabulary);
        }
        // A vocabulary origin field without a site code in it (`"werk":
        // "Stuttgart"`, syslog's `origin software="uploader"`) is kept for
        // last: a host name or text may still say the site.
        let weak_origin = match vocab_origin {
            Some((i, None)) => {
                vocab_origin = None;
                Some(i)
            }
            _ => None,
        };
        if let Some(i) = origin_field {
            // A value written as prose (`Werk Stuttgart (DE-STR-01)`) gives
            // the site code inside it; a single word is taken whole, as a
            // policy's site mappings may name it.
            let v = value(i);
            let inside = (v.contains(&b' '))
                .then(|| std::str::from_utf8(v).ok())
                .flatten()
                .and_then(|s| site_code_in(s, SiteCase::Any));
            match inside {
                Some((code, _)) => out.origin.push_str(code),
                None => out.origin.push_str(&crate::lossy(v)),
            }
            out.origin_found = Some(Found::Field);
        } else if let Some((i, span)) = vocab_origin {
            let v = value(i);
            let v = span.map_or(v, |(s, e)| &v[s..e]);
            out.origin.push_str(&crate::lossy(v));
            out.origin_found = Some(Found::Vocabulary);
        }
        if out.dest_found.is_none() {
            self.unnamed_destination(rec, roles, out);
        }
        if out.origin_found.is_none() {
            self.unnamed_origin(rec, roles, out);
        }
        if out.origin_found.is_none()
            && let Some(i) = weak_origin
        {
            out.origin.push_str(&crate::lossy(value(i)));
            out.origin_found = Some(Found::Vocabulary);
        }
    }

    /// Steps 3 and 4 for destinations.
    fn unnamed_destination(&self, rec: &RecordBuf, roles: &[u8], out: &mut Placement) {
        // 3: a sending phrase, in free text or in any value written as
        // prose (a JSON `msg`).
        for f in &rec.fields {
            if f.derived {
                continue;
            }
            let v = rec.value(f);
            if v.len() < 8 || memchr::memchr(b' ', v).is_none() {
                continue;
            }
            let Ok(text) = std::str::from_utf8(v) else {
                continue;
            };
            if let Some((s, e)) = self.vocab.sent_to(text) {
                out.dest.push_str(&text[s..e]);
                out.dest_found = Some(Found::Text);
                return;
            }
        }
        // 4: values that are endpoints, in fields whose names do not say
        // they are something else.
        for (f, &role) in rec.fields.iter().zip(roles) {
            // Not a pair read out of prose either (`from nexus: https://…`):
            // prose says where it sends with a phrase, found above.
            if f.text
                || f.derived
                || role & ROLE_NOT_DEST != 0
                || role & (ROLE_ORIGIN | ROLE_HOST) != 0
            {
                continue;
            }
            let v = rec.value(f).trim_ascii();
            if v.len() < 4 || memchr::memchr2(b'.', b':', v).is_none() {
                continue;
            }
            let Ok(s) = std::str::from_utf8(v) else {
                continue;
            };
            let Some(s) = self.vocab.find_discovered(s) else {
                continue;
            };
            let key = authority(s);
            if out
                .candidates
                .iter()
                .any(|(c, _)| authority(c).eq_ignore_ascii_case(key))
            {
                continue;
            }
            out.candidates.push((s.to_string(), Found::Discovered));
            if out.candidates.len() == MAX_CANDIDATES {
                break;
            }
        }
        if let Some((first, _)) = out.candidates.first() {
            out.dest.push_str(first);
            out.dest_found = Some(Found::Discovered);
        }
    }

    /// Step 5 for origins.
    fn unnamed_origin(&self, rec: &RecordBuf, roles: &[u8], out: &mut Placement) {
        for (f, &role) in rec.fields.iter().zip(roles) {
            if role & ROLE_HOST == 0 {
                continue;
            }
            let v = rec.value(f);
            if let Ok(s) = std::str::from_utf8(v)
                && let Some((code, _)) = site_code_in(s, SiteCase::Any)
            {
                out.origin.push_str(code);
                out.origin_found = Some(Found::Hostname);
                return;
            }
        }
        for (f, &role) in rec.fields.iter().zip(roles) {
            // Not in a destination's value (a bucket named `de-str-01`), nor
            // twice in text (a derived pair's value lies inside its text).
            if f.derived || role & (ROLE_DEST | ROLE_DEST_VOCAB) != 0 {
                continue;
            }
            let v = rec.value(f);
            if v.len() < 7 || memchr::memchr2(b'-', b'_', v).is_none() {
                continue;
            }
            if let Ok(s) = std::str::from_utf8(v)
                && let Some((code, _)) = site_code_in(s, SiteCase::Text)
            {
                out.origin.push_str(code);
                out.origin_found = Some(Found::Text);
                return;
            }
        }
    }
}

/// The part of a vocabulary origin field's value that names the site: a
/// site code inside it (`Werk Stuttgart (DE-STR-01)`), else the whole value
/// when it is short and has a letter (a policy may map `Stuttgart`); None
/// when it cannot be a site (a number, an address range, prose).
fn origin_value(v: &[u8]) -> Option<Option<(usize, usize)>> {
    let s = std::str::from_utf8(v).ok()?;
    // A cloud region code (`eu-central-1`, OpenTelemetry's `cloud.region`)
    // places the record as surely as a site code: the policy resolves it
    // through the cloud region table.
    if s.len() <= MAX_SITE_VALUE && is_region_code(s) {
        return Some(Some((0, s.len())));
    }
    if let Some((code, _)) = site_code_in(s, SiteCase::Any) {
        let start = code.as_ptr() as usize - s.as_ptr() as usize;
        return Some(Some((start, start + code.len())));
    }
    (s.len() <= MAX_SITE_VALUE && s.chars().any(char::is_alphabetic)).then_some(None)
}

/// A region code the cloud region table places (`eu-central-1`,
/// `europe-west3`, `germanywestcentral`), in any case.
pub(crate) fn is_region_code(s: &str) -> bool {
    !s.is_empty()
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && crate::cloud::cloud_table()
            .match_region(&s.to_ascii_lowercase())
            .is_some()
}

/// One thing a record offered as its destination or origin, for
/// `borderscan explain`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Candidate {
    /// `destination` or `origin`.
    pub what: &'static str,
    /// The field it was read from (`None`: the record's free text).
    pub field: Option<String>,
    pub value: String,
    /// The step it belongs to.
    pub found: Found,
    /// Whether it was taken.
    pub taken: bool,
    /// Why it was or was not taken, in words.
    pub why: String,
    /// Index of the field in the record.
    #[serde(skip)]
    pub field_index: usize,
}

impl Extractor {
    /// Every candidate the record offers, in order of precedence, with
    /// the one [`Extractor::extract`] takes marked (`explain`).
    pub(crate) fn candidates(&self, rec: &RecordBuf, roles: &[u8]) -> Vec<Candidate> {
        let mut place = Placement::default();
        self.extract(rec, roles, &mut place);
        let mut out = Vec::new();
        let mut push = |what, fi: usize, value: &str, found, why: &str| {
            let f = &rec.fields[fi];
            let taken = match what {
                "destination" => {
                    place.dest_found() == found
                        && (place.dest == value || place.candidates.iter().any(|(c, _)| c == value))
                }
                _ => place.origin_found() == found && place.origin == value,
            };
            out.push(Candidate {
                what,
                field: (!f.text).then(|| crate::lossy(rec.path(f)).into_owned()),
                value: value.to_string(),
                found,
                taken,
                why: why.to_string(),
                field_index: fi,
            });
        };
        for (i, (f, &role)) in rec.fields.iter().zip(roles).enumerate() {
            let v = crate::lossy(rec.value(f).trim_ascii()).into_owned();
            if v.is_empty() {
                continue;
            }
            if role & ROLE_DEST != 0 {
                push(
                    "destination",
                    i,
                    &v,
                    Found::Field,
                    "a configured destination field",
                );
            } else if role & ROLE_DEST_VOCAB != 0 {
                match self.vocab.find_named(&v) {
                    Some(ep) => push(
                        "destination",
                        i,
                        ep,
                        Found::Vocabulary,
                        "the field's name is in the destination vocabulary",
                    ),
                    None => push(
                        "destination",
                        i,
                        &v,
                        Found::Vocabulary,
                        "the field's name is in the destination vocabulary, but its value is no endpoint",
                    ),
                }
            } else if !f.text
                && let Some(ep) = self.vocab.find_discovered(&v)
            {
                let ep = ep.to_string();
                let why = if role & ROLE_NOT_DEST != 0 {
                    "an endpoint, in a field whose name says it is not a destination"
                } else if role & (ROLE_ORIGIN | ROLE_HOST) != 0 {
                    "an endpoint, in a field that names the record's own site or host"
                } else {
                    "a value that is an endpoint (URL with a network scheme, host:port or cloud endpoint)"
                };
                push("destination", i, &ep, Found::Discovered, why);
            }
            if !f.derived
                && v.contains(' ')
                && let Some((s, e)) = self.vocab.sent_to(&v)
            {
                push(
                    "destination",
                    i,
                    &v[s..e],
                    Found::Text,
                    "the endpoint of a sending phrase",
                );
            }
            if role & ROLE_ORIGIN != 0 {
                let o = if place.origin_found() == Found::Field {
                    place.origin.clone()
                } else {
                    v.clone()
                };
                push("origin", i, &o, Found::Field, "a configured origin field");
            } else if role & ROLE_ORIGIN_VOCAB != 0 {
                let o = site_code_in(&v, SiteCase::Any).map_or(v.clone(), |(c, _)| c.to_string());
                push(
                    "origin",
                    i,
                    &o,
                    Found::Vocabulary,
                    "the field's name is in the origin vocabulary",
                );
            } else if role & ROLE_HOST != 0 {
                if let Some((c, _)) = site_code_in(&v, SiteCase::Any) {
                    push(
                        "origin",
                        i,
                        c,
                        Found::Hostname,
                        "a site code inside the host name",
                    );
                }
            } else if !f.derived
                && role & (ROLE_DEST | ROLE_DEST_VOCAB) == 0
                && let Some((c, _)) = site_code_in(&v, SiteCase::Text)
            {
                push(
                    "origin",
                    i,
                    c,
                    Found::Text,
                    "a site code written in the record",
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The memo gives what `find_named` gives, the first time and after,
    /// for endpoints, lists, connection strings, non-endpoints, invalid
    /// UTF-8 and values too long to remember; and a full memo starts afresh.
    #[test]
    fn named_memo_is_find_named() {
        let vocab = Vocabulary::builtin();
        let long = format!("https://{}.example.de/x", "a".repeat(300));
        let values: Vec<Vec<u8>> = [
            "https://oss-eu-central-1.aliyuncs.com/eu-mirror/",
            " s3.eu-west-1.amazonaws.com ",
            "tcp://10.0.0.1:1883, mqtt.example.cn:8883",
            "Server=tcp:db.example.de;Database=x;User Id=u",
            "not an endpoint",
            "",
            long.as_str(),
        ]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .chain([b"\xff\xfehost.example.de".to_vec()])
        .collect();
        let direct = |v: &[u8]| {
            let s = std::str::from_utf8(v).ok()?;
            let ep = vocab.find_named(s)?;
            let start = ep.as_ptr() as usize - s.as_ptr() as usize;
            Some((start, start + ep.len()))
        };
        let found: Vec<_> = values.iter().map(|v| direct(v)).collect();
        assert!(
            found.iter().filter(|f| f.is_some()).count() >= 2,
            "{found:?}"
        );
        let mut memo = NamedMemo::default();
        for _ in 0..3 {
            for v in &values {
                assert_eq!(
                    memo.find(vocab, v),
                    direct(v),
                    "{:?}",
                    String::from_utf8_lossy(v)
                );
            }
        }
        for i in 0..NAMED_MEMO_ENTRIES + 10 {
            let v = format!("h{i}.example.de");
            assert_eq!(memo.find(vocab, v.as_bytes()), direct(v.as_bytes()));
        }
        assert!(memo.0.len() <= NAMED_MEMO_ENTRIES);
    }
}
