"""Policies name categories, detectors and groups that must exist: a
misspelt one is an error at its file:line:column with a suggestion, never a
rule that silently matches nothing; every problem of a file is reported in
one run; the minimal policy in `policy check --help` is valid."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

HEAD = """\
name = "t"
version = "1"
description = "test"
sources = ["test"]
"""

PACK = """\
name = "acme"
version = "1"

[[rule]]
id = "recipe_secret.batch"
category = "recipe_secret"
description = "Acme batch recipes"
kind = "value"
pattern = '(?-u)\\bACME-R[0-9]{6}\\b'
[rule.examples]
positive = ["recipe ACME-R123456 loaded"]
negative = ["ACME-R12"]
"""


def rule(categories: str = '["personal"]', extra: str = "", place: str = 'allow = ["@origin"]',
         rid: str = "r") -> str:
    return (f'\n[[rule]]\nid = "{rid}"\ndescription = "d"\ncategories = {categories}\n'
            f'{extra}{place}\nseverity = "high"\n')


def where(text: str, needle: str) -> str:
    """`line:column` of the first `needle` in `text` (1-based)."""
    at = text.index(needle)
    line = text.count("\n", 0, at) + 1
    return f"{line}:{at - (text.rfind(chr(10), 0, at) + 1) + 1}"


def write(tmp_path: Path, text: str, name: str = "p.toml") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


@pytest.mark.parametrize(("text", "needle", "suggestion"), [
    (HEAD + rule('["personel", "secret"]'), '"personel"', "did you mean 'personal'?"),
    (HEAD + rule(extra='detectors = ["personal.emial"]\n'), '"personal.emial"',
     "did you mean 'personal.email'?"),
    (HEAD + rule(place='allow = ["DE", "@EEE"]'), '"@EEE"', "did you mean '@EEA'?"),
])
def test_a_misspelt_name_is_an_error_at_its_place(cli, tmp_path, text, needle, suggestion):
    p = write(tmp_path, text)
    r = cli("policy", "check", str(p))
    err = r.stderr.decode()
    assert r.returncode == 2, (r.stdout.decode(), err)
    assert f"{p}:{where(text, needle)}:" in err, err
    assert suggestion in err, err
    assert b": ok" not in r.stdout


def test_a_detector_id_given_as_a_category_says_so(cli, tmp_path):
    text = HEAD + rule('["personal.email"]')
    r = cli("policy", "check", str(write(tmp_path, text)))
    assert r.returncode == 2
    assert b"is a detector, not a category" in r.stderr, r.stderr.decode()


def test_a_scan_under_a_misspelt_policy_stops_before_reading(cli, tmp_path):
    text = HEAD + rule('["personel"]')
    p = write(tmp_path, text)
    # A FIFO no one writes to: reading it would block until the timeout.
    fifo = tmp_path / "input.jsonl"
    os.mkfifo(fifo)
    out = tmp_path / "findings.json"
    cmd = [sys.executable, "-m", "borderscan", "scan", str(fifo), "--policy", str(p),
           "--format", "json", "--out", str(out)]
    r = subprocess.run(cmd, capture_output=True, timeout=60)
    err = r.stderr.decode()
    assert r.returncode == 2, err
    at = where(text, '"personel"')
    assert f"{p}:{at}:" in err and "'personal'" in err, err
    assert not out.exists()


def test_a_category_of_an_extra_rule_pack_needs_that_pack(cli, tmp_path):
    pack = write(tmp_path, PACK, "pack.toml")
    text = HEAD + rule('["recipe_secret"]', extra='detectors = ["recipe_secret.*"]\n',
                       place='deny = ["@any"]')
    p = write(tmp_path, text)
    without = cli("policy", "check", str(p))
    assert without.returncode == 2
    at = where(text, '"recipe_secret"')
    assert f"{p}:{at}:".encode() in without.stderr
    assert b"unknown category 'recipe_secret'" in without.stderr, without.stderr.decode()
    with_pack = cli("policy", "check", "--rules", str(pack), str(p))
    assert with_pack.returncode == 0, with_pack.stderr.decode()
    assert b": ok, 1 rule(s)" in with_pack.stdout
    # A scan is checked against the packs it loads, the same way.
    data = tmp_path / "in.jsonl"
    data.write_text('{"note": "recipe ACME-R123456", "url": "https://x.example.de/"}\n')
    r = cli("scan", str(data), "--policy", str(p), "--format", "json")
    assert r.returncode == 2 and b"recipe_secret" in r.stderr, r.stderr.decode()
    r = cli("scan", str(data), "--policy", str(p), "--rules", str(pack), "--format", "json")
    assert r.returncode in (0, 1), r.stderr.decode()
    assert b"recipe_secret.batch" in r.stdout and b'"violation"' in r.stdout


def test_every_problem_of_a_file_in_one_run(cli, tmp_path):
    text = (HEAD
            + rule('["personel"]', rid="first")
            + rule('["secret"]', place='deny = ["Japan"]', rid="second")
            + rule('["sensor"]', extra='detectors = ["sensor.nope"]\n', rid="third")
            + '\n[[exception]]\nrule = "first"\nowner = "o"\nreason = "r"\n'
              'expires = 2027-03-01T10:00:00\n')
    p = write(tmp_path, text)
    r = cli("policy", "check", str(p))
    err = r.stderr.decode()
    assert r.returncode == 2
    lines = [ln for ln in err.splitlines() if ln.startswith("borderscan: invalid policy:")]
    assert len(lines) == 4, err
    assert "4 problems" in err
    needles = ('"personel"', '"Japan"', '"sensor.nope"', "2027-03-01T10:00:00")
    for line, needle in zip(lines, needles, strict=True):
        assert f"{p}:{where(text, needle)}:" in line, err


def test_structural_errors_of_several_rules_at_once(cli, tmp_path):
    text = (HEAD
            + rule(extra="colour = 1\n", rid="one")
            + rule(rid="two").replace('description = "d"\n', "")
            + rule(rid="three").replace('"high"', '"urgent"'))
    p = write(tmp_path, text)
    r = cli("policy", "check", str(p))
    err = r.stderr.decode()
    assert r.returncode == 2
    assert f"{p}:{where(text, 'colour')}: rule 'one': unknown key 'colour'" in err, err
    assert "rule 'two': missing key 'description'" in err, err
    at = where(text, '"urgent"')
    assert f"{p}:{at}:" in err, err


def test_the_minimal_policy_in_the_help_is_valid(cli, tmp_path):
    r = cli("policy", "check", "--help")
    assert r.returncode == 0
    help_text = r.stdout.decode()
    m = re.search(r"minimal valid policy.*?\n\n(.*?)\n\nOptions:", help_text, re.S)
    assert m, help_text
    policy = textwrap.dedent(m.group(1))
    assert policy.startswith("name = ") and "[[rule]]" in policy
    p = write(tmp_path, policy + "\n")
    ok = cli("policy", "check", str(p))
    assert ok.returncode == 0, ok.stderr.decode()
    assert b": ok, 1 rule(s)" in ok.stdout
