//! The thread pool: workers claim tasks in order and hand each task's
//! receiver to the merger ([`Handoff`]); compressed streams and standard
//! input are cut into chunks that any idle worker scans ([`Pool`]).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, SyncSender, sync_channel};
use std::sync::{Arc, Condvar, Mutex};

use arrow_array::RecordBatch;
use rustc_hash::FxHashMap;

use super::plan::{Entry, Task, TaskKind};
use super::worker::Worker;
use super::{Mapper, ScanOptions};
use crate::accounting::{FileStats, add_flow};
use crate::batch::BatchBuilder;
use crate::country::{CountryId, countries};
use crate::detect::{Detectors, Scratch};
use crate::formats::{Format, Header, OtlpRecords, RecordBuf};
use crate::residency;
use crate::resolve::{Extractor, Found, Placement};
use crate::summary::Tally;

/// Batches a task may have waiting for the merger: about one range's worth.
pub(super) const TASK_CHANNEL: usize = 4;

#[derive(Default)]
pub(super) struct TaskOut {
    pub(super) stats: FileStats,
    pub(super) cancelled: bool,
    /// Records by (origin, destination) country: (records, classified);
    /// keyed by ids while scanning, named when folded into `stats`.
    pub(super) flows: FxHashMap<(CountryId, CountryId), (u64, u64)>,
    /// Records by the step that found their destination and their origin,
    /// indexed by `Found as usize`.
    pub(super) dest_found: [u64; Found::ALL.len()],
    pub(super) origin_found: [u64; Found::ALL.len()],
    /// For a zip read from its file through the central directory: the
    /// furthest byte read (the stream counter saw only its head).
    pub(super) zip_read: Option<u64>,
}

impl TaskOut {
    /// Move the counters kept by id while scanning into `stats`, by name:
    /// what the merger folds, and what a worker of a distributed scan sends
    /// (country ids are this process's, names are everyone's).
    pub(super) fn settle(&mut self) {
        let c = countries();
        for ((oc, dc), (n, k)) in self.flows.drain() {
            add_flow(
                &mut self.stats.records_by_flow,
                c.code(oc),
                c.code(dc),
                n,
                k,
            );
        }
        for (counts, map) in [
            (&mut self.dest_found, &mut self.stats.dest_found),
            (&mut self.origin_found, &mut self.stats.origin_found),
        ] {
            for (found, n) in Found::ALL.iter().zip(counts.iter_mut()) {
                if *n > 0 {
                    *map.entry(found.as_str().to_string()).or_default() += *n;
                }
                *n = 0;
            }
        }
    }
}

/// What a task sends to the merger, in order: batches (as the caller's
/// worker-side map made them), then its counters.
pub(super) enum Msg<T> {
    /// A batch as mapped, with the batch itself when a journal records it.
    Batch(T, Option<RecordBatch>),
    /// Rows of the records table (`--records`).
    Records(RecordBatch),
    /// A chunk of a stream cut by this task's worker and scanned by any
    /// worker: its batches and counters arrive on the receiver; the counter
    /// is the task's chunks not yet merged (the merger decrements it).
    Nested(Receiver<Msg<T>>, Arc<AtomicUsize>),
    /// An archive member begins: what follows up to its [`Msg::MemberDone`]
    /// (batches, chunks, nested members) is the member's.
    MemberStart,
    /// The member's own counters, after everything it sent.
    MemberDone(Box<TaskOut>),
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
pub(super) struct Handoff<T> {
    pub(super) state: Mutex<HandoffState<T>>,
    pub(super) ready: std::sync::Condvar,
    pub(super) window: usize,
}

pub(super) struct HandoffState<T> {
    pub(super) slots: Vec<Option<Receiver<Msg<T>>>>,
    /// Tasks the merger has finished with.
    pub(super) merged: usize,
    /// Set when the merger stops early; waiting workers give up.
    pub(super) closed: bool,
}

impl<T> Handoff<T> {
    pub(super) fn new(n: usize, window: usize) -> Self {
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
    pub(super) fn put(&self, t: usize, rx: Receiver<Msg<T>>) -> bool {
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
    pub(super) fn take(&self, t: usize) -> Receiver<Msg<T>> {
        let mut st = self.state.lock().expect("not poisoned");
        loop {
            if let Some(rx) = st.slots[t].take() {
                return rx;
            }
            st = self.ready.wait(st).expect("not poisoned");
        }
    }

    /// The merger is done with task `t`.
    pub(super) fn merged(&self, t: usize) {
        self.state.lock().expect("not poisoned").merged = t + 1;
        self.ready.notify_all();
    }

    /// The merger stopped early: wake waiting workers, and drop the
    /// receivers so workers blocked sending to them stop too.
    pub(super) fn close(&self) {
        let mut st = self.state.lock().expect("not poisoned");
        st.closed = true;
        st.slots.iter_mut().for_each(|s| *s = None);
        drop(st);
        self.ready.notify_all();
    }
}

/// Where a worker sends: a task's bounded channel, or a chunk's unbounded
/// one (a chunk never blocks its worker: see [`Pool`]).
pub(super) enum Tx<T> {
    Task(SyncSender<Msg<T>>),
    Chunk(Sender<Msg<T>>),
}

impl<T> Tx<T> {
    pub(super) fn send(&self, m: Msg<T>) -> bool {
        match self {
            Tx::Task(t) => t.send(m).is_ok(),
            Tx::Chunk(t) => t.send(m).is_ok(),
        }
    }

    /// Send without blocking: `Err(Some(m))` when a task's channel is
    /// full, `Err(None)` when the receiver is gone.
    pub(super) fn try_send(&self, m: Msg<T>) -> Result<(), Option<Msg<T>>> {
        match self {
            Tx::Task(t) => t.try_send(m).map_err(|e| match e {
                std::sync::mpsc::TrySendError::Full(m) => Some(m),
                std::sync::mpsc::TrySendError::Disconnected(_) => None,
            }),
            Tx::Chunk(t) => t.send(m).map_err(|_| None),
        }
    }
}

/// A piece of a compressed stream (or of standard input), cut at line ends
/// by the worker of its task and scanned by whichever worker is free, so
/// one compressed file keeps every core busy. Lines keep their stream
/// offsets; line numbers count from the chunk's start (the merger adds the
/// lines before it, as for ranges).
pub(super) struct Chunk<T> {
    pub(super) path: String,
    pub(super) data: Vec<u8>,
    pub(super) lines: Vec<ChunkLine>,
    pub(super) format: Format,
    pub(super) header: Arc<Header>,
    pub(super) read_header: bool,
    pub(super) tx: Sender<Msg<T>>,
}

/// A line of a chunk: (start, end) in its data, stream offset, whether it
/// was cut to the maximum length.
pub(super) type ChunkLine = (u32, u32, u64, bool);

/// Decompressed bytes per chunk.
pub(super) const CHUNK_BYTES: usize = 2 << 20;
/// Chunks of one task not yet merged: bounds memory per producing task.
pub(super) const CHUNKS_AHEAD: usize = TASK_CHANNEL;

/// The queue of chunks, shared by all workers.
///
/// Deadlock freedom: a chunk's channel is unbounded, so running a chunk
/// never blocks; a task's worker waits for its budget (`CHUNKS_AHEAD`)
/// only when no chunk is queued, and otherwise runs queued chunks itself;
/// idle workers run chunks until no task is running. So every queued chunk
/// is eventually run, and the merger, which drains tasks and chunks in
/// order, always progresses.
pub(super) struct Pool<T> {
    pub(super) state: Mutex<PoolState<T>>,
    pub(super) ready: Condvar,
}

pub(super) struct PoolState<T> {
    pub(super) queue: VecDeque<Chunk<T>>,
    /// Tasks claimed by a worker and not finished.
    pub(super) running: usize,
    pub(super) closed: bool,
}

impl<T> Pool<T> {
    pub(super) fn new() -> Self {
        Pool {
            state: Mutex::new(PoolState {
                queue: VecDeque::new(),
                running: 0,
                closed: false,
            }),
            ready: Condvar::new(),
        }
    }

    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, PoolState<T>> {
        self.state.lock().expect("not poisoned")
    }

    pub(super) fn pop(&self) -> Option<Chunk<T>> {
        self.lock().queue.pop_front()
    }

    pub(super) fn push(&self, c: Chunk<T>) {
        self.lock().queue.push_back(c);
        self.ready.notify_all();
    }

    pub(super) fn task_started(&self) {
        self.lock().running += 1;
    }

    pub(super) fn task_done(&self) {
        self.lock().running -= 1;
        self.ready.notify_all();
    }

    /// Wake waiters to look again (a chunk was merged).
    pub(super) fn notify(&self) {
        let _st = self.lock();
        self.ready.notify_all();
    }

    /// The merger stopped: drop queued chunks (their receivers see the end)
    /// and wake everyone.
    pub(super) fn close(&self) {
        let mut st = self.lock();
        st.closed = true;
        st.queue.clear();
        drop(st);
        self.ready.notify_all();
    }
}

/// Worker threads for a scan: one per core unless told.
pub(super) fn thread_count(opts: &ScanOptions, tasks: &[Task]) -> usize {
    if opts.config.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        opts.config.threads
    }
    // Capped by the tasks, unless one may be a compressed stream: its
    // chunks keep every worker busy.
    .min(if tasks.iter().any(|t| matches!(t.kind, TaskKind::Whole)) {
        usize::MAX
    } else {
        tasks.len().max(1)
    })
}

/// Run `tasks` on a crew of worker threads (`borderscan-N`) while `drain`,
/// on this thread, takes each task's channel from the handoff in task
/// order. A local scan drains into the merger, a distributed scan's worker
/// into its recorder; both run their tasks here.
pub(super) fn run_crew<T: Send, R>(
    det: &Detectors,
    opts: &ScanOptions,
    map: Mapper<'_, T>,
    entries: &[Entry],
    tasks: &[Task],
    drain: impl FnOnce(&Handoff<T>, &Pool<T>) -> R,
) -> R {
    let extract = Extractor::new();
    let threads = thread_count(opts, tasks);
    // One small bounded channel per task, made when a worker starts it: the
    // drain takes them in task order, so output order never depends on
    // which worker finishes first; workers run ahead of it by a bounded
    // window only.
    let handoff = Handoff::new(tasks.len(), 2 * threads + 2);
    let next = AtomicUsize::new(0);
    let pool = Pool::new();
    let crew = Crew {
        det,
        opts,
        extract: &extract,
        map,
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
        drain(&handoff, &pool)
    })
}

/// What every worker thread of one scan shares.
pub(super) struct Crew<'a, T> {
    pub(super) det: &'a Detectors,
    pub(super) opts: &'a ScanOptions,
    pub(super) extract: &'a Extractor,
    pub(super) map: Mapper<'a, T>,
    pub(super) tasks: &'a [Task],
    pub(super) entries: &'a [Entry],
    pub(super) handoff: &'a Handoff<T>,
    /// The next task to claim: workers start tasks in order.
    pub(super) next: &'a AtomicUsize,
    pub(super) pool: &'a Pool<T>,
    pub(super) threads: usize,
}

impl<T> Crew<'_, T> {
    /// One worker thread: claim tasks in order and run them, scanning
    /// queued chunks in between and, once no task is left, until none runs.
    pub(super) fn work(&self) {
        let Crew {
            det,
            opts,
            extract,
            map,
            tasks,
            entries,
            handoff,
            next,
            pool,
            threads,
        } = *self;
        let fresh = || Worker {
            det,
            opts,
            extract,
            scratch: Scratch::with_roles(&opts.config.dest_fields, &opts.config.origin_fields),
            rec: RecordBuf::default(),
            otlp: OtlpRecords::default(),
            hits: Vec::new(),
            batch: BatchBuilder::new(det, &opts.residency),
            // Counted on the worker unless a journal keeps every row.
            tally: match map {
                Mapper::Counted(..) if opts.journal.is_none() => Some(Box::new(Tally::new(det))),
                _ => None,
            },
            records: opts.config.records.is_some().then(Box::default),
            record_rules: Vec::new(),
            place: Placement::default(),
            dest: String::new(),
            shown: Default::default(),
            field: String::new(),
            cache: residency::Cache::default(),
            tx: None,
            map,
            pool,
            chunking: threads > 1,
            nest: Default::default(),
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
    }
}

/// Run a chunk; a panic leaves its channel without counters (the merger
/// reports the input as failed) and the worker goes on afresh.
pub(super) fn run_chunk_guarded<'a, T>(
    w: &mut Worker<'a, T>,
    c: Chunk<T>,
    fresh: &impl Fn() -> Worker<'a, T>,
) {
    let run = std::panic::AssertUnwindSafe(|| w.run_chunk(c));
    if std::panic::catch_unwind(run).is_err() {
        *w = fresh();
    }
}
