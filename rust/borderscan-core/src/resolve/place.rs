//! Where in a record its destination and origin are written, when they are
//! not in the configured fields: the vocabulary of `rules/placement.toml`
//! (field names in several languages, sending phrases, network URL
//! schemes), what counts as an endpoint, and site codes inside longer
//! values (`Werk Stuttgart (DE-STR-01)`, `cnc-de-str-01-157`).
//!
//! [`super::Extractor`] applies them to a record in the documented order of
//! precedence; this module only answers questions about one value.

use std::sync::OnceLock;

use regex::Regex;
use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};

use super::target::{Target, parse_target};
use crate::cloud::cloud_table;
use crate::country::{CountryId, countries};
use crate::detect::TypeRule;
use crate::error::{Error, Result};

/// The built-in vocabulary, compiled in like the default rule pack.
pub const PLACEMENT: &str = include_str!("../../rules/placement.toml");

/// Which step of extraction found a record's destination or origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Found {
    /// A configured field (`--dest-field`, `--origin-field`).
    Field,
    /// A field named in the vocabulary (`ziel`, `送信先`, `werk`).
    Vocabulary,
    /// A value that is an endpoint on its own, in a field whose name says
    /// nothing (destinations only).
    Discovered,
    /// The endpoint of a sending phrase in text (`-> mqtt://…`); for
    /// origins, a site code written in the record's text.
    Text,
    /// A site code inside the name of the machine that wrote the record
    /// (syslog HOSTNAME, a `host` field): origins only.
    Hostname,
    /// Nothing in the record.
    None,
}

impl Found {
    pub const ALL: [Found; 6] = [
        Found::Field,
        Found::Vocabulary,
        Found::Discovered,
        Found::Text,
        Found::Hostname,
        Found::None,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Found::Field => "field",
            Found::Vocabulary => "vocabulary",
            Found::Discovered => "discovered",
            Found::Text => "text",
            Found::Hostname => "hostname",
            Found::None => "none",
        }
    }

    /// How sure the step is that it found where the record goes: a field
    /// someone named is high, a value that merely is an endpoint or a
    /// phrase read in prose is medium, several candidates are low.
    pub fn confidence(self, candidates: usize) -> &'static str {
        match self {
            Found::Field | Found::Vocabulary => "high",
            Found::Discovered if candidates > 1 => "low",
            Found::Text | Found::Hostname | Found::Discovered => "medium",
            Found::None => "none",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldSection {
    #[allow(dead_code)] // documentation in the file
    description: String,
    words: Vec<String>,
    examples: Vec<String>,
    counter_examples: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PhraseSection {
    #[allow(dead_code)]
    description: String,
    max_words_between: usize,
    before: Vec<String>,
    after: Vec<String>,
    examples: Vec<String>,
    counter_examples: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SchemeSection {
    #[allow(dead_code)]
    description: String,
    network: Vec<String>,
    examples: Vec<String>,
    counter_examples: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlacementFile {
    destination_fields: FieldSection,
    origin_fields: FieldSection,
    host_fields: FieldSection,
    send_phrases: PhraseSection,
    schemes: SchemeSection,
}

/// The compiled vocabulary.
pub struct Vocabulary {
    dest: TypeRule,
    /// The destination words' exceptions as words of their own: a field
    /// that names one is never a destination, not even a discovered one.
    not_dest: TypeRule,
    origin: TypeRule,
    host: TypeRule,
    /// Phrase, then endpoint: the endpoint is group `ep`.
    before: Regex,
    /// Endpoint, then phrase.
    after: Regex,
    schemes: FxHashSet<String>,
    file: PlacementFile,
}

/// Longest text searched for sending phrases and site codes: a record's
/// place is said near its start, and hostile lines are long.
const MAX_TEXT: usize = 4096;

/// A character of an endpoint written in text: those of a URL, in ASCII.
/// A letter of another script ends it, as Japanese and Korean particles
/// follow it without a space (`…/v1로 전송`, `ログをwss://…に送信`), and so
/// does full-width punctuation (`:1883（…）`, `…/kb/42，数据`).
fn endpoint_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"._~:/?#@!$&*+=%-[]".contains(&c)
}

/// Where a URL glued after a client id starts (Node-RED's
/// `nodered_MX-QRO-01@mqtts://mqtt.example.hu:8883`): after the `@` that
/// precedes its scheme.
fn after_client_id(text: &str, s: usize, e: usize) -> usize {
    let v = &text[s..e];
    match (v.find("://"), v.find('@')) {
        (Some(scheme), Some(at)) if at < scheme => s + at + 1,
        _ => s,
    }
}

/// The endpoint written just after `at` (after spaces and a colon,
/// ASCII or full-width), trimmed of the punctuation around it.
fn endpoint_after(b: &[u8], mut at: usize) -> (usize, usize) {
    loop {
        if b.get(at)
            .is_some_and(|&c| matches!(c, b' ' | b'\t' | b':' | b'(' | b'"' | b'\'' | b'<'))
        {
            at += 1;
        } else if b[at.min(b.len())..].starts_with("：".as_bytes()) {
            at += "：".len();
        } else {
            break;
        }
    }
    let end = at + b[at..].iter().take_while(|&&c| endpoint_char(c)).count();
    trim_endpoint(b, at, end)
}

/// The endpoint written just before `at` (before spaces).
fn endpoint_before(b: &[u8], at: usize) -> (usize, usize) {
    let mut end = at;
    while end > 0 && (b[end - 1] == b' ' || b[end - 1] == b'\t') {
        end -= 1;
    }
    let mut start = end;
    while start > 0 && endpoint_char(b[start - 1]) {
        start -= 1;
    }
    trim_endpoint(b, start, end)
}

impl Vocabulary {
    pub fn parse(text: &str, origin: &str) -> Result<Self> {
        let file: PlacementFile =
            toml::from_str(text).map_err(|e| Error::config(origin, e.to_string()))?;
        let rule = |words: &[String]| TypeRule::new(0, &[], words);
        let exceptions: Vec<String> = file
            .destination_fields
            .words
            .iter()
            .filter_map(|w| w.strip_prefix('!'))
            .map(str::to_string)
            .collect();
        let p = &file.send_phrases;
        let between = p.max_words_between.min(12);
        let before = alternation(&p.before, between);
        let after = alternation(&p.after, 0);
        // The regexes find the phrases only; the endpoint next to one is
        // read by hand (`endpoint_after`, `endpoint_before`): a capture
        // group would send every match through a slower engine.
        let before = phrases_regex(&before)
            .map_err(|e| Error::config(origin, format!("send_phrases.before: {e}")))?;
        let after = phrases_regex(&after)
            .map_err(|e| Error::config(origin, format!("send_phrases.after: {e}")))?;
        let schemes = file
            .schemes
            .network
            .iter()
            .map(|s| s.to_ascii_lowercase())
            .collect();
        Ok(Vocabulary {
            dest: rule(&file.destination_fields.words),
            not_dest: rule(&exceptions),
            origin: rule(&file.origin_fields.words),
            host: rule(&file.host_fields.words),
            before,
            after,
            schemes,
            file,
        })
    }

    /// The built-in vocabulary, parsed once.
    pub fn builtin() -> &'static Vocabulary {
        static V: OnceLock<Vocabulary> = OnceLock::new();
        // Tested by `cargo test` and `rules check`: a failure is a bug in
        // the shipped data.
        V.get_or_init(|| Vocabulary::parse(PLACEMENT, "builtin:placement.toml").expect("valid"))
    }

    /// The field path names a destination.
    pub fn is_dest_field(&self, path: &[u8]) -> bool {
        self.dest.matches(path)
    }

    /// The field path names something that is never where the record goes
    /// (`help_url`, `$schema`, `referrer`, `source.url`).
    pub fn is_not_dest_field(&self, path: &[u8]) -> bool {
        self.not_dest.matches(path)
    }

    pub fn is_origin_field(&self, path: &[u8]) -> bool {
        self.origin.matches(path)
    }

    /// The field path names the machine that wrote the record.
    pub fn is_host_field(&self, path: &[u8]) -> bool {
        self.host.matches(path)
    }

    /// The network scheme of a URL (`mqtts` of `mqtts://…`), if it is one.
    fn network_scheme(&self, value: &str) -> Option<usize> {
        let i = value.find("://")?;
        let scheme = &value[..i];
        // JDBC writes its driver's scheme after `jdbc:`.
        let scheme = scheme.strip_prefix("jdbc:").unwrap_or(scheme);
        (i > 0 && scheme.len() <= 16 && self.schemes.contains(scheme.to_ascii_lowercase().as_str()))
            .then_some(i)
    }

    /// A value that *is* an endpoint on its own, read in a field whose name
    /// says nothing: a URL with a network scheme, a host with a port, or a
    /// host the cloud region table places.
    pub fn discovered_endpoint(&self, value: &str) -> bool {
        let v = value.trim();
        if v.is_empty() || v.len() > 2048 || v.bytes().any(|b| b.is_ascii_whitespace()) {
            return false;
        }
        if self.network_scheme(v).is_some() {
            return parse_target(v).is_some();
        }
        if v.contains("://") || v.contains('@') || v.contains('/') {
            return false;
        }
        match split_port(v) {
            Some((host, _)) => placeable_host(host, true),
            None => matches!(parse_target(v), Some(Target::Host(h))
                if cloud_table().match_host(&h).is_some()),
        }
    }

    /// A value of a field the vocabulary names as a destination: looser
    /// than discovery (the name already says it is one), but still a url,
    /// host or IP, or a region code, never a word like `ok` or a number.
    pub fn named_endpoint(&self, value: &str) -> bool {
        let v = value.trim();
        if v.is_empty() || v.len() > 2048 || v.bytes().any(|b| b.is_ascii_whitespace()) {
            return false;
        }
        if v.contains("://") {
            return self.network_scheme(v).is_some() && parse_target(v).is_some();
        }
        // An e-mail address names a mailbox, not where a record is sent.
        if v.contains('@') {
            return false;
        }
        match parse_target(v) {
            Some(Target::Ip(_)) => true,
            Some(Target::Host(h)) => {
                h.rsplit('.').next().is_some_and(|tld| {
                    tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic())
                }) || split_port(v).is_some()
            }
            Some(Target::Word(w)) => cloud_table().match_region(&w).is_some(),
            None => false,
        }
    }

    /// The endpoint in a value read in a field whose name says nothing: the
    /// whole value ([`Vocabulary::discovered_endpoint`]), the first of a
    /// comma-separated list (`b-1.example.de:9092,b-2.example.de:9092`), or
    /// the host of a connection string (`HostName=hub.example.de;DeviceId=…`).
    pub fn find_discovered<'v>(&self, value: &'v str) -> Option<&'v str> {
        self.find(value, |s| self.discovered_endpoint(s))
    }

    /// The same for a field the vocabulary names ([`Vocabulary::named_endpoint`]).
    pub fn find_named<'v>(&self, value: &'v str) -> Option<&'v str> {
        self.find(value, |s| self.named_endpoint(s))
    }

    fn find<'v>(&self, value: &'v str, is: impl Fn(&str) -> bool) -> Option<&'v str> {
        let v = value.trim();
        if is(v) {
            return Some(v);
        }
        if v.len() > 2048 {
            return None;
        }
        if v.contains(';') && v.contains('=') {
            for part in v.split(';') {
                if let Some((k, val)) = part.split_once('=') {
                    let k = k.trim().to_ascii_lowercase();
                    let val = val.trim();
                    if CONNECTION_KEYS.contains(&k.as_str()) && self.named_endpoint(val) {
                        return Some(val);
                    }
                }
            }
            return None;
        }
        if v.contains(',') {
            return v.split(',').map(str::trim).find(|s| is(s));
        }
        None
    }

    /// The endpoint a sending phrase in `text` points at: the first one,
    /// as `(start, end)` in `text`.
    pub fn sent_to(&self, text: &str) -> Option<(usize, usize)> {
        let text = cut(text, MAX_TEXT);
        let b = text.as_bytes();
        let mut best: Option<(usize, usize)> = None;
        'phrases: for m in self.before.find_iter(text) {
            // One word may stand between a phrase and its endpoint: a
            // command-line flag's argument (`curl -T file URL`), a node
            // (`Connection to node -1 (host/ip:9092)`).
            let mut at = m.end();
            for _ in 0..2 {
                let (s, e) = endpoint_after(b, at);
                // Endpoint characters are ASCII, so a non-empty run starts
                // and ends on character boundaries; an empty one may not.
                if s < e {
                    let s = after_client_id(text, s, e);
                    if s < e && self.text_endpoint(&text[s..e]) {
                        best = Some((s, e));
                        break 'phrases;
                    }
                }
                // The next word: after this one's endpoint characters, or
                // after whatever stands up to the next space.
                at = if e > at {
                    e
                } else {
                    memchr::memchr(b' ', &b[at..]).map_or(b.len(), |k| at + k)
                };
            }
        }
        for m in self.after.find_iter(text) {
            let (s, e) = endpoint_before(b, m.start());
            if best.is_some_and(|(bs, _)| bs <= s) {
                break;
            }
            if s < e && self.text_endpoint(&text[s..e]) {
                best = Some((s, e));
                break;
            }
        }
        best
    }

    /// An endpoint as written after a sending phrase: a URL with a network
    /// scheme, an IP (with or without a port), a host with a port, or a
    /// host under a known public suffix.
    fn text_endpoint(&self, v: &str) -> bool {
        if v.is_empty() {
            return false;
        }
        if v.contains("://") {
            return self.network_scheme(v).is_some() && parse_target(v).is_some();
        }
        // `user@host:/path` (scp, rsync): the host; an e-mail address
        // has no colon after its domain.
        let v = match v.split_once('@') {
            Some((_, rest)) if rest.contains(':') => rest.split(':').next().unwrap_or(rest),
            Some(_) => return false,
            None => v,
        };
        // `host/ip:port` (Kafka's `kafka-1.example.fr/198.51.100.40:9092`),
        // `host/path`: the host.
        let v = v.split('/').next().unwrap_or(v);
        if let Ok(ip) = v.parse::<std::net::IpAddr>() {
            return !ip.is_unspecified();
        }
        match split_port(v) {
            Some((host, _)) => placeable_host(host, true),
            None => placeable_host(v, false),
        }
    }

    /// Positive and negative examples that misbehave, as
    /// `(section, example, expected)`; `rules check` reports them.
    pub fn check(&self) -> Vec<(String, String, bool)> {
        let mut bad = Vec::new();
        let mut run = |section: &str, s: &FieldSection, f: &dyn Fn(&[u8]) -> bool| {
            for (list, want) in [(&s.examples, true), (&s.counter_examples, false)] {
                for e in list {
                    if f(e.as_bytes()) != want {
                        bad.push((section.to_string(), e.clone(), want));
                    }
                }
            }
        };
        let f = &self.file;
        run("destination_fields", &f.destination_fields, &|p| {
            self.is_dest_field(p)
        });
        run("origin_fields", &f.origin_fields, &|p| {
            self.is_origin_field(p)
        });
        run("host_fields", &f.host_fields, &|p| self.is_host_field(p));
        for (list, want) in [
            (&f.send_phrases.examples, true),
            (&f.send_phrases.counter_examples, false),
        ] {
            for e in list {
                if self.sent_to(e).is_some() != want {
                    bad.push(("send_phrases".into(), e.clone(), want));
                }
            }
        }
        for (list, want) in [
            (&f.schemes.examples, true),
            (&f.schemes.counter_examples, false),
        ] {
            for e in list {
                if self.find_discovered(e).is_some() != want {
                    bad.push(("schemes".into(), e.clone(), want));
                }
            }
        }
        bad
    }

    /// How many examples the file holds.
    pub fn examples(&self) -> usize {
        let f = &self.file;
        let fields = |s: &FieldSection| s.examples.len() + s.counter_examples.len();
        fields(&f.destination_fields)
            + fields(&f.origin_fields)
            + fields(&f.host_fields)
            + f.send_phrases.examples.len()
            + f.send_phrases.counter_examples.len()
            + f.schemes.examples.len()
            + f.schemes.counter_examples.len()
    }
}

/// Keys of a connection string (`HostName=…;SharedAccessKey=…`, Azure
/// Storage's `BlobEndpoint=…`, ADO.NET's `Server=…`) that name where it
/// connects to.
const CONNECTION_KEYS: &[&str] = &[
    "hostname",
    "host",
    "server",
    "endpoint",
    "address",
    "addr",
    "data source",
    "blobendpoint",
    "queueendpoint",
    "tableendpoint",
    "fileendpoint",
    "bootstrap.servers",
    "broker",
    "brokers",
    "url",
    "uri",
];

/// One regex alternation of phrases, longest first (so `uploaded to` is
/// preferred over a shorter phrase at the same place). A phrase in
/// capitals (`POST`) must stand in capitals; the others match in any case.
/// In a phrase of two words, up to `between` words may stand between them
/// (`uploaded 64512 bytes to`).
///
/// The lazy DFA of the built-in `before` phrases needs just over regex's
/// default 2 MiB cache: below its minimum the DFA is never used, and every
/// line of text went through the bounded backtracker, 400 times slower
/// (67 µs for `nothing to report here`, 0.15 µs with the DFA). The cache
/// grows only as far as the text needs it.
fn phrases_regex(alternation: &str) -> std::result::Result<Regex, regex::Error> {
    regex::RegexBuilder::new(&format!(r"(?:{alternation})"))
        .dfa_size_limit(PHRASES_DFA_BYTES)
        .build()
}

/// Per thread and regex, an upper bound only (see [`phrases_regex`]).
const PHRASES_DFA_BYTES: usize = 16 << 20;

fn alternation(phrases: &[String], between: usize) -> String {
    let mut ps: Vec<&String> = phrases.iter().collect();
    ps.sort_by_key(|p| std::cmp::Reverse(p.chars().count()));
    let parts: Vec<String> = ps
        .into_iter()
        .map(|p| {
            let words: Vec<&str> = p.split_whitespace().collect();
            let caps = p.chars().any(char::is_alphabetic)
                && !p.chars().any(char::is_lowercase)
                && p.is_ascii();
            let esc: Vec<String> = words.iter().map(|w| regex::escape(w)).collect();
            let body = if words.len() == 2 && between > 0 {
                format!(r"{}(?:\s+\S+){{0,{between}}}?\s+{}", esc[0], esc[1])
            } else {
                esc.join(r"\s+")
            };
            // A phrase that starts (ends) with an ASCII letter starts (ends)
            // at a word boundary; a Chinese or Japanese phrase is not held
            // to one. The boundary is ASCII's: a Unicode `\b` keeps the
            // regex off its fast DFA on every line with a non-ASCII byte.
            let spaced = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphabetic());
            let lead = if spaced(p.chars().next()) {
                r"(?-u:\b)"
            } else {
                ""
            };
            let tail = if spaced(p.chars().last()) {
                r"(?-u:\b)"
            } else {
                ""
            };
            if caps {
                format!("{lead}{body}{tail}")
            } else {
                format!("(?i:{lead}{body}{tail})")
            }
        })
        .collect();
    parts.join("|")
}

/// The endpoint without punctuation that ends a sentence or a clause
/// around it (`https://x.example.de/up.`, `(ingest.example.de:443),`).
fn trim_endpoint(b: &[u8], mut s: usize, mut e: usize) -> (usize, usize) {
    while e > s && matches!(b[e - 1], b'.' | b',' | b':' | b';' | b'!' | b'?' | b']') {
        e -= 1;
    }
    while s < e && matches!(b[s], b'[' | b'!' | b'?' | b'#' | b'=') {
        s += 1;
    }
    (s, e)
}

/// `host:port` split, when the part after the last colon is a port.
fn split_port(v: &str) -> Option<(&str, u16)> {
    if let Some(rest) = v.strip_prefix('[') {
        let (ip, port) = rest.split_once("]:")?;
        return Some((ip, port.parse().ok().filter(|&p| p > 0)?));
    }
    let (h, port) = v.rsplit_once(':')?;
    if h.contains(':') || port.is_empty() || port.len() > 5 {
        return None;
    }
    Some((h, port.parse().ok().filter(|&p| p > 0)?))
}

/// Top-level domains that are also the extensions of source files and
/// libraries, whose `file.ext:line` reads like `host:port` in stack traces
/// (`upload.py:45`, `lib.rs:10`, `libc.so:12`).
const FILE_LIKE_TLDS: &[&str] = &[
    "py", "rs", "pl", "sh", "md", "cc", "so", "ps", "ai", "do", "tf", "gd", "ml", "sc", "im",
    "java", "zip", "mov", "cs", "hs", "ts", "ms",
];

/// A host that resolution can place or that names a real network: an IP,
/// or a name under a known public suffix, not a file name (`upload.py`).
fn placeable_host(host: &str, with_port: bool) -> bool {
    if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        return with_port || !ip.is_unspecified();
    }
    let h = host.trim_end_matches('.');
    let valid = h.len() >= 4
        && h.len() <= 253
        && h.contains('.')
        && h.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_');
    if !valid {
        return false;
    }
    let lower = h.to_ascii_lowercase();
    // Cloud endpoints are public suffixes themselves in the private part
    // of the list (`s3.eu-west-1.amazonaws.com`).
    if cloud_table().match_host(&lower).is_some() {
        return true;
    }
    let Some(suffix) = psl::suffix(lower.as_bytes()) else {
        return false;
    };
    if !suffix.is_known() || suffix.as_bytes().len() >= lower.len() {
        return false;
    }
    let labels = lower.split('.').count();
    let tld = lower.rsplit('.').next().unwrap_or("");
    !(labels == 2 && FILE_LIKE_TLDS.contains(&tld))
}

/// At most `max` bytes of `text`, cut at a character boundary.
fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut i = max;
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    &text[..i]
}

/// How a site code may be written where it is looked for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum SiteCase {
    /// In text and values: in capitals (`DE-STR-01`), or in lower case
    /// only inside a host name (`plc-th-bkk-01.lan`: a `-` or `.` glued to
    /// it); lower case in prose is too often something else.
    Text,
    /// In host names: either case (`cnc-de-str-01-157`).
    Any,
}

/// The first site code inside `value`: a country code, a location of two
/// to five letters and a number of one to three digits, joined by `-` or
/// `_` (`DE-STR-01`, `JP-NGO-02`, `de_muc_4`, inside `cnc-de-str-01-157`),
/// standing apart from letters and digits around it. Returns the code and
/// its country.
pub fn site_code_in(value: &str, case: SiteCase) -> Option<(&str, CountryId)> {
    let v = cut(value, MAX_TEXT);
    let b = v.as_bytes();
    let mut i = 0;
    while i + 7 <= b.len() {
        // Jump to the next separator that could follow a country code.
        let k = memchr::memchr2(b'-', b'_', &b[i + 2..])?;
        let at = i + 2 + k - 2;
        i = at + 1;
        if let Some(end) = site_code_at(b, at, case) {
            let code = &v[at..end];
            // A cloud region (`us-east-1`, `cn-north-4` in
            // `obs.cn-north-4.myhuaweicloud.com`) is where a service runs,
            // not the site a record comes from.
            let region = cloud_table()
                .match_region(&code.to_ascii_lowercase())
                .is_some();
            if !region && let Some(c) = countries().lookup(&code[..2]) {
                return Some((code, c));
            }
        }
    }
    None
}

/// The end of a site code starting at `at`, if one does.
fn site_code_at(b: &[u8], at: usize, case: SiteCase) -> Option<usize> {
    if at > 0 && b[at - 1].is_ascii_alphanumeric() {
        return None;
    }
    let upper = b[at].is_ascii_uppercase();
    let same = |c: u8| {
        if upper {
            c.is_ascii_uppercase()
        } else {
            c.is_ascii_lowercase()
        }
    };
    // In text, lower case only glued into a host name (checked at the end).
    let lower_in_text = case == SiteCase::Text && !upper;
    if !(same(b[at]) && same(*b.get(at + 1)?)) {
        return None;
    }
    let sep = b[at + 2];
    let mut j = at + 3;
    let letters = b[j..].iter().take_while(|&&c| same(c)).count();
    if !(2..=5).contains(&letters) {
        return None;
    }
    j += letters;
    if b.get(j).is_some_and(|&c| c == sep) {
        j += 1;
    }
    let digits = b[j..].iter().take_while(|c| c.is_ascii_digit()).count();
    if !(1..=3).contains(&digits) {
        return None;
    }
    j += digits;
    if b.get(j).is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let glued = |c: Option<&u8>| c.is_some_and(|&c| c == b'-' || c == b'.');
    // ... and with a number of two or three digits (`th-bkk-01`, not the
    // `fw-4` of `gw-fw-4.2.1.bin`).
    let in_host_name = (at > 0 && glued(b.get(at - 1))) || glued(b.get(j));
    if lower_in_text && (digits < 2 || !in_host_name) {
        return None;
    }
    Some(j)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_vocabulary_parses_and_its_examples_behave() {
        let v = Vocabulary::builtin();
        assert_eq!(v.check(), Vec::new());
        assert!(v.examples() > 80);
    }

    #[test]
    fn site_codes_inside_values() {
        fn code(s: &str, c: SiteCase) -> Option<&str> {
            site_code_in(s, c).map(|(code, _)| code)
        }
        assert_eq!(
            code("Werk Stuttgart (DE-STR-01)", SiteCase::Text),
            Some("DE-STR-01")
        );
        assert_eq!(
            code("名古屋工場 JP-NGO-02", SiteCase::Text),
            Some("JP-NGO-02")
        );
        assert_eq!(code("cnc-de-str-01-157", SiteCase::Any), Some("de-str-01"));
        assert_eq!(code("plc_de_muc_4", SiteCase::Any), Some("de_muc_4"));
        assert_eq!(code("[CN-SZ-02] shift", SiteCase::Text), Some("CN-SZ-02"));
        // Lower case in text only inside a host name; two parts, a made-up
        // country, digits glued on are no site codes.
        assert_eq!(
            code("agent plc-th-bkk-01.lan up", SiteCase::Text),
            Some("th-bkk-01")
        );
        assert_eq!(code("see de-str-01 there", SiteCase::Text), None);
        assert_eq!(
            code("https://m.example.hu/fw/gw-fw-4.2.1.bin", SiteCase::Text),
            None
        );
        assert_eq!(code("tool MC-205 changed", SiteCase::Text), None);
        assert_eq!(code("QQ-ABC-12", SiteCase::Text), None);
        assert_eq!(code("DE-STR-0123", SiteCase::Text), None);
        assert_eq!(code("XDE-STR-01", SiteCase::Text), None);
        assert_eq!(
            code("obs.cn-north-4.myhuaweicloud.com", SiteCase::Any),
            None
        );
        assert_eq!(code("web-us-east-1", SiteCase::Any), None);
    }

    #[test]
    fn endpoints_after_phrases() {
        let v = Vocabulary::builtin();
        let ep = |t: &str| v.sent_to(t).map(|(s, e)| t[s..e].to_string());
        assert_eq!(
            ep("MC-205 -> mqtt://a.cn-shanghai.aliyuncs.com:1883 : ok").as_deref(),
            Some("mqtt://a.cn-shanghai.aliyuncs.com:1883")
        );
        assert_eq!(
            ep("uploaded 512 bytes to https://x.example.de/up.").as_deref(),
            Some("https://x.example.de/up")
        );
        assert_eq!(
            ep("https://c.example.kr/v1로 전송 완료").as_deref(),
            Some("https://c.example.kr/v1")
        );
        // The first phrase's endpoint, not the first host mentioned.
        assert_eq!(
            ep("timeout from https://status.example.com; retrying upload to s3.eu-west-1.amazonaws.com")
                .as_deref(),
            Some("s3.eu-west-1.amazonaws.com")
        );
        assert_eq!(
            ep("post https://x.example.de"),
            None,
            "methods in capitals only"
        );
        // Phrases before or after characters of other scripts, with no
        // endpoint near: nothing, and no slicing inside a character.
        for t in [
            "検査 -> 合格 → 次工程",
            "-> é",
            "sent to 東京",
            "POST 東京 🚀",
            "-T ü ü",
            "발송 완료로 전송",
            "に送信",
            "->é",
        ] {
            assert_eq!(ep(t), None, "{t}");
        }
    }
}
