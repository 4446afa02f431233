"""The HTML report in a real browser: Debian's Chromium, driven by
Playwright, with the network blocked. Every chart must render, no request
may leave the page, and input that looks like markup must stay text."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "build" / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Skipped on a machine without Chromium, never in CI (.ci/run installs it and
# sets BORDERSCAN_REQUIRE_BROWSER, so a missing browser fails there).
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("BORDERSCAN_REQUIRE_BROWSER"),
    reason="Chromium is not installed (apt-get install chromium; .ci/run does)")

CHARTS = ("flows", "heatmap", "violations")


def render(html: Path, shot: Path | None = None, charts: tuple[str, ...] = CHARTS) -> dict:
    """Open the report offline; return what the page showed and requested."""
    requests: list[str] = []
    errors: list[str] = []
    dialogs: list[str] = []
    with sync_playwright() as p:
        # --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        ctx = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
        page = ctx.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        # An alert() from injected markup would show up here.
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.route("**/*", lambda route: route.continue_()
                   if route.request.url.startswith("file://") else route.abort())
        page.goto(html.as_uri())
        page.wait_for_function(
            f"document.querySelectorAll('[data-chart] .main-svg').length >= {len(charts)}",
            timeout=30_000)
        seen = {}
        for c in charts:
            box = page.locator(f"#chart-{c}").bounding_box()
            seen[c] = {
                "svg": page.locator(f"#chart-{c} .main-svg").count(),
                "height": box["height"] if box else 0,
            }
        seen["sankey_nodes"] = page.locator("#chart-flows .sankey-node").count()
        seen["sankey_labels"] = page.locator("#chart-flows .node-label").all_text_contents()
        seen["bars"] = page.locator("#chart-violations .bars .point").count()
        seen["heat"] = page.locator("#chart-heatmap .hm, #chart-heatmap image").count()
        seen["verdict"] = page.locator("#verdict").inner_text()
        seen["text"] = page.locator("body").inner_text()
        seen["pwned"] = page.evaluate("window.__pwned === undefined ? null : window.__pwned")
        if shot is not None:
            shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shot), full_page=True)
        browser.close()
    seen["requests"] = requests
    seen["errors"] = errors
    seen["dialogs"] = dialogs
    return seen


def test_sample_report_renders_offline(cli, sample_dir, tmp_path: Path) -> None:
    html = tmp_path / "report.html"
    r = cli("scan", str(sample_dir), "--format", "html", "--out", str(html),
            "--fail-on", "high", "--no-audit-log")
    assert r.returncode == 1, r.stderr.decode()
    page = render(html, SHOTS / "report-sample_data.png")
    for c in CHARTS:
        assert page[c]["svg"] >= 1 and page[c]["height"] > 100, (c, page[c])
    assert page["sankey_nodes"] > 5 and page["bars"] >= 4 and page["heat"] >= 1, page
    assert "CN-SZ-02 (CN)" in page["sankey_labels"], page["sankey_labels"]
    assert "FAIL" in page["verdict"] and "exit code 1" in page["verdict"]
    assert "violation(s) at or above high" in page["verdict"]
    # Only the file itself was loaded: nothing left the page.
    assert [u for u in page["requests"] if not u.startswith("file://")] == []
    assert page["errors"] == []
    assert (SHOTS / "report-sample_data.png").stat().st_size > 10_000


def test_markup_from_the_input_is_shown_not_run(cli, tmp_path: Path) -> None:
    evil = "<script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=2\">"
    log = tmp_path / "evil.jsonl"
    log.write_text(json.dumps({
        "site": "CN-SZ-02", "operator": {"email": "li.wei@example.cn"},
        # The url's path is masked (value-like segments); the field name
        # is shown, with the finding under it.
        "endpoint": f"https://collector.example.de/{evil}", evil: "k.tanaka@example.jp",
    }) + "\n")
    html = tmp_path / "report.html"
    r = cli("scan", str(log), "--format", "html", "--out", str(html), "--no-audit-log")
    assert r.returncode == 0, r.stderr.decode()
    page = render(html)
    assert page["pwned"] is None
    assert "<script>window.__pwned=1</script>" in page["text"]
    assert page["errors"] == []


def test_history_report_shows_trends(cli, sample_dir, tmp_path: Path) -> None:
    root = tmp_path / "scans"
    for preset in ("default", "eu-gdpr"):
        r = cli("scan", str(sample_dir), "--store", str(root), "--preset", preset, "-q")
        assert r.returncode == 0, r.stderr.decode()
    html = tmp_path / "history.html"
    r = cli("report", "--history", str(root), "--out", str(html), "--fail-on", "critical")
    assert r.returncode == 0, r.stderr.decode()
    charts = (*CHARTS, "trends")
    page = render(html, SHOTS / "report-history.png", charts)
    for c in charts:
        assert page[c]["svg"] >= 1 and page[c]["height"] > 100, (c, page[c])
    assert "Trends over stored scans (2)" in page["text"]
    assert "Audit log entry" in page["text"]
    assert [u for u in page["requests"] if not u.startswith("file://")] == []
    assert page["errors"] == []


def test_a_chinese_report_renders(cli, sample_dir, tmp_path: Path) -> None:
    html = tmp_path / "report-zh.html"
    r = cli("scan", str(sample_dir), "--format", "html", "--out", str(html), "--locale", "zh",
            "--fail-on", "high", "--no-audit-log")
    assert r.returncode == 1, r.stderr.decode()
    page = render(html, SHOTS / "report-sample_data-zh.png")
    for c in CHARTS:
        assert page[c]["svg"] >= 1 and page[c]["height"] > 100, (c, page[c])
    assert "未通过" in page["verdict"] and "主要发现" in page["text"]
    assert [u for u in page["requests"] if not u.startswith("file://")] == []


def test_markup_everywhere_in_the_input_never_runs(cli, tmp_path: Path) -> None:
    """Markup in values, field names, file and directory names, destinations,
    site codes (chart labels: JSON inside a script) and the policy: the page
    shows it as text, and none of it runs (no __pwned, no alert)."""
    from test_report import PAYLOADS, write_evil_inputs

    d, policy = write_evil_inputs(tmp_path)
    html = tmp_path / "report.html"
    r = cli("scan", str(d), "--format", "html", "--out", str(html), "--policy", str(policy),
            "--no-audit-log")
    assert r.returncode == 0, r.stderr.decode()
    page = render(html)
    assert page["pwned"] is None and page["dialogs"] == [], page["dialogs"]
    assert page["errors"] == []
    assert PAYLOADS["file"] in page["text"]
    assert PAYLOADS["script"] in page["text"]
    assert PAYLOADS["host"] in page["text"]
    assert any(PAYLOADS["end_script"] in label for label in page["sankey_labels"]), \
        page["sankey_labels"]
