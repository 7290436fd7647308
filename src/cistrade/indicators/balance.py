"""Trade balance: exports minus imports, in total (partner ``WLD``) and by partner."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from cistrade.indicators.args import ALL, area_code, area_name, period_range
from cistrade.indicators.frame import base, has_world, select_rows
from cistrade.indicators.measures import partner_values, totals
from cistrade.indicators.provenance import (
    datasets_of,
    missing_note,
    plan_datasets,
    plan_notes,
    plans_query,
)
from cistrade.indicators.result import Result
from cistrade.indicators.share import plans_for, reporter_key

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir

    from cistrade.indicators.engine import Engine

__all__ = ["balance", "balance_table"]

FLOWS = ("export", "import")


def balance_table(b: ir.Table, partner: str | None = None, world: bool = True) -> ir.Table:
    """Per reporter: the total row (partner ``WLD``: World rows or the partners' sum) and
    every partner's row, with ``balance = export − import``."""
    import ibis

    pv = partner_values(b, FLOWS)
    if partner not in (None, "WLD"):
        rows = pv.filter(pv.partner == partner)
    else:
        t = totals(b, FLOWS) if world else pv.group_by("reporter").aggregate(
            total_export=pv.export.sum(), total_import=pv["import"].sum(),
            total=pv.value.sum())
        world = t.select("reporter", **{"partner": ibis.literal("WLD"), "export": t.total_export,
                                        "import": t.total_import, "value": t.total})
        rows = world if partner == "WLD" else ibis.union(world, pv.select(*world.columns))
    rows = rows.mutate(balance=rows.export - rows["import"])
    return rows.order_by([rows.reporter, rows.partner != "WLD", ibis.desc(rows.value),
                          rows.partner])


def _build(period: str, currency: str, table: Any) -> list[dict[str, Any]]:
    return [{"reporter": r["reporter"], "partner": r["partner"],
             "partner_name": area_name(r["partner"]), "period": period,
             "export": r["export"], "import": r["import"], "balance": r["balance"],
             "turnover": r["value"], "currency": currency, "basis": "reported"}
            for r in table.to_pylist()]


def balance(eng: Engine, reporter: Any, period: Any, *, partner: Any = None,
            source: str | None = None) -> Result:
    """Exports minus imports: the total (``WLD``) and every partner, or one partner."""
    eng.refresh()
    rng = period_range(period)
    pcode = area_code(partner) if partner is not None else None

    def make() -> tuple[Any, dict[str, Any]]:
        plans, missing, batch = plans_for(eng, reporter, rng, FLOWS, basis=None, source=source,
                                          what="export/import")
        world = has_world(plans)
        frame = base(eng, select_rows(eng, plans), plans, periods=world)
        notes = plan_notes(plans, totals=True) + frame.notes + missing_note(missing)
        notes.append("balance = exports − imports (positive: a surplus); WLD is the total")
        query = {"reporter": ALL if batch else plans[0].reporter, "partner": pcode,
                 "period": str(rng), "period_start": rng.first_day, "period_end": rng.last_day,
                 "source": source, "currency": frame.currency, "engine": eng.name,
                 "selections": plans_query(plans)}
        if frame.rates:
            query["rates"] = frame.rates
        ids = plan_datasets(plans) | set(frame.datasets)
        return balance_table(frame.table, pcode, world), {
            "query": query, "datasets": datasets_of(eng, ids), "notes": notes,
            "build": functools.partial(_build, str(rng), frame.currency)}

    prepared = eng.prepare(("balance", reporter_key(reporter), str(rng), pcode, source), make)
    meta = prepared.meta
    return Result("balance", dict(meta["query"]), datasets=meta["datasets"],
                  notes=list(meta["notes"]), table=eng.execute(prepared), build=meta["build"])
