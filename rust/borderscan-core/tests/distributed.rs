//! A scan spread over "machines" (`plan_remote`, `run_remote` in groups,
//! results merged through `Precomputed`) gives a local scan's findings,
//! accounting and records file, whatever the grouping and the order the
//! results come back in.

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, LazyLock};

use borderscan_core::{
    Detectors, Input, Precomputed, RemoteTask, ScanConfig, ScanOptions, ScanOutput, plan_remote,
    run_remote, scan,
};

static DET: LazyLock<Detectors> = LazyLock::new(|| Detectors::builtin().expect("builtin rules"));

fn corpus(d: &Path) {
    let mut big = Vec::new();
    for i in 0..4000 {
        if i % 7 == 0 {
            writeln!(
                big,
                r#"{{"site":"CN-SZ-02","operator":{{"email":"op{i}@example.cn"}},"upload":"https://oss-us-west-1.aliyuncs.com/b/{i}"}}"#
            )
            .unwrap();
        } else if i % 11 == 0 {
            big.extend_from_slice(b"not json at all, phone +49 30 1234567 sent to s3.eu-west-1\n");
        } else {
            writeln!(big, r#"{{"site":"DE-MUC-01","temp":{i},"state":"ok"}}"#).unwrap();
        }
    }
    std::fs::write(d.join("big.jsonl"), &big).unwrap();
    let mut csv = b"site,email,dest\n".to_vec();
    for i in 0..3000 {
        writeln!(
            csv,
            "CN-SZ-{i},u{i}@example.cn,https://x.s3.us-east-1.amazonaws.com/"
        )
        .unwrap();
    }
    std::fs::write(d.join("table.csv"), &csv).unwrap();
    // Compressed, and past a chunk (2 MiB decompressed): cut into chunks
    // when the worker has more than one thread.
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    for _ in 0..30 {
        e.write_all(&big).unwrap();
    }
    std::fs::write(d.join("z.jsonl.gz"), e.finish().unwrap()).unwrap();
    std::fs::write(
        d.join("small.log"),
        b"user=a@b.de dest=https://example.cn\n",
    )
    .unwrap();
}

fn opts(threads: usize, records: Option<&Path>) -> ScanOptions {
    ScanOptions::from(ScanConfig {
        threads,
        split_size: 4096,
        records: records.map(Path::to_path_buf),
        ..Default::default()
    })
}

fn distributed(
    inputs: &[Input],
    worker: &ScanOptions,
    client: &ScanOptions,
    groups: usize,
) -> ScanOutput {
    let tasks: Vec<RemoteTask> = plan_remote(inputs, client).unwrap();
    assert!(tasks.len() > 20, "{} tasks", tasks.len());
    let per = tasks.len().div_ceil(groups);
    let mut blobs: Vec<Vec<u8>> = tasks
        .chunks(per)
        .map(|g| run_remote(g, &DET, worker).unwrap())
        .collect();
    // Results arrive in any order.
    blobs.reverse();
    let p = Precomputed::decode(blobs.iter().map(|b| &b[..])).unwrap();
    let o = ScanOptions {
        precomputed: Some(Arc::new(p)),
        ..client.clone()
    };
    scan(inputs, &DET, &o).unwrap()
}

#[test]
fn distributed_scan_equals_local_scan() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("in");
    std::fs::create_dir(&d).unwrap();
    corpus(&d);
    let inputs = [
        Input::Path(d.clone()),
        Input::Path(dir.path().join("missing.log")),
    ];
    let local = scan(
        &inputs,
        &DET,
        &opts(0, Some(&dir.path().join("local.parquet"))),
    )
    .unwrap();
    assert!(local.accounting.files >= 5);
    for (worker_threads, groups) in [(1, 7), (2, 3), (3, 1)] {
        let rec = dir.path().join(format!("dist-{worker_threads}.parquet"));
        let dist = distributed(
            &inputs,
            &opts(worker_threads, Some(&rec)),
            &opts(2, Some(&rec)),
            groups,
        );
        assert_eq!(dist.findings(), local.findings());
        assert_eq!(
            serde_json::to_value(&dist.accounting).unwrap(),
            serde_json::to_value(&local.accounting).unwrap()
        );
        assert_eq!(
            std::fs::read(&rec).unwrap(),
            std::fs::read(dir.path().join("local.parquet")).unwrap()
        );
    }
}

#[test]
fn a_file_changed_since_planned_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let inputs = [Input::Path(dir.path().to_path_buf())];
    let o = opts(1, None);
    let tasks = plan_remote(&inputs, &o).unwrap();
    std::fs::write(
        dir.path().join("small.log"),
        b"changed, and longer than before\n",
    )
    .unwrap();
    let err = run_remote(&tasks, &DET, &o).unwrap_err().to_string();
    assert!(
        err.contains("small.log") && err.contains("not the file"),
        "{err}"
    );
    // Results for a file the client no longer sees as planned are refused too.
    let ok: Vec<RemoteTask> = tasks
        .into_iter()
        .filter(|t| t.path.ends_with("big.jsonl"))
        .collect();
    let blob = run_remote(&ok, &DET, &o).unwrap();
    std::fs::remove_file(dir.path().join("big.jsonl")).unwrap();
    let p = Precomputed::decode([&blob[..]]).unwrap();
    let o = ScanOptions {
        precomputed: Some(Arc::new(p)),
        ..o
    };
    let err = scan(&inputs, &DET, &o).err().unwrap().to_string();
    assert!(
        err.contains("big.jsonl") && err.contains("no longer"),
        "{err}"
    );
}

#[test]
fn incomplete_or_foreign_results_are_refused() {
    assert!(Precomputed::decode([&b"not results"[..]]).is_err());
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let inputs = [Input::Path(dir.path().to_path_buf())];
    let o = opts(1, None);
    let tasks = plan_remote(&inputs, &o).unwrap();
    let some: Vec<RemoteTask> = tasks.into_iter().filter(|t| t.part != 1).collect();
    let blob = run_remote(&some, &DET, &o).unwrap();
    // The same task twice.
    assert!(Precomputed::decode([&blob[..], &blob[..]]).is_err());
    let p = Precomputed::decode([&blob[..]]).unwrap();
    let o = ScanOptions {
        precomputed: Some(Arc::new(p)),
        ..o
    };
    let err = scan(&inputs, &DET, &o).err().unwrap().to_string();
    assert!(err.contains("no worker's results for task 1"), "{err}");
}

#[test]
fn baseline_matches_made_on_workers_reach_the_client() {
    use borderscan_core::config::BaselineSource;
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let inputs = [Input::Path(dir.path().to_path_buf())];
    let all = scan(&inputs, &DET, &opts(1, None)).unwrap().findings();
    // Some findings accepted, and an entry no finding matches.
    let mut fps: Vec<String> = all
        .iter()
        .step_by(5)
        .map(|f| f.fingerprint.clone())
        .collect();
    fps.push("0123456789abcdef".into());
    let prepared = || {
        let c = ScanConfig {
            threads: 1,
            split_size: 4096,
            baseline: Some(BaselineSource::Fingerprints(fps.clone())),
            ..Default::default()
        };
        c.prepare(&[dir.path().to_path_buf()]).unwrap().options
    };
    let local_opts = prepared();
    let local = scan(&inputs, &DET, &local_opts).unwrap();
    let client = prepared();
    let dist = distributed(&inputs, &prepared(), &client, 4);
    assert_eq!(dist.findings(), local.findings());
    assert!(local.findings().len() < all.len());
    let (lb, db) = (
        local_opts.residency.baseline.as_ref().unwrap(),
        client.residency.baseline.as_ref().unwrap(),
    );
    assert!(lb.matched() > 0);
    assert_eq!(db.matched(), lb.matched());
    assert_eq!(db.absent(), lb.absent());
    assert_eq!(lb.absent().len(), 1);
}
