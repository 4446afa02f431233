//! Validators: pure checks over a regex capture, so look-alikes (a random
//! 16-digit number, an 18-digit ID with a wrong check character, a version
//! string) are not reported.
//!
//! Every validator takes the raw capture, which may still contain
//! separators (spaces, dashes, dots); each strips what its format allows.

use std::net::{Ipv4Addr, Ipv6Addr};

/// A validator over the captured bytes of a value rule.
pub type Validator = fn(&[u8]) -> bool;

/// Every validator name that `by_name` knows.
pub const NAMES: &[&str] = &[
    "luhn",
    "imei",
    "cn_resident_id",
    "jp_my_number",
    "kr_rrn",
    "de_steuer_id",
    "vn_cccd",
    "iban",
    "mac",
    "ipv4",
    "ipv6",
    "gps_pair",
    "email",
    "jwt",
    "high_entropy",
    "phone_cn",
    "phone_de",
    "phone_jp",
    "phone_vn",
    "phone_kr",
    "phone_e164",
];

/// Look a validator up by the name a rule pack uses.
pub fn by_name(name: &str) -> Option<Validator> {
    let v: Validator = match name {
        "luhn" => luhn,
        "imei" => imei,
        "cn_resident_id" => cn_resident_id,
        "jp_my_number" => jp_my_number,
        "kr_rrn" => kr_rrn,
        "de_steuer_id" => de_steuer_id,
        "vn_cccd" => vn_cccd,
        "iban" => iban,
        "mac" => mac,
        "ipv4" => ipv4,
        "ipv6" => ipv6,
        "gps_pair" => gps_pair,
        "email" => email,
        "jwt" => jwt,
        "high_entropy" => high_entropy,
        "phone_cn" => phone_cn,
        "phone_de" => phone_de,
        "phone_jp" => phone_jp,
        "phone_vn" => phone_vn,
        "phone_kr" => phone_kr,
        "phone_e164" => phone_e164,
        _ => return None,
    };
    Some(v)
}

// ---------------------------------------------------------------- helpers

/// The capture without the separators in `seps`; `None` if anything else
/// but ASCII digits remains (or it is too long to be any ID).
fn digits_only(s: &[u8], seps: &[u8]) -> Option<Vec<u8>> {
    if s.len() > 64 {
        return None;
    }
    let mut out = Vec::with_capacity(s.len());
    for &b in s {
        if b.is_ascii_digit() {
            out.push(b - b'0');
        } else if !seps.contains(&b) {
            return None;
        }
    }
    Some(out)
}

fn all_same(d: &[u8]) -> bool {
    d.windows(2).all(|w| w[0] == w[1])
}

/// Luhn over digit values (0-9), check digit last.
fn luhn_ok(d: &[u8]) -> bool {
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            let x = u32::from(x);
            if i % 2 == 1 {
                let y = x * 2;
                if y > 9 { y - 9 } else { y }
            } else {
                x
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

fn num(d: &[u8]) -> u32 {
    d.iter().fold(0, |a, &x| a * 10 + u32::from(x))
}

fn is_leap(y: u32) -> bool {
    (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400)
}

fn valid_date(y: u32, m: u32, d: u32) -> bool {
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// Latest birth year accepted in national IDs.
const MAX_YEAR: u32 = 2026;

// ---------------------------------------------------------------- cards, devices

/// Payment card: 13-19 digits (spaces or dashes allowed), Luhn, and an
/// issuer prefix that fits the length: 16-19 digits start with 2-6
/// (Mastercard 2/5, Visa 4, JCB 35, Discover and UnionPay 6), 15 digits
/// are Amex (34/37), 14 Diners (30/36/38/39), 13 old Visa (4). This keeps
/// 15-digit IMEIs and other Luhn numbers out.
///
/// An 18-digit number written without separators that has the shape of a
/// PRC resident ID (a province code, then a birth date YYYYMMDD 1900-2026
/// in digits 7-14) is not a card, whatever its last digit: one such ID in
/// ten passes Luhn by chance, while 18-digit PANs are rare (issuers use 16
/// and 19) and hardly ever printed unseparated with a date in the middle.
/// The ID's own MOD 11-2 check is not required, so mistyped IDs are not
/// reported as cards either.
pub fn luhn(s: &[u8]) -> bool {
    let Some(d) = digits_only(s, b" -") else {
        return false;
    };
    let prefix_ok = match d.len() {
        16..=19 => (2..=6).contains(&d[0]),
        15 => d[0] == 3 && matches!(d[1], 4 | 7),
        14 => d[0] == 3 && matches!(d[1], 0 | 6 | 8 | 9),
        13 => d[0] == 4,
        _ => false,
    };
    if d.len() == 18 && s.len() == 18 && cn_id_shape(&d) {
        return false;
    }
    prefix_ok && !all_same(&d) && luhn_ok(&d)
}

/// IMEI: 15 digits with a Luhn check digit, not one digit repeated.
pub fn imei(s: &[u8]) -> bool {
    let Some(d) = digits_only(s, b" -/") else {
        return false;
    };
    d.len() == 15 && !all_same(&d) && luhn_ok(&d)
}

// ---------------------------------------------------------------- national IDs

/// Province-level codes (first two digits) of the PRC resident ID.
const CN_PROVINCES: &[u32] = &[
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
];

/// The first 14 digit values (or more) of a PRC resident ID: a province
/// code, four digits of area, and a real birth date YYYYMMDD, 1900-2026.
fn cn_id_shape(d: &[u8]) -> bool {
    if d.len() < 14 || !CN_PROVINCES.contains(&num(&d[0..2])) {
        return false;
    }
    let year = num(&d[6..10]);
    (1900..=MAX_YEAR).contains(&year) && valid_date(year, num(&d[10..12]), num(&d[12..14]))
}

/// PRC resident identity card (GB 11643-1999): 17 digits and an ISO 7064
/// MOD 11-2 check character (0-9 or X), a real birth date 1900-2026 and a
/// province code.
pub fn cn_resident_id(s: &[u8]) -> bool {
    if s.len() != 18 || !s[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let d: Vec<u8> = s[..17].iter().map(|&b| b - b'0').collect();
    if !cn_id_shape(&d) {
        return false;
    }
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = d.iter().zip(W).map(|(&a, w)| u32::from(a) * w).sum();
    let expected = b"10X98765432"[(sum % 11) as usize];
    s[17].to_ascii_uppercase() == expected
}

/// Japanese Individual Number (My Number): 12 digits, the last a check
/// digit: with P(n) the n-th digit from the right of the first 11 and
/// Q(n) = n+1 for n <= 6, n-5 for n >= 7, r = sum(P*Q) mod 11 and the check
/// digit is 0 if r <= 1, else 11 - r.
///
/// Written as 12 digits or as three groups of four with one separator
/// (`dddd dddd dddd`, `dddd-dddd-dddd`); the rule captures the whole digit
/// run around a candidate, so longer runs (a spaced card or IBAN), mixed
/// grouping (`0151 84088999`) and a glued `+` or letters are rejected here.
pub fn jp_my_number(s: &[u8]) -> bool {
    let shape_ok = match s.len() {
        12 => true,
        14 => matches!(s[4], b' ' | b'-') && s[9] == s[4],
        _ => false,
    };
    if !shape_ok {
        return false;
    }
    let Some(d) = digits_only(s, b" -") else {
        return false;
    };
    if d.len() != 12 || all_same(&d) {
        return false;
    }
    let sum: u32 = (1..=11)
        .map(|n| {
            let p = u32::from(d[11 - n]);
            let q = if n <= 6 { n + 1 } else { n - 5 } as u32;
            p * q
        })
        .sum();
    let r = sum % 11;
    let check = if r <= 1 { 0 } else { 11 - r };
    u32::from(d[11]) == check
}

/// Korean resident registration number YYMMDD-GNNNNNC: a real date, a
/// gender/century digit 1-8 (1,2,5,6: 1900s; 3,4,7,8: 2000s) and the check
/// digit C = (11 - sum(d_i * [2,3,4,5,6,7,8,9,2,3,4,5]) mod 11) mod 10.
pub fn kr_rrn(s: &[u8]) -> bool {
    // Either 13 digits or the separator exactly after the birth date.
    if s.len() == 14 && !matches!(s[6], b'-' | b' ') {
        return false;
    }
    let Some(d) = digits_only(s, b" -") else {
        return false;
    };
    if d.len() != 13 {
        return false;
    }
    let century = match d[6] {
        1 | 2 | 5 | 6 => 1900,
        3 | 4 | 7 | 8 => 2000,
        _ => return false,
    };
    let year = century + num(&d[0..2]);
    if year > MAX_YEAR || !valid_date(year, num(&d[2..4]), num(&d[4..6])) {
        return false;
    }
    const W: [u32; 12] = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
    let sum: u32 = d[..12].iter().zip(W).map(|(&a, w)| u32::from(a) * w).sum();
    u32::from(d[12]) == (11 - sum % 11) % 10
}

/// German tax identification number (Steuer-IdNr): 11 digits, no leading
/// zero, in the first ten exactly one digit occurs twice or three times
/// (three times not in a row) and the others at most once, and an ISO 7064
/// MOD 11,10 check digit.
///
/// Written as 11 digits or grouped `dd ddd ddd ddd` with single spaces; the
/// rule captures the whole digit run with a glued `+` or letters, so phone
/// numbers (`+84 324 647 901`) and other groupings are rejected here.
pub fn de_steuer_id(s: &[u8]) -> bool {
    let shape_ok = match s.len() {
        11 => true,
        14 => s[2] == b' ' && s[6] == b' ' && s[10] == b' ',
        _ => false,
    };
    if !shape_ok {
        return false;
    }
    let Some(d) = digits_only(s, b" ") else {
        return false;
    };
    if d.len() != 11 || d[0] == 0 {
        return false;
    }
    let mut counts = [0u8; 10];
    for &x in &d[..10] {
        counts[x as usize] += 1;
    }
    let multi: Vec<usize> = (0..10).filter(|&i| counts[i] > 1).collect();
    if multi.len() != 1 || counts[multi[0]] > 3 {
        return false;
    }
    if counts[multi[0]] == 3 && d[..10].windows(3).any(|w| w[0] == w[1] && w[1] == w[2]) {
        return false;
    }
    let mut product = 10u32;
    for &x in &d[..10] {
        let mut sum = (u32::from(x) + product) % 10;
        if sum == 0 {
            sum = 10;
        }
        product = (sum * 2) % 11;
    }
    let check = (11 - product) % 10;
    u32::from(d[10]) == check
}

/// Province codes of the Vietnamese citizen ID (CCCD), 001-096.
const VN_PROVINCES: &[u32] = &[
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37,
    38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77,
    79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
];

/// Vietnamese citizen identity card (CCCD): 12 digits, a province code,
/// a century/gender digit (0/1: 1900s, 2/3: 2000s, 4-9: later centuries)
/// and a birth year that together give a year from 1900 to 2026.
pub fn vn_cccd(s: &[u8]) -> bool {
    let Some(d) = digits_only(s, b" ") else {
        return false;
    };
    if d.len() != 12 || !VN_PROVINCES.contains(&num(&d[0..3])) {
        return false;
    }
    let year = 1900 + 100 * u32::from(d[3] / 2) + num(&d[4..6]);
    (1900..=MAX_YEAR).contains(&year) && !all_same(&d[6..])
}

// ---------------------------------------------------------------- IBAN

/// IBAN length by country (SWIFT IBAN registry).
const IBAN_LENGTHS: &[(&[u8; 2], usize)] = &[
    (b"AD", 24),
    (b"AE", 23),
    (b"AL", 28),
    (b"AT", 20),
    (b"AZ", 28),
    (b"BA", 20),
    (b"BE", 16),
    (b"BG", 22),
    (b"BH", 22),
    (b"BR", 29),
    (b"CH", 21),
    (b"CR", 22),
    (b"CY", 28),
    (b"CZ", 24),
    (b"DE", 22),
    (b"DK", 18),
    (b"DO", 28),
    (b"EE", 20),
    (b"EG", 29),
    (b"ES", 24),
    (b"FI", 18),
    (b"FO", 18),
    (b"FR", 27),
    (b"GB", 22),
    (b"GE", 22),
    (b"GI", 23),
    (b"GL", 18),
    (b"GR", 27),
    (b"GT", 28),
    (b"HR", 21),
    (b"HU", 28),
    (b"IE", 22),
    (b"IL", 23),
    (b"IS", 26),
    (b"IT", 27),
    (b"JO", 30),
    (b"KW", 30),
    (b"KZ", 20),
    (b"LB", 28),
    (b"LI", 21),
    (b"LT", 20),
    (b"LU", 20),
    (b"LV", 21),
    (b"MC", 27),
    (b"MD", 24),
    (b"ME", 22),
    (b"MK", 19),
    (b"MR", 27),
    (b"MT", 31),
    (b"MU", 30),
    (b"NL", 18),
    (b"NO", 15),
    (b"PK", 24),
    (b"PL", 28),
    (b"PS", 29),
    (b"PT", 25),
    (b"QA", 29),
    (b"RO", 24),
    (b"RS", 22),
    (b"SA", 24),
    (b"SE", 24),
    (b"SI", 19),
    (b"SK", 24),
    (b"SM", 27),
    (b"TN", 24),
    (b"TR", 26),
    (b"UA", 29),
    (b"VG", 24),
    (b"XK", 20),
];

/// IBAN: known country, that country's length, two check digits and
/// mod 97 == 1 over the rearranged number. Spaces are allowed.
pub fn iban(s: &[u8]) -> bool {
    if s.len() > 48 {
        return false;
    }
    let v: Vec<u8> = s
        .iter()
        .filter(|&&b| b != b' ')
        .map(u8::to_ascii_uppercase)
        .collect();
    if v.len() < 15 || !v.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    if !v[0].is_ascii_uppercase()
        || !v[1].is_ascii_uppercase()
        || !v[2].is_ascii_digit()
        || !v[3].is_ascii_digit()
    {
        return false;
    }
    let Some(&(_, len)) = IBAN_LENGTHS.iter().find(|(c, _)| c[..] == v[..2]) else {
        return false;
    };
    if v.len() != len {
        return false;
    }
    let mut rem = 0u32;
    for &b in v[4..].iter().chain(&v[..4]) {
        if b.is_ascii_digit() {
            rem = (rem * 10 + u32::from(b - b'0')) % 97;
        } else {
            rem = (rem * 100 + u32::from(b - b'A') + 10) % 97;
        }
    }
    rem == 1
}

// ---------------------------------------------------------------- network

/// MAC address: six hex octets separated by `:` or `-` (consistently), or
/// Cisco's `xxxx.xxxx.xxxx`; not all-zero and not broadcast.
pub fn mac(s: &[u8]) -> bool {
    let hex: Vec<u8> = match s.len() {
        17 => {
            let sep = s[2];
            if sep != b':' && sep != b'-' {
                return false;
            }
            let mut out = Vec::with_capacity(12);
            for (i, &b) in s.iter().enumerate() {
                if i % 3 == 2 {
                    if b != sep {
                        return false;
                    }
                } else {
                    out.push(b);
                }
            }
            out
        }
        14 => {
            if s[4] != b'.' || s[9] != b'.' {
                return false;
            }
            s.iter().copied().filter(|&b| b != b'.').collect()
        }
        _ => return false,
    };
    if hex.len() != 12 || !hex.iter().all(u8::is_ascii_hexdigit) {
        return false;
    }
    !hex.iter().all(|&b| b == b'0') && !hex.iter().all(|&b| b == b'f' || b == b'F')
}

/// IPv4 dotted quad, parsed by the standard library; octets with a leading
/// zero (`01.2.3.4`, often version numbers or octal) are rejected, and so
/// are addresses in 0.0.0.0/8 and 255.0.0.0/8 (unspecified, netmasks,
/// broadcast), which identify nobody.
pub fn ipv4(s: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(s) else {
        return false;
    };
    if text.split('.').any(|o| o.len() > 1 && o.starts_with('0')) {
        return false;
    }
    match text.parse::<Ipv4Addr>() {
        Ok(a) => !matches!(a.octets()[0], 0 | 255),
        Err(_) => false,
    }
}

/// IPv6, parsed by the standard library, with at least two colons; the
/// unspecified address `::` is rejected.
pub fn ipv6(s: &[u8]) -> bool {
    if s.iter().filter(|&&b| b == b':').count() < 2 {
        return false;
    }
    let Ok(text) = std::str::from_utf8(s) else {
        return false;
    };
    match text.parse::<Ipv6Addr>() {
        Ok(a) => !a.is_unspecified(),
        Err(_) => false,
    }
}

// ---------------------------------------------------------------- geolocation

/// One decimal coordinate with at least four decimals.
fn coord(t: &[u8]) -> Option<f64> {
    let body = t
        .strip_prefix(b"-")
        .or_else(|| t.strip_prefix(b"+"))
        .unwrap_or(t);
    let dot = body.iter().position(|&b| b == b'.')?;
    let (int, frac) = (&body[..dot], &body[dot + 1..]);
    if int.is_empty() || int.len() > 3 || frac.len() < 4 || frac.len() > 15 {
        return None;
    }
    if !int.iter().chain(frac).all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(t).ok()?.parse().ok()
}

/// `lat, lon` (comma and/or spaces between): latitude in [-90, 90],
/// longitude in [-180, 180], both with >= 4 decimals, and not both within
/// one degree of zero: that is open sea off West Africa, while unit
/// vectors, quaternions and matrix rows (`0.99984, 0.01745`) land there.
pub fn gps_pair(s: &[u8]) -> bool {
    let mut parts = s
        .split(|&b| b == b',' || b == b' ' || b == b';')
        .filter(|p| !p.is_empty());
    let (Some(a), Some(b), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let (Some(lat), Some(lon)) = (coord(a), coord(b)) else {
        return false;
    };
    (-90.0..=90.0).contains(&lat)
        && (-180.0..=180.0).contains(&lon)
        && (lat.abs() >= 1.0 || lon.abs() >= 1.0)
}

// ---------------------------------------------------------------- email

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

// ---------------------------------------------------------------- secrets

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

// ---------------------------------------------------------------- phones

/// Phone separators allowed inside a number.
const PHONE_SEPS: &[u8] = b" -.()/";

/// Split a phone capture into (had an international prefix, digits).
/// `+CC…` and `00CC…` both count as international.
fn phone_digits(s: &[u8]) -> Option<(bool, Vec<u8>)> {
    let s = s.trim_ascii();
    let (plus, rest) = match s.strip_prefix(b"+") {
        Some(r) => (true, r),
        None => (false, s),
    };
    let d = digits_only(rest, PHONE_SEPS)?;
    if plus {
        return Some((true, d));
    }
    if d.len() > 2 && d[0] == 0 && d[1] == 0 {
        return Some((true, d[2..].to_vec()));
    }
    Some((false, d))
}

/// The national significant number for country code `cc`: after `+cc`, or
/// after the trunk `0` in national form. `None` when the number is in
/// neither form.
fn national(s: &[u8], cc: &[u8]) -> Option<Vec<u8>> {
    let (intl, d) = phone_digits(s)?;
    if intl {
        let rest = d.strip_prefix(cc)?;
        // A country code alone (`+82 `) is no number: callers index the
        // first national digit (phone_kr panicked on it).
        if rest.first().is_none_or(|&x| x == 0) {
            return None;
        }
        Some(rest.to_vec())
    } else {
        match d.split_first() {
            Some((0, rest)) if rest.first().is_some_and(|&x| x != 0) => Some(rest.to_vec()),
            _ => None,
        }
    }
}

/// Chinese mobile: 1[3-9] + 9 digits, optionally with +86 / 0086.
pub fn phone_cn(s: &[u8]) -> bool {
    let Some((intl, d)) = phone_digits(s) else {
        return false;
    };
    let d = if intl {
        match d.strip_prefix(&[8, 6]) {
            Some(r) => r,
            None => return false,
        }
    } else {
        &d[..]
    };
    d.len() == 11 && d[0] == 1 && (3..=9).contains(&d[1]) && !all_same(&d[3..])
}

/// German number: +49 / 0049 or trunk 0, then a national significant
/// number of 7-12 digits that does not start with 0.
pub fn phone_de(s: &[u8]) -> bool {
    let Some(n) = national(s, &[4, 9]) else {
        return false;
    };
    (7..=12).contains(&n.len()) && !all_same(&n[1..])
}

/// Japanese number: +81 or trunk 0; 9 national digits for fixed lines, 10
/// for mobile and IP phones (070/080/090/050).
pub fn phone_jp(s: &[u8]) -> bool {
    let Some(n) = national(s, &[8, 1]) else {
        return false;
    };
    match n.len() {
        9 => true,
        10 => n[1] == 0 && matches!(n[0], 5 | 7 | 8 | 9),
        _ => false,
    }
}

/// Vietnamese number: +84 or trunk 0; a 9-digit mobile number with a
/// mobile prefix (3x, 5x, 7x, 8x, 9x) or a 10-digit fixed line (2xx).
pub fn phone_vn(s: &[u8]) -> bool {
    let Some(n) = national(s, &[8, 4]) else {
        return false;
    };
    match n.len() {
        9 => matches!(
            (n[0], n[1]),
            (3, 2..=9) | (5, 2 | 6 | 8 | 9) | (7, 0 | 6..=9) | (8, 1..=9) | (9, _)
        ),
        10 => n[0] == 2,
        _ => false,
    }
}

/// Korean number: +82 or trunk 0; mobile 010 + 8 digits (legacy
/// 011/016-019 + 7-8), Seoul 02 + 7-8 digits, other areas 0[3-6]x + 7-8.
pub fn phone_kr(s: &[u8]) -> bool {
    let Some(n) = national(s, &[8, 2]) else {
        return false;
    };
    matches!(
        (n[0], n.get(1).copied().unwrap_or(0), n.len()),
        (1, 0, 10) | (1, 1 | 6..=9, 9 | 10) | (2, _, 8 | 9) | (3..=6, 1..=5, 9 | 10) | (7, 0, 10)
    )
}

/// Any E.164 number: `+`, a country code not starting with 0, 8-15 digits
/// in all.
pub fn phone_e164(s: &[u8]) -> bool {
    let s = s.trim_ascii();
    let Some(rest) = s.strip_prefix(b"+") else {
        return false;
    };
    let Some(d) = digits_only(rest, PHONE_SEPS) else {
        return false;
    };
    (8..=15).contains(&d.len()) && d[0] != 0 && !all_same(&d[2..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(v: Validator, s: &str) -> bool {
        v(s.as_bytes())
    }

    #[test]
    fn names_resolve() {
        for n in NAMES {
            assert!(by_name(n).is_some(), "{n}");
        }
        assert!(by_name("nope").is_none());
    }

    #[test]
    fn luhn_cards() {
        for s in [
            "4111111111111111",
            "4111 1111 1111 1111",
            "5500-0000-0000-0004",
            "378282246310005",
            "6011111111111117",
            "30569309025904",
            "4222222222222",
        ] {
            assert!(ok(luhn, s), "{s}");
        }
        for s in [
            "4111111111111112",
            "1234567812345670",
            "0000000000000000",
            "411111111111",
            "4111x11111111111",
            "490154203237518",
            // PRC resident IDs that pass Luhn: a valid one and one with a
            // wrong MOD 11-2 check digit.
            "320506198802183395",
            "310115199902178719",
        ] {
            assert!(!ok(luhn, s), "{s}");
        }
        // 18 digits that are not ID-shaped (prefix 62, or month 13), and an
        // ID-shaped number written in groups, are still cards.
        for s in [
            "621234567890123457",
            "320506198813021832",
            "3205 0619 8802 1833 95",
        ] {
            assert!(ok(luhn, s), "{s}");
        }
    }

    #[test]
    fn imei_check() {
        for s in ["490154203237518", "35-209900-176148-1", "356938035643809"] {
            assert!(ok(imei, s), "{s}");
        }
        for s in [
            "490154203237519",
            "000000000000000",
            "49015420323751",
            "4901542032375180",
        ] {
            assert!(!ok(imei, s), "{s}");
        }
    }

    #[test]
    fn cn_id() {
        for s in [
            "11010519491231002X",
            "11010519491231002x",
            "110105199003077390",
            "440304198506123412",
        ] {
            assert!(ok(cn_resident_id, s), "{s}");
        }
        for s in [
            "110105194912310021", // wrong check char
            "990105194912310026", // no such province
            "110105194913310021", // month 13
            "310115200102291232", // 29 Feb 2001 (check char right)
            "11010518491231002X", // 1849
            "1101051949123100",   // short
            "A1010519491231002X",
        ] {
            assert!(!ok(cn_resident_id, s), "{s}");
        }
    }

    #[test]
    fn my_number() {
        for s in [
            "123456789018",
            "1234 5678 9018",
            "1234-5678-9018",
            "987654321018",
        ] {
            assert!(ok(jp_my_number, s), "{s}");
        }
        for s in [
            "123456789012",
            "12345678901",
            "000000000000",
            "1234567890189",
            // Check digit right, but not written like a My Number.
            "4196 8549 3536 3800",
            "FR55 6691 7837 4467 4309 6816 117",
            "0151 84088999",
            "1234-5678 9018",
            "12 3456 7890 18",
            "1234  5678 9018",
            "+123456789018",
            "MN123456789018",
            "123456789018a",
        ] {
            assert!(!ok(jp_my_number, s), "{s}");
        }
    }

    #[test]
    fn korean_rrn() {
        for s in [
            "800101-1234560",
            "8001011234560",
            "010315-4123451",
            "920814-2345678",
        ] {
            assert!(ok(kr_rrn, s), "{s}");
        }
        for s in [
            "800101-1234565", // wrong check digit
            "801301-1234561", // month 13
            "800101-9234561", // 1800s digit
            "800230-1234569", // Feb 30
            "8001-011234560",
        ] {
            assert!(!ok(kr_rrn, s), "{s}");
        }
    }

    #[test]
    fn steuer_id() {
        for s in [
            "86095742719",
            "47036892816",
            "65929970489",
            "57549285017",
            "25768131411",
            "86 095 742 719",
            "84 324 647 901",
        ] {
            assert!(ok(de_steuer_id, s), "{s}");
        }
        for s in [
            "86095742711", // wrong check digit
            "06095742719", // leading zero
            "12345678903", // all ten distinct
            "11145678908", // a digit three times in a row (check digit right)
            "8609574271",  // short
            "+84 324 647 901",
            "84 324 647 901 5",
            "843 246 479 01",
            "84324 647901",
            "8432464790 1",
            "86 095 742 719x",
            "86/095/742/719",
        ] {
            assert!(!ok(de_steuer_id, s), "{s}");
        }
    }

    #[test]
    fn cccd() {
        for s in ["001090012345", "079203004567", "036185001122"] {
            assert!(ok(vn_cccd, s), "{s}");
        }
        for s in [
            "003090012345",
            "097090012345",
            "079290004567",
            "07920300456",
            "001900000000",
        ] {
            assert!(!ok(vn_cccd, s), "{s}");
        }
    }

    #[test]
    fn iban_check() {
        for s in [
            "DE89370400440532013000",
            "DE89 3704 0044 0532 0130 00",
            "GB82WEST12345698765432",
            "FR1420041010050500013M02606",
            "NL91ABNA0417164300",
            "CH9300762011623852957",
            "gb82west12345698765432",
        ] {
            assert!(ok(iban, s), "{s}");
        }
        for s in [
            "DE89370400440532013001", // mod 97 fails
            "DE8937040044053201300",  // wrong length
            "XX89370400440532013000", // unknown country
            "GB82WEST1234569876543$",
        ] {
            assert!(!ok(iban, s), "{s}");
        }
    }

    #[test]
    fn mac_check() {
        for s in ["00:1a:2b:3c:4d:5e", "00-1A-2B-3C-4D-5E", "001a.2b3c.4d5e"] {
            assert!(ok(mac, s), "{s}");
        }
        for s in [
            "00:00:00:00:00:00",
            "ff:ff:ff:ff:ff:ff",
            "00:1a-2b:3c:4d:5e",
            "00:1a:2b:3c:4d",
            "0g:1a:2b:3c:4d:5e",
        ] {
            assert!(!ok(mac, s), "{s}");
        }
    }

    #[test]
    fn ip_check() {
        for s in ["192.168.1.20", "8.8.8.8", "10.0.0.1"] {
            assert!(ok(ipv4, s), "{s}");
        }
        for s in [
            "01.2.3.4",
            "256.1.1.1",
            "1.2.3",
            "1.2.3.4.5",
            "0.0.0.0",
            "255.255.255.0",
        ] {
            assert!(!ok(ipv4, s), "{s}");
        }
        for s in [
            "2001:db8::1",
            "fe80::1ff:fe23:4567:890a",
            "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
            "::1",
        ] {
            assert!(ok(ipv6, s), "{s}");
        }
        for s in ["::", "12:34:56", "2001:db8:::1", "a:b", "std::map"] {
            assert!(!ok(ipv6, s), "{s}");
        }
    }

    #[test]
    fn gps() {
        for s in ["31.2304, 121.4737", "-33.8688,151.2093", "48.1351 11.5820"] {
            assert!(ok(gps_pair, s), "{s}");
        }
        for s in [
            "31.23, 121.47",
            "91.0000, 10.0000",
            "45.0000, 181.0000",
            "0.0000, 0.0000",
            "0.99984, 0.01745",
            "1.2.3, 4.5678",
        ] {
            assert!(!ok(gps_pair, s), "{s}");
        }
    }

    #[test]
    fn email_check() {
        for s in [
            "li.wei@example.cn",
            "a+b@mail.example.co.jp",
            "ops_team@plant-3.example.de",
        ] {
            assert!(ok(email, s), "{s}");
        }
        for s in [
            "logo@2x.png",
            "a..b@example.com",
            ".a@example.com",
            "a@localhost",
            "a@example.c0m",
            "a@-x.com",
        ] {
            assert!(!ok(email, s), "{s}");
        }
    }

    #[test]
    fn jwt_check() {
        let good = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
        assert!(ok(jwt, good));
        assert!(ok(jwt, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."));
        // Header without `alg`, not base64url, two segments, bad characters.
        assert!(!ok(jwt, "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJ4In0.abc"));
        assert!(!ok(
            jwt,
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0"
        ));
        assert!(!ok(jwt, "abc.def.ghi"));
        assert!(!ok(jwt, "eyJhbGciOiJIUzI1NiJ9.e$J.x"));
    }

    #[test]
    fn entropy() {
        for s in [
            "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
            "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
            "Zx9Qw2Er7Ty4Ui1Op6As",
        ] {
            assert!(ok(high_entropy, s), "{s}");
        }
        for s in [
            "aaaaaaaaaaaaaaaaaaaaaaaa",
            "short1",
            "your_api_key_here_123",
            "${API_KEY_FROM_ENV_1}",
            "abcdefghijklmnopqrstuvwx",
            "1111111122222222",
            "1234567890abcdef1234",
        ] {
            assert!(!ok(high_entropy, s), "{s}");
        }
    }

    #[test]
    fn phones() {
        for s in [
            "13800138000",
            "+86 138 0013 8000",
            "+86-139-1234-5678",
            "008615912345678",
        ] {
            assert!(ok(phone_cn, s), "{s}");
        }
        for s in [
            "12800138000",
            "1380013800",
            "+49 138 0013 8000",
            "13811111111",
        ] {
            assert!(!ok(phone_cn, s), "{s}");
        }
        for s in [
            "+49 30 12345678",
            "030 12345678",
            "+49 151 23456789",
            "0049 89 1234567",
        ] {
            assert!(ok(phone_de, s), "{s}");
        }
        for s in [
            "+49 030 12345678",
            "+49 30 12",
            "30 12345678",
            "+48 30 12345678",
        ] {
            assert!(!ok(phone_de, s), "{s}");
        }
        for s in [
            "090-1234-5678",
            "+81 90 1234 5678",
            "03-1234-5678",
            "+81 3 1234 5678",
        ] {
            assert!(ok(phone_jp, s), "{s}");
        }
        for s in [
            "010-1234-5678",
            "0312345678901",
            "+81 090 1234 5678",
            "03-1234-567",
        ] {
            assert!(!ok(phone_jp, s), "{s}");
        }
        for s in [
            "0912345678",
            "+84 912 345 678",
            "0321234567",
            "024 3825 1234",
        ] {
            assert!(ok(phone_vn, s), "{s}");
        }
        for s in ["0112345678", "+84 012 345 678", "091234567", "0412345678"] {
            assert!(!ok(phone_vn, s), "{s}");
        }
        for s in [
            "010-1234-5678",
            "+82 10 1234 5678",
            "02-123-4567",
            "031-123-4567",
        ] {
            assert!(ok(phone_kr, s), "{s}");
        }
        for s in ["010-1234-567", "+82 010 1234 5678", "090-1234-5678", "0212"] {
            assert!(!ok(phone_kr, s), "{s}");
        }
        for s in ["+14155552671", "+44 20 7946 0958", "+86 138 0013 8000"] {
            assert!(ok(phone_e164, s), "{s}");
        }
        for s in [
            "+0123456789",
            "+1234567",
            "14155552671",
            "+1234567890123456",
            "+11111111111",
        ] {
            assert!(!ok(phone_e164, s), "{s}");
        }
    }
}
