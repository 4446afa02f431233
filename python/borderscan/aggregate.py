"""Polars aggregations over the findings table, whole or batch by batch."""

from __future__ import annotations

import polars as pl

# A record is identified by its file and byte offset (exact and unique
# within a file, whatever the thread count or split).
_RECORD = ["path", "byte_offset"]

_DETECTOR_SCHEMA = {"detector": pl.String, "category": pl.String, "records": pl.UInt32,
                    "hits": pl.UInt32}
_CATEGORY_SCHEMA = {"category": pl.String, "records": pl.UInt32, "hits": pl.UInt32,
                    "detectors": pl.UInt32}


def _count(findings: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Hits and distinct records per key. `unique` then `len` rather than
    `n_unique` in the aggregation: the same result at a fraction of the
    memory (Polars 2.1 holds large temporaries for grouped n_unique)."""
    hits = findings.group_by(keys).agg(hits=pl.len())
    records = findings.select(*keys, *_RECORD).unique().group_by(keys).agg(records=pl.len())
    return records.join(hits, on=keys)


def _by_detector(findings: pl.DataFrame) -> pl.DataFrame:
    return _count(findings, ["detector", "category"])


def _by_category(findings: pl.DataFrame) -> pl.DataFrame:
    return _count(findings, ["category"])


class Aggregator:
    """Summaries built batch by batch, so a scan of any size can be summarised
    without holding its findings. Exact because the engine never splits one
    record's findings across batches: distinct records per batch add up.
    """

    def __init__(self) -> None:
        self._det: list[pl.DataFrame] = []
        self._cat: list[pl.DataFrame] = []

    def add(self, batch: pl.DataFrame) -> None:
        if batch.is_empty():
            return
        self._det.append(_by_detector(batch))
        self._cat.append(_by_category(batch))
        # Fold now and then so the partial tables stay small.
        if len(self._det) >= 64:
            self._det = [self._fold_det()]
            self._cat = [self._fold_cat()]

    def _fold_det(self) -> pl.DataFrame:
        if not self._det:
            return pl.DataFrame(schema=_DETECTOR_SCHEMA)
        return (pl.concat(self._det).group_by("detector", "category")
                .agg(pl.col("records").sum(), pl.col("hits").sum()))

    def _fold_cat(self) -> pl.DataFrame:
        if not self._cat:
            return pl.DataFrame(schema={k: v for k, v in _CATEGORY_SCHEMA.items()
                                        if k != "detectors"})
        return pl.concat(self._cat).group_by("category").agg(pl.col("records").sum(),
                                                             pl.col("hits").sum())

    def detectors(self) -> pl.DataFrame:
        """One row per detector: its category, records and hits, most hits first."""
        return (self._fold_det().select(list(_DETECTOR_SCHEMA)).cast(_DETECTOR_SCHEMA)
                .sort(["hits", "detector"], descending=[True, False]))

    def categories(self) -> pl.DataFrame:
        """One row per category: records with a hit, hits, detectors that fired."""
        n_det = self._fold_det().group_by("category").agg(detectors=pl.len())
        return (self._fold_cat().join(n_det, on="category", how="left")
                .select(list(_CATEGORY_SCHEMA)).cast(_CATEGORY_SCHEMA)
                .sort(["records", "category"], descending=[True, False]))


def category_summary(findings: pl.DataFrame) -> pl.DataFrame:
    agg = Aggregator()
    agg.add(findings)
    return agg.categories()


def detector_summary(findings: pl.DataFrame) -> pl.DataFrame:
    agg = Aggregator()
    agg.add(findings)
    return agg.detectors()
