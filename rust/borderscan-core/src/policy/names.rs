//! The names a policy refers to that are not its own: the categories and
//! detector ids of the rule packs a scan loads (the taxonomy is data, so a
//! user's pack can add both), and a "did you mean" for names that are close
//! to one of them.

use std::collections::{BTreeMap, BTreeSet};

use crate::rules::{RulePackSpec, RuleSpec};

/// The categories and detectors of a set of rule packs: what a policy's
/// `categories` and `detectors` may name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Names {
    categories: BTreeSet<String>,
    /// Detector id -> its category.
    detectors: BTreeMap<String, String>,
}

impl Names {
    /// The names of these rules (of every pack a scan loads).
    pub fn of_rules<'a>(rules: impl IntoIterator<Item = &'a RuleSpec>) -> Self {
        let mut n = Names::default();
        for r in rules {
            n.categories.insert(r.category.clone());
            n.detectors.insert(r.id.clone(), r.category.clone());
        }
        n
    }

    /// The names of these packs.
    pub fn of_packs(packs: &[RulePackSpec]) -> Self {
        Self::of_rules(packs.iter().flat_map(|p| &p.rules))
    }

    /// The names of the built-in rule pack.
    pub fn builtin() -> Self {
        Self::of_packs(&[RulePackSpec::builtin()])
    }

    pub fn has_category(&self, c: &str) -> bool {
        self.categories.contains(c)
    }

    /// Every category, sorted.
    pub fn categories(&self) -> impl Iterator<Item = &str> {
        self.categories.iter().map(String::as_str)
    }

    /// Every detector id with its category, sorted by id.
    pub fn detectors(&self) -> impl Iterator<Item = (&str, &str)> {
        self.detectors.iter().map(|(d, c)| (d.as_str(), c.as_str()))
    }

    /// The category of a detector id.
    pub fn category_of(&self, detector: &str) -> Option<&str> {
        self.detectors.get(detector).map(String::as_str)
    }
}

/// The candidate closest to `word` when it is close enough to be a typo
/// of it (case is ignored: `@eu` is close to `@EU`); ties go to the first.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let w: Vec<char> = word.to_lowercase().chars().collect();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let cl: Vec<char> = c.to_lowercase().chars().collect();
        let d = distance(&w, &cl);
        // One edit in short names, about one in three in longer ones.
        let limit = (w.len().max(cl.len()) / 3).max(1);
        if d <= limit && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Edits (insert, delete, substitute, swap two neighbours) from `a` to `b`.
fn distance(a: &[char], b: &[char]) -> usize {
    let mut prev2: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(prev2[j - 2] + 1);
            }
        }
        prev2 = std::mem::replace(&mut prev, cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let cats = ["calibration", "personal", "secret", "sensor"];
        assert_eq!(did_you_mean("personel", cats), Some("personal"));
        assert_eq!(did_you_mean("Personal", cats), Some("personal"));
        assert_eq!(did_you_mean("sensors", cats), Some("sensor"));
        assert_eq!(did_you_mean("weather", cats), None);
        assert_eq!(
            did_you_mean("personal.emial", ["personal.email", "personal.name"]),
            Some("personal.email")
        );
        assert_eq!(did_you_mean("EEE", ["EEA", "EU"]), Some("EEA"));
        assert_eq!(did_you_mean("allowed", ["allow", "deny"]), Some("allow"));
        assert_eq!(did_you_mean("@EEE", ["@EU"]), None);
    }

    #[test]
    fn builtin_names() {
        let n = Names::builtin();
        assert!(n.has_category("personal") && !n.has_category("personel"));
        assert_eq!(n.category_of("personal.email"), Some("personal"));
    }
}
