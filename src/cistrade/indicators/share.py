"""Partner shares: every partner's value, share of the reporter's total, and rank.

The total is the reporter's trade with the world, decided by one rule for every indicator
(:func:`cistrade.indicators.select.world_totals`): the publisher's World total wherever any
dataset of that reporter, source and period holds one (newest vintage; its figure for the
whole period before a sum of months), otherwise the sum over every partner row. The query
says which (``total_basis``: ``published world total``, ``sum of partners (complete table)``
or ``sum of listed partners (partial table)``) and whether the partner table is the whole
trade (``complete``, ``partners_listed``, ``covered``). Ranks count countries only and, in a
partial table, only the partners it lists: ``rank_certain`` says where no partner left out
could rank above. Pseudo-areas ("other countries", areas n.e.s. …) are listed without a rank
and aggregate rows (World, CIS …) never appear as partners. When the total is the sum of the
partners, the shares of all partners add up to 1.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cistrade.errors import NoData
from cistrade.estimate.variant import ESTIMATE_SHARE, only_with_estimate
from cistrade.indicators.args import (
    ALL,
    FlowLike,
    PeriodLike,
    Reporters,
    area_code,
    area_name,
    flows_of,
    is_batch,
    period_range,
    reporter_codes,
    reporter_key,
    trade_flow,
)
from cistrade.indicators.frame import base, has_world, select_rows
from cistrade.indicators.measures import partner_values, with_rank, with_share, with_totals
from cistrade.indicators.provenance import (
    COMPLETE_COVERAGE,
    datasets_for,
    missing_note,
    plan_notes,
    plans_query,
)
from cistrade.indicators.select import Plan, TotalBasis, plan_for, plan_many
from cistrade.indicators.spec import (
    BASIS,
    FLOW,
    PARTNER,
    PERIOD,
    REPORTER,
    SOURCE,
    TOP,
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

__all__ = ["share", "share_table", "plans_for", "rank_certain", "SPEC"]

RANKS_NOTE = ("ranks count countries only; World, groups and pseudo-areas (other countries, "
              "areas n.e.s. …) have no rank")


def share_table(b: ir.Table, flows: Sequence[str], *, top: int | None = None,
                partner: str | None = None, world: bool = True) -> ir.Table:
    """Per reporter and partner: flows, ``value``, ``total``, ``share``, ``rank``, ``covered``
    (the listed partners' part of the total); ranked partners first, then the others.
    ``world=False``: no World rows among ``b`` (the total is the partners' sum)."""
    import ibis

    j = with_share(with_totals(partner_values(b, flows), b, flows, world))
    # the listed partners' part of the total (1 where the total is their sum)
    j = j.mutate(covered=j.value.sum().over(ibis.window(group_by="reporter"))
                 / j.total.nullif(0.0))
    j = with_rank(j)
    if partner is not None:
        j = j.filter(j.partner == partner)
    if top is not None:
        j = j.filter(j["rank"] <= int(top))
    return j.order_by([j.reporter, j["rank"].isnull(), j["rank"], ibis.desc(j.value), j.partner])


def plans_for(eng: Engine, reporter: Reporters, rng: PeriodRange, flows: Sequence[str], *,
              basis: str | None, source: str | None, what: str
              ) -> tuple[list[Plan], dict[str, str], bool]:
    """Plans for one reporter (NoData raised) or a batch (``"*"`` or a list)."""
    if not is_batch(reporter):
        code = area_code(reporter)  # type: ignore[arg-type]  # one name: a str
        return [plan_for(eng, code, rng, flows, basis=basis, source=source, what=what)], {}, False
    codes = reporter_codes(reporter, eng.catalog().reporters())
    plans, missing = plan_many(eng, codes, rng, flows, basis=basis, source=source, what=what)
    if not plans:
        raise NoData(f"no data for any of {len(codes)} reporter(s) in {rng}",
                     available=dict(list(missing.items())[:50]))
    return plans, missing, True


@dataclass(frozen=True)
class Listing:
    """What one reporter's partner table is: its total's basis, how many partners it lists,
    whether that makes it the whole trade."""

    total_basis: TotalBasis
    listed: int
    complete: bool

    @classmethod
    def of(cls, plan: Plan) -> Listing:
        return cls(plan.total_basis(), plan.listed, plan.complete_listing)


@dataclass(frozen=True)
class Extra:
    """What share needs after the query ran: each reporter's listing, the reporters left out."""

    listing: dict[str, Listing]
    tail: list[str]


def rank_certain(rank: int | None, value: float | None, total: float | None,
                 covered: float | None, published: bool, listing: bool) -> bool | None:
    """Whether a rank among the listed partners is the partner's rank among all: the table
    is complete, or the trade it leaves out (the published total less the listed partners)
    is smaller than the partner's, so no partner missing from it can rank above."""
    if rank is None:
        return None
    if published and covered is not None:
        if listing and covered >= COMPLETE_COVERAGE:
            return True
        return value is not None and total is not None and total * (1 - covered) < value
    return listing


def _build(flow: str, period: str, currency: str, basis: dict[str, str],
           listing: dict[str, tuple[bool, bool]], table: pa.Table) -> list[JSONDict]:
    flows = flows_of(trade_flow(flow))
    c = table.to_pydict()
    parts = [c[f] for f in flows] if len(flows) > 1 else []
    rows = []
    for i, (r, p) in enumerate(zip(c["reporter"], c["partner"], strict=True)):
        row = {"reporter": r, "partner": p, "partner_name": area_name(p), "flow": flow,
               "period": period, "value": c["value"][i], "currency": currency,
               "share": c["share"][i], "rank": c["rank"][i], "basis": "reported",
               "partner_basis": basis[r]}
        for f, col in zip(flows if parts else (), parts, strict=False):
            row[f] = col[i]
        row["total"] = c["total"][i]
        row["rank_certain"] = rank_certain(row["rank"], row["value"], row["total"],
                                           c["covered"][i], *listing[r])
        rows.append(row)
    return rows


def _builder(flow: str, period: str, currency: str, plans: list[Plan]
             ) -> functools.partial[list[JSONDict]]:
    """How the rows' dicts are built from the answer's columns (a picklable partial)."""
    flows = flows_of(trade_flow(flow))
    basis = {p.reporter: p.part(flows[-1]).basis for p in plans}
    listing = {p.reporter: (p.total_basis() is TotalBasis.PUBLISHED, p.complete_listing)
               for p in plans}
    return functools.partial(_build, flow, period, currency, basis, listing)


def _coverage(listing: dict[str, Listing], table: pa.Table) -> dict[str, JSONDict]:
    """Per reporter: the total's basis, whether the table is the whole trade, the partners
    listed and their part of the published total (the same on every row of a reporter)."""
    covered = dict(zip(table.column("reporter").to_pylist(),
                       table.column("covered").to_pylist(), strict=True))
    out = {}
    for r, li in listing.items():
        cov = covered.get(r) if li.total_basis is TotalBasis.PUBLISHED else None
        complete = li.complete and (cov is None or cov >= COMPLETE_COVERAGE)
        out[r] = {"total_basis": li.total_basis.value, "complete": complete,
                  "partners_listed": li.listed, "covered": cov}
    return out


def _coverage_notes(coverage: dict[str, JSONDict]) -> list[str]:
    """What a partial table means for its shares and ranks."""
    notes = []
    for r, c in list(coverage.items())[:10]:
        if c["complete"]:
            continue
        n = c["partners_listed"]
        if c["covered"] is not None:
            notes.append(f"{r}: the {n} partners listed add up to {c['covered']:.1%} of the "
                         "published total (a partial table): shares are of the published total; "
                         "ranks are among the listed partners only (rank_certain: no partner "
                         "left out could rank above)")
        else:
            notes.append(f"{r}: only {n} partners listed and no World total published: the "
                         "total is their sum, which need not be the whole trade; shares and "
                         "ranks are among those partners only")
    return notes


def share(eng: Engine, reporter: Reporters, period: PeriodLike, flow: FlowLike = TradeFlow.TURNOVER, *,
          basis: str | None = None, top: int | None = None, partner: str | None = None,
          source: str | None = None, estimate: bool = False,
          cif_fob: float | None = None) -> Result:
    """Every partner's value, share of the reporter's total and rank (see module doc).

    ``reporter`` may be ``"*"`` or a list for every reporter at once (one query).
    ``estimate=True``: the partner table estimated from the partners' reports, with a band
    (:func:`cistrade.estimate.run.estimate_share`; ``cif_fob`` its factor).
    """
    if estimate:
        from cistrade.estimate.run import estimate_share  # the variant's own machinery

        return estimate_share(eng, reporter, period, flow, top=top, partner=partner,
                              basis=basis, source=source, cif_fob=cif_fob)
    only_with_estimate(cif_fob=cif_fob)
    eng.refresh()
    rng = period_range(period)
    tf = trade_flow(flow)
    flows = flows_of(tf)
    partner_code = area_code(partner) if partner is not None else None

    def make() -> tuple[ir.Table, Answer[Extra]]:
        plans, missing, batch = plans_for(eng, reporter, rng, flows, basis=basis, source=source,
                                          what=tf.value)
        world = has_world(plans)
        frame = base(eng, select_rows(eng, plans), plans, periods=world, raw=not world)
        expr = share_table(frame.table, flows, top=top, partner=partner_code, world=world)
        query = {
            "reporter": ALL if batch else plans[0].reporter,
            "reporter_name": None if batch else area_name(plans[0].reporter),
            **period_echo(rng), "flow": tf.value, "basis": basis, "top": top,
            "partner": partner_code, "source": source, **run_echo(frame.currency, eng),
            "selections": plans_query(plans),
        }
        extra = Extra({p.reporter: Listing.of(p) for p in plans}, missing_note(missing))
        return expr, Answer(with_rates(query, frame.rates), datasets_for(eng, plans, frame),
                            plan_notes(plans, totals=True) + frame.notes,
                            _builder(tf.value, str(rng), frame.currency, plans), extra)

    key = ("share", reporter_key(reporter), str(rng), tf.value, basis, top, partner_code, source)
    found, table = answer(eng, key, make)
    assert found.extra is not None
    query = dict(found.query)
    query["coverage"] = _coverage(found.extra.listing, table)
    if len(query["coverage"]) == 1 and query["reporter"] != ALL:
        query.update(next(iter(query["coverage"].values())))
    notes = found.notes + _coverage_notes(query["coverage"]) + [RANKS_NOTE]
    if top is not None:
        notes.append(f"the top {top} partners by rank; the shares are of the full total")
    if partner_code is not None and table.num_rows == 0:
        notes.append(f"{partner_code} does not appear among the partners in this data")
    return result("share", found, table, query=query, notes=notes + found.extra.tail)


SPEC = Indicator(
    name="share",
    summary="Partners' shares of a reporter's trade",
    help="Partners' shares of a reporter's trade, with ranks among countries.",
    params=(REPORTER, PERIOD, FLOW, BASIS, TOP, PARTNER, SOURCE),
    fields=("reporter", "partner", "partner_name", "flow", "period", "value", "currency",
            "share", "rank", "basis", "partner_basis"),
    columns=("rank", "partner", "partner_name", "value", "share", "basis"),
    function=share,
    table=share_table,
    notes=(RANKS_NOTE,),
    variants=(ESTIMATE_SHARE,),
    contract="""\
One row per partner, ranked: `reporter`, `partner`, `partner_name`, `flow` (`turnover`,
`export`, `import`), `period`, `value`, `currency`, `share` (of the reporter's total, in
[0, 1]), `rank` (1 = the largest partner; countries only, `null` for World, groups and
pseudo-areas such as "other countries"), `basis` (`reported` or `mirror`), `partner_basis`
(`origin`, `consignment`, `destination`, `unknown`: the imports' basis for turnover), `total`
(the reporter's total), `rank_certain` (see above), and for turnover `export` and `import`.
When the total is the sum over the partners, the shares add up to 1.""",
)
