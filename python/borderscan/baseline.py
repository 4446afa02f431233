"""Baselines: the findings a team has accepted, by fingerprint.

`borderscan baseline create` writes one; `scan --baseline FILE` then leaves
those findings out, reports only new ones, and lists baseline entries that
no longer occur. Fingerprints do not contain line numbers, so a baseline
survives lines inserted above a finding.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import IO, Any

import orjson

from borderscan import _core
from borderscan._polars import pl

BASELINE_VERSION = 1

# What each entry keeps of its finding: enough for a reviewer to recognise
# it, and never a raw value (evidence is the masked form).
ENTRY_COLUMNS = ("fingerprint", "path", "line", "detector", "category", "field", "evidence",
                 "dest_host", "dest_country", "verdict", "severity", "rule")


def write_baseline(batches: Iterable[pl.DataFrame], out: IO[bytes], *, tool: dict[str, Any],
                   policy: dict[str, Any] | None, inputs: list[str]) -> int:
    """Write every finding of a scan as an accepted entry (one per
    fingerprint, first occurrence kept, with how often it occurred).
    Returns the number of entries."""
    entries: dict[str, dict[str, Any]] = {}
    for frame in batches:
        for row in frame.select(ENTRY_COLUMNS).iter_rows(named=True):
            e = entries.get(row["fingerprint"])
            if e is None:
                entries[row["fingerprint"]] = {**row, "occurrences": 1}
            else:
                e["occurrences"] += 1
    doc = {
        "version": BASELINE_VERSION,
        "tool": tool,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "policy": policy,
        "inputs": inputs,
        "findings": list(entries.values()),
    }
    out.write(orjson.dumps(doc, option=orjson.OPT_INDENT_2) + b"\n")
    return len(entries)


def absent_entries(path: str | os.PathLike[str], absent: list[str],
                   limit: int) -> list[dict[str, Any]]:
    """The first `limit` entries (in file order) of a baseline file that a
    scan's `absent` fingerprints stand for, with "?" for a describing key
    the entry leaves out (or null), so that every one can be shown. The
    engine reads the file as a stream and checks it (`ConfigError`)."""
    shown = ("path", "line", "detector")
    entries = orjson.loads(_core.baseline_entries(os.fspath(path), absent, limit))
    return [{**e, **{k: "?" for k in shown if e.get(k) is None}} for e in entries]
