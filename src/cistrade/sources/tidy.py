"""Any long CSV or Parquet file: one row per reporter, partner, flow and period.

The default column names are the canonical ones (``reporter, partner, flow, period, value,
currency``; optional ``unit_multiplier, product, product_class, partner_basis, valuation,
quantity, quantity_unit, estimated``). A mapping renames them::

    cistrade ingest tidy data.csv --map reporter=Country --map value=Value_kUSD --map unit_multiplier=1000

A mapping value that is not a column of the file is a constant (``currency=USD``,
``unit_multiplier=1000``). Every column is read as text, so codes keep their leading zeros;
values are cast explicitly and a cell that is not a number stops the ingest naming its row.
Reporter and partner may be registry codes or any name the registry knows.

Numbers with a decimal comma (``1234,5``, as Excel writes CSV where the comma is the decimal
separator: with ``;`` between the cells) are read when the file's cells are separated by
something other than a comma and its values use commas and never points (``-o decimal=auto``,
the default; ``-o decimal=,`` or ``-o decimal=.`` to say so). Spaces inside such a number
(``1 234,5``) are dropped. The report notes when the decimal comma was used.

A CSV in another encoding than UTF-8 (``--encoding cp1251``; a file that is not UTF-8 and
says no encoding stops, naming its line and the likeliest encoding) is read from a UTF-8
copy (:mod:`cistrade.sources.transcode`), line for line the same.

The reading happens inside the ingest transaction: a CSV (with a BOM or not, cells separated
by ``,``, ``;``, tab or ``|``) through Arrow's parallel reader with each row's line number
(:class:`~cistrade.sources.numbered_csv.NumberedCsv`), with DuckDB's CSV reader as the
fallback for anything that reader refuses; Parquet through DuckDB's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import duckdb
import pyarrow as pa

from cistrade.errors import InputError, UnknownCountry
from cistrade.model import Freq
from cistrade.rowref import line_ref_sql, parse_row_ref
from cistrade.sources.base import ReadResult, Source, SqlData, Supports, sniff_text
from cistrade.sources.numbered_csv import NumberedCsv
from cistrade.sources.transcode import binary_kind, is_utf8, remove, text_encoding, utf8_copy

__all__ = ["TidySource", "DEFAULTS", "REQUIRED"]

REQUIRED = ("reporter", "partner", "flow", "period", "value")
DEFAULTS: dict[str, str] = {
    "currency": "USD",
    "unit_multiplier": "1",
    "product": "TOTAL",
    "product_class": "TOTAL",
    "partner_basis": "unknown",
    "valuation": "unknown",
    "estimated": "false",
}
OPTIONAL = ("quantity", "quantity_unit", "aggregate")
#: the unit multipliers a file may give (thousandths to trillions of its currency)
MULTIPLIER_RANGE = (1e-3, 1e12)

_FLOW_SQL = """CASE lower(trim({c}))
    WHEN 'x' THEN 'export' WHEN 'exports' THEN 'export' WHEN 'export' THEN 'export'
    WHEN 'экспорт' THEN 'export'
    WHEN 'm' THEN 'import' WHEN 'imports' THEN 'import' WHEN 'import' THEN 'import'
    WHEN 'импорт' THEN 'import'
    WHEN 'rx' THEN 're-export' WHEN 're-export' THEN 're-export' WHEN 're-exports' THEN 're-export'
    WHEN 'rm' THEN 're-import' WHEN 're-import' THEN 're-import' WHEN 're-imports' THEN 're-import'
    ELSE trim({c}) END"""

# period text -> (freq, first month, last month); anything else leaves freq NULL
_PERIOD_SQL = """(CASE
    WHEN length(p) = 4 AND TRY_CAST(p AS INT) IS NOT NULL
        THEN {{'f': 'A', 'y': p::INT, 'm1': 1, 'm2': 12}}
    WHEN length(p) = 7 AND p[5] = '-' AND TRY_CAST(p[6:7] AS INT) BETWEEN 1 AND 12
        AND TRY_CAST(p[1:4] AS INT) IS NOT NULL
        THEN {{'f': 'M', 'y': p[1:4]::INT, 'm1': p[6:7]::INT, 'm2': p[6:7]::INT}}
    WHEN regexp_full_match(p, '\\d{{4}}') THEN {{'f': 'A', 'y': p[1:4]::INT, 'm1': 1, 'm2': 12}}
    WHEN regexp_full_match(p, '\\d{{4}}-?[Qq][1-4]') THEN {{'f': 'Q', 'y': p[1:4]::INT,
        'm1': right(p, 1)::INT * 3 - 2, 'm2': right(p, 1)::INT * 3}}
    WHEN regexp_full_match(p, '\\d{{4}}-?[Mm]?(0?[1-9]|1[0-2])') THEN {{'f': 'M', 'y': p[1:4]::INT,
        'm1': regexp_extract(p, '(\\d{{1,2}})$')::INT, 'm2': regexp_extract(p, '(\\d{{1,2}})$')::INT}}
    WHEN regexp_full_match(p, '\\d{{4}}-(0[1-9]|1[0-2])-01') THEN {{'f': 'M', 'y': p[1:4]::INT,
        'm1': p[6:7]::INT, 'm2': p[6:7]::INT}}
    END)"""


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


class TidySource(Source):
    name = "tidy"
    title = "Long table (CSV or Parquet) with a column mapping"
    publisher = "user"
    supports = Supports(freqs=frozenset({Freq.ANNUAL, Freq.QUARTERLY, Freq.MONTHLY}), products=True)
    priority = 1000
    _PARQUET: ClassVar[bytes] = b"PAR1"

    def __init__(
        self,
        mapping: dict[str, str] | None = None,
        *,
        series: str | None = None,
        vintage: str | None = None,
        synthetic: bool = False,
        encoding: str = "utf-8",
        delimiter: str | None = None,
        decimal: str = "auto",
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.mapping = dict(mapping or {})
        self.series = series
        self.vintage = vintage
        self.synthetic = synthetic
        self.encoding = encoding
        self.delimiter = delimiter
        if decimal not in ("auto", ".", ","):
            raise InputError(f"decimal={decimal!r}: give '.', ',' or 'auto'")
        self.decimal = decimal

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        if head.startswith(cls._PARQUET):
            return True
        first = sniff_text(head).splitlines()[0].lower() if head else ""
        return all(col in first for col in REQUIRED)

    # -- reading ---------------------------------------------------------------------------

    def _scan(self, path: Path) -> tuple[str, str]:
        """The table function reading the file (Parquet, or CSV in UTF-8: see
        :meth:`_utf8`), and the row-number expression."""
        if self._is_parquet(path):
            return f"read_parquet({_lit(str(path))}, file_row_number = true)", "file_row_number + 1"
        delim = f", delim = {_lit(self.delimiter)}" if self.delimiter else ""
        scan = f"read_csv({_lit(str(path))}, header = true, all_varchar = true{delim})"
        # line number in the file: the header is line 1
        return scan, "row_number() OVER () + 1"

    def _is_parquet(self, path: Path, head: bytes | None = None) -> bool:
        if head is None:
            with open(path, "rb") as fh:
                head = fh.read(4)
        return head.startswith(self._PARQUET) or path.suffix.lower() == ".parquet"

    def _utf8(self, path: Path) -> Path:
        """The file to read: ``path``, or a UTF-8 copy of a text in another encoding."""
        with open(path, "rb") as fh:
            head = fh.read(65536)
        if not head.strip():
            raise InputError("the file is empty", file=str(path))
        if self._is_parquet(path, head):
            return path
        kind = binary_kind(head)
        if kind:  # no text encoding will make a CSV of it: say what it is instead
            raise InputError(
                f"this is {kind}, not a CSV or Parquet file; the tidy reader reads long tables "
                "as CSV or Parquet. A publisher's spreadsheet: try `cistrade ingest auto FILE` "
                "(the built-in readers know several offices' workbooks) or save the sheet as "
                "CSV (UTF-8) and map its columns with --map",
                file=str(path),
            )
        encoding = text_encoding(path, head, None if is_utf8(self.encoding) else self.encoding)
        return path if encoding == "utf-8" else utf8_copy(path, encoding)

    def _columns(self, path: Path, scan: str) -> list[str]:
        try:
            con = duckdb.connect()
            rel = con.sql(f"SELECT * FROM {scan} LIMIT 0")
            return [c for c in rel.columns if c != "file_row_number"]
        except duckdb.Error as exc:
            raise InputError(
                f"cannot read as CSV or Parquet: {str(exc).splitlines()[0]}", file=str(path)
            ) from exc

    def _expr(self, key: str, columns: list[str]) -> str | None:
        """The SQL for one canonical field: a column, a constant, or None when absent."""
        target = self.mapping.get(key, key)
        if target in columns:
            return _q(target)
        if key in self.mapping:
            return _lit(self.mapping[key])
        if key in DEFAULTS:
            return _lit(DEFAULTS[key])
        return None

    def _delimiter(self, path: Path, columns: list[str]) -> str | None:
        """The cell separator DuckDB found: the one that splits the header line into the
        columns it read (None when none does, e.g. a quoted header)."""
        if self.delimiter:
            return self.delimiter
        with open(path, encoding="utf-8", errors="replace") as fh:
            header = fh.readline().lstrip("\ufeff").rstrip("\r\n")
        return next((d for d in (",", ";", "\t", "|") if header.split(d) == columns), None)

    def _fast(self, path: Path, scan: str, columns: list[str], delimiter: str | None
              ) -> NumberedCsv | None:
        """Arrow's parallel reader, numbering lines, when the CSV's header DuckDB reads as the
        same names split by one separator (else DuckDB's reader alone)."""
        if not scan.startswith("read_csv(") or delimiter is None:
            return None
        if len(set(columns)) != len(columns) or "_rn" in columns:
            return None
        return NumberedCsv(path, dict.fromkeys(columns, pa.string()), delimiter=delimiter)

    def _decimal(self, path: Path, delimiter: str | None, value_column: str | None) -> str:
        """``,`` when the values are written with a decimal comma (see the module doc)."""
        if self.decimal != "auto":
            return self.decimal
        if delimiter in (None, ",") or value_column is None:
            return "."
        import csv
        import re

        with open(path, encoding="utf-8", errors="replace", newline="") as fh:
            rows = csv.reader((fh.readline() for _ in range(1001)), delimiter=delimiter)
            header = [h.lstrip("\ufeff") for h in next(rows, [])]
            if value_column not in header:
                return "."
            i = header.index(value_column)
            cells = [r[i].strip() for r in rows if len(r) > i and r[i].strip()]
        comma = sum(bool(re.fullmatch(r"-?[\d\s\u00a0\u202f]*\d,\d+", c)) for c in cells)
        point = sum("." in c for c in cells)
        return "," if comma and not point else "."

    def read(self, path: Path) -> ReadResult:
        path = Path(path)
        text = self._utf8(path)
        try:
            return self._read(path, text)
        except BaseException:
            if text != path:
                remove(text)
            raise

    def _read(self, path: Path, text: Path) -> ReadResult:
        """Read ``text`` (the file, or its UTF-8 copy); messages name ``path``."""
        scan, rownum = self._scan(text)
        columns = self._columns(path, scan)
        exprs = {key: self._expr(key, columns) for key in (*REQUIRED, *DEFAULTS, *OPTIONAL)}
        missing = [self.mapping.get(k, k) for k in REQUIRED if self.mapping.get(k, k) not in columns]
        if missing:
            raise InputError(
                f"missing column(s) {missing}; found {columns}. Map them with "
                "--map reporter=COLUMN (required: " + ", ".join(REQUIRED) + ")",
                file=str(path),
                row=1,
            )
        csv_file = scan.startswith("read_csv(")
        delimiter = self._delimiter(text, columns) if csv_file else None
        value_column = self.mapping.get("value", "value")
        decimal = self._decimal(text, delimiter, value_column) if csv_file else "."
        fast = self._fast(text, scan, columns, delimiter)
        raw = _raw_columns(exprs)
        data = SqlData(self._sql(exprs, scan, rownum, decimal),
                       segments=lambda con: _segments(exprs, _scanned_values(con, scan, raw)))
        if fast is not None:
            fast.track = raw
            data = SqlData(self._sql(exprs, fast.name, "_rn", decimal), prepare=fast.register,
                           finished=fast.finished, fallback=data,
                           segments=lambda con: _segments(exprs, fast.distinct))
        notes = []
        if decimal == ",":
            notes.append(f"decimal comma: values such as 1234,5 read as 1234.5 (column "
                         f"{value_column!r}{' and quantity' if exprs['quantity'] else ''}; "
                         "-o decimal=. to turn off)")
        return ReadResult(
            data=data,
            series=self.series or f"tidy/{path.stem}",
            vintage=self.vintage or "0",
            title=f"{path.name} (long table)",
            synthetic=self.synthetic,
            after_load=self._after_load(path, None if text == path else text),
            notes=notes,
        )

    @staticmethod
    def _sql(e: dict[str, str | None], scan: str, rownum: str, decimal: str = ".") -> str:
        """The SELECT of canonical rows from ``scan`` (every cell text), numbered by ``rownum``."""

        def number(cell: str) -> str:
            if decimal == ",":  # '1 234,5' -> '1234.5'
                cell = (f"replace(regexp_replace(trim({cell}::VARCHAR), "
                        "'[\\s\u00a0\u202f]', '', 'g'), ',', '.')")
            return f"TRY_CAST({cell} AS DOUBLE)"

        def checked(cell: str, field: str) -> str:
            """The number in ``cell``; text that is not a number stops the ingest, naming
            the row, the column and the cell (an empty cell is left to the store's checks)."""
            n, text = number(cell), f"trim({cell}::VARCHAR)"
            name = cell[1:-1].replace('""', '"') if cell.startswith('"') else field
            hint = (f" || CASE WHEN contains({text}, ',') THEN ' (a decimal comma? "
                    "-o decimal=, reads it)' ELSE '' END") if decimal == "." else ""
            quoted = "''''"  # SQL for a single quote
            message = (f"'row ' || _line || ', column {name.replace(chr(39), chr(39) * 2)}: "
                       f"not a number: ' || {quoted} || {text} || {quoted}{hint}")
            return f"CASE WHEN {n} IS NULL AND {text} <> '' THEN error({message}) ELSE {n} END"

        def multiplier(cell: str) -> str:
            """The unit multiplier, within :data:`MULTIPLIER_RANGE` (a file's column can say
            anything: 1e300 would turn every value into an absurd one)."""
            m, (low, high) = checked(cell, "unit_multiplier"), MULTIPLIER_RANGE
            message = (f"'row ' || _line || ', column unit_multiplier: not a unit multiplier from "
                       f"{low:g} to {high:g}: ' || left(trim({cell}::VARCHAR), 40)")
            return f"(CASE WHEN NOT ({m} BETWEEN {low!r} AND {high!r}) THEN error({message}) ELSE {m} END)"

        quantity = checked(e["quantity"], "quantity") if e["quantity"] else "NULL::DOUBLE"
        seg = _segment_exprs(e)
        period = _PERIOD_SQL.format()
        return f"""
            SELECT trim({e["reporter"]}::VARCHAR) AS reporter,
                   trim({e["partner"]}::VARCHAR) AS partner,
                   {_FLOW_SQL.format(c=e["flow"] + "::VARCHAR")} AS flow,
                   make_date(per.y, per.m1, 1) AS period_start,
                   last_day(make_date(per.y, per.m2, 1)) AS period_end,
                   trim({e["product"]}::VARCHAR) AS product,
                   {checked(e["value"], "value")}
                       * {multiplier(e["unit_multiplier"])} AS value,
                   {quantity} AS quantity,
                   {", ".join(f"{sql} AS {name}" for name, sql in seg.items())},
                   {line_ref_sql("_line")} AS row_ref, _line AS line
            FROM (SELECT *, {period} AS per FROM (
                SELECT *, {rownum} AS _line, trim({e["period"]}::VARCHAR) AS p FROM {scan}))
            """

    def _after_load(self, path: Path, copy: Path | None = None):  # noqa: ANN202
        def resolve(con: Any, dataset_id: str) -> None:
            if copy is not None:  # read to its end: the UTF-8 copy is done with
                remove(copy)
            _check_periods(con, dataset_id, path)
            _resolve_names(con, dataset_id, path)

        return resolve


def _segment_exprs(e: dict[str, str | None]) -> dict[str, str]:
    """SQL of each segment field (:data:`~cistrade.schema.SEGMENT_FIELDS`) from the cells;
    ``per`` is the period parsed (:data:`_PERIOD_SQL`). Each reads one cell of the file (or a
    constant), which is what lets :func:`_segments` list the segments from the cells' values."""
    qunit = f"{e['quantity_unit']}::VARCHAR" if e["quantity_unit"] else "NULL::VARCHAR"
    aggregate = (f"coalesce(TRY_CAST({e['aggregate']} AS BOOLEAN), false)" if e["aggregate"]
                 else "false")
    return {
        "freq": "per.f",
        "product_class": f"upper(trim({e['product_class']}::VARCHAR))",
        "currency": f"upper(trim({e['currency']}::VARCHAR))",
        "valuation": (f"CASE upper(trim({e['valuation']}::VARCHAR)) WHEN 'FOB' THEN 'FOB' "
                      "WHEN 'CIF' THEN 'CIF' WHEN 'UNKNOWN' THEN 'unknown' "
                      f"ELSE trim({e['valuation']}::VARCHAR) END"),
        "partner_basis": f"lower(trim({e['partner_basis']}::VARCHAR))",
        "quantity_unit": qunit,
        "estimated": f"coalesce(TRY_CAST({e['estimated']} AS BOOLEAN), false)",
        "aggregate": aggregate,
    }


#: the key of each segment field's cell in the column mapping
_SEGMENT_CELLS = {"freq": "period", "product_class": "product_class", "currency": "currency",
                  "valuation": "valuation", "partner_basis": "partner_basis",
                  "quantity_unit": "quantity_unit", "estimated": "estimated",
                  "aggregate": "aggregate"}


def _raw_columns(e: dict[str, str | None]) -> list[str]:
    """The file's columns the segment fields are read from (the others are constants)."""
    cols = []
    for key in _SEGMENT_CELLS.values():
        sql = e[key]
        if sql and sql.startswith('"'):
            cols.append(sql[1:-1].replace('""', '"'))
    return list(dict.fromkeys(cols))


def _scanned_values(con: Any, scan: str, columns: list[str]) -> dict[str, set[str | None]]:
    """The distinct values (as text) of ``columns`` in the file (one scan of those alone)."""
    if not columns:
        return {}
    parts = ", ".join(f"list(DISTINCT {_q(c)}::VARCHAR), bool_or({_q(c)} IS NULL)" for c in columns)
    row = con.execute(f"SELECT {parts} FROM {scan}").fetchall()[0]
    return {c: set(row[2 * i] or []) | ({None} if row[2 * i + 1] else set())
            for i, c in enumerate(columns)}


def _segments(e: dict[str, str | None], values: dict[str, set[str | None]]) -> str:
    """SQL listing every segment the rows can fall in: each field's distinct values (from the
    distinct ``values`` of its cell), every combination of them."""
    seg = _segment_exprs(e)
    parts = []
    for field, key in _SEGMENT_CELLS.items():
        sql = e[key]
        column = sql[1:-1].replace('""', '"') if sql and sql.startswith('"') else None
        if column is None:
            rows = "(SELECT 1)"
        else:
            cells = ", ".join("NULL" if v is None else _lit(v) for v in sorted(
                values.get(column, set()), key=lambda v: (v is None, v or "")))
            rows = f"(SELECT unnest([{cells}]::VARCHAR[]) AS {_q(column)})"
        if field == "freq":
            rows = (f"(SELECT {_PERIOD_SQL.format()} AS per FROM (SELECT trim("
                    f"{e['period']}::VARCHAR) AS p FROM {rows}))")
        parts.append(f"(SELECT DISTINCT {seg[field]} AS {field} FROM {rows})")
    return "SELECT * FROM " + " CROSS JOIN ".join(parts)


def _check_periods(con: Any, dataset_id: str, path: Path) -> None:
    bad = con.execute(
        "SELECT row_ref FROM flows WHERE dataset_id = ? AND freq IS NULL LIMIT 1", [dataset_id]
    ).fetchone()
    if bad:
        raise InputError(
            "not a period (expected 2024, 2024-Q3, 2024-09 or 2024-09-01)",
            file=str(path),
            **parse_row_ref(bad[0]),
        )


def _resolve_names(con: Any, dataset_id: str, path: Path) -> None:
    """Turn names and non-canonical codes into registry codes, in place."""
    from cistrade.reference.countries import registry

    reg = registry()
    for column in ("reporter", "partner"):
        # the usual case, every value a registry code, costs one DISTINCT
        if not con.execute(
            f"""SELECT 1 FROM (SELECT DISTINCT {column} AS c FROM flows WHERE dataset_id = ?)
                WHERE c NOT IN (SELECT code FROM areas) LIMIT 1""",
            [dataset_id],
        ).fetchall():
            continue
        unknown = con.execute(
            f"""SELECT {column}, min(row_ref) FROM flows
                WHERE dataset_id = ? AND {column} NOT IN (SELECT code FROM areas)
                GROUP BY {column}""",
            [dataset_id],
        ).fetchall()
        for raw, ref in unknown:
            try:
                code = reg.lookup(raw).code
            except UnknownCountry as exc:
                raise exc.located(file=str(path), **parse_row_ref(ref)) from None
            con.execute(
                f"""UPDATE flow_rows SET {column} = ? WHERE {column} = ?
                    AND seg IN (SELECT seg FROM segments WHERE dataset_id = ?)""",
                [code, raw, dataset_id],
            )
