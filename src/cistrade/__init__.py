"""cistrade: official trade statistics of the CIS countries, with provenance and claim checking."""

from cistrade.errors import (
    CistradeError,
    InputError,
    MixedUnits,
    NoData,
    SourceUnavailable,
    StoreError,
    UnknownBloc,
    UnknownCountry,
)
from cistrade.model import Flow, Freq, PartnerBasis, Period, PeriodRange, TradeFlow, Valuation

__version__ = "0.1.0"

__all__ = [
    "CistradeError",
    "InputError",
    "MixedUnits",
    "NoData",
    "SourceUnavailable",
    "StoreError",
    "UnknownBloc",
    "UnknownCountry",
    "Flow",
    "Freq",
    "PartnerBasis",
    "Period",
    "PeriodRange",
    "TradeFlow",
    "Valuation",
    "__version__",
]
