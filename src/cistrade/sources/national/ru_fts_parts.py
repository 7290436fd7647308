"""What the FTS readers share: the reporter, the flow of a label, a range of months, the unit
of a caption, and :class:`Parsed` — the rows and checks read from one workbook.

Both :mod:`~cistrade.sources.national.ru_fts` (the by-country and main-indicator tables) and
:mod:`~cistrade.sources.national.ru_fts_totals` (totals and groups) build on these; the first
dispatches to the second, so they live apart from both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from cistrade.errors import InputError
from cistrade.model import Flow, PartnerBasis, PeriodRange, Valuation
from cistrade.sources.base import AggregateCheck, Skipped
from cistrade.sources.national.excel import (
    FlowRows,
    Grid,
    label_key,
    unit_of,
)

__all__ = ["REPORTER", "Parsed", "flow_terms", "flow_of", "month_range", "caption_unit"]


REPORTER = "RUS"
_TERMS = {
    Flow.EXPORT: (Valuation.FOB, PartnerBasis.DESTINATION),
    Flow.IMPORT: (Valuation.UNKNOWN, PartnerBasis.ORIGIN),
}


def flow_terms(flow: Flow) -> tuple[Valuation, PartnerBasis]:
    """The valuation and partner basis FTS figures of a flow are stored with."""
    return _TERMS[flow]


def flow_of(label: str) -> Flow | None:
    """``Экспорт …`` → export, ``Импорт …`` → import (by the label's first word)."""
    key = label_key(label)
    if key.startswith("экспорт"):
        return Flow.EXPORT
    if key.startswith("импорт"):
        return Flow.IMPORT
    return None


def month_range(year: int, first: int, last: int) -> tuple[date, date]:
    span = PeriodRange.between(date(year, first, 1), date(year, last, 1))
    return span.first_day, span.last_day


@dataclass
class Parsed:
    """What one FTS table yields, before it becomes a :class:`ReadResult`."""

    series: str
    title: str
    rows: FlowRows = field(default_factory=lambda: FlowRows(REPORTER))
    periods: list[date] = field(default_factory=list)  # last days, for the vintage
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    checks: list[AggregateCheck] = field(default_factory=list)

    def add(
        self,
        grid: Grid,
        row: int,
        col: int,
        *,
        partner: str,
        flow: Flow,
        first: date,
        last: date,
        value: float,
        aggregate: bool,
    ) -> None:
        valuation, basis = flow_terms(flow)
        self.rows.add(
            partner=partner,
            flow=flow,
            first=first,
            last=last,
            value=value,
            valuation=valuation,
            basis=basis,
            aggregate=aggregate,
            ref=grid.ref(row, col),
        )
        self.periods.append(last)

    def vintage(self, annual: bool = False) -> str:
        last = max(self.periods)
        return str(last.year) if annual else f"{last:%Y-%m}"


def caption_unit(grid: Grid, rows: range, file: str) -> float:
    """The multiplier to US dollars from the unit caption in ``rows``; InputError if none."""
    for _r, _c, value in grid.cells(rows):
        unit = unit_of(value)
        if unit:
            multiplier, currency = unit
            if currency != "USD":
                raise InputError(
                    f"expected values in US dollars, the caption says {value!r}", **grid.where(file=file)
                )
            return multiplier
    raise InputError(
        f"no unit caption (expected e.g. 'млн долларов США') in rows {rows.start}-{rows.stop - 1}",
        **grid.where(file=file),
    )


# -- 94itog: main indicators, one sheet per year -----------------------------------------------


