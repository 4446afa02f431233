#!/usr/bin/env python3
"""Score an installed borderscan on the placement fixtures (generate.py).

    python benches/placement/run.py --python /path/to/venv/bin/python \\
        --out benches/placement/RESULTS.md --misses /tmp/misses.jsonl

Runs `borderscan scan DIR --format json --show-values ...` in a subprocess,
groups the findings by record (file, line), takes the record's placement from
its rows, and compares it with truth.jsonl: destination accuracy and coverage,
decoys not taken, origin accuracy and coverage, per shape, per language and
pooled. Writes a Markdown table (--out) and the same figures as JSON (the same
name with .json), and the missed records as JSON Lines (--misses; otherwise a
short list on stderr).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
COUNTRY = re.compile(r"[A-Z]{2}")
NOT_PLACED = {"unknown", "indeterminate", "", None}


def load_generate() -> Any:
    spec = importlib.util.spec_from_file_location("placement_generate", HERE / "generate.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def borderscan_version(python: str) -> str:
    p = subprocess.run([python, "-m", "borderscan", "--version"], capture_output=True,
                       text=True, timeout=120)
    return p.stdout.strip() or p.stderr.strip()


def scan(fixtures: Path, python: str, threads: int = 2) -> list[dict[str, Any]]:
    """The findings rows of one scan of the fixture directory."""
    with tempfile.TemporaryDirectory() as td:
        out = Path(td) / "findings.json"
        cmd = [python, "-m", "borderscan", "scan", ".", "--format", "json", "--out", str(out),
               "--show-values", "--no-audit-log", "--quiet", "--threads", str(threads),
               "--exclude", "truth.jsonl"]
        env = dict(os.environ, NO_COLOR="1")
        p = subprocess.run(cmd, cwd=fixtures, capture_output=True, text=True, timeout=1800,
                           env=env)
        if p.returncode not in (0, 1) or not out.exists():
            raise RuntimeError(f"{' '.join(cmd)} exited {p.returncode}:\n{p.stderr[-4000:]}")
        doc = json.loads(out.read_text(encoding="utf-8"))
    rows = doc["findings"]
    assert isinstance(rows, list)
    return rows


def norm_path(p: str) -> str:
    return os.path.normpath(p).replace(os.sep, "/")


def most_common(values: Iterable[Any]) -> Any:
    c = Counter(values)
    return c.most_common(1)[0][0] if c else None


def placement(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """One record's placement from its findings rows (they should agree)."""
    dc = Counter(r.get("dest_country") for r in rows)
    oc = Counter(r.get("origin_country") for r in rows)
    dest_country = dc.most_common(1)[0][0]
    origin_country = oc.most_common(1)[0][0]
    drows = [r for r in rows if r.get("dest_country") == dest_country]
    orows = [r for r in rows if r.get("origin_country") == origin_country]
    host = most_common(r.get("dest_host") for r in drows)
    return {
        "dest_country": dest_country,
        "dest_host": host.lower() if isinstance(host, str) else host,
        "destination": most_common(r.get("destination") for r in drows),
        "dest_source": most_common(r.get("dest_source") for r in drows),
        "dest_found": most_common(r.get("dest_found") for r in drows),
        "origin": most_common(r.get("origin") for r in orows),
        "origin_country": origin_country,
        "origin_source": most_common(r.get("origin_source") for r in orows),
        "origin_found": most_common(r.get("origin_found") for r in orows),
        "dest_disagree": len(dc) > 1,
        "origin_disagree": len(oc) > 1,
        "rows": len(rows),
    }


def dest_placed(p: dict[str, Any]) -> bool:
    c = p["dest_country"]
    return (isinstance(c, str) and bool(COUNTRY.fullmatch(c)) and c not in NOT_PLACED
            and p["dest_source"] not in (None, "none"))


def dest_taken(p: dict[str, Any]) -> bool:
    """The scanner found some destination (placed or not)."""
    if p["dest_source"] in (None, "none"):
        return False
    return not (p["dest_country"] in NOT_PLACED and not p["dest_host"])


def origin_placed(p: dict[str, Any]) -> bool:
    c = p["origin_country"]
    return (isinstance(c, str) and bool(COUNTRY.fullmatch(c)) and c not in NOT_PLACED
            and p["origin_source"] not in (None, "none"))


class Tally:
    """Counts for one group of records (a shape, a language, or all)."""

    METRICS = ("dest_accuracy", "dest_coverage", "dest_null_not_taken", "decoy_null_not_taken",
               "decoy_dest_not_taken", "origin_accuracy", "origin_coverage",
               "origin_null_not_taken")

    def __init__(self) -> None:
        self.records = 0
        self.no_finding = 0
        self.dest_disagree = 0
        self.origin_disagree = 0
        self.m: dict[str, list[int]] = {k: [0, 0] for k in self.METRICS}  # ok, n
        self.dest_source: Counter[str] = Counter()
        self.origin_source: Counter[str] = Counter()
        self.dest_found: Counter[str] = Counter()
        self.origin_found: Counter[str] = Counter()

    def hit(self, metric: str, ok: bool) -> None:
        self.m[metric][1] += 1
        self.m[metric][0] += int(ok)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"records": self.records, "no_finding": self.no_finding,
                               "dest_rows_disagree": self.dest_disagree,
                               "origin_rows_disagree": self.origin_disagree}
        for k, (ok, n) in self.m.items():
            out[k] = {"ok": ok, "n": n, "rate": round(ok / n, 4) if n else None}
        out["dest_source"] = dict(sorted(self.dest_source.items()))
        out["origin_source"] = dict(sorted(self.origin_source.items()))
        if self.dest_found or self.origin_found:
            out["dest_found"] = dict(sorted(self.dest_found.items()))
            out["origin_found"] = dict(sorted(self.origin_found.items()))
        return out


def score_rows(truth: list[dict[str, Any]], rows: list[dict[str, Any]],
               fixtures: Path | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Scores and the missed records, from truth records and findings rows."""
    by_record: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_record[(norm_path(r["path"]), int(r["line"]))].append(r)
    has_found = any("dest_found" in r or "origin_found" in r for r in rows)
    lines_cache: dict[str, list[str]] = {}

    def text_of(file: str, line: int) -> str | None:
        if fixtures is None:
            return None
        if file not in lines_cache:
            lines_cache[file] = (fixtures / file).read_text(encoding="utf-8").split("\n")
        return lines_cache[file][line - 1][:400]

    groups: dict[str, dict[str, Tally]] = {"pooled": defaultdict(Tally),
                                          "shape": defaultdict(Tally),
                                          "lang": defaultdict(Tally)}
    misses: list[dict[str, Any]] = []
    for t in truth:
        tallies = [groups["pooled"]["all"], groups["shape"][t["shape"]],
                   groups["lang"][t["lang"]]]
        rs = by_record.get((t["file"], t["line"]))
        problems: list[str] = []
        p = placement(rs) if rs else None
        for g in tallies:
            g.records += 1
            if p is None:
                g.no_finding += 1
                # no finding: the record cannot be placed; accuracy counts it as wrong
                if t["dest_country"]:
                    g.hit("dest_accuracy", False)
                    g.hit("dest_coverage", False)
                if t["origin_country"]:
                    g.hit("origin_accuracy", False)
                    g.hit("origin_coverage", False)
                continue
            g.dest_disagree += p["dest_disagree"]
            g.origin_disagree += p["origin_disagree"]
            g.dest_source[str(p["dest_source"])] += 1
            g.origin_source[str(p["origin_source"])] += 1
            if has_found:
                g.dest_found[str(p["dest_found"])] += 1
                g.origin_found[str(p["origin_found"])] += 1
            if t["dest_country"]:
                g.hit("dest_accuracy", p["dest_country"] == t["dest_country"])
                g.hit("dest_coverage", dest_placed(p))
            else:
                g.hit("dest_null_not_taken", not dest_taken(p))
                if t["decoy"]:
                    g.hit("decoy_null_not_taken", not dest_taken(p))
            if t["decoy"] and t["dest_country"]:
                g.hit("decoy_dest_not_taken", p["dest_host"] != t["decoy_host"])
            if t["origin_country"]:
                g.hit("origin_accuracy", p["origin_country"] == t["origin_country"])
                g.hit("origin_coverage", origin_placed(p))
            else:
                g.hit("origin_null_not_taken", not origin_placed(p))
        if p is None:
            problems.append("no-finding")
        else:
            if t["dest_country"] and p["dest_country"] != t["dest_country"]:
                problems.append("dest")
            if not t["dest_country"] and dest_taken(p):
                problems.append("dest-taken")
            if t["decoy"] and p["dest_host"] == t["decoy_host"]:
                problems.append("decoy-taken")
            if t["origin_country"] and p["origin_country"] != t["origin_country"]:
                problems.append("origin")
            if not t["origin_country"] and origin_placed(p):
                problems.append("origin-taken")
            if p["dest_disagree"] or p["origin_disagree"]:
                problems.append("rows-disagree")
        if problems:
            got = None if p is None else {k: p[k] for k in (
                "dest_country", "dest_host", "destination", "dest_source", "dest_found",
                "origin", "origin_country", "origin_source", "origin_found", "rows")}
            misses.append({"file": t["file"], "line": t["line"], "shape": t["shape"],
                           "lang": t["lang"], "problems": problems,
                           "truth": {k: t[k] for k in ("dest_country", "dest_host",
                                                        "origin_country", "decoy_host")},
                           "got": got, "text": text_of(t["file"], t["line"])})
    result = {kind: {name: tally.as_json() for name, tally in sorted(g.items())}
              for kind, g in groups.items()}
    return result, misses


def read_truth(fixtures: Path) -> list[dict[str, Any]]:
    with (fixtures / "truth.jsonl").open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def score(fixtures: Path, python: str = sys.executable,
          threads: int = 2) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Scan the fixtures with borderscan under `python` and score the result."""
    fixtures = Path(fixtures).resolve()
    truth = read_truth(fixtures)
    rows = scan(fixtures, python, threads)
    result, misses = score_rows(truth, rows, fixtures)
    result["meta"] = {"borderscan": borderscan_version(python), "records": len(truth),
                      "files": len({t["file"] for t in truth}), "finding_rows": len(rows),
                      "dest_found_present": any("dest_found" in r for r in rows),
                      "origin_found_present": any("origin_found" in r for r in rows)}
    return result, misses


# ---------------------------------------------------------------------------
# Markdown


def pct(m: dict[str, Any]) -> str:
    if not m["n"]:
        return "n/a"
    return f"{100 * m['ok'] / m['n']:.1f}% ({m['ok']}/{m['n']})"


COLUMNS = [
    ("dest acc", "dest_accuracy"), ("dest cov", "dest_coverage"),
    ("no-dest not taken", "dest_null_not_taken"),
    ("decoy, no dest: not taken", "decoy_null_not_taken"),
    ("decoy, with dest: decoy not taken", "decoy_dest_not_taken"),
    ("origin acc", "origin_accuracy"), ("origin cov", "origin_coverage"),
    ("no-origin not taken", "origin_null_not_taken"),
]


def table(groups: dict[str, dict[str, Any]], first: str) -> list[str]:
    head = [first, "records", "no finding", *[c for c, _ in COLUMNS], "rows disagree (d/o)"]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, g in groups.items():
        cells = [f"`{name}`", str(g["records"]), str(g["no_finding"]),
                 *[pct(g[k]) for _, k in COLUMNS],
                 f"{g['dest_rows_disagree']}/{g['origin_rows_disagree']}"]
        out.append("| " + " | ".join(cells) + " |")
    return out


def counters(groups: dict[str, dict[str, Any]], key: str) -> list[str]:
    out = []
    for name, g in groups.items():
        if key in g:
            vals = ", ".join(f"`{k}` {v}" for k, v in sorted(g[key].items(),
                                                            key=lambda kv: -kv[1]))
            out.append(f"- `{name}`: {vals}")
    return out


def markdown(result: dict[str, Any], title: str = "Placement fixtures") -> str:
    meta = result["meta"]
    rows = {**result["shape"], **{"**pooled**": result["pooled"]["all"]}}
    lines = [
        f"# {title}",
        "",
        f"{meta['borderscan']}; {meta['records']} records in {meta['files']} files, "
        f"{meta['finding_rows']} findings rows. Rates are ok/n; `n/a` where no record of "
        "the group is concerned.",
        "",
        "- **dest acc**: records with a true destination whose `dest_country` is the true "
        "country (no finding, `unknown` = wrong); **dest cov**: of the same records, those "
        "placed in some country (`dest_source` not `none`).",
        "- **no-dest not taken**: records naming no destination (decoys and empty CSV cells) "
        "for which the scanner found none; **decoy, no dest**: the decoys among them; "
        "**decoy, with dest**: decoy records with a true destination whose `dest_host` is "
        "not the decoy host. Records with no finding are left out of these three.",
        "- **origin acc / cov**: as for destinations, over records naming a site; "
        "**no-origin not taken**: records naming no site that were given no origin.",
        "",
        "## By shape",
        "",
        *table(rows, "shape"),
        "",
        "## By language",
        "",
        *table(result["lang"], "lang"),
        "",
        "## Which step decided (`dest_source`, `origin_source`)",
        "",
        "Destination:",
        "",
        *counters(rows, "dest_source"),
        "",
        "Origin:",
        "",
        *counters(rows, "origin_source"),
        "",
    ]
    if meta["dest_found_present"] or meta["origin_found_present"]:
        lines += ["## `dest_found` / `origin_found` by shape", "", "Destination:", "",
                  *counters(rows, "dest_found"), "", "Origin:", "",
                  *counters(rows, "origin_found"), ""]
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--python", default=sys.executable,
                    help="interpreter that has borderscan installed (default: this one)")
    ap.add_argument("--fixtures", type=Path,
                    help="fixture directory (generated there if it has no truth.jsonl; "
                         "default: a temporary directory)")
    ap.add_argument("--out", type=Path, help="Markdown results (and the same name .json)")
    ap.add_argument("--misses", type=Path, help="missed records as JSON Lines")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--title", default="Placement fixtures")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as td:
        fixtures = args.fixtures or Path(td)
        if not (fixtures / "truth.jsonl").exists():
            load_generate().generate(fixtures)
        result, misses = score(fixtures, args.python, args.threads)
    md = markdown(result, args.title)
    if args.out:
        args.out.write_text(md, encoding="utf-8")
        args.out.with_suffix(".json").write_text(
            json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    else:
        print(md)
    if args.misses:
        with args.misses.open("w", encoding="utf-8") as f:
            for m in misses:
                f.write(json.dumps(m, ensure_ascii=False) + "\n")
    else:
        for m in misses[:40]:
            print(json.dumps(m, ensure_ascii=False), file=sys.stderr)
        if len(misses) > 40:
            print(f"... {len(misses) - 40} more (--misses FILE for all)", file=sys.stderr)
    pooled = result["pooled"]["all"]
    print(f"{pooled['records']} records, {pooled['no_finding']} with no finding, "
          f"{len(misses)} with a miss; dest acc {pct(pooled['dest_accuracy'])}, "
          f"origin acc {pct(pooled['origin_accuracy'])}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
