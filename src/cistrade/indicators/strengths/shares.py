"""Product shares of a side's exports or imports, and the overlap of two share vectors.

Michaely's complementarity and Finger–Kreinin's similarity are both the overlap of two
distributions over products: ``Σ_k min(a_k, b_k)``, since for shares that each sum to 1
``1 − ½ Σ_k |a_k − b_k| = Σ_k min(a_k, b_k)``. Written that way the index needs only the
products both sides trade (an inner join) and a whole matrix of pairs is one grouped query.

A *side* is a label (a country code, a bloc id, ``WLD``) and the countries it adds up: a
country alone, a bloc's members, or every country (``None``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir

__all__ = ["Side", "export_shares", "import_shares", "overlap", "overlap_products"]


@dataclass(frozen=True)
class Side:
    """What one side of an index adds up: ``countries`` (None: every one) under ``label``."""

    label: str
    countries: tuple[str, ...] | None = None


def _by_side(t: ir.Table, who: str, sides: Sequence[Side], name: str) -> ir.Table:
    """``name, product, value, total, share`` per side (``who``: the column naming the
    country): one grouped query when every side is a country of its own (a matrix), else
    one per side."""
    import ibis

    if len(sides) > 1 and all(s.countries == (s.label,) for s in sides):
        rows = t.filter(t[who].isin([s.label for s in sides]))
        every = rows.group_by(side=rows[who], product=rows.product).aggregate(
            value=rows.value.sum())
    else:
        parts = []
        for side in sides:
            rows = t if side.countries is None else t.filter(t[who].isin(list(side.countries)))
            parts.append(rows.group_by("product").aggregate(value=rows.value.sum())
                         .mutate(side=ibis.literal(side.label)))
        every = parts[0] if len(parts) == 1 else ibis.union(*parts)
    g = every.filter(every.value > 0)
    total = g.value.sum().over(ibis.window(group_by=g.side))
    return g.select(**{name: g.side}, product=g.product, value=g.value,
                    total=total, share=g.value / total)


def export_shares(rows: ir.Table, sides: Sequence[Side], market: Side | None = None,
                  name: str = "exporter") -> ir.Table:
    """Each side's exports by product (to ``market`` only, when given) and their shares."""
    if market is not None and market.countries is not None:
        rows = rows.filter(rows.importer.isin(list(market.countries)))
    return _by_side(rows, "exporter", sides, name)


def import_shares(rows: ir.Table, sides: Sequence[Side], name: str = "importer") -> ir.Table:
    """Each side's imports by product (the world's exports to it) and their shares."""
    return _by_side(rows, "importer", sides, name)


def overlap(a: ir.Table, b: ir.Table, left: str, right: str, *,
            diagonal: bool = False) -> ir.Table:
    """``left, right, index, products``: ``100 · Σ_k min(a_k, b_k)`` per pair of sides,
    pairs of a side with itself left out unless ``diagonal`` (a pair sharing no product has
    no row: its index is 0)."""
    j = _joined(a, b, left, right)
    if not diagonal:
        j = j.filter(j[left] != j[right])
    return j.group_by([left, right]).aggregate(index=j.common.sum() * 100, products=j.count())


def _joined(a: ir.Table, b: ir.Table, left: str, right: str) -> ir.Table:
    import ibis

    a2 = a.select(a[left], product=a.product, a_value=a.value, a_share=a.share)
    b2 = b.select(b[right], product=b.product, b_value=b.value, b_share=b.share)
    j = a2.join(b2, "product")
    return j.mutate(common=ibis.least(j.a_share, j.b_share))


def overlap_products(a: ir.Table, b: ir.Table, left: str, right: str) -> ir.Table:
    """Per product of one pair: both sides' values and shares and ``common``, its
    contribution to the index (the products the two sides have most in common first)."""
    import ibis

    j = _joined(a, b, left, right)
    return j.mutate(contribution=j.common * 100).order_by(
        [ibis.desc("contribution"), "product"])
