//! Rule packs: detectors as data, each with positive and negative examples.
//!
//! A pack is a TOML file of `[[rule]]` tables. The built-in pack is compiled
//! into the binary so the engine never needs a file on disk to run.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

mod check;
pub mod lexicon;

pub use crate::detect::Hit;
pub use crate::mask::mask;
pub use check::{RuleCheckFailure, check_rules, scan_line};

/// The built-in default rule pack.
pub const DEFAULT_PACK: &str = include_str!("../../rules/default.toml");

/// How a rule recognises its category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// A regex over field values (or free text), optionally validated.
    Value,
    /// Glob patterns over the field path (`calib.*`, `*intrinsics*`).
    Key,
    /// A field such as `type` whose value names the record type.
    RecordType,
    /// Context keywords anywhere in the record's text values.
    Keyword,
}

/// How evidence of a hit is masked before it leaves the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum MaskStyle {
    /// `j***@e***.com`
    Email,
    /// Keep four characters at each end of long values (`AKIA****ABCD`).
    #[default]
    Edges,
    /// Replace every character but the first.
    Full,
    /// Not personal or secret (a field name, a keyword): shown as is.
    None,
}

/// How sure a finding is. Ordered: `Low < Medium < High`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// The shape alone, where the rule wants more (a bare number that could
    /// be a phone, with no phone word near): shown only on request.
    Low,
    Medium,
    /// A checksum, the field's name or a keyword nearby says so.
    High,
}

impl Confidence {
    pub const ALL: [Confidence; 3] = [Confidence::Low, Confidence::Medium, Confidence::High];

    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

impl std::str::FromStr for Confidence {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Confidence::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("'{s}' is not a confidence (low, medium, high)"))
    }
}

/// Why a finding has its confidence: a set of these bits, written as their
/// names joined by `+` (`checksum+keyword nearby`); no bit is `pattern`.
pub mod reason {
    /// A check digit or checksum validated the value (Luhn, mod 97...).
    pub const CHECKSUM: u8 = 1;
    /// A validator accepted its structure (IP octets, a phone number's
    /// numbering plan, an e-mail domain...).
    pub const VALIDATED: u8 = 2;
    /// The field's name says what it holds (key rules; a value rule's
    /// context found in the field path).
    pub const FIELD_NAME: u8 = 4;
    /// A context keyword within the rule's window (`tel`, `card`, `电话`).
    pub const KEYWORD_NEARBY: u8 = 8;
    /// The value's own form needs no context (`+49 ...`, `00 86 ...`).
    pub const DISTINCTIVE_FORM: u8 = 16;
    /// A field that names the record type holds one of the rule's types.
    pub const RECORD_TYPE: u8 = 32;
    /// One of the rule's keywords occurs in the text.
    pub const KEYWORD: u8 = 64;
    /// The rule wants context and found none.
    pub const NO_CONTEXT: u8 = 128;

    const NAMES: [&str; 8] = [
        "checksum",
        "validated",
        "field name",
        "keyword nearby",
        "distinctive form",
        "record type",
        "keyword",
        "no context",
    ];

    /// The name of a set of reasons.
    pub fn name(bits: u8) -> String {
        if bits == 0 {
            return "pattern".into();
        }
        let parts: Vec<&str> = (0..8)
            .filter(|i| bits & (1 << i) != 0)
            .map(|i| NAMES[i])
            .collect();
        parts.join("+")
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    /// Records (one line each) on which the rule must fire.
    #[serde(default)]
    pub positive: Vec<String>,
    /// Records on which the rule must not fire.
    #[serde(default)]
    pub negative: Vec<String>,
}

/// One detector as written in a pack.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Stable id, `category.name`; findings and baselines refer to it.
    pub id: String,
    pub category: String,
    pub description: String,
    pub kind: RuleKind,
    /// `value`: the regex (byte regex; `(?i)` etc. allowed).
    #[serde(default)]
    pub pattern: Option<String>,
    /// `value`: the capture group that holds the value to validate and mask;
    /// when it did not take part in a match, the first later group that did
    /// (one group per alternative of a pattern).
    #[serde(default)]
    pub group: usize,
    /// `value`: name of a validator in `validate::by_name`.
    #[serde(default)]
    pub validator: Option<String>,
    /// `value`: a regex (byte regex) that must match near the value (within
    /// `context_window` bytes before or after it in the same field) or in the
    /// field's path, for the value to be reported: a bare number is a phone
    /// only next to `tel`/`phone`/`电话` or in a `phone` field.
    #[serde(default)]
    pub context: Option<String>,
    /// `value`: values this regex matches need no `context` (`+49...`).
    #[serde(default)]
    pub context_free: Option<String>,
    /// `value`: a regex that rejects a value when it matches the text just
    /// before it (the `context_window` bytes before the value; anchor it
    /// with `$`): `version 10.2.0.14` is not an address.
    #[serde(default)]
    pub not_after: Option<String>,
    /// `value`: a regex that rejects a value when it matches the text just
    /// after it (the `context_window` bytes after the value; anchor it with
    /// `^`): a torque followed by its tolerance window's verdict is an
    /// inspection's result, not a reading.
    #[serde(default)]
    pub not_before: Option<String>,
    /// `value`: how far (bytes) around the value `context` is looked for.
    #[serde(default = "default_context_window")]
    pub context_window: usize,
    /// `key`: case-insensitive globs over the dotted field path.
    #[serde(default)]
    pub fields: Vec<String>,
    /// `record_type`: field names (leaf names) that carry the record type.
    #[serde(default)]
    pub type_fields: Vec<String>,
    /// `record_type`: values of those fields that mark the category.
    #[serde(default)]
    pub type_values: Vec<String>,
    /// `keyword`: case-insensitive literals, matched anywhere; `@concept`
    /// adds the words of a concept of the lexicon (`rules/lexicon.toml`) in
    /// every language, matched as words (see [`lexicon`]).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Categories that take this rule's finding over: when a record also
    /// has a finding of one of them, this rule's finding is dropped (a
    /// number with a unit in a calibration, a recipe or an inspection is
    /// that record's parameter or result, not a sensor reading).
    #[serde(default)]
    pub yields_to: Vec<String>,
    /// With `yields_to`: a regex over the text just before the finding
    /// (anchor it with `$`); where it matches, the finding stays (`actual
    /// 212 °C` after a setpoint is a reading).
    #[serde(default)]
    pub stays_after: Option<String>,
    #[serde(default)]
    pub mask: MaskStyle,
    /// Confidence of a finding that needs no context, or found none it
    /// wants. Default: `high` for key and record-type rules and for value
    /// rules validated by a checksum, `medium` otherwise. A value rule with
    /// `context` is `high` where the context is found (nearby or in the
    /// field name), this where its `context_free` form matches, and `low`
    /// without either.
    #[serde(default)]
    pub confidence: Option<Confidence>,
    #[serde(default)]
    pub examples: Examples,
}

impl RuleSpec {
    /// The confidence of a finding of this rule with no context (see
    /// [`RuleSpec::confidence`]).
    pub fn base_confidence(&self) -> Confidence {
        self.confidence.unwrap_or(match self.kind {
            RuleKind::Key | RuleKind::RecordType => Confidence::High,
            RuleKind::Value
                if self
                    .validator
                    .as_deref()
                    .is_some_and(crate::validate::is_checksum) =>
            {
                Confidence::High
            }
            _ => Confidence::Medium,
        })
    }
}

fn default_context_window() -> usize {
    48
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulePackSpec {
    /// Where the pack came from (its file), to name it in errors.
    #[serde(skip)]
    pub origin: String,
    /// The pack built into the binary: its patterns are compiled when first
    /// needed (`Detectors::new`), as its tests compile every one of them.
    #[serde(skip)]
    pub(crate) builtin: bool,
    pub name: String,
    pub version: String,
    #[serde(rename = "rule", default)]
    pub rules: Vec<RuleSpec>,
}

impl RulePackSpec {
    /// Parse a pack; `origin` names the file in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Self> {
        let pack: RulePackSpec = toml::from_str(text).map_err(|e| Error::Config {
            place: origin.to_string(),
            message: e.to_string(),
        })?;
        pack.check(origin)?;
        Ok(RulePackSpec {
            origin: origin.to_string(),
            ..pack
        })
    }

    pub fn builtin() -> Self {
        // The built-in pack is tested by `cargo test`; a failure here is a bug
        // in the shipped data, not a user error.
        RulePackSpec {
            builtin: true,
            ..Self::parse(DEFAULT_PACK, "builtin:default.toml")
                .expect("built-in rule pack is valid")
        }
    }

    /// Structural checks serde cannot express: unique ids, the fields each
    /// kind needs, known validators.
    fn check(&self, origin: &str) -> Result<()> {
        let mut seen = std::collections::HashSet::new();
        for r in &self.rules {
            let bad = |message: String| Error::Config {
                place: format!("{origin}: rule {}", r.id),
                message,
            };
            if !seen.insert(r.id.as_str()) {
                return Err(bad("duplicate rule id".into()));
            }
            if r.category.is_empty() || r.id.is_empty() {
                return Err(bad("id and category must not be empty".into()));
            }
            match r.kind {
                RuleKind::Value if r.pattern.is_none() => {
                    return Err(bad("a value rule needs `pattern`".into()));
                }
                RuleKind::Key if r.fields.is_empty() => {
                    return Err(bad("a key rule needs `fields`".into()));
                }
                RuleKind::RecordType if r.type_fields.is_empty() || r.type_values.is_empty() => {
                    return Err(bad(
                        "a record_type rule needs `type_fields` and `type_values`".into(),
                    ));
                }
                RuleKind::Keyword if r.keywords.is_empty() => {
                    return Err(bad("a keyword rule needs `keywords`".into()));
                }
                _ => {}
            }
            if r.kind != RuleKind::Value
                && (r.context.is_some()
                    || r.context_free.is_some()
                    || r.not_after.is_some()
                    || r.not_before.is_some())
            {
                return Err(bad(
                    "`context`, `context_free`, `not_after` and `not_before` are for value rules"
                        .into(),
                ));
            }
            if r.context_free.is_some() && r.context.is_none() {
                return Err(bad("`context_free` needs `context`".into()));
            }
            if let Some(v) = &r.validator
                && crate::validate::by_name(v).is_none()
            {
                return Err(bad(format!("unknown validator `{v}`")));
            }
            let lexicon = lexicon::Lexicon::builtin();
            for w in r.keywords.iter().chain(&r.type_values) {
                if w.starts_with('@') && lexicon.concept(w).is_none() {
                    return Err(bad(format!(
                        "`{w}` is no concept of the lexicon (rules/lexicon.toml)"
                    )));
                }
            }
            for re in [
                &r.pattern,
                &r.context,
                &r.context_free,
                &r.not_after,
                &r.not_before,
            ]
            .into_iter()
            .flatten()
            {
                let refs = lexicon::concept_refs(re);
                if let Some(name) = refs.iter().find(|n| !lexicon.concepts.contains_key(*n)) {
                    return Err(bad(format!(
                        "`{{{{{name}}}}}` is no concept of the lexicon (rules/lexicon.toml)"
                    )));
                }
                if refs.len() > lexicon::MAX_SENTINELS {
                    return Err(bad(format!(
                        "a regex may name at most {} concepts",
                        lexicon::MAX_SENTINELS
                    )));
                }
            }
            if r.yields_to.iter().any(|c| c == &r.category) {
                return Err(bad("a rule cannot yield to its own category".into()));
            }
        }
        Ok(())
    }
}
