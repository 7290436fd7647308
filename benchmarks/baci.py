"""BACI ingest speed and memory: ``cistrade ingest baci`` against DuckDB's own load.

Generates a BACI-format CSV (``t,i,j,k,v,q``; SYNTHETIC values) with realistic codes:
exporters and importers among the registry's Comtrade codes of countries (BACI's codes are
Comtrade's), about 5,000 HS6 codes with their leading zeros, ``v`` with three decimals,
``q`` blank on about 5% of the rows, every (i, j, k) once. Then, each in a fresh process:

* DuckDB alone: ``CREATE TABLE t AS SELECT * FROM read_csv(FILE)`` into a new database;
* cistrade: ``python -m cistrade ingest baci FILE --db NEW.duckdb``.

The floor: DuckDB alone writing the stored row (``flow_rows``, :mod:`cistrade.schema`) from
the same file (codes looked up as the reader does, the segment id hashed as the store does,
the line a constant): no checks, no line numbers, no sha256, no provenance: the lowest ratio
any reader of this layout can reach here.

Wall time is measured around each child; its CPU time (all threads) and peak RSS come from
``os.wait4``'s rusage. Targets: cistrade within 1.3× of DuckDB's load; peak memory under 1 GB.

    python benchmarks/baci.py                  # 10 million rows
    python benchmarks/baci.py --rows 1000000   # a quick run
    python benchmarks/baci.py --profile        # also time each step of the ingest in-process
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import child  # benchmarks/child.py (the script folder is on sys.path)

ROOT = Path(__file__).resolve().parents[1]
TIME_RATIO_TARGET = 1.3
RSS_TARGET_MB = 1024

DUCKDB_LOAD = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{sys.argv[2]}')")
con.close()
"""

FLOOR_LOAD = """
import sys, duckdb
from cistrade.sources.baci import _lookup, code_table
from cistrade.schema import FLOW_ROWS_DDL, seg_sql
codes, _ = code_table(None)
con = duckdb.connect(sys.argv[1])
scan = (f"read_csv('{sys.argv[2]}', header = true, auto_detect = false, columns = {{'t': 'INTEGER', "
        "'i': 'INTEGER', 'j': 'INTEGER', 'k': 'VARCHAR', 'v': 'DOUBLE', 'q': 'DOUBLE'})")
seg = seg_sql("1", {"freq": "'A'", "product_class": "'HS22'", "currency": "'USD'",
                    "valuation": "'FOB'", "partner_basis": "'destination'",
                    "quantity_unit": "CASE WHEN q IS NOT NULL THEN 't' END", "estimated": "false",
                    "aggregate": "false", "ref_head": "''", "ref_tail": "''"})
con.execute(FLOW_ROWS_DDL)
con.execute(f'''INSERT INTO flow_rows SELECT {seg}, {_lookup(codes, 'i')}, {_lookup(codes, 'j')},
    'export', make_date(t, 1, 1), make_date(t, 12, 31), lpad(k, 6, '0'), v * 1000, q, 0
    FROM {scan}''')
con.close()
"""

PROFILE = """
import sys, time
import duckdb
from pathlib import Path
from cistrade.sources.baci import BaciSource
from cistrade.store import Store
import cistrade.validate as v, cistrade.store as st

timings = {}
def timed(name, fn):
    def wrap(*a, **k):
        t = time.perf_counter()
        try:
            return fn(*a, **k)
        finally:
            timings[name] = timings.get(name, 0) + time.perf_counter() - t
    return wrap

for name in ("_check_rows", "_check_codes", "_duplicates"):
    setattr(v, name, timed(name, getattr(v, name)))
st.validate_stage = timed("validate_stage (all checks)", st.validate_stage)
st.Store._load = timed("load (parse, look up, insert)", st.Store._load)
st.apply_vintages = timed("apply_vintages", st.apply_vintages)
st.add_segments = timed("add_segments", st.add_segments)
st.Store._update_coverage = timed("update_coverage", st.Store._update_coverage)
st.sha256_of = timed("sha256", st.sha256_of)
t0 = time.perf_counter()
store = Store(sys.argv[1])
timings["open store"] = time.perf_counter() - t0
t1 = time.perf_counter()
store.ingest(BaciSource(), [Path(sys.argv[2])])
timings["ingest (total)"] = time.perf_counter() - t1
t2 = time.perf_counter()
store.close()
timings["close (checkpoint)"] = time.perf_counter() - t2
for k, s in timings.items():
    print(f"  {k:34s} {s:7.2f} s")
"""


def generate(path: Path, rows: int, seed: int = 7) -> None:
    """Write ``rows`` BACI rows with DuckDB (a few seconds for 10 million)."""
    import duckdb
    import pyarrow as pa

    from cistrade.reference.countries import registry

    codes = sorted({a.comtrade for a in registry() if a.kind == "country" and a.comtrade})
    con = duckdb.connect()
    con.register("_codes", pa.table({"c": codes, "n": list(range(len(codes)))}))
    n_codes = len(codes)
    n_pairs = n_codes * (n_codes - 1)
    n_products = 5000
    space = n_pairs * n_products
    if rows > space:
        raise SystemExit(f"at most {space} distinct rows")
    step = 2_654_435_761  # odd and not a multiple of 5: coprime with the space below
    while _gcd(step, space) != 1:
        step += 2
    con.execute(f"SELECT setseed({seed / 100})")
    con.execute(
        f"""COPY (
          WITH idx AS (SELECT n, (n * {step}::HUGEINT + 12345) % {space} AS x
                       FROM range({rows}) t(n)),
               parts AS (SELECT n, x % {n_products} AS prod, (x // {n_products}) AS pair FROM idx),
               ij AS (SELECT n, prod, pair // {n_codes - 1} AS a,
                             pair % {n_codes - 1} AS b FROM parts)
          SELECT 2023 AS t, ci.c AS i, cj.c AS j,
                 lpad(((10100 + prod * 193) % 970000 + 10000)::VARCHAR, 6, '0') AS k,
                 printf('%.3f', 0.001 + random() * random() * 5000) AS v,
                 CASE WHEN random() < 0.05 THEN NULL ELSE printf('%.3f', random() * 900) END AS q
          FROM ij JOIN _codes ci ON ci.n = ij.a
          JOIN _codes cj ON cj.n = CASE WHEN ij.b >= ij.a THEN ij.b + 1 ELSE ij.b END
          ORDER BY ij.n
        ) TO '{path}' (HEADER, DELIMITER ',', QUOTE '')"""
    )
    con.close()


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


def run_child(cmd: list[str]) -> tuple[float, float, int]:
    """Run ``cmd``; (wall seconds, peak RSS in MB, exit status) of that child alone (its CPU
    seconds in :data:`CPU`)."""
    run = child.run_child(cmd)
    if run.returncode != 0:
        sys.stderr.write(run.stderr)
    CPU.append(run.cpu)
    return run.wall, run.rss_mb, run.returncode


#: the CPU seconds (all threads) of each child run, in order
CPU: list[float] = []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--dir", type=Path, default=None, help="work folder (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--profile", action="store_true", help="time each ingest step too")
    parser.add_argument("--generate", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:  # the child that writes the file (keeps the parent's RSS small)
        generate(args.generate, args.rows)
        return 0
    if args.dir:
        args.dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="cistrade-baci-", dir=args.dir))
    try:
        data = work / "BACI_HS22_Y2023_V202501.csv"
        t = time.perf_counter()
        # generated in a child: a forked child's peak RSS counts its parent's pages
        env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
        subprocess.run([sys.executable, __file__, "--generate", str(data), "--rows",
                        str(args.rows)], check=True, env=env)
        size = data.stat().st_size / 1e6
        print(f"generated {args.rows:,} rows ({size:,.0f} MB, SYNTHETIC) in "
              f"{time.perf_counter() - t:.1f} s: {data}")
        duck_t, duck_rss, rc1 = run_child([sys.executable, "-c", DUCKDB_LOAD,
                                           str(work / "duck.duckdb"), str(data)])
        floor_t, _, rc3 = run_child([sys.executable, "-c", FLOOR_LOAD,
                                     str(work / "floor.duckdb"), str(data)])
        cis_t, cis_rss, rc2 = run_child([sys.executable, "-m", "cistrade", "ingest", "baci",
                                         str(data), "--db", str(work / "cistrade.duckdb")])
        if rc1 or rc2 or rc3:
            print(f"a child failed (duckdb exit {rc1}, cistrade exit {rc2}, floor exit {rc3})")
            return 1
        ratio = cis_t / duck_t
        duck_cpu, floor_cpu, cis_cpu = CPU[-3:]
        print(f"duckdb read_csv load : {duck_t:7.2f} s  peak RSS {duck_rss:7.0f} MB  "
              f"cpu {duck_cpu:6.2f} s")
        print(f"cistrade ingest baci : {cis_t:7.2f} s  peak RSS {cis_rss:7.0f} MB  "
              f"cpu {cis_cpu:6.2f} s = {cis_cpu / duck_cpu:.2f}x DuckDB's")
        print(f"ratio                : {ratio:7.2f}x  (target <= {TIME_RATIO_TARGET}x); "
              f"peak RSS target < {RSS_TARGET_MB} MB: "
              f"{'met' if cis_rss < RSS_TARGET_MB else 'MISSED'}")
        print(f"floor (stored row)   : {floor_t:7.2f} s  = {floor_t / duck_t:.2f}x DuckDB's load "
              f"(no checks, line numbers, hash or provenance; cpu {floor_cpu:.2f} s = "
              f"{floor_cpu / duck_cpu:.2f}x); cistrade = {cis_t / floor_t:.2f}x the floor")
        print(f"rows/s               : {args.rows / cis_t:,.0f} (cistrade), "
              f"{args.rows / duck_t:,.0f} (duckdb)")
        if args.profile:
            print("profile of one in-process ingest (fresh store):")
            env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
            subprocess.run([sys.executable, "-c", PROFILE, str(work / "profile.duckdb"), str(data)],
                           env=env, check=False)
        return 0
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
