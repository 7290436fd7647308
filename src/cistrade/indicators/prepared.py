"""Prepared queries kept on disk, for a new process asking a question asked before.

A prepared query (:class:`cistrade.indicators.engine.Prepared`) is the SQL Ibis compiled for
an indicator call and what the indicator needs besides the rows (the plans' notes, the
query echo, the datasets, how to build the row dicts). Its file name hashes the store's path,
the store's version (:meth:`Engine.refresh`) and the call's key, so a changed store never
meets a stale query. Files are pickles written and read only in the user's cache dir
(:func:`cistrade.indicators.engine.cache_dir`); one that cannot be read is ignored, and a
query whose parts cannot be pickled is simply kept in memory only.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from cistrade.indicators.engine import Engine, Prepared

__all__ = ["cache_path", "load", "save"]

log = logging.getLogger(__name__)

#: bump when the pickled layout changes
LAYOUT = 1


def cache_path(eng: Engine, key: Any) -> Path | None:
    """Where the prepared query for ``key`` on this store version lives (None: a live store
    without a file)."""
    if eng.store_path is None:
        return None
    from cistrade.indicators.engine import cache_dir

    ident = repr((LAYOUT, str(eng.store_path.resolve()), eng.version, key))
    return cache_dir() / "prepared" / f"{hashlib.sha1(ident.encode()).hexdigest()}.pkl"


def load(path: Path) -> Prepared | None:
    from cistrade.indicators.engine import Prepared

    if not path.exists():
        return None
    try:
        with open(path, "rb") as fh:
            sql, meta = pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError,
            TypeError, ValueError) as exc:
        log.info("ignoring an unreadable prepared query %s: %s", path, exc)
        return None
    return Prepared(None, sql, meta)


def save(path: Path, prepared: Prepared) -> None:
    try:
        blob = pickle.dumps((prepared.sql, prepared.meta), protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        log.debug("not caching a prepared query on disk: %s", exc)
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_bytes(blob)
        tmp.replace(path)
    except OSError as exc:  # a read-only cache dir only costs speed
        log.info("cannot cache a prepared query at %s: %s", path, exc)
