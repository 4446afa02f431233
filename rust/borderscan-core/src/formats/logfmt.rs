//! logfmt: `key=value` pairs, as Go and Heroku loggers write them.

use super::{ParseError, RecordBuf, unquote};

/// `key=value key2="quoted value" flag` as used by Go and Heroku loggers.
/// Bare words are kept as free text (a run of them as one field) so nothing
/// of the line is lost.
pub fn parse_logfmt(line: &[u8], rec: &mut RecordBuf) -> Result<(), ParseError> {
    let mut i = 0;
    let n = line.len();
    let mut val = Vec::new();
    let mut pairs = 0;
    while i < n {
        while i < n && line[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= n {
            break;
        }
        let ks = i;
        while i < n && !line[i].is_ascii_whitespace() && line[i] != b'=' {
            i += 1;
        }
        let key = &line[ks..i];
        if i < n && line[i] == b'=' && padding_end(line, ks, i).is_none() {
            i += 1;
            val.clear();
            let from = (i + usize::from(line.get(i) == Some(&b'"'))) as u32;
            if i < n && line[i] == b'"' {
                i += 1;
                let closed = unquote(line, &mut i, &mut val);
                if !closed {
                    return Err(ParseError::new(
                        "unterminated_quote",
                        "a quoted logfmt value is not closed",
                    ));
                }
            } else {
                let vs = i;
                while i < n && !line[i].is_ascii_whitespace() {
                    i += 1;
                }
                val.extend_from_slice(&line[vs..i]);
            }
            if key.is_empty() {
                return Err(ParseError::new("invalid_logfmt", "a value without a key"));
            }
            rec.push_at(key, &val, false, from);
            pairs += 1;
        } else {
            // A run of bare words is one piece of free text (`optimizer: new
            // process parameters gain=0.8`): phrases and pairs written in it
            // stay whole for the detectors.
            let mut end = padding_end(line, ks, i).unwrap_or(i);
            loop {
                let mut j = end;
                while j < n && line[j].is_ascii_whitespace() {
                    j += 1;
                }
                let ws = j;
                while j < n && !line[j].is_ascii_whitespace() && line[j] != b'=' {
                    j += 1;
                }
                if j < n && line[j] == b'=' {
                    match padding_end(line, ws, j) {
                        Some(e) => j = e,
                        None => break,
                    }
                }
                if j == ws {
                    break;
                }
                end = j;
            }
            i = end;
            rec.push_at(b"", &line[ks..end], true, ks as u32);
        }
    }
    if pairs == 0 {
        return Err(ParseError::new("invalid_logfmt", "no key=value pair"));
    }
    Ok(())
}

/// A word `line[ks..eq]` followed by `=` or `==` and then white space or
/// the end is base64 with its padding (`Basic c3ZjOnMzY3IzdCE=`, a key
/// or a digest in free text), not a `key=` pair: letters, digits, `+` and
/// `/`, a length (padding included) that is a multiple of four, and long
/// enough that no logfmt key is (`err=` with an empty value stays a pair).
/// Returns the end of the word.
fn padding_end(line: &[u8], ks: usize, eq: usize) -> Option<usize> {
    let body = &line[ks..eq];
    if body.len() < 8
        || !body
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/'))
    {
        return None;
    }
    let mut e = eq;
    while e < line.len() && line[e] == b'=' && e - eq < 2 {
        e += 1;
    }
    if line.get(e).is_some_and(|b| !b.is_ascii_whitespace()) {
        return None;
    }
    let pad = e - eq;
    let long_enough = pad == 2 || body.len() >= 15;
    ((body.len() + pad).is_multiple_of(4) && long_enough).then_some(e)
}
