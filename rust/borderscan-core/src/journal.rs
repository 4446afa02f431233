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
//!   listed (size, modification time, device, inode), counters, and the
//!   name, size and SHA-256 of its findings file.
//! - `NNNNNNNN-PID.arrow`: that file's findings (Arrow IPC), line numbers
//!   final.
//!
//! A journal is data a scan reads back, so it is checked like input: an
//! entry is replayed only if its findings file is a plain name in DIR (no
//! separator, no `..`, not absolute, not a symbolic link) whose size and
//! SHA-256 are the recorded ones. Any other entry (a findings file replaced
//! by another scan's, deleted, or named outside DIR) is rejected: its input
//! is scanned again, and the rejection is counted in the accounting
//! (`journal_rejected`, with the reason) for the user to see.
//!
//! Crash safety: a file's findings are written to a temporary name, synced
//! and renamed before its line is appended (and synced) to `done.jsonl`. A
//! kill at any point leaves either a complete entry or none; a torn last
//! line (none expected: one `write` per line) is ignored.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use arrow_array::RecordBatch;
use arrow_ipc::reader::FileReader;
use arrow_ipc::writer::FileWriter;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::accounting::{FileStats, JournalRejected};
use crate::error::{Error, Result};

// 2: findings gained dest_found, dest_confidence, origin_found; file
// counters gained dest_found, origin_found, no_destination.
// 3: each entry records its findings file's size and SHA-256 (an entry
// without them is never replayed).
const VERSION: u32 = 3;

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
    /// Size and SHA-256 (hex) of the findings file: required, so a line
    /// without them (an older format, or edited) is not an entry.
    findings_size: u64,
    findings_sha256: String,
    stats: FileStats,
    /// An archive's members, in order (their findings are in its findings
    /// file); empty for any other file.
    #[serde(default)]
    members: Vec<FileStats>,
}

/// A finished file found in the journal, to replay.
#[derive(Clone)]
pub struct Replay {
    pub findings: PathBuf,
    pub stats: FileStats,
    /// An archive's members (see [`FileStats::member_of`]).
    pub members: Vec<FileStats>,
    /// What the findings file held when it was checked: the worker reads
    /// it later, and replays it only if it still holds exactly that.
    pub size: u64,
    pub sha256: String,
}

pub struct Journal {
    dir: PathBuf,
    done: HashMap<String, Done>,
    log: Mutex<File>,
    next: Mutex<u64>,
    /// Entries found untrustworthy by [`Journal::replay`], in the order
    /// asked (input order).
    rejected: Mutex<Vec<JournalRejected>>,
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
                if head.version != VERSION {
                    // An older journal's entries carry no hashes of their
                    // findings files: nothing in it can be checked.
                    return Err(io_err(
                        dir,
                        "refused",
                        format!(
                            "this journal has format {} (this borderscan writes and reads \
                             format {VERSION}, which records the SHA-256 of each findings \
                             file); give a new directory, or delete this one to start afresh",
                            head.version
                        ),
                    ));
                }
                if head.key != key {
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
            rejected: Mutex::new(Vec::new()),
        })
    }

    /// The finished entry for this file, if its identity is unchanged and
    /// its findings file is the one recorded; an entry whose findings file
    /// is not is rejected (see [`Journal::take_rejected`]): the file is
    /// then scanned again.
    pub(crate) fn replay(&self, display: &str, identity: Option<Identity>) -> Option<Replay> {
        let d = self.done.get(display)?;
        if Some(d.identity) != identity {
            // The input changed since: scanned again, as it should be.
            return None;
        }
        match self.check(d) {
            Ok(findings) => Some(Replay {
                findings,
                stats: d.stats.clone(),
                members: d.members.clone(),
                size: d.findings_size,
                sha256: d.findings_sha256.clone(),
            }),
            Err(reason) => {
                self.rejected
                    .lock()
                    .expect("not poisoned")
                    .push(JournalRejected {
                        path: d.path.clone(),
                        findings: d.findings.clone(),
                        reason,
                    });
                None
            }
        }
    }

    /// The path of an entry's findings file, if it is a plain name in the
    /// journal directory, a regular file (not a link) and has the recorded
    /// size and SHA-256; else why not.
    fn check(&self, d: &Done) -> std::result::Result<PathBuf, String> {
        if !plain_name(&d.findings) {
            return Err(
                "the findings file is not a plain file name in the journal directory \
                 (a path, `..` or an absolute name is never followed)"
                    .into(),
            );
        }
        let path = self.dir.join(&d.findings);
        let meta = fs::symlink_metadata(&path).map_err(|e| format!("the findings file: {e}"))?;
        if !meta.file_type().is_file() {
            return Err("the findings file is not a regular file (a link or a directory)".into());
        }
        if meta.len() != d.findings_size {
            return Err(format!(
                "the findings file has {} bytes, the journal recorded {}: it was changed or \
                 replaced",
                meta.len(),
                d.findings_size
            ));
        }
        let (size, digest) = hash_file(&path).map_err(|e| format!("the findings file: {e}"))?;
        if size != d.findings_size || !digest.eq_ignore_ascii_case(&d.findings_sha256) {
            return Err(format!(
                "the findings file's SHA-256 is {digest}, the journal recorded {}: it was \
                 changed or replaced",
                d.findings_sha256
            ));
        }
        Ok(path)
    }

    /// The entries rejected so far (each once): their inputs were scanned
    /// again instead of replayed.
    pub fn take_rejected(&self) -> Vec<JournalRejected> {
        std::mem::take(&mut *self.rejected.lock().expect("not poisoned"))
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
        members: &[FileStats],
    ) -> Result<()> {
        let dir = &self.dir;
        if rec.writer.is_none() {
            rec.open(schema)
                .map_err(|e| io_err(dir, "cannot write", e))?;
        }
        let mut w = rec.writer.take().expect("opened above");
        w.finish().map_err(|e| io_err(dir, "cannot write", e))?;
        let Hashing { file, hash, size } = w
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
            findings_size: size,
            findings_sha256: hex(&hash.finalize()),
            stats: stats.clone(),
            members: members.to_vec(),
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
    writer: Option<FileWriter<BufWriter<Hashing>>>,
}

/// A file being written, with the SHA-256 and size of what was written.
struct Hashing {
    file: File,
    hash: Sha256,
    size: u64,
}

impl Write for Hashing {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.hash.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

impl Recording {
    fn open(&mut self, schema: &arrow_schema::SchemaRef) -> std::result::Result<(), String> {
        let file = File::create(&self.tmp).map_err(|e| e.to_string())?;
        let f = Hashing {
            file,
            hash: Sha256::new(),
            size: 0,
        };
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

/// Read a finished file's findings back: the bytes read are the bytes
/// checked (size and SHA-256), so a findings file swapped between the check
/// at planning and this read is never replayed (the file fails, named).
pub fn read_findings(r: &Replay) -> std::result::Result<Vec<RecordBatch>, String> {
    let path = &r.findings;
    let mut bytes = Vec::with_capacity(r.size as usize);
    File::open(path)
        .and_then(|f| f.take(r.size.saturating_add(1)).read_to_end(&mut bytes))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let digest = hex(&Sha256::digest(&bytes));
    if bytes.len() as u64 != r.size || !digest.eq_ignore_ascii_case(&r.sha256) {
        return Err(format!(
            "{}: changed after it was checked (SHA-256 {digest}, {} bytes; the journal \
             recorded {}, {} bytes)",
            path.display(),
            bytes.len(),
            r.sha256,
            r.size
        ));
    }
    let reader = FileReader::try_new(std::io::Cursor::new(bytes), None)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    reader
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// A findings file name the journal may follow: one plain name (letters,
/// digits, `-`, `_`, `.`; not starting with a dot) ending in `.arrow`, so
/// never a path, `..`, an absolute name or a hidden file.
fn plain_name(name: &str) -> bool {
    !name.starts_with('.')
        && name.len() > ".arrow".len()
        && name.ends_with(".arrow")
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Size and SHA-256 (lower-case hex) of a file's content.
fn hash_file(path: &Path) -> std::io::Result<(u64, String)> {
    let mut f = File::open(path)?;
    let mut hash = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            return Ok((size, hex(&hash.finalize())));
        }
        hash.update(&buf[..n]);
        size += n as u64;
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    let mut f = File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    fs::rename(tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: Identity = Identity {
        size: 10,
        mtime_ns: 1,
        dev: 2,
        ino: 3,
    };

    /// A journal in `dir` with one finished entry for `a.jsonl`.
    fn journal_with_entry(dir: &Path) -> Journal {
        let j = Journal::open(dir, "k").unwrap();
        let rec = j.writer().unwrap();
        let stats = FileStats {
            path: "a.jsonl".into(),
            ..Default::default()
        };
        j.finish(
            rec,
            &crate::batch::findings_schema(),
            "a.jsonl",
            ID,
            &stats,
            &[],
        )
        .unwrap();
        Journal::open(dir, "k").unwrap()
    }

    fn entry(dir: &Path) -> Done {
        let log = fs::read(dir.join("done.jsonl")).unwrap();
        serde_json::from_slice(log.split(|&b| b == b'\n').next().unwrap()).unwrap()
    }

    fn rewrite(dir: &Path, d: &Done) {
        let mut line = serde_json::to_vec(d).unwrap();
        line.push(b'\n');
        fs::write(dir.join("done.jsonl"), line).unwrap();
    }

    #[test]
    fn an_entry_records_its_findings_files_size_and_hash() {
        let dir = tempfile::tempdir().unwrap();
        let j = journal_with_entry(dir.path());
        let d = entry(dir.path());
        let bytes = fs::read(dir.path().join(&d.findings)).unwrap();
        assert_eq!(d.findings_size, bytes.len() as u64);
        assert_eq!(d.findings_sha256, hex(&Sha256::digest(&bytes)));
        let r = j.replay("a.jsonl", Some(ID)).expect("replayed");
        assert!(read_findings(&r).is_ok());
        assert!(j.take_rejected().is_empty());
        // A changed input is scanned again, and that is no rejection.
        let other = Identity { size: 11, ..ID };
        assert!(j.replay("a.jsonl", Some(other)).is_none());
        assert!(j.take_rejected().is_empty());
    }

    #[test]
    fn a_findings_file_swapped_after_the_check_is_not_replayed() {
        // The window between planning (checked) and the worker's read: the
        // worker replays only the bytes that were checked.
        let dir = tempfile::tempdir().unwrap();
        let j = journal_with_entry(dir.path());
        let r = j.replay("a.jsonl", Some(ID)).expect("replayed");
        let mut bytes = fs::read(&r.findings).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        fs::write(&r.findings, &bytes).unwrap();
        let e = read_findings(&r).unwrap_err();
        assert!(e.contains("changed after it was checked"), "{e}");
        bytes.push(0);
        fs::write(&r.findings, &bytes).unwrap();
        assert!(read_findings(&r).unwrap_err().contains("bytes"));
    }

    #[test]
    fn a_swapped_findings_file_is_rejected() {
        let dir = tempfile::tempdir().unwrap();
        journal_with_entry(dir.path());
        let d = entry(dir.path());
        let path = dir.path().join(&d.findings);
        let mut bytes = fs::read(&path).unwrap();
        // Same size, other content.
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        fs::write(&path, &bytes).unwrap();
        let j = Journal::open(dir.path(), "k").unwrap();
        assert!(j.replay("a.jsonl", Some(ID)).is_none());
        let [r] = &j.take_rejected()[..] else {
            panic!("one rejection")
        };
        assert_eq!(
            (r.path.as_str(), r.findings.as_str()),
            ("a.jsonl", &*d.findings)
        );
        assert!(r.reason.contains("SHA-256"), "{}", r.reason);
        // Shorter: the size says it.
        fs::write(&path, &bytes[..10]).unwrap();
        assert!(j.replay("a.jsonl", Some(ID)).is_none());
        assert!(j.take_rejected()[0].reason.contains("bytes"));
        // Gone.
        fs::remove_file(&path).unwrap();
        assert!(j.replay("a.jsonl", Some(ID)).is_none());
        assert_eq!(j.take_rejected().len(), 1);
    }

    #[test]
    fn a_findings_name_outside_the_journal_is_never_followed() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("j");
        journal_with_entry(&dir);
        let good = entry(&dir);
        let bytes = fs::read(dir.join(&good.findings)).unwrap();
        // The same, correctly hashed findings, reached by a path.
        fs::write(root.path().join("x.arrow"), &bytes).unwrap();
        fs::create_dir(dir.join("sub")).unwrap();
        fs::write(dir.join("sub").join("x.arrow"), &bytes).unwrap();
        let abs = root.path().join("x.arrow").display().to_string();
        for name in [
            "../x.arrow",
            abs.as_str(),
            "sub/x.arrow",
            "sub\\x.arrow",
            "..",
        ] {
            let d = Done {
                findings: name.into(),
                ..good.clone()
            };
            rewrite(&dir, &d);
            let j = Journal::open(&dir, "k").unwrap();
            assert!(j.replay("a.jsonl", Some(ID)).is_none(), "{name}");
            let rejected = j.take_rejected();
            assert_eq!(rejected.len(), 1, "{name}");
            assert!(rejected[0].reason.contains("plain file name"), "{name}");
        }
        #[cfg(unix)]
        {
            // A link in the journal to a file elsewhere.
            std::os::unix::fs::symlink(root.path().join("x.arrow"), dir.join("l.arrow")).unwrap();
            rewrite(
                &dir,
                &Done {
                    findings: "l.arrow".into(),
                    ..good.clone()
                },
            );
            let j = Journal::open(&dir, "k").unwrap();
            assert!(j.replay("a.jsonl", Some(ID)).is_none());
            assert!(j.take_rejected()[0].reason.contains("not a regular file"));
        }
    }

    #[test]
    fn plain_names() {
        for ok in ["00000001-123.arrow", "a.b_c-d.arrow"] {
            assert!(plain_name(ok), "{ok}");
        }
        for bad in [
            "",
            ".arrow",
            "..",
            "../x.arrow",
            "/tmp/x.arrow",
            "a/b.arrow",
            "a\\b.arrow",
            ".hidden.arrow",
            "x.arrow.tmp",
            "x\0.arrow",
            "C:x.arrow",
        ] {
            assert!(!plain_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn an_older_journal_or_an_entry_without_hashes_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        journal_with_entry(dir.path());
        // An entry line without the hash is not an entry.
        let mut v: serde_json::Value =
            serde_json::from_slice(&fs::read(dir.path().join("done.jsonl")).unwrap()[..]).unwrap();
        v.as_object_mut().unwrap().remove("findings_sha256");
        fs::write(dir.path().join("done.jsonl"), format!("{v}\n")).unwrap();
        let j = Journal::open(dir.path(), "k").unwrap();
        assert_eq!(j.finished(), 0);
        assert!(j.replay("a.jsonl", Some(ID)).is_none());
        // A journal of the format before hashes is refused.
        fs::write(
            dir.path().join("journal.json"),
            r#"{"version":2,"key":"k"}"#,
        )
        .unwrap();
        let e = Journal::open(dir.path(), "k").unwrap_err().to_string();
        assert!(e.contains("format 2") && e.contains("SHA-256"), "{e}");
    }
}
