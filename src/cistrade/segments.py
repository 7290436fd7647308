"""The store's narrow layout at work: writing rows as segments and rows, reading them back.

:mod:`cistrade.schema` defines the tables (``segments``, ``flow_rows``) and the ``flows``
view; this module is what the store does with them inside an ingest transaction:

* :func:`split_wide` writes canonical rows (a reader's Arrow table, a store of the earlier
  wide layout) as segments and rows, the ``row_ref`` taken apart (:mod:`cistrade.rowref`);
* :func:`add_segments` records the segments of rows a reader wrote straight into
  ``flow_rows`` (its SELECT naming its segments, :attr:`cistrade.sources.base.SqlData.segments`);
* :func:`canonical` reads rows back as the canonical columns with their ``rowid``, which the
  checks and the vintage rules work on and delete by;
* :func:`upgrade` converts a store of the wide layout in place.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from cistrade.errors import StoreError
from cistrade.rowref import row_ref_sql, split_row_ref_sql
from cistrade.schema import (
    FLOW_ROWS_DDL,
    FLOW_SCHEMA,
    FLOWS_VIEW,
    ROW_FIELDS,
    SCHEMA_VERSION,
    SEG_BITS,
    SEGMENT_FIELDS,
    SEGMENTS_DDL,
    seg_range,
    seg_sql,
)

__all__ = ["upgrade", "split_wide", "add_segments", "check_segments", "canonical",
           "stage_views", "drop_stage_views", "next_number", "quietly", "NO_REF"]

log = logging.getLogger(__name__)

#: a reader's SELECT on the narrow path gives line numbers alone (row_ref ``row=N``)
NO_REF = {"ref_head": "''", "ref_tail": "''"}
_SEGMENT_TYPES = {"freq": "VARCHAR", "product_class": "VARCHAR", "currency": "VARCHAR",
                  "valuation": "VARCHAR", "partner_basis": "VARCHAR", "quantity_unit": "VARCHAR",
                  "estimated": "BOOLEAN", "aggregate": "BOOLEAN"}
_STAGE_VIEWS = ("_stage", "_stage_rows", "_stage_segs")


def _has(con: Any, name: str, kind: str = "table") -> bool:
    catalog = "duckdb_tables()" if kind == "table" else "duckdb_views()"
    return bool(con.execute(
        f"SELECT count(*) FROM {catalog} WHERE {kind}_name = ? AND schema_name = 'main' "
        "AND NOT temporary", [name]).fetchall()[0][0])


def upgrade(con: Any, path: Path) -> None:
    """Create the layout, or convert a store of the wide layout (``flows`` a table) in place:
    its rows split into ``flow_rows`` and ``segments`` (each dataset a number, in the order
    of the datasets' ids), the same ``flows`` read back, in one transaction."""
    if _has(con, "flows", "view"):
        return
    wide = _has(con, "flows")
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(FLOW_ROWS_DDL)
        con.execute(SEGMENTS_DDL)
        if wide:
            _convert_wide(con, path)
        con.execute(FLOWS_VIEW)
        con.execute("CREATE OR REPLACE TABLE store_info (key VARCHAR, value VARCHAR)")
        con.execute("INSERT INTO store_info VALUES ('layout', ?)", [str(SCHEMA_VERSION)])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    if wide:
        con.execute("CHECKPOINT")  # give the wide table's space back now
        log.info("upgraded %s to the segmented layout", path)


def _convert_wide(con: Any, path: Path) -> None:
    log.info("upgrading %s: the flows table becomes flow_rows and segments", path)
    con.execute("ALTER TABLE flows RENAME TO _flows_wide")
    con.execute(
        "CREATE TEMP TABLE _numbers AS SELECT dataset_id, row_number() OVER "
        "(ORDER BY dataset_id) AS number FROM (SELECT DISTINCT dataset_id FROM _flows_wide)")
    split_wide(con, "(SELECT f.*, n.number FROM _flows_wide f JOIN _numbers n USING (dataset_id))")
    con.execute("DROP TABLE _numbers")
    con.execute("DROP TABLE _flows_wide")


def split_wide(con: Any, source: str, number: str = "number") -> None:
    """Write rows of the canonical columns (``source``: a relation with them and ``number``,
    the dataset's) into ``segments`` and ``flow_rows``."""
    head, line, tail = split_row_ref_sql("row_ref")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _split AS
            SELECT *, {seg_sql(number)} AS seg FROM (
                SELECT * EXCLUDE (row_ref), {head} AS ref_head, {line} AS line,
                       {tail} AS ref_tail FROM {source})""")
    fields = ", ".join(("seg", "dataset_id", *SEGMENT_FIELDS, "ref_head", "ref_tail"))
    check_segments(con, f"(SELECT DISTINCT {fields} FROM _split)")
    con.execute(f"INSERT INTO segments SELECT DISTINCT {fields} FROM _split")
    con.execute(f"INSERT INTO flow_rows SELECT seg, {', '.join(ROW_FIELDS)}, line FROM _split")
    con.execute("DROP TABLE _split")


def check_segments(con: Any, relation: str) -> None:
    """Two different segments with one id (a hash collision in its low bits: about one in
    10^12 pairs) would mix their rows: stop rather than store them."""
    clash = con.execute(
        f"SELECT seg FROM {relation} GROUP BY seg HAVING count(*) > 1 LIMIT 1").fetchall()
    if clash:
        raise StoreError(f"two segments share the id {clash[0][0]}: this file cannot be "
                         "stored in this store as it is (please report it)")


def add_segments(con: Any, candidates: str, dataset_id: str, number: int) -> None:
    """Record the segments the new rows of dataset ``number`` use, from the reader's
    ``candidates`` (SQL of segment field tuples, more than are used is fine)."""
    lo, hi = seg_range(number)
    fields = ", ".join(f"{f}::{t} AS {f}" for f, t in _SEGMENT_TYPES.items())
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _cands AS
            SELECT DISTINCT {seg_sql(str(number), NO_REF)} AS seg, ?::VARCHAR AS dataset_id,
                   * EXCLUDE (ref_head, ref_tail), '' AS ref_head, '' AS ref_tail
            FROM (SELECT {fields}, '' AS ref_head, '' AS ref_tail FROM ({candidates}))""",
        [dataset_id])
    check_segments(con, "_cands")
    con.execute(
        f"""INSERT INTO segments SELECT * FROM _cands WHERE seg IN (
                SELECT DISTINCT seg FROM flow_rows WHERE seg BETWEEN {lo} AND {hi})""")
    orphans = con.execute(
        f"""SELECT count(*) FROM flow_rows WHERE seg BETWEEN {lo} AND {hi}
            AND seg NOT IN (SELECT seg FROM _cands)""").fetchall()[0][0]
    con.execute("DROP TABLE _cands")
    if orphans:
        raise StoreError(f"{orphans} row(s) fall in no segment the reader named (a bug in "
                         "the reader: please report it)")


def next_number(con: Any) -> int:
    """A dataset number no segment uses yet (segments stay when their rows go)."""
    return con.execute(
        f"SELECT coalesce(max(seg >> {SEG_BITS}), 0)::BIGINT + 1 FROM segments").fetchall()[0][0]


def canonical(lo: int | None = None, hi: int | None = None) -> str:
    """SELECT of the canonical rows with ``_rid`` (the row's id in ``flow_rows``, to delete
    it by), of the segment ids ``lo``..``hi`` (some datasets) or of every row."""
    cols = []
    for f in FLOW_SCHEMA:
        if f.name == "row_ref":
            cols.append(f"{row_ref_sql('s.ref_head', 'r.line', 's.ref_tail')} AS row_ref")
        else:
            cols.append(f"{'r' if f.name in ROW_FIELDS else 's'}.{f.name}")
    where = (f" WHERE r.seg BETWEEN {lo} AND {hi} AND s.seg BETWEEN {lo} AND {hi}"
             if lo is not None else "")
    return (f"SELECT r.rowid AS _rid, {', '.join(cols)} "
            f"FROM flow_rows r JOIN segments s ON r.seg = s.seg{where}")


def stage_views(con: Any, lo: int, hi: int, prefix: str = "_stage") -> None:
    """The views the checks read (:mod:`cistrade.validate`) over segment ids ``lo``..``hi``:
    ``<prefix>`` (canonical rows), ``<prefix>_rows`` and ``<prefix>_segs``."""
    con.execute(f"CREATE OR REPLACE TEMP VIEW {prefix} AS {canonical(lo, hi)}")
    con.execute(f"CREATE OR REPLACE TEMP VIEW {prefix}_rows AS SELECT rowid AS _rid, * "
                f"FROM flow_rows WHERE seg BETWEEN {lo} AND {hi}")
    con.execute(f"CREATE OR REPLACE TEMP VIEW {prefix}_segs AS SELECT * FROM segments "
                f"WHERE seg BETWEEN {lo} AND {hi}")


def drop_stage_views(con: Any, prefix: str = "_stage") -> None:
    def drop() -> None:
        for view in (prefix, f"{prefix}_rows", f"{prefix}_segs"):
            con.execute(f"DROP VIEW IF EXISTS {view}")

    quietly(drop)


def quietly(step: Callable[[], object]) -> None:
    """Run a clean-up step (drop a view, unregister a table) that must not hide the error
    being raised: once a statement has failed, DuckDB refuses every other one until the
    transaction is rolled back ("Current transaction is aborted"), and that error would
    replace the one naming the file and row. The rollback that follows undoes the step's work."""
    try:
        step()
    except duckdb.TransactionException:
        pass
