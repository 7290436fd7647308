"""Prepared queries kept on disk, for a new process asking a question asked before.

A prepared query (:class:`cistrade.indicators.engine.Prepared`) is the SQL Ibis compiled for
an indicator call and what the indicator needs besides the rows (the plans' notes, the
query echo, the datasets, how to build the row dicts). Its file name hashes the store's path,
the store's version (:meth:`Engine.refresh`), the call's key and a fingerprint of the code
and reference data that shape queries (this package, the country registry, the blocs), so
neither a changed store nor changed code ever meets a stale query. Files are pickles, and a
pickle runs code when loaded: they are written and read only in a private folder of the user
(``prepared-<uid>`` under :func:`cistrade.paths.cache_dir`, mode 0700, owned by
the user; :func:`private_folder`), each file mode 0600 and loaded only when this user owns it
and nobody else can write it. One that cannot be read is ignored, and a query whose parts
cannot be pickled is simply kept in memory only.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import pickle
import stat
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
    folder = private_folder(cache_dir() / f"prepared-{os.getuid()}")
    if folder is None:
        return None
    ident = repr((LAYOUT, code_fingerprint(), str(store_path.resolve()), version, key))
    return folder / f"{hashlib.sha1(ident.encode()).hexdigest()}.pkl"


def private_folder(folder: Path) -> Path | None:
    """``folder``, made (or kept) private: this user's, with no access for anyone else (0700).

    A pickle runs code when it is loaded, so a prepared query is read only from a folder no
    other user can write to; one that cannot be made so (another user's, a symbolic link) is
    not used at all, and the queries are planned again (only speed is lost)."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.lstat()
        if info.st_uid == os.getuid() and stat.S_ISDIR(info.st_mode) and info.st_mode & 0o077:
            folder.chmod(0o700)
            info = folder.lstat()
    except OSError as exc:
        log.info("no cache of prepared queries at %s: %s", folder, exc)
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        _refuse(folder)
        return None
    return folder


@functools.cache
def _refuse(folder: Path) -> None:
    log.warning("not using %s for prepared queries: it is not a private folder of this user "
                "(mode 0700)", folder)


def _trusted(path: Path) -> bool:
    """A file this user wrote and nobody else can have changed."""
    try:
        info = path.lstat()
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o022


def load(path: Path) -> Prepared[Any] | None:
    if not path.exists():
        return None
    if not _trusted(path):
        log.warning("ignoring a prepared query this user did not write: %s", path)
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
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
        tmp.replace(path)
    except OSError as exc:  # a read-only cache dir only costs speed
        log.info("cannot cache a prepared query at %s: %s", path, exc)
