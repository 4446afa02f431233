"""The HTML report: one self-contained file that opens offline.

Charts are Plotly figures with plotly.js embedded once in the page (no CDN,
no network); everything that came from the scanned input is HTML-escaped.
The page leads with the verdict and the accounting, then the flows from
origin through data category to destination, a heat map of category by
destination country, violations by rule and severity, the top findings with
masked evidence and an explanation each, and the inputs with their SHA-256.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from borderscan import _core
from borderscan._verdict import explain, violations_by_severity

# Translates a label into the report's language.
Translate = Callable[[str], str]

# Most serious first (the engine lists severities from the least); a
# finding without a severity comes last.
SEVERITY_RANK = {s: i for i, s in enumerate(reversed(_core.SEVERITIES))}
# Per verdict and per severity, in the engine's orders.
VERDICT_COLOUR = dict(zip(_core.VERDICTS, ("rgba(44,160,44,0.45)", "rgba(31,119,180,0.45)",
                                           "rgba(127,127,127,0.45)", "rgba(214,39,40,0.55)"),
                          strict=True))
SEVERITY_COLOUR = dict(zip(_core.SEVERITIES, ("#bcbd22", "#ff7f0e", "#d62728", "#7f0000"),
                           strict=True))
# The text on each severity's colour in the findings table (for contrast).
SEVERITY_TEXT = dict(zip(_core.SEVERITIES, ("#222", "#222", "#fff", "#fff"), strict=True))
# The findings the report lists: violations, then destinations to review.
SHOWN_VERDICTS = ("violation", "unknown")
TOP = 50
INTRO = ("Violations first, by severity, then destinations that could not be placed. "
         "Evidence is masked.")
# The findings table's columns: header, and the class of its header and of
# its cells. Cells may break anywhere (hosts, paths, masked values and the
# explanation hold long unbroken words), so the table fits the window;
# verdict and severity never break.
FINDING_COLUMNS = (("where", "col-where", ""), ("detector", "col-detector", ""),
                   ("evidence", "col-evidence", ""), ("destination", "col-destination", ""),
                   ("verdict", "col-verdict", "col-verdict"),
                   ("severity", "col-severity", "col-severity"), ("why", "col-why", ""))
# Said above the findings table when --destination set the records'
# destination (the findings' `dest_source` is `cli`, so the report of a
# saved scan says it too), and in each such finding's destination cell.
OVERRIDE_NOTE = ("Every record's destination was set to {country} by --destination; "
                 "the destination column shows what the record itself named.")
OVERRIDE_CELL = "set to {country} by --destination"


# Rows of the data profile the report shows: the feeds and fields with the
# most violations, then unknown destinations, then findings.
PROFILE_ROWS = 40
PROFILE_INTRO = ("Per input file pattern (digits as *) and field: what was found there, "
                 "where it goes and how much of it breaks the policy. The JSON output "
                 "(profile) and the Python API (ScanResult.profile) have every row.")
# Its columns' classes: file patterns, destinations and examples
# may break anywhere, so the table fits the window.
PROFILE_COLUMNS = ("col-files wrap", "", "", "", "", "wrap", "", "", "wrap")


def top_findings(rows: Iterable[dict[str, Any]], n: int = TOP) -> list[dict[str, Any]]:
    """Violations first (by severity), then unknown destinations, in scan order."""
    def key(r: dict[str, Any]) -> tuple[int, int]:
        v = r.get("verdict")
        return (0 if v == "violation" else 1 if v == "unknown" else 2,
                SEVERITY_RANK.get(r.get("severity") or "", len(SEVERITY_RANK)))
    chosen = [r for r in rows if r.get("verdict") in SHOWN_VERDICTS]
    return sorted(chosen, key=key)[:n]


def top_stored_findings(frame: Any, n: int = TOP) -> list[dict[str, Any]]:
    """`top_findings` of a stored scan's lazy frame, worked out by Polars'
    streaming engine: a store may hold millions of findings, and only `n`
    of them become rows (the same rows, in the same order)."""
    import polars as pl

    # Typed literals: Polars 2.1 cannot sort by a key of "dynamic" integers.
    last = pl.lit(len(SEVERITY_RANK), dtype=pl.Int64)
    verdict = (pl.when(pl.col("verdict") == "violation").then(pl.lit(0, dtype=pl.Int64))
               .otherwise(pl.lit(1, dtype=pl.Int64)))
    # A when/then chain, not `replace_strict`, which the streaming engine
    # runs on the whole column at once (1.4 GB for 3 million findings).
    severity: Any = pl
    for name, rank in SEVERITY_RANK.items():
        severity = severity.when(pl.col("severity") == name).then(pl.lit(rank, dtype=pl.Int64))
    severity = severity.otherwise(last)
    # `bottom_k`, not sort-then-head: the streaming engine keeps only `n`
    # rows for it, where a sort holds every finding.
    keys = ["_verdict", "_severity", "_order"]
    top: pl.DataFrame = (frame.with_row_index("_order")
            .filter(pl.col("verdict").is_in(SHOWN_VERDICTS))
            .with_columns(verdict.alias("_verdict"), severity.alias("_severity"))
            .bottom_k(n, by=keys).sort(keys).drop(keys)
            .collect(engine="streaming"))
    return top.to_dicts()


SITES = ["origin", "origin_country", "category", "dest_country", "verdict"]
MAX_SITES = 30


def site_flows(frame: Any) -> Any:
    """Findings counted by origin site, category, destination and verdict
    (a Polars frame of findings in, a small frame out)."""
    import polars as pl

    return frame.group_by(SITES).agg(pl.len().cast(pl.Int64).alias("hits"))


def _figures(residency: dict[str, Any], _: Translate = lambda m: m,
             sites: list[dict[str, Any]] | None = None) -> list[tuple[str, str, Any]]:
    """(id, title, plotly figure) of each chart; `_` translates labels. With
    `sites` (rows of `site_flows`), the flow diagram starts at the origin
    site (the busiest MAX_SITES; the rest as their country)."""
    from borderscan.export import CATEGORY

    def cat(c: str) -> str:
        return _(CATEGORY.get(c, c))

    flows = residency.get("flows", [])
    return [
        ("flows", _("Flows: origin, data category, destination (findings; red: "
                    "violation, green: allowed, grey: unknown, blue: exempted)"),
         _sankey(flows, sites, _, cat)),
        ("heatmap", _("Data category by destination country (findings)"), _heatmap(flows, cat)),
        ("violations", _("Violations by policy rule and severity (findings)"),
         _violation_bars(residency.get("violations", []), _)),
    ]


def _sankey(flows: list[dict[str, Any]], sites: list[dict[str, Any]] | None, _: Translate,
            cat: Translate) -> Any:
    """Flow diagram: origin country (or site) -> category -> destination country."""
    import plotly.graph_objects as go

    labels: list[str] = []
    index: dict[tuple[str, str], int] = {}

    def node(kind: str, name: str) -> int:
        k = (kind, name)
        if k not in index:
            index[k] = len(labels)
            labels.append(cat(name) if kind == "category" else name if kind == "site"
                          else f"{name} ({_(kind)})")
        return index[k]

    links: dict[tuple[int, int, str], int] = {}
    busiest = _busiest_sites(sites or [])
    for f in sites or flows:
        site = f.get("origin") if sites else None
        o = (node("site", f"{site} ({f['origin_country']})") if site in busiest
             else node("origin", f["origin_country"]))
        c = node("category", f["category"])
        d = node("destination", f["dest_country"])
        for a, b in ((o, c), (c, d)):
            k = (a, b, f["verdict"])
            links[k] = links.get(k, 0) + f["hits"]
    sankey = go.Figure(go.Sankey(
        node={"label": labels, "pad": 14, "thickness": 14},
        link={"source": [k[0] for k in links], "target": [k[1] for k in links],
              "value": list(links.values()),
              "color": [VERDICT_COLOUR.get(k[2], "rgba(0,0,0,0.3)") for k in links],
              "customdata": [_(k[2]) for k in links],
              "hovertemplate": "%{source.label} -> %{target.label}<br>%{value} findings, "
                               "%{customdata}<extra></extra>"}))
    sankey.update_layout(height=520, margin={"l": 10, "r": 10, "t": 10, "b": 10})
    return sankey


def _busiest_sites(sites: list[dict[str, Any]]) -> set[str]:
    """The MAX_SITES origin sites with the most findings (ties by name)."""
    per: dict[str, int] = {}
    for f in sites:
        if f.get("origin"):
            per[f["origin"]] = per.get(f["origin"], 0) + f["hits"]
    return set(sorted(per, key=lambda k: (-per[k], k))[:MAX_SITES])


def _heatmap(flows: list[dict[str, Any]], cat: Translate) -> Any:
    """Heat map: category x destination country."""
    import plotly.graph_objects as go

    cats = sorted({f["category"] for f in flows})
    dests = sorted({f["dest_country"] for f in flows})
    z = [[0] * len(dests) for _ in cats]
    for f in flows:
        z[cats.index(f["category"])][dests.index(f["dest_country"])] += f["hits"]
    heat = go.Figure(go.Heatmap(z=z, x=dests, y=[cat(c) for c in cats], colorscale="Reds",
                                hovertemplate="%{y} to %{x}: %{z} findings<extra></extra>"))
    heat.update_layout(height=80 + 32 * max(len(cats), 1),
                       margin={"l": 10, "r": 10, "t": 10, "b": 10})
    return heat


def _violation_bars(viol: list[dict[str, Any]], _: Translate) -> Any:
    """Violations by rule, stacked by severity (most serious first)."""
    import plotly.graph_objects as go

    bars = go.Figure()
    for sev in reversed(_core.SEVERITIES):
        rows = [v for v in viol if v["severity"] == sev]
        if rows:
            bars.add_trace(go.Bar(name=_(sev), x=[v["rule"] for v in rows],
                                  y=[v["hits"] for v in rows],
                                  marker_color=SEVERITY_COLOUR[sev]))
    bars.update_layout(barmode="stack", height=360,
                       margin={"l": 10, "r": 10, "t": 10, "b": 10})
    return bars


def _trend_figure(trends: list[dict[str, Any]], _: Any = lambda m: m) -> Any:
    """Violation findings by severity, and records scanned, per stored scan."""
    import plotly.graph_objects as go

    x = [t["started"] for t in trends]
    fig = go.Figure()
    for sev in reversed(_core.SEVERITIES):
        fig.add_trace(go.Scatter(x=x, y=[t["by_severity"].get(sev, 0) for t in trends],
                                 name=f"{_(sev)}: {_('violation findings')}",
                                 mode="lines+markers",
                                 line={"color": SEVERITY_COLOUR[sev]}))
    fig.add_trace(go.Scatter(x=x, y=[t["records"] for t in trends], name=_("records scanned"),
                             mode="lines+markers", yaxis="y2", line={"dash": "dot"}))
    fig.update_layout(height=360, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                      yaxis={"title": _("violation findings")},
                      yaxis2={"title": _("records"), "overlaying": "y", "side": "right"})
    return fig


def trend_point(doc: dict[str, Any]) -> dict[str, Any]:
    """What the trends chart needs of one stored scan's scan.json."""
    by = violations_by_severity(doc.get("residency", {}))
    return {"started": doc.get("started", ""), "records": doc.get("accounting", {})
            .get("records", 0), "by_severity": by, "exit_code": doc.get("exit_code")}


def destination_override(residency: dict[str, Any], findings: Iterable[dict[str, Any]]
                         ) -> list[str]:
    """The countries `--destination` set the destination to, or [] when it
    was not given: findings whose `dest_source` is `cli` (or, when the table
    shows none, a residency whose every destination was decided so). From
    the data, not the command line: `borderscan report` of a saved scan
    knows it too."""
    countries = {str(r.get("dest_country")) for r in findings
                 if r.get("dest_source") == "cli" and r.get("dest_country")}
    sources = residency.get("dest_sources") or {}
    if not countries and sources.get("cli") and set(sources) == {"cli"}:
        countries = {str(f["dest_country"]) for f in residency.get("flows", [])
                     if f.get("dest_country")}
    return sorted(countries)


@dataclass(frozen=True)
class Cell:
    """A table cell with classes of its own and, under its text, a note."""
    text: str
    cls: str = ""
    note: str = ""


def _table(header: list[str], rows: Iterable[Sequence[Any]], cls: str = "",
           cols: Sequence[str] = (), heads: Sequence[str] | None = None) -> str:
    """A table; `cols` are the classes of each column's cells, `heads` of
    its headers (by default the same)."""
    e = html.escape

    def attr(classes: Sequence[str], i: int, extra: str = "") -> str:
        c = " ".join(x for x in (classes[i] if i < len(classes) else "", extra) if x)
        return f' class="{e(c)}"' if c else ""

    def td(i: int, c: Any) -> str:
        if isinstance(c, Cell):
            note = f'<span class="note">{e(c.note)}</span>' if c.note else ""
            return f"<td{attr(cols, i, c.cls)}>{e(c.text)}{note}</td>"
        return f"<td{attr(cols, i)}>{e(str(c))}</td>"

    head = "".join(f"<th{attr(cols if heads is None else heads, i)}>{e(h)}</th>"
                   for i, h in enumerate(header))
    body = "".join("<tr>" + "".join(td(i, c) for i, c in enumerate(r)) + "</tr>"
                   for r in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _finding_row(r: dict[str, Any], _: Translate) -> list[Any]:
    """One row of the findings table (FINDING_COLUMNS)."""
    sev = r.get("severity")
    dest: Any = r.get("destination") or ""
    if r.get("dest_source") == "cli":
        # The record named `dest` (or nothing); --destination decided.
        dest = Cell(dest or "—", "overridden",
                    _(OVERRIDE_CELL).format(country=r.get("dest_country")))
    severity = (Cell(_(sev), f"sev sev-{sev}") if r.get("verdict") == "violation" and sev
                else Cell("—"))
    return [f"{r.get('path')}:{r.get('line')}:{r.get('column')}", r.get("detector"),
            r.get("evidence"), dest, _(r.get("verdict") or ""), severity, explain(r)]


# Rows of the "not read as stored" table before "... and N more".
INPUT_NOTES = 200


def input_notes(accounting: dict[str, Any], _: Translate = lambda m: m,
                limit: int = INPUT_NOTES) -> list[list[str]]:
    """What of the input was not read as it was stored, one row (what, where,
    detail) per file and kind, problems first: an auditor must see on the
    page which files the verdict does not cover, and which were read in
    another way than plain UTF-8 text."""
    rows = [[_("failed"), f["path"], f.get("error", "")]
            for f in accounting.get("failures", [])]
    geoip = accounting.get("geoip_errors") or {}
    if geoip.get("count"):
        first = "; ".join(f"{x['ip']}: {x['error']}" for x in geoip.get("first", [])[:3])
        rows.append([_("GeoIP lookups failed"), str(geoip.get("database", "")),
                     f"{geoip['count']:,} IP address(es): {first}"])
    for r in accounting.get("journal_rejected") or []:
        rows.append([_("journal entry rejected, scanned again"), r["path"], r["reason"]])
    for reason, stats in accounting.get("unparseable_reasons", {}).items():
        first = (stats.get("first") or [None])[0]
        where = f"{first['path']}:{first['line']}" if first else ""
        rows.append([_("records not parsed (scanned as text)"), where,
                     f"{stats['count']:,} x {reason}"])
    kinds: list[tuple[str, str, Callable[[dict[str, Any]], str]]] = [
             ("binary_skipped", _("binary, skipped"), lambda f: f"{f['bytes']:,} bytes"),
             ("special_skipped", _("skipped"), lambda f: f.get("note", "")),
             ("truncated_lines", _("lines cut at the maximum"),
              lambda f: f"{f['truncated_lines']:,} line(s)"),
             ("encoding", _("decoded to UTF-8"), lambda f: f["encoding"]),
             ("nul_bytes", _("NUL bytes scanned as spaces"), lambda f: f"{f['nul_bytes']:,}")]
    for key, what, detail in kinds:
        rows += [[what, f["path"], detail(f)]
                 for f in accounting.get("per_file", []) if f.get(key)]
    if len(rows) > limit:
        more = _("and {n} more").format(n=f"{len(rows) - limit:,}")
        rows = [*rows[:limit], ["...", more, ""]]
    return rows


CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#222}
h1{margin-bottom:.2rem} .meta{color:#555;margin-top:0}
.verdict{padding:1rem 1.2rem;border-radius:6px;margin:1rem 0;font-size:1.1rem}
.pass{background:#e8f5e9;border-left:6px solid #2ca02c}
.fail{background:#fdecea;border-left:6px solid #d62728}
.ungated{background:#fff4e0;border-left:6px solid #ff7f0e}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:.9rem}
td,th{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f5f5f5} td.num{text-align:right}
.chart{margin:1rem 0 2rem} code{font-size:.85rem}
table.findings{width:100%}
th.col-where{width:16%} th.col-detector{width:12%} th.col-evidence{width:10%}
th.col-destination{width:14%} th.col-why{width:36%} th.col-files{width:20%}
td.wrap,table.findings td{overflow-wrap:anywhere}
.findings td.col-verdict,.findings td.col-severity{overflow-wrap:normal;white-space:nowrap}
td.sev{font-weight:600}
td .note{display:block;color:#555;font-size:.8rem;margin-top:.15rem}
td.overridden .note{color:#1f5f99}
.override{background:#eef4fb;border-left:4px solid #1f77b4;padding:.4rem .7rem}
""" + "".join(f"td.sev-{s}{{background:{c};color:{SEVERITY_TEXT[s]}}}\n"
              for s, c in SEVERITY_COLOUR.items())


def build_html(*, accounting: dict[str, Any], summary: list[dict[str, Any]],
               residency: dict[str, Any], findings: list[dict[str, Any]],
               exit_code: int | None, reasons: list[str], tool: dict[str, Any],
               gated: bool = True,
               policy: dict[str, Any] | None = None, inputs: list[dict[str, Any]] | None = None,
               audit_entry: dict[str, Any] | None = None,
               trends: list[dict[str, Any]] | None = None, locale: str = "en",
               sites: list[dict[str, Any]] | None = None,
               profile: list[dict[str, Any]] | None = None) -> str:
    """The whole report as one HTML document, its labels in `locale` (en, zh,
    de, ja, vi) and its numbers in that locale's conventions (Babel)."""
    from babel.numbers import format_decimal
    from plotly.offline import get_plotlyjs

    from borderscan.export import CATEGORY, translator

    _ = translator(locale)

    def n(x: Any) -> str:
        return format_decimal(x, locale=locale) if isinstance(x, int | float) else str(x)

    e = html.escape
    failed = bool(exit_code)
    # No threshold, and nothing else failed: the page says what was found
    # (the reasons), not PASS.
    ungated = not gated and not failed
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    verdicts = residency.get("verdicts", {})
    violations = verdicts.get("violation", {}).get("hits", 0)
    status = (_("NOT GATED") if ungated
              else (_("FAIL") if failed else _("PASS")) if exit_code is not None
              else _("borderscan report"))
    parts = [
        f"<!DOCTYPE html><html lang=\"{e(locale)}\"><head><meta charset=\"utf-8\">",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        # Nothing may load from elsewhere: the page must open offline.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
        "img-src data:; font-src data:\">",
        f"<title>{e(_('borderscan report'))}</title>", f"<style>{CSS}</style>",
        f"<script>{get_plotlyjs()}</script></head><body>",
        f"<h1>{e(_('borderscan report'))}</h1>",
        f"<p class=\"meta\">{e(tool.get('name', 'borderscan'))} {e(tool.get('version', ''))}"
        f" &middot; {e(_('generated'))} {e(when)}"
        + (f" &middot; {e(_('policy'))} {e(str(policy.get('name')))} "
           f"{e(str(policy.get('version')))}" if policy else "") + "</p>",
        f"<div class=\"verdict {'fail' if failed else 'ungated' if ungated else 'pass'}\""
        " id=\"verdict\">"
        f"<strong>{e(status)}</strong>"
        + (f" &middot; {e(_('exit code'))} {exit_code}" if exit_code is not None else "")
        + f" &middot; {e(_('violation findings'))}: {n(violations)}"
        + "".join(f"<br>{e(r)}" for r in reasons) + "</div>",
        f"<h2>{e(_('Accounting'))}</h2>",
        _table([_(h) for h in ("files", "bytes", "records", "unparseable", "binary skipped",
                                "lines cut", "files failed")],
               [[n(accounting.get(k, 0)) for k in ("files", "bytes", "records", "unparseable",
                                                   "binary_skipped", "truncated_lines",
                                                   "failed_files")]]),
        *([f"<h2>{e(_('What was not read as stored'))}</h2>",
           _table([_("what"), _("input"), _("detail")], notes, "input-notes",
                  cols=("", "wrap", "wrap"))]
          if (notes := input_notes(accounting, _)) else []),
        f"<h2>{e(_('Verdicts'))}</h2>",
        _table([_("verdict"), _("records"), _("hits")],
               [[_(k), n(v.get("records", 0)), n(v.get("hits", 0))]
                for k, v in sorted(verdicts.items())]),
        f"<h2>{e(_('Findings by category'))}</h2>",
        _table([_("category"), _("records"), _("hits"), _("detectors")],
               [[_(CATEGORY.get(c["category"], c["category"])), n(c["records"]),
                 n(c["hits"]), n(c.get("detectors", ""))] for c in summary]),
    ]
    records = sorted(residency.get("records", []),
                     key=lambda f: (-f["records"], f["origin_country"], f["dest_country"]))
    if records:
        parts += [
            f"<h2>{e(_('Records by origin and destination'))}</h2>",
            _table([_("origin"), _("destination"), _("records"), _("with findings"),
                    _("nothing found")],
                   [[f["origin_country"], f["dest_country"], n(f["records"]),
                     n(f["classified"]), n(f["records"] - f["classified"])]
                    for f in records], "records"),
        ]
    coverage = residency.get("coverage") or {}
    if coverage.get("records"):
        def pct(x: float) -> str:
            return f"{x:.1%}"
        parts += [
            f"<h2>{e(_('How much could be placed'))}</h2>",
            _table([_(h) for h in ("side", "found in the record", "share", "found by",
                                   "placed in a country", "share")],
                   [[_(side), n(c["found"]), pct(c["found_share"]),
                     ", ".join(f"{_(k)} {n(v)}" for k, v in sorted(
                         c["by_step"].items(), key=lambda kv: -kv[1])),
                     n(c["placed"]), pct(c["placed_share"])]
                    for side in ("destination", "origin")
                    for c in [coverage[side]]], "coverage"),
        ]
    if profile:
        shown = sorted(profile, key=lambda p: (-p["violation"], -p["unknown"], -p["hits"],
                                               p["pattern"], p["field"]))[:PROFILE_ROWS]
        parts += [
            f"<h2>{e(_('What each feed sends'))} ({n(len(shown))} / {n(len(profile))})</h2>",
            f"<p>{e(_(PROFILE_INTRO))}</p>",
            _table([_(h) for h in ("files", "field", "categories", "records", "hits",
                                   "destinations", "violations", "unknown", "example")],
                   [[p["pattern"], p["field"],
                     ", ".join(_(CATEGORY.get(c, c)) for c in p["categories"]),
                     n(p["records"]), n(p["hits"]), ", ".join(p["destinations"]),
                     n(p["violation"]), n(p["unknown"]), p["example"]] for p in shown],
                   "profile", PROFILE_COLUMNS),
        ]
    charts = _figures(residency, _, sites)
    if trends:
        charts.append(("trends", f"{_('Trends over stored scans')} ({len(trends)})",
                       _trend_figure(trends, _)))
    for fid, title, fig in charts:
        body = fig.to_html(full_html=False, include_plotlyjs=False, div_id=f"chart-{fid}",
                           config={"displaylogo": False, "responsive": True})
        parts += [f"<h2>{e(title)}</h2>", f"<div class=\"chart\" data-chart=\"{fid}\">{body}"
                  "</div>"]
    parts += [
        f"<h2>{e(_('Top findings'))} ({len(findings)})</h2>",
        f"<p>{e(_(INTRO))}</p>",
    ]
    overridden = destination_override(residency, findings)
    if overridden:
        parts.append('<p class="override" id="dest-override">'
                     f"{e(_(OVERRIDE_NOTE).format(country=', '.join(overridden)))}</p>")
    parts.append(_table([_(h) for h, _th, _td in FINDING_COLUMNS],
                        [_finding_row(r, _) for r in findings], "findings",
                        [c for _h, _th, c in FINDING_COLUMNS],
                        [c for _h, c, _td in FINDING_COLUMNS]))
    if inputs:
        parts += [f"<h2>{e(_('Inputs'))}</h2>",
                  _table([_("path"), _("size"), "SHA-256"],
                         [[i.get("path"), n(i.get("size") or 0), i.get("sha256") or "-"]
                          for i in inputs], "inputs", ("wrap", "", "wrap"))]
    if audit_entry:
        parts.append(f"<p id=\"audit\">{e(_('Audit log entry'))} "
                     f"{e(str(audit_entry.get('seq')))}, {e(_('hash'))} "
                     f"<code>{e(str(audit_entry.get('hash')))}</code>.</p>")
    parts.append("</body></html>")
    return "\n".join(parts)
