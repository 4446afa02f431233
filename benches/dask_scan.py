"""A scan spread over a Dask cluster against the single-process scan.

Generates (or reuses) the JSON Lines corpus of bench_scan.py, starts a
`distributed.LocalCluster` of N worker processes (one thread each), and times
`borderscan scan FILE --format FMT --out OUT -q` with and without
`--scheduler`. The cluster's start-up is not counted; its workers' peak
memory is sampled while the scan runs. With --check the two outputs are
compared byte for byte (use a file output: parquet or json).

    python benches/dask_scan.py --size 1GB --workdir /tmp/bench1g
    python benches/dask_scan.py --size 50MB --runs 1 --format parquet --check   # quick
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT / "benches" / "generate.py"


def corpus(workdir: Path, size: str) -> Path:
    d = workdir / f"corpus-{size}"
    f = d / "telemetry.jsonl"
    if not f.exists():
        subprocess.run([sys.executable, str(GENERATOR), "--out", str(d), "--size", size,
                        "--format", "jsonl", "--seed", "42"], check=True)
    return f


def timed(cmd: list[str]) -> tuple[float, float, int]:
    """(wall s, CPU s of the command, its peak RSS MiB); raises if it fails."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert p.stderr is not None
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)}: exit {code}\n{err.decode()}")
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss // 1024


class WorkerMemory:
    """Peak RSS of the cluster's workers, sampled every 0.2 s."""

    def __init__(self, client) -> None:
        self.client, self.peak, self._stop = client, 0, threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        while not self._stop.wait(0.2):
            pids = self.client.run(os.getpid)
            total = 0
            for pid in pids.values():
                with contextlib.suppress(psutil.NoSuchProcess):
                    total += psutil.Process(pid).memory_info().rss
            self.peak = max(self.peak, total)

    def __enter__(self) -> WorkerMemory:
        self._t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="1GB")
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--format", default="json")
    ap.add_argument("--check", action="store_true", help="compare the two outputs")
    args = ap.parse_args()
    import distributed

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bs-dask-"))
    workdir.mkdir(parents=True, exist_ok=True)
    src = corpus(workdir, args.size)
    size = src.stat().st_size

    def out(name: str) -> str:
        return str(workdir / f"{name}.{args.format}") if args.check else os.devnull

    base = [sys.executable, "-m", "borderscan", "scan", str(src), "--format", args.format,
            "-q", "--no-audit-log"]
    rows = []
    for _ in range(args.runs):
        rows.append(("local", *timed([*base, "--out", out("local")]), 0))
    with distributed.LocalCluster(n_workers=args.workers, threads_per_worker=1,
                                  processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        for _ in range(args.runs):
            with WorkerMemory(client) as mem:
                wall, cpu, rss = timed([*base, "--out", out("dask"), "--scheduler",
                                        cluster.scheduler_address])
            rows.append((f"dask, {args.workers} workers", wall, cpu, rss, mem.peak >> 20))
    if args.check:
        same = Path(out("local")).read_bytes() == Path(out("dask")).read_bytes()
        print(f"outputs identical: {same}")
        if not same:
            raise SystemExit(1)
    print(f"{size:,} bytes; {platform.node()}, {os.cpu_count()} cpus")
    print("| scan | wall s | client CPU s | client peak RSS MiB | workers' peak RSS MiB "
          "| MB/s wall |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, wall, cpu, rss, wrss in rows:
        print(f"| {name} | {wall:.2f} | {cpu:.2f} | {rss} | {wrss or '-'} "
              f"| {size / 1e6 / wall:.0f} |")


if __name__ == "__main__":
    main()
