//! Secrets: JSON Web Tokens and high-entropy strings that are not
//! placeholders.

fn b64url_value(b: u8) -> Option<u32> {
    Some(match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'-' | b'+' => 62,
        b'_' | b'/' => 63,
        _ => return None,
    } as u32)
}

/// Decode unpadded base64url (a trailing `=` padding is tolerated).
fn b64url_decode(s: &[u8]) -> Option<Vec<u8>> {
    let s = s
        .strip_suffix(b"==")
        .or_else(|| s.strip_suffix(b"="))
        .unwrap_or(s);
    if s.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in s {
        acc = (acc << 6) | b64url_value(b)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// JSON Web Token: three base64url segments (the signature may be empty),
/// a header that decodes to a JSON object with an `alg` member and a
/// payload that decodes.
pub fn jwt(s: &[u8]) -> bool {
    if s.len() > 16 * 1024 {
        return false;
    }
    let parts: Vec<&[u8]> = s.split(|&b| b == b'.').collect();
    if parts.len() != 3
        || parts[0].len() < 10
        || parts[1].is_empty()
        || !parts[0].starts_with(b"eyJ")
    {
        return false;
    }
    let url_safe = |p: &&[u8]| {
        p.iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if !parts.iter().all(url_safe) {
        return false;
    }
    let Some(header) = b64url_decode(parts[0]) else {
        return false;
    };
    let header = header.trim_ascii();
    if header.first() != Some(&b'{') || !header.windows(5).any(|w| w == b"\"alg\"") {
        return false;
    }
    b64url_decode(parts[1]).is_some() && b64url_decode(parts[2]).is_some()
}

/// HTTP Basic credentials (RFC 7617, `Authorization: Basic <b64>`): standard
/// base64 (padding optional) that decodes to printable `user-id:password`
/// with a password the `credential` check accepts (not empty, not a mask).
pub fn basic_auth(s: &[u8]) -> bool {
    if s.len() < 8 || s.len() > 1024 {
        return false;
    }
    // Standard alphabet only: `-` and `_` are base64url's, not Basic's.
    if !s
        .iter()
        .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
    {
        return false;
    }
    let Some(plain) = b64url_decode(s) else {
        return false;
    };
    if !plain
        .iter()
        .all(|&b| (0x20..0x7f).contains(&b) || b >= 0x80)
    {
        return false;
    }
    let Some(colon) = plain.iter().position(|&b| b == b':') else {
        return false;
    };
    colon > 0 && credential(&plain[colon + 1..])
}

/// Words that mark a value as a placeholder, not a real secret.
const PLACEHOLDERS: &[&[u8]] = &[
    b"example",
    b"placeholder",
    b"changeme",
    b"change_me",
    b"your_",
    b"your-",
    b"redacted",
    b"xxxxxx",
    b"******",
    b"<",
    b"${",
    b"{{",
    b"123456",
    b"abcdef",
    b"qwerty",
];

/// A keyword-anchored secret value: at least 16 characters, Shannon
/// entropy >= 3.0 bits per character, both letters and digits, and not a
/// placeholder (`your_api_key_here`, `${TOKEN}`, `xxxxxxxx…`, `123456…`).
pub fn high_entropy(s: &[u8]) -> bool {
    let s = s.trim_ascii();
    let s = s.strip_prefix(b"\"").unwrap_or(s);
    let s = s.strip_suffix(b"\"").unwrap_or(s);
    if s.len() < 16 || s.len() > 4096 {
        return false;
    }
    if !s.iter().any(u8::is_ascii_digit) || !s.iter().any(u8::is_ascii_alphabetic) {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    if PLACEHOLDERS
        .iter()
        .any(|p| lower.windows(p.len()).any(|w| w == *p))
    {
        return false;
    }
    shannon(s) >= 3.0
}

/// A token in a field named for one: the token68 characters of RFC 7235
/// (letters, digits, `-._~+/`, trailing `=`), so a Java object reference
/// (`android.os.BinderProxy@2bd79ce`) or a sentence is none, and high
/// entropy (see [`high_entropy`]).
pub fn token_value(s: &[u8]) -> bool {
    let t = s.trim_ascii();
    let t = t
        .strip_prefix(b"\"")
        .and_then(|x| x.strip_suffix(b"\""))
        .unwrap_or(t);
    let body = t
        .strip_suffix(b"==")
        .or_else(|| t.strip_suffix(b"="))
        .unwrap_or(t);
    body.iter()
        .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/'))
        && high_entropy(t)
}

fn shannon(s: &[u8]) -> f64 {
    let mut counts = [0u32; 256];
    for &b in s {
        counts[b as usize] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

/// A password or key written after its keyword (`Password=…;`,
/// `user:…@host`): any value of 4 to 256 characters that is not a
/// placeholder or a mask (`***`, `${DB_PASSWORD}`, `<password>`, `%s`).
/// Passwords are often short and plain, so no entropy bar.
pub fn credential(s: &[u8]) -> bool {
    let s = s.trim_ascii();
    let s = s.strip_prefix(b"\"").unwrap_or(s);
    let s = s.strip_suffix(b"\"").unwrap_or(s);
    // A mask in brackets: `[*****]`, `(hidden)`.
    let s = match (s.first(), s.last()) {
        (Some(b'['), Some(b']')) | (Some(b'('), Some(b')')) => &s[1..s.len() - 1],
        _ => s,
    };
    if s.len() < 4 || s.len() > 256 {
        return false;
    }
    if s.iter()
        .all(|&b| matches!(b, b'*' | b'x' | b'X' | b'.' | b'#' | b'?'))
    {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    let marked = [
        &b"${"[..],
        b"{{",
        b"<",
        b"%s",
        b"***",
        b"redacted",
        b"placeholder",
        b"changeme",
        b"your_",
        b"masked",
        b"hidden",
    ];
    if marked
        .iter()
        .any(|p| lower.windows(p.len()).any(|w| w == *p))
    {
        return false;
    }
    // The word itself, or an empty-ish value: `password=password`, `pwd=none`.
    !matches!(
        lower.as_slice(),
        b"password" | b"passwd" | b"secret" | b"none" | b"null" | b"true" | b"false" | b"empty"
    )
}
