"""Russia's Federal Customs Service (FTS): the foreign-trade tables of customs.gov.ru.

Four tables, told apart by their titles (never by file name), each its own series:

``94itog.xlsx`` — "Основные показатели" (series ``ru-fts/main-indicators``)
  One sheet per year 1994–2021: exports and imports to the world, to non-CIS ("со странами
  дальнего зарубежья", G:NON-CIS) and CIS countries ("со странами СНГ", G:CIS), and to six
  CIS countries, in million USD. World = non-CIS + CIS is checked; the six countries do not
  cover the CIS (Azerbaijan, Moldova, Turkmenistan, Ukraine … are missing), so they are NOT
  checked against the CIS row: a CIS share must use the published G:CIS row.
``96stran.xlsx`` — "Внешняя торговля … с основными странами" (``ru-fts/main-partners``)
  Sheets Экспорт / Импорт: 29 partners by month 2006–2021, million USD. No total, so
  nothing to check the partners against; "…" (not published, e.g. Kazakhstan from July
  2010, in the customs union) is skipped and reported.
``countries_*.xlsx`` — "… по группам стран" (``ru-fts/country-groups``)
  Exports and imports by continent (G:EUROPE, G:ASIA, G:AFRICA, G:AMERICA, G:OCEANIA, all
  aggregates) and the world (WLD), for a cumulative run of months of two years, billion
  USD. World against the continents is checked (the 2023 table leaves a few hundred million
  unallocated; the check reports it) and the printed growth rates against the values.
``WEB_UTSA_*.xlsx`` — "Общие итоги внешней торговли" (``ru-fts/general-totals``)
  Exports and imports to the world: a headline table of annual totals and tables by
  cumulative run, month and quarter, million USD. The headline totals include additions
  (fish caught and sold abroad, bunker fuel, goods brought in by individuals, estimates of
  unrecorded EAEU trade, per its footnotes) that the other tables exclude.

Periods: a run of months that is a calendar month, quarter or year is stored as such (M, Q,
A), any other run as cumulative (C) with its first and last day, so a figure printed twice
(the general totals' "Январь" and "Январь-март" rows repeat the January and first-quarter
rows) is stored once: from the monthly, quarterly or headline table, the cumulative row is
skipped and the months are checked to add up to it. The "Январь-декабрь" row of the
cumulative table is skipped for the headline's annual figure (with additions); the
difference is noted. Turnover and balance columns are used for checks, never stored.

Valuation and partner basis: Russia's customs statistics record exports FOB by country of
destination and imports by country of origin; the files do not state the imports'
valuation (CIF in the FTS methodology), so imports are stored as ``unknown``. Values are
multiplied out from the caption's unit (млн / млрд долларов США) into US dollars.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from cistrade.errors import InputError
from cistrade.model import Flow, Freq, PartnerBasis, Valuation
from cistrade.sources.base import AggregateCheck, ReadResult, Skipped, Source, Supports
from cistrade.sources.national.excel import (
    Grid,
    Workbook,
    is_placeholder,
    label_key,
    months_of,
    open_workbook,
    rounding_tolerance,
    spreadsheet_kind,
    year_of,
)
from cistrade.sources.national.ru_fts_parts import (
    Parsed,
    caption_unit,
    flow_of,
    flow_terms,
    month_range,
)
from cistrade.sources.national.ru_fts_totals import read_country_groups, read_general_totals

__all__ = ["RuFtsSource", "Parsed", "flow_terms", "month_range", "LAYOUTS"]

log = logging.getLogger(__name__)

def _year_heading(grid: Grid, year: int, file: str) -> tuple[int, int]:
    for r, c, value in grid.cells(range(1, 11)):
        if isinstance(value, int | float) and year_of(value) == year:
            return r, c
    raise InputError(
        f"expected the year {year} as the column heading in the first 10 rows; "
        f"found {grid.text(range(1, 6))[:150]!r}",
        **grid.where(file=file),
    )


def read_main_indicators(book: Workbook, file: str) -> Parsed:
    out = Parsed("ru-fts/main-indicators", "FTS: main indicators of Russia's exports and imports")
    years = [n for n in book.sheet_names if year_of(n) is not None and n.strip().isdigit()]
    for name in years:
        _itog_sheet(book.grid(name), int(name.strip()), out, file)
    out.notes.append(
        f"{len(years)} annual sheets ({years[0]}–{years[-1]}); the six CIS countries listed do not "
        "cover the CIS, so they are not checked against the CIS row (use the G:CIS row for shares)"
    )
    return out


def _itog_sheet(grid: Grid, year: int, out: Parsed, file: str) -> None:
    head_row, col = _year_heading(grid, year, file)
    multiplier = caption_unit(grid, range(1, head_row + 1), file)
    first, last = month_range(year, 1, 12)
    flow: Flow | None = None
    totals: dict[Flow, dict[str, tuple[float, int]]] = {}
    for r in range(head_row + 1, grid.n_rows + 1):
        label, value = grid.label(r, 1), grid.number(r, col, file=file)
        if not label:
            if value is not None:
                raise InputError("a figure without a label", **grid.where(r, 1, file=file))
            continue
        partner = "WLD" if flow_of(label) else None
        flow = flow_of(label) or flow
        if flow is None:
            raise InputError(
                f"expected the row 'Экспорт' before the partner rows, found {label!r}",
                **grid.where(r, 1, file=file),
            )
        area = grid.area(r, 1, on=first, file=file) if partner is None else None
        partner = partner or area.code
        if value is None:
            out.skipped.append(Skipped(grid.ref(r, col), f"no figure for {label!r}"))
            continue
        aggregate = area is None or area.kind in ("world", "group")
        out.add(
            grid,
            r,
            col,
            partner=partner,
            flow=flow,
            first=first,
            last=last,
            value=value * multiplier,
            aggregate=aggregate,
        )
        totals.setdefault(flow, {})[partner] = (value, r)
    if set(totals) != {Flow.EXPORT, Flow.IMPORT}:
        raise InputError(
            f"expected the rows 'Экспорт' and 'Импорт' in column A; found flows {sorted(totals)}",
            **grid.where(file=file),
        )
    for flow, by_partner in totals.items():
        if {"WLD", "G:CIS", "G:NON-CIS"} <= set(by_partner):
            (world, row), parts = by_partner["WLD"], [by_partner[g][0] for g in ("G:NON-CIS", "G:CIS")]
            out.checks.append(
                AggregateCheck(
                    grid.ref(row, col),
                    f"RUS {year} {flow}: world vs non-CIS + CIS",
                    world * multiplier,
                    sum(parts) * multiplier,
                    rounding_tolerance([world, *parts], multiplier),
                )
            )


# -- 96stran: main partners by month -----------------------------------------------------------


def read_main_partners(book: Workbook, file: str) -> Parsed:
    out = Parsed("ru-fts/main-partners", "FTS: Russia's foreign trade with its main partners, monthly")
    for grid in book.grids():
        flow = _stran_flow(grid)
        first_year = _first_year_row(grid)
        if flow is None and first_year is None:
            continue  # the contents sheet
        if flow is None or first_year is None:
            what = "a title naming Экспорт or Импорт" if flow is None else "a year (e.g. 2006) in column A"
            raise InputError(f"expected {what} in this monthly table", **grid.where(file=file))
        _stran_sheet(grid, flow, first_year, out, file)
    if not out.periods:
        raise InputError("no monthly table of exports or imports by partner", file=file)
    out.notes.append("partner rows only (the main partners); the table has no total to check them against")
    return out


def _stran_flow(grid: Grid) -> Flow | None:
    for _r, _c, value in grid.cells(range(1, 5), range(1, 3)):
        flow = flow_of(value) if isinstance(value, str) else None
        if flow:
            return flow
    return None


def _first_year_row(grid: Grid) -> int | None:
    for r in range(1, min(grid.n_rows, 30) + 1):
        value = grid.cell(r, 1)
        if isinstance(value, int | float) and year_of(value):
            return r
    return None


def _stran_sheet(grid: Grid, flow: Flow, first_year: int, out: Parsed, file: str) -> None:
    header = first_year - 1
    multiplier = caption_unit(grid, range(1, header + 1), file)
    partners = {
        c: grid.area(header, c, file=file) for c in range(2, grid.n_cols + 1) if grid.label(header, c)
    }
    if not partners:
        raise InputError(
            "expected partner names in the row above the first year", **grid.where(header, 2, file=file)
        )
    year = None
    for r in range(first_year, grid.n_rows + 1):
        label = grid.cell(r, 1)
        if isinstance(label, int | float) and year_of(label):
            year = year_of(label)
            continue
        months = months_of(label) if isinstance(label, str) else None
        if not label or (months is None and not any(grid.cell(r, c) != "" for c in partners)):
            continue
        if months is None or months[0] != months[1]:
            raise InputError(
                f"expected a year or a month name, found {label!r}", **grid.where(r, 1, file=file)
            )
        first, last = month_range(year, *months)
        for c, area in partners.items():
            value = grid.number(r, c, file=file)
            if value is None:
                cell = grid.cell(r, c)
                why = f"not published ({cell!r})" if is_placeholder(cell) else "empty cell"
                out.skipped.append(Skipped(grid.ref(r, c), f"{area.name_en} {first:%Y-%m}: {why}"))
                continue
            out.add(
                grid,
                r,
                c,
                partner=area.code,
                flow=flow,
                first=first,
                last=last,
                value=value * multiplier,
                aggregate=area.kind in ("world", "group"),
            )


# -- dispatch ----------------------------------------------------------------------------------


def _totals(book: Workbook, file: str) -> Parsed:
    return read_general_totals(book, file)


def _groups(book: Workbook, file: str) -> Parsed:
    return read_country_groups(book, file)


#: (words the title holds, reader); the first whose words all appear in a sheet's title wins
LAYOUTS: list[tuple[tuple[str, ...], Callable[[Workbook, str], Parsed]]] = [
    (("итоги внешней торговли",), _totals),
    (("по группам стран",), _groups),
    (("основные показатели",), read_main_indicators),
    (("основными странами",), read_main_partners),
    (("основные страны",), read_main_partners),
    (("основных стран",), read_main_partners),
]


def _titles(book: Workbook, sheets: int = 3) -> str:
    return " | ".join(label_key(book.grid(n).text(range(1, 6))) for n in book.sheet_names[:sheets])


class RuFtsSource(Source):
    """Russia's FTS tables of foreign trade (.xlsx): main indicators, main partners, country
    groups and general totals."""

    name = "ru-fts"
    title = "Russia, Federal Customs Service: foreign trade statistics"
    publisher = "Federal Customs Service of the Russian Federation (ФТС России)"
    url = "https://customs.gov.ru/statistic"
    licence = "customs.gov.ru terms of use (reuse with a reference to the FTS of Russia)"
    supports = Supports(
        freqs=frozenset(Freq),
        flows=frozenset({Flow.EXPORT, Flow.IMPORT}),
        valuations=frozenset({Valuation.FOB, Valuation.UNKNOWN}),
        bases=frozenset({PartnerBasis.DESTINATION, PartnerBasis.ORIGIN}),
    )
    vintage_scope: ClassVar[tuple[str, ...]] = ("reporter", "freq", "period_start", "period_end")
    on_duplicate = "error"
    priority = 50

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        if spreadsheet_kind(head) is None:
            return False
        book = open_workbook(path)  # a damaged workbook: the error says so to detection
        try:
            titles = _titles(book)
        except InputError:
            return False
        return "российской федерации" in titles and any(
            all(word in titles for word in words) for words, _ in LAYOUTS
        )

    def read(self, path: Path) -> ReadResult:
        path = Path(path)
        file = str(path)
        book = open_workbook(path)
        titles = _titles(book)
        reader = next((fn for words, fn in LAYOUTS if all(w in titles for w in words)), None)
        if reader is None or "российской федерации" not in titles:
            known = ", ".join(repr(words[0]) for words, _ in LAYOUTS)
            raise InputError(
                f"not a known FTS table: expected a title with one of {known}; found {titles[:200]!r}",
                file=file,
            )
        parsed = reader(book, file)
        annual = parsed.series == "ru-fts/main-indicators"
        return ReadResult(
            data=parsed.rows.table(),
            series=parsed.series,
            vintage=parsed.vintage(annual=annual),
            title=parsed.title,
            notes=parsed.notes,
            warnings=parsed.warnings,
            skipped=parsed.skipped,
            checks=parsed.checks,
        )
