"""Issue 17: a policy with ten thousand destination host patterns passed
`policy check` and then failed the scan ("error building NFA", no place).
Large policies work, through the real command line, and `policy check`
meets every error the scan would, at the same file:line:column."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from conftest import run_cli, write_jsonl

N = 10_000
COUNTRIES = ["FR", "JP", "US", "VN"]

HEAD = """\
name = "large"
version = "1"
description = "ten thousand destination hosts"
sources = ["test"]

[origins]
sites = { "DE-*" = "DE" }
"""

RULE = """
[[rule]]
id = "personal-in-de"
description = "personal data stays in Germany"
categories = ["personal"]
allow = ["DE"]
severity = "high"
"""


def patterns() -> list[tuple[str, str, str, str]]:
    """(pattern, country, kind, a host it places): exact names, `*.suffix`
    and a few hundred real globs (`*` inside, `?`, classes); then three that
    overlap, where the most specific one must win."""
    out = []
    for i in range(N - 3):
        country = COUNTRIES[i % len(COUNTRIES)]
        if i % 25 == 24:
            pattern, host = [
                (f"api{i}-*.g{i % 50}.example", f"api{i}-eu.west.g{i % 50}.example"),
                (f"n{i}?.q.example", f"n{i}z.q.example"),
                (f"[xy]{i}.cls.example", f"y{i}.cls.example"),
            ][i % 3]
            kind = "glob"
        elif i % 2:
            pattern = f"*.tenant{i}.vendor-cloud.example"
            host, kind = f"eu.api.tenant{i}.vendor-cloud.example", "suffix"
        else:
            pattern = f"collector-{i}.plant{i % 97}.telemetry.example"
            host, kind = pattern, "exact"
        out.append((pattern, country, kind, host))
    out += [
        ("api.vendor.example", "DE", "exact", "api.vendor.example"),
        ("*.vendor.example", "FR", "suffix", "x.vendor.example"),
        ("a?i.vendor.example", "JP", "glob", "abi.vendor.example"),
    ]
    assert len(out) == N and len({p for p, *_ in out}) == N
    return out


def toml_str(s: str) -> str:
    return orjson.dumps(s).decode()


def large_policy(pats: list[tuple[str, str, str, str]]) -> str:
    """`[destinations] hosts` of every pattern, and an exception covering
    the suffix and glob patterns (not the exact names)."""
    hosts = ", ".join(f"{toml_str(p)} = {toml_str(c)}" for p, c, _, _ in pats)
    covered = ", ".join(toml_str(p) for p, _, kind, _ in pats if kind != "exact")
    return (HEAD + f"\n[destinations]\nhosts = {{ {hosts} }}\n" + RULE
            + '\n[[exception]]\nrule = "personal-in-de"\nowner = "dpo@example.com"\n'
            + 'reason = "vendors"\nexpires = 2999-12-31\n'
            + f"hosts = [{covered}]\n")


def scan_json(tmp_path: Path, policy: Path, hosts: list[str]):
    records = [{"site": "DE-MUC-01", "email": f"sato.k{n}@example.jp",
                "url": f"https://{h}/upload"} for n, h in enumerate(hosts)]
    data = write_jsonl(tmp_path / "records.jsonl", records)
    out = tmp_path / "findings.json"
    r = run_cli("scan", str(data), "--policy", str(policy), "--format", "json",
                "--out", str(out), "--fail-on", "high", "--no-audit-log", cwd=tmp_path)
    return r, out


def test_ten_thousand_hosts_check_and_scan(tmp_path):
    pats = patterns()
    policy = tmp_path / "large.toml"
    policy.write_text(large_policy(pats))
    r = run_cli("policy", "check", "-q", str(policy), cwd=tmp_path)
    assert r.returncode == 0, r.stderr.decode()
    assert b"large.toml: ok, 1 rule(s), 1 exception(s)" in r.stdout

    # Some of every kind, spread over the list, the overlapping three, an
    # upper-case spelling, and a name no pattern places.
    picked = [p for i, p in enumerate(pats[:-3]) if i % 211 == 0 or (p[2] == "glob" and i % 7 == 0)]
    picked += pats[-3:]
    assert {"exact", "suffix", "glob"} <= {kind for _, _, kind, _ in picked}
    hosts = [h for *_, h in picked]
    upper = pats[1][3].upper()
    unplaced = "collector-1.plant2.telemetry.example"
    r, out = scan_json(tmp_path, policy, [*hosts, upper, unplaced])
    # Exit 2 was the bug: the policy that passed the check failed to load.
    assert r.returncode in (0, 1), r.stderr.decode()
    doc = orjson.loads(out.read_bytes())
    found = {}
    for f in doc["findings"]:
        if f["detector"] == "personal.email":
            found[f["dest_host"]] = f
    for pattern, country, kind, host in picked:
        f = found[host]
        assert (f["dest_country"], f["dest_source"]) == (country, "policy"), (pattern, f)
        want = ("allowed" if country == "DE"
                else "violation" if kind == "exact" else "exempted")
        assert f["verdict"] == want, (pattern, f)
    f = found[upper.lower()]
    assert (f["dest_country"], f["dest_source"]) == (pats[1][1], "policy"), f
    assert found[unplaced]["dest_source"] != "policy", found[unplaced]
    # Violations (exact names placed outside DE) were found: exit 1.
    assert r.returncode == 1


@pytest.mark.parametrize("where", ["destinations", "exception"])
def test_a_pattern_too_large_to_match_is_the_same_error_in_check_and_scan(tmp_path, where):
    """One genuine glob can still be too large for the glob engine alone:
    `policy check` reports it, at its place and key, as the scan does."""
    huge = "a" + "?" * 200_000
    if where == "destinations":
        text = (HEAD + f'\n[destinations]\nhosts = {{ "x.example" = "DE", "{huge}" = "JP" }}\n'
                + RULE)
        needle, key = '"JP"', "destinations.hosts 'a???"
    else:
        text = (HEAD + RULE + '\n[[exception]]\nrule = "personal-in-de"\nowner = "o"\n'
                + f'reason = "r"\nexpires = 2999-12-31\nhosts = ["x.example", "{huge}"]\n')
        needle, key = f'"{huge}"', "exception for rule 'personal-in-de': hosts 'a???"
    policy = tmp_path / "p.toml"
    policy.write_text(text)
    at = text.index(needle)
    line = text.count("\n", 0, at) + 1
    col = at - (text.rfind("\n", 0, at) + 1) + 1
    place = f"{policy}:{line}:{col}: "

    check = run_cli("policy", "check", str(policy), cwd=tmp_path)
    err = check.stderr.decode()
    assert check.returncode == 2, err
    assert place + key in err, err[:500]
    assert "(200001 bytes): too large to match (error building NFA)" in err, err[:500]

    r, _ = scan_json(tmp_path, policy, ["x.example"])
    scan_err = r.stderr.decode()
    assert r.returncode == 2, scan_err
    assert place + key in scan_err, scan_err[:500]
    assert "too large to match (error building NFA)" in scan_err, scan_err[:500]
