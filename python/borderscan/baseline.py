"""Baselines: the findings a team has accepted, by fingerprint.

`borderscan baseline create` writes one; `scan --baseline FILE` then leaves
those findings out, reports only new ones, and lists baseline entries that
no longer occur. Fingerprints do not contain line numbers, so a baseline
survives lines inserted above a finding.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import IO, Any

import orjson

from borderscan import _core
from borderscan._polars import pl

BASELINE_VERSION = 1
_FP = re.compile(r"^[0-9a-f]{16}$")

# What each entry keeps of its finding: enough for a reviewer to recognise
# it, and never a raw value (evidence is the masked form).
ENTRY_COLUMNS = ("fingerprint", "path", "line", "detector", "category", "field", "evidence",
                 "dest_host", "dest_country", "verdict", "severity", "rule")


def load_baseline(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read and check a baseline file; `ConfigError` names the file and the
    problem."""
    place = os.fspath(path)
    try:
        with open(place, "rb") as fh:
            doc = orjson.loads(fh.read())
    except OSError as e:
        raise _core.ConfigError(f"{place}: cannot read the baseline: {e.strerror}") from None
    except orjson.JSONDecodeError as e:
        raise _core.ConfigError(f"{place}: not a JSON baseline: {e}") from None
    if not isinstance(doc, dict) or doc.get("version") != BASELINE_VERSION:
        raise _core.ConfigError(
            f"{place}: not a borderscan baseline (version {BASELINE_VERSION} expected)")
    findings = doc.get("findings")
    if not isinstance(findings, list):
        raise _core.ConfigError(f"{place}: 'findings' must be a list")
    for i, entry in enumerate(findings):
        if not isinstance(entry, dict) or not _FP.match(str(entry.get("fingerprint", ""))):
            raise _core.ConfigError(
                f"{place}: findings[{i}]: 'fingerprint' must be 16 lower-case hex digits")
    return doc


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


def absent_entries(doc: dict[str, Any], absent: list[str]) -> list[dict[str, Any]]:
    """The baseline entries a scan's `absent` fingerprints stand for."""
    gone = set(absent)
    return [e for e in doc["findings"] if e["fingerprint"] in gone]
