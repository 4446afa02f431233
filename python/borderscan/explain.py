"""`borderscan explain`: why a record or finding got its verdict, step by
step — detector and field, origin, destination resolution, deciding rule.

Every line returned is one line of text safe to print (`output.safe`):
paths, field names, site codes, destinations and IP database metadata come
from the input, and their control characters are escaped."""

from __future__ import annotations

import bz2
import gzip
import os
import re
from pathlib import Path
from typing import Any

import orjson

from borderscan import _core, api
from borderscan.output import safe
from borderscan.policy import groups, load_policy

_FP = re.compile(r"^[0-9a-f]{16}$")
_AT_LINE = re.compile(r"^(?P<path>.+):(?P<line>[0-9]+)$")


def parse_target(target: str, paths: list[str]) -> tuple[str, Any, list[str]]:
    """(kind, value, paths to scan): `record` (FILE:LINE), `fingerprint`, or
    `destination`."""
    if _FP.match(target):
        if not paths:
            raise ValueError("a fingerprint needs the PATHS to look for it in")
        return "fingerprint", target, paths
    m = _AT_LINE.match(target)
    if m and not paths:
        return "record", int(m["line"]), [m["path"]]
    if paths:
        raise ValueError(f"{target!r} is neither FILE:LINE nor a 16-digit fingerprint")
    return "destination", target, []


def jurisdiction(code: str) -> str:
    """`DE (Germany; @EEA, @EU)`: a country with the built-in groups it is in."""
    if len(code) != 2:
        return code
    member_of = [f"@{g}" for g, v in groups().items() if code in v["members"]]
    return f"{code} ({_core.country_name(code)}" + (
        f"; {', '.join(member_of)})" if member_of else ")")


def _shown(lines: list[str]) -> list[str]:
    """Lines as printed: each one line, its control characters escaped."""
    return [safe(line) for line in lines]


def _resolution_lines(destination: str, options: dict[str, Any], indent: str) -> list[str]:
    r = orjson.loads(_core.explain_destination(
        destination, options.get("policy"), options.get("preset"), options.get("geoip")))
    lines = []
    for i, s in enumerate(r["steps"], 1):
        got = f"-> {s['country']}" if s["country"] else "-> no answer"
        lines.append(f"{indent}{i}. {s['source']}: {s['detail']} {got}")
    lines.append(f"{indent}=> {jurisdiction(r['country'])}, decided by {r['source']} "
                 f"(host {r['host']})")
    return lines


def explain_destination(destination: str, options: dict[str, Any]) -> list[str]:
    """How one destination resolves under the policy and IP database."""
    lines = [f"destination {destination}"]
    if options.get("destination"):
        lines.append(f"  --destination {options['destination']} would override every step")
    return _shown(lines + _resolution_lines(destination, options, "  "))


def archive_of(path: str) -> str | None:
    """The input file holding an archive member written `outer!member`
    (`bundle.tar.gz!logs/a.jsonl.gz`, nested `a.zip!b.tar!c.log`): the
    longest prefix before a `!` that is a file. None for any other path."""
    if "!" not in path or os.path.exists(path):
        return None
    cut = path.rfind("!")
    while cut > 0:
        if os.path.isfile(path[:cut]):
            return path[:cut]
        cut = path.rfind("!", 0, cut)
    return None


def _read_record(path: str, line_no: int) -> tuple[bytes, bytes] | None:
    """(the record's line, the file's first line) of a plain, gzip or bzip2
    file; None when the file is in another compression, an archive member
    (read by the engine only) or shorter."""
    opener: Any = {".gz": gzip.open, ".bz2": bz2.open}.get(Path(path).suffix, open)
    if Path(path).suffix in (".zst", ".xz", ".lz4", ".zip", ".tar") or not os.path.isfile(path):
        return None
    first = b""
    with opener(path, "rb") as f:
        for i, line in enumerate(f, 1):
            if i == 1:
                first = line.rstrip(b"\r\n")
            if i == line_no:
                return line.rstrip(b"\r\n"), first
    return None


def placement_lines(path: str, line_no: int, options: dict[str, Any]) -> list[str]:
    """The destination and origin candidates a record offers and which were
    taken, in the order of precedence (README, Where a record goes)."""
    got = _read_record(path, line_no)
    if got is None:
        return []
    line, first = got
    cands = orjson.loads(_core.explain_placement(
        line, Path(path).name, first if line_no > 1 else None,
        options.get("dest_fields"), options.get("origin_fields"),
        list(options.get("rules") or ()), bool(options.get("show_values"))))
    out = ["", "placement candidates (configured field > vocabulary field > sending phrase "
           "> endpoint values; several endpoint values: the most restrictive verdict):"]
    if not cands:
        out.append("  none: the record names no destination and no site")
    show = bool(options.get("show_values"))
    for c in cands:
        value = c["value"] if show or c["what"] == "origin" else _core_redact(c["value"])
        mark = "TAKEN" if c["taken"] else "not taken"
        field = c["field"] or "(free text)"
        out.append(f"  {c['what']} [{c['found']}] {field} = {value}: {mark}; {c['why']}")
    return out


def _core_redact(destination: str) -> str:
    """A destination as findings show it (credentials and query values masked)."""
    redacted: str = _core.redact_destination(destination)
    return redacted


class NotFound(LookupError):
    """No finding has the fingerprint asked for; `lines` say so."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__(lines[0])
        self.lines = lines


def explain_findings(kind: str, value: Any, paths: list[str],
                     options: dict[str, Any]) -> list[str]:
    """Scan `paths` and explain every finding on a record (or with a
    fingerprint). A record in an archive member (`outer!member:LINE`) is
    found by scanning the archive that holds it."""
    where = f"{paths[0]}:{value}" if kind == "record" else f"fingerprint {value}"
    member = paths[0] if kind == "record" and archive_of(paths[0]) else None
    result = api.scan([archive_of(member) or member] if member else paths, **options)
    f = result.findings
    f = f.filter(f["line"] == value) if kind == "record" else f.filter(f["fingerprint"] == value)
    if member:
        f = f.filter(f["path"] == member)
    if result.accounting["failed_files"]:
        fail = result.accounting["failures"][0]
        raise ValueError(f"{fail['path']}: {fail['error']}")
    placement = placement_lines(paths[0], value, options) if kind == "record" else []
    if f.is_empty():
        lines = [f"{where}: no finding (no detector fired there, or the baseline holds it)",
                 *placement]
        # A record with no finding is an answer; a fingerprint that names
        # nothing in PATHS is not.
        if kind != "record":
            raise NotFound(_shown(lines))
        return _shown(lines)
    policy = load_policy(options.get("policy"), options.get("preset"), options.get("today"))
    rules = {r["id"]: r for r in policy["rules"]}
    detectors = {d["id"]: d for d in api.rules(options.get("rules") or ())}
    lines = [f"{where}: {f.height} finding(s) under policy {policy['name']} "
             f"{policy['version']} ({policy['place']})"]
    resolved: dict[str, list[str]] = {}
    for row in f.iter_rows(named=True):
        d = detectors.get(row["detector"], {})
        lines.append("")
        lines.append(f"{row['path']}:{row['line']}:{row['column']} {row['detector']} "
                     f"({row['category']}) -> {row['verdict'].upper()}"
                     + (f" [{row['severity']}]" if row["severity"] else ""))
        lines.append(f"  detector: {d.get('description', row['detector'])} "
                     f"(kind {d.get('kind', '?')})")
        lines.append(f"  field: {row['field'] or '(free text)'}; evidence {row['evidence']}")
        origin = row["origin"] or "(no site field)"
        lines.append(f"  origin: {origin} -> {jurisdiction(row['origin_country'])} "
                     f"(decided by {row['origin_source']})")
        lines.append(f"  placement: destination found by {row['dest_found']} "
                     f"(confidence {row['dest_confidence']}), origin found by "
                     f"{row['origin_found']}")
        if row["dest_source"] == "cli":
            lines.append(f"  destination: --destination -> {row['dest_country']}")
        elif row["destination"] is None:
            lines.append("  destination: the record names none -> unknown")
        else:
            lines.append(f"  destination: {row['destination']} -> {row['dest_country']} "
                         f"(decided by {row['dest_source']})")
            key = row["destination"]
            if key not in resolved:
                resolved[key] = _resolution_lines(key, options, "    ")
            lines += resolved[key]
        if row["rule"] is None:
            lines.append("  rule: none of the policy's rules covers this category: allowed")
        else:
            r = rules[row["rule"]]
            how = "may only go to" if r["kind"] == "allow" else "may never go to"
            lines.append(f"  rule: {r['id']}: {r['description']} ({', '.join(r['categories'])}"
                         f" {how} {', '.join(r['places']['written'])})")
        if row["exception"]:
            lines.append(f"  exception: {row['exception']}")
        lines.append(f"  fingerprint: {row['fingerprint']}")
    return _shown(lines + placement)
