"""Set (c): our own labelled fixtures in many vocabularies (`benches/quality/own/`).

`own/labels.json` maps every record (file, 1-based line) to the set of categories it truly
contains (empty: `none`), its language, the template that wrote it and the look-alike
identifiers in it (values with the shape of a card number, IBAN, resident id, tax id,
IMEI or My Number whose check digits are wrong). How the labels are decided:
`own/README.md`.

Scoring is per record. A record's predicted categories are the categories of the
scanner's findings on its line; for each category, a record is a true positive when
both the labels and the findings have it, a false alarm when only the findings do, a
miss when only the labels do. `none` is scored the same way with "no category" on
either side: today a record without findings produces no row, so `none` predicted =
the record got no finding (a finding whose category is `none`, should the scanner
emit one, counts as a row without a category). Figures per category, per format (the
fixture's format, not the scanner's guess, which is reported beside it), per language,
per detector; the look-alike rate is the share of look-alike values that a `personal`
or `device_id` finding overlaps.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from common import Finding, context, ratio, scan, shape

HERE = Path(__file__).resolve().parent
DEFAULT_ROOT = HERE / "own"
CATEGORIES = ["personal", "device_id", "network_id", "geolocation", "secret", "calibration",
              "sensor", "diagnostic", "operational", "quality", "model"]
ALL = [*CATEGORIES, "none"]
LOOK_CATEGORIES = {"personal", "device_id"}
EXAMPLES = 4  # misses and false alarms shown per category


@dataclass
class Record:
    file: str
    line: int
    format: str
    lang: str
    template: str
    gold: frozenset[str]
    look: list[tuple[str, str]]
    text: str
    delimiter: str | None = None  # a CSV file's delimiter, read from its header line


def load(root: Path) -> tuple[dict, list[Record]]:
    labels = json.loads((root / "labels.json").read_text(encoding="utf-8"))
    records = []
    for rel, entry in labels["files"].items():
        lines = (root / rel).read_text(encoding="utf-8").split("\n")
        delim = _header_delimiter(lines[0]) if entry["format"] == "csv" else None
        for n, lab in entry["lines"].items():
            unknown = set(lab["c"]) - set(CATEGORIES)
            if unknown:
                raise SystemExit(f"{rel}:{n}: unknown categories {sorted(unknown)}")
            records.append(Record(rel, int(n), entry["format"], lab["lang"], lab["t"],
                                  frozenset(lab["c"]), [tuple(x) for x in lab.get("look", [])],
                                  lines[int(n) - 1], delim))
    return labels, records


def _header_delimiter(header: str) -> str:
    """`,`, `;` or tab: whichever the CSV header line has most of (`,` on a tie)."""
    return max([",", ";", "\t"], key=header.count)


def run(root: Path, threads: int) -> dict:
    root = root.resolve()
    labels, records = load(root)
    paths = [str(root / rel) for rel in labels["files"]]
    result = scan(paths, threads=threads)
    out = score(labels, records, result.findings, result.accounting, root)
    out["root"] = str(root)
    out["command"] = result.command
    return out


def _rel(path: str, root: Path | None) -> str:
    if root is None:
        return path
    try:
        return str(Path(path).resolve().relative_to(root))
    except ValueError:
        return path


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


def at_column(text: str, f: Finding) -> bool:
    """Is the finding's evidence in the line at its column? Long evidence is cut by the
    scanner and ends with `…`; a value the scanner derived (a syslog PRI read as its
    severity name) is not in the line."""
    ev = f.evidence
    if ev.endswith("…"):
        ev = ev[:-1]
        return bool(ev) and text[f.start:f.start + len(ev)] == ev
    return text[f.start:f.end] == ev


def score(labels: dict, records: list[Record], findings: list[Finding],
          accounting: dict | None = None, root: Path | None = None) -> dict:
    """Score findings against the labels; pure (the test feeds it a hand-made example)."""
    by_key = {(r.file, r.line): r for r in records}
    pred: dict[tuple[str, int], set[str]] = defaultdict(set)
    rows: set[tuple[str, int]] = set()
    on_record: dict[tuple[str, int], list[Finding]] = defaultdict(list)
    off_record: list[dict] = []
    misplaced = 0
    for f in findings:
        k = (_rel(f.path, root), f.line)
        rec = by_key.get(k)
        if rec is None:
            off_record.append({"file": k[0], "line": f.line, "detector": f.detector})
            continue
        rows.add(k)
        on_record[k].append(f)
        if f.category != "none":
            pred[k].add(f.category)
        if f.evidence and not at_column(rec.text, f):
            misplaced += 1

    def cats_of(rec: Record, predicted: bool) -> set[str]:
        s = set(pred.get((rec.file, rec.line), ())) if predicted else set(rec.gold)
        return s or {"none"}

    cells: dict[tuple[str, str, str], Counter] = defaultdict(Counter)  # (axis, key, cat)
    examples: dict[str, dict[str, list]] = {c: {"missed": [], "false_alarms": []} for c in ALL}
    for rec in records:
        g, p = cats_of(rec, False), cats_of(rec, True)
        for c in ALL:
            if c not in g and c not in p:
                continue
            outcome = "tp" if c in g and c in p else ("fn" if c in g else "fp")
            for axis, key in (("all", "all"), ("format", rec.format), ("lang", rec.lang)):
                cells[(axis, key, c)][outcome] += 1
            if outcome == "fn" and len(examples[c]["missed"]) < 60:
                examples[c]["missed"].append(_miss(rec, p))
            elif outcome == "fp" and len(examples[c]["false_alarms"]) < 60:
                examples[c]["false_alarms"].append(
                    _alarm(rec, c, on_record[(rec.file, rec.line)]))

    def table(axis: str, key: str) -> dict:
        out = {}
        for c in ALL:
            x = cells.get((axis, key, c), Counter())
            tp, fp, fn = x["tp"], x["fp"], x["fn"]
            out[c] = {"support": tp + fn, "predicted": tp + fp, "tp": tp, "fp": fp, "fn": fn,
                      "precision": ratio(tp, tp + fp), "recall": ratio(tp, tp + fn)}
        return out

    formats = sorted({r.format for r in records})
    langs = sorted({r.lang for r in records})
    overall = table("all", "all")
    pooled = Counter()
    for c in CATEGORIES:
        pooled.update({k: overall[c][k] for k in ("tp", "fp", "fn")})
    pooled_row = {**pooled, "precision": ratio(pooled["tp"], pooled["tp"] + pooled["fp"]),
                  "recall": ratio(pooled["tp"], pooled["tp"] + pooled["fn"])}

    # per detector: findings, records hit, records whose labels have the detector's category
    det = defaultdict(lambda: {"category": "", "findings": 0, "records": set(), "right": set(),
                               "formats": Counter()})
    for k, fs in on_record.items():
        rec = by_key[k]
        for f in fs:
            d = det[f.detector]
            d["category"] = f.category
            d["findings"] += 1
            if k not in d["records"]:
                d["formats"][rec.format] += 1
            d["records"].add(k)
            if f.category in rec.gold:
                d["right"].add(k)
    detectors = [{"detector": name, "category": d["category"], "findings": d["findings"],
                  "records": len(d["records"]), "records_labelled": len(d["right"]),
                  "precision": ratio(len(d["right"]), len(d["records"])),
                  "by_format": dict(sorted(d["formats"].items()))}
                 for name, d in sorted(det.items())]

    look = _lookalikes(records, on_record)

    # accounting: every labelled line scanned?
    problems = []
    per_file = {}
    if accounting is not None:
        acc = {_rel(pf["path"], root): pf for pf in accounting.get("per_file", [])}
        for rel, entry in labels["files"].items():
            pf = acc.get(rel)
            n = len(entry["lines"])
            last = max((int(x) for x in entry["lines"]), default=0)
            if pf is None:
                problems.append(f"{rel}: not scanned")
                continue
            per_file[rel] = {"format": entry["format"], "scanner_format": pf.get("format"),
                             "labelled": n, "lines": pf["lines"], "records": pf["records"],
                             "header_lines": pf["header_lines"],
                             "unparseable": pf["unparseable"]}
            if pf["lines"] < last:
                problems.append(f"{rel}: scanner read {pf['lines']} lines, labels go to {last}")
            if pf["records"] != n:
                problems.append(f"{rel}: scanner counted {pf['records']} records, {n} labelled")
            if pf.get("failed_files"):
                problems.append(f"{rel}: failed ({pf.get('error')})")

    n_rec = len(records)
    gold_none = sum(1 for r in records if not r.gold)
    return {
        "records": n_rec,
        "files": len(labels["files"]),
        "findings": len(findings),
        "findings_on_records": sum(len(v) for v in on_record.values()),
        "findings_off_records": len(off_record),
        "off_record_examples": off_record[:10],
        "evidence_not_at_column": misplaced,
        "problems": problems,
        "per_file": per_file,
        "counts": {
            "format": dict(Counter(r.format for r in records).most_common()),
            "lang": dict(Counter(r.lang for r in records).most_common()),
            "category": {c: sum(1 for r in records if c in r.gold) for c in CATEGORIES}
            | {"none": gold_none},
            "multi_label": sum(1 for r in records if len(r.gold) > 1),
        },
        "rows": _placed(accounting, n_rec, len(rows)),
        "overall": overall,
        "pooled": pooled_row,
        "per_format": {f: table("format", f) for f in formats},
        "per_lang": {x: table("lang", x) for x in langs},
        "detectors": detectors,
        "lookalikes": look,
        "examples": {c: {"missed": _spread(examples[c]["missed"]),
                         "false_alarms": _spread(examples[c]["false_alarms"])} for c in ALL},
    }


ENVELOPE_KEYS = {"ts", "time", "timestamp", "level", "lvl", "type", "component", "src", "host",
                 "hostname", "site", "dest", "name", "pid", "v", "seq", "__REALTIME_TIMESTAMP",
                 "_HOSTNAME", "PRIORITY", "SYSLOG_IDENTIFIER", "_SYSTEMD_UNIT", "_PID",
                 "EVENT_TYPE", "Timestamp", "Severity", "Category", "Station", "Plant"}


def gist(rec: Record) -> str:
    """The record without its envelope (time, level, host, site...), for showing a miss."""
    text = rec.text
    try:
        if rec.format == "jsonl":
            leaves: list[str] = []

            def walk(x, k=""):
                if isinstance(x, dict):
                    if {"name", "value"} <= set(x):  # a Sparkplug metric
                        leaves.append(f"{x['name']}={x['value']}")
                        return
                    for k2, x2 in x.items():
                        if not (k == "" and k2 in ENVELOPE_KEYS):
                            walk(x2, k2)
                elif isinstance(x, list) and all(isinstance(y, dict) for y in x):
                    for y in x:
                        walk(y, k)
                else:
                    leaves.append(f"{k}={x}" if k not in ("msg", "MESSAGE", "Message") else
                                  str(x))
            walk(json.loads(text))
            return " ".join(leaves)
        if rec.format == "csv":
            delim = rec.delimiter or (";" if text.count(";") >= 6 else ",")
            return next(csv.reader([text], delimiter=delim))[-1]
        if rec.format == "logfmt":
            return re.sub(r"(?:^|\s)(?:" + "|".join(ENVELOPE_KEYS) + r')=(?:"[^"]*"|\S*)',
                          "", text).strip()
        if rec.format == "syslog-5424":
            return text.split(" ", 6)[6]
        if rec.format == "syslog-3164":
            return text.split(": ", 1)[1]
    except (ValueError, IndexError, StopIteration):
        pass
    return text


def _miss(rec: Record, predicted: set[str]) -> dict:
    return {"file": rec.file, "line": rec.line, "format": rec.format, "lang": rec.lang,
            "template": rec.template, "reported": sorted(predicted),
            "shape": shape(gist(rec), 120)}


def _alarm(rec: Record, cat: str, fs: list[Finding]) -> dict:
    out = {"file": rec.file, "line": rec.line, "format": rec.format, "lang": rec.lang,
           "template": rec.template, "labels": sorted(rec.gold) or ["none"]}
    if cat == "none":  # labelled with categories, reported with none: that is a miss list
        out["shape"] = shape(gist(rec), 120)
        return out
    hits = [f for f in fs if f.category == cat]
    if hits:
        f = hits[0]
        out["detector"] = f.detector
        if at_column(rec.text, f):
            end = f.start + len(f.evidence.removesuffix("…"))
            out["context"] = context(rec.text, f.start, end)
        else:
            out["context"] = f"(not at its column) {shape(f.evidence)}"
    return out


def _spread(items: list[dict], k: int = EXAMPLES) -> list[dict]:
    """Up to k examples, different formats and templates first."""
    out, seen = [], set()
    for it in items:
        key = (it["format"], it["template"])
        if key not in seen and len(out) < k:
            out.append(it)
            seen.add(key)
    for it in items:
        if len(out) >= k:
            break
        if it not in out:
            out.append(it)
    return out


def _placed(accounting: dict | None, n_rec: int, with_findings: int) -> dict:
    """Every record is counted once by origin x destination
    (`accounting.records_by_flow`), whether or not anything was found in it:
    the table sums to the records, and its records without a finding are the
    records the scorer saw no finding on (`none`)."""
    flows = (accounting or {}).get("records_by_flow", [])
    placed = sum(f["records"] for f in flows)
    none = sum(f["records"] - f["classified"] for f in flows)
    return {"records_with_row": with_findings, "share": ratio(with_findings, n_rec),
            "placed": placed, "none": none, "flows": len(flows),
            "met": placed == n_rec and none == n_rec - with_findings}


def _lookalikes(records: list[Record], on_record: dict) -> dict:
    total = Counter()
    hit = Counter()
    by_det = Counter()
    ex = []
    for rec in records:
        for kind, value in rec.look:
            total[kind] += 1
            start = rec.text.find(value)
            if start < 0:
                value = value.replace(" ", "")
                start = rec.text.find(value)
            end = start + len(value)
            dv = _digits(value)
            reported = None
            for f in on_record.get((rec.file, rec.line), []):
                if f.category not in LOOK_CATEGORIES:
                    continue
                if at_column(rec.text, f):
                    f_end = f.start + len(f.evidence.removesuffix("…"))
                    overlap = start >= 0 and f.start < end and start < f_end
                else:  # evidence not at its column: compare the digits
                    de = _digits(f.evidence)
                    overlap = len(de) >= 6 and (de in dv or dv in de)
                if overlap:
                    reported = f
                    break
            if reported is not None:
                hit[kind] += 1
                by_det[reported.detector] += 1
                if len(ex) < 12:
                    ex.append({"file": rec.file, "line": rec.line, "kind": kind,
                               "detector": reported.detector,
                               "context": context(rec.text, start, end) if start >= 0
                               else shape(value)})
    n, h = sum(total.values()), sum(hit.values())
    return {"values": n, "reported": h, "rate": ratio(h, n),
            "per_kind": {k: {"values": total[k], "reported": hit[k],
                             "rate": ratio(hit[k], total[k])} for k in sorted(total)},
            "by_detector": dict(by_det.most_common()), "examples": ex}
