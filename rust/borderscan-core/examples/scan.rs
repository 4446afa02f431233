//! Scan files with the engine alone (no Python), for profiling:
//! `cargo run --release --example scan -- FILE... [--threads N]`.
//! Prints findings, records, bytes and seconds. With `--json`, also
//! summarises and writes the findings as JSON Lines to nowhere, as the CLI
//! does, to profile the whole path.

use std::time::Instant;

use borderscan_core::engine::scan_stream;
use borderscan_core::summary::{Summary, write_json_rows};
use borderscan_core::{Detectors, Input, ScanOptions};

fn main() {
    let mut opts = ScanOptions::default();
    let mut inputs = Vec::new();
    let mut json = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--json" {
            json = true;
        } else if a == "--threads" {
            opts.threads = args
                .next()
                .and_then(|n| n.parse().ok())
                .expect("--threads N");
        } else {
            inputs.push(Input::Path(a.into()));
        }
    }
    let det = Detectors::builtin().expect("built-in rules");
    let start = Instant::now();
    let mut rows = 0usize;
    let mut summary = Summary::default();
    let mut sink = std::io::sink();
    let mut first = true;
    let (_, acc) = scan_stream(&inputs, &det, &opts, |b| {
        rows += b.num_rows();
        if json {
            summary.add(&b);
            write_json_rows(&b, &mut sink, b"\n", b"", &mut first).expect("to nowhere");
        }
        Ok(())
    })
    .expect("scan");
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{rows} findings, {} records, {} bytes, {secs:.3} s, {:.1} MB/s",
        acc.records,
        acc.bytes,
        acc.bytes as f64 / secs / 1e6
    );
}
