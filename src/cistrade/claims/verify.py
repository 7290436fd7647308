"""Claims → verdicts: each claim becomes the matching indicator query, judged only where the
data covers it (:mod:`cistrade.claims.coverage`).

========== ====================================================================
claim      query (:mod:`cistrade.indicators`)
========== ====================================================================
share      ``share(eng, reporter, period, flow)``: the partner's share and rank
rank       the same; the rank only (of a bloc: see below)
bloc_share ``bloc_share(eng, reporter, bloc, period, flow)``: the bloc row's share
growth     ``growth(eng, reporter, period, partner or bloc, flow)``: vs a year earlier;
           over several years (a ``base``): the values of both periods
change     ``growth``'s change (value − previous value), or the values of period and base
role       ``roles(eng, bloc, period)``: the partner's supplier (or market) rank
value      ``share`` (the partner's value), ``bloc_share`` (the bloc's) or ``balance`` (the
           World row: the reporter's trade in all), in the claim's currency (converted at
           the period-average ECB rate, :func:`cistrade.rates.rate_stats`)
========== ====================================================================

Claims about strengths (``advantage``: RCA; ``complementarity``: Michaely's index) read
product-level data and are checked by :mod:`cistrade.claims.strengths`.

A claim is judged (supported, close, contradicted) only when the data covers it: the
period is exactly the claim's, the reporter's figures are complete where a share, rank or
total needs them, a bloc's members are covered (or its published row is used). Otherwise
the verdict is ``unverifiable`` — or ``partial`` when the value is judged but a rank cannot
be — and its ``reasons`` say why; every verdict carries its ``coverage``.

A **mutual** claim ("trade between Kazakhstan and China") is checked on the figures of
whichever side reports the pair, the reporter's first (the coverage's ``side`` says whose);
a partner neither side's own figures show comes from the partner's reports (``mirror``,
:mod:`cistrade.claims.derived`). A bloc given a rank ("the EU remained Kazakhstan's largest
trading partner") is ranked as one partner against the countries outside it. A claim the
text gives no period is not checked against another period; a hand-written claim with
``period: latest`` is checked against the latest full year the data covers.

The indicator functions are injected (``Verifier(engine, indicators=…)``): any object with
``share``, ``bloc_share``, ``growth``, ``roles`` and ``availability`` (and optionally
``balance``, ``mirror``, ``evidence``) attributes works, which is how the verdict logic is
tested without a store.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from cistrade.claims.coverage import (
    Coverage,
    bloc_coverage,
    partial_reason,
    product_reason,
    rank_reason,
    share_coverage,
)
from cistrade.claims.derived import Derived
from cistrade.claims.derived import name_of as _name
from cistrade.claims.derived import ordinal as _ordinal
from cistrade.claims.estimated import Estimated, estimate_for
from cistrade.claims.latest import describe, fallback_periods, latest_year
from cistrade.claims.model import Claim, ClaimKind, Role, amount_text
from cistrade.claims.offices import who_publishes
from cistrade.claims.strengths import STRENGTH_KINDS, verify_strength
from cistrade.claims.verdict import Verdict, VerdictKind, judge
from cistrade.errors import CistradeError, InputError, NoData
from cistrade.model import Freq, Period, PeriodRange

if TYPE_CHECKING:  # pragma: no cover
    from cistrade.indicators.engine import Engine
    from cistrade.indicators.result import Result

__all__ = ["Verifier", "check_text", "check_claims"]

log = logging.getLogger(__name__)

EVIDENCE_ROWS = 24
#: the kinds whose figure has a rank
_RANKED_KINDS = (ClaimKind.SHARE, ClaimKind.RANK, ClaimKind.BLOC_SHARE, ClaimKind.ROLE)


def _default_indicators() -> Any:
    import cistrade.indicators as ind

    return SimpleNamespace(share=ind.share, bloc_share=ind.bloc_share, growth=ind.growth,
                           roles=ind.roles, availability=ind.availability, mirror=ind.mirror,
                           balance=ind.balance, evidence=getattr(ind, "evidence", None),
                           estimate=estimate_for)


class _NotCovered(Exception):
    """The data does not cover the claim: why, and what it does cover."""

    def __init__(self, reason: str, coverage: Coverage | None = None, result: Result | None = None,
                 context: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.coverage = coverage or Coverage()
        self.result = result
        self.context = context


@dataclass
class _Figure:
    """A computed figure for a claim: the result and row it came from, what they cover."""

    result: Result
    row: dict[str, Any]
    coverage: Coverage
    notes: list[str] = field(default_factory=list)
    rank_reason: str | None = None  # the rank cannot be checked: why
    group_rank: str | None = None  # how a bloc's rank against countries was made


class Verifier:
    """Checks claims against the data an engine reaches (see the module docstring)."""

    def __init__(self, engine: Engine, *, indicators: Any = None,
                 evidence_rows: int = EVIDENCE_ROWS) -> None:
        self.engine = engine
        self.ind = indicators or _default_indicators()
        self.derived = Derived(self.ind, engine)
        self.estimated = Estimated(self.ind, engine, evidence_rows=evidence_rows)
        self.evidence_rows = evidence_rows

    def verify_all(self, claims: Iterable[Claim]) -> list[Verdict]:
        return [self.verify(c) for c in claims]

    def verify(self, claim: Claim) -> Verdict:
        """One claim's verdict; missing data is ``unverifiable``, never an exception. A share
        claim about a reporter without partner figures of its own is then reviewed against
        the estimate from its partners' reports (:mod:`cistrade.claims.estimated`)."""
        if claim.kind in STRENGTH_KINDS:  # product-level: :mod:`cistrade.claims.strengths`
            return verify_strength(self.engine, claim)
        return self.estimated.review(claim, self._verify_own(claim))

    def _verify_own(self, claim: Claim) -> Verdict:
        """The verdict on the data's own figures (and a partner's reports, mirror)."""
        try:
            period = self._period(claim)
        except _NotCovered as exc:
            return self._not_covered(claim, None, exc)
        except NoData as exc:
            return self._unverifiable(claim, None, exc)
        try:
            return self._judge(claim, period, self._figure(claim, period))
        except _NotCovered as exc:
            return self._not_covered(claim, period, exc)
        except NoData as exc:
            return self._unverifiable(claim, period, exc)
        except InputError as exc:  # this claim cannot be computed (e.g. mixed currencies)
            return Verdict(claim, VerdictKind.UNVERIFIABLE, f"cannot compute it: {exc}",
                           period=str(period), notes=[str(exc)], reasons=[str(exc)])

    # -- the period ------------------------------------------------------------------------

    def _period(self, claim: Claim) -> PeriodRange:
        if claim.period is not None:
            return claim.period
        if claim.period_note:  # extracted: the text leaves the period unknown
            raise _NotCovered(f"the text does not say which period: {claim.period_note}")
        return self._latest(claim)

    # -- computing -------------------------------------------------------------------------

    def _figure(self, claim: Claim, period: PeriodRange) -> _Figure:
        """The figure a claim is judged on, once the data is known to cover it (a pair's
        figure summed over the products an extract happens to hold is not its trade)."""
        figure = self._computed(claim, period)
        reason = product_reason(figure.result, figure.coverage, _name(claim.reporter))
        if reason:
            raise _NotCovered(reason, figure.coverage, figure.result)
        return figure

    def _computed(self, claim: Claim, period: PeriodRange) -> _Figure:
        if claim.scope is not None:
            raise _NotCovered(self._scope_reason(claim, period))
        if claim.kind is ClaimKind.ROLE:
            return self._role(claim, period)
        if claim.kind in (ClaimKind.GROWTH, ClaimKind.CHANGE):
            return self._change(claim, period)
        if claim.kind is ClaimKind.VALUE:
            return self._value(claim, period)
        if claim.bloc is not None:
            return self._bloc(claim, period)
        return self._share(claim, period)

    def _share(self, claim: Claim, period: PeriodRange) -> _Figure:
        p = str(period)
        result = self.ind.share(self.engine, claim.reporter, p, claim.flow.value)
        row = _partner_row(result, claim.partner)
        cov = share_coverage(result, claim.reporter, p, row)
        if row is None:
            return self._mirror_share(claim, period, result, cov)
        reason = partial_reason(cov, _name(claim.reporter))
        if reason:
            raise _NotCovered(reason, cov, result, self._share_context(claim, row))
        return _Figure(result, row, cov, rank_reason=rank_reason(cov, _name(claim.reporter))
                       if claim.rank is not None else None)

    def _mirror_share(self, claim: Claim, period: PeriodRange, result: Result,
                      cov: Coverage) -> _Figure:
        """A partner the reporter's own figures do not show: its reports over the reporter's
        published total (the rank cannot be checked)."""
        if cov.total_basis != "published world total":
            raise _NotCovered(f"{_name(claim.partner)} does not appear among "
                              f"{_name(claim.reporter)}'s partners in the data for {period}, "
                              "whose figures have no published World total either", cov, result)
        found = self.derived.mirror_share(claim, period)
        if found is None:
            raise _NotCovered(f"{_name(claim.partner)} does not appear among "
                              f"{_name(claim.reporter)}'s partners in the data for {period}",
                              cov, result)
        mirrored, row = found
        side = replace(cov, side=f"{claim.partner}'s reports", rank_certain=False)
        reason = (f"rank {claim.rank} not checked: {_name(claim.reporter)}'s own figures for "
                  f"{period} do not show {_name(claim.partner)}, so it cannot be ranked among "
                  "its partners") if claim.rank is not None else None
        return _Figure(mirrored, row, side, rank_reason=reason)

    def _bloc(self, claim: Claim, period: PeriodRange) -> _Figure:
        p = str(period)
        result = self.ind.bloc_share(self.engine, claim.reporter, claim.bloc, p, claim.flow.value)
        row = _bloc_row(result)
        cov = bloc_coverage(result, claim.reporter, p)
        if row is None:
            raise _NotCovered(f"no {claim.bloc} figure in the data for {period}", cov, result)
        reason = partial_reason(cov, _name(claim.reporter))
        if reason:
            raise _NotCovered(reason, cov, result)
        figure = _Figure(result, row, cov)
        if claim.rank is not None:
            self._group_rank(claim, period, figure)
        return figure

    def _group_rank(self, claim: Claim, period: PeriodRange, figure: _Figure) -> None:
        rank, note = self.derived.group_rank(claim, period, figure.result, figure.row)
        countries = self.ind.share(self.engine, claim.reporter, str(period), claim.flow.value)
        cov = share_coverage(countries, claim.reporter, str(period))
        figure.row = {**figure.row, "rank": rank}
        figure.group_rank = note
        if not cov.complete:
            figure.rank_reason = rank_reason(cov, _name(claim.reporter))

    def _value(self, claim: Claim, period: PeriodRange) -> _Figure:
        p = str(period)
        if claim.bloc is not None:
            figure = self._bloc(replace(claim, rank=None), period)
            figure.row = {**figure.row, "computed": figure.row.get("value")}
            return figure
        if claim.partner is None:
            return self._world_value(claim, period)
        try:
            result = self.ind.share(self.engine, claim.reporter, p, claim.flow.value)
        except NoData:
            if not claim.mutual:
                raise
            result = None  # the other side may report the pair
        row = _partner_row(result, claim.partner)
        if row is not None:
            return _Figure(result, {**row, "computed": row.get("value")},
                           share_coverage(result, claim.reporter, p, row))
        return self._other_side(claim, period, result)

    def _world_value(self, claim: Claim, period: PeriodRange) -> _Figure:
        """The reporter's trade in all: its World row, if its figures are its whole trade."""
        p = str(period)
        cov = self._totals_coverage(claim, p)
        reason = partial_reason(cov, _name(claim.reporter))
        if reason:
            raise _NotCovered(reason, cov)
        result = self.ind.balance(self.engine, claim.reporter, p)
        row = next((r for r in result.rows if r.get("partner") == "WLD"), None)
        if row is None:
            raise _NotCovered(f"no total of {_name(claim.reporter)}'s trade for {period}", cov,
                              result)
        return _Figure(result, {**row, "computed": row.get(claim.flow.value)}, cov)

    def _totals_coverage(self, claim: Claim, period: str) -> Coverage:
        result = self.ind.share(self.engine, claim.reporter, period, claim.flow.value)
        return share_coverage(result, claim.reporter, period)

    def _other_side(self, claim: Claim, period: PeriodRange, result: Result) -> _Figure:
        """A pair the reporter's figures do not show: the partner's own figures for a mutual
        claim, else the partner's reports of its trade with the reporter (mirror)."""
        if claim.mutual:
            flipped = replace(claim, reporter=claim.partner, partner=claim.reporter, mutual=False)
            try:
                other = self.ind.share(self.engine, flipped.reporter, str(period),
                                       claim.flow.value)
            except NoData:
                other = None
            row = _partner_row(other, flipped.partner) if other is not None else None
            if row is not None:
                return _Figure(other, {**row, "computed": row.get("value")},
                               share_coverage(other, flipped.reporter, str(period), row))
        found = self.derived.mirror(claim, period)
        if found is None and result is None:
            raise NoData(f"no data for {_name(claim.reporter)} nor {_name(claim.partner)} in "
                         f"{period}")
        if found is None:
            raise _NotCovered(f"{_name(claim.partner)} does not appear among "
                              f"{_name(claim.reporter)}'s partners in the data for {period}",
                              share_coverage(result, claim.reporter, str(period)), result)
        mirrored, row = found
        cov = Coverage(period=str(period), side=f"{claim.partner}'s reports")
        return _Figure(mirrored, {**row, "computed": row.get("value")}, cov)

    def _change(self, claim: Claim, period: PeriodRange) -> _Figure:
        if claim.base is not None and claim.base != period.previous_year():
            return self._over_base(claim, period)
        p = str(period)
        result, row = self._growth_row(claim, p)
        if row is None and claim.partner:
            return self._mirror_change(claim, period)
        cov = self._change_coverage(claim, p, row)
        return _Figure(result, self._change_row(claim, row or {}), cov)

    def _growth_row(self, claim: Claim, period: str) -> tuple[Any, dict[str, Any] | None]:
        """(result, row) of ``growth()``; (None, None) for a pair the reporter's figures
        lack (its partner's reports may have it)."""
        try:
            result = self.ind.growth(self.engine, claim.reporter, period,
                                     claim.partner or claim.bloc, claim.flow.value)
        except NoData:
            if not claim.partner:
                raise
            return None, None
        return result, (result.rows[0] if result.rows else None)

    def _mirror_change(self, claim: Claim, period: PeriodRange) -> _Figure:
        found = self.derived.mirror_growth(claim, period)
        if found is None:
            raise NoData(f"no growth figure for {_name(claim.reporter)} and "
                         f"{_name(claim.partner)} in {period}")
        result, row = found
        cov = Coverage(period=str(period), previous_period=str(period.previous_year()),
                       side=f"{claim.partner}'s reports")
        return _Figure(result, self._change_row(claim, row), cov)

    def _change_row(self, claim: Claim, row: dict[str, Any]) -> dict[str, Any]:
        if claim.kind is ClaimKind.CHANGE:
            change = row.get("change")
            if change is None and row.get("value") is not None \
                    and row.get("previous_value") is not None:
                change = row["value"] - row["previous_value"]
            return {**row, "computed": change}
        g = row.get("growth")
        return {**row, "computed": None if g is None else g * 100}

    def _change_coverage(self, claim: Claim, period: str, row: dict[str, Any] | None) -> Coverage:
        """A rate of the reporter's trade in all needs its totals complete on both sides."""
        previous = str((row or {}).get("previous_period") or "") or None
        cov = Coverage(period=period, previous_period=previous, side=claim.reporter)
        if claim.partner is None and claim.bloc is None:
            for p in (period, previous):
                if p is None:
                    continue
                totals = self._totals_coverage(claim, p)
                reason = partial_reason(totals, _name(claim.reporter))
                if reason:
                    raise _NotCovered(reason, totals)
                cov = replace(cov, total_basis=totals.total_basis, complete=totals.complete)
        return cov

    def _over_base(self, claim: Claim, period: PeriodRange) -> _Figure:
        """A change over several years ("doubled since 2015"): the values of both periods."""
        base = claim.base
        assert base is not None
        as_value = replace(claim, kind=ClaimKind.VALUE, stated=None, base=None)
        now = self._value(as_value, period)
        before = self._value(replace(as_value, period=base), base)
        v, b = now.row.get("computed"), before.row.get("computed")
        if v is None or not b:
            raise _NotCovered(f"no values for both {base} and {period}", now.coverage)
        computed = v - b if claim.kind is ClaimKind.CHANGE else (v / b - 1) * 100
        cov = replace(now.coverage, previous_period=str(base))
        notes = [f"measured from {base} ({amount_text(b, str(now.row.get('currency') or ''))})"
                 f" to {period}, not against a year earlier"]
        return _Figure(now.result, {**now.row, "computed": computed, "currency":
                                    now.row.get("currency")}, cov, notes)

    def _role(self, claim: Claim, period: PeriodRange) -> _Figure:
        result = self.ind.roles(self.engine, claim.bloc, str(period), top=None)
        row = _partner_row(result, claim.partner)
        members = [m.get("member") for m in _member_status(result)]
        cov = Coverage(period=str(period), members=[m for m in members if m])
        if row is None:
            raise _NotCovered(f"{_name(claim.partner)} does not appear among the partners of "
                              f"{claim.bloc} in the data for {period}", cov, result)
        role = (claim.role or Role.SUPPLIER).value
        thin = _thin_coverage(claim, result)
        if thin:
            context = (f"from the data there is, {_name(claim.partner)} ranks "
                       f"{_ordinal(row.get(f'{role}_rank'))} with "
                       f"{(row.get(f'{role}_share') or 0) * 100:.1f}%")
            raise _NotCovered(thin, cov, result, context)
        share = row.get(f"{role}_share")
        return _Figure(result, {**row, "computed": None if share is None else share * 100,
                                "rank": row.get(f"{role}_rank")}, cov)

    def _scope_reason(self, claim: Claim, period: PeriodRange) -> str:
        members = self._members(claim.bloc)
        having = [m for m in members if latest_year(self._availability(m)) is not None]
        what = "among its members" if claim.scope and claim.scope.value == "within" \
            else "with the rest of the world"
        return (f"{claim.bloc}'s trade {what} for {period} is the sum of every member's own "
                f"figures; the store has figures for {len(having)} of its {len(members)} "
                f"members ({', '.join(having) or 'none'}), and cistrade does not add a bloc's "
                "members' trade up")

    # -- judging ---------------------------------------------------------------------------

    def _judge(self, claim: Claim, period: PeriodRange, fig: _Figure) -> Verdict:
        row = fig.row
        computed = _computed(claim, row)
        notes = [*list(getattr(fig.result, "notes", []) or []), *fig.notes]
        if claim.kind in (ClaimKind.VALUE, ClaimKind.CHANGE) and computed is not None:
            computed, said = self._in_currency(claim, row, computed, period)
            notes += said
        rank = row.get("rank") if claim.kind in _RANKED_KINDS else None
        judged = replace(claim, rank=None) if fig.rank_reason else claim
        kind, text, difference, tol = judge(judged, computed, rank)
        parts: dict[str, str] = {}
        reasons: list[str] = []
        if fig.group_rank:
            notes.append(fig.group_rank)
        if fig.rank_reason:
            kind, text, parts, reasons = _partial(claim, kind, text, fig.rank_reason)
        text += _how(claim, row, fig.group_rank, period)
        return Verdict(claim, kind, text, computed=computed, computed_rank=rank,
                       difference=difference, tolerance=tol, period=str(period),
                       basis=_basis(row), datasets=_datasets(fig.result),
                       evidence=self._evidence(fig.result, row, claim, period), notes=notes,
                       query=dict(getattr(fig.result, "query", {}) or {}),
                       coverage=fig.coverage.to_dict(), reasons=reasons, parts=parts)

    def _in_currency(self, claim: Claim, row: dict[str, Any], computed: float,
                     period: PeriodRange) -> tuple[float, list[str]]:
        try:
            return self.derived.in_currency(claim, row, computed, period)
        except (NoData, InputError) as exc:
            unit = claim.stated.unit if claim.stated else None
            raise _NotCovered(f"the data is in {row.get('currency')}, the claim in {unit}: "
                              f"{exc}") from exc

    _EVIDENCE_KEYS = ("dataset_id", "file", "source", "vintage", "row_ref", "reporter",
                      "partner", "flow", "freq", "period_start", "period_end", "partner_basis",
                      "value", "currency")

    def _evidence(self, result: Result, row: dict[str, Any], claim: Claim | None = None,
                  period: PeriodRange | None = None) -> list[dict[str, Any]]:
        if claim is not None and period is not None and "mirror" in str(row.get("basis")) \
                and claim.partner:  # the partner's reports
            found = self.derived.partner_rows(claim, period, limit=self.evidence_rows)
        else:
            found = self._own_rows(result, row)
        return [{k: r.get(k) for k in self._EVIDENCE_KEYS if k in r} for r in found]

    def _own_rows(self, result: Result, row: dict[str, Any]) -> list[dict[str, Any]]:
        """The stored rows behind a figure of the reporter's own data (none when unknown)."""
        fetch = getattr(self.ind, "evidence", None)
        if fetch is None or result is None:
            return []
        try:
            found: list[dict[str, Any]] = fetch(self.engine, result, row,
                                                limit=self.evidence_rows)
        except CistradeError as exc:  # evidence is a bonus: never fails the verdict
            log.info("no evidence rows: %s", exc)
            return []
        return found

    # -- latest period and missing data ----------------------------------------------------

    def _availability(self, code: str | None) -> dict[str, Any] | None:
        if not code:
            return None
        try:
            found: dict[str, Any] = self.ind.availability(self.engine, code)
            return found
        except CistradeError as exc:
            log.info("availability of %s: %s", code, exc)
            return None

    def _latest(self, claim: Claim) -> PeriodRange:
        codes = [claim.reporter] if claim.reporter else self._members(claim.bloc)
        years = [y for c in codes if (y := latest_year(self._availability(c))) is not None]
        if not years:
            raise NoData(f"no data for {_name(claim.reporter) if claim.reporter else claim.bloc}")
        return PeriodRange.of(Period(max(years), Freq.ANNUAL))

    def _members(self, bloc_id: str | None) -> list[str]:
        from cistrade.reference.blocs import bloc

        try:
            return list(bloc(bloc_id or "").members())
        except InputError:
            return []

    def _not_covered(self, claim: Claim, period: PeriodRange | None, exc: _NotCovered) -> Verdict:
        result = exc.result
        context = exc.context
        if context is None and period is not None and claim.reporter:
            context = self._context(claim, period, self._availability(claim.reporter),
                                    same=False)
        text = exc.reason + (f"; {context}" if context else "")
        return Verdict(claim, VerdictKind.UNVERIFIABLE, text,
                       period=str(period) if period else None, context=context,
                       available=exc.reason, datasets=_datasets(result),
                       notes=list(getattr(result, "notes", []) or []),
                       query=dict(getattr(result, "query", {}) or {}),
                       coverage=exc.coverage.to_dict(), reasons=[exc.reason])

    def _unverifiable(self, claim: Claim, period: PeriodRange | None, exc: NoData) -> Verdict:
        avail = self._availability(claim.reporter)
        available = describe(avail) if claim.reporter else _short(exc.available)
        context = self._context(claim, period, avail)
        parts = [_no_data_reason(claim, period, exc), f"available: {available}"]
        if context:
            parts.append(context)
        publishers = [claim.reporter] if claim.reporter else self._members(claim.bloc)[:3]
        parts += [who_publishes(code) for code in publishers]
        return Verdict(claim, VerdictKind.UNVERIFIABLE, "; ".join(parts),
                       period=str(period) if period else None, context=context,
                       available=available, notes=[str(exc)],
                       coverage=Coverage(period=None).to_dict(), reasons=[str(exc)])

    def _context(self, claim: Claim, period: PeriodRange | None,
                 avail: dict[str, Any] | None, same: bool = True) -> str | None:
        """The same figure for the latest period with data (context, not the verdict)."""
        if claim.reporter is None:
            return None
        for alt in fallback_periods(period, avail):
            try:
                fig = self._figure(replace(claim, period=alt, base=None), alt)
            except (CistradeError, _NotCovered):
                continue
            return _context_text(claim, alt, _computed(claim, fig.row), fig.row.get("rank"),
                                 currency=fig.row.get("currency"))
        return None

    def _share_context(self, claim: Claim, row: dict[str, Any]) -> str | None:
        share = row.get("share")
        if share is None:
            return None
        return (f"of the partners the table lists, {_name(claim.partner)} is "
                f"{_ordinal(row.get('rank'))} with {share * 100:.1f}% of the total used")


# -- helpers ------------------------------------------------------------------------------------


def _partner_row(result: Result, partner: str | None) -> dict[str, Any] | None:
    rows: list[dict[str, Any]] = list(getattr(result, "rows", []) or [])
    return next((r for r in rows if r.get("partner") == partner), None)


def _bloc_row(result: Result) -> dict[str, Any] | None:
    rows: list[dict[str, Any]] = list(getattr(result, "rows", []) or [])
    return next((r for r in rows if r.get("aggregate")), rows[0] if rows else None)


def _datasets(result: Result | None) -> list[dict[str, Any]]:
    return list(getattr(result, "datasets", []) or [])


def _computed(claim: Claim, row: dict[str, Any]) -> float | None:
    """The figure a claim states, from a row: percent for a share, growth or role; an
    amount in the data's currency for a value or change."""
    if "computed" in row:
        value: float | None = row["computed"]
        return value
    share = row.get("share")
    return None if share is None else share * 100


def _partial(claim: Claim, kind: VerdictKind, text: str, why: str
             ) -> tuple[VerdictKind, str, dict[str, str], list[str]]:
    """A claim whose value is judged and whose rank cannot be: partial, or unverifiable for
    a rank alone."""
    if claim.stated is None:
        return VerdictKind.UNVERIFIABLE, why, {"rank": VerdictKind.UNVERIFIABLE.value}, [why]
    return (VerdictKind.PARTIAL, f"{text}; {why}",
            {"value": kind.value, "rank": VerdictKind.UNVERIFIABLE.value}, [why])


def _how(claim: Claim, row: dict[str, Any], group_rank: str | None, period: PeriodRange) -> str:
    """What a verdict's message adds on how its figure was made."""
    text = f" ({group_rank})" if group_rank else ""
    if "mirror" in str(row.get("basis")) and claim.partner \
            and claim.kind in (ClaimKind.VALUE, ClaimKind.SHARE, ClaimKind.GROWTH):
        text += (f" (from {_name(claim.partner)}'s reports: a mirror figure, "
                 f"{_name(claim.reporter)}'s own do not show it)")
    if claim.period is None:
        text += f" (latest data: {period})"
    return text


def _no_data_reason(claim: Claim, period: PeriodRange | None, exc: NoData) -> str:
    """"no data for X in P", or for a bloc the data does not cover, the members it lacks."""
    if isinstance(exc.available, dict) and exc.available.get("lacking"):
        return str(exc)
    who = _name(claim.reporter) if claim.reporter else str(claim.bloc)
    return f"no data for {who} in {str(period) if period is not None else 'any period'}"


def _thin_coverage(claim: Claim, result: Result) -> str | None:
    """For a role claim: why the members' data is too thin to rank partners, or None.

    A group's suppliers are ranked from its members' own figures, completed by their
    partners' reports (mirror); unless every member is covered one way or the other and at
    least half of them report their own figures for the period, the ranking rests on a few
    countries' view and is not judged.
    """
    status = _member_status(result)
    if not status:
        return None
    own = [m["member"] for m in status if m.get("status") == "reported"]
    uncovered = any(m.get("status") == "none" for m in status)
    if 2 * len(own) >= len(status) and not uncovered:
        return None
    few = "only " if 2 * len(own) < len(status) else ""
    text = (f"{few}{len(own)} of the {len(status)} {claim.bloc} members have their own figures "
            f"for this period ({', '.join(own) or 'none'})")
    for status_of, said in (("mirror", "only through their partners' reports"),
                            ("none", "not at all")):
        text += _members_with(status, status_of, said)
    return text + ": too little to rank the group's partners"


def _member_status(result: Result) -> list[dict[str, Any]]:
    """A ``roles()`` result's members and how each is covered (reported, mirror, none)."""
    sections = getattr(result, "sections", None) or {}
    found: list[dict[str, Any]] = sections.get("members") or []
    return found


def _members_with(status: list[dict[str, Any]], which: str, said: str) -> str:
    """"; A, B <said>" for the members of that status, "" when there are none."""
    members = [m["member"] for m in status if m.get("status") == which]
    return f"; {', '.join(members)} {said}" if members else ""


def _basis(row: dict[str, Any]) -> str | None:
    parts = [str(row[k]) for k in ("basis", "partner_basis") if row.get(k)]
    return ", ".join(parts) or None


def _short(available: Any) -> str:
    if not available:
        return "none"
    if isinstance(available, dict) and "sources" in available:
        return describe(available)
    text = str(available)
    return text if len(text) < 300 else text[:300] + " …"


def _context_text(claim: Claim, period: PeriodRange, value: float | None,
                  rank: int | None, currency: str | None = None) -> str:
    partner = _name(claim.partner) if claim.partner else str(claim.bloc)
    if claim.kind in (ClaimKind.SHARE, ClaimKind.RANK):
        share = f" with {value:.1f}%" if value is not None else ""
        return f"in {period} {partner} was {_ordinal(rank)}{share}"
    if value is None:
        return f"in {period} no comparable figure"
    if claim.kind is ClaimKind.BLOC_SHARE:
        return f"in {period} the {claim.bloc} share was {value:.1f}%"
    if claim.kind is ClaimKind.GROWTH:
        return f"in {period} the change on a year earlier was {value:+.1f}%"
    if claim.kind in (ClaimKind.VALUE, ClaimKind.CHANGE):
        return f"in {period} the {claim.kind.value} was {amount_text(value, currency or '')}".rstrip()
    return f"in {period} no comparable figure"


def check_claims(claims: Iterable[Claim], engine: Engine, *, indicators: Any = None) -> list[Verdict]:
    """Verdicts for claims (see :class:`Verifier`)."""
    return Verifier(engine, indicators=indicators).verify_all(claims)


def check_text(text: str, engine: Engine, *, lang: str = "auto", date: Any = None,
               indicators: Any = None) -> list[Verdict]:
    """Extract the claims of ``text`` (English or Russian; ``date``: the document's) and check
    each one."""
    from cistrade.claims.extract import extract_claims

    return check_claims(extract_claims(text, lang=lang, date=date), engine, indicators=indicators)
