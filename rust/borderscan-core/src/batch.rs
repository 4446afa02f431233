//! Findings as Arrow record batches: the table handed to Python (and any
//! other Arrow consumer) without one object per row. Workers build batches
//! as they scan, so findings never exist as a second, row-wise copy.

use std::sync::Arc;

use arrow_array::builder::{StringViewBuilder, UInt64Builder};
use arrow_array::cast::AsArray;
use arrow_array::types::UInt64Type;
use arrow_array::{Array, ArrayRef, RecordBatch, UInt64Array};
use arrow_schema::{DataType, Field, Schema, SchemaRef};

/// Rows per batch: large enough to amortise per-batch costs, small enough
/// that in-flight batches keep memory bounded.
pub const BATCH_ROWS: usize = 32 * 1024;

/// Column positions in [`findings_schema`].
pub const COL_LINE: usize = 1;

/// The findings table's columns, in order. Names are a public contract.
pub fn findings_schema() -> SchemaRef {
    let s = |name: &str, nullable: bool| Field::new(name, DataType::Utf8View, nullable);
    Arc::new(Schema::new(vec![
        s("path", false),
        Field::new("line", DataType::UInt64, false),
        Field::new("byte_offset", DataType::UInt64, false),
        s("detector", false),
        s("category", false),
        s("field", true),
        s("evidence", false),
        s("destination", true),
        s("origin", true),
    ]))
}

/// One finding as handed to the builder.
pub struct Row<'a> {
    pub path: &'a str,
    pub line: u64,
    pub byte_offset: u64,
    pub detector: &'a str,
    pub category: &'a str,
    pub field: Option<&'a str>,
    pub evidence: &'a str,
    pub destination: Option<&'a str>,
    pub origin: Option<&'a str>,
}

/// Column builders for one worker, reused batch after batch.
pub struct BatchBuilder {
    path: StringViewBuilder,
    line: UInt64Builder,
    offset: UInt64Builder,
    detector: StringViewBuilder,
    category: StringViewBuilder,
    field: StringViewBuilder,
    evidence: StringViewBuilder,
    destination: StringViewBuilder,
    origin: StringViewBuilder,
    rows: usize,
}

impl Default for BatchBuilder {
    fn default() -> Self {
        // Paths, detector ids, categories, fields, destinations and origins
        // repeat on almost every row; deduplicating keeps the buffers small.
        let dedup = || StringViewBuilder::with_capacity(BATCH_ROWS).with_deduplicate_strings();
        BatchBuilder {
            path: dedup(),
            line: UInt64Builder::with_capacity(BATCH_ROWS),
            offset: UInt64Builder::with_capacity(BATCH_ROWS),
            detector: dedup(),
            category: dedup(),
            field: dedup(),
            evidence: StringViewBuilder::with_capacity(BATCH_ROWS),
            destination: dedup(),
            origin: dedup(),
            rows: 0,
        }
    }
}

impl BatchBuilder {
    pub fn push(&mut self, r: &Row) {
        self.path.append_value(r.path);
        self.line.append_value(r.line);
        self.offset.append_value(r.byte_offset);
        self.detector.append_value(r.detector);
        self.category.append_value(r.category);
        self.field.append_option(r.field);
        self.evidence.append_value(r.evidence);
        self.destination.append_option(r.destination);
        self.origin.append_option(r.origin);
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
        let cols: Vec<ArrayRef> = vec![
            Arc::new(self.path.finish()),
            Arc::new(self.line.finish()),
            Arc::new(self.offset.finish()),
            Arc::new(self.detector.finish()),
            Arc::new(self.category.finish()),
            Arc::new(self.field.finish()),
            Arc::new(self.evidence.finish()),
            Arc::new(self.destination.finish()),
            Arc::new(self.origin.finish()),
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
