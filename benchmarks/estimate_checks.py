"""The estimate against the truth: prints the synthetic truth check and the Russia 2019–2021
comparison with FTS's own figures (issue #18, item 3).

    python benchmarks/estimate_checks.py                 # both
    python benchmarks/estimate_checks.py --synthetic     # the synthetic world only
    python benchmarks/estimate_checks.py --real          # the shared files only

**Synthetic.** A seeded synthetic world (annual 2019–2021, every pair; SYNTHETIC, labelled so
in every file and store) is written once under ``--workdir``; for each target its own 2021
rows are removed (its World totals kept, as Russia still publishes totals), the rest is
ingested, and the estimate made from the partners' reports is compared with the hidden rows.

**Real.** A store of the shared files (FTS, BNS, Uzstat, Armstat, Eurostat's EU exports to
Russia, ECB rates) is built under ``--workdir``; for each year 2019–2021 the estimate of
Russia's partner table is made without FTS's partner figures of that year (only its World
total and earlier years are read) and compared with FTS's own shares of Belarus, Kazakhstan
and the CIS (FTS's own CIS row, its group definition).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CISTRADE_SHARED_DATA", ROOT.parent / "shared" / "data"))


def synthetic(workdir: Path, targets: list[str]) -> None:
    from cistrade.estimate.truth import summary, synthetic_check

    t0 = time.perf_counter()
    checks = synthetic_check(workdir / "synthetic", targets, year=2021, first_year=2019)
    print(f"== synthetic truth check (SYNTHETIC world, seed 42; each target's own 2021 rows "
          f"hidden, its World totals kept) — {time.perf_counter() - t0:.0f} s")
    print(f"{'target':<7} {'partners':>8} {'in band':>8} {'share in':>9} {'median err':>11} "
          f"{'CIS truth':>10} {'CIS est':>8} {'CIS band':>17} {'in':>4}")
    for c in checks:
        print(f"{c.target:<7} {len(c.partners):>8} {c.inside:>8.1%} {c.share_inside:>9.1%} "
              f"{c.median_error:>11.3%} {c.bloc_truth:>10.2%} {c.bloc_share:>8.2%} "
              f"{c.bloc_low:>8.2%}–{c.bloc_high:<8.2%} {'yes' if c.bloc_inside else 'NO':>4}")
    s = summary(checks)
    print(f"all: {s['partners']} partners, true value inside the band for {s['inside_band']:.1%}"
          f" (true share {s['share_inside_band']:.1%}); median error {s['median_error']:.3%} of "
          f"the value, {s['median_share_error_pp']:.2g} share points; CIS share inside the band "
          f"for {s['bloc_inside_band']:.0%} of targets, median error "
          f"{s['bloc_median_error_pp']:.3f} points")


def real_store(workdir: Path) -> Path:
    from cistrade.estimate.truth import RUSSIA_FILES
    from cistrade.rates import ingest_rates
    from cistrade.sources import get_source
    from cistrade.store import Store

    path = workdir / "real.duckdb"
    if path.exists():
        return path
    tmp = path.with_suffix(".tmp.duckdb")
    tmp.unlink(missing_ok=True)
    with Store(tmp) as store:
        for name, (folder, pattern) in RUSSIA_FILES.items():
            store.ingest(get_source(name)(), sorted((SHARED / folder).glob(pattern)))
        ingest_rates(store, SHARED / "fx" / "eurofxref-hist.zip")
    tmp.rename(path)
    return path


def real(workdir: Path) -> None:
    from cistrade.estimate.truth import own_check
    from cistrade.indicators import connect

    if not (SHARED / "national").exists():
        print(f"(no shared data at {SHARED}: the real check is skipped)")
        return
    with connect(real_store(workdir)) as eng:
        print("\n== Russia 2019–2021: the estimate without FTS's partner figures of the year, "
              "against them (shares of FTS's published World total)")
        for year in ("2019", "2020", "2021"):
            c = own_check(eng, "RUS", year, ["BLR", "KAZ"], bloc="CIS")
            print(f"{year}: partners reporting in the shared files: {', '.join(c.reporting)} "
                  f"({len(c.reporting)}); they held {c.coverage:.1%} of Russia's trade in its "
                  f"last known table — {'sufficient' if c.sufficient else 'NOT sufficient'} "
                  "(rule: 80%)")
            for r in c.rows:
                band = (f"{r['low']:.2%}–{r['high']:.2%}" if r["high"] is not None
                        else f"{r['low']:.2%}–open")
                print(f"   {r['what']:<4} FTS {r['own']:.2%}  estimate {r['estimate']:.2%}  band "
                      f"{band:<15} error {r['error_pp']:+.2f} pp  "
                      f"{'inside' if r['inside'] else 'OUTSIDE'}  ({r['method']})")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--synthetic", action="store_true")
    ap.add_argument("--real", action="store_true")
    ap.add_argument("--targets", default="KAZ,ARM,UZB,RUS,DEU,CHN")
    ap.add_argument("--workdir", type=Path, default=Path(os.environ.get(
        "CISTRADE_BENCH_DIR", "/tmp/cistrade-bench")) / "estimate")
    args = ap.parse_args(argv)
    both = not (args.synthetic or args.real)
    os.environ.setdefault("CISTRADE_CACHE_DIR", str(args.workdir / "cache"))
    if both or args.synthetic:
        synthetic(args.workdir, args.targets.split(","))
    if both or args.real:
        real(args.workdir)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
