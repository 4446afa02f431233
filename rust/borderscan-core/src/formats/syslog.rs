//! Syslog: RFC 5424 and RFC 3164, told apart per line by their header.
//! Field names come from the protocol's grammar, not from the data.

use super::{ParseError, RecordBuf, unquote};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SyslogKind {
    Rfc5424,
    Rfc3164,
}

pub(super) fn syslog_kind(line: &[u8]) -> Option<SyslogKind> {
    let rest = line.strip_prefix(b"<")?;
    let close = rest.iter().position(|&b| b == b'>')?;
    if close == 0 || close > 3 || !rest[..close].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let after = &rest[close + 1..];
    if after.len() > 2 && after[0].is_ascii_digit() && after[1] == b' ' {
        Some(SyslogKind::Rfc5424)
    } else {
        Some(SyslogKind::Rfc3164)
    }
}

/// RFC 5424 severity names, indexed by `PRI % 8`.
const SEVERITIES: [&[u8]; 8] = [
    b"emerg", b"alert", b"crit", b"err", b"warning", b"notice", b"info", b"debug",
];

pub(super) fn parse_syslog(line: &[u8], rec: &mut RecordBuf) -> Result<(), ParseError> {
    rec.structured_keys = true;
    // The severity the PRI carries, as a field of its own: the rule pack
    // decides what a severity means (`diagnostic.log_level_field`).
    if syslog_kind(line).is_some() {
        let close = memchr::memchr(b'>', line).expect("checked by syslog_kind");
        let pri = line[1..close]
            .iter()
            .fold(0usize, |n, d| n * 10 + usize::from(d - b'0'));
        rec.push(b"severity", SEVERITIES[pri % 8], false);
    }
    match syslog_kind(line) {
        Some(SyslogKind::Rfc5424) => parse_5424(line, rec),
        Some(SyslogKind::Rfc3164) => parse_3164(line, rec),
        None => Err(ParseError::new("invalid_syslog", "no <PRI> header")),
    }
}

fn next_token<'a>(s: &mut &'a [u8]) -> Option<&'a [u8]> {
    let t = *s;
    if t.is_empty() {
        return None;
    }
    let end = memchr::memchr(b' ', t).unwrap_or(t.len());
    *s = if end < t.len() { &t[end + 1..] } else { &[] };
    Some(&t[..end])
}

/// `<PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD-ID k="v" ...] MSG`
fn parse_5424(line: &[u8], rec: &mut RecordBuf) -> Result<(), ParseError> {
    let close = memchr::memchr(b'>', line).expect("checked by syslog_kind");
    let mut rest = &line[close + 1..];
    let bad =
        |what: &str| ParseError::new("invalid_syslog", format!("RFC 5424 header: missing {what}"));
    let _version = next_token(&mut rest).ok_or_else(|| bad("version"))?;
    let _ts = next_token(&mut rest).ok_or_else(|| bad("timestamp"))?;
    let names: [&[u8]; 4] = [b"hostname", b"app_name", b"procid", b"msgid"];
    for name in names {
        let v = next_token(&mut rest)
            .ok_or_else(|| bad(std::str::from_utf8(name).unwrap_or("field")))?;
        if v != b"-" {
            rec.push(name, v, false);
        }
    }
    // Structured data: "-" or one or more [id param="value" ...] elements.
    let mut sd_ids: Vec<(Vec<u8>, u32)> = Vec::new();
    if rest.first() == Some(&b'-') {
        rest = rest.get(2..).unwrap_or(&[]);
    } else {
        while rest.first() == Some(&b'[') {
            let mut i = 1;
            let ids = i;
            while i < rest.len() && rest[i] != b' ' && rest[i] != b']' {
                i += 1;
            }
            let sd_id = rest[ids..i].to_vec();
            let mut path = Vec::new();
            let mut val = Vec::new();
            loop {
                while i < rest.len() && rest[i] == b' ' {
                    i += 1;
                }
                if i >= rest.len() {
                    return Err(ParseError::new(
                        "invalid_syslog",
                        "structured data element is not closed",
                    ));
                }
                if rest[i] == b']' {
                    i += 1;
                    break;
                }
                let ns = i;
                while i < rest.len() && rest[i] != b'=' && rest[i] != b']' {
                    i += 1;
                }
                let pname = &rest[ns..i];
                if i + 1 >= rest.len() || rest[i] != b'=' || rest[i + 1] != b'"' {
                    return Err(ParseError::new(
                        "invalid_syslog",
                        "structured data parameter without a quoted value",
                    ));
                }
                i += 2;
                let from = (line.len() - rest.len() + i) as u32;
                val.clear();
                let closed = unquote(rest, &mut i, &mut val);
                if !closed {
                    return Err(ParseError::new(
                        "unterminated_quote",
                        "structured data value is not closed",
                    ));
                }
                path.clear();
                path.extend_from_slice(&sd_id);
                path.push(b'.');
                path.extend_from_slice(pname);
                rec.push_at(&path, &val, false, from);
            }
            sd_ids.push((sd_id, (line.len() - rest.len() + ids) as u32));
            rest = &rest[i..];
        }
        if rest.first() == Some(&b' ') {
            rest = &rest[1..];
        }
    }
    // A UTF-8 BOM may start the message (RFC 5424 §6.4).
    let msg = rest.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(rest);
    if !msg.is_empty() {
        rec.push_at(b"msg", msg, true, (line.len() - msg.len()) as u32);
    }
    // Each SD-ID names what its element holds (`calib@32473`): a field for
    // record-type rules, which value rules skip (a name from the protocol's
    // grammar, like the element's keys).
    for (id, at) in &sd_ids {
        rec.push_derived(b"sd_id", id, *at);
    }
    Ok(())
}

/// `<PRI>Mmm dd hh:mm:ss HOST TAG[PID]: MSG` (BSD syslog).
fn parse_3164(line: &[u8], rec: &mut RecordBuf) -> Result<(), ParseError> {
    let close = memchr::memchr(b'>', line).expect("checked by syslog_kind");
    let rest = &line[close + 1..];
    // Timestamp is 15 bytes ("Nov  2 10:11:12"); without it the whole rest
    // is the message, as RFC 3164 §4.3.3 allows.
    let has_ts = rest.len() > 16
        && rest[3] == b' '
        && rest[..3].iter().all(u8::is_ascii_alphabetic)
        && rest[9] == b':'
        && rest[15] == b' ';
    if !has_ts {
        rec.push_at(b"msg", rest, true, (line.len() - rest.len()) as u32);
        return Ok(());
    }
    let mut rest = &rest[16..];
    if let Some(host) = next_token(&mut rest) {
        rec.push(b"hostname", host, false);
    }
    // TAG: up to ':' or '[' within the first 48 bytes.
    let tag_end = rest
        .iter()
        .take(48)
        .position(|&b| b == b':' || b == b'[' || b == b' ');
    if let Some(te) = tag_end
        && te > 0
        && matches!(rest[te], b':' | b'[')
    {
        rec.push(b"app_name", &rest[..te], false);
        let mut j = te;
        if rest[j] == b'['
            && let Some(k) = memchr::memchr(b']', &rest[j..])
        {
            rec.push(b"procid", &rest[j + 1..j + k], false);
            j += k + 1;
        }
        if rest.get(j) == Some(&b':') {
            j += 1;
        }
        rest = rest[j..].trim_ascii_start();
    }
    if !rest.is_empty() {
        rec.push_at(b"msg", rest, true, (line.len() - rest.len()) as u32);
    }
    Ok(())
}
