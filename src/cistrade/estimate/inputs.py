"""What the estimation model needs, read from a store.

* **The partners' reports of the period** — every other reporter's rows with the target as
  partner, each reporter's rows chosen as for any indicator (:mod:`cistrade.indicators.select`:
  its preferred source, the frequency that covers the range exactly, monthly and cumulative
  ranges alike), converted into one currency at the stored ECB rates
  (:func:`cistrade.indicators.frame.base`), World and group rows left out, and rows a
  publisher marks as estimated (the IMF's own estimates) left out too — an estimate is not
  made from another one.
* **The target's published World total** of the period: the World rows the target's own plan
  would divide by (:attr:`cistrade.indicators.select.Plan.totals`), when it has one.
* **Its history** (years before the period; read once per store version and kept with the
  prepared query, as the catalog is): per year, the target's own annual figure per
  partner and flow (its World and group rows too) and each partner's annual report of the
  same trade — a year's ``A`` rows, else its twelve monthly rows, of the side's preferred
  source (:data:`cistrade.indicators.preference.SOURCE_ORDER`), the newest vintage — from
  which come the pair's **mirror gaps** (own ÷ partner's figure, every year both exist) and
  the **last known shares** (the last year the target published by partner).

Which partners' reports count, in order of preference (a partner's one source is used for a
period, never two added): its national office, then the IMF, Comtrade, Eurostat, BACI, any
other source, user files — :data:`~cistrade.indicators.preference.SOURCE_ORDER`.
"""

from __future__ import annotations

import functools
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cistrade.errors import NoData
from cistrade.estimate.model import FLOWS, Gap, Known, Report
from cistrade.indicators.frame import BASE_KEYS, base, select_rows
from cistrade.indicators.mirror import partner_plans
from cistrade.indicators.preference import BASIS_ORDER, source_rank
from cistrade.indicators.select import Plan, plan_for
from cistrade.indicators.spec import Answer
from cistrade.model import PeriodRange

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir

    from cistrade.indicators.engine import Engine

__all__ = ["Inputs", "History", "gather", "read_history", "HISTORY_YEARS", "TURN"]

log = logging.getLogger(__name__)

#: years before the period searched for the target's own figures and the pairs' gaps
HISTORY_YEARS = 20
#: a partner's flow → the target's flow it mirrors
TURN = {"export": "import", "import": "export"}


@dataclass
class History:
    """The target's own annual figures and its partners' reports of them, before a period."""

    own: dict[tuple[str, str, int], float] = field(default_factory=dict)  # (partner, flow, year)
    world: dict[tuple[str, int], float] = field(default_factory=dict)  # (flow, year)
    groups: dict[tuple[str, str, int], float] = field(default_factory=dict)  # (code, flow, year)
    #: (partner, target's flow, year) → the partner's own figure
    mirror: dict[tuple[str, str, int], float] = field(default_factory=dict)
    datasets: set[str] = field(default_factory=set)

    @functools.cached_property
    def years(self) -> list[int]:
        """The years of the target's own figures, in order."""
        return sorted({y for (_, _, y) in self.own})

    def last_year(self) -> int | None:
        """The last year the target published figures by partner."""
        return max((y for (_, _, y) in self.own), default=None)

    def total(self, flow: str, year: int) -> float | None:
        """The target's total of a year: its World row, else the sum of its partners."""
        if (flow, year) in self.world:
            return self.world[(flow, year)]
        return self._sums().get((flow, year))

    def _sums(self) -> dict[tuple[str, int], float]:
        if getattr(self, "_sum_cache", None) is None:
            sums: dict[tuple[str, int], float] = defaultdict(float)
            for (_, f, y), v in self.own.items():
                sums[(f, y)] += v
            self._sum_cache = dict(sums)
        return self._sum_cache

    def gaps(self) -> dict[tuple[str, str], Gap]:
        ratios: dict[tuple[str, str], list[tuple[int, float]]] = defaultdict(list)
        for (p, f, y), mir in sorted(self.mirror.items()):
            own = self.own.get((p, f, y))
            if own is not None and mir > 0 and own > 0:
                ratios[(p, f)].append((y, own / mir))
        return {k: Gap(k[0], k[1], tuple(v)) for k, v in ratios.items()}

    def share(self, partner: str, flow: str, year: int) -> float | None:
        total = self.total(flow, year)
        value = self.own.get((partner, flow, year))
        return value / total if value is not None and total else None

    def known(self) -> dict[tuple[str, str], Known]:
        """Each partner's share in the last year of the target's own table, with the fastest
        year-on-year rise of that share in the years before."""
        year = self.last_year()
        if year is None:
            return {}
        out = {}
        for (p, f, y) in self.own:
            if y != year:
                continue
            share = self.share(p, f, y)
            if share is not None:
                out[(p, f)] = Known(p, f, share, year, self._rise(p, f, year))
        return out

    def _rise(self, partner: str, flow: str, year: int) -> float | None:
        shares = [(y, self.share(partner, flow, y)) for y in self.years if y <= year]
        seen = [(y, s) for y, s in shares if s]
        rises = [b / a - 1 for (ya, a), (yb, b) in zip(seen, seen[1:], strict=False) if yb == ya + 1]
        return max(rises) if rises else None

    def group_share(self, code: str, flow: str) -> float | None:
        """The target's published group row (``G:CIS``) in the last known year, as a share."""
        year = self.last_year()
        total = self.total(flow, year) if year is not None else None
        value = self.groups.get((code, flow, year)) if year is not None else None
        return value / total if value is not None and total else None


@dataclass
class Inputs:
    """Everything the model takes, and what it was read from."""

    target: str
    rng: PeriodRange
    currency: str
    reports: list[Report]
    published: dict[str, float | None]
    history: History
    sources: dict[str, str]  # partner → the source its report came from
    datasets: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    rates: list[dict[str, Any]] = field(default_factory=list)
    #: the target's own plan for the range, where it has one: ``has_partners`` (it
    #: publishes by partner), ``world`` (flows with a published World total), ``totals``
    own: dict[str, Any] | None = None
    gaps: dict[tuple[str, str], Gap] = field(default_factory=dict)
    known: dict[tuple[str, str], Known] = field(default_factory=dict)


# -- the period -----------------------------------------------------------------------------------


_PARTS = {"part": "string", "reporter": "string", "partner": "string", "aggregate": "boolean",
          "flow": "string", "freq": "string", "dataset_id": "string", "currency": "string",
          "valuation": "string", "partner_basis": "string", "year": "int64", "value": "float64",
          "months": "int64"}


def _shaped(t: ir.Table, part: str) -> ir.Table:
    """``t`` with the columns of the one answer (:data:`_PARTS`), those it lacks null."""
    import ibis

    cols = {"part": ibis.literal(part)}
    for name, dtype in _PARTS.items():
        if name != "part":
            cols[name] = (t[name] if name in t.columns else ibis.null()).cast(dtype)
    return t.select(**cols)


def _reports_expr(eng: Engine, target: str, plans: Sequence[Plan], currency: str | None
                  ) -> tuple[ir.Table | None, Any]:
    """The partners' rows with the target, one value per partner, flow and valuation."""
    if not plans:
        return None, None

    def where(t: ir.Table) -> Any:
        return ~t["aggregate"] & (t.partner == target) & ~t.estimated

    frame = base(eng, select_rows(eng, plans, where), plans, keys=(*BASE_KEYS, "valuation"),
                 currency=currency, periods=False)
    b = frame.table
    g = b.group_by(["reporter", "flow", "valuation"]).aggregate(value=b.value.sum())
    return _shaped(g, "report"), frame


def _published_expr(eng: Engine, target: str, rng: PeriodRange, currency: str | None
                    ) -> tuple[ir.Table | None, Plan | None, Any]:
    """The target's World total per flow for the range, where its publisher prints one."""
    try:
        plan = plan_for(eng, target, rng, FLOWS)
    except NoData:
        return None, None, None
    if not plan.totals:
        return None, plan, None
    from cistrade.indicators.frame import _totals_pred

    pred = _totals_pred(eng.flows, [plan])
    frame = base(eng, eng.flows.filter(pred), [plan], keys=("flow",), currency=currency,
                 periods=False)
    return _shaped(frame.table, "total"), plan, frame


# -- the history ----------------------------------------------------------------------------------


def history_expr(eng: Engine, target: str, first: date, before: date) -> ir.Table:
    """The target's own annual and monthly TOTAL rows (partners, World, groups) and its
    partners' rows with it, from ``first`` to the day before ``before``, summed per cell."""
    t = eng.flows
    own = (t.reporter == target) & (~t["aggregate"] | (t.partner == "WLD")
                                    | t.partner.startswith("G:"))
    theirs = (t.partner == target) & ~t["aggregate"] & (t.reporter != target) & ~t.estimated
    sel = t.filter((t.product_class == "TOTAL") & (t.product == "TOTAL") & t.flow.isin(FLOWS)
                   & t.freq.isin(["A", "M"]) & (t.period_start >= first)
                   & (t.period_end < before) & (own | theirs))
    g = sel.group_by(
        ["reporter", "partner", "aggregate", "flow", "freq", "dataset_id", "currency",
         "partner_basis", sel.period_start.year().cast("int64").name("year")]
    ).aggregate(value=sel.value.sum(), months=sel.period_start.nunique().cast("int64"))
    return _shaped(g, "history")


def _rank(row: dict[str, Any], sources: dict[str, str]) -> tuple[tuple[int, str], bool, int]:
    basis = BASIS_ORDER.get(row["flow"], ())
    b = basis.index(row["partner_basis"]) if row["partner_basis"] in basis else len(basis)
    return (source_rank(sources.get(row["dataset_id"], "")), row["freq"] != "A", b)


def _chosen(rows: Iterable[dict[str, Any]], sources: dict[str, str],
            vintages: dict[str, str]) -> list[dict[str, Any]]:
    """Per side, partner, flow and year, the preferred cell: a year's A rows or its twelve
    months, of the preferred source, basis and the newest vintage."""
    cells: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        if r["freq"] == "M" and r["months"] != 12:
            continue
        cells[(r["reporter"], r["partner"], r["flow"], r["year"])].append(r)
    out = []
    for c in cells.values():
        if len(c) > 1:
            c = sorted(c, key=lambda r: vintages.get(r["dataset_id"], ""), reverse=True)
            out.append(min(c, key=lambda r: _rank(r, sources)))
        else:
            out.append(c[0])
    return out


class _Rates:
    """Yearly average rates into one currency, each asked once."""

    def __init__(self, eng: Engine, to: str) -> None:
        self.eng, self.to = eng, to
        self.seen: dict[tuple[str, int], float | None] = {}

    def __call__(self, currency: str, year: int) -> float | None:
        if currency == self.to:
            return 1.0
        key = (currency, year)
        if key not in self.seen:
            from cistrade.rates import rate_stats

            try:
                self.seen[key] = rate_stats(self.eng.meta, currency, self.to, str(year)).rate
            except NoData:
                self.seen[key] = None
        return self.seen[key]


def history_rates(eng: Engine, currency: str, first_year: int, last_year: int
                  ) -> dict[tuple[str, int], float | None]:
    """Yearly average rates into ``currency`` of every other currency the store holds."""
    rate = _Rates(eng, currency)
    found = {e.currency for es in eng.catalog().by_reporter.values() for e in es}
    return {(c, y): rate(c, y) for c in sorted(found - {currency})
            for y in range(first_year, last_year + 1)}


def read_history(rows: Iterable[dict[str, Any]], target: str, datasets: dict[str, Any],
                 rates: dict[tuple[str, int], float | None], currency: str) -> History:
    """The target's history from the answer's ``history`` rows (module doc), in ``currency``."""
    sources = {i: d["source"] for i, d in datasets.items()}
    vintages = {i: str(d["vintage"] or "") for i, d in datasets.items()}
    h = History()
    for r in _chosen(rows, sources, vintages):
        year = int(r["year"])
        k = 1.0 if r["currency"] == currency else rates.get((r["currency"], year))
        if k is None:
            continue
        value = float(r["value"]) * k
        h.datasets.add(r["dataset_id"])
        if r["reporter"] != target:
            h.mirror[(r["reporter"], TURN[r["flow"]], year)] = value
        elif r["partner"] == "WLD":
            h.world[(r["flow"], year)] = value
        elif r["aggregate"]:
            h.groups[(r["partner"], r["flow"], year)] = value
        else:
            h.own[(r["partner"], r["flow"], year)] = value
    return h


# -- all of it ---------------------------------------------------------------------------------


def _currency(plans: Sequence[Plan]) -> str:
    found = sorted({c for p in plans for c in p.currencies})
    return "USD" if "USD" in found or not found else found[0]


@functools.cache
def _code_stamp() -> str:
    """Sizes and times of this package's files: a prepared answer of older code is never
    reused (the engine's own fingerprint covers ``indicators/`` only)."""
    files = sorted(Path(__file__).parent.glob("*.py"))
    return repr([(f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in files])


def _make(eng: Engine, target: str, rng: PeriodRange, years: int
          ) -> tuple[Any, Answer[dict[str, Any]]]:
    """Plan everything and build the one query answering it (``part``: report, total,
    history), with what the answer does not hold (sources, notes, rates, datasets)."""
    import ibis

    plans = [p for p in partner_plans(eng, [target], rng) if p.reporter != target]
    currency = _currency(plans)
    reports, frame = _reports_expr(eng, target, plans, currency)
    totals, own_plan, total_frame = _published_expr(eng, target, rng, currency)
    first = rng.start.year - years
    parts = [e for e in (reports, totals) if e is not None]
    if not parts:  # nobody reports: an empty answer, asked of no row
        parts.append(_shaped(eng.flows.filter(ibis.literal(False)), "none"))
    # the history is of years before the period: read once per store version (like the
    # catalog), kept with the prepared query
    rows = eng.to_arrow(history_expr(eng, target, date(first, 1, 1), rng.first_day)).to_pylist()
    history = read_history(rows, target, eng.datasets,
                           history_rates(eng, currency, first, rng.start.year - 1), currency)
    meta: dict[str, Any] = {
        "history": history, "gaps": history.gaps(), "known": history.known(),
        "currency": currency, "sources": {p.reporter: p.source for p in plans},
        "datasets": {p.reporter: list(p.datasets) for p in plans}, "notes": [], "rates": [],
        "rate_datasets": [],
        "own": None if own_plan is None else {
            "has_partners": own_plan.has_partners,
            "world": [f for f in FLOWS if own_plan.world_everywhere(f)],
            "totals": sorted({e.dataset_id for e in own_plan.totals})},
        "plans": len(plans),
    }
    for f in (frame, total_frame):
        if f is not None:
            meta["notes"] += [n for n in f.notes if n not in meta["notes"]]
            meta["rates"] += f.rates
            meta["rate_datasets"] += list(f.datasets)
    return ibis.union(*parts, distinct=False), Answer({}, [], [], extra=meta)


def gather(eng: Engine, target: str, rng: PeriodRange, *,
           years: int = HISTORY_YEARS) -> Inputs:
    """Read every input of the model for ``target`` over ``rng``: one query, planned and
    compiled once per store version (:meth:`Engine.prepare`), its data read afresh."""
    prepared = eng.prepare(("estimate-inputs", _code_stamp(), target, str(rng), years),
                           lambda: _make(eng, target, rng, years))
    meta = prepared.meta.extra or {}
    answer = eng.execute(prepared)
    parts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in answer.to_pylist():
        parts[row["part"]].append(row)
    currency = meta["currency"]
    reports = [Report(r["reporter"], TURN[r["flow"]], float(r["value"]), r["valuation"],
                      meta["sources"].get(r["reporter"], "")) for r in parts["report"]
               if r["flow"] in TURN and r["value"] is not None and r["reporter"] != target]
    own = meta["own"]
    totals = {r["flow"]: float(r["value"]) for r in parts["total"] if r["value"] is not None}
    published = {f: totals.get(f) if own and f in own["world"] else None for f in FLOWS}
    history = meta["history"]
    inputs = Inputs(target, rng, currency, reports, published, history,
                    {r.partner: r.source for r in reports}, notes=list(meta["notes"]),
                    rates=list(meta["rates"]), own=own, gaps=meta["gaps"], known=meta["known"])
    reporting = {r.partner for r in reports}
    inputs.datasets = ({d for p, ds in meta["datasets"].items() if p in reporting for d in ds}
                       | set(meta["rate_datasets"]) | set(own["totals"] if own else ())
                       | history.datasets)
    return inputs
