"""Periods named in English and Russian text.

:func:`find_periods` finds every phrase that names a run of months: ``from January to
September 2024``, ``January–September 2024``, ``in the first nine months of 2024``, ``9M
2024``, ``H1 2023``, ``in the third quarter of 2024`` (July–September), ``by the end of the
third quarter`` (January–September: a cumulative figure), ``in 2023``, ``январь–сентябрь
2024 года``, ``в январе-сентябре 2024 г.``, ``за девять месяцев 2024 года``, ``по итогам 2023
года``, ``в первом полугодии``, and the years relative to the document's date: ``last year``,
``this year``, ``the first seven months of this year``, ``в прошлом году``, ``за январь-октябрь
текущего года``. A phrase without a year is returned with ``year=None`` (the extractor
takes it from the sentence, the paragraph, or the document date: :mod:`.timeline`). A phrase
introduced by ``compared with``, ``against``, ``по сравнению с`` … is marked ``comparison``
(the base of a growth rate, not the claim's period).

:func:`find_spans` finds what a change over several years is measured from: ``from 2015 to
2022``, ``in 2015-2022``, ``с 2015 по 2022 год``, ``since 2010``, ``six years ago``, ``шесть
лет назад``, ``over the past five years``, ``за последние пять лет``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from cistrade.claims.numwords import SPELLED, spelled_value
from cistrade.model import Freq, Period, PeriodRange

__all__ = ["PeriodMention", "Span", "find_periods", "find_spans", "find_years"]

_MONTHS_EN = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_MONTHS_RU = ["январ", "феврал", "март", "апрел", "ма[йяюе]", "июн", "июл", "август",
              "сентябр", "октябр", "ноябр", "декабр"]
_MONTH_EN = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
             r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_MONTH_RU = r"(?:январ[ьяе]|феврал[ьяе]|март[ае]?|апрел[ьяе]|ма[йяе]|июн[ьяе]|июл[ьяе]" \
            r"|август[ае]?|сентябр[ьяе]|октябр[ьяе]|ноябр[ьяе]|декабр[ьяе])"
_DASH = r"\s*(?:-|–|—|‒|to|through|till|until|and|по|до)\s*"
_CORE_GROUPS = ("a", "n", "ord", "ord2", "year", "rel", "relru")
_YEAR = r"(?<!\d)(?P<year>(?:19|20)\d\d)(?!\d)"
#: "this year" / "last year" after a run of months: the year from the document's date
_REL_EN = r"(?P<rel>this|the\s+current|last|the\s+previous|the\s+past)\s+year"
_REL_RU = r"(?P<relru>текущего|этого|нынешнего|прошлого|минувшего|истекшего)\s+года"
_YEAR_EN_OPT = r"(?:\s*(?:,|of)?\s*(?:" + _YEAR + r"|" + _REL_EN + r"))?"
_RU_YEAR_WORD = r"(?:\s*(?:года|год|году|г\.|гг\.|г\b))?"
_YEAR_RU_OPT = r"(?:\s+(?:" + _YEAR + _RU_YEAR_WORD + r"|" + _REL_RU + r"))?"
_YEAR_RU = r"\s+" + _YEAR + _RU_YEAR_WORD

_COUNT_EN = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
             "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_COUNT_RU = [("одиннадцат", 11), ("десят", 10), ("девят", 9), ("восьм", 8), ("восем", 8),
             ("сем", 7), ("шест", 6), ("пят", 5), ("четыр", 4), ("тр", 3), ("дв", 2)]
_ORD_EN = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
           "4th": 4, "i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_ORD_RU = [("перв", 1), ("втор", 2), ("трет", 3), ("четв", 4), ("iv", 4), ("iii", 3),
           ("ii", 2), ("i", 1), ("1", 1), ("2", 2), ("3", 3), ("4", 4)]
#: relative years: the offset from the document's year
_REL_OFFSET = {"this": 0, "the current": 0, "last": -1, "the previous": -1, "the past": -1,
               "текущ": 0, "этог": 0, "этом": 0, "нынешн": 0, "уходящ": 0, "прошл": -1,
               "минувш": -1, "истекш": -1}

_COMPARISON = re.compile(
    r"(?<!\w)(?:compared\s+(?:with|to)|against|versus|vs\.?|relative\s+to|from|than|as|on"
    r"|year\s+earlier|по\s+сравнению\s+с(?:о)?|в\s+сравнении\s+с|относительно|к\s+уровню|к|против"
    r"|чем|с)\s+(?:(?:in|of|в|за)\s+)?(?:the\s+same\s+period(?:\s+(?:of|in))?\s+"
    r"|аналогичн\w{0,3}\s+период\w{0,3}\s+|the\s+|a\s+)?$"
    # "the same period of 2012", "за аналогичный период 2012 года": only ever a base
    r"|(?<!\w)(?:the\s+)?(?:same|similar|corresponding|comparable)\s+periods?\s+(?:(?:of|in|last)\s+)?$"
    r"|(?<!\w)аналогичн\w{0,3}\s+период\w{0,3}\s+$"
    # "above the level of 2019", "выше уровня 2019 года"
    r"|(?<!\w)the\s+levels?\s+(?:of\s+)?$|(?<!\w)уров(?:ень|н\w{0,3})\s+$",
    re.IGNORECASE,
)
_COMPARISON_WINDOW = 40


@dataclass(frozen=True)
class PeriodMention:
    """A run of months named in a text; ``year`` None when the text leaves it to context.

    ``relative`` is the offset from the document's year (0 "this year", −1 "last year");
    ``months_said`` is False for "this year" alone, whose months the text does not say.
    """

    start: int
    end: int
    first_month: int
    last_month: int
    year: int | None
    comparison: bool = False
    text: str = ""
    relative: int | None = None
    months_said: bool = True

    def resolve(self, year: int | None = None) -> PeriodRange:
        y = self.year if self.year is not None else year
        if y is None:
            raise ValueError("the period needs a year")
        return PeriodRange(Period(y, Freq.MONTHLY, self.first_month),
                           Period(y, Freq.MONTHLY, self.last_month))


@dataclass(frozen=True)
class Span:
    """What a change over years is measured from: ``first`` (a year), or ``years`` before the
    claim's year ("six years ago", "over the past five years")."""

    start: int
    end: int
    first: int | None = None
    last: int | None = None
    years: int | None = None


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


def _roman(word: str) -> int:
    """A quarter's number, Roman or Arabic."""
    return {"i": 1, "ii": 2, "iii": 3, "iv": 4}.get(word.lower()) or int(word)


def _ord_ru(word: str) -> int:
    w = word.lower()
    return next(n for stem, n in _ORD_RU if w.startswith(stem))


def _count_en(word: str) -> int:
    w = word.lower()
    return int(w) if w.isdigit() else _COUNT_EN[w]


Handler = Callable[[re.Match[str]], tuple[int, int]]

_ORDINAL_EN = r"(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)"
_ORDINAL_RU = (r"(?P<ord>перв\w{0,4}|втор\w{0,4}|трет\w{0,4}|четв[её]рт\w{0,4}|IV|III|II|I"
               r"|[1-4](?:-?[а-я]{1,2})?)")
_COUNT_EN_RX = r"(?P<n>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_COUNT_RU_RX = (r"(?P<n>\d{1,2}|дв\w{1,3}|тр[её]х|три|четыр\w{1,4}|пят\w{1,3}|шест\w{1,3}"
                r"|сем\w{1,3}|вос[еь]м\w{1,3}|девят\w{1,3}|десят\w{1,3}|одиннадцат\w{1,3})")

# (pattern, handler giving first and last month); tried in this order, earlier wins overlaps
_RULES: list[tuple[re.Pattern[str], Handler]] = [
    # January–September 2024, from January to September 2024, Jan-Sep 2024
    (re.compile(r"(?:(?i:from|between)\s+)?(?P<a>" + _MONTH_EN + r")" + _DASH + r"(?P<b>" + _MONTH_EN
                + r")(?:\s+period)?" + _YEAR_EN_OPT + r"\b"),
     lambda m: (_month_en(m["a"]), _month_en(m["b"]))),
    # январь–сентябрь 2024 года, в январе-сентябре 2024 г., с января по сентябрь 2024 года
    (re.compile(r"(?<!\w)(?:с\s+|за\s+|в\s+)?(?P<a>" + _MONTH_RU + r")" + _DASH + r"(?P<b>"
                + _MONTH_RU + r")" + _YEAR_RU_OPT, re.IGNORECASE),
     lambda m: (_month_ru(m["a"]), _month_ru(m["b"]))),
    # the first nine months of 2024, nine months of 2024, 9M 2024
    (re.compile(r"(?:the\s+)?(?:first\s+)?(?<![\d.,])" + _COUNT_EN_RX + r"[\s-]+months?"
                + _YEAR_EN_OPT + r"\b", re.IGNORECASE),
     lambda m: (1, _count_en(m["n"]))),
    (re.compile(r"\b(?P<n>\d{1,2})M\s*" + _YEAR + r"\b"), lambda m: (1, int(m["n"]))),
    # за девять месяцев 2024 года, за 9 мес. 2024 г., по итогам 8 месяцев текущего года
    (re.compile(r"(?<![\w.,])(?:за\s+)?(?:первые\s+)?" + _COUNT_RU_RX + r"\s+(?:месяц\w{0,3}|мес\.)"
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
                + r"\s+квартал\w{0,3}" + _YEAR_RU_OPT, re.IGNORECASE),
     lambda m: (1, 3 * _count_ru(m["n"]))),
    # по итогам III квартала = cumulative; в III квартале = the quarter
    (re.compile(r"(?<!\w)(?:по\s+итогам|на\s+конец|к\s+концу)\s+" + _ORDINAL_RU
                + r"\s+квартал\w{0,3}" + _YEAR_RU_OPT, re.IGNORECASE),
     lambda m: (1, 3 * _ord_ru(m["ord"]))),
    # Q1–Q3 2024, 1Q-3Q 2024, I–III кварталы 2024 года: a run of quarters
    (re.compile(r"\b(?:Q(?P<a>[1-4])|(?P<a2>[1-4])Q)" + _DASH + r"(?:Q(?P<b>[1-4])|(?P<b2>[1-4])Q)"
                + _YEAR_EN_OPT + r"\b"),
     lambda m: (3 * int(m["a"] or m["a2"]) - 2, 3 * int(m["b"] or m["b2"]))),
    (re.compile(r"(?<!\w)(?:в\s+|за\s+)?(?P<a>IV|III|II|I|[1-4])" + _DASH + r"(?P<b>IV|III|II|I|[1-4])"
                r"\s+квартал\w{0,3}" + _YEAR_RU_OPT, re.IGNORECASE),
     lambda m: (3 * _roman(m["a"]) - 2, 3 * _roman(m["b"]))),
    # the third quarter of 2024, Q3 2024, 3Q 2024, Q1 (of this year)
    (re.compile(r"(?:the\s+)?" + _ORDINAL_EN + r"\s+quarter" + _YEAR_EN_OPT + r"\b", re.IGNORECASE),
     lambda m: (3 * _ORD_EN[m["ord"].lower()] - 2, 3 * _ORD_EN[m["ord"].lower()])),
    (re.compile(r"\b(?:Q(?P<ord>[1-4])|(?P<ord2>[1-4])Q)(?:\s*" + _YEAR + r")?\b"),
     lambda m: (3 * int(m["ord"] or m["ord2"]) - 2, 3 * int(m["ord"] or m["ord2"]))),
    (re.compile(r"(?<!\w)(?:в\s+|за\s+)?" + _ORDINAL_RU + r"\s+квартал\w{0,3}" + _YEAR_RU_OPT,
                re.IGNORECASE),
     lambda m: (3 * _ord_ru(m["ord"]) - 2, 3 * _ord_ru(m["ord"]))),
    # the first half of 2024, H1 2024, 1H 2024
    (re.compile(r"(?:the\s+)?(?P<ord>first|second)\s+half" + _YEAR_EN_OPT + r"\b", re.IGNORECASE),
     lambda m: (1, 6) if m["ord"].lower() == "first" else (7, 12)),
    (re.compile(r"\b(?:H(?P<ord>[12])|(?P<ord2>[12])H)\s*" + _YEAR + r"\b"),
     lambda m: (1, 6) if (m["ord"] or m["ord2"]) == "1" else (7, 12)),
    # в первом полугодии 2024 года, за I полугодие, в первой половине 2024 года
    (re.compile(r"(?<!\w)(?:в\s+|за\s+|по\s+итогам\s+)?" + _ORDINAL_RU
                + r"\s+(?:полугоди\w{0,3}|половин\w{0,3})" + _YEAR_RU_OPT, re.IGNORECASE),
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
    (re.compile(r"\b(?:in|for|during|of|throughout|over|by)\s+(?:the\s+(?:year|whole\s+of)\s+)?"
                + _YEAR + r"\b(?!\s*[-–]\s*(?:19|20)\d\d)", re.IGNORECASE),
     lambda m: (1, 12)),
    (re.compile(r"(?<![-–—\d])(?<![-–—]\s)\b" + _YEAR + r"(?=\s*(?:,|\.|;|$|\)))"),
     lambda m: (1, 12)),
    # "2019 levels", "the 2019 figure": a base (see _LEVELS_AFTER)
    (re.compile(r"(?<![-–—\d])\b" + _YEAR + r"(?=\s{0,3}(?:levels?|figures?)\b)", re.IGNORECASE),
     lambda m: (1, 12)),
    # "of 2012 and 2013", "в 2022 и 2023 годах": the second year of a pair
    (re.compile(r"(?<=\d\d\s)(?:and|и)\s+" + _YEAR), lambda m: (1, 12)),
    # last year, this year, the previous year; в прошлом году, текущего года, за прошлый год
    (re.compile(r"(?<!\w)(?:(?:in|for|during|over|of|by\s+the\s+end\s+of|at\s+the\s+end\s+of)\s+)?"
                + _REL_EN + r"(?:['’]s)?\b", re.IGNORECASE),
     lambda m: (1, 12)),
    (re.compile(r"(?<!\w)(?:(?:в|за|по\s+итогам|к\s+концу|в\s+течение)\s+)?"
                r"(?P<relru>прошл|текущ|этом|этого|нынешн|минувш|истекш|уходящ)\w{0,3}\s+год\w{0,2}",
                re.IGNORECASE),
     lambda m: (1, 12)),
]

_YEAR_ANY = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_RELATIVE_MONTHS = re.compile(r"(?:this|current|текущ|этог|этом|нынешн|уходящ)", re.IGNORECASE)


def _is_comparison(text: str, start: int) -> bool:
    return bool(_COMPARISON.search(text, max(0, start - _COMPARISON_WINDOW), start))


_FROM_LEVEL = re.compile(
    r"\b(?:from|с|со)\s+(?:US\s?\$|[$€])?\s?\d[\d.,\u00a0 ]{0,12}\s*"
    r"(?:%|per\s*cent|процент\w{0,3}|(?:trillion|billion|million|bn|трлн|млрд|млн)\.?"
    r"(?:\s+(?:dollars?|euros?|долл\w{0,5}|евро|руб\w{0,5}))?)?\s*$", re.IGNORECASE)


def _after_from_level(text: str, start: int) -> bool:
    """``rose from 18% in 2022 to 21.5% in 2023``, ``с 18% в 2022 году``: the period of the
    earlier level is the comparison base."""
    return bool(_FROM_LEVEL.search(text, max(0, start - _COMPARISON_WINDOW), start))


def _over_year(text: str, m: re.Match[str]) -> bool:
    """``rose 5% in 2024 over 2023``: a bare year after ``over`` is the comparison base."""
    before = text[max(0, m.start() - 6):m.start()]
    return bool(re.search(r"\bover\s+$", before)) and m.group(0).strip().isdigit()


def _relative(groups: dict[str, str | None]) -> int | None:
    word = groups.get("rel") or groups.get("relru")
    if not word:
        return None
    key = re.sub(r"\s+", " ", word.lower())
    return next((v for k, v in _REL_OFFSET.items() if key.startswith(k)), None)


#: "2019 levels", "the 2019 figure", "уровня": a year followed by these is a comparison base
_LEVELS_AFTER = re.compile(r"\s{0,3}(?:levels?|figures?|уровн\w{0,3}|показател\w{0,3})\b",
                           re.IGNORECASE)


def _a_base(text: str, m: re.Match[str]) -> bool:
    """Whether a period phrase is what a comparison is made against: after "compared with",
    "than" …, before "levels", a bare year after "over", the period of an earlier level."""
    return (_is_comparison(text, m.start()) or bool(_LEVELS_AFTER.match(text, m.end()))
            or _over_year(text, m) or _after_from_level(text, m.start()))


def _mention(text: str, m: re.Match[str], first: int, last: int) -> PeriodMention:
    groups = m.groupdict()
    year = int(m["year"]) if groups.get("year") else None
    core = min(m.start(g) for g in _CORE_GROUPS if groups.get(g))
    prefix = text[m.start():core].strip().lower()
    comparison = _a_base(text, m) or (prefix.startswith("over") and (first, last) == (1, 12))
    relative = _relative(groups)
    # "this year" alone: the year to date, whose months the text does not say
    whole = (first, last) == (1, 12) and relative == 0 and year is None
    return PeriodMention(m.start(), m.end(), first, last, year, comparison, m.group(0),
                         relative, not whole)


#: a day number just before a month ("28th June, 2023", "5 May 2024", "28 июня"): a date the
#: text was written or an event happened, not a month of trade
_DAY_BEFORE = re.compile(r"(?<!\d)\d{1,2}(?:st|nd|rd|th|-?г?о|-?е)?\s{1,3}(?:of\s+)?$", re.IGNORECASE)
#: how far before a month its day number is looked for
DAY_WINDOW = 12


def _a_day(text: str, start: int) -> bool:
    return bool(_DAY_BEFORE.search(text, max(0, start - DAY_WINDOW), start))


def find_periods(text: str) -> list[PeriodMention]:
    """Every period phrase in ``text``, in order; overlapping phrases keep the first rule's."""
    found: list[PeriodMention] = []
    # the years of a span ("since 2010", "from 2015 to 2022") say what a change is measured
    # over, not the claim's period
    taken = [(s.start, s.end) for s in find_spans(text) if s.first is not None]
    for rx, handler in _RULES:
        for m in rx.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            took, mention = _read_match(text, m, handler)
            if took:
                taken.append((m.start(), m.end()))
            if mention is not None:
                found.append(mention)
    return _pairs_alike(sorted(found, key=lambda p: p.start))


def _pairs_alike(found: list[PeriodMention]) -> list[PeriodMention]:
    """"similar periods of 2012 and 2013": the second year of a pair is a base when the first
    is."""
    out: list[PeriodMention] = []
    for p in found:
        prev = out[-1] if out else None
        if prev is not None and prev.comparison and p.start - prev.end <= 2 \
                and p.text.lower().startswith(("and", "и")):
            p = replace(p, comparison=True)
        out.append(p)
    return out


def _read_match(text: str, m: re.Match[str], handler: Handler
                ) -> tuple[bool, PeriodMention | None]:
    """(whether the match's text is taken, its mention). A day's date ("28 June 2023") is
    taken with no mention (its year is no period); months out of order are left to other
    rules."""
    first, last = handler(m)
    if first == last and _a_day(text, m.start()):
        return True, None
    if not 1 <= first <= last <= 12:
        return False, None
    return True, _mention(text, m, first, last)


def find_years(text: str) -> list[int]:
    """Every four-digit year in ``text`` (the context a period without a year looks for)."""
    return [int(y) for y in _YEAR_ANY.findall(text)]


# -- spans: what a change over years is measured from ------------------------------------------

_Y = r"((?:19|20)\d\d)"
_SPAN_RULES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], Span]]] = [
    (re.compile(r"(?<!\w)(?:from|between)\s+" + _Y + r"\s+(?:to|and|till|until)\s+" + _Y
                + r"(?!\d)", re.IGNORECASE),
     lambda m: Span(m.start(), m.end(), int(m[1]), int(m[2]))),
    (re.compile(r"(?<!\w)с\s+" + _Y + r"\s+(?:по|до)\s+" + _Y + r"(?!\d)", re.IGNORECASE),
     lambda m: Span(m.start(), m.end(), int(m[1]), int(m[2]))),
    (re.compile(r"(?<![\d\w])" + _Y + r"\s*[-–—]\s*" + _Y + r"(?!\d)"),
     lambda m: Span(m.start(), m.end(), int(m[1]), int(m[2]))),
    (re.compile(r"(?<!\w)(?:since|from)\s+" + _Y
                + r"(?!\d)(?!\s*(?:to|till|until|and|[-–—])\s*(?:19|20)\d\d)",
                re.IGNORECASE),
     lambda m: Span(m.start(), m.end(), int(m[1]))),
    (re.compile(r"(?<![\w\d])(?P<n>\d{1,2}|" + SPELLED + r")\s+(?:years?\s+ago|год\w{0,2}\s+назад"
                r"|лет\s+назад)", re.IGNORECASE),
     lambda m: Span(m.start(), m.end(), years=_years(m["n"]))),
    (re.compile(r"(?<!\w)(?:over|in|for|during)\s+(?:the\s+)?(?:(?:past|last)\s+)?(?P<n>\d{1,2}|"
                + SPELLED + r")\s+years", re.IGNORECASE),
     lambda m: Span(m.start(), m.end(), years=_years(m["n"]))),
    (re.compile(r"(?<!\w)за\s+(?:последние\s+)?(?P<n>\d{1,2}|" + SPELLED + r")\s+(?:лет|года)",
                re.IGNORECASE),
     lambda m: Span(m.start(), m.end(), years=_years(m["n"]))),
]


def _years(word: str) -> int:
    return int(word) if word.isdigit() else spelled_value(word)


def find_spans(text: str) -> list[Span]:
    """Every phrase saying what a change over years is measured from, in order."""
    found: list[Span] = []
    for rx, make in _SPAN_RULES:
        for m in rx.finditer(text):
            if not any(m.start() < s.end and s.start < m.end() for s in found):
                found.append(make(m))
    return sorted(found, key=lambda s: s.start)
