"""The lexicon of each language: the patterns modules build a :class:`Lexicon` each, this
picks one (apart from :mod:`~cistrade.claims.lexicon`, which the patterns import)."""

from __future__ import annotations

from cistrade.claims import patterns_en, patterns_ru
from cistrade.claims.lexicon import Lexicon

__all__ = ["lexicon"]


def lexicon(lang: str) -> Lexicon:
    """The lexicon of ``en`` or ``ru``."""
    return patterns_ru.LEXICON if lang == "ru" else patterns_en.LEXICON
