"""Set (e) of the quality harness: the second held-out set, benches/quality/heldout2/.

Set (e) was written blind by a hand that had not seen the detectors, after set (d) had
been used to correct them: it tells whether the classifier generalises to data nobody on
the team wrote. These tests check that the fixtures are what heldout2/make.py writes, that
the set keeps its shape (every category in every format, about a third `none`, ten
languages and more, a hundred look-alikes), that every labelled record is scanned, and
that the per-category figures do not fall below the first measurement (floors below).
The checks are set (d)'s, imported from tests/test_quality_heldout.py.
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

HELDOUT2 = QUALITY / "heldout2"


def test_fixtures_are_what_make_py_writes():
    check_make_py(HELDOUT2)


def test_the_set_keeps_its_shape():
    shape = composition(HELDOUT2)
    cells, records, formats = shape["cells"], shape["records"], shape["formats"]
    assert formats == {"jsonl", "csv", "logfmt", "syslog-5424", "syslog-3164", "text"}
    for c in own_set.CATEGORIES:
        for f in formats:
            assert cells[(c, f)] >= 8, (c, f, cells[(c, f)])
    assert 850 <= records <= 950
    assert 0.28 <= shape["none"] / records <= 0.36
    assert shape["looks"] >= 100
    assert len(shape["langs"]) >= 14


@pytest.fixture(scope="module")
def scored():
    return own_set.run(HELDOUT2, 2)


def test_every_labelled_line_is_scanned(scored):
    check_every_line_scanned(HELDOUT2, scored)


# The first measurement on set (e) (scanner of commit 1645f33: rust/ and python/ as of
# 8695bf7), each figure rounded down to 2 decimals minus 0.02 so that noise does not fail
# CI: a regression guard. Set (e) is held out: never change a detector to pass one of
# its records, never lower a floor to make a change pass; raise a floor when a change lifts
# a figure for good (and check that sets (c) and (d) moved with it).
#
# Raised after the multilingual lexicon (issue 14, session 5), to that measurement minus
# 0.02. Two precision floors went down with it, the one exception so far, taken on
# purpose and stated in the closing note: the lexicon's words trade a little
# precision for much recall in those two categories (diagnostic 0.97 / 0.76 -> 0.91 /
# 0.95, five more false alarms; operational 1.00 / 0.39 -> 0.97 / 0.70, one).
FLOORS = {  # category: (precision, recall); first measurement: heldout2/README.md
    "personal": (0.96, 0.66), "device_id": (0.98, 0.95), "network_id": (0.89, 0.98),
    "geolocation": (0.98, 0.82), "secret": (0.98, 0.75), "calibration": (0.98, 0.73),
    "sensor": (0.51, 0.81), "diagnostic": (0.89, 0.92), "operational": (0.95, 0.68),
    "quality": (0.83, 0.31), "model": (0.98, 0.57), "none": (0.74, 0.93),
}
POOLED_FLOOR = (0.87, 0.77)  # pooled: first 0.865 / 0.632; after the lexicon 0.894 / 0.795


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
