"""Throughput benchmark: borderscan vs ripgrep vs a Polars baseline vs `cat`, and more.

Generates a JSON Lines telemetry corpus (benches/generate.py) in a temporary
directory, then measures, side by side and each as a subprocess:

  cat          cat FILE > /dev/null                      (the reading limit)
  borderscan   python -m borderscan scan FILE --format json --out /dev/null -q
               with --threads 1 and with the default (all cores); and, one thread,
               --format table (the summary only) and --findings violations
  ripgrep      rg --no-unicode -c -f benches/patterns.txt FILE   (one core)
  polars       python benches/polars_baseline.py FILE    (same patterns, Polars)

For each: median wall seconds over N runs, median CPU seconds (user+sys of that
child, from wait4), peak RSS (ru_maxrss of that child), MB/s wall and MB/s per
CPU-second (MB = 10^6 bytes). Then borderscan-vs-ripgrep and vs-Polars ratios and
a memory-growth row (borderscan peak RSS on the full corpus vs a small one).

Then, each group skippable with --skip:

  scaling      borderscan on the file with --threads 1, 2, ... up to the core count
  manyfiles    the corpus split by lines into --split-files files, scanned as a
               directory with --threads 1 (2) and all cores
  compressed   gzip/pigz/zstd -dc of .gz/.zst copies vs borderscan on the same files
  memsizes     peak RSS at each of --memory-sizes (default 1GB,10GB)
  engine       the engine alone (target/release/examples/scan) vs Python
               borderscan.scan() on the small corpus, and examples/scan --json vs the CLI
  slice        borderscan, ripgrep, hyperscan_baseline.py (--slice-size) and
               presidio_baseline.py (--presidio-slice-size) on prefixes of the corpus
  outputs      every --format and --records on the small corpus (time, peak RSS,
               size, and issue 15's bars checked on the outputs), Parquet's memory
               on the main corpus (benches/outputs.py)

and a table of the performance targets, met or not. The result is printed and
appended as a Markdown section to benches/RESULTS.md, and written as JSON to
benches/results.json; --plot draws benches/throughput.svg (benches/plot.py).

    python benches/bench_scan.py [--size 1GB] [--runs 3] [--workdir DIR] [--keep]
                                 [--skip polars,rg] [--small-size 200MB]
                                 [--memory-sizes 1GB,10GB] [--slice-size 20MB]
                                 [--presidio-slice-size 10MB] [--plot]
                                 [--timeout 1800] [--results benches/RESULTS.md]

It is a benchmark, not a test: it asserts nothing about timings. Runs are
page-cache warm (every input is read once before it is timed).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.util
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
PRESIDIO_BASELINE = HERE / "presidio_baseline.py"
HYPERSCAN_BASELINE = HERE / "hyperscan_baseline.py"
PYTHON_API = HERE / "python_api.py"
PLOT = HERE / "plot.py"
RESULTS = HERE / "RESULTS.md"
RESULTS_JSON = HERE / "results.json"
PLOT_OUT = HERE / "throughput.svg"

SKIPPABLE = ("cat", "borderscan", "threads1", "rg", "polars", "memory",
             "scaling", "manyfiles", "compressed", "memsizes", "engine", "slice",
             "presidio", "hyperscan", "outputs")
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
            return f"{n / mult:.4g} {unit}"
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
    group: str = "main"

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

    @property
    def stdout(self) -> str:
        return self.runs[-1].stdout if self.runs else ""

    def to_json(self) -> dict:
        d: dict = {"name": self.name, "group": self.group, "tool": family(self.name),
                   "command": self.display, "bytes": self.nbytes, "ok": self.ok,
                   "runs": len(self.runs), "error": self.error}
        if self.ok:
            d.update(wall_s=round(self.wall, 4), cpu_s=round(self.cpu, 4),
                     peak_rss_mib=round(self.rss_mib, 1), mb_s_wall=round(self.mbps_wall, 2),
                     mb_s_per_cpu_s=round(self.mbps_cpu, 2))
        return d


def family(name: str) -> str:
    """The tool a row measures, for the JSON and the plot's colours."""
    n = name.lower()
    for prefix, fam in (("borderscan", "borderscan"), ("engine", "borderscan engine"),
                        ("python borderscan", "borderscan python"), ("ripgrep", "ripgrep"),
                        ("polars", "polars"), ("presidio", "presidio"),
                        ("hyperscan", "hyperscan"), ("cat", "cat"), ("gzip", "decompressor"),
                        ("pigz", "decompressor"), ("zstd", "decompressor")):
        if n.startswith(prefix):
            return fam
    return "other"


def skipped(name: str, nbytes: int, why: str, group: str) -> Row:
    return Row(name, [], "", nbytes, error=f"skipped: {why}", group=group)


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
    group: str = "main",
) -> Row:
    row = Row(name, argv, display or shlex.join(argv), nbytes, group=group)
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
    # Which source was measured; "+changes" when the checkout has edits.
    head = cmd_output(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    if head:
        dirty = cmd_output(["git", "-C", str(ROOT), "status", "--porcelain",
                            "--untracked-files=no"])
        info["commit"] = head + (" +changes" if dirty else "")
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


def rows_table(rows: list[Row]) -> list[str]:
    out = ["| Tool | Wall s | CPU s | Peak RSS MiB | MB/s wall | MB/s per CPU-s | Command |",
           "|---|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        if r.ok:
            out.append(f"| {r.name} | {f2(r.wall)} | {f2(r.cpu)} | {r.rss_mib:.0f} | "
                       f"{r.mbps_wall:.0f} | {r.mbps_cpu:.0f} | `{r.display}` |")
        else:
            reason = (r.error or "skipped").replace("|", "/")
            out.append(f"| {r.name} | - | - | - | - | - | {reason} |")
    return out


def render(
    *, when: str, command: str, info: dict[str, str], nbytes: int, runs: int,
    rows: list[Row], mem: tuple[Row, Row] | None, matches: dict[str, str], notes: list[str],
    sections: list[list[str]] | None = None,
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
    out.extend(rows_table(rows))
    out.append("")

    by = {r.name: r for r in rows if r.ok}
    bs_rows = [n for n in ("borderscan summary --threads 1", "borderscan violations --threads 1",
                           "borderscan --threads 1", "borderscan (all cores)") if n in by]
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
    for sec in sections or []:
        out.extend(sec)
        if sec and sec[-1] != "":
            out.append("")
    for n in notes:
        out.append(f"- {n}")
    if notes:
        out.append("")
    return "\n".join(out)


# ------------------------------------------------------------------ derived inputs


def copy_range(src: Path, out, start: int, length: int) -> None:
    """Append `length` bytes of `src` from `start` to the unbuffered file `out`."""
    with open(src, "rb") as s:
        off, left = start, length
        with contextlib.suppress(AttributeError, OSError):
            while left > 0:
                n = os.copy_file_range(s.fileno(), out.fileno(), left, off)
                if n == 0:
                    break
                off += n
                left -= n
        s.seek(off)
        while left > 0:
            buf = s.read(min(left, 8 * MIB))
            if not buf:
                break
            view = memoryview(buf)
            while view:
                view = view[out.write(view):]
            left -= len(buf)


def line_end_at_or_after(path: Path, pos: int) -> int:
    """Offset just past the first newline at or after byte pos-1 (the file size if none)."""
    if pos <= 0:
        return 0
    with open(path, "rb") as f:
        f.seek(pos - 1)
        f.readline()
        return f.tell()


def line_end_at_or_before(path: Path, pos: int) -> int:
    """Offset just past the last newline before byte `pos` (the next one if the line is long)."""
    with open(path, "rb") as f:
        start = max(0, pos - 4 * MIB)
        f.seek(start)
        i = f.read(pos - start).rfind(b"\n")
    return start + i + 1 if i >= 0 else line_end_at_or_after(path, pos)


def fresh(path: Path, src: Path) -> bool:
    """`path` exists, is not empty and was written after `src`."""
    return (path.exists() and path.stat().st_size > 0
            and path.stat().st_mtime_ns >= src.stat().st_mtime_ns)


def write_prefix(src: Path, dst: Path, size: int) -> Path:
    """The first `size` bytes of `src`, cut after a newline (reused when fresh)."""
    if fresh(dst, src):
        return dst
    cut = line_end_at_or_before(src, size)
    tmp = dst.with_name(dst.name + ".tmp")
    with open(tmp, "wb", buffering=0) as out:
        copy_range(src, out, 0, cut)
    tmp.rename(dst)
    log(f"wrote {dst} ({fmt_size(cut)})")
    return dst


def split_corpus(src: Path, out_dir: Path, n: int) -> list[Path]:
    """`src` cut by lines into n files of about equal size in out_dir (reused when complete)."""
    done = out_dir.with_name(out_dir.name + ".done")
    names = [out_dir / f"part-{i:02d}{''.join(src.suffixes)}" for i in range(n)]
    if (fresh(done, src) and all(p.exists() for p in names)
            and sum(p.stat().st_size for p in names) == src.stat().st_size):
        log(f"reusing {n} files in {out_dir}")
        return names
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    size = src.stat().st_size
    cuts = [0] + [line_end_at_or_after(src, size * i // n) for i in range(1, n)] + [size]
    for i, p in enumerate(names):
        lo, hi = cuts[i], max(cuts[i], cuts[i + 1])
        cuts[i + 1] = hi
        with open(p, "wb", buffering=0) as out:
            copy_range(src, out, lo, hi - lo)
    done.write_text(f"{size} bytes in {n} files\n")
    log(f"split {src.name} into {n} files in {out_dir}")
    return names


def concat_to_size(src: Path, dst: Path, size: int) -> Path:
    """Copies of `src` end to end, the last one cut after a newline: `size` bytes or a bit less."""
    src_size = src.stat().st_size
    with open(src, "rb") as f:
        f.seek(src_size - 1)
        sep = b"" if f.read(1) == b"\n" else b"\n"
    tmp = dst.with_name(dst.name + ".tmp")
    written = 0
    with open(tmp, "wb", buffering=0) as out:
        while written + src_size + len(sep) <= size:
            copy_range(src, out, 0, src_size)
            out.write(sep)
            written += src_size + len(sep)
        cut = line_end_at_or_before(src, size - written) if size > written else 0
        if 0 < cut <= size - written:
            copy_range(src, out, 0, cut)
    tmp.rename(dst)
    log(f"wrote {dst} ({fmt_size(dst.stat().st_size)}) from copies of {src}")
    return dst


def compress(src: Path, dst: Path, argv: list[str], timeout: float) -> Path:
    """`argv src > dst` (reused when fresh)."""
    if fresh(dst, src):
        log(f"reusing {dst} ({fmt_size(dst.stat().st_size)})")
        return dst
    tmp = dst.with_name(dst.name + ".tmp")
    log(f"compressing: {shlex.join([*argv, str(src)])} > {dst}")
    t0 = time.perf_counter()
    with open(tmp, "wb") as out:
        subprocess.run([*argv, str(src)], stdout=out, check=True, timeout=timeout,
                       stdin=subprocess.DEVNULL)
    tmp.rename(dst)
    log(f"wrote {dst} ({fmt_size(dst.stat().st_size)}) in {time.perf_counter() - t0:.1f}s")
    return dst


# ------------------------------------------------------------------ groups


@dataclass
class Ctx:
    a: argparse.Namespace
    skip: set[str]
    bs_cmd: list[str]
    bs_why: str | None  # why borderscan's rows are skipped when not by --skip
    py_cmd: list[str]
    rg: str | None
    corpus: Path
    nbytes: int
    workdir: Path
    derived: Path
    scratch: Path
    created: list[Path]
    notes: list[str]
    m: dict

    def note(self, msg: str) -> None:
        log(msg)
        self.notes.append(msg)

    @property
    def bs(self) -> bool:
        return "borderscan" not in self.skip

    def bs_scan(self, target: Path | str, *extra: str) -> tuple[list[str], str]:
        argv = [*self.bs_cmd, "scan", str(target), "--format", "json", "--out", "/dev/null",
                "-q", *extra]
        return argv, shlex.join(["borderscan", *argv[len(self.bs_cmd):]])

    def bs_row(self, name: str, target: Path | str, nbytes: int, group: str, *extra: str,
               runs: int | None = None) -> Row | None:
        """borderscan's row, a skipped row if it is not runnable, None if --skip'ped."""
        if not self.bs:
            return skipped(name, nbytes, self.bs_why, group) if self.bs_why else None
        argv, disp = self.bs_scan(target, *extra)
        m = dict(self.m, runs=runs or self.m["runs"])
        return measure(name, argv, nbytes, ok_codes=(0, 1), display=disp, group=group, **m)


@dataclass
class Section:
    rows: list[Row] = field(default_factory=list)
    md: list[str] = field(default_factory=list)
    data: dict = field(default_factory=dict)


def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def scaling_counts(spec: str | None, n: int) -> list[int]:
    if spec:
        return sorted({int(x) for x in spec.split(",") if x.strip()})
    out = list(range(1, min(n, 8) + 1))
    p = 16
    while p < n:
        out.append(p)
        p *= 2
    if n > 8:
        out.append(n)
    return out


def speedup_table(points: list[tuple[str, int, Row]], base: Row | None) -> list[str]:
    out = ["| Threads | Wall s | CPU s | MB/s wall | Speed-up vs 1 thread | Efficiency |",
           "|---|---:|---:|---:|---:|---:|"]
    for label, t, r in points:
        if not r.ok:
            out.append(f"| {label} | - | - | - | - | {(r.error or '').replace('|', '/')} |")
            continue
        if base is not None and base.ok:
            sp = base.wall / r.wall
            out.append(f"| {label} | {f2(r.wall)} | {f2(r.cpu)} | {r.mbps_wall:.0f} | "
                       f"{sp:.2f}x | {sp / t:.0%} |")
        else:
            out.append(f"| {label} | {f2(r.wall)} | {f2(r.cpu)} | {r.mbps_wall:.0f} | - | - |")
    return out


def points_json(points: list[tuple[str, int, Row]], base: Row | None) -> list[dict]:
    out = []
    for label, t, r in points:
        if r.ok:
            out.append({"label": label, "threads": t, "wall_s": round(r.wall, 4),
                        "cpu_s": round(r.cpu, 4),
                        "speedup": round(base.wall / r.wall, 4)
                        if base is not None and base.ok else None})
    return out


def group_scaling(ctx: Ctx, main: dict[str, Row]) -> Section:
    sec = Section()
    cpus = os.cpu_count() or 1
    counts = scaling_counts(ctx.a.scaling_threads, cpus)
    points: list[tuple[str, int, Row]] = []
    for t in counts:
        r = main.get("borderscan --threads 1") if t == 1 else None
        if r is None or not r.ok:
            r = ctx.bs_row(f"borderscan --threads {t}", ctx.corpus, ctx.nbytes, "scaling",
                           "--threads", str(t))
            if r is None:
                return sec
            sec.rows.append(r)
        points.append((str(t), t, r))
    base = points[0][2] if points and points[0][1] == 1 else None
    allc = main.get("borderscan (all cores)")
    rows = list(points)
    if allc is not None:
        rows.append((f"all cores (0 = {usable_cpus()})", usable_cpus(), allc))
    sec.md = ["### Thread scaling, one file", "",
              f"borderscan on the {fmt_size(ctx.nbytes)} corpus with `--threads N` (same "
              "options as the main row); speed-up = wall at 1 thread / wall at N; the 1-thread "
              "and all-cores rows are the main table's when measured there.", "",
              *speedup_table(rows, base), ""]
    sec.data = {"points": points_json(rows, base), "cpus": cpus}
    return sec


def group_manyfiles(ctx: Ctx) -> Section:
    sec = Section()
    n = ctx.a.split_files
    if not ctx.bs:
        if ctx.bs_why:
            sec.rows = [skipped(f"borderscan, {n} files", ctx.nbytes, ctx.bs_why, "manyfiles")]
            sec.md = ["### Thread scaling, many files", "", *rows_table(sec.rows), ""]
        return sec
    parts_dir = ctx.derived / f"split{n}"
    parts = split_corpus(ctx.corpus, parts_dir, n)
    for p in parts:
        warm(p)
    cpus = usable_cpus()
    counts = [1, 2] if cpus > 2 else [1]
    points: list[tuple[str, int, Row]] = []
    for t in counts:
        r = ctx.bs_row(f"borderscan --threads {t}, {n} files", parts_dir, ctx.nbytes,
                       "manyfiles", "--threads", str(t))
        assert r is not None
        points.append((str(t), t, r))
    r = ctx.bs_row(f"borderscan (all cores), {n} files", parts_dir, ctx.nbytes, "manyfiles")
    assert r is not None
    points.append((f"all cores (0 = {cpus})", cpus, r))
    sec.rows = [p[2] for p in points]
    base = points[0][2]
    sec.md = ["### Thread scaling, many files", "",
              f"The corpus cut by lines into {n} files of about {fmt_size(ctx.nbytes // n)} "
              f"(`{parts_dir}/part-NN.jsonl`), scanned as a directory: "
              f"`borderscan scan {parts_dir} --format json --out /dev/null -q [--threads N]`.",
              "", *rows_table(sec.rows), "", *speedup_table(points, base), ""]
    sec.data = {"files": n, "points": points_json(points, base)}
    return sec


def group_compressed(ctx: Ctx) -> Section:
    sec = Section()
    gzip_bin, pigz, zstd = shutil.which("gzip"), shutil.which("pigz"), shutil.which("zstd")
    f = ctx.corpus
    gz = ctx.derived / (f.name + ".gz")
    zst = ctx.derived / (f.name + ".zst")
    made: dict[str, str] = {}
    if pigz or gzip_bin:
        argv = [pigz, "-c"] if pigz else [gzip_bin, "-c"]
        made["gz"] = (f"`{'pigz' if pigz else 'gzip'} -c` (default level 6"
                      + (", all cores; a standard single-member gzip file" if pigz else "") + ")")
        compress(f, gz, argv, ctx.a.timeout)
        warm(gz)
    if zstd:
        made["zst"] = "`zstd -q -c -T0` (default level 3, all cores; one zstd frame)"
        compress(f, zst, [zstd, "-q", "-c", "-T0"], ctx.a.timeout)
        warm(zst)
    n = ctx.nbytes
    rows_by: dict[str, list[Row]] = {"gz": [], "zst": []}

    def tool(name: str, exe: str | None, comp: Path, key: str, install: str) -> None:
        label = f"{name} -dc, .{key}"
        if exe is None:
            r = skipped(label, n, f"{name} not found on PATH ({install})", "compressed")
            ctx.note(f"{name} not found on PATH: skipping `{name} -dc` ({install})")
        elif key not in made:
            r = skipped(label, n, f"no .{key} copy (no compressor)", "compressed")
        else:
            r = measure(label, [exe, "-dc", str(comp)], n, display=f"{name} -dc {comp} > /dev/null",
                        group="compressed", **ctx.m)
        rows_by[key].append(r)

    tool("gzip", gzip_bin, gz, "gz", "apt-get install -y gzip")
    tool("pigz", pigz, gz, "gz", "apt-get install -y pigz")
    for key, comp in (("gz", gz), ("zst", zst)):
        if key == "zst":
            tool("zstd", zstd, zst, "zst", "apt-get install -y zstd")
        if key in made:
            r = ctx.bs_row(f"borderscan (all cores), .{key}", comp, n, "compressed")
            if r is not None:
                rows_by[key].append(r)
    sec.rows = rows_by["gz"] + rows_by["zst"]
    if not sec.rows:
        return sec
    sec.md = ["### Compressed input", "",
              "The corpus compressed once into the work directory and reused: " +
              "; ".join(f"`.{k}` {fmt_size((gz if k == 'gz' else zst).stat().st_size)} "
                        f"({(gz if k == 'gz' else zst).stat().st_size / n:.1%} of the corpus) "
                        f"by {v}" for k, v in made.items()) +
              ". MB/s count uncompressed bytes. borderscan runs with the main row's options.",
              "", *rows_table(sec.rows), ""]
    table = ["| Input | Fastest decompression | Its wall s | borderscan wall s | "
             "borderscan / decompression, wall | CPU |", "|---|---|---:|---:|---:|---:|"]
    for key, rs in rows_by.items():
        dec = [r for r in rs if r.ok and family(r.name) == "decompressor"]
        bs = next((r for r in rs if r.ok and family(r.name) == "borderscan"), None)
        if not dec or bs is None:
            continue
        best = min(dec, key=lambda r: r.wall)
        sec.data[key] = {"decompressor": best.name.split(",")[0], "decompress_wall_s": best.wall,
                         "borderscan_wall_s": bs.wall, "ratio_wall": bs.wall / best.wall,
                         "ratio_cpu": bs.cpu / best.cpu}
        table.append(f"| .{key} | `{best.name.split(',')[0]}` | {f2(best.wall)} | {f2(bs.wall)} "
                     f"| {bs.wall / best.wall:.2f}x | {bs.cpu / best.cpu:.2f}x |")
    if len(table) > 2:
        sec.md += [*table, ""]
    return sec


def group_memsizes(ctx: Ctx, main: dict[str, Row]) -> Section:
    sec = Section()
    if not ctx.bs and not ctx.bs_why:
        return sec
    sizes = [parse_size(x) for x in ctx.a.memory_sizes.split(",") if x.strip()]
    entries: list[tuple[int, str, Row]] = []
    for size in sizes:
        label = f"borderscan (all cores), {fmt_size(size)}"
        if size == ctx.a.size and main.get("borderscan (all cores)") is not None:
            entries.append((size, "the main corpus (main table's row)",
                            main["borderscan (all cores)"]))
            continue
        if not ctx.bs:
            entries.append((size, "-", skipped(label, size, ctx.bs_why or "", "memsizes")))
            continue
        if size < ctx.a.size:
            d = ctx.workdir / f"corpus-{gen_size_arg(size)}"
            if not d.exists():
                ctx.created.append(d)
            path, how, temp = generate(d, size, ctx.a.timeout), "generated (seed 42)", False
        else:
            path = ctx.derived / f"memory-{gen_size_arg(size)}.jsonl"
            free = shutil.disk_usage(ctx.derived).free + (
                path.stat().st_size if path.exists() else 0)
            if free < size + 256 * MIB:
                why = (f"{fmt_size(free)} free in {ctx.derived}, {fmt_size(size)} needed")
                ctx.note(f"memory at {fmt_size(size)} skipped: {why}")
                entries.append((size, "-", skipped(label, size, why, "memsizes")))
                continue
            if not (path.exists() and path.stat().st_size > 0 and fresh(path, ctx.corpus)):
                concat_to_size(ctx.corpus, path, size)
            copies = size / ctx.nbytes
            how, temp = f"{copies:.3g} copies of the main corpus, concatenated", True
        try:
            warm(path)
            r = ctx.bs_row(label, path, path.stat().st_size, "memsizes", runs=1)
        finally:
            if temp and not ctx.a.keep:
                path.unlink(missing_ok=True)
                log(f"deleted {path}")
        assert r is not None
        entries.append((size, how, r))
        sec.rows.append(r)
    ok = [(s, how, r) for s, how, r in entries if r.ok]
    sec.md = ["### Peak RSS by input size", "",
              "borderscan with the main row's options, one run per size (the main corpus's "
              "row is reused). Inputs larger than the main corpus are copies of it "
              "concatenated (built in seconds instead of running the generator; the same "
              "records repeat), deleted afterwards unless `--keep`.", "",
              "| Input | Bytes | Made as | Wall s | MB/s wall | Peak RSS MiB | Peak RSS MB |",
              "|---|---:|---|---:|---:|---:|---:|"]
    for s, how, r in entries:
        if r.ok:
            sec.md.append(f"| {fmt_size(s)} | {r.nbytes:,} | {how} | {f2(r.wall)} | "
                          f"{r.mbps_wall:.0f} | {r.rss_mib:.0f} | {r.rss_mib * MIB / 1e6:.0f} |")
        else:
            sec.md.append(f"| {fmt_size(s)} | - | {how} | - | - | - | "
                          f"{(r.error or '').replace('|', '/')} |")
    if len(ok) >= 2:
        small, large = ok[0][2], ok[-1][2]
        sec.md.append(f"| ratio {fmt_size(ok[-1][0])} / {fmt_size(ok[0][0])} | "
                      f"{large.nbytes / small.nbytes:.1f}x | | | | "
                      f"{ratio(large.rss_mib, small.rss_mib)} | |")
    sec.md.append("")
    sec.data = {"sizes": [{"size": s, "bytes": r.nbytes, "made": how,
                           "peak_rss_mb": round(r.rss_mib * MIB / 1e6, 1)} for s, how, r in ok]}
    if len(ok) >= 2:
        sec.data["growth"] = ok[-1][2].rss_mib / ok[0][2].rss_mib
    return sec


def engine_binary(ctx: Ctx) -> Path | None:
    if ctx.a.engine_bin:
        p = Path(ctx.a.engine_bin)
        if os.access(p, os.X_OK):
            return p
        ctx.note(f"--engine-bin {p} is not executable: skipping the engine rows")
        return None
    tdir = Path(os.environ.get("CARGO_TARGET_DIR", "target"))
    binp = (tdir if tdir.is_absolute() else ROOT / tdir) / "release" / "examples" / "scan"
    cargo = shutil.which("cargo")
    if cargo and not ctx.a.no_build:
        argv = [cargo, "build", "--release", "--example", "scan"]
        log("building the engine example: " + shlex.join(argv) + f" (in {ROOT})")
        try:
            p = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True,
                               timeout=ctx.a.timeout, stdin=subprocess.DEVNULL)
            err = None if p.returncode == 0 else " | ".join(p.stderr.strip().splitlines()[-3:])
        except (OSError, subprocess.TimeoutExpired) as e:
            err = str(e)
        if err:
            ctx.note(f"`cargo build --release --example scan` failed ({err[:300]})" +
                     ("; using the existing binary, which may not match the installed package"
                      if binp.exists() else ""))
    elif not cargo and not binp.exists():
        ctx.note("cargo not found and no target/release/examples/scan: skipping the engine "
                 "rows (install Rust, or pass --engine-bin)")
    elif not cargo or ctx.a.no_build:
        ctx.note(f"engine example not rebuilt ({'--no-build' if cargo else 'no cargo'}): "
                 f"{binp} may not match the installed package")
    return binp if os.access(binp, os.X_OK) else None


ENGINE_OUT = re.compile(r"(\d+) findings, (\d+) records, (\d+) bytes, ([\d.]+) s")


def engine_stats(r: Row) -> tuple[int, float] | None:
    """findings and the engine's own seconds (median over runs) from examples/scan's output."""
    got = [ENGINE_OUT.search(x.stdout) for x in r.runs]
    if not got or not all(got):
        return None
    return int(got[-1].group(1)), statistics.median(float(g.group(4)) for g in got)


def python_stats(r: Row) -> tuple[int, float] | None:
    try:
        got = [json.loads(x.stdout) for x in r.runs]
        return int(got[-1]["findings"]), statistics.median(float(g["seconds"]) for g in got)
    except (ValueError, KeyError, TypeError, IndexError):
        return None


def pct(a: float, b: float) -> str:
    return f"{(a / b - 1) * 100:+.1f} %" if b > 0 else "n/a"


def group_engine(ctx: Ctx, small_input, main: dict[str, Row]) -> Section:
    sec = Section()
    binp = engine_binary(ctx)
    py_ok = cmd_output([*ctx.py_cmd, "-c", "import borderscan"]) is not None
    if not py_ok:
        ctx.note(f"`{shlex.join(ctx.py_cmd)} -c 'import borderscan'` failed: skipping the "
                 "Python API rows (make install, or pass --python)")
    if binp is None and not py_ok:
        return sec
    small = small_input()
    sn = small.stat().st_size
    sz = fmt_size(sn)
    py_disp = "python benches/python_api.py"
    pairs: list[tuple[str, Row, Row]] = []
    for label, extra in (("all cores", []), ("--threads 1", ["--threads", "1"])):
        if binp is not None:
            e = measure(f"engine alone (examples/scan), {label}, {sz}",
                        [str(binp), str(small), "--keep", *extra], sn, want_stdout=True,
                        group="engine",
                        display=shlex.join(["target/release/examples/scan", str(small), "--keep",
                                            *extra]),
                        **ctx.m)
        else:
            e = skipped(f"engine alone (examples/scan), {label}, {sz}", sn,
                        "no engine binary (see notes)", "engine")
        if py_ok:
            p = measure(f"Python borderscan.scan(), {label}, {sz}",
                        [*ctx.py_cmd, str(PYTHON_API), str(small), *extra], sn, want_stdout=True,
                        group="engine", display=shlex.join([*py_disp.split(), str(small), *extra]),
                        **ctx.m)
        else:
            p = skipped(f"Python borderscan.scan(), {label}, {sz}", sn,
                        "borderscan not importable (see notes)", "engine")
        sec.rows += [e, p]
        pairs.append((label, e, p))
    cli = main.get("borderscan (all cores)")
    ej = None
    if binp is not None:
        ej = measure(f"engine alone (examples/scan --json), all cores, {fmt_size(ctx.nbytes)}",
                     [str(binp), str(ctx.corpus), "--json"], ctx.nbytes, want_stdout=True,
                     group="engine",
                     display=f"target/release/examples/scan {ctx.corpus} --json", **ctx.m)
        sec.rows.append(ej)
    sec.md = ["### From Python vs the engine alone", "",
              f"Engine alone: `target/release/examples/scan FILE --keep [--threads N]` (Rust, "
              "no Python: scans, resolves, decides, builds the Arrow batches and keeps them "
              "all in memory with their summary, the work `borderscan.scan()` asks for; "
              "`--json` instead builds the summary and renders the JSON rows to a sink, as "
              "the CLI does). "
              "Python: `benches/python_api.py FILE` = `borderscan.scan([FILE])` plus "
              "`findings.height` (all findings held as a Polars DataFrame), on the "
              f"{sz} small corpus. Process overhead counts the interpreter's start and "
              "imports; in-call compares the timer around `borderscan.scan()` with the "
              "engine's own timer.", "", *rows_table(sec.rows), "",
              "| Pair | Wall, engine -> Python | Wall overhead | CPU, engine -> Python | "
              "CPU overhead | In-call wall overhead |", "|---|---:|---:|---:|---:|---:|"]
    for label, e, p in pairs:
        if not (e.ok and p.ok):
            continue
        es, ps = engine_stats(e), python_stats(p)
        incall = pct(ps[1], es[1]) if es and ps else "n/a"
        sec.md.append(f"| {label}, {sz} | {f2(e.wall)} -> {f2(p.wall)} s | {pct(p.wall, e.wall)} "
                      f"| {f2(e.cpu)} -> {f2(p.cpu)} s | {pct(p.cpu, e.cpu)} | {incall} |")
        sec.data[label] = {"engine_wall_s": e.wall, "python_wall_s": p.wall,
                           "engine_cpu_s": e.cpu, "python_cpu_s": p.cpu,
                           "wall_overhead": p.wall / e.wall - 1,
                           "cpu_overhead": p.cpu / e.cpu - 1,
                           "incall_wall_overhead": ps[1] / es[1] - 1 if es and ps else None}
        if es and ps and es[0] != ps[0]:
            ctx.note(f"findings differ, {label}: engine {es[0]}, Python {ps[0]}")
    if ej is not None and ej.ok and cli is not None and cli.ok:
        sec.md.append(f"| CLI main row vs `examples/scan --json`, {fmt_size(ctx.nbytes)} | "
                      f"{f2(ej.wall)} -> {f2(cli.wall)} s | {pct(cli.wall, ej.wall)} | "
                      f"{f2(ej.cpu)} -> {f2(cli.cpu)} s | {pct(cli.cpu, ej.cpu)} | - |")
        sec.data["cli_vs_engine_json"] = {"wall_overhead": cli.wall / ej.wall - 1,
                                          "cpu_overhead": cli.cpu / ej.cpu - 1}
    sec.md.append("")
    return sec


def json_counts(r: Row) -> dict | None:
    if not r.ok:
        return None
    with contextlib.suppress(ValueError):
        return json.loads(r.stdout)
    return None


def group_slice(ctx: Ctx) -> Section:
    sec = Section()
    a = ctx.a
    want_hs = "hyperscan" not in ctx.skip
    want_pr = "presidio" not in ctx.skip
    if want_hs and cmd_output([*ctx.py_cmd, "-c", "import hyperscan, numpy"]) is None:
        ctx.note("the Python `hyperscan` package (or numpy) is not importable: skipping the "
                 "hyperscan baseline (pip install hyperscan)")
        want_hs = False
        sec.rows.append(skipped("hyperscan baseline", a.slice_size, "hyperscan not installed",
                                "slice"))
    if want_pr and cmd_output([*ctx.py_cmd, "-c", "import presidio_analyzer"]) is None:
        ctx.note("presidio-analyzer is not importable: skipping the Presidio baseline "
                 "(pip install presidio-analyzer)")
        want_pr = False
        sec.rows.append(skipped("presidio baseline", a.presidio_slice_size,
                                "presidio-analyzer not installed", "slice"))

    def slice_of(size: int) -> Path:
        if size >= ctx.nbytes:
            return ctx.corpus
        return write_prefix(ctx.corpus, ctx.derived / f"slice-{gen_size_arg(size)}.jsonl", size)

    plan: dict[Path, list[str]] = {}
    label: dict[Path, str] = {}
    for size, tool, want in ((a.slice_size, "hyperscan", want_hs),
                             (a.presidio_slice_size, "presidio", want_pr)):
        if not want:
            continue
        path = slice_of(size)
        plan.setdefault(path, []).append(tool)
        label.setdefault(path, fmt_size(min(size, ctx.nbytes)))
    counts: dict[tuple[Path, str], int] = {}
    ratios: list[tuple[str, Row, Row]] = []
    extra: list[str] = []
    for path, which in plan.items():
        warm(path)
        n = path.stat().st_size
        tag = f"{label[path]} slice"
        bs = ctx.bs_row(f"borderscan (all cores), {tag}", path, n, "slice")
        if bs is not None:
            sec.rows.append(bs)
        rg = None
        if ctx.rg and "rg" not in ctx.skip:
            rg = measure(f"ripgrep, {tag}", [ctx.rg, "--no-unicode", "-c", "-f", str(PATTERNS),
                                             str(path)], n, ok_codes=(0, 1), want_stdout=True,
                         display=f"rg --no-unicode -c -f benches/patterns.txt {path}",
                         group="slice", **ctx.m)
            sec.rows.append(rg)
            if rg.ok:
                counts[(path, "rg")] = int(rg.stdout.strip() or 0)
        for tool in which:
            if tool == "hyperscan":
                r = measure(f"hyperscan baseline, {tag}",
                            [*ctx.py_cmd, str(HYPERSCAN_BASELINE), str(path)], n,
                            want_stdout=True, group="slice",
                            display=f"python benches/hyperscan_baseline.py {path}", **ctx.m)
            elif tool == "presidio":
                r = measure(f"presidio baseline, {tag}",
                            [*ctx.py_cmd, str(PRESIDIO_BASELINE), str(path)], n,
                            want_stdout=True, group="slice",
                            display=f"python benches/presidio_baseline.py {path}", **ctx.m)
            else:
                continue
            sec.rows.append(r)
            res = json_counts(r)
            if res is not None:
                counts[(path, tool)] = int(res["any"])
                detail = res.get("mode") or res.get("api")
                ver = res.get("hyperscan") or res.get("presidio")
                loop = n / 1e6 / max(float(res.get("cpu_seconds", 0)), 1e-9)
                extra.append(f"{tool} ({detail}; {tool} {ver}): {loop:.1f} MB/s per "
                             "CPU-second inside its scan loop, i.e. without the interpreter's "
                             "start, imports and compilation")
                rgc = counts.get((path, "rg"))
                if rgc is not None:
                    same = "equal" if rgc == int(res["any"]) else (
                        f"DIFFERENT: {int(res['any']) - rgc:+d}")
                    extra.append(f"lines matching any pattern on the {tag}: ripgrep {rgc}, "
                                 f"{tool} {res['any']} ({same})")
            if bs is not None and bs.ok and r.ok:
                ratios.append((tag, bs, r))
            if rg is not None and rg.ok and r.ok:
                ratios.append((tag, rg, r))
    if not sec.rows:
        return sec
    sec.md = ["### Baselines on a slice: hyperscan and Presidio", "",
              f"Slices are the first {fmt_size(a.slice_size)} (hyperscan) and "
              f"{fmt_size(a.presidio_slice_size)} (Presidio) of the corpus, cut after a "
              "newline; borderscan (main row's options) and ripgrep run on the same slices. "
              "Both baselines run the patterns.txt regexes, count lines matching any, and "
              "are single-threaded Python processes (their rows include the interpreter "
              "start and imports).", "", *rows_table(sec.rows), ""]
    if ratios:
        sec.md += ["| Slice | Tool | vs | bytes per CPU-second | wall |", "|---|---|---|---:|---:|"]
        for tag, x, y in ratios:
            sec.md.append(f"| {tag} | {x.name.split(',')[0]} | {y.name.split(',')[0]} | "
                          f"{ratio(x.mbps_cpu, y.mbps_cpu)} | {ratio(x.mbps_wall, y.mbps_wall)} |")
            sec.data.setdefault("ratios", []).append(
                {"slice": tag, "tool": x.name, "vs": y.name,
                 "per_cpu": x.mbps_cpu / y.mbps_cpu, "wall": x.mbps_wall / y.mbps_wall})
        sec.md.append("")
    sec.md += [f"- {x}" for x in extra]
    return sec


# ------------------------------------------------------------------ targets


def met(ok: bool | None) -> str:
    return "-" if ok is None else ("**met**" if ok else "not met")


def targets(ctx: Ctx, main: dict[str, Row], secs: dict[str, Section]) -> tuple[list[str], list]:
    """The issue's performance targets: (Markdown, JSON list)."""
    rows: list[tuple[str, str, bool | None]] = []
    # Issue 20's targets, one thread each, bytes per CPU-second.
    for mine, what, other, goal in (
            ("borderscan summary --threads 1", "summary-only (`--format table`)", "ripgrep", 1.0),
            ("borderscan violations --threads 1", "violations-only JSON", "ripgrep", 1.0),
            ("borderscan summary --threads 1", "summary-only (`--format table`)",
             "polars baseline", 10.0),
            ("borderscan --threads 1", "full findings JSON", "ripgrep", 0.5)):
        bs, o = main.get(mine), main.get(other)
        label = ("`rg --no-unicode -c -f`" if other == "ripgrep" else "the Polars baseline")
        t = f"{what}, one thread: bytes per CPU-second >= {goal:g}x {label}"
        if bs is not None and bs.ok and o is not None and o.ok:
            x = bs.mbps_cpu / o.mbps_cpu
            rows.append((t, f"{x:.2f}x ({bs.mbps_cpu:.0f} vs {o.mbps_cpu:.0f} MB/s per CPU-s)",
                         x >= goal))
        else:
            rows.append((t, "not measured", None))

    def two_vs_one(key: str, what: str) -> None:
        pts: dict[int, dict] = {}
        for p in secs.get(key, Section()).data.get("points", []):
            pts.setdefault(p["threads"], p)  # an explicit --threads N before all cores
        t = f"speed-up 2 threads vs 1 >= 1.8x, {what}"
        if 2 in pts and 1 in pts and pts[2]["speedup"] is not None:
            x = pts[2]["speedup"]
            rows.append((t, f"{x:.2f}x ({f2(pts[1]['wall_s'])} -> {f2(pts[2]['wall_s'])} s)",
                         x >= 1.8))
        else:
            rows.append((t, "not measured" + (" (one core)" if usable_cpus() < 2 else ""),
                         None))

    two_vs_one("scaling", "one file")
    two_vs_one("manyfiles", f"{ctx.a.split_files} files")
    plain = main.get("borderscan (all cores)")
    d = secs.get("compressed", Section()).data.get("zst")
    t = "`.zst`: borderscan wall <= 1.2x its scan of the plain file"
    if d and plain is not None and plain.ok:
        x = d["borderscan_wall_s"] / plain.wall
        rows.append((t, f"{x:.2f}x ({f2(d['borderscan_wall_s'])} s vs {f2(plain.wall)} s)",
                     x <= 1.2))
    else:
        rows.append((t, "not measured", None))
    for key in ("gz", "zst"):
        d = secs.get("compressed", Section()).data.get(key)
        t = f"`.{key}`: borderscan wall <= 1.2x the fastest decompression"
        if d:
            rows.append((t, f"{d['ratio_wall']:.2f}x ({f2(d['borderscan_wall_s'])} s vs "
                            f"{d['decompressor']} {f2(d['decompress_wall_s'])} s)",
                         d["ratio_wall"] <= 1.2))
        else:
            rows.append((t, "not measured", None))
    mem = secs.get("memsizes", Section()).data
    for e in mem.get("sizes", []):
        rows.append((f"peak RSS < 300 MB at {fmt_size(e['size'])}",
                     f"{e['peak_rss_mb']:.0f} MB", e["peak_rss_mb"] < 300))
    if not mem.get("sizes"):
        rows.append(("peak RSS < 300 MB (--memory-sizes)", "not measured", None))
    if "growth" in mem:
        sz = mem["sizes"]
        rows.append((f"peak RSS not growing ({fmt_size(sz[-1]['size'])} / "
                     f"{fmt_size(sz[0]['size'])} <= 1.10x)", f"{mem['growth']:.2f}x",
                     mem["growth"] <= 1.10))
    eng = secs.get("engine", Section()).data.get("all cores")
    # The call itself (timer around borderscan.scan() vs the engine's own
    # timer), then whole processes, which also count the interpreter's start
    # and imports (about 0.2 s, a tenth of a run on the small corpus).
    for k, what in (("incall_wall_overhead", "wall of the scan() call"),
                    ("wall_overhead", "wall, whole process"),
                    ("cpu_overhead", "CPU, whole process")):
        t = f"Python <= 5 % over the engine alone ({what}, all cores, small corpus)"
        if eng and eng.get(k) is not None:
            v = eng[k]
            rows.append((t, f"{v * 100:+.1f} %", v <= 0.05))
        else:
            rows.append((t, "not measured", None))
    md = ["### Targets", "", "| Target | Measured | Met |", "|---|---|---|"]
    md += [f"| {t} | {m} | {met(ok)} |" for t, m, ok in rows]
    md.append("")
    sl = secs.get("slice", Section()).data.get("ratios", [])
    if sl:
        md.append("Other ratios (bytes per CPU-second; > 1 means the first is faster): " +
                  "; ".join(f"{r['tool'].split(',')[0]} / {r['vs'].split(',')[0]} "
                            f"{r['per_cpu']:.2f}x on the {r['slice']}" for r in sl) + ".")
        md.append("")
    return md, [{"target": t, "measured": m, "met": ok} for t, m, ok in rows]


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
    ap.add_argument("--keep", action="store_true",
                    help="keep the generated corpus and derived files (.gz, .zst, split "
                    "files, slices, the large memory inputs)")
    ap.add_argument("--skip", default="",
                    help=f"comma-separated rows to skip: {','.join(SKIPPABLE)}")
    ap.add_argument("--small-size", type=parse_size, default=parse_size("200MB"),
                    help="small input for the memory-growth row and the Python-vs-engine "
                    "pair (default 200MB, at most a fifth of --size)")
    ap.add_argument("--memory-sizes", default="1GB,10GB",
                    help="input sizes for the peak-RSS table (default 1GB,10GB); sizes above "
                    "--size are copies of the corpus concatenated")
    ap.add_argument("--scaling-threads", default=None, metavar="N,N,...",
                    help="thread counts for the scaling table (default 1..cores, up to 8, "
                    "then powers of two and the core count)")
    ap.add_argument("--split-files", type=int, default=16,
                    help="files the corpus is cut into for the many-files rows (default 16)")
    ap.add_argument("--slice-size", type=parse_size, default=parse_size("20MB"),
                    help="slice for the hyperscan baseline (default 20MB)")
    ap.add_argument("--presidio-slice-size", type=parse_size, default=parse_size("10MB"),
                    help="slice for the Presidio baseline (default 10MB)")
    ap.add_argument("--engine-bin", default=None, metavar="PATH",
                    help="the engine's example binary (default: cargo build --release "
                    "--example scan, then target/release/examples/scan)")
    ap.add_argument("--no-build", action="store_true",
                    help="do not run cargo build; use target/release/examples/scan as it is")
    ap.add_argument("--python", default=None, metavar="CMD",
                    help="interpreter for python_api.py and the Presidio / hyperscan "
                    "baselines (default: this one, or the one in --borderscan)")
    ap.add_argument("--timeout", type=float, default=1800.0,
                    help="seconds per command before it is killed (default 1800)")
    ap.add_argument("--results", type=Path, default=RESULTS,
                    help="Markdown file to append to (default benches/RESULTS.md); '-' = none")
    ap.add_argument("--json-out", type=Path, default=RESULTS_JSON,
                    help="machine-readable results, overwritten (default benches/results.json); "
                    "'-' = none")
    ap.add_argument("--plot", action="store_true",
                    help="draw the results with benches/plot.py (needs matplotlib)")
    ap.add_argument("--plot-out", type=Path, default=PLOT_OUT,
                    help="where --plot saves (default benches/throughput.svg, and .png)")
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
    if a.split_files < 2:
        ap.error("--split-files must be at least 2")
    try:
        for x in a.memory_sizes.split(","):
            if x.strip():
                parse_size(x)
        scaling_counts(a.scaling_threads, 1)
    except (argparse.ArgumentTypeError, ValueError) as e:
        ap.error(str(e))
    if not GENERATOR.exists():
        print(f"error: corpus generator not found at {GENERATOR}", file=sys.stderr)
        return 2

    user_skip = set(skip)
    py = sys.executable
    bs_cmd = shlex.split(a.borderscan) if a.borderscan else [py, "-m", "borderscan"]
    if a.python:
        py_cmd = shlex.split(a.python)
    elif len(bs_cmd) >= 3 and bs_cmd[-2:] == ["-m", "borderscan"]:
        py_cmd = bs_cmd[:-2]
    else:
        py_cmd = [py]
    rg = shutil.which("rg")
    notes: list[str] = []

    info = machine_info(py, bs_cmd, rg)
    for k, v in info.items():
        log(f"{k}: {v}")
    bs_why = None
    if "borderscan" not in skip and info["borderscan"] == "not available":
        msg = f"borderscan not runnable as `{shlex.join(bs_cmd)}`: skipping its rows"
        log(msg)
        notes.append(msg)
        skip |= {"borderscan", "threads1", "memory"}
        bs_why = "borderscan not runnable (see notes)"
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
    if a.plot and importlib.util.find_spec("matplotlib") is None:
        msg = "--plot: matplotlib not importable (pip install matplotlib): no plot drawn"
        log(msg)
        notes.append(msg)
        a.plot = False

    auto_skipped = {
        "borderscan --threads 1": "threads1" in skip and "threads1" not in user_skip,
        "borderscan summary --threads 1": "threads1" in skip and "threads1" not in user_skip,
        "borderscan violations --threads 1": "threads1" in skip and "threads1" not in user_skip,
        "borderscan (all cores)": "borderscan" in skip and "borderscan" not in user_skip,
        "ripgrep": "rg" in skip and "rg" not in user_skip,
        "polars baseline": "polars" in skip and "polars" not in user_skip,
    }

    made_temp = a.workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="borderscan-bench-")) if made_temp else a.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    # Every CLI scan appends to an audit log (hashing its inputs): benchmark
    # runs go to one in the work directory, never to the user's own log.
    os.environ["BORDERSCAN_AUDIT_LOG"] = str(workdir / "bench-audit.jsonl")
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
        derived = workdir / f"derived-{gen_size_arg(a.size)}"
        if not derived.exists():
            created.append(derived)
        derived.mkdir(exist_ok=True)
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
        if "threads1" not in skip and "borderscan" not in skip:
            # Issue 20's summary-only scans: the table summary, and JSON of
            # the violations alone (few on this corpus): the engine's work
            # with little of the per-finding output.
            for name, opts in (("borderscan summary --threads 1", ["--format", "table"]),
                               ("borderscan violations --threads 1",
                                ["--format", "json", "--findings", "violations"])):
                cmd = [*bs_cmd, "scan", f, *opts, "--out", "/dev/null", "-q", "--threads", "1"]
                rows.append(measure(name, cmd, nbytes, ok_codes=(0, 1),
                                    display=shlex.join(["borderscan", *cmd[len(bs_cmd):]]),
                                    **m))
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

        for name, skipped_ in auto_skipped.items():
            if skipped_:
                rows.append(Row(name, [], "", nbytes, error="skipped: not available (see notes)"))
        order = ["cat", *auto_skipped]
        rows.sort(key=lambda r: order.index(r.name))

        small_corpus: Path | None = None

        def small_input() -> Path:
            nonlocal small_corpus
            if small_corpus is None:
                small_size = min(a.small_size, max(a.size // 5, 1 << 20))
                small_dir = workdir / f"corpus-{gen_size_arg(small_size)}"
                if not small_dir.exists():
                    created.append(small_dir)
                small_corpus = generate(small_dir, small_size, a.timeout)
            warm(small_corpus)
            return small_corpus

        mem: tuple[Row, Row] | None = None
        large = next((r for r in rows if r.name == "borderscan (all cores)" and r.ok), None)
        if "memory" not in skip and large is not None:
            sf = str(small_input())
            small = measure("borderscan (all cores), small input",
                            [*bs_cmd, "scan", sf, "--format", "json", "--out", "/dev/null", "-q"],
                            Path(sf).stat().st_size, ok_codes=(0, 1), **m)
            if small.ok:
                mem = (small, large)

        if "cat" in by_name(rows) and by_name(rows)["cat"].ok:
            c = by_name(rows)["cat"]
            notes.append(f"cat reads at {c.mbps_wall:.0f} MB/s: the reading limit on this "
                         "machine with a warm page cache")

        # ---- the groups added for issue 4
        ctx = Ctx(a=a, skip=skip, bs_cmd=bs_cmd, bs_why=bs_why, py_cmd=py_cmd, rg=rg,
                  corpus=corpus, nbytes=nbytes, workdir=workdir, derived=derived,
                  scratch=scratch, created=created, notes=notes, m=m)
        main_rows = by_name(rows)
        secs: dict[str, Section] = {}
        groups = {
            "scaling": lambda: group_scaling(ctx, main_rows),
            "manyfiles": lambda: group_manyfiles(ctx),
            "compressed": lambda: group_compressed(ctx),
            "memsizes": lambda: group_memsizes(ctx, main_rows),
            "engine": lambda: group_engine(ctx, small_input, main_rows),
            "slice": lambda: group_slice(ctx),
            # Imported when run: benches/outputs.py builds on this module.
            "outputs": lambda: __import__("outputs").group_outputs(ctx, small_input),
        }
        for key, run_group in groups.items():
            if key in skip:
                continue
            try:
                secs[key] = run_group()
            except (OSError, subprocess.SubprocessError, ValueError) as e:
                # e.g. a full disk while writing the derived inputs: the other groups go on
                ctx.note(f"the {key} group stopped: {type(e).__name__}: {e}")
        target_md, target_json = targets(ctx, main_rows, secs)

        when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        shown = ["python", "benches/bench_scan.py", *(sys.argv[1:] if argv is None else argv)]
        sections = [target_md, *(s.md for s in secs.values() if s.md)]
        md = render(when=when, command=shlex.join(shown), info=info,
                    nbytes=nbytes, runs=a.runs, rows=rows, mem=mem, matches=matches,
                    notes=notes, sections=sections)
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

        all_rows = rows + ([mem[0]] if mem else []) + [r for s in secs.values() for r in s.rows]
        doc = {"when": when, "command": shlex.join(shown), "machine": info,
               "corpus": {"path": f, "bytes": nbytes, "size": fmt_size(nbytes)},
               "runs": a.runs, "rows": [r.to_json() for r in all_rows],
               "scaling": {k: secs[k].data for k in ("scaling", "manyfiles") if k in secs},
               "compressed": secs["compressed"].data if "compressed" in secs else {},
               "memory": secs["memsizes"].data if "memsizes" in secs else {},
               "engine": secs["engine"].data if "engine" in secs else {},
               "slice": secs["slice"].data if "slice" in secs else {},
               "outputs": secs["outputs"].data if "outputs" in secs else {},
               "targets": target_json, "notes": notes}
        json_path = scratch / "results.json" if str(a.json_out) == "-" else a.json_out
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
        if str(a.json_out) != "-":
            log(f"wrote {json_path}")
        if a.plot:
            p = subprocess.run([py, str(PLOT), str(json_path), "--out", str(a.plot_out)],
                               stdin=subprocess.DEVNULL, check=False)
            if p.returncode != 0:
                log(f"plot.py failed (exit {p.returncode})")
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
