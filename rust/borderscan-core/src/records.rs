//! The records table (`--records FILE`): one row per record scanned, found
//! anything or not, with where it goes and comes from and the worst verdict
//! of its findings. Workers build it beside the findings table; the merger
//! writes it to Parquet in input order as the scan streams.

use std::fs::File;
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringViewBuilder, UInt64Builder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};

use crate::batch::BATCH_ROWS;
use crate::country::{CountryId, countries};
use crate::document::{Rebatched, parquet_writer};
use crate::error::{Error, Result};
use crate::output_file::Pending;
use crate::policy::{Severity, Verdict};
use crate::resolve::{Found, Source};

/// Column position of `line` (shifted for later ranges of a split file).
pub const COL_LINE: usize = 1;

/// The records table's columns, in order. Names are a public contract.
pub fn records_schema() -> SchemaRef {
    let s = |name: &str, nullable: bool| Field::new(name, DataType::Utf8View, nullable);
    let n = |name: &str| Field::new(name, DataType::UInt64, false);
    let list = |name: &str| {
        Field::new(
            name,
            DataType::List(Arc::new(Field::new("item", DataType::Utf8View, true))),
            false,
        )
    };
    Arc::new(Schema::new(vec![
        s("path", false),
        n("line"),
        n("byte_offset"),
        n("findings"),
        list("categories"),
        list("detectors"),
        s("dest_host", true),
        s("dest_country", false),
        s("dest_source", false),
        s("dest_found", false),
        s("origin", true),
        s("origin_country", false),
        s("origin_source", false),
        s("origin_found", false),
        s("verdict", true),
        s("severity", true),
    ]))
}

/// One record as the pipeline hands it over.
pub struct RecordRow<'a> {
    pub path: &'a str,
    pub line: u64,
    pub byte_offset: u64,
    pub findings: u64,
    /// Distinct, sorted.
    pub categories: &'a [&'a str],
    pub detectors: &'a [&'a str],
    pub dest_host: Option<&'a str>,
    pub dest_country: CountryId,
    pub dest_source: Source,
    pub dest_found: Found,
    pub origin: Option<&'a str>,
    pub origin_country: CountryId,
    pub origin_source: Source,
    pub origin_found: Found,
    /// The worst of its findings' (verdict, severity); None without findings.
    pub worst: Option<(Verdict, Option<Severity>)>,
}

/// Column builders of one worker's records, reused batch after batch.
pub struct RecordsBuilder {
    path: StringViewBuilder,
    line: UInt64Builder,
    byte_offset: UInt64Builder,
    findings: UInt64Builder,
    categories: ListBuilder<StringViewBuilder>,
    detectors: ListBuilder<StringViewBuilder>,
    strings: [StringViewBuilder; 10],
    rows: usize,
}

impl Default for RecordsBuilder {
    fn default() -> Self {
        let list = || {
            ListBuilder::new(StringViewBuilder::new()).with_field(Arc::new(Field::new(
                "item",
                DataType::Utf8View,
                true,
            )))
        };
        RecordsBuilder {
            path: StringViewBuilder::new(),
            line: UInt64Builder::new(),
            byte_offset: UInt64Builder::new(),
            findings: UInt64Builder::new(),
            categories: list(),
            detectors: list(),
            strings: std::array::from_fn(|_| StringViewBuilder::new()),
            rows: 0,
        }
    }
}

impl RecordsBuilder {
    pub fn push(&mut self, r: &RecordRow) {
        let c = countries();
        self.path.append_value(r.path);
        self.line.append_value(r.line);
        self.byte_offset.append_value(r.byte_offset);
        self.findings.append_value(r.findings);
        for (list, values) in [
            (&mut self.categories, r.categories),
            (&mut self.detectors, r.detectors),
        ] {
            for v in values {
                list.values().append_value(v);
            }
            list.append(true);
        }
        let (verdict, severity) = match r.worst {
            Some((v, s)) => (Some(v.as_str()), s.map(Severity::as_str)),
            None => (None, None),
        };
        let values: [Option<&str>; 10] = [
            r.dest_host,
            Some(c.code(r.dest_country)),
            Some(r.dest_source.as_str()),
            Some(r.dest_found.as_str()),
            r.origin,
            Some(c.code(r.origin_country)),
            Some(r.origin_source.as_str()),
            Some(r.origin_found.as_str()),
            verdict,
            severity,
        ];
        for (b, v) in self.strings.iter_mut().zip(values) {
            b.append_option(v);
        }
        self.rows += 1;
    }

    /// Whether a batch is due (the pipeline sends it between records).
    pub fn full(&self) -> bool {
        self.rows >= BATCH_ROWS
    }

    /// The rows pushed so far as a batch (None when empty).
    pub fn finish(&mut self) -> Option<RecordBatch> {
        if self.rows == 0 {
            return None;
        }
        self.rows = 0;
        let mut cols: Vec<ArrayRef> = vec![
            Arc::new(self.path.finish()),
            Arc::new(self.line.finish()),
            Arc::new(self.byte_offset.finish()),
            Arc::new(self.findings.finish()),
            Arc::new(self.categories.finish()),
            Arc::new(self.detectors.finish()),
        ];
        cols.extend(
            self.strings
                .iter_mut()
                .map(|b| Arc::new(b.finish()) as ArrayRef),
        );
        Some(RecordBatch::try_new(records_schema(), cols).expect("columns match the schema"))
    }
}

/// The records file being written: it appears whole or not at all
/// ([`crate::output_file`]).
pub struct RecordsFile {
    path: PathBuf,
    pending: Option<Pending>,
    /// None once finished.
    writer: Option<Rebatched<BufWriter<File>>>,
}

impl RecordsFile {
    pub fn create(path: &Path) -> Result<Self> {
        let (file, pending) = Pending::create(path).map_err(|e| io_error(path, e))?;
        let writer = parquet_writer(BufWriter::with_capacity(1 << 20, file), records_schema())
            .map_err(|e| io_error(path, e))?;
        Ok(RecordsFile {
            path: path.to_path_buf(),
            pending: Some(pending),
            writer: Some(Rebatched::new(writer)),
        })
    }

    /// Add a batch whose lines start after `base` lines of its file.
    pub fn write(&mut self, batch: RecordBatch, base: u64) -> Result<()> {
        let batch = crate::batch::shift_column(batch, COL_LINE, base);
        let writer = self.writer.as_mut().expect("not finished");
        writer.write(batch).map_err(|e| io_error(&self.path, e))
    }

    /// Write the footer and put the file in place.
    pub fn finish(mut self) -> Result<()> {
        let writer = self.writer.take().expect("finished once");
        let pending = self.pending.take().expect("finished once");
        let done = (|| {
            let file = writer.finish()?.into_inner().map_err(|e| e.into_error())?;
            drop(file);
            pending.commit()
        })();
        done.map_err(|e| io_error(&self.path, e))
    }
}

fn io_error(path: &Path, source: io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source,
    }
}
