"""Classification on small labelled log fixtures (written for this project, not copied).

- `diag_*`: every line is a record logged at warning level or worse, a stack trace or
  an exception, in a different shape per file (log4j, Python logging, syslog, journald-like
  text, logcat, glog, JSON lines, CSV): each must be reported as `diagnostic`;
- `clean_*`: INFO/DEBUG records (with `errors=0`, `error_rate`, `[notice]`...): none may be;
- `noise_*`: timestamps, pids, block ids, request ids, UUIDs, progress fractions, host
  names: no `personal.*` finding (no phone, no card).
"""

from __future__ import annotations

from pathlib import Path

import borderscan
import pytest

DATA = Path(__file__).resolve().parent / "data" / "classification"


def _lines(path: Path) -> int:
    n = len(path.read_text(encoding="utf-8").splitlines())
    return n - 1 if path.suffix == ".csv" else n  # the header is no record


def _findings(path: Path) -> list[tuple[int, str, str]]:
    result = borderscan.scan([path], show_values=True)
    return [
        (line, category, detector)
        for line, category, detector in result.findings.select(
            "line", "category", "detector"
        ).iter_rows()
    ]


def _record_lines(path: Path) -> list[int]:
    """1-based line numbers of the records (CSV: after the header)."""
    first = 2 if path.suffix == ".csv" else 1
    return list(range(first, first + _lines(path)))


@pytest.mark.parametrize("path", sorted(DATA.glob("diag_*")), ids=lambda p: p.name)
def test_warnings_and_errors_are_diagnostic(path: Path) -> None:
    found = {line for line, category, _ in _findings(path) if category == "diagnostic"}
    missed = [n for n in _record_lines(path) if n not in found]
    assert not missed, f"{path.name}: lines {missed} not reported as diagnostic"


@pytest.mark.parametrize("path", sorted(DATA.glob("clean_*")), ids=lambda p: p.name)
def test_info_and_debug_are_not_diagnostic(path: Path) -> None:
    wrong = [(line, d) for line, category, d in _findings(path) if category == "diagnostic"]
    assert not wrong, f"{path.name}: INFO/DEBUG lines reported as diagnostic: {wrong}"


@pytest.mark.parametrize("path", sorted(DATA.glob("*")), ids=lambda p: p.name)
def test_no_personal_data_in_timestamps_and_ids(path: Path) -> None:
    personal = [(line, d) for line, category, d in _findings(path) if category == "personal"]
    assert not personal, f"{path.name}: digit runs reported as personal data: {personal}"


def test_level_detectors_have_stable_ids() -> None:
    ids = {r["id"] for r in borderscan.rules()}
    assert {
        "diagnostic.log_level",
        "diagnostic.log_level_field",
        "diagnostic.log_level_letter",
        "diagnostic.exception",
    } <= ids


@pytest.mark.parametrize(
    ("line", "detector"),
    [
        ("on-call tonight: tel. 13912345678", "personal.phone_cn"),
        ("Störungsmeldung, Rückruf Telefon 089 1234567", "personal.phone_de"),
        ("連絡先 090-1234-5678", "personal.phone_jp"),
        ("điện thoại 0912 345 678", "personal.phone_vn"),
        ("contact 010-1234-5678", "personal.phone_kr"),
        ("driver +86 138 0013 8000", "personal.phone_cn"),
        ("visa 4111111111111111110", "personal.payment_card"),
    ],
)
def test_phones_and_cards_with_context_still_found(
    tmp_path: Path, line: str, detector: str
) -> None:
    f = tmp_path / "contact.log"
    f.write_text(line + "\n", encoding="utf-8")
    assert detector in {d for _, _, d in _findings(f)}


@pytest.mark.parametrize(
    "line",
    [
        "081109 203615 148 INFO dfs.DataNode: ok",
        "user 13912345678 logged in",
        "Receiving block blk_-3608999687919862908",
        "ts 4111111111111111110 ok",
        "trace 8a3b0c2d-0891-4234-9567-013912345678",
    ],
)
def test_bare_numbers_are_not_phones_or_cards(tmp_path: Path, line: str) -> None:
    f = tmp_path / "noise.log"
    f.write_text(line + "\n", encoding="utf-8")
    assert not [d for _, category, d in _findings(f) if category == "personal"]
