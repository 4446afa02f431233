"""`--format parquet`: the findings table as one Parquet file, written by
the engine row group by row group as the scan streams (memory stays bounded
whatever the number of findings; no finding becomes a Python object)."""

from __future__ import annotations

import shutil
import sys

from borderscan.output import Report
from borderscan.writers.base import Scan, Writer


class ParquetWriter(Writer):
    name = "parquet"
    binary = True

    def write(self, scan: Scan) -> Report:
        out = self.target.out
        if scan.keep is None:
            return scan.native("parquet", None if out in (None, "-") else out)
        # --store: the stored scan's findings are this same table, as its one part.
        part = scan.keep.dir / "findings" / "part-00000.parquet"
        report = scan.native("parquet", str(part))
        scan.keep.parts = 1
        if out in (None, "-"):
            with open(part, "rb") as fh:
                shutil.copyfileobj(fh, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        else:
            shutil.copyfile(part, out)
        return report
