//! The JSON document of a scan (`--format json`), the JSON lines of
//! `--format jsonl` and the Parquet table of `--format parquet`, written as
//! findings arrive: JSON rows are rendered by the workers ([`Rendered`]),
//! and this writer only copies their bytes in input order and closes the
//! document with the summaries and the accounting; Parquet is encoded row
//! group by row group, so memory stays bounded whatever the scan's size.
//! The document's shape is a public contract (README).

use std::io::{self, Write};

use crate::accounting::Accounting;
use crate::residency::Residency;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;

use crate::batch::shift_lines;
use crate::summary::{CategoryRow, Rendered, Summary, Want};

/// Rows per Parquet row group: a row group is buffered (encoded) until it
/// is full, so this bounds the writer's memory (tens of MB), while staying
/// large enough for readers to skip whole groups by their statistics.
pub const PARQUET_ROW_GROUP: usize = 128 * 1024;

/// The category of a record in which nothing was found.
pub const NONE_CATEGORY: &str = "none";

/// The machine formats the engine writes itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocFormat {
    /// One JSON document: tool, findings, summaries, accounting.
    Json,
    /// One finding per line.
    Jsonl,
    /// The findings table as Parquet (the schema of [`crate::findings_schema`]).
    Parquet,
    /// Nothing: the caller only wants the summaries.
    None,
}

impl DocFormat {
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "json" => Some(DocFormat::Json),
            "jsonl" => Some(DocFormat::Jsonl),
            "parquet" => Some(DocFormat::Parquet),
            "none" => Some(DocFormat::None),
            _ => None,
        }
    }

    /// What workers make of each batch for this format.
    pub fn want(self) -> Want {
        match self {
            // (separator after, lead before) each row.
            DocFormat::Json => Want::Json(b"", b","),
            DocFormat::Jsonl => Want::Json(b"\n", b""),
            DocFormat::Parquet => Want::Batch,
            DocFormat::None => Want::Summary,
        }
    }
}

/// Baseline entries no longer found that the summary lists (by
/// fingerprint, smallest first); `absent_count` has them all.
pub const ABSENT_SHOWN: usize = 1000;

/// The summaries of a scan as one JSON value: categories, detectors,
/// residency (flows, verdicts, violations..., and every record by origin and
/// destination), baseline and policy. Records with no finding are the
/// category `none`, so every record is in the categories too.
pub fn summary_json(s: &Summary, res: &Residency, acc: &Accounting) -> serde_json::Value {
    let baseline = res.baseline.as_ref().map(|b| {
        // A scan of one file against a baseline of millions would list
        // millions; the count says how many, the list shows the first.
        let absent = b.absent();
        let shown: Vec<String> = (absent.iter().take(ABSENT_SHOWN))
            .map(|f| format!("{f:016x}"))
            .collect();
        serde_json::json!({"matched": b.matched(), "absent": shown,
                           "absent_count": absent.len()})
    });
    let mut categories = s.categories();
    let none: u64 = acc
        .records_by_flow
        .iter()
        .map(|f| f.records - f.classified)
        .sum();
    if none > 0 {
        categories.push(CategoryRow {
            category: NONE_CATEGORY.into(),
            records: none,
            hits: 0,
            detectors: 0,
        });
    }
    let mut residency = serde_json::to_value(s.residency()).expect("serialisable");
    residency["records"] = serde_json::to_value(&acc.records_by_flow).expect("serialisable");
    residency["coverage"] = coverage_json(acc);
    serde_json::json!({
        "categories": categories,
        "detectors": s.detectors(),
        "profile": s.profile(),
        "residency": residency,
        "baseline": baseline,
        "policy": {"name": res.policy.name, "version": res.policy.version, "place": res.policy.place},
    })
}

/// How much of the data could be placed: of all records, how many had a
/// destination (an origin) found in them, by the step that found it, and
/// how many ended in a country (not `unknown` or `indeterminate`).
pub fn coverage_json(acc: &Accounting) -> serde_json::Value {
    let records = acc.records;
    let share = |n: u64| {
        if records == 0 {
            0.0
        } else {
            // Four decimals: a share, not a measurement to 17 digits.
            (n as f64 / records as f64 * 10_000.0).round() / 10_000.0
        }
    };
    let real = |c: &str| c != "unknown" && c != "indeterminate";
    let placed_dest: u64 = acc
        .records_by_flow
        .iter()
        .filter(|f| real(&f.dest_country))
        .map(|f| f.records)
        .sum();
    let placed_origin: u64 = acc
        .records_by_flow
        .iter()
        .filter(|f| real(&f.origin_country))
        .map(|f| f.records)
        .sum();
    let side = |by: &std::collections::BTreeMap<String, u64>, placed: u64| {
        let found = records.saturating_sub(by.get("none").copied().unwrap_or(0));
        serde_json::json!({
            "found": found,
            "found_share": share(found),
            "placed": placed,
            "placed_share": share(placed),
            "by_step": by,
        })
    };
    serde_json::json!({
        "records": records,
        "destination": side(&acc.dest_found, placed_dest),
        "origin": side(&acc.origin_found, placed_origin),
    })
}

/// Writes a document batch by batch; memory stays bounded.
pub struct DocumentWriter<W: Write + Send> {
    sink: Sink<W>,
    first: bool,
    pub summary: Summary,
}

enum Sink<W: Write + Send> {
    /// JSON, JSON lines or nothing: rendered bytes are copied.
    Bytes(W, DocFormat),
    Parquet(Box<Rebatched<W>>),
}

/// Rows handed to the Parquet encoder in chunks of exactly this many (the
/// last excepted): where the encoder cuts pages depends on the chunks it is
/// given, and batches come cut where a file's ranges and the workers' batch
/// sizes happened to end. Fixed chunks make the file the same, byte for
/// byte, for any thread count and split size.
const PARQUET_CHUNK: usize = crate::batch::BATCH_ROWS;

/// A Parquet writer fed in chunks of [`PARQUET_CHUNK`] rows. A chunk is
/// cut from the batches as they came (never from an earlier chunk's
/// leftovers): string-view columns share their batch's data buffers, and a
/// remainder re-cut from concatenated chunks would keep every buffer before
/// it alive, growing memory with the input.
pub struct Rebatched<W: Write + Send> {
    writer: ArrowWriter<W>,
    pending: std::collections::VecDeque<arrow_array::RecordBatch>,
    /// Rows of the first pending batch already written.
    head: usize,
    /// Rows pending, not yet written.
    rows: usize,
}

impl<W: Write + Send> Rebatched<W> {
    pub fn new(writer: ArrowWriter<W>) -> Self {
        Rebatched {
            writer,
            pending: std::collections::VecDeque::new(),
            head: 0,
            rows: 0,
        }
    }

    pub fn write(&mut self, batch: arrow_array::RecordBatch) -> io::Result<()> {
        if batch.num_rows() == 0 {
            return Ok(());
        }
        self.rows += batch.num_rows();
        self.pending.push_back(batch);
        while self.rows >= PARQUET_CHUNK {
            self.write_chunk(PARQUET_CHUNK)?;
        }
        Ok(())
    }

    /// Write the next `n` pending rows as one batch.
    fn write_chunk(&mut self, n: usize) -> io::Result<()> {
        let mut parts = Vec::new();
        let mut need = n;
        while need > 0 {
            let first = self.pending.front().expect("rows are pending");
            let take = (first.num_rows() - self.head).min(need);
            parts.push(first.slice(self.head, take));
            self.head += take;
            need -= take;
            if self.head == first.num_rows() {
                self.pending.pop_front();
                self.head = 0;
            }
        }
        self.rows -= n;
        let chunk = match parts.len() {
            1 => parts.pop().expect("one part"),
            _ => arrow_select::concat::concat_batches(&parts[0].schema(), &parts)
                .map_err(io::Error::other)?,
        };
        self.writer.write(&chunk).map_err(parquet_error)
    }

    /// Write what is pending and the footer; the underlying writer.
    pub fn finish(mut self) -> io::Result<W> {
        if self.rows > 0 {
            self.write_chunk(self.rows)?;
        }
        self.writer.into_inner().map_err(parquet_error)
    }
}

/// Parquet written as Polars writes it by default (zstd level 3), in row
/// groups of [`PARQUET_ROW_GROUP`] rows.
pub fn parquet_writer<W: Write + Send>(
    out: W,
    schema: arrow_schema::SchemaRef,
) -> io::Result<ArrowWriter<W>> {
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(
            ZstdLevel::try_new(3).expect("a valid zstd level"),
        ))
        .set_max_row_group_row_count(Some(PARQUET_ROW_GROUP))
        .set_created_by(format!("borderscan {}", crate::VERSION))
        .build();
    ArrowWriter::try_new(out, schema, Some(props)).map_err(parquet_error)
}

pub fn parquet_error(e: parquet::errors::ParquetError) -> io::Error {
    match e {
        parquet::errors::ParquetError::External(inner) => match inner.downcast::<io::Error>() {
            Ok(io) => *io,
            Err(other) => io::Error::other(other),
        },
        other => io::Error::other(other),
    }
}

impl<W: Write + Send> DocumentWriter<W> {
    /// Start a document; `tool_json` is the `tool` object (name, version,
    /// rule packs).
    pub fn start(mut out: W, format: DocFormat, tool_json: &str) -> io::Result<Self> {
        let sink = match format {
            DocFormat::Json => {
                write!(out, "{{\"tool\":{tool_json},\"findings\":[")?;
                Sink::Bytes(out, format)
            }
            DocFormat::Parquet => {
                let writer = parquet_writer(out, crate::findings_schema())?;
                Sink::Parquet(Box::new(Rebatched::new(writer)))
            }
            DocFormat::Jsonl | DocFormat::None => Sink::Bytes(out, format),
        };
        Ok(DocumentWriter {
            sink,
            first: true,
            summary: Summary::default(),
        })
    }

    /// Add one rendered batch whose lines start at `base`.
    pub fn add(&mut self, r: Rendered, base: u64) -> io::Result<()> {
        self.summary.merge(r.summary);
        match (&mut self.sink, r.json, r.batch) {
            (Sink::Bytes(out, _), Some(j), _) => j.write(out, base, &mut self.first),
            (Sink::Parquet(w), _, Some(b)) if b.num_rows() > 0 => w.write(shift_lines(b, base)),
            _ => Ok(()),
        }
    }

    /// Close the document with the summaries and the accounting.
    pub fn finish(self, acc: &Accounting, res: &Residency) -> io::Result<Summary> {
        // Every batch is written: the buffers kept for the next are not needed.
        crate::summary::spare_rows::clear();
        match self.sink {
            Sink::Bytes(mut out, format) => {
                if format == DocFormat::Json {
                    let s = summary_json(&self.summary, res, acc);
                    writeln!(
                        out,
                        "],\"summary\":{},\"detectors\":{},\"profile\":{},\"residency\":{},\"policy\":{},\"baseline\":{},\"accounting\":{}}}",
                        s["categories"],
                        s["detectors"],
                        s["profile"],
                        s["residency"],
                        s["policy"],
                        s["baseline"],
                        serde_json::to_string(acc).expect("serialisable"),
                    )?;
                }
                out.flush()?;
            }
            Sink::Parquet(w) => {
                let mut out = w.finish()?;
                out.flush()?;
            }
        }
        Ok(self.summary)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::RecordBatch;
    use arrow_array::builder::StringViewBuilder;
    use arrow_schema::{DataType, Field, Schema};

    use super::*;

    /// Batches of odd sizes go through in fixed chunks, and what is held
    /// between chunks stays bounded: a remainder must not keep the data
    /// buffers of every batch before it alive (string views share them).
    #[test]
    fn rebatching_holds_bounded_memory_and_every_row() {
        let schema = Arc::new(Schema::new(vec![Field::new(
            "v",
            DataType::Utf8View,
            false,
        )]));
        let file = tempfile::tempfile().unwrap();
        let mut w = Rebatched::new(parquet_writer(file, schema.clone()).unwrap());
        let mut written = 0;
        let mut held = 0usize;
        for b in 0..300 {
            let n = 1000 + (b * 37) % 5000;
            let mut col = StringViewBuilder::new();
            for i in 0..n {
                col.append_value(format!("a value longer than twelve bytes {b} {i}"));
            }
            let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(col.finish())]).unwrap();
            written += n;
            w.write(batch).unwrap();
            let now: usize = w.pending.iter().map(|b| b.get_array_memory_size()).sum();
            held = held.max(now);
            assert!(w.rows < PARQUET_CHUNK);
        }
        // At most a chunk's worth of the batches as they came (about 50
        // bytes a row here), not the hundreds of megabytes seen before.
        assert!(held < 4 * PARQUET_CHUNK * 64, "held {held} bytes");
        let file = w.finish().unwrap();
        let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file);
        let rows: usize = reader
            .unwrap()
            .build()
            .unwrap()
            .map(|b| b.unwrap().num_rows())
            .sum();
        assert_eq!(rows, written);
    }
}
