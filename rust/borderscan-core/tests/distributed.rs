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
    // Results arrive in any order, while the client's scan runs.
    blobs.reverse();
    let p = Arc::new(Precomputed::expect(&tasks).unwrap());
    let o = ScanOptions {
        precomputed: Some(p.clone()),
        ..client.clone()
    };
    std::thread::scope(|s| {
        s.spawn(|| {
            for b in &blobs {
                std::thread::sleep(std::time::Duration::from_millis(20));
                p.add(b).unwrap();
            }
        });
        scan(inputs, &DET, &o).unwrap()
    })
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
    let p = Precomputed::expect(&ok).unwrap();
    p.add(&blob).unwrap();
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
fn foreign_results_are_refused_and_results_that_never_come_fail_the_scan() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let inputs = [Input::Path(dir.path().to_path_buf())];
    let o = opts(1, None);
    let tasks = plan_remote(&inputs, &o).unwrap();
    let p = Precomputed::expect(&tasks).unwrap();
    assert!(p.add(b"not results").is_err());
    let some: Vec<RemoteTask> = tasks.iter().filter(|t| t.part != 1).cloned().collect();
    let blob = run_remote(&some, &DET, &o).unwrap();
    p.add(&blob).unwrap();
    // The same task twice.
    let err = p.add(&blob).unwrap_err().to_string();
    assert!(err.contains("twice"), "{err}");
    // Results for tasks another plan made.
    let whole: Vec<RemoteTask> = tasks
        .iter()
        .filter(|t| t.parts == 1)
        .take(1)
        .cloned()
        .collect();
    assert!(
        Precomputed::expect(&some[..1]).is_err(),
        "a file's tasks all planned"
    );
    let other = Precomputed::expect(&whole).unwrap();
    let err = other.add(&blob).unwrap_err().to_string();
    assert!(err.contains("not planned"), "{err}");
    // Part 1 never comes: the scan waits for it until told it will not,
    // then fails as a whole with the reason.
    let p = Arc::new(p);
    let o = ScanOptions {
        precomputed: Some(p.clone()),
        ..o
    };
    let err = std::thread::scope(|s| {
        s.spawn(|| {
            std::thread::sleep(std::time::Duration::from_millis(300));
            p.fail("worker tcp://10.0.0.7:4000 lost".into());
        });
        scan(&inputs, &DET, &o).err().unwrap().to_string()
    });
    assert!(err.contains("worker tcp://10.0.0.7:4000 lost"), "{err}");
}

#[test]
fn results_held_ahead_of_the_merger_are_bounded_by_the_adder() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let inputs = [Input::Path(dir.path().to_path_buf())];
    let o = opts(1, None);
    let tasks = plan_remote(&inputs, &o).unwrap();
    let blobs: Vec<Vec<u8>> = tasks
        .chunks(4)
        .map(|g| run_remote(g, &DET, &o).unwrap())
        .collect();
    let p = Arc::new(Precomputed::expect(&tasks).unwrap());
    // Nothing is held before results come; results added and not yet
    // merged are.
    assert_eq!(p.held(), 0);
    p.add(&blobs[0]).unwrap();
    assert!(p.held() > 0);
    assert!(!p.wait_held_below(1, std::time::Duration::from_millis(10)));
    let client = ScanOptions {
        precomputed: Some(p.clone()),
        ..o.clone()
    };
    let out = std::thread::scope(|s| {
        let scan = s.spawn(|| scan(&inputs, &DET, &client).unwrap());
        for b in &blobs[1..] {
            // As a driver does: add the next results only once the merger
            // has taken most of what it holds.
            // (It returns once the merger has taken them: else this
            // test hangs.)
            while !p.wait_held_below(1, std::time::Duration::from_secs(5)) {}
            p.add(b).unwrap();
        }
        scan.join().unwrap()
    });
    assert_eq!(p.held(), 0, "everything merged was dropped");
    assert_eq!(out.findings(), scan(&inputs, &DET, &o).unwrap().findings());
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
