"""Stated numbers in English and Russian text: percentages, fractions, multiples.

:func:`find_numbers` returns every percentage (``41.1%``, ``41,1 %``, ``18 per cent``,
``23 процента``), fraction word (``a fifth``, ``more than a third``, ``треть``, ``пятую
часть``) and multiple (``doubled``, ``2.5-fold``, ``в 1,5 раза``, ``в полтора раза``,
``вдвое``) with the
qualifier before it (``over``, ``nearly``, ``более чем``, ``почти``) turned into a
:class:`~cistrade.claims.model.Stated` interval, and the preposition that ties it to its
verb (``by`` / ``на`` = a change, ``to`` / ``до`` = a level).

:func:`parse_stated` reads one such phrase on its own (the ``value:`` of a hand-written claim).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from cistrade.claims.model import Bound, Stated
from cistrade.errors import InputError

__all__ = ["NumberMention", "find_numbers", "parse_stated"]

_NUM = r"(?P<num>\d+(?:[.,]\d+)?)"
_PCT_UNIT = (r"\s*(?:%|per\s*cent\b|percent\b|pct\b|процент\w*|проц\.)")
_PP_UNIT = r"\s*(?:percentage\s+points?|pp\b|п\.\s?п\.|процентн\w+\s+пункт\w*)"

PERCENT = re.compile(_NUM + r"(?P<pp>" + _PP_UNIT + r")?(?(pp)|" + _PCT_UNIT + r")", re.IGNORECASE)

_FRACTIONS_EN = {
    "half": 50.0, "third": 100 / 3, "quarter": 25.0, "fifth": 20.0, "tenth": 10.0,
    "two thirds": 200 / 3, "two-thirds": 200 / 3, "three quarters": 75.0,
    "three-quarters": 75.0, "two fifths": 40.0, "two-fifths": 40.0,
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
    r"|(?<!первой\s)(?<!второй\s)(?P<half>половин[аыуое]\w*)"
    r"|(?P<third>треть|трети|третью)(?!\s+квартал)"
    r"|(?P<quarter>четверть|четверти|четвертью)"
    r"|(?P<fifth>пят(?:ая|ую|ой|ую)\s+част\w*)"
    r"|(?P<tenth>десят(?:ая|ую|ой)\s+част\w*))(?!\w)",
    re.IGNORECASE,
)
_FRACTIONS_RU = {"two_thirds": 200 / 3, "three_q": 75.0, "half": 50.0, "third": 100 / 3,
                 "quarter": 25.0, "fifth": 20.0, "tenth": 10.0}

_WORD_FACTORS = {
    "doubled": 2.0, "tripled": 3.0, "trebled": 3.0, "quadrupled": 4.0, "halved": 0.5,
    "twofold": 2.0, "two-fold": 2.0, "threefold": 3.0, "three-fold": 3.0,
    "вдвое": 2.0, "втрое": 3.0, "вчетверо": 4.0,
}
#: multiples spelled out (``в полтора раза``, ``two and a half times``): factor and decimals
_SPELLED = {
    "полтора": (1.5, 1), "два с половиной": (2.5, 1), "два": (2.0, 0), "три": (3.0, 0),
    "четыре": (4.0, 0), "пять": (5.0, 0), "шесть": (6.0, 0), "семь": (7.0, 0),
    "восемь": (8.0, 0), "девять": (9.0, 0), "десять": (10.0, 0),
    "one and a half": (1.5, 1), "two and a half": (2.5, 1), "two": (2.0, 0), "three": (3.0, 0),
    "four": (4.0, 0), "five": (5.0, 0), "six": (6.0, 0), "seven": (7.0, 0), "eight": (8.0, 0),
    "nine": (9.0, 0), "ten": (10.0, 0),
}
_RU_SPELLED = r"полтора|два\s+с\s+половиной|два|три|четыре|пять|шесть|семь|восемь|девять|десять"
_EN_SPELLED = (r"one\s+and\s+a\s+half|two\s+and\s+a\s+half|two|three|four|five|six|seven"
               r"|eight|nine|ten")
TIMES = re.compile(
    r"(?<![\w-])(?:(?P<word>doubled|tripled|trebled|quadrupled|halved|two-?fold|three-?fold"
    r"|вдвое|втрое|вчетверо|удвои\w*|утрои\w*)"
    r"|(?P<fnum>\d+(?:[.,]\d+)?)(?:-fold|\s+times\b)"
    r"|(?P<eword>" + _EN_SPELLED + r")\s+times\b"
    r"|в\s+(?:(?P<rnum>\d+(?:[.,]\d+)?)|(?P<rword>" + _RU_SPELLED + r"))\s+раз[а]?)(?!\w)",
    re.IGNORECASE,
)

# amounts of money: "$27 billion", "US$1.2bn", "EUR 3.4 billion", "27 billion dollars",
# "27,1 млрд долларов", "1,2 трлн руб.", "$27 млрд"; the scale word is required (a bare
# "$500" is not a trade figure)
_SCALES = {"trillion": 1e12, "tn": 1e12, "трлн": 1e12, "billion": 1e9, "bn": 1e9, "bln": 1e9,
           "млрд": 1e9, "million": 1e6, "mn": 1e6, "mln": 1e6, "m": 1e6, "млн": 1e6,
           "thousand": 1e3, "тыс": 1e3}
_CURRENCIES = [(re.compile(p, re.IGNORECASE), c) for p, c in (
    (r"^(?:us\s?\$|\$|usd|u\.?s\.?\s+dollars?|dollars?|долл\w*|\$\s*сша)", "USD"),
    (r"^(?:€|eur|euros?|евро)", "EUR"),
    (r"^(?:₽|rub|roubles?|rubles?|руб\w*)", "RUB"),
)]
_AMOUNT_NUM = r"(?P<anum>\d{1,3}(?:[ \u00a0]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
# a point after an abbreviation ("млрд.", "bn.") belongs to it; after a word ("billion.") it
# ends the sentence
_SCALE = (r"(?:(?P<scale>trillion|billion|million|thousand)"
          r"|(?P<abbr>bln|bn|mln|mn|tn|m(?=\s|$|[.,;:)])|трлн|млрд|млн|тыс)\.?)")
_CUR_BEFORE = r"(?P<cur1>US\s?\$|\$|€|₽|USD|EUR|RUB)\s?"
_CUR_AFTER = (r"(?:\s+|\s*(?=[$€₽]))(?P<cur2>(?:U\.?S\.?\s+)?dollars?|euros?|roubles?|rubles?|USD|EUR|RUB"
              r"|[$€₽]|долл(?:ар\w*|\.)?(?:\s+США)?|евро|руб(?:л\w*|\.)?)")
#: the currency before the number ("$27 billion") or after it ("27 млрд долларов")
AMOUNTS = (
    re.compile(r"(?<![\w$€₽.,])" + _CUR_BEFORE + _AMOUNT_NUM + r"\s*" + _SCALE + r"(?!\w)",
               re.IGNORECASE),
    re.compile(r"(?<![\w$€₽.,])" + _AMOUNT_NUM + r"\s*" + _SCALE + _CUR_AFTER + r"(?!\w)",
               re.IGNORECASE),
)


def _currency(text: str) -> str:
    return next(c for rx, c in _CURRENCIES if rx.match(text.strip()))


# qualifiers, longest first; each with the bound it sets
_QUALIFIERS: list[tuple[str, Bound]] = [
    (r"more\s+than", Bound.OVER), (r"over", Bound.OVER), (r"above", Bound.OVER),
    (r"in\s+excess\s+of", Bound.OVER), (r"exceeding", Bound.OVER), (r"upwards\s+of", Bound.OVER),
    (r"slightly\s+more\s+than", Bound.OVER), (r"just\s+over", Bound.OVER),
    (r"at\s+least", Bound.AT_LEAST), (r"no\s+less\s+than", Bound.AT_LEAST),
    (r"not\s+less\s+than", Bound.AT_LEAST),
    (r"less\s+than", Bound.UNDER), (r"under", Bound.UNDER), (r"below", Bound.UNDER),
    (r"at\s+most", Bound.AT_MOST), (r"no\s+more\s+than", Bound.AT_MOST),
    (r"not\s+more\s+than", Bound.AT_MOST),
    (r"nearly", Bound.ALMOST), (r"almost", Bound.ALMOST), (r"just\s+under", Bound.ALMOST),
    (r"just\s+below", Bound.ALMOST), (r"close\s+to", Bound.ALMOST),
    (r"about", Bound.ABOUT), (r"around", Bound.ABOUT), (r"approximately", Bound.ABOUT),
    (r"roughly", Bound.ABOUT), (r"some", Bound.ABOUT), (r"an\s+estimated", Bound.ABOUT),
    (r"более\s+чем", Bound.OVER), (r"более", Bound.OVER), (r"свыше", Bound.OVER),
    (r"больше\s+чем", Bound.OVER), (r"больше", Bound.OVER), (r"немногим\s+более", Bound.OVER),
    (r"чуть\s+более", Bound.OVER), (r"выше", Bound.OVER),
    (r"не\s+менее\s+чем", Bound.AT_LEAST), (r"не\s+менее", Bound.AT_LEAST),
    (r"не\s+меньше", Bound.AT_LEAST), (r"как\s+минимум", Bound.AT_LEAST),
    (r"менее\s+чем", Bound.UNDER), (r"менее", Bound.UNDER), (r"меньше", Bound.UNDER),
    (r"ниже", Bound.UNDER), (r"не\s+более", Bound.AT_MOST), (r"не\s+больше", Bound.AT_MOST),
    (r"почти", Bound.ALMOST), (r"чуть\s+менее", Bound.ALMOST), (r"немногим\s+менее", Bound.ALMOST),
    (r"около", Bound.ABOUT), (r"порядка", Bound.ABOUT), (r"примерно", Bound.ABOUT),
    (r"приблизительно", Bound.ABOUT), (r"почти\s+что", Bound.ALMOST),
    (r"exceed(?:ed|s|ing)?", Bound.OVER), (r"topped", Bound.OVER), (r"surpassed", Bound.OVER),
    (r"превы(?:сил|ша)\w*", Bound.OVER),
]
_PREPS = r"by|to|of|at|from|with|на|до|с|со|от|in|for|в"
_BEFORE = re.compile(
    r"(?<!\w)(?:(?P<p1>" + _PREPS + r")\s+)?(?:(?P<q>"
    + "|".join(q for q, _ in _QUALIFIERS)
    + r")\s+)?(?:(?P<p2>" + _PREPS + r")\s+)?(?:(?P<q2>a|an|the)\s+)?$",
    re.IGNORECASE,
)
_SAME_PREP = {"с": "from", "со": "from", "от": "from"}
_BOUND_OF = [(re.compile(rf"^{q}$", re.IGNORECASE), b) for q, b in _QUALIFIERS]


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


def _qualify(text: str, start: int) -> tuple[int, Bound, str | None, int]:
    """Where the phrase before ``start`` begins, its bound, preposition, and where the
    qualifier itself begins (the stated text leaves a leading preposition out)."""
    window_start = max(0, start - 40)
    window = text[window_start:start]
    m = _BEFORE.search(window)
    if not m or m.start() == m.end():
        return start, Bound.EXACT, None, start
    # the match must begin at a word boundary
    begin = window_start + m.start()
    if begin > 0 and text[begin - 1].isalnum():
        return start, Bound.EXACT, None, start
    bound = Bound.EXACT
    shown = start
    if m["q"]:
        bound = next(b for rx, b in _BOUND_OF if rx.match(re.sub(r"\s+", " ", m["q"])))
        shown = window_start + m.start("q")
    elif m["q2"] and not text[start:start + 1].isdigit():  # "a quarter", not "a 35.3%"
        shown = window_start + m.start("q2")
    word = str(m["p2"] or m["p1"] or "").lower()
    prep = _SAME_PREP.get(word, word) or None
    return begin, bound, prep, shown


def _percent(text: str, m: re.Match[str]) -> NumberMention:
    num = m["num"]
    value = float(num.replace(",", "."))
    begin, bound, prep, shown = _qualify(text, m.start())
    kind = "pp" if m["pp"] else "percent"
    stated = Stated.of(value, bound, decimals=_decimals(num), text=text[shown:m.end()].strip())
    return NumberMention(begin, m.end(), stated, kind, prep, num_start=m.start())


def _fraction(text: str, m: re.Match[str], value: float) -> NumberMention:
    begin, bound, prep, shown = _qualify(text, m.start())
    stated = Stated.of(value, bound, decimals=2, text=text[shown:m.end()].strip(), fraction=True)
    return NumberMention(begin, m.end(), stated, "fraction", prep, num_start=m.start())


def _times(text: str, m: re.Match[str]) -> NumberMention:
    word = (m["word"] or "").lower()
    if word:
        factor = _WORD_FACTORS.get(word) or (2.0 if word.startswith("удвои") else 3.0)
        decimals = 0
    elif spelled := m["eword"] or m["rword"]:
        factor, decimals = _SPELLED[re.sub(r"\s+", " ", spelled.lower())]
    else:
        num = m["fnum"] or m["rnum"]
        factor = float(num.replace(",", "."))
        decimals = _decimals(num)
    begin, bound, prep, shown = _qualify(text, m.start())
    change = (factor - 1) * 100 if factor >= 1 else (factor - 1) * 100
    half = max(0.5 * 10 ** (-decimals), factor * 0.05) * 100
    stated = Stated.of(change, bound, text=text[shown:m.end()].strip())
    if bound is Bound.EXACT:
        stated = Stated(change, change - half, change + half, bound, stated.text)
    return NumberMention(begin, m.end(), stated, "times", prep, factor=factor, num_start=m.start())


def _amount(text: str, m: re.Match[str]) -> NumberMention:
    num = re.sub(r"[ \u00a0]", "", m["anum"])
    if "," in num and "." not in num and not re.search(r",\d{3}$", num):
        num = num.replace(",", ".")  # "27,1 млрд": a decimal comma
    num = num.replace(",", "")  # "1,234 billion": thousands
    begin, bound, prep, shown = _qualify(text, m.start())
    scale = _SCALES[(m["scale"] or m["abbr"]).lower().rstrip(".")]
    unit = _currency(m.groupdict().get("cur1") or m["cur2"])
    stated = Stated.of(float(num), bound, decimals=_decimals(num),
                       text=text[shown:m.end()].strip()).scaled(scale, unit)
    return NumberMention(begin, m.end(), stated, "amount", prep, num_start=m.start(),
                         currency=unit)


def find_numbers(text: str) -> list[NumberMention]:
    """Every percentage, fraction, multiple and amount in ``text``, in order, without
    overlaps."""
    found: list[NumberMention] = [_amount(text, m) for rx in AMOUNTS for m in rx.finditer(text)]
    found += [_percent(text, m) for m in PERCENT.finditer(text)]
    for m in FRACTION_EN.finditer(text):
        key = (m["one"] or m["many"] or m["half"]).lower().replace("-", " ")
        key = re.sub(r"\s+", " ", key)
        found.append(_fraction(text, m, _FRACTIONS_EN.get(key) or _FRACTIONS_EN[key.replace(" ", "-")]))
    for m in FRACTION_RU.finditer(text):
        group = next(g for g, v in m.groupdict().items() if v)
        found.append(_fraction(text, m, _FRACTIONS_RU[group]))
    found += [_times(text, m) for m in TIMES.finditer(text)]
    found.sort(key=lambda n: (n.num_start or n.start, -(n.end - n.start)))
    kept: list[NumberMention] = []
    for n in found:
        if kept and (n.num_start or n.start) < kept[-1].end:
            continue
        kept.append(n)
    return kept


def parse_stated(text: str | float | int) -> Stated:
    """A hand-written value: ``19.4%``, ``19.4``, ``over 11%``, ``nearly a fifth``, ``-5%``, or
    an amount: ``$27 billion``, ``over 3 bn USD``, ``27,1 млрд долларов``."""
    if isinstance(text, bool):
        raise InputError(f"not a stated value: {text!r}")
    if isinstance(text, int | float):
        raw = str(text)
        return Stated.of(float(text), decimals=_decimals(raw), text=f"{raw}%")
    s = str(text).strip()
    negative = s.startswith(("-", "−", "–"))
    body = re.sub(r"^(?:by|to|of|at|на|до)\s+", "", s.lstrip("-−– +"), flags=re.IGNORECASE)
    if re.fullmatch(r"\d+(?:[.,]\d+)?", body):
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
