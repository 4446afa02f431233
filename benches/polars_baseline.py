"""Polars-only baseline: the value detectors as a Python engineer would write them.

Reads a JSON Lines (or any line-oriented) file as one string column, runs
`str.contains` for every regex in a patterns file (default: benches/patterns.txt)
and counts the matching lines per pattern and the lines matching any pattern.
No validators (Luhn, MOD 11-2, mod 97...), no field paths, no destinations: it is
the cheap part of what borderscan does, used as a speed baseline.

    python benches/polars_baseline.py FILE [--patterns benches/patterns.txt]
                                           [--reader auto|lines|csv] [--eager]

Prints a JSON object: {"reader": ..., "lines": N, "any": N, "per_pattern": {...}}.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import polars as pl

HERE = Path(__file__).resolve().parent
# A byte that never occurs unescaped in JSON text (RFC 8259 requires control
# characters in strings to be escaped), so the "CSV" has exactly one column.
NEVER = "\x1f"


def load_patterns(path: Path) -> list[str]:
    out = []
    for raw in path.read_text(encoding="ascii").splitlines():
        if raw.strip():
            out.append(raw)
    return out


def lines_frame(path: str, reader: str) -> tuple[pl.LazyFrame, str]:
    """A LazyFrame with one String column `line`, and the name of the reader used."""
    if reader in ("auto", "lines") and hasattr(pl, "scan_lines"):
        return pl.scan_lines(path, name="line"), "scan_lines"
    if reader == "lines":
        raise SystemExit(f"polars {pl.__version__} has no scan_lines; use --reader csv")
    lf = pl.scan_csv(
        path,
        has_header=False,
        separator=NEVER,
        quote_char=None,
        new_columns=["line"],
        schema_overrides=[pl.String],
        encoding="utf8-lossy",
        truncate_ragged_lines=True,
        empty_string_is_null=False,
        infer_schema=False,
    )
    return lf, "scan_csv(separator=0x1f)"


def run(path: str, patterns: list[str], reader: str, eager: bool) -> dict:
    lf, used = lines_frame(path, reader)
    names = [f"p{i:02d}" for i in range(len(patterns))]
    flags = lf.select(
        [pl.col("line").str.contains(p).alias(n) for n, p in zip(names, patterns, strict=True)]
    )
    agg = flags.select(
        pl.len().alias("lines"),
        pl.any_horizontal(pl.all()).sum().alias("any"),
        *[pl.col(n).sum() for n in names],
    )
    if eager:
        row = agg.collect().row(0, named=True)
    else:
        try:
            row = agg.collect(engine="streaming").row(0, named=True)
        except TypeError:  # older polars: collect(streaming=True)
            row = agg.collect(streaming=True).row(0, named=True)
    return {
        "reader": used,
        "engine": "in-memory" if eager else "streaming",
        "polars": pl.__version__,
        "lines": int(row["lines"]),
        "any": int(row["any"] or 0),
        "per_pattern": {p: int(row[n] or 0) for n, p in zip(names, patterns, strict=True)},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file")
    ap.add_argument("--patterns", type=Path, default=HERE / "patterns.txt")
    ap.add_argument("--reader", choices=["auto", "lines", "csv"], default="auto",
                    help="auto: pl.scan_lines when this polars has it, else scan_csv")
    ap.add_argument("--eager", action="store_true",
                    help="collect with the in-memory engine instead of the streaming one")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    res = run(a.file, load_patterns(a.patterns), a.reader, a.eager)
    res["seconds"] = round(time.perf_counter() - t0, 3)
    json.dump(res, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
