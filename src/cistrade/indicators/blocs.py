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
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from cistrade.errors import NoData
from cistrade.estimate.variant import ESTIMATE_BLOC, only_with_estimate
from cistrade.indicators.args import (
    ALL,
    FlowLike,
    PeriodLike,
    Reporters,
    area_name,
    flows_of,
    is_batch,
    period_range,
    reporter_codes,
    reporter_key,
    resolve_bloc,
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
from cistrade.indicators.provenance import datasets_for, missing_note, plan_notes, plans_query
from cistrade.indicators.select import Plan, candidates, check_source, no_data
from cistrade.indicators.spec import (
    BASIS,
    BLOC,
    FLOW,
    PERIOD,
    REPORTER,
    SOURCE,
    Answer,
    Indicator,
    JSONDict,
    answer,
    period_echo,
    result,
    run_echo,
    with_rates,
)
from cistrade.model import PeriodRange, TradeFlow

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir
    import pyarrow as pa

    from cistrade.indicators.engine import Engine
    from cistrade.indicators.result import Result
    from cistrade.reference.blocs import Bloc

__all__ = ["bloc_share", "BlocChoice", "BlocMethod", "choose_bloc_plans", "bloc_table",
           "resolve_bloc", "SPEC"]


class BlocMethod(StrEnum):
    """How a bloc's figure is made."""

    MEMBERS = "members"
    GROUP = "published group row"


MEMBERS = BlocMethod.MEMBERS
GROUP = BlocMethod.GROUP


@dataclass(frozen=True)
class BlocChoice:
    """The plan for one reporter and how the bloc's figure comes out of it."""

    plan: Plan
    method: BlocMethod
    members: tuple[str, ...]  # the members counted (the reporter left out)
    lacking: tuple[str, ...]  # members the country detail does not list


def _listed(eng: Engine, reporters: Sequence[str], members: Sequence[str]
            ) -> dict[tuple[str, str, str], set[str]]:
    """{(reporter, source, freq): members listed as partners in any period} (one query, run
    once per store version for the same reporters and members: it does not depend on the
    period asked, so every bloc question of a reporter shares it). Callers get copies."""
    found = eng.memo(("bloc_listed", tuple(reporters), tuple(members)),
                     lambda: _listed_query(eng, reporters, members))
    return defaultdict(set, {k: set(v) for k, v in found.items()})


def _listed_query(eng: Engine, reporters: Sequence[str], members: Sequence[str]
                  ) -> dict[tuple[str, str, str], set[str]]:
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


def _refusal(the_bloc: Bloc, r: str, rng: PeriodRange, plan: Plan, members: tuple[str, ...],
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


def _members_listed(eng: Engine, reporters: Sequence[str], cands: dict[str, list[Plan]],
                    members: tuple[str, ...]
                    ) -> tuple[list[str], dict[tuple[str, str, str], set[str]]]:
    """The members each candidate lists: needed where a table is partial; for one reporter
    also to name the members a complete table leaves out."""
    need = list(reporters) if len(reporters) == 1 else [
        r for r, ps in cands.items() if any(not p.complete_listing for p in ps)]
    return need, (_listed(eng, need, members) if need else {})


def _first_choice(r: str, cands: list[Plan], code: str | None, members: tuple[str, ...],
                  listed: dict[tuple[str, str, str], set[str]] | None) -> BlocChoice | None:
    """The first candidate that gives the bloc's figure (``listed``: the members each
    reporter, source and frequency lists; None where not needed)."""
    for plan in cands:
        got = listed.get((r, plan.source, plan.freq), set()) if listed is not None else None
        choice = _decide(plan, code, members, got)
        if choice:
            return choice
    return None


def choose_bloc_plans(eng: Engine, reporters: Sequence[str], the_bloc: Bloc, rng: PeriodRange,
                      flows: Sequence[str], *, basis: str | None = None,
                      source: str | None = None, freqs: Sequence[str] = "MQCA",
                      ) -> tuple[list[BlocChoice], dict[str, NoData]]:
    """For each reporter, the first candidate that can give the bloc's figure."""
    check_source(eng, source)
    all_members = tuple(the_bloc.members(during=rng))
    misses: dict[str, list[Any]] = {r: [] for r in reporters}
    cands = {r: list(candidates(eng.catalog(), r, rng, flows, basis=basis, source=source,
                                freqs=freqs, misses=misses[r])) for r in reporters}
    need, listed = _members_listed(eng, reporters, cands, all_members)
    chosen: list[BlocChoice] = []
    missing: dict[str, NoData] = {}
    for r in reporters:
        members = tuple(m for m in all_members if m != r)
        choice = _first_choice(r, cands[r], the_bloc.group_code, members,
                               listed if r in need else None)
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


def _bloc_value(choice: BlocChoice, raw: list[JSONDict], code: str, group: JSONDict | None,
                flows: tuple[str, ...]) -> tuple[float, dict[str, float]] | None:
    """The bloc's value and its flows: the group row's, or the members' sum (None: the group
    row the choice relies on is absent)."""
    if choice.method == GROUP:
        if group is None:
            return None
        return group["value"], {f: group[f] for f in flows}
    members = [r for r in raw if r["partner"] != code]
    value = members[0]["members_value"] if members else 0.0
    return value, {f: sum(r[f] for r in members) for f in flows}


def _bloc_row(choice: BlocChoice, raw: list[dict[str, Any]], code: str, label: str,
              flows: tuple[str, ...]) -> dict[str, Any] | None:
    group = next((r for r in raw if r["partner"] == code), None)
    any_row = group or (raw[0] if raw else None)
    found = _bloc_value(choice, raw, code, group, flows)
    if found is None:
        return None
    value, parts = found
    total = any_row["total"] if any_row else None
    return {"partner": code, "partner_name": label, "value": value, **parts,
            "share": value / total if total and math.isfinite(total) else None, "total": total}


def _rows_for(choice: BlocChoice, raw: list[JSONDict], the_bloc: Bloc, common: JSONDict,
              flows: tuple[str, ...]) -> list[JSONDict]:
    code = the_bloc.group_code or f"G:{the_bloc.id}"
    label = f"{the_bloc.id} ({'members' if choice.method == MEMBERS else 'published group row'})"
    head = _bloc_row(choice, raw, code, label, flows)
    rows = []
    if head is not None:
        rows.append({**common, "reporter": choice.plan.reporter, **head, "method": choice.method.value,
                     "aggregate": True})
    members = sorted((r for r in raw if r["partner"] != code), key=lambda r: -r["value"])
    for r in members:
        rows.append({**common, "reporter": choice.plan.reporter, "partner": r["partner"],
                     "partner_name": area_name(r["partner"]), "value": r["value"],
                     **{f: r[f] for f in flows}, "share": r["share"], "total": r["total"],
                     "method": choice.method.value, "aggregate": False})
    return rows


def _notes(choices: list[BlocChoice], the_bloc: Bloc, rng: PeriodRange) -> list[str]:
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


def _coverage(choices: list[BlocChoice]) -> dict[str, JSONDict]:
    """Per reporter: how the bloc's figure and the total were made, and the members the
    partner table does not show."""
    return {c.plan.reporter: {"method": c.method.value, "total_basis": c.plan.total_basis().value,
                              "complete": c.plan.complete_listing,
                              "partners_listed": c.plan.listed,
                              "members_missing": list(c.lacking)} for c in choices}


def _build(choices: list[BlocChoice], the_bloc: Bloc, common: JSONDict,
           flows: tuple[str, ...], table: pa.Table) -> list[JSONDict]:
    per: dict[str, list[JSONDict]] = defaultdict(list)
    for r in table.to_pylist():
        per[r["reporter"]].append(r)
    return [row for c in choices
            for row in _rows_for(c, per[c.plan.reporter], the_bloc, common, flows)]


def bloc_share(eng: Engine, reporter: Reporters, bloc: str, period: PeriodLike,
               flow: FlowLike = TradeFlow.TURNOVER, *, basis: str | None = None,
               source: str | None = None, estimate: bool = False,
               cif_fob: float | None = None) -> Result:
    """A bloc's share of a reporter's trade, with each member's contribution (module doc).
    ``estimate=True``: from the members' and partners' reports, with a band
    (:func:`cistrade.estimate.run.estimate_bloc`; ``cif_fob`` its factor)."""
    if estimate:
        from cistrade.estimate.run import estimate_bloc  # the variant's own machinery

        return estimate_bloc(eng, reporter, bloc, period, flow, basis=basis, source=source,
                             cif_fob=cif_fob)
    only_with_estimate(cif_fob=cif_fob)
    eng.refresh()
    rng = period_range(period)
    tf = trade_flow(flow)
    flows = flows_of(tf)
    the_bloc = resolve_bloc(bloc)
    batch = is_batch(reporter)

    def make() -> tuple[ir.Table, Answer[None]]:
        codes = reporter_codes(reporter, eng.catalog().reporters() if batch else ())
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
                 "bloc_name": the_bloc.name_en, "members": members, **period_echo(rng),
                 "flow": tf.value, "basis": basis, "source": source,
                 **run_echo(frame.currency, eng),
                 "methods": {c.plan.reporter: c.method.value for c in choices},
                 "coverage": _coverage(choices),
                 "selections": plans_query(plans)}
        if not batch:
            query.update({k: v for k, v in query["coverage"][codes[0]].items() if k != "method"})
        return expr, Answer(with_rates(query, frame.rates), datasets_for(eng, plans, frame),
                            notes + missing_note(missing),
                            functools.partial(_build, choices, the_bloc, common, flows))

    key = ("bloc_share", reporter_key(reporter), the_bloc.id, str(rng), tf.value, basis, source)
    found, table = answer(eng, key, make)
    return result("bloc_share", found, table)


SPEC = Indicator(
    name="bloc_share",
    summary="A bloc's share of a reporter's trade",
    help="A bloc's share of a reporter's trade (members during the period, or the published\n"
         "group row), with each member's contribution.",
    params=(REPORTER, PERIOD, BLOC, FLOW, BASIS, SOURCE),
    fields=("reporter", "bloc", "partner", "partner_name", "flow", "period", "value",
            "currency", "share", "basis"),
    columns=("partner", "partner_name", "value", "share", "method"),
    function=bloc_share,
    table=bloc_table,
    variants=(ESTIMATE_BLOC,),
    contract="""\
First the bloc's own row (`partner` = its group code, e.g. `G:CIS`), then each member's row:
`reporter`, `bloc`, `partner`, `partner_name`, `flow`, `period`, `value`, `currency`, `share`,
`basis`, `total`, `method` (`members`: the sum over the members; `published group row`: the
publisher's own figure for the group, used when its country detail does not list every
member), `aggregate` (true on the bloc's row).""",
)
