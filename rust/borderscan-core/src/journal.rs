//! A scan's journal (`scan --journal DIR`): each input file finished is
//! recorded with its findings and counters, so a scan that was killed can be
//! started again with the same journal and replay the finished files instead
//! of scanning them, ending with the results of an uninterrupted scan.
//!
//! Layout of DIR:
//! - `journal.json`: the key of the scan (inputs and every option that
//!   changes results, worked out by the caller); another scan's key is
//!   refused rather than mixing results.
//! - `done.jsonl`: one line per finished file: its path, identity when
//!   listed (size, modification time, device, inode) and counters.
//! - `NNNNNNNN.arrow`: that file's findings (Arrow IPC), line numbers final.
//!
//! Crash safety: a file's findings are written to a temporary name, synced
//! and renamed before its line is appended (and synced) to `done.jsonl`. A
//! kill at any point leaves either a complete entry or none; a torn last
//! line (none expected: one `write` per line) is ignored.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use arrow_array::RecordBatch;
use arrow_ipc::reader::FileReader;
use arrow_ipc::writer::FileWriter;
use serde::{Deserialize, Serialize};

use crate::accounting::FileStats;
use crate::error::{Error, Result};

// 2: findings gained dest_found, dest_confidence, origin_found; file
// counters gained dest_found, origin_found, no_destination.
const VERSION: u32 = 2;

/// What identifies a file's content well enough to trust a finished entry:
/// any change (appended, rewritten, replaced) makes the file scanned again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub size: u64,
    pub mtime_ns: i128,
    pub dev: u64,
    pub ino: u64,
}

impl Identity {
    pub fn of(path: &Path) -> Option<Identity> {
        let m = fs::metadata(path).ok()?;
        if !m.is_file() {
            return None;
        }
        let mtime_ns = m
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as i128);
        #[cfg(unix)]
        let (dev, ino) = {
            use std::os::unix::fs::MetadataExt;
            (m.dev(), m.ino())
        };
        #[cfg(not(unix))]
        let (dev, ino) = (0, 0);
        Some(Identity {
            size: m.len(),
            mtime_ns,
            dev,
            ino,
        })
    }
}

#[derive(Serialize, Deserialize)]
struct Header {
    version: u32,
    key: String,
}

#[derive(Serialize, Deserialize, Clone)]
struct Done {
    path: String,
    identity: Identity,
    findings: String,
    stats: FileStats,
}

/// A finished file found in the journal, to replay.
#[derive(Clone)]
pub struct Replay {
    pub findings: PathBuf,
    pub stats: FileStats,
}

pub struct Journal {
    dir: PathBuf,
    done: HashMap<String, Done>,
    log: Mutex<File>,
    next: Mutex<u64>,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal")
            .field("dir", &self.dir)
            .field("done", &self.done.len())
            .finish()
    }
}

fn io_err(dir: &Path, what: &str, e: impl std::fmt::Display) -> Error {
    Error::config(
        format!("--journal {}", dir.display()),
        format!("{what}: {e}"),
    )
}

impl Journal {
    /// Open (or create) the journal in `dir` for a scan with this `key`.
    pub fn open(dir: &Path, key: &str) -> Result<Journal> {
        fs::create_dir_all(dir).map_err(|e| io_err(dir, "cannot create the directory", e))?;
        let head_path = dir.join("journal.json");
        match fs::read(&head_path) {
            Ok(bytes) => {
                let head: Header = serde_json::from_slice(&bytes)
                    .map_err(|e| io_err(dir, "journal.json is not a borderscan journal", e))?;
                if head.version != VERSION || head.key != key {
                    return Err(io_err(
                        dir,
                        "refused",
                        "this journal belongs to another scan (other inputs or options); \
                         give a new directory, or delete this one to start afresh",
                    ));
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let head = serde_json::to_vec(&Header {
                    version: VERSION,
                    key: key.to_string(),
                })
                .expect("serialisable");
                write_synced(&head_path, &head).map_err(|e| io_err(dir, "cannot write", e))?;
            }
            Err(e) => return Err(io_err(dir, "cannot read journal.json", e)),
        }
        let log_path = dir.join("done.jsonl");
        let mut done = HashMap::new();
        let mut entries = 0u64;
        if let Ok(f) = File::open(&log_path) {
            for line in BufReader::new(f).split(b'\n') {
                let line = line.map_err(|e| io_err(dir, "cannot read done.jsonl", e))?;
                entries += 1;
                // A torn last line is an entry that never finished.
                if let Ok(d) = serde_json::from_slice::<Done>(&line) {
                    done.insert(d.path.clone(), d);
                }
            }
        }
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)
            .map_err(|e| io_err(dir, "cannot open done.jsonl", e))?;
        Ok(Journal {
            dir: dir.to_path_buf(),
            done,
            log: Mutex::new(log),
            next: Mutex::new(entries),
        })
    }

    /// The finished entry for this file, if its identity is unchanged.
    pub(crate) fn replay(&self, display: &str, identity: Option<Identity>) -> Option<Replay> {
        let d = self.done.get(display)?;
        (Some(d.identity) == identity).then(|| Replay {
            findings: self.dir.join(&d.findings),
            stats: d.stats.clone(),
        })
    }

    /// Files finished in earlier runs.
    pub fn finished(&self) -> usize {
        self.done.len()
    }

    /// Start recording a file's findings.
    pub(crate) fn writer(&self) -> Result<Recording> {
        let n = {
            let mut next = self.next.lock().expect("not poisoned");
            *next += 1;
            *next
        };
        let name = format!("{n:08}-{}.arrow", std::process::id());
        Ok(Recording {
            tmp: self.dir.join(format!("{name}.tmp")),
            name,
            writer: None,
        })
    }

    /// Record a finished file: its findings were written to `rec`.
    pub(crate) fn finish(
        &self,
        mut rec: Recording,
        schema: &arrow_schema::SchemaRef,
        display: &str,
        identity: Identity,
        stats: &FileStats,
    ) -> Result<()> {
        let dir = &self.dir;
        if rec.writer.is_none() {
            rec.open(schema)
                .map_err(|e| io_err(dir, "cannot write", e))?;
        }
        let mut w = rec.writer.take().expect("opened above");
        w.finish().map_err(|e| io_err(dir, "cannot write", e))?;
        let file = w
            .into_inner()
            .map_err(|e| io_err(dir, "cannot write", e))?
            .into_inner()
            .map_err(|e| io_err(dir, "cannot write", e.error()))?;
        file.sync_all().map_err(|e| io_err(dir, "cannot sync", e))?;
        fs::rename(&rec.tmp, dir.join(&rec.name)).map_err(|e| io_err(dir, "cannot rename", e))?;
        let mut line = serde_json::to_vec(&Done {
            path: display.to_string(),
            identity,
            findings: rec.name.clone(),
            stats: stats.clone(),
        })
        .expect("serialisable");
        line.push(b'\n');
        let mut log = self.log.lock().expect("not poisoned");
        log.write_all(&line)
            .and_then(|()| log.sync_data())
            .map_err(|e| io_err(dir, "cannot append to done.jsonl", e))
    }
}

/// Findings of one file being recorded.
pub struct Recording {
    tmp: PathBuf,
    name: String,
    writer: Option<FileWriter<BufWriter<File>>>,
}

impl Recording {
    fn open(&mut self, schema: &arrow_schema::SchemaRef) -> std::result::Result<(), String> {
        let f = File::create(&self.tmp).map_err(|e| e.to_string())?;
        self.writer = Some(
            FileWriter::try_new(BufWriter::with_capacity(1 << 20, f), schema)
                .map_err(|e| e.to_string())?,
        );
        Ok(())
    }

    pub fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        if self.writer.is_none() {
            self.open(batch.schema_ref())
                .map_err(|e| Error::config("--journal", format!("cannot write: {e}")))?;
        }
        self.writer
            .as_mut()
            .expect("opened above")
            .write(batch)
            .map_err(|e| Error::config("--journal", format!("cannot write: {e}")))
    }
}

impl Drop for Recording {
    fn drop(&mut self) {
        // Unfinished (the file failed or the scan stopped): not an entry.
        if self.writer.is_some() {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// Read a finished file's findings back.
pub fn read_findings(path: &Path) -> std::result::Result<Vec<RecordBatch>, String> {
    let f = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let reader = FileReader::try_new(BufReader::new(f), None)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    reader
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    let mut f = File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    fs::rename(tmp, path)
}
