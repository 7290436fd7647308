"""The crash suite of issue #14: ``cistrade ingest`` killed with SIGKILL at random moments
leaves the store exactly as it was before (flows, datasets, superseded, coverage), and the
store stays usable."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, store_state
from test_store_upkeep import synthetic_csv

from cistrade.sources.tidy import TidySource
from cistrade.store import Store

KILLS = int(os.environ.get("CISTRADE_CRASH_KILLS", "20"))


def _ingest(db: Path, *files: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    cmd = [sys.executable, "-m", "cistrade", "ingest", "tidy", *map(str, files), "--db", str(db),
           "--series", "big", "--vintage", "2", "--format", "json"]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_an_ingest_killed_at_random_moments_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    with Store(db) as store:  # a store with data and a vintage the killed ingest supersedes
        store.ingest(TidySource(series="big", vintage="1"), [synthetic_csv(tmp_path / "old.csv", 20_000)])
        before = store_state(store.con)
    files = [synthetic_csv(tmp_path / "a.csv", 150_000, seed=5),
             synthetic_csv(tmp_path / "b.csv", 150_000, seed=6, prefix="B")]

    # how long the whole ingest takes here (on a copy), and the state it leaves: the kills
    # fall anywhere within it
    trial = tmp_path / "trial.duckdb"
    shutil.copyfile(db, trial)
    started = time.perf_counter()
    done = _ingest(trial, *files)
    assert done.wait(timeout=300) == 0, done.stderr.read().decode()[-800:] if done.stderr else ""
    duration = time.perf_counter() - started
    with Store(trial) as store:
        complete = _figures(store)
    assert complete != _figures_of(db)

    pristine = tmp_path / "pristine.duckdb"
    shutil.copyfile(db, pristine)
    rng = random.Random(14)
    outcomes: list[str] = []
    while outcomes.count("as before") + outcomes.count("committed") < KILLS and len(outcomes) < 3 * KILLS:
        proc = _ingest(db, *files)
        time.sleep(rng.uniform(0.05, 0.9 * duration))
        killed = proc.poll() is None
        if killed:
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        if proc.stderr:
            proc.stderr.close()
        with Store(db) as store:
            if store_state(store.con) == before:
                outcomes.append("as before")
                continue
            # killed after its COMMIT (while exiting): all of the ingest, never a part
            assert _figures(store) == complete, "a kill left part of an ingest"
        outcomes.append("committed" if killed else "finished")
        shutil.copyfile(pristine, db)
    assert outcomes.count("as before") + outcomes.count("committed") == KILLS, outcomes
    assert outcomes.count("as before") >= KILLS // 2, outcomes
    with Store(db) as store:  # still usable: the same ingest goes through
        store.ingest(TidySource(series="big", vintage="2"), files)
        assert _figures(store) == complete


def _figures(store: Store) -> tuple:
    """The store's state without the datasets' ingest times and paths (a complete ingest
    of the same files gives the same figures, ids and supersessions)."""
    state = store_state(store.con)
    ids = sorted(r[0] for r in store.con.execute("SELECT dataset_id FROM datasets").fetchall())
    return tuple(t for t in state if t[0] != "datasets") + (tuple(ids),)


def _figures_of(db: Path) -> tuple:
    with Store(db) as store:
        return _figures(store)
