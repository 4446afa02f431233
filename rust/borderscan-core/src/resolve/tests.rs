use super::*;

fn id(c: &str) -> CountryId {
    countries().lookup(c).unwrap()
}

#[test]
fn targets() {
    let h = |s: &str| Some(Target::Host(s.into()));
    assert_eq!(
        parse_target("https://u:p@API.Vendor.example:8443/x?y"),
        h("api.vendor.example")
    );
    assert_eq!(
        parse_target("mqtts://broker.example.de"),
        h("broker.example.de")
    );
    assert_eq!(
        parse_target("broker.example.de:1883"),
        h("broker.example.de")
    );
    assert_eq!(
        parse_target("[2001:db8::1]:443"),
        Some(Target::Ip("2001:db8::1".parse().unwrap()))
    );
    assert_eq!(
        parse_target("2001:db8::1"),
        Some(Target::Ip("2001:db8::1".parse().unwrap()))
    );
    assert_eq!(
        parse_target("http://10.1.2.3:80/"),
        Some(Target::Ip("10.1.2.3".parse().unwrap()))
    );
    assert_eq!(
        parse_target("europe-west3"),
        Some(Target::Word("europe-west3".into()))
    );
    assert_eq!(
        parse_target("not a host!"),
        Some(Target::Word("not".into()))
    );
    assert_eq!(parse_target("<>"), None);
}

/// The per-worker cache answers what `redact_destination` answers, for a
/// destination met again, after others, and after the cache started afresh.
#[test]
fn redact_cache_answers_as_redact_destination() {
    let raws: Vec<String> = [
        "https://u:gho_SECRET@github.com/o/r?token=abc&x=1#f",
        "https://api.example.de/v1/up",
        "broker.example:8883?key=k",
        "https://h.example/devices/+8613800138000/up",
        "10.1.2.3",
        "",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain((0..5000).map(|i| format!("https://h{}.example/u/{i:08x}deadbeef?t={i}", i % 7)))
    .collect();
    let mut cache = RedactCache::default();
    for round in 0..2 {
        for raw in &raws {
            let want = redact_destination(raw);
            assert_eq!(cache.redact(raw), want.as_deref(), "{raw} (round {round})");
        }
    }
    assert!(cache.shown.len() <= RedactCache::MAX);
}

#[test]
fn destinations_are_redacted() {
    assert_eq!(
        redact_destination("https://u:gho_SECRET@github.com/o/r?token=abc&x=1#f").as_deref(),
        Some("https://***@github.com/o/r?token=***&x=***")
    );
    assert_eq!(redact_destination("https://api.example.de/v1/up"), None);
    assert_eq!(
        redact_destination("broker.example:8883?key=k").as_deref(),
        Some("broker.example:8883?key=***")
    );
    // Value-like path segments, bare query values and the fragment.
    assert_eq!(
        redact_destination(
            "https://api.example.com/v1/users/li.wei@example.cn/reset/eyJhbGciOiJIUzI1NiJ9x?k=v&3f9a2b#access_token=SECRET"
        )
        .as_deref(),
        Some("https://api.example.com/v1/users/***/reset/***?k=***&***")
    );
    assert_eq!(
        redact_destination("https://h.example/devices/+8613800138000/up").as_deref(),
        Some("https://h.example/devices/***/up")
    );
    assert_eq!(
        redact_destination("https://h.example/cb#id_token=abc").as_deref(),
        Some("https://h.example/cb")
    );
    assert_eq!(
        redact_destination(
            "https://hooks.slack.com/services/T0000000/B0000000/FAKEFAKEFAKEFAKEFAKEFAKE"
        )
        .as_deref(),
        Some("https://hooks.slack.com/services/***/***/***")
    );
    // Route, bucket and file names and short versions stay readable.
    assert_eq!(
        redact_destination("https://h.example/api/v2/telemetry-ingest/2026"),
        None
    );
    assert_eq!(
        redact_destination("https://storage.googleapis.com/plant-2026/rigs/cam07-2026-11-02.json"),
        None
    );
    assert_eq!(
        redact_destination(
            "https://h.example/d/550e8400-e29b-41d4-a716-446655440000/c0ffee42deadbeef/x"
        )
        .as_deref(),
        Some("https://h.example/d/***/***/x")
    );
    assert_eq!(redact_destination("mqtt.example.cn:8883"), None);
    assert_eq!(redact_destination("10.1.2.3"), None);
    // Resolution still sees the host.
    let r = Resolver::default();
    let x = r.resolve(&redact_destination("https://u:p@telemetry.foo.co.jp/?a=b").unwrap());
    assert_eq!(x.host.as_deref(), Some("telemetry.foo.co.jp"));
}

#[test]
fn precedence() {
    let r = Resolver {
        overrides: Overrides::new(
            vec![("*.amazonaws.com".into(), id("JP"))],
            vec![("10.0.0.0/8".parse().unwrap(), id("DE"))],
        )
        .unwrap(),
        geoip: None,
    };
    // The policy beats the cloud table.
    let x = r.resolve("https://s3.eu-central-1.amazonaws.com/b");
    assert_eq!((x.country, x.source), (id("JP"), Source::Policy));
    let x = r.resolve("10.2.3.4");
    assert_eq!((x.country, x.source), (id("DE"), Source::Policy));
    let x = r.resolve("https://oss-cn-hangzhou.aliyuncs.com/");
    assert_eq!((x.country, x.source), (id("CN"), Source::Cloud));
    let x = r.resolve("https://telemetry.foo.co.jp/");
    assert_eq!((x.country, x.source), (id("JP"), Source::Tld));
    let x = r.resolve("https://collector.example.io/");
    assert_eq!((x.country, x.source), (UNKNOWN, Source::Unresolved));
    let x = r.resolve("https://collector.example.eu/");
    assert_eq!((x.country, x.source), (INDETERMINATE, Source::Tld));
    let x = r.resolve("https://host.invalidtld/");
    assert_eq!(x.source, Source::Unresolved);
    let x = r.resolve("192.168.1.1");
    assert_eq!(x.source, Source::Unresolved);
    let (_, steps) = r.explain("https://telemetry.foo.co.jp/");
    let sources: Vec<Source> = steps.iter().map(|s| s.source).collect();
    assert_eq!(
        sources,
        [Source::Policy, Source::Cloud, Source::Geoip, Source::Tld]
    );
}

mod placement {
    use std::sync::OnceLock;

    use crate::Detectors;
    use crate::config::{DEFAULT_DEST_FIELDS, DEFAULT_ORIGIN_FIELDS};
    use crate::resolve::{Candidate, Found, explain_placement};

    fn det() -> &'static Detectors {
        static DET: OnceLock<Detectors> = OnceLock::new();
        DET.get_or_init(|| Detectors::builtin().expect("built-in rules load"))
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    /// The candidates of one line of a file named `name`.
    fn cands(name: &str, header: Option<&str>, line: &str) -> Vec<Candidate> {
        explain_placement(
            det(),
            line.as_bytes(),
            name,
            header.map(str::as_bytes),
            &strings(DEFAULT_DEST_FIELDS),
            &strings(DEFAULT_ORIGIN_FIELDS),
            true,
        )
    }

    /// What was taken, and by which step.
    type Taken = Vec<(String, Found)>;

    /// (destination taken, how), (origin taken, how).
    fn taken(name: &str, header: Option<&str>, line: &str) -> (Taken, Taken) {
        let c = cands(name, header, line);
        let pick = |what: &str| {
            c.iter()
                .filter(|c| c.what == what && c.taken)
                .map(|c| (c.value.clone(), c.found))
                .collect::<Vec<_>>()
        };
        (pick("destination"), pick("origin"))
    }

    fn one(v: &str, f: Found) -> Vec<(String, Found)> {
        vec![(v.to_string(), f)]
    }

    #[test]
    fn vocabulary_fields_in_many_languages_and_nestings() {
        let (d, o) = taken(
            "a.jsonl",
            None,
            r#"{"werk":"Werk Stuttgart (DE-STR-01)","ziel":"https://ingest.example.de/v1","msg":"ok"}"#,
        );
        assert_eq!(d, one("https://ingest.example.de/v1", Found::Vocabulary));
        assert_eq!(o, one("DE-STR-01", Found::Vocabulary));
        let (d, o) = taken(
            "a.jsonl",
            None,
            r#"{"工場":"名古屋工場 JP-NGO-02","connection":{"broker":{"address":"mqtts://b.example.jp:8883"}}}"#,
        );
        assert_eq!(d, one("mqtts://b.example.jp:8883", Found::Vocabulary));
        assert_eq!(o, one("JP-NGO-02", Found::Vocabulary));
        let (d, _) = taken(
            "a.jsonl",
            None,
            r#"{"送信先":"oss-cn-shanghai.aliyuncs.com"}"#,
        );
        assert_eq!(d, one("oss-cn-shanghai.aliyuncs.com", Found::Vocabulary));
    }

    #[test]
    fn a_configured_field_wins_over_the_vocabulary_and_discovery() {
        let (d, o) = taken(
            "a.jsonl",
            None,
            r#"{"ziel":"https://b.example.cn","cfg":"mqtts://c.example.jp:8883","endpoint":"https://a.example.de","site":"VN-HAN-02","werk":"DE-STR-01"}"#,
        );
        assert_eq!(d, one("https://a.example.de", Found::Field));
        assert_eq!(o, one("VN-HAN-02", Found::Field));
    }

    #[test]
    fn sending_phrases_in_text_before_discovered_values() {
        let (d, o) = taken(
            "c.log",
            None,
            "2026-11-02 10:00:01 Werk Stuttgart (DE-STR-01) MC-205 -> mqtt://iot-as-mqtt.cn-shanghai.aliyuncs.com:1883 : temp 61.2",
        );
        assert_eq!(
            d,
            one(
                "mqtt://iot-as-mqtt.cn-shanghai.aliyuncs.com:1883",
                Found::Text
            )
        );
        assert_eq!(o, one("DE-STR-01", Found::Text));
        let (d, _) = taken(
            "a.jsonl",
            None,
            r#"{"x1":"kafka://k.example.fr:9092","msg":"retrying upload to https://s3.eu-central-1.amazonaws.com/b after timeout"}"#,
        );
        assert_eq!(
            d,
            one("https://s3.eu-central-1.amazonaws.com/b", Found::Text)
        );
    }

    #[test]
    fn several_discovered_endpoints_are_all_candidates() {
        let (d, _) = taken(
            "a.jsonl",
            None,
            r#"{"a":"mqtts://b.example.de:8883","b":"kafka://k.example.cn:9092","help_url":"https://docs.example.com/x"}"#,
        );
        assert_eq!(
            d,
            vec![
                ("mqtts://b.example.de:8883".to_string(), Found::Discovered),
                ("kafka://k.example.cn:9092".to_string(), Found::Discovered),
            ]
        );
    }

    #[test]
    fn decoys_are_not_destinations() {
        for line in [
            r#"{"help_url":"https://docs.vendor.example.com/kb/1","msg":"see https://docs.vendor.example.com/kb/1"}"#,
            r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","operator":"anna@example.de"}"#,
            r#"{"error":"connection to db01.corp.example.de:5432 refused"}"#,
            r#"{"stack":"at com.acme.Uploader.send(Uploader.java:88)","caller":"upload.py:45"}"#,
        ] {
            let (d, _) = taken("a.jsonl", None, line);
            assert_eq!(d, vec![], "{line}");
        }
    }

    #[test]
    fn syslog_hostname_and_semicolon_csv() {
        let (d, o) = taken(
            "g.syslog",
            None,
            "<134>1 2026-11-02T00:00:00.131Z cnc-de-str-01-157 shipper 41 - - POST https://ingest.example.co.jp/v2 201",
        );
        assert_eq!(d, one("https://ingest.example.co.jp/v2", Found::Text));
        assert_eq!(o, one("de-str-01", Found::Hostname));
        let (d, o) = taken(
            "export.csv",
            Some("Zeitstempel;Werk;Anlage;Ziel;Meldung"),
            "2026-11-02 10:00;DE-MUC-01;MC-7;https://daten.example.de/up;Temperatur 61,2 °C",
        );
        assert_eq!(d, one("https://daten.example.de/up", Found::Vocabulary));
        assert_eq!(o, one("DE-MUC-01", Found::Vocabulary));
    }

    /// One OTLP log record with `attrs` as its attributes and `resource` as
    /// its resource's (both `key=value` lists of strings).
    fn otlp(resource: &[(&str, &str)], attrs: &[(&str, &str)]) -> String {
        let kv = |l: &[(&str, &str)]| {
            l.iter()
                .map(|(k, v)| format!(r#"{{"key":"{k}","value":{{"stringValue":"{v}"}}}}"#))
                .collect::<Vec<_>>()
                .join(",")
        };
        format!(
            r#"{{"resourceLogs":[{{"resource":{{"attributes":[{}]}},"scopeLogs":[{{"logRecords":[{{"body":{{"stringValue":"user a@b.de"}},"attributes":[{}]}}]}}]}}]}}"#,
            kv(resource),
            kv(attrs)
        )
    }

    #[test]
    fn opentelemetry_attributes() {
        // The host name comes before the cloud region in the resource, but a
        // region code places the record, a plain host name does not.
        let line = otlp(
            &[
                ("host.name", "ip-10-1-2-3.ec2.internal"),
                ("cloud.region", "eu-central-1"),
            ],
            &[("server.address", "api.example.cn")],
        );
        let (d, o) = taken("export.json", None, &line);
        assert_eq!(d, one("api.example.cn", Found::Vocabulary));
        assert_eq!(o, one("eu-central-1", Found::Vocabulary));
        for key in ["url.full", "net.peer.name", "destination.address"] {
            let line = otlp(&[], &[(key, "https://x.example.jp/in")]);
            let (d, _) = taken("export.json", None, &line);
            assert_eq!(
                d,
                one("https://x.example.jp/in", Found::Vocabulary),
                "{key}"
            );
        }
        // `http.url` is a configured field by its leaf name.
        let line = otlp(&[], &[("http.url", "https://x.example.jp/in")]);
        assert_eq!(
            taken("export.json", None, &line).0,
            one("https://x.example.jp/in", Found::Field)
        );
        // A site code in the host name; a client's host name when nothing
        // else says where the record comes from; a client is never where
        // it goes.
        let line = otlp(&[("host.name", "gw-de-muc-01-07")], &[]);
        assert_eq!(
            taken("export.json", None, &line).1,
            one("de-muc-01", Found::Hostname)
        );
        let line = otlp(&[], &[("client.address", "kiosk-7.example.fr")]);
        let (d, o) = taken("export.json", None, &line);
        assert_eq!(o, one("kiosk-7.example.fr", Found::Vocabulary));
        assert_eq!(d, vec![]);
    }
}
