"""Reference data: the area registry (countries, historical areas, pseudo-areas, group rows)
and trade blocs with dated membership.

    >>> from datetime import date
    >>> from cistrade.reference import lookup, members
    >>> lookup("Киргизия").code
    'KGZ'
    >>> members("EAEU", on=date(2015, 1, 1))
    ['BLR', 'KAZ', 'RUS']

``cistrade.reference.blocs`` stays the *module* (``blocs.blocs()`` lists every bloc), so
``from cistrade.reference import blocs`` keeps working; the other public names are
re-exported here.
"""

from cistrade.reference import blocs, countries, names
from cistrade.reference.blocs import STATUSES, Bloc, Membership, bloc, members
from cistrade.reference.countries import KINDS, SCHEMES, Area, Registry, lookup, registry
from cistrade.reference.names import normalise

__all__ = [
    "Area",
    "Registry",
    "registry",
    "lookup",
    "KINDS",
    "SCHEMES",
    "Bloc",
    "Membership",
    "bloc",
    "members",
    "STATUSES",
    "normalise",
    "blocs",
    "countries",
    "names",
]
