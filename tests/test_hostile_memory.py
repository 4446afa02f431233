"""Issue 17, "memory that grows with findings": a baseline of a million
entries and a store of a million findings are used through the real CLI
in a bounded amount of memory. Peak RSS is measured in a fresh process (a
wrapper that runs the CLI and reads its children's peak), so other tests'
subprocesses do not count; benches/hostile.py has the 5-million figures."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import orjson
import polars as pl
import pytest
from borderscan import report
from conftest import run_cli

# Peak RSS a scan or a report may take here. The interpreter, Polars and the
# engine take about 110 MB; what held every entry in memory took 1 GB or more.
BOUND_MB = 300

_WRAPPER = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
sys.stderr.buffer.write(code.stderr)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024, code.returncode)
"""


def peak_mb(*args: str) -> tuple[int, int]:
    """(peak RSS in MB, exit code) of one CLI command."""
    r = subprocess.run([sys.executable, "-c", _WRAPPER, sys.executable, "-m", "borderscan",
                        *args], capture_output=True, timeout=600)
    assert r.returncode == 0, r.stderr.decode(errors="replace")
    mb, code = r.stdout.split()
    return int(mb), int(code)


def email(i: int) -> str:
    return f"user{i}@example{i % 97}.com"


def write_baseline(path: Path, n: int, also: list[str]) -> None:
    """A baseline of `n` entries as `baseline create` writes them (every
    key), plus the fingerprints in `also` (findings of the scanned file)."""
    fps = [f"{(i * 2654435761) % (1 << 64):016x}" for i in range(n)] + also
    with path.open("wb") as f:
        f.write(b'{"version": 1, "tool": {"name": "borderscan"}, "inputs": [], "findings": [')
        for start in range(0, len(fps), 100_000):
            chunk = [{"fingerprint": fp, "path": f"feed/{i}.jsonl", "line": i,
                      "detector": "personal.email", "category": "personal",
                      "field": "user.email", "evidence": "u***@e***.com",
                      "dest_host": "api.example.cn", "dest_country": "CN",
                      "verdict": "violation", "severity": "high", "rule": None,
                      "occurrences": 1}
                     for i, fp in enumerate(fps[start:start + 100_000], start)]
            f.write((b"," if start else b"") + orjson.dumps(chunk)[1:-1])
        f.write(b"]}\n")


def test_a_baseline_of_a_million_entries_is_read_in_bounded_memory(tmp_path: Path) -> None:
    src = tmp_path / "one.jsonl"
    src.write_text('{"user": {"email": "' + email(1) + '"}, "note": "' + email(2) + '"}\n')
    first = tmp_path / "first.json"
    r = run_cli("baseline", "create", str(src), "-o", str(first))
    assert r.returncode == 0, r.stderr.decode()
    known = [e["fingerprint"] for e in orjson.loads(first.read_bytes())["findings"]]
    assert len(known) == 2
    base = tmp_path / "big.json"
    # One of the file's two findings is accepted: the other is reported.
    write_baseline(base, 1_000_000, known[:1])
    assert base.stat().st_size > 250 << 20
    out = tmp_path / "findings.json"
    mb, code = peak_mb("scan", str(src), "--baseline", str(base), "--format", "json",
                       "--out", str(out), "--no-audit-log", "-q")
    assert code in (0, 1)
    doc = orjson.loads(out.read_bytes())
    assert [f["fingerprint"] for f in doc["findings"]] == known[1:]
    b = doc["baseline"]
    assert b["matched"] == 1
    # Every other entry is absent: counted, and the first thousand listed.
    assert b["absent_count"] == 1_000_000
    assert len(b["absent"]) == 1000 and b["absent"] == sorted(b["absent"])
    assert mb < BOUND_MB, f"peak RSS {mb} MB with a 1M-entry baseline"


def test_entries_no_longer_found_are_shown_from_the_file(tmp_path: Path) -> None:
    src = tmp_path / "one.jsonl"
    src.write_text('{"user": {"email": "' + email(1) + '"}}\n')
    base = tmp_path / "base.json"
    write_baseline(base, 30, [])
    r = run_cli("scan", str(src), "--baseline", str(base), "--format", "table",
                "--no-audit-log")
    out = r.stdout.decode()
    assert "30 baseline entr(ies) no longer found" in out, out
    # The summary names them from the file, in file order (top 10).
    gone = [line.split()[1] for line in out.splitlines() if line.strip().startswith("gone:")]
    fps = [f"{(i * 2654435761) % (1 << 64):016x}" for i in range(30)]
    assert gone == fps[:len(gone)] and len(gone) >= 5, out


def test_report_history_of_a_million_findings_in_bounded_memory(tmp_path: Path) -> None:
    src = tmp_path / "many.jsonl"
    with src.open("w") as f:
        for i in range(1_000_000):
            f.write('{"user": {"email": "' + email(i) + '"}, "url": "https://api.example.cn/x"}\n')
    store = tmp_path / "store"
    r = run_cli("scan", str(src), "--format", "table", "-q", "--no-audit-log",
                "--store", str(store), "--destination", "CN")
    assert r.returncode in (0, 1), r.stderr.decode()
    page = tmp_path / "report.html"
    mb, code = peak_mb("report", "--history", str(store), "--out", str(page))
    assert code == 0
    assert page.stat().st_size > 0
    assert mb < BOUND_MB, f"peak RSS {mb} MB for report --history of 1M findings"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_top_findings_of_a_store_equal_the_top_of_its_rows(seed: int) -> None:
    # The streamed top (Polars) picks the same rows in the same order as the
    # list one, ties kept in scan order.
    rng = random.Random(seed)
    severities = [*report.SEVERITY_RANK, None]
    rows = [{"verdict": rng.choice(["violation", "unknown", "allowed", None]),
             "severity": rng.choice(severities), "line": i} for i in range(5000)]
    frame = pl.DataFrame(rows, schema={"verdict": pl.String, "severity": pl.String,
                                       "line": pl.Int64})
    for n in (1, 50, 4000):
        assert report.top_stored_findings(frame.lazy(), n) == report.top_findings(rows, n)
