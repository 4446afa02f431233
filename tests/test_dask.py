"""A scan spread over a Dask cluster (`borderscan.dask`, `scan --scheduler`)
writes what a local scan of the same inputs writes: JSON, SARIF and Parquet,
the records file, the API's result; whatever the order the workers' results
come back in. The cluster (two worker processes, one thread each) is
started here; its workers really run the engine."""

from __future__ import annotations

import gzip
import io
import random
import shutil
import tarfile
import zipfile
from pathlib import Path

import orjson
import polars as pl
import pytest
from borderscan import _core, api
from conftest import SAMPLE, assert_balanced, run_cli

distributed = pytest.importorskip("distributed")
bdask = pytest.importorskip("borderscan.dask")

SPLIT = "4096"  # the smallest split: the large files become many ranges


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as c, distributed.Client(c) as client:
        yield c, client


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """sample_data (every format, compressed files) and large plain files
    (JSON lines, CSV with a header, free text) that split into many ranges."""
    root = tmp_path_factory.mktemp("dask") / "logs"
    shutil.copytree(SAMPLE, root)
    lines = []
    for i in range(6000):
        if i % 9 == 0:
            lines.append(orjson.dumps({
                "site": "CN-SZ-02", "operator": {"email": f"op{i}@example.cn"},
                "upload": f"https://oss-us-west-1.aliyuncs.com/b/{i}"}))
        elif i % 13 == 0:
            lines.append(b"garbage line, phone +49 30 1234567 to s3.eu-west-1")
        else:
            lines.append(orjson.dumps({"site": "DE-MUC-01", "temp": i, "state": "ok"}))
    (root / "big.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    rows = [b"site,email,dest"] + [
        f"CN-SZ-{i},u{i}@example.cn,https://x.s3.us-east-1.amazonaws.com/".encode()
        for i in range(3000)]
    (root / "table.csv").write_bytes(b"\n".join(rows) + b"\n")
    (root / "more.jsonl.gz").write_bytes(gzip.compress(b"\n".join(lines[:2000]) + b"\n"))
    # Archives: a plain tar far over the split size (read whole, member by
    # member, never cut into ranges) holding a zip holding a jsonl.gz.
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a/b.jsonl.gz", gzip.compress(b"\n".join(lines[:1500]) + b"\n"))
        zf.writestr("c.csv", b"\n".join(rows[:500]) + b"\n")
    outer = io.BytesIO()
    with tarfile.open(fileobj=outer, mode="w") as tf:
        for name, data in (("logs/d.jsonl", b"\n".join(lines[2000:3000]) + b"\n"),
                           ("logs/inner.zip", inner.getvalue())):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    (root / "bundle.tar").write_bytes(outer.getvalue())
    return root


def _inputs(corpus: Path) -> list[str]:
    # A missing input is counted and named by the client as locally.
    return [str(corpus), str(corpus / "missing.log")]


def _scan(fmt: str, out: Path, corpus: Path, *extra: str):
    return run_cli("scan", *_inputs(corpus), "--format", fmt, "--out", str(out),
                   "--split-size", SPLIT, "--no-progress", "--keep-going", *extra)


def _no_timing(doc):
    """Everything but when the scan ran (and the command line that ran it)."""
    if isinstance(doc, dict):
        return {k: _no_timing(v) for k, v in doc.items()
                if k not in {"started", "ended", "startTimeUtc", "endTimeUtc", "commandLine",
                             "arguments", "duration_seconds"}}
    if isinstance(doc, list):
        return [_no_timing(v) for v in doc]
    return doc


def test_plan_splits_the_corpus_into_many_ranges(corpus):
    tasks = bdask.plan(_inputs(corpus), split_size=int(SPLIT))
    assert len(tasks) > 50
    assert sum(t["range"] for t in tasks) > 40
    assert not any(t["path"].endswith("missing.log") for t in tasks)
    # An archive is one task, read whole on a worker.
    assert [t["range"] for t in tasks if t["path"].endswith("bundle.tar")] == [False]
    # Groups keep task order and lose nothing.
    groups = bdask.group(tasks, 7)
    assert [t for g in groups for t in g] == tasks and 1 < len(groups) <= 8


@pytest.mark.parametrize("fmt", ["json", "sarif", "parquet"])
def test_cli_scheduler_writes_what_a_local_scan_writes(cluster, corpus, tmp_path, fmt):
    c, _ = cluster
    local, dist = tmp_path / f"local.{fmt}", tmp_path / f"dist.{fmt}"
    a = _scan(fmt, local, corpus, "--no-audit-log")
    b = _scan(fmt, dist, corpus, "--no-audit-log", "--scheduler", c.scheduler_address)
    assert a.returncode == b.returncode, (a.stderr, b.stderr)
    assert b"Dask worker" in b.stderr, b.stderr
    if fmt == "parquet":
        assert dist.read_bytes() == local.read_bytes()
        assert pl.read_parquet(dist).height > 1000
    elif fmt == "json":
        ldoc, ddoc = orjson.loads(local.read_bytes()), orjson.loads(dist.read_bytes())
        assert _no_timing(ddoc) == _no_timing(ldoc)
        assert len(ldoc["findings"]) > 1000
        assert_balanced(ddoc["accounting"])
        missing = [f for f in ddoc["accounting"]["per_file"] if f["path"].endswith("missing.log")]
        assert missing and missing[0]["failed_files"] == 1
        member = [f for f in ddoc["accounting"]["per_file"]
                  if f["path"].endswith("bundle.tar!logs/inner.zip!a/b.jsonl.gz")]
        assert member and member[0]["records"] == 1500 and member[0]["member_of"]
    else:
        assert _no_timing(orjson.loads(dist.read_bytes())) == _no_timing(
            orjson.loads(local.read_bytes()))


def test_cli_json_is_byte_identical_and_records_too(cluster, corpus, tmp_path):
    c, _ = cluster
    out = {}
    for name, extra in (("local", ()), ("dist", ("--scheduler", c.scheduler_address))):
        r = _scan("json", tmp_path / f"{name}.json", corpus, "--no-audit-log",
                  "--records", str(tmp_path / f"{name}.records.parquet"), *extra)
        assert r.returncode == 0, r.stderr  # the missing input, with --keep-going
        out[name] = r
    lj, dj = (tmp_path / "local.json").read_bytes(), (tmp_path / "dist.json").read_bytes()
    # The JSON document carries no time of its own: byte for byte.
    assert dj == lj
    assert ((tmp_path / "dist.records.parquet").read_bytes()
            == (tmp_path / "local.records.parquet").read_bytes())


def test_api_result_equals_local_and_order_of_results_does_not_matter(cluster, corpus):
    _, client = cluster
    opts = {"split_size": int(SPLIT)}
    local = api.scan(_inputs(corpus), **opts)
    dist = bdask.scan(_inputs(corpus), client=client, **opts)
    _same(dist, local)
    assert dist.workers and len(dist.workers) == 2, dist.workers
    scanned = {f["path"] for w in dist.workers for f in w["files"]}
    assert str(corpus / "big.jsonl") in scanned

    # The workers' results gathered in shuffled orders merge alike.
    tasks = bdask.plan(_inputs(corpus), **opts)
    groups = bdask.group(tasks, 9)
    options = {**opts, "threads": 1}
    futures = [client.submit(bdask.scan_group, orjson.dumps(g).decode(), options, pure=False)
               for g in groups]
    blobs = [blob for _, blob in client.gather(futures)]
    for seed in range(3):
        random.Random(seed).shuffle(blobs)
        results = _core.TaskResults(orjson.dumps(tasks).decode())
        assert results.tasks == len(tasks) and results.held == 0
        for blob in blobs:
            results.add(blob)
        assert results.held > 0
        _same(api.scan(_inputs(corpus), results=results, **opts), local)
        # What the scan merged it let go.
        assert results.held == 0


def test_client_holds_little_ahead_of_its_merger(cluster, corpus, monkeypatch):
    # With the smallest budget the next group is fetched only once the
    # merger took everything before it: still the local scan's result.
    _, client = cluster
    opts = {"split_size": int(SPLIT)}
    monkeypatch.setattr(bdask, "HELD_BYTES", 1)
    _same(bdask.scan(_inputs(corpus), client=client, **opts), api.scan(_inputs(corpus), **opts))


def test_a_worker_failing_mid_scan_fails_the_scan_with_its_error(cluster, corpus, tmp_path):
    _, client = cluster
    opts = {"split_size": int(SPLIT)}
    tasks = bdask.plan(_inputs(corpus), **opts)
    groups = bdask.group(tasks, 6)
    results = _core.TaskResults(orjson.dumps(tasks).decode())
    # The last group's worker cannot open a file (as when it does not see
    # the client's filesystem): the client's scan, waiting for it, stops.
    bad = [{**t, "path": str(tmp_path / "elsewhere.jsonl")} for t in groups[-1]]
    g = bdask.Gathering(client, None, [*groups[:-1], bad], {**opts, "threads": 1}, results)
    with pytest.raises(_core.BorderscanError, match="elsewhere"):
        api.scan(_inputs(corpus), results=g.results, **opts)
    with pytest.raises(bdask.WorkerError, match=r"elsewhere\.jsonl"):
        g.finish()


def _same(a, b):
    assert a.findings.equals(b.findings)
    assert a.accounting == b.accounting
    for frame in ("summary", "detectors", "flows", "violations", "records", "profile"):
        assert getattr(a, frame).equals(getattr(b, frame)), frame
    assert a.residency == b.residency
    assert a.rule_packs == b.rule_packs


def test_audit_entry_written_once_with_the_workers(cluster, corpus, tmp_path):
    c, _ = cluster
    log = tmp_path / "audit.jsonl"
    r = _scan("json", tmp_path / "d.json", corpus, "--audit-log", str(log),
              "--scheduler", c.scheduler_address)
    assert r.returncode == 0, r.stderr
    entries = [orjson.loads(line) for line in log.read_bytes().splitlines()]
    assert len(entries) == 1
    workers = entries[0]["workers"]
    assert len(workers) == 2 and all(w["worker"].startswith("tcp://") for w in workers)
    ranges = sum(len(f["ranges"]) for w in workers for f in w["files"])
    assert ranges == sum(w["tasks"] for w in workers) > 50
    assert run_cli("audit", "verify", str(log)).returncode == 0
    # A local scan's entry names no workers.
    _scan("json", tmp_path / "l.json", corpus, "--audit-log", str(log))
    assert "workers" not in orjson.loads(log.read_bytes().splitlines()[-1])


def test_a_file_workers_do_not_see_fails_loudly(cluster, corpus, tmp_path):
    _, client = cluster
    tasks = bdask.plan([str(corpus / "big.jsonl")], split_size=int(SPLIT))
    tasks[0] = {**tasks[0], "path": str(tmp_path / "elsewhere.jsonl")}
    fut = client.submit(bdask.scan_group, orjson.dumps(tasks[:1]).decode(), {}, pure=False)
    with pytest.raises(bdask.WorkerError, match=r"elsewhere\.jsonl.*shared filesystem"):
        fut.result()


def test_no_scheduler_reachable_is_a_usage_error(corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT", "2s")
    r = run_cli("scan", str(corpus / "big.jsonl"), "--no-audit-log", "--format", "json",
                "--out", str(tmp_path / "x.json"), "--scheduler", "tcp://127.0.0.1:9",
                "--no-progress")
    assert r.returncode == 2
    assert b"--scheduler tcp://127.0.0.1:9" in r.stderr
    assert not (tmp_path / "x.json").exists()


def test_baseline_matched_on_workers_is_counted_by_the_client(cluster, corpus):
    _, client = cluster
    opts = {"split_size": int(SPLIT)}
    every = api.scan(_inputs(corpus), **opts).findings["fingerprint"].to_list()
    accepted = [*every[::4], "0123456789abcdef"]  # and an entry nothing matches
    local = api.scan(_inputs(corpus), baseline=accepted, **opts)
    dist = bdask.scan(_inputs(corpus), client=client, baseline=accepted, **opts)
    _same(dist, local)
    baseline = local.residency["baseline"]
    assert baseline["matched"] > 0 and baseline["absent"] == ["0123456789abcdef"]
    assert dist.residency["baseline"] == baseline
    assert local.findings.height < len(every)
