//! Findings rows rendered as JSON objects on the workers, and the worker's
//! whole share of a batch for a writer ([`Rendered`]).

use std::io::{self, Write};

use arrow_array::cast::AsArray;
use arrow_array::types::UInt64Type;
use arrow_array::{Array, RecordBatch, StringViewArray};

use super::Summary;
use crate::batch::{COL_DESTINATION, COL_LINE, COL_ORIGIN_SOURCE, COL_PATH, COLUMNS, Selection};

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
        let shared: &[(usize, usize)] = if cols.len() == COLUMNS
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
        let (mut buf, mut lines) = spare::take();
        buf.reserve(batch.num_rows() * spare::row_bytes());
        lines.reserve(batch.num_rows());
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
        spare::saw_rows(buf.len(), batch.num_rows());
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

impl Drop for JsonRows {
    fn drop(&mut self) {
        spare::give(
            std::mem::take(&mut self.buf),
            std::mem::take(&mut self.lines),
        );
    }
}

/// Buffers of rows already written, kept for the next batch to render into.
///
/// A batch's rows are a few MB of JSON. Rendered into fresh memory, every
/// page of them is faulted in and zeroed by the kernel, then handed back
/// when the batch is written: the extension tells mimalloc to return freed
/// memory at once (`purge_delay` 0, for peak RSS), so nothing is reused.
/// On a full findings scan that was a fifth of the CPU time (system time
/// 1.5 s of 6.8 s on 200 MB) and most of the writing thread's (see
/// benches/RESULTS.md, issue 20 step 11). A few buffers cover the batches
/// in flight; more are dropped, and a document's end empties the shelf so
/// an idle process holds none.
pub(crate) mod spare {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};

    type Bufs = (Vec<u8>, Vec<(usize, usize)>);

    static SHELF: Mutex<Vec<Bufs>> = Mutex::new(Vec::new());
    /// Kept buffers add to the batches in flight at the peak, so few: a
    /// worker takes one as the writer gives one back. On 200 MB with two
    /// threads, keeping 2 left 40 % more page faults than keeping 3 or 4.
    /// With the shelf, one thread's peak RSS there rose 150 -> 167 MB.
    const KEEP: usize = 3;
    /// A buffer grown past this by one huge batch is not kept.
    const MAX_BYTES: usize = 32 << 20;

    /// The most bytes a rendered row has taken on average in one batch:
    /// a fresh buffer reserves that much per row, so it is not copied to
    /// one twice its size halfway (the telemetry corpus's rows are about
    /// 660 bytes). Bounded, so that one batch of huge rows does not make
    /// every later buffer reserve for them.
    static ROW_BYTES: AtomicUsize = AtomicUsize::new(384);
    const ROW_BYTES_MAX: usize = 2048;

    pub(super) fn row_bytes() -> usize {
        ROW_BYTES.load(Ordering::Relaxed)
    }

    pub(super) fn saw_rows(bytes: usize, rows: usize) {
        if rows > 0 {
            let per = bytes.div_ceil(rows).min(ROW_BYTES_MAX);
            ROW_BYTES.fetch_max(per, Ordering::Relaxed);
        }
    }

    pub(crate) fn take() -> Bufs {
        let got = SHELF.lock().ok().and_then(|mut s| s.pop());
        got.unwrap_or_default()
    }

    pub(super) fn give(mut buf: Vec<u8>, mut lines: Vec<(usize, usize)>) {
        if buf.capacity() == 0 || buf.capacity() > MAX_BYTES {
            return;
        }
        buf.clear();
        lines.clear();
        if let Ok(mut s) = SHELF.lock()
            && s.len() < KEEP
        {
            s.push((buf, lines));
        }
    }

    /// Drop every kept buffer (at the end of a document).
    pub(crate) fn clear() {
        if let Ok(mut s) = SHELF.lock() {
            *s = Vec::new();
        }
    }

    #[cfg(test)]
    pub(crate) fn kept() -> usize {
        SHELF.lock().map(|s| s.len()).unwrap_or(0)
    }
}

/// What a writer wants of each findings batch, made on the workers.
#[derive(Debug, Clone, Copy)]
pub enum Want {
    /// Rows rendered as JSON, `(sep, lead)` as in [`write_json_rows`].
    Json(&'static [u8], &'static [u8]),
    /// The (selected) batch itself.
    Batch,
    /// Only the summary.
    Summary,
}

/// What a scan's worker makes of a findings batch for a writer: its
/// summary (of every finding), and the rows the selection keeps, rendered
/// as JSON or as a batch, as the writer wants them.
#[derive(Debug)]
pub struct Rendered {
    /// Rows handed out (after the selection).
    pub rows: usize,
    pub summary: Summary,
    pub json: Option<JsonRows>,
    pub batch: Option<RecordBatch>,
}

impl Rendered {
    pub fn of(batch: RecordBatch, want: Want, selection: Selection) -> Self {
        let mut summary = Summary::default();
        summary.add(&batch);
        Self::counted(selection.apply(batch), summary, want)
    }

    /// The rows a selection kept (`batch`) and the summary of every
    /// finding, counted on the worker ([`crate::scan_stream_counted`]).
    pub fn counted(batch: RecordBatch, summary: Summary, want: Want) -> Self {
        let rows = batch.num_rows();
        let (json, batch) = match want {
            Want::Json(sep, lead) => (Some(JsonRows::render(&batch, sep, lead)), None),
            Want::Batch => (None, Some(batch)),
            Want::Summary => (None, None),
        };
        Rendered {
            rows,
            summary,
            json,
            batch,
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
pub(super) fn needs_escape(s: &[u8]) -> bool {
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
