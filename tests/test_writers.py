"""The writers registry, the vocabularies and schema taken from the engine
(never re-declared in Python), one sentence per verdict, and the private
helpers behind the CLI's exit code."""

from __future__ import annotations

import ast
import html
import io
from pathlib import Path

import borderscan
import polars as pl
import pytest
from borderscan import _core, _verdict, api, cli, report, store, writers
from borderscan.writers import sarif
from borderscan.writers.base import Target, Writer

PACKAGE = Path(borderscan.__file__).resolve().parent
CN = {"preset": "cn-industrial-export", "origin": "CN", "today": "2026-12-01"}

# What `pl.DataFrame(schema=output.FINDINGS_SCHEMA)` was before the schema
# came from the engine: Parquet output and stored scans keep these dtypes.
FINDINGS_DTYPES = {
    "path": pl.String, "line": pl.UInt64, "column": pl.UInt64, "byte_offset": pl.UInt64,
    "detector": pl.String, "category": pl.String, "field": pl.String, "evidence": pl.String,
    "confidence": pl.String, "reason": pl.String, "destination": pl.String,
    "dest_host": pl.String, "dest_country": pl.String,
    "dest_source": pl.String, "origin": pl.String, "origin_country": pl.String,
    "origin_source": pl.String, "dest_found": pl.String, "dest_confidence": pl.String,
    "origin_found": pl.String, "verdict": pl.String, "severity": pl.String, "rule": pl.String,
    "exception": pl.String, "fingerprint": pl.String,
}


def _target() -> Target:
    return Target(out=None, exit_code=lambda _r: (0, []))


# --- the registry ---------------------------------------------------------

def test_every_format_has_a_writer() -> None:
    assert writers.FORMATS == ("table", "json", "jsonl", "parquet", "sarif", "html")
    assert tuple(writers.WRITERS) == writers.FORMATS
    for fmt, cls in writers.WRITERS.items():
        assert issubclass(cls, Writer) and cls.name == fmt
        # Concrete: every abstract method is implemented.
        assert isinstance(cls(_target()), Writer)


def test_cli_choices_come_from_the_registry_and_the_engine() -> None:
    def choices(command: object, name: str) -> list[str]:
        (param,) = [p for p in command.params if p.name == name]  # type: ignore[attr-defined]
        return list(param.type.choices)

    assert choices(cli.scan, "fmt") == list(writers.FORMATS)
    assert choices(cli.scan, "fail_on") == list(_core.SEVERITIES)
    assert choices(cli.report_cmd, "fail_on") == list(_core.SEVERITIES)


def test_only_engine_written_formats_refuse_the_store() -> None:
    refuse = {f for f, w in writers.WRITERS.items() if not w.stores}
    assert refuse == {"json", "jsonl"}
    assert [f for f, w in writers.WRITERS.items() if w.binary] == ["parquet"]


# --- vocabularies and schema from the engine --------------------------------

def _literal_strings(node: ast.AST) -> set[str] | None:
    """The string constants of a literal collection (dict: its keys)."""
    if isinstance(node, ast.Dict):
        elts = [k for k in node.keys if k is not None]
    elif isinstance(node, ast.Tuple | ast.List | ast.Set):
        elts = node.elts
    else:
        return None
    return {e.value for e in elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}


def _is_schema(node: ast.AST, columns: set[str]) -> bool:
    """A dict from findings columns to types (names such as `pl.String` or
    an alias), unlike a dict that holds a finding's values."""
    if not isinstance(node, ast.Dict):
        return False
    keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
    return (len(keys & columns) >= 5
            and all(isinstance(v, ast.Name | ast.Attribute) for v in node.values))


def test_no_python_module_redeclares_the_engines_vocabularies() -> None:
    severities, verdicts = set(_core.SEVERITIES), set(_core.VERDICTS)
    columns = set(pl.DataFrame(_core.empty_findings()).columns)
    found = []
    files = sorted(PACKAGE.rglob("*.py"))
    assert PACKAGE / "writers" / "sarif.py" in files
    for path in files:
        source = path.read_text("utf-8")
        if "FINDINGS_SCHEMA" in source:
            found.append(f"{path.name}: FINDINGS_SCHEMA")
        for node in ast.walk(ast.parse(source)):
            strings = _literal_strings(node)
            if not strings:
                continue
            where = f"{path.relative_to(PACKAGE)}:{node.lineno}"  # type: ignore[attr-defined]
            if severities <= strings:
                found.append(f"{where}: the severities")
            if verdicts <= strings:
                found.append(f"{where}: the verdicts")
            if columns <= strings or _is_schema(node, columns):
                found.append(f"{where}: the findings schema")
    assert not found, "re-declared instead of taken from _core:\n" + "\n".join(found)


def test_findings_schema_is_the_engines_with_the_old_dtypes() -> None:
    assert dict(pl.DataFrame(_core.empty_findings()).schema) == FINDINGS_DTYPES
    assert list(pl.DataFrame(_core.empty_findings()).columns) == list(FINDINGS_DTYPES)


def test_no_findings_still_have_the_schema(cli, tmp_path: Path) -> None:
    empty = tmp_path / "empty.log"
    empty.write_text("")
    out, kept = tmp_path / "f.parquet", tmp_path / "store"
    r = cli("scan", str(empty), "--format", "parquet", "--out", str(out), "--store", str(kept),
            "--no-audit-log", "-q")
    assert r.returncode == 0, r.stderr.decode()
    assert dict(pl.read_parquet(out).schema) == FINDINGS_DTYPES
    (folder,) = store.history(kept)
    _doc, lf = store.load(folder)
    assert dict(lf.collect_schema()) == FINDINGS_DTYPES


# --- SARIF counts: the engine's summary, not a recount ----------------------

def test_sarif_counts_from_the_summary_equal_a_recount() -> None:
    stream = api.scan_iter(["sample_data/"], threads=2, **CN)
    frames = list(stream)
    assert stream.residency["verdicts"]
    kw = {"tool": {"name": "borderscan", "version": "0"}, "detectors": [],
          "policy": {"name": "p", "rules": []}}
    from_summary, recounted = io.BytesIO(), io.BytesIO()
    a = sarif.write_sarif(frames, from_summary, residency=stream.residency, **kw)
    b = sarif.write_sarif(frames, recounted, **kw)
    assert a == b
    assert a["violation"] and a["unknown"] and a["allowed"]
    assert from_summary.getvalue() == recounted.getvalue()
    # ...and a callable is asked once the last batch is written.
    asked = []

    def later() -> dict:
        asked.append(True)
        return stream.residency

    assert sarif.write_sarif(iter(frames), io.BytesIO(), residency=later, **kw) == a
    assert asked == [True]


def test_sarif_orders_are_the_engines_reversed() -> None:
    assert sarif.SEVERITIES == tuple(reversed(_core.SEVERITIES)) == (
        "critical", "high", "medium", "low")
    assert sarif.VERDICTS == ("violation", "unknown", "exempted", "allowed")
    assert set(sarif.REPORTED_VERDICTS) == set(_core.VERDICTS) - {"allowed"}


# --- one sentence per verdict ----------------------------------------------

ROW = {
    "path": "a.log", "line": 3, "column": 1, "byte_offset": 0, "detector": "personal.email",
    "category": "personal", "field": "contact.email", "evidence": "j***@e***.com",
    "destination": "https://x.example.us/?t=1", "dest_host": "x.example.us",
    "dest_country": "US", "dest_source": "tld", "origin": "DE-MUC-01", "origin_country": "DE",
    "origin_source": "site-prefix", "verdict": "violation", "severity": "high",
    "rule": "gdpr-personal", "exception": None, "fingerprint": "0123456789abcdef",
}


def test_one_sentence_explains_a_verdict_in_sarif_and_html() -> None:
    sentence = _verdict.explain(ROW)
    assert sentence == (
        "personal.email (personal) in field contact.email from DE (site-prefix) sent to US "
        "(resolved by country-code TLD, host x.example.us): violates rule gdpr-personal (high).")
    assert sarif._message(ROW) == f"{sentence} Evidence (masked): j***@e***.com"
    page = report.build_html(accounting={}, summary=[], residency={}, findings=[ROW],
                             exit_code=1, reasons=[], tool={})
    assert f"<td>{html.escape(sentence)}</td>" in page
    # No module keeps a wording of its own.
    assert not hasattr(report, "explain") or report.explain is _verdict.explain


@pytest.mark.parametrize(("changes", "why"), [
    ({"verdict": "unknown", "severity": None, "dest_country": "unknown",
      "dest_source": "unresolved"},
     "rule gdpr-personal cannot decide without the destination country; review it."),
    ({"verdict": "exempted", "exception": "vendor contract"},
     "would violate rule gdpr-personal (high); exempted by vendor contract."),
    ({"verdict": "allowed", "severity": None, "rule": None}, "no rule covers it; allowed."),
])
def test_every_verdict_has_its_reason(changes: dict, why: str) -> None:
    assert _verdict.explain({**ROW, **changes}).endswith(why)


def test_a_row_from_a_json_document_may_lack_columns() -> None:
    assert _verdict.explain({"detector": "d", "category": "c", "verdict": "violation"}) == (
        "d (c) in free text from an unknown origin sent to a destination of unknown country "
        "(no destination in the record): violates rule (none).")


# --- private helpers ---------------------------------------------------------

def test_cli_helpers_are_not_public_api() -> None:
    for name in ("SEVERITIES", "failing", "has_problems"):
        assert not hasattr(api, name), name
    assert set(borderscan.__all__) >= {"scan", "scan_iter", "ScanResult", "ScanStream",
                                        "rules", "check_rules"}
    assert not {n for n in borderscan.__all__ if n.startswith("_")} - {"__version__"}


def test_scan_result_keeps_failing_and_problems() -> None:
    r = borderscan.scan(["sample_data/"], threads=2, **CN)
    by = _verdict.violations_by_severity(r.residency)
    assert r.failing_count("low") == sum(by.values())
    assert r.failing_count("critical") == by.get("critical", 0)
    assert r.failing_count("high") == by.get("critical", 0) + by.get("high", 0)
    assert r.problems is True  # sample_data holds an unparseable logfmt line


ACC = {"failed_files": 0, "unparseable": 0, "binary_skipped": 0, "truncated_lines": 0}
RES = {"violations": [{"rule": "r", "severity": "high", "records": 1, "hits": 2}]}


def test_exit_code_and_its_reasons() -> None:
    ec = _verdict.exit_code
    assert ec(ACC, RES, fail_on=None, strict=True, keep_going=False) == (0, [])
    assert ec(ACC, RES, fail_on="critical", strict=False, keep_going=False) == (0, [])
    assert ec(ACC, RES, fail_on="high", strict=False, keep_going=False) == (
        1, ["2 violation(s) at or above high (exit 1)"])
    failed = {**ACC, "failed_files": 1}
    code, reasons = ec(failed, RES, fail_on="low", strict=False, keep_going=False)
    assert code == 3 and len(reasons) == 2  # unreadable input wins over findings
    assert ec(failed, RES, fail_on=None, strict=False, keep_going=True) == (0, [])
    assert ec({**ACC, "unparseable": 1}, {}, fail_on=None, strict=True, keep_going=False) == (
        3, ["input problems found and --strict given (exit 3)"])
