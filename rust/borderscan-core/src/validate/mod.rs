//! Validators: pure checks over a regex capture, so look-alikes (a random
//! 16-digit number, an 18-digit ID with a wrong check character, a version
//! string) are not reported.
//!
//! Every validator takes the raw capture, which may still contain
//! separators (spaces, dashes, dots); each strips what its format allows.

mod device;
mod email;
mod location;
mod national_id;
mod network;
mod payment;
mod person;
mod phone;
mod phone_meta;
mod quantity;
mod secrets;
#[cfg(test)]
mod tests;

use device::{serial, vin};
use email::email;
use location::gps_pair;
use national_id::{cn_resident_id, de_steuer_id, jp_my_number, kr_rrn, vn_cccd};
use network::{ipv4, ipv6, mac};
use payment::{iban, imei, luhn};
use person::person_login;
use phone::{phone, phone_cn, phone_de, phone_e164, phone_jp, phone_kr, phone_other, phone_vn};
use quantity::numeric;
use secrets::{basic_auth, credential, high_entropy, jwt, token_value};

/// A validator over the captured bytes of a value rule.
pub type Validator = fn(&[u8]) -> bool;

/// Every validator name that `by_name` knows.
// Only the validators harness and the tests walk the list; the library
// itself looks names up one at a time.
#[cfg(any(test, feature = "fuzzing"))]
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
    "phone",
    "phone_cn",
    "phone_de",
    "phone_jp",
    "phone_vn",
    "phone_kr",
    "phone_e164",
    "credential",
    "serial",
    "vin",
    "phone_other",
    "basic_auth",
    "person_login",
    "token_value",
    "numeric",
];

/// Look a validator up by the name a rule pack uses.
/// Whether a validator checks a check digit or checksum (rather than a
/// structure): its findings are `checksum`, high confidence.
pub fn is_checksum(name: &str) -> bool {
    matches!(
        name,
        "luhn"
            | "imei"
            | "cn_resident_id"
            | "jp_my_number"
            | "kr_rrn"
            | "de_steuer_id"
            | "iban"
            | "vin"
    )
}

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
        "phone" => phone,
        "phone_cn" => phone_cn,
        "phone_de" => phone_de,
        "phone_jp" => phone_jp,
        "phone_vn" => phone_vn,
        "phone_kr" => phone_kr,
        "phone_e164" => phone_e164,
        "credential" => credential,
        "serial" => serial,
        "vin" => vin,
        "phone_other" => phone_other,
        "basic_auth" => basic_auth,
        "person_login" => person_login,
        "token_value" => token_value,
        "numeric" => numeric,
        _ => return None,
    };
    Some(v)
}

// Helpers shared by the validator families (children of this module).

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
