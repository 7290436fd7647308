"""Shared fixtures: the real data folder beside the repo, and fresh stores."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("CISTRADE_SHARED_DATA", ROOT.parent / "shared" / "data"))
EXAMPLES = SHARED_DATA.parent / "examples"


def shared(*parts: str) -> Path:
    """A path inside ../shared/data; the test is skipped when the folder is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not available: {path}")
    return path


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
