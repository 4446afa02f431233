"""borderscan: a data-residency scanner for industrial logs and telemetry.

>>> import borderscan
>>> result = borderscan.scan(["sample_data/"])
>>> result.summary          # polars DataFrame: one row per data category
>>> result.findings         # polars DataFrame: one row per detector hit
>>> result.accounting       # dict: what was read, and what could not be
>>> result.flows            # polars DataFrame: category x origin x destination x verdict
>>> borderscan.scan(["logs/"], preset="eu-gdpr", geoip="GeoLite2-Country.mmdb")
"""

from __future__ import annotations

from borderscan._core import BorderscanError, ConfigError, ScanCancelled
from borderscan._core import __version__ as __version__
from borderscan.api import ScanResult, ScanStream, check_rules, rules, scan, scan_iter
from borderscan.policy import describe as describe_policy
from borderscan.policy import groups, load_policy, presets

__all__ = [
    "BorderscanError",
    "ConfigError",
    "ScanCancelled",
    "ScanResult",
    "ScanStream",
    "__version__",
    "check_rules",
    "describe_policy",
    "groups",
    "load_policy",
    "presets",
    "rules",
    "scan",
    "scan_iter",
]
