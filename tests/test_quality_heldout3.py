"""Set (f) of the quality harness: the third held-out set, benches/quality/heldout3/.

Set (f) was written blind by a hand that had not seen the detectors, after sets (d) and (e)
had been used to correct them: it tells whether the classifier generalises to data shaped
and worded unlike anything the team wrote (other industries, log shapes and fifteen
languages none of the other sets uses). These tests check that the fixtures are what
heldout3/make.py writes, that the set keeps its shape (every category in every format,
about a third `none`, twenty languages, a hundred look-alikes and more), that every
labelled record is scanned, and that the per-category figures do not fall below the first
measurement (floors below). The checks are set (d)'s, imported from
tests/test_quality_heldout.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_quality_heldout import (
    QUALITY,
    check_every_line_scanned,
    check_make_py,
    composition,
    own_set,
)

HELDOUT3 = QUALITY / "heldout3"


def test_fixtures_are_what_make_py_writes():
    check_make_py(HELDOUT3)


def test_the_set_keeps_its_shape():
    shape = composition(HELDOUT3)
    cells, records, formats = shape["cells"], shape["records"], shape["formats"]
    assert formats == {"jsonl", "csv", "logfmt", "syslog-5424", "syslog-3164", "text"}
    for c in own_set.CATEGORIES:
        for f in formats:
            assert cells[(c, f)] >= 9, (c, f, cells[(c, f)])
    assert 850 <= records <= 950
    assert 0.28 <= shape["none"] / records <= 0.36
    assert shape["looks"] >= 100
    assert len(shape["langs"]) >= 20


@pytest.fixture(scope="module")
def scored():
    return own_set.run(HELDOUT3, 2)


def test_every_labelled_line_is_scanned(scored):
    check_every_line_scanned(HELDOUT3, scored)


# The first measurement on set (f) (scanner of commit 3b56ea4), each figure rounded down to
# 2 decimals minus 0.02 so that noise does not fail CI: a regression guard. Set (f) is held
# out: never change a detector to pass one of its records, never lower a floor to make a
# change pass; raise a floor when a change lifts a figure for good (and check that sets
# (c), (d) and (e) moved with it).
#
# That first measurement was of the scanner before the multilingual lexicon (issue 14,
# session 5); after it the floors were raised to its figures minus 0.02, and two precision
# floors went down, on purpose and stated in the closing note: the lexicon's words
# trade precision for recall there (diagnostic 0.971 / 0.782 -> 0.904 / 0.862, operational
# 0.808 / 0.389 -> 0.758 / 0.463), as on set (e).
FLOORS = {  # category: (precision, recall); measured: heldout3/README.md
    "personal": (0.98, 0.60), "device_id": (0.98, 0.81), "network_id": (0.97, 0.98),
    "geolocation": (0.98, 0.47), "secret": (0.84, 0.66), "calibration": (0.98, 0.46),
    "sensor": (0.74, 0.85), "diagnostic": (0.88, 0.84), "operational": (0.73, 0.44),
    "quality": (0.89, 0.55), "model": (0.98, 0.48), "none": (0.63, 0.95),
}
POOLED_FLOOR = (0.90, 0.68)  # pooled: first 0.920 / 0.631; after the lexicon 0.925 / 0.704


@pytest.mark.parametrize("category", sorted(FLOORS))
def test_category_floors_hold(scored, category):
    precision, recall = FLOORS[category]
    got = scored["overall"][category]
    assert got["precision"] >= precision, (category, got)
    assert got["recall"] >= recall, (category, got)


def test_pooled_floor_holds(scored):
    precision, recall = POOLED_FLOOR
    assert scored["pooled"]["precision"] >= precision, scored["pooled"]
    assert scored["pooled"]["recall"] >= recall, scored["pooled"]


def test_lookalikes_and_placement_hold(scored):
    assert scored["lookalikes"]["rate"] <= 0.01
    assert scored["rows"]["met"], scored["rows"]
