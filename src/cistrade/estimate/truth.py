"""Checking the estimate against the truth.

**Synthetic** (:func:`synthetic_check`): a seeded synthetic world (:mod:`cistrade.synthetic`;
every file and store it makes is labelled synthetic) is written once; for each target, the
target's own rows of the checked year are removed — only its World total per flow is kept,
as Russia still publishes its totals — and the rest is ingested into a store of its own. The
estimate made from the partners' reports is then compared with the hidden rows: the share of
partners whose true value (and true share) lies inside the band, the median error, and the
same for a bloc's share.

**Real** (:func:`own_check`): for a reporter that did publish by partner in a period (Russia
2019–2021 in the shared files), the estimate made without its own figures of the period
against those figures: the error of each partner's share and of a bloc's share, and whether
the band holds them.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cistrade.estimate.model import Settings

if TYPE_CHECKING:  # pragma: no cover
    from cistrade.indicators.engine import Engine

__all__ = ["RUSSIA_FILES", "PartnerCheck", "TargetCheck", "synthetic_check", "hide_rows",
           "own_check", "OwnCheck", "summary"]

#: the shared data's files holding both sides of Russia's trade (the own-figures check):
#: source → (folder under the shared data, file pattern)
RUSSIA_FILES = {
    "kz-bns": ("national/kz-bns", "*.xls"),
    "uz-stat": ("national/uz-stat", "*.csv"),
    "am-armstat": ("national/am-armstat", "*.csv"),
    "ru-fts": ("national/ru-fts", "*.xlsx"),
    "eurostat": ("mirror/eurostat/russia_export_eurostat", "*.csv"),
}


@dataclass(frozen=True)
class PartnerCheck:
    partner: str
    truth: float
    value: float
    low: float
    high: float | None
    truth_share: float
    share: float
    share_low: float
    share_high: float | None

    @property
    def inside(self) -> bool:
        return self.low <= self.truth * (1 + 1e-9) and (
            self.high is None or self.truth <= self.high * (1 + 1e-9))

    @property
    def share_inside(self) -> bool:
        return self.share_low <= self.truth_share + 1e-12 and (
            self.share_high is None or self.truth_share <= self.share_high + 1e-12)

    @property
    def error(self) -> float:
        """Relative error of the value."""
        return abs(self.value - self.truth) / self.truth if self.truth else 0.0


@dataclass
class TargetCheck:
    """One hidden reporter: every partner's check and the bloc's."""

    target: str
    year: int
    total_basis: str
    partners: list[PartnerCheck] = field(default_factory=list)
    bloc: str = ""
    bloc_truth: float | None = None
    bloc_share: float | None = None
    bloc_low: float | None = None
    bloc_high: float | None = None

    @property
    def inside(self) -> float:
        return sum(p.inside for p in self.partners) / len(self.partners)

    @property
    def share_inside(self) -> float:
        return sum(p.share_inside for p in self.partners) / len(self.partners)

    @property
    def median_error(self) -> float:
        return statistics.median(p.error for p in self.partners)

    @property
    def median_share_error(self) -> float:
        """In share points (0.01 = one percentage point)."""
        return statistics.median(abs(p.share - p.truth_share) for p in self.partners)

    @property
    def bloc_inside(self) -> bool | None:
        if self.bloc_truth is None or self.bloc_low is None:
            return None
        return self.bloc_low <= self.bloc_truth + 1e-12 and (
            self.bloc_high is None or self.bloc_truth <= self.bloc_high + 1e-12)

    def to_dict(self) -> dict[str, Any]:
        return {"target": self.target, "year": self.year, "total_basis": self.total_basis,
                "partners": len(self.partners), "inside_band": self.inside,
                "share_inside_band": self.share_inside, "median_error": self.median_error,
                "median_share_error_pp": 100 * self.median_share_error, "bloc": self.bloc,
                "bloc_truth": self.bloc_truth, "bloc_estimate": self.bloc_share,
                "bloc_low": self.bloc_low, "bloc_high": self.bloc_high,
                "bloc_inside_band": self.bloc_inside}


def hide_rows(world: Any, target: str, year: int, *, keep_totals: bool = True) -> tuple[Any, Any]:
    """(the world without the target's own rows of ``year`` — with its World rows per flow
    when ``keep_totals`` —, the hidden rows). ``world`` is the synthetic Arrow table."""
    import pyarrow as pa
    import pyarrow.compute as pc

    mine = pc.and_(pc.equal(world["reporter"], target),
                   pc.equal(pc.utf8_slice_codeunits(world["period"], 0, 4), str(year)))
    hidden = world.filter(mine)
    rest = world.filter(pc.invert(mine))
    rest = rest.append_column("aggregate", pa.array([False] * rest.num_rows))
    if keep_totals:
        annual = hidden.filter(pc.equal(hidden["period"], str(year)))
        sums = annual.group_by(["flow", "currency", "partner_basis", "valuation"]).aggregate(
            [("value", "sum")])
        n = sums.num_rows
        world_rows = pa.table({
            "reporter": [target] * n, "partner": ["WLD"] * n, "flow": sums["flow"],
            "period": [str(year)] * n, "value": sums["value_sum"], "currency": sums["currency"],
            "partner_basis": sums["partner_basis"], "valuation": sums["valuation"],
            "aggregate": [True] * n,
        }).cast(rest.select(["reporter", "partner", "flow", "period", "value", "currency",
                             "partner_basis", "valuation", "aggregate"]).schema)
        rest = pa.concat_tables([rest.select(world_rows.column_names), world_rows])
    return rest, hidden


def _truth(hidden: Any, year: int) -> dict[str, float]:
    import pyarrow.compute as pc

    annual = hidden.filter(pc.equal(hidden["period"], str(year)))
    by = annual.group_by("partner").aggregate([("value", "sum")])
    return dict(zip(by["partner"].to_pylist(), by["value_sum"].to_pylist(), strict=True))


def _check_one(eng: Engine, target: str, year: int, truth: dict[str, float], bloc: str,
               settings: Settings | None) -> TargetCheck:
    from cistrade.estimate.run import estimate_bloc, estimate_share
    from cistrade.reference import blocs

    r = estimate_share(eng, target, str(year), settings=settings)
    total_truth = sum(truth.values())
    check = TargetCheck(target, year, r.query["total_basis"])
    for row in r.rows:
        t = truth.get(row["partner"])
        if not t:
            continue
        check.partners.append(PartnerCheck(
            row["partner"], t, row["value"], row["value_low"], row["value_high"],
            t / total_truth, row["share"], row["share_low"], row["share_high"]))
    members = [m for m in blocs.bloc(bloc).members(during=str(year)) if m != target]
    b = estimate_bloc(eng, target, bloc, str(year), settings=settings).rows[0]
    check.bloc = bloc
    check.bloc_truth = sum(truth.get(m, 0.0) for m in members) / total_truth
    check.bloc_share, check.bloc_low, check.bloc_high = b["share"], b["share_low"], b["share_high"]
    return check


def synthetic_check(workdir: str | Path, targets: Sequence[str] = ("KAZ", "ARM", "UZB", "RUS"),
                    *, year: int = 2021, first_year: int = 2019, seed: int = 42,
                    bloc: str = "CIS", keep_totals: bool = True,
                    settings: Settings | None = None) -> list[TargetCheck]:
    """Hide each target's rows of ``year`` in a synthetic world and check the estimate made
    from its partners against them (module doc). Stores go under ``workdir``."""
    import pyarrow.parquet as pq

    from cistrade.indicators import connect
    from cistrade.sources.tidy import TidySource
    from cistrade.store import Store
    from cistrade.synthetic import generate

    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    info = generate(workdir / f"synthetic-world-{seed}.parquet", years=range(first_year, year + 1),
                    monthly=False, annual=True, seed=seed)
    world = pq.read_table(info.path)
    out = []
    for target in targets:
        rest, hidden = hide_rows(world, target, year, keep_totals=keep_totals)
        path = workdir / f"synthetic-{seed}-without-{target}-{year}.parquet"
        pq.write_table(rest, path)
        db = workdir / f"synthetic-{seed}-without-{target}-{year}.duckdb"
        db.unlink(missing_ok=True)
        with Store(db) as store:
            store.ingest(TidySource(series=f"synthetic/world-{seed}-without-{target}",
                                    vintage=str(year), synthetic=True), [path])
        with connect(db) as eng:
            out.append(_check_one(eng, target, year, _truth(hidden, year), bloc, settings))
    return out


def summary(checks: Sequence[TargetCheck]) -> dict[str, Any]:
    """The figures over every target: partners inside the band, median errors, blocs."""
    partners = [p for c in checks for p in c.partners]
    blocs_ = [c.bloc_inside for c in checks if c.bloc_inside is not None]
    return {
        "targets": [c.target for c in checks],
        "partners": len(partners),
        "inside_band": sum(p.inside for p in partners) / len(partners),
        "share_inside_band": sum(p.share_inside for p in partners) / len(partners),
        "median_error": statistics.median(p.error for p in partners),
        "median_share_error_pp": 100 * statistics.median(
            abs(p.share - p.truth_share) for p in partners),
        "bloc_inside_band": sum(blocs_) / len(blocs_) if blocs_ else None,
        "bloc_median_error_pp": 100 * statistics.median(
            abs((c.bloc_share or 0) - (c.bloc_truth or 0)) for c in checks),
    }


# -- a real reporter's own figures ---------------------------------------------------------------


@dataclass
class OwnCheck:
    """The estimate made without a reporter's own figures of a period, against them."""

    reporter: str
    period: str
    rows: list[dict[str, Any]]  # partner or bloc, own share, estimate, band, error, inside
    reporting: list[str]  # partners whose reports the estimate used
    coverage: float | None
    sufficient: bool
    notes: list[str]


def own_check(eng: Engine, reporter: str, period: str, partners: Sequence[str] = (),
              bloc: str | None = None, settings: Settings | None = None) -> OwnCheck:
    """The reporter's own shares (:func:`cistrade.indicators.share`, its published total;
    :func:`cistrade.indicators.bloc_share` for the bloc) beside the estimate's."""
    from cistrade.estimate.run import estimate_bloc, estimate_share
    from cistrade.indicators import bloc_share, share

    est = estimate_share(eng, reporter, period, settings=settings)
    own = share(eng, reporter, period)
    own_by = {r["partner"]: r["share"] for r in own.rows}
    est_by = {r["partner"]: r for r in est.rows}
    rows = []
    for p in partners:
        e = est_by.get(p)
        rows.append(_compare(p, own_by.get(p), e["share"] if e else None,
                             e["share_low"] if e else None, e["share_high"] if e else None,
                             e["method"] if e else "none"))
    if bloc is not None:
        b = estimate_bloc(eng, reporter, bloc, period, settings=settings).rows[0]
        o = bloc_share(eng, reporter, bloc, period).rows[0]
        rows.append(_compare(bloc, o["share"], b["share"], b["share_low"], b["share_high"],
                             f"members reporting: {', '.join(b['members_reporting']) or '-'}; "
                             f"carried: {', '.join(b['members_carried']) or '-'}; "
                             f"no figure: {', '.join(b['members_unknown']) or '-'}"
                             + (f" (in {b['partner']} less the members listed, carried)"
                                if b["remainder"] else "")))
    q = est.query["estimate"]
    return OwnCheck(reporter, period, rows, q["partners_reporting"], q["coverage"],
                    q["sufficient"], est.notes)


def _compare(what: str, own: float | None, est: float | None, low: float | None,
             high: float | None, method: str) -> dict[str, Any]:
    inside = None
    if own is not None and low is not None:
        inside = low <= own + 1e-12 and (high is None or own <= high + 1e-12)
    return {"what": what, "own": own, "estimate": est, "low": low, "high": high,
            "error_pp": None if own is None or est is None else 100 * (est - own),
            "inside": inside, "method": method}
