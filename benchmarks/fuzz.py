"""Fuzzing at scale: 10,000 damaged copies of the shared files per reader (issue #14).

The same mutants and judgement as the CI suite (``tests/test_fuzz.py``, 300 per reader; how
mutants are made: ``tests/fuzzing.py``): every mutant must be a clean error naming the file
with the store unchanged, or accepted; never a traceback, an abort or a hang (no answer in
20 s). Prints per reader: mutants, clean errors, accepted, tracebacks, aborts, hangs, the
median and slowest seconds, and each failure with the mutant kept under ``--workdir``.

    python benchmarks/fuzz.py                          # 10,000 per reader, 2 workers
    python benchmarks/fuzz.py --per-reader 500 --readers kz-bns,imf
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

import fuzzing  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-reader", type=int, default=10_000)
    ap.add_argument("--readers", default=",".join(fuzzing.READERS))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workdir", type=Path, default=None,
                    help="where mutants are written and failing ones kept (default: a new temp dir)")
    args = ap.parse_args()
    readers = [r.strip() for r in args.readers.split(",") if r.strip()]
    unknown = sorted(set(readers) - set(fuzzing.READERS))
    if unknown or not 1 <= args.per_reader <= 1_000_000 or not 1 <= args.workers <= 16:
        raise SystemExit(f"readers among {fuzzing.READERS}, per-reader 1-1,000,000, workers 1-16 "
                         f"(unknown: {unknown})")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="cistrade-fuzz-"))
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    last = [started]

    def progress(reader: str, n: int) -> None:
        if time.perf_counter() - last[0] > 30:
            last[0] = time.perf_counter()
            print(f"  … {reader}: {n:,} mutants ({time.perf_counter() - started:,.0f} s)", flush=True)

    print(f"fuzzing {', '.join(readers)}: {args.per_reader:,} mutants each, {args.workers} workers, "
          f"seed {args.seed}, in {workdir}", flush=True)
    results = fuzzing.run(readers, args.per_reader, workers=args.workers, seed=args.seed,
                          workdir=workdir, progress=progress)
    elapsed = time.perf_counter() - started
    print(f"\n{'reader':<11} {'mutants':>8} {'clean':>7} {'accepted':>9} {'tracebacks':>11} "
          f"{'aborts':>7} {'hangs':>6} {'median s':>9} {'max s':>7}")
    for reader, r in results.items():
        c = r.counts
        med = statistics.median(r.seconds) if r.seconds else 0.0
        print(f"{reader:<11} {r.mutants:>8,} {c['clean']:>7,} {c['accepted']:>9,} {c['traceback']:>11,} "
              f"{c['abort']:>7,} {c['hang']:>6,} {med:>9.3f} {max(r.seconds or [0]):>7.2f}")
    failures = [f for r in results.values() for f in r.failures]
    for f in failures[:50]:
        print(f"  {f['outcome']}: {f['seed']} ({f['mutation']}) kept at {f['mutant']}: {f['detail']}")
    total = sum(r.mutants for r in results.values())
    print(f"\n{total:,} mutants in {elapsed:,.0f} s; {len(failures)} failure(s) "
          f"-> {'OK' if not failures else 'FAILURES'}")
    if failures:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
