//! Where a record is sent: a destination (url, host or IP as found in the
//! record) resolved to a country, recording which source decided, in this
//! order: the policy's own host and CIDR overrides, the built-in cloud
//! region table, the user's mmdb IP database, the host's country-code TLD.
//! Nothing here touches the network: host names are never looked up.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;
use std::sync::{Arc, Mutex};

use ipnet::IpNet;
use serde::Serialize;

use crate::accounting::{GeoipError, GeoipErrors};
use crate::cloud::cloud_table;
use crate::country::{CountryId, INDETERMINATE, TldCountry, UNKNOWN, countries, tld_country};
use crate::error::{Error, Result};

mod extract;
mod hosts;
mod place;
mod target;
#[cfg(test)]
mod tests;

pub use extract::Candidate;
pub(crate) use extract::{Extractor, Placement};
pub use hosts::{HostMatcher, HostPatternError, HostPlaces};
pub use place::{Found, PLACEMENT, SiteCase, Vocabulary, site_code_in};
pub(crate) use target::RedactCache;
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

/// How many of a database's first networks [`GeoIp::open`] decodes to
/// check it holds country records.
const SAMPLE_NETWORKS: usize = 256;
/// How many failed lookups to keep as examples.
const FIRST_ERRORS: usize = 5;
/// Database types (MaxMind's names) whose records carry no country.
const NOT_COUNTRY_TYPES: [&str; 8] = [
    "asn",
    "isp",
    "domain",
    "connection-type",
    "anonymous-ip",
    "ip-risk",
    "static-ip-score",
    "densityincome",
];

/// A user's mmdb country database (GeoLite2, GeoIP2, DB-IP).
pub struct GeoIp {
    reader: maxminddb::Reader<Vec<u8>>,
    pub path: String,
    pub database_type: String,
    pub build_epoch: u64,
    /// Addresses whose lookup failed during the scan, with the lowest few
    /// and their error (see [`GeoIp::take_errors`]).
    errors: Mutex<LookupErrors>,
}

#[derive(Default)]
struct LookupErrors {
    seen: HashSet<IpAddr>,
    first: BTreeMap<IpAddr, String>,
}

impl GeoIp {
    /// Open and verify a database; a corrupt one, or one whose records are
    /// not country records (an ASN or ISP database, a country stored as a
    /// number), fails here, with its path, rather than leaving every
    /// address unplaced during the scan.
    pub fn open(path: &Path) -> Result<Self> {
        let place = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| Error::config(&place, e.to_string()))?;
        let reader = maxminddb::Reader::from_source(bytes).map_err(|e| {
            Error::config(&place, format!("not a valid MaxMind DB (mmdb) file: {e}"))
        })?;
        reader
            .verify()
            .map_err(|e| Error::config(&place, format!("corrupt MaxMind DB (mmdb) file: {e}")))?;
        check_country_records(&reader).map_err(|why| {
            Error::config(
                &place,
                format!(
                    "not a country database (database type {:?}): {why}",
                    reader.metadata().database_type
                ),
            )
        })?;
        let meta = reader.metadata();
        Ok(GeoIp {
            database_type: meta.database_type.clone(),
            build_epoch: meta.build_epoch,
            path: place,
            reader,
            errors: Mutex::new(LookupErrors::default()),
        })
    }

    /// The lookups that failed since the last call: how many distinct
    /// addresses, and the lowest few with their error.
    pub fn take_errors(&self) -> GeoipErrors {
        let e = std::mem::take(&mut *self.errors.lock().expect("not poisoned"));
        GeoipErrors {
            count: e.seen.len() as u64,
            database: if e.seen.is_empty() {
                String::new()
            } else {
                self.path.clone()
            },
            first: e
                .first
                .into_iter()
                .map(|(ip, error)| GeoipError {
                    ip: ip.to_string(),
                    error,
                })
                .collect(),
        }
    }

    /// Every address whose lookup failed since the last call, with its
    /// error where kept (the lowest few): a worker of a distributed scan
    /// sends them, the client [`GeoIp::absorb`]s them, so the count stays
    /// one of distinct addresses.
    pub fn take_failed(&self) -> Vec<(IpAddr, Option<String>)> {
        let e = std::mem::take(&mut *self.errors.lock().expect("not poisoned"));
        let mut out: Vec<_> = (e.seen.into_iter())
            .map(|ip| (ip, e.first.get(&ip).cloned()))
            .collect();
        out.sort_unstable();
        out
    }

    /// Count failed lookups made elsewhere ([`GeoIp::take_failed`]). The
    /// lowest addresses of all are among the lowest of each worker, which
    /// come with their error.
    pub fn absorb(&self, failed: &[(IpAddr, Option<String>)]) {
        for (ip, error) in failed {
            self.failed(*ip, error.as_deref().unwrap_or(""));
        }
    }

    /// Count a failed lookup (an address counts once however often met).
    fn failed(&self, ip: IpAddr, error: &str) {
        let mut e = self.errors.lock().expect("not poisoned");
        if e.seen.insert(ip) {
            e.first.insert(ip, error.to_string());
            if e.first.len() > FIRST_ERRORS {
                e.first.pop_last();
            }
        }
    }

    /// The country of an address: `country`, else `registered_country`;
    /// anycast networks are indeterminate. A failure is counted (see
    /// [`GeoIp::take_errors`]).
    fn lookup(&self, ip: IpAddr) -> std::result::Result<Option<(CountryId, String)>, String> {
        self.lookup_uncounted(ip)
            .inspect_err(|e| self.failed(ip, e))
    }

    fn lookup_uncounted(
        &self,
        ip: IpAddr,
    ) -> std::result::Result<Option<(CountryId, String)>, String> {
        if ip.is_ipv6() && self.reader.metadata().ip_version == 4 {
            // An IPv4-only database does not cover IPv6: not in it.
            return Ok(None);
        }
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

/// Why a database does not hold country records, if it does not: its type
/// is one known to carry none, a record (of well-known addresses, then of
/// the first networks) does not decode as a country record, or none of
/// them names a country.
fn check_country_records(reader: &maxminddb::Reader<Vec<u8>>) -> std::result::Result<(), String> {
    let meta = reader.metadata();
    let kind = meta.database_type.to_ascii_lowercase();
    if let Some(t) = NOT_COUNTRY_TYPES
        .iter()
        .find(|t| kind == **t || kind.ends_with(&format!("-{t}")))
    {
        return Err(format!("its type says {t} records, which name no country"));
    }
    let decode = |r: &maxminddb::LookupResult<'_, Vec<u8>>| {
        r.decode::<maxminddb::geoip2::Country>()
            .map(|c| {
                c.is_some_and(|c| {
                    c.traits.is_anycast == Some(true)
                        || [c.country.iso_code, c.registered_country.iso_code]
                            .into_iter()
                            .flatten()
                            .any(|code| countries().lookup(code).is_some())
                })
            })
            .map_err(|e| e.to_string())
    };
    let mut names_country = false;
    let mut probes: Vec<IpAddr> = vec![
        Ipv4Addr::new(1, 1, 1, 1).into(),
        Ipv4Addr::new(8, 8, 8, 8).into(),
        Ipv4Addr::new(2, 0, 0, 1).into(),
    ];
    if meta.ip_version == 6 {
        probes.push(Ipv6Addr::new(0x2001, 0x4860, 0, 0, 0, 0, 0, 0x8888).into());
    }
    for ip in probes {
        let r = reader
            .lookup(ip)
            .map_err(|e| format!("looking up {ip} failed ({e})"))?;
        names_country |= decode(&r)
            .map_err(|e| format!("the record of {ip} does not decode as a country record ({e})"))?;
    }
    let networks = reader
        .networks(maxminddb::WithinOptions::default())
        .map_err(|e| format!("cannot list its networks ({e})"))?;
    let mut seen = 0;
    for r in networks.take(SAMPLE_NETWORKS) {
        let r = r.map_err(|e| format!("cannot list its networks ({e})"))?;
        seen += 1;
        names_country |= decode(&r).map_err(|e| {
            let net = r
                .network()
                .map_or_else(|_| "a network".into(), |n| n.to_string());
            format!("the record of {net} does not decode as a country record ({e})")
        })?;
    }
    if seen == 0 {
        return Err("it holds no networks".into());
    }
    if !names_country {
        return Err(format!(
            "none of its first {seen} records names a country (no country or \
             registered_country iso_code)"
        ));
    }
    Ok(())
}

/// Host and CIDR overrides from a policy: the first step.
#[derive(Default)]
pub struct Overrides {
    hosts: Arc<HostPlaces>,
    cidrs: Vec<(IpNet, CountryId)>,
}

impl Overrides {
    pub fn new(hosts: Vec<(String, CountryId)>, cidrs: Vec<(IpNet, CountryId)>) -> Result<Self> {
        let hosts =
            HostPlaces::new(hosts).map_err(|e| Error::config(e.pattern, e.error.to_string()))?;
        Ok(Self::with_hosts(hosts, cidrs))
    }

    /// With host patterns already compiled (a policy compiles its own when
    /// it is parsed, so that `policy check` meets any error a scan would).
    pub fn with_hosts(hosts: Arc<HostPlaces>, cidrs: Vec<(IpNet, CountryId)>) -> Self {
        let mut cidrs = cidrs;
        // Most specific range first, so a /24 inside an overridden /8 wins.
        cidrs.sort_by_key(|(n, _)| std::cmp::Reverse(n.prefix_len()));
        Overrides { hosts, cidrs }
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
                            // Counted by the database: the scan reports it
                            // as an input problem.
                            let why = format!("lookup failed in {}: {e}", g.path);
                            step(Source::Geoip, None, &why);
                            return Resolution {
                                host: Some(host),
                                country: UNKNOWN,
                                source: Source::Unresolved,
                                detail: why,
                            };
                        }
                    }
                } else {
                    step(Source::Geoip, None, "no IP database given (--geoip)");
                }
            }
            Target::Host(h) | Target::Word(h) => {
                let found = (ov.hosts.find(h)).map(|(p, c)| (c, format!("policy host {p}")));
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

#[cfg(test)]
mod geoip_tests {
    use super::*;
    use serde_json::{Value, json};

    fn ctrl(kind: u8, size: usize) -> Vec<u8> {
        let (head, ext): (u8, Vec<u8>) = match size {
            0..29 => (size as u8, vec![]),
            29..285 => (29, vec![(size - 29) as u8]),
            _ => (30, ((size - 285) as u16).to_be_bytes().to_vec()),
        };
        let mut out = if kind <= 7 {
            vec![(kind << 5) | head]
        } else {
            vec![head, kind - 7]
        };
        out.extend(ext);
        out
    }

    fn enc(v: &Value) -> Vec<u8> {
        match v {
            Value::Bool(b) => ctrl(14, usize::from(*b)),
            Value::String(s) => [ctrl(2, s.len()), s.as_bytes().to_vec()].concat(),
            Value::Number(n) => {
                let n = n.as_u64().unwrap();
                let b: Vec<u8> = n
                    .to_be_bytes()
                    .into_iter()
                    .skip_while(|&b| b == 0)
                    .collect();
                [ctrl(if n < 1 << 32 { 6 } else { 9 }, b.len()), b].concat()
            }
            Value::Object(m) => {
                let mut out = ctrl(7, m.len());
                for (k, x) in m {
                    out.extend(enc(&Value::String(k.clone())));
                    out.extend(enc(x));
                }
                out
            }
            Value::Array(a) => [ctrl(11, a.len()), a.iter().flat_map(enc).collect()].concat(),
            Value::Null => unreachable!(),
        }
    }

    fn uint16(n: u16) -> Vec<u8> {
        [ctrl(5, 2), n.to_be_bytes().to_vec()].concat()
    }

    /// An IPv4 MaxMind DB (32-bit records) mapping /24 networks (by their
    /// first address) to records.
    fn mmdb(dir: &Path, networks: &[(Ipv4Addr, Value)], kind: &str) -> std::path::PathBuf {
        #[derive(Clone, Copy)]
        enum R {
            Empty,
            Node(u32),
            Data(u32),
        }
        let mut data = Vec::new();
        let mut nodes = vec![[R::Empty; 2]];
        for (net, rec) in networks {
            let at = data.len() as u32;
            data.extend(enc(rec));
            let addr = u32::from(*net);
            let mut node = 0usize;
            for depth in 0..24 {
                let bit = ((addr >> (31 - depth)) & 1) as usize;
                if depth == 23 {
                    nodes[node][bit] = R::Data(at);
                } else {
                    node = match nodes[node][bit] {
                        R::Node(n) => n as usize,
                        _ => {
                            nodes.push([R::Empty; 2]);
                            nodes[node][bit] = R::Node(nodes.len() as u32 - 1);
                            nodes.len() - 1
                        }
                    };
                }
            }
        }
        let count = nodes.len() as u32;
        let mut out = Vec::new();
        for r in nodes.iter().flatten() {
            let v = match *r {
                R::Empty => count,
                R::Node(n) => n,
                R::Data(at) => count + 16 + at,
            };
            out.extend(v.to_be_bytes());
        }
        out.extend([0u8; 16]);
        out.extend(data);
        out.extend(b"\xab\xcd\xefMaxMind.com");
        out.extend(ctrl(7, 9));
        for (k, v) in [
            ("node_count", enc(&json!(count))),
            ("record_size", uint16(32)),
            ("ip_version", uint16(4)),
            ("database_type", enc(&json!(kind))),
            ("languages", enc(&json!(["en"]))),
            ("binary_format_major_version", uint16(2)),
            ("binary_format_minor_version", uint16(0)),
            (
                "build_epoch",
                [ctrl(9, 8), 1_700_000_000u64.to_be_bytes().to_vec()].concat(),
            ),
            ("description", enc(&json!({"en": "test"}))),
        ] {
            out.extend(enc(&json!(k)));
            out.extend(v);
        }
        let path = dir.join(format!("{kind}.mmdb"));
        std::fs::write(&path, out).unwrap();
        path
    }

    fn country(code: Value) -> Value {
        json!({"country": {"iso_code": code}})
    }

    /// `n` good networks from 1.0.0.0 up (more than opening samples).
    fn good(n: u32) -> Vec<(Ipv4Addr, Value)> {
        (0..n)
            .map(|i| (Ipv4Addr::from(0x0100_0000 + (i << 8)), country(json!("DE"))))
            .collect()
    }

    fn refused(path: &Path) -> String {
        match GeoIp::open(path) {
            Ok(_) => panic!("{} opened", path.display()),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn maxminds_country_databases_open() {
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/maxmind");
        for db in ["GeoIP2-Country-Test.mmdb", "GeoLite2-Country-Test.mmdb"] {
            let g = GeoIp::open(&data.join(db)).unwrap();
            assert!(g.lookup("81.2.69.142".parse().unwrap()).unwrap().is_some());
            assert_eq!(g.take_errors().count, 0);
        }
    }

    #[test]
    fn a_database_without_country_records_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let asn = json!({"autonomous_system_number": 13335, "autonomous_system_organization": "X"});
        let nets = |v: &Value| {
            (0..4)
                .map(|i| (Ipv4Addr::new(1, 0, i, 0), v.clone()))
                .collect::<Vec<_>>()
        };
        let e = refused(&mmdb(dir.path(), &nets(&asn), "GeoLite2-ASN"));
        assert!(
            e.contains("not a country database") && e.contains("GeoLite2-ASN.mmdb"),
            "{e}"
        );
        // The same records under a country-like name: no record names a country.
        let e = refused(&mmdb(dir.path(), &nets(&asn), "Some-Country"));
        assert!(e.contains("names a country"), "{e}");
        // A country as a string, a code as a number: the shape is wrong.
        for (kind, rec) in [
            ("String-Country", json!({"country": "DE"})),
            ("Number-Country", country(json!(276))),
        ] {
            let e = refused(&mmdb(dir.path(), &nets(&rec), kind));
            assert!(e.contains("does not decode as a country record"), "{e}");
        }
        // Empty.
        assert!(refused(&mmdb(dir.path(), &[], "Empty-Country")).contains("no networks"));
    }

    #[test]
    fn lookups_that_fail_are_counted_once_per_address() {
        let dir = tempfile::tempdir().unwrap();
        let mut nets = good(300);
        nets.push((Ipv4Addr::new(203, 0, 113, 0), country(json!(840))));
        let g = GeoIp::open(&mmdb(dir.path(), &nets, "Mixed-Country")).unwrap();
        let resolver = Resolver {
            geoip: Some(g),
            ..Default::default()
        };
        let ok = resolver.resolve("1.0.5.1");
        assert_eq!(
            (countries().code(ok.country), ok.source),
            ("DE", Source::Geoip)
        );
        for raw in ["203.0.113.9", "https://203.0.113.9/x", "203.0.113.7"] {
            let r = resolver.resolve(raw);
            assert_eq!(r.source, Source::Unresolved);
            assert!(r.detail.contains("lookup failed"), "{}", r.detail);
        }
        // An address of IPv6 in an IPv4 database is not in it: no error.
        resolver.resolve("2001:db8::1");
        let g = resolver.geoip.as_ref().unwrap();
        let e = g.take_errors();
        assert_eq!(e.count, 2);
        assert!(e.database.ends_with("Mixed-Country.mmdb"));
        let ips: Vec<&str> = e.first.iter().map(|x| x.ip.as_str()).collect();
        assert_eq!(ips, ["203.0.113.7", "203.0.113.9"]);
        assert_eq!(g.take_errors(), GeoipErrors::default());
    }
}
