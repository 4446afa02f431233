"""Classification on small labelled log fixtures (written for this project, not copied).

- `diag_*`: every line is a record logged at warning level or worse, a stack trace or
  an exception, in a different shape per file (log4j, Python logging, syslog, journald-like
  text, logcat, glog, JSON lines, CSV): each must be reported as `diagnostic`;
- `clean_*`: INFO/DEBUG records (with `errors=0`, `error_rate`, `[notice]`...): none may be;
- `noise_*`: timestamps, pids, block ids, request ids, UUIDs, progress fractions, host
  names: no `personal.*` finding (no phone, no card);
- `calib_*`, `sensor_*`, `oper_*`, `quality_*`: every record is calibration, sensor,
  operational or quality data written the way the field writes it, not the way
  `benches/generate.py` does: pairs inside messages (`fx=1395.2`, `temp: 61.2 °C`,
  `温度\uff1a61.2℃`), values with units, tokenised and abbreviated record types (`ar.calibration`,
  `CAL`, `QCResult`, MQTT topics, syslog MSGID and SD-IDs), German, Chinese, Japanese and
  Vietnamese words and field names, `;`-separated CSV with German headers;
- `clean_*` are none of those either (system logs: logcat, kernel, wifi, RAID, Hadoop).
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


# Files named `<prefix>_*` (and `<prefix>.logfmt`): every record must have the category.
CATEGORY_OF = {
    "calib": "calibration",
    "sensor": "sensor",
    "oper": "operational",
    "quality": "quality",
    "diag": "diagnostic",
}
INDUSTRIAL = ("calibration", "sensor", "operational", "quality")


def _category_files() -> list[tuple[Path, str]]:
    return [
        (p, CATEGORY_OF[prefix])
        for p in sorted(DATA.glob("*"))
        for prefix in CATEGORY_OF
        if p.name.startswith((prefix + "_", prefix + "."))
    ]


@pytest.mark.parametrize(
    ("path", "category"), _category_files(), ids=lambda v: getattr(v, "name", v)
)
def test_every_record_has_its_category(path: Path, category: str) -> None:
    found = {line for line, c, _ in _findings(path) if c == category}
    missed = [n for n in _record_lines(path) if n not in found]
    assert not missed, f"{path.name}: lines {missed} not reported as {category}"


@pytest.mark.parametrize("path", sorted(DATA.glob("clean_*")), ids=lambda p: p.name)
def test_system_lines_are_not_industrial_data(path: Path) -> None:
    wrong = [(line, d) for line, c, d in _findings(path) if c in INDUSTRIAL]
    assert not wrong, f"{path.name}: reported as industrial data: {wrong}"


def _scan_text(tmp_path: Path, name: str, text: str) -> list[dict[str, object]]:
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return borderscan.scan([f], show_values=True).findings.to_dicts()


def test_pairs_in_a_message_are_named_after_it_and_point_into_the_line(
    tmp_path: Path,
) -> None:
    line = "2026-11-05 10:15:32 vision[812]: calibration CAL-0042 fx=1395.178 fy=1399.694"
    rows = _scan_text(tmp_path, "cam.log", line + "\n")
    fx = [r for r in rows if r["detector"] == "calibration.intrinsics"]
    assert len(fx) == 1
    # Free text: the pair's key is the field; the column is the value's.
    assert fx[0]["field"] == "fx"
    assert fx[0]["column"] == line.index("1395.178") + 1
    assert fx[0]["evidence"] == "1395.178"
    # In a named field: `<field>.<key>`.
    rows = _scan_text(tmp_path, "cam.jsonl", '{"ts": 1, "msg": "cam 2 fx=1395.2 fy=1399.7"}\n')
    assert {r["field"] for r in rows if r["detector"] == "calibration.intrinsics"} == {"msg.fx"}


def test_pairs_are_not_scanned_twice(tmp_path: Path) -> None:
    # The address is found once, in the message, not again in `msg.operator`.
    rows = _scan_text(
        tmp_path,
        "op.jsonl",
        '{"msg": "calib done operator=li.wei@example.cn fx=1395.2"}\n',
    )
    emails = [(r["field"], r["evidence"]) for r in rows if r["detector"] == "personal.email"]
    assert emails == [("msg", "li.wei@example.cn")]
    # A value rule on a pair (an IP address after `dst=`) fires once, on the message.
    rows = _scan_text(tmp_path, "net.log", "upload done, dst: 10.20.30.40\n")
    assert [r["field"] for r in rows if r["detector"] == "network_id.ipv4"] == [None]


def test_semicolon_csv_with_german_header(tmp_path: Path) -> None:
    rows = _scan_text(
        tmp_path,
        "werk.csv",
        "Zeitstempel;Werk;Anlage;Typ;Meldung\n"
        "2026-11-05 10:15:32;DE-STR-02;Presse 4;Störung;Spindel: Temperatur 61,2 °C\n",
    )
    got = {(r["detector"], r["field"]) for r in rows}
    assert ("diagnostic.record_type", "Typ") in got
    assert ("sensor.unit_reading", "Meldung") in got


@pytest.mark.parametrize(
    ("line", "detector"),
    [
        ('{"level": 50, "msg": "x"}', "diagnostic.level_number"),
        ('{"PRIORITY": "2", "MESSAGE": "x"}', "diagnostic.journald_priority"),
        ('{"Level": 1, "Id": 41}', "diagnostic.eventlog_level"),
        ('{"severityNumber": 21, "body": "x"}', "diagnostic.otel_severity"),
        ("plc-7 ALM 1001 spindle", "diagnostic.alarm_code"),
        ("engine code P0420 catalyst", "diagnostic.trouble_code"),
        ("   at A.B.C() in C:\\src\\B.cs:line 12", "diagnostic.exception"),
        ("goroutine 7 [chan receive]:", "diagnostic.exception"),
        ("3号线 主轴报警", "diagnostic.fault_text"),
        ('{"type": "fw.diag"}', "diagnostic.record_type"),
        ('{"msg_type": "CAL"}', "calibration.record_type"),
        ('{"kind": "QCResult"}', "quality.record_type"),
        ('{"type": "process.opt"}', "operational.record_type"),
        ("feed 5427.1mm/min", "operational.feed_unit"),
        ("coolant 68.7 bar", "sensor.unit_reading"),
        ("温度\uff1a61.2℃", "sensor.unit_reading"),  # full-width colon
    ],
)
def test_field_vocabulary_detectors(tmp_path: Path, line: str, detector: str) -> None:
    name = "x.jsonl" if line.startswith("{") else "x.log"
    assert detector in {r["detector"] for r in _scan_text(tmp_path, name, line + "\n")}
