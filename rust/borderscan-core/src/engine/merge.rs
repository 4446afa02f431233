//! The merger: drains the task channels in task order, so output never
//! depends on which worker finishes first; folds each task's counters into
//! its file's (shifting the line numbers of later ranges and chunks), hands
//! batches to the sink, and records finished files in the journal.

use std::sync::atomic::Ordering;

use arrow_array::RecordBatch;

use super::ScanOptions;
use super::plan::{Entry, Task, TaskKind};
use super::pool::{Handoff, Msg, Pool, TaskOut};
use crate::accounting::{Accounting, FileStats};
use crate::batch::shift_lines;
use crate::error::{Error, Result};
use crate::journal::{self, Identity};
use crate::records::RecordsFile;

/// Write a batch, its lines shifted to their place in the file, to the
/// journal's recording of the file being merged.
pub(super) fn record(
    recording: &mut Option<(usize, journal::Recording, bool)>,
    raw: Option<RecordBatch>,
    base: u64,
) -> Result<()> {
    if let (Some(raw), Some((_, r, _))) = (raw, recording.as_mut()) {
        r.write(&shift_lines(raw, base))?;
    }
    Ok(())
}

fn write_records(records: &mut Option<RecordsFile>, b: RecordBatch, base: u64) -> Result<()> {
    match records {
        Some(r) => r.write(b, base),
        None => Ok(()),
    }
}

/// Drain the task channels in order; line numbers of later ranges of a file
/// are shifted by the lines of the ranges before them.
#[allow(clippy::too_many_arguments)]
pub(super) fn merge<T>(
    entries: &[Entry],
    tasks: &[Task],
    handoff: &Handoff<T>,
    pool: &Pool<T>,
    idents: &[Option<Identity>],
    opts: &ScanOptions,
    sink: &mut impl FnMut(T, u64) -> Result<()>,
) -> Result<(Vec<String>, Accounting)> {
    // Removes its temporary file if the scan stops before the end.
    let mut records = match &opts.config.records {
        Some(path) => Some(RecordsFile::create(path)?),
        None => None,
    };
    // The file being recorded in the journal (one at a time: files are
    // merged in order) and whether any of its tasks was cancelled.
    let mut recording: Option<(usize, journal::Recording, bool)> = None;
    let schema = crate::batch::findings_schema();
    let mut per_file: Vec<Option<FileStats>> = vec![None; entries.len()];
    // Each input's archive members, in archive order (pre-order when
    // nested): a slot is made when a member starts, filled as it is merged.
    let mut members: Vec<Vec<Option<FileStats>>> = vec![Vec::new(); entries.len()];
    let mut cancelled = false;
    let mut resumed = 0u64;
    // Fold a task's (or chunk's) counters into its file's, shifting the
    // lines it reports by `base`, the lines of the file before it.
    let fold = |slot: &mut Option<FileStats>, mut o: TaskOut, base: u64| {
        o.settle();
        if base > 0 {
            for r in o.stats.unparseable_reasons.values_mut() {
                for l in &mut r.first {
                    l.line += base;
                }
            }
            for l in &mut o.stats.no_destination.first {
                l.line += base;
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
        ..Default::default()
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
        // Members being merged, innermost last (indices into
        // `members[file]`): what arrives is counted into the innermost.
        let mut open: Vec<usize> = Vec::new();
        for msg in rx.iter() {
            let target = match open.last() {
                Some(&i) => &mut members[file][i],
                None => &mut per_file[file],
            };
            // Lines of a member count from its own start.
            let base = match open.last() {
                Some(_) => target.as_ref().map_or(0, |s| s.lines),
                None => base,
            };
            match msg {
                Msg::Batch(b, raw) => {
                    record(&mut recording, raw, base)?;
                    sink(b, base)?
                }
                Msg::Records(b) => write_records(&mut records, b, base)?,
                Msg::Done(o) => done = Some(*o),
                Msg::MemberStart => {
                    members[file].push(None);
                    open.push(members[file].len() - 1);
                }
                Msg::MemberDone(o) => {
                    let i = open.pop().expect("a member ends after it starts");
                    let c = fold(&mut members[file][i], *o, 0);
                    cancelled |= c;
                    if let Some(r) = recording.as_mut().filter(|r| r.0 == file) {
                        r.2 |= c;
                    }
                }
                Msg::Nested(chunk, ahead) => {
                    let base = target.as_ref().map_or(0, |s| s.lines);
                    let mut chunk_done = None;
                    for m in chunk.iter() {
                        match m {
                            Msg::Batch(b, raw) => {
                                record(&mut recording, raw, base)?;
                                sink(b, base)?
                            }
                            Msg::Records(b) => write_records(&mut records, b, base)?,
                            Msg::Done(o) => chunk_done = Some(*o),
                            Msg::Nested(..) | Msg::MemberStart | Msg::MemberDone(_) => {
                                unreachable!("chunks are not cut further")
                            }
                        }
                    }
                    ahead.fetch_sub(1, Ordering::AcqRel);
                    pool.notify();
                    let o = chunk_done.unwrap_or_else(|| died(file));
                    let c = fold(target, o, base);
                    cancelled |= c;
                    if let Some(r) = recording.as_mut().filter(|r| r.0 == file) {
                        r.2 |= c;
                    }
                }
            }
        }
        // The worker died inside members: they failed with it.
        for i in open {
            let slot = &mut members[file][i];
            let mut s = slot.take().unwrap_or_else(|| died(file).stats);
            s.failed_files = 1;
            s.error = died(file).stats.error;
            *slot = Some(s);
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
            let inner: Vec<FileStats> = members[f].iter().flatten().cloned().collect();
            // A failed member is scanned again on resume, with its archive.
            let whole = [stats].into_iter().chain(&inner);
            let bad = whole
                .clone()
                .any(|s| s.failed_files > 0 || !s.imbalances().is_empty());
            if !(stopped || c || bad)
                && let (Some(j), Some(id)) = (&opts.journal, idents[f])
            {
                j.finish(r, &schema, &entries[f].display, id, stats, &inner)?;
            }
        }
    }
    if cancelled {
        return Err(Error::Cancelled);
    }
    let files: Vec<String> = entries.iter().map(|e| e.display.clone()).collect();
    // A file that failed (unreadable, corrupt, replaced, a bomb) skipped
    // the rest it did not read, whatever stage it failed at; and a bug that
    // lost input must not pass as a clean scan.
    let settle = |mut s: FileStats| {
        if s.failed_files > 0 {
            s.bytes_skipped = s.bytes.saturating_sub(s.bytes_read);
        }
        let off = s.imbalances();
        if !off.is_empty() && s.error.is_none() {
            s.failed_files = 1;
            s.error = Some(format!(
                "internal error: the accounting does not add up ({})",
                off.join("; ")
            ));
        }
        s
    };
    let mut all = Vec::with_capacity(per_file.len());
    for ((s, name), inner) in per_file.into_iter().zip(&files).zip(members) {
        all.push(settle(s.unwrap_or_else(|| FileStats {
            path: name.clone(),
            ..Default::default()
        })));
        // Its members right after it; a slot never filled cannot be (a
        // member starts and ends in one channel).
        all.extend(inner.into_iter().flatten().map(settle));
    }
    let per_file = all;
    let mut acc = Accounting::from_files(per_file);
    acc.resumed_files = resumed;
    if let Some(j) = &opts.journal {
        acc.journal_rejected = j.take_rejected();
    }
    if let Some(g) = &opts.residency.resolver.geoip {
        acc.geoip_errors = g.take_errors();
    }
    if let Some(file) = records {
        file.finish()?;
    }
    Ok((files, acc))
}
