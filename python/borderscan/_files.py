"""Output files that appear whole or not at all (as the engine's own,
`rust/borderscan-core/src/output_file.rs`): written under a temporary name
beside the target, synced, and renamed into place. A write that fails half
way (a full disk, Ctrl-C) leaves no truncated file under the name a pipeline
reads, and an older complete file there stays as it was. A target that is
not a regular file (`/dev/stdout`, a FIFO, a device) is written in place:
renaming over it would replace the device node."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str], mode: str = "wb",
                  **open_kw: Any) -> Iterator[IO[Any]]:
    """`open(path, mode)` for writing, put in place only when the block ends
    without an exception."""
    target = Path(path)
    if target.is_symlink():
        # Write where the link points; renaming over it would replace the
        # link itself with a file.
        target = Path(os.path.realpath(target))
    try:
        special = not stat.S_ISREG(target.stat().st_mode)
    except FileNotFoundError:
        special = False
    if special:
        with open(target, mode, **open_kw) as fh:
            yield fh
        return
    # The process id keeps two commands writing the same target apart.
    tmp = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        with open(tmp, mode, **open_kw) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
