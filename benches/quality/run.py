"""Classification quality of borderscan on labelled data the detectors were not tuned on.

    python3 benches/quality/run.py [--loghub DIR] [--presidio FILE] \\
        [--presidio-python VENV/bin/python] [--own DIR | --no-own] \\
        [--heldout DIR ... | --no-heldout] [--out benches/quality/RESULTS.md]

Scans (a) loghub's 16 `*_2k.log` files (DIR: a loghub checkout, or any folder with
`<Name>/<Name>_2k.log` and `<Name>_2k.log_structured.csv`), (b) presidio-research's
`data/synth_dataset_v2.json`, (c) our own labelled fixtures in many vocabularies
(`--own`, default: `benches/quality/own` of this checkout) and the held-out fixtures,
written blind by other hands and never tuned on (`--heldout`, repeatable; default:
(d) `benches/quality/heldout`, (e) `benches/quality/heldout2` and (f)
`benches/quality/heldout3`), with the installed
`borderscan` CLI, scores them, and writes a Markdown report (`--out`) and the same
figures as JSON (`--json`, default: `--out` with `.json`). Any set may be left out
((c) with `--no-own`, (d), (e) and (f) with `--no-heldout`). `--presidio-python` is an interpreter
with presidio-analyzer and presidio-evaluator: with it, set (b) is scored by
presidio-evaluator's own SpanEvaluator and Presidio's pattern recognizers are run beside
ours; without it only the plain span scorer of presidio_set.py runs. See README.md
next to this file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shlex
import subprocess
import sys
import time
from pathlib import Path

import loghub_set
import own_set
import presidio_set
from common import fmt, scanner_identity

HERE = Path(__file__).resolve().parent
DEFAULT_HELDOUT = [HERE / "heldout", HERE / "heldout2", HERE / "heldout3"]  # sets (d), (e), (f)

BAR_DIAGNOSTIC_RECALL = 0.95
BAR_PERSONAL_FA_PER_10K = 2.0
BAR_PRESIDIO_RECALL = 0.95
BAR_OWN_RECALL = 0.95
BAR_OWN_PRECISION = 0.95
BAR_OWN_LOOKALIKE = 0.01


def source_commit(path: Path) -> str | None:
    """Commit of a data source: a COMMIT file beside it, or its git checkout."""
    folder = path if path.is_dir() else path.parent
    marker = folder / "COMMIT"
    if marker.is_file():
        return marker.read_text(encoding="utf-8").strip()[:40]
    proc = subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"], capture_output=True,
                          text=True, check=False)
    return proc.stdout.strip() if proc.returncode == 0 else None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--loghub", type=Path, help="loghub checkout (or a copy of its 2k files)")
    ap.add_argument("--presidio", type=Path, help="presidio-research's synth_dataset_v2.json")
    ap.add_argument("--presidio-python",
                    help="Python with presidio-analyzer and presidio-evaluator installed")
    ap.add_argument("--iou", type=float, default=0.9,
                    help="span IoU threshold (presidio-evaluator's default: 0.9)")
    ap.add_argument("--own", type=Path, default=own_set.DEFAULT_ROOT,
                    help="set (c): folder with labels.json and the fixtures "
                         "(default: benches/quality/own)")
    ap.add_argument("--no-own", action="store_true", help="leave set (c) out")
    ap.add_argument("--heldout", type=Path, action="append",
                    help="a held-out set: fixtures written blind and never tuned on; repeat "
                         "for several (default: benches/quality/heldout, set (d), "
                         "benches/quality/heldout2, set (e), and benches/quality/heldout3, "
                         "set (f))")
    ap.add_argument("--no-heldout", action="store_true", help="leave the held-out sets out")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    ap.add_argument("--json", type=Path, help="default: --out with the suffix .json")
    ap.add_argument("--label", default="before",
                    help="what this measurement is (before / after ...), put in the title")
    a = ap.parse_args(argv)
    if not a.loghub and not a.presidio and a.no_own and a.no_heldout:
        ap.error("give --loghub DIR, --presidio FILE, --own DIR and/or --heldout DIR")

    started = time.monotonic()
    doc: dict = {
        "label": a.label,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python3 " + " ".join(shlex.quote(x) for x in
                                         [_rel(Path(sys.argv[0])), *sys.argv[1:]]),
        "scanner": scanner_identity(),
        "bars": {},
    }
    if a.loghub:
        doc["loghub"] = loghub_set.run(a.loghub.resolve(), a.threads)
        doc["loghub"]["source_commit"] = source_commit(a.loghub)
    if a.presidio:
        doc["presidio"] = presidio_set.run(a.presidio.resolve(), a.threads, a.presidio_python,
                                           a.iou)
        doc["presidio"]["source_commit"] = source_commit(a.presidio)
    if not a.no_own:
        doc["own"] = own_set.run(a.own, a.threads)
        doc["own"]["source_commit"] = source_commit(a.own)
    if not a.no_heldout:
        for root in a.heldout or DEFAULT_HELDOUT:
            key = heldout_key(root, doc)
            doc[key] = own_set.run(root, a.threads)
            doc[key]["source_commit"] = source_commit(root)
            doc.setdefault("heldout_sets", []).append(key)
    doc["bars"] = bars(doc)
    doc["seconds"] = round(time.monotonic() - started, 1)

    out_json = a.json or a.out.with_suffix(".json")
    a.out.write_text(render(doc), encoding="utf-8")
    out_json.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    for b in doc["bars"]:
        print(f"{'MET ' if b['met'] else 'MISS'}  {b['bar']}: {b['measured']}")
    print(f"wrote {a.out} and {out_json}")
    return 0


def heldout_key(root: Path, doc: dict) -> str:
    """The key of a held-out set in the report's JSON: `heldout` for set (d) (as before),
    else the folder's name (`heldout2` for set (e), `heldout3` for set (f)), made unique."""
    name = root.resolve().name
    key = "heldout" if name == "heldout" else f"heldout:{name}"
    n = 2
    while key in doc:
        key, n = f"heldout:{name}:{n}", n + 1
    return key


def _rel(p: Path) -> str:
    try:
        return str(p.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(p)


def bars(doc: dict) -> list[dict]:
    out = []
    if "loghub" in doc:
        lh = doc["loghub"]
        d = lh["diagnostic"]["summary"]
        out.append({"set": "loghub", "bar": "diagnostic recall on WARN/ERROR/FATAL/SEVERE lines",
                    "target": f">= {BAR_DIAGNOSTIC_RECALL}",
                    "measured": f"{fmt(d['recall'])} ({d['warn_diagnostic']} of "
                                f"{d['warn_lines']})",
                    "met": (d["recall"] or 0) >= BAR_DIAGNOSTIC_RECALL})
        p = lh["personal"]
        out.append({"set": "loghub",
                    "bar": "personal.* false alarms (not e-mail, not on the hand-checked list)",
                    "target": f"<= {BAR_PERSONAL_FA_PER_10K:g} per 10,000 lines",
                    "measured": f"{p['false_alarms_per_10k_excluding_email']:.1f} per 10,000 "
                                f"({p['false_alarms_excluding_email']} in {lh['lines']:,} lines)",
                    "met": p["false_alarms_per_10k_excluding_email"] <= BAR_PERSONAL_FA_PER_10K})
        out.append({"set": "loghub", "bar": "payment-card findings", "target": "0",
                    "measured": str(p["payment_card_findings"]),
                    "met": p["payment_card_findings"] == 0})
    if "presidio" in doc:
        pr = doc["presidio"]
        ours, theirs, how = _headline(pr)
        out.append({"set": "presidio-research",
                    "bar": f"recall over email, phone, card, IBAN, IP ({how})",
                    "target": f">= {BAR_PRESIDIO_RECALL}",
                    "measured": f"{fmt(ours['recall'])} ({ours['tp']} of {ours['annotated']})",
                    "met": (ours["recall"] or 0) >= BAR_PRESIDIO_RECALL})
        if theirs is not None:
            out.append({"set": "presidio-research",
                        "bar": "false alarms fewer than Presidio's pattern recognizers",
                        "target": f"< {theirs['fp']} (Presidio)",
                        "measured": str(ours["fp"]), "met": ours["fp"] < theirs["fp"]})
    if "own" in doc:
        out += own_bars(doc["own"], "own")
    for key in doc.get("heldout_sets", []):
        out += own_bars(doc[key], key.removeprefix("heldout:"))
    return out


def own_cells(own: dict, what: str) -> list[tuple[str, str, float | None, dict]]:
    """(category, format, value, cell) for every cell the bar applies to: recall where a
    category has support in a format, precision where it has support or predictions."""
    out = []
    for f, table in own["per_format"].items():
        for c in own_set.ALL:
            x = table[c]
            if what == "recall" and x["support"]:
                out.append((c, f, x["recall"], x))
            if what == "precision" and (x["support"] or x["predicted"]):
                out.append((c, f, x["precision"], x))
    return out


def own_bars(own: dict, name: str) -> list[dict]:
    out = []
    for what, target in (("recall", BAR_OWN_RECALL), ("precision", BAR_OWN_PRECISION)):
        cells = own_cells(own, what)
        met = [x for x in cells if (x[2] or 0) >= target]
        worst = min(cells, key=lambda x: (x[2] or 0, -x[3]["support"]))
        out.append({"set": name, "bar": f"{what} of every category (and none) in every format",
                    "target": f">= {target}",
                    "measured": f"{len(met)} of {len(cells)} cells; lowest {fmt(worst[2])} "
                                f"({worst[0]}, {worst[1]})",
                    "met": len(met) == len(cells)})
    lk = own["lookalikes"]
    out.append({"set": name, "bar": "look-alike identifiers (bad check digits) reported as "
                "personal/device_id", "target": f"<= {BAR_OWN_LOOKALIKE:.0%}",
                "measured": f"{100 * (lk['rate'] or 0):.1f} % ({lk['reported']} of "
                            f"{lk['values']})",
                "met": (lk["rate"] or 0) <= BAR_OWN_LOOKALIKE})
    rows = own["rows"]
    out.append({"set": name, "bar": "every record placed by origin x destination "
                "(records_by_flow sums to the records; its unclassified = records with no "
                "finding)", "target": "all records",
                "measured": f"{rows.get('placed', 0)} of {own['records']} placed, "
                            f"{rows.get('none', 0)} none "
                            f"({own['records'] - rows['records_with_row']} without a finding)",
                "met": bool(rows.get("met"))})
    return out


def _pooled(per_type: dict) -> dict:
    tp = sum(v["tp"] for v in per_type.values() if v)
    fp = sum(v["fp"] for v in per_type.values() if v)
    n = sum(v["annotated"] for v in per_type.values() if v)
    return {"annotated": n, "tp": tp, "fp": fp, "fn": n - tp,
            "recall": tp / n if n else None, "precision": tp / (tp + fp) if tp + fp else None}


def _headline(pr: dict) -> tuple[dict, dict | None, str]:
    """Pooled over the five entities, entity type must match: the bar's figure."""
    if "evaluator" in pr:
        s = pr["evaluator"]["systems"]
        return (_pooled(s["borderscan"]["per_type"]), _pooled(s["presidio"]["per_type"]),
                "presidio-evaluator SpanEvaluator, pooled per entity")
    return pr["native"]["overall"], None, "plain span scorer; presidio-evaluator not run"


# ---------------------------------------------------------------------------- report


def _table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def render(doc: dict) -> str:
    sc = doc["scanner"]
    commit = sc.get("commit", "not a git checkout")
    if sc.get("dirty"):
        commit += " (with uncommitted changes)"
    parts = [
        f"# Classification quality: {doc['label']}",
        "",
        f"- date: {doc['date']}",
        f"- scanner: {sc['version']}, commit `{commit}` of `{sc.get('checkout', '?')}` "
        f"(package at `{sc['package']}`)",
        f"- command: `{doc['command']}`",
        f"- run time: {doc['seconds']} s",
        "",
        "How the labels were made and how to read this: [README.md](README.md). "
        "Every figure is also in the JSON file written beside this one.",
        "",
        "## Bars",
        "",
        _table(["set", "bar", "target", "measured", ""],
               [[b["set"], b["bar"], b["target"], b["measured"], "met" if b["met"] else
                 "**not met**"] for b in doc["bars"]]),
    ]
    if "loghub" in doc:
        parts += render_loghub(doc["loghub"])
    if "presidio" in doc:
        parts += render_presidio(doc["presidio"])
    if "own" in doc:
        parts += render_own(doc["own"])
    for key in doc.get("heldout_sets", []):
        parts += render_own(doc[key])
    return "\n".join(parts) + "\n"


def render_loghub(lh: dict) -> list[str]:
    d = lh["diagnostic"]
    s = d["summary"]
    p = lh["personal"]
    out = [
        "",
        "## (a) loghub 2k logs",
        "",
        f"Source: `{lh['root']}`, loghub commit `{lh.get('source_commit') or 'unknown'}`; "
        f"{lh['accounting']['files']} files, {lh['lines']:,} lines, scanner read "
        f"{lh['accounting']['records']:,} records, {lh['accounting']['failed_files']} failed "
        "files. " + ("Problems: " + "; ".join(lh["problems"]) if lh["problems"] else
                     "Every file's line count matches its structured CSV.") +
        f" Findings whose evidence is not at their column: {lh['evidence_not_at_column']}.",
        "",
        "Short excerpts below quote loghub (https://github.com/logpai/loghub; J. Zhu, S. He, "
        "P. He, J. Liu, M. R. Lyu, *Loghub: A Large Collection of System Log Datasets for "
        "AI-driven Log Analytics*, ISSRE 2023), with each hit replaced by its shape.",
        "",
        "### Per category (labelled where labels exist)",
        "",
    ]
    cat = lh["categories"]
    rows = [["diagnostic", "level column", cat["lines"].get("diagnostic", 0),
             fmt(s["precision"]), fmt(s["recall"]),
             f"recall on {s['warn_lines']:,} warn+ lines; rate on {s['other_lines']:,} "
             f"other-level lines {fmt(s['fp_rate'])}"],
            ["personal", "hand-checked list", cat["lines"].get("personal", 0),
             fmt(p["precision"]), fmt(p["list_recall"]),
             f"{p['false_alarms_all']} false alarms ({p['false_alarms_excluding_email']} "
             f"not e-mail); recall over {len(p['list_entries'])} list entries"]]
    v = lh["ipv4_version_like"]
    for c in cat["categories"]:
        if c in ("diagnostic", "personal"):
            continue
        note = "no labels: lines with a hit"
        if c == "network_id":
            note += (f"; {v['findings']} network_id.ipv4 findings are version numbers "
                     "(heuristic, below)")
        rows.append([c, "none", cat["lines"][c], "", "", note])
    out.append(_table(["category", "labels", "lines with it", "precision", "recall", "notes"],
                      rows))
    out += ["", "Categories no line got: " + ", ".join(
        sorted({"personal", "device_id", "network_id", "geolocation", "secret", "calibration",
                "sensor", "diagnostic", "operational", "quality", "model"}
               - set(cat["categories"]))) + ".", ""]

    out += ["### diagnostic, by dataset", "",
            "warn+ = WARN, WARNING, ERROR, FATAL, SEVERE (and W, E, F, CRITICAL, ...); other = "
            "INFO, DEBUG, NOTICE, ...; datasets without a level column are excluded from "
            "recall and rate.", ""]
    rows = []
    for r in d["per_dataset"]:
        if r["has_level"]:
            rows.append([r["dataset"], r["warn_lines"], r["warn_diagnostic"], fmt(r["recall"]),
                         r["other_lines"], r["other_diagnostic"], fmt(r["fp_rate"]), ""])
        else:
            rows.append([r["dataset"], "", "", "", "", "", "",
                         f"{r['unlabelled_diagnostic']} of {r['unlabelled_lines']} lines; "
                         + lh["level_sources"][r["dataset"]]["reason"]])
    rows.append(["**all with levels**", s["warn_lines"], s["warn_diagnostic"],
                 f"**{fmt(s['recall'])}**", s["other_lines"], s["other_diagnostic"],
                 fmt(s["fp_rate"]), f"{s['unlabelled_diagnostic']} of {s['unlabelled_lines']} "
                 "unlabelled lines diagnostic"])
    out.append(_table(["dataset", "warn+ lines", "diagnostic", "recall", "other lines",
                       "diagnostic", "rate", "no level"], rows))
    if "bgl_alert_lines" in s:
        out += ["", f"BGL's own alert tags (`Label` != `-`, {s['bgl_alert_lines']} lines): "
                f"{s['bgl_alert_diagnostic']} diagnostic, recall {fmt(s['bgl_alert_recall'])}."]
    if d["detectors"]:
        out += ["", _table(["detector", "warn+ lines", "other lines", "unlabelled lines",
                            "recall", "precision"],
                           [[x["detector"], x["warn_lines"], x["other_lines"],
                             x["unlabelled_lines"], fmt(x["recall"]), fmt(x["precision"])]
                            for x in d["detectors"]])]
    else:
        out += ["", "No diagnostic.* detector fired on any line."]

    out += ["", "### personal, by detector", "",
            "true = overlaps an entry of `loghub_personal.toml`; ambiguous = overlaps one of its "
            "ambiguous patterns (not counted either way); false alarm = everything else. "
            f"Per 10,000 of the {lh['lines']:,} lines.", ""]
    rows = [[x["detector"], x["findings"], x["true"], x["ambiguous"], x["false_alarms"],
             f"{x['per_10k_lines']:.1f}", fmt(x["precision"]),
             ", ".join(f"{k} {n}" for k, n in x["by_dataset"].items())]
            for x in p["detectors"]]
    rows.append(["**all but personal.email**", "", "", "", p["false_alarms_excluding_email"],
                 f"**{p['false_alarms_per_10k_excluding_email']:.1f}**", "", ""])
    out.append(_table(["detector", "findings", "true", "ambiguous", "false alarms",
                       "per 10k lines", "precision", "false alarms by dataset"], rows))
    out += ["", "Examples of false alarms (value shown as its shape: digits 9, letters x):", ""]
    for x in p["detectors"]:
        for ex in x["examples"]:
            out.append(f"- `{x['detector']}` {ex['dataset']}:{ex['line']}: `{ex['context']}`")
    out += ["", "Hand-checked personal data (`loghub_personal.toml`) and whether a personal.* "
            "detector found it:", ""]
    out.append(_table(["dataset", "line", "type", "value (masked)", "found"],
                      [[e["dataset"], e["line"], e["type"], f"`{e['hint']}`",
                        "yes" if e["found"] else "no"] for e in p["list_entries"]]))

    out += ["", "### Other categories, lines with a hit per dataset (no labels)", ""]
    others = [c for c in cat["categories"] if c not in ("diagnostic",)]
    out.append(_table(["dataset", *others],
                      [[ds, *[row[c] for c in others]]
                       for ds, row in cat["lines_per_dataset"].items()]))
    out += ["", "Per detector (lines): " + "; ".join(
        f"`{det}` {x['lines']}" for det, x in cat["detectors"].items()) + "."]
    out += ["", f"network_id.ipv4 on version numbers (heuristic: after `~~`, `version`, `v`, or "
            f"inside a longer dotted run): {v['findings']} findings "
            f"({', '.join(f'{k} {n}' for k, n in v['by_dataset'].items()) or 'none'}), e.g.:", ""]
    out += [f"- {ex['dataset']}:{ex['line']}: `{ex['context']}`" for ex in v["examples"]]
    t = lh.get("templates")
    if t:
        out += ["", "### Consistency per log template", "",
                f"Lines classified like most lines of their template (loghub's `EventId`): "
                f"{t['agree']:,} of {t['lines']:,} ({fmt(t['share'])}); templates whose lines "
                f"all got the same categories: {t['uniform']} of {t['templates']}.", ""]
        out.append(_table(["dataset", "templates", "lines", "agree"],
                          [[ds, x["templates"], x["lines"], fmt(x["agree"] / x["lines"])]
                           for ds, x in t["per_dataset"].items()]))
        out += ["", "Templates split most (loghub's template text; categories: lines):", ""]
        out += [f"- {x['dataset']} {x['event']} ({x['lines']} lines) `{x['template']}`: "
                + "; ".join(f"{'+'.join(c)}: {k}" for c, k in x["classes"])
                for x in t["split_examples"]]
    return out


def render_presidio(pr: dict) -> list[str]:
    out = [
        "",
        "## (b) presidio-research synth_dataset_v2.json",
        "",
        f"Source: `{pr['dataset']}`, presidio-research commit "
        f"`{pr.get('source_commit') or 'unknown'}`; {pr['samples']:,} samples, "
        f"{pr['records_scanned']:,} scanned as one line each; findings whose evidence is not at "
        f"their column: {pr['evidence_not_at_column']}.",
        "",
        "Detector → entity: " + "; ".join(f"`{k}` → {v}" for k, v in
                                         pr["detector_entity"].items()) +
        ". Other gold entities count as not-PII (O).",
        "",
    ]
    ents = presidio_set.ENTITIES
    if "evaluator" in pr:
        ev = pr["evaluator"]
        b = ev["systems"]["borderscan"]
        z = ev["systems"]["presidio"]
        out += [
            "### Scored by presidio-evaluator (SpanEvaluator)",
            "",
            f"presidio-evaluator {ev['versions']['presidio-evaluator']}, SpanEvaluator with its "
            f"defaults (character IoU >= {ev['iou_threshold']} over normalised tokens, default "
            f"skip words); tokens from {ev['tokenizer']} (the `en_core_web_sm` download is not "
            "available offline; its tokenizer uses the same rules). **Presidio's figures are "
            f"computed here, not cited**: presidio-analyzer {ev['versions']['presidio-analyzer']}"
            f", {ev['presidio_setup']}, score threshold {ev['presidio_score_threshold']} (as in "
            "presidio-research's notebook 4).",
            "",
        ]
        rows = []
        for e in ents:
            x, y = b["per_type"][e], z["per_type"][e]
            rows.append([e, x["annotated"], x["tp"], x["fp"], x["fn"], fmt(x["recall"]),
                         fmt(x["precision"]), y["tp"], y["fp"], y["fn"], fmt(y["recall"]),
                         fmt(y["precision"])])
        pb, pz = _pooled(b["per_type"]), _pooled(z["per_type"])
        rows.append(["**pooled, type must match**", pb["annotated"], pb["tp"], pb["fp"], pb["fn"],
                     f"**{fmt(pb['recall'])}**", fmt(pb["precision"]), pz["tp"], pz["fp"],
                     pz["fn"], f"**{fmt(pz['recall'])}**", fmt(pz["precision"])])
        rows.append(["PII, any type (evaluator's pii_*)", b["pii"]["annotated"], b["pii"]["tp"],
                     b["pii"]["fp"], b["pii"]["fn"], fmt(b["pii"]["recall"]),
                     fmt(b["pii"]["precision"]), z["pii"]["tp"], z["pii"]["fp"],
                     z["pii"]["fn"], fmt(z["pii"]["recall"]), fmt(z["pii"]["precision"])])
        out.append(_table(["entity", "gold", "TP", "FP", "FN", "recall", "precision",
                           "Presidio TP", "FP", "FN", "recall", "precision"], rows))
        out += ["", "(`gold` is the evaluator's count of annotated spans after its token "
                "merging: two adjacent phone numbers separated only by skip words become one.)",
                ""]
    n = pr["native"]
    out += ["### Plain span scorer (this harness)", "",
            f"One-to-one matching, same entity, character IoU >= {n['iou_threshold']} on the raw "
            "text; overlapping findings of one entity merged first (three phone detectors on "
            "one number are one prediction). `any overlap` = recall when any overlap counts.",
            ""]
    pn = pr.get("presidio_native")
    rows = []
    for e in ents:
        x = n["per_type"][e]
        row = [e, x["annotated"], x["tp"], x["fp"], x["fn"], fmt(x["recall"]),
               fmt(x["recall_any_overlap"]), fmt(x["precision"])]
        if pn:
            y = pn["per_type"][e]
            row += [y["tp"], y["fp"], fmt(y["recall"]), fmt(y["precision"])]
        rows.append(row)
    o = n["overall"]
    row = ["**overall**", o["annotated"], o["tp"], o["fp"], o["fn"], f"**{fmt(o['recall'])}**",
           fmt(o["recall_any_overlap"]), fmt(o["precision"])]
    if pn:
        y = pn["overall"]
        row += [y["tp"], y["fp"], fmt(y["recall"]), fmt(y["precision"])]
    rows.append(row)
    header = ["entity", "gold", "TP", "FP", "FN", "recall", "any overlap", "precision"]
    if pn:
        header += ["Presidio TP", "FP", "recall", "precision"]
    out.append(_table(header, rows))
    out += ["", "Every finding by detector and the gold entity it landed on (most overlap; O = "
            "none). `own` = share on the detector's own entity (none for detectors outside the "
            "five, whose findings count in no column above):", ""]
    allx = {**n["detectors"], **pr["other_detectors"]}
    rows = []
    for d, c in sorted(allx.items()):
        own = presidio_set.entity_of(d)
        share = fmt(c.get(own, 0) / sum(c.values())) if own else "none"
        rows.append([f"`{d}`", sum(c.values()), share,
                     ", ".join(f"{k} {v}" for k, v in c.items())])
    out.append(_table(["detector", "findings", "own", "landed on"], rows))
    out += ["", "Missed (shape of the gold value, count):", ""]
    for e in ents:
        ms = n["per_type"][e]["missed_shapes"]
        if ms:
            out.append(f"- {e}: " + ", ".join(f"`{s}` {c}" for s, c in ms))
    out += ["", "False alarms (detector, gold entity under it, shape, count):", ""]
    for e in ents:
        fa = n["per_type"][e]["false_alarms"]
        if fa:
            out.append(f"- {e}: " + ", ".join(f"`{d}` on {on} `{s}` {c}" for d, on, s, c in fa))
    if pn:
        out += ["", "Presidio's false alarms, same scorer:", ""]
        for e in ents:
            fa = pn["per_type"][e]["false_alarms"]
            if fa:
                out.append(f"- {e}: " + ", ".join(f"on {on} `{s}` {c}" for _, on, s, c in fa))
    return out


def _pr(x: dict) -> str:
    """A cell: precision / recall (support)."""
    if not x["support"] and not x["predicted"]:
        return ""
    return f"{fmt(x['precision'], 2)} / {fmt(x['recall'], 2)} ({x['support']})"


def render_own(own: dict) -> list[str]:
    c = own["counts"]
    name = Path(own["root"]).name
    if name == "own":
        title = "## (c) own labelled fixtures, many vocabularies"
        made = ("written by `own/make.py` and two hand-written files, labelled per record by "
                "`own/labels.json` (rules: `own/README.md`). ")
    elif name == "heldout":
        title = "## (d) held-out fixtures, written blind, never tuned on"
        made = ("written by `heldout/make.py`, labelled per record by `heldout/labels.json` "
                "(rules: `own/README.md`, set: `heldout/README.md`). ")
    elif name == "heldout2":
        title = "## (e) held-out 2, written blind"
        made = ("written by `heldout2/make.py`, labelled per record by `heldout2/labels.json` "
                "(rules: `own/README.md`, set: `heldout2/README.md`). ")
    elif name == "heldout3":
        title = "## (f) held-out 3, written blind"
        made = ("written by `heldout3/make.py`, labelled per record by `heldout3/labels.json` "
                "(rules: `own/README.md`, set: `heldout3/README.md`). ")
    else:  # another labelled set scored with --own, e.g. the held-out set (d)
        title = f"## (c) labelled fixtures of `{name}/` (--own)"
        made = (f"written by `{name}/make.py`, labelled per record by `{name}/labels.json` "
                f"(rules: `own/README.md`, set: `{name}/README.md`). ")
    out = [
        "",
        title,
        "",
        f"Source: `{own['root']}` (commit `{own.get('source_commit') or 'unknown'}`), "
        + made +
        f"{own['records']:,} records in {own['files']} files; {c['multi_label']} have more "
        f"than one category. Findings: {own['findings']:,} ({own['findings_off_records']} "
        f"on lines that are not records, such as CSV headers); findings whose evidence is "
        f"not at their column: {own['evidence_not_at_column']}. "
        + ("Problems: " + "; ".join(own["problems"]) if own["problems"] else
           "Every labelled line was scanned as one record."),
        "",
        "Records per format: " + ", ".join(f"{k} {v}" for k, v in c["format"].items())
        + "; per language: " + ", ".join(f"{k} {v}" for k, v in c["lang"].items()) + ".",
        "",
        "Scored per record: a category is reported when a finding of that category is on "
        "the record's line; `none` = no category (labels: the record carries nothing of the "
        "eleven; scanner: no finding on it, since records without findings have no row).",
        "",
        "### Per category",
        "",
    ]
    rows = []
    for cat in own_set.ALL:
        x = own["overall"][cat]
        rows.append([cat, x["support"], x["predicted"], x["tp"], x["fp"], x["fn"],
                     fmt(x["precision"]), fmt(x["recall"])])
    p = own["pooled"]
    rows.append(["**eleven categories pooled**", p["tp"] + p["fn"], p["tp"] + p["fp"], p["tp"],
                 p["fp"], p["fn"], f"**{fmt(p['precision'])}**", f"**{fmt(p['recall'])}**"])
    out.append(_table(["category", "support", "reported", "TP", "FP", "FN", "precision",
                       "recall"], rows))
    formats = list(own["per_format"])
    out += ["", "### Per format", "",
            "Each cell: precision / recall (support). Bars: both >= 0.95 in every cell that "
            "has support (recall) or support or reports (precision).", ""]
    out.append(_table(["category", *formats],
                      [[cat, *[_pr(own["per_format"][f][cat]) for f in formats]]
                       for cat in own_set.ALL]))
    langs = list(own["per_lang"])
    out += ["", "### Per language", "", "Each cell: precision / recall (support).", ""]
    out.append(_table(["category", *langs],
                      [[cat, *[_pr(own["per_lang"][x][cat]) for x in langs]]
                       for cat in own_set.ALL]))
    out += ["", "### Files", "",
            "`format`: what the fixture is; `scanner`: what the scanner took it for; "
            "`unparseable`: records the scanner could not parse in that format (scanned as "
            "text).", ""]
    out.append(_table(["file", "format", "scanner", "records", "unparseable"],
                      [[f"`{k}`", x["format"], x["scanner_format"], x["records"],
                        x["unparseable"]] for k, x in own["per_file"].items()]))
    out += ["", "### Per detector", "",
            "`records`: records with a finding of the detector; `labelled`: those whose "
            "labels have the detector's category.", ""]
    out.append(_table(["detector", "category", "findings", "records", "labelled", "precision",
                       "records by format"],
                      [[f"`{d['detector']}`", d["category"], d["findings"], d["records"],
                        d["records_labelled"], fmt(d["precision"]),
                        ", ".join(f"{k} {v}" for k, v in d["by_format"].items())]
                       for d in own["detectors"]]))
    lk = own["lookalikes"]
    out += ["", "### Look-alike identifiers", "",
            "Values shaped like a card number, IBAN, Chinese resident id, German tax id, IMEI "
            "or My Number whose check digits are wrong, in neutral fields (a reference, a "
            "tracking number, an order). Reported = a `personal` or `device_id` finding "
            f"overlaps the value. **{lk['reported']} of {lk['values']} "
            f"({100 * (lk['rate'] or 0):.1f} %)**.", ""]
    out.append(_table(["kind", "values", "reported", "rate"],
                      [[k, x["values"], x["reported"], fmt(x["rate"])]
                       for k, x in lk["per_kind"].items()]))
    if lk["by_detector"]:
        out += ["", "By detector: " + ", ".join(f"`{k}` {v}" for k, v in
                                                 lk["by_detector"].items()) + "."]
    for ex in lk["examples"]:
        out.append(f"- `{ex['detector']}` on {ex['kind']} {ex['file']}:{ex['line']}: "
                   f"`{ex['context']}`")
    out += ["", "### Misses and false alarms", "",
            "A few per category, different formats and templates first. A miss shows the "
            "record's shape (digits 9, Latin letters x/X; other scripts as written) and what "
            "was reported; a false alarm shows the detector and the hit's shape in its "
            "context.", ""]
    for cat in own_set.ALL:
        ex = own["examples"][cat]
        if not ex["missed"] and not ex["false_alarms"]:
            continue
        out.append(f"**{cat}**")
        out.append("")
        for m in ex["missed"]:
            out.append(f"- missed, {m['format']}/{m['lang']} `{m['template']}` "
                       f"{m['file']}:{m['line']} (reported: {', '.join(m['reported'])}): "
                       f"`{m['shape'].replace('`', chr(39))}`")
        for a in ex["false_alarms"]:
            what = a.get("context") or a.get("shape", "")
            det = f"`{a['detector']}` " if a.get("detector") else ""
            out.append(f"- false alarm, {a['format']}/{a['lang']} {det}on `{a['template']}` "
                       f"(labels: {', '.join(a['labels'])}) {a['file']}:{a['line']}: "
                       f"`{what.replace('`', chr(39))}`")
        out.append("")
    return out


if __name__ == "__main__":
    sys.exit(main())
