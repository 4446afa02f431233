"""Residency policies from Python: load (file or preset), check, and say
in plain words what a policy means (`borderscan policy check`)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import orjson

from borderscan import _core


def load_policy(policy: str | os.PathLike[str] | None = None, preset: str | None = None,
                today: str | None = None,
                rules: Sequence[str | os.PathLike[str]] | None = None) -> dict[str, Any]:
    """The policy as the engine compiled it (groups expanded, exceptions
    marked expired against `today`). Raises `ConfigError` when it is
    invalid, naming every problem of the file, one per line, each with
    file, line and column.

    Given `rules` (rule pack files; an empty list for the built-in pack
    alone), every category and detector a policy file names must be one of
    the built-in pack's or of those packs', as in a scan that loads them;
    None leaves the names unchecked (for a policy that is only read, e.g.
    to report on a scan already made)."""
    path = None if policy is None else os.fspath(policy)
    files = None if rules is None else [os.fspath(r) for r in rules]
    compiled: dict[str, Any] = orjson.loads(_core.policy_json(path, preset, today, files))
    return compiled


def presets() -> dict[str, str]:
    """Shipped presets: name -> TOML text."""
    return dict(_core.presets())


def groups() -> dict[str, Any]:
    """Built-in jurisdiction groups: name -> description, source, members."""
    built_in: dict[str, Any] = orjson.loads(_core.groups_json())
    return built_in


def _places(p: dict[str, Any], *, limit: int = 12) -> str:
    written = ", ".join(p["written"])
    codes = p["countries"]
    if p.get("any"):
        return "any country"
    shown = ", ".join(codes[:limit]) + (f" and {len(codes) - limit} more"
                                        if len(codes) > limit else "")
    if p.get("origin"):
        shown = "the record's own origin country" + (f", {shown}" if codes else "")
        return shown if written == "@origin" else f"{written} ({shown})"
    if all(not w.startswith("@") for w in p["written"]):
        return written
    return f"{written} ({shown})"


def describe(policy: dict[str, Any]) -> list[str]:
    """What a policy means, one sentence per line."""
    lines = [f"Policy {policy['name']} {policy['version']}: {policy['description']}"]
    lines += [f"  follows: {s}" for s in policy["sources"]]
    unknown = policy["unknown_destination"]
    lines.append(
        "A destination that cannot be placed in one country counts as a violation."
        if unknown == "violation" else
        "A destination that cannot be placed in one country is reported as 'unknown' "
        "(not a violation) unless a rule says otherwise.")
    for g, members in policy["groups"].items():
        lines.append(f"Group @{g}: {', '.join(members)}.")
    for r in policy["rules"]:
        cats = ", ".join(r["categories"])
        who = "from any origin" if r["origins"] is None else f"from {_places(r['origins'])}"
        dets = f" (detectors {', '.join(r['detectors'])})" if r["detectors"] else ""
        if r["kind"] == "allow":
            what = f"may only go to {_places(r['places'])}"
        else:
            what = f"may never go to {_places(r['places'])}"
        extra = " Unknown destinations count as violations." \
            if r["unknown_destination"] == "violation" and unknown != "violation" else ""
        src = f" [{r['source']}]" if r.get("source") else ""
        lines.append(f"Rule {r['id']} ({r['severity']}): {cats} data{dets} {who} {what}; "
                     f"otherwise a {r['severity']} violation.{extra}{src}")
    for x in policy["exceptions"]:
        scope = []
        if x["destinations"]:
            scope.append(f"to {_places(x['destinations'])}")
        if x["hosts"]:
            scope.append(f"to hosts {', '.join(x['hosts'])}")
        if x["categories"]:
            scope.append(f"for {', '.join(x['categories'])}")
        if x["origins"]:
            scope.append(f"from {_places(x['origins'])}")
        if x["detectors"]:
            scope.append(f"detectors {', '.join(x['detectors'])}")
        state = (f"EXPIRED on {x['expires']}: no longer applies" if x["expired"]
                 else f"valid until {x['expires']}")
        lines.append(f"Exception to {x['rule']} {' '.join(scope) or 'for every finding'}, "
                     f"owner {x['owner']}, reason: {x['reason']} ({state}).")
    o_sites, o_paths = policy["origin_sites"], policy["origin_paths"]
    for m in o_sites:
        lines.append(f"Site codes matching {m['pattern']} come from {m['country']}.")
    for m in o_paths:
        lines.append(f"Files matching {m['pattern']} come from {m['country']}.")
    if policy["origin_default"]:
        lines.append(f"Records with no other origin come from {policy['origin_default']}.")
    lines.append("Other site codes that start with a country code and a separator "
                 "(CN-SZ-02, de_muc_4) are taken as that country.")
    for h, c in policy["destination_hosts"]:
        lines.append(f"Hosts matching {h} are in {c} (overrides every other source).")
    for n, c in policy["destination_cidrs"]:
        lines.append(f"Addresses in {n} are in {c} (overrides every other source).")
    return lines
