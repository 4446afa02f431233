//! Summaries of the findings table, built batch by batch as batches pass
//! (so a scan of any size is summarised without holding its findings), and
//! a JSON writer for findings rows.

use std::collections::BTreeMap;
use std::io::{self, Write};

use arrow_array::cast::AsArray;
use arrow_array::types::UInt64Type;
use arrow_array::{Array, RecordBatch, StringViewArray};
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::batch::{
    COL_CATEGORY, COL_DEST_COUNTRY, COL_DEST_SOURCE, COL_DESTINATION, COL_DETECTOR, COL_EXCEPTION,
    COL_LINE, COL_OFFSET, COL_ORIGIN_COUNTRY, COL_ORIGIN_SOURCE, COL_PATH, COL_RULE, COL_SEVERITY,
    COL_VERDICT,
};

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

impl Summary {
    pub fn add(&mut self, batch: &RecordBatch) {
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
        let mut start = 0;
        while start < n {
            let mut end = start + 1;
            while end < n && off.value(end) == off.value(start) && same(path, end, start) {
                end += 1;
            }
            for i in start..end {
                let earlier = start..i;
                let first = |f: &dyn Fn(usize) -> bool| !earlier.clone().any(f);
                dets.bump(view(det, i), i, first(&|j| same(det, i, j)));
                cats.bump(view(cat, i), i, first(&|j| same(cat, i, j)));
                let flow = [view(cat, i), view(oc, i), view(dc, i), view(verdict, i)];
                flows.bump(
                    flow,
                    i,
                    first(&|j| {
                        same(cat, i, j) && same(verdict, i, j) && same(oc, i, j) && same(dc, i, j)
                    }),
                );
                verdicts.bump(view(verdict, i), i, first(&|j| same(verdict, i, j)));
                if verdict.value(i) == "violation" {
                    violations.bump(
                        [view(rule, i), view(sev, i)],
                        i,
                        first(&|j| same(verdict, i, j) && same(rule, i, j) && same(sev, i, j)),
                    );
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

/// Write each row of a findings batch as one JSON object, each followed by
/// `sep` (a newline for JSON Lines). With `first` false, `lead` is written
/// before the first row too (a comma inside a JSON array).
pub fn write_json_rows(
    batch: &RecordBatch,
    out: &mut impl Write,
    sep: &[u8],
    lead: &[u8],
    first: &mut bool,
) -> io::Result<()> {
    JsonRows::render(batch, sep, lead).write(out, 0, first)
}

/// The rows of a findings batch rendered as JSON objects, each preceded by
/// `lead` and followed by `sep`, with where each row's line number lies.
/// Rendering runs on the scan's workers, in parallel; the one thread that
/// writes rows out in order only copies bytes, and adds the lines before a
/// range of a split file to the numbers (see [`JsonRows::write`]).
#[derive(Debug, Default)]
pub struct JsonRows {
    buf: Vec<u8>,
    /// Byte range of each row's `line` value in `buf`.
    lines: Vec<(usize, usize)>,
    lead: usize,
}

impl JsonRows {
    pub fn render(batch: &RecordBatch, sep: &[u8], lead: &[u8]) -> Self {
        // `{"path":`, `,"line":`, ...: the keys are the same on every row.
        let keys: Vec<Vec<u8>> = batch
            .schema()
            .fields()
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let mut k = if i == 0 { b"{".to_vec() } else { b",".to_vec() };
                serde_json::to_writer(&mut k, f.name()).expect("writing to a Vec");
                k.push(b':');
                k
            })
            .collect();
        let cols: Vec<Col> = batch
            .columns()
            .iter()
            .map(|c| match c.as_string_view_opt() {
                Some(s) => Col::Str(s),
                None => Col::Num(c.as_primitive::<UInt64Type>()),
            })
            .collect();
        // Runs of columns whose values repeat row after row (the path; a
        // record's destination and origin columns): when their views and
        // validity equal the previous row's, the same strings, the bytes
        // rendered for them last time are copied instead.
        let shared: &[(usize, usize)] = if cols.len() == 20
            && (COL_DESTINATION..=COL_ORIGIN_SOURCE)
                .chain([COL_PATH])
                .all(|c| matches!(cols[c], Col::Str(_)))
        {
            &[(COL_PATH, COL_PATH), (COL_DESTINATION, COL_ORIGIN_SOURCE)]
        } else {
            &[]
        };
        let repeats = |(a, b): (usize, usize), row: usize| {
            row > 0
                && cols[a..=b].iter().all(|c| match c {
                    Col::Str(s) => {
                        s.views()[row] == s.views()[row - 1]
                            && s.is_valid(row) == s.is_valid(row - 1)
                    }
                    Col::Num(_) => false,
                })
        };
        let mut last: [(usize, usize); 2] = [(0, 0); 2];
        let mut buf = Vec::with_capacity(batch.num_rows() * 384);
        let mut lines = Vec::with_capacity(batch.num_rows());
        let mut digits = itoa::Buffer::new();
        for row in 0..batch.num_rows() {
            buf.extend_from_slice(lead);
            let mut c = 0;
            while c < cols.len() {
                if let Some(k) = shared.iter().position(|&(a, _)| a == c) {
                    let span = shared[k];
                    let at = buf.len();
                    if repeats(span, row) {
                        buf.extend_from_within(last[k].0..last[k].1);
                        last[k] = (at, buf.len());
                        c = span.1 + 1;
                        continue;
                    }
                    for c in span.0..=span.1 {
                        render_cell(&mut buf, &keys[c], &cols[c], row);
                    }
                    last[k] = (at, buf.len());
                    c = span.1 + 1;
                    continue;
                }
                match &cols[c] {
                    Col::Num(a) => {
                        buf.extend_from_slice(&keys[c]);
                        let at = buf.len();
                        buf.extend_from_slice(digits.format(a.value(row)).as_bytes());
                        if c == COL_LINE {
                            lines.push((at, buf.len()));
                        }
                    }
                    col => render_cell(&mut buf, &keys[c], col, row),
                }
                c += 1;
            }
            buf.push(b'}');
            buf.extend_from_slice(sep);
        }
        JsonRows {
            buf,
            lines,
            lead: lead.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Write the rows, adding `base` to each line number; the first row of
    /// all (`first` set) goes without its lead.
    pub fn write(&self, out: &mut impl Write, base: u64, first: &mut bool) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let mut pos = if *first { self.lead } else { 0 };
        *first = false;
        if base == 0 {
            return out.write_all(&self.buf[pos..]);
        }
        let mut digits = itoa::Buffer::new();
        for &(start, end) in &self.lines {
            out.write_all(&self.buf[pos..start])?;
            let line: u64 = std::str::from_utf8(&self.buf[start..end])
                .ok()
                .and_then(|d| d.parse().ok())
                .expect("rendered from a u64");
            out.write_all(digits.format(line + base).as_bytes())?;
            pos = end;
        }
        out.write_all(&self.buf[pos..])
    }
}

/// What a scan's worker makes of a findings batch for a writer: its row
/// count, its summary and, when rows are written as JSON, the rendered rows
/// (`(sep, lead)` as in [`write_json_rows`]).
#[derive(Debug)]
pub struct Rendered {
    pub rows: usize,
    pub summary: Summary,
    pub json: Option<JsonRows>,
}

impl Rendered {
    pub fn of(batch: RecordBatch, json: Option<(&[u8], &[u8])>) -> Self {
        let mut summary = Summary::default();
        summary.add(&batch);
        Rendered {
            rows: batch.num_rows(),
            summary,
            json: json.map(|(sep, lead)| JsonRows::render(&batch, sep, lead)),
        }
    }
}

/// A column of a findings batch, for the JSON writer.
enum Col<'a> {
    Str(&'a StringViewArray),
    Num(&'a arrow_array::UInt64Array),
}

/// `key` and the JSON value of a cell.
fn render_cell(buf: &mut Vec<u8>, key: &[u8], col: &Col, row: usize) {
    buf.extend_from_slice(key);
    match col {
        Col::Str(a) if a.is_null(row) => buf.extend_from_slice(b"null"),
        Col::Str(a) => json_string(buf, a.value(row)),
        Col::Num(a) => buf.extend_from_slice(itoa::Buffer::new().format(a.value(row)).as_bytes()),
    }
}

/// A JSON string literal. Most values need no escaping; those are copied
/// as they are, the rest go through serde_json's escaper.
fn json_string(buf: &mut Vec<u8>, s: &str) {
    if !needs_escape(s.as_bytes()) {
        buf.push(b'"');
        buf.extend_from_slice(s.as_bytes());
        buf.push(b'"');
    } else {
        serde_json::to_writer(&mut *buf, s).expect("writing to a Vec");
    }
}

/// Whether a string holds a byte JSON must escape (a control character, a
/// quote or a backslash). Eight bytes at a time: every finding writes some
/// twenty strings, so this loop is hot.
fn needs_escape(s: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // A byte of `x` below `n` (n <= 0x80) sets its high bit here.
    let below = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x & HIGH;
    let zero = |x: u64| below(x, 1);
    let mut chunks = s.chunks_exact(8);
    for c in &mut chunks {
        let x = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        if below(x, 0x20) | zero(x ^ (ONES * 0x22)) | zero(x ^ (ONES * 0x5c)) != 0 {
            return true;
        }
    }
    chunks
        .remainder()
        .iter()
        .any(|&b| b < 0x20 || b == b'"' || b == b'\\')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Detectors;

    #[test]
    fn escape_check_agrees_with_the_bytewise_one() {
        let slow = |s: &[u8]| s.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\');
        let mut cases: Vec<Vec<u8>> = vec![
            b"".to_vec(),
            b"plain ascii value".to_vec(),
            "caf\u{e9} \u{6771}\u{4eac} \u{1f600}".as_bytes().to_vec(),
        ];
        for special in [
            0u8, 0x1f, b'"', b'\\', 0x7f, 0x80, 0xff, b' ', b'!', b'#', b'[', b']',
        ] {
            for len in 1..20 {
                for at in 0..len {
                    let mut v = vec![b'a'; len];
                    v[at] = special;
                    cases.push(v);
                }
            }
        }
        for c in cases {
            assert_eq!(needs_escape(&c), slow(&c), "{c:?}");
        }
    }
    use crate::engine::{Input, ScanOptions, scan};

    #[test]
    fn counts_records_once_per_category_and_detector() {
        let data =
            br#"{"operator":{"email":"a.b@example.de","name":"x"},"contact":"c.d@example.de","we\"ird\\key\t":"e.f@example.de"}
{"calib":{"intrinsics":{"fx":1}}}
"#;
        let det = Detectors::builtin().unwrap();
        let out = scan(
            &[Input::Bytes {
                name: "x".into(),
                data: std::sync::Arc::from(&data[..]),
            }],
            &det,
            &ScanOptions::default(),
        )
        .unwrap();
        let mut s = Summary::default();
        for b in &out.batches {
            s.add(b);
        }
        let email = s
            .detectors()
            .into_iter()
            .find(|d| d.detector == "personal.email")
            .unwrap();
        assert_eq!((email.records, email.hits), (1, 3));
        let personal = s
            .categories()
            .into_iter()
            .find(|c| c.category == "personal")
            .unwrap();
        assert_eq!(personal.records, 1);
        let mut buf = Vec::new();
        let mut first = true;
        write_json_rows(&out.batches[0], &mut buf, b"\n", b"", &mut first).unwrap();
        let rows: Vec<serde_json::Value> = buf
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .map(|l| serde_json::from_slice(l).unwrap())
            .collect();
        assert_eq!(rows[0]["path"], "x");
        assert_eq!(rows[0]["line"], 1);
        // Keys with quotes, backslashes and control characters round-trip.
        assert!(
            rows.iter().any(|r| r["field"] == "we\"ird\\key\t"),
            "{rows:?}"
        );
    }

    #[test]
    fn rendered_rows_shift_lines_and_merged_summaries_add_up() {
        let mut data = Vec::new();
        for i in 0..12_000 {
            data.extend_from_slice(
                format!(
                    "{{\"site\":\"DE-MUC-01\",\"operator\":{{\"email\":\"op{i}@example.de\"}},\"endpoint\":\"https://x{}.example.cn/\"}}\n",
                    i % 7
                )
                .as_bytes(),
            );
        }
        let det = Detectors::builtin().unwrap();
        let opts = ScanOptions {
            threads: 2,
            ..Default::default()
        };
        let input = Input::Bytes {
            name: "x".into(),
            data: std::sync::Arc::from(&data[..]),
        };
        let out = scan(std::slice::from_ref(&input), &det, &opts).unwrap();
        assert!(out.batches.len() >= 2, "{} batches", out.batches.len());
        let mut whole = Summary::default();
        let mut merged = Summary::default();
        let mut plain = Vec::new();
        let mut first = true;
        for b in &out.batches {
            whole.add(b);
            let r = Rendered::of(b.clone(), Some((b"\n", b"")));
            merged.merge(r.summary);
            r.json.unwrap().write(&mut plain, 0, &mut first).unwrap();
        }
        let json = |s: &Summary| {
            serde_json::to_string(&(s.categories(), s.detectors(), s.residency())).unwrap()
        };
        assert_eq!(json(&whole), json(&merged));
        let mut direct = Vec::new();
        let mut first = true;
        for b in &out.batches {
            write_json_rows(b, &mut direct, b"\n", b"", &mut first).unwrap();
        }
        assert_eq!(plain, direct);

        // A later range of a split file: lines shift, nothing else changes.
        let mut shifted = Vec::new();
        let mut first = true;
        let r = JsonRows::render(&out.batches[0], b"\n", b",");
        r.write(&mut shifted, 1000, &mut first).unwrap();
        let rows = |buf: &[u8]| -> Vec<serde_json::Value> {
            buf.split(|&b| b == b'\n')
                .filter(|l| !l.is_empty())
                .map(|l| serde_json::from_slice(l.strip_prefix(b",").unwrap_or(l)).unwrap())
                .collect()
        };
        let (a, b) = (rows(&direct), rows(&shifted));
        assert!(
            !b.is_empty() && shifted[0] == b'{',
            "first row goes without its lead"
        );
        for (x, y) in a.iter().zip(&b) {
            let mut x = x.clone();
            x["line"] = (x["line"].as_u64().unwrap() + 1000).into();
            assert_eq!(&x, y);
        }
    }
}
