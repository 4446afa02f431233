//! Masking of evidence. Every value that leaves the engine goes through here
//! unless the caller asked for raw values (`--show-values`).

use crate::rules::MaskStyle;

/// Evidence longer than this is cut (with an ellipsis) even when shown raw:
/// a private-key block or a 1 MB line is not useful in a table.
pub const MAX_EVIDENCE: usize = 120;

pub fn mask(style: MaskStyle, value: &[u8]) -> String {
    let text = crate::lossy(value);
    match style {
        MaskStyle::None => shorten(&text),
        MaskStyle::Full => star_after(&text, 1, 0),
        MaskStyle::Email => mask_email(&text).unwrap_or_else(|| mask_edges(&text)),
        MaskStyle::Edges => mask_edges(&text),
    }
}

/// Whether a value is what masking left of one: an e-mail mask
/// (`j***@e***.com`), or stars for at least half of it (`3****`, `4*`), or
/// a run of three stars making up a third of it (`AKIA************ABCD`,
/// `eyJh********[120]xY9z`). A field holding it holds no data any more:
/// key rules do not fire on it, so that a scan of a `redact` copy (or of a
/// log that masked its own passwords) does not report what was taken out.
/// Stars added to a real value do not hide it (`Hunter2***` is reported):
/// the stars must outweigh what is left.
pub(crate) fn looks_masked(v: &[u8]) -> bool {
    // Asked each time a key rule fires: most values have no star at all.
    if memchr::memchr(b'*', v).is_none() {
        return false;
    }
    let stars = v.iter().filter(|&&b| b == b'*').count();
    stars * 2 >= v.len()
        || (stars * 3 >= v.len() && memchr::memmem::find(v, b"***").is_some())
        || email_mask(v)
}

/// `X***@Y***.tld`, as [`mask_email`] writes it.
fn email_mask(v: &[u8]) -> bool {
    let Some(at) = memchr::memchr(b'@', v) else {
        return false;
    };
    let (local, domain) = (&v[..at], &v[at + 1..]);
    let starred = |part: &[u8]| part.len() <= 7 && part.ends_with(b"***");
    match memchr::memrchr(b'.', domain) {
        Some(dot) => {
            starred(local) && starred(&domain[..dot]) && !domain[dot + 1..].contains(&b'*')
        }
        None => false,
    }
}

/// The category of a `redact` pseudonym (`personal_3fa9c0d2e1b4a5f6`:
/// the category, `_`, 16 lowercase hex digits), if `v` has that shape.
pub(crate) fn pseudonym_category(v: &[u8]) -> Option<&[u8]> {
    let (head, tail) = v.split_at(v.len().checked_sub(17)?);
    let hex = |b: &u8| b.is_ascii_digit() || (b'a'..=b'f').contains(b);
    (!head.is_empty() && tail[0] == b'_' && tail[1..].iter().all(hex)).then_some(head)
}

/// The value as found, only shortened; for `--show-values`.
pub fn raw(value: &[u8]) -> String {
    shorten(&crate::lossy(value))
}

fn shorten(s: &str) -> String {
    if s.len() <= MAX_EVIDENCE {
        return s.to_string();
    }
    let mut end = MAX_EVIDENCE;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// Keep a few characters at each end, scaled to the length so short values
/// reveal almost nothing: `AKIA************ABCD`, `11**************2X`.
fn mask_edges(s: &str) -> String {
    let keep = match s.chars().count() {
        0..=9 => return star_after(s, 1, 0),
        10..=19 => 2,
        _ => 4,
    };
    star_after(s, keep, keep)
}

/// Keep `head` characters at the front and `tail` at the end, star the rest.
fn star_after(s: &str, head: usize, tail: usize) -> String {
    let n = s.chars().count();
    if n <= head + tail {
        return "*".repeat(n);
    }
    // Byte positions of the kept prefix's end and the kept suffix's start.
    let head_end = s.char_indices().nth(head).map_or(s.len(), |(i, _)| i);
    let tail_start = s.char_indices().nth(n - tail).map_or(s.len(), |(i, _)| i);
    // Cap the stars so a 4 KB key block does not fill a terminal; the count
    // of hidden characters is not itself sensitive.
    let hidden = n - head - tail;
    let mut out = String::with_capacity(head_end + (s.len() - tail_start) + hidden.min(24) + 8);
    out.push_str(&s[..head_end]);
    if hidden > 24 {
        out.push_str("********");
        out.push_str(&format!("[{hidden}]"));
    } else {
        out.extend(std::iter::repeat_n('*', hidden));
    }
    out.push_str(&s[tail_start..]);
    out
}

/// `j***@e***.com`: first letter of the local part and of the domain, the
/// public suffix kept so a reader can tell `.de` from `.cn`.
fn mask_email(s: &str) -> Option<String> {
    let (local, domain) = s.rsplit_once('@')?;
    let (name, tld) = domain.rsplit_once('.')?;
    let first = |x: &str| x.chars().next().map(String::from).unwrap_or_default();
    Some(format!("{}***@{}***.{}", first(local), first(name), tld))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_and_pseudonyms_are_recognised() {
        for m in ["j***@e***.com", "3****", "4*", "*", "AKIA************ABCD"] {
            assert!(looks_masked(m.as_bytes()), "{m}");
        }
        assert!(looks_masked(
            mask(MaskStyle::Email, b"li.wei@example.technology").as_bytes()
        ));
        let long = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvcC03In0.c2lnbmF0dXJlLXZhbHVlLWhlcmU";
        assert!(looks_masked(
            mask(MaskStyle::Edges, long.as_bytes()).as_bytes()
        ));
        // Stars written beside a real value do not hide it.
        for v in [
            "38.87",
            "a*b",
            "warning",
            "",
            "2*3*4*5*6*7",
            "Hunter2***",
            "pw***secret-key",
        ] {
            assert!(!looks_masked(v.as_bytes()), "{v}");
        }
        assert_eq!(
            pseudonym_category(b"personal_3fa9c0d2e1b4a5f6"),
            Some(&b"personal"[..])
        );
        for v in [
            "_3fa9c0d2e1b4a5f6",
            "personal_3fa9c0d2e1b4a5fX",
            "x_3FA9C0D2E1B4A5F6",
            "short",
        ] {
            assert_eq!(pseudonym_category(v.as_bytes()), None, "{v}");
        }
    }

    #[test]
    fn styles() {
        assert_eq!(
            mask(MaskStyle::Email, b"john.doe@example.com"),
            "j***@e***.com"
        );
        assert_eq!(
            mask(MaskStyle::Edges, b"AKIAIOSFODNN7EXAMPLE"),
            "AKIA************MPLE"
        );
        assert_eq!(
            mask(MaskStyle::Edges, b"11010519491231002X"),
            "11**************2X"
        );
        assert_eq!(mask(MaskStyle::Edges, b"12345"), "1****");
        assert_eq!(mask(MaskStyle::Full, b"Li Wei"), "L*****");
        let long = vec![b'a'; 500];
        let m = mask(MaskStyle::Edges, &long);
        assert_eq!(m, "aaaa********[492]aaaa");
    }

    #[test]
    fn masked_never_contains_raw() {
        for v in [
            "john.doe@example.com",
            "+8613800138000",
            "DE89370400440532013000",
            "ab",
        ] {
            for style in [MaskStyle::Email, MaskStyle::Edges, MaskStyle::Full] {
                let m = mask(style, v.as_bytes());
                assert!(!m.contains(v), "{style:?} {v} -> {m}");
            }
        }
    }
}
