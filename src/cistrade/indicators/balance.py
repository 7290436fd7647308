"""Trade balance: exports minus imports, in total (partner ``WLD``) and by partner."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from cistrade.indicators.args import (
    ALL,
    BOTH_FLOWS,
    PeriodLike,
    Reporters,
    area_code,
    area_name,
    period_range,
    reporter_key,
)
from cistrade.indicators.frame import base, has_world, select_rows
from cistrade.indicators.measures import partner_values, totals
from cistrade.indicators.provenance import datasets_for, missing_note, plan_notes, plans_query
from cistrade.indicators.share import plans_for
from cistrade.indicators.spec import (
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

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir
    import pyarrow as pa

    from cistrade.indicators.engine import Engine
    from cistrade.indicators.result import Result

__all__ = ["balance", "balance_table", "SPEC"]

FLOWS = BOTH_FLOWS
BALANCE_NOTE = "balance = exports − imports (positive: a surplus); WLD is the total"


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
        wld = t.select("reporter", **{"partner": ibis.literal("WLD"), "export": t.total_export,
                                      "import": t.total_import, "value": t.total})
        rows = wld if partner == "WLD" else ibis.union(wld, pv.select(*wld.columns))
    rows = rows.mutate(balance=rows.export - rows["import"])
    return rows.order_by([rows.reporter, rows.partner != "WLD", ibis.desc(rows.value),
                          rows.partner])


def _build(period: str, currency: str, table: pa.Table) -> list[JSONDict]:
    return [{"reporter": r["reporter"], "partner": r["partner"],
             "partner_name": area_name(r["partner"]), "period": period,
             "export": r["export"], "import": r["import"], "balance": r["balance"],
             "turnover": r["value"], "currency": currency, "basis": "reported"}
            for r in table.to_pylist()]


def balance(eng: Engine, reporter: Reporters, period: PeriodLike, *, partner: str | None = None,
            source: str | None = None) -> Result:
    """Exports minus imports: the total (``WLD``) and every partner, or one partner."""
    eng.refresh()
    rng = period_range(period)
    pcode = area_code(partner) if partner is not None else None

    def make() -> tuple[ir.Table, Answer[None]]:
        plans, missing, batch = plans_for(eng, reporter, rng, FLOWS, basis=None, source=source,
                                          what="export/import")
        world = has_world(plans)
        frame = base(eng, select_rows(eng, plans), plans, periods=world)
        notes = plan_notes(plans, totals=True) + frame.notes + missing_note(missing)
        query = {"reporter": ALL if batch else plans[0].reporter, "partner": pcode,
                 **period_echo(rng), "source": source, **run_echo(frame.currency, eng),
                 "selections": plans_query(plans)}
        return balance_table(frame.table, pcode, world), Answer(
            with_rates(query, frame.rates), datasets_for(eng, plans, frame),
            [*notes, BALANCE_NOTE], functools.partial(_build, str(rng), frame.currency))

    found, table = answer(eng, ("balance", reporter_key(reporter), str(rng), pcode, source), make)
    return result("balance", found, table)


SPEC = Indicator(
    name="balance",
    summary="Exports minus imports",
    help="Exports minus imports, in total (WLD) and by partner.",
    params=(REPORTER, PERIOD, PARTNER, SOURCE),
    fields=("reporter", "partner", "partner_name", "period", "export", "import", "balance",
            "currency", "basis"),
    columns=("partner", "partner_name", "export", "import", "balance"),
    function=balance,
    table=balance_table,
    notes=(BALANCE_NOTE,),
    contract="""\
The total first (`partner` = `WLD`), then each partner: `reporter`, `partner`,
`partner_name`, `period`, `export`, `import`, `balance` (exports − imports), `turnover`,
`currency`, `basis`.""",
)
