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
