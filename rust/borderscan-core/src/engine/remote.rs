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
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, channel};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, UNIX_EPOCH};

use arrow_array::RecordBatch;
use arrow_ipc::reader::StreamReader;
use arrow_ipc::writer::StreamWriter;
use serde::{Deserialize, Serialize};

use super::plan::{self, Entry, Input, Source, Task, TaskKind};
use super::pool::{self, Msg, Pool, TaskOut};
use super::worker::{Reporter, Worker};
use super::{Mapper, ScanOptions};
use crate::accounting::FileStats;
use crate::detect::Detectors;
use crate::error::{Error, Result};

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
    let map = |b: RecordBatch| b;
    pool::run_crew(
        det,
        opts,
        Mapper::Rows(&map),
        entries,
        tasks,
        |handoff, pool| {
            (0..tasks.len())
                .map(|t| {
                    let rx = handoff.take(t);
                    let (mut steps, mut findings, mut records) =
                        (Vec::new(), Vec::new(), Vec::new());
                    let done = drain(rx, pool, &mut steps, &mut findings, &mut records);
                    handoff.merged(t);
                    (steps, done, findings, records)
                })
                .collect()
        },
    )
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

/// One file's tasks as planned; `parts` are their slots.
struct RemoteFile {
    size: u64,
    mtime_ns: u64,
    parts: Vec<usize>,
}

/// A task's results: awaited, arrived (held, with their size, until the
/// task's turn comes), or sent on to the merger and dropped.
enum Slot {
    Awaited,
    Arrived(Box<TaskRecord>, usize),
    Sent,
}

#[derive(Default)]
struct Arrivals {
    slots: Vec<Slot>,
    /// Bytes of arrived results not yet sent on.
    held: usize,
    /// Why the rest will not come (a worker failed): the scan fails.
    failure: Option<String>,
    baseline_seen: BTreeSet<u64>,
    baseline_matched: u64,
    geoip_failed: Vec<(IpAddr, Option<String>)>,
}

/// The results of a distributed scan's workers, awaited task by task. The
/// client's scan runs while they arrive, in any order: a task's results
/// wait in memory only until the merger reaches the task, so the client
/// holds what arrived ahead of the merger (bounded by whoever adds them,
/// [`Precomputed::wait_held_below`]), never the whole scan.
pub struct Precomputed {
    files: HashMap<String, RemoteFile>,
    arrivals: Mutex<Arrivals>,
    changed: Condvar,
}

impl std::fmt::Debug for Precomputed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Precomputed({} files)", self.files.len())
    }
}

/// The size of a task's results in memory.
fn size_of(steps: &[Step]) -> usize {
    steps
        .iter()
        .map(|s| match s {
            Step::Batch(b) | Step::Records(b) => b.get_array_memory_size(),
            Step::Chunk(sub, _) => size_of(sub),
            Step::MemberStart | Step::MemberDone(_) => 0,
        })
        .sum()
}

impl Precomputed {
    /// Await the results of `tasks`, the plan ([`plan_remote`]) workers run.
    pub fn expect(tasks: &[RemoteTask]) -> Result<Self> {
        const NONE: usize = usize::MAX;
        let mut files: HashMap<String, RemoteFile> = HashMap::new();
        for (i, t) in tasks.iter().enumerate() {
            let file = files.entry(t.path.clone()).or_insert_with(|| RemoteFile {
                size: t.size,
                mtime_ns: t.mtime_ns,
                parts: vec![NONE; t.parts as usize],
            });
            if (file.size, file.mtime_ns, file.parts.len())
                != (t.size, t.mtime_ns, t.parts as usize)
            {
                return Err(fail(format!(
                    "{}: two versions of the file planned",
                    t.path
                )));
            }
            match file.parts.get_mut(t.part as usize) {
                Some(slot) if *slot == NONE => *slot = i,
                Some(_) => return Err(fail(format!("{}: task {} planned twice", t.path, t.part))),
                None => return Err(fail(format!("{}: no task {}", t.path, t.part))),
            }
        }
        let mut short: Vec<&str> = (files.iter())
            .filter(|(_, f)| f.parts.contains(&NONE))
            .map(|(p, _)| p.as_str())
            .collect();
        short.sort_unstable();
        if let Some(p) = short.first() {
            return Err(fail(format!("{p}: some of its tasks are not in the plan")));
        }
        Ok(Precomputed {
            files,
            arrivals: Mutex::new(Arrivals {
                slots: (0..tasks.len()).map(|_| Slot::Awaited).collect(),
                ..Default::default()
            }),
            changed: Condvar::new(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Arrivals> {
        self.arrivals.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Add one worker's results (what [`run_remote`] returned).
    pub fn add(&self, blob: &[u8]) -> Result<()> {
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
        let mut arrived = Vec::with_capacity(header.tasks.len());
        for th in header.tasks {
            let t = th.task;
            let slot = (self.files.get(&t.path))
                .filter(|f| {
                    (f.size, f.mtime_ns, f.parts.len()) == (t.size, t.mtime_ns, t.parts as usize)
                })
                .and_then(|f| f.parts.get(t.part as usize).copied())
                .ok_or_else(|| {
                    fail(format!(
                        "{}: results for task {} that was not planned",
                        t.path, t.part
                    ))
                })?;
            let steps = steps(th.steps, &mut findings, &mut records)?;
            let size = size_of(&steps);
            arrived.push((
                slot,
                t,
                TaskRecord {
                    steps,
                    done: th.done,
                },
                size,
            ));
        }
        let mut a = self.lock();
        for (slot, t, record, size) in arrived {
            if !matches!(a.slots[slot], Slot::Awaited) {
                return Err(fail(format!("{}: task {} twice", t.path, t.part)));
            }
            a.slots[slot] = Slot::Arrived(Box::new(record), size);
            a.held += size;
        }
        a.baseline_seen.extend(header.baseline_seen);
        a.baseline_matched += header.baseline_matched;
        a.geoip_failed.extend(header.geoip_failed);
        drop(a);
        self.changed.notify_all();
        Ok(())
    }

    /// The rest of the results will not come: the scan fails with `message`
    /// (the first one given).
    pub fn fail(&self, message: String) {
        self.lock().failure.get_or_insert(message);
        self.changed.notify_all();
    }

    /// Why the results will not all come, if they will not.
    pub fn failure(&self) -> Option<String> {
        self.lock().failure.clone()
    }

    /// Wait up to `timeout` until fewer than `bytes` of arrived results
    /// wait for their tasks' turn (or the scan failed); whether they do.
    /// Whoever adds results calls this first, so the client never holds
    /// much more than `bytes` ahead of its merger.
    pub fn wait_held_below(&self, bytes: usize, timeout: Duration) -> bool {
        let a = self.lock();
        let (a, _) = (self.changed)
            .wait_timeout_while(a, timeout, |a| a.held >= bytes && a.failure.is_none())
            .unwrap_or_else(PoisonError::into_inner);
        a.held < bytes || a.failure.is_some()
    }

    /// Bytes of arrived results waiting for their tasks' turn.
    pub fn held(&self) -> usize {
        self.lock().held
    }

    /// The results of the task in `slot`, once they arrive; `None` when the
    /// scan failed or `stop()` (checked while waiting) says to give up.
    pub(super) fn take(&self, slot: usize, stop: impl Fn() -> bool) -> Option<TaskRecord> {
        let mut a = self.lock();
        loop {
            if a.failure.is_some() || stop() {
                return None;
            }
            if let Slot::Arrived(..) = a.slots[slot] {
                let Slot::Arrived(record, size) = std::mem::replace(&mut a.slots[slot], Slot::Sent)
                else {
                    unreachable!("just matched");
                };
                a.held -= size;
                drop(a);
                self.changed.notify_all();
                return Some(*record);
            }
            // Woken by arrivals; the timeout is for `stop`, which no
            // arrival signals.
            a = (self.changed)
                .wait_timeout(a, Duration::from_millis(50))
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// How many files and tasks the results are for.
    pub fn counts(&self) -> (usize, usize) {
        let tasks = self.files.values().map(|f| f.parts.len()).sum();
        (self.files.len(), tasks)
    }

    /// Give the client's scan the state the workers' scans kept: baseline
    /// matches, failed GeoIP lookups. Once per scan, after merging (when
    /// every result has arrived).
    pub(super) fn absorb_into(&self, opts: &ScanOptions) {
        let a = self.lock();
        if let Some(b) = &opts.residency.baseline {
            let seen: Vec<u64> = a.baseline_seen.iter().copied().collect();
            b.absorb(&seen, a.baseline_matched);
        }
        if let Some(g) = &opts.residency.resolver.geoip {
            g.absorb(&a.geoip_failed);
        }
    }

    pub(super) fn claim(&self) -> Claim<'_> {
        Claim {
            results: self,
            taken: HashSet::new(),
        }
    }
}

/// Planning with a distributed scan's results: each file's tasks taken
/// once, and every planned file met.
pub(super) struct Claim<'a> {
    results: &'a Precomputed,
    taken: HashSet<&'a str>,
}

impl Claim<'_> {
    /// The tasks of a listed regular file, if workers run them; an error if
    /// the file changed since it was planned.
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
        Ok(Some(
            file.parts
                .iter()
                .map(|&s| TaskKind::Precomputed(s))
                .collect(),
        ))
    }

    /// Every planned file was listed again.
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
                Step::Batch(b) => tx.send(Msg::Batch(self.map.whole(b.clone()), raw(b))),
                Step::Records(b) => tx.send(Msg::Records(b.clone())),
                Step::Chunk(steps, done) => {
                    // Unbounded, as a chunk's channel is: filled whole
                    // before the task's next message.
                    let (ctx, crx) = channel();
                    let sent = tx.send(Msg::Nested(crx, Arc::new(AtomicUsize::new(1))));
                    for s in steps {
                        let _ = ctx.send(match s {
                            Step::Batch(b) => Msg::Batch(self.map.whole(b.clone()), raw(b)),
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
