"""The progress bar: on stderr, only when stderr is a terminal, fed by the
engine's counters (bytes as stored, records)."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import borderscan
import pytest


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    """About 40 MB of telemetry: long enough to show the bar with one thread."""
    path = tmp_path_factory.mktemp("progress") / "t.jsonl"
    rec = json.dumps({"site": "DE-MUC-01", "operator": {"email": "a.b@example.de"},
                      "sensor": {"t": 21.5, "p": 1013}, "endpoint": "https://x.example.cn/u"})
    with open(path, "w") as f:
        for _ in range(300_000):
            f.write(rec + "\n")
    return path


def run(args: list[str], *, tty: bool) -> tuple[int, str]:
    cmd = [sys.executable, "-m", "borderscan", *args]
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120"}
    if not tty:
        p = subprocess.run(cmd, capture_output=True, env=env, timeout=300)
        return p.returncode, p.stderr.decode(errors="replace")
    master, slave = pty.openpty()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=slave, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO once the child has closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return p.wait(timeout=300), b"".join(chunks).decode(errors="replace")


def test_bar_on_a_terminal_only(big: Path) -> None:
    args = ["scan", str(big), "--format", "json", "--out", os.devnull, "--threads", "1",
            "--no-audit-log"]
    code, err = run(args, tty=True)
    assert code in (0, 1), err
    assert "records/s" in err and "ETA" in err and "scanning" in err, err[-2000:]
    code, err = run(args, tty=False)
    assert code in (0, 1), err
    assert "records/s" not in err and "scanning" not in err, err[-2000:]
    # --quiet and --no-progress turn it off on a terminal too.
    for flag in ("-q", "--no-progress"):
        code, err = run([*args, flag], tty=True)
        assert "records/s" not in err, (flag, err[-2000:])


def test_counters_end_at_the_scans_totals(big: Path) -> None:
    counter = borderscan._core.ProgressCounter()
    for threads in (1, 3):
        counter = borderscan._core.ProgressCounter()
        r = borderscan.scan([big], threads=threads, progress=counter)
        assert counter.bytes == big.stat().st_size == r.accounting["bytes"]
        assert counter.records == r.accounting["records"] == 300_000


def test_counters_count_stored_bytes_of_compressed_input(big: Path, tmp_path: Path) -> None:
    import gzip

    gz = tmp_path / "t.jsonl.gz"
    gz.write_bytes(gzip.compress(big.read_bytes(), compresslevel=1))
    for threads in (1, 2):
        counter = borderscan._core.ProgressCounter()
        r = borderscan.scan([gz], threads=threads, progress=counter)
        assert counter.bytes == gz.stat().st_size
        assert counter.records == r.accounting["records"] == 300_000
