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
_FP = re.compile(r"^[0-9a-f]{16}\Z")
_MAX_PROBLEMS = 20

# What each entry keeps of its finding: enough for a reviewer to recognise
# it, and never a raw value (evidence is the masked form).
ENTRY_COLUMNS = ("fingerprint", "path", "line", "detector", "category", "field", "evidence",
                 "dest_host", "dest_country", "verdict", "severity", "rule")


# The keys of an entry and what each must hold. Only `fingerprint` is
# required: it is what a scan leaves out. The others say what the finding
# was (what `write_baseline` writes) and are shown when it is no longer
# found; a baseline written by hand or by another tool may leave them out,
# and null is accepted for any of them.
REQUIRED = ("fingerprint",)
_STRING_KEYS = ("path", "detector", "category", "field", "evidence", "dest_host",
                "dest_country", "verdict", "severity", "rule")
_COUNT_KEYS = ("line", "occurrences")
_TOP_KEYS = {"version": "a number", "tool": "an object", "created": "a string",
             "policy": "an object", "inputs": "a list", "findings": "a list"}


def _kind(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "a boolean"
    return {dict: "an object", list: "a list", str: "a string", int: "a number",
            float: "a number"}.get(type(v), type(v).__name__)


def _shown(v: Any) -> str:
    text = orjson.dumps(v).decode()
    return text if len(text) <= 40 else text[:37] + "..."


def entry_problems(i: int, entry: Any) -> list[str]:
    """What is wrong with `findings[i]`, one sentence each (none: it is
    usable)."""
    where = f"findings[{i}]"
    if not isinstance(entry, dict):
        return [f"{where}: must be an object with a 'fingerprint', not {_kind(entry)}"]
    out = []
    for key in REQUIRED:
        if key not in entry:
            out.append(f"{where}: '{key}' is missing (16 lower-case hex digits, as "
                       "`borderscan baseline create` writes it)")
    fp = entry.get("fingerprint")
    if "fingerprint" in entry and not (isinstance(fp, str) and _FP.match(fp)):
        out.append(f"{where}.fingerprint: must be a string of 16 lower-case hex digits, "
                   f"not {_kind(fp)} {_shown(fp)}")
    for key in _STRING_KEYS:
        v = entry.get(key)
        if v is not None and not isinstance(v, str):
            out.append(f"{where}.{key}: must be a string or null, not {_kind(v)} {_shown(v)}")
    for key in _COUNT_KEYS:
        v = entry.get(key)
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 0):
            out.append(f"{where}.{key}: must be a whole number (0 or more) or null, "
                       f"not {_kind(v)} {_shown(v)}")
    return out


def load_baseline(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read and check a baseline file; `ConfigError` names the file and
    every problem, one per line: the entry (`findings[3]`), the key and
    what is wrong. Only `fingerprint` is required of an entry; the keys
    that describe the finding may be missing (or null), but not of
    another type."""
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
    problems = []
    for key, kind in _TOP_KEYS.items():
        v = doc.get(key)
        if v is not None and _kind(v) != kind:
            problems.append(f"'{key}' must be {kind}, not {_kind(v)}")
    findings = doc.get("findings")
    if findings is None:
        problems.append("'findings' is missing (the list of accepted findings)")
    elif isinstance(findings, list):
        for i, entry in enumerate(findings):
            problems.extend(entry_problems(i, entry))
    if problems:
        shown = problems[:_MAX_PROBLEMS]
        more = len(problems) - len(shown)
        raise _core.ConfigError(
            f"{place}: not a usable baseline ({len(problems)} problem(s)):\n"
            + "\n".join(f"{place}: {p}" for p in shown)
            + (f"\n{place}: ... and {more} more" if more else ""))
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
    """The baseline entries a scan's `absent` fingerprints stand for, with
    "?" for a describing key the entry leaves out (or null), so that every
    one can be shown."""
    gone = set(absent)
    shown = ("path", "line", "detector")
    return [{**e, **{k: "?" for k in shown if e.get(k) is None}}
            for e in doc["findings"] if e["fingerprint"] in gone]
