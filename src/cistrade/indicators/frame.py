"""From plans to Ibis tables: the selected rows, deduplicated, summed per period, converted.

:func:`predicate` turns plans into one filter on ``flows`` (reporters that share a plan's
shape share one ``reporter IN (…)`` term, so a batch over every reporter stays one scan);
:func:`base` reduces the selected rows to one value per reporter, partner, flow and period
in one currency. Mixed currencies raise :class:`~cistrade.errors.MixedUnits` unless ECB
rates are in the store; then each period's values are converted at that period's average
rate (:func:`cistrade.rates.rate_stats`) and the rates used are named.
"""

from __future__ import annotations

import functools
import operator
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from cistrade.errors import MixedUnits
from cistrade.indicators.select import Plan
from cistrade.model import PeriodRange

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir

    from cistrade.indicators.engine import Engine

__all__ = ["predicate", "shape_facts", "Facts", "select_rows", "dedup", "Frame", "base",
           "has_world", "with_world_totals", "BASE_KEYS"]

BASE_KEYS = ("reporter", "partner", "aggregate", "flow", "period_start", "period_end")
PERIOD_KEYS = ("period_start", "period_end")


def _part_pred(t: ir.Table, plan: Plan) -> Any:
    terms = []
    for p in plan.parts:
        basis = t.partner_basis == p.basis
        if p.agg_basis is not None:
            basis = (~t["aggregate"] & basis) | (t["aggregate"] & (t.partner_basis == p.agg_basis))
        else:
            basis = ~t["aggregate"] & basis
        product = t.product_class == p.product_class
        if p.product_class == "TOTAL":
            product = product & (t.product == "TOTAL")
        terms.append((t.flow == p.flow) & basis & product)
    return functools.reduce(operator.or_, terms)


@dataclass(frozen=True)
class Facts:
    """What the catalog says about every row a shape's filter could meet: filters that could
    not exclude any stored row are left out of the query."""

    who: bool  # rows of the shape's datasets, frequency and range exist for other reporters
    datasets: bool  # rows of other datasets exist
    freqs: bool  # rows of other frequencies exist
    flows: bool  # rows of other flows exist
    products: bool  # rows of other product classes exist
    parts: bool  # rows of another basis, or aggregate rows, exist for a flow asked for


def _facts(shape: Plan, entries: Iterable[Any], who: bool) -> Facts:
    first, last = shape.rng.first_day, shape.rng.last_day
    inside = [e for e in entries if first <= e.start and e.end <= last]
    parts = {p.flow: p for p in shape.parts}
    pcs = {p.product_class for p in shape.parts}

    def odd_part(e: Any) -> bool:
        p = parts.get(e.flow)
        if p is None:
            return False
        return e.basis != (p.agg_basis if e.agg else p.basis) or (bool(e.agg) and
                                                                 p.agg_basis is None)

    return Facts(
        who=who,
        datasets=any(e.dataset_id not in shape.datasets for e in inside),
        freqs=any(e.freq != shape.freq for e in inside),
        flows=any(e.flow not in parts for e in inside),
        products=any(e.product_class not in pcs for e in inside),
        parts=any(odd_part(e) for e in inside),
    )


def _needs_who(catalog: Any, shape: Plan, reporters: set[str]) -> bool:
    """Whether rows of the shape's datasets, frequency and range exist for other reporters."""
    first, last = shape.rng.first_day, shape.rng.last_day
    others = set().union(*(catalog.by_dataset.get(d, set()) for d in shape.datasets)) - reporters
    return any(e.dataset_id in shape.datasets and e.freq == shape.freq
               and first <= e.start and e.end <= last
               for r in others for e in catalog.by_reporter.get(r, ()))


def shape_facts(eng: Engine, plans: Sequence[Plan]) -> dict[Plan, Facts]:
    """:class:`Facts` for each shape of the plans: over the shape's own reporters when it
    keeps a reporter filter, else over every stored row of its range."""
    catalog = eng.catalog()
    shapes: dict[Plan, set[str]] = defaultdict(set)
    for p in plans:
        shapes[p.shape()].add(p.reporter)
    facts = {}
    for shape, reps in shapes.items():
        if _needs_who(catalog, shape, reps):
            mine = (e for r in reps for e in catalog.by_reporter.get(r, ()))
            facts[shape] = _facts(shape, mine, who=True)
        else:
            every = (e for es in catalog.by_reporter.values() for e in es)
            facts[shape] = _facts(shape, every, who=False)
    return facts


def _atoms(t: ir.Table, shape: Plan, reporters: Sequence[str], facts: Facts | None
           ) -> dict[Any, Any]:
    """The conjuncts selecting one shape's rows, keyed so that shapes can share them; with
    ``facts``, only those that exclude some stored row."""
    first, last = shape.rng.first_day, shape.rng.last_day
    ds = shape.datasets
    need = facts or Facts(True, True, True, True, True, True)
    atoms: dict[Any, Any] = {}
    # simple conjuncts implied by every part come first, so that the scan can filter on them
    if need.products and {p.product_class for p in shape.parts} == {"TOTAL"}:
        atoms[("total",)] = (t.product_class == "TOTAL") & (t.product == "TOTAL")
    if need.parts and all(p.agg_basis is None for p in shape.parts):
        atoms[("no-aggregates",)] = ~t["aggregate"]
    if need.freqs:
        atoms[("freq", shape.freq)] = t.freq == shape.freq
    if shape.freq == "C":
        atoms[("when", first, last)] = (t.period_start == first) & (t.period_end == last)
    else:
        atoms[("when", first, last)] = (t.period_start >= first) & (t.period_end <= last)
    if need.datasets:
        atoms[("datasets", ds)] = (t.dataset_id == ds[0] if len(ds) == 1
                                   else t.dataset_id.isin(list(ds)))
    if need.flows:
        atoms[("flows", shape.flows)] = t.flow.isin(list(shape.flows))
    if need.who:
        who = t.reporter == reporters[0] if len(reporters) == 1 else t.reporter.isin(reporters)
        atoms[("who", tuple(reporters))] = who
    if need.parts or (need.products and {p.product_class for p in shape.parts} != {"TOTAL"}):
        atoms[("parts", shape.parts)] = _part_pred(t, shape)
    return atoms


def predicate(t: ir.Table, plans: Sequence[Plan],
              facts: dict[Plan, Facts] | None = None) -> Any:
    """One boolean expression selecting every plan's rows: the conjuncts all shapes share
    first (the scan filters on them), then one term per shape for the rest. ``facts``
    (:func:`shape_facts`) leave out the conjuncts no stored row would fail."""
    shapes: dict[Plan, list[str]] = defaultdict(list)
    for plan in plans:
        shapes[plan.shape()].append(plan.reporter)
    per_shape = [_atoms(t, shape, sorted(reps), (facts or {}).get(shape))
                 for shape, reps in shapes.items()]
    common = set.intersection(*(set(a) for a in per_shape))
    top = [per_shape[0][k] for k in per_shape[0] if k in common]
    rest = [[a[k] for k in a if k not in common] for a in per_shape]
    if all(rest):
        top.append(functools.reduce(operator.or_, (functools.reduce(operator.and_, r)
                                                   for r in rest)))
    return functools.reduce(operator.and_, top) if top else ibis_true()


def ibis_true() -> Any:
    import ibis

    return ibis.literal(True)


def dedup(eng: Engine, sel: ir.Table) -> ir.Table:
    """One row per natural key: the newest vintage's (datasets of one source can overlap)."""
    import ibis

    from cistrade.schema import NATURAL_KEY  # the schema imports Arrow: not at CLI start-up

    datasets = eng.datasets
    ids = sorted(datasets)
    vint = ibis.memtable({"dataset_id": ids, "_vintage": [datasets[i]["vintage"] for i in ids]})
    j = sel.join(vint, "dataset_id")
    w = ibis.window(group_by=list(NATURAL_KEY),
                    order_by=[ibis.desc(j._vintage), ibis.desc(j.dataset_id)])
    j = j.mutate(_rn=ibis.row_number().over(w))
    return j.filter(j._rn == 0).drop("_rn", "_vintage")


#: above this many distinct plan shapes, rows are chosen by a semi-join on the plans' catalog
#: entries instead of one filter term per shape (cheaper to compile, same rows)
MAX_SHAPES = 8
_KEY_COLUMNS = ("reporter", "dataset_id", "flow", "freq", "period_start", "period_end",
                "product_class", "partner_basis", "aggregate")


def _keys_table(plans: Sequence[Plan]) -> Any:
    import ibis

    seen = {(e.reporter, e.dataset_id, e.flow, e.freq, e.start, e.end, e.product_class, e.basis,
             bool(e.agg)) for p in plans for e in p.entries}
    cols: list[tuple[Any, ...]] = (list(zip(*sorted(seen), strict=True)) if seen
                                   else [() for _ in _KEY_COLUMNS])
    return ibis.memtable(
        {k: list(v) for k, v in zip(_KEY_COLUMNS, cols, strict=True)},
        schema={"reporter": "string", "dataset_id": "string", "flow": "string",
                "freq": "string", "period_start": "date", "period_end": "date",
                "product_class": "string", "partner_basis": "string", "aggregate": "boolean"})


def _totals_pred(t: ir.Table, plans: Sequence[Plan]) -> Any:
    """The World rows of the plans' :attr:`~Plan.totals` (one term per dataset, flow and
    frequency of a reporter); None when there are none."""
    groups: dict[tuple[str, str, str, str, str], list[Any]] = defaultdict(list)
    for p in plans:
        for e in p.totals:
            groups[(p.reporter, e.dataset_id, e.flow, e.freq, e.basis)].append(e)
    terms = []
    for (reporter, ds, flow, freq, basis), es in sorted(groups.items()):
        terms.append((t.reporter == reporter) & (t.dataset_id == ds) & (t.flow == flow)
                     & (t.freq == freq) & (t.partner_basis == basis)
                     & t.period_start.isin(sorted({e.start for e in es}))
                     & t.period_end.isin(sorted({e.end for e in es})))
    if not terms:
        return None
    world = t["aggregate"] & (t.partner == "WLD") & (t.product_class == "TOTAL") \
        & (t.product == "TOTAL")
    return world & functools.reduce(operator.or_, terms)


def with_world_totals(eng: Engine, sel: ir.Table, plans: Sequence[Plan]) -> ir.Table:
    """``sel`` with each plan's World rows exactly those its total is read from
    (:attr:`Plan.totals`): a plan whose totals are not among its own rows has its own World
    rows dropped and the chosen ones added (another dataset or frequency of its source)."""
    import ibis

    foreign = [p for p in plans if not p.totals_own]
    if not foreign:
        return sel
    spans: dict[tuple[date, date], list[str]] = defaultdict(list)
    for p in foreign:
        spans[(p.rng.first_day, p.rng.last_day)].append(p.reporter)
    mine = functools.reduce(operator.or_, (
        sel.reporter.isin(sorted(set(codes))) & (sel.period_start >= first)
        & (sel.period_end <= last) for (first, last), codes in sorted(spans.items())))
    sel = sel.filter(~(sel["aggregate"] & (sel.partner == "WLD") & mine))
    pred = _totals_pred(eng.flows, foreign)
    return sel if pred is None else ibis.union(sel, eng.flows.filter(pred))


def select_rows(eng: Engine, plans: Sequence[Plan], where: Any = None) -> ir.Table:
    """The rows of ``flows`` the plans choose (``where``: an extra filter on ``flows``), with
    the World rows each plan's total is read from (:func:`with_world_totals`)."""
    t = eng.flows
    shapes = {p.shape() for p in plans}
    if len(shapes) <= MAX_SHAPES:
        pred = predicate(t, plans, shape_facts(eng, plans))
        sel = t.filter(pred & where(t)) if where is not None else t.filter(pred)
    else:
        pre = t.filter(where(t)) if where is not None else t
        pre = pre.filter((pre.product_class != "TOTAL") | (pre.product == "TOTAL"))
        sel = pre.semi_join(_keys_table(plans), list(_KEY_COLUMNS))
    if any(p.overlap for p in plans):
        sel = dedup(eng, sel)
    return with_world_totals(eng, sel, plans)


@dataclass
class Frame:
    """Values per reporter, partner, flow and period in one currency, and how they were made."""

    table: Any  # ir.Table with BASE_KEYS (+ extra keys) and value
    currency: str
    notes: list[str] = field(default_factory=list)
    rates: list[dict[str, Any]] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)  # the rates' datasets, when converted


def _units(plans: Sequence[Plan]) -> set[tuple[date, date]]:
    return {u for p in plans for u in p.units} | {e.unit for p in plans for e in p.totals}


def _rate_table(eng: Engine, currencies: Sequence[str], target: str,
                units: set[tuple[date, date]]) -> list[dict[str, Any]]:
    from cistrade.rates import rate_stats  # only where currencies differ; imports Arrow

    found = []
    for cur in currencies:
        if cur == target:
            continue
        for start, end in sorted(units):
            st = rate_stats(eng.meta, cur, target, PeriodRange.between(start, end))
            found.append({"currency": cur, "to": target, "period_start": start, "period_end": end,
                          "rate": st.rate, "days": st.days})
    return found


def has_world(plans: Sequence[Plan]) -> bool:
    """Whether any plan takes a total from the publisher's World rows (:attr:`Plan.totals`)."""
    return any(not p.world_nowhere(f) for p in plans for f in p.flows)


def base(eng: Engine, sel: ir.Table, plans: Sequence[Plan], *, keys: Sequence[str] = BASE_KEYS,
         currency: str | None = None, periods: bool = True, raw: bool = False) -> Frame:
    """The selected rows' values per ``keys``, in one currency.

    ``periods=False`` drops the period columns from the keys (no per-period logic follows);
    ``raw=True`` leaves the rows unsummed when no conversion is needed (for a caller that
    groups them once itself, as hand-written SQL would). Currencies that differ are converted
    per period at the ECB rates (MixedUnits without them).
    """
    import ibis

    keys = [k for k in keys if periods or k not in PERIOD_KEYS]
    currencies = sorted({c for p in plans for c in p.currencies})
    if len(currencies) <= 1 and (currency is None or currencies == [currency]):
        cur = currencies[0] if currencies else (currency or "USD")
        if raw:
            return Frame(sel.select(*keys, "value"), cur)
        return Frame(sel.group_by(keys).aggregate(value=sel.value.sum()), cur)
    target = currency or ("USD" if "USD" in currencies else currencies[0])
    if not eng.has_rates:
        raise MixedUnits(
            f"the figures are in {' and '.join(currencies)}; they are not added without exchange "
            "rates: ingest the ECB reference rates (cistrade ingest rates eurofxref-hist.zip)",
            currencies=currencies,
        )
    rates = _rate_table(eng, currencies, target, _units(plans))
    join_keys = list(dict.fromkeys([*keys, *PERIOD_KEYS, "currency"]))
    g = sel.group_by(join_keys).aggregate(value=sel.value.sum())
    rt = ibis.memtable({k: [r[k] for r in rates] for k in
                        ("currency", "period_start", "period_end", "rate")},
                       schema={"currency": "string", "period_start": "date",
                               "period_end": "date", "rate": "float64"})
    j = g.left_join(rt, ["currency", "period_start", "period_end"])
    factor = ibis.cases((j.currency == target, 1.0), else_=j.rate)
    conv = j.mutate(value=j.value * factor)
    table = conv.group_by(keys).aggregate(value=conv.value.sum())
    rate_ids = sorted(k for k, d in eng.datasets.items() if d["source"] == "ecb-rates")
    others = ", ".join(c for c in currencies if c != target)
    note = (f"{others} converted to {target} at the ECB reference rates averaged over each "
            f"period ({len(rates)} period rate(s); see query.rates)")
    return Frame(table, target, [note], rates, rate_ids)
