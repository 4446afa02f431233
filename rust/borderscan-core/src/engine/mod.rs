//! The scan engine, one room per stage. Data flows through it in this
//! order ([`scan_stream_mapped`] shows it in one screen):
//!
//! 1. [`plan`]: the caller's inputs become files (directories walked in a
//!    deterministic order) and each file becomes tasks: the whole file,
//!    newline-aligned ranges of a large plain file, or a journal replay;
//! 2. [`pool`]: worker threads claim tasks in order, and hand the merger
//!    each task's channel; compressed streams are cut into chunks any idle
//!    worker scans;
//! 3. [`worker`]: a worker opens and decodes its input and reads lines;
//!    an archive's members are read one after another as streams of their
//!    own ([`archives`]), each an entry of the accounting;
//! 4. [`pipeline`]: each line goes through the per-record chain (parse,
//!    detect, extract, resolve, decide, batch);
//! 5. [`merge`]: batches and counters are merged in input order, so output
//!    never depends on timing, and finished files are journaled.
//!
//! What callers set and get back lives in [`options`] and [`output`].

mod archives;
mod merge;
mod options;
mod output;
mod pipeline;
mod plan;
mod pool;
mod remote;
mod worker;

use arrow_array::RecordBatch;

use crate::accounting::Accounting;
use crate::batch::{Selection, shift_lines};
use crate::detect::Detectors;
use crate::error::Result;
use crate::summary::Summary;
use merge::merge;

pub use options::{Progress, ScanOptions};
pub use output::{Finding, ScanOutput};
pub use plan::Input;
pub use remote::{Precomputed, RemoteTask, plan_remote, run_remote};

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
    sink: impl FnMut(T, u64) -> Result<()>,
) -> Result<(Vec<String>, Accounting)> {
    scan_with(inputs, det, opts, Mapper::Rows(map), sink)
}

/// [`scan_stream_mapped`] for a caller that wants the summary of every
/// finding and the rows of only those `selection` keeps (none with `None`:
/// a summary-only output): each worker counts its findings itself
/// ([`crate::summary::Tally`]) and builds rows only for the kept ones, and
/// `map` gets each batch of kept rows (possibly empty) with the summary of
/// every finding since the worker's previous call. Summaries and kept rows
/// are those [`Summary::add`] and [`Selection::apply`] make of the whole
/// batches. A journaled scan, which keeps every row, counts from its
/// batches.
pub fn scan_stream_counted<T: Send>(
    inputs: &[Input],
    det: &Detectors,
    opts: &ScanOptions,
    selection: Option<Selection>,
    map: &(dyn Fn(RecordBatch, Summary) -> T + Sync),
    sink: impl FnMut(T, u64) -> Result<()>,
) -> Result<(Vec<String>, Accounting)> {
    scan_with(inputs, det, opts, Mapper::Counted(selection, map), sink)
}

/// How workers hand their findings to the caller's step, on the worker.
pub(crate) enum Mapper<'a, T> {
    /// Every finding's row, batch by batch.
    Rows(&'a (dyn Fn(RecordBatch) -> T + Sync)),
    /// The rows a selection keeps (none without one), with the summary of
    /// every finding.
    Counted(
        Option<Selection>,
        &'a (dyn Fn(RecordBatch, Summary) -> T + Sync),
    ),
}

impl<T> Clone for Mapper<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Mapper<'_, T> {}

impl<T> Mapper<'_, T> {
    /// A whole batch of findings rows (a journal's, another machine's, or
    /// a worker's that counts from its batches) mapped.
    pub(crate) fn whole(self, b: RecordBatch) -> T {
        match self {
            Mapper::Rows(f) => f(b),
            Mapper::Counted(selection, f) => {
                let mut summary = Summary::default();
                summary.add(&b);
                let kept = match selection {
                    Some(s) => s.apply(b),
                    None => b.slice(0, 0),
                };
                f(kept, summary)
            }
        }
    }
}

fn scan_with<T: Send>(
    inputs: &[Input],
    det: &Detectors,
    opts: &ScanOptions,
    map: Mapper<'_, T>,
    mut sink: impl FnMut(T, u64) -> Result<()>,
) -> Result<(Vec<String>, Accounting)> {
    let entries = plan::enumerate(inputs, opts)?;
    let idents = plan::journal_identities(&entries, opts);
    let tasks = plan::plan_tasks(&entries, &idents, opts)?;
    let merged = pool::run_crew(det, opts, map, &entries, &tasks, |handoff, pool| {
        let result = merge(&entries, &tasks, handoff, pool, &idents, opts, &mut sink);
        if result.is_err() {
            // Unblock and stop the workers: their sends now fail and no
            // further task starts.
            handoff.close();
            pool.close();
        }
        result
    });
    if let Some(p) = &opts.precomputed {
        // A distributed scan whose workers' results did not all come
        // fails as a whole, whatever the merger made of the files.
        if let Some(why) = p.failure() {
            return Err(crate::error::Error::Distributed(why));
        }
        p.absorb_into(opts);
    }
    merged
}
