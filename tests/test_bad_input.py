"""Bad input: counted, named, and the rest of the scan goes on."""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys

import borderscan
import orjson
import pytest
from conftest import run_cli

GOOD = b'{"site":"JP-OSA-03","operator":{"email":"sato.k@example.jp"}}\n'


def scan_dir(path, *extra):
    r = run_cli("scan", str(path), "--format", "json", *extra)
    return r, orjson.loads(r.stdout) if r.stdout else None


def per_file(doc, name):
    return next(f for f in doc["accounting"]["per_file"] if f["path"].endswith(name))


def test_each_bad_input_is_counted_and_the_rest_scanned(tmp_path):
    (tmp_path / "good.jsonl").write_bytes(GOOD)
    (tmp_path / "malformed.jsonl").write_bytes(b'{"a": 1}\n{"a": }\n' + GOOD)
    (tmp_path / "ragged.csv").write_bytes(b"a,b,c\n1,2,3\n1,2\n4,5,6,7\n")
    (tmp_path / "utf8.jsonl").write_bytes(b'{"a": "\xff\xfe"}\n' + GOOD)
    (tmp_path / "empty.log").write_bytes(b"")
    full = gzip.compress(GOOD * 5000)
    (tmp_path / "cut.log.gz").write_bytes(full[: len(full) // 2])
    if shutil.which("zstd"):
        z = subprocess.run(["zstd", "-c", "-q"], input=GOOD * 50000, capture_output=True,
                           check=True).stdout
        (tmp_path / "cut.zst").write_bytes(z[: len(z) // 2])
    os.symlink(tmp_path / "nowhere", tmp_path / "dangling.log")

    r, doc = scan_dir(tmp_path)
    err = r.stderr.decode()
    acc = doc["accounting"]
    assert r.returncode == 3, err  # unreadable input: exit 3 by default
    assert per_file(doc, "malformed.jsonl")["unparseable"] == 1
    assert acc["unparseable_reasons"]["invalid_json"]["first"][0]["line"] == 2
    assert per_file(doc, "ragged.csv")["unparseable"] == 2
    assert acc["unparseable_reasons"]["ragged_row"]["count"] == 2
    assert per_file(doc, "utf8.jsonl")["unparseable"] == 1
    assert per_file(doc, "empty.log")["records"] == 0
    cut = per_file(doc, "cut.log.gz")
    assert cut["failed_files"] == 1 and "gzip" in cut["error"] and cut["records"] > 0
    if shutil.which("zstd"):
        assert per_file(doc, "cut.zst")["failed_files"] == 1
    assert "broken symbolic link" in per_file(doc, "dangling.log")["error"]
    # Each problem is named with its place on stderr.
    assert "dangling.log" in err and "cut.log.gz" in err and "invalid_json" in err
    # ... and the good records of every file were scanned.
    emails = [f for f in doc["findings"] if f["detector"] == "personal.email"]
    files_with_email = {f["path"].rsplit("/", 1)[-1] for f in emails}
    assert {"good.jsonl", "malformed.jsonl", "utf8.jsonl", "cut.log.gz"} <= files_with_email
    # --keep-going accepts unreadable inputs; --strict refuses any problem.
    r2, _ = scan_dir(tmp_path, "--keep-going")
    assert r2.returncode == 0
    r3, _ = scan_dir(tmp_path, "--keep-going", "--strict")
    assert r3.returncode == 3


def test_strict_fails_on_unparseable_records(tmp_path):
    (tmp_path / "m.jsonl").write_bytes(b'{"a": \n')
    r, _ = scan_dir(tmp_path)
    assert r.returncode == 0
    r, _ = scan_dir(tmp_path, "--strict")
    assert r.returncode == 3


def test_hundred_megabyte_single_line(tmp_path):
    p = tmp_path / "huge.log"
    with open(p, "wb") as fh:
        fh.write(b"x" * (100 << 20))
        fh.write(b"\n" + GOOD)
    res = borderscan.scan([p])
    assert res.accounting["truncated_lines"] == 1
    assert res.accounting["records"] == 2
    assert res.findings.filter(detector="personal.email").height == 1


def test_binary_file_skipped(tmp_path):
    (tmp_path / "fw.bin").write_bytes(b"\x00\x01\x02" * 1000)
    res = borderscan.scan([tmp_path])
    assert res.accounting["binary_skipped"] == 1
    assert res.accounting["binary_bytes_skipped"] == 3000


def _as_unprivileged(cmd: list[str]) -> list[str]:
    """Root reads everything; drop the capabilities that bypass file modes so
    the permission check is real (the user stays root, so Python is found)."""
    if os.geteuid() != 0:
        return cmd
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *cmd]


def test_unreadable_directory_and_file(tmp_path):
    d = tmp_path / "locked"
    d.mkdir()
    (d / "secret.log").write_bytes(GOOD)
    (tmp_path / "open.log").write_bytes(GOOD)
    (tmp_path / "noread.log").write_bytes(GOOD)
    (tmp_path / "noread.log").chmod(0)
    d.chmod(0)
    try:
        cmd = _as_unprivileged([sys.executable, "-m", "borderscan", "scan", str(tmp_path),
                                "--format", "json"])
        r = subprocess.run(cmd, capture_output=True, timeout=300)
        doc = orjson.loads(r.stdout)
        assert r.returncode == 3, r.stderr.decode()
        locked = per_file(doc, "locked")
        assert locked["failed_files"] == 1 and "permission denied" in locked["error"]
        noread = per_file(doc, "noread.log")
        assert noread["failed_files"] == 1 and "permission denied" in noread["error"]
        assert per_file(doc, "open.log")["records"] == 1
        assert "locked" in r.stderr.decode()
    finally:
        d.chmod(0o755)
        (tmp_path / "noread.log").chmod(0o644)
