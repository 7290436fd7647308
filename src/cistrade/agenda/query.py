"""Queries on the agenda register: entries by area, participant and period; the economic share.

Both answer as a :class:`~cistrade.indicators.Result` (``query``, ``rows``, ``datasets`` — the
register files the entries came from —, ``notes``), the JSON contract of every figure.

A *participant* is a country (the entries whose participants include it, directly or through a
bloc it belonged to when the entry was adopted) or a bloc (the entries naming the bloc). A
*period* keeps the entries adopted within it; entries whose source gives no date are then left
out, and the notes count them. The economic share is the part of the selected entries whose
area is economic (:mod:`cistrade.agenda.areas`), with the list behind it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from cistrade.agenda.areas import Area, area_of, kind_of, status_of
from cistrade.agenda.tables import ENTRY_COLUMNS, has_register
from cistrade.errors import InputError, NoData, UnknownBloc
from cistrade.indicators.result import Result

__all__ = ["Filters", "entries", "economic_share"]

_SHOWN = ("entry_id", "title", "area", "economic", "kind", "participants", "adopting_body",
          "date_adopted", "due", "status", "source_title", "source_url", "file_id", "row_ref",
          "members", "evidence")


@dataclass
class Filters:
    """What selects entries; every field optional."""

    area: str | None = None
    participant: str | None = None
    period: str | None = None
    body: str | None = None
    status: str | None = None
    kind: str | None = None

    def where(self) -> tuple[str, list[Any], dict[str, Any], list[str]]:
        """SQL conditions and parameters, the resolved query, and notes."""
        terms: list[str] = []
        params: list[Any] = []
        query: dict[str, Any] = {}
        notes: list[str] = []
        if self.area:
            area = area_of(self.area)
            if area is None:
                raise InputError(f"unknown area {self.area!r}; one of "
                                 f"{', '.join(a.value for a in Area)}")
            terms.append("area = ?")
            params.append(area.value)
            query["area"] = area.value
        self._participant(terms, params, query)
        if self.period:
            from cistrade.model import PeriodRange

            rng = PeriodRange.parse(self.period)
            terms.append("adopted_first >= ? AND adopted_last <= ?")
            params += [rng.first_day, rng.last_day]
            query.update(period=str(rng), period_start=rng.first_day, period_end=rng.last_day)
        for name, parse in (("status", status_of), ("kind", kind_of)):
            text = getattr(self, name)
            if text:
                found = parse(text)
                if found is None:
                    raise InputError(f"unknown {name} {text!r}")
                terms.append(f"{name} = ?")
                params.append(found.value)
                query[name] = found.value
        if self.body:
            terms.append("adopting_body ILIKE ?")
            params.append(f"%{self.body}%")
            query["body"] = self.body
        return (" AND ".join(terms) or "true"), params, query, notes

    def _participant(self, terms: list[str], params: list[Any], query: dict[str, Any]) -> None:
        if not self.participant:
            return
        from cistrade.indicators.args import area_code
        from cistrade.reference import blocs

        try:
            code = blocs.bloc(self.participant).id
            terms.append("list_contains(participants, ?)")
        except UnknownBloc:
            code = area_code(self.participant)
            terms.append("list_contains(members, ?)")
        params.append(code)
        query["participant"] = code


def _fetch(con: Any, filters: Filters) -> tuple[list[dict[str, Any]], dict[str, Any], list[str],
                                                list[dict[str, Any]]]:
    if not has_register(con):
        raise NoData("the store holds no agenda register; `cistrade agenda ingest FILE` "
                     "(or --shipped) first", available={"agenda": []})
    where, params, query, notes = filters.where()
    rel = con.execute(f"SELECT {', '.join(ENTRY_COLUMNS)} FROM agenda_entries WHERE {where} "
                      "ORDER BY adopted_first NULLS LAST, entry_id", params)
    rows = [dict(zip(ENTRY_COLUMNS, r, strict=True)) for r in rel.fetchall()]
    if filters.period:
        import dataclasses

        rest, rest_params, _, _ = dataclasses.replace(filters, period=None).where()
        undated = con.execute(f"SELECT count(*) FROM agenda_entries WHERE {rest} AND "
                              "adopted_first IS NULL", rest_params).fetchall()[0][0]
        if undated:
            notes.append(f"{undated} otherwise matching entr{'y' if undated == 1 else 'ies'} "
                         "without a date of adoption (the source gives none) left out of the "
                         "period")
    ids = sorted({r["file_id"] for r in rows})
    files = [dict(zip(("id", "file", "sha256", "synthetic", "ingested_at", "entries"), f,
                      strict=True))
             for f in con.execute(
                 "SELECT file_id, file_name, sha256, synthetic, ingested_at, entries "
                 "FROM agenda_files WHERE list_contains(?, file_id) ORDER BY file_id",
                 [ids]).fetchall()]
    if any(f["synthetic"] for f in files):
        notes.append("SYNTHETIC entries among these (a generated register file)")
    return rows, query, notes, files


def _shown(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in _SHOWN}


def entries(con: Any, filters: Filters | None = None) -> Result:
    """The entries that match, oldest first (undated last)."""
    rows, query, notes, files = _fetch(con, filters or Filters())
    return Result("agenda", query, [_shown(r) for r in rows], files, notes)


def economic_share(con: Any, filters: Filters | None = None) -> Result:
    """``economic / entries`` over the entries that match; the section ``entries`` lists
    them (economic first), so that the figure can be checked entry by entry."""
    rows, query, notes, files = _fetch(con, filters or Filters())
    if not rows:
        raise NoData("no agenda entries match " + (", ".join(f"{k}={v}" for k, v in query.items()
                                                             if k in ("area", "participant",
                                                                      "period", "body", "status",
                                                                      "kind")) or "(nothing)"),
                     available={"query": query})
    econ = sum(1 for r in rows if r["economic"])
    areas: dict[str, int] = {}
    for r in rows:
        areas[r["area"]] = areas.get(r["area"], 0) + 1
    figure = {"entries": len(rows), "economic": econ, "other": len(rows) - econ,
              "share": econ / len(rows), "areas": dict(sorted(areas.items()))}
    notes.append("economic areas: those marked economic in the documented list (docs/agenda.md); "
                 f"the share counts entries, each measure or agreement once ({len(rows)} here)")
    listed = sorted(rows, key=lambda r: (not r["economic"], r["adopted_first"] or date.max, r["entry_id"]))
    return Result("agenda_share", query, [figure], files, notes,
                  sections={"entries": [_shown(r) for r in listed]})

