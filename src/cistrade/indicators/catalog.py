"""What the store covers: one entry per reporter, dataset, flow, frequency, period, basis …

The catalog is the ``flows`` table grouped by every column that decides *which* rows answer a
question (never by partner, except that each published aggregate row — World, a group — keeps
its own entry). It is small (thousands of entries for millions of rows). The store keeps it in
its ``coverage`` table, recounted by every ingest, so an engine reads it in milliseconds on
either backend; for a store written before that table existed it is computed once per store
version with the engine's own backend and cached on disk. Row selection
(:mod:`cistrade.indicators.select`) and the ``available`` part of every
:class:`~cistrade.errors.NoData` come from it.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from cistrade.indicators.args import area_code
from cistrade.indicators.preference import freq_name, source_rank
from cistrade.paths import cache_dir

if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path

    import ibis.expr.types as ir

    from cistrade.indicators.engine import Engine

__all__ = ["Entry", "Catalog", "catalog_expr", "load_catalog", "availability", "describe_available"]

log = logging.getLogger(__name__)



class Entry(NamedTuple):
    """Rows of one dataset for one reporter, flow, period, basis, product class and currency.

    ``agg`` is ``""`` for partner rows, else the code of the published aggregate row
    (``WLD``, ``G:CIS`` …) the entry counts. A named tuple: a store holds tens of thousands
    of entries, made in a few milliseconds this way (a frozen dataclass takes 30 times longer).
    """

    reporter: str
    dataset_id: str
    flow: str
    freq: str
    start: date
    end: date
    product_class: str
    basis: str
    currency: str
    agg: str
    rows: int
    source: str

    @property
    def unit(self) -> tuple[date, date]:
        return (self.start, self.end)


def _keys() -> tuple[str, ...]:
    """The coverage table's keys (imported when needed: the schema imports Arrow, and this
    module is imported when the CLI starts)."""
    from cistrade.schema import COVERAGE_KEYS

    return COVERAGE_KEYS


def catalog_expr(flows: ir.Table) -> ir.Table:
    """The catalog as an Ibis expression over the canonical flows."""
    import ibis

    t = flows.mutate(agg=ibis.cases((flows["aggregate"], flows.partner), else_=""))
    return t.group_by([*_keys(), "agg"]).aggregate(rows=t.count())


class Catalog:
    """Entries indexed by reporter."""

    def __init__(self, entries: Iterable[Entry], vintages: dict[str, str] | None = None) -> None:
        self.by_reporter: dict[str, list[Entry]] = defaultdict(list)
        #: each dataset's vintage (the newer one's figures replace the older's)
        self.vintages: dict[str, str] = dict(vintages or {})
        #: the reporters each dataset holds
        self.by_dataset: dict[str, set[str]] = defaultdict(set)
        for e in entries:
            self.by_reporter[e.reporter].append(e)
            self.by_dataset[e.dataset_id].add(e.reporter)

    def reporters(self) -> list[str]:
        return sorted(self.by_reporter)

    def entries(self, reporter: str, first: date | None = None,
                last: date | None = None) -> list[Entry]:
        """A reporter's entries, those overlapping ``first``..``last`` when given."""
        found = self.by_reporter.get(reporter, [])
        if first is None or last is None:
            return list(found)
        return [e for e in found if e.start <= last and e.end >= first]

    def __len__(self) -> int:
        return sum(len(v) for v in self.by_reporter.values())


def _cache_file(eng: Engine, version: tuple[Any, ...]) -> Path | None:
    if eng.store_path is None:
        return None
    key = hashlib.sha1(repr((str(eng.store_path.resolve()), version)).encode()).hexdigest()[:16]
    return cache_dir() / "catalog" / f"{key}.arrow"


def _from_store(eng: Engine) -> Any:
    """The store's own ``coverage`` table, or None for a store written without one."""
    import duckdb

    try:
        found = eng.meta.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'coverage' "
            "AND schema_name = 'main'"
        ).fetchall()[0][0]
        if not found:
            return None
        return eng.meta.sql(f"SELECT {', '.join(_keys())}, agg, rows FROM coverage").to_arrow_table()
    except duckdb.Error as exc:  # not readable: compute it instead
        log.info("cannot read the store's coverage table: %s", exc)
        return None


def _read_or_compute(eng: Engine, version: tuple[Any, ...]) -> Any:
    """The catalog table: the store's own, else from the on-disk cache (an Arrow IPC file)
    when it is there, else computed."""
    import pyarrow as pa

    table = _from_store(eng)
    if table is not None:
        return table
    path = _cache_file(eng, version)
    if path is not None and path.exists():
        try:
            with pa.ipc.open_file(path) as reader:
                return reader.read_all()
        except (OSError, pa.ArrowInvalid):  # a damaged cache file is recomputed
            log.warning("ignoring an unreadable catalog cache %s", path)
    table = eng.to_arrow(catalog_expr(eng.flows))
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".tmp{os.getpid()}")
            with pa.ipc.new_file(tmp, table.schema) as writer:
                writer.write_table(table)
            tmp.replace(path)
        except OSError as exc:  # a read-only cache dir only costs speed
            log.info("cannot cache the catalog at %s: %s", path, exc)
    return table


def _pylist(column: Any) -> list[Any]:
    """A column as Python values; dates through their few distinct values (Arrow makes a
    date object per row, ten times slower)."""
    import pyarrow as pa

    if not pa.types.is_date32(column.type):
        values: list[Any] = column.to_pylist()
        return values
    days = column.cast(pa.int32()).to_pylist()
    made = {d: date.fromordinal(_EPOCH + d) for d in set(days) if d is not None}
    return [made.get(d) for d in days]


_EPOCH = date(1970, 1, 1).toordinal()


def load_catalog(eng: Engine, version: tuple[Any, ...]) -> Catalog:
    table = _read_or_compute(eng, version)
    sources = {k: v["source"] for k, v in eng.datasets.items()}
    cols = [_pylist(table.column(c)) for c in (*_keys(), "agg", "rows")]
    source = [sources.get(d, "?") for d in cols[1]]
    vintages = {k: str(v["vintage"]) for k, v in eng.datasets.items()}
    return Catalog(map(Entry._make, zip(*cols, source, strict=True)), vintages)


# -- what is available -------------------------------------------------------------------------


def _span(entries: list[Entry], freq: str) -> tuple[str, str]:
    first = min(e.start for e in entries)
    last = max(e.end for e in entries)
    if freq == "A":
        return str(first.year), str(last.year)
    return f"{first:%Y-%m}", f"{last:%Y-%m}"


def _source_summary(source: str, es: list[Entry]) -> dict[str, Any]:
    """One source's holdings for a reporter: datasets, span per frequency, flows, bases …"""
    by_freq: dict[str, list[Entry]] = defaultdict(list)
    for e in es:
        by_freq[e.freq].append(e)
    freqs = {freq_name(f): dict(zip(("first", "last"), _span(by_freq[f], f), strict=True))
             for f in "MQCA" if by_freq.get(f)}

    def distinct(field: str) -> list[Any]:
        return sorted({getattr(e, field) for e in es})

    return {"source": source, "datasets": distinct("dataset_id"), "freqs": freqs,
            "first": min(e.start for e in es).isoformat(),
            "last": max(e.end for e in es).isoformat(),
            "flows": distinct("flow"), "bases": distinct("basis"),
            "currencies": distinct("currency"), "aggregates": [a for a in distinct("agg") if a]}


def availability(eng: Engine, reporter: str) -> dict[str, Any]:
    """What the store holds for a reporter, by source (preferred first) and frequency."""
    code = area_code(reporter)
    eng.refresh()
    entries = eng.catalog().entries(code)
    by_source: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        by_source[e.source].append(e)
    sources = [_source_summary(source, by_source[source])
               for source in sorted(by_source, key=source_rank)]
    found: dict[str, Any] = {"reporter": code, "sources": sources}
    if not sources:
        found["reporters_with_data"] = eng.catalog().reporters()
    return found


def describe_available(avail: dict[str, Any]) -> str:
    """``kz-bns annual 2018–2023; comtrade monthly 2019-01–2023-12`` (or ``nothing``)."""
    parts = []
    for s in avail["sources"]:
        spans = [f"{name} {span['first']}–{span['last']}" for name, span in s["freqs"].items()]
        parts.append(f"{s['source']} " + ", ".join(spans))
    return "; ".join(parts) if parts else "nothing for this reporter"
