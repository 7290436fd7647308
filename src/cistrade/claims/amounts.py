"""Amounts of money in English and Russian text: ``$27 billion``, ``US$1.2bn``, ``EUR 3.4
billion``, ``27 billion US dollars``, ``27,1 млрд долларов``, ``1,2 трлн руб.``, ``$2 млрд.
842 млн`` (a compound amount), ``пять млрд долларов`` (a spelled number), ``$2 billion USD``.

A scale word (thousand … trillion, тыс … трлн, миллиард …) and a currency are both required:
"$500" and "27 billion" are not trade figures. Every pattern starts at the start of a
number (a look-behind), so a long run of digits is read once, not once per digit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cistrade.claims.numwords import SPELLED, spelled_value

__all__ = ["AMOUNTS", "Amount", "read_amount"]

_SCALES = {"trillion": 1e12, "tn": 1e12, "трлн": 1e12, "триллион": 1e12,
           "billion": 1e9, "bn": 1e9, "bln": 1e9, "млрд": 1e9, "миллиард": 1e9,
           "million": 1e6, "mn": 1e6, "mln": 1e6, "m": 1e6, "млн": 1e6, "миллион": 1e6,
           "thousand": 1e3, "тыс": 1e3, "тысяч": 1e3}
_CURRENCIES = [(re.compile(p, re.IGNORECASE), c) for p, c in (
    (r"^(?:us\s?\$|\$|usd|u\.?s\.?\s+dollars?|dollars?|долл\w*|\$\s*сша)", "USD"),
    (r"^(?:€|eur|euros?|евро)", "EUR"),
    (r"^(?:₽|rub|roubles?|rubles?|руб\w*)", "RUB"),
)]
_DIGITS = (r"\d{1,3}(?:[ \u00a0]\d{3})+(?:[.,]\d+)?|\d{1,3}(?:,\d{3})+(?:\.\d+)?"
           r"|\d+(?:[.,]\d+)?")
_NUM = r"(?<![\d.,])(?P<anum>" + _DIGITS + r"|(?<!\w)" + SPELLED + r"(?!\w))"
# a point after an abbreviation ("млрд.", "bn.") belongs to it; after a word ("billion.") it
# ends the sentence
_SCALE = (r"(?:(?P<scale>trillion|billion|million|thousand|триллион\w{0,3}|миллиард\w{0,3}"
          r"|миллион\w{0,3}|тысяч\w{0,2})"
          r"|(?P<abbr>bln|bn|mln|mn|tn|m(?=\s|$|[.,;:)])|трлн|млрд|млн|тыс)\.?)")
#: the millions after billions: "$2 млрд. 842 млн", "$3 billion 482 million"
_REST = (r"(?:\s+(?P<rest>\d{1,3}(?:[.,]\d+)?)\s*(?P<rscale>million|миллион\w{0,3}|mln|mn|млн)"
         r"(?!\w)\.?)?")
_CUR_BEFORE = r"(?P<cur1>US\s?\$|\$|€|₽|USD|EUR|RUB)\s?"
_CUR_AFTER = (r"(?:\s+|\s*(?=[$€₽]))(?P<cur2>(?:U\.?S\.?\s+)?dollars?|euros?|roubles?|rubles?"
              r"|USD|EUR|RUB|[$€₽]|долл(?:ар\w*|\.)?(?:\s+США)?|евро|руб(?:л\w*|\.)?)")
#: a currency repeated after an amount that already has one ("$2 billion USD")
_AGAIN = r"(?:\s+(?:USD|US\s+dollars|dollars))?"
#: the currency before the number ("$27 billion") or after it ("27 млрд долларов")
AMOUNTS = (
    re.compile(r"(?<![\w$€₽.,])" + _CUR_BEFORE + _NUM + r"\s*" + _SCALE + _REST + _AGAIN
               + r"(?!\w)", re.IGNORECASE),
    re.compile(r"(?<![\w$€₽])" + _NUM + r"\s*" + _SCALE + _REST + _CUR_AFTER + r"(?!\w)",
               re.IGNORECASE),
)


@dataclass(frozen=True)
class Amount:
    """One amount read from a match: its value in whole units, its currency, and the
    precision it is written to (``decimals`` of the last number, in units of ``scale``:
    "$2 млрд. 842 млн" is precise to the million)."""

    value: float
    currency: str
    decimals: int
    scale: float


def _currency(text: str) -> str:
    return next(c for rx, c in _CURRENCIES if rx.match(text.strip()))


def _number(raw: str) -> tuple[float, int]:
    """(value, decimals) of the number as written: "27,1", "1 234,5", "$1,496.2", "пять"."""
    num = re.sub(r"[ \u00a0]", "", raw)
    if not num[:1].isdigit():
        return float(spelled_value(raw)), 0
    if "," in num and "." not in num and not re.search(r",\d{3}$", num):
        num = num.replace(",", ".")  # "27,1 млрд": a decimal comma
    num = num.replace(",", "")  # "1,234 billion": thousands
    return float(num), len(num.partition(".")[2])


def _scale(word: str) -> float:
    w = word.lower().rstrip(".")
    return _SCALES.get(w) or next(v for k, v in _SCALES.items() if len(k) > 4 and w.startswith(k))


def read_amount(m: re.Match[str]) -> Amount:
    """The amount an :data:`AMOUNTS` match states."""
    value, decimals = _number(m["anum"])
    scale = _scale(m["scale"] or m["abbr"])
    value *= scale
    if m["rest"]:
        rest, decimals = _number(m["rest"])
        scale = _scale(m["rscale"])
        value += rest * scale
    return Amount(value, _currency(m.groupdict().get("cur1") or m["cur2"]), decimals, scale)
