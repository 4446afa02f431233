"""Writers for the scan's machine formats and the terminal summary."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any

import polars as pl
from rich.console import Console
from rich.table import Table

from borderscan import __version__
from borderscan.aggregate import category_frame, detector_frame
from borderscan.api import ScanStream, has_problems

FORMATS = ("table", "json", "jsonl", "parquet")

FINDINGS_SCHEMA = {"path": pl.String, "line": pl.UInt64, "byte_offset": pl.UInt64,
                   "detector": pl.String, "category": pl.String, "field": pl.String,
                   "evidence": pl.String, "destination": pl.String, "origin": pl.String}


@dataclass
class Report:
    """What the terminal summary and the machine outputs need of a scan."""

    summary: pl.DataFrame
    detectors: pl.DataFrame
    accounting: dict[str, Any]
    rule_packs: list[str]

    @property
    def problems(self) -> bool:
        return has_problems(self.accounting)


def tool_info() -> dict[str, Any]:
    """The `tool` object of JSON output (the engine adds the rule packs)."""
    return {"name": "borderscan", "version": __version__}


def write_parquet(stream: ScanStream, out: IO[bytes]) -> Report:
    """The findings table as Parquet. Polars writes one file at once, so the
    findings are gathered first (as compact Arrow, not Python objects)."""
    frames = list(stream)
    table = pl.concat(frames) if frames else pl.DataFrame(schema=FINDINGS_SCHEMA)
    table.write_parquet(out)
    assert stream.accounting is not None
    return Report(stream.summary, stream.detectors, stream.accounting, stream.rule_packs)


def report_from(accounting: dict[str, Any], summary: dict[str, Any],
                rule_packs: list[str]) -> Report:
    return Report(category_frame(summary), detector_frame(summary), accounting, rule_packs)


def _human_bytes(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"


def print_summary(result: Report, console: Console, *, top: int = 10) -> None:
    """Records per category, top detectors and the accounting, 80 columns wide."""
    summary = result.summary
    cats = Table(title="Data categories", title_justify="left", expand=False)
    cats.add_column("category")
    cats.add_column("records", justify="right")
    cats.add_column("hits", justify="right")
    cats.add_column("detectors", justify="right")
    for row in summary.iter_rows(named=True):
        cats.add_row(row["category"], f"{row['records']:,}", f"{row['hits']:,}",
                     str(row["detectors"]))
    if summary.is_empty():
        cats.add_row("(none found)", "0", "0", "0")
    console.print(cats)

    dets = Table(title=f"Top detectors (of {result.detectors.height})", title_justify="left")
    dets.add_column("detector")
    dets.add_column("category")
    dets.add_column("records", justify="right")
    dets.add_column("hits", justify="right")
    for row in result.detectors.head(top).iter_rows(named=True):
        dets.add_row(row["detector"], row["category"], f"{row['records']:,}", f"{row['hits']:,}")
    console.print(dets)

    a = result.accounting
    acc = Table(title="Accounting", title_justify="left", show_header=False)
    acc.add_column("what")
    acc.add_column("count", justify="right")
    acc.add_row("files", f"{a['files']:,}")
    acc.add_row("bytes", f"{_human_bytes(a['bytes'])} ({_human_bytes(a['decompressed_bytes'])} "
                "decompressed)")
    acc.add_row("records scanned", f"{a['records']:,}")
    acc.add_row("records unparseable (scanned as text)", f"{a['unparseable']:,}")
    acc.add_row("binary files skipped", f"{a['binary_skipped']:,}")
    acc.add_row("lines cut for length", f"{a['truncated_lines']:,}")
    acc.add_row("files failed", f"{a['failed_files']:,}")
    console.print(acc)
    print_problems(result, console)


def print_problems(result: Report, console: Console, *, limit: int = 10) -> None:
    """Name the place of every kind of problem, so the user can look."""
    a = result.accounting
    for f in a["failures"][:limit]:
        console.print(f"[red]failed[/red] {f['path']}: {f['error']}",
                      markup=True, highlight=False)
    if len(a["failures"]) > limit:
        console.print(f"... and {len(a['failures']) - limit} more failed files")
    for reason, stats in a["unparseable_reasons"].items():
        first = stats["first"][0] if stats["first"] else None
        where = f" first at {first['path']}:{first['line']}: {first['detail']}" if first else ""
        console.print(f"[yellow]unparseable[/yellow] {stats['count']:,} x {reason};{where}",
                      highlight=False)
    for f in a["per_file"]:
        if f["binary_skipped"]:
            console.print(f"[yellow]binary, skipped[/yellow] {f['path']}",
                          highlight=False)
        if f["truncated_lines"]:
            console.print(f"[yellow]lines cut[/yellow] {f['truncated_lines']:,} in {f['path']}",
                          highlight=False)
