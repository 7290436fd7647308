"""Issue #14, item 7: space a killed ingest leaves, long parameters in messages, and the
private cache of prepared queries."""

from __future__ import annotations

import asyncio
import os
import pickle
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from conftest import ROOT, store_state
from typer.testing import CliRunner

from cistrade.cli import app
from cistrade.errors import CistradeError
from cistrade.store import Store

#: a child that ingests a SYNTHETIC file of ``rows`` rows and kills itself with SIGKILL once
#: the rows are in the flows table, before the transaction commits
KILLED_INGEST = r"""
import os, signal, sys
from pathlib import Path
from cistrade.sources.tidy import TidySource
from cistrade.store import Store

class Killed(TidySource):
    def read(self, path):
        result = super().read(path)
        inner = result.after_load
        def after(con, dataset_id):
            inner(con, dataset_id)
            os.kill(os.getpid(), signal.SIGKILL)
        result.after_load = after
        return result

store = Store(sys.argv[1])
store.ingest(Killed(series="big", vintage="1"), [Path(sys.argv[2])])
"""


def synthetic_csv(path: Path, rows: int, seed: int = 1, prefix: str = "") -> Path:
    """A SYNTHETIC long table: Armenia's monthly exports to ten partners by product, with
    random values (so that the rows do not compress to nothing)."""
    import random

    rng = random.Random(seed)
    partners = ["RUS", "CHN", "DEU", "USA", "GEO", "IRN", "TUR", "FRA", "ITA", "KAZ"]
    lines = ["reporter,partner,flow,period,value,product"]
    lines += [f"ARM,{partners[i % 10]},export,{2000 + (i // 60) % 25}-{1 + i % 12:02d},"
              f"{rng.random() * 1e6:.2f},{prefix}{i // 60:06d}" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n")
    return path


def killed_ingest(db: Path, csv: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-c", KILLED_INGEST, str(db), str(csv)], env=env,
                          capture_output=True, timeout=300)
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()[-800:]


@pytest.mark.slow
def test_killed_ingests_leave_the_store_as_it_was_and_compact_gives_space_back(tmp_path: Path) -> None:
    """Three ingests killed with SIGKILL before their commit leave the figures as they were
    (DuckDB 2.0 also truncates the blocks they wrote when the store is next opened); the
    space of superseded rows stays in the file until ``cistrade store compact`` (before: no
    way to get it back)."""
    from cistrade.sources.tidy import TidySource

    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        store.ingest(TidySource(series="big", vintage="1"), [synthetic_csv(tmp_path / "a.csv", 200_000)])
        # a newer vintage of every row: the first file's rows are deleted, their space kept
        store.ingest(TidySource(series="big", vintage="2"),
                     [synthetic_csv(tmp_path / "b.csv", 200_000, seed=3)])
        state = store_state(store.con)
    baseline = db.stat().st_size
    big = synthetic_csv(tmp_path / "big.csv", 400_000, seed=2)
    for _ in range(3):
        killed_ingest(db, big)
    with Store(db) as store:
        assert store_state(store.con) == state
    assert db.stat().st_size <= baseline + (1 << 20)
    result = CliRunner().invoke(app, ["store", "compact", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert db.stat().st_size < 0.8 * baseline, (baseline, db.stat().st_size)
    with Store(db) as store:
        assert store_state(store.con) == state


def test_compact_of_a_missing_store_is_an_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["store", "compact", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1 and "no store" in result.output


# -- long parameters ----------------------------------------------------------------------

BIG = "x" * 100_000


@pytest.mark.parametrize("call", [
    lambda: __import__("cistrade.indicators.args", fromlist=["x"]).period_range(BIG),
    lambda: __import__("cistrade.reference.blocs", fromlist=["x"]).bloc(BIG),
    lambda: __import__("cistrade.indicators.args", fromlist=["x"]).trade_flow(BIG),
    lambda: __import__("cistrade.reference.countries", fromlist=["x"]).registry().lookup(BIG),
], ids=["period", "bloc", "flow", "country"])
def test_a_huge_parameter_is_cut_in_the_message(call) -> None:  # noqa: ANN001
    """Before: the 100 KB parameter was echoed in full (twice for a bloc)."""
    with pytest.raises(CistradeError) as info:
        call()
    assert len(str(info.value)) < 400
    assert len(repr(info.value.to_dict())) < 800
    assert "100,000 characters" in str(info.value)


def test_the_api_cuts_a_huge_path_parameter(tmp_path: Path) -> None:
    from cistrade.sources.tidy import TidySource
    from cistrade.web import create_app

    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        store.ingest(TidySource(), [synthetic_csv(tmp_path / "a.csv", 10)])
    application = create_app(db)

    async def go() -> httpx.Response:
        async with application.router.lifespan_context(application):
            transport = httpx.ASGITransport(app=application)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                return await client.get(f"/api/v1/availability/{BIG[:60_000]}")

    resp = asyncio.run(go())
    assert resp.status_code == 404
    assert len(resp.content) < 1000


# -- the cache of prepared queries --------------------------------------------------------


class Planted:
    """Unpickling one records that it happened (what a hostile pickle could do instead)."""

    def __reduce__(self):  # noqa: ANN204
        return (exec, ("import os; os.environ['CISTRADE_PLANTED_PICKLE_RAN'] = '1'",))


def _ask(db: Path) -> None:
    from cistrade.indicators import connect, share

    with connect(db) as eng:
        share(eng, "ARM", "2000", "export")


def test_prepared_queries_live_in_a_private_folder(tmp_path: Path, monkeypatch) -> None:
    """Before: ``$CISTRADE_CACHE_DIR/prepared`` with the umask's mode (0755 here), and any
    pickle found there was loaded."""
    from cistrade.sources.tidy import TidySource

    cache = tmp_path / "cache"
    monkeypatch.setenv("CISTRADE_CACHE_DIR", str(cache))
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        store.ingest(TidySource(), [synthetic_csv(tmp_path / "a.csv", 720)])
    _ask(db)
    folders = [p for p in cache.iterdir() if p.name.startswith("prepared")]
    assert [p.name for p in folders] == [f"prepared-{os.getuid()}"]
    assert folders[0].stat().st_mode & 0o777 == 0o700
    files = list(folders[0].glob("*.pkl"))
    assert files and all(f.stat().st_mode & 0o777 == 0o600 for f in files)

    # a pickle someone else could have written (group/world-writable) is never loaded
    for f in files:
        f.write_bytes(pickle.dumps(Planted()))
        f.chmod(0o666)
    monkeypatch.delenv("CISTRADE_PLANTED_PICKLE_RAN", raising=False)
    subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; "
                    "sys.path.insert(0, 'tests'); from test_store_upkeep import _ask; "
                    "import os; _ask(Path(sys.argv[1])); "
                    "sys.exit(3 if os.environ.get('CISTRADE_PLANTED_PICKLE_RAN') else 0)", str(db)],
                   env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, cwd=ROOT, check=True,
                   timeout=120)

    # a folder another user owns is not used at all (only root can make one here)
    from cistrade.indicators import prepared

    if os.getuid() == 0:
        os.chown(folders[0], 12345, -1)
        assert prepared.private_folder(folders[0]) is None
