"""The stored rows behind a figure: every figure can be shown with its evidence.

:func:`evidence` takes a :class:`~cistrade.indicators.result.Result` and one of its rows and
returns the canonical rows it was computed from — dataset, file, ``row_ref`` (sheet, row,
column in the publisher's file), value — using the selections the result records in
``query["selections"]`` (source, frequency, period, datasets, bases per reporter).
"""

from __future__ import annotations

import functools
import operator
from typing import TYPE_CHECKING, Any

from cistrade.errors import InputError
from cistrade.indicators.args import BOTH_FLOWS
from cistrade.indicators.result import Result
from cistrade.model import PeriodRange, TradeFlow

if TYPE_CHECKING:  # pragma: no cover
    from cistrade.indicators.engine import Engine

__all__ = ["evidence"]

_COLUMNS = ("dataset_id", "reporter", "partner", "flow", "freq", "period_start", "period_end",
            "product_class", "product", "partner_basis", "value", "currency", "aggregate",
            "row_ref")


def _partner_filter(t: Any, row: dict[str, Any], result: Result) -> Any:
    partner = row.get("partner")
    if partner is None or partner == "*":
        return None
    if partner == "WLD":
        return t["aggregate"] & (t.partner == "WLD")
    if str(partner).startswith("G:") and result.kind in ("bloc_share", "growth"):
        members = list(result.query.get("members") or [])
        return (t.partner == partner) | t.partner.isin(members)
    return t.partner == partner


def _flows(row: dict[str, Any], result: Result) -> list[str]:
    flow = row.get("flow") or result.query.get("flow")
    return list(BOTH_FLOWS) if flow in (None, TradeFlow.TURNOVER) else [flow]


def _selection_filter(t: Any, sel: dict[str, Any], flows: list[str]) -> Any:
    rng = PeriodRange.parse(sel["period"])
    terms = None
    for flow in flows:
        basis = sel["bases"].get(flow)
        if basis is None:
            continue
        term = (t.flow == flow) & ((t.partner_basis == basis) | t["aggregate"])
        terms = term if terms is None else terms | term
    if terms is None:
        return None
    return ((t.reporter == sel["reporter"]) & t.dataset_id.isin(sel["datasets"])
            & (t.freq == sel["freq"]) & (t.period_start >= rng.first_day)
            & (t.period_end <= rng.last_day) & t.product_class.isin(sel["product_class"])
            & terms)


def evidence(eng: Engine, result: Result, row: int | dict[str, Any] = 0, *,
             limit: int = 500) -> list[dict[str, Any]]:
    """The stored rows behind ``result.rows[row]`` (or the given row), with their files."""
    if isinstance(row, int):
        try:
            row = result.rows[row]
        except IndexError:
            raise InputError(f"the result has {len(result.rows)} rows, no row {row}") from None
    t = eng.flows
    sels = [s for s in result.query.get("selections", []) if s["reporter"] == row.get("reporter")]
    terms = [f for s in sels if (f := _selection_filter(t, s, _flows(row, result))) is not None]
    if not terms:
        return []
    pred = functools.reduce(operator.or_, terms)
    partner = _partner_filter(t, row, result)
    if partner is not None:
        pred = pred & partner
    q = t.filter(pred).select(*_COLUMNS).order_by(["period_start", "flow", "partner"]).limit(limit)
    found = eng.rows(q)
    for r in found:
        d = eng.datasets.get(r["dataset_id"], {})
        r.update(file=d.get("file_name"), source=d.get("source"), vintage=d.get("vintage"))
    return found
