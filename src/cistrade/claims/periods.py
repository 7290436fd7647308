"""Periods named in English and Russian text.

:func:`find_periods` finds every phrase that names a run of months: ``from January to
September 2024``, ``January–September 2024``, ``in the first nine months of 2024``, ``9M
2024``, ``H1 2023``, ``in the third quarter of 2024`` (July–September), ``by the end of the
third quarter`` (January–September: a cumulative figure), ``in 2023``, ``январь–сентябрь
2024 года``, ``в январе-сентябре 2024 г.``, ``за девять месяцев 2024 года``, ``по итогам 2023
года``, ``в первом полугодии``. A phrase without a year (``by the end of the third
quarter``) is returned with ``year=None``; the extractor takes the year from the same
sentence, then from the sentences before it. A phrase introduced by ``compared with``,
``against``, ``по сравнению с`` … is marked ``comparison`` (the base of a growth rate, not
the claim's period).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from cistrade.model import Freq, Period, PeriodRange

__all__ = ["PeriodMention", "find_periods", "find_years"]

_MONTHS_EN = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_MONTHS_RU = ["январ", "феврал", "март", "апрел", "ма[йяюе]", "июн", "июл", "август",
              "сентябр", "октябр", "ноябр", "декабр"]
_MONTH_EN = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
             r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_MONTH_RU = r"(?:январ[ьяе]|феврал[ьяе]|март[ае]?|апрел[ьяе]|ма[йяе]|июн[ьяе]|июл[ьяе]" \
            r"|август[ае]?|сентябр[ьяе]|октябр[ьяе]|ноябр[ьяе]|декабр[ьяе])"
_DASH = r"\s*(?:-|–|—|‒|to|through|till|until|and|по|до)\s*"
_CORE_GROUPS = ("a", "n", "ord", "ord2", "year")
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_YEAR_EN_OPT = r"(?:\s*(?:,|of)?\s*" + _YEAR + r")?"
_YEAR_RU_OPT = r"(?:\s+" + _YEAR + r"(?:\s*(?:года|год|году|г\.|гг\.|г\b))?)?"
_YEAR_RU = r"\s+" + _YEAR + r"(?:\s*(?:года|год|году|г\.|гг\.|г\b))?"

_COUNT_EN = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
             "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_COUNT_RU = [("одиннадцат", 11), ("десят", 10), ("девят", 9), ("восьм", 8), ("восем", 8),
             ("сем", 7), ("шест", 6), ("пят", 5), ("четыр", 4), ("тр", 3), ("дв", 2)]
_ORD_EN = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
           "4th": 4, "i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_ORD_RU = [("перв", 1), ("втор", 2), ("трет", 3), ("четв", 4), ("iv", 4), ("iii", 3),
           ("ii", 2), ("i", 1), ("1", 1), ("2", 2), ("3", 3), ("4", 4)]

_COMPARISON = re.compile(
    r"(?<!\w)(?:compared\s+(?:with|to)|against|versus|vs\.?|relative\s+to|from|than|on|year\s+earlier"
    r"|по\s+сравнению\s+с(?:о)?|в\s+сравнении\s+с|относительно|к\s+уровню|к|против|чем|с)"
    r"\s+(?:the\s+same\s+period\s+(?:of|in)\s+|аналогичн\w+\s+период\w*\s+|the\s+|a\s+)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PeriodMention:
    """A run of months named in a text; ``year`` None when the text leaves it to context."""

    start: int
    end: int
    first_month: int
    last_month: int
    year: int | None
    comparison: bool = False
    text: str = ""

    def resolve(self, year: int | None = None) -> PeriodRange:
        y = self.year if self.year is not None else year
        if y is None:
            raise ValueError("the period needs a year")
        return PeriodRange(Period(y, Freq.MONTHLY, self.first_month),
                           Period(y, Freq.MONTHLY, self.last_month))


def _month_en(word: str) -> int:
    return _MONTHS_EN.index(word.lower().rstrip(".")[:3]) + 1


def _month_ru(word: str) -> int:
    w = word.lower()
    return next(i + 1 for i, stem in enumerate(_MONTHS_RU) if re.match(stem, w))


def _count_ru(word: str) -> int:
    w = word.lower()
    if w.isdigit():
        return int(w)
    return next(n for stem, n in _COUNT_RU if w.startswith(stem))


def _ord_ru(word: str) -> int:
    w = word.lower()
    return next(n for stem, n in _ORD_RU if w.startswith(stem))


def _count_en(word: str) -> int:
    w = word.lower()
    return int(w) if w.isdigit() else _COUNT_EN[w]


Handler = Callable[[re.Match[str]], tuple[int, int]]

_ORDINAL_EN = r"(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)"
_ORDINAL_RU = r"(?P<ord>перв\w*|втор\w*|трет\w*|четв[её]рт\w*|IV|III|II|I|[1-4](?:-?[а-я]{1,2})?)"
_COUNT_EN_RX = r"(?P<n>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_COUNT_RU_RX = (r"(?P<n>\d{1,2}|дв\w+|тр[её]х|три|четыр\w+|пят\w+|шест\w+|сем\w+|вос[еь]м\w+"
                r"|девят\w+|десят\w+|одиннадцат\w+)")

# (pattern, handler giving first and last month); tried in this order, earlier wins overlaps
_RULES: list[tuple[re.Pattern[str], Handler]] = [
    # January–September 2024, from January to September 2024, Jan-Sep 2024
    (re.compile(r"(?:from\s+|between\s+)?(?P<a>" + _MONTH_EN + r")" + _DASH + r"(?P<b>" + _MONTH_EN
                + r")" + _YEAR_EN_OPT + r"\b"),
     lambda m: (_month_en(m["a"]), _month_en(m["b"]))),
    # январь–сентябрь 2024 года, в январе-сентябре 2024 г., с января по сентябрь 2024 года
    (re.compile(r"(?<!\w)(?:с\s+|за\s+|в\s+)?(?P<a>" + _MONTH_RU + r")" + _DASH + r"(?P<b>"
                + _MONTH_RU + r")" + _YEAR_RU_OPT, re.IGNORECASE),
     lambda m: (_month_ru(m["a"]), _month_ru(m["b"]))),
    # the first nine months of 2024, nine months of 2024, 9M 2024
    (re.compile(r"(?:the\s+)?(?:first\s+)?" + _COUNT_EN_RX + r"[\s-]+months?" + _YEAR_EN_OPT
                + r"\b", re.IGNORECASE),
     lambda m: (1, _count_en(m["n"]))),
    (re.compile(r"\b(?P<n>\d{1,2})M\s*" + _YEAR + r"\b"), lambda m: (1, int(m["n"]))),
    # за девять месяцев 2024 года, за 9 мес. 2024 г.
    (re.compile(r"(?<!\w)(?:за\s+)?(?:первые\s+)?" + _COUNT_RU_RX + r"\s+(?:месяц\w*|мес\.)"
                + _YEAR_RU_OPT, re.IGNORECASE),
     lambda m: (1, _count_ru(m["n"]))),
    # by the end of the third quarter (of 2024): cumulative
    (re.compile(r"(?:by|at)\s+the\s+end\s+of\s+the\s+" + _ORDINAL_EN + r"\s+quarter"
                + _YEAR_EN_OPT + r"\b", re.IGNORECASE),
     lambda m: (1, 3 * _ORD_EN[m["ord"].lower()])),
    # the first three quarters of 2024
    (re.compile(r"(?:the\s+)?first\s+" + r"(?P<n>two|three|2|3)\s+quarters" + _YEAR_EN_OPT
                + r"\b", re.IGNORECASE),
     lambda m: (1, 3 * _count_en(m["n"]))),
    # по итогам трех кварталов 2024 года, за три квартала
    (re.compile(r"(?<!\w)(?:по\s+итогам\s+|за\s+)(?:первых\s+)?(?P<n>тр[её]х|три|двух|два|3|2)"
                + r"\s+квартал\w*" + _YEAR_RU_OPT, re.IGNORECASE),
     lambda m: (1, 3 * _count_ru(m["n"]))),
    # по итогам III квартала = cumulative; в III квартале = the quarter
    (re.compile(r"(?<!\w)(?:по\s+итогам|на\s+конец|к\s+концу)\s+" + _ORDINAL_RU
                + r"\s+квартал\w*" + _YEAR_RU_OPT, re.IGNORECASE),
     lambda m: (1, 3 * _ord_ru(m["ord"]))),
    # the third quarter of 2024, Q3 2024, 3Q 2024
    (re.compile(r"(?:the\s+)?" + _ORDINAL_EN + r"\s+quarter" + _YEAR_EN_OPT + r"\b", re.IGNORECASE),
     lambda m: (3 * _ORD_EN[m["ord"].lower()] - 2, 3 * _ORD_EN[m["ord"].lower()])),
    (re.compile(r"\b(?:Q(?P<ord>[1-4])|(?P<ord2>[1-4])Q)\s*" + _YEAR + r"\b"),
     lambda m: (3 * int(m["ord"] or m["ord2"]) - 2, 3 * int(m["ord"] or m["ord2"]))),
    (re.compile(r"(?<!\w)(?:в\s+|за\s+)?" + _ORDINAL_RU + r"\s+квартал\w*" + _YEAR_RU_OPT,
                re.IGNORECASE),
     lambda m: (3 * _ord_ru(m["ord"]) - 2, 3 * _ord_ru(m["ord"]))),
    # the first half of 2024, H1 2024, 1H 2024
    (re.compile(r"(?:the\s+)?(?P<ord>first|second)\s+half" + _YEAR_EN_OPT + r"\b", re.IGNORECASE),
     lambda m: (1, 6) if m["ord"].lower() == "first" else (7, 12)),
    (re.compile(r"\b(?:H(?P<ord>[12])|(?P<ord2>[12])H)\s*" + _YEAR + r"\b"),
     lambda m: (1, 6) if (m["ord"] or m["ord2"]) == "1" else (7, 12)),
    # в первом полугодии 2024 года, за I полугодие, в первой половине 2024 года
    (re.compile(r"(?<!\w)(?:в\s+|за\s+|по\s+итогам\s+)?" + _ORDINAL_RU
                + r"\s+(?:полугоди\w*|половин\w*)" + _YEAR_RU_OPT, re.IGNORECASE),
     lambda m: (1, 6) if _ord_ru(m["ord"]) == 1 else (7, 12)),
    # September 2024, в сентябре 2024 года (one month: needs the year)
    (re.compile(r"\b(?P<a>" + _MONTH_EN + r")\s*(?:,|of)?\s*" + _YEAR + r"\b"),
     lambda m: (_month_en(m["a"]), _month_en(m["a"]))),
    (re.compile(r"(?<!\w)(?:в\s+|за\s+)?(?P<a>" + _MONTH_RU + r")" + _YEAR_RU, re.IGNORECASE),
     lambda m: (_month_ru(m["a"]), _month_ru(m["a"]))),
    # in 2023, по итогам 2023 года, за 2023 год, в 2023 году
    (re.compile(r"(?<!\w)(?:по\s+итогам\s+|за\s+|в\s+|на\s+конец\s+)?" + _YEAR
                + r"\s*(?:года|год|году|г\.|г\b)", re.IGNORECASE),
     lambda m: (1, 12)),
    (re.compile(r"\b(?:in|for|during|of|throughout|over)\s+(?:the\s+(?:year|whole\s+of)\s+)?"
                + _YEAR + r"\b(?!\s*[-–]\s*(?:19|20)\d\d)", re.IGNORECASE),
     lambda m: (1, 12)),
    (re.compile(r"(?<![-–—\d])(?<![-–—]\s)\b" + _YEAR + r"(?=\s*(?:,|\.|;|$|\)))"),
     lambda m: (1, 12)),
]

_YEAR_ANY = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


def _is_comparison(text: str, start: int) -> bool:
    return bool(_COMPARISON.search(text[max(0, start - 40):start]))


_FROM_LEVEL = re.compile(
    r"\b(?:from|с|со)\s+(?:US\s?\$|[$€])?\s?\d[\d.,\u00a0 ]*\s*"
    r"(?:%|per\s*cent|процент\w*|(?:trillion|billion|million|bn|трлн|млрд|млн)\.?"
    r"(?:\s+(?:dollars?|euros?|долл\w*|евро|руб\w*))?)?\s*$", re.IGNORECASE)


def _after_from_level(text: str, start: int) -> bool:
    """``rose from 18% in 2022 to 21.5% in 2023``, ``с 18% в 2022 году``: the period of the
    earlier level is the comparison base."""
    return bool(_FROM_LEVEL.search(text[max(0, start - 40):start]))


def _over_year(text: str, m: re.Match[str]) -> bool:
    """``rose 5% in 2024 over 2023``: a bare year after ``over`` is the comparison base."""
    before = text[max(0, m.start() - 6):m.start()]
    return bool(re.search(r"\bover\s+$", before)) and m.group(0).strip().isdigit()


def find_periods(text: str) -> list[PeriodMention]:
    """Every period phrase in ``text``, in order; overlapping phrases keep the first rule's."""
    found: list[PeriodMention] = []
    taken: list[tuple[int, int]] = []
    for rx, handler in _RULES:
        for m in rx.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            first, last = handler(m)
            if not 1 <= first <= last <= 12:
                continue
            year = int(m["year"]) if m.groupdict().get("year") else None
            groups = m.groupdict()
            core = min(m.start(g) for g in _CORE_GROUPS if groups.get(g))
            prefix = text[m.start():core].strip().lower()
            comparison = _is_comparison(text, m.start()) or (
                prefix.startswith("over") and (first, last) == (1, 12)) or _over_year(text, m) \
                or _after_from_level(text, m.start())
            found.append(PeriodMention(m.start(), m.end(), first, last, year, comparison,
                                       m.group(0)))
            taken.append((m.start(), m.end()))
    return sorted(found, key=lambda p: p.start)


def find_years(text: str) -> list[int]:
    """Every four-digit year in ``text`` (the context a period without a year looks for)."""
    return [int(y) for y in _YEAR_ANY.findall(text)]
