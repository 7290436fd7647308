"""The value rules of the output contract (``docs/output-contract.md``): what JSON carries.

Every document cistrade prints or serves — an indicator's :class:`~cistrade.indicators.result.Result`,
a claim's verdict, an error, an ingest report — goes through :func:`jsonable`: dates as ISO
text, NaN and infinities as null (never a sentinel), enums as their value, sets as sorted
lists, numpy scalars as Python numbers.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from enum import StrEnum
from typing import Any

__all__ = ["jsonable"]


def jsonable(value: Any) -> Any:  # noqa: ANN401 - any JSON-bound value, and its JSON form
    """A value as JSON can carry it: dates as ISO text, NaN as null, enums as their value."""
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, set | frozenset):
        return [jsonable(v) for v in sorted(value)]
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return value.item()
    return value
