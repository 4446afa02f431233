"""The audit log from the real command line: manifests, the hash chain,
tamper detection of every kind, Ed25519 signatures, the default location."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from conftest import run_cli

SECRET = "AKIAQ2ZK7FJX3NAMVB5D"
EMAIL = "li.wei.audit@example.cn"


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.jsonl").write_text(
        json.dumps({"site": "CN-SZ-02", "operator": {"email": EMAIL},
                    "endpoint": "https://s3.eu-central-1.amazonaws.com/b"}) + "\n"
        + json.dumps({"site": "CN-SZ-02", "msg": f"key {SECRET} used"}) + "\n")
    (d / "b.log").write_text("nothing to see\n")
    return d


def lines(log: Path) -> list[str]:
    return log.read_text().splitlines()


def scan(inputs: Path, log: Path, *extra: str) -> None:
    r = run_cli("scan", str(inputs), "--format", "json", "--out", os.devnull, "-q",
                "--audit-log", str(log), *extra)
    assert r.returncode in (0, 1), r.stderr.decode()


def verify(log: Path, *extra: str):
    return run_cli("audit", "verify", str(log), *extra)


def test_each_scan_appends_a_chained_manifest(inputs: Path, tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    scan(inputs, log)
    scan(inputs, log, "--preset", "eu-gdpr", "--fail-on", "high")
    entries = [json.loads(x) for x in lines(log)]
    assert [e["seq"] for e in entries] == [1, 2]
    assert entries[0]["prev"] == "0" * 64
    assert entries[1]["prev"] == entries[0]["hash"]
    e = entries[1]
    by_path = {Path(i["path"]).name: i for i in e["inputs"]}
    a = inputs / "a.jsonl"
    assert by_path["a.jsonl"]["sha256"] == hashlib.sha256(a.read_bytes()).hexdigest()
    assert by_path["a.jsonl"]["size"] == a.stat().st_size
    assert e["policy"]["source"] == "preset" and e["policy"]["name"] == "eu-gdpr"
    assert len(e["policy"]["sha256"]) == 64
    assert e["rule_packs"] and e["tool"]["name"] == "borderscan"
    assert e["host"] and e["user"] and e["started"] <= e["ended"]
    assert e["accounting"]["records"] == 3 and e["accounting"]["files"] == 2
    assert e["verdict"]["fail_on"] == "high"
    assert e["summary"]["verdicts"], e["summary"]
    assert "scan" in e["command"]
    # Counts and hashes only: no scanned value reaches the log.
    text = log.read_text()
    assert SECRET not in text and EMAIL not in text
    r = verify(log)
    assert r.returncode == 0, r.stdout.decode()
    assert b"2 entries, chain intact" in r.stdout


def test_policy_file_is_hashed(inputs: Path, tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    policy = Path(__file__).resolve().parent.parent / "examples" / "site-policy.toml"
    scan(inputs, log, "--policy", str(policy))
    e = json.loads(lines(log)[0])
    assert e["policy"]["source"] == "file"
    assert e["policy"]["sha256"] == hashlib.sha256(policy.read_bytes()).hexdigest()


@pytest.fixture
def log3(inputs: Path, tmp_path: Path) -> Path:
    log = tmp_path / "audit.jsonl"
    for _ in range(3):
        scan(inputs, log)
    assert verify(log).returncode == 0
    return log


def rewrite(log: Path, new: list[str]) -> None:
    log.write_text("\n".join(new) + "\n")


def test_an_edited_entry_is_named(log3: Path) -> None:
    ls = lines(log3)
    e = json.loads(ls[1])
    e["accounting"]["records"] = 0
    rewrite(log3, [ls[0], json.dumps(e), ls[2]])
    r = verify(log3)
    assert r.returncode == 1
    assert b"line 2 (entry 2): edited" in r.stdout, r.stdout


def test_an_edit_with_its_hash_rewritten_breaks_the_next_link(log3: Path) -> None:
    from borderscan.audit import entry_hash

    ls = lines(log3)
    e = json.loads(ls[1])
    e["accounting"]["records"] = 999
    e["hash"] = entry_hash(e)
    rewrite(log3, [ls[0], json.dumps(e), ls[2]])
    r = verify(log3)
    assert r.returncode == 1
    assert b"line 3 (entry 3): its link to the previous entry is broken" in r.stdout, r.stdout


def test_a_removed_entry_is_named(log3: Path) -> None:
    ls = lines(log3)
    rewrite(log3, [ls[0], ls[2]])
    r = verify(log3)
    assert r.returncode == 1
    assert b"removed: entry 2 missing" in r.stdout, r.stdout


def test_reordered_entries_are_named(log3: Path) -> None:
    ls = lines(log3)
    rewrite(log3, [ls[0], ls[2], ls[1]])
    r = verify(log3)
    assert r.returncode == 1
    assert b"reordered: entry 2 comes after entry 3" in r.stdout, r.stdout


def test_an_inserted_entry_is_named(log3: Path) -> None:
    ls = lines(log3)
    rewrite(log3, [ls[0], ls[1], ls[1], ls[2]])
    r = verify(log3)
    assert r.returncode == 1
    assert b"line 3 (entry 2): inserted" in r.stdout, r.stdout


def test_a_cut_line_is_named(log3: Path) -> None:
    ls = lines(log3)
    rewrite(log3, [ls[0], ls[1], ls[2][: len(ls[2]) // 2]])
    r = verify(log3)
    assert r.returncode == 1
    assert b"line 3: not a JSON entry" in r.stdout, r.stdout
    # A scan refuses to chain onto a damaged log rather than hide it.
    r = run_cli("scan", str(log3.parent / "in"), "-q", "--audit-log", str(log3))
    assert r.returncode == 2
    assert b"could not append to the audit log" in r.stderr


def test_signed_entries_verify_with_the_public_key_only(inputs: Path, tmp_path: Path) -> None:
    r = run_cli("audit", "keygen", "--out", str(tmp_path / "k"))
    assert r.returncode == 0, r.stderr.decode()
    assert (tmp_path / "k.key").stat().st_mode & 0o077 == 0
    log = tmp_path / "audit.jsonl"
    scan(inputs, log, "--sign-key", str(tmp_path / "k.key"))
    scan(inputs, log, "--sign-key", str(tmp_path / "k.key"))
    r = verify(log, "--public-key", str(tmp_path / "k.pub"))
    assert r.returncode == 0, r.stdout.decode()
    assert b"2 signature(s) verified" in r.stdout
    # Another key does not verify them.
    run_cli("audit", "keygen", "--out", str(tmp_path / "other"))
    r = verify(log, "--public-key", str(tmp_path / "other.pub"))
    assert r.returncode == 1 and r.stdout.count(b"signature does not verify") == 2
    # A forged signature on an otherwise intact entry is caught.
    ls = lines(log)
    e = json.loads(ls[1])
    e["signature"] = json.loads(ls[0])["signature"]
    rewrite(log, [ls[0], json.dumps(e)])
    r = verify(log, "--public-key", str(tmp_path / "k.pub"))
    assert r.returncode == 1
    assert b"line 2 (entry 2): the signature does not verify" in r.stdout, r.stdout
    # Unsigned entries are reported when signatures are asked for.
    scan(inputs, log)
    r = verify(log, "--public-key", str(tmp_path / "k.pub"))
    assert b"line 3 (entry 3): not signed" in r.stdout, r.stdout


def test_a_bad_sign_key_is_a_config_error_before_scanning(inputs: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.pem"
    bad.write_text("not a key")
    log = tmp_path / "audit.jsonl"
    r = run_cli("scan", str(inputs), "-q", "--audit-log", str(log), "--sign-key", str(bad))
    assert r.returncode == 2 and b"--sign-key" in r.stderr
    assert not log.exists()


def test_default_location_and_opt_out(inputs: Path, tmp_path: Path) -> None:
    state = Path(os.environ["XDG_STATE_HOME"])
    default = state / "borderscan" / "audit.jsonl"
    r = run_cli("audit", "path")
    assert r.stdout.decode().strip() == str(default)
    before = len(lines(default)) if default.exists() else 0
    assert run_cli("scan", str(inputs), "-q").returncode in (0, 1)
    assert len(lines(default)) == before + 1
    assert run_cli("scan", str(inputs), "-q", "--no-audit-log").returncode in (0, 1)
    assert len(lines(default)) == before + 1
    r = run_cli("audit", "verify")
    assert r.returncode == 0, r.stdout.decode()


def test_a_failed_input_is_recorded_with_the_exit_code(inputs: Path, tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    missing = tmp_path / "missing.log"
    r = run_cli("scan", str(inputs), str(missing), "-q", "--audit-log", str(log))
    assert r.returncode == 3
    e = json.loads(lines(log)[0])
    assert e["verdict"]["exit_code"] == 3 and e["verdict"]["reasons"]
    item = next(i for i in e["inputs"] if i["path"].endswith("missing.log"))
    assert item["sha256"] is None and item.get("error")
