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
from dataclasses import dataclass, field, replace

from cistrade.claims.entities import EntityMatcher, Mention
from cistrade.claims.lexicon import Cue, Lexicon
from cistrade.claims.numbers import NumberMention, find_numbers
from cistrade.claims.periods import PeriodMention, find_periods

__all__ = ["Entity", "RankMark", "Clause", "analyse"]

_LIST_GAP = re.compile(
    r"^\s*(?:\([^()]*\))?\s*,?\s*(?:and|or|as\s+well\s+as|и|или|а\s+также)?\s*$", re.IGNORECASE)
_AMONG = re.compile(r"\b(?:among|среди)\b", re.IGNORECASE)
_PLACE = re.compile(r"мест|place|position", re.IGNORECASE)
#: before a rank word: it stands as a rank on its own ("comes in second", "ranks third")
_RANKED = re.compile(r"\b(?:comes?|came|ranks?|ranked|placed|finished|is|was|remains?|remained)"
                     r"\s+(?:in\s+)?(?:the\s+)?$", re.IGNORECASE)
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
    dependent_modal: bool = False  # a relative clause of a forecast ("…, which would be")
    dependent_blocked: bool = False  # … of a number about something else (a balance, GDP)
    share_at: list[tuple[int, int]] = field(default_factory=list)  # where share words stand

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


#: how far after a rank word its anchor ("after China", "place") or plural noun is read
RANK_AFTER = 40
#: how far before a rank word "comes in", "ranks" make it a rank on its own
RANKED_BEFORE = 20


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def _anchored(text: str, m: re.Match[str], rank: int | None, lex: Lexicon) -> bool:
    """A rank word standing on its own: "second after China", "первое место", "comes in
    second"."""
    after = text[m.end():m.end() + RANK_AFTER]
    if lex.rank_anchor.match(after) or _PLACE.search(m.group(0)):
        return True
    return rank is not None and rank > 1 and bool(
        _RANKED.search(text, max(0, m.start() - RANKED_BEFORE), m.start()))


def _mark(text: str, m: re.Match[str], rank: int | None, lex: Lexicon) -> RankMark:
    anchored = _anchored(text, m, rank, lex)
    after = text[m.end():m.end() + RANK_AFTER]
    if lex.plural_role.match(after) and not anchored and not _AMONG.search(after):
        rank = None  # "the main partners were A (21.9%), B (15.8%) …": no rank each
    return RankMark(m.start(), m.end(), rank, anchored)


def _ranks(text: str, lex: Lexicon, taken: list[tuple[int, int]]) -> list[RankMark]:
    marks: list[RankMark] = []
    for rx, rank in lex.ranks:
        for m in rx.finditer(text):
            if not _overlaps(m.start(), m.end(), taken + [(r.start, r.end) for r in marks]):
                marks.append(_mark(text, m, rank, lex))
    return sorted(marks, key=lambda r: r.start)


#: how much text around a mention its cue is read from, before and after
CUE_BEFORE, CUE_AFTER = 80, 60
_DATELINE_AT = 3  # a dateline's place stands at the very start of the sentence
_CAPS = re.compile(r"^[A-ZА-ЯЁ][A-ZА-ЯЁ -]{2,}$")


def _ignored(text: str, m: Mention, lex: Lexicon) -> bool:
    """A mention that names no party to the trade: a dateline ("TASHKENT, September 4."),
    the place of a meeting ("in Tashkent", "в Минске"), a speaker ("Russian President",
    "премьер-министр РФ", "Ambassador … to Uzbekistan")."""
    if m.virtual:
        return False
    if m.start <= _DATELINE_AT and _CAPS.match(m.text):
        return True
    before = text[max(0, m.start - CUE_BEFORE):m.start]
    if m.capital and lex.place_before.search(before) and not _a_direction(before, lex):
        return True
    return bool(lex.speaker_after.match(text, m.end) or lex.speaker_before.search(before))


#: how far before a capital a trade word makes "to"/"from"/"в"/"из" a direction of trade
DIRECTION_WINDOW = 40


def _a_direction(before: str, lex: Lexicon) -> bool:
    """"exports from Yerevan to Moscow", "экспорт из Еревана в Москву": after a word of
    exports or imports, a capital after a preposition is a side of the trade, not a place."""
    flows = lex.trade_flows(before[-DIRECTION_WINDOW:])
    return bool(flows & {"export", "import"})


def _cue_of(text: str, m: Mention, lex: Lexicon) -> Cue:
    if _ignored(text, m, lex):
        return Cue.IGNORE
    return lex.cue(text[max(0, m.start - CUE_BEFORE):m.start], text[m.end:m.end + CUE_AFTER],
                   m.possessive)


def _listed_cue(text: str, prev: Entity, m: Mention, cue: Cue) -> Cue:
    """A country in a list ("for Belarus (52.7%) and Armenia") takes the role of the one
    before it; the second of "between A and B" is the partner."""
    if cue is not Cue.SUBJECT or m.virtual or not _LIST_GAP.match(text[prev.mention.end:m.start]):
        return cue
    prev_before = text[max(0, prev.mention.start - 30):prev.mention.start]
    if prev.cue is Cue.REPORTER and _BETWEEN.search(prev_before):
        return Cue.PARTNER
    return prev.cue


def _cues(text: str, mentions: list[Mention], lex: Lexicon) -> list[Entity]:
    entities: list[Entity] = []
    for m in mentions:
        cue = _cue_of(text, m, lex)
        if entities:
            cue = _listed_cue(text, entities[-1], m, cue)
        entities.append(Entity(m, cue))
    return entities


def _echoes(text: str, mentions: list[Mention]) -> list[Mention]:
    """Drop a name repeated in parentheses ("the Eurasian Economic Union (EAEU)")."""
    out: list[Mention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if prev is not None and prev.code == m.code and text[prev.end:m.start].strip() == "(" \
                and text[m.end:m.end + 1] == ")":
            continue
        out.append(m)
    return out


def _mentions(text: str, lex: Lexicon, matcher: EntityMatcher, clauses: list[Clause],
              subject: Mention | None, numbers: list[NumberMention],
              antecedent: Mention | None = None, bloc: Mention | None = None) -> list[Mention]:
    mentions = _anaphors(text, _echoes(text, matcher.find(text)), antecedent, lex)
    mentions = _bloc_anaphors(text, mentions, bloc, lex)
    if subject is not None:
        mentions = _pronouns(clauses, mentions, subject, lex)
    # "долларов США", "US dollars": an amount's currency is not the United States
    amounts = [(n.num_start or n.start, n.end) for n in numbers if n.kind == "amount"]
    return [m for m in mentions if not any(a <= m.start < b for a, b in amounts)]


def analyse(text: str, lex: Lexicon, matcher: EntityMatcher,
            subject: Mention | None = None, antecedent: Mention | None = None,
            bloc: Mention | None = None) -> list[Clause]:
    """The clauses of one sentence. ``subject`` stands in for a pronoun opening a clause;
    ``antecedent`` (the paragraph's last country) for "the country", "Республики"; ``bloc``
    (the paragraph's last bloc) for "the Union", "Союза"."""
    points = [0, *_split_points(text, lex), len(text)]
    clauses = [Clause(a, b, text[a:b], text) for a, b in zip(points, points[1:], strict=False) if b > a]
    numbers = find_numbers(text)
    mentions = _mentions(text, lex, matcher, clauses, subject, numbers, antecedent, bloc)
    periods = find_periods(text)
    taken = [(n.start, n.end) for n in numbers] + [(p.start, p.end) for p in periods]
    _place(clauses, _cues(text, mentions, lex), numbers, periods, _ranks(text, lex, taken))
    for c in clauses:
        _words(c, lex)
    return clauses


def _place(clauses: list[Clause], entities: list[Entity], numbers: list[NumberMention],
           periods: list[PeriodMention], ranks: list[RankMark]) -> None:
    """Each mention into the clause it stands in."""
    for e in entities:
        _owner(clauses, e.start).entities.append(e)
    for n in numbers:
        _owner(clauses, n.num_start or n.start).numbers.append(n)
    for p in periods:
        _owner(clauses, p.start).periods.append(p)
    for r in ranks:
        _owner(clauses, r.start).ranks.append(r)


def _owner(clauses: list[Clause], pos: int) -> Clause:
    return next((c for c in clauses if c.contains(pos)), clauses[-1])


def _pronouns(clauses: list[Clause], mentions: list[Mention], subject: Mention,
              lex: Lexicon) -> list[Mention]:
    """A clause opening with ``It``/``Он`` (or "we"/"мы", the speaker's country) gets the
    previous sentence's subject there."""
    out = list(mentions)
    for c in clauses:
        m = lex.pronoun.match(c.text) or lex.speaker.match(c.text)
        if not m:
            continue
        pos = c.start + m.start("p")
        if any(x.start <= pos < x.end for x in out):
            continue
        out.append(subject.moved(pos, c.start + m.end("p")))
    return sorted(out, key=lambda x: x.start)


def _antecedent(text: str, before: list[Mention], antecedent: Mention | None,
                lex: Lexicon) -> Mention | None:
    """What "the country" stands for: the last country named before it in the sentence
    that is a party (not "ahead of China"), else the paragraph's last country; none after a
    pair ("trade between China and Kyrgyzstan … of the nation's trade": either one)."""
    if _after_pair(text, before, lex):
        return None
    for m in reversed(before):
        if m.bloc is None and m.usable and _cue_of(text, m, lex) not in (Cue.IGNORE, Cue.SUBJECT):
            return m
    return antecedent


def _after_pair(text: str, before: list[Mention], lex: Lexicon) -> bool:
    """Whether the last two countries before an anaphor are a pair ("China and Kyrgyzstan")."""
    countries = [m for m in before if m.bloc is None and m.usable]
    if len(countries) < 2 or countries[-1].code == countries[-2].code:
        return False
    return bool(lex.pair_gap.match(text[countries[-2].end:countries[-1].start]))


def _anaphors(text: str, mentions: list[Mention], antecedent: Mention | None,
              lex: Lexicon) -> list[Mention]:
    """"The country's", "the nation", "the Republic", "Республики": the country meant."""
    out = list(mentions)
    for m in lex.country_anaphor.finditer(text):
        if any(x.start < m.end() and m.start() < x.end for x in out):
            continue  # part of a name ("the Republic of Korea")
        meant = _antecedent(text, [x for x in mentions if x.end <= m.start()], antecedent, lex)
        if meant is not None:
            out.append(replace(meant.moved(m.start(), m.end()), possessive=bool(
                m.groupdict().get("s"))))
    return sorted(out, key=lambda x: x.start)


def _bloc_anaphors(text: str, mentions: list[Mention], bloc: Mention | None,
                   lex: Lexicon) -> list[Mention]:
    """"The Union's mutual trade", "the bloc", "Союза": the last bloc named before it in the
    sentence, else in the paragraph."""
    out = list(mentions)
    for m in lex.bloc_anaphor.finditer(text):
        if any(x.start < m.end() and m.start() < x.end for x in out):
            continue  # part of a name ("the Union State", "Евразийского экономического союза")
        before = [x for x in mentions if x.end <= m.start() and x.bloc is not None]
        meant = before[-1] if before else bloc
        if meant is not None:
            out.append(replace(meant.moved(m.start(), m.end()), possessive=bool(
                m.groupdict().get("s"))))
    return sorted(out, key=lambda x: x.start)


def _words(c: Clause, lex: Lexicon) -> None:
    t = c.text
    c.flows = lex.trade_flows(t)
    c.partner_noun = bool(lex.partner.search(t))
    c.supplier = bool(lex.supplier.search(t))
    c.market = bool(lex.market.search(t))
    c.share_at = [(c.start + m.start(), c.start + m.end()) for m in lex.share.finditer(t)]
    c.share_word = bool(c.share_at)
    c.up = [c.start + m.start() for m in lex.up.finditer(t)]
    c.down = [c.start + m.start() for m in lex.down.finditer(t)]
