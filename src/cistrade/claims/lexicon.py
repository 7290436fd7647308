"""The words that make a sentence a trade claim, per language.

A :class:`Lexicon` holds the patterns of one language (``patterns_en.py``,
``patterns_ru.py``): trade nouns by flow, partner / supplier / market nouns, share words,
growth and decline verbs, rank words, where clauses split, subject pronouns, and a ``cue``
function telling, from the words around a country, whether it is the reporter (whose trade:
``Russia's trade``, ``товарооборот России``), the partner (``trade with China``, ``с
Китаем``), the grammatical subject (``Russia was the leading partner …``) or a reference to
ignore (``second after China``, ``после Китая``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Cue", "Lexicon"]


class Cue(StrEnum):
    """What the words around a mention say about its role."""

    REPORTER = "reporter"
    PARTNER = "partner"
    SUBJECT = "subject"
    IGNORE = "ignore"


@dataclass(frozen=True)
class Lexicon:
    """The patterns of one language (see the module docstring)."""

    lang: str
    turnover: re.Pattern[str]
    export: re.Pattern[str]
    import_: re.Pattern[str]
    partner: re.Pattern[str]
    supplier: re.Pattern[str]
    market: re.Pattern[str]
    share: re.Pattern[str]
    share_after_number: re.Pattern[str]  # "% of …" / "% товарооборота": the number is a share
    up: re.Pattern[str]
    down: re.Pattern[str]
    ranks: tuple[tuple[re.Pattern[str], int | None], ...]
    rank_anchor: re.Pattern[str]  # after a rank word: "after X", "place" (a rank on its own)
    plural_role: re.Pattern[str]  # after a rank word: "main partners were …" (a list, no rank)
    split: re.Pattern[str]  # clause boundaries; group "cond" = split only before a predicate
    pronoun: re.Pattern[str]  # a subject pronoun opening a clause
    cue: Callable[[str, str, bool], Cue]  # (text before, text after, possessive) -> Cue
    blockers: re.Pattern[str]  # near a number: it counts something else (GDP, payments …)
    product: re.Pattern[str]  # trade in one product (wheat exports), not all goods
    scope: re.Pattern[str]  # before a bloc: a rank within it ("within the EU", "среди стран")
    after_up: re.Pattern[str]  # right after a number: "3% more than a year earlier"
    after_down: re.Pattern[str]  # "3% less than a year earlier"

    def trade_flows(self, text: str) -> set[str]:
        """Which flows the trade nouns in ``text`` name: turnover, export, import."""
        found = set()
        if self.turnover.search(text):
            found.add("turnover")
        if self.export.search(text):
            found.add("export")
        if self.import_.search(text):
            found.add("import")
        return found
