"""Text → claims: find the sentences that state shares, ranks, growth, values and roles in trade.

Rules over the registry, no statistical model: each sentence is split into clauses
(:mod:`cistrade.claims.clauses`); in each clause the numbers are read as a share (``share of
…``, ``accounted for``, ``(52.7%)`` after a country in a ranking, ``доля``, ``на долю``) or a
growth rate (``increased by``, ``fell``, ``more than doubled``, ``вырос на``, ``сократился
в 2 раза``), rank words (``leading``, ``second-largest``, ``крупнейшим``, ``вторым``) give
the rank when a partner, supplier or market noun goes with them, and the countries get their
roles from the words around them. A clause naming no country borrows the previous clause's;
a clause opening with ``It``/``Он`` borrows the previous sentence's subject.

Periods: the clause's own period, else the sentence's, else the latest one stated earlier in
the text (the claim's ``period_note`` says so), else None (check against the latest data).
A period without a year ("by the end of the third quarter") takes the year stated in the
same sentence, else the latest year stated before it.

An amount of money (``$27 billion``, ``27,1 млрд долларов``, ``EUR 3.4bn``) in a clause about
trade is a **value** claim: the reporter's trade (with the partner or bloc, else in all) in
that currency. Sentences without a trade noun (GDP, inflation, population, "planned
measures", "investment") make no claims, nor do changes in percentage points or absolute
changes (``rose by $2 billion``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from cistrade.claims.clauses import Clause, analyse
from cistrade.claims.drafts import Draft, drafts_of
from cistrade.claims.entities import EntityMatcher, Mention, matcher
from cistrade.claims.lexicon import Cue, Lexicon
from cistrade.claims.lexicons import lexicon
from cistrade.claims.model import Claim, ClaimKind, Role
from cistrade.claims.periods import PeriodMention, find_years
from cistrade.claims.text import Sentence, language, sentences
from cistrade.errors import InputError
from cistrade.model import PeriodRange, TradeFlow

__all__ = ["Extractor", "extract_claims"]

log = logging.getLogger(__name__)

PERIOD_FROM_CONTEXT = "not stated in the sentence; taken from the text before it"
COUNTRY_FROM_CONTEXT = "the sentence names no country; taken from the sentence before it"


@dataclass
class _TextState:
    """What later sentences borrow from earlier ones."""

    year: int | None = None
    period: PeriodRange | None = None
    subject: Mention | None = None
    pair: tuple[Mention | None, Mention | None] = (None, None)  # the last claim's countries
    claims: list[Claim] = field(default_factory=list)


class Extractor:
    """Finds claims in English or Russian text (see the module docstring)."""

    def __init__(self, entity_matcher: EntityMatcher | None = None) -> None:
        self.matcher = entity_matcher or matcher()

    def extract(self, text: str, lang: str = "auto") -> list[Claim]:
        """The claims in ``text``; ``lang`` is ``en``, ``ru`` or ``auto`` (per sentence)."""
        if lang not in ("auto", "en", "ru"):
            raise InputError(f"unknown language {lang!r}; use auto, en or ru")
        state = _TextState()
        for sent in sentences(text):
            sent_lang = language(sent.text) if lang == "auto" else lang
            self._sentence(sent, lexicon(sent_lang), sent_lang, state)
        return state.claims

    def _sentence(self, sent: Sentence, lex: Lexicon, lang: str, state: _TextState) -> None:
        clauses = analyse(sent.text, lex, self.matcher, subject=state.subject)
        named = any(c.entities for c in clauses)
        reporter, partner = (None, None) if named else state.pair
        drafts = drafts_of(clauses, lex, reporter=reporter, partner=partner)
        periods = [p for c in clauses for p in c.periods if not p.comparison]
        year = _sentence_year(sent.text, periods, state.year)
        claims = []
        for d in drafts:
            claim = _finish(d, sent, lang)
            if claim is None:
                continue
            claim.period, claim.period_note = _period(d.clause, periods, year, state.period)
            if not named:
                claim.notes.append(COUNTRY_FROM_CONTEXT)
            claims.append(claim)
        state.claims += claims
        _remember(state, clauses, periods, year, claims, drafts)


def _remember(state: _TextState, clauses: list[Clause], periods: list[PeriodMention],
              year: int | None, claims: list[Claim], drafts: list[Draft]) -> None:
    if year is not None and (periods or find_years(" ".join(c.text for c in clauses))):
        state.year = year
    stated = [c.period for c in claims if c.period is not None and c.period_note is None]
    if stated:
        state.period = stated[-1]
    elif periods and year is not None:
        state.period = periods[0].resolve(year)
    state.subject = _subject(clauses, drafts)
    if drafts:
        state.pair = (drafts[-1].reporter, drafts[-1].partner)


def _subject(clauses: list[Clause], drafts: list[Draft]) -> Mention | None:
    for d in drafts:
        who = d.reporter if d.kind in ("growth", "value") else d.partner
        if who is not None:
            return who
    for c in clauses:
        for e in c.entities:
            if e.cue is Cue.SUBJECT:
                return e.mention
    return None


def _sentence_year(text: str, periods: list[PeriodMention], before: int | None) -> int | None:
    years = [p.year for p in periods if p.year is not None] or find_years(text)
    return years[-1] if years else before


def _period(clause: Clause, periods: list[PeriodMention], year: int | None,
            context: PeriodRange | None) -> tuple[PeriodRange | None, str | None]:
    own = [p for p in clause.periods if not p.comparison]
    chosen = own[0] if own else (periods[0] if periods else None)
    if chosen is not None and (chosen.year or year):
        return chosen.resolve(year), None
    if context is not None:
        return context, PERIOD_FROM_CONTEXT
    return None, None


# -- drafts to claims ------------------------------------------------------------------------


def _finish(d: Draft, sent: Sentence, lang: str) -> Claim | None:
    """The claim a draft makes, or None when its countries cannot make one."""
    if any(m is not None and not m.usable for m in (d.reporter, d.partner)):
        return None
    claim = _growth(d) if d.kind in ("growth", "value") else _share_or_rank(d)
    if claim is not None:
        claim.text, claim.start, claim.end, claim.lang = sent.text, sent.start, sent.end, lang
    return claim


def _growth(d: Draft) -> Claim | None:
    r, p = d.reporter, d.partner
    if r is None or r.bloc is not None:
        return None
    kind = ClaimKind.VALUE if d.kind == "value" else ClaimKind.GROWTH
    return Claim(kind, r.code, _country(p), p.bloc if p else None, TradeFlow(d.flow),
                 stated=d.stated)


def _share_or_rank(d: Draft) -> Claim | None:
    r, p = d.reporter, d.partner
    if p is None or r is None or r.code == p.code:
        return None
    if r.bloc is not None:  # "the largest supplier to CIS countries"
        if d.kind != "rank" or d.role is None or p.bloc is not None:
            return None
        flow = TradeFlow.IMPORT if d.role is Role.SUPPLIER else TradeFlow.EXPORT
        return Claim(ClaimKind.ROLE, None, p.code, r.bloc, flow, rank=d.rank, role=d.role)
    if p.bloc is not None:  # a group ranked against countries ("the EU, its largest partner")
        if d.kind == "rank":
            return Claim(ClaimKind.RANK, r.code, None, p.bloc, TradeFlow(d.flow), rank=d.rank)
        return Claim(ClaimKind.BLOC_SHARE, r.code, None, p.bloc, TradeFlow(d.flow),
                     stated=d.stated, rank=d.rank)
    kind = ClaimKind.SHARE if d.kind == "share" else ClaimKind.RANK
    return Claim(kind, r.code, p.code, None, TradeFlow(d.flow), stated=d.stated, rank=d.rank)


def _country(m: Mention | None) -> str | None:
    return m.code if m is not None and m.bloc is None else None


def extract_claims(text: str, lang: str = "auto") -> list[Claim]:
    """The claims in ``text`` (see :class:`Extractor`)."""
    return Extractor().extract(text, lang)
