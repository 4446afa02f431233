"""OpenTelemetry logs in OTLP/JSON, as the collector's file exporter writes
them (one ExportLogsServiceRequest per line): each log record a record,
resource and record attributes as field paths, placement from the
semantic-convention attributes, the accounting balanced although a line
holds many records, and malformed lines counted, never fatal."""

from __future__ import annotations

import gzip
import shutil
import subprocess
from pathlib import Path

import borderscan
import orjson
import polars as pl
import pytest
from borderscan import _core
from conftest import assert_balanced

EXPORT = Path(__file__).parent / "data" / "otlp" / "collector-export.json"
LINES = EXPORT.read_bytes().splitlines()


def scan_doc(cli, *args: str) -> dict:
    r = cli("scan", *args, "--format", "json", "--show-values", "--no-audit-log", "--quiet")
    assert r.returncode in (0, 1), r.stderr.decode()
    return orjson.loads(r.stdout)


def emails(doc: dict) -> list[tuple[int, str | None, str]]:
    hits = [(f["line"], f["field"], f["evidence"]) for f in doc["findings"]
            if f["detector"] == "personal.email"]
    return sorted(hits, key=lambda h: (h[0], h[1] or "", h[2]))


def test_cli_scan_of_a_collector_export(cli):
    doc = scan_doc(cli, str(EXPORT))
    acc = doc["accounting"]
    assert_balanced(acc)
    f = acc["per_file"][0]
    assert f["format"] == "otlp"
    # Two lines, four log records: two beyond the first of their line.
    assert (f["lines"], f["records"], f["extra_records"], f["parsed"]) == (2, 4, 2, 4)
    assert f["unparseable"] == 0
    # Record attributes, a kvlist body and an array attribute as field
    # paths; a string body is the record's free text (no field).
    assert emails(doc) == [
        (1, None, "anna.schmidt@example.de"),
        (1, "body.customer.email", "li.wei@example.cn"),
        (2, None, "max.mustermann@example.de"),
        (2, "attributes.recipients", "ops@example.de"),
        (2, "attributes.recipients", "qa@example.de"),
    ]
    fields = {(f["field"], f["category"]) for f in doc["findings"]}
    assert ("body.customer.phone", "personal") in fields
    assert ("severity_text", "diagnostic") in fields
    assert "personal" in {row["category"] for row in doc["summary"]}


def test_destinations_and_origins_from_the_attributes(cli, tmp_path):
    out = tmp_path / "records.parquet"
    r = cli("scan", str(EXPORT), "--records", str(out), "--show-values", "--no-audit-log",
            "--quiet", "--format", "json")
    assert r.returncode in (0, 1), r.stderr.decode()
    recs = pl.read_parquet(out).sort("byte_offset")
    assert recs.height == 4
    got = [(r["line"], r["dest_host"], r["dest_country"], r["dest_found"], r["origin"],
            r["origin_country"], r["origin_source"], r["origin_found"])
           for r in recs.iter_rows(named=True)]
    assert got == [
        # url.full; the resource's cloud.region, placed by the region table
        (1, "api.payments.example.cn", "CN", "vocabulary", "eu-central-1", "DE", "cloud",
         "vocabulary"),
        # server.address
        (1, "api.payments.example.cn", "CN", "vocabulary", "eu-central-1", "DE", "cloud",
         "vocabulary"),
        # http.url (a configured field by its leaf name, `url`); the site
        # code in the resource's host.name
        (2, "ingest.example.jp", "JP", "field", "de-muc-01", "DE", "site-prefix", "hostname"),
        # net.peer.name
        (2, "collector.example.jp", "JP", "vocabulary", "de-muc-01", "DE", "site-prefix",
         "hostname"),
    ]
    # Each record's byte offset is where its `{` is in the file.
    data = EXPORT.read_bytes()
    for off in recs["byte_offset"]:
        assert data[off:off + 1] == b"{"
        assert data[off:off + 20].startswith(b'{"timeUnixNano"')
    # Findings carry their record's offset: records of one line are told apart.
    doc = orjson.loads(r.stdout)
    line1 = {f["byte_offset"] for f in doc["findings"] if f["line"] == 1}
    assert line1 == set(recs.filter(pl.col("line") == 1)["byte_offset"])


def test_findings_point_into_the_line(cli):
    doc = scan_doc(cli, str(EXPORT))
    for f in doc["findings"]:
        if f["evidence"] and f["detector"] == "personal.email":
            line = LINES[f["line"] - 1].decode()
            assert line[f["column"] - 1:].startswith(f["evidence"]), f


@pytest.mark.parametrize("compress", ["gzip", "zstd"])
def test_compressed_exports(cli, tmp_path, compress):
    if compress == "gzip":
        p = tmp_path / "logs.json.gz"
        p.write_bytes(gzip.compress(EXPORT.read_bytes()))
    else:
        if not shutil.which("zstd"):
            pytest.skip("no zstd command")
        p = tmp_path / "logs.json.zst"
        subprocess.run(["zstd", "-q", "-o", str(p), str(EXPORT)], check=True)
    doc = scan_doc(cli, str(p))
    f = doc["accounting"]["per_file"][0]
    assert (f["format"], f["compression"], f["records"]) == ("otlp", compress, 4)
    assert_balanced(doc["accounting"])
    assert emails(doc) == emails(scan_doc(cli, str(EXPORT)))


def without_ranges(acc: dict) -> dict:
    """The accounting but the number of ranges a file was cut into (which
    follows the thread count)."""
    return {**acc, "per_file": [{k: v for k, v in f.items() if k != "ranges"}
                                for f in acc["per_file"]]}


def test_same_results_with_one_or_two_threads(tmp_path):
    # Big enough to be cut into ranges (plain) and chunks (compressed).
    data = b"\n".join(LINES * 1500) + b"\n"
    plain = tmp_path / "big.json"
    plain.write_bytes(data)
    packed = tmp_path / "big.json.gz"
    packed.write_bytes(gzip.compress(data))
    for p in (plain, packed):
        one = borderscan.scan([p], threads=1)
        two = borderscan.scan([p], threads=2, split_size=256 * 1024)
        if p == plain:
            assert two.accounting["per_file"][0]["ranges"] > 4
        assert one.findings.equals(two.findings)
        assert without_ranges(one.accounting) == without_ranges(two.accounting)
        assert one.accounting["records"] == 6000 and one.accounting["extra_records"] == 3000
        assert_balanced(one.accounting)


def test_malformed_lines_are_counted_and_scanned(tmp_path):
    good = LINES[0].decode()
    bad = [
        '{"resourceLogs": []} trailing anna@example.org',
        '{"resourceLogs": [{"scopeLogs": [{"logRecords": [{"body": {"stringValue": '
        '"x@example.org"}}',
        '{"something": "else", "mail": "bert@example.org"}',
        '{"resourceLogs": [{"scopeLogs": [{"logRecords": "not a list"}]}]}',
        '{"resourceLogs": [{"resource": {"attributes": [{"key": "k", "value": "v"}]}}]}',
        '{"resourceLogs": [{"x": ' + "[" * 10_000,
        good[:300],
    ]
    p = tmp_path / "mixed.json"
    p.write_text("\n".join([good, *bad, good]) + "\n")
    res = borderscan.scan([p], input_format="otlp")
    acc = res.accounting
    assert_balanced(acc)
    f = acc["per_file"][0]
    assert f["lines"] == 9 and f["unparseable"] == 7
    assert f["records"] == 2 + 7 + 2 and f["extra_records"] == 2
    reasons = {k: v["count"] for k, v in f["unparseable_reasons"].items()}
    assert reasons == {"invalid_json": 1, "invalid_otlp": 3, "truncated_json": 2,
                       "json_too_deep": 1}
    where = f["unparseable_reasons"]["invalid_otlp"]["first"]
    assert [w["line"] for w in where] == [4, 5, 6]
    # A malformed line is scanned as text: nothing in it is lost.
    hits = res.findings.filter(detector="personal.email")
    for line in (2, 3, 4):
        assert hits.filter(pl.col("line") == line)["field"].to_list() == [None]
    # The good lines after the bad ones parsed whole.
    assert hits.filter(pl.col("line") == 9)["field"].to_list() == \
        hits.filter(pl.col("line") == 1)["field"].to_list()


def test_cut_line_is_counted(tmp_path):
    p = tmp_path / "cut.json"
    p.write_bytes(EXPORT.read_bytes())
    # An OTLP line is cut at the larger of the two limits.
    assert borderscan.scan([p], max_line=200).accounting["truncated_lines"] == 0
    res = borderscan.scan([p], max_line=200, max_otlp_line=200)
    f = res.accounting["per_file"][0]
    assert f["format"] == "otlp"
    assert f["truncated_lines"] == 2 and f["unparseable_reasons"]["truncated_json"]["count"] == 2
    assert_balanced(res.accounting)


@pytest.mark.parametrize("name", ["batch.json", "batch.json.gz"])
def test_a_batch_over_a_mebibyte_is_one_line_read_whole(cli, tmp_path, name):
    # The file exporter writes a whole batch on one line: thousands of log
    # records, megabytes, well past the 1 MiB limit for other lines.
    request = orjson.loads(LINES[0])
    scope = request["resourceLogs"][0]["scopeLogs"][0]
    scope["logRecords"] = [
        {**rec, "attributes": [*rec.get("attributes", []),
                               {"key": "seq", "value": {"intValue": str(i)}}]}
        for i in range(3000) for rec in scope["logRecords"]]
    n = len(scope["logRecords"])
    line = orjson.dumps(request)
    assert len(line) > 1 << 20
    data = (line + b"\n") * 2
    p = tmp_path / name
    p.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    doc = scan_doc(cli, str(p))
    f = doc["accounting"]["per_file"][0]
    assert (f["format"], f["lines"], f["records"], f["truncated_lines"]) == ("otlp", 2, 2 * n, 0)
    assert f["unparseable"] == 0
    assert_balanced(doc["accounting"])
    # Every log record of both lines parsed: the fields of the small
    # export's first line, found thousands of times on each line.
    hits = emails(doc)
    assert {h[1] for h in hits} == {h[1] for h in emails(scan_doc(cli, str(EXPORT)))
                                    if h[0] == 1}
    assert len([h for h in hits if h[0] == 1]) == len([h for h in hits if h[0] == 2]) >= 3000
    # The limit is an option: past it the line is cut and counted.
    doc = scan_doc(cli, str(p), "--max-otlp-line-bytes", str(1 << 20))
    f = doc["accounting"]["per_file"][0]
    assert f["truncated_lines"] == 2 and f["unparseable_reasons"]["truncated_json"]["count"] == 2


def test_input_format_choice_comes_from_the_engine(cli, tmp_path):
    assert "otlp" in _core.INPUT_FORMATS
    p = tmp_path / "export.jsonl"
    p.write_bytes(EXPORT.read_bytes())
    doc = scan_doc(cli, str(p), "--input-format", "otlp")
    assert doc["accounting"]["per_file"][0]["format"] == "otlp"
    r = cli("scan", "--help")
    assert b"otlp" in r.stdout
    r = cli("scan", str(p), "--input-format", "otel-json", "--no-audit-log")
    assert r.returncode == 2
