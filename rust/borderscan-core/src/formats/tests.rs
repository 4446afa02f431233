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
