"""Numbers spelled out in words, in English and Russian: "eighteen", "twenty-five",
"восемнадцати", "пяти", "двадцать пять" (1–99 and the round hundreds' first steps).

Statements spell out small numbers ("a share of about eighteen percent", "около
восемнадцати процентов", "близкого к пяти млрд долларов"); :data:`SPELLED` is the pattern of
one such number (every Russian case form of each word), :func:`spelled_value` its value.
"""

from __future__ import annotations

import re

__all__ = ["SPELLED", "spelled_value"]

_EN_UNITS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_EN_TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
             "seventeen", "eighteen", "nineteen"]
_EN_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

#: Russian number words in every case form that statements use, with their values
_RU_FORMS: dict[str, int] = {}


def _ru(value: int, *forms: str) -> None:
    for f in forms:
        _RU_FORMS[f] = value


_ru(1, "один", "одна", "одно", "одного", "одной", "одному", "одну", "одним")
_ru(2, "два", "две", "двух", "двум", "двумя")
_ru(3, "три", "трех", "трёх", "трем", "трём", "тремя")
_ru(4, "четыре", "четырех", "четырёх", "четырем", "четырём", "четырьмя")
for _v, _stem in ((5, "пят"), (6, "шест"), (7, "сем"), (9, "девят"), (10, "десят"),
                  (20, "двадцат"), (30, "тридцат")):
    _ru(_v, _stem + "ь", _stem + "и", _stem + "ью")
_ru(8, "восемь", "восьми", "восьмью", "восемью")
for _v, _stem in ((11, "одиннадцат"), (12, "двенадцат"), (13, "тринадцат"),
                  (14, "четырнадцат"), (15, "пятнадцат"), (16, "шестнадцат"),
                  (17, "семнадцат"), (18, "восемнадцат"), (19, "девятнадцат")):
    _ru(_v, _stem + "ь", _stem + "и", _stem + "ью")
_ru(40, "сорок", "сорока")
for _v, _nom, _obl in ((50, "пятьдесят", "пятидесяти"), (60, "шестьдесят", "шестидесяти"),
                       (70, "семьдесят", "семидесяти"), (80, "восемьдесят", "восьмидесяти")):
    _ru(_v, _nom, _obl)
_ru(90, "девяносто", "девяноста")

_EN_VALUES = {w: i + 1 for i, w in enumerate(_EN_UNITS)}
_EN_VALUES.update({w: i + 10 for i, w in enumerate(_EN_TEENS)})
_EN_VALUES.update({w: 10 * (i + 2) for i, w in enumerate(_EN_TENS)})


def _alternation(words: list[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_RU_TENS = [f for f, v in _RU_FORMS.items() if v >= 20 and v % 10 == 0]
_RU_UNITS = [f for f, v in _RU_FORMS.items() if v < 10]
#: one spelled number: a ten and a unit ("twenty-five", "двадцать пять"), or one word
SPELLED = (
    r"(?:(?:" + _alternation(_EN_TENS) + r")(?:[-\s](?:" + _alternation(_EN_UNITS) + r"))?"
    r"|(?:" + _alternation(_RU_TENS) + r")(?:\s(?:" + _alternation(_RU_UNITS) + r"))?"
    r"|" + _alternation([*_EN_TEENS, *_EN_UNITS, *_RU_FORMS]) + r")"
)
_SPLIT = re.compile(r"[-\s]+")


def spelled_value(text: str) -> int:
    """The value of a number :data:`SPELLED` matched (``"twenty-five"`` → 25)."""
    total = 0
    for word in _SPLIT.split(text.strip().lower()):
        total += _EN_VALUES.get(word) or _RU_FORMS.get(word, 0)
    return total
