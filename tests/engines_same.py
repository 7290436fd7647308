"""One comparison for "Spark gives DuckDB's rows": the engine suites of the indicators and
the strengths share it."""

from __future__ import annotations

import math
from typing import Any


def same(a: Any, b: Any, abs_tol: float = 1e-9) -> bool:
    """Equal, floats within 1e-9 relative (and ``abs_tol``), through dicts and lists."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=abs_tol)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k], abs_tol) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y, abs_tol) for x, y in zip(a, b, strict=True))
    return a == b
