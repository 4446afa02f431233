//! The built-in table of cloud regions (`data/cloud_regions.toml`): which
//! country a provider's endpoint is in, read off its host name
//! (`s3.eu-central-1.amazonaws.com` -> DE), plus the CDNs and anycast
//! ranges that cannot be pinned to one country.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::OnceLock;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use ipnet::IpNet;
use rustc_hash::FxHashMap;
use serde::Deserialize;

use crate::country::{CountryId, INDETERMINATE, countries};

const CLOUD_TOML: &str = include_str!("../data/cloud_regions.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CloudFile {
    updated: toml::value::Datetime,
    sources: Vec<String>,
    provider: Vec<ProviderSpec>,
    indeterminate: IndeterminateSpec,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProviderSpec {
    id: String,
    name: String,
    suffixes: Vec<String>,
    #[serde(default)]
    suffix_country: BTreeMap<String, String>,
    #[serde(default)]
    global: BTreeMap<String, String>,
    regions: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IndeterminateSpec {
    #[allow(dead_code)]
    description: String,
    #[allow(dead_code)]
    sources: Vec<String>,
    hosts: Vec<String>,
    cidrs: Vec<String>,
}

struct Provider {
    id: String,
    name: String,
    suffixes: Vec<String>,
    suffix_country: FxHashMap<String, CountryId>,
    global: GlobSet,
    global_country: Vec<CountryId>,
    regions: FxHashMap<String, CountryId>,
    /// Most dash-separated parts in one of this provider's region codes.
    max_parts: usize,
}

/// How the table placed a destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudMatch {
    pub country: CountryId,
    /// `aws eu-central-1`, `cdn *.cloudfront.net`, ...
    pub detail: String,
}

pub struct CloudTable {
    // The table's provenance, parsed with it but not reported anywhere yet
    // (it was only reachable while this module was public).
    #[allow(dead_code)]
    pub updated: String,
    #[allow(dead_code)]
    pub sources: Vec<String>,
    providers: Vec<Provider>,
    cdn_hosts: GlobSet,
    cdn_patterns: Vec<String>,
    cdn_cidrs: Vec<IpNet>,
    /// Region codes every provider that uses them places in one country,
    /// for destinations given as a bare region (`europe-west3`).
    bare: FxHashMap<String, (CountryId, String)>,
}

/// Sort key putting the most specific pattern first: exact names before
/// patterns, then patterns with more literal characters. Overlapping
/// patterns then resolve the way a reader expects, not by file order.
pub fn specificity(pattern: &str) -> (bool, std::cmp::Reverse<usize>) {
    let wild = |c: char| matches!(c, '*' | '?' | '[' | ']' | '{' | '}');
    (
        pattern.contains(wild),
        std::cmp::Reverse(pattern.chars().filter(|&c| !wild(c)).count()),
    )
}

/// A case-insensitive host glob where `*` crosses dots.
pub fn host_glob(pattern: &str) -> Result<globset::Glob, globset::Error> {
    GlobBuilder::new(&pattern.to_ascii_lowercase())
        .literal_separator(false)
        .case_insensitive(true)
        .build()
}

fn country_or_indeterminate(v: &str) -> CountryId {
    if v == "indeterminate" {
        INDETERMINATE
    } else {
        countries()
            .lookup(v)
            .unwrap_or_else(|| panic!("data/cloud_regions.toml: unknown country {v}"))
    }
}

pub fn cloud_table() -> &'static CloudTable {
    static TABLE: OnceLock<CloudTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        let file: CloudFile = toml::from_str(CLOUD_TOML).expect("data/cloud_regions.toml is valid");
        let mut bare: FxHashMap<String, Option<(CountryId, String)>> = FxHashMap::default();
        let providers = file
            .provider
            .into_iter()
            .map(|p| {
                let mut gb = GlobSetBuilder::new();
                let mut global_country = Vec::new();
                for (host, c) in &p.global {
                    gb.add(host_glob(host).expect("valid host glob"));
                    global_country.push(country_or_indeterminate(c));
                }
                let regions: FxHashMap<String, CountryId> = p
                    .regions
                    .iter()
                    .map(|(r, c)| (r.to_ascii_lowercase(), country_or_indeterminate(c)))
                    .collect();
                for (r, &c) in &regions {
                    let e = bare
                        .entry(r.clone())
                        .or_insert_with(|| Some((c, p.id.clone())));
                    if let Some((c0, ids)) = e {
                        if *c0 == c {
                            ids.push_str(&format!(",{}", p.id));
                        } else {
                            *e = None;
                        }
                    }
                }
                Provider {
                    max_parts: regions
                        .keys()
                        .map(|r| r.split('-').count())
                        .max()
                        .unwrap_or(1),
                    id: p.id,
                    name: p.name,
                    suffixes: p.suffixes.iter().map(|s| s.to_ascii_lowercase()).collect(),
                    suffix_country: p
                        .suffix_country
                        .iter()
                        .map(|(s, c)| (s.to_ascii_lowercase(), country_or_indeterminate(c)))
                        .collect(),
                    global: gb.build().expect("valid host globs"),
                    global_country,
                    regions,
                }
            })
            .collect();
        let mut cdn = GlobSetBuilder::new();
        for h in &file.indeterminate.hosts {
            cdn.add(host_glob(h).expect("valid host glob"));
        }
        CloudTable {
            updated: file.updated.to_string(),
            sources: file.sources,
            providers,
            cdn_hosts: cdn.build().expect("valid host globs"),
            cdn_patterns: file.indeterminate.hosts,
            cdn_cidrs: file
                .indeterminate
                .cidrs
                .iter()
                .map(|c| c.parse().expect("valid CIDR"))
                .collect(),
            bare: bare
                .into_iter()
                .filter_map(|(r, v)| v.map(|v| (r, v)))
                .collect(),
        }
    })
}

impl CloudTable {
    /// Place a host name (lower case). `None` when no provider or CDN
    /// claims it, or a provider does but names no region.
    pub fn match_host(&self, host: &str) -> Option<CloudMatch> {
        let cdn = self.cdn_hosts.matches(host);
        if let Some(&i) = cdn.first() {
            return Some(CloudMatch {
                country: INDETERMINATE,
                detail: format!("CDN or global endpoint {}", self.cdn_patterns[i]),
            });
        }
        for p in &self.providers {
            let Some(suffix) = p
                .suffixes
                .iter()
                .filter(|s| host == s.as_str() || host.ends_with(&format!(".{s}")))
                .max_by_key(|s| s.len())
            else {
                continue;
            };
            if let Some(&i) = p.global.matches(host).first() {
                return Some(CloudMatch {
                    country: p.global_country[i],
                    detail: format!("{} global endpoint", p.name),
                });
            }
            let prefix = host[..host.len() - suffix.len()].trim_end_matches('.');
            if let Some((region, c)) = p.find_region(prefix) {
                return Some(CloudMatch {
                    country: c,
                    detail: format!("{} region {region}", p.id),
                });
            }
            if let Some(&c) = p.suffix_country.get(suffix.as_str()) {
                return Some(CloudMatch {
                    country: c,
                    detail: format!("{} ({suffix})", p.name),
                });
            }
        }
        None
    }

    /// A destination given as a bare region code (`europe-west3`), placed
    /// only when every provider using that code agrees on the country.
    pub fn match_region(&self, code: &str) -> Option<CloudMatch> {
        self.bare.get(code).map(|(c, ids)| CloudMatch {
            country: *c,
            detail: format!("region {code} ({ids})"),
        })
    }

    /// Anycast and CDN address ranges.
    pub fn match_ip(&self, ip: IpAddr) -> Option<CloudMatch> {
        self.cdn_cidrs
            .iter()
            .find(|n| n.contains(&ip))
            .map(|n| CloudMatch {
                country: INDETERMINATE,
                detail: format!("anycast or CDN range {n}"),
            })
    }

    /// Provider ids, for `explain` and docs.
    #[allow(dead_code)] // nothing lists providers yet; see `updated` above
    pub fn provider_ids(&self) -> impl Iterator<Item = &str> {
        self.providers.iter().map(|p| p.id.as_str())
    }
}

impl Provider {
    /// The longest region code appearing in the host part before the
    /// provider's suffix, as a whole label or a run of dash-separated parts
    /// of one (`oss-cn-hangzhou`, `europe-west3-docker`).
    fn find_region(&self, prefix: &str) -> Option<(&str, CountryId)> {
        let mut best: Option<(&str, CountryId)> = None;
        for label in prefix.split('.') {
            let parts: Vec<&str> = label.split('-').collect();
            for start in 0..parts.len() {
                for end in start + 1..=(start + self.max_parts).min(parts.len()) {
                    // The candidate is a slice of `label`, so no allocation.
                    let from: usize = parts[..start].iter().map(|p| p.len() + 1).sum();
                    let len: usize = parts[start..end].iter().map(|p| p.len()).sum::<usize>()
                        + (end - start - 1);
                    let cand = &label[from..from + len];
                    if let Some((code, &c)) = self.regions.get_key_value(cand)
                        && best.is_none_or(|(b, _)| code.len() > b.len())
                    {
                        best = Some((code.as_str(), c));
                    }
                }
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(m: Option<CloudMatch>) -> String {
        m.map(|m| countries().code(m.country).to_string())
            .unwrap_or_else(|| "-".into())
    }

    #[test]
    fn providers_and_regions() {
        let t = cloud_table();
        assert_eq!(code(t.match_host("s3.eu-central-1.amazonaws.com")), "DE");
        assert_eq!(
            code(t.match_host("bucket.s3.eu-central-1.amazonaws.com")),
            "DE"
        );
        assert_eq!(code(t.match_host("s3.cn-north-1.amazonaws.com.cn")), "CN");
        assert_eq!(code(t.match_host("oss-cn-hangzhou.aliyuncs.com")), "CN");
        assert_eq!(
            code(t.match_host("oss-cn-hangzhou-internal.aliyuncs.com")),
            "CN"
        );
        assert_eq!(
            code(t.match_host("europe-west3-aiplatform.googleapis.com")),
            "DE"
        );
        assert_eq!(code(t.match_host("cos.ap-guangzhou.myqcloud.com")), "CN");
        assert_eq!(code(t.match_host("obs.cn-north-4.myhuaweicloud.com")), "CN");
        assert_eq!(
            code(t.match_host("objectstorage.eu-frankfurt-1.oraclecloud.com")),
            "DE"
        );
        assert_eq!(
            code(t.match_host("x.germanywestcentral.cloudapp.azure.com")),
            "DE"
        );
        // Same code, other provider, other country.
        assert_eq!(code(t.match_host("ecs.ap-southeast-1.amazonaws.com")), "SG");
        assert_eq!(
            code(t.match_host("ecs.ap-southeast-1.myhuaweicloud.com")),
            "HK"
        );
        assert_eq!(
            code(t.match_host("storage.googleapis.com")),
            "indeterminate"
        );
        assert_eq!(code(t.match_host("d111.cloudfront.net")), "indeterminate");
        assert_eq!(code(t.match_host("example.com")), "-");
        // A region-like token outside a provider's domain is not trusted.
        assert_eq!(code(t.match_host("eu-central-1.example.com")), "-");
        assert_eq!(code(t.match_region("europe-west3")), "DE");
        assert_eq!(
            code(t.match_ip("1.1.1.1".parse().unwrap())),
            "indeterminate"
        );
    }
}
