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
    modal: re.Pattern[str]  # a forecast, plan or target: "may reach", "will", "может"
    change_noun: re.Pattern[str]  # before an amount: "an increase of" ($2 billion): a change
    change_after: re.Pattern[str]  # after an amount: "… rise", "рост": a change
    within: re.Pattern[str]  # a bloc's trade among its members: "mutual", "within", "взаимн"
    external: re.Pattern[str]  # … with the rest of the world: "external", "third countries"
    mutual: re.Pattern[str]  # trade between two countries: "bilateral", "mutual", "двусторонн"
    pair_gap: re.Pattern[str]  # between two countries named as a pair: " and ", " и ", "-"
    volume: re.Pattern[str]  # a physical volume, not a value: "in physical terms", "tons"
    speaker_after: re.Pattern[str]  # after a country: a title ("Russian President"): a speaker
    speaker_before: re.Pattern[str]  # before a country: a title ("премьер-министр РФ")
    place_before: re.Pattern[str]  # before a capital: a place ("in Tashkent", "в Минске")
    anaphor: re.Pattern[str]  # a word standing for the trade named before: "it", "он"
    speaker: re.Pattern[str]  # "we"/"мы" opening a clause: the subject of the sentence before
    country_anaphor: re.Pattern[str]  # "the country", "the republic", "Республики"
    relative: re.Pattern[str]  # a relative clause's opening: "which", "что", "что составляет"
    partner_hint: re.Pattern[str]  # a partner phrase ("between …"): no partner read, no claim
    bloc_anaphor: re.Pattern[str]  # "the Union", "the bloc", "Союза": the bloc named before
    average: re.Pattern[str]  # before a number: "on average", "в среднем": a mean over years

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
