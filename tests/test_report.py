"""`borderscan report` and `scan --format html` without a browser: one file,
no external resource, the verdict on top, masked evidence."""

from __future__ import annotations

import json
import re
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
