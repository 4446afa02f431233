"""Polars aggregations over the findings table."""

from __future__ import annotations

import polars as pl

# A record is identified by its file and byte offset (unique per file,
# unlike line numbers, which are the same for every range of a split file
# only after merging — byte offsets are always exact).
_RECORD = pl.struct("path", "byte_offset")


def category_summary(findings: pl.DataFrame) -> pl.DataFrame:
    """One row per category: records with a hit, hits, detectors that fired."""
    if findings.is_empty():
        return pl.DataFrame(
            schema={"category": pl.String, "records": pl.UInt32, "hits": pl.UInt32,
                    "detectors": pl.UInt32}
        )
    return (
        findings.group_by("category")
        .agg(
            records=_RECORD.n_unique().cast(pl.UInt32),
            hits=pl.len().cast(pl.UInt32),
            detectors=pl.col("detector").n_unique().cast(pl.UInt32),
        )
        .sort(["records", "category"], descending=[True, False])
    )


def detector_summary(findings: pl.DataFrame) -> pl.DataFrame:
    """One row per detector: its category, hits and records."""
    if findings.is_empty():
        return pl.DataFrame(
            schema={"detector": pl.String, "category": pl.String, "records": pl.UInt32,
                    "hits": pl.UInt32}
        )
    return (
        findings.group_by("detector", "category")
        .agg(records=_RECORD.n_unique().cast(pl.UInt32), hits=pl.len().cast(pl.UInt32))
        .sort(["hits", "detector"], descending=[True, False])
    )
