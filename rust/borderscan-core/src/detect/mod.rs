//! Compiled detectors: every value rule in a few `RegexSet` passes per record
//! (`sets.rs`),
//! key rules as one `GlobSet` (cached per distinct path), keywords as
//! Aho-Corasick automata (`keywords.rs`).

use rustc_hash::{FxHashMap, FxHashSet};

use aho_corasick::AhoCorasick;
use globset::GlobSet;
use regex::bytes::Regex;

use crate::formats::RecordBuf;
use crate::mask;
use crate::rules::{Confidence, MaskStyle, RuleSpec, reason};
use crate::validate::Validator;

mod build;
mod keywords;
mod memo;
mod overlaps;
#[cfg(test)]
mod overlaps_tests;
#[cfg(test)]
mod reference;
mod sets;
#[cfg(test)]
mod tests;
mod types;

pub(crate) use types::TypeRule;

/// A rule's regex: compiled when the rules are loaded (a user's pack: a bad
/// pattern must fail to load), or when first used (the built-in pack,
/// whose every pattern `tests.rs` compiles): a scan meets few of the
/// built-in rules, and compiling all of them and their contexts was 0.26 G
/// instructions at every start (issue 20).
struct RuleRegex {
    src: Box<str>,
    dfa_size_limit: Option<usize>,
    re: std::sync::OnceLock<Regex>,
}

impl RuleRegex {
    fn compile(src: &str, dfa_size_limit: Option<usize>) -> Result<Regex, regex::Error> {
        let mut b = regex::bytes::RegexBuilder::new(src);
        b.size_limit(build::REGEX_SIZE_LIMIT);
        if let Some(n) = dfa_size_limit {
            b.dfa_size_limit(n);
        }
        b.build()
    }

    fn ready(src: &str, dfa_size_limit: Option<usize>) -> Result<Self, regex::Error> {
        let re = Self::compile(src, dfa_size_limit)?;
        Ok(RuleRegex {
            src: src.into(),
            dfa_size_limit,
            re: re.into(),
        })
    }

    fn lazy(src: &str, dfa_size_limit: Option<usize>) -> Self {
        RuleRegex {
            src: src.into(),
            dfa_size_limit,
            re: std::sync::OnceLock::new(),
        }
    }
}

impl std::ops::Deref for RuleRegex {
    type Target = Regex;

    fn deref(&self) -> &Regex {
        self.re.get_or_init(|| {
            Self::compile(&self.src, self.dfa_size_limit)
                .unwrap_or_else(|e| panic!("built-in rule pattern {:?}: {e}", self.src))
        })
    }
}

struct ValueRule {
    rule: u16,
    /// Its pattern names lexicon concepts: `re` holds a sentinel byte for
    /// each (see `build.rs`), and runs on a copy of the value with the
    /// concepts' words replaced by their sentinels.
    lexicon: bool,
    re: RuleRegex,
    group: usize,
    validator: Option<Validator>,
    /// Confidence and reasons of a match that needs no context.
    confidence: Confidence,
    bits: u8,
    min_len: usize,
    /// Must match near the value or in the field path (see `RuleSpec::context`).
    context: Option<RuleRegex>,
    /// Values it matches need no context.
    context_free: Option<RuleRegex>,
    /// Rejects a value when it matches the text just before it.
    not_after: Option<RuleRegex>,
    /// Rejects a value when it matches the text just after it.
    not_before: Option<RuleRegex>,
    context_window: usize,
}

impl ValueRule {
    /// The value a match holds: its `group`, or, when a pattern of several
    /// alternatives matched by another one, the first later group that took
    /// part (`A(x)B|C(y)D` with `group = 1`).
    fn value<'h>(&self, caps: &regex::bytes::Captures<'h>) -> Option<regex::bytes::Match<'h>> {
        caps.get(self.group).or_else(|| {
            if self.group == 0 {
                return None;
            }
            (self.group + 1..caps.len()).find_map(|g| caps.get(g))
        })
    }

    /// How sure a candidate at `start..end` of `value` (in the field
    /// `path`) is, and why: a rule that wants context is `high` where it
    /// finds it (in the field's name, or within its window), its base
    /// confidence where the value's form needs none (`context_free`), and
    /// `low` without either. None: `not_after` or `not_before` rejects it.
    fn judge(
        &self,
        path: &[u8],
        value: &[u8],
        start: usize,
        end: usize,
    ) -> Option<(Confidence, u8)> {
        let before = &value[start.saturating_sub(self.context_window)..start];
        if self.not_after.as_ref().is_some_and(|n| n.is_match(before)) {
            return None;
        }
        let after = &value[end..value.len().min(end + self.context_window)];
        if self.not_before.as_ref().is_some_and(|n| n.is_match(after)) {
            return None;
        }
        let Some(ctx) = &self.context else {
            return Some((self.confidence, self.bits));
        };
        if ctx.is_match(path) {
            return Some((Confidence::High, self.bits | reason::FIELD_NAME));
        }
        if ctx.is_match(before) || ctx.is_match(after) {
            return Some((Confidence::High, self.bits | reason::KEYWORD_NEARBY));
        }
        if self
            .context_free
            .as_ref()
            .is_some_and(|f| f.is_match(&value[start..end]))
        {
            return Some((self.confidence, self.bits | reason::DISTINCTIVE_FORM));
        }
        Some((Confidence::Low, self.bits | reason::NO_CONTEXT))
    }
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
    pub confidence: Confidence,
    /// Why, as [`reason`] bits.
    pub reason: u8,
}

pub struct Detectors {
    pub rules: Vec<RuleSpec>,
    /// Per rule: the confidence and reasons of a finding that needs no
    /// context (key, record-type and keyword rules; values found in keys).
    base: Vec<(Confidence, u8)>,
    /// `name@version` of each pack loaded, for manifests.
    pub packs: Vec<String>,
    set: sets::PatternSets,
    value_rules: Vec<ValueRule>,
    min_value_len: usize,
    keys: GlobSet,
    key_rule: Vec<u16>,
    /// Per rule: the validator a key rule applies to the field's value.
    key_validators: Vec<Option<Validator>>,
    type_rules: Vec<TypeRule>,
    keywords: Option<keywords::Keywords>,
    keyword_rule: Vec<u16>,
    /// Per keyword: how a lexicon word must sit in the text.
    keyword_info: Vec<KeywordInfo>,
    negations: Negations,
    min_keyword_len: usize,
    /// Whether any rule yields to other categories (`yields_to`).
    any_yields: bool,
    /// Per rule: its `stays_after` regex, compiled.
    stays_after: Vec<Option<Regex>>,
    /// The concepts' `not_before_words` (see `KeywordInfo`).
    not_before_words: Vec<Vec<String>>,
    /// Findings less sure than this are not reported (`--min-confidence`).
    pub min_confidence: Confidence,
}

/// How a keyword must sit in the text: literals from a rule match anywhere;
/// words of the lexicon at word boundaries, and a negatable concept's word
/// not next to a negation or a zero count.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct KeywordInfo {
    pub(crate) left: bool,
    pub(crate) right: bool,
    pub(crate) negatable: bool,
    /// Written in a script without spaces (see `lexicon::Word::tight`).
    pub(crate) tight: bool,
    /// Not before a count (`Ausschuss 13`) or a measure (`Fehler 6,4 µm`).
    pub(crate) not_before_count: bool,
    pub(crate) not_before_measure: bool,
    /// Not before one of the words of `Detectors::not_before_words[i - 1]`
    /// (0: no such words).
    pub(crate) not_before_words: u16,
    /// Not a keyword of a rule but a word of a concept a value rule names:
    /// `(value rule, the sentinel byte that stands for the concept)`.
    pub(crate) trigger: Option<(u32, u8)>,
}

/// The lexicon's negations, written before (`no`, `keine`, `brak`, `无`) or
/// after (`なし`, `yok`, `nélkül`) the word they take back.
pub(crate) struct Negations {
    pub(crate) before: AhoCorasick,
    pub(crate) before_words: Vec<crate::rules::lexicon::Word>,
    pub(crate) after: AhoCorasick,
    pub(crate) after_words: Vec<crate::rules::lexicon::Word>,
}

/// How far before a yielding finding the finding it yields to, or a word
/// for a measured value, is looked for (bytes).
const YIELD_WINDOW: u32 = 64;

/// How far before a negatable word a negation is looked for (bytes: two or
/// three short words, `kein einziger`, `není žádná`, `لا يوجد`).
const NEGATION_BEFORE_WINDOW: usize = 28;
/// How far after it (`エラーなし`, `hiba nélkül`, `त्रुटि नहीं`).
const NEGATION_AFTER_WINDOW: usize = 16;

impl Negations {
    /// Whether the word at `start..end` of `text` is negated: a negation
    /// word just before or after it, or a zero count (`0 errors`,
    /// `errors: 0`, `错误数 0`). "Just": at most one word between, and no
    /// punctuation (`нет связи, ошибка` is an error, `нет ошибок` none);
    /// next to a word of a script without spaces, nothing between (`无故障`,
    /// not `无线模块故障`).
    fn negated(&self, text: &[u8], start: usize, end: usize, tight: bool) -> bool {
        let lo = floor_char(text, start.saturating_sub(NEGATION_BEFORE_WINDOW));
        let hi = ceil_char(text, (end + NEGATION_AFTER_WINDOW).min(text.len()));
        let before = &text[lo..start];
        let after = &text[end..hi];
        let alnum = |b: Option<&u8>| b.is_some_and(u8::is_ascii_alphanumeric);
        let zero_before = {
            let t = before.trim_ascii_end();
            t.ends_with(b"0")
                && !alnum(t.len().checked_sub(2).and_then(|k| t.get(k)))
                && !t.ends_with(b".0")
                && !t.ends_with(b",0")
        };
        let zero_after = {
            // The word's own ending may sit between (`errors: 0`, `错误数:
            // 0`): up to a few bytes, then `:`/`=`/space, then a lone 0.
            let sep = |b: u8| matches!(b, b':' | b'=' | b' ' | b'\t');
            let mut i = 0;
            while i < after.len() && i < 12 && !sep(after[i]) {
                i += 1;
            }
            while i < after.len() && sep(after[i]) {
                i += 1;
            }
            after.get(i) == Some(&b'0')
                && !alnum(after.get(i + 1))
                && !matches!(after.get(i + 1), Some(b'.' | b','))
        };
        if zero_before || zero_after {
            return true;
        }
        let near = |gap: &[u8], neg_tight: bool| {
            if tight || neg_tight {
                return gap.is_empty() || gap == b" ";
            }
            !gap.iter().any(|b| b",;:.!?|()[]{}\"'=<>/".contains(b))
                && gap
                    .split(|b| b.is_ascii_whitespace())
                    .filter(|t| !t.is_empty())
                    .count()
                    <= 1
        };
        self.before.find_overlapping_iter(before).any(|m| {
            let w = &self.before_words[m.pattern().as_usize()];
            let (s, e) = (lo + m.start(), lo + m.end());
            w.sits(text, s, e) && near(&text[e..start], w.tight)
        }) || self.after.find_overlapping_iter(after).any(|m| {
            let w = &self.after_words[m.pattern().as_usize()];
            let (s, e) = (end + m.start(), end + m.end());
            w.sits(text, s, e) && near(&text[end..s], w.tight)
        })
    }
}

/// An offset in a copy made by `lexicon_value_hits` as an offset in the
/// value: a sentinel stands for its word. A sentinel sits at its word's
/// offset less what the sentinels before it shortened, so the last one
/// before `at` gives the shift: no walk over all of them for each hit of
/// a field of many words (issue 17).
fn to_value(spans: &[(u32, u32, u32)], at: u32) -> u32 {
    let j = spans.partition_point(|&(pos, _, _)| pos < at);
    match (spans.get(j), j.checked_sub(1).map(|i| spans[i])) {
        (Some(&(pos, s, _)), _) if pos == at => s,
        (_, Some((pos, _, e))) => (i64::from(at) + i64::from(e) - i64::from(pos) - 1) as u32,
        (_, None) => at,
    }
}

/// `at` moved back to the start of the UTF-8 character it falls in.
fn floor_char(text: &[u8], mut at: usize) -> usize {
    while at > 0 && at < text.len() && text[at] & 0xC0 == 0x80 {
        at -= 1;
    }
    at
}

/// `at` moved on to the start of the next UTF-8 character.
fn ceil_char(text: &[u8], mut at: usize) -> usize {
    while at < text.len() && text[at] & 0xC0 == 0x80 {
        at += 1;
    }
    at
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
/// The placement vocabulary names the field a destination
/// (`rules/placement.toml`).
pub const ROLE_DEST_VOCAB: u8 = 4;
/// The placement vocabulary names the field an origin (`werk`, `工場`).
pub const ROLE_ORIGIN_VOCAB: u8 = 8;
/// The field holds the name of the machine that wrote the record.
pub const ROLE_HOST: u8 = 16;
/// The field is never where the record goes (`help_url`, `$schema`).
pub const ROLE_NOT_DEST: u8 = 32;

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
    /// Value rules the set matches in the values of the record that the
    /// memo does not hold (`pending`).
    candidates: Vec<usize>,
    /// The record's values the memo does not hold, each followed by a
    /// newline (as `RecordBuf::joined_values`).
    pending: Vec<u8>,
    /// Per field of the record: its memo entry, or `memo::NONE`.
    field_memo: Vec<u32>,
    memo: memo::ValueMemo,
    /// Keyword-automaton matches in the current field: `(pattern, start, end)`.
    kw_matches: Vec<(u32, u32, u32)>,
    /// A value with concept words replaced by sentinels, and where: `(start
    /// in the copy, start and end in the value)`.
    copy: Vec<u8>,
    spans: Vec<(u32, u32, u32)>,
    /// Values found in the current record, each as its rule (two bytes,
    /// big-endian) then its bytes: a value is reported once per rule. A
    /// set, not a list: a line can hold a million values (issue 17).
    seen_values: FxHashSet<Box<[u8]>>,
    /// The key looked up in `seen_values`.
    seen_key: Vec<u8>,
    /// Masked paths of the last record's fields whose keys hold values, in
    /// field order.
    masked_paths: Vec<(u32, Box<str>)>,
    /// Per slot of `infos`: looked up since the last sweep (see `path_info`).
    path_used: Vec<bool>,
    /// Slots of `infos` freed by a sweep.
    path_free: Vec<u32>,
    /// Paths not cached since the last sweep.
    path_misses: usize,
    /// Report every field a key rule or keyword rule fires on, not only
    /// the first of the record: `redact` must replace them all (a scan
    /// needs one finding per rule and record).
    pub(crate) every_field: bool,
    /// Key-rule hits carry no evidence and shown values are not masked
    /// against the record's other hits: `redact` replaces values and shows
    /// none, and building the masks of a record of many hits (an automaton
    /// per hit) would cost it more than the rest of the record.
    pub(crate) no_evidence: bool,
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
            .binary_search_by_key(&field, |(f, _)| *f)
            .ok()
            .map(|i| &*self.masked_paths[i].1)
    }

    /// Whether rule `rule` already found `value` in this record; marks it
    /// found.
    fn seen(&mut self, rule: u16, value: &[u8]) -> bool {
        self.seen_key.clear();
        self.seen_key.extend_from_slice(&rule.to_be_bytes());
        self.seen_key.extend_from_slice(value);
        if self.seen_values.contains(self.seen_key.as_slice()) {
            return true;
        }
        self.seen_values.insert(self.seen_key.as_slice().into());
        false
    }

    /// Forget the values of the last record; a set grown by a record of
    /// many values is given back rather than cleared record after record.
    fn clear_seen(&mut self) {
        if self.seen_values.capacity() > SEEN_KEEP {
            self.seen_values = FxHashSet::default();
        } else {
            self.seen_values.clear();
        }
    }
}

/// Capacity of `Scratch::seen_values` kept from one record to the next.
const SEEN_KEEP: usize = 1024;

/// Bound on the per-worker path cache; telemetry has few distinct paths,
/// but a hostile input could make every path unique. Past it, paths are
/// computed uncached, and every `PATH_CACHE_MAX` such misses a sweep frees
/// the slots of the paths not looked up since the last sweep: a file of
/// more distinct paths than fit keeps the ones cached (cost grows with the
/// paths that do not fit, not by a cliff: issue 17), and a worker whose
/// cache an earlier file filled makes room for the paths of the next.
/// 64Ki entries (about 10 MB a worker) hold the columns of the widest
/// sensor matrices seen in CSV exports; past it, cost grows linearly.
const PATH_CACHE_MAX: usize = 64 * 1024;

impl Detectors {
    pub fn rule(&self, i: u16) -> &RuleSpec {
        &self.rules[i as usize]
    }

    /// Whether a value is what `redact` (or masking) left in its field: a
    /// mask or a pseudonym of a category of these rules. Checked only when
    /// a key or record-type rule would fire: a field's name alone fires a
    /// key rule, and a mask keeps a first letter (`w***` reads as `w`,
    /// a warning).
    fn masked_already(&self, value: &[u8]) -> bool {
        crate::mask::looks_masked(value)
            || crate::mask::pseudonym_category(value)
                .is_some_and(|c| self.rules.iter().any(|r| r.category.as_bytes() == c))
    }

    /// Run every detector over one record, appending hits to `out` in a
    /// deterministic order (field order, then rule order within a field).
    ///
    /// The combined pattern set runs once over the record's values (joined
    /// by newlines, `^`/`$` matching at each), not once per field; fields
    /// then only meet the patterns that can match somewhere. Values met
    /// before take their candidate rules, keyword matches and record-type
    /// matches from the memo instead (`memo.rs`).
    pub(crate) fn scan(
        &self,
        rec: &RecordBuf,
        scratch: &mut Scratch,
        show_values: bool,
        out: &mut Vec<Hit>,
    ) {
        if scratch.fired.len() != self.rules.len() {
            scratch.fired = vec![false; self.rules.len()];
        }
        scratch.clear_seen();
        scratch.roles.clear();
        scratch.candidates.clear();
        // Hits of this record (`out` may hold earlier records' hits).
        let record_first_hit = out.len();
        scratch.masked_paths.clear();
        // Values the memo holds take their candidates and keyword matches
        // from it; the others go through the set together (`memo.rs`).
        scratch.memo.begin_record();
        scratch.pending.clear();
        scratch.field_memo.clear();
        for f in &rec.fields {
            // A derived field's bytes were scanned in the value it was
            // found in (`formats/pairs.rs`): only key and type rules see it.
            if f.derived {
                scratch.field_memo.push(memo::NONE);
                continue;
            }
            let value = rec.value(f);
            let m = scratch.memo.lookup(value, |v| self.memo_entry(v));
            if m == memo::NONE {
                scratch.pending.extend_from_slice(value);
                scratch.pending.push(b'\n');
            }
            scratch.field_memo.push(m);
        }
        if scratch.pending.len() > self.min_value_len {
            scratch
                .candidates
                .extend(self.set.matches(&scratch.pending));
        }
        for (fi, f) in rec.fields.iter().enumerate() {
            let fi = fi as u32;
            let value = rec.value(f);
            let m = scratch.field_memo[fi as usize];
            scratch.kw_matches.clear();
            if let Some(kw) = &self.keywords
                && value.len() >= self.min_keyword_len
                && !f.derived
            {
                if m == memo::NONE {
                    kw.find_overlapping(value, &mut scratch.kw_matches);
                } else {
                    let found = &scratch.memo.entry(m).keywords;
                    scratch.kw_matches.extend_from_slice(found);
                }
            }
            if value.len() >= self.min_value_len && !f.derived {
                let n = if m == memo::NONE {
                    scratch.candidates.len()
                } else {
                    scratch.memo.entry(m).candidates.len()
                };
                for k in 0..n {
                    let vi = if m == memo::NONE {
                        scratch.candidates[k]
                    } else {
                        scratch.memo.entry(m).candidates[k] as usize
                    };
                    let vr = &self.value_rules[vi];
                    if value.len() >= vr.min_len && !(vr.lexicon && self.triggered(scratch, vi)) {
                        self.value_hits(vr, rec.path(f), value, fi, scratch, show_values, out);
                    }
                }
            }
            if !f.derived
                && scratch
                    .kw_matches
                    .iter()
                    .any(|m| self.keyword_info[m.0 as usize].trigger.is_some())
            {
                self.lexicon_value_hits(rec.path(f), value, fi, scratch, show_values, out);
            }
            let mut role = 0;
            let path = rec.path(f);
            if !f.text && !path.is_empty() {
                let idx = self.path_info(path, rec.leaf(f), scratch);
                let Scratch {
                    infos,
                    fired,
                    touched,
                    every_field,
                    no_evidence,
                    memo,
                    ..
                } = &mut *scratch;
                let every_field = *every_field;
                let no_evidence = *no_evidence;
                let info = &infos[idx];
                // A pair read out of prose (`server: x` in an nginx error
                // line) is no configured field; the vocabulary still reads it.
                role = if f.derived {
                    info.role & !(ROLE_DEST | ROLE_ORIGIN)
                } else {
                    info.role
                };
                for &r in info.key_rules.iter() {
                    let (confidence, reason) = self.base[r as usize];
                    // A key rule's validator checks the field's value: a
                    // password field holding `[*****]` is masked already.
                    let valid = || self.key_validators[r as usize].is_none_or(|v| v(value));
                    if (every_field || !fired[r as usize])
                        && confidence >= self.min_confidence
                        && valid()
                        && !self.masked_already(value)
                    {
                        fired[r as usize] = true;
                        touched.push(r);
                        let evidence = if no_evidence {
                            String::new()
                        } else if show_values || self.rule(r).mask != MaskStyle::None {
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
                            confidence,
                            reason,
                        });
                    }
                }
                if !value.is_empty() && value.len() <= types::MAX_TYPE_VALUE {
                    for &r in info.type_rules.iter() {
                        let (confidence, reason) = self.base[r as usize];
                        if !fired[r as usize]
                            && confidence >= self.min_confidence
                            && self.type_matches(r, value, (m != memo::NONE).then(|| memo.entry(m)))
                            && !self.masked_already(value)
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
                                confidence,
                                reason,
                            });
                        }
                    }
                }
                let info = &scratch.infos[idx];
                if let Some(m) = info.masked.as_ref().filter(|_| !rec.structured_keys) {
                    scratch.masked_paths.push((fi, m.clone()));
                    // A derived path's values were found in its message.
                    let n = if f.derived { 0 } else { info.key_values.len() };
                    for j in 0..n {
                        let (r, start, end) = scratch.infos[idx].key_values[j];
                        let cand = &path[start as usize..end as usize];
                        let (confidence, reason) = self.base[r as usize];
                        if confidence < self.min_confidence {
                            continue;
                        }
                        if scratch.seen(r, cand) {
                            continue;
                        }
                        out.push(Hit {
                            rule: r,
                            field: fi,
                            evidence: self.evidence(r, cand, show_values),
                            start,
                            end,
                            in_key: true,
                            confidence,
                            reason,
                        });
                    }
                }
            }
            scratch.roles.push(role);
            for j in 0..scratch.kw_matches.len() {
                {
                    let (k, start, end) = scratch.kw_matches[j];
                    let (k, m) = (k as usize, start as usize..end as usize);
                    if self.keyword_info[k].trigger.is_some() {
                        continue;
                    }
                    let r = self.keyword_rule[k];
                    let (confidence, reason) = self.base[r as usize];
                    if (scratch.fired[r as usize] && !scratch.every_field)
                        || confidence < self.min_confidence
                    {
                        continue;
                    }
                    let info = self.keyword_info[k];
                    // A spaced-script word glued by a hyphen to the next
                    // is a name even when the word is a stem (`alarm-router`).
                    let named = info.left
                        && value.get(m.end) == Some(&b'-')
                        && value.get(m.end + 1).is_some_and(u8::is_ascii_alphanumeric);
                    if named
                        || (info.left && crate::rules::lexicon::word_char_before(value, m.start))
                        || (info.right && crate::rules::lexicon::word_char_at(value, m.end))
                        || (info.negatable
                            && self.negations.negated(value, m.start, m.end, info.tight))
                        || (info.not_before_words > 0
                            && crate::rules::lexicon::word_after(
                                value,
                                m.end,
                                &self.not_before_words[info.not_before_words as usize - 1],
                            ))
                        || ((info.not_before_count || info.not_before_measure)
                            && crate::rules::lexicon::number_after(value, m.end).is_some_and(|n| {
                                (info.not_before_count && n.count)
                                    || (info.not_before_measure && n.measure)
                            }))
                    {
                        continue;
                    }
                    {
                        scratch.fired[r as usize] = true;
                        scratch.touched.push(r);
                        out.push(Hit {
                            rule: r,
                            field: fi,
                            evidence: self.evidence(r, &value[m.start..m.end], show_values),
                            start: m.start as u32,
                            end: m.end as u32,
                            in_key: false,
                            confidence,
                            reason,
                        });
                    }
                }
            }
        }
        if self.any_yields {
            self.drop_yielding(rec, out, record_first_hit);
        }
        if !show_values && !scratch.no_evidence {
            self.mask_shown_overlaps(rec, &mut out[record_first_hit..]);
        }
        for r in scratch.touched.drain(..) {
            scratch.fired[r as usize] = false;
        }
    }

    /// A value that a `mask = "none"` rule shows as is may be what a
    /// masking rule found in the same record (`E-58102`, an alarm code's
    /// shape, is an employee number after `número de empleado`): its
    /// evidence is then written with that value masked, or masked whole in
    /// the masking rule's style when the two spans only overlap.
    /// Drops the findings of rules that yield to other categories
    /// (`yields_to`): a number with a unit is a reading unless the record
    /// says it is a calibration's, a recipe's or an inspection's value: a
    /// record-type or key finding of such a category (the record's type, a
    /// key of its own) or any finding of it shortly before in the same
    /// field (`setpoint 210 °C`),
    /// and no word for a measured value just before it (`actual 212 °C`,
    /// `Istwert`, `实测`: the rule's `stays_after`).
    fn drop_yielding(&self, rec: &RecordBuf, out: &mut Vec<Hit>, first: usize) {
        #[cfg(test)]
        if overlaps::forced() == Some(overlaps::Path::Reference) {
            return self.drop_yielding_reference(rec, out, first);
        }
        let hits = &out[first..];
        if !hits
            .iter()
            .any(|h| !self.rules[h.rule as usize].yields_to.is_empty())
        {
            return;
        }
        let index = overlaps::indexed(hits.len()).then(|| overlaps::YieldIndex::new(self, hits));
        let mut drop = vec![false; hits.len()];
        for (k, h) in hits.iter().enumerate() {
            let spec = &self.rules[h.rule as usize];
            if spec.yields_to.is_empty() || h.in_key {
                continue;
            }
            let dominated = match &index {
                Some(index) => index.dominated(h),
                None => hits.iter().any(|d| {
                    spec.yields_to
                        .iter()
                        .any(|c| c == &self.rules[d.rule as usize].category)
                        && if d.field == h.field {
                            d.end <= h.start && h.start - d.end <= YIELD_WINDOW
                        } else {
                            // Another field speaks for the whole record only
                            // when it is the record's type or a key of its own
                            // (`type: calibration`, `recipe.*`), not a word
                            // somewhere in it (`cmm-export` as the app name).
                            matches!(
                                self.rules[d.rule as usize].kind,
                                crate::rules::RuleKind::RecordType | crate::rules::RuleKind::Key
                            )
                        }
                }),
            };
            if !dominated {
                continue;
            }
            let stays = self.stays_after[h.rule as usize]
                .as_ref()
                .is_some_and(|re| {
                    let value = rec.value(&rec.fields[h.field as usize]);
                    let lo = floor_char(
                        value,
                        (h.start as usize).saturating_sub(YIELD_WINDOW as usize),
                    );
                    re.is_match(&value[lo..h.start as usize])
                });
            drop[k] = !stays;
        }
        let mut k = 0;
        out.retain(|_| {
            let keep = k < first || !drop[k - first];
            k += 1;
            keep
        });
    }

    fn mask_shown_overlaps(&self, rec: &RecordBuf, hits: &mut [Hit]) {
        #[cfg(test)]
        if overlaps::forced() == Some(overlaps::Path::Reference) {
            return self.mask_shown_overlaps_reference(rec, hits);
        }
        let masks = |h: &Hit| overlaps::masks(self, h);
        if hits.len() < 2 || !hits.iter().any(masks) {
            return;
        }
        if overlaps::indexed(hits.len()) {
            return self.mask_shown_overlaps_indexed(rec, hits);
        }
        for i in 0..hits.len() {
            let h = &hits[i];
            if h.in_key || masks(h) {
                continue;
            }
            let raw = &rec.value(&rec.fields[h.field as usize])[h.start as usize..h.end as usize];
            let overlapping = hits
                .iter()
                .find(|m| masks(m) && m.field == h.field && m.start < h.end && h.start < m.end);
            let found_elsewhere = hits.iter().any(|m| {
                masks(m) && {
                    let v =
                        &rec.value(&rec.fields[m.field as usize])[m.start as usize..m.end as usize];
                    !v.is_empty() && memchr::memmem::find(raw, v).is_some()
                }
            });
            if overlapping.is_none() && !found_elsewhere {
                continue;
            }
            let redacted = self.redacted(rec, raw, hits);
            hits[i].evidence = self.shown_evidence(raw, overlapping.map(|m| m.rule), redacted);
        }
    }

    /// `mask_shown_overlaps` for a record of many hits: the first
    /// overlapping masking hit by a sweep, the masked values a value holds
    /// by one automaton over them.
    fn mask_shown_overlaps_indexed(&self, rec: &RecordBuf, hits: &mut [Hit]) {
        // A line of addresses alone shows nothing: no automaton to build.
        if hits.iter().all(|h| h.in_key || overlaps::masks(self, h)) {
            return;
        }
        let first = overlaps::first_overlaps(self, hits);
        let index = overlaps::MaskIndex::new(self, rec, hits);
        let mut evidence: Vec<(usize, String)> = Vec::new();
        for (i, h) in hits.iter().enumerate() {
            if h.in_key || overlaps::masks(self, h) {
                continue;
            }
            let raw = &rec.value(&rec.fields[h.field as usize])[h.start as usize..h.end as usize];
            let overlapping = first[i].map(|m| hits[m as usize].rule);
            if overlapping.is_none() && !index.occurs_in(raw) {
                continue;
            }
            evidence.push((i, self.shown_evidence(raw, overlapping, index.redact(raw))));
        }
        for (i, e) in evidence {
            hits[i].evidence = e;
        }
    }

    /// The evidence of a shown value `raw` that a masking hit of rule
    /// `overlapping` overlaps or whose masked values it holds (`redacted`).
    fn shown_evidence(&self, raw: &[u8], overlapping: Option<u16>, redacted: String) -> String {
        match overlapping {
            // The masking rule's value is not inside this one (the spans
            // cross): nothing of it may show.
            Some(r) if redacted == mask::raw(raw) => mask::mask(self.rule(r).mask, raw),
            _ => redacted,
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
        #[cfg(test)]
        if overlaps::forced() == Some(overlaps::Path::Reference) {
            return self.redacted_reference(rec, value, hits);
        }
        if overlaps::indexed(hits.len()) {
            return overlaps::MaskIndex::new(self, rec, hits).redact(value);
        }
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
        let mut unique: FxHashSet<KeySpan> = FxHashSet::default();
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
            for i in self.set.matches(h) {
                let vr = &self.value_rules[i];
                for caps in vr.re.captures_iter(h) {
                    let Some(m) = vr.value(&caps) else {
                        continue;
                    };
                    if vr.validator.is_some_and(|v| !v(m.as_bytes())) {
                        continue;
                    }
                    let span = (vr.rule, (base + m.start()) as u32, (base + m.end()) as u32);
                    // A set besides the list: a key can hold many values.
                    if unique.insert(span) {
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

    /// Whether record-type rule `rule` matches `value`, as remembered in
    /// the value's memo entry when it has one.
    fn type_matches(&self, rule: u16, value: &[u8], entry: Option<&memo::Entry>) -> bool {
        let t = self.type_index(rule);
        match entry {
            Some(e) if t < 64 => e.types >> t & 1 == 1,
            _ => self.type_rules[t].matches(value),
        }
    }

    /// What the value pass finds in `value` alone (see `memo.rs`).
    fn memo_entry(&self, value: &[u8]) -> memo::Entry {
        let mut keywords = Vec::new();
        if let Some(kw) = &self.keywords
            && value.len() >= self.min_keyword_len
        {
            kw.find_overlapping(value, &mut keywords);
        }
        memo::Entry {
            candidates: self.set.matches(value).map(|i| i as u32).collect(),
            keywords: keywords.into(),
            types: self
                .type_rules
                .iter()
                .take(64)
                .enumerate()
                .filter(|(_, t)| t.matches(value))
                .fold(0, |bits, (i, _)| bits | 1 << i),
        }
    }

    /// Whether value rule `vr` is a lexicon rule with a word of one of its
    /// concepts in the current field (then it runs on the copy).
    fn triggered(&self, scratch: &Scratch, vr: usize) -> bool {
        let vr = vr as u32;
        scratch.kw_matches.iter().any(|m| {
            self.keyword_info[m.0 as usize]
                .trigger
                .is_some_and(|t| t.0 == vr)
        })
    }

    /// Runs each value rule whose concepts' words the field holds on a copy
    /// of the value in which those words are replaced by the rule's sentinel
    /// bytes, and maps the findings back onto the value.
    fn lexicon_value_hits(
        &self,
        path: &[u8],
        value: &[u8],
        fi: u32,
        scratch: &mut Scratch,
        show_values: bool,
        out: &mut Vec<Hit>,
    ) {
        let mut rules: Vec<u32> = scratch
            .kw_matches
            .iter()
            .filter_map(|m| self.keyword_info[m.0 as usize].trigger.map(|t| t.0))
            .collect();
        rules.sort_unstable();
        rules.dedup();
        for vr_index in rules {
            let vr = &self.value_rules[vr_index as usize];
            // This rule's words, leftmost first and the longest where they
            // overlap; each becomes its concept's sentinel.
            let mut words: Vec<(u32, u32, u8)> = scratch
                .kw_matches
                .iter()
                .filter_map(|&(k, s, e)| {
                    self.keyword_info[k as usize]
                        .trigger
                        .filter(|t| t.0 == vr_index)
                        .map(|t| (s, e, t.1))
                })
                .collect();
            words.sort_unstable_by_key(|&(s, e, _)| (s, std::cmp::Reverse(e)));
            scratch.copy.clear();
            scratch.spans.clear();
            let mut at = 0usize;
            for (s, e, byte) in words {
                let (s, e) = (s as usize, e as usize);
                if s < at {
                    continue;
                }
                scratch.copy.extend_from_slice(&value[at..s]);
                scratch
                    .spans
                    .push((scratch.copy.len() as u32, s as u32, e as u32));
                scratch.copy.push(byte);
                at = e;
            }
            scratch.copy.extend_from_slice(&value[at..]);
            let first = out.len();
            let copy = std::mem::take(&mut scratch.copy);
            self.value_hits(vr, path, &copy, fi, scratch, show_values, out);
            scratch.copy = copy;
            for h in &mut out[first..] {
                let (s, e) = (
                    to_value(&scratch.spans, h.start),
                    to_value(&scratch.spans, h.end),
                );
                if (s, e) != (h.start, h.end) || h.evidence.as_bytes().iter().any(|&b| b < 0x09) {
                    h.evidence = self.evidence(h.rule, &value[s as usize..e as usize], show_values);
                }
                h.start = s;
                h.end = e;
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn value_hits(
        &self,
        vr: &ValueRule,
        path: &[u8],
        value: &[u8],
        fi: u32,
        scratch: &mut Scratch,
        show_values: bool,
        out: &mut Vec<Hit>,
    ) {
        for caps in vr.re.captures_iter(value) {
            let Some(m) = vr.value(&caps) else {
                continue;
            };
            let cand = m.as_bytes();
            // Context first: it is a few small regexes, where a validator
            // may consult libphonenumber's metadata; a candidate too unsure
            // to report is never validated.
            let Some((confidence, reason)) = vr.judge(path, value, m.start(), m.end()) else {
                continue;
            };
            if confidence < self.min_confidence || vr.validator.is_some_and(|v| !v(cand)) {
                continue;
            }
            if scratch.seen(vr.rule, cand) {
                continue;
            }
            out.push(Hit {
                rule: vr.rule,
                field: fi,
                evidence: self.evidence(vr.rule, cand, show_values),
                start: m.start() as u32,
                end: m.end() as u32,
                in_key: false,
                confidence,
                reason,
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
            scratch.path_used[i as usize] = true;
            return i as usize;
        }
        let info = self.compute_path_info(path, leaf, scratch);
        // A free slot, a new one, or (the cache full) the spare slot past
        // the cached ones, which no path keeps.
        let slot = match scratch.path_free.pop() {
            Some(i) => Some(i as usize),
            None if scratch.infos.len() < PATH_CACHE_MAX => {
                scratch.infos.push(info);
                scratch.path_used.push(false);
                let i = scratch.infos.len() - 1;
                scratch.paths.insert(path.into(), i as u32);
                return i;
            }
            None => None,
        };
        if let Some(i) = slot {
            scratch.infos[i] = info;
            scratch.path_used[i] = false;
            scratch.paths.insert(path.into(), i as u32);
            return i;
        }
        scratch.path_misses += 1;
        if scratch.path_misses >= PATH_CACHE_MAX {
            scratch.path_misses = 0;
            let Scratch {
                paths,
                path_used,
                path_free,
                ..
            } = &mut *scratch;
            paths.retain(|_, &mut i| {
                let keep = path_used[i as usize];
                if !keep {
                    path_free.push(i);
                }
                keep
            });
            path_used.fill(false);
        }
        if scratch.infos.len() == PATH_CACHE_MAX {
            scratch.infos.push(info);
        } else {
            scratch.infos[PATH_CACHE_MAX] = info;
        }
        PATH_CACHE_MAX
    }

    /// What the detectors know about a path (see [`PathInfo`]).
    fn compute_path_info(&self, path: &[u8], leaf: &[u8], scratch: &Scratch) -> PathInfo {
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
        let vocab = crate::resolve::Vocabulary::builtin();
        let bit = |yes: bool, b: u8| if yes { b } else { 0 };
        // A configured name wins even in a path that says otherwise
        // (`origin@32473.dst`, syslog's `origin` SD element): the user
        // named it. The vocabulary's exceptions bind the vocabulary and
        // discovery only.
        let not_dest = vocab.is_not_dest_field(path);
        let role = bit(has(&scratch.dest_names), ROLE_DEST)
            | bit(has(&scratch.origin_names), ROLE_ORIGIN)
            | bit(vocab.is_dest_field(path), ROLE_DEST_VOCAB)
            | bit(vocab.is_origin_field(path), ROLE_ORIGIN_VOCAB)
            | bit(vocab.is_host_field(path), ROLE_HOST)
            | bit(not_dest, ROLE_NOT_DEST);
        let (key_values, masked) = self.key_values(path);
        PathInfo {
            key_rules: key_rules.into(),
            type_rules: type_rules.into(),
            role,
            key_values: key_values.into(),
            masked,
        }
    }
}
