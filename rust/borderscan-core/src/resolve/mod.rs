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
pub(crate) use extract::Extractor;

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

/// A destination as found in a record, reduced to what resolution uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Ip(IpAddr),
    /// A host name, lower case, without a trailing dot.
    Host(String),
    /// A single word (`europe-west3`, `localhost`): perhaps a region code.
    Word(String),
}

impl Target {
    /// The host as shown in findings (`dest_host`).
    pub fn host(&self) -> String {
        match self {
            Target::Ip(ip) => ip.to_string(),
            Target::Host(h) | Target::Word(h) => h.clone(),
        }
    }
}

/// The part of a raw destination that [`parse_target`] reads (and so all
/// a resolution depends on): scheme, path, query and fragment cut off.
/// Never contains `/`.
pub fn authority(raw: &str) -> &str {
    let mut s = raw.trim();
    s = &s[after_scheme(s)..];
    let end = s
        .bytes()
        .position(|c| matches!(c, b'/' | b'?' | b'#' | b' '))
        .unwrap_or(s.len());
    &s[..end]
}

/// Where the authority starts: just after `scheme://` when the first `/`
/// of the text is the one of that `://` (with no `?` or `#` before it),
/// else 0. A `://` further on lies in a path or query (`h?cb=https://x`):
/// taking it for the scheme's made the resolver read the query and
/// redaction show the user info and query values as they were.
fn after_scheme(s: &str) -> usize {
    // Byte searches (all ASCII, so the cut falls on a char boundary).
    let b = s.as_bytes();
    match memchr::memchr3(b'/', b'?', b'#', b) {
        Some(i) if i > 0 && b[i - 1] == b':' && b[i..].starts_with(b"//") => i + 2,
        _ => 0,
    }
}

/// Extract the host or IP from a url (`https://user@host:443/path`), a
/// `host:port`, a bracketed IPv6 (`[::1]:8080`), a bare IP or a host.
pub fn parse_target(raw: &str) -> Option<Target> {
    let mut s = authority(raw);
    if let Some(i) = s.rfind('@') {
        s = &s[i + 1..];
    }
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(Target::Ip(ip));
    }
    let host = if let Some(rest) = s.strip_prefix('[') {
        rest.split(']').next().unwrap_or(rest)
    } else {
        match s.rsplit_once(':') {
            Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
            _ => s,
        }
    };
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Some(Target::Ip(ip));
    }
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let valid = !host.is_empty()
        && host.len() <= 253
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_');
    if !valid {
        return None;
    }
    Some(if host.contains('.') {
        Target::Host(host)
    } else {
        Target::Word(host)
    })
}

/// A destination as findings show it: credentials in a url's user info, the
/// value-like segments of its path and every query value masked
/// (`https://***@host/users/***/p?token=***`), and the fragment dropped,
/// since urls in telemetry carry tokens, ids and e-mail addresses in all of
/// those places. Returns None when nothing needs masking.
pub fn redact_destination(raw: &str) -> Option<String> {
    // Runs for every record with findings: byte searches only (a `str::find`
    // with a string pattern builds a searcher on every call), and most
    // destinations need nothing, after one pass over the path.
    // The scheme's `://` comes before any `/`, `?` or `#`: one inside a
    // query (`?cb=https://x`) is not it (found by the resolve fuzz target).
    let (scheme, rest) = raw.split_at(after_scheme(raw));
    let head_end = memchr::memchr2(b'?', b'#', rest.as_bytes()).unwrap_or(rest.len());
    let (head, tail) = rest.split_at(head_end);
    let (auth, path) = head.split_at(memchr::memchr(b'/', head.as_bytes()).unwrap_or(head.len()));
    let at = memchr::memrchr(b'@', auth.as_bytes());
    if at.is_none() && tail.is_empty() && !path.split('/').any(value_like_segment) {
        return None;
    }
    let mut out = String::with_capacity(raw.len());
    out.push_str(scheme);
    match at {
        Some(i) => {
            out.push_str("***@");
            out.push_str(&auth[i + 1..]);
        }
        None => out.push_str(auth),
    }
    for (i, seg) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.push_str(if value_like_segment(seg) { "***" } else { seg });
    }
    // The fragment is dropped: it never reaches the server, and single-page
    // apps put tokens there (`#access_token=...`).
    if let Some(query) = tail.strip_prefix('?') {
        let params = query.split('#').next().unwrap_or("");
        if !params.is_empty() {
            out.push('?');
            for (i, p) in params.split('&').enumerate() {
                if i > 0 {
                    out.push('&');
                }
                match p.split_once('=') {
                    Some((k, _)) => {
                        out.push_str(k);
                        out.push_str("=***");
                    }
                    // A bare value (`?3f9a...`) is as likely a token as a flag.
                    None if !p.is_empty() => out.push_str("***"),
                    None => {}
                }
            }
        }
    }
    Some(out)
}

/// Whether a url path segment looks like a value (a token, an id, an e-mail
/// address, a phone number) rather than a route, bucket or file name (`v1`,
/// `telemetry-ingest`, `plant-2026`, `cam07-2026-11-02.json`). Errs towards
/// masking: the host, which resolution needs, is never masked.
fn value_like_segment(seg: &str) -> bool {
    let b = seg.as_bytes();
    if b.len() > 40 {
        return true;
    }
    // One pass: this runs on every segment of every destination.
    let (mut run, mut digit, mut upper, mut lower, mut separated) = (0, false, false, false, false);
    for &c in b {
        match c {
            b'0'..=b'9' => {
                // Seven digits in a row: a phone, card, account or record
                // number (dates and versions have four at most).
                run += 1;
                if run >= 7 {
                    return true;
                }
                digit = true;
                continue;
            }
            b'A'..=b'Z' => upper = true,
            b'a'..=b'z' => lower = true,
            b'-' | b'_' | b'.' => separated = true,
            // Addresses, phone numbers, encoded or key=value material, and
            // anything not ASCII (names).
            b'@' | b'=' | b':' | b'%' | b'+' | b'~' | b';' | b',' | 0x80.. => return true,
            _ => {}
        }
        run = 0;
    }
    // A long run without word separators, or mixing cases and digits, is a
    // token or key (`sess9f8e...`, `.../B0000/FAKEfake...`), not a name.
    (!separated && (b.len() >= 16 || (b.len() >= 12 && digit)))
        || (b.len() >= 16 && digit && upper && lower)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn id(c: &str) -> CountryId {
        countries().lookup(c).unwrap()
    }

    #[test]
    fn targets() {
        let h = |s: &str| Some(Target::Host(s.into()));
        assert_eq!(
            parse_target("https://u:p@API.Vendor.example:8443/x?y"),
            h("api.vendor.example")
        );
        assert_eq!(
            parse_target("mqtts://broker.example.de"),
            h("broker.example.de")
        );
        assert_eq!(
            parse_target("broker.example.de:1883"),
            h("broker.example.de")
        );
        assert_eq!(
            parse_target("[2001:db8::1]:443"),
            Some(Target::Ip("2001:db8::1".parse().unwrap()))
        );
        assert_eq!(
            parse_target("2001:db8::1"),
            Some(Target::Ip("2001:db8::1".parse().unwrap()))
        );
        assert_eq!(
            parse_target("http://10.1.2.3:80/"),
            Some(Target::Ip("10.1.2.3".parse().unwrap()))
        );
        assert_eq!(
            parse_target("europe-west3"),
            Some(Target::Word("europe-west3".into()))
        );
        assert_eq!(
            parse_target("not a host!"),
            Some(Target::Word("not".into()))
        );
        assert_eq!(parse_target("<>"), None);
    }

    #[test]
    fn destinations_are_redacted() {
        assert_eq!(
            redact_destination("https://u:gho_SECRET@github.com/o/r?token=abc&x=1#f").as_deref(),
            Some("https://***@github.com/o/r?token=***&x=***")
        );
        assert_eq!(redact_destination("https://api.example.de/v1/up"), None);
        assert_eq!(
            redact_destination("broker.example:8883?key=k").as_deref(),
            Some("broker.example:8883?key=***")
        );
        // Value-like path segments, bare query values and the fragment.
        assert_eq!(
            redact_destination(
                "https://api.example.com/v1/users/li.wei@example.cn/reset/eyJhbGciOiJIUzI1NiJ9x?k=v&3f9a2b#access_token=SECRET"
            )
            .as_deref(),
            Some("https://api.example.com/v1/users/***/reset/***?k=***&***")
        );
        assert_eq!(
            redact_destination("https://h.example/devices/+8613800138000/up").as_deref(),
            Some("https://h.example/devices/***/up")
        );
        assert_eq!(
            redact_destination("https://h.example/cb#id_token=abc").as_deref(),
            Some("https://h.example/cb")
        );
        assert_eq!(
            redact_destination(
                "https://hooks.slack.com/services/T0000000/B0000000/FAKEFAKEFAKEFAKEFAKEFAKE"
            )
            .as_deref(),
            Some("https://hooks.slack.com/services/***/***/***")
        );
        // Route, bucket and file names and short versions stay readable.
        assert_eq!(
            redact_destination("https://h.example/api/v2/telemetry-ingest/2026"),
            None
        );
        assert_eq!(
            redact_destination(
                "https://storage.googleapis.com/plant-2026/rigs/cam07-2026-11-02.json"
            ),
            None
        );
        assert_eq!(
            redact_destination(
                "https://h.example/d/550e8400-e29b-41d4-a716-446655440000/c0ffee42deadbeef/x"
            )
            .as_deref(),
            Some("https://h.example/d/***/***/x")
        );
        assert_eq!(redact_destination("mqtt.example.cn:8883"), None);
        assert_eq!(redact_destination("10.1.2.3"), None);
        // Resolution still sees the host.
        let r = Resolver::default();
        let x = r.resolve(&redact_destination("https://u:p@telemetry.foo.co.jp/?a=b").unwrap());
        assert_eq!(x.host.as_deref(), Some("telemetry.foo.co.jp"));
    }

    #[test]
    fn precedence() {
        let r = Resolver {
            overrides: Overrides::new(
                vec![("*.amazonaws.com".into(), id("JP"))],
                vec![("10.0.0.0/8".parse().unwrap(), id("DE"))],
            )
            .unwrap(),
            geoip: None,
        };
        // The policy beats the cloud table.
        let x = r.resolve("https://s3.eu-central-1.amazonaws.com/b");
        assert_eq!((x.country, x.source), (id("JP"), Source::Policy));
        let x = r.resolve("10.2.3.4");
        assert_eq!((x.country, x.source), (id("DE"), Source::Policy));
        let x = r.resolve("https://oss-cn-hangzhou.aliyuncs.com/");
        assert_eq!((x.country, x.source), (id("CN"), Source::Cloud));
        let x = r.resolve("https://telemetry.foo.co.jp/");
        assert_eq!((x.country, x.source), (id("JP"), Source::Tld));
        let x = r.resolve("https://collector.example.io/");
        assert_eq!((x.country, x.source), (UNKNOWN, Source::Unresolved));
        let x = r.resolve("https://collector.example.eu/");
        assert_eq!((x.country, x.source), (INDETERMINATE, Source::Tld));
        let x = r.resolve("https://host.invalidtld/");
        assert_eq!(x.source, Source::Unresolved);
        let x = r.resolve("192.168.1.1");
        assert_eq!(x.source, Source::Unresolved);
        let (_, steps) = r.explain("https://telemetry.foo.co.jp/");
        let sources: Vec<Source> = steps.iter().map(|s| s.source).collect();
        assert_eq!(
            sources,
            [Source::Policy, Source::Cloud, Source::Geoip, Source::Tld]
        );
    }
}
