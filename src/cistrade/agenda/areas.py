"""The closed vocabularies of the cooperation agenda register: areas, kinds, statuses.

Each area says whether it is **economic**: the register's figure "share of planned measures
on economic issues" counts the entries whose area is. The split follows the statement the
register exists to check (Mishustin, CIS Council of Heads of Government, 12 December 2024):
agreements "in energy, transportation, and intellectual property", events "in science,
education, culture, and sports", and "economic issues, such as food security, stimulating
business activity, modernizing transport and logistics infrastructure, industrial
cooperation, innovation, and digitalization". Trade, economic policy (strategies of
economic development), customs, finance, agriculture, the
labour market and construction are economic too; the environment, health, humanitarian
cooperation (commemorations, youth, volunteering, tourism), security, foreign policy,
geodesy and spatial data, and the organisation's own institutional business are not. The
table below is the documented list; ``docs/agenda.md`` repeats it.

An area is written by its name (``food security``), its slug (``food_security``) or its
Russian name (``продовольственная безопасность``), in any case.
"""

from __future__ import annotations

from enum import StrEnum

from cistrade.reference.names import normalise

__all__ = ["Area", "AREAS", "area_of", "Kind", "Status", "kind_of", "status_of", "ECONOMIC"]


class Area(StrEnum):
    ENERGY = "energy"
    TRANSPORT = "transport"
    LOGISTICS = "logistics"
    INTELLECTUAL_PROPERTY = "intellectual property"
    FOOD_SECURITY = "food security"
    AGRICULTURE = "agriculture"
    BUSINESS_ACTIVITY = "business activity"
    TRADE = "trade"
    ECONOMIC_POLICY = "economic policy"
    CUSTOMS = "customs"
    FINANCE = "finance"
    INDUSTRIAL_COOPERATION = "industrial cooperation"
    INNOVATION = "innovation"
    DIGITALISATION = "digitalisation"
    LABOUR_MARKET = "labour market"
    CONSTRUCTION = "construction"
    SCIENCE = "science"
    EDUCATION = "education"
    CULTURE = "culture"
    SPORT = "sport"
    HEALTH = "health"
    ENVIRONMENT = "environment"
    HUMANITARIAN = "humanitarian"
    SPATIAL_DATA = "spatial data"
    SECURITY = "security"
    FOREIGN_POLICY = "foreign policy"
    INSTITUTIONAL = "institutional"


#: area → (economic, Russian name, other spellings)
AREAS: dict[Area, tuple[bool, str, tuple[str, ...]]] = {
    Area.ENERGY: (True, "энергетика", ("fuel and energy",)),
    Area.TRANSPORT: (True, "транспорт", ("transportation",)),
    Area.LOGISTICS: (True, "логистика", ()),
    Area.INTELLECTUAL_PROPERTY: (True, "интеллектуальная собственность", ("ip",)),
    Area.FOOD_SECURITY: (True, "продовольственная безопасность", ()),
    Area.AGRICULTURE: (True, "сельское хозяйство", ("agro-industrial",)),
    Area.BUSINESS_ACTIVITY: (True, "деловая активность", ("business",)),
    Area.TRADE: (True, "торговля", ()),
    Area.ECONOMIC_POLICY: (True, "экономическая политика", ("economic strategy",)),
    Area.CUSTOMS: (True, "таможня", ()),
    Area.FINANCE: (True, "финансы", ("monetary and financial",)),
    Area.INDUSTRIAL_COOPERATION: (True, "промышленная кооперация", ("industry",)),
    Area.INNOVATION: (True, "инновации", ()),
    Area.DIGITALISATION: (True, "цифровизация", ("digitalization", "digital economy")),
    Area.LABOUR_MARKET: (True, "рынок труда", ("labor market", "migration")),
    Area.CONSTRUCTION: (True, "строительство", ()),
    Area.SCIENCE: (False, "наука", ()),
    Area.EDUCATION: (False, "образование", ()),
    Area.CULTURE: (False, "культура", ()),
    Area.SPORT: (False, "спорт", ("sports",)),
    Area.HEALTH: (False, "здравоохранение", ("healthcare",)),
    Area.ENVIRONMENT: (False, "экология", ("ecology",)),
    Area.HUMANITARIAN: (False, "гуманитарное сотрудничество", ("youth", "tourism")),
    Area.SPATIAL_DATA: (False, "геодезия и пространственные данные", ("geodesy",)),
    Area.SECURITY: (False, "безопасность", ()),
    Area.FOREIGN_POLICY: (False, "внешняя политика", ("international",)),
    Area.INSTITUTIONAL: (False, "деятельность органов", ("organisational",)),
}
ECONOMIC = frozenset(a for a, (econ, _, _) in AREAS.items() if econ)


def _index() -> dict[str, Area]:
    index: dict[str, Area] = {}
    for area, (_, ru, other) in AREAS.items():
        for name in (area.value, area.name, ru, *other):
            index[normalise(name.replace("_", " "))] = area
    return index


_INDEX = _index()


def area_of(text: str) -> Area | None:
    """The area a spelling names, or None."""
    return _INDEX.get(normalise(str(text).replace("_", " ")))


class Kind(StrEnum):
    """What an entry is."""

    MEASURE = "measure"
    AGREEMENT = "agreement"
    PLAN = "plan"
    PROGRAMME = "programme"
    CONCEPT = "concept"
    DECISION = "decision"
    MEMORANDUM = "memorandum"
    ROAD_MAP = "road map"


class Status(StrEnum):
    """Where an entry stands, as its source document says (``unknown`` when it does not)."""

    PLANNED = "planned"
    ADOPTED = "adopted"
    SIGNED = "signed"
    IN_FORCE = "in force"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"


def _enum_of(cls: type[StrEnum], text: str) -> StrEnum | None:
    key = normalise(str(text).replace("_", " "))
    return next((m for m in cls if normalise(m.value) == key), None)


def kind_of(text: str) -> Kind | None:
    found = _enum_of(Kind, text)
    return Kind(found) if found is not None else None


def status_of(text: str) -> Status | None:
    found = _enum_of(Status, text)
    return Status(found) if found is not None else None
