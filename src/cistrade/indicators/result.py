"""The one answer shape every indicator returns, and its JSON contract.

A :class:`Result` is plain data: ``query`` (the resolved parameters: codes, the period range,
the bloc's members used, the engine), ``rows`` (one dict per figure), ``datasets`` (every
stored dataset a figure came from: id, source, vintage, file …) and ``notes`` (how the figure
was made: which total, which basis, what was left out). ``to_dict()`` is the JSON document the
CLI prints with ``--format json`` and the web API serves; see ``docs/output-contract.md`` (its
value rules: :func:`cistrade.contract.jsonable`; each indicator's fields: its declaration,
:mod:`cistrade.indicators.registry`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cistrade.contract import jsonable

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa

    from cistrade.indicators.spec import RowBuilder

__all__ = ["Result"]


class Result:
    """An indicator's answer: the figures, what they were computed from, and how.

    ``rows`` is a list of dicts. An indicator may hand over its figures as an Arrow table and
    a function turning the table's columns into those dicts; the dicts are then built on
    first use (``result.table`` is the table itself, for callers that want columns).
    """

    def __init__(self, kind: str, query: dict[str, Any], rows: list[dict[str, Any]] | None = None,
                 datasets: list[dict[str, Any]] | None = None, notes: list[str] | None = None,
                 sections: dict[str, list[dict[str, Any]]] | None = None, *,
                 table: pa.Table | None = None, build: RowBuilder | None = None) -> None:
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
            assert self._build is not None and self.table is not None  # checked on creation
            self._rows = self._build(self.table)
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

    def row(self, **match: object) -> dict[str, Any]:
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

