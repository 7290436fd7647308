"""The store: atomic, idempotent ingest with vintages and provenance; every bad input refused."""

from __future__ import annotations

import math
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cistrade.errors import InputError, UnknownCountry
from cistrade.sources.tidy import TidySource
from cistrade.store import Store

HEADER = "reporter,partner,flow,period,value,currency\n"
GOOD = HEADER + "ARM,RUS,export,2024-01,100,USD\nARM,RUS,import,2024-01,250.5,USD\nARM,CHN,import,2024-01,80,USD\n"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def snapshot(store: Store) -> tuple:
    flows = store.con.execute("SELECT * FROM flows ORDER BY ALL").fetchall()
    datasets = store.con.execute("SELECT dataset_id, row_count FROM datasets ORDER BY 1").fetchall()
    coverage = store.con.execute("SELECT * FROM coverage ORDER BY ALL").fetchall()
    return flows, datasets, coverage


def recount(store: Store) -> list[tuple]:
    """The coverage as a fresh count of flows would give it."""
    from cistrade.schema import coverage_select

    return store.con.execute(f"SELECT * FROM ({coverage_select()}) ORDER BY ALL").fetchall()


def coverage(store: Store) -> list[tuple]:
    return store.con.execute("SELECT * FROM coverage ORDER BY ALL").fetchall()


def test_ingest_records_rows_and_provenance(store, tmp_path):
    path = write(tmp_path, "arm.csv", GOOD)
    report = store.ingest(TidySource(), [path])
    assert report.rows == 3 and report.changed
    (ds,) = store.datasets()
    assert ds["source"] == "tidy" and ds["file_name"] == "arm.csv"
    assert len(ds["sha256"]) == 64 and ds["row_count"] == 3 and ds["active_rows"] == 3
    assert ds["synthetic"] is False
    row = store.con.execute(
        "SELECT reporter, partner, flow, freq, period_start, period_end, value, row_ref "
        "FROM flows WHERE partner = 'RUS' AND flow = 'import'"
    ).fetchone()
    assert row[:4] == ("ARM", "RUS", "import", "M")
    assert str(row[4]) == "2024-01-01" and str(row[5]) == "2024-01-31"
    assert row[6] == 250.5 and row[7] == "row=3"


def test_same_file_twice_changes_nothing(store, tmp_path):
    path = write(tmp_path, "arm.csv", GOOD)
    store.ingest(TidySource(), [path])
    before = snapshot(store)
    report = store.ingest(TidySource(), [path])
    assert not report.changed
    assert report.files[0].status == "unchanged"
    assert report.files[0].dataset_id == store.datasets()[0]["dataset_id"]
    assert snapshot(store) == before


def test_newer_vintage_replaces_older_in_any_order(tmp_path):
    old = write(tmp_path, "v1.csv", GOOD)
    new = write(tmp_path, "v2.csv", GOOD.replace("100,USD", "111,USD"))
    results = []
    for order in ([("1", old), ("2", new)], [("2", new), ("1", old)]):
        s = Store(tmp_path / f"order{order[0][0]}.duckdb")
        for vintage, path in order:
            s.ingest(TidySource(series="arm/monthly", vintage=vintage), [path])
        results.append(
            s.con.execute(
                "SELECT d.vintage, f.value FROM flows f JOIN datasets d USING (dataset_id) "
                "WHERE f.partner = 'RUS' AND f.flow = 'export'"
            ).fetchall()
        )
        assert s.count() == 3
        s.close()
    assert results[0] == results[1] == [("2", 111.0)]


def test_vintage_replacement_is_recorded(store, tmp_path):
    store.ingest(TidySource(series="s", vintage="1"), [write(tmp_path, "a.csv", GOOD)])
    report = store.ingest(TidySource(series="s", vintage="2"), [write(tmp_path, "b.csv", GOOD + "ARM,DEU,export,2024-01,5,USD\n")])
    assert report.files[0].superseded_rows == 3
    assert store.count() == 4
    by_id = {d["file_name"]: d["active_rows"] for d in store.datasets()}
    assert by_id == {"a.csv": 0, "b.csv": 4}


def test_coverage_is_kept_by_every_ingest(tmp_path):
    s = Store(tmp_path / "c.duckdb")
    assert coverage(s) == []
    s.ingest(TidySource(series="s", vintage="1"), [write(tmp_path, "a.csv", GOOD)])
    assert coverage(s) == recount(s) and len(coverage(s)) == 2  # export and import rows
    # a newer vintage supersedes part of the older one: both datasets are recounted
    newer = HEADER + "ARM,RUS,import,2024-01,251,USD\nARM,RUS,export,2024-02,7,USD\n"
    s.ingest(TidySource(series="s", vintage="2"), [write(tmp_path, "b.csv", newer)])
    assert coverage(s) == recount(s)
    assert sum(r[-1] for r in coverage(s)) == s.count() == 4
    by_dataset = {d["file_name"]: d["dataset_id"] for d in s.datasets()}
    # a.csv keeps its CHN import and its RUS export; b.csv's two rows replaced the others
    assert sum(r[-1] for r in coverage(s) if r[1] == by_dataset["a.csv"]) == 2
    s.close()


def test_coverage_is_built_for_a_store_written_without_it(tmp_path):
    s = Store(tmp_path / "old.duckdb")
    s.ingest(TidySource(), [write(tmp_path, "a.csv", GOOD)])
    s.con.execute("DROP TABLE coverage")
    s.close()
    s = Store(tmp_path / "old.duckdb")
    assert coverage(s) == recount(s) != []
    s.close()


def test_a_failing_file_leaves_the_store_unchanged(store, tmp_path):
    store.ingest(TidySource(), [write(tmp_path, "first.csv", GOOD)])
    before = snapshot(store)
    good = write(tmp_path, "good.csv", GOOD.replace("2024-01", "2024-02"))
    bad = write(tmp_path, "bad.csv", HEADER + "ARM,RUS,export,2024-03,12,USD\nARM,RUS,import,2024-03,oops,USD\n")
    with pytest.raises(InputError) as err:
        store.ingest(TidySource(), [good, bad])
    assert "bad.csv" in str(err.value) and "row 3" in str(err.value)
    assert snapshot(store) == before


BAD_INPUTS = {
    "wrong columns": ("country,partner,flow,period,value\nARM,RUS,export,2024,1\n", "missing column"),
    "text in a numeric column": (HEADER + "ARM,RUS,export,2024,12abc,USD\n",
                                 "column 'value': not a number: '12abc'"),
    "text in the quantity column": (HEADER.replace("\n", ",quantity\n")
                                    + "ARM,RUS,export,2024,12,USD,lots\n",
                                    "column 'quantity': not a number: 'lots'"),
    "a decimal comma in a comma-separated file": (HEADER + 'ARM,RUS,export,2024,"12,5",USD\n',
                                                  "not a number: '12,5' (a decimal comma?"),
    "negative value": (HEADER + "ARM,RUS,export,2024,-5,USD\n", "negative"),
    "infinite value": (HEADER + "ARM,RUS,export,2024,inf,USD\n", "finite"),
    "NaN value": (HEADER + "ARM,RUS,export,2024,nan,USD\n", "finite"),
    "unknown country": (HEADER + "ARM,Atlantis,export,2024,5,USD\n", "unknown country 'Atlantis'"),
    "duplicate rows": (HEADER + "ARM,RUS,export,2024,5,USD\nARM,RUS,export,2024,6,USD\n", "duplicate"),
    "empty file": ("", "empty"),
    "header only": (HEADER, "no data rows"),
    "bad period": (HEADER + "ARM,RUS,export,2024-13,5,USD\n", "not a period"),
    "unknown flow": (HEADER + "ARM,RUS,transit,2024,5,USD\n", "unknown flow"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_refused_with_file_and_row(store, tmp_path, case):
    text, message = BAD_INPUTS[case]
    store.ingest(TidySource(), [write(tmp_path, "ok.csv", GOOD)])
    before = snapshot(store)
    path = write(tmp_path, "bad.csv", text)
    with pytest.raises(InputError) as err:
        store.ingest(TidySource(), [path])
    assert message in str(err.value)
    assert "bad.csv" in str(err.value)
    if case not in ("empty file", "header only"):
        assert err.value.row is not None
    assert snapshot(store) == before


def test_wrong_encoding_names_the_line(store, tmp_path):
    path = write(tmp_path, "latin.csv", HEADER + "ARM,RUS,export,2024,5,USD\nARM,Türkiye,export,2024,5,USD\n", "latin-1")
    with pytest.raises(InputError, match="not UTF-8") as err:
        store.ingest(TidySource(), [path])
    assert err.value.row == 3
    assert store.count() == 0
    store.ingest(TidySource(encoding="latin-1"), [path])
    assert store.con.execute("SELECT count(*) FROM flows WHERE partner = 'TUR'").fetchone()[0] == 1


def test_unknown_country_suggests_close_matches(store, tmp_path):
    path = write(tmp_path, "typo.csv", HEADER + "ARM,Kazakstan,export,2024,5,USD\n")
    with pytest.raises(UnknownCountry) as err:
        store.ingest(TidySource(), [path])
    assert "KAZ" in err.value.suggestions or any("Kaz" in s for s in err.value.suggestions)


def test_names_and_codes_resolve_through_the_registry(store, tmp_path):
    text = HEADER + "Armenia,Russian Federation,X,2024,5,USD\n051,Кыргызстан,M,2024,7,USD\n"
    store.ingest(TidySource(), [write(tmp_path, "names.csv", text)])
    got = store.con.execute("SELECT reporter, partner, flow FROM flows ORDER BY value").fetchall()
    assert got == [("ARM", "RUS", "export"), ("ARM", "KGZ", "import")]


def test_mapping_units_and_leading_zeros(store, tmp_path):
    text = (
        "Reporter Code,Partner,Dir,Year,Value kUSD,HS\n"
        "KAZ,CHN,export,2023,1.5,010121\n"
        "KAZ,CHN,export,2023,2,0201\n"
    )
    mapping = {"reporter": "Reporter Code", "partner": "Partner", "flow": "Dir", "period": "Year",
               "value": "Value kUSD", "unit_multiplier": "1000", "product": "HS", "product_class": "HS22"}
    store.ingest(TidySource(mapping), [write(tmp_path, "kaz.csv", text)])
    got = store.con.execute("SELECT product, product_class, value FROM flows ORDER BY product").fetchall()
    assert got == [("010121", "HS22", 1500.0), ("0201", "HS22", 2000.0)]


def test_parquet_with_explicit_types(store, tmp_path):
    table = pa.table({
        "reporter": ["UZB", "UZB"], "partner": ["RUS", "CHN"], "flow": ["import", "import"],
        "period": ["2023", "2023"], "value": [1.0e9, 2.5e9], "currency": ["USD", "USD"],
        "product": ["TOTAL", "TOTAL"],
    })
    path = tmp_path / "uzb.parquet"
    pq.write_table(table, path)
    report = store.ingest(TidySource(), [path])
    assert report.rows == 2
    refs = store.con.execute("SELECT row_ref FROM flows ORDER BY value").fetchall()
    assert refs == [("row=1",), ("row=2",)]
    total = store.con.execute("SELECT sum(value) FROM flows").fetchone()[0]
    assert math.isclose(total, 3.5e9)


def test_quarterly_and_annual_periods(store, tmp_path):
    text = HEADER + "ARM,RUS,export,2024-Q3,5,USD\nARM,RUS,export,2023,9,USD\n"
    store.ingest(TidySource(), [write(tmp_path, "q.csv", text)])
    got = store.con.execute("SELECT freq, period_start, period_end FROM flows ORDER BY freq").fetchall()
    assert [(f, str(a), str(b)) for f, a, b in got] == [
        ("A", "2023-01-01", "2023-12-31"), ("Q", "2024-07-01", "2024-09-30")]


def test_read_only_store_refuses_to_write(tmp_path):
    path = tmp_path / "ro.duckdb"
    Store(path).close()
    ro = Store(path, read_only=True)
    with pytest.raises(Exception, match="read-only"):
        ro.ingest(TidySource(), [write(tmp_path, "x.csv", GOOD)])
    ro.close()


def test_verify_files_finds_a_body_kept_by_a_refreshed_fetch(store, tmp_path):
    path = write(tmp_path, "resp.csv", GOOD)
    store.ingest(TidySource(), [path])
    kept = tmp_path / ".previous" / "resp.csv@20261127T120000"
    kept.parent.mkdir()
    path.replace(kept)  # what `cistrade fetch --refresh` does with a body that changed
    write(tmp_path, "resp.csv", GOOD.replace("100,USD", "101,USD"))
    (row,) = store.verify_files()
    assert row["file_status"] == "changed" and row["found_at"] == str(kept)


def test_csv_is_read_in_parallel_with_line_numbers_or_by_duckdb(tmp_path, caplog, monkeypatch):
    """Arrow's reader numbers the rows; when it gives up half-way, what it wrote is deleted
    and DuckDB's reader reads the file again into the same rows."""
    import pyarrow as pa

    from cistrade.sources import numbered_csv

    text = HEADER + "".join(f"ARM,{p},export,2024-{m:02d},{m}.5,USD\n"
                            for p in ("RUS", "CHN", "GEO") for m in range(1, 13))
    path = write(tmp_path, "arm.csv", text)
    monkeypatch.setattr(numbered_csv.NumberedCsv, "BLOCK_SIZE", 200)  # several chunks
    monkeypatch.setattr(numbered_csv.NumberedCsv, "CHUNK_BLOCKS", 1)
    results = []
    parse = numbered_csv.pcsv.read_csv
    for refuse in (False, True):
        calls: list[int] = []

        def read_csv(*args, refuse=refuse, calls=calls, **kw):
            # the header, the first chunk, then what Arrow says of a line it cannot read
            calls.append(1)
            if refuse and len(calls) > 2:
                raise pa.ArrowInvalid("CSV parse error: refused for the test")
            return parse(*args, **kw)

        monkeypatch.setattr(numbered_csv.pcsv, "read_csv", read_csv)
        caplog.clear()
        with caplog.at_level("INFO", logger="cistrade.sources.numbered_csv"), \
                Store(tmp_path / f"s{refuse}.duckdb") as s:
            s.ingest(TidySource(), [path])
            results.append(s.con.execute(
                "SELECT * EXCLUDE (dataset_id) FROM flows ORDER BY partner, period_start").fetchall())
        assert ("reading it again with DuckDB's reader" in caplog.text) == refuse
    assert results[0] == results[1] and len(results[0]) == 36
    assert sorted(int(r[-1][4:]) for r in results[0]) == list(range(2, 38))


@pytest.mark.parametrize("cell", ['""', '" ARM "', '"Korea, Republic of"', "nan", "1e3", ""])
def test_both_csv_readers_read_a_cell_alike(tmp_path, monkeypatch, cell):
    """The parallel reader and DuckDB's give the same rows or the same error, cell by cell."""
    from conftest import with_both_readers

    text = HEADER.replace("\n", ",product\n") + f"ARM,RUS,export,2024,{cell},USD,{cell}\n" \
        + f"{cell},CHN,import,2024,5,USD,01\n"
    path = write(tmp_path, "cells.csv", text)
    fast, duckdb_alone = with_both_readers(monkeypatch, TidySource(), path, lambda s: s.con.execute(
        "SELECT * EXCLUDE (dataset_id) FROM flows ORDER BY row_ref").fetchall())
    assert fast == duckdb_alone


# a CSV as Excel saves it where the comma is the decimal separator: a BOM, ';' between cells,
# CRLF line ends, decimal commas, a no-break space between thousands
EXCEL = ("\ufeffreporter;partner;flow;period;value;currency\r\n"
         "KAZ;RUS;export;2023;1\u00a0234,5;USD\r\nKAZ;CHN;import;2023;0,25;USD\r\n"
         "KAZ;DEU;import;2023;7;USD\r\n")


def test_an_excel_csv_with_decimal_commas_is_read_by_both_readers(tmp_path, monkeypatch, caplog):
    from conftest import refuse_parallel_reader

    path = write(tmp_path, "excel.csv", EXCEL)
    outcomes = []
    for fast in (True, False):
        if not fast:
            refuse_parallel_reader(monkeypatch)
        caplog.clear()
        with caplog.at_level("INFO", logger="cistrade.sources.numbered_csv"), Store.memory() as s:
            (report,) = s.ingest(TidySource(), [path]).files
            outcomes.append(s.con.execute(
                "SELECT partner, value, row_ref FROM flows ORDER BY row_ref").fetchall())
        assert ("reading it again with DuckDB's reader" in caplog.text) == (not fast)
        assert any("decimal comma" in n for n in report.notes)
    assert outcomes[0] == outcomes[1] == [
        ("RUS", 1234.5, "row=2"), ("CHN", 0.25, "row=3"), ("DEU", 7.0, "row=4")]


@pytest.mark.parametrize(("text", "options", "error"), [
    # told to read points: the comma is not a number, and the row says so
    (EXCEL, {"decimal": "."}, "row 2, column 'value': not a number: '1\u00a0234,5' "
                              r"\(a decimal comma\? -o decimal=, reads it\)"),
    # points and commas in one column: not guessed, the comma's row is named
    (EXCEL.replace("0,25", "0.25"), {}, "row 2, column 'value': not a number"),
    # a comma-separated file keeps the point (1,234 there is a thousands separator)
    (HEADER + 'KAZ,RUS,export,2023,"1,234",USD\n', {}, "row 2, column 'value': not a number"),
])
def test_the_decimal_comma_is_used_only_when_unambiguous(tmp_path, text, options, error):
    path = write(tmp_path, "data.csv", text)
    with Store.memory() as s, pytest.raises(InputError, match=error):
        s.ingest(TidySource(**options), [path])


def test_a_decimal_option_that_is_neither_point_nor_comma_is_refused():
    with pytest.raises(InputError, match="decimal='x'"):
        TidySource(decimal="x")


RUSSIAN = ("reporter;partner;flow;period;value;currency\n"
           "Казахстан;Россия;экспорт;2023;1234,5;USD\nКазахстан;Китай;импорт;2023;10;USD\n")


@pytest.mark.parametrize("encoding", ["cp1251", "koi8-r", "utf-16"])
def test_a_csv_in_another_encoding_is_read_from_a_utf8_copy(tmp_path, encoding, caplog):
    """What a Russian Excel saves ('CSV (разделители - точка с запятой)'): cp1251, ';',
    decimal commas, names in Russian."""
    import tempfile

    path = write(tmp_path, "ru.csv", RUSSIAN, encoding)
    before = set(Path(tempfile.gettempdir()).glob("cistrade-utf8-*"))
    with caplog.at_level("INFO", logger="cistrade.sources.numbered_csv"), Store.memory() as s:
        (report,) = s.ingest(TidySource(encoding=encoding), [path]).files
        rows = s.con.execute("SELECT reporter, partner, flow, value, row_ref FROM flows "
                             "ORDER BY row_ref").fetchall()
        (file_path,) = s.con.execute("SELECT file_path FROM datasets").fetchall()[0]
    assert rows == [("KAZ", "RUS", "export", 1234.5, "row=2"),
                    ("KAZ", "CHN", "import", 10.0, "row=3")]
    assert file_path == str(path.resolve()) and report.path == str(path)
    assert "reading it again" not in caplog.text  # the parallel reader read the copy
    assert set(Path(tempfile.gettempdir()).glob("cistrade-utf8-*")) == before  # copy removed


def test_a_csv_that_is_not_utf8_names_its_line_and_likely_encoding(store, tmp_path):
    path = write(tmp_path, "ru.csv", RUSSIAN, "cp1251")
    with pytest.raises(InputError, match=r"not UTF-8 text .*--encoding cp1251") as err:
        store.ingest(TidySource(), [path])
    assert err.value.row == 2 and store.count() == 0


def test_errors_in_a_transcoded_csv_name_the_original_file_and_row(store, tmp_path):
    import tempfile

    before = set(Path(tempfile.gettempdir()).glob("cistrade-utf8-*"))
    path = write(tmp_path, "ru.csv", RUSSIAN + "Казахстан;Нарния;экспорт;2023;5;USD\n", "cp1251")
    with pytest.raises(UnknownCountry) as err:
        store.ingest(TidySource(encoding="cp1251"), [path])
    assert (err.value.file, err.value.row) == (str(path), 4)
    bad = write(tmp_path, "bad.csv", RUSSIAN, "cp1251")
    bad.write_bytes(bad.read_bytes() + b"KAZ;RUS;export;2024;\x98;USD\n")  # 0x98: no cp1251 char
    with pytest.raises(InputError, match="not cp1251 text") as err:
        store.ingest(TidySource(encoding="cp1251"), [bad])
    assert err.value.row == 4 and store.count() == 0
    with pytest.raises(InputError, match="unknown encoding 'klingon'"):
        store.ingest(TidySource(encoding="klingon"), [bad])
    assert set(Path(tempfile.gettempdir()).glob("cistrade-utf8-*")) == before


def test_a_bad_utf16_file_names_its_line_counted_as_text(store, tmp_path):
    """'Њ' is U+040A: in UTF-16 one of its bytes is 0x0A, which is not a line end."""
    path = tmp_path / "u16.csv"
    path.write_bytes((HEADER + "ARM,RUS,export,2024,5,USD\nЊ\n").encode("utf-16")
                     + b"\x00\xd8\x41\x00")  # a lone surrogate on line 4
    with pytest.raises(InputError, match="not utf-16 text") as err:
        store.ingest(TidySource(encoding="utf-16"), [path])
    assert err.value.row == 4 and store.count() == 0
