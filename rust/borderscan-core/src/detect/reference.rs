//! The passes `overlaps.rs` indexes, as they were before issue 17's fix:
//! the reference the indexed ones must match byte for byte.

use super::{Detectors, Hit, YIELD_WINDOW, floor_char};
use crate::formats::RecordBuf;
use crate::mask;
use crate::rules::MaskStyle;

impl Detectors {
    pub(super) fn drop_yielding_reference(
        &self,
        rec: &RecordBuf,
        out: &mut Vec<Hit>,
        first: usize,
    ) {
        let hits = &out[first..];
        if !hits
            .iter()
            .any(|h| !self.rules[h.rule as usize].yields_to.is_empty())
        {
            return;
        }
        let mut drop = vec![false; hits.len()];
        for (k, h) in hits.iter().enumerate() {
            let spec = &self.rules[h.rule as usize];
            if spec.yields_to.is_empty() || h.in_key {
                continue;
            }
            let dominated = hits.iter().any(|d| {
                spec.yields_to
                    .iter()
                    .any(|c| c == &self.rules[d.rule as usize].category)
                    && if d.field == h.field {
                        d.end <= h.start && h.start - d.end <= YIELD_WINDOW
                    } else {
                        // Another field speaks for the whole record only
                        // when it is the record's type or a key of its own
                        // (`type: calibration`, `recipe.*`), not a word
                        // somewhere in it (`cmm-export` as the app name).
                        matches!(
                            self.rules[d.rule as usize].kind,
                            crate::rules::RuleKind::RecordType | crate::rules::RuleKind::Key
                        )
                    }
            });
            if !dominated {
                continue;
            }
            let stays = self.stays_after[h.rule as usize]
                .as_ref()
                .is_some_and(|re| {
                    let value = rec.value(&rec.fields[h.field as usize]);
                    let lo = floor_char(
                        value,
                        (h.start as usize).saturating_sub(YIELD_WINDOW as usize),
                    );
                    re.is_match(&value[lo..h.start as usize])
                });
            drop[k] = !stays;
        }
        let mut k = 0;
        out.retain(|_| {
            let keep = k < first || !drop[k - first];
            k += 1;
            keep
        });
    }

    pub(super) fn mask_shown_overlaps_reference(&self, rec: &RecordBuf, hits: &mut [Hit]) {
        let masks = |h: &Hit| !h.in_key && self.rule(h.rule).mask != MaskStyle::None;
        if hits.len() < 2 || !hits.iter().any(masks) {
            return;
        }
        for i in 0..hits.len() {
            let h = &hits[i];
            if h.in_key || masks(h) {
                continue;
            }
            let raw = &rec.value(&rec.fields[h.field as usize])[h.start as usize..h.end as usize];
            let overlapping = hits
                .iter()
                .find(|m| masks(m) && m.field == h.field && m.start < h.end && h.start < m.end);
            let found_elsewhere = hits.iter().any(|m| {
                masks(m) && {
                    let v =
                        &rec.value(&rec.fields[m.field as usize])[m.start as usize..m.end as usize];
                    !v.is_empty() && memchr::memmem::find(raw, v).is_some()
                }
            });
            if overlapping.is_none() && !found_elsewhere {
                continue;
            }
            let redacted = self.redacted_reference(rec, raw, hits);
            let evidence = match overlapping {
                // The masking rule's value is not inside this one (the spans
                // cross): nothing of it may show.
                Some(m) if redacted == mask::raw(raw) => mask::mask(self.rule(m.rule).mask, raw),
                _ => redacted,
            };
            hits[i].evidence = evidence;
        }
    }

    pub(super) fn redacted_reference(&self, rec: &RecordBuf, value: &[u8], hits: &[Hit]) -> String {
        let mut shown: Option<Vec<u8>> = None;
        for h in hits {
            // Values found in a key index the path, not a value; masking
            // rules found them there (the key is masked in `field`).
            if h.in_key || self.rule(h.rule).mask == MaskStyle::None {
                continue;
            }
            let f = &rec.fields[h.field as usize];
            let raw = &rec.value(f)[h.start as usize..h.end as usize];
            let cur = shown.as_deref().unwrap_or(value);
            if raw.is_empty() || memchr::memmem::find(cur, raw).is_none() {
                continue;
            }
            let mut next = Vec::with_capacity(cur.len());
            let mut at = 0;
            for i in memchr::memmem::find_iter(cur, raw) {
                if i >= at {
                    next.extend_from_slice(&cur[at..i]);
                    next.extend_from_slice(h.evidence.as_bytes());
                    at = i + raw.len();
                }
            }
            next.extend_from_slice(&cur[at..]);
            shown = Some(next);
        }
        mask::raw(shown.as_deref().unwrap_or(value))
    }
}
