"""Presidio baseline: the value detectors of patterns.txt as Presidio pattern recognizers.

One `presidio_analyzer.PatternRecognizer` per regex of a patterns file (default:
benches/patterns.txt; entity `P00`, `P01`, ... with one `Pattern` each), run on
every line of the file; counts the lines with at least one result per pattern and
the lines with any result. No NLP model is loaded and nothing is downloaded:

  analyzer (default)  `AnalyzerEngine(nlp_engine=NoOpNlpEngine(...),
                      registry=RecognizerRegistry(recognizers))`, i.e. Presidio's own
                      entry point with only these recognizers (no predefined ones,
                      no spaCy model), `engine.analyze(line, language="en")` per line;
                      includes Presidio's context enhancement, score threshold and
                      de-duplication passes. Needs a Presidio with NoOpNlpEngine
                      (2.2.36x and later); older ones fall back to `recognizers`.
  recognizers         each `PatternRecognizer.analyze(line, entities)` called
                      directly, no engine around them.

Regex flags: `regex.ASCII` only, instead of Presidio's default
DOTALL | MULTILINE | IGNORECASE, so the patterns match what `rg --no-unicode`
matches (case-sensitive, ASCII `\\b`); lines are decoded as UTF-8 (errors
replaced) and the trailing newline is stripped.

    python benches/presidio_baseline.py FILE [--patterns benches/patterns.txt]
                                             [--mode analyzer|recognizers]

Prints a JSON object: {"api": ..., "lines": N, "any": N, "per_pattern": {...}}.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import logging
import sys
import time
from pathlib import Path

import regex
from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer, RecognizerRegistry

HERE = Path(__file__).resolve().parent
FLAGS = regex.ASCII


def load_patterns(path: Path) -> list[str]:
    return [raw for raw in path.read_text(encoding="ascii").splitlines() if raw.strip()]


def recognizers_for(patterns: list[str]) -> list[PatternRecognizer]:
    return [
        PatternRecognizer(
            supported_entity=f"P{i:02d}",
            name=f"p{i:02d}",
            patterns=[Pattern(name=f"p{i:02d}", regex=p, score=0.5)],
            global_regex_flags=FLAGS,
        )
        for i, p in enumerate(patterns)
    ]


def make_analyzer(recs: list[PatternRecognizer]):
    """An AnalyzerEngine with only `recs` and no NLP model, or None if unsupported."""
    try:
        from presidio_analyzer.nlp_engine import NoOpNlpEngine
    except ImportError:
        return None
    nlp = NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "none"}])
    registry = RecognizerRegistry(recognizers=recs, global_regex_flags=FLAGS,
                                  supported_languages=["en"])
    return AnalyzerEngine(registry=registry, nlp_engine=nlp, supported_languages=["en"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file")
    ap.add_argument("--patterns", type=Path, default=HERE / "patterns.txt")
    ap.add_argument("--mode", choices=["analyzer", "recognizers"], default="analyzer",
                    help="analyzer: AnalyzerEngine with a no-op NLP engine (default); "
                    "recognizers: call each PatternRecognizer directly")
    a = ap.parse_args(argv)
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)

    patterns = load_patterns(a.patterns)
    recs = recognizers_for(patterns)
    entities = [f"P{i:02d}" for i in range(len(patterns))]
    index = {e: i for i, e in enumerate(entities)}
    engine = make_analyzer(recs) if a.mode == "analyzer" else None
    if engine is not None:
        api = "AnalyzerEngine(NoOpNlpEngine, pattern recognizers only)"

        def analyze(text: str) -> list:
            return engine.analyze(text=text, language="en")
    else:
        api = "PatternRecognizer.analyze, called directly"
        if a.mode == "analyzer":
            api += " (this Presidio has no NoOpNlpEngine)"

        def analyze(text: str) -> list:
            out = []
            for r in recs:
                out.extend(r.analyze(text, entities))
            return out

    per = [0] * len(patterns)
    lines = matched = 0
    t0 = time.perf_counter()
    c0 = time.process_time()
    with open(a.file, encoding="utf-8", errors="replace", newline="\n") as f:
        for line in f:
            lines += 1
            results = analyze(line.rstrip("\n"))
            if results:
                matched += 1
                for e in {r.entity_type for r in results}:
                    per[index[e]] += 1
    try:
        pv = importlib.metadata.version("presidio-analyzer")
    except importlib.metadata.PackageNotFoundError:
        pv = "?"
    res = {
        "api": api,
        "presidio": pv,
        "flags": "regex.ASCII",
        "lines": lines,
        "any": matched,
        "per_pattern": dict(zip(patterns, per, strict=True)),
        "seconds": round(time.perf_counter() - t0, 3),
        "cpu_seconds": round(time.process_time() - c0, 3),
    }
    json.dump(res, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
