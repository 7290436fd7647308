"""The Ibis building blocks of every indicator: pure functions from tables to tables.

They work on a *base* table (:func:`cistrade.indicators.frame.base`): one ``value`` per
``reporter, partner, aggregate, flow, period_start, period_end`` (plus any extra key such as
``side``), in one currency.

* :func:`partner_values` — each partner's figure per flow, and their sum (turnover);
* :func:`totals` — the reporter's total with the world per flow: the publisher's World rows
  (``WLD``, aggregate) the plan chose, else the sum over the partner rows;
* :func:`with_rank` — rank among countries only (pseudo-areas get none), ties broken by code;
* :func:`group_values` — a published group row (``G:CIS`` …).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cistrade.indicators.args import unranked_codes

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir

__all__ = ["partner_values", "totals", "with_totals", "with_rank", "with_share", "share_of",
           "group_values", "flow_columns"]


def flow_columns(t: ir.Table, flows: Sequence[str]) -> dict[str, Any]:
    """``{flow: sum(value) FILTER (flow = …)}`` with 0 where there is none."""
    return {f: t.value.sum(where=t.flow == f).fill_null(0.0) for f in flows}


def _add(columns: Sequence[Any]) -> Any:
    total = columns[0]
    for c in columns[1:]:
        total = total + c
    return total


def partner_values(b: ir.Table, flows: Sequence[str], by: Sequence[str] = ("reporter",)) -> ir.Table:
    """Per ``by`` and partner: one column per flow and ``value``, their sum (non-aggregate rows)."""
    p = b.filter(~b["aggregate"])
    g = p.group_by([*by, "partner"]).aggregate(**flow_columns(p, flows))
    return g.mutate(value=_add([g[f] for f in flows]))


def totals(b: ir.Table, flows: Sequence[str], by: Sequence[str] = ("reporter",)) -> ir.Table:
    """Per ``by``: ``total`` and ``total_<flow>``; each flow from its World rows where ``b``
    holds them (the plan chose World rows tiling the whole range, or none:
    :func:`cistrade.indicators.select.world_totals`), else the sum of its partner rows."""
    import ibis

    is_world = b["aggregate"] & (b.partner == "WLD")
    per = b.group_by([*by, "flow"]).aggregate(
        world=b.value.sum(where=is_world),
        n_world=b.count(where=is_world),
        partners=b.value.sum(where=~b["aggregate"]).fill_null(0.0),
    )
    per = per.mutate(total=ibis.cases((per.n_world > 0, per.world), else_=per.partners))
    cols = {f"total_{f}": per.total.sum(where=per.flow == f).fill_null(0.0) for f in flows}
    g = per.group_by(list(by)).aggregate(**cols)
    return g.mutate(total=_add([g[f"total_{f}"] for f in flows]))


def with_totals(pv: ir.Table, b: ir.Table, flows: Sequence[str], world: bool,
                by: Sequence[str] = ("reporter",)) -> ir.Table:
    """Partner values with the reporter's ``total`` beside them: from :func:`totals` where World
    rows may be published, else summed over the partners themselves.

    The partners' sum is an aggregate joined back rather than a window over the whole
    partition: DuckDB rewrites such a window into the same join but recomputes its input
    (scanning the flows twice), while an explicit join shares it (a materialised CTE)."""
    if world:
        return pv.join(totals(b, flows, by), list(by))
    return pv.join(pv.group_by(list(by)).aggregate(total=pv.value.sum()), list(by))


def group_values(b: ir.Table, codes: Sequence[str], flows: Sequence[str],
                 by: Sequence[str] = ("reporter",)) -> ir.Table:
    """Per ``by`` and group code: the published aggregate rows' value per flow and summed."""
    g = b.filter(b["aggregate"] & b.partner.isin(list(codes)))
    out = g.group_by([*by, "partner"]).aggregate(**flow_columns(g, flows))
    return out.mutate(value=_add([out[f] for f in flows]))


def share_of(value: Any, total: Any) -> Any:
    """``value / total``, null where the total is zero or not a finite number: a share of an
    infinite total would read as 0% for every partner, never a figure to show."""
    import ibis

    usable = (total != 0.0) & ~total.isinf() & ~total.isnan()
    return ibis.cases((usable, value / total), else_=ibis.null("float64"))


def with_share(t: ir.Table, total: str = "total", value: str = "value", name: str = "share") -> ir.Table:
    """``share = value / total`` (null where the total is zero or not finite)."""
    return t.mutate(**{name: share_of(t[value], t[total])})


def with_rank(t: ir.Table, by: Sequence[str] = ("reporter",), value: str = "value",
              name: str = "rank") -> ir.Table:
    """``rank`` 1..n by ``value`` (largest first, ties by partner code) among countries only;
    null for World, pseudo-areas and group rows."""
    import ibis

    t = t.mutate(_rankable=~t.partner.isin(sorted(unranked_codes())))
    w = ibis.window(group_by=[*by, "_rankable"], order_by=[ibis.desc(t[value]), t.partner])
    rank = ibis.cases((t._rankable, ibis.row_number().over(w) + 1), else_=ibis.null("int64"))
    return t.mutate(**{name: rank}).drop("_rankable")
