"""What every result says about itself: the datasets behind it and how its rows were chosen."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from cistrade.indicators.preference import freq_name
from cistrade.indicators.select import Plan

if TYPE_CHECKING:  # pragma: no cover
    from cistrade.indicators.engine import Engine
    from cistrade.indicators.frame import Frame

__all__ = ["datasets_of", "plan_notes", "basis_text", "plans_query", "missing_note",
           "plan_datasets", "coverage_of", "datasets_for"]

_BASIS_TEXT = {
    "origin": "by country of origin",
    "consignment": "by country of consignment",
    "destination": "by country of destination",
    "unknown": "partner basis not stated by the publisher",
}


def datasets_of(eng: Engine, ids: Iterable[str]) -> list[dict[str, Any]]:
    """``[{id, source, vintage, file, series, title, synthetic, url}]`` for the given ids."""
    out = []
    for i in sorted(set(ids)):
        d = eng.datasets.get(i)
        if d is None:
            continue
        out.append({
            "id": i, "source": d["source"], "vintage": d["vintage"], "file": d["file_name"],
            "series": d["series"], "title": d["title"], "synthetic": bool(d["synthetic"]),
            "url": d["url"],
        })
    return out


def datasets_for(eng: Engine, plans: Sequence[Plan], frame: Frame) -> list[dict[str, Any]]:
    """The datasets behind an answer: the plans' (their World totals' included) and those of
    the rates that converted its values."""
    return datasets_of(eng, plan_datasets(plans) | set(frame.datasets))


def basis_text(flow: str, basis: str) -> str:
    return f"{flow}s {_BASIS_TEXT.get(basis, basis)}"


def _total_text(plan: Plan, flow: str) -> str:
    if plan.world_everywhere(flow):
        used = sorted({(e.freq, e.dataset_id) for e in plan.totals if e.flow == flow})
        where = ", ".join(f"{freq_name(f)} rows of {d}" for f, d in used)
        return f"{flow}s: the published World row ({where})"
    text = f"{flow}s: the sum over every partner row (no World row published"
    if plan.complete_listing:
        return text + f"; {plan.listed} partners listed: taken as the whole trade)"
    return text + (f"; only {plan.listed} partners listed: a partial table, not the whole "
                   "trade)" if plan.listed else "; summed over the products present: an "
                   "extract need not hold every product)")


def plan_datasets(plans: Sequence[Plan]) -> set[str]:
    """Every dataset the plans read, their World totals' included."""
    return {d for p in plans for d in (*p.datasets, *p.total_datasets)}


def coverage_of(plan: Plan, covered: float | None = None) -> dict[str, Any]:
    """What a reporter's figures cover: ``total_basis`` (the published World total, or the
    sum of a complete or a partial partner table), ``complete`` (the partner table is the
    whole trade: enough partners listed, and adding up to the published total where there is
    one), ``partners_listed`` and ``covered`` (the listed partners' part of the total)."""
    complete = plan.complete_listing and (covered is None or covered >= COMPLETE_COVERAGE)
    return {"total_basis": plan.total_basis().value, "complete": complete,
            "partners_listed": plan.listed, "covered": covered}


#: listed partners adding up to at least this part of the published total make a complete
#: table (what is left is rounding and the publisher's unallocated rows)
COMPLETE_COVERAGE = 0.995


def _plan_text(plan: Plan, totals: bool) -> str:
    """How one plan chose its rows: source, frequency, bases, product level, its total."""
    parts = [f"{plan.source} {freq_name(plan.freq)} data for {plan.rng}"]
    parts += [basis_text(p.flow, p.basis) for p in plan.parts]
    level = {p.product_class for p in plan.parts}
    if level != {"TOTAL"}:
        parts.append("summed over the products of " + ", ".join(sorted(level)))
    if plan.overlap:
        parts.append("overlapping datasets: the newest vintage of each figure kept")
    text = "; ".join(parts)
    if totals:
        text += "; total = " + "; ".join(_total_text(plan, f) for f in plan.flows)
    return text


def plan_notes(plans: Sequence[Plan], *, totals: bool = False) -> list[str]:
    """One note per distinct way rows were chosen (a batch over reporters shares them)."""
    notes: list[str] = []
    for plan in plans:
        text = _plan_text(plan, totals)
        note = f"{plan.reporter}: {text}" if len(plans) <= 3 else text
        if note not in notes:
            notes.append(note)
    if len(plans) > 3 and len(notes) > 5:
        notes = notes[:5] + [f"… and {len(notes) - 5} other selections"]
    return notes


def missing_note(missing: dict[str, Any]) -> list[str]:
    if not missing:
        return []
    codes = sorted(missing)
    shown = ", ".join(codes[:30]) + (" …" if len(codes) > 30 else "")
    return [f"no data for {len(codes)} reporter(s), left out: {shown}"]


def plans_query(plans: Sequence[Plan]) -> list[dict[str, Any]]:
    """The selections, for ``query``: source, frequency and bases per reporter."""
    return [
        {"reporter": p.reporter, "source": p.source, "freq": p.freq,
         "period": str(p.rng), "bases": {part.flow: part.basis for part in p.parts},
         "product_class": sorted({part.product_class for part in p.parts}),
         "datasets": list(p.datasets)}
        for p in plans
    ]
