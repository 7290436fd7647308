"""The strengths indicators over an engine: each a :class:`~cistrade.indicators.Result`.

Each function chooses the world table (:func:`~cistrade.indicators.strengths.frame.select_products`),
builds the Ibis expression of its concept module over it, prepares it once per store version
(:meth:`Engine.prepare`) and runs it on DuckDB or Spark; the rows carry product names from
the publisher's nomenclature when one is beside the data (:mod:`.names`), and the notes say
what the world is (which source, how many exporters and products), so that no figure claims
more than its table covers.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cistrade.errors import InputError, NoData
from cistrade.indicators.args import area_code, area_name, period_range, resolve_partner
from cistrade.indicators.provenance import datasets_of
from cistrade.indicators.result import Result
from cistrade.indicators.spec import Answer
from cistrade.indicators.strengths import complexity as cx
from cistrade.indicators.strengths.frame import (
    Level,
    ProductSelection,
    level_of,
    product_rows,
    select_products,
)
from cistrade.indicators.strengths.names import product_names
from cistrade.indicators.strengths.rca import THRESHOLD, exports_by_product, rca_table
from cistrade.indicators.strengths.shares import (
    Side,
    export_shares,
    import_shares,
    overlap,
    overlap_products,
)

if TYPE_CHECKING:  # pragma: no cover
    from cistrade.indicators.engine import Engine

__all__ = ["rca", "complementarity", "complementarity_matrix", "similarity", "complexity",
           "side_of", "ROW_FIELDS"]

#: the row fields each strengths indicator guarantees
ROW_FIELDS: dict[str, tuple[str, ...]] = {
    "rca": ("country", "country_name", "product", "product_name", "period", "value", "currency",
            "share", "world_share", "rca", "rsca", "advantage"),
    "complementarity": ("exporter", "importer", "period", "index", "products"),
    "complementarity_matrix": ("exporter", "importer", "period", "index", "products"),
    "similarity": ("exporter", "other", "market", "period", "index", "products"),
    "complexity": ("country", "country_name", "period", "diversity", "eci"),
}


@dataclass
class _Context:
    """What every strengths figure of one question shares: the world table and its story."""

    sel: ProductSelection
    level: Level
    names: dict[str, str]
    notes: list[str]
    query: dict[str, Any]
    datasets: list[dict[str, Any]]


def _context(eng: Engine, period: Any, level: Any, source: str | None,
             product_class: str | None) -> _Context:
    eng.refresh()
    rng = period_range(period)
    lvl = level_of(level)
    sel = select_products(eng, rng, source=source, product_class=product_class)
    records = [eng.datasets[d] for d in sel.datasets if d in eng.datasets]
    names, names_file = product_names(records, sel.product_class)
    notes = [sel.describe(),
             f"the world is these {len(sel.exporters)} exporters: a product's world exports "
             "and an importer's imports are the sums of their rows (a mirror view)",
             f"products at {lvl} (codes of {sel.product_class} truncated; codes shorter than "
             "the full detail, a publisher's subtotals, left out)"]
    notes.append(f"product names from {names_file.name}" if names_file else
                 f"no product_codes_{sel.product_class}_*.csv beside the data: products unnamed")
    if sel.overlap:
        notes.append("overlapping datasets: the newest vintage of each figure kept")
    if sel.others:
        notes.append("also in the store, not used: " + ", ".join(sel.others))
    query = {"period": str(rng), "period_start": rng.first_day, "period_end": rng.last_day,
             "level": lvl.value, "source": sel.source, "product_class": sel.product_class,
             "currency": sel.currency, "exporters": len(sel.exporters), "engine": eng.name}
    return _Context(sel, lvl, names, notes, query, datasets_of(eng, sel.datasets))


def side_of(arg: Any, eng_rng: Any, *, world: bool = False, without: str | None = None) -> Side:
    """A country, a bloc (its members at any time during the range, ``without`` the other
    side when it is a member) or, where ``world`` is allowed, None for every country."""
    if arg is None:
        if not world:
            raise InputError("no country given")
        return Side("WLD", None)
    p = resolve_partner(arg)
    if p.kind == "world":
        if not world:
            raise InputError("the world is no exporter here: name a country or a bloc")
        return Side("WLD", None)
    if p.bloc is not None:
        members = tuple(m for m in p.bloc.members(during=eng_rng) if m != without)
        return Side(p.bloc.id, members)
    if p.kind != "country":
        raise InputError(f"{arg!r} is not a country or a bloc")
    return Side(str(p.code), (str(p.code),))


def _run(eng: Engine, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
    prepared = eng.prepare(("strengths", *key), lambda: (make(), Answer[None]({}, [], [])))
    return eng.execute(prepared)


def _named(ctx: _Context, code: str) -> str | None:
    return ctx.names.get(code) or None


# -- RCA -------------------------------------------------------------------------------------------


def rca(eng: Engine, period: Any, *, reporter: Any = None, level: Any = "HS6",
        threshold: float | None = None, top: int | None = None, source: str | None = None,
        product_class: str | None = None) -> Result:
    """Balassa's RCA of every exporter (or ``reporter``) in every product it exports, with
    the symmetric form; ``threshold=1`` keeps the products with a revealed advantage;
    ``top`` the N highest per country. Rows by country, then RCA from the highest."""
    ctx = _context(eng, period, level, source, product_class)
    code = area_code(reporter) if reporter is not None else None
    if code is not None and code not in ctx.sel.exporters:
        raise NoData(f"{code} is not among the exporters of {ctx.sel.describe()}",
                     available={"exporters": list(ctx.sel.exporters)})

    def make() -> Any:
        import ibis

        r = rca_table(exports_by_product(product_rows(eng, ctx.sel, ctx.level)))
        if code is not None:
            r = r.filter(r.country == code)
        if threshold is not None:
            r = r.filter(r.rca >= threshold)
        if top is not None:
            r = r.mutate(_rank=ibis.row_number().over(ibis.window(
                group_by=r.country, order_by=[ibis.desc(r.rca), r.product])))
            r = r.filter(r._rank < top).drop("_rank")
        return r.order_by([r.country, ibis.desc(r.rca), r.product])

    table = _run(eng, ("rca", ctx.sel, ctx.level, code, threshold, top), make)
    notes = ctx.notes + ["RCA = the product's share of the country's exports / its share of "
                         "the world's; RSCA = (RCA − 1)/(RCA + 1); a product not exported has "
                         "RCA 0 and no row"]
    query = {**ctx.query, "reporter": code, "threshold": threshold, "top": top}
    return Result("rca", query, datasets=ctx.datasets, notes=notes, table=table,
                  build=functools.partial(_rca_rows, ctx))


def _rca_rows(ctx: _Context, table: Any) -> list[dict[str, Any]]:
    """The rows of an RCA table as dicts (built on first use: a world table has a million)."""
    names, period, currency = ctx.names, ctx.query["period"], ctx.sel.currency
    cols = {c: table.column(c).to_pylist() for c in
            ("country", "product", "value", "share", "world_share", "rca", "rsca")}
    return [{"country": c, "country_name": area_name(c), "product": p,
             "product_name": names.get(p) or None, "period": period, "value": v,
             "currency": currency, "share": sh, "world_share": ws, "rca": r, "rsca": rs,
             "advantage": r >= THRESHOLD}
            for c, p, v, sh, ws, r, rs in zip(*cols.values(), strict=True)]


# -- complementarity and similarity ----------------------------------------------------------------


def _pair_rows(ctx: _Context, table: Any, left: str, right: str, extra: dict[str, Any]
               ) -> list[dict[str, Any]]:
    return [{left: r[left], right: r[right], **extra, "period": ctx.query["period"],
             "index": r["index"], "products": r["products"]} for r in table.to_pylist()]


def _product_rows(ctx: _Context, table: Any, a: str, b: str) -> list[dict[str, Any]]:
    return [{"product": r["product"], "product_name": _named(ctx, r["product"]),
             f"{a}_value": r["a_value"], f"{a}_share": r["a_share"],
             f"{b}_value": r["b_value"], f"{b}_share": r["b_share"],
             "contribution": r["contribution"]} for r in table.to_pylist()]


def _side_note(side: Side, role: str) -> list[str]:
    if side.countries is None:
        return [f"{role}: the world (every importer of the table)"]
    if side.countries != (side.label,):
        return [f"{role}: {side.label}, its members during the period summed "
                f"({', '.join(side.countries)})"]
    return []


def complementarity(eng: Engine, exporter: Any, importer: Any, period: Any, *,
                    level: Any = "HS6", top: int | None = 10, source: str | None = None,
                    product_class: str | None = None) -> Result:
    """Michaely's trade complementarity index of ``exporter``'s exports with ``importer``'s
    imports, ``100 · (1 − ½ Σ_k |m_k − x_k|)``: 100 where the export mix is the import mix,
    0 where they share no product. Either side may be a bloc (its members during the period,
    the other side left out of it); ``importer=None`` is the world. The ``products`` section
    lists the products contributing most (what one exports and the other imports)."""
    ctx = _context(eng, period, level, source, product_class)
    rng = ctx.sel.rng
    ex = side_of(exporter, rng)
    im = side_of(importer, rng, world=True, without=ex.label if ex.countries == (ex.label,) else None)
    ex = side_of(exporter, rng, without=im.label if im.countries == (im.label,) else None)

    def shares() -> tuple[Any, Any]:
        rows = product_rows(eng, ctx.sel, ctx.level)
        return export_shares(rows, [ex], name="exporter"), import_shares(rows, [im], name="importer")

    key = (ctx.sel, ctx.level, ex, im)
    index = _run(eng, ("tc", *key), lambda: overlap(*shares(), "exporter", "importer"))
    products = _run(eng, ("tc-products", *key, top), lambda: _top(
        overlap_products(*shares(), "exporter", "importer"), top))
    rows = _pair_rows(ctx, index, "exporter", "importer", {}) or [
        {"exporter": ex.label, "importer": im.label, "period": ctx.query["period"],
         "index": 0.0, "products": 0}]
    notes = ctx.notes + _side_note(ex, "exporter") + _side_note(im, "importer") + [
        "complementarity (Michaely) = 100 · Σ_k min(x_k, m_k): x the product's share of the "
        "exporter's exports, m of the importer's imports (0: no product in common, 100: the "
        "same mix)"]
    if not index.num_rows:
        notes.append(f"{ex.label} and {im.label} have no product in common in the table "
                     "(or one of them has no rows there): the index is 0")
    query = {**ctx.query, "exporter": ex.label, "importer": im.label, "top": top}
    return Result("complementarity", query, rows, ctx.datasets, notes,
                  sections={"products": _product_rows(ctx, products, "export", "import")})


def _top(t: Any, top: int | None) -> Any:
    return t.limit(top) if top is not None else t


def complementarity_matrix(eng: Engine, period: Any, *, bloc: Any = "CIS", level: Any = "HS6",
                           source: str | None = None, product_class: str | None = None) -> Result:
    """The complementarity index of every member's exports with every other member's imports
    (the members of ``bloc`` at any time during the period that are in the table)."""
    from cistrade.reference.blocs import bloc as find_bloc

    ctx = _context(eng, period, level, source, product_class)
    b = find_bloc(bloc)
    members = b.members(during=ctx.sel.rng)
    sides = [Side(m, (m,)) for m in members]

    def make() -> Any:
        import ibis

        rows = product_rows(eng, ctx.sel, ctx.level)
        t = overlap(export_shares(rows, sides, name="exporter"),
                    import_shares(rows, sides, name="importer"), "exporter", "importer")
        return t.order_by([t.exporter, ibis.desc(t["index"]), t.importer])

    table = _run(eng, ("tc-matrix", ctx.sel, ctx.level, b.id, tuple(members)), make)
    rows = _pair_rows(ctx, table, "exporter", "importer", {})
    found = sorted({r["exporter"] for r in rows} | {r["importer"] for r in rows})
    missing = [m for m in members if m not in found]
    notes = ctx.notes + [f"{b.id}: members during {ctx.sel.rng}: {', '.join(members)}"]
    if missing:
        notes.append(f"members with no product in common with another, or not in the table: "
                     f"{', '.join(missing)}")
    query = {**ctx.query, "bloc": b.id, "members": members}
    return Result("complementarity_matrix", query, rows, ctx.datasets, notes)


def similarity(eng: Engine, exporter: Any, other: Any, period: Any, *, market: Any = None,
               level: Any = "HS6", top: int | None = 10, source: str | None = None,
               product_class: str | None = None) -> Result:
    """Finger–Kreinin export similarity of two exporters, ``100 · Σ_k min(a_k, b_k)`` over
    their export shares (to ``market`` only, a country or a bloc, when given): 100 where they
    sell the same mix, so compete in the same products; 0 where they share none."""
    ctx = _context(eng, period, level, source, product_class)
    rng = ctx.sel.rng
    a, b = side_of(exporter, rng), side_of(other, rng)
    mkt = side_of(market, rng, world=True)

    def shares() -> tuple[Any, Any]:
        rows = product_rows(eng, ctx.sel, ctx.level)
        return (export_shares(rows, [a], mkt, name="exporter"),
                export_shares(rows, [b], mkt, name="other"))

    key = (ctx.sel, ctx.level, a, b, mkt)
    index = _run(eng, ("fk", *key), lambda: overlap(*shares(), "exporter", "other"))
    products = _run(eng, ("fk-products", *key, top), lambda: _top(
        overlap_products(*shares(), "exporter", "other"), top))
    rows = _pair_rows(ctx, index, "exporter", "other", {"market": mkt.label}) or [
        {"exporter": a.label, "other": b.label, "market": mkt.label,
         "period": ctx.query["period"], "index": 0.0, "products": 0}]
    notes = ctx.notes + _side_note(mkt, "market") + [
        "export similarity (Finger–Kreinin) = 100 · Σ_k min(a_k, b_k), a and b the product's "
        "shares of each exporter's exports"]
    if not index.num_rows:
        notes.append(f"{a.label} and {b.label} export no product in common"
                     f"{' to ' + mkt.label if mkt.countries else ''} in the table: the index is 0")
    query = {**ctx.query, "exporter": a.label, "other": b.label, "market": mkt.label, "top": top}
    return Result("similarity", query, rows, ctx.datasets, notes,
                  sections={"products": _product_rows(ctx, products, "exporter", "other")})


# -- complexity ------------------------------------------------------------------------------------


def complexity(eng: Engine, period: Any, *, level: Any = "HS6", source: str | None = None,
               product_class: str | None = None) -> Result:
    """Diversity and ECI of every exporter (rows, highest ECI first) and ubiquity and PCI of
    every product (section ``products``); see :mod:`.complexity` for the conventions."""
    ctx = _context(eng, period, level, source, product_class)
    edges = _run(eng, ("presence", ctx.sel, ctx.level), lambda: cx.presence(
        rca_table(exports_by_product(product_rows(eng, ctx.sel, ctx.level)))))
    found = cx.eci_pci(edges)
    rows = sorted(({"country": c, "country_name": area_name(c), "period": ctx.query["period"],
                    "diversity": int(d), "eci": float(e)}
                   for c, d, e in zip(found.countries, found.diversity, found.eci, strict=True)),
                  key=lambda r: (-r["eci"], r["country"]))
    order = sorted(range(len(found.products)), key=lambda i: (-found.pci[i], found.products[i]))
    products = [{"product": found.products[i], "product_name": _named(ctx, found.products[i]),
                 "ubiquity": int(found.ubiquity[i]), "pci": float(found.pci[i])} for i in order]
    notes = ctx.notes + [
        "M = 1 where RCA ≥ 1; diversity = a country's products with M = 1, ubiquity = a "
        "product's countries; ECI and PCI as the ecomplexity package (sign: ECI rises with "
        "diversity; both standardised by the ECI's mean and standard deviation)",
        f"second eigenvalue {found.eigenvalue:.4f}, {found.gap:.4f} above the third"]
    return Result("complexity", dict(ctx.query), rows, ctx.datasets, notes,
                  sections={"products": products})
