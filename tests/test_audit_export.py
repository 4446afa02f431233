"""`borderscan audit export`: periods in the site's time zone, labels and
category names in five languages, dates and numbers in each locale's
conventions (Babel), and no export of a log that does not verify."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from borderscan import audit
from conftest import run_cli

# 18:30 UTC on the 23rd is 02:30 on the 24th in Shanghai.
STARTED = "2026-11-23T18:30:00.000Z"


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "audit.jsonl"
    for started, records in ((STARTED, 12345), ("2026-11-20T08:00:00.000Z", 7)):
        audit.append(path, {
            "format": audit.FORMAT, "tool": {"name": "borderscan", "version": "0.1.0"},
            "host": "plant-gw-1", "user": "qa", "started": started, "ended": started,
            "command": ["borderscan", "scan", "captures/"],
            "inputs": [{"path": "captures/t.jsonl", "size": 4096, "sha256": "ab" * 32}],
            "policy": {"name": "cn-industrial-export", "version": "2026.11", "source": "preset",
                       "sha256": "cd" * 32},
            "rule_packs": ["default@2026.11.0"], "geoip": None,
            "accounting": {"bytes": 1234567, "records": records, "files": 1},
            "summary": {"categories": [{"category": "personal", "records": 3, "hits": 1500,
                                        "detectors": 1}],
                        "verdicts": {}, "violations": [], "exceptions": {}},
            "verdict": {"exit_code": 1, "reasons": [], "fail_on": "high", "violations": 1500,
                        "violations_by_severity": {"high": 1500}},
        })
    return path


def export(log: Path, *args: str) -> str:
    r = run_cli("audit", "export", str(log), *args)
    assert r.returncode == 0, r.stderr.decode()
    return r.stdout.decode()


@pytest.mark.parametrize(("locale", "expected"), [
    ("en", ["Audit log export", "Nov 24, 2026", "12,345", "1,234,567", "personal data",
            "violations at or above the threshold"]),
    ("de", ["Export des Prüfprotokolls", "24.11.2026, 02:30:00", "12.345", "1.234.567",
            "personenbezogene Daten: 1.500", "Verstöße ab dem Schwellenwert"]),
    ("zh", ["审计日志导出", "2026年11月24日", "12,345", "个人信息: 1,500", "记录数"]),
    ("ja", ["監査ログのエクスポート", "2026/11/24 2:30:00", "12,345", "個人情報", "レコード数"]),
    ("vi", ["Xuất nhật ký kiểm toán", "24 thg 11, 2026", "12.345", "dữ liệu cá nhân",
            "Số bản ghi"]),
])
def test_report_in_each_locale(log: Path, locale: str, expected: list[str]) -> None:
    text = export(log, "--locale", locale, "--tz", "Asia/Shanghai", "--from", "2026-11-24",
                  "--to", "2026-11-24")
    for s in expected:
        assert s in text, f"{locale}: {s!r} not in\n{text}"


def test_period_is_read_in_the_sites_time_zone(log: Path) -> None:
    day = ("--from", "2026-11-24", "--to", "2026-11-24", "--format", "jsonl")
    shanghai = export(log, *day, "--tz", "Asia/Shanghai").splitlines()
    utc = export(log, *day, "--tz", "UTC").splitlines()
    assert len(shanghai) == 1 and utc == []
    # JSON Lines are the entries as logged: each still verifies.
    assert shanghai[0] == log.read_text().splitlines()[0]
    assert audit.entry_hash(json.loads(shanghai[0])) == json.loads(shanghai[0])["hash"]
    assert len(export(log, "--format", "jsonl").splitlines()) == 2


def test_csv_has_localized_headers_and_one_row_per_scan(log: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(export(log, "--format", "csv", "--locale", "de",
                                                  "--tz", "Europe/Berlin"))))
    assert len(rows) == 2
    assert rows[0]["Eintrag"] == "1" and rows[0]["Datensätze"] == "12.345"
    assert rows[0]["Beginn"] == "23.11.2026, 19:30:00"
    assert rows[0]["Signiert mit Schlüssel"] == "nicht signiert"


def test_a_tampered_log_is_not_exported(log: Path) -> None:
    lines = log.read_text().splitlines()
    e = json.loads(lines[0])
    e["accounting"]["records"] = 1
    log.write_text(json.dumps(e) + "\n" + lines[1] + "\n")
    r = run_cli("audit", "export", str(log))
    assert r.returncode == 1 and r.stdout == b""
    assert b"not exported" in r.stderr and b"edited" in r.stderr


def test_an_unknown_time_zone_is_a_usage_error(log: Path) -> None:
    r = run_cli("audit", "export", str(log), "--tz", "Mars/Olympus")
    assert r.returncode == 2 and b"--tz" in r.stderr
