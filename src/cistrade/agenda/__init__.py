"""The cooperation agenda register: measures and agreements of the CIS and the EAEU as data.

Each entry (:class:`~cistrade.agenda.register.Entry`) has a title, an area from a documented
closed list that says whether it is economic (:mod:`~cistrade.agenda.areas`), participants,
the adopting body, dates, a status and the source document with its URL. Registers are read
from CSV or YAML with every cell checked (:mod:`~cistrade.agenda.register`), stored with their
provenance in the store's own ``agenda_*`` tables (:mod:`~cistrade.agenda.tables`) and queried
by area, participant and period, with the share of economic measures and the list behind it
(:mod:`~cistrade.agenda.query`).

cistrade ships a register of real entries, each citing the public page it was read from
(:data:`SHIPPED`; ``cistrade agenda ingest --shipped``).
"""

from importlib import resources

from cistrade.agenda.areas import AREAS, ECONOMIC, Area, Kind, Status, area_of
from cistrade.agenda.query import Filters, economic_share, entries
from cistrade.agenda.register import Entry, read_register
from cistrade.agenda.tables import AgendaReport, create_tables, ingest_register

#: the register shipped with cistrade (real entries, each with its source URL)
SHIPPED = resources.files("cistrade.agenda").joinpath("data/cis_eaeu_measures.csv")

__all__ = [
    "AREAS",
    "ECONOMIC",
    "SHIPPED",
    "AgendaReport",
    "Area",
    "Entry",
    "Filters",
    "Kind",
    "Status",
    "area_of",
    "create_tables",
    "economic_share",
    "entries",
    "ingest_register",
    "read_register",
]
