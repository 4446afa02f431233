"""`--format parquet`: the findings table as one Parquet file."""

from __future__ import annotations

import polars as pl

from borderscan import _core
from borderscan.output import Report, report_from_stream
from borderscan.writers.base import Scan, Writer, open_out


class ParquetWriter(Writer):
    """Polars writes one file at once, so the findings are gathered first
    (as compact Arrow, not Python objects)."""

    name = "parquet"
    binary = True

    def write(self, scan: Scan) -> Report:
        stream = scan.stream()
        with open_out(self.target.out) as fh:
            frames = list(stream)
            # No findings: still a file with the findings schema (the engine's).
            table = pl.concat(frames) if frames else pl.DataFrame(_core.empty_findings())
            table.write_parquet(fh)
        return report_from_stream(stream)
