"""Set (b): presidio-research's `data/synth_dataset_v2.json` (1,500 labelled sentences).

Each sample becomes one line of a temporary text file (line breaks inside a sample
become spaces, one code point for one, so offsets do not move), scanned with
`--input-format text`. A finding's line is its sample and `column - 1` its start
(columns are 1-based code points); with `--show-values` the evidence is the value, so
the span is [column - 1, column - 1 + len(evidence)).

Detectors are mapped to the dataset's entity names (DETECTOR_ENTITY). Five entities
are scored: EMAIL_ADDRESS, PHONE_NUMBER, CREDIT_CARD, IBAN_CODE, IP_ADDRESS. Every other
gold entity (PERSON, US_SSN, STREET_ADDRESS, ...) counts as "O" (not PII to find), so a
phone hit on a social security number is a false positive, as it is for Presidio.

Scoring, headline: presidio-evaluator's SpanEvaluator via presidio_eval.py in an
environment that has it (--presidio-python), for borderscan and for Presidio's own
pattern recognizers alike. Always also: a plain span scorer here (one-to-one,
same entity, character IoU >= threshold on the raw text), which gives the per-detector
breakdown and the examples of misses and false alarms.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

from common import ratio, scan, shape

HERE = Path(__file__).resolve().parent
ENTITIES = ["EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "IP_ADDRESS"]
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"


def entity_of(detector: str) -> str | None:
    """The dataset entity a borderscan detector stands for (None: not one of the five)."""
    if detector == "personal.email":
        return "EMAIL_ADDRESS"
    if detector.startswith("personal.phone_"):
        return "PHONE_NUMBER"
    if detector == "personal.payment_card":
        return "CREDIT_CARD"
    if detector == "personal.iban":
        return "IBAN_CODE"
    if detector in ("network_id.ipv4", "network_id.ipv6"):
        return "IP_ADDRESS"
    return None


DETECTOR_ENTITY_DOC = {
    "personal.email": "EMAIL_ADDRESS",
    "personal.phone_* (cn, de, jp, vn, kr, e164)": "PHONE_NUMBER",
    "personal.payment_card": "CREDIT_CARD",
    "personal.iban": "IBAN_CODE",
    "network_id.ipv4, network_id.ipv6": "IP_ADDRESS",
}


def _iou(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union else 0.0


def run(dataset: Path, threads: int, presidio_python: str | None, iou: float) -> dict:
    samples = json.loads(dataset.read_text(encoding="utf-8"))
    texts = [s["full_text"] for s in samples]
    with tempfile.TemporaryDirectory(prefix="bs-quality-") as tmp:
        path = Path(tmp) / "synth_dataset_v2.txt"
        table = str.maketrans(LINE_BREAKS, " " * len(LINE_BREAKS))
        path.write_text("".join(t.translate(table) + "\n" for t in texts), encoding="utf-8")
        result = scan([str(path)], threads=threads, input_format="text")

    preds: list[list[tuple[str, int, int, str]]] = [[] for _ in samples]  # entity,s,e,det
    others: list[list[tuple[str, int, int, str]]] = [[] for _ in samples]
    misplaced = 0
    for f in result.findings:
        i = f.line - 1
        if texts[i][f.start:f.end].translate({ord(c): " " for c in LINE_BREAKS}) \
                != f.evidence:
            misplaced += 1
        ent = entity_of(f.detector)
        (preds if ent else others)[i].append((ent or f.category, f.start, f.end, f.detector))

    gold_all = [[(s["entity_type"], s["start_position"], s["end_position"])
                 for s in sm["spans"]] for sm in samples]
    native = _native(texts, gold_all, preds, iou)
    out: dict = {
        "dataset": str(dataset),
        "samples": len(samples),
        "command": result.command,
        "records_scanned": result.accounting["records"],
        "evidence_not_at_column": misplaced,
        "gold_counts": dict(Counter(t for g in gold_all for t, _, _ in g).most_common()),
        "detector_entity": DETECTOR_ENTITY_DOC,
        "native": native,
        "other_detectors": _others(texts, gold_all, others),
    }
    if presidio_python:
        out["evaluator"] = _evaluator(presidio_python, dataset, preds, iou)
        out["presidio_native"] = _native(
            texts, gold_all,
            [[(e, s, t, "presidio") for e, s, t in spans]
             for spans in out["evaluator"].pop("presidio_spans")], iou)
    return out


def _native(texts, gold_all, preds, iou: float) -> dict:
    tp = Counter()
    fp = Counter()
    fn = Counter()
    det = defaultdict(Counter)  # detector -> gold type it landed on (or O / partial)
    misses = defaultdict(list)
    alarms = defaultdict(list)
    lenient = Counter()
    for i, text in enumerate(texts):
        gold = [g for g in gold_all[i] if g[0] in ENTITIES]
        for p in preds[i]:
            det[p[3]][_landed(gold_all[i], p)] += 1
        merged = _merge(preds[i])
        used = set()
        for g in gold:
            lenient[g[0]] += any(p[0] == g[0] and p[1] < g[2] and g[1] < p[2] for p in merged)
            best, best_iou = None, 0.0
            for k, p in enumerate(merged):
                if k in used or p[0] != g[0]:
                    continue
                v = _iou((g[1], g[2]), (p[1], p[2]))
                if v > best_iou:
                    best, best_iou = k, v
            if best is not None and best_iou >= iou:
                used.add(best)
                tp[g[0]] += 1
            else:
                fn[g[0]] += 1
                if len(misses[g[0]]) < 60:
                    misses[g[0]].append(shape(text[g[1]:g[2]]))
        for k, p in enumerate(merged):
            if k in used:
                continue
            fp[p[0]] += 1
            if len(alarms[p[0]]) < 60:
                alarms[p[0]].append({"detector": p[3], "on": _landed(gold_all[i], p),
                                     "shape": shape(text[p[1]:p[2]])})
    per = {}
    for e in ENTITIES:
        n = tp[e] + fn[e]
        per[e] = {"annotated": n, "tp": tp[e], "fp": fp[e], "fn": fn[e],
                  "recall": ratio(tp[e], n), "precision": ratio(tp[e], tp[e] + fp[e]),
                  "recall_any_overlap": ratio(lenient[e], n),
                  "missed_shapes": _top(misses[e]), "false_alarms": _top_alarms(alarms[e])}
    t, f, n = sum(tp.values()), sum(fp.values()), sum(tp[e] + fn[e] for e in ENTITIES)
    return {"iou_threshold": iou, "per_type": per,
            "overall": {"annotated": n, "tp": t, "fp": f, "fn": n - t,
                        "recall": ratio(t, n), "precision": ratio(t, t + f),
                        "recall_any_overlap": ratio(sum(lenient.values()), n)},
            "detectors": {d: dict(c.most_common()) for d, c in sorted(det.items())}}


def _merge(preds):
    """Overlapping predictions of one entity become one span (their union), as the
    evaluator's token tags do: three phone detectors on one number are one prediction."""
    out: list[tuple[str, int, int, str]] = []
    for p in sorted(preds, key=lambda p: (p[0], p[1], p[2])):
        if out and out[-1][0] == p[0] and p[1] < out[-1][2]:
            last = out[-1]
            dets = last[3] if p[3] in last[3].split("+") else f"{last[3]}+{p[3]}"
            out[-1] = (last[0], last[1], max(last[2], p[2]), dets)
        else:
            out.append(p)
    return out


def _landed(gold: list[tuple[str, int, int]], p) -> str:
    """The gold entity type a prediction overlaps most ("O" when none)."""
    best, best_overlap = "O", 0
    for t, s, e in gold:
        ov = max(0, min(e, p[2]) - max(s, p[1]))
        if ov > best_overlap:
            best, best_overlap = t, ov
    return best


def _top(items: list[str], k: int = 8) -> list[list]:
    return [[s, n] for s, n in Counter(items).most_common(k)]


def _top_alarms(items: list[dict], k: int = 8) -> list[list]:
    c = Counter((a["detector"], a["on"], a["shape"]) for a in items)
    return [[d, on, s, n] for (d, on, s), n in c.most_common(k)]


def _others(texts, gold_all, others) -> dict:
    """Findings of detectors outside the five entities, by the gold type they landed on."""
    c = defaultdict(Counter)
    for i in range(len(texts)):
        for p in others[i]:
            c[p[3]][_landed(gold_all[i], p)] += 1
    return {d: dict(v.most_common()) for d, v in sorted(c.items())}


def _evaluator(python: str, dataset: Path, preds, iou: float) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump([[[e, s, t] for e, s, t, _ in p] for p in preds], f)
        ours = f.name
    try:
        proc = subprocess.run(
            [python, str(HERE / "presidio_eval.py"), "--dataset", str(dataset), "--ours", ours,
             "--iou", str(iou)],
            capture_output=True, text=True, check=False)
    finally:
        Path(ours).unlink(missing_ok=True)
    if proc.returncode != 0:
        raise SystemExit(f"presidio_eval.py failed (exit {proc.returncode}):\n"
                         f"{proc.stderr[-3000:]}")
    return json.loads(proc.stdout)
