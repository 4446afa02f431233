//! National identity numbers: each country's layout, birth date and check
//! character.

use super::{MAX_YEAR, all_same, digits_only, num, valid_date};

/// Province-level codes (first two digits) of the PRC resident ID.
const CN_PROVINCES: &[u32] = &[
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
];

/// The first 14 digit values (or more) of a PRC resident ID: a province
/// code, four digits of area, and a real birth date YYYYMMDD, 1900-2026.
pub(super) fn cn_id_shape(d: &[u8]) -> bool {
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
