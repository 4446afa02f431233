"""`--format table`: the terminal summary (categories, detectors, policy
verdicts, accounting) on stdout, or in the `--out` file."""

from __future__ import annotations

from rich.console import Console

from borderscan import output
from borderscan._files import atomic_output
from borderscan.output import Report, report_from_stream
from borderscan.writers.base import Scan, Writer


class TableWriter(Writer):
    """The summary is printed once the exit reasons are known (it ends with them)."""

    name = "table"

    def write(self, scan: Scan) -> Report:
        if scan.keep is None:
            # Only the summaries are needed: the engine counts them without
            # handing a single finding to Python.
            return scan.native("none", None)
        # --store keeps the findings: stream them through the stored scan.
        stream = scan.stream()
        for _ in stream:
            pass
        return report_from_stream(stream)

    def show(self, report: Report, err: Console) -> None:
        if self.target.out:
            with atomic_output(self.target.out, "w", encoding="utf-8") as fh:
                output.print_summary(report, output.console(fh))
        elif not self.target.quiet:
            output.print_summary(report, output.console())
