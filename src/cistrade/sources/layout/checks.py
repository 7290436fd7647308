"""The checks a layout declares: a publisher's total row against the sum of the rows under it.

``parts = "countries"`` sums every partner row that is no group (pseudo-areas such as "other
countries" included: they are part of the publisher's total); ``"following"`` the partner rows
after the total's row up to the next group row (a continent and its countries); a list of codes
sums those group rows (World = CIS + non-CIS). Each (flow, basis, period) the total has a
figure for is one :class:`~cistrade.sources.base.AggregateCheck`; the store turns the ones
beyond tolerance into warnings. A total the layout names but the table does not have is an
error: the layout does not fit the file.
"""

from __future__ import annotations

from typing import Any

from cistrade.errors import InputError
from cistrade.sources.base import AggregateCheck
from cistrade.sources.layout.model import Check
from cistrade.sources.layout.rows import Record, SheetRead
from cistrade.sources.national.excel import decimals

__all__ = ["sheet_checks"]


def _places(printed: Any) -> int:
    if isinstance(printed, str):
        text = printed.replace(",", ".")
        return len(text.partition(".")[2]) if "." in text and "e" not in text.lower() else 0
    return decimals(printed)


def _tolerance(check: Check, printed: list[Any], multiplier: float) -> float:
    if check.tolerance == "rounding":
        return (sum(0.5 * 10.0 ** -_places(p) for p in printed) + 1e-6) * multiplier
    return float(check.tolerance) * multiplier


def _parts(records: list[Record], total: Record, check: Check) -> tuple[list[Record], str]:
    if check.parts == "countries":
        return [r for r in records if not r.aggregate], "partner rows"
    if check.parts == "following":
        after = records[records.index(total) + 1:]
        parts = []
        for rec in after:
            if rec.aggregate:
                break
            parts.append(rec)
        return parts, "the partner rows under it"
    wanted = set(check.parts)
    return [r for r in records if r.area.code in wanted], " + ".join(check.parts)


def sheet_checks(read: SheetRead, checks: list[Check], reporter: str) -> list[AggregateCheck]:
    """Every declared check on one sheet's records."""
    out = []
    for check in checks:
        totals = [r for r in read.records if r.area.code == check.total]
        if not totals:
            groups = sorted({r.area.code for r in read.records if r.aggregate}) or ["none"]
            raise InputError(
                f"the layout checks the {check.total} row against {check.parts}, but the table has "
                f"no {check.total} row (its group rows: {', '.join(groups)})",
                **read.sheet.where(),
            )
        for total in totals:
            out += _checks(read, check, total, reporter)
    return out


def _checks(read: SheetRead, check: Check, total: Record, reporter: str) -> list[AggregateCheck]:
    parts, what = _parts(read.records, total, check)
    out = []
    for key, (published, printed, col) in total.figures.items():
        flow, _basis, span = key
        found = [p.figures[key] for p in parts if key in p.figures]
        out.append(AggregateCheck(
            row_ref=read.sheet.ref(total.row, col),
            label=f"{reporter} {span} {flow.value}: {total.label} vs {what} ({len(found)})",
            published=published * read.multiplier,
            computed=sum(f[0] for f in found) * read.multiplier,
            tolerance=_tolerance(check, [printed, *(f[1] for f in found)], read.multiplier),
        ))
    return out
