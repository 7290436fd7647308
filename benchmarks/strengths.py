"""Strengths benchmark: RCA for every country and HS6 product of a SYNTHETIC BACI year.

The year (:func:`cistrade.synthetic_baci.generate_baci_year`, about ``--rows`` rows, 5,000 HS6
codes, every registry country; SYNTHETIC) is generated and ingested once into ``--workdir``.
Then, in one warm process:

* ``cistrade``  — ``strengths.rca(eng, "2023")``: RCA of every exporter in every product it
  exports, as an Arrow table (the prepared query reused, the data read again); ``+dicts`` is the
  one-off cost of the Result's row dicts, which the SQL below does not pay;
* ``SQL``       — the same RCA written by hand in DuckDB SQL over the same store (same rows,
  same order, fetched as Arrow);
* ``ecomplexity`` — the Growth Lab package on the same data: its input must hold one row per
  exporter and product (it drops repeated ones), so DuckDB sums the rows into a pandas frame
  first (timed apart, and added to its RCA); then its whole call (RCA, M, diversity, ECI/PCI,
  proximity, density …), and its RCA step alone (``ComplexityData`` + ``calculate_rca``);
* ``ECI``       — ``strengths.complexity(eng, "2023")`` against the package's whole call, which
  is the only way it gives an ECI.

"cistrade" and "SQL" are medians of ``--repeat`` calls made alternately, so that a busier spell
of the shared machine weighs on both. Targets: RCA within 1.5× of the SQL and faster than
ecomplexity; the ECI faster than ecomplexity (else cistrade would call the package).

    python benchmarks/strengths.py                 # 10 million rows
    python benchmarks/strengths.py --rows 1000000  # a quick run
    python benchmarks/strengths.py --spark         # also RCA on the Spark engine
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

RATIO_TARGET = 1.5

HAND_SQL = """
WITH x AS (
    SELECT reporter AS country, product, sum(value) AS value
    FROM flows
    WHERE flow = 'export' AND NOT aggregate AND product_class = 'HS22' AND freq = 'A'
      AND period_start >= DATE '2023-01-01' AND period_end <= DATE '2023-12-31'
      AND length(product) = 6
    GROUP BY reporter, product
    HAVING sum(value) > 0
),
c AS (SELECT country, sum(value) AS country_total FROM x GROUP BY country),
p AS (SELECT product, sum(value) AS product_total FROM x GROUP BY product),
w AS (SELECT sum(value) AS world_total FROM x)
SELECT x.country, x.product, x.value, country_total, product_total, world_total,
       x.value / country_total AS share, product_total / world_total AS world_share,
       (x.value / country_total) / (product_total / world_total) AS rca
FROM x JOIN c USING (country) JOIN p USING (product) CROSS JOIN w
ORDER BY x.country, rca DESC, x.product
"""

EXPORTS_SQL = """SELECT 2023 AS year, reporter AS loc, product AS prod, sum(value) AS val
FROM flows WHERE flow = 'export' AND NOT aggregate AND product_class = 'HS22'
GROUP BY reporter, product"""


def store_for(workdir: Path, rows: int) -> Path:
    """The cached synthetic BACI store of about ``rows`` rows."""
    from cistrade.store import Store
    from cistrade.synthetic_baci import generate_baci_year, ingest_baci_year

    db = workdir / f"synthetic-baci-{rows}.duckdb"
    if db.exists():
        return db
    workdir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    info = generate_baci_year(workdir / f"synthetic-baci-{rows}.parquet", rows=rows, seed=7)
    t1 = time.perf_counter()
    tmp = db.with_suffix(".tmp.duckdb")
    tmp.unlink(missing_ok=True)
    with Store(tmp) as store:
        ingest_baci_year(store, info)
    tmp.rename(db)
    print(f"generated {info.rows:,} SYNTHETIC rows ({info.parameters['countries']} countries, "
          f"{info.parameters['products']} products) in {t1 - t0:.0f} s, ingested in "
          f"{time.perf_counter() - t1:.0f} s -> {db}", flush=True)
    return db


def _timed(fn: Any) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def bench_rca(db: Path, repeat: int) -> dict[str, Any]:
    import duckdb

    from cistrade.indicators import connect
    from cistrade.indicators.strengths import rca

    eng = connect(db)
    first, result = _timed(lambda: rca(eng, "2023"))
    dicts, _ = _timed(lambda: result.rows)
    con = duckdb.connect(str(db), read_only=True)
    api, sql = [], []
    for _ in range(repeat):
        t, r = _timed(lambda: rca(eng, "2023"))
        api.append(t)
        t, s = _timed(lambda: con.sql(HAND_SQL).to_arrow_table())
        sql.append(t)
    same = r.table.num_rows == s.num_rows and r.table.column("rca").equals(s.column("rca"))
    con.close()
    eng.close()
    return {"first": first, "api": statistics.median(api), "sql": statistics.median(sql),
            "dicts": dicts, "rows": s.num_rows, "same": same}


def bench_spark(db: Path, repeat: int) -> float:
    from cistrade.indicators import connect
    from cistrade.indicators.strengths import rca

    eng = connect(db, engine="spark")
    rca(eng, "2023")
    times = [_timed(lambda: rca(eng, "2023"))[0] for _ in range(repeat)]
    eng.close()
    return statistics.median(times)


def bench_ecomplexity(db: Path) -> dict[str, float]:
    import duckdb
    from ecomplexity import ecomplexity
    from ecomplexity.ComplexityData import ComplexityData

    from cistrade.indicators import connect
    from cistrade.indicators.strengths import complexity

    con = duckdb.connect(str(db), read_only=True)
    load, data = _timed(lambda: con.sql(EXPORTS_SQL).df())
    con.close()
    cols = {"time": "year", "loc": "loc", "prod": "prod", "val": "val"}

    def rca_step() -> Any:
        cd = ComplexityData(data, cols, "coerce")
        cd.create_full_df(2023)
        cd.calculate_rca()
        return cd.rca_t

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rca_only, _ = _timed(rca_step)
        whole, _ = _timed(lambda: ecomplexity(data, cols, verbose=False,
                                              check_logsupermodularity=False))
    eng = connect(db)
    eci_first, _ = _timed(lambda: complexity(eng, "2023"))
    eci_warm, _ = _timed(lambda: complexity(eng, "2023"))
    eng.close()
    return {"load": load, "rca_only": rca_only, "whole": whole, "eci_first": eci_first,
            "eci_warm": eci_warm}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "cistrade-bench")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--spark", action="store_true", help="also time RCA on Spark")
    parser.add_argument("--no-ecomplexity", action="store_true", help="skip the package")
    args = parser.parse_args()
    db = store_for(args.workdir, args.rows)
    r = bench_rca(db, args.repeat)
    ratio = r["api"] / r["sql"]
    print(f"RCA, every country and HS6 product ({r['rows']:,} rows out; SYNTHETIC data):")
    print(f"  cistrade (first call, planned)  {r['first']:7.3f} s")
    print(f"  cistrade (warm, median)         {r['api']:7.3f} s   +dicts {r['dicts']:.3f} s once")
    print(f"  hand-written DuckDB SQL         {r['sql']:7.3f} s")
    print(f"  ratio                           {ratio:7.2f}x  (target <= {RATIO_TARGET}x: "
          f"{'met' if ratio <= RATIO_TARGET else 'MISSED'}); same RCA column: {r['same']}")
    if args.spark:
        print(f"  cistrade on Spark (warm)        {bench_spark(db, 3):7.3f} s")
    if not args.no_ecomplexity:
        e = bench_ecomplexity(db)
        print(f"ecomplexity 0.5.3 on the same exports (loading them into pandas: {e['load']:.2f} s):")
        eco_rca = e["load"] + e["rca_only"]
        print(f"  its RCA step alone              {e['rca_only']:7.3f} s   + its input "
              f"(exports per country and product) {e['load']:.3f} s = {eco_rca:.3f} s "
              f"({eco_rca / r['api']:.1f}x cistrade's RCA)")
        print(f"  its whole call (RCA … ECI/PCI)  {e['whole']:7.3f} s")
        print(f"  cistrade complexity (ECI/PCI)   {e['eci_first']:7.3f} s first, "
              f"{e['eci_warm']:.3f} s warm   ({e['whole'] / e['eci_first']:.1f}x faster)")
        faster = r["api"] < eco_rca and e["eci_first"] < e["whole"]
        print(f"  target (faster than ecomplexity): {'met' if faster else 'MISSED'}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {peak:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
