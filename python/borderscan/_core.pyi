"""Type stubs for the Rust extension (rust/borderscan-py). Private: use the
`borderscan` package API instead."""

from collections.abc import Iterator
from typing import Literal, TypedDict

__version__: str
SEVERITIES: tuple[str, ...]
"""Severities from lowest to highest: ("low", "medium", "high", "critical")."""
VERDICTS: tuple[str, ...]
"""Verdicts: ("allowed", "exempted", "unknown", "violation")."""

class BorderscanError(Exception): ...
class ConfigError(BorderscanError): ...
class ScanCancelled(BorderscanError): ...

class ArrowTable:
    """Findings as Arrow record batches; import with `polars.DataFrame(t)`."""

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object: ...
    def __len__(self) -> int: ...
    @property
    def columns(self) -> list[str]: ...

class ProgressCounter:
    def __init__(self) -> None: ...
    @property
    def bytes(self) -> int:
        """Input bytes read so far, as stored (compressed bytes of a compressed file)."""
    @property
    def records(self) -> int:
        """Records scanned so far."""

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

class ScanArgs(TypedDict):
    threads: int
    include: list[str]
    exclude: list[str]
    input_format: str | None
    max_line: int | None
    split_size: int | None
    dest_fields: list[str] | None
    origin_fields: list[str] | None
    show_values: bool
    rule_files: list[str]
    builtin_rules: bool
    progress: ProgressCounter | None
    policy: str | None
    preset: str | None
    geoip: str | None
    destination: str | None
    origin: str | None
    baseline: list[str] | None
    today: str | None

def scan(paths: list[str], options: ScanArgs) -> tuple[ArrowTable, str, str, list[str]]:
    """(findings, accounting JSON, summary JSON, rule packs)"""

def scan_stream(paths: list[str], options: ScanArgs) -> ScanStream: ...
def scan_write(
    paths: list[str],
    options: ScanArgs,
    format: Literal["json", "jsonl", "none"],
    out: str | None,
    tool_json: str,
) -> tuple[str, str, list[str]]:
    """(accounting JSON, summary JSON, rule packs)"""

def rules_json(rule_files: list[str] = ..., builtin_rules: bool = True) -> str: ...
def check_rules_json(rule_files: list[str] = ..., builtin_rules: bool = True) -> str: ...
def policy_json(
    policy: str | None = None, preset: str | None = None, today: str | None = None
) -> str: ...
def presets() -> list[tuple[str, str]]: ...
def groups_json() -> str: ...
def country_name(code: str) -> str: ...
def explain_destination(
    destination: str,
    policy: str | None = None,
    preset: str | None = None,
    geoip: str | None = None,
) -> str: ...
def geoip_info(path: str) -> tuple[str, str, int]:
    """(path, database type, build time in Unix seconds)"""
def empty_findings() -> ArrowTable:
    """A findings table with no rows: the findings schema."""
