"""The Python API: `scan()` and its result."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
import polars as pl

from borderscan import _core, _verdict
from borderscan._verdict import residency_of  # by name: `scan` builds its result with it
from borderscan.aggregate import category_frame, detector_frame, flow_frame, violation_frame

PathLike = str | os.PathLike[str]


@dataclass(frozen=True)
class ScanResult:
    """What a scan found and what it read.

    `findings` and `summary` are Polars DataFrames built from Arrow data the
    Rust engine hands over through the Arrow C stream interface; no Python
    object is made per record.
    """

    findings: pl.DataFrame
    accounting: dict[str, Any]
    summary: pl.DataFrame
    """One row per data category: records with at least one hit, hits, and
    how many detectors fired."""
    detectors: pl.DataFrame
    """One row per detector that fired: category, records, hits."""
    rule_packs: list[str] = field(default_factory=list)
    flows: pl.DataFrame = field(default_factory=lambda: flow_frame({}))
    """The flow matrix: category x origin_country x dest_country x verdict,
    with records and hits."""
    violations: pl.DataFrame = field(default_factory=lambda: violation_frame({}))
    """Violations by policy rule and severity: records, hits."""
    residency: dict[str, Any] = field(default_factory=dict)
    """Verdict counts, how destinations and origins were resolved, the
    exceptions that applied (or expired), the policy, the baseline."""

    @property
    def problems(self) -> bool:
        """True when some input was unreadable, unparseable, binary or cut."""
        return _verdict.has_problems(self.accounting)

    def failing(self, threshold: str) -> int:
        """Violations at or above a severity (`low` ... `critical`)."""
        return _verdict.failing(self.residency, threshold)


def _strs(values: Iterable[PathLike] | PathLike | None) -> list[str]:
    if values is None:
        return []
    # fsdecode: a bytes path (a file name that is not UTF-8) reaches the
    # engine unchanged, through surrogate escapes.
    if isinstance(values, str | bytes | os.PathLike):
        return [os.fsdecode(values)]
    return [os.fsdecode(v) for v in values]


def _digest(path: PathLike | None) -> str | None:
    """SHA-256 of a file named by an option (its content, not its name,
    decides the results), None when absent or unreadable (the scan then
    reports the error itself)."""
    if path is None:
        return None
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return None
    return h.hexdigest()


def journal_key(paths: list[str], options: dict[str, Any]) -> str:
    """The key of a journaled scan: a journal is only resumed by the same
    scan (same inputs, options, rule packs, policy, GeoIP database, baseline
    and date), so replayed files and rescanned ones give one coherent result.
    Inputs are keyed by absolute path; each file's own identity (size,
    modification time, inode) is checked by the engine."""
    keyed = {k: v for k, v in options.items() if k not in ("progress", "journal", "threads")}
    keyed["today"] = options["today"] or datetime.datetime.now(datetime.UTC).date().isoformat()
    keyed["rule_files"] = [(os.path.abspath(r), _digest(r)) for r in options["rule_files"]]
    for k in ("policy", "geoip"):
        keyed[k] = options[k] and (os.path.abspath(options[k]), _digest(options[k]))
    keyed["paths"] = [p if p == "-" else os.path.abspath(p) for p in paths]
    keyed["version"] = _core.__version__
    blob = json.dumps(keyed, sort_keys=True, ensure_ascii=True, default=str,
                      separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8", "surrogateescape")).hexdigest()


def scan(
    paths: Sequence[PathLike] | PathLike,
    *,
    threads: int = 0,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    input_format: str | None = None,
    max_line: int | None = None,
    max_expansion: int | None = None,
    split_size: int | None = None,
    dest_fields: Sequence[str] | None = None,
    origin_fields: Sequence[str] | None = None,
    show_values: bool = False,
    rules: Sequence[PathLike] = (),
    builtin_rules: bool = True,
    progress: _core.ProgressCounter | None = None,
    policy: PathLike | None = None,
    preset: str | None = None,
    geoip: PathLike | None = None,
    destination: str | None = None,
    origin: str | None = None,
    baseline: PathLike | Sequence[str] | None = None,
    today: str | None = None,
    journal: PathLike | None = None,
) -> ScanResult:
    """Scan files, directories (recursively) or `"-"` (stdin).

    Evidence is masked unless `show_values` is true. `threads=0` uses every
    core. Results are identical whatever the thread count. Raises
    `ConfigError` for an invalid option or rule pack; unreadable inputs do
    not raise: they are counted in `accounting["failed_files"]`. A
    compressed input expanding more than `max_expansion` times its size
    (default 250; 0 = no limit) is stopped as a decompression bomb.

    Each finding gets a verdict under `policy` (a TOML file) or `preset`
    (a shipped policy; the built-in `default` when neither is given).
    Destinations resolve through the policy's overrides, the built-in cloud
    region table, `geoip` (an mmdb country database) and the host's
    country-code TLD; `destination` / `origin` (ISO codes) set the
    destination of every record and the origin where the policy maps none.
    `baseline` (a file from `borderscan baseline create`, or fingerprints)
    leaves accepted findings out. `today` (YYYY-MM-DD) decides which policy
    exceptions have expired.

    `journal` (a directory) records each finished file, so that the same
    scan, killed and started again with the same journal, replays finished
    files instead of reading them and ends with the results of an
    uninterrupted scan (`accounting["resumed_files"]` counts the replayed
    ones). A journal of another scan is refused (`ConfigError`).
    """
    paths = _strs(paths)
    table, accounting_json, summary_json, packs = _core.scan(
        paths,
        _core_options(
            paths,
            threads=threads, include=include, exclude=exclude, input_format=input_format,
            max_line=max_line, max_expansion=max_expansion, split_size=split_size,
            dest_fields=dest_fields,
            origin_fields=origin_fields, show_values=show_values, rules=rules,
            builtin_rules=builtin_rules, progress=progress, policy=policy, preset=preset,
            geoip=geoip, destination=destination, origin=origin, baseline=baseline, today=today,
            journal=journal,
        ),
    )
    summary = orjson.loads(summary_json)
    return ScanResult(
        findings=pl.DataFrame(table),
        accounting=orjson.loads(accounting_json),
        summary=category_frame(summary),
        detectors=detector_frame(summary),
        rule_packs=packs,
        flows=flow_frame(summary),
        violations=violation_frame(summary),
        residency=residency_of(summary),
    )


class ScanStream:
    """Findings of a running scan, batch by batch (Polars DataFrames), for
    outputs that must not hold a whole scan in memory. After the iteration,
    `accounting`, `summary` and `detectors` are set.
    """

    def __init__(self, inner: _core.ScanStream) -> None:
        self._inner = inner
        self.accounting: dict[str, Any] | None = None
        self.summary: pl.DataFrame | None = None
        self.detectors: pl.DataFrame | None = None
        self.flows: pl.DataFrame | None = None
        self.residency: dict[str, Any] = {}
        self.rule_packs: list[str] = inner.rule_packs

    def __iter__(self) -> Iterator[pl.DataFrame]:
        for table in self._inner:
            yield pl.DataFrame(table)
        self.accounting = orjson.loads(self._inner.accounting)
        summary = orjson.loads(self._inner.summary)
        self.summary = category_frame(summary)
        self.detectors = detector_frame(summary)
        self.flows = flow_frame(summary)
        self.residency = residency_of(summary)

    def cancel(self) -> None:
        """Stop the scan; iterating further raises `ScanCancelled`."""
        self._inner.cancel()


def scan_iter(paths: Sequence[PathLike] | PathLike, **options: Any) -> ScanStream:
    """Like `scan` (same options), but yields the findings batch by batch while
    the scan runs.

    Memory stays bounded whatever the input size; batches arrive in input
    order, and a record's findings are never split across batches.
    """
    paths = _strs(paths)
    return ScanStream(_core.scan_stream(paths, _core_options(paths, **options)))


def scan_write(
    paths: Sequence[PathLike] | PathLike,
    fmt: str,
    out: PathLike | None,
    tool: dict[str, Any],
    **options: Any,
) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """Scan and let the engine write `json`, `jsonl` or nothing (`none`) to
    `out` (None: stdout) as findings arrive. Returns (accounting, summary,
    rule packs)."""
    paths = _strs(paths)
    acc, summary, packs = _core.scan_write(
        paths, _core_options(paths, **options), fmt,
        None if out is None else os.fspath(out), orjson.dumps(tool).decode(),
    )
    return orjson.loads(acc), orjson.loads(summary), packs


def _core_options(
    paths: list[str],
    *,
    threads: int = 0,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    input_format: str | None = None,
    max_line: int | None = None,
    max_expansion: int | None = None,
    split_size: int | None = None,
    dest_fields: Sequence[str] | None = None,
    origin_fields: Sequence[str] | None = None,
    show_values: bool = False,
    rules: Sequence[PathLike] = (),
    builtin_rules: bool = True,
    progress: _core.ProgressCounter | None = None,
    policy: PathLike | None = None,
    preset: str | None = None,
    geoip: PathLike | None = None,
    destination: str | None = None,
    origin: str | None = None,
    baseline: PathLike | Sequence[str] | None = None,
    today: str | None = None,
    journal: PathLike | None = None,
) -> dict[str, Any]:
    if baseline is None or isinstance(baseline, list | tuple):
        fingerprints = None if baseline is None else list(baseline)
    else:
        from borderscan.baseline import load_baseline

        fingerprints = [e["fingerprint"] for e in load_baseline(baseline)["findings"]]
    options = {
        "threads": threads,
        "include": list(include),
        "exclude": list(exclude),
        "input_format": input_format,
        "max_line": max_line,
        "max_expansion": max_expansion,
        "split_size": split_size,
        "dest_fields": None if dest_fields is None else list(dest_fields),
        "origin_fields": None if origin_fields is None else list(origin_fields),
        "show_values": show_values,
        "rule_files": _strs(rules),
        "builtin_rules": builtin_rules,
        "progress": progress,
        "policy": None if policy is None else os.fspath(policy),
        "preset": preset,
        "geoip": None if geoip is None else os.fspath(geoip),
        "destination": destination,
        "origin": origin,
        "baseline": fingerprints,
        "today": today,
    }
    if journal is not None:
        if baseline is not None:
            # Baseline entries no longer found are worked out from every
            # file's accepted findings, which a replayed file does not carry.
            raise _core.ConfigError("--journal cannot be combined with --baseline")
        options["journal"] = os.fsdecode(journal)
        options["journal_key"] = journal_key(paths, options)
    return options


def rules(paths: Sequence[PathLike] = (), *, builtin_rules: bool = True) -> list[dict[str, Any]]:
    """Every detector of the built-in pack (and of extra packs), as dicts."""
    return orjson.loads(_core.rules_json(_strs(paths), builtin_rules=builtin_rules))


def check_rules(
    paths: Sequence[PathLike] = (), *, builtin_rules: bool = True
) -> list[dict[str, Any]]:
    """Run every rule's examples; returns the ones that misbehaved."""
    return orjson.loads(_core.check_rules_json(_strs(paths), builtin_rules=builtin_rules))
