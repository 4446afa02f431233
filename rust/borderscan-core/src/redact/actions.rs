//! What `redact` does to a value the policy does not let go where its
//! record goes: an [`Action`] per detector id or category, from the
//! policy's `[redact]` table and the command line (`--action`).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::Serialize;
use toml::de::{DeTable, DeValue};

use crate::detect::Detectors;
use crate::error::{Error, Result};

/// What is done to a value. Ordered by how much of the record it takes
/// away: when two actions apply to overlapping values, the stronger wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// The value masked as evidence is (`j***@e***.com`).
    Mask,
    /// A keyed HMAC-SHA-256 token (`personal_3fa9c0d2e1b4a5f6`).
    Pseudonymize,
    /// The value removed (a JSON member removed whole).
    Remove,
    /// The whole record left out of the copy (counted).
    DropRecord,
}

impl Action {
    pub const ALL: [Action; 4] = [
        Action::Mask,
        Action::Pseudonymize,
        Action::Remove,
        Action::DropRecord,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Mask => "mask",
            Action::Pseudonymize => "pseudonymize",
            Action::Remove => "remove",
            Action::DropRecord => "drop-record",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Action {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Action::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown action '{s}' (expected one of {})",
                    Action::ALL.map(Action::as_str).join(", ")
                )
            })
    }
}

/// The action of each detector id and category; `default` for the rest.
/// A detector id (`personal.email`, it has a dot) wins over its category
/// (`personal`).
#[derive(Debug, Clone, Serialize)]
pub struct Actions {
    pub default: Action,
    pub by_target: BTreeMap<String, Action>,
}

impl Default for Actions {
    fn default() -> Self {
        Actions {
            default: Action::Mask,
            by_target: BTreeMap::new(),
        }
    }
}

impl Actions {
    pub fn of(&self, detector: &str, category: &str) -> Action {
        self.by_target
            .get(detector)
            .or_else(|| self.by_target.get(category))
            .copied()
            .unwrap_or(self.default)
    }

    /// Set the action of `target` (a detector id, a category, or
    /// `default`).
    pub fn set(&mut self, target: &str, action: Action) {
        if target == "default" {
            self.default = action;
        } else {
            self.by_target.insert(target.to_string(), action);
        }
    }

    /// `TARGET=ACTION` as `--action` takes it.
    pub fn set_arg(&mut self, arg: &str) -> Result<()> {
        let (target, action) = arg.split_once('=').ok_or_else(|| {
            Error::config(
                "--action",
                format!("'{arg}': write CATEGORY=ACTION or DETECTOR=ACTION"),
            )
        })?;
        let action = action
            .trim()
            .parse()
            .map_err(|e| Error::config("--action", format!("'{arg}': {e}")))?;
        self.set(target.trim(), action);
        Ok(())
    }

    /// The `[redact]` table of a policy file (`place` names it), if it has
    /// one: `default = "mask"`, `personal = "pseudonymize"`,
    /// `"secret.aws_key" = "remove"`. Errors name the file and line.
    pub fn from_policy(&mut self, text: &str, place: &str) -> Result<()> {
        let at = |span: std::ops::Range<usize>| {
            let line = 1 + text[..span.start.min(text.len())]
                .bytes()
                .filter(|&b| b == b'\n')
                .count();
            format!("{place}:{line}")
        };
        let root = DeTable::parse(text).map_err(|e| {
            Error::config(at(e.span().unwrap_or(0..0)), e.message().trim().to_string())
        })?;
        let Some(table) = root.get_ref().get("redact") else {
            return Ok(());
        };
        let DeValue::Table(t) = table.get_ref() else {
            return Err(Error::config(
                at(table.span()),
                "redact: expected a table ([redact] with CATEGORY = \"ACTION\")",
            ));
        };
        for (k, v) in t.iter() {
            let DeValue::String(s) = v.get_ref() else {
                return Err(Error::config(
                    at(v.span()),
                    format!("redact.{}: expected a string action", k.get_ref()),
                ));
            };
            let action: Action = s.parse().map_err(|e: String| {
                Error::config(at(v.span()), format!("redact.{}: {e}", k.get_ref()))
            })?;
            self.set(k.get_ref(), action);
        }
        Ok(())
    }

    /// Every target names a category or detector the scan's rule packs
    /// have: a misspelt one would silently do nothing.
    pub fn check(&self, det: &Detectors) -> Result<()> {
        for target in self.by_target.keys() {
            let known = det
                .rules
                .iter()
                .any(|r| &r.id == target || &r.category == target);
            if !known {
                return Err(Error::config(
                    "redact",
                    format!(
                        "'{target}' is neither a category nor a detector id of the loaded rule packs"
                    ),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_detector_wins_over_its_category() {
        let mut a = Actions::default();
        a.set_arg("personal=pseudonymize").unwrap();
        a.set_arg("personal.email=remove").unwrap();
        assert_eq!(a.of("personal.email", "personal"), Action::Remove);
        assert_eq!(a.of("personal.phone", "personal"), Action::Pseudonymize);
        assert_eq!(a.of("secret.aws", "secret"), Action::Mask);
        assert!(a.set_arg("personal").is_err());
        assert!(a.set_arg("personal=shred").is_err());
    }

    #[test]
    fn policy_errors_name_file_and_line() {
        let mut a = Actions::default();
        let text = "name = \"x\"\n\n[redact]\ndefault = \"remove\"\nsecret = \"burn\"\n";
        let e = a.from_policy(text, "p.toml").unwrap_err().to_string();
        assert!(e.starts_with("p.toml:5:"), "{e}");
        assert!(e.contains("unknown action 'burn'"), "{e}");
        let mut a = Actions::default();
        a.from_policy(
            "[redact]\ndefault = \"remove\"\n\"personal.email\" = \"pseudonymize\"\n",
            "p",
        )
        .unwrap();
        assert_eq!(a.default, Action::Remove);
        assert_eq!(a.of("personal.email", "personal"), Action::Pseudonymize);
    }
}
