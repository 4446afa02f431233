#[test]
fn all_in_declaration_order() {
    for (i, v) in super::Verdict::ALL.iter().enumerate() {
        assert_eq!(*v as usize, i);
    }
    for (i, s) in super::Severity::ALL.iter().enumerate() {
        assert_eq!(*s as usize, i);
    }
    for (i, s) in crate::resolve::Source::ALL.iter().enumerate() {
        assert_eq!(*s as usize, i);
    }
}

use super::*;
use crate::country::{INDETERMINATE, UNKNOWN};
use crate::resolve::{Overrides, Source};

fn id(c: &str) -> CountryId {
    countries().lookup(c).unwrap()
}

const POLICY: &str = r#"
name = "t"
version = "1"
description = "test"
sources = ["test"]

[groups]
HOME = ["DE", "@EEA"]

[origins]
sites = { "PLANT-7*" = "VN" }

[[rule]]
id = "personal-home"
description = "personal data stays home"
categories = ["personal"]
origins = ["@HOME"]
allow = ["@HOME", "JP"]
severity = "high"

[[rule]]
id = "secrets"
description = "no secrets anywhere"
categories = ["secret"]
deny = ["@any"]
severity = "critical"
unknown_destination = "violation"

[[rule]]
id = "sensor-in-country"
description = "sensor data stays in its country"
categories = ["sensor"]
allow = ["@origin"]
severity = "low"

[[exception]]
rule = "personal-home"
owner = "dpo@example.com"
reason = "SCCs with vendor"
expires = 2999-12-31
destinations = ["US"]
hosts = ["*.vendor.example"]

[[exception]]
rule = "personal-home"
owner = "old@example.com"
reason = "old contract"
expires = 2001-01-01
destinations = ["CN"]
"#;

fn subj<'a>(cat: &'a str, o: &str, d: &str, host: Option<&'a str>) -> Subject<'a> {
    let c = |s: &str| match s {
        "?" => UNKNOWN,
        "*" => INDETERMINATE,
        s => id(s),
    };
    Subject {
        category: cat,
        detector: "x.y",
        origin: c(o),
        dest: c(d),
        host,
    }
}

#[test]
fn verdicts() {
    let p = Policy::parse(POLICY, "t.toml", "2026-11-23").unwrap();
    let v = |s: Subject| {
        let d = p.evaluate(&s);
        (
            d.verdict,
            d.severity,
            d.rule.map(|r| p.rules[r as usize].id.clone()),
        )
    };
    use Verdict::*;
    assert_eq!(v(subj("personal", "DE", "FR", None)).0, Allowed);
    assert_eq!(v(subj("personal", "DE", "JP", None)).0, Allowed);
    assert_eq!(
        v(subj("personal", "DE", "US", None)),
        (
            Violation,
            Some(Severity::High),
            Some("personal-home".into())
        )
    );
    // The exception covers US only through the vendor's hosts.
    let d = p.evaluate(&subj("personal", "DE", "US", Some("api.vendor.example")));
    assert_eq!((d.verdict, d.exception), (Exempted, Some(0)));
    // An expired exception no longer applies, and is named.
    let d = p.evaluate(&subj("personal", "DE", "CN", None));
    assert_eq!((d.verdict, d.exception), (Violation, Some(1)));
    assert!(p.exceptions[1].expired && !p.exceptions[0].expired);
    // Not from a HOME origin: the rule does not apply.
    assert_eq!(v(subj("personal", "CN", "US", None)), (Allowed, None, None));
    assert_eq!(v(subj("personal", "?", "US", None)).0, Allowed);
    assert_eq!(v(subj("personal", "DE", "?", None)).0, Unknown);
    assert_eq!(v(subj("personal", "DE", "*", None)).0, Unknown);
    // Unknown destinations count as violations where the rule says so.
    assert_eq!(v(subj("secret", "?", "?", None)).0, Violation);
    assert_eq!(v(subj("secret", "DE", "DE", None)).0, Violation);
    assert_eq!(v(subj("sensor", "CN", "CN", None)).0, Allowed);
    assert_eq!(v(subj("sensor", "CN", "DE", None)).0, Violation);
    assert_eq!(v(subj("sensor", "?", "DE", None)).0, Unknown);
    assert_eq!(v(subj("quality", "CN", "DE", None)), (Allowed, None, None));
}

#[test]
fn exceptions_expire_by_date() {
    let p = Policy::parse(POLICY, "t.toml", "3000-01-01").unwrap();
    assert!(p.exceptions[0].expired);
    let d = p.evaluate(&subj("personal", "DE", "US", Some("api.vendor.example")));
    assert_eq!((d.verdict, d.exception), (Verdict::Violation, Some(0)));
    // The last valid day still applies.
    let p = Policy::parse(POLICY, "t.toml", "2999-12-31").unwrap();
    assert!(!p.exceptions[0].expired);
}

#[test]
fn origins() {
    let p = Policy::parse(POLICY, "t.toml", "2026-11-23").unwrap();
    assert_eq!(
        p.origin(Some("PLANT-7A"), None, None),
        (id("VN"), Source::Policy)
    );
    assert_eq!(
        p.origin(Some("CN-SZ-02"), None, None),
        (id("CN"), Source::SitePrefix)
    );
    assert_eq!(
        p.origin(Some("de_muc_4"), None, None),
        (id("DE"), Source::SitePrefix)
    );
    assert_eq!(
        p.origin(Some("CN-SZ-02"), None, Some(id("JP"))),
        (id("JP"), Source::Cli)
    );
    assert_eq!(
        p.origin(Some("XX-1"), None, None),
        (UNKNOWN, Source::Unresolved)
    );
    assert_eq!(p.origin(None, None, None), (UNKNOWN, Source::None));
    assert_eq!(site_prefix_country("CNC-7"), None);
    // A cloud region code (OpenTelemetry's `cloud.region`) by the region
    // table, before the prefix rule would read `me` as Montenegro.
    assert_eq!(
        p.origin(Some("eu-central-1"), None, None),
        (id("DE"), Source::Cloud)
    );
    assert_eq!(
        p.origin(Some("me-south-1"), None, None),
        (id("BH"), Source::Cloud)
    );
    assert_eq!(
        p.origin(Some("europe-west3"), None, None),
        (id("DE"), Source::Cloud)
    );
    // The command line and the policy's mappings still come first.
    assert_eq!(
        p.origin(Some("me-south-1"), None, Some(id("JP"))),
        (id("JP"), Source::Cli)
    );
}

#[test]
fn errors_name_line_and_column() {
    let bad = POLICY.replace(
        r#"allow = ["@HOME", "JP"]"#,
        r#"allow = ["@HOME", "Japan"]"#,
    );
    let line_of =
        |text: &str, needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let e = Policy::parse(&bad, "p.toml", "2026-11-23")
        .unwrap_err()
        .to_string();
    let want = format!("p.toml:{}:19:", line_of(&bad, "Japan"));
    assert!(e.starts_with(&want), "{e}");
    assert!(e.contains("Japan"), "{e}");
    let bad = POLICY.replace(r#"severity = "low""#, r#"severity = "urgent""#);
    let e = Policy::parse(&bad, "p.toml", "2026-11-23")
        .unwrap_err()
        .to_string();
    let want = format!("p.toml:{}:", line_of(&bad, "urgent"));
    assert!(e.starts_with(&want), "{e}");
    let bad = POLICY.replace("deny = [\"@any\"]", "deny = [\"@any\"]\nallow = [\"DE\"]");
    let e = Policy::parse(&bad, "p.toml", "2026-11-23")
        .unwrap_err()
        .to_string();
    assert!(e.contains("exactly one of allow"), "{e}");
    let bad = POLICY.replace("expires = 2999-12-31", "");
    let e = Policy::parse(&bad, "p.toml", "2026-11-23")
        .unwrap_err()
        .to_string();
    assert!(e.contains("expires"), "{e}");
    let bad = POLICY.replace("version = \"1\"", "version = \"1\"\ncolour = 1");
    let e = Policy::parse(&bad, "p.toml", "2026-11-23")
        .unwrap_err()
        .to_string();
    assert!(e.contains("colour"), "{e}");
    let bad = POLICY.replace(
        "rule = \"personal-home\"\nowner = \"old",
        "rule = \"nope\"\nowner = \"old",
    );
    let e = Policy::parse(&bad, "p.toml", "2026-11-23")
        .unwrap_err()
        .to_string();
    assert!(e.contains("no such rule"), "{e}");
}

#[test]
fn presets_load() {
    for (name, _) in PRESETS {
        let p = Policy::preset(name, "2026-11-23").unwrap();
        assert_eq!(&p.name, name);
    }
    assert!(Policy::preset("nope", "2026-11-23").is_err());
}

#[test]
fn the_most_specific_pattern_wins() {
    let text = POLICY.replace(
        r#"sites = { "PLANT-7*" = "VN" }"#,
        r#"sites = { "*" = "JP", "PLANT-7*" = "VN", "PLANT-7B" = "KR" }"#,
    );
    let p = Policy::parse(&text, "t.toml", "2026-11-23").unwrap();
    assert_eq!(p.origin(Some("PLANT-7B"), None, None).0, id("KR"));
    assert_eq!(p.origin(Some("PLANT-7C"), None, None).0, id("VN"));
    assert_eq!(p.origin(Some("OTHER"), None, None).0, id("JP"));
    let o = Overrides::new(
        vec![
            ("*.example".into(), id("US")),
            ("api.vendor.example".into(), id("DE")),
            ("*.vendor.example".into(), id("FR")),
        ],
        vec![],
    )
    .unwrap();
    let r = crate::resolve::Resolver {
        overrides: o,
        geoip: None,
    };
    assert_eq!(r.resolve("https://api.vendor.example/").country, id("DE"));
    assert_eq!(r.resolve("https://x.vendor.example/").country, id("FR"));
    assert_eq!(r.resolve("https://x.example/").country, id("US"));
}

#[test]
fn today_is_a_date() {
    let t = today_utc();
    assert_eq!(t.len(), 10);
    assert!(t.as_str() > "2025-01-01");
}

/// `line:column` of the first `needle` in `text`.
fn at(text: &str, needle: &str) -> String {
    at_offset(text, text.find(needle).expect("needle"))
}

fn at_offset(text: &str, i: usize) -> String {
    let line = text[..i].matches('\n').count() + 1;
    let col = i - text[..i].rfind('\n').map_or(0, |n| n + 1) + 1;
    format!("{line}:{col}")
}

fn checked(text: &str, names: &Names) -> std::result::Result<Policy, String> {
    Policy::parse_checked(text, "p.toml", "2026-11-23", Some(names)).map_err(|e| e.to_string())
}

#[test]
fn misspelt_names_are_errors_with_a_suggestion() {
    let names = Names::builtin();
    assert!(checked(POLICY, &names).is_ok());
    for (from, to, needle, hint) in [
        (
            r#"categories = ["personal"]"#,
            r#"categories = ["personel"]"#,
            "\"personel\"",
            "unknown category 'personel'; did you mean 'personal'?",
        ),
        (
            r#"categories = ["sensor"]"#,
            r#"categories = ["sensor"]
detectors = ["sensor.vibraton"]"#,
            "\"sensor.vibraton\"",
            "matches no detector of the loaded rule packs",
        ),
        (
            r#"origins = ["@HOME"]"#,
            r#"origins = ["@HOEM"]"#,
            "\"@HOEM\"",
            "unknown group '@HOEM'; did you mean '@HOME'?",
        ),
        (
            r#"allow = ["@HOME", "JP"]"#,
            r#"allow = ["@HOME", "@eea"]"#,
            "\"@eea\"",
            "did you mean '@EEA'?",
        ),
        (
            r#"categories = ["personal"]"#,
            r#"categories = ["personal.email"]"#,
            "\"personal.email\"",
            "is a detector, not a category",
        ),
        (
            r#"categories = ["personal"]"#,
            r#"categories = ["personal"]
detectors = ["secret.*"]"#,
            "\"secret.*\"",
            "only matches detectors of category secret",
        ),
        (
            "hosts = [\"*.vendor.example\"]",
            "hosts = [\"*.vendor.example\"]\ncategories = [\"quality\"]",
            "\"quality\"",
            "category 'quality' is not one of the rule's (personal)",
        ),
    ] {
        let bad = POLICY.replacen(from, to, 1);
        assert_ne!(bad, POLICY, "{from}");
        let e = checked(&bad, &names).unwrap_err();
        let want = format!("p.toml:{}: ", at(&bad, needle));
        assert!(e.starts_with(&want), "{want} in {e}");
        assert!(e.contains(hint), "{hint} in {e}");
        assert_eq!(e.lines().count(), 1, "{e}");
        // Unchecked names (a policy only read): the same file loads, but
        // for groups, which are the policy's own.
        if !to.contains('@') && !hint.contains("rule's") {
            assert!(Policy::parse(&bad, "p.toml", "2026-11-23").is_ok(), "{to}");
        }
    }
}

#[test]
fn names_come_from_the_loaded_packs() {
    let pack = crate::rules::RulePackSpec::parse(
        r#"
name = "acme"
version = "1"
[[rule]]
id = "recipe_secret.batch"
category = "recipe_secret"
description = "batch recipes"
kind = "value"
pattern = 'ACME-R[0-9]{6}'
"#,
        "pack.toml",
    )
    .unwrap();
    let text = POLICY.replace(
        r#"categories = ["secret"]"#,
        r#"categories = ["secret", "recipe_secret"]
detectors = ["secret.*", "recipe_secret.batch"]"#,
    );
    let builtin = Names::builtin();
    let e = checked(&text, &builtin).unwrap_err();
    assert!(e.contains("unknown category 'recipe_secret'"), "{e}");
    assert!(
        e.contains("detector 'recipe_secret.batch' matches no detector"),
        "{e}"
    );
    assert_eq!(e.lines().count(), 2, "{e}");
    let both = Names::of_packs(&[crate::rules::RulePackSpec::builtin(), pack.clone()]);
    let p = checked(&text, &both).unwrap();
    assert_eq!(p.rules[1].categories, ["secret", "recipe_secret"]);
    // Without the built-in pack, its categories are unknown.
    let e = checked(&text, &Names::of_packs(&[pack])).unwrap_err();
    assert!(e.contains("unknown category 'personal'"), "{e}");
}

#[test]
fn every_problem_is_reported_at_once() {
    let bad = POLICY
        .replace(
            r#"categories = ["personal"]"#,
            r#"categories = ["personel"]"#,
        )
        .replace(r#""@HOME", "JP""#, r#""@HOME", "Japan""#)
        .replace(r#"categories = ["sensor"]"#, "categories = []")
        .replace("expires = 2001-01-01", "expires = 2001-01-01T10:00:00")
        .replace(r#"destinations = ["US"]"#, "destinations = []");
    let e = checked(&bad, &Names::builtin()).unwrap_err();
    let lines: Vec<&str> = e.lines().collect();
    let want = [
        ("\"personel\"", "did you mean 'personal'?"),
        ("\"Japan\"", "unknown country code 'Japan'"),
        ("[]\nallow = [\"@origin\"]", "categories must not be empty"),
        ("[]\nhosts", "destinations must not be empty"),
        ("2001-01-01T10", "expires must be a date"),
    ];
    assert_eq!(lines.len(), want.len(), "{e}");
    for (line, (needle, msg)) in lines.iter().zip(want) {
        assert!(
            line.starts_with(&format!("p.toml:{}: ", at(&bad, needle))),
            "{needle}: {e}"
        );
        assert!(line.contains(msg), "{msg}: {e}");
    }
}

#[test]
fn structural_problems_of_every_table_at_once() {
    let bad = POLICY
        .replace("version = \"1\"\n", "version = \"1\"\ncolour = 1\n")
        .replace("description = \"no secrets anywhere\"\n", "")
        .replace(r#"severity = "low""#, r#"severity = "urgent""#)
        .replace("owner = \"old@example.com\"\n", "")
        .replace(
            r#"categories = ["personal"]"#,
            "categories = [\"personel\"]\nallowed = [\"DE\"]",
        );
    let e = checked(&bad, &Names::builtin()).unwrap_err();
    let lines: Vec<&str> = e.lines().collect();
    let second_rule = bad.find("id = \"secrets\"").unwrap() - "[[rule]]\n".len();
    let last_exception = bad.rfind("[[exception]]").unwrap();
    let want = [
        (at(&bad, "colour"), "unknown key 'colour'"),
        (at(&bad, "\"personel\""), "did you mean 'personal'?"),
        (
            at(&bad, "allowed"),
            "unknown key 'allowed'; did you mean 'allow'?",
        ),
        (
            at_offset(&bad, second_rule),
            "rule 'secrets': missing key 'description'",
        ),
        (at(&bad, "\"urgent\""), "unknown variant `urgent`"),
        (at_offset(&bad, last_exception), "missing key 'owner'"),
    ];
    assert_eq!(lines.len(), want.len(), "{e}");
    for (line, (pos, msg)) in lines.iter().zip(want) {
        assert!(line.starts_with(&format!("p.toml:{pos}: ")), "{pos}: {e}");
        assert!(line.contains(msg), "{msg}: {e}");
    }
    // Syntax errors come alone (what follows them cannot be trusted), but
    // all of them.
    let bad = POLICY
        .replace("version = \"1\"", "version = 1.2.3")
        .replace(r#"severity = "low""#, "severity = low");
    let e = Policy::parse(&bad, "p.toml", "2026-11-23")
        .unwrap_err()
        .to_string();
    assert_eq!(e.lines().count(), 2, "{e}");
    assert!(e.lines().all(|l| l.starts_with("p.toml:")), "{e}");
}

#[test]
fn required_keys_are_required() {
    let minimal = r#"
name = "m"
version = "1"
description = "d"
sources = ["s"]

[[rule]]
id = "r"
description = "d"
categories = ["personal"]
allow = ["@origin"]
severity = "high"

[[exception]]
rule = "r"
owner = "o"
reason = "r"
expires = 2030-01-01
"#;
    checked(minimal, &Names::builtin()).unwrap();
    for key in [
        "name",
        "version",
        "description",
        "sources",
        "id",
        "categories",
        "severity",
    ]
    .into_iter()
    .chain(["rule", "owner", "reason", "expires"])
    {
        let line = minimal
            .lines()
            .find(|l| l.starts_with(&format!("{key} =")))
            .unwrap();
        let bad = minimal.replacen(&format!("{line}\n"), "", 1);
        let e = Policy::parse(&bad, "p.toml", "2026-11-23")
            .unwrap_err()
            .to_string();
        assert!(e.contains(&format!("missing key '{key}'")), "{key}: {e}");
    }
    // The minimal file has nothing but the required keys (and allow), so
    // serde requires no key the lists leave out.
}

#[test]
fn presets_name_only_builtin_categories_and_detectors() {
    let names = Names::builtin();
    for (name, text) in PRESETS {
        Policy::parse_checked(text, &format!("preset:{name}"), "2026-11-23", Some(&names)).unwrap();
    }
    let example = include_str!("../../../../examples/site-policy.toml");
    Policy::parse_checked(example, "site-policy.toml", "2026-11-23", Some(&names)).unwrap();
}

/// `[destinations] hosts` of `n` patterns (exact names, `*.suffix` and
/// real globs), and an exception covering the same hosts.
fn large_policy(n: usize) -> String {
    let hosts: Vec<(String, &str)> = (0..n)
        .map(|i| match i % 10 {
            0..=4 => (format!("h{i}.plant{}.example", i % 97), "DE"),
            5..=8 => (format!("*.s{i}.example"), "JP"),
            _ => (format!("api{i}-*.g{}.example", i % 50), "FR"),
        })
        .collect();
    let table: Vec<String> = hosts
        .iter()
        .map(|(h, c)| format!("\"{h}\" = \"{c}\""))
        .collect();
    let list: Vec<String> = hosts.iter().map(|(h, _)| format!("\"{h}\"")).collect();
    POLICY.replacen(
        "\n[[rule]]",
        &format!(
            "\n[destinations]\nhosts = {{ {} }}\n\n[[rule]]",
            table.join(", ")
        ),
        1,
    ) + &format!(
        "\n[[exception]]\nrule = \"personal-home\"\nowner = \"o\"\nreason = \"r\"\n\
         expires = 2999-12-31\ndestinations = [\"US\"]\nhosts = [{}]\n",
        list.join(", ")
    )
}

#[test]
fn ten_thousand_host_patterns_parse_and_place_hosts() {
    // Issue 17: one automaton over these failed ("error building NFA") in
    // the scan, after the check had passed.
    let p = Policy::parse(&large_policy(10_000), "big.toml", "2026-11-23").unwrap();
    let r = crate::resolve::Resolver {
        overrides: p.overrides().unwrap(),
        geoip: None,
    };
    for (host, want) in [
        (format!("h9990.plant{}.example", 9990 % 97).as_str(), "DE"),
        ("a.b.s9998.example", "JP"),
        ("API9999-x.y.g49.example", "FR"),
    ] {
        let x = r.resolve(&format!("https://{host}/"));
        assert_eq!((x.country, x.source), (id(want), Source::Policy), "{host}");
    }
    let other = format!("https://h9990.plant{}.example/", 9990 % 97 + 1);
    assert_eq!(r.resolve(&other).source, Source::Unresolved);
    let d = p.evaluate(&subj("personal", "DE", "US", Some("x.s5.example")));
    assert_eq!((d.verdict, d.exception), (Verdict::Exempted, Some(2)));
    let d = p.evaluate(&subj("personal", "DE", "US", Some("x.s4.example")));
    assert_eq!(d.verdict, Verdict::Violation);
}

#[test]
fn a_host_pattern_too_large_to_match_is_an_error_at_its_place() {
    // What the scan would meet is met when the policy is parsed (and so by
    // `policy check`), at the pattern's place, with its key.
    let huge = format!("a{}", "?".repeat(200_000));
    let text = POLICY.replacen(
        "\n[[rule]]",
        &format!("\n[destinations]\nhosts = {{ \"x.example\" = \"DE\", \"{huge}\" = \"JP\" }}\n\n[[rule]]"),
        1,
    );
    let e = Policy::parse(&text, "p.toml", "2026-11-23")
        .unwrap_err()
        .to_string();
    let want = format!("p.toml:{}: destinations.hosts 'a???", at(&text, "\"JP\""));
    assert!(e.starts_with(&want), "{want} in {}", &e[..e.len().min(300)]);
    assert!(
        e.contains("...' (200001 bytes): too large to match (error building NFA)"),
        "{e}"
    );
    let text = POLICY.replacen(
        "hosts = [\"*.vendor.example\"]",
        &format!("hosts = [\"*.vendor.example\", \"{huge}\"]"),
        1,
    );
    let e = Policy::parse(&text, "p.toml", "2026-11-23")
        .unwrap_err()
        .to_string();
    let want = format!(
        "p.toml:{}: exception for rule 'personal-home': hosts 'a???",
        at(&text, &format!("\"{huge}\""))
    );
    assert!(e.starts_with(&want), "{want} in {}", &e[..e.len().min(300)]);
}
