//! The value rules' patterns as a few regex sets instead of one.
//!
//! A lazy DFA over one set of every pattern builds a state for each
//! combination of the patterns' partial matches it meets. Patterns that
//! count digits or letters (`\d{6,14}`, `[A-Z]{2}\d{2}`) multiply each
//! other's states, so on values met once (timestamps, serials, readings)
//! the combined DFA never stopped determinising: most of the scan's 155
//! instructions per input byte once warm went to new states (callgrind,
//! `benches/RESULTS.md`, issue 20). Smaller sets meet far fewer states, at
//! the price of one more pass each over the same bytes; three sets of the
//! 68 built-in patterns cost least (sizes from 4 to 68 measured).
//!
//! The union of the sets' matches is the one set's, pattern for pattern:
//! the same patterns, compiled with the same options.

use regex::bytes::{RegexSet, RegexSetBuilder};

/// Patterns per set: fewer made the passes cost more than the states they
/// saved, more left the union's states (see the module comment).
pub(super) const PER_SET: usize = 23;

pub(super) struct PatternSets {
    /// Each set with the index of its first pattern.
    sets: Vec<(RegexSet, usize)>,
    /// Tests: every pattern in one set, built with the same options (what
    /// the detectors ran before the split), to hold the split equal to it.
    #[cfg(test)]
    pub(super) whole: RegexSet,
}

impl PatternSets {
    /// `configure` sets the options every set is built with.
    pub(super) fn new(
        patterns: &[String],
        per_set: usize,
        configure: impl Fn(&mut RegexSetBuilder) -> &mut RegexSetBuilder,
    ) -> Result<Self, regex::Error> {
        let mut sets = Vec::new();
        for (k, chunk) in patterns.chunks(per_set.max(1)).enumerate() {
            let mut b = RegexSetBuilder::new(chunk);
            sets.push((configure(&mut b).build()?, k * per_set.max(1)));
        }
        Ok(PatternSets {
            sets,
            #[cfg(test)]
            whole: configure(&mut RegexSetBuilder::new(patterns)).build()?,
        })
    }

    /// Indices of the patterns that match somewhere in `hay`, ascending.
    pub(super) fn matches<'a>(&'a self, hay: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
        self.sets
            .iter()
            .flat_map(move |(set, first)| set.matches(hay).into_iter().map(move |i| first + i))
    }
}
