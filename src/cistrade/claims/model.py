"""What a claim is: the statement a text makes about trade, in checkable form.

A :class:`Claim` names an indicator (:class:`ClaimKind`), who reports the trade, the partner
country or bloc, the flow (turnover unless the text says exports or imports), the period, the
value as stated (:class:`Stated`: the number with the interval its wording allows) and the
rank, plus where in the text it was found.

Stated values are in percent: a share of 41.1% is ``Stated(41.1, low=41.05, high=41.15)``; a
growth of "over 11%" is ``Stated(11, low=11, high=None, bound=OVER)``; a fall "by 5%" is
``Stated(-5, low=-5.5, high=-4.5)``. The interval each wording allows:

============================  ======================================================
wording                       interval
============================  ======================================================
``41.1%``, ``18%``             half a unit of the last digit either side (41.05–41.15)
``over/more than/above X``     ``> X`` (``more than doubled``: growth > 100%)
``at least/not less than X``   ``≥ X``
``under/less than/below X``    ``< X``
``nearly/almost/just under X`` ``0.9·X .. X`` (``nearly a fifth``: 18–20%)
``about/around/some X``        ``X ± 5%`` of X, at least the precision interval
``a third``, ``a quarter``     ``X ± 5%`` of X (fractions are round figures)
============================  ======================================================

For a fall ("decreased by over 5%") the interval is mirrored (``< −5``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from cistrade.model import PeriodRange, TradeFlow

__all__ = ["ClaimKind", "Bound", "Role", "Scope", "Stated", "Claim", "amount_text"]


class ClaimKind(StrEnum):
    """Which indicator a claim is about."""

    SHARE = "share"  # a partner's share of a reporter's trade (with its rank when stated)
    RANK = "rank"  # a partner's rank among a reporter's partners, no share stated
    BLOC_SHARE = "bloc_share"  # a bloc's share of a reporter's trade
    GROWTH = "growth"  # change of trade against the same months a year earlier
    ROLE = "role"  # largest supplier to / market of a group of countries
    VALUE = "value"  # the amount of a reporter's trade (with a partner or bloc, or in all)
    CHANGE = "change"  # the change of that amount against a base ("rose by $2 billion")
    ADVANTAGE = "advantage"  # a revealed comparative advantage of the reporter in a product
    COMPLEMENTARITY = "complementarity"  # the reporter's exports fit the partner's imports


class Scope(StrEnum):
    """A bloc's own trade, for a claim about a bloc without a reporter."""

    WITHIN = "within"  # among the bloc's members ("mutual trade of EAEU countries")
    EXTERNAL = "external"  # the members' trade with the rest of the world ("third countries")


class Bound(StrEnum):
    """How the stated number bounds the true one."""

    EXACT = "exact"  # within the precision of the printed digits
    OVER = "over"
    AT_LEAST = "at_least"
    UNDER = "under"
    AT_MOST = "at_most"
    ABOUT = "about"
    ALMOST = "almost"  # just under


class Role(StrEnum):
    SUPPLIER = "supplier"  # the members' imports from the partner
    MARKET = "market"  # the members' exports to the partner


_SYMBOL = {
    Bound.OVER: ">",
    Bound.AT_LEAST: "≥",
    Bound.UNDER: "<",
    Bound.AT_MOST: "≤",
    Bound.ABOUT: "≈",
    Bound.ALMOST: "≲",
    Bound.EXACT: "",
}


@dataclass(frozen=True)
class Stated:
    """A stated percentage and the interval ``low..high`` its wording allows (None: open).

    With a ``unit`` (a currency code: ``USD``, ``EUR``, ``RUB``) it is an amount instead, in
    whole units of that currency: "$27 billion" is ``Stated(27e9, 26.5e9, 27.5e9,
    unit="USD")``.
    """

    value: float
    low: float | None
    high: float | None
    bound: Bound = Bound.EXACT
    text: str = ""
    unit: str | None = None

    @classmethod
    def of(cls, value: float, bound: Bound | str = Bound.EXACT, *, decimals: int = 0,
           text: str = "", fraction: bool = False) -> Stated:
        """The interval for ``value`` (percent, positive magnitude) stated with ``bound``."""
        bound = Bound(bound)
        half = 0.5 * 10 ** (-decimals)
        if fraction:
            half = max(half, abs(value) * 0.05)
        low, high = _interval(value, bound, half)
        return cls(float(value), _round(low), _round(high), bound, text)

    def negated(self) -> Stated:
        """The same wording for a fall: ``by over 5%`` becomes ``< −5``."""
        low = None if self.high is None else -self.high
        high = None if self.low is None else -self.low
        return replace(self, value=-self.value, low=low, high=high)

    def contains(self, x: float) -> bool:
        """Whether the true value ``x`` (percent) agrees with the statement."""
        if self.bound in (Bound.OVER, Bound.UNDER) and x == self.value:
            return False  # "over 11%" excludes 11% itself
        if self.low is not None and x < self.low:
            return False
        return not (self.high is not None and x > self.high)

    def distance(self, x: float) -> float:
        """How far ``x`` lies outside the interval (0 inside), in percentage points."""
        if self.contains(x):
            return 0.0
        if self.low is not None and x <= self.low:
            return self.low - x
        if self.high is not None and x >= self.high:
            return x - self.high
        return 0.0

    def signed_difference(self, x: float) -> float:
        """``x`` minus the nearest edge of the interval (0 inside): positive when above."""
        if self.contains(x):
            return 0.0
        if self.low is not None and x <= self.low:
            return x - self.low
        return x - (self.high if self.high is not None else x)

    def label(self) -> str:
        """``41.1%``, ``>11%``, ``≈20%``; an amount ``27 bn USD``, ``>1.5 bn EUR``."""
        if self.unit:
            return f"{_SYMBOL[self.bound]}{amount_text(self.value, self.unit)}"
        return f"{_SYMBOL[self.bound]}{_fmt(self.value)}%"

    def scaled(self, factor: float, unit: str) -> Stated:
        """The same statement in ``factor`` times the units (27 → 27e9), as an amount."""
        return replace(self, value=self.value * factor,
                       low=None if self.low is None else _round(self.low * factor),
                       high=None if self.high is None else _round(self.high * factor),
                       unit=unit)

    def to_dict(self) -> dict[str, Any]:
        out = {"value": self.value, "low": self.low, "high": self.high,
               "bound": self.bound.value, "text": self.text or self.label()}
        if self.unit:
            out["unit"] = self.unit
        return out


def amount_text(value: float, unit: str) -> str:
    """``27.05 bn USD``, ``812.3 m EUR``: an amount in the largest scale below it."""
    for scale, name in ((1e12, "tn"), (1e9, "bn"), (1e6, "m")):
        if abs(value) >= scale:
            return f"{_fmt(round(value / scale, 2))} {name} {unit}"
    return f"{_fmt(round(value, 2))} {unit}"


def _interval(value: float, bound: Bound, half: float) -> tuple[float | None, float | None]:
    if bound is Bound.EXACT:
        return value - half, value + half
    if bound in (Bound.OVER, Bound.AT_LEAST):
        return value, None
    if bound in (Bound.UNDER, Bound.AT_MOST):
        return None, value
    if bound is Bound.ALMOST:
        return value - abs(value) * 0.1, value
    width = max(half, abs(value) * 0.05)
    return value - width, value + width


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 9)


def _fmt(x: float) -> str:
    if math.isclose(x, round(x)):
        return str(int(round(x)))
    return f"{x:.2f}".rstrip("0").rstrip(".")


@dataclass
class Claim:
    """One checkable statement about trade.

    ``reporter`` and ``partner`` are registry codes (ISO3); ``bloc`` a bloc id (``CIS``,
    ``EAEU``, ``EU``). For a ``role`` claim ("Russia is the largest supplier to CIS
    countries") ``partner`` is the supplier or market, ``bloc`` the group and ``reporter`` is
    None. ``mutual``: trade *between* the reporter and the partner ("trade between Russia and
    Uzbekistan"), which either side's figures measure. ``scope``: a bloc's own trade (no
    reporter): among its members or with the rest of the world. ``base``: the period a growth
    rate or change is measured from when it is not the same months a year earlier ("from 2015
    to 2022"). ``period`` None means the text does not say (a hand-written claim: the latest
    data); ``period_note`` says where the period came from when the sentence does not state
    it. ``start``/``end`` are offsets of the sentence in the source text.
    """

    kind: ClaimKind
    reporter: str | None = None
    partner: str | None = None
    bloc: str | None = None
    flow: TradeFlow = TradeFlow.TURNOVER
    period: PeriodRange | None = None
    stated: Stated | None = None
    rank: int | None = None
    role: Role | None = None
    text: str = ""
    start: int | None = None
    end: int | None = None
    period_note: str | None = None
    lang: str | None = None
    notes: list[str] = field(default_factory=list)
    mutual: bool = False
    scope: Scope | None = None
    base: PeriodRange | None = None
    #: an advantage claim's product, as the text words it ("wheat", "HS 1001"): resolved to
    #: HS codes through the publisher's nomenclature only when the claim is checked
    product: str | None = None
    #: a complementarity claim's comparison ("more than with China"): the other importer
    versus: str | None = None

    def key(self) -> tuple[Any, ...]:
        """What two claims must share to be the same claim: kind, reporter, partner, bloc,
        period, stated value (number and bound) and rank — a strengths claim also its
        product, comparison and direction (the benchmark's strict match,
        :func:`cistrade.claims.evaluate.same_claim`, also compares scope, base, currency and
        takes a mutual pair in either order)."""
        stated = None
        if self.stated is not None:
            stated = (round(self.stated.value, 2), self.stated.bound.value)
        strength = (self.product, self.versus, self.mutual) if self.kind in (
            ClaimKind.ADVANTAGE, ClaimKind.COMPLEMENTARITY) else ()  # what they are about
        return (self.kind.value, self.reporter, self.partner, self.bloc,
                str(self.period) if self.period else None, stated, self.rank, *strength)

    @property
    def counterpart(self) -> str | None:
        """The partner country or, failing that, the bloc."""
        return self.partner or self.bloc

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "kind": self.kind.value,
            "reporter": self.reporter,
            "partner": self.partner,
            "bloc": self.bloc,
            "flow": self.flow.value,
            "period": str(self.period) if self.period else None,
            "period_note": self.period_note,
            "stated": self.stated.to_dict() if self.stated else None,
            "rank": self.rank,
            "role": self.role.value if self.role else None,
            "mutual": self.mutual,
            "scope": self.scope.value if self.scope else None,
            "base": str(self.base) if self.base else None,
            "span": [self.start, self.end] if self.start is not None else None,
            "lang": self.lang,
            "notes": list(self.notes),
            "product": self.product,
            "versus": self.versus,
        }

    def describe(self) -> str:
        """A one-line summary: ``share RUS in ARM turnover 2024-01..2024-09 = 41.1% (rank 1)``."""
        parts = [self.kind.value, self._who(), str(self.period) if self.period else "latest"]
        if self.base is not None:
            parts.append(f"(from {self.base})")
        if self.stated is not None:
            parts.append(f"= {self.stated.label()}")
        if self.rank is not None:
            parts.append(f"(rank {self.rank})")
        return " ".join(parts)

    def strength_who(self) -> str:
        """``KAZ in wheat``, ``KAZ exports with RUS imports vs CHN``."""
        if self.kind is ClaimKind.ADVANTAGE:
            return f"{self.reporter} in {self.product}"
        versus = f" vs {self.versus}" if self.versus else ""
        if self.mutual:
            return f"{self.reporter} and {self.counterpart} (both ways){versus}"
        return f"{self.reporter} exports with {self.counterpart} imports{versus}"

    def _who(self) -> str:
        if self.kind in (ClaimKind.ADVANTAGE, ClaimKind.COMPLEMENTARITY):
            return self.strength_who()
        if self.scope is not None:
            return f"{self.bloc} {self.scope.value} {self.flow}"
        if self.kind is ClaimKind.ROLE:
            return f"{self.partner} as {self.role or 'supplier'} of {self.bloc}"
        if self.kind is ClaimKind.BLOC_SHARE:
            return f"{self.bloc} in {self.reporter} {self.flow}"
        if self.kind in (ClaimKind.GROWTH, ClaimKind.VALUE, ClaimKind.CHANGE):
            link = "and" if self.mutual else "with"
            return f"{self.reporter} {self.flow} {link} {self.counterpart or 'world'}"
        return f"{self.partner or self.bloc} in {self.reporter} {self.flow}"
