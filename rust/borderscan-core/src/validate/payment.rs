//! Payment cards, device serials (IMEI) and bank accounts (IBAN): check
//! digits over numbers that otherwise look like any other.

use super::national_id::cn_id_shape;
use super::{all_same, digits_only, luhn_ok};

/// Card issuers by IIN (leading digits, as a range over the first `len`
/// digits) and the lengths their cards have (ISO/IEC 7812; the networks'
/// published ranges).
const ISSUERS: &[(u32, u32, usize, &[usize])] = &[
    // Visa (Electron included)
    (4, 4, 1, &[13, 16, 19]),
    // Mastercard
    (51, 55, 2, &[16]),
    (2221, 2720, 4, &[16]),
    // American Express
    (34, 34, 2, &[15]),
    (37, 37, 2, &[15]),
    // Diners Club International (and its cards on the Discover network)
    (300, 305, 3, &[14, 16, 17, 18, 19]),
    (3095, 3095, 4, &[14, 16, 17, 18, 19]),
    (36, 36, 2, &[14, 16, 17, 18, 19]),
    (38, 39, 2, &[14, 16, 17, 18, 19]),
    // JCB; its older 15-digit cards
    (3528, 3589, 4, &[16, 17, 18, 19]),
    (2131, 2131, 4, &[15]),
    (1800, 1800, 4, &[15]),
    // Discover
    (6011, 6011, 4, &[16, 17, 18, 19]),
    (644, 649, 3, &[16, 17, 18, 19]),
    (65, 65, 2, &[16, 17, 18, 19]),
    // UnionPay
    (62, 62, 2, &[16, 17, 18, 19]),
    // Maestro (50, 56-69)
    (50, 50, 2, &[12, 13, 14, 15, 16, 17, 18, 19]),
    (56, 69, 2, &[12, 13, 14, 15, 16, 17, 18, 19]),
    // Mir; BORICA
    (2200, 2205, 4, &[16, 17, 18, 19]),
    // RuPay (its 60, 65, 508 ranges fall under Maestro and Discover)
    (81, 82, 2, &[16]),
    // Troy
    (9792, 9792, 4, &[16]),
];

/// Whether the digits start with an issuer range whose cards have this length.
fn issuer_ok(d: &[u8]) -> bool {
    ISSUERS.iter().any(|&(lo, hi, len, lens)| {
        d.len() > len && lens.contains(&d.len()) && (lo..=hi).contains(&super::num(&d[..len]))
    })
}

/// Payment card: 12-19 digits (spaces or dashes allowed) that start with
/// a card issuer's range (IIN) and have a length that issuer's cards have
/// (Visa 13/16/19, Mastercard 16, Amex 15, Diners 14, JCB 16-19 or 15 for
/// 1800/2131, Discover and UnionPay 16-19, Maestro 12-19...; see
/// `ISSUERS`), and pass Luhn. This keeps 15-digit IMEIs (no issuer uses
/// their reporting-body prefixes at 15 digits but Maestro's 50) and other
/// Luhn numbers out. The rule pack asks lengths and issuers that are rare
/// or collide with other numbers (12-15-digit Maestro, 15-digit JCB,
/// 17-19 digits) for a card word nearby.
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
    if !(12..=19).contains(&d.len()) || !issuer_ok(&d) {
        return false;
    }
    if d.len() == 18 && s.len() == 18 && cn_id_shape(&d) {
        return false;
    }
    !all_same(&d) && luhn_ok(&d)
}

/// GSMA Reporting Body Identifiers, the first two digits of an IMEI's type
/// allocation code (GSMA TS.06 appendix A, current and former bodies; 00
/// and 02-09 are test IMEIs).
const IMEI_RBI: &[u32] = &[
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 33, 35, 44, 45, 49, 50, 51, 52, 53, 54, 86, 91, 98, 99,
];

/// IMEI: 15 digits with a Luhn check digit, not one digit repeated, whose
/// first two digits are a reporting body's. Amex (34, 37) and 15-digit JCB
/// (1800, 2131) numbers, which also pass Luhn, are no IMEI, so the two
/// rules do not claim the same number (15-digit Maestro cards in 50 aside,
/// which the card rule reports only next to a card word).
pub fn imei(s: &[u8]) -> bool {
    let Some(d) = digits_only(s, b" -/") else {
        return false;
    };
    d.len() == 15 && IMEI_RBI.contains(&super::num(&d[..2])) && !all_same(&d) && luhn_ok(&d)
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
