"""One sentence taken apart: its clauses, and in each the countries, numbers, periods and
trigger words, with each country's role (reporter, partner, subject) read from its context.

A sentence such as "the share of CIS countries in Russia's foreign trade has risen to 16.2%,
with mutual trade turnover increasing by over 11% from January to September 2024" has two
clauses (split before ``with``); the second names no country and borrows the first's.
A country in a list ("for Belarus (52.7%) and Armenia (41.1%)") takes the role of the one
before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cistrade.claims.entities import EntityMatcher, Mention
from cistrade.claims.lexicon import Cue, Lexicon
from cistrade.claims.numbers import NumberMention, find_numbers
from cistrade.claims.periods import PeriodMention, find_periods

__all__ = ["Entity", "RankMark", "Clause", "analyse"]

_LIST_GAP = re.compile(
    r"^\s*(?:\([^()]*\))?\s*,?\s*(?:and|or|as\s+well\s+as|и|или|а\s+также)?\s*$", re.IGNORECASE)
_AMONG = re.compile(r"\b(?:among|среди)\b", re.IGNORECASE)
_PLACE = re.compile(r"мест|place|position", re.IGNORECASE)
_BETWEEN = re.compile(r"(?:\bbetween|(?<!\w)между)\s*$", re.IGNORECASE)


@dataclass
class Entity:
    """A mention with the role its context gives it."""

    mention: Mention
    cue: Cue

    @property
    def start(self) -> int:
        return self.mention.start


@dataclass(frozen=True)
class RankMark:
    start: int
    end: int
    rank: int | None  # None: "one of the largest"
    anchored: bool = False  # stands on its own: "second after China", "второе место"


@dataclass
class Clause:
    """A clause of a sentence; offsets are relative to the sentence."""

    start: int
    end: int
    text: str
    sentence: str = ""
    entities: list[Entity] = field(default_factory=list)
    numbers: list[NumberMention] = field(default_factory=list)
    periods: list[PeriodMention] = field(default_factory=list)
    ranks: list[RankMark] = field(default_factory=list)
    flows: set[str] = field(default_factory=set)
    partner_noun: bool = False
    supplier: bool = False
    market: bool = False
    share_word: bool = False
    up: list[int] = field(default_factory=list)
    down: list[int] = field(default_factory=list)

    def contains(self, pos: int) -> bool:
        return self.start <= pos < self.end

    @property
    def role_noun(self) -> bool:
        return self.partner_noun or self.supplier or self.market


def _split_points(text: str, lex: Lexicon) -> list[int]:
    """Where clauses begin (after each boundary); conditional boundaries need a predicate."""
    points: list[int] = []
    matches = list(lex.split.finditer(text))
    for i, m in enumerate(matches):
        if m.groupdict().get("cond"):  # "and": only between two predicates, not two names
            nxt = matches[i + 1].start() if i + 1 < len(matches) else len(text)
            before = text[points[-1] if points else 0:m.start()]
            after = text[m.end():nxt].split(",")[0]
            if not (_has_predicate(after, lex) and _has_predicate(before, lex)):
                continue
        points.append(m.end())
    return points


def _has_predicate(segment: str, lex: Lexicon) -> bool:
    return any(rx.search(segment) for rx, _ in lex.ranks) or any(
        rx.search(segment) for rx in (lex.up, lex.down, lex.share, lex.partner))


def _ranks(text: str, lex: Lexicon, taken: list[tuple[int, int]]) -> list[RankMark]:
    marks: list[RankMark] = []
    for rx, rank in lex.ranks:
        for m in rx.finditer(text):
            spans = taken + [(r.start, r.end) for r in marks]
            if any(m.start() < e and s < m.end() for s, e in spans):
                continue
            after = text[m.end():m.end() + 40]
            anchored = bool(lex.rank_anchor.match(after) or _PLACE.search(m.group(0)))
            if lex.plural_role.match(after) and not anchored and not _AMONG.search(after):
                rank = None  # "the main partners were A (21.9%), B (15.8%) …": no rank each
            marks.append(RankMark(m.start(), m.end(), rank, anchored))
    return sorted(marks, key=lambda r: r.start)


def _cues(text: str, mentions: list[Mention], lex: Lexicon) -> list[Entity]:
    entities: list[Entity] = []
    for i, m in enumerate(mentions):
        before = text[max(0, m.start - 80):m.start]
        after = text[m.end:m.end + 60]
        cue = lex.cue(before, after, m.possessive)
        if i and cue is Cue.SUBJECT and not m.virtual:
            prev = entities[-1]
            if _LIST_GAP.match(text[prev.mention.end:m.start]):
                cue = prev.cue
                prev_before = text[max(0, prev.mention.start - 30):prev.mention.start]
                if cue is Cue.REPORTER and _BETWEEN.search(prev_before):
                    cue = Cue.PARTNER
        entities.append(Entity(m, cue))
    return entities


def analyse(text: str, lex: Lexicon, matcher: EntityMatcher,
            subject: Mention | None = None) -> list[Clause]:
    """The clauses of one sentence. ``subject`` stands in for a pronoun opening a clause."""
    points = [0, *_split_points(text, lex), len(text)]
    clauses = [Clause(a, b, text[a:b], text) for a, b in zip(points, points[1:], strict=False) if b > a]
    mentions = matcher.find(text)
    if subject is not None:
        mentions = _pronouns(clauses, mentions, subject, lex)
    numbers = find_numbers(text)
    # "долларов США", "US dollars": an amount's currency is not the United States
    amounts = [(n.num_start or n.start, n.end) for n in numbers if n.kind == "amount"]
    mentions = [m for m in mentions if not any(a <= m.start < b for a, b in amounts)]
    periods = find_periods(text)
    taken = [(n.start, n.end) for n in numbers] + [(p.start, p.end) for p in periods]
    ranks = _ranks(text, lex, taken)
    for e in _cues(text, mentions, lex):
        _owner(clauses, e.start).entities.append(e)
    for n in numbers:
        _owner(clauses, n.num_start or n.start).numbers.append(n)
    for p in periods:
        _owner(clauses, p.start).periods.append(p)
    for r in ranks:
        _owner(clauses, r.start).ranks.append(r)
    for c in clauses:
        _words(c, lex)
    return clauses


def _owner(clauses: list[Clause], pos: int) -> Clause:
    return next((c for c in clauses if c.contains(pos)), clauses[-1])


def _pronouns(clauses: list[Clause], mentions: list[Mention], subject: Mention,
              lex: Lexicon) -> list[Mention]:
    """A clause opening with ``It``/``Он`` gets the previous sentence's subject there."""
    out = list(mentions)
    for c in clauses:
        m = lex.pronoun.match(c.text)
        if not m:
            continue
        pos = c.start + m.start("p")
        if any(x.start <= pos < x.end for x in out):
            continue
        out.append(subject.moved(pos, c.start + m.end("p")))
    return sorted(out, key=lambda x: x.start)


def _words(c: Clause, lex: Lexicon) -> None:
    t = c.text
    c.flows = lex.trade_flows(t)
    c.partner_noun = bool(lex.partner.search(t))
    c.supplier = bool(lex.supplier.search(t))
    c.market = bool(lex.market.search(t))
    c.share_word = bool(lex.share.search(t))
    c.up = [c.start + m.start() for m in lex.up.finditer(t)]
    c.down = [c.start + m.start() for m in lex.down.finditer(t)]
