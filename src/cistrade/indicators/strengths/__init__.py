"""The strengths of each member: comparative advantage, complementarity, similarity, complexity.

Product-level indicators over one world table of exports by exporter, importer and product
(BACI HS6, Comtrade by product, any source with a product code), on DuckDB or Spark through the
same Ibis expressions as every other indicator, each declared on the registry
(:mod:`cistrade.indicators.registry`: its CLI command, HTTP route and output contract):

* :mod:`.rca` — Balassa's revealed comparative advantage, its symmetric form, RCA ≥ 1
  (``cistrade rca``);
* :mod:`.complementarity` — Michaely's complementarity of one side's exports with another's
  imports, either a country or a bloc (``cistrade complementarity``); :mod:`.matrix` — every
  pair of a bloc's members (``cistrade complementarity-matrix``);
* :mod:`.similarity` — Finger–Kreinin's export similarity (``cistrade similarity``);
* :mod:`.complexity` — diversity, ubiquity, ECI and PCI, the ``ecomplexity`` conventions
  (``cistrade complexity``);
* :mod:`.profile` — one country's strengths: top RCA products and complementarity both ways
  with a partner (``cistrade strengths``);
* underneath: :mod:`.shares` (share vectors and their overlap), :mod:`.pairs` (an overlap
  index's answer), :mod:`.frame` (which rows form the world table), :mod:`.names` (product
  names from the publisher's nomenclature file beside the data), :mod:`.base` (the world
  table's run on the skeleton, the sides, the ``members`` section)::

      >>> from cistrade.indicators import connect
      >>> from cistrade.indicators.strengths import rca
      >>> rca(connect("cistrade.duckdb"), "2023", reporter="KAZ", top=5).rows[0]["product"]
"""

from cistrade.indicators.strengths.base import MemberStatus, World, side_of
from cistrade.indicators.strengths.complementarity import complementarity
from cistrade.indicators.strengths.complexity import complexity
from cistrade.indicators.strengths.frame import Level, ProductSelection, select_products
from cistrade.indicators.strengths.matrix import complementarity_matrix
from cistrade.indicators.strengths.profile import strengths
from cistrade.indicators.strengths.rca import rca
from cistrade.indicators.strengths.similarity import similarity

__all__ = [
    "Level",
    "MemberStatus",
    "ProductSelection",
    "World",
    "complementarity",
    "complementarity_matrix",
    "complexity",
    "rca",
    "select_products",
    "side_of",
    "similarity",
    "strengths",
]
