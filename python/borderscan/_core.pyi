"""Type stubs for the Rust extension (rust/borderscan-py). Private: use the
`borderscan` package API instead."""

import os
from collections.abc import Iterator, Sequence
from typing import ClassVar, Literal, NotRequired, TypedDict, Unpack, final

_StrPath = str | os.PathLike[str]

__all__ = [
    "CONFIDENCES",
    "INPUT_FORMATS",
    "REDACT_ACTIONS",
    "SEVERITIES",
    "VERDICTS",
    "ArrowTable",
    "BorderscanError",
    "ConfigError",
    "Filter",
    "ProgressCounter",
    "ScanCancelled",
    "ScanConfig",
    "ScanStream",
    "TaskResults",
    "__version__",
    "baseline_entries",
    "check_placement_json",
    "check_rules_json",
    "country_name",
    "empty_findings",
    "explain_destination",
    "explain_placement",
    "geoip_info",
    "groups_json",
    "plan_distributed",
    "policy_json",
    "presets",
    "redact",
    "redact_destination",
    "redact_key_id",
    "rules_json",
    "scan",
    "scan_stream",
    "scan_tasks",
    "scan_write",
]

__version__: str
CONFIDENCES: tuple[str, ...]
"""Confidences from lowest to highest: ("low", "medium", "high")."""
INPUT_FORMATS: tuple[str, ...]
"""Record formats `input_format` takes: ("jsonl", "csv", "tsv", "logfmt",
"syslog", "otlp", "text")."""
REDACT_ACTIONS: tuple[str, ...]
"""What `redact` does to a value: ("mask", "pseudonymize", "remove",
"drop-record")."""
SEVERITIES: tuple[str, ...]
"""Severities from lowest to highest: ("low", "medium", "high", "critical")."""
VERDICTS: tuple[str, ...]
"""Verdicts: ("allowed", "exempted", "unknown", "violation")."""

class BorderscanError(Exception): ...
class ConfigError(BorderscanError):
    """An invalid option, rule pack or policy; the message names the place.
    Scan options are named as the Python API's parameters (`max_line: must
    be at least 1`; another option in the message in backticks)."""

    option: str | None
    """The parameter the error is about (the first, for a conflict between
    two); None when the place is a file (a rule pack, a policy)."""
    options: tuple[str, ...]
    """Every parameter the message names, `option` first."""

class ScanCancelled(BorderscanError): ...

# pyclasses cannot be subclassed.
@final
class ArrowTable:
    """Findings as Arrow record batches; import with `polars.DataFrame(t)`."""

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object: ...
    def __len__(self) -> int: ...
    @property
    def columns(self) -> list[str]: ...

@final
class ProgressCounter:
    def __new__(cls) -> ProgressCounter: ...
    @property
    def bytes(self) -> int:
        """Input bytes read so far, as stored (compressed bytes of a compressed file)."""
    @property
    def records(self) -> int:
        """Records scanned so far."""

@final
class ScanStream:
    def __iter__(self) -> Iterator[ArrowTable]: ...
    def __next__(self) -> ArrowTable: ...
    @property
    def accounting(self) -> str | None: ...
    @property
    def summary(self) -> str | None: ...
    @property
    def rule_packs(self) -> list[str]: ...
    def cancel(self) -> None: ...

class ScanOptions(TypedDict, total=False):
    """Every scan option (`ScanConfig.OPTIONS`), as keyword arguments of
    `ScanConfig`, `borderscan.scan()` and `borderscan.scan_iter()`. None or
    left out: the engine's default."""

    threads: int | None
    include: Sequence[str] | None
    exclude: Sequence[str] | None
    input_format: str | None
    csv_delimiter: str | None
    max_line: int | None
    max_otlp_line: int | None
    max_expansion: int | None
    max_archive_depth: int | None
    """Archives (tar, zip) nested deeper are not opened, but named and
    counted as failed; an input archive is depth 1 (default 5; 0 opens none)."""
    max_archive_members: int | None
    """Members of one input's archives, every depth (default 100,000)."""
    max_archive_bytes: int | None
    """Bytes read out of one input's archive members, every depth (default 64 GiB)."""
    max_archive_buffer: int | None
    """Largest zip read from memory: inside another archive or a stream
    (default 256 MiB)."""
    split_size: int | None
    dest_fields: Sequence[str] | None
    origin_fields: Sequence[str] | None
    show_values: bool | None
    min_confidence: Literal["low", "medium", "high"] | None
    """Leave out findings less sure than this (default `medium`)."""
    rules: Sequence[_StrPath] | _StrPath | None
    builtin_rules: bool | None
    policy: _StrPath | None
    preset: str | None
    geoip: _StrPath | None
    destination: str | None
    origin: str | None
    baseline: Sequence[str] | _StrPath | None
    """Fingerprints; the Python API also takes a baseline file."""
    today: str | None
    journal: _StrPath | None
    findings: Literal["all", "review", "violations"] | None
    """Which findings the findings table holds (default `all`); the
    summaries always count every finding."""
    records: _StrPath | None
    """Write the records table (one row per record) to this Parquet file."""
    endpoint_url: str | None
    """The endpoint of an S3-compatible store for `s3://` inputs (MinIO,
    Ceph, OSS, COS); default `AWS_ENDPOINT_URL`, the profile's, or AWS."""

@final
class ScanConfig:
    """The engine's one scan configuration, checked on construction
    (`ConfigError` names the option)."""

    OPTIONS: ClassVar[tuple[tuple[str, str | None], ...]]
    """Every option: (name, command-line flag or None), in order."""
    def __new__(cls, **options: Unpack[ScanOptions]) -> ScanConfig: ...
    def replace(self, **changes: Unpack[ScanOptions]) -> ScanConfig: ...
    def to_json(self) -> str: ...
    def journal_key(self, paths: Sequence[_StrPath]) -> str: ...
    def with_results(self, results: TaskResults) -> ScanConfig:
        """A copy that merges these workers' results (`borderscan.dask`)
        instead of reading the files they scanned."""
    def __eq__(self, value: object, /) -> bool: ...

@final
class TaskResults:
    """Workers' results of a distributed scan, awaited for the tasks of its
    plan (`plan_distributed`'s JSON) and added as they come, in any order;
    each is held only until the scan merging them reaches its task."""

    def __new__(cls, tasks: str) -> TaskResults: ...
    def add(self, results: bytes) -> None: ...
    def fail(self, message: str) -> None: ...
    def wait_held_below(self, nbytes: int, timeout: float) -> bool: ...
    @property
    def held(self) -> int: ...
    @property
    def files(self) -> int: ...
    @property
    def tasks(self) -> int: ...

class RemoteTask(TypedDict):
    """A task `plan_distributed` sends to a worker: a whole file or a range."""

    path: str
    part: int
    parts: int
    range: bool
    start: int
    end: int
    size: int
    mtime_ns: int

def plan_distributed(paths: Sequence[_StrPath], config: ScanConfig) -> str:
    """JSON list of `RemoteTask`, in task order."""

def redact(
    config: ScanConfig,
    jobs: Sequence[tuple[_StrPath, _StrPath]],
    actions: Sequence[str],
    key: bytes | None = None,
) -> tuple[str, str]:
    """Redact each (input, copy) pair; `actions` are TARGET=ACTION. (The
    per-file reports as a JSON list in job order, the actions in force as
    JSON.)"""

@final
class Filter:
    """A record-at-a-time gate (`borderscan.Filter` wraps it)."""

    def __new__(
        cls, config: ScanConfig, on_violation: str, actions: Sequence[str], key: bytes | None = None
    ) -> Filter: ...
    def record(
        self, line: bytes
    ) -> tuple[Literal["same", "rewritten", "dropped"], bytes | None]: ...
    def violations(self) -> str: ...
    def report(self) -> str: ...
    def run_stdio(
        self, findings: str | None = None, findings_to_stderr: bool = False
    ) -> None: ...

def redact_key_id(key: bytes) -> str:
    """The first 16 hex digits of the SHA-256 of a pseudonymization key."""

def scan_tasks(tasks: str, config: ScanConfig) -> bytes:
    """Run some tasks of `plan_distributed` (JSON) here; their results."""

def scan(
    paths: Sequence[_StrPath], config: ScanConfig, progress: ProgressCounter | None = None
) -> tuple[ArrowTable, str, str, list[str]]:
    """(findings, accounting JSON, summary JSON, rule packs)"""

def scan_stream(
    paths: Sequence[_StrPath], config: ScanConfig, progress: ProgressCounter | None = None
) -> ScanStream: ...
def scan_write(
    paths: Sequence[_StrPath],
    config: ScanConfig,
    format: Literal["json", "jsonl", "parquet", "none"],
    out: str | None,
    tool_json: str,
    progress: ProgressCounter | None = None,
) -> tuple[str, str, list[str]]:
    """(accounting JSON, summary JSON, rule packs)"""

def rules_json(rule_files: Sequence[_StrPath] = ..., builtin_rules: bool = True) -> str: ...
def check_rules_json(rule_files: Sequence[_StrPath] = ..., builtin_rules: bool = True) -> str: ...
def check_placement_json() -> str: ...
def redact_destination(destination: str) -> str: ...
def explain_placement(
    line: bytes,
    name: str,
    header: bytes | None = None,
    dest_fields: Sequence[str] | None = None,
    origin_fields: Sequence[str] | None = None,
    rule_files: Sequence[_StrPath] = ...,
    show_values: bool = False,
) -> str: ...
def policy_json(
    policy: _StrPath | None = None,
    preset: str | None = None,
    today: str | None = None,
    rule_files: Sequence[_StrPath] | None = None,
) -> str: ...
def presets() -> list[tuple[str, str]]: ...
def groups_json() -> str: ...
def country_name(code: str) -> str: ...
def explain_destination(
    destination: str,
    policy: _StrPath | None = None,
    preset: str | None = None,
    geoip: _StrPath | None = None,
) -> str: ...
def geoip_info(path: str) -> tuple[str, str, int]:
    """(path, database type, build time in Unix seconds)"""
def empty_findings() -> ArrowTable:
    """A findings table with no rows: the findings schema."""
def baseline_entries(path: str, fingerprints: list[str], limit: int) -> str:
    """The baseline file's entries with these fingerprints (file order, at
    most `limit`) as a JSON list; ConfigError names every problem."""

# The engine's accounting and summaries cross as JSON (parsed once in
# Python); these are their shapes. tests/test_config.py checks them against
# a real scan's JSON.

class Location(TypedDict):
    path: str
    line: int
    byte_offset: int
    detail: str

class ReasonStats(TypedDict):
    count: int
    first: list[Location]
    """The earliest locations in input order."""

class RecordFlow(TypedDict):
    """Records from one origin country to one destination country, each
    record once, whether or not anything was found in it."""

    origin_country: str
    dest_country: str
    records: int
    classified: int
    """Of `records`, those with at least one finding (the rest: `none`)."""

class Failure(TypedDict):
    path: str
    error: str

class FileStats(TypedDict):
    path: str
    format: str | None
    compression: str | None
    encoding: str | None
    """The text encoding decoded to UTF-8 (`utf-16le`, ...); None: read as bytes."""
    nul_bytes: int
    archive: str | None
    """`tar` or `zip` when this entry is an archive read member by member."""
    members: int
    """Members of this archive listed as entries."""
    member_of: str | None
    """For an archive member (path `archive!member`): the archive's path."""
    etag: NotRequired[str]
    """An object storage input's ETag as listed (absent for files)."""
    bytes: int
    bytes_read: int
    bytes_skipped: int
    decompressed_bytes: int
    cut_bytes: int
    lines: int
    records: int
    extra_records: int
    """Records beyond the first of their line (an OTLP line holds many):
    `lines + extra_records == records + blank_lines + header_lines`."""
    parsed: int
    unparseable: int
    blank_lines: int
    header_lines: int
    binary_skipped: int
    binary_bytes_skipped: int
    truncated_lines: int
    special_skipped: int
    note: str | None
    failed_files: int
    error: str | None
    ranges: int
    unparseable_reasons: dict[str, ReasonStats]
    records_by_flow: list[RecordFlow]
    dest_found: dict[str, int]
    """Records by the step that found their destination; sums to `records`."""
    origin_found: dict[str, int]
    no_destination: ReasonStats
    """Records that name no destination, with the first of them."""

class JournalRejected(TypedDict):
    path: str
    findings: str
    reason: str

class GeoipError(TypedDict):
    ip: str
    error: str

class GeoipErrors(TypedDict):
    count: int
    database: str
    first: list[GeoipError]

class Accounting(TypedDict):
    """What a scan read: every input byte accounted for (README, Accounting)."""

    files: int
    bytes: int
    bytes_read: int
    bytes_skipped: int
    decompressed_bytes: int
    cut_bytes: int
    lines: int
    records: int
    extra_records: int
    """Records beyond the first of their line (an OTLP line holds many)."""
    parsed: int
    unparseable: int
    unparseable_reasons: dict[str, ReasonStats]
    blank_lines: int
    header_lines: int
    binary_skipped: int
    binary_bytes_skipped: int
    truncated_lines: int
    special_skipped: int
    failed_files: int
    failures: list[Failure]
    resumed_files: int
    journal_rejected: list[JournalRejected]
    geoip_errors: GeoipErrors
    decoded_files: int
    nul_bytes: int
    archives: int
    archive_members: int
    """Entries of `per_file` that are archive members; their stored bytes are
    inside their archive's and are not summed into `bytes`."""
    records_by_flow: list[RecordFlow]
    """Every record once by origin x destination; sums to `records`."""
    dest_found: dict[str, int]
    """Records by the step that found their destination (`field`, `vocabulary`,
    `discovered`, `text`, `none`); sums to `records`."""
    origin_found: dict[str, int]
    """Records by the step that found their origin (`field`, `vocabulary`,
    `hostname`, `text`, `none`); sums to `records`."""
    no_destination: ReasonStats
    """Records that name no destination, with the first of them."""
    per_file: list[FileStats]

class Counts(TypedDict):
    records: int
    hits: int

class FlowRow(TypedDict):
    category: str
    origin_country: str
    dest_country: str
    verdict: str
    records: int
    hits: int

class ViolationRow(TypedDict):
    rule: str
    severity: str
    records: int
    hits: int

class ResidencySummary(TypedDict):
    flows: list[FlowRow]
    verdicts: dict[str, Counts]
    violations: list[ViolationRow]
    dest_sources: dict[str, int]
    origin_sources: dict[str, int]
    exceptions: dict[str, tuple[str, int]]
    """Exception label -> (verdict of its findings, count)."""
    records: list[RecordFlow]
    """Every record once by origin x destination (`Accounting.records_by_flow`)."""
    coverage: Coverage
    """How much of the data could be placed (README, Where a record goes)."""

class CoverageSide(TypedDict):
    found: int
    found_share: float
    placed: int
    """Records whose country is known (not `unknown` or `indeterminate`)."""
    placed_share: float
    by_step: dict[str, int]

class Coverage(TypedDict):
    records: int
    destination: CoverageSide
    origin: CoverageSide

class CategoryRow(TypedDict):
    category: str
    records: int
    hits: int
    detectors: int

class DetectorRow(TypedDict):
    detector: str
    category: str
    records: int
    hits: int

class BaselineSummary(TypedDict):
    matched: int
    absent: list[str]
    absent_count: int

class PolicyName(TypedDict):
    name: str
    version: str
    place: str

class ProfileRow(TypedDict):
    """The data profile: one (file pattern, field path) pair."""

    pattern: str
    field: str
    records: int
    hits: int
    categories: dict[str, int]
    detectors: dict[str, int]
    destinations: dict[str, int]
    verdicts: dict[str, int]
    example: str

class Summary(TypedDict):
    """The summary JSON of `scan`, `scan_stream` and `scan_write`."""

    categories: list[CategoryRow]
    detectors: list[DetectorRow]
    profile: list[ProfileRow]
    residency: ResidencySummary
    baseline: BaselineSummary | None
    policy: PolicyName
