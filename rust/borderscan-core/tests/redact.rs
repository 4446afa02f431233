//! `redact` end to end in the engine: per format, the copy keeps every byte
//! but the values that are violations, and scans clean.

use std::io::{Read, Write};
use std::path::Path;

use borderscan_core::redact::{Action, Job, Redaction, redact_files};
use borderscan_core::{ScanConfig, ScanOptions, scan};

fn config() -> ScanConfig {
    ScanConfig {
        preset: Some("cn-industrial-export".into()),
        destination: Some("DE".into()),
        threads: 2,
        ..Default::default()
    }
}

fn redaction(actions: &[&str]) -> Redaction {
    let mut r = Redaction {
        key: Some(b"k".to_vec()),
        ..Default::default()
    };
    for a in actions {
        r.actions.set_arg(a).unwrap();
    }
    r
}

/// Redact `name` holding `data`; the copy's bytes.
fn redact_one(dir: &Path, name: &str, data: &[u8], actions: &[&str]) -> Vec<u8> {
    let input = dir.join(name);
    std::fs::write(&input, data).unwrap();
    let output = dir.join(format!("out-{name}"));
    let (reports, _) = redact_files(
        &config(),
        &redaction(actions),
        &[Job {
            input,
            output: output.clone(),
        }],
        None,
    )
    .unwrap();
    assert_eq!(reports[0].error, None);
    std::fs::read(output).unwrap()
}

/// Violations a scan under the same options finds in `data`.
fn violations(name: &str, data: &[u8]) -> usize {
    let opts = ScanOptions {
        residency: std::sync::Arc::new(config().residency(None).unwrap()),
        ..ScanOptions::from(config())
    };
    let input = borderscan_core::Input::Bytes {
        name: name.into(),
        data: std::sync::Arc::from(data),
    };
    let out = scan(&[input], &config().detectors().unwrap(), &opts).unwrap();
    out.findings()
        .into_iter()
        .filter(|f| f.verdict == "violation")
        .count()
}

#[test]
fn json_lines_keep_keys_types_and_untouched_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let data = concat!(
        r#"{"site": "CN-SZ-02", "operator": {"email": "li.wei@example.cn", "n": 3}, "ok": true}"#,
        "\n",
        r#"{"site":"CN-SZ-02","msg":"call +86 138 0013 8000 now","x":[1,2]}"#,
        "\r\n",
        r#"{"site": "DE-MUC-01", "note": "all quiet"}"#,
        "\n",
    );
    assert!(violations("a.jsonl", data.as_bytes()) > 0);
    let out = redact_one(dir.path(), "a.jsonl", data.as_bytes(), &[]);
    let text = String::from_utf8(out.clone()).unwrap();
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    assert_eq!(lines.len(), 3);
    assert!(!text.contains("li.wei@example.cn") && !text.contains("0013 8000"));
    let first: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(first["operator"]["n"], 3);
    assert_eq!(first["ok"], true);
    assert!(lines[1].ends_with("\r\n"), "the terminator is kept");
    assert!(lines[1].starts_with(r#"{"site":"CN-SZ-02","msg":"call "#));
    assert!(lines[1].ends_with(" now\",\"x\":[1,2]}\r\n"));
    assert_eq!(lines[2], data.split_inclusive('\n').nth(2).unwrap());
    assert_eq!(violations("a.jsonl", &out), 0);
}

#[test]
fn remove_takes_the_member_and_pseudonyms_are_keyed() {
    let dir = tempfile::tempdir().unwrap();
    let data = b"{\"site\": \"CN-SZ-02\", \"email\": \"li.wei@example.cn\", \"k\": 1}\n";
    let out = redact_one(dir.path(), "b.jsonl", data, &["personal=remove"]);
    assert_eq!(out, b"{\"site\": \"CN-SZ-02\", \"k\": 1}\n");
    let p = redact_one(dir.path(), "c.jsonl", data, &["personal=pseudonymize"]);
    let v: serde_json::Value = serde_json::from_slice(&p).unwrap();
    let token = v["email"].as_str().unwrap();
    assert!(token.starts_with("personal_") && token.len() == "personal_".len() + 16);
    // The same value, another file: the same token.
    let q = redact_one(dir.path(), "d.jsonl", data, &["personal=pseudonymize"]);
    assert_eq!(p, q);
    assert_ne!(Action::Pseudonymize.as_str(), token);
}

#[test]
fn csv_keeps_columns_and_quotes() {
    let dir = tempfile::tempdir().unwrap();
    let data = b"ts,site,contact,phone\n2026-11-02T08:00:00Z,CN-SZ-02,\"li.wei@example.cn\",+86 138 0013 8000\n2026-11-02T08:00:01Z,CN-SZ-02,nobody,none\n";
    let out = redact_one(dir.path(), "p.csv", data, &[]);
    let text = String::from_utf8(out.clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "ts,site,contact,phone");
    assert!(lines[1].starts_with("2026-11-02T08:00:00Z,CN-SZ-02,\""));
    assert_eq!(lines[1].split(',').count(), 4);
    assert!(!text.contains("li.wei@example.cn") && !text.contains("0013 8000"));
    assert_eq!(lines[2], "2026-11-02T08:00:01Z,CN-SZ-02,nobody,none");
    assert_eq!(violations("p.csv", &out), 0);
}

#[test]
fn gzip_in_gzip_out_and_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(b"{\"site\": \"CN-SZ-02\", \"email\": \"li.wei@example.cn\"}\n")
        .unwrap();
    let data = gz.finish().unwrap();
    let a = redact_one(dir.path(), "e.jsonl.gz", &data, &[]);
    let b = redact_one(dir.path(), "e.jsonl.gz", &data, &[]);
    assert_eq!(a, b, "two runs, the same bytes");
    assert_eq!(&a[..2], b"\x1f\x8b");
    let mut plain = String::new();
    flate2::read::MultiGzDecoder::new(&a[..])
        .read_to_string(&mut plain)
        .unwrap();
    assert!(
        plain.starts_with("{\"site\": \"CN-SZ-02\", \"email\": \"") && !plain.contains("li.wei")
    );
}

/// An OTLP export line: a resource at a Chinese site, three log records
/// (an e-mail in an attribute, a clean one, a phone number in the body).
fn otlp_line(n: usize) -> String {
    let attr = |k: &str, v: &str| format!(r#"{{"key":"{k}","value":{{"stringValue":"{v}"}}}}"#);
    let records = [
        format!(
            r#"{{"timeUnixNano":"1700000000000000000","severityText":"INFO","body":{{"stringValue":"login ok"}},"attributes":[{},{}]}}"#,
            attr("user.email", &format!("li.wei{n}@example.cn")),
            attr("count", "3")
        ),
        r#"{"timeUnixNano":"1700000000000000001","body":{"stringValue":"all quiet"},"attributes":[{"key":"n","value":{"intValue":"7"}}]}"#.to_string(),
        r#"{"timeUnixNano":"1700000000000000002","body":{"stringValue":"call +86 138 0013 8000 now"}}"#.to_string(),
    ];
    format!(
        r#"{{"resourceLogs":[{{"resource":{{"attributes":[{},{}]}},"scopeLogs":[{{"scope":{{"name":"app"}},"logRecords":[{}]}}]}}]}}"#,
        attr("service.name", "press"),
        attr("site", "CN-SZ-02"),
        records.join(",")
    )
}

#[test]
fn otlp_records_are_rewritten_in_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = format!("{}\n{}\n", otlp_line(1), otlp_line(2));
    assert!(violations("a.otlp.json", data.as_bytes()) >= 4);
    let out = redact_one(dir.path(), "a.otlp.json", data.as_bytes(), &[]);
    let text = String::from_utf8(out.clone()).unwrap();
    assert_eq!(text.lines().count(), 2);
    assert!(!text.contains("li.wei1@") && !text.contains("0013 8000"));
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let recs = &v["resourceLogs"][0]["scopeLogs"][0]["logRecords"];
        assert_eq!(recs.as_array().unwrap().len(), 3);
        // The clean record is as it was, byte for byte.
        assert!(line.contains(r#"{"timeUnixNano":"1700000000000000001","body":{"stringValue":"all quiet"},"attributes":[{"key":"n","value":{"intValue":"7"}}]}"#));
        assert_eq!(recs[0]["attributes"][1]["value"]["stringValue"], "3");
    }
    assert_eq!(violations("a.otlp.json", &out), 0);

    // drop-record cuts the record out of its list, and only it.
    let out = redact_one(
        dir.path(),
        "b.otlp.json",
        data.as_bytes(),
        &["personal=drop-record"],
    );
    let text = String::from_utf8(out.clone()).unwrap();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let recs = v["resourceLogs"][0]["scopeLogs"][0]["logRecords"]
            .as_array()
            .unwrap()
            .clone();
        assert_eq!(recs.len(), 1, "{line}");
        assert_eq!(recs[0]["body"]["stringValue"], "all quiet");
    }
    assert_eq!(violations("b.otlp.json", &out), 0);
}

mod filter {
    use super::*;
    use borderscan_core::redact::{Filter, Filtered, OnViolation};

    fn run(data: &[u8], on: OnViolation, actions: &[&str]) -> (Vec<u8>, Vec<u8>, Filter) {
        let mut f = Filter::new(&config(), &redaction(actions), on).unwrap();
        let (mut out, mut findings) = (Vec::new(), Vec::new());
        f.run(data, &mut out, Some(&mut findings), None).unwrap();
        (out, findings, f)
    }

    fn mixed() -> Vec<u8> {
        let mut data = Vec::new();
        for i in 0..50 {
            data.extend_from_slice(
                format!(
                    "{{\"site\": \"CN-SZ-02\", \"i\": {i}, \"email\": \"li.wei{i}@example.cn\"}}\n{{\"site\": \"DE-MUC-01\", \"i\": {i}, \"note\": \"all quiet\"}}\n"
                )
                .as_bytes(),
            );
        }
        data
    }

    #[test]
    fn a_filtered_stream_is_the_redacted_file() {
        let dir = tempfile::tempdir().unwrap();
        for (name, data) in [
            ("s.jsonl", mixed()),
            (
                "s.otlp.json",
                format!("{}\n{}\n", otlp_line(1), otlp_line(2)).into_bytes(),
            ),
        ] {
            for actions in [
                &[][..],
                &["personal=pseudonymize"],
                &["personal=drop-record"],
            ] {
                let want = redact_one(dir.path(), name, &data, actions);
                let (got, findings, f) = run(&data, OnViolation::Redact, actions);
                assert_eq!(got, want, "{name} {actions:?}");
                assert_eq!(
                    f.report().format,
                    if name.ends_with("jsonl") {
                        "jsonl"
                    } else {
                        "otlp"
                    }
                );
                let found: Vec<serde_json::Value> = findings
                    .split(|&b| b == b'\n')
                    .filter(|l| !l.is_empty())
                    .map(|l| serde_json::from_slice(l).unwrap())
                    .collect();
                assert_eq!(
                    found.len() as u64,
                    f.report().violations.values().sum::<u64>()
                );
                assert!(found.len() >= 2);
                // Evidence is masked: no planted address in the findings.
                assert!(!String::from_utf8_lossy(&findings).contains("@example.cn"));
                assert!(found.iter().all(|v| v["dest_country"] == "DE"));
            }
        }
    }

    #[test]
    fn violations_are_counted_alike_with_or_without_findings() {
        let mut data = mixed();
        // Key rules fire on every `calib.*` field; counted once per record.
        data.extend_from_slice(
            b"{\"site\": \"CN-SZ-02\", \"calib\": {\"fx\": 1420.5, \"fy\": 1419.7, \"cx\": 960.1}}\n",
        );
        let (_, findings, with) = run(&data, OnViolation::Redact, &[]);
        let mut without = Filter::new(&config(), &redaction(&[]), OnViolation::Redact).unwrap();
        let mut out = Vec::new();
        without.run(&data[..], &mut out, None, None).unwrap();
        assert_eq!(with.report().violations, without.report().violations);
        let n: u64 = with.report().violations.values().sum();
        assert_eq!(n as usize, findings.iter().filter(|&&b| b == b'\n').count());
    }

    #[test]
    fn pass_writes_everything_and_drop_only_clean_records() {
        let data = mixed();
        let (out, findings, f) = run(&data, OnViolation::Pass, &[]);
        assert_eq!(out, data);
        assert_eq!(findings.iter().filter(|&&b| b == b'\n').count(), 50);
        assert_eq!(f.report().records_dropped, 0);
        let (out, _, f) = run(&data, OnViolation::Drop, &[]);
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), 50);
        assert!(text.lines().all(|l| l.contains("DE-MUC-01")));
        assert_eq!(f.report().records_dropped, 50);
    }

    #[test]
    fn record_at_a_time() {
        let mut f = Filter::new(&config(), &redaction(&[]), OnViolation::Redact).unwrap();
        let clean = br#"{"site": "DE-MUC-01", "note": "all quiet"}"#;
        assert_eq!(f.record(clean), Filtered::Same);
        assert!(f.violations().is_empty());
        let Filtered::Rewritten(out) =
            f.record(br#"{"site": "CN-SZ-02", "email": "li.wei@example.cn"}"#)
        else {
            panic!("rewritten")
        };
        assert!(!String::from_utf8_lossy(&out).contains("li.wei"));
        assert_eq!(f.violations().len(), 1);
        assert_eq!(f.violations()[0].category, "personal");
        assert_eq!(f.violations()[0].line, 2);
        // A record longer than the limit cannot be shown clean.
        let mut small = config();
        small.max_line = 100;
        let mut f = Filter::new(&small, &redaction(&[]), OnViolation::Redact).unwrap();
        let long = format!(r#"{{"site": "DE-MUC-01", "note": "{}"}}"#, "x".repeat(200));
        assert_eq!(f.record(long.as_bytes()), Filtered::Dropped);
        assert_eq!(f.report().overlong_lines, 1);
    }

    #[test]
    fn compressed_encoded_and_binary_streams_are_refused() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(b"{\"email\": \"li.wei@example.cn\"}\n")
            .unwrap();
        let gz = gz.finish().unwrap();
        let utf16: Vec<u8> = b"\xff\xfe"
            .iter()
            .copied()
            .chain("{\"a\": 1}\n".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let binary = b"\x00\x01\x02\x03\x00\x00\xff\x10\x00\x00binary".to_vec();
        for (data, said) in [
            (gz, "gzip-compressed"),
            (utf16, "utf-16le text"),
            (binary, "binary"),
        ] {
            let mut f = Filter::new(&config(), &redaction(&[]), OnViolation::Redact).unwrap();
            let mut out = Vec::new();
            let e = f.run(&data[..], &mut out, None, None).unwrap_err();
            assert!(e.to_string().contains(said), "{e}");
            assert!(out.is_empty(), "nothing passed through");
        }
        // An empty stream is fine.
        let mut f = Filter::new(&config(), &redaction(&[]), OnViolation::Redact).unwrap();
        f.run(&b""[..], &mut Vec::new(), None, None).unwrap();
    }

    #[test]
    fn a_line_past_the_limit_is_never_held_whole() {
        let mut small = config();
        small.max_line = 1000;
        small.max_otlp_line = 1000;
        let long = format!(
            "{{\"site\": \"DE-MUC-01\", \"n\": \"{}\"}}\n",
            "y".repeat(5_000_000)
        );
        let data = format!("{long}{{\"site\": \"DE-MUC-01\", \"note\": \"after\"}}\n");
        for (on, want) in [(OnViolation::Redact, 1), (OnViolation::Pass, 2)] {
            let mut f = Filter::new(&small, &redaction(&[]), on).unwrap();
            let mut out = Vec::new();
            f.run(data.as_bytes(), &mut out, None, None).unwrap();
            let text = String::from_utf8(out).unwrap();
            assert_eq!(text.lines().count(), want, "{on:?}");
            assert!(text.ends_with("\"after\"}\n"));
            assert_eq!(f.report().overlong_lines, 1);
        }
    }
}
