"""Mirror statistics: a reporter's own figures beside its partners' reports of the same trade.

A partner's imports from X are X's **mirror exports**; its exports to X are X's **mirror
imports**. Imports are valued CIF and exports FOB, so the mirror figures are adjusted by a
stated CIF/FOB factor (default :data:`CIF_FOB` = 1.06, a typical freight-and-insurance
margin)::

    mirror exports = partner's CIF imports / cif_fob
    mirror imports = partner's FOB exports × cif_fob

Rows a partner values otherwise (imports FOB, exports CIF) are not adjusted. Each partner's
own report is chosen as any reporter's would be (its preferred source, the frequency that
covers the range). The **filled** view takes the reporter's figure where its data has the
row and the mirror figure elsewhere — for a reporter that stopped publishing by partner
(Russia from 2022) every figure is a mirror one — and says which each figure is.
``export_ratio`` = reported / mirror (adjusted): 1 on perfectly symmetric data.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cistrade.errors import InputError, NoData, _cut
from cistrade.indicators.args import (
    ALL,
    BOTH_FLOWS,
    PeriodLike,
    Reporters,
    area_code,
    area_name,
    is_batch,
    period_range,
    reporter_codes,
    reporter_key,
)
from cistrade.indicators.frame import BASE_KEYS, base, select_rows
from cistrade.indicators.provenance import datasets_of, missing_note, plan_notes, plans_query
from cistrade.indicators.select import Plan, check_source, plan_many
from cistrade.indicators.spec import (
    CIF_FOB_FACTOR,
    DEFAULT_CIF_FOB,
    PARTNER,
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
from cistrade.model import Flow, PeriodRange

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir
    import pyarrow as pa

    from cistrade.indicators.engine import Engine
    from cistrade.indicators.result import Result

__all__ = ["mirror", "CIF_FOB", "reported_values", "mirror_values", "mirror_table",
           "flow_plans", "partner_plans", "MirrorData", "mirror_data", "SPEC"]

CIF_FOB = DEFAULT_CIF_FOB
FLOWS = BOTH_FLOWS
_COLUMNS = ("export_reported", "import_reported", "export_mirror_raw", "export_mirror",
            "import_mirror_raw", "import_mirror")


def reported_values(b: ir.Table) -> ir.Table:
    """Per reporter and partner: ``export_reported``/``import_reported`` (null: no row)."""
    p = b.filter(~b["aggregate"])
    return p.group_by(["reporter", "partner"]).aggregate(
        export_reported=p.value.sum(where=p.flow == Flow.EXPORT.value),
        import_reported=p.value.sum(where=p.flow == Flow.IMPORT.value),
    )


def mirror_values(b: ir.Table, cif_fob: float) -> ir.Table:
    """Partners' rows turned round: per (reporter = their partner, partner = them) the raw and
    CIF/FOB-adjusted mirror exports and imports."""
    import ibis

    p = b.filter(~b["aggregate"])
    their_import, their_export = p.flow == Flow.IMPORT.value, p.flow == Flow.EXPORT.value
    down = ibis.cases((p.valuation == "FOB", 1.0), else_=1.0 / cif_fob)
    up = ibis.cases((p.valuation == "CIF", 1.0), else_=cif_fob)
    p = p.mutate(_x=p.value * down, _m=p.value * up)
    g = p.group_by([p.partner.name("_r"), p.reporter.name("_p")]).aggregate(
        export_mirror_raw=p.value.sum(where=their_import),
        export_mirror=p._x.sum(where=their_import),
        import_mirror_raw=p.value.sum(where=their_export),
        import_mirror=p._m.sum(where=their_export),
    )
    return g.rename(reporter="_r", partner="_p")


def _filled(j: ir.Table, flow: str) -> dict[str, Any]:
    import ibis

    rep, mir = j[f"{flow}_reported"], j[f"{flow}_mirror"]
    return {flow: ibis.coalesce(rep, mir), f"{flow}_ratio": rep / mir.nullif(0.0)}


def with_basis(table: pa.Table) -> pa.Table:
    """``export_basis``/``import_basis`` (reported, mirror or null) added to the answer, after
    ``export``/``import``: Arrow does it in a millisecond, where writing the labels in the
    query cost a seventh of its time."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for flow in BOTH_FLOWS:
        rep, mir = table[f"{flow}_reported"], table[f"{flow}_mirror"]
        basis = pc.if_else(pc.is_valid(rep), pa.scalar("reported"),
                           pc.if_else(pc.is_valid(mir), pa.scalar("mirror"),
                                      pa.scalar(None, pa.string())))
        table = table.add_column(table.schema.get_field_index(flow) + 1, f"{flow}_basis", basis)
    return table


def mirror_table(rep: ir.Table, mir: ir.Table) -> ir.Table:
    """Reported and mirror values side by side (a full outer join on reporter and partner),
    the filled view and the asymmetry ratios."""
    import ibis

    j = rep.outer_join(mir, ["reporter", "partner"])
    j = j.select(reporter=ibis.coalesce(j.reporter, j.reporter_right),
                 partner=ibis.coalesce(j.partner, j.partner_right),
                 **{c: j[c] for c in _COLUMNS})
    return j.mutate(**_filled(j, "export"), **_filled(j, "import"))


def flow_plans(eng: Engine, reporters: Sequence[str], rng: PeriodRange,
               source: str | None = None) -> tuple[list[Plan], dict[str, str]]:
    """Each reporter's plan for both flows where it covers both, else for each flow it covers
    on its own (a partner-side extract often has only exports)."""
    plans, missing = plan_many(eng, reporters, rng, FLOWS, source=source)
    for flow in FLOWS:
        single, _ = plan_many(eng, sorted(missing), rng, (flow,), source=source)
        plans += single
    covered = {p.reporter for p in plans}
    return plans, {r: why for r, why in missing.items() if r not in covered}


def partner_plans(eng: Engine, targets: Sequence[str], rng: PeriodRange,
                  partner: str | None = None) -> list[Plan]:
    """Every other reporter's plans for the range (only ``partner``'s when given)."""
    others = [partner] if partner else [r for r in eng.catalog().reporters()
                                        if len(targets) != 1 or r != targets[0]]
    return flow_plans(eng, others, rng)[0]


@dataclass
class MirrorData:
    """The reported and partner-side bases of a mirror computation, in one currency (a side
    without plans is None)."""

    rep: ir.Table | None
    mir: ir.Table | None
    currency: str
    notes: list[str]
    rates: list[JSONDict]
    datasets: set[str]


def _currency(plans: Sequence[Plan]) -> str | None:
    found = sorted({c for p in plans for c in p.currencies})
    if len(found) <= 1:
        return found[0] if found else None
    return "USD" if "USD" in found else found[0]


def mirror_data(eng: Engine, rep_plans: Sequence[Plan], mir_plans: Sequence[Plan],
                targets: Sequence[str] | None, partner: str | None = None) -> MirrorData:
    """Both sides' base tables (``targets``: whose trade the partner side is read for; None for
    everyone). When both sides are the same selection (every reporter at once), one."""
    currency = _currency([*rep_plans, *mir_plans])
    keys = (*BASE_KEYS, "valuation")
    notes: list[str] = []
    rates: list[dict[str, Any]] = []
    ids: set[str] = set()

    def frame_of(plans: Sequence[Plan], where: Callable[[ir.Table], Any]) -> ir.Table | None:
        if not plans:
            return None
        frame = base(eng, select_rows(eng, plans, where), plans, keys=keys, currency=currency,
                     periods=False)
        notes.extend(n for n in frame.notes if n not in notes)
        rates.extend(frame.rates)
        ids.update(frame.datasets, (d for p in plans for d in p.datasets))
        return frame.table

    # partner rows only (a published World or group row is nobody's mirror), filtered in
    # the scan itself
    if targets is None and partner is None and set(rep_plans) == set(mir_plans):
        rep = mir = frame_of(rep_plans, lambda t: ~t["aggregate"])
    else:
        rep = frame_of(rep_plans, (lambda t: ~t["aggregate"] & (t.partner == partner))
                       if partner else (lambda t: ~t["aggregate"]))
        mir = frame_of(mir_plans, (lambda t: ~t["aggregate"] & t.partner.isin(list(targets)))
                       if targets is not None else (lambda t: ~t["aggregate"]))
    return MirrorData(rep, mir, currency or "USD", notes, rates, ids)


def _tables(data: MirrorData, cif_fob: float) -> ir.Table:
    import ibis

    def empty(cols: tuple[str, ...]) -> ir.Table:
        return ibis.memtable({"reporter": [], "partner": [], **{c: [] for c in cols}},
                             schema={"reporter": "string", "partner": "string",
                                     **{c: "float64" for c in cols}})

    rep = reported_values(data.rep) if data.rep is not None else empty(_COLUMNS[:2])
    mir = mirror_values(data.mir, cif_fob) if data.mir is not None else empty(_COLUMNS[2:])
    return mirror_table(rep, mir)


def mirror(eng: Engine, reporter: Reporters, period: PeriodLike, *, partner: str | None = None,
           cif_fob: float = CIF_FOB, source: str | None = None) -> Result:
    """A reporter's figures beside its partners' reports, with ratios and a filled view."""
    if not cif_fob > 0:
        raise InputError(f"cif_fob must be a positive factor, not {_cut(str(cif_fob))!r}")
    eng.refresh()
    check_source(eng, source)
    rng = period_range(period)
    batch = is_batch(reporter)
    pcode = area_code(partner) if partner is not None else None

    def make() -> tuple[ir.Table, Answer[None]]:
        targets = reporter_codes(reporter, eng.catalog().reporters() if batch else ())
        rep_plans, missing = flow_plans(eng, targets, rng, source)
        mir_plans = partner_plans(eng, targets, rng, pcode)
        if not rep_plans and not mir_plans:
            raise NoData(f"no data for {targets[0] if not batch else 'any reporter'} in {rng}, "
                         "neither its own nor its partners'", available=missing or None)
        data = mirror_data(eng, rep_plans, mir_plans, None if batch else targets, pcode)
        expr = _tables(data, cif_fob)
        expr = expr.filter(expr.reporter.isin(targets)) if not batch else expr
        if pcode:
            expr = expr.filter(expr.partner == pcode)
        notes = _notes(targets, missing, rep_plans, mir_plans, cif_fob, batch) + data.notes
        query = {"reporter": ALL if batch else targets[0], "partner": pcode, **period_echo(rng),
                 "cif_fob": cif_fob, "source": source, **run_echo(data.currency, eng),
                 "selections": plans_query(rep_plans),
                 "partner_reports": sorted({(p.reporter, p.source) for p in mir_plans})[:300]}
        return _ordered(expr), Answer(with_rates(query, data.rates),
                                      datasets_of(eng, data.datasets), notes,
                                      functools.partial(_build, str(rng), data.currency))

    found, table = answer(eng, ("mirror", reporter_key(reporter), str(rng), pcode, cif_fob, source),
                          make)
    return result("mirror", found, with_basis(table))


def _ordered(t: ir.Table) -> ir.Table:
    import ibis

    size = t.export.fill_null(0.0) + t["import"].fill_null(0.0)
    return t.order_by([t.reporter, ibis.desc(size), t.partner])


_FIELDS = ("export_reported", "export_mirror_raw", "export_mirror", "export_ratio", "export",
           "export_basis", "import_reported", "import_mirror_raw", "import_mirror",
           "import_ratio", "import", "import_basis")


def _build(period: str, currency: str, table: pa.Table) -> list[JSONDict]:
    return [{"reporter": r["reporter"], "partner": r["partner"],
             "partner_name": area_name(r["partner"]), "period": period,
             "currency": currency, **{k: r[k] for k in _FIELDS}}
            for r in table.to_pylist()]


def _notes(targets: Sequence[str], missing: dict[str, str], rep_plans: Sequence[Plan],
           mir_plans: Sequence[Plan], cif_fob: float, batch: bool) -> list[str]:
    notes = [n.format(cif_fob=cif_fob) for n in MIRROR_NOTES]
    if not batch:
        if targets[0] in missing:
            notes.append(f"{targets[0]} publishes no partner data covering this range: every "
                         "figure is a mirror figure from its partners' reports")
        notes += plan_notes(rep_plans)
    else:
        notes += missing_note(missing)
    notes.append(f"partner side: {len(mir_plans)} reporting partner(s)")
    return notes


MIRROR_NOTES = ("mirror exports = partners' CIF imports / {cif_fob:g}; mirror imports = partners' "
                "FOB exports × {cif_fob:g} (rows valued FOB-imports/CIF-exports not adjusted)",
                "export/import: the reporter's figure where its data has the row, else the "
                "mirror figure (see export_basis/import_basis); ratio = reported / mirror")

SPEC = Indicator(
    name="mirror",
    summary="Reported figures beside partners' mirror figures",
    help="A reporter's own figures beside its partners' reports, the asymmetry ratios, and the\n"
         "filled view (reported where published, else mirror).",
    params=(REPORTER, PERIOD, PARTNER, CIF_FOB_FACTOR, SOURCE),
    fields=("reporter", "partner", "partner_name", "period", "currency",
            "export_reported", "export_mirror", "export_ratio", "export", "export_basis",
            "import_reported", "import_mirror", "import_ratio", "import", "import_basis"),
    columns=("partner", "partner_name", "export_reported", "export_mirror", "export_ratio",
             "import_reported", "import_mirror", "import_ratio"),
    function=mirror,
    table=mirror_table,
    notes=MIRROR_NOTES,
    contract="""\
One row per partner: `reporter`, `partner`, `partner_name`, `period`, `currency`;
`export_reported` (the reporter's own figure), `export_mirror_raw` (the partner's imports from
it), `export_mirror` (the same / `cif_fob`), `export_ratio` (reported / mirror), `export` (the
filled view: reported where the reporter has the row, else mirror) and `export_basis`
(`reported` | `mirror`); the same six for imports (`import_reported`, `import_mirror_raw`,
`import_mirror` = the partner's exports × `cif_fob`, `import_ratio`, `import`,
`import_basis`).""",
)
