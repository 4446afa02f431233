"""Regression guard: instructions per input byte on a fixed 20 MB slice.

Wall time on a shared 2-core machine moves by 10 % from one minute to the next;
instruction counts do not. This script counts, with `valgrind --tool=callgrind`,
the instructions the engine alone executes (`target/release/examples/scan`, one
thread) on a fixed slice: the first 20,000,000 bytes of the seed-42 200 MiB
corpus (`benches/generate.py --size 200MB --format jsonl --seed 42`), the slice
every figure in benches/RESULTS.md since issue 2 was measured on. It prints,
and with `--results` appends to benches/RESULTS.md:

  engine          scan, parse, detect, resolve, decide, build Arrow batches
  engine + json   the same, plus each worker's summary and JSON rendering (the
                  CLI's `--format json` path; `examples/scan --json`)

each as instructions and instructions per input byte, after subtracting the
start-up (the same binary on an empty file), and a Markdown row for the
regression-guard table of benches/RESULTS.md. The lazy DFAs of the regex set
build their states as they meet input, which costs about 500 M instructions on
this slice and far less per byte on a larger input; `--marginal` also runs a
60 MB slice and reports (I60 - I20) / 40 MB, the cost per byte once warm.

    python benches/instructions.py [--workdir DIR] [--marginal]

Needs valgrind (`apt-get install -y valgrind`) and cargo. Takes about a minute
(three minutes with --marginal).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SLICE = 20_000_000
WIDE = 60_000_000
BINARY = ROOT / "target" / "release" / "examples" / "scan"


def log(msg: str) -> None:
    print(f"[instructions] {msg}", file=sys.stderr, flush=True)


def corpus(workdir: Path) -> Path:
    """The seed-42 200 MiB corpus, generated once into `workdir`."""
    out = workdir / "corpus-200MB"
    path = out / "telemetry.jsonl"
    if not path.exists():
        log(f"generating {path}")
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--out", str(out), "--size",
                        "200MB", "--format", "jsonl", "--seed", "42"], check=True,
                       stdout=subprocess.DEVNULL)
    return path


def head(src: Path, n: int, dst: Path) -> Path:
    """The first `n` bytes (as `head -c n`: the last line may be cut)."""
    if not dst.exists() or dst.stat().st_size != n:
        with open(src, "rb") as f:
            dst.write_bytes(f.read(n))
    return dst


def count(args: list[str]) -> int:
    """Instructions callgrind collected running the engine binary with `args`."""
    p = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                        str(BINARY), *args, "--threads", "1"],
                       capture_output=True, text=True, check=True)
    m = re.search(r"Collected\s*:\s*(\d+)", p.stderr)
    if not m:
        raise SystemExit(f"no instruction count in valgrind's output:\n{p.stderr[-2000:]}")
    return int(m.group(1))


def commit() -> str:
    p = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                       capture_output=True, text=True)
    head_ = p.stdout.strip() or "unknown"
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain",
                            "--untracked-files=no"], capture_output=True, text=True).stdout
    return head_ + (" +changes" if dirty.strip() else "")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workdir", type=Path, default=None,
                    help="where the corpus and slices live (default: a temp dir)")
    ap.add_argument("--marginal", action="store_true",
                    help="also count a 60 MB slice: instructions per byte once warm")
    ap.add_argument("--no-build", action="store_true", help="use the built binary as it is")
    a = ap.parse_args(argv)

    if not a.no_build:
        log("cargo build --release --example scan")
        subprocess.run(["cargo", "build", "--release", "--example", "scan", "--quiet"],
                       cwd=ROOT, check=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = a.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        src = corpus(work)
        s20 = head(src, SLICE, work / "slice-20000000.jsonl")
        empty = work / "empty.jsonl"
        empty.write_bytes(b"")
        log("counting start-up, engine, engine + json")
        start = count([str(empty)])
        eng = count([str(s20)]) - start
        js = count([str(s20), "--json"]) - start
        rows = [("engine", eng, SLICE), ("engine + json", js, SLICE)]
        if a.marginal:
            s60 = head(src, WIDE, work / "slice-60000000.jsonl")
            log("counting the 60 MB slice")
            rows.append(("engine, marginal 20 -> 60 MB", count([str(s60)]) - start - eng,
                         WIDE - SLICE))

    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    rev = commit()
    print(f"commit {rev}, {when}, start-up {start:,} instructions")
    for name, n, size in rows:
        print(f"{name:32} {n:>16,} instructions  {n / size:7.1f} per byte")
    cells = " | ".join(f"{n / size:.1f}" for _, n, size in rows)
    names = ", ".join(r[0] for r in rows)
    print(f"\nRow for the table in benches/RESULTS.md (Ir per byte: {names}):")
    print(f"| {when} | {rev} | {cells} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
