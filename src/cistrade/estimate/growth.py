"""Growth from estimates (``growth --estimate``): a reporter's trade with the world, a bloc or
a partner in a period against the same months a year earlier, both sides estimated from the
partners' reports (:mod:`cistrade.estimate.run`), with a band.

Both sides are estimated the same way, even where the reporter published its own figures a
year earlier: a growth rate compares like with like, and a margin common to both sides (the
CIF/FOB factor, a pair's steady mirror gap) largely cancels in the ratio. The band is
conservative all the same: ``low = value_low / previous_high − 1`` and
``high = value_high / previous_low − 1`` (open when the earlier value's low is 0 or a top is
open). The world's value is the reporter's published World total where it exists (exact).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cistrade.errors import InputError
from cistrade.estimate.run import estimate_bloc, estimate_share
from cistrade.indicators.args import ALL, PartnerKind, period_range, resolve_partner, trade_flow
from cistrade.indicators.result import Result

if TYPE_CHECKING:  # pragma: no cover
    from cistrade.indicators.engine import Engine

__all__ = ["estimate_growth", "growth_band"]

Side = tuple[float, float, float | None]  # value, low, high (None: open)


def growth_band(now: Side, before: Side) -> tuple[float | None, float | None, float | None]:
    """(growth, low, high) of ``now`` against ``before`` (module doc); None where undefined."""
    value, low, high = now
    p_value, p_low, p_high = before
    point = value / p_value - 1 if p_value else None
    g_low = -1.0 if p_high is None else (low / p_high - 1 if p_high else None)
    g_high = None if high is None or not p_low else high / p_low - 1
    return point, g_low, g_high


def _side(eng: Engine, reporter: Any, period: str, target: Any, flow: str,
          cif_fob: float | None) -> tuple[Side, Result]:
    """One period's estimated value of the reporter's trade with ``target``."""
    if target.kind is PartnerKind.BLOC:
        r = estimate_bloc(eng, reporter, target.bloc.id, period, flow, cif_fob=cif_fob)
        row = r.rows[0]
        return (row["value"], row["value_low"], row["value_high"]), r
    if target.kind is PartnerKind.COUNTRY:
        r = estimate_share(eng, reporter, period, flow, partner=target.code, cif_fob=cif_fob)
        if not r.rows:
            raise InputError(f"{target.code} has no figure in the estimate of {period} (no "
                             "report, no last known share): no growth to estimate")
        row = r.rows[0]
        return (row["value"], row["value_low"], row["value_high"]), r
    r = estimate_share(eng, reporter, period, flow, cif_fob=cif_fob)
    e = r.query["estimate"]
    return (r.query["total"], e["total_low"], e["total_high"]), r


def estimate_growth(eng: Engine, reporter: Any, period: Any, partner: Any = None,
                    flow: Any = "turnover", *, by: Any = None, basis: Any = None,
                    source: Any = None, cif_fob: float | None = None) -> Result:
    """Year-on-year growth of the reporter's trade with the world (default), a bloc or a
    country, both periods estimated from the partners' reports (module doc)."""
    if by is not None:
        raise InputError("--by month does not apply to an estimate: ask each month's range")
    if partner is not None and str(partner).strip() == ALL:
        raise InputError("an estimated growth is of one partner, a bloc or the world, not '*'")
    rng = period_range(period)
    prev = rng.previous_year()
    tf = trade_flow(flow).value
    target = resolve_partner(partner)
    if basis is not None or source is not None:
        raise InputError("--basis and --source do not apply to an estimate: each partner's "
                         "report comes from its preferred source (docs/estimate.md)")
    now, r_now = _side(eng, reporter, str(rng), target, tf, cif_fob)
    before, r_before = _side(eng, reporter, str(prev), target, tf, cif_fob)
    point, low, high = growth_band(now, before)
    q = r_now.query
    row = {"reporter": q["reporter"], "partner": target.code, "partner_name": (
        r_now.rows[0]["partner_name"] if target.kind is not PartnerKind.WORLD else "World"),
        "flow": tf, "period": str(rng), "previous_period": str(prev),
        "value": now[0], "previous_value": before[0], "change": now[0] - before[0],
        "growth": point, "currency": q["currency"], "basis": "estimate",
        "value_low": now[1], "value_high": now[2],
        "previous_value_low": before[1], "previous_value_high": before[2],
        "growth_low": low, "growth_high": high,
        "method": "both periods estimated from the partners' reports"}
    query = {**q, "indicator": "growth", "partner": target.code, "previous_period": str(prev),
             "previous_estimate": r_before.query["estimate"]}
    query.pop("total", None)
    query.pop("total_basis", None)
    prev_cov = r_before.query["estimate"]["coverage"]
    notes = [*r_now.notes,
             f"the earlier period {prev} is estimated the same way (coverage "
             f"{'unknown' if prev_cov is None else f'{prev_cov:.0%}'}), even where "
             f"{q['reporter']} published its own figures, so that like is compared with like",
             "growth band: the lowest value against the highest earlier one, and the highest "
             "against the lowest (conservative)"]
    seen = {d["id"]: d for d in [*r_now.datasets, *r_before.datasets]}
    return Result("growth", query, rows=[row], datasets=list(seen.values()), notes=notes)
