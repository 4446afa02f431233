//! Findings as Arrow record batches: the table handed to Python (and any
//! other Arrow consumer) without one object per row.

use std::sync::Arc;

use arrow_array::builder::{StringViewBuilder, UInt64Builder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};

use crate::detect::Detectors;
use crate::engine::ScanOutput;

/// Rows per batch: large enough to amortise per-batch costs, small enough
/// that building one never holds much memory twice.
pub const BATCH_ROWS: usize = 64 * 1024;

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

pub fn findings_batches(out: &ScanOutput, det: &Detectors) -> Vec<RecordBatch> {
    let schema = findings_schema();
    let mut batches = Vec::new();
    for chunk in out.findings.chunks(BATCH_ROWS) {
        // Paths, detector ids, categories and fields repeat on almost every
        // row; deduplicating keeps the view buffers small.
        let dedup = || StringViewBuilder::with_capacity(chunk.len()).with_deduplicate_strings();
        let (mut path, mut det_id, mut cat, mut field) = (dedup(), dedup(), dedup(), dedup());
        let mut evidence = StringViewBuilder::with_capacity(chunk.len());
        let (mut dest, mut origin) = (dedup(), dedup());
        let mut line = UInt64Builder::with_capacity(chunk.len());
        let mut offset = UInt64Builder::with_capacity(chunk.len());
        for f in chunk {
            let rule = det.rule(f.rule);
            path.append_value(&out.files[f.file as usize]);
            line.append_value(f.line);
            offset.append_value(f.byte_offset);
            det_id.append_value(&rule.id);
            cat.append_value(&rule.category);
            field.append_option(f.field.as_deref());
            evidence.append_value(&f.evidence);
            dest.append_option(f.destination.as_deref());
            origin.append_option(f.origin.as_deref());
        }
        let cols: Vec<ArrayRef> = vec![
            Arc::new(path.finish()),
            Arc::new(line.finish()),
            Arc::new(offset.finish()),
            Arc::new(det_id.finish()),
            Arc::new(cat.finish()),
            Arc::new(field.finish()),
            Arc::new(evidence.finish()),
            Arc::new(dest.finish()),
            Arc::new(origin.finish()),
        ];
        batches.push(RecordBatch::try_new(schema.clone(), cols).expect("columns match the schema"));
    }
    batches
}
