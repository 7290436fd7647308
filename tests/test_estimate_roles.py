"""``roles --estimate`` (issue #18 item 1, :mod:`cistrade.estimate.roles`) on a small SYNTHETIC
store written here: two EAEU members, Russia and Kazakhstan, published their tables by
partner until 2021 and only World totals in 2024; China and Germany report their 2024 trade
with both, month by month. Armenia, Belarus and Kyrgyzstan have nothing at all.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import asgi_request, tidy_store

from cistrade.estimate.run import estimate_share
from cistrade.indicators import connect, roles

B = 1e9
PERIOD = "2024-01..2024-09"
MONTHS = [f"2024-{m:02d}" for m in range(1, 10)]
#: 2021 tables (USD bn): member → partner → (exports, imports)
OWN = {"RUS": {"CHN": (60, 50), "DEU": (30, 20), "KAZ": (15, 10)},
       "KAZ": {"CHN": (15, 12), "RUS": (10, 15), "DEU": (4, 3)}}
#: 2024 monthly reports (USD bn) by China and Germany: reporter → member → (its exports to
#: the member, its imports from it)
REPORTS = {"CHN": {"RUS": (5.0, 6.0), "KAZ": (1.2, 1.5)},
           "DEU": {"RUS": (1.0, 2.0), "KAZ": (0.3, 0.4)}}


def _rows() -> list[dict[str, Any]]:
    rows = []

    def add(rep: str, par: str, flow: str, period: str, value: float, val: str,
            agg: bool = False) -> None:
        rows.append({"reporter": rep, "partner": par, "flow": flow, "period": period,
                     "value": value * B, "currency": "USD", "valuation": val,
                     "aggregate": str(agg).lower()})

    for member, table in OWN.items():
        for partner, (x, m) in table.items():
            add(member, partner, "export", "2021", x, "FOB")
            add(member, partner, "import", "2021", m, "CIF")
        add(member, "WLD", "export", "2021", sum(x for x, _ in table.values()) / 0.9, "FOB", True)
        add(member, "WLD", "import", "2021", sum(m for _, m in table.values()) / 0.9, "CIF", True)
        for month in MONTHS:
            add(member, "WLD", "export", month, sum(x for x, _ in table.values()) / 10, "FOB",
                True)
            add(member, "WLD", "import", month, sum(m for _, m in table.values()) / 10, "CIF",
                True)
    for reporter, by_member in REPORTS.items():
        for member, (x, m) in by_member.items():
            for month in MONTHS:
                add(reporter, member, "export", month, x, "FOB")
                add(reporter, member, "import", month, m, "CIF")
    return rows


@pytest.fixture(scope="module")
def eng(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    db = tidy_store(tmp_path_factory.mktemp("estimate-roles"), _rows(),
                    "synthetic/estimate-roles")
    with connect(db) as e:
        yield e


def test_suppliers_and_markets_sum_the_members_estimates(eng: Any) -> None:
    r = roles(eng, "EAEU", PERIOD, estimate=True, top=None)
    assert r.kind == "roles" and r.query["basis"] == "estimate"
    assert r.to_dict()["query"]["indicator"] == "roles"
    chn = next(row for row in r.rows if row["partner"] == "CHN")
    for role, flow in (("supplier", "import"), ("market", "export")):
        parts = [estimate_share(eng, m, PERIOD, flow, partner="CHN").rows[0] for m in ("RUS", "KAZ")]
        for key in ("value", "value_low", "value_high"):
            assert chn[f"{role}_{key}"] == pytest.approx(sum(p[key] for p in parts)), (role, key)
    # China's exports to the members × 1.06 are their imports from it
    assert chn["supplier_value"] == pytest.approx(9 * (5.0 + 1.2) * 1.06 * B)
    assert chn["members_trading"] == 2 and chn["method"] == "mirror"
    assert chn["sources"] == ["tidy"] and chn["basis"] == "estimate"
    for row in r.rows:
        for role in ("supplier", "market"):
            assert row[f"{role}_value_low"] <= row[f"{role}_value"] <= row[f"{role}_value_high"]
            assert row[f"{role}_share_low"] <= row[f"{role}_share"] <= row[f"{role}_share_high"]
    from cistrade.indicators.registry import indicator

    spec = indicator("roles")
    for name in (*spec.fields, *spec.variants[0].fields):
        assert name in chn, name


def test_ranks_only_where_the_band_separates_neighbours(eng: Any) -> None:
    r = roles(eng, "EAEU", PERIOD, estimate=True, top=None)
    by = {row["partner"]: row for row in r.rows}
    # China supplies far more than anyone: rank 1 for certain
    assert by["CHN"]["supplier_rank"] == 1 and by["CHN"]["supplier_rank_range"] == "1"
    for row in r.rows:
        for role in ("supplier", "market"):
            best, worst = row[f"{role}_rank_best"], row[f"{role}_rank_worst"]
            if best is None:
                continue
            assert row[f"{role}_rank"] == (best if best == worst else None)
            assert row[f"{role}_rank_range"] == (str(best) if best == worst else f"{best}–{worst}")
    # Russia and Kazakhstan are partners of each other, carried from 2021 (no 2024 report)
    assert by["RUS"]["method"] == "carried forward" and by["RUS"]["supplier_value_low"] == 0
    assert "–" in (by["RUS"]["supplier_rank_range"] or "")


def test_members_without_reports_are_left_out_and_said(eng: Any) -> None:
    r = roles(eng, "EAEU", PERIOD, estimate=True)
    status = {m["member"]: m for m in r.sections["members"]}
    assert {m for m, s in status.items() if s["status"] == "estimated"} == {"KAZ", "RUS"}
    assert {m for m, s in status.items() if s["status"] == "none"} == {"ARM", "BLR", "KGZ"}
    assert status["RUS"]["top_partners"][0]["partner"] == "CHN"
    assert status["RUS"]["coverage"] is not None and status["RUS"]["known_year"] == 2021
    e = r.query["estimate"]
    assert e["members_none"] == ["ARM", "BLR", "KGZ"] and e["sufficient"] is False
    assert e["cif_fob"] == 1.06 and e["cif_fob_range"] == [1.0, 1.1]
    assert r.notes[0].startswith("ESTIMATE, not the EAEU members' own figures")
    assert any("left out: ARM, BLR, KGZ" in n for n in r.notes)
    assert all(d["synthetic"] for d in r.datasets)


def test_the_factor_and_what_does_not_apply(eng: Any) -> None:
    from cistrade.errors import InputError

    r = roles(eng, "EAEU", PERIOD, estimate=True, cif_fob=1.0, top=None)
    chn = next(row for row in r.rows if row["partner"] == "CHN")
    assert chn["supplier_value"] == pytest.approx(9 * (5.0 + 1.2) * B)
    assert r.query["estimate"]["cif_fob"] == 1.0
    with pytest.raises(InputError, match="does not apply to an estimate"):
        roles(eng, "EAEU", PERIOD, estimate=True, source="tidy")
    top = roles(eng, "EAEU", PERIOD, estimate=True, top=1)
    assert all(1 in (row["supplier_rank_best"], row["market_rank_best"]) for row in top.rows)


def test_cli_and_api_roles_estimate(eng: Any) -> None:
    from typer.testing import CliRunner

    from cistrade.cli import app

    args = ["roles", "-g", "EAEU", "-p", PERIOD, "--estimate", "--db", str(eng.store_path)]
    table = CliRunner().invoke(app, args)
    assert table.exit_code == 0, table.output
    assert "ESTIMATE from the partners' reports" in table.output
    assert "supplier_rank_range" in table.output
    doc = json.loads(CliRunner().invoke(app, [*args, "--format", "json"]).stdout)
    assert doc["query"]["basis"] == "estimate" and doc["members"]
    resp = asgi_request(eng.store_path, "GET", "/api/v1/roles", params={
        "group": "EAEU", "period": PERIOD, "estimate": "true"})
    assert resp.status_code == 200, resp.text
    api = resp.json()
    # the same answer (sums compared to 1e-9 relative: DuckDB's parallel sums may differ in
    # the last bit between runs)
    assert [r["partner"] for r in api["rows"]] == [r["partner"] for r in doc["rows"]]
    assert [r["supplier_value"] for r in api["rows"]] == pytest.approx(
        [r["supplier_value"] for r in doc["rows"]], rel=1e-9)
    assert api["query"]["estimate"]["members_none"] == ["ARM", "BLR", "KGZ"]
