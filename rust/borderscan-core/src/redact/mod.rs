//! `borderscan redact` and `borderscan filter`: every value the policy does
//! not let go where its record goes is masked, pseudonymized or removed
//! (or its record dropped), and every other byte is as it was.
//!
//! Each record goes through the scan's own chain (parse, detect, place,
//! decide: the same detectors, residency and caches as a scan) and, when
//! something in it is a violation, through [`Rewriter`], which edits the
//! line in its format (`json.rs` for JSON Lines, `otlp.rs` for OTLP
//! exports, the value's place in the line for the others). The rewritten
//! record is then scanned again until nothing in it is a violation (a key
//! rule fires once per record, so a second `calib.*` field shows only once
//! the first is gone); a record that does not get there in [`MAX_ROUNDS`]
//! rounds, or whose value cannot be located in its line, is dropped and
//! counted. So every record written is one a scan under the same options
//! finds no violation in.
//!
//! Files (`files.rs`) and a stream (`filter.rs`) go through the same line
//! loop, [`Rewriter::stream`], so a filter's output is a redaction's.
//! Files run a file per thread, not inside the scan engine's
//! range-splitting pool: a big single file is one thread's work.

mod actions;
mod files;
mod filter;
mod json;
mod otlp;

use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub use actions::{Action, Actions};
pub use files::{Job, redact_files};
pub use filter::{Filter, Filtered, OnViolation, Violation};

use crate::config::ScanConfig;
use crate::detect::{Detectors, Hit, Scratch};
use crate::error::{Error, Result};
use crate::formats::{self, Format, Header, OtlpRecords, RecordBuf};
use crate::policy::Verdict;
use crate::residency::{self, Residency};
use crate::resolve::{Extractor, Found, Placement};
use crate::rules::{MaskStyle, RuleKind};

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

/// What was done to one file (or one filtered stream).
#[derive(Debug, Clone, Default, Serialize)]
pub struct FileReport {
    pub input: String,
    pub output: String,
    pub format: String,
    pub compression: String,
    /// Lines read (headers and blank lines included) and written.
    pub lines_in: u64,
    pub lines_out: u64,
    /// Records read (an OTLP line holds many).
    pub records: u64,
    /// Records written with at least one value replaced.
    pub records_changed: u64,
    /// Records left out: by a `drop-record` action (or `filter
    /// --on-violation drop`), or because a value could not be rewritten in
    /// place (`dropped_unrewritable`, within `records_dropped`).
    pub records_dropped: u64,
    pub dropped_unrewritable: u64,
    /// Lines longer than the line limit (a redaction drops them; a filter
    /// that passes records passes them, checked up to the limit).
    pub overlong_lines: u64,
    /// Values replaced, per action (`drop-record` counts records).
    pub actions: BTreeMap<String, u64>,
    /// Values replaced per category, then per action.
    pub categories: BTreeMap<String, BTreeMap<String, u64>>,
    /// Violations found in the input (before any rewriting), per severity
    /// (`none` for a rule without one): what a scan of it reports.
    pub violations: BTreeMap<String, u64>,
    /// Why the file could not be redacted (no copy was written).
    pub error: Option<String>,
}

/// What every rewriter reads: the scan's detectors and residency, the
/// actions in force and the pseudonymization key. Built once, shared by
/// the threads of a redaction or held by a filter.
pub struct Redactor {
    config: ScanConfig,
    det: Detectors,
    res: Residency,
    actions: Actions,
    mac: Option<Hmac<Sha256>>,
    extract: Extractor,
}

impl Redactor {
    /// Check the options, load the policy's `[redact]` table under the
    /// command line's actions, and check the key. Errors are configuration
    /// errors, found before any record is read.
    pub fn new(config: &ScanConfig, redaction: &Redaction) -> Result<Redactor> {
        config.validate()?;
        let det = config.detectors()?;
        let names = crate::policy::Names::of_rules(&det.rules);
        let res = config.residency(Some(&names))?;
        let mut actions = redaction.actions.clone();
        if let Some(policy) = &config.policy {
            let place = policy.to_string_lossy();
            let text = std::fs::read_to_string(policy).map_err(|e| {
                Error::config(place.as_ref(), format!("cannot read the policy: {e}"))
            })?;
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
        Ok(Redactor {
            config: config.clone(),
            det,
            res,
            actions,
            mac,
            extract: Extractor::new(),
        })
    }

    /// The actions in force (the command line's over the policy's).
    pub fn actions(&self) -> &Actions {
        &self.actions
    }
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

/// A value's place in the text being rewritten, and what to do there.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    action: Action,
    rule: u16,
}

/// What a scan of a record in [`Rewriter::decide`] is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pass {
    /// The findings of the record as it came in, as a scan reports them.
    Findings,
    /// The edits, and the violations counted as a scan would count them.
    CountedEdits,
    /// The edits only (a record being rewritten).
    Edits,
}

/// What became of one record.
enum Outcome {
    Unchanged,
    Changed(Vec<u8>),
    Dropped { unrewritable: bool },
}

/// How one line is written out by [`Rewriter::step`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// The line as read.
    Copy,
    /// `Rewriter::out` (a rewritten line, or a BOM left of a dropped one).
    Write,
}

/// Where a stream is: its format (known from the first record on) and its
/// header.
struct Lines {
    name: String,
    format: Option<Format>,
    header: Header,
    first: bool,
}

impl Lines {
    fn new(name: &str, format: Option<Format>) -> Lines {
        Lines {
            name: name.to_string(),
            format,
            header: Header::default(),
            first: true,
        }
    }
}

/// A line read by [`read_line`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Got {
    Eof,
    Line,
    /// Longer than the limit: `buf` holds its start, the rest is unread.
    Long,
}

/// Read one line (its terminator included) into `buf`, at most `limit`
/// bytes of it: memory stays bounded whatever the input.
fn read_line<R: Read>(r: &mut BufReader<R>, buf: &mut Vec<u8>, limit: usize) -> io::Result<Got> {
    buf.clear();
    loop {
        let avail = match r.fill_buf() {
            Ok(a) => a,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            return Ok(if buf.is_empty() { Got::Eof } else { Got::Line });
        }
        let room = (limit + 1).saturating_sub(buf.len()).max(1);
        match memchr::memchr(b'\n', avail) {
            Some(i) if i < room => {
                buf.extend_from_slice(&avail[..=i]);
                r.consume(i + 1);
                return Ok(Got::Line);
            }
            _ => {
                let n = avail.len().min(room);
                buf.extend_from_slice(&avail[..n]);
                r.consume(n);
                if buf.len() > limit {
                    return Ok(Got::Long);
                }
            }
        }
    }
}

/// The rest of a line [`read_line`] stopped in: copied to `out`, or
/// skipped when `out` is None.
fn rest_of_line<R: Read>(r: &mut BufReader<R>, mut out: Option<&mut dyn Write>) -> io::Result<()> {
    loop {
        let avail = r.fill_buf()?;
        if avail.is_empty() {
            return Ok(());
        }
        let (n, done) = match memchr::memchr(b'\n', avail) {
            Some(i) => (i + 1, true),
            None => (avail.len(), false),
        };
        if let Some(o) = out.as_deref_mut() {
            o.write_all(&avail[..n])?;
        }
        r.consume(n);
        if done {
            return Ok(());
        }
    }
}

/// A thread's buffers, reused record after record (as a scan's worker's).
struct Rewriter {
    sh: Arc<Redactor>,
    on: OnViolation,
    scratch: Scratch,
    rec: RecordBuf,
    hits: Vec<Hit>,
    place: Placement,
    cache: residency::Cache,
    edits: Vec<Edit>,
    leaves: Vec<json::Leaf>,
    otlp: OtlpRecords,
    /// The line to write when a step says [`Step::Write`].
    out: Vec<u8>,
    /// The violations of the current line, when they are wanted
    /// ([`Filter`]'s findings).
    findings: Option<Vec<Violation>>,
    /// Record index within the current line (OTLP lines hold many).
    record_no: u32,
    /// Counts of the file or stream being rewritten.
    report: FileReport,
}

/// Every place `raw` occurs in `hay`, as a span to replace under `action`.
fn occurrences<'a>(
    hay: &'a [u8],
    raw: &'a [u8],
    action: Action,
    rule: u16,
) -> impl Iterator<Item = Span> + 'a {
    memchr::memmem::find_iter(hay, raw).map(move |at| Span {
        start: at,
        end: at + raw.len(),
        action,
        rule,
    })
}

/// What replaces `raw`, found by `rule`, under `action`.
fn replacement(sh: &Redactor, rule: u16, action: Action, raw: &[u8]) -> String {
    let spec = sh.det.rule(rule);
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
            let mut mac = sh.mac.clone().expect("checked before any record");
            mac.update(raw);
            let tag = mac.finalize().into_bytes();
            format!("{}_{}", spec.category, hex16(&tag))
        }
        Action::Remove | Action::DropRecord => String::new(),
    }
}

impl Rewriter {
    fn new(sh: Arc<Redactor>, on: OnViolation) -> Self {
        let mut scratch = Scratch::with_roles(&sh.config.dest_fields, &sh.config.origin_fields);
        scratch.every_field = true;
        Rewriter {
            sh,
            on,
            scratch,
            rec: RecordBuf::default(),
            hits: Vec::new(),
            place: Placement::default(),
            cache: residency::Cache::default(),
            edits: Vec::new(),
            leaves: Vec::new(),
            otlp: OtlpRecords::default(),
            out: Vec::new(),
            findings: None,
            record_no: 0,
            report: FileReport::default(),
        }
    }

    /// Every line of `r` to `out`, in order, each as soon as it is decided.
    /// With `live`, `out` (and `findings`) are flushed whenever no more
    /// input is waiting, so a record is never held back for the next.
    fn stream<R: Read>(
        &mut self,
        st: &mut Lines,
        r: &mut BufReader<R>,
        out: &mut dyn Write,
        mut findings: Option<&mut dyn Write>,
        live: bool,
        cancel: Option<&AtomicBool>,
    ) -> io::Result<()> {
        let mut buf = Vec::new();
        loop {
            if live && r.buffer().is_empty() {
                out.flush()?;
                if let Some(f) = findings.as_deref_mut() {
                    f.flush()?;
                }
            }
            if self.report.lines_in.is_multiple_of(4096)
                && cancel.is_some_and(|c| c.load(Ordering::Relaxed))
            {
                return Err(io::Error::other("cancelled"));
            }
            // Room for a BOM and a `\r\n` around a line at the limit.
            let limit = self.line_limit(st) + 8;
            let read = read_line(r, &mut buf, limit)?;
            if read == Got::Eof {
                if let Some(f) = findings.as_deref_mut() {
                    f.flush()?;
                }
                return out.flush();
            }
            let long = read == Got::Long;
            let step = self.step(st, &buf, long);
            if let Some(v) = self.findings.as_mut() {
                if let Some(f) = findings.as_deref_mut() {
                    for x in v.iter() {
                        serde_json::to_writer(&mut *f, x)?;
                        f.write_all(b"\n")?;
                    }
                }
                v.clear();
            }
            match step {
                Step::Copy => {
                    out.write_all(&buf)?;
                    if long {
                        rest_of_line(r, Some(out))?;
                    }
                }
                Step::Write => {
                    out.write_all(&self.out)?;
                    if long {
                        rest_of_line(r, None)?;
                    }
                }
            }
        }
    }

    fn line_limit(&self, st: &Lines) -> usize {
        match st.format {
            Some(f) => self.sh.config.line_limit(f),
            // Not known before the first record: an OTLP stream's lines may
            // be as long as its limit.
            None => self.sh.config.line_limit(Format::Otlp),
        }
    }

    /// One line `buf` as read (terminator included; only its start when
    /// `long`): what to write for it.
    fn step(&mut self, st: &mut Lines, buf: &[u8], long: bool) -> Step {
        self.report.lines_in += 1;
        self.out.clear();
        // The line as the scan sees it: no terminator, no `\r`, no BOM
        // before the first line; all of these are written back as read.
        let mut body = buf;
        let mut end = b"".as_slice();
        if !long && let Some(b) = body.strip_suffix(b"\n") {
            body = b;
            end = b"\n";
            if let Some(b) = body.strip_suffix(b"\r") {
                body = b;
                end = b"\r\n";
            }
        }
        let mut bom = b"".as_slice();
        if st.first
            && let Some(b) = body.strip_prefix(b"\xEF\xBB\xBF")
        {
            body = b;
            bom = b"\xEF\xBB\xBF";
        }
        let blank = body.iter().all(u8::is_ascii_whitespace);
        let format = match st.format {
            Some(f) => f,
            None if blank => {
                self.report.lines_out += 1;
                return Step::Copy;
            }
            None => {
                let f = self
                    .sh
                    .config
                    .input_format
                    .unwrap_or_else(|| formats::detect(&st.name, body));
                st.format = Some(f);
                self.report.format = f.as_str().to_string();
                f
            }
        };
        let read_header = st.first && format.has_header();
        st.first = false;
        if read_header {
            let delimiter = self.sh.config.csv_delimiter.map(|c| c as u8);
            st.header = formats::parse_header_with(format, body, delimiter);
        }
        if read_header || blank {
            self.report.lines_out += 1;
            return Step::Copy;
        }
        let max = self.sh.config.line_limit(format);
        let overlong = long || body.len() > max;
        self.report.overlong_lines += u64::from(overlong);
        let outcome = if overlong && self.on != OnViolation::Pass {
            // The scan reads only the start of an overlong line: the rest
            // cannot be shown clean, so the record is not sent.
            self.report.records += 1;
            Outcome::Dropped { unrewritable: true }
        } else if format.many_per_line() {
            self.otlp_line(&body[..body.len().min(max)])
        } else {
            self.report.records += 1;
            self.record_no = 0;
            let header = std::mem::take(&mut st.header);
            let o = self.record(format, &header, &body[..body.len().min(max)]);
            st.header = header;
            o
        };
        match outcome {
            Outcome::Unchanged => {
                self.report.lines_out += 1;
                Step::Copy
            }
            Outcome::Changed(line) => {
                self.out.extend_from_slice(bom);
                self.out.extend_from_slice(&line);
                self.out.extend_from_slice(end);
                self.report.lines_out += 1;
                Step::Write
            }
            Outcome::Dropped { unrewritable } => {
                self.report.records_dropped += 1;
                self.report.dropped_unrewritable += u64::from(unrewritable);
                // The BOM belongs to the file, not to its first record.
                self.out.extend_from_slice(bom);
                Step::Write
            }
        }
    }

    /// One record: scanned, and rewritten until a scan of it finds no
    /// violation.
    fn record(&mut self, format: Format, header: &Header, line: &[u8]) -> Outcome {
        let mut current: Option<Vec<u8>> = None;
        for round in 0..MAX_ROUNDS {
            let l = current.as_deref().unwrap_or(line);
            let parsed = formats::parse(format, l, header, &mut self.rec).is_ok();
            if !parsed {
                self.rec.set_text(l);
            }
            self.violations(format, round == 0);
            if self.edits.is_empty() {
                return match current {
                    Some(c) => {
                        self.report.records_changed += 1;
                        Outcome::Changed(c)
                    }
                    None => Outcome::Unchanged,
                };
            }
            match self.on {
                OnViolation::Pass => return Outcome::Unchanged,
                OnViolation::Drop => {
                    return Outcome::Dropped {
                        unrewritable: false,
                    };
                }
                OnViolation::Redact => {}
            }
            if let Some(e) = self.edits.iter().find(|e| e.action == Action::DropRecord) {
                let category = self.sh.det.rule(e.rule).category.clone();
                self.count(&category, Action::DropRecord);
                return Outcome::Dropped {
                    unrewritable: false,
                };
            }
            let json = format == Format::Jsonl && parsed;
            let next = if json {
                self.rewrite_json(l).or_else(|| self.rewrite_spans(l))
            } else {
                self.rewrite_spans(l)
            };
            match next {
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

    /// The record's values that are violations, as edits (in `self.edits`);
    /// with `first` (the record as read), also counted and, when wanted,
    /// kept as findings. A record naming several destinations: a value is
    /// a violation if it is one for any of them (the scan takes the most
    /// restrictive one).
    fn violations(&mut self, format: Format, first: bool) {
        self.edits.clear();
        // Findings as a scan reports them (a key rule once per record, with
        // evidence) come from a pass of their own; the edits from a pass that
        // reports every field a key rule fires on and shows nothing: the
        // evidence of a record of many hits costs more than the record.
        if first && self.findings.is_some() {
            self.decide(format, Pass::Findings);
            if self.hits.is_empty() {
                return;
            }
            self.decide(format, Pass::Edits);
        } else if first {
            self.decide(format, Pass::CountedEdits);
        } else {
            self.decide(format, Pass::Edits);
        }
    }

    /// One scan of the record and the verdict of each hit, as `pass` says.
    fn decide(&mut self, format: Format, pass: Pass) {
        self.hits.clear();
        let sh = &*self.sh;
        let show = sh.config.show_values;
        self.scratch.every_field = pass != Pass::Findings;
        self.scratch.no_evidence = pass != Pass::Findings;
        sh.det
            .scan(&self.rec, &mut self.scratch, show, &mut self.hits);
        if self.hits.is_empty() {
            return;
        }
        sh.extract
            .extract(&self.rec, self.scratch.roles(), &mut self.place);
        let has_dest = self.place.dest_found() != Found::None;
        let has_origin = self.place.origin_found() != Found::None;
        let (origin, _) = self
            .cache
            .origin(&sh.res, has_origin.then_some(self.place.origin.as_str()));
        // (entry, the destination as written) per destination named.
        let mut entries: Vec<(u32, Option<&str>)> = Vec::with_capacity(1);
        if self.place.candidates.len() > 1 {
            for (raw, _) in &self.place.candidates {
                entries.push((self.cache.destination(&sh.res, Some(raw)), Some(raw)));
            }
        } else {
            let dest = has_dest.then_some(self.place.dest.as_str());
            entries.push((self.cache.destination(&sh.res, dest), dest));
        }
        // Key and keyword rules counted once per record, as a scan reports
        // them, though every field they fire on is an edit.
        let mut counted: Vec<u16> = Vec::new();
        for h in &self.hits {
            // A CSV key is a header cell, not part of the row: rows are
            // rewritten, the header is copied (see docs/redact.md).
            if h.in_key && format.has_header() {
                continue;
            }
            let spec = sh.det.rule(h.rule);
            let violation = entries.iter().find_map(|&(entry, dest)| {
                let d = self
                    .cache
                    .decide(&sh.res, h.rule, &spec.id, &spec.category, origin, entry);
                (d.verdict == Verdict::Violation).then_some((d, entry, dest))
            });
            let Some((decision, entry, dest)) = violation else {
                continue;
            };
            let action = sh.actions.of(&spec.id, &spec.category);
            let once = matches!(spec.kind, RuleKind::Key | RuleKind::Keyword);
            let count = match pass {
                Pass::Findings => true,
                Pass::CountedEdits if once => {
                    let new = !counted.contains(&h.rule);
                    counted.push(h.rule);
                    new
                }
                Pass::CountedEdits => true,
                Pass::Edits => false,
            };
            if count {
                let severity = decision.severity.map_or("none", |s| s.as_str());
                *self
                    .report
                    .violations
                    .entry(severity.to_string())
                    .or_default() += 1;
            }
            if pass == Pass::Findings
                && let Some(v) = self.findings.as_mut()
            {
                let f = &self.rec.fields[h.field as usize];
                let field = (!f.text).then(|| match self.scratch.masked_path(h.field) {
                    Some(masked) if !show => masked.to_string(),
                    _ => String::from_utf8_lossy(self.rec.path(f)).into_owned(),
                });
                let destination = dest.map(|d| match crate::resolve::redact_destination(d) {
                    Some(clean) if !show => clean,
                    _ => d.to_string(),
                });
                let country = self.cache.resolution(entry).country;
                v.push(Violation {
                    line: self.report.lines_in,
                    record: self.record_no,
                    detector: spec.id.clone(),
                    category: spec.category.clone(),
                    field,
                    evidence: h.evidence.clone(),
                    destination,
                    dest_country: crate::country::countries().code(country).to_string(),
                    severity: decision.severity.map(|s| s.as_str().to_string()),
                    rule: decision.rule.map(|r| sh.res.rule_ids[r as usize].clone()),
                    action: match self.on {
                        OnViolation::Pass => "pass".to_string(),
                        OnViolation::Drop => "drop-record".to_string(),
                        OnViolation::Redact => action.to_string(),
                    },
                });
                continue;
            }
            // Nothing is left to replace in an empty value (`remove` left
            // it). A mask or a pseudonym key and record-type rules do not
            // fire on (`Detectors::masked_already`); one a value rule still
            // finds is replaced again, as the proof scan would find it too.
            if h.start != h.end && pass != Pass::Findings {
                self.edits.push(Edit {
                    field: h.field,
                    start: h.start,
                    end: h.end,
                    in_key: h.in_key,
                    action,
                    rule: h.rule,
                });
            }
        }
    }

    /// `text` with each span replaced (overlapping spans become one, under
    /// the strongest action), every replacement counted.
    fn splice(&mut self, text: &[u8], spans: &mut [Span]) -> Vec<u8> {
        spans.sort_unstable_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
        let mut out = Vec::with_capacity(text.len());
        let mut at = 0;
        let mut i = 0;
        while i < spans.len() {
            let Span {
                start,
                mut end,
                mut action,
                rule,
            } = spans[i];
            while i + 1 < spans.len() && spans[i + 1].start < end {
                i += 1;
                end = end.max(spans[i].end);
                action = action.max(spans[i].action);
            }
            i += 1;
            let category = self.sh.det.rule(rule).category.clone();
            self.count(&category, action);
            out.extend_from_slice(&text[at..start]);
            out.extend_from_slice(
                replacement(&self.sh, rule, action, &text[start..end]).as_bytes(),
            );
            at = end;
        }
        out.extend_from_slice(&text[at..]);
        out
    }

    /// Any format: each value replaced where it lies in the line; None
    /// when a value cannot be found in the line (the record is then
    /// dropped, never sent as is).
    fn rewrite_spans(&mut self, line: &[u8]) -> Option<Vec<u8>> {
        let mut spans: Vec<Span> = Vec::with_capacity(self.edits.len());
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
            spans.push(Span {
                start: at,
                end: at + raw.len(),
                action: e.action,
                rule: e.rule,
            });
        }
        Some(self.splice(line, &mut spans))
    }

    /// The spans of a value read out of another field's text (`fx=…` in
    /// a message): wherever its bytes are in the parsed fields, as
    /// (field, span); empty when they are nowhere.
    fn derived_spans(&self, raw: &[u8], action: Action, rule: u16) -> Vec<(usize, Span)> {
        let mut found = Vec::new();
        for (i, g) in self.rec.fields.iter().enumerate() {
            if !g.derived {
                found.extend(occurrences(self.rec.value(g), raw, action, rule).map(|s| (i, s)));
            }
        }
        found
    }

    /// `raw` (a value found in a key) replaced wherever it is in `out`;
    /// false when it is nowhere.
    fn replace_everywhere(
        &mut self,
        out: &mut Vec<u8>,
        raw: &[u8],
        action: Action,
        rule: u16,
    ) -> bool {
        let with = replacement(&self.sh, rule, action, raw);
        let category = self.sh.det.rule(rule).category.clone();
        self.count(&category, action);
        let mut next = Vec::with_capacity(out.len());
        let mut at = 0;
        let mut found = false;
        for i in memchr::memmem::find_iter(out.as_slice(), raw) {
            if i < at {
                continue;
            }
            found = true;
            next.extend_from_slice(&out[at..i]);
            next.extend_from_slice(with.as_bytes());
            at = i + raw.len();
        }
        next.extend_from_slice(&out[at..]);
        *out = next;
        found
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
        let mut per_field: BTreeMap<usize, Vec<Span>> = BTreeMap::new();
        let mut keys: Vec<(Vec<u8>, Action, u16)> = Vec::new();
        for e in &self.edits {
            let f = &self.rec.fields[e.field as usize];
            let (s, t) = (e.start as usize, e.end as usize);
            if e.in_key {
                keys.push((self.rec.path(f)[s..t].to_vec(), e.action, e.rule));
            } else if !f.derived {
                per_field.entry(e.field as usize).or_default().push(Span {
                    start: s,
                    end: t,
                    action: e.action,
                    rule: e.rule,
                });
            } else {
                let raw = &self.rec.value(f)[s..t];
                if raw.is_empty() {
                    continue;
                }
                let found = self.derived_spans(raw, e.action, e.rule);
                if found.is_empty() {
                    return None;
                }
                for (i, span) in found {
                    per_field.entry(i).or_default().push(span);
                }
            }
        }
        let mut out = line.to_vec();
        // Right to left: an edit never moves the leaves before it, and a
        // member removed after another sees the commas as they now are.
        for (&fi, spans) in per_field.iter_mut().rev() {
            let leaf = self.leaves[fi];
            let value = self.rec.value(&self.rec.fields[fi]).to_vec();
            let whole_removed = spans
                .iter()
                .any(|s| s.action == Action::Remove && s.start == 0 && s.end == value.len());
            if whole_removed {
                let category = self.sh.det.rule(spans[0].rule).category.clone();
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
            let text = self.splice(&value, spans);
            let mut token = Vec::with_capacity(text.len() + 2);
            json::quote(&String::from_utf8_lossy(&text), &mut token);
            out.splice(leaf.start..leaf.end, token);
        }
        for (raw, action, rule) in keys {
            if !raw.is_empty() && !self.replace_everywhere(&mut out, &raw, action, rule) {
                return None;
            }
        }
        // What is written must still be one JSON document.
        serde_json::from_slice::<serde::de::IgnoredAny>(&out).ok()?;
        Some(out)
    }
}
