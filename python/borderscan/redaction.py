"""Redacted copies of inputs: `borderscan redact` and `borderscan.redact`.

The engine rewrites (`_core.redact`): every value the policy does not let go
where its record goes is masked, pseudonymized (a keyed HMAC-SHA-256 token),
removed, or its record dropped; every other byte is copied. Here: which
copy goes where (`--out DIR` mirrors each input below its root, and never
overwrites an input), the key (from a file or `$BORDERSCAN_REDACT_KEY`;
only its id is ever written), the proof (a scan of the copies under the
same options: no violation at or above `severity`), and the manifest
appended to the audit log as an entry of its own (`"kind": "redact"`).

>>> r = borderscan.redact(["logs/"], "out/", preset="cn-industrial-export",
...                       destination="DE", actions=["personal=pseudonymize"],
...                       key=b"...")
>>> r.ok, r.counts, r.remaining
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from borderscan import _core, _verdict, audit
from borderscan.api import scan, scan_config

if TYPE_CHECKING:
    from typing import Unpack

    from borderscan._core import ScanOptions

KEY_ENV = "BORDERSCAN_REDACT_KEY"
"""The environment variable `redact` reads the pseudonymization key from
when no key file is given (its UTF-8 bytes)."""

MANIFEST_KIND = audit.REDACT_KIND


class RedactError(ValueError):
    """What `redact` refuses before reading anything: an output that would
    overwrite an input, two inputs with the same copy, stdin, no key for
    `pseudonymize`."""


@dataclass(frozen=True)
class RedactedFile:
    """One input and its copy, with what was done to it."""

    input: str
    output: str
    format: str
    compression: str
    lines_in: int
    lines_out: int
    records: int
    records_changed: int
    records_dropped: int
    dropped_unrewritable: int
    overlong_lines: int
    actions: dict[str, int]
    categories: dict[str, dict[str, int]]
    violations: dict[str, int]
    """Violations found in the input (before redaction), per severity."""
    error: str | None
    input_sha256: str | None = None
    output_sha256: str | None = None


@dataclass
class RedactResult:
    """What `redact` did: the files, the actions in force, the key id, the
    proof (`verified`, `remaining`) and the audit entry appended (if any)."""

    files: list[RedactedFile]
    out: str
    actions: dict[str, Any]
    key_id: str | None
    severity: str
    verified: bool = False
    remaining: dict[str, int] = field(default_factory=dict)
    """Violations per severity at or above `severity` that a scan of the
    copies still finds (empty when the proof holds or was skipped)."""
    manifest: dict[str, Any] | None = None

    @property
    def counts(self) -> dict[str, int]:
        """Values replaced per action over every file (`drop-record`
        counts records dropped by that action)."""
        total: dict[str, int] = {}
        for f in self.files:
            for k, v in f.actions.items():
                total[k] = total.get(k, 0) + v
        return total

    @property
    def failed(self) -> list[RedactedFile]:
        return [f for f in self.files if f.error is not None]

    @property
    def ok(self) -> bool:
        """Every file copied and (if verified) the copies clean."""
        return not self.failed and not self.remaining


def load_key(key_file: str | os.PathLike[str] | None = None) -> bytes | None:
    """The pseudonymization key: a file's bytes (a trailing newline
    dropped, as `echo` writes one), else `$BORDERSCAN_REDACT_KEY`, else
    None."""
    if key_file is not None:
        data = Path(key_file).read_bytes()
        return data[:-1] if data.endswith(b"\n") else data
    env = os.environ.get(KEY_ENV)
    return env.encode() if env else None


def plan(paths: Sequence[str | os.PathLike[str]], out: str | os.PathLike[str]
         ) -> list[tuple[str, str]]:
    """(input, copy) for every file of `paths`: a file's copy is `out/NAME`;
    a directory's files (walked in name order) are copied below `out` as
    they are below the directory. RedactError for stdin, an output inside
    an input directory or equal to an input, and two inputs with one copy."""
    out_dir = Path(out).resolve()
    jobs: list[tuple[str, str]] = []
    for p in map(Path, paths):
        if str(p) == "-":
            raise RedactError("redact reads files, not stdin: write the stream to a file first")
        if p.is_dir():
            root = p.resolve()
            if out_dir == root or root in out_dir.parents:
                raise RedactError(f"--out {out} is inside the input directory {p}: a copy "
                                  "would be read as an input next time")
            for dirpath, dirnames, filenames in os.walk(p):
                dirnames.sort()
                for name in sorted(filenames):
                    src = Path(dirpath) / name
                    if src.is_file():
                        jobs.append((str(src), str(out_dir / src.relative_to(p))))
        elif p.exists():
            jobs.append((str(p), str(out_dir / p.name)))
        else:
            raise FileNotFoundError(f"{p}: no such file or directory")
    inputs = {Path(i).resolve() for i, _ in jobs}
    seen: dict[str, str] = {}
    for i, o in jobs:
        if Path(o).resolve() in inputs:
            raise RedactError(f"refusing to overwrite the input {o}")
        if o in seen:
            raise RedactError(f"{seen[o]} and {i} would both be copied to {o}")
        seen[o] = i
    return jobs


def redact(
    paths: Sequence[str | os.PathLike[str]] | str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    actions: Sequence[str] = (),
    key: bytes | None = None,
    key_file: str | os.PathLike[str] | None = None,
    verify: bool = True,
    severity: str = "high",
    audit_log: str | os.PathLike[str] | None = None,
    command: list[str] | None = None,
    **options: Unpack[ScanOptions],
) -> RedactResult:
    """Write a redacted copy of every file of `paths` below `out`.

    `actions` are `TARGET=ACTION` (a category or detector id, or
    `default`; actions `mask`, `pseudonymize`, `remove`, `drop-record`),
    over the policy's `[redact]` table; the default is `mask`. `key` (or
    `key_file`, else `$BORDERSCAN_REDACT_KEY`) keys the pseudonyms. The
    options are a scan's (`policy`/`preset`, `destination`...): the same
    ones decide what is redacted and, with `verify`, check the copies,
    whose violations at or above `severity` are then in `remaining`. With
    `audit_log`, the manifest is appended there. Raises RedactError,
    ConfigError (an invalid option, action or policy), FileNotFoundError."""
    _verdict.at_or_above(severity)
    started = audit.now()
    path_list = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
    if key is None:
        key = load_key(key_file)
    config = scan_config(**options)
    jobs = plan(path_list, out)
    for _, o in jobs:
        Path(o).parent.mkdir(parents=True, exist_ok=True)
    reports, in_force = _core.redact(config, jobs, list(actions), key)
    files = []
    for r in _json_list(reports):
        done = r["error"] is None
        files.append(RedactedFile(
            **r,
            input_sha256=audit.sha256_file(r["input"]) if done else None,
            output_sha256=audit.sha256_file(r["output"]) if done else None))
    result = RedactResult(files=files, out=str(out), actions=_json_dict(in_force),
                          key_id=None if key is None else _core.redact_key_id(key),
                          severity=severity)
    copies = [f.output for f in files if f.error is None]
    if verify and copies:
        check = scan(copies, **options)
        by = _verdict.violations_by_severity(check.residency or {})
        above = _verdict.at_or_above(severity)
        result.remaining = {s: n for s, n in by.items() if s in above and n}
        result.verified = True
    if audit_log is not None:
        result.manifest = audit.append(audit_log, manifest(
            result, path_list, dict(options), command, started=started))
    return result


def manifest(result: RedactResult, paths: Sequence[str | os.PathLike[str]],
             options: dict[str, Any], command: list[str] | None, *,
             started: str) -> dict[str, Any]:
    """The audit entry of a redaction: each input and its copy with their
    SHA-256, the policy and its hash, the key id (never the key), the
    actions in force and the counts, the proof's outcome."""
    from borderscan import __version__

    policy = options.get("policy")
    return {
        "format": audit.FORMAT,
        "kind": MANIFEST_KIND,
        "tool": {"name": "borderscan", "version": __version__},
        "started": started,
        "ended": audit.now(),
        "command": command or ["borderscan.redact", *map(os.fsdecode, paths),
                               *(f"{k}={v}" for k, v in options.items() if v is not None)],
        "policy": audit.describe_policy(None if policy is None else os.fsdecode(policy),
                                        options.get("preset"), options.get("today")),
        "destination": options.get("destination"),
        # Not `key_id`: that names the key an entry is signed with.
        "redact_key_id": result.key_id,
        "actions": result.actions,
        "files": [{
            "input": os.path.abspath(f.input), "input_sha256": f.input_sha256,
            "output": os.path.abspath(f.output), "output_sha256": f.output_sha256,
            "format": f.format, "compression": f.compression,
            "lines_in": f.lines_in, "lines_out": f.lines_out, "records": f.records,
            "records_changed": f.records_changed, "records_dropped": f.records_dropped,
            "overlong_lines": f.overlong_lines, "violations_found": f.violations,
            "actions": f.actions, "error": f.error,
        } for f in result.files],
        "counts": result.counts,
        "verification": {"verified": result.verified, "severity": result.severity,
                         "remaining": result.remaining},
    }


def _json_list(text: str) -> list[dict[str, Any]]:
    import json

    value: list[dict[str, Any]] = json.loads(text)
    return value


def _json_dict(text: str) -> dict[str, Any]:
    import json

    value: dict[str, Any] = json.loads(text)
    return value
