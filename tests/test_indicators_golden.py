"""The JSON document of every indicator, pinned: on the synthetic world and on the real store.

Written before the indicators moved onto one skeleton (issue #15), so that the move can be
shown to change no byte of the output contract. Each case's document
(:meth:`Result.to_dict`, or the error's type and message) is canonical JSON (floats to 12
significant digits, below the noise of DuckDB's parallel sums); the test compares
its SHA-256 — and, to say *where* a document changed, the digest of each top-level key —
with ``tests/data/golden/indicators.json``. Only digests are kept: no figure of the real
publishers' files is copied into the repository.

A change to an indicator's output that is meant (a new field, a reworded note) is recorded
with ``CISTRADE_GOLDEN_UPDATE=1 python -m pytest tests/test_indicators_golden.py`` and the
reason stated in the commit.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from test_indicators_real import real_db  # noqa: F401 - the session's real store

from cistrade import indicators
from cistrade.errors import CistradeError

GOLDEN = ROOT / "tests" / "data" / "golden" / "indicators.json"
UPDATE = os.environ.get("CISTRADE_GOLDEN_UPDATE") == "1"

#: (case, indicator, arguments): every indicator, one reporter and a batch, each kind of
#: partner, monthly and cumulative ranges, the errors a question can meet
SYNTHETIC = [
    ("share-kaz-2023", "share", {"reporter": "KAZ", "period": "2023"}),
    ("share-all-2023-top3", "share", {"reporter": "*", "period": "2023", "top": 3}),
    ("share-arm-cum-export", "share", {"reporter": "Armenia", "period": "2024-01..2024-06",
                                       "flow": "export"}),
    ("share-kaz-partner", "share", {"reporter": "KAZ", "period": "2024-Q2", "partner": "CHN"}),
    ("share-list", "share", {"reporter": ["KAZ", "UZB"], "period": "2023", "top": 5}),
    ("bloc-kaz-cis", "bloc_share", {"reporter": "KAZ", "bloc": "CIS", "period": "2023"}),
    ("bloc-arm-refused", "bloc_share", {"reporter": "ARM", "bloc": "CIS", "period": "2023"}),
    ("bloc-all-eaeu", "bloc_share", {"reporter": "*", "bloc": "EAEU", "period": "2024-01..2024-09"}),
    ("growth-kaz-rus", "growth", {"reporter": "KAZ", "period": "2024-01..2024-09",
                                  "partner": "RUS"}),
    ("growth-kaz-world", "growth", {"reporter": "KAZ", "period": "2024"}),
    ("growth-kaz-eaeu", "growth", {"reporter": "KAZ", "period": "2024", "partner": "EAEU",
                                  "flow": "import"}),
    ("growth-all-pairs", "growth", {"reporter": "*", "period": "2024-01..2024-03",
                                    "partner": "*"}),
    ("growth-by-month", "growth", {"reporter": "UZB", "period": "2024-01..2024-04",
                                   "partner": "CHN", "by": "month"}),
    ("roles-cis", "roles", {"group": "CIS", "period": "2023"}),
    ("roles-eaeu-top3", "roles", {"group": "EAEU", "period": "2024", "top": 3}),
    ("balance-kaz", "balance", {"reporter": "KAZ", "period": "2023"}),
    ("balance-all-partner", "balance", {"reporter": "*", "period": "2023", "partner": "RUS"}),
    ("mirror-rus", "mirror", {"reporter": "RUS", "period": "2023"}),
    ("mirror-all", "mirror", {"reporter": "*", "period": "2023-Q1", "cif_fob": 1.1}),
    ("error-no-data", "share", {"reporter": "KAZ", "period": "2031"}),
    ("error-unknown", "bloc_share", {"reporter": "Atlantis", "bloc": "CIS", "period": "2023"}),
]

REAL = [
    ("real-share-kaz", "share", {"reporter": "Kazakhstan", "period": "2023"}),
    ("real-share-arm-cum", "share", {"reporter": "Armenia", "period": "2024-01..2024-09",
                                     "top": 5}),
    ("real-share-arm-consignment", "share", {"reporter": "ARM", "period": "2024-01..2024-09",
                                             "basis": "consignment", "flow": "import"}),
    ("real-share-rus-2021", "share", {"reporter": "RUS", "period": "2021"}),
    ("real-share-uzb", "share", {"reporter": "UZB", "period": "2023", "top": 10}),
    ("real-share-all", "share", {"reporter": "*", "period": "2023", "top": 3}),
    ("real-bloc-rus-cis", "bloc_share", {"reporter": "RUS", "bloc": "CIS", "period": "2021"}),
    ("real-bloc-kaz-eaeu", "bloc_share", {"reporter": "KAZ", "bloc": "EAEU", "period": "2023"}),
    ("real-bloc-rus-eu", "bloc_share", {"reporter": "RUS", "bloc": "EU", "period": "2021"}),
    ("real-growth-arm-rus", "growth", {"reporter": "ARM", "period": "2024-01..2024-09",
                                       "partner": "RUS"}),
    ("real-growth-kaz-world", "growth", {"reporter": "KAZ", "period": "2023"}),
    ("real-growth-arm-months", "growth", {"reporter": "ARM", "period": "2024-01..2024-06",
                                          "by": "month"}),
    ("real-growth-uzb-cis", "growth", {"reporter": "UZB", "period": "2023", "partner": "CIS"}),
    ("real-roles-cis", "roles", {"group": "CIS", "period": "2023"}),
    ("real-balance-kaz", "balance", {"reporter": "KAZ", "period": "2023"}),
    ("real-mirror-arm", "mirror", {"reporter": "ARM", "period": "2023"}),
    ("real-mirror-rus", "mirror", {"reporter": "RUS", "period": "2023"}),
]


def document(eng: Any, name: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    """The indicator's JSON document, or its error's type and message."""
    try:
        return getattr(indicators, name)(eng, **kwargs).to_dict()
    except CistradeError as exc:
        return {"error": type(exc).__name__, "message": str(exc)}


def _rounded(value: Any) -> Any:
    """Floats to 12 significant digits: DuckDB's parallel sums and windows may differ in the
    last bits from one run to the next (a share's 16th digit), never in the 12th."""
    if isinstance(value, float):
        return float(f"{value:.12g}")
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def digests(doc: dict[str, Any]) -> dict[str, str]:
    def sha(value: Any) -> str:
        text = json.dumps(_rounded(value), ensure_ascii=False, allow_nan=False)  # keys in order
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    return {"document": sha(doc), **{k: sha(v) for k, v in sorted(doc.items())}}


def _check(eng: Any, cases: list[tuple[str, str, dict[str, Any]]]) -> None:
    saved = json.loads(GOLDEN.read_text(encoding="utf-8")) if GOLDEN.exists() else {}
    found = {case: digests(document(eng, name, kwargs)) for case, name, kwargs in cases}
    if UPDATE:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        saved.update(found)
        GOLDEN.write_text(json.dumps(saved, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        return
    changed = {case: sorted(k for k, v in d.items() if saved.get(case, {}).get(k) != v)
               for case, d in found.items() if saved.get(case) != d}
    assert not changed, f"documents changed (case: keys): {changed}"


@pytest.fixture(scope="module")
def synthetic_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from cistrade.store import Store
    from cistrade.synthetic import generate, ingest_synthetic

    folder = tmp_path_factory.mktemp("golden")
    # two years, each country's main partners: some tables list every CIS member, some not
    info = generate(folder / "world.parquet", rows=200_000, years=[2023, 2024])
    path = folder / "synthetic.duckdb"
    with Store(path) as store:
        ingest_synthetic(store, info.path)
    return path


def test_synthetic_documents_are_unchanged(synthetic_db: Path) -> None:
    with indicators.connect(synthetic_db) as eng:
        _check(eng, SYNTHETIC)


def test_real_documents_are_unchanged(real_db: Path) -> None:  # noqa: F811
    with indicators.connect(real_db) as eng:
        _check(eng, REAL)


def test_a_document_asked_twice_is_the_same(synthetic_db: Path) -> None:
    """The digests are of deterministic documents (the prepared query's second run too)."""
    with indicators.connect(synthetic_db) as eng:
        first = [digests(document(eng, n, kw)) for _, n, kw in SYNTHETIC]
        again = [digests(document(eng, n, kw)) for _, n, kw in SYNTHETIC]
    assert first == again
