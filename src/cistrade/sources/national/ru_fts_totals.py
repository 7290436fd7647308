"""FTS tables of totals: exports and imports by group of countries, and the general totals.

Read by :class:`cistrade.sources.national.ru_fts.RuFtsSource`; see its module docstring
for what is stored and why.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date

from cistrade.errors import InputError
from cistrade.model import Flow, Freq
from cistrade.sources.base import AggregateCheck, Skipped
from cistrade.sources.national.excel import (
    Grid,
    Workbook,
    freq_of,
    label_key,
    months_of,
    rounding_tolerance,
    year_of,
)
from cistrade.sources.national.ru_fts_parts import Parsed, caption_unit, flow_of, month_range

__all__ = ["read_country_groups", "read_general_totals"]

log = logging.getLogger(__name__)


def _sheet_with(book: Workbook, words: str, file: str) -> Grid:
    for grid in book.grids():
        if words in label_key(grid.text(range(1, 6))):
            return grid
    raise InputError(f"no sheet titled '… {words} …'", file=file)


def _period_of(caption: str) -> tuple[date, date] | None:
    months, year = months_of(caption), year_of(caption)
    if months is None or year is None:
        return None
    return month_range(year, *months)


# -- exports and imports by group of countries (countries_*.xlsx) ----------------------------


@dataclass
class _Column:
    flow: Flow
    col: int
    first: date
    last: date


def _group_columns(grid: Grid, file: str) -> tuple[int, list[_Column], dict[Flow, int]]:
    """The heading row, a column per flow and period, and each flow's growth-rate column."""
    for r in range(1, 11):
        heads: dict[Flow, int] = {}
        for _r, c, v in grid.cells(range(r, r + 1)):
            if (flow := flow_of(str(v))) and flow not in heads:
                heads[flow] = c
        if set(heads) == {Flow.EXPORT, Flow.IMPORT}:
            break
    else:
        raise InputError(
            "expected the headings 'Экспорт' and 'Импорт' in the first 10 rows; found "
            f"{grid.text(range(1, 11))[:200]!r}",
            **grid.where(file=file),
        )
    starts = sorted(heads.values())
    columns, growth = [], {}
    for flow, col in heads.items():
        stop = next((s for s in starts if s > col), grid.n_cols + 1)
        for c in range(col, stop):
            caption = grid.label(r + 1, c)
            period = _period_of(caption)
            if period:
                columns.append(_Column(flow, c, *period))
            elif label_key(caption).startswith("темп роста"):
                growth[flow] = c
        if not any(k.flow is flow for k in columns):
            found = [grid.label(r + 1, c) for c in range(col, stop)]
            raise InputError(
                f"under {grid.label(r, col)!r} expected period captions such as "
                f"'Январь-сентябрь 2024'; found {found}",
                **grid.where(r + 1, col, file=file),
            )
    return r + 1, columns, growth


def read_country_groups(book: Workbook, file: str) -> Parsed:
    grid = _sheet_with(book, "по группам стран", file)
    out = Parsed("ru-fts/country-groups", "FTS: Russia's exports and imports by group of countries")
    header, columns, growth = _group_columns(grid, file)
    multiplier = caption_unit(grid, range(1, header + 1), file)
    table: dict[int, dict[int, float]] = {}  # row -> col -> value
    areas = {}
    for r in range(header + 1, grid.n_rows + 1):
        label = grid.label(r, 1)
        values = {k.col: grid.number(r, k.col, file=file) for k in columns}
        if not label or label_key(label).startswith(("в том числе", "*", "примечани")):
            continue
        if all(v is None for v in values.values()):
            out.skipped.append(Skipped(grid.ref(r, 1), f"no figures in the row {label!r}"))
            continue
        areas[r] = area = grid.area(r, 1, file=file)
        table[r] = {}
        for k in columns:
            if values[k.col] is None:
                out.skipped.append(Skipped(grid.ref(r, k.col), f"{label}: empty cell"))
                continue
            table[r][k.col] = values[k.col]
            out.add(
                grid,
                r,
                k.col,
                partner=area.code,
                flow=k.flow,
                first=k.first,
                last=k.last,
                value=values[k.col] * multiplier,
                aggregate=area.kind in ("world", "group"),
            )
    _group_checks(grid, columns, table, areas, multiplier, out, file)
    out.notes.append(
        "the continents are the publisher's groups; what the table leaves unallocated to a "
        "continent shows as the difference between the world row and their sum"
    )
    _growth_checks(grid, columns, growth, table, out)
    return out


def _group_checks(
    grid: Grid,
    columns: list[_Column],
    table: dict[int, dict[int, float]],
    areas: dict,
    multiplier: float,
    out: Parsed,
    file: str,
) -> None:
    world = [r for r, a in areas.items() if a.code == "WLD"]
    if len(world) != 1:
        raise InputError(
            f"expected one row 'Весь мир' (the world total), found {len(world)}", **grid.where(file=file)
        )
    parts = [r for r in table if r != world[0]]
    for k in columns:
        total = table[world[0]].get(k.col)
        cells = [table[r][k.col] for r in parts if k.col in table[r]]
        if total is None:
            continue
        out.checks.append(
            AggregateCheck(
                grid.ref(world[0], k.col),
                f"RUS {k.first:%Y-%m}..{k.last:%Y-%m} {k.flow}: world vs {len(cells)} groups of countries",
                total * multiplier,
                sum(cells) * multiplier,
                rounding_tolerance([total, *cells], multiplier),
            )
        )


def _growth_checks(
    grid: Grid,
    columns: list[_Column],
    growth: dict[Flow, int],
    table: dict[int, dict[int, float]],
    out: Parsed,
) -> None:
    """The printed growth rates (current / previous × 100) against the values."""
    checked = 0
    for flow, gcol in growth.items():
        cols = sorted((k for k in columns if k.flow is flow), key=lambda k: k.first)
        if len(cols) != 2:
            continue
        before, after = cols
        for r, values in table.items():
            rate = grid.cell(r, gcol)
            if not isinstance(rate, int | float) or not values.get(before.col):
                continue
            computed = 100 * values.get(after.col, 0.0) / values[before.col]
            checked += 1
            if abs(computed - rate) > 0.05:
                out.warnings.append(
                    f"{grid.ref(r, gcol)}: growth rate printed {rate:.1f}%, "
                    f"computed from the values {computed:.1f}%"
                )
    out.notes.append(f"{checked} printed growth rates checked against the values")


# -- general totals (WEB_UTSA_*.xlsx) ---------------------------------------------------------

_YEAR_CAPTION = re.compile(r"^(19|20)\d\d год$")
_MEASURES = {"оборот": "turnover", "экспорт": Flow.EXPORT, "импорт": Flow.IMPORT, "сальдо": "balance"}


@dataclass
class _Figure:
    measure: object  # Flow, "turnover" or "balance"
    first: date
    last: date
    value: float
    row: int
    col: int
    rank: int  # 0 headline, 1 monthly/quarterly table, 2 cumulative table

    @property
    def key(self) -> tuple:
        return self.measure, self.first, self.last

    @property
    def line(self) -> tuple:
        """The figures printed together: a headline column, or a row of a table."""
        return self.first, self.last, self.rank, self.col if self.rank == 0 else self.row


def _measure(label: str) -> object | None:
    key = label_key(label)
    return next((m for word, m in _MEASURES.items() if key.startswith(word)), None)


def _headline(grid: Grid, file: str) -> tuple[list[_Figure], int]:
    """The headline rows (ОБОРОТ, ЭКСПОРТ*, ИМПОРТ**, САЛЬДО) under their period captions."""
    rows = [r for r in range(1, min(grid.n_rows, 15) + 1) if _measure(grid.label(r, 1))]
    if not rows:
        return [], 1
    captions = {}
    for r in range(rows[0] - 1, 0, -1):
        captions = {c: p for _r, c, v in grid.cells(range(r, r + 1)) if (p := _period_of(str(v)))}
        if captions:
            break
    if not captions:
        raise InputError(
            "expected period captions ('Январь-декабрь 2021 г.') above the totals",
            **grid.where(rows[0], 1, file=file),
        )
    figures = []
    for r in rows:
        for c, (first, last) in captions.items():
            value = grid.number(r, c, file=file)
            if value is not None:
                figures.append(_Figure(_measure(grid.label(r, 1)), first, last, value, r, c, 0))
    return figures, rows[-1]


def _detail_blocks(grid: Grid, start: int, file: str) -> list[_Figure]:
    """Every table under a row of year captions ('2020 год') with measure sub-headings."""
    figures = []
    for r in range(start + 1, grid.n_rows):
        years = {
            c: year_of(str(v))
            for _r, c, v in grid.cells(range(r, r + 1))
            if _YEAR_CAPTION.match(label_key(v))
        }
        if not years:
            continue
        heads = {}
        for c in years:
            for cc in range(c, c + 3):
                measure = _measure(grid.label(r + 1, cc))
                if measure is None:
                    raise InputError(
                        f"under {grid.label(r, c)!r} expected 'Оборот', 'Экспорт', "
                        f"'Импорт'; found {grid.label(r + 1, cc)!r}",
                        **grid.where(r + 1, cc, file=file),
                    )
                heads[cc] = (measure, years[c])
        figures += _block_rows(grid, r + 2, heads, file)
    return figures


def _block_rows(grid: Grid, start: int, heads: dict, file: str) -> list[_Figure]:
    runs = []
    for r in range(start, grid.n_rows + 1):
        label = grid.label(r, 1)
        if not label:
            if any(grid.cell(r, c) != "" for c in heads):
                raise InputError("figures without a period label", **grid.where(r, 1, file=file))
            if runs:
                break  # the blank row after a table ends it
            continue
        months = months_of(label)
        if months is None:
            raise InputError(
                f"expected a month, run of months or quarter, found {label!r}", **grid.where(r, 1, file=file)
            )
        runs.append((r, months))
    cumulative = len({m[1] for _r, m in runs}) > 1 and all(m[0] == 1 for _r, m in runs)
    figures = []
    for r, months in runs:
        for c, (measure, year) in heads.items():
            value = grid.number(r, c, file=file)
            if value is not None:
                first, last = month_range(year, *months)
                figures.append(_Figure(measure, first, last, value, r, c, 2 if cumulative else 1))
    return figures


def read_general_totals(book: Workbook, file: str) -> Parsed:
    grid = _sheet_with(book, "итоги внешней торговли", file)
    out = Parsed("ru-fts/general-totals", "FTS: general totals of Russia's foreign trade")
    multiplier = caption_unit(grid, range(1, 25), file)
    headline, end = _headline(grid, file)
    figures = headline + _detail_blocks(grid, end, file)
    if not any(f.rank and f.measure in (Flow.EXPORT, Flow.IMPORT) for f in figures):
        raise InputError(
            "no table of exports and imports by month or quarter (expected year "
            "captions such as '2021 год' over 'Оборот', 'Экспорт', 'Импорт')",
            file=file,
        )
    kept: dict[tuple, _Figure] = {}
    for fig in sorted(figures, key=lambda f: f.rank):
        first = kept.setdefault(fig.key, fig)
        if first is not fig and isinstance(fig.measure, Flow):
            out.skipped.append(
                Skipped(
                    grid.ref(fig.row, fig.col),
                    (
                        f"{fig.measure} {fig.first:%Y-%m}..{fig.last:%Y-%m}: stored once, as "
                        f"{freq_of(fig.first, fig.last).name.lower()}, from {grid.ref(first.row, first.col)}"
                    ),
                )
            )
    for fig in kept.values():
        if isinstance(fig.measure, Flow):
            out.add(
                grid,
                fig.row,
                fig.col,
                partner="WLD",
                flow=fig.measure,
                first=fig.first,
                last=fig.last,
                value=fig.value * multiplier,
                aggregate=True,
            )
    _totals_checks(grid, figures, multiplier, out)
    return out


def _totals_checks(grid: Grid, figures: list[_Figure], multiplier: float, out: Parsed) -> None:
    months = {
        (f.measure, f.first): f
        for f in figures
        if f.rank and isinstance(f.measure, Flow) and freq_of(f.first, f.last) is Freq.MONTHLY
    }
    for fig in figures:
        if not isinstance(fig.measure, Flow) or months.get((fig.measure, fig.first)) is fig:
            continue
        starts = [date(fig.first.year, m, 1) for m in range(fig.first.month, fig.last.month + 1)]
        parts = [months[(fig.measure, s)].value for s in starts if (fig.measure, s) in months]
        if len(parts) != len(starts):
            continue
        label = f"RUS {fig.first:%Y-%m}..{fig.last:%Y-%m} {fig.measure}: {grid.label(fig.row, 1)} vs months"
        if fig.rank == 0:
            out.notes.append(
                f"{label}: the headline total {fig.value:,.1f} exceeds the sum of the "
                f"months {sum(parts):,.1f} by {fig.value - sum(parts):,.1f} million "
                "(additions the monthly tables exclude)"
            )
            continue
        out.checks.append(
            AggregateCheck(
                grid.ref(fig.row, fig.col),
                label,
                fig.value * multiplier,
                sum(parts) * multiplier,
                rounding_tolerance([fig.value, *parts], multiplier),
            )
        )
    _identity_checks(grid, figures, out)


def _identity_checks(grid: Grid, figures: list[_Figure], out: Parsed) -> None:
    """Turnover = exports + imports and balance = exports − imports, wherever printed."""
    by_key = {(f.measure, *f.line): f for f in figures}
    checked = 0
    for f in figures:
        if f.measure not in ("turnover", "balance"):
            continue
        x = by_key.get((Flow.EXPORT, *f.line))
        m = by_key.get((Flow.IMPORT, *f.line))
        if x is None or m is None:
            continue
        computed = x.value + m.value if f.measure == "turnover" else x.value - m.value
        checked += 1
        if abs(computed - f.value) > rounding_tolerance([f.value, x.value, m.value]):
            out.warnings.append(
                f"{grid.ref(f.row, f.col)}: {f.measure} {f.value:,.4f} is not "
                f"exports {'+' if f.measure == 'turnover' else '−'} imports ({computed:,.4f})"
            )
    out.notes.append(f"{checked} printed turnover and balance figures checked against exports and imports")
