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
    assert r.returncode == 0, r.stderr.decode()
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
        "de": ['lang="de"', "NICHT BESTANDEN", "Bilanz", "Wichtigste Funde", "1.204",
               "personenbezogene Daten", "Datenflüsse: Herkunft"],
        "zh": ['lang="zh"', "未通过", "主要发现", "个人信息", "1,204"],
        "ja": ['lang="ja"', "不合格", "主な検出", "個人情報"],
        "vi": ['lang="vi"', "KHÔNG ĐẠT", "Các phát hiện chính", "dữ liệu cá nhân", "1.204"],
    }
    for locale, words in expect.items():
        out = tmp_path / f"r-{locale}.html"
        r = cli("report", str(doc), "--out", str(out), "--fail-on", "high", "--locale", locale)
        assert r.returncode == 0, r.stderr.decode()
        page = re.sub(r"<script\b[^>]*>.*?</script>", "", out.read_text(), flags=re.S)
        for w in words:
            assert w in page, (locale, w)
