//! Property tests of the engine (proptest, fixed seed):
//! - a scan split into ranges, with any thread count, equals the whole scan
//!   (same findings in order, same accounting), plain or gzip, several files;
//! - the accounting adds up, and matches a model of the generated lines;
//! - masking never returns the raw value (mask.rs and end to end);
//! - policy evaluation does not depend on the order of records.
//!
//! Plus `engine_bug_*`: the smallest reproducers of bugs these found.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use borderscan_core::Finding;
use borderscan_core::accounting::Accounting;
use borderscan_core::rules::mask;
use borderscan_core::rules::{MaskStyle, RulePackSpec};
use borderscan_core::summary::Summary;
use borderscan_core::{
    Detectors, Format, Input, Policy, Residency, ScanConfig, ScanOptions, ScanOutput, scan,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

static DET: LazyLock<Detectors> = LazyLock::new(|| Detectors::builtin().expect("builtin rules"));

/// A policy that has violations, allowed flows and unknown destinations for
/// the sites and endpoints below; a fixed date so exceptions do not expire.
static RESIDENCY: LazyLock<Arc<Residency>> = LazyLock::new(|| {
    let policy = Policy::preset("cn-industrial-export", "2026-12-01").expect("preset");
    Arc::new(Residency::new(policy, None, None, None).expect("residency"))
});

/// Deterministic runs (CI must not flake on a seed it never saw), no
/// persistence files, few cases: each case scans a few files several times.
fn config(cases: u32) -> Config {
    Config {
        cases,
        rng_seed: RngSeed::Fixed(0x6b6f_7264_6572),
        failure_persistence: None,
        max_shrink_iters: 2000,
        ..Config::default()
    }
}

// ------------------------------------------------------------ generated logs

/// Values the built-in detectors find (and must mask).
const SECRETS: &[&str] = &[
    "li.wei@example.cn",
    "k.tanaka@plant-osaka.example.jp",
    "11010519491231002X",
    "AKIAZ7XQ3M5N2P4R6T2V",
    "192.168.1.20",
    "GB82WEST12345698765432",
    "490154203237518",
    "LTAI5tFAKE8kQm2ZpX9wR",
];
const SITES: &[&str] = &["CN-SZ-02", "DE-MUC-01", "JP-OSA-03", "VN-HCM-01"];
const ENDPOINTS: &[&str] = &[
    "https://oss-cn-hangzhou.aliyuncs.com/b",
    "https://s3.eu-central-1.amazonaws.com/c",
    "https://collector.example.de/in",
    "https://api.vendor.example.jp/up",
    "10.1.2.3",
];

/// Every positive example of the built-in pack: records (JSON and text) on
/// which some detector fires.
static EXAMPLES: LazyLock<Vec<String>> = LazyLock::new(|| {
    RulePackSpec::builtin()
        .rules
        .iter()
        .flat_map(|r| r.examples.positive.iter().cloned())
        .filter(|e| !e.contains(['\n', '\r']))
        .collect()
});

/// One generated line: what kind, which values, and a length to aim at
/// (relative to the maximum line length, to hit its edges).
#[derive(Debug, Clone)]
struct LineSpec {
    kind: u8,
    a: usize,
    b: usize,
    c: usize,
    /// Length of the line relative to `max_line`, for the padded kinds.
    delta: i32,
}

fn line_spec() -> impl Strategy<Value = LineSpec> {
    (0u8..8, 0usize..64, 0usize..64, 0usize..64, -3i32..=3).prop_map(|(kind, a, b, c, delta)| {
        LineSpec {
            kind,
            a,
            b,
            c,
            delta,
        }
    })
}

#[derive(Debug, Clone, Copy)]
enum Style {
    Jsonl,
    Logfmt,
    Csv,
    Text,
    Mixed,
}

#[derive(Debug, Clone)]
struct FileSpec {
    style: Style,
    /// 0: LF, 1: CRLF, 2: either, line by line.
    eol: u8,
    final_eol: bool,
    /// Extra header columns (a CSV header longer than `max_line`).
    extra_cols: usize,
    lines: Vec<LineSpec>,
}

fn file_spec(max_lines: usize) -> impl Strategy<Value = FileSpec> {
    (
        prop_oneof![
            Just(Style::Jsonl),
            Just(Style::Logfmt),
            Just(Style::Csv),
            Just(Style::Text),
            Just(Style::Mixed)
        ],
        0u8..3,
        any::<bool>(),
        prop_oneof![3 => Just(0usize), 1 => 1usize..40],
        prop::collection::vec(line_spec(), 1..max_lines),
    )
        .prop_map(|(style, eol, final_eol, extra_cols, lines)| FileSpec {
            style,
            eol,
            final_eol,
            extra_cols,
            lines,
        })
}

fn pick<'a>(v: &[&'a str], i: usize) -> &'a str {
    v[i % v.len()]
}

/// Pad (or cut) `s` to `max_line + delta` bytes (at least 1).
fn sized(mut s: String, max_line: usize, delta: i32) -> String {
    let want = (max_line as i64 + i64::from(delta)).max(1) as usize;
    if s.len() > want {
        let mut end = want;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
    while s.len() < want {
        s.push('x');
    }
    s
}

fn csv_header(extra: usize) -> String {
    let mut h = String::from("ts,site,user,endpoint,note");
    for i in 0..extra {
        h.push_str(&format!(",extra_column_{i}"));
    }
    h
}

/// The content of one line (no terminator, never a `\r` or `\n`).
fn render_line(style: Style, l: &LineSpec, max_line: usize, extra: usize) -> String {
    let (secret, site, dest) = (pick(SECRETS, l.a), pick(SITES, l.b), pick(ENDPOINTS, l.c));
    let style = match style {
        Style::Mixed => [Style::Jsonl, Style::Logfmt, Style::Text][l.c % 3],
        s => s,
    };
    match l.kind {
        // Blank and whitespace-only lines.
        0 => [" ", "", "\t "][l.a % 3].to_string(),
        // A positive example of some rule, as is.
        1 => EXAMPLES[(l.a * 64 + l.b) % EXAMPLES.len()].clone(),
        // A line of about max_line bytes with a secret near its start.
        2 => sized(format!("note {secret} to {dest} "), max_line, l.delta),
        // Broken JSON: unparseable, still scanned as text.
        3 => format!(r#"{{"broken": "{secret}"#),
        // Secrets inside fields whose values are shown (calibration and
        // sensor key rules do not mask).
        7 if matches!(style, Style::Jsonl) => format!(
            r#"{{"site":"{site}","calib":{{"operator":"{secret}","board":"charuco"}},"sensor":{{"note":"by {} at {dest}"}},"endpoint":"{dest}"}}"#,
            pick(SECRETS, l.b)
        ),
        _ => match style {
            Style::Jsonl => format!(
                r#"{{"ts":"2026-11-02T10:{:02}:00Z","site":"{site}","user":"{secret}","endpoint":"{dest}","type":"{}"}}"#,
                l.b % 60,
                ["telemetry", "calibration", "alarm", "log"][l.a % 4],
            ),
            Style::Logfmt => format!(
                r#"ts=2026-11-02T10:00:00Z site={site} user={secret} dst={dest} msg="upload {}""#,
                l.c
            ),
            Style::Csv => {
                let mut row = format!("2026-11-02,{site},{secret},{dest},\"n, {}\"", l.b);
                for i in 0..extra {
                    row.push_str(&format!(",{i}"));
                }
                row
            }
            Style::Text | Style::Mixed => {
                format!("operator {secret} at {site} uploaded to {dest} cam {}", l.b)
            }
        },
    }
}

/// The file's lines (contents) and bytes.
fn render(f: &FileSpec, max_line: usize) -> (Vec<String>, Vec<u8>) {
    let mut lines = Vec::new();
    if matches!(f.style, Style::Csv) {
        lines.push(csv_header(f.extra_cols));
    }
    for l in &f.lines {
        lines.push(render_line(f.style, l, max_line, f.extra_cols));
    }
    let mut data = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        data.extend_from_slice(l.as_bytes());
        let last = i + 1 == lines.len();
        if !last || f.final_eol {
            let crlf = match f.eol {
                0 => false,
                1 => true,
                _ => (i + l.len()) % 2 == 0,
            };
            data.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
        }
    }
    (lines, data)
}

fn file_name(i: usize, f: &FileSpec) -> String {
    let ext = match f.style {
        Style::Jsonl => "jsonl",
        Style::Logfmt => "logfmt",
        Style::Csv => "csv",
        Style::Text | Style::Mixed => "log",
    };
    format!("f{i}.{ext}")
}

fn write_files(dir: &Path, files: &[FileSpec], max_line: usize) -> Vec<PathBuf> {
    files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let p = dir.join(file_name(i, f));
            std::fs::write(&p, render(f, max_line).1).expect("write");
            p
        })
        .collect()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).expect("gzip");
    e.finish().expect("gzip")
}

// ------------------------------------------------------------------ helpers

fn opts(max_line: usize, threads: usize, split_size: u64) -> ScanOptions {
    ScanOptions {
        residency: RESIDENCY.clone(),
        ..ScanOptions::from(ScanConfig {
            threads,
            max_line,
            split_size,
            ..Default::default()
        })
    }
}

fn run(inputs: &[Input], o: &ScanOptions) -> ScanOutput {
    scan(inputs, &DET, o).expect("scan runs")
}

fn paths(ps: &[PathBuf]) -> Vec<Input> {
    ps.iter().map(|p| Input::Path(p.clone())).collect()
}

/// The accounting without the number of ranges (which is what differs
/// between a split and a whole scan by design).
fn comparable(a: &Accounting) -> Accounting {
    let mut a = a.clone();
    for f in &mut a.per_file {
        f.ranges = 0;
    }
    a
}

fn assert_balanced(out: &ScanOutput) -> Result<(), TestCaseError> {
    let off = out.accounting.imbalances();
    prop_assert!(off.is_empty(), "imbalances: {:?}", off);
    prop_assert!(
        out.accounting.failures.is_empty(),
        "{:?}",
        out.accounting.failures
    );
    Ok(())
}

/// What a finding says, without where it is in its file or the file name.
fn gist(
    f: &Finding,
) -> (
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    String,
) {
    (
        f.detector.clone(),
        f.evidence.clone(),
        f.field.clone(),
        f.verdict.clone(),
        f.origin_country.clone(),
        f.dest_country.clone(),
        format!("{:?}/{:?}", f.rule, f.severity),
    )
}

// --------------------------------------------------------------- properties

proptest! {
    #![proptest_config(config(64))]

    /// Split into ranges (any split size), any thread count: the same
    /// findings in the same order and the same accounting as one thread
    /// reading each file whole; the accounting adds up and agrees with the
    /// lines that were written.
    #[test]
    fn split_and_threads_equal_whole(
        files in prop::collection::vec(file_spec(160), 1..4),
        max_line in 24usize..260,
        threads in 1usize..=4,
        split in 0u64..12_000,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let ps = write_files(dir.path(), &files, max_line);
        let whole = run(&paths(&ps), &opts(max_line, 1, u64::MAX));
        let split_run = run(&paths(&ps), &opts(max_line, threads, split));
        assert_balanced(&whole)?;
        assert_balanced(&split_run)?;
        prop_assert_eq!(whole.findings(), split_run.findings());
        prop_assert_eq!(comparable(&whole.accounting), comparable(&split_run.accounting));

        // The model: lines, cut lines and cut bytes as written (a `\r\n`
        // terminator is a terminator, whatever the line's length).
        for (f, stats) in files.iter().zip(&whole.accounting.per_file) {
            let (lines, data) = render(f, max_line);
            let cut: Vec<usize> =
                lines.iter().map(|l| l.len()).filter(|&n| n > max_line).collect();
            let last_empty = !f.final_eol && lines.last().is_some_and(|l| l.is_empty());
            prop_assert_eq!(stats.lines as usize, lines.len() - usize::from(last_empty));
            prop_assert_eq!(stats.bytes, data.len() as u64);
            prop_assert_eq!(stats.decompressed_bytes, data.len() as u64);
            prop_assert_eq!(stats.truncated_lines as usize, cut.len(), "{}", stats.path);
            prop_assert_eq!(
                stats.cut_bytes as usize,
                cut.iter().map(|n| n - max_line).sum::<usize>()
            );
        }
    }

    /// Converting LF to CRLF changes offsets and nothing else.
    #[test]
    fn crlf_scans_like_lf(
        mut file in file_spec(60),
        max_line in 24usize..200,
    ) {
        file.final_eol = true;
        let mut lf = file.clone();
        lf.eol = 0;
        let mut crlf = file;
        crlf.eol = 1;
        let name = file_name(0, &lf);
        let o = opts(max_line, 1, u64::MAX);
        let a = run(&[Input::Bytes { name: name.clone(), data: render(&lf, max_line).1.into() }], &o);
        let b = run(&[Input::Bytes { name, data: render(&crlf, max_line).1.into() }], &o);
        let key = |f: &Finding| (f.line, f.column, gist(f), f.fingerprint.clone());
        prop_assert_eq!(
            a.findings().iter().map(key).collect::<Vec<_>>(),
            b.findings().iter().map(key).collect::<Vec<_>>()
        );
        let (x, y) = (&a.accounting, &b.accounting);
        prop_assert_eq!(
            (x.lines, x.records, x.parsed, x.blank_lines, x.header_lines, x.truncated_lines),
            (y.lines, y.records, y.parsed, y.blank_lines, y.header_lines, y.truncated_lines)
        );
        prop_assert_eq!(x.cut_bytes, y.cut_bytes);
    }

    /// Masked evidence never contains the value it masks. Stars are left
    /// out of the values: a value of stars is indistinguishable from its
    /// mask.
    #[test]
    fn mask_never_returns_the_raw_value(value in "[^*]{1,200}") {
        for style in [MaskStyle::Email, MaskStyle::Edges, MaskStyle::Full] {
            let m = mask(style, value.as_bytes());
            prop_assert!(!m.contains(&value), "{:?}: {:?} -> {:?}", style, value, m);
        }
    }

    /// End to end: with masking on, no evidence of a masked rule contains
    /// what the same scan shows with `show_values`, nor any secret written.
    #[test]
    fn evidence_is_masked_end_to_end(
        file in file_spec(60),
        max_line in 40usize..400,
    ) {
        let name = file_name(0, &file);
        let data: Arc<[u8]> = render(&file, max_line).1.into();
        let input = [Input::Bytes { name, data }];
        let masked = run(&input, &opts(max_line, 1, u64::MAX));
        let shown = run(&input, &{ let base = opts(max_line, 1, u64::MAX); ScanOptions { config: ScanConfig { show_values: true, ..base.config.clone() }, ..base } });
        let (m, s) = (masked.findings(), shown.findings());
        prop_assert_eq!(m.len(), s.len());
        // What masking rules found, per line: no evidence of that line, of
        // any rule, may show it.
        let mut found: std::collections::BTreeMap<u64, Vec<&str>> = Default::default();
        for s in &s {
            let rule = DET.rules.iter().find(|r| r.id == s.detector).unwrap();
            if rule.mask != MaskStyle::None && !s.evidence.contains(['*', '…']) {
                found.entry(s.line).or_default().push(&s.evidence);
            }
        }
        for m in &m {
            for raw in found.get(&m.line).into_iter().flatten() {
                prop_assert!(
                    !m.evidence.contains(raw),
                    "{} shows {:?} in {:?}", m.detector, raw, m.evidence
                );
            }
        }
        for (m, s) in m.iter().zip(&s) {
            prop_assert_eq!(&m.detector, &s.detector);
            let rule = DET.rules.iter().find(|r| r.id == m.detector).unwrap();
            if rule.mask == MaskStyle::None {
                continue;
            }
            prop_assert!(
                s.evidence.contains('*') || !m.evidence.contains(&s.evidence),
                "{}: {:?} shown as {:?}", m.detector, s.evidence, m.evidence
            );
            for secret in SECRETS {
                prop_assert!(!m.evidence.contains(secret), "{}: {:?}", m.detector, m.evidence);
            }
        }
    }

    /// Shuffling the records of a file changes where findings are, not what
    /// they are, nor the flow and violation summaries.
    #[test]
    fn policy_evaluation_is_independent_of_record_order(
        (lines, shuffled) in prop::collection::vec(line_spec(), 2..80)
            .prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle())),
    ) {
        let summarize = |specs: &[LineSpec]| {
            let mut text = String::new();
            for l in specs {
                text.push_str(&render_line(Style::Jsonl, l, 4096, 0));
                text.push('\n');
            }
            let input = [Input::Bytes { name: "site.jsonl".into(), data: text.into_bytes().into() }];
            // The format pinned: detection from the first lines may
            // legitimately differ once they are shuffled.
            let o = { let base = opts(1 << 20, 1, u64::MAX); ScanOptions { config: ScanConfig { input_format: Some(Format::Jsonl), ..base.config.clone() }, ..base } };
            let out = run(&input, &o);
            let mut s = Summary::default();
            out.batches.iter().for_each(|b| s.add(b));
            let mut gists: Vec<_> = out.findings().iter().map(gist).collect();
            gists.sort();
            (s.residency(), gists)
        };
        let (a, ga) = summarize(&lines);
        let (b, gb) = summarize(&shuffled);
        prop_assert_eq!(ga, gb);
        prop_assert_eq!(a.flows, b.flows);
        prop_assert_eq!(a.violations, b.violations);
        prop_assert_eq!(a.verdicts, b.verdicts);
        prop_assert_eq!(a.dest_sources, b.dest_sources);
        prop_assert_eq!(a.origin_sources, b.origin_sources);
    }
}

proptest! {
    // Fewer cases: each scans over 100,000 lines three times.
    #![proptest_config(config(12))]

    /// Several gzip files, long enough to be cut into several chunks for
    /// the workers (a chunk holds at most 65,535 lines), scan the same with 1 to 4 threads, and the same as
    /// their plain content.
    #[test]
    fn gzip_any_threads_equal_whole(
        files in prop::collection::vec(file_spec(40), 1..3),
        max_line in 24usize..200,
        threads in 2usize..=4,
        padding in 66_000usize..140_000,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut plain = Vec::new();
        let mut gz = Vec::new();
        for (i, f) in files.iter().enumerate() {
            let (_, mut data) = render(f, max_line);
            // Blank lines are cheap to scan and push the stream past the
            // lines per chunk.
            if !data.ends_with(b"\n") {
                data.push(b'\n');
            }
            let (head, tail) = data.split_at(data.len() / 2);
            let head_end = head.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let mut padded = data[..head_end].to_vec();
            padded.extend(std::iter::repeat_n(b'\n', padding));
            padded.extend_from_slice(&head[head_end..]);
            padded.extend_from_slice(tail);
            let p = dir.path().join(file_name(i, f));
            std::fs::write(&p, &padded).unwrap();
            plain.push(p.clone());
            let mut g = p.into_os_string();
            g.push(".gz");
            std::fs::write(&g, gzip(&padded)).unwrap();
            gz.push(PathBuf::from(g));
        }
        let one = run(&paths(&gz), &opts(max_line, 1, u64::MAX));
        let many = run(&paths(&gz), &opts(max_line, threads, u64::MAX));
        let flat = run(&paths(&plain), &opts(max_line, 1, u64::MAX));
        assert_balanced(&one)?;
        assert_balanced(&many)?;
        prop_assert_eq!(one.findings(), many.findings());
        prop_assert_eq!(comparable(&one.accounting), comparable(&many.accounting));
        let key = |f: &Finding| (f.line, f.byte_offset, f.column, gist(f));
        prop_assert_eq!(
            one.findings().iter().map(key).collect::<Vec<_>>(),
            flat.findings().iter().map(key).collect::<Vec<_>>()
        );
        for (g, p) in one.accounting.per_file.iter().zip(&flat.accounting.per_file) {
            prop_assert_eq!(
                (g.decompressed_bytes, g.lines, g.records, g.parsed, g.truncated_lines, g.cut_bytes),
                (p.decompressed_bytes, p.lines, p.records, p.parsed, p.truncated_lines, p.cut_bytes)
            );
        }
    }
}

/// The generator makes what the properties are about: findings, violations,
/// cut lines, CRLF, several ranges.
#[test]
fn generated_logs_exercise_the_engine() {
    let f = FileSpec {
        style: Style::Csv,
        eol: 1,
        final_eol: true,
        extra_cols: 0,
        lines: (0..200)
            .map(|i| LineSpec {
                kind: (i % 8) as u8,
                a: i,
                b: i * 7,
                c: i * 3,
                delta: (i % 7) as i32 - 3,
            })
            .collect(),
    };
    let dir = tempfile::tempdir().unwrap();
    let ps = write_files(dir.path(), &[f], 100);
    let out = run(&paths(&ps), &opts(100, 3, 4096));
    let a = &out.accounting;
    assert!(a.per_file[0].ranges > 1, "{:?}", a.per_file[0]);
    assert!(a.truncated_lines > 10 && a.header_lines == 1, "{a:?}");
    let findings = out.findings();
    assert!(findings.len() > 100, "{}", findings.len());
    assert!(findings.iter().any(|f| f.verdict == "violation"));
    assert!(findings.iter().any(|f| f.verdict == "allowed"));
}

proptest! {
    #![proptest_config(config(64))]

    /// Split equals whole on bytes that are no log at all: stray `\r`,
    /// quotes, braces and delimiters, tiny maximum line lengths, names
    /// that ask for CSV, TSV, syslog or JSON.
    #[test]
    fn split_equals_whole_on_arbitrary_bytes(
        data in prop::collection::vec(prop::sample::select(b"\r\n\",{}=: \tab1@.x<>-".to_vec()), 4096..20000),
        ext in prop::sample::select(vec!["csv", "tsv", "log", "jsonl", "syslog"]),
        max_line in 1usize..64,
        threads in 1usize..=4,
        split in 0u64..9000,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(format!("x.{ext}"));
        std::fs::write(&p, &data).unwrap();
        let ps = [p];
        let whole = run(&paths(&ps), &opts(max_line, 1, u64::MAX));
        let split_run = run(&paths(&ps), &opts(max_line, threads, split));
        assert_balanced(&whole)?;
        assert_balanced(&split_run)?;
        prop_assert_eq!(whole.findings(), split_run.findings());
        prop_assert_eq!(comparable(&whole.accounting), comparable(&split_run.accounting));
    }
}
