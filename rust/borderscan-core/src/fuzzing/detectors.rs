//! Detection: hits point at real fields, masked evidence never shows the
//! value; validators and mask styles on any bytes.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::builtin;
use crate::config::{DEFAULT_DEST_FIELDS, DEFAULT_ORIGIN_FIELDS};
use crate::detect::{Hit, Scratch};
use crate::formats::{self, Format, Header, RecordBuf};
use crate::mask;
use crate::rules::{MaskStyle, RuleKind};
use crate::validate;

// ---------------------------------------------------------------- detectors

/// The first byte picks how the rest becomes a record (a format, or one
/// text field). Hits point at real fields and spans, and evidence of a
/// value or key rule that masks never shows the raw value.
pub fn detectors(data: &[u8]) {
    let Some((&ctl, line)) = data.split_first() else {
        return;
    };
    let det = builtin();
    let format = [
        Format::Text,
        Format::Jsonl,
        Format::Logfmt,
        Format::Csv,
        Format::Syslog,
    ][usize::from(ctl) % 5];
    let mut rec = RecordBuf::default();
    if formats::parse(format, line, &Header::default(), &mut rec).is_err() {
        rec.set_text(line);
    }
    let dest: Vec<String> = DEFAULT_DEST_FIELDS.iter().map(|s| s.to_string()).collect();
    let origin: Vec<String> = DEFAULT_ORIGIN_FIELDS
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut scratch = Scratch::with_roles(&dest, &origin);
    let mut hits: Vec<Hit> = Vec::new();
    det.scan(&rec, &mut scratch, false, &mut hits);
    assert_eq!(scratch.roles().len(), rec.fields.len());
    let mut seen = std::collections::HashSet::new();
    for h in &hits {
        assert!((h.rule as usize) < det.rules.len());
        let f = &rec.fields[h.field as usize];
        // A value found in a field name (a key that is an e-mail address)
        // indexes the field's path.
        let value = if h.in_key { rec.path(f) } else { rec.value(f) };
        assert!(
            h.start <= h.end && h.end as usize <= value.len(),
            "hit span"
        );
        let raw = &value[h.start as usize..h.end as usize];
        let rule = det.rule(h.rule);
        if matches!(rule.kind, RuleKind::Value | RuleKind::Key)
            && rule.mask != MaskStyle::None
            && !raw.is_empty()
        {
            let shown = mask::raw(raw);
            assert_ne!(h.evidence, shown, "rule {} shows the raw value", rule.id);
            if raw.len() >= 8 {
                assert!(!h.evidence.contains(&shown), "rule {} leaks", rule.id);
            }
        }
        // Each rule fires once per distinct value in a record.
        if rule.kind == RuleKind::Value {
            assert!(
                seen.insert((h.rule, h.in_key, raw.to_vec())),
                "duplicate hit"
            );
        }
    }
    // Scratch is reused across records: a second scan gives the same hits.
    let mut again = Vec::new();
    det.scan(&rec, &mut scratch, false, &mut again);
    assert_eq!(hits, again, "scan is not repeatable with reused scratch");
}

// ---------------------------------------------------------------- validators

/// Every validator on arbitrary bytes: no panic, and what the simple ones
/// accept has the shape they promise.
pub fn validators(data: &[u8]) {
    for &name in validate::NAMES {
        let v = validate::by_name(name).expect("every listed name exists");
        let ok = v(data);
        assert_eq!(ok, v(data));
        if !ok {
            continue;
        }
        let text = std::str::from_utf8(data).ok();
        match name {
            "ipv4" => assert!(text.and_then(|t| t.parse::<Ipv4Addr>().ok()).is_some()),
            "ipv6" => assert!(text.and_then(|t| t.parse::<Ipv6Addr>().ok()).is_some()),
            "luhn" | "imei" => {
                let digits = data.iter().filter(|b| b.is_ascii_digit()).count();
                assert!((13..=19).contains(&digits), "{name} with {digits} digits");
            }
            "email" => assert!(data.contains(&b'@')),
            "jwt" => assert_eq!(data.iter().filter(|&&b| b == b'.').count(), 2),
            _ => {}
        }
    }
}

// ---------------------------------------------------------------- masking

/// Masking never reveals a value of two or more characters (nor an eight+
/// byte one inside longer evidence) and stays short however long the value.
pub fn mask_styles(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let n = text.chars().count();
    for style in [MaskStyle::Full, MaskStyle::Edges, MaskStyle::Email] {
        let m = mask::mask(style, data);
        // A value that already holds `*` can equal its own mask (`0****x`
        // keeps `0` and `x`, and stars what are stars): nothing is revealed.
        if n >= 2 && !text.contains('*') {
            assert!(!m.contains(&*text), "{style:?} reveals {text:?} as {m:?}");
        }
        // Kept ends, eight stars and a count (or up to 24 stars), or the
        // email form (first characters and the public suffix).
        if style != MaskStyle::Email {
            assert!(m.chars().count() <= 8 + 24 + 2, "{style:?} too long: {m:?}");
        }
    }
    let none = mask::mask(MaskStyle::None, data);
    assert_eq!(none, mask::raw(data));
    if text.len() <= mask::MAX_EVIDENCE {
        assert_eq!(none, text);
    } else {
        let body = none
            .strip_suffix('…')
            .expect("a cut value ends in an ellipsis");
        assert!(text.starts_with(body) && body.len() <= mask::MAX_EVIDENCE);
    }
}
