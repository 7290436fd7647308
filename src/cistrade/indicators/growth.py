"""Year-on-year growth over a (cumulative) range: ``2024-01..2024-09`` against ``2023-01..2023-09``.

Both sides come from the same source; each side from the rows that cover it exactly (monthly
rows summed, or quarterly rows tiling it, or a stored cumulative row, or annual rows for whole
years — :mod:`cistrade.indicators.select`). A month missing on either side is
:class:`~cistrade.errors.NoData` naming the months, never a shorter sum. The partner is the
world (``None``: the reporter's total), a country, a bloc (members or the publisher's group
row, :mod:`cistrade.indicators.blocs`) or ``"*"`` (every partner: one row per pair).
``by="month"`` gives each month against the same month a year earlier.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any

from cistrade.errors import InputError, NoData, _cut
from cistrade.indicators.args import (
    ALL,
    FlowLike,
    Partner,
    PartnerKind,
    PeriodLike,
    Reporters,
    area_name,
    flows_of,
    is_batch,
    period_range,
    reporter_codes,
    reporter_key,
    resolve_partner,
    trade_flow,
)
from cistrade.indicators.blocs import GROUP, bloc_table, choose_bloc_plans
from cistrade.indicators.frame import (
    BASE_KEYS,
    base,
    dedup,
    has_world,
    predicate,
    select_rows,
    shape_facts,
    with_world_totals,
)
from cistrade.indicators.measures import totals
from cistrade.indicators.preference import FREQ_ORDER
from cistrade.indicators.provenance import datasets_for, missing_note, plan_notes, plans_query
from cistrade.indicators.select import Plan, candidates, check_source, no_data
from cistrade.indicators.spec import (
    BASIS,
    FLOW,
    PERIOD,
    REPORTER,
    SOURCE,
    Answer,
    By,
    Indicator,
    JSONDict,
    Param,
    answer,
    result,
    run_echo,
    with_rates,
)
from cistrade.model import Freq, Period, PeriodRange, TradeFlow

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir
    import pyarrow as pa

    from cistrade.indicators.engine import Engine
    from cistrade.indicators.result import Result

__all__ = ["growth", "growth_table", "side_rows", "SPEC"]

GROWTH_NOTE = "growth = value / previous_value − 1 (a fraction); previous = {previous}"

CUR, PREV = "cur", "prev"


# -- choosing both sides -------------------------------------------------------------------------


def _pair(eng: Engine, r: str, rng: PeriodRange, prev: PeriodRange, flows: Sequence[str],
          kw: dict[str, Any], what: str) -> tuple[Plan, Plan]:
    """The best current and previous plans from one source."""
    misses: list[Any] = []
    cat = eng.catalog()
    cur_c = list(candidates(cat, r, rng, flows, misses=misses, **kw))
    prev_c = list(candidates(cat, r, prev, flows, misses=misses, **kw))
    for c in cur_c:
        for p in prev_c:
            if p.source == c.source:
                return c, p
    raise no_data(eng, r, f"{rng} and {prev}", what, misses)


def _bloc_pairs(eng: Engine, codes: Sequence[str], target: Partner, rng: PeriodRange,
                prev: PeriodRange, flows: Sequence[str], kw: dict[str, Any]
                ) -> tuple[list[tuple[Plan, Plan]], dict[str, NoData], set[tuple[str, str]]]:
    assert target.bloc is not None  # a bloc partner
    cur, miss_c = choose_bloc_plans(eng, codes, target.bloc, rng, flows, **kw)
    old, miss_p = choose_bloc_plans(eng, codes, target.bloc, prev, flows, **kw)
    by_r = {c.plan.reporter: c for c in old}
    pairs: list[tuple[Plan, Plan]] = []
    missing = {**miss_p, **miss_c}
    grouped: set[tuple[str, str]] = set()
    for c in cur:
        p = by_r.get(c.plan.reporter)
        if p is None:
            continue
        pairs.append((c.plan, p.plan))
        grouped |= {(c.plan.reporter, side) for side, ch in ((CUR, c), (PREV, p))
                    if ch.method == GROUP}
    return pairs, missing, grouped


# -- the expression ------------------------------------------------------------------------------


def side_rows(eng: Engine, cur: Sequence[Plan], prev: Sequence[Plan], rng: PeriodRange) -> ir.Table:
    """Both sides' rows with ``side`` = cur | prev (one scan when the ranges are disjoint)."""
    import ibis

    if prev[0].rng.last_day < rng.first_day:
        t = eng.flows
        sel = t.filter(predicate(t, [*cur, *prev], shape_facts(eng, [*cur, *prev])))
        if any(p.overlap for p in [*cur, *prev]):
            sel = dedup(eng, sel)
        sel = with_world_totals(eng, sel, [*cur, *prev])
        return sel.mutate(side=ibis.cases((sel.period_start >= rng.first_day, CUR), else_=PREV))
    a = select_rows(eng, cur).mutate(side=ibis.literal(CUR))
    b = select_rows(eng, prev).mutate(side=ibis.literal(PREV))
    return ibis.union(a, b)


def _side_sums(t: ir.Table, flows: Sequence[str], value: str = "value",
               flow_col: str | None = "flow") -> dict[str, Any]:
    """``value``/``previous_value`` and, for turnover, each flow on each side."""
    cur, prev = t.side == CUR, t.side == PREV
    cols: dict[str, Any] = {"value": t[value].sum(where=cur).fill_null(0.0),
            "previous_value": t[value].sum(where=prev).fill_null(0.0)}
    if len(flows) > 1:
        for f in flows:
            if flow_col is None:  # one column per flow already
                x, p = t[f].sum(where=cur), t[f].sum(where=prev)
            else:
                x = t[value].sum(where=cur & (t[flow_col] == f))
                p = t[value].sum(where=prev & (t[flow_col] == f))
            cols[f], cols[f"previous_{f}"] = x.fill_null(0.0), p.fill_null(0.0)
    return cols


def _target_values(b: ir.Table, flows: Sequence[str], target: Partner, keys: list[str],
                   grouped: set[tuple[str, str]], world: bool) -> ir.Table:
    """Per ``keys`` (+ partner): both sides' values for the target, one row per pair."""
    import ibis

    by = [*keys, "side"]
    is_world = target.kind is PartnerKind.WORLD
    if is_world and world:  # a total from World rows where published
        t = totals(b, flows, by).mutate(value=ibis._.total)
        t = t.rename({f: f"total_{f}" for f in flows})
        return t.group_by(keys).aggregate(**_side_sums(t, flows, flow_col=None)).mutate(
            partner=ibis.literal("WLD"))
    if target.bloc is None:  # every partner, one, or their sum: one pass over the rows
        x = b.filter(~b["aggregate"])
        if target.kind is PartnerKind.COUNTRY:
            x = x.filter(x.partner == target.code)
        g = x.group_by(keys if is_world else [*keys, "partner"])
        g = g.aggregate(**_side_sums(x, flows))
        return g.mutate(partner=ibis.literal("WLD")) if is_world else g
    return _bloc_values(b, flows, target, keys, grouped, world)


def _bloc_values(b: ir.Table, flows: Sequence[str], target: Partner, keys: list[str],
                 grouped: set[tuple[str, str]], world: bool) -> ir.Table:
    """Both sides' values for a bloc: the members' sum, or the publisher's group row on the
    sides ``grouped`` names."""
    import ibis

    assert target.bloc is not None
    code = target.code or f"G:{target.bloc.id}"
    j = bloc_table(b, flows, target.members or [], target.code if grouped else None,
                   [*keys, "side"], world)
    is_group = ibis.literal(False)
    for reporter, side in grouped:
        is_group = is_group | ((j.reporter == reporter) & (j.side == side))
    j = j.filter(ibis.cases((is_group, j.partner == code), else_=j.partner != code))
    return j.group_by(keys).aggregate(**_side_sums(j, flows, flow_col=None)).mutate(
        partner=ibis.literal(code))


def growth_table(b: ir.Table, flows: Sequence[str], target: Partner, *, monthly: bool = False,
                 grouped: Collection[tuple[str, str]] = frozenset(), world: bool = True
                 ) -> ir.Table:
    """Per reporter and partner (and month): value, previous_value, change, growth."""
    import ibis

    if monthly:
        b = b.mutate(month=b.period_start.month())
    keys = ["reporter"] + (["month"] if monthly else [])
    g = _target_values(b, flows, target, keys, set(grouped), world)
    g = g.mutate(change=g.value - g.previous_value,
                 growth=g.value / g.previous_value.nullif(0.0) - 1.0)
    return g.order_by([g.reporter, ibis.desc(g.value), g.partner, *keys[1:]])


# -- the indicator -------------------------------------------------------------------------------


def _month_labels(rng: PeriodRange) -> dict[int, tuple[str, str]]:
    months = rng.months()
    if len(months) > 12:
        raise InputError("by='month' compares each month with the same month a year earlier: "
                         "give a range of at most twelve months")
    return {m.number: (str(m), str(Period(m.year - 1, Freq.MONTHLY, m.number))) for m in months}


def _choose(eng: Engine, codes: list[str], target: Partner, rng: PeriodRange, prev: PeriodRange,
            flows: Sequence[str], kw: dict[str, Any], batch: bool, what: str
            ) -> tuple[list[tuple[Plan, Plan]], dict[str, Any], set[tuple[str, str]]]:
    missing: dict[str, Any]
    if target.bloc is not None:
        target.members = sorted(target.bloc.members(during=rng))
        pairs, missing, grouped = _bloc_pairs(eng, codes, target, rng, prev, flows, kw)
    else:
        pairs, missing, grouped = [], {}, set()
        for r in codes:
            try:
                pairs.append(_pair(eng, r, rng, prev, flows, kw, what))
            except NoData as exc:
                if not batch:
                    raise
                missing[r] = exc.message
    if not pairs:
        if missing and not batch:
            raise next(iter(missing.values()))
        raise NoData(f"no data for {'any reporter' if batch else codes[0]} in {rng} and {prev}",
                     available={r: str(e) for r, e in list(missing.items())[:50]})
    return pairs, missing, grouped


def _bloc_notes(target: Partner, rng: PeriodRange, grouped: set[tuple[str, str]]) -> list[str]:
    if target.bloc is None:
        return []
    bloc_id = target.bloc.id
    return [f"{bloc_id}: the members during {rng} on both sides: "
            + ", ".join(target.members or []),
            *(f"{r}: the {'current' if side == CUR else 'previous'} side uses the "
              f"publisher's {bloc_id} row" for r, side in sorted(grouped))]


def growth(eng: Engine, reporter: Reporters, period: PeriodLike, partner: str | None = None,
           flow: FlowLike = TradeFlow.TURNOVER, *, by: By | str | None = None, basis: str | None = None,
           source: str | None = None) -> Result:
    """Growth of a reporter's trade with a partner, a bloc or the world, year on year.

    ``reporter="*"`` with ``partner="*"`` gives every pair in one query.
    """
    if by not in (None, By.MONTH):
        raise InputError(f"by must be None or 'month', not {_cut(str(by))!r}")
    monthly = by is not None
    eng.refresh()
    rng = period_range(period)
    prev = rng.previous_year()
    tf = trade_flow(flow)
    flows = flows_of(tf)
    target = resolve_partner(partner)
    check_source(eng, source)
    batch = is_batch(reporter)
    labels = _month_labels(rng) if monthly else None

    def make() -> tuple[ir.Table, Answer[None]]:
        codes = reporter_codes(reporter, eng.catalog().reporters() if batch else ())
        kw = {"basis": basis, "source": source, "freqs": ("M",) if monthly else FREQ_ORDER}
        pairs, missing, grouped = _choose(eng, codes, target, rng, prev, flows, kw, batch,
                                          tf.value)
        cur, old = [p[0] for p in pairs], [p[1] for p in pairs]
        world = has_world([*cur, *old]) and target.kind in (PartnerKind.WORLD, PartnerKind.BLOC)
        simple = target.bloc is None and not world
        frame = base(eng, side_rows(eng, cur, old, rng), [*cur, *old], keys=(*BASE_KEYS, "side"),
                     periods=world or monthly, raw=simple)
        expr = growth_table(frame.table, flows, target, monthly=monthly, grouped=grouped,
                            world=world)
        query = {"reporter": ALL if batch else codes[0], "partner": target.label(),
                 "partner_kind": target.kind.value, "period": str(rng),
                 "previous_period": str(prev), "flow": tf.value, "by": "month" if monthly else None,
                 "basis": basis, "source": source, **run_echo(frame.currency, eng),
                 "selections": plans_query(cur) + plans_query(old)}
        if target.bloc is not None:
            query["members"] = target.members
        notes = [*plan_notes(cur, totals=target.kind is PartnerKind.WORLD), *plan_notes(old),
                 *frame.notes, GROWTH_NOTE.format(previous=prev),
                 *_bloc_notes(target, rng, grouped), *missing_note(missing)]
        return expr, Answer(with_rates(query, frame.rates), datasets_for(eng, [*cur, *old], frame),
                            notes,
                            functools.partial(_build, tf.value, rng, prev, labels, frame.currency))

    key = ("growth", reporter_key(reporter), str(rng), target.label(), tf.value,
           "month" if monthly else None, basis, source)
    found, table = answer(eng, key, make)
    return result("growth", found, table)


_EXTRA = ("export", "import", "previous_export", "previous_import")


def _build(flow: str, rng: PeriodRange, prev: PeriodRange,
           labels: dict[int, tuple[str, str]] | None, currency: str,
           table: pa.Table) -> list[JSONDict]:
    rows = []
    for r in table.to_pylist():
        period, previous = labels[r["month"]] if labels else (str(rng), str(prev))
        row = {"reporter": r["reporter"], "partner": r["partner"],
               "partner_name": area_name(r["partner"]), "flow": flow, "period": period,
               "previous_period": previous, "value": r["value"],
               "previous_value": r["previous_value"], "change": r["change"],
               "growth": r["growth"], "currency": currency, "basis": "reported"}
        row.update((k, r[k]) for k in _EXTRA if k in r)
        rows.append(row)
    if labels:  # months in calendar order within each reporter and partner
        order = {m: i for i, m in enumerate(labels)}
        rows.sort(key=lambda x: (x["reporter"], x["partner"], order[int(x["period"][5:])]))
    return rows


BY = Param("by", By | None, None, help="'month': each month against the same month a year earlier.")
GROWTH_PARTNER = Param("partner", str | None, None, help="A country, a bloc (CIS …), '*' for "
                       "every partner; default: the world.", bounds={"max_length": 80})

SPEC = Indicator(
    name="growth",
    summary="Year-on-year growth",
    help="Year-on-year growth over a period range (e.g. 2024-01..2024-09 against "
         "2023-01..2023-09).",
    params=(REPORTER, PERIOD, GROWTH_PARTNER, FLOW, BY, BASIS, SOURCE),
    fields=("reporter", "partner", "partner_name", "flow", "period", "previous_period",
            "value", "previous_value", "change", "growth", "currency", "basis"),
    columns=("partner", "partner_name", "period", "value", "previous_value", "change", "growth"),
    function=growth,
    table=growth_table,
    notes=(GROWTH_NOTE,),
    contract="""\
`reporter`, `partner` (`WLD` for the world, a country, or the bloc's group code),
`partner_name`, `flow`, `period`, `previous_period` (the same months a year earlier),
`value`, `previous_value`, `change` (`value − previous_value`), `growth`
(`value / previous_value − 1`, a fraction; `null` when the previous value is 0), `currency`,
`basis`; for turnover also `export`, `import`, `previous_export`, `previous_import`. With
`--by month`, one row per month.""",
)
