use super::*;
use super::{json, json_fast};

fn fields(format: Format, line: &str, header: &Header) -> Vec<(String, String)> {
    let mut rec = RecordBuf::default();
    parse(format, line.as_bytes(), header, &mut rec).unwrap();
    rec.fields
        .iter()
        .map(|f| {
            (
                String::from_utf8_lossy(rec.path(f)).into_owned(),
                String::from_utf8_lossy(rec.value(f)).into_owned(),
            )
        })
        .collect()
}

#[test]
fn json_paths() {
    let f = fields(
        Format::Jsonl,
        r#"{"calib":{"intrinsics":{"fx":1200.5,"n":3}},"d":[1,{"k":"v\u0040"}],"z":null,"b":true}"#,
        &Header::default(),
    );
    assert_eq!(
        f,
        vec![
            ("calib.intrinsics.fx".into(), "1200.5".into()),
            ("calib.intrinsics.n".into(), "3".into()),
            ("d".into(), "1".into()),
            ("d.k".into(), "v@".into()),
            ("b".into(), "true".into()),
        ]
    );
}

#[test]
fn json_errors_are_classified() {
    let mut rec = RecordBuf::default();
    assert_eq!(
        parse_json(br#"{"a": 1"#, &mut rec).unwrap_err().reason,
        "truncated_json"
    );
    assert_eq!(
        parse_json(br#"{"a" 1}"#, &mut rec).unwrap_err().reason,
        "invalid_json"
    );
    let deep = "[".repeat(100_000);
    assert_eq!(
        parse_json(deep.as_bytes(), &mut rec).unwrap_err().reason,
        "json_too_deep"
    );
    assert_eq!(
        parse_json(b"{\"a\": \"\xff\"}", &mut rec)
            .unwrap_err()
            .reason,
        "invalid_utf8"
    );
}

#[test]
fn csv_with_header() {
    let h = parse_header(Format::Csv, b"ts,site,note");
    let f = fields(Format::Csv, r#"1,CN-SZ-02,"a, ""quoted"" note""#, &h);
    assert_eq!(
        f,
        vec![
            ("ts".into(), "1".into()),
            ("site".into(), "CN-SZ-02".into()),
            ("note".into(), r#"a, "quoted" note"#.into()),
        ]
    );
    let mut rec = RecordBuf::default();
    assert_eq!(
        parse(Format::Csv, b"1,2", &h, &mut rec).unwrap_err().reason,
        "ragged_row"
    );
    assert_eq!(
        parse(Format::Csv, b"1,\"open,3", &h, &mut rec)
            .unwrap_err()
            .reason,
        "unterminated_quote"
    );
}

#[test]
fn logfmt_pairs_and_quotes() {
    let f = fields(
        Format::Logfmt,
        r#"level=error site=JP-OSA-03 msg="fault \"E1\" seen" orphan"#,
        &Header::default(),
    );
    assert_eq!(f[2], ("msg".into(), r#"fault "E1" seen"#.into()));
    assert_eq!(f[3], ("".into(), "orphan".into()));
    // A run of bare words is one text field.
    let f = fields(
        Format::Logfmt,
        "optimizer: new process parameters gain=0.8 offset=1.2 done now",
        &Header::default(),
    );
    assert_eq!(
        f[0],
        ("".into(), "optimizer: new process parameters".into())
    );
    assert_eq!(f[1], ("gain".into(), "0.8".into()));
    assert_eq!(f[3], ("".into(), "done now".into()));
    // Base64 with its `=` padding is a word of the text, not `key=`; a
    // short `key=` with an empty value is still a pair.
    let f = fields(
        Format::Logfmt,
        "lvl=info proxy sent Authorization: Basic cGxjX3JlYWRlcjpYazQtbVEyeg== to c3ZjOnMzY3IzdCE= ok err=",
        &Header::default(),
    );
    assert_eq!(
        f[1],
        (
            "".into(),
            "proxy sent Authorization: Basic cGxjX3JlYWRlcjpYazQtbVEyeg== to c3ZjOnMzY3IzdCE= ok"
                .into()
        )
    );
    assert_eq!(f[2], ("err".into(), "".into()));
}

#[test]
fn syslog_5424_and_3164() {
    let f = fields(
        Format::Syslog,
        r#"<134>1 2026-11-02T10:11:12.003Z gw-01 shipper 4123 TLM [origin@32473 site="CN-SZ-02" dst="47.96.1.2"] uploaded to https://x.cn/a"#,
        &Header::default(),
    );
    assert_eq!(f[0], ("severity".into(), "info".into()));
    assert!(f.contains(&("origin@32473.site".into(), "CN-SZ-02".into())));
    assert!(f.contains(&("origin@32473.dst".into(), "47.96.1.2".into())));
    assert!(f.contains(&("msg".into(), "uploaded to https://x.cn/a".into())));
    // The SD-ID, as a derived field after the message (see `pairs.rs`).
    assert_eq!(f.last().unwrap(), &("sd_id".into(), "origin@32473".into()));
    let f = fields(
        Format::Syslog,
        "<34>Nov  2 10:11:12 plc-7 maintd[311]: remote maintenance from 203.0.113.7",
        &Header::default(),
    );
    assert_eq!(f[0], ("severity".into(), "crit".into()));
    assert_eq!(f[1], ("hostname".into(), "plc-7".into()));
    assert_eq!(f[2], ("app_name".into(), "maintd".into()));
    assert_eq!(f[3], ("procid".into(), "311".into()));
    assert_eq!(
        f[4],
        ("msg".into(), "remote maintenance from 203.0.113.7".into())
    );
}

#[test]
fn detection() {
    assert_eq!(detect("a.log", b"{\"a\":1}\n{\"b\":2}\n"), Format::Jsonl);
    assert_eq!(detect("a.txt", b"ts,site,v\n1,CN,2\n3,DE,4\n"), Format::Csv);
    assert_eq!(detect("a.txt", b"ts\tsite\tv\n1\tCN\t2\n"), Format::Tsv);
    assert_eq!(
        detect("x", b"level=info a=1 b=2\nlevel=warn a=3\n"),
        Format::Logfmt
    );
    assert_eq!(detect("x", b"<34>Nov  2 10:11:12 h p: m\n"), Format::Syslog);
    assert_eq!(detect("x", b"hello world\nsecond line\n"), Format::Text);
    assert_eq!(detect("data.csv.gz", b""), Format::Csv);
    // A log whose lines are cut by tabs has no header: its first line is a
    // record like the others.
    assert_eq!(
        detect(
            "opcua-client.log",
            b"2026-11-02 10:00:01\tINFO\tread ns=2\n2026-11-02 10:00:02\tINFO\tok\n"
        ),
        Format::Text
    );
    assert_eq!(
        detect(
            "a.log",
            b"Zeitstempel;Werk;Meldung
1;DE;a, b
2;DE;c
"
        ),
        Format::Csv
    );
}

#[test]
fn csv_with_tabs() {
    // A spreadsheet export saved as `.csv` with tabs between the cells.
    let h = parse_header(Format::Csv, b"Datum\tUhrzeit\tKlasse\tMeldetext");
    assert_eq!(h.delimiter, b'\t');
    let line = "02.03.2026\t12:54:18,008\tWarnung\tFehler 0,29 mm; Achse X";
    let f = fields(Format::Csv, line, &h);
    assert_eq!(f[2], ("Klasse".into(), "Warnung".into()));
    assert_eq!(f[3], ("Meldetext".into(), "Fehler 0,29 mm; Achse X".into()));
    // A tab inside a quoted comma header does not count.
    assert_eq!(parse_header(Format::Csv, b"a,\"b\tc\",d").delimiter, b',');
}

#[test]
fn csv_with_semicolons() {
    let h = parse_header(Format::Csv, b"Zeitstempel;Werk;Anlage;Ziel;Meldung");
    assert_eq!(h.delimiter, b';');
    assert_eq!(h.columns.len(), 5);
    let line =
        r#"2026-11-05 10:15:32;DE-STR-02;CNC-7;"https://x.de/a";Spindel: Temperatur 61,2 °C"#;
    let f = fields(Format::Csv, line, &h);
    assert_eq!(f[1], ("Werk".into(), "DE-STR-02".into()));
    assert_eq!(
        f[4],
        ("Meldung".into(), "Spindel: Temperatur 61,2 °C".into())
    );
    assert_eq!(
        f[5],
        ("Meldung.Spindel".into(), "Temperatur 61,2 °C".into())
    );
    // A comma header stays a comma header, whatever the cells hold.
    assert_eq!(parse_header(Format::Csv, b"ts,site,note;x").delimiter, b',');
    // Cells know where they are in the line.
    let mut rec = RecordBuf::default();
    parse(Format::Csv, line.as_bytes(), &h, &mut rec).unwrap();
    for f in &rec.fields {
        let v = rec.value(f);
        let at = f.line_from as usize;
        assert_eq!(&line.as_bytes()[at..at + v.len()], v);
    }
}

/// A parsed field: path, value, free text.
type Parsed = (String, String, bool);

/// Every record of an OTLP line: where it starts, and its parsed fields.
fn otlp(line: &str) -> Vec<(u32, Vec<Parsed>)> {
    let mut all = OtlpRecords::default();
    let n = all.parse(line.as_bytes()).unwrap();
    assert_eq!(n, all.len());
    let mut rec = RecordBuf::default();
    (0..n)
        .map(|i| {
            let at = all.record(i, &mut rec);
            let fields = rec
                .fields
                .iter()
                .filter(|f| !f.derived)
                .map(|f| {
                    (
                        String::from_utf8_lossy(rec.path(f)).into_owned(),
                        String::from_utf8_lossy(rec.value(f)).into_owned(),
                        f.text,
                    )
                })
                .collect();
            (at, fields)
        })
        .collect()
}

/// An export request as the collector's file exporter writes it (one line,
/// protobuf JSON mapping), with two scopes and three log records.
const OTLP_LINE: &str = concat!(
    r#"{"resourceLogs":[{"resource":{"attributes":["#,
    r#"{"key":"service.name","value":{"stringValue":"checkout"}},"#,
    r#"{"key":"cloud.region","value":{"stringValue":"eu-central-1"}}],"droppedAttributesCount":0},"#,
    r#""scopeLogs":[{"scope":{"name":"pay","version":"1.2","attributes":[{"key":"k","value":{"stringValue":"v"}}]},"#,
    r#""logRecords":[{"timeUnixNano":"1544712660300000000","severityNumber":9,"severityText":"INFO","#,
    r#""body":{"stringValue":"paid by a@b.de"},"#,
    r#""attributes":[{"key":"url.full","value":{"stringValue":"https://x.example.cn/p"}},"#,
    r#"{"key":"n","value":{"intValue":"10"}},{"key":"ok","value":{"boolValue":true}},"#,
    r#"{"key":"d","value":{"doubleValue":637.704}},"#,
    r#"{"key":"arr","value":{"arrayValue":{"values":[{"stringValue":"x"},{"intValue":2}]}}},"#,
    r#"{"key":"map","value":{"kvlistValue":{"values":[{"key":"user.mail","value":{"stringValue":"c@d.de"}}]}}}],"#,
    r#""flags":1,"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174"},"#,
    r#"{"timeUnixNano":"2","body":{"kvlistValue":{"values":[{"key":"msg","value":{"stringValue":"hi"}}]}}}]},"#,
    r#"{"scope":{"name":"other"},"logRecords":[{"eventName":"e","body":{"intValue":"7"}}]}],"#,
    r#""schemaUrl":"https://opentelemetry.io/schemas/1.26.0"}]}"#
);

#[test]
fn otlp_records_with_resource_scope_and_attributes() {
    let recs = otlp(OTLP_LINE);
    assert_eq!(recs.len(), 3);
    let f = |s: &str, v: &str| (s.to_string(), v.to_string(), false);
    let shared = [
        f("resource.service.name", "checkout"),
        f("resource.cloud.region", "eu-central-1"),
        f("scope.name", "pay"),
        f("scope.version", "1.2"),
        f("scope.attributes.k", "v"),
    ];
    let mut want = shared.to_vec();
    want.extend([
        f("time", "1544712660300000000"),
        f("severity_number", "9"),
        f("severity_text", "INFO"),
        ("body".into(), "paid by a@b.de".into(), true),
        f("attributes.url.full", "https://x.example.cn/p"),
        f("attributes.n", "10"),
        f("attributes.ok", "true"),
        f("attributes.d", "637.704"),
        // Array values take the array's path, as JSON arrays do.
        f("attributes.arr", "x"),
        f("attributes.arr", "2"),
        f("attributes.map.user.mail", "c@d.de"),
        f("trace_id", "5b8efff798038103d269b633813fc60c"),
        f("span_id", "eee19b7ec3c1b174"),
    ]);
    assert_eq!(recs[0].1, want);
    let mut want = shared.to_vec();
    want.extend([f("time", "2"), f("body.msg", "hi")]);
    assert_eq!(recs[1].1, want);
    assert_eq!(
        recs[2].1,
        vec![
            f("resource.service.name", "checkout"),
            f("resource.cloud.region", "eu-central-1"),
            f("scope.name", "other"),
            f("event_name", "e"),
            f("body", "7"),
        ]
    );
    // Each record starts at its own `{`, in line order.
    for (at, _) in &recs {
        assert_eq!(OTLP_LINE.as_bytes()[*at as usize], b'{');
    }
    assert!(recs[0].0 < recs[1].0 && recs[1].0 < recs[2].0);
    assert!(OTLP_LINE[recs[0].0 as usize..].starts_with(r#"{"timeUnixNano":"15"#));
    assert!(OTLP_LINE[recs[2].0 as usize..].starts_with(r#"{"eventName""#));
}

#[test]
fn otlp_values_know_their_place_in_the_line() {
    let mut all = OtlpRecords::default();
    all.parse(OTLP_LINE.as_bytes()).unwrap();
    let mut rec = RecordBuf::default();
    for i in 0..all.len() {
        all.record(i, &mut rec);
        for f in rec.fields.iter().filter(|f| !f.derived) {
            let v = rec.value(f);
            let at = f.line_from as usize;
            // A string is a slice of the line where `line_from` says; a
            // number or boolean comes after its key.
            let exact = OTLP_LINE.as_bytes().get(at..at + v.len()) == Some(v);
            assert!(
                exact || OTLP_LINE[at..].contains(std::str::from_utf8(v).unwrap()),
                "{:?} at {at}",
                String::from_utf8_lossy(v)
            );
        }
    }
}

#[test]
fn otlp_lenient_forms() {
    // Proto field names, integers as numbers, a value before its key, a
    // kvlist written as a bare list (as opentelemetry-proto's events.json),
    // escapes, nulls, and keys the protocol does not define.
    let line = concat!(
        r#"{"resource_logs":[{"resource":{"attributes":[{"value":{"string_value":"s"},"key":"service.name"}]},"#,
        r#""scope_logs":[{"scope":null,"log_records":[{"time_unix_nano":1544712660300000000,"#,
        r#""body":{"kvlistValue":[{"key":"u\u0072l","value":{"stringValue":"https:\/\/x.de"}}]},"#,
        r#""attributes":null,"custom":{"a":["b"]}}]}]}],"extra":"e"}"#
    );
    let recs = otlp(line);
    assert_eq!(recs.len(), 1);
    let got: Vec<(&str, &str)> = recs[0]
        .1
        .iter()
        .map(|(p, v, _)| (p.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("extra", "e"),
            ("resource.service.name", "s"),
            ("time", "1544712660300000000"),
            ("body.url", "https://x.de"),
            ("custom.a", "b"),
        ]
    );
}

#[test]
fn otlp_resources_without_records_are_records() {
    // A resource without scopes, a scope without records, an empty request:
    // each still one record of its own fields, so a line is never lost.
    let line = concat!(
        r#"{"resourceLogs":[{"resource":{"attributes":[{"key":"a","value":{"stringValue":"1"}}]}},"#,
        r#"{"resource":{"attributes":[{"key":"b","value":{"stringValue":"2"}}]},"scopeLogs":[{"scope":{"name":"s"},"logRecords":[]}]}]}"#
    );
    let recs = otlp(line);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0].1, vec![("resource.a".into(), "1".into(), false)]);
    assert_eq!(
        recs[1].1,
        vec![
            ("resource.b".into(), "2".into(), false),
            ("scope.name".into(), "s".into(), false)
        ]
    );
    let recs = otlp(r#"{"resourceLogs":[]}"#);
    assert_eq!(recs.len(), 1);
    assert!(recs[0].1.is_empty());
}

#[test]
fn otlp_errors_are_classified() {
    let mut all = OtlpRecords::default();
    let reason = |all: &mut OtlpRecords, l: &str| all.parse(l.as_bytes()).unwrap_err().reason;
    assert_eq!(reason(&mut all, r#"{"resourceLogs":[{"#), "truncated_json");
    assert_eq!(reason(&mut all, r#"{"resourceLogs" []}"#), "invalid_json");
    assert_eq!(reason(&mut all, r#"{"a":1}"#), "invalid_otlp");
    assert_eq!(reason(&mut all, r#"[1]"#), "invalid_otlp");
    assert_eq!(reason(&mut all, "null"), "invalid_otlp");
    // A wrong shape before a syntax error or a cut: the line is no JSON.
    assert_eq!(
        reason(
            &mut all,
            r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":"no"}]}]} trailing"#
        ),
        "invalid_json"
    );
    assert_eq!(
        reason(
            &mut all,
            r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":"no"}]}],"x":"cut he"#
        ),
        "truncated_json"
    );
    assert_eq!(
        reason(
            &mut all,
            r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":"no"}]}]}"#
        ),
        "invalid_otlp"
    );
    assert_eq!(
        reason(
            &mut all,
            r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"attributes":[{"key":"k","value":"v"}]}]}]}]}"#
        ),
        "invalid_otlp"
    );
    let deep = format!(
        r#"{{"resourceLogs":[{{"scopeLogs":[{{"logRecords":[{{"body":{}"#,
        r#"{"kvlistValue":{"values":[{"key":"k","value":"#.repeat(100)
    );
    assert_eq!(reason(&mut all, &deep), "json_too_deep");
    // A huge resource copied into many tiny records.
    let attrs: Vec<String> = (0..2000)
        .map(|i| format!(r#"{{"key":"k{i}","value":{{"stringValue":"v"}}}}"#))
        .collect();
    let line = format!(
        r#"{{"resourceLogs":[{{"resource":{{"attributes":[{}]}},"scopeLogs":[{{"logRecords":[{}]}}]}}]}}"#,
        attrs.join(","),
        vec!["{}"; 5000].join(",")
    );
    assert_eq!(reason(&mut all, &line), "otlp_too_large");
    // The buffers are reused: a good line after bad ones parses whole.
    assert_eq!(all.parse(OTLP_LINE.as_bytes()).unwrap(), 3);
}

#[test]
fn otlp_through_parse_is_the_first_record_and_detected() {
    let f = fields(Format::Otlp, OTLP_LINE, &Header::default());
    assert!(f.contains(&(
        "attributes.url.full".into(),
        "https://x.example.cn/p".into()
    )));
    assert!(!f.iter().any(|(p, _)| p == "body.msg"));
    assert_eq!(
        detect("export.json", format!("{OTLP_LINE}\n").as_bytes()),
        Format::Otlp
    );
    // Only the start of a line is needed (one line is often longer than
    // the whole sample).
    assert_eq!(
        detect("x", br#"  { "resourceLogs": [{"resource""#),
        Format::Otlp
    );
    assert_eq!(detect("x", b"{\"resource\":1}\n"), Format::Jsonl);
    assert_eq!("otlp".parse::<Format>(), Ok(Format::Otlp));
    for f in Format::ALL {
        assert_eq!(f.as_str().parse::<Format>(), Ok(f));
    }
}

// ------------------------------------------------- the fast JSON walker

/// What a parse left in a record, for comparing two walkers.
type Dump = (Vec<(Vec<u8>, Vec<u8>, u32, bool, bool)>, u8, u32);

fn dump(rec: &RecordBuf) -> Dump {
    let fields = rec
        .fields
        .iter()
        .map(|f| {
            (
                rec.path(f).to_vec(),
                rec.value(f).to_vec(),
                f.line_from,
                f.text,
                f.derived,
            )
        })
        .collect();
    (fields, rec.named_keys, rec.key_end)
}

/// Holds `json_fast` to serde_json's walker on one line: where the fast
/// walker answers, serde_json accepts the line and emits the same fields;
/// `parse_json` always gives serde_json's answer, error message and all.
/// True when the fast walker took the line.
fn fast_matches_serde(line: &[u8]) -> bool {
    let show = || String::from_utf8_lossy(line).into_owned();
    let mut reference = RecordBuf::default();
    let want = json::parse_json_serde(line, &mut reference);
    let mut fast = RecordBuf::default();
    let took = json_fast::walk(line, &mut fast).is_some();
    if took {
        assert!(
            want.is_ok(),
            "fast walker took a line serde_json refuses: {}",
            show()
        );
        assert_eq!(dump(&fast), dump(&reference), "{}", show());
    }
    // A record that already holds fields (as `parse_json` may be handed)
    // is left as serde_json would leave it, whichever walker answers.
    let mut public = RecordBuf::default();
    public.push(b"before", b"x", false);
    let got = parse_json(line, &mut public);
    let mut expected = RecordBuf::default();
    expected.push(b"before", b"x", false);
    let want_again = json::parse_json_serde(line, &mut expected);
    assert_eq!(got, want_again, "{}", show());
    assert_eq!(got, want, "{}", show());
    if got.is_ok() {
        assert_eq!(dump(&public), dump(&expected), "{}", show());
    }
    took
}

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every JSON Lines line of sample_data/, tests/data/ and the quality
/// harness's labelled sets (written in many teams' shapes).
fn json_corpus() -> Vec<Vec<u8>> {
    let mut files = Vec::new();
    let mut dirs: Vec<_> = ["sample_data", "tests/data", "benches/quality"]
        .iter()
        .map(|d| root().join(d))
        .collect();
    while let Some(dir) = dirs.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|e| e == "jsonl") {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let data = std::fs::read(&f).unwrap();
        out.extend(
            data.split(|&b| b == b'\n')
                .filter(|l| !l.is_empty())
                .map(<[u8]>::to_vec),
        );
    }
    assert!(out.len() > 800, "{}", out.len());
    out
}

#[test]
fn fast_json_walker_takes_every_valid_corpus_line() {
    let mut valid = 0;
    for line in json_corpus() {
        let ok = json::parse_json_serde(&line, &mut RecordBuf::default()).is_ok();
        let took = fast_matches_serde(&line);
        // Nothing in the corpus nests past the fast walker's depth, so a
        // valid line it hands back would be a slow path taken for nothing.
        assert_eq!(took, ok, "{}", String::from_utf8_lossy(&line));
        valid += usize::from(ok);
    }
    assert!(valid > 800, "{valid}");
}

#[test]
fn fast_json_walker_edge_cases() {
    let deep = |n: usize| format!("{}1{}", "[".repeat(n), "]".repeat(n));
    let nested = |n: usize| format!("{}1{}", r#"{"a":"#.repeat(n), "}".repeat(n));
    let mut cases: Vec<Vec<u8>> = [
        r#"{"a":"b"}"#,
        r#"  {"a" : "b" , "c" :[ 1 , 2 ] }  "#,
        "{\"a\":\"b\"}\r\n\t",
        r#"{"k\"ey":"v","x":"a\\b\/c\n\u00e9\ud83d\ude00"}"#,
        r#"{"na\u006de":"v","value":1}"#,
        r#"{"Name":"n","VALUE":"v","key":1}"#,
        r#"{"a":"\ud800"}"#,
        r#"{"a":"\udc00x"}"#,
        r#"{"a":"\u12"}"#,
        r#"{"a":"\x"}"#,
        "{\"a\":\"tab\there\"}",
        "{\"a\":\"nul\u{0}\"}",
        "{\"a\":\"é ü 漢字\"}",
        r#"{"a":0,"b":-0,"c":01,"d":-01,"e":1.0,"f":-1.5e-3,"g":1E5,"h":1e+5}"#,
        r#"{"a":123456789012345678,"b":-123456789012345678}"#,
        r#"{"a":1234567890123456789,"b":-1234567890123456789}"#,
        r#"{"a":18446744073709551615,"b":18446744073709551616,"c":-9223372036854775809}"#,
        r#"{"a":1e400,"b":-1e-400,"c":0.1e1,"d":2.5E-0}"#,
        r#"{"a":1.,"b":2}"#,
        r#"{"a":.5}"#,
        r#"{"a":+1}"#,
        r#"{"a":1-2}"#,
        r#"{"a":-}"#,
        r#"{"a":1e}"#,
        r#"{"a":true,"b":false,"c":null,"d":[true,null,false]}"#,
        r#"{"a":tru}"#,
        r#"{"a":nul}"#,
        r#"{"a":True}"#,
        r#"{"a":{},"b":[],"c":[{}],"d":{"e":[]}}"#,
        r#"{"a":[1,[2,[3,{"b":[4]}]]]}"#,
        r#"{"a":1,}"#,
        r#"{"a":[1,]}"#,
        r#"{,"a":1}"#,
        r#"{"a":1"b":2}"#,
        r#"{"a" 1}"#,
        r#"{"a":1}x"#,
        r#"{"a":1}{"b":2}"#,
        r#"{"a":1"#,
        r#"{"a":"b"#,
        r#"{"a":"b\"#,
        r#"{"a"#,
        r#"{a:1}"#,
        r#"{'a':1}"#,
        r#"{"a":1,"a":2}"#,
        "\u{feff}{\"a\":1}",
        "",
        "   ",
        "\"top\"",
        "42",
        "-7.25",
        "null",
        "[1,\"x\",{\"y\":2}]",
        "{\"\":\"empty key\",\"x\":{\"\":1}}",
        "{\"a\":1}\u{0}",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    cases.push(b"{\"a\":\"\xff\"}".to_vec());
    cases.push(b"{\"\xc3\xa9\":\"\xe2\x82\"}".to_vec());
    cases.push(b"{\"a\":\"\xed\xa0\x80\"}".to_vec());
    for n in [10, 63, 64, 65, 100, 127, 128, 129, 300] {
        cases.push(deep(n).into_bytes());
        cases.push(nested(n).into_bytes());
    }
    let mut took = 0;
    for c in &cases {
        took += usize::from(fast_matches_serde(c));
    }
    // Most valid cases are the fast walker's own.
    assert!(took >= 25, "{took}");
}

/// Decimals the walker reads itself (`decimal_text`: up to 15 digits, no
/// exponent) and their neighbours past its limits: every one printed as
/// serde_json's walker prints it. Digits, point positions and signs from a
/// fixed generator, plus the edges: zeros, 2^53, scales of 10^-15, digits
/// that print in exponent form.
#[test]
fn fast_json_walker_reads_short_decimals_as_serde_json() {
    let mut cases: Vec<String> = [
        "0.0",
        "-0.0",
        "0.1",
        "0.5",
        "1.0",
        "70.0",
        "30.50",
        "-298.10",
        "0.0316",
        "9.999999999999999",
        "0.000000000000001",
        "0.00000001",
        "0.0001",
        "0.00001",
        "-0.00001",
        "0.000012",
        "0.000001",
        "-0.0000012",
        "0.000",
        "-0.000",
        "100.000",
        "1.10",
        "12345678901234.5",
        "1234567890.12345",
        "123456789012345.0",
        "900719925474.0992",
        "9007199254740.993",
        "99999999999999.9",
        "0.100000000000000",
        "1.7976931348623157",
        "5.0e-324",
        "1.5E3",
        "0.",
        "-.5",
        "00.5",
        "-01.5",
        "1.2.3",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // xorshift64: a fixed, dependency-free sequence.
    let mut x: u64 = 0x5eed_dec1;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for _ in 0..20_000 {
        let digits = 1 + (next() % 17) as usize;
        let point = 1 + (next() % digits as u64) as usize;
        let mut num = String::new();
        if next() % 2 == 1 {
            num.push('-');
        }
        for i in 0..digits {
            // No leading zero before the point unless it stands alone.
            let mut c = (next() % 10) as u8;
            if i == 0 && point > 1 && c == 0 {
                c = 1;
            }
            if i == point {
                num.push('.');
            }
            num.push((b'0' + c) as char);
        }
        if point == digits {
            num.push_str(".0");
        }
        cases.push(num);
    }
    // Below 1, where zmij turns to exponents: 0.00000n is `ne-6`.
    for _ in 0..2_000 {
        let zeros = (next() % 9) as usize;
        let digits = 1 + (next() % 6) as usize;
        let mut num = format!("0.{}", "0".repeat(zeros));
        for _ in 0..digits {
            num.push((b'0' + (next() % 10) as u8) as char);
        }
        cases.push(num);
    }
    for n in &cases {
        let line = format!("{{\"v\":{n},\"w\":[{n}]}}");
        fast_matches_serde(line.as_bytes());
        let valid = serde_json::from_str::<serde_json::Value>(n).is_ok();
        if valid {
            assert!(
                json_fast::walk(line.as_bytes(), &mut RecordBuf::default()).is_some(),
                "{line}"
            );
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config {
        cases: 3000,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x6a73_6f6e),
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    })]

    /// Corpus lines with bytes replaced, inserted or removed, from an
    /// alphabet of the bytes JSON cares about: the two walkers agree.
    #[test]
    fn fast_json_walker_agrees_on_mutated_lines(
        pick in 0usize..1_000_000,
        edits in proptest::collection::vec(
            (0usize..1_000_000, 0u8..3, proptest::sample::select(
                b"\"\\{}[],:-+.eE0159 \tux\xc3\xa9\xff\x00\x1ftrfln/".to_vec())),
            1..4,
        ),
    ) {
        thread_local! {
            static CORPUS: Vec<Vec<u8>> = json_corpus();
        }
        let mut line = CORPUS.with(|c| c[pick % c.len()].clone());
        for (at, op, b) in edits {
            let at = at % (line.len() + 1);
            match op {
                0 if at < line.len() => line[at] = b,
                1 => line.insert(at, b),
                _ if at < line.len() => {
                    line.remove(at);
                }
                _ => line.push(b),
            }
        }
        fast_matches_serde(&line);
    }
}
