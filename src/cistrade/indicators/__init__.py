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
"""

from cistrade.indicators.balance import balance
from cistrade.indicators.blocs import bloc_share
from cistrade.indicators.catalog import availability
from cistrade.indicators.engine import ENGINES, Engine, connect
from cistrade.indicators.evidence import evidence
from cistrade.indicators.growth import growth
from cistrade.indicators.mirror import CIF_FOB, mirror
from cistrade.indicators.preference import FREQ_ORDER, SOURCE_ORDER
from cistrade.indicators.result import ROW_FIELDS, Result
from cistrade.indicators.roles import roles
from cistrade.indicators.share import share

__all__ = [
    "CIF_FOB",
    "ENGINES",
    "FREQ_ORDER",
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
    "mirror",
    "roles",
    "share",
]
