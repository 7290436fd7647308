"""The value rules of the output contract (``docs/output-contract.md``): what JSON carries.

Every document cistrade prints or serves — an indicator's :class:`~cistrade.indicators.result.Result`,
a claim's verdict, an error, an ingest report — goes through :func:`jsonable`: dates as ISO
text, NaN and infinities as null (never a sentinel), enums as their value, sets as sorted
lists, numpy scalars as Python numbers. One rule per type (``functools.singledispatch``): a
new type that JSON cannot carry gets its own.
"""

from __future__ import annotations

import functools
import math
from datetime import date
from enum import StrEnum
from typing import Any

__all__ = ["jsonable"]


@functools.singledispatch
def jsonable(value: Any) -> Any:  # noqa: ANN401 - any JSON-bound value, and its JSON form
    """A value as JSON can carry it: dates as ISO text, NaN as null, enums as their value."""
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return value.item()
    return value


@jsonable.register
def _enum(value: StrEnum) -> str:
    return value.value


@jsonable.register
def _date(value: date) -> str:  # datetimes too
    return value.isoformat()


@jsonable.register
def _float(value: float) -> float | None:
    return value if math.isfinite(value) else None


@jsonable.register
def _dict(value: dict) -> dict[str, Any]:  # type: ignore[type-arg]
    return {str(k): jsonable(v) for k, v in value.items()}


@jsonable.register(list)
@jsonable.register(tuple)
def _sequence(value: list[Any] | tuple[Any, ...]) -> list[Any]:
    return [jsonable(v) for v in value]


@jsonable.register(set)
@jsonable.register(frozenset)
def _set(value: set[Any] | frozenset[Any]) -> list[Any]:
    return [jsonable(v) for v in sorted(value)]
