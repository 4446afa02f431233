//! Deciding: where a record comes from, and the verdict on each finding
//! under the compiled policy. Runs per finding (behind the per-file
//! caches of `residency`), so it only reads what parsing prepared.

use super::{Decision, Exception, Places, Policy, RuleKind, Subject, UnknownAs, Verdict};
use crate::country::{CountryId, INDETERMINATE, UNKNOWN, countries};
use crate::error::Result;
use crate::resolve::{Overrides, Source};

impl Places {
    fn contains(&self, c: CountryId, origin: CountryId) -> bool {
        self.any || self.set.contains(c) || (self.origin && c == origin && origin != UNKNOWN)
    }
}

impl Exception {
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

impl Policy {
    /// The destination overrides, as the resolver's first step: the host
    /// patterns as compiled when the policy was parsed.
    pub fn overrides(&self) -> Result<Overrides> {
        let c = countries();
        Ok(Overrides::with_hosts(
            self.host_places.clone(),
            self.destination_cidrs
                .iter()
                .map(|(n, cc)| {
                    (
                        n.parse().expect("checked at parse"),
                        c.lookup(cc).expect("checked at parse"),
                    )
                })
                .collect(),
        ))
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
        // Before the site prefix: `me-south-1` is in Bahrain, not Montenegro.
        if let Some(c) = site.and_then(region_country) {
            return (c, Source::Cloud);
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
/// The country of an origin written as a cloud region code (OpenTelemetry's
/// `cloud.region`: `eu-central-1`, `europe-west3`), from the cloud region
/// table; None for a region of no single country.
pub fn region_country(site: &str) -> Option<CountryId> {
    if site.len() > 40 || !site.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return None;
    }
    let m = crate::cloud::cloud_table().match_region(&site.to_ascii_lowercase())?;
    (m.country != INDETERMINATE).then_some(m.country)
}

pub fn site_prefix_country(site: &str) -> Option<CountryId> {
    let b = site.as_bytes();
    if b.len() < 4 || !matches!(b[2], b'-' | b'_' | b'.' | b'/' | b':' | b' ') {
        return None;
    }
    countries().lookup(&site[..2])
}
