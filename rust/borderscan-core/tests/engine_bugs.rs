//! The smallest reproducers of engine bugs found by the property tests
//! (tests/properties.rs), one per bug, named `engine_bug_*`.

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, LazyLock};

use borderscan_core::accounting::Accounting;
use borderscan_core::input::LineReader;
use borderscan_core::rules::RulePackSpec;
use borderscan_core::{Detectors, Input, ScanConfig, ScanOptions, ScanOutput, scan};

static DET: LazyLock<Detectors> = LazyLock::new(|| Detectors::builtin().expect("builtin rules"));

fn opts(max_line: usize, threads: usize, split_size: u64) -> ScanOptions {
    ScanOptions::from(ScanConfig {
        threads,
        max_line,
        split_size,
        ..Default::default()
    })
}

fn run(p: &Path, o: &ScanOptions) -> ScanOutput {
    scan(&[Input::Path(p.to_path_buf())], &DET, o).expect("scan runs")
}

/// The accounting without the number of ranges (which differs between a
/// split and a whole scan by design).
fn comparable(a: &Accounting) -> Accounting {
    let mut a = a.clone();
    for f in &mut a.per_file {
        f.ranges = 0;
    }
    a
}

/// Same findings and accounting; names the first differing finding rather
/// than printing thousands.
fn assert_same(whole: &ScanOutput, split: &ScanOutput) {
    let (a, b) = (whole.findings(), split.findings());
    if let Some(i) = (0..a.len().min(b.len())).find(|&i| a[i] != b[i]) {
        panic!("finding {i} differs:\n whole {:?}\n split {:?}", a[i], b[i]);
    }
    assert_eq!(a.len(), b.len(), "number of findings");
    assert_eq!(comparable(&whole.accounting), comparable(&split.accounting));
}

/// A CSV file whose header line is longer than the maximum line length:
/// the whole-file scan cuts the header (as any line), so the split scan's
/// later ranges must use the same cut header, not the full line.
#[test]
fn engine_bug_csv_header_longer_than_max_line_split_equals_whole() {
    let mut data = b"ts,site,user,endpoint,note".to_vec();
    for c in 0..12 {
        data.extend_from_slice(format!(",extra_column_{c}").as_bytes());
    }
    data.push(b'\n');
    for i in 0..400 {
        let row =
            format!("2026-11-02,CN-SZ-02,li.wei{i}@example.cn,https://collector.example.de/in,n");
        data.extend_from_slice(row.as_bytes());
        for c in 0..12 {
            data.extend_from_slice(format!(",{c}").as_bytes());
        }
        data.push(b'\n');
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("wide.csv");
    std::fs::write(&p, &data).unwrap();
    let max_line = 120;
    let whole = run(&p, &opts(max_line, 1, u64::MAX));
    let split = run(&p, &opts(max_line, 2, 4096));
    assert!(split.accounting.per_file[0].ranges > 1);
    assert_eq!(whole.accounting.truncated_lines, 1, "the header is cut");
    assert_same(&whole, &split);
}

/// Yields its data a few bytes per read, as a pipe may.
struct Trickle<'a>(&'a [u8], usize);

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.0.len().min(buf.len()).min(self.1);
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

/// A line of exactly `max_line` bytes ended by CRLF is not cut: the `\r`
/// belongs to the terminator, as it does for shorter lines. Also when the
/// `\r` arrives in one read and the `\n` in the next.
#[test]
fn engine_bug_crlf_line_of_max_line_bytes_is_not_cut() {
    let data = b"abcd\r\nefghij\r\nkl\r\nmnop\r";
    for step in [1, 2, 3, 5, 64] {
        let mut lr = LineReader::new(Trickle(data, step), 4);
        let mut got = Vec::new();
        while let Some(l) = lr.next_line().unwrap() {
            got.push((
                String::from_utf8_lossy(l.bytes).into_owned(),
                l.offset,
                l.truncated,
            ));
        }
        let want = [
            ("abcd", 0, false),
            ("efgh", 6, true),
            ("kl", 14, false),
            ("mnop", 18, false),
        ];
        let want: Vec<_> = want
            .iter()
            .map(|(s, o, t)| (s.to_string(), *o, *t))
            .collect();
        assert_eq!(got, want, "reads of {step} bytes");
        // "ij" was cut; the terminators are not counted.
        assert_eq!(lr.cut_bytes(), 2, "reads of {step} bytes");
    }
}

/// Whether a file is binary, and its format, are decided from the first
/// 64 KiB whether or not it is split: a NUL byte further in must not make
/// the whole-file scan skip a file that the split scan reads.
#[test]
fn engine_bug_sniff_reads_the_same_head_whole_or_split() {
    let mut data = Vec::new();
    let mut i = 0;
    while data.len() < 80_000 {
        writeln!(
            data,
            "operator li.wei{i}@example.cn uploaded to https://collector.example.de/in"
        )
        .unwrap();
        i += 1;
    }
    data.extend_from_slice(b"binary \0 blob\n");
    for i in 0..100 {
        writeln!(data, "operator k.tanaka{i}@plant-osaka.example.jp done").unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("late-nul.log");
    std::fs::write(&p, &data).unwrap();
    let whole = run(&p, &opts(1 << 20, 1, u64::MAX));
    let split = run(&p, &opts(1 << 20, 2, 16_384));
    assert!(split.accounting.per_file[0].ranges > 1);
    assert_eq!(whole.accounting.binary_skipped, 0);
    assert_same(&whole, &split);
}

/// Keyword and record-type rules mask their evidence as their `mask` says
/// (a project code name can be as confidential as a key).
#[test]
fn engine_bug_keyword_and_record_type_rules_honour_mask() {
    let pack = RulePackSpec::parse(
        r#"
name = "confidential"
version = "1"

[[rule]]
id = "secret.codename"
category = "secret"
description = "Project code names"
kind = "keyword"
keywords = ["project-falcon"]
mask = "full"

[[rule]]
id = "secret.classified_record"
category = "secret"
description = "Records typed as classified"
kind = "record_type"
type_fields = ["type"]
type_values = ["classified-alpha-7"]
mask = "edges"
"#,
        "test",
    )
    .unwrap();
    let det = Detectors::new(&[pack]).unwrap();
    let line = br#"{"type": "classified-alpha-7", "msg": "status of project-falcon"}"#;
    let input = [Input::Bytes {
        name: "x.jsonl".into(),
        data: Arc::from(&line[..]),
    }];
    let evidence = |show_values| {
        let o = ScanOptions::from(ScanConfig {
            show_values,
            ..Default::default()
        });
        let mut e: Vec<(String, String)> = scan(&input, &det, &o)
            .unwrap()
            .findings()
            .into_iter()
            .map(|f| (f.detector, f.evidence))
            .collect();
        e.sort();
        e
    };
    assert_eq!(
        evidence(false),
        [
            (
                "secret.classified_record".into(),
                "cl**************-7".into()
            ),
            ("secret.codename".into(), "p*************".into()),
        ]
    );
    assert_eq!(
        evidence(true),
        [
            (
                "secret.classified_record".into(),
                "classified-alpha-7".into()
            ),
            ("secret.codename".into(), "project-falcon".into()),
        ]
    );
}

/// A value a masking rule found stays masked in the evidence of a key rule
/// that shows values (`calibration.metadata`, `sensor.telemetry`), also
/// when it repeats a value found in an earlier field.
#[test]
fn engine_bug_shown_field_values_mask_what_masking_rules_found() {
    let line = br#"{"user":"k.tanaka@plant-osaka.example.jp","calib":{"operator":"li.wei@example.cn"},"sensor":{"temperature":"61.2 by k.tanaka@plant-osaka.example.jp"}}"#;
    let input = [Input::Bytes {
        name: "x.jsonl".into(),
        data: Arc::from(&line[..]),
    }];
    let evidence = |show_values| -> Vec<(String, String)> {
        let o = ScanOptions::from(ScanConfig {
            show_values,
            ..Default::default()
        });
        scan(&input, &DET, &o)
            .unwrap()
            .findings()
            .into_iter()
            .map(|f| (f.detector, f.evidence))
            .collect()
    };
    let masked = evidence(false);
    for (det, e) in &masked {
        assert!(
            !e.contains("@example") && !e.contains("osaka"),
            "{det}: {e}"
        );
    }
    let get = |v: &[(String, String)], id: &str| {
        v.iter()
            .find(|(d, _)| d == id)
            .map(|(_, e)| e.clone())
            .unwrap()
    };
    assert_eq!(get(&masked, "calibration.metadata"), "l***@e***.cn");
    assert_eq!(get(&masked, "sensor.telemetry"), "61.2 by k***@p***.jp");
    let shown = evidence(true);
    assert_eq!(get(&shown, "calibration.metadata"), "li.wei@example.cn");
}

/// A value that a rule showing values found as is (an alarm code's shape,
/// `E-58102`) and that a masking rule found too (an employee number after
/// its keyword) is masked in both findings' evidence, also when the line
/// was cut so that only part of it was matched.
#[test]
fn engine_bug_value_rule_evidence_masks_what_a_masking_rule_found() {
    for line in [
        &br#"{"m":"parada validada por el numero de empleado E-58102"}"#[..],
        &b"parada validada por el numero de empleado E-58102"[..],
    ] {
        let input = [Input::Bytes {
            name: "x.txt".into(),
            data: Arc::from(line),
        }];
        let found = scan(&input, &DET, &ScanOptions::default())
            .unwrap()
            .findings()
            .into_iter()
            .map(|f| (f.detector, f.evidence))
            .collect::<Vec<_>>();
        assert!(
            found.iter().any(|(d, _)| d == "personal.employee_id_text")
                && found.iter().any(|(d, _)| d == "diagnostic.alarm_code"),
            "{found:?}"
        );
        for (det, e) in &found {
            assert!(!e.contains("58102"), "{det}: {e}");
        }
    }
}
