"""Clauses → draft claims: numbers read as shares, growth rates or amounts, ranks, roles.

In each clause (:mod:`cistrade.claims.clauses`) a number is a **share** when a share word goes
with it (``share``, ``accounted for``, ``% of …``, ``доля``, ``на долю``, ``удельный вес``), when
it follows a country in parentheses in a ranking (``Belarus (52.7%)``) or ``with`` (``with
35.3%``); a **growth rate** when a verb of change goes with it by ``by``/``на`` or nearby
(``increased by``, ``up 11.6%``, ``3% less than``, ``вырос на``, ``в 1,5 раза``). ``to``/``до``
after a verb gives a level (a share), ``from``/``с`` the earlier level (ignored). An amount of
money (``$27 billion``, ``27 млрд долларов``) in a clause with a trade noun is the **value** of
that trade, unless it is a change (``rose by $2 billion``, ``up $2 billion``). A rank word
counts with a partner, supplier or market noun in the clause (or an earlier clause of the
sentence), or on its own as "second after China" / "первое место". The drafts name mentions;
:mod:`cistrade.claims.extract` turns them into claims.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cistrade.claims.clauses import Clause, Entity, RankMark
from cistrade.claims.entities import Mention
from cistrade.claims.lexicon import Cue, Lexicon
from cistrade.claims.model import Role, Stated
from cistrade.claims.numbers import NumberMention

__all__ = ["Draft", "drafts_of"]

_ATTACHED = re.compile(r"^\s*(?:\(|[-–—:]\s*|with\s+|с\s+)$", re.IGNORECASE)


@dataclass
class Draft:
    """A claim under construction: mentions instead of codes."""

    kind: str  # "share" | "growth" | "rank" | "value"
    reporter: Mention | None
    partner: Mention | None
    clause: Clause
    stated: Stated | None = None
    rank: int | None = None
    flow: str = "turnover"
    role: Role | None = None


@dataclass
class _Carry:
    """What a clause without its own words borrows from the clause before it."""

    reporter: Mention | None = None
    partner: Mention | None = None
    subject: Mention | None = None  # a subject whose role the clause did not settle
    flow: str | None = None
    context: bool = False  # a trade / partner noun was there
    role_noun: bool = False
    rank: int | None = None  # the last rank word, for a list going on in the next clause
    direction: int | None = None  # the last growth word's sign, for "…, imports by 3%"


def drafts_of(clauses: list[Clause], lex: Lexicon, *, reporter: Mention | None = None,
              partner: Mention | None = None) -> list[Draft]:
    """The drafts of one sentence's clauses, rank and share of one pair merged.

    ``reporter``/``partner``: the countries of the sentence before, for a sentence that names
    none ("Exports fell by 6.6%, while imports grew by 22.5%.").
    """
    carry = _Carry(reporter=reporter, partner=partner)
    out: list[Draft] = []
    for c in clauses:
        made = _clause_drafts(c, lex, carry)
        out += made
        _carry_over(c, carry, made)
    return _merge(out)


def _carry_over(c: Clause, carry: _Carry, made: list[Draft]) -> None:
    if made:
        carry.reporter = made[-1].reporter or carry.reporter
        carry.partner = made[-1].partner or carry.partner
        carry.subject = None
    else:
        by_cue = {cue: [e.mention for e in c.entities if e.cue is cue] for cue in Cue}
        carry.reporter = next(iter(by_cue[Cue.REPORTER]), carry.reporter)
        carry.partner = next(iter(by_cue[Cue.PARTNER]), carry.partner)
        carry.subject = next(iter(by_cue[Cue.SUBJECT]), carry.subject)
    marks = sorted([(p, 1) for p in c.up] + [(p, -1) for p in c.down])
    if marks:
        carry.direction = marks[-1][1]
    carry.flow = _flow(c) or carry.flow
    carry.context = carry.context or bool(c.flows) or c.role_noun
    carry.role_noun = carry.role_noun or c.role_noun
    valid = [r for r in c.ranks if _valid_rank(c, carry, r)]
    carry.rank = valid[-1].rank if valid else carry.rank


def _flow(c: Clause) -> str | None:
    if c.supplier:
        return "import"
    if c.market:
        return "export"
    if c.flows == {"export"} or c.flows == {"import"}:
        return next(iter(c.flows))
    return "turnover" if c.flows else None


def _roles(c: Clause, kind: str, carry: _Carry) -> tuple[list[Mention], list[Mention]]:
    """Reporters and partners of a clause; subjects fill the missing side."""
    rs = [e.mention for e in c.entities if e.cue is Cue.REPORTER]
    ps = [e.mention for e in c.entities if e.cue is Cue.PARTNER]
    subjects = [e.mention for e in c.entities if e.cue is Cue.SUBJECT]
    for s in subjects:
        first, second = (rs, ps) if kind == "growth" else (ps, rs)
        if not first and not (kind == "growth" and carry.reporter and not ps):
            first.append(s)
        elif not second:
            second.append(s)
    growth = kind == "growth"
    if not rs:
        rs += [m for m in (carry.reporter or (carry.subject if growth else None),) if m]
    if not ps and (not growth or not c.entities):
        ps += [m for m in (carry.partner or (None if growth else carry.subject),) if m]
    if kind == "growth" and not ps and len(rs) > 1:  # trade of A and B: A with B
        ps.append(rs.pop(1))
    return rs, ps


def _number_kind(n: NumberMention, c: Clause, lex: Lexicon, text: str,
                 carried: int | None = None) -> str | None:
    """``share``, ``growth``, ``value`` or None (not a claim) for one number of a clause.
    ``carried``: the growth direction of the clause before, for an elliptical clause that
    names a flow but no verb ("exports rose by 5%, imports by 3%")."""
    if n.kind == "pp" or n.prep == "from" or _blocked(n, c, lex):
        return None
    if n.kind == "amount":
        # "reached $27 billion", "составил 27 млрд долларов"; not a change ("rose by
        # $2 billion", "up $2 billion") nor an earlier level ("from $25 billion")
        changed = any(0 <= n.start - p < 25 for p in c.up + c.down)  # "rose $2 billion"
        if n.prep in ("by", "на") or (n.prep not in ("to", "до") and changed):
            return None
        return "value"
    after = text[n.end:n.end + 60]
    if lex.after_up.match(after) or lex.after_down.match(after):
        return "growth"
    growth_word = bool(c.up or c.down) or (carried is not None and bool(c.flows))
    if n.kind == "times":
        return "growth" if growth_word or n.factor else None
    if n.is_change:
        return None if c.share_word else ("growth" if growth_word else None)
    if c.share_word or lex.share_after_number.match(after) or _in_parentheses(text, n) \
            or n.prep == "with":
        return "share"
    if n.is_level:
        return None
    return "growth" if growth_word and _near_growth_word(n, c) else None


def _blocked(n: NumberMention, c: Clause, lex: Lexicon) -> bool:
    """A word near the number says it counts something else (GDP, payments, prices, the
    trade balance …); the number's own words ("27 billion dollars") do not count."""
    lo, hi = max(c.start, n.start - 50), min(c.end, n.end + 40)
    start = n.num_start if n.num_start is not None else n.start
    around = c.sentence[lo:start] + " " + c.sentence[n.end:hi]
    return bool(lex.blockers.search(around))


def _in_parentheses(text: str, n: NumberMention) -> bool:
    return text[:n.start].rstrip().endswith("(")


def _near_growth_word(n: NumberMention, c: Clause) -> bool:
    return any(abs(p - n.start) < 40 for p in c.up + c.down)


def _direction(n: NumberMention, c: Clause, lex: Lexicon, carried: int | None = None) -> int:
    """+1 or −1: ``3% less``, else the nearest growth or decline word (before it preferred),
    else the direction carried from the clause before."""
    after = c.sentence[n.end:n.end + 30]
    if lex.after_down.match(after):
        return -1
    if lex.after_up.match(after):
        return 1
    marks = [(p, 1) for p in c.up] + [(p, -1) for p in c.down]
    if not marks:
        return carried or 1
    before = [m for m in marks if m[0] <= n.start]
    p, sign = max(before) if before else min(marks)
    return sign


def _growth_stated(n: NumberMention, c: Clause, lex: Lexicon,
                   carried: int | None = None) -> Stated:
    sign = _direction(n, c, lex, carried)
    if n.kind == "times" and n.factor is not None:
        if n.factor < 1 or sign > 0:
            return n.stated
        shrink = (1 / n.factor - 1) * 100
        return Stated.of(abs(shrink), n.stated.bound, decimals=1, text=n.stated.text).negated()
    return n.stated if sign > 0 else n.stated.negated()


def _clause_drafts(c: Clause, lex: Lexicon, carry: _Carry) -> list[Draft]:
    text = c.sentence
    if lex.product.search(c.text):
        return []  # one product's trade (wheat exports), not all goods
    kinds = [(n, _number_kind(n, c, lex, text, carry.direction)) for n in c.numbers]
    growth = [n for n, k in kinds if k == "growth"]
    shares = [n for n, k in kinds if k == "share"]
    values = [n for n, k in kinds if k == "value"]
    out: list[Draft] = []
    flow = _flow(c) or carry.flow or "turnover"
    if (growth or values) and c.flows:
        rs, ps = _roles(c, "growth", carry)
        if rs:
            out += [Draft("growth", rs[0], ps[0] if ps else None, c,
                          _growth_stated(n, c, lex, carry.direction), flow=flow)
                    for n in growth]
            out += [Draft("value", rs[0], ps[0] if ps else None, c, n.stated, flow=flow)
                    for n in values]
    context = bool(c.flows) or c.role_noun or carry.context
    if shares and context:
        out += _share_drafts(c, shares, carry, flow, text)
    elif not shares and not growth and not values:
        out += _rank_drafts(c, carry, flow)
    if _scoped(c, lex):  # "the leading partner within the EU": a rank inside a group
        out = [d for d in out if d.kind != "rank"]
        for d in out:
            d.rank = None
    return out


def _scoped(c: Clause, lex: Lexicon) -> bool:
    return any(e.mention.bloc is not None
               and lex.scope.search(c.sentence[max(0, e.start - 60):e.start])
               for e in c.entities)


def _valid_rank(c: Clause, carry: _Carry, mark: RankMark) -> bool:
    """A rank word counts with a partner, supplier or market noun, or as "second after X"."""
    return c.role_noun or carry.role_noun or mark.anchored


def _rank_before(c: Clause, pos: int, carry: _Carry) -> int | None:
    marks = [r for r in c.ranks if r.start < pos]
    if not marks or not _valid_rank(c, carry, marks[-1]):
        return None
    return marks[-1].rank


def _share_drafts(c: Clause, shares: list[NumberMention], carry: _Carry, flow: str,
                  text: str) -> list[Draft]:
    rs, ps = _roles(c, "share", carry)
    out = []
    loose = []
    for n in shares:
        owner = _attached_to(c, n, text)
        if owner is None:
            loose.append(n)
            continue
        r: Mention | None = owner.mention
        p: Mention | None = owner.mention
        if owner.cue is Cue.REPORTER:
            p = _other(ps, owner.mention)
        else:
            r = _other(rs, owner.mention)
        rank = _rank_before(c, owner.start, carry)
        if rank is None and not any(mark.start < owner.start for mark in c.ranks):
            rank = carry.rank  # the list goes on from the clause before
        out.append(Draft("share", r, p, c, n.stated, rank, flow))
    if loose:
        pairs = _pair(loose, rs, ps)
        for n, r, p in pairs:
            out.append(Draft("share", r, p, c, n.stated, _rank_anywhere(c, carry), flow))
    return out


def _rank_anywhere(c: Clause, carry: _Carry) -> int | None:
    valid = [r for r in c.ranks if _valid_rank(c, carry, r) or r.rank is None]
    return valid[0].rank if valid else None


def _other(candidates: list[Mention], not_this: Mention) -> Mention | None:
    return next((m for m in candidates if m is not not_this), None)


def _pair(numbers: list[NumberMention], rs: list[Mention], ps: list[Mention]
          ) -> list[tuple[NumberMention, Mention | None, Mention | None]]:
    if len(numbers) > 1 and len(rs) == len(numbers):
        return [(n, r, ps[0] if ps else None) for n, r in zip(numbers, rs, strict=True)]
    if len(numbers) > 1 and len(ps) == len(numbers):
        return [(n, rs[0] if rs else None, p) for n, p in zip(numbers, ps, strict=True)]
    return [(numbers[0], rs[0] if rs else None, ps[0] if ps else None)]


def _attached_to(c: Clause, n: NumberMention, text: str) -> Entity | None:
    """The country a number follows directly: ``Belarus (52.7%)``, ``Беларусь — 52,7%``."""
    before = [e for e in c.entities if e.mention.end <= n.start]
    if not before:
        return None
    e = before[-1]
    gap = text[e.mention.end:n.start]
    if e.mention.possessive or not _ATTACHED.match(gap) or e.cue is Cue.IGNORE:
        return None
    return e


def _rank_drafts(c: Clause, carry: _Carry, flow: str) -> list[Draft]:
    marks = [r for r in c.ranks if _valid_rank(c, carry, r)]
    if not marks or marks[0].rank is None:
        return []
    rs, ps = _roles(c, "rank", carry)
    if not ps:
        return []
    role = Role.SUPPLIER if c.supplier else Role.MARKET if c.market else None
    out = []
    for r in rs:
        rank = _rank_before(c, r.start, carry) or marks[0].rank
        out.append(Draft("rank", r, ps[0], c, None, rank, flow, role))
    return out


def _merge(drafts: list[Draft]) -> list[Draft]:
    """A rank and a share stated for the same pair in one sentence are one claim."""
    out: list[Draft] = []
    for d in drafts:
        if d.kind == "rank":
            twin = next((s for s in drafts if s.kind == "share" and _same_pair(s, d)), None)
            if twin is not None:
                twin.rank = twin.rank or d.rank
                continue
        out.append(d)
    return out


def _same_pair(a: Draft, b: Draft) -> bool:
    def code(m: Mention | None) -> str | None:
        return m.code if m is not None else None

    return code(a.reporter) == code(b.reporter) and code(a.partner) == code(b.partner)
