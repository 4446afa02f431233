//! Baseline files (`borderscan baseline create`), read as a stream.
//!
//! A baseline may hold millions of accepted findings. Reading it into a
//! document first (one map per entry) took 3.5 GB for five million; here
//! each entry is parsed, checked and reduced to its 64-bit fingerprint
//! before the next is read, so memory is eight bytes per entry. Every
//! problem is named with its entry and key (`findings[3].line`), so a
//! crafted or hand-edited baseline is refused before the scan, like a
//! policy.

use std::fmt;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use rustc_hash::FxHashSet;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::error::{Error, Result};

/// The baseline format this version writes and reads.
pub const VERSION: u64 = 1;
/// Problems listed before "... and N more".
const MAX_PROBLEMS: usize = 20;

/// The top-level keys and the kind each must be (when present and not null).
const TOP_KEYS: [(&str, &str); 6] = [
    ("version", "a number"),
    ("tool", "an object"),
    ("created", "a string"),
    ("policy", "an object"),
    ("inputs", "a list"),
    ("findings", "a list"),
];
/// Keys of an entry that describe its finding: a string or null.
const STRING_KEYS: [&str; 10] = [
    "path",
    "detector",
    "category",
    "field",
    "evidence",
    "dest_host",
    "dest_country",
    "verdict",
    "severity",
    "rule",
];
/// Keys of an entry that count: a whole number or null.
const COUNT_KEYS: [&str; 2] = ["line", "occurrences"];

/// The fingerprints of a baseline file, checked. Errors name the file and
/// every problem (the first 20), one per line.
pub fn read(path: &Path) -> Result<Vec<u64>> {
    let mut fps = Vec::new();
    walk(path, &mut |_, fp, _| fps.push(fp))?;
    Ok(fps)
}

/// The entries (as written) of the given fingerprints, in file order, at
/// most `limit`: what a summary shows of entries no longer found.
pub fn entries(path: &Path, wanted: &FxHashSet<u64>, limit: usize) -> Result<Vec<Value>> {
    let mut out = Vec::new();
    walk(path, &mut |_, fp, entry| {
        if out.len() < limit && wanted.contains(&fp) {
            out.push(entry.clone());
        }
    })?;
    Ok(out)
}

/// Stream the file's entries to `each` (index, fingerprint, entry), then
/// fail if anything was wrong with it.
fn walk(path: &Path, each: &mut dyn FnMut(usize, u64, &Value)) -> Result<()> {
    let place = path.to_string_lossy().into_owned();
    let file = File::open(path)
        .map_err(|e| Error::config(&place, format!("cannot read the baseline: {e}")))?;
    let mut state = State {
        each,
        top: Vec::new(),
        entries: Vec::new(),
        more: 0,
        version: None,
        findings: false,
        object: false,
    };
    let mut de = serde_json::Deserializer::from_reader(BufReader::with_capacity(1 << 16, file));
    (&mut state)
        .deserialize(&mut de)
        .and_then(|()| de.end())
        .map_err(|e| {
            if e.is_io() {
                Error::config(&place, format!("cannot read the baseline: {e}"))
            } else {
                Error::config(&place, format!("not a JSON baseline: {e}"))
            }
        })?;
    let version_ok = state.version.as_ref().and_then(Value::as_f64) == Some(VERSION as f64);
    if !state.object || !version_ok {
        return Err(Error::config(
            &place,
            format!("not a borderscan baseline (version {VERSION} expected)"),
        ));
    }
    let mut problems = std::mem::take(&mut state.top);
    if !state.findings {
        problems.push("'findings' is missing (the list of accepted findings)".into());
    }
    let total = problems.len() + state.entries.len() + state.more;
    problems.append(&mut state.entries);
    if total == 0 {
        return Ok(());
    }
    let shown: Vec<String> = problems
        .iter()
        .take(MAX_PROBLEMS)
        .map(|p| format!("{place}: {p}"))
        .collect();
    let more = total - shown.len();
    let tail = if more > 0 {
        format!("\n{place}: ... and {more} more")
    } else {
        String::new()
    };
    Err(Error::config(
        &place,
        format!(
            "not a usable baseline ({total} problem(s)):\n{}{tail}",
            shown.join("\n")
        ),
    ))
}

struct State<'a> {
    each: &'a mut dyn FnMut(usize, u64, &Value),
    /// Problems of the top-level keys, then of the entries (kept apart so
    /// that the top-level ones come first, wherever `findings` is).
    top: Vec<String>,
    entries: Vec<String>,
    /// Entry problems past the ones kept.
    more: usize,
    version: Option<Value>,
    findings: bool,
    object: bool,
}

impl State<'_> {
    fn entry_problem(&mut self, p: String) {
        if self.top.len() + self.entries.len() < MAX_PROBLEMS {
            self.entries.push(p);
        } else {
            self.more += 1;
        }
    }

    fn entry(&mut self, i: usize, entry: &Value) {
        let problems = entry_problems(i, entry);
        if problems.is_empty() {
            let fp = entry["fingerprint"].as_str().and_then(hex16);
            (self.each)(i, fp.expect("checked by entry_problems"), entry);
        }
        for p in problems {
            self.entry_problem(p);
        }
    }
}

/// 16 lower-case hex digits, as `baseline create` writes a fingerprint.
fn hex16(s: &str) -> Option<u64> {
    (s.len() == 16 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
        .then(|| u64::from_str_radix(s, 16).ok())
        .flatten()
}

/// How a JSON value is named in a problem.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A value as shown in a problem: its JSON, cut at 40 characters.
fn shown(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() <= 40 {
        text
    } else {
        text.chars().take(37).chain("...".chars()).collect()
    }
}

/// What is wrong with `findings[i]`, one sentence each (none: usable).
/// Only `fingerprint` is required; the keys that describe the finding may
/// be missing or null, but not of another type.
fn entry_problems(i: usize, entry: &Value) -> Vec<String> {
    let at = format!("findings[{i}]");
    let Value::Object(map) = entry else {
        return vec![format!(
            "{at}: must be an object with a 'fingerprint', not {}",
            kind(entry)
        )];
    };
    let mut out = Vec::new();
    match map.get("fingerprint") {
        None => out.push(format!(
            "{at}: 'fingerprint' is missing (16 lower-case hex digits, as `borderscan \
             baseline create` writes it)"
        )),
        Some(Value::String(s)) if hex16(s).is_some() => {}
        Some(v) => out.push(format!(
            "{at}.fingerprint: must be a string of 16 lower-case hex digits, not {} {}",
            kind(v),
            shown(v)
        )),
    }
    for key in STRING_KEYS {
        match map.get(key) {
            None | Some(Value::Null | Value::String(_)) => {}
            Some(v) => out.push(format!(
                "{at}.{key}: must be a string or null, not {} {}",
                kind(v),
                shown(v)
            )),
        }
    }
    for key in COUNT_KEYS {
        match map.get(key) {
            None | Some(Value::Null) => {}
            Some(Value::Number(n)) if n.is_u64() => {}
            Some(v) => out.push(format!(
                "{at}.{key}: must be a whole number (0 or more) or null, not {} {}",
                kind(v),
                shown(v)
            )),
        }
    }
    out
}

impl<'de> DeserializeSeed<'de> for &mut State<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_any(Top(self))
    }
}

/// The top level: an object whose `findings` is streamed.
struct Top<'s, 'a>(&'s mut State<'a>);

impl<'de> Visitor<'de> for Top<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a baseline object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        let state = self.0;
        state.object = true;
        while let Some(key) = map.next_key::<String>()? {
            if key == "findings" {
                state.findings = true;
                map.next_value_seed(Findings(state))?;
                continue;
            }
            let Some((_, want)) = TOP_KEYS.iter().find(|(k, _)| *k == key) else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            let v: Value = map.next_value()?;
            if !v.is_null() && kind(&v) != *want {
                state
                    .top
                    .push(format!("'{key}' must be {want}, not {}", kind(&v)));
            }
            if key == "version" {
                state.version = Some(v);
            }
        }
        Ok(())
    }

    // Anything else is not a baseline; `walk` says so.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<(), E> {
        Ok(())
    }
}

/// The `findings` value: a list, entry by entry.
struct Findings<'s, 'a>(&'s mut State<'a>);

impl<'de> DeserializeSeed<'de> for Findings<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl Findings<'_, '_> {
    fn not_a_list(self, kind: &str) {
        if kind != "null" {
            (self.0.top).push(format!("'findings' must be a list, not {kind}"));
        } else {
            // `"findings": null` says no more than a missing list.
            self.0.findings = false;
        }
    }
}

impl<'de> Visitor<'de> for Findings<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of accepted findings")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        let mut i = 0;
        while let Some(entry) = seq.next_element::<Value>()? {
            self.0.entry(i, &entry);
            i += 1;
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        self.not_a_list("an object");
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> std::result::Result<(), E> {
        self.not_a_list("a boolean");
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> std::result::Result<(), E> {
        self.not_a_list("a number");
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> std::result::Result<(), E> {
        self.not_a_list("a number");
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> std::result::Result<(), E> {
        self.not_a_list("a number");
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> std::result::Result<(), E> {
        self.not_a_list("a string");
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<(), E> {
        self.not_a_list("null");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("base.json");
        std::fs::write(&p, text).unwrap();
        (dir, p)
    }

    fn err(text: &str) -> String {
        let (_d, p) = write(text);
        read(&p).unwrap_err().to_string()
    }

    #[test]
    fn reads_fingerprints_in_any_key_order() {
        let (_d, p) = write(
            r#"{"findings": [{"fingerprint": "00000000000000ff", "line": 3},
                             {"fingerprint": "0123456789abcdef", "rule": null}],
                "tool": {}, "version": 1}"#,
        );
        assert_eq!(read(&p).unwrap(), vec![0xff, 0x0123_4567_89ab_cdef]);
        let wanted = [0x0123_4567_89ab_cdef].into_iter().collect();
        let e = entries(&p, &wanted, 10).unwrap();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0]["rule"], Value::Null);
    }

    #[test]
    fn names_every_problem_top_level_first() {
        let e = err(
            r#"{"version": 1, "findings": [7, {"fingerprint": "ABCDEF0123456789"},
                       {"fingerprint": "0123456789abcdef", "line": -1, "path": 5}],
                       "created": 3}"#,
        );
        assert!(e.contains("not a usable baseline (5 problem(s))"), "{e}");
        let lines: Vec<&str> = e.lines().collect();
        assert!(
            lines[1].ends_with("'created' must be a string, not a number"),
            "{e}"
        );
        assert!(
            lines[2].ends_with("findings[0]: must be an object with a 'fingerprint', not a number")
        );
        assert!(lines[3].contains("findings[1].fingerprint: must be a string of 16 lower-case"));
        assert!(lines[4].contains("findings[2].path: must be a string or null, not a number 5"));
        assert!(lines[5].contains("findings[2].line: must be a whole number (0 or more)"));
    }

    #[test]
    fn lists_twenty_problems_and_counts_the_rest() {
        let entries: Vec<String> = (0..30).map(|i| i.to_string()).collect();
        let e = err(&format!(
            r#"{{"version": 1, "findings": [{}]}}"#,
            entries.join(",")
        ));
        assert!(e.contains("(30 problem(s))"), "{e}");
        assert!(
            e.contains("findings[19]") && !e.contains("findings[20]"),
            "{e}"
        );
        assert!(e.ends_with("... and 10 more"), "{e}");
    }

    #[test]
    fn refuses_what_is_not_a_baseline() {
        for text in [
            r#"[1, 2]"#,
            r#"{"version": 2, "findings": []}"#,
            r#"{"findings": []}"#,
            "3",
        ] {
            assert!(
                err(text).contains("not a borderscan baseline (version 1 expected)"),
                "{text}"
            );
        }
        assert!(err(r#"{"version": 1, "findings": [1,"#).contains("not a JSON baseline"));
        assert!(err(r#"{"version": 1}"#).contains("'findings' is missing"));
        assert!(
            err(r#"{"version": 1, "findings": {"a": 1}}"#)
                .contains("'findings' must be a list, not an object")
        );
        let long = format!(
            r#"{{"version": 1, "findings": [{{"fingerprint": "{}"}}]}}"#,
            "x".repeat(60)
        );
        assert!(err(&long).contains(&format!("not a string \"{}...", "x".repeat(36))));
    }
}
