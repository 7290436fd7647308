"""SYNTHETIC spreadsheets in the shape Central Asian statistics offices publish, for the layout
tests (made with openpyxl; every figure is invented, and the sheet says so in its first cell).

:func:`trilingual` writes a wide trilingual table: Kyrgyz, Russian and English names; the
unit in the title; "Экспорт / Exports" and "Импорт / Imports" merged over one column per
year, the last one "2023¹"; group rows at the top (Total, EU, CIS, SCO, EAEU), then continents
each followed by its countries; "-" for empty cells; footnote rows at the bottom. The group
and continent figures are the sums of their countries, so the publisher's checks pass.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

YEARS = (2019, 2020, 2021, 2022, 2023)
TITLE = "SYNTHETIC TEST DATA (invented figures). Внешняя торговля Кыргызской Республики по странам"

#: (Kyrgyz, Russian, English) names, continent, export and import per year (None: "-")
COUNTRIES: list[tuple[tuple[str, str, str], str, list[float | None], list[float | None]]] = [
    (("Германия", "Германия", "Germany"), "Europe", [10.5, 11.0, 12.2, 13.1, 14.0], [50.0, 52.5, 55.1, 60.2, 61.3]),
    (("Орусия", "Россия 1)", "Russia"), "Europe", [300.2, 310.4, 320.9, 350.1, 360.5],
     [900.0, 950.3, 1000.7, 1100.2, 1200.9]),
    (("Казакстан", "Казахстан 1)", "Kazakhstan"), "Asia", [250.0, 260.1, 270.2, 280.3, 290.4],
     [400.5, 410.6, 420.7, 430.8, 440.9]),
    (("Кытай", "Китай", "China"), "Asia", [40.0, 45.0, 50.0, 55.0, 60.0], [700.0, 800.0, 900.0, 1000.0, 1100.0]),
    (("Өзбекстан", "Узбекистан", "Uzbekistan"), "Asia", [120.3, 130.4, 140.5, 150.6, 160.7],
     [80.1, 85.2, 90.3, 95.4, 100.5]),
    (("АКШ", "США", "United States"), "America", [None, 1.2, 2.3, None, 4.5], [20.0, 21.0, 22.0, 23.0, 24.0]),
]
CONTINENTS = {"Europe": ("Европа", "Европа"), "Asia": ("Азия", "Азия"), "America": ("Америка", "Америка")}
GROUPS = [  # (names, members)
    (("Бардыгы", "Всего", "Total"), ["Germany", "Russia", "Kazakhstan", "China", "Uzbekistan", "United States"]),
    (("ЕБ", "ЕС", "EU"), ["Germany"]),
    (("КМШ", "СНГ", "CIS"), ["Russia", "Kazakhstan", "Uzbekistan"]),
    (("ШКУ", "ШОС", "SCO"), ["Russia", "Kazakhstan", "China", "Uzbekistan"]),
    (("ЕАЭБ", "ЕАЭС", "EAEU"), ["Russia", "Kazakhstan"]),
]
FOOTNOTES = ["1) Алдын ала маалыматтар / Предварительные данные / Preliminary data",
             "¹ Такталган маалыматтар / Уточнённые данные / Revised data"]


def _sum(members: list[str], flow: int, year: int) -> float:
    values = [c[2 + flow][year] for c in COUNTRIES if c[0][2] in members]
    return round(sum(v or 0.0 for v in values), 1)


def _cells(values: list[float | None]) -> list[Any]:
    return ["-" if v is None else v for v in values]


def rows() -> list[list[Any]]:
    """The sheet's rows, top to bottom (before any edit)."""
    n = len(YEARS)
    out: list[list[Any]] = [
        [TITLE],
        ["(тыс. долларов США / thousand US dollars)"],
        ["Өлкөлөр", "Страны", "Countries", "Экспорт / Exports", *[None] * (n - 1), "Импорт / Imports",
         *[None] * (n - 1)],
        [None, None, None, *YEARS[:-1], "2023¹", *YEARS[:-1], "2023¹"],
    ]
    for names, members in GROUPS:
        out.append([*names, *[_sum(members, f, y) for f in (0, 1) for y in range(n)]])
    for continent, (kg, ru) in CONTINENTS.items():
        members = [c[0][2] for c in COUNTRIES if c[1] == continent]
        out.append([kg, ru, continent, *[_sum(members, f, y) for f in (0, 1) for y in range(n)]])
        for names, where, exports, imports in COUNTRIES:
            if where == continent:
                out.append([*names, *_cells(exports), *_cells(imports)])
    out.append([])
    out += [[note] for note in FOOTNOTES]
    return out


def trilingual(path: Path, edit: Callable[[list[list[Any]]], list[list[Any]]] | None = None,
               sheet: str = "2019-2023") -> Path:
    """Write the synthetic table (optionally edited row by row) to ``path`` (.xlsx)."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = sheet
    table = rows()
    for row in edit(table) if edit else table:
        ws.append(row)
    n = len(YEARS)
    if ws.cell(3, 4).value and ws.cell(3, 4 + n).value:
        ws.merge_cells(start_row=3, start_column=4, end_row=3, end_column=3 + n)
        ws.merge_cells(start_row=3, start_column=4 + n, end_row=3, end_column=3 + 2 * n)
    book.save(path)
    return path
