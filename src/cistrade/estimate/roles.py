"""A group's suppliers and markets from estimates (``roles --estimate``, issue #18): every
member's partner table estimated from its partners' reports (:func:`~cistrade.estimate.run.build_estimate`),
then summed per partner, with bands and rank ranges.

For each member ``m`` of the group in force during the period, its partner table is the
model's estimate (:mod:`cistrade.estimate.model`: mirror figures × / ÷ the CIF/FOB factor,
last known shares carried forward, each figure with its band). A partner's **supplier**
value is the sum of the members' estimated imports from it, its **market** value the sum of
their estimated exports to it; lows and highs add up (conservative: the errors are not
assumed to cancel). Every member is estimated, even one that publishes its own figures, as
``share --estimate`` does: the plain ``roles`` gives those.

**Shares** are of the members' totals: each member's published World total of the period
where it exists (exact), else the sum of its estimate (with its band). The band of a share is
conservative: ``low = value_low / total_high`` and ``high = value_high / total_low`` (at most
1; open without a bound). **Ranks** are among countries, given only where the band separates
neighbours, else a range (``supplier_rank_range`` "2–3"), exactly as ``share --estimate``
ranks (:func:`cistrade.estimate.model.rank_ranges`).

A member no partner reports on has no estimate: it is left out, and said so (``members``
section, ``status`` ``none``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cistrade.errors import InputError, NoData
from cistrade.estimate import model
from cistrade.estimate.model import CIF_FOB, Estimate, Figure, Settings
from cistrade.estimate.run import METHOD, MIN_COVERAGE, build_estimate
from cistrade.indicators.args import area_name, period_range, rankable_codes, resolve_bloc
from cistrade.indicators.provenance import datasets_of
from cistrade.indicators.result import Result

if TYPE_CHECKING:  # pragma: no cover
    from cistrade.estimate.inputs import Inputs
    from cistrade.indicators.engine import Engine

__all__ = ["estimate_roles", "ROLES", "share_band"]

#: a role and the member's flow it sums: suppliers are the members' imports
ROLES = {"supplier": "import", "market": "export"}
#: each member's partners listed in the ``members`` section
MEMBER_TOP = 5


def share_band(part: Figure, total: Figure) -> Figure:
    """``part`` over ``total``: the point, and the conservative band of the module doc."""
    value = part.value / total.value if total.value else 0.0
    low = part.low / total.high if total.high else 0.0
    high = None if part.high is None or not total.low else min(1.0, part.high / total.low)
    return Figure(value, min(low, value), None if high is None else max(high, value))


@dataclass
class _Group:
    """The members' estimates, summed per role and partner."""

    built: dict[str, tuple[Estimate, Inputs]]
    missing: dict[str, str]
    figures: dict[str, dict[str, Figure]] = field(default_factory=dict)  # role → partner →
    totals: dict[str, Figure] = field(default_factory=dict)  # role → the members' total

    def add_up(self) -> None:
        for role, flow in ROLES.items():
            per: dict[str, Figure] = {}
            for est, _ in self.built.values():
                for p, pe in est.partners.items():
                    per[p] = per.get(p, Figure.zero()) + pe.figure(flow)
            self.figures[role] = {p: f for p, f in per.items() if f.value or f.high}
            self.totals[role] = Figure.total(est.total(flow) for est, _ in self.built.values())

    def partners(self) -> list[str]:
        return sorted(set().union(*(set(f) for f in self.figures.values())))

    def trading(self, partner: str) -> int:
        """How many members have an estimated figure of ``partner``."""
        return sum(1 for est, _ in self.built.values() if partner in est.partners)

    def method(self, partner: str) -> str:
        """``mirror``, ``carried forward`` or both, over the members' figures of it."""
        found = {fe.method.value for est, _ in self.built.values()
                 if partner in est.partners for fe in est.partners[partner].flows.values()}
        return " + ".join(sorted(found)) or "none"

    def sources(self, partner: str) -> list[str]:
        return sorted({s for est, _ in self.built.values() if partner in est.partners
                       for s in est.partners[partner].sources()})


def _build(eng: Engine, members: Sequence[str], period: str, settings: Settings) -> _Group:
    """Every member's estimate; those no partner reports on, with the reason."""
    built: dict[str, tuple[Estimate, Inputs]] = {}
    missing: dict[str, str] = {}
    for m in members:
        try:
            built[m] = build_estimate(eng, m, period, settings=settings)
        except NoData as exc:
            missing[m] = str(exc)
    currencies = sorted({est.currency for est, _ in built.values()})
    if len(currencies) > 1:
        raise InputError(f"the members' estimates are in different currencies "
                         f"({', '.join(currencies)}): they cannot be added up")
    group = _Group(built, missing)
    group.add_up()
    return group


def _role_fields(role: str, figure: Figure | None, total: Figure,
                 rank: tuple[int, int] | None) -> dict[str, Any]:
    """One role's fields of a partner's row (``supplier_…`` or ``market_…``)."""
    f = figure or Figure.zero()
    share = share_band(f, total)
    best, worst = rank if rank else (None, None)
    return {
        f"{role}_value": f.value, f"{role}_rank": best if best == worst else None,
        f"{role}_share": share.value, f"{role}_value_low": f.low, f"{role}_value_high": f.high,
        f"{role}_share_low": share.low, f"{role}_share_high": share.high,
        f"{role}_rank_range": model.rank_text(best, worst) if rank else None,
        f"{role}_rank_best": best, f"{role}_rank_worst": worst,
    }


def _ranks(figures: Mapping[str, Figure]) -> dict[str, tuple[int, int]]:
    rankable = rankable_codes()
    return model.rank_ranges({p: f for p, f in figures.items() if p in rankable})


def _rows(g: _Group, group: str, period: str, currency: str) -> list[dict[str, Any]]:
    ranks = {role: _ranks(g.figures[role]) for role in ROLES}
    rows = []
    for p in g.partners():
        row: dict[str, Any] = {"group": group, "partner": p, "partner_name": area_name(p),
                               "period": period}
        for role in ROLES:
            row.update(_role_fields(role, g.figures[role].get(p), g.totals[role],
                                    ranks[role].get(p)))
        row.update(currency=currency, basis="estimate", members_trading=g.trading(p),
                   method=g.method(p), sources=g.sources(p))
        rows.append(row)
    rows.sort(key=lambda r: (-r["supplier_value"], r["partner"]))
    return rows


def _in_top(row: Mapping[str, Any], top: int | None) -> bool:
    """Whether a partner may be in the top ``top`` as a supplier or as a market."""
    if top is None:
        return True
    return any((row[f"{role}_rank_best"] or top + 1) <= top for role in ROLES)


def _member(m: str, found: tuple[Estimate, Inputs] | None, why: str | None,
            currency: str) -> dict[str, Any]:
    """A member's line of the ``members`` section: how its table was estimated."""
    if found is None:
        return {"member": m, "name": area_name(m), "status": "none", "source": why,
                "coverage": None, "sufficient": False, "top_partners": []}
    est, inputs = found
    cov = est.coverage_of("turnover")
    rows = model.share_rows(est, "turnover", rankable=rankable_codes())[:MEMBER_TOP]
    return {
        "member": m, "name": area_name(m), "status": "estimated",
        "source": f"estimate from {len({r.partner for r in inputs.reports})} partners' reports",
        "coverage": cov, "sufficient": cov is not None and cov >= MIN_COVERAGE,
        "known_year": est.known_year, "total_basis": est.total_basis("turnover"),
        "own_figures": bool(inputs.own and inputs.own["has_partners"]),
        "top_partners": [{"partner": r.partner, "partner_name": area_name(r.partner),
                          "rank_range": r.rank_text, "value": r.value.value,
                          "share": r.share.value, "share_low": r.share.low,
                          "share_high": r.share.high, "currency": currency} for r in rows],
    }


def _coverage(g: _Group) -> float | None:
    """The members' coverages weighted by their turnover (None where one is unknown)."""
    pairs = [(est.coverage_of("turnover"), est.total("turnover").value)
             for est, _ in g.built.values()]
    if any(c is None for c, _ in pairs) or not sum(w for _, w in pairs):
        return None
    return sum((c or 0.0) * w for c, w in pairs) / sum(w for _, w in pairs)


def _percent(x: float | None) -> str:
    return "unknown" if x is None else f"{x:.0%}"


def _notes(group: str, g: _Group, status: Sequence[Mapping[str, Any]],
           settings: Settings) -> list[str]:
    lo, hi = settings.cif_fob_range
    notes = [f"ESTIMATE, not the {group} members' own figures: each member's partner table "
             f"from its partners' reports ({METHOD}; CIF/FOB factor {settings.cif_fob:.2f}, "
             f"band {lo:.2f}–{hi:.2f})",
             f"supplier = the {group} members' estimated imports from the partner; market = "
             "their estimated exports to it; ranks count countries only, and are given only "
             "where the band separates neighbours, else a range (supplier_rank_range '2–3')",
             "every member is estimated, even one that publishes its own figures (plain roles "
             "gives those); lows and highs add up over the members"]
    thin = [f"{s['member']} ({_percent(s['coverage'])})" for s in status
            if s["status"] == "estimated" and not s["sufficient"]]
    if thin:
        notes.append(f"partners reporting held less than {MIN_COVERAGE:.0%} of the member's "
                     "last known trade, the band resting mostly on carried shares: "
                     + ", ".join(thin))
    if g.missing:
        notes.append("no partner reports trade with them, left out: " + ", ".join(g.missing))
    return notes


def _datasets(eng: Engine, g: _Group) -> list[dict[str, Any]]:
    ids: Iterable[str] = set().union(*(inputs.datasets for _, inputs in g.built.values()))
    return datasets_of(eng, ids)


def estimate_roles(eng: Engine, group: Any, period: Any, *, top: int | None = 10,
                   source: Any = None, cif_fob: float = CIF_FOB) -> Result:
    """The group's suppliers and markets from its members' estimated partner tables (module
    doc); ``roles(..., estimate=True)``."""
    if source is not None:
        raise InputError("--source does not apply to an estimate: each partner's report comes "
                         "from its preferred source (docs/estimate.md)")
    rng = period_range(period)
    the_bloc = resolve_bloc(group)
    members = sorted(the_bloc.members(during=rng))
    settings = Settings.with_factor(cif_fob)
    g = _build(eng, members, str(rng), settings)
    if not g.built:
        raise NoData(f"no partner reports trade with any {the_bloc.id} member in {rng}: "
                     "nothing to estimate from", available={"partners_reporting": 0})
    currency = next(iter(g.built.values()))[0].currency
    rows = [r for r in _rows(g, the_bloc.id, str(rng), currency) if _in_top(r, top)]
    status = [_member(m, g.built.get(m), g.missing.get(m), currency) for m in members]
    cov = _coverage(g)
    query = {"group": the_bloc.id, "group_name": the_bloc.name_en, "members": members,
             "period": str(rng), "period_start": rng.first_day, "period_end": rng.last_day,
             "top": top, "source": None, "cif_fob": settings.cif_fob, "currency": currency,
             "engine": eng.name, "basis": "estimate",
             "estimate": {"method": METHOD, "cif_fob": settings.cif_fob,
                          "cif_fob_range": list(settings.cif_fob_range), "coverage": cov,
                          "coverage_rule": f"partners reporting held >= {MIN_COVERAGE:.0%} of "
                          "each member's trade in its last known table",
                          "sufficient": not g.missing and all(s["sufficient"] for s in status),
                          "members_estimated": sorted(g.built),
                          "members_none": sorted(g.missing),
                          "totals": {role: {"value": t.value, "low": t.low, "high": t.high}
                                     for role, t in g.totals.items()}}}
    return Result("roles", query, rows, _datasets(eng, g), _notes(the_bloc.id, g, status,
                                                                   settings),
                  sections={"members": status})
