//! borderscan-core: the streaming engine of borderscan, a data-residency
//! scanner for industrial logs and telemetry. No Python in here: the
//! bindings live in `borderscan-py`, so this crate is usable and testable as
//! plain Rust.
//!
//! ```no_run
//! use borderscan_core::{Detectors, Input, ScanOptions, scan_stream};
//! let det = Detectors::builtin().unwrap();
//! let mut rows = 0;
//! // Batches arrive in input order while the scan runs; memory stays bounded.
//! let (_files, accounting) = scan_stream(
//!     &[Input::Path("logs/".into())],
//!     &det,
//!     &ScanOptions::default(),
//!     |batch| {
//!         rows += batch.num_rows();
//!         Ok(())
//!     },
//! )
//! .unwrap();
//! println!("{rows} findings in {} records", accounting.records);
//! ```
//!
//! # What is public, and why
//!
//! The surface is what a Rust caller needs to run a scan and use its
//! results, and nothing of how the engine does it, so the engine's insides
//! (planning, thread pool, per-record pipeline, merge, journal records,
//! batch building, validators) can change without breaking callers.
//!
//! At the crate root, the everyday API:
//! - running a scan: [`scan`] (findings in memory), [`scan_stream`]
//!   (batches handed to a sink in input order), [`scan_stream_mapped`] (the
//!   same with a step run on the workers), [`scan_stream_counted`] (the
//!   summary counted on the workers and only the selected rows built, as
//!   the bindings' writers use it);
//! - what a scan is told: [`ScanConfig`] (every option, its default — the
//!   `DEFAULT_*` constants —, its checks, and [`OPTIONS`] naming each with
//!   its command-line flag), prepared into [`ScanOptions`]; [`Input`],
//!   [`Format`], [`Progress`], [`Journal`] (resuming a killed scan);
//! - spreading a scan over machines: [`plan_remote`] (the client's tasks),
//!   [`run_remote`] (a worker runs some), [`Precomputed`] (their results,
//!   merged by the client's ordinary scan into a local scan's outputs);
//! - what it gives back: [`ScanOutput`], [`Finding`], the findings table's
//!   [`findings_schema`] and [`shift_lines`], and the [`Accounting`] that
//!   proves no input was dropped;
//! - what it looks for and how it judges: [`Detectors`] built from
//!   [`RulePackSpec`]s (checked by [`check_rules`]), and a [`Residency`]
//!   holding a [`Policy`] whose verdicts are [`Verdict`]s of a
//!   [`Severity`];
//! - [`Summary`] of findings, [`Error`] and [`Result`], and [`VERSION`].
//!
//! [`config`] (the scan configuration) and [`document`] (the JSON document
//! writer the CLI's `json`/`jsonl` outputs use) are public too.
//!
//! Modules that stay public are the vocabularies those types speak, each
//! a whole subject a caller may need more of: [`accounting`] (per-file
//! counters), [`country`] (country ids, names, jurisdiction groups),
//! [`formats`] (record formats, and what a line parses into), [`input`]
//! (decompression and the line reader, usable on their own),
//! [`archive`] (tar and zip members as streams, also usable on their own),
//! [`policy`] (residency policy as code), [`records`] (the records table,
//! one row per record), [`redact`] (transfer-ready copies of inputs), [`residency`] (baselines and
//! fingerprints), [`resolve`] (destination resolution and `explain`),
//! [`rules`] (the rule-pack format, and rule examples run against the
//! detectors) and [`summary`] (summaries and the JSON row writer).
//!
//! The fuzz harnesses (`fuzzing`, hidden) exist only with the `fuzzing`
//! feature, which is off by default so the shipped library leaves them
//! out; `fuzz/` and this crate's own tests turn it on.

mod batch;
mod cloud;
mod detect;
mod engine;
mod error;
mod journal;
mod mask;
mod objects;
mod validate;

pub mod accounting;
pub mod archive;
pub mod baseline;
pub mod config;
pub mod country;
pub mod document;
pub mod formats;
pub mod input;
pub mod output_file;
pub mod policy;
pub mod records;
pub mod redact;
pub mod residency;
pub mod resolve;
pub mod rules;
pub mod summary;

#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;

/// `String::from_utf8_lossy`, by way of `str::from_utf8` first: the lossy
/// decoder walks its input byte by byte, where the validator takes ASCII
/// words at a time, and the engine decodes every finding's path, value and
/// destination (about 2.5 % of a summary scan's instructions went to the
/// lossy decoder on valid text).
pub(crate) fn lossy(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

pub use accounting::Accounting;
pub use batch::{Selection, findings_schema, shift_lines};
pub use config::{
    DEFAULT_DEST_FIELDS, DEFAULT_MAX_ARCHIVE_BUFFER, DEFAULT_MAX_ARCHIVE_BYTES,
    DEFAULT_MAX_ARCHIVE_DEPTH, DEFAULT_MAX_ARCHIVE_MEMBERS, DEFAULT_MAX_EXPANSION,
    DEFAULT_MAX_LINE, DEFAULT_ORIGIN_FIELDS, DEFAULT_SPLIT_SIZE, OPTIONS, Prepared, ScanConfig,
};
pub use detect::Detectors;
pub use engine::{
    Finding, Input, Precomputed, Progress, RemoteTask, ScanOptions, ScanOutput, plan_remote,
    run_remote, scan, scan_stream, scan_stream_counted, scan_stream_mapped,
};
pub use error::{Error, Result};
pub use formats::Format;
pub use journal::Journal;
pub use policy::{Policy, Severity, Verdict};
pub use residency::Residency;
pub use rules::{RuleCheckFailure, RulePackSpec, check_rules};
pub use summary::Summary;

/// Version of the engine, recorded in manifests and reports.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
