"""Indicator benchmark: the Python API against hand-written DuckDB SQL and pandas.

For each synthetic store (generated with :func:`cistrade.synthetic.generate` and cached in
``--workdir``) it times, in a warm process, every indicator over every reporter at once:

* ``share``       — ``share(eng, "*", P)``: every reporter's partners, shares and ranks;
* ``bloc_share``  — ``bloc_share(eng, "*", "CIS", P)``: the CIS share for every reporter;
* ``growth``      — ``growth(eng, "*", R, "*")``: every reporter–partner pair, R against the
                    same months a year earlier (Jan–Sep on a monthly store; a whole year on an
                    annual one, whose rows cannot make Jan–Sep);
* ``mirror``      — ``mirror(eng, "*", P)``: every pair's reported and mirror figures;

and ``share(..., estimate=True)`` (:mod:`cistrade.estimate`) of one reporter against ``share`` of
the same reporter (target: within 2x; ``--estimate-only`` for that case alone); and, for the
same result on the same store, hand-written DuckDB SQL and pandas (on a DataFrame already in
memory, pandas' default dtypes; its load time is printed apart). It also
times ``share`` one reporter at a time (each a new question: planned and compiled), and a
fresh ``cistrade share --reporter X`` process: with empty caches (the catalog read from the
store's coverage table, Ibis imported, the query planned and compiled; median of three), then
as a question asked before (the prepared query read from the cache dir; no Ibis import).
Each store's case runs in a subprocess whose peak RSS is read; pandas runs in another.

"API warm" is the median of eleven further calls in the same process, alternating with the
hand-written SQL's (whose median is "SQL"), so that a busier spell of the machine weighs on
both alike: the prepared query is reused and the data read again. "+dicts" is the one-off
cost of turning a Result's Arrow table into the list of row dicts (``result.rows``), which the
SQL baseline does not pay.

    python benchmarks/indicators.py --quick
    python benchmarks/indicators.py --sizes 10            # the 10-million-row annual store
    python benchmarks/indicators.py --sizes 10,50,20m --spark

A size is millions of rows; a trailing ``m`` makes the store monthly (TOTAL and HS6 rows of
2019–2024), otherwise annual HS6. Targets: API within 1.3× of the SQL, at least 5× faster than
pandas, the fresh CLI call under 1.5 s, peak RSS under 1 GB at 50 million rows.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
CIS = ("ARM", "AZE", "BLR", "KAZ", "KGZ", "MDA", "RUS", "TJK", "TKM", "UZB")


# -- stores ----------------------------------------------------------------------------------------


def store_for(workdir: Path, millions: float, monthly: bool) -> Path:
    """The cached synthetic store of about ``millions`` rows (generated and ingested once)."""
    from cistrade.store import Store
    from cistrade.synthetic import generate, ingest_synthetic

    tag = f"{millions:g}M-{'monthly' if monthly else 'annual'}"
    db = workdir / f"synthetic-{tag}.duckdb"
    if db.exists():
        Store(db).close()  # opening a store written before its coverage table builds it
        return db
    workdir.mkdir(parents=True, exist_ok=True)
    data = workdir / f"synthetic-{tag}.parquet"
    t0 = time.perf_counter()
    info = generate(data, rows=int(millions * 1e6), monthly=monthly, annual=not monthly, seed=42)
    t1 = time.perf_counter()
    tmp = db.with_suffix(".tmp.duckdb")
    tmp.unlink(missing_ok=True)
    with Store(tmp) as store:
        ingest_synthetic(store, info.path)
        rows = store.count()
    tmp.rename(db)
    print(f"  generated {info.rows:,} rows in {t1 - t0:.0f} s, ingested {rows:,} in "
          f"{time.perf_counter() - t1:.0f} s -> {db}", flush=True)
    return db


def case_periods(monthly: bool) -> dict[str, str]:
    return {"period": "2024", "growth": "2024-01..2024-09" if monthly else "2024",
            "freq": "M" if monthly else "A"}


# -- hand-written SQL ------------------------------------------------------------------------------


def _unranked() -> str:
    from cistrade.indicators.args import unranked_codes

    return ", ".join(f"'{c}'" for c in sorted(unranked_codes()))


def sql_queries(p: dict[str, str]) -> dict[str, str]:
    """The same results as the API, written by hand for these synthetic stores."""
    from cistrade.model import PeriodRange

    cur, prev = PeriodRange.parse(p["growth"]), PeriodRange.parse(p["growth"]).previous_year()
    year = PeriodRange.parse(p["period"])
    sel = (f"freq = '{p['freq']}' AND product_class = 'TOTAL' AND product = 'TOTAL' "
           "AND NOT aggregate")
    in_year = f"period_start >= DATE '{year.first_day}' AND period_end <= DATE '{year.last_day}'"
    pv = f"""SELECT reporter, partner,
                    coalesce(sum(value) FILTER (WHERE flow = 'export'), 0) AS export,
                    coalesce(sum(value) FILTER (WHERE flow = 'import'), 0) AS import
             FROM flows WHERE {sel} AND {in_year} AND flow IN ('export', 'import')
             GROUP BY reporter, partner"""
    members = ", ".join(f"'{c}'" for c in CIS)
    now = f"period_start >= DATE '{cur.first_day}'"
    return {
        "share": f"""
            WITH p AS ({pv}), v AS (SELECT *, export + import AS value FROM p)
            SELECT reporter, partner, export, import, value,
                   value / nullif(sum(value) OVER (PARTITION BY reporter), 0) AS share,
                   CASE WHEN partner NOT IN ({_unranked()}) THEN row_number() OVER (
                       PARTITION BY reporter, partner NOT IN ({_unranked()})
                       ORDER BY value DESC, partner) END AS rank
            FROM v ORDER BY reporter, rank IS NULL, rank, value DESC, partner""",
        "bloc_share": f"""
            WITH p AS ({pv}), v AS (SELECT *, export + import AS value FROM p),
            t AS (SELECT *, sum(export) OVER w AS total_export,
                         sum(import) OVER w AS total_import, sum(value) OVER w AS total
                  FROM v WINDOW w AS (PARTITION BY reporter))
            SELECT *, value / nullif(total, 0) AS share,
                   sum(value) OVER (PARTITION BY reporter) AS members_value
            FROM t WHERE partner IN ({members}) AND partner <> reporter""",
        "growth": f"""
            WITH s AS (
                SELECT reporter, partner,
                       coalesce(sum(value) FILTER (WHERE {now}), 0) AS value,
                       coalesce(sum(value) FILTER (WHERE NOT {now}), 0) AS previous_value,
                       coalesce(sum(value) FILTER (WHERE {now} AND flow = 'export'), 0)
                           AS export,
                       coalesce(sum(value) FILTER (WHERE NOT {now} AND flow = 'export'), 0)
                           AS previous_export,
                       coalesce(sum(value) FILTER (WHERE {now} AND flow = 'import'), 0)
                           AS import,
                       coalesce(sum(value) FILTER (WHERE NOT {now} AND flow = 'import'), 0)
                           AS previous_import
                FROM flows
                WHERE {sel} AND flow IN ('export', 'import')
                  AND ((period_start >= DATE '{cur.first_day}'
                        AND period_end <= DATE '{cur.last_day}')
                    OR (period_start >= DATE '{prev.first_day}'
                        AND period_end <= DATE '{prev.last_day}'))
                GROUP BY reporter, partner)
            SELECT *, value - previous_value AS change,
                   value / nullif(previous_value, 0) - 1 AS growth
            FROM s ORDER BY reporter, value DESC, partner""",
        "mirror": f"""
            WITH f AS (SELECT reporter, partner, flow, valuation, sum(value) AS value
                       FROM flows WHERE {sel} AND {in_year} AND flow IN ('export', 'import')
                       GROUP BY ALL),
            r AS (SELECT reporter, partner,
                         sum(value) FILTER (WHERE flow = 'export') AS export_reported,
                         sum(value) FILTER (WHERE flow = 'import') AS import_reported
                  FROM f GROUP BY ALL),
            m AS (SELECT partner AS reporter, reporter AS partner,
                         sum(value) FILTER (WHERE flow = 'import') AS export_mirror_raw,
                         sum(value / (CASE WHEN valuation = 'FOB' THEN 1 ELSE 1.06 END))
                             FILTER (WHERE flow = 'import') AS export_mirror,
                         sum(value) FILTER (WHERE flow = 'export') AS import_mirror_raw,
                         sum(value * (CASE WHEN valuation = 'CIF' THEN 1 ELSE 1.06 END))
                             FILTER (WHERE flow = 'export') AS import_mirror
                  FROM f GROUP BY ALL)
            SELECT reporter, partner, export_reported, export_mirror_raw, export_mirror,
                   export_reported / nullif(export_mirror, 0) AS export_ratio,
                   coalesce(export_reported, export_mirror) AS export,
                   CASE WHEN export_reported IS NOT NULL THEN 'reported'
                        WHEN export_mirror IS NOT NULL THEN 'mirror' END AS export_basis,
                   import_reported, import_mirror_raw, import_mirror,
                   import_reported / nullif(import_mirror, 0) AS import_ratio,
                   coalesce(import_reported, import_mirror) AS import,
                   CASE WHEN import_reported IS NOT NULL THEN 'reported'
                        WHEN import_mirror IS NOT NULL THEN 'mirror' END AS import_basis
            FROM r FULL OUTER JOIN m USING (reporter, partner)
            ORDER BY reporter, coalesce(export, 0) + coalesce(import, 0) DESC, partner""",
    }


# -- pandas ----------------------------------------------------------------------------------------


def load_pandas(db: Path) -> Any:
    """Every row of ``flows`` (the columns the indicators read) as a pandas DataFrame with
    pandas' default dtypes, as ``read_parquet`` or ``.df()`` would give it."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    table = con.sql("""SELECT reporter, partner, flow, freq, period_start, period_end,
                              product_class, product, aggregate, valuation, value
                       FROM flows""").to_arrow_table()
    con.close()
    return table.to_pandas(date_as_object=False)


def pandas_cases(p: dict[str, str]) -> dict[str, Any]:
    import pandas as pd

    from cistrade.indicators.args import unranked_codes
    from cistrade.model import PeriodRange

    year = PeriodRange.parse(p["period"])
    cur, prev = PeriodRange.parse(p["growth"]), PeriodRange.parse(p["growth"]).previous_year()
    unranked = set(unranked_codes())

    def base(df: Any, first: Any, last: Any) -> Any:
        m = ((df.freq == p["freq"]) & (df.product_class == "TOTAL") & (df["product"] == "TOTAL")
             & ~df["aggregate"] & df.flow.isin(["export", "import"])
             & (df.period_start >= pd.Timestamp(first)) & (df.period_end <= pd.Timestamp(last)))
        return df[m]

    def pivot(df: Any) -> Any:
        g = df.groupby(["reporter", "partner", "flow"], observed=True)["value"].sum()
        w = g.unstack("flow", fill_value=0.0).reset_index()
        w["value"] = w.get("export", 0.0) + w.get("import", 0.0)
        return w

    def share(df: Any) -> Any:
        w = pivot(base(df, year.first_day, year.last_day))
        w["share"] = w["value"] / w.groupby("reporter", observed=True)["value"].transform("sum")
        w["rankable"] = ~w["partner"].astype(str).isin(unranked)
        w = w.sort_values(["reporter", "value", "partner"], ascending=[True, False, True])
        w["rank"] = w.groupby(["reporter", "rankable"], observed=True).cumcount() + 1
        return w

    def bloc(df: Any) -> Any:
        w = pivot(base(df, year.first_day, year.last_day))
        w["total"] = w.groupby("reporter", observed=True)["value"].transform("sum")
        member = w["partner"].astype(str).isin(CIS) & (w["partner"].astype(str)
                                                       != w["reporter"].astype(str))
        m = w[member].copy()
        m["share"] = m["value"] / m["total"]
        m["members_value"] = m.groupby("reporter", observed=True)["value"].transform("sum")
        return m

    def growth(df: Any) -> Any:
        a = base(df, cur.first_day, cur.last_day).groupby(["reporter", "partner"],
                                                          observed=True)["value"].sum()
        b = base(df, prev.first_day, prev.last_day).groupby(["reporter", "partner"],
                                                            observed=True)["value"].sum()
        g = pd.concat({"value": a, "previous_value": b}, axis=1).fillna(0.0)
        g["change"] = g["value"] - g["previous_value"]
        g["growth"] = g["value"] / g["previous_value"].replace(0.0, float("nan")) - 1
        return g

    def mirror(df: Any) -> Any:
        f = base(df, year.first_day, year.last_day)
        rep = f.groupby(["reporter", "partner", "flow"], observed=True)["value"].sum().unstack(
            "flow")
        down = f["value"] / f["valuation"].astype(str).map({"FOB": 1.0}).fillna(1.06)
        up = f["value"] * f["valuation"].astype(str).map({"CIF": 1.0}).fillna(1.06)
        m = pd.DataFrame({"reporter": f["partner"].astype(str), "partner":
                          f["reporter"].astype(str), "flow": f["flow"].astype(str),
                          "x": down.where(f["flow"] == "import"),
                          "m": up.where(f["flow"] == "export")})
        mir = m.groupby(["reporter", "partner"])[["x", "m"]].sum(min_count=1)
        rep.index = rep.index.set_levels([lv.astype(str) for lv in rep.index.levels])
        j = rep.join(mir, how="outer")
        j["export_ratio"] = j["export"] / j["x"]
        j["import_ratio"] = j["import"] / j["m"]
        return j

    return {"share": share, "bloc_share": bloc, "growth": growth, "mirror": mirror}


# -- one case (a subprocess) -----------------------------------------------------------------------


def timed(fn: Any, repeat: int = 5) -> tuple[float, float, Any]:
    """(first call, median of the next ``repeat``, the last result)."""
    t0 = time.perf_counter()
    out = fn()
    first = time.perf_counter() - t0
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return first, statistics.median(times), out


def timed_pair(fa: Any, fb: Any, repeat: int = 11) -> tuple[float, float, Any, float, Any]:
    """Two ways to the same answer, timed alternately (so that a slower or busier spell of the
    machine weighs on both alike): (a's first call, a's median, a's result, b's median, b's
    result) over ``repeat`` rounds after one warm-up call each."""
    t0 = time.perf_counter()
    a = fa()
    first = time.perf_counter() - t0
    b = fb()
    ta, tb = [], []
    for _ in range(repeat):
        for fn, times in ((fa, ta), (fb, tb)):
            t0 = time.perf_counter()
            out = fn()
            times.append(time.perf_counter() - t0)
            if fn is fa:
                a = out
            else:
                b = out
    return first, statistics.median(ta), a, statistics.median(tb), b


def api_calls(p: dict[str, str]) -> dict[str, Any]:
    from cistrade import indicators as ind

    return {
        "share": lambda e: ind.share(e, "*", p["period"]),
        "bloc_share": lambda e: ind.bloc_share(e, "*", "CIS", p["period"]),
        "growth": lambda e: ind.growth(e, "*", p["growth"], "*"),
        "mirror": lambda e: ind.mirror(e, "*", p["period"]),
    }


def _api_count(kind: str, result: Any) -> int:
    if kind == "bloc_share":  # the members' rows (each reporter's bloc row comes on top)
        return sum(1 for r in result.rows if not r.get("aggregate"))
    return len(result.rows)


def run_case(db: Path, monthly: bool, engine: str) -> dict[str, Any]:
    """Time the API (and, on DuckDB, the SQL) in this process; report peak RSS."""
    import duckdb

    from cistrade.indicators import connect

    p = case_periods(monthly)
    out: dict[str, Any] = {"engine": engine, "periods": p}
    t0 = time.perf_counter()
    eng = connect(db, engine=engine)
    out["connect_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    eng.catalog()
    out["catalog_s"] = time.perf_counter() - t0
    con = duckdb.connect(str(db), read_only=True) if engine == "duckdb" else None
    sqls = sql_queries(p)
    for kind, call in api_calls(p).items():
        sql_s = table = None
        if con is not None:
            first, warm, result, sql_s, table = timed_pair(
                lambda call=call: call(eng),
                lambda kind=kind: con.sql(sqls[kind]).to_arrow_table())
        else:
            first, warm, result = timed(lambda call=call: call(eng))
        t0 = time.perf_counter()
        count = _api_count(kind, result)  # builds the rows as Python dicts
        row: dict[str, Any] = {"api_first_s": first, "api_s": warm, "api_rows": count,
                               "dicts_s": time.perf_counter() - t0}
        if table is not None:
            row.update(sql_s=sql_s, sql_rows=table.num_rows)
        out[kind] = row
    if engine == "duckdb":
        out["share_one_by_one"] = _one_by_one(eng, con, p)
        out["estimate"] = _estimate_case(eng, p)
    eng.close()
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _one_by_one(eng: Any, con: Any, p: dict[str, str]) -> dict[str, Any]:
    """``share`` called once per reporter, against the SQL run once per reporter."""
    from cistrade.indicators import share

    reporters = sorted({r["reporter"] for r in share(eng, "*", p["period"]).rows})[:40]
    sql = sql_queries(p)["share"].replace("FROM flows WHERE", "FROM flows WHERE reporter = $r AND")
    t0 = time.perf_counter()
    for r in reporters:
        share(eng, r, p["period"])
    api = time.perf_counter() - t0
    t0 = time.perf_counter()
    for r in reporters:
        con.execute(sql, {"r": r}).fetchall()
    return {"reporters": len(reporters), "api_s": api, "sql_s": time.perf_counter() - t0}


ESTIMATE_REPORTERS = ("KAZ", "RUS")


def _estimate_case(eng: Any, p: dict[str, str]) -> dict[str, Any]:
    """The estimated share table of one reporter (from its partners' reports) against
    ``share`` of the same reporter, timed alternately. RUS publishes nothing by partner from
    2022 in the synthetic world: its ``share`` is taken for 2021, the last year it has."""
    from cistrade.indicators import share

    out = {}
    for reporter in ESTIMATE_REPORTERS:
        period = p["period"] if reporter != "RUS" else "2021"
        first, est_s, est, share_s, own = timed_pair(
            lambda r=reporter, q=period: share(eng, r, q, estimate=True),
            lambda r=reporter, q=period: share(eng, r, q))
        out[reporter] = {"period": period, "estimate_first_s": first, "estimate_s": est_s,
                         "share_s": share_s, "estimate_rows": len(est.rows),
                         "share_rows": len(own.rows)}
    return out


def run_estimate(db: Path, monthly: bool) -> dict[str, Any]:
    """Only the estimate against share (``--estimate-only``), in its own process."""
    from cistrade.indicators import connect

    eng = connect(db)
    out = {"estimate": _estimate_case(eng, case_periods(monthly))}
    eng.close()
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def run_pandas(db: Path, monthly: bool) -> dict[str, Any]:
    p = case_periods(monthly)
    t0 = time.perf_counter()
    df = load_pandas(db)
    out: dict[str, Any] = {"load_s": time.perf_counter() - t0}
    for kind, fn in pandas_cases(p).items():
        t0 = time.perf_counter()
        res = fn(df)
        out[kind] = {"pandas_s": time.perf_counter() - t0, "rows": len(res)}
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def fresh_cli(db: Path, cache: Path, reporter: str = "KAZ", period: str = "2024"
              ) -> dict[str, float]:
    """Wall time of a new ``cistrade share`` process: with empty caches (three times, each
    after emptying them: the median is kept), then as a question asked before (best of 3)."""
    import shutil

    cmd = [sys.executable, "-m", "cistrade", "share", "--reporter", reporter, "--period", period,
           "--db", str(db), "--format", "json"]
    env = {**os.environ, "CISTRADE_CACHE_DIR": str(cache)}

    def timed() -> float:
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        return time.perf_counter() - t0

    cold = []
    for _ in range(3):
        shutil.rmtree(cache, ignore_errors=True)
        cold.append(timed())
    warm = [timed() for _ in range(3)]
    return {"first_s": statistics.median(cold), "first_max_s": max(cold), "best_s": min(warm)}


def _subprocess(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run([sys.executable, str(HERE), *args], capture_output=True, text=True,
                          env=env)
    if done.returncode != 0:
        raise SystemExit(f"case failed: {' '.join(args)}\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- printing ---------------------------------------------------------------------------------------


def _print_estimate(api: dict[str, Any]) -> None:
    for reporter, e in api.get("estimate", {}).items():
        print(f"estimate share {reporter} {e['period']}: first {e['estimate_first_s']:.3f} s, "
              f"warm {e['estimate_s']:.3f} s; share {reporter} {e['share_s']:.3f} s "
              f"({e['estimate_s'] / e['share_s']:.2f}x, target <= 2x; "
              f"{e['estimate_rows']}/{e['share_rows']} rows)")


def _report_estimate(name: str, api: dict[str, Any]) -> None:
    print(f"\n== {name}: the estimate against share, peak RSS {api['peak_rss_mb']:.0f} MB")
    _print_estimate(api)


def _report(name: str, api: dict[str, Any], pandas: dict[str, Any] | None,
            cli: dict[str, float] | None, spark: dict[str, Any] | None) -> None:
    print(f"\n== {name}: connect {api['connect_s']:.2f} s, catalog {api['catalog_s']:.2f} s "
          f"(first call), peak RSS {api['peak_rss_mb']:.0f} MB")
    print(f"{'indicator':<11} {'API first':>9} {'API warm':>9} {'SQL':>8} {'API/SQL':>8} "
          f"{'pandas':>8} {'pandas/API':>10} {'rows API/SQL':>14} {'+dicts':>7}")
    for kind in ("share", "bloc_share", "growth", "mirror"):
        a = api[kind]
        pd_s = pandas[kind]["pandas_s"] if pandas else float("nan")
        print(f"{kind:<11} {a['api_first_s']:>8.3f}s {a['api_s']:>8.3f}s {a['sql_s']:>7.3f}s "
              f"{a['api_s'] / a['sql_s']:>7.2f}x {pd_s:>7.2f}s {pd_s / a['api_s']:>9.1f}x "
              f"{a['api_rows']:>7}/{a['sql_rows']:<6} {a['dicts_s']:>6.2f}s")
    one = api["share_one_by_one"]
    print(f"share one reporter at a time ({one['reporters']} reporters): API {one['api_s']:.2f} s,"
          f" SQL {one['sql_s']:.2f} s ({one['api_s'] / one['sql_s']:.1f}x)")
    _print_estimate(api)
    if pandas:
        print(f"pandas: DataFrame load {pandas['load_s']:.1f} s (not in its times), peak RSS "
              f"{pandas['peak_rss_mb']:.0f} MB")
    if cli:
        print(f"fresh `cistrade share --reporter KAZ`: with empty caches {cli['first_s']:.2f} s "
              f"(median of 3, slowest {cli['first_max_s']:.2f} s: Ibis imported, the query "
              f"planned and compiled), asked before {cli['best_s']:.2f} s (best of 3)")
    if spark:
        print(f"spark: connect+export {spark['connect_s']:.1f} s, catalog {spark['catalog_s']:.1f} s;"
              + "".join(f" {k} {spark[k]['api_first_s']:.1f}/{spark[k]['api_s']:.1f} s"
                        for k in ("share", "bloc_share", "growth", "mirror"))
              + f" (first/warm); peak RSS {spark['peak_rss_mb']:.0f} MB (Python side)")


def _sizes(text: str) -> list[tuple[float, bool]]:
    out = []
    for token in text.split(","):
        token = token.strip().lower()
        if token:
            out.append((float(token.rstrip("m")), token.endswith("m")))
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10,50,20m",
                    help="millions of rows; a trailing m means a monthly store (default 10,50,20m)")
    ap.add_argument("--quick", action="store_true", help="1-million-row stores (1,1m)")
    ap.add_argument("--spark", action="store_true", help="also Spark's times on the first size")
    ap.add_argument("--no-pandas", action="store_true", help="skip the pandas baseline")
    ap.add_argument("--estimate-only", action="store_true",
                    help="only the estimate against share, on each size's store")
    ap.add_argument("--workdir", type=Path, default=Path(os.environ.get(
        "CISTRADE_BENCH_DIR", "/tmp/cistrade-bench")), help="where generated stores are cached")
    ap.add_argument("--run-case", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--monthly", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--engine", default="duckdb", help=argparse.SUPPRESS)
    ap.add_argument("--pandas-case", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--estimate-case", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.run_case:
        fn = run_pandas if args.pandas_case else run_estimate if args.estimate_case else (
            lambda db, monthly: run_case(db, monthly, args.engine))
        print(json.dumps(fn(args.run_case, args.monthly)))
        return
    env = {**os.environ, "CISTRADE_CACHE_DIR": str(args.workdir / "cache")}
    sizes = _sizes("1,1m" if args.quick else args.sizes)
    print(f"cistrade indicator benchmark: {os.cpu_count()} cores, stores in {args.workdir}")
    for i, (millions, monthly) in enumerate(sizes):
        db = store_for(args.workdir, millions, monthly)
        if args.estimate_only:
            _report_estimate(db.name, _subprocess(["--run-case", str(db), "--estimate-case"],
                                                  env))
            continue
        flag = ["--monthly"] if monthly else []
        api = _subprocess(["--run-case", str(db), *flag], env)
        pandas = None if args.no_pandas else _subprocess(
            ["--run-case", str(db), "--pandas-case", *flag], env)
        cli = (fresh_cli(db, args.workdir / f"cli-cache-{os.getpid()}-{i}", period="2024")
               if i == 0 else None)
        spark = (_subprocess(["--run-case", str(db), "--engine", "spark", *flag], env)
                 if args.spark and i == 0 else None)
        _report(f"{db.name} ({'monthly' if monthly else 'annual HS6'})", api, pandas, cli, spark)


if __name__ == "__main__":
    main()
