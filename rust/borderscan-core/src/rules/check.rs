//! Rule examples checked against the compiled detectors: every rule's
//! positive examples must fire it and its negative ones must not
//! (`borderscan rules check`, and a test of the built-in pack).

use crate::detect::{Detectors, Hit, Scratch};
use crate::formats::{self, Format, Header, RecordBuf};

/// Scan one record line on its own (format detected from the line) and
/// return the hits; used by `rules check` and `explain`.
pub fn scan_line(det: &Detectors, line: &[u8]) -> (Format, RecordBuf, Vec<Hit>) {
    let format = formats::detect("example", line);
    let mut rec = RecordBuf::default();
    if formats::parse(format, line, &Header::default(), &mut rec).is_err() {
        rec.set_text(line);
    }
    let mut hits = Vec::new();
    det.scan(&rec, &mut Scratch::default(), true, &mut hits);
    (format, rec, hits)
}

/// A rule example that did not behave.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RuleCheckFailure {
    pub rule: String,
    pub example: String,
    /// `positive` (should fire, did not) or `negative` (fired, should not).
    pub kind: &'static str,
    /// The rules that did fire, to help fix the example.
    pub fired: Vec<String>,
}

/// Run every rule's positive and negative examples.
pub fn check_rules(det: &Detectors) -> Vec<RuleCheckFailure> {
    let mut failures = Vec::new();
    for (i, r) in det.rules.iter().enumerate() {
        let cases = r
            .examples
            .positive
            .iter()
            .map(|e| (e, true))
            .chain(r.examples.negative.iter().map(|e| (e, false)));
        for (example, positive) in cases {
            let (_, _, hits) = scan_line(det, example.as_bytes());
            let fired = hits.iter().any(|h| h.rule as usize == i);
            if fired != positive {
                let mut names: Vec<String> =
                    hits.iter().map(|h| det.rule(h.rule).id.clone()).collect();
                names.dedup();
                failures.push(RuleCheckFailure {
                    rule: r.id.clone(),
                    example: example.clone(),
                    kind: if positive { "positive" } else { "negative" },
                    fired: names,
                });
            }
        }
    }
    failures
}
