"""The store: an embedded DuckDB file with the canonical ``flows`` table and provenance.

Tables
  ``flows``     the canonical rows (:data:`cistrade.schema.FLOW_SCHEMA`): a view joining
                ``flow_rows`` (what varies per row) and ``segments`` (what a dataset's rows
                share), see :mod:`cistrade.schema`
  ``datasets``  one row per ingested file: id, source, series, vintage, file name, sha256,
                ingested-at, retrieved-at, URL, licence, synthetic, row count, notes (JSON)
  ``areas``     the country registry's codes and kinds, for SQL joins
  ``superseded`` which rows of which dataset a newer vintage replaced, and by whom
  ``coverage``  the flows grouped by reporter, dataset, flow, period, basis … (what the store
                covers; indicators choose their rows from it), kept by every ingest
  ``store_info`` the layout version (:data:`cistrade.schema.SCHEMA_VERSION`)
  ``agenda_*``  the cooperation agenda register and its files (:mod:`cistrade.agenda.tables`)

A store written by an earlier release (one wide ``flows`` table) reads as it is; opening it
for writing upgrades it in place, in one transaction (:func:`cistrade.segments.upgrade`).

Ingest (:meth:`Store.ingest`) is all or nothing: every file of one call is staged, checked
and written in one transaction, so a file that fails half-way leaves the store exactly as
it was. A file whose sha256 is already stored for the same source is skipped and the report
says so. Within a ``series``, a newer ``vintage`` replaces the older rows that share the
source's ``vintage_scope`` columns, whichever order the files arrive in.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from cistrade.errors import CistradeError, InputError, StoreError, _cut
from cistrade.ingest_batch import _Batch, _duck_error, _Item, apply_vintages, file_error
from cistrade.provenance import fetch_sidecar, sha256_of
from cistrade.schema import (
    COVERAGE_DDL,
    DATA_COLUMNS,
    ROW_FIELDS,
    coverage_select,
    seg_range,
    seg_sql,
)
from cistrade.segments import (
    NO_REF,
    add_segments,
    drop_stage_views,
    next_number,
    quietly,
    split_wide,
    stage_views,
    upgrade,
)
from cistrade.sources.base import AggregateCheck, ReadResult, Source, SqlData
from cistrade.validate import validate_stage

__all__ = ["Store", "IngestReport", "FileReport", "default_db_path"]

log = logging.getLogger(__name__)

DATASETS_DDL = """
CREATE TABLE IF NOT EXISTS datasets (
    dataset_id VARCHAR PRIMARY KEY,
    source VARCHAR NOT NULL,
    series VARCHAR NOT NULL,
    vintage VARCHAR NOT NULL,
    title VARCHAR,
    file_name VARCHAR,
    file_path VARCHAR,
    sha256 VARCHAR,
    size_bytes BIGINT,
    ingested_at TIMESTAMP NOT NULL,
    retrieved_at VARCHAR,
    url VARCHAR,
    licence VARCHAR,
    synthetic BOOLEAN NOT NULL,
    row_count BIGINT NOT NULL,
    notes VARCHAR
)
"""

SUPERSEDED_DDL = """
CREATE TABLE IF NOT EXISTS superseded (
    dataset_id VARCHAR NOT NULL,
    by_dataset_id VARCHAR NOT NULL,
    rows BIGINT NOT NULL
)
"""


def default_db_path() -> Path:
    """``<user data dir>/cistrade/cistrade.duckdb`` (platformdirs), or ``$CISTRADE_DB``."""
    import os

    env = os.environ.get("CISTRADE_DB")
    if env:
        return Path(env)
    from platformdirs import user_data_path  # a 30 ms import: only when it is needed

    return user_data_path("cistrade", appauthor=False) / "cistrade.duckdb"


@dataclass
class FileReport:
    path: str
    source: str
    dataset_id: str | None
    #: "ingested"; "unchanged" (the same file is stored already); "covered" (nothing stored:
    #: every row is held by a newer vintage, or by the same vintage with the same figures)
    status: str
    rows: int = 0
    superseded_rows: int = 0  # older-vintage rows this file replaced
    dropped_rows: int = 0  # rows of this file that a newer vintage already stored covers
    collapsed_rows: int = 0  # identical duplicates collapsed
    replaced_duplicates: int = 0  # same key, different values: the later row kept
    skipped: list[dict[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """What ``dataclasses.asdict`` gives, without its deep copy of every text and number
        (0.2 s for a folder of 559 files): the lists are copied, their dicts too (their
        values are text, numbers and flags)."""
        return {f.name: _copied(getattr(self, f.name)) for f in fields(self)}


def _copied(value: Any) -> Any:
    if isinstance(value, list):
        return [dict(v) if isinstance(v, dict) else v for v in value]
    return value


@dataclass
class IngestReport:
    files: list[FileReport] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)

    @property
    def changed(self) -> bool:
        return any(f.status == "ingested" for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "changed": self.changed, "files": [f.to_dict() for f in self.files]}


ProgressFn = Callable[[str, dict[str, Any]], None]


class Store:
    """A DuckDB file holding flows and their provenance."""

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else default_db_path()
        self.read_only = read_only
        if read_only and not self.path.exists():
            raise StoreError(f"no store at {self.path}; ingest data first (cistrade ingest …)")
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as exc:
            raise StoreError(f"cannot open the store {self.path}: {exc}") from exc
        try:
            self._configure()
            if not read_only:
                self._create()
        except BaseException:
            self.con.close()  # a failed upgrade leaves the file as it was, and free
            raise
        self._ibis = None

    def _configure(self) -> None:
        """Bound DuckDB's memory (it spills to disk beyond it): ``$CISTRADE_MEMORY_LIMIT``."""
        import os

        limit = os.environ.get("CISTRADE_MEMORY_LIMIT", "700MB")
        self.con.execute("SET enable_progress_bar = false")  # the CLI draws its own
        try:
            self.con.execute(f"SET memory_limit = '{limit}'")
        except duckdb.Error as exc:
            raise StoreError(f"CISTRADE_MEMORY_LIMIT={limit!r} is not a memory size: {exc}") from exc

    @classmethod
    def memory(cls) -> Store:
        """A throwaway in-memory store (tests, examples)."""
        store = cls.__new__(cls)
        store.path = Path(":memory:")
        store.read_only = False
        store.con = duckdb.connect(":memory:")
        store._configure()
        store._create()
        store._ibis = None
        return store

    # -- schema ---------------------------------------------------------------------------

    def _create(self) -> None:
        upgrade(self.con, self.path)
        self.con.execute(DATASETS_DDL)
        self.con.execute(SUPERSEDED_DDL)
        if not self._has("coverage"):  # a new store, or one written before the table existed
            self.con.execute(COVERAGE_DDL)
            self.con.execute(f"INSERT INTO coverage {coverage_select()}")
        self._refresh_areas()
        from cistrade.agenda.tables import create_tables  # the agenda register's own tables

        create_tables(self.con)

    def _has(self, name: str, kind: str = "table") -> bool:
        catalog = "duckdb_tables()" if kind == "table" else "duckdb_views()"
        return bool(self.con.execute(
            f"SELECT count(*) FROM {catalog} WHERE {kind}_name = ? AND schema_name = 'main' "
            "AND NOT temporary", [name]).fetchall()[0][0])

    def _refresh_areas(self) -> None:
        """The registry's codes as a table (lists bound as parameters: building an Arrow table
        here would import pandas, a third of a second, through pyarrow's type checks)."""
        from cistrade.reference.countries import registry

        areas = [a for a in registry()]
        self.con.execute(
            "CREATE OR REPLACE TABLE areas AS SELECT unnest($1) AS code, unnest($2) AS kind, "
            "unnest($3) AS name_en, unnest($4) AS name_ru",
            [[a.code for a in areas], [a.kind for a in areas],
             [a.name_en for a in areas], [a.name_ru for a in areas]],
        )

    # -- reading ---------------------------------------------------------------------------

    def ibis(self):  # noqa: ANN201 - ibis backend type
        """An Ibis connection over the same DuckDB database."""
        if self._ibis is None:
            import ibis

            self._ibis = ibis.duckdb.from_connection(self.con)
        return self._ibis

    def datasets(self) -> list[dict[str, Any]]:
        """Every dataset with its active row count (rows not superseded by a newer vintage)."""
        rel = self.con.execute(
            """
            SELECT d.*, coalesce(f.n, 0) AS active_rows
            FROM datasets d LEFT JOIN (
                SELECT dataset_id, count(*) AS n FROM flows GROUP BY dataset_id
            ) f USING (dataset_id)
            ORDER BY d.source, d.series, d.vintage, d.dataset_id
            """
        )
        cols = [c[0] for c in rel.description]
        rows = [dict(zip(cols, r, strict=True)) for r in rel.fetchall()]
        for row in rows:
            row["ingested_at"] = row["ingested_at"].isoformat(timespec="seconds")
            row["notes"] = json.loads(row["notes"]) if row["notes"] else {}
        return rows

    def dataset(self, dataset_id: str) -> dict[str, Any]:
        for row in self.datasets():
            if row["dataset_id"] == dataset_id:
                return row
        raise InputError(f"no dataset {dataset_id!r} in {self.path}")

    def verify_files(self) -> list[dict[str, Any]]:
        """Each dataset's file checked against the sha256 recorded when it was ingested.

        ``file_status``: ``ok``; ``changed`` (the file there now holds other bytes: a re-fetch
        or an edit); ``missing``; or ``no file`` (a dataset made without one). A changed or
        missing body that ``cistrade fetch --refresh`` kept under ``.previous/`` is named in
        ``found_at``.
        """
        out = []
        for ds in self.datasets():
            path = Path(ds["file_path"] or "")
            status, found = "no file", None
            if ds["file_path"] and ds["sha256"] and ds["size_bytes"] is not None:
                if path.is_file():
                    status = "ok" if sha256_of(path) == ds["sha256"] else "changed"
                else:
                    status = "missing"
                if status != "ok":
                    found = next((str(p) for p in sorted(path.parent.glob(f".previous/{path.name}@*"))
                                  if p.is_file() and sha256_of(p) == ds["sha256"]), None)
            out.append({**ds, "file_status": status, "found_at": found})
        return out

    @staticmethod
    def compact(path: str | Path) -> tuple[int, int]:
        """Rewrite the store file without its unused space: (bytes before, bytes after).

        An ingest that is killed (SIGKILL, a power cut) leaves the store as it was, but the
        blocks it had written stay in the file as free space, and DuckDB never shrinks a file
        (``CHECKPOINT`` reuses free blocks, ``VACUUM`` does not reclaim them). The only way
        back is a fresh copy (DuckDB's ``COPY FROM DATABASE``), swapped in for the file once
        it is complete: a compaction that is itself interrupted leaves the old file intact.
        Nothing else may have the store open meanwhile.
        """
        path = Path(path)
        if not path.is_file():
            raise StoreError(f"no store at {path}")
        before = path.stat().st_size
        fresh = path.with_name(f".{path.name}.compact")
        for leftover in (fresh, fresh.with_name(fresh.name + ".wal")):
            leftover.unlink(missing_ok=True)
        try:
            con = duckdb.connect(str(path))
        except duckdb.Error as exc:
            raise StoreError(f"cannot open the store {path} to compact it: {exc}") from exc
        try:
            name = con.execute("SELECT current_database()").fetchone()[0]
            con.execute(f"ATTACH {_sql_text(str(fresh))} AS _fresh")
            con.execute(f'COPY FROM DATABASE "{name}" TO _fresh')
            con.execute("DETACH _fresh")
        except duckdb.Error as exc:
            fresh.unlink(missing_ok=True)
            raise StoreError(f"cannot compact the store {path}: {exc}") from exc
        finally:
            con.close()
        fresh.replace(path)
        path.with_name(path.name + ".wal").unlink(missing_ok=True)
        return before, path.stat().st_size

    def count(self) -> int:
        table = "flow_rows" if self._has("flow_rows") else "flows"
        return self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- ingest ----------------------------------------------------------------------------

    def ingest(
        self,
        source: Source,
        paths: Sequence[str | Path],
        *,
        progress: ProgressFn | None = None,
        replace: bool = False,
    ) -> IngestReport:
        """Read every path with ``source`` and store the rows, all or nothing."""
        return self.ingest_items(
            [(source, Path(p), lambda p=p: source.read(Path(p))) for p in paths],
            progress=progress, replace=replace,
        )

    def ingest_items(
        self,
        items: Iterable[tuple[Source, Path, Callable[[], ReadResult]]],
        *,
        progress: ProgressFn | None = None,
        meta: dict[str, Any] | None = None,
        replace: bool = False,
    ) -> IngestReport:
        """Ingest (source, path, read) items in one transaction: all of them or none.

        Files read into memory (every publisher's workbook and small CSV) are written, checked
        and counted together, in batches (:class:`_Batch`): a few statements for many files;
        a large file (a reader's SELECT, or a reader with an ``after_load`` step) alone. The
        vintage rules still apply file by file, in the order given. Fetchers pass ``meta``
        (``url``, ``notes``, ``virtual`` for results with no file).

        ``replace``: a file whose figures differ from a stored dataset's of the same series
        *and the same vintage* replaces them (without it, such a tie is refused: see
        :func:`cistrade.ingest_batch.apply_vintages`).

        Every failure while a file is read or stored names the file (:func:`file_error`).
        """
        if self.read_only:
            raise StoreError(f"the store {self.path} is open read-only")
        report = IngestReport()
        notify = progress or (lambda event, info: None)
        self.con.execute("BEGIN TRANSACTION")
        try:
            batch = _Batch(self, notify, replace=replace)
            self._number = next_number(self.con)
            for source, path, read in items:
                notify("file", {"path": str(path)})
                try:
                    item = self._read_item(source, path, read, meta or {}, batch)
                except CistradeError:
                    batch.flush()  # an error in an earlier file is the one to report
                    raise
                report.files.append(item.report)
                if item.result is None:  # unchanged
                    notify("done", {"path": str(path), "report": item.report})
                elif batch.takes(item):
                    batch.add(item)
                else:
                    batch.flush()
                    self._ingest_one(item, replace)
                    notify("done", {"path": str(path), "report": item.report})
            batch.flush()
            _covered_copies(report)
            self._update_coverage([f.dataset_id for f in report.files if f.status == "ingested"])
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        return report

    def _update_coverage(self, new_ids: list[str | None]) -> None:
        """Recount the coverage of the new datasets and of the older ones they superseded."""
        new = {i for i in new_ids if i}
        if not new:
            return
        # literal ids (the store makes them: source name and hex digits), so that the scan of
        # flows can skip the row groups of every other dataset
        listed = ", ".join(_sql_text(i) for i in sorted(new))
        older = self.con.execute(
            f"SELECT DISTINCT dataset_id FROM superseded WHERE by_dataset_id IN ({listed})"
        ).fetchall()
        touched = new | {r[0] for r in older}
        where = "WHERE dataset_id IN (" + ", ".join(_sql_text(i) for i in sorted(touched)) + ")"
        self.con.execute(f"DELETE FROM coverage {where}")
        self.con.execute(f"INSERT INTO coverage {coverage_select(where)}")

    def _read_item(self, source: Source, path: Path, read: Callable[[], ReadResult],
                   meta: dict[str, Any], batch: _Batch) -> _Item:
        """The file read (or found unchanged: the same bytes already stored for its source,
        or earlier in this call), with its dataset id and number."""
        name = type(source).name
        if not path.exists() and not meta.get("virtual"):
            raise InputError("no such file", file=str(path))
        try:
            digest = meta.get("sha256") or sha256_of(path)
        except OSError as exc:  # a folder, a file without read permission …
            raise file_error(exc, path, name) from exc
        known = batch.pending.get((name, digest))
        if known:
            return _Item(source, path, digest, meta, FileReport(str(path), name, known,
                                                                "unchanged"))
        try:
            result = read()
            _check_result(result, path)
        except Exception as exc:  # noqa: BLE001 - the ingest boundary: every failure names the file
            raise file_error(exc, path, name) from exc
        if result.url is None or result.retrieved_at is None:
            # a body saved by `cistrade fetch`, ingested by hand: keep where it came from
            side = fetch_sidecar(path)
            result.url = result.url or side.get("url")
            result.retrieved_at = result.retrieved_at or side.get("retrieved_at")
        dataset_id = f"{name}-{digest[:12]}"
        self._number += 1
        item = _Item(source, path, digest, meta, FileReport(str(path), name, dataset_id,
                                                            "ingested"), result, self._number - 1)
        batch.taken(item)
        return item

    def _ingest_one(self, item: _Item, replace: bool = False) -> None:
        """A file on its own: written, then checked and its vintage applied; any failure
        names the file."""
        try:
            self._store_one(item, replace)
        except Exception as exc:  # noqa: BLE001 - the ingest boundary: every failure names the file
            raise file_error(exc, item.path, type(item.source).name) from exc

    def _store_one(self, item: _Item, replace: bool) -> None:
        fr, result = item.report, item.result
        assert result is not None and fr.dataset_id is not None
        self._load(result.data, item.path, fr.dataset_id, item.number)
        lo, hi = seg_range(item.number)
        stage_views(self.con, lo, hi)
        try:
            if result.after_load is not None:
                result.after_load(self.con, fr.dataset_id)
            fr.collapsed_rows, fr.replaced_duplicates = validate_stage(
                self.con, item.path, type(item.source).on_duplicate)
        finally:
            drop_stage_views(self.con)
        apply_vintages(self.con, [item], replace=replace)
        fr.rows = self.con.execute(
            f"SELECT count(*) FROM flow_rows WHERE seg BETWEEN {lo} AND {hi}").fetchall()[0][0]
        self._record([item])

    def _load(
        self, data: pa.Table | pa.RecordBatchReader | SqlData, path: Path, dataset_id: str,
        number: int,
    ) -> None:
        """Write the rows as dataset ``number``'s (checks run afterwards)."""
        if isinstance(data, SqlData):
            self._load_sql(data, path, dataset_id, number)
            return
        self._stage_wide(data, path, dataset_id, number)
        split_wide(self.con, "_wide")
        self.con.execute("DROP TABLE _wide")

    def _stage_wide(self, data: pa.Table | pa.RecordBatchReader, path: Path, dataset_id: str,
                    number: int, *, append: bool = False) -> None:
        """A reader's rows into the temporary table ``_wide`` of canonical columns."""
        missing = [c for c in DATA_COLUMNS if c not in data.schema.names]
        if missing:
            raise InputError(f"the reader produced no column(s) {missing}", file=str(path))
        self.con.register("_incoming", data)
        try:
            self.con.execute(f"{_WIDE_APPEND if append else _WIDE} FROM _incoming",
                             [dataset_id, number])
        except duckdb.Error as exc:
            raise _duck_error(exc, path) from exc
        finally:
            quietly(lambda: self.con.unregister("_incoming"))

    def _load_sql(self, data: SqlData, path: Path, dataset_id: str, number: int) -> None:
        """A reader's SELECT: straight into ``flow_rows`` when it names its segments, else
        through a table of canonical rows; its fallback when its fast path gave up."""
        narrow = data.segments is not None
        if narrow:
            cols = ", ".join((*ROW_FIELDS, "line"))
            insert, params = (f"INSERT INTO flow_rows SELECT {seg_sql(str(number), NO_REF)} AS seg, "
                              f"{cols}"), list(data.params)
        else:
            insert, params = _WIDE, [dataset_id, number, *data.params]
        self._run_select(data, insert, path, params)
        if data.finished is not None and not data.finished(self.con):
            if data.fallback is None:
                raise InputError("the file could not be read to its end", file=str(path))
            if narrow:
                lo, hi = seg_range(number)
                self.con.execute(f"DELETE FROM flow_rows WHERE seg BETWEEN {lo} AND {hi}")
            self._load_sql(data.fallback, path, dataset_id, number)
            return
        if narrow:
            add_segments(self.con, data.segments(self.con), dataset_id, number)
        else:
            split_wide(self.con, "_wide")
            self.con.execute("DROP TABLE _wide")

    def _run_select(self, data: SqlData, insert: str, path: Path, params: list[Any]) -> None:
        if data.prepare is not None:
            data.prepare(self.con)
        try:
            self.con.execute(f"{insert} FROM ({data.sql})", params)
        except duckdb.Error as exc:
            if data.finished is not None:
                data.finished(self.con)  # let go of a registered stream
            raise _duck_error(exc, path) from exc

    def _record(self, items: Sequence[_Item]) -> None:
        """The datasets' rows (one statement for all of them); a file that stores nothing is
        ``covered`` and not recorded (:func:`_mark_covered`)."""
        rows = [self._dataset_row(item) for item in items if not _mark_covered(self.con, item)]
        if not rows:
            return
        columns = list(zip(*rows, strict=True))
        self.con.execute(
            "INSERT INTO datasets SELECT " + ", ".join(
                f"unnest(${i + 1})" for i in range(len(columns))),
            [list(c) for c in columns])

    def _dataset_row(self, item: _Item) -> list[Any]:
        source, path, digest, meta = item.source, item.path, item.digest, item.meta
        fr, result = item.report, item.result
        assert result is not None
        dataset_id = fr.dataset_id
        cls = type(source)
        fr.warnings = list(result.warnings) + result.check_warnings()
        fr.notes = list(result.notes)
        fr.skipped = [{"row_ref": s.row_ref, "reason": s.reason} for s in result.skipped]
        fr.checks = _check_dicts(result.checks)
        notes = {
            "notes": fr.notes,
            "warnings": fr.warnings,
            "skipped": fr.skipped[:1000],
            "skipped_count": len(fr.skipped),
            "checks": fr.checks,
            "collapsed_duplicates": fr.collapsed_rows,
            "replaced_duplicates": fr.replaced_duplicates,
            "dropped_for_newer_vintage": fr.dropped_rows,
            "superseded_older_rows": fr.superseded_rows,
            **meta.get("notes", {}),
        }
        size = path.stat().st_size if path.exists() else None
        return [
            dataset_id,
            cls.name,
            result.series,
            result.vintage,
            result.title or cls.title,
            meta.get("file_name", path.name),
            str(path.resolve()) if path.exists() else str(path),
            digest,
            size,
            datetime.now(UTC).replace(tzinfo=None),
            result.retrieved_at,
            result.url or meta.get("url") or cls.url,
            result.licence or cls.licence,
            result.synthetic,
            fr.rows,
            json.dumps(notes, ensure_ascii=False, default=str),
        ]


#: a reader's canonical rows, before they are split into segments and rows
_WIDE = ("CREATE OR REPLACE TEMP TABLE _wide AS SELECT ?::VARCHAR AS dataset_id, "
         f"?::BIGINT AS number, {', '.join(DATA_COLUMNS)}")
_WIDE_APPEND = f"INSERT INTO _wide SELECT ?, ?, {', '.join(DATA_COLUMNS)}"


def _check_dicts(checks: Sequence[AggregateCheck]) -> list[dict[str, Any]]:
    """Each check's fields (``asdict``'s, without its deep copy), its difference and verdict."""
    names = [f.name for f in fields(AggregateCheck)]
    return [{**{n: getattr(c, n) for n in names}, "difference": c.difference, "ok": c.ok}
            for c in checks]


def _mark_covered(con: Any, item: _Item) -> bool:
    """A file whose every row is held already (by a newer vintage, or by the same vintage
    with the same figures) changed nothing: it is ``covered``, never ``ingested``, and leaves
    no trace (its segments go with its rows)."""
    fr, result = item.report, item.result
    if fr.rows or result is None:
        return False
    fr.status = "covered"
    fr.warnings = [
        f"nothing stored: all {fr.dropped_rows:,} rows are held already by a newer "
        f"vintage of {result.series} (this file's vintage is {result.vintage!r}) or, with "
        "the same vintage, with the same figures. If this file is a correction, give it "
        "a later vintage or ingest it with --replace"
    ]
    lo, hi = seg_range(item.number)
    con.execute(f"DELETE FROM segments WHERE seg BETWEEN {lo} AND {hi}")
    return True


def _covered_copies(report: IngestReport) -> None:
    """A second copy of a covered file in the same ingest is covered too (it was found
    'unchanged' against a dataset that, in the end, was not stored)."""
    covered = {f.dataset_id: f for f in report.files if f.status == "covered"}
    for f in report.files:
        if f.status == "unchanged" and f.dataset_id in covered:
            f.status, f.warnings = "covered", list(covered[f.dataset_id].warnings)


def _check_result(result: ReadResult, path: Path) -> None:
    """What the store takes from a reader's result is text where it must be: a vintage or a
    series read from a file (a JSON document's ``Prepared`` field …) may be anything."""
    for field_name in ("series", "vintage"):
        value = getattr(result, field_name)
        if not isinstance(value, str) or not value.strip() or len(value) > 200:
            raise InputError(f"the file's {field_name} is not a short text: {_cut(repr(value))}",
                             file=str(path))


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
