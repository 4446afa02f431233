"""Score span predictions on presidio-research's synth_dataset_v2 with presidio-evaluator.

Runs in a separate environment that has `presidio-analyzer` and `presidio-evaluator`
(run.py calls it with `--presidio-python`; see README.md):

    python presidio_eval.py --dataset synth_dataset_v2.json --ours ours.json [--iou 0.9]

`--ours` is a JSON list, one item per sample, of [entity, start, end] spans (what
borderscan found, mapped to Presidio's entity names by run.py). This script also runs
Presidio's own pattern recognizers for the same five entities and scores both with
presidio-evaluator's `SpanEvaluator` (defaults: character IoU >= 0.9 over normalised
tokens, default skip words), on the token tags its `InputSample` and `span_to_tag`
make, exactly as its notebook 4 does. Two departures, both forced by having no
network here, both stated in the output:

  * tokens come from `spacy.blank("en")` (spaCy's English tokenizer rules) instead of
    the `en_core_web_sm` download; that model's tokenizer is the same rule set;
  * Presidio runs with `NoOpNlpEngine` (no spaCy model): the five pattern
    recognizers only, no NER and no context-word boosting; `tldextract` (e-mail
    validation) uses its bundled suffix list instead of fetching one.

Prints one JSON document on stdout.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import json
import logging
import sys
import warnings

ENTITIES = ["EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "IP_ADDRESS"]


def _offline_tldextract() -> None:
    import tldextract
    from presidio_analyzer.predefined_recognizers.generic import email_recognizer

    extractor = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

    class _Shim:
        extract = staticmethod(extractor)

    email_recognizer.tldextract = _Shim


def presidio_analyzer(threshold: float):
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NoOpNlpEngine
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        EmailRecognizer,
        IbanRecognizer,
        IpRecognizer,
        PhoneRecognizer,
    )

    _offline_tldextract()
    recognizers = [EmailRecognizer(), PhoneRecognizer(), CreditCardRecognizer(),
                   IbanRecognizer(), IpRecognizer()]
    registry = RecognizerRegistry(recognizers=recognizers, supported_languages=["en"])
    nlp = NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "none"}])
    return AnalyzerEngine(registry=registry, nlp_engine=nlp, supported_languages=["en"],
                          default_score_threshold=threshold)


def _no_nan(x):
    """NaN (a metric with a zero denominator) as null: strict JSON has no NaN."""
    if isinstance(x, float) and x != x:
        return None
    if isinstance(x, dict):
        return {k: _no_nan(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_no_nan(v) for v in x]
    return x


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dataset", required=True)
    ap.add_argument("--ours", required=True)
    ap.add_argument("--iou", type=float, default=0.9)
    ap.add_argument("--threshold", type=float, default=0.4,
                    help="Presidio score threshold (notebook 4 uses 0.4)")
    a = ap.parse_args(argv)
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")

    import pandas as pd
    import spacy
    from presidio_evaluator import InputSample, span_to_tag
    from presidio_evaluator.evaluation import SpanEvaluator

    # The tokenizer presidio-evaluator asks for, without the model download. (The
    # package re-exports the function span_to_tag under its module's name.)
    span_to_tag_module = importlib.import_module("presidio_evaluator.span_to_tag")
    span_to_tag_module.loaded_spacy["en_core_web_sm"] = spacy.blank("en")
    sys_stdout = sys.stdout
    sys.stdout = sys.stderr  # the library prints progress; keep stdout for our JSON
    try:
        dataset = InputSample.read_dataset_json(a.dataset)
        with open(a.ours, encoding="utf-8") as f:
            ours = json.load(f)
        if len(ours) != len(dataset):
            raise SystemExit(f"{len(ours)} predictions for {len(dataset)} samples")
        analyzer = presidio_analyzer(a.threshold)

        def tags_for(sample, spans, scores=None):
            return span_to_tag(scheme="IO", text=sample.full_text,
                               starts=[s[1] for s in spans], ends=[s[2] for s in spans],
                               tags=[s[0] for s in spans], scores=scores,
                               tokens=sample.tokens)

        rows = {"borderscan": [], "presidio": []}
        presidio_spans = []
        for i, sample in enumerate(dataset):
            gold = [t if t in ENTITIES else "O" for t in sample.tags]
            res = analyzer.analyze(text=sample.full_text, language="en", entities=ENTITIES)
            p_spans = [[r.entity_type, r.start, r.end] for r in res]
            presidio_spans.append(p_spans)
            preds = {
                "borderscan": tags_for(sample, ours[i]),
                "presidio": tags_for(sample, p_spans, [r.score for r in res]),
            }
            for name, pred in preds.items():
                for j, tok in enumerate(sample.tokens):
                    rows[name].append({"sentence_id": i, "token": str(tok),
                                       "annotation": gold[j], "prediction": pred[j],
                                       "start_indices": sample.start_indices[j]})
        out = {"iou_threshold": a.iou, "presidio_score_threshold": a.threshold,
               "tokenizer": f"spacy.blank('en'), spaCy {spacy.__version__}",
               "versions": {p: importlib.metadata.version(p) for p in
                            ("presidio-analyzer", "presidio-evaluator", "spacy")},
               "presidio_setup": "AnalyzerEngine(NoOpNlpEngine) with EmailRecognizer, "
                                 "PhoneRecognizer, CreditCardRecognizer, IbanRecognizer, "
                                 "IpRecognizer; no NER, no context enhancement",
               "presidio_spans": presidio_spans, "systems": {}}
        for name, r in rows.items():
            df = pd.DataFrame(r, columns=["sentence_id", "token", "annotation", "prediction",
                                          "start_indices"])
            ev = SpanEvaluator(iou_threshold=a.iou)
            res = ev.calculate_score_on_df(results_df=df)
            per_type = {}
            for ent in ENTITIES:
                m = res.per_type.get(ent)
                per_type[ent] = None if m is None else {
                    "annotated": m.num_annotated, "predicted": m.num_predicted,
                    "tp": m.true_positives, "fp": m.false_positives,
                    "fn": m.false_negatives, "precision": m.precision, "recall": m.recall}
            out["systems"][name] = {
                "per_type": per_type,
                "pii": {"annotated": res.pii_annotated, "predicted": res.pii_predicted,
                        "tp": res.pii_true_positives, "fp": res.pii_false_positives,
                        "fn": res.pii_false_negatives, "recall": res.pii_recall,
                        "precision": res.pii_precision},
            }
    finally:
        sys.stdout = sys_stdout
    json.dump(_no_nan(out), sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
