"""`borderscan report` and `scan --format html` without a browser: one file,
no external resource, the verdict on top, masked evidence."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

SECRET = "AKIAQ2ZK7FJX3NAMVB5D"


def test_report_from_a_saved_scan(cli, sample_dir, tmp_path: Path) -> None:
    doc = tmp_path / "findings.json"
    assert cli("scan", str(sample_dir), "--format", "json", "--out", str(doc), "-q",
               "--no-audit-log").returncode == 0
    out = tmp_path / "r.html"
    r = cli("report", str(doc), "--out", str(out), "--fail-on", "critical")
    # The exit code says what the page says: FAIL, 1.
    assert r.returncode == 1, r.stderr.decode()
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert re.search(r"<strong>FAIL</strong> &middot; exit code 1", page)
    # Self-contained: no script, style sheet or image is fetched from elsewhere
    # (the markup outside the inline scripts names no URL to load).
    assert not re.search(r"<script[^>]*\bsrc\s*=", page)
    markup = re.sub(r"<script\b[^>]*>.*?</script>", "", page, flags=re.S)
    assert "<link" not in markup
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", markup)
    assert "default-src 'none'" in page
    for chart in ("flows", "heatmap", "violations"):
        assert f'id="chart-{chart}"' in page
    # The flow diagram starts at the origin site, named with its country.
    assert re.search(r'"CN-SZ-02 \(CN\)"', page)


def test_scan_html_masks_evidence(cli, tmp_path: Path) -> None:
    log = tmp_path / "t.jsonl"
    log.write_text(json.dumps({"site": "CN-SZ-02", "msg": f"key {SECRET} in use",
                               "endpoint": "https://s3.us-east-1.amazonaws.com/b"}) + "\n")
    out = tmp_path / "r.html"
    r = cli("scan", str(log), "--format", "html", "--out", str(out), "--no-audit-log")
    assert r.returncode == 0, r.stderr.decode()
    page = out.read_text()
    assert "secret.aws_access_key" in page and SECRET not in page


def test_report_of_something_else_is_a_usage_error(cli, tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text("[1, 2]")
    r = cli("report", str(bad), "--out", str(tmp_path / "r.html"))
    assert r.returncode == 2 and b"not a `scan --format json` document" in r.stderr


def test_report_in_the_auditors_language(cli, sample_dir, tmp_path: Path) -> None:
    doc = tmp_path / "findings.json"
    assert cli("scan", str(sample_dir), "--format", "json", "--out", str(doc), "-q",
               "--no-audit-log").returncode == 0
    expect = {
        "de": ['lang="de"', "NICHT BESTANDEN", "Bilanz", "Wichtigste Funde", "1.634",
               "personenbezogene Daten", "Datenflüsse: Herkunft"],
        "zh": ['lang="zh"', "未通过", "主要发现", "个人信息", "1,634"],
        "ja": ['lang="ja"', "不合格", "主な検出", "個人情報"],
        "vi": ['lang="vi"', "KHÔNG ĐẠT", "Các phát hiện chính", "dữ liệu cá nhân", "1.634"],
    }
    for locale, words in expect.items():
        out = tmp_path / f"r-{locale}.html"
        r = cli("report", str(doc), "--out", str(out), "--fail-on", "high", "--locale", locale)
        assert r.returncode == 1, r.stderr.decode()  # the page says FAIL
        page = re.sub(r"<script\b[^>]*>.*?</script>", "", out.read_text(), flags=re.S)
        for w in words:
            assert w in page, (locale, w)


# Markup in every place the report shows input: values, field names, file
# and directory names, destinations, origin site codes (which become chart
# labels, i.e. JSON inside a <script>) and policy rule names. Each payload
# sets window.__pwned or calls alert() if it ever runs.
PAYLOADS = {
    "script": "<script>window.__pwned=1;alert(1)</script>",
    "attr": "\"><img src=x onerror=\"window.__pwned=2;alert(2)\">",
    "end_script": "</script><script>window.__pwned=3;alert(3)</script>",
    "file": "'><img src=x onerror=window.__pwned=4>",
    "host": "x<img src=x onerror=window.__pwned=5>",
    "rule": "<img src=x onerror=window.__pwned=6>",
}


def write_evil_inputs(root: Path) -> tuple[Path, Path]:
    """(input directory, policy file) full of markup."""
    d = root / f"in{PAYLOADS['file']}"
    d.mkdir(parents=True)
    recs = [
        {"site": PAYLOADS["end_script"], PAYLOADS["script"]: {"email": "li.wei@example.cn"},
         "endpoint": f"https://{PAYLOADS['host']}.example.de/up"},
        {"site": "CN-SZ-02", "msg": f"{PAYLOADS['attr']} card 4111 1111 1111 1111 "
                                    f"{PAYLOADS['script']}",
         "endpoint": f"https://collector.example.de/{PAYLOADS['attr']}"},
        {"site": f"[bold]{PAYLOADS['attr']}", "phone": "+86 138 0013 8000",
         "url": "https://collector.example.us/x"},
    ]
    (d / f"{PAYLOADS['file']}.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in recs))
    # A malformed record: its problem (and place) is listed too.
    (d / "broken.jsonl").write_text('{"msg": "' + PAYLOADS["end_script"] + '"\n')
    policy = root / "policy.toml"
    # Names and ids are validated (lower case, digits, '-'); descriptions
    # and exceptions are free text, and exceptions are shown per finding.
    policy.write_text(f'''
name = "evil"
version = "1"
description = "{PAYLOADS['rule']}"
sources = ["{PAYLOADS['rule']}"]

[[rule]]
id = "no-personal-abroad"
description = "</script><script>window.__pwned=7</script>"
categories = ["personal"]
allow = ["@origin"]
severity = "high"

[[exception]]
rule = "no-personal-abroad"
owner = "{PAYLOADS['rule']}"
reason = "</script><script>window.__pwned=8</script>"
expires = 2099-01-01
hosts = ["collector.example.us"]
''')
    return d, policy


def unescaped_markup(page: str) -> list[str]:
    """Payload markup that the page holds as markup (not text): a tag that
    would run, in the HTML or in the JSON of an inline script."""
    return re.findall(r"<script>window\.__pwned|<img src=x onerror", page)


def test_html_report_escapes_markup_from_the_input(cli, tmp_path: Path) -> None:
    d, policy = write_evil_inputs(tmp_path)
    out = tmp_path / "r.html"
    r = cli("scan", str(d), "--format", "html", "--out", str(out), "--policy", str(policy),
            "--no-audit-log")
    assert r.returncode == 0, r.stderr.decode()
    page = out.read_text()
    # The payloads are there (values, field names, file and directory names,
    # destinations, chart labels), as text.
    for i in range(1, 6):
        assert f"window.__pwned={i}" in page, i
    assert unescaped_markup(page) == []
    # Exactly the report's own scripts: the plotly library and one per chart.
    assert page.count("<script") == page.count("</script>") == 1 + 3
    # The same from a saved scan (`report`).
    doc = tmp_path / "f.json"
    r = cli("scan", str(d), "--format", "json", "--out", str(doc), "--policy", str(policy),
            "--no-audit-log")
    assert r.returncode == 0, r.stderr.decode()
    r = cli("report", str(doc), "--out", str(tmp_path / "r2.html"))
    assert r.returncode == 0, r.stderr.decode()
    page = (tmp_path / "r2.html").read_text()
    assert "__pwned" in page and unescaped_markup(page) == []


# The top findings table: a severity column, and a note when --destination
# set every record's destination.
MIXED = [
    # A critical violation (a secret), sent to a cloud region, with a long
    # unbroken URL.
    {"site": "CN-SZ-02", "msg": f"key {SECRET} in use",
     "endpoint": "https://s3.us-east-1.amazonaws.com/bucket/very/long/path/without/any/"
                 "spaces/at/all/0123456789abcdef0123456789abcdef"},
    # A destination that cannot be placed: unknown, no severity.
    {"site": "CN-SZ-02", "operator": {"email": "li.wei@example.cn"},
     "endpoint": "https://collector.internal-gateway-cluster-0001.corp/upload"},
    # Industrial data leaving CN: high violations (cn-industrial-export).
    {"site": "CN-SZ-02", "setpoint_temp": 215.5, "recipe": "R-77",
     "endpoint": "https://upload.example.de/x"},
]


def write_mixed(root: Path) -> Path:
    log = root / "mixed.jsonl"
    log.write_text("".join(json.dumps(r) + "\n" for r in MIXED))
    return log


class _Cells(HTMLParser):
    """The header and the rows of one table (by class): (classes, text) per cell."""

    def __init__(self, cls: str) -> None:
        super().__init__()
        self.cls, self.inside, self.cell = cls, False, None
        self.head: list[str] = []
        self.rows: list[list[tuple[str, str]]] = []
        self._attrs = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self.inside = self.cls in (a.get("class") or "").split()
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell, self._attrs = [], a.get("class") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            text = "".join(self.cell).strip()
            if tag == "th":
                self.head.append(text)
            else:
                self.rows[-1].append((self._attrs, text))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def table_cells(page: str, cls: str) -> tuple[list[str], list[list[tuple[str, str]]]]:
    p = _Cells(cls)
    p.feed(page)
    assert p.head, f"no table of class {cls}"
    return p.head, [r for r in p.rows if r]


def test_findings_table_shows_the_severity(cli, tmp_path: Path) -> None:
    log = write_mixed(tmp_path)
    out = tmp_path / "r.html"
    r = cli("scan", str(log), "--preset", "cn-industrial-export", "--format", "html",
            "--out", str(out), "--no-audit-log")
    assert r.returncode == 0, r.stderr.decode()
    head, rows = table_cells(out.read_text(), "findings")
    sev, det, verdict = head.index("severity"), head.index("detector"), head.index("verdict")
    by = {(row[det][1], row[verdict][1]): row[sev] for row in rows}
    # A violation shows its severity, coloured by a class per severity ...
    cls, text = by[("secret.aws_access_key", "violation")]
    assert text == "critical" and "sev-critical" in cls.split(), (cls, text)
    cls, text = by[("operational.recipe", "violation")]
    assert text == "high" and "sev-high" in cls.split(), (cls, text)
    # ... anything else a dash, with no severity class.
    cls, text = by[("personal.email", "unknown")]
    assert text == "—" and "sev-" not in cls, (cls, text)
    # In the auditor's language too.
    doc = tmp_path / "f.json"
    assert cli("scan", str(log), "--preset", "cn-industrial-export", "--format", "json",
               "--out", str(doc), "--no-audit-log", "-q").returncode == 0
    out = tmp_path / "r-de.html"
    r = cli("report", str(doc), "--out", str(out), "--locale", "de")
    assert r.returncode == 0, r.stderr.decode()
    head, rows = table_cells(out.read_text(), "findings")
    sev = head.index("Schweregrad")
    assert any(text == "kritisch" and "sev-critical" in cls.split()
               for cls, text in (row[sev] for row in rows)), rows


OVERRIDE = "Every record's destination was set to DE by --destination"


def test_findings_table_says_when_destination_overrode_the_record(cli, tmp_path: Path
                                                                  ) -> None:
    log = write_mixed(tmp_path)
    out = tmp_path / "r.html"
    r = cli("scan", str(log), "--preset", "cn-industrial-export", "--destination", "DE",
            "--format", "html", "--out", str(out), "--no-audit-log")
    assert r.returncode == 0, r.stderr.decode()
    page = html.unescape(out.read_text())
    assert page.count('id="dest-override"') == 1
    assert OVERRIDE in page
    assert "the destination column shows what the record itself named" in page
    # Per row: the host the record named, and the country it was set to.
    head, rows = table_cells(page, "findings")
    dest = head.index("destination")
    aws = [row[dest][1] for row in rows if "s3.us-east-1.amazonaws.com" in row[dest][1]]
    assert aws and all("set to DE by --destination" in d for d in aws), aws
    # The note comes from the data: a saved scan's report says it too.
    doc = tmp_path / "f.json"
    assert cli("scan", str(log), "--preset", "cn-industrial-export", "--destination", "DE",
               "--format", "json", "--out", str(doc), "--no-audit-log", "-q").returncode == 0
    r = cli("report", str(doc), "--out", str(tmp_path / "r2.html"))
    assert r.returncode == 0, r.stderr.decode()
    assert OVERRIDE in html.unescape((tmp_path / "r2.html").read_text())
    # In German as well.
    r = cli("report", str(doc), "--out", str(tmp_path / "r3.html"), "--locale", "de")
    assert r.returncode == 0, r.stderr.decode()
    de = (tmp_path / "r3.html").read_text()
    assert 'id="dest-override"' in de and OVERRIDE not in de and "--destination" in de
    # Without --destination, no such note and no such marking.
    out = tmp_path / "plain.html"
    r = cli("scan", str(log), "--preset", "cn-industrial-export", "--format", "html",
            "--out", str(out), "--no-audit-log")
    assert r.returncode == 0, r.stderr.decode()
    page = out.read_text()
    assert 'id="dest-override"' not in page and "by --destination" not in page
