//! Compiled detectors: every value rule in one `RegexSet` pass per value,
//! key rules as one `GlobSet` (cached per distinct path), keywords as one
//! Aho-Corasick automaton.

use std::collections::HashMap;

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

/// Per-worker scratch space, reused across records.
#[derive(Default)]
pub struct Scratch {
    key_cache: HashMap<Box<[u8]>, Box<[u16]>>,
    fired: Vec<bool>,
    touched: Vec<u16>,
    seen_values: Vec<(u16, Vec<u8>)>,
}

/// Bound on the per-worker path cache; telemetry has few distinct paths,
/// but a hostile input could make every path unique.
const KEY_CACHE_MAX: usize = 16 * 1024;

impl Detectors {
    pub fn builtin() -> Result<Self> {
        Self::new(&[RulePackSpec::builtin()])
    }

    pub fn new(packs: &[RulePackSpec]) -> Result<Self> {
        let mut rules: Vec<RuleSpec> = Vec::new();
        let mut ids = std::collections::HashSet::new();
        for p in packs {
            for r in &p.rules {
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
            let place = || format!("rule {}", r.id);
            match r.kind {
                RuleKind::Value => {
                    let pat = r.pattern.as_deref().unwrap_or_default();
                    let re = regex::bytes::RegexBuilder::new(pat)
                        .size_limit(REGEX_SIZE_LIMIT)
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
                    min_value_len = min_value_len.min(min_len(pat));
                    patterns.push(pat.to_string());
                    value_rules.push(ValueRule {
                        rule: i,
                        re,
                        group: r.group,
                        validator,
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
        let evidence = |rule: &RuleSpec, v: &[u8]| {
            if show_values {
                mask::raw(v)
            } else {
                mask::mask(rule.mask, v)
            }
        };
        for (fi, f) in rec.fields.iter().enumerate() {
            let fi = fi as u32;
            let value = rec.value(f);
            // Value rules: one combined pass says which patterns can match;
            // only those run again to find and validate the hits.
            if value.len() >= self.min_value_len {
                let matched = self.set.matches(value);
                if matched.matched_any() {
                    for si in matched.iter() {
                        let vr = &self.value_rules[si];
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
                                evidence: evidence(self.rule(vr.rule), cand),
                            });
                        }
                    }
                }
            }
            if !f.text {
                let path = rec.path(f);
                if !path.is_empty() {
                    let n = self.key_rules_for(path, scratch).len();
                    for k in 0..n {
                        let r = scratch.key_cache[path][k];
                        if !scratch.fired[r as usize] {
                            scratch.fired[r as usize] = true;
                            scratch.touched.push(r);
                            out.push(Hit {
                                rule: r,
                                field: fi,
                                evidence: evidence(self.rule(r), value),
                            });
                        }
                    }
                }
                if !self.type_rules.is_empty() && !value.is_empty() && value.len() <= 64 {
                    let leaf = rec.leaf(f);
                    for TypeRule {
                        rule: r,
                        names,
                        values,
                    } in &self.type_rules
                    {
                        if scratch.fired[*r as usize] {
                            continue;
                        }
                        if names.iter().any(|n| n.eq_ignore_ascii_case(leaf))
                            && values.iter().any(|v| v.eq_ignore_ascii_case(value))
                        {
                            scratch.fired[*r as usize] = true;
                            scratch.touched.push(*r);
                            out.push(Hit {
                                rule: *r,
                                field: fi,
                                evidence: mask::raw(value),
                            });
                        }
                    }
                }
            }
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
                            evidence: mask::raw(&value[m.start()..m.end()]),
                        });
                    }
                }
            }
        }
        for r in scratch.touched.drain(..) {
            scratch.fired[r as usize] = false;
        }
    }

    /// Key rules matching a path, cached per worker: telemetry repeats the
    /// same few hundred paths millions of times.
    fn key_rules_for<'s>(&self, path: &[u8], scratch: &'s mut Scratch) -> &'s [u16] {
        if !scratch.key_cache.contains_key(path) {
            if scratch.key_cache.len() >= KEY_CACHE_MAX {
                scratch.key_cache.clear();
            }
            let text = String::from_utf8_lossy(path);
            let mut rules: Vec<u16> = self
                .keys
                .matches(text.as_ref())
                .into_iter()
                .map(|gi| self.key_rule[gi])
                .collect();
            rules.sort_unstable();
            rules.dedup();
            scratch
                .key_cache
                .insert(path.into(), rules.into_boxed_slice());
        }
        &scratch.key_cache[path]
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

impl MaskStyle {
    pub fn as_str(self) -> &'static str {
        match self {
            MaskStyle::Email => "email",
            MaskStyle::Edges => "edges",
            MaskStyle::Full => "full",
            MaskStyle::None => "none",
        }
    }
}
