//! Host patterns (`[destinations] hosts`, an exception's `hosts`) matched
//! without one automaton over all of them: a single `GlobSet` of a few
//! thousand host globs exceeds the regex engine's size limit ("error
//! building NFA", issue 17), and most patterns of a large policy are exact
//! names or `*.suffix`, which a hash map answers exactly.
//!
//! The answer is that of one `GlobSet` of [`host_glob`]s over the patterns
//! in the order given: the first pattern that matches. `host_glob` compiles
//! to an ASCII case-insensitive byte regex (`(?-u)(?i)`, `*` crossing dots),
//! so an exact pattern matches the host equal to it ignoring ASCII case, and
//! `*` followed by a literal matches every host that ends with the literal.

use std::sync::Arc;

use globset::{GlobSet, GlobSetBuilder};
use rustc_hash::FxHashMap;

use crate::cloud::{host_glob, specificity};
use crate::country::CountryId;

/// Characters that make a pattern more than a literal for the glob parser
/// (`]` and `,` are literal alone, but a pattern with them gains nothing
/// from the fast path and is safest left to the glob engine).
fn is_meta(c: char) -> bool {
    matches!(c, '*' | '?' | '[' | ']' | '{' | '}' | ',' | '\\')
}

/// How many globs one `GlobSet` starts with; a set that still fails to
/// build is split in two until it builds or holds one glob.
const GLOBS_PER_SET: usize = 512;

/// A pattern that cannot be matched: invalid, or (alone) too large for the
/// glob engine.
#[derive(Debug, Clone)]
pub struct HostPatternError {
    /// Index of the pattern in the order given.
    pub index: usize,
    pub pattern: String,
    pub error: globset::Error,
}

/// Finds the first of a list of host patterns that matches a host.
#[derive(Debug, Clone, Default)]
pub struct HostMatcher {
    /// Patterns without wildcards, ASCII lower-cased, to their first index.
    exact: FxHashMap<Box<[u8]>, u32>,
    /// The literal after the `*` of `*literal`, lower-cased, to the first
    /// index of such a pattern.
    suffix: FxHashMap<Box<[u8]>, u32>,
    /// The distinct byte lengths of the keys of `suffix`, ascending.
    suffix_lens: Vec<usize>,
    /// Every other pattern, in order, in sets of consecutive indices, each
    /// with the index of its members.
    globs: Vec<(GlobSet, Vec<u32>)>,
}

impl HostMatcher {
    /// Patterns in precedence order: [`HostMatcher::find`] gives the first
    /// that matches.
    pub fn new<'a>(patterns: impl IntoIterator<Item = &'a str>) -> Result<Self, HostPatternError> {
        let patterns: Vec<&str> = patterns.into_iter().collect();
        let failed = |index: usize, error| HostPatternError {
            index,
            pattern: patterns[index].to_string(),
            error,
        };
        let mut m = HostMatcher::default();
        let mut globs = Vec::new();
        for (i, p) in patterns.iter().enumerate() {
            let index = u32::try_from(i).expect("fewer than 2^32 host patterns");
            let lower = p.to_ascii_lowercase().into_bytes().into_boxed_slice();
            if !p.contains(is_meta) {
                m.exact.entry(lower).or_insert(index);
            } else if let Some(lit) = p.strip_prefix('*')
                && !lit.is_empty()
                && !lit.contains(is_meta)
            {
                m.suffix.entry(lower[1..].into()).or_insert(index);
            } else {
                globs.push((index, host_glob(p).map_err(|e| failed(i, e))?));
            }
        }
        let mut lens: Vec<usize> = m.suffix.keys().map(|k| k.len()).collect();
        lens.sort_unstable();
        lens.dedup();
        m.suffix_lens = lens;
        for chunk in globs.chunks(GLOBS_PER_SET) {
            m.add_globs(chunk).map_err(|(i, e)| failed(i as usize, e))?;
        }
        Ok(m)
    }

    /// One set of the globs, or, when that is too large to build, two
    /// halves; a single glob too large to build is the error.
    fn add_globs(&mut self, globs: &[(u32, globset::Glob)]) -> Result<(), (u32, globset::Error)> {
        let mut b = GlobSetBuilder::new();
        for (_, g) in globs {
            b.add(g.clone());
        }
        match b.build() {
            Ok(set) => {
                self.globs
                    .push((set, globs.iter().map(|(i, _)| *i).collect()));
                Ok(())
            }
            Err(e) if globs.len() == 1 => Err((globs[0].0, e)),
            Err(_) => {
                let (a, b) = globs.split_at(globs.len() / 2);
                self.add_globs(a)?;
                self.add_globs(b)
            }
        }
    }

    /// The index of the first pattern that matches `host`.
    pub fn find(&self, host: &str) -> Option<usize> {
        let lower;
        let host = if host.bytes().any(|b| b.is_ascii_uppercase()) {
            lower = host.to_ascii_lowercase();
            lower.as_bytes()
        } else {
            host.as_bytes()
        };
        let mut best = self.exact.get(host).copied();
        for &n in &self.suffix_lens {
            if n > host.len() {
                break;
            }
            if let Some(&i) = self.suffix.get(&host[host.len() - n..]) {
                best = Some(best.map_or(i, |b| b.min(i)));
            }
        }
        let candidate = globset::Candidate::from_bytes(host);
        for (set, indices) in &self.globs {
            // Sets hold ascending indices: once one starts after the best
            // match so far, no later one can win.
            if best.is_some_and(|b| b < indices[0]) {
                break;
            }
            if let Some(&k) = set.matches_candidate(&candidate).first() {
                let i = indices[k];
                best = Some(best.map_or(i, |b| b.min(i)));
                break;
            }
        }
        best.map(|i| i as usize)
    }

    pub fn is_match(&self, host: &str) -> bool {
        self.find(host).is_some()
    }
}

/// Host patterns placed in countries, most specific first (see
/// [`specificity`]), and the matcher that finds the one placing a host.
#[derive(Debug, Default)]
pub struct HostPlaces {
    patterns: Vec<(String, CountryId)>,
    matcher: HostMatcher,
}

impl HostPlaces {
    /// `hosts` in any order: the most specific pattern wins, and among
    /// equally specific ones the earlier.
    pub fn new(hosts: Vec<(String, CountryId)>) -> Result<Arc<Self>, HostPatternError> {
        let mut patterns = hosts;
        patterns.sort_by_key(|(h, _)| specificity(h));
        let matcher = HostMatcher::new(patterns.iter().map(|(h, _)| h.as_str()))?;
        Ok(Arc::new(HostPlaces { patterns, matcher }))
    }

    /// The pattern that places `host`, and its country.
    pub fn find(&self, host: &str) -> Option<(&str, CountryId)> {
        self.matcher.find(host).map(|i| {
            let (p, c) = &self.patterns[i];
            (p.as_str(), *c)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::country::countries;

    /// The matcher this one replaced: every pattern, most specific first,
    /// in one `GlobSet`; the first match wins.
    struct OneGlobSet {
        set: GlobSet,
        patterns: Vec<(String, CountryId)>,
    }

    impl OneGlobSet {
        fn new(hosts: Vec<(String, CountryId)>) -> Self {
            let mut patterns = hosts;
            patterns.sort_by_key(|(h, _)| specificity(h));
            let mut b = GlobSetBuilder::new();
            for (h, _) in &patterns {
                b.add(host_glob(h).unwrap());
            }
            OneGlobSet {
                set: b.build().unwrap(),
                patterns,
            }
        }

        fn find(&self, host: &str) -> Option<(&str, CountryId)> {
            self.set.matches(host).first().map(|&i| {
                let (p, c) = &self.patterns[i];
                (p.as_str(), *c)
            })
        }
    }

    /// xorshift64*: the same patterns and hosts on every run.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
            from[self.below(from.len())]
        }
    }

    const LABELS: &[&str] = &[
        "api", "API", "eu", "x", "cdn-1", "vendor", "Vendor", "a", "b", "ab", "corp", "io",
    ];
    const ZONES: &[&str] = &[
        "example",
        "example.com",
        "co.jp",
        "Example.DE",
        "net",
        "b.c",
    ];

    fn name(r: &mut Rng) -> String {
        let mut labels: Vec<&str> = (0..1 + r.below(3)).map(|_| r.pick(LABELS)).collect();
        labels.push(r.pick(ZONES));
        labels.join(".")
    }

    /// Exact names, `*.suffix`, `*suffix`, and real globs of every kind
    /// (`?`, classes, alternates, escapes, `*` inside, `**`), from a small
    /// vocabulary so that many overlap and tie.
    fn pattern(r: &mut Rng) -> String {
        let n = name(r);
        match r.below(16) {
            0..=4 => n,
            5..=8 => format!("*.{n}"),
            9 => format!("*{n}"),
            10 => format!("{}?{}", r.pick(LABELS), &n[1..]),
            11 => format!("[ab]{n}"),
            12 => format!("{{api,eu}}.{n}"),
            13 => format!("{}*.{}", r.pick(LABELS), r.pick(ZONES)),
            14 => format!("\\{n}"),
            _ => format!("{}.*", r.pick(LABELS)),
        }
    }

    /// Hosts the patterns may or may not match: names of the vocabulary,
    /// some with upper-case letters, and the patterns with their wildcards
    /// filled in.
    fn host(r: &mut Rng, patterns: &[(String, CountryId)]) -> String {
        let h = if r.below(2) == 0 {
            name(r)
        } else {
            let p = &patterns[r.below(patterns.len())].0;
            let fill = r.pick(LABELS);
            p.replace('*', fill)
                .replace('?', "p")
                .replace("[ab]", "b")
                .replace("{api,eu}", "eu")
                .replace('\\', "")
        };
        if r.below(4) == 0 {
            h.to_ascii_uppercase()
        } else {
            h
        }
    }

    fn placed(r: &mut Rng, n: usize) -> Vec<(String, CountryId)> {
        let codes = ["DE", "FR", "US", "JP", "CN", "VN"];
        (0..n)
            .map(|_| (pattern(r), countries().lookup(r.pick(&codes)).unwrap()))
            .collect()
    }

    #[test]
    fn the_same_answer_as_one_globset() {
        for seed in 1..=5u64 {
            let mut r = Rng(0x9E37_79B9_7F4A_7C15 ^ seed);
            // Sizes the single set still builds (and matches in reasonable
            // time); the largest has two sets of real globs.
            let patterns = placed(&mut r, [10, 50, 200, 600, 1800][seed as usize - 1]);
            let old = OneGlobSet::new(patterns.clone());
            let new = HostPlaces::new(patterns.clone()).unwrap();
            if seed == 5 {
                assert!(new.matcher.globs.len() > 1);
            }
            let mut decided = 0;
            for _ in 0..2000 {
                let h = host(&mut r, &patterns);
                let want = old.find(&h);
                assert_eq!(new.find(&h), want, "host {h:?}, seed {seed}");
                decided += usize::from(want.is_some());
            }
            assert!(decided > 600, "seed {seed}: only {decided} hosts matched");
        }
    }

    #[test]
    fn the_most_specific_pattern_wins_whatever_its_kind() {
        let c = |code| countries().lookup(code).unwrap();
        let places = HostPlaces::new(vec![
            ("*".into(), c("CN")),
            ("*.com".into(), c("US")),
            ("*.x.com".into(), c("FR")),
            ("*x.com".into(), c("VN")),
            ("a?i.x.com".into(), c("JP")),
            ("API.x.com".into(), c("DE")),
            ("\\api.x.com".into(), c("KR")),
            ("api.x.co?".into(), c("GB")),
        ])
        .unwrap();
        let found = |h| places.find(h).map(|(p, c)| (p, countries().code(c)));
        // An escape is no wildcard: the longest name wins.
        assert_eq!(found("api.x.com"), Some(("\\api.x.com", "KR")));
        assert_eq!(found("API.X.COM"), Some(("\\api.x.com", "KR")));
        assert_eq!(found("api.x.con"), Some(("api.x.co?", "GB")));
        assert_eq!(found("apI.x.com.eu"), Some(("*", "CN")));
        // More literal characters: a real glob before a suffix.
        assert_eq!(found("abi.x.com"), Some(("a?i.x.com", "JP")));
        assert_eq!(found("abc.x.com"), Some(("*.x.com", "FR")));
        assert_eq!(found("abix.com"), Some(("*x.com", "VN")));
        assert_eq!(found("b.com"), Some(("*.com", "US")));
        assert_eq!(found("b.org"), Some(("*", "CN")));
    }

    #[test]
    fn twenty_thousand_patterns_build_and_match() {
        let de = countries().lookup("DE").unwrap();
        let jp = countries().lookup("JP").unwrap();
        let mut hosts = Vec::new();
        for i in 0..20_000 {
            let (p, c) = match i % 10 {
                0..=3 => (format!("h{i}.plant{}.example", i % 97), de),
                4..=7 => (format!("*.s{i}.example"), jp),
                _ => (format!("api{i}-*.g{}.example", i % 50), de),
            };
            hosts.push((p, c));
        }
        let places = HostPlaces::new(hosts).unwrap();
        assert!(places.matcher.globs.len() > 1);
        let found = |h| {
            places
                .find(h)
                .map(|(p, c)| (p.to_string(), countries().code(c)))
        };
        assert_eq!(
            found("h19990.plant8.example"),
            Some(("h19990.plant8.example".into(), "DE"))
        );
        assert_eq!(
            found("x.y.s19997.example"),
            Some(("*.s19997.example".into(), "JP"))
        );
        assert_eq!(
            found("API19999-eu.g49.example"),
            Some(("api19999-*.g49.example".into(), "DE"))
        );
        assert_eq!(found("api19999-eu.g48.example"), None);
        assert_eq!(found("h19990.plant9.example"), None);
    }

    #[test]
    fn globs_too_large_for_one_set_are_split() {
        let q = "?".repeat(2000);
        let patterns: Vec<String> = (0..300).map(|i| format!("h{i}-{q}")).collect();
        let m = HostMatcher::new(patterns.iter().map(String::as_str)).unwrap();
        assert!(m.globs.len() > 1, "{} sets", m.globs.len());
        let a = "a".repeat(2000);
        for i in [0, 7, 150, 299] {
            assert_eq!(m.find(&format!("H{i}-{a}")), Some(i));
        }
        assert_eq!(m.find(&format!("h300-{a}")), None);
    }

    #[test]
    fn a_glob_too_large_alone_is_named() {
        let huge = "?".repeat(200_000);
        let ok: Vec<String> = (0..1000).map(|i| format!("a{i}?.example")).collect();
        let mut all: Vec<&str> = ok.iter().map(String::as_str).collect();
        all.insert(700, &huge);
        let e = HostMatcher::new(all).unwrap_err();
        assert_eq!((e.index, e.pattern.len()), (700, 200_000));
        assert!(e.error.to_string().contains("NFA"), "{}", e.error);
    }
}
