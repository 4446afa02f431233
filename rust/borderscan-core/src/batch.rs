//! Findings as Arrow record batches: the table handed to Python (and any
//! other Arrow consumer) without one object per row. Workers build batches
//! as they scan, so findings never exist as a second, row-wise copy.

use std::sync::Arc;

use arrow_array::builder::{StringViewBuilder, UInt64Builder};
use arrow_array::cast::AsArray;
use arrow_array::types::UInt64Type;
use arrow_array::{Array, ArrayRef, RecordBatch, UInt64Array};
use arrow_buffer::Buffer;

use crate::detect::Detectors;
use crate::residency::Residency;
use arrow_schema::{DataType, Field, Schema, SchemaRef};

/// Rows per batch: large enough to amortise per-batch costs, small enough
/// that in-flight batches keep memory bounded.
pub const BATCH_ROWS: usize = 32 * 1024;

/// Column positions in [`findings_schema`].
pub const COL_PATH: usize = 0;
pub const COL_LINE: usize = 1;
pub const COL_OFFSET: usize = 3;
pub const COL_DETECTOR: usize = 4;
pub const COL_CATEGORY: usize = 5;
pub const COL_FIELD: usize = 6;
pub const COL_EVIDENCE: usize = 7;
pub const COL_DESTINATION: usize = 8;
pub const COL_DEST_HOST: usize = 9;
pub const COL_DEST_COUNTRY: usize = 10;
pub const COL_DEST_SOURCE: usize = 11;
pub const COL_ORIGIN: usize = 12;
pub const COL_ORIGIN_COUNTRY: usize = 13;
pub const COL_ORIGIN_SOURCE: usize = 14;
pub const COL_VERDICT: usize = 15;
pub const COL_SEVERITY: usize = 16;
pub const COL_RULE: usize = 17;
pub const COL_EXCEPTION: usize = 18;
pub const COL_FINGERPRINT: usize = 19;

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
        s("destination", true),
        s("dest_host", true),
        s("dest_country", false),
        s("dest_source", false),
        s("origin", true),
        s("origin_country", false),
        s("origin_source", false),
        s("verdict", false),
        s("severity", true),
        s("rule", true),
        s("exception", true),
        s("fingerprint", false),
    ]))
}

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
    pub destination: Option<&'a str>,
    pub dest_host: Option<&'a str>,
    pub dest_country: &'a str,
    pub dest_source: &'a str,
    pub origin: Option<&'a str>,
    pub origin_country: &'a str,
    pub origin_source: &'a str,
    pub verdict: &'a str,
    pub severity: Option<&'a str>,
    /// Index of the policy rule that decided, and of the exception.
    pub policy_rule: Option<u16>,
    pub exception: Option<u16>,
    pub fingerprint: &'a str,
}

/// Strings known before the scan (rule ids, categories) laid out once, so
/// rows point at them instead of copying or hashing them.
struct ConstColumn {
    blob: Buffer,
    spans: Vec<(u32, u32)>,
    /// Block id of `blob` in the current batch's builder, once appended.
    block: Option<u32>,
}

impl ConstColumn {
    fn new<'a>(values: impl Iterator<Item = &'a str>) -> Self {
        let mut blob = Vec::new();
        let mut spans = Vec::new();
        for v in values {
            spans.push((blob.len() as u32, v.len() as u32));
            blob.extend_from_slice(v.as_bytes());
        }
        ConstColumn {
            blob: Buffer::from_vec(blob),
            spans,
            block: None,
        }
    }

    fn append_option(&mut self, b: &mut StringViewBuilder, i: Option<u16>) {
        match i {
            Some(i) => self.append(b, i as usize),
            None => b.append_null(),
        }
    }

    fn append(&mut self, b: &mut StringViewBuilder, i: usize) {
        let block = *self
            .block
            .get_or_insert_with(|| b.append_block(self.blob.clone()));
        let (offset, len) = self.spans[i];
        // SAFETY: `block` was added by `append_block` on this builder since
        // its last `finish` (`block` is reset then); the span lies within
        // `blob` by construction, and `blob` holds `&str` bytes split at
        // the strings' own boundaries, so the view is valid UTF-8.
        unsafe { b.append_view_unchecked(block, offset, len) };
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
    detector: StringViewBuilder,
    detector_ids: ConstColumn,
    category: StringViewBuilder,
    categories: ConstColumn,
    field: StringViewBuilder,
    evidence: StringViewBuilder,
    destination: StringViewBuilder,
    dest_host: StringViewBuilder,
    dest_country: StringViewBuilder,
    dest_source: StringViewBuilder,
    origin: StringViewBuilder,
    origin_country: StringViewBuilder,
    origin_source: StringViewBuilder,
    verdict: StringViewBuilder,
    severity: StringViewBuilder,
    rule: StringViewBuilder,
    rule_ids: ConstColumn,
    exception: StringViewBuilder,
    exception_labels: ConstColumn,
    fingerprint: StringViewBuilder,
    rows: usize,
}

impl BatchBuilder {
    pub fn new(det: &Detectors, res: &Residency) -> Self {
        // Fields, destinations and origins repeat on most rows;
        // deduplicating keeps their buffers small.
        // Builders start small and grow: a scan of many small files makes
        // many small batches, which should not each reserve a full batch.
        let dedup = || StringViewBuilder::new().with_deduplicate_strings();
        let plain = StringViewBuilder::new;
        BatchBuilder {
            path: plain(),
            path_block: None,
            line: UInt64Builder::new(),
            column: UInt64Builder::new(),
            offset: UInt64Builder::new(),
            detector: plain(),
            detector_ids: ConstColumn::new(det.rules.iter().map(|r| r.id.as_str())),
            category: plain(),
            categories: ConstColumn::new(det.rules.iter().map(|r| r.category.as_str())),
            field: dedup(),
            evidence: plain(),
            destination: dedup(),
            dest_host: dedup(),
            dest_country: plain(),
            dest_source: dedup(),
            origin: dedup(),
            origin_country: plain(),
            origin_source: dedup(),
            verdict: plain(),
            severity: plain(),
            rule: plain(),
            rule_ids: ConstColumn::new(res.rule_ids.iter().map(String::as_str)),
            exception: plain(),
            exception_labels: ConstColumn::new(res.exception_labels.iter().map(String::as_str)),
            fingerprint: plain(),
            rows: 0,
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
        self.detector_ids
            .append(&mut self.detector, r.rule as usize);
        self.categories.append(&mut self.category, r.rule as usize);
        self.field.append_option(r.field);
        self.evidence.append_value(r.evidence);
        self.destination.append_option(r.destination);
        self.dest_host.append_option(r.dest_host);
        self.dest_country.append_value(r.dest_country);
        self.dest_source.append_value(r.dest_source);
        self.origin.append_option(r.origin);
        self.origin_country.append_value(r.origin_country);
        self.origin_source.append_value(r.origin_source);
        self.verdict.append_value(r.verdict);
        self.severity.append_option(r.severity);
        self.rule_ids.append_option(&mut self.rule, r.policy_rule);
        self.exception_labels
            .append_option(&mut self.exception, r.exception);
        self.fingerprint.append_value(r.fingerprint);
        self.rows += 1;
    }

    pub fn len(&self) -> usize {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Finish the rows pushed so far into a batch (None when empty).
    pub fn finish(&mut self) -> Option<RecordBatch> {
        if self.rows == 0 {
            return None;
        }
        self.rows = 0;
        // The builders start empty again: their blocks are gone.
        self.path_block = None;
        self.detector_ids.block = None;
        self.categories.block = None;
        self.rule_ids.block = None;
        self.exception_labels.block = None;
        let cols: Vec<ArrayRef> = vec![
            Arc::new(self.path.finish()),
            Arc::new(self.line.finish()),
            Arc::new(self.column.finish()),
            Arc::new(self.offset.finish()),
            Arc::new(self.detector.finish()),
            Arc::new(self.category.finish()),
            Arc::new(self.field.finish()),
            Arc::new(self.evidence.finish()),
            Arc::new(self.destination.finish()),
            Arc::new(self.dest_host.finish()),
            Arc::new(self.dest_country.finish()),
            Arc::new(self.dest_source.finish()),
            Arc::new(self.origin.finish()),
            Arc::new(self.origin_country.finish()),
            Arc::new(self.origin_source.finish()),
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
    if base == 0 {
        return batch;
    }
    let lines = batch.column(COL_LINE).as_primitive::<UInt64Type>();
    let shifted: UInt64Array = lines.iter().map(|v| v.map(|l| l + base)).collect();
    debug_assert_eq!(shifted.null_count(), 0);
    let mut cols = batch.columns().to_vec();
    cols[COL_LINE] = Arc::new(shifted);
    RecordBatch::try_new(batch.schema(), cols).expect("same schema")
}
