"""Throughput benchmark: borderscan vs ripgrep vs a Polars baseline vs `cat`.

Generates a JSON Lines telemetry corpus (benches/generate.py) in a temporary
directory, then measures, side by side and each as a subprocess:

  cat          cat FILE > /dev/null                      (the reading limit)
  borderscan   python -m borderscan scan FILE --format json --out /dev/null -q
               with --threads 1 and with the default (all cores)
  ripgrep      rg --no-unicode -c -f benches/patterns.txt FILE   (one core)
  polars       python benches/polars_baseline.py FILE    (same patterns, Polars)

For each: median wall seconds over N runs, median CPU seconds (user+sys of that
child, from wait4), peak RSS (ru_maxrss of that child), MB/s wall and MB/s per
CPU-second (MB = 10^6 bytes). Then borderscan-vs-ripgrep and vs-Polars ratios and
a memory-growth row (borderscan peak RSS on the full corpus vs a small one).
The result is printed and appended as a Markdown section to benches/RESULTS.md.

    python benches/bench_scan.py [--size 1GB] [--runs 3] [--workdir DIR] [--keep]
                                 [--skip polars,rg] [--small-size 200MB]
                                 [--timeout 1800] [--results benches/RESULTS.md]

It is a benchmark, not a test: it asserts nothing about timings. Runs are
page-cache warm (the corpus is read once before anything is timed).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
GENERATOR = ROOT / "benches" / "generate.py"
PATTERNS = HERE / "patterns.txt"
POLARS_BASELINE = HERE / "polars_baseline.py"
RESULTS = HERE / "RESULTS.md"

SKIPPABLE = ("cat", "borderscan", "threads1", "rg", "polars", "memory")
MIB = 1 << 20
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------ sizes


def parse_size(s: str) -> int:
    """`200MB`, `1GB`, `1.5G`, `500KiB`, `123` -> bytes (binary multiples, like the generator)."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:I?B)?\s*", s.upper())
    if not m:
        raise argparse.ArgumentTypeError(f"bad size {s!r} (e.g. 50MB, 200MB, 1GB)")
    mult = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}[m.group(2)]
    n = int(float(m.group(1)) * mult)
    if n <= 0:
        raise argparse.ArgumentTypeError(f"size must be positive: {s!r}")
    return n


def fmt_size(n: int) -> str:
    for unit, mult in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= mult:
            return f"{n / mult:.3g} {unit}"
    return f"{n} B"


def gen_size_arg(n: int) -> str:
    """Bytes -> a size string the generator accepts."""
    if n % (1 << 30) == 0:
        return f"{n >> 30}GB"
    if n % (1 << 20) == 0:
        return f"{n >> 20}MB"
    if n % (1 << 10) == 0:
        return f"{n >> 10}KB"
    return str(n)


# ------------------------------------------------------------------ running


@dataclass
class Run:
    wall: float
    cpu: float
    rss_kib: int
    rc: int
    stdout: str = ""
    stderr: str = ""
    timed_out: bool = False


def run_once(argv: list[str], timeout: float, scratch: Path, want_stdout: bool) -> Run:
    """Run argv as a child in its own session; wall from perf_counter, CPU and RSS from wait4."""
    out_path = scratch / "stdout.txt"
    err_path = scratch / "stderr.txt"
    rss_path = scratch / "maxrss.txt"
    rss_path.unlink(missing_ok=True)
    if GNU_TIME:
        # The child's own ru_maxrss, as wait4 reports it, starts at this Python
        # process's high-water RSS (the kernel carries it over the fork+exec); a
        # tiny /usr/bin/time in between reports the command's own peak instead.
        argv = [GNU_TIME, "-f", "%M", "-o", str(rss_path), *argv]
    with open(out_path, "wb") as out_f, open(err_path, "wb") as err_f:
        t0 = time.perf_counter()
        p = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=out_f if want_stdout else subprocess.DEVNULL,
            stderr=err_f,
            start_new_session=True,
        )
        lock = threading.Lock()
        state = {"done": False, "killed": False}

        def kill() -> None:
            with lock:
                if not state["done"]:
                    state["killed"] = True
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(p.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.daemon = True
        timer.start()
        try:
            # Wait without reaping, so the timer can never signal a recycled pid.
            os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOWAIT)
            wall = time.perf_counter() - t0
            with lock:
                state["done"] = True
            timer.cancel()
            _, status, ru = os.wait4(p.pid, 0)
        except BaseException:
            timer.cancel()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.wait4(p.pid, 0)
            raise
        p.returncode = os.waitstatus_to_exitcode(status)  # keep Popen from waiting again
    rss_kib = ru.ru_maxrss  # KiB on Linux; an upper bound, see above
    with contextlib.suppress(OSError, ValueError, IndexError):
        rss_kib = int(rss_path.read_text().split()[-1])
    return Run(
        wall=wall,
        cpu=ru.ru_utime + ru.ru_stime,
        rss_kib=rss_kib,
        rc=p.returncode,
        stdout=out_path.read_text(errors="replace") if want_stdout else "",
        stderr=err_path.read_text(errors="replace"),
        timed_out=state["killed"],
    )


@dataclass
class Row:
    name: str
    argv: list[str]
    display: str
    nbytes: int
    runs: list[Run] = field(default_factory=list)
    error: str | None = None
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.runs)

    @property
    def wall(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def rss_mib(self) -> float:
        return max(r.rss_kib for r in self.runs) / 1024

    @property
    def mbps_wall(self) -> float:
        return self.nbytes / 1e6 / max(self.wall, 1e-9)

    @property
    def mbps_cpu(self) -> float:
        return self.nbytes / 1e6 / max(self.cpu, 1e-9)


def measure(
    name: str,
    argv: list[str],
    nbytes: int,
    *,
    runs: int,
    timeout: float,
    scratch: Path,
    ok_codes: tuple[int, ...] = (0,),
    want_stdout: bool = False,
    display: str | None = None,
) -> Row:
    row = Row(name, argv, display or shlex.join(argv), nbytes)
    for i in range(runs):
        log(f"{name}: run {i + 1}/{runs}: {row.display}")
        try:
            r = run_once(argv, timeout, scratch, want_stdout)
        except OSError as e:
            row.error = f"could not start: {e}"
            break
        if r.timed_out:
            row.error = f"timed out after {timeout:.0f}s"
            break
        if r.rc not in ok_codes:
            tail = " | ".join(r.stderr.strip().splitlines()[-5:])
            row.error = f"exit {r.rc}: {tail[:400]}"
            break
        log(f"{name}: {r.wall:.2f}s wall, {r.cpu:.2f}s cpu, {r.rss_kib / 1024:.0f} MiB peak")
        row.runs.append(r)
    if row.error:
        log(f"{name}: FAILED ({row.error})")
    return row


# ------------------------------------------------------------------ environment


def cmd_output(argv: list[str], timeout: float = 120) -> str | None:
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                           stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if p.returncode != 0:
        return None
    return (p.stdout or p.stderr).strip()


def machine_info(py: str, bs_cmd: list[str], rg: str | None) -> dict[str, str]:
    info: dict[str, str] = {}
    logical = os.cpu_count() or 0
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = logical
    info["cpus"] = f"{usable} usable (nproc), {logical} online"
    model = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    info["cpu model"] = model
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["memory"] = f"{int(line.split()[1]) / (1 << 20):.1f} GiB"
                break
    info["os"] = f"{platform.system()} {platform.release()} {platform.machine()}"
    info["python"] = cmd_output([py, "-c", "import sys; print(sys.version.split()[0])"]) or "?"
    bs_v = cmd_output([*bs_cmd, "--version"])
    info["borderscan"] = bs_v.splitlines()[0] if bs_v else "not available"
    rg_v = cmd_output([rg, "--version"]) if rg else None
    info["ripgrep"] = rg_v.splitlines()[0] if rg_v else "not available"
    pl_v = cmd_output([py, "-c", "import polars; print(polars.__version__)"])
    info["polars"] = pl_v or "not available"
    return info


def generate(out_dir: Path, size: int, timeout: float) -> Path:
    path = out_dir / "telemetry.jsonl"
    if path.exists() and path.stat().st_size > 0:
        log(f"reusing corpus {path} ({fmt_size(path.stat().st_size)})")
        return path
    out_dir.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, str(GENERATOR), "--out", str(out_dir), "--size", gen_size_arg(size),
            "--format", "jsonl", "--seed", "42"]
    log("generating: " + shlex.join(argv))
    t0 = time.perf_counter()
    subprocess.run(argv, check=True, timeout=timeout, stdin=subprocess.DEVNULL)
    log(f"generated {fmt_size(path.stat().st_size)} in {time.perf_counter() - t0:.1f}s")
    return path


def warm(path: Path) -> None:
    with open(path, "rb") as f:
        while f.read(8 * MIB):
            pass


# ------------------------------------------------------------------ report


def f2(x: float) -> str:
    return f"{x:.2f}" if x < 100 else f"{x:.0f}"


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b > 0 else "n/a"


def render(
    *, when: str, command: str, info: dict[str, str], nbytes: int, runs: int,
    rows: list[Row], mem: tuple[Row, Row] | None, matches: dict[str, str], notes: list[str],
) -> str:
    out = [f"## {when} - {fmt_size(nbytes)} JSON Lines corpus", ""]
    out.append(f"Command: `{command}`")
    out.append("")
    out.append(f"Corpus: `benches/generate.py --format jsonl --seed 42`, "
               f"{nbytes:,} bytes ({fmt_size(nbytes)}), page-cache warm; "
               f"{runs} run(s) per row, median wall and CPU, max peak RSS.")
    out.append("")
    out.append("Machine: " + "; ".join(f"{k}: {v}" for k, v in info.items()))
    out.append("")
    out.append("| Tool | Wall s | CPU s | Peak RSS MiB | MB/s wall | MB/s per CPU-s | Command |")
    out.append("|---|---:|---:|---:|---:|---:|---|")
    for r in rows:
        if r.ok:
            out.append(f"| {r.name} | {f2(r.wall)} | {f2(r.cpu)} | {r.rss_mib:.0f} | "
                       f"{r.mbps_wall:.0f} | {r.mbps_cpu:.0f} | `{r.display}` |")
        else:
            reason = (r.error or "skipped").replace("|", "/")
            out.append(f"| {r.name} | - | - | - | - | - | {reason} |")
    out.append("")

    by = {r.name: r for r in rows if r.ok}
    bs_rows = [n for n in ("borderscan --threads 1", "borderscan (all cores)") if n in by]
    others = [n for n in ("ripgrep", "polars baseline", "cat") if n in by]
    if bs_rows and others:
        out.append("Ratios (borderscan throughput / other throughput; > 1 means borderscan "
                   "is faster):")
        out.append("")
        out.append("| borderscan | vs | bytes per CPU-second | wall |")
        out.append("|---|---|---:|---:|")
        for b in bs_rows:
            for o in others:
                out.append(f"| {b} | {o} | {ratio(by[b].mbps_cpu, by[o].mbps_cpu)} | "
                           f"{ratio(by[b].mbps_wall, by[o].mbps_wall)} |")
        out.append("")

    if mem:
        small, large = mem
        out.append("Memory growth (borderscan, all cores, peak RSS):")
        out.append("")
        out.append("| Input | Bytes | Peak RSS MiB |")
        out.append("|---|---:|---:|")
        for r in (small, large):
            out.append(f"| {fmt_size(r.nbytes)} | {r.nbytes:,} | {r.rss_mib:.0f} |")
        out.append(f"| ratio large / small | {r.nbytes / small.nbytes:.1f}x | "
                   f"{ratio(large.rss_mib, small.rss_mib)} |")
        out.append("")

    if matches:
        out.append("Lines matching any pattern: " +
                   ", ".join(f"{k} {v}" for k, v in matches.items()) + ".")
        out.append("")
    for n in notes:
        out.append(f"- {n}")
    if notes:
        out.append("")
    return "\n".join(out)


# ------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--size", type=parse_size, default=parse_size("1GB"),
                    help="corpus size, e.g. 50MB, 200MB, 1GB (default 1GB)")
    ap.add_argument("--runs", type=int, default=3, help="runs per command (default 3)")
    ap.add_argument("--workdir", type=Path,
                    help="where to generate the corpus (default: a new temp dir); "
                    "an existing corpus there is reused")
    ap.add_argument("--keep", action="store_true", help="keep the generated corpus")
    ap.add_argument("--skip", default="",
                    help=f"comma-separated rows to skip: {','.join(SKIPPABLE)}")
    ap.add_argument("--small-size", type=parse_size, default=parse_size("200MB"),
                    help="small input for the memory-growth row (default 200MB, "
                    "at most a fifth of --size)")
    ap.add_argument("--timeout", type=float, default=1800.0,
                    help="seconds per command before it is killed (default 1800)")
    ap.add_argument("--results", type=Path, default=RESULTS,
                    help="Markdown file to append to (default benches/RESULTS.md); '-' = none")
    ap.add_argument("--borderscan", default=None, metavar="CMD",
                    help="command that runs borderscan (default: this python -m borderscan)")
    a = ap.parse_args(argv)

    skip = {s.strip() for s in a.skip.split(",") if s.strip()}
    unknown = skip - set(SKIPPABLE)
    if unknown:
        ap.error(f"unknown --skip value(s): {', '.join(sorted(unknown))}; "
                 f"choose from {', '.join(SKIPPABLE)}")
    if a.runs < 1:
        ap.error("--runs must be at least 1")
    if not GENERATOR.exists():
        print(f"error: corpus generator not found at {GENERATOR}", file=sys.stderr)
        return 2

    user_skip = set(skip)
    py = sys.executable
    bs_cmd = shlex.split(a.borderscan) if a.borderscan else [py, "-m", "borderscan"]
    rg = shutil.which("rg")
    notes: list[str] = []

    info = machine_info(py, bs_cmd, rg)
    for k, v in info.items():
        log(f"{k}: {v}")
    if "borderscan" not in skip and info["borderscan"] == "not available":
        msg = f"borderscan not runnable as `{shlex.join(bs_cmd)}`: skipping its rows"
        log(msg)
        notes.append(msg)
        skip |= {"borderscan", "threads1", "memory"}
    if a.borderscan:
        notes.append(f"borderscan was run as `{a.borderscan}` (not the default "
                     "`python -m borderscan`)")
    if "rg" not in skip and rg is None:
        msg = ("ripgrep (`rg`) not found on PATH: skipping its row "
               "(install with `apt-get install -y ripgrep`)")
        log(msg)
        notes.append(msg)
        skip.add("rg")
    if GNU_TIME is None:
        msg = ("/usr/bin/time not found (apt-get install -y time): peak RSS comes from "
               "wait4 and is floored at this harness's own RSS")
        log(msg)
        notes.append(msg)
    if "polars" not in skip and info["polars"] == "not available":
        msg = "polars not importable: skipping the Polars baseline"
        log(msg)
        notes.append(msg)
        skip.add("polars")

    auto_skipped = {
        "borderscan --threads 1": "threads1" in skip and "threads1" not in user_skip,
        "borderscan (all cores)": "borderscan" in skip and "borderscan" not in user_skip,
        "ripgrep": "rg" in skip and "rg" not in user_skip,
        "polars baseline": "polars" in skip and "polars" not in user_skip,
    }

    made_temp = a.workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="borderscan-bench-")) if made_temp else a.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    created: list[Path] = []
    try:
        big_dir = workdir / f"corpus-{gen_size_arg(a.size)}"
        if not big_dir.exists():
            created.append(big_dir)
        corpus = generate(big_dir, a.size, a.timeout)
        nbytes = corpus.stat().st_size
        scratch = workdir / "scratch"
        scratch.mkdir(exist_ok=True)
        created.append(scratch)
        with contextlib.suppress(KeyError, ValueError):
            mem_total = float(info["memory"].split()[0]) * (1 << 30)
            if nbytes > 0.8 * mem_total:
                notes.append("corpus is not much smaller than RAM: runs may read from disk")
        log(f"warming the page cache with {fmt_size(nbytes)}")
        warm(corpus)

        f = str(corpus)
        m = dict(runs=a.runs, timeout=a.timeout, scratch=scratch)
        bs_scan = [*bs_cmd, "scan", f, "--format", "json", "--out", "/dev/null", "-q"]
        bs_disp = shlex.join(["borderscan", *bs_scan[len(bs_cmd):]])
        rows: list[Row] = []
        matches: dict[str, str] = {}

        if "cat" not in skip:
            rows.append(measure("cat", ["cat", f], nbytes, display=f"cat {f} > /dev/null", **m))
        if "threads1" not in skip and "borderscan" not in skip:
            rows.append(measure("borderscan --threads 1", [*bs_scan, "--threads", "1"], nbytes,
                                ok_codes=(0, 1), display=bs_disp + " --threads 1", **m))
        if "borderscan" not in skip:
            rows.append(measure("borderscan (all cores)", bs_scan, nbytes, ok_codes=(0, 1),
                                display=bs_disp, **m))
        if "rg" not in skip:
            assert rg is not None
            r = measure("ripgrep", [rg, "--no-unicode", "-c", "-f", str(PATTERNS), f], nbytes,
                        ok_codes=(0, 1), want_stdout=True,
                        display=f"rg --no-unicode -c -f benches/patterns.txt {f}", **m)
            rows.append(r)
            if r.ok:
                matches["ripgrep"] = r.runs[-1].stdout.strip() or "0"
                notes.append("ripgrep memory-maps a large single file, so its peak RSS "
                             "counts the file's page-cache pages, not heap")
        if "polars" not in skip:
            r = measure("polars baseline", [py, str(POLARS_BASELINE), f], nbytes,
                        want_stdout=True, display=f"python benches/polars_baseline.py {f}", **m)
            rows.append(r)
            if r.ok:
                with contextlib.suppress(ValueError, KeyError):
                    res = json.loads(r.runs[-1].stdout)
                    matches["polars"] = str(res["any"])
                    notes.append(f"Polars baseline read lines with `{res['reader']}`, "
                                 f"{res['engine']} engine, polars {res['polars']}")

        for name, skipped in auto_skipped.items():
            if skipped:
                rows.append(Row(name, [], "", nbytes, error="skipped: not available (see notes)"))
        order = ["cat", *auto_skipped]
        rows.sort(key=lambda r: order.index(r.name))

        mem: tuple[Row, Row] | None = None
        large = next((r for r in rows if r.name == "borderscan (all cores)" and r.ok), None)
        if "memory" not in skip and large is not None:
            small_size = min(a.small_size, max(a.size // 5, 1 << 20))
            small_dir = workdir / f"corpus-{gen_size_arg(small_size)}"
            if not small_dir.exists():
                created.append(small_dir)
            small_corpus = generate(small_dir, small_size, a.timeout)
            warm(small_corpus)
            sf = str(small_corpus)
            small = measure("borderscan (all cores), small input",
                            [*bs_cmd, "scan", sf, "--format", "json", "--out", "/dev/null", "-q"],
                            small_corpus.stat().st_size, ok_codes=(0, 1), **m)
            if small.ok:
                mem = (small, large)

        if "cat" in by_name(rows) and by_name(rows)["cat"].ok:
            c = by_name(rows)["cat"]
            notes.append(f"cat reads at {c.mbps_wall:.0f} MB/s: the reading limit on this "
                         "machine with a warm page cache")

        when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        shown = ["python", "benches/bench_scan.py", *(sys.argv[1:] if argv is None else argv)]
        md = render(when=when, command=shlex.join(shown), info=info,
                    nbytes=nbytes, runs=a.runs, rows=rows, mem=mem, matches=matches,
                    notes=notes)
        print(md)
        if str(a.results) != "-":
            a.results.parent.mkdir(parents=True, exist_ok=True)
            new = not a.results.exists() or a.results.stat().st_size == 0
            with open(a.results, "a", encoding="utf-8") as fh:
                if new:
                    fh.write("# borderscan benchmark results\n\n"
                             "Appended by `benches/bench_scan.py`; see benches/README.md.\n\n")
                fh.write(md + "\n")
            log(f"appended to {a.results}")
    finally:
        if a.keep:
            log(f"kept {workdir}")
        elif made_temp:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            for p in created:
                shutil.rmtree(p, ignore_errors=True)
    return 0


def by_name(rows: list[Row]) -> dict[str, Row]:
    return {r.name: r for r in rows}


if __name__ == "__main__":
    sys.exit(main())
