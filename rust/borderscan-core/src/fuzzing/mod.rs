//! Fuzz harnesses: one function per cargo-fuzz target (see `fuzz/`), each
//! taking arbitrary bytes and asserting what must hold for any input, not
//! only that nothing panics. They live in the crate, not in `fuzz/`, so that
//! `tests/fuzz_corpus.rs` replays every kept corpus file and crasher through
//! the very same checks in a normal `cargo test` (fuzzing itself needs
//! nightly features and runs outside CI; its corpus runs inside).
//!
//! A panic (a failed `assert!`) is a finding: libFuzzer saves the input.

mod detectors;
mod engine;
mod parsers;
mod readers;
mod resolution;

use std::sync::OnceLock;

use crate::detect::Detectors;

pub use detectors::{detectors, mask_styles, validators};
pub use engine::engine;
pub use parsers::{
    detect_format, parse_csv, parse_json, parse_logfmt, parse_otlp, parse_syslog, parse_text,
};
pub use readers::{decompress, line_reader};
pub use resolution::resolve;

/// A harness: panics when an invariant fails for this input.
pub type Harness = fn(&[u8]);

/// Every harness by target name, for the corpus replay test.
pub const TARGETS: &[(&str, Harness)] = &[
    ("parse_json", parse_json),
    ("parse_logfmt", parse_logfmt),
    ("parse_csv", parse_csv),
    ("parse_syslog", parse_syslog),
    ("parse_text", parse_text),
    ("parse_otlp", parse_otlp),
    ("detect_format", detect_format),
    ("decompress", decompress),
    ("line_reader", line_reader),
    ("detectors", detectors),
    ("validators", validators),
    ("mask", mask_styles),
    ("resolve", resolve),
    ("engine", engine),
];

/// The built-in detectors, compiled once per process (compiling the regex
/// set takes far longer than one fuzz iteration).
fn builtin() -> &'static Detectors {
    static DET: OnceLock<Detectors> = OnceLock::new();
    DET.get_or_init(|| Detectors::builtin().expect("built-in rules load"))
}
