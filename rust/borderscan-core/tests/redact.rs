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
