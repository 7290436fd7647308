"""Series of indicator figures for the dashboard's and the report's charts.

* :func:`bloc_series` — a bloc's share of a reporter's trade, one point per month, quarter or
  year of a period range (points without data are left out and said so in the notes);
* :func:`mutual_matrix` — the bloc members' trade with each other: for every member that
  reports, each other member's value and share of its trade.

Both return the indicators' JSON contract ``{"query", "rows", "datasets", "notes"}``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from cistrade.errors import InputError, NoData
from cistrade.indicators.args import resolve_bloc
from cistrade.indicators.blocs import bloc_share
from cistrade.indicators.share import share
from cistrade.model import PeriodRange

if TYPE_CHECKING:  # pragma: no cover
    from cistrade.indicators.engine import Engine

__all__ = ["bloc_series", "mutual_matrix", "steps", "MAX_POINTS"]

log = logging.getLogger(__name__)

MAX_POINTS = 60


def steps(period: str, step: str = "auto") -> list[tuple[str, str]]:
    """``(label, period text)`` for each step of a range: months, quarters or years."""
    rng = PeriodRange.parse(period)
    months = rng.months()
    if step == "auto":
        step = "month" if len(months) <= 24 else "quarter" if len(months) <= 3 * 24 else "year"
    if step not in ("month", "quarter", "year"):
        raise InputError(f"step is month, quarter or year, not {step!r}")
    groups: dict[str, list[Any]] = {}
    for m in months:
        label = {"month": str(m), "quarter": f"{m.year}-Q{(m.number - 1) // 3 + 1}",
                 "year": str(m.year)}[step]
        groups.setdefault(label, []).append(m)
    if len(groups) > MAX_POINTS:
        raise InputError(f"{len(groups)} {step}s is too many points (at most {MAX_POINTS}); "
                         "choose a longer step or a shorter range")
    return [(label, str(ms[0]) if len(ms) == 1 else f"{ms[0]}..{ms[-1]}") for label, ms in groups.items()]


def _merge_datasets(into: dict[str, dict[str, Any]], doc: dict[str, Any]) -> None:
    for d in doc.get("datasets", []):
        into.setdefault(str(d.get("id") or d.get("dataset_id")), d)


def bloc_series(eng: Engine, reporter: str, bloc: str, period: str, flow: str = "turnover",
                step: str = "auto") -> dict[str, Any]:
    """The bloc's share of the reporter's trade at each step of ``period``."""
    rows: list[dict[str, Any]] = []
    datasets: dict[str, dict[str, Any]] = {}
    missing: list[str] = []
    last_error: NoData | None = None
    for label, sub in steps(period, step):
        try:
            doc = bloc_share(eng, reporter, bloc, sub, flow).to_dict()
        except NoData as exc:
            missing.append(label)
            last_error = exc
            continue
        head = next((r for r in doc["rows"] if r.get("aggregate")), doc["rows"][0] if doc["rows"] else None)
        if head is None:
            missing.append(label)
            continue
        rows.append({"label": label, "period": sub, "reporter": head.get("reporter"),
                     "bloc": head.get("bloc"), "share": head.get("share"), "value": head.get("value"),
                     "total": head.get("total"), "currency": head.get("currency"),
                     "method": head.get("method")})
        _merge_datasets(datasets, doc)
    if not rows:
        raise last_error or NoData(f"no data for {reporter} in {period}")
    notes = [f"no data for {', '.join(missing)}"] if missing else []
    query = {"indicator": "bloc_share_series", "reporter": reporter, "bloc": bloc, "period": period,
             "flow": flow, "step": step}
    return {"query": query, "rows": rows, "datasets": list(datasets.values()), "notes": notes}


def mutual_matrix(eng: Engine, bloc: str, period: str, flow: str = "turnover") -> dict[str, Any]:
    """Every reporting member's trade with each other member (value and share of its trade)."""
    the_bloc = resolve_bloc(bloc)
    rng = PeriodRange.parse(period)
    members = the_bloc.members(during=rng)
    rows: list[dict[str, Any]] = []
    datasets: dict[str, dict[str, Any]] = {}
    silent: list[str] = []
    for reporter in members:
        try:
            doc = share(eng, reporter, period, flow).to_dict()
        except NoData:
            silent.append(reporter)
            continue
        found = [r for r in doc["rows"] if r.get("partner") in members and r.get("partner") != reporter]
        if not found:
            silent.append(reporter)
            continue
        for r in found:
            rows.append({"reporter": reporter, "partner": r["partner"], "partner_name": r.get("partner_name"),
                         "value": r.get("value"), "share": r.get("share"), "currency": r.get("currency")})
        _merge_datasets(datasets, doc)
    if not rows:
        raise NoData(f"no member of {the_bloc.id} reports trade with the others in {period}",
                     available={"members": members})
    notes = []
    if silent:
        notes.append(f"no data in the store for {', '.join(silent)} as reporters in {period}")
    query = {"indicator": "mutual_matrix", "bloc": the_bloc.id, "period": period, "flow": flow,
             "members": members}
    return {"query": query, "rows": rows, "datasets": list(datasets.values()), "notes": notes}
