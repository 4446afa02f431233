//! The whole engine on one in-memory input.

use std::sync::Arc;

use super::builtin;
use crate::config::ScanConfig;
use crate::engine::{Input, ScanOptions, scan};
use crate::formats::Format;
use crate::input::Compression;

/// A whole scan of one in-memory input: every byte and line accounted for,
/// findings inside the input, and the same result scanned twice.
pub fn engine(data: &[u8]) {
    let Some((&ctl, body)) = data.split_first() else {
        return;
    };
    const NAMES: &[&str] = &[
        "in.log",
        "in.jsonl",
        "in.csv",
        "in.logfmt",
        "in.syslog",
        "in.tsv",
    ];
    let name = NAMES[usize::from(ctl) % NAMES.len()];
    let opts = ScanOptions::from(ScanConfig {
        threads: 1,
        max_line: if ctl & 0x80 != 0 { 16 } else { 4096 },
        input_format: if ctl & 0x40 != 0 {
            Some(Format::Text)
        } else {
            None
        },
        ..Default::default()
    });
    let input = [Input::Bytes {
        name: name.into(),
        data: Arc::from(body),
    }];
    let out = scan(&input, builtin(), &opts).expect("an in-memory scan runs");
    let a = &out.accounting;
    assert!(a.imbalances().is_empty(), "{:?}", a.imbalances());
    assert_eq!(a.files, 1);
    let f = &a.per_file[0];
    assert_eq!(f.bytes, body.len() as u64);
    let plain = Compression::sniff(body) == Compression::None;
    // A corrupt compressed stream is a reported failure; plain bytes never
    // fail.
    if plain {
        assert_eq!(f.failed_files, 0, "{:?}", f.error);
    }
    // A UTF-16/32 file is decoded: its lines and offsets are the decoded
    // text's, not the stored bytes'.
    if plain && f.binary_skipped == 0 && f.encoding.is_none() {
        assert_eq!(f.decompressed_bytes, body.len() as u64);
        let lines = body.split(|&b| b == b'\n').count() as u64
            - u64::from(body.is_empty() || body.ends_with(b"\n"));
        assert_eq!(f.lines, lines, "line count");
        assert_eq!(f.bytes_read, body.len() as u64);
    }
    let findings = out.findings();
    for x in &findings {
        assert!(
            x.line >= 1 && x.line <= f.lines,
            "finding on line {}",
            x.line
        );
        assert!(x.byte_offset <= f.decompressed_bytes);
    }
    let again = scan(&input, builtin(), &opts).expect("an in-memory scan runs");
    assert_eq!(again.findings(), findings, "scan is not deterministic");
    assert_eq!(&again.accounting, a);
}
