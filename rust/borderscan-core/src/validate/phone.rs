//! Phone numbers: per-country national layouts and E.164.

use super::{all_same, digits_only};

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
