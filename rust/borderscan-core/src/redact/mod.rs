//! `borderscan redact`: a copy of each input in which every value the
//! policy does not let go where its record goes is masked, pseudonymized
//! or removed (or its record dropped), and every other byte is as it was.
//!
//! Each record goes through the scan's own chain (parse, detect, place,
//! decide: the same detectors, residency and caches as a scan) and, when
//! something in it is a violation, through [`Rewriter`], which edits the
//! line in its format (`json.rs` for JSON Lines, the value's place in the
//! line for the others). The rewritten record is then scanned again until
//! nothing in it is a violation (a key rule fires once per record, so a
//! second `calib.*` field shows only once the first is gone); a record that
//! does not get there in [`MAX_ROUNDS`] rounds, or whose value cannot be
//! located in its line, is dropped and counted. So every record written is
//! one a scan under the same options finds no violation in.
//!
//! This first version runs a file per thread, not inside the scan
//! engine's range-splitting pool: a big single file is one thread's work.
//! Archives, OTLP exports, xz/lz4 and UTF-16 inputs are refused by name.

mod actions;
mod json;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub use actions::{Action, Actions};

use crate::config::ScanConfig;
use crate::detect::{Detectors, Hit, Scratch};
use crate::error::{Error, Result};
use crate::formats::{self, Format, Header, RecordBuf};
use crate::input::{self, Compression, TextKind};
use crate::output_file::Pending;
use crate::policy::Verdict;
use crate::residency::{self, Residency};
use crate::resolve::{Extractor, Found, Placement};
use crate::rules::MaskStyle;

/// Rounds of rewrite-and-rescan a record gets before it is dropped.
pub const MAX_ROUNDS: usize = 6;

/// The key id of a pseudonymization key: the first 16 hex digits of the
/// SHA-256 of the key's bytes. Written in manifests; the key never is.
pub fn key_id(key: &[u8]) -> String {
    hex16(&Sha256::digest(key))
}

fn hex16(bytes: &[u8]) -> String {
    bytes[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// What a redaction does besides the scan's options.
#[derive(Debug, Clone, Default)]
pub struct Redaction {
    pub actions: Actions,
    /// The HMAC key of `pseudonymize`; required when any action is that.
    pub key: Option<Vec<u8>>,
}

/// One input file and where its copy goes.
#[derive(Debug, Clone)]
pub struct Job {
    pub input: PathBuf,
    pub output: PathBuf,
}

/// What was done to one file.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FileReport {
    pub input: String,
    pub output: String,
    pub format: String,
    pub compression: String,
    /// Lines read (headers and blank lines included) and written.
    pub lines_in: u64,
    pub lines_out: u64,
    pub records: u64,
    /// Records written with at least one value replaced.
    pub records_changed: u64,
    /// Records left out: by a `drop-record` action, or because a value
    /// could not be rewritten in place (`dropped_unrewritable`, within
    /// `records_dropped`).
    pub records_dropped: u64,
    pub dropped_unrewritable: u64,
    /// Values replaced, per action (`drop-record` counts records).
    pub actions: BTreeMap<String, u64>,
    /// Values replaced per category, then per action.
    pub categories: BTreeMap<String, BTreeMap<String, u64>>,
    /// Why the file could not be redacted (no copy was written).
    pub error: Option<String>,
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
    config.validate()?;
    let det = config.detectors()?;
    let names = crate::policy::Names::of_rules(&det.rules);
    let res = config.residency(Some(&names))?;
    let mut actions = redaction.actions.clone();
    if let Some(policy) = &config.policy {
        let place = policy.to_string_lossy();
        let text = std::fs::read_to_string(policy)
            .map_err(|e| Error::config(place.as_ref(), format!("cannot read the policy: {e}")))?;
        // The command line's actions win over the policy's.
        let mut from_policy = Actions::default();
        from_policy.from_policy(&text, &place)?;
        if actions.default == Action::Mask {
            actions.default = from_policy.default;
        }
        for (k, v) in from_policy.by_target {
            actions.by_target.entry(k).or_insert(v);
        }
    }
    actions.check(&det)?;
    let uses_key = actions.default == Action::Pseudonymize
        || actions
            .by_target
            .values()
            .any(|&a| a == Action::Pseudonymize);
    let mac = match (&redaction.key, uses_key) {
        (Some(k), _) if k.is_empty() => {
            return Err(Error::config("key", "the pseudonymization key is empty"));
        }
        (Some(k), _) => Some(
            Hmac::<Sha256>::new_from_slice(k)
                .map_err(|e| Error::config("key", format!("unusable key: {e}")))?,
        ),
        (None, true) => {
            return Err(Error::config(
                "key",
                "pseudonymize needs a key (--key-file FILE or $BORDERSCAN_REDACT_KEY)",
            ));
        }
        (None, false) => None,
    };
    let shared = Shared {
        det: &det,
        res: &res,
        config,
        actions: &actions,
        mac: mac.as_ref(),
        extract: Extractor::new(),
        cancel,
    };
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
                let mut w = Rewriter::new(&shared);
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(i) else { break };
                    let r = w.file(job);
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
    Ok((reports, actions))
}

/// What every thread reads.
struct Shared<'a> {
    det: &'a Detectors,
    res: &'a Residency,
    config: &'a ScanConfig,
    actions: &'a Actions,
    mac: Option<&'a Hmac<Sha256>>,
    extract: Extractor,
    cancel: Option<&'a AtomicBool>,
}

/// One value to replace: where it is in the record and what to do.
#[derive(Debug, Clone)]
struct Edit {
    field: u32,
    start: u32,
    end: u32,
    in_key: bool,
    action: Action,
    rule: u16,
}

/// What became of one record.
enum Outcome {
    Unchanged,
    Changed(Vec<u8>),
    Dropped { unrewritable: bool },
}

/// A thread's buffers, reused record after record (as a scan's worker's).
struct Rewriter<'a> {
    sh: &'a Shared<'a>,
    scratch: Scratch,
    rec: RecordBuf,
    hits: Vec<Hit>,
    place: Placement,
    cache: residency::Cache,
    edits: Vec<Edit>,
    leaves: Vec<json::Leaf>,
    /// Counts of the file being redacted.
    report: FileReport,
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

    fn write(&mut self, b: &[u8]) -> io::Result<()> {
        match self {
            Sink::Plain(w) => w.write_all(b),
            Sink::Gzip(w) => w.write_all(b),
            Sink::Zstd(w) => w.write_all(b),
            Sink::Bzip2(w) => w.write_all(b),
        }
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

/// Bytes of the decompressed head looked at to tell the format.
const HEAD: usize = 64 * 1024;

impl<'a> Rewriter<'a> {
    fn new(sh: &'a Shared<'a>) -> Self {
        let mut scratch = Scratch::with_roles(&sh.config.dest_fields, &sh.config.origin_fields);
        scratch.every_field = true;
        Rewriter {
            sh,
            scratch,
            rec: RecordBuf::default(),
            hits: Vec::new(),
            place: Placement::default(),
            cache: residency::Cache::default(),
            edits: Vec::new(),
            leaves: Vec::new(),
            report: FileReport::default(),
        }
    }

    /// Redact one file; what went wrong is in the report's `error`.
    fn file(&mut self, job: &Job) -> FileReport {
        self.report = FileReport {
            input: job.input.to_string_lossy().into_owned(),
            output: job.output.to_string_lossy().into_owned(),
            ..Default::default()
        };
        if let Err(e) = self.copy(job) {
            self.report.error = Some(e);
        }
        std::mem::take(&mut self.report)
    }

    fn copy(&mut self, job: &Job) -> std::result::Result<(), String> {
        let raw = File::open(&job.input).map_err(|e| format!("cannot open: {e}"))?;
        let (dec, compression) = input::decoder(raw).map_err(|e| format!("cannot read: {e}"))?;
        self.report.compression = compression.as_str().to_string();
        if matches!(compression, Compression::Xz | Compression::Lz4) {
            return Err(format!(
                "{} input: redact writes gzip, zstd and bzip2 copies only (decompress it first)",
                compression.as_str()
            ));
        }
        let mut reader = BufReader::with_capacity(input::READ_CHUNK, dec);
        let mut head = Vec::with_capacity(HEAD);
        (&mut reader)
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
        if format.many_per_line() {
            return Err("OpenTelemetry export: redact does not rewrite OTLP records yet".into());
        }
        self.report.format = format.as_str().to_string();
        self.cache.start_file(self.sh.res, &name);
        let (file, pending) = Pending::create(&job.output)
            .map_err(|e| format!("cannot write {}: {e}", job.output.display()))?;
        let mut sink = Sink::new(file, compression).map_err(|e| e.to_string())?;
        let mut lines = io::Cursor::new(head).chain(reader);
        self.lines(&mut lines, &mut sink, format)
            .map_err(|e| e.to_string())?;
        sink.finish()
            .and_then(|()| pending.commit())
            .map_err(|e| format!("cannot write {}: {e}", job.output.display()))
    }

    fn lines(&mut self, r: &mut impl BufRead, out: &mut Sink, format: Format) -> io::Result<()> {
        let mut buf = Vec::new();
        let mut header = Header::default();
        let mut first = true;
        let delimiter = self.sh.config.csv_delimiter.map(|c| c as u8);
        loop {
            buf.clear();
            if r.read_until(b'\n', &mut buf)? == 0 {
                return Ok(());
            }
            if self.report.lines_in.is_multiple_of(4096)
                && self.sh.cancel.is_some_and(|c| c.load(Ordering::Relaxed))
            {
                return Err(io::Error::other("cancelled"));
            }
            self.report.lines_in += 1;
            // The line as the scan sees it: no terminator, no `\r`, no BOM
            // before the first line; all of these are written back as read.
            let mut body = &buf[..];
            let mut end = b"".as_slice();
            if let Some(b) = body.strip_suffix(b"\n") {
                body = b;
                end = b"\n";
                if let Some(b) = body.strip_suffix(b"\r") {
                    body = b;
                    end = b"\r\n";
                }
            }
            let mut bom = b"".as_slice();
            if first && let Some(b) = body.strip_prefix(b"\xEF\xBB\xBF") {
                body = b;
                bom = b"\xEF\xBB\xBF";
            }
            let read_header = first && format.has_header();
            first = false;
            if read_header {
                header = formats::parse_header_with(format, body, delimiter);
            }
            if read_header || body.iter().all(u8::is_ascii_whitespace) {
                out.write(&buf)?;
                self.report.lines_out += 1;
                continue;
            }
            self.report.records += 1;
            let outcome = if body.len() > self.sh.config.max_line {
                // The scan reads only the start of an overlong line: the
                // rest cannot be shown clean, so the record is not sent.
                Outcome::Dropped { unrewritable: true }
            } else {
                self.record(format, &header, body)
            };
            match outcome {
                Outcome::Unchanged => {
                    out.write(&buf)?;
                    self.report.lines_out += 1;
                }
                Outcome::Changed(line) => {
                    out.write(bom)?;
                    out.write(&line)?;
                    out.write(end)?;
                    self.report.lines_out += 1;
                    self.report.records_changed += 1;
                }
                Outcome::Dropped { unrewritable } => {
                    self.report.records_dropped += 1;
                    self.report.dropped_unrewritable += u64::from(unrewritable);
                    if !bom.is_empty() {
                        // The BOM belongs to the file, not to its first record.
                        out.write(bom)?;
                    }
                }
            }
        }
    }

    /// One record: scanned, and rewritten until a scan of it finds no
    /// violation.
    fn record(&mut self, format: Format, header: &Header, line: &[u8]) -> Outcome {
        let mut current: Option<Vec<u8>> = None;
        for _ in 0..MAX_ROUNDS {
            let l = current.as_deref().unwrap_or(line);
            let parsed = formats::parse(format, l, header, &mut self.rec).is_ok();
            if !parsed {
                self.rec.set_text(l);
            }
            self.violations(format);
            if self.edits.is_empty() {
                return match current {
                    Some(c) => Outcome::Changed(c),
                    None => Outcome::Unchanged,
                };
            }
            if let Some(e) = self.edits.iter().find(|e| e.action == Action::DropRecord) {
                let category = self.sh.det.rule(e.rule).category.clone();
                self.count(&category, Action::DropRecord);
                return Outcome::Dropped {
                    unrewritable: false,
                };
            }
            let json = format == Format::Jsonl && parsed;
            match self.rewrite(l, json) {
                Some(next) => current = Some(next),
                None => return Outcome::Dropped { unrewritable: true },
            }
        }
        Outcome::Dropped { unrewritable: true }
    }

    fn count(&mut self, category: &str, action: Action) {
        *self.report.actions.entry(action.to_string()).or_default() += 1;
        *self
            .report
            .categories
            .entry(category.to_string())
            .or_default()
            .entry(action.to_string())
            .or_default() += 1;
    }

    /// The record's values that are violations, as edits (in `self.edits`).
    /// A record naming several destinations: a value is a violation if it
    /// is one for any of them (the scan takes the most restrictive one).
    fn violations(&mut self, format: Format) {
        self.edits.clear();
        self.hits.clear();
        let sh = self.sh;
        sh.det
            .scan(&self.rec, &mut self.scratch, false, &mut self.hits);
        if self.hits.is_empty() {
            return;
        }
        sh.extract
            .extract(&self.rec, self.scratch.roles(), &mut self.place);
        let has_dest = self.place.dest_found() != Found::None;
        let has_origin = self.place.origin_found() != Found::None;
        let (origin, _) = self
            .cache
            .origin(sh.res, has_origin.then_some(self.place.origin.as_str()));
        let mut entries = Vec::with_capacity(1);
        if self.place.candidates.len() > 1 {
            for (raw, _) in &self.place.candidates {
                entries.push(self.cache.destination(sh.res, Some(raw)));
            }
        } else {
            let dest = has_dest.then_some(self.place.dest.as_str());
            entries.push(self.cache.destination(sh.res, dest));
        }
        for h in &self.hits {
            // A CSV key is a header cell, not part of the row: rows are
            // rewritten, the header is copied (see docs/redact.md).
            if h.in_key && format.has_header() {
                continue;
            }
            let spec = sh.det.rule(h.rule);
            let violation = entries.iter().any(|&entry| {
                let d = self
                    .cache
                    .decide(sh.res, h.rule, &spec.id, &spec.category, origin, entry);
                d.verdict == Verdict::Violation
            });
            // Nothing is left to replace in an empty value (`remove` left
            // it). A mask or a pseudonym key and record-type rules do not
            // fire on (`Detectors::masked_already`); one a value rule still
            // finds is replaced again, as the proof scan would find it too.
            let empty = h.start == h.end;
            if violation && !empty {
                self.edits.push(Edit {
                    field: h.field,
                    start: h.start,
                    end: h.end,
                    in_key: h.in_key,
                    action: sh.actions.of(&spec.id, &spec.category),
                    rule: h.rule,
                });
            }
        }
    }

    /// What replaces `raw`, found by `rule`, under `action`.
    fn replacement(&self, rule: u16, action: Action, raw: &[u8]) -> String {
        let spec = self.sh.det.rule(rule);
        match action {
            Action::Mask => {
                // A rule whose evidence is shown as is still has its value
                // hidden in a copy that leaves.
                let style = match spec.mask {
                    MaskStyle::None => MaskStyle::Full,
                    s => s,
                };
                crate::mask::mask(style, raw)
            }
            Action::Pseudonymize => {
                let mut mac = self.sh.mac.expect("checked before any file").clone();
                mac.update(raw);
                let tag = mac.finalize().into_bytes();
                format!("{}_{}", spec.category, hex16(&tag))
            }
            Action::Remove | Action::DropRecord => String::new(),
        }
    }

    /// The line with `self.edits` applied; None when a value cannot be
    /// found in the line (the record is then dropped, never sent as is).
    fn rewrite(&mut self, line: &[u8], json: bool) -> Option<Vec<u8>> {
        if json && let Some(out) = self.rewrite_json(line) {
            return Some(out);
        }
        self.rewrite_spans(line)
    }

    /// Any format: each value replaced where it lies in the line.
    fn rewrite_spans(&mut self, line: &[u8]) -> Option<Vec<u8>> {
        // (start, end, action, rule) in the line.
        let mut spans: Vec<(usize, usize, Action, u16)> = Vec::with_capacity(self.edits.len());
        for e in &self.edits {
            let f = &self.rec.fields[e.field as usize];
            let (s, t) = (e.start as usize, e.end as usize);
            let value = self.rec.value(f);
            let raw = if e.in_key {
                &self.rec.path(f)[s..t]
            } else {
                &value[s..t]
            };
            if raw.is_empty() {
                continue;
            }
            let from = f.line_from as usize;
            let exact = !e.in_key
                && !f.derived
                && line.get(from..).is_some_and(|rest| rest.starts_with(value));
            let at = if exact {
                from + s
            } else {
                let after = line
                    .get(from..)
                    .and_then(|rest| memchr::memmem::find(rest, raw))
                    .map(|i| from + i);
                after.or_else(|| memchr::memmem::find(line, raw))?
            };
            spans.push((at, at + raw.len(), e.action, e.rule));
        }
        spans.sort_unstable_by_key(|s| (s.0, std::cmp::Reverse(s.1)));
        let mut out = Vec::with_capacity(line.len());
        let mut at = 0;
        let mut i = 0;
        while i < spans.len() {
            let (start, mut end, mut action, rule) = spans[i];
            // Overlapping values become one, under the strongest action.
            while i + 1 < spans.len() && spans[i + 1].0 < end {
                i += 1;
                end = end.max(spans[i].1);
                action = action.max(spans[i].2);
            }
            i += 1;
            let category = self.sh.det.rule(rule).category.clone();
            self.count(&category, action);
            out.extend_from_slice(&line[at..start]);
            out.extend_from_slice(self.replacement(rule, action, &line[start..end]).as_bytes());
            at = end;
        }
        out.extend_from_slice(&line[at..]);
        Some(out)
    }

    /// JSON Lines: each edited leaf written again as a JSON token (a
    /// replaced number or boolean becomes a string: a token is not a
    /// number), a removed leaf's member removed; None to fall back to
    /// [`Self::rewrite_spans`] (the leaves do not pair with the fields).
    fn rewrite_json(&mut self, line: &[u8]) -> Option<Vec<u8>> {
        json::leaves(line, &mut self.leaves)?;
        let parsed = self.rec.fields.iter().filter(|f| !f.derived).count();
        if parsed != self.leaves.len() {
            return None;
        }
        // Per leaf: (start, end, action, rule) in the field's value.
        let mut per_field: BTreeMap<usize, Vec<(usize, usize, Action, u16)>> = BTreeMap::new();
        let mut keys: Vec<(Vec<u8>, Action, u16)> = Vec::new();
        for e in &self.edits {
            let f = &self.rec.fields[e.field as usize];
            let (s, t) = (e.start as usize, e.end as usize);
            if e.in_key {
                keys.push((self.rec.path(f)[s..t].to_vec(), e.action, e.rule));
            } else if !f.derived {
                per_field
                    .entry(e.field as usize)
                    .or_default()
                    .push((s, t, e.action, e.rule));
            } else {
                // A value read out of another field's text (`fx=…` in a
                // message): replaced wherever it is in the parsed fields.
                let raw = &self.rec.value(f)[s..t];
                if raw.is_empty() {
                    continue;
                }
                let mut found = false;
                for (i, g) in self.rec.fields.iter().enumerate() {
                    if g.derived {
                        continue;
                    }
                    let v = self.rec.value(g);
                    for at in memchr::memmem::find_iter(v, raw) {
                        found = true;
                        per_field.entry(i).or_default().push((
                            at,
                            at + raw.len(),
                            e.action,
                            e.rule,
                        ));
                    }
                }
                if !found {
                    return None;
                }
            }
        }
        let mut out = line.to_vec();
        // Right to left: an edit never moves the leaves before it, and a
        // member removed after another sees the commas as they now are.
        for (&fi, spans) in per_field.iter_mut().rev() {
            let leaf = self.leaves[fi];
            let value = self.rec.value(&self.rec.fields[fi]).to_vec();
            spans.sort_unstable_by_key(|s| (s.0, std::cmp::Reverse(s.1)));
            let whole_removed = spans
                .iter()
                .any(|&(s, t, a, _)| a == Action::Remove && s == 0 && t == value.len());
            if whole_removed {
                let rule = spans[0].3;
                let category = self.sh.det.rule(rule).category.clone();
                self.count(&category, Action::Remove);
                match leaf.member {
                    Some(m) => {
                        let (from, to) = json::member_cut(&out, m, leaf.end);
                        out.drain(from..to);
                    }
                    None => {
                        out.splice(leaf.start..leaf.end, b"null".iter().copied());
                    }
                }
                continue;
            }
            let mut text = Vec::with_capacity(value.len());
            let mut at = 0;
            let mut i = 0;
            while i < spans.len() {
                let (start, mut end, mut action, rule) = spans[i];
                if start < at {
                    i += 1;
                    continue;
                }
                while i + 1 < spans.len() && spans[i + 1].0 < end {
                    i += 1;
                    end = end.max(spans[i].1);
                    action = action.max(spans[i].2);
                }
                i += 1;
                let category = self.sh.det.rule(rule).category.clone();
                self.count(&category, action);
                text.extend_from_slice(&value[at..start]);
                text.extend_from_slice(
                    self.replacement(rule, action, &value[start..end])
                        .as_bytes(),
                );
                at = end;
            }
            text.extend_from_slice(&value[at..]);
            let mut token = Vec::with_capacity(text.len() + 2);
            json::quote(&String::from_utf8_lossy(&text), &mut token);
            out.splice(leaf.start..leaf.end, token);
        }
        for (raw, action, rule) in keys {
            if raw.is_empty() {
                continue;
            }
            let with = self.replacement(rule, action, &raw);
            let category = self.sh.det.rule(rule).category.clone();
            self.count(&category, action);
            let mut next = Vec::with_capacity(out.len());
            let mut at = 0;
            let mut found = false;
            for i in memchr::memmem::find_iter(&out, &raw) {
                if i < at {
                    continue;
                }
                found = true;
                next.extend_from_slice(&out[at..i]);
                next.extend_from_slice(with.as_bytes());
                at = i + raw.len();
            }
            if !found {
                return None;
            }
            next.extend_from_slice(&out[at..]);
            out = next;
        }
        // What is written must still be one JSON document.
        serde_json::from_slice::<serde::de::IgnoredAny>(&out).ok()?;
        Some(out)
    }
}
