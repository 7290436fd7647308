"""The estimation model: a reporter's partner table from its partners' reports, with a band.

Pure functions over plain data (no store, no Ibis), so that every rule is tested directly and
the synthetic truth check (:mod:`cistrade.estimate.truth`) runs the very same code.

**The point estimate** (the IMF's DOTS convention). For each partner ``p`` and each of the
target's flows:

* the target's **imports** from ``p`` = ``p``'s exports to the target (FOB) × ``cif_fob``;
* the target's **exports** to ``p`` = ``p``'s imports from the target (CIF) ÷ ``cif_fob``;

``cif_fob`` defaults to :data:`CIF_FOB` = 1.06 (the IMF's factor for DOTS-style estimates) and
is configurable. A report valued otherwise (imports FOB, exports CIF) is taken as it is.

**A partner that does not report** a flow in the period, but appeared in the target's own
table in the last year the target published one (``Known``), gets its **last known share
carried forward**: ``share × total``, where the total is the target's published World total
of the period (or, without one, what the other partners' estimates imply).

**The band** covers what the point does not see:

* the **CIF/FOB range** — the factor anywhere in :data:`CIF_FOB_RANGE` (1.00–1.10);
* the **historical mirror gap** of the pair — in the years when both the target's own figure
  and the partner's report exist, the ratio own ÷ partner's figure: the band takes the
  partner's figure × every ratio seen (min to max) — valuation, timing, attribution (origin
  vs consignment) and confidentiality in one number;
* for a **carried** share, ``0`` to the last known share grown at the pair's fastest
  historical year-on-year rise for each year since (``unseen_growth`` a year where the
  history shows none): the partner may have stopped trading, or grown as fast as it ever did.

Each figure's band is the hull of its parts (both adjustments at once would double-count the
CIF/FOB margin the historical ratios already hold). Sums add lows and highs (conservative:
the errors are not assumed to cancel).

**Shares** are of the target's published World total of the period where it exists (exact),
else of the sum of the estimate; then a share's band uses the rest of the estimate at its
other extreme (``low = lo_p / (lo_p + Σ hi_rest)``). **Ranks** are given where the band
separates neighbours; otherwise a range ("rank 2–3"): best = 1 + the partners whose low is
above this one's high, worst = 1 + the partners whose high is above this one's low.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from cistrade.errors import InputError

__all__ = [
    "CIF_FOB", "CIF_FOB_RANGE", "UNSEEN_GROWTH", "FLOWS", "Method", "Figure", "Report", "Gap",
    "Known", "Settings", "FlowEstimate", "PartnerEstimate", "Estimate", "ShareRow", "BlocRow",
    "estimate", "share_rows", "bloc_row", "rank_ranges", "rank_text", "flow_estimate",
    "carried_estimate",
]

CIF_FOB = 1.06
CIF_FOB_RANGE = (1.00, 1.10)
#: yearly growth allowed for a carried share when the pair's history shows no rise
UNSEEN_GROWTH = 0.10
FLOWS = ("export", "import")


class Method(StrEnum):
    """How one figure of the estimate was made."""

    MIRROR = "mirror"  # from the partner's own report
    CARRIED = "carried forward"  # no report: the last known share


@dataclass(frozen=True)
class Figure:
    """A point estimate and its band (``low ≤ value ≤ high``; ``high`` None: unbounded)."""

    value: float
    low: float
    high: float | None

    def __add__(self, other: Figure) -> Figure:
        high = None if self.high is None or other.high is None else self.high + other.high
        return Figure(self.value + other.value, self.low + other.low, high)

    def scaled(self, by: float) -> Figure:
        return Figure(self.value * by, self.low * by, None if self.high is None else self.high * by)

    def contains(self, x: float, *, rel: float = 1e-9) -> bool:
        slack = rel * max(abs(x), abs(self.value), 1.0)
        return self.low - slack <= x and (self.high is None or x <= self.high + slack)

    @staticmethod
    def zero() -> Figure:
        return Figure(0.0, 0.0, 0.0)

    @staticmethod
    def total(figures: Iterable[Figure]) -> Figure:
        out = Figure.zero()
        for f in figures:
            out = out + f
        return out


@dataclass(frozen=True)
class Report:
    """One partner's report of one of the target's flows: ``flow`` is the **target's** flow
    (a partner's exports to the target are the target's imports)."""

    partner: str
    flow: str
    value: float  # the partner's figure, in the estimate's currency
    valuation: str  # how the partner values it: FOB, CIF or unknown
    source: str = ""


@dataclass(frozen=True)
class Gap:
    """The pair's historical ratios, the target's own figure ÷ the partner's report, by year."""

    partner: str
    flow: str
    ratios: tuple[tuple[int, float], ...]

    @property
    def low(self) -> float:
        return min(r for _, r in self.ratios)

    @property
    def high(self) -> float:
        return max(r for _, r in self.ratios)


@dataclass(frozen=True)
class Known:
    """A partner's (or a group remainder's) last known share of one of the target's flows."""

    partner: str
    flow: str
    share: float  # of the target's total of that flow, in ``year``
    year: int
    #: the fastest year-on-year rise of the share in the target's own history (None: unknown)
    rise: float | None = None


@dataclass(frozen=True)
class Settings:
    """The model's parameters (documented defaults)."""

    cif_fob: float = CIF_FOB
    cif_fob_range: tuple[float, float] = CIF_FOB_RANGE
    use_gap: bool = True
    unseen_growth: float = UNSEEN_GROWTH

    def __post_init__(self) -> None:
        lo, hi = self.cif_fob_range
        if not (0 < lo <= hi):
            raise InputError(f"the CIF/FOB range must be 0 < low <= high, not {lo}–{hi}")
        if not self.cif_fob > 0:
            raise InputError(f"the CIF/FOB factor must be positive, not {self.cif_fob}")
        if not lo <= self.cif_fob <= hi:
            raise InputError(f"the CIF/FOB factor {self.cif_fob:g} lies outside its range "
                             f"{lo:g}–{hi:g}: the point would fall outside its own band")
        if self.unseen_growth < 0:
            raise InputError(f"unseen_growth must be >= 0, not {self.unseen_growth}")


    @classmethod
    def with_factor(cls, cif_fob: float | None, base: Settings | None = None) -> Settings:
        """``base`` (the defaults) with another CIF/FOB factor, its range widened to hold it;
        ``None`` keeps ``base``'s."""
        s = base or cls()
        if cif_fob is None:
            return s
        lo, hi = s.cif_fob_range
        return replace(s, cif_fob=cif_fob, cif_fob_range=(min(lo, cif_fob), max(hi, cif_fob)))


@dataclass(frozen=True)
class FlowEstimate:
    """One partner's estimated figure of one of the target's flows."""

    partner: str
    flow: str
    figure: Figure
    method: Method
    source: str = ""
    reported: float | None = None  # the partner's own figure behind a mirror estimate
    factor: float | None = None  # the factor applied to it
    gap: tuple[float, float] | None = None  # the historical ratios used (min, max)
    known: Known | None = None  # the last known share behind a carried figure


@dataclass
class PartnerEstimate:
    """A partner's estimated exports, imports and their sum."""

    partner: str
    flows: dict[str, FlowEstimate] = field(default_factory=dict)

    def figure(self, flow: str) -> Figure:
        """``turnover`` or one flow; zero for a flow the partner has no figure of."""
        if flow == "turnover":
            return Figure.total(self.figure(f) for f in FLOWS)
        found = self.flows.get(flow)
        return found.figure if found else Figure.zero()

    def method(self, flow: str) -> str:
        """How the flow's figure was made; for turnover the methods of both, joined."""
        names = [self.flows[f].method.value for f in FLOWS if f in self.flows]
        if flow != "turnover":
            return self.flows[flow].method.value if flow in self.flows else "none"
        return names[0] if len(set(names)) == 1 else " + ".join(
            f"{f} {self.flows[f].method.value}" for f in FLOWS if f in self.flows)

    def sources(self) -> list[str]:
        return sorted({e.source for e in self.flows.values() if e.source})


@dataclass
class Estimate:
    """The whole estimated partner table of one target for one period."""

    target: str
    period: str
    currency: str
    partners: dict[str, PartnerEstimate]
    #: the target's published World total per flow (None: not published for the period)
    published: dict[str, float | None]
    settings: Settings
    #: per flow, the part of the target's last known total that the reporting partners held
    coverage: dict[str, float | None]
    year: int = 0  # the period's last year (years since a last known share count from it)
    #: every last known share, by (partner, flow)
    known: dict[tuple[str, str], Known] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def known_year(self) -> int | None:
        return max((k.year for k in self.known.values()), default=None)

    def total(self, flow: str) -> Figure:
        """The denominator: the published total (exact) or the estimate's sum (with its band);
        computed once per flow (the table is complete when asked)."""
        cache: dict[str, Figure] = self.__dict__.setdefault("_totals", {})
        if flow not in cache:
            flows = FLOWS if flow == "turnover" else (flow,)
            if all(self.published.get(f) is not None for f in flows):
                t = sum(self.published[f] or 0.0 for f in flows)
                cache[flow] = Figure(t, t, t)
            else:
                cache[flow] = Figure.total(p.figure(flow) for p in self.partners.values())
        return cache[flow]

    def total_basis(self, flow: str) -> str:
        flows = FLOWS if flow == "turnover" else (flow,)
        if all(self.published.get(f) is not None for f in flows):
            return "published world total"
        return "sum of the estimate"

    def coverage_of(self, flow: str) -> float | None:
        """``coverage`` of one flow, or of turnover (the flows' weighted by their totals)."""
        if flow != "turnover":
            return self.coverage.get(flow)
        values = [v for v in (self.coverage.get(f) for f in FLOWS) if v is not None]
        weights = [self.total(f).value for f in FLOWS]
        if len(values) < len(FLOWS) or not sum(weights):
            return None
        return sum(v * w for v, w in zip(values, weights, strict=True)) / sum(weights)


# -- one figure ----------------------------------------------------------------------------------


def _factors(flow: str, valuation: str, s: Settings) -> tuple[float, float, float]:
    """(point, lowest, highest) multiplier of a partner's figure for one of the target's flows."""
    lo, hi = s.cif_fob_range
    if flow == "import" and valuation == "FOB":  # partner's FOB exports → target's CIF imports
        return s.cif_fob, lo, hi
    if flow == "export" and valuation == "CIF":  # partner's CIF imports → target's FOB exports
        return 1 / s.cif_fob, 1 / hi, 1 / lo
    if flow not in FLOWS:
        raise InputError(f"a target's flow is export or import, not {flow!r}")
    return 1.0, 1.0, 1.0


def flow_estimate(report: Report, gap: Gap | None, s: Settings) -> FlowEstimate:
    """A partner's report turned into the target's figure, with its band (module doc)."""
    point, lo, hi = _factors(report.flow, report.valuation, s)
    v = report.value
    low, high = v * min(lo, point), v * max(hi, point)
    used = None
    if gap is not None and gap.ratios and s.use_gap:
        used = (gap.low, gap.high)
        low, high = min(low, v * gap.low), max(high, v * gap.high)
    return FlowEstimate(report.partner, report.flow, Figure(v * point, low, high), Method.MIRROR,
                        report.source, reported=v, factor=point, gap=used)


def carried_estimate(known: Known, total: float, years: int, s: Settings) -> FlowEstimate:
    """The last known share of ``total`` (the flow's total of the period); band 0 to the share
    grown at the pair's fastest historical rise for each of ``years`` since."""
    rise = known.rise if known.rise is not None else s.unseen_growth
    grown = known.share * (1 + max(rise, 0.0)) ** max(years, 1)
    value = known.share * total
    return FlowEstimate(known.partner, known.flow, Figure(value, 0.0, max(grown * total, value)),
                        Method.CARRIED, known=known)


# -- the whole table -----------------------------------------------------------------------------


def _implied_total(flow: str, seen: float, carried: float, published: float | None) -> float:
    """The flow's total a carried share is of: the published one, else the reporting partners'
    estimate grossed up by the carried shares (``seen / (1 - Σ carried shares)``)."""
    if published is not None:
        return published
    if carried >= 1:
        raise InputError(f"the carried shares of {flow} add up to {carried:.0%}: no total implied")
    return seen / (1 - carried)


def estimate(target: str, period: str, year: int, reports: Sequence[Report], *,
             gaps: Mapping[tuple[str, str], Gap] | None = None,
             known: Mapping[tuple[str, str], Known] | None = None,
             published: Mapping[str, float | None] | None = None,
             currency: str = "USD", settings: Settings | None = None) -> Estimate:
    """The estimated partner table (module doc). ``year`` is the period's (last) year, from
    which the years since a last known share are counted; ``gaps`` and ``known`` are keyed by
    (partner, target's flow); ``published`` holds the target's World total per flow."""
    s = settings or Settings()
    gaps, known, published = gaps or {}, known or {}, dict(published or {})
    partners: dict[str, PartnerEstimate] = {}
    for r in reports:
        if r.partner == target:
            continue
        e = flow_estimate(r, gaps.get((r.partner, r.flow)), s)
        pe = partners.setdefault(r.partner, PartnerEstimate(r.partner))
        if r.flow in pe.flows:  # two reports of one flow: they add up (two sources never do)
            e = _merged(pe.flows[r.flow], e)
        pe.flows[r.flow] = e
    coverage = _coverage(known, partners)
    ordered = sorted(known.items())
    for flow in FLOWS:
        unseen = [k for (p, f), k in ordered
                  if f == flow and p != target and (p not in partners or flow not in partners[p].flows)]
        seen = sum(pe.flows[flow].figure.value for pe in partners.values() if flow in pe.flows)
        total = _implied_total(flow, seen, sum(k.share for k in unseen), published.get(flow))
        for k in unseen:
            pe = partners.setdefault(k.partner, PartnerEstimate(k.partner))
            pe.flows[flow] = carried_estimate(k, total, year - k.year, s)
    return Estimate(target, period, currency, partners, {f: published.get(f) for f in FLOWS}, s,
                    coverage, year, dict(known))


def _merged(a: FlowEstimate, b: FlowEstimate) -> FlowEstimate:
    return FlowEstimate(a.partner, a.flow, a.figure + b.figure, a.method,
                        ", ".join(sorted({a.source, b.source} - {""})),
                        (a.reported or 0.0) + (b.reported or 0.0), a.factor, a.gap or b.gap)


def _coverage(known: Mapping[tuple[str, str], Known],
              partners: Mapping[str, PartnerEstimate]) -> dict[str, float | None]:
    """Per flow, the last known share of the partners that report that flow now (None where
    no last known table exists)."""
    out: dict[str, float | None] = {}
    for flow in FLOWS:
        shares = {p: k.share for (p, f), k in known.items() if f == flow}
        out[flow] = sum(v for p, v in shares.items() if p in partners
                        and flow in partners[p].flows) if shares else None
    return out


# -- shares, ranks, blocs ------------------------------------------------------------------------


@dataclass(frozen=True)
class ShareRow:
    """One partner's estimated value and share, with bands and a rank range."""

    partner: str
    value: Figure
    share: Figure
    rank: tuple[int, int] | None  # (best, worst); None: not ranked (not a country)
    method: str
    sources: tuple[str, ...]

    @property
    def rank_text(self) -> str | None:
        return rank_text(*self.rank) if self.rank else None


def _share(part: Figure, rest: Figure, total: Figure, exact: bool) -> Figure:
    """``part`` over the total: exact denominator, or the part plus the rest of the estimate
    at its other extreme."""
    if exact:
        t = total.value
        return part.scaled(1 / t) if t else Figure(0.0, 0.0, 0.0)
    value = part.value / total.value if total.value else 0.0
    low = part.low / (part.low + rest.high) if rest.high is not None and part.low + rest.high else 0.0
    if part.high is None:
        return Figure(value, low, None)
    high = part.high / (part.high + rest.low) if part.high + rest.low else 1.0
    return Figure(value, min(low, value), max(high, value))


def rank_ranges(bands: Mapping[str, Figure]) -> dict[str, tuple[int, int]]:
    """(best, worst) rank of each item: best = 1 + items surely above (their low above its
    high), worst = 1 + items possibly above (their high above its low). Sorted bounds and
    bisection: n log n, for tables of a few hundred partners."""
    inf = float("inf")
    lows = sorted(f.low for f in bands.values())
    highs = sorted(inf if f.high is None else f.high for f in bands.values())
    n = len(lows)
    out = {}
    for p, f in bands.items():
        high = inf if f.high is None else f.high
        surely = n - bisect.bisect_right(lows, high)  # never itself: its low <= its high
        maybe = n - bisect.bisect_right(highs, f.low) - (1 if high > f.low else 0)
        out[p] = (1 + surely, 1 + maybe)
    return out


def rank_text(best: int, worst: int) -> str:
    """``"2"`` where the band separates the neighbours, else ``"2–3"``."""
    return str(best) if best == worst else f"{best}–{worst}"


def share_rows(est: Estimate, flow: str = "turnover",
               rankable: Iterable[str] | None = None) -> list[ShareRow]:
    """Every partner's value and share of ``flow`` (``turnover``, ``export``, ``import``),
    largest first, with rank ranges among the ``rankable`` codes (default: all)."""
    figures = {p: pe.figure(flow) for p, pe in est.partners.items()}
    figures = {p: f for p, f in figures.items() if f.value or f.high}
    total = est.total(flow)
    exact = est.total_basis(flow) == "published world total"
    whole = Figure.total(figures.values())
    ranked = set(figures) if rankable is None else set(figures) & set(rankable)
    ranks = rank_ranges({p: figures[p] for p in ranked})
    rows = [ShareRow(p, f, _share(f, _minus(whole, f), total, exact), ranks.get(p),
                     est.partners[p].method(flow), tuple(est.partners[p].sources()))
            for p, f in figures.items()]
    return sorted(rows, key=lambda r: (-r.value.value, r.partner))


def _minus(whole: Figure, part: Figure) -> Figure:
    high = None if whole.high is None or part.high is None else whole.high - part.high
    return Figure(whole.value - part.value, whole.low - part.low, high)


@dataclass(frozen=True)
class BlocRow:
    """A bloc's estimated value and share, and what its members' figures rest on."""

    bloc: str
    value: Figure
    share: Figure
    reporting: tuple[str, ...]  # members with a mirror figure of every flow asked
    carried: tuple[str, ...]  # members with some carried figure
    unknown: tuple[str, ...]  # members with neither: the band's top is open or the remainder
    coverage: float | None  # the last known part of the bloc's trade the reporting members held


def bloc_row(est: Estimate, bloc: str, members: Sequence[str], flow: str = "turnover",
             remainder: Mapping[str, Known] | None = None) -> BlocRow:
    """The bloc's share: the sum over its members. ``remainder`` (per flow) is the last known
    share of members the target's own table did not list (its published group row less the
    listed members), carried forward like a partner. Members with no figure at all leave the
    band's top at the unallocated part of a published total (open without one)."""
    members = [m for m in members if m != est.target]
    flows = FLOWS if flow == "turnover" else (flow,)
    rem = _remainder(est, flows, remainder)
    part = Figure.total(est.partners[m].figure(flow) for m in members if m in est.partners) + rem
    unknown = tuple(m for m in members if m not in est.partners)
    if unknown and not remainder:
        top = _open_top(est, flow, members)
        part = Figure(part.value, part.low, None if top is None else max(top, part.value))
    whole = Figure.total(pe.figure(flow) for pe in est.partners.values()) + rem
    exact = est.total_basis(flow) == "published world total"
    share = _share(part, _minus(whole, part), est.total(flow), exact)
    reporting = tuple(m for m in members if _by_method(est, m, flows, Method.MIRROR, all))
    carried = tuple(m for m in members if _by_method(est, m, flows, Method.CARRIED, any))
    return BlocRow(bloc, part, share, reporting, carried, unknown,
                   _bloc_coverage(est, members, flows, remainder))


def _remainder(est: Estimate, flows: Sequence[str], remainder: Mapping[str, Known] | None) -> Figure:
    """The carried-forward figure of the members the target's table did not list."""
    return Figure.total(carried_estimate(k, est.total(f).value, est.year - k.year, est.settings).figure
                        for f, k in (remainder or {}).items() if f in flows)


def _by_method(est: Estimate, member: str, flows: Sequence[str], method: Method,
               how: Callable[[Iterable[bool]], bool]) -> bool:
    """Whether ``member``'s figures were made by ``method`` for all (``how=all``) or any
    (``how=any``) of ``flows``."""
    pe = est.partners.get(member)
    if pe is None:
        return False
    return how(bool(pe.flows.get(f)) and pe.flows[f].method is method for f in flows)


def _open_top(est: Estimate, flow: str, members: Sequence[str]) -> float | None:
    """The most a bloc can hold when some member has no figure: everything of a published
    total that is not surely another partner's (None without a published total)."""
    if est.total_basis(flow) != "published world total":
        return None
    others = sum(pe.figure(flow).low for p, pe in est.partners.items() if p not in members)
    return max(0.0, est.total(flow).value - others)


def _bloc_coverage(est: Estimate, members: Sequence[str], flows: Sequence[str],
                   remainder: Mapping[str, Known] | None) -> float | None:
    """The part of the bloc's last known trade that the members reporting now held."""
    held = total = 0.0
    for m in members:
        for f in flows:
            k = est.known.get((m, f))
            if k is None:
                continue
            total += k.share
            if _reports(est, m, f):
                held += k.share
    total += sum(k.share for f, k in (remainder or {}).items() if f in flows)
    return held / total if total else None


def _reports(est: Estimate, partner: str, flow: str) -> bool:
    e = est.partners.get(partner, PartnerEstimate(partner)).flows.get(flow)
    return e is not None and e.method is Method.MIRROR
