"""Summaries as Polars DataFrames. The Rust engine counts them as findings
pass (exactly, and without holding the findings); this module gives them
their typed, documented shape."""

from __future__ import annotations

from typing import Any

import polars as pl

CATEGORY_SCHEMA = {"category": pl.String, "records": pl.UInt64, "hits": pl.UInt64,
                   "detectors": pl.UInt64}
DETECTOR_SCHEMA = {"detector": pl.String, "category": pl.String, "records": pl.UInt64,
                   "hits": pl.UInt64}


def category_frame(summary: dict[str, Any]) -> pl.DataFrame:
    """One row per category: records with a hit, hits, detectors that fired;
    most records first."""
    return pl.DataFrame(summary["categories"], schema=CATEGORY_SCHEMA, orient="row")


def detector_frame(summary: dict[str, Any]) -> pl.DataFrame:
    """One row per detector: its category, records and hits; most hits first."""
    return pl.DataFrame(summary["detectors"], schema=DETECTOR_SCHEMA, orient="row")
