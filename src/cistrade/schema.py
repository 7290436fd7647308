"""The canonical flow row: one Arrow schema that every source reads into.

``value`` is in whole units of ``currency`` (publishers' thousands and millions are multiplied
out at read time). ``period_start``/``period_end`` are the first and last day of the period the
value covers (``freq`` A, Q, M, or C for a publisher's cumulative run of months).
``aggregate`` is true for a publisher's own total or group row (World, CIS, EAEU, non-CIS …):
kept as published, never added to the country rows. ``row_ref`` points back into the file
(``sheet=2023;row=14;col=D``); the file itself is the dataset's.
"""

from __future__ import annotations

import pyarrow as pa

__all__ = [
    "FLOW_SCHEMA", "DATA_COLUMNS", "NATURAL_KEY", "COVERAGE_KEYS", "COVERAGE_DDL", "coverage_select",
    "empty_flows", "DUCKDB_FLOWS_DDL",
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
