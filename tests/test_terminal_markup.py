"""The terminal prints input literally: rich markup in paths, parse errors,
site codes or values (`[bold]`, `[link=...]`, a stray `[/x]`) must neither
style the output, turn into a hyperlink, nor make rich raise (a closing tag
with no opening one is a MarkupError: `borderscan diff` crashed on it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from borderscan import output
from rich.console import Console

MARKUP = "[bold]x[/bold][link=https://evil.example/]y[/link][/z]"
# File names cannot hold `/`, but a path's directories can spell a tag:
# `.../[bold]x[link=https:/evil.example/]y[/z]/...`.
DIRS = ("[bold]x[link=https:", "evil.example", "]y[", "z]")
NAME = "[bold]f[link=x]g.jsonl"


@pytest.fixture
def marked(tmp_path: Path) -> Path:
    d = tmp_path.joinpath(*DIRS)
    d.mkdir(parents=True)
    assert "[bold]x[link=https:/evil.example/]y[/z]" in str(d)
    (d / NAME).write_text(
        json.dumps({"site": MARKUP, "msg": f"{MARKUP} mail li.wei@example.cn",
                    MARKUP: {"email": "k.tanaka@example.jp"},
                    "url": f"https://collector.example.us/{MARKUP}"}) + "\n"
        # A record that does not parse: its place is printed.
        + '{"msg": "' + MARKUP + '"\n')
    # Binary, not text with a stray NUL (which is scanned): mostly control bytes.
    (d / "binary.log").write_bytes(b"\x00\x01\x02" * 100 + MARKUP.encode())
    return d


def test_summary_prints_markup_literally(cli, marked: Path) -> None:
    r = cli("scan", str(marked), "--no-audit-log")
    assert r.returncode == 0, r.stderr.decode()
    # Long lines wrap at 80 columns.
    out = r.stdout.decode().replace("\n", "")
    # The paths of the unparseable record and the binary file, as written.
    assert f"{marked / NAME}:2" in out, out
    assert f"binary, skipped {marked}/binary.log" in out, out
    assert "\x1b]8;" not in out  # no hyperlink escape


def test_problems_printed_through_rich_stay_text() -> None:
    """The same, checked on what rich renders (with colour on, so styles
    and links would show as escape sequences)."""
    acc = {"failures": [{"path": MARKUP, "error": MARKUP}],
           "unparseable_reasons": {"invalid_json": {
               "count": 1, "first": [{"path": MARKUP, "line": 2, "detail": MARKUP}]}},
           "per_file": [{"path": MARKUP, "binary_skipped": True, "special_skipped": 1,
                         "note": MARKUP, "truncated_lines": 1}]}
    result = output.Report(summary=None, detectors=None, accounting=acc, rule_packs=[],
                           residency={})
    c = Console(record=True, width=400, force_terminal=True, color_system="truecolor")
    output.print_problems(result, c)
    text = c.export_text(styles=False)
    assert text.count(MARKUP) == 8, text
    styled = c.export_text(styles=True)
    assert "\x1b]8;" not in styled  # no hyperlink
    assert "\x1b[1mx" not in styled  # no bold x


def test_diff_prints_markup_literally(cli, marked: Path, tmp_path: Path) -> None:
    store = tmp_path.joinpath("store", *DIRS)
    for _ in range(2):
        r = cli("scan", str(marked), "--store", str(store), "--no-audit-log", "-q")
        assert r.returncode == 0, r.stderr.decode()
    # The second scan sees one more destination: a new flow and host.
    (marked / "more.jsonl").write_text(json.dumps({
        "site": MARKUP, "mail": "c.d@example.com",
        "url": "https://x.example.cn/"}) + "\n")
    r = cli("scan", str(marked), "--store", str(store), "--no-audit-log", "-q")
    assert r.returncode == 0, r.stderr.decode()
    old, new = sorted(p for p in store.iterdir() if p.is_dir())[::2]
    r = cli("diff", str(old), str(new))
    assert r.returncode == 0, r.stderr.decode()
    out = r.stdout.decode()
    assert f"{old} -> {new}" in out.replace("\n", ""), out
    assert "new destinations: 1" in out and "x.example.cn" in out, out
