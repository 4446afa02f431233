//! borderscan-core: the streaming engine of borderscan, a data-residency
//! scanner for industrial logs and telemetry. No Python in here: the
//! bindings live in `borderscan-py`, so this crate is usable and testable as
//! plain Rust.
//!
//! ```no_run
//! use borderscan_core::{Detectors, Input, ScanOptions, engine::scan_stream};
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

pub mod accounting;
pub mod batch;
pub mod cloud;
pub mod config;
pub mod country;
pub mod detect;
pub mod document;
pub mod engine;
pub mod error;
pub mod formats;
#[doc(hidden)]
pub mod fuzzing;
pub mod input;
pub mod journal;
pub mod mask;
pub mod policy;
pub mod residency;
pub mod resolve;
pub mod rules;
pub mod summary;
pub mod validate;

pub use accounting::Accounting;
pub use config::{OPTIONS, ScanConfig};
pub use detect::Detectors;
pub use engine::{Finding, Input, Progress, ScanOptions, ScanOutput, check_rules, scan};
pub use error::{Error, Result};
pub use formats::Format;
pub use policy::Policy;
pub use residency::Residency;
pub use rules::RulePackSpec;

/// Version of the engine, recorded in manifests and reports.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
