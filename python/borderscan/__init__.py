"""borderscan: a data-residency scanner for industrial logs and telemetry.

>>> import borderscan
>>> result = borderscan.scan(["sample_data/"])
>>> result.summary          # polars DataFrame: one row per data category
>>> result.findings         # polars DataFrame: one row per detector hit
>>> result.accounting       # dict: what was read, and what could not be
"""

from __future__ import annotations

from borderscan._core import BorderscanError, ConfigError, ScanCancelled
from borderscan._core import __version__ as __version__
from borderscan.api import ScanResult, ScanStream, check_rules, rules, scan, scan_iter

__all__ = [
    "BorderscanError",
    "ConfigError",
    "ScanCancelled",
    "ScanResult",
    "ScanStream",
    "__version__",
    "check_rules",
    "rules",
    "scan",
    "scan_iter",
]
