"""One rule for a reporter's total, on every indicator and engine: the publisher's World total
wherever any of its datasets holds one for the period (newest vintage, then the figure for the
whole period before a sum of months); a sum of partner rows only as a complete or a partial
table, said in ``query.total_basis`` and ``query.complete``; a partial table ranks only its
own rows (``rank_certain``); a bloc whose members the table does not show is refused unless
the publisher prints the group's row.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import test_indicators_engine as suite
from test_indicators_data import ingest, months, rec

from cistrade.errors import NoData
from cistrade.indicators import balance, bloc_share, share
from cistrade.indicators.select import MIN_COMPLETE_PARTNERS

#: partners for a complete table: countries, none of them in the EAEU, plus RUS and KAZ
_OTHERS = ["AFG", "AGO", "ALB", "AND", "ARE", "ARG", "ATG", "AUS", "AUT", "AZE", "BDI", "BEL",
           "BEN", "BFA", "BGD", "BGR", "BHR", "BHS", "BIH", "BLZ", "BOL", "BRA", "BRB", "BRN",
           "BTN", "BWA", "CAF", "CAN", "CHE", "CHL", "CHN", "CIV", "CMR", "COD", "COG", "COL",
           "COM", "CPV", "CRI", "CUB", "CYP", "CZE", "DEU", "DJI", "DMA", "DNK", "DOM", "DZA",
           "ECU", "EGY", "ERI", "ESP", "EST", "ETH", "FIN", "FJI", "FRA", "GAB", "GBR", "GEO",
           "GHA", "GIN", "GMB", "GNB", "GNQ", "GRC", "GRD", "GTM", "GUY", "HND", "HRV", "HTI",
           "HUN", "IDN", "IND", "IRL", "IRN", "IRQ", "ISL", "ISR", "ITA", "JAM", "JOR", "JPN",
           "KEN", "KHM", "KIR", "KNA", "KOR", "KWT", "LAO", "LBN", "LBR", "LBY", "LCA", "LIE",
           "LKA", "LSO", "LTU", "LUX", "LVA"]


def _wide() -> list[dict[str, Any]]:
    """MNG 2023: a table of 103 partners with no World row (the whole trade), and Russia's
    annual World total beside a main-partners monthly table (two datasets, two vintages)."""
    r = [rec("MNG", p, f, "2023", 1.0) for p in _OTHERS for f in ("export", "import")]
    r += [rec("MNG", "RUS", "export", "2023", 30.0), rec("MNG", "RUS", "import", "2023", 50.0),
          rec("MNG", "KAZ", "export", "2023", 4.0), rec("MNG", "KAZ", "import", "2023", 6.0)]
    return r


def _rus_months() -> list[dict[str, Any]]:
    """Russia 2017, monthly: three main partners and monthly World rows summing to 600."""
    r = []
    for m in months("2017-01", "2017-12"):
        r += [rec("RUS", "CHN", "export", m, 10), rec("RUS", "CHN", "import", m, 10),
              rec("RUS", "DEU", "export", m, 5), rec("RUS", "DEU", "import", m, 4),
              rec("RUS", "KAZ", "export", m, 1), rec("RUS", "KAZ", "import", m, 1),
              rec("RUS", "WLD", "export", m, 30), rec("RUS", "WLD", "import", m, 20)]
    return r


def _rus_annual(export: float, imported: float) -> list[dict[str, Any]]:
    """Russia's annual main indicators: the World total and the CIS row, no partners."""
    return [rec("RUS", "WLD", "export", "2017", export), rec("RUS", "WLD", "import", "2017", imported),
            rec("RUS", "G:CIS", "export", "2017", 40), rec("RUS", "G:CIS", "import", "2017", 20),
            rec("RUS", "KAZ", "export", "2017", 12), rec("RUS", "KAZ", "import", "2017", 12)]


#: the engine suite's fixtures (DuckDB, and Spark compared with it) over this module's store
cache, duck, eng = suite.cache, suite.duck, suite.eng


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from cistrade.store import Store

    folder = tmp_path_factory.mktemp("totals")
    path = folder / "totals.duckdb"
    with Store(path) as store:
        ingest(store, folder / "f", _wide(), series="t/mng")
        ingest(store, folder / "f", _rus_months(), series="t/rus-months", vintage="2021")
        ingest(store, folder / "f", _rus_annual(380, 230), series="t/rus-annual", vintage="2020")
        ingest(store, folder / "f", _rus_annual(400, 240), series="t/rus-annual-rev",
               vintage="2021")
    return path


def test_the_published_annual_total_beats_the_sum_of_months_and_partners(eng: Any) -> None:
    """The partners come from the monthly table; the total is the newest vintage's World
    total, and of equally new ones the annual row (640): not the monthly World rows (600),
    nor the older vintage (610), nor the partners (372)."""
    r = share(eng, "RUS", "2017")
    chn = r.row(partner="CHN")
    assert chn["total"] == 640 and chn["share"] == pytest.approx(240 / 640)
    assert r.query["total_basis"] == "published world total"
    assert r.query["complete"] is False and r.query["partners_listed"] == 3
    assert r.query["covered"] == pytest.approx(372 / 640)
    assert any("annual rows" in n for n in r.notes) and any("partial table" in n for n in r.notes)
    assert {d["series"] for d in r.datasets} == {"t/rus-months", "t/rus-annual-rev"}


def test_every_indicator_uses_the_same_total(eng: Any) -> None:
    total = share(eng, "RUS", "2017").rows[0]["total"]
    assert bloc_share(eng, "RUS", "CIS", "2017").rows[0]["total"] == total == 640
    assert balance(eng, "RUS", "2017").row(partner="WLD")["turnover"] == 640


def test_a_partial_table_ranks_only_what_no_unlisted_partner_could_beat(eng: Any) -> None:
    """640 − 372 = 268 is left out: no listed partner is certainly first."""
    r = share(eng, "RUS", "2017")
    assert [(x["partner"], x["rank"], x["rank_certain"]) for x in r.rows] == [
        ("CHN", 1, False), ("DEU", 2, False), ("KAZ", 3, False)]
    mng = share(eng, "MNG", "2023")
    assert mng.row(partner="RUS")["rank_certain"] is True


def test_a_complete_table_without_world_rows(eng: Any) -> None:
    r = share(eng, "MNG", "2023")
    assert r.query["total_basis"] == "sum of partners (complete table)"
    assert r.query["complete"] is True and r.query["partners_listed"] >= MIN_COMPLETE_PARTNERS
    assert sum(x["share"] for x in r.rows) == pytest.approx(1.0)


def test_bloc_members_of_a_complete_table_absent_ones_traded_nothing(eng: Any) -> None:
    r = bloc_share(eng, "MNG", "EAEU", "2023")
    head = r.rows[0]
    assert head["method"] == "members" and head["value"] == 90
    assert r.query["members_missing"] == ["ARM", "BLR", "KGZ"]
    assert any("traded nothing" in n for n in r.notes)


def test_bloc_of_a_partial_table_uses_the_group_row(eng: Any) -> None:
    r = bloc_share(eng, "RUS", "CIS", "2017")
    assert r.rows[0]["method"] == "published group row" and r.rows[0]["value"] == 60
    assert r.query["coverage"]["RUS"]["method"] == "published group row"
    assert "ARM" in r.query["members_missing"]


def test_bloc_of_a_partial_table_without_a_group_row_is_refused(eng: Any) -> None:
    with pytest.raises(NoData) as err:
        bloc_share(eng, "RUS", "EAEU", "2017")
    assert "lists 1 of the 4 members" in str(err.value)
    assert err.value.available["lacking"] == ["ARM", "BLR", "KGZ"]


def test_a_bloc_listing_is_read_once_for_every_period(store_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Which members a reporter's tables list does not depend on the period asked: a new
    bloc question of the same reporter reuses it (the web API's cold path), with the same
    answers as a fresh engine's."""
    from cistrade.indicators import blocs
    from cistrade.indicators.engine import connect

    calls: list[tuple[str, ...]] = []
    real = blocs._listed_query

    def counted(eng: Any, reporters: Any, members: Any) -> Any:
        calls.append(tuple(reporters))
        return real(eng, reporters, members)

    monkeypatch.setattr(blocs, "_listed_query", counted)
    with connect(store_path) as e:
        first = bloc_share(e, "RUS", "CIS", "2017").to_dict()
        with pytest.raises(NoData):
            bloc_share(e, "RUS", "CIS", "2017-01..2017-06")
        again = bloc_share(e, "RUS", "CIS", "2017").to_dict()
    assert calls == [("RUS",)]
    assert again == first
    with connect(store_path) as fresh:
        with pytest.raises(NoData) as err:
            bloc_share(fresh, "RUS", "CIS", "2017-01..2017-06")
        assert bloc_share(fresh, "RUS", "CIS", "2017").to_dict() == first
    assert len(calls) == 2 and "lists" in str(err.value)
