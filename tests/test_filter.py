"""`borderscan filter` and `borderscan.Filter`: a gate in a telemetry
pipeline.

The bars of issue 19 for the filter: a JSON Lines stream and an OTLP/JSON
stream piped through it come out as `redact` writes the same records; a
record is written before the next one is read (latency); memory stays flat
on an endless input and on a line that never ends (bounded runs). The 200 MB
run is in benches/bench_redact.py, which checks the same equality."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading
import time
from pathlib import Path

import borderscan
import pytest
from borderscan.redaction import redact

ROOT = Path(__file__).resolve().parent.parent
EXPORT = Path(__file__).parent / "data" / "otlp" / "collector-export.json"
KEY = b"test-key-0123456789"
CN_DE = {"preset": "cn-industrial-export", "destination": "DE"}
CN_DE_ARGS = ["--preset", "cn-industrial-export", "--destination", "DE"]
BS = [sys.executable, "-m", "borderscan"]


def filter_cli(*args: str, stdin: bytes,
               env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*BS, "--no-config", "filter", *args], input=stdin,
                          capture_output=True, timeout=600, env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """The generator's JSON Lines file, a few MB, planted values."""
    out = tmp_path_factory.mktemp("gen")
    subprocess.run([sys.executable, str(ROOT / "benches" / "generate.py"), "--out", str(out),
                    "--size", "3MB", "--seed", "11", "--format", "jsonl"], check=True,
                   capture_output=True)
    (path,) = out.glob("*.jsonl")
    return path


def otlp_stream(n: int) -> bytes:
    """`n` copies of the collector export's lines (moved to China), each with its own
    addresses, so that pseudonyms differ from line to line."""
    # In China (the export's region is Frankfurt's): what leaves for DE is
    # then decided by cn-industrial-export.
    lines = EXPORT.read_bytes().replace(b"eu-central-1", b"cn-north-1").splitlines()
    out = []
    for i in range(n):
        for line in lines:
            out.append(line.replace(b"li.wei@", f"li.wei{i}@".encode())
                       .replace(b"anna.schmidt@", f"anna{i}@".encode()))
    return b"\n".join(out) + b"\n"


@pytest.mark.parametrize("actions", [[], ["personal=pseudonymize"], ["personal=drop-record"]])
def test_filtered_jsonl_is_the_redacted_file(generated, tmp_path, actions):
    r = redact([generated], tmp_path / "out", key=KEY, actions=actions, verify=False, **CN_DE)
    (copy,) = r.files
    assert copy.records_changed > 100
    acts = [a for x in actions for a in ("--action", x)]
    res = filter_cli(*CN_DE_ARGS, *acts, "--findings", str(tmp_path / "f.jsonl"),
                     stdin=generated.read_bytes(), env={"BORDERSCAN_REDACT_KEY": KEY.decode()})
    assert res.returncode == 0, res.stderr
    assert res.stdout == Path(copy.output).read_bytes()
    found = [json.loads(x) for x in (tmp_path / "f.jsonl").read_text().splitlines()]
    assert len(found) >= copy.records_changed + copy.records_dropped
    assert {v["dest_country"] for v in found} == {"DE"}
    assert b"filtered" in res.stderr and b"changed" in res.stderr


def test_findings_are_the_scans_violations(generated, tmp_path):
    """What the filter reports of a stream is what a scan of it reports as
    violations: the same records, detectors and masked evidence, and the
    same counts per severity whether findings are written or not."""
    from collections import Counter

    res = filter_cli(*CN_DE_ARGS, "--findings", str(tmp_path / "f.jsonl"),
                     stdin=generated.read_bytes())
    assert res.returncode == 0, res.stderr
    found = [json.loads(x) for x in (tmp_path / "f.jsonl").read_text().splitlines()]
    got = Counter((v["line"], v["detector"], v["field"], v["evidence"], v["severity"])
                  for v in found)
    f = borderscan.scan([generated], **CN_DE).findings
    v = f.filter(f["verdict"] == "violation")
    want = Counter(zip(v["line"].to_list(), v["detector"].to_list(), v["field"].to_list(),
                       v["evidence"].to_list(), v["severity"].to_list(), strict=True))
    assert len(found) > 1000
    assert got == want
    # The summary counts them alike (without findings, the engine counts
    # them in its rewriting pass: tests/redact.rs checks the two agree).
    summary = res.stderr.decode().splitlines()[-1]
    for severity, n in Counter(x["severity"] for x in found).items():
        assert f"{severity} {n:,}" in summary, summary


def test_filtered_otlp_is_the_redacted_file(tmp_path):
    data = otlp_stream(40)
    src = tmp_path / "export.json"
    src.write_bytes(data)
    r = redact([src], tmp_path / "out", key=KEY, actions=["personal=pseudonymize"], **CN_DE)
    (copy,) = r.files
    assert copy.error is None and copy.format == "otlp"
    assert r.verified and not r.remaining, r.remaining
    assert copy.records == 40 * 4 and copy.records_changed > 0
    out = Path(copy.output).read_bytes()
    assert b"li.wei0@" not in out and b"0013 8000" not in out
    for line in out.splitlines():
        json.loads(line)
    res = filter_cli(*CN_DE_ARGS, "--action", "personal=pseudonymize", "--quiet",
                     stdin=data, env={"BORDERSCAN_REDACT_KEY": KEY.decode()})
    assert res.returncode == 0, res.stderr
    assert res.stdout == out
    assert res.stderr == b""


def test_findings_modes_and_exit_codes(tmp_path):
    records = (b'{"site": "CN-SZ-02", "email": "li.wei@example.cn"}\n'
               b'{"site": "DE-MUC-01", "note": "all quiet"}\n')
    # Findings on standard error by default, evidence masked.
    res = filter_cli(*CN_DE_ARGS, stdin=records)
    assert res.returncode == 0
    err = res.stderr.decode()
    first = json.loads(err.splitlines()[0])
    assert (first["category"], first["line"], first["action"]) == ("personal", 1, "mask")
    assert "li.wei@example.cn" not in err and "li.wei@example.cn" not in res.stdout.decode()
    # --fail-on: exit 1 when the input held such violations, after the output.
    res = filter_cli(*CN_DE_ARGS, "--fail-on", "high", "-q", stdin=records)
    assert res.returncode == 1
    assert res.stdout.count(b"\n") == 2
    assert b"violation(s) at or above high (exit 1)" in res.stderr
    # pass writes every record as it came; drop writes only clean ones.
    res = filter_cli(*CN_DE_ARGS, "--on-violation", "pass", "-q", stdin=records)
    assert res.stdout == records
    res = filter_cli(*CN_DE_ARGS, "--on-violation", "drop", "--findings",
                     str(tmp_path / "f.jsonl"), stdin=records)
    assert res.stdout == records.splitlines(keepends=True)[1]
    assert json.loads((tmp_path / "f.jsonl").read_text())["action"] == "drop-record"
    assert b"1 dropped" in res.stderr
    # Usage errors: exit 2, named.
    res = filter_cli("--on-violation", "maybe", stdin=b"")
    assert res.returncode == 2
    res = filter_cli("--preset", "no-such-preset", stdin=b"")
    assert res.returncode == 2 and b"no-such-preset" in res.stderr
    res = filter_cli(*CN_DE_ARGS, "--action", "personal=pseudonymize", stdin=records,
                     env={"BORDERSCAN_REDACT_KEY": ""})
    assert res.returncode == 2 and b"key" in res.stderr


def test_a_stream_that_is_not_text_is_refused():
    """Compressed, UTF-16 and binary streams would pass with their values
    unread: refused, exit 3, nothing written."""
    import gzip

    for data, said in [(gzip.compress(b'{"email": "li.wei@example.cn"}\n'), b"gzip-compressed"),
                       ('{"a": 1}\n'.encode("utf-16"), b"utf-16le text"),
                       (bytes(range(32)) * 4, b"binary input")]:
        res = filter_cli(*CN_DE_ARGS, stdin=data)
        assert res.returncode == 3, res.stderr
        assert said in res.stderr and b"(exit 3)" in res.stderr
        assert res.stdout == b""


def test_bad_input_is_counted_not_fatal():
    data = (b'{"site": "CN-SZ-02", "email": "li.wei@example.cn"\n'  # cut JSON
            b"\xff\xfe site=CN-SZ-02 not utf-8 li.wei@example.cn\n"
            b"\n"
            b'{"site": "DE-MUC-01"}\n')
    res = filter_cli(*CN_DE_ARGS, "-q", stdin=data)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.split(b"\n")
    assert len(lines) == 5 and lines[2] == b"" and lines[3] == b'{"site": "DE-MUC-01"}'
    assert b"li.wei@example.cn" not in res.stdout


def _proc(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([*BS, "--no-config", "filter", *CN_DE_ARGS, "-q", *args],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def _readline(p: subprocess.Popen[bytes], timeout: float) -> bytes:
    assert p.stdout is not None
    fd = p.stdout.fileno()
    got = b""
    deadline = time.monotonic() + timeout
    while not got.endswith(b"\n"):
        left = deadline - time.monotonic()
        ready, _, _ = select.select([fd], [], [], max(left, 0))
        if not ready:
            raise AssertionError(f"no output within {timeout}s (got {got!r})")
        chunk = os.read(fd, 1)
        if not chunk:
            break
        got += chunk
    return got


def test_each_record_is_written_before_the_next_is_read():
    p = _proc()
    assert p.stdin is not None
    try:
        for i in range(5):
            record = f'{{"site": "CN-SZ-02", "i": {i}, "email": "li.wei{i}@example.cn"}}\n'
            p.stdin.write(record.encode())
            p.stdin.flush()
            # The input is still open and nothing else has come: the record
            # must be out already (startup of the first may take seconds).
            out = _readline(p, 60 if i == 0 else 10)
            assert f'"i": {i}'.encode() in out and b"li.wei" not in out
        p.stdin.close()
        assert p.wait(60) == 0
    finally:
        p.kill()


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def _drain(p: subprocess.Popen[bytes], counter: list[int]) -> None:
    assert p.stdout is not None
    while chunk := p.stdout.read(1 << 16):
        counter[0] += len(chunk)


def test_memory_stays_flat_on_an_endless_input():
    """Records keep coming (a bounded run of ~60 MB); the filter's resident
    memory after the first tenth and at the end differ by little."""
    p = _proc("--max-line-bytes", "65536")
    assert p.stdin is not None
    written = [0]
    t = threading.Thread(target=_drain, args=(p, written), daemon=True)
    t.start()
    block = b"".join(
        f'{{"site": "CN-SZ-02", "i": {i}, "email": "li.wei{i}@example.cn", '
        f'"msg": "{"payload " * 20}"}}\n'.encode() for i in range(1000))
    samples = []
    try:
        total = 60 << 20
        sent = 0
        while sent < total:
            p.stdin.write(block)
            sent += len(block)
            if sent >= total // 10 and not samples:
                samples.append(_rss_kib(p.pid))
        # A line that never ends: only its start is held, the rest skipped.
        endless = b'{"site": "CN-SZ-02", "blob": "' + b"x" * (1 << 20)
        for _ in range(64):
            p.stdin.write(endless)
        p.stdin.flush()
        time.sleep(0.5)
        samples.append(_rss_kib(p.pid))
        p.stdin.write(b'"}\n{"site": "DE-MUC-01"}\n')
        p.stdin.close()
        assert p.wait(120) == 0
    finally:
        p.kill()
    t.join(10)
    assert written[0] > total // 2
    early, late = samples
    assert late - early < 24 * 1024, f"RSS grew from {early} to {late} KiB"


def test_python_filter_record_at_a_time(generated):
    f = borderscan.Filter(preset="cn-industrial-export", destination="DE")
    clean = {"site": "DE-MUC-01", "note": "all quiet"}
    assert f.record(clean) is clean
    assert f.violations == []
    out = f.record({"site": "CN-SZ-02", "email": "li.wei@example.cn", "n": 3})
    assert out is not None and out["n"] == 3 and "li.wei" not in out["email"]
    (v,) = f.violations
    assert (v["category"], v["action"], v["dest_country"]) == ("personal", "mask", "DE")
    assert "li.wei@example.cn" not in json.dumps(v)
    line = '{"site": "DE-MUC-01"}'
    assert f.line(line) is line
    assert isinstance(f.line(b'{"site": "CN-SZ-02", "email": "a.b@example.cn"}'), bytes)
    assert f.report["records"] == 4
    # Record by record, the generated file comes out as redact writes it.
    g = borderscan.Filter(preset="cn-industrial-export", destination="DE",
                          on_violation="redact")
    got = []
    for raw in generated.read_bytes().splitlines():
        out_line = g.line(raw)
        if out_line is not None:
            got.append(out_line + b"\n")
    want = redact([generated], generated.parent / "py-out", verify=False, **CN_DE)
    assert b"".join(got) == Path(want.files[0].output).read_bytes()
    d = borderscan.Filter(preset="cn-industrial-export", destination="DE",
                          on_violation="drop")
    assert d.record({"site": "CN-SZ-02", "email": "li.wei@example.cn"}) is None
    with pytest.raises(ValueError, match="on_violation"):
        borderscan.Filter(on_violation="maybe")
    with pytest.raises(borderscan.ConfigError):
        borderscan.Filter(preset="no-such-preset")


def test_a_reader_that_went_away_ends_the_filter_quietly():
    r, w = os.pipe()
    os.close(r)
    try:
        done = subprocess.run([*BS, "--no-config", "filter", *CN_DE_ARGS, "-q"],
                              input=b'{"site": "DE-MUC-01"}\n' * 100_000, stdout=w,
                              stderr=subprocess.PIPE, timeout=300)
    finally:
        os.close(w)
    assert done.returncode == 141, done.stderr
    assert b"Traceback" not in done.stderr
