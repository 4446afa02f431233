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


def probe(htmls: list[Path], script: str, width: int = 1280,
          shots: list[Path | None] | None = None) -> list:
    """Open each page offline in a `width`-px-wide window, once its charts
    are drawn; what `script` (a JavaScript function of no argument) returns
    on each."""
    seen = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for i, html in enumerate(htmls):
            ctx = browser.new_context(offline=True, viewport={"width": width, "height": 900})
            page = ctx.new_page()
            page.goto(html.as_uri())
            page.wait_for_function(
                f"document.querySelectorAll('[data-chart] .main-svg').length >= {len(CHARTS)}",
                timeout=30_000)
            seen.append(page.evaluate(script))
            shot = shots[i] if shots else None
            if shot is not None:
                shot.parent.mkdir(parents=True, exist_ok=True)
                page.locator("table.findings").screenshot(path=str(shot))
            ctx.close()
        browser.close()
    return seen


# Per cell of the findings table's explanation ("why") column: is all of it
# visible (nothing scrolled away inside the cell, nothing past the window's
# right edge)?
WHY_CELLS = """() => {
  const t = document.querySelector('table.findings');
  const heads = [...t.querySelectorAll('thead th')];
  const marked = heads.findIndex(h => h.classList.contains('col-why'));
  // The explanation is the last column.
  const col = heads.length - 1;
  const cells = [...t.querySelectorAll('tbody tr')].map(r => r.children[col]);
  return {
    marked, col, width: innerWidth, page: document.documentElement.scrollWidth,
    table: t.getBoundingClientRect().right,
    cells: cells.map(c => ({text: c.textContent.length, scroll: c.scrollWidth,
                            client: c.clientWidth, right: c.getBoundingClientRect().right})),
    severity: [...t.querySelectorAll('tbody td.sev-critical')].map(
      c => getComputedStyle(c).backgroundColor),
  };
}"""


@pytest.mark.parametrize("locale", ["en", "de"])
def test_findings_explanations_wrap_in_a_narrow_window(cli, sample_dir, tmp_path: Path,
                                                        locale: str) -> None:
    """1024 px: the findings table (long hosts, paths and explanations)
    fits the window and every explanation is visible in full."""
    from test_report import write_mixed

    htmls = [tmp_path / f"sample-{locale}.html", tmp_path / f"mixed-{locale}.html"]
    for src, html in zip([sample_dir, write_mixed(tmp_path)], htmls, strict=True):
        r = cli("scan", str(src), "--preset", "cn-industrial-export", "--destination", "DE",
                "--format", "html", "--out", str(html), "--locale", locale, "--no-audit-log")
        assert r.returncode == 0, r.stderr.decode()
    shots = [SHOTS / f"report-findings-1024-{locale}.png", None]
    for seen in probe(htmls, WHY_CELLS, width=1024, shots=shots):
        assert seen["cells"], seen
        assert seen["table"] <= seen["width"], seen["table"]
        assert seen["page"] <= seen["width"], seen["page"]
        cut = [c for c in seen["cells"]
               if c["scroll"] > c["client"] or c["right"] > seen["width"]]
        assert cut == [], cut[:3]
        assert seen["marked"] == seen["col"], seen["marked"]
        # Critical violations are there, on a coloured background.
        assert seen["severity"] and set(seen["severity"]) != {"rgba(0, 0, 0, 0)"}, seen
    assert shots[0] is not None and shots[0].stat().st_size > 10_000


BANNER = """() => {
  const v = document.querySelector('#verdict');
  return {text: v.innerText, cls: v.className, bg: getComputedStyle(v).backgroundColor};
}"""


def test_the_banner_says_whether_the_scan_was_gated(cli, sample_dir, tmp_path: Path) -> None:
    """No --fail-on: NOT GATED in amber, never a green PASS; --fail-on high
    with high violations: FAIL in red; --fail-on on clean data: PASS in
    green."""
    clean = tmp_path / "clean.jsonl"
    clean.write_text(json.dumps({"site": "DE-MU-01", "msg": "shift started"}) + "\n")
    runs = {
        "ungated": ([str(sample_dir)], 0),
        "fail": ([str(sample_dir), "--fail-on", "high"], 1),
        "pass": ([str(clean), "--fail-on", "low"], 0),
    }
    htmls = []
    for name, (args, code) in runs.items():
        html = tmp_path / f"{name}.html"
        r = cli("scan", *args, "--format", "html", "--out", str(html), "--no-audit-log")
        assert r.returncode == code, (name, r.stderr.decode())
        htmls.append(html)
    ungated, fail, passed = probe(htmls, BANNER)
    amber, red, green = "rgb(255, 244, 224)", "rgb(253, 236, 234)", "rgb(232, 245, 233)"
    assert ungated["text"].startswith("NOT GATED"), ungated
    assert "ungated" in ungated["cls"].split() and "pass" not in ungated["cls"].split()
    assert ungated["bg"] == amber and "PASS" not in ungated["text"], ungated
    assert fail["text"].startswith("FAIL") and "exit code 1" in fail["text"], fail
    assert "fail" in fail["cls"].split() and fail["bg"] == red, fail
    assert passed["text"].startswith("PASS") and "exit code 0" in passed["text"], passed
    assert "pass" in passed["cls"].split() and passed["bg"] == green, passed
    # The same from a saved scan (`report`), with and without --fail-on.
    doc = tmp_path / "f.json"
    assert cli("scan", str(sample_dir), "--format", "json", "--out", str(doc), "-q",
               "--no-audit-log").returncode == 0
    pages = [tmp_path / "report-ungated.html", tmp_path / "report-fail.html"]
    assert cli("report", str(doc), "--out", str(pages[0])).returncode == 0
    assert cli("report", str(doc), "--out", str(pages[1]), "--fail-on", "high").returncode == 1
    ungated, fail = probe(pages, BANNER)
    assert ungated["text"].startswith("NOT GATED") and ungated["bg"] == amber, ungated
    assert fail["text"].startswith("FAIL") and fail["bg"] == red, fail
