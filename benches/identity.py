#!/usr/bin/env python3
"""Byte-identity check for refactors: run every machine output of a scan and
compare two runs (before and after a change).

    python benches/identity.py capture DIR [--corpus C]...   # outputs of the installed borderscan
    python benches/identity.py compare BEFORE AFTER          # exit 1 on any difference

Each corpus (default: sample_data/) is scanned twice: with the built-in
policy, and with `--preset cn-industrial-export --origin CN` (many
violations, unknowns and exemptions), in every format: json, jsonl, sarif,
parquet (compared by content: the file embeds the writer's version), the
table summary, and the audit entry. Documents over 64 MiB are compared by
the digest of their text with volatile keys blanked. What legitimately differs between two
runs is blanked before comparing: times, the tool version and its hashes,
the audit chain's hashes (they cover times). Everything else must match
byte for byte.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

FORMATS = ("json", "jsonl", "sarif", "parquet", "table")
POLICIES = {
    "default": [],
    "cn": ["--preset", "cn-industrial-export", "--origin", "CN", "--today", "2026-12-01"],
}
# Keys whose values are times or hashes of times and versions: blanked.
VOLATILE = {"started", "ended", "startTimeUtc", "endTimeUtc", "time", "hash", "prev",
            "prev_hash", "entry_hash", "signature", "version", "semanticVersion",
            "tool_version", "seq", "command", "commandLine", "duration_s", "elapsed_s"}
OUT_RE = re.compile(r"\S*/(c\d+-[\w-]+\.\w+)")
TIME_RE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")


def blank(value: object) -> object:
    """The value with volatile keys blanked, recursively."""
    if isinstance(value, dict):
        return {k: ("*" if k in VOLATILE else blank(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [blank(v) for v in value]
    if isinstance(value, str):
        return TIME_RE.sub("<time>", value)
    return value


def run(args: list[str], out: Path, env: dict[str, str]) -> None:
    cmd = [sys.executable, "-m", "borderscan", "scan", *args]
    with open(out.with_suffix(out.suffix + ".stdout"), "wb") as fh:
        p = subprocess.run(cmd, stdout=fh, stderr=subprocess.PIPE, env=env, check=False)
    out.with_suffix(out.suffix + ".exit").write_text(
        f"{p.returncode}\n{p.stderr.decode('utf-8', 'replace')}")


def capture(dest: Path, corpora: list[str]) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, COLUMNS="100", NO_COLOR="1")
    for ci, corpus in enumerate(corpora):
        for pname, popts in POLICIES.items():
            for fmt in FORMATS:
                stem = dest / f"c{ci}-{pname}-{fmt}"
                audit = stem.with_suffix(".audit.jsonl")
                audit.unlink(missing_ok=True)
                out = stem.with_suffix("." + fmt)
                args = [corpus, "--format", fmt, "--out", str(out), "--threads", "2",
                        "--audit-log", str(audit), *popts]
                run(args, out, env)
                print(f"captured {out.name}", file=sys.stderr)


# Files this large are compared by digest after blanking volatile keys in
# the text: parsed, a 1.7 GB SARIF document would need tens of GB.
BIG = 64 << 20
VOLATILE_RE = re.compile(
    rb'"(' + b"|".join(k.encode() for k in sorted(VOLATILE)) + rb')":("(?:[^"\\]|\\.)*"|-?\d+)')


def digest_of(path: Path) -> str:
    data = VOLATILE_RE.sub(rb'"\1":"*"', path.read_bytes())
    data = TIME_RE.sub("<time>", data.decode("utf-8", "replace")).encode()
    return hashlib.sha256(data).hexdigest()


def normalised(path: Path) -> list[str]:
    """The file as lines to compare."""
    if path.stat().st_size > BIG and path.suffix in (".json", ".sarif", ".jsonl"):
        return [f"sha256 of the blanked text: {digest_of(path)}"]
    if path.suffix == ".parquet":
        import polars as pl

        df = pl.read_parquet(path)
        return [str(df.schema), *(json.dumps(r, sort_keys=True) for r in df.iter_rows())]
    text = path.read_text("utf-8", "replace")
    if path.suffix in (".json", ".sarif"):
        return json.dumps(blank(json.loads(text)), indent=1, sort_keys=True).splitlines()
    if path.suffix == ".jsonl":
        return [json.dumps(blank(json.loads(line)), sort_keys=True)
                for line in text.splitlines() if line.strip()]
    # The capture folder is named in the summary ("findings written to ...").
    text = OUT_RE.sub(r"<dir>/\1", text)
    return [TIME_RE.sub("<time>", line) for line in text.splitlines()]


def compare(before: Path, after: Path) -> int:
    names = sorted({p.name for p in before.iterdir()} | {p.name for p in after.iterdir()})
    bad = 0
    for name in names:
        a, b = before / name, after / name
        if not a.exists() or not b.exists():
            print(f"{name}: only in {'after' if b.exists() else 'before'}")
            bad += 1
            continue
        la, lb = normalised(a), normalised(b)
        if la != lb:
            bad += 1
            print(f"{name}: differs")
            for line in list(difflib.unified_diff(la, lb, lineterm="", n=1))[:20]:
                print("   ", line[:200])
        else:
            print(f"{name}: identical ({len(la):,} lines)")
    print(f"{len(names) - bad} identical, {bad} different")
    return 1 if bad else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("capture")
    c.add_argument("dir", type=Path)
    c.add_argument("--corpus", action="append", default=None)
    m = sub.add_parser("compare")
    m.add_argument("before", type=Path)
    m.add_argument("after", type=Path)
    a = ap.parse_args()
    if a.cmd == "capture":
        capture(a.dir, a.corpus or ["sample_data/"])
        return 0
    return compare(a.before, a.after)


if __name__ == "__main__":
    sys.exit(main())
