"""The audit log: one hash-chained (and optionally signed) entry per scan.

The log is a JSON Lines file, appended to and never rewritten. Each entry is
a manifest of one scan: every input with its size and SHA-256, the policy and
its hash, the rule packs, the geo database, the tool version, host, user,
start and end times, the accounting, the summary counts and the verdict.

Each entry carries `seq` (1, 2, ...), `prev` (the previous entry's `hash`;
64 zeros for the first) and `hash`: the SHA-256, in hex, of the entry's JSON
without `hash` and `signature`, keys sorted, no whitespace, UTF-8 (so any
tool can recompute it). With a signing key, `signature` is the Ed25519
signature of the 32 hash bytes (base64) and `key_id` the first 16 hex digits
of the SHA-256 of the raw public key. `verify` finds any edited, removed,
reordered or inserted entry and names it.

An entry is appended whole or not at all (a write cut short by a full disk
is undone). The one change to a log other than an append is
`repair_tail` (`audit verify --repair-tail`): it removes a torn last line,
which an older version or a crash may have left, and appends an entry with
`"event": "repair-tail"` that records what it removed; entries with an
`event` record the log's own events, not scans.

Entries hold counts, hashes and paths, never a scanned value.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import errno
import getpass
import hashlib
import io
import json
import os
import socket
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    # cryptography loads lazily: only signing and verifying need it.
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

    from borderscan.api import ScanResult

FORMAT = "borderscan-audit/1"
GENESIS = "0" * 64
_CHUNK = 8 << 20


def default_path() -> Path:
    """Where entries go when `--audit-log` is not given:
    `$BORDERSCAN_AUDIT_LOG`, else `$XDG_STATE_HOME/borderscan/audit.jsonl`,
    else `~/.local/state/borderscan/audit.jsonl`."""
    env = os.environ.get("BORDERSCAN_AUDIT_LOG")
    if env:
        return Path(env)
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "borderscan" / "audit.jsonl"


def now() -> str:
    """UTC time as ISO 8601 with milliseconds and `Z`."""
    t = dt.datetime.now(dt.UTC)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def sha256_file(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file: 8 MiB reads into one buffer (1.36 GB/s here, against
    1.0 GB/s with 1 MiB `read`s); hashlib releases the GIL while it hashes."""
    h = hashlib.sha256()
    buf = bytearray(_CHUNK)
    view = memoryview(buf)
    with open(path, "rb", buffering=0) as f:
        while n := f.readinto(buf):
            h.update(view[:n])
    return h.hexdigest()


def canonical(entry: dict[str, Any]) -> bytes:
    """The bytes an entry's hash covers: everything but `hash` and `signature`."""
    body = {k: v for k, v in entry.items() if k not in ("hash", "signature")}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(entry: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(entry)).hexdigest()


# ------------------------------------------------------------------ keys


def load_private_key(path: str | os.PathLike[str]) -> Ed25519PrivateKey:
    """An Ed25519 private key from a PEM file (PKCS#8, unencrypted), e.g. from
    `borderscan audit keygen` or `openssl genpkey -algorithm ed25519`."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path}: not an Ed25519 private key")
    return key


def load_public_key(path: str | os.PathLike[str]) -> Ed25519PublicKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    key = serialization.load_pem_public_key(Path(path).read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"{path}: not an Ed25519 public key")
    return key


def key_id(public_key: Ed25519PublicKey) -> str:
    from cryptography.hazmat.primitives import serialization

    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def keygen(private_out: str | os.PathLike[str], public_out: str | os.PathLike[str]) -> str:
    """Write a new Ed25519 key pair as PEM (the private key readable by its
    owner only); returns its key id."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(private_out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    Path(public_out).write_bytes(key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    return key_id(key.public_key())


# ------------------------------------------------------------------ manifest


def _is_object(f: dict[str, Any]) -> bool:
    """An object storage input (`s3://bucket/key`...), named by its URL."""
    return str(f.get("path", "")).lower().startswith(("s3://", "gs://", "az://", "file://"))


def describe_inputs(per_file: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every input the scan read, with its size and SHA-256 as stored (the
    compressed bytes for a compressed file). Standard input cannot be read
    again: it is listed with its size and no hash. An archive member is
    listed with its size in the archive and `member_of`; its bytes are
    hashed with the input file that holds it."""
    files = list(per_file)
    # Files hash in parallel (hashlib releases the GIL).
    from concurrent.futures import ThreadPoolExecutor

    def digest(path: str) -> str | OSError:
        try:
            return sha256_file(path)
        except OSError as e:
            return e

    hashable = [f.get("path", "") for f in files
                if f.get("path", "") not in ("-", "<stdin>") and not f.get("member_of")
                and not _is_object(f)]
    with ThreadPoolExecutor(max_workers=min(len(hashable), os.cpu_count() or 1) or 1) as ex:
        digests = dict(zip(hashable, ex.map(digest, hashable), strict=True))
    out = []
    for f in files:
        path = f.get("path", "")
        item: dict[str, Any] = {"path": path, "size": f.get("bytes", 0),
                                "format": f.get("format"), "compression": f.get("compression")}
        if f.get("error"):
            item["error"] = f["error"]
        if f.get("member_of"):
            item["sha256"] = None
            item["member_of"] = f["member_of"]
            item["note"] = "archive member: its bytes are hashed with the input holding it"
        elif path in ("-", "<stdin>"):
            item["sha256"] = None
            item["note"] = "standard input: not hashed (it cannot be read again)"
        elif _is_object(f):
            # Reading an object a second time (a bucket, a remote store) to
            # hash it would double the transfer and could read another
            # version: the store's ETag as listed identifies what was read.
            item["sha256"] = None
            item["etag"] = f.get("etag")
            item["note"] = "object storage: identified by its ETag and size as listed"
        else:
            d = digests[path]
            if isinstance(d, OSError):
                item["sha256"] = None
                item["note"] = f"not hashed: {d.strerror or d}"
            else:
                item["sha256"] = d
                with contextlib.suppress(OSError):
                    item["size"] = os.path.getsize(path)
        out.append(item)
    return out


def describe_policy(policy_file: str | None, preset: str | None,
                    today: str | None = None) -> dict[str, Any]:
    """The policy that decided the verdicts: its name and version, and the
    SHA-256 of its TOML text (the file, or the shipped preset)."""
    from borderscan.policy import load_policy, presets

    p = load_policy(policy_file, None if policy_file else (preset or "default"), today)
    out: dict[str, Any] = {"name": p.get("name"), "version": p.get("version")}
    if policy_file:
        out.update(source="file", path=os.path.abspath(policy_file),
                   sha256=sha256_file(policy_file))
    else:
        text = presets()[preset or "default"]
        out.update(source="preset", sha256=hashlib.sha256(text.encode()).hexdigest())
    return out


def describe_geoip(path: str | None) -> dict[str, Any] | None:
    """The geo database used: path, SHA-256, type and build date."""
    if not path:
        return None
    from borderscan import _core

    _, kind, built = _core.geoip_info(path)
    when = dt.datetime.fromtimestamp(built, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"path": os.path.abspath(path), "sha256": sha256_file(path), "database_type": kind,
            "build_date": when}


@dataclass
class Manifest:
    """What one scan leaves in the audit log (before chaining)."""

    started: str
    ended: str
    command: list[str]
    inputs: list[dict[str, Any]]
    policy: dict[str, Any]
    rule_packs: list[str]
    geoip: dict[str, Any] | None
    accounting: dict[str, Any]
    summary: dict[str, Any]
    verdict: dict[str, Any]
    tool: dict[str, Any] = field(default_factory=dict)
    workers: list[dict[str, Any]] | None = None
    """A scan spread over a Dask cluster: which worker scanned what (the
    entry has `workers` only then)."""

    def entry(self) -> dict[str, Any]:
        from borderscan import __version__

        return {
            "format": FORMAT,
            "tool": self.tool or {"name": "borderscan", "version": __version__},
            "host": socket.gethostname(),
            "user": _user(),
            "started": self.started,
            "ended": self.ended,
            "command": self.command,
            "inputs": self.inputs,
            "policy": self.policy,
            "rule_packs": self.rule_packs,
            "geoip": self.geoip,
            "accounting": self.accounting,
            "summary": self.summary,
            "verdict": self.verdict,
        } | ({} if self.workers is None else {"workers": self.workers})


# ------------------------------------------------------------------ appending


def _last_entry(f: IO[bytes]) -> dict[str, Any] | None:
    """The last complete entry of an open log (read from the end)."""
    f.seek(0, os.SEEK_END)
    size = f.tell()
    if size == 0:
        return None
    block = 1 << 16
    pos, tail = size, b""
    while pos > 0:
        step = min(block, pos)
        pos -= step
        f.seek(pos)
        tail = f.read(step) + tail
        lines = tail.rstrip(b"\n").split(b"\n")
        if len(lines) > 1 or pos == 0:
            last = lines[-1]
            try:
                entry = json.loads(last)
            except ValueError as e:
                raise AuditError(f"the last line of the audit log is not an entry ({e}): "
                                 f"{TORN_HINT}") from e
            if not isinstance(entry, dict):
                raise AuditError(f"the last line of the audit log is not an entry: {TORN_HINT}")
            return entry
    return None


REPAIR_HINT = ("if an append was cut short (a full disk, a crash), "
               "`borderscan audit verify --repair-tail` removes the torn line and records "
               "the repair")
TORN_HINT = f"{REPAIR_HINT}; `borderscan audit verify` shows what is wrong"


class AuditError(Exception):
    """The audit log cannot be appended to or read."""


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        if n <= 0:  # pragma: no cover - os.write raises rather than return 0
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view = view[n:]


def _append_locked(f: IO[bytes], entry: dict[str, Any],
                   sign_key: Ed25519PrivateKey | None) -> dict[str, Any]:
    """Chain, sign and append `entry` to the open, locked log `f`: the
    whole line or nothing. On any failure (ENOSPC half-way through the
    line, a failed fsync, an interrupt) the file is cut back to its length
    before the write, so no torn line is left behind."""
    fd = f.fileno()
    last = _last_entry(f)
    entry = dict(entry)
    entry["seq"] = (last.get("seq", 0) if last else 0) + 1
    entry["prev"] = last.get("hash", GENESIS) if last else GENESIS
    if sign_key is not None:
        entry["key_id"] = key_id(sign_key.public_key())
    entry["hash"] = entry_hash(entry)
    if sign_key is not None:
        sig = sign_key.sign(bytes.fromhex(entry["hash"]))
        entry["signature"] = base64.b64encode(sig).decode()
    line = json.dumps(entry, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode() + b"\n"
    size = os.fstat(fd).st_size
    if size:
        # A last entry without its newline (its write stopped just before
        # it) stays whole: the new entry starts on a line of its own.
        f.seek(size - 1)
        if f.read(1) != b"\n":
            line = b"\n" + line
    try:
        _write_all(fd, line)
        os.fsync(fd)
    except BaseException as e:
        try:
            os.ftruncate(fd, size)
            os.fsync(fd)
        except OSError as e2:
            if isinstance(e, OSError):
                raise AuditError(f"{e.strerror or e}; and the torn entry could not be "
                                 f"removed ({e2.strerror or e2}): {TORN_HINT}") from e
        raise
    return entry


def append(path: str | os.PathLike[str], entry: dict[str, Any],
           sign_key: Ed25519PrivateKey | None = None) -> dict[str, Any]:
    """Chain `entry` to the log's last entry, sign it if a key is given, and
    append it under an exclusive lock (concurrent scans chain in turn).
    The entry is appended whole or not at all: a write that fails half-way
    (a full disk) is undone before the error is raised."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    with _locked(p) as f:
        return _append_locked(f, entry, sign_key)


@contextlib.contextmanager
def _locked(p: Path) -> Iterator[IO[bytes]]:
    """The log open for reading and appending (unbuffered), under an
    exclusive lock."""
    import fcntl

    fd = os.open(p, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o640)
    with os.fdopen(fd, "r+b", buffering=0) as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            yield f
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


# ------------------------------------------------------------------ repairing


REPAIR_EVENT = "repair-tail"
REDACT_KIND = "redact"
"""`kind` of the entries `borderscan redact` appends (its manifest: inputs
and copies with their SHA-256, the policy, the key id, counts per action);
chained and verified like a scan's entry, but no scan."""


@dataclass
class Repair:
    """What `repair_tail` did: the torn line it removed (its number and
    bytes) and the entry that records it."""

    line: int
    removed: bytes
    entry: dict[str, Any]


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid()) if hasattr(os, "getuid") else "unknown"


def _split_tail(data: bytes) -> tuple[int, bytes, int]:
    """(where the last line starts, the last line without its newline, its
    line number)."""
    body = data[:-1] if data.endswith(b"\n") else data
    start = body.rfind(b"\n") + 1
    return start, body[start:], body.count(b"\n") + 1


def _is_entry(raw: bytes) -> bool:
    try:
        return isinstance(json.loads(raw), dict)
    except ValueError:
        return False


def repair_tail(path: str | os.PathLike[str],
                sign_key: Ed25519PrivateKey | None = None) -> Repair | None:
    """Remove a torn last line (one that is not a JSON entry: an append cut
    short by a full disk or a crash) and append an entry recording it:
    `"event": "repair-tail"`, the removed bytes' length and SHA-256, the
    time, host and user, chained (and signed, given a key) like every entry.
    None when the last line is a whole entry (nothing to repair).

    Only the last line is ever removed, and only when every entry before it
    verifies: a damaged line elsewhere is not an interrupted append, and
    `AuditError` says so (`verify` names it)."""
    p = Path(path)
    if not p.exists():
        raise AuditError("no such audit log")
    with _locked(p) as f:
        f.seek(0)
        data = f.read()
        if not data:
            return None
        start, last, n = _split_tail(data)
        if _is_entry(last):
            return None
        before = _check_lines(enumerate(data[:start].splitlines(keepends=True), 1), None)
        if not before.ok:
            raise AuditError(
                "not repaired: only a torn last line can be removed, and the log has other "
                f"problems (run `borderscan audit verify`): {before.problems[0].message}")
        previous = _last_entry(io.BytesIO(data[:start]))
        if sign_key is None and previous is not None and previous.get("signature"):
            raise AuditError("not repaired: the log's entries are signed; give the signing "
                             "key (--sign-key) so that the repair entry is signed too")
        removed = data[start:]
        digest = hashlib.sha256(removed).hexdigest()
        fd = f.fileno()
        os.ftruncate(fd, start)
        os.fsync(fd)
        record = {
            "format": FORMAT,
            "event": REPAIR_EVENT,
            "tool": _tool(),
            "host": socket.gethostname(),
            "user": _user(),
            "time": now(),
            "removed": {"line": n, "bytes": len(removed), "sha256": digest},
            "note": "a torn last line (an append cut short) was removed by "
                    "`borderscan audit verify --repair-tail`",
        }
        try:
            entry = _append_locked(f, record, sign_key)
        except BaseException as e:
            # The record could not be written: put the torn bytes back (in
            # the space their removal freed), so that the log is as it was
            # and the repair can be tried again.
            try:
                _write_all(fd, removed)
                os.fsync(fd)
            except OSError as e2:
                if isinstance(e, OSError):
                    raise AuditError(
                        f"the repair could not be recorded ({e.strerror or e}) and the torn "
                        f"line could not be put back ({e2.strerror or e2}): the log now ends "
                        f"at its last whole entry; the removed line {n} was "
                        f"{len(removed)} bytes, sha256 {digest}") from e
            raise
        return Repair(n, removed, entry)


def _tool() -> dict[str, Any]:
    from borderscan import __version__

    return {"name": "borderscan", "version": __version__}


# ------------------------------------------------------------------ verifying


@dataclass
class Problem:
    line: int
    seq: int | None
    # edited | removed | reordered | inserted | unreadable | torn-tail (the last
    # line, unreadable) | unsigned | bad-signature | truncated
    kind: str
    message: str


@dataclass
class Verification:
    entries: int = 0
    signed: int = 0
    problems: list[Problem] = field(default_factory=list)
    # What each event entry (a `repair-tail`) records, by line and entry.
    events: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _parse(lines: Iterable[tuple[int, bytes]]
           ) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
    for n, raw in lines:
        text = raw.decode("utf-8", errors="replace").rstrip("\n")
        try:
            e = json.loads(text)
            yield n, e if isinstance(e, dict) else None, text
        except ValueError:
            yield n, None, text


def read_entries(path: str | os.PathLike[str]) -> list[tuple[int, dict[str, Any] | None, str]]:
    """(line number, entry or None, raw line) for every line of a log."""
    with open(path, "rb") as f:
        return list(_parse(enumerate(f, 1)))


def is_event(entry: dict[str, Any]) -> bool:
    """Whether an entry records an event of the log itself (its `event`:
    `repair-tail`) rather than a scan."""
    return "event" in entry


def describe_event(entry: dict[str, Any]) -> str:
    """One line saying what an event entry records."""
    if entry.get("event") == REPAIR_EVENT:
        r = entry.get("removed") or {}
        return (f"repair-tail: a torn last line (line {r.get('line')}, {r.get('bytes')} bytes, "
                f"sha256 {r.get('sha256')}) was removed at {entry.get('time')} by "
                f"{entry.get('user')}@{entry.get('host')}")
    return f"event {entry.get('event')!r}"


def verify(path: str | os.PathLike[str],
           public_key: Ed25519PublicKey | None = None) -> Verification:
    """Check every entry's hash, the chain of `prev` links and sequence
    numbers, and (with a public key) every signature. Event entries (a
    `repair-tail`) are chained like scans and checked alike; `events` says
    what each records."""
    with open(path, "rb") as f:
        return _check_lines(enumerate(f, 1), public_key)


def _check_lines(lines: Iterable[tuple[int, bytes]],
                 public_key: Ed25519PublicKey | None) -> Verification:
    from cryptography.exceptions import InvalidSignature

    v = Verification()
    last_seq, last_hash = 0, GENESIS
    want_id = key_id(public_key) if public_key is not None else None
    torn: Problem | None = None
    for n, e, _ in _parse(lines):
        torn = None
        if e is None:
            torn = Problem(n, None, "unreadable", f"line {n}: not a JSON entry (edited or cut)")
            v.problems.append(torn)
            continue
        v.entries += 1
        seq = e.get("seq")
        where = f"line {n} (entry {seq})"
        if is_event(e):
            v.events.append(f"{where}: {describe_event(e)}")
        if entry_hash(e) != e.get("hash"):
            v.problems.append(Problem(n, seq, "edited",
                                      f"{where}: edited: its content does not match its hash"))
        if not isinstance(seq, int) or isinstance(seq, bool):
            v.problems.append(Problem(n, None, "edited", f"line {n}: no sequence number"))
        elif seq == last_seq:
            v.problems.append(Problem(n, seq, "inserted",
                                      f"{where}: inserted: sequence number {seq} repeats"))
        elif seq < last_seq:
            v.problems.append(Problem(n, seq, "reordered",
                                      f"{where}: reordered: entry {seq} comes after entry "
                                      f"{last_seq}"))
        elif seq > last_seq + 1:
            gap = (f"entry {last_seq + 1}" if seq == last_seq + 2
                   else f"entries {last_seq + 1} to {seq - 1}")
            v.problems.append(Problem(n, seq, "removed",
                                      f"{where}: removed: {gap} missing before it"))
        elif e.get("prev") != last_hash:
            v.problems.append(Problem(n, seq, "inserted",
                                      f"{where}: its link to the previous entry is broken: the "
                                      "entry before it was replaced or inserted"))
        if public_key is not None:
            sig = e.get("signature")
            if not sig:
                v.problems.append(Problem(n, seq, "unsigned", f"{where}: not signed"))
            else:
                try:
                    public_key.verify(base64.b64decode(sig), bytes.fromhex(str(e.get("hash"))))
                    if e.get("key_id") not in (None, want_id):
                        raise InvalidSignature
                    v.signed += 1
                except (InvalidSignature, ValueError):
                    v.problems.append(Problem(n, seq, "bad-signature",
                                              f"{where}: the signature does not verify with "
                                              f"this public key (key id {want_id})"))
        if isinstance(seq, int) and not isinstance(seq, bool):
            last_seq = max(last_seq, seq)
        last_hash = str(e.get("hash"))
    if torn is not None:
        # The last line alone is damaged: what an append cut short leaves.
        torn.kind = "torn-tail"
        torn.message = (f"line {torn.line}: not a JSON entry (edited or cut); it is the last "
                        f"line: {REPAIR_HINT}")
    return v


# ------------------------------------------------------------------ the head


HEAD_NOTE = ("A hash chain alone cannot show that entries were cut from the end of the log, "
             "or that the whole log was rebuilt: keep its head (`borderscan audit head`) "
             "apart from the log and check it with `audit verify --expect-head HASH`; "
             "signatures (--sign-key) prove who wrote each entry.")


def head(path: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The last entry of a log (None when it is empty)."""
    with open(path, "rb") as f:
        return _last_entry(f)


def check_head(path: str | os.PathLike[str], expected: str) -> tuple[Problem | None, str]:
    """Whether the entry whose hash is (or starts with, at least 12 hex
    digits) `expected` is still in the log: a problem when it is not (the
    log was cut after it or rebuilt), and a sentence saying what was found."""
    want = expected.strip().lower()
    if len(want) < 12 or any(c not in "0123456789abcdef" for c in want):
        raise ValueError(f"--expect-head {expected!r}: give the head's hash (at least 12 hex "
                         "digits), as `borderscan audit head` prints it")
    entries = [(n, e) for n, e, _ in read_entries(path) if e is not None]
    found = [(n, e) for n, e in entries if str(e.get("hash", "")).startswith(want)]
    if not found:
        last = entries[-1][1].get("seq") if entries else None
        return (Problem(0, None, "truncated",
                        f"the expected head {want} is not in the log (its last entry is "
                        f"{last}): entries were removed from its end, or the log was rebuilt"),
                "")
    n, e = found[-1]
    after = len(entries) - entries.index((n, e)) - 1
    return None, (f"expected head found: entry {e.get('seq')} (line {n})"
                  + (f", {after} entr{'y' if after == 1 else 'ies'} appended after it"
                     if after else ", the last entry"))


# ------------------------------------------------------------------ a scan's entry


class Scanned(Protocol):
    """What an audit entry records of a scan: `api.ScanResult` and the
    CLI's `output.Report` both have it."""

    @property
    def accounting(self) -> dict[str, Any]: ...
    @property
    def residency(self) -> dict[str, Any]: ...
    @property
    def rule_packs(self) -> list[str]: ...
    @property
    def summary(self) -> Any: ...  # a Polars DataFrame: one row per category


def scan_manifest(result: Scanned, *, started: str, ended: str, command: list[str],
                  code: int, reasons: list[str], fail_on: str | None,
                  policy: dict[str, Any], inputs: list[dict[str, Any]],
                  geoip: str | None) -> Manifest:
    """The manifest of a scan whose exit code and reasons are `code` and
    `reasons` (`_verdict.exit_code`), what `borderscan scan` appends."""
    from borderscan import _verdict

    acc = result.accounting
    res = result.residency or {}
    violations = res.get("violations", [])
    return Manifest(
        started=started,
        ended=ended,
        command=command,
        inputs=inputs,
        policy=policy,
        rule_packs=list(result.rule_packs),
        geoip=describe_geoip(geoip),
        accounting={k: v for k, v in acc.items() if k != "per_file"},
        summary={
            "categories": result.summary.to_dicts(),
            "verdicts": res.get("verdicts", {}),
            "violations": violations,
            "exceptions": res.get("exceptions", {}),
            "coverage": res.get("coverage"),
        },
        verdict={
            "exit_code": code,
            "reasons": list(reasons),
            "fail_on": fail_on,
            "violations": sum(v["hits"] for v in violations),
            "violations_by_severity": _verdict.violations_by_severity(res),
        },
        workers=getattr(result, "workers", None),
    )


def append_scan(result: ScanResult, log: str | os.PathLike[str] | None = None, *,
                fail_on: str | None = None,
                key: Ed25519PrivateKey | str | os.PathLike[str] | None = None
                ) -> dict[str, Any]:
    """Append the manifest of a scan from the Python API
    (`ScanResult.append_audit`) to `log` (None: `default_path()`), its
    verdict under `fail_on` decided as `borderscan scan --fail-on` decides
    it; signed with `key` (a private key or its PEM file) if given. Its
    `command` is the API call: `borderscan.scan`, the inputs and the options
    given. Returns the entry as appended."""
    if isinstance(key, str | os.PathLike):
        key = load_private_key(key)
    options = result.options
    code, reasons = result.exit_code(fail_on)
    policy, geoip = options.get("policy"), options.get("geoip")
    manifest = scan_manifest(
        result, started=result.started or now(), ended=result.ended or now(),
        command=["borderscan.scan", *result.paths,
                 *(f"{k}={v}" for k, v in options.items())],
        code=code, reasons=reasons, fail_on=fail_on,
        policy=describe_policy(None if policy is None else os.fsdecode(policy),
                               options.get("preset"), options.get("today")),
        inputs=describe_inputs(result.accounting.get("per_file", [])),
        geoip=None if geoip is None else os.fsdecode(geoip))
    return append(default_path() if log is None else log, manifest.entry(), key)
