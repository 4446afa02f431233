//! What a caller can set for a scan, and what it can watch while the scan
//! runs: the options with their documented defaults, and the progress
//! counters.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64};

use crate::formats::Format;
#[cfg(doc)]
use crate::input;
use crate::journal::Journal;
use crate::residency::Residency;

/// Default maximum line length; longer lines are cut and counted.
pub const DEFAULT_MAX_LINE: usize = 1 << 20;
/// Default cap on how many times its stored size a compressed input may
/// expand to. Logs compress 5-20x, very regular telemetry up to ~100x with
/// zstd at high levels; a bomb is built to exceed 1000x.
pub const DEFAULT_MAX_EXPANSION: u64 = 250;
/// Default size of the ranges a large plain file is split into. Small
/// enough that the ranges balance across cores and that a range's findings
/// fit in its channel (so a worker ahead of the merger rarely waits), large
/// enough that per-range costs vanish.
pub const DEFAULT_SPLIT_SIZE: u64 = 8 << 20;

/// Field names (leaf names, case-insensitive) that say where a record goes.
pub const DEFAULT_DEST_FIELDS: &[&str] = &[
    "url",
    "uri",
    "endpoint",
    "upload_url",
    "target_url",
    "dest",
    "dst",
    "dst_ip",
    "dst_host",
    "dest_host",
    "destination",
    "remote_host",
    "remote_addr",
    "server",
    "collector",
    "bucket_url",
];

/// Field names that carry the site code the record comes from.
pub const DEFAULT_ORIGIN_FIELDS: &[&str] = &[
    "site",
    "site_code",
    "site_id",
    "plant",
    "plant_code",
    "origin",
    "facility",
];

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

/// Options of a scan; `Default` gives the documented defaults.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Worker threads; 0 means one per core.
    pub threads: usize,
    /// Globs a file under a directory must match (any); empty means all.
    pub include: Vec<String>,
    /// Globs that exclude files under a directory.
    pub exclude: Vec<String>,
    /// Force one format for every input instead of detecting it per file.
    pub input_format: Option<Format>,
    /// Lines longer than this are cut (the prefix is scanned) and counted.
    pub max_line: usize,
    /// A compressed input whose output outgrows it by more than this ratio
    /// (past [`input::EXPANSION_FLOOR`] bytes) is stopped as a
    /// decompression bomb and reported; 0 means no limit.
    pub max_expansion: u64,
    /// Plain files larger than this are split into ranges of about this size.
    pub split_size: u64,
    pub dest_fields: Vec<String>,
    pub origin_fields: Vec<String>,
    /// Put raw values into evidence instead of masked ones.
    pub show_values: bool,
    /// Follow symbolic links while walking directories (loops are detected).
    pub follow_links: bool,
    /// Set from another thread to stop the scan early.
    pub cancel: Option<Arc<AtomicBool>>,
    /// Bytes and records processed so far, for progress display.
    pub progress: Option<Arc<Progress>>,
    /// Policy, destination resolver and baseline deciding verdicts.
    pub residency: Arc<Residency>,
    /// Record finished files, and replay those an earlier run finished.
    pub journal: Option<Arc<Journal>>,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            threads: 0,
            include: Vec::new(),
            exclude: Vec::new(),
            input_format: None,
            max_line: DEFAULT_MAX_LINE,
            max_expansion: DEFAULT_MAX_EXPANSION,
            split_size: DEFAULT_SPLIT_SIZE,
            dest_fields: DEFAULT_DEST_FIELDS.iter().map(|s| s.to_string()).collect(),
            origin_fields: DEFAULT_ORIGIN_FIELDS
                .iter()
                .map(|s| s.to_string())
                .collect(),
            show_values: false,
            follow_links: true,
            cancel: None,
            progress: None,
            residency: Arc::new(Residency::default()),
            journal: None,
        }
    }
}
