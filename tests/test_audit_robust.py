"""Issue 17: an audit log survives a full disk, and crafted baselines are
refused with every problem named.

- An append is whole or nothing: a write that fails half-way (ENOSPC) or a
  failed fsync leaves the log as it was, and the next append chains on.
- A torn last line (an older version, a crash) makes a scan exit 2 with a
  message pointing at `audit verify --repair-tail`, which removes it and
  records the repair as an entry of its own; a torn line in the middle is
  not repaired.
- `--baseline` files are checked like policies: exit 2 before the scan,
  naming the file, the entry, the key and the reason; no traceback.
"""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from borderscan import audit
from conftest import run_cli

# ------------------------------------------------------------------ helpers


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.jsonl").write_text(
        json.dumps({"site": "CN-SZ-02", "operator": {"email": "li.wei@example.cn"},
                    "endpoint": "https://s3.eu-central-1.amazonaws.com/b"}) + "\n"
        + json.dumps({"site": "CN-SZ-02", "msg": "temperature 21.5"}) + "\n")
    return d


def scan(inputs: Path, log: Path, *extra: str) -> subprocess.CompletedProcess[bytes]:
    return run_cli("scan", str(inputs), "--format", "json", "--out", os.devnull, "-q",
                   "--audit-log", str(log), *extra)


def verify(log: Path, *extra: str) -> subprocess.CompletedProcess[bytes]:
    return run_cli("audit", "verify", str(log), *extra)


def entry(n: int) -> dict[str, Any]:
    """A small scan-like entry for in-process appends."""
    return {"format": audit.FORMAT, "started": "2026-11-24T02:30:00.000Z",
            "ended": "2026-11-24T02:30:01.000Z", "host": "h", "user": "u",
            "command": ["borderscan", "scan", f"run-{n}"], "inputs": [],
            "accounting": {"bytes": 10 * n, "records": n}, "summary": {},
            "verdict": {"exit_code": 0, "reasons": [], "violations": 0}}


def lines(log: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in log.read_bytes().splitlines()]


@pytest.fixture
def log2(tmp_path: Path) -> Path:
    """A log of two entries, appended in-process."""
    log = tmp_path / "audit.jsonl"
    audit.append(log, entry(1))
    audit.append(log, entry(2))
    return log


class FullDisk:
    """`os.write` as on a disk that fills up: `room` bytes go out, then
    every call fails with ENOSPC (with `recovers`, only the first: space
    was freed meanwhile)."""

    def __init__(self, room: int, *, recovers: bool = False) -> None:
        self.room = room
        self.recovers = recovers
        self.failed = 0
        self.calls = 0
        self.real = os.write

    def __call__(self, fd: int, data: Any) -> int:
        self.calls += 1
        if self.room <= 0 and not (self.recovers and self.failed):
            self.failed += 1
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        n = self.real(fd, bytes(data)[: self.room] if self.room > 0 else data)
        self.room -= n
        return n


# ------------------------------------------------------------------ appending, in-process


def test_enospc_half_way_leaves_no_torn_line(log2: Path, monkeypatch: pytest.MonkeyPatch
                                             ) -> None:
    before = log2.read_bytes()
    disk = FullDisk(room=40)  # part of the line goes out, then the disk is full
    with monkeypatch.context() as m:
        m.setattr(os, "write", disk)
        with pytest.raises(OSError) as caught:
            audit.append(log2, entry(3))
    assert caught.value.errno == errno.ENOSPC
    assert disk.calls >= 2, "the line was not written with os.write"
    # The 40 bytes that did go out were taken back.
    assert log2.read_bytes() == before
    assert audit.verify(log2).ok
    # Space again: the next append chains onto entry 2.
    third = audit.append(log2, entry(3))
    es = lines(log2)
    assert [e["seq"] for e in es] == [1, 2, 3]
    assert third["prev"] == es[1]["hash"]
    v = audit.verify(log2)
    assert v.ok and v.entries == 3, v.problems


def test_enospc_before_any_byte_and_after_all_but_one(log2: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    before = log2.read_bytes()
    copy = log2.with_name("copy.jsonl")
    shutil.copyfile(log2, copy)
    audit.append(copy, entry(3))
    line = copy.stat().st_size - len(before)
    # Not one byte; or all of the line but its newline.
    for room in (0, line - 1):
        disk = FullDisk(room=room)
        with monkeypatch.context() as m:
            m.setattr(os, "write", disk)
            with pytest.raises(OSError):
                audit.append(log2, entry(3))
        assert log2.read_bytes() == before, room
    assert audit.verify(log2).ok


def test_a_failed_fsync_takes_the_entry_back(log2: Path, monkeypatch: pytest.MonkeyPatch
                                            ) -> None:
    before = log2.read_bytes()
    real_fsync = os.fsync
    calls = []

    def failing_fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 1:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_fsync(fd)

    with monkeypatch.context() as m:
        m.setattr(os, "fsync", failing_fsync)
        with pytest.raises(OSError):
            audit.append(log2, entry(3))
    assert calls, "the entry was not fsynced"
    assert log2.read_bytes() == before


def test_an_interrupt_mid_write_takes_the_entry_back(log2: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    before = log2.read_bytes()
    real = os.write

    def interrupted(fd: int, data: Any) -> int:
        real(fd, bytes(data)[:25])
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(os, "write", interrupted)
        with pytest.raises(KeyboardInterrupt):
            audit.append(log2, entry(3))
    assert log2.read_bytes() == before


def test_a_last_entry_without_its_newline_stays_whole(log2: Path) -> None:
    # A write that stopped just before the newline: the entry is whole.
    log2.write_bytes(log2.read_bytes().rstrip(b"\n"))
    audit.append(log2, entry(3))
    assert [e["seq"] for e in lines(log2)] == [1, 2, 3]
    assert audit.verify(log2).ok


def test_a_last_line_that_is_json_but_no_entry_is_an_audit_error(log2: Path) -> None:
    with log2.open("ab") as f:
        f.write(b"[1, 2]\n")
    with pytest.raises(audit.AuditError, match="--repair-tail"):
        audit.append(log2, entry(3))


# ------------------------------------------------------------------ repairing, in-process


def torn(log: Path, text: bytes = b'{"format":"borderscan-audit/1","seq":3,"sta') -> bytes:
    with log.open("ab") as f:
        f.write(text)
    return text


def test_repair_tail_removes_the_torn_line_and_records_it(log2: Path) -> None:
    good = log2.read_bytes()
    cut = torn(log2)
    with pytest.raises(audit.AuditError, match="--repair-tail"):
        audit.append(log2, entry(3))
    repair = audit.repair_tail(log2)
    assert repair is not None and repair.removed == cut and repair.line == 3
    assert log2.read_bytes().startswith(good)
    es = lines(log2)
    rec = es[-1]
    assert rec["event"] == "repair-tail" and rec["seq"] == 3
    assert rec["prev"] == es[1]["hash"]
    assert rec["removed"] == {"line": 3, "bytes": len(cut),
                              "sha256": hashlib.sha256(cut).hexdigest()}
    assert rec["time"] and rec["host"] and rec["user"] and rec["tool"]["name"] == "borderscan"
    v = audit.verify(log2)
    assert v.ok and v.entries == 3, v.problems
    assert any("repair-tail" in e for e in v.events), v.events
    # And scans chain on after it.
    nxt = audit.append(log2, entry(4))
    assert nxt["seq"] == 4 and nxt["prev"] == rec["hash"]
    assert audit.verify(log2).ok


def test_repair_tail_with_its_newline(log2: Path) -> None:
    cut = torn(log2, b'{"garbled\n')
    repair = audit.repair_tail(log2)
    assert repair is not None and repair.removed == cut
    assert audit.verify(log2).ok


def test_nothing_to_repair(log2: Path) -> None:
    before = log2.read_bytes()
    assert audit.repair_tail(log2) is None
    assert log2.read_bytes() == before


def test_a_torn_line_in_the_middle_is_not_repaired(log2: Path) -> None:
    raw = log2.read_bytes().splitlines(keepends=True)
    log2.write_bytes(raw[0][: len(raw[0]) // 2] + b"\n" + raw[1] + b'{"torn')
    before = log2.read_bytes()
    with pytest.raises(audit.AuditError, match="not repaired"):
        audit.repair_tail(log2)
    assert log2.read_bytes() == before


def test_a_repair_that_cannot_be_recorded_changes_nothing(log2: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    # The disk is full when the repair entry is written; putting the torn
    # line back (into the space its removal freed) works.
    cut = torn(log2)
    before = log2.read_bytes()
    with monkeypatch.context() as m:
        m.setattr(os, "write", FullDisk(room=30, recovers=True))
        with pytest.raises(OSError):
            audit.repair_tail(log2)
    assert log2.read_bytes() == before
    # And when even that fails, the error says what was removed.
    with monkeypatch.context() as m:
        m.setattr(os, "write", FullDisk(room=30))
        with pytest.raises(audit.AuditError, match=hashlib.sha256(cut).hexdigest()):
            audit.repair_tail(log2)
    assert audit.verify(log2).ok


def test_a_signed_log_is_repaired_with_its_key_only(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    log = tmp_path / "audit.jsonl"
    audit.append(log, entry(1), key)
    torn(log)
    before = log.read_bytes()
    with pytest.raises(audit.AuditError, match="--sign-key"):
        audit.repair_tail(log)
    assert log.read_bytes() == before
    repair = audit.repair_tail(log, key)
    assert repair is not None and repair.entry["signature"]
    v = audit.verify(log, key.public_key())
    assert v.ok and v.signed == 2, v.problems


# ------------------------------------------------------------------ the command line


def test_torn_tail_scan_exits_2_until_repaired(inputs: Path, tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    for _ in range(2):
        assert scan(inputs, log).returncode in (0, 1)
    second = log.read_bytes().splitlines()[1]
    with log.open("ab") as f:  # what a full disk left of a third entry
        f.write(second[: len(second) // 3])
    r = scan(inputs, log)
    assert r.returncode == 2
    err = r.stderr.decode()
    assert "could not append to the audit log" in err
    assert "audit verify --repair-tail" in err, err
    r = verify(log)
    assert r.returncode == 1
    assert b"line 3: not a JSON entry" in r.stdout and b"--repair-tail" in r.stdout, r.stdout
    head = run_cli("audit", "head", str(log))
    assert head.returncode == 2
    r = verify(log, "--repair-tail")
    out = r.stdout.decode()
    assert r.returncode == 0, out + r.stderr.decode()
    assert "repaired: removed the torn last line 3" in out, out
    assert "repair-tail" in out and "3 entries, chain intact" in out, out
    rec = lines(log)[-1]
    assert rec["event"] == "repair-tail" and rec["seq"] == 3
    assert rec["removed"]["bytes"] == len(second) // 3
    # Scans chain on.
    assert scan(inputs, log).returncode in (0, 1)
    es = lines(log)
    assert es[-1]["seq"] == 4 and es[-1]["prev"] == rec["hash"]
    r = verify(log, "--repair-tail")
    assert r.returncode == 0 and b"nothing to repair" in r.stdout, r.stdout


def test_a_torn_middle_line_is_not_repaired_from_the_command_line(log2: Path) -> None:
    audit.append(log2, entry(3))
    raw = log2.read_bytes().splitlines(keepends=True)
    # The middle line cut: tampering or corruption, not an append cut short.
    log2.write_bytes(raw[0] + raw[1][:50] + b"\n" + raw[2])
    before = log2.read_bytes()
    r = verify(log2, "--repair-tail")
    assert r.returncode == 1
    assert b"nothing to repair" in r.stdout, r.stdout
    assert b"line 2: not a JSON entry (edited or cut)\n" in r.stdout, r.stdout
    assert log2.read_bytes() == before
    # And with the last line torn as well: not repaired either.
    torn(log2)
    before = log2.read_bytes()
    r = verify(log2, "--repair-tail")
    assert r.returncode == 1
    assert b"not repaired" in r.stdout and b"line 2: not a JSON entry" in r.stdout, r.stdout
    assert log2.read_bytes() == before


def test_sign_key_without_repair_tail_is_a_usage_error(tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    audit.append(log, entry(1))
    key = tmp_path / "k.key"
    r = run_cli("audit", "keygen", "--out", str(tmp_path / "k"))
    assert r.returncode == 0
    r = verify(log, "--sign-key", str(key))
    assert r.returncode == 2 and b"--repair-tail" in r.stderr, r.stderr


def test_export_does_not_count_a_repair_as_a_scan(log2: Path) -> None:
    # An event entry as `--repair-tail` appends it (built here by hand).
    audit.append(log2, {"format": audit.FORMAT, "event": "repair-tail", "host": "h",
                        "user": "u", "time": "2026-11-24T03:00:00.000Z",
                        "removed": {"line": 3, "bytes": 12, "sha256": "ab" * 32}})
    audit.append(log2, entry(4))
    assert verify(log2).returncode == 0
    r = run_cli("audit", "export", str(log2), "--format", "report", "--from", "2026-11-01")
    text = r.stdout.decode()
    assert r.returncode == 0, r.stderr.decode()
    assert "Entries: 3" in text, text
    assert "repair-tail" in text and "Log events" in text, text
    assert "Records 7" in text, text  # 1 + 2 + 4: the repair adds nothing
    r = run_cli("audit", "export", str(log2), "--format", "csv")
    assert r.returncode == 0, r.stderr.decode()
    rows = list(csv.reader(io.StringIO(r.stdout.decode())))
    assert rows[0][0] == "Entry" and [row[0] for row in rows[1:]] == ["1", "2", "4"], rows
    r = run_cli("audit", "export", str(log2), "--format", "jsonl")
    assert r.returncode == 0, r.stderr.decode()
    exported = log2.with_name("exported.jsonl")
    exported.write_bytes(r.stdout)
    assert [e["seq"] for e in lines(exported)] == [1, 2, 3, 4]
    assert audit.verify(exported).ok


# ------------------------------------------------------------------ a real full disk


@pytest.fixture
def small_disk(tmp_path: Path) -> Any:
    """A 128 KiB tmpfs mounted at tmp_path/disk. Needs root and a kernel
    that lets this container mount tmpfs; elsewhere the test is skipped
    with that reason (the ENOSPC path is also covered in-process, above)."""
    d = tmp_path / "disk"
    d.mkdir()
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("a real full disk needs root to mount a 128k tmpfs (`mount -t tmpfs`); "
                    "ENOSPC is simulated in-process by the tests above")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=128k", "tmpfs", str(d)],
                       capture_output=True)
    if r.returncode != 0:
        pytest.skip("a real full disk: `mount -t tmpfs -o size=128k` failed here "
                    f"({r.stderr.decode().strip()}); ENOSPC is simulated in-process above")
    try:
        yield d
    finally:
        subprocess.run(["umount", str(d)], capture_output=True)


def fill(d: Path) -> Path:
    """Fill the file system of `d` to the last byte."""
    filler = d / "filler"
    with filler.open("wb", buffering=0) as f:
        for size in (4096, 512, 1):
            try:
                while True:
                    f.write(b"\0" * size)
            except OSError as e:
                assert e.errno == errno.ENOSPC
    return filler


def test_a_real_full_disk(inputs: Path, small_disk: Path) -> None:
    # A first entry that leaves 100 bytes free in the log's last page: the
    # scan's entry, longer, half fits when no other page is left.
    log = small_disk / "audit.jsonl"
    probe = small_disk.parent / "probe.jsonl"
    audit.append(probe, {**entry(1), "command": []})
    pad = "x" * (4096 - 100 - probe.stat().st_size - len('""'))
    audit.append(log, {**entry(1), "command": [pad]})
    assert log.stat().st_size == 4096 - 100
    good = log.read_bytes()
    filler = fill(small_disk)
    r = scan(inputs, log)
    assert r.returncode == 2
    assert b"could not append to the audit log" in r.stderr, r.stderr
    assert b"No space left on device" in r.stderr, r.stderr
    # No torn line: the log is as it was and still verifies.
    assert log.read_bytes() == good
    assert verify(log).returncode == 0
    filler.unlink()
    assert scan(inputs, log).returncode in (0, 1)
    es = lines(log)
    assert [e["seq"] for e in es] == [1, 2] and es[1]["prev"] == es[0]["hash"]
    assert verify(log).returncode == 0


# ------------------------------------------------------------------ crafted baselines


@pytest.fixture
def baseline(inputs: Path, tmp_path: Path) -> dict[str, Any]:
    out = tmp_path / "base.json"
    r = run_cli("baseline", "create", str(inputs), "-o", str(out))
    assert r.returncode == 0, r.stderr.decode()
    doc: dict[str, Any] = json.loads(out.read_text())
    assert doc["findings"]
    return doc


def crafted(tmp_path: Path, doc: dict[str, Any], findings: Any) -> Path:
    p = tmp_path / "crafted.json"
    p.write_text(json.dumps({**doc, "findings": findings}))
    return p


def scan_with(inputs: Path, tmp_path: Path, base: Path, *extra: str
              ) -> subprocess.CompletedProcess[bytes]:
    return run_cli("scan", str(inputs), "--baseline", str(base), "--audit-log",
                   str(tmp_path / "audit.jsonl"), *extra)


@pytest.mark.parametrize("findings, where, reason", [
    ([{"fingerprint": 1234567890123456}], "findings[0].fingerprint", "not a number"),
    ([{"fingerprint": "0123456789abcdef", "line": "x"}], "findings[0].line", "whole number"),
    ([{"fingerprint": "0123456789abcdef", "detector": 5}], "findings[0].detector",
     "string or null"),
    ([{"fingerprint": "0123456789abcdef\n"}], "findings[0].fingerprint", "hex digits"),
    ([{"path": "a.jsonl"}], "findings[0]: 'fingerprint' is missing", "missing"),
    (["0123456789abcdef"], "findings[0]: must be an object", "not a string"),
    ({"fingerprint": "0123456789abcdef"}, "'findings' must be a list", "not an object"),
])
def test_a_crafted_baseline_is_a_configuration_error(inputs: Path, tmp_path: Path,
                                                     baseline: dict[str, Any], findings: Any,
                                                     where: str, reason: str) -> None:
    base = crafted(tmp_path, baseline, findings)
    r = scan_with(inputs, tmp_path, base)
    err = r.stderr.decode()
    assert r.returncode == 2, err
    assert "Traceback" not in err, err
    assert f"{base}: {where}" in err and reason in err, err
    # Refused before the scan: no audit entry claims a scan was made.
    assert not (tmp_path / "audit.jsonl").exists()


def test_every_problem_of_a_baseline_is_named(inputs: Path, tmp_path: Path,
                                              baseline: dict[str, Any]) -> None:
    good = baseline["findings"][0]
    base = crafted(tmp_path, baseline, [
        good, 7, {**good, "fingerprint": 12}, {**good, "occurrences": -1, "rule": []}])
    r = scan_with(inputs, tmp_path, base)
    err = r.stderr.decode()
    assert r.returncode == 2, err
    assert "4 problem(s)" in err, err
    for where in ("findings[1]: must be an object", "findings[2].fingerprint",
                  "findings[3].occurrences", "findings[3].rule"):
        assert f"{base}: {where}" in err, (where, err)


def test_an_entry_with_only_a_fingerprint_is_shown_when_gone(inputs: Path, tmp_path: Path,
                                                              baseline: dict[str, Any]) -> None:
    # The fingerprint is all a baseline needs; an entry that no longer
    # occurs is listed even when it says nothing else about its finding.
    base = crafted(tmp_path, baseline, [{"fingerprint": "0123456789abcdef"},
                                        {"fingerprint": "fedcba9876543210", "line": None}])
    r = scan_with(inputs, tmp_path, base, "--format", "table")
    out, err = r.stdout.decode(), r.stderr.decode()
    assert r.returncode in (0, 1), err
    assert "Traceback" not in err, err
    assert "2 baseline entr(ies) no longer found" in out, out
    assert "gone: 0123456789abcdef" in out and "gone: fedcba9876543210" in out, out
    codes = [e["verdict"]["exit_code"] for e in lines(tmp_path / "audit.jsonl")]
    assert codes == [r.returncode]


def test_the_api_refuses_a_crafted_baseline(inputs: Path, tmp_path: Path,
                                            baseline: dict[str, Any]) -> None:
    import borderscan

    base = crafted(tmp_path, baseline, [{"fingerprint": 1234567890123456}])
    with pytest.raises(borderscan.ConfigError, match=r"findings\[0\]\.fingerprint"):
        borderscan.scan(str(inputs), baseline=str(base))
