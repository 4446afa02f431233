//! Archives in the engine: a tar or zip found by a worker's sniffing is
//! read member by member ([`crate::archive`]), and each member is scanned
//! as a whole stream of its own, through the same decompression, sniffing
//! and line reading as a file ([`Worker::scan_whole`]), under the path
//! `archive!member`. A member that is itself an archive is read the same
//! way, one level deeper.
//!
//! Each member is an entry of the accounting: the worker sends
//! [`Msg::MemberStart`], the member's batches and chunks, then
//! [`Msg::MemberDone`] with its counters, all in the task's channel, so the
//! merger keeps them in archive order whatever the thread count.
//!
//! Limits (options of [`crate::ScanConfig`]), each stopping with an error
//! that names it, on the entry it stopped, never a silent skip:
//! - `max_archive_depth`: an archive nested deeper is not opened;
//! - `max_archive_members`: members of one input, every depth;
//! - `max_archive_bytes`: bytes read out of one input's members (as
//!   extracted, every depth);
//! - `max_archive_buffer`: a zip that must be read from memory;
//! - and `max_expansion` applies to each compressed member (a zip member's
//!   deflate data; a `.gz` member) as to a compressed file.

use std::io::{self, Cursor, Read};
use std::ops::ControlFlow;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::plan::open_listed;
use super::pool::{Msg, TaskOut};
use super::worker::{Lines, Place, Reporter, Worker};
use crate::accounting::FileStats;
use crate::archive::{self, ArchiveKind, HighWater, Member, MemberKind, Zip};
use crate::input::{ExpansionGuard, LineReader};

/// Begins the error of every archive limit: such errors pass through the
/// wrapping of decompression errors unchanged, as a bomb's do.
pub(super) const LIMIT: &str = "archive limit";

/// One input's archives, all depths: what the limits count.
#[derive(Default)]
pub(super) struct Nest {
    /// Members listed so far.
    members: u64,
    /// Bytes read out of members so far (every depth).
    expanded: Arc<AtomicU64>,
    /// A limit of the whole input was reached: every archive being read
    /// stops, with this error.
    stop: Option<String>,
}

/// A member's content as its archive yields it: never more than its
/// size, and counted into the input's expanded bytes, past whose limit it
/// stops (checked before each read, so what was read is scanned).
struct MemberReader<'a> {
    inner: &'a mut dyn Read,
    expanded: Arc<AtomicU64>,
    limit: u64,
}

impl Read for MemberReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.expanded.load(Ordering::Relaxed) > self.limit {
            return Err(io::Error::new(
                io::ErrorKind::FileTooLarge,
                bytes_limit(self.limit),
            ));
        }
        let n = self.inner.read(buf)?;
        self.expanded.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

fn bytes_limit(limit: u64) -> String {
    format!(
        "{LIMIT}: this input's archive members expanded past --max-archive-bytes {limit} \
         (an archive bomb?); stopped there"
    )
}

impl<T> Worker<'_, T> {
    /// A new input: its archives' limits start afresh.
    pub(super) fn start_input(&mut self) {
        self.nest = Nest::default();
    }

    /// Read the archive whose head `lr` has sniffed, member by member. The
    /// archive's own entry (`out`) gets no lines: its members have them.
    pub(super) fn scan_archive<R: Read>(
        &mut self,
        kind: ArchiveKind,
        lr: LineReader<R>,
        lines: &Lines,
        out: &mut TaskOut,
    ) -> std::result::Result<(), String> {
        out.stats.archive = Some(kind.as_str().into());
        let depth = lines.place.depth;
        let max_depth = self.opts.config.max_archive_depth;
        if depth >= max_depth {
            return Err(if depth == 0 {
                format!(
                    "{LIMIT}: a {} archive, not opened (--max-archive-depth 0)",
                    kind.as_str()
                )
            } else {
                format!(
                    "{LIMIT}: a {} archive inside {depth} archive(s), deeper than \
                     --max-archive-depth {max_depth}: its members were not read",
                    kind.as_str()
                )
            });
        }
        let parent = out.stats.path.clone();
        // Progress counts the input's stored bytes, reported by its
        // outermost archive after each member (members report records).
        let mut watched = lines.stored.clone().unwrap_or_default();
        let mut reporter = Reporter::default();
        let result = match kind {
            ArchiveKind::Tar => {
                let mut rest = lr.into_unread();
                let res = archive::each_tar_member(&mut rest, &mut |m| {
                    self.member(m, &parent, depth, out, &watched, &mut reporter)
                });
                match res {
                    Err(e) => Err(format!("the tar archive is corrupt or truncated: {e}")),
                    // The rest (the end blocks and the record padding) is
                    // part of the input: read, so it is counted read.
                    Ok(()) if self.nest.stop.is_none() && !out.cancelled => {
                        io::copy(&mut rest, &mut io::sink())
                            .map(|_| ())
                            .map_err(|e| format!("after the tar archive's end: {e}"))
                    }
                    Ok(()) => Ok(()),
                }
            }
            ArchiveKind::Zip => match lines.place.disk {
                Some((path, id)) => {
                    // The file itself, through its central directory.
                    drop(lr);
                    let high = Arc::new(AtomicU64::new(0));
                    watched = high.clone();
                    let res = open_listed(path, id).and_then(|f| {
                        let mut z = Zip::open(HighWater::new(f, high.clone()))?;
                        z.each_member(&mut |m| {
                            self.member(m, &parent, depth, out, &watched, &mut reporter)
                        });
                        Ok(())
                    });
                    out.zip_read = Some(high.load(Ordering::Relaxed));
                    res
                }
                None => {
                    let cap = self.opts.config.max_archive_buffer;
                    let mut buf = Vec::new();
                    let mut rest = lr.into_unread();
                    let res = (&mut rest)
                        .take(cap.saturating_add(1))
                        .read_to_end(&mut buf)
                        .map_err(|e| e.to_string());
                    match res {
                        Err(e) => Err(e),
                        Ok(_) if buf.len() as u64 > cap => Err(format!(
                            "{LIMIT}: a zip archive larger than --max-archive-buffer {cap} \
                             bytes inside another archive or a stream (a zip needs random \
                             access, and nothing is extracted to disk): not read; extract \
                             it, or raise the limit"
                        )),
                        Ok(_) => Zip::open(Cursor::new(buf)).map(|mut z| {
                            z.each_member(&mut |m| {
                                self.member(m, &parent, depth, out, &watched, &mut reporter)
                            })
                        }),
                    }
                }
            },
        };
        reporter.update(
            self.opts.progress.as_deref(),
            watched.load(Ordering::Relaxed),
            0,
        );
        match &self.nest.stop {
            Some(stop) => Err(stop.clone()),
            None => result,
        }
    }

    /// One member: named, counted, and (if it is content) scanned as a
    /// whole stream one level deeper. Breaks when the scan stops or an
    /// input-wide limit is reached.
    fn member(
        &mut self,
        m: Member<'_>,
        parent: &str,
        depth: u32,
        out: &mut TaskOut,
        watched: &AtomicU64,
        reporter: &mut Reporter,
    ) -> ControlFlow<()> {
        let path = format!("{parent}!{}", m.name);
        self.nest.members += 1;
        let max = self.opts.config.max_archive_members;
        if self.nest.members > max {
            self.nest.stop = Some(format!(
                "{LIMIT}: more than --max-archive-members {max} members in this input's \
                 archives; stopped before {path}, the rest not read"
            ));
            return ControlFlow::Break(());
        }
        if self.stopped() || !self.post(Msg::MemberStart) {
            out.cancelled = true;
            return ControlFlow::Break(());
        }
        out.stats.members += 1;
        let mut mo = TaskOut {
            stats: FileStats {
                path,
                member_of: Some(parent.to_string()),
                bytes: m.size,
                ranges: 1,
                ..Default::default()
            },
            ..Default::default()
        };
        self.cache.start_file(&self.opts.residency, &mo.stats.path);
        match (m.kind, m.reader) {
            (MemberKind::Other(why), _) => {
                mo.stats.special_skipped = 1;
                mo.stats.note = Some(why);
                mo.stats.bytes_skipped = m.size;
            }
            (MemberKind::File, Err(e)) => {
                mo.stats.failed_files = 1;
                mo.stats.error = Some(e);
            }
            (MemberKind::File, Ok(r)) => {
                let raw = MemberReader {
                    inner: r,
                    expanded: self.nest.expanded.clone(),
                    limit: self.opts.config.max_archive_bytes,
                };
                let place = Place {
                    disk: None,
                    depth: depth + 1,
                };
                let size = Some(m.size);
                let res = match m.stored {
                    // Compressed in the archive (a zip member): its ratio
                    // to its stored size is watched like a file's.
                    Some(stored) if stored != m.size => {
                        let stored = Arc::new(AtomicU64::new(stored));
                        let ratio = self.opts.config.max_expansion;
                        let guarded = ExpansionGuard::new(raw, stored, ratio);
                        self.scan_whole(guarded, &mut mo, size, place)
                    }
                    _ => self.scan_whole(raw, &mut mo, size, place),
                };
                if let Err(e) = res {
                    mo.stats.failed_files = 1;
                    mo.stats.error = Some(e);
                }
                if self.nest.expanded.load(Ordering::Relaxed) > self.opts.config.max_archive_bytes
                    && self.nest.stop.is_none()
                {
                    self.nest.stop = Some(bytes_limit(self.opts.config.max_archive_bytes));
                }
            }
        }
        // The member's rows before its counters.
        self.send_batch();
        self.send_records();
        let cancelled = mo.cancelled;
        if !self.post(Msg::MemberDone(Box::new(mo))) || cancelled {
            out.cancelled = true;
            return ControlFlow::Break(());
        }
        if depth == 0 {
            reporter.update(
                self.opts.progress.as_deref(),
                watched.load(Ordering::Relaxed),
                0,
            );
        }
        if self.nest.stop.is_some() {
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    }
}
