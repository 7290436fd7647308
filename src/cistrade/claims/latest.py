"""What data exists for a reporter, in words, and which periods it covers.

Works on the dictionary :func:`cistrade.indicators.availability` returns (``{"reporter",
"sources": [{"source", "freqs": {"annual": {"first", "last"}, …}, "first", "last"}]}``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from cistrade.model import Freq, Period, PeriodRange

__all__ = ["describe", "latest_year", "fallback_periods"]


def describe(avail: dict[str, Any] | None) -> str:
    """``kz-bns annual 2018–2023; comtrade monthly 2019-01–2023-12`` or ``none``."""
    parts = []
    for s in (avail or {}).get("sources", []):
        spans = [f"{name} {span['first']}–{span['last']}"
                 for name, span in (s.get("freqs") or {}).items()]
        parts.append(f"{s.get('source', '?')} " + ", ".join(spans))
    return "; ".join(parts) if parts else "none"


def _last_day(s: dict[str, Any]) -> date | None:
    try:
        return date.fromisoformat(str(s.get("last")))
    except ValueError:
        return None


def latest_year(avail: dict[str, Any] | None) -> int | None:
    """The latest calendar year the data covers in full (annual, or twelve months)."""
    years = []
    for s in (avail or {}).get("sources", []):
        freqs = s.get("freqs") or {}
        annual = freqs.get("annual")
        if annual:
            years.append(int(str(annual["last"])[:4]))
        last = _last_day(s)
        if last is not None:
            years.append(last.year if last.month == 12 else last.year - 1)
    return max(years) if years else None


#: how many years back the same months are looked for when the claimed period has no data
SAME_MONTHS_BACK = 3


def fallback_periods(period: PeriodRange | None, avail: dict[str, Any] | None,
                     limit: int = 4) -> list[PeriodRange]:
    """Periods to try when the claimed one has no data, most comparable first: the same
    months in earlier years the data reaches, then the latest full years."""
    out = _same_months(period, avail)
    year = latest_year(avail)
    if year is not None:
        out += [PeriodRange.of(Period(y, Freq.ANNUAL)) for y in (year, year - 1)]
    seen: list[PeriodRange] = []
    for p in out:
        if p not in seen and p != period:
            seen.append(p)
    return seen[:limit]


def _same_months(period: PeriodRange | None, avail: dict[str, Any] | None) -> list[PeriodRange]:
    """The same months of the latest earlier year the data reaches (within
    :data:`SAME_MONTHS_BACK` years), for a period within one year."""
    last_days = [d for s in (avail or {}).get("sources", []) if (d := _last_day(s))]
    if period is None or not last_days or len(period.years()) != 1:
        return []
    reach = max(last_days)
    for back in range(1, SAME_MONTHS_BACK + 1):
        shifted = _shift(period, back)
        if shifted.last_day <= reach:
            return [shifted]
    return []


def _shift(period: PeriodRange, years: int) -> PeriodRange:
    for _ in range(years):
        period = period.previous_year()
    return period
