"""Claim extraction on pathological text: time against length (issue #14).

    python benchmarks/pathological.py [--sizes 4000,16000,64000] [--patterns]

For each kind of adversarial input (a run of 4 000 '1' characters, long runs of separators,
points, spaces, capitals …) prints the time ``extract_claims`` takes at each size and the
ratio of each size's time to the previous one's: about 4 when the size grows fourfold means
linear, 16 quadratic. ``--patterns`` does the same for every compiled regex of ``cistrade.claims``
on its own (slower). Until issue #13, "1" × 8 000 took 9 s. The machine is shared: the times
are indicative, the ratios are what to read. tests/test_claims_linear.py checks the results
on the same inputs (no timing there).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from adversarial import ADVERSARIAL  # noqa: E402  (the inputs the tests check too)

from cistrade.claims import extract_claims  # noqa: E402

#: … and a claim after such a run (it must still be read: tests/test_claims_linear.py)
WITH_CLAIM = {"digits then a claim":
              lambda n: "1" * n + " Russia's share of Kazakhstan's trade was 19.4%."}


def best(fn: Callable[[], object], runs: int = 3) -> float:
    """The shortest of a few runs (a busy machine only ever adds time)."""
    out = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out = min(out, time.perf_counter() - started)
    return out


def _row(label: str, fn: Callable[[str], object], make: Callable[[int], str],
         sizes: list[int]) -> tuple[str, float]:
    texts = [make(n) for n in sizes]
    times = [best(lambda s=text: fn(s)) for text in texts]
    ratios = [b / a if a > 1e-4 else float("nan") for a, b in zip(times, times[1:], strict=False)]
    shown = "  ".join(f"{t * 1000:8.1f} ms" for t in times)
    ratio = "  ".join(f"×{r:.1f}" for r in ratios)
    return f"{label:>28}: {shown}   {ratio}", max(ratios, default=0.0)


def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    import cistrade.claims as claims

    found: dict[int, tuple[str, re.Pattern[str]]] = {}
    for name in sorted(sys.modules):
        module = sys.modules[name]
        if not name.startswith(claims.__name__ + "."):
            continue
        for attr, value in vars(module).items():
            if isinstance(value, re.Pattern):
                found[id(value)] = (f"{name.rsplit('.', 1)[1]}.{attr}", value)
    return sorted(found.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="4000,16000,64000")
    parser.add_argument("--patterns", action="store_true", help="every regex on its own too")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"extract_claims, sizes {sizes} characters (time; ratio to the size before: ×4 when linear)")
    worst = 0.0
    for kind, make in {**ADVERSARIAL, **WITH_CLAIM}.items():
        line, ratio = _row(kind, extract_claims, make, sizes)
        worst = max(worst, ratio)
        print(line)
    print(f"worst ratio: ×{worst:.1f} (each size 4× the one before: linear ≈ 4, quadratic ≈ 16)")
    if args.patterns:
        worst = 0.0
        for name, rx in _patterns():
            for kind, make in ADVERSARIAL.items():
                _, ratio = _row("", lambda s, rx=rx: sum(1 for _ in rx.finditer(s)), make, sizes)
                if ratio > 8:
                    print(f"  slow? {name} on {kind}: ×{ratio:.1f}")
                worst = max(worst, ratio)
        print(f"every pattern, worst ratio: ×{worst:.1f}")


if __name__ == "__main__":
    main()
