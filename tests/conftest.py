"""Shared fixtures: the real data folder beside the repo, and fresh stores."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

# A shared or loaded CI machine makes generation slow at times: that is not a failure of the
# code under test (the properties still run every example), so the 'too slow' health check
# and the per-example deadline are off for the whole suite.
settings.register_profile("cistrade", deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("cistrade")

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("CISTRADE_SHARED_DATA", ROOT.parent / "shared" / "data"))
EXAMPLES = SHARED_DATA.parent / "examples"


def shared(*parts: str) -> Path:
    """A path inside ../shared/data; the test is skipped when the folder is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not available: {path}")
    return path


@pytest.fixture(scope="session", autouse=True)
def _private_caches(tmp_path_factory: pytest.TempPathFactory):
    """Tests never write to the user's cache (catalogs, prepared queries, API responses)
    nor read the user's config folder."""
    root = tmp_path_factory.mktemp("cache")
    saved = {k: os.environ.get(k) for k in ("CISTRADE_CACHE_DIR", "CISTRADE_CACHE", "XDG_CONFIG_HOME")}
    os.environ["CISTRADE_CACHE_DIR"] = str(root / "cistrade")
    os.environ["CISTRADE_CACHE"] = str(root / "fetch")
    # the user's own config folder (registered layouts …) never leaks into a test
    os.environ["XDG_CONFIG_HOME"] = str(root / "config")
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture
def shared_data() -> Path:
    return shared()


@pytest.fixture
def store(tmp_path: Path):
    from cistrade.store import Store

    s = Store(tmp_path / "test.duckdb")
    yield s
    s.close()


@pytest.fixture
def mem_store():
    from cistrade.store import Store

    s = Store.memory()
    yield s
    s.close()


def refuse_parallel_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on in this test, the parallel CSV reader refuses every file at once, so that
    the store reads it with DuckDB's reader alone (the fallback)."""
    from cistrade.sources.numbered_csv import NumberedCsv

    def refuse(self, schema):  # noqa: ANN001, ANN202
        self.error = "refused for the test"
        return iter(())

    monkeypatch.setattr(NumberedCsv, "_batches", refuse)


def with_both_readers(monkeypatch: pytest.MonkeyPatch, source: Any, path: Path,
                      rows: Callable[[Any], Any]) -> list[Any]:
    """Ingest ``path`` with ``source`` into a fresh store twice: through the parallel CSV
    reader, then with DuckDB's reader alone. Each outcome is ``rows(store)`` or the error."""
    from cistrade.errors import InputError
    from cistrade.store import Store

    outcomes = []
    for fast in (True, False):
        if not fast:
            refuse_parallel_reader(monkeypatch)
        with Store.memory() as store:
            try:
                store.ingest(source, [path])
                outcomes.append(rows(store))
            except InputError as exc:
                outcomes.append(str(exc))
    return outcomes


def store_state(con: Any) -> tuple:
    """What an ingest may change, as a comparable value: row counts and order-independent
    hashes of flows, datasets, superseded and coverage (issue #14's "store unchanged")."""
    state = []
    for table in ("flows", "datasets", "superseded", "coverage"):
        exists = con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND schema_name = 'main'",
            [table]).fetchall()[0][0]
        if not exists:
            state.append((table, None))
            continue
        n, h = con.execute(
            f"SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0) FROM main.{table} t").fetchall()[0]
        state.append((table, n, h))
    return tuple(state)


def asgi_request(store_path: Path, method: str, path: str, **kw: Any) -> Any:
    """One request to the web app over a store, in process (httpx's ASGI transport, no
    socket), the app's engine pool closed after; the ``httpx.Response``."""
    import asyncio

    import httpx

    from cistrade.web import create_app

    application = create_app(store_path)

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.request(method, path, **kw)

    try:
        return asyncio.run(go())
    finally:
        application.state.pool.close()


def tidy_store(folder: Path, rows: list[dict[str, Any]], series: str) -> Path:
    """A SYNTHETIC store of ``rows`` (a long table, ``synthetic = true``) under ``folder``."""
    import csv

    from cistrade.sources.tidy import TidySource
    from cistrade.store import Store

    path = folder / f"{series.replace('/', '-')}.csv"
    with open(path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    db = folder / "store.duckdb"
    with Store(db) as store:
        store.ingest(TidySource(series=series, vintage="2024", synthetic=True), [path])
    return db
