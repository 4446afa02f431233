//! Residency policy as code: a TOML file of jurisdiction groups, rules of
//! the form "these categories from these origins may only go to (or may
//! never go to) these destinations", severities, and exceptions with owner,
//! reason and expiry. The format is documented in `docs/policy.md` and
//! published as a JSON Schema; errors name the file, line and column.

mod evaluate;
mod names;
mod parse;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use globset::{GlobMatcher, GlobSet};
use serde::{Deserialize, Serialize};

use crate::country::{CountryId, CountrySet, countries};
use crate::resolve::{HostMatcher, HostPlaces};

pub use evaluate::site_prefix_country;
pub use names::{Names, did_you_mean};
pub use parse::today_utc;

/// The presets shipped in the binary, by name.
pub const PRESETS: &[(&str, &str)] = &[
    ("default", include_str!("../../policies/default.toml")),
    (
        "cn-industrial-export",
        include_str!("../../policies/cn-industrial-export.toml"),
    ),
    ("eu-gdpr", include_str!("../../policies/eu-gdpr.toml")),
    ("jp-appi", include_str!("../../policies/jp-appi.toml")),
    ("vn-pdp", include_str!("../../policies/vn-pdp.toml")),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// Every severity, in declaration order (`ALL[s as usize] == s`).
    pub const ALL: [Severity; 4] = [
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Allowed,
    Exempted,
    Unknown,
    Violation,
}

impl Verdict {
    /// Every verdict, in declaration order (`ALL[v as usize] == v`).
    pub const ALL: [Verdict; 4] = [
        Verdict::Allowed,
        Verdict::Exempted,
        Verdict::Unknown,
        Verdict::Violation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Allowed => "allowed",
            Verdict::Exempted => "exempted",
            Verdict::Unknown => "unknown",
            Verdict::Violation => "violation",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UnknownAs {
    Unknown,
    Violation,
}

// ---- the compiled policy -------------------------------------------------

/// Countries named by a list of codes and groups, as written and expanded.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Places {
    /// As written: `DE`, `@EEA`, `@origin`, `@any`.
    pub written: Vec<String>,
    #[serde(skip)]
    pub set: CountrySet,
    /// `@origin`: the record's own origin country.
    pub origin: bool,
    /// `@any`: every resolved country.
    pub any: bool,
    /// The countries the codes and groups expand to.
    pub countries: Vec<String>,
}

impl Places {
    /// Expanded country codes, for `policy check`.
    pub fn codes(&self) -> Vec<&'static str> {
        self.set.iter().map(|c| countries().code(c)).collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleKind {
    /// May only go to the listed places.
    Allow,
    /// May never go to the listed places.
    Deny,
}

#[derive(Debug, Clone, Serialize)]
pub struct Rule {
    pub id: String,
    pub description: String,
    pub categories: Vec<String>,
    pub detectors: Vec<String>,
    #[serde(skip)]
    detector_set: Option<GlobSet>,
    /// None: any origin.
    pub origins: Option<Places>,
    pub kind: RuleKind,
    pub places: Places,
    pub severity: Severity,
    pub unknown_destination: UnknownAs,
    pub source: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Exception {
    pub rule: String,
    #[serde(skip)]
    rule_index: usize,
    pub owner: String,
    pub reason: String,
    pub expires: String,
    /// Past its expiry date on the day the policy was loaded: it no longer
    /// applies, and findings it would have covered say so.
    pub expired: bool,
    pub destinations: Option<Places>,
    pub hosts: Option<Vec<String>>,
    #[serde(skip)]
    host_set: Option<HostMatcher>,
    pub categories: Option<Vec<String>>,
    pub origins: Option<Places>,
    pub detectors: Option<Vec<String>>,
    #[serde(skip)]
    detector_set: Option<GlobSet>,
}

impl Exception {
    /// `owner: reason (expires 2027-03-01)`, as findings show it.
    pub fn label(&self) -> String {
        let when = if self.expired { "expired" } else { "expires" };
        format!("{}: {} ({when} {})", self.owner, self.reason, self.expires)
    }
}

/// What a policy evaluates: one finding's category, detector and flow.
pub struct Subject<'a> {
    pub category: &'a str,
    pub detector: &'a str,
    pub origin: CountryId,
    pub dest: CountryId,
    pub host: Option<&'a str>,
}

/// The verdict on one finding and what decided it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub verdict: Verdict,
    /// Violations; exempted findings keep the severity they would have had.
    pub severity: Option<Severity>,
    /// Index of the deciding rule.
    pub rule: Option<u16>,
    /// Index of the exception that exempted it, or of an expired one that
    /// would have.
    pub exception: Option<u16>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SiteMapping {
    pub pattern: String,
    pub country: String,
    #[serde(skip)]
    matcher: GlobMatcher,
    #[serde(skip)]
    id: CountryId,
}

#[derive(Debug, Clone, Serialize)]
pub struct Policy {
    pub name: String,
    pub version: String,
    pub description: String,
    pub sources: Vec<String>,
    pub unknown_destination: UnknownAs,
    /// Own groups, expanded to country codes.
    pub groups: BTreeMap<String, Vec<String>>,
    pub rules: Vec<Rule>,
    pub exceptions: Vec<Exception>,
    pub origin_default: Option<String>,
    pub origin_sites: Vec<SiteMapping>,
    pub origin_paths: Vec<SiteMapping>,
    pub destination_hosts: Vec<(String, String)>,
    pub destination_cidrs: Vec<(String, String)>,
    /// Where it came from: `preset:NAME` or the file path.
    pub place: String,
    #[serde(skip)]
    origin_default_id: Option<CountryId>,
    #[serde(skip)]
    path_set: GlobSet,
    /// `destination_hosts` compiled, as the resolver matches them.
    #[serde(skip)]
    host_places: Arc<HostPlaces>,
}
