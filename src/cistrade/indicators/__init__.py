"""Indicators: partner shares, bloc shares, growth, roles, balance and mirror statistics.

Every indicator is a set of Ibis expressions over the store's canonical ``flows`` table, run by
an :class:`Engine` (DuckDB by default, or Spark) and returned as a :class:`Result`::

    >>> from cistrade.indicators import connect, share
    >>> eng = connect("cistrade.duckdb")
    >>> share(eng, "Kazakhstan", "2023", top=2).rows[0]["partner"]
    'CHN'

Reporters and partners are names or codes; periods ``2024``, ``2024-Q3``, ``2024-09`` or
``2024-01..2024-09``. ``reporter="*"`` (and, for growth, ``partner="*"``) computes every
reporter (pair) in one query.

How an answer is made:

1. :mod:`~cistrade.indicators.catalog` — what the store covers (by reporter, dataset, flow,
   frequency, period, basis), computed once per store version and cached;
2. :mod:`~cistrade.indicators.select` — per reporter, a plan: the preferred source
   (:mod:`~cistrade.indicators.preference`), the frequency that covers the range exactly, the
   partner basis and product level; :class:`~cistrade.errors.NoData` when nothing does;
3. :mod:`~cistrade.indicators.frame` and :mod:`~cistrade.indicators.measures` — the plans'
   rows as an Ibis table (filters the catalog proves useless left out), converted to one
   currency, and the indicator's expression over it (``share``, ``blocs``, ``growth``,
   ``roles``, ``balance``, ``mirror``);
4. :meth:`Engine.prepare` — the compiled query kept per store version (in memory, and for a
   store file on disk: :mod:`~cistrade.indicators.prepared`), then run on DuckDB or Spark;
5. :class:`Result` — rows, the datasets behind them, notes; :func:`evidence` lists the
   stored rows behind one figure.

Each indicator declares itself (:mod:`~cistrade.indicators.spec`: name, parameters, table
function, notes, row fields, its part of the output contract) and runs on the one skeleton
there; :mod:`~cistrade.indicators.registry` lists them for the CLI, the API and the docs.
"""

from cistrade.indicators.balance import balance
from cistrade.indicators.blocs import bloc_share
from cistrade.indicators.catalog import availability
from cistrade.indicators.engine import ENGINES, Engine, connect
from cistrade.indicators.evidence import evidence
from cistrade.indicators.growth import growth
from cistrade.indicators.mirror import CIF_FOB, mirror
from cistrade.indicators.preference import FREQ_ORDER, SOURCE_ORDER
from cistrade.indicators.registry import INDICATORS, ROW_FIELDS, indicator
from cistrade.indicators.result import Result
from cistrade.indicators.roles import roles
from cistrade.indicators.share import share

__all__ = [
    "CIF_FOB",
    "ENGINES",
    "FREQ_ORDER",
    "INDICATORS",
    "ROW_FIELDS",
    "SOURCE_ORDER",
    "Engine",
    "Result",
    "availability",
    "balance",
    "bloc_share",
    "connect",
    "evidence",
    "growth",
    "indicator",
    "mirror",
    "roles",
    "share",
]
