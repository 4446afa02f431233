"""The command line, run as a subprocess the way users and CI run it."""

from __future__ import annotations

import gzip

import orjson
import polars as pl

ACCOUNTING_KEYS = {"files", "bytes", "records", "unparseable", "binary_skipped",
                   "truncated_lines", "failed_files", "per_file"}
FINDING_COLUMNS = ["path", "line", "column", "byte_offset", "detector", "category", "field",
                   "evidence", "confidence", "reason", "destination", "dest_host",
                   "dest_country", "dest_source", "origin", "origin_country", "origin_source",
                   "dest_found", "dest_confidence", "origin_found", "verdict", "severity",
                   "rule", "exception", "fingerprint"]


def test_scan_sample_data_json(cli, sample_dir, tmp_path):
    out = tmp_path / "findings.json"
    r = cli("scan", str(sample_dir), "--format", "json", "--out", str(out))
    assert r.returncode == 0, r.stderr.decode()
    # The summary goes to stdout when the findings go to a file.
    text = r.stdout.decode()
    assert "Data categories" in text and "Accounting" in text and "Top detectors" in text
    doc = orjson.loads(out.read_bytes())
    assert {"findings", "summary", "accounting"} <= doc.keys()
    acc = doc["accounting"]
    assert acc.keys() >= ACCOUNTING_KEYS
    for f in acc["per_file"]:
        assert ACCOUNTING_KEYS - {"files", "per_file"} <= f.keys()
    assert acc["files"] >= 7 and acc["records"] > 500 and acc["failed_files"] == 0
    assert doc["findings"] and set(FINDING_COLUMNS) <= doc["findings"][0].keys()
    cats = {row["category"] for row in doc["summary"]}
    assert {"personal", "secret", "calibration", "sensor", "diagnostic"} <= cats
    # Every supported format was recognised in the samples.
    formats = {f["format"] for f in acc["per_file"]}
    assert {"jsonl", "csv", "tsv", "logfmt", "syslog", "text"} <= formats
    compressions = {f["compression"] for f in acc["per_file"]}
    assert {"gzip", "zstd"} <= compressions


def test_jsonl_parquet_and_table_agree(cli, sample_dir, tmp_path):
    r = cli("scan", str(sample_dir), "--format", "jsonl")
    assert r.returncode == 0, r.stderr.decode()
    lines = r.stdout.splitlines()
    rows = [orjson.loads(line) for line in lines]
    pq = tmp_path / "f.parquet"
    assert cli("scan", str(sample_dir), "--format", "parquet", "--out", str(pq)).returncode == 0
    df = pl.read_parquet(pq)
    assert df.columns == FINDING_COLUMNS
    assert df.height == len(rows)
    assert df["detector"].to_list() == [row["detector"] for row in rows]
    t = cli("scan", str(sample_dir))
    assert t.returncode == 0
    # Piped, the summary is never wrapped (test_first_hour.py); it still has its tables.
    assert "Data categories" in t.stdout.decode()


def test_stdin_and_compressed_stdin(cli):
    data = b'{"site":"DE-MUC-01","operator":{"email":"anna.schmidt@example.de"}}\n'
    for payload in (data, gzip.compress(data)):
        r = cli("scan", "-", "--format", "jsonl", input=payload)
        assert r.returncode == 0, r.stderr.decode()
        rows = [orjson.loads(x) for x in r.stdout.splitlines()]
        email = [x for x in rows if x["detector"] == "personal.email"]
        assert email[0]["path"] == "<stdin>"
        assert email[0]["field"] == "operator.email"
        assert email[0]["evidence"] == "a***@e***.de"
        assert email[0]["origin"] == "DE-MUC-01"
        assert b"anna.schmidt" not in r.stdout


def test_show_values_reveals_evidence(cli):
    data = b"contact anna.schmidt@example.de\n"
    masked = cli("scan", "-", "--format", "json", input=data)
    shown = cli("scan", "-", "--format", "json", "--show-values", input=data)
    assert b"anna.schmidt@example.de" not in masked.stdout
    assert b"anna.schmidt@example.de" in shown.stdout


def test_include_exclude_and_threads(cli, sample_dir):
    r = cli("scan", str(sample_dir), "--include", "*.jsonl", "--format", "json", "-j", "1")
    doc = orjson.loads(r.stdout)
    assert doc["accounting"]["files"] >= 1
    assert all(f["path"].endswith(".jsonl") for f in doc["accounting"]["per_file"])
    r2 = cli("scan", str(sample_dir), "--exclude", "*.jsonl", "--format", "json")
    doc2 = orjson.loads(r2.stdout)
    assert not any(f["path"].endswith(".jsonl") for f in doc2["accounting"]["per_file"])


def test_exit_codes(cli, tmp_path):
    good = tmp_path / "ok.log"
    good.write_text("nothing to see\n")
    missing = tmp_path / "missing.log"
    r = cli("scan", str(good), str(missing))
    assert r.returncode == 3
    assert str(missing) in r.stdout.decode() + r.stderr.decode()
    assert cli("scan", str(good), str(missing), "--keep-going").returncode == 0
    assert cli("scan", str(good), "--input-format", "yaml").returncode == 2
    assert cli("scan").returncode == 2
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"a": 1}\n{"a": \n')
    assert cli("scan", str(bad)).returncode == 0
    assert cli("scan", str(bad), "--strict").returncode == 3


def test_rules_list_and_check(cli):
    r = cli("rules", "list", "--format", "json")
    assert r.returncode == 0
    rules = orjson.loads(r.stdout)
    ids = {x["id"] for x in rules}
    for required in ("personal.email", "personal.cn_resident_id", "personal.jp_my_number",
                     "personal.kr_rrn", "personal.de_tax_id", "personal.vn_citizen_id",
                     "personal.iban", "personal.payment_card", "device_id.imei",
                     "device_id.mac", "network_id.ipv4", "network_id.ipv6",
                     "geolocation.gps_pair", "secret.aws_access_key", "secret.private_key",
                     "secret.jwt", "secret.bearer_token", "secret.api_key"):
        assert required in ids
    assert {x["category"] for x in rules} >= {"personal", "device_id", "network_id",
                                             "geolocation", "secret", "calibration", "sensor",
                                             "diagnostic", "operational", "quality", "model"}
    table = cli("rules", "list")
    assert b"personal.email" in table.stdout
    ok = cli("rules", "check")
    assert ok.returncode == 0, ok.stderr.decode()
    assert b"all behave" in ok.stdout


def test_rules_check_catches_a_misbehaving_rule(cli, tmp_path):
    pack = tmp_path / "pack.toml"
    pack.write_text('''
name = "local"
version = "1"
[[rule]]
id = "operational.batch_code"
category = "operational"
description = "Batch codes"
kind = "value"
pattern = '(?-u)\\bB-([0-9]{4})\\b'
group = 1
[rule.examples]
positive = ["batch B-1234 done", "batch B-99 done"]
negative = ["nothing here"]
''')
    r = cli("rules", "check", "--rules", str(pack))
    assert r.returncode == 1
    assert b"operational.batch_code" in r.stderr and b"B-99" in r.stderr


def test_broken_rule_pack_is_a_configuration_error(cli, tmp_path):
    pack = tmp_path / "broken.toml"
    pack.write_text('name = "x"\nversion = "1"\n[[rule]]\nid = "a.b"\ncategory = "a"\n'
                    'description = "d"\nkind = "value"\npattern = "(unclosed"\n')
    r = cli("scan", "-", "--rules", str(pack), input=b"x\n")
    assert r.returncode == 2
    assert b"a.b" in r.stderr and b"invalid pattern" in r.stderr
    pack.write_text('name = "x"\nversion = 1\n')
    r = cli("rules", "list", "--rules", str(pack))
    assert r.returncode == 2 and str(pack).encode() in r.stderr


def test_help_everywhere(cli):
    for args in (["--help"], ["scan", "--help"], ["rules", "--help"], ["rules", "list", "--help"],
                 ["rules", "check", "--help"]):
        r = cli(*args)
        assert r.returncode == 0 and b"Usage" in r.stdout




def test_stdin_accounting_counts_bytes_as_received(cli):
    data = b'{"email":"anna.schmidt@example.de"}\n' * 100
    packed = gzip.compress(data)
    r = cli("scan", "-", "--format", "json", input=packed)
    acc = orjson.loads(r.stdout)["accounting"]
    assert acc["bytes"] == len(packed)
    assert acc["decompressed_bytes"] == len(data)
    assert acc["per_file"][0]["compression"] == "gzip"
