"""The canonical flow row: one Arrow schema that every source reads into.

``value`` is in whole units of ``currency`` (publishers' thousands and millions are multiplied
out at read time). ``period_start``/``period_end`` are the first and last day of the period the
value covers (``freq`` A, Q, M, or C for a publisher's cumulative run of months).
``aggregate`` is true for a publisher's own total or group row (World, CIS, EAEU, non-CIS …):
kept as published, never added to the country rows. ``row_ref`` points back into the file
(``sheet=2023;row=14;col=D``); the file itself is the dataset's.

That is the relation everyone reads (``flows``). It is stored narrower, following the data:
what is the same over many rows of a dataset (its source's frequency, product classification,
currency, valuation, partner basis, quantity unit, the estimated and aggregate flags and the
sheet and column of the row_ref) is kept once per *segment* in ``segments``; the row in
``flow_rows`` keeps what varies (reporter, partner, flow, period, product, value, quantity)
and its file line as an integer, and points to its segment (``seg``). ``flows`` is a view
joining the two (:data:`FLOWS_VIEW`), with ``row_ref`` put together when it is read
(:mod:`cistrade.rowref`). A segment id is the dataset's number in its top bits and a hash of
the segment's fields in the low 40: one dataset's rows form one range of ``seg``, which lets
a scan skip the row groups of every other dataset.
"""

from __future__ import annotations

import pyarrow as pa

__all__ = [
    "FLOW_SCHEMA", "DATA_COLUMNS", "NATURAL_KEY", "COVERAGE_KEYS", "COVERAGE_DDL", "coverage_select",
    "empty_flows", "DUCKDB_FLOWS_DDL", "SEGMENT_FIELDS", "ROW_FIELDS", "FLOW_ROWS_DDL",
    "SEGMENTS_DDL", "FLOWS_VIEW", "SCHEMA_VERSION", "SEG_BITS", "seg_sql", "seg_range",
]

FLOW_SCHEMA = pa.schema(
    [
        pa.field("dataset_id", pa.string(), nullable=False),
        pa.field("reporter", pa.string(), nullable=False),
        pa.field("partner", pa.string(), nullable=False),
        pa.field("flow", pa.string(), nullable=False),
        pa.field("freq", pa.string(), nullable=False),
        pa.field("period_start", pa.date32(), nullable=False),
        pa.field("period_end", pa.date32(), nullable=False),
        pa.field("product_class", pa.string(), nullable=False),
        pa.field("product", pa.string(), nullable=False),
        pa.field("value", pa.float64(), nullable=False),
        pa.field("currency", pa.string(), nullable=False),
        pa.field("valuation", pa.string(), nullable=False),
        pa.field("partner_basis", pa.string(), nullable=False),
        pa.field("quantity", pa.float64()),
        pa.field("quantity_unit", pa.string()),
        pa.field("estimated", pa.bool_(), nullable=False),
        pa.field("aggregate", pa.bool_(), nullable=False),
        pa.field("row_ref", pa.string(), nullable=False),
    ]
)

#: what a source produces: every column but ``dataset_id`` (the store assigns it)
DATA_COLUMNS: list[str] = [f.name for f in FLOW_SCHEMA if f.name != "dataset_id"]

#: the columns that identify one figure; two rows with the same key are duplicates
NATURAL_KEY: tuple[str, ...] = (
    "reporter",
    "partner",
    "flow",
    "freq",
    "period_start",
    "period_end",
    "product_class",
    "product",
    "partner_basis",
)

#: what the store's ``coverage`` table groups the flows by (plus ``agg``: the partner code of a
#: publisher's aggregate row, '' for partner rows): which rows answer which question
COVERAGE_KEYS: tuple[str, ...] = (
    "reporter",
    "dataset_id",
    "flow",
    "freq",
    "period_start",
    "period_end",
    "product_class",
    "partner_basis",
    "currency",
)

#: per segment: what a dataset's rows mostly share (``ref_head``/``ref_tail`` come with them)
SEGMENT_FIELDS: tuple[str, ...] = (
    "freq", "product_class", "currency", "valuation", "partner_basis", "quantity_unit",
    "estimated", "aggregate",
)
#: per row: what varies (and ``line``, the row's line in its file, for its row_ref)
ROW_FIELDS: tuple[str, ...] = (
    "reporter", "partner", "flow", "period_start", "period_end", "product", "value", "quantity",
)
#: the layout version a store records in ``store_info`` (1: one wide ``flows`` table)
SCHEMA_VERSION = 2
#: the low bits of a segment id hold the hash of its fields; the dataset's number is above
SEG_BITS = 40

_DUCK_TYPES = {
    pa.string(): "VARCHAR",
    pa.date32(): "DATE",
    pa.float64(): "DOUBLE",
    pa.bool_(): "BOOLEAN",
}

# No NOT NULL constraints in the table: :mod:`cistrade.validate` checks every ingested row
# and names the file row at fault, which a constraint violation cannot do.
DUCKDB_FLOWS_DDL = ",\n    ".join(f"{f.name} {_DUCK_TYPES[f.type]}" for f in FLOW_SCHEMA)


COVERAGE_DDL = (
    "CREATE TABLE IF NOT EXISTS coverage (\n    "
    + ",\n    ".join(f"{k} {_DUCK_TYPES[FLOW_SCHEMA.field(k).type]}" for k in COVERAGE_KEYS)
    + ",\n    agg VARCHAR,\n    rows BIGINT\n)"
)


def _ddl(names: tuple[str, ...]) -> str:
    return ",\n    ".join(f"{n} {_DUCK_TYPES[FLOW_SCHEMA.field(n).type]}" for n in names)


FLOW_ROWS_DDL = f"CREATE TABLE flow_rows (\n    seg UBIGINT,\n    {_ddl(ROW_FIELDS)},\n    line BIGINT\n)"
SEGMENTS_DDL = (f"CREATE TABLE segments (\n    seg UBIGINT,\n    dataset_id VARCHAR,\n    "
                f"{_ddl(SEGMENT_FIELDS)},\n    ref_head VARCHAR,\n    ref_tail VARCHAR\n)")


def _view_columns() -> str:
    from cistrade.rowref import row_ref_sql

    cols = []
    for f in FLOW_SCHEMA:
        if f.name == "row_ref":
            cols.append(f"{row_ref_sql('s.ref_head', 'r.line', 's.ref_tail')} AS row_ref")
        elif f.name in ROW_FIELDS:
            cols.append(f"r.{f.name}")
        else:
            cols.append(f"s.{f.name}")
    return ", ".join(cols)


#: the canonical relation: every column of :data:`FLOW_SCHEMA`, in its order
FLOWS_VIEW = (f"CREATE VIEW flows AS SELECT {_view_columns()} "
              "FROM flow_rows r JOIN segments s ON r.seg = s.seg")


def seg_sql(number: str, fields: dict[str, str] | None = None) -> str:
    """SQL for a row's segment id: dataset ``number`` (SQL) in the top bits, a hash of the
    segment's fields (``fields`` maps a field to its SQL; default the column of that name) in
    the low :data:`SEG_BITS`."""
    names = (*SEGMENT_FIELDS, "ref_head", "ref_tail")
    exprs = ", ".join((fields or {}).get(n, n) for n in names)
    mask = (1 << SEG_BITS) - 1
    return f"((({number})::UBIGINT << {SEG_BITS}) | (hash({exprs}) & {mask}::UBIGINT))"


def seg_range(number: int) -> tuple[int, int]:
    """The first and last segment id of dataset ``number``."""
    return number << SEG_BITS, ((number + 1) << SEG_BITS) - 1


def coverage_select(where: str = "") -> str:
    """The coverage rows of ``flows`` (optionally filtered: ``WHERE dataset_id IN (…)``)."""
    keys = ", ".join(COVERAGE_KEYS)
    return (
        f"SELECT {keys}, CASE WHEN aggregate THEN partner ELSE '' END AS agg, count(*) AS rows "
        f"FROM flows {where} GROUP BY ALL"
    )


def empty_flows(with_dataset: bool = False) -> pa.Table:
    schema = FLOW_SCHEMA if with_dataset else FLOW_SCHEMA.remove(0)
    return schema.empty_table()
