"""The writer interface: one `Writer` per output format (`scan --format`).

A scan's output is written in up to three steps, because part of it is
known only later:

    write   run the scan and write its findings as they arrive (json and
            jsonl are written by the engine itself); returns the Report
    finish  write what needs the scan's outcome: exit code, reasons, audit
            entry (the HTML report shows them)
    show    what the terminal shows once the scan is over
"""

from __future__ import annotations

import sys
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any, ClassVar, Literal, cast

from rich.console import Console

from borderscan import api, output, store
from borderscan._files import atomic_output
from borderscan.api import ScanStream
from borderscan.output import Report, report_from, tool_info


@dataclass(frozen=True)
class Target:
    """Where a writer writes, and what it needs besides the findings."""

    out: str | None
    """`--out`; None or "-" is stdout."""
    exit_code: Callable[[Report], tuple[int, list[str]]]
    """The scan's exit code and reasons, for outputs that record them while
    they are written (SARIF's invocation)."""
    locale: str = "en"
    quiet: bool = False
    max_results: int | None = None
    """`--max-results`: SARIF writes at most this many results (None: all)."""
    gated: bool = True
    """A --fail-on threshold decides the exit code; without one the HTML
    report says "not gated", never PASS."""


@dataclass(frozen=True)
class Scan:
    """A scan to run: as a stream of findings, or written by the engine."""

    paths: list[str]
    options: dict[str, Any]
    """The options `api.scan_iter` and `api.scan_write` take."""
    keep: store.Writer | None = None
    """A stored scan (`--store`) that the findings are also written to."""

    def stream(self) -> ScanStream:
        """Start the scan; its findings batch by batch (also kept, with `keep`)."""
        s = api.scan_iter(self.paths, **self.options)
        # A Teed stream forwards every attribute of the stream it wraps.
        return cast(ScanStream, store.Teed(s, self.keep)) if self.keep else s

    def native(self, fmt: Literal["json", "jsonl", "parquet", "none"],
               out: str | None) -> Report:
        """Let the engine write `json`, `jsonl`, `parquet` or nothing (`none`)
        to `out` (None: stdout) as findings arrive, without handing them to
        Python."""
        acc, summary, packs = api.scan_write(self.paths, fmt, out, tool_info(), **self.options)
        return report_from(acc, summary, packs)


@dataclass(frozen=True)
class Outcome:
    """What is known of a scan once it is over and recorded."""

    code: int
    reasons: list[str]
    audit_entry: dict[str, Any] | None = None
    policy: dict[str, Any] | None = None
    inputs: list[dict[str, Any]] | None = None


class Writer(ABC):
    """One output format. An instance writes one scan."""

    name: ClassVar[str]
    """The `--format` value."""
    stores: ClassVar[bool] = True
    """Whether `--store` works with it: the stored findings are teed from
    the Python stream, which formats the engine writes do not have."""
    binary: ClassVar[bool] = False
    """Never written to a terminal."""
    default_out: ClassVar[str | None] = None
    """Where it goes without `--out` (None: stdout)."""
    findings: ClassVar[str] = "all"
    """Which findings it writes unless `--findings` says (`all`, `review`,
    `violations`): what its usual reader wants."""
    describes_inputs: ClassVar[bool] = False
    """Whether `finish` needs the policy and the inputs' SHA-256 in the
    Outcome (they are worked out only when something needs them)."""

    def __init__(self, target: Target) -> None:
        self.target = target

    @abstractmethod
    def write(self, scan: Scan) -> Report:
        """Run the scan, writing as findings arrive; the scan's Report."""

    def finish(self, report: Report, outcome: Outcome) -> None:  # noqa: B027 (optional hook)
        """Write what needs the outcome. Most formats have nothing left."""

    def show(self, report: Report, err: Console) -> None:
        """The summary on the terminal when the output went to a file, else
        only the input problems (on stderr: stdout holds the output)."""
        out = self.target.out
        if (out or self.default_out) and out != "-" and not self.target.quiet:
            out_console = output.console()
            output.print_summary(report, out_console)
            out_console.print(
                f"findings written to {out or self.default_out} ({self.name})", markup=False)
        elif not out:
            output.print_problems(report, err)


@contextmanager
def open_out(out: str | None) -> Iterator[IO[bytes]]:
    """`out` opened for writing bytes; stdout when None or "-"."""
    if out is None or out == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
    else:
        with atomic_output(out) as fh:
            yield fh
