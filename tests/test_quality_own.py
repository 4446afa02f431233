"""Set (c) of the quality harness (benches/quality/own_set.py): the scorer computes.

The bars of set (c) are not asserted here (the detectors do not meet them yet): these
tests check that every labelled record is scanned and scored, that the counts add up,
that the fixtures are what make.py writes, and that the scorer's figures on a small
hand-made example are the ones worked out by hand below.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
QUALITY = ROOT / "benches" / "quality"
OWN = QUALITY / "own"
sys.path.insert(0, str(QUALITY))

import own_set  # noqa: E402
from common import Finding  # noqa: E402


def _record(file, line, fmt, gold, text, look=()):
    return own_set.Record(file, line, fmt, "en", "t", frozenset(gold), list(look), text)


def _finding(file, line, detector, text, evidence):
    return Finding(file, line, text.index(evidence) + 1, detector, detector.split(".")[0],
                   evidence)


def test_scorer_on_a_hand_checked_example():
    t1 = "WARN operator j.doe@example.com left the cell"
    t2 = "spindle temp 41.2 C"
    t3 = "firmware 4.2.1.0 up to date"
    t4 = "service started"
    t5 = "order 4111 1111 1111 1112 released, qty 20"
    t6 = "calibration CAL-7 fx=1395.1 fy=1399.6"
    recs = [
        _record("a.jsonl", 1, "jsonl", {"personal", "diagnostic"}, t1),
        _record("a.jsonl", 2, "jsonl", {"sensor"}, t2),
        _record("a.jsonl", 3, "jsonl", set(), t3),
        _record("b.csv", 2, "csv", set(), t4),
        _record("b.csv", 3, "csv", {"operational"}, t5, [("card", "4111 1111 1111 1112")]),
        _record("b.csv", 4, "csv", {"calibration"}, t6),
    ]
    labels = {"files": {"a.jsonl": {"format": "jsonl", "lines": {"1": {}, "2": {}, "3": {}}},
                        "b.csv": {"format": "csv", "lines": {"2": {}, "3": {}, "4": {}}}}}
    findings = [
        _finding("a.jsonl", 1, "personal.email", t1, "j.doe@example.com"),
        _finding("a.jsonl", 1, "diagnostic.log_level", t1, "WARN"),
        _finding("a.jsonl", 3, "network_id.ipv4", t3, "4.2.1.0"),
        _finding("b.csv", 3, "personal.payment_card", t5, "4111 1111 1111 1112"),
        _finding("b.csv", 4, "calibration.intrinsics", t6, "fx=1395.1"),
        _finding("b.csv", 4, "calibration.intrinsics", t6, "fy=1399.6"),
        Finding("b.csv", 1, 1, "personal.name", "personal", "ts"),  # a header line
    ]
    accounting = {"per_file": [
        {"path": "a.jsonl", "format": "jsonl", "lines": 3, "records": 3, "header_lines": 0,
         "unparseable": 0},
        {"path": "b.csv", "format": "csv", "lines": 4, "records": 2, "header_lines": 1,
         "unparseable": 0}]}
    out = own_set.score(labels, recs, findings, accounting)

    def cell(c, table=None):
        x = (table or out["overall"])[c]
        return x["support"], x["predicted"], x["tp"], x["fp"], x["fn"]

    # personal: r1 right, r5 a card on a look-alike -> 1 TP, 1 FP
    assert cell("personal") == (1, 2, 1, 1, 0)
    assert out["overall"]["personal"]["precision"] == 0.5
    assert out["overall"]["personal"]["recall"] == 1.0
    assert cell("diagnostic") == (1, 1, 1, 0, 0)
    assert cell("sensor") == (1, 0, 0, 0, 1)
    assert out["overall"]["sensor"]["precision"] is None
    assert out["overall"]["sensor"]["recall"] == 0.0
    assert cell("network_id") == (0, 1, 0, 1, 0)
    assert out["overall"]["network_id"]["precision"] == 0.0
    assert cell("operational") == (1, 0, 0, 0, 1)
    assert cell("calibration") == (1, 1, 1, 0, 0)  # two findings, one record
    # none: labelled r3, r4; reported (no finding) r2, r4
    assert cell("none") == (2, 2, 1, 1, 1)
    assert cell("model") == (0, 0, 0, 0, 0)
    # per format
    assert cell("none", out["per_format"]["jsonl"]) == (1, 1, 0, 1, 1)
    assert cell("none", out["per_format"]["csv"]) == (1, 1, 1, 0, 0)
    assert cell("personal", out["per_format"]["csv"]) == (0, 1, 0, 1, 0)
    # pooled over the eleven: TP personal, diagnostic, calibration; FP personal,
    # network_id; FN sensor, operational
    p = out["pooled"]
    assert (p["tp"], p["fp"], p["fn"]) == (3, 2, 2)
    # look-alikes, rows, detectors, the header finding, accounting
    assert out["lookalikes"]["values"] == 1
    assert out["lookalikes"]["reported"] == 1
    assert out["lookalikes"]["by_detector"] == {"personal.payment_card": 1}
    assert out["rows"]["records_with_row"] == 4
    assert out["findings_off_records"] == 1
    dets = {d["detector"]: d for d in out["detectors"]}
    assert dets["calibration.intrinsics"]["findings"] == 2
    assert dets["calibration.intrinsics"]["records"] == 1
    assert dets["personal.payment_card"]["records_labelled"] == 0
    assert out["problems"] == ["b.csv: scanner counted 2 records, 3 labelled"]
    assert out["evidence_not_at_column"] == 0


@pytest.fixture(scope="module")
def scored():
    return own_set.run(OWN, 2)


def test_every_labelled_line_is_scanned(scored):
    labels = json.loads((OWN / "labels.json").read_text(encoding="utf-8"))
    n = sum(len(e["lines"]) for e in labels["files"].values())
    assert scored["records"] == n
    assert scored["problems"] == []
    for rel, entry in labels["files"].items():
        lines = (OWN / rel).read_text(encoding="utf-8").split("\n")
        assert lines[-1] == ""
        lines.pop()
        # every line but the header is a labelled record, and nothing else is
        expected = {str(i) for i in range(entry["header_lines"] + 1, len(lines) + 1)}
        assert set(entry["lines"]) == expected, rel
        assert scored["per_file"][rel]["records"] == len(entry["lines"])


def test_counts_add_up(scored):
    assert scored["findings"] == scored["findings_on_records"] + scored["findings_off_records"]
    counts = scored["counts"]
    for c in own_set.ALL:
        x = scored["overall"][c]
        assert x["tp"] + x["fn"] == x["support"] == counts["category"][c], c
        assert x["tp"] + x["fp"] == x["predicted"], c
        for axis in ("per_format", "per_lang"):
            for k in ("support", "predicted", "tp", "fp", "fn"):
                assert sum(t[c][k] for t in scored[axis].values()) == x[k], (axis, c, k)
    assert sum(counts["format"].values()) == scored["records"]
    assert sum(counts["lang"].values()) == scored["records"]
    # reported `none` = no finding on the record (no detector emits category `none`)
    assert scored["overall"]["none"]["predicted"] == \
        scored["records"] - scored["rows"]["records_with_row"]
    lk = scored["lookalikes"]
    assert lk["values"] == sum(x["values"] for x in lk["per_kind"].values())
    assert lk["reported"] == sum(lk["by_detector"].values())


def test_fixtures_are_what_make_py_writes():
    proc = subprocess.run([sys.executable, str(OWN / "make.py"), "--check"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


# Today's figures on set (c), rounded down by about 0.03: a regression guard, not the
# bars (>= 0.95 for every category in every format), which are not met in every format
# yet. Raise a floor when a change lifts a figure for good; never lower one to make a
# change pass.
FLOORS = {  # category: (precision, recall)
    "personal": (0.97, 0.93), "device_id": (0.97, 0.96), "network_id": (0.97, 0.97),
    "geolocation": (0.97, 0.97), "secret": (0.97, 0.97), "calibration": (0.97, 0.97),
    "sensor": (0.95, 0.90), "diagnostic": (0.95, 0.97), "operational": (0.97, 0.95),
    "quality": (0.95, 0.97), "model": (0.95, 0.97), "none": (0.94, 0.96),
}


@pytest.mark.parametrize("category", sorted(FLOORS))
def test_category_floors_hold(scored, category):
    precision, recall = FLOORS[category]
    got = scored["overall"][category]
    assert got["precision"] >= precision, (category, got)
    assert got["recall"] >= recall, (category, got)


def test_lookalikes_and_placement_hold(scored):
    assert scored["lookalikes"]["rate"] <= 0.01
    assert scored["rows"]["met"], scored["rows"]
