"""Roles of partners for a group of countries: who supplies them, who buys from them.

For a bloc (e.g. the CIS) over a range: each partner's total as a **supplier** (the members'
imports from it) and as a **market** (the members' exports to it), both ranked among
countries, so that "Russia is the largest supplier to CIS countries" is a look-up
(``supplier_rank == 1``). Members are partners too (Russia supplies Kazakhstan). The
``members`` section says, per member, whether its own figures were used, or — where it
publishes nothing by partner for the range — its partners' reports (mirror figures, CIF/FOB
adjusted, flagged), or nothing; and lists its top partners.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import replace as replace_param
from typing import TYPE_CHECKING

from cistrade.errors import NoData
from cistrade.estimate.variant import ESTIMATE_ROLES
from cistrade.indicators.args import BOTH_FLOWS, PeriodLike, area_name, period_range, resolve_bloc
from cistrade.indicators.measures import share_of, with_rank
from cistrade.indicators.mirror import (
    CIF_FOB,
    MirrorData,
    mirror_data,
    mirror_values,
    partner_plans,
    reported_values,
)
from cistrade.indicators.provenance import datasets_of, plan_notes, plans_query
from cistrade.indicators.result import Result
from cistrade.indicators.select import Plan, check_source, plan_many
from cistrade.indicators.spec import (
    CIF_FOB_FACTOR,
    GROUP,
    PERIOD,
    SOURCE,
    TOP,
    Answer,
    Indicator,
    JSONDict,
    answer,
    period_echo,
    run_echo,
    with_rates,
)

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir

    from cistrade.indicators.engine import Engine

__all__ = ["roles", "member_flows", "roles_table", "member_tops", "SPEC"]

ROLES_NOTE = ("supplier = the {group} members' imports from the partner; market = their "
              "exports to it; ranks count countries only")
#: each member's partners listed in the ``members`` section
MEMBER_TOP = 5


@dataclass
class Members:
    """What roles needs after its query ran: the members' flows (for their top partners),
    who reported and who was mirrored, and the two sides' data."""

    flows: ir.Table
    reporting: list[Plan]
    mirrored: list[str]
    data: MirrorData

FLOWS = BOTH_FLOWS


def member_flows(rep: ir.Table | None, mir: ir.Table | None, mirrored: list[str],
                 cif_fob: float) -> ir.Table:
    """One row per member and partner: ``export``, ``import``, ``basis`` (reported|mirror)."""
    import ibis

    parts = []
    if rep is not None:
        r = reported_values(rep)
        parts.append(r.select("reporter", "partner",
                              export=r.export_reported.fill_null(0.0),
                              imp=r.import_reported.fill_null(0.0),
                              basis=ibis.literal("reported")))
    if mir is not None and mirrored:
        m = mirror_values(mir, cif_fob)
        m = m.filter(m.reporter.isin(mirrored))
        parts.append(m.select("reporter", "partner", export=m.export_mirror.fill_null(0.0),
                              imp=m.import_mirror.fill_null(0.0), basis=ibis.literal("mirror")))
    u = parts[0] if len(parts) == 1 else ibis.union(*parts)
    return u.rename({"import": "imp"})


def roles_table(u: ir.Table) -> ir.Table:
    """Per partner: supplier and market values, ranks among countries, shares of the members'
    total imports and exports, and how much of each came from mirror figures."""
    import ibis

    mirror = u.basis == "mirror"
    g = u.group_by("partner").aggregate(
        supplier_value=u["import"].sum(), market_value=u.export.sum(),
        supplier_mirror=u["import"].sum(where=mirror).fill_null(0.0),
        market_mirror=u.export.sum(where=mirror).fill_null(0.0),
        members_trading=u.reporter.nunique(),
    )
    whole = ibis.window()
    g = g.mutate(supplier_share=share_of(g.supplier_value, g.supplier_value.sum().over(whole)),
                 market_share=share_of(g.market_value, g.market_value.sum().over(whole)))
    g = with_rank(g, by=(), value="supplier_value", name="supplier_rank")
    return with_rank(g, by=(), value="market_value", name="market_rank")


def member_tops(u: ir.Table, top: int) -> ir.Table:
    """Each member's top partners by turnover, with shares of its turnover."""
    import ibis

    t = u.mutate(value=u.export + u["import"])
    t = t.mutate(share=share_of(t.value, t.value.sum().over(ibis.window(group_by="reporter"))))
    t = with_rank(t, by=("reporter",))
    return t.filter(t["rank"] <= top)


def _basis(value: float, mirror: float) -> str:
    if not mirror:
        return "reported"
    return "mirror" if abs(mirror - value) <= 1e-9 * max(abs(value), 1.0) else "reported+mirror"


def _rows(raw: list[JSONDict], group: str, period: str, currency: str,
          top: int | None) -> list[JSONDict]:
    rows = []
    for r in raw:
        if top is not None and not ((r["supplier_rank"] or top + 1) <= top
                                    or (r["market_rank"] or top + 1) <= top):
            continue
        rows.append({
            "group": group, "partner": r["partner"], "partner_name": area_name(r["partner"]),
            "period": period, "supplier_value": r["supplier_value"],
            "supplier_rank": r["supplier_rank"], "supplier_share": r["supplier_share"],
            "market_value": r["market_value"], "market_rank": r["market_rank"],
            "market_share": r["market_share"], "currency": currency,
            "basis": _basis(r["supplier_value"] + r["market_value"],
                            r["supplier_mirror"] + r["market_mirror"]),
            "members_trading": r["members_trading"],
        })
    rows.sort(key=lambda r: (r["supplier_rank"] is None, r["supplier_rank"] or 0,
                             -(r["supplier_value"] or 0), r["partner"]))
    return rows


def roles(eng: Engine, group: str, period: PeriodLike, *, top: int | None = 10,
          source: str | None = None, cif_fob: float = CIF_FOB, estimate: bool = False) -> Result:
    """Suppliers and markets of a group of countries, ranked (see module doc).
    ``estimate=True``: from every member's partner table estimated from its partners'
    reports, with bands and rank ranges (:func:`cistrade.estimate.roles.estimate_roles`;
    ``cif_fob`` the estimate's factor)."""
    if estimate:
        from cistrade.estimate.roles import estimate_roles  # the variant's own machinery

        return estimate_roles(eng, group, period, top=top, source=source, cif_fob=cif_fob)
    eng.refresh()
    check_source(eng, source)
    rng = period_range(period)
    the_bloc = resolve_bloc(group)
    members = sorted(the_bloc.members(during=rng))
    key = ("roles", the_bloc.id, str(rng), source, cif_fob)

    def make() -> tuple[ir.Table, Answer[Members]]:
        plans, missing = plan_many(eng, members, rng, FLOWS, source=source)
        reporting = [p for p in plans if p.has_partners]
        mirrored = [m for m in members if m not in {p.reporter for p in reporting}]
        mir_plans = partner_plans(eng, mirrored, rng) if mirrored else []
        if not reporting and not mir_plans:
            raise NoData(f"no data for any {the_bloc.id} member in {rng}, nor from their "
                         "partners", available=missing)
        data = mirror_data(eng, reporting, mir_plans, mirrored)
        u = member_flows(data.rep, data.mir, mirrored, cif_fob)
        query = {"group": the_bloc.id, "group_name": the_bloc.name_en, "members": members,
                 **period_echo(rng), "top": top, "source": source, "cif_fob": cif_fob,
                 **run_echo(data.currency, eng), "selections": plans_query(reporting)}
        return roles_table(u), Answer(with_rates(query, data.rates),
                                      datasets_of(eng, data.datasets), [],
                                      extra=Members(u, reporting, mirrored, data))

    found, table = answer(eng, key, make)
    assert found.extra is not None
    m = found.extra
    # each member's top partners: a second prepared query over the same flows
    _, tops = answer(eng, (*key, "tops"),
                     lambda: (member_tops(m.flows, MEMBER_TOP), Answer[None]({}, [], [])))
    rows = _rows(table.to_pylist(), the_bloc.id, str(rng), m.data.currency, top)
    status = _status(members, m.reporting, m.mirrored, tops.to_pylist(), m.data.currency)
    notes = _notes(the_bloc.id, status, cif_fob) + plan_notes(m.reporting) + m.data.notes
    query = {**found.query, "top": top}
    return Result("roles", query, rows, found.datasets, notes, sections={"members": status})


def _status(members: list[str], reporting: list[Plan], mirrored: list[str],
            tops: list[JSONDict], currency: str) -> list[JSONDict]:
    by_plan = {p.reporter: p for p in reporting}
    out = []
    for m in members:
        mine = sorted((t for t in tops if t["reporter"] == m), key=lambda t: t["rank"])
        status = "reported" if m in by_plan else ("mirror" if mine else "none")
        out.append({
            "member": m, "name": area_name(m), "status": status,
            "source": by_plan[m].describe() if m in by_plan else None,
            "top_partners": [{"partner": t["partner"], "partner_name": area_name(t["partner"]),
                              "rank": t["rank"], "value": t["value"], "share": t["share"],
                              "currency": currency} for t in mine],
        })
    return out


def _notes(group: str, status: list[JSONDict], cif_fob: float) -> list[str]:
    by = {s: [m["member"] for m in status if m["status"] == s] for s in ("reported", "mirror", "none")}
    notes = [ROLES_NOTE.format(group=group)]
    if by["reported"]:
        notes.append("members' own figures: " + ", ".join(by["reported"]))
    if by["mirror"]:
        notes.append("no partner data of their own for the range, their partners' reports used "
                     f"(mirror, CIF/FOB {cif_fob:g}): " + ", ".join(by["mirror"]))
    if by["none"]:
        notes.append("no data at all, left out: " + ", ".join(by["none"]))
    return notes


SPEC = Indicator(
    name="roles",
    summary="A group's largest suppliers and markets",
    help="A group's largest suppliers and markets (members' imports from and exports to each\n"
         "partner), and each member's top partners.",
    params=(GROUP, PERIOD, replace_param(TOP, default=10, help="Partners ranked in the top N."),
            CIF_FOB_FACTOR, SOURCE),
    fields=("group", "partner", "partner_name", "period", "supplier_value", "supplier_rank",
            "supplier_share", "market_value", "market_rank", "market_share", "currency",
            "basis"),
    columns=("partner", "partner_name", "supplier_rank", "supplier_value", "supplier_share",
             "market_rank", "market_value", "market_share", "basis"),
    function=roles,
    table=roles_table,
    notes=(ROLES_NOTE,),
    sections=("members",),
    variants=(ESTIMATE_ROLES,),
    contract="""\
One row per partner of the group: `group`, `partner`, `partner_name`, `period`,
`supplier_value` (the members' imports from it), `supplier_rank`, `supplier_share` (of the
members' imports), `market_value` (their exports to it), `market_rank`, `market_share`,
`currency`, `basis` (`reported`, `mirror` or `reported+mirror`), `members_trading`.

`roles` adds one more top-level key, `members` (per member: `member`, `name`, `status`
`reported` | `mirror` | `none`, `source`, `top_partners`).""",
)
