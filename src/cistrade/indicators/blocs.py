"""A bloc's share of a reporter's trade, from its members or the publisher's group row.

The members are those of the bloc at any time during the range
(:meth:`cistrade.reference.blocs.Bloc.members` with ``during=``); a reporter inside the bloc
is left out of it (its trade with "the CIS" is with the other members). Two ways to the
bloc's figure, chosen per candidate selection in the usual preference order:

* **members** — when the publisher's country detail covers the bloc: every member appears
  among its partners, or the table is the reporter's whole trade (it lists at least
  :data:`~cistrade.indicators.select.MIN_COMPLETE_PARTNERS` countries), so an absent member
  traded nothing. The bloc's value is the sum over the members in force.
* **published group row** — otherwise, when the same data prints a row for the group
  (Russia's customs table lists six CIS countries beside its CIS total, ``G:CIS``): that
  figure, which follows the publisher's own definition of the group.

A candidate offering neither is passed over (FTS's table of 29 main partners shows 13 of the
28 EU members and no EU row: no EU figure from it); when none offers either,
:class:`NoData` names the members the detail lacks. The total is the one every indicator
uses (:mod:`cistrade.indicators.share`); the query's ``coverage`` names, per reporter, the
method, the total's basis and the members missing (``members_missing``).
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cistrade.errors import NoData
from cistrade.indicators.args import (
    ALL,
    area_code,
    area_name,
    flows_of,
    period_range,
    reporter_codes,
    trade_flow,
)
from cistrade.indicators.frame import base, has_world, select_rows
from cistrade.indicators.measures import (
    group_values,
    partner_values,
    totals,
    with_share,
    with_totals,
)
from cistrade.indicators.provenance import (
    datasets_of,
    missing_note,
    plan_datasets,
    plan_notes,
    plans_query,
)
from cistrade.indicators.result import Result
from cistrade.indicators.select import Plan, candidates, check_source, no_data
from cistrade.indicators.share import reporter_key
from cistrade.model import PeriodRange

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir

    from cistrade.indicators.engine import Engine

__all__ = ["bloc_share", "BlocChoice", "choose_bloc_plans", "bloc_table", "resolve_bloc"]

MEMBERS = "members"
GROUP = "published group row"


@dataclass(frozen=True)
class BlocChoice:
    """The plan for one reporter and how the bloc's figure comes out of it."""

    plan: Plan
    method: str  # MEMBERS | GROUP
    members: tuple[str, ...]  # the members counted (the reporter left out)
    lacking: tuple[str, ...]  # members the country detail does not list


def resolve_bloc(name: Any) -> Any:
    from cistrade.reference.blocs import bloc

    return bloc(name)


def _listed(eng: Engine, reporters: Sequence[str], members: Sequence[str]) -> dict:
    """{(reporter, source, freq): members listed as partners in any period} (one query)."""
    t = eng.flows
    q = t.filter(t.reporter.isin(list(reporters)) & ~t["aggregate"] & t.partner.isin(list(members)))
    q = q.select("reporter", "dataset_id", "freq", "partner").distinct()
    found: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for r in eng.rows(q):
        found[(r["reporter"], eng.source_of(r["dataset_id"]), r["freq"])].add(r["partner"])
    return found


def _decide(plan: Plan, code: str | None, members: tuple[str, ...],
            listed: set[str] | None) -> BlocChoice | None:
    """Members when the detail shows every member, or is the reporter's whole trade (a member
    it leaves out traded nothing); else the publisher's group row; else nothing (None)."""
    lacking = tuple(m for m in members if listed is not None and m not in listed)
    if not lacking or plan.complete_listing:
        return BlocChoice(plan, MEMBERS, members, lacking)
    if code is not None and code in plan.groups:
        return BlocChoice(plan, GROUP, members, lacking)
    return None


def _refusal(the_bloc: Any, r: str, rng: PeriodRange, plan: Plan, members: tuple[str, ...],
             listed: set[str], cands: list[Plan]) -> NoData:
    """Why no candidate gives the bloc's figure: the members its partner table leaves out."""
    lacking = [m for m in members if m not in listed]
    shown = [m for m in members if m in listed]
    table = (f"lists {len(shown)} of the {len(members)} members" if shown
             else f"lists none of the {len(members)} members")
    return NoData(
        f"no {the_bloc.id} figure for {r} in {rng}: the partner table of {plan.describe()} "
        f"{table} (missing: {', '.join(lacking)}), is not the whole trade ({plan.listed} "
        f"partners listed) and prints no {the_bloc.id} row; a sum over the members listed "
        "would understate the bloc",
        available={"lacking": lacking, "members_listed": shown,
                   "candidates": [c.describe() for c in cands]})


def choose_bloc_plans(eng: Engine, reporters: Sequence[str], the_bloc: Any, rng: PeriodRange,
                      flows: Sequence[str], *, basis: str | None = None,
                      source: str | None = None, freqs: Sequence[str] = "MQCA",
                      ) -> tuple[list[BlocChoice], dict[str, NoData]]:
    """For each reporter, the first candidate that can give the bloc's figure."""
    check_source(eng, source)
    all_members = tuple(the_bloc.members(during=rng))
    cands: dict[str, list[Plan]] = {}
    misses: dict[str, list] = {}
    for r in reporters:
        misses[r] = []
        cands[r] = list(candidates(eng.catalog(), r, rng, flows, basis=basis, source=source,
                                   freqs=freqs, misses=misses[r]))
    # the members each candidate lists: needed where a table is partial; for one reporter
    # also to name the members a complete table leaves out
    need = list(reporters) if len(reporters) == 1 else [
        r for r, ps in cands.items() if any(not p.complete_listing for p in ps)]
    listed = _listed(eng, need, all_members) if need else {}
    chosen, missing = [], {}
    for r in reporters:
        members = tuple(m for m in all_members if m != r)
        choice = None
        for plan in cands[r]:
            got = listed.get((r, plan.source, plan.freq), set()) if r in need else None
            choice = _decide(plan, the_bloc.group_code, members, got)
            if choice:
                break
        if choice:
            chosen.append(choice)
        elif cands[r]:
            p = cands[r][0]
            missing[r] = _refusal(the_bloc, r, rng, p, members,
                                  listed.get((r, p.source, p.freq), set()), cands[r])
        else:
            missing[r] = no_data(eng, r, rng, "/".join(flows), misses[r])
    return chosen, missing


def bloc_table(b: ir.Table, flows: Sequence[str], members: Sequence[str],
               code: str | None, by: Sequence[str] = ("reporter",),
               world: bool = True) -> ir.Table:
    """Per ``by``: each member's row, the group row (partner = ``code``) when asked for, the
    total, shares of the total, and ``members_value`` (the members' sum). ``world=False``:
    ``b`` holds no World rows (the total is the partners' sum)."""
    import ibis

    pv = partner_values(b, flows, by)
    is_member = pv.partner.isin(list(members)) & (pv.partner != pv.reporter)
    if code is None:
        j = with_share(with_totals(pv, b, flows, world, by))
        j = j.filter(j.partner.isin(list(members)) & (j.partner != j.reporter))
    else:
        tot = totals(b, flows, by) if world else pv.group_by(list(by)).aggregate(
            **{f"total_{f}": pv[f].sum() for f in flows}, total=pv.value.sum())
        rows = ibis.union(pv.filter(is_member),
                          group_values(b, [code], flows, by).select(*pv.columns))
        j = with_share(rows.join(tot, list(by)))
    whole = ibis.window(group_by=list(by))
    member_value = ibis.cases((j.partner != (code or ""), j.value), else_=0.0)
    return j.mutate(members_value=member_value.sum().over(whole))


def _bloc_row(choice: BlocChoice, raw: list[dict[str, Any]], code: str, label: str,
              flows: tuple[str, ...]) -> dict[str, Any] | None:
    group = next((r for r in raw if r["partner"] == code), None)
    any_row = group or (raw[0] if raw else None)
    if choice.method == GROUP:
        if group is None:
            return None
        value, parts = group["value"], {f: group[f] for f in flows}
    else:
        members = [r for r in raw if r["partner"] != code]
        value = members[0]["members_value"] if members else 0.0
        parts = {f: sum(r[f] for r in members) for f in flows}
    total = any_row["total"] if any_row else None
    return {"partner": code, "partner_name": label, "value": value, **parts,
            "share": value / total if total and math.isfinite(total) else None, "total": total}


def _rows_for(choice: BlocChoice, raw: list[dict[str, Any]], the_bloc: Any, common: dict,
              flows: tuple[str, ...]) -> list[dict[str, Any]]:
    code = the_bloc.group_code or f"G:{the_bloc.id}"
    label = f"{the_bloc.id} ({'members' if choice.method == MEMBERS else 'published group row'})"
    head = _bloc_row(choice, raw, code, label, flows)
    rows = []
    if head is not None:
        rows.append({**common, "reporter": choice.plan.reporter, **head, "method": choice.method,
                     "aggregate": True})
    members = sorted((r for r in raw if r["partner"] != code), key=lambda r: -r["value"])
    for r in members:
        rows.append({**common, "reporter": choice.plan.reporter, "partner": r["partner"],
                     "partner_name": area_name(r["partner"]), "value": r["value"],
                     **{f: r[f] for f in flows}, "share": r["share"], "total": r["total"],
                     "method": choice.method, "aggregate": False})
    return rows


def _notes(choices: list[BlocChoice], the_bloc: Any, rng: PeriodRange) -> list[str]:
    notes = []
    for c in choices[:5]:
        r = c.plan.reporter
        if c.method == GROUP:
            notes.append(f"{r}: the country detail of {c.plan.describe()} lacks "
                         f"{', '.join(c.lacking)}; the {the_bloc.id} figure is the publisher's "
                         f"own group row ({the_bloc.group_code}), by its definition of the group")
        elif c.lacking:
            notes.append(f"{r}: the {the_bloc.id} figure is the sum over the members during "
                         f"{rng}; {', '.join(c.lacking)} do not appear in a table of "
                         f"{c.plan.listed} partners (the whole trade): they traded nothing")
        else:
            notes.append(f"{r}: the {the_bloc.id} figure is the sum over the members during {rng}")
        if r in the_bloc.members(during=rng):
            notes.append(f"{r} is itself a member: its trade with {the_bloc.id} is with the "
                         "other members")
    return notes


def _coverage(choices: list[BlocChoice]) -> dict[str, dict[str, Any]]:
    """Per reporter: how the bloc's figure and the total were made, and the members the
    partner table does not show."""
    return {c.plan.reporter: {"method": c.method, "total_basis": c.plan.total_basis().value,
                              "complete": c.plan.complete_listing,
                              "partners_listed": c.plan.listed,
                              "members_missing": list(c.lacking)} for c in choices}


def _build(choices: list[BlocChoice], the_bloc: Any, common: dict[str, Any],
           flows: tuple[str, ...], table: Any) -> list[dict[str, Any]]:
    per: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in table.to_pylist():
        per[r["reporter"]].append(r)
    return [row for c in choices
            for row in _rows_for(c, per[c.plan.reporter], the_bloc, common, flows)]


def bloc_share(eng: Engine, reporter: Any, bloc: Any, period: Any, flow: Any = "turnover", *,
               basis: str | None = None, source: str | None = None) -> Result:
    """A bloc's share of a reporter's trade, with each member's contribution (module doc)."""
    eng.refresh()
    rng = period_range(period)
    tf = trade_flow(flow)
    flows = flows_of(tf)
    the_bloc = resolve_bloc(bloc)
    batch = not isinstance(reporter, str) or reporter.strip() == ALL

    def make() -> tuple[Any, dict[str, Any]]:
        codes = (reporter_codes(reporter, eng.catalog().reporters()) if batch
                 else [area_code(reporter)])
        choices, missing = choose_bloc_plans(eng, codes, the_bloc, rng, flows, basis=basis,
                                             source=source)
        if not choices:
            raise next(iter(missing.values())) if not batch else NoData(
                f"no {the_bloc.id} figure for any reporter in {rng}")
        plans = [c.plan for c in choices]
        members = sorted(the_bloc.members(during=rng))
        code = the_bloc.group_code if any(c.method == GROUP for c in choices) else None
        world = has_world(plans)
        frame = base(eng, select_rows(eng, plans), plans, periods=world,
                     raw=not world and code is None)
        expr = bloc_table(frame.table, flows, members, code, world=world)
        common = {"bloc": the_bloc.id, "flow": tf.value, "period": str(rng),
                  "currency": frame.currency, "basis": "reported"}
        notes = plan_notes(plans, totals=True) + frame.notes + _notes(choices, the_bloc, rng)
        query = {"reporter": ALL if batch else codes[0], "bloc": the_bloc.id,
                 "bloc_name": the_bloc.name_en, "members": members,
                 "period": str(rng), "period_start": rng.first_day, "period_end": rng.last_day,
                 "flow": tf.value, "basis": basis, "source": source,
                 "currency": frame.currency, "engine": eng.name,
                 "methods": {c.plan.reporter: c.method for c in choices},
                 "coverage": _coverage(choices),
                 "selections": plans_query(plans)}
        if not batch:
            query.update({k: v for k, v in query["coverage"][codes[0]].items() if k != "method"})
        if frame.rates:
            query["rates"] = frame.rates
        ids = plan_datasets(plans) | set(frame.datasets)
        return expr, {"query": query, "datasets": datasets_of(eng, ids),
                      "notes": notes + missing_note(missing),
                      "build": functools.partial(_build, choices, the_bloc, common, flows)}

    key = ("bloc_share", reporter_key(reporter), the_bloc.id, str(rng), tf.value, basis, source)
    prepared = eng.prepare(key, make)
    meta = prepared.meta
    return Result("bloc_share", dict(meta["query"]), datasets=meta["datasets"],
                  notes=list(meta["notes"]), table=eng.execute(prepared), build=meta["build"])
