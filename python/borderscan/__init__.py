"""borderscan: a data-residency scanner for industrial logs and telemetry.

>>> import borderscan
>>> result = borderscan.scan(["sample_data/"])
>>> result.summary          # polars DataFrame: one row per data category
>>> result.findings         # polars DataFrame: one row per detector hit
>>> result.accounting       # dict: what was read, and what could not be
>>> result.flows            # polars DataFrame: category x origin x destination x verdict
>>> result.failing("high")  # polars DataFrame: the violations at or above high
>>> result.failing_count("high")
>>> borderscan.scan(["logs/"], preset="eu-gdpr", geoip="GeoLite2-Country.mmdb")
>>> borderscan.redact(["logs/"], "outbox/", preset="cn-industrial-export",
...                   destination="DE")  # a copy that may go (docs/redact.md)
>>> f = borderscan.Filter(preset="cn-industrial-export", destination="DE")
>>> f.record({"site": "CN-SZ-02", "email": "li.wei@example.cn"})  # docs/filter.md

What `borderscan scan` writes, from a result (exit code and verdict decided
as `--fail-on` decides them, `ScanResult.exit_code`):

>>> result.to_sarif("borderscan.sarif")          # --format sarif
>>> result.to_html("report.html", fail_on="high")  # --format html
>>> result.append_audit("audit.jsonl", fail_on="high")  # the audit log entry
>>> borderscan.audit.append_scan(result, "audit.jsonl")  # the same

Errors name the parameters: an invalid option raises `ConfigError`
(`max_line: must be at least 1`; `e.option == "max_line"`), an option of
the wrong type `TypeError`, an unknown severity or selection `ValueError`.
"""

from __future__ import annotations

from borderscan import audit as audit
from borderscan._core import BorderscanError, ConfigError, ScanCancelled
from borderscan._core import __version__ as __version__
from borderscan.api import ScanResult, ScanStream, check_rules, rules, scan, scan_iter
from borderscan.filtering import Filter
from borderscan.policy import describe as describe_policy
from borderscan.policy import groups, load_policy, presets
from borderscan.redaction import RedactResult, redact

__all__ = [
    "BorderscanError",
    "ConfigError",
    "Filter",
    "RedactResult",
    "ScanCancelled",
    "ScanResult",
    "ScanStream",
    "__version__",
    "audit",
    "check_rules",
    "describe_policy",
    "groups",
    "load_policy",
    "presets",
    "redact",
    "rules",
    "scan",
    "scan_iter",
]
