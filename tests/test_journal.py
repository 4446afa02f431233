"""Nothing lost when a scan is stopped: `scan --journal DIR` survives a real
SIGKILL and resumes to the results of an uninterrupted scan; Ctrl-C stops
cleanly, says how far the scan got and exits non-zero."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time

import borderscan
import orjson
import pytest
from conftest import SAMPLE, assert_balanced, run_cli

BORDERSCAN = [sys.executable, "-m", "borderscan"]
FILES = 60


def _corpus(root):
    """FILES files of a few MB each, with findings on known lines only: a
    filler line with a finding (a reading, say) made each output 1.4 GB and
    the test's three parsed documents over 12 GB."""
    d = root / "logs"
    d.mkdir()
    filler = b'{"state":"ok","note":"nothing to report here"}\n' * 40000
    for i in range(FILES):
        hit = (f'{{"site":"CN-SZ-02","operator":{{"email":"op{i}@example.cn"}},'
               f'"upload":"https://oss-us-west-1.aliyuncs.com/b/{i}"}}\n').encode()
        (d / f"part-{i:03d}.jsonl").write_bytes(hit + filler + hit)
    return d


def _scan(d, out, *extra):
    return [*BORDERSCAN, "scan", str(d), "--format", "json", "--out", str(out),
            "--no-audit-log", "--threads", "1", *extra]


def _comparable(doc):
    acc = {k: v for k, v in doc["accounting"].items() if k != "resumed_files"}
    return doc["findings"], acc, doc.get("summary"), doc.get("residency")


def _done_lines(journal):
    p = journal / "done.jsonl"
    return len(p.read_bytes().splitlines()) if p.exists() else 0


def test_scan_killed_with_sigkill_resumes_to_identical_results(tmp_path):
    d = _corpus(tmp_path)
    ref = tmp_path / "ref.json"
    assert subprocess.run(_scan(d, ref), timeout=600).returncode == 0
    journal = tmp_path / "journal"
    out = tmp_path / "resumed.json"
    proc = subprocess.Popen(_scan(d, out, "--journal", str(journal)))
    deadline = time.monotonic() + 300
    while _done_lines(journal) < 5:
        assert proc.poll() is None, "the scan ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=60) == -signal.SIGKILL
    finished = _done_lines(journal)
    assert 5 <= finished < FILES, "the kill must land mid-scan"
    # A file changed after the kill is scanned again, not replayed.
    changed = d / "part-000.jsonl"
    changed.write_bytes(changed.read_bytes())
    changed_ref = tmp_path / "ref2.json"
    assert subprocess.run(_scan(d, changed_ref), timeout=600).returncode == 0

    r = subprocess.run(_scan(d, out, "--journal", str(journal)), capture_output=True,
                       timeout=600)
    assert r.returncode == 0, r.stderr.decode()
    doc, expected = orjson.loads(out.read_bytes()), orjson.loads(changed_ref.read_bytes())
    assert_balanced(doc["accounting"])
    assert _comparable(doc) == _comparable(expected)
    assert _comparable(doc)[0] == _comparable(orjson.loads(ref.read_bytes()))[0]
    resumed = doc["accounting"]["resumed_files"]
    assert resumed == finished - 1  # part-000 changed: rescanned
    assert f"{resumed} finished file(s) replayed" in r.stderr.decode()
    # Run again: now every file is replayed, with the same results.
    r = subprocess.run(_scan(d, out, "--journal", str(journal)), timeout=600)
    doc = orjson.loads(out.read_bytes())
    assert r.returncode == 0 and doc["accounting"]["resumed_files"] == FILES
    assert _comparable(doc) == _comparable(expected)


def test_journal_of_another_scan_is_refused(tmp_path):
    journal = tmp_path / "j"
    r = run_cli("scan", str(SAMPLE), "--journal", str(journal), "--no-audit-log", "-q")
    assert r.returncode in (0, 1, 3), r.stderr.decode()
    r = run_cli("scan", str(SAMPLE), "--journal", str(journal), "--no-audit-log", "-q",
                "--preset", "eu-gdpr")
    assert r.returncode == 2
    assert "another scan" in r.stderr.decode() and str(journal) in r.stderr.decode()


def test_journal_through_the_python_api(tmp_path):
    whole = borderscan.scan([SAMPLE])
    first = borderscan.scan([SAMPLE], journal=tmp_path / "j")
    again = borderscan.scan([SAMPLE], journal=tmp_path / "j")
    assert first.accounting["resumed_files"] == 0
    assert again.accounting["resumed_files"] == again.accounting["files"] > 0
    for r in (first, again):
        assert r.findings.equals(whole.findings)
        assert r.flows.equals(whole.flows)
        assert r.violations.equals(whole.violations)


@pytest.mark.parametrize("journal", [False, True])
def test_ctrl_c_stops_cleanly_and_says_what_was_scanned(tmp_path, journal):
    """SIGINT (what Ctrl-C sends) while the scan waits on an open pipe."""
    extra = ["--journal", str(tmp_path / "j")] if journal else []
    proc = subprocess.Popen([*BORDERSCAN, "scan", "-", str(SAMPLE), "--no-audit-log",
                             "--out", str(tmp_path / "out.json"), "--format", "json", *extra],
                            stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdin.write(b'{"operator":{"email":"sato.k@example.jp"}}\n' * 5000)
    proc.stdin.flush()
    time.sleep(2)  # the scan has read what was written and waits for more
    proc.send_signal(signal.SIGINT)
    err = proc.communicate(timeout=120)[1].decode()
    assert proc.returncode == 130, err
    m = re.search(r"interrupted after ([\d,]+) records", err)
    assert m and int(m[1].replace(",", "")) > 0, err
    assert "incomplete" in err and "out.json is incomplete" in err
    assert "Traceback" not in err
    if journal:
        assert "run the same command again to resume" in err


def test_journal_with_a_baseline_is_refused(tmp_path):
    base = tmp_path / "b.json"
    assert run_cli("baseline", "create", str(SAMPLE), "--out", str(base)).returncode == 0
    r = run_cli("scan", str(SAMPLE), "--journal", str(tmp_path / "j"), "--baseline", str(base))
    err = r.stderr.decode()
    assert r.returncode == 2 and "--journal" in err and "cannot be combined with --baseline" in err
    with pytest.raises(borderscan.ConfigError):
        borderscan.scan([SAMPLE], journal=tmp_path / "j", baseline=base)


def test_a_journal_holds_every_finding_whatever_was_selected(tmp_path):
    """`--findings` only chooses what is handed out: a journal written by a
    scan that kept violations replays every finding for one that wants all."""
    import polars as pl

    whole = borderscan.scan([SAMPLE])
    first = borderscan.scan([SAMPLE], journal=tmp_path / "j", findings="violations")
    again = borderscan.scan([SAMPLE], journal=tmp_path / "j", findings="all")
    assert again.accounting["resumed_files"] == again.accounting["files"] > 0
    assert first.findings.equals(whole.findings.filter(pl.col("verdict") == "violation"))
    assert again.findings.equals(whole.findings)
    assert again.profile.equals(whole.profile)
