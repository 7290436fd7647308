"""Scoring the extractor against labelled text.

Two kinds of labelled set:

* ``tests/data/claims/labelled.yaml`` and ``heldout.yaml`` — composed texts, each item
  ``{id, text, claims}`` (:func:`load_labelled`);
* ``tests/data/claims/real.yaml`` — real articles (:func:`load_corpus`): paragraphs of
  quoted sentences, each with its claims, and the article's date, language and split.

An extracted claim matches a gold claim when :func:`same_claim` holds — kind, reporter and
partner (either order for a ``mutual`` pair), bloc and scope, period and base, stated value
(number, bound and currency) and rank all agree (*strict*) — and, for an article, when it
comes from the gold claim's sentence. Each gold claim matches at most one extracted claim.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from cistrade.claims.extract import Extractor, as_date
from cistrade.claims.io import claim_from_dict
from cistrade.claims.model import Claim, ClaimKind
from cistrade.claims.text import language
from cistrade.errors import InputError

__all__ = ["Item", "Score", "Article", "Sentence", "load_labelled", "load_corpus", "evaluate",
           "evaluate_corpus", "same_claim", "document_date"]

#: how far (in the stated value's units) two stated numbers may differ and be the same
#: number: rounding to two decimals, as the labels write them
_SAME_NUMBER = 0.005


@dataclass
class Item:
    id: str
    text: str
    gold: list[Claim]
    lang: str


@dataclass
class Sentence:
    """A quoted sentence of an article: where it is in the article's text, and its claims."""

    text: str
    start: int
    end: int
    gold: list[Claim]


@dataclass
class Article:
    id: str
    url: str
    lang: str
    split: str
    date: date | None
    text: str
    sentences: list[Sentence]

    @property
    def gold(self) -> list[Claim]:
        return [c for s in self.sentences for c in s.gold]


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

    def add(self, lang: str, matched: int, found: int, gold: int) -> None:
        for key in ("all", lang):
            self.tp[key] += matched
            self.extracted[key] += found
            self.gold[key] += gold


def _same_stated(a: Claim, b: Claim) -> bool:
    if a.stated is None or b.stated is None:
        return a.stated is b.stated
    scale = max(1.0, abs(a.stated.value)) if a.stated.unit else 1.0
    return (abs(a.stated.value - b.stated.value) <= _SAME_NUMBER * scale
            and a.stated.bound is b.stated.bound and a.stated.unit == b.stated.unit)


def _same_pair(gold: Claim, found: Claim) -> bool:
    if gold.mutual:
        return {gold.reporter, gold.partner} == {found.reporter, found.partner}
    return (gold.reporter, gold.partner) == (found.reporter, found.partner)


def same_claim(gold: Claim, found: Claim) -> bool:
    """Whether ``found`` is the claim ``gold`` labels (strict: see the module docstring)."""
    return (gold.kind is found.kind and _same_pair(gold, found) and gold.bloc == found.bloc
            and gold.scope == found.scope and gold.period == found.period
            and gold.base == found.base and gold.rank == found.rank
            and _same_stated(gold, found) and _same_strength(gold, found))


def _same_strength(gold: Claim, found: Claim) -> bool:
    """A strengths claim's product (as worded, any case), comparison and direction."""
    return ((gold.product or "").lower() == (found.product or "").lower()
            and gold.versus == found.versus
            and (gold.kind is not ClaimKind.COMPLEMENTARITY or gold.mutual == found.mutual))


def _match(gold: Sequence[Claim], found: Sequence[Claim]) -> list[tuple[Claim, Claim]]:
    remaining = list(gold)
    pairs = []
    for claim in found:
        twin = next((g for g in remaining if same_claim(g, claim)), None)
        if twin is not None:
            remaining.remove(twin)
            pairs.append((twin, claim))
    return pairs


# -- composed sets ---------------------------------------------------------------------------


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


def _miss(ident: str, text: str, gold: Sequence[Claim], found: Sequence[Claim],
          pairs: Sequence[tuple[Claim, Claim]]) -> dict[str, Any] | None:
    got = {id(g) for g, _ in pairs}
    used = {id(f) for _, f in pairs}
    missed = [g.describe() for g in gold if id(g) not in got]
    spurious = [c.describe() for c in found if id(c) not in used]
    if not missed and not spurious:
        return None
    return {"id": ident, "text": text, "missed": missed, "spurious": spurious}


def evaluate(items: list[Item], extractor: Extractor | None = None) -> Score:
    """Run the extractor over every item and count matches."""
    extractor = extractor or Extractor()
    score = Score()
    for item in items:
        found = extractor.extract(item.text)
        pairs = _match(item.gold, found)
        score.flow_right += sum(g.flow == f.flow for g, f in pairs)
        score.add(item.lang, len(pairs), len(found), len(item.gold))
        miss = _miss(item.id, item.text, item.gold, found, pairs)
        if miss:
            score.misses.append(miss)
    return score


# -- real articles ---------------------------------------------------------------------------

#: how an article's text is made from its quoted sentences: a paragraph's sentences joined
#: by a space, paragraphs by a blank line (context carries only within a paragraph)
SENTENCE_JOIN, PARAGRAPH_JOIN = " ", "\n\n"


def document_date(value: Any) -> date | None:
    """An article's date: ``2024-09-04``, ``2024-09`` (its last day) or ``2024`` (31
    December), as the extractor reads ``--date`` (:func:`cistrade.claims.extract.as_date`)."""
    return as_date(value)


def _article(entry: dict[str, Any]) -> Article:
    pieces: list[str] = []
    sentences: list[Sentence] = []
    pos = 0
    for p_index, paragraph in enumerate(entry["paragraphs"]):
        if p_index:
            pieces.append(PARAGRAPH_JOIN)
            pos += len(PARAGRAPH_JOIN)
        for s_index, s in enumerate(paragraph):
            if s_index:
                pieces.append(SENTENCE_JOIN)
                pos += len(SENTENCE_JOIN)
            text = s["text"]
            gold = [claim_from_dict({**c, "text": text}) for c in s.get("claims") or []]
            sentences.append(Sentence(text, pos, pos + len(text), gold))
            pieces.append(text)
            pos += len(text)
    return Article(str(entry["id"]), entry["url"], entry["lang"], entry["split"],
                   document_date(entry.get("date")), "".join(pieces), sentences)


def load_corpus(path: str | Path, split: str | None = None) -> list[Article]:
    """The articles of a real-sentence corpus (``split``: only ``dev`` or ``heldout``)."""
    data = yaml.safe_load(Path(path).read_text("utf-8"))
    articles = []
    for i, entry in enumerate(data, start=1):
        try:
            article = _article(entry)
        except InputError as exc:
            raise exc.located(file=str(path), row=i) from None
        if split is None or article.split == split:
            articles.append(article)
    return articles


def _sentence_of(article: Article, claim: Claim) -> int | None:
    """The index of the gold sentence an extracted claim's sentence overlaps most."""
    start, end = claim.start or 0, claim.end or 0
    best, best_overlap = None, 0
    for i, s in enumerate(article.sentences):
        overlap = min(end, s.end) - max(start, s.start)
        if overlap > best_overlap:
            best, best_overlap = i, overlap
    return best


def _by_sentence(article: Article, found: Iterable[Claim]) -> dict[int | None, list[Claim]]:
    out: dict[int | None, list[Claim]] = {}
    for c in found:
        out.setdefault(_sentence_of(article, c), []).append(c)
    return out


def evaluate_corpus(articles: list[Article], extractor: Extractor | None = None) -> Score:
    """Run the extractor over each article (with its date) and match claims per sentence."""
    extractor = extractor or Extractor()
    score = Score()
    for article in articles:
        found = extractor.extract(article.text, date=article.date)
        grouped = _by_sentence(article, found)
        for i, s in enumerate(article.sentences):
            mine = grouped.get(i, [])
            pairs = _match(s.gold, mine)
            score.flow_right += sum(g.flow == f.flow for g, f in pairs)
            score.add(article.lang, len(pairs), len(mine), len(s.gold))
            miss = _miss(f"{article.id}#{i}", s.text, s.gold, mine, pairs)
            if miss:
                score.misses.append(miss)
        stray = grouped.get(None, [])
        score.add(article.lang, 0, len(stray), 0)
    return score
