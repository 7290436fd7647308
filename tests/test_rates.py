"""ECB reference rates: both download formats, the ``rates`` table, period averages.

Real files: ../shared/data/fx/eurofxref-hist.zip and eurofxref-daily.csv (the ECB's own
downloads). Damaged variants are written to tmp_path inside each test.
"""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest
from conftest import shared

from cistrade.errors import InputError, NoData
from cistrade.rates import convert, ingest_rates, period_rates, rate_for, rate_stats, read_rates


def hist() -> Path:
    return shared("fx", "eurofxref-hist.zip")


def daily() -> Path:
    return shared("fx", "eurofxref-daily.csv")


def state(store) -> tuple:
    rates = store.con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'rates'").fetchone()[0]
    n = store.con.execute("SELECT count(*) FROM rates").fetchone()[0] if rates else 0
    return n, [d["dataset_id"] for d in store.datasets()], store.count()


@pytest.fixture(scope="module")
def hist_table():
    return read_rates(hist())


def test_reads_the_history_zip(hist_table):
    t = hist_table
    assert t.column_names == ["date", "currency", "per_eur"]
    days = t.column("date").to_pylist()
    assert min(days) == date(1999, 1, 4) and max(days) == date(2026, 4, 13)
    rows = {(d, c): v for d, c, v in zip(days, t.column("currency").to_pylist(),
                                          t.column("per_eur").to_pylist(), strict=True)}
    assert rows[(date(2026, 4, 13), "USD")] == 1.1684
    assert rows[(date(1999, 1, 4), "USD")] == 1.1789
    assert (date(2026, 4, 13), "RUB") not in rows  # N/A cells are left out
    assert rows[(date(2022, 3, 1), "RUB")] > 100


def test_reads_the_one_day_file():
    t = read_rates(daily())
    assert t.num_rows == 29
    assert set(t.column("date").to_pylist()) == {date(2026, 4, 13)}
    assert dict(zip(t.column("currency").to_pylist(), t.column("per_eur").to_pylist(),
                    strict=True))["JPY"] == 186.75


def test_ingest_records_provenance_and_is_idempotent(store):
    report = ingest_rates(store, hist())
    assert report["status"] == "ingested" and report["rows"] > 200_000
    assert report["first_date"] == "1999-01-04" and report["last_date"] == "2026-04-13"
    assert "USD" in report["currencies"]
    (ds,) = store.datasets()
    assert ds["source"] == "ecb-rates" and ds["vintage"] == "2026-04-13"
    assert ds["file_name"] == "eurofxref-hist.zip" and len(ds["sha256"]) == 64
    before = state(store)
    again = ingest_rates(store, hist())
    assert again["status"] == "unchanged" and again["dataset_id"] == report["dataset_id"]
    assert state(store) == before
    assert store.count() == 0  # no flows are touched


def test_newest_vintage_wins_per_day(store, tmp_path):
    ingest_rates(store, hist())
    n = state(store)[0]
    day = ingest_rates(store, daily())  # same day, same vintage: replaces that day's rows
    assert day["superseded_rows"] == 29 and state(store)[0] == n
    old = tmp_path / "old.csv"
    old.write_text("Date,USD,JPY,\n2020-01-03,9.9999,N/A,\n2020-01-02,8.8888,121.0,\n")
    report = ingest_rates(store, old)  # an older vintage cannot overwrite newer rows
    assert report["dropped_rows"] == 3 and report["rows"] == 0
    assert rate_for(store.con, "EUR", "USD", "2020-01") == pytest.approx(1.11, abs=0.01)


def test_annual_averages_match_the_ecb_published_ones(store):
    ingest_rates(store, hist())
    # ECB statistical bulletin: annual average USD per EUR, 2023 1.0813, 2024 1.0824
    assert round(rate_for(store.con, "EUR", "USD", "2023"), 4) == 1.0813
    assert round(rate_for(store.con, "EUR", "USD", "2024"), 4) == 1.0824
    stats = rate_stats(store.con, "EUR", "USD", "2024")
    assert stats.days == 256 and stats.first_date == date(2024, 1, 2)


def test_inverse_cross_and_convert(store):
    ingest_rates(store, hist())
    con = store.con
    eur_usd = rate_for(con, "EUR", "USD", "2024-01..2024-09")
    assert rate_for(con, "USD", "EUR", "2024-01..2024-09") * eur_usd == pytest.approx(1.0)
    gbp_usd = rate_for(con, "GBP", "USD", "2024-Q3")
    assert gbp_usd == pytest.approx(rate_for(con, "EUR", "USD", "2024-Q3")
                                    / rate_for(con, "EUR", "GBP", "2024-Q3"))
    assert 1.2 < gbp_usd < 1.35
    assert rate_for(con, "usd", "USD", "2024") == 1.0
    assert convert(con, 100.0, "EUR", "USD", "2024") == pytest.approx(108.2380, abs=1e-3)


def test_period_rates_for_joining_flows(store):
    ingest_rates(store, hist())
    t = period_rates(store.con, "USD", "M").to_pylist()
    jan = next(r for r in t if r["currency"] == "EUR" and r["period_start"] == date(2024, 1, 1))
    assert jan["period_end"] == date(2024, 1, 31) and jan["freq"] == "M"
    assert jan["rate"] == pytest.approx(rate_for(store.con, "EUR", "USD", "2024-01"))
    usd = [r for r in t if r["currency"] == "USD"]
    assert all(r["rate"] == pytest.approx(1.0) for r in usd)
    assert not [r for r in t if r["period_start"] == date(2026, 4, 1)]  # April 2026 is partial
    annual = period_rates(store.con, "EUR", "A").to_pylist()
    usd24 = next(r for r in annual if r["currency"] == "USD" and r["period_start"].year == 2024)
    assert usd24["rate"] == pytest.approx(1 / 1.08238, rel=1e-4)


def test_rates_not_covering_the_period_say_what_exists(store):
    with pytest.raises(NoData, match="no exchange rates stored"):
        rate_for(store.con, "EUR", "USD", "2024")
    ingest_rates(store, hist())
    with pytest.raises(NoData) as caught:
        rate_for(store.con, "RUB", "USD", "2023")  # the ECB stopped quoting RUB in March 2022
    assert caught.value.available["currencies"]["RUB"] == "2005-04-01..2022-03-01"
    with pytest.raises(NoData, match="only from 2026-01-02 to 2026-04-13"):
        rate_for(store.con, "EUR", "USD", "2026")
    with pytest.raises(NoData):
        rate_for(store.con, "EUR", "XYZ", "2024")
    with pytest.raises(InputError, match="not a currency code"):
        rate_for(store.con, "EURO", "USD", "2024")


def _bad(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "row", "column", "match"),
    [
        ("Day,USD,\n2024-01-02,1.1,\n", 1, None, "not an ECB reference-rate file"),
        ("Date,USD,Yen,\n2024-01-02,1.1,150,\n", 1, None, "not currency codes"),
        ("Date,USD,JPY,\n2024-01-02,1.1,150,\n2024-01-03,1.1,abc,\n", 3, "JPY", "not a rate"),
        ("Date,USD,\n2024-01-02,-1.1,\n", 2, "USD", "positive"),
        ("Date,USD,\n02/01/2024,1.1,\n", 2, "Date", "not a date"),
        ("Date,USD,\n2024-01-02,1.1,7,8\n", 2, None, "more cells"),
        ("Date,USD,\n", None, None, "no rates"),
    ],
)
def test_bad_files_name_row_and_column_and_change_nothing(store, tmp_path, text, row, column,
                                                          match):
    ingest_rates(store, daily())
    before = state(store)
    with pytest.raises(InputError, match=match) as caught:
        ingest_rates(store, _bad(tmp_path, "bad.csv", text))
    assert caught.value.file.endswith("bad.csv")
    assert caught.value.row == row and caught.value.column == column
    assert state(store) == before


def test_zip_with_other_members_is_refused(store, tmp_path):
    path = tmp_path / "two.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("a.csv", "Date,USD,\n2024-01-02,1.1,\n")
        zf.writestr("b.csv", "Date,USD,\n2024-01-03,1.1,\n")
    with pytest.raises(InputError, match="expected one CSV file"):
        ingest_rates(store, path)
    truncated = tmp_path / "eurofxref-hist.zip"
    truncated.write_bytes(hist().read_bytes()[:1000])
    with pytest.raises(InputError, match=str(truncated.name)):
        ingest_rates(store, truncated)
    assert state(store) == (0, [], 0)
