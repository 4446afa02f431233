"""Set (a): loghub's 2k logs, labelled by their level column and a hand-checked list.

Each dataset directory `<Name>/` of a loghub checkout (or of a copy of its 2k files)
holds `<Name>_2k.log` (2,000 raw lines) and `<Name>_2k.log_structured.csv` (the same
lines parsed; `LineId` is the line number). Line *n* of the log is labelled by the
`Level` of row `LineId == n`:

  warn+   WARN, WARNING, ERROR, FATAL, SEVERE and the like: must be `diagnostic`
  other   INFO, DEBUG, NOTICE, ...: `diagnostic` there is counted as a false positive
          of the level labels (an INFO line of a system log may still be diagnostic,
          so this rate is reported, not held to a bar)
  none    the dataset has no level column (say which, and why): excluded from both

Personal data is labelled by `loghub_personal.toml` (see its header): every
`personal.*` finding that overlaps no entry of it is a false alarm.
"""

from __future__ import annotations

import csv
import re
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from common import Finding, context, ratio, scan, shape

HERE = Path(__file__).resolve().parent
PERSONAL_LIST = HERE / "loghub_personal.toml"

DATASETS = ["Android", "Apache", "BGL", "HDFS", "HPC", "Hadoop", "HealthApp", "Linux", "Mac",
            "OpenSSH", "OpenStack", "Proxifier", "Spark", "Thunderbird", "Windows",
            "Zookeeper"]

# Where a level comes from, per dataset; None with the reason when there is none.
LEVEL_COLUMN: dict[str, str | None] = {
    "Android": "Level", "Apache": "Level", "BGL": "Level", "HDFS": "Level",
    "Hadoop": "Level", "OpenStack": "Level", "Spark": "Level", "Windows": "Level",
    "Zookeeper": "Level",
    "HPC": None, "HealthApp": None, "Linux": None, "Mac": None, "OpenSSH": None,
    "Proxifier": None, "Thunderbird": None,
}
NO_LEVEL_REASON = {
    "HPC": "no level column (State and Flag are event attributes, not severities)",
    "HealthApp": "no level column",
    "Linux": "its `Level` column is the host name (`combo`), not a severity",
    "Mac": "no level column",
    "OpenSSH": "no level column",
    "Proxifier": "no level column",
    "Thunderbird": "no level column (`Label` is the alert tag, `-` on all 2,000 lines)",
}

WARN_PLUS = {"W", "WARN", "WARNING", "E", "ERR", "ERROR", "F", "FATAL", "SEVERE", "CRITICAL",
             "CRIT", "ALERT", "EMERG", "EMERGENCY", "A", "ASSERT", "FAILURE", "PANIC"}
OTHER = {"V", "VERBOSE", "D", "DEBUG", "I", "INFO", "INFORMATION", "NOTICE", "TRACE", "FINE",
         "FINER", "FINEST", "CONFIG"}

E_MAIL = "personal.email"

# An IPv4 look-alike that is a version number: `~~6.1.1.0`, `version=1.2.8.57`, or a
# piece of a longer dotted run. A heuristic label, reported as such.
_VERSION_BEFORE = re.compile(r"(?i)\b(?:version|ver|build|release|v)[\s=:]*$|~~$|\d\.$")
_VERSION_AFTER = re.compile(r"\.\d")


def version_like(line: str, start: int, end: int) -> bool:
    return bool(_VERSION_BEFORE.search(line[max(0, start - 12):start])
                or _VERSION_AFTER.match(line, end))


@dataclass
class Dataset:
    name: str
    path: Path
    lines: list[str]
    labels: list[str]  # per line: "warn+", "other" or "none"
    raw_levels: Counter
    bgl_alert: list[bool] = field(default_factory=list)  # BGL's own alert tags
    mismatched_rows: int = 0  # structured rows whose Content is not in the raw line
    events: list[str] = field(default_factory=list)  # per line: loghub's EventId (template)
    templates: dict[str, str] = field(default_factory=dict)  # EventId -> EventTemplate


def level_label(value: str) -> str:
    v = value.strip().upper()
    if v in WARN_PLUS:
        return "warn+"
    if v in OTHER:
        return "other"
    raise SystemExit(f"unknown level {value!r}: add it to WARN_PLUS or OTHER in loghub_set.py")


def load(root: Path) -> list[Dataset]:
    out = []
    missing = []
    for name in DATASETS:
        log = root / name / f"{name}_2k.log"
        structured = root / name / f"{name}_2k.log_structured.csv"
        if not log.is_file() or not structured.is_file():
            missing.append(name)
            continue
        text = log.read_text(encoding="utf-8", errors="replace")
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        lines = [ln.removesuffix("\r") for ln in lines]
        with structured.open(encoding="utf-8", errors="replace", newline="") as f:
            rows = list(csv.DictReader(f))
        if len(rows) != len(lines):
            raise SystemExit(f"{name}: {len(rows)} structured rows for {len(lines)} lines")
        column = LEVEL_COLUMN[name]
        labels = ["none"] * len(lines)
        raw = Counter()
        mismatched = 0
        alert = [False] * len(lines)
        events = [""] * len(lines)
        templates: dict[str, str] = {}
        for row in rows:
            n = int(row["LineId"])
            content = row.get("Content", "")
            if content and content not in lines[n - 1]:
                mismatched += 1
            if column:
                raw[row[column]] += 1
                labels[n - 1] = level_label(row[column])
            if name == "BGL":
                alert[n - 1] = row["Label"] != "-"
            events[n - 1] = row.get("EventId", "")
            templates.setdefault(events[n - 1], row.get("EventTemplate", ""))
        out.append(Dataset(name, log, lines, labels, raw, alert if name == "BGL" else [],
                           mismatched, events, templates))
    if missing:
        raise SystemExit(f"{root}: no 2k log or structured CSV for {', '.join(missing)} "
                         "(give --loghub the root of a loghub checkout)")
    return out


@dataclass
class PersonalList:
    entries: list[dict]
    patterns: list[dict]

    def entry_at(self, dataset: str, line: int, start: int, end: int) -> dict | None:
        for e in self.entries:
            if e["dataset"] == dataset and e["line"] == line and any(
                    start < b and a - 1 < end for a, b in e["spans"]):
                return e
        return None

    def ambiguous_at(self, dataset: str, text: str, start: int, end: int) -> dict | None:
        for p in self.patterns:
            if p["dataset"] != dataset:
                continue
            for m in re.finditer(p["regex"], text):
                if start < m.end(1) and m.start(1) < end:
                    return p
        return None


def load_personal_list(path: Path = PERSONAL_LIST) -> PersonalList:
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    return PersonalList(doc.get("entry", []), doc.get("pattern", []))


def run(root: Path, threads: int) -> dict:
    datasets = load(root)
    plist = load_personal_list()
    result = scan([str(d.path) for d in datasets], threads=threads)
    by_path: dict[str, Dataset] = {str(d.path): d for d in datasets}
    per_file = {pf["path"]: pf for pf in result.accounting.get("per_file", [])}
    problems = []
    for d in datasets:
        pf = per_file.get(str(d.path))
        if pf is None or pf["lines"] != len(d.lines):
            problems.append(f"{d.name}: scanner read {pf and pf['lines']} lines, "
                            f"labels cover {len(d.lines)}")

    # line -> categories, per dataset
    cats: dict[str, list[set[str]]] = {d.name: [set() for _ in d.lines] for d in datasets}
    det_lines: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    misplaced = 0
    personal_rows = []
    versions: Counter = Counter()
    version_examples: list[dict] = []
    for f in result.findings:
        d = by_path[f.path]
        cats[d.name][f.line - 1].add(f.category)
        det_lines[f.detector][d.name].add(f.line)
        text = d.lines[f.line - 1]
        if f.evidence and text[f.start:f.end] != f.evidence:
            misplaced += 1
        if f.category == "personal":
            personal_rows.append((d, f, text))
        if f.detector == "network_id.ipv4" and version_like(text, f.start, f.end):
            versions[d.name] += 1
            if sum(e["dataset"] == d.name for e in version_examples) < 3:
                version_examples.append({"dataset": d.name, "line": f.line,
                                         "context": context(text, f.start, f.end)})

    total_lines = sum(len(d.lines) for d in datasets)
    out: dict = {
        "root": str(root),
        "lines": total_lines,
        "command": result.command,
        "accounting": {k: result.accounting[k] for k in ("files", "lines", "records",
                                                          "failed_files")},
        "problems": problems,
        "evidence_not_at_column": misplaced,
        "level_sources": {
            d.name: ({"column": LEVEL_COLUMN[d.name], "levels": dict(d.raw_levels.most_common())}
                     if LEVEL_COLUMN[d.name] else {"column": None,
                                                   "reason": NO_LEVEL_REASON[d.name]})
            for d in datasets
        },
        "structured_rows_not_matching_raw_line": {d.name: d.mismatched_rows for d in datasets
                                                  if d.mismatched_rows},
    }
    out["diagnostic"] = _diagnostic(datasets, cats, det_lines)
    out["personal"] = _personal(datasets, plist, personal_rows, total_lines)
    out["categories"] = _categories(datasets, cats, det_lines, total_lines)
    out["templates"] = _templates(datasets, cats)
    out["ipv4_version_like"] = {"findings": sum(versions.values()),
                                "by_dataset": dict(versions.most_common()),
                                "examples": _spread(version_examples, 4, versions)}
    return out


def _templates(datasets: list[Dataset], cats) -> dict:
    """How consistently lines of one log template (loghub's EventId, from Drain-style
    parsing checked by hand) are classified: a line agrees when its category set is the
    one most lines of its template got. Engineers read a template as one kind of event;
    a template whose lines land in different categories is either a detector reacting
    to the variable parts (an id that looks like a phone) or a template that truly
    carries data in some lines only (an address in one of its fields)."""
    per_dataset = {}
    split = []
    lines = agree = templates = uniform = 0
    for d in datasets:
        groups: dict[str, list[frozenset]] = defaultdict(list)
        for i, ev in enumerate(d.events):
            groups[ev].append(frozenset(cats[d.name][i]))
        d_agree = 0
        for ev, sets in groups.items():
            counts = Counter(sets)
            n = counts.most_common(1)[0][1]
            d_agree += n
            templates += 1
            if len(counts) == 1:
                uniform += 1
            else:
                split.append({"dataset": d.name, "event": ev, "lines": len(sets),
                              "template": d.templates.get(ev, "")[:160],
                              "classes": [[sorted(c) or ["none"], k]
                                          for c, k in counts.most_common(4)]})
        per_dataset[d.name] = {"lines": len(d.events), "agree": d_agree,
                               "templates": len(groups)}
        lines += len(d.events)
        agree += d_agree
    split.sort(key=lambda x: -(x["lines"] - x["classes"][0][1]))
    return {"lines": lines, "agree": agree, "share": agree / lines if lines else None,
            "templates": templates, "uniform": uniform, "per_dataset": per_dataset,
            "split_examples": split[:12]}


def _diagnostic(datasets: list[Dataset], cats, det_lines) -> dict:
    rows = []
    tot = Counter()
    for d in datasets:
        c = Counter()
        for i, label in enumerate(d.labels):
            hit = "diagnostic" in cats[d.name][i]
            c[label] += 1
            c[label + "_hit"] += hit
        row = {"dataset": d.name, "has_level": LEVEL_COLUMN[d.name] is not None,
               "warn_lines": c["warn+"], "warn_diagnostic": c["warn+_hit"],
               "recall": ratio(c["warn+_hit"], c["warn+"]),
               "other_lines": c["other"], "other_diagnostic": c["other_hit"],
               "fp_rate": ratio(c["other_hit"], c["other"]),
               "unlabelled_lines": c["none"], "unlabelled_diagnostic": c["none_hit"]}
        rows.append(row)
        tot.update(c)
    labelled_hits = tot["warn+_hit"] + tot["other_hit"]
    summary = {
        "warn_lines": tot["warn+"], "warn_diagnostic": tot["warn+_hit"],
        "recall": ratio(tot["warn+_hit"], tot["warn+"]),
        "other_lines": tot["other"], "other_diagnostic": tot["other_hit"],
        "fp_rate": ratio(tot["other_hit"], tot["other"]),
        "precision": ratio(tot["warn+_hit"], labelled_hits),
        "unlabelled_lines": tot["none"], "unlabelled_diagnostic": tot["none_hit"],
    }
    # BGL also tags alerts itself (`Label` != "-"): a second, independent label.
    bgl = next((d for d in datasets if d.name == "BGL"), None)
    if bgl is not None:
        n = sum(bgl.bgl_alert)
        hit = sum(1 for i, a in enumerate(bgl.bgl_alert) if a and "diagnostic" in cats["BGL"][i])
        summary["bgl_alert_lines"] = n
        summary["bgl_alert_diagnostic"] = hit
        summary["bgl_alert_recall"] = ratio(hit, n)
    detectors = []
    for det, per in sorted(det_lines.items()):
        if not det.startswith("diagnostic."):
            continue
        warn = other = none = 0
        for d in datasets:
            for ln in per.get(d.name, ()):
                label = d.labels[ln - 1]
                warn += label == "warn+"
                other += label == "other"
                none += label == "none"
        detectors.append({"detector": det, "warn_lines": warn, "other_lines": other,
                          "unlabelled_lines": none,
                          "recall": ratio(warn, tot["warn+"]),
                          "precision": ratio(warn, warn + other)})
    return {"per_dataset": rows, "summary": summary, "detectors": detectors}


def _personal(datasets, plist: PersonalList, rows, total_lines: int) -> dict:
    per_det: dict[str, Counter] = defaultdict(Counter)
    examples: dict[str, list[dict]] = defaultdict(list)
    per_det_ds: dict[str, Counter] = defaultdict(Counter)
    found_entries = set()
    for d, f, text in rows:
        entry = plist.entry_at(d.name, f.line, f.start, f.end)
        if entry is not None:
            per_det[f.detector]["true"] += 1
            found_entries.add((entry["dataset"], entry["line"]))
            continue
        if plist.ambiguous_at(d.name, text, f.start, f.end) is not None:
            per_det[f.detector]["ambiguous"] += 1
            continue
        per_det[f.detector]["false"] += 1
        per_det_ds[f.detector][d.name] += 1
        ex = examples[f.detector]
        if sum(e["dataset"] == d.name for e in ex) < 3:
            ex.append({"dataset": d.name, "line": f.line, "value_shape": shape(f.evidence),
                       "context": context(text, f.start, f.end)})
    detectors = []
    for det in sorted(per_det):
        c = per_det[det]
        n = c["true"] + c["false"] + c["ambiguous"]
        detectors.append({
            "detector": det, "findings": n, "true": c["true"], "ambiguous": c["ambiguous"],
            "false_alarms": c["false"], "per_10k_lines": 1e4 * c["false"] / total_lines,
            "precision": ratio(c["true"], c["true"] + c["false"]),
            "by_dataset": dict(per_det_ds[det].most_common()),
            "examples": _spread(examples[det], 6, per_det_ds[det]),
        })
    fa_no_email = sum(x["false_alarms"] for x in detectors if x["detector"] != E_MAIL)
    cards = sum(x["findings"] for x in detectors if x["detector"] == "personal.payment_card")
    entries = []
    for e in plist.entries:
        entries.append({"dataset": e["dataset"], "line": e["line"], "type": e["type"],
                        "hint": e["hint"], "found": (e["dataset"], e["line"]) in found_entries})
    n_true = sum(x["true"] for x in detectors)
    n_false = sum(x["false_alarms"] for x in detectors)
    return {
        "detectors": detectors,
        "false_alarms_excluding_email": fa_no_email,
        "false_alarms_per_10k_excluding_email": 1e4 * fa_no_email / total_lines,
        "false_alarms_all": n_false,
        "payment_card_findings": cards,
        "precision": ratio(n_true, n_true + n_false),
        "list_entries": entries,
        "list_recall": ratio(sum(e["found"] for e in entries), len(entries)),
    }


def _spread(examples: list[dict], k: int, counts: Counter | None = None) -> list[dict]:
    """Up to k examples, one per dataset first (most frequent first), so that each
    source of noise shows."""
    if counts:
        examples = sorted(examples, key=lambda e: -counts[e["dataset"]])
    out, seen = [], set()
    for ex in examples:
        if ex["dataset"] not in seen:
            out.append(ex)
            seen.add(ex["dataset"])
    for ex in examples:
        if len(out) >= k:
            break
        if ex not in out:
            out.append(ex)
    return out[:k]


def _categories(datasets, cats, det_lines, total_lines: int) -> dict:
    names = sorted({c for d in datasets for s in cats[d.name] for c in s})
    per_dataset = {d.name: {c: sum(c in s for s in cats[d.name]) for c in names}
                   for d in datasets}
    lines_any = {c: sum(per_dataset[d][c] for d in per_dataset) for c in names}
    detectors = {det: {"lines": sum(len(v) for v in per.values()),
                       "by_dataset": {k: len(v) for k, v in sorted(per.items())}}
                 for det, per in sorted(det_lines.items())}
    return {"categories": names, "lines_per_dataset": per_dataset, "lines": lines_any,
            "per_10k": {c: 1e4 * n / total_lines for c, n in lines_any.items()},
            "detectors": detectors}


__all__ = ["Finding", "run"]
