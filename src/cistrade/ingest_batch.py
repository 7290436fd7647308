"""Many small files in one go: written, checked and counted together inside one ingest.

A folder of publishers' files (545 Eurostat downloads, a year of monthly workbooks) is read
into memory file by file; :class:`_Batch` then writes all of them as segments and rows in a
few statements, checks every file's rows in one scan grouped by file
(:func:`cistrade.validate.run_summaries`), and looks again, file by file, only where that
scan found something (a bad row, an unknown code, a repeated key). The vintage rules apply
to all of them in a few statements (:func:`apply_vintages`), with the outcome they would have
file by file in the order given. Any error names its file and row, and the ingest's one
transaction rolls back.

Errors name their file however the batch fails: the steps taken per file translate what
they raise (:func:`cistrade.store.file_error`), and the statements over several files are
ones no file's content can make fail (each file's rows are cast to the canonical types on
their own first: DuckDB refuses every statement after a failed one, so a file that failed
inside a statement over many could not be found afterwards).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from cistrade.errors import CistradeError, InputError, StoreError, _cut
from cistrade.rowref import parse_row_ref
from cistrade.schema import DATA_COLUMNS, FLOW_SCHEMA, NATURAL_KEY, seg_range
from cistrade.segments import drop_stage_views, quietly, split_wide, stage_views
from cistrade.sources.columns import constant
from cistrade.validate import run_summaries, validate_stage

if TYPE_CHECKING:  # pragma: no cover
    from cistrade.sources.base import ReadResult, Source
    from cistrade.store import FileReport, Store

__all__ = ["file_error"]

log = logging.getLogger(__name__)

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

    def __init__(self, store: Store, notify: Callable[[str, dict[str, Any]], None], *,
                 replace: bool = False) -> None:
        self.store = store
        self.notify = notify
        self.replace = replace  # a tie of vintages with different figures: the later file wins
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
        """Write, check and record the files taken so far; any failure names its file."""
        items, self.items, self.rows = self.items, [], 0
        if not items:
            return
        try:
            self._write(items)
        except Exception as exc:  # noqa: BLE001 - the ingest boundary: every failure names the file
            raise _batch_error(exc, items) from exc
        for item in items:
            self.notify("done", {"path": str(item.path), "report": item.report})

    def _write(self, items: list[_Item]) -> None:
        con = self.store.con
        for item in items:
            with _naming(item):
                _check_columns(item)
        staged = self._stage(items)
        try:
            split_wide(con, staged)
        finally:
            quietly(lambda: con.unregister(staged) if staged == "_incoming" else
                    con.execute("DROP TABLE _wide"))
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
                    with _naming(item):
                        item.report.collapsed_rows, item.report.replaced_duplicates = (
                            validate_stage(con, item.path, type(item.source).on_duplicate))
                finally:
                    drop_stage_views(con)
            item.report.rows = total - item.report.collapsed_rows
        apply_vintages(con, items, replace=self.replace)
        for item in items:
            item.report.rows -= item.report.dropped_rows
        self.store._record(items)

    def _stage(self, items: list[_Item]) -> str:
        """The files' rows as one relation of canonical rows, its name returned: every table
        that casts to the canonical types in one Arrow table, registered as ``_incoming``
        (split into segments and rows from there); when some do not, those rows and the
        others' in ``_wide``, each of them cast by DuckDB on its own (its error then names the
        file and the row)."""
        import numpy as np

        tables, others = [], []
        for item in items:
            assert item.result is not None
            try:
                table = item.result.data.select(DATA_COLUMNS).cast(_CANONICAL)
            except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
                others.append(item)
                continue
            n = table.num_rows
            # from the buffer: pa.array() would import pandas to check its input
            numbers = pa.Array.from_buffers(
                pa.int64(), n, [None, pa.py_buffer(np.full(n, item.number, dtype=np.int64))])
            tables.append(table.append_column("number", numbers).append_column(
                "dataset_id", constant(item.report.dataset_id, pa.string(), n)))
        # one chunk: DuckDB scans 500 small chunks (a folder of Eurostat files) four times
        # slower than their rows in one (0.45 s against 0.1 s for the 559 national files)
        big = (pa.concat_tables(tables).combine_chunks() if tables else _CANONICAL.append(
            pa.field("number", pa.int64())).append(pa.field("dataset_id", pa.string())).empty_table())
        con = self.store.con
        con.register("_incoming", big)
        if not others:
            return "_incoming"
        try:  # the columns of the store's _WIDE, in its order (others are appended to it)
            con.execute(f"CREATE OR REPLACE TEMP TABLE _wide AS SELECT dataset_id, number, "
                        f"{', '.join(DATA_COLUMNS)} FROM _incoming")
        finally:
            quietly(lambda: con.unregister("_incoming"))
        for item in others:
            assert item.result is not None
            self.store._stage_wide(item.result.data, item.path, item.report.dataset_id or "",
                                   item.number, append=True)
        return "_wide"


def _check_columns(item: _Item) -> None:
    assert item.result is not None
    missing = [c for c in DATA_COLUMNS if c not in item.result.data.schema.names]
    if missing:
        raise InputError(f"the reader produced no column(s) {missing}", file=str(item.path))


@contextmanager
def _naming(item: _Item) -> Iterator[None]:
    """A step for one file: whatever it raises names the file."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - the ingest boundary: every failure names the file
        raise file_error(exc, item.path, type(item.source).name) from exc


def _batch_error(exc: Exception, items: list[_Item]) -> CistradeError:
    """A failure of the batch: an error the steps named, or, from a statement over all the
    files, an error naming them (one file: that file)."""
    if isinstance(exc, CistradeError):
        return exc
    if len(items) == 1:
        return file_error(exc, items[0].path, type(items[0].source).name)
    names = ", ".join(str(i.path) for i in items[:5]) + (
        f" and {len(items) - 5} more" if len(items) > 5 else "")
    text = _cut(str(exc).strip().splitlines()[0] if str(exc).strip() else "", 200)
    return StoreError(
        f"storing {len(items)} files together failed ({type(exc).__name__}: {text}); the files: "
        f"{names}. Ingest them one at a time to find the one at fault", files=[str(i.path) for i in items])


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def apply_vintages(con: Any, items: list[_Item], *, replace: bool = False) -> None:
    """The vintage rules for new datasets at once, as if applied file by file in ``items``'
    order: within a series, for each key of the source's ``vintage_scope``, the rows of the
    newest vintage stay, a file's rows that an earlier-stored newer vintage covers are
    dropped (``dropped_rows``), and older rows a file covers are deleted and recorded in
    ``superseded`` against it (``superseded_rows``).

    Two different files with the same series and vintage (a tie) meeting on a key: neither
    is newer by its content, so the order of ingest must not decide which counts (issue
    #14). Where their figures are the same, the file's rows are dropped (nothing to decide);
    where they differ, the ingest is refused with advice (:func:`_refuse_differing_ties`),
    unless ``replace``: then the later file wins the tie.

    Applied one by one, each file meets one holder per key: the dataset with the greatest
    (vintage, rank) of those before it, the rank deciding ties (the later file with
    ``replace``, else the earlier holder, which only the same figures ever meet); so one
    window over the datasets holding each key, in order, gives every file's outcome.
    """
    groups: dict[tuple[str, ...], list[_Item]] = {}
    for item in items:
        scope = tuple(type(item.source).vintage_scope) or NATURAL_KEY
        groups.setdefault(scope, []).append(item)
    for scope, group in groups.items():
        _apply_group(con, scope, group, replace)


#: the rank of the first file (ord 0: every stored dataset) among ties without ``replace``
_FIRST = 10**12 - 1


def _apply_group(con: Any, scope: tuple[str, ...], items: list[_Item], replace: bool) -> None:
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
    rank = "ord" if replace else f"{_FIRST} - ord"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _vd AS
           SELECT dataset_id, series, vintage, ord,
                  vintage || chr(0) || lpad(({rank})::VARCHAR, 12, '0') AS vkey FROM (
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
    if not replace:
        _refuse_differing_ties(con, scope, items, lo, hi)
    # a tie (the same figures, or replace) drops the file's rows, or supersedes the holder's
    dropped = "prev_vintage > vintage" if replace else "prev_vintage >= vintage"
    outcome = con.execute(
        f"""SELECT dataset_id,
                  coalesce(sum(n) FILTER (WHERE {dropped}), 0),
                  coalesce(sum(prev_n) FILTER (WHERE NOT ({dropped})), 0)
           FROM _vm WHERE ord > 0 AND prev_id IS NOT NULL GROUP BY dataset_id""").fetchall()
    records = con.execute(
        f"""SELECT prev_id, dataset_id, sum(prev_n)::BIGINT FROM _vm
           WHERE ord > 0 AND prev_id IS NOT NULL AND NOT ({dropped})
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


def _refuse_differing_ties(con: Any, scope: tuple[str, ...], items: list[_Item], lo: int,
                           hi: int) -> None:
    """Refuse a tie (``_vm``: a file meeting, on a key of the scope, a holder of the same
    series and vintage) whose figures differ: a row of either side with no row of the same
    natural key, value and currency on the other. The first file in order that meets one is
    named, with the row of its own that differs where there is one."""
    from cistrade.segments import canonical

    tie = "ord > 0 AND prev_id IS NOT NULL AND prev_vintage = vintage"
    if not con.execute(f"SELECT count(*) FROM _vm WHERE {tie}").fetchall()[0][0]:
        return
    keys = ", ".join(scope)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _vt AS SELECT dataset_id, prev_id, ord, {keys} "
                f"FROM _vm WHERE {tie}")
    cols = f"dataset_id, {', '.join(NATURAL_KEY)}, value, currency, row_ref"
    ids = "(SELECT dataset_id FROM _vt UNION SELECT prev_id FROM _vt)"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _vr AS
            SELECT {cols} FROM ({canonical(lo, hi)}) WHERE dataset_id IN {ids}
            UNION ALL SELECT {cols} FROM ({canonical()}) WHERE dataset_id IN {ids}
                AND dataset_id IN (SELECT dataset_id FROM _vd WHERE ord = 0)""")
    on = " AND ".join(f"r.{c} = t.{c}" for c in scope)
    same = " AND ".join(f"o.{c} = r.{c}" for c in (*NATURAL_KEY, "value", "currency"))
    differs = con.execute(
        f"""SELECT ord, dataset_id, other, row_ref FROM (
                SELECT t.ord, t.dataset_id, t.prev_id AS other, r.row_ref, 0 AS side
                FROM _vt t JOIN _vr r ON r.dataset_id = t.dataset_id AND {on}
                WHERE NOT EXISTS (SELECT 1 FROM _vr o WHERE o.dataset_id = t.prev_id AND {same})
                UNION ALL
                SELECT t.ord, t.dataset_id, t.prev_id, NULL, 1
                FROM _vt t JOIN _vr r ON r.dataset_id = t.prev_id AND {on}
                WHERE NOT EXISTS (SELECT 1 FROM _vr o WHERE o.dataset_id = t.dataset_id AND {same}))
            ORDER BY ord, side, length(row_ref), row_ref LIMIT 1""").fetchone()
    con.execute("DROP TABLE _vt")
    con.execute("DROP TABLE _vr")
    if differs is not None:
        raise _tie_error(con, differs, items)


def _tie_error(con: Any, differs: tuple[int, str, str, str | None], items: list[_Item]) -> InputError:
    _, dataset_id, other, ref = differs
    item = next(i for i in items if i.report.dataset_id == dataset_id)
    batch_mate = next((i for i in items if i.report.dataset_id == other), None)
    if batch_mate is not None:
        held = f"the file {batch_mate.path.name} of this same ingest"
    else:
        name = con.execute("SELECT file_name FROM datasets WHERE dataset_id = ?", [other]).fetchone()
        held = f"the stored dataset {other} ({name[0] if name else 'no file'})"
    assert item.result is not None
    return InputError(
        f"this file and {held} hold figures of {item.result.series} with the same vintage "
        f"{item.result.vintage!r}, and they differ: neither is newer by its content, so the order "
        "of ingest must not decide. Ingest with --replace to let this file's figures replace the "
        "stored ones, or give the newer file a later vintage (--vintage for tidy and layouts, "
        "-o vintage=… for comtrade and imf); nothing was ingested",
        file=str(item.path), **parse_row_ref(ref),
    )


def file_error(exc: BaseException, path: Path, source: str = "") -> CistradeError:
    """Any failure while reading or ingesting ``path`` as an error naming the file.

    The store's own errors keep their kind (an :class:`InputError` gains the file if it lacks
    it); DuckDB's errors say the row where DuckDB or the reader's SQL knows it; anything else
    a reader raised on a damaged file (``KeyError``, ``OverflowError``, ``None.items()`` …)
    becomes an :class:`InputError` with the exception's kind, so that no file can end a run
    with an internal error that does not say which file it was.
    """
    where = str(path)
    if isinstance(exc, InputError):
        return exc.located(file=where)
    if isinstance(exc, CistradeError):
        return exc
    if isinstance(exc, duckdb.Error):
        return _duck_error(exc, path)
    log.debug("%s: unexpected %s while reading", where, type(exc).__name__, exc_info=exc)
    reader = f"the {source} reader" if source else "the reader"
    text = _cut(str(exc).strip().splitlines()[0] if str(exc).strip() else "", 200)
    return InputError(
        f"cannot read the file ({type(exc).__name__}{': ' + text if text else ''}); it is "
        f"damaged or not in the layout {reader} expects",
        file=where, cause=type(exc).__name__,
    )


_ROW_PREFIX = re.compile(r"^row (\d+)(?:, column ([^:]+))?: ")
_CSV_LINE = re.compile(r"CSV Error on Line: (\d+)")


def _duck_error(exc: Exception, path: Path) -> InputError:
    """A DuckDB error during a load, as an InputError with the row where it is known.

    Readers that raise inside SQL prefix their message with ``row N, column X: ``; DuckDB's
    CSV reader says ``CSV Error on Line: N`` and explains on the following lines.
    """
    text = str(exc).strip() or type(exc).__name__
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    first = lines[0]
    for prefix in ("Conversion Error: ", "Invalid Input Error: ", "Binder Error: "):
        first = first.replace(prefix, "")
    where: dict[str, Any] = {}
    if m := _ROW_PREFIX.match(first):
        where = {"row": int(m[1]), "column": m[2]}
        first = first[m.end():]
    elif m := _CSV_LINE.search(text):
        where = {"row": int(m[1])}
        explain = [ln for ln in lines[1:] if not ln.startswith(("Original Line", "Possible"))][:1]
        first = "malformed CSV line" + (f": {explain[0]}" if explain else "")
    return InputError(_cut(first, 300), file=str(path), **where)
