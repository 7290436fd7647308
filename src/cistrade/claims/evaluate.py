"""Scoring the extractor against labelled sentences (``tests/data/claims/labelled.yaml``).

A labelled item is ``{id, text, claims: [claim-file mappings]}``. An extracted claim matches a
gold claim when :meth:`Claim.key` agrees: kind, reporter, partner, bloc, period, stated value
(number and bound) and rank. Each gold claim matches at most one extracted claim.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cistrade.claims.extract import Extractor
from cistrade.claims.io import claim_from_dict
from cistrade.claims.model import Claim
from cistrade.claims.text import language
from cistrade.errors import InputError

__all__ = ["Item", "Score", "load_labelled", "evaluate"]


@dataclass
class Item:
    id: str
    text: str
    gold: list[Claim]
    lang: str


@dataclass
class Score:
    """Counts of matched, extracted and gold claims, overall and per language."""

    tp: Counter[str] = field(default_factory=Counter)
    extracted: Counter[str] = field(default_factory=Counter)
    gold: Counter[str] = field(default_factory=Counter)
    flow_right: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)

    def precision(self, lang: str = "all") -> float:
        return self.tp[lang] / self.extracted[lang] if self.extracted[lang] else 1.0

    def recall(self, lang: str = "all") -> float:
        return self.tp[lang] / self.gold[lang] if self.gold[lang] else 1.0

    def f1(self, lang: str = "all") -> float:
        p, r = self.precision(lang), self.recall(lang)
        return 2 * p * r / (p + r) if p + r else 0.0


def load_labelled(path: str | Path) -> list[Item]:
    data = yaml.safe_load(Path(path).read_text("utf-8"))
    if not isinstance(data, list):
        raise InputError("a labelled set is a list of {id, text, claims}", file=str(path))
    items = []
    for entry in data:
        gold = [claim_from_dict(c) for c in entry.get("claims") or []]
        text = entry["text"]
        items.append(Item(str(entry["id"]), text, gold, entry.get("lang") or language(text)))
    return items


def evaluate(items: list[Item], extractor: Extractor | None = None) -> Score:
    """Run the extractor over every item and count matches."""
    extractor = extractor or Extractor()
    score = Score()
    for item in items:
        found = extractor.extract(item.text)
        remaining = list(item.gold)
        matched = 0
        for claim in found:
            twin = next((g for g in remaining if g.key() == claim.key()), None)
            if twin is not None:
                remaining.remove(twin)
                matched += 1
                score.flow_right += twin.flow == claim.flow
        wrong = [c for c in found if all(c.key() != g.key() for g in item.gold)]
        for lang in ("all", item.lang):
            score.tp[lang] += matched
            score.extracted[lang] += len(found)
            score.gold[lang] += len(item.gold)
        if remaining or wrong:
            score.misses.append({"id": item.id, "text": item.text,
                                 "missed": [g.describe() for g in remaining],
                                 "spurious": [c.describe() for c in wrong]})
    return score
