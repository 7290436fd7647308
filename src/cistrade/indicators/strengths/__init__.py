"""The strengths of each member: comparative advantage, complementarity, similarity, complexity.

Product-level indicators over one world table of exports by exporter, importer and product
(BACI HS6, Comtrade by product, any source with a product code), on DuckDB or Spark through the
same Ibis expressions as every other indicator:

* :mod:`.rca` — Balassa's revealed comparative advantage, its symmetric form, RCA ≥ 1;
* :mod:`.shares` — product shares of a side's exports or imports and their overlap, the core
  of Michaely's complementarity (exports of one with imports of another, a bloc, the CIS
  matrix) and of Finger–Kreinin's export similarity;
* :mod:`.complexity` — diversity, ubiquity, ECI and PCI (the ``ecomplexity`` conventions);
* :mod:`.frame` — which rows form the world table; :mod:`.names` — product names from the
  publisher's nomenclature file beside the data;
* :mod:`.api` — each as a :class:`~cistrade.indicators.Result`::

      >>> from cistrade.indicators import connect
      >>> from cistrade.indicators.strengths import rca
      >>> rca(connect("cistrade.duckdb"), "2023", reporter="KAZ", top=5).rows[0]["product"]
"""

from cistrade.indicators.strengths.api import (
    ROW_FIELDS,
    complementarity,
    complementarity_matrix,
    complexity,
    rca,
    side_of,
    similarity,
)
from cistrade.indicators.strengths.frame import Level, ProductSelection, select_products

__all__ = [
    "ROW_FIELDS",
    "Level",
    "ProductSelection",
    "complementarity",
    "complementarity_matrix",
    "complexity",
    "rca",
    "select_products",
    "side_of",
    "similarity",
]
