"""Configuration files (issue 16): `[tool.borderscan]` in pyproject.toml and
`.borderscan.toml`, found from the current directory upwards; flags win;
`borderscan config show`. Every test runs the real command line in a
temporary repository (a directory holding `.git`, where discovery stops)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

# Personal data from a German site (origin DE, from the file or the flag)
# sent to a US cloud: a high-severity violation under the default policy
# and under eu-gdpr.
RECORD = '{"email":"anna.schmidt@example.de","dest":"s3.us-east-1.amazonaws.com"}\n'


def run(*args: str, cwd: Path, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "BORDERSCAN_CONFIG"}
    environ["BORDERSCAN_AUDIT_LOG"] = str(cwd / "default-audit.jsonl")
    environ.update(env or {})
    return subprocess.run([sys.executable, "-m", "borderscan", *args], cwd=cwd, env=environ,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with one input at its root and one in sub/deeper/."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "t.jsonl").write_text(RECORD)
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "sub" / "deeper" / "t.jsonl").write_text(RECORD)
    return root


def pyproject(root: Path, body: str) -> Path:
    path = root / "pyproject.toml"
    path.write_text('[project]\nname = "plant-telemetry"\n\n[tool.borderscan]\n' + body)
    return path


def team_policy(path: Path) -> None:
    """A policy file named team-policy (the eu-gdpr preset, renamed)."""
    from borderscan.policy import presets

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(presets()["eu-gdpr"].replace('name = "eu-gdpr"', 'name = "team-policy"'))


def scan(cwd: Path, *flags: str, env: dict[str, str] | None = None
         ) -> subprocess.CompletedProcess[str]:
    return run("scan", "t.jsonl", "--no-progress", *flags, cwd=cwd, env=env)


def test_pyproject_fail_on_gates_the_scan_and_the_flag_wins(repo):
    pyproject(repo, 'fail-on = "high"\norigin = "DE"\n')
    done = scan(repo, "-q")
    assert done.returncode == 1, done.stderr
    assert "at or above high" in done.stderr
    # The command line wins over the file.
    done = scan(repo, "-q", "--fail-on", "critical")
    assert done.returncode == 0, done.stderr
    done = scan(repo, "-q", "--origin", "US")
    assert done.returncode == 0, done.stderr


def test_found_from_a_subdirectory_with_paths_relative_to_the_file(repo):
    team_policy(repo / "compliance" / "team.toml")
    pyproject(repo, 'policy = "compliance/team.toml"\nfail-on = "high"\norigin = "DE"\n'
                    'audit-log = "evidence/audit.jsonl"\n')
    deeper = repo / "sub" / "deeper"
    done = scan(deeper)
    assert done.returncode == 1, done.stderr
    assert "Policy team-policy" in done.stdout
    # audit-log too is relative to the file's directory, not to the cwd.
    assert (repo / "evidence" / "audit.jsonl").is_file()
    assert not (deeper / "evidence").exists()


def test_a_flag_drops_the_files_counterpart(repo):
    team_policy(repo / "team.toml")
    pyproject(repo, 'preset = "eu-gdpr"\norigin = "DE"\naudit-log = "audit.jsonl"\n')
    done = scan(repo)
    assert done.returncode == 0, done.stderr
    assert "Policy eu-gdpr" in done.stdout
    # --policy on the command line replaces the file's preset: no conflict.
    done = scan(repo, "--policy", "team.toml")
    assert done.returncode == 0, done.stderr
    assert "Policy team-policy" in done.stdout
    # --no-audit-log replaces the file's audit-log: no conflict either.
    (repo / "audit.jsonl").unlink()
    done = scan(repo, "-q", "--no-audit-log")
    assert done.returncode == 0, done.stderr
    assert not (repo / "audit.jsonl").exists()


def test_a_pyproject_policy_file_plus_a_preset_flag(repo):
    team_policy(repo / "team.toml")
    pyproject(repo, 'policy = "team.toml"\norigin = "DE"\n')
    done = scan(repo, "--no-audit-log")
    assert "Policy team-policy" in done.stdout, done.stderr
    done = scan(repo, "--no-audit-log", "--preset", "jp-appi")
    assert done.returncode == 0, done.stderr
    assert "Policy jp-appi" in done.stdout


def test_dotfile_wins_over_pyproject_in_the_same_directory(repo):
    pyproject(repo, 'fail-on = "critical"\n')
    (repo / ".borderscan.toml").write_text('fail-on = "high"\norigin = "DE"\n')
    assert scan(repo, "-q").returncode == 1
    done = run("config", "show", cwd=repo)
    assert done.returncode == 0, done.stderr
    assert f"configuration file: {repo / '.borderscan.toml'}" in done.stdout
    assert f"{repo / 'pyproject.toml'} [tool.borderscan] is ignored" in done.stdout


def test_a_pyproject_without_the_table_is_passed_over(repo):
    (repo / ".borderscan.toml").write_text('fail-on = "high"\norigin = "DE"\n')
    (repo / "sub" / "pyproject.toml").write_text('[project]\nname = "sub"\n')
    done = run("scan", "t.jsonl", "-q", cwd=repo / "sub" / "deeper")
    assert done.returncode == 1, done.stderr


def test_discovery_stops_at_the_repository_root(repo):
    # A file above the repository is not this repository's configuration.
    pyproject(repo.parent, 'fail-on = "low"\n')
    done = run("config", "show", cwd=repo / "sub")
    assert done.returncode == 0, done.stderr
    assert (f"no configuration file found (searched from {repo / 'sub'} up to {repo}, "
            "the repository root)") in done.stdout


@pytest.mark.parametrize(("body", "expected"), [
    ('fial-on = "high"\n', ["unknown key 'fial-on'", "did you mean 'fail-on'?"]),
    ('fail_on = "high"\n', ["unknown key 'fail_on'", "did you mean 'fail-on'?"]),
    ('dest-fields = ["ziel"]\n', ["unknown key 'dest-fields'", "did you mean 'dest-field'?"]),
    ('threads = "4"\n', ["threads: expected an integer"]),
    ('include = "logs/*"\n', ["include: expected an array of strings"]),
    ('fail-on = "hihg"\n', ["fail-on: 'hihg' is not one of", "did you mean 'high'?"]),
    ('origin = "Germany"\n', ["origin: 'Germany' is not an ISO 3166-1 alpha-2"]),
    ('preset = "eu-gdpr"\npolicy = "p.toml"\n', ["give policy or preset, not both"]),
])
def test_a_bad_key_is_a_configuration_error_naming_the_file(repo, body, expected):
    path = pyproject(repo, body)
    for args in (["scan", "t.jsonl", "-q"], ["config", "show"]):
        done = run(*args, cwd=repo / "sub")
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith("borderscan: configuration error: ")
        # The file and the line of the key ([tool.borderscan] is line 4).
        assert f"{path}:5 [tool.borderscan]:" in done.stderr
        for text in expected:
            assert text in done.stderr
        assert "Traceback" not in done.stderr


def test_invalid_toml_names_the_file(repo):
    (repo / ".borderscan.toml").write_text('fail-on = "high\n')
    done = scan(repo, "-q")
    assert done.returncode == 2
    assert f"{repo / '.borderscan.toml'}: invalid TOML" in done.stderr


def test_help_is_shown_whatever_the_file_says(repo):
    """A broken file must not hide the help that explains how to fix it."""
    pyproject(repo, 'fail_on = "high"\n')
    done = run("scan", "--help", cwd=repo)
    assert done.returncode == 0 and "--fail-on" in done.stdout
    assert scan(repo, "-q").returncode == 2


def test_config_show_lists_every_key_its_value_and_source(repo):
    pyproject(repo, 'fail-on = "high"\ninclude = ["logs/*"]\nbaseline = "ci/baseline.json"\n')
    done = run("config", "show", cwd=repo / "sub")
    assert done.returncode == 0, done.stderr
    source = f"{repo / 'pyproject.toml'} [tool.borderscan]"
    lines = done.stdout.splitlines()
    assert lines[0] == f"configuration file: {source} (found from {repo / 'sub'})"
    # Columns: key, value (JSON), source; two spaces or more apart.
    rows = {cells[0]: cells[1:] for line in lines[1:]
            if len(cells := re.split(r"\s{2,}", line.strip())) == 3}
    assert rows["key"] == ["value", "source"]
    assert rows["fail-on"] == ['"high"', source]
    assert rows["include"] == ['["logs/*"]', source]
    assert rows["baseline"] == [f'"{repo / "ci" / "baseline.json"}"', source]
    assert rows["threads"] == ["0", "default"]
    assert rows["preset"] == ["(not set)", "default"]
    for key in ("policy", "exclude", "destination", "origin", "geoip", "rules",
                "min-confidence", "input-format", "dest-field", "origin-field", "audit-log",
                "format"):
        assert key in rows


def test_config_show_json(repo):
    pyproject(repo, 'fail-on = "high"\ndest-field = ["ziel"]\n')
    done = run("config", "show", "--format", "json", cwd=repo / "sub")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    source = f"{repo / 'pyproject.toml'} [tool.borderscan]"
    assert doc["file"] == str(repo / "pyproject.toml")
    assert doc["selected_by"] == "discovery"
    assert doc["searched"]["from"] == str(repo / "sub")
    opts = doc["options"]
    assert opts["fail-on"] == {"value": "high", "source": source, "commands": ["scan"]}
    assert opts["dest-field"]["value"] == ["ziel"]
    assert opts["dest-field"]["source"] == source
    assert opts["exclude"] == {"value": [], "source": "default",
                               "commands": ["scan", "baseline create", "explain"]}


def test_no_config_disables_discovery(repo):
    pyproject(repo, 'fail-on = "high"\norigin = "DE"\n')
    assert scan(repo, "-q").returncode == 1
    done = run("--no-config", "scan", "t.jsonl", "-q", cwd=repo)
    assert done.returncode == 0, done.stderr
    # $BORDERSCAN_CONFIG too.
    (repo / "ci.toml").write_text('fail-on = "high"\norigin = "DE"\n')
    done = run("--no-config", "scan", "t.jsonl", "-q", cwd=repo,
               env={"BORDERSCAN_CONFIG": "ci.toml"})
    assert done.returncode == 0, done.stderr
    done = run("--no-config", "config", "show", cwd=repo)
    assert done.stdout.startswith("no configuration file read (--no-config)")


def test_borderscan_config_and_the_config_flag_select_a_file(repo):
    pyproject(repo, 'fail-on = "critical"\n')
    (repo / "ci").mkdir()
    (repo / "ci" / "gate.toml").write_text('fail-on = "high"\norigin = "DE"\n')
    (repo / "ci" / "lax.toml").write_text('fail-on = "critical"\norigin = "DE"\n')
    env = {"BORDERSCAN_CONFIG": "ci/gate.toml"}
    assert scan(repo, "-q", env=env).returncode == 1
    done = run("config", "show", cwd=repo, env=env)
    assert f"{repo / 'ci' / 'gate.toml'} (BORDERSCAN_CONFIG)" in done.stdout
    # --config wins over the environment.
    done = run("--config", "ci/lax.toml", "scan", "t.jsonl", "-q", cwd=repo, env=env)
    assert done.returncode == 0, done.stderr
    done = run("--config", "ci/missing.toml", "scan", "t.jsonl", "-q", cwd=repo)
    assert done.returncode == 2
    assert f"{repo / 'ci' / 'missing.toml'} (from --config): no such file" in done.stderr


def test_explain_and_baseline_create_take_the_files_options(repo):
    pyproject(repo, 'preset = "eu-gdpr"\norigin = "DE"\n')
    done = run("explain", "t.jsonl:1", cwd=repo)
    assert done.returncode == 0, done.stderr
    assert "under policy eu-gdpr" in done.stdout
    assert "eu-personal-to-adequate-only" in done.stdout
    done = run("baseline", "create", "t.jsonl", "-o", "b.json", cwd=repo)
    assert done.returncode == 0, done.stderr
    doc = json.loads((repo / "b.json").read_text())
    assert doc["policy"]["name"] == "eu-gdpr"
