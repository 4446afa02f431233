//! Everything a scan needs to turn a detector hit into a verdict: the
//! policy, the destination resolver, the command line's `--origin` and
//! `--destination`, and an optional baseline of accepted findings. Workers
//! keep a `Cache` each: destinations, origins and decisions repeat, so
//! resolution and policy cost little per record.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use rustc_hash::FxHashMap;
use xxhash_rust::xxh3::{Xxh3, xxh3_64};

use crate::country::{CountryId, UNKNOWN, countries};
use crate::error::{Error, Result};
use crate::policy::{Decision, Policy, Subject};
use crate::resolve::{GeoIp, Resolution, Resolver, Source, authority, parse_target};

/// Findings the user has accepted, by fingerprint. Matching findings are
/// left out of the results; entries no finding matched are reported.
pub struct Baseline {
    fingerprints: Vec<u64>,
    seen: Vec<AtomicBool>,
    matched: AtomicU64,
}

impl Baseline {
    pub fn new(mut fingerprints: Vec<u64>) -> Self {
        fingerprints.sort_unstable();
        fingerprints.dedup();
        let seen = fingerprints
            .iter()
            .map(|_| AtomicBool::new(false))
            .collect();
        Baseline {
            fingerprints,
            seen,
            matched: AtomicU64::new(0),
        }
    }

    /// Whether a finding is in the baseline (and mark its entry seen).
    fn take(&self, fp: u64) -> bool {
        match self.fingerprints.binary_search(&fp) {
            Ok(i) => {
                self.seen[i].store(true, Ordering::Relaxed);
                self.matched.fetch_add(1, Ordering::Relaxed);
                true
            }
            Err(_) => false,
        }
    }

    /// Findings left out because the baseline holds them.
    pub fn matched(&self) -> u64 {
        self.matched.load(Ordering::Relaxed)
    }

    /// The entries some finding matched (a worker of a distributed scan
    /// sends them to the client, which [`Baseline::absorb`]s them).
    pub fn seen(&self) -> Vec<u64> {
        self.fingerprints
            .iter()
            .zip(&self.seen)
            .filter(|(_, s)| s.load(Ordering::Relaxed))
            .map(|(f, _)| *f)
            .collect()
    }

    /// Count matches made elsewhere: entries seen and findings matched by
    /// the workers of a distributed scan.
    pub fn absorb(&self, seen: &[u64], matched: u64) {
        for fp in seen {
            if let Ok(i) = self.fingerprints.binary_search(fp) {
                self.seen[i].store(true, Ordering::Relaxed);
            }
        }
        self.matched.fetch_add(matched, Ordering::Relaxed);
    }

    /// Baseline entries no finding of this scan matched.
    pub fn absent(&self) -> Vec<u64> {
        self.fingerprints
            .iter()
            .zip(&self.seen)
            .filter(|(_, s)| !s.load(Ordering::Relaxed))
            .map(|(f, _)| *f)
            .collect()
    }
}

impl std::fmt::Debug for Residency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Residency")
            .field("policy", &self.policy.place)
            .field("origin_cli", &self.origin_cli)
            .field("destination_cli", &self.destination_cli)
            .finish_non_exhaustive()
    }
}

pub struct Residency {
    pub policy: Policy,
    pub resolver: Resolver,
    pub origin_cli: Option<CountryId>,
    pub destination_cli: Option<CountryId>,
    pub baseline: Option<Baseline>,
    /// `Policy::rules[i].id` and exception labels, laid out once for the
    /// findings table.
    pub rule_ids: Vec<String>,
    pub exception_labels: Vec<String>,
}

impl Default for Residency {
    fn default() -> Self {
        Self::new(Policy::builtin(), None, None, None).expect("the built-in policy is valid")
    }
}

/// A country code given on the command line.
pub fn cli_country(code: &str, option: &str) -> Result<CountryId> {
    countries().lookup(code).ok_or_else(|| {
        Error::config(
            option,
            format!("'{code}' is not an ISO 3166-1 alpha-2 country code (such as DE, CN, JP)"),
        )
    })
}

impl Residency {
    pub fn new(
        policy: Policy,
        geoip: Option<GeoIp>,
        origin_cli: Option<CountryId>,
        destination_cli: Option<CountryId>,
    ) -> Result<Self> {
        let resolver = Resolver {
            overrides: policy.overrides()?,
            geoip,
        };
        Ok(Residency {
            rule_ids: policy.rules.iter().map(|r| r.id.clone()).collect(),
            exception_labels: policy.exceptions.iter().map(|x| x.label()).collect(),
            policy,
            resolver,
            origin_cli,
            destination_cli,
            baseline: None,
        })
    }

    /// Whether a finding is accepted by the baseline (and so left out).
    pub fn baselined(&self, fp: u64) -> bool {
        self.baseline.as_ref().is_some_and(|b| b.take(fp))
    }
}

/// Caches of one worker. Bounded: cleared when full, since a cache miss
/// only costs a recomputation.
#[derive(Default)]
pub(crate) struct Cache {
    dests: FxHashMap<Box<str>, u32>,
    resolved: Vec<Resolution>,
    origins: FxHashMap<Box<str>, (CountryId, Source)>,
    decisions: FxHashMap<(u16, CountryId, u32), Decision>,
    path_origin: Option<CountryId>,
}

const CACHE_MAX: usize = 1 << 16;

/// The destination key of records that name none (never an authority).
const NO_DEST: &str = "/";

impl Cache {
    /// A new input file: its path decides path-mapped origins.
    pub fn start_file(&mut self, res: &Residency, path: &str) {
        self.path_origin = res.policy.path_origin(path);
        self.origins.clear();
    }

    /// The entry of a record's destination (`None`: it names none).
    /// Keyed by the destination's authority: a resolution depends on
    /// nothing else, and urls that differ only in their paths (one object
    /// per record) share one entry, so the cache and the decisions keyed
    /// by entry stay small.
    pub fn destination(&mut self, res: &Residency, raw: Option<&str>) -> u32 {
        let key = raw.map_or(NO_DEST, authority);
        if let Some(&i) = self.dests.get(key) {
            return i;
        }
        if self.resolved.len() >= CACHE_MAX {
            self.dests.clear();
            self.resolved.clear();
            self.decisions.clear();
        }
        let r = match (res.destination_cli, raw) {
            (Some(c), raw) => Resolution {
                host: raw.and_then(parse_target).map(|t| t.host()),
                country: c,
                source: Source::Cli,
                detail: "--destination".into(),
            },
            (None, Some(raw)) => res.resolver.resolve(raw),
            (None, None) => Resolution {
                host: None,
                country: UNKNOWN,
                source: Source::None,
                detail: "the record names no destination".into(),
            },
        };
        let i = self.resolved.len() as u32;
        self.resolved.push(r);
        self.dests.insert(key.into(), i);
        i
    }

    pub fn resolution(&self, entry: u32) -> &Resolution {
        &self.resolved[entry as usize]
    }

    pub fn origin(&mut self, res: &Residency, site: Option<&str>) -> (CountryId, Source) {
        let key = site.unwrap_or("");
        if let Some(&o) = self.origins.get(key) {
            return o;
        }
        if self.origins.len() >= CACHE_MAX {
            self.origins.clear();
        }
        let o = res.policy.origin(site, self.path_origin, res.origin_cli);
        self.origins.insert(key.into(), o);
        o
    }

    pub fn decide(
        &mut self,
        res: &Residency,
        rule: u16,
        detector: &str,
        category: &str,
        origin: CountryId,
        entry: u32,
    ) -> Decision {
        if let Some(&d) = self.decisions.get(&(rule, origin, entry)) {
            return d;
        }
        if self.decisions.len() >= CACHE_MAX {
            self.decisions.clear();
        }
        let r = &self.resolved[entry as usize];
        let d = res.policy.evaluate(&Subject {
            category,
            detector,
            origin,
            dest: r.country,
            host: r.host.as_deref(),
        });
        self.decisions.insert((rule, origin, entry), d);
        d
    }
}

/// A finding's fingerprint: where it is (file and field) and what it is
/// (detector, value, destination host) — never its line, so inserting
/// lines above it does not change it. 64 bits of XXH3, a fixed, specified
/// hash (stable across versions and machines).
pub fn fingerprint(
    path: &str,
    detector: &str,
    field: Option<&str>,
    value: &[u8],
    host: Option<&str>,
) -> u64 {
    // Unit separators keep ("ab", "c") and ("a", "bc") apart.
    let parts = [
        path.as_bytes(),
        detector.as_bytes(),
        field.unwrap_or("").as_bytes(),
        value,
        host.unwrap_or("").as_bytes(),
    ];
    // One-shot XXH3 of the parts joined (the same hash as streaming them,
    // without the streaming state's set-up); on the stack when short.
    let len: usize = parts.iter().map(|p| p.len() + 1).sum();
    let mut buf = [0u8; 512];
    if len > buf.len() {
        let mut h = Xxh3::new();
        for part in parts {
            h.update(part);
            h.update(&[0x1f]);
        }
        return h.digest();
    }
    let mut at = 0;
    for part in parts {
        buf[at..at + part.len()].copy_from_slice(part);
        buf[at + part.len()] = 0x1f;
        at += part.len() + 1;
    }
    xxh3_64(&buf[..at])
}

/// `fingerprint` as the 16 hex digits findings show.
pub fn fingerprint_hex(fp: u64, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut digits = [0u8; 16];
    for (i, d) in digits.iter_mut().enumerate() {
        *d = HEX[(fp >> (60 - 4 * i)) as usize & 0xf];
    }
    out.clear();
    out.push_str(std::str::from_utf8(&digits).expect("hex digits are ASCII"));
}

/// Parse a fingerprint shown as 16 hex digits.
pub fn parse_fingerprint(s: &str) -> Option<u64> {
    (s.len() == 16)
        .then(|| u64::from_str_radix(s, 16).ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_streamed_xxh3() {
        let long = "v".repeat(600);
        for (path, value, host) in [
            ("a.jsonl", "BRO-JF37154", Some("s3.amazonaws.com")),
            ("", "", None),
            ("a.jsonl", long.as_str(), None),
        ] {
            let mut h = Xxh3::new();
            for part in [path, "serial", "machine.serial", value, host.unwrap_or("")] {
                h.update(part.as_bytes());
                h.update(&[0x1f]);
            }
            let fp = fingerprint(
                path,
                "serial",
                Some("machine.serial"),
                value.as_bytes(),
                host,
            );
            assert_eq!(fp, h.digest());
            let mut hex = String::new();
            fingerprint_hex(fp, &mut hex);
            assert_eq!(hex, format!("{fp:016x}"));
        }
    }
}
