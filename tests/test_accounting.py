"""The accounting adds up on every fixture we have: bytes read + bytes
skipped = input bytes, records parsed + unparseable = records, lines =
records + blank + header lines, and the totals are the sums of the files."""

from __future__ import annotations

from pathlib import Path

import borderscan
import pytest
from conftest import ROOT, SAMPLE, assert_balanced

FIXTURES = sorted(
    p for base in (SAMPLE, ROOT / "tests" / "data", ROOT / "examples")
    for p in base.rglob("*") if p.is_file()
)


def test_every_fixture_is_found():
    assert len(FIXTURES) >= 10


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: str(p.relative_to(ROOT)))
def test_accounting_adds_up(path: Path):
    for threads, split in ((1, None), (2, 4096)):
        acc = borderscan.scan([path], threads=threads, split_size=split).accounting
        assert_balanced(acc)
        assert acc["files"] == 1
        assert acc["bytes"] == path.stat().st_size


def test_accounting_adds_up_over_everything_at_once():
    res = borderscan.scan([SAMPLE, ROOT / "tests" / "data", ROOT / "examples"])
    assert_balanced(res.accounting)
    assert res.accounting["files"] == len(FIXTURES)
