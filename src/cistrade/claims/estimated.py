"""Share claims about a reporter that publishes no partner figures, checked against the
estimate from its partners' reports (issue #18, :mod:`cistrade.estimate`).

Russia stopped publishing its trade by partner in 2022: "the share of CIS countries in
Russia's foreign trade rose to 16.2%" can then be checked only from the other side. After the
verifier (:mod:`cistrade.claims.verify`) has judged a claim on the data's own figures,
:meth:`Estimated.review` looks at a **share** or **bloc share** claim with a stated
percentage whose verdict rests on no figures of the reporter's own — it is ``unverifiable``,
or judged on a partner's report alone (``mirror``) — and asks for the estimate of the
reporter's partner table for the claim's period (``share(..., estimate=True)``,
``bloc_share(..., estimate=True)``):

* the reporter **publishes its own partner figures** for the period (``own_figures``), or no
  partner reports at all, or the estimate cannot be made: the verdict is left exactly as it
  was (own data wins);
* the estimate is **sufficient** — the partners reporting held at least
  :data:`~cistrade.estimate.run.MIN_COVERAGE` of the reporter's trade in its last known table
  (the rule of :mod:`cistrade.estimate.run`) — : the verdict becomes
  ``consistent_with_estimate`` when the stated interval meets the estimate's band ("consistent
  with the estimate (band a–b)") and ``outside_estimate_band`` when it does not ("outside the
  estimate's band"), never plain supported or contradicted; a stated rank is compared with the
  estimate's rank range;
* the estimate is **insufficient** (or holds no figure of the partner): an ``unverifiable``
  verdict stays unverifiable, its reasons and message saying why the estimate does not stand
  in, with the estimate's figure and band as evidence; a verdict judged on the partner's own
  report (``mirror``) stays as it was.

Every estimate verdict carries what the estimate covers (:func:`estimate_summary`, the
verdict's ``estimate``): the period, the partners reporting and their sources, the coverage
and the rule, the CIF/FOB factor and range, the denominator and the band.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from cistrade.claims.coverage import Coverage
from cistrade.claims.derived import name_of
from cistrade.claims.model import Claim, ClaimKind
from cistrade.claims.verdict import Verdict, VerdictKind
from cistrade.errors import CistradeError

if TYPE_CHECKING:  # pragma: no cover
    from cistrade.indicators.engine import Engine
    from cistrade.indicators.result import Result
    from cistrade.model import PeriodRange

__all__ = ["Estimated", "estimate_for", "estimate_summary", "estimate_text", "KINDS"]

log = logging.getLogger(__name__)

#: the claims an estimate may check: a partner's or a bloc's share of a reporter's trade
KINDS = (ClaimKind.SHARE, ClaimKind.BLOC_SHARE)
#: the estimate's row fields a verdict gives as evidence
_ROW_KEYS = ("reporter", "partner", "partner_name", "flow", "period", "value", "value_low",
             "value_high", "share", "share_low", "share_high", "rank_range", "currency",
             "method", "sources", "basis")


def estimate_for(eng: Engine, claim: Claim, period: PeriodRange) -> Result:
    """The estimate a share claim is checked against: the bloc's row, or the partner's."""
    from cistrade.indicators import bloc_share, share

    if claim.bloc is not None:
        return bloc_share(eng, claim.reporter or "", claim.bloc, str(period), claim.flow.value,
                          estimate=True)
    return share(eng, claim.reporter or "", str(period), claim.flow.value,
                 partner=claim.partner, estimate=True)


def _share_claim(claim: Claim) -> bool:
    """A partner's or a bloc's share of one reporter's trade, a percentage stated, the
    period known."""
    stated = claim.stated
    return (claim.kind in KINDS and bool(claim.reporter) and claim.period is not None
            and stated is not None and not stated.unit and not claim.mutual
            and claim.scope is None and bool(claim.partner or claim.bloc))


def _eligible(claim: Claim, verdict: Verdict) -> bool:
    """A share claim (:func:`_share_claim`) not judged on the reporter's own figures."""
    return _share_claim(claim) and (verdict.verdict is VerdictKind.UNVERIFIABLE
                                    or "mirror" in str(verdict.basis or ""))


def _band(low: float | None, high: float | None) -> str:
    lo = "?" if low is None else f"{low * 100:.1f}%"
    return f"{lo}–{'open' if high is None else f'{high * 100:.1f}%'}"


def estimate_summary(result: Result, row: dict[str, Any] | None) -> dict[str, Any]:
    """What an estimate covers and what it gives, as a verdict's ``estimate``."""
    q = result.query
    e = q["estimate"]
    out: dict[str, Any] = {
        "period": q.get("period"), "flow": q.get("flow"), "currency": q.get("currency"),
        "total_basis": q.get("total_basis"), "total": q.get("total"),
        "coverage": e.get("coverage"), "coverage_rule": e.get("coverage_rule"),
        "sufficient": e.get("sufficient"), "known_year": e.get("known_year"),
        "partners_reporting": list(e.get("partners_reporting") or []),
        "sources": dict(e.get("sources") or {}), "cif_fob": e.get("cif_fob"),
        "cif_fob_range": e.get("cif_fob_range"), "own_figures": e.get("own_figures"),
    }
    for k in ("share", "share_low", "share_high", "value", "value_low", "value_high",
              "rank_range", "method", "members_reporting", "members_carried",
              "members_unknown", "members_coverage"):
        if row is not None and k in row:
            out[k] = row[k]
    return out


def estimate_text(estimate: dict[str, Any]) -> str:
    """``estimate 16.0% (band 14.2%–17.9%); 30 partners reporting (tidy: 30); coverage 96%
    of RUS's trade in 2021 (rule: 80%); CIF/FOB 1.06 (1.00–1.10); published world total``."""
    if not estimate:
        return ""
    parts = []
    if estimate.get("share") is not None:
        parts.append(f"estimate {estimate['share'] * 100:.1f}% (band "
                     f"{_band(estimate.get('share_low'), estimate.get('share_high'))})")
    parts += [_reporting_text(estimate), _coverage_text(estimate)]
    lo, hi = estimate.get("cif_fob_range") or (None, None)
    if estimate.get("cif_fob") is not None and lo is not None:
        parts.append(f"CIF/FOB {estimate['cif_fob']:.2f} (band {lo:.2f}–{hi:.2f})")
    if estimate.get("total_basis"):
        parts.append(str(estimate["total_basis"]))
    return "; ".join(parts)


def _reporting_text(estimate: dict[str, Any]) -> str:
    """``30 partners reporting (tidy: 30)``."""
    sources = ", ".join(f"{s}: {n}" for s, n in (estimate.get("sources") or {}).items())
    return (f"{len(estimate.get('partners_reporting') or [])} partners reporting"
            + (f" ({sources})" if sources else ""))


def _coverage_text(estimate: dict[str, Any]) -> str:
    cov = estimate.get("coverage")
    if cov is None:
        return "coverage unknown (no table of the reporter's own before)"
    return f"coverage {cov:.0%} of the reporter's trade in {estimate.get('known_year')}"


def _rank_fits(claim: Claim, row: dict[str, Any]) -> bool | None:
    """Whether a stated rank lies in the estimate's rank range (None: nothing to compare)."""
    best, worst = row.get("rank_best"), row.get("rank_worst")
    if claim.rank is None or best is None or worst is None:
        return None
    return bool(best <= claim.rank <= worst)


def _share_fits(claim: Claim, row: dict[str, Any]) -> bool:
    """Whether the interval the stated share allows meets the estimate's band (percent)."""
    stated = claim.stated
    assert stated is not None
    low = row["share_low"] * 100
    high = None if row.get("share_high") is None else row["share_high"] * 100
    below = stated.high is not None and stated.high < low - 1e-9
    above = high is not None and stated.low is not None and stated.low > high + 1e-9
    return not (below or above)


class Estimated:
    """The review of a verdict against the estimate (module doc), over the verifier's
    indicators: ``indicators.estimate(engine, claim, period)`` gives the estimate (none: no
    review, as with indicator stubs)."""

    def __init__(self, indicators: Any, engine: Engine, *, evidence_rows: int = 24) -> None:
        self.fn = getattr(indicators, "estimate", None)
        self.engine = engine
        self.evidence_rows = evidence_rows

    def review(self, claim: Claim, verdict: Verdict) -> Verdict:
        """``verdict``, or the one the estimate gives instead (module doc)."""
        if self.fn is None or not _eligible(claim, verdict):
            return verdict
        assert claim.period is not None
        try:
            result: Result = self.fn(self.engine, claim, claim.period)
        except CistradeError as exc:  # nobody reports, or no estimate can be made
            log.info("no estimate for %s: %s", claim.describe(), exc)
            return verdict
        if result.query["estimate"].get("own_figures"):
            return verdict  # the reporter publishes by partner: its own figures win
        row = result.rows[0] if result.rows else None
        if row is None or not result.query["estimate"].get("sufficient"):
            return self._insufficient(claim, verdict, result, row)
        return self._banded(claim, result, row)

    def _evidence(self, result: Result) -> list[dict[str, Any]]:
        return [{k: r[k] for k in _ROW_KEYS if k in r} for r in result.rows[:self.evidence_rows]]

    def _insufficient(self, claim: Claim, verdict: Verdict, result: Result,
                      row: dict[str, Any] | None) -> Verdict:
        """An unverifiable verdict says why the estimate does not stand in, and gives it."""
        if verdict.verdict is not VerdictKind.UNVERIFIABLE:
            return verdict  # judged on the partner's own report: left as it was
        summary = estimate_summary(result, row)
        if row is None:
            why = (f"the estimate from {name_of(claim.reporter)}'s partners' reports holds no "
                   f"figure of {name_of(claim.partner)} (no report, no last known share)")
        else:
            cov = summary["coverage"]
            why = (f"not checked against the estimate from the partners' reports: the partners "
                   f"reporting held {'an unknown part' if cov is None else f'{cov:.0%}'} of "
                   f"{name_of(claim.reporter)}'s trade in its last known table, below the rule "
                   f"({summary['coverage_rule']})")
        shown = estimate_text(summary)
        return replace(verdict, message=f"{verdict.message}; {why} ({shown})",
                       reasons=[*verdict.reasons, why],
                       evidence=verdict.evidence or self._evidence(result),
                       notes=[*verdict.notes, *result.notes], estimate=summary)

    def _banded(self, claim: Claim, result: Result, row: dict[str, Any]) -> Verdict:
        """Consistent with the estimate's band, or outside it."""
        summary = estimate_summary(result, row)
        fits = _share_fits(claim, row)
        rank = _rank_fits(claim, row)
        inside = fits and rank is not False
        kind = (VerdictKind.CONSISTENT_WITH_ESTIMATE if inside
                else VerdictKind.OUTSIDE_ESTIMATE_BAND)
        band = _band(row["share_low"], row.get("share_high"))
        text = (f"consistent with the estimate (band {band})" if inside
                else f"outside the estimate's band ({band})")
        text += f": estimate {row['share'] * 100:.1f}%"
        if claim.rank is not None:
            text += _rank_words(claim, row, rank)
        text += (f", from {len(summary['partners_reporting'])} partners' reports "
                 f"(coverage {summary['coverage']:.0%} of {name_of(claim.reporter)}'s trade in "
                 f"{summary['known_year']}); {name_of(claim.reporter)} publishes no partner "
                 f"figures for {claim.period}")
        cov = Coverage(period=result.query.get("period"),
                       total_basis=result.query.get("total_basis"),
                       method=row.get("method") if claim.bloc else None,
                       members=list(result.query.get("members") or []),
                       members_missing=list(row.get("members_unknown") or []),
                       side=f"{len(summary['partners_reporting'])} partners' reports "
                            "(estimate)")
        computed = row["share"] * 100
        return Verdict(claim, kind, text, computed=computed,
                       computed_rank=row.get("rank") if claim.partner else None,
                       difference=round(computed - (claim.stated.value if claim.stated else 0),
                                        6),
                       period=str(claim.period), basis="estimate", datasets=result.datasets,
                       evidence=self._evidence(result), notes=list(result.notes),
                       query=dict(result.query), coverage=cov.to_dict(), estimate=summary)


def _rank_words(claim: Claim, row: dict[str, Any], fits: bool | None) -> str:
    """What the estimate says of a stated rank."""
    if fits is None:
        return f"; rank {claim.rank} not checked: the estimate ranks countries only"
    where = "within" if fits else "outside"
    return f"; stated rank {claim.rank} {where} the estimate's rank {row.get('rank_range')}"
