"""Revealed comparative advantage (Balassa 1965), its symmetric form, and the products where
a country has one.

For exporter ``c`` and product ``p`` with exports ``x[c,p]``::

    RCA[c,p] = (x[c,p] / Σ_p x[c,p]) / (Σ_c x[c,p] / Σ_c Σ_p x[c,p])

the product's share in the country's exports over its share in the world's; ``RCA ≥ 1``
is a revealed advantage. The symmetric form (Laursen 1998) ``(RCA − 1) / (RCA + 1)`` lies in
``[−1, 1)``, 0 where RCA is 1. The "world" is every exporter of the table the figures are read
from (:mod:`cistrade.indicators.strengths.frame`), its products those of the table's
classification at the chosen level: a result always says which.

Every function here takes and returns Ibis tables, so the same expression runs on DuckDB and on
Spark; a product a country does not export has no row (its RCA is 0).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir

__all__ = ["exports_by_product", "rca_table", "advantages", "THRESHOLD"]

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
