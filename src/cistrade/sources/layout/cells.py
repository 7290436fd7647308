"""Reading one cell of a layout's table: labels, figures, period headings, unit captions, dates.

The Russian readings (``январь-сентябрь 2024``, ``тыс. долларов США``) are those of
:mod:`cistrade.sources.national.excel`; English (``January–September 2024``, ``thousand US
dollars``), ISO (``2024-03``, ``2024-Q1``) and the Central Asian words for a thousand (``ming``,
``минг``, ``миң``) are added here, so that one layout reads a table in any of its languages.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from typing import Any

from cistrade.model import PeriodRange
from cistrade.sources.layout.model import PeriodKind
from cistrade.sources.national.excel import freq_of, label_key, months_of, normalise_label, unit_of, year_of

__all__ = ["Span", "clean", "period_of", "unit_caption", "Figure", "figure", "date_text", "NotANumber"]


@dataclass(frozen=True, order=True)
class Span:
    """The first and last day of the period one value covers."""

    first: date
    last: date

    @cached_property
    def freq(self) -> str:
        return str(freq_of(self.first, self.last))

    @classmethod
    def months(cls, year: int, first: int, last: int) -> Span:
        run = PeriodRange.between(date(year, first, 1), date(year, last, 1))
        return cls(run.first_day, run.last_day)

    def __str__(self) -> str:
        if self.freq == "A":
            return f"{self.first.year}"
        if self.first.month == self.last.month:
            return f"{self.first:%Y-%m}"
        return f"{self.first:%Y-%m}..{self.last:%Y-%m}"


def clean(value: Any, footnote: re.Pattern[str] | None = None) -> str:
    """A label or heading as printed, without line breaks, footnote marks and look-alike
    letters (``"Казахстан 1)"`` → ``"Казахстан"``); a whole number stays one (``156.0`` → 156)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = normalise_label(value)
    if footnote is not None and text:
        text = footnote.sub("", text).strip()
    return text


# -- periods -------------------------------------------------------------------------------

_ISO_YEAR = re.compile(r"^(\d{4})(?:\s*(?:год|г\.?|year|yil|й\.?))?$", re.IGNORECASE)
_ISO_MONTH = re.compile(r"^(\d{4})\s*(?:-|/|\.|m)\s*(\d{1,2})$", re.IGNORECASE)
_ISO_QUARTER = re.compile(r"^(\d{4})\s*-?\s*q([1-4])$|^q([1-4])\s*-?\s*(\d{4})$", re.IGNORECASE)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ t].*)?$", re.IGNORECASE)
_EN_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_EN_MONTH = re.compile(r"\b(" + "|".join(_EN_MONTHS) + r")[a-z]*\.?", re.IGNORECASE)
_EN_QUARTER = re.compile(
    r"\b(?:q([1-4])|([1-4])(?:st|nd|rd|th)\s+quarter|(first|second|third|fourth)\s+quarter)\b"
)
_RU_QUARTER = re.compile(r"\b([1-4])\s*(?:-?й\s*)?квартал")
_ORDINAL = {"first": 1, "second": 2, "third": 3, "fourth": 4}


def _quarter(key: str) -> int | None:
    found = _EN_QUARTER.search(key) or _RU_QUARTER.search(key)
    group = next((g for g in found.groups() if g), None) if found else None
    if group is None:
        return None
    return int(group) if group.isdigit() else _ORDINAL[group]


def _english_months(key: str) -> tuple[int, int] | None:
    quarter = _quarter(key)
    if quarter is not None:
        return 3 * quarter - 2, 3 * quarter
    found = [_EN_MONTHS.index(m.group(1).lower()) + 1 for m in _EN_MONTH.finditer(key)]
    return (found[0], found[-1]) if found else None


def _iso_span(text: str) -> Span | None:
    if m := _ISO_YEAR.match(text):
        return Span.months(int(m[1]), 1, 12)
    if (m := _ISO_MONTH.match(text)) and 1 <= int(m[2]) <= 12:
        return Span.months(int(m[1]), int(m[2]), int(m[2]))
    if m := _ISO_QUARTER.match(text):
        year, q = (int(m[1]), int(m[2])) if m[1] else (int(m[4]), int(m[3]))
        return Span.months(year, 3 * q - 2, 3 * q)
    if (m := _ISO_DATE.match(text)) and 1 <= int(m[2]) <= 12:
        return Span.months(int(m[1]), int(m[2]), int(m[2]))
    return None


def _words_span(text: str, default_year: int | None, loose: bool = True) -> Span | None:
    """A period in words; a year alone counts only when ``loose`` (a title, not a heading)."""
    year = year_of(text)
    if year is None:
        year = default_year
    if year is None or not 1950 <= year <= 2099:
        return None
    months = months_of(text) or _english_months(label_key(text))
    if months is None:
        return Span.months(year, 1, 12) if loose and year_of(text) is not None else None
    first, last = months
    return Span.months(year, first, last) if first <= last else None


_FITS = {
    PeriodKind.YEARS: ("A",),
    PeriodKind.MONTHS: ("M",),
    PeriodKind.QUARTERS: ("Q",),
    PeriodKind.PERIODS: ("A", "Q", "M", "C"),
}


def period_of(value: Any, kind: PeriodKind = PeriodKind.PERIODS, *, default_year: int | None = None,
              footnote: re.Pattern[str] | None = None, loose: bool = False) -> Span | None:
    """The period a heading or caption names, if it is of ``kind``; else None.

    ``2023``, ``"2023¹"``, ``"2023 год"`` → the year; ``"2024-03"``, ``"Март 2024"``, ``"March
    2024"`` → a month; ``"2024-Q1"``, ``"I квартал 2024"`` → a quarter; ``"январь-сентябрь
    2024"`` → a cumulative run. A caption without a year takes ``default_year``. A heading
    with other words and a year but no month (``y2015``, ``Экспорт 2023``) is no period unless
    ``loose`` (titles, sheet and file names: ``Внешняя торговля за 2023 год``).
    """
    if isinstance(value, datetime | date):
        day = value.date() if isinstance(value, datetime) else value
        span: Span | None = Span.months(day.year, day.month, day.month)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        year = year_of(value)
        span = Span.months(year, 1, 12) if year else None
    else:
        text = clean(value, footnote)
        if not text:
            return None
        span = _iso_span(text) or _words_span(text, default_year, loose)
    if span is None or span.freq not in _FITS[kind]:
        return None
    return span


# -- units ---------------------------------------------------------------------------------

_MULTIPLIERS: list[tuple[re.Pattern[str], float]] = [
    (re.compile(r"\bthousands?\b|\bthous\.|\bths\.?|\bming\b|\bминг\b|\bмиң\b"), 1e3),
    (re.compile(r"\bmillions?\b|\bmln\.?|\bmn\b"), 1e6),
    (re.compile(r"\bbillions?\b|\bbln\.?|\bbn\b|\bmlrd\b"), 1e9),
]
_CURRENCIES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bus\s*dollars?\b|\busd\b|\bus\$|\bdollars?\b|\bdollari\b|\bдоллар"), "USD"),
    (re.compile(r"\beuros?\b|\beur\b"), "EUR"),
]


def _first(patterns: list[tuple[re.Pattern[str], Any]], key: str) -> Any:
    return next((found for pattern, found in patterns if pattern.search(key)), None)


def unit_caption(value: Any) -> tuple[float, str] | None:
    """``(multiplier, currency)`` from a caption (``тыс. долларов США``, ``thousand US
    dollars``, ``(ming AQSh dollari)``), else None."""
    if not isinstance(value, str):
        return None
    key = label_key(value)
    found = (_first(_MULTIPLIERS, key), _first(_CURRENCIES, key))
    return unit_of(value) or (None if None in found else found)


# -- figures -------------------------------------------------------------------------------


class NotANumber(ValueError):
    """A value cell that holds neither a number nor a null token."""


@dataclass(frozen=True)
class Figure:
    """A value cell read: the number (None for a null token) and the cell as printed."""

    number: float | None
    printed: Any


def figure(value: Any, nulls: frozenset[str], comma: bool = False) -> Figure:
    """The number in a value cell; ``number`` None for a null token (``-``, ``…``, empty).
    ``comma``: the decimal mark is a comma (``1 234,5`` and ``1.234,5`` are 1234.5)."""
    if comma and type(value) is str:
        value = value.replace(".", "").replace(",", ".") if "," in value else value.replace(".", "")
    if type(value) is str:  # the common case first (a CSV cell): one float() when it is a number
        try:
            number = float(value)
        except ValueError:
            return _text_figure(value, nulls)
        if not math.isfinite(number) or "_" in value:  # float() takes "1_000"; a publisher does not
            raise NotANumber(repr(value))
        return Figure(number, value)
    if isinstance(value, bool) or isinstance(value, datetime | date):
        raise NotANumber(repr(value))
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise NotANumber(repr(value))
        return Figure(float(value), value)
    return _text_figure("" if value is None else str(value), nulls)


def _text_figure(value: str, nulls: frozenset[str]) -> Figure:
    text = value.strip()
    if text.casefold() in nulls:
        return Figure(None, text)
    if "_" in text:
        raise NotANumber(repr(value))
    try:
        number = float(text.replace("\xa0", "").replace("\u202f", "").replace(" ", ""))
    except ValueError:
        raise NotANumber(repr(value)) from None
    if not math.isfinite(number):
        raise NotANumber(repr(value))
    return Figure(number, text)


# -- dates (vintages) ----------------------------------------------------------------------

_DATE_DMY = re.compile(r"(?<!\d)(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)")
_DATE_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_DATE_YM = re.compile(r"(?<!\d)(\d{4})-(\d{2})(?![\d-])")


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def date_text(text: str) -> str | None:
    """A date read from a caption as sortable ISO text: ``15.03.2024`` and ``2024-03-15`` →
    ``2024-03-15``; ``2024-03`` and ``март 2024`` → ``2024-03``; ``2024`` → ``2024``."""
    if m := _DATE_ISO.search(text):
        return _valid(int(m[1]), int(m[2]), int(m[3]))
    if m := _DATE_DMY.search(text):
        return _valid(int(m[3]), int(m[2]), int(m[1]))
    if (m := _DATE_YM.search(text)) and 1 <= int(m[2]) <= 12:
        return f"{m[1]}-{m[2]}"
    span = _words_span(text, None)
    if span is None:
        return None
    in_words = months_of(text) or _english_months(label_key(text))
    return f"{span.last:%Y-%m}" if in_words else str(span.last.year)
