"""Localized export of the audit log: JSON Lines, CSV or a plain-text report.

Labels, verdicts and category names come from the message catalogs in
`locales/` (gettext .po files, read with Babel); dates, times and numbers are
formatted by Babel in the locale's conventions and the given time zone.
JSON Lines exports the entries exactly as logged, so each still verifies.

The report and the CSV are read by people: control characters in what the
log holds (paths, user and host names, policy names) are escaped
(`output.safe`), and a CSV cell a spreadsheet would run as a formula starts
with a `'` (`csv_cell`). docs/security.md, "Output shown to people".
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from borderscan.audit import REDACT_KIND, describe_event, is_event
from borderscan.output import safe

LOCALES = ("en", "zh", "de", "ja", "vi")
FORMATS = ("jsonl", "csv", "report")
_HERE = Path(__file__).resolve().parent

CATEGORY = {
    "calibration": "calibration data",
    "device_id": "device identifiers",
    "diagnostic": "diagnostics",
    "geolocation": "geolocation",
    "model": "AI model data",
    "none": "nothing found",
    "network_id": "network identifiers",
    "operational": "operational data",
    "personal": "personal data",
    "quality": "quality data",
    "secret": "secrets",
    "sensor": "sensor data",
}
EXIT_MEANING = {
    0: "passed",
    1: "violations at or above the threshold",
    2: "configuration error",
    3: "inputs could not be read",
}


@cache
def translator(locale: str) -> Callable[[str], str]:
    """gettext for one locale: English message ids, looked up in its .po
    catalog (English itself, and a message not yet translated, fall back to
    the id)."""
    if locale == "en":
        return lambda m: m
    from babel.messages.pofile import read_po

    path = _HERE / "locales" / locale / "LC_MESSAGES" / "borderscan.po"
    with open(path, "rb") as f:
        catalog = read_po(f, locale=locale)

    def gettext(m: str) -> str:
        msg = catalog.get(m)
        # Plural messages hold a tuple; the catalogs have none.
        return msg.string if msg is not None and isinstance(msg.string, str) and msg.string \
            else m

    return gettext


@dataclass
class Exporter:
    locale: str
    tz: str

    def __post_init__(self) -> None:
        from babel import Locale

        if self.locale not in LOCALES:
            raise ValueError(f"unknown locale {self.locale!r} (one of {', '.join(LOCALES)})")
        self.zone = ZoneInfo(self.tz)
        self.babel_locale = Locale.parse(self.locale)
        self._ = translator(self.locale)

    def when(self, iso: str) -> str:
        from babel.dates import format_datetime

        t = dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
        return format_datetime(t, format="medium", tzinfo=self.zone, locale=self.babel_locale)

    def num(self, n: int | float) -> str:
        from babel.numbers import format_decimal

        return format_decimal(n, locale=self.babel_locale)

    def category(self, c: str) -> str:
        return self._(CATEGORY.get(c, c))

    def meaning(self, code: int) -> str:
        return self._(EXIT_MEANING.get(code, str(code)))

    def by_category(self, e: dict[str, Any]) -> str:
        cats = e.get("summary", {}).get("categories", [])
        return "; ".join(f"{self.category(c['category'])}: {self.num(c['hits'])}" for c in cats)

    def row(self, e: dict[str, Any]) -> dict[str, str]:
        _ = self._
        acc = e.get("accounting", {})
        v = e.get("verdict", {})
        pol = e.get("policy", {})
        return {
            _("Entry"): str(e.get("seq", "")),
            _("Started"): self.when(e["started"]),
            _("Ended"): self.when(e["ended"]),
            _("User"): str(e.get("user", "")),
            _("Host"): str(e.get("host", "")),
            _("Inputs"): self.num(len(e.get("inputs", []))),
            _("Bytes"): self.num(acc.get("bytes", 0)),
            _("Records"): self.num(acc.get("records", 0)),
            _("Policy"): f"{pol.get('name')} {pol.get('version')} (sha256 {pol.get('sha256')})",
            _("Exit code"): str(v.get("exit_code", "")),
            _("Verdict"): self.meaning(v.get("exit_code", -1)),
            _("Violations"): self.num(v.get("violations", 0)),
            _("Findings by category"): self.by_category(e),
            _("Entry hash"): str(e.get("hash", "")),
            _("Signed by key"): str(e.get("key_id") or _("not signed")),
        }


# What a spreadsheet (Excel, LibreOffice, Google Sheets) reads as the start
# of a formula: `=HYPERLINK(...)`, `@SUM(...)`, `+1+cmd|...`, `-2+3` (OWASP,
# CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A plain number, signed or not, with decimal or grouping separators in any
# of the locales (-3, +1.5, -1,234.5, 1.234,5): a spreadsheet reads it as the
# number it is, so it is left as it is.
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)*")


def csv_cell(value: object) -> str:
    """A CSV cell as a spreadsheet can open it: control characters escaped
    (`safe`), and a cell that would start a formula prefixed with `'` so
    that it shows as text; plain numbers (-3, +1.5) stay numbers. The CSV
    quotes every cell."""
    cell = safe(value)
    if cell.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def in_period(e: dict[str, Any], start: dt.date | None, end: dt.date | None,
              zone: ZoneInfo) -> bool:
    """Whether a scan started (an event entry, a `repair-tail`, happened)
    within [start, end], as dates in `zone`."""
    stamp = e.get("time") if is_event(e) else e.get("started")
    if not isinstance(stamp, str):
        return start is None and end is None
    t = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(zone).date()
    return (start is None or t >= start) and (end is None or t <= end)


def export(entries: list[dict[str, Any]], fmt: str, ex: Exporter, *,
           period: tuple[dt.date | None, dt.date | None], verified: str, source: str) -> str:
    """The selected entries as `fmt` (see FORMATS). Entries that record an
    event of the log itself (`"event": "repair-tail"`) are not scans: jsonl
    keeps them (the chain runs through them), csv leaves them out (one row
    per scan), the report lists them apart and counts only the scans."""
    _ = ex._
    if fmt == "jsonl":
        return "".join(json.dumps(e, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
                       + "\n" for e in entries)
    events = [e for e in entries if is_event(e)]
    # `borderscan redact` manifests are chained like scans but are no scan:
    # listed apart in the report, left out of the CSV (a row per scan).
    redactions = [e for e in entries if e.get("kind") == REDACT_KIND]
    entries = [e for e in entries if not is_event(e) and e.get("kind") != REDACT_KIND]
    if fmt == "csv":
        buf = io.StringIO()
        rows = [{csv_cell(k): csv_cell(v) for k, v in ex.row(e).items()} for e in entries]
        header = [csv_cell(k) for k in ex.row(_SAMPLE)]
        # Every cell quoted: a neutralised formula stays one text cell.
        w = csv.DictWriter(buf, fieldnames=header, lineterminator="\n", quoting=csv.QUOTE_ALL)
        w.writeheader()
        w.writerows(rows)
        return buf.getvalue()
    start, end = period
    fmt_day = _day_formatter(ex)
    lines = [
        _("Audit log export"),
        "=" * 60,
        f"{_('Period')}: {fmt_day(start) if start else '-'} - {fmt_day(end) if end else '-'}",
        f"{_('Time zone')}: {ex.tz}",
        f"{_('Chain verification')}: {verified}  ({source})",
        f"{_('Entries')}: {ex.num(len(entries))}",
        "",
    ]
    total = {"bytes": 0, "records": 0, "violations": 0}
    for e in entries:
        for k, val in ex.row(e).items():
            lines.append(f"{k}: {val}")
        reasons = e.get("verdict", {}).get("reasons") or []
        if reasons:
            lines.append(f"{_('Reasons')}: " + " | ".join(reasons))
        lines.append(f"{_('Rule packs')}: {', '.join(e.get('rule_packs', []))}")
        for i in e.get("inputs", []):
            lines.append(f"  {i.get('path')}  {ex.num(i.get('size') or 0)}  "
                         f"sha256 {i.get('sha256') or '-'}")
        lines.append("")
        acc = e.get("accounting", {})
        total["bytes"] += acc.get("bytes", 0)
        total["records"] += acc.get("records", 0)
        total["violations"] += e.get("verdict", {}).get("violations", 0)
    if redactions:
        lines.append(f"{_('Redacted copies')} ({_('not scans, not counted')}): "
                     f"{ex.num(len(redactions))}")
        for e in redactions:
            check = e.get("verification") or {}
            lines.append(f"  {_('Entry')} {e.get('seq', '')}: {e.get('started', '')}, "
                         f"{ex.num(len(e.get('files', [])))} {_('file(s)')}, key id "
                         f"{e.get('redact_key_id') or '-'}, verified "
                         f"{check.get('verified')}, remaining {check.get('remaining')}")
        lines.append("")
    if events:
        lines.append(f"{_('Log events')} ({_('not scans, not counted')}): "
                     f"{ex.num(len(events))}")
        for e in events:
            lines.append(f"  {_('Entry')} {e.get('seq', '')}: {describe_event(e)}")
        lines.append("")
    lines.append(f"{_('Total')}: {_('Bytes')} {ex.num(total['bytes'])}, "
                 f"{_('Records')} {ex.num(total['records'])}, "
                 f"{_('Violations')} {ex.num(total['violations'])}")
    # Each line one line of text: what the log holds has its control
    # characters (newlines too) escaped.
    return "\n".join(safe(line) for line in lines) + "\n"


def _day_formatter(ex: Exporter) -> Callable[[dt.date], str]:
    from babel.dates import format_date

    return lambda d: format_date(d, format="long", locale=ex.babel_locale)


# Any entry gives the CSV header; this one keeps it when no entry is selected.
_SAMPLE: dict[str, Any] = {"started": "1970-01-01T00:00:00Z", "ended": "1970-01-01T00:00:00Z"}
