//! The multilingual lexicon: concepts (`error`, `calibration`, `setpoint`,
//! `inspection`...) with the words that name them in each language, so rules
//! say `@error` once instead of listing "błąd", "hiba", "σφάλμα"... in every
//! rule that needs them. It is data (`rules/lexicon.toml`), compiled into the
//! binary like the default pack.
//!
//! A word is matched as a word, not as a substring: in scripts that separate
//! words with spaces it must start at a word boundary and, unless written
//! with a trailing `*` (a stem: `virhe*` is also `virheen`, `virheitä`), end
//! at one. Scripts without spaces (Chinese, Japanese, Thai...) and scripts
//! whose words take prefixes (Arabic `الخطأ`, Hebrew `השגיאה`) match
//! anywhere; Korean words take particles after them (`오류가`), so they are
//! open at the end.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::error::{Error, Result};

/// The built-in lexicon.
pub const LEXICON: &str = include_str!("../../rules/lexicon.toml");

/// Words that negate a concept when written before it (`no`, `keine`,
/// `brak`, `无`) or after it (`なし`, `없음`, `yok`, `nélkül`): `0 errors`,
/// `bez błędów` and `hata yok` are no errors.
pub const NEGATION_BEFORE: &str = "negation_before";
pub const NEGATION_AFTER: &str = "negation_after";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    concept: BTreeMap<String, ConceptSpec>,
}

#[derive(Debug, Deserialize)]
struct ConceptSpec {
    /// What the concept is, for people reading the file and `rules list`.
    description: String,
    /// A negation next to the word (see [`NEGATION_BEFORE`]) or a zero count
    /// (`0 errors`, `errors: 0`) takes the word back.
    #[serde(default)]
    negatable: bool,
    /// Followed by a count (`Ausschuss 13`, `报废15`), the word is a tally,
    /// not an event.
    #[serde(default)]
    not_before_count: bool,
    /// Followed by a length or an angle (`Fehler 6,4 µm`), the word is a
    /// measured deviation, not an event.
    #[serde(default)]
    not_before_measure: bool,
    /// Followed by one of these, the word is something else (`サイクルタイム
    /// 超過`, a PLC's scan cycle exceeded, is a fault, not a cycle time).
    #[serde(default)]
    not_before_words: Vec<String>,
    /// Language code (ISO 639-1) → words.
    #[serde(flatten)]
    words: BTreeMap<String, Vec<String>>,
}

/// One word of a concept, ready for matching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// As written, without the stem mark.
    pub text: String,
    /// Must not follow a letter or digit.
    pub left: bool,
    /// Must not be followed by a letter or digit.
    pub right: bool,
    /// Written in a script without spaces between words: what modifies it
    /// (a negation) is written right next to it.
    pub tight: bool,
}

#[derive(Debug)]
pub struct Concept {
    pub description: String,
    pub negatable: bool,
    pub not_before_count: bool,
    pub not_before_measure: bool,
    pub not_before_words: Vec<String>,
    /// Languages in the file's order (sorted by code), words as written.
    pub words: Vec<(String, Vec<Word>)>,
}

#[derive(Debug)]
pub struct Lexicon {
    pub concepts: BTreeMap<String, Concept>,
}

impl Lexicon {
    pub fn parse(text: &str, origin: &str) -> Result<Self> {
        let file: LexiconFile = toml::from_str(text).map_err(|e| Error::Config {
            place: origin.to_string(),
            message: e.to_string(),
        })?;
        let mut concepts = BTreeMap::new();
        for (name, spec) in file.concept {
            let place = || format!("{origin}: concept {name}");
            let mut words = Vec::new();
            for (lang, list) in spec.words {
                if lang.len() != 2 || !lang.bytes().all(|b| b.is_ascii_lowercase()) {
                    return Err(Error::config(
                        place(),
                        format!("`{lang}` is not a two-letter language code"),
                    ));
                }
                let mut out = Vec::new();
                for w in list {
                    let word = Word::parse(&w)
                        .ok_or_else(|| Error::config(place(), format!("empty word in `{lang}`")))?;
                    out.push(word);
                }
                words.push((lang, out));
            }
            concepts.insert(
                name,
                Concept {
                    description: spec.description,
                    negatable: spec.negatable,
                    not_before_count: spec.not_before_count,
                    not_before_measure: spec.not_before_measure,
                    not_before_words: spec.not_before_words,
                    words,
                },
            );
        }
        for required in [NEGATION_BEFORE, NEGATION_AFTER] {
            if !concepts.contains_key(required) {
                return Err(Error::config(
                    origin,
                    format!("the lexicon needs the concept `{required}`"),
                ));
            }
        }
        Ok(Lexicon { concepts })
    }

    /// The built-in lexicon, parsed once.
    pub fn builtin() -> &'static Lexicon {
        static L: OnceLock<Lexicon> = OnceLock::new();
        // Tested by `cargo test`: a failure is a bug in the shipped data.
        L.get_or_init(|| Lexicon::parse(LEXICON, "builtin:lexicon.toml").expect("valid lexicon"))
    }

    /// The concept a rule refers to as `@name`.
    pub fn concept(&self, reference: &str) -> Option<&Concept> {
        self.concepts.get(reference.strip_prefix('@')?)
    }
}

/// `{{concept}}` in a rule's regex (`pattern`, `context`, `not_after`...)
/// becomes a group of the concept's words in every language, escaped:
/// `(?i:{{phone}})[: ]*` reads "a word for phone, then the number".
/// Returns the name of a concept that does not exist as the error.
pub fn expand_regex(lexicon: &Lexicon, re: &str) -> std::result::Result<String, String> {
    let mut out = String::with_capacity(re.len());
    let mut rest = re;
    while let Some(i) = rest.find("{{") {
        let Some(j) = rest[i + 2..].find("}}") else {
            break;
        };
        let name = &rest[i + 2..i + 2 + j];
        let concept = lexicon.concepts.get(name).ok_or_else(|| name.to_string())?;
        out.push_str(&rest[..i]);
        out.push_str("(?:");
        let mut words: Vec<&str> = concept.all_words().map(|w| w.text.as_str()).collect();
        // Longest first: an alternation takes the first that matches.
        words.sort_by_key(|w| std::cmp::Reverse(w.len()));
        words.dedup();
        for (k, w) in words.iter().enumerate() {
            if k > 0 {
                out.push('|');
            }
            out.push_str(&regex::escape(w));
        }
        out.push(')');
        rest = &rest[i + 2 + j + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The concepts a regex names as `{{concept}}`, in order, once each (a
/// rule pack may name at most [`MAX_SENTINELS`]: `RulePackSpec::check`).
pub fn concept_refs(re: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = re;
    while let Some(i) = rest.find("{{") {
        let Some(j) = rest[i + 2..].find("}}") else {
            break;
        };
        let name = rest[i + 2..i + 2 + j].to_string();
        if !out.contains(&name) {
            out.push(name);
        }
        rest = &rest[i + 2 + j + 2..];
    }
    out
}

/// Concepts one regex may name.
pub const MAX_SENTINELS: usize = 8;

/// The byte that stands for the `k`-th concept of a regex in the copy of a
/// value the regex runs on: control bytes that text does not hold.
pub fn sentinel(k: usize) -> u8 {
    0x01 + k as u8
}

/// The regex with each `{{concept}}` replaced by its sentinel byte
/// (`refs` as [`concept_refs`] gives them).
pub fn with_sentinels(re: &str, refs: &[String]) -> String {
    let mut out = String::with_capacity(re.len());
    let mut rest = re;
    while let Some(i) = rest.find("{{") {
        let Some(j) = rest[i + 2..].find("}}") else {
            break;
        };
        let name = &rest[i + 2..i + 2 + j];
        out.push_str(&rest[..i]);
        match refs.iter().position(|r| r == name) {
            Some(k) => out.push_str(&format!("\\x{:02X}", sentinel(k))),
            None => out.push_str(&rest[i..i + 2 + j + 2]),
        }
        rest = &rest[i + 2 + j + 2..];
    }
    out.push_str(rest);
    out
}

impl Concept {
    pub fn all_words(&self) -> impl Iterator<Item = &Word> {
        self.words.iter().flat_map(|(_, w)| w.iter())
    }
}

impl Word {
    fn parse(raw: &str) -> Option<Word> {
        let (text, stem) = match raw.strip_suffix('*') {
            Some(t) => (t, true),
            None => (raw, false),
        };
        let first = text.chars().next()?;
        let last = text.chars().next_back()?;
        Some(Word {
            text: text.to_string(),
            left: !unspaced(first) && !prefixed(first),
            right: !stem && !unspaced(last) && !prefixed(last) && !is_hangul(last),
            tight: unspaced(first) || unspaced(last),
        })
    }

    /// Whether a match of this word at `start..end` of `text` sits at the
    /// word boundaries it asks for.
    pub fn sits(&self, text: &[u8], start: usize, end: usize) -> bool {
        !(self.left && word_char_before(text, start) || self.right && word_char_at(text, end))
    }

    /// The forms the matcher looks for: ASCII case is folded by the
    /// matcher; other scripts are written in lower case, upper case and
    /// capitalised (`BŁĄD`, `Błąd`, `błąd`).
    pub fn forms(&self) -> Vec<String> {
        let mut out = vec![self.text.clone()];
        if !self.text.is_ascii() {
            let mut cap = String::new();
            let mut chars = self.text.chars();
            if let Some(c) = chars.next() {
                cap.extend(c.to_uppercase());
                cap.push_str(&chars.as_str().to_lowercase());
            }
            for f in [self.text.to_lowercase(), self.text.to_uppercase(), cap] {
                if !out.contains(&f) {
                    out.push(f);
                }
            }
        }
        out
    }
}

/// What follows a word: a count (a bare integer) or a measure (a number
/// with a unit of length or angle), after at most a separator.
pub fn number_after(text: &[u8], at: usize) -> Option<NumberAfter> {
    let mut i = at;
    let skip = |i: &mut usize, set: &[&[u8]]| {
        'outer: loop {
            for s in set {
                if text[*i..].starts_with(s) {
                    *i += s.len();
                    continue 'outer;
                }
            }
            break;
        }
    };
    skip(&mut i, &[b" ", b"\t", b":", b"=", "：".as_bytes()]);
    let digits = i;
    while i < text.len() && text[i].is_ascii_digit() {
        i += 1;
    }
    if i == digits || i - digits > 9 {
        return None;
    }
    let mut integer = true;
    if i + 1 < text.len() && matches!(text[i], b'.' | b',') && text[i + 1].is_ascii_digit() {
        integer = false;
        i += 1;
        while i < text.len() && text[i].is_ascii_digit() {
            i += 1;
        }
    }
    let unit_at = i + usize::from(text.get(i) == Some(&b' '));
    const UNITS: [&str; 11] = [
        "µm", "μm", "um", "mm", "px", "pixel", "mrad", "arcsec", "°", "deg", "%",
    ];
    let unit = &text[unit_at..];
    let measure = UNITS.iter().any(|u| {
        unit.starts_with(u.as_bytes()) && !unit.get(u.len()).is_some_and(u8::is_ascii_alphanumeric)
    });
    let count = integer && !measure && !text.get(i).is_some_and(u8::is_ascii_alphanumeric);
    Some(NumberAfter { count, measure })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberAfter {
    pub count: bool,
    pub measure: bool,
}

/// Whether one of `words` follows `at` (after at most a space or a colon),
/// ASCII case folded.
pub fn word_after(text: &[u8], at: usize, words: &[String]) -> bool {
    let mut i = at;
    for sep in [&b" "[..], b":", "：".as_bytes(), b" "] {
        if text[i..].starts_with(sep) {
            i += sep.len();
        }
    }
    let rest = &text[i..];
    words.iter().any(|w| {
        let w = w.as_bytes();
        rest.len() >= w.len() && rest[..w.len()].eq_ignore_ascii_case(w)
    })
}

/// Scripts written without spaces between words.
fn unspaced(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF      // Thai, Lao
        | 0x1000..=0x109F    // Myanmar
        | 0x1780..=0x17FF    // Khmer
        | 0x2E80..=0x9FFF    // CJK radicals, kana, ideographs
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0xFF00..=0xFFEF    // half- and full-width forms
        | 0x20000..=0x3FFFF) // CJK extensions
}

/// Scripts whose words take clitics written as prefixes (articles,
/// prepositions, conjunctions): a word cannot be asked to start at a
/// boundary.
fn prefixed(c: char) -> bool {
    matches!(c as u32, 0x0590..=0x05FF | 0x0600..=0x06FF | 0x0750..=0x077F | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF)
}

fn is_hangul(c: char) -> bool {
    matches!(c as u32, 0xAC00..=0xD7AF | 0x1100..=0x11FF | 0x3130..=0x318F)
}

/// Whether the bytes just before `at` end a word character (a letter, a
/// digit or `_`): a lexicon word may not start there.
pub fn word_char_before(text: &[u8], at: usize) -> bool {
    // A hyphen glued to a word continues it: `x-calibration` is a name.
    if at >= 2 && text[at - 1] == b'-' && text[at - 2].is_ascii_alphanumeric() {
        return true;
    }
    let mut i = at;
    while i > 0 && at - i < 4 {
        i -= 1;
        if text[i] & 0xC0 != 0x80 {
            return decodes_to_word_char(&text[i..at]);
        }
    }
    false
}

/// Whether a word character (see [`word_char_before`]) starts at `at`.
pub fn word_char_at(text: &[u8], at: usize) -> bool {
    let Some(&b) = text.get(at) else {
        return false;
    };
    // `calibration-service`, `quality-gateway`: a name, not the word.
    if b == b'-' && text.get(at + 1).is_some_and(u8::is_ascii_alphanumeric) {
        return true;
    }
    let len = match b {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => return false,
    };
    text.get(at..at + len).is_some_and(decodes_to_word_char)
}

fn decodes_to_word_char(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes)
        .ok()
        .and_then(|s| s.chars().next())
        .is_some_and(|c| c == '_' || c.is_alphanumeric() || is_mark(c))
}

/// Combining marks continue a word (Devanagari vowel signs and viramas,
/// Thai tone marks) even where `is_alphanumeric` says no.
fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x0900..=0x0DFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_lexicon_parses_and_has_negations() {
        let l = Lexicon::builtin();
        assert!(l.concepts.len() > 10);
        for name in [NEGATION_BEFORE, NEGATION_AFTER, "error", "calibration"] {
            assert!(l.concept(&format!("@{name}")).is_some(), "{name}");
        }
    }

    #[test]
    fn words_carry_their_boundaries() {
        let w = Word::parse("błąd").unwrap();
        assert!(w.left && w.right);
        assert_eq!(w.forms(), ["błąd", "BŁĄD", "Błąd"]);
        let w = Word::parse("virhe*").unwrap();
        assert!(w.left && !w.right);
        assert_eq!(w.text, "virhe");
        let w = Word::parse("故障").unwrap();
        assert!(!w.left && !w.right);
        let w = Word::parse("خطأ").unwrap();
        assert!(!w.left && !w.right);
        let w = Word::parse("오류").unwrap();
        assert!(w.left && !w.right);
        assert!(Word::parse("*").is_none());
    }

    #[test]
    fn word_characters_around_a_match() {
        let t = "x_błąd błędu 故障".as_bytes();
        assert!(word_char_before(t, 2)); // after `_`
        assert!(!word_char_before(t, 0));
        let at = "x_błąd ".len();
        assert!(!word_char_before(t, at));
        assert!(word_char_at(t, at));
        assert!(!word_char_at(t, at - 1));
        assert!(!word_char_at(t, t.len()));
        // `ł` is two bytes: the byte after `b` starts a letter.
        assert!(word_char_at(t, 3));
    }

    #[test]
    fn concepts_expand_inside_regexes() {
        let l = Lexicon::builtin();
        let re = expand_regex(l, "(?i:{{calibration}}) done").unwrap();
        assert!(
            re.starts_with("(?i:(?:") && re.contains("kalibracja"),
            "{re}"
        );
        let re = regex::Regex::new(&re).unwrap();
        assert!(re.is_match("Kalibracja done"));
        assert_eq!(expand_regex(l, "a{{nope}}b").unwrap_err(), "nope");
        assert_eq!(expand_regex(l, "x{2,3}").unwrap(), "x{2,3}");
    }

    #[test]
    fn numbers_after_a_word() {
        let n = |t: &str| number_after(t.as_bytes(), 0);
        assert_eq!(
            n(" 13, Taktzeit"),
            Some(NumberAfter {
                count: true,
                measure: false
            })
        );
        assert_eq!(
            n("15 节拍"),
            Some(NumberAfter {
                count: true,
                measure: false
            })
        );
        assert_eq!(
            n(" 6,4 µm"),
            Some(NumberAfter {
                count: false,
                measure: true
            })
        );
        assert_eq!(
            n(": 0.53 px"),
            Some(NumberAfter {
                count: false,
                measure: true
            })
        );
        assert_eq!(
            n(" 4711 Kühlmittel"),
            Some(NumberAfter {
                count: true,
                measure: false
            })
        );
        assert_eq!(n(" 0x1A2B").map(|x| x.count), Some(false));
        assert_eq!(n(" E-4711"), None);
    }

    #[test]
    fn sentinels_stand_for_concepts() {
        let refs = concept_refs("(?i:a|{{x}})b{{y}}c{{x}}");
        assert_eq!(refs, ["x", "y"]);
        assert_eq!(
            with_sentinels("(?i:a|{{x}})b{{y}}c{{x}}", &refs),
            "(?i:a|\\x01)b\\x02c\\x01"
        );
        let re = regex::bytes::Regex::new(&with_sentinels("(?-u)(?i:a|{{x}})b", &refs)).unwrap();
        assert!(re.is_match(b"\x01b") && re.is_match(b"Ab") && !re.is_match(b"xb"));
    }

    #[test]
    fn a_bad_language_code_is_an_error_naming_the_concept() {
        let text = r#"
[concept.negation_before]
description = "n"
en = ["no"]
[concept.negation_after]
description = "n"
ja = ["なし"]
[concept.error]
description = "e"
english = ["error"]
"#;
        let e = Lexicon::parse(text, "lex.toml").unwrap_err().to_string();
        assert!(e.contains("concept error") && e.contains("english"), "{e}");
    }
}

#[cfg(test)]
mod pack_tests {
    use crate::rules::RulePackSpec;

    fn pack(rule: &str) -> String {
        format!(
            "name = \"local\"\nversion = \"1\"\n\n[[rule]]\nid = \"operational.local\"\ncategory = \"operational\"\ndescription = \"d\"\n{rule}\n"
        )
    }

    #[test]
    fn a_user_pack_names_concepts_and_an_unknown_one_is_an_error_naming_the_rule() {
        let ok = pack("kind = \"keyword\"\nkeywords = ['@recipe', 'Rezeptbuch']");
        let spec = RulePackSpec::parse(&ok, "local.toml").unwrap();
        let det = crate::detect::Detectors::new(&[RulePackSpec::builtin(), spec]).unwrap();
        let (_, _, hits) =
            crate::rules::scan_line(&det, "Linia 2: receptura R-17 załadowana".as_bytes());
        assert!(
            hits.iter()
                .any(|h| det.rule(h.rule).id == "operational.local")
        );
        for bad in [
            pack("kind = \"keyword\"\nkeywords = ['@recipes']"),
            pack("kind = \"value\"\npattern = '(?i:{{recipes}}) ([0-9]+)'\ngroup = 1"),
        ] {
            let e = RulePackSpec::parse(&bad, "local.toml")
                .unwrap_err()
                .to_string();
            assert!(
                e.contains("operational.local") && e.contains("recipes"),
                "{e}"
            );
        }
        let nine = [
            "error",
            "warning",
            "alarm",
            "fault",
            "recipe",
            "setpoint",
            "calibration",
            "verdict",
            "spec",
        ]
        .map(|c| format!("{{{{{c}}}}}"))
        .join("|");
        let nine = pack(&format!("kind = \"value\"\npattern = '({nine})'"));
        let e = RulePackSpec::parse(&nine, "l").unwrap_err().to_string();
        assert!(e.contains("at most 8 concepts"), "{e}");
    }
}
