//! What a scan runs with, and what a caller can watch while it runs: the
//! options (their declaration and defaults are in [`crate::config`]) with
//! what they were prepared into, and the progress counters.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64};

use super::remote::Precomputed;
use crate::config::ScanConfig;
use crate::journal::Journal;
use crate::residency::Residency;

/// What a scan has done so far, bumped by workers every few thousand lines
/// (a relaxed atomic add: reading it never slows or blocks the scan).
#[derive(Debug, Default)]
pub struct Progress {
    /// Input bytes as stored (compressed bytes of a compressed file), so
    /// they compare with file sizes.
    pub bytes: AtomicU64,
    /// Records scanned.
    pub records: AtomicU64,
}

/// What the engine runs a scan with: the user's options (a
/// [`ScanConfig`], their one declaration) and what the scan was prepared
/// with or is watched by. [`ScanConfig::prepare`] builds one; tests and Rust
/// callers may also build one from a config with `From`.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Every option a user sets, with its default.
    pub config: ScanConfig,
    /// Set from another thread to stop the scan early.
    pub cancel: Option<Arc<AtomicBool>>,
    /// Bytes and records processed so far, for progress display.
    pub progress: Option<Arc<Progress>>,
    /// Policy, destination resolver and baseline deciding verdicts.
    pub residency: Arc<Residency>,
    /// Record finished files, and replay those an earlier run finished.
    pub journal: Option<Arc<Journal>>,
    /// Tasks other machines ran (a distributed scan): merged as if run
    /// here, instead of reading their files.
    pub precomputed: Option<Arc<Precomputed>>,
}

impl From<ScanConfig> for ScanOptions {
    /// The options under the built-in policy, without journal or progress.
    fn from(config: ScanConfig) -> Self {
        ScanOptions {
            config,
            cancel: None,
            progress: None,
            residency: Arc::new(Residency::default()),
            journal: None,
            precomputed: None,
        }
    }
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanConfig::default().into()
    }
}
