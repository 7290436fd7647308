"""Reading indicator arguments: countries, blocs, periods and flows, by name or code.

Countries go through the registry (``"Kazakhstan"``, ``"Казахстан"``, ``"KZ"``, ``"398"``,
``"KAZ"`` are one area); blocs through :mod:`cistrade.reference.blocs` (``"CIS"``, ``"СНГ"``,
``"G:CIS"``); periods through :class:`cistrade.model.PeriodRange` (``2024``, ``2024-Q3``,
``2024-09``, ``2024-01..2024-09``). ``"*"`` (or a list) asks for every reporter or partner at
once, which the batch callers (dashboard, benchmark) use.
"""

from __future__ import annotations

import functools
from collections.abc import Hashable, Iterable
from enum import StrEnum
from typing import TYPE_CHECKING

from cistrade.errors import InputError, UnknownBloc, UnknownCountry, _cut
from cistrade.model import Flow, Period, PeriodRange, TradeFlow

if TYPE_CHECKING:  # pragma: no cover
    from cistrade.reference.blocs import Bloc
    from cistrade.reference.countries import Registry

__all__ = [
    "ALL",
    "BOTH_FLOWS",
    "area_code",
    "area_name",
    "rankable_codes",
    "unranked_codes",
    "period_range",
    "trade_flow",
    "flows_of",
    "reporter_codes",
    "resolve_partner",
    "resolve_bloc",
    "Partner",
    "PartnerKind",
    "Reporters",
    "PeriodLike",
    "FlowLike",
    "is_batch",
    "reporter_key",
]

ALL = "*"
#: the stored flows turnover adds up (as the ``flows`` table holds them)
BOTH_FLOWS = (Flow.EXPORT.value, Flow.IMPORT.value)


def _registry() -> Registry:
    # imported at the first look-up, not with this module: the CLI starts without it
    from cistrade.reference.countries import registry

    return registry()

#: a reporter argument: a name or code, ``"*"`` (every reporter with data), or several
Reporters = str | list[str] | tuple[str, ...] | set[str] | frozenset[str]
#: a period argument: ``2024``, ``2024-Q3``, ``2024-09``, ``2024-01..2024-09`` or parsed
PeriodLike = str | int | Period | PeriodRange
#: a flow argument: ``turnover``, ``export``, ``import`` (or ``exports``, ``x`` …)
FlowLike = TradeFlow | str


def area_code(name_or_code: str | int) -> str:
    """The registry code of a country, pseudo-area or group row."""
    if isinstance(name_or_code, str) and name_or_code.strip() == "":
        raise InputError("no country given")
    return _registry().lookup(name_or_code).code


@functools.lru_cache(maxsize=4096)
def area_name(code: str) -> str:
    try:
        return _registry().get(code).name_en
    except (KeyError, UnknownCountry, InputError):
        return code


@functools.cache
def rankable_codes() -> frozenset[str]:
    """Codes of the areas ranked as partners: countries, current or historical."""
    return frozenset(a.code for a in _registry() if a.rankable)


@functools.cache
def unranked_codes() -> frozenset[str]:
    """Codes never ranked: World, pseudo-areas, group rows (a short list; every stored code
    is a registry code, so a partner is ranked exactly when it is not one of these)."""
    return frozenset(a.code for a in _registry() if not a.rankable)


def period_range(period: PeriodLike | None) -> PeriodRange:
    if period is None or (isinstance(period, str) and not period.strip()):
        raise InputError("no period given (e.g. 2024, 2024-Q3, 2024-01..2024-09)")
    return PeriodRange.parse(period if not isinstance(period, int) else str(period))


def trade_flow(flow: FlowLike) -> TradeFlow:
    text = (flow.value if isinstance(flow, TradeFlow) else str(flow)).strip().lower()
    aliases = {"exports": "export", "imports": "import", "x": "export", "m": "import",
               "total": "turnover", "trade": "turnover"}
    text = aliases.get(text, text)
    try:
        return TradeFlow(text)
    except ValueError:
        raise InputError(f"unknown flow {_cut(str(flow))!r}; one of turnover, export, import") from None


def flows_of(flow: TradeFlow) -> tuple[str, ...]:
    """The stored flows an indicator flow adds up (re-exports are never added in)."""
    return BOTH_FLOWS if flow is TradeFlow.TURNOVER else (flow.value,)


def is_batch(reporter: Reporters) -> bool:
    """Whether the argument asks for several reporters (``"*"`` or a collection)."""
    return not isinstance(reporter, str) or reporter.strip() == ALL


def reporter_codes(reporter: Reporters, available: Iterable[str]) -> list[str]:
    """``"*"``: every reporter with data; a list: each resolved; else the one reporter."""
    if isinstance(reporter, str):
        return sorted(available) if reporter.strip() == ALL else [area_code(reporter)]
    return sorted({area_code(r) for r in reporter})


def reporter_key(reporter: Reporters) -> Hashable:
    """A hashable form of a reporter argument, for prepared-query keys (resolving each name:
    an unknown one is an error before any planning)."""
    if not isinstance(reporter, str):
        return tuple(sorted(area_code(r) for r in reporter))
    return ALL if reporter.strip() == ALL else area_code(reporter)


class PartnerKind(StrEnum):
    """What a partner argument names."""

    WORLD = "world"
    ALL = "all"
    COUNTRY = "country"
    BLOC = "bloc"


class Partner:
    """A partner argument: the world (None), every partner (``"*"``), a country, or a bloc."""

    def __init__(self, kind: PartnerKind, code: str | None = None, bloc: Bloc | None = None
                 ) -> None:
        self.kind = kind
        self.code = code
        self.bloc = bloc
        self.members: list[str] | None = None  # a bloc's members for the range, once known

    def label(self) -> str:
        if self.kind is PartnerKind.WORLD:
            return "WLD"
        if self.kind is PartnerKind.ALL:
            return ALL
        return self.bloc.id if self.bloc is not None else str(self.code)

    def __repr__(self) -> str:
        return f"Partner({self.kind.value}, {self.label()})"


def resolve_bloc(name: str | Bloc) -> Bloc:
    """A bloc by name or code (``CIS``, ``СНГ``, ``G:CIS``); :class:`UnknownBloc` otherwise."""
    from cistrade.reference.blocs import bloc  # at first use: the CLI starts without it

    return bloc(name)


def resolve_partner(partner: str | None, *, allow_bloc: bool = True) -> Partner:
    """None → the world; ``"*"`` → every partner; a bloc name → the bloc; else a country."""
    if partner is None:
        return Partner(PartnerKind.WORLD, "WLD")
    if partner.strip() == ALL:
        return Partner(PartnerKind.ALL)
    if allow_bloc:
        try:
            b = resolve_bloc(partner)
        except UnknownBloc:
            b = None
        if b is not None:
            return Partner(PartnerKind.BLOC, b.group_code, bloc=b)
    code = area_code(partner)
    if code == "WLD":
        return Partner(PartnerKind.WORLD, "WLD")
    return Partner(PartnerKind.COUNTRY, code)

