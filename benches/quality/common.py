"""Shared helpers of the quality harness: run the scanner, describe what was measured."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Finding:
    """One finding, as the scanner's JSON document gives it (the fields we score)."""

    path: str
    line: int
    column: int  # 1-based, code points
    detector: str
    category: str
    evidence: str  # the raw value: we scan with --show-values

    @property
    def start(self) -> int:
        """0-based code-point offset of the value in its line."""
        return self.column - 1

    @property
    def end(self) -> int:
        return self.column - 1 + len(self.evidence)


@dataclass
class Scan:
    findings: list[Finding]
    accounting: dict
    command: list[str]


def scan(paths: list[str], *, threads: int = 2, input_format: str | None = None,
         python: str = sys.executable) -> Scan:
    """Run `borderscan scan` on `paths` and return its findings and accounting.

    The CLI is what users run, so that is what we measure: `--format json` (findings,
    accounting) with raw values (`--show-values`) so that spans can be scored; no
    audit-log entry is written for these measuring scans.
    """
    cmd = [python, "-m", "borderscan", "scan", *paths, "--format", "json", "--show-values",
           "--no-audit-log", "--quiet", "--threads", str(threads)]
    if input_format:
        cmd += ["--input-format", input_format]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"borderscan failed (exit {proc.returncode}): {' '.join(cmd)}\n"
                         f"{proc.stderr[-2000:]}")
    doc = json.loads(proc.stdout)
    findings = [
        Finding(f["path"], f["line"], f["column"], f["detector"], f["category"],
                f["evidence"] or "")
        for f in doc["findings"]
    ]
    return Scan(findings, doc["accounting"], cmd)


def scanner_identity(python: str = sys.executable) -> dict:
    """Version of the scanner measured and, when it is a git checkout, its commit."""
    out: dict = {}
    proc = subprocess.run([python, "-m", "borderscan", "--version"], capture_output=True,
                          text=True, check=False)
    out["version"] = proc.stdout.strip()
    proc = subprocess.run([python, "-c", "import borderscan; print(borderscan.__file__)"],
                          capture_output=True, text=True, check=False)
    where = Path(proc.stdout.strip()).parent
    out["package"] = str(where)
    git = ["git", "-C", str(where)]
    rev = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True,
                         text=True, check=False)
    if rev.returncode == 0:
        out["commit"] = rev.stdout.strip()
        top = subprocess.run([*git, "rev-parse", "--show-toplevel"], capture_output=True,
                             text=True, check=False)
        out["checkout"] = top.stdout.strip()
        dirty = subprocess.run([*git, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=False)
        out["dirty"] = bool(dirty.stdout.strip())
    return out


_SHAPE = str.maketrans("0123456789", "9999999999")


def shape(value: str, limit: int = 40) -> str:
    """A value's shape, never the value: digits become 9, letters x / X.

    Enough to see why a detector fired (`999999 9999`, `xxx_-9999...`) without
    copying data from the labelled sets into the results.
    """
    s = re.sub(r"[a-z]", "x", re.sub(r"[A-Z]", "X", value.translate(_SHAPE)))
    s = s.replace("\n", " ")
    return s if len(s) <= limit else s[: limit - 1] + "…"


def context(line: str, start: int, end: int, width: int = 28) -> str:
    """The text around a hit, with the hit itself replaced by its shape in brackets."""
    left = line[max(0, start - width):start]
    right = line[end:end + width]
    pre = "…" if start - width > 0 else ""
    post = "…" if end + width < len(line) else ""
    out = f"{pre}{left}[{shape(line[start:end])}]{right}{post}"
    return out.replace("|", "\\|").replace("`", "'")


def ratio(num: int, den: int) -> float | None:
    return None if den == 0 else num / den


def fmt(x: float | None, digits: int = 3) -> str:
    return "n/a" if x is None else f"{x:.{digits}f}"
