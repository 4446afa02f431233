//! Redacting files: each input's copy written beside the others under
//! `--out`, compressed as the input was, a file per thread.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use super::{Actions, FileReport, Lines, OnViolation, Redaction, Redactor, Rewriter};
use crate::config::ScanConfig;
use crate::error::{Error, Result};
use crate::formats;
use crate::input::{self, Compression, TextKind};
use crate::output_file::Pending;

/// One input file and where its copy goes.
#[derive(Debug, Clone)]
pub struct Job {
    pub input: PathBuf,
    pub output: PathBuf,
}

/// Redact every job's input into its output, `threads` files at a time
/// (0: one per core). Per-file failures are reported, not raised; errors
/// are configuration errors found before any file is read. Returns the
/// reports in job order and the actions in force (the command line's over
/// the policy's `[redact]` table).
pub fn redact_files(
    config: &ScanConfig,
    redaction: &Redaction,
    jobs: &[Job],
    cancel: Option<&AtomicBool>,
) -> Result<(Vec<FileReport>, Actions)> {
    let shared = Arc::new(Redactor::new(config, redaction)?);
    let threads = match config.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
    .min(jobs.len())
    .max(1);
    let next = AtomicUsize::new(0);
    let reports: Mutex<Vec<Option<FileReport>>> = Mutex::new(vec![None; jobs.len()]);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut w = Rewriter::new(shared.clone(), OnViolation::Redact);
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(i) else { break };
                    let r = w.file(job, cancel);
                    reports.lock().expect("no panic holds it")[i] = Some(r);
                }
            });
        }
    });
    if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
        return Err(Error::Cancelled);
    }
    let reports = reports
        .into_inner()
        .expect("no panic holds it")
        .into_iter()
        .map(|r| r.expect("every job ran"))
        .collect();
    Ok((reports, shared.actions.clone()))
}

/// A file's output, compressed as its input was.
enum Sink {
    Plain(BufWriter<File>),
    Gzip(flate2::write::GzEncoder<BufWriter<File>>),
    Zstd(zstd::Encoder<'static, BufWriter<File>>),
    Bzip2(bzip2::write::BzEncoder<BufWriter<File>>),
}

impl Sink {
    fn new(file: File, c: Compression) -> io::Result<Sink> {
        let w = BufWriter::with_capacity(input::READ_CHUNK, file);
        Ok(match c {
            // No name and no time in the header (flate2 writes mtime 0):
            // two runs write the same bytes.
            Compression::Gzip => Sink::Gzip(flate2::write::GzEncoder::new(
                w,
                flate2::Compression::default(),
            )),
            Compression::Zstd => Sink::Zstd(zstd::Encoder::new(w, 3)?),
            Compression::Bzip2 => Sink::Bzip2(bzip2::write::BzEncoder::new(
                w,
                bzip2::Compression::default(),
            )),
            _ => Sink::Plain(w),
        })
    }

    fn finish(self) -> io::Result<()> {
        let w = match self {
            Sink::Plain(w) => w,
            Sink::Gzip(w) => w.finish()?,
            Sink::Zstd(w) => w.finish()?,
            Sink::Bzip2(w) => w.finish()?,
        };
        w.into_inner().map_err(|e| e.into_error())?.sync_all()
    }
}

impl Write for Sink {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Plain(w) => w.write(b),
            Sink::Gzip(w) => w.write(b),
            Sink::Zstd(w) => w.write(b),
            Sink::Bzip2(w) => w.write(b),
        }
    }

    /// Buffers only: a compressed stream is ended by `finish`, and a
    /// flush mid-file would add empty blocks (and bytes) to it.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Bytes of the decompressed head looked at to tell the format.
const HEAD: usize = 64 * 1024;

impl Rewriter {
    /// Redact one file; what went wrong is in the report's `error`.
    fn file(&mut self, job: &Job, cancel: Option<&AtomicBool>) -> FileReport {
        self.report = FileReport {
            input: job.input.to_string_lossy().into_owned(),
            output: job.output.to_string_lossy().into_owned(),
            ..Default::default()
        };
        if let Err(e) = self.copy(job, cancel) {
            self.report.error = Some(e);
        }
        std::mem::take(&mut self.report)
    }

    fn copy(&mut self, job: &Job, cancel: Option<&AtomicBool>) -> std::result::Result<(), String> {
        let raw = File::open(&job.input).map_err(|e| format!("cannot open: {e}"))?;
        let (mut dec, compression) =
            input::decoder(raw).map_err(|e| format!("cannot read: {e}"))?;
        self.report.compression = compression.as_str().to_string();
        if matches!(compression, Compression::Xz | Compression::Lz4) {
            return Err(format!(
                "{} input: redact writes gzip, zstd and bzip2 copies only (decompress it first)",
                compression.as_str()
            ));
        }
        let mut head = Vec::with_capacity(HEAD);
        (&mut dec)
            .take(HEAD as u64)
            .read_to_end(&mut head)
            .map_err(|e| format!("cannot read: {e}"))?;
        let name = job.input.to_string_lossy();
        if let Some(kind) = crate::archive::ArchiveKind::sniff(&head) {
            return Err(format!(
                "{kind:?} archive: redact does not rewrite archive members yet (extract it and redact the files)"
            ));
        }
        match input::sniff_text(&head, &name) {
            TextKind::Text => {}
            TextKind::Binary => return Err("binary file: nothing to redact in it".into()),
            TextKind::Encoded(e) => {
                return Err(format!(
                    "{} text: redact rewrites UTF-8 (ASCII-compatible) text only",
                    e.as_str()
                ));
            }
        }
        let format = self
            .sh
            .config
            .input_format
            .unwrap_or_else(|| formats::detect(&name, &head));
        self.report.format = format.as_str().to_string();
        self.cache.start_file(&self.sh.res, &name);
        let (file, pending) = Pending::create(&job.output)
            .map_err(|e| format!("cannot write {}: {e}", job.output.display()))?;
        let mut sink = Sink::new(file, compression).map_err(|e| e.to_string())?;
        let mut reader =
            BufReader::with_capacity(input::READ_CHUNK, io::Cursor::new(head).chain(dec));
        let mut lines = Lines::new(&name, Some(format));
        self.stream(&mut lines, &mut reader, &mut sink, None, false, cancel)
            .map_err(|e| e.to_string())?;
        sink.finish()
            .and_then(|()| pending.commit())
            .map_err(|e| format!("cannot write {}: {e}", job.output.display()))
    }
}
