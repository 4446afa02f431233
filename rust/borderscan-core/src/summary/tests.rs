use super::render::needs_escape;
use super::*;
use crate::Detectors;
use crate::batch::Selection;

#[test]
fn escape_check_agrees_with_the_bytewise_one() {
    let slow = |s: &[u8]| s.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\');
    let mut cases: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"plain ascii value".to_vec(),
        "caf\u{e9} \u{6771}\u{4eac} \u{1f600}".as_bytes().to_vec(),
    ];
    for special in [
        0u8, 0x1f, b'"', b'\\', 0x7f, 0x80, 0xff, b' ', b'!', b'#', b'[', b']',
    ] {
        for len in 1..20 {
            for at in 0..len {
                let mut v = vec![b'a'; len];
                v[at] = special;
                cases.push(v);
            }
        }
    }
    for c in cases {
        assert_eq!(needs_escape(&c), slow(&c), "{c:?}");
    }
}
use crate::config::ScanConfig;
use crate::engine::{Input, ScanOptions, scan};

#[test]
fn counts_records_once_per_category_and_detector() {
    let data =
        br#"{"operator":{"email":"a.b@example.de","name":"x"},"contact":"c.d@example.de","we\"ird\\key\t":"e.f@example.de"}
{"calib":{"intrinsics":{"fx":1}}}
"#;
    let det = Detectors::builtin().unwrap();
    let out = scan(
        &[Input::Bytes {
            name: "x".into(),
            data: std::sync::Arc::from(&data[..]),
        }],
        &det,
        &ScanOptions::default(),
    )
    .unwrap();
    let mut s = Summary::default();
    for b in &out.batches {
        s.add(b);
    }
    let email = s
        .detectors()
        .into_iter()
        .find(|d| d.detector == "personal.email")
        .unwrap();
    assert_eq!((email.records, email.hits), (1, 3));
    let personal = s
        .categories()
        .into_iter()
        .find(|c| c.category == "personal")
        .unwrap();
    assert_eq!(personal.records, 1);
    let mut buf = Vec::new();
    let mut first = true;
    write_json_rows(&out.batches[0], &mut buf, b"\n", b"", &mut first).unwrap();
    let rows: Vec<serde_json::Value> = buf
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    assert_eq!(rows[0]["path"], "x");
    assert_eq!(rows[0]["line"], 1);
    // Keys with quotes, backslashes and control characters round-trip.
    assert!(
        rows.iter().any(|r| r["field"] == "we\"ird\\key\t"),
        "{rows:?}"
    );
}

#[test]
fn rendered_rows_shift_lines_and_merged_summaries_add_up() {
    let mut data = Vec::new();
    for i in 0..12_000 {
        data.extend_from_slice(
            format!(
                "{{\"site\":\"DE-MUC-01\",\"operator\":{{\"email\":\"op{i}@example.de\"}},\"endpoint\":\"https://x{}.example.cn/\"}}\n",
                i % 7
            )
            .as_bytes(),
        );
    }
    let det = Detectors::builtin().unwrap();
    let opts = ScanOptions::from(ScanConfig {
        threads: 2,
        ..Default::default()
    });
    let input = Input::Bytes {
        name: "x".into(),
        data: std::sync::Arc::from(&data[..]),
    };
    let out = scan(std::slice::from_ref(&input), &det, &opts).unwrap();
    assert!(out.batches.len() >= 2, "{} batches", out.batches.len());
    let mut whole = Summary::default();
    let mut merged = Summary::default();
    let mut plain = Vec::new();
    let mut first = true;
    for b in &out.batches {
        whole.add(b);
        let r = Rendered::of(b.clone(), Want::Json(b"\n", b""), Selection::All);
        merged.merge(r.summary);
        r.json.unwrap().write(&mut plain, 0, &mut first).unwrap();
    }
    let json = |s: &Summary| {
        serde_json::to_string(&(s.categories(), s.detectors(), s.residency())).unwrap()
    };
    assert_eq!(json(&whole), json(&merged));
    let mut direct = Vec::new();
    let mut first = true;
    for b in &out.batches {
        write_json_rows(b, &mut direct, b"\n", b"", &mut first).unwrap();
    }
    assert_eq!(plain, direct);

    // A later range of a split file: lines shift, nothing else changes.
    let mut shifted = Vec::new();
    let mut first = true;
    let r = JsonRows::render(&out.batches[0], b"\n", b",");
    r.write(&mut shifted, 1000, &mut first).unwrap();
    let rows = |buf: &[u8]| -> Vec<serde_json::Value> {
        buf.split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .map(|l| serde_json::from_slice(l.strip_prefix(b",").unwrap_or(l)).unwrap())
            .collect()
    };
    let (a, b) = (rows(&direct), rows(&shifted));
    assert!(
        !b.is_empty() && shifted[0] == b'{',
        "first row goes without its lead"
    );
    for (x, y) in a.iter().zip(&b) {
        let mut x = x.clone();
        x["line"] = (x["line"].as_u64().unwrap() + 1000).into();
        assert_eq!(&x, y);
    }
}

#[test]
fn reused_row_buffers_render_each_batch_afresh() {
    // Rows rendered into a buffer another batch used (the shelf in
    // `render::spare`) must be that batch's rows alone, with their own
    // line positions, in any order of batches.
    let det = Detectors::builtin().unwrap();
    let mut data = Vec::new();
    for i in 0..9000 {
        data.extend_from_slice(
            format!("{{\"email\":\"op{i}@example.cn\",\"imei\":\"490154203237518\"}}\n").as_bytes(),
        );
    }
    data.extend_from_slice(b"{\"note\":\"the last line, long enough to differ\"}\n");
    let input = Input::Bytes {
        name: "x".into(),
        data: std::sync::Arc::from(&data[..]),
    };
    let opts = ScanOptions::from(ScanConfig::default());
    let out = scan(std::slice::from_ref(&input), &det, &opts).unwrap();
    assert!(out.batches.len() >= 2, "{} batches", out.batches.len());
    let text = |b: &RecordBatch, base: u64| {
        let mut v = Vec::new();
        let mut first = true;
        JsonRows::render(b, b"\n", b",")
            .write(&mut v, base, &mut first)
            .unwrap();
        v
    };
    let (big, small) = (&out.batches[0], out.batches.last().unwrap());
    let once = (text(big, 7), text(small, 7));
    for _ in 0..4 {
        assert_eq!(text(small, 7), once.1);
        assert_eq!(text(big, 7), once.0);
    }
    assert!(super::render::spare::kept() <= 3);
}

#[test]
fn a_selection_drops_rows_but_counts_every_finding() {
    use crate::policy::Verdict;
    let mut data = Vec::new();
    for i in 0..300 {
        // Half go to a Chinese host, half to a private address no step can
        // place: the findings get more than one verdict.
        let host = if i % 2 == 0 {
            "x.example.cn"
        } else {
            "10.0.0.1"
        };
        data.extend_from_slice(
            format!("{{\"site\":\"DE-MUC-01\",\"email\":\"op{i}@example.de\",\"endpoint\":\"https://{host}/\"}}\n")
                .as_bytes(),
        );
    }
    let det = Detectors::builtin().unwrap();
    let opts = ScanOptions::from(ScanConfig::default());
    let input = Input::Bytes {
        name: "x".into(),
        data: std::sync::Arc::from(&data[..]),
    };
    let out = scan(std::slice::from_ref(&input), &det, &opts).unwrap();
    let json = |s: &Summary| serde_json::to_string(&(s.categories(), s.residency())).unwrap();
    let mut whole = Summary::default();
    for b in &out.batches {
        whole.add(b);
    }
    let verdicts = |b: &RecordBatch| -> Vec<String> {
        let v = b.column(crate::batch::COL_VERDICT).as_string_view();
        (0..b.num_rows()).map(|i| v.value(i).to_string()).collect()
    };
    let all: Vec<String> = out.batches.iter().flat_map(verdicts).collect();
    for sel in Selection::ALL {
        let mut merged = Summary::default();
        let mut kept = Vec::new();
        for b in &out.batches {
            let r = Rendered::of(b.clone(), Want::Batch, sel);
            merged.merge(r.summary);
            let b = r.batch.unwrap();
            assert_eq!(r.rows, b.num_rows());
            kept.extend(verdicts(&b));
        }
        assert_eq!(json(&whole), json(&merged), "{sel:?} counts everything");
        let wanted: Vec<String> = (all.iter())
            .filter(|v| {
                Verdict::ALL
                    .iter()
                    .any(|w| w.as_str() == *v && sel.keeps(*w))
            })
            .cloned()
            .collect();
        assert_eq!(kept, wanted, "{sel:?}");
    }
    assert!(all.iter().any(|v| v == "allowed") || all.iter().any(|v| v == "unknown"));
    assert_ne!(
        all.iter().filter(|v| *v == "violation").count(),
        all.len(),
        "the fixture has more than violations"
    );
}

#[test]
fn the_profile_counts_a_record_of_many_findings_once_per_field() {
    // Past FEW_FINDINGS findings a record's fields are looked up in a set:
    // the counts must be those of the pairwise comparison.
    for n in [3usize, 40] {
        let mut line = String::from(r#"{"a":""#);
        for i in 0..n {
            line.push_str(&format!("user{i}@example.com "));
        }
        line.push_str(r#"","b":"x@example.com","c":{"d":"y@example.com z@example.com"}}"#);
        line.push('\n');
        line.push_str("{\"a\":\"w@example.com\"}\n");
        let det = Detectors::builtin().unwrap();
        let out = scan(
            &[Input::Bytes {
                name: "p.jsonl".into(),
                data: std::sync::Arc::from(line.as_bytes()),
            }],
            &det,
            &ScanOptions::default(),
        )
        .unwrap();
        let mut s = Summary::default();
        for b in &out.batches {
            s.add(b);
        }
        let rows = s.profile();
        let of = |f: &str| rows.iter().find(|r| r.field == f).unwrap();
        assert_eq!((of("a").records, of("a").hits), (2, n as u64 + 1), "{n}");
        assert_eq!((of("b").records, of("b").hits), (1, 1), "{n}");
        assert_eq!((of("c.d").records, of("c.d").hits), (1, 2), "{n}");
    }
}

/// Counting on the workers (`scan_stream_counted`, a [`Tally`] per worker)
/// gives the summaries and the kept rows that counting whole batches gives
/// (`Summary::add`, `Selection::apply`): on every sample and
/// classification fixture, OTLP exports, and a generated file with several
/// verdicts, exemptions (a live and an expired exception), records of many
/// findings and a field per device; for no rows and each selection, on one
/// and two threads, with files cut into small ranges.
#[test]
fn counted_on_workers_equals_counted_from_batches() {
    use crate::batch::shift_lines;
    use crate::engine::{scan_stream_counted, scan_stream_mapped};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.toml");
    std::fs::write(
        &policy,
        r#"
name = "t"
version = "1"
description = "test"
sources = ["test"]

[[rule]]
id = "personal-home"
description = "personal data stays in the EEA"
categories = ["personal"]
allow = ["@EEA"]
severity = "high"

[[rule]]
id = "devices"
description = "device ids stay in their origin"
categories = ["device_id"]
allow = ["@origin"]
severity = "low"

[[exception]]
rule = "personal-home"
owner = "dpo@example.com"
reason = "SCCs with vendor"
expires = 2999-12-31
destinations = ["US"]

[[exception]]
rule = "personal-home"
owner = "old@example.com"
reason = "old contract"
expires = 2001-01-01
destinations = ["CN"]
"#,
    )
    .unwrap();
    let mut mixed = String::new();
    for i in 0..400 {
        let host = [
            "x.example.cn",
            "10.0.0.1",
            "api.example.com",
            "h.example.de",
        ][i % 4];
        mixed.push_str(&format!(
            "{{\"site\":\"DE-MUC-01\",\"email\":\"op{i}@example.de\",\"device_{d}\":{{\"imei\":\"490154203237518\"}},\"endpoint\":\"https://{host}/u/{i}\"}}\n",
            d = i % 9,
        ));
        if i % 50 == 0 {
            let many: Vec<String> = (0..40).map(|j| format!("u{j}@example.com")).collect();
            mixed.push_str(&format!(
                "{{\"a\":\"{}\",\"b\":\"x@example.com\",\"endpoint\":\"https://{host}/\"}}\n",
                many.join(" ")
            ));
        }
    }
    std::fs::write(dir.path().join("mixed.jsonl"), &mixed).unwrap();
    let paths = vec![
        root.join("sample_data"),
        root.join("tests/data/classification"),
        root.join("tests/data/otlp"),
        dir.path().join("mixed.jsonl"),
    ];
    let digest = |s: &Summary| {
        serde_json::to_string(&(s.categories(), s.detectors(), s.residency(), s.profile())).unwrap()
    };
    let rows = |batches: &[RecordBatch]| {
        let mut out = Vec::new();
        let mut first = true;
        for b in batches {
            write_json_rows(b, &mut out, b"\n", b"", &mut first).unwrap();
        }
        String::from_utf8(out).unwrap()
    };
    let mut verdicts_seen = std::collections::BTreeSet::new();
    for threads in [1, 2] {
        let config = ScanConfig {
            threads,
            split_size: 16 << 10,
            policy: Some(policy.clone()),
            ..ScanConfig::default()
        };
        let p = config.prepare(&paths).unwrap();
        let (det, opts) = (&p.detectors, &p.options);
        let mut whole = Summary::default();
        let mut batches = Vec::new();
        scan_stream_mapped(&p.inputs, det, opts, &|b| b, |b, base| {
            whole.add(&b);
            batches.push(shift_lines(b, base));
            Ok(())
        })
        .unwrap();
        let s = whole.residency();
        verdicts_seen.extend(s.verdicts.keys().cloned());
        assert!(!s.exceptions.is_empty(), "the fixture meets the exceptions");
        for selection in [
            None,
            Some(Selection::All),
            Some(Selection::Review),
            Some(Selection::Violations),
        ] {
            let mut counted = Summary::default();
            let mut kept = Vec::new();
            let map = |b: RecordBatch, s: Summary| (b, s);
            scan_stream_counted(&p.inputs, det, opts, selection, &map, |(b, s), base| {
                counted.merge(s);
                kept.push(shift_lines(b, base));
                Ok(())
            })
            .unwrap();
            let what = format!("{selection:?}, {threads} threads");
            assert_eq!(digest(&counted), digest(&whole), "{what}");
            let wanted: Vec<RecordBatch> = match selection {
                Some(sel) => batches.iter().map(|b| sel.apply(b.clone())).collect(),
                None => Vec::new(),
            };
            assert_eq!(rows(&kept), rows(&wanted), "{what}");
        }
    }
    for v in ["allowed", "exempted", "violation"] {
        assert!(verdicts_seen.contains(v), "{v} in {verdicts_seen:?}");
    }
}
