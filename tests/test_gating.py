"""CI gating from a real subprocess: exit codes, SARIF that validates against
the official schema, baselines, explain and policy check."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from borderscan.writers import sarif
from conftest import write_jsonl

DATA = Path(__file__).parent / "data"
EMAIL = "anna.schmidt@example.de"
US = "https://s3.us-east-1.amazonaws.com/plant/"
DE = "https://s3.eu-central-1.amazonaws.com/plant/"


def rec(site: str, dest: str | None, **kw) -> dict:
    return {"site": site, **({"endpoint": dest} if dest else {}), **kw}


@pytest.fixture
def capture(tmp_path) -> Path:
    """Telemetry with one high (personal to US) and one medium (device to US)
    violation under eu-gdpr, and allowed flows."""
    return write_jsonl(tmp_path / "capture.jsonl", [
        rec("DE-MUC-01", DE, contact=EMAIL),
        rec("DE-MUC-01", US, contact=EMAIL),
        rec("DE-MUC-01", US, machine={"serial": "HAS-CR28848"}),
        rec("DE-MUC-01", DE, note="nothing"),
    ])


def test_exit_codes(cli, capture, tmp_path):
    base = ["scan", str(capture), "--preset", "eu-gdpr", "-q"]
    r = cli(*base)
    assert r.returncode == 0, r.stderr
    r = cli(*base, "--fail-on", "high")
    assert r.returncode == 1
    assert b"violation(s) at or above high (exit 1)" in r.stderr
    assert cli(*base, "--fail-on", "medium").returncode == 1
    assert cli(*base, "--fail-on", "critical").returncode == 0
    # Allowed and unknown findings never fail a build.
    ok = write_jsonl(tmp_path / "ok.jsonl", [rec("DE-MUC-01", DE, contact=EMAIL),
                                             rec("DE-MUC-01", None, contact=EMAIL)])
    assert cli("scan", str(ok), "--preset", "eu-gdpr", "--fail-on", "low", "-q").returncode == 0
    # 2: usage and configuration.
    bad_policy = tmp_path / "p.toml"
    bad_policy.write_text('name = "x"\nversion = "1"\ndescription = "d"\nsources = ["s"]\n'
                          '[[rule]]\nid = "r"\ndescription = "d"\ncategories = ["personal"]\n'
                          'allow = ["Germany"]\nseverity = "high"\n')
    r = cli("scan", str(capture), "--policy", str(bad_policy))
    assert r.returncode == 2
    assert f"{bad_policy}:9:10".encode() in r.stderr and b"Germany" in r.stderr
    for args in (["--preset", "nope"], ["--destination", "Germany"], ["--fail-on", "huge"],
                 ["--geoip", str(DATA / "maxmind" / "MaxMind-DB-test-broken-search-tree-24.mmdb")],
                 ["--preset", "eu-gdpr", "--policy", str(bad_policy)]):
        r = cli("scan", str(capture), *args)
        assert r.returncode == 2, (args, r.stderr)
    # 3: unreadable input, even with violations; --keep-going then gives 1.
    missing = str(tmp_path / "missing.jsonl")
    r = cli(*base, missing, "--fail-on", "high")
    assert r.returncode == 3
    assert b"(exit 1)" in r.stderr and b"(exit 3" in r.stderr
    assert cli(*base, missing, "--fail-on", "high", "--keep-going").returncode == 1


def test_sarif_validates_and_carries_the_verdicts(cli, capture, sample_dir, tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text())
    for target, preset in ((capture, "eu-gdpr"), (sample_dir, "cn-industrial-export")):
        out = tmp_path / "out.sarif"
        r = cli("scan", str(target), "--preset", preset, "--format", "sarif", "--out", str(out),
                "--fail-on", "high", "-q")
        assert r.returncode in (0, 1), r.stderr
        doc = json.loads(out.read_text())
        jsonschema.Draft4Validator(schema).validate(doc)
        run = doc["runs"][0]
        assert run["invocations"][0]["exitCode"] == r.returncode
        findings = json.loads(cli("scan", str(target), "--preset", preset, "--format",
                                  "json").stdout)["findings"]
        problems = [f for f in findings if f["verdict"] != "allowed"]
        # One result per problem (sarif.GROUP_KEY): its findings counted, the
        # first ones located, in input order.
        groups: dict[tuple, list[dict]] = {}
        for f in problems:
            groups.setdefault(tuple(f[k] for k in sarif.GROUP_KEY), []).append(f)
        expected = [[f["verdict"], f["rule"], f["detector"], f["category"], f["field"],
                     f["dest_host"], len(g),
                     [[x["line"], x["column"], x["fingerprint"]]
                      for x in g[:sarif.MAX_LOCATIONS]]]
                    for g in groups.values() for f in g[:1]]
        rules = [x["id"] for x in run["tool"]["driver"]["rules"]]
        written = []
        for res in run["results"]:
            assert res["ruleId"] == rules[res["ruleIndex"]]
            p = res["properties"]
            regions = [loc["physicalLocation"]["region"] for loc in res["locations"]]
            written.append([p["verdict"], res["ruleId"], p["detector"], p["category"],
                            p["field"], p["dest_host"], res["occurrenceCount"],
                            [[r["startLine"], r["startColumn"], fp] for r, fp in
                             zip(regions, p["finding_fingerprints"], strict=True)]])
        assert sorted(map(json.dumps, written)) == sorted(map(json.dumps, expected))
    # The capture: the personal-data violation is an error, the device one a warning.
    out = tmp_path / "c.sarif"
    cli("scan", str(capture), "--preset", "eu-gdpr", "--format", "sarif", "--out", str(out))
    levels = sorted(r["level"] for r in json.loads(out.read_text())["runs"][0]["results"])
    assert levels == ["error", "warning"]
    assert EMAIL not in out.read_text()


def test_baseline_reports_only_new_findings(cli, capture, tmp_path):
    bl = tmp_path / "baseline.json"
    r = cli("baseline", "create", str(capture), "--preset", "eu-gdpr", "--out", str(bl))
    assert r.returncode == 0, r.stderr
    doc = json.loads(bl.read_text())
    assert doc["version"] == 1 and doc["findings"]
    assert EMAIL not in bl.read_text()
    args = ["scan", str(capture), "--preset", "eu-gdpr", "--baseline", str(bl),
            "--fail-on", "low"]
    r = cli(*args, "--format", "json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["findings"] == []
    assert out["baseline"]["matched"] == len(doc["findings"])
    # Lines inserted above and a new violation: only the new one is reported.
    lines = capture.read_bytes().splitlines(keepends=True)
    new = orjson.dumps(rec("DE-MUC-01", US, contact="new.person@example.de")) + b"\n"
    capture.write_bytes(b'{"note": "inserted"}\n' * 5 + b"".join(lines[:2]) + new)
    r = cli(*args, "--format", "json")
    assert r.returncode == 1
    out = json.loads(r.stdout)
    assert {f["detector"] for f in out["findings"]} == {"personal.email"}
    assert all(f["line"] == 8 for f in out["findings"])
    # The device-id record was removed: its entry is listed as gone.
    gone = out["baseline"]["absent"]
    serial = [e for e in doc["findings"] if e["detector"] == "device_id.serial"]
    assert serial and {e["fingerprint"] for e in serial} <= set(gone)
    r = cli(*args)
    assert b"no longer found" in r.stdout and b"gone: " in r.stdout
    # A broken baseline is a configuration error.
    bl.write_text("{}")
    assert cli(*args).returncode == 2


def test_explain_record_fingerprint_and_destination(cli, capture):
    r = cli("explain", f"{capture}:2", "--preset", "eu-gdpr")
    assert r.returncode == 0, r.stderr
    text = r.stdout.decode()
    assert "personal.email (personal) -> VIOLATION [high]" in text
    assert "field: contact" in text and EMAIL not in text
    assert ("origin: DE-MUC-01 -> DE (Germany; @EEA, @EU, @JP_APPI_EQUIVALENT) "
            "(decided by site-prefix)") in text
    assert "cloud: aws region us-east-1 -> US" in text
    assert "rule: eu-personal-to-adequate-only" in text
    fp = next(line.split()[-1] for line in text.splitlines() if "fingerprint:" in line)
    r = cli("explain", fp, str(capture), "--preset", "eu-gdpr")
    assert r.returncode == 0 and f"fingerprint {fp}: 1 finding(s)" in r.stdout.decode()
    r = cli("explain", "https://telemetry.foo.co.jp/x")
    assert "=> JP (Japan; @EU_ADEQUACY), decided by tld" in r.stdout.decode()
    # The first line says so; the record's placement candidates follow.
    assert cli("explain", f"{capture}:4").stdout.decode().splitlines()[0].endswith(
        "no detector fired there, or the baseline holds it)")


def test_policy_check_explains_and_rejects(cli, tmp_path):
    for name in ("default", "cn-industrial-export", "eu-gdpr", "jp-appi", "vn-pdp"):
        p = tmp_path / f"{name}.toml"
        r = cli("policy", "show", name)
        assert r.returncode == 0
        p.write_bytes(r.stdout)
        r = cli("policy", "check", str(p))
        assert r.returncode == 0, r.stderr
        text = r.stdout.decode()
        assert text.count("Rule ") >= 1 and "ok, " in text
    p = tmp_path / "x.toml"
    p.write_text(cli("policy", "show", "eu-gdpr").stdout.decode()
                 + '\n[[exception]]\nrule = "eu-personal-to-adequate-only"\nowner = "o"\n'
                 'reason = "old SCCs"\nexpires = 2001-01-01\ndestinations = ["US"]\n')
    r = cli("policy", "check", str(p))
    assert r.returncode == 0 and b"EXPIRED on 2001-01-01" in r.stdout
    p.write_text(p.read_text().replace('severity = "high"', 'severity = "urgent"', 1))
    r = cli("policy", "check", str(p))
    assert r.returncode == 2 and f"{p}:".encode() in r.stderr and b"urgent" in r.stderr
    r = cli("policy", "schema")
    assert json.loads(r.stdout)["$schema"].startswith("https://json-schema.org/")


def test_pre_commit_hook_entries_run(cli, capture, tmp_path):
    """Each hook's entry, as pre-commit would call it with file names."""
    import re
    import shlex

    text = (Path(__file__).parent.parent / ".pre-commit-hooks.yaml").read_text()
    entries = re.findall(r"^  entry: (.+)$", text, flags=re.M)
    assert len(entries) == 2
    policy = tmp_path / "p.toml"
    policy.write_bytes(cli("policy", "show", "eu-gdpr").stdout)
    scan_args, check_args = shlex.split(entries[0])[1:], shlex.split(entries[1])[1:]
    # The built-in policy keeps data in its origin country: the capture's
    # personal data sent to the US is a high violation.
    assert cli(*scan_args, str(capture)).returncode == 1
    assert cli(*check_args, str(policy)).returncode == 0


def test_example_site_policy(cli, sample_dir):
    example = Path(__file__).parent.parent / "examples" / "site-policy.toml"
    r = cli("policy", "check", str(example))
    assert r.returncode == 0, r.stderr
    r = cli("scan", str(sample_dir), "--policy", str(example), "--format", "json")
    out = json.loads(r.stdout)
    assert out["residency"]["verdicts"]["exempted"]["hits"] > 0
    assert out["residency"]["dest_sources"].get("unresolved", 0) == 0
    assert set(out["residency"]["origin_sources"]) == {"policy", "none"}


def test_today_decides_exception_expiry_on_the_command_line(cli, capture, tmp_path):
    p = tmp_path / "p.toml"
    p.write_text(cli("policy", "show", "eu-gdpr").stdout.decode()
                 + '\n[[exception]]\nrule = "eu-personal-to-adequate-only"\nowner = "dpo"\n'
                 'reason = "SCCs"\nexpires = 2030-01-31\ndestinations = ["US"]\n')
    args = ["scan", str(capture), "--policy", str(p), "--fail-on", "high", "-q"]
    assert cli(*args, "--today", "2030-01-31").returncode == 0
    assert cli(*args, "--today", "2030-02-01").returncode == 1
    assert cli(*args, "--today", "soon").returncode == 2


def test_summary_names_the_exit_reason_on_one_line(cli, sample_dir) -> None:
    for extra, code, reason in (
        # No threshold: what was found, and that nothing gated it (never PASS).
        ([], 0, "not gated (no --fail-on); every input read (exit 0)"),
        (["--fail-on", "critical"], 1, "violation(s) at or above critical (exit 1)"),
    ):
        r = cli("scan", str(sample_dir), "--no-audit-log", *extra)
        assert r.returncode == code, r.stderr.decode()
        out = r.stdout.decode()
        # Piped, the summary is never wrapped: the reason is one line, last.
        assert out.splitlines()[-1].startswith("exit: ")
        assert reason in out.splitlines()[-1], out[-1500:]
