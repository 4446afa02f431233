//! Indexes for the passes that relate a record's hits to each other
//! (`drop_yielding`, `mask_shown_overlaps`, `redacted`): one line can hold
//! a million hits (issue 17), and comparing every hit with every other one
//! is quadratic. Records of a few hits keep the pairwise loops in `mod.rs`,
//! which allocate nothing; both give the same output, byte for byte.

use std::collections::BTreeMap;

use aho_corasick::automaton::Automaton;
use aho_corasick::nfa::contiguous::NFA;
use aho_corasick::{Anchored, Input, MatchKind};
use rustc_hash::FxHashMap;

use super::{Detectors, Hit, YIELD_WINDOW};
use crate::formats::RecordBuf;
use crate::mask;
use crate::rules::{MaskStyle, RuleKind};

/// Records with more hits than this use the indexes; below, building them
/// costs more than the pairwise loops save (the per-byte instruction count
/// of ordinary telemetry is guarded by a benchmark).
pub(super) const PAIRWISE_MAX: usize = 16;

#[cfg(test)]
thread_local! {
    /// Tests pick a path regardless of the record's size.
    static FORCED: std::cell::Cell<Option<Path>> = const { std::cell::Cell::new(None) };
}

#[cfg(test)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Path {
    /// The implementation before issue 17's fix (`reference.rs`).
    Reference,
    Indexed,
}

#[cfg(test)]
pub(super) fn force(path: Option<Path>) {
    FORCED.with(|f| f.set(path));
}

#[cfg(test)]
pub(super) fn forced() -> Option<Path> {
    FORCED.with(|f| f.get())
}

/// Whether a record of `n` hits takes the indexes.
#[inline]
pub(super) fn indexed(n: usize) -> bool {
    #[cfg(test)]
    if let Some(p) = forced() {
        return p == Path::Indexed;
    }
    n > PAIRWISE_MAX
}

/// Which hits a yielding hit may yield to, by the categories yielded to:
/// `drop_yielding`'s "any hit dominates this one" in O(log hits).
pub(super) struct YieldIndex {
    /// Per yielding rule: the numbers of the categories it yields to.
    yields: Vec<Vec<u32>>,
    /// Per category: the first field holding a record-type or key finding
    /// of it, and whether another field holds one too.
    whole: Vec<Option<(u32, bool)>>,
    /// `(category, field, end)` of every hit of a category yielded to, sorted.
    ends: Vec<(u32, u32, u32)>,
}

const NO_CAT: u32 = u32::MAX;

impl YieldIndex {
    pub(super) fn new(det: &Detectors, hits: &[Hit]) -> Self {
        let n_rules = det.rules.len();
        let mut cats: Vec<&str> = Vec::new();
        let mut yields: Vec<Vec<u32>> = vec![Vec::new(); n_rules];
        let mut done = vec![false; n_rules];
        for h in hits {
            let r = h.rule as usize;
            if done[r] {
                continue;
            }
            done[r] = true;
            for c in &det.rules[r].yields_to {
                let id = match cats.iter().position(|x| x == c) {
                    Some(i) => i,
                    None => {
                        cats.push(c);
                        cats.len() - 1
                    }
                };
                yields[r].push(id as u32);
            }
        }
        let rule_cat: Vec<u32> = det
            .rules
            .iter()
            .map(|r| {
                cats.iter()
                    .position(|c| *c == r.category)
                    .map_or(NO_CAT, |i| i as u32)
            })
            .collect();
        let mut whole: Vec<Option<(u32, bool)>> = vec![None; cats.len()];
        let mut ends = Vec::new();
        for d in hits {
            let c = rule_cat[d.rule as usize];
            if c == NO_CAT {
                continue;
            }
            ends.push((c, d.field, d.end));
            if matches!(
                det.rules[d.rule as usize].kind,
                RuleKind::RecordType | RuleKind::Key
            ) {
                let w = &mut whole[c as usize];
                match w {
                    None => *w = Some((d.field, false)),
                    Some((f, other)) => *other |= *f != d.field,
                }
            }
        }
        ends.sort_unstable();
        YieldIndex {
            yields,
            whole,
            ends,
        }
    }

    /// Whether some hit of a category `h` yields to dominates it: a
    /// record-type or key finding in another field, or any finding ending
    /// at most `YIELD_WINDOW` bytes before it in its own field.
    pub(super) fn dominated(&self, h: &Hit) -> bool {
        self.yields[h.rule as usize].iter().any(|&c| {
            let other_field =
                self.whole[c as usize].is_some_and(|(f, other)| other || f != h.field);
            let lo = (c, h.field, h.start.saturating_sub(YIELD_WINDOW));
            let i = self.ends.partition_point(|e| *e < lo);
            other_field
                || self
                    .ends
                    .get(i)
                    .is_some_and(|e| *e <= (c, h.field, h.start))
        })
    }
}

/// Whether `h` is a hit whose evidence masks its value (not a value found
/// in a key: those index the path).
pub(super) fn masks(det: &Detectors, h: &Hit) -> bool {
    !h.in_key && det.rule(h.rule).mask != MaskStyle::None
}

/// Per hit of `hits` that shows its value (not masking, not in a key): the
/// index of the first masking hit of its field whose span overlaps its own,
/// by a sweep over spans sorted by start with a Fenwick tree of ends.
pub(super) fn first_overlaps(det: &Detectors, hits: &[Hit]) -> Vec<Option<u32>> {
    let mut out = vec![None; hits.len()];
    let mut maskers: Vec<u32> = (0..hits.len() as u32)
        .filter(|&i| masks(det, &hits[i as usize]))
        .collect();
    let mut shown: Vec<u32> = (0..hits.len() as u32)
        .filter(|&i| {
            let h = &hits[i as usize];
            !h.in_key && !masks(det, h)
        })
        .collect();
    maskers.sort_unstable_by_key(|&i| (hits[i as usize].field, hits[i as usize].start));
    shown.sort_unstable_by_key(|&i| (hits[i as usize].field, hits[i as usize].end));
    let mut ends: Vec<u32> = Vec::new();
    let mut tree: Vec<u32> = Vec::new();
    let (mut m, mut q) = (0, 0);
    while q < shown.len() {
        let field = hits[shown[q] as usize].field;
        while m < maskers.len() && hits[maskers[m] as usize].field < field {
            m += 1;
        }
        let m_end = m + maskers[m..]
            .iter()
            .take_while(|&&i| hits[i as usize].field == field)
            .count();
        // The field's masking spans, by end descending: a prefix of the
        // tree is the spans ending after a point.
        ends.clear();
        ends.extend(maskers[m..m_end].iter().map(|&i| hits[i as usize].end));
        ends.sort_unstable_by(|a, b| b.cmp(a));
        ends.dedup();
        tree.clear();
        tree.resize(ends.len() + 1, u32::MAX);
        let rank = |end: u32| ends.partition_point(|&e| e > end);
        while q < shown.len() && hits[shown[q] as usize].field == field {
            let h = &hits[shown[q] as usize];
            // Spans starting before this one ends...
            while m < m_end && hits[maskers[m] as usize].start < h.end {
                let i = maskers[m];
                let mut k = rank(hits[i as usize].end) + 1;
                while k < tree.len() {
                    tree[k] = tree[k].min(i);
                    k += k & k.wrapping_neg();
                }
                m += 1;
            }
            // ...and ending after it starts.
            let mut k = ends.partition_point(|&e| e > h.start);
            let mut first = u32::MAX;
            while k > 0 {
                first = first.min(tree[k]);
                k &= k - 1;
            }
            out[shown[q] as usize] = (first != u32::MAX).then_some(first);
            q += 1;
        }
        m = m_end;
    }
    out
}

/// The masking hits of a record as `redacted` applies them, with an
/// automaton over their distinct values.
pub(super) struct MaskIndex<'a> {
    /// Per masking hit, in order: its value's pattern and its evidence.
    rounds: Vec<(u32, &'a [u8])>,
    patterns: Vec<&'a [u8]>,
    /// Some pattern holds a `*`, the byte every evidence masks with.
    star: Vec<bool>,
    ac: Option<NFA>,
}

impl<'a> MaskIndex<'a> {
    pub(super) fn new(det: &Detectors, rec: &'a RecordBuf, hits: &'a [Hit]) -> Self {
        let mut ids: FxHashMap<&[u8], u32> = FxHashMap::default();
        let mut patterns: Vec<&[u8]> = Vec::new();
        let mut rounds = Vec::new();
        for h in hits {
            if !masks(det, h) {
                continue;
            }
            let raw = &rec.value(&rec.fields[h.field as usize])[h.start as usize..h.end as usize];
            if raw.is_empty() {
                continue;
            }
            let id = *ids.entry(raw).or_insert_with(|| {
                patterns.push(raw);
                patterns.len() as u32 - 1
            });
            rounds.push((id, h.evidence.as_bytes()));
        }
        let star = patterns.iter().map(|p| p.contains(&b'*')).collect();
        let ac = (!patterns.is_empty()).then(|| {
            NFA::builder()
                .match_kind(MatchKind::Standard)
                .build(&patterns)
                .expect("an automaton over the record's masked values")
        });
        MaskIndex {
            rounds,
            patterns,
            star,
            ac,
        }
    }

    /// Whether a masking hit's value occurs in `raw`.
    pub(super) fn occurs_in(&self, raw: &[u8]) -> bool {
        self.ac
            .as_ref()
            .is_some_and(|ac| ac.try_find(&Input::new(raw)).ok().flatten().is_some())
    }

    /// `Detectors::redacted`: `value` with each masking hit's value, in
    /// hit order, replaced by its evidence wherever it occurs in what the
    /// earlier ones left.
    ///
    /// The replacements are kept as regions of `value` hidden behind the
    /// middle of an evidence: an evidence that keeps its value's first and
    /// last bytes (`l***@e***.cn`) leaves them where they were, and its
    /// middle starts with `*`. While no value holds a `*` or occurs in such
    /// a middle, where a value occurs after the replacements is where it
    /// occurred in `value` without crossing a hidden region, so one pass of
    /// the automaton over `value` finds every occurrence of every round.
    /// Past anything else, the rounds left run as they always did.
    pub(super) fn redact(&self, value: &[u8]) -> String {
        let Some(ac) = &self.ac else {
            return mask::raw(value);
        };
        let mut occ: Vec<(u32, u32)> = Vec::new();
        let Ok(it) = ac.try_find_overlapping_iter(Input::new(value)) else {
            return self.sequential(value.to_vec(), 0);
        };
        for m in it {
            occ.push((m.pattern().as_u32(), m.start() as u32));
        }
        if occ.is_empty() {
            return mask::raw(value);
        }
        occ.sort_unstable();
        // Hidden regions: start -> (end, round).
        let mut hidden: BTreeMap<u32, (u32, u32)> = BTreeMap::new();
        let crosses = |hidden: &BTreeMap<u32, (u32, u32)>, s: u32, e: u32| {
            hidden
                .range(..e)
                .next_back()
                .is_some_and(|(_, &(end, _))| end > s)
        };
        let mut chosen: Vec<u32> = Vec::new();
        for (k, &(pid, ev)) in self.rounds.iter().enumerate() {
            if self.star[pid as usize] && !hidden.is_empty() {
                return self.sequential(self.shown(value, &hidden), k);
            }
            let lo = occ.partition_point(|&(p, _)| p < pid);
            let hi = occ.partition_point(|&(p, _)| p <= pid);
            if lo == hi {
                continue;
            }
            let len = self.patterns[pid as usize].len() as u32;
            chosen.clear();
            let mut at = 0;
            for &(_, s) in &occ[lo..hi] {
                if s >= at && !crosses(&hidden, s, s + len) {
                    chosen.push(s);
                    at = s + len;
                }
            }
            if chosen.is_empty() {
                continue;
            }
            let Some((head, tail)) = kept_edges(self.patterns[pid as usize], ev) else {
                return self.sequential(self.shown(value, &hidden), k);
            };
            for &s in &chosen {
                hidden.insert(s + head, (s + len - tail, k as u32));
            }
            let middle = &ev[head as usize..ev.len() - tail as usize];
            if self.occurs_in(middle)
                || chosen
                    .iter()
                    .any(|&s| self.runs_on(value, &hidden, middle, s + len - tail))
            {
                return self.sequential(self.shown(value, &hidden), k + 1);
            }
        }
        mask::raw(&self.shown(value, &hidden))
    }

    /// Whether a pattern starts in the bytes after the last `*` of
    /// `middle`, whose region ends at `end`, and runs on into what follows.
    fn runs_on(
        &self,
        value: &[u8],
        hidden: &BTreeMap<u32, (u32, u32)>,
        middle: &[u8],
        end: u32,
    ) -> bool {
        let Some(ac) = &self.ac else {
            return false;
        };
        let last_star = middle.iter().rposition(|&b| b == b'*').map_or(0, |i| i + 1);
        let after = &middle[last_star..];
        if after.is_empty() {
            return false;
        }
        // Up to the next hidden region, which starts with `*`.
        let stop = hidden
            .range(end..)
            .next()
            .map_or(value.len(), |(&s, _)| s as usize);
        let follow = &value[end as usize..stop];
        let Ok(start) = ac.start_state(Anchored::Yes) else {
            return true;
        };
        (0..after.len()).any(|i| {
            let mut sid = start;
            for (depth, &b) in after[i..].iter().chain(follow).enumerate() {
                sid = ac.next_state(Anchored::Yes, sid, b);
                if ac.is_dead(sid) {
                    return false;
                }
                // A match state also lists patterns that are suffixes of
                // the path: only one as long as the path starts at `i`.
                if ac.is_match(sid)
                    && (0..ac.match_len(sid)).any(|j| {
                        self.patterns[ac.match_pattern(sid, j).as_usize()].len() == depth + 1
                    })
                {
                    return true;
                }
            }
            false
        })
    }

    /// `value` with each hidden region replaced by its evidence's middle.
    fn shown(&self, value: &[u8], hidden: &BTreeMap<u32, (u32, u32)>) -> Vec<u8> {
        let mut out = Vec::with_capacity(value.len());
        let mut at = 0;
        for (&s, &(e, k)) in hidden {
            let (pid, ev) = self.rounds[k as usize];
            let (head, tail) =
                kept_edges(self.patterns[pid as usize], ev).expect("checked when hidden");
            out.extend_from_slice(&value[at..s as usize]);
            out.extend_from_slice(&ev[head as usize..ev.len() - tail as usize]);
            at = e as usize;
        }
        out.extend_from_slice(&value[at..]);
        out
    }

    /// The rounds from `from` on, one search of the whole text each, as
    /// `redacted` always did.
    fn sequential(&self, mut cur: Vec<u8>, from: usize) -> String {
        for &(pid, ev) in &self.rounds[from..] {
            let raw = self.patterns[pid as usize];
            if memchr::memmem::find(&cur, raw).is_none() {
                continue;
            }
            let mut next = Vec::with_capacity(cur.len());
            let mut at = 0;
            for i in memchr::memmem::find_iter(&cur, raw) {
                if i >= at {
                    next.extend_from_slice(&cur[at..i]);
                    next.extend_from_slice(ev);
                    at = i + raw.len();
                }
            }
            next.extend_from_slice(&cur[at..]);
            cur = next;
        }
        mask::raw(&cur)
    }
}

/// How many bytes an evidence keeps of its value at the front and at the
/// back, where they stay in place: the front up to its first `*`, the back
/// the longest common tail after its last one. None when the evidence has
/// no `*`, its front is not the value's, or nothing of the value is hidden.
fn kept_edges(raw: &[u8], ev: &[u8]) -> Option<(u32, u32)> {
    let first = ev.iter().position(|&b| b == b'*')?;
    let last = ev.iter().rposition(|&b| b == b'*')?;
    if !raw.starts_with(&ev[..first]) || first >= raw.len() {
        return None;
    }
    let max_tail = (raw.len() - first - 1).min(ev.len() - last - 1);
    let tail = ev
        .iter()
        .rev()
        .zip(raw.iter().rev())
        .take(max_tail)
        .take_while(|(a, b)| a == b)
        .count();
    Some((first as u32, tail as u32))
}
