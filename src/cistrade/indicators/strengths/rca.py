"""Revealed comparative advantage (Balassa 1965), its symmetric form, and the products where
a country has one.

For exporter ``c`` and product ``p`` with exports ``x[c,p]``::

    RCA[c,p] = (x[c,p] / Σ_p x[c,p]) / (Σ_c x[c,p] / Σ_c Σ_p x[c,p])

the product's share in the country's exports over its share in the world's; ``RCA ≥ 1``
is a revealed advantage. The symmetric form (Laursen 1998) ``(RCA − 1) / (RCA + 1)`` lies in
``[−1, 1)``, 0 where RCA is 1. The "world" is every exporter of the table the figures are read
from (:mod:`cistrade.indicators.strengths.frame`), its products those of the table's
classification at the chosen level: a result always says which.

The table functions take and return Ibis tables, so the same expression runs on DuckDB and
on Spark; a product a country does not export has no row (its RCA is 0). :func:`rca` is the
indicator (``cistrade rca``, ``GET /api/v1/rca``), declared by :data:`SPEC`.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from cistrade.errors import NoData
from cistrade.indicators.args import ALL, PeriodLike, area_code, area_name
from cistrade.indicators.spec import PERIOD, REPORTER, TOP, Indicator, JSONDict, Param
from cistrade.indicators.strengths.base import (
    LEVEL,
    PRODUCT_CLASS,
    STRENGTHS_SOURCE,
    Level,
    World,
    answered,
    finish,
    names_of,
)
from cistrade.indicators.strengths.frame import product_rows

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir
    import pyarrow as pa

    from cistrade.indicators.engine import Engine
    from cistrade.indicators.result import Result

__all__ = ["exports_by_product", "rca_table", "advantages", "THRESHOLD", "rca", "rca_expr",
           "rca_rows", "RCA_NOTE", "RCA_FIELDS", "SPEC"]

#: the revealed-advantage threshold (Balassa's)
THRESHOLD = 1.0


def exports_by_product(rows: ir.Table) -> ir.Table:
    """``country, product, value``: each exporter's positive exports of each product,
    summed over importers (rows of :func:`~cistrade.indicators.strengths.frame.product_rows`)."""
    g = rows.group_by(country=rows.exporter, product=rows.product).aggregate(
        value=rows.value.sum())
    return g.filter(g.value > 0)


def rca_table(x: ir.Table) -> ir.Table:
    """``x`` (``country, product, value``) with the totals and ``rca``, ``rsca``, ``share``
    (the product's part of the country's exports) and ``world_share`` (of the world's)."""
    c = x.group_by("country").aggregate(country_total=x.value.sum())
    p = x.group_by("product").aggregate(product_total=x.value.sum())
    w = x.aggregate(world_total=x.value.sum())
    # totals as aggregates joined back (as hand-written SQL would): DuckDB computes them in
    # one hash pass each, where three windows over differing partitions sort the rows
    t = x.join(c, "country").join(p, "product").cross_join(w)
    t = t.mutate(share=t.value / t.country_total, world_share=t.product_total / t.world_total)
    t = t.mutate(rca=t.share / t.world_share)
    return t.mutate(rsca=(t.rca - 1) / (t.rca + 1))


def advantages(r: ir.Table, threshold: float = THRESHOLD) -> ir.Table:
    """The rows of :func:`rca_table` with ``rca ≥ threshold`` (a revealed advantage)."""
    return r.filter(r.rca >= threshold)


# -- the indicator ---------------------------------------------------------------------------

RCA_NOTE = ("RCA = the product's share of the country's exports / its share of the world's; "
            "RSCA = (RCA − 1)/(RCA + 1); a product not exported has RCA 0 and no row")
RCA_FIELDS = ("country", "country_name", "product", "product_name", "period", "value",
              "currency", "share", "world_share", "rca", "rsca", "advantage")


def rca_expr(eng: Engine, world: World, code: str | None, threshold: float | None,
             top: int | None) -> ir.Table:
    """The RCA table of ``world`` (one exporter's rows when ``code``), rows with ``rca ≥
    threshold``, the ``top`` per country; by country, then RCA from the highest."""
    import ibis

    if code is not None and code not in world.sel.exporters:
        raise NoData(f"{code} is not among the exporters of {world.sel.describe()}",
                     available={"exporters": list(world.sel.exporters)})
    r = rca_table(exports_by_product(product_rows(eng, world.sel, world.level)))
    if code is not None:
        r = r.filter(r.country == code)
    if threshold is not None:
        r = advantages(r, threshold)
    if top is not None:
        r = r.mutate(_rank=ibis.row_number().over(ibis.window(
            group_by=r.country, order_by=[ibis.desc(r.rca), r.product])))
        r = r.filter(r._rank < top).drop("_rank")
    return r.order_by([r.country, ibis.desc(r.rca), r.product])


def exporter_code(reporter: Any) -> str | None:
    """A reporter's code; None for every exporter (``"*"``)."""
    return None if reporter is None or str(reporter).strip() == ALL else area_code(reporter)


def rca(eng: Engine, period: PeriodLike, *, reporter: str = ALL, level: Level | str = Level.HS6,
        threshold: float | None = None, top: int | None = None, source: str | None = None,
        product_class: str | None = None) -> Result:
    """Balassa's RCA of every exporter (``reporter="*"``) or one, in every product it
    exports, with the symmetric form; ``threshold=1`` keeps the products with a revealed
    advantage; ``top`` the N highest per country. Rows by country, then RCA from the highest."""
    code = exporter_code(reporter)
    found, table = answered(
        eng, ("rca", code, threshold, top), period, level, source, product_class,
        lambda w: rca_expr(eng, w, code, threshold, top),
        {"reporter": code or ALL, "threshold": threshold, "top": top})
    assert found.extra is not None
    names, note = names_of(eng, found.extra)
    build = functools.partial(rca_rows, names, found.query["period"], found.query["currency"])
    return finish("rca", found, [note, RCA_NOTE], table=table, build=build)


def rca_rows(names: dict[str, str], period: str, currency: str, table: pa.Table
             ) -> list[JSONDict]:
    """The rows of an RCA table as dicts (built on first use: a world table has a million)."""
    cols = {c: table.column(c).to_pylist() for c in
            ("country", "product", "value", "share", "world_share", "rca", "rsca")}
    return [{"country": c, "country_name": area_name(c), "product": p,
             "product_name": names.get(p) or None, "period": period, "value": v,
             "currency": currency, "share": sh, "world_share": ws, "rca": r, "rsca": rs,
             "advantage": r >= THRESHOLD}
            for c, p, v, sh, ws, r, rs in zip(*cols.values(), strict=True)]


SPEC = Indicator(
    name="rca",
    summary="Revealed comparative advantage (Balassa) by product",
    help="Revealed comparative advantage (Balassa) of an exporter, or every one ('*'), in\n"
         "each product it exports, with the symmetric form (RSCA).",
    params=(PERIOD, replace(REPORTER, default=ALL,
                            help="An exporter (a name or code); '*' for every exporter."),
            LEVEL,
            Param("threshold", float | None, None, help="Only products with RCA at least "
                  "this (1: a revealed advantage).", bounds={"ge": 0}),
            replace(TOP, help="Only each exporter's N products of highest RCA."),
            STRENGTHS_SOURCE, PRODUCT_CLASS),
    fields=RCA_FIELDS,
    columns=("country", "product", "product_name", "value", "share", "world_share", "rca",
             "rsca"),
    function=rca,
    table=rca_table,
    notes=(RCA_NOTE,),
    contract="""\
One row per exporter and product it exports (a product not exported has RCA 0 and no row), by
exporter, then RCA from the highest: `country`, `country_name`, `product` (the code at the
asked `level`), `product_name` (from the publisher's nomenclature file beside the data, else
null), `period`, `value` (its exports of the product), `currency`, `share` (of its exports),
`world_share` (the product's share of the world's exports), `rca` (`share / world_share`),
`rsca` (`(rca − 1)/(rca + 1)`), `advantage` (`rca ≥ 1`). The query echo says the world table:
`source`, `product_class`, `freq`, `level`, `exporters` (how many: the world is theirs).""",
)
