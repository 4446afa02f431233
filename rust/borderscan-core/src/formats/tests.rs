use super::*;

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
