//! Payment cards, device serials (IMEI) and bank accounts (IBAN): check
//! digits over numbers that otherwise look like any other.

use super::national_id::cn_id_shape;
use super::{all_same, digits_only, luhn_ok};

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
