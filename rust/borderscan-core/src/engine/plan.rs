//! Planning: the caller's inputs expanded to files (directories walked in a
//! deterministic order), and each file turned into tasks: the whole file,
//! newline-aligned ranges of a large plain file, or a replay of what an
//! earlier run recorded in the journal.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{Glob, GlobSet, GlobSetBuilder};

use super::ScanOptions;
use crate::archive::ArchiveKind;
use crate::error::{Error, Result};
use crate::formats::{self, Format, Header};
use crate::input::{self, Compression, LineReader, TextKind};
use crate::journal::{Identity, Replay};

/// How much of a file is sniffed for binary content, format and header.
pub(super) const SNIFF: usize = 64 * 1024;

/// One input given by the caller.
#[derive(Debug, Clone)]
pub enum Input {
    /// A file or a directory (scanned recursively).
    Path(PathBuf),
    /// Standard input (`-`).
    Stdin,
    /// In-memory bytes with a display name (tests, rule examples, API use).
    Bytes { name: String, data: Arc<[u8]> },
    /// An object storage URL (`s3://bucket/prefix/`, `gs://`, `az://`,
    /// `file://`): one object, or every object under a prefix.
    Object(String),
}

pub(super) enum Source {
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
    /// An object of object storage, read by ranged requests.
    Object(Arc<crate::objects::Object>),
    /// Found under a directory and not read: a FIFO (reading could block
    /// forever), socket or device, or a symbolic link loop. Named and
    /// counted with the reason.
    Special(String),
}

#[cfg(unix)]
pub(super) fn file_id(m: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((m.dev(), m.ino()))
}

#[cfg(not(unix))]
pub(super) fn file_id(_: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}

pub(super) fn file_source(path: &Path, m: &std::fs::Metadata) -> Source {
    Source::File {
        path: path.to_path_buf(),
        size: if m.is_file() { m.len() } else { 0 },
        regular: m.is_file(),
        id: file_id(m),
    }
}

/// What a special file is, to name it when it is skipped.
pub(super) fn special_kind(t: &std::fs::FileType) -> &'static str {
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
pub(super) fn open_listed(
    path: &Path,
    id: Option<(u64, u64)>,
) -> std::result::Result<File, String> {
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

pub(super) struct Entry {
    pub(super) display: String,
    pub(super) source: std::result::Result<Source, String>,
}

#[derive(Clone)]
pub(super) enum TaskKind {
    Whole,
    /// Finished by an earlier run of this scan: its findings and counters
    /// are read back from the journal.
    Replay(Box<Replay>),
    /// Run by a worker of a distributed scan: what it would have sent the
    /// merger, sent again as it was.
    Precomputed(usize),
    Range {
        start: u64,
        end: u64,
        format: Format,
        header: Header,
        first: bool,
    },
}

pub(super) struct Task {
    pub(super) file: u32,
    pub(super) kind: TaskKind,
}

pub(super) fn globset(globs: &[String], what: &str) -> Result<Option<GlobSet>> {
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

pub(super) fn display(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// Expand inputs to files, in a deterministic order (directories sorted by
/// name). Problems become entries with an error so they are counted.
pub(super) fn enumerate(inputs: &[Input], opts: &ScanOptions) -> Result<Vec<Entry>> {
    let include = globset(&opts.config.include, "include")?;
    let exclude = globset(&opts.config.exclude, "exclude")?;
    let mut out = Vec::new();
    let mut stores = None;
    for input in inputs {
        match input {
            // Listed now (sorted by key), so planning can split large
            // plain objects; a URL that cannot be listed is one failure.
            Input::Object(url) => {
                let stores =
                    stores.get_or_insert_with(|| crate::objects::Stores::new(&opts.config));
                match stores.list(url, include.as_ref(), exclude.as_ref()) {
                    Ok(objects) => out.extend(objects.into_iter().map(|(display, o)| Entry {
                        display,
                        source: Ok(Source::Object(o)),
                    })),
                    Err(e) => out.push(Entry {
                        display: url.clone(),
                        source: Err(e),
                    }),
                }
            }
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
                Ok(m) if m.is_dir() => walk_dir(p, include.as_ref(), exclude.as_ref(), &mut out),
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

pub(super) fn describe_open_error(p: &Path, e: &io::Error) -> String {
    if e.kind() == io::ErrorKind::NotFound && std::fs::symlink_metadata(p).is_ok() {
        return "broken symbolic link (its target does not exist)".into();
    }
    match e.kind() {
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::NotFound => "no such file or directory".into(),
        _ => e.to_string(),
    }
}

pub(super) fn walk_dir(
    root: &Path,
    include: Option<&GlobSet>,
    exclude: Option<&GlobSet>,
    out: &mut Vec<Entry>,
) {
    let walker = walkdir::WalkDir::new(root)
        // Links are followed (walkdir detects loops, which are counted as
        // special inputs): a log folder is often a tree of links.
        .follow_links(true)
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
pub(super) fn plan_ranges(
    path: &Path,
    size: u64,
    opts: &ScanOptions,
) -> io::Result<Option<Vec<TaskKind>>> {
    plan_ranges_of(File::open(path)?, &path.to_string_lossy(), size, opts)
}

/// [`plan_ranges`] of any seekable reader (a file, an object).
pub(super) fn plan_ranges_of<F: Read + Seek>(
    mut f: F,
    name: &str,
    size: u64,
    opts: &ScanOptions,
) -> io::Result<Option<Vec<TaskKind>>> {
    // The head the whole-file reader sniffs: after a UTF-8 byte order
    // mark (which it skips), so a file is judged alike split or not.
    let bom = input::UTF8_BOM.len();
    let mut head = vec![0u8; (SNIFF + bom).min(size as usize)];
    f.read_exact(&mut head)?;
    let head = match head.strip_prefix(input::UTF8_BOM) {
        Some(rest) => rest.to_vec(),
        None => {
            head.truncate(SNIFF.min(head.len()));
            head
        }
    };
    // Only plain text is split: a compressed stream, an archive (read
    // member by member, or reported as not read), a binary file (skipped)
    // and UTF-16/UTF-32 text (decoded as one stream: a range could start
    // inside a code unit) are whole-file tasks.
    if Compression::sniff(&head) != Compression::None
        || ArchiveKind::sniff(&head).is_some()
        || input::unreadable_container(&head).is_some()
        || input::sniff_text(&head, name) != TextKind::Text
    {
        return Ok(None);
    }
    let format = opts
        .config
        .input_format
        .unwrap_or_else(|| formats::detect(name, &input::nuls_as_spaces(&head)));
    let header = if format.has_header() {
        // The first line as the first range's reader will see it (cut at
        // max_line, even past the sniffed head), so every range parses
        // rows with the header the whole-file scan would use.
        f.seek(SeekFrom::Start(0))?;
        let mut lr = LineReader::new((&mut f).take(size), opts.config.max_line).nul_as_space();
        lr.skip_utf8_bom()?;
        let first = lr.next_line()?.map_or(&[][..], |l| l.bytes);
        formats::parse_header_with(format, first, opts.config.csv_delimiter.map(|c| c as u8))
    } else {
        Header::default()
    };
    let split = opts.config.split_size.max(4096);
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
pub(super) fn next_line_start<F: Read + Seek>(f: &mut F, pos: u64, size: u64) -> io::Result<u64> {
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

/// Files are journaled by their identity when listed: a file changed
/// since is scanned again.
pub(super) fn journal_identities(entries: &[Entry], opts: &ScanOptions) -> Vec<Option<Identity>> {
    entries
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
        .collect()
}

/// Every file's tasks, in input order: a replay of what the journal has,
/// what the workers of a distributed scan ran, ranges of a large plain
/// file, or the whole file.
pub(super) fn plan_tasks(
    entries: &[Entry],
    idents: &[Option<Identity>],
    opts: &ScanOptions,
) -> Result<Vec<Task>> {
    let mut tasks = Vec::new();
    let mut remote = opts.precomputed.as_ref().map(|p| p.claim());
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
        if let (Some(claim), Ok(source @ Source::File { regular: true, .. })) =
            (remote.as_mut(), &e.source)
            && let Some(parts) = claim.take(&e.display, source)?
        {
            tasks.extend(parts.into_iter().map(|kind| Task { file, kind }));
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
            && *size > opts.config.split_size
            && let Ok(Some(ranges)) = plan_ranges(path, *size, opts)
        {
            kinds = ranges;
        }
        if let Ok(Source::Object(o)) = &e.source
            && o.size > opts.config.split_size
            && let Ok(Some(ranges)) = plan_ranges_of(o.reader(0), &e.display, o.size, opts)
        {
            kinds = ranges;
        }
        tasks.extend(kinds.into_iter().map(|kind| Task { file, kind }));
    }
    if let Some(claim) = remote {
        claim.finish()?;
    }
    Ok(tasks)
}
