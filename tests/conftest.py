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


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE
