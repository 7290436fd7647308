"""The one answer shape every indicator returns, and its JSON contract.

A :class:`Result` is plain data: ``query`` (the resolved parameters: codes, the period range,
the bloc's members used, the engine), ``rows`` (one dict per figure), ``datasets`` (every
stored dataset a figure came from: id, source, vintage, file …) and ``notes`` (how the figure
was made: which total, which basis, what was left out). ``to_dict()`` is the JSON document the
CLI prints with ``--format json`` and the web API serves; see ``docs/output-contract.md``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime
from enum import StrEnum
from typing import Any

__all__ = ["Result", "jsonable", "ROW_FIELDS"]

#: the row fields each indicator guarantees (more may follow them)
ROW_FIELDS: dict[str, tuple[str, ...]] = {
    "share": ("reporter", "partner", "partner_name", "flow", "period", "value", "currency",
              "share", "rank", "basis", "partner_basis"),
    "bloc_share": ("reporter", "bloc", "partner", "partner_name", "flow", "period", "value",
                   "currency", "share", "basis"),
    "growth": ("reporter", "partner", "partner_name", "flow", "period", "previous_period",
               "value", "previous_value", "change", "growth", "currency", "basis"),
    "roles": ("group", "partner", "partner_name", "period", "supplier_value", "supplier_rank",
              "supplier_share", "market_value", "market_rank", "market_share", "currency",
              "basis"),
    "balance": ("reporter", "partner", "partner_name", "period", "export", "import", "balance",
                "currency", "basis"),
    "mirror": ("reporter", "partner", "partner_name", "period", "currency",
               "export_reported", "export_mirror", "export_ratio", "export", "export_basis",
               "import_reported", "import_mirror", "import_ratio", "import", "import_basis"),
}


def jsonable(value: Any) -> Any:
    """A value as JSON can carry it: dates as ISO text, NaN as null, enums as their value."""
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return [jsonable(v) for v in items]
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return value.item()
    return value


class Result:
    """An indicator's answer: the figures, what they were computed from, and how.

    ``rows`` is a list of dicts. An indicator may hand over its figures as an Arrow table and
    a function turning the table's columns into those dicts; the dicts are then built on
    first use (``result.table`` is the table itself, for callers that want columns).
    """

    def __init__(self, kind: str, query: dict[str, Any], rows: list[dict[str, Any]] | None = None,
                 datasets: list[dict[str, Any]] | None = None, notes: list[str] | None = None,
                 sections: dict[str, list[dict[str, Any]]] | None = None, *,
                 table: Any = None, build: Callable[[Any], list[dict[str, Any]]] | None = None,
                 ) -> None:
        if rows is None and (table is None or build is None):
            raise ValueError("a Result needs rows, or a table and a function building them")
        self.kind = kind
        self.query = query
        self.datasets = list(datasets or [])
        self.notes = list(notes or [])
        #: further tables of the answer (``roles`` gives ``members``), top-level keys in JSON
        self.sections = dict(sections or {})
        self.table = table
        self._rows = rows
        self._build = build

    @property
    def rows(self) -> list[dict[str, Any]]:
        if self._rows is None:
            self._rows = self._build(self.table)  # type: ignore[misc]
        return self._rows

    def to_dict(self) -> dict[str, Any]:
        """``{"query", "rows", "datasets", "notes"}`` (plus any sections), JSON-ready."""
        doc: dict[str, Any] = {
            "query": jsonable({"indicator": self.kind, **self.query}),
            "rows": [jsonable(r) for r in self.rows],
            "datasets": [jsonable(d) for d in self.datasets],
            "notes": list(self.notes),
        }
        for name, rows in self.sections.items():
            doc[name] = [jsonable(r) for r in rows]
        return doc

    def row(self, **match: Any) -> dict[str, Any]:
        """The one row whose fields equal ``match`` (``result.row(partner="CHN")``)."""
        found = [r for r in self.rows if all(r.get(k) == v for k, v in match.items())]
        if len(found) != 1:
            raise KeyError(f"{len(found)} rows match {match}")
        return found[0]

    def __len__(self) -> int:
        return len(self.rows)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Result):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<Result {self.kind} {self.query.get('period')}: {len(self.rows)} rows>"

