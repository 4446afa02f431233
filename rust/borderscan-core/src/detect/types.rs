//! Record-type rules: does a type field's value (`type`, `topic`, `msgid`,
//! `Ereignis`...) name one of a rule's types?
//!
//! Type names are written in many ways: `calibration`, `ar.calibration`,
//! `fw.diag`, `CAL`, `QCResult`, `plant/line3/cnc7/calibration`,
//! `spBv1.0/group/DDATA/node/sensor`, `设备故障`, `Störungsmeldung`. So a
//! value is cut into tokens (runs of ASCII letters and digits, cut again
//! where the case or the kind of character changes: `fwDiag` is `fw`,
//! `diag`; `CAL01` is `cal`, `01`), and a rule's type word matches when
//! its own tokens occur in a row among them (`work_order` matches
//! `mes.work_order.created`). Words in other scripts, which need no spaces
//! between words, match anywhere in the value.
//!
//! A word of one to three letters (`cal`, `qc`, `dtc`) is an abbreviation:
//! it matches only a token that stands alone between separators or is
//! written in capitals (`CAL`, `QCResult`, `cal-result`), not one cut out
//! of a longer word (`CalDAV`, `calResult`).
//!
//! Two marks in a rule's words: `*word` (ASCII) also matches a token that
//! ends with it, as German compounds do (`*temperatur` matches
//! `Oeltemperatur`); `!word` is an exception: a value that names it is not
//! of the rule's type even when it names one of its words (`sensor.cal`
//! is a calibration of a sensor, not a reading; `Gỡ lỗi` is Vietnamese for
//! debug, not an error).

use rustc_hash::FxHashSet;

/// Values longer than this are free text, not a type.
pub(super) const MAX_TYPE_VALUE: usize = 256;
/// Tokens looked at in one value.
const MAX_TOKENS: usize = 48;
/// Words this long or shorter are abbreviations (see the module doc).
const SHORT: usize = 3;

/// A token: its range in the lower-cased buffer, and whether it stands
/// alone between separators or is written in capitals.
type Span = (u16, u16, bool);

/// A record-type rule: field leaf names (lower-cased) and its type words.
pub(crate) struct TypeRule {
    pub(super) rule: u16,
    pub(super) names: Vec<Vec<u8>>,
    /// Words of one token, lower-cased.
    single: FxHashSet<Box<[u8]>>,
    /// Words of several tokens (`work_order`), each token lower-cased.
    multi: Vec<Vec<Box<[u8]>>>,
    /// Words with non-ASCII letters (`故障`, `Störung`), as written, lower
    /// case, upper case and capitalised: matched anywhere in the value.
    anywhere: Vec<Box<[u8]>>,
    /// `*word`: lower-cased, matched at the end of a longer token.
    suffix: Vec<Box<[u8]>>,
    /// `!word`s: a value that names one of them is not of this type.
    unless: Option<Box<TypeRule>>,
}

impl TypeRule {
    pub(crate) fn new(rule: u16, names: &[String], words: &[String]) -> Self {
        let mut t = TypeRule {
            rule,
            names: names
                .iter()
                .map(|s| s.to_ascii_lowercase().into_bytes())
                .collect(),
            single: FxHashSet::default(),
            multi: Vec::new(),
            anywhere: Vec::new(),
            suffix: Vec::new(),
            unless: None,
        };
        let exceptions: Vec<String> = words
            .iter()
            .filter_map(|w| w.strip_prefix('!'))
            .map(str::to_string)
            .collect();
        if !exceptions.is_empty() {
            t.unless = Some(Box::new(TypeRule::new(rule, &[], &exceptions)));
        }
        for w in words {
            if w.starts_with('!') {
                continue;
            }
            if let Some(tail) = w.strip_prefix('*')
                && tail.is_ascii()
                && !tail.is_empty()
            {
                t.suffix
                    .push(tail.to_ascii_lowercase().into_bytes().into_boxed_slice());
                continue;
            }
            if !w.is_ascii() {
                let mut cap = String::new();
                let mut chars = w.chars();
                if let Some(c) = chars.next() {
                    cap.extend(c.to_uppercase());
                    cap.push_str(&chars.as_str().to_lowercase());
                }
                for form in [w.clone(), w.to_lowercase(), w.to_uppercase(), cap] {
                    let form: Box<[u8]> = form.into_bytes().into();
                    if !form.is_empty() && !t.anywhere.contains(&form) {
                        t.anywhere.push(form);
                    }
                }
                continue;
            }
            let mut buf = [0u8; MAX_TYPE_VALUE];
            let mut spans = [(0u16, 0u16, false); MAX_TOKENS];
            let n = tokens(w.as_bytes(), &mut buf, &mut spans);
            let toks: Vec<Box<[u8]>> = spans[..n]
                .iter()
                .map(|&(s, e, _)| buf[s as usize..e as usize].into())
                .collect();
            match toks.len() {
                0 => {}
                1 => {
                    t.single.insert(toks.into_iter().next().expect("one token"));
                }
                _ => t.multi.push(toks),
            }
        }
        t
    }

    /// Whether `value` names one of this rule's types.
    pub(crate) fn matches(&self, value: &[u8]) -> bool {
        if value.is_empty() || value.len() > MAX_TYPE_VALUE {
            return false;
        }
        self.names_one(value) && !self.unless.as_ref().is_some_and(|u| u.names_one(value))
    }

    /// Whether `value` names one of the words (exceptions aside).
    fn names_one(&self, value: &[u8]) -> bool {
        if !value.is_ascii()
            && self
                .anywhere
                .iter()
                .any(|w| memchr::memmem::find(value, w).is_some())
        {
            return true;
        }
        let mut buf = [0u8; MAX_TYPE_VALUE];
        let mut spans = [(0u16, 0u16, false); MAX_TOKENS];
        let n = tokens(value, &mut buf, &mut spans);
        let tok = |k: usize| &buf[spans[k].0 as usize..spans[k].1 as usize];
        for (k, span) in spans.iter().enumerate().take(n) {
            let t = tok(k);
            if (t.len() > SHORT || span.2) && self.single.contains(t) {
                return true;
            }
            if self
                .suffix
                .iter()
                .any(|w| t.len() > w.len() && t.ends_with(w))
            {
                return true;
            }
            for m in &self.multi {
                if k + m.len() <= n && m.iter().enumerate().all(|(j, w)| **w == *tok(k + j)) {
                    return true;
                }
            }
        }
        false
    }
}

/// Cut `value` into lower-cased tokens: `buf` receives the lower-cased
/// bytes, `spans` the tokens; returns how many.
fn tokens(value: &[u8], buf: &mut [u8; MAX_TYPE_VALUE], spans: &mut [Span]) -> usize {
    let value = &value[..value.len().min(MAX_TYPE_VALUE)];
    let mut n = 0;
    let mut start: Option<usize> = None;
    let class = |b: u8| -> u8 {
        if b.is_ascii_digit() {
            1
        } else if b.is_ascii_lowercase() {
            2
        } else if b.is_ascii_uppercase() {
            3
        } else {
            0
        }
    };
    for (i, &b) in value.iter().enumerate() {
        buf[i] = b.to_ascii_lowercase();
        let c = class(b);
        let cut = match start {
            None => false,
            Some(_) if c == 0 => true,
            Some(_) => {
                let p = class(value[i - 1]);
                // `fwDiag`, `CAL01`, `01cal`, and `QCResult` (before `R`).
                (p == 2 && c == 3)
                    || ((p == 1) != (c == 1))
                    || (p == 3
                        && c == 3
                        && value.get(i + 1).is_some_and(|n| n.is_ascii_lowercase()))
            }
        };
        if cut && let Some(s) = start.take() {
            if n == spans.len() {
                return n;
            }
            spans[n] = (s as u16, i as u16, strong(value, s, i));
            n += 1;
        }
        if c != 0 && start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start
        && n < spans.len()
    {
        spans[n] = (s as u16, value.len() as u16, strong(value, s, value.len()));
        n += 1;
    }
    n
}

/// The token `value[s..e]` stands alone between separators, or has no
/// lower-case letter (`CAL`, the `QC` of `QCResult`).
fn strong(value: &[u8], s: usize, e: usize) -> bool {
    let alone = (s == 0 || !value[s - 1].is_ascii_alphanumeric())
        && value.get(e).is_none_or(|b| !b.is_ascii_alphanumeric());
    alone || !value[s..e].iter().any(u8::is_ascii_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(v: &str) -> Vec<String> {
        let mut buf = [0u8; MAX_TYPE_VALUE];
        let mut spans = [(0u16, 0u16, false); MAX_TOKENS];
        let n = tokens(v.as_bytes(), &mut buf, &mut spans);
        spans[..n]
            .iter()
            .map(|&(s, e, _)| String::from_utf8_lossy(&buf[s as usize..e as usize]).into_owned())
            .collect()
    }

    #[test]
    fn values_are_cut_into_tokens() {
        assert_eq!(toks("fw.diag"), ["fw", "diag"]);
        assert_eq!(toks("fwDiag"), ["fw", "diag"]);
        assert_eq!(toks("QCResult"), ["qc", "result"]);
        assert_eq!(toks("CAL01"), ["cal", "01"]);
        assert_eq!(
            toks("plant/line3/cnc7/calibration"),
            ["plant", "line", "3", "cnc", "7", "calibration"]
        );
        assert_eq!(
            toks("spBv1.0/group/DDATA/node/sensor"),
            ["sp", "bv", "1", "0", "group", "ddata", "node", "sensor"]
        );
        assert_eq!(toks("报警.温度"), Vec::<String>::new());
        assert_eq!(toks("E"), ["e"]);
    }

    fn rule(words: &[&str]) -> TypeRule {
        let words: Vec<String> = words.iter().map(|s| s.to_string()).collect();
        TypeRule::new(0, &["type".to_string()], &words)
    }

    #[test]
    fn type_words_match_tokens_in_a_row() {
        let r = rule(&["calibration", "cal", "work_order", "故障", "Störung"]);
        for yes in [
            "calibration",
            "CALIBRATION",
            "ar.calibration",
            "CAL",
            "CAL01",
            "cal-result",
            "CAL_DONE",
            "mes.work_order.created",
            "WorkOrder",
            "plant/line3/cnc7/calibration",
            "设备故障",
            "Störungsmeldung",
            "STÖRUNG",
        ] {
            assert!(r.matches(yes.as_bytes()), "{yes}");
        }
        for no in [
            "calibrated",
            "calendar",
            "<CalDAVAccountRefreshQueueableOperation: 0x7fa11f9f2290",
            "calResult",
            "work",
            "order_work",
            "recalibration_due",
            "",
            "telemetry",
        ] {
            assert!(!r.matches(no.as_bytes()), "{no}");
        }
        assert!(!r.matches("calibration ".repeat(40).as_bytes()));
    }

    #[test]
    fn exceptions_and_compound_suffixes() {
        let r = rule(&[
            "sensor",
            "telemetry",
            "*temperatur",
            "lỗi",
            "!cal",
            "!calibration",
            "!gỡ lỗi",
        ]);
        for yes in [
            "sensor",
            "sensor.reading",
            "Hydraulik.Oeltemperatur",
            "Kühlmitteltemperatur",
            "LỖI",
            "Lỗi",
        ] {
            assert!(r.matches(yes.as_bytes()), "{yes}");
        }
        for no in [
            "sensor.cal",
            "sensor_calibration",
            "SENSOR-CAL",
            "temperatur",
            "GỠ LỖI",
            "Gỡ lỗi",
            "telemetry calibration",
        ] {
            assert!(!r.matches(no.as_bytes()), "{no}");
        }
        // An exception of one to three letters is an abbreviation too.
        assert!(r.matches(b"sensor.calendar"));
    }
}
