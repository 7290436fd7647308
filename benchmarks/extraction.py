"""Precision and recall of the claim extractor on the labelled sentences.

    python benchmarks/extraction.py [--verbose] [PATH]

PATH defaults to tests/data/claims/labelled.yaml (sentences composed for the test set). A
claim matches when kind, reporter, partner/bloc, period, value and rank all match.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from cistrade.claims.evaluate import evaluate, load_labelled

DEFAULT = Path(__file__).resolve().parents[1] / "tests" / "data" / "claims" / "labelled.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(DEFAULT))
    parser.add_argument("--verbose", "-v", action="store_true", help="list every mismatch")
    args = parser.parse_args()
    items = load_labelled(args.path)
    started = time.perf_counter()
    score = evaluate(items)
    elapsed = time.perf_counter() - started
    sentences = len(items)
    print(f"{sentences} labelled texts, {score.gold['all']} gold claims, "
          f"{sentences - sum(1 for i in items if i.gold)} without claims")
    for lang in ("all", "en", "ru"):
        print(f"{lang:>4}: precision {score.precision(lang):.3f}  recall {score.recall(lang):.3f}  "
              f"F1 {score.f1(lang):.3f}  (matched {score.tp[lang]}, extracted "
              f"{score.extracted[lang]}, gold {score.gold[lang]})")
    if score.tp["all"]:
        print(f"flow right in {score.flow_right}/{score.tp['all']} matched claims")
    print(f"extraction time: {elapsed * 1000:.0f} ms ({elapsed / sentences * 1000:.1f} ms per text)")
    if args.verbose:
        for miss in score.misses:
            print(f"\n[{miss['id']}] {miss['text']}")
            for m in miss["missed"]:
                print(f"  missed:   {m}")
            for s in miss["spurious"]:
                print(f"  spurious: {s}")


if __name__ == "__main__":
    main()
