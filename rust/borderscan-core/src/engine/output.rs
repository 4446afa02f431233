//! A finished scan held in memory, and its findings decoded into rows.

use arrow_array::RecordBatch;

use crate::accounting::Accounting;
use crate::batch::{
    COL_CATEGORY, COL_CONFIDENCE, COL_DEST_CONFIDENCE, COL_DEST_COUNTRY, COL_DEST_FOUND,
    COL_DEST_HOST, COL_DEST_SOURCE, COL_DESTINATION, COL_DETECTOR, COL_EVIDENCE, COL_EXCEPTION,
    COL_FIELD, COL_FINGERPRINT, COL_LINE, COL_OFFSET, COL_ORIGIN, COL_ORIGIN_COUNTRY,
    COL_ORIGIN_FOUND, COL_ORIGIN_SOURCE, COL_PATH, COL_REASON, COL_RULE, COL_SEVERITY, COL_VERDICT,
};

/// One finding decoded from the findings table (for tests and Rust callers
/// that want rows; the table itself is [`ScanOutput::batches`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub path: String,
    pub line: u64,
    pub byte_offset: u64,
    pub detector: String,
    pub category: String,
    /// Dotted field path; `None` for free text.
    pub field: Option<String>,
    pub evidence: String,
    /// `low`, `medium` or `high`, and why (`checksum+keyword nearby`).
    pub confidence: String,
    pub reason: String,
    pub destination: Option<String>,
    pub origin: Option<String>,
    pub column: u64,
    pub dest_host: Option<String>,
    pub dest_country: String,
    pub dest_source: String,
    pub origin_country: String,
    pub origin_source: String,
    /// Which step found the destination (`field`, `vocabulary`,
    /// `discovered`, `text`, `none`), how sure it is, and which found the
    /// origin (`field`, `vocabulary`, `hostname`, `text`, `none`).
    pub dest_found: String,
    pub dest_confidence: String,
    pub origin_found: String,
    pub verdict: String,
    pub severity: Option<String>,
    pub rule: Option<String>,
    pub exception: Option<String>,
    pub fingerprint: String,
}

/// A finished scan held in memory.
pub struct ScanOutput {
    /// Display path of each input file, in input order.
    pub files: Vec<String>,
    /// The findings table, in input order.
    pub batches: Vec<RecordBatch>,
    pub accounting: Accounting,
}

impl ScanOutput {
    /// The findings as rows (allocates: meant for tests and small scans).
    pub fn findings(&self) -> Vec<Finding> {
        use arrow_array::cast::AsArray;
        use arrow_array::types::UInt64Type;
        let mut out = Vec::new();
        for b in &self.batches {
            let s = |i: usize| b.column(i).as_string_view();
            let n = |i: usize| b.column(i).as_primitive::<UInt64Type>();
            let (line, column, off) = (n(COL_LINE), n(2), n(COL_OFFSET));
            let opt = |c: usize, i: usize| {
                let a = s(c);
                arrow_array::Array::is_valid(a, i).then(|| a.value(i).to_string())
            };
            let val = |c: usize, i: usize| s(c).value(i).to_string();
            for i in 0..b.num_rows() {
                out.push(Finding {
                    path: val(COL_PATH, i),
                    line: line.value(i),
                    byte_offset: off.value(i),
                    detector: val(COL_DETECTOR, i),
                    category: val(COL_CATEGORY, i),
                    field: opt(COL_FIELD, i),
                    evidence: val(COL_EVIDENCE, i),
                    confidence: val(COL_CONFIDENCE, i),
                    reason: val(COL_REASON, i),
                    destination: opt(COL_DESTINATION, i),
                    origin: opt(COL_ORIGIN, i),
                    column: column.value(i),
                    dest_host: opt(COL_DEST_HOST, i),
                    dest_country: val(COL_DEST_COUNTRY, i),
                    dest_source: val(COL_DEST_SOURCE, i),
                    origin_country: val(COL_ORIGIN_COUNTRY, i),
                    origin_source: val(COL_ORIGIN_SOURCE, i),
                    dest_found: val(COL_DEST_FOUND, i),
                    dest_confidence: val(COL_DEST_CONFIDENCE, i),
                    origin_found: val(COL_ORIGIN_FOUND, i),
                    verdict: val(COL_VERDICT, i),
                    severity: opt(COL_SEVERITY, i),
                    rule: opt(COL_RULE, i),
                    exception: opt(COL_EXCEPTION, i),
                    fingerprint: val(COL_FINGERPRINT, i),
                });
            }
        }
        out
    }
}
