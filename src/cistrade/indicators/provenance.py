"""What every result says about itself: the datasets behind it and how its rows were chosen."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from cistrade.indicators.preference import freq_name
from cistrade.indicators.select import Plan

if TYPE_CHECKING:  # pragma: no cover
    from cistrade.indicators.engine import Engine

__all__ = ["datasets_of", "plan_notes", "basis_text", "plans_query", "missing_note"]

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


def basis_text(flow: str, basis: str) -> str:
    return f"{flow}s {_BASIS_TEXT.get(basis, basis)}"


def _total_text(plan: Plan, flow: str) -> str:
    if plan.world_everywhere(flow):
        return f"{flow}s: the published World row"
    if plan.world_nowhere(flow):
        return f"{flow}s: the sum over every partner row (no World row published)"
    return f"{flow}s: the published World row where there is one, else the sum over partners"


def plan_notes(plans: Sequence[Plan], *, totals: bool = False) -> list[str]:
    """One note per distinct way rows were chosen (a batch over reporters shares them)."""
    notes: list[str] = []
    for plan in plans:
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
