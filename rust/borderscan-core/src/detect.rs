//! Compiled detectors: every value rule in one `RegexSet` pass per value,
//! key rules as one `GlobSet` (cached per distinct path), keywords as one
//! Aho-Corasick automaton.

use rustc_hash::FxHashMap;

use aho_corasick::AhoCorasick;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use regex::bytes::{Regex, RegexSet};

use crate::error::{Error, Result};
use crate::formats::RecordBuf;
use crate::mask;
use crate::rules::{MaskStyle, RuleKind, RulePackSpec, RuleSpec};
use crate::validate::{self, Validator};

/// Regexes from rule packs are user input: cap their compiled size so a
/// pathological pattern fails to load instead of eating memory. The regex
/// crate never backtracks, so run time stays linear whatever the pattern.
const REGEX_SIZE_LIMIT: usize = 32 << 20;

struct ValueRule {
    rule: u16,
    re: Regex,
    group: usize,
    validator: Option<Validator>,
    min_len: usize,
}

/// A record-type rule: field leaf names and values, lower-cased.
struct TypeRule {
    rule: u16,
    names: Vec<Vec<u8>>,
    values: Vec<Vec<u8>>,
}

/// A rule that fired on a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub rule: u16,
    /// Index of the field in the record it was found in.
    pub field: u32,
    /// Masked (or, on request, raw) evidence.
    pub evidence: String,
    /// Where the raw value lies in the field's value (for fingerprints and
    /// columns; never shown).
    pub start: u32,
    pub end: u32,
    /// The value was found in the field's path (a key that is an e-mail
    /// address or a token), not in its value: `start..end` index the path.
    pub in_key: bool,
}

pub struct Detectors {
    pub rules: Vec<RuleSpec>,
    /// `name@version` of each pack loaded, for manifests.
    pub packs: Vec<String>,
    set: RegexSet,
    value_rules: Vec<ValueRule>,
    min_value_len: usize,
    keys: GlobSet,
    key_rule: Vec<u16>,
    type_rules: Vec<TypeRule>,
    keywords: Option<AhoCorasick>,
    keyword_rule: Vec<u16>,
    min_keyword_len: usize,
}

/// What the detectors know about one distinct field path, computed once per
/// worker: telemetry repeats the same few hundred paths millions of times.
struct PathInfo {
    key_rules: Box<[u16]>,
    /// Record-type rules whose field names include this path's leaf.
    type_rules: Box<[u16]>,
    role: u8,
    /// Value-rule matches in the path itself, `(rule, start, end)`: keys
    /// can be e-mail addresses, phone numbers or tokens (maps keyed by user).
    key_values: Box<[KeySpan]>,
    /// The path with those matches masked, for display; None when clean.
    masked: Option<Box<str>>,
}

/// A value-rule match in a field path: `(rule, start, end)` in the path.
type KeySpan = (u16, u32, u32);

/// The field names the destination of a record is read from.
pub const ROLE_DEST: u8 = 1;
/// The field names the origin (site code) of a record is read from.
pub const ROLE_ORIGIN: u8 = 2;

/// Per-worker scratch space, reused across records.
#[derive(Default)]
pub struct Scratch {
    paths: FxHashMap<Box<[u8]>, u32>,
    infos: Vec<PathInfo>,
    dest_names: Vec<Vec<u8>>,
    origin_names: Vec<Vec<u8>>,
    /// Role of each field of the last record scanned.
    roles: Vec<u8>,
    fired: Vec<bool>,
    touched: Vec<u16>,
    candidates: Vec<usize>,
    seen_values: Vec<(u16, Vec<u8>)>,
    /// Masked paths of the last record's fields whose keys hold values.
    masked_paths: Vec<(u32, Box<str>)>,
}

impl Scratch {
    /// Scratch space that also tags fields whose leaf name is one of the
    /// destination or origin field names (case-insensitive).
    pub fn with_roles(dest: &[String], origin: &[String]) -> Self {
        let lower = |v: &[String]| {
            v.iter()
                .map(|s| s.to_ascii_lowercase().into_bytes())
                .collect()
        };
        Scratch {
            dest_names: lower(dest),
            origin_names: lower(origin),
            ..Default::default()
        }
    }

    /// `ROLE_*` bits of each field of the last record scanned.
    pub fn roles(&self) -> &[u8] {
        &self.roles
    }

    /// The path of field `field` of the last record scanned with the values
    /// found in its keys masked, or None when its keys hold none.
    pub fn masked_path(&self, field: u32) -> Option<&str> {
        self.masked_paths
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, p)| &**p)
    }
}

/// Bound on the per-worker path cache; telemetry has few distinct paths,
/// but a hostile input could make every path unique.
const PATH_CACHE_MAX: usize = 16 * 1024;

/// The lazy DFAs build states as they meet new input; a cache too small for
/// the combined pattern set is flushed and rebuilt over and over (we saw a
/// third of the scan time go to determinisation with the default 2 MB).
const DFA_CACHE: usize = 64 << 20;

impl Detectors {
    pub fn builtin() -> Result<Self> {
        Self::new(&[RulePackSpec::builtin()])
    }

    pub fn new(packs: &[RulePackSpec]) -> Result<Self> {
        let mut rules: Vec<RuleSpec> = Vec::new();
        // The file each rule came from, to name it in errors.
        let mut origins: Vec<&str> = Vec::new();
        let mut ids = std::collections::HashSet::new();
        for p in packs {
            for r in &p.rules {
                origins.push(&p.origin);
                if !ids.insert(r.id.clone()) {
                    return Err(Error::config(
                        format!("rule pack {}", p.name),
                        format!("rule id `{}` is defined twice", r.id),
                    ));
                }
                rules.push(r.clone());
            }
        }
        if rules.len() > u16::MAX as usize {
            return Err(Error::config("rule packs", "too many rules"));
        }
        let mut patterns = Vec::new();
        let mut value_rules = Vec::new();
        let mut min_value_len = usize::MAX;
        let mut keys = GlobSetBuilder::new();
        let mut key_rule = Vec::new();
        let mut type_rules = Vec::new();
        let mut kw = Vec::new();
        let mut keyword_rule = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            let i = i as u16;
            let place = || format!("{}: rule {}", origins[i as usize], r.id);
            match r.kind {
                RuleKind::Value => {
                    let pat = r.pattern.as_deref().unwrap_or_default();
                    let re = regex::bytes::RegexBuilder::new(pat)
                        .size_limit(REGEX_SIZE_LIMIT)
                        .dfa_size_limit(DFA_CACHE / 8)
                        .build()
                        .map_err(|e| Error::config(place(), format!("invalid pattern: {e}")))?;
                    if r.group >= re.captures_len() {
                        return Err(Error::config(
                            place(),
                            format!("group {} does not exist", r.group),
                        ));
                    }
                    let validator = match &r.validator {
                        Some(v) => Some(validate::by_name(v).ok_or_else(|| {
                            Error::config(place(), format!("unknown validator `{v}`"))
                        })?),
                        None => None,
                    };
                    let this_min = min_len(pat);
                    min_value_len = min_value_len.min(this_min);
                    patterns.push(pat.to_string());
                    value_rules.push(ValueRule {
                        rule: i,
                        re,
                        group: r.group,
                        validator,
                        min_len: this_min,
                    });
                }
                RuleKind::Key => {
                    for g in &r.fields {
                        let glob = GlobBuilder::new(g)
                            .case_insensitive(true)
                            .literal_separator(false)
                            .build()
                            .map_err(|e| {
                                Error::config(place(), format!("invalid field glob `{g}`: {e}"))
                            })?;
                        keys.add(glob);
                        key_rule.push(i);
                    }
                }
                RuleKind::RecordType => {
                    let lower = |v: &Vec<String>| {
                        v.iter()
                            .map(|s| s.to_ascii_lowercase().into_bytes())
                            .collect()
                    };
                    type_rules.push(TypeRule {
                        rule: i,
                        names: lower(&r.type_fields),
                        values: lower(&r.type_values),
                    });
                }
                RuleKind::Keyword => {
                    for k in &r.keywords {
                        kw.push(k.clone());
                        keyword_rule.push(i);
                    }
                }
            }
        }
        let set = regex::bytes::RegexSetBuilder::new(&patterns)
            .size_limit(REGEX_SIZE_LIMIT * 4)
            .dfa_size_limit(DFA_CACHE)
            // The set runs over values joined by newlines: `^` and `$` must
            // match at each value's edges (a superset of per-value matches;
            // each rule's own regex then confirms per value).
            .multi_line(true)
            .build()
            .map_err(|e| Error::config("value rules", format!("cannot combine patterns: {e}")))?;
        let min_keyword_len = kw.iter().map(String::len).min().unwrap_or(usize::MAX);
        let keywords = if kw.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .build(&kw)
                    .map_err(|e| Error::config("keyword rules", e.to_string()))?,
            )
        };
        Ok(Detectors {
            rules,
            packs: packs
                .iter()
                .map(|p| format!("{}@{}", p.name, p.version))
                .collect(),
            set,
            value_rules,
            min_value_len: min_value_len.max(1),
            keys: keys
                .build()
                .map_err(|e| Error::config("key rules", e.to_string()))?,
            key_rule,
            type_rules,
            keywords,
            keyword_rule,
            min_keyword_len,
        })
    }

    pub fn rule(&self, i: u16) -> &RuleSpec {
        &self.rules[i as usize]
    }

    /// Run every detector over one record, appending hits to `out` in a
    /// deterministic order (field order, then rule order within a field).
    ///
    /// The combined pattern set runs once over all the record's values
    /// (joined by newlines, `^`/`$` matching at each), not once per field;
    /// fields then only meet the patterns that can match somewhere.
    pub fn scan(
        &self,
        rec: &RecordBuf,
        scratch: &mut Scratch,
        show_values: bool,
        out: &mut Vec<Hit>,
    ) {
        if scratch.fired.len() != self.rules.len() {
            scratch.fired = vec![false; self.rules.len()];
        }
        scratch.seen_values.clear();
        scratch.roles.clear();
        scratch.candidates.clear();
        // Hits of this record (`out` may hold earlier records' hits).
        let record_first_hit = out.len();
        scratch.masked_paths.clear();
        let joined = rec.joined_values();
        if joined.len() > self.min_value_len {
            scratch.candidates.extend(self.set.matches(joined).iter());
        }
        for (fi, f) in rec.fields.iter().enumerate() {
            let fi = fi as u32;
            let value = rec.value(f);
            if value.len() >= self.min_value_len {
                for k in 0..scratch.candidates.len() {
                    let vr = &self.value_rules[scratch.candidates[k]];
                    if value.len() >= vr.min_len {
                        self.value_hits(vr, value, fi, scratch, show_values, out);
                    }
                }
            }
            let mut role = 0;
            let path = rec.path(f);
            if !f.text && !path.is_empty() {
                let idx = self.path_info(path, rec.leaf(f), scratch);
                let Scratch {
                    infos,
                    fired,
                    touched,
                    ..
                } = &mut *scratch;
                let info = &infos[idx];
                role = info.role;
                for &r in info.key_rules.iter() {
                    if !fired[r as usize] {
                        fired[r as usize] = true;
                        touched.push(r);
                        let evidence = if show_values || self.rule(r).mask != MaskStyle::None {
                            self.evidence(r, value, show_values)
                        } else {
                            self.redacted(rec, value, &out[record_first_hit..])
                        };
                        out.push(Hit {
                            rule: r,
                            field: fi,
                            evidence,
                            start: 0,
                            end: value.len() as u32,
                            in_key: false,
                        });
                    }
                }
                if !value.is_empty() && value.len() <= 64 {
                    for &r in info.type_rules.iter() {
                        if !fired[r as usize]
                            && self.type_rules[self.type_index(r)]
                                .values
                                .iter()
                                .any(|v| v.eq_ignore_ascii_case(value))
                        {
                            fired[r as usize] = true;
                            touched.push(r);
                            out.push(Hit {
                                rule: r,
                                field: fi,
                                evidence: self.evidence(r, value, show_values),
                                start: 0,
                                end: value.len() as u32,
                                in_key: false,
                            });
                        }
                    }
                }
                let info = &scratch.infos[idx];
                if let Some(m) = info.masked.as_ref().filter(|_| !rec.structured_keys) {
                    scratch.masked_paths.push((fi, m.clone()));
                    for &(r, start, end) in info.key_values.iter() {
                        let cand = &path[start as usize..end as usize];
                        if scratch
                            .seen_values
                            .iter()
                            .any(|(sr, v)| *sr == r && v == cand)
                        {
                            continue;
                        }
                        scratch.seen_values.push((r, cand.to_vec()));
                        out.push(Hit {
                            rule: r,
                            field: fi,
                            evidence: self.evidence(r, cand, show_values),
                            start,
                            end,
                            in_key: true,
                        });
                    }
                }
            }
            scratch.roles.push(role);
            if let Some(ac) = &self.keywords
                && value.len() >= self.min_keyword_len
            {
                for m in ac.find_iter(value) {
                    let r = self.keyword_rule[m.pattern().as_usize()];
                    if !scratch.fired[r as usize] {
                        scratch.fired[r as usize] = true;
                        scratch.touched.push(r);
                        out.push(Hit {
                            rule: r,
                            field: fi,
                            evidence: self.evidence(r, &value[m.start()..m.end()], show_values),
                            start: m.start() as u32,
                            end: m.end() as u32,
                            in_key: false,
                        });
                    }
                }
            }
        }
        for r in scratch.touched.drain(..) {
            scratch.fired[r as usize] = false;
        }
    }

    fn evidence(&self, rule: u16, v: &[u8], show_values: bool) -> String {
        if show_values {
            mask::raw(v)
        } else {
            mask::mask(self.rule(rule).mask, v)
        }
    }

    /// A field's value shown as is (a `mask = "none"` key rule: calibration
    /// or sensor values), except the values masking rules found in this
    /// record, which appear masked: `{"calib": {"operator": "li.wei@x.cn"}}`
    /// must not show the address that `personal.email` masks. Those hits
    /// come first: value rules run on a field before its key rules, and a
    /// value repeated in a later field was found in an earlier one.
    fn redacted(&self, rec: &RecordBuf, value: &[u8], hits: &[Hit]) -> String {
        let mut shown: Option<Vec<u8>> = None;
        for h in hits {
            // Values found in a key index the path, not a value; masking
            // rules found them there (the key is masked in `field`).
            if h.in_key || self.rule(h.rule).mask == MaskStyle::None {
                continue;
            }
            let f = &rec.fields[h.field as usize];
            let raw = &rec.value(f)[h.start as usize..h.end as usize];
            let cur = shown.as_deref().unwrap_or(value);
            if raw.is_empty() || memchr::memmem::find(cur, raw).is_none() {
                continue;
            }
            let mut next = Vec::with_capacity(cur.len());
            let mut at = 0;
            for i in memchr::memmem::find_iter(cur, raw) {
                if i >= at {
                    next.extend_from_slice(&cur[at..i]);
                    next.extend_from_slice(h.evidence.as_bytes());
                    at = i + raw.len();
                }
            }
            next.extend_from_slice(&cur[at..]);
            shown = Some(next);
        }
        mask::raw(shown.as_deref().unwrap_or(value))
    }

    /// Value-rule matches in a field path and the path with them masked.
    /// The rules run over the whole path and over each dot-separated
    /// segment: a key holding an e-mail address has dots of its own, and a
    /// rule anchored at a boundary (`+86...` after `.`) may need the segment.
    fn key_values(&self, path: &[u8]) -> (Vec<KeySpan>, Option<Box<str>>) {
        let mut found: Vec<KeySpan> = Vec::new();
        if path.len() < self.min_value_len {
            return (found, None);
        }
        let mut hay: Vec<(usize, &[u8])> = vec![(0, path)];
        if memchr::memchr(b'.', path).is_some() {
            let mut at = 0;
            for seg in path.split(|&b| b == b'.') {
                hay.push((at, seg));
                at += seg.len() + 1;
            }
        }
        for (base, h) in hay {
            if h.len() < self.min_value_len {
                continue;
            }
            for i in self.set.matches(h).iter() {
                let vr = &self.value_rules[i];
                for caps in vr.re.captures_iter(h) {
                    let Some(m) = caps.get(vr.group) else {
                        continue;
                    };
                    if vr.validator.is_some_and(|v| !v(m.as_bytes())) {
                        continue;
                    }
                    let span = (vr.rule, (base + m.start()) as u32, (base + m.end()) as u32);
                    if !found.contains(&span) {
                        found.push(span);
                    }
                }
            }
        }
        if found.is_empty() {
            return (found, None);
        }
        // Mask each maximal run of matched bytes, in the style of the rule
        // that starts it, so overlapping matches reveal no more than one.
        let mut spans: Vec<(u16, usize, usize)> = found
            .iter()
            .map(|&(r, s, e)| (r, s as usize, e as usize))
            .collect();
        spans.sort_by_key(|&(_, s, e)| (s, std::cmp::Reverse(e)));
        let mut out = String::with_capacity(path.len());
        let mut pos = 0;
        let mut i = 0;
        while i < spans.len() {
            let (rule, start, mut end) = spans[i];
            if start < pos {
                i += 1;
                continue;
            }
            while i + 1 < spans.len() && spans[i + 1].1 < end {
                end = end.max(spans[i + 1].2);
                i += 1;
            }
            out.push_str(&String::from_utf8_lossy(&path[pos..start]));
            out.push_str(&mask::mask(self.rule(rule).mask, &path[start..end]));
            pos = end;
            i += 1;
        }
        out.push_str(&String::from_utf8_lossy(&path[pos..]));
        (found, Some(out.into()))
    }

    fn value_hits(
        &self,
        vr: &ValueRule,
        value: &[u8],
        fi: u32,
        scratch: &mut Scratch,
        show_values: bool,
        out: &mut Vec<Hit>,
    ) {
        for caps in vr.re.captures_iter(value) {
            let Some(m) = caps.get(vr.group) else {
                continue;
            };
            let cand = m.as_bytes();
            if vr.validator.is_some_and(|v| !v(cand)) {
                continue;
            }
            if scratch
                .seen_values
                .iter()
                .any(|(r, v)| *r == vr.rule && v == cand)
            {
                continue;
            }
            scratch.seen_values.push((vr.rule, cand.to_vec()));
            out.push(Hit {
                rule: vr.rule,
                field: fi,
                evidence: self.evidence(vr.rule, cand, show_values),
                start: m.start() as u32,
                end: m.end() as u32,
                in_key: false,
            });
        }
    }

    fn type_index(&self, rule: u16) -> usize {
        self.type_rules
            .iter()
            .position(|t| t.rule == rule)
            .expect("type rule indexed at build time")
    }

    /// Index of the cached [`PathInfo`] of a path, computing it on first use.
    fn path_info(&self, path: &[u8], leaf: &[u8], scratch: &mut Scratch) -> usize {
        if let Some(&i) = scratch.paths.get(path) {
            return i as usize;
        }
        if scratch.paths.len() >= PATH_CACHE_MAX {
            scratch.paths.clear();
            scratch.infos.clear();
        }
        let text = String::from_utf8_lossy(path);
        let mut key_rules: Vec<u16> = self
            .keys
            .matches(text.as_ref())
            .into_iter()
            .map(|gi| self.key_rule[gi])
            .collect();
        key_rules.sort_unstable();
        key_rules.dedup();
        let type_rules: Vec<u16> = self
            .type_rules
            .iter()
            .filter(|t| t.names.iter().any(|n| n.eq_ignore_ascii_case(leaf)))
            .map(|t| t.rule)
            .collect();
        let has = |names: &[Vec<u8>]| names.iter().any(|n| n.eq_ignore_ascii_case(leaf));
        let role = if has(&scratch.dest_names) {
            ROLE_DEST
        } else {
            0
        } | if has(&scratch.origin_names) {
            ROLE_ORIGIN
        } else {
            0
        };
        let (key_values, masked) = self.key_values(path);
        let i = scratch.infos.len();
        scratch.infos.push(PathInfo {
            key_rules: key_rules.into(),
            type_rules: type_rules.into(),
            role,
            key_values: key_values.into(),
            masked,
        });
        scratch.paths.insert(path.into(), i as u32);
        i
    }
}

/// Shortest haystack a pattern can match, from its syntax tree; values
/// shorter than the shortest pattern skip the regex pass entirely.
fn min_len(pattern: &str) -> usize {
    regex_syntax::ParserBuilder::new()
        .utf8(false)
        .build()
        .parse(pattern)
        .ok()
        .and_then(|h| h.properties().minimum_len())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::{self, Header};

    /// The value hits of one record found by running every value rule over
    /// every field on its own: what the combined prefilter must reproduce.
    fn brute_force(det: &Detectors, rec: &RecordBuf) -> Vec<(u16, u32, String)> {
        let mut out = Vec::new();
        let mut seen: Vec<(u16, Vec<u8>)> = Vec::new();
        for (fi, f) in rec.fields.iter().enumerate() {
            let value = rec.value(f);
            for vr in &det.value_rules {
                for caps in vr.re.captures_iter(value) {
                    let Some(m) = caps.get(vr.group) else {
                        continue;
                    };
                    let cand = m.as_bytes();
                    if vr.validator.is_some_and(|v| !v(cand))
                        || seen.iter().any(|(r, v)| *r == vr.rule && v == cand)
                    {
                        continue;
                    }
                    seen.push((vr.rule, cand.to_vec()));
                    out.push((vr.rule, fi as u32, mask::raw(cand)));
                }
            }
        }
        out.sort();
        out
    }

    fn scan_json(det: &Detectors, line: &str, show: bool) -> (Vec<Hit>, Scratch, RecordBuf) {
        let mut rec = RecordBuf::default();
        formats::parse_json(line.as_bytes(), &mut rec).unwrap();
        let mut scratch = Scratch::default();
        let mut hits = Vec::new();
        det.scan(&rec, &mut scratch, show, &mut hits);
        (hits, scratch, rec)
    }

    #[test]
    fn values_in_keys_are_found_and_masked_in_the_path() {
        let det = Detectors::builtin().unwrap();
        let id = |h: &Hit| det.rule(h.rule).id.clone();
        let line = r#"{"contacts": {"li.wei@example.cn": {"role": "admin"}, "+8613800138000": 1}, "sessions": {"eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.": "on"}}"#;
        let (hits, scratch, rec) = scan_json(&det, line, false);
        let in_key: Vec<(String, String)> = hits
            .iter()
            .filter(|h| h.in_key)
            .map(|h| (id(h), h.evidence.clone()))
            .collect();
        assert_eq!(
            in_key,
            [
                // The path has lost where each key ends (keys have dots of
                // their own): the address takes its neighbours with it,
                // which hides more, never less.
                ("personal.email".to_string(), "c***@e***.role".to_string()),
                ("personal.phone_cn".into(), "+8**********00".into()),
                ("personal.phone_e164".into(), "+8**********00".into()),
                ("secret.jwt".into(), "eyJh********[28]In0.".into()),
            ],
            "{hits:?}"
        );
        for h in hits.iter().filter(|h| h.in_key) {
            let f = &rec.fields[h.field as usize];
            // The span indexes the path; the displayed path hides it.
            let raw = &rec.path(f)[h.start as usize..h.end as usize];
            assert!(!raw.is_empty());
            let shown = scratch.masked_path(h.field).unwrap();
            assert!(
                !shown.contains("li.wei") && !shown.contains("8613800138000"),
                "{shown}"
            );
            assert!(!shown.contains("eyJhbGciOiJub25lIn0"), "{shown}");
        }
        assert_eq!(scratch.masked_path(0), Some("c***@e***.role"));
        assert_eq!(scratch.masked_path(1), Some("contacts.+8**********00"));
        // The same key under two fields is one finding.
        let (hits, _, _) = scan_json(&det, r#"{"li.wei@example.cn": {"a": 1, "b": 2}}"#, true);
        let emails: Vec<&Hit> = hits.iter().filter(|h| id(h) == "personal.email").collect();
        assert_eq!(emails.len(), 1);
        assert_eq!(emails[0].evidence, "li.wei@example.cn");
        // Clean keys cost nothing and show as they are.
        let (hits, scratch, _) = scan_json(&det, r#"{"calib": {"fx": 1200.5}}"#, false);
        assert!(hits.iter().all(|h| !h.in_key) && scratch.masked_path(0).is_none());
        // Syslog SD-IDs (`name@PEN`) look like addresses but are grammar.
        let mut rec = RecordBuf::default();
        let line =
            br#"<134>1 2026-11-02T00:00:00Z gw shipper 1 TLM [origin@32473 site="CN-SZ-02"] up"#;
        formats::parse(formats::Format::Syslog, line, &Header::default(), &mut rec).unwrap();
        let mut scratch = Scratch::default();
        let mut hits = Vec::new();
        det.scan(&rec, &mut scratch, false, &mut hits);
        assert!(hits.iter().all(|h| !h.in_key), "{hits:?}");
        assert!(scratch.masked_paths.is_empty());
    }

    #[test]
    fn unmasked_key_rules_still_mask_values_found_in_them() {
        let det = Detectors::builtin().unwrap();
        let line = r#"{"calib": {"note": "sent to li.wei@example.cn, card 4111 1111 1111 1111"}}"#;
        let (hits, _, _) = scan_json(&det, line, false);
        let meta = hits
            .iter()
            .find(|h| det.rule(h.rule).id == "calibration.metadata")
            .unwrap();
        assert_eq!(
            meta.evidence,
            "sent to l***@e***.cn, card 41***************11"
        );
        let (hits, _, _) = scan_json(&det, line, true);
        let meta = hits
            .iter()
            .find(|h| det.rule(h.rule).id == "calibration.metadata")
            .unwrap();
        assert!(meta.evidence.contains("li.wei@example.cn"));
    }

    #[test]
    fn combined_prefilter_finds_what_each_rule_alone_finds() {
        let det = Detectors::builtin().unwrap();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample_data");
        let mut checked = 0;
        for name in [
            "telemetry.jsonl",
            "process.csv",
            "process.tsv",
            "diagnostics.logfmt",
            "gateway.syslog",
            "legacy.syslog",
            "operator.log",
        ] {
            let text = std::fs::read(root.join(name)).unwrap();
            let format = formats::detect(name, &text[..text.len().min(65536)]);
            let mut lines = text.split(|&b| b == b'\n').filter(|l| !l.is_empty());
            let header = if format.has_header() {
                formats::parse_header(format, lines.next().unwrap())
            } else {
                Header::default()
            };
            let mut rec = RecordBuf::default();
            let mut scratch = Scratch::default();
            for line in lines {
                if formats::parse(format, line, &header, &mut rec).is_err() {
                    rec.clear();
                    rec.push_text(line);
                }
                let mut hits = Vec::new();
                det.scan(&rec, &mut scratch, true, &mut hits);
                let value_rules: Vec<u16> = det.value_rules.iter().map(|v| v.rule).collect();
                let mut got: Vec<(u16, u32, String)> = hits
                    .into_iter()
                    .filter(|h| value_rules.contains(&h.rule) && !h.in_key)
                    .map(|h| (h.rule, h.field, h.evidence))
                    .collect();
                got.sort();
                assert_eq!(
                    got,
                    brute_force(&det, &rec),
                    "{name}: {}",
                    String::from_utf8_lossy(line)
                );
                checked += got.len();
            }
        }
        assert!(checked > 500, "{checked}");
    }
}
