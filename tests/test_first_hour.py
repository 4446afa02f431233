"""The first hour (issue 16): what a newcomer, a release engineer and an
auditor meet first must not mislead or crash. Each test runs the real
command line in a subprocess."""

from __future__ import annotations

import signal
import subprocess
import sys

import orjson
import pytest
from borderscan import __version__
from conftest import SAMPLE, run_cli

SIGPIPE_EXIT = 128 + signal.SIGPIPE


def _no_traceback(done: subprocess.CompletedProcess[bytes]) -> None:
    assert b"Traceback" not in done.stderr, done.stderr.decode()


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version(flag):
    done = run_cli(flag)
    assert done.returncode == 0
    assert done.stdout.decode().strip() == f"borderscan, version {__version__}"


@pytest.mark.parametrize("fmt", ["jsonl", "json", "table"])
def test_a_closed_pipe_ends_the_scan_quietly(fmt):
    """`borderscan scan ... | head -1`: no traceback, no message, and the
    status of a process ended by SIGPIPE (not 1, which CI reads as
    violations found)."""
    p = subprocess.Popen([sys.executable, "-m", "borderscan", "scan", str(SAMPLE),
                          "--format", fmt, "--no-audit-log"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    assert p.stdout is not None and p.stderr is not None
    p.stdout.read(16)
    p.stdout.close()
    err = p.stderr.read()
    assert p.wait(timeout=300) == SIGPIPE_EXIT, err.decode()
    assert err == b""


def test_outputs_go_into_directories_that_do_not_exist_yet(tmp_path):
    deep = tmp_path / "a" / "b"
    done = run_cli("scan", str(SAMPLE), "--format", "json", "--out", str(deep / "f.json"),
                   "--records", str(deep / "r" / "records.parquet"), "-q")
    assert done.returncode == 0, done.stderr.decode()
    assert orjson.loads((deep / "f.json").read_bytes())["findings"]
    assert (deep / "r" / "records.parquet").stat().st_size > 0
    # The README's own command, into a fresh .borderscan/.
    done = run_cli("baseline", "create", str(SAMPLE), "--out",
                   str(tmp_path / ".borderscan" / "baseline.json"))
    assert done.returncode == 0, done.stderr.decode()
    assert orjson.loads((tmp_path / ".borderscan" / "baseline.json").read_bytes())["findings"]
    done = run_cli("report", str(deep / "f.json"), "--out", str(tmp_path / "c" / "r.html"))
    assert done.returncode == 0, done.stderr.decode()
    assert (tmp_path / "c" / "r.html").stat().st_size > 0


@pytest.mark.parametrize("command", [
    ["scan", str(SAMPLE), "--format", "json", "-q", "--out"],
    ["scan", str(SAMPLE), "-q", "--records"],
    ["baseline", "create", str(SAMPLE), "--out"],
])
def test_an_output_that_cannot_be_made_is_one_line_and_exit_2(tmp_path, command):
    blocker = tmp_path / "file"
    blocker.write_text("a file, not a directory")
    done = run_cli(*command, str(blocker / "sub" / "out"))
    assert done.returncode == 2, done.stderr.decode()
    _no_traceback(done)
    lines = done.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("borderscan: cannot write"), lines
    assert str(blocker / "sub" / "out") in lines[0]


def test_report_exit_code_says_what_the_page_says(tmp_path):
    findings = tmp_path / "f.json"
    assert run_cli("scan", str(SAMPLE), "--format", "json", "--out", str(findings),
                   "-q").returncode == 0
    page = tmp_path / "r.html"
    done = run_cli("report", str(findings), "--fail-on", "high", "--out", str(page))
    assert done.returncode == 1, done.stderr.decode()
    assert "FAIL" in page.read_text(encoding="utf-8")
    # A threshold nothing reaches: the page and the exit code both pass.
    doc = orjson.loads(findings.read_bytes())
    if not any(v["severity"] == "critical" for v in doc["residency"].get("violations", [])):
        done = run_cli("report", str(findings), "--fail-on", "critical", "--out", str(page))
        assert done.returncode == 0, done.stderr.decode()
    # No threshold: nothing is gated.
    done = run_cli("report", str(findings), "--out", str(page))
    assert done.returncode == 0, done.stderr.decode()


def test_explain_an_unknown_fingerprint_exits_1():
    done = run_cli("explain", "0123456789abcdef", str(SAMPLE))
    assert done.returncode == 1, done.stderr.decode()
    _no_traceback(done)
    assert b"fingerprint 0123456789abcdef: no finding" in done.stdout


def test_explain_a_known_fingerprint_exits_0(tmp_path):
    findings = tmp_path / "f.json"
    assert run_cli("scan", str(SAMPLE), "--format", "json", "--out", str(findings),
                   "-q").returncode == 0
    fp = orjson.loads(findings.read_bytes())["findings"][0]["fingerprint"]
    done = run_cli("explain", fp, str(SAMPLE))
    assert done.returncode == 0, done.stderr.decode()
    assert f"fingerprint {fp}: ".encode() in done.stdout


def _archives(tmp_path):
    """The same JSON Lines log inside each archive and compression
    borderscan reads."""
    import io
    import lzma
    import tarfile
    import zipfile

    log = b'{"operator_email": "li.wei@example.cn"}\n' * 50
    made = {}
    for name, mode in [("bundle.tar", "w"), ("bundle.tar.gz", "w:gz"), ("bundle.tar.xz", "w:xz")]:
        with tarfile.open(tmp_path / name, mode) as tf:
            info = tarfile.TarInfo("logs/day1.jsonl")
            info.size = len(log)
            tf.addfile(info, io.BytesIO(log))
        made[name] = f"{name}!logs/day1.jsonl"
    with zipfile.ZipFile(tmp_path / "bundle.zip", "w") as zf:
        zf.writestr("logs/day1.jsonl", log)
    made["bundle.zip"] = "bundle.zip!logs/day1.jsonl"
    (tmp_path / "day1.jsonl.xz").write_bytes(lzma.compress(log))
    made["day1.jsonl.xz"] = "day1.jsonl.xz"
    return made


def test_an_archive_is_scanned_member_by_member(tmp_path):
    """A tar, zip or xz file is read (issue 18): its members' findings are
    named `archive!member`, exit 0; 7z and rar stay failed inputs named
    with what they are: exit 3, in the summary and in SARIF's
    notifications; never "every input read"."""
    made = _archives(tmp_path)
    for name, where in made.items():
        path = tmp_path / name
        done = run_cli("scan", str(path), "--format", "json", "--out", str(tmp_path / "f.json"))
        assert done.returncode == 0, (name, done.stderr.decode())
        doc = orjson.loads((tmp_path / "f.json").read_bytes())
        acc = doc["accounting"]
        assert acc["failed_files"] == 0 and acc["binary_skipped"] == 0, (name, acc)
        assert acc["records"] == 50
        assert {f["path"] for f in doc["findings"]} == {str(tmp_path / where)}
    seven = tmp_path / "bundle.7z"
    seven.write_bytes(b"7z\xbc\xaf\x27\x1c\x00\x04" + b"\x00" * 64)
    done = run_cli("scan", str(seven), "--format", "json", "--out", str(tmp_path / "f.json"))
    assert done.returncode == 3, done.stderr.decode()
    acc = orjson.loads((tmp_path / "f.json").read_bytes())["accounting"]
    error = acc["failures"][0]["error"]
    assert "a 7z archive" in error and "is not read yet" in error, error
    assert "bundle.7z" in done.stdout.decode() + done.stderr.decode()
    assert "every input read" not in done.stdout.decode() + done.stderr.decode()
    # --keep-going: still counted and named, the exit code no longer fails on it.
    done = run_cli("scan", str(seven), "--keep-going", "-q")
    assert done.returncode == 0, done.stderr.decode()
    sarif = tmp_path / "f.sarif"
    done = run_cli("scan", str(seven), "--format", "sarif", "--out", str(sarif), "-q")
    assert done.returncode == 3
    notes = orjson.loads(sarif.read_bytes())["runs"][0]["invocations"][0][
        "toolExecutionNotifications"]
    assert any("bundle.7z" in orjson.dumps(n).decode() and "7z archive" in
               n["message"]["text"] for n in notes), notes


def test_no_threshold_is_not_a_pass(tmp_path):
    """`--preset cn-industrial-export --destination DE` finds violations;
    with no --fail-on nothing gates them, and neither the HTML report nor
    the terminal may say PASS: they say how many, by severity, and that
    nothing gated them."""
    import re

    page = tmp_path / "r.html"
    policy = ["--preset", "cn-industrial-export", "--destination", "DE"]
    done = run_cli("scan", str(SAMPLE), *policy, "--format", "html", "--out", str(page))
    assert done.returncode == 0, done.stderr.decode()
    html = page.read_text(encoding="utf-8")
    banner = re.search(r'<div class="verdict (\w+)" id="verdict">(.*?)</div>', html, re.S)
    assert banner is not None
    assert banner.group(1) == "ungated"
    text = banner.group(2)
    assert "PASS" not in text and "NOT GATED" in text
    counts = re.search(r"([\d,]+) violation\(s\) \(([^)]*)\); not gated", text)
    assert counts is not None, text
    assert int(counts.group(1).replace(",", "")) > 0 and "critical" in counts.group(2)
    out = " ".join(done.stdout.decode().split())
    assert "PASS" not in out
    assert re.search(r"exit: [\d,]+ violation\(s\) \([^)]*critical[^)]*\); not gated "
                     r"\(no --fail-on\); every input read \(exit 0\)", out), out
    # With a threshold, PASS and FAIL come back.
    done = run_cli("scan", str(SAMPLE), *policy, "--format", "html", "--out", str(page),
                   "--fail-on", "critical")
    assert done.returncode == 1
    assert 'class="verdict fail"' in page.read_text(encoding="utf-8")
    # `report` without --fail-on: the same words.
    findings = tmp_path / "f.json"
    run_cli("scan", str(SAMPLE), *policy, "--format", "json", "--out", str(findings), "-q")
    done = run_cli("report", str(findings), "--out", str(page))
    assert done.returncode == 0
    assert 'class="verdict ungated"' in page.read_text(encoding="utf-8")


def _env(env: dict[str, str]) -> dict[str, str]:
    """The environment without NO_COLOR and FORCE_COLOR, and `env` on top."""
    import os

    merged = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return {**merged, **env}


def _run_env(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "borderscan", *args], capture_output=True,
                          env=_env(env), timeout=600)


def test_piped_output_never_wraps():
    """Piped, the summary keeps every id and number on one line, whatever
    COLUMNS says (issue 16: `personal.cn_resident_i⏎d`)."""
    done = _run_env("scan", str(SAMPLE), "--preset", "cn-industrial-export", "--destination",
                    "DE", env={"COLUMNS": "40"})
    out = done.stdout.decode()
    rows = [line for line in out.splitlines() if line.startswith("│")]
    assert rows
    # A wrapped table has rows whose first cell is empty (the continuation).
    assert not [r for r in rows if r.startswith("│ ") and r[2:].split("│")[0].strip() == ""
                and r.count("│") > 2], out
    assert max(len(line) for line in out.splitlines()) > 80
    # Sentences (the exit line) are never split either.
    assert any(line.startswith("exit: ") and line.endswith("(exit 0)")
               for line in out.splitlines()), out


def _under_a_terminal(*args: str, env: dict[str, str]) -> bytes:
    """stdout (and stderr) on a pseudo-terminal, as a user at a shell sees it."""
    import os
    import pty

    main_fd, sub_fd = pty.openpty()
    p = subprocess.Popen([sys.executable, "-m", "borderscan", *args], stdout=sub_fd,
                         stderr=sub_fd, env=_env({"TERM": "xterm-256color", **env}))
    os.close(sub_fd)
    out = b""
    while True:
        try:
            chunk = os.read(main_fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    p.wait(timeout=600)
    os.close(main_fd)
    return out


@pytest.mark.parametrize("how", ["pipe", "terminal"])
def test_color_follows_the_terminal_no_color_and_the_flag(how):
    args = ["scan", str(SAMPLE), "--preset", "cn-industrial-export", "--destination", "DE",
            "--no-audit-log", "--no-progress"]

    def output(*extra: str, env: dict[str, str] | None = None) -> bytes:
        env = env or {}
        if how == "pipe":
            return _run_env(*args, *extra, env=env).stdout
        return _under_a_terminal(*args, *extra, env=env)

    import re

    esc = b"\x1b["
    # An SGR sequence that sets a colour (NO_COLOR still allows bold).
    colour = re.compile(rb"\x1b\[(?:[0-9]+;)*(?:3[0-8]|9[0-7]|4[0-8])(?:;[0-9]+)*m")
    if how == "terminal":
        coloured = output()
        assert colour.search(coloured)
        # Severities and verdicts in colour: critical in bold red.
        assert b"\x1b[1;31mcritical" in coloured
        assert not colour.search(output(env={"NO_COLOR": "1"}))
    else:
        assert esc not in output()
    assert esc not in output("--color", "never")
    assert b"\x1b[1;31mcritical" in output("--color", "always", env={"NO_COLOR": "1"})


def test_a_missing_path_says_so_first_and_prints_no_empty_tables(tmp_path):
    done = run_cli("scan", str(tmp_path / "nope"), "--no-audit-log")
    assert done.returncode == 3
    lines = done.stdout.decode().splitlines()
    assert lines[0].startswith("failed ") and "no such file" in lines[0], lines
    assert not any(c in done.stdout.decode() for c in "┏┃┌│"), lines
    assert len(lines) <= 6, lines


def test_audit_verify_with_the_expected_head_finds_a_cut_log(tmp_path):
    log = tmp_path / "audit.jsonl"
    for _ in range(2):
        assert run_cli("scan", str(SAMPLE), "-q", "--audit-log", str(log)).returncode == 0
    head = run_cli("audit", "head", str(log)).stdout.decode().split()
    assert head[0] == "2" and len(head[1]) == 64
    done = run_cli("audit", "verify", str(log))
    assert done.returncode == 0
    # Without the head, verify says what a chain alone cannot prove.
    assert "cannot show that entries were cut from the end" in done.stdout.decode()
    assert run_cli("audit", "verify", str(log), "--expect-head", head[1]).returncode == 0
    # The last entry deleted: still a valid chain, but the head is gone.
    cut = tmp_path / "cut.jsonl"
    cut.write_bytes(log.read_bytes().splitlines(keepends=True)[0])
    assert run_cli("audit", "verify", str(cut)).returncode == 0
    done = run_cli("audit", "verify", str(cut), "--expect-head", head[1][:16])
    assert done.returncode == 1
    assert "not in the log" in done.stdout.decode()
    # A later head is fine: the log grew after it.
    first = orjson.loads(log.read_bytes().splitlines()[0])["hash"]
    done = run_cli("audit", "verify", str(log), "--expect-head", first)
    assert done.returncode == 0 and "1 entry appended after it" in done.stdout.decode()
    assert run_cli("audit", "verify", str(log), "--expect-head", "xyz").returncode == 2


def test_the_first_scan_says_where_the_audit_log_is(tmp_path):
    log = tmp_path / "state" / "audit.jsonl"
    done = run_cli("scan", str(SAMPLE), "--audit-log", str(log))
    assert f"starting the audit log {log}" in done.stderr.decode()
    done = run_cli("scan", str(SAMPLE), "--audit-log", str(log))
    assert "starting the audit log" not in done.stderr.decode()


def test_make_scan_installs_only_what_scanning_needs():
    from pathlib import Path

    make = (Path(__file__).resolve().parent.parent / "Makefile").read_text()
    scan_rule = make.split("\nscan:", 1)[1].split("\n\n", 1)[0]
    assert "install-scan" in scan_rule
    install_scan = make.split("\ninstall-scan:", 1)[1].split("\n\n", 1)[0]
    assert "pip install" in install_scan and "[test]" not in install_scan


def test_shell_completion_as_the_readme_documents_it():
    """The README's `eval "$(_BORDERSCAN_COMPLETE=bash_source borderscan)"`
    gives a completion function, which completes commands and presets."""
    import shutil

    exe = shutil.which("borderscan")
    if exe is None:
        pytest.skip("the borderscan console script is not on PATH")
    source = subprocess.run([exe], env=_env({"_BORDERSCAN_COMPLETE": "bash_source"}),
                            capture_output=True, timeout=60)
    assert b"_borderscan_completion()" in source.stdout
    assert b"complete -o nosort -F _borderscan_completion borderscan" in source.stdout

    def complete(words: str) -> list[str]:
        done = subprocess.run([exe], capture_output=True, timeout=60, env=_env({
            "_BORDERSCAN_COMPLETE": "bash_complete", "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - 1)}))
        return done.stdout.decode().split()

    assert "plain,scan" in complete("borderscan sc")
    assert "plain,eu-gdpr" in complete("borderscan scan --preset eu")


@pytest.mark.parametrize("fmt", ["json", "sarif", "html"])
def test_an_output_through_a_symlink_is_written_where_it_points(tmp_path, fmt):
    """Outputs are renamed into place whole; a link at the target is
    followed, not replaced by a file (engine and Python writers alike)."""
    real = tmp_path / "real"
    real.write_bytes(b"old")
    link = tmp_path / "link"
    link.symlink_to(real)
    done = run_cli("scan", str(SAMPLE), "--format", fmt, "--out", str(link), "-q",
                   "--no-audit-log")
    assert done.returncode == 0, done.stderr.decode()
    assert link.is_symlink()
    assert real.read_bytes() != b"old" and real.stat().st_size > 1000
