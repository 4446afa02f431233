"""Every output byte stays what it was, at one thread and at two.

A speed change must not change a finding, a summary or a byte of any
output. `benches/identity.py golden` scans a corpus of its own (the
generator's seven formats at a fixed seed, and sample_data/ with its .gz and
.zst files) with the built-in policy and with the CN export preset, in every
format (json, jsonl, sarif, parquet, the table summary, and the audit entry
each writes), at one thread and at two threads with every file cut into
16 KiB ranges. It fails if the two thread counts disagree on any output, or
if any output's digest differs from `tests/data/output-digests.json`.

When a change is meant to alter outputs (a better detector, a new field),
refresh the digests with `python benches/identity.py golden
tests/data/output-digests.json --update` and commit them with the change.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIGESTS = ROOT / "tests" / "data" / "output-digests.json"


def test_every_output_is_as_recorded_at_one_and_two_threads():
    recorded = json.loads(DIGESTS.read_text())
    # 2 policies x 5 formats x 4 files each (output, audit, stdout, exit),
    # for 2 corpora, at 2 thread counts: a shrunken capture is a failure too.
    assert len(recorded) == 160
    p = subprocess.run([sys.executable, str(ROOT / "benches" / "identity.py"), "golden",
                        str(DIGESTS)], capture_output=True, text=True, check=False)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "all 160 outputs as recorded, at one and two threads" in p.stdout
