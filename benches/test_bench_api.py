"""pytest-benchmark micro benchmarks of the Python API on a generated slice.

Run: `python3 -m pytest benches/test_bench_api.py --benchmark-only`
(not part of `make test`: timings belong in benches/RESULTS.md, not in
assertions). The end-to-end comparison with ripgrep and Polars is
`benches/bench_scan.py`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import borderscan
import pytest
from borderscan import api

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    subprocess.run([sys.executable, str(HERE / "generate.py"), "--out", str(out), "--size",
                    "20MB", "--format", "jsonl", "--seed", "42"], check=True,
                   capture_output=True)
    return out / "telemetry.jsonl"


def test_scan_to_dataframe(benchmark, corpus):
    res = benchmark(borderscan.scan, [corpus])
    assert res.findings.height > 0


def test_scan_summary_only(benchmark, corpus):
    acc, _summary, _packs = benchmark(api.scan_write, [corpus], "none", None, {})
    assert acc["records"] > 0


def test_scan_one_thread(benchmark, corpus):
    res = benchmark(borderscan.scan, [corpus], threads=1)
    assert res.accounting["failed_files"] == 0
