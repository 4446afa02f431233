"""No traceback reaches a user (issue 16): every subcommand, given a bad
option, a missing file, an output it cannot write or a reader that went
away, ends with one line that names the problem and the documented exit
code. Each case runs the real command line in a subprocess."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from conftest import run_cli, write_jsonl

SIGPIPE_EXIT = 128 + signal.SIGPIPE
USAGE, INPUT = 2, 3

COMMANDS = [
    ["scan", "x"], ["rules", "list"], ["rules", "check"], ["policy", "check", "p.toml"],
    ["policy", "list"], ["policy", "show", "default"], ["policy", "groups"],
    ["policy", "schema"], ["baseline", "create", "x", "--out", "b.json"],
    ["explain", "x:1"], ["audit", "verify"], ["audit", "export"],
    ["audit", "keygen", "--out", "k"], ["audit", "path"], ["audit", "head"], ["report"],
    ["diff", "a", "b"], ["filter"],
]


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    """A small input, a JSON findings file, two stored scans, an audit log,
    and a regular file (`afile`) under which no output can be made."""
    d = tmp_path_factory.mktemp("every")
    (d / "logs").mkdir()
    write_jsonl(d / "logs" / "t.jsonl", [
        {"ts": "2026-01-01T00:00:00Z", "email": "anna.schmidt@example.de",
         "upload_url": "https://s3.us-east-1.amazonaws.com/b/x", "level": "ERROR"},
        {"ts": "2026-01-01T00:00:01Z", "msg": "calibration offset 0.12 mm"},
    ])
    (d / "afile").write_text("x")
    log = str(d / "audit.jsonl")
    for args in (["--format", "json", "--out", str(d / "f.json")],
                 ["--store", str(d / "st")], ["--store", str(d / "st")]):
        done = run_cli("scan", str(d / "logs"), "-q", "--audit-log", log, *args)
        assert done.returncode == 0, done.stderr.decode()
    return d


def _one_line(done: subprocess.CompletedProcess[bytes]) -> str:
    """The message of a failed command: no traceback, and one line that says
    what went wrong (click's usage errors add their Usage/Try lines)."""
    err = done.stderr.decode()
    assert "Traceback" not in err, err
    said = [line for line in err.splitlines()
            if line.startswith(("borderscan:", "Error:"))]
    assert len(said) == 1, err
    return said[0]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_bad_option_is_a_usage_error(command):
    done = run_cli(*command, "--no-such-option")
    assert done.returncode == USAGE
    assert "No such option" in _one_line(done)


def _missing(work: Path) -> list[tuple[list[str], int, str]]:
    nope = str(work / "nope")
    ok_in = str(work / "logs")
    return [
        (["scan", nope], INPUT, "could not be read"),
        (["scan", ok_in, "--policy", nope + ".toml"], USAGE, "nope.toml"),
        (["scan", ok_in, "--baseline", nope + ".json"], USAGE, "nope.json"),
        (["scan", ok_in, "--geoip", nope + ".mmdb"], USAGE, "nope.mmdb"),
        (["scan", ok_in, "--sign-key", nope + ".pem"], USAGE, "nope.pem"),
        (["scan", ok_in, "--rules", nope + ".toml"], USAGE, "nope.toml"),
        (["rules", "list", "--rules", nope + ".toml"], USAGE, "nope.toml"),
        (["rules", "check", "--rules", nope + ".toml"], USAGE, "nope.toml"),
        (["policy", "check", nope + ".toml"], USAGE, "nope.toml"),
        (["policy", "show", "nope"], USAGE, "nope"),
        (["baseline", "create", nope, "--out", str(work / "b.json")], INPUT, "could not be"),
        (["explain", nope + ".jsonl:3"], USAGE, "nope.jsonl"),
        (["explain", "0123456789abcdef", nope], USAGE, "nope"),
        (["audit", "verify", nope + ".jsonl"], USAGE, "nope.jsonl"),
        (["audit", "verify", "--public-key", nope + ".pem"], USAGE, "nope.pem"),
        (["audit", "export", nope + ".jsonl"], USAGE, "nope.jsonl"),
        (["audit", "head", nope + ".jsonl"], USAGE, "nope.jsonl"),
        (["report", nope + ".json"], USAGE, "nope.json"),
        (["report", "--history", nope], USAGE, "nope"),
        (["diff", nope, nope + "2"], USAGE, "nope"),
        (["filter", "--policy", nope + ".toml"], USAGE, "nope.toml"),
        (["filter", "--rules", nope + ".toml"], USAGE, "nope.toml"),
    ]


def test_a_missing_file_is_one_line_and_the_documented_code(work):
    for args, code, named in _missing(work):
        done = run_cli(*args, *(["--no-audit-log"] if args[0] == "scan" else []))
        assert done.returncode == code, (args, done.stderr.decode())
        assert named in _one_line(done), args


def _unwritable(work: Path) -> list[list[str]]:
    blocked = str(work / "afile")
    logs, findings, log = str(work / "logs"), str(work / "f.json"), str(work / "audit.jsonl")
    cases = []
    for where in (f"{blocked}/x/out", "/dev/full"):
        cases += [
            ["scan", logs, "--format", "json", "--out", where, "--no-audit-log"],
            ["scan", logs, "--format", "sarif", "--out", where, "--no-audit-log"],
            ["scan", logs, "--format", "html", "--out", where, "--no-audit-log"],
            ["scan", logs, "--format", "table", "--out", where, "--no-audit-log"],
            ["scan", logs, "--format", "parquet", "--out", where, "--no-audit-log"],
            ["scan", logs, "--format", "jsonl", "--out", where, "--no-audit-log"],
            ["scan", logs, "--records", where, "--no-audit-log"],
            ["baseline", "create", logs, "--out", where],
            ["report", findings, "--out", where],
            ["audit", "export", log, "--out", where],
        ]
    cases += [
        ["scan", logs, "--store", f"{blocked}/st", "--no-audit-log"],
        ["scan", logs, "--journal", f"{blocked}/j", "--no-audit-log"],
        ["scan", logs, "--audit-log", f"{blocked}/a.jsonl"],
        ["audit", "keygen", "--out", f"{blocked}/k"],
    ]
    return cases


def test_an_output_that_cannot_be_written_is_one_line_and_exit_2(work):
    for args in _unwritable(work):
        done = run_cli(*args)
        assert done.returncode == USAGE, (args, done.stderr.decode())
        line = _one_line(done)
        assert "afile" in line or "/dev/full" in line or "audit log" in line, (args, line)


def test_a_failed_output_leaves_the_audit_log_saying_so(work, tmp_path):
    """A scan whose HTML report could not be written (a full disk, after its
    audit entry) must not leave a log that ends on a scan that passed."""
    log = tmp_path / "audit.jsonl"
    done = run_cli("scan", str(work / "logs"), "--format", "html", "--out", "/dev/full",
                   "--audit-log", str(log))
    assert done.returncode == USAGE
    last = orjson.loads(log.read_bytes().splitlines()[-1])
    assert last["verdict"]["exit_code"] == USAGE
    assert any("/dev/full" in r for r in last["verdict"]["reasons"])
    assert run_cli("audit", "verify", str(log)).returncode == 0
    # An output refused before the scan: no entry at all.
    before = log.read_bytes()
    done = run_cli("scan", str(work / "logs"), "--format", "html", "--out",
                   str(work / "afile" / "r.html"), "--audit-log", str(log))
    assert done.returncode == USAGE
    assert log.read_bytes() == before


def _stdout_commands(work: Path) -> list[list[str]]:
    st = sorted((work / "st").iterdir())
    logs, log = str(work / "logs"), str(work / "audit.jsonl")
    return [
        ["-h"], ["-V"], ["scan", "-h"], ["rules", "list"], ["policy", "schema"],
        ["policy", "show", "default"], ["policy", "groups"], ["policy", "list"],
        ["audit", "export", log], ["audit", "export", log, "--format", "csv"],
        ["audit", "verify", log], ["audit", "head", log], ["audit", "path"],
        ["diff", str(st[0]), str(st[1])], ["diff", str(st[0]), str(st[1]), "--format", "json"],
        ["explain", f"{logs}/t.jsonl:1"],
        ["scan", logs, "--format", "sarif", "--no-audit-log"],
        ["scan", logs, "--format", "json", "--no-audit-log"],
        ["scan", logs, "--format", "html", "--out", "-", "--no-audit-log"],
        ["scan", logs, "--no-audit-log"],
        ["report", str(work / "f.json"), "--out", "-"],
        ["rules", "check"],
    ]


def test_a_reader_that_went_away_ends_every_command_quietly(work):
    """stdout is a pipe whose reader has already closed it: every command
    that prints ends with no message and the status of SIGPIPE."""
    for args in _stdout_commands(work):
        r, w = os.pipe()
        os.close(r)
        try:
            done = subprocess.run([sys.executable, "-m", "borderscan", *args], stdout=w,
                                  stderr=subprocess.PIPE, timeout=300, cwd=work)
        finally:
            os.close(w)
        assert done.returncode == SIGPIPE_EXIT, (args, done.stderr.decode())
        assert b"Traceback" not in done.stderr, (args, done.stderr.decode())
    # `--out -` is stdout, never a file named "-".
    assert not (work / "-").exists()


def _file_size_limit(limit: int):
    """In the child: writes past `limit` bytes fail with EFBIG, as on a full
    disk (Python ignores SIGXFSZ, so the write returns the error)."""
    import resource

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.mark.parametrize("command", [
    ["scan", "{sample}", "--format", "json", "--out", "{out}"],
    ["scan", "{sample}", "--format", "jsonl", "--out", "{out}"],
    ["scan", "{sample}", "--format", "parquet", "--out", "{out}"],
    ["scan", "{sample}", "--format", "sarif", "--out", "{out}"],
    ["scan", "{sample}", "--format", "html", "--out", "{out}"],
    ["scan", "{sample}", "-q", "--records", "{out}"],
    ["baseline", "create", "{sample}", "--out", "{out}"],
    ["report", "{findings}", "--out", "{out}"],
], ids=lambda c: " ".join(c[:4]))
def test_a_full_disk_leaves_the_old_output_and_no_partial_file(tmp_path, command):
    """An output that cannot be written whole is not written at all: the
    file a pipeline reads keeps its old content, no temporary is left, the
    command says so in one line with exit 2, and the audit log does not end
    on a scan that seems to have passed."""
    from conftest import SAMPLE

    findings = tmp_path / "f.json"
    assert run_cli("scan", str(SAMPLE), "--format", "json", "--out", str(findings),
                   "--no-audit-log", "-q").returncode == 0
    outdir = tmp_path / "out"
    outdir.mkdir()
    out = outdir / "result"
    out.write_bytes(b"old")
    log = tmp_path / "audit.jsonl"
    log.touch()  # not the first scan: no "starting the audit log" line
    args = [a.format(sample=SAMPLE, out=out, findings=findings) for a in command]
    if args[0] == "scan":
        args += ["--audit-log", str(log)]
    done = subprocess.run([sys.executable, "-m", "borderscan", *args], capture_output=True,
                          timeout=600, preexec_fn=_file_size_limit(20_000))
    assert done.returncode == USAGE, done.stderr.decode()
    assert str(out) in _one_line(done)
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in outdir.iterdir()) == ["result"]
    if log.stat().st_size:
        last = orjson.loads(log.read_bytes().splitlines()[-1])
        assert last["verdict"]["exit_code"] == USAGE
