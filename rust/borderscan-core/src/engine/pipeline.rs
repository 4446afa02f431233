//! The per-record chain, one line at a time, top to bottom:
//!
//! 1. **parse** the line in its file's format into a record (a record that
//!    does not parse is kept and scanned as text, and the reason counted);
//! 2. **detect**: run the detectors over the record's fields and text;
//! 3. **extract** the record's raw destination and origin ([`Extractor`]),
//!    with the destination's secrets redacted unless values are shown;
//! 4. **resolve** them to countries (cached per file: [`residency::Cache`])
//!    and count the record by origin and destination, found anything or not;
//! 5. per hit: fingerprint it, drop it if the baseline has it, and
//!    **decide** its verdict under the policy;
//! 6. **batch** the rows, and send the batch when it is full, only ever
//!    between records.
//!
//! Everything else in the engine exists to feed this function lines and to
//! put its batches back in input order; it runs once per line, so it
//! allocates nothing in the steady state (the buffers live in the
//! [`Worker`] and are reused).

use std::sync::Arc;

use super::Mapper;
use super::pool::TaskOut;
use super::worker::Worker;
use crate::accounting::Location;
use crate::batch::{BATCH_ROWS, RecordValues, Row};
use crate::formats::{self, Format, Header};
use crate::records::RecordRow;
use crate::residency;
#[cfg(doc)]
use crate::resolve::Extractor;
use crate::resolve::Found;

/// A record's detector ids or categories: a handful, mostly none.
type SmallList<'a> = Vec<&'a str>;

/// Rows short of [`BATCH_ROWS`] at which a batch is sent (see its use).
pub(super) const BATCH_MARGIN: usize = 256;

/// Distinct (path, field) pairs at which a worker's tally is sent, so its
/// memory stays bounded when no rows are built.
const TALLY_PAIRS: usize = 4096;

/// What the per-line step needs to know and keeps between lines.
pub(super) struct LineState {
    pub(super) format: Format,
    pub(super) header: Arc<Header>,
    pub(super) read_header: bool,
    pub(super) line_no: u64,
}

impl<T> Worker<'_, T> {
    /// One line: a header, a blank line or a record to parse and scan.
    pub(super) fn line(
        &mut self,
        st: &mut LineState,
        bytes: &[u8],
        offset: u64,
        truncated: bool,
        out: &mut TaskOut,
    ) {
        st.line_no += 1;
        let line_no = st.line_no;
        let format = st.format;
        if truncated {
            out.stats.truncated_lines += 1;
        }
        if st.read_header {
            st.read_header = false;
            st.header = Arc::new(formats::parse_header_with(
                format,
                bytes,
                self.opts.config.csv_delimiter.map(|c| c as u8),
            ));
            out.stats.header_lines += 1;
            return;
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            out.stats.blank_lines += 1;
            return;
        }
        if format.many_per_line() {
            match self.otlp.parse(bytes) {
                Ok(n) => {
                    let n = n as u64;
                    out.stats.records += n;
                    out.stats.parsed += n;
                    out.stats.extra_records += n - 1;
                    for i in 0..self.otlp.len() {
                        let at = self.otlp.record(i, &mut self.rec);
                        // Records of one line are told apart by where each
                        // starts: its byte offset.
                        self.record(format, bytes, line_no, offset + u64::from(at), out);
                    }
                    return;
                }
                Err(pe) => {
                    out.stats.records += 1;
                    self.unparseable(pe, line_no, offset, bytes, out);
                }
            }
        } else {
            out.stats.records += 1;
            match formats::parse(format, bytes, &st.header, &mut self.rec) {
                Ok(()) => out.stats.parsed += 1,
                Err(pe) => self.unparseable(pe, line_no, offset, bytes, out),
            }
        }
        self.record(format, bytes, line_no, offset, out);
    }

    /// A record that did not parse: counted with its reason, and scanned
    /// as text (nothing is lost).
    fn unparseable(
        &mut self,
        pe: formats::ParseError,
        line_no: u64,
        offset: u64,
        bytes: &[u8],
        out: &mut TaskOut,
    ) {
        out.stats.unparseable += 1;
        let path = &out.stats.path;
        out.stats
            .unparseable_reasons
            .entry(pe.reason.to_string())
            .or_default()
            .add(|| Location {
                path: path.clone(),
                line: line_no,
                byte_offset: offset,
                detail: pe.detail,
            });
        self.rec.set_text(bytes);
    }

    /// The record in `self.rec`, from line `line_no` (`bytes`), starting at
    /// `offset` in its input: detect, place, decide and batch.
    fn record(
        &mut self,
        format: Format,
        bytes: &[u8],
        line_no: u64,
        offset: u64,
        out: &mut TaskOut,
    ) {
        self.hits.clear();
        self.det.scan(
            &self.rec,
            &mut self.scratch,
            self.opts.config.show_values,
            &mut self.hits,
        );
        // Every record is placed, found anything or not: the records table
        // counts each by origin and destination.
        {
            self.extract
                .extract(&self.rec, self.scratch.roles(), &mut self.place);
            let (dest_found, origin_found) = (self.place.dest_found(), self.place.origin_found());
            out.dest_found[dest_found as usize] += 1;
            out.origin_found[origin_found as usize] += 1;
            if dest_found == Found::None {
                let path = &out.stats.path;
                out.stats.no_destination.add(|| Location {
                    path: path.clone(),
                    line: line_no,
                    byte_offset: offset,
                    detail: String::new(),
                });
            }
            let has_dest = dest_found != Found::None;
            let has_origin = origin_found != Found::None;
            let res = &*self.opts.residency;
            // Several discovered candidates: the one whose verdict on this
            // record's findings is the most restrictive (the first on a
            // tie), so that no candidate can hide a violation.
            let pick = if self.place.candidates.len() > 1 {
                self.most_restrictive(res)
            } else {
                0
            };
            self.dest.clear();
            match self.place.candidates.get(pick) {
                Some((raw, _)) if self.place.candidates.len() > 1 => self.dest.push_str(raw),
                _ => self.dest.push_str(&self.place.dest),
            }
            if has_dest
                && !self.opts.config.show_values
                && let Some(clean) = self.shown.redact(&self.dest)
            {
                self.dest.clear();
                self.dest.push_str(clean);
            }
            let entry = self
                .cache
                .destination(res, has_dest.then_some(self.dest.as_str()));
            let (origin_id, origin_source) = self
                .cache
                .origin(res, has_origin.then_some(self.place.origin.as_str()));
            let mut worst = None;
            self.record_rules.clear();
            let mut columns = Columns::new();
            // Findings of the record (after the baseline), whether their
            // rows are built or only counted.
            let mut found = 0usize;
            for h in self.hits.drain(..) {
                let f = &self.rec.fields[h.field as usize];
                self.field.clear();
                if !f.text {
                    self.field.push_str(&crate::lossy(self.rec.path(f)));
                }
                let field = (!f.text).then_some(self.field.as_str());
                let spec = self.det.rule(h.rule);
                // A value found in a key lies in the path, not the value.
                let raw = if h.in_key {
                    &self.rec.path(f)[h.start as usize..h.end as usize]
                } else {
                    &self.rec.value(f)[h.start as usize..h.end as usize]
                };
                // Decided first (a cached lookup): whether a row is built
                // depends on the verdict.
                let d = self
                    .cache
                    .decide(res, h.rule, &spec.id, &spec.category, origin_id, entry);
                let host = self.cache.resolution(entry).host.as_deref();
                // The fingerprint takes the path as found (it must not change
                // with --show-values); the table shows keys holding values
                // masked. It is needed for the baseline and for a row; a
                // finding only counted has none.
                let fp = || residency::fingerprint(&out.stats.path, &spec.id, field, raw, host);
                let baselined = res.baseline.as_ref().map(|_| fp());
                if baselined.is_some_and(|fp| res.baselined(fp)) {
                    continue;
                }
                // Counted on this worker (a tally), a finding gets a row
                // only when the caller's selection keeps it.
                let (tally, row_wanted) = match (&mut self.tally, self.map) {
                    (Some(t), Mapper::Counted(sel, _)) => {
                        (Some(t), sel.is_some_and(|s| s.keeps(d.verdict)))
                    }
                    _ => (None, true),
                };
                let fp = match baselined {
                    Some(fp) => fp,
                    None if row_wanted => fp(),
                    None => 0,
                };
                let field = match self.scratch.masked_path(h.field) {
                    Some(masked) if !self.opts.config.show_values && !f.text => Some(masked),
                    _ => field,
                };
                let row = Row {
                    path: &out.stats.path,
                    line: line_no,
                    // A CSV row's keys are in its header, not in its line.
                    // The tally reads no column: a finding only counted
                    // is not searched for in its line.
                    column: if !row_wanted {
                        0
                    } else if h.in_key && format.has_header() {
                        1
                    } else if h.in_key {
                        columns.key(bytes, raw, f.line_from as usize)
                    } else {
                        let from = f.line_from as usize + h.start as usize;
                        columns.value(bytes, raw, h.field, h.start as usize, from)
                    },
                    byte_offset: offset,
                    rule: h.rule,
                    field,
                    evidence: &h.evidence,
                    confidence: h.confidence,
                    reason: h.reason,
                    verdict: d.verdict,
                    severity: d.severity,
                    policy_rule: d.rule,
                    exception: d.exception,
                    fingerprint: fp,
                };
                found += 1;
                if let Some(t) = tally {
                    t.push(&row);
                }
                if row_wanted {
                    self.batch.push(&row);
                }
                if self.records.is_some() {
                    self.record_rules.push(h.rule);
                    worst = worst.max(Some((d.verdict, d.severity)));
                }
            }
            let r = self.cache.resolution(entry);
            if let Some(records) = self.records.as_mut() {
                let det = self.det;
                // Distinct and sorted: a list per record, not per finding.
                let mut detectors: SmallList = self
                    .record_rules
                    .iter()
                    .map(|&i| det.rule(i).id.as_str())
                    .collect();
                detectors.sort_unstable();
                detectors.dedup();
                let mut categories: SmallList = self
                    .record_rules
                    .iter()
                    .map(|&i| det.rule(i).category.as_str())
                    .collect();
                categories.sort_unstable();
                categories.dedup();
                records.push(&RecordRow {
                    path: &out.stats.path,
                    line: line_no,
                    byte_offset: offset,
                    findings: self.record_rules.len() as u64,
                    categories: &categories,
                    detectors: &detectors,
                    dest_host: r.host.as_deref(),
                    dest_country: r.country,
                    dest_source: r.source,
                    dest_found,
                    origin: has_origin.then_some(self.place.origin.as_str()),
                    origin_country: origin_id,
                    origin_source,
                    origin_found,
                    worst,
                });
                if records.full() {
                    self.send_records();
                }
            }
            // Looked up again (an index): sending the records batch above
            // needed the whole worker.
            let r = self.cache.resolution(entry);
            let flow = out.flows.entry((origin_id, r.country)).or_default();
            flow.0 += 1;
            flow.1 += u64::from(found > 0);
            if found == 0 {
                return;
            }
            let values = RecordValues {
                destination: has_dest.then_some(self.dest.as_str()),
                dest_host: r.host.as_deref(),
                dest_country: r.country,
                dest_source: r.source,
                origin: has_origin.then_some(self.place.origin.as_str()),
                origin_country: origin_id,
                origin_source,
                dest_found,
                origin_found,
                candidates: self.place.candidates.len().max(usize::from(has_dest)) as u8,
            };
            if let Some(tally) = &mut self.tally {
                tally.end_record(&values);
            }
            self.batch.end_record(&values);
            // Flush only between records, so a record's findings are
            // never split across batches (per-batch counts stay exact),
            // and a little before BATCH_ROWS: column buffers grow by
            // doubling, and a batch a few rows over would hold twice
            // the memory it needs.
            // A tally is sent as often, and when its pairs of path and
            // field (a feed with a field per device) grow many.
            if self.batch.len() >= BATCH_ROWS - BATCH_MARGIN
                || self
                    .tally
                    .as_ref()
                    .is_some_and(|t| t.pairs() >= TALLY_PAIRS)
            {
                self.send_batch();
            }
        }
    }
}

impl<T> Worker<'_, T> {
    /// Index of the destination candidate under which this record's
    /// findings get the most restrictive verdict (the first on a tie).
    fn most_restrictive(&mut self, res: &residency::Residency) -> usize {
        let (origin_id, _) = self.cache.origin(
            res,
            (self.place.origin_found() != Found::None).then_some(self.place.origin.as_str()),
        );
        let mut best = (0, None);
        for (i, (raw, _)) in self.place.candidates.iter().enumerate() {
            let entry = self.cache.destination(res, Some(raw));
            for h in &self.hits {
                let spec = self.det.rule(h.rule);
                let d = self
                    .cache
                    .decide(res, h.rule, &spec.id, &spec.category, origin_id, entry);
                let rank = Some((d.verdict, d.severity));
                if rank > best.1 {
                    best = (i, rank);
                }
            }
        }
        best.0
    }
}

/// Columns of the values found in one line, computed incrementally: the
/// code points before a value are counted from the last place computed
/// (or from the line's start, whichever is nearer), not from the line's
/// start each time, so that the cost of a finding does not grow with the
/// length of its line (issue 17: a line of a million e-mail addresses).
/// Hits come in ascending order within a field and rule; the places of
/// the last hit found in a field also bound where the next one can start.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Columns {
    /// The last place whose column was computed: `(byte, column)`.
    at: usize,
    column: u64,
    /// The last value located (not in a key): its field, its start in the
    /// field's value, and where it was found in the line.
    last: Option<(u32, usize, usize)>,
}

impl Columns {
    /// Columns in a new line.
    pub(super) fn new() -> Self {
        Columns {
            at: 0,
            column: 1,
            last: None,
        }
    }

    /// 1-based column of byte `at` of `line`: one plus the code points
    /// before it (UTF-8 lead bytes), counted from the nearest place known.
    pub(super) fn at(&mut self, line: &[u8], at: usize) -> u64 {
        let column = if at >= self.at {
            self.column + code_points(&line[self.at..at])
        } else if at >= self.at - at {
            self.column - code_points(&line[at..self.at])
        } else {
            1 + code_points(&line[..at])
        };
        (self.at, self.column) = (at, column);
        column
    }

    /// 1-based column, in code points, of a value of field `field` found
    /// at `start` of the field's value and at or after `from` in the line
    /// (where the parser saw it, or a place before it): its first
    /// occurrence from there, else its first occurrence; 1 when the value
    /// does not appear as such (it was unescaped).
    pub(super) fn value(
        &mut self,
        line: &[u8],
        value: &[u8],
        field: u32,
        start: usize,
        from: usize,
    ) -> u64 {
        // Escapes only lengthen a value in its line: a later value of the
        // same field lies at least as far after the last one found as it
        // does in the field's value.
        let from = match self.last {
            Some((f, s, found)) if f == field && start >= s => from.max(found + (start - s)),
            _ => from,
        };
        let after = line
            .get(from..)
            .and_then(|rest| find_in_line(rest, value))
            .map(|i| from + i);
        if let Some(at) = after {
            self.last = Some((field, start, at));
            return self.at(line, at);
        }
        match find_in_line(line, value) {
            Some(at) => self.at(line, at),
            None => 1,
        }
    }

    /// 1-based column of a value found in field `field`'s key: the last
    /// occurrence before the field's value (`line_from`; a JSON key just
    /// before it), else its first occurrence in the line; 1 when it does
    /// not appear.
    pub(super) fn key(&mut self, line: &[u8], value: &[u8], line_from: usize) -> u64 {
        let before = line
            .get(..line_from)
            .and_then(|head| memchr::memmem::rfind(head, value));
        match before.or_else(|| find_in_line(line, value)) {
            Some(at) => self.at(line, at),
            None => 1,
        }
    }
}

/// Code points in `bytes`: its UTF-8 lead bytes.
fn code_points(bytes: &[u8]) -> u64 {
    #[cfg(test)]
    COUNTED.with(|c| c.set(c.get() + bytes.len()));
    if bytes.is_ascii() {
        return bytes.len() as u64;
    }
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count() as u64
}

/// 1-based column, in code points, of a value in its line, computed from
/// the line's start: what [`Columns`] computes incrementally.
#[cfg(test)]
pub(super) fn column_of(line: &[u8], value: &[u8], from: usize) -> u64 {
    let after = line
        .get(from..)
        .and_then(|rest| find_in_line(rest, value))
        .map(|i| from + i);
    let Some(at) = after.or_else(|| find_in_line(line, value)) else {
        return 1;
    };
    1 + crate::lossy(&line[..at]).chars().count() as u64
}

/// The first occurrence of a non-empty `needle` in `line`. A value usually
/// occurs once in its line, so try the places of its first byte before
/// paying for a memmem searcher (whose set-up costs more than a short
/// line's search); a byte that recurs often falls back to memmem.
pub(super) fn find_in_line(line: &[u8], needle: &[u8]) -> Option<usize> {
    let &first = needle.first()?;
    let mut from = 0;
    for _ in 0..8 {
        let i = from + memchr::memchr(first, &line[from..])?;
        if line[i..].starts_with(needle) {
            return Some(i);
        }
        from = i + 1;
    }
    memchr::memmem::find(&line[from..], needle).map(|i| from + i)
}

#[cfg(test)]
thread_local! {
    /// Bytes [`code_points`] has looked at on this thread.
    static COUNTED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A line of `n` e-mail addresses, some after a non-ASCII word, and
    /// where each address starts.
    fn addresses(n: usize) -> (String, Vec<(usize, String)>) {
        let mut line = String::new();
        let mut at = Vec::with_capacity(n);
        for i in 0..n {
            if i % 7 == 3 {
                line.push_str("für ");
            }
            let a = format!("user{i}@example{}.com", i % 97);
            at.push((line.len(), a.clone()));
            line.push_str(&a);
            line.push(' ');
        }
        (line, at)
    }

    #[test]
    fn columns_of_a_hundred_thousand_values_on_one_line() {
        let (line, at) = addresses(100_000);
        let bytes = line.as_bytes();
        COUNTED.with(|c| c.set(0));
        let mut columns = Columns::new();
        let got: Vec<u64> = at
            .iter()
            .map(|(start, a)| columns.value(bytes, a.as_bytes(), 0, *start, *start))
            .collect();
        // Each byte before the last value is counted once, not once per hit.
        let counted = COUNTED.with(|c| c.get());
        assert!(counted <= bytes.len(), "{counted} bytes counted");
        let (start, a) = at.last().unwrap();
        let naive = 1 + line[..*start].chars().count() as u64;
        assert_eq!(*got.last().unwrap(), naive);
        assert_eq!(naive, column_of(bytes, a.as_bytes(), *start));
        // 14,286 `für ` before it: four code points, five bytes each.
        assert_eq!(naive, *start as u64 + 1 - 14_286);
        // A few in the middle, against the naive count.
        for k in [0, 1, 3, 4, 50_000, 99_998] {
            let (s, _) = &at[k];
            assert_eq!(got[k], 1 + line[..*s].chars().count() as u64, "hit {k}");
        }
    }

    #[test]
    fn columns_match_the_naive_count_in_any_order() {
        // Values of two fields, as JSON puts them (one escaped), key hits,
        // and hits of a second rule that go back to the line's start.
        let line = r#"{"ü@x.de": "née a@b.cd, c\u0040d.ef; α@β.gr a@b.cd", "n": "ö a@b.cd"}"#;
        let b = line.as_bytes();
        let v0 = line.find("née").unwrap();
        let v1 = line.find("ö a@").unwrap();
        // (field, value, start in the field's value, line_from of the field)
        let value0 = "née a@b.cd, c@d.ef; α@β.gr a@b.cd";
        let at = |v: &str, k: usize| value0.match_indices(v).nth(k).unwrap().0;
        let (a0, a1) = (at("a@b.cd", 0), at("a@b.cd", 1));
        let hits: &[(u32, &str, usize, usize)] = &[
            (0, "a@b.cd", a0, v0),
            (0, "c@d.ef", at("c@d.ef", 0), v0),
            (0, "α@β.gr", at("α@β.gr", 0), v0),
            (0, "a@b.cd", a1, v0),
            (1, "a@b.cd", "ö ".len(), v1),
            (0, "née", 0, v0),
            (1, "ö", 0, v1),
        ];
        let mut columns = Columns::new();
        for &(field, v, start, from) in hits {
            let want = column_of(b, v.as_bytes(), from + start);
            let got = columns.value(b, v.as_bytes(), field, start, from + start);
            assert_eq!(got, want, "{v} at {start} of field {field}");
        }
        // The escaped value is not in the line as such.
        let c = at("c@d.ef", 0);
        assert_eq!(Columns::new().value(b, b"c@d.ef", 0, c, v0 + c), 1);
        // A key: the one just before its value; column 2 after `{"`.
        let got = columns.key(b, "ü@x.de".as_bytes(), v0);
        assert_eq!(got, 3);
        assert_eq!(got, column_of(b, "ü@x.de".as_bytes(), 0));
        // The later `a@b.cd` of field 0 lies after the first one found.
        let mut columns = Columns::new();
        let first = columns.value(b, b"a@b.cd", 0, a0, v0 + a0);
        let later = columns.value(b, b"a@b.cd", 0, a1, v0 + a1);
        assert_eq!(
            later,
            1 + line[..line.find("a@b.cd\", ").unwrap()].chars().count() as u64
        );
        assert!(later > first + 20, "{first} {later}");
        for at in [0, 5, b.len(), 9, 1, b.len() - 3] {
            let want = 1 + String::from_utf8_lossy(&b[..at]).chars().count() as u64;
            assert_eq!(columns.at(b, at), want, "byte {at}");
        }
    }
}
