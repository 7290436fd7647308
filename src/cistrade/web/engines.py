"""The web API's access to the store: read-only, one DuckDB cursor per worker thread, cached answers.

The server opens the store once, read-only (``duckdb.connect(path, read_only=True)``): no
endpoint can write to it, and while the server holds it no other process can either (DuckDB
locks the file), so an answer computed once stays right for the server's life. Each
worker thread gets its own :class:`~cistrade.indicators.Engine` on a cursor of that one
connection (a DuckDB connection is not to be shared between threads; cursors are), and the
engines share the store's provenance snapshot and coverage catalog, read once. Indicator
queries run on a small fixed set of threads (:data:`WORKERS`), so that each engine's
prepared queries stay warm.

Answers are kept in a bounded LRU cache keyed by the endpoint and its normalised
parameters; errors (``NoData``, ``UnknownCountry`` …) are cached too.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from cistrade.errors import CistradeError, StoreError
from cistrade.indicators.engine import connect

__all__ = ["EnginePool", "AnswerCache"]

log = logging.getLogger(__name__)

#: threads that run indicator queries (each with its own engine and DuckDB cursor)
WORKERS = 4


class EnginePool:
    """Per-thread indicator engines over one read-only connection to the store."""

    def __init__(self, db: Path, *, engine: str = "duckdb", workers: int = WORKERS) -> None:
        import duckdb

        self.db = Path(db)
        # a few long-lived threads run the indicators: each keeps its engine, and the engine
        # its prepared (compiled) queries, warm; more threads than cores would only contend
        # for the GIL (building and compiling Ibis expressions is Python work)
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="cistrade-engine")
        self.engine_name = engine
        if not self.db.exists():
            raise StoreError(f"no store at {self.db}; run `cistrade ingest …` or `cistrade demo` first")
        try:
            self._con = duckdb.connect(str(self.db), read_only=True)
        except duckdb.Error as exc:
            first = str(exc).splitlines()[0]
            raise StoreError(f"cannot open the store {self.db} read-only: {first}") from exc
        self._local = threading.local()
        self._lock = threading.Lock()
        self._engines: list[Any] = []
        self._first: Any = None
        # Spark runs one session per process: its engine is shared and used under a lock
        self.serial = engine != "duckdb"

    def _new_engine(self) -> Any:
        store = SimpleNamespace(con=self._con, path=self.db)
        eng = connect(engine=self.engine_name, store=store)  # type: ignore[arg-type]
        first = self._first
        if first is not None and first is not eng:
            # the store cannot change under a read-only server: share what was read once
            eng._snapshot = first.snapshot()  # noqa: SLF001
            eng._catalog = first.catalog()  # noqa: SLF001
        return eng

    def get(self) -> Any:
        """This thread's engine (the one shared engine for Spark)."""
        if self.serial:
            with self._lock:
                if self._first is None:
                    self._first = self._new_engine()
                    self._engines.append(self._first)
            return self._first
        eng = getattr(self._local, "engine", None)
        if eng is None:
            with self._lock:  # the first engine reads the snapshot and catalog, once
                if self._first is None:
                    self._first = self._new_engine()
                    self._first.catalog()
                    self._engines.append(self._first)
                    eng = self._first
            if eng is None:  # later ones only open cursors: outside the lock
                eng = self._new_engine()
                with self._lock:
                    self._engines.append(eng)
            self._local.engine = eng
        return eng

    def warm(self) -> None:
        """Open the first engine, read the catalog and import Ibis with its DuckDB backend,
        before the first request rather than during it (the import alone takes about a
        second on a small machine: the first question would wait for it)."""
        _ = self.get().backend

    async def submit(self, fn: Callable[[], Any]) -> Any:
        """Run ``fn()`` on one of the engine threads; await its answer."""
        import asyncio

        return await asyncio.get_running_loop().run_in_executor(self.executor, fn)

    def run(self, fn: Callable[[Any], Any]) -> Any:
        """Call ``fn(engine)`` with this thread's engine (under the lock for Spark)."""
        eng = self.get()
        if self.serial:
            with self._lock:
                return fn(eng)
        return fn(eng)

    def cursor(self) -> Any:
        """A fresh DuckDB cursor on the store (for plain catalogue reads); close it after use."""
        return self._con.cursor()

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            for eng in self._engines:
                try:
                    eng.close()
                except Exception:  # noqa: BLE001 - closing on shutdown: log and go on
                    log.debug("closing an engine failed", exc_info=True)
            self._engines.clear()
            self._con.close()


class AnswerCache:
    """A bounded, thread-safe LRU of answers (or the cistrade errors they raised)."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._data: OrderedDict[Any, tuple[bool, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def lookup(self, key: Any) -> tuple[bool, Any] | None:
        """``(True, answer)``, ``(False, error)`` or None when the key was never answered."""
        with self._lock:
            found = self._data.get(key)
            if found is not None:
                self._data.move_to_end(key)
                self.hits += 1
        return found

    def get_or_compute(self, key: Any, compute: Callable[[], Any]) -> Any:
        found = self.lookup(key)
        if found is not None:
            ok, value = found
            if ok:
                return value
            raise value.with_traceback(None)
        self.misses += 1
        try:
            value = compute()
        except CistradeError as exc:
            self._put(key, (False, exc))
            raise
        self._put(key, (True, value))
        return value

    def _put(self, key: Any, item: tuple[bool, Any]) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._data[key] = item
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)
