"""Summaries as Polars DataFrames. The Rust engine counts them as findings
pass (exactly, and without holding the findings); this module gives them
their typed, documented shape."""

from __future__ import annotations

from typing import Any

from borderscan import _core
from borderscan._polars import pl

# Schemas are built on use, not at import: Polars loads on first use
# (`_polars.py`).
Schema = dict[str, "pl.DataType | type[pl.DataType]"]


def _category_schema() -> Schema:
    return {"category": pl.String, "records": pl.UInt64, "hits": pl.UInt64,
            "detectors": pl.UInt64}


def _detector_schema() -> Schema:
    return {"detector": pl.String, "category": pl.String, "records": pl.UInt64,
            "hits": pl.UInt64}


def category_frame(summary: dict[str, Any]) -> pl.DataFrame:
    """One row per category: records with a hit, hits, detectors that fired;
    most records first. Records with no hit at all are the category `none`
    (last; no hits, no detectors), so every record is in the table."""
    return pl.DataFrame(summary["categories"], schema=_category_schema(), orient="row")


def detector_frame(summary: dict[str, Any]) -> pl.DataFrame:
    """One row per detector: its category, records and hits; most hits first."""
    return pl.DataFrame(summary["detectors"], schema=_detector_schema(), orient="row")


def _flow_schema() -> Schema:
    return {"category": pl.String, "origin_country": pl.String,
            "dest_country": pl.String, "verdict": pl.String, "records": pl.UInt64,
            "hits": pl.UInt64}


def _violation_schema() -> Schema:
    return {"rule": pl.String, "severity": pl.String, "records": pl.UInt64,
            "hits": pl.UInt64}


def flow_frame(summary: dict[str, Any]) -> pl.DataFrame:
    """The flow matrix: one row per category x origin country x destination
    country x verdict, with records and hits; most records first."""
    flows = (summary.get("residency") or {}).get("flows", [])
    return pl.DataFrame(flows, schema=_flow_schema(), orient="row") if flows else \
        pl.DataFrame(schema=_flow_schema())


def _record_flow_schema() -> Schema:
    return {"origin_country": pl.String, "dest_country": pl.String,
            "records": pl.UInt64, "classified": pl.UInt64}


def records_frame(summary: dict[str, Any]) -> pl.DataFrame:
    """Every record once, by origin country x destination country: records,
    and of them those with at least one finding (`classified`; the rest are
    the category `none`). `records` sums to `accounting["records"]`."""
    rows = (summary.get("residency") or {}).get("records", [])
    return pl.DataFrame(rows, schema=_record_flow_schema(), orient="row") if rows else \
        pl.DataFrame(schema=_record_flow_schema())


def violation_frame(summary: dict[str, Any]) -> pl.DataFrame:
    """Violations by policy rule and severity: records and hits."""
    rows = (summary.get("residency") or {}).get("violations", [])
    return pl.DataFrame(rows, schema=_violation_schema(), orient="row") if rows else \
        pl.DataFrame(schema=_violation_schema())


def _profile_schema() -> Schema:
    return {
        "pattern": pl.String, "field": pl.String, "records": pl.UInt64, "hits": pl.UInt64,
        "categories": pl.List(pl.String), "detectors": pl.List(pl.String),
        "destinations": pl.List(pl.String),
        # Findings per verdict, most serious first.
        **{v: pl.UInt64 for v in reversed(_core.VERDICTS)},
        "example": pl.String,
    }


def _most_first(counts: dict[str, int]) -> list[str]:
    return [k for k, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def profile_frame(summary: dict[str, Any]) -> pl.DataFrame:
    """The data profile: one row per input file pattern (digit runs as `*`)
    and field path (`(text)` for free text): records with a finding there,
    findings, its categories, detectors and destination countries (most
    findings first), findings per verdict, and a masked example. By pattern,
    most findings first. The JSON document has the counts behind each list."""
    rows = [
        {"pattern": p["pattern"], "field": p["field"], "records": p["records"],
         "hits": p["hits"], "categories": _most_first(p["categories"]),
         "detectors": _most_first(p["detectors"]),
         "destinations": _most_first(p["destinations"]),
         **{v: p["verdicts"].get(v, 0) for v in reversed(_core.VERDICTS)},
         "example": p["example"]}
        for p in summary.get("profile") or []
    ]
    return pl.DataFrame(rows, schema=_profile_schema()) if rows else pl.DataFrame(
        schema=_profile_schema())
