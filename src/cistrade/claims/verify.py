"""Claims → verdicts: each claim becomes the matching indicator query.

========== ====================================================================
claim      query (:mod:`cistrade.indicators`)
========== ====================================================================
share      ``share(eng, reporter, period, flow)``: the partner's share and rank
rank       the same; the rank only (of a bloc: see below)
bloc_share ``bloc_share(eng, reporter, bloc, period, flow)``: the bloc row's share
growth     ``growth(eng, reporter, period, partner or bloc, flow)``: vs a year earlier
role       ``roles(eng, bloc, period)``: the partner's supplier (or market) rank
value      ``share`` (the partner's value), ``bloc_share`` (the bloc's) or ``balance`` (the
           World row: the reporter's trade in all),
           in the claim's currency: converted at the period-average ECB reference rate
           (:func:`cistrade.rates.rate_stats`) when the data is in another, the rate named;
           a partner the reporter's figures lack: ``mirror`` (the partner's reports); a
           share of such a partner: that over the reporter's World row (rank not checked);
           its growth: the mirror values of both periods
========== ====================================================================

A bloc given a rank ("the EU remained Kazakhstan's largest trading partner") is ranked as one
partner against the countries outside it, its members not ranked on their own; the verdict's
notes say so (statements do this; the indicators rank countries only). That, the partner's
side for pairs a reporter does not show, and currency conversion are in
:mod:`cistrade.claims.derived`.

A claim without a period is checked against the latest full year the reporter's data
covers. Missing data (:class:`~cistrade.errors.NoData`) makes the verdict ``unverifiable``:
it says what the store has, who publishes what would settle it (:mod:`.offices`), and the
same figure for the latest period that has data, as context.

The indicator functions are injected (``Verifier(engine, indicators=…)``): any object with
``share``, ``bloc_share``, ``growth``, ``roles`` and ``availability`` (and optionally
``evidence``) attributes works, which is how the verdict logic is tested without a store.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

from cistrade.claims.derived import Derived
from cistrade.claims.derived import name_of as _name
from cistrade.claims.derived import ordinal as _ordinal
from cistrade.claims.latest import describe, fallback_periods, latest_year
from cistrade.claims.model import Claim, ClaimKind, Role, amount_text
from cistrade.claims.offices import who_publishes
from cistrade.claims.verdict import Verdict, VerdictKind, judge
from cistrade.errors import CistradeError, InputError, NoData
from cistrade.model import Freq, Period, PeriodRange

__all__ = ["Verifier", "check_text", "check_claims"]

log = logging.getLogger(__name__)

EVIDENCE_ROWS = 24


def _default_indicators() -> Any:
    import cistrade.indicators as ind

    return SimpleNamespace(share=ind.share, bloc_share=ind.bloc_share, growth=ind.growth,
                           roles=ind.roles, availability=ind.availability, mirror=ind.mirror,
                           balance=ind.balance, evidence=getattr(ind, "evidence", None))


class Verifier:
    """Checks claims against the data an engine reaches (see the module docstring)."""

    def __init__(self, engine: Any, *, indicators: Any = None,
                 evidence_rows: int = EVIDENCE_ROWS) -> None:
        self.engine = engine
        self.ind = indicators or _default_indicators()
        self.derived = Derived(self.ind, engine)
        self.evidence_rows = evidence_rows

    def verify_all(self, claims: Iterable[Claim]) -> list[Verdict]:
        return [self.verify(c) for c in claims]

    def verify(self, claim: Claim) -> Verdict:
        """One claim's verdict; missing data is ``unverifiable``, never an exception."""
        try:
            period = claim.period or self._latest(claim)
        except NoData as exc:
            return self._unverifiable(claim, None, exc)
        try:
            result = self._query(claim, period)
            return self._judge(claim, period, result)
        except NoData as exc:
            return self._unverifiable(claim, period, exc)
        except InputError as exc:  # this claim cannot be computed (e.g. mixed currencies)
            return Verdict(claim, VerdictKind.UNVERIFIABLE, f"cannot compute it: {exc}",
                           period=str(period), notes=[str(exc)])

    # -- computing -------------------------------------------------------------------------

    def _query(self, claim: Claim, period: PeriodRange) -> Any:
        eng, p, flow = self.engine, str(period), claim.flow.value
        if claim.kind in (ClaimKind.SHARE, ClaimKind.RANK) and claim.bloc is None:
            return self.ind.share(eng, claim.reporter, p, flow)
        if claim.kind in (ClaimKind.BLOC_SHARE, ClaimKind.RANK):
            return self.ind.bloc_share(eng, claim.reporter, claim.bloc, p, flow)
        if claim.kind is ClaimKind.GROWTH:
            return self.ind.growth(eng, claim.reporter, p, claim.partner or claim.bloc, flow)
        if claim.kind is ClaimKind.VALUE:
            if claim.bloc:
                return self.ind.bloc_share(eng, claim.reporter, claim.bloc, p, flow)
            if claim.partner is None:  # the reporter's trade with the world: its World row
                return self.ind.balance(eng, claim.reporter, p)
            return self.ind.share(eng, claim.reporter, p, flow)
        return self.ind.roles(eng, claim.bloc, p, top=None)

    def _row(self, claim: Claim, result: Any) -> dict[str, Any] | None:
        rows = list(result.rows)
        if claim.kind is ClaimKind.VALUE and claim.partner is None and claim.bloc is None:
            return next((r for r in rows if r.get("partner") == "WLD"), None)
        if claim.kind in (ClaimKind.SHARE, ClaimKind.RANK, ClaimKind.ROLE, ClaimKind.VALUE) \
                and claim.partner is not None:
            return next((r for r in rows if r.get("partner") == claim.partner), None)
        if claim.kind in (ClaimKind.BLOC_SHARE, ClaimKind.VALUE, ClaimKind.RANK):
            return next((r for r in rows if r.get("aggregate")), rows[0] if rows else None)
        return rows[0] if rows else None

    def _figures(self, claim: Claim, row: dict[str, Any]) -> tuple[float | None, int | None]:
        """The computed value (percent) and rank of a result row."""
        if claim.kind is ClaimKind.ROLE:
            role = (claim.role or Role.SUPPLIER).value
            share = row.get(f"{role}_share")
            return (None if share is None else share * 100), row.get(f"{role}_rank")
        if claim.kind is ClaimKind.GROWTH:
            g = row.get("growth")
            return (None if g is None else g * 100), None
        if claim.kind is ClaimKind.VALUE:  # in the data's currency (see _in_currency)
            whole = claim.partner is None and claim.bloc is None
            return row.get(claim.flow.value if whole else "value"), None
        share = row.get("share")
        return (None if share is None else share * 100), row.get("rank")

    def _judge(self, claim: Claim, period: PeriodRange, result: Any) -> Verdict:
        row = self._row(claim, result)
        if row is None and claim.kind is ClaimKind.VALUE and claim.partner:
            # the reporter's figures lack the partner: the partner's reports may not
            result, row = self.derived.mirror(claim, period) or (result, None)
        elif row is None and claim.kind is ClaimKind.SHARE and claim.partner:
            result, row = self.derived.mirror_share(claim, period) or (result, None)
        elif row is None and claim.kind is ClaimKind.GROWTH and claim.partner:
            result, row = self.derived.mirror_growth(claim, period) or (result, None)
        datasets = list(getattr(result, "datasets", []) or [])
        if row is None:
            who = _name(claim.partner) if claim.partner or not claim.bloc else claim.bloc
            return Verdict(claim, VerdictKind.UNVERIFIABLE,
                           f"{who} does not appear among {_name(claim.reporter)}'s partners "
                           f"in the data for {period}", period=str(period), datasets=datasets,
                           notes=list(result.notes), query=dict(result.query))
        return self._judge_row(claim, period, result, row, datasets)

    def _judge_row(self, claim: Claim, period: PeriodRange, result: Any, row: dict[str, Any],
                   datasets: list[dict[str, Any]]) -> Verdict:
        computed, rank = self._figures(claim, row)
        notes = list(result.notes)
        if claim.kind is ClaimKind.VALUE and computed is not None:
            try:
                computed, said = self.derived.in_currency(claim, row, computed, period)
            except (NoData, InputError) as exc:
                return Verdict(claim, VerdictKind.UNVERIFIABLE,
                               f"the data is in {row.get('currency')}, the claim in "
                               f"{claim.stated.unit}: {exc}", period=str(period),
                               datasets=datasets, notes=[*notes, str(exc)],
                               query=dict(result.query))
            notes += said
        group_rank = None
        if claim.bloc is not None and claim.rank is not None \
                and claim.kind in (ClaimKind.RANK, ClaimKind.BLOC_SHARE):
            rank, group_rank = self.derived.group_rank(claim, period, result, row)
            notes.append(group_rank)
        thin = _thin_coverage(claim, result)
        if thin:
            context = f"from the data there is, {_name(claim.partner)} ranks " \
                      f"{_ordinal(rank)} with {computed or 0:.1f}%"
            return Verdict(claim, VerdictKind.UNVERIFIABLE, f"{thin}; {context}",
                           computed=computed, computed_rank=rank, period=str(period),
                           basis=_basis(row), datasets=datasets, context=context,
                           available=thin, notes=list(result.notes), query=dict(result.query))
        judged = claim
        if row.get("unranked") and claim.rank is not None:  # a share from the partner's side
            judged = replace(claim, rank=None)
            notes.append(f"rank {claim.rank} not checked: {_name(claim.reporter)}'s own figures "
                         f"for {period} do not show {_name(claim.partner)}, so it cannot be "
                         "ranked among its partners")
        kind, text, difference, tol = judge(judged, computed, rank)
        if judged is not claim:
            text += f"; {notes[-1]}"
        text += _how(claim, row, group_rank, period)
        return Verdict(claim, kind, text, computed=computed, computed_rank=rank,
                       difference=difference, tolerance=tol, period=str(period),
                       basis=_basis(row), datasets=datasets,
                       evidence=self._evidence(result, row, claim, period),
                       notes=notes, query=dict(result.query))

    def _evidence(self, result: Any, row: dict[str, Any], claim: Claim | None = None,
                  period: PeriodRange | None = None) -> list[dict[str, Any]]:
        fetch = getattr(self.ind, "evidence", None)
        if claim is not None and period is not None and "mirror" in str(row.get("basis")) \
                and claim.partner:  # the partner's reports
            found = self.derived.partner_rows(claim, period, limit=self.evidence_rows)
        elif fetch is None:
            return []
        else:
            try:
                found = fetch(self.engine, result, row, limit=self.evidence_rows)
            except CistradeError as exc:  # evidence is a bonus: never fails the verdict
                log.info("no evidence rows: %s", exc)
                return []
        keep = ("dataset_id", "file", "source", "vintage", "row_ref", "reporter", "partner",
                "flow", "freq", "period_start", "period_end", "partner_basis", "value",
                "currency")
        return [{k: r.get(k) for k in keep if k in r} for r in found]

    # -- latest period and missing data ----------------------------------------------------

    def _availability(self, code: str | None) -> dict[str, Any] | None:
        if not code:
            return None
        try:
            return self.ind.availability(self.engine, code)
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
            return bloc(bloc_id or "").members()
        except InputError:
            return []

    def _unverifiable(self, claim: Claim, period: PeriodRange | None, exc: NoData) -> Verdict:
        who = claim.reporter or claim.bloc
        avail = self._availability(claim.reporter)
        available = describe(avail) if claim.reporter else _short(exc.available)
        when = str(period) if period is not None else "any period"
        parts = [f"no data for {_name(who) if claim.reporter else who} in {when}",
                 f"available: {available}"]
        context = self._context(claim, period, avail)
        if context:
            parts.append(context)
        publishers = [claim.reporter] if claim.reporter else self._members(claim.bloc)[:3]
        parts += [who_publishes(code) for code in publishers]
        return Verdict(claim, VerdictKind.UNVERIFIABLE, "; ".join(parts),
                       period=str(period) if period else None, context=context,
                       available=available, notes=[str(exc)])

    def _context(self, claim: Claim, period: PeriodRange | None,
                 avail: dict[str, Any] | None) -> str | None:
        """The same figure for the latest period with data (context, not the verdict)."""
        if claim.reporter is None:
            return None
        for alt in fallback_periods(period, avail):
            try:
                result = self._query(claim, alt)
            except CistradeError:
                continue
            row = self._row(claim, result)
            if row is not None:
                return _context_text(claim, alt, *self._figures(claim, row),
                                     currency=row.get("currency"))
        return None


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


def _thin_coverage(claim: Claim, result: Any) -> str | None:
    """For a role claim: why the members' data is too thin to rank partners, or None.

    A group's suppliers are ranked from its members' own figures, completed by their
    partners' reports (mirror); unless at least half of the members report their own
    figures for the period, the ranking rests on a few countries' view and is not judged.
    """
    if claim.kind is not ClaimKind.ROLE:
        return None
    status = (getattr(result, "sections", None) or {}).get("members") or []
    if not status:
        return None
    own = [m["member"] for m in status if m.get("status") == "reported"]
    if 2 * len(own) >= len(status):
        return None
    mirror = [m["member"] for m in status if m.get("status") == "mirror"]
    none = [m["member"] for m in status if m.get("status") == "none"]
    text = (f"only {len(own)} of the {len(status)} {claim.bloc} members have their own figures "
            f"for this period ({', '.join(own) or 'none'})")
    if mirror:
        text += f"; {', '.join(mirror)} only through their partners' reports"
    if none:
        text += f"; {', '.join(none)} not at all"
    return text + ": too little to rank the group's partners"


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
    if claim.kind is ClaimKind.BLOC_SHARE and value is not None:
        return f"in {period} the {claim.bloc} share was {value:.1f}%"
    if claim.kind is ClaimKind.GROWTH and value is not None:
        return f"in {period} the change on a year earlier was {value:+.1f}%"
    if claim.kind is ClaimKind.VALUE and value is not None:
        return f"in {period} the value was {amount_text(value, currency or '')}".rstrip()
    return f"in {period} no comparable figure"


def check_claims(claims: Iterable[Claim], engine: Any, *, indicators: Any = None) -> list[Verdict]:
    """Verdicts for claims (see :class:`Verifier`)."""
    return Verifier(engine, indicators=indicators).verify_all(claims)


def check_text(text: str, engine: Any, *, lang: str = "auto",
               indicators: Any = None) -> list[Verdict]:
    """Extract the claims of ``text`` (English or Russian) and check each one."""
    from cistrade.claims.extract import extract_claims

    return check_claims(extract_claims(text, lang=lang), engine, indicators=indicators)
