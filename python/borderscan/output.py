"""What a scan's outputs need of it (`Report`), and the terminal summary.
The output formats themselves are `borderscan.writers`."""

from __future__ import annotations

import os
import re
import signal
import sys
from dataclasses import dataclass, field
from typing import IO, Any, NoReturn

from rich.console import Console, JustifyMethod
from rich.markup import escape
from rich.table import Table

from borderscan import __version__, _core
from borderscan._polars import pl
from borderscan._verdict import has_problems, residency_of
from borderscan.aggregate import category_frame, detector_frame, flow_frame, profile_frame
from borderscan.api import ScanStream


def broken_pipe() -> NoReturn:
    """The reader of stdout went away (`| head -1`): stop quietly with the
    status of a process ended by SIGPIPE (141), as Unix tools do. stdout is
    pointed at /dev/null so that Python's final flush does not fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    raise SystemExit(128 + signal.SIGPIPE)


class OutConsole(Console):
    """rich's Console for stdout, except on a broken pipe: rich exits 1 there, the
    code CI reads as "violations found"."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        broken_pipe()


class ErrConsole(Console):
    """rich's Console for messages on stderr. Nearly every message names a
    file, an option's value or something read from the input, so every
    text printed goes through `safe` (its own newlines and tabs kept): no
    message can carry a terminal sequence (docs/security.md)."""

    def print(self, *objects: Any, **kw: Any) -> None:
        super().print(*(safe(o, lines=True) if isinstance(o, str) else o for o in objects),
                      **kw)


COLORS = ("auto", "always", "never")
color = "auto"
"""`--color`: `auto` colours terminals unless NO_COLOR is set (rich reads it,
and FORCE_COLOR); `always` and `never` override both."""

# Wide enough that nothing is ever wrapped: a table takes its natural width.
_NO_WRAP = 1_000_000

# Styles in the engine's orders (least serious first), so that a severity or
# verdict added there gets no style rather than a wrong one.
SEVERITY_STYLE = dict(zip(_core.SEVERITIES, ("cyan", "yellow", "red", "bold red"), strict=True))
VERDICT_STYLE = dict(zip(_core.VERDICTS, ("green", "dim", "yellow", "red"), strict=True))


def console(file: IO[str] | None = None, *, stderr: bool = False) -> Console:
    """The console everything borderscan prints goes through. On a terminal
    it takes the terminal's width; anywhere else (a pipe, a file, `--out`)
    it never wraps, so that ids and numbers reach `grep` and `cut` whole."""
    stream = file or (sys.stderr if stderr else sys.stdout)
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    # No highlighting and no emoji codes: input such as `:warning:` shows as
    # written, not as a symbol.
    kw: dict[str, Any] = {"highlight": False, "emoji": False}
    if color == "always":
        kw.update(force_terminal=True, no_color=False)
    elif color == "never":
        kw.update(color_system=None, no_color=True)
    if not tty:
        kw["width"] = _NO_WRAP
    if stderr and file is None:
        # Messages name files and lines: never wrap them mid-path.
        return ErrConsole(stderr=True, soft_wrap=True, **kw)
    return OutConsole(file=file, **kw)


# What a terminal (or a spreadsheet, a text editor) would act on or reorder
# instead of showing: C0 controls (ESC starts clear-screen, window titles,
# OSC 8 links and OSC 52 clipboard writes), DEL, C1 controls (U+009B is a
# CSI by itself), the Unicode bidirectional controls (U+061C, U+200E/F,
# U+202A-E, U+2066-9) and lone surrogates (the undecodable bytes of a file
# name). docs/security.md, "Output shown to people".
_UNSAFE = re.compile("[\\x00-\\x1f\\x7f-\\x9f\\u061c\\u200e\\u200f\\u202a-\\u202e"
                     "\\u2066-\\u2069\\ud800-\\udfff]")
# The same but newline and tab, in text of several lines.
_UNSAFE_IN_LINES = re.compile("[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u061c\\u200e\\u200f"
                              "\\u202a-\\u202e\\u2066-\\u2069\\ud800-\\udfff]")


def _escaped(m: re.Match[str]) -> str:
    n = ord(m.group())
    return f"\\x{n:02x}" if n <= 0xFF else f"\\u{n:04x}"


def safe(value: object, *, lines: bool = False) -> str:
    """`value` as text safe to show people: every control character a
    terminal would act on, and every bidirectional control that would
    reorder what they read, escaped visibly: `\\x1b` (C0, DEL, C1: two hex
    digits) or `\\u202e` (bidi controls, lone surrogates: four). Everything
    else, backslashes included, is left as it is.

    A value (a path, a field, a site code) is one line: newline and tab are
    escaped too. `lines=True` is for text of several lines borderscan
    composed (a preset's TOML): newline and tab stay.

    Everything printed to a terminal or written to a text report goes
    through here (rich output through `_e` and `styled`); machine outputs
    (JSON, SARIF, Parquet) keep the exact values."""
    return (_UNSAFE_IN_LINES if lines else _UNSAFE).sub(_escaped, str(value))


def styled(value: object, style: str | None) -> str:
    """`value` as rich markup (escaped), in `style` when given."""
    text = _e(value)
    return f"[{style}]{text}[/{style}]" if style else text


@dataclass
class Report:
    """What the terminal summary and the machine outputs need of a scan."""

    summary: pl.DataFrame
    detectors: pl.DataFrame
    accounting: dict[str, Any]
    rule_packs: list[str]
    flows: pl.DataFrame = field(default_factory=lambda: flow_frame({}))
    residency: dict[str, Any] = field(default_factory=dict)
    exit_reasons: list[str] = field(default_factory=list)
    # The --baseline file, for the entries no longer found.
    baseline_file: str | None = None
    profile: pl.DataFrame = field(default_factory=lambda: profile_frame({}))
    # `scan --scheduler`: which Dask worker scanned what (the audit entry).
    workers: list[dict[str, Any]] | None = None

    @property
    def problems(self) -> bool:
        return has_problems(self.accounting)


def tool_info() -> dict[str, Any]:
    """The `tool` object of JSON output (the engine adds the rule packs)."""
    return {"name": "borderscan", "version": __version__}


def report_from_stream(stream: ScanStream) -> Report:
    """The report of an exhausted stream."""
    assert stream.accounting is not None and stream.summary is not None
    assert stream.detectors is not None and stream.flows is not None
    assert stream.profile is not None
    return Report(stream.summary, stream.detectors, stream.accounting, stream.rule_packs,
                  stream.flows, stream.residency, profile=stream.profile)


def report_from(accounting: dict[str, Any], summary: dict[str, Any],
                rule_packs: list[str]) -> Report:
    """The report of a scan the engine wrote (`_core.scan_write`)."""
    return Report(category_frame(summary), detector_frame(summary), accounting, rule_packs,
                  flow_frame(summary), residency_of(summary), profile=profile_frame(summary))


def _human_bytes(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"


def _e(value: object) -> str:
    """Input (paths, rule and category names, parse errors) printed through
    rich: its markup (`[bold]`, `[link=...]`) must show literally, not style
    the terminal or fail to parse, and its control characters escaped
    (`safe`)."""
    return escape(safe(value))


def print_summary(result: Report, console: Console, *, top: int = 10) -> None:
    """What could not be read first, then records per category, top
    detectors, the policy's verdicts and the accounting; the reasons of the
    exit code last. A table with nothing to show is a line instead."""
    print_problems(result, console)
    a = result.accounting
    summary = result.summary
    if summary.is_empty():
        console.print(f"No data categories found in {a['records']:,} record(s).",
                      markup=False)
    else:
        cats = Table(title="Data categories", title_justify="left", expand=False)
        cats.add_column("category")
        cats.add_column("records", justify="right")
        cats.add_column("hits", justify="right")
        cats.add_column("detectors", justify="right")
        for row in summary.iter_rows(named=True):
            cats.add_row(_e(row["category"]), f"{row['records']:,}", f"{row['hits']:,}",
                         str(row["detectors"]))
        console.print(cats)

    if result.detectors.height:
        dets = Table(title=f"Top detectors (of {result.detectors.height})",
                     title_justify="left")
        dets.add_column("detector")
        dets.add_column("category")
        dets.add_column("records", justify="right")
        dets.add_column("hits", justify="right")
        for row in result.detectors.head(top).iter_rows(named=True):
            dets.add_row(_e(row["detector"]), _e(row["category"]), f"{row['records']:,}",
                         f"{row['hits']:,}")
        console.print(dets)

    print_residency(result, console, top=top)
    _print_accounting(a, console)
    for reason in result.exit_reasons:
        console.print(f"exit: {safe(reason)}", markup=False)


def _print_accounting(a: dict[str, Any], console: Console) -> None:
    if not a["bytes_read"] and not a["records"]:
        # Nothing was read (a missing path, only binary files): one line, not
        # a table of zeros.
        console.print(f"Accounting: {a['files']:,} file(s), nothing read; "
                      f"{a['failed_files']:,} failed, {a['binary_skipped']:,} binary skipped"
                      + (f", {a['special_skipped']:,} special skipped"
                         if a.get("special_skipped") else ""), markup=False)
        return
    acc = Table(title="Accounting", title_justify="left", show_header=False)
    acc.add_column("what")
    acc.add_column("count", justify="right")
    acc.add_row("files", f"{a['files']:,}")
    if a.get("archives"):
        acc.add_row("  archives read member by member (members are files)",
                    f"{a['archives']:,} ({a.get('archive_members', 0):,} members)")
    acc.add_row("bytes", f"{_human_bytes(a['bytes'])} ({_human_bytes(a['decompressed_bytes'])} "
                "decompressed)")
    acc.add_row("  read and scanned", _human_bytes(a["bytes_read"]))
    acc.add_row("  skipped (binary, special, unread after a failure)",
                _human_bytes(a["bytes_skipped"]))
    acc.add_row("records scanned", f"{a['records']:,}")
    if a.get("extra_records"):
        acc.add_row("  more than one in a line (OTLP log records)", f"{a['extra_records']:,}")
    acc.add_row("  parsed", f"{a['parsed']:,}")
    acc.add_row("  unparseable (scanned as text)", f"{a['unparseable']:,}")
    acc.add_row("binary files skipped", f"{a['binary_skipped']:,}")
    if a.get("decoded_files"):
        acc.add_row("files decoded from UTF-16/UTF-32", f"{a['decoded_files']:,}")
    if a.get("nul_bytes"):
        acc.add_row("NUL bytes in text (scanned as spaces)", f"{a['nul_bytes']:,}")
    if a.get("special_skipped"):
        acc.add_row("special files skipped (FIFO, device, link loop)",
                    f"{a['special_skipped']:,}")
    acc.add_row("lines cut for length", f"{a['truncated_lines']:,} "
                f"({_human_bytes(a['cut_bytes'])} not scanned)")
    acc.add_row("files failed", f"{a['failed_files']:,}")
    console.print(acc)


def print_residency(result: Report, console: Console, *, top: int = 10) -> None:
    """Verdicts, the largest flows, violations by rule, and how origins and
    destinations were decided."""
    r = result.residency
    if not r:
        return
    pol = r.get("policy") or {}
    verdicts = r.get("verdicts", {})
    # Most serious first: the engine lists verdicts from the least.
    line = ", ".join(f"{styled(v, VERDICT_STYLE.get(v))} {verdicts[v]['hits']:,}"
                     for v in reversed(_core.VERDICTS) if v in verdicts)
    console.print(f"Policy {_e(pol.get('name'))} {_e(pol.get('version'))} "
                  f"({_e(pol.get('place'))}): {line or 'no findings'}", highlight=False)
    if not result.flows.is_empty():
        console.print(_flows_table(result.flows, top))
    records = r.get("records", [])
    if records:
        console.print(_records_table(records, top))
    violations = r.get("violations", [])
    if violations:
        console.print(_violations_table(violations, top))
    feeds = result.profile.filter(pl.col("violation") > 0)
    if not feeds.is_empty():
        console.print(_feeds_table(feeds, top=5))
    _print_sources(r, console)
    _print_exceptions(r, console)
    _print_baseline(result, console, top)


def _flows_table(flows: pl.DataFrame, top: int) -> Table:
    t = Table(title=f"Flows (top {min(top, flows.height)} of {flows.height})",
              title_justify="left")
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("category", "left"), ("origin", "left"), ("dest", "left"), ("verdict", "left"),
        ("records", "right"), ("hits", "right"))
    for col, just in columns:
        t.add_column(col, justify=just)
    for row in flows.head(top).iter_rows(named=True):
        t.add_row(_e(row["category"]), _e(row["origin_country"]), _e(row["dest_country"]),
                  styled(row["verdict"], VERDICT_STYLE.get(row["verdict"])),
                  f"{row['records']:,}", f"{row['hits']:,}")
    return t


def _records_table(records: list[dict[str, Any]], top: int) -> Table:
    """Every record once by origin and destination, found anything or not:
    the flows a governance team must see even when nothing in them is
    sensitive."""
    rows = sorted(records, key=lambda f: (-f["records"], f["origin_country"],
                                          f["dest_country"]))
    t = Table(title=f"Records by origin and destination (top {min(top, len(rows))} of "
                    f"{len(rows)})", title_justify="left")
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("origin", "left"), ("dest", "left"), ("records", "right"),
        ("with findings", "right"), ("none", "right"))
    for col, just in columns:
        t.add_column(col, justify=just)
    for f in rows[:top]:
        t.add_row(_e(f["origin_country"]), _e(f["dest_country"]), f"{f['records']:,}",
                  f"{f['classified']:,}", f"{f['records'] - f['classified']:,}")
    return t


def _feeds_table(feeds: pl.DataFrame, top: int) -> Table:
    """The fields that break the policy, from the data profile: which
    files send which field where (the view a governance lead reads first)."""
    rows = feeds.sort(["violation", "pattern", "field"], descending=[True, False, False])
    t = Table(title=f"Fields with violations (top {min(top, rows.height)} of {rows.height})",
              title_justify="left")
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("field", "left"), ("files", "left"), ("sent to", "left"), ("violations", "right"))
    for col, just in columns:
        t.add_column(col, justify=just, overflow="fold")
    for f in rows.head(top).iter_rows(named=True):
        shown = f["destinations"][:3]
        more = len(f["destinations"]) - len(shown)
        to = ", ".join(shown) + (f" +{more}" if more > 0 else "")
        t.add_row(_e(f["field"]), _e(f["pattern"]), _e(to), f"{f['violation']:,}")
    return t


def _violations_table(violations: list[dict[str, Any]], top: int) -> Table:
    t = Table(title="Violations by rule", title_justify="left")
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("rule", "left"), ("severity", "left"), ("records", "right"), ("hits", "right"))
    for col, just in columns:
        t.add_column(col, justify=just, overflow="fold")
    for v in violations[:top]:
        t.add_row(_e(v["rule"]), styled(v["severity"], SEVERITY_STYLE.get(v["severity"])),
                  f"{v['records']:,}", f"{v['hits']:,}")
    return t


def coverage_lines(coverage: dict[str, Any]) -> list[str]:
    """Of all records, how many had a destination (an origin) found in them,
    by the step that found it, and how many ended in a country."""
    n = coverage.get("records", 0)
    if not n:
        return []
    out = []
    for side, steps in (("destination", ("field", "vocabulary", "text", "discovered")),
                        ("origin", ("field", "vocabulary", "hostname", "text"))):
        c = coverage[side]
        by = c["by_step"]
        how = ", ".join(f"{s} {by[s]:,}" for s in steps if by.get(s))
        out.append(f"Records with a{'n' if side == 'origin' else ''} {side}: "
                   f"{c['found']:,} of {n:,} ({c['found_share']:.1%})"
                   + (f" — {how}" if how else "")
                   + f"; placed in a country: {c['placed']:,} ({c['placed_share']:.1%})")
    return out


def _print_sources(r: dict[str, Any], console: Console) -> None:
    """How destinations and origins were found and decided, most first."""
    for line in coverage_lines(r.get("coverage") or {}):
        console.print(line, highlight=False, markup=False)
    ds, os_ = r.get("dest_sources", {}), r.get("origin_sources", {})
    if ds:
        console.print("Destinations decided by: " + ", ".join(
            f"{k} {v:,}" for k, v in sorted(ds.items(), key=lambda kv: -kv[1])),
            highlight=False, markup=False)
    if os_:
        console.print("Origins decided by: " + ", ".join(
            f"{k} {v:,}" for k, v in sorted(os_.items(), key=lambda kv: -kv[1])),
            highlight=False, markup=False)
    if os_.get("site-prefix"):
        console.print(f"note: {os_['site-prefix']:,} finding(s) took their origin from a site "
                      "code's country prefix (CN-SZ-02 -> CN); map sites in the policy's "
                      "[origins] to be explicit.", highlight=False, markup=False)


def _print_exceptions(r: dict[str, Any], console: Console) -> None:
    for label, (verdict, n) in r.get("exceptions", {}).items():
        if verdict == "exempted":
            console.print(f"exception applied to {n:,} finding(s): {safe(label)}",
                          highlight=False, markup=False)
        else:
            console.print(f"[yellow]expired exception[/yellow] no longer covers {n:,} "
                          f"finding(s): {_e(label)}", highlight=False)


def _print_baseline(result: Report, console: Console, top: int) -> None:
    b = result.residency.get("baseline")
    if not b:
        return
    console.print(f"baseline: {b['matched']:,} known finding(s) left out, "
                  f"{b.get('absent_count', len(b['absent'])):,} baseline entr(ies) no longer "
                  "found", highlight=False)
    if result.baseline_file and b["absent"]:
        from borderscan.baseline import absent_entries

        for e in absent_entries(result.baseline_file, b["absent"], top):
            console.print(safe(f"  gone: {e['fingerprint']} {e['detector']} in {e['path']}"
                               f" (was line {e['line']})"), highlight=False, markup=False)


def print_problems(result: Report, console: Console, *, limit: int = 10) -> None:
    """Name the place of every kind of problem, so the user can look."""
    a = result.accounting
    for f in a["failures"][:limit]:
        console.print(f"[red]failed[/red] {_e(f['path'])}: {_e(f['error'])}",
                      markup=True, highlight=False)
    if len(a["failures"]) > limit:
        console.print(f"... and {len(a['failures']) - limit} more failed files")
    for reason, stats in a["unparseable_reasons"].items():
        first = stats["first"][0] if stats["first"] else None
        where = f" first at {first['path']}:{first['line']}: {first['detail']}" if first else ""
        console.print(f"[yellow]unparseable[/yellow] {stats['count']:,} x {_e(reason)};"
                      f"{_e(where)}",
                      highlight=False)
    for f in a["per_file"]:
        if f["binary_skipped"]:
            console.print(f"[yellow]binary, skipped[/yellow] {_e(f['path'])}",
                          highlight=False)
        if f.get("special_skipped"):
            console.print(f"[yellow]skipped[/yellow] {_e(f['path'])}: {_e(f['note'])}",
                          highlight=False)
        if f["truncated_lines"]:
            console.print(f"[yellow]lines cut[/yellow] {f['truncated_lines']:,} in "
                          f"{_e(f['path'])}",
                          highlight=False)
        if f.get("encoding"):
            # Not a problem, but the user should know: offsets are into the
            # decoded text.
            console.print(f"decoded from {_e(f['encoding'])} {_e(f['path'])} "
                          "(byte offsets count the decoded UTF-8 text)", highlight=False)
        if f.get("nul_bytes"):
            console.print(f"[yellow]NUL bytes[/yellow] {f['nul_bytes']:,} in "
                          f"{_e(f['path'])}, scanned as spaces", highlight=False)
    geoip = a.get("geoip_errors") or {}
    if geoip.get("count"):
        console.print(f"[red]geoip lookups failed[/red] for {geoip['count']:,} IP address(es) "
                      f"in {_e(geoip.get('database'))}: destinations left unplaced",
                      highlight=False)
        for e in geoip.get("first", [])[:limit]:
            console.print(f"  {_e(e['ip'])}: {_e(e['error'])}", highlight=False)
