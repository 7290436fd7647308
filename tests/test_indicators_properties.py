"""Invariants of the indicators, on random small worlds (hypothesis) and a synthetic one."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_indicators_data import ingest, months, rec

from cistrade.indicators import balance, connect, growth, mirror, share
from cistrade.indicators.args import rankable_codes
from cistrade.model import PeriodRange

SETTINGS = settings(max_examples=30, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
PARTNERS = ["CHN", "RUS", "DEU", "TUR", "KAZ", "USA", "IND", "BLR", "XOT", "XNS"]
values = st.integers(min_value=0, max_value=10**9).map(float)


def engine_for(folder: Path, records: list[dict[str, Any]]) -> Any:
    """A fresh in-memory store holding ``records``, and a DuckDB engine on it."""
    from cistrade.store import Store

    store = Store.memory()
    ingest(store, folder, records, series="prop")
    return connect(store=store)


@st.composite
def partner_values(draw: Any) -> dict[str, tuple[float, float]]:
    chosen = draw(st.lists(st.sampled_from(PARTNERS), min_size=1, max_size=len(PARTNERS),
                           unique=True))
    small = draw(st.booleans())  # small values make ties likely
    pick = st.sampled_from([0.0, 1.0, 2.0]) if small else values
    found = {p: (draw(pick), draw(pick)) for p in chosen}
    if not any(x + m for x, m in found.values()):
        found[chosen[0]] = (1.0, 0.0)
    return found


@SETTINGS
@given(data=partner_values())
def test_shares_sum_to_one_and_ranks_are_a_permutation(tmp_path: Path, data: dict) -> None:
    records = [rec("ARM", p, f, "2023", v) for p, (x, m) in data.items()
               for f, v in (("export", x), ("import", m))]
    eng = engine_for(tmp_path, records)
    r = share(eng, "ARM", "2023")
    assert math.isclose(sum(row["share"] for row in r.rows), 1.0, rel_tol=1e-9)
    ranked = [row["rank"] for row in r.rows if row["partner"] in rankable_codes()]
    assert sorted(ranked) == list(range(1, len(ranked) + 1))
    assert all(row["rank"] is None for row in r.rows if row["partner"] not in rankable_codes())
    by_rank = sorted((row for row in r.rows if row["rank"]), key=lambda row: row["rank"])
    assert all(a["value"] >= b["value"] for a, b in zip(by_rank, by_rank[1:], strict=False))


@st.composite
def monthly_world(draw: Any) -> tuple[dict[str, dict[str, float]], PeriodRange]:
    """Per month of 2023–2024 the values of two partners (every month present)."""
    cells = {m: {f"{p}:{f}": draw(values) for p in ("CHN", "RUS") for f in ("export", "import")}
             for m in months("2023-01", "2024-12")}
    first = draw(st.integers(1, 12))
    last = draw(st.integers(first, 12))
    return cells, PeriodRange.parse(f"2024-{first:02d}..2024-{last:02d}")


def _records(cells: dict[str, dict[str, float]]) -> list[dict[str, Any]]:
    out = []
    for m, row in cells.items():
        for key, value in row.items():
            partner, flow = key.split(":")
            out.append(rec("GEO", partner, flow, m, value))
    return out


def _sum(cells: dict[str, dict[str, float]], rng: PeriodRange) -> float:
    return sum(sum(cells[str(m)].values()) for m in rng.months())


@SETTINGS
@given(world=monthly_world())
def test_a_range_is_the_sum_of_its_months_and_growth_their_ratio(tmp_path: Path,
                                                                   world: Any) -> None:
    cells, rng = world
    eng = engine_for(tmp_path, _records(cells))
    total = balance(eng, "GEO", rng).row(partner="WLD")["turnover"]
    assert total == pytest.approx(_sum(cells, rng), rel=1e-12, abs=1e-6)
    g = growth(eng, "GEO", rng).rows[0]
    cur, prev = _sum(cells, rng), _sum(cells, rng.previous_year())
    assert (g["value"], g["previous_value"]) == (pytest.approx(cur), pytest.approx(prev))
    if prev:
        assert g["growth"] == pytest.approx(cur / prev - 1, rel=1e-9, abs=1e-12)
    else:
        assert g["growth"] is None


COUNTRIES = ["ARM", "KAZ", "UZB", "KGZ"]


@SETTINGS
@given(flows=st.dictionaries(st.sampled_from([(a, b) for a in COUNTRIES for b in COUNTRIES
                                              if a != b]),
                             st.integers(1, 10**9).map(float), min_size=1),
       factor=st.sampled_from([1.0, 1.06, 1.1]))
def test_symmetric_reporting_gives_mirror_ratios_of_one(tmp_path: Path, flows: dict,
                                                        factor: float) -> None:
    records = []
    for (a, b), x in flows.items():
        records += [rec(a, b, "export", "2023", x, valuation="FOB"),
                    rec(b, a, "import", "2023", x * factor, valuation="CIF")]
    eng = engine_for(tmp_path, records)
    r = mirror(eng, "*", "2023", cif_fob=factor)
    for row in r.rows:
        for flow in ("export", "import"):
            if row[f"{flow}_reported"] is not None:
                assert row[f"{flow}_ratio"] == pytest.approx(1.0, rel=1e-9)
    assert len([row for row in r.rows if row["export_reported"]]) == len(flows)


@pytest.fixture(scope="module")
def synthetic_engine(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    from cistrade.store import Store
    from cistrade.synthetic import ingest_synthetic, small_world

    folder = tmp_path_factory.mktemp("synthetic")
    info = small_world(folder, seed=7)
    store = Store(folder / "synthetic.duckdb")
    ingest_synthetic(store, info.path)
    eng = connect(store=store)
    yield eng
    eng.close()
    store.close()


def test_synthetic_world_reporter_and_mirror_agree(synthetic_engine: Any) -> None:
    """The generator records imports as exports × 1.06 with 1.5 % noise: once adjusted by the
    same factor, reporter and mirror views agree to within the noise."""
    r = mirror(synthetic_engine, "KAZ", "2023")
    ratios = [row["export_ratio"] for row in r.rows if row["export_ratio"]]
    ratios += [row["import_ratio"] for row in r.rows if row["import_ratio"]]
    assert len(ratios) > 10
    ratios.sort()
    assert ratios[len(ratios) // 2] == pytest.approx(1.0, abs=0.01)
    assert all(1 / 1.06 < x < 1.06 for x in ratios)
    assert all(d["synthetic"] for d in r.datasets)


def test_synthetic_russia_from_2022_is_mirror_only(synthetic_engine: Any) -> None:
    r = mirror(synthetic_engine, "RUS", "2023", partner="CHN")
    row = r.rows[0]
    assert (row["export_basis"], row["import_basis"]) == ("mirror", "mirror")
    assert any("every figure is a mirror figure" in n for n in r.notes)
    with pytest.raises(Exception, match="no data for RUS"):
        share(synthetic_engine, "RUS", "2023")
