//! libphonenumber's metadata (the `phonenumber` crate's release, read by
//! the crate's loader from a copy in `data/libphonenumber/`), compiled
//! once per region into our own regexes, with the crate's parsing, validation,
//! typing and national formatting re-implemented on top of them, step for
//! step.
//!
//! Why not call the crate: it keeps every metadata pattern in one shared
//! regex cache behind a mutex, keyed by the pattern's text, so each of the
//! dozens of pattern uses per candidate locks, hashes a pattern of up to
//! several kilobytes with SipHash and walks a linked hash map. Measured on
//! the 1 GiB benchmark corpus, phone candidates (3 % of its records) took
//! 40-75 µs each in national form and 6-26 µs in international form, and
//! ~70 MB of compiled patterns; here each region's patterns are compiled
//! once, its type patterns into one `RegexSet` (one pass gives every
//! matching type), and nothing is locked.
//!
//! Why not the crate's database either: touching it parses every pattern of
//! every region into that cache, about 0.87 G instructions and 60 MB of
//! fresh memory at the start of every scan that meets a phone candidate
//! (callgrind of `examples/scan` on 60 MB, issue 20); reading the XML with
//! the crate's loader takes a few milliseconds, and only the regions a scan
//! uses are compiled.
//!
//! The behaviour is the crate's, quirks included (they are marked where
//! they matter): the test `same_as_the_crate` compares both on every region
//! and thousands of numbers, and `vendored_metadata_is_the_crates` the
//! copied metadata with the crate's, so a crate upgrade that changes either
//! side fails there first.

use std::sync::OnceLock;

use phonenumber::metadata::loader::{self, Descriptor, Metadata};
use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use rustc_hash::FxHashMap;

/// A number type, in the order the crate tests them (`validator::number_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    PremiumRate,
    TollFree,
    SharedCost,
    Voip,
    PersonalNumber,
    Pager,
    Uan,
    Voicemail,
    FixedLine,
    FixedLineOrMobile,
    Mobile,
    Unknown,
}

/// Type tests before the fixed-line/mobile pair, in the crate's order.
const SPECIAL: [Type; 8] = [
    Type::PremiumRate,
    Type::TollFree,
    Type::SharedCost,
    Type::Voip,
    Type::PersonalNumber,
    Type::Pager,
    Type::Uan,
    Type::Voicemail,
];
const FIXED: usize = 8;
const MOBILE: usize = 9;

/// A descriptor's pattern, anchored at the start: the crate accepts a
/// match that starts at 0 (`find(v).start() == 0`), not only a whole match.
struct Desc {
    re: Regex,
    lengths: Vec<u16>,
    local: Vec<u16>,
}

fn pattern(src: &str) -> Regex {
    // The crate compiles every metadata pattern with the `x` flag. Unicode
    // is off: the haystacks are ASCII digits, where an ASCII `\d` matches
    // exactly what a Unicode one does, and a Unicode `\d` (every script's
    // digits) multiplies each compiled pattern's size: compiling every
    // region took 291 MB of RSS with it and 27 MB without (measured once,
    // in a test that compiled all 254 regions).
    RegexBuilder::new(src)
        .ignore_whitespace(true)
        .unicode(false)
        .build()
        .unwrap_or_else(|e| panic!("libphonenumber pattern {src:?}: {e}"))
}

fn anchored(src: &str) -> String {
    format!("^(?:{src})")
}

impl Desc {
    fn of(d: &Descriptor) -> Self {
        Desc {
            re: pattern(&anchored(national_number(d))),
            lengths: d.possible_length.clone(),
            local: d.possible_local_length.clone(),
        }
    }

    fn is_match(&self, v: &str) -> bool {
        length_ok(&self.lengths, v) && self.re.is_match(v)
    }
}

/// A descriptor's pattern: the crate refuses metadata without one.
fn national_number(d: &Descriptor) -> &str {
    d.national_number
        .as_deref()
        .expect("libphonenumber descriptor without a national number pattern")
}

fn length_ok(lengths: &[u16], v: &str) -> bool {
    lengths.is_empty() || lengths.contains(&(v.len() as u16))
}

/// A national format, its patterns compiled when first tried: a region
/// has up to dozens, and a scan formats numbers of few regions (compiling
/// all of the tried regions' formats up front was 159 M instructions, more
/// than reading the whole XML).
struct Format {
    src: &'static loader::Format,
    pattern: OnceLock<Regex>,
    /// The last leading-digits pattern: the only one the crate looks at.
    leading: OnceLock<Option<Regex>>,
}

impl Format {
    fn new(src: &'static loader::Format) -> Self {
        assert!(
            src.pattern.is_some() && src.format.is_some(),
            "libphonenumber format without a pattern or a format"
        );
        Format {
            src,
            pattern: OnceLock::new(),
            leading: OnceLock::new(),
        }
    }

    fn pattern(&self) -> &Regex {
        self.pattern
            .get_or_init(|| pattern(self.src.pattern.as_deref().unwrap_or_default()))
    }

    fn leading(&self) -> Option<&Regex> {
        self.leading
            .get_or_init(|| self.src.leading_digits.last().map(|r| pattern(r)))
            .as_ref()
    }

    fn format(&self) -> &str {
        self.src.format.as_deref().unwrap_or_default()
    }
}

/// A region's descriptors of [`SPECIAL`], fixed line and mobile, in that
/// order (`Meta::types`).
fn type_descriptors(m: &Metadata) -> [Option<&Descriptor>; 10] {
    [
        &m.premium_rate,
        &m.toll_free,
        &m.shared_cost,
        &m.voip,
        &m.personal_number,
        &m.pager,
        &m.uan,
        &m.voicemail,
        &m.fixed_line,
        &m.mobile,
    ]
    .map(Option::as_ref)
}

/// One region's metadata, compiled.
pub struct Meta {
    id: String,
    code: u16,
    general: Desc,
    /// Patterns of [`SPECIAL`], fixed line and mobile, each anchored;
    /// `lengths[i]` is `None` when the region has no such descriptor.
    types: RegexSet,
    type_index: Vec<usize>,
    lengths: [Option<Vec<u16>>; 10],
    fixed_is_mobile: bool,
    national_prefix: Option<String>,
    npp: Option<Regex>,
    transform: Option<String>,
    idd: Option<Regex>,
    leading: Option<Regex>,
    formats: Vec<Format>,
}

impl Meta {
    fn compile(m: &'static Metadata) -> Self {
        let all = type_descriptors(m);
        let id = m.id.clone().expect("libphonenumber region without an id");
        let mut srcs = Vec::new();
        let mut type_index = vec![usize::MAX; all.len()];
        let lengths = all.map(|x| x.map(|x| x.possible_length.clone()));
        for (i, x) in all.iter().enumerate() {
            if let Some(x) = x {
                type_index[i] = srcs.len();
                srcs.push(anchored(national_number(x)));
            }
        }
        let types = RegexSetBuilder::new(&srcs)
            .ignore_whitespace(true)
            .unicode(false) // as in `pattern`
            .build()
            .unwrap_or_else(|e| panic!("libphonenumber patterns of {id}: {e}"));
        let fixed_is_mobile =
            m.fixed_line.as_ref().map(national_number) == m.mobile.as_ref().map(national_number);
        Meta {
            code: m
                .country_code
                .expect("libphonenumber region without a code"),
            general: Desc::of(
                m.general
                    .as_ref()
                    .expect("libphonenumber region without generalDesc"),
            ),
            id,
            types,
            type_index,
            lengths,
            fixed_is_mobile,
            national_prefix: m.national_prefix.clone(),
            npp: m.national_prefix_for_parsing.as_deref().map(pattern),
            transform: m.national_prefix_transform_rule.clone(),
            idd: m.international_prefix.as_deref().map(pattern),
            leading: m.leading_digits.as_deref().map(pattern),
            formats: m.formats.iter().map(Format::new).collect(),
        }
    }

    /// The region's id (`DE`, `001` for non-geographic entities).
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn national_prefix(&self) -> Option<&str> {
        self.national_prefix.as_deref()
    }

    pub fn possible_lengths(&self) -> &[u16] {
        &self.general.lengths
    }

    /// `validator::number_type`.
    pub fn number_type(&self, v: &str) -> Type {
        if !self.general.is_match(v) {
            return Type::Unknown;
        }
        let hits = self.types.matches(v);
        let hit = |i: usize| {
            let at = self.type_index[i];
            at != usize::MAX
                && hits.matched(at)
                && self.lengths[i].as_deref().is_some_and(|l| length_ok(l, v))
        };
        if let Some(i) = (0..SPECIAL.len()).find(|&i| hit(i)) {
            return SPECIAL[i];
        }
        if hit(FIXED) {
            if self.fixed_is_mobile || hit(MOBILE) {
                return Type::FixedLineOrMobile;
            }
            return Type::FixedLine;
        }
        if hit(MOBILE) {
            return Type::Mobile;
        }
        Type::Unknown
    }

    /// `validator::length(meta, number, Type::Unknown)`: whether a national
    /// number of `len` digits is too short for the region.
    fn too_short(&self, len: usize) -> bool {
        let (possible, local) = (&self.general.lengths, &self.general.local);
        let len = len as u16;
        match possible.first() {
            None => false,
            Some(&min) => !local.contains(&len) && len != min && len < min,
        }
    }

    /// `validator::length(..).is_possible()`.
    fn possible(&self, len: usize) -> bool {
        let (possible, local) = (&self.general.lengths, &self.general.local);
        let len = len as u16;
        let Some(&min) = possible.first() else {
            return false;
        };
        local.contains(&len)
            || len == min
            || (len > min && len <= *possible.last().unwrap_or(&min) && possible.contains(&len))
    }

    /// `helper::national_number`: strips the national prefix (and a carrier
    /// code) as `national_prefix_for_parsing` says.
    fn strip_national(&self, number: &mut Parsed) {
        let Some(npp) = &self.npp else {
            if let Some(p) = &self.national_prefix
                && number.national.starts_with(p.as_str())
            {
                number.national.drain(..p.len());
            }
            return;
        };
        let Some(caps) = npp.captures(&number.national) else {
            return;
        };
        let whole = caps.get(0).map_or(0..0, |m| m.range());
        if whole.start != 0 {
            return;
        }
        let viable = self.general.is_match(&number.national);
        let first = caps.get(1).map(|m| m.as_str().to_owned());
        let last = caps.get(caps.len() - 1).map(|m| m.as_str().to_owned());
        match &self.transform {
            Some(t) if last.is_some() => {
                let transformed = npp.replace(&number.national, t.as_str()).into_owned();
                if viable && !self.general.is_match(&transformed) {
                    return;
                }
                number.carrier = first;
                number.national = transformed;
            }
            _ => {
                // The crate tests the number from the match's start, which
                // is 0 here: the whole number again.
                if viable && !self.general.is_match(&number.national) {
                    return;
                }
                // The crate keeps the last group as the carrier code; with
                // no group of its own that is group 0, the whole prefix
                // (its `captures_len() > 0` test always holds).
                number.carrier = last;
                number.national.drain(..whole.end);
            }
        }
    }

    /// `formatter` in national mode: the number as the region writes it at
    /// home, trunk prefix included.
    fn format_national(&self, national: &str, carrier: Option<&str>) -> String {
        // The crate's precedence: a format without leading digits is taken
        // without testing its pattern.
        let chosen = self.formats.iter().find(|f| match f.leading() {
            None => true,
            Some(l) => {
                l.find(national).is_some_and(|m| m.start() == 0)
                    && f.pattern()
                        .find(national)
                        .is_some_and(|m| m.start() == 0 && m.end() == national.len())
            }
        });
        let Some(f) = chosen else {
            return national.to_owned();
        };
        let carrier = carrier.and_then(|c| f.src.domestic_carrier.as_deref().map(|r| (c, r)));
        let template = match (carrier, f.src.national_prefix_formatting_rule.as_deref()) {
            (Some((c, rule)), _) => self.rule_template(f, rule, Some(c)),
            (None, Some(rule)) => self.rule_template(f, rule, None),
            (None, None) => f.format().to_owned(),
        };
        f.pattern()
            .replace(national, template.as_str())
            .into_owned()
    }

    /// `formatter::replace`'s template: the format with its first group
    /// replaced by the rule (`$NP` the national prefix, `$FG` the group,
    /// `$CC` the carrier).
    fn rule_template(&self, f: &Format, rule: &str, carrier: Option<&str>) -> String {
        static FIRST_GROUP: OnceLock<Regex> = OnceLock::new();
        let first_group = FIRST_GROUP.get_or_init(|| Regex::new(r"(\$\d)").expect("valid"));
        let Some(first) = first_group.captures(f.format()).and_then(|c| c.get(1)) else {
            return f.format().to_owned();
        };
        let r = rule.replace("$NP", self.national_prefix.as_deref().unwrap_or(""));
        let r = r.replace("$FG", &format!("${}", first.as_str()));
        let r = r.replace("$CC", carrier.unwrap_or(""));
        first_group.replace(f.format(), r.as_str()).into_owned()
    }
}

/// libphonenumber's metadata, as the `phonenumber` crate release in
/// Cargo.lock ships it (see `data/libphonenumber/README.md`).
static METADATA_XML: &[u8] = include_bytes!("../../data/libphonenumber/PhoneNumberMetadata.xml");

/// Every region's metadata, each compiled on first use.
struct Db {
    metas: Vec<Metadata>,
    compiled: Vec<OnceLock<Meta>>,
    by_id: FxHashMap<String, usize>,
    /// Per country code: regions in `Database::region` order (what
    /// `source_for` walks) and the first of `Database::by_code` (what the
    /// formatter and non-geographic codes use).
    regions: FxHashMap<u16, Vec<usize>>,
    first_of_code: FxHashMap<u16, usize>,
}

impl Db {
    /// Index the regions as `Database::from` does.
    fn new(metas: Vec<Metadata>) -> Self {
        // Per code, the region that is `mainCountryForCode` first and the
        // others in the file's order; by id, the last region of an id
        // (every non-geographic entity is "001").
        let mut by_code: FxHashMap<u16, Vec<usize>> = FxHashMap::default();
        let mut last_of_id: FxHashMap<String, usize> = FxHashMap::default();
        for (i, m) in metas.iter().enumerate() {
            let code = m
                .country_code
                .expect("libphonenumber region without a code");
            let all = by_code.entry(code).or_default();
            if m.main_country_for_code {
                all.insert(0, i);
            } else {
                all.push(i);
            }
            let id = m.id.clone().expect("libphonenumber region without an id");
            last_of_id.insert(id, i);
        }
        // `Database::region` names a code's regions in `by_code`'s order;
        // "001" among them stands for the code's first entity.
        let regions = by_code
            .iter()
            .map(|(&code, all)| {
                let ids = all
                    .iter()
                    .filter_map(|&i| match metas[i].id.as_deref() {
                        Some("001") => all.first().copied(),
                        Some(n) => last_of_id.get(n).copied(),
                        None => None,
                    })
                    .collect();
                (code, ids)
            })
            .collect();
        let first_of_code = by_code.iter().map(|(&c, all)| (c, all[0])).collect();
        last_of_id.remove("001");
        Db {
            compiled: metas.iter().map(|_| OnceLock::new()).collect(),
            metas,
            by_id: last_of_id,
            regions,
            first_of_code,
        }
    }
}

fn db() -> &'static Db {
    static DB: OnceLock<Db> = OnceLock::new();
    DB.get_or_init(|| {
        Db::new(loader::load(METADATA_XML).expect("the libphonenumber metadata built in"))
    })
}

fn meta(i: usize) -> &'static Meta {
    let d = db();
    d.compiled[i].get_or_init(|| Meta::compile(&d.metas[i]))
}

/// The compiled metadata of a region by id (`"DE"`).
pub fn region(id: &str) -> Option<&'static Meta> {
    db().by_id.get(id).map(|&i| meta(i))
}

/// The metadata of the main region of a country code.
pub fn by_code(code: u16) -> Option<&'static Meta> {
    db().first_of_code.get(&code).map(|&i| meta(i))
}

/// `validator::source_for`: which region's metadata a national number of a
/// country code belongs to.
fn source_for(code: u16, national: &str) -> Option<&'static Meta> {
    let d = db();
    let regions = d.regions.get(&code)?;
    if regions.len() == 1 {
        let m = meta(regions[0]);
        // `001`: a non-geographic code, looked up by code.
        return if m.id == "001" {
            by_code(code)
        } else {
            Some(m)
        };
    }
    regions.iter().map(|&i| meta(i)).find(|m| match &m.leading {
        Some(l) => l.find(national).is_some_and(|x| x.start() == 0),
        None => m.number_type(national) != Type::Unknown,
    })
}

/// What parsing keeps of a number.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Parsed {
    national: String,
    carrier: Option<String>,
}

/// A parsed phone number: country code, national significant number (with
/// its leading zeros, as the crate writes it) and carrier code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number {
    pub code: u16,
    pub national: String,
    carrier: Option<String>,
}

/// How the crate reads the country code of `+` and `after_plus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountryCode {
    /// From the digits: the first 1-3 that are a known code.
    Leading,
    /// The first group, whole: written without spaces and with `-`, `.`
    /// or parentheses, the number is an RFC 3966 global number, whose
    /// country code ends at the first separator (`+50.5687.1234` is no
    /// number: there is no country code 50).
    Group(usize),
    /// An RFC 3966 number whose first group is no country code at all.
    Invalid,
}

impl CountryCode {
    /// `parser::rfc3966::phone_number` on `+` and `after_plus`.
    pub fn of(after_plus: &[u8]) -> Self {
        let sep = |b: &u8| matches!(b, b'-' | b'.' | b'(' | b')');
        if after_plus.contains(&b' ') {
            return CountryCode::Leading;
        }
        let Some(at) = after_plus.iter().position(sep) else {
            return CountryCode::Leading;
        };
        let (prefix, rest) = after_plus.split_at(at);
        if prefix.is_empty() || !rest.iter().all(|b| b.is_ascii_hexdigit() || sep(b)) {
            return CountryCode::Leading;
        }
        if !rest.iter().any(u8::is_ascii_hexdigit) {
            return CountryCode::Leading;
        }
        match std::str::from_utf8(prefix)
            .ok()
            .and_then(|p| p.parse::<u16>().ok())
        {
            Some(_) if prefix.iter().all(u8::is_ascii_digit) => CountryCode::Group(prefix.len()),
            _ => CountryCode::Invalid,
        }
    }
}

/// `phonenumber::parse(region, text)` for `digits`: the digits of a
/// number, after the `+` when `region` is `None` (international form, its
/// country code read as `cc` says). `None` where the crate returns an
/// error.
pub fn parse(region: Option<&Meta>, digits: &str, cc: CountryCode) -> Option<Number> {
    let mut national = digits.to_owned();
    let mut code: Option<u16> = None;
    // `helper::international_prefix`: without a `+`, the region's IDD.
    let mut idd_or_plus = region.is_none();
    if let Some(r) = region
        && let Some(m) = r.idd.as_ref().and_then(|re| re.find(&national))
        && m.start() == 0
        && !national[m.end()..].starts_with('0')
    {
        idd_or_plus = true;
        national.drain(..m.end());
    }
    // `helper::country_code`.
    if region.is_none() && cc != CountryCode::Leading {
        let CountryCode::Group(len) = cc else {
            return None;
        };
        let c: u16 = national.get(..len)?.parse().ok()?;
        national.drain(..len);
        if national.len() <= 2 || !db().regions.contains_key(&c) {
            return None;
        }
        code = Some(c);
    } else if idd_or_plus {
        if national.len() <= 2 || national.starts_with('0') {
            return None;
        }
        let (len, c) = (1..=3).find_map(|len| {
            let c: u16 = national.get(..len)?.parse().ok()?;
            db().regions.contains_key(&c).then_some((len, c))
        })?;
        national.drain(..len);
        code = Some(c);
    } else if let Some(r) = region {
        let cc = r.code.to_string();
        if national.starts_with(&cc)
            && (!r.general.is_match(&national) || !r.possible(national.len()))
        {
            national.drain(..cc.len());
        }
        code = Some(r.code);
    }
    let code = code?;
    // The metadata: the given region, else the one the number belongs to.
    let m = match region {
        Some(r) => Some(r),
        None => source_for(code, national.trim_start_matches('0')),
    };
    let mut number = Parsed {
        national,
        carrier: None,
    };
    if let Some(m) = m {
        let mut potential = number.clone();
        m.strip_national(&mut potential);
        if let Some(p) = &m.national_prefix
            && potential.national.starts_with(p.as_str())
        {
            potential.national.drain(..p.len());
        }
        if !m.too_short(potential.national.len()) {
            number = potential;
        }
    }
    let n = number.national.len();
    if !(2..=17).contains(&n) {
        return None;
    }
    // `NationalNumber::from_str`: leading zeros are counted, the rest must
    // be a number below 2^56.
    let rest = number.national.trim_start_matches('0');
    let value: u64 = rest.parse().ok()?;
    if value >= 1 << 56 {
        return None;
    }
    Some(Number {
        code,
        national: number.national,
        carrier: number.carrier,
    })
}

impl Number {
    /// The national number without its leading zeros: what the crate's
    /// `PhoneNumber::metadata` and `number_type` look at.
    fn value(&self) -> &str {
        self.national.trim_start_matches('0')
    }

    /// `validator::is_valid`.
    pub fn is_valid(&self) -> bool {
        source_for(self.code, &self.national)
            .is_some_and(|m| m.number_type(&self.national) != Type::Unknown)
    }

    /// `PhoneNumber::metadata`: the region the number belongs to.
    pub fn region(&self) -> Option<&'static Meta> {
        source_for(self.code, self.value())
    }

    /// `PhoneNumber::number_type`.
    pub fn number_type(&self) -> Type {
        self.region()
            .map_or(Type::Unknown, |m| m.number_type(self.value()))
    }

    /// The number in national format, as `format().mode(Mode::National)`
    /// writes it.
    pub fn national_format(&self) -> Option<String> {
        let m = by_code(self.code)?;
        Some(m.format_national(&self.national, self.carrier.as_deref()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use phonenumber::Mode;
    use phonenumber::metadata::DATABASE;

    fn crate_view(
        region: Option<&str>,
        text: &str,
    ) -> Option<(u16, String, bool, String, String, String)> {
        let id = region.map(|r| r.parse::<phonenumber::country::Id>().expect("region"));
        let p = phonenumber::parse(id, text).ok()?;
        Some((
            p.country().code(),
            p.national().to_string(),
            phonenumber::is_valid(&p),
            p.country()
                .id()
                .map_or(String::new(), |i| i.as_ref().to_owned()),
            format!("{:?}", p.number_type(&DATABASE)),
            p.format().mode(Mode::National).to_string(),
        ))
    }

    fn own_view(
        region: Option<&str>,
        text: &str,
    ) -> Option<(u16, String, bool, String, String, String)> {
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        let r = region.map(|r| super::region(r).expect("region"));
        let cc = match text.strip_prefix('+') {
            Some(t) => CountryCode::of(t.as_bytes()),
            None => CountryCode::Leading,
        };
        let n = parse(r, &digits, cc)?;
        Some((
            n.code,
            n.national.clone(),
            n.is_valid(),
            n.region().map_or(String::new(), |m| {
                if m.id == "001" {
                    String::new()
                } else {
                    m.id.clone()
                }
            }),
            format!("{:?}", n.number_type()),
            n.national_format().unwrap_or_default(),
        ))
    }

    /// What this module reads of a region, from the crate's database.
    fn crate_region(m: &phonenumber::Metadata) -> String {
        let d = m.descriptors();
        let desc = |x: Option<&phonenumber::metadata::Descriptor>| {
            x.map(|x| {
                (
                    x.national_number().as_str().to_owned(),
                    x.possible_length().to_vec(),
                    x.possible_local_length().to_vec(),
                )
            })
        };
        let formats: Vec<_> = m
            .formats()
            .iter()
            .map(|f| {
                (
                    f.pattern().as_str(),
                    f.format(),
                    f.leading_digits()
                        .iter()
                        .map(|r| r.as_str())
                        .collect::<Vec<_>>(),
                    f.national_prefix(),
                    f.domestic_carrier(),
                )
            })
            .collect();
        format!(
            "{} {} {:?} {:?} {:?} {:?} {:?} {:?} {formats:?}",
            m.id(),
            m.country_code(),
            m.national_prefix(),
            m.national_prefix_for_parsing().map(|r| r.as_str()),
            m.national_prefix_transform_rule(),
            m.international_prefix().map(|r| r.as_str()),
            m.leading_digits().map(|r| r.as_str()),
            [
                Some(d.general()),
                d.premium_rate(),
                d.toll_free(),
                d.shared_cost(),
                d.voip(),
                d.personal_number(),
                d.pager(),
                d.uan(),
                d.voicemail(),
                d.fixed_line(),
                d.mobile(),
            ]
            .map(desc),
        )
    }

    /// The same, from the copy this module reads.
    fn own_region(m: &Metadata) -> String {
        let desc = |x: Option<&Descriptor>| {
            x.map(|x| {
                (
                    national_number(x).to_owned(),
                    x.possible_length.clone(),
                    x.possible_local_length.clone(),
                )
            })
        };
        let formats: Vec<_> = m
            .formats
            .iter()
            .map(|f| {
                (
                    f.pattern.as_deref().expect("pattern"),
                    f.format.as_deref().expect("format"),
                    f.leading_digits
                        .iter()
                        .map(String::as_str)
                        .collect::<Vec<_>>(),
                    f.national_prefix_formatting_rule.as_deref(),
                    f.domestic_carrier.as_deref(),
                )
            })
            .collect();
        format!(
            "{} {} {:?} {:?} {:?} {:?} {:?} {:?} {formats:?}",
            m.id.as_deref().expect("id"),
            m.country_code.expect("code"),
            m.national_prefix.as_deref(),
            m.national_prefix_for_parsing.as_deref(),
            m.national_prefix_transform_rule.as_deref(),
            m.international_prefix.as_deref(),
            m.leading_digits.as_deref(),
            std::iter::once(m.general.as_ref())
                .chain(type_descriptors(m))
                .map(desc)
                .collect::<Vec<_>>(),
        )
    }

    /// The copied XML holds the crate's metadata, region for region, and is
    /// indexed as the crate indexes it: a crate upgrade without a new copy
    /// fails here.
    #[test]
    fn vendored_metadata_is_the_crates() {
        let d = db();
        let mut codes = 0;
        for code in 1..1000u16 {
            let Some(all) = DATABASE.by_code(&code) else {
                assert!(!d.regions.contains_key(&code), "{code}");
                continue;
            };
            codes += 1;
            // Every entity of the code, in the crate's order.
            let mut own: Vec<String> = d
                .metas
                .iter()
                .filter(|m| m.country_code == Some(code))
                .map(own_region)
                .collect();
            let mut theirs: Vec<String> = all.iter().map(|m| crate_region(m)).collect();
            assert_eq!(own.len(), theirs.len(), "{code}");
            own.sort();
            theirs.sort();
            assert_eq!(own, theirs, "{code}");
            // The first of the code, and the regions `source_for` walks.
            assert_eq!(
                own_region(&d.metas[d.first_of_code[&code]]),
                crate_region(all[0]),
                "{code}"
            );
            let names: Vec<&str> = d.regions[&code]
                .iter()
                .map(|&i| d.metas[i].id.as_deref().expect("id"))
                .collect();
            assert_eq!(names, DATABASE.region(&code).expect("regions"), "{code}");
        }
        assert_eq!(d.regions.len(), codes);
        for m in DATABASE.iter().filter(|m| m.id() != "001") {
            let own = &d.metas[d.by_id[m.id()]];
            assert_eq!(own_region(own), crate_region(m));
        }
        assert!(d.by_id.len() > 240, "{}", d.by_id.len());
    }

    /// A fixed pseudo-random sequence (no dependency for a test).
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            self.0 >> 33
        }
    }

    /// Every region's example numbers, nationally and internationally, and
    /// random digits around them: parsed, validated, typed and formatted
    /// alike by the crate and by this module.
    #[test]
    fn same_as_the_crate() {
        // The crate's regex cache holds 100 patterns by default and
        // recompiles on a miss: minutes for this test without room.
        DATABASE
            .cache()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .set_capacity(20_000);
        let mut rng = Lcg(7);
        let mut checked = 0;
        let regions = [
            "CN", "JP", "KR", "VN", "DE", "US", "CA", "GB", "FR", "IN", "BR", "IL",
        ];
        for m in DATABASE.iter() {
            let d = m.descriptors();
            let examples = [d.general()]
                .into_iter()
                .chain(d.fixed_line())
                .chain(d.mobile())
                .chain(d.toll_free())
                .chain(d.voip())
                .filter_map(|x| x.example().map(str::to_owned));
            for ex in examples {
                let mut texts = vec![format!("+{}{}", m.country_code(), ex)];
                for _ in 0..6 {
                    // Mutate a digit, drop one or add one.
                    let mut s: Vec<u8> = ex.bytes().collect();
                    let at = (rng.next() as usize) % s.len();
                    match rng.next() % 3 {
                        0 => s[at] = b'0' + (rng.next() % 10) as u8,
                        1 if s.len() > 3 => {
                            s.remove(at);
                        }
                        _ => s.insert(at, b'0' + (rng.next() % 10) as u8),
                    }
                    let s = String::from_utf8(s).expect("digits");
                    texts.push(format!("+{}{}", m.country_code(), s));
                    texts.push(format!("0{s}"));
                    texts.push(s);
                }
                texts.push(format!("0{ex}"));
                texts.push(ex.clone());
                texts.push(format!("{}{}", m.country_code(), ex));
                for t in &texts {
                    if t.starts_with('+') {
                        assert_eq!(crate_view(None, t), own_view(None, t), "{t}");
                        // Grouped: the country code alone, or cut short.
                        let cc = m.country_code().to_string();
                        let rest = &t[1 + cc.len()..];
                        for g in [
                            format!("+{cc}-{rest}"),
                            format!("+{cc} {rest}"),
                            format!("+{cc}.{rest}"),
                            format!("+{}-{}{rest}", &cc[..1], &cc[1..]),
                            format!("+{}.{}{rest}", &cc[..1], &cc[1..]),
                            format!("+{cc}({rest}"),
                        ] {
                            assert_eq!(crate_view(None, &g), own_view(None, &g), "{g}");
                        }
                        checked += 7;
                    } else if regions.contains(&m.id()) || checked % 7 == 0 {
                        for r in regions {
                            assert_eq!(crate_view(Some(r), t), own_view(Some(r), t), "{r} {t}");
                            checked += 1;
                        }
                    }
                }
            }
        }
        // Random runs of digits of phone lengths in every tried region.
        for _ in 0..3000 {
            let len = 7 + (rng.next() % 7) as usize;
            let t: String = (0..len)
                .map(|_| char::from(b'0' + (rng.next() % 10) as u8))
                .collect();
            for r in regions {
                assert_eq!(crate_view(Some(r), &t), own_view(Some(r), &t), "{r} {t}");
            }
            let i = format!("+{t}");
            assert_eq!(crate_view(None, &i), own_view(None, &i), "{i}");
            checked += 13;
        }
        assert!(checked > 50_000, "{checked}");
    }
}
