//! E-mail addresses, without file names that look like them.

/// File extensions that make `name@2x.png` look like an email address.
const FILE_EXTS: &[&[u8]] = &[
    b"png", b"jpg", b"jpeg", b"gif", b"svg", b"webp", b"bmp", b"ico", b"tif", b"tiff", b"css",
    b"js",
];

/// Email address: a sane local part (no leading, trailing or doubled dot),
/// a domain with at least two labels of letters, digits and inner hyphens,
/// an alphabetic TLD of 2-24 characters that is not an image or asset file
/// extension.
pub fn email(s: &[u8]) -> bool {
    let Some(at) = s.iter().rposition(|&b| b == b'@') else {
        return false;
    };
    let (local, domain) = (&s[..at], &s[at + 1..]);
    if local.is_empty() || local.len() > 64 || domain.len() > 253 {
        return false;
    }
    let local_ok = |b: &u8| b.is_ascii_alphanumeric() || b".!#$%&'*+/=?^_`{|}~-".contains(b);
    if !local.iter().all(local_ok) || local[0] == b'.' || local[local.len() - 1] == b'.' {
        return false;
    }
    if local.windows(2).any(|w| w == b"..") {
        return false;
    }
    let labels: Vec<&[u8]> = domain.split(|&b| b == b'.').collect();
    if labels.len() < 2 {
        return false;
    }
    for l in &labels {
        if l.is_empty() || l.len() > 63 || l[0] == b'-' || l[l.len() - 1] == b'-' {
            return false;
        }
        if !l.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-') {
            return false;
        }
    }
    let tld = labels[labels.len() - 1];
    if !(2..=24).contains(&tld.len()) || !tld.iter().all(u8::is_ascii_alphabetic) {
        return false;
    }
    let tld = tld.to_ascii_lowercase();
    !FILE_EXTS.contains(&tld.as_slice())
}
