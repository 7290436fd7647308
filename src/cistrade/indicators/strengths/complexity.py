"""Economic complexity: diversity, ubiquity, and the ECI and PCI (Hidalgo and Hausmann 2009).

``M[c,p] = 1`` where country ``c`` has a revealed advantage in product ``p`` (RCA ≥ 1,
:mod:`cistrade.indicators.strengths.rca`). Diversity ``k_c`` counts a country's products with
``M = 1``, ubiquity ``k_p`` a product's countries; both are Ibis aggregates.

The ECI is the eigenvector of the second largest eigenvalue of
``M̃_cc' = Σ_p M[c,p] M[c',p] / (k_c k_p)``, the PCI its product counterpart. The matrix is
countries × countries (about 230 × 230 for BACI), so after the Ibis query the eigenvector is
found in numpy in milliseconds; the conventions are those of the ``ecomplexity`` package
(Growth Lab), which the tests agree with to 1e-6:

* sign: the ECI correlates positively with diversity;
* the raw vectors ``kc`` (countries) and ``kp = M̃ᵀ kc / λ`` (products, so that ``kc`` is the
  average of ``kp`` over a country's products) are both centred on the **ECI's** mean and
  divided by the ECI's standard deviation (population, ``ddof = 0``), as the package and its
  Stata original do: the PCI keeps the property that a country's ECI is the mean PCI of its
  products.

The symmetric form ``D_c^{-1/2} M D_p^{-1} Mᵀ D_c^{-1/2}`` of the matrix is decomposed
(``numpy.linalg.eigh``), which is exact and faster than the general eigensolver.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cistrade.errors import NoData
from cistrade.indicators.args import PeriodLike, area_name
from cistrade.indicators.spec import PERIOD, Indicator
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
from cistrade.indicators.strengths.rca import THRESHOLD, exports_by_product, rca_table

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir
    import numpy as np

    from cistrade.indicators.engine import Engine
    from cistrade.indicators.result import Result

__all__ = ["presence", "diversity", "ubiquity", "Complexity", "eci_pci", "complexity",
           "COMPLEXITY_NOTE", "SPEC"]


def presence(r: ir.Table, threshold: float = THRESHOLD) -> ir.Table:
    """``country, product``: the pairs with ``M = 1`` (rows of :func:`rca_table`)."""
    return r.filter(r.rca >= threshold).select("country", "product")


def diversity(m: ir.Table) -> ir.Table:
    """``country, diversity``: products with a revealed advantage per country."""
    return m.group_by("country").aggregate(diversity=m.count())


def ubiquity(m: ir.Table) -> ir.Table:
    """``product, ubiquity``: countries with a revealed advantage per product."""
    return m.group_by("product").aggregate(ubiquity=m.count())


@dataclass
class Complexity:
    """ECI per country and PCI per product (arrays in the order of ``countries``/``products``)."""

    countries: list[str]
    products: list[str]
    diversity: np.ndarray
    ubiquity: np.ndarray
    eci: np.ndarray
    pci: np.ndarray
    eigenvalue: float
    gap: float  # the second eigenvalue's distance to the third: small means an unstable ECI


def eci_pci(edges: Any) -> Complexity:
    """ECI and PCI from the ``M = 1`` pairs (an Arrow table with ``country, product``)."""
    import numpy as np

    country = edges.column("country").dictionary_encode().combine_chunks()
    product = edges.column("product").dictionary_encode().combine_chunks()
    ci = country.indices.to_numpy(zero_copy_only=False)
    pi = product.indices.to_numpy(zero_copy_only=False)
    countries = country.dictionary.to_pylist()
    products = product.dictionary.to_pylist()
    if len(countries) < 3 or len(products) < 3:
        raise NoData(f"economic complexity needs at least three countries and three products "
                     f"with a revealed advantage; the data have {len(countries)} and "
                     f"{len(products)}")
    m = np.zeros((len(countries), len(products)))
    m[ci, pi] = 1.0
    kc, kp = m.sum(axis=1), m.sum(axis=0)
    if kc.min() == kc.max():
        raise NoData(f"every country has the same diversity ({int(kc[0])}): the ECI's sign, "
                     "fixed by its correlation with diversity, is undefined")
    half = m / np.sqrt(kc)[:, None] / np.sqrt(kp)[None, :]
    sym = half @ half.T  # D_c^-1/2 M D_p^-1 M^T D_c^-1/2: symmetric, the eigenvalues of M~
    values, vectors = np.linalg.eigh(sym)
    lam = values[-2]
    raw_c = vectors[:, -2] / np.sqrt(kc)  # an eigenvector of M~ itself
    raw_p = (m / kp[None, :]).T @ raw_c / lam
    sign = np.sign(np.corrcoef(kc, raw_c)[0, 1]) or 1.0
    raw_c, raw_p = sign * raw_c, sign * raw_p
    mean, std = raw_c.mean(), raw_c.std()
    gap = float(values[-2] - values[-3]) if len(values) > 2 else float("nan")
    return Complexity(countries, products, kc, kp, (raw_c - mean) / std, (raw_p - mean) / std,
                      float(lam), gap)


# -- the indicator ---------------------------------------------------------------------------

COMPLEXITY_NOTE = (
    "M = 1 where RCA ≥ 1; diversity = a country's products with M = 1, ubiquity = a "
    "product's countries; ECI and PCI as the ecomplexity package (sign: ECI rises with "
    "diversity; both standardised by the ECI's mean and standard deviation)")


def presence_expr(eng: Engine, world: World) -> ir.Table:
    """The ``M = 1`` pairs of the world table (what the ECI is computed from)."""
    return presence(rca_table(exports_by_product(product_rows(eng, world.sel, world.level))))


def complexity(eng: Engine, period: PeriodLike, *, level: Level | str = Level.HS6, source: str | None = None,
               product_class: str | None = None) -> Result:
    """Diversity and ECI of every exporter (rows, highest ECI first) and ubiquity and PCI of
    every product (section ``products``)."""
    found, edges = answered(eng, ("presence",), period, level, source, product_class,
                            lambda w: presence_expr(eng, w))
    assert found.extra is not None
    got = eci_pci(edges)
    when = found.query["period"]
    rows = sorted(({"country": c, "country_name": area_name(c), "period": when,
                    "diversity": int(d), "eci": float(e)}
                   for c, d, e in zip(got.countries, got.diversity, got.eci, strict=True)),
                  key=lambda r: (-r["eci"], r["country"]))
    names, note = names_of(eng, found.extra)
    order = sorted(range(len(got.products)), key=lambda i: (-got.pci[i], got.products[i]))
    products = [{"product": got.products[i], "product_name": names.get(got.products[i]) or None,
                 "ubiquity": int(got.ubiquity[i]), "pci": float(got.pci[i])} for i in order]
    without = len(found.extra.sel.exporters) - len(got.countries)
    notes = [note, COMPLEXITY_NOTE,
             f"second eigenvalue {got.eigenvalue:.4f}, {got.gap:.4f} above the third"]
    if without:
        notes.append(f"{without} exporters of the table have no product with RCA ≥ 1 at "
                     f"{found.query['level']}: no ECI")
    return finish("complexity", found, notes, rows=rows, sections={"products": products})


SPEC = Indicator(
    name="complexity",
    summary="Economic complexity: diversity and ECI, ubiquity and PCI",
    help="Economic complexity (Hidalgo–Hausmann, the ecomplexity package's conventions):\n"
         "each exporter's diversity and ECI, each product's ubiquity and PCI.",
    params=(PERIOD, LEVEL, STRENGTHS_SOURCE, PRODUCT_CLASS),
    fields=("country", "country_name", "period", "diversity", "eci"),
    columns=("country", "country_name", "diversity", "eci"),
    function=complexity,
    table=presence,
    notes=(COMPLEXITY_NOTE,),
    sections=("products",),
    contract="""\
One row per exporter with a revealed advantage in some product, highest ECI first: `country`,
`country_name`, `period`, `diversity` (its products with RCA ≥ 1), `eci`. One more top-level
key, `products` (`product`, `product_name`, `ubiquity`, `pci`), highest PCI first.""",
)
