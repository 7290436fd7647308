"""A country's strengths in one answer: ``cistrade strengths --reporter KAZ --partner RUS``.

Its products of highest revealed comparative advantage (:mod:`.rca`) and, with a partner,
Michaely's complementarity both ways (:mod:`.complementarity`: the reporter's exports with the
partner's imports, and the partner's exports with the reporter's imports) and the products
behind each, where one exports and the other imports most. Every part is the prepared query
of its own indicator on the one world table, so the figures equal ``cistrade rca`` and
``cistrade complementarity``'s.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from cistrade.indicators.args import PeriodLike
from cistrade.indicators.result import Result
from cistrade.indicators.spec import PARTNER, PERIOD, REPORTER, TOP, Indicator, JSONDict
from cistrade.indicators.strengths.base import LEVEL, PRODUCT_CLASS, STRENGTHS_SOURCE, Level
from cistrade.indicators.strengths.complementarity import complementarity
from cistrade.indicators.strengths.pairs import product_fields
from cistrade.indicators.strengths.rca import RCA_FIELDS, rca, rca_table

if TYPE_CHECKING:  # pragma: no cover
    from cistrade.indicators.engine import Engine

__all__ = ["strengths", "SPEC"]

NO_PARTNER = "no partner given: no complementarity (--partner RUS, or a bloc: --partner CIS)"


def strengths(eng: Engine, reporter: str, period: PeriodLike, *, partner: str | None = None,
              level: Level | str = Level.HS6, top: int | None = 10, source: str | None = None,
              product_class: str | None = None) -> Result:
    """The reporter's ``top`` products by RCA (rows) and, with ``partner``, the
    ``complementarity`` both ways, the products the reporter exports and the partner imports
    most (``exports_to_partner``) and the other way (``imports_from_partner``)."""
    best = rca(eng, period, reporter=reporter, level=level, top=top, source=source,
               product_class=product_class)
    query = {**best.query, "partner": None}
    notes = list(best.notes)
    if partner is None:
        notes.append(NO_PARTNER)
        return Result("strengths", query, best.rows, best.datasets, notes,
                      sections={"complementarity": [], "exports_to_partner": [],
                                "imports_from_partner": [], "members": []})
    out = complementarity(eng, reporter, partner, period, level=level, top=top, source=source,
                          product_class=product_class)
    back = complementarity(eng, partner, reporter, period, level=level, top=top, source=source,
                           product_class=product_class)
    query["partner"] = out.query["importer"]
    notes = list(dict.fromkeys((*notes, *out.notes, *back.notes)))
    sections: dict[str, list[JSONDict]] = {
        "complementarity": out.rows + back.rows,
        "exports_to_partner": out.sections["products"],
        "imports_from_partner": back.sections["products"],
        "members": out.sections["members"],
    }
    return Result("strengths", query, best.rows, best.datasets, notes, sections=sections)


SPEC = Indicator(
    name="strengths",
    summary="A country's strengths: top products by RCA, complementarity with a partner",
    help="A country's strengths: its top products by revealed comparative advantage and,\n"
         "with a partner, the trade complementarity both ways and the products where one\n"
         "exports and the other imports most.",
    params=(replace(REPORTER, help="The country (a name or code)."), PERIOD,
            replace(PARTNER, help="A partner country or bloc: complementarity both ways."),
            LEVEL, replace(TOP, default=10, help="The N products of each list."),
            STRENGTHS_SOURCE, PRODUCT_CLASS),
    fields=RCA_FIELDS,
    columns=("product", "product_name", "value", "share", "world_share", "rca", "rsca"),
    function=strengths,
    table=rca_table,
    sections=("complementarity", "exports_to_partner", "imports_from_partner", "members"),
    section_columns={
        "complementarity": ("exporter", "importer", "index", "products"),
        "exports_to_partner": product_fields("export", "import"),
        "imports_from_partner": product_fields("export", "import"),
        "members": ("member", "name", "status"),
    },
    contract="""\
The reporter's `top` products by RCA, as `cistrade rca`'s rows: `country`, `country_name`,
`product`, `product_name`, `period`, `value`, `currency`, `share`, `world_share`, `rca`,
`rsca`, `advantage`. With a `partner`, four more top-level keys (empty without one):
`complementarity` (two rows as `cistrade complementarity`'s: the reporter's exports with the
partner's imports, then the other way), `exports_to_partner` and `imports_from_partner` (the
products contributing most to each, as its `products`), and `members` (what the world table
holds of both).""",
)
