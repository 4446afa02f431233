//! Summaries counted on a worker finding by finding, instead of from the
//! findings batches: a scan that hands out few rows (`--format table`,
//! `--findings violations`) then builds rows only for the findings it hands
//! out, and never reads them back to count them (issue 20: building and
//! re-reading every row was a sixth of a summary-only scan).
//!
//! [`Tally`] takes what [`crate::batch::BatchBuilder`] takes (`push` a row,
//! `end_record` with the record's shared values) and keys everything by
//! the small indices the builder's constant columns are made from, so a
//! finding costs a few array bumps. [`Tally::take`] turns the counts into
//! the [`Summary`] that [`Summary::add`] makes of the batch of the same
//! rows: "first in its record" is decided on the same strings (an index
//! per distinct string), and the profile's pairs keep their first-seen
//! order. `tests.rs` holds the two equal on the fixtures and corpora.

use rustc_hash::{FxHashMap, FxHashSet};

use super::{Counts, Summary, TEXT_FIELD, file_pattern, update};
use crate::batch::{RecordValues, Row};
use crate::country::{CountryId, countries};
use crate::detect::Detectors;
use crate::policy::{Severity, Verdict};
use crate::residency::Residency;
use crate::resolve::Source;

/// Rows of one record up to which "first in its record" is decided by
/// looking at the earlier rows; past it, by sets (a line of a million
/// addresses stays linear).
const PAIRWISE_ROWS: usize = 16;

/// A finding of the record being counted.
#[derive(Clone, Copy)]
struct Open {
    /// Index of the first rule with this rule's id (ids are what the
    /// summary keys detectors by).
    det: u16,
    /// Index of the rule's category among the distinct categories.
    cat: u16,
    verdict: u8,
    severity: Option<u8>,
    policy_rule: Option<u16>,
    exception: Option<u16>,
    /// Index of the (path, field) pair in `pairs`.
    pair: u32,
}

/// A (path, field) pair of the profile: where findings were made.
struct Pair {
    path: u32,
    field: Option<Box<str>>,
    /// The first finding's evidence.
    example: Box<str>,
    records: u64,
    /// (detector, destination country, verdict) -> findings.
    hits: FxHashMap<(u16, CountryId, u8), u64>,
}

/// The counts of one worker since its last [`Tally::take`].
pub struct Tally {
    /// Per rule: the first rule with its id, and its category's index.
    det_of: Vec<u16>,
    cat_of: Vec<u16>,
    /// The distinct categories, by index.
    cat_names: Vec<String>,
    /// Per rule index (first of its id): counts.
    dets: Vec<Counts>,
    cats: Vec<Counts>,
    /// Detector and category indices in the order first counted.
    det_order: Vec<u16>,
    cat_order: Vec<u16>,
    flows: FxHashMap<(u16, CountryId, CountryId, u8), Counts>,
    verdicts: [Counts; Verdict::ALL.len()],
    violations: FxHashMap<(Option<u16>, Option<u8>), Counts>,
    dest_sources: [u64; Source::ALL.len()],
    origin_sources: [u64; Source::ALL.len()],
    /// (exception, verdict) -> findings, in first-seen order.
    exceptions: Vec<((u16, u8), u64)>,
    paths: Vec<String>,
    pairs: Vec<Pair>,
    /// The pairs of the current path (the last of `paths`) by field, and
    /// its pair of findings in free text. A path met again after another
    /// gets pairs of its own, as a batch gives it (the profile merges them).
    fields: FxHashMap<Box<str>, u32>,
    text: Option<u32>,
    /// The current record's findings.
    open: Vec<Open>,
    seen: Seen,
}

/// What the current record has counted once, when it has many findings.
#[derive(Default)]
struct Seen {
    det: FxHashSet<u16>,
    cat: FxHashSet<u16>,
    flow: FxHashSet<(u16, u8)>,
    verdict: FxHashSet<u8>,
    violation: FxHashSet<(Option<u16>, Option<u8>)>,
    pair: FxHashSet<u32>,
}

impl Tally {
    pub fn new(det: &Detectors) -> Self {
        let mut det_of = Vec::with_capacity(det.rules.len());
        let mut cat_of = Vec::with_capacity(det.rules.len());
        let mut cat_names: Vec<String> = Vec::new();
        for (i, r) in det.rules.iter().enumerate() {
            let first = det.rules.iter().position(|o| o.id == r.id).unwrap_or(i);
            det_of.push(first as u16);
            let c = match cat_names.iter().position(|c| *c == r.category) {
                Some(c) => c,
                None => {
                    cat_names.push(r.category.clone());
                    cat_names.len() - 1
                }
            };
            cat_of.push(c as u16);
        }
        Tally {
            dets: vec![Counts::default(); det.rules.len()],
            cats: vec![Counts::default(); cat_names.len()],
            det_of,
            cat_of,
            cat_names,
            det_order: Vec::new(),
            cat_order: Vec::new(),
            flows: FxHashMap::default(),
            verdicts: Default::default(),
            violations: FxHashMap::default(),
            dest_sources: Default::default(),
            origin_sources: Default::default(),
            exceptions: Vec::new(),
            paths: Vec::new(),
            pairs: Vec::new(),
            fields: FxHashMap::default(),
            text: None,
            open: Vec::new(),
            seen: Seen::default(),
        }
    }

    /// Whether anything was counted since the last [`Tally::take`].
    pub fn is_empty(&self) -> bool {
        self.verdicts.iter().all(|c| c.hits == 0)
    }

    /// Distinct (path, field) pairs counted since the last take.
    pub fn pairs(&self) -> usize {
        self.pairs.len()
    }

    /// A finding of the current record, as the batch builder takes it.
    pub fn push(&mut self, r: &Row) {
        if self.paths.last().is_none_or(|p| p != r.path) {
            self.paths.push(r.path.to_string());
            self.fields.clear();
            self.text = None;
        }
        let path = (self.paths.len() - 1) as u32;
        let known = match r.field {
            Some(f) => self.fields.get(f).copied(),
            None => self.text,
        };
        let pair = match known {
            Some(i) => i,
            None => {
                let i = self.pairs.len() as u32;
                self.pairs.push(Pair {
                    path,
                    field: r.field.map(Box::from),
                    example: r.evidence.into(),
                    records: 0,
                    hits: FxHashMap::default(),
                });
                match r.field {
                    Some(f) => {
                        self.fields.insert(f.into(), i);
                    }
                    None => self.text = Some(i),
                }
                i
            }
        };
        self.open.push(Open {
            det: self.det_of[r.rule as usize],
            cat: self.cat_of[r.rule as usize],
            verdict: r.verdict as u8,
            severity: r.severity.map(|s| s as u8),
            policy_rule: r.policy_rule,
            exception: r.exception,
            pair,
        });
    }

    /// Count the current record's findings, with the values they share.
    pub fn end_record(&mut self, v: &RecordValues) {
        let open = std::mem::take(&mut self.open);
        let many = open.len() > PAIRWISE_ROWS;
        if many {
            let s = &mut self.seen;
            s.det.clear();
            s.cat.clear();
            s.flow.clear();
            s.verdict.clear();
            s.violation.clear();
            s.pair.clear();
        }
        let (oc, dc) = (v.origin_country, v.dest_country);
        for (i, o) in open.iter().enumerate() {
            let earlier = &open[..i];
            let first = |f: &dyn Fn(&Open) -> bool| !earlier.iter().any(f);
            let s = &mut self.seen;
            let (first_det, first_cat, first_flow, first_verdict, first_pair) = if many {
                (
                    s.det.insert(o.det),
                    s.cat.insert(o.cat),
                    s.flow.insert((o.cat, o.verdict)),
                    s.verdict.insert(o.verdict),
                    s.pair.insert(o.pair),
                )
            } else {
                (
                    first(&|p| p.det == o.det),
                    first(&|p| p.cat == o.cat),
                    first(&|p| p.cat == o.cat && p.verdict == o.verdict),
                    first(&|p| p.verdict == o.verdict),
                    first(&|p| p.pair == o.pair),
                )
            };
            let d = &mut self.dets[o.det as usize];
            if d.hits == 0 {
                self.det_order.push(o.det);
            }
            bump(d, first_det);
            let c = &mut self.cats[o.cat as usize];
            if c.hits == 0 {
                self.cat_order.push(o.cat);
            }
            bump(c, first_cat);
            bump(
                self.flows.entry((o.cat, oc, dc, o.verdict)).or_default(),
                first_flow,
            );
            bump(&mut self.verdicts[o.verdict as usize], first_verdict);
            if o.verdict == Verdict::Violation as u8 {
                let key = (o.policy_rule, o.severity);
                let first_violation = if many {
                    s.violation.insert(key)
                } else {
                    first(&|p| p.verdict == o.verdict && (p.policy_rule, p.severity) == key)
                };
                bump(self.violations.entry(key).or_default(), first_violation);
            }
            self.dest_sources[v.dest_source as usize] += 1;
            self.origin_sources[v.origin_source as usize] += 1;
            if let Some(x) = o.exception {
                let key = (x, o.verdict);
                match self.exceptions.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, n)) => *n += 1,
                    None => self.exceptions.push((key, 1)),
                }
            }
            let pair = &mut self.pairs[o.pair as usize];
            pair.records += u64::from(first_pair);
            *pair.hits.entry((o.det, dc, o.verdict)).or_default() += 1;
        }
        // The buffer goes back for the next record.
        self.open = open;
        self.open.clear();
    }

    /// The summary of everything counted since the last call, as
    /// [`Summary::add`] makes it of the batch of the same rows; the tally
    /// starts afresh.
    pub fn take(&mut self, det: &Detectors, res: &Residency) -> Summary {
        let mut s = Summary::default();
        let rule = |i: u16| &det.rules[i as usize];
        for &d in &self.det_order {
            let c = std::mem::take(&mut self.dets[d as usize]);
            let r = rule(d);
            s.detectors.insert(r.id.clone(), (r.category.clone(), c));
        }
        for &c in &self.cat_order {
            let n = std::mem::take(&mut self.cats[c as usize]);
            s.categories.insert(self.cat_names[c as usize].clone(), n);
        }
        let cat_name = |c: u16| self.cat_names[c as usize].as_str();
        let add = |c: Counts| {
            move |n: &mut Counts| {
                n.hits += c.hits;
                n.records += c.records;
            }
        };
        let code = |c: CountryId| countries().code(c);
        let verdict = |v: u8| Verdict::ALL[v as usize].as_str();
        for ((cat, oc, dc, v), c) in self.flows.drain() {
            let parts = [cat_name(cat), code(oc), code(dc), verdict(v)];
            update(&mut s.flows, &mut s.key, &parts, add(c));
        }
        for (v, c) in self.verdicts.iter_mut().enumerate() {
            let c = std::mem::take(c);
            if c.hits > 0 {
                update(&mut s.verdicts, &mut s.key, &[verdict(v as u8)], add(c));
            }
        }
        for ((r, sev), c) in self.violations.drain() {
            // A null cell reads as "" in the batch.
            let parts = [
                r.map_or("", |r| res.rule_ids[r as usize].as_str()),
                sev.map_or("", |s| Severity::ALL[s as usize].as_str()),
            ];
            update(&mut s.violations, &mut s.key, &parts, add(c));
        }
        for (counts, map) in [
            (&mut self.dest_sources, &mut s.dest_sources),
            (&mut self.origin_sources, &mut s.origin_sources),
        ] {
            for (i, n) in counts.iter_mut().enumerate() {
                let n = std::mem::take(n);
                if n > 0 {
                    update(map, &mut s.key, &[Source::ALL[i].as_str()], |x| *x += n);
                }
            }
        }
        for ((x, v), n) in self.exceptions.drain(..) {
            let label = &res.exception_labels[x as usize];
            match s.exceptions.get_mut(label) {
                Some(e) => e.1 += n,
                None => {
                    s.exceptions
                        .insert(label.clone(), (verdict(v).to_string(), n));
                }
            }
        }
        let mut patterns: Vec<Option<String>> = vec![None; self.paths.len()];
        for pair in self.pairs.drain(..) {
            let pattern = patterns[pair.path as usize]
                .get_or_insert_with(|| file_pattern(&self.paths[pair.path as usize]));
            let field = pair.field.as_deref().unwrap_or(TEXT_FIELD);
            let row = s.profile.row(pattern, field, &pair.example);
            row.records += pair.records;
            for ((d, dc, v), hits) in pair.hits {
                let r = rule(d);
                row.hits += hits;
                *row.detectors.entry(r.id.clone()).or_default() += hits;
                *row.categories.entry(r.category.clone()).or_default() += hits;
                *row.destinations.entry(code(dc).to_string()).or_default() += hits;
                *row.verdicts.entry(verdict(v).to_string()).or_default() += hits;
            }
        }
        self.det_order.clear();
        self.cat_order.clear();
        self.paths.clear();
        self.fields.clear();
        self.text = None;
        s
    }
}

fn bump(c: &mut Counts, first: bool) {
    c.hits += 1;
    c.records += u64::from(first);
}
