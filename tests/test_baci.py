"""CEPII BACI: the real extract, both country tables, and every kind of bad file.

Real files: ../shared/data/baci/ (81 rows of BACI V202501, Korea's 2023 exports of HS
852352; the V202501 and V202301 country tables). Small files in the BACI layout
(``t,i,j,k,v,q`` as described in CEPII's Readme) are written to tmp_path by the tests.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from conftest import shared

from cistrade.errors import InputError
from cistrade.sources import detect
from cistrade.sources.baci import BaciSource, code_table, read_codes, repair_mojibake
from cistrade.sources.base import SqlData

EXTRACT = "BACI_HS22_extract_korea_852352_2023.csv"
HEADER = "t,i,j,k,v,q\n"


def extract() -> Path:
    return shared("baci", EXTRACT)


def write(tmp_path: Path, name: str, text: str) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def state(store) -> tuple:
    return store.count(), [d["dataset_id"] for d in store.datasets()]


def test_detect_by_content(tmp_path):
    assert detect(extract()).name == "baci"
    renamed = tmp_path / "anything.txt"
    shutil.copyfile(extract(), renamed)
    assert detect(renamed).name == "baci"


def test_real_extract_is_stored_as_exports_fob_by_destination(store):
    report = store.ingest(BaciSource(), [extract()])
    (f,) = report.files
    assert f.rows == 81
    with open(extract(), newline="") as fh:
        raw = list(csv.DictReader(fh))
    rows = store.con.execute(
        """SELECT reporter, partner, flow, freq, period_start, period_end, product_class, product,
                  value, currency, valuation, partner_basis, quantity, quantity_unit, estimated,
                  aggregate, row_ref FROM flows ORDER BY row_ref"""
    ).fetchall()
    assert {r[0] for r in rows} == {"KOR"}
    assert {r[2:4] + r[6:8] + r[9:12] for r in rows} == {
        ("export", "A", "HS22", "852352", "USD", "FOB", "destination")}
    assert {(str(r[4]), str(r[5])) for r in rows} == {("2023-01-01", "2023-12-31")}
    by_ref = {r[-1]: r for r in rows}
    for line, rec in enumerate(raw, start=2):
        row = by_ref[f"row={line}"]
        assert row[8] == pytest.approx(float(rec["v"]) * 1000)  # thousand USD multiplied out
        assert row[12] == (float(rec["q"]) if rec["q"] else None)
        assert row[13] == ("t" if rec["q"] else None)
    assert by_ref["row=2"][1] == "AUS"  # BACI 36 = Australia
    assert not any(r[14] or r[15] for r in rows)
    (ds,) = store.datasets()
    assert ds["source"] == "baci" and ds["series"] == "baci/HS22/2023"
    assert any("country_codes_V202501.csv" in n for n in ds["notes"]["notes"])


def test_the_reader_is_one_sql_pass_over_the_file():
    result = BaciSource().read(extract())
    assert isinstance(result.data, SqlData)
    assert "read_csv(" not in result.data.sql  # Arrow's parallel reader, numbered rows
    fallback = result.data.fallback.sql
    assert "read_csv(" in fallback and fallback.count("read_csv(") == 1


def stored(store) -> list[tuple]:
    return store.con.execute(
        "SELECT * EXCLUDE (dataset_id) FROM flows ORDER BY row_ref").fetchall()


def test_a_file_the_parallel_reader_refuses_is_read_by_duckdb(tmp_path, caplog):
    from cistrade.store import Store

    rows = "2023,410,36,852352,1.5,0.2\n2023,410,40,852352,2.5,\n2023,410,56,030211,3,1\n"
    clean = write(tmp_path / "a", "BACI_HS22_Y2023_V202501.csv", HEADER + rows)
    # the same rows, one of them without its empty last cell: Arrow refuses, DuckDB pads it
    quirky = write(tmp_path / "b", "BACI_HS22_Y2023_V202501.csv",
                   HEADER + rows.replace("2.5,\n", "2.5\n"))
    results = []
    for path in (clean, quirky):
        caplog.clear()
        with caplog.at_level("INFO", logger="cistrade.sources.numbered_csv"), \
                Store(tmp_path / f"{path.parent.name}.duckdb") as store:
            store.ingest(BaciSource(), [path])
            results.append(stored(store))
        fell_back = "reading it again with DuckDB's reader" in caplog.text
        assert fell_back == (path == quirky)
    assert results[0] == results[1] and len(results[0]) == 3
    assert [r[-1] for r in results[0]] == ["row=2", "row=3", "row=4"]
    assert results[0][2][7] == "030211"  # leading zero kept on the fast path


def test_country_tables_both_layouts_and_mojibake_repaired():
    new = {c: (iso, n) for c, iso, n in read_codes(shared("baci", "country_codes_V202501.csv"))}
    old = {c: (iso, n) for c, iso, n in read_codes(shared("baci", "country_codes_V202301.csv"))}
    assert new[384] == ("CIV", "Côte d'Ivoire")
    assert new[792][1] == "Türkiye" and new[531][1] == "Curaçao"
    assert old[490][0] is None  # "N/A" in the old table
    assert len(new) == len(old) == 238
    assert repair_mojibake("CÃ´te d'Ivoire") == "Côte d'Ivoire"
    assert repair_mojibake("Côte d'Ivoire") == "Côte d'Ivoire"  # already right: unchanged


def test_code_table_resolution():
    codes, notes = code_table(shared("baci", "country_codes_V202501.csv"))
    assert codes[842] == "USA" and codes[251] == "FRA" and codes[699] == "IND"
    assert codes[757] == "CHE" and codes[490] == "TWN"  # "Other Asia, nes" is Taiwan
    assert codes[58] == "XBL" and codes[280] == "DEU" and codes[697] == "XNS"
    assert codes[643] == "RUS" and codes[398] == "KAZ" and codes[51] == "ARM"
    # the Southern African Customs Union (...1999) is its own historical area, not South
    # Africa (the old table gives ZAF's ISO code for it), and every code of the table is known
    assert codes[711] == "XZA" and codes[849] == "PUS" and not notes
    old, _ = code_table(shared("baci", "country_codes_V202301.csv"))
    assert old[711] == "XZA"
    bare, _ = code_table(None)
    assert bare[842] == "USA" and bare[58] == "XBL"


def test_codes_option_and_file_beside_the_data(tmp_path, mem_store):
    data = write(tmp_path, "BACI_HS17_Y2019_V202401.csv", HEADER + "2019,710,842,10121,5,\n")
    bad = write(tmp_path, "BACI_HS17_Y2019_V202402.csv", HEADER + "2019,999,842,10121,5,\n")
    with pytest.raises(InputError, match="row 2, column 'i': unknown BACI country code"):
        mem_store.ingest(BaciSource(), [bad])
    old_table = shared("baci", "country_codes_V202301.csv")
    report = mem_store.ingest(BaciSource(codes=old_table), [data])
    assert report.files[0].rows == 1
    row = mem_store.con.execute(
        "SELECT reporter, product, product_class, value FROM flows").fetchone()
    assert row == ("ZAF", "010121", "HS17", 5000.0)  # the leading zero is restored
    with pytest.raises(InputError, match="no such BACI country table"):
        BaciSource(codes=tmp_path / "missing.csv").read(data)


def test_series_vintage_and_newer_release_replaces_older(store, tmp_path):
    old = write(tmp_path, "BACI_HS22_Y2023_V202401.csv", HEADER + "2023,51,643,870323,100,1\n"
                "2023,51,268,870323,50,\n")
    new_dir = tmp_path / "new"
    new_dir.mkdir()
    new = write(new_dir, "BACI_HS22_Y2023_V202501.csv", HEADER + "2023,51,643,870323,120,1\n")
    store.ingest(BaciSource(), [new])
    report = store.ingest(BaciSource(), [old])
    assert report.files[0].dropped_rows == 1  # the newer release already covers ARM→RUS
    rows = dict(store.con.execute("SELECT partner, value FROM flows").fetchall())
    assert rows == {"RUS": 120_000.0, "GEO": 50_000.0}
    assert {d["vintage"] for d in store.datasets()} == {"202401", "202501"}


def test_hs_revision_from_the_name_or_the_option(tmp_path):
    path = write(tmp_path, "korea_extract.csv", HEADER + "2023,410,36,852352,1.5,\n")
    with pytest.raises(InputError, match="cannot tell the HS revision"):
        BaciSource().read(path)
    result = BaciSource(hs=17).read(path)
    assert "'HS17'" in result.data.sql and result.series == "baci/HS17"
    assert result.warnings  # no release in the name: said so


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ("t,i,j,k,value,q\n2023,410,36,852352,1.5,\n", "row 1: unknown header"),
        ("year,exporter,importer,product,v,q\n2023,410,36,852352,1.5,\n", "unknown header"),
        (HEADER + "2023,410,999,852352,1.5,\n", "row 2, column 'j': unknown BACI country code"),
        (HEADER + "2023,410,36,852352,1.5,\n2023,-5,36,852352,1.5,\n",
         "row 3, column 'i': unknown BACI country code"),
        (HEADER + "2023,410,36,852352,1.5,\n2023,410,40,852352,abc,\n",
         "row 3, column 'v': not a value in thousand USD: 'abc'"),
        (HEADER + "2023,410,36,852352,,\n", "row 2, column 'v': .*empty"),
        (HEADER + "2023,410,36,852352,1.5,2 t\n", "row 2, column 'q': not a quantity"),
        (HEADER + "2023,410,36,8523521,1.5,\n", "row 2, column 'k': not an HS6 code"),
        (HEADER + "20x3,410,36,852352,1.5,\n", "row 2, column 't': not a year"),
        (HEADER + "2023,410,36,852352\n", "row 2, column 'v': .*empty"),
        (HEADER + "2023,410,36,852352,1.5,,7\n", "row 2: malformed CSV line"),
        (HEADER + "2023,410,36,852352,1.5,0.2\n2023,410,36,852352,1.5,0.2\n", "duplicate"),
        (HEADER + "2023,410,36,852352,1.5,0.0", "truncated"),
        ("", "empty"),
    ],
)
def test_bad_files_are_refused_naming_the_problem(store, tmp_path, body, match):
    store.ingest(BaciSource(), [extract()])
    before = state(store)
    path = write(tmp_path, "BACI_HS22_Y2023_V202501.csv", body)
    with pytest.raises(InputError, match=match) as caught:
        store.ingest(BaciSource(), [path])
    assert str(path) in str(caught.value)
    assert state(store) == before


def test_same_file_twice_is_unchanged(store):
    store.ingest(BaciSource(), [extract()])
    before = state(store)
    report = store.ingest(BaciSource(), [extract()])
    assert report.files[0].status == "unchanged" and state(store) == before


@pytest.mark.parametrize(("i", "v", "q"), [("410", "1.5", ""), ("0410", "1e3", "2"), ("410", "nan", "1"),
                                           ("410", "1.5", "NA"), ("410", '"2.5"', '""'), (" 410", "1", "1")])
def test_both_readers_read_a_cell_alike(tmp_path, monkeypatch, i, v, q):
    """Arrow's typed reader and DuckDB's text reader give the same rows or the same error."""
    from conftest import with_both_readers

    path = write(tmp_path, "BACI_HS22_Y2023_V202501.csv",
                 HEADER + f"2023,{i},36,852352,{v},{q}\n2023,410,40,030211,3,\n")
    fast, duckdb_alone = with_both_readers(monkeypatch, BaciSource(), path, stored)
    assert fast == duckdb_alone
