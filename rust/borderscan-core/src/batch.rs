//! Findings as Arrow record batches: the table handed to Python (and any
//! other Arrow consumer) without one object per row. Workers build batches
//! as they scan, so findings never exist as a second, row-wise copy.

use std::sync::Arc;

use arrow_array::builder::{
    ArrayBuilder, NullBufferBuilder, StringViewBuilder, UInt64Builder, make_view,
};
use arrow_array::cast::AsArray;
use arrow_array::types::UInt64Type;
use arrow_array::{Array, ArrayRef, RecordBatch, StringViewArray, UInt64Array};
use arrow_buffer::{Buffer, ScalarBuffer};

use crate::country::{CountryId, countries};
use crate::detect::Detectors;
use crate::policy::{Severity, Verdict};
use crate::residency::Residency;
use crate::resolve::{Found, Source};
use crate::rules::{Confidence, reason};
use arrow_schema::{DataType, Field, Schema, SchemaRef};

/// The name of every set of reasons, indexed by its bits.
static REASONS: std::sync::LazyLock<Vec<String>> =
    std::sync::LazyLock::new(|| (0..=u8::MAX).map(reason::name).collect());

/// Rows per batch: large enough to amortise per-batch costs, small enough
/// that in-flight batches keep memory bounded.
pub const BATCH_ROWS: usize = 8 * 1024;

/// Data block size of the string columns built per row.
const BLOCK: u32 = 32 * 1024;

/// Column positions in [`findings_schema`].
pub const COL_PATH: usize = 0;
pub const COL_LINE: usize = 1;
pub const COL_OFFSET: usize = 3;
pub const COL_DETECTOR: usize = 4;
pub const COL_CATEGORY: usize = 5;
pub const COL_FIELD: usize = 6;
pub const COL_EVIDENCE: usize = 7;
pub const COL_CONFIDENCE: usize = 8;
pub const COL_REASON: usize = 9;
pub const COL_DESTINATION: usize = 10;
pub const COL_DEST_HOST: usize = 11;
pub const COL_DEST_COUNTRY: usize = 12;
pub const COL_DEST_SOURCE: usize = 13;
pub const COL_ORIGIN: usize = 14;
pub const COL_ORIGIN_COUNTRY: usize = 15;
pub const COL_ORIGIN_SOURCE: usize = 16;
pub const COL_DEST_FOUND: usize = 17;
pub const COL_DEST_CONFIDENCE: usize = 18;
pub const COL_ORIGIN_FOUND: usize = 19;
pub const COL_VERDICT: usize = 20;
pub const COL_SEVERITY: usize = 21;
pub const COL_RULE: usize = 22;
pub const COL_EXCEPTION: usize = 23;
pub const COL_FINGERPRINT: usize = 24;
/// Number of columns in [`findings_schema`].
pub const COLUMNS: usize = 25;

/// The findings table's columns, in order. Names are a public contract.
pub fn findings_schema() -> SchemaRef {
    let s = |name: &str, nullable: bool| Field::new(name, DataType::Utf8View, nullable);
    let n = |name: &str| Field::new(name, DataType::UInt64, false);
    Arc::new(Schema::new(vec![
        s("path", false),
        n("line"),
        n("column"),
        n("byte_offset"),
        s("detector", false),
        s("category", false),
        s("field", true),
        s("evidence", false),
        s("confidence", false),
        s("reason", false),
        s("destination", true),
        s("dest_host", true),
        s("dest_country", false),
        s("dest_source", false),
        s("origin", true),
        s("origin_country", false),
        s("origin_source", false),
        s("dest_found", false),
        s("dest_confidence", false),
        s("origin_found", false),
        s("verdict", false),
        s("severity", true),
        s("rule", true),
        s("exception", true),
        s("fingerprint", false),
    ]))
}

/// Values of the `dest_confidence` column ([`Found::confidence`]).
const DEST_CONFIDENCE: [&str; 4] = ["high", "medium", "low", "none"];

/// One finding as handed to the builder.
pub struct Row<'a> {
    pub path: &'a str,
    pub line: u64,
    /// 1-based, in Unicode code points, of the value in its line.
    pub column: u64,
    pub byte_offset: u64,
    /// Index of the rule in the detectors the builder was made for.
    pub rule: u16,
    pub field: Option<&'a str>,
    pub evidence: &'a str,
    pub confidence: Confidence,
    /// [`crate::rules::reason`] bits.
    pub reason: u8,
    pub verdict: Verdict,
    pub severity: Option<Severity>,
    /// Index of the policy rule that decided, and of the exception.
    pub policy_rule: Option<u16>,
    pub exception: Option<u16>,
    pub fingerprint: u64,
}

/// The columns every finding of one record shares, appended once per
/// record by [`BatchBuilder::end_record`] (a record has several findings:
/// one hashing or copying per record instead of per finding).
pub struct RecordValues<'a> {
    pub destination: Option<&'a str>,
    pub dest_host: Option<&'a str>,
    pub dest_country: CountryId,
    pub dest_source: Source,
    pub origin: Option<&'a str>,
    pub origin_country: CountryId,
    pub origin_source: Source,
    /// Which step found the destination and the origin in the record.
    pub dest_found: Found,
    pub origin_found: Found,
    /// Destination candidates the record offered (more than one only when
    /// discovery found several).
    pub candidates: u8,
}

/// A string column's builder: fixed data blocks (see [`BatchBuilder::new`]),
/// room for `rows` views, values deduplicated or not.
fn string_views(rows: usize, dedup: bool) -> StringViewBuilder {
    let b = StringViewBuilder::with_capacity(rows).with_fixed_block_size(BLOCK);
    if dedup {
        b.with_deduplicate_strings()
    } else {
        b
    }
}

/// The builder's column, the builder left as it was made but with room
/// for as many rows (see [`take_sized`]).
fn finish_sized(b: &mut StringViewBuilder, dedup: bool) -> StringViewArray {
    let rows = b.len();
    std::mem::replace(b, string_views(rows, dedup)).finish()
}

fn append_n(b: &mut StringViewBuilder, v: Option<&str>, n: usize) {
    match v {
        Some(v) => b
            .try_append_value_n(v, n)
            .expect("a value shorter than 4 GiB"),
        None => (0..n).for_each(|_| b.append_null()),
    }
}

/// A string column whose values are known before the scan (rule ids,
/// categories, verdicts, country codes): the strings are laid out once in
/// one buffer, and a row is one precomputed view, pushed as it is (no
/// copying, hashing or length checks per row).
struct ConstColumn {
    blob: Buffer,
    /// The view of each string, into `blob` as the array's buffer 0.
    table: Vec<u128>,
    views: Vec<u128>,
    nulls: NullBufferBuilder,
}

impl ConstColumn {
    fn new<'a>(values: impl Iterator<Item = &'a str>) -> Self {
        let mut blob = Vec::new();
        let mut table = Vec::new();
        for v in values {
            table.push(make_view(v.as_bytes(), 0, blob.len() as u32));
            blob.extend_from_slice(v.as_bytes());
        }
        ConstColumn {
            blob: Buffer::from_vec(blob),
            table,
            views: Vec::new(),
            nulls: NullBufferBuilder::new(0),
        }
    }

    fn append(&mut self, i: usize) {
        self.views.push(self.table[i]);
        self.nulls.append_non_null();
    }

    fn append_n(&mut self, i: usize, n: usize) {
        let v = self.table[i];
        self.views.extend(std::iter::repeat_n(v, n));
        self.nulls.append_n_non_nulls(n);
    }

    fn append_option(&mut self, i: Option<u16>) {
        match i {
            Some(i) => self.append(i as usize),
            None => {
                self.views.push(0);
                self.nulls.append_null();
            }
        }
    }

    fn finish(&mut self) -> StringViewArray {
        let views = ScalarBuffer::from(take_sized(&mut self.views));
        // SAFETY: every view is a null's zero view or was made by
        // `make_view` from a whole `&str` of `blob` at its offset, with
        // `blob` as buffer 0.
        unsafe {
            StringViewArray::new_unchecked(
                views,
                Arc::from([self.blob.clone()]),
                self.nulls.finish(),
            )
        }
    }
}

/// The vector's rows, leaving it empty with room for as many: the next
/// batch is about as long. Grown from nothing, each batch's columns were
/// copied at every doubling into pages fresh from the kernel (the
/// extension returns freed memory at once), a quarter of a full findings
/// scan's page faults (benches/RESULTS.md, issue 20 step 11).
fn take_sized<T>(v: &mut Vec<T>) -> Vec<T> {
    let n = v.len();
    std::mem::replace(v, Vec::with_capacity(n))
}

/// Fingerprints as their 16 hex digits, written straight into the array's
/// one data buffer.
#[derive(Default)]
struct HexColumn {
    data: Vec<u8>,
    views: Vec<u128>,
}

impl HexColumn {
    fn append(&mut self, fp: u64) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let at = self.data.len();
        self.data
            .extend((0..16).map(|i| HEX[(fp >> (60 - 4 * i)) as usize & 0xf]));
        self.views.push(make_view(&self.data[at..], 0, at as u32));
    }

    fn finish(&mut self) -> StringViewArray {
        let views = ScalarBuffer::from(take_sized(&mut self.views));
        let data = Buffer::from_vec(take_sized(&mut self.data));
        // SAFETY: each view covers the 16 ASCII digits written for it in
        // `data`, buffer 0.
        unsafe { StringViewArray::new_unchecked(views, Arc::from([data]), None) }
    }
}

/// Column builders for one worker, reused batch after batch.
pub struct BatchBuilder {
    path: StringViewBuilder,
    /// The current path and its block in `path`.
    path_block: Option<(String, u32)>,
    line: UInt64Builder,
    column: UInt64Builder,
    offset: UInt64Builder,
    detector: ConstColumn,
    category: ConstColumn,
    field: StringViewBuilder,
    evidence: StringViewBuilder,
    confidence: ConstColumn,
    reason: ConstColumn,
    destination: StringViewBuilder,
    dest_host: StringViewBuilder,
    dest_country: ConstColumn,
    dest_source: ConstColumn,
    origin: StringViewBuilder,
    origin_country: ConstColumn,
    origin_source: ConstColumn,
    dest_found: ConstColumn,
    dest_confidence: ConstColumn,
    origin_found: ConstColumn,
    verdict: ConstColumn,
    severity: ConstColumn,
    rule: ConstColumn,
    exception: ConstColumn,
    fingerprint: HexColumn,
    rows: usize,
    /// Rows pushed since the last `end_record`.
    open: usize,
}

impl BatchBuilder {
    pub fn new(det: &Detectors, res: &Residency) -> Self {
        // Fields, destinations and origins repeat on most rows;
        // deduplicating keeps their buffers small.
        // Builders start small and grow: a scan of many small files makes
        // many small batches, which should not each reserve a full batch.
        //
        // Fixed 32 KiB data blocks: the default doubles up to 2 MiB, so after
        // a few batches each of four columns reserved 2 MiB per 8K-row batch
        // and filled a few percent of it (12 MB of arrays per batch, 3 GB held
        // by `borderscan.scan()` on 200 MB of telemetry). A longer value gets
        // a block of its own.
        let plain = || string_views(0, false);
        let dedup = || string_views(0, true);
        let c = countries();
        let codes = || ConstColumn::new((0..c.len()).map(|i| c.code(i as CountryId)));
        let sources = || ConstColumn::new(Source::ALL.iter().map(|s| s.as_str()));
        let found = || ConstColumn::new(Found::ALL.iter().map(|s| s.as_str()));
        BatchBuilder {
            path: plain(),
            path_block: None,
            line: UInt64Builder::new(),
            column: UInt64Builder::new(),
            offset: UInt64Builder::new(),
            detector: ConstColumn::new(det.rules.iter().map(|r| r.id.as_str())),
            category: ConstColumn::new(det.rules.iter().map(|r| r.category.as_str())),
            field: dedup(),
            evidence: plain(),
            confidence: ConstColumn::new(Confidence::ALL.iter().map(|c| c.as_str())),
            reason: ConstColumn::new(REASONS.iter().map(String::as_str)),
            destination: dedup(),
            dest_host: dedup(),
            dest_country: codes(),
            dest_source: sources(),
            origin: dedup(),
            origin_country: codes(),
            origin_source: sources(),
            dest_found: found(),
            dest_confidence: ConstColumn::new(DEST_CONFIDENCE.iter().copied()),
            origin_found: found(),
            verdict: ConstColumn::new(Verdict::ALL.iter().map(|v| v.as_str())),
            severity: ConstColumn::new(Severity::ALL.iter().map(|s| s.as_str())),
            rule: ConstColumn::new(res.rule_ids.iter().map(String::as_str)),
            exception: ConstColumn::new(res.exception_labels.iter().map(String::as_str)),
            fingerprint: HexColumn::default(),
            rows: 0,
            open: 0,
        }
    }

    pub fn push(&mut self, r: &Row) {
        let block = match &self.path_block {
            Some((p, b)) if p == r.path => *b,
            _ => {
                let b = self.path.append_block(Buffer::from(r.path.as_bytes()));
                self.path_block = Some((r.path.to_string(), b));
                b
            }
        };
        // SAFETY: `block` holds exactly the bytes of the `&str` path, added
        // to this builder since its last `finish` (which clears path_block).
        unsafe {
            self.path
                .append_view_unchecked(block, 0, r.path.len() as u32)
        };
        self.line.append_value(r.line);
        self.column.append_value(r.column);
        self.offset.append_value(r.byte_offset);
        self.detector.append(r.rule as usize);
        self.category.append(r.rule as usize);
        self.field.append_option(r.field);
        self.evidence.append_value(r.evidence);
        self.confidence.append(r.confidence as usize);
        self.reason.append(r.reason as usize);
        self.verdict.append(r.verdict as usize);
        self.severity.append_option(r.severity.map(|s| s as u16));
        self.rule.append_option(r.policy_rule);
        self.exception.append_option(r.exception);
        self.fingerprint.append(r.fingerprint);
        self.rows += 1;
        self.open += 1;
    }

    /// Give the rows pushed since the last call (one record's findings)
    /// the values they share.
    pub fn end_record(&mut self, v: &RecordValues) {
        let n = std::mem::take(&mut self.open);
        if n == 0 {
            return;
        }
        append_n(&mut self.destination, v.destination, n);
        append_n(&mut self.dest_host, v.dest_host, n);
        self.dest_country.append_n(v.dest_country as usize, n);
        self.dest_source.append_n(v.dest_source as usize, n);
        append_n(&mut self.origin, v.origin, n);
        self.origin_country.append_n(v.origin_country as usize, n);
        self.origin_source.append_n(v.origin_source as usize, n);
        self.dest_found.append_n(v.dest_found as usize, n);
        let conf = v.dest_found.confidence(v.candidates as usize);
        let conf = DEST_CONFIDENCE
            .iter()
            .position(|c| *c == conf)
            .expect("a listed confidence");
        self.dest_confidence.append_n(conf, n);
        self.origin_found.append_n(v.origin_found as usize, n);
    }

    pub fn len(&self) -> usize {
        self.rows
    }

    // The pair of `len`, kept for when the builder is used elsewhere.
    #[allow(dead_code)]
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Finish the rows pushed so far into a batch (None when empty).
    pub fn finish(&mut self) -> Option<RecordBatch> {
        if self.rows == 0 {
            return None;
        }
        assert_eq!(self.open, 0, "a record's rows were left without end_record");
        self.rows = 0;
        // The builder starts empty again: its blocks are gone.
        self.path_block = None;
        // The number columns, too, start the next batch with room for this one's.
        let numbers = |b: &mut UInt64Builder| {
            let n = b.values_slice().len();
            std::mem::replace(b, UInt64Builder::with_capacity(n)).finish()
        };
        let cols: Vec<ArrayRef> = vec![
            Arc::new(finish_sized(&mut self.path, false)),
            Arc::new(numbers(&mut self.line)),
            Arc::new(numbers(&mut self.column)),
            Arc::new(numbers(&mut self.offset)),
            Arc::new(self.detector.finish()),
            Arc::new(self.category.finish()),
            Arc::new(finish_sized(&mut self.field, true)),
            Arc::new(finish_sized(&mut self.evidence, false)),
            Arc::new(self.confidence.finish()),
            Arc::new(self.reason.finish()),
            Arc::new(finish_sized(&mut self.destination, true)),
            Arc::new(finish_sized(&mut self.dest_host, true)),
            Arc::new(self.dest_country.finish()),
            Arc::new(self.dest_source.finish()),
            Arc::new(finish_sized(&mut self.origin, true)),
            Arc::new(self.origin_country.finish()),
            Arc::new(self.origin_source.finish()),
            Arc::new(self.dest_found.finish()),
            Arc::new(self.dest_confidence.finish()),
            Arc::new(self.origin_found.finish()),
            Arc::new(self.verdict.finish()),
            Arc::new(self.severity.finish()),
            Arc::new(self.rule.finish()),
            Arc::new(self.exception.finish()),
            Arc::new(self.fingerprint.finish()),
        ];
        Some(RecordBatch::try_new(findings_schema(), cols).expect("columns match the schema"))
    }
}

/// Shift the line numbers of a batch (ranges of a split file count lines
/// from their own start; the merger knows the lines before them).
pub fn shift_lines(batch: RecordBatch, base: u64) -> RecordBatch {
    shift_column(batch, COL_LINE, base)
}

/// `base` added to every value of column `col` (line numbers of a table).
pub fn shift_column(batch: RecordBatch, col: usize, base: u64) -> RecordBatch {
    if base == 0 {
        return batch;
    }
    let lines = batch.column(col).as_primitive::<UInt64Type>();
    let shifted: UInt64Array = lines.iter().map(|v| v.map(|l| l + base)).collect();
    debug_assert_eq!(shifted.null_count(), 0);
    let mut cols = batch.columns().to_vec();
    cols[col] = Arc::new(shifted);
    RecordBatch::try_new(batch.schema(), cols).expect("same schema")
}

/// Which findings a scan hands out (`--findings`). Summaries, flows,
/// accounting and the journal always count every finding: the selection
/// only decides which rows reach the findings table a writer gets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Selection {
    /// Every finding, `allowed` ones included: the evidence an auditor exports.
    #[default]
    All,
    /// What needs a human: violations, unknown destinations and exemptions.
    Review,
    /// Violations only.
    Violations,
}

impl Selection {
    pub const ALL: [Selection; 3] = [Selection::All, Selection::Review, Selection::Violations];

    pub fn as_str(self) -> &'static str {
        match self {
            Selection::All => "all",
            Selection::Review => "review",
            Selection::Violations => "violations",
        }
    }

    /// Whether findings with this verdict are handed out.
    pub fn keeps(self, verdict: Verdict) -> bool {
        match self {
            Selection::All => true,
            Selection::Review => verdict != Verdict::Allowed,
            Selection::Violations => verdict == Verdict::Violation,
        }
    }

    /// The rows of `batch` this selection keeps (the batch itself when all are).
    pub fn apply(self, batch: RecordBatch) -> RecordBatch {
        if self == Selection::All || batch.num_rows() == 0 {
            return batch;
        }
        let verdicts = batch.column(COL_VERDICT).as_string_view();
        let keep: arrow_array::BooleanArray = (0..batch.num_rows())
            .map(|i| {
                let v = verdicts.value(i);
                Some(
                    Verdict::ALL
                        .iter()
                        .any(|&w| w.as_str() == v && self.keeps(w)),
                )
            })
            .collect();
        if keep.true_count() == batch.num_rows() {
            return batch;
        }
        arrow_select::filter::filter_record_batch(&batch, &keep)
            .expect("a mask as long as the batch")
    }
}

impl std::str::FromStr for Selection {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Selection::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| format!("{s:?} is not one of all, review, violations"))
    }
}
