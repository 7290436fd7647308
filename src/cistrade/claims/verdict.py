"""A claim's verdict: supported, close, contradicted or unverifiable — or, for a reporter
without partner figures of its own, consistent with an estimate's band or outside it — and
how it was judged.

``supported``
    the computed value lies in the interval the wording allows (``41.1%``: 41.05–41.15;
    ``over 11%``: > 11) and the stated rank, if any, is the computed rank.
``close``
    the ranks agree and the computed value lies outside that interval by no more than the
    tolerance: **1 percentage point** for shares, **10% of the stated value** for growth rates
    (stated 11% → 1.1 points), **5% of the stated amount** for values ($27 billion → 1.35
    billion). The difference is stated.
``contradicted``
    further off than that, or the rank differs.
``partial``
    part of the claim is judged (its value: ``parts`` says supported, close or contradicted)
    and part cannot be (a rank where the partner table is partial); ``reasons`` says why.
``unverifiable``
    the data does not cover the claim: no data, a period that is not exactly the claim's, a
    partial partner table for a share, a bloc whose members the data does not all show, a
    claim whose period or countries the text leaves unknown. The verdict says why
    (``reasons``), what data exists, which office publishes what would settle it, and the
    same figure for the latest period that has data (context, not the verdict).
``consistent_with_estimate`` / ``outside_estimate_band``
    a share claim about a reporter that publishes no partner figures for the period, checked
    against the estimate from its partners' reports (:mod:`cistrade.claims.estimated`,
    issue #18) because that estimate's coverage meets the rule: the stated share lies inside
    the estimate's band ("consistent with the estimate (band a–b)") or outside it ("outside
    the estimate's band"). Never plain supported or contradicted: an estimate is not the
    reporter's own figure. ``estimate`` says what the estimate covers.

``supported``, ``close`` and ``contradicted`` (and the judged part of ``partial``) are given
only when the data covers the claim, and every verdict carries the coverage it was judged
on (:class:`~cistrade.claims.coverage.Coverage`: the data's period, whether the reporter's
figures are complete, the bloc's members). The vocabulary is a ``str`` enum, which the
estimate's two kinds joined (issue #18): ``judged`` says which kinds judge a figure against the
data's own, ``estimated`` which compare it with an estimate's band.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from cistrade.claims.model import Bound, Claim, ClaimKind, Stated, amount_text

__all__ = ["VerdictKind", "Verdict", "judge", "SHARE_TOLERANCE", "GROWTH_TOLERANCE",
           "VALUE_TOLERANCE"]

SHARE_TOLERANCE = 1.0  # percentage points
GROWTH_TOLERANCE = 0.10  # of the stated growth rate
VALUE_TOLERANCE = 0.05  # of the stated amount


#: how the figure of a strengths claim is shown: an RCA, a complementarity index (or a
#: comparison's difference of two, in index points)
_INDEX_TEXT = {ClaimKind.ADVANTAGE: "RCA {:.2f}", ClaimKind.COMPLEMENTARITY: "index {:.1f}"}


class VerdictKind(StrEnum):
    SUPPORTED = "supported"
    CLOSE = "close"
    CONTRADICTED = "contradicted"
    PARTIAL = "partial"  # part judged (see ``Verdict.parts``), part not (``reasons``)
    UNVERIFIABLE = "unverifiable"
    #: inside the band of an estimate from the partners' reports (no own figures)
    CONSISTENT_WITH_ESTIMATE = "consistent_with_estimate"
    #: outside that band
    OUTSIDE_ESTIMATE_BAND = "outside_estimate_band"

    @property
    def judged(self) -> bool:
        """Whether this verdict judges the claim's figure against the data's own figures
        (an estimate's band is not: see :attr:`estimated`)."""
        return self in _JUDGED

    @property
    def estimated(self) -> bool:
        """Whether this verdict compares the claim with an estimate's band."""
        return self in _ESTIMATED


_JUDGED = frozenset({VerdictKind.SUPPORTED, VerdictKind.CLOSE, VerdictKind.CONTRADICTED})
_ESTIMATED = frozenset({VerdictKind.CONSISTENT_WITH_ESTIMATE, VerdictKind.OUTSIDE_ESTIMATE_BAND})


@dataclass
class Verdict:
    """The judgement of one claim, with the figures and data behind it.

    ``computed`` is in percent (a share of 0.418 is 41.8), or for a ``value`` claim an amount
    in the claim's currency; ``difference`` is computed minus the stated value, in percentage
    points (in currency units for a value); ``basis`` says whether the figure is the
    reporter's own (``reported``) or its partners' (``mirror``) and on which partner basis
    (origin / consignment); ``datasets`` and ``evidence`` are the stored datasets and rows
    (with ``row_ref``) the figure was computed from.
    """

    claim: Claim
    verdict: VerdictKind
    message: str
    computed: float | None = None
    computed_rank: int | None = None
    difference: float | None = None
    tolerance: float | None = None
    period: str | None = None
    basis: str | None = None
    datasets: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    context: str | None = None
    available: str | None = None
    notes: list[str] = field(default_factory=list)
    query: dict[str, Any] = field(default_factory=dict)
    #: what the data covers: period, completeness, members (``Coverage.to_dict()``)
    coverage: dict[str, Any] = field(default_factory=dict)
    #: why the claim (or a part of it) is not judged, in words
    reasons: list[str] = field(default_factory=list)
    #: for ``partial``: each part's verdict ({"value": "supported", "rank": "unverifiable"})
    parts: dict[str, str] = field(default_factory=dict)
    #: the estimate a verdict compared the claim with, or whose figure it gives as evidence
    #: (:func:`cistrade.claims.estimated.estimate_summary`); empty otherwise
    estimate: dict[str, Any] = field(default_factory=dict)

    @property
    def stated_text(self) -> str:
        parts = []
        if self.claim.stated is not None:
            parts.append(_said(self.claim, self.claim.stated))
        if self.claim.rank is not None:
            parts.append(f"rank {self.claim.rank}")
        return ", ".join(parts)

    @property
    def computed_text(self) -> str:
        parts = []
        if self.computed is not None and self.claim.kind in _INDEX_TEXT:
            parts.append(_INDEX_TEXT[self.claim.kind].format(self.computed))
        elif self.computed is not None:
            unit = self.claim.stated.unit if self.claim.stated else None
            if self.claim.kind in (ClaimKind.VALUE, ClaimKind.CHANGE) and unit:
                parts.append(amount_text(self.computed, unit))
            else:
                parts.append(f"{self.computed:+.1f}%" if self.claim.kind is ClaimKind.GROWTH
                             else f"{self.computed:.1f}%")
        if self.computed_rank is not None:
            parts.append(f"rank {self.computed_rank}")
        return ", ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of one checked claim (CLI ``--format json`` and the web API):
        plain JSON types only (dates as ISO text)."""
        from cistrade.contract import jsonable

        c = self.claim
        out: dict[str, Any] = jsonable({
            "text": c.text,
            "kind": c.kind.value,
            "reporter": c.reporter,
            "partner": c.partner,
            "bloc": c.bloc,
            "flow": c.flow.value,
            "period": self.period or (str(c.period) if c.period else None),
            "period_note": c.period_note,
            "stated": self.stated_text or None,
            "stated_value": c.stated.to_dict() if c.stated else None,
            "stated_rank": c.rank,
            "computed": self.computed,
            "computed_text": self.computed_text or None,
            "computed_rank": self.computed_rank,
            "verdict": self.verdict.value,
            "difference": self.difference,
            "tolerance": self.tolerance,
            "basis": self.basis,
            "message": self.message,
            "context": self.context,
            "available": self.available,
            "datasets": self.datasets,
            "evidence": self.evidence,
            "notes": self.notes,
            "span": [c.start, c.end] if c.start is not None else None,
            "coverage": self.coverage,
            "reasons": self.reasons,
            "parts": self.parts,
            "estimate": self.estimate or None,
            "mutual": c.mutual,
            "scope": c.scope.value if c.scope else None,
            "base": str(c.base) if c.base else None,
            "product": c.product,
            "versus": c.versus,
        })
        return out


def _tolerance(claim: Claim) -> float:
    stated = claim.stated
    if claim.kind is ClaimKind.GROWTH and stated is not None:
        return abs(stated.value) * GROWTH_TOLERANCE
    if claim.kind in (ClaimKind.VALUE, ClaimKind.CHANGE) and stated is not None:
        return abs(stated.value) * VALUE_TOLERANCE
    return SHARE_TOLERANCE


def _ordinal(n: int) -> str:
    return {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth"}.get(n, f"#{n}")


def judge(claim: Claim, computed: float | None, computed_rank: int | None
          ) -> tuple[VerdictKind, str, float | None, float | None]:
    """The verdict on a computed value (percent) and rank: (kind, message, difference,
    tolerance). Pure logic, no data access."""
    rank_ok = claim.rank is None or computed_rank == claim.rank
    rank_text = _rank_text(claim, computed_rank, rank_ok)
    stated = claim.stated
    if stated is None or computed is None:
        if stated is not None:
            return VerdictKind.UNVERIFIABLE, "no value computed", None, None
        kind = VerdictKind.SUPPORTED if rank_ok else VerdictKind.CONTRADICTED
        return kind, rank_text or "no value stated", None, None
    tol = _tolerance(claim)
    difference = round(computed - stated.value, 6)
    outside = stated.distance(computed)
    value_text = _value_text(claim, stated, computed, difference, outside, tol)
    text = "; ".join(t for t in (value_text, rank_text) if t)
    return _by_distance(rank_ok, outside, tol), text, difference, tol


def _rank_text(claim: Claim, computed_rank: int | None, rank_ok: bool) -> str:
    """"ranked second" / "ranked third, not first"; "" for a claim stating no rank."""
    if claim.rank is None:
        return ""
    got = _ordinal(computed_rank) if computed_rank else "unranked"
    return f"ranked {got}" + ("" if rank_ok else f", not {_ordinal(claim.rank)}")


def _by_distance(rank_ok: bool, outside: float, tol: float) -> VerdictKind:
    """Supported inside the stated range, close within the tolerance, else contradicted
    (and contradicted whenever the rank is wrong)."""
    if not rank_ok:
        return VerdictKind.CONTRADICTED
    if outside == 0:
        return VerdictKind.SUPPORTED
    if outside <= tol + 1e-9:
        return VerdictKind.CLOSE
    return VerdictKind.CONTRADICTED


def _value_text(claim: Claim, stated: Stated, computed: float, difference: float,
                outside: float, tol: float) -> str:
    if stated.unit:
        return _amount_text(stated, computed, difference, outside, tol)
    sign = "+" if claim.kind is ClaimKind.GROWTH else ""
    shown = f"computed {computed:{sign}.1f}%"
    said = _said(claim, stated)
    if outside == 0:
        return f"{shown}, within the stated {said}"
    where = "above" if difference > 0 else "below"
    if claim.kind is ClaimKind.GROWTH:
        limit = f"tolerance ±{tol:.1f} points (10% of the stated rate)"
    else:
        limit = f"tolerance ±{tol:g} point"
    within = "within" if outside <= tol + 1e-9 else "outside"
    return (f"{shown}, {abs(difference):.1f} points {where} the stated {said} "
            f"({within} the {limit})")


def _said(claim: Claim, stated: Stated) -> str:
    """The stated value as the text wrote it; a fall whose words carry the sign ("fell by
    20%", "сократился в 2 раза", "fell by over 20%") says so: ``-20%``, ``-50% (в 2 раза)``,
    ``fall of over 20%``."""
    text = (stated.text or "").strip()
    if not text:
        return stated.label()
    if claim.kind is ClaimKind.GROWTH and stated.value < 0 and not text.startswith(("-", "−")):
        if stated.bound is not Bound.EXACT:  # "fell by over 20%": below -20
            return f"fall of {text}"
        bare = text.rstrip("%").replace(",", ".").strip()
        return stated.label() if bare.replace(".", "", 1).isdigit() else f"{stated.label()} ({text})"
    return text


def _amount_text(stated: Stated, computed: float, difference: float, outside: float,
                 tol: float) -> str:
    unit = stated.unit or ""
    shown = f"computed {amount_text(computed, unit)}"
    said = stated.text or stated.label()
    if outside == 0:
        return f"{shown}, within the stated {said}"
    where = "above" if difference > 0 else "below"
    within = "within" if outside <= tol + 1e-9 else "outside"
    return (f"{shown}, {amount_text(outside, unit)} {where} the stated {said} ({within} the "
            f"tolerance ±{amount_text(tol, unit)}, 5% of the stated amount)")
