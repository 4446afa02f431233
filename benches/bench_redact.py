#!/usr/bin/env python3
"""`borderscan redact` against `borderscan scan` on the same generated corpus.

    python benches/bench_redact.py [--size 200MB] [--runs 1] [--workdir DIR] [--keep]
                                   [--threads 0] [--stream-size 200MB] [--append]

The corpus is `benches/generate.py --format all --seed 42` (one file per
format: JSON Lines, CSV, TSV, logfmt, two syslogs, text), each file about
--size / 7, under `--preset cn-industrial-export --destination DE`, the bar
of issue 19. Each tool runs --runs times (the median wall time is kept);
redact's run includes its proof (the scan of the copies) and is also timed
with `--no-verify`. Checks the bars on the result: the proof holds (exit 0),
every JSON line parses, line counts match but for dropped records. Then
`borderscan filter` (stdin to stdout) on a generated JSON Lines file and on
an OTLP export, each --stream-size (200 MB), against `scan` and `redact` of that file at one
thread each, its output checked to equal redact's. With --append, a row
goes to benches/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
POLICY = ["--preset", "cn-industrial-export", "--destination", "DE"]
UNITS = {"KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30}


def parse_size(s: str) -> int:
    for u, m in UNITS.items():
        if s.upper().endswith(u):
            return int(float(s[: -len(u)]) * m)
    return int(s)


def timed(cmd: list[str]) -> tuple[float, int, str]:
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    return time.perf_counter() - t, r.returncode, r.stdout + r.stderr


EXPORT = HERE.parent / "tests" / "data" / "otlp" / "collector-export.json"


def otlp_file(path: Path, size: int) -> None:
    """About `size` bytes of OpenTelemetry export lines: the collector
    export of tests/data/otlp, its addresses numbered line by line."""
    lines = EXPORT.read_bytes().replace(b"eu-central-1", b"cn-north-1").splitlines()
    with open(path, "wb") as fh:
        i = written = 0
        while written < size:
            for line in lines:
                out = (line.replace(b"li.wei@", b"li.wei%d@" % i)
                       .replace(b"anna.schmidt@", b"anna%d@" % i) + b"\n")
                fh.write(out)
                written += len(out)
            i += 1


def filter_runs(a: argparse.Namespace, work: Path, bs: list[str]) -> list[str]:
    """scan, redact and filter of a generated JSON Lines file and of an
    OTLP export, each --stream-size, one thread each; the table's rows."""
    size = parse_size(a.stream_size)
    jsonl = work / f"stream-{a.stream_size}.jsonl"
    if not jsonl.exists():
        gen = work / "stream-gen"
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--out", str(gen),
                        "--size", f"{size // 1024}KB", "--seed", "43", "--format", "jsonl"],
                       check=True)
        (made,) = gen.glob("*.jsonl")
        made.rename(jsonl)
    otlp = work / f"stream-{a.stream_size}.otlp.json"
    if not otlp.exists():
        otlp_file(otlp, size)
    table = ["| Input | Run | Wall s | MB/s | vs scan |", "|---|---|---:|---:|---:|"]
    one = ["--threads", "1"]
    for src in (jsonl, otlp):
        size = src.stat().st_size
        out = work / "stream-out"
        got = work / "filtered"
        runs = [
            ("scan", [*bs, "scan", str(src), *POLICY, *one, "--format", "json", "--out",
                      os.devnull, "-q", "--no-audit-log"], None),
            ("redact --no-verify", [*bs, "redact", str(src), "--out", str(out), *POLICY, *one,
                                    "--no-audit-log", "--no-verify", "-q"], None),
            ("filter", [*bs, "filter", *POLICY, "-q"], src),
        ]
        walls: dict[str, float] = {}
        for name, cmd, stdin in runs:
            times = []
            for _ in range(a.runs):
                if name.startswith("redact"):
                    shutil.rmtree(out, ignore_errors=True)
                t = time.perf_counter()
                if stdin is None:
                    r = subprocess.run(cmd, capture_output=True)
                else:
                    with open(stdin, "rb") as fin, open(got, "wb") as fout:
                        r = subprocess.run(cmd, stdin=fin, stdout=fout, stderr=subprocess.PIPE)
                times.append(time.perf_counter() - t)
                if r.returncode not in (0, 1):
                    raise SystemExit(f"{name} of {src.name}: exit {r.returncode}: "
                                     f"{r.stderr.decode(errors='replace')}")
            walls[name] = statistics.median(times)
            print(f"{src.name} {name}: {walls[name]:.2f} s, {size / walls[name] / 1e6:.1f} MB/s",
                  flush=True)
        if got.read_bytes() != (out / src.name).read_bytes():
            raise SystemExit(f"filter's output of {src.name} differs from redact's copy")
        for name, wall in walls.items():
            table.append(f"| {src.name} ({size / (1 << 20):.0f} MiB) | {name} | {wall:.2f} | "
                         f"{size / wall / 1e6:.1f} | {walls['scan'] / wall:.2f}x |")
    return table


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", default="200MB")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--workdir")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--stream-size", default="200MB",
                    help="size of the JSON Lines file and of the OTLP export piped through "
                         "`filter`")
    ap.add_argument("--append", action="store_true", help="append a row to RESULTS.md")
    a = ap.parse_args()
    total = parse_size(a.size)
    work = Path(a.workdir) if a.workdir else Path(tempfile.mkdtemp(prefix="bs-redact-"))
    corpus = work / f"corpus-{a.size}"
    if not corpus.exists():
        per_file = max(total // 7, 1 << 10)
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--out", str(corpus),
                        "--size", f"{per_file // 1024}KB", "--seed", "42"], check=True)
    size = sum(p.stat().st_size for p in corpus.iterdir())
    bs = [sys.executable, "-m", "borderscan"]
    threads = ["--threads", str(a.threads)]
    rows = []
    out = work / "out"

    def run(name: str, cmd: list[str], ok: tuple[int, ...]) -> tuple[str, float, str]:
        walls = []
        text = ""
        for _ in range(a.runs):
            shutil.rmtree(out, ignore_errors=True)
            wall, code, text = timed(cmd)
            if code not in ok:
                print(text, file=sys.stderr)
                raise SystemExit(f"{name}: exit {code}")
            walls.append(wall)
        wall = statistics.median(walls)
        rows.append((name, wall, " ".join(["borderscan", *cmd[3:]])))
        print(f"{name}: {wall:.2f} s, {size / wall / 1e6:.1f} MB/s", flush=True)
        return name, wall, text

    run("scan", [*bs, "scan", str(corpus), *POLICY, *threads, "--format", "json", "--out",
                 os.devnull, "-q", "--no-audit-log"], (0, 1))
    run("redact --no-verify", [*bs, "redact", str(corpus), "--out", str(out), *POLICY,
                               *threads, "--no-audit-log", "--no-verify"], (0,))
    _, _, said = run("redact (with its proof scan)",
                     [*bs, "redact", str(corpus), "--out", str(out), *POLICY, *threads,
                      "--no-audit-log"], (0,))
    print(said.strip())
    # The bars, on the last copy.
    for src in sorted(corpus.iterdir()):
        dst = out / src.name
        n_in = src.read_bytes().count(b"\n")
        lines = dst.read_bytes().splitlines()
        if src.suffix == ".jsonl":
            for line in lines:
                json.loads(line)
        print(f"  {src.name}: {n_in:,} lines in, {len(lines):,} out")
    scan_wall = rows[0][1]
    streams = filter_runs(a, work, bs)
    machine = (f"{os.cpu_count()} CPUs ({platform.processor() or platform.machine()}), "
               f"{platform.system()} {platform.release()}, Python {platform.python_version()}")
    table = ["| Run | Wall s | MB/s | vs scan | Command |", "|---|---:|---:|---:|---|"]
    for name, wall, cmd in rows:
        table.append(f"| {name} | {wall:.2f} | {size / wall / 1e6:.1f} | "
                     f"{scan_wall / wall:.2f}x | `{cmd}` |")
    report = "\n".join([
        f"## {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} - redact vs scan, "
        f"{size / (1 << 20):.0f} MiB generated corpus (7 formats)",
        "",
        f"Command: `python benches/bench_redact.py --size {a.size} --runs {a.runs}`",
        "",
        f"Machine: {machine}; median of {a.runs} run(s); page cache warm.",
        "",
        *table,
        "",
        "`filter` (one thread: a stream is one pipeline stage) against `scan` and "
        "`redact --no-verify` at `--threads 1` on the same file; the filter's output is "
        "checked to equal redact's copy byte for byte.",
        "",
        *streams,
        "",
    ])
    print(report)
    if a.append:
        with open(HERE / "RESULTS.md", "a", encoding="utf-8") as fh:
            fh.write("\n" + report)
    if not a.keep and not a.workdir:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
