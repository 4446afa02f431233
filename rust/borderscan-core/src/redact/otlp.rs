//! OpenTelemetry exports (OTLP/JSON, one `ExportLogsServiceRequest` per
//! line): every log record of a line decided on its own, the line written
//! again with the violating values replaced where they are and the
//! records to drop cut out of their `logRecords` list; every other byte as
//! it was.
//!
//! A value is found through the field's place in the line (`line_from`,
//! at or before the value) and the JSON leaf there, checked to read back
//! as the field's value; a value that is not (a value read out of a body's
//! text, a key) is looked for in every leaf of the line. A resource's or
//! scope's attribute is shared by all its records: replaced once, for all.
//! `remove` leaves an empty string (the attribute's key stays).

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::{Action, Edit, MAX_ROUNDS, OnViolation, Outcome, Rewriter, Span, json, occurrences};
use crate::formats::Format;

/// The text a leaf reads as: a string's decoded value, another token as
/// written.
fn leaf_value(line: &[u8], leaf: json::Leaf) -> Option<Cow<'_, [u8]>> {
    let token = &line[leaf.start..leaf.end];
    if token.first() != Some(&b'"') {
        return Some(Cow::Borrowed(token));
    }
    if !token.contains(&b'\\') {
        return Some(Cow::Borrowed(&token[1..token.len() - 1]));
    }
    serde_json::from_slice::<String>(token)
        .ok()
        .map(|s| Cow::Owned(s.into_bytes()))
}

impl Rewriter {
    /// One OTLP line: each of its records scanned, the line rewritten until
    /// a scan of every record finds no violation.
    pub(super) fn otlp_line(&mut self, line: &[u8]) -> Outcome {
        let mut current: Option<Vec<u8>> = None;
        for round in 0..MAX_ROUNDS {
            let l = current.as_deref().unwrap_or(line);
            let n = match self.otlp.parse(l) {
                Ok(n) => n,
                // Not an export: one record, scanned as text (as a scan does).
                Err(_) if round == 0 => {
                    self.report.records += 1;
                    self.record_no = 0;
                    return self.record(Format::Text, &Default::default(), line);
                }
                Err(_) => return Outcome::Dropped { unrewritable: true },
            };
            if round == 0 {
                self.report.records += n as u64;
            }
            if json::leaves(l, &mut self.leaves).is_none() {
                return Outcome::Dropped { unrewritable: true };
            }
            // Leaf index -> spans in its value; objects to cut (by start).
            let mut per_leaf: BTreeMap<usize, Vec<Span>> = BTreeMap::new();
            let mut cut: Vec<usize> = Vec::new();
            let mut changed = 0;
            for i in 0..n {
                let at = self.otlp.record(i, &mut self.rec);
                self.record_no = i as u32;
                self.violations(Format::Otlp, round == 0);
                if self.edits.is_empty() || self.on == OnViolation::Pass {
                    continue;
                }
                let drop = self.on == OnViolation::Drop
                    || self.edits.iter().any(|e| e.action == Action::DropRecord);
                let placed = !drop && self.place_edits(l, &mut per_leaf);
                if !placed {
                    if drop && self.on == OnViolation::Redact {
                        let rule = self.edits[0].rule;
                        let category = self.sh.det.rule(rule).category.clone();
                        self.count(&category, Action::DropRecord);
                    }
                    if !drop {
                        self.report.dropped_unrewritable += 1;
                    }
                    self.report.records_dropped += 1;
                    cut.push(at as usize);
                } else if round == 0 {
                    changed += 1;
                }
            }
            self.report.records_changed += changed;
            if per_leaf.is_empty() && cut.is_empty() {
                return match current {
                    Some(c) => Outcome::Changed(c),
                    None => Outcome::Unchanged,
                };
            }
            // The root (a line with no record but its resource's fields) is
            // the whole line.
            if cut.contains(&0) {
                // Counted once, by the caller, as any dropped line.
                self.report.records_dropped -= 1;
                return Outcome::Dropped {
                    unrewritable: false,
                };
            }
            match self.apply(l, per_leaf, cut) {
                Some(next) => current = Some(next),
                None => return Outcome::Dropped { unrewritable: true },
            }
        }
        Outcome::Dropped { unrewritable: true }
    }

    /// The current record's edits as spans of the line's leaves; false when
    /// one cannot be found (the record is then cut out).
    fn place_edits(&self, line: &[u8], per_leaf: &mut BTreeMap<usize, Vec<Span>>) -> bool {
        let mut found: Vec<(usize, Span)> = Vec::new();
        for e in &self.edits {
            let Edit {
                field,
                start,
                end,
                in_key,
                action,
                rule,
            } = *e;
            let f = &self.rec.fields[field as usize];
            let value = self.rec.value(f);
            let (s, t) = (start as usize, end as usize);
            if !in_key && !f.derived {
                // The first leaf that ends after the field's place.
                let from = f.line_from as usize;
                let k = self.leaves.partition_point(|l| l.end <= from);
                if let Some(&leaf) = self.leaves.get(k)
                    && leaf_value(line, leaf).is_some_and(|v| v.as_ref() == value)
                {
                    found.push((
                        k,
                        Span {
                            start: s,
                            end: t,
                            action,
                            rule,
                        },
                    ));
                    continue;
                }
            }
            let raw = if in_key {
                &self.rec.path(f)[s..t]
            } else {
                &value[s..t]
            };
            if raw.is_empty() {
                continue;
            }
            let before = found.len();
            for (k, &leaf) in self.leaves.iter().enumerate() {
                let Some(v) = leaf_value(line, leaf) else {
                    continue;
                };
                found.extend(occurrences(v.as_ref(), raw, action, rule).map(|s| (k, s)));
            }
            if found.len() == before {
                return false;
            }
        }
        for (k, span) in found {
            per_leaf.entry(k).or_default().push(span);
        }
        true
    }

    /// The line with its leaves rewritten and the objects at `cut` removed
    /// from their lists; None when the result would not be JSON.
    fn apply(
        &mut self,
        line: &[u8],
        mut per_leaf: BTreeMap<usize, Vec<Span>>,
        mut cut: Vec<usize>,
    ) -> Option<Vec<u8>> {
        // Where each cut object ends.
        cut.sort_unstable();
        cut.dedup();
        let mut cuts: Vec<(usize, usize)> = Vec::with_capacity(cut.len());
        for &at in &cut {
            cuts.push((at, json::value_end(line, at)?));
        }
        // Right to left, so that earlier places stay where they are.
        enum Edit2 {
            Leaf(usize),
            Cut(usize, usize),
        }
        let mut order: Vec<(usize, Edit2)> = per_leaf
            .keys()
            .map(|&k| (self.leaves[k].start, Edit2::Leaf(k)))
            .chain(cuts.iter().map(|&(s, e)| (s, Edit2::Cut(s, e))))
            .collect();
        order.sort_unstable_by_key(|o| std::cmp::Reverse(o.0));
        let mut out = line.to_vec();
        for (_, e) in order {
            match e {
                Edit2::Leaf(k) => {
                    let leaf = self.leaves[k];
                    // A leaf inside a record that is cut goes with it.
                    if cuts.iter().any(|&(s, e)| s <= leaf.start && leaf.end <= e) {
                        continue;
                    }
                    let value = leaf_value(line, leaf)?.into_owned();
                    let spans = per_leaf.get_mut(&k).expect("a key of the map");
                    let text = self.splice(&value, spans);
                    let mut token = Vec::with_capacity(text.len() + 2);
                    json::quote(&String::from_utf8_lossy(&text), &mut token);
                    out.splice(leaf.start..leaf.end, token);
                }
                Edit2::Cut(s, e) => {
                    let (from, to) = json::member_cut(&out, s, e);
                    out.drain(from..to);
                }
            }
        }
        serde_json::from_slice::<serde::de::IgnoredAny>(&out).ok()?;
        Some(out)
    }
}
