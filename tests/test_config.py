"""Every scan option is declared once, in the engine's ScanConfig: the CLI's
options, the Python API's parameters and the type stubs must all match it."""

from __future__ import annotations

import ast
import inspect
import json
from pathlib import Path

import borderscan
import pytest
from borderscan import _core, api, cli

OPTIONS = _core.ScanConfig.OPTIONS
NAMES = [name for name, _ in OPTIONS]
STUB = Path(_core.__file__).with_name("_core.pyi")

# A value other than the default for every option (paths exist where read).
SAMPLES: dict[str, object] = {
    "threads": 3, "include": ["*.jsonl"], "exclude": ["old/*"], "input_format": "csv",
    "csv_delimiter": ";", "max_line": 4096, "max_otlp_line": 8192, "max_expansion": 9,
    "max_archive_depth": 2, "max_archive_members": 10, "max_archive_bytes": 1 << 20,
    "max_archive_buffer": 1 << 20, "split_size": 1 << 16,
    "dest_fields": ["ziel"],
    "origin_fields": ["werk"], "show_values": True, "min_confidence": "low",
    "rules": ["RULES"], "builtin_rules": False,
    "policy": "POLICY", "preset": "eu-gdpr", "geoip": "GEOIP", "destination": "DE",
    "origin": "CN", "baseline": ["0123456789abcdef"], "today": "2026-12-01",
    "journal": "JOURNAL", "findings": "review", "records": "RECORDS",
    "endpoint_url": "http://127.0.0.1:9000",
}


def _stub_class(name: str) -> ast.ClassDef:
    tree = ast.parse(STUB.read_text("utf-8"))
    return next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name)


def test_stub_typed_dict_lists_every_option_in_order():
    fields = [n.target.id for n in _stub_class("ScanOptions").body
              if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)]
    assert fields == NAMES


def test_config_json_has_every_option_and_no_other():
    # In declaration order: the struct and OPTIONS list the same fields alike.
    assert list(json.loads(_core.ScanConfig().to_json())) == NAMES
    assert set(SAMPLES) == set(NAMES), "give every option a sample value"


@pytest.mark.parametrize("name", NAMES)
def test_every_option_reaches_the_engine(name, tmp_path):
    value = SAMPLES[name]
    if name in ("rules", "policy", "geoip", "journal"):
        value = [str(tmp_path / "x")] if name == "rules" else str(tmp_path / "x")
    extra = {"preset": None} if name == "policy" else {}
    cfg = _core.ScanConfig(**{name: value}, **extra)
    got = json.loads(cfg.to_json())[name]
    assert got == value and got != json.loads(_core.ScanConfig().to_json())[name]
    # None means the default.
    assert _core.ScanConfig(**{name: None}) == _core.ScanConfig()


def test_journal_key_covers_every_option_but_threads_the_journal_and_outputs(tmp_path):
    """What the journal records does not depend on these: the thread count,
    where it is, which findings are handed out (it holds them all) and
    where the records table goes."""
    base = _core.ScanConfig(today="2026-12-01")
    key = base.journal_key(["logs"])
    assert base.journal_key(["logs"]) == key
    for name in NAMES:
        value = SAMPLES[name]
        if name in ("rules", "policy", "geoip", "journal"):
            value = [str(tmp_path / "r")] if name == "rules" else str(tmp_path / "p")
        changed = base.replace(**{name: value})
        if name == "today":
            changed = base.replace(today="2026-12-02")
        same = name in ("threads", "journal", "findings", "records")
        assert (changed.journal_key(["logs"]) == key) == same, name
    assert base.journal_key(["other"]) != key


def test_conflicts_are_checked_by_the_engine():
    with pytest.raises(borderscan.ConfigError, match="not both"):
        _core.ScanConfig(policy="p.toml", preset="eu-gdpr")
    with pytest.raises(borderscan.ConfigError, match=r"^journal: "):
        _core.ScanConfig(journal="j", baseline=[])
    with pytest.raises(borderscan.ConfigError, match=r"^today: "):
        _core.ScanConfig(today="2026-13-01")
    with pytest.raises(TypeError, match="unknown option 'thread'"):
        _core.ScanConfig(thread=2)


@pytest.mark.parametrize("command", ["scan", "explain"])
def test_cli_options_are_the_engine_options(command):
    """A CLI option that sets a scan option is named like it and has its
    flag; every option with a flag is on `scan`."""
    params = {p.name: p for p in cli.main.commands[command].params}
    flags = dict(OPTIONS)
    for name, flag in OPTIONS:
        if name in params:
            assert flag in params[name].opts, (command, name, params[name].opts)
        elif command == "scan":
            assert flag is None, f"scan lacks {flag}"
    for p in params.values():
        for opt in p.opts:
            if opt in flags.values():
                assert flags.get(p.name) == opt, f"{opt} must set option {p.name!r}"


def test_api_takes_the_engine_options():
    for fn in (api.scan, api.scan_iter, api.scan_write, api.scan_config):
        sig = inspect.signature(fn)
        kw = [p for p in sig.parameters.values() if p.kind is p.VAR_KEYWORD]
        assert kw and kw[0].annotation == "Unpack[ScanOptions]", fn.__name__
        # No option re-declared as an explicit parameter.
        assert not set(sig.parameters) & set(NAMES), fn.__name__


def _typed_dict_keys(name: str, optional: bool = True) -> list[str]:
    """The keys of a TypedDict of the stub; without `optional`, not those
    declared `NotRequired[...]` (sent only for some inputs: `etag`)."""
    return [n.target.id for n in _stub_class(name).body
            if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)
            and (optional or not (isinstance(n.annotation, ast.Subscript)
                                  and ast.unparse(n.annotation.value) == "NotRequired"))]


def test_accounting_and_summary_stubs_match_the_engine_json(sample_dir):
    """The TypedDicts of `_core.pyi` name exactly the keys the engine sends."""
    table, acc_json, summary_json, _ = _core.scan(
        [str(sample_dir), str(sample_dir / "missing.jsonl")],
        _core.ScanConfig(baseline=["0123456789abcdef"]))
    acc, summary = json.loads(acc_json), json.loads(summary_json)
    reason = next(r for f in acc["per_file"] for r in f["unparseable_reasons"].values())
    res = summary["residency"]
    shapes = {
        "Accounting": acc, "FileStats": acc["per_file"][0], "ReasonStats": reason,
        "Location": reason["first"][0], "Summary": summary, "ResidencySummary": res,
        "FlowRow": res["flows"][0], "RecordFlow": acc["records_by_flow"][0],
        "ViolationRow": res["violations"][0],
        "Counts": next(iter(res["verdicts"].values())), "CategoryRow": summary["categories"][0],
        "DetectorRow": summary["detectors"][0], "BaselineSummary": summary["baseline"],
        "PolicyName": summary["policy"], "Failure": acc["failures"][0],
        "Coverage": res["coverage"], "CoverageSide": res["coverage"]["destination"],
        "ProfileRow": summary["profile"][0],
    }
    for name, value in shapes.items():
        assert sorted(_typed_dict_keys(name, optional=False)) == sorted(value), name
    assert len(table) > 0
