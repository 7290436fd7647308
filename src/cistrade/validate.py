"""Checks every staged row before it reaches the store, whatever the source.

Runs inside the ingest transaction on the rows just written under the new dataset id (the
store's ``_stage`` view: the canonical columns and ``_rid``, the row's id in ``flow_rows``;
``_stage_rows`` and ``_stage_segs``: the same rows' ``flow_rows`` and ``segments``);
the first problem raises :class:`InputError` naming the file and the row (from ``row_ref``),
so the transaction rolls back and the store is left as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cistrade.errors import InputError, UnknownCountry
from cistrade.model import Flow, Freq, PartnerBasis, Valuation
from cistrade.rowref import format_row_ref, parse_row_ref
from cistrade.schema import NATURAL_KEY, SEG_BITS, SEGMENT_FIELDS

__all__ = ["validate_stage", "run_summaries", "parse_row_ref", "format_row_ref"]


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

#: the same checks, split by where the fields are stored (:mod:`cistrade.schema`): the
#: segment fields are checked once per segment, not once per row. The bound of a value
#: depends on its currency (a segment field): the rows alone are held to the smallest bound,
#: and a row beyond it is looked at again with its currency (:func:`_check_rows`)
_ROW_BAD = " OR ".join(f"({c})" for c in (
    "reporter IS NULL OR reporter = ''", "partner IS NULL OR partner = ''",
    "period_start IS NULL OR period_end IS NULL", "value IS NULL", "NOT isfinite(value)",
    "value < 0", f"value > {min(MAX_VALUE.values())!r}", f"quantity > {MAX_QUANTITY!r}",
    f"flow IS NULL OR flow NOT IN ({_values(Flow)})",
    "period_end < period_start", "product IS NULL"))
_SEG_BAD = " OR ".join(f"({c})" for c in (
    f"freq IS NULL OR freq NOT IN ({_values(Freq)})",
    f"valuation IS NULL OR valuation NOT IN ({_values(Valuation)})",
    f"partner_basis IS NULL OR partner_basis NOT IN ({_values(PartnerBasis)})",
    "currency IS NULL OR length(currency) <> 3", "product_class IS NULL",
    "estimated IS NULL OR aggregate IS NULL"))
#: the natural key's fields kept in the segment
_SEG_KEY = [k for k in NATURAL_KEY if k in SEGMENT_FIELDS]
_ROW_KEY = [k for k in NATURAL_KEY if k not in SEGMENT_FIELDS]
#: above this many segments sharing their key fields, the key is hashed over the joined rows
_MAX_KEY_CASES = 64


def _key_hash(con: Any) -> tuple[str, str]:
    """(relation, hash SQL) for counting distinct natural keys: over the rows alone, the
    segment standing for its key fields (segments that share them mapped to one), unless too
    many share them."""
    pairs = con.execute(
        f"""SELECT seg, min(seg) OVER (PARTITION BY {', '.join(_SEG_KEY)}) FROM _stage_segs"""
    ).fetchall()
    mapped = [(a, b) for a, b in pairs if a != b]
    if len(mapped) > _MAX_KEY_CASES:
        return "_stage", f"hash({', '.join(NATURAL_KEY)})"
    kseg = ("seg" if not mapped else
            "CASE seg " + " ".join(f"WHEN {a} THEN {b}" for a, b in mapped) + " ELSE seg END")
    return "_stage_rows", f"hash({', '.join(_ROW_KEY)}, {kseg})"


def _summary(con: Any) -> tuple[int, bool, bool, int]:
    """One scan of the rows for the usual, clean file: (rows, a bad row?, an unknown code?,
    repeated key hashes); the segment fields are checked on the segments. Only what it finds
    is looked at again, row by row."""
    codes = ("SELECT DISTINCT reporter AS c FROM _stage_rows "
             "UNION SELECT DISTINCT partner FROM _stage_rows")
    bad_segment = con.execute(
        f"SELECT coalesce(bool_or({_SEG_BAD}), false) FROM _stage_segs").fetchall()[0][0]
    keyed, key = _key_hash(con)
    if keyed == "_stage":
        repeated = con.execute(f"SELECT count(*) - count(DISTINCT {key}) FROM _stage").fetchall()
        repeat_sql = str(repeated[0][0])
    else:
        repeat_sql = f"count(*) - count(DISTINCT {key})"
    total, bad_row, unknown, repeats = con.execute(
        f"""SELECT count(*), coalesce(bool_or({_ROW_BAD}), false),
                   (SELECT count(*) FROM ({codes}) WHERE c NOT IN (SELECT code FROM areas)) > 0,
                   {repeat_sql}
            FROM _stage_rows"""
    ).fetchall()[0]
    return total, bad_row or bad_segment, unknown, repeats


def run_summaries(con: Any) -> dict[int, tuple[int, bool]]:
    """:func:`_summary` for many datasets at once (the ``_run`` views): per dataset number,
    (rows, whether anything is to be looked at row by row)."""
    n = f"seg >> {SEG_BITS}"
    flagged = {r[0] for r in con.execute(
        f"SELECT DISTINCT {n} FROM _run_segs WHERE {_SEG_BAD}").fetchall()}
    flagged |= {r[0] for r in con.execute(
        f"""SELECT DISTINCT n FROM (SELECT {n} AS n, reporter AS c FROM _run_rows
                                   UNION SELECT {n}, partner FROM _run_rows)
            WHERE c NOT IN (SELECT code FROM areas)""").fetchall()}
    # segments of one dataset sharing the key fields count as one in the key
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _kseg AS SELECT seg, min(seg) OVER
                    (PARTITION BY {n}, {', '.join(_SEG_KEY)}) AS kseg FROM _run_segs""")
    rows = con.execute(
        f"""SELECT r.{n} AS n, count(*), coalesce(bool_or({_ROW_BAD}), false),
                   count(*) - count(DISTINCT hash({', '.join(_ROW_KEY)}, k.kseg))
            FROM _run_rows r JOIN _kseg k USING (seg) GROUP BY n""").fetchall()
    con.execute("DROP TABLE _kseg")
    return {num: (total, bool(bad or repeated or num in flagged))
            for num, total, bad, repeated in rows}


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


def _duplicates(con: Any, path: Path, mode: str, table: str) -> tuple[int, int]:
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
        f"""DELETE FROM {table} WHERE rowid IN (SELECT _rid FROM _stage WHERE _rid NOT IN (
                SELECT max(_rid) FROM _stage GROUP BY {key}))"""
    )
    return int(extra), int(conflicts)


def validate_stage(con: Any, path: Path, on_duplicate: str = "error", *,
                   table: str = "flow_rows") -> tuple[int, int]:
    """Raise on the first bad row of the ``_stage`` view (the new dataset's rows, which the
    store defines); duplicates to collapse are deleted from ``table`` by ``_rid``.

    Returns (duplicate rows removed, keys whose duplicates had different values).
    """
    total, bad_row, unknown_code, repeated = _summary(con)
    if total == 0:
        raise InputError("the file holds no data rows", file=str(path))
    if bad_row:
        _check_rows(con, path)
    if unknown_code:
        _check_codes(con, path)
    if not repeated:
        return 0, 0
    return _duplicates(con, path, on_duplicate, table)
