//! The data profile: per input file pattern and field path, what is found
//! there and where it goes ("`line*.jsonl` sends `operator.phone`, personal
//! data, to DE"), the view a governance lead reads first. Built batch by
//! batch like the other summaries, so its memory is bounded by the number
//! of (pattern, field) pairs, which is capped.

use std::collections::BTreeMap;

use arrow_array::cast::AsArray;
use arrow_array::types::UInt64Type;
use arrow_array::{Array, RecordBatch};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use super::same;
use crate::batch::{
    COL_CATEGORY, COL_DEST_COUNTRY, COL_DETECTOR, COL_EVIDENCE, COL_FIELD, COL_OFFSET, COL_PATH,
    COL_VERDICT,
};

/// Distinct (pattern, field) pairs kept; the findings of further fields go
/// to their pattern's [`OTHER_FIELDS`] row, so a feed with a field per
/// device id cannot grow the profile without bound.
pub const MAX_ENTRIES: usize = 5_000;
/// The field of the row that gathers fields past [`MAX_ENTRIES`].
pub const OTHER_FIELDS: &str = "(other fields)";
/// The field of findings in free text (no field path).
pub const TEXT_FIELD: &str = "(text)";

/// The pattern of a file path: every run of digits replaced by `*`, so the
/// daily, per-device and numbered files of one feed share a pattern
/// (`logs/line07/2026-11-01.jsonl` is `logs/line*/*-*-*.jsonl`).
pub fn file_pattern(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_digits = false;
    for c in path.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('*');
            }
            in_digits = true;
        } else {
            out.push(c);
            in_digits = false;
        }
    }
    out
}

/// String views of (detector, destination country, verdict) in one batch.
type Views = (u128, u128, u128);
/// Per [`Views`]: a row that has them, and the findings.
type Hits = FxHashMap<Views, (usize, u64)>;

/// Findings of a record up to which its rows are compared pairwise.
const FEW_FINDINGS: usize = 16;

/// One row of the profile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProfileRow {
    pub pattern: String,
    pub field: String,
    /// Records with a finding in this field, and the findings.
    pub records: u64,
    pub hits: u64,
    pub categories: BTreeMap<String, u64>,
    pub detectors: BTreeMap<String, u64>,
    /// Destination country -> findings.
    pub destinations: BTreeMap<String, u64>,
    pub verdicts: BTreeMap<String, u64>,
    /// The first finding's evidence, as the findings table has it (masked
    /// unless values are shown).
    pub example: String,
}

/// The profile being built: rows in the order their pair was first seen
/// (which is input order, whatever the batching), so the cap keeps the
/// same pairs for any thread count or split size.
#[derive(Debug, Default)]
pub struct Profile {
    rows: Vec<ProfileRow>,
    index: FxHashMap<(String, String), usize>,
}

impl Profile {
    /// The row of a pair: a new one while under the cap, else the
    /// pattern's row of other fields.
    pub(super) fn row(&mut self, pattern: &str, field: &str, example: &str) -> &mut ProfileRow {
        let key = (pattern.to_string(), field.to_string());
        let i = match self.index.get(&key) {
            Some(&i) => i,
            None if self.rows.len() < MAX_ENTRIES || field == OTHER_FIELDS => {
                self.rows.push(ProfileRow {
                    pattern: key.0.clone(),
                    field: key.1.clone(),
                    example: example.to_string(),
                    ..Default::default()
                });
                self.index.insert(key, self.rows.len() - 1);
                self.rows.len() - 1
            }
            None => return self.row(pattern, OTHER_FIELDS, example),
        };
        &mut self.rows[i]
    }

    pub fn add(&mut self, batch: &RecordBatch) {
        let s = |i: usize| batch.column(i).as_string_view();
        let (path, field, det, cat) = (s(COL_PATH), s(COL_FIELD), s(COL_DETECTOR), s(COL_CATEGORY));
        let (dc, verdict, evidence) = (s(COL_DEST_COUNTRY), s(COL_VERDICT), s(COL_EVIDENCE));
        let off = batch.column(COL_OFFSET).as_primitive::<UInt64Type>();
        let n = batch.num_rows();
        // Per distinct (path, field) of the batch, in first-seen order.
        let mut pairs: FxHashMap<(u128, u128), usize> = FxHashMap::default();
        // Per pair: its first row, its records, and per (detector,
        // destination, verdict) views a row that has them and the hits.
        let mut order: Vec<(usize, u64, Hits)> = Vec::new();
        // Fields met in the current record, when it has many findings.
        let mut fields_seen: FxHashSet<Option<&str>> = FxHashSet::default();
        let mut start = 0;
        while start < n {
            // A record's findings are contiguous rows.
            let mut end = start + 1;
            while end < n && off.value(end) == off.value(start) && same(path, end, start) {
                end += 1;
            }
            // A record of many findings (a line of a million addresses)
            // looks its fields up in a set, not among its earlier rows.
            let many = end - start > FEW_FINDINGS;
            fields_seen.clear();
            for i in start..end {
                let fv = if field.is_valid(i) {
                    field.views()[i]
                } else {
                    0
                };
                let key = (path.views()[i], fv);
                let slot = *pairs.entry(key).or_insert_with(|| {
                    order.push((i, 0, FxHashMap::default()));
                    order.len() - 1
                });
                // A record's rows share its path (see `end` above).
                let first_in_record = if many {
                    fields_seen.insert(field.is_valid(i).then(|| field.value(i)))
                } else {
                    !(start..i).any(|j| {
                        same(path, i, j)
                            && field.is_valid(i) == field.is_valid(j)
                            && (!field.is_valid(i) || same(field, i, j))
                    })
                };
                let e = &mut order[slot];
                e.1 += u64::from(first_in_record);
                let views = (det.views()[i], dc.views()[i], verdict.views()[i]);
                e.2.entry(views).or_insert((i, 0)).1 += 1;
            }
            start = end;
        }
        let mut pattern = String::new();
        let mut pattern_of: Option<usize> = None;
        for (first, records, counts) in order {
            if pattern_of.is_none_or(|p| !same(path, p, first)) {
                pattern = file_pattern(path.value(first));
                pattern_of = Some(first);
            }
            let f = if field.is_valid(first) {
                field.value(first)
            } else {
                TEXT_FIELD
            };
            let row = self.row(&pattern, f, evidence.value(first));
            row.records += records;
            for (at, hits) in counts.into_values() {
                row.hits += hits;
                *row.detectors.entry(det.value(at).to_string()).or_default() += hits;
                *row.categories.entry(cat.value(at).to_string()).or_default() += hits;
                *row.destinations
                    .entry(dc.value(at).to_string())
                    .or_default() += hits;
                *row.verdicts
                    .entry(verdict.value(at).to_string())
                    .or_default() += hits;
            }
        }
    }

    /// Add a profile of later batches.
    pub fn merge(&mut self, other: Profile) {
        fn add(a: &mut BTreeMap<String, u64>, b: BTreeMap<String, u64>) {
            for (k, n) in b {
                *a.entry(k).or_default() += n;
            }
        }
        for r in other.rows {
            let row = self.row(&r.pattern, &r.field, &r.example);
            row.records += r.records;
            row.hits += r.hits;
            add(&mut row.categories, r.categories);
            add(&mut row.detectors, r.detectors);
            add(&mut row.destinations, r.destinations);
            add(&mut row.verdicts, r.verdicts);
        }
    }

    /// The rows by pattern, then most findings first, then field.
    pub fn rows(&self) -> Vec<ProfileRow> {
        let mut rows = self.rows.clone();
        rows.sort_by(|a, b| {
            (&a.pattern, std::cmp::Reverse(a.hits), &a.field).cmp(&(
                &b.pattern,
                std::cmp::Reverse(b.hits),
                &b.field,
            ))
        });
        rows
    }
}
