"""Issue 17, "quadratic in hits per line": a record of many hits of masking
rules next to values shown as they are (readings, a calibration's
metadata) and readings that yield to the record's type. Correctness only,
no timed assertion (the standards forbid them): every planted value is
found once, nothing shown unmasked holds an address, and two runs agree."""

from __future__ import annotations

import orjson
from conftest import run_cli

N = 30_000
MAX_LINE = str(32 << 20)


def _scan(src, out):
    r = run_cli("scan", str(src), "--format", "json", "--out", str(out), "-q",
                "--no-audit-log", "--max-line-bytes", MAX_LINE)
    assert r.returncode in (0, 1), r.stderr.decode(errors="replace")
    text = out.read_text(encoding="utf-8")
    return text, orjson.loads(text)["findings"]


def _count(findings, detector):
    return sum(1 for f in findings if f["detector"] == detector)


def test_a_line_of_addresses_and_readings(tmp_path):
    words = ("pump", "alarm", "spindle", "coolant")
    parts = []
    for i in range(N):
        parts.append(f"user{i}@example.com {words[i % 4]} temp {i}.5 °C")
        if i % 7 == 0:
            # The address again, glued to a reading: reported once.
            parts.append(f"mail user{i}@example.com/{i}.5 °C")
    src = tmp_path / "line.txt"
    src.write_text(", ".join(parts) + "\n", encoding="utf-8")
    text, findings = _scan(src, tmp_path / "a.json")
    assert _count(findings, "personal.email") == N
    assert _count(findings, "sensor.unit_reading") == N
    assert "@example.com" not in text
    again, _ = _scan(src, tmp_path / "b.json")
    assert orjson.loads(again)["findings"] == findings


def test_a_calibration_record_of_addresses_and_readings(tmp_path):
    # Readings yield to the record's type (`type: calibration`) unless a
    # word for a measured value stands before them (`actual`); the note
    # is shown as it is (`calibration.metadata`), its addresses masked.
    msg = ", ".join(
        f"{'actual' if i % 2 else 'temp'} {i}.5 °C user{i}@example.com"
        for i in range(N)
    )
    record = {"type": "calibration", "msg": msg, "calib": {"note": msg}}
    src = tmp_path / "calib.jsonl"
    src.write_bytes(orjson.dumps(record) + b"\n")
    text, findings = _scan(src, tmp_path / "a.json")
    assert _count(findings, "personal.email") == N
    assert _count(findings, "sensor.unit_reading") == N // 2
    assert all(float(f["evidence"].split()[0]) % 2 == 1.5
               for f in findings if f["detector"] == "sensor.unit_reading")
    meta = [f for f in findings if f["detector"] == "calibration.metadata"]
    assert len(meta) == 1
    assert meta[0]["evidence"].startswith(
        "temp 0.5 °C u***@e***.com, actual 1.5 °C u***@e***.com")
    assert "@example.com" not in text
    again, _ = _scan(src, tmp_path / "b.json")
    assert orjson.loads(again)["findings"] == findings
