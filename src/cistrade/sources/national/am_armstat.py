"""Armenia, Statistical Committee (Armstat): monthly trade by partner country.

A tidy CSV (UTF-8 with a BOM) re-laid-out by a third party from Armstat's tables::

    "country","year","month","export","import_origin","import_consignment","date"
    "Afghanistan",2024,2,0,0.26,0,"2024-02-01"

* Values in **thousand USD**, multiplied by 1,000.
* Each line gives three rows: exports (FOB, by country of destination), imports by country
  of **origin** and imports by country of **consignment** (both CIF, Armstat's
  methodology). The two import rows are alternatives, never to be added: an indicator
  picks one basis (origin for the headline figures).
* Partners are English names (255 spellings, some misspelt: "Saoma", "Folkland Islands");
  resolved through the registry, with the spellings it lacks registered from
  :data:`ALIASES`. "Unknown country" is the pseudo-area ``XNS`` and "EU countries not
  specified" ``XEU``: kept, never ranked. There is **no total row** (said in the notes).
* ``row_ref`` is ``row=N;col=export`` (row = line number in the file, header = line 1).
* ``date`` must agree with ``year`` and ``month``; a line where it does not is read as a
  shifted column and stops the read.
* Vintage: the last month covered, then the file's modification time; a newer file
  replaces every row of the months it covers (per flow and basis).

pyarrow's CSV reader does the parsing; the per-line work is vectorised.
"""

from __future__ import annotations

import calendar
import csv
import functools
import io
import logging
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from cistrade.errors import InputError, UnknownCountry
from cistrade.model import Flow, Freq, PartnerBasis, Valuation
from cistrade.schema import FLOW_SCHEMA
from cistrade.sources.base import ReadResult, Source, Supports, sniff_text
from cistrade.sources.national.uz_stat import add_missing_aliases, mtime_text

__all__ = ["AmArmstatSource", "COLUMNS", "ALIASES", "VALUE_COLUMNS"]

log = logging.getLogger(__name__)

COLUMNS = ("country", "year", "month", "export", "import_origin", "import_consignment", "date")
UNIT = 1000.0  # thousand USD
REPORTER = "ARM"

#: value column -> (flow, valuation, partner basis)
VALUE_COLUMNS: dict[str, tuple[Flow, Valuation, PartnerBasis]] = {
    "export": (Flow.EXPORT, Valuation.FOB, PartnerBasis.DESTINATION),
    "import_origin": (Flow.IMPORT, Valuation.CIF, PartnerBasis.ORIGIN),
    "import_consignment": (Flow.IMPORT, Valuation.CIF, PartnerBasis.CONSIGNMENT),
}

#: Armstat's spellings the registry may lack (registered on first read when missing)
ALIASES: dict[str, list[str]] = {
    "WSM": ["Saoma"],
    "ASM": ["American Saoma"],
    "FLK": ["Folkland Islands (Malvinas)"],
    "ATF": ["French Southern Terrirories"],
    "MCO": ["Monako"],
    "BLM": ["Saint-Barth?lemy"],
    "XNK": ["Nagorno Karabagh"],
    "XNS": ["Unknown country"],
}


@functools.cache
def register_aliases() -> None:
    add_missing_aliases(ALIASES)


class AmArmstatSource(Source):
    name = "am-armstat"
    title = "Armenia: monthly foreign trade by partner country (Armstat)"
    publisher = "Statistical Committee of the Republic of Armenia (Armstat)"
    url = "https://armstat.am/en/?nid=12"
    licence = "Armstat data, re-laid-out by a third party"
    supports = Supports(
        freqs=frozenset({Freq.MONTHLY}),
        flows=frozenset({Flow.EXPORT, Flow.IMPORT}),
        valuations=frozenset({Valuation.FOB, Valuation.CIF}),
        bases=frozenset({PartnerBasis.DESTINATION, PartnerBasis.ORIGIN, PartnerBasis.CONSIGNMENT}),
    )
    vintage_scope = ("reporter", "flow", "freq", "period_start", "period_end", "partner_basis")

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        first = sniff_text(head).splitlines()[0] if head else ""
        return _header(first) == list(COLUMNS)

    def read(self, path: Path) -> ReadResult:
        path = Path(path)
        register_aliases()
        raw = path.read_bytes()
        _check_bytes(raw, path)
        table = _parse(raw, path)
        lines = _line_numbers(raw, table.num_rows)
        starts, ends = _periods(table, lines, path)
        partners, aggregate = _partners(table["country"], lines, path)
        parts = [
            _rows(table[column], column, spec, partners, aggregate, starts, ends, lines, path)
            for column, spec in VALUE_COLUMNS.items()
        ]
        last = pc.max(starts).as_py()
        return ReadResult(
            data=pa.concat_tables(parts),
            series="am-armstat/by-country-monthly",
            vintage=f"{last:%Y-%m}/{mtime_text(path)}",
            title=f"Armenia trade by partner, monthly, {pc.min(starts).as_py():%Y-%m}–{last:%Y-%m}",
            notes=[
                "values in thousand USD in the file, multiplied by 1,000",
                "imports are given twice, by country of origin and by country of "
                "consignment (partner_basis 'origin' / 'consignment'); never add the two",
                "exports FOB, imports CIF (Armstat's methodology)",
                "no total row in the file: the country rows cannot be checked against a published total",
            ],
        )


def _header(line: str) -> list[str]:
    return [c.strip() for c in next(csv.reader([line.strip()]), [])]


def _check_bytes(raw: bytes, path: Path) -> None:
    if not raw.strip():
        raise InputError("the file is empty", file=str(path))
    first = sniff_text(raw[:4096]).splitlines()[0]
    found = _header(first)
    if found != list(COLUMNS):
        raise InputError(
            f"expected the columns {', '.join(COLUMNS)}; found {', '.join(found)}",
            file=str(path),
            row=1,
        )
    if not raw.endswith((b"\n", b"\r")):
        raise InputError(
            "the file ends in the middle of a line (a truncated download?)",
            file=str(path),
            row=raw.count(b"\n") + 1,
        )


def _parse(raw: bytes, path: Path) -> pa.Table:
    options = pacsv.ConvertOptions(column_types={c: pa.string() for c in COLUMNS}, strings_can_be_null=False)
    try:
        return pacsv.read_csv(io.BytesIO(raw), convert_options=options)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        line, found = _first_bad_line(raw)
        message = str(exc).splitlines()[0].replace("CSV parse error: ", "")
        if found is not None:
            message = f"expected {len(COLUMNS)} fields, found {found}: a truncated or shifted line"
        raise InputError(message, file=str(path), row=line) from exc


def _first_bad_line(raw: bytes) -> tuple[int | None, int | None]:
    """Where the CSV stops having the header's number of fields (the error path only)."""
    text = raw.decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text))
    try:
        for cells in reader:
            if cells and len(cells) != len(COLUMNS):
                return reader.line_num, len(cells)
    except csv.Error:
        return reader.line_num, None
    return None, None


def _line_numbers(raw: bytes, rows: int) -> pa.Array:
    """The file line of each data row (blank lines are skipped by the CSV reader)."""
    numbers = [i for i, ln in enumerate(raw.split(b"\n")[1:], start=2) if ln.strip()]
    if len(numbers) != rows:  # a quoted field spanning lines: count rows instead
        numbers = list(range(2, rows + 2))
    return pa.array(numbers, pa.int64())


def _as(column: pa.Array, to: pa.DataType, name: str, lines: pa.Array, path: Path) -> pa.Array:
    """Cast text to numbers; a cell that is not one stops the read naming its line."""
    trimmed = pc.utf8_trim_whitespace(column)
    try:
        return pc.cast(trimmed, to)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        for i, cell in enumerate(trimmed.to_pylist()):
            try:
                float(cell) if to == pa.float64() else int(cell)
            except ValueError:
                raise InputError(
                    f"not a number: {cell!r}", file=str(path), row=lines[i].as_py(), column=name
                ) from None
        raise


def _periods(table: pa.Table, lines: pa.Array, path: Path) -> tuple[pa.Array, pa.Array]:
    """First and last day of each row's month, after checking year, month and date agree."""
    year = _as(table["year"], pa.int32(), "year", lines, path)
    month = _as(table["month"], pa.int32(), "month", lines, path)
    text = pc.utf8_trim_whitespace(table["date"])
    bad = pc.or_(pc.or_(pc.less(month, 1), pc.greater(month, 12)), pc.less(year, 1900))
    wanted = pc.binary_join_element_wise(
        pc.cast(year, pa.string()), pc.utf8_lpad(pc.cast(month, pa.string()), 2, "0"), "01", "-"
    )
    bad = pc.or_(bad, pc.not_equal(text, wanted))
    if pc.any(bad).as_py():
        i = pc.index(bad, True).as_py()
        raise InputError(
            f"year {table['year'][i]}, month {table['month'][i]} and date "
            f"{table['date'][i]} do not agree (expected date {wanted[i]}): a shifted column?",
            file=str(path),
            row=lines[i].as_py(),
            column="date",
        )
    keys = pc.unique(wanted)
    firsts = [date.fromisoformat(k) for k in keys.to_pylist()]
    lasts = [d.replace(day=calendar.monthrange(d.year, d.month)[1]) for d in firsts]
    index = pc.index_in(wanted, value_set=keys)
    return (
        pc.take(pa.array(firsts, pa.date32()), index),
        pc.take(pa.array(lasts, pa.date32()), index),
    )


def _partners(names: pa.ChunkedArray, lines: pa.Array, path: Path) -> tuple[pa.Array, pa.Array]:
    """Registry codes of the partner names, and whether each is a world/group row."""
    from cistrade.reference.countries import registry

    reg = registry()
    names = pc.utf8_trim_whitespace(names)
    unique = pc.unique(names)
    codes, groups = [], []
    for name in unique.to_pylist():
        try:
            area = reg.lookup(name)
        except UnknownCountry as exc:
            row = lines[pc.index(names, name).as_py()].as_py()
            raise exc.located(file=str(path), row=row, column="country") from None
        codes.append(area.code)
        groups.append(area.kind in ("world", "group"))
    index = pc.index_in(names, value_set=unique)
    return pc.take(pa.array(codes), index), pc.take(pa.array(groups), index)


def _rows(
    column: pa.ChunkedArray,
    name: str,
    spec: tuple[Flow, Valuation, PartnerBasis],
    partners: pa.Array,
    aggregate: pa.Array,
    starts: pa.Array,
    ends: pa.Array,
    lines: pa.Array,
    path: Path,
) -> pa.Table:
    flow, valuation, basis = spec
    values = pc.multiply(_as(column, pa.float64(), name, lines, path), UNIT)
    n = len(values)

    def const(value: object, type_: pa.DataType | None = None) -> pa.Array:
        type_ = type_ or pa.string()
        return pa.nulls(n, type_) if value is None else pa.array([value] * n, type_)

    refs = pc.binary_join_element_wise("row=", pc.cast(lines, pa.string()), f";col={name}", "")
    data = {
        "reporter": const(REPORTER),
        "partner": partners,
        "flow": const(flow.value),
        "freq": const(Freq.MONTHLY.value),
        "period_start": starts,
        "period_end": ends,
        "product_class": const("TOTAL"),
        "product": const("TOTAL"),
        "value": values,
        "currency": const("USD"),
        "valuation": const(valuation.value),
        "partner_basis": const(basis.value),
        "quantity": const(None, pa.float64()),
        "quantity_unit": const(None),
        "estimated": const(False, pa.bool_()),
        "aggregate": aggregate,
        "row_ref": refs,
    }
    return pa.table(data, schema=FLOW_SCHEMA.remove(0))
