"""Paragraphs, sentences and language of a text, with offsets into the original.

:func:`paragraphs` splits a text at blank lines and at line breaks that end a line (a line
ending without a sentence's final mark and followed by a lower-case word is a hard-wrapped
line of the same sentence). :func:`sentences` splits on ``.``, ``!``, ``?`` and ``…``
followed by a capital letter, a quote or a digit, and on line breaks; decimal points
(``41.1``), initials and common abbreviations (``e.g.``, ``U.S.``, ``т.е.``, ``млрд.``) do
not end a sentence. Both run in time linear in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Sentence", "Paragraph", "sentences", "paragraphs", "language"]

_ABBREV = {
    "e.g", "i.e", "mr", "mrs", "ms", "dr", "vs", "etc", "no", "st", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx", "est", "u.s", "u.k",
    "т.е", "т.д", "т.п", "т.к", "млрд", "млн", "тыс", "руб", "долл", "ст", "им", "см", "мес",
    "прим", "пр", "др", "вкл",
}
_END = re.compile(r"(?<![.!?…])[.!?…]+(?:[\"'»”’)\]]*)(?=\s+[\"'«“(\[]*[A-ZА-ЯЁ0-9])|(?<!\n)\n+")
_WORD_BEFORE = re.compile(r"(?<![\w.])([\w.]+)\.$")


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
    if word in _UNIT_ABBREV:  # "$25 млрд. По его словам": the point ends the sentence too
        return not _NEW_SENTENCE.match(text, dot + 1)
    return word in _ABBREV or (len(word) == 1 and word.isalpha() and text[dot - 1].isupper())


#: abbreviations of units, which end a sentence as often as not ("составил $25 млрд.")
_UNIT_ABBREV = {"млрд", "млн", "тыс", "руб", "долл", "bn", "mln"}
_NEW_SENTENCE = re.compile(r"(?<!\s)\s{1,5}[\"'«“(\[]{0,3}(?!США|USD|EUR)[A-ZА-ЯЁ]")


def sentences(text: str, start: int = 0, end: int | None = None) -> list[Sentence]:
    """The sentences of ``text`` (stripped), each with its offsets; ``start``/``end``: only
    those of that part (a paragraph: its hard-wrapped lines read as one)."""
    end = len(text) if end is None else end
    part = _unwrapped(text[start:end])
    return [Sentence(s.start + start, s.end + start, s.text) for s in _sentences(part)]


def _sentences(text: str) -> list[Sentence]:
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


@dataclass(frozen=True)
class Paragraph:
    """A paragraph: where it starts and ends in the text."""

    start: int
    end: int


#: a line break inside a sentence: the line does not end a sentence and the next begins
#: with a lower-case letter or a digit
_WRAP = re.compile(r"(?<=[^\s.!?…:;\"»”’)])[ \t]*\n[ \t]*(?=[a-zа-яё0-9(])")
#: a paragraph break: a blank line, or a line break that is not a wrap
_BREAK = re.compile(r"\n(?:[ \t]*\n)*")


def _unwrapped(text: str) -> str:
    """``text`` with its hard wraps read as spaces (the same length: offsets stay)."""
    return _WRAP.sub(lambda m: " " * len(m.group(0)), text)


def paragraphs(text: str) -> list[Paragraph]:
    """The paragraphs of ``text`` (see the module docstring), each a non-empty span."""
    flat = _unwrapped(text)
    out, begin = [], 0
    for m in _BREAK.finditer(flat):
        if flat[begin:m.start()].strip():
            out.append(Paragraph(begin, m.start()))
        begin = m.end()
    if flat[begin:].strip():
        out.append(Paragraph(begin, len(text)))
    return out


_CYR = re.compile(r"[а-яёА-ЯЁ]")
_LAT = re.compile(r"[a-zA-Z]")


def language(text: str) -> str:
    """``ru`` when Cyrillic letters outnumber Latin ones, else ``en``."""
    return "ru" if len(_CYR.findall(text)) > len(_LAT.findall(text)) else "en"
