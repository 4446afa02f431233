"""The HTML report says which inputs its verdict does not cover, or covers
read another way than as stored (issue 17): failed, binary, cut, decoded,
NUL bytes, unparseable records. An auditor reads the page, not stderr."""

from __future__ import annotations

import html
import re
from pathlib import Path

from borderscan import report


def section(page: str) -> str:
    m = re.search(r"<h2>What was not read as stored</h2>\s*(<table.*?</table>)", page, re.S)
    assert m, "no 'What was not read as stored' section"
    return html.unescape(m.group(1))


def inputs(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    good = b'{"email": "anna.schmidt@example.de", "url": "https://c.example.jp/x"}\n'
    (d / "good.jsonl").write_bytes(good * 3)
    (d / "image.bin").write_bytes(bytes(range(256)) * 64)
    (d / "wide.log").write_bytes(b"\xff\xfe" + (good * 2).decode().encode("utf-16-le"))
    (d / "nul.jsonl").write_bytes(good[:5] + b"\0" + good[5:])
    (d / "broken.jsonl").write_bytes(good + b'{"email": "x@example.de", \n')
    (d / "long.txt").write_bytes(b"a" * 5000 + b"\n")
    (d / "odd<script>.gz").write_bytes(b"\x1f\x8b\x08\x00" + b"\x00" * 20)
    return d


def test_the_page_names_every_input_not_read_as_stored(cli, tmp_path: Path) -> None:
    d = inputs(tmp_path)
    doc = tmp_path / "findings.json"
    r = cli("scan", str(d), "--format", "json", "--out", str(doc), "-q", "--no-audit-log",
            "--max-line-bytes", "4096")
    assert r.returncode == 3, r.stderr.decode()
    out = tmp_path / "r.html"
    assert cli("report", str(doc), "--out", str(out)).returncode == 0
    notes = section(out.read_text())
    for what, name in [("failed", "odd<script>.gz"), ("binary, skipped", "image.bin"),
                       ("decoded to UTF-8", "wide.log"),
                       ("NUL bytes scanned as spaces", "nul.jsonl"),
                       ("records not parsed (scanned as text)", "broken.jsonl"),
                       ("lines cut at the maximum", "long.txt")]:
        assert re.search(f"<td>{re.escape(what)}</td><td[^>]*>[^<]*{re.escape(name)}", notes), \
            (what, notes)
    # Problems first: the failed input is the first row.
    assert notes.index("failed") < notes.index("binary, skipped")
    # A file name is text, never markup.
    assert "odd<script>" not in out.read_text()
    assert "good.jsonl" not in notes
    # The same section in the scan's own HTML, translated.
    page = tmp_path / "de.html"
    r = cli("scan", str(d), "--format", "html", "--out", str(page), "-q", "--no-audit-log",
            "--locale", "de", "--max-line-bytes", "4096")
    assert r.returncode == 3, r.stderr.decode()
    text = page.read_text()
    assert "Was nicht wie gespeichert gelesen wurde" in text
    assert "binär, übersprungen" in text


def test_a_clean_scan_has_no_such_section(cli, tmp_path: Path) -> None:
    src = tmp_path / "ok.jsonl"
    src.write_bytes(b'{"email": "anna.schmidt@example.de"}\n' * 5)
    out = tmp_path / "r.html"
    r = cli("scan", str(src), "--format", "html", "--out", str(out), "-q", "--no-audit-log")
    assert r.returncode == 0, r.stderr.decode()
    assert "What was not read as stored" not in out.read_text()


def test_a_long_list_is_cut_and_counted() -> None:
    acc = {"per_file": [{"path": f"f{i}.bin", "binary_skipped": 1, "bytes": 10}
                        for i in range(250)]}
    rows = report.input_notes(acc)
    assert len(rows) == report.INPUT_NOTES + 1
    assert rows[-1][1] == "and 50 more"
