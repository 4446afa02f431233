"""Scans spread over a Dask cluster: `scan(paths, client=...)` returns what
`borderscan.scan(paths)` returns for the same inputs and options, findings,
summaries, flows, residency and accounting alike, byte for byte.

How it works: the client plans the scan as a local scan would
(`_core.plan_distributed`: whole files, and newline-aligned ranges of large
plain files, `split_size` bytes each); groups of those tasks go to the
workers, which run them with the engine (`_core.scan_tasks`) and send back
what each task found (Arrow IPC batches with line numbers counted from the
task's start, and counters). The client's own scan runs meanwhile and
merges the results in task order as they arrive, through the same merger,
summaries and writers as a local scan (`ScanConfig.with_results`), instead
of reading those files; what is not a regular file (standard input, a named
FIFO) is scanned by the client. The order results arrive in changes
nothing, and the client holds only what arrived ahead of its merger.

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
import threading
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


HELD_BYTES = 256 << 20
"""About the most the client holds of results that arrived ahead of its
merger: the next group's results are fetched only once less than this
waits. Results not yet fetched stay in the workers' memory (Dask spills
them to disk)."""

GROUP_BYTES = 128 << 20
"""The most input bytes in one Dask task: its results are fetched whole,
so this bounds what one fetch brings (a group's findings and records)."""


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


class Gathering:
    """A distributed scan under way: the workers run their groups of tasks
    while a thread fetches the results, in task order, into `results`; the
    client's scan given `results` merges them as they come (it waits for a
    task's results when it reaches the task). So the client holds what
    arrived ahead of its merger (`HELD_BYTES`), never the whole scan.

    After the scan: `finish()` (which worker scanned what, or the error
    that stopped the workers); if the scan fails or is interrupted:
    `cancel()`."""

    def __init__(self, client: Any, own: Any, groups: list[list[RemoteTask]],
                 options: dict[str, Any], results: _core.TaskResults) -> None:
        self.results = results
        self.error: BaseException | None = None
        self._client, self._own = client, own
        self._groups = groups
        self._ran: dict[str, list[RemoteTask]] = {}
        self._stop = threading.Event()
        scan_id = uuid.uuid4().hex[:12]
        self._futures: list[Any] = [
            client.submit(scan_group, orjson.dumps(g).decode(), options,
                          key=f"borderscan-scan-{scan_id}-{i}", pure=False)
            for i, g in enumerate(groups)]
        self._thread = threading.Thread(target=self._gather, name="borderscan-dask-gather",
                                        daemon=True)
        self._thread.start()

    def _gather(self) -> None:
        try:
            for i, tasks in enumerate(self._groups):
                # Fetched in task order, the order the merger needs them:
                # what waits on the client is what the merger has not yet
                # reached, and the results it waits for are never held back.
                while not self.results.wait_held_below(HELD_BYTES, 0.5):
                    if self._stop.is_set():
                        return
                if self._stop.is_set():
                    return
                address, blob = self._futures[i].result()
                # Released: the worker forgets the results once fetched.
                self._futures[i] = None
                self.results.add(blob)
                del blob
                self._ran.setdefault(address, []).extend(tasks)
        except BaseException as e:  # raised again by finish()
            if not self._stop.is_set():
                self.error = e
            # The client's scan stops waiting and fails with this.
            self.results.fail(f"worker results: {e}")
            self._cancel_futures()

    def _cancel_futures(self) -> None:
        pending = [f for f in self._futures if f is not None]
        if pending:
            with contextlib.suppress(Exception):
                self._client.cancel(pending)

    def _close(self) -> None:
        if self._own is not None:
            with contextlib.suppress(Exception):
                self._own.close()
            self._own = None

    def finish(self) -> list[dict[str, Any]]:
        """Once the client's scan is done: which worker scanned what (one
        entry per worker address); raises what stopped a worker."""
        self._thread.join()
        self._close()
        if self.error is not None:
            raise self.error
        return _workers(self._ran)

    def cancel(self) -> None:
        """The client's scan stopped: stop fetching, cancel what the workers
        still run. `error` then says whether a worker's failure stopped it."""
        self._stop.set()
        self.results.fail("the client's scan stopped")
        self._cancel_futures()
        self._thread.join()
        self._close()


def start(paths: Sequence[PathLike] | PathLike, *, client: Any = None,
          scheduler: str | None = None, **options: Unpack[ScanOptions]) -> Gathering:
    """Plan the scan of `paths` and have the cluster's workers run its tasks;
    their results reach the returned `Gathering`'s `results` as they come,
    for the client's scan (`borderscan.scan(paths, results=...)`).
    `client`: a `distributed.Client`; else one connected to `scheduler` (an
    address, closed when the gathering ends); else the current default
    client."""
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
        total = sum(t["end"] - t["start"] for t in tasks)
        groups = group(tasks, max(GROUPS_PER_THREAD * threads, -(-total // GROUP_BYTES)))
        worker_options = {k: v for k, v in options.items()
                          if k not in _CLIENT_ONLY and v is not None}
        worker_options["threads"] = 1
        results = _core.TaskResults(orjson.dumps(tasks).decode())
        return Gathering(client, own, groups, worker_options, results)
    except BaseException:
        if own is not None:
            own.close()
        raise


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
    g = start(paths, client=client, scheduler=scheduler, **options)
    try:
        result = api.scan(paths, progress=progress, results=g.results, **options)
    except BaseException:
        g.cancel()
        if g.error is not None:
            raise g.error from None
        raise
    return dataclasses.replace(result, workers=g.finish())


def describe(workers: list[dict[str, Any]]) -> str:
    """One line: how many workers scanned how much."""
    n = sum(w["tasks"] for w in workers)
    size = sum(w["bytes"] for w in workers)
    return (f"{n} task(s), {size:,} bytes, scanned by {len(workers)} Dask worker(s): "
            + ", ".join(f"{w['worker']} ({w['tasks']})" for w in workers))


__all__ = ["Gathering", "WorkerError", "describe", "group", "plan", "scan", "scan_group", "start"]
