//! `borderscan filter`: a gate in a telemetry pipeline. Records come in
//! on a stream (JSON Lines, OTLP/JSON exports, or any line format the scan
//! reads), each is decided as a redaction decides it and written out at
//! once, in order: as it was, rewritten, or not at all. What was found is
//! reported per violation ([`Violation`]), with evidence masked.
//!
//! Memory is bounded: one line at a time, at most the line limit of it
//! (`--max-line-bytes`, `--max-otlp-line-bytes` for OTLP) held. Latency is
//! bounded: output is flushed whenever no more input is waiting, so a
//! record is never held back until the next arrives.

use std::io::{BufRead, BufReader, Read, Write};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use serde::Serialize;

use super::{FileReport, Lines, Redaction, Redactor, Rewriter, Step};
use crate::config::ScanConfig;
use crate::error::{Error, Result};
use crate::input;

/// What a filter does with a record in which something is a violation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnViolation {
    /// Write it as it came (report only).
    Pass,
    /// Write it redacted, as `borderscan redact` would.
    #[default]
    Redact,
    /// Do not write it.
    Drop,
}

impl std::str::FromStr for OnViolation {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "pass" => Ok(OnViolation::Pass),
            "redact" => Ok(OnViolation::Redact),
            "drop" => Ok(OnViolation::Drop),
            _ => Err(Error::config(
                "--on-violation",
                format!("'{s}' is not one of pass, redact, drop"),
            )),
        }
    }
}

/// One violation a filter found in a record as it came in.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Violation {
    /// The line of the stream (from 1), and the record within it (from 0;
    /// an OTLP line holds many).
    pub line: u64,
    pub record: u32,
    pub detector: String,
    pub category: String,
    /// Dotted field path (a key holding a value shown masked); None for
    /// free text.
    pub field: Option<String>,
    /// Masked unless `--show-values`.
    pub evidence: String,
    /// The destination as the record names it (user, path and query left
    /// out unless `--show-values`), and its country.
    pub destination: Option<String>,
    pub dest_country: String,
    pub severity: Option<String>,
    /// The policy rule that decided it.
    pub rule: Option<String>,
    /// What was done: the value's action (`mask`, `pseudonymize`,
    /// `remove`, `drop-record`) or the filter's (`pass`, `drop-record`).
    pub action: String,
}

/// A stream that is not text is refused, not passed through: its values
/// would go out unread. Judged on the first read (it may be short: a pipe
/// gives what has arrived, and a gate must not wait for more).
fn refuse(head: &[u8]) -> std::io::Result<()> {
    let why = match (
        input::Compression::sniff(head),
        input::sniff_text(head, "-"),
    ) {
        (input::Compression::None, input::TextKind::Text) => return Ok(()),
        (input::Compression::None, input::TextKind::Encoded(e)) => format!(
            "{} text: filter reads UTF-8 (convert it first: iconv -f {} -t UTF-8)",
            e.as_str(),
            e.as_str()
        ),
        (input::Compression::None, input::TextKind::Binary) => {
            "binary input: filter reads text records (JSON Lines, OTLP/JSON, logfmt...)".into()
        }
        (c, _) => format!(
            "{}-compressed input: filter reads text (decompress it first: zcat, zstdcat... | borderscan filter)",
            c.as_str()
        ),
    };
    Err(std::io::Error::new(std::io::ErrorKind::InvalidData, why))
}

/// What became of one record given to [`Filter::record`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filtered {
    /// Write it as it came.
    Same,
    /// Write this instead.
    Rewritten(Vec<u8>),
    /// Write nothing.
    Dropped,
}

/// A record-at-a-time gate: [`Filter::run`] over a stream, or
/// [`Filter::record`] for a caller holding records one by one.
pub struct Filter {
    w: Rewriter,
    lines: Lines,
}

impl Filter {
    /// A filter under the scan's options; errors are configuration errors.
    pub fn new(config: &ScanConfig, redaction: &Redaction, on: OnViolation) -> Result<Filter> {
        let shared = Arc::new(Redactor::new(config, redaction)?);
        let mut w = Rewriter::new(shared, on);
        w.cache.start_file(&w.sh.res, "-");
        w.report.input = "-".into();
        w.report.output = "-".into();
        w.report.compression = "none".into();
        w.findings = Some(Vec::new());
        Ok(Filter {
            w,
            lines: Lines::new("-", config.input_format),
        })
    }

    /// Every line of `input` to `out`; each violation as a JSON line to
    /// `findings`. Returns when `input` ends; an error of either side ends
    /// it early. Compressed input is not read here (a pipe carries text).
    pub fn run(
        &mut self,
        input: impl Read,
        out: &mut dyn Write,
        findings: Option<&mut dyn Write>,
        cancel: Option<&AtomicBool>,
    ) -> std::io::Result<()> {
        let mut r = BufReader::with_capacity(input::READ_CHUNK, input);
        refuse(r.fill_buf()?)?;
        // Findings (and their evidence) only when someone reads them.
        self.w.findings = findings.is_some().then(Vec::new);
        self.w
            .stream(&mut self.lines, &mut r, out, findings, true, cancel)
    }

    /// One record (a line, without its terminator): what to write for it.
    /// Its violations are then in [`Filter::violations`].
    pub fn record(&mut self, line: &[u8]) -> Filtered {
        if let Some(v) = self.w.findings.as_mut() {
            v.clear();
        }
        let limit = self.w.line_limit(&self.lines);
        if line.len() > limit {
            // Counted and treated as `stream` treats a line it stops in.
            let step = self.w.step(&mut self.lines, &line[..limit + 1], true);
            return match step {
                Step::Copy => Filtered::Same,
                Step::Write => Filtered::Dropped,
            };
        }
        match self.w.step(&mut self.lines, line, false) {
            Step::Copy => Filtered::Same,
            // What is left of a dropped record: nothing, or the BOM.
            Step::Write if self.w.out.is_empty() || self.w.out == b"\xEF\xBB\xBF" => {
                Filtered::Dropped
            }
            Step::Write => Filtered::Rewritten(self.w.out.clone()),
        }
    }

    /// The violations found in the last record given to [`Filter::record`].
    pub fn violations(&self) -> &[Violation] {
        self.w.findings.as_deref().unwrap_or_default()
    }

    /// What the filter has done so far.
    pub fn report(&self) -> &FileReport {
        &self.w.report
    }
}
