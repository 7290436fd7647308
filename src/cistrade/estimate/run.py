"""Estimates from a store: the model (:mod:`~cistrade.estimate.model`) over the inputs read by
:mod:`~cistrade.estimate.inputs`, answered as a :class:`~cistrade.indicators.Result`.

:func:`estimate_share` is the estimated partner table (every partner's value, share and rank
range); :func:`estimate_bloc` the estimated share of a bloc. Both carry the indicator's own row
fields (``docs/output-contract.md``) with ``basis = "estimate"``, plus the band
(``value_low``/``value_high``, ``share_low``/``share_high``), the rank range, the method of
each figure and the sources of the partners' reports; the query says what the estimate rests
on: the denominator (``total_basis``), the **coverage** — the part of the reporter's last
known trade held by the partners reporting now — the CIF/FOB factor and range, and the year
of the last known table.

**Enough coverage.** An estimate is called *sufficient* (``query.estimate.sufficient``) when
the partners reporting held at least :data:`MIN_COVERAGE` (80 %) of the reporter's trade in
the last year it published by partner; below that, or without a last known table, its band
rests mostly on carried shares and the notes say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cistrade.errors import InputError, NoData
from cistrade.estimate import model
from cistrade.estimate.inputs import HISTORY_YEARS, Inputs, gather
from cistrade.estimate.model import FLOWS, Estimate, Known, Settings
from cistrade.indicators.args import area_code, area_name, period_range, rankable_codes, trade_flow
from cistrade.indicators.provenance import datasets_of
from cistrade.indicators.result import Result

if TYPE_CHECKING:  # pragma: no cover
    from cistrade.indicators.engine import Engine

__all__ = ["estimate_share", "estimate_bloc", "build_estimate", "estimate_verdict",
           "check_share_claim", "EstimateVerdict", "MIN_COVERAGE", "METHOD"]

#: the part of the reporter's last known trade its reporting partners must hold for the
#: estimate to be used in place of the reporter's own figures (claims, dashboards)
MIN_COVERAGE = 0.80
METHOD = ("mirror estimate: partners' exports to the reporter × CIF/FOB = its imports; "
          "partners' imports from it ÷ CIF/FOB = its exports; partners without a report: "
          "their last known share carried forward")


def build_estimate(eng: Engine, reporter: Any, period: Any, *, settings: Settings | None = None,
                   years: int = HISTORY_YEARS) -> tuple[Estimate, Inputs]:
    """The model's estimate for a store's reporter and period, and the inputs it used."""
    eng.refresh()
    target = area_code(reporter)
    rng = period_range(period)
    inputs = gather(eng, target, rng, years=years)
    if not inputs.reports:
        raise NoData(f"no partner reports trade with {target} in {rng}: nothing to estimate "
                     f"from (fetch them: cistrade fetch partners --target {target} ...)",
                     available={"partners_reporting": 0})
    est = model.estimate(target, str(rng), rng.end.year, inputs.reports,
                         gaps=inputs.gaps, known=inputs.known,
                         published=inputs.published, currency=inputs.currency,
                         settings=settings)
    return est, inputs


def _query(est: Estimate, inputs: Inputs, eng: Engine, flow: str) -> dict[str, Any]:
    rng = inputs.rng
    total = est.total(flow)
    coverage = est.coverage_of(flow)
    sources: dict[str, int] = {}
    for src in inputs.sources.values():
        sources[src] = sources.get(src, 0) + 1
    return {
        "reporter": est.target, "reporter_name": area_name(est.target), "period": str(rng),
        "period_start": rng.first_day, "period_end": rng.last_day, "flow": flow,
        "currency": est.currency, "engine": eng.name, "basis": "estimate",
        "total_basis": est.total_basis(flow), "total": total.value,
        "estimate": {
            "method": METHOD, "cif_fob": est.settings.cif_fob,
            "cif_fob_range": list(est.settings.cif_fob_range),
            "historical_gap": est.settings.use_gap,
            "unseen_growth": est.settings.unseen_growth,
            "total_low": total.low, "total_high": total.high,
            "coverage": coverage, "coverage_rule": f"partners reporting held >= "
            f"{MIN_COVERAGE:.0%} of the reporter's trade in its last known table",
            "sufficient": coverage is not None and coverage >= MIN_COVERAGE,
            "known_year": est.known_year,
            "partners_reporting": sorted({r.partner for r in inputs.reports}),
            "sources": dict(sorted(sources.items())),
            "own_figures": bool(inputs.own and inputs.own["has_partners"]),
        },
    }


def _notes(est: Estimate, inputs: Inputs, flow: str) -> list[str]:
    s = est.settings
    lo, hi = s.cif_fob_range
    default = ", the IMF's for DOTS-style estimates" if s.cif_fob == model.CIF_FOB else ""
    notes = [
        f"ESTIMATE, not {est.target}'s own figures: {METHOD} (CIF/FOB factor "
        f"{s.cif_fob:.2f}{default})",
        _reports_note(est, inputs),
        f"band: the CIF/FOB factor anywhere in {lo:.2f}–{hi:.2f}, the pair's historical mirror gap "
        "(own ÷ partner's figure in every earlier year both exist) and, for a carried share, 0 to "
        "that share grown at the pair's fastest historical rise per year since",
    ]
    if est.total_basis(flow) == "published world total":
        notes.append(f"shares are of {est.target}'s published World total of the period")
    else:
        notes.append(f"{est.target} publishes no World total for {inputs.rng}: shares are of "
                     "the sum of the estimate (partners neither reporting nor known before are "
                     "missing from it)")
    coverage = est.coverage_of(flow)
    if coverage is None:
        notes.append(f"no table of {est.target}'s own by partner before {inputs.rng}: the "
                     "coverage of the partners reporting is unknown and nobody is carried")
    elif coverage < MIN_COVERAGE:
        notes.append(f"the partners reporting held only {coverage:.0%} of {est.target}'s trade "
                     f"in {est.known_year} (below {MIN_COVERAGE:.0%}): the band rests mostly on "
                     "carried shares and is wide")
    else:
        notes.append(f"the partners reporting held {coverage:.0%} of {est.target}'s trade in "
                     f"{est.known_year} (at least {MIN_COVERAGE:.0%}: sufficient to stand in for "
                     "its own figures, as an estimate)")
    if inputs.own and inputs.own["has_partners"]:
        notes.append(f"{est.target} publishes its own partner figures for {inputs.rng}: this "
                     "estimate does not use them (it is for comparison)")
    notes.append("ranks only where the band separates neighbours, else a range (rank_range "
                 "'2–3'); rank is set only where it is certain")
    return notes + inputs.notes


#: partners named one by one in a note; more are counted (JSON lists them all)
NAMED = 12


def _named(codes: Sequence[str]) -> str:
    shown = ", ".join(codes[:NAMED])
    return shown + (f" and {len(codes) - NAMED} more" if len(codes) > NAMED else "")


def _reports_note(est: Estimate, inputs: Inputs) -> str:
    """Whose reports the estimate rests on (by source), and who is carried forward."""
    by_source: dict[str, set[str]] = {}
    for r in inputs.reports:
        by_source.setdefault(r.source or "unknown source", set()).add(r.partner)
    used = "; ".join(f"{src}: {_named(sorted(ps))}" for src, ps in sorted(by_source.items()))
    reporting = {r.partner for r in inputs.reports}
    carried = sorted(p for p, pe in est.partners.items()
                     if any(fe.method is model.Method.CARRIED for fe in pe.flows.values()))
    text = f"partners' reports used ({len(reporting)} partners): {used}"
    if carried:
        text += f"; carried forward from {est.known_year} (no report): {_named(carried)}"
    return text


def _row(est: Estimate, r: model.ShareRow, flow: str, period: str) -> dict[str, Any]:
    pe = est.partners[r.partner]
    best, worst = r.rank if r.rank else (None, None)
    row: dict[str, Any] = {
        "reporter": est.target, "partner": r.partner, "partner_name": area_name(r.partner),
        "flow": flow, "period": period, "value": r.value.value, "currency": est.currency,
        "share": r.share.value, "rank": best if best == worst else None,
        "basis": "estimate", "partner_basis": None,
    }
    for f in (FLOWS if flow == "turnover" else ()):
        row[f] = pe.figure(f).value
    row.update({
        "total": est.total(flow).value,
        "value_low": r.value.low, "value_high": r.value.high,
        "share_low": r.share.low, "share_high": r.share.high,
        "rank_range": r.rank_text, "rank_best": best, "rank_worst": worst,
        "method": r.method, "sources": list(r.sources),
    })
    return row


def _one_reporter(reporter: Any, basis: Any, source: Any) -> None:
    """An estimate is of one reporter, from every partner's preferred source."""
    if not isinstance(reporter, str) or reporter.strip() == "*":
        raise InputError("an estimate is made for one reporter at a time, not '*' or a list")
    if basis is not None or source is not None:
        raise InputError("--basis and --source do not apply to an estimate: each partner's "
                         "report comes from its preferred source (docs/estimate.md)")


def estimate_share(eng: Engine, reporter: Any, period: Any, flow: Any = "turnover", *,
                   top: int | None = None, partner: Any = None, basis: Any = None,
                   source: Any = None, cif_fob: float | None = None,
                   settings: Settings | None = None, years: int = HISTORY_YEARS) -> Result:
    """The estimated partner table of ``reporter`` (module doc): every partner's value, share
    and rank range, from its partners' reports (``share(..., estimate=True)``); ``cif_fob``
    another factor than the default (:meth:`Settings.with_factor`)."""
    _one_reporter(reporter, basis, source)
    tf = trade_flow(flow).value
    est, inputs = build_estimate(eng, reporter, period,
                                 settings=Settings.with_factor(cif_fob, settings), years=years)
    rows = [_row(est, r, tf, str(inputs.rng))
            for r in model.share_rows(est, tf, rankable=rankable_codes())]
    if top is not None:
        rows = [r for r in rows if r["rank_best"] is not None and r["rank_best"] <= top]
    query = _query(est, inputs, eng, tf)
    notes = _notes(est, inputs, tf)
    if partner is not None:
        code = area_code(partner)
        rows = [r for r in rows if r["partner"] == code]
        query["partner"] = code
        if not rows:
            notes.append(f"{code} has no figure in this estimate (no report, no last known "
                         "share)")
    query["top"] = top
    return Result("share", query, rows=rows, datasets=datasets_of(eng, inputs.datasets),
                  notes=notes)


def _remainder(est: Estimate, inputs: Inputs, code: str | None, members: Sequence[str],
               flows: Sequence[str]) -> dict[str, Known]:
    """The members the reporter's last table did not list, as one carried share: its own
    group row less the members it listed (the publisher's group definition)."""
    if code is None or est.known_year is None:
        return {}
    out = {}
    for f in flows:
        group = inputs.history.group_share(code, f)
        if group is None:
            continue
        listed = sum(k.share for (p, fl), k in est.known.items() if fl == f and p in members)
        if group - listed > 1e-9:
            out[f] = Known(f"{code} not listed", f, group - listed, est.known_year)
    return out


def estimate_bloc(eng: Engine, reporter: Any, bloc: Any, period: Any, flow: Any = "turnover",
                  *, basis: Any = None, source: Any = None, cif_fob: float | None = None,
                  settings: Settings | None = None, years: int = HISTORY_YEARS) -> Result:
    """The estimated share of a bloc in the reporter's trade: the sum over its members in
    force during the period (module doc), members without any figure said; then each
    member's estimated row (``bloc_share(..., estimate=True)``)."""
    from cistrade.reference import blocs

    _one_reporter(reporter, basis, source)
    tf = trade_flow(flow).value
    the_bloc = blocs.bloc(bloc)
    est, inputs = build_estimate(eng, reporter, period,
                                 settings=Settings.with_factor(cif_fob, settings), years=years)
    members = [m for m in the_bloc.members(during=inputs.rng) if m != est.target]
    flows = FLOWS if tf == "turnover" else (tf,)
    rem = _remainder(est, inputs, the_bloc.group_code, members, flows)
    b = model.bloc_row(est, the_bloc.id, members, tf, remainder=rem)
    row = {"reporter": est.target, "bloc": the_bloc.id, "partner": the_bloc.group_code,
           "partner_name": the_bloc.name_en, "flow": tf, "period": str(inputs.rng),
           "value": b.value.value, "currency": est.currency, "share": b.share.value,
           "basis": "estimate", "total": est.total(tf).value,
           "value_low": b.value.low, "value_high": b.value.high,
           "share_low": b.share.low, "share_high": b.share.high,
           "members": members, "members_reporting": list(b.reporting),
           "members_carried": list(b.carried), "members_unknown": list(b.unknown),
           "members_coverage": b.coverage,
           "remainder": {f: k.share for f, k in rem.items()} or None,
           "method": "sum of the members' estimates"
           + (f" and {the_bloc.group_code} less the members listed, carried" if rem else "")}
    query = _query(est, inputs, eng, tf)
    query.update(bloc=the_bloc.id, members=members)
    query["estimate"]["members_coverage"] = b.coverage
    notes = _notes(est, inputs, tf)
    if rem:
        notes.append(f"members {est.target}'s last table ({est.known_year}) did not list: its "
                     f"own {the_bloc.group_code} row less the listed members, carried forward "
                     "(the publisher's group definition)")
    if b.unknown and not rem:
        notes.append(f"no report and no last known figure for {', '.join(b.unknown)}: the "
                     "band's top takes in the whole unallocated part of the total"
                     + ("" if b.share.high is not None else " (open: no published total)"))
    row["aggregate"] = True
    member_rows = [dict(_row(est, r, tf, str(inputs.rng)), bloc=the_bloc.id, aggregate=False)
                   for r in model.share_rows(est, tf) if r.partner in set(members)]
    return Result("bloc_share", query, rows=[row, *member_rows],
                  datasets=datasets_of(eng, inputs.datasets), notes=notes)


@dataclass(frozen=True)
class EstimateVerdict:
    """How a stated share compares with an estimate: never plain supported/contradicted."""

    outcome: str  # "consistent with the estimate" | "outside the estimate's band" | "insufficient"
    text: str
    low: float | None
    high: float | None
    coverage: float | None
    #: the reporter publishes its own partner figures for the period: check against those
    own_figures: bool = False


def estimate_verdict(stated: float, result: Result) -> EstimateVerdict:
    """A stated share (a fraction) against an estimate's first row: "consistent with the
    estimate (band a–b)" inside the band, "outside the estimate's band" beyond it, and
    "insufficient" when the partners reporting held less than :data:`MIN_COVERAGE` of the
    reporter's last known trade (the rule claims use; see the module doc)."""
    row = result.rows[0]
    est = result.query["estimate"]
    own = bool(est.get("own_figures"))
    coverage = est.get("members_coverage") if "bloc" in result.query else None
    coverage = est["coverage"] if coverage is None else min(coverage, est["coverage"] or 0.0)
    low, high = row["share_low"], row["share_high"]
    band = f"{low:.1%}–{'open' if high is None else f'{high:.1%}'}"
    if not est["sufficient"]:
        return EstimateVerdict(
            "insufficient", f"not checked: the partners reporting held "
            f"{0 if est['coverage'] is None else est['coverage']:.0%} of the reporter's last "
            f"known trade (the rule: {MIN_COVERAGE:.0%}); estimate {row['share']:.1%}, band "
            f"{band}", low, high, coverage, own)
    inside = low <= stated + 1e-12 and (high is None or stated <= high + 1e-12)
    if inside:
        return EstimateVerdict("consistent with the estimate",
                               f"consistent with the estimate (band {band}; estimate "
                               f"{row['share']:.1%})", low, high, coverage, own)
    return EstimateVerdict("outside the estimate's band",
                           f"outside the estimate's band ({band}; estimate {row['share']:.1%})",
                           low, high, coverage, own)


def check_share_claim(eng: Engine, reporter: Any, period: Any, stated: float, *,
                      bloc: Any = None, partner: Any = None, flow: Any = "turnover",
                      cif_fob: float | None = None) -> EstimateVerdict:
    """The claims checker's entry: a stated share (a fraction) of ``bloc`` or ``partner`` in
    ``reporter``'s trade over ``period``, checked against the estimate from the partners'
    reports. Meant for a reporter without its own figures for the period (``own_figures`` on
    the verdict says when it has them). The verdict is one of
    :func:`estimate_verdict`'s, never plain supported/contradicted; a partner the estimate
    holds no figure of is "insufficient". Raises :class:`~cistrade.errors.NoData` when no
    partner reports at all."""
    if (bloc is None) == (partner is None):
        raise InputError("a share claim is of one bloc or one partner")
    if bloc is not None:
        return estimate_verdict(stated, estimate_bloc(eng, reporter, bloc, period, flow,
                                                      cif_fob=cif_fob))
    result = estimate_share(eng, reporter, period, flow, partner=partner, cif_fob=cif_fob)
    if not result.rows:
        est = result.query["estimate"]
        return EstimateVerdict("insufficient", f"not checked: {result.query['partner']} has no "
                               "figure in the estimate (no report, no last known share)",
                               None, None, est["coverage"], bool(est.get("own_figures")))
    return estimate_verdict(stated, result)
