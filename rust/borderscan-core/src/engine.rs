//! The scan pipeline: enumerate inputs, plan tasks (whole files, or
//! newline-aligned ranges of large plain files), run them on a thread pool,
//! and merge the results in input order so output never depends on timing.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::Condvar;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};

use arrow_array::RecordBatch;

use globset::{Glob, GlobSet, GlobSetBuilder};
use regex::bytes::Regex;

use crate::accounting::{Accounting, FileStats, Location};
use crate::batch::{
    BATCH_ROWS, BatchBuilder, COL_CATEGORY, COL_DEST_COUNTRY, COL_DEST_HOST, COL_DEST_SOURCE,
    COL_DESTINATION, COL_DETECTOR, COL_EVIDENCE, COL_EXCEPTION, COL_FIELD, COL_FINGERPRINT,
    COL_LINE, COL_OFFSET, COL_ORIGIN, COL_ORIGIN_COUNTRY, COL_ORIGIN_SOURCE, COL_PATH, COL_RULE,
    COL_SEVERITY, COL_VERDICT, RecordValues, Row, shift_lines,
};
use crate::detect::{Detectors, Hit, ROLE_DEST, ROLE_ORIGIN, Scratch};
use crate::error::{Error, Result};
use crate::formats::{self, Format, Header, RecordBuf};
use crate::input::{self, Compression, LineReader};
use crate::journal::{self, Identity, Journal, Replay};
use crate::residency::{self, Residency};

/// Default maximum line length; longer lines are cut and counted.
pub const DEFAULT_MAX_LINE: usize = 1 << 20;
/// Default cap on how many times its stored size a compressed input may
/// expand to. Logs compress 5-20x, very regular telemetry up to ~100x with
/// zstd at high levels; a bomb is built to exceed 1000x.
pub const DEFAULT_MAX_EXPANSION: u64 = 250;
/// Default size of the ranges a large plain file is split into. Small
/// enough that the ranges balance across cores and that a range's findings
/// fit in its channel (so a worker ahead of the merger rarely waits), large
/// enough that per-range costs vanish.
pub const DEFAULT_SPLIT_SIZE: u64 = 8 << 20;

/// Batches a task may have waiting for the merger: about one range's worth.
const TASK_CHANNEL: usize = 4;
/// How much of a file is sniffed for binary content, format and header.
const SNIFF: usize = 64 * 1024;

/// Field names (leaf names, case-insensitive) that say where a record goes.
pub const DEFAULT_DEST_FIELDS: &[&str] = &[
    "url",
    "uri",
    "endpoint",
    "upload_url",
    "target_url",
    "dest",
    "dst",
    "dst_ip",
    "dst_host",
    "dest_host",
    "destination",
    "remote_host",
    "remote_addr",
    "server",
    "collector",
    "bucket_url",
];

/// Field names that carry the site code the record comes from.
pub const DEFAULT_ORIGIN_FIELDS: &[&str] = &[
    "site",
    "site_code",
    "site_id",
    "plant",
    "plant_code",
    "origin",
    "facility",
];

/// What a scan has done so far, bumped by workers every few thousand lines
/// (a relaxed atomic add: reading it never slows or blocks the scan).
#[derive(Debug, Default)]
pub struct Progress {
    /// Input bytes as stored (compressed bytes of a compressed file), so
    /// they compare with file sizes.
    pub bytes: AtomicU64,
    /// Records scanned.
    pub records: AtomicU64,
}

/// Input bytes read so far as stored: the raw reader's count for a
/// compressed stream, else the bytes of the lines read.
fn stored_bytes<R: Read>(lr: &LineReader<R>, stored: Option<&AtomicU64>) -> u64 {
    stored.map_or_else(|| lr.position(), |c| c.load(Ordering::Relaxed))
}

/// Reports a task's progress as deltas since its last report.
#[derive(Default)]
struct Reporter {
    bytes: u64,
    records: u64,
}

impl Reporter {
    fn update(&mut self, p: Option<&Progress>, bytes: u64, records: u64) {
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

/// One input given by the caller.
#[derive(Debug, Clone)]
pub enum Input {
    /// A file or a directory (scanned recursively).
    Path(PathBuf),
    /// Standard input (`-`).
    Stdin,
    /// In-memory bytes with a display name (tests, rule examples, API use).
    Bytes { name: String, data: Arc<[u8]> },
}

/// Options of a scan; `Default` gives the documented defaults.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Worker threads; 0 means one per core.
    pub threads: usize,
    /// Globs a file under a directory must match (any); empty means all.
    pub include: Vec<String>,
    /// Globs that exclude files under a directory.
    pub exclude: Vec<String>,
    /// Force one format for every input instead of detecting it per file.
    pub input_format: Option<Format>,
    /// Lines longer than this are cut (the prefix is scanned) and counted.
    pub max_line: usize,
    /// A compressed input whose output outgrows it by more than this ratio
    /// (past [`input::EXPANSION_FLOOR`] bytes) is stopped as a
    /// decompression bomb and reported; 0 means no limit.
    pub max_expansion: u64,
    /// Plain files larger than this are split into ranges of about this size.
    pub split_size: u64,
    pub dest_fields: Vec<String>,
    pub origin_fields: Vec<String>,
    /// Put raw values into evidence instead of masked ones.
    pub show_values: bool,
    /// Follow symbolic links while walking directories (loops are detected).
    pub follow_links: bool,
    /// Set from another thread to stop the scan early.
    pub cancel: Option<Arc<AtomicBool>>,
    /// Bytes and records processed so far, for progress display.
    pub progress: Option<Arc<Progress>>,
    /// Policy, destination resolver and baseline deciding verdicts.
    pub residency: Arc<Residency>,
    /// Record finished files, and replay those an earlier run finished.
    pub journal: Option<Arc<Journal>>,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            threads: 0,
            include: Vec::new(),
            exclude: Vec::new(),
            input_format: None,
            max_line: DEFAULT_MAX_LINE,
            max_expansion: DEFAULT_MAX_EXPANSION,
            split_size: DEFAULT_SPLIT_SIZE,
            dest_fields: DEFAULT_DEST_FIELDS.iter().map(|s| s.to_string()).collect(),
            origin_fields: DEFAULT_ORIGIN_FIELDS
                .iter()
                .map(|s| s.to_string())
                .collect(),
            show_values: false,
            follow_links: true,
            cancel: None,
            progress: None,
            residency: Arc::new(Residency::default()),
            journal: None,
        }
    }
}

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
    pub destination: Option<String>,
    pub origin: Option<String>,
    pub column: u64,
    pub dest_host: Option<String>,
    pub dest_country: String,
    pub dest_source: String,
    pub origin_country: String,
    pub origin_source: String,
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
                    destination: opt(COL_DESTINATION, i),
                    origin: opt(COL_ORIGIN, i),
                    column: column.value(i),
                    dest_host: opt(COL_DEST_HOST, i),
                    dest_country: val(COL_DEST_COUNTRY, i),
                    dest_source: val(COL_DEST_SOURCE, i),
                    origin_country: val(COL_ORIGIN_COUNTRY, i),
                    origin_source: val(COL_ORIGIN_SOURCE, i),
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

// ------------------------------------------------------------------ planning

enum Source {
    File {
        path: PathBuf,
        /// Size when listed: the scan reads this much and no more (a log
        /// still being written is scanned as it was when the scan began).
        size: u64,
        /// A regular file; else a FIFO or device named by the caller, read
        /// as a stream like standard input.
        regular: bool,
        /// Device and inode when listed, to notice a file replaced (rotated)
        /// before one of its ranges is opened.
        id: Option<(u64, u64)>,
    },
    Stdin,
    Bytes(Arc<[u8]>),
    /// Found under a directory and not read: a FIFO (reading could block
    /// forever), socket or device, or a symbolic link loop. Named and
    /// counted with the reason.
    Special(String),
}

#[cfg(unix)]
fn file_id(m: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_id(_: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}

fn file_source(path: &Path, m: &std::fs::Metadata) -> Source {
    Source::File {
        path: path.to_path_buf(),
        size: if m.is_file() { m.len() } else { 0 },
        regular: m.is_file(),
        id: file_id(m),
    }
}

/// What a special file is, to name it when it is skipped.
fn special_kind(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    let _ = t;
    "not a regular file"
}

/// Open a listed file and make sure it is still the file that was listed.
fn open_listed(path: &Path, id: Option<(u64, u64)>) -> std::result::Result<File, String> {
    let f = File::open(path).map_err(|e| describe_open_error(path, &e))?;
    if let Some(id) = id {
        let now = f.metadata().map_err(|e| describe_open_error(path, &e))?;
        if file_id(&now).is_some_and(|n| n != id) {
            return Err("the file was replaced while the scan ran (rotated?): \
                        not scanned, to avoid mixing two files"
                .into());
        }
    }
    Ok(f)
}

struct Entry {
    display: String,
    source: std::result::Result<Source, String>,
}

#[derive(Clone)]
enum TaskKind {
    Whole,
    /// Finished by an earlier run of this scan: its findings and counters
    /// are read back from the journal.
    Replay(Box<Replay>),
    Range {
        start: u64,
        end: u64,
        format: Format,
        header: Header,
        first: bool,
    },
}

struct Task {
    file: u32,
    kind: TaskKind,
}

fn globset(globs: &[String], what: &str) -> Result<Option<GlobSet>> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut b = GlobSetBuilder::new();
    for g in globs {
        b.add(Glob::new(g).map_err(|e| Error::config(format!("--{what} {g}"), e.to_string()))?);
    }
    Ok(Some(b.build().map_err(|e| {
        Error::config(format!("--{what}"), e.to_string())
    })?))
}

fn display(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// Expand inputs to files, in a deterministic order (directories sorted by
/// name). Problems become entries with an error so they are counted.
fn enumerate(inputs: &[Input], opts: &ScanOptions) -> Result<Vec<Entry>> {
    let include = globset(&opts.include, "include")?;
    let exclude = globset(&opts.exclude, "exclude")?;
    let mut out = Vec::new();
    for input in inputs {
        match input {
            Input::Stdin => out.push(Entry {
                display: "<stdin>".into(),
                source: Ok(Source::Stdin),
            }),
            Input::Bytes { name, data } => out.push(Entry {
                display: name.clone(),
                source: Ok(Source::Bytes(data.clone())),
            }),
            Input::Path(p) => match std::fs::metadata(p) {
                Err(e) => out.push(Entry {
                    display: display(p),
                    source: Err(describe_open_error(p, &e)),
                }),
                Ok(m) if m.is_dir() => {
                    walk_dir(p, opts, include.as_ref(), exclude.as_ref(), &mut out)
                }
                // A FIFO or device named by the caller (`<(zcat x.gz)`) is
                // read as a stream.
                Ok(m) => out.push(Entry {
                    display: display(p),
                    source: Ok(file_source(p, &m)),
                }),
            },
        }
    }
    Ok(out)
}

fn describe_open_error(p: &Path, e: &io::Error) -> String {
    if e.kind() == io::ErrorKind::NotFound && std::fs::symlink_metadata(p).is_ok() {
        return "broken symbolic link (its target does not exist)".into();
    }
    match e.kind() {
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::NotFound => "no such file or directory".into(),
        _ => e.to_string(),
    }
}

fn walk_dir(
    root: &Path,
    opts: &ScanOptions,
    include: Option<&GlobSet>,
    exclude: Option<&GlobSet>,
    out: &mut Vec<Entry>,
) {
    let walker = walkdir::WalkDir::new(root)
        .follow_links(opts.follow_links)
        .sort_by_file_name();
    for item in walker {
        match item {
            Err(e) => {
                let path = e.path().map(display).unwrap_or_else(|| display(root));
                // A loop leads back to a directory being walked: its files
                // are scanned there, so nothing is lost by not following it.
                let source = if let Some(a) = e.loop_ancestor() {
                    Ok(Source::Special(format!(
                        "symbolic link loop back to {}: not followed (its files are scanned there)",
                        display(a)
                    )))
                } else if let Some(io) = e.io_error() {
                    Err(describe_open_error(e.path().unwrap_or(root), io))
                } else {
                    Err(e.to_string())
                };
                out.push(Entry {
                    display: path,
                    source,
                });
            }
            Ok(ent) => {
                if ent.file_type().is_dir() {
                    continue;
                }
                let rel = ent.path().strip_prefix(root).unwrap_or(ent.path());
                if include.is_some_and(|g| !g.is_match(rel) && !g.is_match(ent.file_name()))
                    || exclude.is_some_and(|g| g.is_match(rel) || g.is_match(ent.file_name()))
                {
                    continue;
                }
                let source = match ent.metadata() {
                    Ok(m) if !m.is_file() => Ok(Source::Special(format!(
                        "{} found under a directory: not read (name it to scan it)",
                        special_kind(&m.file_type())
                    ))),
                    Ok(m) => Ok(file_source(ent.path(), &m)),
                    Err(e) => Err(e
                        .io_error()
                        .map(|io| describe_open_error(ent.path(), io))
                        .unwrap_or_else(|| e.to_string())),
                };
                out.push(Entry {
                    display: display(ent.path()),
                    source,
                });
            }
        }
    }
}

/// Split a large plain file into ranges that start at line starts.
fn plan_ranges(path: &Path, size: u64, opts: &ScanOptions) -> io::Result<Option<Vec<TaskKind>>> {
    let mut f = File::open(path)?;
    let mut head = vec![0u8; SNIFF.min(size as usize)];
    f.read_exact(&mut head)?;
    if Compression::sniff(&head) != Compression::None || input::looks_binary(&head) {
        return Ok(None);
    }
    let format = opts
        .input_format
        .unwrap_or_else(|| formats::detect(&path.to_string_lossy(), &head));
    let header = if format.has_header() {
        // The first line as the first range's reader will see it (cut at
        // max_line, even past the sniffed head), so every range parses
        // rows with the header the whole-file scan would use.
        f.seek(SeekFrom::Start(0))?;
        let mut lr = LineReader::new((&mut f).take(size), opts.max_line);
        let first = lr.next_line()?.map_or(&[][..], |l| l.bytes);
        formats::parse_header(format, first)
    } else {
        Header::default()
    };
    let split = opts.split_size.max(4096);
    let mut bounds = vec![0u64];
    let mut pos = split;
    while pos < size {
        let b = next_line_start(&mut f, pos, size)?;
        if b >= size {
            break;
        }
        if b > *bounds.last().expect("not empty") {
            bounds.push(b);
        }
        pos = b.max(pos) + split;
    }
    bounds.push(size);
    Ok(Some(
        bounds
            .windows(2)
            .enumerate()
            .map(|(i, w)| TaskKind::Range {
                start: w[0],
                end: w[1],
                format,
                header: header.clone(),
                first: i == 0,
            })
            .collect(),
    ))
}

/// The first line start at or after `pos` (`size` if none).
fn next_line_start(f: &mut File, pos: u64, size: u64) -> io::Result<u64> {
    let mut at = pos - 1;
    f.seek(SeekFrom::Start(at))?;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            return Ok(size);
        }
        if let Some(i) = memchr::memchr(b'\n', &buf[..n]) {
            return Ok(at + i as u64 + 1);
        }
        at += n as u64;
    }
}

// ------------------------------------------------------------------ running

/// Rows short of [`BATCH_ROWS`] at which a batch is sent (see its use).
const BATCH_MARGIN: usize = 256;

struct TaskOut {
    stats: FileStats,
    cancelled: bool,
}

/// What a task sends to the merger, in order: batches (as the caller's
/// worker-side map made them), then its counters.
enum Msg<T> {
    /// A batch as mapped, with the batch itself when a journal records it.
    Batch(T, Option<RecordBatch>),
    /// A chunk of a stream cut by this task's worker and scanned by any
    /// worker: its batches and counters arrive on the receiver; the counter
    /// is the task's chunks not yet merged (the merger decrements it).
    Nested(Receiver<Msg<T>>, Arc<AtomicUsize>),
    // Boxed: channels hold a few messages each, and most are batches.
    Done(Box<TaskOut>),
}

/// Where workers leave the receiving end of each task's channel for the
/// merger. Slots, not channels, exist up front: 100,000 tiny files cost
/// 100,000 empty slots.
///
/// It also bounds how far workers run ahead of the merger: a finished task
/// leaves its batches in its channel, so without a bound, many small files
/// scanned faster than the sink consumes them would pile up in memory.
struct Handoff<T> {
    state: Mutex<HandoffState<T>>,
    ready: std::sync::Condvar,
    window: usize,
}

struct HandoffState<T> {
    slots: Vec<Option<Receiver<Msg<T>>>>,
    /// Tasks the merger has finished with.
    merged: usize,
    /// Set when the merger stops early; waiting workers give up.
    closed: bool,
}

impl<T> Handoff<T> {
    fn new(n: usize, window: usize) -> Self {
        Handoff {
            state: Mutex::new(HandoffState {
                slots: (0..n).map(|_| None).collect(),
                merged: 0,
                closed: false,
            }),
            ready: std::sync::Condvar::new(),
            window,
        }
    }

    /// Register the receiver of task `t`, after waiting until the merger is
    /// within `window` tasks of it. False if the merger has stopped.
    fn put(&self, t: usize, rx: Receiver<Msg<T>>) -> bool {
        let mut st = self.state.lock().expect("not poisoned");
        while !st.closed && t >= st.merged + self.window {
            st = self.ready.wait(st).expect("not poisoned");
        }
        if st.closed {
            return false;
        }
        st.slots[t] = Some(rx);
        self.ready.notify_all();
        true
    }

    /// Wait for task `t` to be started, and take its receiver. Workers
    /// start tasks in order and put the receiver before running a task, so
    /// this never waits on a task no worker will start.
    fn take(&self, t: usize) -> Receiver<Msg<T>> {
        let mut st = self.state.lock().expect("not poisoned");
        loop {
            if let Some(rx) = st.slots[t].take() {
                return rx;
            }
            st = self.ready.wait(st).expect("not poisoned");
        }
    }

    /// The merger is done with task `t`.
    fn merged(&self, t: usize) {
        self.state.lock().expect("not poisoned").merged = t + 1;
        self.ready.notify_all();
    }

    /// The merger stopped early: wake waiting workers, and drop the
    /// receivers so workers blocked sending to them stop too.
    fn close(&self) {
        let mut st = self.state.lock().expect("not poisoned");
        st.closed = true;
        st.slots.iter_mut().for_each(|s| *s = None);
        drop(st);
        self.ready.notify_all();
    }
}

/// Extracts the raw destination and origin of a record from its fields
/// (tagged by the detectors' per-path cache) or, failing that, from a URL in
/// its free text.
struct Extractor {
    url: Regex,
}

impl Extractor {
    fn new() -> Self {
        Extractor {
            url: Regex::new(r#"(?-u)\b(?:https?|s3|gs|ftp|sftp|mqtts?|wss?)://[^\s"'<>\]\[]+"#)
                .expect("valid"),
        }
    }

    /// Fill `dest` and `origin` (cleared first); returns which were found.
    fn extract(
        &self,
        rec: &RecordBuf,
        roles: &[u8],
        dest: &mut String,
        origin: &mut String,
    ) -> (bool, bool) {
        dest.clear();
        origin.clear();
        let (mut has_dest, mut has_origin) = (false, false);
        for (f, &role) in rec.fields.iter().zip(roles) {
            if role == 0 {
                continue;
            }
            let v = rec.value(f).trim_ascii();
            if v.is_empty() {
                continue;
            }
            if !has_dest && role & ROLE_DEST != 0 {
                dest.push_str(&String::from_utf8_lossy(v));
                has_dest = true;
            }
            if !has_origin && role & ROLE_ORIGIN != 0 {
                origin.push_str(&String::from_utf8_lossy(v));
                has_origin = true;
            }
        }
        if !has_dest {
            // Free text: the first URL it mentions is where it talks about
            // sending data; better a raw hint than nothing for the resolver.
            if let Some(m) = rec
                .fields
                .iter()
                .filter(|f| f.text)
                .find_map(|f| self.url.find(rec.value(f)))
            {
                dest.push_str(&String::from_utf8_lossy(m.as_bytes()));
                has_dest = true;
            }
        }
        (has_dest, has_origin)
    }
}

struct Worker<'a, T> {
    det: &'a Detectors,
    opts: &'a ScanOptions,
    extract: &'a Extractor,
    scratch: Scratch,
    rec: RecordBuf,
    hits: Vec<Hit>,
    batch: BatchBuilder,
    dest: String,
    origin: String,
    field: String,
    cache: residency::Cache,
    /// Where the current task's batches go; `None` once the merger hung up.
    tx: Option<Tx<T>>,
    /// Chunks of streams waiting for a worker (see [`Pool`]).
    pool: &'a Pool<T>,
    /// Whether compressed streams and standard input are cut into chunks
    /// for all workers (more than one worker).
    chunking: bool,
    /// What the worker makes of each batch before sending it (rendering and
    /// counting run here, in parallel, rather than in the one merger).
    map: &'a (dyn Fn(RecordBatch) -> T + Sync),
}

struct Lines<'h> {
    format: Format,
    header: Option<&'h Header>,
    /// Whether the first line is the header to read.
    read_header: bool,
    /// Added to line offsets (start of a range).
    offset_base: u64,
    /// Stored bytes read so far, when they differ from the bytes of lines
    /// (a compressed stream); progress counts these.
    stored: Option<Arc<AtomicU64>>,
}

/// Where a worker sends: a task's bounded channel, or a chunk's unbounded
/// one (a chunk never blocks its worker: see [`Pool`]).
enum Tx<T> {
    Task(SyncSender<Msg<T>>),
    Chunk(Sender<Msg<T>>),
}

impl<T> Tx<T> {
    fn send(&self, m: Msg<T>) -> bool {
        match self {
            Tx::Task(t) => t.send(m).is_ok(),
            Tx::Chunk(t) => t.send(m).is_ok(),
        }
    }
}

/// What the per-line step needs to know and keeps between lines.
struct LineState {
    format: Format,
    header: Arc<Header>,
    read_header: bool,
    line_no: u64,
}

/// A piece of a compressed stream (or of standard input), cut at line ends
/// by the worker of its task and scanned by whichever worker is free, so
/// one compressed file keeps every core busy. Lines keep their stream
/// offsets; line numbers count from the chunk's start (the merger adds the
/// lines before it, as for ranges).
struct Chunk<T> {
    path: String,
    data: Vec<u8>,
    lines: Vec<ChunkLine>,
    format: Format,
    header: Arc<Header>,
    read_header: bool,
    tx: Sender<Msg<T>>,
}

/// A line of a chunk: (start, end) in its data, stream offset, whether it
/// was cut to the maximum length.
type ChunkLine = (u32, u32, u64, bool);

/// Decompressed bytes per chunk.
const CHUNK_BYTES: usize = 2 << 20;
/// Chunks of one task not yet merged: bounds memory per producing task.
const CHUNKS_AHEAD: usize = TASK_CHANNEL;

/// The queue of chunks, shared by all workers.
///
/// Deadlock freedom: a chunk's channel is unbounded, so running a chunk
/// never blocks; a task's worker waits for its budget (`CHUNKS_AHEAD`)
/// only when no chunk is queued, and otherwise runs queued chunks itself;
/// idle workers run chunks until no task is running. So every queued chunk
/// is eventually run, and the merger, which drains tasks and chunks in
/// order, always progresses.
struct Pool<T> {
    state: Mutex<PoolState<T>>,
    ready: Condvar,
}

struct PoolState<T> {
    queue: VecDeque<Chunk<T>>,
    /// Tasks claimed by a worker and not finished.
    running: usize,
    closed: bool,
}

impl<T> Pool<T> {
    fn new() -> Self {
        Pool {
            state: Mutex::new(PoolState {
                queue: VecDeque::new(),
                running: 0,
                closed: false,
            }),
            ready: Condvar::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, PoolState<T>> {
        self.state.lock().expect("not poisoned")
    }

    fn pop(&self) -> Option<Chunk<T>> {
        self.lock().queue.pop_front()
    }

    fn push(&self, c: Chunk<T>) {
        self.lock().queue.push_back(c);
        self.ready.notify_all();
    }

    fn task_started(&self) {
        self.lock().running += 1;
    }

    fn task_done(&self) {
        self.lock().running -= 1;
        self.ready.notify_all();
    }

    /// Wake waiters to look again (a chunk was merged).
    fn notify(&self) {
        let _st = self.lock();
        self.ready.notify_all();
    }

    /// The merger stopped: drop queued chunks (their receivers see the end)
    /// and wake everyone.
    fn close(&self) {
        let mut st = self.lock();
        st.closed = true;
        st.queue.clear();
        drop(st);
        self.ready.notify_all();
    }
}

impl<T> Worker<'_, T> {
    fn send_batch(&mut self) {
        if let Some(b) = self.batch.finish()
            && let Some(tx) = &self.tx
            && !tx.send({
                let raw = self.opts.journal.is_some().then(|| b.clone());
                Msg::Batch((self.map)(b), raw)
            })
        {
            self.tx = None;
        }
    }

    /// Run one task, sending its batches and then its counters to `tx`.
    fn run_and_send(&mut self, task: &Task, entry: &Entry, tx: SyncSender<Msg<T>>) {
        if let TaskKind::Replay(r) = &task.kind {
            let mut stats = r.stats.clone();
            match journal::read_findings(&r.findings) {
                Ok(batches) => {
                    for b in batches {
                        if tx.send(Msg::Batch((self.map)(b), None)).is_err() {
                            return;
                        }
                    }
                }
                Err(e) => {
                    stats.failed_files = 1;
                    stats.error = Some(format!("cannot replay from the journal: {e}"));
                }
            }
            Reporter::default().update(self.opts.progress.as_deref(), stats.bytes, stats.records);
            let out = TaskOut {
                stats,
                cancelled: false,
            };
            let _ = tx.send(Msg::Done(Box::new(out)));
            return;
        }
        self.tx = Some(Tx::Task(tx));
        let out = self.run(task, entry);
        self.send_batch();
        if let Some(tx) = self.tx.take() {
            tx.send(Msg::Done(Box::new(out)));
        }
    }

    /// Scan a chunk of another (or this) task's stream, sending its batches
    /// and counters to the chunk's channel.
    fn run_chunk(&mut self, c: Chunk<T>) {
        let task_tx = self.tx.replace(Tx::Chunk(c.tx));
        let mut out = TaskOut {
            stats: FileStats {
                path: c.path,
                format: Some(c.format.to_string()),
                ..Default::default()
            },
            cancelled: false,
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
        if let Some(tx) = self.tx.take() {
            tx.send(Msg::Done(Box::new(out)));
        }
        self.tx = task_tx;
    }

    /// The merger hung up or the caller cancelled.
    fn stopped(&self) -> bool {
        self.tx.is_none()
            || self
                .opts
                .cancel
                .as_ref()
                .is_some_and(|c| c.load(Ordering::Relaxed))
    }

    fn run(&mut self, task: &Task, entry: &Entry) -> TaskOut {
        let mut out = TaskOut {
            stats: FileStats {
                path: entry.display.clone(),
                ranges: 1,
                ..Default::default()
            },
            cancelled: false,
        };
        self.cache.start_file(&self.opts.residency, &entry.display);
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
        if let Source::File { size, .. } = source
            && matches!(
                task.kind,
                TaskKind::Whole | TaskKind::Range { first: true, .. }
            )
        {
            out.stats.bytes = *size;
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
                Source::File { path, id, .. },
            ) => {
                out.stats.format = Some(format.to_string());
                out.stats.compression = Some("none".into());
                let lines = Lines {
                    format: *format,
                    header: Some(header),
                    read_header: *first && format.has_header(),
                    offset_base: *start,
                    stored: None,
                };
                let want = end - start;
                let res = open_listed(path, *id)
                    .and_then(|mut f| {
                        f.seek(SeekFrom::Start(*start))
                            .map_err(|e| describe_open_error(path, &e))?;
                        Ok(f)
                    })
                    .and_then(|f| self.scan_stream(f.take(want), &lines, &mut out, false, false));
                // Lines are read whole, so a range read to its end has read
                // exactly its bytes; fewer means the file shrank under us.
                let read = out.stats.decompressed_bytes.min(want);
                out.stats.bytes_read = read;
                out.stats.bytes_skipped = want - read;
                match res {
                    Ok(()) if read < want && !out.cancelled => Err(format!(
                        "the file shrank while it was read (truncated?): bytes {}..{} \
                         were listed, only {read} of them were there",
                        start, end
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
                open_listed(path, *id).and_then(|f| self.scan_whole(f, &mut out, size))
            }
            (_, Source::Stdin) => self.scan_whole(io::stdin(), &mut out, None),
            (_, Source::Bytes(data)) => {
                out.stats.bytes = data.len() as u64;
                let size = Some(out.stats.bytes);
                self.scan_whole(io::Cursor::new(data.clone()), &mut out, size)
            }
            (_, Source::Special(_)) => unreachable!("returned above"),
        };
        if let Err(e) = result {
            out.stats.failed_files = 1;
            out.stats.error = Some(e);
        }
        out
    }

    /// A whole file or stream: `size` for a regular file, which is read up
    /// to that size and no further; `None` for a stream (standard input, a
    /// FIFO), whose size is what it delivers. A compressed input, or a
    /// stream, is cut into chunks for all workers.
    fn scan_whole<R: Read + Send>(
        &mut self,
        raw: R,
        out: &mut TaskOut,
        size: Option<u64>,
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
                stored: Some(stored.clone()),
            };
            let chunk = self.chunking && (size.is_none() || comp != Compression::None);
            let res = if comp == Compression::None {
                self.scan_stream(reader, &lines, out, true, chunk)
            } else {
                let ratio = self.opts.max_expansion;
                let guarded = input::ExpansionGuard::new(reader, stored.clone(), ratio);
                self.scan_stream(guarded, &lines, out, true, chunk)
            };
            res.map_err(|e| match comp {
                Compression::None => e,
                _ if e.contains("decompression bomb") => e,
                c => format!("{} stream is corrupt or truncated: {e}", c.as_str()),
            })
        });
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
            Ok(()) if read < total && !out.cancelled => Err(format!(
                "the file shrank while it was read (truncated?): {total} bytes were listed, \
                 only {read} were there"
            )),
            r => r,
        }
    }

    /// Read lines and scan records. With `sniff`, the head of the stream
    /// decides binary/format/header (whole-file tasks); range tasks were
    /// told these by the planner. With `chunk`, the lines are cut into
    /// chunks that any worker scans (see [`Chunk`]).
    fn scan_stream<R: Read>(
        &mut self,
        reader: R,
        lines: &Lines,
        out: &mut TaskOut,
        sniff: bool,
        chunk: bool,
    ) -> std::result::Result<(), String> {
        let mut lr = LineReader::new(reader, self.opts.max_line);
        let mut st = LineState {
            format: lines.format,
            header: Arc::new(lines.header.cloned().unwrap_or_default()),
            read_header: lines.read_header,
            line_no: 0,
        };
        let err_at = |lr: &LineReader<R>, e: io::Error| {
            format!("read error after {} bytes: {e}", lr.position())
        };
        if sniff {
            if let Err(e) = lr.peek(SNIFF) {
                return Err(err_at(&lr, e));
            }
            let head = lr.peek(SNIFF).map_err(|e| e.to_string())?;
            // peek may return more than asked (a whole read); judge on
            // exactly the head the range planner sniffs, so a file is
            // binary, and has a format, whether or not it is split.
            let head = &head[..head.len().min(SNIFF)];
            if input::looks_binary(head) {
                // The caller sets the bytes skipped: it knows the size.
                out.stats.binary_skipped = 1;
                return Ok(());
            }
            st.format = self
                .opts
                .input_format
                .unwrap_or_else(|| formats::detect(&out.stats.path, head));
            st.read_header = st.format.has_header();
        }
        out.stats.format = Some(st.format.to_string());
        if chunk {
            let result = self.produce(&mut lr, st, lines.stored.as_deref(), out);
            out.stats.decompressed_bytes = lr.position();
            out.stats.cut_bytes = lr.cut_bytes();
            return result.map_err(|e| err_at(&lr, e));
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
        result.map_err(|e| err_at(&lr, e))
    }

    /// Cut a stream into chunks for all workers. Lines are cut by this
    /// reader (so long lines are cut and counted as always); the lines
    /// themselves are counted by the chunks.
    fn produce<R: Read>(
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
                header = Arc::new(formats::parse_header(st.format, line.bytes));
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
    fn submit(
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
        let sent = self
            .tx
            .as_ref()
            .is_some_and(|t| t.send(Msg::Nested(rx, ahead.clone())));
        if !sent {
            self.tx = None;
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

    /// One line: a header, a blank line or a record to parse and scan.
    fn line(
        &mut self,
        st: &mut LineState,
        bytes: &[u8],
        offset: u64,
        truncated: bool,
        out: &mut TaskOut,
    ) {
        st.line_no += 1;
        let line_no = st.line_no;
        let format = st.format;
        if truncated {
            out.stats.truncated_lines += 1;
        }
        if st.read_header {
            st.read_header = false;
            st.header = Arc::new(formats::parse_header(format, bytes));
            out.stats.header_lines += 1;
            return;
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            out.stats.blank_lines += 1;
            return;
        }
        out.stats.records += 1;
        let parsed = formats::parse(format, bytes, &st.header, &mut self.rec);
        if parsed.is_ok() {
            out.stats.parsed += 1;
        }
        if let Err(pe) = parsed {
            out.stats.unparseable += 1;
            let path = &out.stats.path;
            out.stats
                .unparseable_reasons
                .entry(pe.reason.to_string())
                .or_default()
                .add(|| Location {
                    path: path.clone(),
                    line: line_no,
                    byte_offset: offset,
                    detail: pe.detail.clone(),
                });
            // Nothing is lost: an unparseable record is scanned as text.
            self.rec.clear();
            self.rec.push_text(bytes);
        }
        self.hits.clear();
        self.det.scan(
            &self.rec,
            &mut self.scratch,
            self.opts.show_values,
            &mut self.hits,
        );
        if !self.hits.is_empty() {
            let (has_dest, has_origin) = self.extract.extract(
                &self.rec,
                self.scratch.roles(),
                &mut self.dest,
                &mut self.origin,
            );
            if has_dest
                && !self.opts.show_values
                && let Some(clean) = crate::resolve::redact_destination(&self.dest)
            {
                self.dest = clean;
            }
            let res = &*self.opts.residency;
            let entry = self
                .cache
                .destination(res, has_dest.then_some(self.dest.as_str()));
            let (origin_id, origin_source) = self
                .cache
                .origin(res, has_origin.then_some(self.origin.as_str()));
            for h in self.hits.drain(..) {
                let f = &self.rec.fields[h.field as usize];
                self.field.clear();
                if !f.text {
                    self.field
                        .push_str(&String::from_utf8_lossy(self.rec.path(f)));
                }
                let field = (!f.text).then_some(self.field.as_str());
                let spec = self.det.rule(h.rule);
                // A value found in a key lies in the path, not the value.
                let (raw, from) = if h.in_key {
                    (&self.rec.path(f)[h.start as usize..h.end as usize], 0)
                } else {
                    let v = &self.rec.value(f)[h.start as usize..h.end as usize];
                    (v, f.line_from as usize + h.start as usize)
                };
                let host = self.cache.resolution(entry).host.as_deref();
                // The fingerprint takes the path as found (it must not change
                // with --show-values); the table shows keys holding values
                // masked.
                let fp = residency::fingerprint(&out.stats.path, &spec.id, field, raw, host);
                let field = match self.scratch.masked_path(h.field) {
                    Some(masked) if !self.opts.show_values && !f.text => Some(masked),
                    _ => field,
                };
                if res.baselined(fp) {
                    continue;
                }
                let d = self
                    .cache
                    .decide(res, h.rule, &spec.id, &spec.category, origin_id, entry);
                self.batch.push(&Row {
                    path: &out.stats.path,
                    line: line_no,
                    column: column_of(bytes, raw, from),
                    byte_offset: offset,
                    rule: h.rule,
                    field,
                    evidence: &h.evidence,
                    verdict: d.verdict,
                    severity: d.severity,
                    policy_rule: d.rule,
                    exception: d.exception,
                    fingerprint: fp,
                });
            }
            let r = self.cache.resolution(entry);
            self.batch.end_record(&RecordValues {
                destination: has_dest.then_some(self.dest.as_str()),
                dest_host: r.host.as_deref(),
                dest_country: r.country,
                dest_source: r.source,
                origin: has_origin.then_some(self.origin.as_str()),
                origin_country: origin_id,
                origin_source,
            });
            // Flush only between records, so a record's findings are
            // never split across batches (per-batch counts stay exact),
            // and a little before BATCH_ROWS: column buffers grow by
            // doubling, and a batch a few rows over would hold twice
            // the memory it needs.
            if self.batch.len() >= BATCH_ROWS - BATCH_MARGIN {
                self.send_batch();
            }
        }
    }
}

/// Scan inputs, collecting the findings table in memory.
pub fn scan(inputs: &[Input], det: &Detectors, opts: &ScanOptions) -> Result<ScanOutput> {
    let mut batches = Vec::new();
    let (files, accounting) = scan_stream(inputs, det, opts, |b| {
        batches.push(b);
        Ok(())
    })?;
    Ok(ScanOutput {
        files,
        batches,
        accounting,
    })
}

/// Scan inputs, handing each findings batch to `sink` in input order as soon
/// as everything before it is done. Memory stays bounded whatever the input
/// size: each task (a file or a range of one) buffers at most a couple of
/// batches ahead of the sink, and at most `threads` tasks run at once.
///
/// Returns the display paths of the inputs and the accounting.
pub fn scan_stream(
    inputs: &[Input],
    det: &Detectors,
    opts: &ScanOptions,
    mut sink: impl FnMut(RecordBatch) -> Result<()>,
) -> Result<(Vec<String>, Accounting)> {
    scan_stream_mapped(inputs, det, opts, &|b| b, |b, base| {
        sink(shift_lines(b, base))
    })
}

/// [`scan_stream`] with a step run on the workers: each batch goes through
/// `map` on the worker that made it, in parallel, and `sink` gets the
/// results in input order with the number of lines before the batch's range
/// (0 except for later ranges of a split file, whose line numbers count from
/// the range's start: add it).
pub fn scan_stream_mapped<T: Send>(
    inputs: &[Input],
    det: &Detectors,
    opts: &ScanOptions,
    map: &(dyn Fn(RecordBatch) -> T + Sync),
    mut sink: impl FnMut(T, u64) -> Result<()>,
) -> Result<(Vec<String>, Accounting)> {
    let entries = enumerate(inputs, opts)?;
    // Files are journaled by their identity when listed: a file changed
    // since is scanned again.
    let idents: Vec<Option<Identity>> = entries
        .iter()
        .map(|e| match (&opts.journal, &e.source) {
            (
                Some(_),
                Ok(Source::File {
                    path,
                    regular: true,
                    ..
                }),
            ) => Identity::of(path),
            _ => None,
        })
        .collect();
    let mut tasks = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let file = i as u32;
        if let Some(j) = &opts.journal
            && let Some(r) = j.replay(&e.display, idents[i])
        {
            tasks.push(Task {
                file,
                kind: TaskKind::Replay(Box::new(r)),
            });
            continue;
        }
        let mut kinds = vec![TaskKind::Whole];
        // A planning failure just means no split: the whole-file task will
        // meet (and report) the same problem.
        if let Ok(Source::File {
            path,
            size,
            regular: true,
            ..
        }) = &e.source
            && *size > opts.split_size
            && let Ok(Some(ranges)) = plan_ranges(path, *size, opts)
        {
            kinds = ranges;
        }
        tasks.extend(kinds.into_iter().map(|kind| Task { file, kind }));
    }
    let extract = Extractor::new();
    let threads = if opts.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        opts.threads
    }
    // Capped by the tasks, unless one may be a compressed stream: its
    // chunks keep every worker busy.
    .min(if tasks.iter().any(|t| matches!(t.kind, TaskKind::Whole)) {
        usize::MAX
    } else {
        tasks.len().max(1)
    });

    // One small bounded channel per task, made when a worker starts it: the
    // merger drains them in task order, so output order never depends on
    // which worker finishes first.
    let handoff = Handoff::new(tasks.len(), 2 * threads + 2);
    let next = AtomicUsize::new(0);
    let pool = Pool::new();

    std::thread::scope(|scope| {
        for i in 0..threads {
            let (tasks, entries, handoff, next, extract, pool) =
                (&tasks, &entries, &handoff, &next, &extract, &pool);
            std::thread::Builder::new()
                .name(format!("borderscan-{i}"))
                .spawn_scoped(scope, move || {
                    let fresh = || Worker {
                        det,
                        opts,
                        extract,
                        scratch: Scratch::with_roles(&opts.dest_fields, &opts.origin_fields),
                        rec: RecordBuf::default(),
                        hits: Vec::new(),
                        batch: BatchBuilder::new(det, &opts.residency),
                        dest: String::new(),
                        origin: String::new(),
                        field: String::new(),
                        cache: residency::Cache::default(),
                        tx: None,
                        map,
                        pool,
                        chunking: threads > 1,
                    };
                    let mut w = fresh();
                    // A bug in a parser or detector must not hang the scan
                    // or lose the other inputs: the task's (or chunk's)
                    // channel closes without a result, the merger reports
                    // the input as failed, and this worker goes on afresh.
                    loop {
                        // Chunks of earlier tasks first: the merger needs
                        // them sooner.
                        while let Some(c) = pool.pop() {
                            run_chunk_guarded(&mut w, c, &fresh);
                        }
                        pool.task_started();
                        let t = next.fetch_add(1, Ordering::Relaxed);
                        if t >= tasks.len() {
                            pool.task_done();
                            break;
                        }
                        let (tx, rx) = sync_channel::<Msg<T>>(TASK_CHANNEL);
                        if !handoff.put(t, rx) {
                            pool.task_done();
                            break;
                        }
                        let task = &tasks[t];
                        let run = std::panic::AssertUnwindSafe(|| {
                            w.run_and_send(task, &entries[task.file as usize], tx)
                        });
                        if std::panic::catch_unwind(run).is_err() {
                            w = fresh();
                        }
                        pool.task_done();
                    }
                    // No task left to start: scan chunks until no task runs.
                    loop {
                        let mut st = pool.lock();
                        let next_chunk = loop {
                            if st.closed {
                                break None;
                            }
                            if let Some(c) = st.queue.pop_front() {
                                break Some(c);
                            }
                            if st.running == 0 {
                                break None;
                            }
                            st = pool.ready.wait(st).expect("not poisoned");
                        };
                        drop(st);
                        match next_chunk {
                            Some(c) => run_chunk_guarded(&mut w, c, &fresh),
                            None => break,
                        }
                    }
                })
                .expect("can spawn a worker thread");
        }
        let result = merge(&entries, &tasks, &handoff, &pool, &idents, opts, &mut sink);
        if result.is_err() {
            // Unblock and stop the workers: their sends now fail and no
            // further task starts.
            handoff.close();
            pool.close();
        }
        result
    })
}

/// Run a chunk; a panic leaves its channel without counters (the merger
/// reports the input as failed) and the worker goes on afresh.
fn run_chunk_guarded<'a, T>(
    w: &mut Worker<'a, T>,
    c: Chunk<T>,
    fresh: &impl Fn() -> Worker<'a, T>,
) {
    let run = std::panic::AssertUnwindSafe(|| w.run_chunk(c));
    if std::panic::catch_unwind(run).is_err() {
        *w = fresh();
    }
}

/// Write a batch, its lines shifted to their place in the file, to the
/// journal's recording of the file being merged.
fn record(
    recording: &mut Option<(usize, journal::Recording, bool)>,
    raw: Option<RecordBatch>,
    base: u64,
) -> Result<()> {
    if let (Some(raw), Some((_, r, _))) = (raw, recording.as_mut()) {
        r.write(&shift_lines(raw, base))?;
    }
    Ok(())
}

/// Drain the task channels in order; line numbers of later ranges of a file
/// are shifted by the lines of the ranges before them.
#[allow(clippy::too_many_arguments)]
fn merge<T>(
    entries: &[Entry],
    tasks: &[Task],
    handoff: &Handoff<T>,
    pool: &Pool<T>,
    idents: &[Option<Identity>],
    opts: &ScanOptions,
    sink: &mut impl FnMut(T, u64) -> Result<()>,
) -> Result<(Vec<String>, Accounting)> {
    let mut per_file: Vec<Option<FileStats>> = vec![None; entries.len()];
    let mut cancelled = false;
    let mut resumed = 0u64;
    // The file being recorded in the journal (one at a time: files are
    // merged in order) and whether any of its tasks was cancelled.
    let mut recording: Option<(usize, journal::Recording, bool)> = None;
    let schema = crate::batch::findings_schema();
    // Fold a task's (or chunk's) counters into its file's, shifting the
    // lines it reports by `base`, the lines of the file before it.
    let fold = |slot: &mut Option<FileStats>, mut o: TaskOut, base: u64| {
        if base > 0 {
            for r in o.stats.unparseable_reasons.values_mut() {
                for l in &mut r.first {
                    l.line += base;
                }
            }
        }
        match slot {
            None => *slot = Some(o.stats),
            Some(s) => {
                s.merge_range(&o.stats);
                // Chunks come before their task's own counters, which
                // carry the stored size and compression.
                s.bytes = s.bytes.max(o.stats.bytes);
                if s.compression.is_none() {
                    s.compression = o.stats.compression;
                }
            }
        }
        o.cancelled
    };
    let died = |file: usize| TaskOut {
        // The worker died (a bug): say so rather than lose the file.
        stats: FileStats {
            path: entries[file].display.clone(),
            failed_files: 1,
            error: Some("internal error: the worker scanning this input stopped".into()),
            ..Default::default()
        },
        cancelled: false,
    };
    for (t, task) in tasks.iter().enumerate() {
        let rx = handoff.take(t);
        let file = task.file as usize;
        let replayed = matches!(task.kind, TaskKind::Replay(_));
        resumed += u64::from(replayed);
        if let Some(j) = &opts.journal
            && !replayed
            && idents[file].is_some()
            && recording.as_ref().is_none_or(|r| r.0 != file)
        {
            recording = Some((file, j.writer()?, false));
        }
        let base = per_file[file].as_ref().map_or(0, |s| s.lines);
        let mut done = None;
        for msg in rx.iter() {
            match msg {
                Msg::Batch(b, raw) => {
                    record(&mut recording, raw, base)?;
                    sink(b, base)?
                }
                Msg::Done(o) => done = Some(*o),
                Msg::Nested(chunk, ahead) => {
                    let base = per_file[file].as_ref().map_or(0, |s| s.lines);
                    let mut chunk_done = None;
                    for m in chunk.iter() {
                        match m {
                            Msg::Batch(b, raw) => {
                                record(&mut recording, raw, base)?;
                                sink(b, base)?
                            }
                            Msg::Done(o) => chunk_done = Some(*o),
                            Msg::Nested(..) => unreachable!("chunks are not cut further"),
                        }
                    }
                    ahead.fetch_sub(1, Ordering::AcqRel);
                    pool.notify();
                    let o = chunk_done.unwrap_or_else(|| died(file));
                    let c = fold(&mut per_file[file], o, base);
                    cancelled |= c;
                    if let Some(r) = recording.as_mut().filter(|r| r.0 == file) {
                        r.2 |= c;
                    }
                }
            }
        }
        let o = done.unwrap_or_else(|| died(file));
        let c = fold(&mut per_file[file], o, base);
        cancelled |= c;
        handoff.merged(t);
        // The file's last task: record it if it was read whole.
        if tasks.get(t + 1).is_none_or(|n| n.file as usize != file)
            && let Some((f, r, stopped)) = recording.take_if(|r| r.0 == file)
        {
            let stats = per_file[f].as_ref().expect("folded above");
            if !(stopped || c || stats.failed_files > 0 || !stats.imbalances().is_empty())
                && let (Some(j), Some(id)) = (&opts.journal, idents[f])
            {
                j.finish(r, &schema, &entries[f].display, id, stats)?;
            }
        }
    }
    if cancelled {
        return Err(Error::Cancelled);
    }
    let files: Vec<String> = entries.iter().map(|e| e.display.clone()).collect();
    let per_file = per_file
        .into_iter()
        .zip(&files)
        .map(|(s, name)| {
            let mut s = s.unwrap_or_else(|| FileStats {
                path: name.clone(),
                ..Default::default()
            });
            // A file that failed (unreadable, corrupt, replaced, a bomb)
            // skipped the rest it did not read, whatever stage it failed at.
            if s.failed_files > 0 {
                s.bytes_skipped = s.bytes.saturating_sub(s.bytes_read);
            }
            // A bug that lost input must not pass as a clean scan.
            let off = s.imbalances();
            if !off.is_empty() && s.error.is_none() {
                s.failed_files = 1;
                s.error = Some(format!(
                    "internal error: the accounting does not add up ({})",
                    off.join("; ")
                ));
            }
            s
        })
        .collect();
    let mut acc = Accounting::from_files(per_file);
    acc.resumed_files = resumed;
    Ok((files, acc))
}

/// 1-based column, in code points, of a value in its line: its first
/// occurrence from `from` (where the parser saw it, or a place before it),
/// else its first occurrence; 1 when the value does not appear as such (it
/// was unescaped).
fn column_of(line: &[u8], value: &[u8], from: usize) -> u64 {
    let after = line
        .get(from..)
        .and_then(|rest| find_in_line(rest, value))
        .map(|i| from + i);
    let Some(at) = after.or_else(|| find_in_line(line, value)) else {
        return 1;
    };
    let before = &line[..at];
    if before.is_ascii() {
        return at as u64 + 1;
    }
    // Count UTF-8 lead bytes: one per code point.
    1 + before.iter().filter(|&&b| b & 0xC0 != 0x80).count() as u64
}

/// The first occurrence of a non-empty `needle` in `line`. A value usually
/// occurs once in its line, so try the places of its first byte before
/// paying for a memmem searcher (whose set-up costs more than a short
/// line's search); a byte that recurs often falls back to memmem.
fn find_in_line(line: &[u8], needle: &[u8]) -> Option<usize> {
    let &first = needle.first()?;
    let mut from = 0;
    for _ in 0..8 {
        let i = from + memchr::memchr(first, &line[from..])?;
        if line[i..].starts_with(needle) {
            return Some(i);
        }
        from = i + 1;
    }
    memchr::memmem::find(&line[from..], needle).map(|i| from + i)
}

/// Scan one record line on its own (format detected from the line) and
/// return the hits; used by `rules check` and `explain`.
pub fn scan_line(det: &Detectors, line: &[u8]) -> (Format, RecordBuf, Vec<Hit>) {
    let format = formats::detect("example", line);
    let mut rec = RecordBuf::default();
    if formats::parse(format, line, &Header::default(), &mut rec).is_err() {
        rec.clear();
        rec.push_text(line);
    }
    let mut hits = Vec::new();
    det.scan(&rec, &mut Scratch::default(), true, &mut hits);
    (format, rec, hits)
}

/// A rule example that did not behave.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RuleCheckFailure {
    pub rule: String,
    pub example: String,
    /// `positive` (should fire, did not) or `negative` (fired, should not).
    pub kind: &'static str,
    /// The rules that did fire, to help fix the example.
    pub fired: Vec<String>,
}

/// Run every rule's positive and negative examples.
pub fn check_rules(det: &Detectors) -> Vec<RuleCheckFailure> {
    let mut failures = Vec::new();
    for (i, r) in det.rules.iter().enumerate() {
        let cases = r
            .examples
            .positive
            .iter()
            .map(|e| (e, true))
            .chain(r.examples.negative.iter().map(|e| (e, false)));
        for (example, positive) in cases {
            let (_, _, hits) = scan_line(det, example.as_bytes());
            let fired = hits.iter().any(|h| h.rule as usize == i);
            if fired != positive {
                let mut names: Vec<String> =
                    hits.iter().map(|h| det.rule(h.rule).id.clone()).collect();
                names.dedup();
                failures.push(RuleCheckFailure {
                    rule: r.id.clone(),
                    example: example.clone(),
                    kind: if positive { "positive" } else { "negative" },
                    fired: names,
                });
            }
        }
    }
    failures
}
