//! Named values written as objects: `{"name": "Motor/Current", "value":
//! 20.73}`. Sparkplug B metrics, OPC UA and historian exports, AWS and
//! Kubernetes `{"Name"/"Key", "Value"}` lists and OpenTelemetry attributes
//! (`{"key": "http.method", "value": {"stringValue": "GET"}}`) carry each
//! value under a generic key and say what it is in a sibling field. Each
//! such pair becomes a *derived* field `<parent>.<name>` holding the value
//! (`metrics.Motor.Current` = `20.73`; a name's `/` is a level of its
//! hierarchy), so key and record-type rules meet it as if the object had
//! been written `{"Motor": {"Current": 20.73}}`. Like the pairs of
//! `pairs.rs`, derived fields are seen by key and record-type rules only:
//! their bytes were scanned where they were parsed.
//!
//! Cheap: one look at each parsed field's leaf name, and work only where a
//! leaf is `name`, `key` or `value`.

use super::RecordBuf;

/// At most this many named values are taken from one record.
const MAX_PER_RECORD: usize = 64;
/// A name longer than this is text, not a name.
const MAX_NAME: usize = 64;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Name,
    Value,
}

impl RecordBuf {
    /// Append a derived field for each `{"name": N, "value": V}` object of
    /// the record (see the module documentation). Objects are matched in
    /// order: a name and the next value under the same parent (or a value
    /// and the next name), so the elements of an array of metrics, whose
    /// paths repeat, pair up one by one.
    pub fn derive_named_values(&mut self) {
        let n = self.fields.len();
        // (field, role, length of its parent in its path)
        let mut pending: Option<(usize, Role, usize)> = None;
        let mut taken = 0;
        for fi in 0..n {
            if taken >= MAX_PER_RECORD {
                break;
            }
            let f = &self.fields[fi];
            if f.derived {
                break;
            }
            if f.text {
                continue;
            }
            let Some((role, parent)) = role(self.path(f)) else {
                continue;
            };
            match pending {
                Some((other, other_role, other_parent))
                    if other_role != role
                        && other_parent == parent
                        && self.path(&self.fields[other])[..parent] == self.path(f)[..parent] =>
                {
                    let (name, value) = if role == Role::Value {
                        (other, fi)
                    } else {
                        (fi, other)
                    };
                    if self.push_named(name, value, parent) {
                        taken += 1;
                    }
                    pending = None;
                }
                _ => pending = Some((fi, role, parent)),
            }
        }
    }

    /// The derived field of name field `name` and value field `value`
    /// whose object's parent path is `parent` bytes long; false when the
    /// name is no name (empty, too long, a sentence, not starting with a
    /// letter).
    fn push_named(&mut self, name: usize, value: usize, parent: usize) -> bool {
        let nf = self.fields[name].clone();
        let vf = self.fields[value].clone();
        let nv = &self.values[nf.value.start as usize..nf.value.end as usize];
        let ok = !nv.is_empty()
            && nv.len() <= MAX_NAME
            && !nv.iter().any(|&b| matches!(b, b'\n' | b'\t' | b' '))
            && std::str::from_utf8(nv)
                .ok()
                .and_then(|s| s.chars().next())
                .is_some_and(char::is_alphabetic);
        if !ok {
            return false;
        }
        self.mark_derived();
        let ps = self.paths.len() as u32;
        if parent > 0 {
            self.paths
                .extend_from_within(nf.path.start as usize..nf.path.start as usize + parent);
            self.paths.push(b'.');
        }
        let ns = self.paths.len();
        self.paths
            .extend_from_slice(&self.values[nf.value.start as usize..nf.value.end as usize]);
        for b in &mut self.paths[ns..] {
            if *b == b'/' {
                *b = b'.';
            }
        }
        let vs = self.values.len() as u32;
        self.values
            .extend_from_within(vf.value.start as usize..vf.value.end as usize);
        self.end_field(ps, vs, vf.line_from, true);
        true
    }
}

/// Is this path's leaf the name or the value of a named value, and how
/// long is the path of the object's parent? `metrics.name` is a name under
/// `metrics` (6); `attributes.value.stringValue` is a value under
/// `attributes` (OpenTelemetry's typed values).
fn role(path: &[u8]) -> Option<(Role, usize)> {
    let (head, leaf) = split_leaf(path);
    if leaf.len() > 11 {
        return None;
    }
    let parent = |head: &[u8]| head.len().saturating_sub(1);
    if leaf.eq_ignore_ascii_case(b"name") || leaf.eq_ignore_ascii_case(b"key") {
        return Some((Role::Name, parent(head)));
    }
    if leaf.eq_ignore_ascii_case(b"value") {
        return Some((Role::Value, parent(head)));
    }
    // `value.stringValue`, `value.intValue`, `value.doubleValue`...
    let typed = leaf.len() > 5 && leaf[leaf.len() - 5..].eq_ignore_ascii_case(b"value");
    if typed && !head.is_empty() {
        let (above, object) = split_leaf(&head[..head.len() - 1]);
        if object.eq_ignore_ascii_case(b"value") {
            return Some((Role::Value, parent(above)));
        }
    }
    None
}

/// `(everything up to and with the last `.`, the leaf)`.
fn split_leaf(path: &[u8]) -> (&[u8], &[u8]) {
    match memchr::memrchr(b'.', path) {
        Some(i) => (&path[..=i], &path[i + 1..]),
        None => (&path[..0], path),
    }
}

#[cfg(test)]
mod tests {
    use crate::formats::{Format, Header, RecordBuf, parse};

    fn derived(line: &str) -> Vec<(String, String)> {
        let mut rec = RecordBuf::default();
        parse(Format::Jsonl, line.as_bytes(), &Header::default(), &mut rec).unwrap();
        let out: Vec<(String, String)> = rec
            .fields
            .iter()
            .filter(|f| f.derived)
            .map(|f| {
                (
                    String::from_utf8_lossy(rec.path(f)).into_owned(),
                    String::from_utf8_lossy(rec.value(f)).into_owned(),
                )
            })
            .collect();
        // Each derived value is found where `line_from` says.
        for f in rec.fields.iter().filter(|f| f.derived) {
            let v = std::str::from_utf8(rec.value(f)).unwrap();
            assert!(line[f.line_from as usize..].contains(v), "{v}");
        }
        out
    }

    fn kv(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn arrays_of_named_values_pair_up_one_by_one() {
        assert_eq!(
            derived(
                r#"{"timestamp": 1, "metrics": [{"name": "Motor/Current", "value": 20.73, "type": "Float"}, {"name": "Bearing/Temperature", "type": "Float", "value": 62.5}, {"value": "INFO", "name": "Event/Severity"}], "seq": 3}"#
            ),
            kv(&[
                ("metrics.Motor.Current", "20.73"),
                ("metrics.Bearing.Temperature", "62.5"),
                ("metrics.Event.Severity", "INFO"),
            ])
        );
    }

    #[test]
    fn keys_values_and_typed_values() {
        assert_eq!(
            derived(r#"{"Tags": [{"Key": "Owner", "Value": "ops"}]}"#),
            kv(&[("Tags.Owner", "ops")])
        );
        assert_eq!(
            derived(r#"{"attributes": [{"key": "http.method", "value": {"stringValue": "GET"}}]}"#),
            kv(&[("attributes.http.method", "GET")])
        );
        assert_eq!(
            derived(r#"{"name": "temp", "value": 61.2}"#),
            kv(&[("temp", "61.2")])
        );
    }

    #[test]
    fn names_that_are_no_names_and_unpaired_fields_derive_nothing() {
        for line in [
            r#"{"name": "cam-cal", "hostname": "h", "v": 0}"#,
            r#"{"a": {"name": "x"}, "b": {"value": 3}}"#,
            r#"{"name": "two words", "value": 3}"#,
            r#"{"name": "42", "value": 3}"#,
            r#"{"name": "", "value": 3}"#,
        ] {
            assert_eq!(derived(line), Vec::new(), "{line}");
        }
    }
}
