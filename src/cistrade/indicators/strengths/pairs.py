"""An overlap index of two sides and the products behind it: what complementarity
(:mod:`.complementarity`) and similarity (:mod:`.similarity`) share.

Both are ``100 · Σ_k min(a_k, b_k)`` over two share vectors (:mod:`.shares`); each answer is
two prepared queries on the one world table (the index, and the products contributing most),
and says which countries it names and what the table holds of them (:func:`~.base.members`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cistrade.indicators.args import PeriodLike
from cistrade.indicators.spec import JSONDict
from cistrade.indicators.strengths.base import Level, World, answered, finish, members, names_of
from cistrade.indicators.strengths.shares import Side, overlap, overlap_products

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir
    import pyarrow as pa

    from cistrade.indicators.engine import Engine
    from cistrade.indicators.result import Result

__all__ = ["Pair", "pair_result", "pair_rows", "product_rows_of", "PAIR_FIELDS",
           "product_fields"]

#: the fields of an index row (similarity adds ``market`` after ``other``)
PAIR_FIELDS = ("period", "index", "products")


@dataclass(frozen=True)
class Pair:
    """One question of an overlap index: the indicator, its column names (``left``,
    ``right``: the sides; ``a``, ``b``: the prefixes of the products' fields), the sides,
    the market (similarity's) and how the two share tables are made."""

    kind: str
    left: str
    right: str
    a: str
    b: str
    one: Side
    other: Side
    market: Side | None
    shares: Callable[[Engine, World], tuple[ir.Table, ir.Table]]


def pair_rows(table: pa.Table, left: str, right: str, period: str,
              extra: JSONDict | None = None) -> list[JSONDict]:
    """The index rows of an overlap table."""
    return [{left: r[left], right: r[right], **(extra or {}), "period": period,
             "index": r["index"], "products": r["products"]} for r in table.to_pylist()]


def product_rows_of(names: dict[str, str], table: pa.Table, a: str, b: str) -> list[JSONDict]:
    """The ``products`` section: each product's two values and shares and its contribution."""
    return [{"product": r["product"], "product_name": names.get(r["product"]) or None,
             f"{a}_value": r["a_value"], f"{a}_share": r["a_share"],
             f"{b}_value": r["b_value"], f"{b}_share": r["b_share"],
             "contribution": r["contribution"]} for r in table.to_pylist()]


def product_fields(a: str, b: str) -> tuple[str, ...]:
    """The fields of a ``products`` row with the prefixes ``a`` and ``b``."""
    return ("product", "product_name", f"{a}_value", f"{a}_share", f"{b}_value", f"{b}_share",
            "contribution")


def _top(t: ir.Table, top: int | None) -> ir.Table:
    return t.limit(top) if top is not None else t


def _nothing_in_common(p: Pair) -> str:
    if p.kind == "similarity":
        to = f" to {p.market.label}" if p.market is not None and p.market.countries else ""
        return (f"{p.one.label} and {p.other.label} export no product in common{to} in the "
                "table: the index is 0")
    return (f"{p.one.label} and {p.other.label} have no product in common in the table (or one "
            "of them has no rows there: see members): the index is 0")


def _named(*sides: Side | None) -> list[str]:
    return [c for s in sides if s is not None and s.countries for c in s.countries]


def pair_result(eng: Engine, p: Pair, period: PeriodLike, level: Level | str, top: int | None,
                source: str | None, product_class: str | None, notes: list[str]) -> Result:
    """The index of ``p``'s two sides (one row), its ``products`` section (the ``top``
    contributing most) and its ``members`` section."""
    echo: JSONDict = {p.left: p.one.label, p.right: p.other.label}
    if p.market is not None:
        echo["market"] = p.market.label
    echo["top"] = top
    key = (p.kind, p.one, p.other, p.market)

    def index(w: World) -> ir.Table:
        return overlap(*p.shares(eng, w), p.left, p.right)

    def products(w: World) -> ir.Table:
        return _top(overlap_products(*p.shares(eng, w), p.left, p.right), top)

    found, table = answered(eng, key, period, level, source, product_class, index, echo)
    _, contributing = answered(eng, (*key, "products", top), period, level, source,
                               product_class, products)
    assert found.extra is not None
    when = found.query["period"]
    extra = {"market": p.market.label} if p.market is not None else None
    rows = pair_rows(table, p.left, p.right, when, extra) or [
        {p.left: p.one.label, p.right: p.other.label, **(extra or {}), "period": when,
         "index": 0.0, "products": 0}]
    names, names_note = names_of(eng, found.extra)
    status, member_notes = members(eng, found, _named(p.one, p.other, p.market))
    tail = [names_note, *notes, *member_notes]
    if not table.num_rows:
        tail.append(_nothing_in_common(p))
    return finish(p.kind, found, tail, rows=rows, sections={
        "products": product_rows_of(names, contributing, p.a, p.b), "members": status})
