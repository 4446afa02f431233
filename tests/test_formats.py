"""Every record format, detected from content, with field paths."""

from __future__ import annotations

import bz2
import gzip

import borderscan
import pytest

EMAIL = "anna.schmidt@example.de"

CASES = {
    "jsonl": (
        "t.log",
        f'{{"ts":"2026-11-02T10:00:00Z","site":"DE-MUC-01","operator":{{"email":"{EMAIL}"}},'
        '"endpoint":"https://s3.eu-central-1.amazonaws.com/b"}\n',
        "operator.email", "DE-MUC-01", "https://s3.eu-central-1.amazonaws.com/b",
    ),
    "csv": (
        "p.txt",
        f"ts,site,operator_email,dst_host\n1,DE-MUC-01,{EMAIL},maint.example.de\n",
        "operator_email", "DE-MUC-01", "maint.example.de",
    ),
    "tsv": (
        "p.dat",
        f"ts\tsite\toperator_email\tdst_host\n1\tDE-MUC-01\t{EMAIL}\tmaint.example.de\n",
        "operator_email", "DE-MUC-01", "maint.example.de",
    ),
    "logfmt": (
        "d.log",
        f'ts=2026-11-02T10:00:00Z level=info site=DE-MUC-01 user="{EMAIL}" dst=10.1.2.3\n'
        "ts=2026-11-02T10:00:01Z level=info site=DE-MUC-01 msg=ok\n",
        "user", "DE-MUC-01", "10.1.2.3",
    ),
    "syslog": (
        "gw.log",
        '<134>1 2026-11-02T10:11:12.003Z gw-01 shipper 4123 TLM [origin@32473 site="DE-MUC-01"'
        f' dst="47.96.1.2"] sent record of {EMAIL}\n',
        None, "DE-MUC-01", "47.96.1.2",
    ),
    "text": (
        "op.log",
        f"2026-11-02 10:00 operator {EMAIL} uploaded to https://maint.example.de/u\n",
        None, None, "https://maint.example.de/u",
    ),
}


@pytest.mark.parametrize("fmt", sorted(CASES))
def test_format_detected_and_fields_located(tmp_path, fmt):
    name, text, field, origin, dest = CASES[fmt]
    p = tmp_path / name
    p.write_text(text)
    res = borderscan.scan([p])
    assert res.accounting["per_file"][0]["format"] == fmt
    assert res.accounting["unparseable"] == 0
    hit = res.findings.filter(detector="personal.email").row(0, named=True)
    assert hit["field"] == field
    assert hit["origin"] == origin
    assert hit["destination"] == dest
    assert hit["line"] == (2 if fmt in ("csv", "tsv") else 1)
    assert hit["evidence"] == "a***@e***.de"


def test_syslog_3164(tmp_path):
    p = tmp_path / "legacy"
    p.write_text("<34>Nov  2 10:11:12 plc-7 maintd[311]: remote maintenance session for "
                 f"{EMAIL} from 203.0.113.7\n")
    res = borderscan.scan([p])
    assert res.accounting["per_file"][0]["format"] == "syslog"
    dets = set(res.findings["detector"])
    assert {"personal.email", "network_id.ipv4"} <= dets


def test_nested_json_paths_and_key_detectors(tmp_path):
    p = tmp_path / "c.jsonl"
    p.write_text('{"type":"calibration","calib":{"calibration_id":"C-1","intrinsics":'
                 '{"fx":1200.5,"fy":1199.1},"distortion":[0.1,0.01,0,0,0.001]}}\n')
    res = borderscan.scan([p])
    fields = dict(zip(res.findings["detector"], res.findings["field"], strict=True))
    assert res.findings["category"].unique().to_list() == ["calibration"]
    assert any(f and f.startswith("calib.intrinsics") for f in fields.values())


def test_input_format_override(tmp_path):
    p = tmp_path / "x.jsonl"
    p.write_text(f'{{"a": "{EMAIL}"}}\n')
    res = borderscan.scan([p], input_format="text")
    assert res.accounting["per_file"][0]["format"] == "text"
    assert res.findings.filter(detector="personal.email")["field"].to_list() == [None]


@pytest.mark.parametrize("compress", [gzip.compress, bz2.compress])
def test_compression_by_magic_not_name(tmp_path, compress):
    p = tmp_path / "innocent.log"  # no .gz suffix: detected from the bytes
    p.write_bytes(compress((f'{{"email":"{EMAIL}"}}\n').encode() * 3))
    res = borderscan.scan([p])
    assert res.accounting["per_file"][0]["format"] == "jsonl"
    assert res.findings.filter(detector="personal.email").height == 3
