"""Russia's FTS tables (ru-fts), read from ../shared/data/national/ru-fts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from conftest import shared

from cistrade.errors import InputError, UnknownCountry
from cistrade.sources import detect
from cistrade.sources.national.ru_fts import RuFtsSource
from cistrade.store import Store

FILES = {  # name: (series, vintage, rows)
    "94itog.xlsx": ("ru-fts/main-indicators", "2021", 28 * 18),
    "96stran.xlsx": ("ru-fts/main-partners", "2021-12", 2 * 29 * 16 * 12 - 12),
    "WEB_UTSA_04.xlsx": ("ru-fts/general-totals", "2021-12", 104),
    "countries_2023-12.xlsx": ("ru-fts/country-groups", "2023-12", 24),
    "countries_2024-04.xlsx": ("ru-fts/country-groups", "2024-04", 24),
    "countries_2024-09.xlsx": ("ru-fts/country-groups", "2024-09", 24),
}


def fts(name: str) -> Path:
    return shared("national", "ru-fts", name)


def _snapshot(store: Store) -> list[tuple]:
    return store.con.execute("SELECT * EXCLUDE (dataset_id) FROM flows ORDER BY ALL").fetchall()


def _row(store: Store, ref: str) -> dict:
    rel = store.con.execute("SELECT * FROM flows WHERE row_ref = ?", [ref])
    rows = rel.fetchall()
    assert len(rows) == 1, (ref, rows)
    return dict(zip([c[0] for c in rel.description], rows[0], strict=True))


@pytest.fixture(scope="module")
def all_fts(tmp_path_factory: pytest.TempPathFactory):
    """Every FTS file in one store (read-only use)."""
    store = Store(tmp_path_factory.mktemp("fts") / "fts.duckdb")
    report = store.ingest(RuFtsSource(), [fts(n) for n in FILES])
    yield store, report
    store.close()


@pytest.mark.parametrize("name", FILES)
def test_reads_each_table(name: str, all_fts) -> None:
    store, report = all_fts
    series, vintage, rows = FILES[name]
    fr = next(f for f in report.files if f.path.endswith(name))
    ds = store.dataset(fr.dataset_id)
    assert (ds["series"], ds["vintage"], fr.rows) == (series, vintage, rows)
    terms = store.con.execute(
        """SELECT DISTINCT flow, valuation, partner_basis, currency, reporter FROM flows
           WHERE dataset_id = ? ORDER BY flow""",
        [fr.dataset_id],
    ).fetchall()
    assert terms == [
        ("export", "FOB", "destination", "USD", "RUS"),
        ("import", "unknown", "origin", "USD", "RUS"),
    ]


def test_cis_share_of_russias_turnover_2021(all_fts) -> None:
    store, _ = all_fts
    share = store.con.execute(
        """SELECT sum(value) FILTER (WHERE partner = 'G:CIS') / sum(value) FILTER (WHERE partner = 'WLD')
           FROM flows f JOIN datasets d USING (dataset_id)
           WHERE d.series = 'ru-fts/main-indicators' AND f.reporter = 'RUS' AND f.freq = 'A'
             AND f.period_start = DATE '2021-01-01' AND f.aggregate"""
    ).fetchone()[0]
    assert round(100 * share, 1) == 12.2


@pytest.mark.parametrize(
    ("ref_file", "ref", "expected"),
    [
        # 94itog.xlsx, sheet 2021: B5 exports 493096, B16 imports from the CIS 31384 (million)
        ("94itog", "sheet=2021;row=5;col=B", ("WLD", "export", "A", "2021-01-01", "2021-12-31", 493096e6)),
        ("94itog", "sheet=2021;row=16;col=B", ("G:CIS", "import", "A", "2021-01-01", "2021-12-31", 31384e6)),
        ("94itog", "sheet=1994;row=17;col=B", ("ARM", "import", "A", "1994-01-01", "1994-12-31", 53.2e6)),
        # 96stran.xlsx: Экспорт B7 (Китaй, January 2006); Импорт AD213 (Азербайджан, Dec 2021)
        (
            "96stran",
            "sheet=Экспорт;row=7;col=B",
            ("CHN", "export", "M", "2006-01-01", "2006-01-31", 1197.01099e6),
        ),
        (
            "96stran",
            "sheet=Импорт;row=213;col=AD",
            ("AZE", "import", "M", "2021-12-01", "2021-12-31", 117.60008e6),
        ),
        ("96stran", "sheet=Экспорт;row=7;col=I", ("KOR", "export", "M", "2006-01-01", "2006-01-31", None)),
        # WEB_UTSA_04.xlsx: I6 headline exports 2021; C58 December 2020 exports; G70 IV quarter
        # 2021 imports; F35 January-September 2021 exports
        (
            "WEB_UTSA",
            "sheet=1;row=6;col=I",
            ("WLD", "export", "A", "2021-01-01", "2021-12-31", 493344.3272e6),
        ),
        (
            "WEB_UTSA",
            "sheet=1;row=58;col=C",
            ("WLD", "export", "M", "2020-12-01", "2020-12-31", 36122.5925e6),
        ),
        (
            "WEB_UTSA",
            "sheet=1;row=70;col=G",
            ("WLD", "import", "Q", "2021-10-01", "2021-12-31", 81845.5904e6),
        ),
        (
            "WEB_UTSA",
            "sheet=1;row=35;col=F",
            ("WLD", "export", "C", "2021-01-01", "2021-09-30", 340988.7513e6),
        ),
        # countries_2024-09.xlsx: C6 world exports Jan-Sep 2024; E9 Asia imports Jan-Sep 2023
        ("2024-09", "sheet=1;row=6;col=C", ("WLD", "export", "C", "2024-01-01", "2024-09-30", 318.1747e9)),
        ("2024-09", "sheet=1;row=9;col=E", ("G:ASIA", "import", "C", "2023-01-01", "2023-09-30", 139.9528e9)),
        # countries_2023-12.xlsx: B6 world exports January-December 2022 (a whole year: A)
        ("2023-12", "sheet=1;row=6;col=B", ("WLD", "export", "A", "2022-01-01", "2022-12-31", 592.487e9)),
    ],
)
def test_spot_values(all_fts, ref_file: str, ref: str, expected: tuple) -> None:
    store, _ = all_fts
    rows = store.con.execute(
        """SELECT partner, flow, freq, period_start, period_end, value FROM flows f
           JOIN datasets d USING (dataset_id) WHERE row_ref = ? AND d.file_name LIKE ?""",
        [ref, f"%{ref_file}%"],
    ).fetchall()
    assert len(rows) == 1
    partner, flow, freq, start, end, value = rows[0]
    assert (partner, flow, freq, str(start), str(end)) == expected[:5]
    if expected[5] is not None:
        assert value == pytest.approx(expected[5], rel=1e-12)


def test_group_rows_are_aggregates_and_countries_are_not(all_fts) -> None:
    store, _ = all_fts
    flags = dict(
        store.con.execute(
            """SELECT partner, bool_and(aggregate) FROM flows
           WHERE partner IN ('WLD', 'G:CIS', 'G:NON-CIS', 'G:EUROPE', 'G:OCEANIA', 'ARM', 'CHN')
           GROUP BY partner"""
        ).fetchall()
    )
    assert flags == {
        "WLD": True,
        "G:CIS": True,
        "G:NON-CIS": True,
        "G:EUROPE": True,
        "G:OCEANIA": True,
        "ARM": False,
        "CHN": False,
    }


def test_unpublished_figures_are_skipped_and_reported(all_fts) -> None:
    _, report = all_fts
    fr = next(f for f in report.files if f.path.endswith("96stran.xlsx"))
    assert len(fr.skipped) == 12
    assert {s["row_ref"] for s in fr.skipped if "Экспорт" in s["row_ref"]} == {
        f"sheet=Экспорт;row={r};col=L" for r in range(65, 71)
    }
    assert all("Kazakhstan 2010" in s["reason"] and "not published" in s["reason"] for s in fr.skipped)


def test_general_totals_store_each_period_once(all_fts) -> None:
    store, report = all_fts
    fr = next(f for f in report.files if f.path.endswith("WEB_UTSA_04.xlsx"))
    counts = dict(
        store.con.execute(
            "SELECT freq, count(*) FROM flows WHERE dataset_id = ? GROUP BY freq", [fr.dataset_id]
        ).fetchall()
    )
    assert counts == {"M": 48, "Q": 16, "C": 36, "A": 4}
    # the cumulative rows equal to a month (Январь), a quarter (Январь-март) or the year
    # (Январь-декабрь) are skipped: 2 years x 2 flows x 3 rows
    assert len(fr.skipped) == 12
    assert {s["row_ref"].split(";")[1] for s in fr.skipped} == {"row=27", "row=29", "row=38"}
    # quarters and cumulative runs add up to their months
    assert len(fr.checks) == 64 and all(c["ok"] for c in fr.checks)
    assert any("additions" in n for n in fr.notes)
    assert not fr.warnings


def test_checks_report_what_does_not_add_up(all_fts) -> None:
    _, report = all_fts
    itog = next(f for f in report.files if f.path.endswith("94itog.xlsx"))
    assert len(itog.checks) == 56  # 28 years x 2 flows: world = non-CIS + CIS
    bad = [c for c in itog.checks if not c["ok"]]
    # 2017 exports as published: 357266 against 309090 + 48171 (million)
    assert [(c["label"], c["difference"]) for c in bad] == [
        ("RUS 2017 export: world vs non-CIS + CIS", pytest.approx(-5e6))
    ]
    assert itog.warnings and "2017" in itog.warnings[0]
    groups = next(f for f in report.files if f.path.endswith("countries_2024-09.xlsx"))
    world = [c for c in groups.checks if "2024-01..2024-09 export" in c["label"]]
    # the continents leave 0.137 bn of exports unallocated in January-September 2024
    assert world[0]["published"] == pytest.approx(318.1747e9)
    assert world[0]["difference"] == pytest.approx(-0.137e9, abs=1e3)


def test_the_same_file_twice_is_unchanged(all_fts) -> None:
    store, _ = all_fts
    count = store.count()
    again = store.ingest(RuFtsSource(), [fts("94itog.xlsx"), fts("countries_2024-09.xlsx")])
    assert [f.status for f in again.files] == ["unchanged", "unchanged"]
    assert store.count() == count


@pytest.mark.parametrize("name", FILES)
def test_detect_picks_ru_fts(name: str) -> None:
    assert detect(fts(name)) is RuFtsSource


def test_sniff_rejects_other_files() -> None:
    kz = shared("national", "kz-bns", "by_country_2023.xls")
    assert not RuFtsSource.sniff(kz, kz.read_bytes()[:65536])
    csv = shared("national", "am-armstat", "arm_trade_country_monthly.csv")
    assert not RuFtsSource.sniff(csv, csv.read_bytes()[:65536])


# -- damaged files ----------------------------------------------------------------------------


def _edited(src: Path, dest: Path, edit) -> Path:  # noqa: ANN001
    book = openpyxl.load_workbook(src)
    edit(book)
    book.save(dest)
    return dest


def test_a_shifted_column_is_found_by_its_heading(tmp_path: Path) -> None:
    def shift(book: openpyxl.Workbook) -> None:
        for name in ("2020", "2021"):
            book[name].insert_cols(2)

    moved = RuFtsSource().read(_edited(fts("94itog.xlsx"), tmp_path / "shift.xlsx", shift)).data
    original = RuFtsSource().read(fts("94itog.xlsx")).data
    assert moved.drop(["row_ref"]).equals(original.drop(["row_ref"]))
    refs = set(moved["row_ref"].to_pylist())
    assert "sheet=2021;row=5;col=C" in refs and "sheet=2019;row=5;col=B" in refs


def test_a_missing_heading_stops_with_what_was_expected(tmp_path: Path, mem_store: Store) -> None:
    def drop(book: openpyxl.Workbook) -> None:
        book["1"]["E4"] = None  # the heading 'Импорт'

    bad = _edited(fts("countries_2024-09.xlsx"), tmp_path / "nohead.xlsx", drop)
    with pytest.raises(InputError) as info:
        mem_store.ingest(RuFtsSource(), [bad])
    assert "expected the headings 'Экспорт' and 'Импорт'" in str(info.value)
    assert "nohead.xlsx" in str(info.value) and "sheet '1'" in str(info.value)
    assert mem_store.count() == 0


def test_a_changed_year_heading_stops(tmp_path: Path) -> None:
    def retitle(book: openpyxl.Workbook) -> None:
        book["2005"]["B4"] = "млн"

    bad = _edited(fts("94itog.xlsx"), tmp_path / "year.xlsx", retitle)
    with pytest.raises(InputError, match="expected the year 2005 as the column heading") as info:
        RuFtsSource().read(bad)
    assert info.value.sheet == "2005"


def test_an_unknown_partner_names_sheet_row_and_column(tmp_path: Path, mem_store: Store) -> None:
    mem_store.ingest(RuFtsSource(), [fts("countries_2023-12.xlsx")])
    before = _snapshot(mem_store)

    def rename(book: openpyxl.Workbook) -> None:
        book["Импорт"]["H5"] = "Великая Тартария"

    bad = _edited(fts("96stran.xlsx"), tmp_path / "partner.xlsx", rename)
    with pytest.raises(UnknownCountry) as info:
        mem_store.ingest(RuFtsSource(), [bad])
    err = info.value
    assert (err.sheet, err.row, err.column, err.name) == ("Импорт", 5, "H", "Великая Тартария")
    assert _snapshot(mem_store) == before


def test_a_label_that_is_not_a_month_stops(tmp_path: Path) -> None:
    def garble(book: openpyxl.Workbook) -> None:
        book["1"]["A49"] = "Мартобря"

    bad = _edited(fts("WEB_UTSA_04.xlsx"), tmp_path / "month.xlsx", garble)
    with pytest.raises(InputError, match="expected a month, run of months or quarter") as info:
        RuFtsSource().read(bad)
    assert (info.value.sheet, info.value.row) == ("1", 49)


@pytest.mark.parametrize("fraction", [0.05, 0.5, 0.95])
def test_a_truncated_file_stops_and_leaves_the_store_unchanged(
    tmp_path: Path, mem_store: Store, fraction: float
) -> None:
    mem_store.ingest(RuFtsSource(), [fts("countries_2024-04.xlsx")])
    before = _snapshot(mem_store)
    data = fts("96stran.xlsx").read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(data[: int(len(data) * fraction)])
    with pytest.raises(InputError, match="truncated or corrupted"):
        mem_store.ingest(RuFtsSource(), [cut])
    assert _snapshot(mem_store) == before and len(mem_store.datasets()) == 1


def test_an_unknown_table_says_what_it_expected(tmp_path: Path) -> None:
    def retitle(book: openpyxl.Workbook) -> None:
        book["1"]["A1"] = "Что-то совсем другое"

    bad = _edited(fts("countries_2024-09.xlsx"), tmp_path / "other.xlsx", retitle)
    with pytest.raises(InputError, match="not a known FTS table"):
        RuFtsSource().read(bad)


def test_another_publishers_table_is_refused() -> None:
    with pytest.raises(InputError, match="not a known FTS table"):
        RuFtsSource().read(shared("national", "kz-bns", "main_indicators_2021.xls"))


def test_periods_are_whole_months() -> None:
    table = RuFtsSource().read(fts("WEB_UTSA_04.xlsx")).data.to_pylist()
    for row in table:
        start, end = row["period_start"], row["period_end"]
        assert start.day == 1 and (
            end.month == 12 or date(end.year, end.month + 1, 1).toordinal() - end.toordinal() == 1
        )
