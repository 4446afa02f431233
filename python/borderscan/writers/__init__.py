"""The output formats of `borderscan scan`, one writer each (see `base`
for the interface). `WRITERS` is the registry: `--format` offers its keys."""

from __future__ import annotations

from borderscan.writers.base import Outcome, Scan, Target, Writer
from borderscan.writers.html import HtmlWriter
from borderscan.writers.json import JsonlWriter, JsonWriter
from borderscan.writers.parquet import ParquetWriter
from borderscan.writers.sarif import SarifWriter
from borderscan.writers.table import TableWriter

# In the order `--help` lists them; `table` is the default.
WRITERS: dict[str, type[Writer]] = {
    w.name: w
    for w in (TableWriter, JsonWriter, JsonlWriter, ParquetWriter, SarifWriter, HtmlWriter)
}
FORMATS: tuple[str, ...] = tuple(WRITERS)

__all__ = ["FORMATS", "WRITERS", "Outcome", "Scan", "Target", "Writer"]
