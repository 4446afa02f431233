//! Reading a policy: the TOML file as written, checked and compiled into a
//! [`Policy`] in small named steps. Every error names the file, line and
//! column of the offending value.

use std::collections::BTreeMap;
use std::fmt;

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use ipnet::IpNet;
use serde::Deserialize;
use toml::Spanned;

use super::{Exception, PRESETS, Places, Policy, Rule, RuleKind, Severity, SiteMapping, UnknownAs};
use crate::cloud::{host_glob, specificity};
use crate::country::{CountryId, builtin_groups, countries, expand_group};
use crate::error::{Error, Result};

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
    ///
    /// The steps run in a fixed order and each stops at its first problem,
    /// so a file with several problems always reports the same one.
    pub fn parse(text: &str, place: &str, today: &str) -> Result<Self> {
        let file = read_toml(text, place)?;
        let ctx = Ctx::new(text, place, &file);
        let name = ctx.name(&file)?;
        let groups = ctx.own_groups(&file)?;
        let default_unknown = file.unknown_destination.unwrap_or(UnknownAs::Unknown);
        let rules = ctx.rules(&file.rule, default_unknown)?;
        let exceptions = ctx.exceptions(&file.exception, &rules, today)?;
        let o = &file.origins;
        let origin_default_id = o
            .default
            .as_ref()
            .map(|d| ctx.country(d, "origins.default"))
            .transpose()?;
        let origin_sites = ctx.origin_sites(o)?;
        let (origin_paths, path_set) = ctx.origin_paths(o)?;
        let (destination_hosts, destination_cidrs) = ctx.destinations(&file.destinations)?;
        Ok(Policy {
            name,
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
}

/// Host or CIDR patterns with the country code each is placed in, as
/// written.
type Placed = Vec<(String, String)>;

/// The file as TOML, with serde's errors placed at their line and column.
fn read_toml(text: &str, place: &str) -> Result<PolicyFile> {
    toml::from_str(text).map_err(|e| {
        let at = e.span().map_or((1, 1), |s| line_col(text, s.start));
        Error::config(
            format!("{place}:{}:{}", at.0, at.1),
            e.message().trim().to_string(),
        )
    })
}

impl<'a> Ctx<'a> {
    fn new(text: &'a str, place: &'a str, file: &PolicyFile) -> Self {
        Ctx {
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
        }
    }
}

impl Ctx<'_> {
    /// The policy's name and the public texts it follows.
    fn name(&self, file: &PolicyFile) -> Result<String> {
        let name = file.name.get_ref();
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(self.err(
                file.name.span(),
                "name: use lower-case letters, digits and '-'",
            ));
        }
        if file.sources.get_ref().is_empty() {
            return Err(self.err(
                file.sources.span(),
                "sources: name at least one public text the policy follows",
            ));
        }
        Ok(name.clone())
    }

    /// The policy's own jurisdiction groups, expanded to country codes.
    fn own_groups(&self, file: &PolicyFile) -> Result<BTreeMap<String, Vec<String>>> {
        let mut groups = BTreeMap::new();
        for (g, members) in &file.groups {
            let valid = g.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
                && g.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
            if !valid {
                return Err(self.err(
                    members.span(),
                    format!("group '{g}': names are UPPER_SNAKE"),
                ));
            }
            if builtin_groups().contains_key(g) {
                return Err(self.err(
                    members.span(),
                    format!("group '{g}' is built in; choose another name"),
                ));
            }
            let p = self.places(members.get_ref(), &format!("group {g}"), &[])?;
            groups.insert(g.clone(), p.codes().iter().map(|c| c.to_string()).collect());
        }
        Ok(groups)
    }

    /// Every `[[rule]]`, checked and compiled, in file order.
    fn rules(&self, specs: &[Spanned<RuleSpec>], default_unknown: UnknownAs) -> Result<Vec<Rule>> {
        let mut rules: Vec<Rule> = Vec::new();
        for r in specs {
            let rule = self.rule(r, &rules, default_unknown)?;
            rules.push(rule);
        }
        if rules.is_empty() {
            return Err(Error::config(
                self.place.to_string(),
                "a policy needs at least one [[rule]]",
            ));
        }
        if rules.len() > u16::MAX as usize {
            return Err(Error::config(self.place.to_string(), "too many rules"));
        }
        Ok(rules)
    }

    /// One rule; `before` are the rules above it (ids are unique).
    fn rule(
        &self,
        r: &Spanned<RuleSpec>,
        before: &[Rule],
        default_unknown: UnknownAs,
    ) -> Result<Rule> {
        let span = r.span();
        let r = r.get_ref();
        let id = r.id.get_ref();
        let what = format!("rule '{id}'");
        if id.is_empty()
            || !id.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.')
            })
        {
            return Err(self.err(
                r.id.span(),
                format!("{what}: ids use lower-case letters, digits, '.', '_' and '-'"),
            ));
        }
        if before.iter().any(|o| &o.id == id) {
            return Err(self.err(r.id.span(), format!("{what}: duplicate rule id")));
        }
        if r.categories.get_ref().is_empty() {
            return Err(self.err(
                r.categories.span(),
                format!("{what}: categories must not be empty"),
            ));
        }
        let (kind, list) = match (&r.allow, &r.deny) {
            (Some(a), None) => (RuleKind::Allow, a),
            (None, Some(d)) => (RuleKind::Deny, d),
            _ => {
                return Err(self.err(
                    span,
                    format!("{what}: give exactly one of allow (may only go to) or deny (may never go to)"),
                ));
            }
        };
        let tokens: &[&str] = match kind {
            RuleKind::Allow => &["@origin"],
            RuleKind::Deny => &["@any"],
        };
        let places = self.places(list, &what, tokens)?;
        let origins = r
            .origins
            .as_ref()
            .map(|o| self.places(o, &format!("{what} origins"), &[]))
            .transpose()?;
        Ok(Rule {
            id: id.clone(),
            description: r.description.clone(),
            categories: r.categories.get_ref().clone(),
            detectors: r.detectors.iter().map(|d| d.get_ref().clone()).collect(),
            detector_set: if r.detectors.is_empty() {
                None
            } else {
                Some(self.globs(&r.detectors, &what, false)?)
            },
            origins,
            kind,
            places,
            severity: r.severity,
            unknown_destination: r.unknown_destination.unwrap_or(default_unknown),
            source: r.source.clone(),
        })
    }

    /// Every `[[exception]]`, tied to the rule it names; `today` decides
    /// which have expired.
    fn exceptions(
        &self,
        specs: &[Spanned<ExceptionSpec>],
        rules: &[Rule],
        today: &str,
    ) -> Result<Vec<Exception>> {
        let mut exceptions = Vec::new();
        for x in specs {
            let x = x.get_ref();
            let rule_id = x.rule.get_ref();
            let what = format!("exception for rule '{rule_id}'");
            let Some(rule_index) = rules.iter().position(|r| &r.id == rule_id) else {
                return Err(self.err(
                    x.rule.span(),
                    format!("{what}: no such rule in this policy"),
                ));
            };
            let exp = x.expires.get_ref();
            let (Some(date), None) = (exp.date, exp.time) else {
                return Err(self.err(
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
                    .map(|d| self.places(d, &what, &[]))
                    .transpose()?,
                hosts: x
                    .hosts
                    .as_ref()
                    .map(|h| h.iter().map(|s| s.get_ref().clone()).collect()),
                host_set: x
                    .hosts
                    .as_ref()
                    .map(|h| self.globs(h, &what, true))
                    .transpose()?,
                categories: x.categories.clone(),
                origins: x
                    .origins
                    .as_ref()
                    .map(|o| self.places(o, &what, &[]))
                    .transpose()?,
                detectors: x
                    .detectors
                    .as_ref()
                    .map(|d| d.iter().map(|s| s.get_ref().clone()).collect()),
                detector_set: x
                    .detectors
                    .as_ref()
                    .map(|d| self.globs(d, &what, false))
                    .transpose()?,
            });
        }
        Ok(exceptions)
    }

    /// `[origins.sites]`: site-code patterns, most specific first.
    fn origin_sites(&self, o: &OriginsSpec) -> Result<Vec<SiteMapping>> {
        let mut origin_sites = Vec::new();
        for (pat, c) in &o.sites {
            let id = self.country(c, &format!("origins.sites '{pat}'"))?;
            let matcher = GlobBuilder::new(pat)
                .case_insensitive(true)
                .literal_separator(false)
                .build()
                .map_err(|e| self.err(c.span(), format!("origins.sites '{pat}': {e}")))?
                .compile_matcher();
            origin_sites.push(SiteMapping {
                pattern: pat.clone(),
                country: c.get_ref().to_ascii_uppercase(),
                matcher,
                id,
            });
        }
        origin_sites.sort_by_key(|m| specificity(&m.pattern));
        Ok(origin_sites)
    }

    /// `[origins.paths]`: path patterns, most specific first, and the set
    /// that matches them all at once.
    fn origin_paths(&self, o: &OriginsSpec) -> Result<(Vec<SiteMapping>, GlobSet)> {
        let mut paths: Vec<(&String, &Spanned<String>)> = o.paths.iter().collect();
        paths.sort_by_key(|(p, _)| specificity(p));
        let mut origin_paths = Vec::new();
        let mut pb = GlobSetBuilder::new();
        for (pat, c) in paths {
            let id = self.country(c, &format!("origins.paths '{pat}'"))?;
            let glob = Glob::new(pat)
                .map_err(|e| self.err(c.span(), format!("origins.paths '{pat}': {e}")))?;
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
            .map_err(|e| Error::config(self.place.to_string(), e.to_string()))?;
        Ok((origin_paths, path_set))
    }

    /// `[destinations]`: hosts and CIDR ranges placed by the policy, kept as
    /// written (the resolver compiles them: [`Policy::overrides`]).
    fn destinations(&self, d: &DestinationsSpec) -> Result<(Placed, Placed)> {
        let mut destination_hosts = Vec::new();
        for (h, c) in &d.hosts {
            self.country(c, &format!("destinations.hosts '{h}'"))?;
            host_glob(h)
                .map_err(|e| self.err(c.span(), format!("destinations.hosts '{h}': {e}")))?;
            destination_hosts.push((h.clone(), c.get_ref().to_ascii_uppercase()));
        }
        let mut destination_cidrs = Vec::new();
        for (n, c) in &d.cidrs {
            self.country(c, &format!("destinations.cidrs '{n}'"))?;
            n.parse::<IpNet>().map_err(|e| {
                self.err(
                    c.span(),
                    format!("destinations.cidrs '{n}': not a CIDR range ({e})"),
                )
            })?;
            destination_cidrs.push((n.clone(), c.get_ref().to_ascii_uppercase()));
        }
        Ok((destination_hosts, destination_cidrs))
    }
}
