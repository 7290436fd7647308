"""The SQL steps turning staged Comtrade records into canonical rows (see
:mod:`cistrade.sources.comtrade` for the rules). Each step runs on the reader's private
DuckDB connection, on the tables ``raw`` → ``typed`` → ``marked``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa

from cistrade.errors import InputError, UnknownCountry, _cut
from cistrade.reference.countries import registry
from cistrade.rowref import format_row_ref, line_ref_sql
from cistrade.schema import DATA_COLUMNS
from cistrade.sources import comtrade_layouts as layouts
from cistrade.sources.base import Skipped
from cistrade.sources.comtrade_codes import resolve

__all__ = ["CLASSIFICATIONS", "typed_sql", "check_numbers", "check_periods", "skip_rows",
           "map_areas", "deduplicate", "breakdowns", "canonical"]

CLASSIFICATIONS = {
    "H0": "HS92", "H1": "HS96", "H2": "HS02", "H3": "HS07", "H4": "HS12", "H5": "HS17",
    "H6": "HS22", "HS": "HS", "S1": "SITC1", "S2": "SITC2", "S3": "SITC3", "S4": "SITC4",
    "B4": "BEC4", "B5": "BEC5",
}
NUMERIC = ("year", "month", "primary_value", "cif", "fob", "qty", "net_wgt", "legacy_flag",
           "qty_unit_code")

_CODE = """CASE WHEN TRY_CAST(trim({c}) AS DOUBLE) IS NOT NULL
    THEN TRY_CAST(TRY_CAST(trim({c}) AS DOUBLE) AS BIGINT)::VARCHAR ELSE nullif(trim({c}), '') END"""
#: fields read as whole numbers, and the largest magnitude each may have (a numeric area code
#: has at most a few digits; a flag or a year fits in an INTEGER): beyond it the file is damaged
WHOLE = {"year": 9999, "month": 99, "legacy_flag": 1e6, "qty_unit_code": 1e6,
         "reporter_code": 1e9, "partner_code": 1e9, "partner2_code": 1e9, "mot_code": 1e9}
_IMPORTS = "('import', 're-import')"


def typed_sql() -> str:
    classes = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in CLASSIFICATIONS.items())
    num = {f: f"TRY_CAST({f} AS DOUBLE)" for f in NUMERIC}
    return f"""
    CREATE TABLE typed AS
    WITH t AS (
        SELECT _rn, upper(trim(type_code)) AS type_code, upper(trim(freq)) AS freq_code,
            TRY_CAST({num['year']} AS INTEGER) AS year,
            coalesce(TRY_CAST({num['month']} AS INTEGER),
                     TRY_CAST(substr(regexp_replace(period, '\\D', '', 'g'), 5, 2) AS INTEGER))
                AS month,
            {_CODE.format(c='reporter_code')} AS reporter_code,
            upper(trim(reporter_iso)) AS reporter_iso,
            reporter_desc, upper(trim(flow_code)) AS flow_code, flow_desc,
            {_CODE.format(c='partner_code')} AS partner_code,
            upper(trim(partner_iso)) AS partner_iso,
            partner_desc,
            {_CODE.format(c='partner2_code')} AS partner2_code,
            upper(trim(partner2_iso)) AS partner2_iso,
            upper(trim(classification)) AS classification, trim(cmd_code) AS cmd_code,
            upper(trim(customs_code)) AS customs_code, {_CODE.format(c='mot_code')} AS mot_code,
            TRY_CAST({num['qty_unit_code']} AS INTEGER) AS qty_unit_code, trim(qty_unit) AS qty_unit,
            {num['qty']} AS qty, {num['net_wgt']} AS net_wgt, {num['cif']} AS cif,
            {num['fob']} AS fob, {num['primary_value']} AS primary_value,
            TRY_CAST({num['legacy_flag']} AS INTEGER) AS legacy_flag,
            TRY_CAST(is_reported AS BOOLEAN) AS is_reported,
            TRY_CAST(is_aggregate AS BOOLEAN) AS is_aggregate
        FROM raw),
    f AS (
        SELECT *,
            CASE flow_code WHEN 'M' THEN 'import' WHEN 'X' THEN 'export'
                 WHEN 'RM' THEN 're-import' WHEN 'RX' THEN 're-export' END AS flow,
            CASE WHEN freq_code IN ('A', 'M') THEN freq_code
                 WHEN month BETWEEN 1 AND 12 THEN 'M'
                 WHEN month IS NULL OR month = 52 THEN 'A' END AS freq
        FROM t)
    SELECT *,
        coalesce(primary_value, CASE WHEN flow IN {_IMPORTS} THEN cif ELSE fob END, cif, fob)
            AS value,
        CASE WHEN upper(cmd_code) = 'TOTAL' THEN 'TOTAL'
             ELSE CASE coalesce(classification, 'HS') {classes} ELSE classification END
        END AS product_class,
        CASE WHEN upper(cmd_code) = 'TOTAL' THEN 'TOTAL' ELSE cmd_code END AS product,
        coalesce(legacy_flag, 0) <> 0
            OR (coalesce(is_reported, true) = false AND coalesce(is_aggregate, false) = false)
            AS estimated,
        partner2_code IS NULL OR partner2_code = '0' AS p2_total,
        mot_code IS NULL OR mot_code = '0' AS mot_total,
        customs_code IS NULL OR customs_code = 'C00' AS customs_total
    FROM f
    """


_VALUATION = f"""CASE WHEN flow IN {_IMPORTS}
    THEN CASE WHEN NOT cif_ok AND fob_ok THEN 'FOB' ELSE 'CIF' END
    ELSE CASE WHEN NOT fob_ok AND cif_ok THEN 'CIF' ELSE 'FOB' END END"""

_QTY_OK = ("qty IS NOT NULL AND coalesce(qty_unit_code, 0) <> -1 "
           "AND upper(coalesce(qty_unit, 'N/A')) <> 'N/A'")

_GROUP = "reporter_code, partner_code, flow, freq, year, month, product_class, product"
_RECORD = f"{_GROUP}, partner2_code, customs_code, mot_code"
_CANONICAL = ("reporter, partner, flow, freq, period_start, period_end, product_class, product, "
              "partner_basis")


def check_numbers(con: Any, path: Path, layout: layouts.Layout) -> None:
    """The first cell of a numeric field that is not a number, then the first code, year,
    month or flag too large for what it is (``reporterCode`` 1e29)."""
    _first_bad(con, path, layout, {
        f: f"{f} IS NOT NULL AND trim({f}) <> '' AND TRY_CAST({f} AS DOUBLE) IS NULL"
        for f in NUMERIC}, lambda f: "not a number")
    _first_bad(con, path, layout, {
        f: f"abs(TRY_CAST({f} AS DOUBLE)) > {bound}" for f, bound in WHOLE.items()},
        lambda f: f"not a plausible {f.replace('_', ' ')}")


def _first_bad(con: Any, path: Path, layout: layouts.Layout, conditions: dict[str, str],
               problem: Any) -> None:
    """InputError at the first row where one of the file's fields meets its condition."""
    fields = [f for f in conditions if f in layout.source_of]
    if not fields:
        return
    bad = " ".join(f"WHEN {conditions[f]} THEN '{f}'" for f in fields)
    row = con.execute(
        f"SELECT _rn, field FROM (SELECT _rn, CASE {bad} END AS field FROM raw) "
        "WHERE field IS NOT NULL ORDER BY _rn LIMIT 1"
    ).fetchall()
    if row:
        rn, field = row[0]
        value = con.execute(f"SELECT {field} FROM raw WHERE _rn = ?", [rn]).fetchall()[0][0]
        raise InputError(f"{problem(field)}: {_cut(repr(value))}", file=str(path), row=rn,
                         column=layout.source_of[field])


def check_periods(con: Any, path: Path, layout: layouts.Layout) -> None:
    checks = [
        ("year IS NULL", "no reference year", "year"),
        ("freq IS NULL", "refMonth is neither a month (1-12) nor 52 (the year)", "month"),
        ("freq = 'M' AND NOT coalesce(month BETWEEN 1 AND 12, false)", "no month", "month"),
        ("flow IS NOT NULL AND value IS NULL", "no value (primaryValue, cifvalue, fobvalue "
         "all empty)", "primary_value"),
        ("flow IS NOT NULL AND (cmd_code IS NULL OR cmd_code = '')", "no commodity code",
         "cmd_code"),
    ]
    for cond, problem, field in checks:
        (first,) = con.execute(f"SELECT min(_rn) FROM typed WHERE {cond}").fetchall()[0]
        if first is not None:
            raise InputError(problem, file=str(path), row=first,
                             column=layout.source_of.get(field, layout.mapping.get(field)))


def skip_rows(con: Any) -> list[Skipped]:
    rows = con.execute(
        """SELECT _rn, CASE WHEN coalesce(type_code, 'C') <> 'C'
                   THEN 'typeCode ' || type_code || ': services, not goods'
                   ELSE 'flow ' || coalesce(flow_code, '(none)')
                        || coalesce(' (' || flow_desc || ')', '') || ': not one of M, X, RM, RX'
              END
           FROM typed WHERE flow IS NULL OR coalesce(type_code, 'C') <> 'C' ORDER BY _rn"""
    ).fetchall()
    con.execute("DELETE FROM typed WHERE flow IS NULL OR coalesce(type_code, 'C') <> 'C'")
    return [Skipped(format_row_ref(row=rn), reason) for rn, reason in rows]


def map_areas(con: Any, path: Path) -> None:
    """Resolve every distinct (code, ISO, name) to a registry code, into table ``areas_map``."""
    pairs = con.execute(
        """SELECT code, iso, any_value(name), min(_rn) FROM (
               SELECT reporter_code AS code, reporter_iso AS iso, reporter_desc AS name, _rn
               FROM typed
               UNION ALL
               SELECT partner_code, partner_iso, partner_desc, _rn FROM typed)
           GROUP BY code, iso"""
    ).fetchall()
    reg = registry()
    rows = []
    for code, iso, name, rn in pairs:
        try:
            area = resolve(code, iso, name)
        except UnknownCountry as exc:
            raise exc.located(file=str(path), row=rn) from None
        rows.append((code, iso, area, reg.get(area).kind in ("world", "group")))
    table = pa.table({
        "code": pa.array([r[0] for r in rows], pa.string()),
        "iso": pa.array([r[1] for r in rows], pa.string()),
        "area": pa.array([r[2] for r in rows], pa.string()),
        "is_total": pa.array([r[3] for r in rows], pa.bool_()),
    })
    con.register("_areas_in", table)
    con.execute("CREATE TABLE areas_map AS SELECT * FROM _areas_in")
    con.unregister("_areas_in")


def deduplicate(con: Any, path: Path) -> list[str]:
    """Collapse identical repeated records; stop on a record repeated with other values."""
    dup = con.execute(
        f"""SELECT min(_rn), max(_rn), count(*) - 1,
                   count(DISTINCT (value, qty, net_wgt, estimated)) > 1 AS conflict
            FROM typed GROUP BY {_RECORD} HAVING count(*) > 1
            ORDER BY conflict DESC, min(_rn)"""
    ).fetchall()
    if not dup:
        return []
    first, last, _extra, conflict = dup[0]
    if conflict:
        raise InputError(
            f"the same record appears twice with different values (rows {first} and {last})",
            file=str(path), row=first,
        )
    con.execute(
        f"""DELETE FROM typed WHERE _rn NOT IN (SELECT min(_rn) FROM typed GROUP BY {_RECORD})"""
    )
    return [f"{sum(d[2] for d in dup)} repeated identical record(s) collapsed"]


def breakdowns(con: Any) -> list[Skipped]:
    """Skip detail records whose total record is in the file (see the module docstring)."""
    con.execute(
        f"""CREATE TABLE marked AS SELECT *,
              CASE WHEN NOT p2_total AND bool_or(p2_total) OVER w
                     THEN 'partner2 = ' || coalesce(partner2_iso, partner2_code)
                          || ' (second-partner detail; the partner2 = World record is kept)'
                   WHEN NOT mot_total AND bool_or(mot_total) OVER w
                     THEN 'mode of transport ' || mot_code
                          || ' (detail; the all-modes record is kept)'
                   WHEN NOT customs_total AND bool_or(customs_total) OVER w
                     THEN 'customs procedure ' || customs_code
                          || ' (detail; the all-procedures record is kept)'
              END AS skip_reason
            FROM typed WINDOW w AS (PARTITION BY {_GROUP})"""
    )
    rows = con.execute(
        "SELECT _rn, skip_reason FROM marked WHERE skip_reason IS NOT NULL ORDER BY _rn"
    ).fetchall()
    return [Skipped(format_row_ref(row=rn), reason) for rn, reason in rows]


def canonical(con: Any) -> tuple[pa.Table, tuple[int, int] | None]:
    con.complete()
    rel = con.sql(
        f"""WITH k AS (
              SELECT m.*, r.area AS reporter, p.area AS partner, p.is_total AS aggregate,
                  make_date(year, CASE WHEN freq = 'M' THEN month ELSE 1 END, 1) AS period_start,
                  last_day(make_date(year, CASE WHEN freq = 'M' THEN month ELSE 12 END, 1))
                      AS period_end,
                  CASE WHEN flow IN {_IMPORTS} THEN 'origin' ELSE 'destination' END
                      AS partner_basis,
                  coalesce(cif > 0 AND abs(cif - value) <= 0.5 + 1e-9 * value, false) AS cif_ok,
                  coalesce(fob > 0 AND abs(fob - value) <= 0.5 + 1e-9 * value, false) AS fob_ok,
                  CASE WHEN {_QTY_OK} THEN qty ELSE net_wgt END AS quantity,
                  CASE WHEN {_QTY_OK} THEN qty_unit WHEN net_wgt IS NOT NULL THEN 'kg' END
                      AS quantity_unit
              FROM marked m
              JOIN areas_map r ON r.code IS NOT DISTINCT FROM m.reporter_code
                              AND r.iso IS NOT DISTINCT FROM m.reporter_iso
              JOIN areas_map p ON p.code IS NOT DISTINCT FROM m.partner_code
                              AND p.iso IS NOT DISTINCT FROM m.partner_iso
              WHERE m.skip_reason IS NULL)
            SELECT {_CANONICAL}, sum(value) AS value, 'USD' AS currency,
                CASE WHEN count(DISTINCT {_VALUATION}) = 1 THEN any_value({_VALUATION})
                     ELSE 'unknown' END AS valuation,
                CASE WHEN count(DISTINCT quantity_unit) = 1 AND count(quantity) = count(*)
                     THEN sum(quantity) END AS quantity,
                CASE WHEN count(DISTINCT quantity_unit) = 1 AND count(quantity) = count(*)
                     THEN any_value(quantity_unit) END AS quantity_unit,
                bool_or(estimated) AS estimated, bool_or(aggregate) AS aggregate,
                {line_ref_sql('min(_rn)')} AS row_ref, count(*) AS records
            FROM k GROUP BY {_CANONICAL} ORDER BY min(_rn)"""
    )
    table = rel.to_arrow_table()
    records = table.column("records").to_pylist()
    multi = [n for n in records if n > 1]
    summed = (len(multi), sum(multi)) if multi else None
    return table.select(DATA_COLUMNS), summed
