"""Stored scans: one folder per scan, so later scans can be compared.

    DIR/20261123T183000.123Z-1a2b3c4d/
        scan.json                 accounting, summary, residency (flows,
                                  verdicts, violations), policy, exit code and
                                  reasons, inputs with SHA-256, audit entry
        findings/part-00000.parquet, part-00001.parquet, ...
                                  the findings table, one part per batch as
                                  the scan streams (read the folder with
                                  `pl.scan_parquet("findings/*.parquet")`)

`diff` compares two stored scans: flows that appeared or went away,
violations (by fingerprint) that are new or resolved, and destinations
(host and country) never seen before.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from borderscan import _core
from borderscan._polars import pl

FORMAT = "borderscan-stored-scan/1"


class StoreError(Exception):
    """A folder is not a stored scan."""


class Writer:
    """Writes one stored scan: findings part by part, then `scan.json`."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        t = dt.datetime.now(dt.UTC)
        stamp = t.strftime("%Y%m%dT%H%M%S") + f".{t.microsecond // 1000:03d}Z"
        self.dir = Path(root) / f"{stamp}-{secrets.token_hex(4)}"
        (self.dir / "findings").mkdir(parents=True)
        self.parts = 0

    def tee(self, frames: Iterator[pl.DataFrame]) -> Iterator[pl.DataFrame]:
        """Pass frames on, writing each as a Parquet part first."""
        for f in frames:
            f.write_parquet(self.dir / "findings" / f"part-{self.parts:05d}.parquet")
            self.parts += 1
            yield f

    def finish(self, doc: dict[str, Any]) -> Path:
        doc = {"format": FORMAT, "parts": self.parts, **doc}
        tmp = self.dir / "scan.json.tmp"
        tmp.write_text(json.dumps(doc, sort_keys=True, indent=1, ensure_ascii=False))
        # scan.json appears whole or not at all: a folder without it is an
        # interrupted scan, which `load` refuses.
        tmp.replace(self.dir / "scan.json")
        return self.dir


class Teed:
    """A scan stream whose frames are also written to a stored scan; its
    summaries (set once iterated) are the stream's own."""

    def __init__(self, stream: Any, writer: Writer) -> None:
        self._stream = stream
        self._writer = writer

    def __iter__(self) -> Iterator[pl.DataFrame]:
        return self._writer.tee(iter(self._stream))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def load(folder: str | os.PathLike[str]) -> tuple[dict[str, Any], pl.LazyFrame]:
    """(scan.json, the findings) of a stored scan."""
    d = Path(folder)
    try:
        doc = json.loads((d / "scan.json").read_text())
    except (OSError, ValueError) as e:
        raise StoreError(f"{d}: not a stored scan (no readable scan.json: {e})") from e
    if doc.get("format") != FORMAT:
        raise StoreError(f"{d}: not a stored scan of format {FORMAT}")
    parts = sorted((d / "findings").glob("part-*.parquet"))
    if len(parts) != doc.get("parts"):
        raise StoreError(f"{d}: {len(parts)} findings parts, scan.json says {doc.get('parts')}")
    # glob=False: the parts are listed already, and a folder named with `[`
    # or `*` (which came from the user) is not a pattern. No parts: no
    # findings, with the engine's findings schema.
    lf = (pl.scan_parquet(parts, glob=False) if parts
          else pl.DataFrame(_core.empty_findings()).lazy())
    return doc, lf


def history(root: str | os.PathLike[str]) -> list[Path]:
    """Stored scans under a folder, oldest first (by start time, then name)."""
    def started(p: Path) -> tuple[str, str]:
        try:
            return (json.loads((p / "scan.json").read_text()).get("started", ""), p.name)
        except (OSError, ValueError):
            return ("", p.name)
    return sorted((p for p in Path(root).iterdir() if (p / "scan.json").is_file()),
                  key=started)


FLOW = ("category", "origin_country", "dest_country", "verdict")


def diff(old: str | os.PathLike[str], new: str | os.PathLike[str]) -> dict[str, Any]:
    """What changed from one stored scan to another."""
    (a, fa), (b, fb) = load(old), load(new)

    def flows(doc: dict[str, Any]) -> dict[tuple[Any, ...], dict[str, Any]]:
        return {tuple(f[k] for k in FLOW): f for f in doc.get("residency", {}).get("flows", [])}

    fo, fn = flows(a), flows(b)
    cols = ["fingerprint", "path", "line", "detector", "rule", "severity", "dest_country"]

    def violations(lf: pl.LazyFrame) -> pl.DataFrame:
        return (lf.filter(pl.col("verdict") == "violation").select(cols)
                .unique(subset="fingerprint", keep="first", maintain_order=True).collect())

    vo, vn = violations(fa), violations(fb)
    dest = ["dest_host", "dest_country"]

    def destinations(lf: pl.LazyFrame) -> pl.DataFrame:
        return (lf.filter(pl.col("dest_host").is_not_null()).group_by(dest)
                .agg(pl.len().alias("findings")).collect())

    do, dn = destinations(fa), destinations(fb)
    return {
        "old": str(old), "new": str(new),
        "new_flows": [fn[k] for k in sorted(fn.keys() - fo.keys())],
        "gone_flows": [fo[k] for k in sorted(fo.keys() - fn.keys())],
        "new_violations": vn.join(vo, on="fingerprint", how="anti").to_dicts(),
        "resolved_violations": vo.join(vn, on="fingerprint", how="anti").to_dicts(),
        "new_destinations": dn.join(do, on=dest, how="anti", nulls_equal=True)
        .sort(dest).to_dicts(),
    }
