"""The SARIF 2.1.0 writer: schema-valid, and the semantics code-scanning UIs rely on."""

from __future__ import annotations

import io
import json
import re
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import orjson
import polars as pl
import pytest
from borderscan.writers import sarif
from conftest import SAMPLE, run_cli, write_jsonl

SCHEMA_PATH = Path(__file__).resolve().parent / "data" / "sarif-schema-2.1.0.json"

SCHEMA = {
    "path": pl.String,
    "line": pl.UInt64,
    "column": pl.UInt64,
    "byte_offset": pl.UInt64,
    "detector": pl.String,
    "category": pl.String,
    "field": pl.String,
    "evidence": pl.String,
    "confidence": pl.String,
    "reason": pl.String,
    "destination": pl.String,
    "dest_host": pl.String,
    "dest_country": pl.String,
    "dest_source": pl.String,
    "origin": pl.String,
    "origin_country": pl.String,
    "origin_source": pl.String,
    "dest_found": pl.String,
    "dest_confidence": pl.String,
    "origin_found": pl.String,
    "verdict": pl.String,
    "severity": pl.String,
    "rule": pl.String,
    "fingerprint": pl.String,
    "exception": pl.String,
}

TOOL = {"name": "borderscan", "version": "0.3.0", "rule_packs": ["builtin@2026.11.0"]}
DETECTORS = [
    {"id": "personal.email", "category": "personal", "description": "Email addresses"},
    {"id": "device_id.mac", "category": "device_id", "description": "MAC addresses"},
    {"id": "secret.aws_key", "category": "secret", "description": "AWS access key ids"},
    {"id": "calibration.key", "category": "calibration", "description": "Calibration fields"},
    {"id": "network_id.ipv4", "category": "network_id", "description": "IPv4 addresses"},
]
POLICY = {
    "name": "cn-industrial-export",
    "version": "2026.1",
    "description": "Chinese industrial data export",
    "sources": ["GB/T 35273", "Guidelines for Compliance in AI Industrial Applications"],
    "rules": [
        {
            "id": "gdpr-personal",
            "description": "Personal data from the EU stays in the EU/EEA or adequate countries.",
            "categories": ["personal"],
            "severity": "high",
            "source": "GDPR Art. 44",
        },
        {
            "id": "cn-device-export",
            "description": "Device identifiers from CN sites stay in CN.",
            "categories": ["device_id", "network_id"],
            "severity": "medium",
        },
        {
            "id": "cn-secret",
            "description": "Secrets never leave the site.",
            "categories": ["secret"],
            "severity": "critical",
        },
        {
            "id": "cn-calibration",
            "description": "Calibration metadata from CN sites stays in CN.",
            "categories": ["calibration"],
            "severity": "low",
        },
    ],
    "exceptions": [],
}

# The raw value the evidence was masked from. It appears in no input column, so
# the only way it could reach the output is by unmasking.
RAW_EMAIL = "jane.doe@example.com"
MASKED_EMAIL = "j***@e***.com"
RAW_DESTINATION = "https://api.vendor.example/v1/ingest?token=s3cr3t-t0ken"
SPACE_PATH = "capture/run 1/gateway.jsonl"
UNICODE_PATH = "capture/Ünïcode/日志 #1.log"
EXCEPTION_TEXT = "plant-it: vendor remote maintenance, contract 42 (expires 2026-12-31)"


def _row(**kw):
    base = {
        "path": SPACE_PATH,
        "line": 1,
        "column": 1,
        "byte_offset": 0,
        "detector": "personal.email",
        "category": "personal",
        "field": "contact.email",
        "evidence": MASKED_EMAIL,
        "confidence": "high",
        "reason": "validated",
        "destination": RAW_DESTINATION,
        "dest_host": "api.vendor.example",
        "dest_country": "US",
        "dest_source": "geoip",
        "origin": "DE-MUC-01",
        "origin_country": "DE",
        "origin_source": "site-prefix",
        "dest_found": "field",
        "dest_confidence": "high",
        "origin_found": "field",
        "verdict": "violation",
        "severity": "high",
        "rule": "gdpr-personal",
        "fingerprint": "0123456789abcdef",
        "exception": None,
    }
    base.update(kw)
    return base


def _frame(rows):
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")


BATCH1 = [
    _row(line=3, column=17, byte_offset=210),
    _row(
        line=4, verdict="allowed", severity=None, dest_country="DE", fingerprint="1111111111111111"
    ),
    _row(
        path=UNICODE_PATH,
        line=10,
        column=5,
        byte_offset=999,
        detector="device_id.mac",
        category="device_id",
        field=None,
        evidence="00:1A:**:**:**:5E",
        destination="collector.internal",
        dest_host="collector.internal",
        dest_country="unknown",
        dest_source="unresolved",
        origin="CN-SZ-02",
        origin_country="CN",
        verdict="unknown",
        severity=None,
        rule="cn-device-export",
        fingerprint="2222222222222222",
    ),
]
BATCH2 = [
    _row(
        path="capture/rig.log",
        line=7,
        column=30,
        detector="secret.aws_key",
        category="secret",
        field="auth.key",
        evidence="AKIA************ABCD",
        origin_country="CN",
        verdict="exempted",
        severity="critical",
        rule="cn-secret",
        fingerprint="3333333333333333",
        exception=EXCEPTION_TEXT,
    ),
    _row(
        path="capture/rig.log",
        line=8,
        detector="network_id.ipv4",
        category="network_id",
        field="peer",
        evidence="10.***.***.7",
        origin_country="CN",
        severity="medium",
        rule="cn-device-export",
        fingerprint="4444444444444444",
    ),
    _row(
        path="capture/rig.log",
        line=9,
        detector="calibration.key",
        category="calibration",
        field="calib.intrinsics.fx",
        evidence="1***.5",
        origin_country="CN",
        severity="low",
        rule="cn-calibration",
        fingerprint="5555555555555555",
    ),
    _row(path="capture/rig.log", line=11, verdict="allowed", severity=None, fingerprint="6" * 16),
    _row(
        path="capture/rig.log",
        line=12,
        detector="secret.aws_key",
        category="secret",
        field="auth.key",
        evidence="AKIA************WXYZ",
        origin_country="CN",
        severity="critical",
        rule="cn-secret",
        fingerprint="7777777777777777",
    ),
]

INVOCATION = {
    "command_line": "borderscan scan capture/ --format sarif --out borderscan.sarif",
    "exit_code": 1,
    "start": "2026-11-23T15:00:00+01:00",
    "end": "2026-11-23T14:00:05.250Z",
    "successful": True,
    "notifications": [
        {"level": "error", "message": "permission denied", "path": "capture/locked.log"},
        {"level": "warning", "message": "3 lines cut for length", "path": None},
    ],
}


def write(batches, **kw):
    out = io.BytesIO()
    kw.setdefault("tool", TOOL)
    kw.setdefault("detectors", DETECTORS)
    kw.setdefault("policy", POLICY)
    counts = sarif.write_sarif(batches, out, **kw)
    raw = out.getvalue()
    return raw, orjson.loads(raw), counts


def validate(log) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    # The official schema declares draft-04, not draft 7: validate with what it declares.
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    cls = jsonschema.validators.validator_for(schema)
    assert cls is jsonschema.Draft4Validator
    cls.check_schema(schema)
    errors = sorted(cls(schema, format_checker=cls.FORMAT_CHECKER).iter_errors(log), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])
    _check_formats(log)


# jsonschema checks "uri", "uri-reference" and "date-time" only when optional
# packages are installed; check the ones this writer produces by hand.
_URI_REF = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*$")


def _check_formats(log) -> None:
    run = log["runs"][0]
    uris = [
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for res in run["results"]
        for loc in res["locations"]
    ]
    for inv in run.get("invocations", []):
        for note in inv.get("toolExecutionNotifications", []):
            uris += [
                loc["physicalLocation"]["artifactLocation"]["uri"]
                for loc in note.get("locations", [])
            ]
        for key in ("startTimeUtc", "endTimeUtc"):
            if key in inv:
                assert inv[key].endswith("Z")
                datetime.fromisoformat(inv[key])
    for base in run.get("originalUriBaseIds", {}).values():
        assert urlsplit(base["uri"]).scheme == "file" and base["uri"].endswith("/")
        uris.append(base["uri"])
    for uri in uris:
        assert _URI_REF.match(uri), uri
        assert not re.search(r"%(?![0-9A-Fa-f]{2})", uri), uri


@pytest.fixture(scope="module")
def full():
    return write([_frame(BATCH1), _frame([]), _frame(BATCH2)], invocation=INVOCATION)


def by_fp(log):
    """The results by the engine fingerprint of their first finding (each
    fixture row is a problem of its own)."""
    return {r["properties"]["finding_fingerprints"][0]: r for r in log["runs"][0]["results"]}


def test_valid_against_official_schema(full):
    _, log, _ = full
    validate(log)
    assert log["version"] == "2.1.0"
    assert log["$schema"] == sarif.SARIF_SCHEMA_URI
    assert len(log["runs"]) == 1
    assert log["runs"][0]["columnKind"] == "unicodeCodePoints"


def test_counts_and_results(full):
    _, log, counts = full
    assert counts == {
        "results": 6,
        "violation": 4,
        "unknown": 1,
        "exempted": 1,
        "allowed": 2,
        "by_severity": {"critical": 1, "high": 1, "medium": 1, "low": 1},
        "omitted_results": 0,
        "omitted_findings": {"violation": 0, "unknown": 0, "exempted": 0},
    }
    run = log["runs"][0]
    assert len(run["results"]) == 6
    props = run["properties"]
    assert props["allowed_count"] == 2
    assert props["counts"] == {"violation": 4, "unknown": 1, "exempted": 1, "allowed": 2}
    assert props["policy"]["name"] == "cn-industrial-export"
    assert props["policy"]["version"] == "2026.1"
    assert props["rule_packs"] == ["builtin@2026.11.0"]
    assert props["results"] == props["results_total"] == 6
    assert props["occurrences"] == {"violation": 4, "unknown": 1, "exempted": 1}
    assert props["omitted"] == {"results": 0, "findings": counts["omitted_findings"]}
    # Allowed findings get no result; results come most severe first: verdict
    # (violation, unknown, exempted), then severity.
    fps = [r["properties"]["finding_fingerprints"] for r in run["results"]]
    assert fps == [
        ["7777777777777777"],
        ["0123456789abcdef"],
        ["4444444444444444"],
        ["5555555555555555"],
        ["2222222222222222"],
        ["3333333333333333"],
    ]
    assert all(r["occurrenceCount"] == 1 for r in run["results"])


def test_levels_and_kinds(full):
    _, log, _ = full
    r = by_fp(log)
    assert (r["0123456789abcdef"]["kind"], r["0123456789abcdef"]["level"]) == ("fail", "error")
    assert (r["7777777777777777"]["kind"], r["7777777777777777"]["level"]) == ("fail", "error")
    assert (r["4444444444444444"]["kind"], r["4444444444444444"]["level"]) == ("fail", "warning")
    assert (r["5555555555555555"]["kind"], r["5555555555555555"]["level"]) == ("fail", "note")
    # Unknown destination: for review; SARIF requires level "none" when kind is not "fail".
    assert (r["2222222222222222"]["kind"], r["2222222222222222"]["level"]) == ("review", "none")
    # Exempted keeps the level of the severity it would have had.
    assert (r["3333333333333333"]["kind"], r["3333333333333333"]["level"]) == ("fail", "error")


def test_rule_index_points_to_the_rule(full):
    _, log, _ = full
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [x["id"] for x in rules] == [x["id"] for x in POLICY["rules"]]
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
    assert by_fp(log)["2222222222222222"]["ruleId"] == "cn-device-export"


def test_driver_rule_metadata(full):
    _, log, _ = full
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "borderscan"
    assert driver["version"] == driver["semanticVersion"] == "0.3.0"
    assert driver["informationUri"] == "https://github.com/borderscan/borderscan"
    rules = {x["id"]: x for x in driver["rules"]}
    gdpr = rules["gdpr-personal"]
    assert gdpr["shortDescription"]["text"] == POLICY["rules"][0]["description"]
    assert "GDPR Art. 44" in gdpr["fullDescription"]["text"]
    assert gdpr["help"]["text"]
    assert gdpr["name"] == "GdprPersonal"
    assert gdpr["defaultConfiguration"]["level"] == "error"
    assert gdpr["properties"]["severity"] == "high"
    assert gdpr["properties"]["categories"] == ["personal"]
    assert gdpr["properties"]["source"] == "GDPR Art. 44"
    assert "data-residency" in gdpr["properties"]["tags"]
    assert "personal" in gdpr["properties"]["tags"]
    expected = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
    levels = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
    for rule in driver["rules"]:
        sev = rule["properties"]["severity"]
        assert rule["properties"]["security-severity"] == expected[sev]
        assert isinstance(rule["properties"]["security-severity"], str)
        assert rule["defaultConfiguration"]["level"] == levels[sev]


def test_extensions_carry_the_detectors(full):
    _, log, _ = full
    exts = log["runs"][0]["tool"]["extensions"]
    assert len(exts) == 1
    ext = exts[0]
    assert (ext["name"], ext["version"], ext["fullName"]) == (
        "builtin",
        "2026.11.0",
        "builtin@2026.11.0",
    )
    assert [x["id"] for x in ext["rules"]] == [d["id"] for d in DETECTORS]
    email = ext["rules"][0]
    assert email["shortDescription"]["text"] == "Email addresses"
    assert email["properties"]["category"] == "personal"


def test_detectors_go_to_their_pack():
    tool = {**TOOL, "rule_packs": ["builtin@2026.11.0", "local@1"]}
    dets = [
        *DETECTORS,
        {
            "id": "operational.batch_code",
            "category": "operational",
            "description": "Batch codes",
            "pack": "local",
        },
    ]
    _, log, _ = write([], tool=tool, detectors=dets)
    validate(log)
    exts = log["runs"][0]["tool"]["extensions"]
    assert [e["name"] for e in exts] == ["builtin", "local"]
    assert [x["id"] for x in exts[1]["rules"]] == ["operational.batch_code"]
    assert len(exts[0]["rules"]) == len(DETECTORS)


def test_suppression_for_exempted_only(full):
    _, log, _ = full
    for fp, res in by_fp(log).items():
        if fp == "3333333333333333":
            assert res["suppressions"] == [
                {"kind": "external", "status": "accepted", "justification": EXCEPTION_TEXT}
            ]
            assert res["properties"]["verdict"] == "exempted"
            assert res["properties"]["severity"] == "critical"
        else:
            assert "suppressions" not in res


def test_message_in_plain_words(full):
    _, log, _ = full
    r = by_fp(log)
    assert r["0123456789abcdef"]["message"]["text"] == (
        "personal.email (personal; high confidence: validated) in field contact.email "
        "from DE (site-prefix) sent to US "
        "(resolved by geoip, host api.vendor.example): violates rule gdpr-personal (high). "
        f"Evidence (masked): {MASKED_EMAIL}"
    )
    unknown = r["2222222222222222"]["message"]["text"]
    assert "in free text" in unknown
    assert "host collector.internal" in unknown
    assert "cn-device-export" in unknown
    exempted = r["3333333333333333"]["message"]["text"]
    assert "would violate rule cn-secret (critical)" in exempted
    assert EXCEPTION_TEXT in exempted


def test_only_masked_evidence(full):
    raw, log, _ = full
    text = raw.decode("utf-8")
    assert MASKED_EMAIL in text
    # Nothing that only unmasking could produce...
    local, _, domain = RAW_EMAIL.partition("@")
    for leak in (RAW_EMAIL, local, domain):
        assert leak not in text
    # ...and no raw destination URL (its query can carry tokens): the host only.
    assert RAW_DESTINATION not in text
    assert "s3cr3t-t0ken" not in text
    res = by_fp(log)["0123456789abcdef"]
    assert res["properties"]["evidence"] == MASKED_EMAIL
    assert MASKED_EMAIL in res["message"]["text"]
    assert res["properties"]["dest_host"] == "api.vendor.example"


def test_result_properties(full):
    _, log, _ = full
    props = by_fp(log)["0123456789abcdef"]["properties"]
    assert props == {
        "detector": "personal.email",
        "category": "personal",
        "field": "contact.email",
        "evidence": MASKED_EMAIL,
        "confidence": "high",
        "confidence_reason": "validated",
        "dest_host": "api.vendor.example",
        "dest_country": "US",
        "dest_source": "geoip",
        "origin_country": "DE",
        "origin_source": "site-prefix",
        "dest_found": "field",
        "dest_confidence": "high",
        "origin_found": "field",
        "verdict": "violation",
        "severity": "high",
        "byte_offset": 210,
        "first_line": 3,
        "occurrences_by_severity": {"high": 1},
        "finding_fingerprints": ["0123456789abcdef"],
    }
    unknown = by_fp(log)["2222222222222222"]["properties"]
    assert unknown["field"] is None
    assert unknown["occurrences_by_severity"] == {"none": 1}


def test_uri_encoding(full):
    _, log, _ = full
    r = by_fp(log)
    space = r["0123456789abcdef"]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert space == {"uri": "capture/run%201/gateway.jsonl"}
    uni = r["2222222222222222"]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uni.isascii()
    assert "%23" in uni  # '#' would start a fragment
    assert unquote(uni) == UNICODE_PATH
    assert uni == "capture/%C3%9Cn%C3%AFcode/%E6%97%A5%E5%BF%97%20%231.log"
    assert "uriBaseId" not in space
    assert "originalUriBaseIds" not in log["runs"][0]


def test_relative_uri_stays_a_path():
    rows = [_row(path="./c:odd%name?.log"), _row(path="-", fingerprint="8" * 16)]
    _, log, _ = write([_frame(rows)])
    validate(log)
    uris = [
        by_fp(log)[fp]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for fp in ("0123456789abcdef", "8" * 16)
    ]
    assert uris == ["c%3Aodd%25name%3F.log", "-"]
    # A ':' before the first '/' would make "c" a scheme.
    assert urlsplit(uris[0]).scheme == ""


def test_base_dir_gives_srcroot(tmp_path):
    base = tmp_path / "repo root"
    inside = base / "capture" / "ä b.jsonl"
    outside = tmp_path / "elsewhere.log"
    rows = [_row(path=str(inside)), _row(path=str(outside), fingerprint="9" * 16)]
    _, log, _ = write([_frame(rows)], base_dir=str(base))
    validate(log)
    run = log["runs"][0]
    base_uri = run["originalUriBaseIds"]["SRCROOT"]["uri"]
    assert base_uri == base.as_uri() + "/"
    assert "%20" in base_uri
    locs = [by_fp(log)[fp]["locations"][0]["physicalLocation"]["artifactLocation"]
            for fp in ("0123456789abcdef", "9" * 16)]
    assert locs[0] == {"uri": "capture/%C3%A4%20b.jsonl", "uriBaseId": "SRCROOT"}
    # Outside the base: an absolute file URI, no base id.
    assert locs[1] == {"uri": outside.as_uri()}


def test_region_and_logical_location(full):
    _, log, _ = full
    r = by_fp(log)
    loc = r["0123456789abcdef"]["locations"][0]
    assert loc["physicalLocation"]["region"] == {"startLine": 3, "startColumn": 17}
    assert loc["logicalLocations"] == [
        {"name": "email", "fullyQualifiedName": "contact.email", "kind": "member"}
    ]
    free = r["2222222222222222"]["locations"][0]
    assert free["physicalLocation"]["region"] == {"startLine": 10, "startColumn": 5}
    assert "logicalLocations" not in free


def test_fingerprints(full):
    _, log, _ = full
    results = log["runs"][0]["results"]
    for res in results:
        fp = res["partialFingerprints"][sarif.FINGERPRINT_KEY]
        assert re.fullmatch(r"[0-9a-f]{16}", fp)
        assert res["fingerprints"] == {sarif.FINGERPRINT_KEY: fp}
        assert res["partialFingerprints"] == {"borderscanGroup/v1": fp}
    # One per problem, never shared in a run: the exempted and the unexempted
    # secret of rig.log's auth.key differ by verdict only.
    assert len({r["partialFingerprints"][sarif.FINGERPRINT_KEY] for r in results}) == 6


def test_invocation(full):
    _, log, _ = full
    (inv,) = log["runs"][0]["invocations"]
    assert inv["commandLine"] == INVOCATION["command_line"]
    assert inv["exitCode"] == 1
    assert inv["exitCodeDescription"]
    assert inv["executionSuccessful"] is True
    assert inv["startTimeUtc"] == "2026-11-23T14:00:00Z"
    assert inv["endTimeUtc"] == "2026-11-23T14:00:05.250Z"
    notes = inv["toolExecutionNotifications"]
    assert [n["level"] for n in notes] == ["error", "warning"]
    assert notes[0]["message"]["text"] == "permission denied"
    assert notes[0]["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "capture/locked.log"
    }
    assert "locations" not in notes[1]
    assert "toolConfigurationNotifications" not in inv


def test_invocation_filled_in_after_the_results():
    seen = {}

    def finish(counts):
        seen.update(counts)
        return {"command_line": "borderscan scan x", "exit_code": None, "successful": False}

    _, log, counts = write([_frame(BATCH1)], invocation=finish)
    validate(log)
    assert seen == counts
    (inv,) = log["runs"][0]["invocations"]
    assert inv == {"commandLine": "borderscan scan x", "executionSuccessful": False}


def test_head_written_first_results_after_the_last_batch():
    out = io.BytesIO()
    progress = []

    def batches():
        yield _frame(BATCH1)
        progress.append(out.getvalue())
        yield _frame(BATCH2)

    sarif.write_sarif(batches(), out, tool=TOOL, detectors=DETECTORS, policy=POLICY)
    # The tool and its rules are out before the scan ends; a result needs
    # every batch (a later one may add to its count).
    assert progress[0].endswith(b'"results":[')
    assert b"gdpr-personal" in progress[0]
    assert b"0123456789abcdef" not in progress[0]
    validate(orjson.loads(out.getvalue()))


@pytest.mark.parametrize(
    "batches",
    [
        pytest.param([], id="no-batches"),
        pytest.param([pl.DataFrame(schema=SCHEMA)], id="empty-batch"),
        pytest.param([_frame([BATCH1[1]]), _frame([BATCH2[3]])], id="only-allowed"),
    ],
)
def test_empty_input_is_a_valid_log(batches):
    _, log, counts = write(batches, invocation=INVOCATION)
    validate(log)
    run = log["runs"][0]
    assert run["results"] == []
    assert counts["results"] == 0
    assert run["properties"]["allowed_count"] == counts["allowed"]
    assert run["tool"]["driver"]["rules"]


def test_empty_policy_and_no_detectors():
    _, log, counts = write(
        [], tool={"name": "borderscan", "version": "0.3.0"}, detectors=[], policy={}
    )
    validate(log)
    assert counts["results"] == 0
    assert "extensions" not in log["runs"][0]["tool"]


def test_rule_missing_from_policy_is_still_reported():
    _, log, _ = write([_frame([_row(rule="not-in-policy")])], invocation=INVOCATION)
    validate(log)
    run = log["runs"][0]
    (res,) = run["results"]
    assert res["ruleId"] == "not-in-policy"
    assert "ruleIndex" not in res
    assert run["properties"]["unlisted_rules"] == {"not-in-policy": 1}
    (note,) = run["invocations"][0]["toolConfigurationNotifications"]
    assert "not-in-policy" in note["message"]["text"]


def test_missing_column_is_an_error():
    with pytest.raises(ValueError, match="fingerprint"):
        write([_frame(BATCH1).drop("fingerprint")])


# --- one result per problem --------------------------------------------------


def _occurrences(n, **kw):
    """`n` findings of the fixture's personal-data violation on lines 1..n."""
    return [
        _row(line=i, column=i + 1, byte_offset=100 * i, fingerprint=f"{i:016x}",
             evidence=f"j{i}***@e***.com", **kw)
        for i in range(1, n + 1)
    ]


def test_one_result_per_problem_across_batches():
    rows = _occurrences(13)
    other_field = _row(line=20, field="owner.email", fingerprint="f" * 16)
    exempted = _row(line=21, verdict="exempted", exception=EXCEPTION_TEXT, fingerprint="e" * 16)
    batches = [_frame(rows[:4]), _frame([other_field, *rows[4:9]]), _frame([*rows[9:], exempted])]
    _, log, counts = write(batches, invocation=INVOCATION)
    validate(log)
    results = log["runs"][0]["results"]
    assert counts["results"] == len(results) == 3
    many, field, exempt = results  # most findings first; exempted after violations
    assert many["occurrenceCount"] == 13
    assert (field["occurrenceCount"], exempt["occurrenceCount"]) == (1, 1)
    assert field["properties"]["field"] == "owner.email"
    assert exempt["suppressions"][0]["justification"] == EXCEPTION_TEXT
    # The first MAX_LOCATIONS occurrences, in input order, with what they found.
    regions = [loc["physicalLocation"]["region"] for loc in many["locations"]]
    assert regions == [{"startLine": i, "startColumn": i + 1} for i in range(1, 11)]
    assert len(many["locations"]) == sarif.MAX_LOCATIONS == 10
    assert many["locations"][2]["properties"] == {"byte_offset": 300, "evidence": "j3***@e***.com"}
    props = many["properties"]
    assert props["finding_fingerprints"] == [f"{i:016x}" for i in range(1, 11)]
    assert props["first_line"] == 1
    assert props["occurrences_by_severity"] == {"high": 13}
    assert many["message"]["text"].endswith(
        "violates rule gdpr-personal (high). 13 occurrences in this file; the first 10 are "
        "listed. Evidence (masked): j1***@e***.com")
    # Same flow, other verdict: another problem, and another fingerprint.
    fps = {r["partialFingerprints"][sarif.FINGERPRINT_KEY] for r in results}
    assert len(fps) == 3
    assert log["runs"][0]["properties"]["occurrences"] == {
        "violation": 14, "unknown": 0, "exempted": 1}


def test_few_occurrences_are_all_listed():
    _, log, _ = write([_frame(_occurrences(3))])
    (res,) = log["runs"][0]["results"]
    assert len(res["locations"]) == res["occurrenceCount"] == 3
    assert "3 occurrences in this file, all listed." in res["message"]["text"]


def test_level_and_representative_from_the_worst_severity():
    rows = [_row(line=1, severity="low", fingerprint="1" * 16, evidence="first"),
            _row(line=2, fingerprint="2" * 16, evidence="worst"),
            _row(line=3, fingerprint="3" * 16, evidence="later")]
    for split in ([rows], [rows[:1], rows[1:]], [[r] for r in rows]):
        _, log, _ = write([_frame(b) for b in split])
        (res,) = log["runs"][0]["results"]
        assert res["level"] == "error"
        assert res["properties"]["severity"] == "high"
        assert res["properties"]["evidence"] == "worst"
        assert "(high)" in res["message"]["text"]
        assert res["properties"]["occurrences_by_severity"] == {"high": 2, "low": 1}
        # The locations stay the first occurrences, whatever their severity.
        assert res["properties"]["finding_fingerprints"] == ["1" * 16, "2" * 16, "3" * 16]


def test_fingerprint_ignores_lines_and_counts_not_the_problem():
    def fingerprints(rows):
        _, log, _ = write([_frame(rows)])
        return [r["partialFingerprints"][sarif.FINGERPRINT_KEY] for r in log["runs"][0]["results"]]

    (fp,) = fingerprints(_occurrences(3))
    assert fingerprints([_row(line=500, fingerprint="9" * 16)]) == [fp]
    assert fingerprints(_occurrences(40)) == [fp]
    for other in ({"path": "capture/other.jsonl"}, {"dest_host": "eu.vendor.example"},
                  {"field": "owner.email"}, {"verdict": "unknown", "severity": None}):
        assert fingerprints([_row(**other)]) != [fp], other


# Every kind of row, several problems repeated: how the batches are cut must
# not show in the log.
MIXED = [
    *BATCH1, *BATCH2, *_occurrences(12), *_occurrences(5, path="capture/rig.log"),
    *(_row(line=30 + i, detector="network_id.ipv4", category="network_id", field=f"peer{i % 3}",
           rule="cn-device-export", severity="medium", fingerprint=f"{i:016x}") for i in range(9)),
    *BATCH1,
]


@pytest.mark.parametrize("max_results", [None, 4])
@pytest.mark.parametrize("include_allowed", [False, True])
def test_batching_does_not_change_the_log(max_results, include_allowed):
    kw = {"invocation": INVOCATION, "max_results": max_results,
          "include_allowed": include_allowed}
    whole, log, counts = write([_frame(MIXED)], **kw)
    validate(log)
    assert log["runs"][0]["results"]
    splits = [
        [[r] for r in MIXED],
        [MIXED[i:i + 7] for i in range(0, len(MIXED), 7)],
        [MIXED[:1], [], MIXED[1:30], MIXED[30:31], MIXED[31:]],
    ]
    for split in splits:
        raw, _, again = write([_frame(rows) for rows in split], **kw)
        assert raw == whole
        assert again == counts


def test_max_results_keeps_the_most_severe_and_says_what_is_left_out():
    frames = [_frame(BATCH1), _frame(BATCH2)]
    _, log, counts = write(frames, max_results=2, invocation=INVOCATION)
    validate(log)
    run = log["runs"][0]
    # The critical and the high violation; the rest is counted, not written.
    assert [r["properties"]["finding_fingerprints"] for r in run["results"]] == [
        ["7777777777777777"], ["0123456789abcdef"]]
    assert counts["results"] == 2
    assert counts["omitted_results"] == 4
    assert counts["omitted_findings"] == {"violation": 2, "unknown": 1, "exempted": 1}
    props = run["properties"]
    assert props["results_total"] == 6
    assert props["omitted"] == {"results": 4, "findings": counts["omitted_findings"]}
    for verdict in ("violation", "unknown", "exempted"):
        assert (props["occurrences"][verdict] + props["omitted"]["findings"][verdict]
                == props["counts"][verdict])
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [n["level"] for n in notes] == ["error", "warning", "warning"]
    text = notes[-1]["message"]["text"]
    assert "Only the 2 most severe of 6 results" in text
    assert "4 result(s) standing for 4 finding(s) (violation 2, unknown 1, exempted 1)" in text
    assert "--max-results" in text and "--format json" in text
    # The same prefix as without a cut: raising the bound only appends.
    _, uncut, _ = write(frames)
    assert run["results"] == uncut["runs"][0]["results"][:2]


def test_max_results_is_said_without_an_invocation_too():
    _, log, counts = write([_frame(BATCH1), _frame(BATCH2)], max_results=0)
    validate(log)
    run = log["runs"][0]
    assert run["results"] == []
    assert counts["omitted_results"] == 6
    (inv,) = run["invocations"]
    (note,) = inv["toolExecutionNotifications"]
    assert "6 result(s) standing for 6 finding(s)" in note["message"]["text"]
    with pytest.raises(ValueError, match="max_results"):
        write([], max_results=-1)


def test_include_allowed_gives_pass_results():
    _, log, counts = write([_frame(BATCH1), _frame(BATCH2)], include_allowed=True)
    validate(log)
    run = log["runs"][0]
    allowed = [r for r in run["results"] if r["properties"]["verdict"] == "allowed"]
    assert [(r["kind"], r["level"]) for r in allowed] == [("pass", "none")] * 2
    assert run["results"][-2:] == allowed  # the least severe: after every problem
    assert counts["results"] == 8
    assert run["properties"]["occurrences"]["allowed"] == counts["allowed"] == 2
    # Not asked for: counted only, as before.
    _, log, _ = write([_frame(BATCH1), _frame(BATCH2)])
    assert all(r["kind"] != "pass" for r in log["runs"][0]["results"])


# --- from the command line ---------------------------------------------------


def _scan_sarif(tmp_path, *args):
    out = tmp_path / "scan.sarif"
    r = run_cli("scan", *args, "--format", "sarif", "--out", str(out), "--no-audit-log", "-q")
    assert r.returncode in (0, 1), r.stderr.decode()
    log = orjson.loads(out.read_bytes())
    validate(log)
    return log["runs"][0]


def _scan_json(*args):
    r = run_cli("scan", *args, "--format", "json", "--no-audit-log", "-q")
    assert r.returncode in (0, 1), r.stderr.decode()
    return orjson.loads(r.stdout)


def _occurrence_counts(run):
    return {r["partialFingerprints"][sarif.FINGERPRINT_KEY]: r["occurrenceCount"]
            for r in run["results"]}


@pytest.mark.parametrize("policy", [[], ["--preset", "cn-industrial-export", "--origin", "CN"]],
                         ids=["default", "cn-industrial-export"])
def test_occurrences_add_up_to_the_json_summary(tmp_path, policy):
    args = [str(SAMPLE), *policy]
    run = _scan_sarif(tmp_path, *args)
    verdicts = _scan_json(*args)["residency"]["verdicts"]
    failing = [r for r in run["results"] if r["kind"] == "fail" and "suppressions" not in r]
    assert sum(r["occurrenceCount"] for r in failing) == verdicts["violation"]["hits"] > 0
    review = [r for r in run["results"] if r["kind"] == "review"]
    assert sum(r["occurrenceCount"] for r in review) == verdicts["unknown"]["hits"]
    assert run["properties"]["omitted"]["results"] == 0
    # Fewer results than findings: that is the point.
    assert len(run["results"]) < verdicts["violation"]["hits"] + verdicts["unknown"]["hits"]
    # Most severe first: verdict, then worst severity, then most findings.
    order = [(sarif.VERDICTS.index(r["properties"]["verdict"]),
              sarif.RANKED_SEVERITIES.index(r["properties"]["severity"] or "none"),
              -r["occurrenceCount"]) for r in run["results"]]
    assert order == sorted(order)


def test_fingerprints_survive_inserted_lines(tmp_path):
    email_us = {"site": "DE-MUC-01", "endpoint": "https://s3.us-east-1.amazonaws.com/plant/"}
    recs = [
        *({**email_us, "contact": f"person{i}@example.de"} for i in range(3)),
        {**email_us, "machine": {"serial": "HAS-CR28848"}},
        {**email_us, "contact": "one.more@example.de", "owner": "someone.else@example.de"},
    ]
    capture = write_jsonl(tmp_path / "capture.jsonl", recs)
    args = [str(capture), "--preset", "eu-gdpr"]
    before = _occurrence_counts(run := _scan_sarif(tmp_path, *args))
    assert sorted(before.values()) == [1, 1, 4]
    first_lines = {r["partialFingerprints"][sarif.FINGERPRINT_KEY]: r["properties"]["first_line"]
                   for r in run["results"]}
    # Unrelated lines above: same problems, same counts, lines moved.
    text = capture.read_bytes()
    capture.write_bytes(b'{"note": "inserted"}\n' * 5 + text)
    run = _scan_sarif(tmp_path, *args)
    assert _occurrence_counts(run) == before
    for r in run["results"]:
        assert r["properties"]["first_line"] == first_lines[
            r["partialFingerprints"][sarif.FINGERPRINT_KEY]] + 5
    # One more occurrence: the same alert, counted once more.
    capture.write_bytes(capture.read_bytes()
                        + orjson.dumps({**email_us, "contact": "new.person@example.de"}) + b"\n")
    after = _occurrence_counts(_scan_sarif(tmp_path, *args))
    assert after.keys() == before.keys()
    assert sorted(after.values()) == [1, 1, 5]


def test_max_results_on_the_command_line(tmp_path):
    args = [str(SAMPLE), "--preset", "cn-industrial-export", "--origin", "CN"]
    full = _scan_sarif(tmp_path, *args)
    run = _scan_sarif(tmp_path, *args, "--max-results", "3")
    assert len(run["results"]) == 3
    assert run["results"] == full["results"][:3]
    props = run["properties"]
    assert props["results"] == 3
    assert props["results_total"] == len(full["results"])
    assert props["omitted"]["results"] == len(full["results"]) - 3
    for verdict, n in props["omitted"]["findings"].items():
        assert props["occurrences"][verdict] + n == props["counts"][verdict]
    (note,) = [n for n in run["invocations"][0]["toolExecutionNotifications"]
               if "--max-results" in n["message"]["text"]]
    assert note["level"] == "warning"
    assert f"Only the 3 most severe of {len(full['results']):,} results" in note["message"]["text"]
    r = run_cli("scan", str(SAMPLE), "--format", "sarif", "--max-results", "0")
    assert r.returncode == 2
