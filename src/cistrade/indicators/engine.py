"""Where indicators run: an Ibis backend over the store's tables, DuckDB by default or Spark.

:func:`connect` opens the store read-only and hands back an :class:`Engine`: the Ibis
table ``flows``, the store's dataset provenance and exchange rates (the DuckDB store itself,
``engine.meta``), and the coverage catalog (:mod:`cistrade.indicators.catalog`) the row
selection works from. Indicators build Ibis expressions on ``engine.flows`` and never ask
which engine runs them; :meth:`Engine.prepare` keeps each question's compiled query per store
version (in memory, and on disk for a store file: :mod:`cistrade.indicators.prepared`).

``engine="spark"`` runs the same expressions on a local Spark session through Ibis's pyspark
backend, reading the store's tables exported to Parquet (:mod:`cistrade.indicators.spark`).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from cistrade.errors import InputError, StoreError, _cut
from cistrade.indicators import prepared as disk
from cistrade.indicators.catalog import load_catalog
from cistrade.indicators.prepared import Prepared

if TYPE_CHECKING:  # pragma: no cover
    import duckdb
    import ibis.expr.types as ir
    import pyarrow as pa

    from cistrade.indicators.catalog import Catalog
    from cistrade.indicators.spec import Answer
    from cistrade.store import Store

__all__ = ["Engine", "EngineName", "Prepared", "connect", "ENGINES"]

X = TypeVar("X")

log = logging.getLogger(__name__)



class EngineName(StrEnum):
    """Where indicators run."""

    DUCKDB = "duckdb"
    SPARK = "spark"


ENGINES = tuple(e.value for e in EngineName)
#: prepared queries kept per engine (least recently used dropped first)
PREPARED_MAX = 256

_DATASET_COLUMNS = ("dataset_id", "source", "series", "vintage", "title", "file_name",
                    "file_path", "url", "licence", "synthetic", "retrieved_at")


@dataclass
class _Snapshot:
    """What the engine knows about the store at one version."""

    version: tuple[Any, ...]
    datasets: dict[str, dict[str, Any]]
    has_rates: bool


class Engine:
    """An Ibis backend over one store's tables, with the store's provenance at hand."""

    def __init__(self, name: str, backend: Any, con: duckdb.DuckDBPyConnection,
                 store_path: Path | None, *, owns_meta: bool, static: bool = False) -> None:
        self.name = name
        self._backend = backend  # DuckDB's Ibis backend is made on first use (imports Ibis)
        self._con = con
        # prepared SQL runs on a cursor of its own, without Ibis
        self._runner = con.cursor()
        # the DuckDB store itself, for provenance, version and rates: a cursor of its own, so
        # that its results never interleave with the backend's or the caller's
        self.meta = con.cursor()
        self.store_path = store_path
        self._owns_meta = owns_meta
        self._static = static  # Spark reads a snapshot: its version never moves
        self._snapshot: _Snapshot | None = None
        self._catalog: Catalog | None = None
        self._tables: dict[str, Any] = {}
        self._prepared: OrderedDict[Hashable, Prepared[Any]] = OrderedDict()
        self._memo: OrderedDict[Hashable, Any] = OrderedDict()

    @property
    def backend(self) -> Any:
        """The Ibis backend (created on first use: importing Ibis takes half a second)."""
        if self._backend is None:
            import ibis

            self._backend = ibis.duckdb.from_connection(self._con.cursor())
        return self._backend

    @backend.setter
    def backend(self, value: Any) -> None:
        self._backend = value

    # -- the store's state ---------------------------------------------------------------

    def _read_version(self) -> tuple[Any, ...]:
        """What changes whenever the store does: every ingest (flows, supersessions, rates)
        adds a dataset row."""
        import duckdb  # imported with the first question: the CLI starts without it

        try:
            row = self.meta.execute(
                """SELECT count(*), coalesce(max(ingested_at)::VARCHAR, ''),
                          coalesce(sum(row_count), 0),
                          count(*) FILTER (WHERE source = 'ecb-rates')
                   FROM datasets"""
            ).fetchall()[0]
        except duckdb.Error as exc:
            raise StoreError(f"not a cistrade store ({self.store_path}): {exc}") from exc
        return tuple(row)

    def snapshot(self) -> _Snapshot:
        """Provenance and version as last read (see :meth:`refresh`)."""
        if self._snapshot is None:
            return self.refresh()
        return self._snapshot

    def refresh(self) -> _Snapshot:
        """Re-read the store's version, and its provenance if it changed (a live store);
        every indicator calls it once on entry."""
        if self._snapshot is not None and self._static:
            return self._snapshot
        version = self._read_version()
        if self._snapshot is None or self._snapshot.version != version:
            rel = self.meta.execute(f"SELECT {', '.join(_DATASET_COLUMNS)} FROM datasets")
            datasets = {r[0]: dict(zip(_DATASET_COLUMNS, r, strict=True)) for r in rel.fetchall()}
            self._snapshot = _Snapshot(version, datasets, bool(version[3]))
            self._catalog = None
            self._prepared.clear()
            self._memo.clear()
        return self._snapshot

    @property
    def version(self) -> tuple[Any, ...]:
        return self.snapshot().version

    @property
    def datasets(self) -> dict[str, dict[str, Any]]:
        return self.snapshot().datasets

    @property
    def has_rates(self) -> bool:
        return self.snapshot().has_rates

    def source_of(self, dataset_id: str) -> str:
        return str(self.datasets[dataset_id]["source"])

    def catalog(self) -> Catalog:
        """What the store covers, by reporter, source, flow, frequency and period (cached)."""
        snap = self.snapshot()
        if self._catalog is None:
            self._catalog = load_catalog(self, snap.version)
        return self._catalog

    # -- tables and execution --------------------------------------------------------------

    def table(self, name: str) -> ir.Table:
        if name not in self._tables:
            self._tables[name] = self.backend.table(name)
        return self._tables[name]

    @property
    def flows(self) -> ir.Table:
        return self.table("flows")

    def to_arrow(self, expr: ir.Table) -> pa.Table:
        """Run an expression; the answer as a ``pyarrow.Table``.

        On DuckDB the compiled relation is fetched as Arrow directly: Ibis's ``to_pyarrow``
        would import pandas (a third of a second) only to map types the rows do not need.
        """
        relation = getattr(self.backend, "_to_duckdb_relation", None)
        if relation is not None:
            return relation(expr).to_arrow_table()
        return self.backend.to_pyarrow(expr)

    def prepare(self, key: Hashable, make: Callable[[], tuple[ir.Table, Answer[X]]]
                ) -> Prepared[X]:
        """The prepared query for ``key`` (everything that decides it, hashable): made by
        ``make() -> (expr, meta)`` on first use, kept while the store does not change — in
        memory, and for a DuckDB store file also on disk (:mod:`cistrade.indicators.prepared`),
        so that a new process asking the same question needs neither planning nor Ibis."""
        found = self._prepared.get(key)
        if found is not None:
            self._prepared.move_to_end(key)
            return found
        path = disk.cache_path(self.store_path, self.version, key) if self.name == "duckdb" else None
        found = disk.load(path) if path is not None else None
        if found is None:
            expr, meta = make()
            sql = None
            if self.name == "duckdb" and not _has_memtables(expr):
                sql = str(self.backend.compile(expr))
            found = Prepared(expr, sql, meta)
            if path is not None and sql is not None:
                disk.save(path, found)
        self._prepared[key] = found
        if len(self._prepared) > PREPARED_MAX:
            self._prepared.popitem(last=False)
        return found

    def memo(self, key: Hashable, compute: Callable[[], X]) -> X:
        """``compute()``'s answer for ``key``, kept while the store does not change: for
        look-ups many questions share (which bloc members a reporter's tables list, in any
        period), so that a new question does not run them again. Bounded like the prepared
        queries (:data:`PREPARED_MAX`, least recently used dropped first)."""
        if key in self._memo:
            self._memo.move_to_end(key)
            found: X = self._memo[key]
            return found
        value = compute()
        self._memo[key] = value
        if len(self._memo) > PREPARED_MAX:
            self._memo.popitem(last=False)
        return value

    def execute(self, prepared: Prepared[Any]) -> pa.Table:
        """Run a prepared query; the answer as a ``pyarrow.Table``."""
        if prepared.sql is not None:
            return self._runner.sql(prepared.sql).to_arrow_table()
        assert prepared.expr is not None  # a query without SQL is never read from disk
        return self.to_arrow(prepared.expr)

    def rows(self, expr: ir.Table) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self.to_arrow(expr).to_pylist()
        return rows

    def sql(self, expr: ir.Table) -> str:
        """The SQL the backend would run (for logs and explanations)."""
        import ibis

        return str(ibis.to_sql(expr, dialect=self.backend.name))

    def close(self) -> None:
        self.meta.close()
        self._runner.close()
        if self._owns_meta:
            self._con.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Engine {self.name} on {self.store_path or 'a live store'}>"


def _has_memtables(expr: Any) -> bool:
    """In-memory tables are registered with the backend when an expression runs: such a query
    is run through Ibis every time rather than from its compiled SQL."""
    from ibis.expr import operations as ops

    return bool(expr.op().find(ops.InMemoryTable))


def _open_duckdb(db: str | Path | None, store: Store | None
                 ) -> tuple[duckdb.DuckDBPyConnection, Path | None, bool]:
    import duckdb

    if store is not None:
        path = None if str(store.path) == ":memory:" else Path(store.path)
        return store.con, path, False
    from cistrade.store import default_db_path  # the store imports DuckDB and Arrow

    path = Path(db) if db is not None else default_db_path()
    if not path.exists():
        raise StoreError(f"no store at {path}; run `cistrade ingest …` or `cistrade demo` first")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise StoreError(
            f"cannot open the store {path} read-only: {str(exc).splitlines()[0]} "
            "(if this process has it open already, pass store=that Store)"
        ) from exc
    return con, path, True


def connect(db: str | Path | None = None, *, engine: str = "duckdb",
            store: Store | None = None) -> Engine:
    """An engine over a store: ``db`` (a path; default the user's store) or an open ``store``.

    ``engine="duckdb"`` (default) reads the DuckDB file read-only. ``engine="spark"`` starts
    (once per process) a local Spark session and reads the store's tables exported to Parquet,
    cached per store version; it needs ``pip install 'cistrade[spark]'`` and Java 17.
    """
    if engine not in ENGINES:
        raise InputError(f"unknown engine {_cut(str(engine))!r}; one of {', '.join(ENGINES)}")
    con, path, owns = _open_duckdb(db, store)
    try:
        if engine == "spark":
            from cistrade.indicators.spark import spark_backend  # Spark: an optional extra

            eng = Engine("spark", None, con, path, owns_meta=owns, static=True)
            eng.backend = spark_backend(eng)
            return eng
        return Engine("duckdb", None, con, path, owns_meta=owns)
    except BaseException:
        if owns:
            con.close()
        raise
