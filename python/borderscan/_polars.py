"""Polars, loaded on first use.

A CLI scan writes its output in the engine and needs Polars only for the
summary at its end; importing Polars first adds ~36 MB of RSS, which then
sits under the whole scan's peak (Parquet output on 1 GiB went over the
300 MB bar by it). Modules take `pl` from here; type checkers see the real
module.
"""

from __future__ import annotations

import importlib.util
import sys
from typing import TYPE_CHECKING

__all__ = ["pl"]

if TYPE_CHECKING:
    import polars as pl
elif "polars" in sys.modules:
    pl = sys.modules["polars"]
else:
    _spec = importlib.util.find_spec("polars")
    if _spec is None or _spec.loader is None:
        import polars as pl  # raises the usual ImportError
    else:
        _spec.loader = importlib.util.LazyLoader(_spec.loader)
        pl = importlib.util.module_from_spec(_spec)
        sys.modules["polars"] = pl
        _spec.loader.exec_module(pl)
