//! A worker runs tasks: it opens the input (a range of a file, a whole file
//! or stream through its decoder), reads lines, and feeds each one to the
//! per-record chain ([`super::pipeline`]), sending batches as they fill.

use std::io::{self, Read, Seek, SeekFrom};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{SyncSender, channel};

use arrow_array::RecordBatch;

use super::archives::Nest;
use super::options::Progress;
use super::pipeline::LineState;
use super::plan::{Entry, SNIFF, Source, Task, TaskKind, describe_open_error, open_listed};
use super::pool::{CHUNK_BYTES, CHUNKS_AHEAD, Chunk, ChunkLine, Msg, Pool, TaskOut, Tx};
use super::{Mapper, ScanOptions};
use crate::accounting::FileStats;
use crate::archive::ArchiveKind;
use crate::batch::{BatchBuilder, findings_schema};
use crate::detect::{Detectors, Hit, Scratch};
use crate::formats::{self, Format, Header, OtlpRecords, RecordBuf};
use crate::input::{self, Compression, LineReader, TextKind};
use crate::journal;
use crate::records::RecordsBuilder;
use crate::residency;
use crate::resolve::{Extractor, Placement, RedactCache};
use crate::summary::Tally;

/// Input bytes read so far as stored: the raw reader's count for a
/// compressed stream, else the bytes of the lines read.
pub(super) fn stored_bytes<R: Read>(lr: &LineReader<R>, stored: Option<&AtomicU64>) -> u64 {
    stored.map_or_else(|| lr.position(), |c| c.load(Ordering::Relaxed))
}

/// A read error, with where in the stream it happened.
fn read_error<R: Read>(lr: &LineReader<R>, e: io::Error) -> String {
    format!("read error after {} bytes: {e}", lr.position())
}

/// Reports a task's progress as deltas since its last report.
#[derive(Default)]
pub(super) struct Reporter {
    pub(super) bytes: u64,
    pub(super) records: u64,
}

impl Reporter {
    pub(super) fn update(&mut self, p: Option<&Progress>, bytes: u64, records: u64) {
        if let Some(p) = p {
            p.bytes
                .fetch_add(bytes.saturating_sub(self.bytes), Ordering::Relaxed);
            p.records
                .fetch_add(records.saturating_sub(self.records), Ordering::Relaxed);
        }
        self.bytes = self.bytes.max(bytes);
        self.records = self.records.max(records);
    }
}

pub(super) struct Worker<'a, T> {
    pub(super) det: &'a Detectors,
    pub(super) opts: &'a ScanOptions,
    pub(super) extract: &'a Extractor,
    pub(super) scratch: Scratch,
    pub(super) rec: RecordBuf,
    /// The log records of the current OTLP line.
    pub(super) otlp: OtlpRecords,
    pub(super) hits: Vec<Hit>,
    pub(super) batch: BatchBuilder,
    /// Findings counted here when the caller wants a summary and only the
    /// rows its selection keeps (`Mapper::Counted`, no journal).
    pub(super) tally: Option<Box<Tally>>,
    /// The records table's rows, when `--records` asks for it.
    pub(super) records: Option<Box<RecordsBuilder>>,
    /// Rules of the current record's findings (for its records row).
    pub(super) record_rules: Vec<u16>,
    pub(super) place: Placement,
    /// Destination string of the record after redaction.
    pub(super) dest: String,
    /// Destinations as findings show them, per raw destination.
    pub(super) shown: RedactCache,
    pub(super) field: String,
    pub(super) cache: residency::Cache,
    /// Where the current task's batches go; `None` once the merger hung up.
    pub(super) tx: Option<Tx<T>>,
    /// Chunks of streams waiting for a worker (see [`Pool`]).
    pub(super) pool: &'a Pool<T>,
    /// Whether compressed streams and standard input are cut into chunks
    /// for all workers (more than one worker).
    pub(super) chunking: bool,
    /// What the worker makes of each batch before sending it (rendering and
    /// counting run here, in parallel, rather than in the one merger).
    pub(super) map: Mapper<'a, T>,
    /// What the archive limits have counted of the current input.
    pub(super) nest: Nest,
}

/// Where a stream being scanned sits.
#[derive(Clone, Copy, Default)]
pub(super) struct Place<'p> {
    /// The regular file on disk this stream is, read from its start (a zip
    /// is then read from the file through its central directory).
    pub(super) disk: Option<(&'p std::path::Path, Option<(u64, u64)>)>,
    /// Archives around the stream: 0 for an input.
    pub(super) depth: u32,
}

pub(super) struct Lines<'h> {
    pub(super) format: Format,
    pub(super) header: Option<&'h Header>,
    /// Whether the first line is the header to read.
    pub(super) read_header: bool,
    /// Added to line offsets (start of a range).
    pub(super) offset_base: u64,
    /// Stored bytes read so far, when they differ from the bytes of lines
    /// (a compressed stream); progress counts these. For an archive member,
    /// a counter that stays 0: its archive reports the input's bytes.
    pub(super) stored: Option<Arc<AtomicU64>>,
    pub(super) place: Place<'h>,
}

impl<T> Worker<'_, T> {
    /// Send the records rows built so far.
    pub(super) fn send_records(&mut self) {
        if let Some(b) = self.records.as_mut().and_then(|r| r.finish())
            && let Some(tx) = &self.tx
            && !tx.send(Msg::Records(b))
        {
            self.tx = None;
        }
    }

    pub(super) fn send_batch(&mut self) {
        let b = self.batch.finish();
        let msg = match (&mut self.tally, self.map) {
            (Some(tally), Mapper::Counted(_, f)) => {
                if b.is_none() && tally.is_empty() {
                    return;
                }
                let summary = tally.take(self.det, &self.opts.residency);
                let b = b.unwrap_or_else(|| RecordBatch::new_empty(findings_schema()));
                // No journal: a tally is made only without one.
                Msg::Batch(f(b, summary), None)
            }
            _ => {
                let Some(b) = b else { return };
                let raw = self.opts.journal.is_some().then(|| b.clone());
                Msg::Batch(self.map.whole(b), raw)
            }
        };
        if let Some(tx) = &self.tx
            && !tx.send(msg)
        {
            self.tx = None;
        }
    }

    /// Run one task, sending its batches and then its counters to `tx`.
    pub(super) fn run_and_send(&mut self, task: &Task, entry: &Entry, tx: SyncSender<Msg<T>>) {
        if let TaskKind::Precomputed(slot) = &task.kind {
            let results = self
                .opts
                .precomputed
                .as_ref()
                .expect("planned with results");
            let cancel = self.opts.cancel.as_ref();
            // Waits for the workers' results of this task; gives up when
            // the merger stops or the scan is cancelled (the merger then
            // names the file as failed, and a failed distributed scan
            // fails as a whole: `scan_stream_mapped`).
            let stop =
                || self.pool.lock().closed || cancel.is_some_and(|c| c.load(Ordering::Relaxed));
            if let Some(r) = results.take(*slot, stop) {
                self.send_precomputed(&r, &tx);
            }
            return;
        }
        if let TaskKind::Replay(r) = &task.kind {
            let mut stats = r.stats.clone();
            match journal::read_findings(r) {
                Ok(batches) => {
                    for b in batches {
                        if tx.send(Msg::Batch(self.map.whole(b), None)).is_err() {
                            return;
                        }
                    }
                }
                Err(e) => {
                    stats.failed_files = 1;
                    stats.error = Some(format!("cannot replay from the journal: {e}"));
                }
            }
            let records = stats.records + r.members.iter().map(|m| m.records).sum::<u64>();
            Reporter::default().update(self.opts.progress.as_deref(), stats.bytes, records);
            // An archive's members, each an entry again, in their order.
            if stats.failed_files == 0 {
                for m in &r.members {
                    let out = TaskOut {
                        stats: m.clone(),
                        ..Default::default()
                    };
                    if tx.send(Msg::MemberStart).is_err()
                        || tx.send(Msg::MemberDone(Box::new(out))).is_err()
                    {
                        return;
                    }
                }
            }
            let out = TaskOut {
                stats,
                ..Default::default()
            };
            let _ = tx.send(Msg::Done(Box::new(out)));
            return;
        }
        self.tx = Some(Tx::Task(tx));
        let out = self.run(task, entry);
        self.send_batch();
        self.send_records();
        self.post(Msg::Done(Box::new(out)));
        self.tx = None;
    }

    /// Send on the task's channel, never blocking while chunks wait to be
    /// scanned: when the channel is full, run a queued chunk (perhaps one
    /// of this task's, which the merger may be waiting for) or wait a
    /// moment and try again. A blocking send could deadlock once a task
    /// sends more than its chunks (an archive's member messages): every
    /// worker blocked on a full channel, the merger waiting for a chunk
    /// only they would run. False once the merger hung up.
    pub(super) fn post(&mut self, mut m: Msg<T>) -> bool {
        loop {
            let Some(tx) = &self.tx else {
                return false;
            };
            match tx.try_send(m) {
                Ok(()) => return true,
                Err(None) => {
                    self.tx = None;
                    return false;
                }
                Err(Some(back)) => m = back,
            }
            let mut st = self.pool.lock();
            if st.closed {
                return false;
            }
            if let Some(c) = st.queue.pop_front() {
                drop(st);
                self.run_chunk(c);
                continue;
            }
            // The merger drains the channel without a signal: look again soon.
            st = self
                .pool
                .ready
                .wait_timeout(st, std::time::Duration::from_millis(2))
                .expect("not poisoned")
                .0;
            drop(st);
        }
    }

    /// Scan a chunk of another (or this) task's stream, sending its batches
    /// and counters to the chunk's channel.
    pub(super) fn run_chunk(&mut self, c: Chunk<T>) {
        let task_tx = self.tx.replace(Tx::Chunk(c.tx));
        let mut out = TaskOut {
            stats: FileStats {
                path: c.path,
                format: Some(c.format.to_string()),
                ..Default::default()
            },
            ..Default::default()
        };
        self.cache.start_file(&self.opts.residency, &out.stats.path);
        let mut st = LineState {
            format: c.format,
            header: c.header,
            read_header: c.read_header,
            line_no: 0,
        };
        let progress = self.opts.progress.clone();
        let mut reporter = Reporter::default();
        for &(start, end, offset, truncated) in &c.lines {
            let bytes = &c.data[start as usize..end as usize];
            self.line(&mut st, bytes, offset, truncated, &mut out);
            if st.line_no.is_multiple_of(4096) {
                if self.stopped() {
                    out.cancelled = true;
                    break;
                }
                reporter.update(progress.as_deref(), 0, out.stats.records);
            }
        }
        reporter.update(progress.as_deref(), 0, out.stats.records);
        out.stats.lines = st.line_no;
        self.send_batch();
        self.send_records();
        if let Some(tx) = self.tx.take() {
            tx.send(Msg::Done(Box::new(out)));
        }
        self.tx = task_tx;
    }

    /// The merger hung up or the caller cancelled.
    pub(super) fn stopped(&self) -> bool {
        self.tx.is_none()
            || self
                .opts
                .cancel
                .as_ref()
                .is_some_and(|c| c.load(Ordering::Relaxed))
    }

    pub(super) fn run(&mut self, task: &Task, entry: &Entry) -> TaskOut {
        let mut out = TaskOut {
            stats: FileStats {
                path: entry.display.clone(),
                ranges: 1,
                ..Default::default()
            },
            ..Default::default()
        };
        self.cache.start_file(&self.opts.residency, &entry.display);
        self.start_input();
        let source = match &entry.source {
            Ok(Source::Special(why)) => {
                out.stats.special_skipped = 1;
                out.stats.note = Some(why.clone());
                return out;
            }
            Ok(s) => s,
            Err(e) => {
                out.stats.failed_files = 1;
                out.stats.error = Some(e.clone());
                out.stats.ranges = 0;
                return out;
            }
        };
        let listed = match source {
            Source::File { size, .. } => Some(*size),
            Source::Object(o) => Some(o.size),
            _ => None,
        };
        if let Some(size) = listed
            && matches!(
                task.kind,
                TaskKind::Whole | TaskKind::Range { first: true, .. }
            )
        {
            out.stats.bytes = size;
            if let Source::Object(o) = source {
                out.stats.etag.clone_from(&o.etag);
            }
        }
        let result = match (&task.kind, source) {
            (
                TaskKind::Range {
                    start,
                    end,
                    format,
                    header,
                    first,
                },
                Source::File { .. } | Source::Object(_),
            ) => {
                out.stats.format = Some(format.to_string());
                out.stats.compression = Some("none".into());
                let lines = Lines {
                    format: *format,
                    header: Some(header),
                    read_header: *first && format.has_header(),
                    offset_base: *start,
                    stored: None,
                    place: Place::default(),
                };
                let want = end - start;
                let (reader, short): (std::result::Result<Box<dyn Read>, String>, _) = match source
                {
                    Source::File { path, id, .. } => (
                        open_listed(path, *id).and_then(|mut f| {
                            f.seek(SeekFrom::Start(*start))
                                .map_err(|e| describe_open_error(path, &e))?;
                            Ok(Box::new(f) as Box<dyn Read>)
                        }),
                        "the file shrank while it was read (truncated?)",
                    ),
                    Source::Object(o) => (
                        Ok(Box::new(o.reader(*start)) as Box<dyn Read>),
                        "the object ended early",
                    ),
                    _ => unreachable!("matched above"),
                };
                let res = reader
                    .and_then(|r| self.scan_stream(r.take(want), &lines, &mut out, false, false));
                // Lines are read whole, so a range read to its end has read
                // exactly its bytes; fewer means the source shrank under us.
                let read = out.stats.decompressed_bytes.min(want);
                out.stats.bytes_read = read;
                out.stats.bytes_skipped = want - read;
                match res {
                    Ok(()) if read < want && !out.cancelled => Err(format!(
                        "{short}: bytes {start}..{end} were listed, only {read} of them were there"
                    )),
                    r => r,
                }
            }
            (
                _,
                Source::File {
                    path, regular, id, ..
                },
            ) => {
                let size = regular.then_some(out.stats.bytes);
                let place = Place {
                    disk: regular.then_some((path.as_path(), *id)),
                    depth: 0,
                };
                open_listed(path, *id).and_then(|f| self.scan_whole(f, &mut out, size, place))
            }
            (_, Source::Object(o)) => {
                let size = Some(o.size);
                self.scan_whole(o.reader(0), &mut out, size, Place::default())
            }
            (_, Source::Stdin) => self.scan_whole(io::stdin(), &mut out, None, Place::default()),
            (_, Source::Bytes(data)) => {
                out.stats.bytes = data.len() as u64;
                let size = Some(out.stats.bytes);
                let data = io::Cursor::new(data.clone());
                self.scan_whole(data, &mut out, size, Place::default())
            }
            (_, Source::Special(_)) => unreachable!("returned above"),
        };
        if let Err(e) = result {
            out.stats.failed_files = 1;
            out.stats.error = Some(e);
        }
        out
    }

    /// A whole file or stream: `size` for a regular file (or an archive
    /// member), which is read up to that size and no further; `None` for a
    /// stream (standard input, a FIFO), whose size is what it delivers. A
    /// compressed input, a stream or a member is cut into chunks for all
    /// workers.
    pub(super) fn scan_whole<R: Read>(
        &mut self,
        raw: R,
        out: &mut TaskOut,
        size: Option<u64>,
        place: Place<'_>,
    ) -> std::result::Result<(), String> {
        let stored = Arc::new(AtomicU64::new(0));
        let limit = size.unwrap_or(u64::MAX);
        let raw = input::CountingReader::new(raw.take(limit), stored.clone());
        let res = input::decoder(raw).map_err(|e| e.to_string());
        let res = res.and_then(|(reader, comp)| {
            out.stats.compression = Some(comp.as_str().into());
            let lines = Lines {
                format: Format::Text,
                header: None,
                read_header: false,
                offset_base: 0,
                stored: Some(if place.depth == 0 {
                    stored.clone()
                } else {
                    Arc::default()
                }),
                // The file on disk is the stream only when nothing was
                // decompressed.
                place: Place {
                    disk: place.disk.filter(|_| comp == Compression::None),
                    depth: place.depth,
                },
            };
            let chunk =
                self.chunking && (size.is_none() || comp != Compression::None || place.depth > 0);
            let res = if comp == Compression::None {
                self.scan_stream(reader, &lines, out, true, chunk)
            } else {
                let ratio = self.opts.config.max_expansion;
                let guarded = input::ExpansionGuard::new(reader, stored.clone(), ratio);
                self.scan_stream(guarded, &lines, out, true, chunk)
            };
            res.map_err(|e| match comp {
                Compression::None => e,
                _ if e.contains("decompression bomb") || e.contains(super::archives::LIMIT) => e,
                c if e.contains(input::NOT_READ_YET) || out.stats.archive.is_some() => {
                    format!("{} stream holding {e}", c.as_str())
                }
                c => format!("{} stream is corrupt or truncated: {e}", c.as_str()),
            })
        });
        // A zip read from its file through the central directory: read up
        // to the furthest byte its reader reached.
        if let Some(high) = out.zip_read.take() {
            stored.fetch_max(high, Ordering::Relaxed);
        }
        let read = stored.load(Ordering::Relaxed);
        let total = size.unwrap_or(read);
        out.stats.bytes = total;
        if out.stats.binary_skipped == 1 {
            out.stats.binary_bytes_skipped = total;
            out.stats.bytes_skipped = total;
            return res;
        }
        out.stats.bytes_read = read.min(total);
        out.stats.bytes_skipped = total - read.min(total);
        match res {
            Ok(()) if read < total && !out.cancelled && place.depth > 0 => Err(format!(
                "the member ends early (the archive is truncated?): its header says {total} \
                 bytes, only {read} were there"
            )),
            Ok(()) if read < total && !out.cancelled => Err(format!(
                "the file shrank while it was read (truncated?): {total} bytes were listed, \
                 only {read} were there"
            )),
            r => r,
        }
    }

    /// Read lines and scan records. With `sniff`, the head of the stream
    /// decides binary/encoding/format/header (whole-file tasks); range
    /// tasks were told these by the planner (which splits plain text only).
    /// With `chunk`, the lines are cut into chunks that any worker scans
    /// (see [`Chunk`]); a stream decoded from UTF-16/UTF-32 always is, as a
    /// compressed one (one reader, many scanners).
    pub(super) fn scan_stream<'r, R: Read + 'r>(
        &mut self,
        reader: R,
        lines: &Lines,
        out: &mut TaskOut,
        sniff: bool,
        chunk: bool,
    ) -> std::result::Result<(), String> {
        let max_line = self.opts.config.max_line;
        let mut lr = LineReader::new(reader, max_line).nul_as_space();
        if lines.offset_base == 0
            && let Err(e) = lr.skip_utf8_bom()
        {
            return Err(read_error(&lr, e));
        }
        let mut st = LineState {
            format: lines.format,
            header: Arc::new(lines.header.cloned().unwrap_or_default()),
            read_header: lines.read_header,
            line_no: 0,
        };
        if !sniff {
            return self.scan_lines(lr, st, lines, out, chunk);
        }
        if let Err(e) = lr.peek(SNIFF) {
            return Err(read_error(&lr, e));
        }
        let head = lr.peek(SNIFF).map_err(|e| e.to_string())?;
        // peek may return more than asked (a whole read); judge on
        // exactly the head the range planner sniffs, so a file is
        // binary, and has a format, whether or not it is split.
        let head = &head[..head.len().min(SNIFF)];
        if let Some(kind) = ArchiveKind::sniff(head) {
            return self.scan_archive(kind, lr, lines, out);
        }
        if let Some(what) = input::unreadable_container(head) {
            return Err(format!(
                "{what}, which {} (extract it and scan the files)",
                input::NOT_READ_YET
            ));
        }
        match input::sniff_text(head, &out.stats.path) {
            TextKind::Binary => {
                // The caller sets the bytes skipped: it knows the size.
                out.stats.binary_skipped = 1;
                Ok(())
            }
            TextKind::Text => {
                st.format = self.sniff_format(&out.stats.path, head);
                st.read_header = st.format.has_header();
                self.scan_lines(lr, st, lines, out, chunk)
            }
            TextKind::Encoded(enc) => {
                out.stats.encoding = Some(enc.as_str().into());
                // The bytes peeked so far, then the rest, decoded: lines
                // and offsets are of the UTF-8 text.
                let decoded: Box<dyn Read + 'r> =
                    Box::new(input::Decoded::new(lr.into_unread(), enc));
                let mut lr = LineReader::new(decoded, max_line).nul_as_space();
                if let Err(e) = lr.peek(SNIFF) {
                    return Err(read_error(&lr, e));
                }
                let head = lr.peek(SNIFF).map_err(|e| e.to_string())?;
                let head = &head[..head.len().min(SNIFF)];
                st.format = self.sniff_format(&out.stats.path, head);
                st.read_header = st.format.has_header();
                self.scan_lines(lr, st, lines, out, self.chunking)
            }
        }
    }

    /// The format of a text head (its NUL bytes as the lines will hold
    /// them), unless the caller named one.
    fn sniff_format(&self, path: &str, head: &[u8]) -> Format {
        self.opts
            .config
            .input_format
            .unwrap_or_else(|| formats::detect(path, &input::nuls_as_spaces(head)))
    }

    /// Read lines from `lr` and scan their records (see [`Self::scan_stream`]).
    fn scan_lines<R: Read>(
        &mut self,
        mut lr: LineReader<R>,
        mut st: LineState,
        lines: &Lines,
        out: &mut TaskOut,
        chunk: bool,
    ) -> std::result::Result<(), String> {
        out.stats.format = Some(st.format.to_string());
        lr.set_max_line(self.opts.config.line_limit(st.format));
        if chunk {
            let result = self.produce(&mut lr, st, lines.stored.as_deref(), out);
            out.stats.decompressed_bytes = lr.position();
            out.stats.cut_bytes = lr.cut_bytes();
            out.stats.nul_bytes = lr.nul_bytes();
            return result.map_err(|e| read_error(&lr, e));
        }
        let progress = self.opts.progress.as_deref();
        let stored = lines.stored.as_deref();
        let mut reporter = Reporter::default();
        let result = loop {
            let line = match lr.next_line() {
                Ok(Some(l)) => l,
                Ok(None) => break Ok(()),
                Err(e) => break Err(e),
            };
            let offset = lines.offset_base + line.offset;
            self.line(&mut st, line.bytes, offset, line.truncated, out);
            if st.line_no.is_multiple_of(4096) {
                if self.stopped() {
                    out.cancelled = true;
                    break Ok(());
                }
                reporter.update(progress, stored_bytes(&lr, stored), out.stats.records);
            }
        };
        reporter.update(progress, stored_bytes(&lr, stored), out.stats.records);
        out.stats.lines = st.line_no;
        out.stats.decompressed_bytes = lr.position();
        out.stats.cut_bytes = lr.cut_bytes();
        out.stats.nul_bytes = lr.nul_bytes();
        result.map_err(|e| read_error(&lr, e))
    }

    /// Cut a stream into chunks for all workers. Lines are cut by this
    /// reader (so long lines are cut and counted as always); the lines
    /// themselves are counted by the chunks.
    pub(super) fn produce<R: Read>(
        &mut self,
        lr: &mut LineReader<R>,
        st: LineState,
        stored: Option<&AtomicU64>,
        out: &mut TaskOut,
    ) -> io::Result<()> {
        // Bytes are reported here, records by the chunks' workers.
        let progress = self.opts.progress.as_deref();
        let mut reporter = Reporter::default();
        let ahead = Arc::new(AtomicUsize::new(0));
        let mut header = st.header;
        let mut read_header = st.read_header;
        let mut first = true;
        let mut data = Vec::with_capacity(CHUNK_BYTES + 4096);
        let mut cut = Vec::new();
        let result = loop {
            let line = match lr.next_line() {
                Ok(Some(l)) => l,
                Ok(None) => break Ok(()),
                Err(e) => break Err(e),
            };
            if read_header {
                // Every chunk needs the header; the first also counts it.
                header = Arc::new(formats::parse_header_with(
                    st.format,
                    line.bytes,
                    self.opts.config.csv_delimiter.map(|c| c as u8),
                ));
                read_header = false;
            }
            let at = data.len() as u32;
            data.extend_from_slice(line.bytes);
            cut.push((at, data.len() as u32, line.offset, line.truncated));
            if data.len() >= CHUNK_BYTES || cut.len() >= u16::MAX as usize {
                let c = (std::mem::take(&mut data), std::mem::take(&mut cut));
                if !self.submit(c, st.format, &header, &mut first, &ahead, out) {
                    out.cancelled = true;
                    break Ok(());
                }
                data.reserve(CHUNK_BYTES + 4096);
                reporter.update(progress, stored_bytes(lr, stored), 0);
            }
        };
        // Lines read before a read error are scanned too.
        if !cut.is_empty() && !out.cancelled {
            let c = (data, cut);
            if !self.submit(c, st.format, &header, &mut first, &ahead, out) {
                out.cancelled = true;
            }
        }
        reporter.update(progress, stored_bytes(lr, stored), 0);
        result
    }

    /// Queue a chunk and announce it to the merger, after waiting (and
    /// meanwhile scanning queued chunks) until this task has fewer than
    /// `CHUNKS_AHEAD` chunks unmerged. False when the scan is stopping.
    pub(super) fn submit(
        &mut self,
        (data, lines): (Vec<u8>, Vec<ChunkLine>),
        format: Format,
        header: &Arc<Header>,
        first: &mut bool,
        ahead: &Arc<AtomicUsize>,
        out: &TaskOut,
    ) -> bool {
        loop {
            let mut st = self.pool.lock();
            if st.closed {
                return false;
            }
            if ahead.load(Ordering::Acquire) < CHUNKS_AHEAD {
                break;
            }
            if let Some(c) = st.queue.pop_front() {
                drop(st);
                self.run_chunk(c);
                continue;
            }
            drop(self.pool.ready.wait(st).expect("not poisoned"));
        }
        if self.stopped() {
            return false;
        }
        let (tx, rx) = channel();
        ahead.fetch_add(1, Ordering::AcqRel);
        if !self.post(Msg::Nested(rx, ahead.clone())) {
            return false;
        }
        self.pool.push(Chunk {
            path: out.stats.path.clone(),
            data,
            lines,
            format,
            header: header.clone(),
            read_header: std::mem::take(first) && format.has_header(),
            tx,
        });
        true
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write;
    use std::path::Path;

    use crate::accounting::FileStats;
    use crate::engine::output::Finding;
    use crate::{Detectors, Input, ScanConfig, ScanOptions, ScanOutput, scan};

    fn run(p: &Path, threads: usize, split_size: u64) -> ScanOutput {
        let det = Detectors::builtin().expect("builtin rules");
        let opts = ScanOptions::from(ScanConfig {
            threads,
            split_size,
            ..Default::default()
        });
        let out = scan(&[Input::Path(p.to_path_buf())], &det, &opts).expect("scan runs");
        assert!(
            out.accounting.imbalances().is_empty(),
            "{:?}",
            out.accounting.imbalances()
        );
        out
    }

    /// Findings without the path, and the fingerprint made of it
    /// (compared across files).
    fn rows(out: &ScanOutput) -> Vec<Finding> {
        let mut f = out.findings();
        for x in &mut f {
            x.path.clear();
            x.fingerprint.clear();
        }
        f
    }

    fn log(n: usize) -> String {
        let mut s = String::new();
        for i in 0..n {
            writeln!(
                s,
                "{{\"site\":\"DE-MUC-01\",\"who\":\"Jürgen\",\"email\":\"anna.schmidt{i}@example.de\",\"dest\":\"https://collector.example.jp/in\"}}"
            )
            .unwrap();
        }
        s
    }

    /// A UTF-16 file larger than the split size is one decoding reader
    /// (never split at a byte offset), its lines cut into chunks for all
    /// workers: the findings, lines and offsets of the UTF-8 original.
    #[test]
    fn large_utf16_file_is_decoded_as_one_stream_in_chunks() {
        let text = log(40_000);
        let dir = tempfile::tempdir().unwrap();
        let (p8, p16) = (dir.path().join("a.log"), dir.path().join("w.log"));
        std::fs::write(&p8, &text).unwrap();
        let mut utf16 = vec![0xff, 0xfe];
        utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        std::fs::write(&p16, &utf16).unwrap();
        let want = run(&p8, 1, u64::MAX);
        for threads in [1, 3] {
            let got = run(&p16, threads, 1 << 20);
            let (g, w) = (&got.accounting.per_file[0], &want.accounting.per_file[0]);
            assert_eq!(g.encoding.as_deref(), Some("utf-16le"));
            assert_eq!(
                (g.bytes, g.bytes_read),
                (utf16.len() as u64, utf16.len() as u64)
            );
            assert_eq!(g.decompressed_bytes, text.len() as u64);
            assert_eq!(g.ranges, 1, "not split");
            let strip = |f: &FileStats| {
                let mut f = f.clone();
                f.path.clear();
                f.encoding = None;
                (f.bytes, f.bytes_read, f.ranges) = (0, 0, 0);
                f.no_destination.first.clear();
                f
            };
            assert_eq!(strip(g), strip(w), "threads {threads}");
            assert_eq!(rows(&got), rows(&want), "threads {threads}");
        }
    }

    /// NUL bytes read as spaces the same whether a file is split or not,
    /// and are counted in each range.
    #[test]
    fn nul_bytes_are_spaces_whole_or_split() {
        let text = log(30_000);
        let mut data = text.clone().into_bytes();
        data[10] = 0;
        for at in [200_000, 900_000, 2_000_000] {
            data[at..at + 3000].fill(0);
        }
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("crash.log");
        std::fs::write(&p, &data).unwrap();
        let whole = run(&p, 1, u64::MAX);
        let split = run(&p, 2, 256 * 1024);
        let (w, s) = (&whole.accounting.per_file[0], &split.accounting.per_file[0]);
        assert!(s.ranges > 1);
        assert_eq!((w.binary_skipped, w.nul_bytes), (0, 9001));
        assert_eq!(s.nul_bytes, w.nul_bytes);
        assert_eq!(whole.accounting.nul_bytes, 9001);
        assert_eq!((w.lines, w.records), (s.lines, s.records));
        assert_eq!(rows(&whole), rows(&split));
        // Only the records the NUL blocks overwrote (3000 bytes: 26 or 27
        // lines each) lost their address.
        let emails = |o: &ScanOutput| {
            o.findings()
                .iter()
                .filter(|f| f.detector == "personal.email")
                .count()
        };
        assert!(emails(&whole) >= 30_000 - 3 * 27, "{}", emails(&whole));
    }

    /// An archive is reported as not read, also when its head has no NUL
    /// byte and it is larger than the split size (it was split into ranges
    /// and read as text before).
    #[test]
    fn large_archive_is_never_split_into_text_ranges() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("logs.zip");
        let mut data = b"PK\x03\x04".to_vec();
        data.extend(log(20_000).as_bytes());
        std::fs::write(&p, &data).unwrap();
        let out = run(&p, 2, 256 * 1024);
        let f = &out.accounting.per_file[0];
        assert_eq!(f.failed_files, 1, "{f:?}");
        assert!(f.error.as_deref().unwrap_or("").contains("zip"), "{f:?}");
        assert_eq!(f.records, 0);
    }
}
