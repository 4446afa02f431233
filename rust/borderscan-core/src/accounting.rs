//! What a scan read, and what it could not: every input byte and record ends
//! up in one of these counters, so a report can prove nothing was dropped.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// How many first locations to keep per unparseable reason.
pub const FIRST_LOCATIONS: usize = 5;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Location {
    pub path: String,
    pub line: u64,
    pub byte_offset: u64,
    pub detail: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ReasonStats {
    pub count: u64,
    /// The earliest locations in input order (deterministic whatever the
    /// thread count).
    pub first: Vec<Location>,
}

impl ReasonStats {
    pub(crate) fn add(&mut self, loc: impl FnOnce() -> Location) {
        self.count += 1;
        if self.first.len() < FIRST_LOCATIONS {
            self.first.push(loc());
        }
    }

    fn merge(&mut self, other: &ReasonStats) {
        self.count += other.count;
        for l in &other.first {
            if self.first.len() < FIRST_LOCATIONS {
                self.first.push(l.clone());
            }
        }
    }
}

/// Counters for one input file (or stdin), or one member of an archive.
///
/// Three identities hold for every file, and [`Accounting::imbalances`]
/// checks them: `bytes == bytes_read + bytes_skipped`,
/// `records == parsed + unparseable` and
/// `lines + extra_records == records + blank_lines + header_lines`.
///
/// An archive (tar, zip) is one entry with its stored bytes and no lines;
/// each of its members is an entry of its own right after it (pre-order
/// for nested archives), named `archive!member` and with `member_of` set.
/// A member's stored bytes are its size in the archive as extracted, so it
/// balances on its own; the scan's totals of stored bytes count inputs only
/// (a member's bytes are inside its archive's), see [`Accounting`].
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileStats {
    pub path: String,
    pub format: Option<String>,
    pub compression: Option<String>,
    /// Bytes of the input as stored (compressed size for compressed files).
    pub bytes: u64,
    /// Bytes as stored that were read and scanned.
    pub bytes_read: u64,
    /// Bytes as stored that were not scanned: a binary or special file, or
    /// the unread rest of a file whose reading failed or was cut short.
    pub bytes_skipped: u64,
    /// Bytes after decompression (and after decoding to UTF-8, for a file
    /// in UTF-16 or UTF-32) that were read into lines.
    pub decompressed_bytes: u64,
    /// Bytes (after decompression) of overlong lines past the maximum
    /// length: read, but not scanned.
    pub cut_bytes: u64,
    /// Lines seen: records + blank lines + header lines - extra records.
    pub lines: u64,
    /// Records scanned: each non-blank line that is not a header is one,
    /// but an OTLP line is as many as the log records it holds.
    pub records: u64,
    /// Records beyond the first of their line (the other log records of an
    /// OTLP line): `lines + extra_records == records + blank_lines +
    /// header_lines`.
    #[serde(default)]
    pub extra_records: u64,
    /// Records parsed in the file's format.
    pub parsed: u64,
    /// Records that failed to parse in the file's format; they were still
    /// scanned as plain text.
    pub unparseable: u64,
    pub blank_lines: u64,
    pub header_lines: u64,
    /// 1 when the file was skipped as binary.
    pub binary_skipped: u64,
    pub binary_bytes_skipped: u64,
    /// Lines longer than the maximum; their first part was scanned.
    pub truncated_lines: u64,
    /// 1 when the input is not a regular file found under a directory (a
    /// FIFO, socket or device, or a symbolic link loop): named, not read.
    pub special_skipped: u64,
    /// Why a special input was skipped.
    pub note: Option<String>,
    /// 1 when the file could not be opened or read to its end.
    pub failed_files: u64,
    pub error: Option<String>,
    /// Number of ranges the file was split into for parallel scanning.
    pub ranges: u32,
    /// The encoding the file was decoded from to UTF-8 (`utf-16le`,
    /// `utf-16be`, `utf-32le`, `utf-32be`); `None` for bytes read as they
    /// are (UTF-8 or another ASCII-compatible encoding). Line offsets of a
    /// decoded file count bytes of the decoded UTF-8 text.
    #[serde(default)]
    pub encoding: Option<String>,
    /// NUL bytes in text, scanned as spaces (byte for byte, so offsets and
    /// line numbers are the file's).
    #[serde(default)]
    pub nul_bytes: u64,
    /// The archive format (`tar`, `zip`) when this input (or member) is
    /// an archive read member by member.
    #[serde(default)]
    pub archive: Option<String>,
    /// Members of this archive listed as entries (directories are not).
    #[serde(default)]
    pub members: u64,
    /// For a member: the path of the archive holding it (itself perhaps a
    /// member); `None` for an input.
    #[serde(default)]
    pub member_of: Option<String>,
    /// An object storage input's ETag as listed (the audit log records it
    /// in place of a content hash: the object is not read twice).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    pub unparseable_reasons: BTreeMap<String, ReasonStats>,
    /// Every record once, by origin and destination country, whether or
    /// not anything was found in it: telemetry with nothing sensitive in it
    /// is still a flow. Sums to `records`.
    #[serde(default)]
    pub records_by_flow: Vec<RecordFlow>,
    /// Every record once, by the step that found its destination
    /// (`field`, `vocabulary`, `discovered`, `text`, `none`) and its origin
    /// (`field`, `vocabulary`, `hostname`, `text`, `none`). Each sums to
    /// `records`.
    #[serde(default)]
    pub dest_found: BTreeMap<String, u64>,
    #[serde(default)]
    pub origin_found: BTreeMap<String, u64>,
    /// Records that name no destination, with the first of them
    /// (`--require-destination` makes them an input problem).
    #[serde(default)]
    pub no_destination: ReasonStats,
}

/// Records of one origin country to one destination country.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct RecordFlow {
    pub origin_country: String,
    pub dest_country: String,
    /// Records from `origin_country` to `dest_country`.
    pub records: u64,
    /// Of them, records with at least one finding (the rest are `none`).
    pub classified: u64,
}

/// Add `(origin, dest, records, classified)` counts to a table kept
/// sorted by (origin, destination).
pub(crate) fn add_flow(table: &mut Vec<RecordFlow>, origin: &str, dest: &str, n: u64, c: u64) {
    match table.binary_search_by(|f| {
        (f.origin_country.as_str(), f.dest_country.as_str()).cmp(&(origin, dest))
    }) {
        Ok(i) => {
            table[i].records += n;
            table[i].classified += c;
        }
        Err(i) => table.insert(
            i,
            RecordFlow {
                origin_country: origin.to_string(),
                dest_country: dest.to_string(),
                records: n,
                classified: c,
            },
        ),
    }
}

/// Add counts by name.
pub(crate) fn add_counts(to: &mut BTreeMap<String, u64>, from: &BTreeMap<String, u64>) {
    for (k, v) in from {
        *to.entry(k.clone()).or_default() += v;
    }
}

impl FileStats {
    /// Where this file's counters do not add up (empty when every byte and
    /// record is accounted for). Checked at the end of every scan, so a bug
    /// that loses input is reported as a failure instead of passing
    /// silently.
    pub fn imbalances(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.bytes != self.bytes_read + self.bytes_skipped {
            out.push(format!(
                "{} bytes, but {} read + {} skipped",
                self.bytes, self.bytes_read, self.bytes_skipped
            ));
        }
        if self.records != self.parsed + self.unparseable {
            out.push(format!(
                "{} records, but {} parsed + {} unparseable",
                self.records, self.parsed, self.unparseable
            ));
        }
        if self.lines + self.extra_records != self.records + self.blank_lines + self.header_lines {
            out.push(format!(
                "{} lines + {} extra records, but {} records + {} blank + {} header",
                self.lines, self.extra_records, self.records, self.blank_lines, self.header_lines
            ));
        }
        for (what, map) in [
            ("destination", &self.dest_found),
            ("origin", &self.origin_found),
        ] {
            let n: u64 = map.values().sum();
            if n != self.records {
                out.push(format!(
                    "{} records, but {n} counted by how their {what} was found",
                    self.records
                ));
            }
        }
        if self.dest_found.get("none").copied().unwrap_or(0) != self.no_destination.count {
            out.push(format!(
                "{} records name no destination, but {} are listed so",
                self.dest_found.get("none").copied().unwrap_or(0),
                self.no_destination.count
            ));
        }
        let by_flow: u64 = self.records_by_flow.iter().map(|f| f.records).sum();
        if by_flow != self.records {
            out.push(format!(
                "{} records, but {by_flow} counted by origin and destination",
                self.records
            ));
        }
        out
    }

    pub(crate) fn merge_range(&mut self, other: &FileStats) {
        self.bytes_read += other.bytes_read;
        self.bytes_skipped += other.bytes_skipped;
        self.decompressed_bytes += other.decompressed_bytes;
        self.cut_bytes += other.cut_bytes;
        self.lines += other.lines;
        self.records += other.records;
        self.extra_records += other.extra_records;
        self.parsed += other.parsed;
        self.unparseable += other.unparseable;
        self.blank_lines += other.blank_lines;
        self.header_lines += other.header_lines;
        self.binary_skipped = self.binary_skipped.max(other.binary_skipped);
        self.binary_bytes_skipped += other.binary_bytes_skipped;
        self.truncated_lines += other.truncated_lines;
        self.failed_files = self.failed_files.max(other.failed_files);
        if self.error.is_none() {
            self.error.clone_from(&other.error);
        }
        self.special_skipped = self.special_skipped.max(other.special_skipped);
        if self.note.is_none() {
            self.note.clone_from(&other.note);
        }
        self.ranges += other.ranges;
        self.nul_bytes += other.nul_bytes;
        self.members += other.members;
        if self.archive.is_none() {
            self.archive.clone_from(&other.archive);
        }
        if self.member_of.is_none() {
            self.member_of.clone_from(&other.member_of);
        }
        if self.encoding.is_none() {
            self.encoding.clone_from(&other.encoding);
        }
        if self.etag.is_none() {
            self.etag.clone_from(&other.etag);
        }
        for (k, v) in &other.unparseable_reasons {
            self.unparseable_reasons
                .entry(k.clone())
                .or_default()
                .merge(v);
        }
        add_counts(&mut self.dest_found, &other.dest_found);
        add_counts(&mut self.origin_found, &other.origin_found);
        self.no_destination.merge(&other.no_destination);
        for f in &other.records_by_flow {
            add_flow(
                &mut self.records_by_flow,
                &f.origin_country,
                &f.dest_country,
                f.records,
                f.classified,
            );
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Failure {
    pub path: String,
    pub error: String,
}

/// A journal entry that was not trusted (`--journal`): its findings file
/// is missing, outside the journal or not the one recorded, so the input
/// was scanned again instead of replayed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct JournalRejected {
    /// The input, as named in the journal.
    pub path: String,
    /// The findings file the entry named.
    pub findings: String,
    pub reason: String,
}

/// One address the GeoIP database failed to answer for.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct GeoipError {
    pub ip: String,
    pub error: String,
}

/// Lookups in the `--geoip` database that failed (a record that does not
/// decode as a country record): an input problem, never a quiet `unknown`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct GeoipErrors {
    /// Distinct addresses whose lookup failed.
    pub count: u64,
    /// The database's path.
    pub database: String,
    /// The lowest of those addresses (deterministic whatever the thread
    /// count), with the error.
    pub first: Vec<GeoipError>,
}

/// Totals over a scan, with the per-file detail.
///
/// Stored bytes (`bytes`, `bytes_read`, `bytes_skipped`,
/// `binary_bytes_skipped`) are summed over inputs only: an archive
/// member's are inside its archive's, so they would count twice. Every
/// other counter (lines, records, decompressed bytes, binary, failed and
/// special files...) is summed over every entry, members included, so a
/// scan of an archive counts what a scan of its extracted tree would.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Accounting {
    /// Entries of `per_file`: inputs and archive members.
    pub files: u64,
    pub bytes: u64,
    pub bytes_read: u64,
    pub bytes_skipped: u64,
    pub decompressed_bytes: u64,
    pub cut_bytes: u64,
    pub lines: u64,
    pub records: u64,
    /// Records beyond the first of their line (OTLP lines hold many).
    #[serde(default)]
    pub extra_records: u64,
    pub parsed: u64,
    pub unparseable: u64,
    pub unparseable_reasons: BTreeMap<String, ReasonStats>,
    pub blank_lines: u64,
    pub header_lines: u64,
    pub binary_skipped: u64,
    pub binary_bytes_skipped: u64,
    pub truncated_lines: u64,
    pub special_skipped: u64,
    pub failed_files: u64,
    pub failures: Vec<Failure>,
    /// Files decoded from UTF-16 or UTF-32 (see [`FileStats::encoding`]).
    #[serde(default)]
    pub decoded_files: u64,
    /// NUL bytes in text, scanned as spaces.
    #[serde(default)]
    pub nul_bytes: u64,
    /// Archives read member by member (inputs and nested ones).
    #[serde(default)]
    pub archives: u64,
    /// Entries that are archive members (at any depth).
    #[serde(default)]
    pub archive_members: u64,
    /// Files whose results were replayed from the journal (`--journal`),
    /// finished by an earlier run of the same scan.
    #[serde(default)]
    pub resumed_files: u64,
    /// Journal entries not trusted (their inputs were scanned again).
    #[serde(default)]
    pub journal_rejected: Vec<JournalRejected>,
    /// Failed `--geoip` lookups.
    #[serde(default)]
    pub geoip_errors: GeoipErrors,
    /// Every record once, by origin and destination country (sums to
    /// `records`); `classified` of them had a finding.
    #[serde(default)]
    pub records_by_flow: Vec<RecordFlow>,
    /// Records by the step that found their destination and their origin
    /// (each sums to `records`), and those that name no destination.
    #[serde(default)]
    pub dest_found: BTreeMap<String, u64>,
    #[serde(default)]
    pub origin_found: BTreeMap<String, u64>,
    #[serde(default)]
    pub no_destination: ReasonStats,
    pub per_file: Vec<FileStats>,
}

impl Accounting {
    pub(crate) fn from_files(per_file: Vec<FileStats>) -> Self {
        let mut a = Accounting {
            files: per_file.len() as u64,
            ..Default::default()
        };
        for f in &per_file {
            if f.member_of.is_none() {
                a.bytes += f.bytes;
                a.bytes_read += f.bytes_read;
                a.bytes_skipped += f.bytes_skipped;
                a.binary_bytes_skipped += f.binary_bytes_skipped;
            } else {
                a.archive_members += 1;
            }
            a.archives += u64::from(f.archive.is_some());
            a.decompressed_bytes += f.decompressed_bytes;
            a.cut_bytes += f.cut_bytes;
            a.lines += f.lines;
            a.records += f.records;
            a.extra_records += f.extra_records;
            a.parsed += f.parsed;
            a.unparseable += f.unparseable;
            a.blank_lines += f.blank_lines;
            a.header_lines += f.header_lines;
            a.binary_skipped += f.binary_skipped;
            a.truncated_lines += f.truncated_lines;
            a.special_skipped += f.special_skipped;
            a.failed_files += f.failed_files;
            a.decoded_files += u64::from(f.encoding.is_some());
            a.nul_bytes += f.nul_bytes;
            if let Some(e) = &f.error {
                a.failures.push(Failure {
                    path: f.path.clone(),
                    error: e.clone(),
                });
            }
            for (k, v) in &f.unparseable_reasons {
                a.unparseable_reasons.entry(k.clone()).or_default().merge(v);
            }
            add_counts(&mut a.dest_found, &f.dest_found);
            add_counts(&mut a.origin_found, &f.origin_found);
            a.no_destination.merge(&f.no_destination);
            for r in &f.records_by_flow {
                add_flow(
                    &mut a.records_by_flow,
                    &r.origin_country,
                    &r.dest_country,
                    r.records,
                    r.classified,
                );
            }
        }
        a.per_file = per_file;
        a
    }

    /// Where the counters do not add up, over every file (empty when
    /// every byte and record is accounted for).
    pub fn imbalances(&self) -> Vec<String> {
        self.per_file
            .iter()
            .flat_map(|f| {
                f.imbalances()
                    .into_iter()
                    .map(move |m| format!("{}: {m}", f.path))
            })
            .collect()
    }
}
