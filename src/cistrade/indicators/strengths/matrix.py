"""The complementarity matrix of a bloc: every member's exports with every other member's
imports (Michaely's index, :mod:`.complementarity`), in one grouped query.

The members are the bloc's at any time during the period; the ``members`` section says of each
what the world table holds (its own export rows, its imports, or nothing), so that a member
with no data is named, never silently missing from the matrix.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from cistrade.indicators.args import PeriodLike, period_range, resolve_bloc
from cistrade.indicators.spec import BLOC, PERIOD, Indicator
from cistrade.indicators.strengths.base import (
    LEVEL,
    PRODUCT_CLASS,
    STRENGTHS_SOURCE,
    Level,
    World,
    answered,
    finish,
    members,
)
from cistrade.indicators.strengths.complementarity import TC_NOTE
from cistrade.indicators.strengths.frame import product_rows
from cistrade.indicators.strengths.pairs import PAIR_FIELDS, pair_rows
from cistrade.indicators.strengths.shares import Side, export_shares, import_shares, overlap

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir

    from cistrade.indicators.engine import Engine
    from cistrade.indicators.result import Result

__all__ = ["complementarity_matrix", "matrix_table", "SPEC"]


def matrix_table(rows: ir.Table, sides: list[Side]) -> ir.Table:
    """``exporter, importer, index, products`` of every pair of ``sides`` (countries) with a
    product in common, by exporter, then index from the highest."""
    import ibis

    t = overlap(export_shares(rows, sides, name="exporter"),
                import_shares(rows, sides, name="importer"), "exporter", "importer")
    return t.order_by([t.exporter, ibis.desc(t["index"]), t.importer])


def complementarity_matrix(eng: Engine, period: PeriodLike, *, bloc: str = "CIS",
                           level: Level | str = Level.HS6, source: str | None = None,
                           product_class: str | None = None) -> Result:
    """The complementarity index of every member's exports with every other member's
    imports (the members of ``bloc`` at any time during the period)."""
    b = resolve_bloc(bloc)
    rng = period_range(period)
    names = b.members(during=rng)
    sides = [Side(m, (m,)) for m in names]

    def expr(w: World) -> ir.Table:
        return matrix_table(product_rows(eng, w.sel, w.level), sides)

    found, table = answered(eng, ("tc-matrix", b.id, tuple(names)), period, level, source,
                            product_class, expr, {"bloc": b.id, "members": names})
    rows = pair_rows(table, "exporter", "importer", found.query["period"])
    status, member_notes = members(eng, found, names)
    seen = {r["exporter"] for r in rows} | {r["importer"] for r in rows}
    apart = [m for m in names if m not in seen
             and any(s["member"] == m and s["status"] != "none" for s in status)]
    notes = [f"{b.id}: members during {rng}: {', '.join(names)}", TC_NOTE, *member_notes]
    if apart:
        notes.append("in the table but with no product in common with another member (index "
                     "0, no row): " + ", ".join(apart))
    return finish("complementarity_matrix", found, notes, rows=rows,
                  sections={"members": status})


SPEC = Indicator(
    name="complementarity_matrix",
    summary="The complementarity matrix of a bloc's members",
    help="Trade complementarity (Michaely) of every member's exports with every other\n"
         "member's imports (the CIS by default), and what the data hold of each member.",
    params=(PERIOD, replace(BLOC, default="CIS"), LEVEL,
            STRENGTHS_SOURCE, PRODUCT_CLASS),
    fields=("exporter", "importer", *PAIR_FIELDS),
    columns=("exporter", "importer", "index", "products"),
    function=complementarity_matrix,
    table=matrix_table,
    notes=(TC_NOTE,),
    sections=("members",),
    section_columns={"members": ("member", "name", "status")},
    contract="""\
One row per ordered pair of members with a product in common (a pair without has index 0 and
no row): `exporter`, `importer`, `period`, `index` (0–100), `products`. The echo lists the
bloc's `members` during the period; the `members` key says of each what the world table holds
(`member`, `name`, `status` `exports+imports` | `exports` | `imports` | `none`, `exports`,
`imports`).""",
)
