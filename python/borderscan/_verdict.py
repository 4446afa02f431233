"""What a scan's results mean: the sentence that explains a finding's
verdict, violations at a severity threshold, input problems, and the exit
code with its reasons. Private: the CLI and the writers use it; the public
API exposes it as `ScanResult.failing()` (the failing findings),
`ScanResult.failing_count()`, `ScanResult.problems` and
`ScanResult.exit_code()`, and its outputs (`to_sarif`, `to_html`,
`append_audit`) decide their exit code here, as the CLI does.

The vocabularies (severities, verdicts) are the engine's own
(`_core.SEVERITIES`, `_core.VERDICTS`): they are never re-typed here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from borderscan import _core

if TYPE_CHECKING:
    from borderscan._polars import pl

# Exit codes (PRODUCT.md): 0 fine, 1 findings at or above --fail-on,
# 2 usage or configuration error, 3 unreadable or corrupt input.
EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INPUT = 0, 1, 2, 3
# 128 + SIGINT, as a shell reports a command stopped by Ctrl-C.
EXIT_INTERRUPTED = 130

# How the destination of a finding was decided (its `dest_source`), in words.
DEST_SOURCE_TEXT = {
    "policy": "policy override",
    "cloud": "cloud region table",
    "geoip": "geoip",
    "tld": "country-code TLD",
    "cli": "--destination",
    "unresolved": "not resolved",
    "none": "no destination in the record",
}
# Where in the record the destination was found (its `dest_found`), in
# words; a configured field goes without saying.
DEST_FOUND_TEXT = {
    "vocabulary": "found in a field named like a destination",
    "text": "found after a sending phrase in the text",
    "discovered": "found as an endpoint value",
}
# Destination countries that are not a country: the engine could not place it.
UNRESOLVED_COUNTRIES = ("unknown", "indeterminate")


def explain(f: Mapping[str, Any]) -> str:
    """One plain sentence about a finding (a findings row): what, where,
    from, to, and why that is its verdict. The SARIF message and the HTML
    report both show it. Missing keys read as null: the HTML report also
    takes rows from a saved JSON document."""
    field, rule, severity = f.get("field"), f.get("rule"), f.get("severity")
    where = f"in field {field}" if field is not None else "in free text"
    if f.get("origin_country") and f.get("origin_country") != "unknown":
        origin = f"from {f.get('origin_country')} ({f.get('origin_source')})"
    else:
        origin = "from an unknown origin"
    dest = _destination_text(f.get("dest_country"), f.get("dest_source"), f.get("dest_host"))
    found = DEST_FOUND_TEXT.get(f.get("dest_found") or "")
    if found and f.get("dest_source") != "cli":
        dest += f", {found}"
        if f.get("dest_confidence") == "low":
            dest += " (one of several: the most restrictive verdict)"
    rule_text = rule if rule is not None else "(none)"
    sev = f" ({severity})" if severity else ""
    verdict = f.get("verdict")
    if verdict == "violation":
        why = f"violates rule {rule_text}{sev}"
    elif verdict == "exempted":
        why = f"would violate rule {rule_text}{sev}; exempted"
        if f.get("exception"):
            why += f" by {f.get('exception')}"
    elif verdict == "allowed":
        why = f"allowed by rule {rule}" if rule is not None else "no rule covers it; allowed"
    else:
        why = f"rule {rule_text} cannot decide without the destination country; review it"
    what = f"{f.get('detector')} ({f.get('category')}"
    if f.get("confidence"):
        what += f"; {f.get('confidence')} confidence: {f.get('reason')}"
    return f"{what}) {where} {origin} {dest}: {why}."


def _destination_text(country: str | None, source: str | None, host: str | None) -> str:
    host_part = f", host {host}" if host else ""
    how = DEST_SOURCE_TEXT.get(source or "none", source or "")
    if country and country not in UNRESOLVED_COUNTRIES:
        return f"sent to {country} (resolved by {how}{host_part})"
    if source == "none" and not host:
        return "with no destination in the record"
    return f"sent to a destination of {country or 'unknown'} country ({how}{host_part})"


def violations_by_severity(residency: Mapping[str, Any]) -> dict[str, int]:
    """Violation findings per severity, from the engine's residency summary
    (severities that had none are left out)."""
    by: dict[str, int] = {}
    for v in residency.get("violations", []):
        by[v["severity"]] = by.get(v["severity"], 0) + v["hits"]
    return by


def at_or_above(threshold: str) -> tuple[str, ...]:
    """The severities at or above `threshold`; ValueError naming the valid
    ones for a word that is not a severity."""
    if threshold not in _core.SEVERITIES:
        raise ValueError(f"unknown severity {threshold!r} (severities: "
                         f"{', '.join(_core.SEVERITIES)})")
    return _core.SEVERITIES[_core.SEVERITIES.index(threshold):]


def failing(residency: Mapping[str, Any], threshold: str) -> int:
    """Violations (findings) at or above `threshold` in a residency summary."""
    severities = at_or_above(threshold)
    return sum(v["hits"] for v in residency.get("violations", [])
               if v["severity"] in severities)


def failing_findings(findings: pl.DataFrame, threshold: str) -> pl.DataFrame:
    """The rows of a findings table that are violations at or above `threshold`."""
    from borderscan._polars import pl

    severities = at_or_above(threshold)
    return findings.filter((pl.col("verdict") == "violation")
                           & pl.col("severity").is_in(severities))


# Which findings each `findings` selection keeps, by verdict (None: all);
# the engine's `Selection`, for a findings table already in Python.
SELECTIONS: dict[str, tuple[str, ...] | None] = {
    "all": None,
    "review": tuple(v for v in _core.VERDICTS if v != "allowed"),
    "violations": ("violation",),
}


def select(findings: pl.DataFrame, which: str) -> pl.DataFrame:
    """The findings a selection (`all`, `review`, `violations`) keeps;
    ValueError naming the selections for another word."""
    if which not in SELECTIONS:
        raise ValueError(f"findings: unknown selection {which!r} (selections: "
                         f"{', '.join(SELECTIONS)})")
    verdicts = SELECTIONS[which]
    if verdicts is None:
        return findings
    from borderscan._polars import pl

    return findings.filter(pl.col("verdict").is_in(verdicts))


def residency_of(summary: Mapping[str, Any]) -> dict[str, Any]:
    """The residency part of the engine's summary JSON, in one dict."""
    r = dict(summary.get("residency") or {})
    r["policy"] = summary.get("policy")
    r["baseline"] = summary.get("baseline")
    return r


def has_problems(accounting: Mapping[str, Any]) -> bool:
    """Did any input fail, fail to parse, get skipped (binary, FIFO, link
    loop) or get cut, or any --geoip lookup fail?"""
    a = accounting
    return bool(a["failed_files"] or a["unparseable"] or a["binary_skipped"]
                or a["truncated_lines"] or a.get("special_skipped")
                or geoip_errors(a)[0])


def geoip_errors(accounting: Mapping[str, Any]) -> tuple[int, str]:
    """Addresses the --geoip database failed to answer for (a record that
    does not decode as a country record), and where: the database and the
    first such addresses with their error."""
    g = accounting.get("geoip_errors") or {}
    n = g.get("count", 0)
    if not n:
        return 0, ""
    first = "; ".join(f"{e['ip']}: {e['error']}" for e in g.get("first", [])[:3])
    return n, f"{g.get('database')}: {first}" if first else str(g.get("database"))


def unplaced(accounting: Mapping[str, Any]) -> tuple[int, str]:
    """Records that name no destination, and where: the files holding them
    (most first, up to five) and the first such records."""
    n = (accounting.get("no_destination") or {}).get("count", 0)
    if not n:
        return 0, ""
    files = sorted(((f["no_destination"]["count"], f["path"])
                    for f in accounting.get("per_file", [])
                    if (f.get("no_destination") or {}).get("count")), key=lambda t: -t[0])
    where = ", ".join(f"{p} ({k:,})" for k, p in files[:5])
    if len(files) > 5:
        where += f" and {len(files) - 5:,} more file(s)"
    first = ", ".join(f"{loc['path']}:{loc['line']}"
                      for loc in accounting["no_destination"].get("first", [])[:3])
    return n, f"{where}; first at {first}" if first else where


def ungated(residency: Mapping[str, Any]) -> str:
    """What a scan with no --fail-on found, said plainly: its violations by
    severity and that nothing gated them. Never "PASS": a threshold nobody
    set passed nothing."""
    by: dict[str, int] = {}
    for v in residency.get("violations", []):
        by[v["severity"]] = by.get(v["severity"], 0) + v["hits"]
    total = sum(by.values())
    if not total:
        return "no violations; not gated (no --fail-on)"
    worst = ", ".join(f"{by[s]:,} {s}" for s in reversed(_core.SEVERITIES) if by.get(s))
    return f"{total:,} violation(s) ({worst}); not gated (no --fail-on)"


def exit_summary(reasons: list[str], residency: Mapping[str, Any],
                 fail_on: str | None) -> list[str]:
    """What the summary and the HTML report say of an exit code: the
    sentences of its non-zero causes (`exit_code`), or why it is 0."""
    if reasons:
        return reasons
    if fail_on:
        return [f"nothing at or above {fail_on}, every input read (exit 0)"]
    return [f"{ungated(residency)}; every input read (exit 0)"]


def exit_code(accounting: Mapping[str, Any], residency: Mapping[str, Any], *,
              fail_on: str | None, strict: bool, keep_going: bool,
              require_destination: bool = False) -> tuple[int, list[str]]:
    """The exit code of a scan and, for every non-zero cause, a sentence
    naming it. Unreadable input (3) takes precedence over findings (1), and
    so do records that name no destination under --require-destination."""
    reasons: list[str] = []
    code = EXIT_OK
    if fail_on:
        n = failing(residency, fail_on)
        if n:
            code = EXIT_FINDINGS
            reasons.append(f"{n:,} violation(s) at or above {fail_on} (exit 1)")
    if accounting["failed_files"] and not keep_going:
        code = EXIT_INPUT
        reasons.append(f"{accounting['failed_files']} input(s) could not be read (exit 3; "
                       "--keep-going to accept)")
    elif strict and has_problems(accounting):
        code = EXIT_INPUT
        reasons.append("input problems found and --strict given (exit 3)")
    n, where = geoip_errors(accounting)
    if n and not keep_going:
        # Unplaced by a database that failed, not by a destination nobody
        # knows: as unreadable as a corrupt input.
        code = EXIT_INPUT
        reasons.append(f"{n:,} IP address(es) could not be looked up in the --geoip "
                       f"database (exit 3; --keep-going to accept): {where}")
    n, where = unplaced(accounting)
    if require_destination and n:
        code = EXIT_INPUT
        reasons.append(f"{n:,} record(s) name no destination and --require-destination "
                       f"was given (exit 3): {where}")
    return code, reasons
