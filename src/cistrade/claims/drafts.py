"""Clauses → draft claims: numbers read as shares, growth rates, amounts or changes, ranks,
roles.

Each number of a clause (:mod:`cistrade.claims.clauses`) is read by the rules of
:data:`NUMBER_RULES`, in order; the first that decides says what it is:

* not a claim — percentage points, a number a word near it says counts something else
  (GDP, payments, the trade balance), a forecast, plan or target ("may reach", "will
  exceed", "aims to bring … to", "может составить", "намерены достичь"), or a change of a
  volume in tonnes;
* an amount of money: a **change** when tied to a verb of change by ``by``/``на``, after an
  "increase of", written with a sign (``+$2.8 billion``) or followed by "rise"/"рост";
  otherwise the **value** of the trade the clause names (never an earlier level, "from
  $13 billion");
* a **growth** rate: a multiple ("doubled", "в 1,5 раза"), ``by``/``на`` after a verb of
  change, "3% more than", or a verb of change near it;
* a **share**: a share word ("share", "accounted for", "made up", "доля", "удельный вес"),
  "% of …", a number in parentheses after a country (``Belarus (52.7%)``) or after
  ``with``.

A rank word counts with a partner, supplier or market noun in the clause (or an earlier
clause of the sentence), or on its own as "second after China" / "первое место". The drafts
name mentions; :mod:`cistrade.claims.extract` turns them into claims.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from cistrade.claims.clauses import Clause, Entity, RankMark
from cistrade.claims.entities import Mention
from cistrade.claims.lexicon import Cue, Lexicon
from cistrade.claims.model import Bound, Role, Scope, Stated
from cistrade.claims.numbers import NumberMention
from cistrade.claims.periods import find_spans, find_years

__all__ = ["Draft", "drafts_of", "NUMBER_RULES"]

_ATTACHED = re.compile(r"^\s*(?:\(\+?|[-–—:]\s*|with\s+|с\s+)$", re.IGNORECASE)
#: between a country's two figures: "$13.7 billion, 14.5 percent", "122,6 млн (10,4%)"
_SECOND_FIGURE = re.compile(r"^\s*(?:,|\(|;|or|или)\s*$", re.IGNORECASE)
#: how far before a number a verb of change still governs it ("rose $2 billion")
CHANGE_VERB_WINDOW = 25
#: how far from a number a verb of change makes it a growth rate ("up 11.6%")
GROWTH_WORD_WINDOW = 40
#: how far around a number a blocking word (GDP, payments …) is looked for, before / after
BLOCK_BEFORE, BLOCK_AFTER = 50, 40
#: how far after a number its own comparison ("3% less than", "$4.7 billion … rise") is read
AFTER_WINDOW = 60
#: how far after a number a modal word still makes it a forecast ("… $12 bln, we expect")
MODAL_AFTER = 15


@dataclass
class Draft:
    """A claim under construction: mentions instead of codes."""

    kind: str  # "share" | "growth" | "rank" | "value" | "change"
    reporter: Mention | None
    partner: Mention | None
    clause: Clause
    stated: Stated | None = None
    rank: int | None = None
    flow: str = "turnover"
    role: Role | None = None
    mutual: bool = False
    scope: Scope | None = None
    number: NumberMention | None = None


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
    mutual: bool = False
    topic: bool = False  # trade was spoken of before: an anaphor ("it", "он") may be it
    scope: Scope | None = None  # a bloc's own trade spoken of before ("among its members")
    world: bool = False  # the reporter carried was the subject of a claim about all its trade
    sentence_reporters: list[Mention] = field(default_factory=list)  # in any clause


@dataclass(frozen=True)
class _Ask:
    """What a number rule is given."""

    n: NumberMention
    c: Clause
    lex: Lexicon
    carried: int | None  # the growth direction of the clause before


def drafts_of(clauses: list[Clause], lex: Lexicon, *, reporter: Mention | None = None,
              partner: Mention | None = None, mutual: bool = False,
              topic: bool = False, scope: Scope | None = None,
              world: bool = False) -> list[Draft]:
    """The drafts of one sentence's clauses, rank and share of one pair merged.

    ``reporter``/``partner``: the countries of the sentence before (same paragraph), for a
    sentence that names none ("Exports fell by 6.6%, while imports grew by 22.5%.");
    ``mutual``: they trade with each other; ``topic``: the paragraph spoke of trade before
    ("in 2022 it increased by 15%": "it" is that trade).
    """
    carry = _Carry(reporter=reporter, partner=partner, mutual=mutual, topic=topic, scope=scope,
                   world=world,
                   sentence_reporters=[m for c in clauses for m in _by_cue(c, Cue.REPORTER)])
    out: list[Draft] = []
    before: Clause | None = None
    for c in clauses:
        _depend(c, before, lex, carry)
        before = c
        made = _clause_drafts(c, lex, carry)
        out += made
        _carry_over(c, carry, made)
    return _merge(out)


# -- carrying words from clause to clause ---------------------------------------------------------


def _carry_mentions(c: Clause, carry: _Carry, made: list[Draft]) -> None:
    if made:
        carry.reporter = made[-1].reporter or carry.reporter
        carry.partner = made[-1].partner or carry.partner
        carry.subject = None
        carry.mutual = made[-1].mutual
        carry.world = made[-1].partner is None and made[-1].kind in _SIDED_KINDS
        return
    by_cue = {cue: [e.mention for e in c.entities if e.cue is cue] for cue in Cue}
    carry.reporter = next(iter(by_cue[Cue.REPORTER]), carry.reporter)
    carry.partner = next(iter(by_cue[Cue.PARTNER]), carry.partner)
    carry.subject = next(iter(by_cue[Cue.SUBJECT]), carry.subject)


def _carry_over(c: Clause, carry: _Carry, made: list[Draft]) -> None:
    """What the next clauses of the sentence take from this one."""
    _carry_mentions(c, carry, made)
    carry.direction = _last_direction(c) or carry.direction
    carry.flow = _flow(c) or carry.flow
    carry.context = carry.context or bool(c.flows) or c.role_noun
    carry.role_noun = carry.role_noun or c.role_noun
    valid = [r for r in c.ranks if _valid_rank(c, carry, r)]
    carry.rank = valid[-1].rank if valid else carry.rank


def _last_direction(c: Clause) -> int | None:
    """+1 when the clause's last direction word is up ("rose"), -1 down, None without one."""
    marks = sorted([(p, 1) for p in c.up] + [(p, -1) for p in c.down])
    return marks[-1][1] if marks else None


def _depend(c: Clause, before: Clause | None, lex: Lexicon, carry: _Carry) -> None:
    """A relative clause ("…, which is 20% more", "…, что на 4,9% меньше") speaks of the
    clause before it: its trade, and its forecast if that was one."""
    if before is None or not lex.relative.match(c.text):
        return
    if not c.flows and carry.flow:
        c.flows = {carry.flow}
    c.dependent_modal = before.dependent_modal or bool(lex.modal.search(before.text))
    c.dependent_blocked = before.dependent_blocked or bool(lex.blockers.search(before.text))


def _flow(c: Clause) -> str | None:
    if c.supplier:
        return "import"
    if c.market:
        return "export"
    if c.flows == {"export"} or c.flows == {"import"}:
        return next(iter(c.flows))
    return "turnover" if c.flows else None


# -- who is the reporter, who the partner ---------------------------------------------------------


def _by_cue(c: Clause, cue: Cue) -> list[Mention]:
    return [e.mention for e in c.entities if e.cue is cue]


def _place_subjects(c: Clause, kind: str, carry: _Carry, rs: list[Mention],
                    ps: list[Mention]) -> None:
    # "Russia comes in second with a $4.4 billion turnover": a ranked subject is a partner
    growth = kind == "growth" and not (c.role_noun or c.ranks)
    for s in _by_cue(c, Cue.SUBJECT):
        first, second = (rs, ps) if growth else (ps, rs)
        if not first and not (growth and carry.reporter and not ps):
            first.append(s)
        elif not second:
            second.append(s)


def _roles(c: Clause, kind: str, carry: _Carry) -> tuple[list[Mention], list[Mention]]:
    """Reporters and partners of a clause; subjects fill the missing side, then what the
    sentence and the paragraph said before."""
    rs, ps = _named_roles(c, carry)
    _place_subjects(c, kind, carry, rs, ps)
    growth = kind == "growth"
    if not rs:
        rs += _carried_reporter(carry, growth)
    if not ps:
        ps += _carried_partner(c, carry, growth, rs)
    if growth and not ps and len(rs) > 1:  # trade of A and B: A with B
        ps.append(rs.pop(1))
    return rs, ps


def _named_roles(c: Clause, carry: _Carry) -> tuple[list[Mention], list[Mention]]:
    """The clause's reporters and partners; without a reporter, the first one the sentence
    named before ("…, making up 15.1% of Uzbekistan's trade")."""
    rs, ps = _by_cue(c, Cue.REPORTER), _by_cue(c, Cue.PARTNER)
    if not rs and carry.sentence_reporters:
        rs = [m for m in carry.sentence_reporters if m not in ps][:1]
    return rs, ps


def _pair_other(named: Mention, carry: _Carry) -> list[Mention]:
    """In a paragraph about the trade between two countries, one of them named alone
    ("Exports from Kyrgyzstan increased …") trades with the other, not with the world."""
    pair = [m for m in (carry.reporter, carry.partner) if m is not None]
    if not carry.mutual or len(pair) != 2 or named.code not in {m.code for m in pair}:
        return []
    return [m for m in pair if m.code != named.code][:1]


def _carried_reporter(carry: _Carry, growth: bool) -> list[Mention]:
    """The reporter said before; for a rate, else the subject ("it grew by 5%")."""
    who = carry.reporter or (carry.subject if growth else None)
    return [who] if who else []


def _carried_partner(c: Clause, carry: _Carry, growth: bool, rs: list[Mention]) -> list[Mention]:
    """The partner said before; for a share or rank, else the subject ("it holds 20%"); a
    rate of a clause naming a country takes only the other of a pair (:func:`_pair_other`)."""
    if growth and c.entities:
        return _pair_other(rs[0], carry) if rs else []
    who = carry.partner or (None if growth else carry.subject)
    return [who] if who else []


# -- what a number is: the rules ------------------------------------------------------------------

_NEXT = "next"  # a rule that does not decide
_SIDED_KINDS = ("growth", "value", "change")


def _not_a_claim(a: _Ask) -> str | None:
    """Percentage points, an earlier level, a blocked word near it, a forecast."""
    if a.n.kind == "pp" or a.c.dependent_blocked or _blocked(a.n, a.c, a.lex) \
            or _modal(a.n, a.c, a.lex) or _averaged(a.n, a.c, a.lex):
        return None
    if a.n.prep == "from":  # an earlier level ("from 18%", "from $13 billion"): the base
        return None
    return _NEXT


def _amount(a: _Ask) -> str | None:
    if a.n.kind != "amount":
        return _NEXT
    return "change" if _is_change(a.n, a.c, a.lex) else "value"


def _own_comparison(a: _Ask) -> str | None:
    """"3% more than a year earlier", "3% less"."""
    after = a.c.sentence[a.n.end:a.n.end + AFTER_WINDOW]
    if a.lex.after_up.match(after) or a.lex.after_down.match(after):
        return "growth"
    return _NEXT


def _growth_word(a: _Ask) -> bool:
    return bool(a.c.up or a.c.down) or (a.carried is not None and bool(a.c.flows))


def _multiple(a: _Ask) -> str | None:
    if a.n.kind != "times":
        return _NEXT
    return "growth" if _growth_word(a) or a.n.factor else None


def _change_rate(a: _Ask) -> str | None:
    """``by``/``на`` after a verb: a growth rate (not with a share word: a share's change)."""
    if not a.n.is_change:
        return _NEXT
    return None if a.c.share_word else ("growth" if _growth_word(a) else None)


#: how far after a number a share noun still makes it a share ("a 35.3% share")
SHARE_NOUN_AFTER = 12


def _share_word_for(n: NumberMention, c: Clause) -> bool:
    """A share word before the number ("accounted for 21.5%", "доля … составила"), or a
    share noun just after it ("a 35.3% share"); "up 7% accounting for $23bn" is no share."""
    if any(end <= n.start for _, end in c.share_at):
        return True
    return bool(_SHARE_NOUN.match(c.sentence, n.end, n.end + SHARE_NOUN_AFTER))


_SHARE_NOUN = re.compile(r"(?<!\s)\s{0,5}(?:share|proportion|дол(?:я|и|ю|е|ей))(?!\w)",
                         re.IGNORECASE)


def _share(a: _Ask) -> str | None:
    after = a.c.sentence[a.n.end:a.n.end + AFTER_WINDOW]
    if _share_word_for(a.n, a.c) or a.lex.share_after_number.match(after) or a.n.prep == "with":
        return "share"
    if _in_parentheses(a.c.sentence, a.n):  # "Belarus (52.7%)"; in a list of changes a rate
        return "growth" if a.c.up or a.c.down else "share"
    return _NEXT


def _level(a: _Ask) -> str | None:
    return None if a.n.is_level else _NEXT


def _near_growth(a: _Ask) -> str | None:
    return "growth" if _growth_word(a) and _near_growth_word(a.n, a.c) else None


#: the rules that say what a number is, in order (see the module docstring)
NUMBER_RULES: tuple[Callable[[_Ask], str | None], ...] = (
    _not_a_claim, _amount, _own_comparison, _multiple, _change_rate, _share, _level,
    _near_growth,
)


def _number_kind(n: NumberMention, c: Clause, lex: Lexicon, carried: int | None = None
                 ) -> str | None:
    """``share``, ``growth``, ``value``, ``change`` or None (not a claim) for one number."""
    ask = _Ask(n, c, lex, carried)
    for rule in NUMBER_RULES:
        verdict = rule(ask)
        if verdict != _NEXT:
            return verdict
    return None


def _is_change(n: NumberMention, c: Clause, lex: Lexicon) -> bool:
    """An amount that is a change: "rose by $2 billion", "up $2 billion", "an increase of
    $5.4 billion", "+$2.8 billion", "a $4.7 billion … rise"."""
    if n.prep in ("by", "на"):
        return True
    if _verb_governs(n, c):
        return True
    num = n.num_start or n.start
    before = c.sentence[max(0, n.start - 4):num]
    if "+" in before or lex.change_noun.search(c.sentence, max(0, num - CHANGE_NOUN_WINDOW),
                                               num):
        return True
    if _APPOSITION.search(c.sentence, max(0, n.start - 6), n.start) and _follows_rate(n, c):
        return True  # "increased 5.1-fold, or $7.4 billion"
    return bool(lex.change_after.match(c.sentence, n.end)) or _listed_after_change(n, c, lex)


#: between two amounts of one list: "$260 million and $65 million", "2,8 и 2,9 млрд"
_LIST_GAP = re.compile(r"^\s{0,3}(?:,|and|и)\s{0,3}(?:,\s{0,3})?$", re.IGNORECASE)


def _listed_after_change(n: NumberMention, c: Clause, lex: Lexicon) -> bool:
    """An amount listed right after a change ("a decrease of $260 million and $65 million")
    is a change too."""
    before = [m for m in c.numbers if m.end <= n.start and m.kind == "amount"]
    if not before or not _LIST_GAP.match(c.sentence[before[-1].end:n.start]):
        return False
    return _is_change(before[-1], c, lex)


#: how far before an amount "an increase in trade of" may begin ("a decrease in trade volumes
#: with China of almost $260 million": the noun, five words, "of" and a qualifier)
CHANGE_NOUN_WINDOW = 70
_APPOSITION = re.compile(r",\s*(?:or|или)\s+$", re.IGNORECASE)


def _verb_governs(n: NumberMention, c: Clause) -> bool:
    """"rose $2 billion": a verb of change just before an exact amount, no other number
    between them ("was up 7% accounting for $23bn" is a level) nor a level's qualifier."""
    if n.prep in ("to", "до") or n.stated.bound is not Bound.EXACT:
        return False
    verbs = [p for p in c.up + c.down if 0 <= n.start - p < CHANGE_VERB_WINDOW]
    if not verbs:
        return False
    return not any(max(verbs) < m.start < n.start for m in c.numbers if m is not n)


def _follows_rate(n: NumberMention, c: Clause) -> bool:
    return any(m.end <= n.start and m.kind in ("percent", "times") for m in c.numbers)


def _blocked(n: NumberMention, c: Clause, lex: Lexicon) -> bool:
    """A word near the number says it counts something else (GDP, payments, prices, the
    trade balance …); the number's own words ("27 billion dollars") do not count."""
    lo, hi = max(c.start, n.start - BLOCK_BEFORE), min(c.end, n.end + BLOCK_AFTER)
    start = n.num_start if n.num_start is not None else n.start
    around = c.sentence[lo:start] + " " + c.sentence[n.end:hi]
    return bool(lex.blockers.search(around))


def _modal(n: NumberMention, c: Clause, lex: Lexicon) -> bool:
    """A forecast, plan or target: a modal or future word in the clause before the number
    (or just after it), or in the clause a relative clause depends on ("… may reach $6
    billion, which is half of 2024's")."""
    if c.dependent_modal:
        return True
    return bool(lex.modal.search(c.sentence, c.start, min(c.end, n.end + MODAL_AFTER)))


def _averaged(n: NumberMention, c: Clause, lex: Lexicon) -> bool:
    """A mean over several years ("on average over 2002-2022 it accounted for 24%", "average
    annual growth"): an averaging word before the number that says so itself, or one followed
    by a span of years that is the last period said before the number (no one period's
    figure to check). "В среднем … в январе–апреле снизился на 14,4%" is one period's figure,
    and so is "… and in 2023 for 22%" after an average over 2010-2020: both kept."""
    start = n.num_start if n.num_start is not None else n.start
    m = lex.average.search(c.sentence, c.start, min(c.end, n.end + MODAL_AFTER))
    if m is None or m.start() > start:
        return False
    if m["years"]:
        return True
    between = c.sentence[m.start():start]
    spans = find_spans(between)
    return bool(spans) and not find_years(between[spans[-1].end:])


def _in_parentheses(text: str, n: NumberMention) -> bool:
    return text[:n.start].rstrip().endswith("(")


def _near_growth_word(n: NumberMention, c: Clause) -> bool:
    return any(abs(p - n.start) < GROWTH_WORD_WINDOW for p in c.up + c.down)


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
    _, sign = max(before) if before else min(marks)
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


# -- the drafts of one clause ---------------------------------------------------------------------


def _kinds(c: Clause, lex: Lexicon, carry: _Carry) -> dict[str, list[NumberMention]]:
    out: dict[str, list[NumberMention]] = {"growth": [], "share": [], "value": [], "change": []}
    for n in c.numbers:
        kind = _number_kind(n, c, lex, carry.direction)
        if kind is not None:
            out[kind].append(n)
    return out


def _scope(c: Clause, lex: Lexicon, reporter: Mention | None, partner: Mention | None,
           carried: Scope | None = None) -> Scope | None:
    """A bloc's own trade: among its members ("mutual trade of EAEU countries"), or with
    the rest of the world (a bloc as the reporter otherwise)."""
    if _bloc_side(reporter, partner) is None:
        return None
    if lex.external.search(c.text):
        return Scope.EXTERNAL
    if lex.within.search(c.text):
        return Scope.WITHIN
    return carried if carried is not None and not c.entities else Scope.EXTERNAL


def _bloc_side(reporter: Mention | None, partner: Mention | None) -> Mention | None:
    """The bloc whose own trade a claim is about: the reporter, or a bloc partner with no
    reporter; None when a country is a side (a bloc as a country's partner)."""
    if reporter is not None and reporter.bloc:
        bloc = reporter
    elif reporter is None and partner is not None and partner.bloc:
        bloc = partner
    else:
        return None
    return bloc if partner is None or partner is bloc else None


def _mutual(c: Clause, lex: Lexicon, reporter: Mention | None, partner: Mention | None,
            flow: str, carry: _Carry) -> bool:
    """Trade *between* two countries: "between A and B", "товарооборот A и B", "A-B
    trade", "bilateral", "mutual", "the two countries"."""
    if flow != "turnover" or reporter is None or partner is None:
        return False
    if reporter.bloc or partner.bloc:
        return False
    first, second = sorted((reporter, partner), key=lambda m: m.start)
    gap = c.sentence[first.end:second.start]
    if lex.pair_gap.match(gap) and second.start > first.start:
        return True
    return bool(lex.mutual.search(c.text)) or carry.mutual and not c.entities


def _sided_drafts(c: Clause, lex: Lexicon, carry: _Carry, kinds: dict[str, list[NumberMention]],
                  flow: str) -> list[Draft]:
    """Growth rates, values and changes: the reporter's trade (with a partner, or in all)."""
    numbers = [(kind, n) for kind in ("growth", "value", "change") for n in kinds[kind]]
    sides = _trade_sides(c, lex, carry) if numbers else None
    if sides is None:
        return []
    rs, ps = sides
    listed = _listed([_attached_to(c, n, c.sentence) for _, n in numbers])
    respective = _respectively(c, rs, [n for _, n in numbers])
    out = []
    for kind, n in numbers:
        found = respective.get(id(n)) or _sides(n, c, _unlisted(rs, listed), ps, listed)
        if found is not None:
            out.append(_sided_draft(kind, n, c, lex, carry, found, flow))
    return out


_RESPECTIVELY = re.compile(r"\brespectively\b|(?<!\w)соответственно(?!\w)", re.IGNORECASE)


def _respectively(c: Clause, rs: list[Mention], numbers: list[NumberMention]
                  ) -> dict[int, tuple[Mention, Mention | None]]:
    """"Uzbekistan and Tajikistan … $260 million and $65 million, respectively": the n-th
    figure is the n-th country's (with the clause's partner); {} without "respectively" or
    when the counts differ."""
    if len(numbers) < 2 or not respectively(c.text):
        return {}
    reporters = _countries(_by_cue(c, Cue.REPORTER) + _by_cue(c, Cue.SUBJECT) or rs)
    if len(reporters) != len(numbers):
        return {}
    partner = next((p for p in _by_cue(c, Cue.PARTNER) if all(p is not r for r in reporters)),
                   None)
    return {id(n): (r, partner) for n, r in zip(numbers, reporters, strict=True)}


def _countries(ms: list[Mention]) -> list[Mention]:
    return sorted((m for m in ms if m.bloc is None), key=lambda m: m.start)


def respectively(text: str) -> bool:
    """Whether a clause pairs its lists in order ("respectively", "соответственно")."""
    return bool(_RESPECTIVELY.search(text))


def _sided_draft(kind: str, n: NumberMention, c: Clause, lex: Lexicon, carry: _Carry,
                 sides: tuple[Mention, Mention | None], flow: str) -> Draft:
    r, p = sides
    stated = n.stated if kind == "value" else _growth_stated(n, c, lex, carry.direction)
    return Draft(kind, r, p, c, stated, flow=flow, mutual=_mutual(c, lex, r, p, flow, carry),
                 scope=_scope(c, lex, r, p, carry.scope), number=n)


def _trade_sides(c: Clause, lex: Lexicon, carry: _Carry
                 ) -> tuple[list[Mention], list[Mention]] | None:
    """The reporters and partners of a clause speaking of trade (or of "it" after a trade
    sentence), or None: no trade, no reporter, or a partner phrase left unread ("trade
    between China and the countries of the region")."""
    if not c.flows and not (carry.topic and lex.anaphor.search(c.text)):
        return None
    rs, ps = _roles(c, "growth", carry)
    if not rs or (not ps and not _world_said(c, lex, rs[0], carry)):
        return None
    return rs, ps


def _world_said(c: Clause, lex: Lexicon, reporter: Mention, carry: _Carry) -> bool:
    """Whether a clause without a partner speaks of the reporter's trade in all: the
    reporter is named in it, or carried from a claim about its trade in all ("…, Kazakhstan's
    trade rose 4.5%. Exports fell by 6.6%"), and no partner phrase ("with …", "between … and",
    "с …", "mutual") is left unread. A dropped partner never turns into the reporter's total
    trade."""
    if reporter.bloc is not None:
        return True  # a bloc's own trade: its scope says which
    named = any(e.mention is reporter and not reporter.virtual for e in c.entities)
    unread = lex.partner_hint.search(c.text) or lex.mutual.search(c.text)
    return (named or carry.world) and not unread


def _sides(n: NumberMention, c: Clause, rs: list[Mention], ps: list[Mention],
           listed: list[Mention]) -> tuple[Mention, Mention | None] | None:
    """The reporter and partner a number goes with. A number right after a country in a list
    ("Kazakhstan (+$2.8 billion), Kyrgyzstan (+$2.9 billion)", "Узбекистан – 122,6 млн")
    belongs to that country, in the role its words give it, and the other side is never
    another country of the list (None when no other is named); of several partners ("с
    Украиной … на 57,5%, с Кыргызстаном – на 35,4%") the last named before it; else the
    first."""
    owner = _attached_to(c, n, c.sentence)
    if owner is not None:
        return _owned_sides(owner, rs, _unlisted(ps, listed), listed)
    if not rs:
        return None  # the reporter was a country of a list: a reporter unread
    before = [p for p in ps if p.end <= n.start]
    if len(ps) > 1 and before:
        return rs[0], before[-1]
    return rs[0], (ps[0] if ps else None)


def _owned_sides(owner: Entity, rs: list[Mention], ps: list[Mention], listed: list[Mention]
                 ) -> tuple[Mention, Mention | None] | None:
    """The sides of a number that follows a country: that country in its role, the other
    side from the rest of the clause."""
    if owner.cue is Cue.REPORTER:
        return owner.mention, _other(ps, owner.mention)
    if not rs:
        return None  # a list's country is never the reporter of another's figure
    if owner.mention is rs[0]:
        return rs[0], _other(ps, owner.mention)
    return rs[0], owner.mention


def _clause_drafts(c: Clause, lex: Lexicon, carry: _Carry) -> list[Draft]:
    if lex.product.search(c.text) or lex.volume.search(c.text):
        return []  # one product's trade (wheat exports), or tonnes, not the value of all goods
    kinds = _kinds(c, lex, carry)
    flow = _flow(c) or carry.flow or "turnover"
    out = _sided_drafts(c, lex, carry, kinds, flow) + _ranked_drafts(c, lex, carry, kinds, flow)
    out = _number_flows(c, lex, out)
    if _scoped(c, lex):  # "the leading partner within the EU": a rank inside a group
        out = [d for d in out if d.kind != "rank"]
        for d in out:
            d.rank = None
    return out


#: the flow a figure names right after it: "24% of exports", "47% of total imports",
#: "20% от общего экспорта", "в импорте"
_FLOW_AFTER = re.compile(
    r"\s{0,3}(?:of\s+(?:the\s+|its\s+|their\s+)?(?:total\s+|overall\s+)?|от\s+(?:общего\s+)?"
    r"|во?\s+(?:общем\s+)?)?(?P<flow>exports?|imports?|экспорт\w{0,3}|импорт\w{0,3})\b",
    re.IGNORECASE)


def _number_flows(c: Clause, lex: Lexicon, drafts: list[Draft]) -> list[Draft]:
    """In a clause naming both exports and imports, each figure's own flow: the one words
    right after it name ("24% of exports and 28% of imports"), else the one named between
    it and the figure before ("exports rose by 5% and imports by 3%"); a figure with neither
    is left unread (which flow is it?), not taken as turnover."""
    if not {"export", "import"} <= c.flows or "turnover" in c.flows:
        return drafts
    out = []
    for d in drafts:
        flow = _own_flow(c, lex, d.number) if d.number is not None else None
        if flow is None and d.flow == "turnover":
            continue
        d.flow = flow or d.flow
        out.append(d)
    return out


def _own_flow(c: Clause, lex: Lexicon, n: NumberMention) -> str | None:
    m = _FLOW_AFTER.match(c.sentence, n.end)
    if m is not None:
        return "export" if m["flow"].lower().startswith(("export", "экспорт")) else "import"
    start = max([c.start, *(x.end for x in c.numbers if x.end <= n.start)])
    flows = lex.trade_flows(c.sentence[start:n.start])
    return next(iter(flows)) if len(flows) == 1 and "turnover" not in flows else None


def _ranked_drafts(c: Clause, lex: Lexicon, carry: _Carry, kinds: dict[str, list[NumberMention]],
                   flow: str) -> list[Draft]:
    """Shares in a trade context; without a share or value, ranks (a rank beside a growth
    rate is its own claim)."""
    if kinds["share"]:
        context = bool(c.flows) or c.role_noun or carry.context
        return _share_drafts(c, lex, kinds["share"], carry, flow) if context else []
    return [] if kinds["value"] else _rank_drafts(c, carry, flow)


def _scoped(c: Clause, lex: Lexicon) -> bool:
    return any(e.mention.bloc is not None
               and lex.scope.search(c.sentence[max(0, e.start - 60):e.start])
               for e in c.entities)


# -- shares and ranks -----------------------------------------------------------------------------


def _valid_rank(c: Clause, carry: _Carry, mark: RankMark) -> bool:
    """A rank word counts with a partner, supplier or market noun, or as "second after X"."""
    return c.role_noun or carry.role_noun or mark.anchored


def _rank_before(c: Clause, pos: int, carry: _Carry) -> int | None:
    marks = [r for r in c.ranks if r.start < pos]
    if not marks or not _valid_rank(c, carry, marks[-1]):
        return None
    return marks[-1].rank


def _attached_draft(c: Clause, n: NumberMention, owner: Entity, rs: list[Mention],
                    ps: list[Mention], carry: _Carry, flow: str) -> Draft:
    r: Mention | None = owner.mention
    p: Mention | None = owner.mention
    if owner.cue is Cue.REPORTER:
        p = _other(ps, owner.mention)
    else:
        r = _other(rs, owner.mention)
    rank = _rank_before(c, owner.start, carry)
    if rank is None and not any(mark.start < owner.start for mark in c.ranks):
        rank = carry.rank  # the list goes on from the clause before
    return Draft("share", r, p, c, n.stated, rank, flow, number=n)


def _share_drafts(c: Clause, lex: Lexicon, shares: list[NumberMention], carry: _Carry,
                  flow: str) -> list[Draft]:
    text = c.sentence
    rs, ps = _roles(c, "share", carry)
    out = []
    loose = []
    owners = [_attached_to(c, n, text) for n in shares]
    listed = _listed(owners)
    for n, owner in zip(shares, owners, strict=True):
        if owner is None:
            loose.append(n)
        else:
            out.append(_attached_draft(c, n, owner, _unlisted(rs, listed),
                                       _unlisted(ps, listed), carry, flow))
    for n, r, p in (_pair(loose, _unlisted(rs, listed), ps) if loose else []):
        whose = _owner_after(c, n)
        if whose is not None:  # "30.6 percent of the nation's trade": whose trade it is
            r, p = whose, _other([*rs, *ps], whose) if p is None or p.code == whose.code else p
        elif _a_pair(c, lex, r, p):
            continue  # "trade between China and Kyrgyzstan accounted for 30.6%": of whose?
        out.append(Draft("share", r, p, c, n.stated, _rank_anywhere(c, carry), flow, number=n))
    return out


def _a_pair(c: Clause, lex: Lexicon, r: Mention | None, p: Mention | None) -> bool:
    """Whether two countries are named as a pair ("between A and B", "A and B")."""
    if r is None or p is None or r.bloc or p.bloc:
        return False
    first, second = sorted((r, p), key=lambda m: m.start)
    return first.end <= second.start and bool(lex.pair_gap.match(c.sentence[first.end:second.start]))


#: how far after a share "of" names whose trade it is ("30.6 percent of the nation's …")
OWNER_AFTER = 20


def _owner_after(c: Clause, n: NumberMention) -> Mention | None:
    for e in c.entities:
        gap = c.sentence[n.end:e.start]
        if 0 <= e.start - n.end <= OWNER_AFTER and e.cue is Cue.REPORTER \
                and _OF.match(gap):
            return e.mention
    return None


_OF = re.compile(r"(?<!\s)\s{0,5}(?:of|от|в)\s{1,5}(?:the\s{1,5})?(?:\w{1,20}\s{1,5})?\Z",
                 re.IGNORECASE)


def _rank_anywhere(c: Clause, carry: _Carry) -> int | None:
    valid = [r for r in c.ranks if _valid_rank(c, carry, r) or r.rank is None]
    return valid[0].rank if valid else None


def _listed(owners: list[Entity | None]) -> list[Mention]:
    """The countries of a list ("China (20.5%), Russia (17.8%) …"): two or more, each with
    its own number. They are all on one side: none is the other side of another's figure."""
    found = [o.mention for o in owners if o is not None]
    return found if len(found) > 1 else []


def _unlisted(side: list[Mention], listed: list[Mention]) -> list[Mention]:
    return [m for m in side if not any(m is x for x in listed)]


def _other(candidates: list[Mention], not_this: Mention) -> Mention | None:
    return next((m for m in candidates if m is not not_this), None)


def _first(ms: list[Mention]) -> Mention | None:
    return ms[0] if ms else None


def _pair(numbers: list[NumberMention], rs: list[Mention], ps: list[Mention]
          ) -> list[tuple[NumberMention, Mention | None, Mention | None]]:
    if len(numbers) > 1 and len(rs) == len(numbers):
        return [(n, r, _first(ps)) for n, r in zip(numbers, rs, strict=True)]
    if len(numbers) > 1 and len(ps) == len(numbers):
        return [(n, _first(rs), p) for n, p in zip(numbers, ps, strict=True)]
    return [(numbers[0], _first(rs), _first(ps))]


def _attached_to(c: Clause, n: NumberMention, text: str) -> Entity | None:
    """The country a number follows directly: ``Belarus (52.7%)``, ``Беларусь — 52,7%``,
    also after the country's other figure: ``Uzbekistan ($13.7 billion, 14.5 percent)``,
    ``Узбекистан – 122,6 млн долларов (10,4%)``."""
    before = [e for e in c.entities if e.mention.end <= n.start]
    if not before:
        return None
    e = before[-1]
    if e.mention.possessive or e.cue is Cue.IGNORE:
        return None
    start = _figures_start(c, e, n, text)
    return e if start is not None and _ATTACHED.match(text[e.mention.end:start]) else None


def _figures_start(c: Clause, e: Entity, n: NumberMention, text: str) -> int | None:
    """Where the figures after a country begin: at ``n``, or at the one figure before it
    ("$13.7 billion, 14.5 percent"); None when more stands between."""
    between = [m for m in c.numbers if e.mention.end <= m.start and m.end <= n.start]
    if not between:
        return n.start
    if len(between) == 1 and _SECOND_FIGURE.match(text[between[0].end:n.start]):
        return between[0].start
    return None


def _rank_drafts(c: Clause, carry: _Carry, flow: str) -> list[Draft]:
    marks = [r for r in c.ranks if _valid_rank(c, carry, r)]
    if not marks or marks[0].rank is None:
        return []
    rs, ps = _roles(c, "rank", carry)
    if not ps:
        return []
    role = Role.SUPPLIER if c.supplier else Role.MARKET if c.market else None
    return [Draft("rank", r, ps[0], c, None, _rank_before(c, r.start, carry) or marks[0].rank,
                  flow, role) for r in rs]


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


def _code(m: Mention | None) -> str | None:
    return m.code if m is not None else None


def _same_pair(a: Draft, b: Draft) -> bool:
    return _code(a.reporter) == _code(b.reporter) and _code(a.partner) == _code(b.partner)
