//! Scans spread over machines (`borderscan.dask` drives them). The client
//! plans as a local scan would ([`plan_remote`]: the tasks of regular files,
//! each named by its file and its place among the file's tasks); workers run
//! some of those tasks ([`run_remote`]) and send back, encoded, everything
//! each task sent its merger: findings and records batches with line numbers
//! counted from the task's start, chunks of compressed streams, counters.
//! The client then runs its ordinary scan with those results
//! ([`Precomputed`]) standing in for reading the files: the same merger,
//! summaries and writers, in task order, so its outputs are a local scan's,
//! byte for byte, whichever worker ran what and in whatever order the
//! results came back.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::Cursor;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, channel};
use std::time::UNIX_EPOCH;

use arrow_array::RecordBatch;
use arrow_ipc::reader::StreamReader;
use arrow_ipc::writer::StreamWriter;
use serde::{Deserialize, Serialize};

use super::ScanOptions;
use super::plan::{self, Entry, Input, Source, Task, TaskKind};
use super::pool::{self, Crew, Handoff, Msg, Pool, TaskOut};
use super::worker::{Reporter, Worker};
use crate::accounting::FileStats;
use crate::detect::Detectors;
use crate::error::{Error, Result};
use crate::resolve::Extractor;

/// What a worker's results start with (and a format version).
const MAGIC: &[u8; 8] = b"BSDIST01";

fn fail(message: impl Into<String>) -> Error {
    Error::Distributed(message.into())
}

/// One task of a distributed scan as the client planned it: a whole file or
/// one of its ranges. A worker runs it only if the file is still the one
/// planned (same size and modification time).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteTask {
    /// The file's display path, which is also the path workers open: inputs
    /// must be at the same path on every worker (a shared filesystem).
    pub path: String,
    /// Its place among the file's tasks, and how many the file has.
    pub part: u32,
    pub parts: u32,
    /// A newline-aligned range of a large plain file (else the whole file),
    /// and its bytes.
    pub range: bool,
    pub start: u64,
    pub end: u64,
    /// The file's size and modification time (ns since 1970) when planned.
    pub size: u64,
    pub mtime_ns: u64,
}

/// What a task sent its merger, in order.
pub(super) enum Step {
    Batch(RecordBatch),
    Records(RecordBatch),
    /// A chunk of a compressed stream: its own batches and counters.
    Chunk(Vec<Step>, Option<Box<FileStats>>),
    /// An archive member begins; the steps up to its `MemberDone` are its.
    MemberStart,
    /// The member's counters, after everything it sent.
    MemberDone(Box<FileStats>),
}

/// Everything one task sent its merger; `done` is `None` when the worker
/// thread running it died (the merger then reports the file as failed,
/// as it would have locally).
pub struct TaskRecord {
    pub(super) steps: Vec<Step>,
    pub(super) done: Option<FileStats>,
}

/// The header of a worker's results: the tasks it ran, each with the shape
/// of what it sent; the batches follow as two Arrow IPC streams (findings,
/// records), in the order the steps name them.
#[derive(Serialize, Deserialize)]
struct Header {
    version: String,
    tasks: Vec<TaskHeader>,
    /// State the worker's scan kept beside its tasks' results: baseline
    /// entries seen and findings matched, failed GeoIP lookups.
    baseline_seen: Vec<u64>,
    baseline_matched: u64,
    geoip_failed: Vec<(IpAddr, Option<String>)>,
}

#[derive(Serialize, Deserialize)]
struct TaskHeader {
    task: RemoteTask,
    steps: Vec<StepHeader>,
    done: Option<FileStats>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum StepHeader {
    Batch,
    Records,
    Chunk {
        steps: Vec<StepHeader>,
        done: Option<Box<FileStats>>,
    },
    MemberStart,
    MemberDone(Box<FileStats>),
}

/// The size and modification time of a file, as planned and as checked.
fn identity(path: &Path) -> std::io::Result<(bool, u64, u64)> {
    let m = std::fs::metadata(path)?;
    let mtime = m
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
    Ok((m.is_file(), m.len(), mtime))
}

/// The tasks a distributed scan of `inputs` sends to workers: those of
/// regular files, in task order. Everything else (standard input, a FIFO
/// named by the caller, files skipped or failed while listing, a name that
/// is not UTF-8, files the journal replays) stays with the client, whose
/// scan handles it as a local scan does.
pub fn plan_remote(inputs: &[Input], opts: &ScanOptions) -> Result<Vec<RemoteTask>> {
    let opts = ScanOptions {
        precomputed: None,
        ..opts.clone()
    };
    let entries = plan::enumerate(inputs, &opts)?;
    let idents = plan::journal_identities(&entries, &opts);
    let tasks = plan::plan_tasks(&entries, &idents, &opts)?;
    let mut out = Vec::new();
    for group in tasks.chunk_by(|a, b| a.file == b.file) {
        let e = &entries[group[0].file as usize];
        let Ok(Source::File {
            path,
            size,
            regular: true,
            ..
        }) = &e.source
        else {
            continue;
        };
        if path.to_str() != Some(e.display.as_str()) {
            continue;
        }
        let Ok((true, now, mtime_ns)) = identity(path) else {
            continue;
        };
        if now != *size {
            continue;
        }
        let parts = group.len() as u32;
        let mut file = Vec::new();
        for (part, t) in group.iter().enumerate() {
            let (range, start, end) = match &t.kind {
                TaskKind::Whole => (false, 0, *size),
                TaskKind::Range { start, end, .. } => (true, *start, *end),
                TaskKind::Replay(_) | TaskKind::Precomputed(_) => break,
            };
            file.push(RemoteTask {
                path: e.display.clone(),
                part: part as u32,
                parts,
                range,
                start,
                end,
                size: *size,
                mtime_ns,
            });
        }
        if file.len() == group.len() {
            out.extend(file);
        }
    }
    Ok(out)
}

/// The file of a task, checked against what the client planned.
fn worker_entry(t: &RemoteTask) -> Result<Entry> {
    let path = PathBuf::from(&t.path);
    let (regular, size, mtime) = identity(&path).map_err(|e| {
        fail(format!(
            "{}: cannot be read on this worker ({}): every worker must see the inputs at the \
             paths the client gave (a shared filesystem)",
            t.path,
            plan::describe_open_error(&path, &e)
        ))
    })?;
    if !regular || size != t.size || mtime != t.mtime_ns {
        return Err(fail(format!(
            "{}: not the file the client planned (size {} and modification time {} there, \
             {size} and {mtime} on this worker): it changed during the scan, or the worker sees \
             another file at that path",
            t.path, t.size, t.mtime_ns
        )));
    }
    let m = std::fs::metadata(&path).map_err(|e| fail(format!("{}: {e}", t.path)))?;
    Ok(Entry {
        display: t.path.clone(),
        source: Ok(plan::file_source(&path, &m)),
    })
}

/// Run the tasks `tasks` (planned by [`plan_remote`], maybe on another
/// machine) and encode what each sent its merger. Tasks of one file must
/// come in part order. Fails when a file is not the one planned, or its
/// ranges are not those planned.
pub fn run_remote(tasks: &[RemoteTask], det: &Detectors, opts: &ScanOptions) -> Result<Vec<u8>> {
    // A worker writes nothing: no journal, no records file (its rows go
    // back to the client, whose merger writes them).
    let opts = ScanOptions {
        journal: None,
        precomputed: None,
        cancel: None,
        progress: None,
        ..opts.clone()
    };
    let mut entries: Vec<Entry> = Vec::new();
    let mut files: HashMap<&str, usize> = HashMap::new();
    let mut ranges: HashMap<usize, Vec<TaskKind>> = HashMap::new();
    let mut local = Vec::with_capacity(tasks.len());
    for t in tasks {
        let file = match files.get(t.path.as_str()) {
            Some(&f) => f,
            None => {
                entries.push(worker_entry(t)?);
                files.insert(&t.path, entries.len() - 1);
                entries.len() - 1
            }
        };
        let kind = if t.range {
            if let std::collections::hash_map::Entry::Vacant(slot) = ranges.entry(file) {
                let split = plan::plan_ranges(Path::new(&t.path), t.size, &opts)
                    .map_err(|e| fail(format!("{}: {e}", t.path)))?
                    .unwrap_or_default();
                slot.insert(split);
            }
            let split = &ranges[&file];
            match split.get(t.part as usize) {
                Some(k @ TaskKind::Range { start, end, .. })
                    if split.len() == t.parts as usize && (*start, *end) == (t.start, t.end) =>
                {
                    k.clone()
                }
                _ => {
                    return Err(fail(format!(
                        "{}: the worker splits the file otherwise than the client ({} ranges \
                         here, {} planned): do they run the same options?",
                        t.path,
                        split.len(),
                        t.parts
                    )));
                }
            }
        } else {
            TaskKind::Whole
        };
        local.push(Task {
            file: file as u32,
            kind,
        });
    }
    let baseline = opts.residency.baseline.as_ref();
    let matched_before = baseline.map_or(0, |b| b.matched());
    let recorded = run_local(&entries, &local, det, &opts);
    let mut header = Header {
        version: crate::VERSION.into(),
        tasks: Vec::with_capacity(tasks.len()),
        baseline_seen: baseline.map(|b| b.seen()).unwrap_or_default(),
        baseline_matched: baseline.map_or(0, |b| b.matched() - matched_before),
        geoip_failed: (opts.residency.resolver.geoip.as_ref())
            .map(|g| g.take_failed())
            .unwrap_or_default(),
    };
    encode(tasks, recorded, &mut header)
}

/// What one task sent: its steps and counters, its findings and records.
type Recorded = (
    Vec<StepHeader>,
    Option<FileStats>,
    Vec<RecordBatch>,
    Vec<RecordBatch>,
);

/// Run tasks on this machine's threads, as a local scan does, recording
/// what they send instead of merging it.
fn run_local(
    entries: &[Entry],
    tasks: &[Task],
    det: &Detectors,
    opts: &ScanOptions,
) -> Vec<Recorded> {
    let extract = Extractor::new();
    let threads = pool::thread_count(opts, tasks);
    let handoff = Handoff::new(tasks.len(), 2 * threads + 2);
    let next = AtomicUsize::new(0);
    let pool = Pool::new();
    let map = |b: RecordBatch| b;
    let crew = Crew {
        det,
        opts,
        extract: &extract,
        map: &map,
        tasks,
        entries,
        handoff: &handoff,
        next: &next,
        pool: &pool,
        threads,
    };
    std::thread::scope(|scope| {
        for i in 0..threads {
            let crew = &crew;
            std::thread::Builder::new()
                .name(format!("borderscan-{i}"))
                .spawn_scoped(scope, move || crew.work())
                .expect("can spawn a worker thread");
        }
        // Drained in task order, as the merger does: workers run ahead of
        // it by a bounded window only.
        (0..tasks.len())
            .map(|t| {
                let rx = handoff.take(t);
                let (mut steps, mut findings, mut records) = (Vec::new(), Vec::new(), Vec::new());
                let done = drain(rx, &pool, &mut steps, &mut findings, &mut records);
                handoff.merged(t);
                (steps, done, findings, records)
            })
            .collect()
    })
}

fn drain(
    rx: Receiver<Msg<RecordBatch>>,
    pool: &Pool<RecordBatch>,
    steps: &mut Vec<StepHeader>,
    findings: &mut Vec<RecordBatch>,
    records: &mut Vec<RecordBatch>,
) -> Option<FileStats> {
    let mut done = None;
    for msg in rx.iter() {
        match msg {
            Msg::Batch(b, _) => {
                findings.push(b);
                steps.push(StepHeader::Batch);
            }
            Msg::Records(b) => {
                records.push(b);
                steps.push(StepHeader::Records);
            }
            Msg::Nested(chunk, ahead) => {
                let mut sub = Vec::new();
                let d = drain(chunk, pool, &mut sub, findings, records);
                ahead.fetch_sub(1, Ordering::AcqRel);
                pool.notify();
                steps.push(StepHeader::Chunk {
                    steps: sub,
                    done: d.map(Box::new),
                });
            }
            Msg::Done(mut o) => {
                // Country ids are this process's: named before they leave.
                o.settle();
                done = Some(o.stats);
            }
            Msg::MemberStart => steps.push(StepHeader::MemberStart),
            Msg::MemberDone(mut o) => {
                o.settle();
                steps.push(StepHeader::MemberDone(Box::new(o.stats)));
            }
        }
    }
    done
}

fn ipc(batches: &[RecordBatch]) -> Result<Vec<u8>> {
    let Some(first) = batches.first() else {
        return Ok(Vec::new());
    };
    let err = |e: arrow_schema::ArrowError| fail(format!("cannot encode results: {e}"));
    let mut w = StreamWriter::try_new(Vec::new(), &first.schema()).map_err(err)?;
    for b in batches {
        w.write(b).map_err(err)?;
    }
    w.finish().map_err(err)?;
    w.into_inner().map_err(err)
}

fn encode(tasks: &[RemoteTask], recorded: Vec<Recorded>, header: &mut Header) -> Result<Vec<u8>> {
    let (mut findings, mut records) = (Vec::new(), Vec::new());
    for (task, (steps, done, f, r)) in tasks.iter().zip(recorded) {
        findings.extend(f);
        records.extend(r);
        header.tasks.push(TaskHeader {
            task: task.clone(),
            steps,
            done,
        });
    }
    let head = serde_json::to_vec(header).map_err(|e| fail(e.to_string()))?;
    let mut out = MAGIC.to_vec();
    for part in [head, ipc(&findings)?, ipc(&records)?] {
        out.extend((part.len() as u64).to_le_bytes());
        out.extend(part);
    }
    Ok(out)
}

/// The parts of one worker's results.
fn split(blob: &[u8]) -> Result<[&[u8]; 3]> {
    let bad = || fail("results that are not a borderscan worker's (or are cut short)");
    let mut rest = blob.strip_prefix(MAGIC.as_slice()).ok_or_else(bad)?;
    let mut parts = [&[][..]; 3];
    for p in &mut parts {
        let (len, tail) = rest.split_first_chunk::<8>().ok_or_else(bad)?;
        let len = usize::try_from(u64::from_le_bytes(*len)).map_err(|_| bad())?;
        if tail.len() < len {
            return Err(bad());
        }
        (*p, rest) = tail.split_at(len);
    }
    Ok(parts)
}

fn batches(ipc: &[u8]) -> Result<std::vec::IntoIter<RecordBatch>> {
    if ipc.is_empty() {
        return Ok(Vec::new().into_iter());
    }
    let err = |e: arrow_schema::ArrowError| fail(format!("cannot decode results: {e}"));
    let r = StreamReader::try_new(Cursor::new(ipc), None).map_err(err)?;
    Ok(r.collect::<std::result::Result<Vec<_>, _>>()
        .map_err(err)?
        .into_iter())
}

fn steps(
    heads: Vec<StepHeader>,
    findings: &mut impl Iterator<Item = RecordBatch>,
    records: &mut impl Iterator<Item = RecordBatch>,
) -> Result<Vec<Step>> {
    let short = || fail("results with fewer batches than their header names");
    heads
        .into_iter()
        .map(|h| {
            Ok(match h {
                StepHeader::Batch => Step::Batch(findings.next().ok_or_else(short)?),
                StepHeader::Records => Step::Records(records.next().ok_or_else(short)?),
                StepHeader::Chunk { steps: s, done } => {
                    Step::Chunk(steps(s, findings, records)?, done)
                }
                StepHeader::MemberStart => Step::MemberStart,
                StepHeader::MemberDone(d) => Step::MemberDone(d),
            })
        })
        .collect()
}

/// One file's tasks as workers ran them.
struct RemoteFile {
    size: u64,
    mtime_ns: u64,
    parts: Vec<Option<Arc<TaskRecord>>>,
}

/// The results of a distributed scan's workers, decoded, keyed by file and
/// task: the order they arrived in does not matter.
#[derive(Default)]
pub struct Precomputed {
    files: HashMap<String, RemoteFile>,
    baseline_seen: BTreeSet<u64>,
    baseline_matched: u64,
    geoip_failed: Vec<(IpAddr, Option<String>)>,
}

impl std::fmt::Debug for Precomputed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Precomputed({} files)", self.files.len())
    }
}

impl Precomputed {
    /// Decode workers' results (what [`run_remote`] returned), in any order.
    pub fn decode<'a>(blobs: impl IntoIterator<Item = &'a [u8]>) -> Result<Self> {
        let mut out = Precomputed::default();
        for blob in blobs {
            out.add(blob)?;
        }
        Ok(out)
    }

    /// Add one worker's results.
    pub fn add(&mut self, blob: &[u8]) -> Result<()> {
        let [head, findings, records] = split(blob)?;
        let header: Header = serde_json::from_slice(head)
            .map_err(|e| fail(format!("results with an unreadable header: {e}")))?;
        if header.version != crate::VERSION {
            return Err(fail(format!(
                "a worker runs borderscan {}, the client {}: install the same wheel on both",
                header.version,
                crate::VERSION
            )));
        }
        let (mut findings, mut records) = (batches(findings)?, batches(records)?);
        self.baseline_seen.extend(header.baseline_seen);
        self.baseline_matched += header.baseline_matched;
        self.geoip_failed.extend(header.geoip_failed);
        for th in header.tasks {
            let t = th.task;
            let record = TaskRecord {
                steps: steps(th.steps, &mut findings, &mut records)?,
                done: th.done,
            };
            let file = self
                .files
                .entry(t.path.clone())
                .or_insert_with(|| RemoteFile {
                    size: t.size,
                    mtime_ns: t.mtime_ns,
                    parts: (0..t.parts).map(|_| None).collect(),
                });
            if (file.size, file.mtime_ns, file.parts.len())
                != (t.size, t.mtime_ns, t.parts as usize)
            {
                return Err(fail(format!(
                    "{}: results for two versions of the file",
                    t.path
                )));
            }
            match file.parts.get_mut(t.part as usize) {
                Some(slot @ None) => *slot = Some(Arc::new(record)),
                Some(Some(_)) => {
                    return Err(fail(format!("{}: task {} twice", t.path, t.part)));
                }
                None => return Err(fail(format!("{}: no task {}", t.path, t.part))),
            }
        }
        Ok(())
    }

    /// How many files and tasks the results hold.
    pub fn counts(&self) -> (usize, usize) {
        let tasks = self.files.values().map(|f| f.parts.len()).sum();
        (self.files.len(), tasks)
    }

    /// Give the client's scan the state the workers' scans kept: baseline
    /// matches, failed GeoIP lookups. Once per scan, before merging.
    pub(super) fn absorb_into(&self, opts: &ScanOptions) {
        if let Some(b) = &opts.residency.baseline {
            let seen: Vec<u64> = self.baseline_seen.iter().copied().collect();
            b.absorb(&seen, self.baseline_matched);
        }
        if let Some(g) = &opts.residency.resolver.geoip {
            g.absorb(&self.geoip_failed);
        }
    }

    pub(super) fn claim(&self) -> Claim<'_> {
        Claim {
            results: self,
            taken: HashSet::new(),
        }
    }
}

/// Planning with precomputed results: each file's tasks taken once, and
/// every file of the results met.
pub(super) struct Claim<'a> {
    results: &'a Precomputed,
    taken: HashSet<&'a str>,
}

impl Claim<'_> {
    /// The tasks of a listed regular file, if workers ran them; an error if
    /// the file changed since, or some of its tasks are missing.
    pub(super) fn take(&mut self, display: &str, source: &Source) -> Result<Option<Vec<TaskKind>>> {
        let Some((name, file)) = self.results.files.get_key_value(display) else {
            return Ok(None);
        };
        let Source::File { path, .. } = source else {
            return Ok(None);
        };
        self.taken.insert(name.as_str());
        let now = identity(path).ok();
        if now != Some((true, file.size, file.mtime_ns)) {
            return Err(fail(format!(
                "{display}: changed while the workers scanned it (size and modification time \
                 differ from those planned)"
            )));
        }
        file.parts
            .iter()
            .enumerate()
            .map(|(i, p)| match p {
                Some(r) => Ok(TaskKind::Precomputed(r.clone())),
                None => Err(fail(format!(
                    "{display}: no worker's results for task {i} of {}",
                    file.parts.len()
                ))),
            })
            .collect::<Result<_>>()
            .map(Some)
    }

    /// Every file of the results was listed again.
    pub(super) fn finish(self) -> Result<()> {
        let mut gone: Vec<&str> = (self.results.files.keys())
            .map(String::as_str)
            .filter(|k| !self.taken.contains(k))
            .collect();
        gone.sort_unstable();
        match gone.first() {
            None => Ok(()),
            Some(first) => Err(fail(format!(
                "{first}{}: scanned by workers, but no longer among the inputs",
                match gone.len() {
                    1 => String::new(),
                    n => format!(" and {} other file(s)", n - 1),
                }
            ))),
        }
    }
}

impl<T> Worker<'_, T> {
    /// Send again what a task sent its merger on a worker of a distributed
    /// scan, through this scan's own map (rendering runs here, as locally).
    pub(super) fn send_precomputed(&self, r: &TaskRecord, tx: &SyncSender<Msg<T>>) {
        let raw = |b: &RecordBatch| self.opts.journal.is_some().then(|| b.clone());
        let mut records = r.done.as_ref().map_or(0, |d| d.records);
        for step in &r.steps {
            let sent = match step {
                Step::Batch(b) => tx.send(Msg::Batch((self.map)(b.clone()), raw(b))),
                Step::Records(b) => tx.send(Msg::Records(b.clone())),
                Step::Chunk(steps, done) => {
                    // Unbounded, as a chunk's channel is: filled whole
                    // before the task's next message.
                    let (ctx, crx) = channel();
                    let sent = tx.send(Msg::Nested(crx, Arc::new(AtomicUsize::new(1))));
                    for s in steps {
                        let _ = ctx.send(match s {
                            Step::Batch(b) => Msg::Batch((self.map)(b.clone()), raw(b)),
                            Step::Records(b) => Msg::Records(b.clone()),
                            Step::Chunk(..) | Step::MemberStart | Step::MemberDone(_) => {
                                unreachable!("chunks are not cut further")
                            }
                        });
                    }
                    if let Some(d) = done {
                        records += d.records;
                        let _ = ctx.send(Msg::Done(Box::new(TaskOut {
                            stats: (**d).clone(),
                            ..Default::default()
                        })));
                    }
                    sent
                }
                Step::MemberStart => tx.send(Msg::MemberStart),
                Step::MemberDone(d) => {
                    records += d.records;
                    tx.send(Msg::MemberDone(Box::new(TaskOut {
                        stats: (**d).clone(),
                        ..Default::default()
                    })))
                }
            };
            if sent.is_err() {
                return;
            }
        }
        if let Some(d) = &r.done {
            Reporter::default().update(self.opts.progress.as_deref(), d.bytes, records);
            let _ = tx.send(Msg::Done(Box::new(TaskOut {
                stats: d.clone(),
                ..Default::default()
            })));
        }
    }
}
