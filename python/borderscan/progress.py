"""The progress bar of long scans, on stderr, only when stderr is a terminal.

The engine bumps two relaxed atomic counters every few thousand lines
(bytes as stored and records); a thread here reads them ten times a second.
The scan never waits for the display, and the bar appears only once a scan
has run for half a second, so short scans print nothing.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.text import Text

from borderscan import _core

DELAY = 0.5
POLL = 0.1


def total_bytes(paths: Sequence[str]) -> int | None:
    """Bytes the scan will read, as stored (None for standard input). Files
    under directories are all counted, so with --include/--exclude the ETA
    is an upper bound."""
    total = 0
    for p in paths:
        if p == "-":
            return None
        if os.path.isdir(p):
            for root, _dirs, files in os.walk(p):
                for f in files:
                    with suppress(OSError):
                        total += os.path.getsize(os.path.join(root, f))
        else:
            with suppress(OSError):
                total += os.path.getsize(p)
    return total


class RecordsColumn(ProgressColumn):
    """Records per second, from the engine's counter."""

    def __init__(self, counter: _core.ProgressCounter) -> None:
        super().__init__()
        self.counter = counter

    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        rate = self.counter.records / elapsed if elapsed > 0 else 0.0
        return Text(f"{rate:,.0f} records/s", style="progress.data.speed")


@contextmanager
def progress_bar(paths: Sequence[str], enabled: bool,
                 console: Console) -> Iterator[_core.ProgressCounter | None]:
    """Yield a counter to pass to the scan (None when disabled) and draw a
    bar from it while the scan runs; the bar is removed at the end."""
    if not enabled:
        yield None
        return
    counter = _core.ProgressCounter()
    bar = Progress(
        TextColumn("scanning"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        RecordsColumn(counter),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
    task = bar.add_task("scan", total=total_bytes(paths))
    done = threading.Event()

    def poll() -> None:
        if done.wait(DELAY):
            return
        bar.start()
        while not done.wait(POLL):
            bar.update(task, completed=counter.bytes)

    t = threading.Thread(target=poll, name="borderscan-progress", daemon=True)
    t.start()
    try:
        yield counter
    finally:
        done.set()
        t.join()
        bar.stop()
