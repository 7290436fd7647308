"""Trade blocs with dated membership: the CIS, the EAEU, the EU and the euro area.

A :class:`Bloc` is a list of :class:`Membership` intervals, each with its status and the
source (treaty, official notice) that fixes it; ``blocs.toml`` holds them, with notes as
comments. Two kinds of blocs, kept apart on purpose:

* **Dated** blocs (``CIS``, ``EAEU``, ``EU``, ``EA``): the members on a date are those
  whose interval covers it. ``EU`` is the Union as it was: the United Kingdom until
  2020-01-31, Croatia from 2013-07-01.
* **Fixed compositions** (``EU27``, ``EU28``, ``EA20``): Eurostat's aggregates such as
  EU27_2020 add the same countries for every period, so every listed country counts at
  every date (``members("EU27", on=date(2010, 1, 1))`` includes Croatia, never the UK).

Derived blocs reuse another bloc's intervals: ``CIS-RUS`` is the CIS without Russia; ``CIS11``
is the CIS as national trade statistics still group it (Ukraine kept after 2018, Georgia
not counted), because publishers' group rows follow their own definitions.

Choices recorded in ``blocs.toml``: Azerbaijan and Moldova count from the Alma-Ata Protocol
(1991-12-21) although they ratified in 1993 and 1994, as trade statistics do; Ukraine is a
``participant`` (it never ratified the Charter) until 2018-05-19; Turkmenistan a
``member`` to 2005-08-25, then an ``associate``; Georgia a member 1993-12-03 to 2009-08-17.
Pass ``statuses=("member",)`` to count full members only.

``members(on=…)`` gives the members on a day (today by default); ``members(during=…)``
gives every country that was a member **at any time** during the period (so a bloc share
over 2009 counts Georgia, which left in August): requiring membership for the whole range
would drop members that joined or left within it.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

from cistrade.errors import InputError, UnknownBloc
from cistrade.model import Period, PeriodRange
from cistrade.reference.names import normalise

__all__ = ["Membership", "Bloc", "bloc", "blocs", "members", "STATUSES"]

STATUSES = ("member", "associate", "participant")


@dataclass(frozen=True)
class Membership:
    """One interval of one country's membership; ``end`` is the last day (inclusive)."""

    member: str
    start: date | None
    end: date | None
    status: str
    source: str

    def overlaps(self, first: date, last: date) -> bool:
        return (self.start is None or self.start <= last) and (self.end is None or first <= self.end)


@dataclass(frozen=True)
class Bloc:
    id: str
    name_en: str
    name_ru: str
    aliases: tuple[str, ...]
    memberships: tuple[Membership, ...]
    founded: date | None = None
    group_code: str | None = None

    def members(
        self,
        on: date | None = None,
        during: PeriodRange | Period | str | None = None,
        statuses: Iterable[str] = STATUSES,
    ) -> list[str]:
        """Sorted member codes on a day, or at any time ``during`` a period (default: today)."""
        first, last = _window(on, during)
        keep = _statuses(statuses)
        return sorted({m.member for m in self.memberships if m.status in keep and m.overlaps(first, last)})

    def status(self, code: str, on: date | None = None) -> str | None:
        """The member's status on a day (today by default), or None when not in the bloc."""
        day = on or date.today()
        for m in self.memberships:
            if m.member == code and m.overlaps(day, day):
                return m.status
        return None


def _window(on: date | None, during: PeriodRange | Period | str | None) -> tuple[date, date]:
    if on is not None and during is not None:
        raise InputError("give either on= (a day) or during= (a period), not both")
    if during is not None:
        rng = PeriodRange.parse(during)
        return rng.first_day, rng.last_day
    day = on or date.today()
    return day, day


def _statuses(statuses: Iterable[str]) -> set[str]:
    keep = {statuses} if isinstance(statuses, str) else set(statuses)
    unknown = keep - set(STATUSES)
    if unknown:
        raise InputError(f"unknown membership status {sorted(unknown)}; known: {', '.join(STATUSES)}")
    return keep


# -- loading ---------------------------------------------------------------------------------


def _membership(entry: dict[str, Any], bloc_id: str) -> Membership:
    m = Membership(
        member=entry["member"], start=entry.get("start"), end=entry.get("end"),
        status=entry.get("status", "member"), source=str(entry.get("source", "")).strip(),
    )
    if m.status not in STATUSES or not m.source:
        raise InputError(f"blocs.toml: {bloc_id}/{m.member}: bad status or empty source")
    if m.start and m.end and m.end < m.start:
        raise InputError(f"blocs.toml: {bloc_id}/{m.member}: ends before it starts")
    return m


def _memberships(bloc_id: str, spec: dict[str, Any], built: dict[str, Bloc]) -> tuple[Membership, ...]:
    out: list[Membership] = []
    if "base" in spec:
        drop = set(spec.get("exclude", ()))
        out += [m for m in built[spec["base"]].memberships if m.member not in drop]
    source = spec.get("composition_source", "")
    out += [_membership({"member": c, "source": source}, bloc_id) for c in spec.get("composition", ())]
    out += [_membership(e, bloc_id) for e in spec.get("members", ())]
    return tuple(out)


def _parse(data: dict[str, Any]) -> dict[str, Bloc]:
    built: dict[str, Bloc] = {}
    for bloc_id, spec in data.items():  # a base bloc comes before the blocs derived from it
        base = built.get(spec.get("base", ""))
        built[bloc_id] = Bloc(
            id=bloc_id,
            name_en=spec["name_en"],
            name_ru=spec["name_ru"],
            aliases=tuple(spec.get("aliases", ())),
            memberships=_memberships(bloc_id, spec, built),
            founded=spec.get("founded", base.founded if base else None),
            group_code=spec.get("group_code"),
        )
    return built


@functools.cache
def _all() -> dict[str, Bloc]:
    text = resources.files("cistrade.reference").joinpath("blocs.toml").read_text("utf-8")
    return _parse(tomllib.loads(text))


@functools.cache
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for b in _all().values():
        for name in (b.id, b.name_en, b.name_ru, *b.aliases, b.group_code or ""):
            key = normalise(name)
            if key and index.setdefault(key, b.id) != b.id:
                raise InputError(f"blocs.toml: {name!r} names both {index[key]} and {b.id}")
    return index


# -- public ----------------------------------------------------------------------------------


def blocs() -> list[Bloc]:
    """Every bloc, in the order of ``blocs.toml``."""
    return list(_all().values())


def bloc(name: str | Bloc) -> Bloc:
    """A bloc by id, alias or group-row code, in any case (``"cis"``, ``"СНГ"``, ``"G:EU"``)."""
    return _resolve(name)


def _resolve(name: str | Bloc) -> Bloc:
    if isinstance(name, Bloc):
        return name
    found = _index().get(normalise(str(name)))
    if found is None:
        raise UnknownBloc(str(name), list(_all()))
    return _all()[found]


def members(
    bloc: str | Bloc,  # noqa: F811 - the contract's parameter name
    on: date | None = None,
    during: PeriodRange | Period | str | None = None,
    statuses: Iterable[str] = STATUSES,
) -> list[str]:
    """``bloc(bloc).members(on=…, during=…, statuses=…)``: see :meth:`Bloc.members`."""
    return _resolve(bloc).members(on=on, during=during, statuses=statuses)
