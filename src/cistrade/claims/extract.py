"""Text → claims: find the sentences that state shares, ranks, growth, values and roles in trade.

Rules over the registry, no statistical model: the text is split into paragraphs and
sentences (:mod:`cistrade.claims.text`), each sentence into clauses
(:mod:`cistrade.claims.clauses`); in each clause the numbers are read as a share, a growth
rate, an amount or a change (:mod:`cistrade.claims.drafts`), rank words give the rank when a
partner, supplier or market noun goes with them, and the countries get their roles from the
words around them. A clause naming no country borrows the previous clause's; a clause
opening with ``It``/``Он`` borrows the previous sentence's subject.

**Context stays in its paragraph**: a period, a year or a country is carried from one
sentence to the next only within one paragraph of one document; the document's date
(``date=``, ``cistrade check --date``) resolves "last year", "this year" and months without
a year (:mod:`cistrade.claims.timeline`). A period the text leaves unknown ("this year" in
May, "over the past five years") leaves the claim's period None with a note saying why:
such a claim is never checked against another period.

An amount of money (``$27 billion``, ``27,1 млрд долларов``) in a clause about trade is a
**value** claim, or a **change** when it is one ("rose by $2 billion"); trade *between* two
countries is marked ``mutual``; a bloc's own trade (among its members, or with the rest of
the world) has a ``scope``. Forecasts, plans and targets, percentage points, physical
volumes and numbers about something else (GDP, payments, investment) make no claims.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cistrade.claims.clauses import Clause, analyse
from cistrade.claims.drafts import Draft, drafts_of, respectively
from cistrade.claims.entities import EntityMatcher, Mention, matcher
from cistrade.claims.lexicon import Cue, Lexicon
from cistrade.claims.lexicons import lexicon
from cistrade.claims.model import Claim, ClaimKind, Role, Scope
from cistrade.claims.periods import PeriodMention, Span, find_spans
from cistrade.claims.strengths_rules import strength_claims
from cistrade.claims.text import Paragraph, Sentence, language, paragraphs, sentences
from cistrade.claims.timeline import Resolved, base_of, resolve
from cistrade.errors import InputError
from cistrade.model import Freq, Period, PeriodRange, TradeFlow

__all__ = ["Extractor", "extract_claims", "as_date"]

log = logging.getLogger(__name__)

PERIOD_FROM_CONTEXT = "not stated in the sentence; taken from earlier in its paragraph"
COUNTRY_FROM_CONTEXT = "the sentence names no country; taken from the sentence before it"
NO_PERIOD = "the text states no period for it"
SEVERAL_PERIODS = "the claim's clause (or sentence) names several periods: which is its own is unclear"
#: longer "sentences" are tables or junk, not prose, and are skipped: the rules' work per
#: sentence grows with the square of its numbers, so this bounds it (the longest sentence of
#: the real-sentence corpus has about 600 characters)
MAX_SENTENCE = 2000
#: kinds whose period may be a change's base
_CHANGE_KINDS = ("growth", "change")


@dataclass
class _TextState:
    """What later sentences of a paragraph borrow from earlier ones."""

    when: date | None = None  # the document's date
    year: int | None = None
    period: PeriodRange | None = None
    subject: Mention | None = None
    pair: tuple[Mention | None, Mention | None] = (None, None)  # the last claim's countries
    mutual: bool = False  # the pair trades *with each other* ("between A and B")
    topic: bool = False  # a sentence of the paragraph spoke of trade ("it" may refer to it)
    last_country: Mention | None = None  # what "the country" / "Республики" stands for
    last_bloc: Mention | None = None  # what "the Union" / "Союза" stands for
    world: bool = False  # the last claim was about the reporter's trade in all
    scope: Scope | None = None  # ... of a bloc's own trade (among its members)
    claims: list[Claim] = field(default_factory=list)


@dataclass(frozen=True)
class _Sentence:
    """One sentence taken apart."""

    sent: Sentence
    lang: str
    lex: Lexicon
    clauses: list[Clause]
    periods: list[PeriodMention]  # those naming the claim's period, not a comparison base
    comparisons: list[PeriodMention]
    spans: list[Span]
    year: int | None  # the year the sentence states, if any


def as_date(value: Any) -> date | None:
    """A document date from ``date``, ``2024-09-04``, ``2024-09`` (its last day) or ``2024``
    (31 December): what "this year" and "last year" are relative to."""
    if value is None or isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        parts = [int(p) for p in text.split("-")]
        if len(parts) == 1:
            return date(parts[0], 12, 31)
        if len(parts) == 2:
            return Period(parts[0], Freq.MONTHLY, parts[1]).end
        return date(*parts)
    except (ValueError, TypeError):
        raise InputError(f"not a date: {value!r} (expected 2024-09-04, 2024-09 or 2024)") from None


class Extractor:
    """Finds claims in English or Russian text (see the module docstring)."""

    def __init__(self, entity_matcher: EntityMatcher | None = None) -> None:
        self.matcher = entity_matcher or matcher()

    def extract(self, text: str, lang: str = "auto", date: Any = None) -> list[Claim]:
        """The claims in ``text``; ``lang`` is ``en``, ``ru`` or ``auto`` (per sentence);
        ``date`` the document's date (see :func:`as_date`)."""
        if lang not in ("auto", "en", "ru"):
            raise InputError(f"unknown language {lang!r}; use auto, en or ru")
        when = as_date(date)
        claims: list[Claim] = []
        names = self.matcher.with_abbreviations(text)
        for para in paragraphs(text):
            state = _TextState(when=when, claims=claims)  # context stays in the paragraph
            self._paragraph(text, para, lang, state, names)
        return claims

    def _paragraph(self, text: str, para: Paragraph, lang: str, state: _TextState,
                   names: EntityMatcher) -> None:
        for sent in sentences(text, para.start, para.end):
            if len(sent.text) > MAX_SENTENCE:  # a table or junk, not prose: bounded work
                log.info("skipping a 'sentence' of %d characters", len(sent.text))
                continue
            sent_lang = language(sent.text) if lang == "auto" else lang
            self._sentence(self._read(sent, sent_lang, state, names), state)

    def _read(self, sent: Sentence, lang: str, state: _TextState,
              names: EntityMatcher) -> _Sentence:
        lex = lexicon(lang)
        clauses = analyse(sent.text, lex, names, subject=state.subject,
                          antecedent=state.last_country, bloc=state.last_bloc)
        mentions = [p for c in clauses for p in c.periods]
        own = [p for p in mentions if not p.comparison]
        spans = find_spans(sent.text)
        return _Sentence(sent, lang, lex, clauses, own, [p for p in mentions if p.comparison],
                         spans, _sentence_year(sent.text, own, mentions, spans, state.when))

    def _sentence(self, s: _Sentence, state: _TextState) -> None:
        named = any(e.cue is not Cue.IGNORE for c in s.clauses for e in c.entities)
        reporter, partner = _fallback(s, state)
        drafts = drafts_of(s.clauses, s.lex, reporter=reporter, partner=partner,
                           mutual=state.mutual and not named, topic=state.topic,
                           scope=state.scope, world=state.world and not named)
        claims = []
        for d in drafts:
            claim = _finish(d, s.sent, s.lang)
            if claim is None:
                continue
            _when(claim, d, s, state)
            if not named:
                claim.notes.append(COUNTRY_FROM_CONTEXT)
            claims.append(claim)
        state.claims += claims
        strengths = _strengths(s, state)
        _remember(state, s, claims, drafts)
        state.claims += strengths


def _strengths(s: _Sentence, state: _TextState) -> list[Claim]:
    """The sentence's claims about strengths (:mod:`cistrade.claims.strengths_rules`), with
    the sentence's year (or the one year it names as a base, else the paragraph's, noted):
    product-level data are yearly."""
    mentions = [e.mention for c in s.clauses for e in c.entities]
    found = strength_claims(s.sent.text, s.lang, mentions, state.last_country)
    own = s.year if s.year is not None else _only_base_year(s)
    year, note = (own, None) if own is not None else (
        state.year, PERIOD_FROM_CONTEXT if state.year is not None else NO_PERIOD)
    for claim in found:
        claim.text, claim.start, claim.end, claim.lang = s.sent.text, s.sent.start, s.sent.end, s.lang
        claim.period = PeriodRange.of(Period(year, Freq.ANNUAL)) if year is not None else None
        claim.period_note = note
    return found


def _only_base_year(s: _Sentence) -> int | None:
    """The one year a sentence names only as a comparison base ("the 2021 figures show"):
    a claim about strengths compares with no base, so it is that claim's year."""
    years = {p.year for p in s.comparisons if p.year is not None}
    return years.pop() if len(years) == 1 and not s.spans and not s.periods else None


def _fallback(s: _Sentence, state: _TextState) -> tuple[Mention | None, Mention | None]:
    """The paragraph's countries for a sentence that leaves them out: both when it names
    none, the reporter when it names only partners ("… с Украиной снизился на 57,5%")."""
    cues = {e.cue for c in s.clauses for e in c.entities} - {Cue.IGNORE}
    if not cues:
        return state.pair
    if Cue.REPORTER in cues or Cue.SUBJECT in cues:
        return None, None
    return state.pair[0], None


# -- periods ----------------------------------------------------------------------------------


_YEAR_AT = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def _sentence_year(text: str, own: list[PeriodMention], mentions: list[PeriodMention],
                   spans: list[Span], when: date | None = None) -> int | None:
    """The year a sentence states for itself: its own periods' ("this year": the document's),
    else a year in it outside a comparison or a span."""
    years = _own_years(own, when)
    if years:
        return years[-1]
    taken = [(p.start, p.end) for p in mentions if p.comparison] + [(s.start, s.end) for s in spans]
    free = [int(m.group(0)) for m in _YEAR_AT.finditer(text)
            if not any(a <= m.start() < b for a, b in taken)]
    return free[-1] if free else None


def _own_years(own: list[PeriodMention], when: date | None) -> list[int]:
    """The years a sentence's own periods state, "this year" as the document's."""
    years = [p.year for p in own if p.year is not None]
    if when is not None:
        years += [when.year + p.relative for p in own if p.relative is not None]
    return years


def _first_said(mentions: list[PeriodMention]) -> PeriodMention | None:
    """The first mention, one whose months are said ("seven months") before "this year"."""
    said = [p for p in mentions if p.months_said]
    return said[0] if said else (mentions[0] if mentions else None)


def _mention_of(d: Draft, s: _Sentence) -> PeriodMention | None:
    own = _merged([p for p in d.clause.periods if not p.comparison])
    return _first_said(own) or _first_said(_merged(s.periods))


def _whole_year(p: PeriodMention) -> bool:
    """"in 2023", "this year": a year and no months of its own."""
    return p.first_month == 1 and p.last_month == 12 and (p.year, p.relative) != (None, None)


def _months_only(p: PeriodMention) -> bool:
    """"in seven months", "январь–июль": months whose year the text gives elsewhere."""
    return p.year is None and p.relative is None and p.months_said and not (
        p.first_month == 1 and p.last_month == 12)


def _merged(mentions: list[PeriodMention]) -> list[PeriodMention]:
    """The mentions, with one year ("this year", "in 2023") folded into the months that
    lack one ("this year … in seven months": January–July of this year, one period)."""
    months = [p for p in mentions if _months_only(p)]
    years = {(p.year, p.relative) for p in mentions if _whole_year(p)}
    if months and len(years) == 1 and len(months) + sum(map(_whole_year, mentions)) == len(
            mentions):
        return months
    return mentions


def _period_of(d: Draft, s: _Sentence, state: _TextState) -> Resolved:
    """The claim's period: its clause's or sentence's phrase, else the last year of a span
    ("from 2015 to 2022"), else the paragraph's period (noted), else unknown."""
    own = _merged([p for p in d.clause.periods if not p.comparison])
    mention = _respective_period(d, own)
    if mention is None and len(_distinct(own or _merged(s.periods))) > 1:
        return Resolved(None, SEVERAL_PERIODS)
    mention = mention or _mention_of(d, s)
    if mention is not None:
        return resolve(mention, sentence_year=s.year, paragraph_year=state.year, when=state.when)
    return _unstated_period(s, state)


def _unstated_period(s: _Sentence, state: _TextState) -> Resolved:
    """A claim whose words name no period: the last year of a span ("from 2015 to 2022"),
    else the paragraph's period (noted), else unknown."""
    last = next((sp.last for sp in s.spans if sp.last is not None), None)
    if last is not None:
        return Resolved(PeriodRange.of(Period(last, Freq.ANNUAL)))
    if state.period is not None:
        return Resolved(state.period, PERIOD_FROM_CONTEXT)
    return Resolved(None, NO_PERIOD)


def _respective_period(d: Draft, own: list[PeriodMention]) -> PeriodMention | None:
    """"… by 21 and 24 percent in 2012 and 2013, respectively": the n-th period is the n-th
    figure's (of the figures of the draft's kind in its clause); None otherwise."""
    if d.number is None or len(_distinct(own)) < 2 or not respectively(d.clause.text):
        return None
    same = [n for n in d.clause.numbers if n.kind == d.number.kind]
    if len(same) != len(own):
        return None
    return own[next(i for i, n in enumerate(same) if n is d.number)]


def _distinct(mentions: list[PeriodMention]) -> set[tuple[Any, ...]]:
    return {(p.first_month, p.last_month, p.year, p.relative) for p in mentions}


def _when(claim: Claim, d: Draft, s: _Sentence, state: _TextState) -> None:
    found = _period_of(d, s, state)
    claim.period, claim.period_note = found.period, found.note
    if d.kind in _CHANGE_KINDS:
        claim.base = base_of(claim.period, s.spans, s.comparisons)


def _remember(state: _TextState, s: _Sentence, claims: list[Claim], drafts: list[Draft]) -> None:
    """What the next sentences of the paragraph take from this one."""
    _remember_period(state, s, claims)
    state.subject = _subject(s.clauses, drafts)
    _remember_antecedents(state, s, drafts)
    if drafts:
        last = drafts[-1]
        state.pair = (last.reporter, last.partner)
        state.mutual, state.scope = last.mutual, last.scope
        state.world = last.partner is None and last.kind in _SIDED
        state.topic = True
    else:
        _remember_pair(state, s)


def _remember_antecedents(state: _TextState, s: _Sentence, drafts: list[Draft]) -> None:
    """What "the country" and "the Union" of the next sentences stand for: the reporter of
    the sentence's last claim, else the last country it names; the last bloc it names."""
    named = _named_in(s)
    parties = [m for m in named if m.bloc is None]
    reporters = [d.reporter for d in drafts[-1:] if d.reporter and d.reporter.bloc is None]
    state.last_country = next(iter(reporters or parties[-1:]), state.last_country)
    state.last_bloc = next((m for m in reversed(named) if m.bloc is not None), state.last_bloc)


def _named_in(s: _Sentence) -> list[Mention]:
    """The countries and blocs a sentence names as parties (not places or speakers)."""
    return [e.mention for c in s.clauses for e in c.entities
            if e.cue is not Cue.IGNORE and e.mention.usable]


def _remember_period(state: _TextState, s: _Sentence, claims: list[Claim]) -> None:
    """The paragraph's year and period after this sentence: its claims' stated period, else
    the latest period it names, even unknown ("this year" in an undated text)."""
    if s.year is not None:
        state.year = s.year
    stated = [c.period for c in claims if c.period is not None and c.period_note is None]
    if stated:
        state.period = stated[-1]
    elif s.periods:
        state.period = resolve(s.periods[0], sentence_year=s.year, paragraph_year=state.year,
                               when=state.when).period


def _remember_pair(state: _TextState, s: _Sentence) -> None:
    """A sentence that names a pair in a trade context without a claim ("bilateral trade
    between Kazakhstan and China is growing") gives the next sentences their countries."""
    for c in s.clauses:
        if not c.flows:
            continue
        state.topic = True
        rs, ps = _sides_named(c)
        named = rs + ps
        if len(named) >= 2:
            _remember_two(state, s, c, named[0], named[1])
            return
        if named:
            state.pair = (named[0], None) if rs else (None, named[0])
            state.mutual = False
            state.scope = Scope.WITHIN if named[0].bloc and s.lex.within.search(c.text) else None
            return
    _remember_countries(state, s)


def _remember_countries(state: _TextState, s: _Sentence) -> None:
    """A sentence about two countries, not about trade ("China remains one of the key
    partners of Kyrgyzstan"), gives "the two countries" of the next sentences."""
    named: dict[str, Mention] = {}
    for c in s.clauses:
        for e in c.entities:
            if e.cue is not Cue.IGNORE and e.mention.usable and e.mention.bloc is None:
                named.setdefault(e.mention.code, e.mention)
    if len(named) == 2:
        first, second = named.values()
        state.pair, state.mutual = (first, second), False


def _sides_named(c: Clause) -> tuple[list[Mention], list[Mention]]:
    """A clause's usable reporters and partners, in order."""
    rs = [e.mention for e in c.entities if e.cue is Cue.REPORTER and e.mention.usable]
    ps = [e.mention for e in c.entities if e.cue is Cue.PARTNER and e.mention.usable]
    return rs, ps


def _remember_two(state: _TextState, s: _Sentence, c: Clause, first: Mention,
                  second: Mention) -> None:
    """A pair named without a claim: the two countries, mutual when joined by "and"/"и"
    ("between Kazakhstan and China") or said to be mutual."""
    state.pair = (first, second)
    a, b = sorted((first, second), key=lambda m: m.start)
    state.mutual = bool(s.lex.pair_gap.match(c.sentence[a.end:b.start])
                        or s.lex.mutual.search(c.text))


def _subject(clauses: list[Clause], drafts: list[Draft]) -> Mention | None:
    """What "it"/"он" opening the next sentence stands for: a country; none after the trade
    of a pair ("he said it grew": the trade, whose pair the next sentence takes)."""
    if any(d.partner is not None and d.kind in _SIDED for d in drafts):
        return None
    for d in drafts:
        who = d.reporter if d.kind in ("growth", "value", "change") else d.partner
        if who is not None:
            return who
    for c in clauses:
        for e in c.entities:
            if e.cue is Cue.SUBJECT:
                return e.mention
    return None


# -- drafts to claims ------------------------------------------------------------------------


def _finish(d: Draft, sent: Sentence, lang: str) -> Claim | None:
    """The claim a draft makes, or None when its countries cannot make one."""
    if any(m is not None and not m.usable for m in (d.reporter, d.partner)):
        return None
    claim = _sided(d) if d.kind in ("growth", "value", "change") else _share_or_rank(d)
    if claim is not None:
        claim.text, claim.start, claim.end, claim.lang = sent.text, sent.start, sent.end, lang
    return claim


_SIDED = {"growth": ClaimKind.GROWTH, "value": ClaimKind.VALUE, "change": ClaimKind.CHANGE}


def _sided(d: Draft) -> Claim | None:
    """A growth rate, value or change of the reporter's trade (or a bloc's own trade)."""
    r, p = d.reporter, d.partner
    kind = _SIDED[d.kind]
    if d.scope is not None:
        bloc = r.bloc if r is not None and r.bloc else (p.bloc if p is not None else None)
        return Claim(kind, None, None, bloc, TradeFlow(d.flow), stated=d.stated, scope=d.scope)
    if r is None or r.bloc is not None or (p is not None and p.code == r.code):
        return None
    return Claim(kind, r.code, _country(p), p.bloc if p else None, TradeFlow(d.flow),
                 stated=d.stated, mutual=d.mutual)


def _role_claim(d: Draft, r: Mention, p: Mention) -> Claim | None:
    """"The largest supplier to CIS countries": the partners of a whole group."""
    if d.kind != "rank" or d.role is None or p.bloc is not None:
        return None
    flow = TradeFlow.IMPORT if d.role is Role.SUPPLIER else TradeFlow.EXPORT
    return Claim(ClaimKind.ROLE, None, p.code, r.bloc, flow, rank=d.rank, role=d.role)


def _share_or_rank(d: Draft) -> Claim | None:
    r, p = d.reporter, d.partner
    if p is None or r is None or r.code == p.code:
        return None
    if r.bloc is not None:
        return _role_claim(d, r, p)
    if p.bloc is not None:  # a group ranked against countries ("the EU, its largest partner")
        if d.kind == "rank":
            return Claim(ClaimKind.RANK, r.code, None, p.bloc, TradeFlow(d.flow), rank=d.rank)
        return Claim(ClaimKind.BLOC_SHARE, r.code, None, p.bloc, TradeFlow(d.flow),
                     stated=d.stated, rank=d.rank)
    kind = ClaimKind.SHARE if d.kind == "share" else ClaimKind.RANK
    return Claim(kind, r.code, p.code, None, TradeFlow(d.flow), stated=d.stated, rank=d.rank)


def _country(m: Mention | None) -> str | None:
    return m.code if m is not None and m.bloc is None else None


def extract_claims(text: str, lang: str = "auto", date: Any = None) -> list[Claim]:
    """The claims in ``text`` (see :class:`Extractor`)."""
    return Extractor().extract(text, lang, date)
