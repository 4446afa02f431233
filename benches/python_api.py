"""borderscan from Python: `borderscan.scan([FILE])`, as a notebook or a pipeline calls it.

Scans the files with the Python API (built-in rules, default policy, every core
unless `--threads`), touches the result's row count and prints a JSON object:
{"findings": N, "records": N, "bytes": N, "seconds": S}. The result holds every
finding in memory (a Polars DataFrame), so keep the input moderate (the harness
uses the 200 MiB corpus). Its twin without Python is the engine's example binary,
`target/release/examples/scan FILE [--threads N]`, which scans and drops the
batches; benches/bench_scan.py runs both and reports the difference.

    python benches/python_api.py FILE... [--threads N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--threads", type=int, default=0, help="0 = every core (default)")
    a = ap.parse_args(argv)
    import borderscan  # after argument parsing: --help works without the package

    t0 = time.perf_counter()
    res = borderscan.scan(a.files, threads=a.threads)
    n = res.findings.height
    secs = time.perf_counter() - t0
    acc = res.accounting
    json.dump({"findings": n, "records": acc.get("records"), "bytes": acc.get("bytes"),
               "seconds": round(secs, 3)}, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
