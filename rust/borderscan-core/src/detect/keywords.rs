//! The keyword automaton, split by script: the lexicon's words in every
//! language (thousands, most of them non-ASCII) made one Aho-Corasick DFA of
//! 46 MB, most of it states of non-ASCII words over a wide byte alphabet.
//! ASCII words stay in a DFA (5 MB, it runs over every value); the others go
//! into a contiguous NFA (under 1 MB), which only runs on values that hold a
//! non-ASCII byte, since no other value can contain such a word. The matches
//! are those of one automaton over all words, in its order.

use aho_corasick::{AhoCorasick, AhoCorasickKind};

use crate::error::{Error, Result};

pub(crate) struct Keywords {
    ascii: Option<Part>,
    other: Option<Part>,
}

struct Part {
    ac: AhoCorasick,
    /// The keyword index (in the caller's list) of each pattern.
    ids: Vec<u32>,
}

impl Part {
    fn new(
        words: &[String],
        pick: impl Fn(&str) -> bool,
        kind: AhoCorasickKind,
    ) -> Result<Option<Self>> {
        let (ids, picked): (Vec<u32>, Vec<&str>) = words
            .iter()
            .enumerate()
            .filter(|(_, w)| pick(w))
            .map(|(i, w)| (i as u32, w.as_str()))
            .unzip();
        if picked.is_empty() {
            return Ok(None);
        }
        let ac = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .kind(Some(kind))
            .build(&picked)
            .map_err(|e| Error::config("keyword rules", e.to_string()))?;
        Ok(Some(Part { ac, ids }))
    }

    fn find(&self, value: &[u8], out: &mut Vec<(u32, u32, u32)>) {
        out.extend(self.ac.find_overlapping_iter(value).map(|m| {
            (
                self.ids[m.pattern().as_usize()],
                m.start() as u32,
                m.end() as u32,
            )
        }));
    }
}

impl Keywords {
    pub(crate) fn new(words: &[String]) -> Result<Self> {
        Ok(Keywords {
            // A DFA: it runs over every value, where the default NFA cost
            // ~20 instructions per byte.
            ascii: Part::new(words, str::is_ascii, AhoCorasickKind::DFA)?,
            other: Part::new(words, |w| !w.is_ascii(), AhoCorasickKind::ContiguousNFA)?,
        })
    }

    /// Every occurrence of every keyword in `value` as (keyword, start,
    /// end), overlapping: a word that fails its boundary check (`error` in
    /// `errors`) must not hide a longer one there. Ordered as one automaton
    /// reports them: by end, and at one end the longest first.
    pub(crate) fn find_overlapping(&self, value: &[u8], out: &mut Vec<(u32, u32, u32)>) {
        let first = out.len();
        if let Some(p) = &self.ascii {
            p.find(value, out);
        }
        if let Some(p) = &self.other
            && !value.is_ascii()
        {
            let mid = out.len();
            p.find(value, out);
            if mid > first && out.len() > mid {
                // Stable: equal (end, start) pairs are one word written
                // twice, whose order within one automaton is kept.
                out[first..].sort_by_key(|&(_, start, end)| (end, start));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::lexicon::Lexicon;

    fn lexicon_words() -> Vec<String> {
        let mut words: Vec<String> = Lexicon::builtin()
            .concepts
            .values()
            .flat_map(|c| c.all_words().map(|w| w.text.clone()))
            .collect();
        words.extend(["Error", "error", "ERR", "警告", "警", "告警", "fehler"].map(String::from));
        words
    }

    /// The split automata report exactly what one automaton over every
    /// word reports, in the same order, on text that mixes scripts and
    /// puts words inside, across and next to each other.
    #[test]
    fn same_matches_as_one_automaton() {
        let words = lexicon_words();
        assert!(words.iter().any(|w| w.is_ascii()) && words.iter().any(|w| !w.is_ascii()));
        let split = Keywords::new(&words).unwrap();
        let one = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&words)
            .unwrap();
        // A deterministic walk over the words and some glue.
        let glue = [" ", "", "-", "_", "：", "。", "x", "Ä", "2", "\u{3000}"];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut checked = 0;
        for _ in 0..4000 {
            let mut text = String::new();
            for _ in 0..1 + next(6) {
                let w = &words[next(words.len())];
                text.push_str(&if next(3) == 0 {
                    w.to_uppercase()
                } else {
                    w.clone()
                });
                text.push_str(glue[next(glue.len())]);
            }
            let want: Vec<(u32, u32, u32)> = one
                .find_overlapping_iter(text.as_bytes())
                .map(|m| (m.pattern().as_u32(), m.start() as u32, m.end() as u32))
                .collect();
            let mut got = vec![(u32::MAX, 0, 0)];
            split.find_overlapping(text.as_bytes(), &mut got);
            assert_eq!(got[1..], want[..], "{text:?}");
            checked += want.len();
        }
        assert!(checked > 10_000, "{checked}");
    }
}
