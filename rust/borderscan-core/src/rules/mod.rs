//! Rule packs: detectors as data, each with positive and negative examples.
//!
//! A pack is a TOML file of `[[rule]]` tables. The built-in pack is compiled
//! into the binary so the engine never needs a file on disk to run.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

mod check;

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
    /// `keyword`: case-insensitive literals.
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub mask: MaskStyle,
    #[serde(default)]
    pub examples: Examples,
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
        Self::parse(DEFAULT_PACK, "builtin:default.toml").expect("built-in rule pack is valid")
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
            if r.kind != RuleKind::Value && (r.context.is_some() || r.context_free.is_some()) {
                return Err(bad(
                    "`context` and `context_free` are for value rules".into()
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
        }
        Ok(())
    }
}
