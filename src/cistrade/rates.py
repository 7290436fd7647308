"""ECB euro reference rates: the reader, the store's ``rates`` table, and period averages.

The European Central Bank publishes one reference rate a working day for about 30
currencies, as *units of currency per 1 euro*. Two of its download formats are read:

* ``eurofxref-hist.zip`` (or the ``eurofxref-hist.csv`` inside it): ``Date,USD,JPY,…,ZAR,``
  with ISO dates, newest first, ``N/A`` where a currency has no rate that day and a trailing
  comma on every line;
* ``eurofxref-daily.csv``: one day, ``Date, USD, JPY, …`` with a space after each comma and
  the date written out (``13 April 2026``).

:func:`ingest_rates` writes the rates into the ``rates`` table of a store together with a
provenance row in ``datasets`` (source ``ecb-rates``), in one transaction, idempotent by the
file's sha256. A newer file (its vintage is its latest date) replaces the rows of an older
one for the same day and currency, whatever the order of ingestion; there is one rate per
day and currency in the table.

Period averages follow the ECB's own practice: the average of a period is the arithmetic
mean of the daily reference rates published in it. A cross rate between two currencies is
the ratio of their period averages against the euro, so ``rate_for(con, "USD", "EUR", p)``
is exactly ``1 / rate_for(con, "EUR", "USD", p)``::

    >>> rate_for(store.con, "EUR", "USD", "2024")   # USD per EUR, mean of 2024's days
    1.0824...
    >>> convert(store.con, 100.0, "EUR", "USD", "2024-01..2024-09")
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa

from cistrade.errors import InputError, NoData, _cut
from cistrade.model import Freq, PeriodRange
from cistrade.provenance import sha256_of

__all__ = [
    "RATES_DDL",
    "SOURCE",
    "SERIES",
    "read_rates",
    "ingest_rates",
    "rate_for",
    "convert",
    "period_rates",
    "RateStats",
]

log = logging.getLogger(__name__)

RATES_DDL = (
    "CREATE TABLE IF NOT EXISTS rates "
    "(dataset_id VARCHAR, date DATE, currency VARCHAR, per_eur DOUBLE)"
)
SOURCE = "ecb-rates"
SERIES = "ecb/eurofxref"
TITLE = "ECB euro foreign exchange reference rates"
URL = (
    "https://www.ecb.europa.eu/stats/policy_and_exchange_rates/"
    "euro_reference_exchange_rates/html/index.en.html"
)
LICENCE = "ECB statistics: reuse permitted with the source acknowledged"
MISSING = {"", "N/A", "NA", "-"}
#: a period counts as covered when the rates start and end within this many days of it
#: (weekends and TARGET holidays have no rate)
COVERAGE_SLACK = timedelta(days=7)

_CURRENCY = re.compile(r"^[A-Z]{3}$")


# -- reading ----------------------------------------------------------------------------------


def _text_of(path: Path) -> tuple[str, str]:
    """The CSV text of a rates file (a zip's one CSV member, or the file) and its name."""
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as zf:
                members = [n for n in zf.namelist() if n.lower().endswith(".csv")]
                if len(members) != 1:
                    raise InputError(
                        f"expected one CSV file in the zip archive, found {members or 'none'}",
                        file=str(path),
                    )
                return zf.read(members[0]).decode("utf-8-sig"), members[0]
        return path.read_text(encoding="utf-8-sig"), path.name
    except (zipfile.BadZipFile, UnicodeDecodeError, OSError) as exc:
        raise InputError(f"cannot read the rates file: {exc}", file=str(path)) from exc


def _parse_date(text: str) -> date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d %B %Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r} (expected 2026-04-13 or 13 April 2026)")


def _header(first: list[str], where: str) -> list[str]:
    cells = [c.strip() for c in first]
    while cells and not cells[-1]:
        cells.pop()  # the ECB's trailing comma
    if not cells or cells[0] != "Date":
        raise InputError(
            f"not an ECB reference-rate file: the header starts {cells[:3]}, expected "
            "'Date, USD, JPY, …'",
            file=where,
            row=1,
        )
    bad = [c for c in cells[1:] if not _CURRENCY.match(c)]
    if bad:
        raise InputError(f"column(s) {bad} are not currency codes", file=where, row=1)
    return cells[1:]


def read_rates(path: str | Path) -> pa.Table:
    """The rates of an ECB file as a table ``date, currency, per_eur`` (missing days left out).

    Raises :class:`InputError` naming the row and column of the first bad cell.
    """
    path = Path(path)
    text, _member = _text_of(path)
    rows = csv.reader(io.StringIO(text))
    first = next(rows, None)
    if first is None:
        raise InputError("the file is empty", file=str(path))
    currencies = _header(first, str(path))
    dates: list[date] = []
    codes: list[str] = []
    values: list[float] = []
    for line_no, cells in enumerate(rows, start=2):
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        _read_line(cells, currencies, line_no, str(path), (dates, codes, values))
    if not dates:
        raise InputError("the file holds no rates", file=str(path))
    return pa.table(
        {
            "date": pa.array(dates, pa.date32()),
            "currency": pa.array(codes, pa.string()),
            "per_eur": pa.array(values, pa.float64()),
        }
    )


def _read_line(
    cells: list[str], currencies: list[str], line_no: int, where: str,
    out: tuple[list[date], list[str], list[float]],
) -> None:
    dates, codes, values = out
    try:
        day = _parse_date(cells[0])
    except ValueError as exc:
        raise InputError(str(exc), file=where, row=line_no, column="Date") from None
    extra = [c for c in cells[len(currencies) + 1:] if c]
    if extra:
        raise InputError(f"more cells than currencies in the header: {extra}", file=where,
                         row=line_no)
    for code, cell in zip(currencies, cells[1:], strict=False):
        if cell in MISSING:
            continue
        try:
            rate = float(cell)
        except ValueError:
            raise InputError(f"not a rate: {cell!r}", file=where, row=line_no,
                             column=code) from None
        if not rate > 0 or rate == float("inf"):
            raise InputError(f"a rate must be a positive number, not {cell!r}", file=where,
                             row=line_no, column=code)
        dates.append(day)
        codes.append(code)
        values.append(rate)


# -- the store --------------------------------------------------------------------------------


def ensure_table(con: Any) -> None:
    """Create the ``rates`` table if it does not exist yet."""
    con.execute(RATES_DDL)


def _first(rows: list[tuple]) -> tuple | None:
    return rows[0] if rows else None


def ingest_rates(store: Any, path: str | Path) -> dict[str, Any]:
    """Store an ECB rates file in ``store`` (all or nothing); return what happened.

    The result: ``{"file", "dataset_id", "status": "ingested"|"unchanged", "rows",
    "superseded_rows", "dropped_rows", "first_date", "last_date", "currencies"}``.
    ``superseded_rows`` are older rows this file replaced; ``dropped_rows`` are rows of this
    file that a newer stored file already covers.
    """
    path = Path(path)
    if not path.exists():
        raise InputError("no such file", file=str(path))
    con = store.con
    digest = sha256_of(path)
    ensure_table(con)
    known = _first(con.execute(
        "SELECT dataset_id FROM datasets WHERE source = ? AND sha256 = ?", [SOURCE, digest]
    ).fetchall())
    if known:
        return {"file": str(path), "dataset_id": known[0], "status": "unchanged", "rows": 0,
                "superseded_rows": 0, "dropped_rows": 0}
    table = read_rates(path)
    dataset_id = f"{SOURCE}-{digest[:12]}"
    vintage = max(table.column("date").to_pylist()).isoformat()
    con.execute("BEGIN TRANSACTION")
    try:
        counts = _write(con, table, dataset_id, vintage)
        _record(con, path, digest, dataset_id, vintage, counts)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    dates = table.column("date").to_pylist()
    return {
        "file": str(path),
        "dataset_id": dataset_id,
        "status": "ingested",
        **counts,
        "first_date": min(dates).isoformat(),
        "last_date": max(dates).isoformat(),
        "currencies": sorted(set(table.column("currency").to_pylist())),
    }


def _write(con: Any, table: pa.Table, dataset_id: str, vintage: str) -> dict[str, int]:
    """Insert the new rows; the newest vintage wins per (date, currency)."""
    con.register("_rates_in", table)
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _rates_new AS SELECT ? AS dataset_id, * FROM _rates_in",
            [dataset_id],
        )
    finally:
        con.unregister("_rates_in")
    vintages = f"""(SELECT dataset_id, vintage FROM datasets WHERE source = '{SOURCE}')"""
    dropped = con.execute(
        f"""DELETE FROM _rates_new n WHERE EXISTS (
              SELECT 1 FROM rates o JOIN {vintages} v USING (dataset_id)
              WHERE v.vintage > ? AND o.date = n.date AND o.currency = n.currency)""",
        [vintage],
    ).fetchall()[0][0]
    per_dataset = con.execute(
        """SELECT o.dataset_id, count(*) FROM rates o JOIN _rates_new n USING (date, currency)
           GROUP BY o.dataset_id"""
    ).fetchall()
    con.execute(
        "DELETE FROM rates o WHERE EXISTS (SELECT 1 FROM _rates_new n "
        "WHERE o.date = n.date AND o.currency = n.currency)"
    )
    if per_dataset:
        con.executemany("INSERT INTO superseded VALUES (?, ?, ?)",
                        [[old, dataset_id, n] for old, n in per_dataset])
    rows = con.execute(
        "INSERT INTO rates SELECT dataset_id, date, currency, per_eur FROM _rates_new"
    ).fetchall()[0][0]
    con.execute("DROP TABLE _rates_new")
    return {"rows": int(rows), "superseded_rows": int(sum(n for _, n in per_dataset)),
            "dropped_rows": int(dropped)}


def _record(con: Any, path: Path, digest: str, dataset_id: str, vintage: str,
            counts: dict[str, int]) -> None:
    notes = {
        "notes": ["units of currency per 1 EUR; daily ECB reference rates"],
        "superseded_older_rows": counts["superseded_rows"],
        "dropped_for_newer_vintage": counts["dropped_rows"],
    }
    con.execute(
        "INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [dataset_id, SOURCE, SERIES, vintage, TITLE, path.name, str(path.resolve()), digest,
         path.stat().st_size, datetime.now(UTC).replace(tzinfo=None), None, URL, LICENCE,
         False, counts["rows"], json.dumps(notes)],
    )


# -- period averages -------------------------------------------------------------------------


@dataclass(frozen=True)
class RateStats:
    """A period-average rate and what it rests on."""

    currency: str
    to: str
    period: PeriodRange
    rate: float  # units of ``to`` per 1 unit of ``currency``
    days: int  # days with a rate for both currencies
    first_date: date
    last_date: date


def _daily(currency: str) -> tuple[str, list[Any]]:
    """SQL for (date, per_eur) of one currency; the euro is 1 on every day with any rate."""
    if currency == "EUR":
        return "SELECT DISTINCT date, 1.0 AS per_eur FROM rates", []
    return "SELECT date, per_eur FROM rates WHERE currency = ?", [currency]


def _norm(code: str) -> str:
    code = str(code).strip().upper()
    if not _CURRENCY.match(code):
        raise InputError(f"not a currency code: {_cut(str(code))!r} (expected three letters, e.g. USD)")
    return code


def rate_stats(con: Any, currency: str, to: str, period: Any) -> RateStats:
    """The average rate of ``period`` converting ``currency`` into ``to``, with its basis.

    ``period`` is anything :meth:`PeriodRange.parse` reads (``2024``, ``2024-Q3``,
    ``2024-09``, ``2024-01..2024-09``). Raises :class:`NoData` when the stored rates do not
    cover the period.
    """
    cur, dst = _norm(currency), _norm(to)
    rng = PeriodRange.parse(period)
    if not _has_table(con):
        raise NoData("no exchange rates stored; run `cistrade ingest rates eurofxref-hist.zip`")
    src_sql, src_args = _daily(cur)
    dst_sql, dst_args = _daily(dst)
    row = con.execute(
        f"""SELECT avg(s.per_eur), avg(d.per_eur), count(*), min(date), max(date)
            FROM ({src_sql}) s JOIN ({dst_sql}) d USING (date)
            WHERE date BETWEEN ? AND ?""",
        [*src_args, *dst_args, rng.first_day, rng.last_day],
    ).fetchall()[0]
    src_avg, dst_avg, days, first, last = row
    covered = (
        days
        and first <= rng.first_day + COVERAGE_SLACK
        and last >= rng.last_day - COVERAGE_SLACK
    )
    if not covered:
        raise NoData(
            f"no {cur}/{dst} rates covering {rng}"
            + (f" (rates found only from {first} to {last})" if days else ""),
            available=_available(con, cur, dst),
        )
    if cur == dst:
        return RateStats(cur, dst, rng, 1.0, int(days), first, last)
    return RateStats(cur, dst, rng, dst_avg / src_avg, int(days), first, last)


def rate_for(con: Any, currency: str, to: str, period: Any) -> float:
    """Units of ``to`` per 1 unit of ``currency``, averaged over ``period`` (see module doc)."""
    return rate_stats(con, currency, to, period).rate


def convert(con: Any, value: float, currency: str, to: str, period: Any) -> float:
    """``value`` in ``currency`` expressed in ``to`` at the period-average rate."""
    return value * rate_for(con, currency, to, period)


def _has_table(con: Any) -> bool:
    return bool(con.execute(
        "SELECT 1 FROM duckdb_tables() WHERE table_name = 'rates' AND schema_name = 'main'"
    ).fetchall())


def _available(con: Any, *currencies: str) -> dict[str, Any]:
    rows = con.execute(
        "SELECT currency, min(date), max(date) FROM rates GROUP BY currency ORDER BY currency"
    ).fetchall()
    spans = {c: f"{a}..{b}" for c, a, b in rows}
    return {"requested": list(currencies), "currencies": spans}


_TRUNC = {Freq.MONTHLY: "month", Freq.QUARTERLY: "quarter", Freq.ANNUAL: "year"}
_STEP = {Freq.MONTHLY: "1 month", Freq.QUARTERLY: "3 months", Freq.ANNUAL: "1 year"}


def period_rates(con: Any, to: str = "USD", freq: str | Freq = "M") -> pa.Table:
    """Average rates of every stored currency (and EUR) into ``to``, per month/quarter/year.

    Columns ``currency, freq, period_start, period_end, rate, days``: ``rate`` is units of
    ``to`` per 1 unit of ``currency`` (join on ``currency, period_start, period_end`` to
    convert flows). Periods the rates only partly cover (the current month) are left out.
    """
    dst = _norm(to)
    f = Freq(freq)
    if f not in _TRUNC:
        raise InputError("period_rates gives monthly, quarterly or annual rates; use rate_for "
                         "for a cumulative range")
    if not _has_table(con):
        raise NoData("no exchange rates stored; run `cistrade ingest rates eurofxref-hist.zip`")
    dst_sql, dst_args = _daily(dst)
    unit = _TRUNC[f]
    con.complete()  # duckdb: no unfinished result may be pending before con.sql
    return con.sql(
        f"""WITH src AS (SELECT date, currency, per_eur FROM rates
                         UNION ALL SELECT DISTINCT date, 'EUR', 1.0 FROM rates),
                 pairs AS (SELECT s.currency, date_trunc('{unit}', date)::DATE AS period_start,
                                  s.per_eur AS s, d.per_eur AS d, date
                           FROM src s JOIN ({dst_sql}) d USING (date))
            SELECT currency, ? AS freq, period_start,
                   (period_start + INTERVAL {_STEP[f]} - INTERVAL 1 day)::DATE AS period_end,
                   avg(d) / avg(s) AS rate, count(*) AS days
            FROM pairs
            GROUP BY currency, period_start
            HAVING min(date) <= period_start + INTERVAL 7 days
               AND max(date) >= period_start + INTERVAL {_STEP[f]} - INTERVAL 8 days
            ORDER BY currency, period_start""",
        params=[*dst_args, f.value],
    ).to_arrow_table()
