"""Where a record goes and comes from, found wherever the record says it:
precedence, coverage figures, --require-destination, explain and the
vocabulary's own examples, through the command line users run."""

from __future__ import annotations

import json
import re

import orjson
from borderscan import api

# Each record carries an e-mail address so that it yields a finding, and
# with it the record's placement.
FEED = [
    # configured field first, even beside a vocabulary field and a phrase
    {"endpoint": "https://a.example.de/in", "ziel": "https://b.example.cn/in",
     "msg": "upload to https://c.example.jp/x", "site": "VN-HAN-02", "op": "anna@example.org"},
    # a vocabulary field, nested, and an origin inside a longer value
    {"werk": "Werk Stuttgart (DE-STR-01)", "uplink": {"broker": "mqtts://iot.example.fr:8883"},
     "op": "bert@example.org"},
    # a sending phrase in prose
    {"送信先メモ": "none", "message": "retry: POST https://s3.eu-central-1.amazonaws.com/b ok",
     "op": "chen@example.org"},
    # two endpoint values, no name and no phrase: both candidates
    {"x1": "kafka://k1.example.cn:9092", "x2": "mqtts://m.example.de:8883",
     "op": "dora@example.org"},
    # decoys only: nothing is the destination
    {"help_url": "https://docs.example.com/kb/1", "error": "connection to db.example.de:5432 "
     "refused", "op": "emil@example.org"},
]


def write_feed(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in FEED) + "\n",
                    encoding="utf-8")
    return path


def by_line(doc):
    rows = {}
    for f in doc["findings"]:
        rows.setdefault(f["line"], f)
    return rows


def scan_json(cli, *args):
    r = cli("scan", *args, "--format", "json", "--show-values", "--no-audit-log", "--quiet")
    assert r.returncode in (0, 1), r.stderr.decode()
    return orjson.loads(r.stdout)


def test_precedence_and_what_each_finding_says(cli, tmp_path):
    doc = scan_json(cli, str(write_feed(tmp_path)), "--preset", "cn-industrial-export")
    rows = by_line(doc)
    got = {n: (r["destination"], r["dest_found"], r["dest_confidence"], r["origin"],
               r["origin_found"]) for n, r in rows.items()}
    assert got[1] == ("https://a.example.de/in", "field", "high", "VN-HAN-02", "field")
    assert got[2] == ("mqtts://iot.example.fr:8883", "vocabulary", "high", "DE-STR-01",
                      "vocabulary")
    assert got[3][:3] == ("https://s3.eu-central-1.amazonaws.com/b", "text", "medium")
    assert rows[3]["dest_country"] == "DE"
    assert got[4][1:3] == ("discovered", "low")
    assert got[5][:3] == (None, "none", "none")
    coverage = doc["residency"]["coverage"]
    assert coverage["records"] == 5
    assert coverage["destination"]["by_step"] == {"field": 1, "vocabulary": 1, "text": 1,
                                                  "discovered": 1, "none": 1}
    assert coverage["destination"]["found"] == 4
    assert coverage["destination"]["found_share"] == 0.8
    acc = doc["accounting"]
    assert sum(acc["dest_found"].values()) == acc["records"] == 5
    assert sum(acc["origin_found"].values()) == 5
    assert acc["no_destination"]["count"] == 1
    assert acc["no_destination"]["first"][0]["line"] == 5


def test_several_candidates_take_the_most_restrictive_verdict(cli, tmp_path):
    # Under cn-industrial-export personal data from CN may not leave China:
    # one candidate in CN (allowed), one in DE (a violation). Either order
    # of the fields, the violation wins.
    for first, second in (("k1.example.cn:9092", "m.example.de:8883"),
                          ("m.example.de:8883", "k1.example.cn:9092")):
        path = tmp_path / "two.jsonl"
        path.write_text(json.dumps({"a": f"kafka://{first}", "b": f"kafka://{second}",
                                    "site": "CN-SZ-02", "op": "anna@example.org"}) + "\n")
        doc = scan_json(cli, str(path), "--preset", "cn-industrial-export")
        f = next(f for f in doc["findings"] if f["category"] == "personal")
        assert f["verdict"] == "violation", f
        assert f["dest_country"] == "DE" and f["dest_found"] == "discovered"


def test_configured_fields_keep_their_destinations_in_sample_data(cli, sample_dir):
    """Where a configured field exists, the destination is that field's value,
    exactly as before the vocabulary and discovery existed."""
    doc = scan_json(cli, str(sample_dir / "telemetry.jsonl"), str(sample_dir / "process.csv"))
    lines = (sample_dir / "telemetry.jsonl").read_text(encoding="utf-8").splitlines()
    checked = 0
    for f in doc["findings"]:
        if not f["path"].endswith("telemetry.jsonl"):
            continue
        rec = json.loads(lines[f["line"] - 1])
        want = rec.get("endpoint") or rec.get("upload_url")
        if want:
            assert (f["destination"], f["dest_found"]) == (want, "field"), f
            checked += 1
    assert checked > 300
    csv_rows = [f for f in doc["findings"] if f["path"].endswith("process.csv")]
    assert csv_rows and all(f["dest_found"] == "field" for f in csv_rows if f["destination"])
    # Syslog structured data (`[origin@32473 site=... dst=...]`, an SD element
    # named like an origin) and logfmt `dst=`: the configured field still wins.
    for name, pattern in (("gateway.syslog", r' dst="([^"]+)"'),
                          ("diagnostics.logfmt", r"(?:^| )dst=(\S+)")):
        doc = scan_json(cli, str(sample_dir / name))
        lines = (sample_dir / name).read_text(encoding="utf-8").splitlines()
        checked = 0
        for f in doc["findings"]:
            m = re.search(pattern, lines[f["line"] - 1])
            if m:
                assert (f["destination"], f["dest_found"]) == (m[1], "field"), f
                checked += 1
        assert checked > 50, name


def test_require_destination_exits_3_and_names_the_file(cli, tmp_path):
    feed = write_feed(tmp_path)
    r = cli("scan", str(feed), "--require-destination", "--no-audit-log")
    assert r.returncode == 3, r.stdout.decode() + r.stderr.decode()
    said = r.stdout.decode() + r.stderr.decode()
    assert "1 record(s) name no destination" in said and "feed.jsonl" in said
    assert "feed.jsonl:5" in said
    # Without the option the same scan passes; --destination satisfies it.
    assert cli("scan", str(feed), "--no-audit-log", "--quiet").returncode == 0
    r = cli("scan", str(feed), "--require-destination", "--destination", "DE",
            "--no-audit-log", "--quiet")
    assert r.returncode == 0, r.stderr.decode()


def test_coverage_in_the_summary_html_and_audit_entry(cli, tmp_path):
    feed = write_feed(tmp_path)
    r = cli("scan", str(feed), "--no-audit-log")
    assert "Records with a destination: 4 of 5 (80.0%)" in r.stdout.decode()
    html = tmp_path / "r.html"
    cli("scan", str(feed), "--format", "html", "--out", str(html), "--no-audit-log")
    page = html.read_text(encoding="utf-8")
    assert "How much could be placed" in page and "80.0%" in page
    log = tmp_path / "audit.jsonl"
    cli("scan", str(feed), "--audit-log", str(log), "--quiet")
    entry = json.loads(log.read_text().splitlines()[-1])
    assert entry["summary"]["coverage"]["destination"]["found"] == 4
    assert entry["accounting"]["dest_found"]["none"] == 1


def test_explain_lists_the_candidates(cli, tmp_path):
    feed = write_feed(tmp_path)
    out = cli("explain", f"{feed}:1").stdout.decode()
    assert "destination [field] endpoint = https://a.example.de/in: TAKEN" in out
    assert "destination [vocabulary] ziel = https://b.example.cn/in: not taken" in out
    assert "destination [text] msg = https://c.example.jp/x: not taken" in out
    out = cli("explain", f"{feed}:5").stdout.decode()
    assert "TAKEN" not in out.split("placement candidates")[1]
    assert "a value that is an endpoint" not in out


def test_rules_check_runs_the_placement_examples(cli):
    r = cli("rules", "check")
    assert r.returncode == 0, r.stderr.decode()
    assert "placement vocabulary" in r.stdout.decode()
    checked = api.check_placement()
    assert checked["failures"] == [] and checked["examples"] > 80


def test_csv_delimiters_sniffed_and_forced(cli, tmp_path):
    rows = ["Zeitstempel|Werk|Anlage|Ziel|Meldung",
            "2026-11-02 10:00|DE-MUC-01|MC-7|https://daten.example.de/up|an anna@example.org"]
    path = tmp_path / "export.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    doc = scan_json(cli, str(path))
    f = doc["findings"][0]
    assert f["field"] == "Meldung" and f["destination"] == "https://daten.example.de/up"
    assert doc["accounting"]["unparseable"] == 0
    # Forced to `;`, the same file is one column per row.
    doc = scan_json(cli, str(path), "--csv-delimiter", ";")
    assert doc["findings"][0]["field"] != "Meldung"
    r = cli("scan", str(path), "--csv-delimiter", "x", "--no-audit-log")
    assert r.returncode == 2 and "--csv-delimiter" in r.stderr.decode()


def test_placement_is_deterministic_across_threads_and_split_files(tmp_path):
    """The same placement and the same coverage counts whatever the thread
    count and however files are split into ranges; the identities hold."""
    big = tmp_path / "big.jsonl"
    big.write_text("\n".join(json.dumps(FEED[i % len(FEED)], ensure_ascii=False)
                             for i in range(3000)) + "\n", encoding="utf-8")
    cols = ["line", "destination", "dest_found", "dest_confidence", "dest_country", "origin",
            "origin_found", "origin_country", "verdict"]
    one = api.scan([big], threads=1, preset="cn-industrial-export")
    two = api.scan([big], threads=2, split_size=1 << 14, preset="cn-industrial-export")
    assert two.accounting["per_file"][0]["ranges"] > 1
    assert one.findings.select(cols).equals(two.findings.select(cols))
    for key in ("dest_found", "origin_found", "no_destination"):
        assert one.accounting[key] == two.accounting[key], key
    acc = two.accounting
    assert sum(acc["dest_found"].values()) == acc["records"] == 3000
    assert acc["no_destination"]["count"] == 600
    # The first records without a destination, in input order across ranges.
    assert [loc["line"] for loc in acc["no_destination"]["first"]] == [5, 10, 15, 20, 25]


def test_require_destination_in_sarif_notifications(cli, tmp_path):
    """A code-scanning upload says why the run failed, as the terminal does."""
    feed = write_feed(tmp_path)
    out = tmp_path / "r.sarif"
    r = cli("scan", str(feed), "--format", "sarif", "--out", str(out), "--require-destination",
            "--no-audit-log")
    assert r.returncode == 3
    run = json.loads(out.read_text())["runs"][0]
    inv = run["invocations"][0]
    assert inv["executionSuccessful"] is False
    notes = [n["message"]["text"] for n in inv["toolExecutionNotifications"]]
    assert any("name no destination" in n and "feed.jsonl" in n for n in notes), notes
