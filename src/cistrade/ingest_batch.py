"""Many small files in one go: written, checked and counted together inside one ingest.

A folder of publishers' files (545 Eurostat downloads, a year of monthly workbooks) is read
into memory file by file; :class:`_Batch` then writes all of them as segments and rows in a
few statements, checks every file's rows in one scan grouped by file
(:func:`cistrade.validate.run_summaries`), and looks again, file by file, only where that
scan found something (a bad row, an unknown code, a repeated key) or where the vintage rules
have other datasets of the same series to compare with. Those rules still run in the order
the files were given, each file recorded before the next one's are applied, so the store
ends exactly as it would file by file. Any error names its file and row, and the ingest's one
transaction rolls back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from cistrade.schema import DATA_COLUMNS, seg_range
from cistrade.segments import drop_stage_views, split_wide, stage_views
from cistrade.validate import run_summaries, validate_stage

if TYPE_CHECKING:  # pragma: no cover
    from cistrade.sources.base import ReadResult, Source
    from cistrade.store import FileReport, Store

__all__: list[str] = []


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
        #: (source name, sha256) -> dataset id of every file taken in this ingest
        self.pending: dict[tuple[str, str], str] = {}

    @staticmethod
    def takes(item: _Item) -> bool:
        result = item.result
        return (result is not None and isinstance(result.data, pa.Table)
                and result.after_load is None)

    def add(self, item: _Item) -> None:
        assert item.result is not None and item.report.dataset_id is not None
        self.items.append(item)
        self.pending[(type(item.source).name, item.digest)] = item.report.dataset_id
        self.rows += item.result.data.num_rows
        if self.rows >= self.MAX_ROWS:
            self.flush()

    def flush(self) -> None:
        """Write, check and record the files taken so far."""
        items, self.items, self.rows = self.items, [], 0
        if not items:
            return
        con = self.store.con
        for start in range(0, len(items), self.PER_STATEMENT):
            self._stage(items[start:start + self.PER_STATEMENT], append=start > 0)
        split_wide(con, "_wide")
        con.execute("DROP TABLE _wide")
        stage_views(con, seg_range(items[0].number)[0], seg_range(items[-1].number)[1], "_run")
        try:
            sums = run_summaries(con)
        finally:
            drop_stage_views(con, "_run")
        series = sorted({i.result.series for i in items if i.result is not None})
        known = {r[0] for r in con.execute(
            "SELECT DISTINCT series FROM datasets WHERE series IN (SELECT unnest(?))", [series]
        ).fetchall()}
        for item in items:
            self._finish(item, sums.get(item.number, (0, True)), known)

    def _finish(self, item: _Item, summary: tuple[int, bool], known: set[str]) -> None:
        """One file's checks (where the scan found something) and vintage, then its record."""
        con, fr, result = self.store.con, item.report, item.result
        assert result is not None and fr.dataset_id is not None
        total, flagged = summary
        if flagged or result.series in known:
            stage_views(con, *seg_range(item.number))
            try:
                if flagged:
                    fr.collapsed_rows, fr.replaced_duplicates = validate_stage(
                        con, item.path, type(item.source).on_duplicate)
                if result.series in known:
                    fr.dropped_rows, fr.superseded_rows = self.store._apply_vintage(
                        type(item.source).vintage_scope, result, fr.dataset_id)
            finally:
                drop_stage_views(con)
        fr.rows = total - fr.collapsed_rows - fr.dropped_rows
        self.store._record(item)
        known.add(result.series)
        self.notify("done", {"path": str(item.path), "report": fr})

    def _stage(self, items: list[_Item], *, append: bool) -> None:
        """The files' rows into ``_wide`` (one statement; file by file when DuckDB refuses
        one, so that the error names it)."""
        con = self.store.con
        cols = ", ".join(DATA_COLUMNS)
        selects, names = [], []
        for k, item in enumerate(items):
            assert item.result is not None
            data = item.result.data
            missing = [c for c in DATA_COLUMNS if c not in data.schema.names]
            if missing:
                from cistrade.errors import InputError

                raise InputError(f"the reader produced no column(s) {missing}", file=str(item.path))
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
