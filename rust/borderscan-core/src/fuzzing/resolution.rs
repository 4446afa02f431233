//! Destination resolution: parsing, redaction and resolving any text, and
//! urls built from RFC 3986's grammar with their secrets marked.

use std::net::IpAddr;
use std::sync::OnceLock;

use crate::resolve::{self, Resolver, Target};

const SCHEME: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789+-.";
/// RFC 3986 `unreserved` and `sub-delims` (what a user info or a host may
/// hold; `:` is added for the user info).
const UNRESERVED_SUB: &[u8] =
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$'()*+,;=";
const HOST: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.";
/// `pchar` plus `/` (and `?` in a query): what a path or query may hold.
const PCHAR: &[u8] =
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$'()*+,;:@/";

/// Map fuzz bytes onto an alphabet.
fn pick(bytes: &[u8], alphabet: &[u8], extra: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            let i = usize::from(b) % (alphabet.len() + extra.len());
            char::from(
                *alphabet
                    .get(i)
                    .unwrap_or_else(|| &extra[i - alphabet.len()]),
            )
        })
        .collect()
}

/// Arbitrary text never panics `parse_target`, `redact_destination` or
/// the resolver, and redaction is idempotent. Then a url built from the
/// bytes by RFC 3986's grammar, with secrets marked `§`: the displayed
/// destination (redacted, or raw when nothing needs redacting) never shows
/// a secret, and `parse_target` finds the url's host.
pub fn resolve(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let resolver = resolver();
    let shown = resolve::redact_destination(&text);
    if let Some(s) = &shown {
        let twice = resolve::redact_destination(s);
        assert!(
            twice.is_none() || twice.as_ref() == Some(s),
            "redaction is not idempotent: {s:?} -> {twice:?}"
        );
    }
    let target = resolve::parse_target(&text);
    if let Some(Target::Host(h) | Target::Word(h)) = &target {
        assert!(!h.is_empty() && h.len() <= 253 && !h.ends_with('.'));
        assert_eq!(h, &h.to_ascii_lowercase());
    }
    assert!(!resolve::authority(&text).contains('/'));
    let r = resolver.resolve(&text);
    let (r2, steps) = resolver.explain(&text);
    assert_eq!(r.country, r2.country);
    assert_eq!(r.source, r2.source);
    assert_eq!(
        r.host,
        target
            .as_ref()
            .map(Target::host)
            .filter(|_| r.host.is_some())
    );
    if target.is_some() {
        assert!(!steps.is_empty());
    }
    // Where a record goes, read out of arbitrary text: never a panic, and
    // every span a slice of the text on character boundaries.
    let vocab = resolve::Vocabulary::builtin();
    if let Some((s, e)) = vocab.sent_to(&text) {
        assert!(s < e && text.is_char_boundary(s) && text.is_char_boundary(e));
    }
    for found in [vocab.find_discovered(&text), vocab.find_named(&text)]
        .into_iter()
        .flatten()
    {
        assert!(!found.is_empty() && text.contains(found));
    }
    for case in [resolve::SiteCase::Text, resolve::SiteCase::Any] {
        if let Some((code, _)) = resolve::site_code_in(&text, case) {
            assert!(code.len() >= 6 && text.contains(code));
        }
    }

    // Structured: parts separated by 0xFF bytes.
    let parts: Vec<&[u8]> = data.split(|&b| b == 0xFF).collect();
    let part = |i: usize| parts.get(i).copied().unwrap_or_default();
    let scheme = pick(part(0), SCHEME, b"");
    let user = pick(part(1), UNRESERVED_SUB, b":");
    let host = pick(part(2), HOST, b"");
    let path = pick(part(3), PCHAR, b"");
    let mut url = String::new();
    let has_scheme = !scheme.is_empty() && scheme.as_bytes()[0].is_ascii_alphabetic();
    if has_scheme {
        url.push_str(&scheme);
        url.push_str("://");
    }
    let has_user = part(1).first().is_some_and(|b| b & 1 == 1);
    if has_user {
        url.push('§');
        url.push_str(&user);
        url.push('§');
        url.push('@');
    }
    url.push_str(&host);
    if !path.is_empty() {
        url.push('/');
        url.push_str(&path);
    }
    let mut query = false;
    for (i, q) in parts.iter().skip(4).enumerate().take(4) {
        url.push(if i == 0 { '?' } else { '&' });
        query = true;
        let (k, v) = q.split_at(q.len() / 2);
        url.push_str(&pick(k, b"abcdefghijklmnopqrstuvwxyz_", b""));
        url.push('=');
        url.push('§');
        // Query values may hold `/`, `?`, `:` and `@` (RFC 3986 §3.4).
        url.push_str(&pick(v, PCHAR, b"?"));
        url.push('§');
    }
    let shown = resolve::redact_destination(&url).unwrap_or_else(|| url.clone());
    assert!(
        !shown.contains('§'),
        "secret shown: {url:?} is displayed as {shown:?}"
    );
    let _ = query;
    // The host is what parse_target reads, whatever the rest holds.
    let clean = host.trim_end_matches('.').to_ascii_lowercase();
    if !has_user
        && !clean.is_empty()
        && !clean.contains("..")
        && clean.parse::<IpAddr>().is_err()
        && clean.bytes().any(|b| b.is_ascii_alphabetic())
    {
        let want = if clean.contains('.') {
            Target::Host(clean.clone())
        } else {
            Target::Word(clean.clone())
        };
        assert_eq!(resolve::parse_target(&url), Some(want), "host of {url:?}");
    }
}

fn resolver() -> &'static Resolver {
    static R: OnceLock<Resolver> = OnceLock::new();
    R.get_or_init(|| {
        let overrides = resolve::Overrides::new(
            vec![(
                "*.vendor.example".into(),
                crate::country::countries().lookup("DE").expect("DE"),
            )],
            vec![(
                "10.0.0.0/8".parse().expect("cidr"),
                crate::country::countries().lookup("CN").expect("CN"),
            )],
        )
        .expect("overrides");
        Resolver {
            overrides,
            geoip: None,
        }
    })
}
