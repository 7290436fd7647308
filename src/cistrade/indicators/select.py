"""Choosing the rows that answer a question for one reporter and one period range.

A :class:`Plan` names one source, one frequency and, per flow, one partner basis and one
product level, such that the chosen rows cover every month of the range exactly once:

1. sources in the documented preference (:mod:`cistrade.indicators.preference`), or the
   one the caller names;
2. within a source, frequencies monthly > quarterly > cumulative > annual, each only when its
   periods tile the range and every one of them is present for every flow asked for;
3. partner basis: the caller's (imports by ``origin`` or ``consignment``), else imports by
   origin and exports by destination where a source gives several;
4. product level: the ``TOTAL`` rows where they cover the range, else the sum over the
   products of one classification.

When nothing covers the range, :class:`~cistrade.errors.NoData` says which months are missing
from the closest candidate and what the store holds for the reporter. No plan is ever a
silently shorter sum.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from cistrade.errors import InputError, NoData, _cut
from cistrade.indicators.catalog import Catalog, Entry, availability, describe_available
from cistrade.indicators.preference import BASIS_ORDER, FREQ_ORDER, freq_name, source_rank
from cistrade.model import Flow, Freq, Period, PeriodRange

__all__ = ["Part", "Plan", "TotalBasis", "MIN_COMPLETE_PARTNERS", "candidates", "best_plan",
           "plan_for", "plan_many", "units_for", "world_totals", "no_data", "unit_label",
           "check_source"]

Unit = tuple[date, date]

#: a partner table listing at least this many countries is taken for the reporter's whole
#: trade when no World total says otherwise: every CIS economy trades with well over a hundred
#: countries (Armstat's sparsest month lists 107), while a publisher's "main partners" table
#: lists 20–40 (FTS's 96stran: 29) and an extract or a sample fewer still
MIN_COMPLETE_PARTNERS = 100


class TotalBasis(StrEnum):
    """What a reporter's total (a share's denominator) is."""

    PUBLISHED = "published world total"
    COMPLETE = "sum of partners (complete table)"
    PARTIAL = "sum of listed partners (partial table)"


@dataclass(frozen=True)
class Part:
    """How one flow is read: partner rows of ``basis``, aggregate rows of ``agg_basis``."""

    flow: str
    basis: str
    agg_basis: str | None
    product_class: str


@dataclass(frozen=True)
class Plan:
    """The rows of one reporter that answer for one range."""

    reporter: str
    source: str
    freq: str
    rng: PeriodRange
    units: tuple[Unit, ...]
    parts: tuple[Part, ...]
    datasets: tuple[str, ...]
    currencies: tuple[str, ...]
    #: (flow, unit) pairs with a published World row
    world: frozenset[tuple[str, Unit]]
    #: aggregate codes (``G:CIS`` …) published for every unit of every flow
    groups: frozenset[str]
    #: more than one dataset holds partner rows for the same flow and period: deduplicate
    overlap: bool
    #: partner rows (not only World/group rows) are among the chosen rows
    has_partners: bool = True
    #: the catalog entries chosen (the exact keys of the rows), not part of the plan's identity
    entries: tuple[Entry, ...] = field(default=(), compare=False, repr=False)
    #: the publisher's World rows the total comes from, per flow that has them
    #: (:func:`world_totals`; they may be of another dataset or frequency than the partners)
    totals: tuple[Entry, ...] = field(default=(), compare=False, repr=False)
    #: the totals are exactly the World rows among :attr:`entries` (nothing to add or drop)
    totals_own: bool = field(default=True, compare=False)
    #: how many partners the table lists (per flow the most in any period, the fewest over
    #: the flows); 0 when the rows are summed over products (an extract need not hold them all)
    listed: int = field(default=0, compare=False)

    def shape(self) -> Plan:
        """The plan without its reporter: reporters sharing a shape share one filter."""
        return replace(self, reporter="")

    @property
    def flows(self) -> tuple[str, ...]:
        return tuple(p.flow for p in self.parts)

    def part(self, flow: str) -> Part:
        for p in self.parts:
            if p.flow == flow:
                return p
        raise KeyError(flow)

    def world_everywhere(self, flow: str) -> bool:
        """Whether the flow's total is the publisher's World total (:attr:`totals`)."""
        return any(e.flow == flow for e in self.totals)

    def world_nowhere(self, flow: str) -> bool:
        return not self.world_everywhere(flow)

    @property
    def complete_listing(self) -> bool:
        """Whether the partner table lists enough countries to be the whole trade."""
        return self.listed >= MIN_COMPLETE_PARTNERS

    def total_basis(self) -> TotalBasis:
        """The weakest of the flows' totals: published, else a complete or a partial sum."""
        if all(self.world_everywhere(f) for f in self.flows):
            return TotalBasis.PUBLISHED
        return TotalBasis.COMPLETE if self.complete_listing else TotalBasis.PARTIAL

    @property
    def total_datasets(self) -> tuple[str, ...]:
        return tuple(sorted({e.dataset_id for e in self.totals}))

    def describe(self) -> str:
        return f"{self.source} {freq_name(self.freq)}"


def unit_label(unit: Unit, freq: str) -> str:
    start, end = unit
    if freq == "A":
        return str(start.year)
    if freq == "Q":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if freq == "M":
        return f"{start:%Y-%m}"
    return str(PeriodRange.between(start, end))


def units_for(rng: PeriodRange, freq: str) -> tuple[Unit, ...] | None:
    """The periods of ``freq`` that tile ``rng`` exactly, or None when they cannot."""
    s, e = rng.start, rng.end
    if freq == "M":
        return tuple((m.start, m.end) for m in rng.months())
    if freq == "C":
        return ((rng.first_day, rng.last_day),)
    if freq == "Q" and s.number % 3 == 1 and e.number % 3 == 0:
        quarters = [Period.from_date(m.start, Freq.QUARTERLY) for m in rng.months()[::3]]
        return tuple((q.start, q.end) for q in quarters)
    if freq == "A" and s.number == 1 and e.number == 12:
        return tuple((Period(y, Freq.ANNUAL).start, Period(y, Freq.ANNUAL).end)
                     for y in range(s.year, e.year + 1))
    return None


# -- choosing ----------------------------------------------------------------------------------


class _Miss(Exception):
    """A candidate that does not cover the range; says what it lacks."""

    def __init__(self, what: str, months: int = 0) -> None:
        super().__init__(what)
        self.what = what
        self.months = months


def _basis(flow: str, entries: list[Entry], units: Sequence[Unit], wanted: str | None) -> str:
    """The partner basis present in every unit (the caller's, else the preferred one)."""
    partner = [e for e in entries if not e.agg] or entries
    per_unit: dict[Unit, set[str]] = defaultdict(set)
    for e in partner:
        per_unit[e.unit].add(e.basis)
    common = set.intersection(*(per_unit[u] for u in units)) if per_unit else set()
    if wanted and flow in (Flow.IMPORT, Flow.RE_IMPORT):
        if wanted in common:
            return wanted
        raise _Miss(f"no {flow}s by country of {wanted} (bases: {', '.join(sorted(common)) or '-'})")
    for basis in BASIS_ORDER.get(flow, ()):
        if basis in common:
            return basis
    if common:
        return sorted(common)[0]
    raise _Miss(f"{flow}s change partner basis within the range")


def _agg_basis(entries: list[Entry], basis: str) -> str | None:
    bases = {e.basis for e in entries if e.agg}
    if not bases:
        return None
    if basis in bases:
        return basis
    return "unknown" if "unknown" in bases else sorted(bases)[0]


def _product_class(entries: list[Entry], units: Sequence[Unit]) -> str:
    per_class: dict[str, set[Unit]] = defaultdict(set)
    for e in entries:
        per_class[e.product_class].add(e.unit)
    full = [pc for pc, us in per_class.items() if len(us) == len(units)]
    if "TOTAL" in full:
        return "TOTAL"
    if full:
        return sorted(full)[0]
    raise _Miss("no single product level covers the range")


def _part(flow: str, freq: str, entries: list[Entry], units: tuple[Unit, ...],
          basis: str | None) -> tuple[Part, list[Entry]]:
    covered = {e.unit for e in entries}
    missing = [u for u in units if u not in covered]
    if missing:
        raise _Miss(", ".join(unit_label(u, freq) for u in missing) + f" ({flow})", len(missing))
    b = _basis(flow, entries, units, basis)
    kept = [e for e in entries if (e.basis == b) or e.agg]
    agg_b = _agg_basis(kept, b)
    kept = [e for e in kept if (not e.agg and e.basis == b) or (e.agg and e.basis == agg_b)]
    pc = _product_class(kept, units)
    kept = [e for e in kept if e.product_class == pc]
    return Part(flow, b, agg_b, pc), kept


def _groups(kept: list[Entry], flows: Sequence[str], units: Sequence[Unit]) -> frozenset[str]:
    have: dict[str, set[tuple[str, Unit]]] = defaultdict(set)
    for e in kept:
        if e.agg:
            have[e.agg].add((e.flow, e.unit))
    need = len(flows) * len(units)
    return frozenset(code for code, cells in have.items() if len(cells) == need)


def _overlap(kept: list[Entry]) -> bool:
    seen: dict[tuple[object, ...], str] = {}
    for e in kept:
        key = (e.flow, e.unit, e.agg, e.product_class)
        if seen.setdefault(key, e.dataset_id) != e.dataset_id:
            return True
    return False


#: when World rows of several frequencies tile a range with equally new vintages, the
#: coarsest is the publisher's figure for the whole period (an annual total includes the
#: revisions its monthly rows never received: FTS's 2021 turnover 789.4 bn, its months 785.0)
_COARSE_FIRST = ("A", "C", "Q", "M")


def _newest(pool: list[Entry], units: Sequence[Unit], part: Part,
            vintages: Mapping[str, str]) -> list[Entry] | None:
    """Per unit the newest vintage's World entry (the flow's own basis first), or None when
    some unit has none."""
    chosen = []
    for unit in units:
        here = [e for e in pool if e.unit == unit]
        if not here:
            return None
        chosen.append(max(here, key=lambda e: (vintages.get(e.dataset_id, ""),
                                               e.basis == part.basis, e.dataset_id)))
    return chosen


def _world_pool(entries: Sequence[Entry], source: str, part: Part,
                currency: str) -> list[Entry]:
    """The World entries that may give one flow's total: same source, flow, basis, currency,
    all goods."""
    bases = {part.basis, part.agg_basis}
    return [e for e in entries
            if (e.agg, e.source, e.flow, e.product_class, e.currency)
            == ("WLD", source, part.flow, "TOTAL", currency) and e.basis in bases]


def world_totals(entries: Sequence[Entry], source: str, rng: PeriodRange, part: Part,
                 currency: str | None, freqs: Sequence[str],
                 vintages: Mapping[str, str]) -> tuple[Entry, ...]:
    """The publisher's World rows for one flow over the range: from any dataset of ``source``
    (same flow, basis, currency, all goods) whose periods tile the range; the newest vintage
    wins, then the coarsest frequency. Empty when none does (the total is then a partner sum)."""
    if part.product_class != "TOTAL" or currency is None:
        return ()
    pool = _world_pool(entries, source, part, currency)
    best: tuple[tuple[str, int], list[Entry]] | None = None
    for freq in (f for f in _COARSE_FIRST if f in freqs):
        units = units_for(rng, freq) or ()
        chosen = _newest([e for e in pool if e.freq == freq], units, part, vintages)
        if not chosen:
            continue
        key = (min(vintages.get(e.dataset_id, "") for e in chosen), -_COARSE_FIRST.index(freq))
        if best is None or key > best[0]:
            best = (key, chosen)
    return tuple(best[1]) if best else ()


def _with_totals(kept: list[Entry], parts: Sequence[Part], entries: Sequence[Entry],
                 source: str, rng: PeriodRange, freqs: Sequence[str],
                 vintages: Mapping[str, str]) -> tuple[list[Entry], tuple[Entry, ...], bool]:
    """(the kept entries, the World entries the totals come from, whether those are exactly
    the kept World entries); other World entries are dropped from the kept ones."""
    currencies = {e.currency for e in kept}
    currency = next(iter(currencies)) if len(currencies) == 1 else None
    totals = tuple(e for part in parts
                   for e in world_totals(entries, source, rng, part, currency, freqs, vintages))
    own = set(totals) == {e for e in kept if e.agg == "WLD"}
    if not own:  # the total is read from other World rows, or summed over the partners
        kept = [e for e in kept if e.agg != "WLD"]
    return kept, totals, own


def _listed(kept: Sequence[Entry], flows: Sequence[str]) -> int:
    counts = [max((e.rows for e in kept if e.flow == f and not e.agg
                   and e.product_class == "TOTAL"), default=0) for f in flows]
    return min(counts, default=0)


def _plan(reporter: str, source: str, freq: str, rng: PeriodRange, entries: list[Entry],
          flows: Sequence[str], basis: str | None, freqs: Sequence[str] = FREQ_ORDER,
          vintages: Mapping[str, str] | None = None) -> Plan:
    units = units_for(rng, freq)
    if units is None:
        raise _Miss(f"{freq_name(freq)} periods do not tile {rng}")
    wanted = set(units)
    mine = [e for e in entries if e.source == source and e.freq == freq and e.unit in wanted]
    parts, kept = [], []
    for flow in flows:
        part, used = _part(flow, freq, [e for e in mine if e.flow == flow], units, basis)
        parts.append(part)
        kept += used
    kept, totals, own = _with_totals(kept, parts, entries, source, rng, freqs, vintages or {})
    return Plan(
        reporter=reporter, source=source, freq=freq, rng=rng, units=units, parts=tuple(parts),
        datasets=tuple(sorted({e.dataset_id for e in kept})),
        currencies=tuple(sorted({e.currency for e in kept})),
        world=frozenset((e.flow, e.unit) for e in kept if e.agg == "WLD"),
        groups=_groups(kept, flows, units),
        overlap=_overlap(kept),
        has_partners=any(not e.agg for e in kept),
        entries=tuple(kept),
        totals=totals,
        totals_own=own,
        listed=_listed(kept, flows),
    )


def _sources(entries: list[Entry], source: str | None) -> list[str]:
    found = sorted({e.source for e in entries}, key=source_rank)
    if source is None:
        return found
    return [source] if source in found else []


def candidates(catalog: Catalog, reporter: str, rng: PeriodRange, flows: Sequence[str], *,
               basis: str | None = None, source: str | None = None,
               freqs: Sequence[str] = FREQ_ORDER,
               misses: list[tuple[str, _Miss]] | None = None) -> Iterator[Plan]:
    """Every plan covering the range, best first; ``misses`` collects why others fail."""
    entries = catalog.entries(reporter, rng.first_day, rng.last_day)
    entries = [e for e in entries if e.start >= rng.first_day and e.end <= rng.last_day]
    for src in _sources(entries, source):
        for freq in freqs:
            try:
                yield _plan(reporter, src, freq, rng, entries, flows, basis, freqs,
                            catalog.vintages)
            except _Miss as miss:
                if misses is not None and any(e.source == src and e.freq == freq for e in entries):
                    misses.append((f"{src} {freq_name(freq)}", miss))


def no_data(eng: object, reporter: str, rng: PeriodRange | str, what: str,
            misses: Sequence[tuple[str, _Miss]] = ()) -> NoData:
    """A NoData naming the closest candidate's gaps and what is available."""
    avail = availability(eng, reporter)  # type: ignore[arg-type]
    gaps = sorted(misses, key=lambda m: (m[1].months == 0, m[1].months))
    detail = ""
    if gaps:
        label, miss = gaps[0]
        lacks = "missing " if miss.months else ""
        detail = f" ({label}: {lacks}{miss.what})"
    message = (f"no data for {reporter} {what} in {rng}{detail}; "
               f"available: {describe_available(avail)}")
    avail["missing"] = [{"candidate": label, "problem": m.what} for label, m in gaps]
    return NoData(message, available=avail)


def check_source(eng: object, source: str | None) -> None:
    if source is None:
        return
    known = sorted({d["source"] for d in eng.datasets.values()})  # type: ignore[attr-defined]
    if source not in known:
        raise InputError(f"no data from source {_cut(str(source))!r} in the store; "
                         f"sources: {', '.join(known)}")


def best_plan(eng: object, reporter: str, rng: PeriodRange, flows: Sequence[str], *,
              basis: str | None = None, source: str | None = None,
              freqs: Sequence[str] = FREQ_ORDER) -> tuple[Plan | None, list[tuple[str, _Miss]]]:
    """The best plan for one reporter (None when nothing covers the range) and the misses."""
    misses: list[tuple[str, _Miss]] = []
    catalog = eng.catalog()  # type: ignore[attr-defined]
    for plan in candidates(catalog, reporter, rng, flows, basis=basis, source=source,
                           freqs=freqs, misses=misses):
        return plan, misses
    return None, misses


def plan_for(eng: object, reporter: str, rng: PeriodRange, flows: Sequence[str], *,
             basis: str | None = None, source: str | None = None, what: str = "",
             freqs: Sequence[str] = FREQ_ORDER) -> Plan:
    """The best plan for one reporter, or NoData saying what is missing and what exists."""
    check_source(eng, source)
    plan, misses = best_plan(eng, reporter, rng, flows, basis=basis, source=source, freqs=freqs)
    if plan is None:
        raise no_data(eng, reporter, rng, what or "/".join(flows), misses)
    return plan


def plan_many(eng: object, reporters: Sequence[str], rng: PeriodRange, flows: Sequence[str], *,
              what: str = "", **kw: object) -> tuple[list[Plan], dict[str, str]]:
    """Plans for many reporters; those without data come back apart with the reason."""
    plans, missing = [], {}
    for r in reporters:
        plan, misses = best_plan(eng, r, rng, flows, **kw)  # type: ignore[arg-type]
        if plan is not None:
            plans.append(plan)
        else:
            missing[r] = (f"{misses[0][0]}: {misses[0][1].what}" if misses
                          else f"no {what or '/'.join(flows)} data in {rng}")
    return plans, missing
