//! A raw destination read: the host or IP that resolution uses, and the
//! destination as findings may show it, with its secrets redacted.

use std::net::IpAddr;

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
        .position(|c| matches!(c, b'/' | b'?' | b'#' | b' ' | b';'))
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

/// [`redact_destination`] remembered per raw destination: a feed names a
/// few endpoints again and again, and the walk over each url's path and
/// query cost about a thousand instructions a record. Bounded: past
/// [`RedactCache::MAX`] entries it starts afresh.
#[derive(Debug, Default)]
pub(crate) struct RedactCache {
    pub(super) shown: rustc_hash::FxHashMap<Box<str>, Option<Box<str>>>,
}

impl RedactCache {
    pub(super) const MAX: usize = 4096;

    /// `redact_destination(raw)`, from the cache when `raw` was met before.
    pub(crate) fn redact(&mut self, raw: &str) -> Option<&str> {
        if !self.shown.contains_key(raw) {
            if self.shown.len() >= Self::MAX {
                self.shown.clear();
            }
            let clean = redact_destination(raw).map(String::into_boxed_str);
            self.shown.insert(raw.into(), clean);
        }
        self.shown.get(raw).and_then(|c| c.as_deref())
    }
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
