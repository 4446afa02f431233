//! What a scan read, and what it could not: every input byte and record ends
//! up in one of these counters, so a report can prove nothing was dropped.

use std::collections::BTreeMap;

use serde::Serialize;

/// How many first locations to keep per unparseable reason.
pub const FIRST_LOCATIONS: usize = 5;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Location {
    pub path: String,
    pub line: u64,
    pub byte_offset: u64,
    pub detail: String,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct ReasonStats {
    pub count: u64,
    /// The earliest locations in input order (deterministic whatever the
    /// thread count).
    pub first: Vec<Location>,
}

impl ReasonStats {
    pub(crate) fn add(&mut self, loc: impl FnOnce() -> Location) {
        self.count += 1;
        if self.first.len() < FIRST_LOCATIONS {
            self.first.push(loc());
        }
    }

    fn merge(&mut self, other: &ReasonStats) {
        self.count += other.count;
        for l in &other.first {
            if self.first.len() < FIRST_LOCATIONS {
                self.first.push(l.clone());
            }
        }
    }
}

/// Counters for one input file (or stdin).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct FileStats {
    pub path: String,
    pub format: Option<String>,
    pub compression: Option<String>,
    /// Bytes of the input as stored (compressed size for compressed files).
    pub bytes: u64,
    /// Bytes after decompression that were read into lines.
    pub decompressed_bytes: u64,
    /// Lines seen: records + blank lines + header lines.
    pub lines: u64,
    /// Non-blank lines that are not a header: each is one record.
    pub records: u64,
    /// Records that failed to parse in the file's format; they were still
    /// scanned as plain text.
    pub unparseable: u64,
    pub blank_lines: u64,
    pub header_lines: u64,
    /// 1 when the file was skipped as binary.
    pub binary_skipped: u64,
    pub binary_bytes_skipped: u64,
    /// Lines longer than the maximum; their first part was scanned.
    pub truncated_lines: u64,
    /// 1 when the file could not be opened or read to its end.
    pub failed_files: u64,
    pub error: Option<String>,
    /// Number of ranges the file was split into for parallel scanning.
    pub ranges: u32,
    pub unparseable_reasons: BTreeMap<String, ReasonStats>,
}

impl FileStats {
    pub(crate) fn merge_range(&mut self, other: &FileStats) {
        self.decompressed_bytes += other.decompressed_bytes;
        self.lines += other.lines;
        self.records += other.records;
        self.unparseable += other.unparseable;
        self.blank_lines += other.blank_lines;
        self.header_lines += other.header_lines;
        self.binary_skipped = self.binary_skipped.max(other.binary_skipped);
        self.binary_bytes_skipped += other.binary_bytes_skipped;
        self.truncated_lines += other.truncated_lines;
        self.failed_files = self.failed_files.max(other.failed_files);
        if self.error.is_none() {
            self.error.clone_from(&other.error);
        }
        self.ranges += other.ranges;
        for (k, v) in &other.unparseable_reasons {
            self.unparseable_reasons
                .entry(k.clone())
                .or_default()
                .merge(v);
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Failure {
    pub path: String,
    pub error: String,
}

/// Totals over a scan, with the per-file detail.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Accounting {
    pub files: u64,
    pub bytes: u64,
    pub decompressed_bytes: u64,
    pub lines: u64,
    pub records: u64,
    pub unparseable: u64,
    pub unparseable_reasons: BTreeMap<String, ReasonStats>,
    pub blank_lines: u64,
    pub header_lines: u64,
    pub binary_skipped: u64,
    pub binary_bytes_skipped: u64,
    pub truncated_lines: u64,
    pub failed_files: u64,
    pub failures: Vec<Failure>,
    pub per_file: Vec<FileStats>,
}

impl Accounting {
    pub(crate) fn from_files(per_file: Vec<FileStats>) -> Self {
        let mut a = Accounting {
            files: per_file.len() as u64,
            ..Default::default()
        };
        for f in &per_file {
            a.bytes += f.bytes;
            a.decompressed_bytes += f.decompressed_bytes;
            a.lines += f.lines;
            a.records += f.records;
            a.unparseable += f.unparseable;
            a.blank_lines += f.blank_lines;
            a.header_lines += f.header_lines;
            a.binary_skipped += f.binary_skipped;
            a.binary_bytes_skipped += f.binary_bytes_skipped;
            a.truncated_lines += f.truncated_lines;
            a.failed_files += f.failed_files;
            if let Some(e) = &f.error {
                a.failures.push(Failure {
                    path: f.path.clone(),
                    error: e.clone(),
                });
            }
            for (k, v) in &f.unparseable_reasons {
                a.unparseable_reasons.entry(k.clone()).or_default().merge(v);
            }
        }
        a.per_file = per_file;
        a
    }
}
