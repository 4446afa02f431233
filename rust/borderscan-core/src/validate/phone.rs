//! Phone numbers of every country that Google's libphonenumber has metadata
//! for (the `phonenumber` crate's, compiled and applied by [`phone_meta`]
//! without the crate's shared regex cache), after a check of the candidate's
//! layout that keeps timestamps, dates, decimals, IP addresses and version
//! strings out before any metadata is consulted.
//!
//! A candidate is classified once ([`classify`], memoised per thread: the
//! six phone rules of the default pack share one candidate pattern, so each
//! candidate reaches six validators) as a number of one pilot market (CN,
//! DE, JP, VN, KR) or of another country:
//!
//! - **International form** (`+CC…` or `00CC…`): parsed with no region.
//!   Valid for its country's metadata, it is that country's. A number that
//!   is not valid but has a known country code, a length possible for it,
//!   a national part not starting with 0 and the grouping of a written
//!   number (not one bare run of digits) is a phone too: metadata lags new
//!   allocations, and test or fictitious numbers are still numbers in that
//!   form. Its country is the country code's.
//! - **National form** (no country code): tried in each of [`REGIONS`].
//!   When the number as written is that region's national format (the
//!   digits libphonenumber writes for it nationally, trunk prefix
//!   included, e.g. `0151 …` in DE, `139 …` without 0 in CN; in the NANP a
//!   leading `1` is accepted too), it is that region's; among several, the
//!   region whose national grouping is closest to the written one, then the
//!   first in [`REGIONS`]. A number valid in some region only with a
//!   different trunk prefix (`467 3395`, valid as a DE area code plus
//!   number) is a phone of no known country, and only when written in
//!   groups. The rule pack asks national numbers for context (a phone word,
//!   an e-mail address or a phone-named field); this module does not see
//!   context.

use std::cell::RefCell;
use std::sync::OnceLock;

use phonenumber::country::Id;
use rustc_hash::FxHashMap;

use super::phone_meta::{self, Meta, Number, Type};

/// Regions a number written without a country code is tried in, in order
/// of preference: the pilot markets (DE last, its plan accepts the most
/// numbers), then the regions Presidio's PhoneRecognizer tries by default
/// (US, GB, DE, FR, IL, IN, CA, BR).
pub const REGIONS: [Id; 12] = [
    Id::CN,
    Id::JP,
    Id::KR,
    Id::VN,
    Id::DE,
    Id::US,
    Id::CA,
    Id::GB,
    Id::FR,
    Id::IN,
    Id::BR,
    Id::IL,
];

/// Whose number a candidate is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Cn,
    De,
    Jp,
    Vn,
    Kr,
    /// Another country, or a country that cannot be told.
    Other,
}

impl Class {
    fn of_region(id: &str) -> Self {
        match id {
            "CN" => Class::Cn,
            "DE" => Class::De,
            "JP" => Class::Jp,
            "VN" => Class::Vn,
            "KR" => Class::Kr,
            _ => Class::Other,
        }
    }

    fn of_number(n: &Number) -> Self {
        n.region()
            .map_or(Class::Other, |m| Class::of_region(m.id()))
    }

    fn of_code(cc: u16) -> Self {
        match cc {
            86 => Class::Cn,
            49 => Class::De,
            81 => Class::Jp,
            84 => Class::Vn,
            82 => Class::Kr,
            _ => Class::Other,
        }
    }
}

/// A phone number of any country.
pub fn phone(s: &[u8]) -> bool {
    classify(s).is_some()
}

pub fn phone_cn(s: &[u8]) -> bool {
    classify(s) == Some(Class::Cn)
}

pub fn phone_de(s: &[u8]) -> bool {
    classify(s) == Some(Class::De)
}

pub fn phone_jp(s: &[u8]) -> bool {
    classify(s) == Some(Class::Jp)
}

pub fn phone_vn(s: &[u8]) -> bool {
    classify(s) == Some(Class::Vn)
}

pub fn phone_kr(s: &[u8]) -> bool {
    classify(s) == Some(Class::Kr)
}

/// A phone number of a country outside the pilot markets, or of no country
/// that can be told.
pub fn phone_other(s: &[u8]) -> bool {
    classify(s) == Some(Class::Other)
}

/// A phone number of any country written in international form (`+` or
/// `00` and a country code).
pub fn phone_e164(s: &[u8]) -> bool {
    shape(s).is_some_and(|sh| sh.intl) && classify(s).is_some()
}

/// Entries kept in the per-thread memo before it is emptied.
const MEMO_MAX: usize = 4096;

thread_local! {
    static MEMO: RefCell<FxHashMap<Vec<u8>, Option<Class>>> = RefCell::default();
}

/// The class of a candidate, `None` when it is no phone number.
pub fn classify(s: &[u8]) -> Option<Class> {
    // Most candidates in logs fail on their layout, cheaply: only what
    // reaches the metadata is remembered.
    let sh = shape(s)?;
    if let Some(c) = MEMO.with_borrow(|m| m.get(s).copied()) {
        return c;
    }
    // Metadata is compiled on first use: a pattern the regex crate refused
    // after an upgrade must not take a scan down.
    let c = std::panic::catch_unwind(|| sh.classify()).unwrap_or(None);
    MEMO.with_borrow_mut(|m| {
        if m.len() >= MEMO_MAX {
            m.clear();
        }
        m.insert(s.to_vec(), c);
    });
    c
}

/// A candidate's layout.
#[derive(Debug)]
struct Shape {
    /// Written with `+` or `00` and a country code.
    intl: bool,
    /// The digits after `+`/`00`, extension left out.
    digits: Vec<u8>,
    /// Length of each group of digits, in order.
    groups: Vec<usize>,
    /// Index of the groups written in parentheses.
    paren: Vec<usize>,
    /// Where separators stand between the digits, and which.
    breaks: Vec<(usize, Sep)>,
    /// How the country code of an international number is read.
    cc: phone_meta::CountryCode,
}

/// What separates two groups of digits; a run of several characters
/// counts as its most telling one (`) ` is a parenthesis).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Sep {
    Space,
    Slash,
    Dot,
    Dash,
    Paren,
}

impl Sep {
    fn of(b: u8) -> Option<Self> {
        Some(match b {
            b' ' => Sep::Space,
            b'/' => Sep::Slash,
            b'.' => Sep::Dot,
            b'-' => Sep::Dash,
            b'(' | b')' => Sep::Paren,
            _ => return None,
        })
    }
}

/// A number's groups as breaks: `(digit position, separator)` for each
/// place a separator stands between two digits.
fn breaks_of(text: impl IntoIterator<Item = u8>) -> (Vec<u8>, Vec<(usize, Sep)>) {
    let mut digits = Vec::new();
    let mut breaks: Vec<(usize, Sep)> = Vec::new();
    let mut pending: Option<Sep> = None;
    for b in text {
        if b.is_ascii_digit() {
            if let Some(k) = pending.take()
                && !digits.is_empty()
            {
                breaks.push((digits.len(), k));
            }
            digits.push(b);
        } else {
            let k = Sep::of(b).unwrap_or(Sep::Space);
            pending = Some(pending.map_or(k, |p| p.max(k)));
        }
    }
    (digits, breaks)
}

/// Read a candidate's layout and reject what is no phone by its shape
/// alone (see the module doc). `None` when rejected.
fn shape(s: &[u8]) -> Option<Shape> {
    let s = s.trim_ascii();
    if s.len() > 64 || !s.is_ascii() {
        return None;
    }
    let s = strip_extension(s)?;
    let (intl, rest) = if let Some(r) = s.strip_prefix(b"+") {
        (true, r.trim_ascii_start())
    } else if s.len() > 3 && s.starts_with(b"00") && s[2] != b'0' {
        let r = &s[2..];
        let r = r.strip_prefix(b" ").or(r.strip_prefix(b"-")).unwrap_or(r);
        (true, r)
    } else {
        (false, s)
    };
    // A parenthesis opened before the number and closed after it, outside
    // the capture: `(0912 345 678)`.
    let rest = match rest.strip_prefix(b"(") {
        Some(r) if !r.contains(&b')') => r,
        _ => rest,
    };
    let mut digits = Vec::with_capacity(rest.len());
    let mut groups: Vec<usize> = Vec::new();
    let mut paren = Vec::new();
    let mut dotted = false;
    let mut slashes = 0;
    let mut open = false;
    let mut prev_digit = false;
    for &b in rest {
        match b {
            b'0'..=b'9' => {
                if prev_digit {
                    *groups.last_mut()? += 1;
                } else {
                    groups.push(1);
                }
                digits.push(b);
                prev_digit = true;
                continue;
            }
            b'(' => {
                if open {
                    return None;
                }
                open = true;
                paren.push(groups.len());
            }
            b')' => {
                // `()` or `)` without `(`.
                if !prev_digit || !open || paren.last() != Some(&(groups.len() - 1)) {
                    return None;
                }
                open = false;
            }
            b'/' => slashes += 1,
            b'.' => dotted = true,
            b'-' | b' ' => {}
            _ => return None,
        }
        prev_digit = false;
    }
    if open || !prev_digit {
        return None;
    }
    let n = digits.len();
    let sh = Shape {
        intl,
        digits,
        groups,
        paren,
        breaks: breaks_of(rest.iter().copied()).1,
        cc: if intl {
            phone_meta::CountryCode::of(rest)
        } else {
            phone_meta::CountryCode::Leading
        },
    };
    // Length: a national number has 7 digits or more (a local number
    // without its area code has fewer); E.164 allows 15 digits after `+`,
    // one more for a `(0)` trunk prefix written after the country code.
    let range = if intl { 8..=16 } else { 7..=13 };
    if !range.contains(&n) {
        return None;
    }
    // One digit repeated after the first three: a placeholder or a fill.
    if sh.digits[3..].windows(2).all(|w| w[0] == w[1]) {
        return None;
    }
    // A group of one digit is the first group, a `(0)`, or right after the
    // country code; never last and never two in a row.
    let g = &sh.groups;
    if g.len() > 1 && g[g.len() - 1] == 1 {
        return None;
    }
    if g.windows(2).enumerate().any(|(i, w)| {
        w[0] == 1 && w[1] == 1 && !sh.paren.contains(&i) && !sh.paren.contains(&(i + 1))
    }) {
        return None;
    }
    // Slashes: one, after an area code with its trunk 0 (`089/1234567`),
    // or after the country code.
    if slashes > 1 || (slashes == 1 && !intl && sh.digits[0] != b'0') {
        return None;
    }
    if dotted {
        // Two groups are a decimal (`0.0891234567`), four of up to three
        // digits an IPv4 address, groups of one digit a version.
        if g.len() < 3 || g[1..].iter().any(|&x| x < 2) {
            return None;
        }
        // Three dotted groups of four: a MAC address in Cisco's notation
        // (`0050.5687.1234`), which `device_id.mac` reports.
        if g[..] == [4, 4, 4] {
            return None;
        }
    }
    // Four groups of up to three digits, each at most 255 and not all two
    // digits long: an IPv4 address, also with dashes (`ip-10-190-173-100`)
    // or spaces. (`60-56-85-91`, eight digits in pairs, is a Danish number.)
    if !intl && g.len() == 4 && g.iter().any(|&x| x != 2) && sh.octets() {
        return None;
    }
    // A national number in one bare run is a whole number: with its trunk
    // prefix 0, or 10 digits and more (NANP, CN and IN mobiles...). Bare
    // runs of 7-9 digits are counters and ids far more often.
    if !intl && g.len() == 1 && n < 10 && sh.digits[0] != b'0' {
        return None;
    }
    if !intl && is_timestamp(&sh.digits, g) {
        return None;
    }
    Some(sh)
}

/// `x123`, `ext. 123`, `extension 123` at the end: cut off (the number
/// is what is validated). `None` when letters stand anywhere else.
fn strip_extension(s: &[u8]) -> Option<&[u8]> {
    let Some(i) = s.iter().position(u8::is_ascii_alphabetic) else {
        return Some(s);
    };
    let (head, tail) = s.split_at(i);
    let tail = tail.to_ascii_lowercase();
    let mut t = &tail[..];
    for word in [&b"extension"[..], b"extn", b"ext", b"x"] {
        if let Some(r) = t.strip_prefix(word) {
            t = r;
            break;
        }
    }
    if t.len() == tail.len() {
        return None;
    }
    let t = t.strip_prefix(b".").unwrap_or(t);
    let t = t.strip_prefix(b" ").unwrap_or(t);
    if t.is_empty() || t.len() > 6 || !t.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(head.trim_ascii_end())
}

/// Dates and times in the layout of a number: `2017-05-16 …`,
/// `16.05.2017 …` and `05/16/2017` in the first three groups, `YYMMDD
/// HHMMSS` (HDFS: `081109 203615 148`) and `MMDD/HHMMSS`, a bare run that starts with
/// `YYYYMMDD` (8, 12 or 14 digits), and a bare run of 10 or 13 digits
/// starting with 1 (Unix time in seconds or milliseconds).
fn is_timestamp(d: &[u8], g: &[usize]) -> bool {
    let num = |a: usize, b: usize| -> u32 {
        d[a..b]
            .iter()
            .fold(0, |acc, &x| acc * 10 + u32::from(x - b'0'))
    };
    let year = |y: u32| (1900..=2099).contains(&y);
    let month = |m: u32| (1..=12).contains(&m);
    let day = |x: u32| (1..=31).contains(&x);
    if g.len() >= 3 {
        let (a, b, c) = (g[0], g[1], g[2]);
        let (o1, o2) = (a, a + b);
        let (x, y, z) = (num(0, o1), num(o1, o2), num(o2, o2 + c));
        if a == 4 && b == 2 && c == 2 && year(x) && month(y) && day(z) {
            return true;
        }
        if a == 2 && b == 2 && c == 4 && year(z) && ((day(x) && month(y)) || (month(x) && day(y))) {
            return true;
        }
    }
    // `YYMMDD HHMMSS` (HDFS) and `MMDD/HHMMSS` (Chromium: `[0701/114930`).
    if g.len() >= 2 && matches!(g[0], 4 | 6) && g[1] == 6 {
        let o = g[0];
        let date = month(num(o - 4, o - 2)) && day(num(o - 2, o));
        let time = num(o, o + 2) < 24 && num(o + 2, o + 4) < 60 && num(o + 4, o + 6) < 60;
        if date && time {
            return true;
        }
    }
    if g.len() == 1 {
        let n = d.len();
        if matches!(n, 8 | 12 | 14) && year(num(0, 4)) && month(num(4, 6)) && day(num(6, 8)) {
            return true;
        }
        if matches!(n, 10 | 13) && d[0] == b'1' {
            return true;
        }
    }
    false
}

/// The compiled metadata of each of [`REGIONS`].
fn regions() -> &'static [&'static Meta] {
    static R: OnceLock<Vec<&'static Meta>> = OnceLock::new();
    R.get_or_init(|| {
        REGIONS
            .iter()
            .filter_map(|id| phone_meta::region(id.as_ref()))
            .collect()
    })
}

impl Shape {
    /// Every group has at most three digits and a value of at most 255.
    fn octets(&self) -> bool {
        let mut at = 0;
        self.groups.iter().all(|&g| {
            let v = self.digits[at..at + g]
                .iter()
                .fold(0u32, |a, &d| a * 10 + u32::from(d - b'0'));
            at += g;
            g <= 3 && v <= 255
        })
    }

    fn classify(&self) -> Option<Class> {
        if self.intl {
            self.international()
        } else {
            self.national()
        }
    }

    fn international(&self) -> Option<Class> {
        let p = phone_meta::parse(None, self.digits_str(), self.cc)?;
        if p.is_valid() {
            return Some(Class::of_number(&p));
        }
        // Possible but not valid: see the module doc.
        let cc = p.code;
        let cc_len = cc.to_string().len();
        let first_group_is_cc = self.groups[0] == cc_len;
        let national_starts = if first_group_is_cc && self.groups.len() > 1 {
            // Skip a `(0)` trunk prefix after the country code.
            let skip = if self.paren.contains(&1) && self.groups[1] == 1 {
                1
            } else {
                0
            };
            self.digits.get(cc_len + skip).copied()
        } else {
            self.digits.get(cc_len).copied()
        };
        if self.groups.len() < 3 || national_starts == Some(b'0') {
            return None;
        }
        let meta = phone_meta::by_code(cc)?;
        let len = p.national.len();
        let possible = meta.possible_lengths();
        (possible.is_empty() || possible.contains(&(len as u16))).then(|| Class::of_code(cc))
    }

    fn national(&self) -> Option<Class> {
        // Ranked by grouping, then mobile numbers before others: written
        // bare, `0962356364` is a JP fixed line and a VN mobile, and
        // mobile numbers are what people and systems write down most.
        let mut best: Option<((i32, bool), Class)> = None;
        let mut valid_somewhere = false;
        for region in regions() {
            if !self.possible_in(region.national_prefix(), region.possible_lengths()) {
                continue;
            }
            let Some(p) = phone_meta::parse(Some(region), self.digits_str(), self.cc) else {
                continue;
            };
            if !p.is_valid() {
                continue;
            }
            valid_somewhere = true;
            let Some(format) = self.as_written(&p) else {
                continue;
            };
            let class = Class::of_number(&p);
            if !self.pilot_start(class) {
                continue;
            }
            let mobile = matches!(p.number_type(), Type::Mobile | Type::FixedLineOrMobile);
            let rank = (grouping_score(&self.breaks, &format), mobile);
            if best.is_none_or(|(b, _)| rank > b) {
                best = Some((rank, class));
            }
            // A later region can only tie with the best rank, and ties go
            // to the earlier one.
            if rank == (perfect_score(&self.breaks), true) {
                break;
            }
        }
        match best {
            Some((_, c)) => Some(c),
            // Valid somewhere only with another trunk prefix: a phone of
            // no country that can be told, and only when written in groups
            // as numbers are (two groups: a local number `123 4567`,
            // `1234 5678` or `12 345678`, not a pair of ids `1702 10454`).
            None if valid_somewhere && self.grouped_like_a_number() => Some(Class::Other),
            None => None,
        }
    }

    /// The digits (all ASCII: `shape` read them).
    fn digits_str(&self) -> &str {
        std::str::from_utf8(&self.digits).unwrap_or_default()
    }

    /// Whether the written digits, with or without the region's trunk
    /// prefix, have a length the region's numbers can have: a cheap test
    /// before parsing.
    fn possible_in(&self, prefix: Option<&str>, lengths: &[u16]) -> bool {
        let n = self.digits.len();
        let stripped = prefix
            .filter(|p| self.digits.starts_with(p.as_bytes()))
            .map_or(n, |p| n - p.len());
        lengths.is_empty()
            || lengths
                .iter()
                .any(|&l| usize::from(l) == n || usize::from(l) == stripped)
    }

    fn grouped_like_a_number(&self) -> bool {
        match self.groups[..] {
            [_] => false,
            [a, b] => matches!((a, b), (3 | 4, 4) | (2, 6)),
            _ => true,
        }
    }

    /// Whether a national number of class `c` starts as numbers of that
    /// pilot market are written: with the trunk prefix 0 (all five), or as
    /// a CN mobile (1[3-9]). The default pack's pilot rules only see
    /// candidates that start so (a cheaper pattern each), and a class the
    /// rule cannot see would report the number nowhere.
    fn pilot_start(&self, c: Class) -> bool {
        match c {
            Class::Other => true,
            Class::Cn if self.digits[0] == b'1' => (b'3'..=b'9').contains(&self.digits[1]),
            _ => self.digits[0] == b'0',
        }
    }

    /// When `p` written in its national format has the written digits
    /// (in the NANP, also with a leading `1`): that format's breaks,
    /// shifted to the written digits.
    fn as_written(&self, p: &Number) -> Option<Vec<(usize, Sep)>> {
        let f = p.national_format()?;
        let (digits, breaks) = breaks_of(f.bytes());
        // No format of the region applies (libphonenumber then writes the
        // bare national significant number): not a national layout.
        if breaks.is_empty() && digits.len() == f.len() {
            return None;
        }
        if digits == self.digits {
            return Some(breaks);
        }
        let nanp = p.code == 1;
        if nanp && self.digits.first() == Some(&b'1') && digits[..] == self.digits[1..] {
            let mut shifted = vec![(1, Sep::Space)];
            shifted.extend(breaks.iter().map(|&(x, k)| (x + 1, k)));
            return Some(shifted);
        }
        None
    }
}

/// The score of a format that has exactly the written breaks.
fn perfect_score(a: &[(usize, Sep)]) -> i32 {
    if a.is_empty() { 0 } else { 3 * a.len() as i32 }
}

/// How close the written grouping `a` is to a national format `b`:
/// shared break positions count for, breaks in one only against, the same
/// separator at a shared position (`-` in KR and JP, spaces in CN and DE,
/// `(…)` in the NANP) settles what positions alone leave equal. A number
/// written without separators tells nothing: 0 for every format.
fn grouping_score(a: &[(usize, Sep)], b: &[(usize, Sep)]) -> i32 {
    if a.is_empty() {
        return 0;
    }
    let mut common = 0;
    let mut same = 0;
    for &(x, k) in a {
        if let Some(&(_, j)) = b.iter().find(|&&(y, _)| y == x) {
            common += 1;
            same += i32::from(j == k);
        }
    }
    4 * common - a.len() as i32 - b.len() as i32 + same
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(s: &str) -> Option<Class> {
        classify(s.as_bytes())
    }

    #[test]
    fn international_numbers_take_their_country_code() {
        for (s, c) in [
            ("+86 138 0013 8000", Class::Cn),
            ("008613800138000", Class::Cn),
            ("+49 30 12345678", Class::De),
            ("0049 89 1234567", Class::De),
            ("+81 90-1234-5678", Class::Jp),
            ("+84 912 345 678", Class::Vn),
            ("+82 10 1234 5678", Class::Kr),
            ("+14155552671", Class::Other),
            ("+44 20 7946 0958", Class::Other),
            ("+33 1 42 68 53 00", Class::Other),
            ("001-518-640-0854", Class::Other),
            ("+41 (0)62 585 51 90", Class::Other),
            ("+1-604-696-5272x565", Class::Other),
            // Not in the metadata's ranges, but a known country code, a
            // possible length and written in groups.
            ("+1-984-182-0190", Class::Other),
            ("+41 (0)96 471 07 95", Class::Other),
        ] {
            assert_eq!(class(s), Some(c), "{s}");
        }
        for s in [
            "+0800",
            "+1234567",
            "+11111111111",
            "+1234567890123456",
            "+49 30 12",
            // Not valid, and one bare run: a signed number as likely.
            "+19841820190",
            "+84 012 345 678",
        ] {
            assert_eq!(class(s), None, "{s}");
        }
    }

    #[test]
    fn national_numbers_as_each_country_writes_them() {
        for (s, c) in [
            ("13912345678", Class::Cn),
            ("139 1234 5678", Class::Cn),
            ("010-1234-5678", Class::Kr),
            ("02-312-3456", Class::Kr),
            ("031-123-4567", Class::Kr),
            ("090-1234-5678", Class::Jp),
            ("03-1234-5678", Class::Jp),
            ("06-6123-4567", Class::Jp),
            ("0912 345 678", Class::Vn),
            ("0912345678", Class::Vn),
            ("089 1234567", Class::De),
            ("089/1234567", Class::De),
            ("0151 23456789", Class::De),
            ("(602) 272-9781", Class::Other),
            ("(579)888-3058", Class::Other),
            ("1-800-555-1234", Class::Other),
            ("345-899-3560x4587", Class::Other),
            ("0161 496 0123", Class::Other),
            ("01 84 17 61 18", Class::Other),
            ("04 90 75 40 81", Class::Other),
            // Valid in some region only with another trunk prefix.
            ("467 3395", Class::Other),
            ("416 60 039", Class::Other),
        ] {
            assert_eq!(class(s), Some(c), "{s}");
        }
        // A CN mobile never takes the trunk 0: a DE mobile.
        assert_eq!(class("0151 12345678"), Some(Class::De));
        // Truly ambiguous: Guangzhou and London (020), Shenyang and Hanoi
        // (024) write these alike; the first region in REGIONS wins.
        assert_eq!(class("020 7946 0958"), Some(Class::Cn));
        assert_eq!(class("024 3825 1234"), Some(Class::Cn));
    }

    #[test]
    fn timestamps_ids_and_versions_are_not_phones() {
        for s in [
            "081109 203615 148",
            "2017-05-16 00",
            "2017 05 16 12",
            "16.05.2017 1234",
            "05/16/2017 1234",
            "0.0891234567",
            "10.190.173.100",
            "1.2.3.4.5.6.7",
            "20170516",
            "20170516123045",
            "1730000000",
            "1730000000123",
            "1 2 3 4 5 6 7",
            "13811111111",
            "4673395",
            "12345",
            "9999/999999",
            "1234/5678/9012",
            "0x12345678",
            "139 1234 5678 abc",
            "0912) 345 678",
        ] {
            assert_eq!(class(s), None, "{s}");
        }
    }

    #[test]
    fn validators_split_by_class() {
        assert!(phone_cn(b"+86 138 0013 8000") && !phone_other(b"+86 138 0013 8000"));
        assert!(phone_other(b"+44 20 7946 0958") && !phone_de(b"+44 20 7946 0958"));
        assert!(phone(b"090-1234-5678") && phone_jp(b"090-1234-5678"));
        assert!(phone_e164(b"+44 20 7946 0958") && !phone_e164(b"020 7946 0958"));
        assert!(!phone(b"2017-05-16 00"));
    }
}
