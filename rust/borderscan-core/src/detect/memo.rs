//! What the value pass finds in a value by itself, remembered per worker:
//! telemetry repeats the same few hundred strings (record types, models,
//! site codes, endpoints) in every record, and half of a record's bytes
//! went through the combined pattern set and the keyword automaton again
//! and again (issue 20). A value met for the second time is run through
//! both alone; from then on its candidate rules and keyword matches are
//! looked up. A value met once goes through the set with the record's
//! other such values, as before.
//!
//! The set's answer for one value is a superset of the rules whose own
//! regex matches in it (each set pattern is its rule's, relaxed, and `^`/`$`
//! match at the value's edges), and each rule's own regex still decides, so
//! findings are what the record-wide pass gave: `tests.rs` checks it.

use std::hash::Hasher;

use rustc_hash::{FxHashMap, FxHashSet, FxHasher};

/// Values longer than this are not remembered: long values (messages,
/// payloads) rarely repeat whole, and a key costs their length.
pub(super) const MAX_VALUE: usize = 128;
/// Bound on the values remembered; past it, the memo starts afresh at the
/// next record (about 4 MB a worker when full).
const MAX_ENTRIES: usize = 16 * 1024;
/// Bound on the first sightings remembered (hashes only: 2 MB).
const MAX_ONCE: usize = 256 * 1024;

/// No entry: the value is scanned with its record.
pub(super) const NONE: u32 = u32::MAX;

/// The value pass's results for one value.
pub(super) struct Entry {
    /// Indices of the value rules whose set pattern matches the value, in
    /// rule order.
    pub(super) candidates: Box<[u32]>,
    /// The keyword automaton's matches, as `Keywords::find_overlapping`
    /// gives them.
    pub(super) keywords: Box<[(u32, u32, u32)]>,
    /// Bit `i`: the `i`-th record-type rule matches the value (the first
    /// 64 rules; others are run).
    pub(super) types: u64,
}

#[derive(Default)]
pub(super) struct ValueMemo {
    index: FxHashMap<Box<[u8]>, u32>,
    entries: Vec<Entry>,
    /// Hashes of values met once.
    once: FxHashSet<u64>,
    /// Tests: never remember (the record-wide pass alone), and how many
    /// fields took their results from an entry.
    #[cfg(test)]
    pub(super) off: bool,
    #[cfg(test)]
    pub(super) used: usize,
}

impl ValueMemo {
    /// Called before each record: entries handed out for the last record
    /// are no longer referred to, so a full memo can start afresh.
    pub(super) fn begin_record(&mut self) {
        if self.entries.len() >= MAX_ENTRIES {
            self.index.clear();
            self.entries.clear();
        }
    }

    /// The entry of `value`, made by `compute` the second time the value is
    /// met; `NONE` the first time, for a value too long, or when the memo
    /// is full (until the next record).
    pub(super) fn lookup(&mut self, value: &[u8], compute: impl FnOnce(&[u8]) -> Entry) -> u32 {
        #[cfg(test)]
        if self.off {
            return NONE;
        }
        if value.len() > MAX_VALUE {
            return NONE;
        }
        if let Some(&i) = self.index.get(value) {
            #[cfg(test)]
            {
                self.used += 1;
            }
            return i;
        }
        let mut h = FxHasher::default();
        h.write(value);
        let h = h.finish();
        if self.once.insert(h) {
            if self.once.len() >= MAX_ONCE {
                self.once.clear();
            }
            return NONE;
        }
        if self.entries.len() >= MAX_ENTRIES {
            return NONE;
        }
        let i = self.entries.len() as u32;
        self.entries.push(compute(value));
        self.index.insert(value.into(), i);
        i
    }

    pub(super) fn entry(&self, i: u32) -> &Entry {
        &self.entries[i as usize]
    }
}
