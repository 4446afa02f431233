"""SARIF 2.1.0 output for code scanning: one result per distinct problem.

`write_sarif` builds the log from findings tables (any, not only a scan's);
`write_scan` builds a scan's (its policy and rule packs, from its options);
`SarifWriter` is `--format sarif`: it feeds it a scan's stream, the
engine's summary and the invocation (`scan_invocation`: exit code, input
problems); `ScanResult.to_sarif` feeds it a finished scan's findings.

**One result per problem, not per occurrence.** A telemetry capture repeats
the same flow thousands of times; code scanning rejects a run with more than
25,000 results (or a file over 10 MB gzipped) and shows 5,000 at most. So
the findings that share verdict, rule, detector, category, field,
destination host and file (`GROUP_KEY`) are one result:

- `occurrenceCount`: how many findings it stands for;
- `locations`: its first `MAX_LOCATIONS` (10) occurrences in input order.
  GitHub accepts up to 1,000 locations per result but shows only 100;
  10 show where the flow occurs (the count says how often) and keep a
  result within about 4 KB (260 bytes gzipped), so that even 25,000
  results stay under the 10 MB gzipped upload limit. They are `locations`,
  not `relatedLocations`: SARIF lists several locations when the problem is
  gone only once each is changed, and a flow is gone only when none of its
  occurrences is left. The engine's per-finding fingerprints of these
  occurrences are in `properties.finding_fingerprints` (what a baseline
  lists), in the same order;
- `partialFingerprints` and `fingerprints` (`FINGERPRINT_KEY`): SHA-256 over
  the group key, with the file as its artifact URI as written (relative to
  SRCROOT when inside `base_dir`). No line and no count enter it, so an
  alert survives inserted lines and new occurrences. The verdict does: a
  flow whose findings are partly exempted gives two results, and two
  results of a run must not share a fingerprint (code scanning would take
  them for one alert, and a suppression could hide a violation);
- level from the group's worst severity; message and properties from its
  representative: the first occurrence of that worst severity (the first
  occurrence, since a rule gives all its findings one severity).

**The cut.** `max_results` keeps the most severe results: ordered by verdict
(violation, unknown, exempted, allowed), worst severity (critical first),
occurrences (most first), then the group key. The results are written in
that order, so the log is a prefix of the full ordering and raising the
bound only appends. What was cut is never silent: a toolExecutionNotification
and run.properties `omitted` count the results and findings left out.

The log is written as a stream: the head of the run (tool, rules, rule packs)
first, then each batch is aggregated as it arrives (with Polars: no Python
work per finding), then the results, then what is only known at the end
(invocation, counts). Memory is bounded by about twice the number of groups
times `MAX_LOCATIONS`, whatever the number of findings; the log depends
only on the findings, not on how they were split into batches.

Results are written for verdicts `violation`, `unknown` and `exempted`; with
`include_allowed`, `allowed` findings too (kind "pass"). Otherwise they are
counted (run.properties) but get no result. The counts come from the engine's
residency summary when given (it counted the same batches), else from the
batches. Evidence is copied as the engine masked it; the raw destination (a
URL may carry tokens in its query) is never copied, only its host.
"""

from __future__ import annotations

import os
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from hashlib import sha256
from pathlib import Path
from typing import IO, Any, NamedTuple
from urllib.parse import quote

import orjson
from rich.console import Console

from borderscan import _core, api
from borderscan._polars import pl
from borderscan._verdict import EXIT_FINDINGS, EXIT_OK, explain, violations_by_severity
from borderscan.output import Report, report_from_stream, tool_info
from borderscan.writers.base import Scan, Target, Writer, open_out

__all__ = [
    "FINGERPRINT_KEY",
    "GROUP_KEY",
    "MAX_LOCATIONS",
    "SARIF_SCHEMA_URI",
    "SARIF_VERSION",
    "SarifWriter",
    "scan_invocation",
    "write_sarif",
    "write_scan",
]

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://github.com/borderscan/borderscan"
FINGERPRINT_KEY = "borderscanGroup/v1"
SRCROOT = "SRCROOT"

# The columns of the findings table this writer reads.
COLUMNS = (
    "path",
    "line",
    "column",
    "byte_offset",
    "detector",
    "category",
    "field",
    "evidence",
    "confidence",
    "reason",
    "dest_host",
    "dest_country",
    "dest_source",
    "origin_country",
    "origin_source",
    "dest_found",
    "dest_confidence",
    "origin_found",
    "verdict",
    "severity",
    "rule",
    "fingerprint",
    "exception",
)

# The log lists verdicts and severities most serious first: the engine's
# orders (lowest first) reversed.
VERDICTS = tuple(reversed(_core.VERDICTS))
SEVERITIES = tuple(reversed(_core.SEVERITIES))
# Every verdict but `allowed` is a problem to show as a result.
REPORTED_VERDICTS = tuple(v for v in VERDICTS if v != "allowed")
# A result's kind by verdict; other verdicts "fail". SARIF 3.27.9: a result
# whose kind is not "fail" has level "none".
KIND_BY_VERDICT = {"unknown": "review", "allowed": "pass"}

# Findings that share these are one result (the module docstring says why).
GROUP_KEY = ("verdict", "rule", "detector", "category", "field", "dest_host", "path")
# Occurrences listed as a result's locations, at most (GitHub shows 100).
MAX_LOCATIONS = 10
# Severity ranks, worst first; findings without a severity rank last as "none".
RANKED_SEVERITIES = (*SEVERITIES, "none")

# Per severity, lowest first (as `_core.SEVERITIES`).
LEVEL_BY_SEVERITY = dict(zip(_core.SEVERITIES, ("note", "warning", "error", "error"), strict=True))
# GitHub code scanning reads `security-severity` (a number as a string, 0.0-10.0) on rules
# and shows critical >= 9.0, high >= 7.0, medium >= 4.0, low > 0.
SECURITY_SEVERITY = dict(zip(_core.SEVERITIES, ("3.0", "5.5", "8.0", "9.5"), strict=True))

EXIT_CODE_TEXT = {
    0: "no finding at or above --fail-on",
    1: "findings at or above --fail-on",
    2: "usage or configuration error",
    3: "unreadable or corrupt input",
}

_SEMVER = re.compile(r"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
_RULE_NAME_SPLIT = re.compile(r"[^0-9A-Za-z]+")

Invocation = Mapping[str, Any] | Callable[[dict[str, Any]], Mapping[str, Any] | None]
Residency = Mapping[str, Any] | Callable[[], Mapping[str, Any]]


def write_sarif(
    batches: Iterable[pl.DataFrame],
    out: IO[bytes],
    *,
    tool: Mapping[str, Any],
    detectors: Sequence[Mapping[str, Any]],
    policy: Mapping[str, Any],
    base_dir: str | os.PathLike[str] | None = None,
    invocation: Invocation | None = None,
    residency: Residency | None = None,
    max_results: int | None = None,
    include_allowed: bool = False,
) -> dict[str, Any]:
    """Write one SARIF 2.1.0 log with one run to `out`; return the counts.

    `batches` are findings tables in input order; each is read once and
    aggregated into the groups before the next is pulled; the results are
    written after the last. `base_dir`: paths inside it are written relative
    to it, with uriBaseId SRCROOT. `invocation` is either a dict or a
    callable that gets the counts once the last batch is read and returns
    the dict (so the exit code, end time and input problems, which are known
    only after the scan, can be filled in); it is written after the results.
    `residency` is the engine's residency summary of these same batches (or
    a callable returning it once the last batch is read): its verdict counts
    and violations by severity are reported instead of counting the batches
    again. Without it, the batches are counted. `max_results`: write the
    most severe results only, at most this many (None: all). With
    `include_allowed`, allowed findings are results too (kind "pass").

    Returns {"results", "violation", "unknown", "exempted", "allowed",
    "by_severity", "omitted_results", "omitted_findings"}: results written,
    findings per verdict, violations per severity, results left out by
    `max_results` and the findings they stand for per verdict.
    Raises ValueError if a batch lacks a column (the log is then incomplete)
    or `max_results` is negative.
    """
    if max_results is not None and max_results < 0:
        raise ValueError(f"max_results must be 0 or more, not {max_results}")
    rules = [_policy_rule(r, policy) for r in policy.get("rules", [])]
    locator = _Locator(base_dir)
    head = b'{"$schema":%b,"version":%b,"runs":[{"tool":%b' % (
        orjson.dumps(SARIF_SCHEMA_URI),
        orjson.dumps(SARIF_VERSION),
        orjson.dumps(_tool(tool, rules, detectors)),
    )
    if locator.base_uri is not None:
        head += b',"originalUriBaseIds":' + orjson.dumps({SRCROOT: {"uri": locator.base_uri}})
    head += b',"columnKind":"unicodeCodePoints","results":['
    out.write(head)

    verdicts = VERDICTS if include_allowed else REPORTED_VERDICTS
    counts: Counter[str] = Counter()
    by_severity: Counter[str] = Counter()
    # The groups of the batches so far: the first frame holds those merged, the
    # others wait until they have more rows than it. A merge then costs less
    # than twice the rows waiting, so merging stays linear in the batches'
    # groups, and memory within about twice the groups.
    parts: list[pl.DataFrame] = []
    for batch in batches:
        missing = [c for c in COLUMNS if c not in batch.columns]
        if missing:
            raise ValueError(f"findings batch lacks column(s): {', '.join(missing)}")
        if batch.height == 0:
            continue
        if residency is None:
            _tally(batch, counts, by_severity)
        parts.append(_aggregate(batch, verdicts))
        if sum(p.height for p in parts[1:]) > parts[0].height:
            parts = [_merge(parts)]
    if not parts:  # no findings: no groups, but the columns of groups
        parts.append(_aggregate(pl.DataFrame(schema=dict.fromkeys(COLUMNS, pl.String)), verdicts))

    ranked = _ranked(_merge(parts))
    shown = ranked if max_results is None else ranked.head(max_results)
    left_out = ranked.slice(shown.height)
    rule_index = {r["id"]: i for i, r in enumerate(rules)}
    for i, group in enumerate(shown.iter_rows(named=True)):
        # Each result is serialized as soon as it is built: keeping thousands of
        # nested dicts alive instead makes the cyclic GC rescan them.
        result = _result(group, rule_index.get(group["rule"]), locator)
        out.write(b"," * (i > 0) + orjson.dumps(result))

    if residency is not None:
        counts, by_severity = _summary_counts(residency() if callable(residency) else residency)
    omitted = _findings_by(left_out, "verdict")
    summary = {
        "results": shown.height,
        **{v: counts.get(v, 0) for v in VERDICTS},
        "by_severity": {s: by_severity.get(s, 0) for s in SEVERITIES},
        "omitted_results": left_out.height,
        "omitted_findings": {v: omitted.get(v, 0) for v in verdicts},
    }

    # A null rule is in no list: is_in gives null, kept as unlisted.
    unlisted_groups = ranked.filter(~pl.col("rule").is_in(list(rule_index)).fill_null(False))
    unlisted: Counter[str] = Counter()
    for rule, n in _findings_by(unlisted_groups, "rule").items():
        unlisted[rule or "(none)"] += n
    tail = b"]"
    inv = invocation(dict(summary)) if callable(invocation) else invocation
    if left_out.height:
        # The cut is said where code scanning shows run problems, invocation or not.
        inv = inv or {}
        cut = _cut_note(ranked.height, summary)
        inv = {**inv, "notifications": [*(inv.get("notifications") or []), cut]}
    if inv is not None:
        notes = _unlisted_notes(unlisted)
        tail += b',"invocations":' + orjson.dumps([_invocation(inv, notes, locator)])
    written = _findings_by(shown, "verdict")
    props = _run_properties(policy, tool, summary, counts, unlisted, total=ranked.height,
                            occurrences={v: written.get(v, 0) for v in verdicts})
    tail += b',"properties":' + orjson.dumps(props) + b"}]}\n"
    out.write(tail)
    return summary


def _tool(tool: Mapping[str, Any], rules: list[dict[str, Any]],
          detectors: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The run's tool: the driver with the policy's rules, and one
    extension per rule pack with its detectors."""
    driver: dict[str, Any] = {"name": str(tool.get("name", "borderscan"))}
    version = tool.get("version")
    if version:
        driver["version"] = str(version)
        if _SEMVER.match(str(version)):
            driver["semanticVersion"] = str(version)
    driver["informationUri"] = INFORMATION_URI
    driver["rules"] = rules
    tool_obj: dict[str, Any] = {"driver": driver}
    extensions = _extensions(list(tool.get("rule_packs") or []), detectors, driver["name"])
    if extensions:
        tool_obj["extensions"] = extensions
    return tool_obj


# The columns of a frame of groups besides GROUP_KEY and the representative
# finding's other columns: how many findings, how many per severity, the
# worst severity (its index in RANKED_SEVERITIES), the first occurrences.
_COUNT = "_count"
_BY_SEVERITY = tuple(f"_n_{s}" for s in RANKED_SEVERITIES)
_WORST = "_worst"
_FIRST = "_first"


class _Occurrence(NamedTuple):
    """One finding listed as a location of its result."""

    line: int | None
    column: int | None
    byte_offset: int | None
    fingerprint: str | None
    evidence: str | None


_LISTED = tuple(f"_at_{c}" for c in _Occurrence._fields)
_REPRESENTED = tuple(c for c in COLUMNS if c not in GROUP_KEY)


def _representative() -> pl.Expr:
    """In a group: the representative finding's columns (as struct `_FIRST`,
    to unnest), from the first row of the lowest (worst) `_WORST`. Works on
    findings (their own rank) and on groups of consecutive batches alike."""
    # Not `arg_min`: on a column Polars flags as sorted descending (a concat
    # of one-row groups can be) it gives the last of equal minima. One struct,
    # not a filter per column: 8x faster when groups are many.
    worst = pl.col(_WORST) == pl.col(_WORST).min()
    return pl.struct(_REPRESENTED).filter(worst).first().alias(_FIRST)


def _aggregate(batch: pl.DataFrame, verdicts: Sequence[str]) -> pl.DataFrame:
    """The batch's findings of `verdicts` as groups (GROUP_KEY), in order of
    each group's first finding. Polars does the work per finding."""
    rank = pl.col("severity").replace_strict(
        list(SEVERITIES), list(range(len(SEVERITIES))),
        default=len(SEVERITIES), return_dtype=pl.UInt8,
    )
    return (
        batch.select(COLUMNS)
        .filter(pl.col("verdict").is_in(list(verdicts)))
        .with_columns(rank.alias(_WORST))
        .group_by(GROUP_KEY, maintain_order=True)
        .agg(
            pl.len().cast(pl.Int64).alias(_COUNT),
            *((pl.col(_WORST) == i).sum().cast(pl.Int64).alias(n)
              for i, n in enumerate(_BY_SEVERITY)),
            _representative(),
            pl.col(_WORST).min(),
            *(pl.col(c).head(MAX_LOCATIONS).alias(at)
              for c, at in zip(_Occurrence._fields, _LISTED, strict=True)),
        )
        .unnest(_FIRST)
    )


def _merge(parts: list[pl.DataFrame]) -> pl.DataFrame:
    """Groups of consecutive batches, in input order, as one frame of groups:
    counts add up; the first occurrences and the first representative of the
    worst severity stay. Any split of the same findings into batches gives
    the same groups."""
    return (
        pl.concat(parts, how="vertical_relaxed")
        .group_by(GROUP_KEY, maintain_order=True)
        .agg(
            pl.col(_COUNT, *_BY_SEVERITY).sum(),
            _representative(),
            pl.col(_WORST).min(),
            pl.col(*_LISTED).explode().head(MAX_LOCATIONS),
        )
        .unnest(_FIRST)
    )


def _ranked(groups: pl.DataFrame) -> pl.DataFrame:
    """The groups most severe first: verdict, worst severity, most findings;
    then the key (null first), so that the order is total."""
    verdict = pl.col("verdict").replace_strict(list(VERDICTS), list(range(len(VERDICTS))))
    return groups.sort(
        [verdict, _WORST, _COUNT, *GROUP_KEY],
        descending=[False, False, True, *(False for _ in GROUP_KEY)],
        nulls_last=False,
    )


def _findings_by(groups: pl.DataFrame, column: str) -> dict[Any, int]:
    """The findings the groups stand for, per value of `column`."""
    return dict(groups.group_by(column).agg(pl.col(_COUNT).sum()).iter_rows())


def _cut_note(total: int, summary: Mapping[str, Any]) -> dict[str, Any]:
    """The notification that says what `max_results` left out of `total` results."""
    findings = {v: n for v, n in summary["omitted_findings"].items() if n}
    per_verdict = ", ".join(f"{v} {n:,}" for v, n in findings.items())
    return {
        "level": "warning",
        "message": f"Only the {summary['results']:,} most severe of {total:,} results are "
                   f"written (--max-results {summary['results']}): "
                   f"{summary['omitted_results']:,} result(s) standing for "
                   f"{sum(findings.values()):,} finding(s) ({per_verdict}) are left out. "
                   "Raise --max-results, or use --format json, to see them all.",
    }


def _unlisted_notes(unlisted: Mapping[str, int]) -> list[dict[str, Any]]:
    return [
        {
            "level": "warning",
            "message": {
                "text": f"{n} finding(s) name rule {rule_id!r}, which the policy does not list; "
                "their results have a ruleId but no ruleIndex."
            },
        }
        for rule_id, n in sorted(unlisted.items())
    ]


def _run_properties(policy: Mapping[str, Any], tool: Mapping[str, Any],
                    summary: Mapping[str, Any], counts: Mapping[str, int],
                    unlisted: Mapping[str, int], *, total: int,
                    occurrences: Mapping[str, int]) -> dict[str, Any]:
    """The run's properties: policy and rule packs, findings per verdict,
    results written of `total` and the findings they stand for per verdict
    (`occurrences`), and what `max_results` left out."""
    props: dict[str, Any] = {
        "policy": {
            k: policy[k]
            for k in ("name", "version", "description", "sources")
            if policy.get(k) is not None
        },
        "rule_packs": list(tool.get("rule_packs") or []),
        "allowed_count": summary["allowed"],
        "counts": {v: summary[v] for v in VERDICTS},
        "violations_by_severity": summary["by_severity"],
        "results": summary["results"],
        "results_total": total,
        "occurrences": dict(occurrences),
        "omitted": {"results": summary["omitted_results"],
                    "findings": summary["omitted_findings"]},
    }
    other = {k: n for k, n in counts.items() if k not in VERDICTS}
    if other:
        props["other_verdicts"] = other
    if unlisted:
        props["unlisted_rules"] = dict(sorted(unlisted.items()))
    return props


def _tally(batch: pl.DataFrame, counts: Counter[str], by_severity: Counter[str]) -> None:
    """Add a batch's findings per verdict, and its violations per severity."""
    for verdict, n in batch.get_column("verdict").value_counts().iter_rows():
        counts["null" if verdict is None else verdict] += n
    violations = batch.filter(pl.col("verdict") == "violation").get_column("severity")
    for severity, n in violations.value_counts().iter_rows():
        by_severity[severity or "none"] += n


def _summary_counts(residency: Mapping[str, Any]) -> tuple[Counter[str], Counter[str]]:
    """What `_tally` counts, as the engine's residency summary has it."""
    counts = Counter({v: c["hits"] for v, c in residency.get("verdicts", {}).items()})
    return counts, Counter(violations_by_severity(residency))


def _result(f: Mapping[str, Any], rule_idx: int | None, locator: _Locator) -> dict[str, Any]:
    """The result of a group, `f` a row of `_ranked`: the columns of its
    representative finding, its counts and its first occurrences."""
    occurrences = [_Occurrence(*o) for o in zip(*(f[c] for c in _LISTED), strict=True)]
    verdict = f["verdict"]
    severity = f["severity"]
    res: dict[str, Any] = {"ruleId": f["rule"] if f["rule"] is not None else "(none)"}
    if rule_idx is not None:
        res["ruleIndex"] = rule_idx
    res["kind"] = KIND_BY_VERDICT.get(verdict, "fail")
    res["level"] = (LEVEL_BY_SEVERITY.get(severity or "", "warning")
                    if res["kind"] == "fail" else "none")
    res["message"] = {"text": _message(f, f[_COUNT], len(occurrences))}

    artifact = locator.artifact(f["path"])
    field = f["field"]
    logical = None
    if field is not None:
        logical = [{"name": field.rsplit(".", 1)[-1], "fullyQualifiedName": field,
                    "kind": "member"}]
    res["locations"] = [_location(o, artifact, logical) for o in occurrences]

    fp = {FINGERPRINT_KEY: _fingerprint(f, artifact["uri"])}
    res["partialFingerprints"] = fp
    res["fingerprints"] = dict(fp)
    res["occurrenceCount"] = f[_COUNT]
    if verdict == "exempted":
        sup: dict[str, Any] = {"kind": "external", "status": "accepted"}
        if f["exception"]:
            sup["justification"] = f["exception"]
        res["suppressions"] = [sup]
    res["properties"] = {
        "detector": f["detector"],
        "category": f["category"],
        "field": field,
        "evidence": f["evidence"],
        "confidence": f["confidence"],
        "confidence_reason": f["reason"],
        "dest_host": f["dest_host"],
        "dest_country": f["dest_country"],
        "dest_source": f["dest_source"],
        "origin_country": f["origin_country"],
        "origin_source": f["origin_source"],
        "dest_found": f["dest_found"],
        "dest_confidence": f["dest_confidence"],
        "origin_found": f["origin_found"],
        "verdict": verdict,
        "severity": severity,
        "byte_offset": f["byte_offset"],
        "first_line": occurrences[0].line,
        "occurrences_by_severity": {
            s: f[n] for s, n in zip(RANKED_SEVERITIES, _BY_SEVERITY, strict=True) if f[n]
        },
        "finding_fingerprints": [o.fingerprint for o in occurrences],
    }
    return res


def _location(o: _Occurrence, artifact: dict[str, str],
              logical: list[dict[str, str]] | None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": artifact}
    region: dict[str, Any] = {}
    if o.line:
        region["startLine"] = o.line
        if o.column:
            region["startColumn"] = o.column
    if region:
        physical["region"] = region
    location: dict[str, Any] = {"physicalLocation": physical}
    if logical is not None:
        location["logicalLocations"] = logical
    location["properties"] = {"byte_offset": o.byte_offset, "evidence": o.evidence}
    return location


def _fingerprint(f: Mapping[str, Any], uri: str) -> str:
    """16 hex digits of SHA-256 over what identifies a problem: the group key,
    the file as its URI as written. JSON keeps null apart from "null"."""
    ident = [*(f[c] for c in GROUP_KEY if c != "path"), uri]
    return sha256(orjson.dumps(ident)).hexdigest()[:16]


def _message(f: Mapping[str, Any], occurrences: int = 1, listed: int = 1) -> str:
    """The finding's verdict in one sentence, how often it occurs (when more
    than once) and which occurrences are listed, then its evidence as masked."""
    text = explain(f)
    if occurrences > 1:
        text += f" {occurrences:,} occurrences in this file"
        text += (", all listed." if listed == occurrences
                 else f"; the first {listed} are listed.")
    if f["evidence"]:
        text += f" Evidence (masked): {f['evidence']}"
    return text


def _rule_name(rule_id: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in _RULE_NAME_SPLIT.split(rule_id) if p) or rule_id


def _plain(value: Any) -> bool:
    if isinstance(value, str | int | float | bool):
        return True
    return isinstance(value, list | tuple) and all(isinstance(v, str | int | float) for v in value)


def _policy_rule(rule: Mapping[str, Any], policy: Mapping[str, Any]) -> dict[str, Any]:
    rid = str(rule["id"])
    severity = rule.get("severity")
    categories = [str(c) for c in rule.get("categories") or []]
    desc = str(rule.get("description") or rid)
    source = rule.get("source")
    cats = ", ".join(categories) or "any"
    full = f"{desc} Categories: {cats}. Severity: {severity or 'not set'}."
    if source:
        full += f" Source: {source}."
    policy_name = f"policy {policy['name']}" if policy.get("name") else "the policy"
    help_text = (
        f"{desc}\n\n"
        f"A finding breaks rule {rid} when data of the categories {cats} leaves its origin "
        "for a destination country the rule does not allow. A finding is left for review when "
        "the destination country could not be resolved (no policy override, cloud region, "
        "geoip or country-code TLD matched).\n\n"
        "To fix: stop the flow, send the data to an allowed region, or remove or mask the "
        "field before it leaves the site. To accept a known flow: add an exception with "
        f"owner, reason and expiry to {policy_name}, or record the finding in the baseline "
        "(borderscan baseline create)."
    )
    props: dict[str, Any] = {
        k: v
        for k, v in rule.items()
        if k not in ("id", "description", "categories", "severity", "source") and _plain(v)
    }
    props["severity"] = severity
    props["categories"] = categories
    if source:
        props["source"] = source
    if severity in SECURITY_SEVERITY:
        props["security-severity"] = SECURITY_SEVERITY[severity]
    # GitHub shows security-severity only for rules tagged "security".
    props["tags"] = list(dict.fromkeys(["security", "data-residency", *categories]))
    return {
        "id": rid,
        "name": _rule_name(rid),
        "shortDescription": {"text": desc},
        "fullDescription": {"text": full},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": LEVEL_BY_SEVERITY.get(severity or "", "warning")},
        "properties": props,
    }


def _extensions(
    packs: list[str], detectors: Sequence[Mapping[str, Any]], tool_name: str
) -> list[dict[str, Any]]:
    """One toolComponent per rule pack, its detectors as rules.

    A detector names its pack with a "pack" (or "rule_pack") key, as
    "name@version" or "name"; detectors without one go to the first pack.
    """
    if not packs and not detectors:
        return []
    names = packs or [f"{tool_name}-detectors"]
    by_pack: dict[str, list[dict[str, Any]]] = {p: [] for p in names}
    short = {p.partition("@")[0]: p for p in names}
    for det in detectors:
        wanted = det.get("pack") or det.get("rule_pack")
        pack = wanted if wanted in by_pack else short.get(str(wanted), names[0])
        by_pack[pack].append(_detector_rule(det))
    exts = []
    for pack in names:
        name, _, version = pack.partition("@")
        ext: dict[str, Any] = {"name": name, "fullName": pack}
        if version:
            ext["version"] = version
            if _SEMVER.match(version):
                ext["semanticVersion"] = version
        ext["rules"] = by_pack[pack]
        exts.append(ext)
    return exts


def _detector_rule(det: Mapping[str, Any]) -> dict[str, Any]:
    props: dict[str, Any] = {
        k: v
        for k, v in det.items()
        if k not in ("id", "description", "category", "examples", "pack", "rule_pack") and _plain(v)
    }
    props["category"] = det.get("category")
    return {
        "id": str(det["id"]),
        "shortDescription": {"text": str(det.get("description") or det["id"])},
        "properties": props,
    }


def _invocation(
    inv: Mapping[str, Any], config_notes: list[dict[str, Any]], locator: _Locator
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if inv.get("command_line"):
        out["commandLine"] = str(inv["command_line"])
    for key, name in (("start", "startTimeUtc"), ("end", "endTimeUtc")):
        stamp = _utc(inv.get(key))
        if stamp:
            out[name] = stamp
    code = inv.get("exit_code")
    if isinstance(code, int) and not isinstance(code, bool):
        out["exitCode"] = code
        if code in EXIT_CODE_TEXT:
            out["exitCodeDescription"] = EXIT_CODE_TEXT[code]
    out["executionSuccessful"] = bool(inv.get("successful", True))
    notes = []
    for n in inv.get("notifications") or []:
        level = n.get("level")
        note: dict[str, Any] = {
            "level": level if level in ("none", "note", "warning", "error") else "warning",
            "message": {"text": str(n.get("message", ""))},
        }
        if n.get("path"):
            note["locations"] = [
                {"physicalLocation": {"artifactLocation": locator.artifact(str(n["path"]))}}
            ]
        notes.append(note)
    if notes:
        out["toolExecutionNotifications"] = notes
    if config_notes:
        out["toolConfigurationNotifications"] = config_notes
    return out


def _utc(value: Any) -> str | None:
    """ISO 8601 in UTC with a Z, as SARIF asks; a time without zone is taken as UTC."""
    if value is None:
        return None
    try:
        dt = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        return None
    dt = dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
    spec = "milliseconds" if dt.microsecond else "seconds"
    return dt.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


class _Locator:
    """Turns finding paths into artifactLocations; one answer per distinct path."""

    def __init__(self, base_dir: str | os.PathLike[str] | None) -> None:
        self.base = os.path.abspath(base_dir) if base_dir is not None else None
        self.base_uri: str | None = None
        if self.base is not None:
            uri = Path(self.base).as_uri()
            self.base_uri = uri if uri.endswith("/") else uri + "/"
        self._cache: dict[str, dict[str, str]] = {}

    def artifact(self, path: str) -> dict[str, str]:
        loc = self._cache.get(path)
        if loc is None:
            loc = self._cache[path] = self._locate(path)
        return loc

    def _locate(self, path: str) -> dict[str, str]:
        scheme = path.split("://", 1)[0].lower() if "://" in path else ""
        if scheme in _OBJECT_SCHEMES:
            # An object storage input is named by its own URL (already a
            # URI: its key is not a path under the base directory).
            return {"uri": scheme + "://" + quote(path.split("://", 1)[1], safe="/",
                                                   errors="surrogateescape")}
        if self.base is not None:
            try:
                rel = os.path.relpath(os.path.abspath(path), self.base)
            except ValueError:  # another drive on Windows
                rel = None
            if (
                rel
                and rel != os.curdir
                and rel != os.pardir
                and not rel.startswith(os.pardir + os.sep)
            ):
                return {"uri": _relative_uri(rel), "uriBaseId": SRCROOT}
        if os.path.isabs(path):
            return {"uri": Path(path).as_uri()}
        return {"uri": _relative_uri(path)}


_OBJECT_SCHEMES = ("s3", "gs", "az", "file")


def _relative_uri(path: str) -> str:
    """A relative URI reference: forward slashes, everything else percent-encoded
    (UTF-8), so spaces, '%', '#', '?' and a ':' in the first segment stay path."""
    if os.sep != "/":
        path = path.replace(os.sep, "/")
    if os.altsep and os.altsep != "/":
        path = path.replace(os.altsep, "/")
    while path.startswith("./"):
        path = path[2:]
    return quote(path, safe="/", errors="surrogateescape")


class SarifWriter(Writer):
    """`--format sarif`: the log, its findings aggregated as the scan
    streams, at most `--max-results` results; its invocation (exit code,
    input problems, what the cut left out) once the scan is over."""

    name = "sarif"
    # Code scanning shows problems: the engine hands over no `allowed`
    # finding unless `--findings all` asks for them (then kind "pass").
    findings = "review"

    def __init__(self, target: Target) -> None:
        super().__init__(target)
        # What --max-results left out, said on the terminal too.
        self._cut: str | None = None

    def write(self, scan: Scan) -> Report:
        stream = scan.stream()
        with open_out(self.target.out) as fh:
            start = datetime.now(UTC)

            def invocation(_counts: dict[str, Any]) -> dict[str, Any]:
                report = report_from_stream(stream)
                code, reasons = self.target.exit_code(report)
                return scan_invocation(report.accounting, code, reasons, start=start,
                                       command_line=" ".join(sys.argv))

            counts = write_scan(stream, fh, options=scan.options, rule_packs=stream.rule_packs,
                                invocation=invocation, residency=lambda: stream.residency,
                                max_results=self.target.max_results)
        if counts["omitted_results"]:
            total = counts["results"] + counts["omitted_results"]
            self._cut = _cut_note(total, counts)["message"]
        return report_from_stream(stream)

    def show(self, report: Report, err: Console) -> None:
        super().show(report, err)
        if self._cut:
            err.print(f"borderscan: SARIF: {self._cut}", markup=False, highlight=False)


def write_scan(batches: Iterable[pl.DataFrame], out: IO[bytes], *, options: Mapping[str, Any],
               rule_packs: Sequence[str], invocation: Invocation | None,
               residency: Residency | None, max_results: int | None) -> dict[str, Any]:
    """The log of a scan, as `borderscan scan --format sarif` writes it
    (`SarifWriter`, `ScanResult.to_sarif`): `batches` are the findings of a
    scan run with `options` (as `api.scan` takes them), whose policy, rule
    packs and findings selection (`all`: allowed findings are results too)
    the log names; paths are relative to the working directory. The other
    arguments and the counts returned are `write_sarif`'s."""
    from borderscan.policy import load_policy

    policy = load_policy(options.get("policy"), options.get("preset"), options.get("today"))
    detectors = api.rules(options.get("rules") or (),
                          builtin_rules=options.get("builtin_rules") is not False)
    tool = {**tool_info(), "rule_packs": list(rule_packs)}
    return write_sarif(batches, out, tool=tool, detectors=detectors, policy=policy,
                       base_dir=os.getcwd(), invocation=invocation, residency=residency,
                       max_results=max_results, include_allowed=options.get("findings") == "all")


def scan_invocation(accounting: Mapping[str, Any], code: int, reasons: list[str], *,
                    start: datetime | str, end: datetime | str | None = None,
                    command_line: str | None = None) -> dict[str, Any]:
    """The invocation `write_sarif` takes for a finished scan: its exit
    code and reasons (`_verdict.exit_code`), start and end (None: now),
    and the inputs that could not be read or parsed."""
    return {"command_line": command_line, "exit_code": code, "start": start,
            "end": end or datetime.now(UTC), "successful": code in (EXIT_OK, EXIT_FINDINGS),
            "notifications": _input_notes(accounting, reasons)}


def _input_notes(accounting: Mapping[str, Any], reasons: list[str]) -> list[dict[str, Any]]:
    """The invocation's notifications: inputs that could not be read or
    parsed, and the reasons of the exit code."""
    notes: list[dict[str, Any]] = [
        {"level": "error", "message": f"could not be read: {f['error']}", "path": f["path"]}
        for f in accounting["failures"]]
    for reason, st in accounting["unparseable_reasons"].items():
        first = st["first"][0] if st["first"] else None
        notes.append({"level": "warning",
                      "message": f"{st['count']} record(s) unparseable ({reason}); "
                                 "scanned as text",
                      "path": first["path"] if first else None})
    notes += [{"level": "warning", "message": r} for r in reasons]
    return notes
