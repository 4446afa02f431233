#!/usr/bin/env python3
"""Byte-identity check for refactors: run every machine output of a scan and
compare two runs (before and after a change).

    python benches/identity.py capture DIR [--corpus C]...   # outputs of the installed borderscan
    python benches/identity.py compare BEFORE AFTER          # exit 1 on any difference
    python benches/identity.py golden FILE [--update]        # digests against FILE

`golden` is what `tests/test_output_identity.py` runs: it scans a corpus of
its own (the generator's files at a fixed seed, and sample_data/) at one
thread and at two threads with files cut into small ranges, checks that the
two agree output for output, and compares each output's digest with FILE
(`tests/data/output-digests.json`). A change that alters any output byte
fails it; when the change is meant (a better detector, a new field), rerun
with `--update` and commit the new digests with it, saying why.

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
    "default": ["--today", "2026-12-01"],
    "cn": ["--preset", "cn-industrial-export", "--origin", "CN", "--today", "2026-12-01"],
}
# Keys whose values are times or hashes of times and versions: blanked.
VOLATILE = {"started", "ended", "startTimeUtc", "endTimeUtc", "time", "hash", "prev",
            "prev_hash", "entry_hash", "signature", "version", "semanticVersion",
            "tool_version", "seq", "command", "commandLine", "duration_s", "elapsed_s",
            "host", "user"}
OUT_RE = re.compile(r"\S*/(c\d+-[\w-]+\.\w+)")
TIME_RE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")


def blank(value: object, volatile: frozenset[str] | set[str] = VOLATILE) -> object:
    """The value with volatile keys blanked, recursively."""
    if isinstance(value, dict):
        return {k: ("*" if k in volatile else blank(v, volatile)) for k, v in value.items()}
    if isinstance(value, list):
        return [blank(v, volatile) for v in value]
    if isinstance(value, str):
        return TIME_RE.sub("<time>", value)
    return value


def run(args: list[str], out: Path, env: dict[str, str], cwd: Path | None = None) -> None:
    cmd = [sys.executable, "-m", "borderscan", "scan", *args]
    with open(out.with_suffix(out.suffix + ".stdout"), "wb") as fh:
        p = subprocess.run(cmd, stdout=fh, stderr=subprocess.PIPE, env=env, cwd=cwd,
                           check=False)
    out.with_suffix(out.suffix + ".exit").write_text(
        f"{p.returncode}\n{p.stderr.decode('utf-8', 'replace')}")


def capture(dest: Path, corpora: list[str], threads: tuple[str, ...] = ("--threads", "2"),
            cwd: Path | None = None, quiet: bool = False) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, COLUMNS="100", NO_COLOR="1")
    for ci, corpus in enumerate(corpora):
        for pname, popts in POLICIES.items():
            for fmt in FORMATS:
                stem = dest / f"c{ci}-{pname}-{fmt}"
                audit = stem.with_suffix(".audit.jsonl")
                audit.unlink(missing_ok=True)
                out = stem.with_suffix("." + fmt)
                args = [corpus, "--format", fmt, "--out", str(out), *threads,
                        "--audit-log", str(audit), *popts]
                run(args, out, env, cwd)
                if not quiet:
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


def normalised(path: Path, volatile: frozenset[str] | set[str] = VOLATILE) -> list[str]:
    """The file as lines to compare, `volatile` keys blanked."""
    if path.stat().st_size > BIG and path.suffix in (".json", ".sarif", ".jsonl"):
        return [f"sha256 of the blanked text: {digest_of(path)}"]
    if path.suffix == ".parquet":
        import polars as pl

        df = pl.read_parquet(path)
        return [json.dumps({k: str(v) for k, v in df.schema.items()}),
                *(json.dumps(r, sort_keys=True) for r in df.iter_rows())]
    text = path.read_text("utf-8", "replace")
    if path.suffix in (".json", ".sarif"):
        return json.dumps(blank(json.loads(text), volatile), indent=1,
                          sort_keys=True).splitlines()
    if path.suffix == ".jsonl":
        return [json.dumps(blank(json.loads(line), volatile), sort_keys=True)
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


ROOT = Path(__file__).resolve().parent.parent
# The golden corpus: the generator's seven formats at this seed and size, and
# sample_data/ (its .gz and .zst files, and the README a scan skips).
GOLDEN_SEED, GOLDEN_SIZE = "11", "96KB"
# Two threads, and files cut into ranges this small: every file of the
# corpus is scanned in several pieces, whose results must join as one.
GOLDEN_THREADS = {"1": ("--threads", "1"),
                  "2": ("--threads", "2", "--split-size", "16384")}


TOKEN_RE = re.compile(r"[^\s\u2500-\u259f|+\-=]+")
# What a scan's accounting says of how files were cut: the one thing the
# thread count and range size may change.
BY_RANGES = VOLATILE | {"ranges"}


def digests(folder: Path, volatile: frozenset[str] | set[str] = VOLATILE) -> dict[str, str]:
    """Each output's normalised text, by name, as a SHA-256. What the
    terminal shows (the table summary, messages) counts as its words and
    numbers only, sorted: Rich, not the scan, decides the layout, and a new
    Rich release must not read as a change of findings."""
    out = {}
    for p in sorted(folder.iterdir()):
        lines = normalised(p, volatile)
        if p.suffix in (".table", ".stdout", ".exit"):
            lines = sorted(TOKEN_RE.findall("\n".join(lines)))
        out[p.name] = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    return out


def golden(file: Path, update: bool) -> int:
    """Scan the golden corpus at one and at two threads; exit 1 if the two
    differ or either differs from FILE (FILE written instead with --update)."""
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory(prefix="borderscan-golden-") as tmp:
        corpus = Path(tmp, "corpus")
        subprocess.run([sys.executable, str(ROOT / "benches" / "generate.py"), "--out",
                        str(corpus / "generated"), "--seed", GOLDEN_SEED, "--size",
                        GOLDEN_SIZE], check=True, capture_output=True)
        shutil.copytree(ROOT / "sample_data", corpus / "sample_data")
        # Relative paths from the corpus folder: findings name their files
        # the same wherever the corpus was made.
        got, alike = {}, {}
        for label, opts in GOLDEN_THREADS.items():
            out = Path(tmp, f"threads-{label}")
            capture(out, ["generated", "sample_data"], opts, cwd=corpus, quiet=True)
            # SARIF names the folder scanned from (SRCROOT): a temporary one.
            for f in out.glob("*.sarif"):
                f.write_bytes(f.read_bytes().replace(str(corpus).encode(), b"<corpus>"))
            alike[label] = digests(out, BY_RANGES)
            got.update({f"{label}/{k}": v for k, v in digests(out).items()})
    bad = 0
    one, two = alike["1"], alike["2"]
    for name in sorted(one.keys() | two.keys()):
        if one.get(name) != two.get(name):
            print(f"{name}: one thread and two threads differ")
            bad += 1
    if update:
        if bad:
            print("not written: outputs depend on the thread count")
            return 1
        file.write_text(json.dumps(got, indent=1, sort_keys=True) + "\n")
        print(f"wrote {len(got)} digests to {file}")
        return 0
    want = json.loads(file.read_text())
    for name in sorted(want.keys() | got.keys()):
        if want.get(name) != got.get(name):
            state = ("missing" if name not in got else "new" if name not in want
                     else "differs")
            print(f"{name}: {state} (against {file.name})")
            bad += 1
    print(f"{bad} of {len(got)} outputs not as recorded" if bad else
          f"all {len(got)} outputs as recorded, at one and two threads")
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
    g = sub.add_parser("golden")
    g.add_argument("file", type=Path)
    g.add_argument("--update", action="store_true")
    a = ap.parse_args()
    if a.cmd == "golden":
        return golden(a.file, a.update)
    if a.cmd == "capture":
        capture(a.dir, a.corpus or ["sample_data/"])
        return 0
    return compare(a.before, a.after)


if __name__ == "__main__":
    sys.exit(main())
