"""`--format html`: the self-contained HTML report (`borderscan.report`),
written once the exit code and the audit entry are known, since it shows
them."""

from __future__ import annotations

import sys
from typing import Any

from borderscan._files import atomic_output
from borderscan._polars import pl
from borderscan.api import ScanStream
from borderscan.output import Report, report_from_stream, tool_info
from borderscan.writers.base import Outcome, Scan, Target, Writer


class HtmlWriter(Writer):
    name = "html"
    default_out = "report.html"
    describes_inputs = True

    def __init__(self, target: Target) -> None:
        super().__init__(target)
        # What `write` keeps of the findings for `finish`.
        self._top: list[dict[str, Any]] = []
        self._sites: list[dict[str, Any]] = []

    def write(self, scan: Scan) -> Report:
        report, self._top, self._sites = gather(scan.stream())
        return report

    def finish(self, report: Report, outcome: Outcome) -> None:
        from borderscan.report import build_html

        page = build_html(
            accounting=report.accounting, summary=report.summary.to_dicts(),
            residency=report.residency, findings=self._top, exit_code=outcome.code,
            reasons=outcome.reasons or report.exit_reasons, gated=self.target.gated,
            tool=tool_info(), policy=outcome.policy,
            inputs=outcome.inputs, audit_entry=outcome.audit_entry, locale=self.target.locale,
            sites=self._sites, profile=report.profile.to_dicts())
        out = self.target.out or self.default_out
        if out == "-":
            sys.stdout.write(page)
            sys.stdout.flush()
            return
        with atomic_output(out, "w", encoding="utf-8") as fh:
            fh.write(page)


def gather(stream: ScanStream, keep: int = 50
           ) -> tuple[Report, list[dict[str, Any]], list[dict[str, Any]]]:
    """Stream a scan, keeping only what the HTML report shows of the findings
    (the top violations and unknown destinations, and counts by origin
    site): memory stays bounded."""
    from borderscan.report import SHOWN_VERDICTS, SITES, site_flows, top_findings

    kept: list[dict[str, Any]] = []
    sites: pl.DataFrame | None = None
    for frame in stream:
        rows = frame.filter(pl.col("verdict").is_in(SHOWN_VERDICTS)).to_dicts()
        kept = top_findings([*kept, *rows], keep)
        part = site_flows(frame)
        sites = part if sites is None else _sum_hits(pl.concat([sites, part]), SITES)
    return report_from_stream(stream), kept, [] if sites is None else sites.to_dicts()


def _sum_hits(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    return frame.group_by(keys).agg(pl.col("hits").sum())
