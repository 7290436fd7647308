"""The words before a stated number: its qualifier ("over", "nearly", "более", "почти") and
the preposition that ties it to its verb ("by"/"на": a change, "to"/"до": a level, "from":
an earlier level).

:func:`qualify` reads them from the text just before a number. The search window is
:data:`WINDOW` characters, so it costs the same on any input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cistrade.claims.model import Bound

__all__ = ["Qualified", "qualify", "bound_of", "WINDOW"]

#: how far before a number its qualifier and preposition are looked for: the longest
#: qualifier with two prepositions and an article ("by more than a", "более чем на") fits
WINDOW = 40

# qualifiers, each with the bound it sets; in an alternation the longest must come first
QUALIFIERS: list[tuple[str, Bound]] = [
    (r"slightly\s+more\s+than", Bound.OVER), (r"a\s+little\s+(?:more\s+than|over)", Bound.OVER),
    (r"more\s+than", Bound.OVER), (r"well\s+over", Bound.OVER), (r"just\s+over", Bound.OVER),
    (r"slightly\s+over", Bound.OVER), (r"over", Bound.OVER), (r"above", Bound.OVER),
    (r"in\s+excess\s+of", Bound.OVER), (r"exceeding", Bound.OVER), (r"upwards\s+of", Bound.OVER),
    (r"at\s+least", Bound.AT_LEAST), (r"no\s+less\s+than", Bound.AT_LEAST),
    (r"not\s+less\s+than", Bound.AT_LEAST),
    (r"less\s+than", Bound.UNDER), (r"under", Bound.UNDER), (r"below", Bound.UNDER),
    (r"at\s+most", Bound.AT_MOST), (r"no\s+more\s+than", Bound.AT_MOST),
    (r"not\s+more\s+than", Bound.AT_MOST),
    (r"nearly", Bound.ALMOST), (r"almost", Bound.ALMOST), (r"just\s+under", Bound.ALMOST),
    (r"just\s+below", Bound.ALMOST), (r"close\s+to", Bound.ALMOST),
    (r"approaching", Bound.ALMOST), (r"approached", Bound.ALMOST),
    (r"about", Bound.ABOUT), (r"around", Bound.ABOUT), (r"approximately", Bound.ABOUT),
    (r"roughly", Bound.ABOUT), (r"some", Bound.ABOUT), (r"an\s+estimated", Bound.ABOUT),
    (r"немногим\s+более", Bound.OVER), (r"чуть\s+более", Bound.OVER),
    (r"более\s+чем", Bound.OVER), (r"более", Bound.OVER), (r"свыше", Bound.OVER),
    (r"больше\s+чем", Bound.OVER), (r"больше", Bound.OVER), (r"выше", Bound.OVER),
    (r"не\s+менее\s+чем", Bound.AT_LEAST), (r"не\s+менее", Bound.AT_LEAST),
    (r"не\s+меньше", Bound.AT_LEAST), (r"как\s+минимум", Bound.AT_LEAST),
    (r"менее\s+чем", Bound.UNDER), (r"менее", Bound.UNDER), (r"меньше", Bound.UNDER),
    (r"ниже", Bound.UNDER), (r"не\s+более", Bound.AT_MOST), (r"не\s+больше", Bound.AT_MOST),
    (r"почти\s+что", Bound.ALMOST), (r"почти", Bound.ALMOST), (r"чуть\s+менее", Bound.ALMOST),
    (r"немногим\s+менее", Bound.ALMOST), (r"(?:вплотную\s+)?приблизи\w{1,4}\s+к", Bound.ALMOST),
    (r"близк\w{1,4}\s+к", Bound.ALMOST),
    (r"около", Bound.ABOUT), (r"порядка", Bound.ABOUT), (r"примерно", Bound.ABOUT),
    (r"приблизительно", Bound.ABOUT), (r"в\s+районе", Bound.ABOUT),
    (r"exceed(?:ed|s|ing)?", Bound.OVER), (r"topped", Bound.OVER), (r"tops", Bound.OVER),
    (r"surpassed", Bound.OVER), (r"превы(?:сил|ша|сив)\w{0,4}", Bound.OVER),
]
_PREPS = r"by|to|of|at|from|with|на|до|с|со|от|in|for|в"
_BEFORE = re.compile(
    r"(?<!\w)(?:(?P<p1>" + _PREPS + r")\s+)?(?:(?P<q>"
    + "|".join(q for q, _ in QUALIFIERS)
    + r")\s+)?(?:(?P<p2>" + _PREPS + r")\s+)?(?:(?P<q2>a|an|the)\s+)?$",
    re.IGNORECASE,
)
_SAME_PREP = {"с": "from", "со": "from", "от": "from"}
_BOUND_OF = [(re.compile(rf"^(?:{q})$", re.IGNORECASE), b) for q, b in QUALIFIERS]
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Qualified:
    """What precedes a number: where the phrase begins, its bound, its preposition
    (lower-case, ``с``/``от`` as ``from``) and where the shown text begins (a leading
    preposition is left out of it)."""

    begin: int
    bound: Bound
    prep: str | None
    shown: int


def bound_of(qualifier: str) -> Bound:
    """The bound one qualifier sets (``"more than"`` → OVER)."""
    q = _SPACES.sub(" ", qualifier)
    return next((b for rx, b in _BOUND_OF if rx.match(q)), Bound.EXACT)


def qualify(text: str, start: int) -> Qualified:
    """The qualifier and preposition just before ``start`` (see the module docstring)."""
    window_start = max(0, start - WINDOW)
    m = _BEFORE.search(text, window_start, start)
    if not m or m.start() == m.end() or _inside_word(text, m.start()):
        return Qualified(start, Bound.EXACT, None, start)
    bound, shown = Bound.EXACT, start
    if m["q"]:
        bound, shown = bound_of(m["q"]), m.start("q")
    elif m["q2"] and not text[start:start + 1].isdigit():  # "a quarter", not "a 35.3%"
        shown = m.start("q2")
    word = str(m["p2"] or m["p1"] or "").lower()
    return Qualified(m.start(), bound, _SAME_PREP.get(word, word) or None, shown)


def _inside_word(text: str, pos: int) -> bool:
    return pos > 0 and text[pos - 1].isalnum()
