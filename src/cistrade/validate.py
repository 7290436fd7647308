"""Checks every staged row before it reaches the store, whatever the source.

Runs inside the ingest transaction on the rows just written under the new dataset id
(the ``_stage`` view); the first problem
raises :class:`InputError` naming the file and the row (from ``row_ref``), so the
transaction rolls back and the store is left as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cistrade.errors import InputError, UnknownCountry
from cistrade.model import Flow, Freq, PartnerBasis, Valuation
from cistrade.schema import NATURAL_KEY

__all__ = ["validate_stage", "parse_row_ref", "format_row_ref"]


def format_row_ref(*, sheet: str | None = None, row: int | None = None, col: str | None = None) -> str:
    """``sheet=2023;row=14;col=D`` (parts left out when unknown)."""
    parts = []
    if sheet is not None:
        parts.append(f"sheet={sheet}")
    if row is not None:
        parts.append(f"row={row}")
    if col is not None:
        parts.append(f"col={col}")
    return ";".join(parts)


def parse_row_ref(ref: str | None) -> dict[str, Any]:
    """The parts of a row_ref as keyword arguments for :class:`InputError`."""
    out: dict[str, Any] = {}
    for part in (ref or "").split(";"):
        key, _, value = part.partition("=")
        if key == "sheet":
            out["sheet"] = value
        elif key == "row" and value.isdigit():
            out["row"] = int(value)
        elif key == "col":
            out["column"] = value
    return out


def _values(enum: type) -> str:
    return ", ".join(f"'{m.value}'" for m in enum)


#: the largest value one row may hold, per currency: no country trades 10^15 US dollars (or
#: euros, pounds …) with one partner in one period — world exports are about 2.4e13 USD a
#: year. A currency worth far less than a dollar has room in proportion; any other currency
#: (cistrade knows no magnitude for it) gets the widest room. Quantities, whatever their
#: unit, are bounded the same way (world trade is about 1.2e13 kg a year).
MAX_VALUE: dict[str, float] = {"USD": 1e15, "EUR": 1e15, "GBP": 1e15, "CHF": 1e15, "CNY": 1e16,
                               "RUB": 1e17, "KZT": 1e18, "UZS": 1e19, "AMD": 1e18, "KGS": 1e17,
                               "TJS": 1e16, "BYN": 1e16, "AZN": 1e16, "UAH": 1e17, "GEL": 1e16,
                               "MDL": 1e17, "TMT": 1e16}
MAX_OTHER = 1e20
MAX_QUANTITY = 1e16


def _bound_sql() -> str:
    cases = " ".join(f"WHEN '{c}' THEN {v!r}" for c, v in MAX_VALUE.items())
    return f"(CASE upper(currency) {cases} ELSE {MAX_OTHER!r} END)"


_CHECKS: list[tuple[str, str]] = [
    ("reporter IS NULL OR reporter = ''", "no reporter"),
    ("partner IS NULL OR partner = ''", "no partner"),
    ("period_start IS NULL OR period_end IS NULL", "no period"),
    ("value IS NULL", "no value (empty or not a number)"),
    ("NOT isfinite(value)", "the value is not a finite number"),
    ("value < 0", "the value is negative"),
    (f"value > {_bound_sql()}", "the value is beyond any plausible trade figure"),
    (f"quantity > {MAX_QUANTITY!r}", "the quantity is beyond any plausible trade figure"),
    (f"flow IS NULL OR flow NOT IN ({_values(Flow)})", "unknown flow"),
    (f"freq IS NULL OR freq NOT IN ({_values(Freq)})", "unknown frequency"),
    (f"valuation IS NULL OR valuation NOT IN ({_values(Valuation)})", "unknown valuation"),
    (f"partner_basis IS NULL OR partner_basis NOT IN ({_values(PartnerBasis)})", "unknown basis"),
    ("period_end < period_start", "the period ends before it starts"),
    ("currency IS NULL OR length(currency) <> 3", "no currency (a 3-letter code)"),
    ("product IS NULL OR product_class IS NULL", "no product"),
    ("estimated IS NULL OR aggregate IS NULL", "no estimated/aggregate flag"),
]


_ANY_BAD = " OR ".join(f"({cond})" for cond, _ in _CHECKS)


def _summary(con: Any) -> tuple[int, bool, bool, int]:
    """One scan for the usual, clean file: (rows, a bad row?, an unknown code?, repeated key
    hashes). Only what it finds is looked at again, row by row."""
    key = ", ".join(NATURAL_KEY)
    codes = "SELECT DISTINCT reporter AS c FROM _stage UNION SELECT DISTINCT partner FROM _stage"
    return con.execute(
        f"""SELECT count(*), coalesce(bool_or({_ANY_BAD}), false),
                   (SELECT count(*) FROM ({codes}) WHERE c NOT IN (SELECT code FROM areas)) > 0,
                   count(*) - count(DISTINCT hash({key}))
            FROM _stage"""
    ).fetchall()[0]


def _bound(currency: str | None) -> str:
    return f"{MAX_VALUE.get(str(currency or '').upper(), MAX_OTHER):.0e}"


def _check_rows(con: Any, path: Path) -> None:
    """The first row with a missing, malformed or out-of-range field."""
    cases = " ".join(f"WHEN {cond} THEN '{msg}'" for cond, msg in _CHECKS)
    bad = con.execute(
        f"""SELECT row_ref, CASE {cases} END, value, flow, freq, valuation, partner_basis,
                   currency, quantity
            FROM _stage WHERE {_ANY_BAD} LIMIT 1"""
    ).fetchone()
    if bad:
        ref, problem, value, flow, freq, valuation, basis, currency, quantity = bad
        shown = {
            "the value is negative": value,
            "the value is not a finite number": value,
            "the quantity is beyond any plausible trade figure": quantity,
            "unknown flow": flow,
            "unknown frequency": freq,
            "unknown valuation": valuation,
            "unknown basis": basis,
        }.get(problem)
        extra = f": {shown!r}" if shown is not None else ""
        if problem == "the value is beyond any plausible trade figure":
            extra = f": {value:.4g} {currency} (over {_bound(currency)} in one row)"
        raise InputError(f"{problem}{extra}", file=str(path), **parse_row_ref(ref))


def _check_codes(con: Any, path: Path) -> None:
    """Called when some code is unknown (:func:`_summary`): the first one, with its row."""
    for column in ("reporter", "partner"):
        bad = con.execute(
            f"""SELECT s.{column}, min(s.row_ref) FROM
                  (SELECT DISTINCT {column} FROM _stage) d
                  JOIN _stage s USING ({column})
                WHERE d.{column} NOT IN (SELECT code FROM areas)
                GROUP BY s.{column} LIMIT 1"""
        ).fetchone()
        if bad:
            code, ref = bad
            from cistrade.reference.countries import registry

            suggestions = registry().suggest(str(code), limit=3)
            raise UnknownCountry(str(code), suggestions, file=str(path), **parse_row_ref(ref))


def _duplicates(con: Any, path: Path, dataset_id: str, mode: str, target: str) -> tuple[int, int]:
    """Called when some key hashes repeat (equal keys always share a hash, so none repeating
    means no duplicate; a collision only costs this query)."""
    key = ", ".join(NATURAL_KEY)
    dup = con.execute(
        f"""SELECT count(*) AS groups, sum(n - 1) AS extra,
                   count(*) FILTER (WHERE distinct_values > 1) AS conflicts,
                   min(first_ref) FILTER (WHERE distinct_values > 1 OR ?) AS ref
            FROM (SELECT count(*) AS n, count(DISTINCT value) AS distinct_values,
                         min(row_ref) AS first_ref
                  FROM _stage GROUP BY {key} HAVING count(*) > 1)""",
        [mode == "error"],
    ).fetchone()
    groups, extra, conflicts, ref = dup
    if not groups:
        return 0, 0
    if mode == "error":
        raise InputError(
            f"{extra} duplicate row(s): the same reporter, partner, flow, period, product and "
            "basis appear more than once (first at this row)",
            file=str(path),
            **parse_row_ref(ref),
        )
    con.execute(
        f"""DELETE FROM {target} WHERE dataset_id = ? AND rowid NOT IN (
                SELECT max(rowid) FROM {target} WHERE dataset_id = ? GROUP BY {key})""",
        [dataset_id, dataset_id],
    )
    return int(extra), int(conflicts)


def validate_stage(
    con: Any, path: Path, dataset_id: str, on_duplicate: str = "error", *, target: str = "flows"
) -> tuple[int, int]:
    """Raise on the first bad row of ``dataset_id``.

    Returns (duplicate rows removed, keys whose duplicates had different values).
    """
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW _stage AS SELECT * FROM {_table(target)} WHERE dataset_id = "
        + _quote(dataset_id)
    )
    try:
        total, bad_row, unknown_code, repeated = _summary(con)
        if total == 0:
            raise InputError("the file holds no data rows", file=str(path))
        if bad_row:
            _check_rows(con, path)
        if unknown_code:
            _check_codes(con, path)
        if not repeated:
            return 0, 0
        return _duplicates(con, path, dataset_id, on_duplicate, _table(target))
    finally:
        con.execute("DROP VIEW IF EXISTS _stage")


def _table(target: str) -> str:
    return "main.flows" if target == "flows" else target


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
