//! Scan files with the engine alone (no Python), for profiling:
//! `cargo run --release --example scan -- FILE... [--threads N]`.
//! Prints findings, records, bytes and seconds. With `--json`, also
//! summarises and writes the findings as JSON Lines to nowhere, as the CLI
//! does, to profile the whole path; with `--counted` too, counts findings on
//! the workers as the CLI's writers do (`scan_stream_counted`). With
//! `--summary`, only counts them, as `--format table` does. With `--keep`,
//! keeps every batch in memory, as `borderscan.scan()` does, and reports
//! their size.

use std::time::Instant;

// As in the Python extension: glibc's per-thread arenas give memory back
// and fault it in again, batch after batch (4.5x the page faults with two
// workers); mimalloc keeps it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use borderscan_core::Selection;
use borderscan_core::summary::{Rendered, Summary, Want};
use borderscan_core::{
    Detectors, Input, ScanOptions, scan_stream_counted, scan_stream_mapped, shift_lines,
};

fn main() {
    let mut opts = ScanOptions::default();
    let mut inputs = Vec::new();
    let mut json = false;
    let mut keep = false;
    let mut counted = false;
    let mut summary_only = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--json" {
            json = true;
        } else if a == "--keep" {
            keep = true;
        } else if a == "--counted" {
            counted = true;
        } else if a == "--summary" {
            summary_only = true;
        } else if a == "--threads" {
            opts.config.threads = args
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
    // As the CLI does: workers count and render, the sink writes in order.
    // With --keep, as `borderscan.scan()` does: workers count, the sink
    // keeps every batch.
    enum Out {
        Json(Rendered),
        Keep(arrow_array::RecordBatch, Summary),
        Rows(usize),
    }
    let map = |b: arrow_array::RecordBatch| {
        if keep {
            let mut s = Summary::default();
            s.add(&b);
            Out::Keep(b, s)
        } else if json {
            Out::Json(Rendered::of(b, Want::Json(b"\n", b""), Selection::All))
        } else {
            Out::Rows(b.num_rows())
        }
    };
    let mut kept = Vec::new();
    let (want, selection) = if summary_only {
        (Want::Summary, None)
    } else {
        (Want::Json(b"\n", b""), Some(Selection::All))
    };
    let count = |b, s| Out::Json(Rendered::counted(b, s, want));
    let sink = |r, base| {
        match r {
            Out::Json(r) => {
                rows += r.rows;
                summary.merge(r.summary);
                if let Some(j) = r.json {
                    j.write(&mut sink, base, &mut first).expect("to nowhere");
                }
            }
            Out::Keep(b, s) => {
                rows += b.num_rows();
                summary.merge(s);
                kept.push(shift_lines(b, base));
            }
            Out::Rows(n) => rows += n,
        }
        Ok(())
    };
    let (_, acc) = if counted || summary_only {
        scan_stream_counted(&inputs, &det, &opts, selection, &count, sink)
    } else {
        scan_stream_mapped(&inputs, &det, &opts, &map, sink)
    }
    .expect("scan");
    let secs = start.elapsed().as_secs_f64();
    if keep {
        let bytes: usize = kept.iter().map(|b| b.get_array_memory_size()).sum();
        println!(
            "{} batches kept, {:.1} MB of arrays",
            kept.len(),
            bytes as f64 / 1e6
        );
        if std::env::var_os("SCAN_COLUMNS").is_some()
            && let Some(b) = kept.get(kept.len() / 2)
        {
            for (f, c) in b.schema().fields().iter().zip(b.columns()) {
                println!("  {}: {} bytes", f.name(), c.get_array_memory_size());
            }
        }
    }
    println!(
        "{rows} findings, {} records, {} bytes, {secs:.3} s, {:.1} MB/s",
        acc.records,
        acc.bytes,
        acc.bytes as f64 / secs / 1e6
    );
    if json || summary_only {
        let cats = summary.categories();
        println!(
            "summary: {} findings in {} categories, {} profile rows",
            cats.iter().map(|c| c.hits).sum::<u64>(),
            cats.len(),
            summary.profile().len()
        );
    }
}
