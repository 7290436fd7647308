"""When a claim is about: a period phrase (:mod:`.periods`) resolved against its sentence,
its paragraph and the document's date, and the base a change over years is measured from.

Rules, in order (each a function below):

1. a phrase with its own year is that year;
2. "last year", "this year", "the first seven months of this year" take the year from the
   document's date (``--date``); without a date they are not resolved;
3. months without a year ("January–October", "the first half") take the sentence's year,
   else the latest year in which those months end by the document's date, else the
   paragraph's year;
4. "this year" alone says no months: not resolved (the claim's period is unknown);
5. a period that has not ended by the document's date ("in 2024", said in May 2024) is not
   a complete period: not resolved.

An unresolved period leaves the claim's period None with a note saying why: such a claim is
never checked against some other period. The base of a change over years: a span ("from
2015 to 2022", "since 2010"), "N years ago" or "over the past N years" counted back from
the claim's year, or a comparison year that is not the year before ("2.8 times compared to
2020"); a comparison with the year before is the usual year-on-year base (None).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from cistrade.claims.periods import PeriodMention, Span
from cistrade.model import Freq, Period, PeriodRange

__all__ = ["Resolved", "resolve", "base_of", "latest_year_ending_by", "NO_YEAR", "NO_MONTHS",
           "NOT_OVER", "NO_DATE"]

NO_YEAR = "the text does not say which year (give the document's date with --date)"
NO_DATE = "'last year' / 'this year' without the document's date (give it with --date)"
NO_MONTHS = "'this year' without months: the year to date, whose months the text does not say"
NOT_OVER = "the period had not ended by the document's date: not a complete period"


@dataclass(frozen=True)
class Resolved:
    period: PeriodRange | None
    note: str | None = None


def latest_year_ending_by(last_month: int, when: date) -> int:
    """The latest year whose ``last_month`` has ended by ``when``."""
    return when.year if last_month < when.month or (last_month == when.month and _month_end(
        when.year, last_month) <= when) else when.year - 1


def _month_end(year: int, month: int) -> date:
    return Period(year, Freq.MONTHLY, month).end


def _year(m: PeriodMention, sentence_year: int | None, paragraph_year: int | None,
          when: date | None) -> tuple[int | None, str | None]:
    if m.year is not None:
        return m.year, None
    if m.relative is not None:
        return (when.year + m.relative, None) if when else (None, NO_DATE)
    if sentence_year is not None:
        return sentence_year, None
    if when is not None:  # news say "January–October" of the year they are written in
        return latest_year_ending_by(m.last_month, when), None
    if paragraph_year is not None:
        return paragraph_year, None
    return None, NO_YEAR


def resolve(m: PeriodMention, *, sentence_year: int | None = None,
            paragraph_year: int | None = None, when: date | None = None) -> Resolved:
    """The period a phrase names (see the module docstring)."""
    if not m.months_said:
        return Resolved(None, NO_MONTHS)
    year, note = _year(m, sentence_year, paragraph_year, when)
    if year is None:
        return Resolved(None, note)
    period = m.resolve(year)
    if when is not None and period.last_day > when:
        return Resolved(None, NOT_OVER)
    return Resolved(period)


def _whole_year(year: int) -> PeriodRange:
    return PeriodRange.of(Period(year, Freq.ANNUAL))


def _from_span(span: Span, year: int) -> int | None:
    if span.first is not None and (span.last is None or span.last == year):
        return span.first
    if span.years is not None:
        return year - span.years
    return None


def base_of(period: PeriodRange | None, spans: Sequence[Span],
            comparisons: Sequence[PeriodMention]) -> PeriodRange | None:
    """The base of a change over years ending in ``period`` (None: a year earlier)."""
    if period is None:
        return None
    year = period.end.year
    for span in spans:
        first = _from_span(span, year)
        if first is not None and first < year - 1:
            return _whole_year(first)
    for c in comparisons:
        if c.year is not None and c.year < year - 1:
            return c.resolve() if (c.first_month, c.last_month) != (1, 12) else _whole_year(c.year)
    return None
