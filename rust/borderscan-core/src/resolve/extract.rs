//! The first step of resolving a destination: finding it. A record's raw
//! destination and origin come from the fields the detectors' per-path
//! cache tagged (`--dest-fields`, `--origin-fields`) or, failing that, from
//! a URL in its free text.

use regex::bytes::Regex;

use crate::detect::{ROLE_DEST, ROLE_ORIGIN};
use crate::formats::RecordBuf;

/// Extracts the raw destination and origin of a record from its fields
/// (tagged by the detectors' per-path cache) or, failing that, from a URL in
/// its free text.
pub(crate) struct Extractor {
    url: Regex,
}

impl Extractor {
    pub(crate) fn new() -> Self {
        Extractor {
            url: Regex::new(r#"(?-u)\b(?:https?|s3|gs|ftp|sftp|mqtts?|wss?)://[^\s"'<>\]\[]+"#)
                .expect("valid"),
        }
    }

    /// Fill `dest` and `origin` (cleared first); returns which were found.
    pub(crate) fn extract(
        &self,
        rec: &RecordBuf,
        roles: &[u8],
        dest: &mut String,
        origin: &mut String,
    ) -> (bool, bool) {
        dest.clear();
        origin.clear();
        let (mut has_dest, mut has_origin) = (false, false);
        for (f, &role) in rec.fields.iter().zip(roles) {
            if role == 0 {
                continue;
            }
            let v = rec.value(f).trim_ascii();
            if v.is_empty() {
                continue;
            }
            if !has_dest && role & ROLE_DEST != 0 {
                dest.push_str(&String::from_utf8_lossy(v));
                has_dest = true;
            }
            if !has_origin && role & ROLE_ORIGIN != 0 {
                origin.push_str(&String::from_utf8_lossy(v));
                has_origin = true;
            }
        }
        if !has_dest {
            // Free text: the first URL it mentions is where it talks about
            // sending data; better a raw hint than nothing for the resolver.
            if let Some(m) = rec
                .fields
                .iter()
                .filter(|f| f.text)
                .find_map(|f| self.url.find(rec.value(f)))
            {
                dest.push_str(&String::from_utf8_lossy(m.as_bytes()));
                has_dest = true;
            }
        }
        (has_dest, has_origin)
    }
}
