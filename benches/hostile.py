"""Hostile inputs (issue 17, "it can be made slow"): time and peak RSS per size.

Generates, into `--workdir`, inputs built to make a scanner slow, and scans
each with the real CLI:

  emails-line   N e-mail addresses on one line (plain text), N = 10k, 100k, 1M:
                every per-hit cost that depends on the line's length shows
                as time growing faster than N
  csv-columns   a CSV of 300 rows with C distinct column names, C = 16,384,
                16,385, 50,000, 65,536, 65,537, 150,000: a per-worker field
                cache that is cleared when full shows as a cliff past its
                capacity (64Ki)
  json-fields   one JSON record with N fields, each value an e-mail address
                (N = 10k, 100k)
  json-keys     one JSON record with N fields, each key an e-mail address
                (masked paths looked up per hit)
  baseline      a one-line file scanned with `--baseline` of N entries (as
                `baseline create` writes them), N = 500k, 5M: memory must
                stay far below the baseline's size (8 bytes per entry)
  policy-hosts  1,000 records scanned under a policy of N destination host
                patterns (half exact, half `*.suffix`, 1 in 25 a real glob),
                N = 1k, 10k, 50k: policy size must not stop the scan (it did
                past about 8,500 patterns) nor slow it more than linearly
  history       `report --history` over a store with N findings (one stored
                scan of N records with an e-mail each), N = 300k, 3M: memory
                must not grow with the store

    python benches/hostile.py --workdir DIR [--case NAME ...] [--timeout S]

Each scan is `python -m borderscan scan FILE --format table -q --no-audit-log
--max-line-bytes M` (M fits the file's longest line; `history` runs
`report --history` instead), run under
`/usr/bin/time -f "%e %M"` for wall time and peak RSS. Prints a Markdown table
with the growth of time against the previous size of the same case (about
the size ratio when the cost is linear). A run past `--timeout` is killed
and reported as such. Growth of wall time is the figure to judge: this is a
shared machine, and absolute times move by 10 % from one minute to the next.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path


def log(msg: str) -> None:
    print(f"[hostile] {msg}", file=sys.stderr, flush=True)


def email(i: int) -> str:
    return f"user{i}@example{i % 97}.com"


def emails_line(path: Path, n: int) -> int:
    line = " ".join(email(i) for i in range(n))
    path.write_text(line + "\n")
    return len(line)


def csv_columns(path: Path, cols: int, rows: int = 300) -> int:
    header = ",".join(f"col_{i:06d}" for i in range(cols))
    row = ",".join(str(i % 10) for i in range(cols))
    with path.open("w") as f:
        f.write(header + "\n")
        for _ in range(rows):
            f.write(row + "\n")
    return max(len(header), len(row))


def json_fields(path: Path, n: int) -> int:
    line = "{" + ",".join(f'"f{i}":"{email(i)}"' for i in range(n)) + "}"
    path.write_text(line + "\n")
    return len(line)


def json_keys(path: Path, n: int) -> int:
    line = "{" + ",".join(f'"{email(i)}":{i}' for i in range(n)) + "}"
    path.write_text(line + "\n")
    return len(line)


def baseline(path: Path, n: int) -> tuple[int, list[str]]:
    """A one-line input and a baseline of `n` entries beside it, each with
    every key `baseline create` writes (about 330 bytes an entry)."""
    import orjson

    base = path.with_suffix(".baseline.json")
    with base.open("wb") as f:
        f.write(b'{"version": 1, "tool": {"name": "borderscan"}, "inputs": [], "findings": [')
        for start in range(0, n, 100_000):
            chunk = [{"fingerprint": f"{i * 2654435761 % (1 << 64):016x}",
                      "path": f"feed/{i}.jsonl",
                      "line": i, "detector": "personal.email", "category": "personal",
                      "field": "user.email", "evidence": "u***@e***.com",
                      "dest_host": "api.example.cn", "dest_country": "CN",
                      "verdict": "violation", "severity": "high", "rule": "no-personal-to-cn",
                      "occurrences": 1} for i in range(start, min(n, start + 100_000))]
            body = orjson.dumps(chunk)[1:-1]
            f.write((b"," if start else b"") + body)
        f.write(b"]}\n")
    line = json_line()
    path.write_text(line + "\n")
    return len(line), ["--baseline", str(base)]


def json_line() -> str:
    return '{"user": {"email": "' + email(1) + '"}, "url": "https://api.example.cn/x"}'


def policy_hosts(path: Path, n: int) -> tuple[int, list[str]]:
    """1,000 records naming hosts of a policy with `n` host patterns."""
    import orjson

    pats = []
    for i in range(n):
        if i % 25 == 24:
            pats.append((f"api{i}-*.g{i % 50}.example", f"api{i}-eu.g{i % 50}.example"))
        elif i % 2:
            pats.append((f"*.tenant{i}.vendor.example", f"eu.tenant{i}.vendor.example"))
        else:
            pats.append((f"collector-{i}.plant.example", f"collector-{i}.plant.example"))
    countries = ["FR", "JP", "US", "VN"]
    hosts = ", ".join(f"{orjson.dumps(p).decode()} = \"{countries[i % 4]}\""
                      for i, (p, _) in enumerate(pats))
    policy = path.with_suffix(".toml")
    policy.write_text(
        'name = "large"\nversion = "1"\ndescription = "many hosts"\nsources = ["bench"]\n'
        f"\n[destinations]\nhosts = {{ {hosts} }}\n"
        '\n[[rule]]\nid = "personal-in-de"\ndescription = "stays in DE"\n'
        'categories = ["personal"]\nallow = ["DE"]\nseverity = "high"\n')
    with path.open("w") as f:
        for i in range(1000):
            host = pats[(i * 7919) % n][1]
            f.write('{"user": {"email": "' + email(i) + '"}, "url": "https://' + host
                    + '/x"}\n')
    return 200, ["--policy", str(policy)]


def history(path: Path, n: int) -> tuple[int, list[str]]:
    """A store holding one scan of `n` findings (records with an e-mail
    each); the command is `report --history` of it."""
    store = path.with_suffix(".store")
    with path.open("w") as f:
        for i in range(n):
            f.write('{"user": {"email": "' + email(i) + '"}, "url": "https://api.example.cn/x"}\n')
    subprocess.run([sys.executable, "-m", "borderscan", "scan", str(path), "--format", "table",
                    "-q", "--no-audit-log", "--store", str(store)], check=False,
                   stdout=subprocess.DEVNULL)
    return 0, ["report", "--history", str(store), "--out", str(path.with_suffix(".html"))]


# (label, generator, sizes, extension). A generator writes the input and
# returns its longest line, or that and extra arguments (a `report`
# command in place of the scan when the first of them is "report").
Maker = Callable[[Path, int], "int | tuple[int, list[str]]"]
CASES: dict[str, tuple[str, Maker, list[int], str]] = {
    "emails-line": ("e-mails on one line", emails_line, [10_000, 100_000, 1_000_000], "txt"),
    "csv-columns": ("CSV columns, 300 rows", csv_columns,
                    [16_384, 16_385, 50_000, 65_536, 65_537, 150_000], "csv"),
    "json-fields": ("JSON fields with an e-mail each, one record", json_fields,
                    [10_000, 100_000], "jsonl"),
    "json-keys": ("JSON keys that are e-mails, one record", json_keys, [10_000, 100_000],
                  "jsonl"),
    "baseline": ("baseline entries, one-line input", baseline, [500_000, 5_000_000], "jsonl"),
    "policy-hosts": ("policy destination hosts, 1,000 records", policy_hosts,
                     [1_000, 10_000, 50_000], "jsonl"),
    "history": ("findings in a store, report --history", history, [300_000, 3_000_000],
                "jsonl"),
}


def scan(path: Path, longest: int, timeout: float, extra: list[str]
         ) -> tuple[float | None, int | None, str]:
    """Wall seconds and peak RSS (KiB) of one CLI scan, or None on a timeout."""
    max_line = max(1 << 20, 1 << (longest + 1).bit_length())
    run = (extra if extra[:1] == ["report"] else
           ["scan", str(path), "--format", "table", "-q", "--no-audit-log", "--max-line-bytes",
            str(max_line), *extra])
    cmd = ["/usr/bin/time", "-f", "%e %M", sys.executable, "-m", "borderscan", *run]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return None, None, f"killed after {time.monotonic() - start:.0f} s"
    last = err.strip().splitlines()[-1] if err.strip() else ""
    try:
        wall, rss = last.split()
        return float(wall), int(rss), f"exit {proc.returncode}"
    except ValueError:
        return None, None, f"exit {proc.returncode}: {err.strip()[-200:]}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workdir", type=Path, required=True)
    ap.add_argument("--case", action="append", choices=sorted(CASES),
                    help="cases to run (repeatable; default: all)")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per scan")
    ap.add_argument("--runs", type=int, default=1, help="scans per size; the median is shown")
    args = ap.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    rows = ["| input | size | files MB | wall s | peak RSS MB | wall / previous size | note |",
            "|---|---:|---:|---:|---:|---:|---|"]
    for name in args.case or list(CASES):
        label, make, sizes, ext = CASES[name]
        prev: tuple[int, float] | None = None
        for n in sizes:
            path = args.workdir / f"{name}-{n}.{ext}"
            log(f"generating {path}")
            made = make(path, n)
            longest, extra = made if isinstance(made, tuple) else (made, [])
            # Everything generated: the input, a baseline or a store.
            mb = sum(f.stat().st_size for g in args.workdir.glob(f"{path.stem}*")
                     for f in ([g] if g.is_file() else g.rglob("*")) if f.is_file()) / 1e6
            walls, rsss, note = [], [], ""
            for _ in range(args.runs):
                log(f"scanning {path}")
                wall, rss, note = scan(path, longest, args.timeout, extra)
                if wall is None:
                    break
                walls.append(wall)
                rsss.append(rss or 0)
            if len(walls) == args.runs:
                wall = sorted(walls)[len(walls) // 2]
                growth = (f"{wall / prev[1]:.2f} (size x{n / prev[0]:g})"
                          if prev and prev[1] > 0 else "")
                rows.append(f"| {label} | {n:,} | {mb:.1f} | {wall:.2f} | {max(rsss) / 1024:.0f} "
                            f"| {growth} | {note} |")
                prev = (n, wall)
            else:
                rows.append(f"| {label} | {n:,} | {mb:.1f} | n/a | n/a | n/a | {note} |")
                prev = None
            print(rows[-1], file=sys.stderr, flush=True)
            for made_file in args.workdir.glob(f"{path.stem}*"):
                if made_file.is_dir():
                    shutil.rmtree(made_file)
                else:
                    made_file.unlink()
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
