"""Output formats at scale: each `--format` (and `--records`) on a generated
telemetry corpus under `--preset cn-industrial-export --origin CN`, with its
wall time, peak RSS and output size, and the bars issue 15 sets checked on
the outputs themselves:

  - SARIF: at most 25,000 results, at most 10 MB gzipped, valid against the
    SARIF 2.1.0 schema (when jsonschema is installed), and the occurrences
    of its failing results add up to the violations of the JSON summary;
  - Parquet: peak RSS under 300 MB (here and on the main corpus);
  - the records file: exactly `accounting.records` rows.

Run inside `benches/bench_scan.py` (group `outputs`, on its small corpus
and, for Parquet's memory, its main corpus), or alone:

    python benches/outputs.py [--size 200MB] [--runs 1] [--workdir DIR]
                              [--results benches/RESULTS.md]

It is a benchmark, not a test: it asserts nothing about timings.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shlex
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_scan as bs  # noqa: E402

POLICY = ["--preset", "cn-industrial-export", "--origin", "CN"]
SARIF_SCHEMA = HERE.parent / "tests" / "data" / "sarif-schema-2.1.0.json"
# GitHub code scanning's limits for one uploaded SARIF run.
GITHUB_RESULTS = 25_000
GITHUB_GZ_BYTES = 10 * 1000 * 1000
PARQUET_RSS_MB = 300

# (row name, --format, extra options, output file name); `--out` is added.
CASES: list[tuple[str, str, list[str], str]] = [
    ("table (summary only)", "table", [], "summary.txt"),
    ("json", "json", [], "findings.json"),
    ("json --findings review", "json", ["--findings", "review"], "review.json"),
    ("json --findings violations", "json", ["--findings", "violations"], "violations.json"),
    ("jsonl", "jsonl", [], "findings.jsonl"),
    ("parquet", "parquet", [], "findings.parquet"),
    ("sarif", "sarif", [], "findings.sarif"),
    ("html", "html", [], "report.html"),
    ("table + --records", "table", ["--records", "{dir}/records.parquet"], "summary-r.txt"),
]


def gz_size(path: Path) -> int:
    """Bytes of the file gzipped at level 6 (what `gzip` and upload tools use)."""
    total = 0
    with open(path, "rb") as src:
        z = gzip.compress(src.read(), compresslevel=6)
        total = len(z)
    return total


def check_sarif(path: Path, violations: int) -> tuple[list[str], dict]:
    doc = json.loads(path.read_bytes())
    run = doc["runs"][0]
    results = run["results"]
    failing = sum(r.get("occurrenceCount", 1) for r in results
                  if r.get("kind") == "fail" and not r.get("suppressions"))
    omitted = run["properties"].get("omitted") or {}
    gz = gz_size(path)
    facts = {"results": len(results), "gz_bytes": gz, "failing_occurrences": failing,
             "violations": violations, "omitted": omitted}
    lines = [
        f"SARIF results: {len(results):,} (bar: at most {GITHUB_RESULTS:,}) "
        f"{bs.met(len(results) <= GITHUB_RESULTS)}",
        f"SARIF gzipped: {gz:,} bytes (bar: at most {GITHUB_GZ_BYTES:,}) "
        f"{bs.met(gz <= GITHUB_GZ_BYTES)}",
        f"occurrences of failing results: {failing:,}; violations in the JSON summary: "
        f"{violations:,} {bs.met(failing == violations)}"
        + (f" (left out by --max-results: {omitted})" if omitted else ""),
    ]
    try:
        import jsonschema
    except ImportError:
        lines.append("schema: not checked (pip install jsonschema)")
    else:
        schema = json.loads(SARIF_SCHEMA.read_text())
        errors = list(jsonschema.Draft4Validator(schema).iter_errors(doc))
        facts["schema_errors"] = len(errors)
        lines.append(f"schema: {len(errors)} error(s) against SARIF 2.1.0 "
                     f"{bs.met(not errors)}")
    return lines, facts


def run_cases(corpus: Path, out_dir: Path, bs_cmd: list[str], m: dict,
              parquet_only: bool = False) -> tuple[list[bs.Row], list[str], dict]:
    """Each case on `corpus`; rows, Markdown and data."""
    nbytes = corpus.stat().st_size
    rows: list[bs.Row] = []
    table = ["| output | wall s | MB/s | peak RSS MB | output bytes | output / input | "
             "bytes per GB of input |", "|---|---:|---:|---:|---:|---:|---:|"]
    data: dict = {"input_bytes": nbytes, "cases": {}}
    cases = [c for c in CASES if c[1] == "parquet"] if parquet_only else CASES
    for name, fmt, extra, out_name in cases:
        out = out_dir / out_name
        extra = [x.format(dir=out_dir) for x in extra]
        argv = [*bs_cmd, "scan", str(corpus), "--format", fmt, "--out", str(out), "-q",
                *POLICY, *extra]
        disp = shlex.join(["borderscan", *argv[len(bs_cmd):]])
        r = bs.measure(f"{name}, {bs.fmt_size(nbytes)}", argv, nbytes, ok_codes=(0, 1),
                       display=disp, group="outputs", **m)
        rows.append(r)
        if not r.ok:
            table.append(f"| {name} | - | - | - | - | - | {r.error} |")
            continue
        written = [out] + [Path(x) for x in extra if x.endswith(".parquet")]
        size = sum(p.stat().st_size for p in written if p.exists())
        label = name if len(written) == 1 else f"{name} (records file alone: " \
            f"{written[1].stat().st_size:,} B)"
        table.append(f"| {label} | {bs.f2(r.wall)} | {r.mbps_wall:.0f} | "
                     f"{r.rss_mib * bs.MIB / 1e6:.0f} | {size:,} | {size / nbytes:.2f} | "
                     f"{size / nbytes * 1e9 / 1e6:,.0f} MB |")
        data["cases"][name] = {"wall_s": round(r.wall, 3),
                               "peak_rss_mb": round(r.rss_mib * bs.MIB / 1e6, 1),
                               "bytes": size, "per_input_byte": round(size / nbytes, 4)}
    return rows, table, data


def check_bars(out_dir: Path, data: dict) -> list[str]:
    """The issue's bars, checked on the outputs just written."""
    import polars as pl

    lines: list[str] = []
    doc_path = out_dir / "violations.json"
    if not doc_path.exists():
        return ["bars not checked: the json --findings violations run failed"]
    doc = json.loads(doc_path.read_bytes())
    violations = doc["residency"]["verdicts"].get("violation", {}).get("hits", 0)
    records = doc["accounting"]["records"]
    if len(doc["findings"]) != violations:
        lines.append(f"--findings violations wrote {len(doc['findings']):,} findings, the "
                     f"summary counts {violations:,} violations {bs.met(False)}")
    sarif = out_dir / "findings.sarif"
    if sarif.exists():
        more, facts = check_sarif(sarif, violations)
        lines += more
        data["sarif"] = facts
    rec = out_dir / "records.parquet"
    if rec.exists():
        n = pl.scan_parquet(rec).select(pl.len()).collect().item()
        lines.append(f"records file: {n:,} rows; accounting.records {records:,} "
                     f"{bs.met(n == records)}")
        data["records_rows"] = n
    pq = data["cases"].get("parquet")
    if pq:
        lines.append(f"Parquet peak RSS: {pq['peak_rss_mb']:.0f} MB (bar: under "
                     f"{PARQUET_RSS_MB} MB) {bs.met(pq['peak_rss_mb'] < PARQUET_RSS_MB)}")
    return lines


def group_outputs(ctx: bs.Ctx, small_input: Callable[[], Path]) -> bs.Section:
    """bench_scan's `outputs` group: every case on the small corpus, and
    Parquet's memory on the main corpus."""
    sec = bs.Section()
    if not ctx.bs:
        return sec
    corpus = small_input()
    out_dir = ctx.scratch / "outputs"
    out_dir.mkdir(exist_ok=True)
    m = dict(ctx.m)
    rows, table, data = run_cases(corpus, out_dir, ctx.bs_cmd, m)
    bars = check_bars(out_dir, data)
    big_rows: list[bs.Row] = []
    if ctx.nbytes > corpus.stat().st_size:
        big_rows, big_table, big = run_cases(ctx.corpus, out_dir, ctx.bs_cmd,
                                             dict(m, runs=1), parquet_only=True)
        table += big_table[2:]
        p = big["cases"].get("parquet")
        if p:
            bars.append(f"Parquet peak RSS on {bs.fmt_size(ctx.nbytes)}: {p['peak_rss_mb']:.0f}"
                        f" MB {bs.met(p['peak_rss_mb'] < PARQUET_RSS_MB)}")
            data["parquet_main_corpus"] = p
    for f in out_dir.iterdir():
        f.unlink()
    sec.rows = rows + big_rows
    sec.md = ["### Output formats", "",
              f"Each output of `borderscan scan FILE {shlex.join(POLICY)} --format F --out "
              f"OUT` on {bs.fmt_size(corpus.stat().st_size)} of generated telemetry "
              "(median wall, peak RSS over the runs, output size; bytes per GB of input "
              "scale linearly with the input).", "", *table, "", *[f"- {b}" for b in bars],
              ""]
    sec.data = data
    return sec


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=bs.parse_size, default=bs.parse_size("200MB"))
    ap.add_argument("--main-size", type=bs.parse_size, default=None,
                    help="also measure Parquet's memory on a corpus of this size")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--timeout", type=float, default=1800.0)
    ap.add_argument("--results", type=Path, default=bs.RESULTS,
                    help="Markdown file to append to; '-' = none")
    a = ap.parse_args(argv)
    workdir = a.workdir or Path(tempfile.mkdtemp(prefix="borderscan-outputs-"))
    workdir.mkdir(parents=True, exist_ok=True)
    scratch = workdir / "scratch"
    scratch.mkdir(exist_ok=True)
    bs_cmd = [sys.executable, "-m", "borderscan"]
    import os

    os.environ["BORDERSCAN_AUDIT_LOG"] = str(workdir / "bench-audit.jsonl")
    small = bs.generate(workdir / f"corpus-{bs.gen_size_arg(a.size)}", a.size, a.timeout)
    main_corpus = small if a.main_size is None else bs.generate(
        workdir / f"corpus-{bs.gen_size_arg(a.main_size)}", a.main_size, a.timeout)
    bs.warm(small)
    info = bs.machine_info(sys.executable, bs_cmd, None)
    ctx = bs.Ctx(a=a, skip=set(), bs_cmd=bs_cmd, bs_why=None, py_cmd=[sys.executable],
                 rg=None, corpus=main_corpus, nbytes=main_corpus.stat().st_size,
                 workdir=workdir, derived=workdir, scratch=scratch, created=[], notes=[],
                 m=dict(runs=a.runs, timeout=a.timeout, scratch=scratch))
    sec = group_outputs(ctx, lambda: small)
    text = "\n".join([
        f"## Output formats, {bs.dt.datetime.now(bs.dt.UTC):%Y-%m-%d %H:%M} UTC", "",
        f"`python benches/outputs.py --size {bs.gen_size_arg(a.size)} --runs {a.runs}"
        + (f" --main-size {bs.gen_size_arg(a.main_size)}" if a.main_size else "") + "`", "",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in info.items()), "", *sec.md])
    print(text)
    if str(a.results) != "-":
        with open(a.results, "a", encoding="utf-8") as fh:
            fh.write("\n" + text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
