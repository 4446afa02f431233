//! Compiling rule packs into detectors: rules checked and sorted by kind,
//! value patterns combined into one set, key globs into one set, keywords
//! into automata (`keywords.rs`). Runs once per scan; `scan` in the parent
//! module is what runs per record.

use aho_corasick::AhoCorasick;
use globset::{GlobBuilder, GlobSetBuilder};

use super::keywords::Keywords;
use super::{Detectors, KeywordInfo, Negations, RuleRegex, TypeRule, ValueRule};
use crate::error::{Error, Result};
use crate::rules::lexicon::{self, Lexicon};
use crate::rules::{Confidence, RuleKind, RulePackSpec, RuleSpec, reason};
use crate::validate;

/// Regexes from rule packs are user input: cap their compiled size so a
/// pathological pattern fails to load instead of eating memory. The regex
/// crate never backtracks, so run time stays linear whatever the pattern.
pub(super) const REGEX_SIZE_LIMIT: usize = 32 << 20;

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
        let mut shipped: Vec<bool> = Vec::new();
        let mut ids = std::collections::HashSet::new();
        for p in packs {
            for r in &p.rules {
                origins.push(&p.origin);
                shipped.push(p.builtin);
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
        let mut keyword_info = Vec::new();
        let mut not_before_words: Vec<Vec<String>> = Vec::new();
        let lexicon = Lexicon::builtin();
        // `{{concept}}` in regexes becomes the lexicon's words; the specs
        // are kept as written (for `rules list`), the detectors use these.
        let expand = |re: &Option<String>| -> Option<String> {
            re.as_deref()
                .map(|re| lexicon::expand_regex(lexicon, re).unwrap_or_else(|_| re.to_string()))
        };
        for (i, r) in rules.iter().enumerate() {
            let i = i as u16;
            // A value rule's pattern names concepts as `{{concept}}`: it is
            // compiled with one sentinel byte per concept in their place, and
            // the keyword automaton finds the concepts' words, which the
            // sentinel then stands for in a copy of the value (`scan`).
            // Alternations of thousands of words in every language made the
            // combined set's lazy DFA determinise half the scan time.
            let refs = lexicon::concept_refs(r.pattern.as_deref().unwrap_or_default());
            let r = &RuleSpec {
                pattern: r
                    .pattern
                    .as_deref()
                    .map(|p| lexicon::with_sentinels(p, &refs)),
                context: expand(&r.context),
                context_free: expand(&r.context_free),
                not_after: expand(&r.not_after),
                not_before: expand(&r.not_before),
                ..r.clone()
            };
            let place = || format!("{}: rule {}", origins[i as usize], r.id);
            match r.kind {
                RuleKind::Value => {
                    let pat = r.pattern.as_deref().unwrap_or_default();
                    // The built-in pack's regexes compile when a candidate
                    // first needs them (a scan meets few of its rules, and
                    // compiling them all was 0.26 G instructions at every
                    // start); its tests compile each one. A user's pack is
                    // compiled here, so that a bad pattern fails to load.
                    let lazy = shipped[i as usize];
                    let compile = |p: &str, dfa: Option<usize>, what: &str| {
                        let re = if lazy {
                            RuleRegex::lazy(p, dfa)
                        } else {
                            RuleRegex::ready(p, dfa).map_err(|e| {
                                Error::config(place(), format!("invalid {what}: {e}"))
                            })?
                        };
                        Ok::<_, Error>(re)
                    };
                    let re = compile(pat, Some(DFA_CACHE / 8), "pattern")?;
                    if !lazy && r.group >= re.captures_len() {
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
                    let optional = |p: &Option<String>, what: &str| {
                        p.as_deref().map(|p| compile(p, None, what)).transpose()
                    };
                    let context = optional(&r.context, "context")?;
                    let context_free = optional(&r.context_free, "context_free")?;
                    let not_after = optional(&r.not_after, "not_after")?;
                    let not_before = optional(&r.not_before, "not_before")?;
                    let this_min = min_len(pat);
                    min_value_len = min_value_len.min(this_min);
                    patterns.push(set_pattern(pat));
                    let bits = match r.validator.as_deref() {
                        Some(v) if validate::is_checksum(v) => reason::CHECKSUM,
                        Some(_) => reason::VALIDATED,
                        None => 0,
                    };
                    for (k, name) in refs.iter().enumerate() {
                        if let Some(c) = lexicon.concepts.get(name) {
                            for w in c.all_words() {
                                for form in w.forms() {
                                    kw.push(form);
                                    keyword_rule.push(i);
                                    keyword_info.push(KeywordInfo {
                                        trigger: Some((
                                            value_rules.len() as u32,
                                            lexicon::sentinel(k),
                                        )),
                                        ..KeywordInfo::default()
                                    });
                                }
                            }
                        }
                    }
                    value_rules.push(ValueRule {
                        rule: i,
                        lexicon: !refs.is_empty(),
                        re,
                        group: r.group,
                        validator,
                        confidence: r.base_confidence(),
                        bits,
                        min_len: this_min,
                        context,
                        context_free,
                        not_after,
                        not_before,
                        context_window: r.context_window,
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
                    let values = expand_type_values(&r.type_values);
                    type_rules.push(TypeRule::new(i, &r.type_fields, &values));
                }
                RuleKind::Keyword => {
                    for k in &r.keywords {
                        match lexicon.concept(k) {
                            Some(c) => {
                                let nbw = if c.not_before_words.is_empty() {
                                    0
                                } else {
                                    not_before_words.push(c.not_before_words.clone());
                                    not_before_words.len() as u16
                                };
                                for w in c.all_words() {
                                    for form in w.forms() {
                                        kw.push(form);
                                        keyword_rule.push(i);
                                        keyword_info.push(KeywordInfo {
                                            left: w.left,
                                            right: w.right,
                                            negatable: c.negatable,
                                            tight: w.tight,
                                            not_before_count: c.not_before_count,
                                            not_before_measure: c.not_before_measure,
                                            not_before_words: nbw,
                                            trigger: None,
                                        });
                                    }
                                }
                            }
                            None => {
                                kw.push(k.clone());
                                keyword_rule.push(i);
                                keyword_info.push(KeywordInfo::default());
                            }
                        }
                    }
                }
            }
        }
        let set = super::sets::PatternSets::new(&patterns, super::sets::PER_SET, |b| {
            b.size_limit(REGEX_SIZE_LIMIT * 4)
                .dfa_size_limit(DFA_CACHE)
                // The set runs over values joined by newlines: `^` and `$`
                // match at each value's edges (a superset of per-value
                // matches; each rule's own regex then confirms per value).
                .multi_line(true)
        })
        .map_err(|e| Error::config("value rules", format!("cannot combine patterns: {e}")))?;
        let min_keyword_len = kw.iter().map(String::len).min().unwrap_or(usize::MAX);
        let keywords = if kw.is_empty() {
            None
        } else {
            Some(Keywords::new(&kw)?)
        };
        let base = rules
            .iter()
            .map(|r| {
                let bits = match r.kind {
                    RuleKind::Key => reason::FIELD_NAME,
                    RuleKind::RecordType => reason::RECORD_TYPE,
                    RuleKind::Keyword => reason::KEYWORD,
                    RuleKind::Value => match r.validator.as_deref() {
                        Some(v) if validate::is_checksum(v) => reason::CHECKSUM,
                        Some(_) => reason::VALIDATED,
                        None => 0,
                    },
                };
                (r.base_confidence(), bits)
            })
            .collect();
        let key_validators = rules
            .iter()
            .map(|r| {
                (r.kind == RuleKind::Key)
                    .then(|| r.validator.as_deref().and_then(validate::by_name))
                    .flatten()
            })
            .collect();
        let any_yields = rules.iter().any(|r| !r.yields_to.is_empty());
        let stays_after = rules
            .iter()
            .map(|r| {
                r.stays_after
                    .as_deref()
                    .map(|re| {
                        let re = lexicon::expand_regex(lexicon, re).unwrap_or_else(|_| re.into());
                        regex::bytes::RegexBuilder::new(&re)
                            .size_limit(REGEX_SIZE_LIMIT)
                            .build()
                            .map_err(|e| {
                                Error::config(
                                    format!("rule {}", r.id),
                                    format!("invalid stays_after: {e}"),
                                )
                            })
                    })
                    .transpose()
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Detectors {
            key_validators,
            base,
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
            keyword_info,
            negations: Negations::new(lexicon)?,
            min_keyword_len,
            any_yields,
            stays_after,
            not_before_words,
            min_confidence: Confidence::Medium,
        })
    }
}

/// A record-type rule's values with each `@concept` replaced by its words
/// (stem marks dropped: type values are matched by tokens, see
/// `detect/types.rs`).
fn expand_type_values(values: &[String]) -> Vec<String> {
    let lexicon = Lexicon::builtin();
    let mut out = Vec::new();
    for v in values {
        match lexicon.concept(v) {
            Some(c) => out.extend(c.all_words().map(|w| w.text.clone())),
            None => out.push(v.clone()),
        }
    }
    out
}

impl Negations {
    fn new(lexicon: &Lexicon) -> Result<Self> {
        let build = |name: &str| -> Result<(AhoCorasick, Vec<lexicon::Word>)> {
            let words: Vec<lexicon::Word> = lexicon
                .concepts
                .get(name)
                .map(|c| c.all_words().cloned().collect())
                .unwrap_or_default();
            let mut forms = Vec::new();
            let mut info = Vec::new();
            for w in &words {
                for f in w.forms() {
                    forms.push(f);
                    info.push(w.clone());
                }
            }
            let ac = AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(&forms)
                .map_err(|e| Error::config("lexicon negations", e.to_string()))?;
            Ok((ac, info))
        };
        let (before, before_words) = build(lexicon::NEGATION_BEFORE)?;
        let (after, after_words) = build(lexicon::NEGATION_AFTER)?;
        Ok(Negations {
            before,
            before_words,
            after,
            after_words,
        })
    }
}

/// The pattern the combined set runs for a rule: the rule's own with every
/// wide counted repetition (`{m,n}`, n - m > 16) left open (`{m,}`) and no
/// capture groups. The set only says which rules may match in a record (a
/// superset is fine: each rule's own regex then decides), and wide counters
/// of several rules multiply its DFA's states: measured on the 20 MB guard
/// slice, this saves instructions per byte (benches/RESULTS.md).
fn set_pattern(pattern: &str) -> String {
    use regex_syntax::hir::{Hir, HirKind, Repetition};
    fn relax(h: &Hir) -> Hir {
        match h.kind() {
            HirKind::Repetition(r) => Hir::repetition(Repetition {
                min: r.min,
                max: r.max.filter(|&m| m - r.min <= 16),
                greedy: r.greedy,
                sub: Box::new(relax(&r.sub)),
            }),
            HirKind::Capture(c) => relax(&c.sub),
            HirKind::Concat(v) => Hir::concat(v.iter().map(relax).collect()),
            HirKind::Alternation(v) => Hir::alternation(v.iter().map(relax).collect()),
            _ => h.clone(),
        }
    }
    // Parsed as the set compiles it (multi-line, bytes); a pattern that
    // does not parse is left to the set's own error message.
    regex_syntax::ParserBuilder::new()
        .utf8(false)
        .multi_line(true)
        .build()
        .parse(pattern)
        .map_or_else(|_| pattern.to_string(), |h| relax(&h).to_string())
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
