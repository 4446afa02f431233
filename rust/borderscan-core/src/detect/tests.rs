use super::*;
use crate::formats::{self, Format, Header};

/// The value hits of one record found by running every value rule over
/// every field on its own: what the combined prefilter must reproduce.
fn brute_force(det: &Detectors, rec: &RecordBuf) -> Vec<(u16, u32, String)> {
    let mut out = Vec::new();
    let mut seen: Vec<(u16, Vec<u8>)> = Vec::new();
    for (fi, f) in rec.fields.iter().enumerate() {
        if f.derived {
            continue;
        }
        let value = rec.value(f);
        for vr in &det.value_rules {
            for caps in vr.re.captures_iter(value) {
                let Some(m) = vr.value(&caps) else {
                    continue;
                };
                let cand = m.as_bytes();
                if vr.validator.is_some_and(|v| !v(cand))
                    || vr
                        .judge(rec.path(f), value, m.start(), m.end())
                        .is_none_or(|(c, _)| c < det.min_confidence)
                    || seen.iter().any(|(r, v)| *r == vr.rule && v == cand)
                {
                    continue;
                }
                seen.push((vr.rule, cand.to_vec()));
                out.push((vr.rule, fi as u32, mask::raw(cand)));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn confidence_says_why() {
    let det = Detectors::builtin().unwrap();
    let hit = |line: &str| {
        let (hits, _, _) = scan_json(&det, line, false);
        hits.into_iter()
            .find(|h| det.rule(h.rule).category == "personal")
            .map(|h| (h.confidence, reason::name(h.reason)))
    };
    // A Luhn-valid card: its checksum makes it high without a card word
    // (16 digits need none), and a card word adds its reason.
    assert_eq!(
        hit(r#"{"msg": "order 4111 1111 1111 1111"}"#),
        Some((Confidence::High, "checksum+distinctive form".to_string()))
    );
    assert_eq!(
        hit(r#"{"msg": "paid with 4111 1111 1111 1111"}"#),
        Some((Confidence::High, "checksum+keyword nearby".to_string()))
    );
    // A national phone number next to a phone word.
    let (c, why) = hit(r#"{"msg": "call 13912345678 for pickup"}"#).unwrap();
    assert_eq!(c, Confidence::High);
    assert!(why.contains("keyword nearby"), "{why}");
    // The same digits in a field named for phones.
    let (c, why) = hit(r#"{"contact_phone": "13912345678"}"#).unwrap();
    assert_eq!(c, Confidence::High);
    assert!(why.contains("field name"), "{why}");
    // Without context they are low, and left out at the default floor...
    assert_eq!(hit(r#"{"msg": "user 13912345678 logged in"}"#), None);
    // ...but shown, low and saying so, when the floor is low.
    let mut low = Detectors::builtin().unwrap();
    low.min_confidence = Confidence::Low;
    let (hits, _, _) = scan_json(&low, r#"{"msg": "user 13912345678 logged in"}"#, false);
    let h = hits
        .iter()
        .find(|h| low.rule(h.rule).category == "personal")
        .expect("a low-confidence phone");
    assert_eq!(h.confidence, Confidence::Low);
    assert!(reason::name(h.reason).contains("no context"));
}

fn scan_json(det: &Detectors, line: &str, show: bool) -> (Vec<Hit>, Scratch, RecordBuf) {
    let mut rec = RecordBuf::default();
    formats::parse_json(line.as_bytes(), &mut rec).unwrap();
    let mut scratch = Scratch::default();
    let mut hits = Vec::new();
    det.scan(&rec, &mut scratch, show, &mut hits);
    (hits, scratch, rec)
}

#[test]
fn values_in_keys_are_found_and_masked_in_the_path() {
    let det = Detectors::builtin().unwrap();
    let id = |h: &Hit| det.rule(h.rule).id.clone();
    let line = r#"{"contacts": {"li.wei@example.cn": {"role": "admin"}, "+8613800138000": 1}, "sessions": {"eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.": "on"}}"#;
    let (hits, scratch, rec) = scan_json(&det, line, false);
    let in_key: Vec<(String, String)> = hits
        .iter()
        .filter(|h| h.in_key)
        .map(|h| (id(h), h.evidence.clone()))
        .collect();
    assert_eq!(
        in_key,
        [
            // The path has lost where each key ends (keys have dots of
            // their own): the address takes its neighbours with it,
            // which hides more, never less.
            ("personal.email".to_string(), "c***@e***.role".to_string()),
            // One phone rule per number: a +86 number is phone_cn only.
            ("personal.phone_cn".into(), "+8**********00".into()),
            ("secret.jwt".into(), "eyJh********[28]In0.".into()),
        ],
        "{hits:?}"
    );
    for h in hits.iter().filter(|h| h.in_key) {
        let f = &rec.fields[h.field as usize];
        // The span indexes the path; the displayed path hides it.
        let raw = &rec.path(f)[h.start as usize..h.end as usize];
        assert!(!raw.is_empty());
        let shown = scratch.masked_path(h.field).unwrap();
        assert!(
            !shown.contains("li.wei") && !shown.contains("8613800138000"),
            "{shown}"
        );
        assert!(!shown.contains("eyJhbGciOiJub25lIn0"), "{shown}");
    }
    assert_eq!(scratch.masked_path(0), Some("c***@e***.role"));
    assert_eq!(scratch.masked_path(1), Some("contacts.+8**********00"));
    // The same key under two fields is one finding.
    let (hits, _, _) = scan_json(&det, r#"{"li.wei@example.cn": {"a": 1, "b": 2}}"#, true);
    let emails: Vec<&Hit> = hits.iter().filter(|h| id(h) == "personal.email").collect();
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].evidence, "li.wei@example.cn");
    // Clean keys cost nothing and show as they are.
    let (hits, scratch, _) = scan_json(&det, r#"{"calib": {"fx": 1200.5}}"#, false);
    assert!(hits.iter().all(|h| !h.in_key) && scratch.masked_path(0).is_none());
    // Syslog SD-IDs (`name@PEN`) look like addresses but are grammar.
    let mut rec = RecordBuf::default();
    let line = br#"<134>1 2026-11-02T00:00:00Z gw shipper 1 TLM [origin@32473 site="CN-SZ-02"] up"#;
    formats::parse(formats::Format::Syslog, line, &Header::default(), &mut rec).unwrap();
    let mut scratch = Scratch::default();
    let mut hits = Vec::new();
    det.scan(&rec, &mut scratch, false, &mut hits);
    assert!(hits.iter().all(|h| !h.in_key), "{hits:?}");
    assert!(scratch.masked_paths.is_empty());
}

#[test]
fn unmasked_key_rules_still_mask_values_found_in_them() {
    let det = Detectors::builtin().unwrap();
    let line = r#"{"calib": {"note": "sent to li.wei@example.cn, card 4111 1111 1111 1111"}}"#;
    let (hits, _, _) = scan_json(&det, line, false);
    let meta = hits
        .iter()
        .find(|h| det.rule(h.rule).id == "calibration.metadata")
        .unwrap();
    assert_eq!(
        meta.evidence,
        "sent to l***@e***.cn, card 41***************11"
    );
    let (hits, _, _) = scan_json(&det, line, true);
    let meta = hits
        .iter()
        .find(|h| det.rule(h.rule).id == "calibration.metadata")
        .unwrap();
    assert!(meta.evidence.contains("li.wei@example.cn"));
}

#[test]
fn combined_prefilter_finds_what_each_rule_alone_finds() {
    let det = Detectors::builtin().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample_data");
    let mut checked = 0;
    for name in [
        "telemetry.jsonl",
        "process.csv",
        "process.tsv",
        "diagnostics.logfmt",
        "gateway.syslog",
        "legacy.syslog",
        "operator.log",
    ] {
        let text = std::fs::read(root.join(name)).unwrap();
        let format = formats::detect(name, &text[..text.len().min(65536)]);
        let mut lines = text.split(|&b| b == b'\n').filter(|l| !l.is_empty());
        let header = if format.has_header() {
            formats::parse_header(format, lines.next().unwrap())
        } else {
            Header::default()
        };
        let mut rec = RecordBuf::default();
        let mut scratch = Scratch::default();
        for line in lines {
            if formats::parse(format, line, &header, &mut rec).is_err() {
                rec.set_text(line);
            }
            let mut hits = Vec::new();
            det.scan(&rec, &mut scratch, true, &mut hits);
            let value_rules: Vec<u16> = det.value_rules.iter().map(|v| v.rule).collect();
            let mut got: Vec<(u16, u32, String)> = hits
                .into_iter()
                .filter(|h| value_rules.contains(&h.rule) && !h.in_key)
                .map(|h| (h.rule, h.field, h.evidence))
                .collect();
            got.sort();
            assert_eq!(
                got,
                brute_force(&det, &rec),
                "{name}: {}",
                String::from_utf8_lossy(line)
            );
            checked += got.len();
        }
    }
    assert!(checked > 500, "{checked}");
}

#[test]
fn offsets_in_a_copy_with_sentinels_map_back_onto_the_value() {
    // value: `abcWORD__xyzAB...`: `WORD__` (3..9) became a sentinel at 3,
    // `AB` (12..14) one at 7.
    let spans = [(3, 3, 9), (7, 12, 14)];
    assert_eq!(super::to_value(&spans, 2), 2);
    assert_eq!(super::to_value(&spans, 3), 3);
    assert_eq!(super::to_value(&spans, 4), 9);
    assert_eq!(super::to_value(&spans, 6), 11);
    assert_eq!(super::to_value(&spans, 7), 12);
    assert_eq!(super::to_value(&spans, 8), 14);
    assert_eq!(super::to_value(&spans, 9), 15);
}

#[test]
fn a_rule_naming_concepts_finds_through_the_lexicon_and_shows_the_value() {
    let det = Detectors::builtin().unwrap();
    let (_, rec, hits) = crate::rules::scan_line(
        &det,
        "Kontrola: zatwierdził Jan Kowalski, numer seryjny: PX4471920A".as_bytes(),
    );
    let value = rec.value(&rec.fields[0]);
    let ids: Vec<&str> = hits.iter().map(|h| det.rule(h.rule).id.as_str()).collect();
    assert!(
        ids.contains(&"personal.name_text") && ids.contains(&"device_id.serial_text"),
        "{ids:?}"
    );
    for h in &hits {
        let raw = &value[h.start as usize..h.end as usize];
        assert!(
            !raw.iter().any(|&b| b < 0x09),
            "{:?}",
            String::from_utf8_lossy(raw)
        );
        if det.rule(h.rule).id == "device_id.serial_text" {
            assert_eq!(raw, b"PX4471920A");
        }
        if det.rule(h.rule).id == "personal.name_text" {
            assert_eq!(raw, "Jan Kowalski".as_bytes());
        }
    }
}

#[test]
fn a_line_of_many_values_reports_each_distinct_one_once() {
    let det = Detectors::builtin().unwrap();
    let mut line = String::new();
    for i in 0..20_000 {
        line.push_str(&format!("user{i}@example.com "));
    }
    // Repeats are reported once.
    line.push_str("user7@example.com user19999@example.com");
    let mut rec = RecordBuf::default();
    rec.set_text(line.as_bytes());
    let mut scratch = Scratch::default();
    let mut hits = Vec::new();
    det.scan(&rec, &mut scratch, false, &mut hits);
    let emails: Vec<&Hit> = hits
        .iter()
        .filter(|h| det.rule(h.rule).id == "personal.email")
        .collect();
    assert_eq!(emails.len(), 20_000);
    assert!(emails.windows(2).all(|w| w[0].start < w[1].start));
    // The set a big record grew is given back, and the next record starts
    // from nothing.
    hits.clear();
    rec.set_text(b"user7@example.com");
    det.scan(&rec, &mut scratch, false, &mut hits);
    assert_eq!(hits.len(), 1);
    assert!(scratch.seen_values.capacity() <= SEEN_KEEP);
}

#[test]
fn the_path_cache_keeps_what_it_holds_past_its_bound() {
    let det = Detectors::builtin().unwrap();
    let n = PATH_CACHE_MAX + 50;
    let header: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
    let row = vec!["1"; n].join(",");
    let header = formats::parse_header(formats::Format::Csv, header.join(",").as_bytes());
    let mut rec = RecordBuf::default();
    formats::parse(formats::Format::Csv, row.as_bytes(), &header, &mut rec).unwrap();
    let mut scratch = Scratch::default();
    let mut hits = Vec::new();
    for _ in 0..3 {
        det.scan(&rec, &mut scratch, false, &mut hits);
        // The first PATH_CACHE_MAX paths stay cached: no cliff, no clear.
        assert_eq!(scratch.paths.len(), PATH_CACHE_MAX);
        assert_eq!(scratch.paths.get(&b"c0"[..]), Some(&0));
        assert!(!scratch.paths.contains_key(format!("c{}", n - 1).as_bytes()));
        assert_eq!(scratch.infos.len(), PATH_CACHE_MAX + 1);
    }
    // Paths not looked up since the last sweep make room for new ones.
    let other: Vec<String> = (0..2 * PATH_CACHE_MAX).map(|i| format!("d{i}")).collect();
    let header2 = formats::parse_header(formats::Format::Csv, other.join(",").as_bytes());
    let row2 = vec!["1"; other.len()].join(",");
    formats::parse(formats::Format::Csv, row2.as_bytes(), &header2, &mut rec).unwrap();
    det.scan(&rec, &mut scratch, false, &mut hits);
    det.scan(&rec, &mut scratch, false, &mut hits);
    assert!(!scratch.paths.contains_key(&b"c0"[..]));
    assert!(scratch.paths.keys().any(|k| k.starts_with(b"d")));
    assert!(scratch.paths.len() <= PATH_CACHE_MAX && scratch.infos.len() <= PATH_CACHE_MAX + 1);
}

/// Records of every file of the classification fixtures and the sample
/// data, each line parsed as the engine parses it, and every rule's
/// examples as lines; then the same values recombined into JSON records
/// (deterministically), so that values repeat across fields and records.
fn corpus() -> Vec<RecordBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files: Vec<std::path::PathBuf> = ["tests/data/classification", "sample_data"]
        .iter()
        .flat_map(|d| std::fs::read_dir(root.join(d)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.to_string_lossy();
            !(n.ends_with(".md") || n.ends_with(".gz") || n.ends_with(".zst"))
        })
        .collect();
    files.sort();
    assert!(files.len() > 40, "{}", files.len());
    let mut out = Vec::new();
    let mut values: Vec<String> = Vec::new();
    let push = |format: Format, line: &[u8], header: &Header, out: &mut Vec<RecordBuf>| {
        let mut rec = RecordBuf::default();
        if formats::parse(format, line, header, &mut rec).is_err() {
            rec.set_text(line);
        }
        out.push(rec);
    };
    for f in &files {
        let data = std::fs::read(f).unwrap();
        let format = formats::detect(&f.to_string_lossy(), &data);
        let mut lines = data.split(|&b| b == b'\n').filter(|l| !l.is_empty());
        let header = if format.has_header() {
            formats::parse_header(format, lines.next().unwrap())
        } else {
            Header::default()
        };
        for line in lines {
            push(format, line, &header, &mut out);
        }
    }
    let det = Detectors::builtin().unwrap();
    for r in &det.rules {
        for e in r.examples.positive.iter().chain(&r.examples.negative) {
            let format = formats::detect("example", e.as_bytes());
            push(format, e.as_bytes(), &Header::default(), &mut out);
            values.push(e.clone());
        }
    }
    for rec in &out {
        for f in &rec.fields {
            values.push(String::from_utf8_lossy(rec.value(f)).into_owned());
        }
    }
    let mut rng = super::overlaps_tests::Rng(0x2545_f491_4f6c_dd1d);
    let keys = [
        "type", "msg", "user", "host", "level", "serial", "value", "note",
    ];
    for _ in 0..4000 {
        let mut obj = serde_json::Map::new();
        for k in keys.iter().take(1 + rng.below(keys.len())) {
            obj.insert(
                k.to_string(),
                values[rng.below(values.len())].clone().into(),
            );
        }
        let line = serde_json::to_vec(&serde_json::Value::Object(obj)).unwrap();
        push(Format::Jsonl, &line, &Header::default(), &mut out);
    }
    out
}

/// Values the memo holds (`memo.rs`) get exactly the hits the record-wide
/// pass gives them: every record is scanned with a memo that is off, then
/// three times with one that fills up as values repeat.
#[test]
fn remembered_values_give_the_same_hits() {
    let det = Detectors::builtin().unwrap();
    let records = corpus();
    let mut plain = Scratch::default();
    plain.memo.off = true;
    let want: Vec<Vec<Hit>> = records
        .iter()
        .map(|rec| {
            let mut hits = Vec::new();
            det.scan(rec, &mut plain, false, &mut hits);
            hits
        })
        .collect();
    assert!(want.iter().map(Vec::len).sum::<usize>() > 3000);
    let mut memo = Scratch::default();
    for pass in 0..3 {
        for (rec, want) in records.iter().zip(&want) {
            let mut hits = Vec::new();
            det.scan(rec, &mut memo, false, &mut hits);
            assert_eq!(
                &hits,
                want,
                "pass {pass}: {:?}",
                String::from_utf8_lossy(rec.joined_values())
            );
        }
    }
    assert!(memo.memo.used > 50_000, "{}", memo.memo.used);
}

/// The value patterns split over several sets (`sets.rs`) match exactly
/// where all of them in one set do: on every record's joined values, every
/// value alone, every field path and every rule example.
#[test]
fn split_sets_match_as_one_set() {
    let det = Detectors::builtin().unwrap();
    let sets = &det.set;
    let check = |hay: &[u8]| {
        let split: Vec<usize> = sets.matches(hay).collect();
        let whole: Vec<usize> = sets.whole.matches(hay).iter().collect();
        assert_eq!(split, whole, "{:?}", String::from_utf8_lossy(hay));
        !whole.is_empty()
    };
    let mut matched = 0;
    for rec in corpus() {
        matched += usize::from(check(rec.joined_values()));
        for f in &rec.fields {
            matched += usize::from(check(rec.value(f)));
            check(rec.path(f));
        }
    }
    for r in &det.rules {
        for e in r.examples.positive.iter().chain(&r.examples.negative) {
            matched += usize::from(check(e.as_bytes()));
        }
    }
    assert!(matched > 5000, "{matched}");
}

/// The built-in pack's regexes compile when first used (`RuleRegex`): none
/// is compiled by loading the pack, each one compiles, and each value
/// group exists, which `Detectors::new` checks at load for a user's pack.
#[test]
fn builtin_rule_regexes_compile_when_used_and_have_their_groups() {
    let det = Detectors::builtin().unwrap();
    assert!(det.value_rules.len() > 50, "{}", det.value_rules.len());
    let optional = |vr: &ValueRule| {
        [&vr.context, &vr.context_free, &vr.not_after, &vr.not_before]
            .into_iter()
            .flatten()
            .map(|r| r.re.get().is_some())
            .collect::<Vec<_>>()
    };
    for vr in &det.value_rules {
        assert!(vr.re.re.get().is_none(), "{}", vr.re.src);
        assert!(optional(vr).iter().all(|c| !c), "{}", vr.re.src);
        // Deref compiles (and panics on a pattern that does not).
        assert!(vr.group < vr.re.captures_len(), "{}", vr.re.src);
        for r in [&vr.context, &vr.context_free, &vr.not_after, &vr.not_before]
            .into_iter()
            .flatten()
        {
            assert!(r.captures_len() >= 1, "{}", r.src);
        }
        assert!(optional(vr).iter().all(|&c| c), "{}", vr.re.src);
    }
}

/// A user's pack is compiled when loaded: a pattern that does not compile
/// or a group it does not have fails there, naming the rule.
#[test]
fn a_users_rule_regexes_are_checked_when_loaded() {
    let pack = |pattern: &str, group: usize| {
        let text = format!(
            "name = 'local'\nversion = '1'\n[[rule]]\nid = 'local.x'\ncategory = 'personal'\n\
             description = 'x'\nkind = 'value'\npattern = '{pattern}'\ngroup = {group}\n"
        );
        crate::rules::RulePackSpec::parse(&text, "local.toml").unwrap()
    };
    let ok = Detectors::new(&[pack("(a+)b", 1)]).unwrap();
    assert!(ok.value_rules[0].re.re.get().is_some());
    for (bad, said) in [
        (pack("(a+)b", 2), "group 2 does not exist"),
        (pack("(a+b", 1), "invalid pattern"),
    ] {
        let e = Detectors::new(&[bad]).err().unwrap().to_string();
        assert!(e.contains("local.x") && e.contains(said), "{e}");
    }
    let big = Detectors::new(&[pack("(?:\\w{100}){100}(x)", 1)]);
    assert!(big.is_err(), "a pattern past the size limit loads");
}
