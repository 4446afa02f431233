"""A gate for records on their way out: `borderscan filter` and
`borderscan.Filter`.

Each record is decided as `redact` decides it (the scan's detectors,
placement and policy) and, when something in it may not go where it goes,
passed as it is (`on_violation="pass"`, report only), rewritten as `redact`
would rewrite it (`"redact"`, the default), or dropped (`"drop"`). Every
violation is reported with its evidence masked.

>>> f = borderscan.Filter(preset="cn-industrial-export", destination="DE")
>>> f.record({"site": "CN-SZ-02", "email": "li.wei@example.cn"})
{'site': 'CN-SZ-02', 'email': 'l***@example.cn'}
>>> f.violations[0]["category"], f.violations[0]["action"]
('personal', 'mask')
>>> f.line('{"site": "DE-MUC-01", "note": "ok"}')   # unchanged: the same object
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, overload

import orjson

from borderscan import _core
from borderscan.api import scan_config
from borderscan.redaction import load_key

if TYPE_CHECKING:
    from typing import Unpack

    from borderscan._core import ScanOptions

ON_VIOLATION = ("pass", "redact", "drop")
"""What a filter does with a record holding a violation."""


class Filter:
    """A record-at-a-time gate under a scan's options (`preset`/`policy`,
    `destination`...). `actions` are `redact`'s `TARGET=ACTION`; `key` (or
    `key_file`, else `$BORDERSCAN_REDACT_KEY`) keys `pseudonymize`.

    The first record decides the format (JSON Lines, OTLP/JSON, or any
    line format a scan reads) unless `input_format` is given; a CSV
    stream's first line is its header. Not thread-safe: one per thread."""

    def __init__(self, *, on_violation: str = "redact", actions: Sequence[str] = (),
                 key: bytes | None = None, key_file: str | os.PathLike[str] | None = None,
                 **options: Unpack[ScanOptions]) -> None:
        if on_violation not in ON_VIOLATION:
            raise ValueError(f"on_violation: {on_violation!r} is not one of "
                             f"{', '.join(ON_VIOLATION)}")
        if key is None:
            key = load_key(key_file)
        self.on_violation = on_violation
        self._core = _core.Filter(scan_config(**options), on_violation, list(actions), key)
        self._violations: list[dict[str, Any]] = []

    @overload
    def line(self, line: str) -> str | None: ...
    @overload
    def line(self, line: bytes) -> bytes | None: ...

    def line(self, line: str | bytes) -> str | bytes | None:
        """One record as a line (no terminator): the line to send, which
        is `line` itself when nothing in it had to change, or None when
        the record is dropped. Its violations are then in `violations`."""
        same, out = self._decide(line.encode() if isinstance(line, str) else line)
        if same or out is None:
            return line if same else None
        return out.decode() if isinstance(line, str) else out

    def record(self, record: dict[str, Any]) -> dict[str, Any] | None:
        """One JSON record: the record to send (`record` itself when
        nothing changed), or None when it is dropped."""
        same, out = self._decide(orjson.dumps(record))
        if same or out is None:
            return record if same else None
        value: dict[str, Any] = orjson.loads(out)
        return value

    def _decide(self, raw: bytes) -> tuple[bool, bytes | None]:
        """(unchanged, the rewritten bytes or None when dropped); keeps the
        record's violations."""
        status, out = self._core.record(raw)
        self._violations = orjson.loads(self._core.violations())
        return status == "same", out

    @property
    def violations(self) -> list[dict[str, Any]]:
        """The violations of the last record: detector, category, field,
        masked evidence, destination and its country, severity, the
        deciding policy rule, and the action taken."""
        return self._violations

    @property
    def report(self) -> dict[str, Any]:
        """Counts so far: lines, records, records changed and dropped,
        values replaced per action and category, violations per
        severity."""
        value: dict[str, Any] = orjson.loads(self._core.report())
        return value

    def run_stdio(self, findings: str | os.PathLike[str] | None = None, *,
                  findings_to_stderr: bool = False) -> None:
        """Filter standard input to standard output until the input ends
        (what `borderscan filter` runs)."""
        self._core.run_stdio(None if findings is None else os.fspath(findings),
                             findings_to_stderr)
