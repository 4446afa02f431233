"""Hyperscan baseline: the value detectors of patterns.txt with Intel's regex engine.

Compiles every regex of a patterns file (default: benches/patterns.txt) into one
Hyperscan block-mode database (byte semantics, no HS_FLAG_UTF8 / HS_FLAG_UCP: the
same ASCII `\\b` and classes as `rg --no-unicode`) and counts the lines matching
each pattern and the lines matching any pattern. Two ways to feed it:

  chunks (default)  block mode over ~4 MiB pieces of the file cut after a newline;
                    each match's end offset is mapped to its line afterwards
                    (numpy searchsorted). No pattern can match a newline, and a
                    newline is a non-word byte like the start or end of a line,
                    so the counts equal scanning every line on its own.
  lines             block mode, one `Database.scan` call per line, with
                    HS_FLAG_SINGLEMATCH (each pattern reports once per line).
                    Simpler, slower: one Python call per line.

No validators, no field paths, no destinations: like the Polars baseline, it is
the cheap part of what borderscan does.

    python benches/hyperscan_baseline.py FILE [--patterns benches/patterns.txt]
                                              [--mode chunks|lines]

Prints a JSON object: {"mode": ..., "lines": N, "any": N, "per_pattern": {...}}.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import hyperscan
import numpy as np

HERE = Path(__file__).resolve().parent
CHUNK = 4 << 20


def load_patterns(path: Path) -> list[str]:
    return [raw for raw in path.read_text(encoding="ascii").splitlines() if raw.strip()]


def compile_db(patterns: list[str], single_match: bool) -> hyperscan.Database:
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    flags = hyperscan.HS_FLAG_SINGLEMATCH if single_match else 0
    db.compile(
        expressions=[p.encode("ascii") for p in patterns],
        ids=list(range(len(patterns))),
        elements=len(patterns),
        flags=[flags] * len(patterns),
    )
    return db


def scan_lines(path: str, db: hyperscan.Database, n: int) -> tuple[int, int, list[int]]:
    per = [0] * n
    hit: set[int] = set()

    def on_match(pid: int, _start: int, _end: int, _flags: int, _ctx: object) -> None:
        hit.add(pid)

    lines = matched = 0
    with open(path, "rb") as f:
        for line in f:
            lines += 1
            db.scan(line, match_event_handler=on_match)
            if hit:
                matched += 1
                for pid in hit:
                    per[pid] += 1
                hit.clear()
    return lines, matched, per


def scan_chunks(path: str, db: hyperscan.Database, n: int) -> tuple[int, int, list[int]]:
    per = np.zeros(n, dtype=np.int64)
    lines = matched = 0
    ids: list[int] = []
    ends: list[int] = []

    def on_match(pid: int, _start: int, end: int, _flags: int, _ctx: object) -> None:
        ids.append(pid)
        ends.append(end)

    def one(buf: bytes) -> None:
        nonlocal lines, matched
        if not buf:
            return
        nl = np.flatnonzero(np.frombuffer(buf, dtype=np.uint8) == 10)
        n_lines = len(nl) + (0 if buf.endswith(b"\n") else 1)
        lines += n_lines
        ids.clear()
        ends.clear()
        db.scan(buf, match_event_handler=on_match)
        if not ids:
            return
        # A match ending at `end` (exclusive) lies on the line of byte end-1.
        line_of = np.searchsorted(nl, np.asarray(ends, dtype=np.int64) - 1, side="left")
        matched += len(np.unique(line_of))
        keys = np.unique(np.asarray(ids, dtype=np.int64) * (n_lines + 1) + line_of)
        per[:] += np.bincount(keys // (n_lines + 1), minlength=n)

    with open(path, "rb") as f:
        rest = b""
        while True:
            block = f.read(CHUNK)
            if not block:
                one(rest)
                break
            buf = rest + block
            cut = buf.rfind(b"\n") + 1
            if cut == 0:
                rest = buf
                continue
            one(buf[:cut])
            rest = buf[cut:]
    return lines, matched, [int(x) for x in per]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file")
    ap.add_argument("--patterns", type=Path, default=HERE / "patterns.txt")
    ap.add_argument("--mode", choices=["chunks", "lines"], default="chunks",
                    help="chunks: block mode over newline-aligned 4 MiB pieces (default); "
                    "lines: one block-mode scan per line")
    a = ap.parse_args(argv)
    patterns = load_patterns(a.patterns)
    t0 = time.perf_counter()
    db = compile_db(patterns, single_match=a.mode == "lines")
    compile_s = time.perf_counter() - t0
    scan = scan_lines if a.mode == "lines" else scan_chunks
    t0 = time.perf_counter()
    c0 = time.process_time()
    lines, matched, per = scan(a.file, db, len(patterns))
    res = {
        "mode": f"block, {a.mode}",
        "hyperscan": getattr(hyperscan, "__version__", "?"),
        "lines": lines,
        "any": matched,
        "per_pattern": dict(zip(patterns, per, strict=True)),
        "compile_seconds": round(compile_s, 3),
        "seconds": round(time.perf_counter() - t0, 3),
        "cpu_seconds": round(time.process_time() - c0, 3),
    }
    json.dump(res, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
