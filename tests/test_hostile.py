"""The worst input we can make: each case is scanned by the real command line
and must end with the accounting adding up, a clear message naming the place
and the documented exit code; never a crash, a hang or silently lost data."""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
import threading
import time
import zlib

import borderscan
import orjson
import pytest
from conftest import ROOT, assert_balanced, run_cli

GOOD = b'{"site":"JP-OSA-03","operator":{"email":"sato.k@example.jp"}}\n'
BORDERSCAN = [sys.executable, "-m", "borderscan"]


def scan_json(*args, input=None):
    r = run_cli("scan", *map(str, args), "--format", "json", "--no-audit-log", input=input)
    assert r.stdout, r.stderr.decode(errors="replace")
    doc = orjson.loads(r.stdout)
    assert_balanced(doc["accounting"])
    return r, doc


def per_file(doc, name):
    return next(f for f in doc["accounting"]["per_file"] if f["path"].endswith(name))


def emails(doc):
    return [f for f in doc["findings"] if f["detector"] == "personal.email"]


def test_one_gigabyte_single_line_from_a_pipe():
    """1 GiB without a newline, streamed through stdin: the line is cut at
    the maximum length, the rest read (and counted) but not held in memory,
    and the record after it is still scanned."""
    size = 1 << 30
    proc = subprocess.Popen([*BORDERSCAN, "scan", "-", "--format", "json", "--no-audit-log",
                             "--max-line-bytes", "1048576"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)

    def feed():
        block = b"x" * (8 << 20)
        for _ in range(size // len(block)):
            proc.stdin.write(block)
        proc.stdin.write(b"\n" + GOOD)
        proc.stdin.close()

    writer = threading.Thread(target=feed)
    writer.start()
    # stderr stays small (one line at most): reading stdout first cannot block.
    out, err = proc.stdout.read(), proc.stderr.read()
    writer.join()
    assert proc.wait(timeout=600) == 0, err.decode()
    doc = orjson.loads(out)
    acc = doc["accounting"]
    assert_balanced(acc)
    assert acc["records"] == 2 and acc["truncated_lines"] == 1
    assert acc["bytes"] == acc["bytes_read"] == size + 1 + len(GOOD)
    assert acc["cut_bytes"] == size - (1 << 20)
    assert len(emails(doc)) == 1


@pytest.mark.parametrize("opener,closer", [(b'{"a":', b"}"), (b"[", b"]")])
def test_json_nested_100k_levels(tmp_path, opener, closer):
    depth = 100_000
    (tmp_path / "deep.jsonl").write_bytes(opener * depth + b"1" + closer * depth + b"\n" + GOOD)
    r, doc = scan_json(tmp_path / "deep.jsonl")
    acc = doc["accounting"]
    assert r.returncode == 0, r.stderr.decode()
    assert acc["records"] == 2 and acc["parsed"] == 1 and acc["unparseable"] == 1
    assert acc["unparseable_reasons"]["json_too_deep"]["first"][0]["line"] == 1
    assert len(emails(doc)) == 1
    assert "json_too_deep" in r.stderr.decode()
    # A release gate that must see every problem gets exit 3.
    assert run_cli("scan", str(tmp_path), "--strict", "--no-audit-log", "-q").returncode == 3


def _bomb(path, megabytes: int) -> None:
    """A gzip file of `megabytes` MiB of log lines that compress ~1000:1."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = (b"a" * 1023 + b"\n") * 1024
    with open(path, "wb") as fh:
        for _ in range(megabytes):
            fh.write(comp.compress(block))
        fh.write(comp.compress(GOOD))
        fh.write(comp.flush())


def test_decompression_bomb_is_stopped_at_the_ratio_cap(tmp_path):
    bomb = tmp_path / "bomb.log.gz"
    _bomb(bomb, 300)
    stored = bomb.stat().st_size
    assert stored < 1 << 20  # a ~1000:1 bomb
    r, doc = scan_json(bomb)
    f = per_file(doc, "bomb.log.gz")
    err = r.stderr.decode()
    assert r.returncode == 3, err
    assert f["failed_files"] == 1 and "decompression bomb" in f["error"]
    assert "--max-expansion" in f["error"] and "bomb.log.gz" in err
    # Stopped past the 64 MiB floor and long before the 300 MiB it holds.
    assert 64 << 20 <= f["decompressed_bytes"] < 200 << 20
    assert f["bytes_skipped"] > 0 and f["bytes_read"] + f["bytes_skipped"] == stored
    # A user who trusts the file lifts the cap and gets all of it.
    r, doc = scan_json(bomb, "--max-expansion", "0")
    f = per_file(doc, "bomb.log.gz")
    assert r.returncode == 0, r.stderr.decode()
    assert f["failed_files"] == 0 and f["decompressed_bytes"] == (300 << 20) + len(GOOD)
    assert f["bytes_read"] == stored and len(emails(doc)) == 1


def test_gzip_truncated_mid_stream(tmp_path):
    full = gzip.compress(GOOD * 20000)
    (tmp_path / "cut.log.gz").write_bytes(full[: len(full) // 2])
    r, doc = scan_json(tmp_path / "cut.log.gz")
    f = per_file(doc, "cut.log.gz")
    assert r.returncode == 3
    assert f["failed_files"] == 1 and "gzip" in f["error"]
    # What was decompressed before the cut is scanned and counted.
    # (the last record is the part of a line before the cut).
    assert 0 < f["records"] < 20000 and len(emails(doc)) == f["records"] - 1
    assert "cut.log.gz" in r.stderr.decode()
    assert run_cli("scan", str(tmp_path), "--keep-going", "--no-audit-log",
                   "-q").returncode == 0


def test_zstd_frame_with_a_bad_checksum(tmp_path):
    if not shutil.which("zstd"):
        pytest.skip("the zstd command builds this fixture (CI installs it)")
    z = subprocess.run(["zstd", "-c", "-q", "--check"], input=GOOD * 20000,
                       capture_output=True, check=True).stdout
    bad = bytearray(z)
    bad[-1] ^= 0xFF  # the last 4 bytes are the content checksum
    (tmp_path / "bad.log.zst").write_bytes(bytes(bad))
    r, doc = scan_json(tmp_path / "bad.log.zst")
    f = per_file(doc, "bad.log.zst")
    assert r.returncode == 3, r.stderr.decode()
    assert f["failed_files"] == 1 and "checksum" in f["error"].lower()
    # Blocks decoded before the checksum are scanned (the content is intact
    # here); the file still fails: its integrity could not be verified.
    # (the last record may be the part of a line decoded before the error).
    assert 0 < f["records"] <= 20000 and f["records"] - len(emails(doc)) in (0, 1)


def _scan_behind_a_fifo(tmp_path, victim, change):
    """Start a one-thread scan of [FIFO, victim]; the scan lists both, then
    blocks reading the FIFO while `change` alters the already listed victim;
    then the FIFO is closed and the scan reaches the victim."""
    fifo = tmp_path / "gate.fifo"
    os.mkfifo(fifo)
    proc = subprocess.Popen([*BORDERSCAN, "scan", str(fifo), str(victim), "--threads", "1",
                             "--format", "json", "--no-audit-log"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    with open(fifo, "wb") as gate:  # blocks until the scan opens the FIFO
        gate.write(GOOD)
        gate.flush()
        time.sleep(0.5)  # lets the scan finish listing (it lists before reading)
        change()
    out, err = proc.communicate(timeout=300)
    doc = orjson.loads(out)
    assert_balanced(doc["accounting"])
    return proc.returncode, doc, err.decode()


def test_file_truncated_while_it_is_read(tmp_path):
    victim = tmp_path / "app.log"
    victim.write_bytes(GOOD * 10000)
    size = victim.stat().st_size

    def truncate():
        with open(victim, "r+b") as fh:
            fh.truncate(size // 2)

    code, doc, err = _scan_behind_a_fifo(tmp_path, victim, truncate)
    f = per_file(doc, "app.log")
    assert code == 3, err
    assert f["failed_files"] == 1 and "shrank" in f["error"]
    assert f["bytes"] == size and f["bytes_skipped"] > 0
    assert "app.log" in err


def test_file_rotated_while_it_is_read(tmp_path):
    victim = tmp_path / "app.log"
    victim.write_bytes(GOOD * 10000)

    def rotate():
        victim.rename(tmp_path / "app.log.1")
        victim.write_bytes(b"new file after rotation\n")

    code, doc, err = _scan_behind_a_fifo(tmp_path, victim, rotate)
    f = per_file(doc, "app.log")
    assert code == 3, err
    assert f["failed_files"] == 1 and "replaced" in f["error"]
    assert f["bytes_skipped"] == f["bytes"]  # nothing of another file passed for this one


def test_symlink_loop(tmp_path):
    d = tmp_path / "logs"
    d.mkdir()
    (d / "good.log").write_bytes(GOOD)
    os.symlink(d, d / "self")  # a directory loop: its files are scanned once
    r, doc = scan_json(d)
    acc = doc["accounting"]
    assert r.returncode == 0, r.stderr.decode()
    assert acc["special_skipped"] == 1 and acc["failed_files"] == 0
    assert "loop" in per_file(doc, "self")["note"]
    assert len(emails(doc)) == 1
    # Links that point at each other lead to no file: like a broken link,
    # they are inputs that could not be read (exit 3), each named.
    os.symlink(d / "b.log", d / "a.log")
    os.symlink(d / "a.log", d / "b.log")
    r, doc = scan_json(d)
    assert r.returncode == 3
    for n in ("a.log", "b.log"):
        f = per_file(doc, n)
        assert f["failed_files"] == 1 and "symbolic links" in f["error"]
    assert len(emails(doc)) == 1 and "a.log" in r.stderr.decode()


def test_fifo_under_a_directory_is_not_read_and_a_named_one_is(tmp_path):
    d = tmp_path / "logs"
    d.mkdir()
    (d / "good.log").write_bytes(GOOD)
    os.mkfifo(d / "pipe.log")  # nobody writes: reading it would hang
    r, doc = scan_json(d)
    assert r.returncode == 0, r.stderr.decode()
    f = per_file(doc, "pipe.log")
    assert f["special_skipped"] == 1 and "FIFO" in f["note"] and f["records"] == 0
    assert "pipe.log" in r.stderr.decode()
    r = run_cli("scan", str(d), "--strict", "--no-audit-log", "-q")
    assert r.returncode == 3
    # Named on the command line, it is read as a stream.
    proc = subprocess.Popen([*BORDERSCAN, "scan", str(d / "pipe.log"), "--format", "json",
                             "--no-audit-log"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    with open(d / "pipe.log", "wb") as w:
        w.write(GOOD * 3)
    out, err = proc.communicate(timeout=120)
    doc = orjson.loads(out)
    assert proc.returncode == 0, err.decode()
    assert doc["accounting"]["records"] == 3 and len(emails(doc)) == 3
    assert_balanced(doc["accounting"])


def test_file_without_read_permission(tmp_path):
    (tmp_path / "open.log").write_bytes(GOOD)
    secret = tmp_path / "noread.log"
    secret.write_bytes(GOOD * 7)
    secret.chmod(0)
    cmd = [*BORDERSCAN, "scan", str(tmp_path), "--format", "json", "--no-audit-log"]
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv")
        # Root reads everything: drop the capabilities that bypass file modes.
        cmd = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *cmd]
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=300)
    finally:
        secret.chmod(0o644)
    doc = orjson.loads(r.stdout)
    assert_balanced(doc["accounting"])
    f = per_file(doc, "noread.log")
    assert r.returncode == 3
    assert f["failed_files"] == 1 and "permission denied" in f["error"]
    assert f["bytes"] == len(GOOD) * 7 == f["bytes_skipped"] and f["bytes_read"] == 0
    assert len(emails(doc)) == 1 and "noread.log" in r.stderr.decode()


# Invalid UTF-8 (a lone continuation byte, an overlong encoding, a truncated
# sequence) in every place a parser looks. The email next to it is still found.
BAD = [b"\x80", b"\xc0\xaf", b"\xe2\x82"]
E = b"sato.k@example.jp"
UTF8_CASES = {
    "json_key.jsonl": lambda b: b'{"k' + b + b'":"' + E + b'"}\n',
    "json_value.jsonl": lambda b: b'{"k":"' + b + b" " + E + b'"}\n',
    "json_escape.jsonl": lambda b: b'{"k":"\\' + b + b'","e":"' + E + b'"}\n',
    "json_bare.jsonl": lambda b: b'{"k":' + b + b',"e":"' + E + b'"}\n',
    "logfmt_key.log": lambda b: b"ts=1 k" + b + b"=1 email=" + E + b"\n",
    "logfmt_value.log": lambda b: b"ts=1 k=" + b + b" email=" + E + b"\n",
    "logfmt_quoted.log": lambda b: b'ts=1 k="a ' + b + b'" email=' + E + b"\n",
    "header.csv": lambda b: b"id,na" + b + b"me,email\n1,x," + E + b"\n",
    "cell.csv": lambda b: b"id,name,email\n1,x" + b + b"," + E + b"\n",
    "quoted.csv": lambda b: b'id,name,email\n1,"x ' + b + b'",' + E + b"\n",
    "text.log": lambda b: b"2026-11-01 user " + b + b" " + E + b"\n",
}


@pytest.mark.parametrize("bad", BAD, ids=["continuation", "overlong", "truncated"])
def test_invalid_utf8_in_every_parser_position(tmp_path, bad):
    for name, make in UTF8_CASES.items():
        (tmp_path / name).write_bytes(make(bad))
    r, doc = scan_json(tmp_path)
    assert r.returncode == 0, r.stderr.decode()
    acc = doc["accounting"]
    assert acc["files"] == len(UTF8_CASES) and acc["failed_files"] == 0
    found = {f["path"].rsplit("/", 1)[-1] for f in emails(doc)}
    assert found == set(UTF8_CASES)
    # The output is valid UTF-8 JSON (orjson refused it otherwise) and each
    # record is counted once: parsed, or unparseable with its reason.
    for f in acc["per_file"]:
        assert f["parsed"] + f["unparseable"] == f["records"] == 1, f


def test_invalid_utf8_in_a_policy_and_a_rule_pack(tmp_path):
    (tmp_path / "a.log").write_bytes(GOOD)
    (tmp_path / "p.toml").write_bytes(b'name = "x\xff"\n')
    r = run_cli("scan", str(tmp_path / "a.log"), "--policy", str(tmp_path / "p.toml"))
    assert r.returncode == 2 and b"p.toml" in r.stderr
    (tmp_path / "r.toml").write_bytes(b'name = "\xc0\xaf"\nversion = "1"\n')
    r = run_cli("scan", str(tmp_path / "a.log"), "--rules", str(tmp_path / "r.toml"))
    assert r.returncode == 2 and b"r.toml" in r.stderr


def test_csv_quotes_that_never_close(tmp_path):
    rows = [b'1,"open,' + E + b"\n", b"2,closed," + E + b"\n", b'3,"never closes\n']
    (tmp_path / "q.csv").write_bytes(b"id,name,email\n" + b"".join(rows))
    r, doc = scan_json(tmp_path / "q.csv")
    acc = doc["accounting"]
    assert r.returncode == 0, r.stderr.decode()
    # A quote does not swallow the rest of the file: each line is a record.
    assert acc["records"] == 3 and acc["header_lines"] == 1
    assert acc["unparseable_reasons"]["unterminated_quote"]["count"] == 2
    assert acc["parsed"] == 1
    assert len(emails(doc)) == 2  # the cut-open record is still scanned as text


EVIL = r"(a+)+$"


def test_exponential_regex_in_a_rule_pack_runs_in_linear_time(tmp_path):
    pack = tmp_path / "evil.toml"
    pack.write_text(
        'name = "evil"\nversion = "1"\n\n[[rule]]\nid = "secret.aplus"\n'
        'category = "secret"\ndescription = "catastrophic in PCRE"\nkind = "value"\n'
        f"pattern = '{EVIL}'\nmask = \"full\"\n")
    if run_cli("rules", "check", "--rules", str(pack)).returncode != 0:
        pytest.fail("the rule pack fixture is invalid: "
                    + run_cli("rules", "check", "--rules", str(pack)).stderr.decode())
    # 30 000 a's then a b: 2^30000 paths for a backtracking engine; the
    # subprocess timeout is a hang guard, not a speed assertion.
    line = b"a" * 30000 + b"b\n"
    (tmp_path / "x.log").write_bytes(line * 20 + b"aaaa\n")
    r = run_cli("scan", str(tmp_path / "x.log"), "--rules", str(pack), "--format", "json",
                "--no-audit-log")
    assert r.returncode == 0, r.stderr.decode()
    doc = orjson.loads(r.stdout)
    assert [f["line"] for f in doc["findings"] if f["detector"] == "secret.aplus"] == [21]


@pytest.mark.parametrize("pattern,message", [
    (r"\w{1000}{100}", "size limit"),  # 100 000 Unicode classes: too large to compile
    (r"(a)\1", "backreference"),  # needs backtracking: refused, not emulated
])
def test_rule_pack_regex_that_cannot_run_safely_is_refused(tmp_path, pattern, message):
    pack = tmp_path / "evil.toml"
    pack.write_text(
        'name = "evil"\nversion = "1"\n\n[[rule]]\nid = "secret.big"\n'
        'category = "secret"\ndescription = "x"\nkind = "value"\n'
        f"pattern = '{pattern}'\nmask = \"full\"\n")
    (tmp_path / "x.log").write_bytes(GOOD)
    r = run_cli("scan", str(tmp_path / "x.log"), "--rules", str(pack))
    err = r.stderr.decode()
    assert r.returncode == 2, err
    assert "evil.toml" in err and "secret.big" in err and message in err.lower()


def test_exponential_glob_in_a_policy(tmp_path):
    """Host globs are compiled to automata too: a pathological one is fast."""
    glob = "*a" * 40 + "*b"
    pol = tmp_path / "p.toml"
    example = (ROOT / "examples" / "site-policy.toml").read_text()
    assert "hosts = { " in example
    pol.write_text(example.replace("hosts = { ", f'hosts = {{ "{glob}" = "DE", ', 1))
    host = ".".join(["a" * 60] * 4) + ".b"  # 246 characters: the most a host name has
    (tmp_path / "x.jsonl").write_text(
        '{"site":"DE-MUC-01","url":"https://' + host + '/x","email":"sato.k@example.jp"}\n')
    r = run_cli("scan", str(tmp_path / "x.jsonl"), "--policy", str(pol), "--format", "json",
                "--no-audit-log")
    if r.returncode == 2:
        pytest.fail(r.stderr.decode())
    doc = orjson.loads(r.stdout)
    assert_balanced(doc["accounting"])
    (f,) = emails(doc)
    assert r.returncode == 0
    assert (f["dest_country"], f["dest_source"]) == ("DE", "policy")


def test_one_hundred_thousand_tiny_files(tmp_path):
    d = tmp_path / "many"
    d.mkdir()
    n = 100_000
    for i in range(n):
        (d / f"{i:06d}.log").write_bytes(GOOD if i % 10 == 0 else b"ok\n")
    res = borderscan.scan([d])
    acc = res.accounting
    assert_balanced(acc)
    assert acc["files"] == n and acc["records"] == n and acc["failed_files"] == 0
    assert acc["bytes"] == (n // 10) * len(GOOD) + (n - n // 10) * 3
    found = res.findings.filter(detector="personal.email")
    assert found.height == n // 10
    # Input order is kept: findings come file by file in name order.
    assert found["path"].to_list() == sorted(found["path"].to_list())


def test_paths_with_non_utf8_bytes(tmp_path):
    base = os.fsencode(tmp_path)
    d = base + b"/d\xff"
    os.mkdir(d)
    with open(d + b"/caf\xe9.log", "wb") as fh:
        fh.write(GOOD)
    # Named on the command line, and found under a directory.
    for target in (d + b"/caf\xe9.log", d):
        r = subprocess.run([*BORDERSCAN, "scan", target, "--format", "json",
                            "--no-audit-log"], capture_output=True, timeout=120)
        assert r.returncode == 0, r.stderr.decode(errors="replace")
        doc = orjson.loads(r.stdout)  # still valid UTF-8 JSON
        assert_balanced(doc["accounting"])
        (f,) = emails(doc)
        assert "caf" in f["path"]
    # The Python API takes bytes paths too.
    res = borderscan.scan([d])
    assert res.findings.filter(detector="personal.email").height == 1


def test_missing_path_is_counted_and_the_rest_scanned(tmp_path):
    d = tmp_path / "logs"
    d.mkdir()
    (d / "a.log").write_bytes(GOOD)
    r, doc = scan_json(d, tmp_path / "missing.log")
    assert r.returncode == 3
    assert per_file(doc, "missing.log")["failed_files"] == 1
    assert len(emails(doc)) == 1
