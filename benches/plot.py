"""Draw benches/bench_scan.py's results: throughput per CPU-second and thread scaling.

Reads the JSON the harness writes (`--json-out`, default benches/results.json) and
saves a two-panel figure: left, a horizontal bar per measured row (borderscan,
the engine alone, Python, ripgrep, Polars, Presidio, hyperscan, cat, the
decompressors) of MB/s per CPU-second on a log scale; right, borderscan's
speed-up against one thread for one file and for many files, with the ideal
line. Saved as SVG and, next to it, PNG.

    python benches/plot.py [benches/results.json] [--out benches/throughput.svg]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # after choosing the backend

HERE = Path(__file__).resolve().parent
COLOURS = {
    "borderscan": "#1f77b4",
    "borderscan engine": "#6baed6",
    "borderscan python": "#9ecae1",
    "ripgrep": "#ff7f0e",
    "polars": "#2ca02c",
    "presidio": "#d62728",
    "hyperscan": "#9467bd",
    "cat": "#7f7f7f",
    "decompressor": "#bcbd22",
    "other": "#8c564b",
}
# Rows left out of the bar chart: the same command at other thread counts or sizes
# (they are in the scaling panel and the memory table).
LEFT_OUT = {"scaling", "memsizes"}


def bars(ax, rows: list[dict]) -> None:
    rows = sorted(rows, key=lambda r: r["mb_s_per_cpu_s"])
    y = range(len(rows))
    vals = [r["mb_s_per_cpu_s"] for r in rows]
    ax.barh(list(y), vals, color=[COLOURS.get(r["tool"], COLOURS["other"]) for r in rows])
    ax.set_yticks(list(y))
    ax.set_yticklabels([r["name"] for r in rows], fontsize=8)
    ax.set_xscale("log")
    ax.set_xlabel("MB/s per CPU-second (log scale; MB = 10^6 bytes)")
    ax.set_title("Throughput per CPU-second")
    for i, v in enumerate(vals):
        ax.text(v * 1.06, i, f"{v:,.0f}" if v >= 100 else f"{v:.3g}", va="center", fontsize=7)
    if vals:
        ax.set_xlim(min(vals) / 2, max(vals) * 4)
    ax.grid(axis="x", which="both", alpha=0.3)
    seen: dict[str, str] = {}
    for r in rows:
        seen.setdefault(r["tool"], COLOURS.get(r["tool"], COLOURS["other"]))
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in seen.values()]
    ax.legend(handles, list(seen), fontsize=7, loc="lower right")


def scaling(ax, data: dict) -> None:
    top = 1
    for key, label, style in (("scaling", "one file", "o-"), ("manyfiles", "many files", "s--")):
        pts = [p for p in data.get(key, {}).get("points", []) if p.get("speedup") is not None]
        if not pts:
            continue
        # one point per thread count: an explicit --threads N row wins over the
        # all-cores row at the same count
        by_t: dict[int, float] = {}
        for p in pts:
            by_t.setdefault(p["threads"], p["speedup"])
        ts = sorted(by_t)
        if key == "manyfiles":
            label = f"{data[key].get('files', '?')} files"
        ax.plot(ts, [by_t[t] for t in ts], style, label=label)
        top = max(top, *ts)
    ax.plot([1, top], [1, top], ":", color="grey", label="ideal")
    ax.axhline(1.8, color="red", lw=0.8, alpha=0.5)
    ax.text(1, 1.8, " target 1.8x at 2 threads", fontsize=7, color="red", va="bottom")
    ax.set_xlabel("threads")
    ax.set_ylabel("speed-up vs 1 thread (wall)")
    ax.set_xticks(range(1, top + 1) if top <= 16 else None)
    ax.set_title("borderscan thread scaling")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("results", nargs="?", type=Path, default=HERE / "results.json")
    ap.add_argument("--out", type=Path, default=HERE / "throughput.svg",
                    help="SVG to write (a PNG is written next to it)")
    a = ap.parse_args(argv)
    doc = json.loads(a.results.read_text(encoding="utf-8"))
    rows = [r for r in doc["rows"] if r.get("ok") and r.get("group") not in LEFT_OUT]
    fig, (ax1, ax2) = plt.subplots(
        1, 2, figsize=(15, max(5.0, 0.3 * len(rows) + 2)),
        gridspec_kw={"width_ratios": [3, 2]},
    )
    bars(ax1, rows)
    scaling(ax2, doc.get("scaling", {}))
    cpus = doc.get("machine", {}).get("cpus", "?")
    fig.suptitle(f"borderscan benchmark, {doc['corpus']['size']} corpus, {doc['when']} "
                 f"({cpus}; {doc['runs']} run(s), medians)", fontsize=10)
    fig.tight_layout()
    a.out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(a.out)
    png = a.out.with_suffix(".png")
    fig.savefig(png, dpi=110)
    print(f"[plot] wrote {a.out} and {png}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
