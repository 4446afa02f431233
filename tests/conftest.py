from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"


def run_cli(*args: str, input: bytes | None = None, cwd: Path | None = None,
            user: str | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run the real command line in a subprocess, as a user would."""
    cmd = [sys.executable, "-m", "borderscan", *args]
    return subprocess.run(cmd, input=input, capture_output=True, cwd=cwd, timeout=600)


def write_jsonl(path: Path, records: list[dict]) -> Path:
    """`records` as a JSON Lines file at `path`."""
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return path


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


def assert_balanced(acc: dict) -> None:
    """The accounting adds up, for every file and in total: every byte of
    the input was read or skipped (and said why), every record parsed or
    counted unparseable, every line a record, blank or a header (or, for
    OTLP, several records: `extra_records` counts those beyond the first)."""
    files = acc.get("per_file", [])
    for f in [*files, acc]:
        where = f.get("path", "total")
        assert f["bytes"] == f["bytes_read"] + f["bytes_skipped"], (where, f)
        assert f["records"] == f["parsed"] + f["unparseable"], (where, f)
        assert (f["lines"] + f["extra_records"]
                == f["records"] + f["blank_lines"] + f["header_lines"]), (where, f)
        if f.get("bytes_skipped") and where != "total":
            # Skipped bytes always come with the reason.
            assert f["error"] or f["note"] or f["binary_skipped"], (where, f)
    # Stored bytes are summed over inputs: an archive member's bytes are
    # inside its archive's (README, Accounting).
    inputs = [f for f in files if not f.get("member_of")]
    for k in ("bytes", "bytes_read", "bytes_skipped", "binary_bytes_skipped"):
        assert acc[k] == sum(f[k] for f in inputs), k
    for k in ("records", "extra_records", "parsed", "unparseable", "lines", "failed_files",
              "special_skipped"):
        assert acc[k] == sum(f[k] for f in files), k
    assert not any("does not add up" in (f.get("error") or "") for f in files)
