//! End-to-end engine tests: reading, formats, accounting and determinism.

use std::io::Write;
use std::sync::Arc;

use borderscan_core::input::LineReader;
use borderscan_core::rules::scan_line;
use borderscan_core::{Detectors, Input, ScanConfig, ScanOptions, ScanOutput, scan};

fn det() -> Detectors {
    Detectors::builtin().expect("built-in rules load")
}

fn bytes(name: &str, data: &[u8]) -> Input {
    Input::Bytes {
        name: name.into(),
        data: Arc::from(data),
    }
}

fn run(inputs: &[Input], opts: &ScanOptions) -> ScanOutput {
    scan(inputs, &det(), opts).expect("scan runs")
}

fn ids(out: &ScanOutput) -> Vec<String> {
    out.findings().into_iter().map(|f| f.detector).collect()
}

/// A few MB of varied telemetry, deterministic.
fn corpus(records: usize) -> Vec<u8> {
    let mut s = Vec::new();
    for i in 0..records {
        match i % 5 {
            0 => writeln!(
                s,
                r#"{{"ts":"2026-11-02T10:{:02}:00Z","type":"telemetry","site":"CN-SZ-02","sensor":{{"temperature":{}.5}},"endpoint":"https://oss-cn-hangzhou.aliyuncs.com/b/{i}"}}"#,
                i % 60,
                i % 90
            ),
            1 => writeln!(
                s,
                r#"{{"type":"calibration","site":"DE-MUC-01","calib":{{"intrinsics":{{"fx":{i}.25}}}},"upload_url":"https://s3.eu-central-1.amazonaws.com/c"}}"#
            ),
            2 => writeln!(s, r#"{{"msg":"operator li.wei{i}@example.cn logged in","site":"JP-OSA-03"}}"#),
            3 => writeln!(s),
            _ => writeln!(s, r#"{{"broken": "#),
        }
        .unwrap();
    }
    s
}

#[test]
fn line_reader_cuts_long_lines_and_keeps_offsets() {
    let mut data = Vec::new();
    data.extend_from_slice(b"short\r\n");
    data.extend(std::iter::repeat_n(b'x', 3_000_000));
    data.extend_from_slice(b"\nafter\nlast-no-newline");
    let mut lr = LineReader::new(&data[..], 1 << 20);
    let a = lr.next_line().unwrap().unwrap();
    assert_eq!((a.bytes, a.offset, a.truncated), (&b"short"[..], 0, false));
    let b = lr.next_line().unwrap().unwrap();
    assert_eq!((b.bytes.len(), b.offset, b.truncated), (1 << 20, 7, true));
    let c = lr.next_line().unwrap().unwrap();
    assert_eq!(
        (c.bytes, c.offset, c.truncated),
        (&b"after"[..], 3_000_008, false)
    );
    let d = lr.next_line().unwrap().unwrap();
    assert_eq!(d.bytes, b"last-no-newline");
    assert!(lr.next_line().unwrap().is_none());
    assert_eq!(lr.position(), data.len() as u64);
}

#[test]
fn a_huge_single_line_is_cut_and_counted() {
    let mut data = vec![b'a'; 100 << 20];
    data.extend_from_slice(b" li.wei@example.cn\nnext li.wei@example.cn\n");
    let out = run(&[bytes("huge.log", &data)], &ScanOptions::default());
    assert_eq!(out.accounting.truncated_lines, 1);
    assert_eq!(out.accounting.records, 2);
    // The cut tail is not scanned; the next line is, at its true offset.
    assert_eq!(out.findings().len(), 1);
    assert_eq!(out.findings()[0].line, 2);
    assert_eq!(out.findings()[0].byte_offset, (100 << 20) + 19);
}

#[test]
fn compressed_inputs_match_plain() {
    let plain = corpus(200);
    let base = run(&[bytes("t.jsonl", &plain)], &ScanOptions::default());
    assert!(!base.findings().is_empty());

    // gzip with two members, as rotated logs concatenated.
    let half = plain.len() / 2;
    let cut = half + plain[half..].iter().position(|&b| b == b'\n').unwrap() + 1;
    let mut gz = Vec::new();
    for part in [&plain[..cut], &plain[cut..]] {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(part).unwrap();
        gz.extend(e.finish().unwrap());
    }
    // zstd with two frames.
    let mut zs = zstd::encode_all(&plain[..cut], 3).unwrap();
    zs.extend(zstd::encode_all(&plain[cut..], 3).unwrap());
    let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
    bz.write_all(&plain).unwrap();
    let bz = bz.finish().unwrap();

    for (name, data, comp) in [
        ("t.gz", gz, "gzip"),
        ("t.zst", zs, "zstd"),
        ("t.bz2", bz, "bzip2"),
    ] {
        let out = run(&[bytes(name, &data)], &ScanOptions::default());
        assert_eq!(
            out.accounting.per_file[0].compression.as_deref(),
            Some(comp)
        );
        assert_eq!(out.accounting.records, base.accounting.records, "{name}");
        assert_eq!(
            out.accounting.failed_files, 0,
            "{name}: {:?}",
            out.accounting.failures
        );
        assert_eq!(ids(&out), ids(&base), "{name}");
        assert_eq!(out.accounting.decompressed_bytes, plain.len() as u64);
        assert_eq!(out.accounting.bytes, data.len() as u64);
    }
}

#[test]
fn truncated_and_corrupt_streams_fail_the_file_but_keep_what_was_read() {
    let plain = corpus(20_000);
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(&plain).unwrap();
    let gz = e.finish().unwrap();
    let zs = zstd::encode_all(&plain[..], 3).unwrap();
    for (name, data) in [
        ("cut.gz", &gz[..gz.len() / 2]),
        ("cut.zst", &zs[..zs.len() / 2]),
    ] {
        let out = run(
            &[
                bytes(name, data),
                bytes("ok.log", b"fine li.wei@example.cn\n"),
            ],
            &ScanOptions::default(),
        );
        let a = &out.accounting;
        assert_eq!(a.failed_files, 1, "{name}");
        assert!(
            a.per_file[0]
                .error
                .as_ref()
                .unwrap()
                .contains("corrupt or truncated"),
            "{:?}",
            a.failures
        );
        assert!(
            a.per_file[0].records > 0,
            "records before the cut are kept: {name} {:?}",
            a.per_file[0]
        );
        // The other file is still scanned.
        assert_eq!(a.per_file[1].records, 1);
        assert!(out.findings().iter().any(|f| f.path == "ok.log"));
    }
}

#[test]
fn compressed_streams_cut_into_chunks_scan_as_one() {
    // Several 2 MiB chunks: JSON Lines with blank, unparseable and cut lines,
    // and a CSV whose header must reach every chunk.
    let mut jsonl = corpus(40_000);
    jsonl.extend(std::iter::repeat_n(b'y', 10_000));
    jsonl.extend_from_slice(b" li.wei@example.cn\n");
    jsonl.extend(corpus(5_000));
    let mut csv = b"ts,site,operator_email,feed_rate\n".to_vec();
    for i in 0..70_000 {
        writeln!(csv, "{i},VN-HCM-01,op{i}@example.vn,{}.5", i % 300).unwrap();
    }
    assert!(jsonl.len() > 2 << 20 && csv.len() > 2 << 20);
    let gz = |data: &[u8]| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    };
    let (jgz, cgz) = (gz(&jsonl), gz(&csv));
    let jzs = zstd::encode_all(&jsonl[..], 3).unwrap();
    let cases: Vec<(Vec<Input>, &str)> = vec![
        (vec![bytes("t.jsonl.gz", &jgz)], "gzip"),
        (vec![bytes("t.jsonl.zst", &jzs)], "zstd"),
        (vec![bytes("p.csv.gz", &cgz)], "csv"),
        // Two streams at once: each task cuts its own chunks.
        (
            vec![bytes("a.jsonl.gz", &jgz), bytes("b.csv.gz", &cgz)],
            "two",
        ),
        // A cut stream: what was read before the cut is kept either way.
        (
            vec![bytes("cut.gz", &jgz[..jgz.len() * 2 / 3])],
            "truncated",
        ),
    ];
    for (inputs, name) in cases {
        let opts = |threads| {
            ScanOptions::from(ScanConfig {
                threads,
                max_line: 4096,
                ..Default::default()
            })
        };
        let one = run(&inputs, &opts(1));
        assert!(!one.findings().is_empty(), "{name}");
        for threads in [2, 3] {
            let many = run(&inputs, &opts(threads));
            assert_eq!(many.findings(), one.findings(), "{name} threads={threads}");
            assert_eq!(many.accounting, one.accounting, "{name} threads={threads}");
        }
        let a = &one.accounting;
        match name {
            "truncated" => assert_eq!(a.failed_files, 1),
            "csv" => {
                assert_eq!((a.header_lines, a.records), (1, 70_000));
                let f = one.findings();
                let last = f.iter().rfind(|f| f.detector == "personal.email").unwrap();
                assert_eq!(last.field.as_deref(), Some("operator_email"));
                assert_eq!(last.line, 70_001);
            }
            _ => {
                assert_eq!(a.failed_files, 0, "{name}: {:?}", a.failures);
                assert!(a.truncated_lines >= 1 && a.unparseable > 0, "{name}");
            }
        }
    }
}

#[test]
fn binary_and_empty_files_are_accounted() {
    let mut bin = b"\x7fELF\x02\x01\x01\0\0\0".to_vec();
    bin.extend(vec![0u8; 1000]);
    let out = run(
        &[bytes("a.bin", &bin), bytes("empty.log", b"")],
        &ScanOptions::default(),
    );
    let a = &out.accounting;
    assert_eq!(a.binary_skipped, 1);
    assert_eq!(a.binary_bytes_skipped, bin.len() as u64);
    assert_eq!(a.records, 0);
    assert_eq!(a.files, 2);
    assert_eq!(a.failed_files, 0);
    assert!(out.findings().is_empty());
}

#[test]
fn unparseable_records_are_counted_with_first_locations_and_still_scanned() {
    let data = b"{\"a\": 1}\n{\"msg\": \"li.wei@example.cn\n{\"ok\": \"x\"}\n";
    let out = run(&[bytes("m.jsonl", data)], &ScanOptions::default());
    let a = &out.accounting;
    assert_eq!((a.records, a.unparseable), (3, 1));
    let r = &a.unparseable_reasons["truncated_json"];
    assert_eq!(r.first[0].line, 2);
    assert_eq!(r.first[0].byte_offset, 9);
    assert_eq!(
        out.findings().len(),
        1,
        "the broken record is scanned as text"
    );
    assert_eq!(out.findings()[0].field, None);
}

#[test]
fn findings_are_identical_whatever_threads_and_ranges() {
    let data = corpus(80_000); // several MB
    assert!(data.len() > 5 << 20, "{}", data.len());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.jsonl");
    std::fs::write(&path, &data).unwrap();
    let input = [Input::Path(path.clone())];
    let reference = run(
        &input,
        &ScanOptions::from(ScanConfig {
            threads: 1,
            split_size: u64::MAX,
            ..Default::default()
        }),
    );
    assert_eq!(reference.accounting.per_file[0].ranges, 1);
    for threads in [1, 2, 4] {
        for split in [64 * 1024, 1 << 20, 3 << 20] {
            let out = run(
                &input,
                &ScanOptions::from(ScanConfig {
                    threads,
                    split_size: split,
                    ..Default::default()
                }),
            );
            assert!(out.accounting.per_file[0].ranges > 1);
            assert_eq!(
                out.findings(),
                reference.findings(),
                "threads={threads} split={split}"
            );
            let (mut a, mut b) = (out.accounting.clone(), reference.accounting.clone());
            a.per_file[0].ranges = 0;
            b.per_file[0].ranges = 0;
            assert_eq!(a, b, "threads={threads} split={split}");
        }
    }
}

#[test]
fn csv_header_applies_to_every_range() {
    let mut data = b"ts,site,operator_email,feed_rate\n".to_vec();
    for i in 0..50_000 {
        writeln!(data, "{i},VN-HCM-01,op{i}@example.vn,{}.5", i % 300).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.csv");
    std::fs::write(&path, &data).unwrap();
    let one = run(
        &[Input::Path(path.clone())],
        &ScanOptions::from(ScanConfig {
            split_size: u64::MAX,
            ..Default::default()
        }),
    );
    let many = run(
        &[Input::Path(path)],
        &ScanOptions::from(ScanConfig {
            split_size: 100_000,
            threads: 2,
            ..Default::default()
        }),
    );
    assert_eq!(one.findings(), many.findings());
    assert_eq!(many.accounting.records, 50_000);
    assert_eq!(many.accounting.header_lines, 1);
    let email = one
        .findings()
        .into_iter()
        .find(|f| f.detector == "personal.email")
        .unwrap();
    assert_eq!(email.field.as_deref(), Some("operator_email"));
    assert_eq!(email.origin.as_deref(), Some("VN-HCM-01"));
}

#[test]
fn destination_and_origin_are_extracted() {
    let out = run(
        &[bytes(
            "x.jsonl",
            br#"{"site":"CN-SZ-02","operator":{"email":"li.wei@example.cn"},"endpoint":"https://oss-cn-hangzhou.aliyuncs.com/x"}"#,
        )],
        &ScanOptions::default(),
    );
    let f = out
        .findings()
        .into_iter()
        .find(|f| f.detector == "personal.email")
        .unwrap();
    assert_eq!(
        f.destination.as_deref(),
        Some("https://oss-cn-hangzhou.aliyuncs.com/x")
    );
    assert_eq!(f.origin.as_deref(), Some("CN-SZ-02"));
    assert_eq!(f.field.as_deref(), Some("operator.email"));
    assert_eq!(f.evidence, "l***@e***.cn");
    // Free text: the URL it mentions.
    let (_, rec, hits) = scan_line(
        &det(),
        b"upload of li.wei@example.cn to https://maint.example.de/u done",
    );
    assert!(!hits.is_empty());
    assert_eq!(rec.fields.len(), 1);
}

#[test]
fn every_builtin_rule_example_behaves() {
    let failures = borderscan_core::check_rules(&det());
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn directories_are_walked_in_order_with_globs_and_problems_counted() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("b/sub")).unwrap();
    std::fs::write(
        root.join("b/sub/z.jsonl"),
        b"{\"email\":\"a.b@example.de\"}\n",
    )
    .unwrap();
    std::fs::write(root.join("a.log"), b"mail a.b@example.de\n").unwrap();
    std::fs::write(root.join("skip.tmp"), b"mail a.b@example.de\n").unwrap();
    std::os::unix::fs::symlink(root.join("missing"), root.join("dangling")).unwrap();
    let out = run(
        &[Input::Path(root.to_path_buf())],
        &ScanOptions::from(ScanConfig {
            exclude: vec!["*.tmp".into()],
            ..Default::default()
        }),
    );
    let names: Vec<String> = out
        .files
        .iter()
        .map(|f| {
            f.strip_prefix(&*root.to_string_lossy())
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(names, ["/a.log", "/b/sub/z.jsonl", "/dangling"]);
    assert_eq!(out.accounting.failed_files, 1);
    assert!(
        out.accounting.failures[0]
            .error
            .contains("broken symbolic link"),
        "{:?}",
        out.accounting.failures
    );
}

#[test]
fn whole_line_prefilter_finds_what_per_field_scanning_finds() {
    // A backslash in a line turns the whole-line prefilter off, so the same
    // records with an escaped field appended are scanned field by field.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample_data");
    let key = |out: &ScanOutput| -> Vec<(u64, String, Option<String>, String)> {
        out.findings()
            .into_iter()
            .filter(|f| f.field.as_deref() != Some("zz"))
            .map(|f| (f.line, f.detector, f.field, f.evidence))
            .collect()
    };
    for (name, append) in [
        ("telemetry.jsonl", None),
        ("diagnostics.logfmt", Some(&br#" zz="a\b""#[..])),
        ("gateway.syslog", Some(&br#" zz \"#[..])),
    ] {
        let plain = std::fs::read(root.join(name)).unwrap();
        let mut escaped = Vec::new();
        for line in plain.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            match append {
                None => {
                    let close = line.iter().rposition(|&b| b == b'}').unwrap();
                    escaped.extend_from_slice(&line[..close]);
                    escaped.extend_from_slice(br#","zz":"\\"}"#);
                }
                // A line of a logfmt file that is no record (a Go panic
                // and its trace, scanned as text) would become one with a
                // pair appended, its words split into fields: left as is.
                Some(_) if name.ends_with(".logfmt") && !line.contains(&b'=') => {
                    escaped.extend_from_slice(line);
                }
                Some(tail) => {
                    escaped.extend_from_slice(line);
                    escaped.extend_from_slice(tail);
                }
            }
            escaped.push(b'\n');
        }
        let a = run(&[bytes(name, &plain)], &ScanOptions::default());
        let b = run(&[bytes(name, &escaped)], &ScanOptions::default());
        assert!(a.findings().len() > 50, "{name}: {}", a.findings().len());
        let (ka, kb) = (key(&a), key(&b));
        // The appended text is itself scanned in free-text formats; compare
        // what the original fields gave.
        let kb: Vec<_> = kb
            .into_iter()
            .filter(|k| ka.contains(k) || !k.3.contains("zz"))
            .collect();
        assert_eq!(ka, kb, "{name}");
    }
}

#[test]
fn many_small_files_arrive_complete_and_in_order() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..3000 {
        std::fs::write(
            dir.path().join(format!("f{i:05}.log")),
            format!("user op{i}@example.cn\n"),
        )
        .unwrap();
    }
    for threads in [1, 2, 4] {
        let out = run(
            &[Input::Path(dir.path().to_path_buf())],
            &ScanOptions::from(ScanConfig {
                threads,
                ..Default::default()
            }),
        );
        let f = out.findings();
        assert_eq!(out.accounting.files, 3000);
        assert_eq!(f.len(), 3000);
        for (i, finding) in f.iter().enumerate() {
            assert!(
                finding.path.ends_with(&format!("f{i:05}.log")),
                "{threads}: {}",
                finding.path
            );
        }
    }
}
