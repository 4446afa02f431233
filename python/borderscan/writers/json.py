"""`--format json` and `--format jsonl`: written by the engine itself
(`_core.scan_write`), batch by batch; no finding becomes a Python object."""

from __future__ import annotations

from typing import ClassVar, Literal

from borderscan.output import Report
from borderscan.writers.base import Scan, Writer


class JsonWriter(Writer):
    """One document: tool, findings, summary, detectors, residency, accounting."""

    name: ClassVar[Literal["json", "jsonl"]] = "json"
    # No Python stream to tee the findings from.
    stores = False

    def write(self, scan: Scan) -> Report:
        out = self.target.out
        return scan.native(self.name, None if out in (None, "-") else out)


class JsonlWriter(JsonWriter):
    """One finding per line."""

    name: ClassVar[Literal["json", "jsonl"]] = "jsonl"
