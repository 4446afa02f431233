"""Scans spread over a Dask cluster: `scan(paths, client=...)` returns what
`borderscan.scan(paths)` returns for the same inputs and options, findings,
summaries, flows, residency and accounting alike, byte for byte.

How it works: the client plans the scan as a local scan would
(`_core.plan_distributed`: whole files, and newline-aligned ranges of large
plain files, `split_size` bytes each); groups of those tasks go to the
workers, which run them with the engine (`_core.scan_tasks`) and send back
what each task found (Arrow IPC batches with line numbers counted from the
task's start, and counters). The client's own scan then merges the results
in task order, through the same merger, summaries and writers as a local
scan (`ScanConfig.with_results`), instead of reading those files; what is
not a regular file (standard input, a named FIFO) is scanned by the client.
The order the results arrive in changes nothing.

Workers need the same borderscan wheel as the client (a mismatch is refused)
and must see the inputs, and the policy, rule packs, baseline and GeoIP
database files the options name, at the same paths (a shared filesystem);
a file that differs there (size, modification time) fails the scan. See
docs/scale.md for sizing.

Dask is an optional dependency: `pip install 'borderscan[dask]'`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import orjson

from borderscan import _core, api
from borderscan.api import PathLike, ScanResult, _strs

if TYPE_CHECKING:
    from typing import Unpack

    from borderscan._core import RemoteTask, ScanOptions

GROUPS_PER_THREAD = 4
"""Dask tasks per worker thread: enough that a slow worker does not hold
the others up at the end, few enough that planning and sending stay cheap."""

# Options a worker does not get: it writes nothing (the client keeps the
# journal and writes the records file; the rows come back with the
# results), and its parallelism is Dask's (one engine thread per Dask task).
_CLIENT_ONLY = ("journal", "threads")


class WorkerError(RuntimeError):
    """A worker could not run its tasks: it does not see an input at the path
    the client gave, the file changed since it was planned, or it runs
    another borderscan. The message names the worker and the file."""


@dataclasses.dataclass(frozen=True)
class Distributed:
    """What the workers of a distributed scan sent back."""

    results: _core.TaskResults
    workers: list[dict[str, Any]]
    """Which worker scanned what: one entry per worker address (sorted),
    with its tasks, bytes and files (each file's ranges as [start, end])."""


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as e:
        raise ImportError("borderscan.dask needs Dask: pip install 'borderscan[dask]' "
                          "(dask[distributed])") from e
    return distributed


def plan(paths: Sequence[PathLike] | PathLike, **options: Unpack[ScanOptions]
         ) -> list[RemoteTask]:
    """The tasks a distributed scan sends to workers, in task order."""
    tasks: list[RemoteTask] = orjson.loads(
        _core.plan_distributed(_strs(paths), api.scan_config(**options)))
    return tasks


def group(tasks: list[RemoteTask], n: int) -> list[list[RemoteTask]]:
    """Cut the tasks, in order, into about `n` groups of about equal bytes
    (a group holds at least one task)."""
    total = sum(t["end"] - t["start"] for t in tasks)
    target = max(1, -(-total // max(1, n)))
    groups: list[list[RemoteTask]] = []
    current: list[RemoteTask] = []
    size = 0
    for t in tasks:
        current.append(t)
        size += t["end"] - t["start"]
        if size >= target:
            groups.append(current)
            current, size = [], 0
    if current:
        groups.append(current)
    return groups


def scan_group(tasks: str, options: dict[str, Any]) -> tuple[str, bytes]:
    """Run on a worker: one group of tasks (JSON); (worker address, results)."""
    distributed = _distributed()
    try:
        address = distributed.get_worker().address
    except ValueError:  # run outside a worker (tests, a local client)
        address = "local"
    try:
        return address, _core.scan_tasks(tasks, api.scan_config(**options))
    except (_core.BorderscanError, OSError) as e:
        # Raised again on the client: a plain, importable exception type.
        raise WorkerError(f"worker {address}: {e}") from None


def run(paths: Sequence[PathLike] | PathLike, *, client: Any = None,
        scheduler: str | None = None, **options: Unpack[ScanOptions]) -> Distributed:
    """Plan the scan of `paths`, have the cluster's workers run its tasks, and
    gather their results (`Distributed`), in whatever order they finish.
    `client`: a `distributed.Client`; else one connected to `scheduler` (an
    address, closed afterwards); else the current default client."""
    distributed = _distributed()
    own = None
    if client is None:
        if scheduler is not None:
            client = own = distributed.Client(scheduler)
        else:
            try:
                client = distributed.get_client()
            except ValueError:
                raise ValueError("borderscan.dask: no Dask client; pass client= or "
                                 "scheduler=ADDRESS") from None
    try:
        tasks = plan(paths, **options)
        threads = sum(client.nthreads().values()) or 1
        groups = group(tasks, GROUPS_PER_THREAD * threads)
        worker_options = {k: v for k, v in options.items()
                          if k not in _CLIENT_ONLY and v is not None}
        worker_options["threads"] = 1
        scan_id = uuid.uuid4().hex[:12]
        futures = [client.submit(scan_group, orjson.dumps(g).decode(), worker_options,
                                 key=f"borderscan-scan-{scan_id}-{i}", pure=False)
                   for i, g in enumerate(groups)]
        by_key = {f.key: g for f, g in zip(futures, groups, strict=True)}
        blobs: list[bytes] = []
        ran: dict[str, list[RemoteTask]] = {}
        pending = distributed.as_completed(futures, with_results=True) if futures else []
        # Only `pending` holds the futures: each result leaves its worker's
        # memory once it is here.
        del futures
        try:
            for future, (address, blob) in pending:
                blobs.append(blob)
                ran.setdefault(address, []).extend(by_key.pop(future.key))
        except BaseException:
            with contextlib.suppress(Exception):
                client.cancel(list(getattr(pending, "futures", ())))
            raise
        results = _core.TaskResults(blobs)
        return Distributed(results, _workers(ran))
    finally:
        if own is not None:
            own.close()


def _workers(ran: dict[str, list[RemoteTask]]) -> list[dict[str, Any]]:
    out = []
    for address in sorted(ran):
        tasks = sorted(ran[address], key=lambda t: (t["path"], t["part"]))
        files: dict[str, list[list[int]]] = {}
        for t in tasks:
            files.setdefault(t["path"], []).append([t["start"], t["end"]])
        out.append({
            "worker": address,
            "tasks": len(tasks),
            "bytes": sum(t["end"] - t["start"] for t in tasks),
            "files": [{"path": p, "ranges": r} for p, r in files.items()],
        })
    return out


def scan(paths: Sequence[PathLike] | PathLike, *, client: Any = None,
         scheduler: str | None = None, progress: _core.ProgressCounter | None = None,
         **options: Unpack[ScanOptions]) -> ScanResult:
    """`borderscan.scan` spread over a Dask cluster: the same options, the
    same `ScanResult` (equal to a local scan's), plus `workers` (which worker
    scanned which files and ranges; `append_audit` records it).

    `client`: a `distributed.Client`; else one connected to `scheduler`;
    else the current default client. Inputs must be at the same paths on
    every worker (`split_size` sets the size of the ranges large plain
    files are cut into)."""
    d = run(paths, client=client, scheduler=scheduler, **options)
    result = api.scan(paths, progress=progress, results=d.results, **options)
    return dataclasses.replace(result, workers=d.workers)


def describe(workers: list[dict[str, Any]]) -> str:
    """One line: how many workers scanned how much."""
    n = sum(w["tasks"] for w in workers)
    size = sum(w["bytes"] for w in workers)
    return (f"{n} task(s), {size:,} bytes, scanned by {len(workers)} Dask worker(s): "
            + ", ".join(f"{w['worker']} ({w['tasks']})" for w in workers))


__all__ = ["Distributed", "WorkerError", "describe", "group", "plan", "run", "scan", "scan_group"]
