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
from cistrade.indicators.strengths.rca import THRESHOLD

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir
    import numpy as np

__all__ = ["presence", "diversity", "ubiquity", "Complexity", "eci_pci"]


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
