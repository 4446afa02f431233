from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"


def run_cli(*args: str, input: bytes | None = None, cwd: Path | None = None,
            user: str | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run the real command line in a subprocess, as a user would."""
    cmd = [sys.executable, "-m", "borderscan", *args]
    return subprocess.run(cmd, input=input, capture_output=True, cwd=cwd, timeout=600)


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture(scope="session", autouse=True)
def _audit_log_in_tmp(tmp_path_factory):
    """Scans append to the default audit log; in tests (and the CLI
    subprocesses they start) that is a temporary directory, never the
    developer's own log."""
    import os

    state = tmp_path_factory.mktemp("state")
    old = {k: os.environ.get(k) for k in ("XDG_STATE_HOME", "BORDERSCAN_AUDIT_LOG")}
    os.environ["XDG_STATE_HOME"] = str(state)
    os.environ.pop("BORDERSCAN_AUDIT_LOG", None)
    yield state
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE
