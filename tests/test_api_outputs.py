"""The Python API on its own: errors that name its parameters (the CLI
still says its flags), the failing findings, and the outputs the CLI writes
(SARIF, HTML, the audit entry) written from a `ScanResult`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import borderscan
import orjson
import pytest
from borderscan import _core, audit
from borderscan._polars import pl
from conftest import SAMPLE, run_cli, write_jsonl
from test_sarif import validate

CN = {"preset": "cn-industrial-export", "origin": "CN", "today": "2026-12-01"}
CN_FLAGS = ["--preset", "cn-industrial-export", "--origin", "CN", "--today", "2026-12-01"]


@pytest.fixture(scope="module")
def result() -> borderscan.ScanResult:
    return borderscan.scan([str(SAMPLE)], threads=2, **CN)


# --- errors name the API's parameters; the CLI says its flags -------------------

@pytest.mark.parametrize(("options", "message", "names"), [
    ({"preset": "nope"}, "preset: unknown preset 'nope' (presets: default, ", ("preset",)),
    ({"destination": "XX"}, "destination: 'XX' is not an ISO 3166-1 alpha-2 country code",
     ("destination",)),
    ({"origin": "XX"}, "origin: 'XX' is not an ISO 3166-1", ("origin",)),
    ({"max_line": 0}, "max_line: must be at least 1", ("max_line",)),
    ({"max_line": -5}, "max_line: must be at least 1", ("max_line",)),
    ({"threads": -1}, "threads: must be 0 or more", ("threads",)),
    ({"max_expansion": -1}, "max_expansion: must be 0 or more", ("max_expansion",)),
    ({"threads": 1 << 100}, "threads: 1267650600228229401496703205376 is too large",
     ("threads",)),
    ({"today": "2026-13-01"}, "today: '2026-13-01' is not a date", ("today",)),
    ({"input_format": "xml"}, "input_format: ", ("input_format",)),
    ({"min_confidence": "sure"}, "min_confidence: ", ("min_confidence",)),
    ({"findings": "some"}, "findings: ", ("findings",)),
    ({"csv_delimiter": "ab"}, "csv_delimiter: \"ab\" is not one character", ("csv_delimiter",)),
    ({"baseline": ["nothex"]}, "baseline: 'nothex' is not a fingerprint", ("baseline",)),
    ({"policy": "p.toml", "preset": "eu-gdpr"},
     "policy/preset: give a policy file or a preset, not both", ("policy", "preset")),
    ({"journal": "j", "baseline": []},
     "journal: cannot be combined with `baseline` (entries no longer found",
     ("journal", "baseline")),
    ({"journal": "j", "records": "r.parquet"},
     "records: cannot be combined with `journal` yet", ("records", "journal")),
])
def test_errors_name_the_parameter(options, message, names):
    with pytest.raises(borderscan.ConfigError) as caught:
        borderscan.scan([str(SAMPLE / "telemetry.jsonl")], **options)
    e = caught.value
    assert str(e).startswith(message), str(e)
    assert "--" not in str(e)
    assert (e.option, e.options) == (names[0], names)


def test_errors_found_while_scanning_name_the_parameter(tmp_path):
    with pytest.raises(borderscan.ConfigError, match=r"^include \[: ") as caught:
        borderscan.scan([str(SAMPLE)], include=["["])
    assert caught.value.option == "include"
    with pytest.raises(borderscan.ConfigError, match=r"^preset: unknown preset") as caught:
        borderscan.load_policy(preset="nope")
    assert caught.value.option == "preset"


def test_a_value_of_the_wrong_type_is_a_type_error_naming_the_parameter():
    with pytest.raises(TypeError, match=r"^threads: ") as caught:
        borderscan.scan([str(SAMPLE)], threads="2")  # type: ignore[typeddict-item]
    assert not isinstance(caught.value, borderscan.ConfigError)


def test_errors_about_a_file_name_no_parameter(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[[rules]\n")
    with pytest.raises(borderscan.ConfigError) as caught:
        borderscan.scan([str(SAMPLE)], policy=bad)
    assert str(caught.value).startswith(str(bad))
    assert (caught.value.option, caught.value.options) == (None, ())
    # Raised from Python, a ConfigError has the same attributes.
    e = borderscan.ConfigError("x")
    assert (e.option, e.options) == (None, ())


@pytest.mark.parametrize(("args", "line"), [
    (["--preset", "nope"], "--preset: unknown preset 'nope' (presets: default, "),
    (["--destination", "XX"], "--destination: 'XX' is not an ISO 3166-1 alpha-2"),
    (["--policy", "p.toml", "--preset", "eu-gdpr"],
     "--policy/--preset: give a policy file or a preset, not both"),
    (["--journal", "j", "--baseline", "b.json"], None),
    (["--include", "["], "--include [: "),
])
def test_the_cli_still_says_its_flags(tmp_path, args, line):
    if "--baseline" in args:
        (tmp_path / "b.json").write_bytes(orjson.dumps({"version": 1, "findings": []}))
        line = ("--journal: cannot be combined with --baseline (entries no longer found are "
                "worked out from every file's accepted findings)")
    done = run_cli("scan", str(SAMPLE / "telemetry.jsonl"), *args, "--no-audit-log",
                   cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.decode().startswith(f"borderscan: configuration error: {line}")


# --- the failing findings ------------------------------------------------------

def test_failing_is_the_failing_findings(result):
    assert result.failing_count("low") > result.failing_count("critical") > 0
    for severity in _core.SEVERITIES:
        rows = result.failing(severity)
        assert isinstance(rows, pl.DataFrame)
        assert rows.columns == result.findings.columns
        assert len(rows) == result.failing_count(severity)
        assert set(rows["verdict"]) == {"violation"}
        floor = _core.SEVERITIES.index(severity)
        assert {_core.SEVERITIES.index(s) for s in rows["severity"]} <= set(
            range(floor, len(_core.SEVERITIES)))
    expected = result.findings.filter(
        (pl.col("verdict") == "violation") & pl.col("severity").is_in(["high", "critical"]))
    assert result.failing("high").equals(expected)


def test_failing_with_nothing_failing_is_an_empty_frame(tmp_path):
    f = write_jsonl(tmp_path / "ok.jsonl", [{"msg": "nothing here"}])
    r = borderscan.scan(f)
    assert r.failing_count("low") == 0
    assert r.failing("low").is_empty() and r.failing("low").columns == r.findings.columns


def test_failing_counts_what_the_findings_option_left_out():
    r = borderscan.scan([str(SAMPLE)], findings="violations", **CN)
    assert len(r.failing("low")) == r.failing_count("low")


@pytest.mark.parametrize("method", ["failing", "failing_count"])
def test_an_unknown_severity_names_the_severities(result, method):
    with pytest.raises(ValueError, match=r"unknown severity 'severe' \(severities: low, "
                                         r"medium, high, critical\)"):
        getattr(result, method)("severe")


# --- SARIF ---------------------------------------------------------------------

def _without_times(log: dict) -> dict:
    for inv in log["runs"][0].get("invocations", []):
        for key in ("startTimeUtc", "endTimeUtc", "commandLine"):
            inv.pop(key, None)
    return log


@pytest.mark.parametrize("fail_on", [None, "high"])
def test_sarif_from_python_is_what_the_cli_writes(result, tmp_path, fail_on):
    api_log = tmp_path / "api.sarif"
    gate = [] if fail_on is None else ["--fail-on", fail_on]
    counts = result.to_sarif(api_log, fail_on=fail_on)
    cli_log = tmp_path / "cli.sarif"
    done = run_cli("scan", str(SAMPLE), "-j", "2", *CN_FLAGS, *gate, "--format", "sarif",
                   "-o", str(cli_log), "--no-audit-log", cwd=Path(os.getcwd()))
    assert done.returncode == (0 if fail_on is None else 1), done.stderr
    ours, theirs = json.loads(api_log.read_bytes()), json.loads(cli_log.read_bytes())
    validate(ours)
    assert counts["results"] == len(ours["runs"][0]["results"]) > 0
    invocation = ours["runs"][0]["invocations"][0]
    assert invocation["exitCode"] == result.exit_code(fail_on)[0] == done.returncode
    assert _without_times(ours) == _without_times(theirs)


def test_sarif_findings_and_max_results(result, tmp_path):
    every = result.to_sarif(tmp_path / "all.sarif", findings="all", max_results=None)
    assert every["allowed"] > 0 and every["omitted_results"] == 0
    kinds = {r["kind"] for r in json.loads((tmp_path / "all.sarif").read_bytes())
             ["runs"][0]["results"]}
    assert "pass" in kinds
    cut = result.to_sarif(tmp_path / "cut.sarif", findings="violations", max_results=1)
    log = json.loads((tmp_path / "cut.sarif").read_bytes())
    validate(log)
    assert cut["results"] == 1 and cut["omitted_results"] > 0
    assert {r["properties"]["verdict"] for r in log["runs"][0]["results"]} == {"violation"}
    with pytest.raises(ValueError, match="findings: unknown selection 'some'"):
        result.to_sarif(tmp_path / "x.sarif", findings="some")  # type: ignore[arg-type]


# --- HTML ----------------------------------------------------------------------

def test_html_from_python_has_the_banner(result, tmp_path):
    page = tmp_path / "report.html"
    result.to_html(page, fail_on="high")
    text = page.read_text("utf-8")
    code, reasons = result.exit_code("high")
    assert code == 1
    assert '<div class="verdict fail" id="verdict"><strong>FAIL</strong> &middot; exit code 1' \
        in text
    assert reasons[0] in text  # "... violation(s) at or above high (exit 1)"
    assert "cn-industrial-export" in text  # the policy it names

    result.to_html(page, locale="de")
    text = page.read_text("utf-8")
    assert 'lang="de"' in text and "exit code 0" not in text
    assert 'class="verdict ungated"' in text and "not gated (no --fail-on)" in text


@pytest.mark.parametrize("fail_on", [None, "critical"])
def test_html_banner_is_the_clis(result, tmp_path, fail_on):
    ours, theirs = tmp_path / "api.html", tmp_path / "cli.html"
    result.to_html(ours, fail_on=fail_on)
    gate = [] if fail_on is None else ["--fail-on", fail_on]
    done = run_cli("scan", str(SAMPLE), "-j", "2", *CN_FLAGS, *gate,
                   "--format", "html", "-o", str(theirs), "--no-audit-log",
                   cwd=Path(os.getcwd()))
    assert done.returncode == (0 if fail_on is None else 1), done.stderr

    def banner(p: Path) -> str:
        text = p.read_text("utf-8")
        start = text.index('<div class="verdict')
        return text[start:text.index("</div>", start)]

    assert banner(ours) == banner(theirs)


# --- the audit entry -----------------------------------------------------------

def test_audit_entry_from_python_verifies(result, tmp_path):
    log = tmp_path / "audit.jsonl"
    first = result.append_audit(log, fail_on="high")
    assert first["seq"] == 1
    assert first["verdict"]["exit_code"] == 1 and first["verdict"]["fail_on"] == "high"
    assert first["verdict"]["violations"] == result.failing_count("low")
    assert first["command"][:2] == ["borderscan.scan", str(SAMPLE)]
    assert first["policy"]["name"] == "cn-industrial-export"
    assert {i["path"] for i in first["inputs"]} == {
        f["path"] for f in result.accounting["per_file"]}
    assert all(i["sha256"] for i in first["inputs"] if "error" not in i)
    # The CLI chains its own entries after it, and the same module function
    # appends one too.
    done = run_cli("scan", str(SAMPLE / "telemetry.jsonl"), "--audit-log", str(log), "-q")
    assert done.returncode in (0, 1), done.stderr
    third = audit.append_scan(result, log)
    assert third["seq"] == 3 and third["verdict"]["exit_code"] == 0
    done = run_cli("audit", "verify", str(log))
    assert done.returncode == 0, done.stdout + done.stderr
    entries = [json.loads(line) for line in log.read_text("utf-8").splitlines()]
    assert [e["seq"] for e in entries] == [1, 2, 3]
    assert set(entries[0]) == set(entries[1])  # the CLI's entry has the same keys


def test_signed_audit_entry_from_python_verifies(result, tmp_path):
    priv, pub = tmp_path / "k.pem", tmp_path / "k.pub.pem"
    audit.keygen(priv, pub)
    log = tmp_path / "audit.jsonl"
    entry = result.append_audit(log, key=priv)
    assert entry["signature"] and entry["key_id"]
    done = run_cli("audit", "verify", str(log), "--public-key", str(pub))
    assert done.returncode == 0, done.stdout + done.stderr
