//! Summaries of the findings table, built batch by batch as batches pass
//! (so a scan of any size is summarised without holding its findings), and
//! a JSON writer for findings rows.

use std::collections::BTreeMap;

use arrow_array::cast::AsArray;
use arrow_array::types::UInt64Type;
use arrow_array::{Array, RecordBatch, StringViewArray};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use crate::batch::{
    COL_CATEGORY, COL_DEST_COUNTRY, COL_DEST_SOURCE, COL_DETECTOR, COL_EXCEPTION, COL_OFFSET,
    COL_ORIGIN_COUNTRY, COL_ORIGIN_SOURCE, COL_PATH, COL_RULE, COL_SEVERITY, COL_VERDICT,
};

mod profile;
mod render;
mod tally;
#[cfg(test)]
mod tests;

pub use profile::{MAX_ENTRIES, OTHER_FIELDS, ProfileRow, TEXT_FIELD, file_pattern};
pub(crate) use render::spare as spare_rows;
pub use render::{JsonRows, Rendered, Want, write_json_rows};
pub use tally::Tally;

/// Hits and distinct records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub records: u64,
    pub hits: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryRow {
    pub category: String,
    pub records: u64,
    pub hits: u64,
    pub detectors: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DetectorRow {
    pub detector: String,
    pub category: String,
    pub records: u64,
    pub hits: u64,
}

/// Per-category and per-detector counts. Exact because the engine never
/// splits one record's findings across batches, and a record's findings are
/// contiguous rows: a record starts where (path, byte_offset) changes.
#[derive(Debug, Default)]
pub struct Summary {
    /// Detector id -> (its category, counts). Keyed by id alone so a lookup
    /// needs no allocation (ids are unique across loaded packs).
    detectors: BTreeMap<String, (String, Counts)>,
    categories: BTreeMap<String, Counts>,
    /// The flow matrix: (category, origin country, destination country,
    /// verdict), joined by U+001F (see `counts`) -> counts. Hash maps
    /// keyed by joined strings: a row looks its keys up without
    /// allocating; `residency` sorts.
    flows: FxHashMap<String, Counts>,
    /// Verdict -> counts.
    verdicts: FxHashMap<String, Counts>,
    /// (policy rule, severity), joined, of violations -> counts.
    violations: FxHashMap<String, Counts>,
    /// How destinations and origins were resolved -> findings.
    dest_sources: FxHashMap<String, u64>,
    origin_sources: FxHashMap<String, u64>,
    /// Exception label -> findings it exempted (or, expired, would have).
    exceptions: FxHashMap<String, (String, u64)>,
    /// Per file pattern and field path: what is found and where it goes.
    profile: profile::Profile,
    /// Scratch for joined keys.
    key: String,
}

/// Update the entry of a key made of parts (joined by U+001F, which no
/// country code, category, verdict, rule id or severity holds): one lookup,
/// and an allocation only for a new key.
fn update<V: Default>(
    map: &mut FxHashMap<String, V>,
    key: &mut String,
    parts: &[&str],
    f: impl FnOnce(&mut V),
) {
    key.clear();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            key.push(KEY_SEP);
        }
        key.push_str(p);
    }
    match map.get_mut(key.as_str()) {
        Some(v) => f(v),
        None => {
            let mut v = V::default();
            f(&mut v);
            map.insert(key.clone(), v);
        }
    }
}

/// Whether rows `i` and `j` hold the same string: equal views are (both
/// inline, or the same bytes of the same buffer), and differing inline
/// views are not (inline views are zero-padded).
fn same(a: &StringViewArray, i: usize, j: usize) -> bool {
    let v = a.views();
    if v[i] == v[j] {
        return true;
    }
    let len = v[i] as u32;
    len > 12 && len == v[j] as u32 && a.value(i) == a.value(j)
}

const KEY_SEP: char = '\u{1f}';

fn sorted<V: Clone>(map: &FxHashMap<String, V>) -> BTreeMap<String, V> {
    map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlowRow {
    pub category: String,
    pub origin_country: String,
    pub dest_country: String,
    pub verdict: String,
    pub records: u64,
    pub hits: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ViolationRow {
    pub rule: String,
    pub severity: String,
    pub records: u64,
    pub hits: u64,
}

/// The residency side of a summary, as JSON for the bindings.
#[derive(Debug, Clone, Serialize)]
pub struct ResidencySummary {
    pub flows: Vec<FlowRow>,
    pub verdicts: BTreeMap<String, Counts>,
    pub violations: Vec<ViolationRow>,
    pub dest_sources: BTreeMap<String, u64>,
    pub origin_sources: BTreeMap<String, u64>,
    /// Exception label -> (verdict of the findings, count).
    pub exceptions: BTreeMap<String, (String, u64)>,
}

/// Counts of one batch keyed by string views (`u128`), not strings: equal
/// views are equal strings within one array, so rows are counted without
/// touching their bytes, and strings are looked up once per distinct key
/// and batch. Equal strings with different views (possible in arrays that
/// were not built from constant tables) make separate entries that merge by
/// string; record counts stay exact because "first in its record" is
/// decided by string equality.
struct Local<K> {
    map: FxHashMap<K, (Counts, usize)>,
}

impl<K: std::hash::Hash + Eq> Local<K> {
    fn new() -> Self {
        Local {
            map: FxHashMap::default(),
        }
    }

    fn bump(&mut self, key: K, row: usize, first: bool) {
        let e = self.map.entry(key).or_insert((Counts::default(), row));
        e.0.hits += 1;
        e.0.records += u64::from(first);
    }
}

/// Rows of one record up to which "first in its record" is decided by
/// comparing with each earlier row (no allocation); past it, by sets.
const PAIRWISE_ROWS: usize = 16;

/// The values seen so far in one record, by what is counted once per
/// record. Keys are the strings (as `same` compares them), not views.
#[derive(Default)]
struct Seen<'a> {
    det: FxHashSet<&'a str>,
    cat: FxHashSet<&'a str>,
    flow: FxHashSet<[&'a str; 4]>,
    verdict: FxHashSet<&'a str>,
    violation: FxHashSet<[&'a str; 2]>,
}

impl Seen<'_> {
    fn clear(&mut self) {
        self.det.clear();
        self.cat.clear();
        self.flow.clear();
        self.verdict.clear();
        self.violation.clear();
    }
}

impl Summary {
    pub fn add(&mut self, batch: &RecordBatch) {
        self.profile.add(batch);
        let s = |i: usize| batch.column(i).as_string_view();
        let (path, det, cat) = (s(COL_PATH), s(COL_DETECTOR), s(COL_CATEGORY));
        let (oc, dc, verdict) = (s(COL_ORIGIN_COUNTRY), s(COL_DEST_COUNTRY), s(COL_VERDICT));
        let (rule, sev, exc) = (s(COL_RULE), s(COL_SEVERITY), s(COL_EXCEPTION));
        let (ds, os) = (s(COL_DEST_SOURCE), s(COL_ORIGIN_SOURCE));
        let off = batch.column(COL_OFFSET).as_primitive::<UInt64Type>();
        let view = |a: &StringViewArray, i: usize| a.views()[i];
        let mut dets = Local::new();
        let mut cats = Local::new();
        let mut flows = Local::new();
        let mut verdicts = Local::new();
        let mut violations = Local::new();
        let mut dsrc = Local::new();
        let mut osrc = Local::new();
        let mut excs = Local::new();
        let n = batch.num_rows();
        let mut seen = Seen::default();
        let mut start = 0;
        while start < n {
            let mut end = start + 1;
            while end < n && off.value(end) == off.value(start) && same(path, end, start) {
                end += 1;
            }
            // A record of many findings (a line of a million addresses)
            // is deduplicated with sets of the values seen; comparing each
            // row with every earlier one was quadratic (issue 17).
            let many = end - start > PAIRWISE_ROWS;
            if many {
                seen.clear();
            }
            for i in start..end {
                let earlier = start..i;
                let first = |f: &dyn Fn(usize) -> bool| !earlier.clone().any(f);
                let (first_det, first_cat, first_flow, first_verdict) = if many {
                    (
                        seen.det.insert(det.value(i)),
                        seen.cat.insert(cat.value(i)),
                        seen.flow.insert([
                            cat.value(i),
                            oc.value(i),
                            dc.value(i),
                            verdict.value(i),
                        ]),
                        seen.verdict.insert(verdict.value(i)),
                    )
                } else {
                    (
                        first(&|j| same(det, i, j)),
                        first(&|j| same(cat, i, j)),
                        first(&|j| {
                            same(cat, i, j)
                                && same(verdict, i, j)
                                && same(oc, i, j)
                                && same(dc, i, j)
                        }),
                        first(&|j| same(verdict, i, j)),
                    )
                };
                dets.bump(view(det, i), i, first_det);
                cats.bump(view(cat, i), i, first_cat);
                let flow = [view(cat, i), view(oc, i), view(dc, i), view(verdict, i)];
                flows.bump(flow, i, first_flow);
                verdicts.bump(view(verdict, i), i, first_verdict);
                if verdict.value(i) == "violation" {
                    let first_violation = if many {
                        seen.violation.insert([rule.value(i), sev.value(i)])
                    } else {
                        first(&|j| same(verdict, i, j) && same(rule, i, j) && same(sev, i, j))
                    };
                    violations.bump([view(rule, i), view(sev, i)], i, first_violation);
                }
                dsrc.bump(view(ds, i), i, false);
                osrc.bump(view(os, i), i, false);
                if exc.is_valid(i) {
                    excs.bump([view(exc, i), view(verdict, i)], i, false);
                }
            }
            start = end;
        }
        for (c, row) in dets.map.into_values() {
            let d = det.value(row);
            if !self.detectors.contains_key(d) {
                let entry = (cat.value(row).to_string(), Counts::default());
                self.detectors.insert(d.to_string(), entry);
            }
            let dc = &mut self.detectors.get_mut(d).expect("inserted above").1;
            dc.hits += c.hits;
            dc.records += c.records;
        }
        for (c, row) in cats.map.into_values() {
            let e = self
                .categories
                .entry(cat.value(row).to_string())
                .or_default();
            e.hits += c.hits;
            e.records += c.records;
        }
        let add = |c: Counts| {
            move |n: &mut Counts| {
                n.hits += c.hits;
                n.records += c.records;
            }
        };
        for (c, i) in flows.map.into_values() {
            let parts = [cat.value(i), oc.value(i), dc.value(i), verdict.value(i)];
            update(&mut self.flows, &mut self.key, &parts, add(c));
        }
        for (c, i) in verdicts.map.into_values() {
            update(
                &mut self.verdicts,
                &mut self.key,
                &[verdict.value(i)],
                add(c),
            );
        }
        for (c, i) in violations.map.into_values() {
            let parts = [rule.value(i), sev.value(i)];
            update(&mut self.violations, &mut self.key, &parts, add(c));
        }
        for (c, i) in dsrc.map.into_values() {
            update(&mut self.dest_sources, &mut self.key, &[ds.value(i)], |n| {
                *n += c.hits
            });
        }
        for (c, i) in osrc.map.into_values() {
            update(
                &mut self.origin_sources,
                &mut self.key,
                &[os.value(i)],
                |n| *n += c.hits,
            );
        }
        for (c, i) in excs.map.into_values() {
            let x = exc.value(i);
            match self.exceptions.get_mut(x) {
                Some(e) => e.1 += c.hits,
                None => {
                    let v = verdict.value(i).to_string();
                    self.exceptions.insert(x.to_string(), (v, c.hits));
                }
            }
        }
    }

    /// Add the counts of another summary (of other batches: a record's
    /// findings are never split across batches, so record counts add up).
    pub fn merge(&mut self, other: Summary) {
        fn add_counts(a: &mut Counts, b: Counts) {
            a.records += b.records;
            a.hits += b.hits;
        }
        for (d, (c, n)) in other.detectors {
            add_counts(
                &mut self.detectors.entry(d).or_insert((c, Counts::default())).1,
                n,
            );
        }
        for (c, n) in other.categories {
            add_counts(self.categories.entry(c).or_default(), n);
        }
        for (map, theirs) in [
            (&mut self.flows, other.flows),
            (&mut self.verdicts, other.verdicts),
            (&mut self.violations, other.violations),
        ] {
            for (k, n) in theirs {
                add_counts(map.entry(k).or_default(), n);
            }
        }
        for (map, theirs) in [
            (&mut self.dest_sources, other.dest_sources),
            (&mut self.origin_sources, other.origin_sources),
        ] {
            for (k, n) in theirs {
                *map.entry(k).or_default() += n;
            }
        }
        for (k, (v, n)) in other.exceptions {
            self.exceptions.entry(k).or_insert((v, 0)).1 += n;
        }
        self.profile.merge(other.profile);
    }

    /// The data profile: per file pattern, its fields, most findings first.
    pub fn profile(&self) -> Vec<ProfileRow> {
        self.profile.rows()
    }

    /// Flows, verdicts and violations.
    pub fn residency(&self) -> ResidencySummary {
        let mut flows: Vec<FlowRow> = self
            .flows
            .iter()
            .map(|(k, n)| {
                let mut p = k.split(KEY_SEP).map(str::to_string);
                let mut next = || p.next().unwrap_or_default();
                FlowRow {
                    category: next(),
                    origin_country: next(),
                    dest_country: next(),
                    verdict: next(),
                    records: n.records,
                    hits: n.hits,
                }
            })
            .collect();
        flows.sort_by(|a, b| {
            b.records.cmp(&a.records).then_with(|| {
                (&a.category, &a.origin_country, &a.dest_country, &a.verdict).cmp(&(
                    &b.category,
                    &b.origin_country,
                    &b.dest_country,
                    &b.verdict,
                ))
            })
        });
        let mut violations: Vec<ViolationRow> = self
            .violations
            .iter()
            .map(|(k, n)| {
                let (r, s) = k.split_once(KEY_SEP).unwrap_or((k, ""));
                ViolationRow {
                    rule: r.to_string(),
                    severity: s.to_string(),
                    records: n.records,
                    hits: n.hits,
                }
            })
            .collect();
        // (rule, severity) breaks ties, as the order of a sorted map did.
        violations.sort_by(|a, b| {
            b.hits
                .cmp(&a.hits)
                .then_with(|| (&a.rule, &a.severity).cmp(&(&b.rule, &b.severity)))
        });
        ResidencySummary {
            flows,
            verdicts: sorted(&self.verdicts),
            violations,
            dest_sources: sorted(&self.dest_sources),
            origin_sources: sorted(&self.origin_sources),
            exceptions: sorted(&self.exceptions),
        }
    }

    /// One row per category, most records first (then by name).
    pub fn categories(&self) -> Vec<CategoryRow> {
        let mut rows: Vec<CategoryRow> = self
            .categories
            .iter()
            .map(|(c, n)| CategoryRow {
                category: c.clone(),
                records: n.records,
                hits: n.hits,
                detectors: self.detectors.values().filter(|(dc, _)| dc == c).count() as u64,
            })
            .collect();
        rows.sort_by(|a, b| {
            b.records
                .cmp(&a.records)
                .then_with(|| a.category.cmp(&b.category))
        });
        rows
    }

    /// One row per detector, most hits first (then by id).
    pub fn detectors(&self) -> Vec<DetectorRow> {
        let mut rows: Vec<DetectorRow> = self
            .detectors
            .iter()
            .map(|(d, (c, n))| DetectorRow {
                detector: d.clone(),
                category: c.clone(),
                records: n.records,
                hits: n.hits,
            })
            .collect();
        rows.sort_by(|a, b| {
            b.hits
                .cmp(&a.hits)
                .then_with(|| a.detector.cmp(&b.detector))
        });
        rows
    }
}
