"""Many small files in one go: written, checked and counted together inside one ingest.

A folder of publishers' files (545 Eurostat downloads, a year of monthly workbooks) is read
into memory file by file; :class:`_Batch` then writes all of them as segments and rows in a
few statements, checks every file's rows in one scan grouped by file
(:func:`cistrade.validate.run_summaries`), and looks again, file by file, only where that
scan found something (a bad row, an unknown code, a repeated key). The vintage rules apply
to all of them in a few statements (:func:`apply_vintages`), with the outcome they would have
file by file in the order given. Any error names its file and row, and the ingest's one
transaction rolls back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from cistrade.schema import DATA_COLUMNS, FLOW_SCHEMA, seg_range
from cistrade.segments import drop_stage_views, split_wide, stage_views
from cistrade.validate import run_summaries, validate_stage

if TYPE_CHECKING:  # pragma: no cover
    from cistrade.sources.base import ReadResult, Source
    from cistrade.store import FileReport, Store

__all__: list[str] = []

#: the canonical columns a reader gives, every one nullable (the checks name what is missing)
_CANONICAL = pa.schema([f.with_nullable(True) for f in FLOW_SCHEMA if f.name != "dataset_id"])


@dataclass
class _Item:
    """One file of an ingest: read (``result``), or found unchanged (``result`` None)."""

    source: Source
    path: Path
    digest: str
    meta: dict[str, Any]
    report: FileReport
    result: ReadResult | None = None
    number: int = 0  # the dataset's number in the segment ids


class _Batch:
    """In-memory tables waiting to be written together (see the module doc)."""

    #: rows held before the batch is written (bounded memory)
    MAX_ROWS = 1_000_000
    #: tables registered and written by one statement
    PER_STATEMENT = 64

    def __init__(self, store: Store, notify: Callable[[str, dict[str, Any]], None]) -> None:
        self.store = store
        self.notify = notify
        self.items: list[_Item] = []
        self.rows = 0
        #: (source name, sha256) -> dataset id of every file stored or taken in this ingest
        self.pending: dict[tuple[str, str], str] = {
            (src, sha): ds for src, sha, ds in store.con.execute(
                "SELECT source, sha256, dataset_id FROM datasets WHERE sha256 IS NOT NULL"
            ).fetchall()}

    @staticmethod
    def takes(item: _Item) -> bool:
        result = item.result
        return (result is not None and isinstance(result.data, pa.Table)
                and result.after_load is None)

    def add(self, item: _Item) -> None:
        assert item.result is not None and item.report.dataset_id is not None
        self.items.append(item)
        self.rows += item.result.data.num_rows
        if self.rows >= self.MAX_ROWS:
            self.flush()

    def taken(self, item: _Item) -> None:
        """Remember a file about to be stored: the same bytes again are unchanged."""
        assert item.report.dataset_id is not None
        self.pending[(type(item.source).name, item.digest)] = item.report.dataset_id

    def flush(self) -> None:
        """Write, check and record the files taken so far."""
        items, self.items, self.rows = self.items, [], 0
        if not items:
            return
        con = self.store.con
        self._check_columns(items)
        if not self._stage_arrow(items):
            for start in range(0, len(items), self.PER_STATEMENT):
                self._stage(items[start:start + self.PER_STATEMENT], append=start > 0)
        split_wide(con, "_wide")
        con.execute("DROP TABLE _wide")
        stage_views(con, seg_range(items[0].number)[0], seg_range(items[-1].number)[1], "_run")
        try:
            sums = run_summaries(con)
        finally:
            drop_stage_views(con, "_run")
        for item in items:
            total, flagged = sums.get(item.number, (0, True))
            if flagged:  # the file's rows, row by row: its error, or its duplicates collapsed
                stage_views(con, *seg_range(item.number))
                try:
                    item.report.collapsed_rows, item.report.replaced_duplicates = validate_stage(
                        con, item.path, type(item.source).on_duplicate)
                finally:
                    drop_stage_views(con)
            item.report.rows = total - item.report.collapsed_rows
        apply_vintages(con, items)
        for item in items:
            item.report.rows -= item.report.dropped_rows
        self.store._record(items)
        for item in items:
            self.notify("done", {"path": str(item.path), "report": item.report})

    @staticmethod
    def _check_columns(items: list[_Item]) -> None:
        for item in items:
            assert item.result is not None
            missing = [c for c in DATA_COLUMNS if c not in item.result.data.schema.names]
            if missing:
                from cistrade.errors import InputError

                raise InputError(f"the reader produced no column(s) {missing}", file=str(item.path))

    def _stage_arrow(self, items: list[_Item]) -> bool:
        """The files' rows into ``_wide`` as one Arrow table (False when some table's types
        do not cast to the canonical ones: then DuckDB casts, file by file if it must)."""
        import numpy as np

        tables = []
        try:
            for item in items:
                assert item.result is not None
                table = item.result.data.select(DATA_COLUMNS).cast(_CANONICAL)
                n = table.num_rows
                # from the buffer: pa.array() would import pandas to check its input
                numbers = pa.Array.from_buffers(
                    pa.int64(), n, [None, pa.py_buffer(np.full(n, item.number, dtype=np.int64))])
                tables.append(table.append_column("number", numbers))
            big = pa.concat_tables(tables)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            return False
        con, first = self.store.con, items[0].number
        con.register("_incoming", big)
        try:
            con.execute(
                f"""CREATE OR REPLACE TEMP TABLE _wide AS
                    SELECT ($1)[number - {first} + 1] AS dataset_id, * FROM _incoming""",
                [[i.report.dataset_id for i in items]])
        finally:
            con.unregister("_incoming")
        return True

    def _stage(self, items: list[_Item], *, append: bool) -> None:
        """The files' rows into ``_wide`` (one statement; file by file when DuckDB refuses
        one, so that the error names it)."""
        con = self.store.con
        cols = ", ".join(DATA_COLUMNS)
        selects, names = [], []
        for k, item in enumerate(items):
            assert item.result is not None
            data = item.result.data
            name = f"_incoming_{k}"
            con.register(name, data)
            names.append(name)
            selects.append(f"SELECT {_text(item.report.dataset_id or '')} AS dataset_id, "
                           f"{item.number}::BIGINT AS number, {cols} FROM {name}")
        try:
            head = "INSERT INTO _wide " if append else "CREATE OR REPLACE TEMP TABLE _wide AS "
            con.execute(head + " UNION ALL ".join(selects))
        except duckdb.Error:
            for k, item in enumerate(items):  # the same rows one by one: the error, located
                assert item.result is not None
                self.store._stage_wide(item.result.data, item.path, item.report.dataset_id or "",
                                       item.number, append=append or k > 0)
        finally:
            for name in names:
                con.unregister(name)


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def apply_vintages(con: Any, items: list[_Item]) -> None:
    """The vintage rules for new datasets at once, as if applied file by file in ``items``'
    order: within a series, for each key of the source's ``vintage_scope``, the rows of the
    newest vintage stay (a later file winning a tie), a file's rows that an earlier-stored newer
    vintage covers are dropped (``dropped_rows``), and older rows a file covers are deleted
    and recorded in ``superseded`` against it (``superseded_rows``).

    Applied one by one, each file meets one holder per key: the dataset with the greatest
    (vintage, order) of those before it; so one window over the datasets holding each key,
    in order, gives every file's outcome.
    """
    groups: dict[tuple[str, ...], list[_Item]] = {}
    for item in items:
        scope = tuple(type(item.source).vintage_scope) or _natural_key()
        groups.setdefault(scope, []).append(item)
    for scope, group in groups.items():
        _apply_group(con, scope, group)


def _natural_key() -> tuple[str, ...]:
    from cistrade.schema import NATURAL_KEY

    return NATURAL_KEY


def _apply_group(con: Any, scope: tuple[str, ...], items: list[_Item]) -> None:
    from cistrade.segments import canonical

    series = sorted({i.result.series for i in items if i.result is not None})
    new = [(i.report.dataset_id, i.result.series, i.result.vintage, k + 1)
           for k, i in enumerate(items) if i.result is not None]
    stored = con.execute(
        "SELECT count(*) FROM datasets WHERE series IN (SELECT unnest(?))", [series]).fetchall()[0][0]
    repeated = len({s for _, s, _, _ in new}) < len(new)
    if not stored and not repeated:
        return  # no other dataset of these series: nothing to compare with
    keys = ", ".join(scope)
    lo, hi = seg_range(min(i.number for i in items))[0], seg_range(max(i.number for i in items))[1]
    con.execute(
        """CREATE OR REPLACE TEMP TABLE _vd AS
           SELECT dataset_id, series, vintage, ord,
                  vintage || chr(0) || lpad(ord::VARCHAR, 12, '0') AS vkey FROM (
               SELECT unnest($1) AS dataset_id, unnest($2) AS series, unnest($3) AS vintage,
                      unnest($4)::BIGINT AS ord
               UNION ALL SELECT dataset_id, series, vintage, 0 FROM datasets
               WHERE series IN (SELECT unnest($5)))""",
        [[n[0] for n in new], [n[1] for n in new], [n[2] for n in new], [n[3] for n in new],
         series])
    rows = (f"(SELECT _rid, dataset_id, {keys} FROM ({canonical(lo, hi)}) "
            f"UNION ALL SELECT _rid, dataset_id, {keys} FROM ({canonical()}) "
            "WHERE dataset_id IN (SELECT dataset_id FROM _vd WHERE ord = 0))")
    frame = (f"OVER (PARTITION BY series, {keys} ORDER BY ord "
             "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _vm AS
            WITH held AS (SELECT v.series, v.dataset_id, v.vintage, v.ord, v.vkey, {keys},
                                 count(*) AS n
                          FROM {rows} r JOIN _vd v USING (dataset_id) GROUP BY ALL),
                 touched AS (SELECT * FROM held WHERE (series, {keys}) IN (
                                 SELECT (series, {keys}) FROM held WHERE ord > 0))
            SELECT *, arg_max(dataset_id, vkey) {frame} AS prev_id,
                   arg_max(vintage, vkey) {frame} AS prev_vintage,
                   arg_max(n, vkey) {frame} AS prev_n,
                   max(vkey) OVER (PARTITION BY series, {keys}) AS top
            FROM touched""")
    outcome = con.execute(
        """SELECT dataset_id,
                  coalesce(sum(n) FILTER (WHERE prev_vintage > vintage), 0),
                  coalesce(sum(prev_n) FILTER (WHERE prev_vintage <= vintage), 0)
           FROM _vm WHERE ord > 0 AND prev_id IS NOT NULL GROUP BY dataset_id""").fetchall()
    records = con.execute(
        """SELECT prev_id, dataset_id, sum(prev_n)::BIGINT FROM _vm
           WHERE ord > 0 AND prev_id IS NOT NULL AND prev_vintage <= vintage
           GROUP BY prev_id, dataset_id, ord ORDER BY ord, prev_id""").fetchall()
    on = " AND ".join(f"m.{c} = r.{c}" for c in scope)
    con.execute(
        f"""DELETE FROM flow_rows WHERE rowid IN (
                SELECT r._rid FROM {rows} r JOIN _vm m ON m.dataset_id = r.dataset_id AND {on}
                WHERE m.vkey <> m.top)""")
    con.execute("DROP TABLE _vm")
    con.execute("DROP TABLE _vd")
    if records:
        con.executemany("INSERT INTO superseded VALUES (?, ?, ?)", [list(r) for r in records])
    found = {d: (int(dropped), int(superseded)) for d, dropped, superseded in outcome}
    for item in items:
        item.report.dropped_rows, item.report.superseded_rows = found.get(
            item.report.dataset_id, (0, 0))
