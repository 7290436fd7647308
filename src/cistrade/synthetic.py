"""A seeded synthetic world of bilateral trade, for ``cistrade demo``, tests and benchmarks.

Every file written here is **synthetic** and says so: a sidecar ``<file>.json`` carries
``"synthetic": true`` and the generator's parameters, and :func:`ingest_synthetic` stores it
with ``synthetic = true`` in the dataset's provenance.

The model, all drawn from ``numpy.random.default_rng(seed)``:

* areas: every ``kind == "country"`` code of the registry, sorted (≈250);
* a GDP-like mass per country (lognormal; the large and the CIS economies fixed) and 2-D
  coordinates (rough real places for those, random for the rest), the CIS members moved
  30 % of the way towards Russia;
* gravity: exports ``X[i→j] ∝ mass_i · mass_j^0.9 / dist^1.5`` with lognormal noise (less
  for large pairs), ×3 between CIS members, scaled to a world total of about 19 trillion USD
  in 2019; the smallest pairs are often zero (sparse);
* a yearly path (world growth index, a random walk per pair, Russia's trade shifting from
  western to other partners from 2022) and monthly seasonality; monthly values are whole USD
  and an annual value is exactly the sum of its twelve months;
* the importer's figure ``M[j←i] = X[i→j] × cif_fob`` (default :data:`CIF_FOB` = 1.06) with
  1.5 % lognormal noise per month: exports are FOB by destination, imports CIF by origin;
* non-reporters: Russia from 2022, a few small countries never (:data:`NEVER_REPORT`); their
  own rows are absent, their partners' reports of trade with them are not;
* with ``products=N``, HS6 rows (``HS22``) besides ``TOTAL``: a pair trades a subset of ``N``
  codes (large pairs more of them), and the product values split the pair's TOTAL exactly.

Output is the tidy layout (:mod:`cistrade.sources.tidy`), written batch by batch, so memory
stays flat whatever the size (about 0.5 GB peak, 50 million rows in about 30 s). ``rows=``
aims at a row count: below the TOTAL-only size of the world each country keeps its largest
partners, above it HS6 codes are added (see :func:`_plan`).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from cistrade.errors import InputError

__all__ = [
    "CIF_FOB", "CIS", "NEVER_REPORT", "SyntheticInfo", "World",
    "build_world", "generate", "small_world", "ingest_synthetic", "sidecar_path",
]

log = logging.getLogger(__name__)

#: CIF/FOB factor: an importer's CIF figure over the exporter's FOB figure
CIF_FOB = 1.06
CIS = ("ARM", "AZE", "BLR", "KAZ", "KGZ", "MDA", "RUS", "TJK", "TKM", "UZB")
#: countries that never report (their rows are absent); Russia stops in 2022
NEVER_REPORT = ("ERI", "PRK", "SOM", "SSD", "YEM")
STOPS_REPORTING = {"RUS": 2022}
# code, GDP-like mass (billion USD), rough longitude and latitude of the economic centre;
# other countries get a lognormal mass and a random place
_FIXED = {
    c: (float(m), float(x), float(y)) for c, m, x, y in (e.split() for e in """
    USA 27000 -98 39|CHN 18000 110 33|DEU 4400 10 51|JPN 4200 138 36|IND 3700 78 21|GBR 3300 -2 54
    FRA 3000 2 46|ITA 2200 12 42|BRA 2100 -47 -15|CAN 2100 -90 48|RUS 2000 45 56|KOR 1700 128 36
    MEX 1800 -102 23|AUS 1700 145 -30|ESP 1600 -4 40|IDN 1400 110 -5|NLD 1100 5 52|TUR 1100 33 39
    SAU 1100 45 24|CHE 900 8 47|POL 800 19 52|ARE 500 54 24|UKR 180 31 49|GEO 30 43 42
    KAZ 260 70 48|UZB 90 66 41|BLR 70 28 53|AZE 70 48 40|TKM 60 59 39|ARM 25 45 40|MDA 16 29 47
    KGZ 14 74 42|TJK 12 69 38""".replace("\n", "|").split("|") if e.strip())
}
#: CIS members sit this far along the way to Russia (pseudo distance), and trade among
#: members is multiplied by the bonus (the common-market term of gravity models)
_CIS_PULL, _CIS_BONUS = 0.3, 3.0
_DIST_FLOOR = 5.0  # added to every distance: neighbours are not infinitely close
_GROWTH = {2019: 1.0, 2020: 0.93, 2021: 1.19, 2022: 1.31, 2023: 1.25, 2024: 1.27}
_WEST = (
    "USA GBR CAN JPN AUS NZL CHE NOR KOR UKR AUT BEL BGR HRV CYP CZE DNK EST FIN FRA DEU GRC "
    "HUN IRL ITA LVA LTU LUX MLT NLD POL PRT ROU SVK SVN ESP SWE"
).split()
_FRIENDS = ("CHN", "IND", "TUR", "ARE", "KGZ", "ARM")
_SEASON = np.array([0.80, 0.86, 1.0, 0.98, 0.99, 1.0, 1.0, 0.97, 1.01, 1.05, 1.07, 1.27])
_WORLD_2019 = 19e12
_HS_POOL = 5000  # most HS6 codes a world can use


@dataclass
class World:
    """The TOTAL-level world: one entry per exporter→importer pair with any trade."""

    codes: np.ndarray  # (n,) area codes, sorted
    years: list[int]
    src: np.ndarray  # (P,) exporter index into codes
    dst: np.ndarray  # (P,) importer index
    exports: np.ndarray  # (P, Y, 12) whole USD, as the exporter reports (FOB)
    imports: np.ndarray  # (P, Y, 12) whole USD, as the importer reports (CIF)
    reports: np.ndarray  # (n, Y) True when the country reports that year


@dataclass
class SyntheticInfo:
    """What :func:`generate` wrote. Always synthetic."""

    path: Path
    sidecar: Path
    rows: int
    seed: int
    parameters: dict[str, Any] = field(default_factory=dict)
    synthetic: bool = True

    @property
    def paths(self) -> list[Path]:
        """The data files (one)."""
        return [self.path]


def _registry_codes() -> list[str]:
    from cistrade.reference.countries import registry

    return sorted(registry().codes(kinds={"country"}))


def _place(rng: np.random.Generator, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Masses and 2-D coordinates, CIS members close to Russia."""
    n = len(codes)
    at = {c: k for k, c in enumerate(codes)}
    mass = rng.lognormal(np.log(25), 1.5, n)
    xy = rng.uniform(0, 100, (n, 2))
    for code, (m, lon, lat) in _FIXED.items():
        if code in at:
            mass[at[code]], xy[at[code]] = m, ((lon + 180) / 3.6, (lat + 90) / 1.8)
    if "RUS" in at:
        for code in CIS:
            if code in at:
                xy[at[code]] += _CIS_PULL * (xy[at["RUS"]] - xy[at[code]])
    return mass, xy


def _russia_shift(codes: np.ndarray, src: np.ndarray, dst: np.ndarray,
                  years: list[int]) -> np.ndarray:
    """(P, Y) multipliers: Russia's trade with the West falls from 2022, with others grows."""
    out = np.ones((len(src), len(years)))
    where = np.flatnonzero(codes == "RUS")
    if not len(where):
        return out
    rus = where[0]
    other = codes[np.where(src == rus, dst, src)]
    touches = (src == rus) | (dst == rus)
    west, friend = touches & np.isin(other, _WEST), touches & np.isin(other, _FRIENDS)
    for y, year in enumerate(years):
        if year >= 2022:
            out[west, y] = 0.3 if year == 2022 else 0.2
            out[friend, y] = 1.3 if year == 2022 else 1.5
    return out


def build_world(
    seed: int = 42,
    years: range | list[int] = range(2019, 2025),
    *,
    cif_fob: float = CIF_FOB,
    codes: list[str] | None = None,
) -> World:
    """The seeded world at TOTAL level (a few tens of MB for six years)."""
    rng = np.random.default_rng(seed)
    codes_arr = np.array(sorted(codes if codes is not None else _registry_codes()))
    years = list(years)
    n, ny = len(codes_arr), len(years)
    mass, xy = _place(rng, codes_arr)
    src, dst = np.nonzero(~np.eye(n, dtype=bool))
    dist = np.hypot(*(xy[src] - xy[dst]).T) + _DIST_FLOOR
    size = mass[src] * mass[dst]
    noise = rng.lognormal(0, np.clip(1.0 - 0.1 * np.log10(size), 0.25, 0.8))  # big pairs: less
    base = mass[src] * mass[dst] ** 0.9 / dist**1.5 * noise
    cis = np.isin(codes_arr, CIS)
    base[cis[src] & cis[dst]] *= _CIS_BONUS
    pct = base.argsort().argsort() / len(base)
    keep = rng.uniform(size=len(base)) < np.minimum(1.0, pct / 0.4)  # small pairs often zero
    src, dst, base = src[keep], dst[keep], base[keep] * _WORLD_2019 / base[keep].sum()
    growth = np.array([_GROWTH.get(y, 1.03 ** (y - 2019)) for y in years])
    walk = np.exp(np.cumsum(rng.normal(0, 0.08, (len(src), ny)), axis=1))
    annual = base[:, None] * growth * walk * _russia_shift(codes_arr, src, dst, years)
    exports = rng.lognormal(0, 0.12, (len(src), ny, 12))  # in place: seasonality, then USD
    exports *= _SEASON
    exports *= (annual / exports.sum(axis=2))[:, :, None]
    np.rint(exports, out=exports)
    imports = rng.lognormal(np.log(cif_fob), 0.015, exports.shape)
    imports *= exports
    np.rint(imports, out=imports)
    reports = np.ones((n, ny), dtype=bool)
    reports[np.isin(codes_arr, NEVER_REPORT)] = False
    for code, first in STOPS_REPORTING.items():
        reports[np.ix_(codes_arr == code, np.array(years) >= first)] = False
    return World(codes_arr, years, src, dst, exports, imports, reports)


# -- planning: which pairs, how many products --------------------------------------------------


@dataclass
class _Plan:
    pairs: np.ndarray  # indices into the world's pairs, ascending
    n_products: int
    per_pair: np.ndarray  # (P,) products each pair trades (0 without products)
    offset: np.ndarray  # (P,) first product index of each pair's run
    codes: np.ndarray  # (N,) HS6 codes, sorted
    weight: np.ndarray  # (N,) world weight of each code


def _total_rows(world: World, monthly: bool, annual: bool) -> np.ndarray:
    """TOTAL rows each pair yields (both flows, reported years, non-zero values only)."""
    rows = np.zeros(len(world.src), dtype=np.int64)
    for values, who in ((world.exports, world.src), (world.imports, world.dst)):
        rep = world.reports[who]
        if annual:
            rows += (rep & (values.sum(axis=2) > 0)).sum(axis=1)
        if monthly:
            rows += (rep[:, :, None] & (values > 0)).sum(axis=(1, 2))
    return rows


def _hs6(seed: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` plausible HS6 codes (sorted text) and their world weights."""
    rng = np.random.default_rng([seed, 6])
    chapters = [c for c in range(1, 98) if c != 77]
    subs = [10, 11, 12, 19, 20, 21, 22, 29, 30, 40, 90]
    grid = np.array([f"{c:02d}{h:02d}{s:02d}" for c in chapters for h in range(1, 31)
                     for s in subs])
    pool = rng.choice(grid, _HS_POOL, replace=False)
    weight = rng.lognormal(0, 1.5, _HS_POOL)
    order = np.argsort(pool[:n])
    return pool[:n][order], weight[:n][order]


def _products_per_pair(world: World, n: int, monthly: bool) -> np.ndarray:
    """Codes each pair trades: more for large pairs, none for the smallest; the pair's
    smallest value caps it (so few product values round to zero)."""
    if n == 0:
        return np.zeros(len(world.src), dtype=np.int64)
    level = world.exports.sum(axis=2).mean(axis=1)
    share = np.minimum(1.0, np.sqrt(level / max(np.quantile(level, 0.99), 1.0)))
    cells = world.exports if monthly else world.exports.sum(axis=2)
    smallest = np.where(cells > 0, cells, np.inf).reshape(len(level), -1).min(axis=1)
    cap = np.clip(np.nan_to_num(smallest / 1000, posinf=1), 1, n).astype(np.int64)
    return np.minimum(np.rint(n * share).astype(np.int64), cap)


def _priority(world: World) -> np.ndarray:
    """Pairs in the order thinning keeps them: each country's largest partners first (as
    exporter or as importer), CIS members' partners four times as deep."""
    value = world.exports.sum(axis=(1, 2))
    rank = np.full(len(value), np.iinfo(np.int64).max)
    for side in (world.src, world.dst):
        by = np.lexsort((-value, side))
        r = np.empty(len(value), dtype=np.int64)
        r[by] = np.arange(len(value)) - np.searchsorted(side[by], side[by])
        rank = np.minimum(rank, r)
    cis = np.isin(world.codes, CIS)
    rank = np.where(cis[world.src] | cis[world.dst], rank // 4, rank)
    return np.lexsort((-value, rank))


def _plan(world: World, rows: int | None, products: int, monthly: bool, annual: bool,
          seed: int) -> _Plan:
    """Choose the pairs and products.

    Without ``rows``: every pair, ``products`` codes. With ``rows`` (it overrides
    ``products``): when the TOTAL-only world is larger than ``rows``, keep each country's
    largest partners first (:func:`_priority`) until the count is reached; otherwise add HS6
    codes, choosing the number ``N`` whose expected count ``Σ total_rows × (1 + codes_of_pair)``
    is closest to ``rows``.
    """
    per_total = _total_rows(world, monthly, annual)
    pairs = np.arange(len(world.src))
    if rows is not None and rows <= per_total.sum():
        products = 0
        order = _priority(world)
        count = np.cumsum(per_total[order])
        cut = int(np.searchsorted(count, rows))
        pairs = np.sort(order[: cut + 1])
    elif rows is not None:
        def est(k: int) -> int:
            return int((per_total * (1 + _products_per_pair(world, k, monthly))).sum())

        lo, hi = 1, _HS_POOL
        while lo < hi:
            mid = (lo + hi) // 2
            lo, hi = (mid + 1, hi) if est(mid) < rows else (lo, mid)
        products = lo if lo == 1 or est(lo) - rows < rows - est(lo - 1) else lo - 1
        if est(products) < 0.9 * rows:
            log.warning("at most about %s rows with these options, not %s", est(products), rows)
    products = min(int(products), _HS_POOL)
    codes, weight = _hs6(seed, products)
    per_pair = _products_per_pair(world, products, monthly)[pairs]
    offset = np.random.default_rng([seed, 7]).integers(0, max(products, 1), len(world.src))[pairs]
    return _Plan(pairs, products, per_pair, offset, codes, weight)


# -- emitting rows ------------------------------------------------------------------------------


def _uniform(seed: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Deterministic uniforms in (0, 1) from (seed, a, b): splitmix64, independent of batching."""
    x = (a.astype(np.uint64) * np.uint64(0x100000001B3) + b.astype(np.uint64)) ^ np.uint64(seed)
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    x = x ^ (x >> np.uint64(31))
    return ((x >> np.uint64(11)).astype(np.float64) + 0.5) / 2.0**53


def _split(totals: np.ndarray, plan: _Plan, local: np.ndarray, seed: int):  # noqa: ANN202
    """Split each pair's (Y, T) totals over its products, exactly (whole USD).

    ``local`` are the plan positions of the block's pairs. Returns (entry pair, product index,
    values (E, Y, T)).
    """
    trading = np.flatnonzero(plan.per_pair[local] > 0)  # pairs with product detail
    k = plan.per_pair[local][trading]
    pair = np.repeat(trading, k)
    start = np.cumsum(k) - k
    rank = np.arange(k.sum()) - np.repeat(start, k)
    prod = (plan.offset[local][pair] + rank) % plan.n_products
    w = plan.weight[prod] * -np.log(_uniform(seed, plan.pairs[local][pair], prod))
    w = np.floor(w * 65536) + 1  # whole numbers: the running sums below are exact
    cum = np.cumsum(w)
    before = np.repeat(cum[start] - w[start], k)
    ends = np.repeat(cum[start + k - 1], k)
    frac = (cum - before) / (ends - before)
    frac[start + k - 1] = 1.0
    upto = np.rint(totals[pair] * frac[:, None, None])
    values = upto.copy()
    values[1:] -= upto[:-1]
    values[start] = upto[start]
    return pair, prod, values


def _cells(values: np.ndarray, rep: np.ndarray, monthly: bool, annual: bool, ny: int) -> list:
    """(entry, period index, value) of the rows to write; periods: years, then months."""
    out = []
    if annual:
        tot = values.sum(axis=2)
        e, y = np.nonzero(rep & (tot > 0))
        out.append((e, y, tot[e, y]))
    if monthly:
        e, y, m = np.nonzero(rep[:, :, None] & (values > 0))
        out.append((e, ny + y * 12 + m, values[e, y, m]))
    return out


def _block(world: World, plan: _Plan, local: np.ndarray, opts: dict[str, Any]) -> dict[str, list]:
    cols: dict[str, list] = {k: [] for k in ("rep", "par", "flow", "period", "prod", "value")}
    ny, monthly, annual = len(world.years), opts["monthly"], opts["annual"]
    idx = plan.pairs[local]
    for flow, values, who, other in (
        (0, world.exports, world.src, world.dst),
        (1, world.imports, world.dst, world.src),
    ):
        vals, rep_i, par_i = values[idx], who[idx], other[idx]
        parts = [(np.arange(len(idx)), np.full(len(idx), -1), vals)]
        if plan.n_products:
            t = vals if monthly else vals.sum(axis=2, keepdims=True)
            parts.append(_split(t, plan, local, opts["seed"]))
        for entry, prod, v in parts:
            rep = world.reports[rep_i[entry]]
            for e, period, value in _cells(v, rep, monthly and v.shape[2] == 12, annual, ny):
                cols["rep"].append(rep_i[entry[e]].astype(np.int32))
                cols["par"].append(par_i[entry[e]].astype(np.int32))
                cols["flow"].append(np.full(len(e), flow, dtype=np.int8))
                cols["period"].append(period.astype(np.int32))
                cols["prod"].append(prod[e].astype(np.int32))
                cols["value"].append(value)
    return cols


def _record_batch(cols: dict[str, list], labels: dict[str, pa.Array], fmt: str,
                  products: bool) -> pa.RecordBatch:
    def take(name: str, key: str) -> pa.Array:
        return labels[name].take(pa.array(np.concatenate(cols.pop(key))))

    value = np.concatenate(cols["value"])
    flow = np.concatenate(cols["flow"])
    arrays = {
        "reporter": take("codes", "rep"),
        "partner": take("codes", "par"),
        "flow": labels["flow"].take(flow),
        "period": take("periods", "period"),
        "value": pa.array(value.astype(np.int64) if fmt == "csv" else value),
        "currency": labels["usd"].take(np.zeros(len(value), dtype=np.int8)),
    }
    if products:
        prod = np.concatenate(cols["prod"])
        arrays["product"] = labels["products"].take(pa.array(prod + 1))
        arrays["product_class"] = labels["classes"].take(pa.array((prod >= 0).astype(np.int8)))
    arrays["partner_basis"] = labels["basis"].take(flow)
    arrays["valuation"] = labels["valuation"].take(flow)
    return pa.RecordBatch.from_pydict(arrays)


class _Writer:
    """Parquet (``ParquetWriter``) or CSV (``CSVWriter``, nothing quoted) batch by batch."""

    def __init__(self, out: Path, schema: pa.Schema, fmt: str) -> None:
        if fmt == "parquet":
            self.sink, self.writer = None, pq.ParquetWriter(out, schema)
            return
        self.sink = pa.OSFile(str(out), "wb")
        self.sink.write((",".join(schema.names) + "\n").encode())
        options = pacsv.WriteOptions(include_header=False, quoting_style="none")
        self.writer = pacsv.CSVWriter(self.sink, schema, write_options=options)

    def write(self, batch: pa.RecordBatch) -> None:
        self.writer.write_batch(batch)

    def close(self) -> None:
        self.writer.close()
        if self.sink is not None:
            self.sink.close()


def sidecar_path(path: Path) -> Path:
    """Where the description of a synthetic file lives: ``<file>.json``."""
    return Path(str(path) + ".json")


def generate(
    out: str | Path,
    *,
    rows: int | None = None,
    years: range | list[int] = range(2019, 2025),
    monthly: bool = True,
    annual: bool = True,
    products: int = 0,
    seed: int = 42,
    fmt: str | None = None,
    batch_rows: int = 1_000_000,
    cif_fob: float = CIF_FOB,
) -> SyntheticInfo:
    """Write a synthetic world to ``out`` (Parquet, or CSV when ``fmt="csv"`` or ``.csv``).

    ``rows`` targets a total row count (see :func:`_plan`: fewer pairs below the TOTAL-only
    size, more HS6 codes above it); the result is within a few per cent. Rows are streamed
    in batches of about ``batch_rows``; the same arguments give the same bytes.
    """
    out = Path(out)
    fmt = fmt or ("csv" if out.suffix.lower() == ".csv" else "parquet")
    if fmt not in ("csv", "parquet"):
        raise InputError(f"fmt must be 'csv' or 'parquet', not {fmt!r}")
    if not (monthly or annual):
        raise InputError("choose monthly, annual or both")
    world = build_world(seed, years, cif_fob=cif_fob)
    plan = _plan(world, rows, products, monthly, annual, seed)
    opts = {"monthly": monthly, "annual": annual, "seed": seed}
    yrs = world.years
    labels = {
        "codes": pa.array(world.codes.tolist()),
        "periods": pa.array([str(y) for y in yrs] + [f"{y}-{m:02d}" for y in yrs
                                                     for m in range(1, 13)]),
        "flow": pa.array(["export", "import"]),
        "usd": pa.array(["USD"]),
        "products": pa.array(["TOTAL", *plan.codes.tolist()]),
        "classes": pa.array(["TOTAL", "HS22"]),
        "basis": pa.array(["destination", "origin"]),
        "valuation": pa.array(["FOB", "CIF"]),
    }
    per_total = _total_rows(world, monthly, annual)[plan.pairs]
    block_of = np.cumsum(per_total * (1 + plan.per_pair)) // max(batch_rows, 1)
    bounds = np.flatnonzero(np.diff(block_of)) + 1
    out.parent.mkdir(parents=True, exist_ok=True)
    written, writer = 0, None
    try:
        for local in np.split(np.arange(len(plan.pairs)), bounds):
            if not len(local):
                continue
            cols = _block(world, plan, local, opts)
            batch = _record_batch(cols, labels, fmt, plan.n_products > 0)
            if writer is None:
                writer = _Writer(out, batch.schema, fmt)
            writer.write(batch)
            written += batch.num_rows
            del cols, batch  # before the next block is built: peak memory is one block
    finally:
        if writer is not None:
            writer.close()
    if writer is None:
        raise InputError("nothing to write: no pair has trade with these options", file=str(out))
    params = {"rows_requested": rows, "years": yrs, "monthly": monthly, "annual": annual,
              "products": plan.n_products, "pairs": int(len(plan.pairs)), "areas": len(world.codes),
              "format": fmt, "cif_fob": cif_fob, "never_report": list(NEVER_REPORT),
              "stops_reporting": STOPS_REPORTING, "batch_rows": batch_rows}
    info = SyntheticInfo(out, sidecar_path(out), written, seed, params)
    meta = {"synthetic": True, "generator": "cistrade.synthetic", "file": out.name,
            "rows": written, "seed": seed, "series": f"synthetic/world-{seed}",
            "vintage": str(max(yrs)), "parameters": params}
    info.sidecar.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    log.info("wrote %s synthetic rows to %s (seed %s, %s HS6 codes, %s pairs)",
             written, out, seed, plan.n_products, len(plan.pairs))
    return info


def small_world(out_dir: str | Path, seed: int = 42) -> SyntheticInfo:
    """A demo-sized world: annual and monthly 2022–2024, TOTAL only, about 60 000 rows."""
    out = Path(out_dir) / f"synthetic-world-{seed}.parquet"
    return generate(out, rows=60_000, years=range(2022, 2025), seed=seed)


def ingest_synthetic(store: Any, path: str | Path, *, seed: int | None = None,
                     vintage: str | None = None) -> Any:
    """Ingest a generated file into ``store`` as dataset series ``synthetic/world-<seed>``.

    The seed and vintage default to the sidecar's; the provenance says ``synthetic = true``.
    """
    from cistrade.sources.tidy import TidySource

    path = Path(path)
    side = sidecar_path(path)
    meta = json.loads(side.read_text(encoding="utf-8")) if side.exists() else {}
    seed = seed if seed is not None else meta.get("seed")
    if seed is None:
        raise InputError(f"no seed given and no sidecar {side.name} next to it", file=str(path))
    source = TidySource(series=f"synthetic/world-{seed}",
                        vintage=vintage or meta.get("vintage", "synthetic"), synthetic=True)
    return store.ingest(source, [path])
