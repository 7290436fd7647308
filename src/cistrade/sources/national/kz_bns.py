"""Kazakhstan's Bureau of National Statistics (BNS): foreign trade by partner country.

The files (``by_country_2023.xls``, ``main_indicators_2019.xls`` …) hold "Основные показатели
внешней торговли Республики Казахстан": one sheet per year (the file's year and the year
before, revised), optionally after a cover, notes, contents and methodology sheets. Each
year sheet is a title with the period (``2023 год``, ``за январь-декабрь 2019 года``), a
unit caption (``тыс. долларов США``), a two-row header — ``Товарооборот``, ``Экспорт``,
``Импорт``, each with ``всего`` and ``удельный вес … %`` — and one row per partner, in
Russian, under the publisher's group rows.

What is stored
  Exports and imports of every row, in US dollars (thousands multiplied out). Turnover is
  never stored (it is exports + imports downstream); the publisher's turnover and share
  columns are used for checks: every row's turnover must equal its exports + imports, and
  every printed share must equal the one computed from the values, to the printed
  precision (failures are warnings in the ingest summary).

Group rows (``aggregate = true``), each the publisher's own definition
  ``Всего`` (WLD); ``Страны СНГ`` (G:CIS) = ``Страны ЕАЭС`` (G:EAEU, Kazakhstan's EAEU
  partners) + ``Страны вне ЕАЭС`` (G:NON-EAEU: here the CIS countries *outside* the EAEU);
  ``Остальные страны мира`` (G:NON-CIS) = the continents, which therefore exclude the CIS
  (``Европа`` G:EUROPE = ``Страны ЕС`` G:EU + ``Страны вне ЕС`` G:NON-EU: Europe outside the
  EU; ``Азия`` G:ASIA, ``Америка`` G:AMERICA, ``Африка`` G:AFRICA, ``Австралия и Океания``
  G:OCEANIA). Every group is checked against its sub-groups, or against the country rows
  under it, and the World total against all partner rows, with a rounding tolerance.

Valuation and partner basis
  The methodology sheet defines the country of origin (imports) and of destination
  (exports), so exports are stored by destination and imports by origin. Exports are
  FOB by the EAEU methodology; the file does not state the imports' valuation (CIF in the
  methodology, not in the file), so imports are stored as ``unknown``.

Vintages
  All files are one series, ``kz-bns/by-country``, whose vintage comes from the content: the
  last month a file holds, then the publication date its cover prints when it has one
  (``2023-12/2024-07-25``; ``main_indicators_2021.xls`` has no cover: ``2021-12``);
  ``vintage_scope`` is (reporter, freq, period) so that a year is stored once, from the latest
  file that contains it, whatever the order of ingest. Two different files the content cannot
  order are a tie the store refuses to settle by itself (``--replace`` decides).

The layout is found from the header text, not fixed positions, so the same table saved as
``.xlsx`` or with a column inserted reads the same; a missing header, a unit caption that
is not there, or a total row that is not first stops with an :class:`InputError`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import ClassVar

from cistrade.errors import InputError
from cistrade.model import Flow, Freq, PartnerBasis, PeriodRange, Valuation
from cistrade.reference.countries import Area, source_aliases
from cistrade.sources.base import AggregateCheck, ReadResult, Source, Supports
from cistrade.sources.national.excel import (
    FlowRows,
    Grid,
    Workbook,
    decimals,
    label_key,
    months_of,
    open_workbook,
    rounding_tolerance,
    spreadsheet_kind,
    unit_of,
    year_of,
)

__all__ = ["KzBnsSource", "KzTable", "KzRow", "parse_sheet", "ALIASES"]

log = logging.getLogger(__name__)

#: the BNS's own spellings (typos and abbreviations among them), declared in the registry's
#: data (``reference/aliases.tsv``, source ``kz-bns``), which is built with them
ALIASES: dict[str, tuple[str, ...]] = source_aliases("kz-bns")

#: which published group adds up to which (the BNS table's nesting)
PARENT: dict[str, str] = {
    "G:CIS": "WLD",
    "G:NON-CIS": "WLD",
    "G:EAEU": "G:CIS",
    "G:NON-EAEU": "G:CIS",
    "G:EUROPE": "G:NON-CIS",
    "G:ASIA": "G:NON-CIS",
    "G:AMERICA": "G:NON-CIS",
    "G:AFRICA": "G:NON-CIS",
    "G:OCEANIA": "G:NON-CIS",
    "G:EU": "G:EUROPE",
    "G:NON-EU": "G:EUROPE",
}

MEASURES = ("turnover", "export", "import")
_HEADINGS = {"товарооборот": "turnover", "экспорт": "export", "импорт": "import"}
_YEAR_SHEET = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)")
_HEADER_ROWS = range(1, 21)
_BASIS = {
    Flow.EXPORT: (Valuation.FOB, PartnerBasis.DESTINATION),
    Flow.IMPORT: (Valuation.UNKNOWN, PartnerBasis.ORIGIN),
}


@dataclass
class KzRow:
    """One partner or group row: its values and published shares by measure."""

    row: int
    label: str
    area: Area
    values: dict[str, float | None]  # measure -> published figure (None: empty cell)
    shares: dict[str, float | None]

    @property
    def aggregate(self) -> bool:
        return self.area.kind in ("world", "group")

    def value(self, measure: str) -> float:
        return self.values[measure] or 0.0


@dataclass
class KzTable:
    """One year sheet, parsed."""

    grid: Grid
    first: date
    last: date
    multiplier: float
    currency: str
    label_col: int
    value_cols: dict[str, int]
    share_cols: dict[str, int]
    rows: list[KzRow] = field(default_factory=list)

    @property
    def year(self) -> int:
        return self.last.year

    @property
    def world(self) -> KzRow:
        return self.rows[0]


# -- layout -----------------------------------------------------------------------------------


def _header(grid: Grid, file: str | None) -> tuple[int, dict[str, int]]:
    """The header row and the column of each heading (Товарооборот, Экспорт, Импорт)."""
    for r in _HEADER_ROWS:
        found = {}
        for c in range(1, grid.n_cols + 1):
            measure = _HEADINGS.get(grid.key(r, c))
            if measure and measure not in found:
                found[measure] = c
        if len(found) == 3:
            return r, found
    raise InputError(
        "expected a header row with the headings 'Товарооборот', 'Экспорт' and 'Импорт' in "
        f"the first {_HEADER_ROWS.stop - 1} rows; found none "
        f"(the top rows read: {grid.text(range(1, 8))[:200]!r})",
        **grid.where(file=file),
    )


def _subheader(
    grid: Grid, row: int, headings: dict[str, int], file: str | None
) -> tuple[dict[str, int], dict[str, int]]:
    """Under each heading, the 'всего' (value) and 'удельный вес' (share) columns."""
    starts = sorted(headings.values())
    values, shares = {}, {}
    for measure, col in headings.items():
        nxt = next((s for s in starts if s > col), grid.n_cols + 1)
        for c in range(col, nxt):
            key = grid.key(row + 1, c)
            if key.startswith("всего") and measure not in values:
                values[measure] = c
            elif key.startswith("удельный вес") and measure not in shares:
                shares[measure] = c
        if measure not in values or measure not in shares:
            found = [grid.label(row + 1, c) for c in range(col, nxt)]
            raise InputError(
                f"under the heading {grid.label(row, col)!r} expected the columns 'всего' and "
                f"'удельный вес …, %'; found {found}",
                **grid.where(row + 1, col, file=file),
            )
    return values, shares


def _period(grid: Grid, header_row: int, file: str | None) -> tuple[date, date]:
    caption = grid.text(range(1, header_row))
    year = year_of(caption)
    from_name = year_of(_YEAR_SHEET.search(grid.name).group(0)) if _YEAR_SHEET.search(grid.name) else None
    if year is None:
        year = from_name
    if year is None:
        raise InputError(f"no year in the sheet's title (found {caption[:120]!r})", **grid.where(file=file))
    if from_name is not None and from_name != year:
        raise InputError(
            f"the sheet is named for {from_name} but its title says {year} ({caption[:120]!r})",
            **grid.where(file=file),
        )
    months = months_of(caption) or (1, 12)
    span = PeriodRange.between(date(year, months[0], 1), date(year, months[1], 1))
    return span.first_day, span.last_day


def _unit(grid: Grid, header_row: int, file: str | None) -> tuple[float, str]:
    for _r, _c, value in grid.cells(range(1, header_row + 2)):
        unit = unit_of(value)
        if unit:
            return unit
    raise InputError(
        "no unit caption above the table (expected e.g. 'тыс. долларов США')", **grid.where(file=file)
    )


def parse_sheet(grid: Grid, file: str | None = None) -> KzTable:
    """Parse one year sheet; raises :class:`InputError` naming what was expected."""
    header_row, headings = _header(grid, file)
    values, shares = _subheader(grid, header_row, headings, file)
    first, last = _period(grid, header_row, file)
    multiplier, currency = _unit(grid, header_row, file)
    name_col = grid.find(lambda k: k.startswith("наименование"), range(header_row, header_row + 1))
    label_col = name_col[1] if name_col else 1
    table = KzTable(grid, first, last, multiplier, currency, label_col, values, shares)
    numeric = sorted([*values.values(), *shares.values()])
    for r in range(header_row + 2, grid.n_rows + 1):
        label = grid.label(r, label_col)
        cells = {c: grid.number(r, c, file=file) for c in numeric}
        if not label:
            if any(v is not None for v in cells.values()):
                raise InputError("figures without a partner name", **grid.where(r, label_col, file=file))
            continue
        area = grid.area(r, label_col, on=first, file=file)
        row = KzRow(
            r, label, area, {m: cells[c] for m, c in values.items()}, {m: cells[c] for m, c in shares.items()}
        )
        table.rows.append(row)
    if not table.rows or table.rows[0].area.code != "WLD":
        found = table.rows[0].label if table.rows else "no rows"
        raise InputError(
            f"expected the total row 'Всего' first under the header; found {found!r}",
            **grid.where(header_row + 2, label_col, file=file),
        )
    return table


# -- checks -----------------------------------------------------------------------------------


def _group_checks(table: KzTable) -> list[AggregateCheck]:
    """Every group against its sub-groups or its country rows; World against all partners."""
    children: dict[str, list[KzRow]] = {}
    members: dict[str, list[KzRow]] = {}
    current = None
    for row in table.rows:
        if row.aggregate:
            current = row.area.code
            if row.area.code in PARENT:
                children.setdefault(PARENT[row.area.code], []).append(row)
        elif current is not None:
            members.setdefault(current, []).append(row)
    partners = [r for r in table.rows if not r.aggregate]
    checks = []
    for group in (r for r in table.rows if r.aggregate):
        parts = children.get(group.area.code) or members.get(group.area.code, [])
        what = "sub-groups" if group.area.code in children else "partner rows"
        checks += _sum_checks(table, group, parts, what)
    checks += _sum_checks(table, table.world, partners, "all partner rows")
    return checks


def _sum_checks(table: KzTable, total: KzRow, parts: list[KzRow], what: str) -> list[AggregateCheck]:
    out = []
    for measure in ("export", "import"):
        cells = [v for v in (total.values[measure], *(p.values[measure] for p in parts)) if v is not None]
        out.append(
            AggregateCheck(
                row_ref=table.grid.ref(total.row, table.value_cols[measure]),
                label=f"KAZ {table.year} {measure}: {total.label} vs {what} ({len(parts)})",
                published=total.value(measure) * table.multiplier,
                computed=sum(p.value(measure) for p in parts) * table.multiplier,
                tolerance=rounding_tolerance(cells, table.multiplier),
            )
        )
    return out


def _share_problems(table: KzTable) -> tuple[int, list[str]]:
    """Each row's turnover against its exports + imports, and every printed share against
    the share computed from the values; (cells checked, problems)."""
    world = {m: table.world.value(m) for m in MEASURES}
    world["turnover"] = world["export"] + world["import"]
    checked, problems = 0, []
    for row in table.rows:
        computed = {m: row.value(m) for m in MEASURES}
        computed["turnover"] = computed["export"] + computed["import"]
        cells = [v for v in row.values.values() if v is not None]
        if abs(row.value("turnover") - computed["turnover"]) > rounding_tolerance(cells):
            problems.append(
                f"{table.grid.ref(row.row, table.value_cols['turnover'])}: turnover "
                f"{row.value('turnover')} is not exports + imports ({computed['turnover']})"
            )
        for measure in MEASURES:
            published = row.shares[measure]
            share = 100 * computed[measure] / world[measure] if world[measure] else 0.0
            places = decimals(published) if published is not None else 5
            printed = published or 0.0
            checked += 1
            if abs(share - printed) > 0.5 * 10.0**-places + 1e-9:
                problems.append(
                    f"{table.grid.ref(row.row, table.share_cols[measure])}: {measure} "
                    f"share printed {printed}, computed {share:.{places + 1}f}"
                )
    return checked, problems


# -- the source -------------------------------------------------------------------------------


def _is_year_sheet(name: str) -> bool:
    return bool(_YEAR_SHEET.search(name))


def _has_table(grid: Grid) -> bool:
    try:
        _header(grid, None)
    except InputError:
        return False
    return True


def _tables(book: Workbook, file: str) -> list[KzTable]:
    """Every sheet named for a year, or holding the table's header (not the cover, notes,
    contents or methodology sheets); errors inside such a sheet stop the read."""
    tables = []
    for name in book.sheet_names:
        grid = book.grid(name)
        if _is_year_sheet(name) or _has_table(grid):
            tables.append(parse_sheet(grid, file))
        else:
            log.debug("%s: sheet %r holds no by-country table", file, name)
    if not tables:
        raise InputError(
            "no sheet holds the table of foreign trade by partner country (expected a sheet "
            f"named for a year with the headings Товарооборот/Экспорт/Импорт); sheets: {book.sheet_names}",
            file=file,
        )
    years = [t.year for t in tables]
    if len(set(years)) != len(years):
        raise InputError(f"two sheets hold the same year: {years}", file=file)
    return tables


_PUBLISHED = re.compile(r"(?<!следующего )опубликования:?\s*(\d{1,2})\.(\d{1,2})\.(\d{4})")


def _published(book: Workbook) -> date | None:
    """The publication date a cover sheet prints (``Дата опубликования: 25.07.2024``; the
    ``Дата следующего опубликования`` beside it is the next release's)."""
    for name in book.sheet_names:
        if _is_year_sheet(name):
            continue
        try:
            grid = book.grid(name)
        except InputError:
            continue
        for _r, _c, value in grid.cells(range(1, min(grid.n_rows, 40) + 1)):
            m = _PUBLISHED.search(label_key(value)) if isinstance(value, str) else None
            if m:
                try:
                    return date(int(m[3]), int(m[2]), int(m[1]))
                except ValueError:
                    return None
    return None


def _vintage(book: Workbook, tables: list[KzTable]) -> str:
    """From the content: the last month the file covers, then the publication date its cover
    prints, when it has one (``2023-12/2024-07-25``). A later period is newer; for the same
    period a dated release sorts after an undated one and a later date after an earlier one.
    Two files that the content cannot order (the same period, no date or the same date) tie:
    the store asks which one counts (:func:`cistrade.ingest_batch.apply_vintages`)."""
    last = max(t.last for t in tables)
    published = _published(book)
    return f"{last:%Y-%m}" + (f"/{published.isoformat()}" if published else "")


class KzBnsSource(Source):
    """Kazakhstan's BNS "main indicators of foreign trade" by partner country (.xls/.xlsx)."""

    name = "kz-bns"
    title = "Kazakhstan, Bureau of National Statistics: foreign trade by partner country"
    publisher = (
        "Bureau of National Statistics, Agency for Strategic Planning and Reforms "
        "of the Republic of Kazakhstan"
    )
    url = "https://stat.gov.kz/en/industries/economy/foreign-market/"
    licence = "stat.gov.kz terms of use (free reuse with attribution to the Bureau)"
    supports = Supports(
        freqs=frozenset({Freq.ANNUAL, Freq.CUMULATIVE}),
        flows=frozenset({Flow.EXPORT, Flow.IMPORT}),
        valuations=frozenset({Valuation.FOB, Valuation.UNKNOWN}),
        bases=frozenset({PartnerBasis.DESTINATION, PartnerBasis.ORIGIN}),
    )
    vintage_scope: ClassVar[tuple[str, ...]] = ("reporter", "freq", "period_start", "period_end")
    on_duplicate = "error"
    priority = 50
    series = "kz-bns/by-country"

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        if spreadsheet_kind(head) is None:
            return False
        book = open_workbook(path)  # a damaged workbook: the error says so to detection
        try:
            for name in book.sheet_names[:8]:
                grid = book.grid(name)
                top = label_key(grid.text(range(1, 12)))
                if "казахстан" in top and "товарооборот" in top and "удельный вес" in top:
                    return True
        except InputError:
            return False
        return False

    def read(self, path: Path) -> ReadResult:
        path = Path(path)
        file = str(path)
        book = open_workbook(path)
        tables = _tables(book, file)
        rows = FlowRows("KAZ", currency=tables[0].currency)
        checks: list[AggregateCheck] = []
        warnings: list[str] = []
        notes: list[str] = []
        for table in tables:
            if table.currency != rows.currency:
                raise InputError(
                    f"the sheets are in different currencies ({table.currency}, {rows.currency})",
                    file=file,
                    sheet=table.grid.name,
                )
            empty = self._store_rows(table, rows)
            checks += _group_checks(table)
            checked, problems = _share_problems(table)
            warnings += problems
            notes.append(
                f"{table.grid.name}: {table.year} ({table.first:%m}..{table.last:%m}), "
                f"{len(table.rows)} rows; {checked} printed shares and {len(table.rows)} turnover "
                f"figures checked against the values, {len(problems)} differ; "
                f"{empty} empty cells (no trade in that direction) not stored"
            )
        return ReadResult(
            data=rows.table(),
            series=self.series,
            vintage=_vintage(book, tables),
            title=f"{self.title}: {', '.join(str(t.year) for t in tables)}",
            notes=notes,
            warnings=warnings,
            checks=checks,
        )

    @staticmethod
    def _store_rows(table: KzTable, rows: FlowRows) -> int:
        empty = 0
        for row in table.rows:
            for flow in (Flow.EXPORT, Flow.IMPORT):
                cell = row.values[flow.value]
                if cell is None:
                    empty += 1
                    continue
                valuation, basis = _BASIS[flow]
                rows.add(
                    partner=row.area.code,
                    flow=flow,
                    first=table.first,
                    last=table.last,
                    value=cell * table.multiplier,
                    valuation=valuation,
                    basis=basis,
                    aggregate=row.aggregate,
                    ref=table.grid.ref(row.row, table.value_cols[flow.value]),
                )
        return empty
