"""Record placement (destination and origin) on the independently written
fixtures of benches/placement: generate the set, scan it with the installed
borderscan, and hold the pooled figures to floors.

The floors are the targets for discovery of destinations and origins wherever
a record says them; the team sets them to what the implementation reaches.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

DEST_ACCURACY_FLOOR = 0.98
ORIGIN_ACCURACY_FLOOR = 0.98
DECOY_FLOOR = 0.95

BENCH = Path(__file__).resolve().parent.parent / "benches" / "placement"


def _load(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(f"placement_{name}", BENCH / f"{name}.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _rate(metric: dict[str, Any]) -> float:
    assert metric["n"] > 0
    return float(metric["ok"]) / float(metric["n"])


def test_placement_floors(tmp_path: Path) -> None:
    _load("generate").generate(tmp_path)
    run = _load("run")
    result, _misses = run.score(tmp_path, python=sys.executable)
    pooled = result["pooled"]["all"]
    report = run.markdown(result)
    assert pooled["records"] > 1500
    assert _rate(pooled["dest_accuracy"]) >= DEST_ACCURACY_FLOOR, report
    assert _rate(pooled["origin_accuracy"]) >= ORIGIN_ACCURACY_FLOOR, report
    assert _rate(pooled["decoy_null_not_taken"]) >= DECOY_FLOOR, report
    assert _rate(pooled["decoy_dest_not_taken"]) >= DECOY_FLOOR, report
