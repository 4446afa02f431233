"""Object storage inputs (`s3://bucket/prefix/`): a bucket on a local S3
server (moto, on loopback, started and stopped here) scans exactly as the
same files on disk: findings, SARIF, accounting (paths aside); a missing
object, a 403 and a connection dropped half way through an object are each
counted and named in the accounting, and everything else is scanned."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLE, assert_balanced, run_cli

pytest.importorskip("moto.server", reason="moto[server] is in the [test] extra")

from s3server import SECRET_KEY, FaultyProxy, aws_env, client, moto_server, upload_tree

BUCKET = "telemetry"
PREFIX = "logs/"
SPLIT = "65536"


def _corpus(root: Path) -> Path:
    """200 files under nested folders, cut from the sample data: every
    format, a few gzip'd, the sample's own .gz and .zst, and one plain
    file large enough to be split into ranges (at --split-size 64 KiB)."""
    root.mkdir(parents=True)
    for p in sorted(SAMPLE.iterdir()):
        if p.name != "README.md":
            (root / "sample").mkdir(exist_ok=True)
            shutil.copy(p, root / "sample" / p.name)
    sources = {
        "jsonl": (SAMPLE / "telemetry.jsonl").read_text().splitlines(keepends=True),
        "logfmt": (SAMPLE / "diagnostics.logfmt").read_text().splitlines(keepends=True),
        "log": (SAMPLE / "operator.log").read_text().splitlines(keepends=True),
        "syslog": (SAMPLE / "gateway.syslog").read_text().splitlines(keepends=True),
        "csv": (SAMPLE / "process.csv").read_text().splitlines(keepends=True),
    }
    exts = sorted(sources)
    n = 0
    i = 0
    while n < 190:
        ext = exts[i % len(exts)]
        lines = sources[ext]
        start = (i * 7) % max(1, len(lines) - 12)
        body = lines[start:start + 6 + i % 5]
        if ext == "csv":
            body = [lines[0], *[x for x in body if x != lines[0]]]
        text = "".join(body).encode()
        folder = root / f"site-{i % 4}" / f"2026-11-{1 + i % 6:02d}" / ("night" if i % 3 else "day")
        folder.mkdir(parents=True, exist_ok=True)
        if i % 13 == 5:
            (folder / f"part-{i:03d}.{ext}.gz").write_bytes(gzip.compress(text, mtime=0))
        else:
            (folder / f"part-{i:03d}.{ext}").write_bytes(text)
        n += 1
        i += 1
    # Named so that key order and a directory walk's order differ unless
    # keys are sorted segment by segment ('.' sorts before '/').
    big = root / "site-0.big"
    big.mkdir()
    (big / "telemetry-big.jsonl").write_text("".join(sources["jsonl"]) * 8)
    files = [p for p in root.rglob("*") if p.is_file()]
    assert len(files) == 200, len(files)
    return root


@pytest.fixture(scope="module")
def s3() -> Iterator[str]:
    with aws_env(), moto_server() as endpoint:
        yield endpoint


@pytest.fixture(scope="module")
def tree(s3: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = _corpus(tmp_path_factory.mktemp("objects") / "tree")
    upload_tree(client(s3), BUCKET, root, PREFIX)
    return root


def _scan(*args: str, ok: tuple[int, ...] = (0, 1)) -> Any:
    r = run_cli("scan", *args, "--split-size", SPLIT, "--no-progress")
    assert r.returncode in ok, r.stderr.decode()
    return r


def _normal(text: str, prefix: str) -> Any:
    """A JSON document with the inputs' common prefix taken out of every
    path, and what is made of the path (fingerprints, an object's ETag)
    left out."""
    # The data profile groups files by a pattern of their path, digits
    # made `*` (`s3://` is `s*://` there).
    text = text.replace(prefix, "<root>/").replace(re.sub(r"\d+", "*", prefix), "<root>/")
    doc = json.loads(text)

    def strip(x: Any) -> Any:
        if isinstance(x, dict):
            return {k: strip(v) for k, v in x.items()
                    if k not in ("fingerprint", "etag", "partialFingerprints", "duration_s",
                                 "elapsed_s", "started", "finished", "time")}
        if isinstance(x, list):
            return [strip(v) for v in x]
        return x

    return strip(doc)


@pytest.mark.parametrize("threads", ["1", "2"])
def test_bucket_scans_like_the_same_files_on_disk(s3: str, tree: Path, tmp_path: Path,
                                                  threads: str) -> None:
    url = f"s3://{BUCKET}/{PREFIX}"
    outs = {}
    for name, src in (("disk", f"{tree}/"), ("s3", url)):
        for fmt in ("json", "sarif"):
            out = tmp_path / f"{name}.{fmt}"
            _scan(src, "--endpoint-url", s3, "--format", fmt, "--out", str(out),
                  "--no-audit-log", "--threads", threads)
            outs[name, fmt] = out.read_text()
    disk = _normal(outs["disk", "json"], f"{tree}/")
    obj = _normal(outs["s3", "json"], url)
    acc = json.loads(outs["s3", "json"])["accounting"]
    assert_balanced(acc)
    assert acc["files"] == 200, acc["files"]
    assert acc["failed_files"] == 0, [f for f in acc["per_file"] if f.get("error")]
    per = {f["path"]: f for f in acc["per_file"]}
    # Nested prefixes, in key order (as a directory walk sorts names).
    assert list(per) == sorted(per, key=lambda p: p.split("/"))
    big = per[f"{url}site-0.big/telemetry-big.jsonl"]
    assert big["ranges"] > 1, big
    gz = [f for f in per.values() if f["compression"] != "none"]
    assert {f["compression"] for f in gz} == {"gzip", "zstd"}, gz
    assert all(f.get("etag") for f in per.values())
    assert obj["findings"], "the corpus has findings"
    assert obj == disk
    # SARIF: the same results; artifact locations differ only in the root.
    sd = json.loads(outs["disk", "sarif"].replace(tree.as_uri() + "/", "<root>/")
                    .replace(f"{tree}/", "<root>/"))
    so = json.loads(outs["s3", "sarif"].replace(url, "<root>/"))
    for doc in (sd, so):
        for run in doc["runs"]:
            run.pop("invocations", None)
            run.pop("originalUriBaseIds", None)
            for r in run["results"]:
                # Fingerprints are made of the path (as in the JSON).
                r.pop("partialFingerprints", None)
                r.pop("fingerprints", None)
                r.get("properties", {}).pop("finding_fingerprints", None)
    assert so["runs"][0]["results"] == sd["runs"][0]["results"]
    assert so == sd


def test_exact_key_include_and_exclude(s3: str, tree: Path) -> None:
    one = f"s3://{BUCKET}/{PREFIX}sample/telemetry.jsonl"
    r = _scan(one, "--endpoint-url", s3, "--format", "json", "--no-audit-log")
    acc = json.loads(r.stdout)["accounting"]
    assert [f["path"] for f in acc["per_file"]] == [one]
    assert acc["bytes"] == (SAMPLE / "telemetry.jsonl").stat().st_size
    # A key without its slash is a prefix when no object has that name.
    r = _scan(f"s3://{BUCKET}/{PREFIX}sample", "--endpoint-url", s3, "--format", "json",
              "--no-audit-log", "--include", "*.gz", "--include", "*.zst")
    paths = [f["path"] for f in json.loads(r.stdout)["accounting"]["per_file"]]
    assert [p.rsplit("/", 1)[1] for p in paths] == ["diagnostics-old.logfmt.zst",
                                                     "telemetry-archive.jsonl.gz"]
    r = _scan(f"s3://{BUCKET}/{PREFIX}", "--endpoint-url", s3, "--format", "json",
              "--no-audit-log", "--exclude", "site-*", "--exclude", "faults/*")
    paths = [f["path"] for f in json.loads(r.stdout)["accounting"]["per_file"]]
    # Only sample/ is left (site-0.big/ matches site-* too).
    assert [p.split("/")[4] for p in paths] == ["sample"] * 9, paths
    # URLs mix with paths, each keeping its own name.
    r = _scan(one, str(tree / "sample" / "process.csv"), "--endpoint-url", s3,
              "--format", "json", "--no-audit-log")
    paths = [f["path"] for f in json.loads(r.stdout)["accounting"]["per_file"]]
    assert paths == [one, str(tree / "sample" / "process.csv")]


def test_python_api_reads_a_bucket(s3: str, tree: Path) -> None:
    import borderscan

    url = f"s3://{BUCKET}/{PREFIX}sample/"
    res = borderscan.scan([url], endpoint_url=s3, split_size=int(SPLIT))
    disk = borderscan.scan([tree / "sample"], split_size=int(SPLIT))
    assert res.accounting["files"] == 9
    assert_balanced(res.accounting)
    assert res.findings.height == disk.findings.height > 0
    assert set(res.findings["path"].to_list()) <= {f"{url}{p.name}" for p in SAMPLE.iterdir()}


def test_missing_forbidden_and_dropped_objects_are_named(s3: str, tree: Path,
                                                         tmp_path: Path) -> None:
    s = client(s3)
    base = f"{PREFIX}faults/"
    body = (SAMPLE / "telemetry.jsonl").read_bytes()
    for name in ("a-ok.jsonl", "b-forbidden.jsonl", "c-dropped.jsonl", "d-ok.jsonl"):
        s.put_object(Bucket=BUCKET, Key=base + name, Body=body)
    url = f"s3://{BUCKET}/{base}"
    missing = f"{url}zz-missing.jsonl"
    with FaultyProxy(s3, forbidden=("b-forbidden.jsonl",),
                     dropped=("c-dropped.jsonl",)) as proxy:
        audit_log = tmp_path / "audit.jsonl"
        r = _scan(url, missing, "--endpoint-url", proxy.endpoint, "--format", "json",
                  "--audit-log", str(audit_log), ok=(3,))
        keep = _scan(url, missing, "--endpoint-url", proxy.endpoint, "--format", "json",
                     "--no-audit-log", "--keep-going", ok=(0, 1))
    acc = json.loads(r.stdout)["accounting"]
    assert_balanced(acc)
    per = {f["path"]: f for f in acc["per_file"]}
    assert acc["failed_files"] == 3, per
    forbidden, dropped = per[f"{url}b-forbidden.jsonl"], per[f"{url}c-dropped.jsonl"]
    assert "permission denied" in forbidden["error"].lower(), forbidden
    assert "403" in forbidden["error"] or "Access Denied" in forbidden["error"], forbidden
    assert dropped["failed_files"] == 1 and dropped["error"], dropped
    assert per[missing]["failed_files"] == 1, per[missing]
    assert "no such object" in per[missing]["error"], per[missing]
    # The rest is scanned, whole.
    for ok in ("a-ok.jsonl", "d-ok.jsonl"):
        f = per[url + ok]
        assert (f["failed_files"], f["bytes_read"]) == (0, len(body)), f
        assert f["records"] > 0
    # Each failure is named on stderr and in the audit entry.
    err = r.stderr.decode()
    assert "failed" in err.lower() or "unreadable" in err.lower(), err
    entry = json.loads(audit_log.read_text().splitlines()[-1])
    inputs = {i["path"]: i for i in entry["inputs"]}
    assert inputs[url + "a-ok.jsonl"]["sha256"] is None
    assert inputs[url + "a-ok.jsonl"]["etag"]
    assert inputs[url + "b-forbidden.jsonl"]["error"]
    # --keep-going: the same accounting, and the exit code of the findings.
    assert json.loads(keep.stdout)["accounting"]["failed_files"] == 3
    # The dropped object was retried a bounded number of times.
    gets = [p for m, p in proxy.requests if m == "GET" and "c-dropped" in p]
    assert 1 <= len(gets) <= 2 * 3, gets


def test_no_credentials_in_any_output(s3: str, tree: Path, tmp_path: Path) -> None:
    audit_log = tmp_path / "audit.jsonl"
    outs = []
    for fmt in ("json", "sarif", "jsonl", "table"):
        r = _scan(f"s3://{BUCKET}/{PREFIX}sample/", "--endpoint-url", s3, "--format", fmt,
                  "--audit-log", str(audit_log))
        outs += [r.stdout, r.stderr]
    outs.append(audit_log.read_bytes())
    for blob in outs:
        assert SECRET_KEY.encode() not in blob


def test_endpoint_url_must_be_http(s3: str) -> None:
    r = run_cli("scan", "s3://b/", "--endpoint-url", "ftp://x")
    assert r.returncode == 2, r.stderr.decode()
    assert "--endpoint-url" in r.stderr.decode()


def test_unknown_bucket_is_a_named_failure(s3: str) -> None:
    r = _scan(f"s3://no-such-bucket-{id(s3)}/x/", "--endpoint-url", s3, "--format", "json",
              "--no-audit-log", ok=(3,))
    acc = json.loads(r.stdout)["accounting"]
    assert acc["failed_files"] == 1, acc
    assert acc["per_file"][0]["error"], acc
