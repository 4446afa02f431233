//! The JSON document of a scan (`--format json`), and the JSON lines of
//! `--format jsonl`, written as findings arrive: the findings rows are
//! rendered by the workers ([`Rendered`]); this writer only copies their
//! bytes in input order and closes the document with the summaries and the
//! accounting. The document's shape is a public contract (README).

use std::io::{self, Write};

use crate::accounting::Accounting;
use crate::residency::Residency;
use crate::summary::{CategoryRow, Rendered, Summary};

/// The category of a record in which nothing was found.
pub const NONE_CATEGORY: &str = "none";

/// The machine formats the engine writes itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocFormat {
    /// One JSON document: tool, findings, summaries, accounting.
    Json,
    /// One finding per line.
    Jsonl,
    /// Nothing: the caller only wants the summaries.
    None,
}

impl DocFormat {
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "json" => Some(DocFormat::Json),
            "jsonl" => Some(DocFormat::Jsonl),
            "none" => Some(DocFormat::None),
            _ => None,
        }
    }

    /// How workers render rows for this format: (before, after) each row.
    pub fn row_style(self) -> Option<(&'static [u8], &'static [u8])> {
        match self {
            DocFormat::Json => Some((b"", b",")),
            DocFormat::Jsonl => Some((b"\n", b"")),
            DocFormat::None => None,
        }
    }
}

/// The summaries of a scan as one JSON value: categories, detectors,
/// residency (flows, verdicts, violations..., and every record by origin and
/// destination), baseline and policy. Records with no finding are the
/// category `none`, so every record is in the categories too.
pub fn summary_json(s: &Summary, res: &Residency, acc: &Accounting) -> serde_json::Value {
    let baseline = res.baseline.as_ref().map(|b| {
        let absent: Vec<String> = b.absent().iter().map(|f| format!("{f:016x}")).collect();
        serde_json::json!({"matched": b.matched(), "absent": absent})
    });
    let mut categories = s.categories();
    let none: u64 = acc
        .records_by_flow
        .iter()
        .map(|f| f.records - f.classified)
        .sum();
    if none > 0 {
        categories.push(CategoryRow {
            category: NONE_CATEGORY.into(),
            records: none,
            hits: 0,
            detectors: 0,
        });
    }
    let mut residency = serde_json::to_value(s.residency()).expect("serialisable");
    residency["records"] = serde_json::to_value(&acc.records_by_flow).expect("serialisable");
    residency["coverage"] = coverage_json(acc);
    serde_json::json!({
        "categories": categories,
        "detectors": s.detectors(),
        "residency": residency,
        "baseline": baseline,
        "policy": {"name": res.policy.name, "version": res.policy.version, "place": res.policy.place},
    })
}

/// How much of the data could be placed: of all records, how many had a
/// destination (an origin) found in them, by the step that found it, and
/// how many ended in a country (not `unknown` or `indeterminate`).
pub fn coverage_json(acc: &Accounting) -> serde_json::Value {
    let records = acc.records;
    let share = |n: u64| {
        if records == 0 {
            0.0
        } else {
            // Four decimals: a share, not a measurement to 17 digits.
            (n as f64 / records as f64 * 10_000.0).round() / 10_000.0
        }
    };
    let real = |c: &str| c != "unknown" && c != "indeterminate";
    let placed_dest: u64 = acc
        .records_by_flow
        .iter()
        .filter(|f| real(&f.dest_country))
        .map(|f| f.records)
        .sum();
    let placed_origin: u64 = acc
        .records_by_flow
        .iter()
        .filter(|f| real(&f.origin_country))
        .map(|f| f.records)
        .sum();
    let side = |by: &std::collections::BTreeMap<String, u64>, placed: u64| {
        let found = records.saturating_sub(by.get("none").copied().unwrap_or(0));
        serde_json::json!({
            "found": found,
            "found_share": share(found),
            "placed": placed,
            "placed_share": share(placed),
            "by_step": by,
        })
    };
    serde_json::json!({
        "records": records,
        "destination": side(&acc.dest_found, placed_dest),
        "origin": side(&acc.origin_found, placed_origin),
    })
}

/// Writes a document batch by batch; memory stays bounded.
pub struct DocumentWriter<W: Write> {
    out: W,
    format: DocFormat,
    first: bool,
    pub summary: Summary,
}

impl<W: Write> DocumentWriter<W> {
    /// Start a document; `tool_json` is the `tool` object (name, version,
    /// rule packs).
    pub fn start(mut out: W, format: DocFormat, tool_json: &str) -> io::Result<Self> {
        if format == DocFormat::Json {
            write!(out, "{{\"tool\":{tool_json},\"findings\":[")?;
        }
        Ok(DocumentWriter {
            out,
            format,
            first: true,
            summary: Summary::default(),
        })
    }

    /// Add one rendered batch whose lines start at `base`.
    pub fn add(&mut self, r: Rendered, base: u64) -> io::Result<()> {
        self.summary.merge(r.summary);
        match r.json {
            Some(j) => j.write(&mut self.out, base, &mut self.first),
            None => Ok(()),
        }
    }

    /// Close the document with the summaries and the accounting.
    pub fn finish(mut self, acc: &Accounting, res: &Residency) -> io::Result<Summary> {
        if self.format == DocFormat::Json {
            let s = summary_json(&self.summary, res, acc);
            writeln!(
                self.out,
                "],\"summary\":{},\"detectors\":{},\"residency\":{},\"policy\":{},\"baseline\":{},\"accounting\":{}}}",
                s["categories"],
                s["detectors"],
                s["residency"],
                s["policy"],
                s["baseline"],
                serde_json::to_string(acc).expect("serialisable"),
            )?;
        }
        self.out.flush()?;
        Ok(self.summary)
    }
}
