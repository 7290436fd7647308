"""Michaely's trade complementarity index: how well one side's exports fit another's imports.

``TC = 100 · (1 − ½ Σ_k |m_k − x_k|) = 100 · Σ_k min(x_k, m_k)``, ``x`` the product shares of
the exporter's exports, ``m`` of the importer's imports (:mod:`.shares`): 100 where the export
mix is the import mix, 0 where they share no product. Either side may be a bloc (its members
during the period, the other side left out of it); the importer may be the world (``WLD``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

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
from cistrade.indicators.strengths.shares import Side, export_shares, import_shares, overlap

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir

    from cistrade.indicators.engine import Engine
    from cistrade.indicators.result import Result
    from cistrade.model import PeriodRange

__all__ = ["complementarity", "tc_sides", "TC_NOTE", "SPEC"]

TC_NOTE = ("complementarity (Michaely) = 100 · Σ_k min(x_k, m_k): x the product's share of the "
           "exporter's exports, m of the importer's imports (0: no product in common, 100: the "
           "same mix)")


def tc_sides(exporter: Any, importer: Any, rng: PeriodRange) -> tuple[Side, Side]:
    """The exporter (a country or a bloc) and the importer (also the world), each bloc
    without the other side when that is one of its members."""
    ex = side_of(exporter, rng)
    im = side_of(importer, rng, world=True,
                 without=ex.label if ex.countries == (ex.label,) else None)
    ex = side_of(exporter, rng, without=im.label if im.countries == (im.label,) else None)
    return ex, im


def tc_pair(ex: Side, im: Side) -> Pair:
    """The complementarity question of ``ex``'s exports with ``im``'s imports."""

    def shares(eng: Engine, w: World) -> tuple[ir.Table, ir.Table]:
        rows = product_rows(eng, w.sel, w.level)
        return export_shares(rows, [ex], name="exporter"), import_shares(rows, [im], name="importer")

    return Pair("complementarity", "exporter", "importer", "export", "import", ex, im, None,
                shares)


def complementarity(eng: Engine, exporter: str, importer: str, period: PeriodLike, *,
                    level: Level | str = Level.HS6, top: int | None = 10, source: str | None = None,
                    product_class: str | None = None) -> Result:
    """Michaely's complementarity of ``exporter``'s exports with ``importer``'s imports
    (``importer="WLD"``: the world's); the ``products`` section lists the ``top`` products
    contributing most (what one exports and the other imports)."""
    ex, im = tc_sides(exporter, importer, period_range(period))
    return pair_result(eng, tc_pair(ex, im), period, level, top, source, product_class,
                       side_note(ex, "exporter") + side_note(im, "importer") + [TC_NOTE])


SPEC = Indicator(
    name="complementarity",
    summary="Trade complementarity (Michaely) of one side's exports with another's imports",
    help="Trade complementarity (Michaely): how well an exporter's exports fit an importer's\n"
         "imports (either may be a bloc; the importer WLD is the world), and the products\n"
         "contributing most.",
    params=(EXPORTER,
            Param("importer", str, help="The importing country or bloc; WLD for the world.",
                  short="-m", bounds={"min_length": 1, "max_length": 80}),
            PERIOD, LEVEL,
            replace(TOP, default=10, help="The N products contributing most."),
            STRENGTHS_SOURCE, PRODUCT_CLASS),
    fields=("exporter", "importer", *PAIR_FIELDS),
    columns=("exporter", "importer", "index", "products"),
    function=complementarity,
    table=overlap,
    notes=(TC_NOTE,),
    sections=("products", "members"),
    section_columns={"products": product_fields("export", "import")},
    contract="""\
One row: `exporter`, `importer` (a country code, a bloc id, or `WLD`), `period`, `index`
(0–100: `100 · Σ_k min(x_k, m_k)`), `products` (how many products both trade; an index of 0
when none). Two more top-level keys: `products` (the `top` products contributing most:
`product`, `product_name`, `export_value`, `export_share`, `import_value`, `import_share`,
`contribution`) and `members` (every country named: `member`, `name`, `status`
`exports+imports` | `exports` | `imports` | `none`, `exports`, `imports`: what the world
table holds of it).""",
)
