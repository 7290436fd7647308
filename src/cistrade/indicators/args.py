"""Reading indicator arguments: countries, blocs, periods and flows, by name or code.

Countries go through the registry (``"Kazakhstan"``, ``"Казахстан"``, ``"KZ"``, ``"398"``,
``"KAZ"`` are one area); blocs through :mod:`cistrade.reference.blocs` (``"CIS"``, ``"СНГ"``,
``"G:CIS"``); periods through :class:`cistrade.model.PeriodRange` (``2024``, ``2024-Q3``,
``2024-09``, ``2024-01..2024-09``). ``"*"`` (or a list) asks for every reporter or partner at
once, which the batch callers (dashboard, benchmark) use.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from cistrade.errors import InputError, UnknownBloc, UnknownCountry, _cut
from cistrade.model import PeriodRange, TradeFlow

__all__ = [
    "ALL",
    "area_code",
    "area_name",
    "rankable_codes",
    "unranked_codes",
    "period_range",
    "trade_flow",
    "flows_of",
    "reporter_codes",
    "resolve_partner",
    "Partner",
]

ALL = "*"


def area_code(name_or_code: Any) -> str:
    """The registry code of a country, pseudo-area or group row."""
    from cistrade.reference.countries import registry

    if isinstance(name_or_code, str) and name_or_code.strip() == "":
        raise InputError("no country given")
    return registry().lookup(name_or_code).code


@functools.lru_cache(maxsize=4096)
def area_name(code: str) -> str:
    from cistrade.reference.countries import registry

    try:
        return registry().get(code).name_en
    except (KeyError, UnknownCountry, InputError):
        return code


@functools.cache
def rankable_codes() -> frozenset[str]:
    """Codes of the areas ranked as partners: countries, current or historical."""
    from cistrade.reference.countries import registry

    return frozenset(a.code for a in registry() if a.rankable)


@functools.cache
def unranked_codes() -> frozenset[str]:
    """Codes never ranked: World, pseudo-areas, group rows (a short list; every stored code
    is a registry code, so a partner is ranked exactly when it is not one of these)."""
    from cistrade.reference.countries import registry

    return frozenset(a.code for a in registry() if not a.rankable)


def period_range(period: Any) -> PeriodRange:
    if period is None or (isinstance(period, str) and not period.strip()):
        raise InputError("no period given (e.g. 2024, 2024-Q3, 2024-01..2024-09)")
    return PeriodRange.parse(period)


def trade_flow(flow: Any) -> TradeFlow:
    text = str(getattr(flow, "value", flow)).strip().lower()
    aliases = {"exports": "export", "imports": "import", "x": "export", "m": "import",
               "total": "turnover", "trade": "turnover"}
    text = aliases.get(text, text)
    try:
        return TradeFlow(text)
    except ValueError:
        raise InputError(f"unknown flow {_cut(str(flow))!r}; one of turnover, export, import") from None


def flows_of(flow: TradeFlow) -> tuple[str, ...]:
    """The stored flows an indicator flow adds up (re-exports are never added in)."""
    return ("export", "import") if flow is TradeFlow.TURNOVER else (flow.value,)


def reporter_codes(reporter: Any, available: Iterable[str]) -> list[str]:
    """``"*"``: every reporter with data; a list: each resolved; else the one reporter."""
    if isinstance(reporter, str) and reporter.strip() == ALL:
        return sorted(available)
    if isinstance(reporter, list | tuple | set | frozenset):
        return sorted({area_code(r) for r in reporter})
    return [area_code(reporter)]


class Partner:
    """A partner argument: the world (None), every partner (``"*"``), a country, or a bloc."""

    def __init__(self, kind: str, code: str | None = None, bloc: Any = None) -> None:
        self.kind = kind  # "world" | "all" | "country" | "bloc"
        self.code = code
        self.bloc = bloc
        self.members: list[str] | None = None  # a bloc's members for the range, once known

    def label(self) -> str:
        return {"world": "WLD", "all": ALL}.get(self.kind) or (
            self.bloc.id if self.kind == "bloc" else str(self.code))

    def __repr__(self) -> str:
        return f"Partner({self.kind}, {self.label()})"


def resolve_partner(partner: Any, *, allow_bloc: bool = True) -> Partner:
    """None → the world; ``"*"`` → every partner; a bloc name → the bloc; else a country."""
    if partner is None:
        return Partner("world", "WLD")
    if isinstance(partner, str) and partner.strip() == ALL:
        return Partner("all")
    from cistrade.reference import blocs

    if allow_bloc:
        try:
            b = blocs.bloc(partner)
        except UnknownBloc:
            b = None
        if b is not None:
            return Partner("bloc", b.group_code, bloc=b)
    code = area_code(partner)
    if code == "WLD":
        return Partner("world", "WLD")
    return Partner("country", code)

