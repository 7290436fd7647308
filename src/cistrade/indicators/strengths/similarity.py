"""Finger–Kreinin export similarity: how alike two exporters' export mixes are.

``ES = 100 · Σ_k min(a_k, b_k)`` over the product shares of each exporter's exports (to one
market only, a country or a bloc, when given): 100 where they sell the same mix, so compete in
the same products; 0 where they share none.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from cistrade.indicators.args import PeriodLike, period_range
from cistrade.indicators.spec import PERIOD, TOP, Indicator, Param
from cistrade.indicators.strengths.base import (
    EXPORTER,
    LEVEL,
    PRODUCT_CLASS,
    STRENGTHS_SOURCE,
    Level,
    World,
    side_note,
    side_of,
)
from cistrade.indicators.strengths.frame import product_rows
from cistrade.indicators.strengths.pairs import (
    PAIR_FIELDS,
    Pair,
    pair_result,
    product_fields,
)
from cistrade.indicators.strengths.shares import export_shares, overlap

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir

    from cistrade.indicators.engine import Engine
    from cistrade.indicators.result import Result

__all__ = ["similarity", "FK_NOTE", "SPEC"]

FK_NOTE = ("export similarity (Finger–Kreinin) = 100 · Σ_k min(a_k, b_k), a and b the "
           "product's shares of each exporter's exports")


def similarity(eng: Engine, exporter: str, other: str, period: PeriodLike, *, market: str | None = None,
               level: Level | str = Level.HS6, top: int | None = 10, source: str | None = None,
               product_class: str | None = None) -> Result:
    """Finger–Kreinin similarity of two exporters (to ``market`` only, when given); the
    ``products`` section lists the ``top`` products they have most in common."""
    rng = period_range(period)
    a, b = side_of(exporter, rng), side_of(other, rng)
    mkt = side_of(market, rng, world=True)

    def shares(eng: Engine, w: World) -> tuple[ir.Table, ir.Table]:
        rows = product_rows(eng, w.sel, w.level)
        return (export_shares(rows, [a], mkt, name="exporter"),
                export_shares(rows, [b], mkt, name="other"))

    p = Pair("similarity", "exporter", "other", "exporter", "other", a, b, mkt, shares)
    return pair_result(eng, p, period, level, top, source, product_class,
                       side_note(mkt, "market") + [FK_NOTE])


SPEC = Indicator(
    name="similarity",
    summary="Export similarity (Finger–Kreinin) of two exporters",
    help="Export similarity (Finger–Kreinin) of two exporters, in one market or the world:\n"
         "how much they compete in the same products.",
    params=(replace(EXPORTER, help="One exporting country or bloc."),
            Param("other", str, help="The other exporting country or bloc.", short="-o",
                  bounds={"min_length": 1, "max_length": 80}),
            PERIOD,
            Param("market", str | None, None, help="Their exports to this country or bloc "
                  "only; default: to the world.", bounds={"max_length": 80}),
            LEVEL, replace(TOP, default=10, help="The N products they have most in common."),
            STRENGTHS_SOURCE, PRODUCT_CLASS),
    fields=("exporter", "other", "market", *PAIR_FIELDS),
    columns=("exporter", "other", "market", "index", "products"),
    function=similarity,
    table=overlap,
    notes=(FK_NOTE,),
    sections=("products", "members"),
    section_columns={"products": product_fields("exporter", "other")},
    contract="""\
One row: `exporter`, `other`, `market` (`WLD`: their exports to the world), `period`, `index`
(0–100: `100 · Σ_k min(a_k, b_k)`), `products` (how many both export). Two more top-level
keys: `products` (`product`, `product_name`, `exporter_value`, `exporter_share`,
`other_value`, `other_share`, `contribution`) and `members` (as `complementarity`'s).""",
)
