//! One scan configuration. [`ScanConfig`] owns every option of a scan: its
//! name, its default, its validation and its conflicts with other options,
//! and the key that ties a journal to the scan that wrote it. The command
//! line and the Python API both build a `ScanConfig`; nothing else declares
//! scan options. [`OPTIONS`] lists them with their command-line flags, so
//! the CLI, the Python API and the type stubs can be checked against it.
//!
//! A `ScanConfig` is plain data (what a user asked for). [`ScanConfig::prepare`]
//! turns it into what the engine runs with: the compiled detectors, the
//! policy with its resolver and baseline, the opened journal.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Serialize, Serializer};
use sha2::{Digest, Sha256};

use crate::baseline;
use crate::batch::Selection;
use crate::country::CountryId;
use crate::detect::Detectors;
use crate::engine::{Input, ScanOptions};
use crate::error::{Error, Result};
use crate::formats::Format;
use crate::journal::Journal;
use crate::policy::{Names, Policy, today_utc};
use crate::residency::{Baseline, Residency, cli_country, parse_fingerprint};
use crate::resolve::GeoIp;
use crate::rules::{Confidence, RulePackSpec};

/// Default maximum line length; longer lines are cut and counted.
pub const DEFAULT_MAX_LINE: usize = 1 << 20;
/// Default maximum length of an OTLP/JSON line. The collector's file
/// exporter writes a whole batch (thousands of log records) on one line,
/// so the limit for ordinary lines would cut real batches; this one bounds
/// what one thread holds for one line (the line and its parse).
pub const DEFAULT_MAX_OTLP_LINE: usize = 64 << 20;
/// Default cap on how many times its stored size a compressed input may
/// expand to. Logs compress 5-20x, very regular telemetry up to ~100x with
/// zstd at high levels; a bomb is built to exceed 1000x.
pub const DEFAULT_MAX_EXPANSION: u64 = 250;
/// Default depth of archives read inside archives: an input archive is
/// depth 1; a tar.gz holding a zip holding a tar is depth 3.
pub const DEFAULT_MAX_ARCHIVE_DEPTH: u32 = 5;
/// The most `max_archive_depth` may be (each level is a few stack frames).
pub const MAX_ARCHIVE_DEPTH_LIMIT: u32 = 32;
/// Default cap on the members of one input's archives, at every depth.
pub const DEFAULT_MAX_ARCHIVE_MEMBERS: u64 = 100_000;
/// Default cap on the bytes read out of one input's archive members (as
/// extracted, every depth counted).
pub const DEFAULT_MAX_ARCHIVE_BYTES: u64 = 64 << 30;
/// Default cap on a zip read from memory (one inside another archive, or
/// from a stream): zip needs random access, and nothing is extracted to disk.
pub const DEFAULT_MAX_ARCHIVE_BUFFER: u64 = 256 << 20;
/// Default size of the ranges a large plain file is split into. Small
/// enough that the ranges balance across cores and that a range's findings
/// fit in its channel (so a worker ahead of the merger rarely waits), large
/// enough that per-range costs vanish. 8 MiB ranges of dense telemetry
/// held about ten batches of findings against the channel's four: the
/// worker ahead stopped at four and waited for the other's range, and two
/// threads gave 1.59x one on 1 GiB with every finding written; 2 MiB gave
/// 1.70x, a lower peak RSS (222 MB against 251), and one thread no slower
/// (benches/RESULTS.md, issue 20 step 13).
pub const DEFAULT_SPLIT_SIZE: u64 = 2 << 20;

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

/// Every option of a scan. `Default` gives the documented defaults; the
/// field order is the order of [`OPTIONS`] (a test keeps them equal).
///
/// Serialised (in the journal key) field by field, so an option added here
/// is part of the key without anyone remembering to add it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScanConfig {
    /// Worker threads; 0 means one per core. Results never depend on it.
    pub threads: usize,
    /// Globs a file found under a directory must match (any); empty: all.
    pub include: Vec<String>,
    /// Globs that exclude files found under a directory.
    pub exclude: Vec<String>,
    /// Parse every input as this format instead of detecting it per file.
    #[serde(serialize_with = "display_opt")]
    pub input_format: Option<Format>,
    /// The cell delimiter of `.csv` files (`,` `;` tab `|`), instead of
    /// sniffing it from each file's header line.
    pub csv_delimiter: Option<char>,
    /// Lines longer than this are cut (the start is scanned) and counted.
    pub max_line: usize,
    /// Lines of an OTLP/JSON input longer than this (or than `max_line`,
    /// whichever is more) are cut and counted.
    pub max_otlp_line: usize,
    /// A compressed input whose output outgrows it by more than this ratio
    /// (past [`crate::input::EXPANSION_FLOOR`] bytes) is stopped as a
    /// decompression bomb and reported; 0 means no limit.
    pub max_expansion: u64,
    /// Archives (tar, zip) nested deeper than this are not opened: named
    /// and counted as failed. An input archive is depth 1; 0 opens none.
    pub max_archive_depth: u32,
    /// An input whose archives list more members than this (every depth)
    /// stops at that member: the rest is named and counted as not read.
    pub max_archive_members: u64,
    /// An input whose archive members expand past this many bytes in all
    /// (as extracted, every depth) stops there, named and counted.
    pub max_archive_bytes: u64,
    /// A zip that must be read from memory (inside another archive, or
    /// from a stream) may be at most this large; a larger one is named and
    /// counted as not read.
    pub max_archive_buffer: u64,
    /// Plain files larger than this are split into ranges of about this size.
    pub split_size: u64,
    /// Field names (leaf names, case-insensitive) that hold the destination.
    pub dest_fields: Vec<String>,
    /// Field names that hold the origin site code.
    pub origin_fields: Vec<String>,
    /// Put raw values into evidence instead of masked ones.
    pub show_values: bool,
    /// Findings less sure than this are left out (`low` shows the bare
    /// numbers that have the shape of a phone but no phone word near).
    pub min_confidence: Confidence,
    /// Extra rule packs (TOML files).
    #[serde(serialize_with = "paths")]
    pub rules: Vec<PathBuf>,
    /// Load the built-in rule pack as well.
    pub builtin_rules: bool,
    /// The residency policy (a TOML file); conflicts with `preset`.
    #[serde(serialize_with = "path_opt")]
    pub policy: Option<PathBuf>,
    /// A shipped policy by name; neither `policy` nor `preset`: `default`.
    pub preset: Option<String>,
    /// A MaxMind-format country database to place IP destinations.
    #[serde(serialize_with = "path_opt")]
    pub geoip: Option<PathBuf>,
    /// Every record is sent to this country (ISO 3166-1 alpha-2).
    pub destination: Option<String>,
    /// Origin country of records the policy maps no site or path for.
    pub origin: Option<String>,
    /// Accepted findings, left out: fingerprints (16 hex digits each) or
    /// a baseline file (`borderscan baseline create`), read as a stream.
    pub baseline: Option<BaselineSource>,
    /// `YYYY-MM-DD`: which policy exceptions have expired (default: today, UTC).
    pub today: Option<String>,
    /// Record finished files in this directory; resume from it.
    #[serde(serialize_with = "path_opt")]
    pub journal: Option<PathBuf>,
    /// Which findings the findings table holds (every finding is counted
    /// in the summaries whatever it is).
    pub findings: Selection,
    /// Write the records table (one row per record) to this Parquet file.
    #[serde(serialize_with = "path_opt")]
    pub records: Option<PathBuf>,
    /// The endpoint of an S3-compatible store (MinIO, Ceph, OSS, COS) for
    /// `s3://` inputs; else `AWS_ENDPOINT_URL`, the profile's, or AWS.
    pub endpoint_url: Option<String>,
}

impl Default for ScanConfig {
    fn default() -> Self {
        let strings = |s: &[&str]| s.iter().map(|s| s.to_string()).collect();
        ScanConfig {
            threads: 0,
            include: Vec::new(),
            exclude: Vec::new(),
            input_format: None,
            csv_delimiter: None,
            max_line: DEFAULT_MAX_LINE,
            max_otlp_line: DEFAULT_MAX_OTLP_LINE,
            max_expansion: DEFAULT_MAX_EXPANSION,
            max_archive_depth: DEFAULT_MAX_ARCHIVE_DEPTH,
            max_archive_members: DEFAULT_MAX_ARCHIVE_MEMBERS,
            max_archive_bytes: DEFAULT_MAX_ARCHIVE_BYTES,
            max_archive_buffer: DEFAULT_MAX_ARCHIVE_BUFFER,
            split_size: DEFAULT_SPLIT_SIZE,
            dest_fields: strings(DEFAULT_DEST_FIELDS),
            origin_fields: strings(DEFAULT_ORIGIN_FIELDS),
            show_values: false,
            min_confidence: Confidence::Medium,
            rules: Vec::new(),
            builtin_rules: true,
            policy: None,
            preset: None,
            geoip: None,
            destination: None,
            origin: None,
            baseline: None,
            today: None,
            journal: None,
            findings: Selection::All,
            records: None,
            endpoint_url: None,
        }
    }
}

/// Where the accepted findings of `--baseline` come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BaselineSource {
    Fingerprints(Vec<String>),
    File(PathBuf),
}

// A list of fingerprints, or the file's path as text (as other paths).
impl Serialize for BaselineSource {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            BaselineSource::Fingerprints(f) => f.serialize(s),
            BaselineSource::File(p) => s.serialize_str(&p.to_string_lossy()),
        }
    }
}

/// A scan option as users see it: its name in [`ScanConfig`] and in the
/// Python API, and its command-line flag (None: the API only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OptionInfo {
    pub name: &'static str,
    pub flag: Option<&'static str>,
}

const fn opt(name: &'static str, flag: Option<&'static str>) -> OptionInfo {
    OptionInfo { name, flag }
}

/// Every field of [`ScanConfig`], in order, with its command-line flag.
pub const OPTIONS: &[OptionInfo] = &[
    opt("threads", Some("--threads")),
    opt("include", Some("--include")),
    opt("exclude", Some("--exclude")),
    opt("input_format", Some("--input-format")),
    opt("csv_delimiter", Some("--csv-delimiter")),
    opt("max_line", Some("--max-line-bytes")),
    opt("max_otlp_line", Some("--max-otlp-line-bytes")),
    opt("max_expansion", Some("--max-expansion")),
    opt("max_archive_depth", Some("--max-archive-depth")),
    opt("max_archive_members", Some("--max-archive-members")),
    opt("max_archive_bytes", Some("--max-archive-bytes")),
    opt("max_archive_buffer", Some("--max-archive-buffer")),
    // Tuning for tests and benchmarks: results never depend on it.
    opt("split_size", Some("--split-size")),
    opt("dest_fields", Some("--dest-field")),
    opt("origin_fields", Some("--origin-field")),
    opt("show_values", Some("--show-values")),
    opt("min_confidence", Some("--min-confidence")),
    opt("rules", Some("--rules")),
    // The CLI always loads the built-in pack; the API may leave it out.
    opt("builtin_rules", None),
    opt("policy", Some("--policy")),
    opt("preset", Some("--preset")),
    opt("geoip", Some("--geoip")),
    opt("destination", Some("--destination")),
    opt("origin", Some("--origin")),
    opt("baseline", Some("--baseline")),
    opt("today", Some("--today")),
    opt("journal", Some("--journal")),
    opt("findings", Some("--findings")),
    opt("records", Some("--records")),
    opt("endpoint_url", Some("--endpoint-url")),
];

fn display_opt<S: Serializer>(v: &Option<Format>, s: S) -> std::result::Result<S::Ok, S::Error> {
    match v {
        Some(f) => s.serialize_some(f.as_str()),
        None => s.serialize_none(),
    }
}

// Paths are keyed as text; a name that is not UTF-8 is keyed lossily (the
// file's content digest, also in the key, tells such files apart).
fn path_opt<S: Serializer>(v: &Option<PathBuf>, s: S) -> std::result::Result<S::Ok, S::Error> {
    match v {
        Some(p) => s.serialize_some(&p.to_string_lossy()),
        None => s.serialize_none(),
    }
}

fn paths<S: Serializer>(v: &[PathBuf], s: S) -> std::result::Result<S::Ok, S::Error> {
    s.collect_seq(v.iter().map(|p| p.to_string_lossy()))
}

/// What the engine runs with, built from a [`ScanConfig`].
pub struct Prepared {
    pub detectors: Detectors,
    pub options: ScanOptions,
    pub inputs: Vec<Input>,
}

impl ScanConfig {
    /// The longest line read whole in `format`: an OTLP/JSON line is a
    /// collector's batch, any other line one record.
    pub fn line_limit(&self, format: crate::formats::Format) -> usize {
        match format {
            crate::formats::Format::Otlp => self.max_line.max(self.max_otlp_line),
            _ => self.max_line,
        }
    }

    /// Check every option and every conflict between options, without
    /// reading any file. Errors name the option (its command-line flag).
    pub fn validate(&self) -> Result<()> {
        if self.policy.is_some() && self.preset.is_some() {
            return Err(Error::config(
                "--policy/--preset",
                "give a policy file or a preset, not both",
            ));
        }
        if self.journal.is_some() && self.baseline.is_some() {
            // Baseline entries no longer found are worked out from every
            // file's accepted findings, which a replayed file does not carry.
            return Err(Error::config(
                "--journal",
                "cannot be combined with --baseline (entries no longer found are worked out \
                 from every file's accepted findings)",
            ));
        }
        if self.journal.is_some() && self.records.is_some() {
            // A replayed file brings back its findings, not its records.
            return Err(Error::config(
                "--records",
                "cannot be combined with --journal yet (a resumed scan replays the findings \
                 of finished files, not their records)",
            ));
        }
        if let Some(e) = &self.endpoint_url
            && !(e.starts_with("http://") || e.starts_with("https://"))
        {
            return Err(Error::config(
                "--endpoint-url",
                format!("{e:?} is not an http:// or https:// URL"),
            ));
        }
        if let Some(d) = self.csv_delimiter
            && !matches!(d, ',' | ';' | '\t' | '|')
        {
            return Err(Error::config(
                "--csv-delimiter",
                format!("{d:?} is not a CSV delimiter borderscan reads (`,` `;` tab `|`)"),
            ));
        }
        if self.max_line == 0 {
            return Err(Error::config("--max-line-bytes", "must be at least 1"));
        }
        if self.max_otlp_line == 0 {
            return Err(Error::config("--max-otlp-line-bytes", "must be at least 1"));
        }
        if self.max_archive_depth > MAX_ARCHIVE_DEPTH_LIMIT {
            return Err(Error::config(
                "--max-archive-depth",
                format!("must be at most {MAX_ARCHIVE_DEPTH_LIMIT}"),
            ));
        }
        for (flag, v) in [
            ("--max-archive-members", self.max_archive_members),
            ("--max-archive-bytes", self.max_archive_bytes),
            ("--max-archive-buffer", self.max_archive_buffer),
        ] {
            if v == 0 {
                return Err(Error::config(flag, "must be at least 1"));
            }
        }
        if let Some(d) = &self.today
            && !is_date(d)
        {
            return Err(Error::config(
                "--today",
                format!("'{d}' is not a date such as 2027-03-31"),
            ));
        }
        self.countries()?;
        // A baseline file is read (once) when the scan starts.
        if let Some(BaselineSource::Fingerprints(_)) = &self.baseline {
            self.fingerprints()?;
        }
        Ok(())
    }

    fn countries(&self) -> Result<(Option<CountryId>, Option<CountryId>)> {
        let origin = self.origin.as_deref().map(|c| cli_country(c, "--origin"));
        let dest = (self.destination.as_deref()).map(|c| cli_country(c, "--destination"));
        Ok((origin.transpose()?, dest.transpose()?))
    }

    fn fingerprints(&self) -> Result<Option<Vec<u64>>> {
        let fps = match &self.baseline {
            None => return Ok(None),
            Some(BaselineSource::File(path)) => return baseline::read(path).map(Some),
            Some(BaselineSource::Fingerprints(fps)) => fps,
        };
        let parse = |f: &String| {
            parse_fingerprint(f)
                .ok_or_else(|| Error::config("--baseline", format!("'{f}' is not a fingerprint")))
        };
        fps.iter().map(parse).collect::<Result<_>>().map(Some)
    }

    /// The date exceptions are judged against.
    pub fn today(&self) -> String {
        self.today.clone().unwrap_or_else(today_utc)
    }

    /// The built-in rule pack (unless left out) and every extra pack.
    pub fn detectors(&self) -> Result<Detectors> {
        let mut packs = Vec::new();
        if self.builtin_rules {
            packs.push(RulePackSpec::builtin());
        }
        for f in &self.rules {
            let place = f.to_string_lossy();
            // A rule pack that cannot be read (missing, not UTF-8) is a
            // configuration error (exit 2), like one that does not parse.
            let text = std::fs::read_to_string(f).map_err(|e| {
                Error::config(place.as_ref(), format!("cannot read the rule pack: {e}"))
            })?;
            packs.push(RulePackSpec::parse(&text, &place)?);
        }
        let mut d = Detectors::new(&packs)?;
        d.min_confidence = self.min_confidence;
        Ok(d)
    }

    /// The policy the scan runs under: a file, a preset, or the built-in one.
    /// `names`: the categories and detectors of the rule packs the scan
    /// loads, which a policy file may name (None: not checked).
    pub fn load_policy(&self, names: Option<&Names>) -> Result<Policy> {
        load_policy(
            self.policy.as_deref(),
            self.preset.as_deref(),
            &self.today(),
            names,
        )
    }

    /// The policy, the destination resolver (with the GeoIP database), the
    /// countries given on the command line and the baseline. `names` as
    /// for [`ScanConfig::load_policy`].
    pub fn residency(&self, names: Option<&Names>) -> Result<Residency> {
        let policy = self.load_policy(names)?;
        let geoip = self.geoip.as_deref().map(GeoIp::open).transpose()?;
        let (origin, destination) = self.countries()?;
        let mut res = Residency::new(policy, geoip, origin, destination)?;
        res.baseline = self.fingerprints()?.map(Baseline::new);
        Ok(res)
    }

    /// The key of a journaled scan: a journal is only resumed by the same
    /// scan (same inputs, options, and the same content of every file an
    /// option names: rule packs, policy, GeoIP database), on the same day
    /// and by the same version, so replayed files and rescanned ones give
    /// one coherent result. Inputs are keyed by absolute path; each file's
    /// own identity (size, modification time, inode) is checked by the
    /// journal. Only the thread count and the journal's own place are left
    /// out: results never depend on them.
    pub fn journal_key(&self, inputs: &[Input]) -> Result<String> {
        let mut options = serde_json::to_value(self).expect("the configuration serialises");
        let map = options.as_object_mut().expect("an object");
        map.remove("threads");
        map.remove("journal");
        // Which findings are handed out changes no finding: the journal
        // holds them all.
        map.remove("findings");
        map.remove("records");
        map.insert("today".into(), self.today().into());
        let digests: Vec<_> = (self.rules.iter())
            .chain(&self.policy)
            .chain(&self.geoip)
            .map(|p| (p.to_string_lossy().into_owned(), digest(p)))
            .collect();
        let inputs: Vec<String> = inputs
            .iter()
            .map(|i| match i {
                Input::Path(p) => std::path::absolute(p)
                    .unwrap_or_else(|_| p.clone())
                    .to_string_lossy()
                    .into_owned(),
                Input::Stdin => "-".into(),
                Input::Object(url) => url.clone(),
                Input::Bytes { name, data } => {
                    format!("{name}:{}", hex(&Sha256::digest(&data[..])))
                }
            })
            .collect();
        let keyed = serde_json::json!({
            "options": options,
            "files": digests,
            "inputs": inputs,
            "version": crate::VERSION,
        });
        Ok(hex(&Sha256::digest(keyed.to_string().as_bytes())))
    }

    /// Validate, then load everything the engine runs with: detectors,
    /// residency, journal. `paths` are the inputs as given (`-`: stdin).
    pub fn prepare(&self, paths: &[PathBuf]) -> Result<Prepared> {
        self.validate()?;
        let detectors = self.detectors()?;
        // The policy may only name categories and detectors of the packs
        // this scan loads: a misspelt one would silently match nothing.
        let names = Names::of_rules(&detectors.rules);
        let residency = Arc::new(self.residency(Some(&names))?);
        let inputs: Vec<Input> = paths.iter().map(|p| input_of(p)).collect();
        let journal = match &self.journal {
            Some(dir) => Some(Arc::new(Journal::open(dir, &self.journal_key(&inputs)?)?)),
            None => None,
        };
        let options = ScanOptions {
            config: self.clone(),
            residency,
            journal,
            cancel: None,
            progress: None,
            precomputed: None,
        };
        Ok(Prepared {
            detectors,
            options,
            inputs,
        })
    }
}

/// A policy from a file or a preset (the built-in `default` when neither).
/// Given `names` (of the rule packs loaded), a policy file's categories and
/// detectors are checked against them; a preset's are checked by the tests.
pub fn load_policy(
    policy: Option<&Path>,
    preset: Option<&str>,
    today: &str,
    names: Option<&Names>,
) -> Result<Policy> {
    match (policy, preset) {
        (Some(_), Some(_)) => Err(Error::config(
            "--policy/--preset",
            "give a policy file or a preset, not both",
        )),
        (Some(path), None) => {
            let place = path.to_string_lossy();
            let text = std::fs::read_to_string(path).map_err(|e| {
                Error::config(place.as_ref(), format!("cannot read the policy: {e}"))
            })?;
            Policy::parse_checked(&text, &place, today, names)
        }
        (None, name) => Policy::preset(name.unwrap_or("default"), today),
    }
}

/// An input named on the command line or in the API: `-` is stdin, a URL
/// of a supported scheme (`s3://`, `gs://`, `az://`, `file://`) object
/// storage.
pub fn input_of(path: &Path) -> Input {
    if path.as_os_str() == "-" {
        Input::Stdin
    } else if let Some(url) = path.to_str().filter(|p| crate::objects::is_object_url(p)) {
        Input::Object(url.to_string())
    } else {
        // The path as given: a file name that is not UTF-8 arrives from
        // Python with surrogate escapes and must reach the OS unchanged.
        Input::Path(path.to_path_buf())
    }
}

/// SHA-256 of a file's content; None when it cannot be read (the scan then
/// reports that error itself).
fn digest(path: &Path) -> Option<String> {
    let mut f = std::fs::File::open(path).ok()?;
    let mut h = Sha256::new();
    std::io::copy(&mut f, &mut h).ok()?;
    Some(hex(&h.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits(0..4) {
        return false;
    }
    if !digits(5..7) || !digits(8..10) {
        return false;
    }
    let (y, m, d) = (&s[0..4], &s[5..7], &s[8..10]);
    let (y, m, d): (u32, u32, u32) = (y.parse().unwrap(), m.parse().unwrap(), d.parse().unwrap());
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    (1..=12).contains(&m) && d >= 1 && d <= days[m as usize - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_list_every_field_in_order() {
        let v = serde_json::to_value(ScanConfig::default()).unwrap();
        let fields: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        let names: Vec<&str> = OPTIONS.iter().map(|o| o.name).collect();
        // serde_json's map is sorted (no preserve_order): compare as sets.
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(fields, sorted);
    }

    #[test]
    fn conflicts_and_bad_values_are_config_errors() {
        let bad = [
            ScanConfig {
                policy: Some("p.toml".into()),
                preset: Some("eu-gdpr".into()),
                ..Default::default()
            },
            ScanConfig {
                journal: Some("j".into()),
                baseline: Some(BaselineSource::Fingerprints(vec![])),
                ..Default::default()
            },
            ScanConfig {
                max_line: 0,
                ..Default::default()
            },
            ScanConfig {
                max_archive_depth: 33,
                ..Default::default()
            },
            ScanConfig {
                max_archive_members: 0,
                ..Default::default()
            },
            ScanConfig {
                max_archive_buffer: 0,
                ..Default::default()
            },
            ScanConfig {
                today: Some("2026-02-30".into()),
                ..Default::default()
            },
            ScanConfig {
                destination: Some("XX".into()),
                ..Default::default()
            },
            ScanConfig {
                baseline: Some(BaselineSource::Fingerprints(vec!["nothex".into()])),
                ..Default::default()
            },
        ];
        for c in bad {
            let e = c.validate().unwrap_err();
            assert!(matches!(e, Error::Config { .. }), "{c:?}: {e}");
        }
        ScanConfig::default().validate().unwrap();
        let ok = ScanConfig {
            today: Some("2028-02-29".into()),
            destination: Some("de".into()),
            ..Default::default()
        };
        ok.validate().unwrap();
    }

    #[test]
    fn journal_key_covers_every_option_but_threads() {
        let inputs = [Input::Path("logs".into())];
        let base = ScanConfig {
            today: Some("2026-12-01".into()),
            ..Default::default()
        };
        let key = base.journal_key(&inputs).unwrap();
        let threads = ScanConfig {
            threads: 7,
            ..base.clone()
        };
        assert_eq!(threads.journal_key(&inputs).unwrap(), key);
        let changed = [
            ScanConfig {
                show_values: true,
                ..base.clone()
            },
            ScanConfig {
                max_expansion: 9,
                ..base.clone()
            },
            ScanConfig {
                max_archive_depth: 1,
                ..base.clone()
            },
            ScanConfig {
                split_size: 1,
                ..base.clone()
            },
            ScanConfig {
                today: Some("2026-12-02".into()),
                ..base.clone()
            },
        ];
        for c in changed {
            assert_ne!(c.journal_key(&inputs).unwrap(), key, "{c:?}");
        }
        let other_input = [Input::Path("other".into())];
        assert_ne!(base.journal_key(&other_input).unwrap(), key);
    }
}
