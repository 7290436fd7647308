"""Every regex of cistrade.claims, and the extractor as a whole, runs in time linear in its
input, whatever the input (issue #14): long runs of digits, points, commas, letters, spaces.

Timings are compared, not bounded: the same input at twice the length must take about twice
as long, not four times (a pattern that backtracks over a run of digits from every start
position is quadratic). Each is the best of a few runs, so that a busy machine does not
decide. Until issue #13 a run of 8 000 digits took 9 seconds to extract from.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest

import cistrade.claims.amounts as amounts
import cistrade.claims.clauses as clauses
import cistrade.claims.drafts as drafts
import cistrade.claims.entities as entities
import cistrade.claims.numbers as numbers
import cistrade.claims.numwords as numwords
import cistrade.claims.periods as periods
import cistrade.claims.qualifiers as qualifiers
import cistrade.claims.text as text
from cistrade.claims import extract_claims
from cistrade.claims.lexicons import lexicon

#: the inputs that make a backtracking pattern quadratic, as functions of their length
ADVERSARIAL: dict[str, Callable[[int], str]] = {
    "digits": lambda n: "1" * n,
    "digits and points": lambda n: "1." * (n // 2),
    "digits and commas": lambda n: "1," * (n // 2),
    "digits and spaces": lambda n: "1 " * (n // 2),
    "points": lambda n: "." * n,
    "spaces": lambda n: " " * n,
    "words": lambda n: "a " * (n // 2),
    "capitals": lambda n: "A" * n,
    "cyrillic": lambda n: "в " * (n // 2),
    "dollars": lambda n: "$1 " * (n // 3),
    "hyphens": lambda n: "-" * n,
    "percents": lambda n: "1%" * (n // 2),
    "line breaks": lambda n: "a\n" * (n // 2),
}
N = 6000
#: twice the input may take at most this many times as long (linear: about 2)
MAX_RATIO = 3.2
#: below this a run is too short to time (noise)
FLOOR = 0.02


def _best(fn: Callable[[], object], runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def _linear(fn: Callable[[str], object], make: Callable[[int], str]) -> tuple[float, float]:
    short, long_ = make(N), make(2 * N)
    return _best(lambda: fn(short)), _best(lambda: fn(long_))


def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    found: dict[int, tuple[str, re.Pattern[str]]] = {}
    modules = (amounts, clauses, drafts, entities, numbers, numwords, periods, qualifiers, text)
    for module in modules:
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern):
                found[id(value)] = (f"{module.__name__}.{name}", value)
    for rx, _ in periods._RULES + [(r, None) for r, _ in periods._SPAN_RULES]:
        found[id(rx)] = ("periods rule", rx)
    for lang in ("en", "ru"):
        lex = lexicon(lang)
        for name, value in vars(lex).items():
            if isinstance(value, re.Pattern):
                found[id(value)] = (f"lexicon {lang}.{name}", value)
        for rx, _ in lex.ranks:
            found[id(rx)] = (f"lexicon {lang}.ranks", rx)
    return sorted(found.values(), key=lambda x: x[0])


@pytest.mark.parametrize("kind", sorted(ADVERSARIAL))
def test_the_extractor_is_linear(kind: str) -> None:
    short, long_ = _linear(extract_claims, ADVERSARIAL[kind])
    assert long_ < max(FLOOR, short) * MAX_RATIO, (kind, short, long_)


def test_every_pattern_is_linear() -> None:
    slow = []
    for name, rx in _patterns():
        for kind, make in ADVERSARIAL.items():
            short, long_ = _linear(lambda s, rx=rx: sum(1 for _ in rx.finditer(s)), make)
            if long_ > max(FLOOR, short) * MAX_RATIO:
                slow.append((name, kind, round(short, 4), round(long_, 4)))
    assert slow == []
