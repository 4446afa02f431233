//! The indexed passes (`overlaps.rs`) against the pairwise ones they
//! replace (`reference.rs`), on records of many overlapping hits.

use super::overlaps::{self, Path};
use super::*;
use crate::formats;

/// xorshift64*: deterministic, no dependency (also `tests.rs`).
pub(super) struct Rng(pub(super) u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub(super) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

/// Runs `f` with the pass implementation forced to `path`.
fn with<T>(path: Path, f: impl FnOnce() -> T) -> T {
    overlaps::force(Some(path));
    let out = f();
    overlaps::force(None);
    out
}

/// A record of a few fields over a small alphabet, so that values repeat,
/// nest, cross and hold `*`, and hits with random spans, rules and
/// evidence: some evidence masked as the rule would, some not at all like
/// it (the indexed `redacted` must fall back exactly).
fn random_record(rng: &mut Rng, det: &Detectors) -> (RecordBuf, Vec<Hit>) {
    let pieces = [
        "a", "b", "ab", "ba", "*", "@", ".", "li@x.cn", "l", "cn", "00", "+8", "13", "[4]", " ",
        "aa", "li",
    ];
    let n_fields = 1 + rng.below(4);
    let mut obj = serde_json::Map::new();
    for f in 0..n_fields {
        // Some longer than `YIELD_WINDOW`.
        let max = if rng.below(4) == 0 { 120 } else { 40 };
        let len = rng.below(max);
        let v: String = (0..len).map(|_| *rng.pick(&pieces)).collect();
        obj.insert(format!("f{f}"), serde_json::Value::String(v));
    }
    let line = serde_json::to_vec(&serde_json::Value::Object(obj)).unwrap();
    let mut rec = RecordBuf::default();
    formats::parse_json(&line, &mut rec).unwrap();
    // Rules that matter here: the yielding one, those of the categories it
    // yields to (all kinds), masking ones of every style, the rest.
    let yielding: Vec<u16> = (0..det.rules.len() as u16)
        .filter(|&r| !det.rule(r).yields_to.is_empty())
        .collect();
    let yielded: Vec<u16> = (0..det.rules.len() as u16)
        .filter(|&r| {
            yielding
                .iter()
                .any(|&y| det.rule(y).yields_to.contains(&det.rule(r).category))
        })
        .collect();
    let masking: Vec<u16> = (0..det.rules.len() as u16)
        .filter(|&r| det.rule(r).mask != MaskStyle::None)
        .collect();
    let all: Vec<u16> = (0..det.rules.len() as u16).collect();
    let n_hits = rng.below(60);
    let mut hits = Vec::new();
    for _ in 0..n_hits {
        let rule = match rng.below(10) {
            0..=2 => *rng.pick(&yielding),
            3..=4 => *rng.pick(&yielded),
            5..=8 => *rng.pick(&masking),
            _ => *rng.pick(&all),
        };
        let field = rng.below(rec.fields.len()) as u32;
        let value = rec.value(&rec.fields[field as usize]);
        let mut start = rng.below(value.len() + 1);
        let mut end = rng.below(value.len() + 1);
        if start > end {
            std::mem::swap(&mut start, &mut end);
        }
        let raw = &value[start..end];
        let style = det.rule(rule).mask;
        let text = String::from_utf8_lossy(raw);
        // Kept edges around a middle of `*` and bytes that may start a
        // value running on into what follows (`a*]b` for `a...b`).
        let edges = |middle: String| {
            let mut c = text.chars();
            let (head, tail) = (c.next(), c.next_back());
            format!("{}{middle}{}", head.unwrap_or('a'), tail.unwrap_or('b'))
        };
        let evidence = match rng.below(14) {
            0 => "x*y".to_string(),
            1 => "no stars".to_string(),
            2 => format!("{text}*]"),
            3 => edges(format!("*{}", rng.pick(&pieces))),
            4 => edges(format!("*{}*{}", rng.pick(&pieces), rng.pick(&pieces))),
            _ if style == MaskStyle::None => mask::raw(raw),
            _ => mask::mask(style, raw),
        };
        hits.push(Hit {
            rule,
            field,
            evidence,
            start: start as u32,
            end: end as u32,
            in_key: rng.below(10) == 0,
            confidence: Confidence::High,
            reason: 0,
        });
    }
    // As `scan` leaves them: in field order.
    hits.sort_by_key(|h| h.field);
    (rec, hits)
}

#[test]
fn indexed_passes_match_the_reference_on_random_records() {
    let det = Detectors::builtin().unwrap();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut changed = [0usize; 3];
    for _ in 0..20_000 {
        let (rec, hits) = random_record(&mut rng, &det);
        // `drop_yielding` sees the record's hits after earlier records'.
        let earlier = rng.below(3);
        let mut out: Vec<Hit> = hits[..earlier.min(hits.len())].to_vec();
        out.extend(hits.iter().cloned());
        let first = earlier.min(hits.len());
        let run = |path| {
            with(path, || {
                let mut o = out.clone();
                det.drop_yielding(&rec, &mut o, first);
                o
            })
        };
        let want = run(Path::Reference);
        assert_eq!(run(Path::Indexed), want);
        changed[0] += usize::from(want.len() != out.len());

        let run = |path| {
            with(path, || {
                let mut h = hits.clone();
                det.mask_shown_overlaps(&rec, &mut h);
                h
            })
        };
        let want = run(Path::Reference);
        assert_eq!(run(Path::Indexed), want, "{hits:#?}");
        changed[1] += usize::from(want != hits);

        for f in &rec.fields {
            let value = rec.value(f);
            let s = rng.below(value.len() + 1);
            for v in [value, &value[s..]] {
                let want = with(Path::Reference, || det.redacted(&rec, v, &hits));
                let got = with(Path::Indexed, || det.redacted(&rec, v, &hits));
                assert_eq!(got, want, "{:?} {hits:#?}", String::from_utf8_lossy(v));
                changed[2] += usize::from(want != mask::raw(v));
            }
        }
    }
    // The records exercise every pass, not only its way out.
    assert!(changed.iter().all(|&n| n > 1000), "{changed:?}");
}

/// Lines of many values of every kind: e-mails, phones, addresses,
/// readings after setpoints (yielding), keys of their own.
fn hostile_lines(rng: &mut Rng) -> Vec<String> {
    let words = [
        "user{i}@example.com",
        "+86 139 1234 {i:04}",
        "10.0.{j}.{k}",
        "setpoint {k} °C",
        "actual {k}.5 °C",
        "temp {k}.2 °C",
        "calibration",
        "error",
        "spindle load {k} %",
        "li.wei{i}@x.cn",
        "card 4111 1111 1111 1111",
        "mac 00:1a:2b:3c:4d:{k:02x}",
    ];
    let mut lines = Vec::new();
    for n in [5, 20, 200, 2000] {
        let mut text = String::new();
        for i in 0..n {
            let w = rng.pick(&words);
            let (j, k) = (rng.below(256), rng.below(256));
            let w = w
                .replace("{i}", &i.to_string())
                .replace("{i:04}", &format!("{:04}", i % 10_000))
                .replace("{j}", &j.to_string())
                .replace("{k}", &k.to_string())
                .replace("{k:02x}", &format!("{:02x}", k));
            text.push_str(&w);
            text.push_str(if rng.below(4) == 0 { ", " } else { " " });
        }
        lines.push(text.clone());
        let esc = serde_json::to_string(&text).unwrap();
        lines.push(format!(
            r#"{{"type": "calibration", "calib": {{"note": {esc}, "fx": 1200.5}}, "msg": {esc}, "operator": "li.wei@example.cn"}}"#
        ));
    }
    lines
}

#[test]
fn scans_match_the_reference_on_lines_of_many_hits() {
    let det = Detectors::builtin().unwrap();
    let mut rng = Rng(7);
    let mut checked = 0;
    for _ in 0..3 {
        for line in hostile_lines(&mut rng) {
            let mut rec = RecordBuf::default();
            if formats::parse_json(line.as_bytes(), &mut rec).is_err() {
                rec.set_text(line.as_bytes());
            }
            let scan = |path: Option<Path>| {
                overlaps::force(path);
                let mut scratch = Scratch::default();
                let mut hits = Vec::new();
                det.scan(&rec, &mut scratch, false, &mut hits);
                overlaps::force(None);
                hits
            };
            let want = scan(Some(Path::Reference));
            assert_eq!(scan(Some(Path::Indexed)), want, "{line}");
            assert_eq!(scan(None), want, "{line}");
            checked += want.len();
        }
    }
    assert!(checked > 5000, "{checked}");
}

#[test]
fn a_line_of_many_masked_values_in_a_shown_field_is_masked_throughout() {
    let det = Detectors::builtin().unwrap();
    let mut note = String::new();
    for i in 0..50_000 {
        note.push_str(&format!("user{i}@example.com setpoint {} °C ", i % 300));
    }
    let line = format!(r#"{{"calib": {{"note": "{note}"}}}}"#);
    let mut rec = RecordBuf::default();
    formats::parse_json(line.as_bytes(), &mut rec).unwrap();
    let mut scratch = Scratch::default();
    let mut hits = Vec::new();
    det.scan(&rec, &mut scratch, false, &mut hits);
    let emails = hits
        .iter()
        .filter(|h| det.rule(h.rule).id == "personal.email")
        .count();
    assert_eq!(emails, 50_000);
    let meta = hits
        .iter()
        .find(|h| det.rule(h.rule).id == "calibration.metadata")
        .expect("the key rule's finding");
    assert!(
        meta.evidence
            .starts_with("u***@e***.com setpoint 0 °C u***@e***.com")
    );
    assert!(!hits.iter().any(|h| h.evidence.contains("@example.com")));
}

#[test]
fn offsets_in_a_copy_map_back_as_the_walk_over_every_sentinel_did() {
    // The walk `to_value` was before issue 17.
    fn walk(spans: &[(u32, u32, u32)], at: u32) -> u32 {
        let mut shift: i64 = 0;
        for &(pos, s, e) in spans {
            if at <= pos {
                if at == pos {
                    return s;
                }
                break;
            }
            if at == pos + 1 {
                return e;
            }
            shift += i64::from(e - s) - 1;
        }
        (i64::from(at) + shift) as u32
    }
    let mut rng = Rng(3);
    for _ in 0..2_000 {
        // Words as `lexicon_value_hits` makes sentinels of them: leftmost
        // first, the longest where they overlap, overlapped ones skipped.
        let len = 1 + rng.below(80) as u32;
        let mut words: Vec<(u32, u32)> = (0..rng.below(12))
            .map(|_| {
                let s = rng.below(len as usize) as u32;
                (s, s + 1 + rng.below((len - s) as usize) as u32)
            })
            .collect();
        words.sort_unstable_by_key(|&(s, e)| (s, std::cmp::Reverse(e)));
        let (mut spans, mut copy_len, mut at) = (Vec::new(), 0u32, 0u32);
        for (s, e) in words {
            if s < at {
                continue;
            }
            copy_len += s - at;
            spans.push((copy_len, s, e));
            copy_len += 1;
            at = e;
        }
        copy_len += len - at;
        for at in 0..=copy_len {
            assert_eq!(to_value(&spans, at), walk(&spans, at), "{spans:?} {at}");
        }
    }
}
