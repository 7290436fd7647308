"""The canonical vocabulary: flows, frequencies, valuation, partner basis, periods.

Every source reads into these terms and every indicator speaks them. Closed vocabularies
are ``str`` enums so that they serialise as their value (``Flow.EXPORT == "export"``).

A :class:`Period` is one calendar month, quarter or year; a :class:`PeriodRange` is an
inclusive run of months such as ``2024-01..2024-09`` (the cumulative periods official
statements quote). Both parse from text::

    >>> PeriodRange.parse("2024-01..2024-09").previous_year()
    PeriodRange('2023-01..2023-09')
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from cistrade.errors import InputError, _cut

__all__ = [
    "Flow",
    "Freq",
    "Valuation",
    "PartnerBasis",
    "TradeFlow",
    "Period",
    "PeriodRange",
]


class Flow(StrEnum):
    """Direction of a recorded flow, as seen by the reporter."""

    EXPORT = "export"
    IMPORT = "import"
    RE_EXPORT = "re-export"
    RE_IMPORT = "re-import"


class TradeFlow(StrEnum):
    """What an indicator measures: one flow, or turnover (exports + imports)."""

    TURNOVER = "turnover"
    EXPORT = "export"
    IMPORT = "import"


class Freq(StrEnum):
    """How long the period of one stored value is.

    ``C`` (cumulative) is a run of months within one year that a publisher prints as one
    figure (Russia's customs "January–September" tables); it is stored with its first and
    last day, never split into months.
    """

    ANNUAL = "A"
    QUARTERLY = "Q"
    MONTHLY = "M"
    CUMULATIVE = "C"


class Valuation(StrEnum):
    FOB = "FOB"
    CIF = "CIF"
    UNKNOWN = "unknown"


class PartnerBasis(StrEnum):
    """Which country a flow is attributed to."""

    ORIGIN = "origin"
    CONSIGNMENT = "consignment"
    DESTINATION = "destination"
    UNKNOWN = "unknown"


_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-?M?(\d{1,2})$", re.IGNORECASE)


def _month_index(year: int, month: int) -> int:
    return year * 12 + (month - 1)


@dataclass(frozen=True, order=True)
class Period:
    """One calendar year, quarter or month. ``str(p)`` gives the canonical text form."""

    year: int
    freq: Freq
    number: int = 1  # quarter 1-4 or month 1-12; 1 for a year

    def __post_init__(self) -> None:
        limit = {Freq.ANNUAL: 1, Freq.QUARTERLY: 4, Freq.MONTHLY: 12}.get(self.freq)
        if limit is None:
            raise InputError(f"a Period is a year, quarter or month, not {self.freq!r}")
        if not 1 <= self.number <= limit or not 1000 <= self.year <= 9999:
            raise InputError(f"no such period: year {self.year}, {self.freq.name.lower()} {self.number}")

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse ``2024``, ``2024-Q3``, ``2024-09`` (also ``2024M09``, ``2024-M09``)."""
        s = str(text).strip()
        if m := _YEAR.match(s):
            return cls(int(m[1]), Freq.ANNUAL)
        if m := _QUARTER.match(s):
            return cls(int(m[1]), Freq.QUARTERLY, int(m[2]))
        if (m := _MONTH.match(s)) and 1 <= int(m[2]) <= 12:
            return cls(int(m[1]), Freq.MONTHLY, int(m[2]))
        raise InputError(
            f"not a period: {_cut(str(text))!r} (expected 2024, 2024-Q3, 2024-09 or a range "
            "2024-01..2024-09)"
        )

    @classmethod
    def from_date(cls, d: date, freq: Freq | str) -> Period:
        freq = Freq(freq)
        if freq is Freq.ANNUAL:
            return cls(d.year, freq)
        if freq is Freq.QUARTERLY:
            return cls(d.year, freq, (d.month - 1) // 3 + 1)
        return cls(d.year, Freq.MONTHLY, d.month)

    @property
    def first_month(self) -> int:
        return {Freq.ANNUAL: 1, Freq.QUARTERLY: 3 * self.number - 2}.get(self.freq, self.number)

    @property
    def last_month(self) -> int:
        return {Freq.ANNUAL: 12, Freq.QUARTERLY: 3 * self.number}.get(self.freq, self.number)

    @property
    def start(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        """The last day of the period."""
        last = self.last_month
        return date(self.year, last, calendar.monthrange(self.year, last)[1])

    def months(self) -> list[Period]:
        return [Period(self.year, Freq.MONTHLY, m) for m in range(self.first_month, self.last_month + 1)]

    def previous_year(self) -> Period:
        return Period(self.year - 1, self.freq, self.number)

    def __str__(self) -> str:
        if self.freq is Freq.ANNUAL:
            return f"{self.year}"
        if self.freq is Freq.QUARTERLY:
            return f"{self.year}-Q{self.number}"
        return f"{self.year}-{self.number:02d}"

    def __repr__(self) -> str:
        return f"Period({str(self)!r})"


@dataclass(frozen=True)
class PeriodRange:
    """An inclusive run of whole months, ``start`` to ``end`` (both monthly periods)."""

    start: Period
    end: Period

    def __post_init__(self) -> None:
        if self.start.freq is not Freq.MONTHLY or self.end.freq is not Freq.MONTHLY:
            raise InputError("a PeriodRange is stored as its first and last month")
        if self.end < self.start:
            raise InputError(f"empty period range: {self.start} is after {self.end}")

    @classmethod
    def parse(cls, text: str | Period | PeriodRange) -> PeriodRange:
        """Parse ``2024``, ``2024-Q3``, ``2024-09`` or ``A..B`` with A and B any of those."""
        if isinstance(text, PeriodRange):
            return text
        if isinstance(text, Period):
            return cls.of(text)
        s = str(text).strip()
        for sep in ("..", "/", "–", "—"):
            if sep in s:
                left, _, right = s.partition(sep)
                a, b = Period.parse(left), Period.parse(right)
                return cls(a.months()[0], b.months()[-1])
        return cls.of(Period.parse(s))

    @classmethod
    def of(cls, period: Period) -> PeriodRange:
        months = period.months()
        return cls(months[0], months[-1])

    @classmethod
    def between(cls, start: date, end: date) -> PeriodRange:
        return cls(Period.from_date(start, Freq.MONTHLY), Period.from_date(end, Freq.MONTHLY))

    @property
    def first_day(self) -> date:
        return self.start.start

    @property
    def last_day(self) -> date:
        return self.end.end

    def months(self) -> list[Period]:
        first = _month_index(self.start.year, self.start.number)
        last = _month_index(self.end.year, self.end.number)
        return [Period(i // 12, Freq.MONTHLY, i % 12 + 1) for i in range(first, last + 1)]

    def __len__(self) -> int:
        return len(self.months())

    def __contains__(self, item: object) -> bool:
        if isinstance(item, Period):
            return self.first_day <= item.start and item.end <= self.last_day
        if isinstance(item, date):
            return self.first_day <= item <= self.last_day
        return False

    def previous_year(self) -> PeriodRange:
        """The same months one year earlier (the year-on-year comparison)."""
        return PeriodRange(self.start.previous_year(), self.end.previous_year())

    def as_period(self) -> Period | None:
        """The single year, quarter or month this range is, if it is one."""
        if self.start == self.end:
            return self.start
        s, e = self.start, self.end
        if s.year == e.year and s.number == 1 and e.number == 12:
            return Period(s.year, Freq.ANNUAL)
        if s.year == e.year and s.number % 3 == 1 and e.number == s.number + 2:
            return Period(s.year, Freq.QUARTERLY, e.number // 3)
        return None

    def years(self) -> list[int]:
        return list(range(self.start.year, self.end.year + 1))

    def __str__(self) -> str:
        single = self.as_period()
        if single is not None:
            return str(single)
        return f"{self.start}..{self.end}"

    def __repr__(self) -> str:
        return f"PeriodRange({str(self)!r})"
