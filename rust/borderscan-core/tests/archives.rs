//! Archives end to end: a tar.gz holding a zip holding a jsonl.gz (and
//! the reverse) scans like its extracted tree, member paths written
//! `outer!member`; limits stop with a named, counted entry; corrupt and
//! truncated archives fail where they break; any thread count gives the
//! same output.

use std::io::{Cursor, Write};
use std::path::Path;

use borderscan_core::accounting::FileStats;
use borderscan_core::{Detectors, Finding, Input, ScanConfig, ScanOptions, ScanOutput, scan};

fn log(n: usize, tag: &str) -> Vec<u8> {
    let mut s = Vec::new();
    for i in 0..n {
        match i % 4 {
            0 => writeln!(
                s,
                r#"{{"site":"DE-MUC-01","email":"anna.{tag}{i}@example.de","dest":"https://collector.example.jp/in"}}"#
            ),
            1 => writeln!(s, r#"{{"msg":"operator li.wei{i}@example.cn logged in","site":"CN-SZ-02"}}"#),
            2 => writeln!(s),
            _ => writeln!(s, r#"{{"broken": "#),
        }
        .unwrap();
    }
    s
}

fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn tar(members: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in members {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, &data[..]).unwrap();
    }
    b.into_inner().unwrap()
}

fn zip(members: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in members {
        let o = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file(*name, o).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn run(inputs: &[Input], config: ScanConfig) -> ScanOutput {
    let det = Detectors::builtin().unwrap();
    let out = scan(inputs, &det, &ScanOptions::from(config)).expect("scan runs");
    assert!(
        out.accounting.imbalances().is_empty(),
        "{:?}",
        out.accounting.imbalances()
    );
    out
}

fn threads(n: usize) -> ScanConfig {
    ScanConfig {
        threads: n,
        ..Default::default()
    }
}

fn path(p: &Path) -> Input {
    Input::Path(p.to_path_buf())
}

/// Findings with paths written as in the extracted tree (`!` is `/`),
/// without the fingerprint (made of the path).
fn as_tree(findings: Vec<Finding>) -> Vec<Finding> {
    findings
        .into_iter()
        .map(|mut f| {
            f.path = f.path.replace('!', "/");
            f.fingerprint.clear();
            f
        })
        .collect()
}

/// The leaf entries (not archives), paths as in the tree.
fn leaves(out: &ScanOutput) -> Vec<FileStats> {
    let mut v: Vec<FileStats> = out
        .accounting
        .per_file
        .iter()
        .filter(|f| f.archive.is_none())
        .cloned()
        .collect();
    for f in &mut v {
        f.path = f.path.replace('!', "/");
        f.member_of = None;
        for r in f.unparseable_reasons.values_mut() {
            for l in &mut r.first {
                l.path = l.path.replace('!', "/");
            }
        }
        for l in &mut f.no_destination.first {
            l.path = l.path.replace('!', "/");
        }
    }
    v
}

/// Write `members` as a tree under `root` (each a file, made with its
/// directories).
fn extract(root: &Path, members: &[(&str, Vec<u8>)]) {
    for (name, data) in members {
        let p = root.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, data).unwrap();
    }
}

#[test]
fn nested_archives_scan_like_their_extracted_tree_whatever_the_threads() {
    let inner_members = vec![
        ("a/b.jsonl.gz", gz(&log(3000, "zip"))),
        ("c.log", log(500, "plain")),
    ];
    let tar_members = vec![
        ("logs/d.jsonl", log(200, "tar")),
        ("logs/inner.zip", zip(&inner_members)),
    ];
    // And the reverse: a zip holding a tar.gz holding a jsonl.gz.
    let inner_tar = vec![("x/y.jsonl.gz", gz(&log(2500, "tgz")))];
    let zip_members = vec![
        ("inner.tar.gz", gz(&tar(&inner_tar))),
        ("z.log", log(10, "z")),
    ];

    let dir = tempfile::tempdir().unwrap();
    let (arch, tree) = (dir.path().join("a"), dir.path().join("t"));
    std::fs::create_dir_all(&arch).unwrap();
    std::fs::write(arch.join("bundle.tar.gz"), gz(&tar(&tar_members))).unwrap();
    std::fs::write(arch.join("other.zip"), zip(&zip_members)).unwrap();
    // The tree: each archive extracted into a directory of its name.
    extract(&tree.join("bundle.tar.gz"), &tar_members[..1]);
    extract(&tree.join("bundle.tar.gz/logs/inner.zip"), &inner_members);
    extract(&tree.join("other.zip/inner.tar.gz"), &inner_tar);
    extract(&tree.join("other.zip"), &zip_members[1..]);

    let want = run(&[path(&tree)], threads(1));
    let mut want_rows = want.findings();
    for f in &mut want_rows {
        f.path = f
            .path
            .replacen(&tree.display().to_string(), &arch.display().to_string(), 1);
        f.fingerprint.clear();
    }
    let mut want_files = want.accounting.per_file.clone();
    for f in &mut want_files {
        f.path = f
            .path
            .replacen(&tree.display().to_string(), &arch.display().to_string(), 1);
        for r in f.unparseable_reasons.values_mut() {
            for l in &mut r.first {
                l.path =
                    l.path
                        .replacen(&tree.display().to_string(), &arch.display().to_string(), 1);
            }
        }
        for l in &mut f.no_destination.first {
            l.path = l
                .path
                .replacen(&tree.display().to_string(), &arch.display().to_string(), 1);
        }
    }
    assert!(want_rows.len() > 3000);

    let mut first: Option<ScanOutput> = None;
    for n in [1, 2, 3] {
        let got = run(&[path(&arch)], threads(n));
        assert_eq!(as_tree(got.findings()), want_rows, "threads {n}");
        assert_eq!(leaves(&got), want_files, "threads {n}");
        let a = &got.accounting;
        let paths: Vec<&str> = a.per_file.iter().map(|f| f.path.as_str()).collect();
        let base = arch.display().to_string();
        assert_eq!(
            paths,
            [
                "bundle.tar.gz",
                "bundle.tar.gz!logs/d.jsonl",
                "bundle.tar.gz!logs/inner.zip",
                "bundle.tar.gz!logs/inner.zip!a/b.jsonl.gz",
                "bundle.tar.gz!logs/inner.zip!c.log",
                "other.zip",
                "other.zip!inner.tar.gz",
                "other.zip!inner.tar.gz!x/y.jsonl.gz",
                "other.zip!z.log",
            ]
            .map(|p| format!("{base}/{p}"))
        );
        assert_eq!((a.archives, a.archive_members), (4, 7));
        assert_eq!(a.failed_files, 0, "{:?}", a.failures);
        // Stored bytes: the two inputs, read whole.
        let size = |n: &str| std::fs::metadata(arch.join(n)).unwrap().len();
        assert_eq!(a.bytes, size("bundle.tar.gz") + size("other.zip"));
        assert_eq!(a.bytes_read, a.bytes);
        for k in [
            a.records,
            a.lines,
            a.decompressed_bytes,
            a.parsed,
            a.unparseable,
        ]
        .iter()
        .zip([
            want.accounting.records,
            want.accounting.lines,
            want.accounting.decompressed_bytes,
            want.accounting.parsed,
            want.accounting.unparseable,
        ]) {
            assert_eq!(*k.0, k.1, "threads {n}");
        }
        assert_eq!(a.records_by_flow, want.accounting.records_by_flow);
        match &first {
            None => first = Some(got),
            Some(f) => {
                assert_eq!(got.findings(), f.findings(), "threads {n}");
                assert_eq!(got.accounting, f.accounting, "threads {n}");
            }
        }
    }
}

fn one(name: &str, data: &[u8], config: ScanConfig) -> ScanOutput {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    std::fs::write(&p, data).unwrap();
    run(&[path(&p)], config)
}

fn rel(out: &ScanOutput) -> Vec<(String, u64, Option<String>)> {
    out.accounting
        .per_file
        .iter()
        .map(|f| {
            let p = f
                .path
                .rsplit_once('/')
                .map_or(f.path.clone(), |x| x.1.to_string());
            (p, f.failed_files, f.error.clone())
        })
        .collect()
}

#[test]
fn depth_members_and_bytes_limits_stop_named_and_counted() {
    let leaf = log(100, "deep");
    let inner = zip(&[("l.jsonl", leaf.clone())]);
    let outer = tar(&[("in.zip", inner.clone()), ("after.jsonl", leaf.clone())]);
    // Depth 1: the input tar is read, the zip in it is not opened.
    let out = one(
        "o.tar",
        &outer,
        ScanConfig {
            max_archive_depth: 1,
            ..Default::default()
        },
    );
    let r = rel(&out);
    assert_eq!(r.len(), 3, "{r:?}");
    assert_eq!((r[1].0.as_str(), r[1].1), ("o.tar!in.zip", 1));
    assert!(
        r[1].2.as_deref().unwrap().contains("--max-archive-depth 1"),
        "{r:?}"
    );
    assert_eq!((r[2].0.as_str(), r[2].1), ("o.tar!after.jsonl", 0));
    assert_eq!(out.accounting.per_file[2].records, 75);
    // Depth 0: not even the input.
    let out = one(
        "o.tar",
        &outer,
        ScanConfig {
            max_archive_depth: 0,
            ..Default::default()
        },
    );
    assert!(
        rel(&out)[0]
            .2
            .as_deref()
            .unwrap()
            .contains("--max-archive-depth 0")
    );
    assert_eq!(out.accounting.failed_files, 1);

    // Members: 2 of 3 read, the input stops, named.
    let many = tar(&[
        ("1.log", leaf.clone()),
        ("2.log", leaf.clone()),
        ("3.log", leaf.clone()),
    ]);
    let out = one(
        "m.tar",
        &many,
        ScanConfig {
            max_archive_members: 2,
            ..Default::default()
        },
    );
    let r = rel(&out);
    assert_eq!(r.len(), 3, "{r:?}");
    assert_eq!(r[0].1, 1);
    assert!(
        r[0].2
            .as_deref()
            .unwrap()
            .contains("--max-archive-members 2")
    );
    assert!(r[0].2.as_deref().unwrap().contains("m.tar!3.log"));

    // Bytes: a zip bomb of zeros stops past the limit, on its member and
    // its archive.
    let zeros = vec![b'\n'; 8 << 20];
    let bomb = zip(&[("z.log", zeros.clone()), ("y.log", zeros)]);
    let out = one(
        "bomb.zip",
        &bomb,
        ScanConfig {
            max_archive_bytes: 1 << 20,
            ..Default::default()
        },
    );
    let r = rel(&out);
    assert_eq!(r.len(), 2, "{r:?}");
    assert!(r.iter().all(|x| x.1 == 1), "{r:?}");
    assert!(
        r[1].2.as_deref().unwrap().contains("--max-archive-bytes"),
        "{r:?}"
    );
}

#[test]
fn corrupt_truncated_and_binary_members_fail_where_they_break() {
    let leaf = log(400, "t");
    let whole = gz(&tar(&[
        ("a.jsonl", leaf.clone()),
        ("b.jsonl", leaf.clone()),
    ]));
    // Truncated in the second member.
    let cut = &whole[..whole.len() * 3 / 4];
    let out = one("cut.tar.gz", cut, ScanConfig::default());
    let r = rel(&out);
    assert_eq!(r[0].1, 1, "{r:?}");
    assert!(r[0].2.as_deref().unwrap().contains("gzip"), "{r:?}");
    assert_eq!((r[1].0.as_str(), r[1].1), ("cut.tar.gz!a.jsonl", 0));
    assert_eq!(out.accounting.per_file[1].records, 300);
    assert!(out.accounting.failed_files >= 1);

    // A binary member and a corrupt gzip member: each named, the rest read.
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend((0..5000u32).map(|i| (i * 7919 % 251) as u8));
    let mut bad_gz = gz(&leaf);
    let n = bad_gz.len();
    bad_gz[n / 2] ^= 0xff;
    bad_gz[n / 2 + 1] ^= 0xff;
    let t = tar(&[
        ("p.png", png.clone()),
        ("bad.jsonl.gz", bad_gz),
        ("ok.jsonl", leaf.clone()),
        (
            "bad\u{1b}[31mname\u{7f}.log",
            b"\xff\xfe\xfdnot utf8 \xc3\x28 li.wei@example.cn\n".to_vec(),
        ),
    ]);
    let out = one("mixed.tar", &t, ScanConfig::default());
    let f = &out.accounting.per_file;
    assert_eq!(f.len(), 5);
    assert_eq!(
        (f[1].binary_skipped, f[1].binary_bytes_skipped),
        (1, png.len() as u64)
    );
    assert_eq!(f[2].failed_files, 1);
    assert!(
        f[2].error.as_deref().unwrap().contains("gzip"),
        "{:?}",
        f[2]
    );
    assert_eq!((f[3].failed_files, f[3].records), (0, 300));
    assert_eq!(f[4].records, 1);
    assert_eq!(f[0].failed_files, 0);
    assert_eq!(out.accounting.binary_skipped, 1);
    // Stored bytes: the input only.
    assert_eq!(out.accounting.bytes, t.len() as u64);
    assert_eq!(out.accounting.binary_bytes_skipped, 0);

    // A zip whose central directory is cut off.
    let z = zip(&[("a.jsonl", leaf.clone())]);
    let out = one("cut.zip", &z[..z.len() - 30], ScanConfig::default());
    let r = rel(&out);
    assert_eq!(r.len(), 1);
    assert!(r[0].2.as_deref().unwrap().contains("zip"), "{r:?}");
    assert_eq!(
        out.accounting.bytes_skipped + out.accounting.bytes_read,
        out.accounting.bytes
    );
}

#[test]
fn xz_and_lz4_files_and_a_zip_on_stdin_like_bytes() {
    let leaf = log(300, "c");
    let plain = one("p.jsonl", &leaf, ScanConfig::default());
    let mut xz = Vec::new();
    {
        let mut w = lzma_rust2::XzWriter::new(&mut xz, lzma_rust2::XzOptions::default()).unwrap();
        w.write_all(&leaf).unwrap();
        w.finish().unwrap();
    }
    let mut lz = lz4_flex::frame::FrameEncoder::new(Vec::new());
    lz.write_all(&leaf).unwrap();
    let lz = lz.finish().unwrap();
    for (name, data, comp) in [("p.jsonl.xz", xz, "xz"), ("p.jsonl.lz4", lz, "lz4")] {
        let out = one(name, &data, ScanConfig::default());
        let f = &out.accounting.per_file[0];
        assert_eq!(f.compression.as_deref(), Some(comp));
        assert_eq!(f.failed_files, 0, "{f:?}");
        assert_eq!(f.records, plain.accounting.records);
        assert_eq!(out.findings().len(), plain.findings().len());
    }
    // A zip that is not a file (here in memory): read from a buffer.
    let z = zip(&[("a.jsonl", leaf.clone())]);
    let input = Input::Bytes {
        name: "mem.zip".into(),
        data: z.into(),
    };
    let out = run(std::slice::from_ref(&input), ScanConfig::default());
    assert_eq!(out.accounting.per_file[1].path, "mem.zip!a.jsonl");
    assert_eq!(out.accounting.per_file[1].records, plain.accounting.records);
    let out = run(
        &[input],
        ScanConfig {
            max_archive_buffer: 100,
            ..Default::default()
        },
    );
    let f = &out.accounting.per_file[0];
    assert!(
        f.error.as_deref().unwrap().contains("--max-archive-buffer"),
        "{f:?}"
    );
    // 7z stays a named failure.
    let out = one(
        "x.7z",
        b"7z\xbc\xaf\x27\x1c\0\x04rest",
        ScanConfig::default(),
    );
    assert!(out.accounting.failures[0].error.contains("7z archive"));
}

/// Many small members, each its own chunks and member messages: the task
/// channel fills with more than chunks, and no worker may block on it
/// while the merger waits for a chunk only a worker would run.
#[test]
fn many_small_members_never_deadlock_and_stay_in_order() {
    let members: Vec<(String, Vec<u8>)> = (0..300)
        .map(|i| (format!("m/{i:03}.jsonl"), log(20 + i % 7, &format!("m{i}"))))
        .collect();
    let refs: Vec<(&str, Vec<u8>)> = members
        .iter()
        .map(|(n, d)| (n.as_str(), d.clone()))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("many.tar.gz");
    std::fs::write(&p, gz(&tar(&refs))).unwrap();
    let base = run(&[path(&p)], threads(1));
    assert_eq!(base.accounting.archive_members, 300);
    for n in [2, 3, 4] {
        let got = run(&[path(&p)], threads(n));
        assert_eq!(got.findings(), base.findings(), "threads {n}");
        assert_eq!(got.accounting, base.accounting, "threads {n}");
    }
}
