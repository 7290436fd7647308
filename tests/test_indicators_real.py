"""Indicators on the real publishers' files in ../shared/data, against published figures.

The store is built once per session (national offices, Armenia's Eurostat mirror folder, ECB
rates) in a temporary folder; every test reads it through a read-only DuckDB engine.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from conftest import SHARED_DATA, shared

from cistrade.errors import NoData
from cistrade.indicators import balance, bloc_share, connect, growth, mirror, roles, share

NATIONAL = {
    "kz-bns": ("national/kz-bns", "*.xls"),
    "uz-stat": ("national/uz-stat", "*.csv"),
    "am-armstat": ("national/am-armstat", "*.csv"),
    "ru-fts": ("national/ru-fts", "*.xlsx"),
    "eurostat": ("mirror/eurostat/armenia_export_eurostat", "*.csv"),
}


@pytest.fixture(scope="session")
def real_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from cistrade.rates import ingest_rates
    from cistrade.sources import get_source
    from cistrade.store import Store

    shared("national")
    path = tmp_path_factory.mktemp("real") / "real.duckdb"
    with Store(path) as store:
        for name, (folder, pattern) in NATIONAL.items():
            files = sorted((SHARED_DATA / folder).glob(pattern))
            store.ingest(get_source(name)(), files)
        ingest_rates(store, shared("fx", "eurofxref-hist.zip"))
    return path


@pytest.fixture(scope="module")
def eng(real_db: Path, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CISTRADE_CACHE_DIR", str(tmp_path_factory.mktemp("real-cache")))
        e = connect(real_db)
        yield e
        e.close()


def pct(x: float) -> float:
    return round(100 * x, 1)


def test_kazakhstan_2023_partners(eng: Any) -> None:
    r = share(eng, "Kazakhstan", "2023")
    first, second = r.rows[0], r.rows[1]
    assert round(first["total"] / 1e9, 2) == 139.55
    assert (first["partner"], first["rank"], pct(first["share"])) == ("CHN", 1, 21.5)
    assert (second["partner"], second["rank"], pct(second["share"])) == ("RUS", 2, 19.4)
    assert r.datasets[0]["source"] == "kz-bns" and r.datasets[0]["file"] == "by_country_2023.xls"


def test_uzbekistan_2023_flows_and_partners(eng: Any) -> None:
    exports = share(eng, "UZB", "2023", flow="export", top=1).rows[0]["total"]
    imports = share(eng, "UZB", "2023", flow="import", top=1).rows[0]["total"]
    assert (round(exports / 1e9, 2), round(imports / 1e9, 2)) == (24.87, 38.66)
    r = share(eng, "Uzbekistan", "2023")
    assert (r.rows[0]["partner"], pct(r.rows[0]["share"])) == ("CHN", 21.8)
    assert r.row(partner="RUS")["rank"] == 2 and pct(r.row(partner="RUS")["share"]) == 16.0


def test_armenia_russia_share_both_bases(eng: Any) -> None:
    def rus(period: str, basis: str | None = None) -> float:
        return pct(share(eng, "Armenia", period, partner="Russia", basis=basis).rows[0]["share"])

    assert rus("2024-01..2024-09") == 41.8
    assert rus("2024-01..2024-09", "consignment") == 42.4
    assert rus("2023-01..2023-09") == 35.8


def test_russia_2021_cis_share_from_published_group_row(eng: Any) -> None:
    r = bloc_share(eng, "Russia", "CIS", "2021")
    head = r.rows[0]
    assert (head["partner"], head["method"], pct(head["share"])) == (
        "G:CIS", "published group row", 12.2)
    assert any("94itog" in d["file"] for d in r.datasets)
    assert any("own group row" in n for n in r.notes)


def test_kazakhstan_cis_members_match_the_published_row(eng: Any) -> None:
    """BNS's "CIS countries" row follows the CIS as national statistics group it (CIS11):
    the sum over those members equals it; the EAEU sum equals BNS's EAEU row exactly."""
    cis11 = bloc_share(eng, "KAZ", "CIS11", "2023").rows[0]
    eaeu = bloc_share(eng, "KAZ", "EAEU", "2023").rows[0]
    assert cis11["method"] == "members"
    assert cis11["value"] == pytest.approx(16.51580668899e9 + 20.37580984931e9, rel=2e-3)
    assert eaeu["value"] == pytest.approx(11.57307571603e9 + 18.22149979083e9, rel=1e-9)


def test_armenia_russia_growth_against_the_raw_file(eng: Any) -> None:
    cur = prev = 0.0
    with open(shared("national", "am-armstat", "arm_trade_country_monthly.csv"),
              encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            if row["country"] == "Russian Federation" and 1 <= int(row["month"]) <= 9:
                value = (float(row["export"]) + float(row["import_origin"])) * 1000
                cur += value if row["year"] == "2024" else 0.0
                prev += value if row["year"] == "2023" else 0.0
    g = growth(eng, "Armenia", "2024-01..2024-09", "Russia").rows[0]
    assert g["value"] == pytest.approx(cur, rel=1e-12)
    assert g["previous_value"] == pytest.approx(prev, rel=1e-12)
    assert g["growth"] == pytest.approx(cur / prev - 1, rel=1e-9)


def test_armenia_mirror_from_eurostat_in_euro(eng: Any) -> None:
    r = mirror(eng, "ARM", "2023", partner="DEU")
    row = r.rows[0]
    assert row["import_basis"] == "reported" and row["import_mirror"] > 0
    assert 0.5 < row["import_ratio"] < 2.0
    assert any(d["source"] == "ecb-rates" for d in r.datasets)
    assert r.query["rates"] and any("converted to USD" in n for n in r.notes)


def test_cis_roles_say_which_members_reported(eng: Any) -> None:
    r = roles(eng, "CIS", "2023", top=5)
    status = {m["member"]: m["status"] for m in r.sections["members"]}
    assert {status[m] for m in ("ARM", "KAZ", "UZB")} == {"reported"}
    assert status["RUS"] == "mirror"  # publishes no partner detail for 2023
    assert r.rows[0]["supplier_rank"] == 1


def test_russia_2017_share_of_the_published_total(eng: Any) -> None:
    """96stran lists 29 partners (478.8 bn in 2017); 94itog publishes the World total
    (585.1 bn): the share is of that, and the rank is not certain beyond the listed rows."""
    r = share(eng, "RUS", "2017", partner="CHN")
    row = r.rows[0]
    assert (pct(row["share"]), round(row["total"] / 1e9, 1)) == (14.9, 585.1)
    assert r.query["total_basis"] == "published world total" and r.query["complete"] is False
    assert r.query["partners_listed"] == 29 and round(r.query["covered"], 3) == 0.818
    assert row["rank"] == 1 and row["rank_certain"] is False
    assert {d["file"] for d in r.datasets} == {"94itog.xlsx", "96stran.xlsx"}


def test_russia_2021_one_total_for_every_indicator(eng: Any) -> None:
    """The annual World total (789.4 bn), for the share as for the bloc share and balance."""
    total = share(eng, "RUS", "2021", top=1).rows[0]["total"]
    assert round(total / 1e9, 1) == 789.4
    assert bloc_share(eng, "RUS", "CIS", "2021").rows[0]["total"] == total
    assert balance(eng, "RUS", "2021").row(partner="WLD")["turnover"] == total


def test_russia_eu_refused_naming_the_missing_members(eng: Any) -> None:
    """96stran shows 13 of the 28 EU members of 2018 and FTS prints no EU row."""
    with pytest.raises(NoData) as err:
        bloc_share(eng, "RUS", "EU", "2018")
    lacking = err.value.available["lacking"]
    assert len(lacking) == 15 and {"BGR", "DNK", "PRT", "ROU"} <= set(lacking)
    assert len(err.value.available["members_listed"]) == 13
    assert "lists 13 of the 28 members" in str(err.value)


def test_complete_tables_say_so(eng: Any) -> None:
    kaz = share(eng, "KAZ", "2023", top=2)
    assert kaz.query["total_basis"] == "published world total" and kaz.query["complete"] is True
    assert kaz.rows[1]["rank_certain"] is True
    arm = share(eng, "ARM", "2023", top=1)
    assert arm.query["total_basis"] == "sum of partners (complete table)"
    assert arm.query["complete"] is True
