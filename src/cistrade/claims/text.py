"""Sentences and language of a text, with offsets into the original.

:func:`sentences` splits on ``.``, ``!``, ``?`` and ``…`` followed by a capital letter, a
quote or a digit, and on line breaks; decimal points (``41.1``), initials and common
abbreviations (``e.g.``, ``U.S.``, ``т.е.``, ``млрд.``) do not end a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Sentence", "sentences", "language"]

_ABBREV = {
    "e.g", "i.e", "mr", "mrs", "ms", "dr", "vs", "etc", "no", "st", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx", "est", "u.s", "u.k",
    "т.е", "т.д", "т.п", "т.к", "млрд", "млн", "тыс", "руб", "долл", "ст", "им", "см", "мес",
    "прим", "пр", "др", "вкл",
}
_END = re.compile(r"(?:[.!?…]+)(?:[\"'»”’)\]]*)(?=\s+[\"'«“(\[]*[A-ZА-ЯЁ0-9])|\n+")
_WORD_BEFORE = re.compile(r"([\w.]+)\.$")


@dataclass(frozen=True)
class Sentence:
    """One sentence: its text and where it starts and ends in the source."""

    start: int
    end: int
    text: str


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the full stop at ``dot`` belongs to an abbreviation or an initial."""
    m = _WORD_BEFORE.search(text[max(0, dot - 12):dot + 1])
    if not m:
        return False
    word = m.group(1).lower()
    return word in _ABBREV or (len(word) == 1 and word.isalpha() and text[dot - 1].isupper())


def sentences(text: str) -> list[Sentence]:
    """The sentences of ``text`` (stripped), each with its offsets."""
    out: list[Sentence] = []
    begin = 0
    for m in _END.finditer(text):
        if m.group(0).startswith(".") and m.group(0) == "." * len(m.group(0)) \
                and _is_abbreviation(text, m.start()):
            continue
        _add(out, text, begin, m.end())
        begin = m.end()
    _add(out, text, begin, len(text))
    return out


def _add(out: list[Sentence], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    lead = len(chunk) - len(chunk.lstrip())
    s = start + lead
    out.append(Sentence(s, s + len(stripped), stripped))


_CYR = re.compile(r"[а-яёА-ЯЁ]")
_LAT = re.compile(r"[a-zA-Z]")


def language(text: str) -> str:
    """``ru`` when Cyrillic letters outnumber Latin ones, else ``en``."""
    return "ru" if len(_CYR.findall(text)) > len(_LAT.findall(text)) else "en"
