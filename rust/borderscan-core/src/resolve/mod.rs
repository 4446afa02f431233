//! Where a record is sent: a destination (url, host or IP as found in the
//! record) resolved to a country, recording which source decided, in this
//! order: the policy's own host and CIDR overrides, the built-in cloud
//! region table, the user's mmdb IP database, the host's country-code TLD.
//! Nothing here touches the network: host names are never looked up.

use std::fmt;
use std::net::IpAddr;
use std::path::Path;

use globset::{GlobSet, GlobSetBuilder};
use ipnet::IpNet;
use serde::Serialize;

use crate::cloud::{cloud_table, host_glob, specificity};
use crate::country::{CountryId, INDETERMINATE, TldCountry, UNKNOWN, countries, tld_country};
use crate::error::{Error, Result};

mod extract;
mod place;
mod target;
#[cfg(test)]
mod tests;

pub use extract::Candidate;
pub(crate) use extract::{Extractor, Placement};
pub use place::{Found, PLACEMENT, SiteCase, Vocabulary, site_code_in};
pub use target::{Target, authority, parse_target, redact_destination};

/// Which step decided a destination (or an origin).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// `--destination` / `--origin` on the command line.
    Cli,
    /// The policy's overrides (destinations) or mappings (origins).
    Policy,
    /// The built-in cloud region table.
    Cloud,
    /// The user's mmdb database.
    Geoip,
    /// The host's country-code TLD.
    Tld,
    /// An origin site code that starts with a country code (`CN-SZ-02`).
    SitePrefix,
    /// The policy's default origin.
    PolicyDefault,
    /// A destination or origin was found but nothing placed it.
    Unresolved,
    /// The record names no destination (or origin).
    None,
}

impl Source {
    /// Every source, in declaration order (`ALL[s as usize] == s`).
    pub const ALL: [Source; 9] = [
        Source::Cli,
        Source::Policy,
        Source::Cloud,
        Source::Geoip,
        Source::Tld,
        Source::SitePrefix,
        Source::PolicyDefault,
        Source::Unresolved,
        Source::None,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Source::Cli => "cli",
            Source::Policy => "policy",
            Source::Cloud => "cloud",
            Source::Geoip => "geoip",
            Source::Tld => "tld",
            Source::SitePrefix => "site-prefix",
            Source::PolicyDefault => "policy-default",
            Source::Unresolved => "unresolved",
            Source::None => "none",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The outcome of resolving one destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    /// Host or IP extracted from the raw destination.
    pub host: Option<String>,
    pub country: CountryId,
    pub source: Source,
    /// What decided, in words (`aws region eu-central-1`).
    pub detail: String,
}

/// One step of resolution, for `explain`.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub source: Source,
    /// Country code, `indeterminate`, or None when the step did not decide.
    pub country: Option<String>,
    pub detail: String,
}

/// A user's mmdb country database (GeoLite2, GeoIP2, DB-IP).
pub struct GeoIp {
    reader: maxminddb::Reader<Vec<u8>>,
    pub path: String,
    pub database_type: String,
    pub build_epoch: u64,
}

impl GeoIp {
    /// Open and verify a database; a corrupt one fails here, with its
    /// path, rather than giving wrong answers during the scan.
    pub fn open(path: &Path) -> Result<Self> {
        let place = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| Error::config(&place, e.to_string()))?;
        let reader = maxminddb::Reader::from_source(bytes).map_err(|e| {
            Error::config(&place, format!("not a valid MaxMind DB (mmdb) file: {e}"))
        })?;
        reader
            .verify()
            .map_err(|e| Error::config(&place, format!("corrupt MaxMind DB (mmdb) file: {e}")))?;
        let meta = reader.metadata();
        Ok(GeoIp {
            database_type: meta.database_type.clone(),
            build_epoch: meta.build_epoch,
            path: place,
            reader,
        })
    }

    /// The country of an address: `country`, else `registered_country`;
    /// anycast networks are indeterminate.
    fn lookup(&self, ip: IpAddr) -> std::result::Result<Option<(CountryId, String)>, String> {
        let found = self.reader.lookup(ip).map_err(|e| e.to_string())?;
        let Some(rec) = found
            .decode::<maxminddb::geoip2::Country>()
            .map_err(|e| e.to_string())?
        else {
            return Ok(None);
        };
        if rec.traits.is_anycast == Some(true) {
            return Ok(Some((INDETERMINATE, "anycast network".into())));
        }
        let pick = |iso: Option<&str>, what: &str| {
            iso.and_then(|c| countries().lookup(c))
                .map(|id| (id, format!("{what} in {}", self.database_type)))
        };
        Ok(pick(rec.country.iso_code, "country")
            .or_else(|| pick(rec.registered_country.iso_code, "registered country")))
    }
}

/// Host and CIDR overrides from a policy: the first step.
#[derive(Default)]
pub struct Overrides {
    hosts: Option<GlobSet>,
    host_patterns: Vec<(String, CountryId)>,
    cidrs: Vec<(IpNet, CountryId)>,
}

impl Overrides {
    pub fn new(hosts: Vec<(String, CountryId)>, cidrs: Vec<(IpNet, CountryId)>) -> Result<Self> {
        let mut hosts = hosts;
        // The first match of the set is then the most specific pattern.
        hosts.sort_by_key(|(h, _)| specificity(h));
        let mut b = GlobSetBuilder::new();
        for (h, _) in &hosts {
            b.add(host_glob(h).map_err(|e| Error::config(h.clone(), e.to_string()))?);
        }
        let mut cidrs = cidrs;
        // Most specific range first, so a /24 inside an overridden /8 wins.
        cidrs.sort_by_key(|(n, _)| std::cmp::Reverse(n.prefix_len()));
        Ok(Overrides {
            hosts: Some(
                b.build()
                    .map_err(|e| Error::config("hosts", e.to_string()))?,
            ),
            host_patterns: hosts,
            cidrs,
        })
    }
}

/// Resolves destinations. Shared by all workers (it holds no caches;
/// workers cache per destination, since destinations repeat).
#[derive(Default)]
pub struct Resolver {
    pub overrides: Overrides,
    pub geoip: Option<GeoIp>,
}

impl Resolver {
    pub fn resolve(&self, raw: &str) -> Resolution {
        self.run(raw, None)
    }

    /// Every step tried, in order, for `explain`.
    pub fn explain(&self, raw: &str) -> (Resolution, Vec<Step>) {
        let mut steps = Vec::new();
        let r = self.run(raw, Some(&mut steps));
        (r, steps)
    }

    fn run(&self, raw: &str, mut trace: Option<&mut Vec<Step>>) -> Resolution {
        let Some(target) = parse_target(raw) else {
            return Resolution {
                host: None,
                country: UNKNOWN,
                source: Source::Unresolved,
                detail: "not a url, host or IP address".into(),
            };
        };
        let host = target.host();
        let mut step = |source: Source, found: Option<(CountryId, String)>, miss: &str| {
            if let Some(t) = trace.as_deref_mut() {
                t.push(Step {
                    source,
                    country: found
                        .as_ref()
                        .map(|(c, _)| countries().code(*c).to_string()),
                    detail: found
                        .as_ref()
                        .map(|(_, d)| d.clone())
                        .unwrap_or_else(|| miss.to_string()),
                });
            }
            found.map(|(country, detail)| Resolution {
                host: Some(host.clone()),
                country,
                source,
                detail,
            })
        };
        let ov = &self.overrides;
        let cloud = cloud_table();
        match &target {
            Target::Ip(ip) => {
                let found = ov
                    .cidrs
                    .iter()
                    .find(|(n, _)| n.contains(ip))
                    .map(|(n, c)| (*c, format!("policy range {n}")));
                if let Some(r) = step(Source::Policy, found, "no policy range contains it") {
                    return r;
                }
                let found = cloud.match_ip(*ip).map(|m| (m.country, m.detail));
                if let Some(r) = step(Source::Cloud, found, "not an anycast or CDN range") {
                    return r;
                }
                let private = match ip {
                    IpAddr::V4(v4) => v4.is_private() || v4.is_loopback() || v4.is_link_local(),
                    IpAddr::V6(v6) => {
                        v6.is_loopback() || v6.is_unique_local() || v6.is_unicast_link_local()
                    }
                };
                if private {
                    step(
                        Source::Geoip,
                        None,
                        "private or local address: only a policy range can place it",
                    );
                } else if let Some(g) = &self.geoip {
                    match g.lookup(*ip) {
                        Ok(found) => {
                            let miss = format!("not in {}", g.database_type);
                            if let Some(r) = step(Source::Geoip, found, &miss) {
                                return r;
                            }
                        }
                        Err(e) => {
                            step(Source::Geoip, None, &format!("lookup failed: {e}"));
                        }
                    }
                } else {
                    step(Source::Geoip, None, "no IP database given (--geoip)");
                }
            }
            Target::Host(h) | Target::Word(h) => {
                let found = ov.hosts.as_ref().and_then(|set| {
                    set.matches(h.as_str()).first().map(|&i| {
                        let (p, c) = &ov.host_patterns[i];
                        (*c, format!("policy host {p}"))
                    })
                });
                if let Some(r) = step(Source::Policy, found, "no policy host pattern matches") {
                    return r;
                }
                let found = match &target {
                    Target::Word(w) => cloud.match_region(w),
                    _ => cloud.match_host(h),
                }
                .map(|m| (m.country, m.detail));
                if let Some(r) = step(Source::Cloud, found, "no cloud region in the name") {
                    return r;
                }
                step(Source::Geoip, None, "a host name (never looked up in DNS)");
                let (found, miss) = match tld_of(h) {
                    Ok(f) => (Some(f), String::new()),
                    Err(why) => (None, why),
                };
                if let Some(r) = step(Source::Tld, found, &miss) {
                    return r;
                }
            }
        }
        Resolution {
            host: Some(host),
            country: UNKNOWN,
            source: Source::Unresolved,
            detail: "no source placed it".into(),
        }
    }
}

/// The country of a host's top-level domain, using the public suffix list
/// to tell a real, delegated TLD from a made-up one.
fn tld_of(host: &str) -> std::result::Result<(CountryId, String), String> {
    let Some(suffix) = psl::suffix(host.as_bytes()) else {
        return Err("no public suffix".into());
    };
    if !suffix.is_known() {
        return Err("not under a known public suffix".into());
    }
    let suffix = std::str::from_utf8(suffix.as_bytes()).unwrap_or_default();
    let tld = suffix.rsplit('.').next().unwrap_or(suffix);
    match tld_country(tld) {
        Some(TldCountry::Country(c)) => {
            Ok((c, format!("country-code TLD .{tld} (suffix {suffix})")))
        }
        Some(TldCountry::Generic) => Err(format!(".{tld} is a ccTLD in generic use")),
        Some(TldCountry::Regional) => Ok((INDETERMINATE, format!(".{tld} names a region"))),
        None => Err(format!(".{tld} is not a country-code TLD")),
    }
}

/// The destination and origin candidates one record offers, and which
/// were taken (`borderscan explain FILE:LINE`). `name` is the file's name
/// (it picks the format, as a scan would), `header` its first line for
/// CSV and TSV; `dest_fields` and `origin_fields` are the configured names.
pub fn explain_placement(
    det: &crate::Detectors,
    line: &[u8],
    name: &str,
    header: Option<&[u8]>,
    dest_fields: &[String],
    origin_fields: &[String],
    show_values: bool,
) -> Vec<Candidate> {
    use crate::formats::{self, Header, RecordBuf};
    let format = formats::detect(name, header.unwrap_or(line));
    let header = match header {
        Some(h) if format.has_header() => formats::parse_header(format, h),
        _ => Header::default(),
    };
    let mut rec = RecordBuf::default();
    if formats::parse(format, line, &header, &mut rec).is_err() {
        rec.set_text(line);
    }
    let mut scratch = crate::detect::Scratch::with_roles(dest_fields, origin_fields);
    let mut hits = Vec::new();
    det.scan(&rec, &mut scratch, show_values, &mut hits);
    let mut cands = Extractor::new().candidates(&rec, scratch.roles());
    if !show_values {
        // As the findings table shows them: values found in keys masked,
        // and a vocabulary field's value that is no endpoint not at all.
        for c in &mut cands {
            if let Some(masked) = scratch.masked_path(c.field_index as u32) {
                c.field = Some(masked.to_string());
            }
            if c.found == Found::Vocabulary
                && c.what == "destination"
                && !Vocabulary::builtin().named_endpoint(&c.value)
            {
                c.value = "(not an endpoint; --show-values shows it)".into();
            }
        }
    }
    cands
}
