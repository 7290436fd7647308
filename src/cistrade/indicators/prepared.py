"""Prepared queries kept on disk, for a new process asking a question asked before.

A prepared query (:class:`cistrade.indicators.engine.Prepared`) is the SQL Ibis compiled for
an indicator call and what the indicator needs besides the rows (the plans' notes, the
query echo, the datasets, how to build the row dicts). Its file name hashes the store's path,
the store's version (:meth:`Engine.refresh`), the call's key and a fingerprint of the code
and reference data that shape queries (this package, the country registry, the blocs), so
neither a changed store nor changed code ever meets a stale query. Files are pickles written
and read only in the user's cache dir (:func:`cistrade.paths.cache_dir`); one
that cannot be read is ignored, and a query whose parts cannot be pickled is simply kept in
memory only.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import pickle
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from cistrade.paths import cache_dir

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir

    from cistrade.indicators.spec import Answer

__all__ = ["Prepared", "cache_path", "load", "save"]

log = logging.getLogger(__name__)

#: bump when the pickled layout changes (2: the meta is a spec.Answer, not a dict)
LAYOUT = 2

X = TypeVar("X")


@dataclass
class Prepared(Generic[X]):
    """An indicator's query, planned, built and (on DuckDB) compiled once per store version.

    ``meta`` carries what the indicator needs besides the rows (the query echo, notes,
    datasets, how rows are built: :class:`~cistrade.indicators.spec.Answer`). Executing it
    always reads the data again; only the planning is reused. ``expr`` is None for a query
    read back from disk (its SQL is all that runs).
    """

    expr: ir.Table | None
    sql: str | None
    meta: Answer[X]


@functools.cache
def code_fingerprint() -> str:
    """Sizes and times of the files that decide a query: this package and the reference data."""
    import cistrade

    root = Path(cistrade.__file__).parent
    # rglob: subpackages (indicators/strengths/) decide queries too
    files = sorted([*root.joinpath("indicators").rglob("*.py"), *root.joinpath("reference").glob("*"),
                    root / "model.py"])
    stamp = [(f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in files if f.is_file()]
    return hashlib.sha1(repr((cistrade.__version__, stamp)).encode()).hexdigest()


def cache_path(store_path: Path | None, version: tuple[Any, ...], key: Hashable) -> Path | None:
    """Where the prepared query for ``key`` on this version of the store lives (None: a live
    store without a file)."""
    if store_path is None:
        return None
    ident = repr((LAYOUT, code_fingerprint(), str(store_path.resolve()), version, key))
    return cache_dir() / "prepared" / f"{hashlib.sha1(ident.encode()).hexdigest()}.pkl"


def load(path: Path) -> Prepared[Any] | None:
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


def save(path: Path, prepared: Prepared[Any]) -> None:
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
