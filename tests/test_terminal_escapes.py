"""What borderscan shows people cannot lie to them (issue 17).

Control characters in file names, values, field names, site codes, URLs,
policy and rule texts, audit log entries and IP database metadata reach no
terminal raw: clear-screen (ESC[2J), window titles (OSC 0), hyperlinks
(OSC 8), clipboard writes (OSC 52), C1 controls (U+009B is CSI by itself)
and the Unicode bidirectional overrides (U+202E) are printed escaped,
`\\x1b` and `\\u202e` (docs/security.md). CSV cells a spreadsheet would
run as a formula (`=HYPERLINK(...)`, `@SUM(1)`) start with a quote.
Machine outputs (JSON) keep the values exactly.

Everything runs through the real command line, in a subprocess."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from borderscan import audit
from conftest import ROOT, run_cli

PAYLOADS = {
    "clear": "\x1b[2J",
    "title": "\x1b]0;pwned\x07",
    "link": "\x1b]8;;http://evil\x1b\\text\x1b]8;;\x1b\\",
    "clipboard": "\x1b]52;c;ZXZpbA==\x07",
    "c1-csi": "\x9b2J",
    "bidi": "\u202e",
}
BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

# Raw bytes no output shown to people may hold: C0 controls but newline and
# tab, DEL, C1 controls (U+0080-U+009F, UTF-8 C2 80-9F) and the bidi
# controls (U+061C, U+200E/F, U+202A-E, U+2066-9).
RAW = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8e\x8f\xaa-\xae]"
                 rb"|\xe2\x81[\xa6-\xa9]")
# rich's own styles with --color always (SGR), the only escapes allowed then.
SGR = re.compile(rb"\x1b\[[0-9;]*m")


def shown(text: str) -> str:
    """`text` as the documented form shows it: `\\xNN` for C0, DEL and C1,
    `\\uNNNN` for bidi controls; everything else as it is."""
    out = []
    for c in text:
        n = ord(c)
        if n < 0x20 or 0x7F <= n <= 0x9F:
            out.append(f"\\x{n:02x}")
        elif c in BIDI:
            out.append(f"\\u{n:04x}")
        else:
            out.append(c)
    return "".join(out)


def in_name(payload: str) -> str:
    """A payload as a file name can hold it (no `/`)."""
    return payload.replace("/", "_")


def assert_clean(where: str, data: bytes) -> None:
    m = RAW.search(data)
    assert m is None, (f"{where}: raw {m.group()!r} reaches the terminal: "
                       f"{data[max(0, m.start() - 100):m.start() + 60]!r}")


def assert_run_clean(r: subprocess.CompletedProcess[bytes], what: str) -> str:
    assert_clean(f"{what} stdout", r.stdout)
    assert_clean(f"{what} stderr", r.stderr)
    return r.stdout.decode()


def write_records(path: Path, payload: str) -> Path:
    """A file with two findings: the site code and the destination URL of
    the first hold the payload, the field name of the second does."""
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in (
        {"site": f"CN-{payload}", "email": "anna.schmidt@example.de",
         "upload_url": f"https://x{payload}.example.cn/a"},
        {f"e{payload}mail": "anna.schmidt@example.de", "site": "DE-BER-01",
         "upload_url": "https://collector.example.cn/a"},
    )))
    return path


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """Per payload: a JSON Lines file named with it and holding it, and a
    binary file named with it (the summary names skipped files)."""
    d = tmp_path / "in"
    d.mkdir()
    for key, p in PAYLOADS.items():
        write_records(d / f"{key}-{in_name(p)}.jsonl", p)
        (d / f"{key}-{in_name(p)}.bin").write_bytes(b"\x00\x01\x02\x03" * 16)
    return d


def jsonl(d: Path, key: str) -> Path:
    return d / f"{key}-{in_name(PAYLOADS[key])}.jsonl"


# ---------------------------------------------------------------- one place


def test_safe_escapes_controls_in_one_documented_form() -> None:
    from borderscan.output import safe

    assert safe("plain text, ünïcode 中文 \\ [bold]") == "plain text, ünïcode 中文 \\ [bold]"
    assert safe("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert safe("\x00\x07\x7f\x80\x9b\x9f") == "\\x00\\x07\\x7f\\x80\\x9b\\x9f"
    assert safe("\u202e\u202a\u2066\u2069\u200e\u200f\u061c") == (
        "\\u202e\\u202a\\u2066\\u2069\\u200e\\u200f\\u061c")
    # A value: newline, carriage return and tab are escaped too.
    assert safe("a\nb\tc\rd") == "a\\x0ab\\x09c\\x0dd"
    # Text of several lines keeps its newlines and tabs, nothing else.
    assert safe("a\nb\tc\rd\x1b", lines=True) == "a\nb\tc\\x0dd\\x1b"
    # Undecodable bytes of a file name (surrogate escapes) do not reach the
    # terminal as bytes either.
    assert safe("f\udc9b.log") == "f\\udc9b.log"
    for p in PAYLOADS.values():
        assert safe(p) == shown(p)
    assert safe(12) == "12"


# ---------------------------------------------------------------- scan


def test_scan_summary_shows_escapes_escaped(cli, hostile: Path) -> None:
    r = cli("scan", str(hostile), "--no-audit-log")
    out = assert_run_clean(r, "scan")
    for key, p in PAYLOADS.items():
        # Every binary file is named, with its payload escaped.
        assert f"binary, skipped {hostile}/{key}-{shown(in_name(p))}.bin" in out, (key, out)
    # Field names in the table of fields with violations.
    assert "e\\x1b[2Jmail" in out or "e\\u202email" in out, out


def test_scan_summary_in_colour_lets_rich_add_only_its_styles(hostile: Path) -> None:
    """With colour forced rich writes its own SGR sequences; the input's
    sequences still show as text, and rich does not turn them into links."""
    r = run_cli("scan", str(hostile), "--no-audit-log", "--no-progress", "--color", "always")
    assert b"\x1b[" in r.stdout  # colour is on
    for stream, data in (("stdout", r.stdout), ("stderr", r.stderr)):
        assert_clean(f"scan --color always {stream}", SGR.sub(b"", data))
    assert "\\x1b]52;c;ZXZpbA==\\x07" in SGR.sub(b"", r.stdout).decode()


def test_json_output_keeps_the_values_exactly(cli, hostile: Path) -> None:
    """Machine outputs are not escaped: JSON keeps every value as it was
    (a guard: escaping for terminals must not reach them)."""
    r = cli("scan", str(hostile), "--no-audit-log", "--format", "json", "--show-values")
    doc = orjson.loads(r.stdout)
    for key, p in PAYLOADS.items():
        path = str(jsonl(hostile, key))
        rows = [f for f in doc["findings"] if f["path"] == path]
        assert {f["origin"] for f in rows} == {f"CN-{p}", "DE-BER-01"}, (key, rows)
        assert {f["field"] for f in rows} == {"email", f"e{p}mail"}, (key, rows)
        assert f"https://x{p}.example.cn/a" in {f["destination"] for f in rows}, (key, rows)


# ---------------------------------------------------------------- explain


@pytest.mark.parametrize("key", list(PAYLOADS))
def test_explain_shows_escapes_escaped(cli, hostile: Path, key: str) -> None:
    p = PAYLOADS[key]
    path = jsonl(hostile, key)
    first = assert_run_clean(cli("explain", f"{path}:1", "--show-values"), "explain :1")
    assert f"{hostile}/{key}-{shown(in_name(p))}.jsonl:1" in first, first
    assert f"origin: {shown('CN-' + p)} -> CN" in first, first  # the site code
    assert f"site = {shown('CN-' + p)}: TAKEN" in first, first
    assert f"upload_url = https://x{shown(p)}.example.cn/a" in first, first  # the URL
    second = assert_run_clean(cli("explain", f"{path}:2"), "explain :2")
    assert f"field: {shown('e' + p + 'mail')};" in second, second  # the field name


def test_explain_destination_and_ip_database_metadata(cli, tmp_path: Path) -> None:
    p = "\x1b]0;pwned\x07\u202e"
    url = f"https://x{p}.example.cn/a"
    out = assert_run_clean(cli("explain", url), "explain URL")
    assert f"destination https://x{shown(p)}.example.cn/a" in out, out
    # An IP database whose type (metadata, shown as the step's source)
    # holds escapes: the same length, so the file stays well-formed.
    db = bytearray((ROOT / "tests/data/maxmind/GeoIP2-Country-Test.mmdb").read_bytes())
    old, new = b"NGeoIP2-Country", b"N" + (p + "X").encode()
    assert len(old) == len(new)
    i = db.rfind(old)
    db[i:i + len(old)] = new
    evil = tmp_path / "evil.mmdb"
    evil.write_bytes(bytes(db))
    out = assert_run_clean(cli("explain", "2.125.160.216", "--geoip", str(evil)), "explain IP")
    assert f"country in {shown(p)}X -> GB" in out, out


def test_explain_errors_show_escapes_escaped(cli, tmp_path: Path) -> None:
    missing = tmp_path / "no\x1b]0;pwned\x07such.jsonl"
    r = cli("explain", f"{missing}:3")
    assert r.returncode != 0
    err = assert_run_clean(r, "explain missing") + r.stderr.decode()
    assert "no\\x1b]0;pwned\\x07such.jsonl" in err, err


# ---------------------------------------------------------------- diff


def test_diff_shows_escapes_escaped(cli, hostile: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    clean.mkdir()
    store = tmp_path / "store"
    write_records(clean / "t.jsonl", "")
    r = cli("scan", str(clean), "--store", str(store), "--no-audit-log", "-q")
    assert r.returncode == 0, r.stderr.decode()
    for key in PAYLOADS:
        shutil.copy(jsonl(hostile, key), clean)
    r = cli("scan", str(clean), "--store", str(store), "--no-audit-log", "-q")
    assert r.returncode == 0, r.stderr.decode()
    old, new = sorted(p for p in store.iterdir() if p.is_dir())
    out = assert_run_clean(cli("diff", str(old), str(new), "--limit", "100"), "diff")
    for key, p in PAYLOADS.items():
        # New violations name their files; new destinations their hosts.
        assert f"{key}-{shown(in_name(p))}.jsonl" in out, (key, out)
    assert "\\x1b]52;c;zxzpba==\\x07" in out.lower(), out


# ---------------------------------------------------------------- audit log


def scan_into_log(hostile: Path, log: Path, user: str) -> None:
    """A real scan appending to `log`, run by a user named `user`."""
    env = {**os.environ, "LOGNAME": user, "USER": user}
    r = subprocess.run([sys.executable, "-m", "borderscan", "scan", str(hostile),
                        "--audit-log", str(log), "-q"],
                       capture_output=True, env=env, timeout=600)
    assert log.exists(), r.stderr.decode()


def test_audit_export_report_and_csv_show_escapes_escaped(cli, hostile: Path,
                                                           tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    scan_into_log(hostile, log, "qa\x1b]0;pwned\x07\x9b2J\u202e")
    report = assert_run_clean(cli("audit", "export", str(log)), "audit export")
    for key, p in PAYLOADS.items():
        # Every input is listed with its path.
        assert f"{key}-{shown(in_name(p))}.jsonl" in report, (key, report)
    assert "qa\\x1b]0;pwned\\x07\\x9b2J\\u202e" in report, report
    table = assert_run_clean(cli("audit", "export", str(log), "--format", "csv"), "csv")
    rows = list(csv.DictReader(io.StringIO(table)))
    assert rows[0]["User"] == "qa\\x1b]0;pwned\\x07\\x9b2J\\u202e", rows
    # JSON Lines export the entries exactly as logged (each still verifies).
    lines = cli("audit", "export", str(log), "--format", "jsonl").stdout.decode().splitlines()
    assert json.loads(lines[0])["user"] == "qa\x1b]0;pwned\x07\x9b2J\u202e"


def tampered_log(tmp_path: Path) -> Path:
    """A log whose name holds escapes and whose entry's sequence number was
    replaced by some (audit verify names both)."""
    log = tmp_path / "audit\x1b[2J\u202e.jsonl"
    audit.append(log, {"format": audit.FORMAT, "user": "qa", "host": "gw",
                       "started": "2026-11-23T18:30:00.000Z",
                       "ended": "2026-11-23T18:30:00.000Z", "command": ["borderscan"],
                       "inputs": [], "verdict": {"exit_code": 0}})
    e = json.loads(log.read_text())
    e["seq"] = "1\x1b]0;pwned\x07\x9b2J"
    log.write_text(json.dumps(e) + "\n")
    return log


def test_audit_verify_shows_escapes_escaped(cli, tmp_path: Path) -> None:
    log = tampered_log(tmp_path)
    r = cli("audit", "verify", str(log))
    assert r.returncode == 1, r.stderr.decode()
    out = assert_run_clean(r, "audit verify")
    assert "audit\\x1b[2J\\u202e.jsonl: line 1 (entry 1\\x1b]0;pwned\\x07\\x9b2J): edited" \
        in out, out
    r = cli("audit", "export", str(log))
    assert r.returncode == 1
    assert_run_clean(r, "audit export of a tampered log")
    assert "(entry 1\\x1b]0;pwned\\x07\\x9b2J)" in r.stderr.decode()


FORMULAS = ('=HYPERLINK("http://evil","x")', "@SUM(1)", "+1+cmd|' /C calc'!A0",
            "-2+3", "\t=1+1", "\r=1+1")


def test_csv_cells_that_would_run_as_formulas_start_with_a_quote(cli, hostile: Path,
                                                                    tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    # A real scan by a user whose name is a formula...
    scan_into_log(hostile, log, FORMULAS[0])
    # ...and entries whose host, user and policy name are others; numbers
    # (-3, +1.5) stay numbers.
    for user, host in ((FORMULAS[1], "-3"), (FORMULAS[2], "+1.5"), (FORMULAS[3], FORMULAS[4]),
                       (FORMULAS[5], "gw")):
        audit.append(log, {"format": audit.FORMAT, "user": user, "host": host,
                           "started": "2026-11-23T18:30:00.000Z",
                           "ended": "2026-11-23T18:30:00.000Z", "command": ["borderscan"],
                           "inputs": [], "policy": {"name": "=1+1", "version": "@x"},
                           "verdict": {"exit_code": 0}}, None)
    text = assert_run_clean(cli("audit", "export", str(log), "--format", "csv"), "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 5, rows
    assert rows[0]["User"] == "'" + FORMULAS[0], rows[0]
    assert rows[1]["User"] == "'@SUM(1)" and rows[1]["Host"] == "-3", rows[1]
    assert rows[2]["User"] == "'" + FORMULAS[2] and rows[2]["Host"] == "+1.5", rows[2]
    assert rows[3]["User"] == "'-2+3", rows[3]
    # Tab and carriage return are escaped (they are controls); the cell
    # then starts with a backslash, which no spreadsheet runs.
    assert rows[3]["Host"] == "\\x09=1+1" and rows[4]["User"] == "\\x0d=1+1", rows
    assert all(r["Policy"].startswith("'=1+1 @x") for r in rows[1:]), rows
    # The neutralised cells are quoted in the file, as OWASP advises.
    assert "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\"" in text, text
    assert "\"'@SUM(1)\"" in text, text
    for line in text.splitlines()[1:]:
        for cell in next(csv.reader([line])):
            assert not cell or cell[0] not in "=+-@\t\r" or re.fullmatch(
                r"[+-][0-9.,]+", cell), (cell, line)


# ---------------------------------------------------------------- policy, rules


def test_policy_check_and_rules_list_show_escapes_escaped(cli, tmp_path: Path) -> None:
    pol = tmp_path / "p.toml"
    pol.write_text('name = "plants"\nversion = "1"\n'
                   'description = "Data \\u001b]0;pwned\\u0007 stays\\u202e"\n'
                   'sources = ["GDPR \\u001b[2J"]\n'
                   '[[rule]]\nid = "personal-in-country"\n'
                   'description = "Personal data stays \\u009b2J"\n'
                   'categories = ["personal"]\nallow = ["@origin"]\nseverity = "high"\n')
    out = assert_run_clean(cli("policy", "check", str(pol)), "policy check")
    assert "Data \\x1b]0;pwned\\x07 stays\\u202e" in out and "GDPR \\x1b[2J" in out, out
    pack = tmp_path / "pack.toml"
    pack.write_text('name = "local"\nversion = "1"\n[[rule]]\nid = "operational.batch"\n'
                    'category = "operational"\n'
                    'description = "Batch \\u001b]8;;http://evil\\u001b\\\\codes\\u202e"\n'
                    'kind = "value"\npattern = \'(?-u)\\bB-([0-9]{4})\\b\'\ngroup = 1\n'
                    '[rule.examples]\npositive = ["batch B-1234 done"]\nnegative = ["x"]\n')
    out = assert_run_clean(cli("rules", "list", "--rules", str(pack)), "rules list")
    assert "Batch \\x1b]8;;http://evil\\x1b\\codes\\u202e" in out.replace("\n", ""), out


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_a_scans_policy_error_shows_escapes_escaped(cli, tmp_path: Path, name: str) -> None:
    """A policy given to a scan is reported through the configuration
    error line: a rule id holding a payload is shown escaped there too."""
    payload = PAYLOADS[name]
    policy = tmp_path / "p.toml"
    policy.write_text(
        'name = "x"\nversion = "1"\ndescription = "d"\nsources = ["s"]\n\n[[rule]]\n'
        f'id = {json.dumps("a" + payload)}\ndescription = "d"\ncategories = ["personal"]\n'
        'allow = ["@origin"]\nseverity = "high"\n', encoding="utf-8")
    data = tmp_path / "t.jsonl"
    data.write_text('{"email": "anna.schmidt@example.de"}\n')
    r = cli("scan", str(data), "--policy", str(policy), "--no-audit-log")
    assert r.returncode == 2
    assert_run_clean(r, "scan --policy")
    assert shown("a" + payload) in r.stderr.decode()


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_output_paths_and_configuration_show_escapes_escaped(cli, tmp_path: Path,
                                                             name: str) -> None:
    """Lines that name an output file (`baseline create`, `report`) and
    `config show` (the file's values and where it was found) print a
    payload in a name or value escaped."""
    payload = in_name(PAYLOADS[name])
    src = write_records(tmp_path / "t.jsonl", "x")
    base = tmp_path / f"b{payload}.json"
    r = cli("baseline", "create", str(src), "-o", str(base))
    assert r.returncode == 0, r.stderr
    assert shown(str(base)) in assert_run_clean(r, "baseline create")
    doc = tmp_path / "f.json"
    assert cli("scan", str(src), "--format", "json", "-o", str(doc), "-q",
               "--no-audit-log").returncode in (0, 1)
    store = tmp_path / f"s{payload}"
    r = cli("scan", str(src), "--format", "table", "-q", "--no-audit-log", "--store", str(store))
    assert r.returncode in (0, 1), r.stderr
    assert_run_clean(r, "scan --store")
    assert f"scan stored in {shown(str(store))}" in r.stderr.decode()
    page = tmp_path / f"r{payload}.html"
    r = cli("report", str(doc), "--out", str(page))
    assert r.returncode == 0, r.stderr
    assert shown(str(page)) in assert_run_clean(r, "report")
    proj = tmp_path / f"p{payload}"
    proj.mkdir()
    (proj / ".git").mkdir()
    (proj / ".borderscan.toml").write_text(f"exclude = [{json.dumps('x' + PAYLOADS[name])}]\n",
                                           encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "borderscan", "config", "show"], cwd=proj,
                       capture_output=True, timeout=120)
    assert r.returncode == 0, r.stderr
    out = assert_run_clean(r, "config show")
    assert shown(str(proj)) in out, out
