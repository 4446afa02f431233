"""The Python API: `scan()` and its result."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import orjson

from borderscan import _core, _verdict
from borderscan._files import atomic_output
from borderscan._polars import pl
from borderscan._verdict import residency_of  # by name: `scan` builds its result with it
from borderscan.aggregate import (
    category_frame,
    detector_frame,
    flow_frame,
    profile_frame,
    records_frame,
    violation_frame,
)

if TYPE_CHECKING:
    from typing import Unpack

    from borderscan._core import ScanOptions

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
    how many detectors fired; records with no hit are the category `none`."""
    detectors: pl.DataFrame
    """One row per detector that fired: category, records, hits."""
    rule_packs: list[str] = field(default_factory=list)
    flows: pl.DataFrame = field(default_factory=lambda: flow_frame({}))
    """The flow matrix: category x origin_country x dest_country x verdict,
    with records and hits."""
    violations: pl.DataFrame = field(default_factory=lambda: violation_frame({}))
    """Violations by policy rule and severity: records, hits."""
    records: pl.DataFrame = field(default_factory=lambda: records_frame({}))
    """Every record once, by origin_country x dest_country: records, and
    `classified` (with at least one finding). Sums to accounting["records"]."""
    residency: dict[str, Any] = field(default_factory=dict)
    """Verdict counts, how destinations and origins were resolved, the
    exceptions that applied (or expired), the policy, the baseline."""
    profile: pl.DataFrame = field(default_factory=lambda: profile_frame({}))
    """The data profile: per input file pattern and field path, records and
    findings, categories, detectors, destination countries, findings per
    verdict and a masked example (`aggregate.profile_frame`)."""

    paths: list[str] = field(default_factory=list)
    """The inputs as given to `scan`."""
    options: dict[str, Any] = field(default_factory=dict)
    """The options `scan` was given (those left out are the engine's
    defaults): the outputs name the policy and rule packs they chose."""
    started: str = ""
    ended: str = ""
    """When the scan started and ended: UTC, ISO 8601 (`...T12:00:00.000Z`)."""
    workers: list[dict[str, Any]] | None = None
    """A scan spread over a Dask cluster (`borderscan.dask.scan`): which
    worker scanned which files and ranges; None for a local scan."""

    @property
    def problems(self) -> bool:
        """True when some input was unreadable, unparseable, binary or cut."""
        return _verdict.has_problems(self.accounting)

    def failing(self, severity: str) -> pl.DataFrame:
        """The failing findings: the rows of `findings` whose verdict is
        `violation` with a severity at or above `severity` (`low`, `medium`,
        `high`, `critical`). Raises ValueError naming the severities for any
        other word. How many there are: `failing_count`."""
        return _verdict.failing_findings(self.findings, severity)

    def failing_count(self, severity: str) -> int:
        """The number of violation findings at or above `severity` (what
        `--fail-on` counts): `len(failing(severity))`, also when `findings`
        holds only some findings (the `findings` option), from the engine's
        counts. Raises ValueError like `failing`."""
        return _verdict.failing(self.residency, severity)

    def exit_code(self, fail_on: str | None = None, *, strict: bool = False,
                  keep_going: bool = False, require_destination: bool = False
                  ) -> tuple[int, list[str]]:
        """The exit code `borderscan scan` gives this scan with these options
        (`--fail-on` and the flags of the same names), and for every non-zero
        cause a sentence naming it: 0, 1 (violations at or above `fail_on`)
        or 3 (unreadable input; with `strict`, any input problem). The SARIF
        log, the HTML report and the audit entry record it."""
        return _verdict.exit_code(
            self.accounting, self.residency, fail_on=fail_on, strict=strict,
            keep_going=keep_going,
            require_destination=require_destination and not self.options.get("destination"))

    def to_sarif(self, path: PathLike, *, findings: Literal["all", "review", "violations"]
                 = "review", max_results: int | None = 5000, fail_on: str | None = None
                 ) -> dict[str, Any]:
        """Write the SARIF 2.1.0 log `borderscan scan --format sarif` writes
        for this scan (one result per problem, the most severe `max_results`
        first; None: all) to `path`. `findings` as `--findings`: `review`
        (violations, unknown destinations and exemptions), `violations` or
        `all` (allowed findings too), among those this result holds. The
        invocation records the exit code under `fail_on` (`exit_code`).
        Returns the counts (`writers.sarif.write_sarif`); raises ValueError
        for an unknown `findings` or `fail_on`."""
        from borderscan.writers import sarif

        rows = _verdict.select(self.findings, findings)
        code, reasons = self.exit_code(fail_on)
        invocation = sarif.scan_invocation(self.accounting, code, reasons,
                                           start=self.started, end=self.ended or None)
        with atomic_output(path) as out:
            return sarif.write_scan([rows], out, options={**self.options, "findings": findings},
                                    rule_packs=self.rule_packs, invocation=invocation,
                                    residency=self.residency, max_results=max_results)

    def to_html(self, path: PathLike, *, fail_on: str | None = None, locale: str = "en",
                audit_entry: dict[str, Any] | None = None) -> None:
        """Write the self-contained HTML report `borderscan scan --format html`
        writes for this scan to `path`: its banner gives the exit code under
        `fail_on` (`exit_code`; none: "not gated"), its labels are in `locale`
        (en, zh, de, ja, vi). `audit_entry` (what `append_audit` returned)
        is named in it, as the CLI names the entry it appended."""
        from borderscan import audit
        from borderscan.output import tool_info
        from borderscan.report import SHOWN_VERDICTS, build_html, site_flows, top_findings

        code, reasons = self.exit_code(fail_on)
        shown = self.findings.filter(pl.col("verdict").is_in(SHOWN_VERDICTS))
        page = build_html(
            accounting=self.accounting, summary=self.summary.to_dicts(),
            residency=self.residency, findings=top_findings(shown.to_dicts()), exit_code=code,
            reasons=_verdict.exit_summary(reasons, self.residency, fail_on),
            gated=fail_on is not None, tool=tool_info(), policy=self._policy(),
            inputs=audit.describe_inputs(self.accounting.get("per_file", [])),
            audit_entry=audit_entry, locale=locale, sites=site_flows(self.findings).to_dicts(),
            profile=self.profile.to_dicts())
        with atomic_output(path, "w", encoding="utf-8") as fh:
            fh.write(page)

    def append_audit(self, log: PathLike | None = None, *, fail_on: str | None = None,
                     key: Any = None) -> dict[str, Any]:
        """Append this scan's manifest to the audit log `log` (None: where
        `borderscan scan` appends, `audit.default_path()`), as the CLI does:
        inputs with SHA-256, policy, rule packs, counts, and the verdict
        under `fail_on` (`exit_code`). `key`: an Ed25519 private key, or the
        path of its PEM file, to sign the entry. Returns the entry as
        written; `borderscan audit verify` checks the log."""
        from borderscan import audit

        return audit.append_scan(self, log, fail_on=fail_on, key=key)

    def _policy(self) -> dict[str, Any]:
        from borderscan import audit

        o = self.options
        return audit.describe_policy(_opt_path(o.get("policy")), o.get("preset"), o.get("today"))


def _opt_path(value: Any) -> str | None:
    return None if value is None else os.fsdecode(value)


def _strs(values: Iterable[PathLike] | PathLike | None) -> list[str]:
    if values is None:
        return []
    # fsdecode: a bytes path (a file name that is not UTF-8) reaches the
    # engine unchanged, through surrogate escapes.
    if isinstance(values, str | bytes | os.PathLike):
        return [os.fsdecode(values)]
    return [os.fsdecode(v) for v in values]


def scan(
    paths: Sequence[PathLike] | PathLike,
    *,
    progress: _core.ProgressCounter | None = None,
    results: _core.TaskResults | None = None,
    **options: Unpack[ScanOptions],
) -> ScanResult:
    """Scan files, directories (recursively) or `"-"` (stdin).

    The options are the engine's (`ScanOptions`, `borderscan._core.ScanConfig`);
    one left out or given as None takes the engine's default. `progress`, a
    `ProgressCounter`, is bumped as the scan goes.

    Evidence is masked unless `show_values` is true. `threads=0` uses every
    core. Results are identical whatever the thread count. Raises
    `ConfigError` for an invalid option value, rule pack or policy, naming
    the parameter as here (`max_line: must be at least 1`, `threads: must be
    0 or more`; another parameter in its message in backticks) with its
    name in `e.option`; `TypeError` for an unknown option or a value of the
    wrong type (`threads="2"`). Unreadable inputs do
    not raise: they are counted in `accounting["failed_files"]`. A
    compressed input expanding more than `max_expansion` times its size
    (default 250; 0 = no limit) is stopped as a decompression bomb.
    Archives (tar, zip, also compressed) are read member by member, each
    member an entry `archive!member` of the accounting, within
    `max_archive_depth`, `max_archive_members`, `max_archive_bytes` and
    `max_archive_buffer`; what a limit stopped is a failed entry.

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

    `results`: what the workers of a distributed scan of the same inputs
    and options found (`borderscan.dask`), merged instead of reading the
    files they scanned.
    """
    from borderscan.audit import now

    started = now()
    table, accounting_json, summary_json, packs = _core.scan(
        _strs(paths), _with(scan_config(**options), results), progress)
    summary = orjson.loads(summary_json)
    return ScanResult(
        findings=pl.DataFrame(table),
        accounting=orjson.loads(accounting_json),
        summary=category_frame(summary),
        detectors=detector_frame(summary),
        rule_packs=packs,
        flows=flow_frame(summary),
        violations=violation_frame(summary),
        records=records_frame(summary),
        profile=profile_frame(summary),
        residency=residency_of(summary),
        paths=_strs(paths),
        options={k: v for k, v in options.items() if v is not None},
        started=started,
        ended=now(),
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
        self.records: pl.DataFrame | None = None
        self.profile: pl.DataFrame | None = None
        self.residency: dict[str, Any] = {}
        self.rule_packs: list[str] = inner.rule_packs

    def __iter__(self) -> Iterator[pl.DataFrame]:
        for table in self._inner:
            yield pl.DataFrame(table)
        # Set by the engine once the iteration has ended.
        assert self._inner.accounting is not None and self._inner.summary is not None
        self.accounting = orjson.loads(self._inner.accounting)
        summary = orjson.loads(self._inner.summary)
        self.summary = category_frame(summary)
        self.detectors = detector_frame(summary)
        self.flows = flow_frame(summary)
        self.records = records_frame(summary)
        self.profile = profile_frame(summary)
        self.residency = residency_of(summary)

    def cancel(self) -> None:
        """Stop the scan; iterating further raises `ScanCancelled`."""
        self._inner.cancel()


def scan_iter(
    paths: Sequence[PathLike] | PathLike,
    *,
    progress: _core.ProgressCounter | None = None,
    results: _core.TaskResults | None = None,
    **options: Unpack[ScanOptions],
) -> ScanStream:
    """Like `scan` (same options), but yields the findings batch by batch while
    the scan runs.

    Memory stays bounded whatever the input size; batches arrive in input
    order, and a record's findings are never split across batches.
    """
    return ScanStream(_core.scan_stream(_strs(paths), _with(scan_config(**options), results),
                                        progress))


def scan_write(
    paths: Sequence[PathLike] | PathLike,
    fmt: Literal["json", "jsonl", "parquet", "none"],
    out: PathLike | None,
    tool: dict[str, Any],
    *,
    progress: _core.ProgressCounter | None = None,
    results: _core.TaskResults | None = None,
    **options: Unpack[ScanOptions],
) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """Scan and let the engine write `json`, `jsonl`, `parquet` or nothing
    (`none`) to `out` (None: stdout) as findings arrive. Returns (accounting, summary,
    rule packs)."""
    acc, summary, packs = _core.scan_write(
        _strs(paths), _with(scan_config(**options), results), fmt,
        None if out is None else os.fspath(out), orjson.dumps(tool).decode(), progress,
    )
    return orjson.loads(acc), orjson.loads(summary), packs


def scan_config(**options: Unpack[ScanOptions]) -> _core.ScanConfig:
    """The engine's scan configuration from the API's options: the engine
    owns every option, its default and its checks (`ConfigError`). Here only
    what Python accepts beyond it is converted: a single path where a list
    is expected. A baseline is a list of fingerprints or a file's path
    (the engine reads the file as a stream)."""
    given: dict[str, Any] = dict(options)
    if given.get("rules") is not None:
        given["rules"] = _strs(given["rules"])
    return _core.ScanConfig(**given)


def _with(config: _core.ScanConfig, results: _core.TaskResults | None) -> _core.ScanConfig:
    return config if results is None else config.with_results(results)


def rules(paths: Sequence[PathLike] = (), *, builtin_rules: bool = True) -> list[dict[str, Any]]:
    """Every detector of the built-in pack (and of extra packs), as dicts."""
    specs: list[dict[str, Any]] = orjson.loads(
        _core.rules_json(_strs(paths), builtin_rules=builtin_rules))
    return specs


def check_placement() -> dict[str, Any]:
    """Run the placement vocabulary's examples (`rules/placement.toml`):
    `{"examples": n, "failures": [{"section", "example", "expected"}]}`."""
    out: dict[str, Any] = orjson.loads(_core.check_placement_json())
    return out


def check_rules(
    paths: Sequence[PathLike] = (), *, builtin_rules: bool = True
) -> list[dict[str, Any]]:
    """Run every rule's examples; returns the ones that misbehaved."""
    failures: list[dict[str, Any]] = orjson.loads(
        _core.check_rules_json(_strs(paths), builtin_rules=builtin_rules))
    return failures
