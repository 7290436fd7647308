"""Stated numbers in English and Russian text: percentages, fractions, multiples, amounts.

:func:`find_numbers` returns every percentage (``41.1%``, ``41,1 %``, ``18 per cent``,
``23 процента``, ``21,4 проц``, ``about eighteen percent``), fraction word (``a fifth``,
``more than a third``, ``треть``, ``пятую часть``, ``two-thirds``), multiple (``doubled``,
``2.5-fold``, ``eightfold``, ``в 1,5 раза``, ``в рекордные 3,3 раза``, ``в полтора раза``,
``вдвое``) and amount of money (:mod:`cistrade.claims.amounts`), with the qualifier before it
(``over``, ``nearly``, ``более чем``, ``почти``: :mod:`cistrade.claims.qualifiers`) turned into
a :class:`~cistrade.claims.model.Stated` interval, and the preposition that ties it to its
verb (``by`` / ``на`` = a change, ``to`` / ``до`` = a level).

:func:`parse_stated` reads one such phrase on its own (the ``value:`` of a hand-written claim).
Every pattern starts where a number starts (look-behinds), so each runs in time linear in
the text, whatever the text (a test feeds them long runs of digits and points).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from cistrade.claims.amounts import AMOUNTS, read_amount
from cistrade.claims.model import Bound, Stated
from cistrade.claims.numwords import SPELLED, spelled_value
from cistrade.claims.qualifiers import qualify
from cistrade.errors import InputError

__all__ = ["NumberMention", "find_numbers", "parse_stated"]

_DIGITS = r"\d+(?:[.,]\d+)?"
_NUM = r"(?P<num>(?<![\d.,])" + _DIGITS + r"|(?<!\w)" + SPELLED + r"(?=\s))"
_PCT_UNIT = r"\s*(?:%|per\s*cent\b|percent\b|pct\b|процент\w*|проц(?:\.|(?!\w)))"
_PP_UNIT = r"\s*(?:percentage\s+points?|pp\b|п\.\s?п\.|процентн\w+\s+пункт\w*)"

PERCENT = re.compile(_NUM + r"(?P<pp>" + _PP_UNIT + r")?(?(pp)|" + _PCT_UNIT + r")", re.IGNORECASE)
#: a number sharing the unit of the next ("by 21 and 24 percent", "на 20 и 10%"); not a
#: range ("between 21 and 24 percent")
_LIST_AND = r"\s{0,3}(?:,|and|or|и|или)\s{0,3}"
SHARED_PERCENT = re.compile(
    r"(?<!between\s)(?<!между\s)(?<![\d.,])(?!(?:19|20)\d\d(?![\d.,]))"
    r"(?P<num>" + _DIGITS + r")(?=" + _LIST_AND + _DIGITS
    + r"(?:" + _LIST_AND + _DIGITS + r")?" + _PCT_UNIT + r")", re.IGNORECASE)

_FRACTIONS_EN = {
    "half": 50.0, "third": 100 / 3, "quarter": 25.0, "fifth": 20.0, "tenth": 10.0,
    "two thirds": 200 / 3, "three quarters": 75.0, "two fifths": 40.0,
}
FRACTION_EN = re.compile(
    r"\b(?:(?:a|one)\s+(?P<one>half|third|quarter|fifth|tenth)(?!\s+quarter)"
    r"|(?P<many>two[\s-]thirds|three[\s-]quarters|two[\s-]fifths)"
    r"|(?<!first\s)(?<!second\s)(?<!the\s)(?P<half>half)(?=\s+of\b))\b",
    re.IGNORECASE,
)
FRACTION_RU = re.compile(
    r"(?<![\w-])(?:(?P<two_thirds>двух\s+третей|две\s+трети)"
    r"|(?P<three_q>тр[её]х\s+четвертей|три\s+четверти)"
    r"|(?<!первой\s)(?<!второй\s)(?P<half>половин[аыуое]\w{0,3})"
    r"|(?P<third>треть|трети|третью)(?!\s+квартал)"
    r"|(?P<quarter>четверть|четверти|четвертью)"
    r"|(?P<fifth>пят(?:ая|ую|ой|ую)\s+част\w{0,3})"
    r"|(?P<tenth>десят(?:ая|ую|ой)\s+част\w{0,3}))(?!\w)",
    re.IGNORECASE,
)
_FRACTIONS_RU = {"two_thirds": 200 / 3, "three_q": 75.0, "half": 50.0, "third": 100 / 3,
                 "quarter": 25.0, "fifth": 20.0, "tenth": 10.0}

_WORD_FACTORS = {
    "doubled": 2.0, "double": 2.0, "twice": 2.0, "triple": 3.0, "tripled": 3.0, "trebled": 3.0,
    "quadrupled": 4.0, "halved": 0.5,
    "вдвое": 2.0, "втрое": 3.0, "вчетверо": 4.0,
}
#: multiples spelled out (``в полтора раза``, ``two and a half times``): factor and decimals
_SPELLED_FACTORS = {"полтора": (1.5, 1), "два с половиной": (2.5, 1),
                    "one and a half": (1.5, 1), "two and a half": (2.5, 1)}
_FOLD = r"(?P<fold>two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)[\s-]?fold"
TIMES = re.compile(
    r"(?<![\w-])(?:(?P<word>doubled|tripled|trebled|quadrupled|halved|вдвое|втрое|вчетверо"
    r"|удвои\w{0,4}|утрои\w{0,4}|(?:double|twice|triple)(?=\s+(?:the|that|as|its|their)\b))"
    r"|" + _FOLD +
    r"|(?<![\d.,])(?P<fnum>" + _DIGITS + r")(?:-fold|\s+times\b)"
    r"|(?P<eword>one\s+and\s+a\s+half|two\s+and\s+a\s+half|" + SPELLED + r")\s+times\b"
    r"|в\s+(?:(?!раз)[а-яё]{3,}\s+)?(?:(?<![\d.,])(?P<rnum>" + _DIGITS + r")"
    r"|(?P<rword>полтора|два\s+с\s+половиной|" + SPELLED + r"))\s+раз[а]?"
    r"|(?<![\d.,])(?P<bnum>\d+[.,]\d+)\s+раза)(?!\w)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class NumberMention:
    """A stated number in a text. ``stated`` holds its magnitude (always positive here).

    ``kind`` is ``percent``, ``pp`` (percentage points: a change of a share), ``fraction``,
    ``times`` (``factor`` then holds the multiple, ``stated`` the change it means when
    growing) or ``amount`` (money: ``stated`` in whole units of ``currency``). ``prep`` is
    the preposition before it, lower-case (``by``, ``to``, ``на``, ``до`` …) or None;
    ``start`` includes the qualifier and preposition.
    """

    start: int
    end: int
    stated: Stated
    kind: str
    prep: str | None = None
    factor: float | None = None
    num_start: int | None = None
    currency: str | None = None  # an amount's (``kind`` ``amount``): USD, EUR, RUB

    @property
    def is_change(self) -> bool:
        """Tied to its verb by ``by``/``на`` (a change), or a multiple."""
        return self.kind == "times" or self.prep in ("by", "на")

    @property
    def is_level(self) -> bool:
        return self.prep in ("to", "до", "at")


def _decimals(num: str) -> int:
    return len(num.replace(",", ".").partition(".")[2])


def _value(num: str) -> tuple[float, int]:
    if num[:1].isdigit():
        return float(num.replace(",", ".")), _decimals(num)
    return float(spelled_value(num)), 0


def _percent(text: str, m: re.Match[str]) -> NumberMention:
    value, decimals = _value(m["num"])
    q = qualify(text, m.start())
    kind = "pp" if m["pp"] else "percent"
    stated = Stated.of(value, q.bound, decimals=decimals, text=text[q.shown:m.end()].strip())
    return NumberMention(q.begin, m.end(), stated, kind, q.prep, num_start=m.start())


def _shared_percent(text: str, m: re.Match[str]) -> NumberMention:
    value, decimals = _value(m["num"])
    q = qualify(text, m.start())
    stated = Stated.of(value, q.bound, decimals=decimals, text=f"{m['num']}%")
    return NumberMention(q.begin, m.end(), stated, "percent", q.prep, num_start=m.start())


def _fraction(text: str, m: re.Match[str], value: float) -> NumberMention:
    q = qualify(text, m.start())
    stated = Stated.of(value, q.bound, decimals=2, text=text[q.shown:m.end()].strip(),
                       fraction=True)
    return NumberMention(q.begin, m.end(), stated, "fraction", q.prep, num_start=m.start())


def _factor(m: re.Match[str]) -> tuple[float, int]:
    """The multiple a :data:`TIMES` match states and its decimals."""
    word = (m["word"] or "").lower()
    if word:
        return _word_factor(word), 0
    if m["fold"]:
        return float(spelled_value(m["fold"])), 0
    spelled = m["eword"] or m["rword"]
    if spelled:
        key = re.sub(r"\s+", " ", spelled.lower())
        return _SPELLED_FACTORS.get(key) or (float(spelled_value(key)), 0)
    num = m["fnum"] or m["rnum"] or m["bnum"]
    return float(num.replace(",", ".")), _decimals(num)


def _word_factor(word: str) -> float:
    """"doubled"/"удвоился" 2, "tripled"/"утроился" 3."""
    found = _WORD_FACTORS.get(word)
    if found:
        return found
    return 2.0 if word.startswith("удвои") else 3.0


#: a bare multiple ("2.5 times") is read to within 5% of the factor, or half a unit of its
#: last digit when that is wider: statements round multiples coarsely
MULTIPLE_TOLERANCE = 0.05


def _times(text: str, m: re.Match[str]) -> NumberMention:
    factor, decimals = _factor(m)
    q = qualify(text, m.start())
    change = (factor - 1) * 100
    half = max(0.5 * 10 ** (-decimals), factor * MULTIPLE_TOLERANCE) * 100
    stated = Stated.of(change, q.bound, text=text[q.shown:m.end()].strip())
    if q.bound is Bound.EXACT:
        stated = Stated(change, change - half, change + half, q.bound, stated.text)
    return NumberMention(q.begin, m.end(), stated, "times", q.prep, factor=factor,
                         num_start=m.start())


def _amount(text: str, m: re.Match[str]) -> NumberMention:
    a = read_amount(m)
    q = qualify(text, m.start())
    stated = Stated.of(a.value / a.scale, q.bound, decimals=a.decimals,
                       text=text[q.shown:m.end()].strip()).scaled(a.scale, a.currency)
    return NumberMention(q.begin, m.end(), stated, "amount", q.prep, num_start=m.start(),
                         currency=a.currency)


def _fraction_en(text: str, m: re.Match[str]) -> NumberMention:
    key = re.sub(r"[\s-]+", " ", (m["one"] or m["many"] or m["half"]).lower())
    return _fraction(text, m, _FRACTIONS_EN[key])


def _fraction_ru(text: str, m: re.Match[str]) -> NumberMention:
    group = next(g for g, v in m.groupdict().items() if v)
    return _fraction(text, m, _FRACTIONS_RU[group])


#: every pattern with the reader of its matches
_READERS: tuple[tuple[re.Pattern[str], Callable[[str, re.Match[str]], NumberMention]], ...] = (
    *((rx, _amount) for rx in AMOUNTS),
    (PERCENT, _percent), (SHARED_PERCENT, _shared_percent), (FRACTION_EN, _fraction_en),
    (FRACTION_RU, _fraction_ru),
    (TIMES, _times),
)


#: no figure a text states about trade reaches this magnitude in any unit (a percentage, a
#: multiple, or an amount in whole dollars, euros or roubles: world trade is ~3e13 USD, Russia's
#: in roubles ~6e13); a longer run of digits ("1" × 400 reads as 1e399, infinite as a float)
#: is not a stated figure, and reading it as one would carry an infinity into the verdict
MAX_MAGNITUDE = 1e16


def _plausible(n: NumberMention) -> bool:
    values = (n.stated.value, n.factor or 0.0)
    return all(math.isfinite(v) and abs(v) < MAX_MAGNITUDE for v in values)


def _all_numbers(text: str) -> Iterator[NumberMention]:
    for rx, read in _READERS:
        for m in rx.finditer(text):
            n = read(text, m)
            if _plausible(n):
                yield n


def find_numbers(text: str) -> list[NumberMention]:
    """Every percentage, fraction, multiple and amount in ``text``, in order, without
    overlaps (the longest of those starting at one place)."""
    found = sorted(_all_numbers(text), key=lambda n: (n.num_start or n.start, -(n.end - n.start)))
    kept: list[NumberMention] = []
    for n in found:
        if kept and (n.num_start or n.start) < kept[-1].end:
            continue
        kept.append(n)
    return kept


_LEAD = re.compile(r"^(?:by|to|of|at|на|до)\s+", re.IGNORECASE)
_BARE = re.compile(r"\d+(?:[.,]\d+)?")


def parse_stated(text: str | float | int) -> Stated:
    """A hand-written value: ``19.4%``, ``19.4``, ``over 11%``, ``nearly a fifth``, ``-5%``, or
    an amount: ``$27 billion``, ``over 3 bn USD``, ``27,1 млрд долларов``."""
    if isinstance(text, bool):
        raise InputError(f"not a stated value: {text!r}")
    if isinstance(text, int | float):
        if not (math.isfinite(text) and abs(text) < MAX_MAGNITUDE):
            raise InputError(f"not a stated value: {text!r} (no figure is that large)")
        raw = str(text)
        return Stated.of(float(text), decimals=_decimals(raw), text=f"{raw}%")
    s = str(text).strip()
    negative = s.startswith(("-", "−", "–"))
    body = _LEAD.sub("", s.lstrip("-−– +"))
    if _BARE.fullmatch(body):
        body += "%"
    found = find_numbers(body)
    ends = (len(body.rstrip(" .")), len(body.rstrip()))  # "руб." keeps its point
    if len(found) != 1 or found[0].start != 0 or found[0].end not in ends:
        raise InputError(
            f"not a stated value: {text!r} (expected e.g. 19.4%, over 11%, nearly a fifth, "
            "$27 billion)"
        )
    stated = replace(found[0].stated, text=s)
    return stated.negated() if negative else stated
