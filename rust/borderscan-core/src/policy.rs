//! Residency policy as code: a TOML file of jurisdiction groups, rules of
//! the form "these categories from these origins may only go to (or may
//! never go to) these destinations", severities, and exceptions with owner,
//! reason and expiry. The format is documented in `docs/policy.md` and
//! published as a JSON Schema; errors name the file, line and column.

use std::collections::BTreeMap;
use std::fmt;

use globset::{Glob, GlobBuilder, GlobMatcher, GlobSet, GlobSetBuilder};
use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::cloud::{host_glob, specificity};
use crate::country::{
    CountryId, CountrySet, INDETERMINATE, UNKNOWN, builtin_groups, countries, expand_group,
};
use crate::error::{Error, Result};
use crate::resolve::{Overrides, Source};

/// The presets shipped in the binary, by name.
pub const PRESETS: &[(&str, &str)] = &[
    ("default", include_str!("../policies/default.toml")),
    (
        "cn-industrial-export",
        include_str!("../policies/cn-industrial-export.toml"),
    ),
    ("eu-gdpr", include_str!("../policies/eu-gdpr.toml")),
    ("jp-appi", include_str!("../policies/jp-appi.toml")),
    ("vn-pdp", include_str!("../policies/vn-pdp.toml")),
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

// ---- the file as written -------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    name: Spanned<String>,
    version: String,
    description: String,
    sources: Spanned<Vec<String>>,
    #[serde(default)]
    unknown_destination: Option<UnknownAs>,
    #[serde(default)]
    groups: BTreeMap<String, Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    origins: OriginsSpec,
    #[serde(default)]
    destinations: DestinationsSpec,
    #[serde(default)]
    rule: Vec<Spanned<RuleSpec>>,
    #[serde(default)]
    exception: Vec<Spanned<ExceptionSpec>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct OriginsSpec {
    default: Option<Spanned<String>>,
    #[serde(default)]
    sites: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    paths: BTreeMap<String, Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct DestinationsSpec {
    #[serde(default)]
    hosts: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    cidrs: BTreeMap<String, Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSpec {
    id: Spanned<String>,
    description: String,
    categories: Spanned<Vec<String>>,
    #[serde(default)]
    detectors: Vec<Spanned<String>>,
    #[serde(default)]
    origins: Option<Vec<Spanned<String>>>,
    allow: Option<Vec<Spanned<String>>>,
    deny: Option<Vec<Spanned<String>>>,
    severity: Severity,
    unknown_destination: Option<UnknownAs>,
    source: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExceptionSpec {
    rule: Spanned<String>,
    owner: String,
    reason: String,
    expires: Spanned<toml::value::Datetime>,
    destinations: Option<Vec<Spanned<String>>>,
    hosts: Option<Vec<Spanned<String>>>,
    categories: Option<Vec<String>>,
    origins: Option<Vec<Spanned<String>>>,
    detectors: Option<Vec<Spanned<String>>>,
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
    fn contains(&self, c: CountryId, origin: CountryId) -> bool {
        self.any || self.set.contains(c) || (self.origin && c == origin && origin != UNKNOWN)
    }

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
    host_set: Option<GlobSet>,
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

    fn matches(&self, f: &Subject) -> bool {
        self.categories
            .as_ref()
            .is_none_or(|c| c.iter().any(|c| c == f.category))
            && self
                .detector_set
                .as_ref()
                .is_none_or(|s| s.is_match(f.detector))
            && self
                .origins
                .as_ref()
                .is_none_or(|o| f.origin != UNKNOWN && o.contains(f.origin, f.origin))
            && self
                .destinations
                .as_ref()
                .is_none_or(|d| d.contains(f.dest, f.origin))
            && self
                .host_set
                .as_ref()
                .is_none_or(|s| f.host.is_some_and(|h| s.is_match(h)))
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
}

/// Line and column (1-based) of a byte offset.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rfind('\n')
        .map_or(before.len(), |i| before.len() - i - 1)
        + 1;
    (line, col)
}

struct Ctx<'a> {
    text: &'a str,
    place: &'a str,
    /// The policy's own groups as written (for expansion).
    groups: BTreeMap<String, Vec<String>>,
}

impl Ctx<'_> {
    fn err(&self, span: std::ops::Range<usize>, msg: impl fmt::Display) -> Error {
        let (l, c) = line_col(self.text, span.start);
        Error::config(format!("{}:{l}:{c}", self.place), msg.to_string())
    }

    fn country(&self, s: &Spanned<String>, what: &str) -> Result<CountryId> {
        countries().lookup(s.get_ref()).ok_or_else(|| {
            self.err(
                s.span(),
                format!(
                    "{what}: unknown country code '{}' (use ISO 3166-1 alpha-2 codes such as DE)",
                    s.get_ref()
                ),
            )
        })
    }

    /// Expand a list of codes and groups; `tokens` are the `@origin` /
    /// `@any` words allowed in this position.
    fn places(&self, list: &[Spanned<String>], what: &str, tokens: &[&str]) -> Result<Places> {
        let mut p = Places::default();
        for item in list {
            let s = item.get_ref().as_str();
            p.written.push(s.to_string());
            match s.strip_prefix('@') {
                Some("origin") if tokens.contains(&"@origin") => p.origin = true,
                Some("any") if tokens.contains(&"@any") => p.any = true,
                Some(g) => {
                    let set = if self.groups.contains_key(g) {
                        expand_group(g, &self.groups, Some(builtin_groups()), &mut Vec::new())
                            .map_err(|e| self.err(item.span(), format!("{what}: {e}")))?
                    } else if let Some(b) = builtin_groups().get(g) {
                        b.members
                    } else {
                        let known: Vec<String> = builtin_groups()
                            .keys()
                            .chain(self.groups.keys())
                            .map(|k| format!("@{k}"))
                            .chain(tokens.iter().map(|t| t.to_string()))
                            .collect();
                        return Err(self.err(
                            item.span(),
                            format!("{what}: unknown group '{s}' (known: {})", known.join(", ")),
                        ));
                    };
                    p.set.union(&set);
                }
                None => p.set.insert(self.country(item, what)?),
            }
        }
        p.countries = p.codes().iter().map(|c| c.to_string()).collect();
        Ok(p)
    }

    fn globs(&self, list: &[Spanned<String>], what: &str, host: bool) -> Result<GlobSet> {
        let mut b = GlobSetBuilder::new();
        for g in list {
            let glob = if host {
                host_glob(g.get_ref())
            } else {
                Glob::new(g.get_ref())
            }
            .map_err(|e| self.err(g.span(), format!("{what}: {e}")))?;
            b.add(glob);
        }
        b.build()
            .map_err(|e| Error::config(self.place.to_string(), e.to_string()))
    }
}

/// Today's date (UTC) as `YYYY-MM-DD`, for exception expiry.
pub fn today_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    // Days since 1970-01-01 to a civil date (H. Hinnant's algorithm).
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

impl Policy {
    /// A shipped preset by name.
    pub fn preset(name: &str, today: &str) -> Result<Self> {
        let Some((_, text)) = PRESETS.iter().find(|(n, _)| *n == name) else {
            let names: Vec<&str> = PRESETS.iter().map(|(n, _)| *n).collect();
            return Err(Error::config(
                "--preset",
                format!("unknown preset '{name}' (presets: {})", names.join(", ")),
            ));
        };
        Self::parse(text, &format!("preset:{name}"), today)
    }

    pub fn builtin() -> Self {
        Self::preset("default", &today_utc()).expect("the default preset is valid")
    }

    /// Parse and check a policy; `place` names it in errors, `today`
    /// (`YYYY-MM-DD`) decides which exceptions have expired.
    pub fn parse(text: &str, place: &str, today: &str) -> Result<Self> {
        let file: PolicyFile = toml::from_str(text).map_err(|e| {
            let at = e.span().map_or((1, 1), |s| line_col(text, s.start));
            Error::config(
                format!("{place}:{}:{}", at.0, at.1),
                e.message().trim().to_string(),
            )
        })?;
        let ctx = Ctx {
            text,
            place,
            groups: file
                .groups
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.get_ref().iter().map(|s| s.get_ref().clone()).collect(),
                    )
                })
                .collect(),
        };
        let name = file.name.get_ref();
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(ctx.err(
                file.name.span(),
                "name: use lower-case letters, digits and '-'",
            ));
        }
        if file.sources.get_ref().is_empty() {
            return Err(ctx.err(
                file.sources.span(),
                "sources: name at least one public text the policy follows",
            ));
        }
        let mut groups = BTreeMap::new();
        for (g, members) in &file.groups {
            let valid = g.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
                && g.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
            if !valid {
                return Err(ctx.err(
                    members.span(),
                    format!("group '{g}': names are UPPER_SNAKE"),
                ));
            }
            if builtin_groups().contains_key(g) {
                return Err(ctx.err(
                    members.span(),
                    format!("group '{g}' is built in; choose another name"),
                ));
            }
            let p = ctx.places(members.get_ref(), &format!("group {g}"), &[])?;
            groups.insert(g.clone(), p.codes().iter().map(|c| c.to_string()).collect());
        }
        let default_unknown = file.unknown_destination.unwrap_or(UnknownAs::Unknown);
        let mut rules: Vec<Rule> = Vec::new();
        for r in &file.rule {
            let span = r.span();
            let r = r.get_ref();
            let id = r.id.get_ref();
            let what = format!("rule '{id}'");
            if id.is_empty()
                || !id.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.')
                })
            {
                return Err(ctx.err(
                    r.id.span(),
                    format!("{what}: ids use lower-case letters, digits, '.', '_' and '-'"),
                ));
            }
            if rules.iter().any(|o| &o.id == id) {
                return Err(ctx.err(r.id.span(), format!("{what}: duplicate rule id")));
            }
            if r.categories.get_ref().is_empty() {
                return Err(ctx.err(
                    r.categories.span(),
                    format!("{what}: categories must not be empty"),
                ));
            }
            let (kind, list) = match (&r.allow, &r.deny) {
                (Some(a), None) => (RuleKind::Allow, a),
                (None, Some(d)) => (RuleKind::Deny, d),
                _ => {
                    return Err(ctx.err(
                        span,
                        format!("{what}: give exactly one of allow (may only go to) or deny (may never go to)"),
                    ));
                }
            };
            let tokens: &[&str] = match kind {
                RuleKind::Allow => &["@origin"],
                RuleKind::Deny => &["@any"],
            };
            let places = ctx.places(list, &what, tokens)?;
            let origins = r
                .origins
                .as_ref()
                .map(|o| ctx.places(o, &format!("{what} origins"), &[]))
                .transpose()?;
            rules.push(Rule {
                id: id.clone(),
                description: r.description.clone(),
                categories: r.categories.get_ref().clone(),
                detectors: r.detectors.iter().map(|d| d.get_ref().clone()).collect(),
                detector_set: if r.detectors.is_empty() {
                    None
                } else {
                    Some(ctx.globs(&r.detectors, &what, false)?)
                },
                origins,
                kind,
                places,
                severity: r.severity,
                unknown_destination: r.unknown_destination.unwrap_or(default_unknown),
                source: r.source.clone(),
            });
        }
        if rules.is_empty() {
            return Err(Error::config(
                place.to_string(),
                "a policy needs at least one [[rule]]",
            ));
        }
        if rules.len() > u16::MAX as usize {
            return Err(Error::config(place.to_string(), "too many rules"));
        }
        let mut exceptions = Vec::new();
        for x in &file.exception {
            let x = x.get_ref();
            let rule_id = x.rule.get_ref();
            let what = format!("exception for rule '{rule_id}'");
            let Some(rule_index) = rules.iter().position(|r| &r.id == rule_id) else {
                return Err(ctx.err(
                    x.rule.span(),
                    format!("{what}: no such rule in this policy"),
                ));
            };
            let exp = x.expires.get_ref();
            let (Some(date), None) = (exp.date, exp.time) else {
                return Err(ctx.err(
                    x.expires.span(),
                    format!("{what}: expires must be a date such as 2027-03-31"),
                ));
            };
            let expires = date.to_string();
            exceptions.push(Exception {
                rule: rule_id.clone(),
                rule_index,
                owner: x.owner.clone(),
                reason: x.reason.clone(),
                expired: today > expires.as_str(),
                expires,
                destinations: x
                    .destinations
                    .as_ref()
                    .map(|d| ctx.places(d, &what, &[]))
                    .transpose()?,
                hosts: x
                    .hosts
                    .as_ref()
                    .map(|h| h.iter().map(|s| s.get_ref().clone()).collect()),
                host_set: x
                    .hosts
                    .as_ref()
                    .map(|h| ctx.globs(h, &what, true))
                    .transpose()?,
                categories: x.categories.clone(),
                origins: x
                    .origins
                    .as_ref()
                    .map(|o| ctx.places(o, &what, &[]))
                    .transpose()?,
                detectors: x
                    .detectors
                    .as_ref()
                    .map(|d| d.iter().map(|s| s.get_ref().clone()).collect()),
                detector_set: x
                    .detectors
                    .as_ref()
                    .map(|d| ctx.globs(d, &what, false))
                    .transpose()?,
            });
        }
        let o = &file.origins;
        let origin_default_id = o
            .default
            .as_ref()
            .map(|d| ctx.country(d, "origins.default"))
            .transpose()?;
        let mut origin_sites = Vec::new();
        for (pat, c) in &o.sites {
            let id = ctx.country(c, &format!("origins.sites '{pat}'"))?;
            let matcher = GlobBuilder::new(pat)
                .case_insensitive(true)
                .literal_separator(false)
                .build()
                .map_err(|e| ctx.err(c.span(), format!("origins.sites '{pat}': {e}")))?
                .compile_matcher();
            origin_sites.push(SiteMapping {
                pattern: pat.clone(),
                country: c.get_ref().to_ascii_uppercase(),
                matcher,
                id,
            });
        }
        origin_sites.sort_by_key(|m| specificity(&m.pattern));
        let mut paths: Vec<(&String, &Spanned<String>)> = o.paths.iter().collect();
        paths.sort_by_key(|(p, _)| specificity(p));
        let mut origin_paths = Vec::new();
        let mut pb = GlobSetBuilder::new();
        for (pat, c) in paths {
            let id = ctx.country(c, &format!("origins.paths '{pat}'"))?;
            let glob = Glob::new(pat)
                .map_err(|e| ctx.err(c.span(), format!("origins.paths '{pat}': {e}")))?;
            pb.add(glob.clone());
            origin_paths.push(SiteMapping {
                pattern: pat.clone(),
                country: c.get_ref().to_ascii_uppercase(),
                matcher: glob.compile_matcher(),
                id,
            });
        }
        let path_set = pb
            .build()
            .map_err(|e| Error::config(place.to_string(), e.to_string()))?;
        let d = &file.destinations;
        let mut destination_hosts = Vec::new();
        for (h, c) in &d.hosts {
            ctx.country(c, &format!("destinations.hosts '{h}'"))?;
            host_glob(h)
                .map_err(|e| ctx.err(c.span(), format!("destinations.hosts '{h}': {e}")))?;
            destination_hosts.push((h.clone(), c.get_ref().to_ascii_uppercase()));
        }
        let mut destination_cidrs = Vec::new();
        for (n, c) in &d.cidrs {
            ctx.country(c, &format!("destinations.cidrs '{n}'"))?;
            n.parse::<IpNet>().map_err(|e| {
                ctx.err(
                    c.span(),
                    format!("destinations.cidrs '{n}': not a CIDR range ({e})"),
                )
            })?;
            destination_cidrs.push((n.clone(), c.get_ref().to_ascii_uppercase()));
        }
        Ok(Policy {
            name: name.clone(),
            version: file.version,
            description: file.description,
            sources: file.sources.into_inner(),
            unknown_destination: default_unknown,
            groups,
            rules,
            exceptions,
            origin_default: origin_default_id.map(|c| countries().code(c).to_string()),
            origin_sites,
            origin_paths,
            destination_hosts,
            destination_cidrs,
            place: place.to_string(),
            origin_default_id,
            path_set,
        })
    }

    /// The destination overrides, as the resolver's first step.
    pub fn overrides(&self) -> Result<Overrides> {
        let c = countries();
        Overrides::new(
            self.destination_hosts
                .iter()
                .map(|(h, cc)| (h.clone(), c.lookup(cc).expect("checked at parse")))
                .collect(),
            self.destination_cidrs
                .iter()
                .map(|(n, cc)| {
                    (
                        n.parse().expect("checked at parse"),
                        c.lookup(cc).expect("checked at parse"),
                    )
                })
                .collect(),
        )
    }

    /// The origin a path mapping gives files at `path`.
    pub fn path_origin(&self, path: &str) -> Option<CountryId> {
        self.path_set
            .matches(path)
            .first()
            .map(|&i| self.origin_paths[i].id)
    }

    /// A record's origin country: the policy's site mapping, its path
    /// mapping, `--origin`, a site code starting with a country code
    /// (`CN-SZ-02`, `de_muc_4`), the policy's default; else unknown.
    pub fn origin(
        &self,
        site: Option<&str>,
        path_origin: Option<CountryId>,
        cli: Option<CountryId>,
    ) -> (CountryId, Source) {
        if let Some(s) = site
            && let Some(m) = self.origin_sites.iter().find(|m| m.matcher.is_match(s))
        {
            return (m.id, Source::Policy);
        }
        if let Some(c) = path_origin {
            return (c, Source::Policy);
        }
        if let Some(c) = cli {
            return (c, Source::Cli);
        }
        if let Some(c) = site.and_then(site_prefix_country) {
            return (c, Source::SitePrefix);
        }
        if let Some(c) = self.origin_default_id {
            return (c, Source::PolicyDefault);
        }
        (
            UNKNOWN,
            if site.is_some() {
                Source::Unresolved
            } else {
                Source::None
            },
        )
    }

    /// The verdict on one finding: every rule that covers it is checked,
    /// and the worst outcome wins (violation by severity, then unknown,
    /// then exempted, then allowed). A finding no rule covers is allowed.
    pub fn evaluate(&self, f: &Subject) -> Decision {
        let mut best = Decision {
            verdict: Verdict::Allowed,
            severity: None,
            rule: None,
            exception: None,
        };
        let rank = |d: &Decision| (d.verdict, d.severity);
        for (ri, r) in self.rules.iter().enumerate() {
            if !r.categories.iter().any(|c| c == f.category)
                || r.detector_set
                    .as_ref()
                    .is_some_and(|s| !s.is_match(f.detector))
                || r.origins
                    .as_ref()
                    .is_some_and(|o| f.origin == UNKNOWN || !o.contains(f.origin, f.origin))
            {
                continue;
            }
            let unresolved = f.dest == UNKNOWN
                || f.dest == INDETERMINATE
                || (r.kind == RuleKind::Allow
                    && r.places.origin
                    && f.origin == UNKNOWN
                    && !r.places.set.contains(f.dest));
            let mut d = Decision {
                verdict: Verdict::Allowed,
                severity: None,
                rule: Some(ri as u16),
                exception: None,
            };
            if unresolved {
                if r.unknown_destination == UnknownAs::Violation {
                    d.verdict = Verdict::Violation;
                    d.severity = Some(r.severity);
                } else {
                    d.verdict = Verdict::Unknown;
                }
            } else {
                let listed = r.places.contains(f.dest, f.origin);
                if listed != (r.kind == RuleKind::Allow) {
                    d.verdict = Verdict::Violation;
                    d.severity = Some(r.severity);
                }
            }
            if d.verdict != Verdict::Allowed {
                let mut expired = None;
                for (xi, x) in self.exceptions.iter().enumerate() {
                    if x.rule_index != ri || !x.matches(f) {
                        continue;
                    }
                    if x.expired {
                        expired.get_or_insert(xi as u16);
                    } else {
                        d.verdict = Verdict::Exempted;
                        d.severity.get_or_insert(r.severity);
                        d.exception = Some(xi as u16);
                        break;
                    }
                }
                if d.verdict != Verdict::Exempted {
                    d.exception = expired;
                }
            }
            if best.rule.is_none() || rank(&d) > rank(&best) {
                best = d;
            }
        }
        best
    }
}

/// The country a site code starts with: `CN-SZ-02`, `de_muc_4`, `JP.NGO`.
pub fn site_prefix_country(site: &str) -> Option<CountryId> {
    let b = site.as_bytes();
    if b.len() < 4 || !matches!(b[2], b'-' | b'_' | b'.' | b'/' | b':' | b' ') {
        return None;
    }
    countries().lookup(&site[..2])
}

#[cfg(test)]
mod tests {
    #[test]
    fn all_in_declaration_order() {
        for (i, v) in super::Verdict::ALL.iter().enumerate() {
            assert_eq!(*v as usize, i);
        }
        for (i, s) in super::Severity::ALL.iter().enumerate() {
            assert_eq!(*s as usize, i);
        }
        for (i, s) in crate::resolve::Source::ALL.iter().enumerate() {
            assert_eq!(*s as usize, i);
        }
    }

    use super::*;

    fn id(c: &str) -> CountryId {
        countries().lookup(c).unwrap()
    }

    const POLICY: &str = r#"
name = "t"
version = "1"
description = "test"
sources = ["test"]

[groups]
HOME = ["DE", "@EEA"]

[origins]
sites = { "PLANT-7*" = "VN" }

[[rule]]
id = "personal-home"
description = "personal data stays home"
categories = ["personal"]
origins = ["@HOME"]
allow = ["@HOME", "JP"]
severity = "high"

[[rule]]
id = "secrets"
description = "no secrets anywhere"
categories = ["secret"]
deny = ["@any"]
severity = "critical"
unknown_destination = "violation"

[[rule]]
id = "sensor-in-country"
description = "sensor data stays in its country"
categories = ["sensor"]
allow = ["@origin"]
severity = "low"

[[exception]]
rule = "personal-home"
owner = "dpo@example.com"
reason = "SCCs with vendor"
expires = 2999-12-31
destinations = ["US"]
hosts = ["*.vendor.example"]

[[exception]]
rule = "personal-home"
owner = "old@example.com"
reason = "old contract"
expires = 2001-01-01
destinations = ["CN"]
"#;

    fn subj<'a>(cat: &'a str, o: &str, d: &str, host: Option<&'a str>) -> Subject<'a> {
        let c = |s: &str| match s {
            "?" => UNKNOWN,
            "*" => INDETERMINATE,
            s => id(s),
        };
        Subject {
            category: cat,
            detector: "x.y",
            origin: c(o),
            dest: c(d),
            host,
        }
    }

    #[test]
    fn verdicts() {
        let p = Policy::parse(POLICY, "t.toml", "2026-11-23").unwrap();
        let v = |s: Subject| {
            let d = p.evaluate(&s);
            (
                d.verdict,
                d.severity,
                d.rule.map(|r| p.rules[r as usize].id.clone()),
            )
        };
        use Verdict::*;
        assert_eq!(v(subj("personal", "DE", "FR", None)).0, Allowed);
        assert_eq!(v(subj("personal", "DE", "JP", None)).0, Allowed);
        assert_eq!(
            v(subj("personal", "DE", "US", None)),
            (
                Violation,
                Some(Severity::High),
                Some("personal-home".into())
            )
        );
        // The exception covers US only through the vendor's hosts.
        let d = p.evaluate(&subj("personal", "DE", "US", Some("api.vendor.example")));
        assert_eq!((d.verdict, d.exception), (Exempted, Some(0)));
        // An expired exception no longer applies, and is named.
        let d = p.evaluate(&subj("personal", "DE", "CN", None));
        assert_eq!((d.verdict, d.exception), (Violation, Some(1)));
        assert!(p.exceptions[1].expired && !p.exceptions[0].expired);
        // Not from a HOME origin: the rule does not apply.
        assert_eq!(v(subj("personal", "CN", "US", None)), (Allowed, None, None));
        assert_eq!(v(subj("personal", "?", "US", None)).0, Allowed);
        assert_eq!(v(subj("personal", "DE", "?", None)).0, Unknown);
        assert_eq!(v(subj("personal", "DE", "*", None)).0, Unknown);
        // Unknown destinations count as violations where the rule says so.
        assert_eq!(v(subj("secret", "?", "?", None)).0, Violation);
        assert_eq!(v(subj("secret", "DE", "DE", None)).0, Violation);
        assert_eq!(v(subj("sensor", "CN", "CN", None)).0, Allowed);
        assert_eq!(v(subj("sensor", "CN", "DE", None)).0, Violation);
        assert_eq!(v(subj("sensor", "?", "DE", None)).0, Unknown);
        assert_eq!(v(subj("quality", "CN", "DE", None)), (Allowed, None, None));
    }

    #[test]
    fn exceptions_expire_by_date() {
        let p = Policy::parse(POLICY, "t.toml", "3000-01-01").unwrap();
        assert!(p.exceptions[0].expired);
        let d = p.evaluate(&subj("personal", "DE", "US", Some("api.vendor.example")));
        assert_eq!((d.verdict, d.exception), (Verdict::Violation, Some(0)));
        // The last valid day still applies.
        let p = Policy::parse(POLICY, "t.toml", "2999-12-31").unwrap();
        assert!(!p.exceptions[0].expired);
    }

    #[test]
    fn origins() {
        let p = Policy::parse(POLICY, "t.toml", "2026-11-23").unwrap();
        assert_eq!(
            p.origin(Some("PLANT-7A"), None, None),
            (id("VN"), Source::Policy)
        );
        assert_eq!(
            p.origin(Some("CN-SZ-02"), None, None),
            (id("CN"), Source::SitePrefix)
        );
        assert_eq!(
            p.origin(Some("de_muc_4"), None, None),
            (id("DE"), Source::SitePrefix)
        );
        assert_eq!(
            p.origin(Some("CN-SZ-02"), None, Some(id("JP"))),
            (id("JP"), Source::Cli)
        );
        assert_eq!(
            p.origin(Some("XX-1"), None, None),
            (UNKNOWN, Source::Unresolved)
        );
        assert_eq!(p.origin(None, None, None), (UNKNOWN, Source::None));
        assert_eq!(site_prefix_country("CNC-7"), None);
    }

    #[test]
    fn errors_name_line_and_column() {
        let bad = POLICY.replace(
            r#"allow = ["@HOME", "JP"]"#,
            r#"allow = ["@HOME", "Japan"]"#,
        );
        let line_of =
            |text: &str, needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
        let e = Policy::parse(&bad, "p.toml", "2026-11-23")
            .unwrap_err()
            .to_string();
        let want = format!("p.toml:{}:19:", line_of(&bad, "Japan"));
        assert!(e.starts_with(&want), "{e}");
        assert!(e.contains("Japan"), "{e}");
        let bad = POLICY.replace(r#"severity = "low""#, r#"severity = "urgent""#);
        let e = Policy::parse(&bad, "p.toml", "2026-11-23")
            .unwrap_err()
            .to_string();
        let want = format!("p.toml:{}:", line_of(&bad, "urgent"));
        assert!(e.starts_with(&want), "{e}");
        let bad = POLICY.replace("deny = [\"@any\"]", "deny = [\"@any\"]\nallow = [\"DE\"]");
        let e = Policy::parse(&bad, "p.toml", "2026-11-23")
            .unwrap_err()
            .to_string();
        assert!(e.contains("exactly one of allow"), "{e}");
        let bad = POLICY.replace("expires = 2999-12-31", "");
        let e = Policy::parse(&bad, "p.toml", "2026-11-23")
            .unwrap_err()
            .to_string();
        assert!(e.contains("expires"), "{e}");
        let bad = POLICY.replace("version = \"1\"", "version = \"1\"\ncolour = 1");
        let e = Policy::parse(&bad, "p.toml", "2026-11-23")
            .unwrap_err()
            .to_string();
        assert!(e.contains("colour"), "{e}");
        let bad = POLICY.replace(
            "rule = \"personal-home\"\nowner = \"old",
            "rule = \"nope\"\nowner = \"old",
        );
        let e = Policy::parse(&bad, "p.toml", "2026-11-23")
            .unwrap_err()
            .to_string();
        assert!(e.contains("no such rule"), "{e}");
    }

    #[test]
    fn presets_load() {
        for (name, _) in PRESETS {
            let p = Policy::preset(name, "2026-11-23").unwrap();
            assert_eq!(&p.name, name);
        }
        assert!(Policy::preset("nope", "2026-11-23").is_err());
    }

    #[test]
    fn the_most_specific_pattern_wins() {
        let text = POLICY.replace(
            r#"sites = { "PLANT-7*" = "VN" }"#,
            r#"sites = { "*" = "JP", "PLANT-7*" = "VN", "PLANT-7B" = "KR" }"#,
        );
        let p = Policy::parse(&text, "t.toml", "2026-11-23").unwrap();
        assert_eq!(p.origin(Some("PLANT-7B"), None, None).0, id("KR"));
        assert_eq!(p.origin(Some("PLANT-7C"), None, None).0, id("VN"));
        assert_eq!(p.origin(Some("OTHER"), None, None).0, id("JP"));
        let o = Overrides::new(
            vec![
                ("*.example".into(), id("US")),
                ("api.vendor.example".into(), id("DE")),
                ("*.vendor.example".into(), id("FR")),
            ],
            vec![],
        )
        .unwrap();
        let r = crate::resolve::Resolver {
            overrides: o,
            geoip: None,
        };
        assert_eq!(r.resolve("https://api.vendor.example/").country, id("DE"));
        assert_eq!(r.resolve("https://x.vendor.example/").country, id("FR"));
        assert_eq!(r.resolve("https://x.example/").country, id("US"));
    }

    #[test]
    fn today_is_a_date() {
        let t = today_utc();
        assert_eq!(t.len(), 10);
        assert!(t.as_str() > "2025-01-01");
    }
}
