"""The fuzzing suite of issue #14, in CI: 300 damaged copies of the shared files per reader.

Each must be a clean error naming the file (the store unchanged) or accepted; never a
traceback, an abort or a hang (:mod:`fuzzing` says how mutants are made and judged).
``benchmarks/fuzz.py`` runs the same at 10,000 per reader.
"""

from __future__ import annotations

import os

import fuzzing
import pytest
from conftest import shared

PER_READER = int(os.environ.get("CISTRADE_FUZZ_MUTANTS", "300"))


@pytest.mark.slow
@pytest.mark.timeout(1800)
@pytest.mark.parametrize("reader", fuzzing.READERS)
def test_every_mutant_is_a_clean_error_or_accepted(reader: str, tmp_path) -> None:
    shared()  # skipped with a reason when the real files are absent
    if not fuzzing.seeds(reader, tmp_path):
        pytest.skip(f"no seed files for {reader}")
    result = fuzzing.run([reader], PER_READER, workers=2, workdir=tmp_path)[reader]
    print(f"\n{reader}: {result.mutants} mutants, {dict(result.counts)}")
    bad = [f"{f['outcome']} on {f['seed']} ({f['mutation']}), kept at {f['mutant']}: {f['detail']}"
           for f in result.failures]
    assert not bad, "\n".join(bad[:20])
    assert result.mutants == PER_READER
    assert result.counts["clean"] > 0
