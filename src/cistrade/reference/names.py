"""Normalising area names so that publishers' spellings meet in one key.

:func:`normalise` is what the registry indexes and looks up: two spellings are the same
name when their keys are equal. The key is

* case-insensitive (``casefold``) and accent-insensitive (``Côte`` = ``Cote``; also
  ``ё`` = ``е``, and as a side effect ``й`` = ``и``, on both sides of every comparison);
* punctuation- and whitespace-insensitive, line breaks included (``"Кот-д'Ивуар"``,
  ``"Кот-Д’Ивуар"`` and ``"Кот д Ивуар"`` are one key); Uzbek ``ʻ``/``'`` are dropped;
* article-insensitive in English (``the`` is dropped: ``"Netherlands (the)"``), with
  ``&`` read as ``and`` and Comtrade's abbreviations spelt out (``St``, ``Rep.``, ``Dem.``,
  ``Fed.``, ``Br.``, ``Fr.``, ``Terr.``, ``Is.``/``Isds``: ``"Br. Virgin Isds"``);
* script-repairing: a name written mostly in Cyrillic with a few Latin look-alike letters
  (the Russian customs prints ``"Китaй"`` with a Latin ``a``) is read as Cyrillic, and the
  other way round.

Digits are kept, so keys of codes such as ``"W00"`` stay distinct.
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["normalise"]

_LATIN_LOOKALIKES = "aceopxykmthbi"
_CYRILLIC_LOOKALIKES = "асеорхукмтнві"
_TO_CYRILLIC = str.maketrans(_LATIN_LOOKALIKES[:-1], _CYRILLIC_LOOKALIKES[:-1])
_TO_LATIN = str.maketrans(_CYRILLIC_LOOKALIKES, _LATIN_LOOKALIKES)

# combining marks and modifier letters (accents, breves, Uzbek ʻ ʼ)
_MARKS = re.compile("[\u0300-\u036f\u02b0-\u02ff\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_THE = re.compile(r"\bthe\b")
_ABBREVIATIONS = {
    "st": "saint", "rep": "republic", "dem": "democratic", "fed": "federal", "br": "british",
    "fr": "french", "terr": "territory", "is": "islands", "isd": "islands", "isds": "islands",
}
_ABBREVIATED = re.compile(r"\b(" + "|".join(_ABBREVIATIONS) + r")\b")
_NOT_WORD = re.compile(r"[\W_]+")
_LATIN = re.compile(r"[a-z]")
_CYRILLIC = re.compile(r"[а-я]")


@functools.lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """The comparison key of a name: ``normalise("Russian Federation (the)") == "russianfederation"``."""
    s = str(text).casefold()
    if not s.isascii():
        s = _MARKS.sub("", unicodedata.normalize("NFKD", s))
    s = s.replace("&", " and ")
    s = _ABBREVIATED.sub(lambda m: _ABBREVIATIONS[m[1]], _THE.sub(" ", s))
    s = _NOT_WORD.sub("", s)
    if not s.isascii():
        latin, cyrillic = len(_LATIN.findall(s)), len(_CYRILLIC.findall(s))
        if latin and cyrillic:
            s = s.translate(_TO_CYRILLIC if cyrillic > latin else _TO_LATIN)
    return s
