//! logfmt: `key=value` pairs, as Go and Heroku loggers write them.

use super::{ParseError, RecordBuf, unquote};

/// `key=value key2="quoted value" flag` as used by Go and Heroku loggers.
/// A bare word is kept as free text so nothing of the line is lost.
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
        if i < n && line[i] == b'=' {
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
            rec.push(b"", key, true);
        }
    }
    if pairs == 0 {
        return Err(ParseError::new("invalid_logfmt", "no key=value pair"));
    }
    Ok(())
}
