//! Replays the fuzz corpora and crashers (`fuzz/corpus/<target>/`,
//! `fuzz/regressions/<target>/`) through the same harness functions the
//! cargo-fuzz targets call, so the invariants they found hold stay checked
//! in every `cargo test` (fuzzing itself runs outside CI; see fuzz/README.md).

use std::path::{Path, PathBuf};

use borderscan_core::fuzzing::TARGETS;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = rd
        .map(|e| e.expect("readable directory").path())
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    out
}

/// Runs every file of `fuzz/<kind>/<target>/` through its harness and
/// fails with the list of files that fail (each with the harness's message).
fn replay(kind: &str) -> usize {
    let mut n = 0;
    let mut failures = Vec::new();
    for (name, harness) in TARGETS {
        for path in files(&fuzz_dir().join(kind).join(name)) {
            let data = std::fs::read(&path).expect("readable corpus file");
            if let Err(e) = std::panic::catch_unwind(|| harness(&data)) {
                let why = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                failures.push(format!("{name}: {}: {why}", path.display()));
            }
            n += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    n
}

#[test]
fn corpus_replays_clean() {
    // Every target must have a corpus: an empty or misnamed directory would
    // make this test pass vacuously.
    for (name, _) in TARGETS {
        let dir = fuzz_dir().join("corpus").join(name);
        assert!(
            !files(&dir).is_empty(),
            "no corpus for {name} in {}",
            dir.display()
        );
    }
    assert!(replay("corpus") > 0);
}

#[test]
fn regressions_replay_clean() {
    replay("regressions");
}

#[test]
fn every_target_has_a_fuzz_target_file() {
    for (name, _) in TARGETS {
        let f = fuzz_dir().join("fuzz_targets").join(format!("{name}.rs"));
        assert!(f.is_file(), "{} is missing", f.display());
    }
}
