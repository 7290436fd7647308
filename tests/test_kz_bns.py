"""Kazakhstan's BNS by-country tables (kz-bns), read from ../shared/data/national/kz-bns."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
import python_calamine
from conftest import shared

from cistrade.errors import InputError, UnknownCountry
from cistrade.sources import detect
from cistrade.sources.national.excel import decimals
from cistrade.sources.national.kz_bns import KzBnsSource
from cistrade.store import Store
from cistrade.validate import parse_row_ref

FILES = {
    "main_indicators_2019.xls": ("2019-12", [2019, 2018]),
    "main_indicators_2020.xls": ("2020-12", [2020, 2019]),
    "main_indicators_2021.xls": ("2021-12", [2021, 2020]),
    "by_country_2022.xls": ("2022-12", [2022, 2021]),
    "by_country_2023.xls": ("2023-12/2024-07-25", [2023, 2022]),
}
LATEST = {
    2018: "main_indicators_2019.xls",
    2019: "main_indicators_2020.xls",
    2020: "main_indicators_2021.xls",
    2021: "by_country_2022.xls",
    2022: "by_country_2023.xls",
    2023: "by_country_2023.xls",
}


def kz(name: str) -> Path:
    return shared("national", "kz-bns", name)


def _snapshot(store: Store) -> list[tuple]:
    return store.con.execute("SELECT * EXCLUDE (dataset_id) FROM flows ORDER BY ALL").fetchall()


def _value(store: Store, ref: str) -> float:
    return store.con.execute("SELECT value FROM flows WHERE row_ref = ?", [ref]).fetchone()[0]


# -- reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FILES)
def test_reads_both_years_and_group_checks_hold(name: str) -> None:
    result = KzBnsSource().read(kz(name))
    vintage, years = FILES[name]
    assert result.series == "kz-bns/by-country"
    assert result.vintage == vintage
    table = result.data
    assert sorted({d.year for d in table["period_start"].to_pylist()}) == sorted(years)
    assert set(table["flow"].to_pylist()) == {"export", "import"}
    assert set(table["freq"].to_pylist()) == {"A"}
    assert set(table["currency"].to_pylist()) == {"USD"}
    assert all(ref.startswith("sheet=") and ";row=" in ref for ref in table["row_ref"].to_pylist())
    # every published group adds up to its parts within rounding
    assert result.checks and all(c.ok for c in result.checks), [c for c in result.checks if not c.ok]
    groups = {
        p for p, a in zip(table["partner"].to_pylist(), table["aggregate"].to_pylist(), strict=True) if a
    }
    assert {
        "WLD",
        "G:CIS",
        "G:EAEU",
        "G:NON-EAEU",
        "G:NON-CIS",
        "G:EUROPE",
        "G:EU",
        "G:NON-EU",
        "G:ASIA",
        "G:AMERICA",
        "G:AFRICA",
        "G:OCEANIA",
    } == groups


def test_terms_of_each_flow() -> None:
    table = KzBnsSource().read(kz("by_country_2023.xls")).data.to_pylist()
    exports = {(r["valuation"], r["partner_basis"]) for r in table if r["flow"] == "export"}
    imports = {(r["valuation"], r["partner_basis"]) for r in table if r["flow"] == "import"}
    assert exports == {("FOB", "destination")}
    assert imports == {("unknown", "origin")}


@pytest.mark.parametrize(
    ("name", "ref", "thousand_usd"),
    [
        # by_country_2023.xls, sheet 2023: D6 (Всего, exports), F6, D76 (Китай), F76
        ("by_country_2023.xls", "sheet=2023;row=6;col=D", 79138754.67736),
        ("by_country_2023.xls", "sheet=2023;row=6;col=F", 60412283.33494),
        ("by_country_2023.xls", "sheet=2023;row=76;col=D", 14666158.3001),
        ("by_country_2023.xls", "sheet=2023;row=76;col=F", 15389231.31222),
        # by_country_2022.xls, sheet 2022: F12 (Россия, imports); sheet 2021: D9 (Страны ЕАЭС)
        ("by_country_2022.xls", "sheet=2022;row=13;col=F", 17880630.52827),
        ("by_country_2022.xls", "sheet=2021;row=9;col=D", 7814129.49976),
        # main_indicators_2019.xls, sheet 12_2018: D74 (Китай, exports, one decimal printed)
        ("main_indicators_2019.xls", "sheet=12_2018;row=74;col=D", 6307476.4),
    ],
)
def test_spot_values(mem_store: Store, name: str, ref: str, thousand_usd: float) -> None:
    mem_store.ingest(KzBnsSource(), [kz(name)])
    assert _value(mem_store, ref) == pytest.approx(thousand_usd * 1000, abs=1e-3)


# -- published figures ------------------------------------------------------------------------


def test_kazakhstan_2023_turnover_and_leading_partners(mem_store: Store) -> None:
    mem_store.ingest(KzBnsSource(), [kz(n) for n in FILES])
    con = mem_store.con
    total = con.execute(
        """SELECT sum(value) FROM flows WHERE reporter = 'KAZ' AND partner = 'WLD'
           AND freq = 'A' AND period_start = DATE '2023-01-01'"""
    ).fetchone()[0]
    assert round(total / 1e9, 2) == 139.55
    ranked = con.execute(
        """SELECT f.partner, 100 * sum(f.value) / ? AS share FROM flows f
           JOIN areas a ON a.code = f.partner
           WHERE f.reporter = 'KAZ' AND f.freq = 'A' AND f.period_start = DATE '2023-01-01'
             AND a.kind = 'country'
           GROUP BY f.partner ORDER BY share DESC LIMIT 2""",
        [total],
    ).fetchall()
    assert [(p, round(s, 1)) for p, s in ranked] == [("CHN", 21.5), ("RUS", 19.4)]


@pytest.mark.parametrize("name", FILES)
def test_shares_from_stored_values_match_the_published_shares(mem_store: Store, name: str) -> None:
    """Every row of both years: (exports + imports) / World's, and each flow's share, equal the
    shares printed beside the values, to the printed precision."""
    path = kz(name)
    mem_store.ingest(KzBnsSource(), [path])
    rows = mem_store.con.execute(
        """SELECT row_ref, flow, value, partner, period_start FROM flows"""
    ).fetchall()
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    grids = {s: book.get_sheet_by_name(s).to_python(skip_empty_area=False) for s in book.sheet_names}

    by_line: dict[tuple[str, int], dict[str, float]] = {}
    for ref, flow, value, _partner, _start in rows:
        where = parse_row_ref(ref)
        by_line.setdefault((where["sheet"], where["row"]), {})[flow] = value
    world = {
        sheet: line
        for (sheet, _r), line in by_line.items()
        if grids[sheet][_r - 1][0].strip().startswith("Всего")
    }
    assert set(world) == {s for s, _r in by_line}

    checked = 0
    for (sheet, row), line in by_line.items():
        cells = grids[sheet][row - 1]
        w = world[sheet]
        exports, imports = line.get("export", 0.0), line.get("import", 0.0)
        # columns as published: B turnover, C its share, D exports, E share, F imports, G share
        for computed, printed in (
            (100 * (exports + imports) / (w["export"] + w["import"]), cells[2]),
            (100 * exports / w["export"], cells[4]),
            (100 * imports / w["import"], cells[6]),
        ):
            places = decimals(printed) if printed != "" else 5
            assert computed == pytest.approx(printed or 0.0, abs=0.5 * 10**-places + 1e-9), (
                sheet,
                row,
                cells[0],
                printed,
                computed,
            )
            checked += 1
    assert checked >= 3 * 380


# -- vintages and idempotency -----------------------------------------------------------------


def test_each_year_comes_from_the_latest_file_whatever_the_order(tmp_path: Path) -> None:
    names = list(FILES)
    snapshots = []
    for i, order in enumerate((names, names[::-1], [names[2], names[4], names[0], names[3], names[1]])):
        with Store(tmp_path / f"order{i}.duckdb") as store:
            for name in order:  # one ingest per file: the store sees every vintage order
                store.ingest(KzBnsSource(), [kz(name)])
            origin = dict(
                store.con.execute(
                    """SELECT DISTINCT year(f.period_start), d.file_name FROM flows f
                   JOIN datasets d USING (dataset_id)"""
                ).fetchall()
            )
            assert origin == LATEST
            dup = store.con.execute(
                """SELECT count(*) FROM (SELECT 1 FROM flows GROUP BY reporter, partner, flow,
                   freq, period_start, period_end HAVING count(*) > 1)"""
            ).fetchone()[0]
            assert dup == 0
            snapshots.append(_snapshot(store))
    assert snapshots[0] == snapshots[1] == snapshots[2]


def test_the_same_file_twice_is_unchanged(mem_store: Store) -> None:
    first = mem_store.ingest(KzBnsSource(), [kz("by_country_2023.xls")])
    assert first.files[0].status == "ingested"
    count = mem_store.count()
    again = mem_store.ingest(KzBnsSource(), [kz("by_country_2023.xls")])
    assert again.files[0].status == "unchanged"
    assert not again.changed
    assert mem_store.count() == count


@pytest.mark.parametrize("name", FILES)
def test_detect_picks_kz_bns(name: str) -> None:
    assert detect(kz(name)) is KzBnsSource


def test_sniff_rejects_other_publishers_files() -> None:
    other = shared("national", "ru-fts", "94itog.xlsx")
    assert not KzBnsSource.sniff(other, other.read_bytes()[:65536])
    csv = shared("national", "uz-stat", "exports_by_country_sdmx_1105.csv")
    assert not KzBnsSource.sniff(csv, csv.read_bytes()[:65536])


# -- damaged files ----------------------------------------------------------------------------


def _xlsx_copy(
    src: Path,
    dest: Path,
    *,
    insert_at: int | None = None,
    edit: dict[tuple[str, int, int], object] | None = None,
    rename: dict[str, str] | None = None,
) -> Path:
    """The workbook's grids written as .xlsx, optionally with an empty column inserted
    before column ``insert_at`` (1-based) and cells replaced ((sheet, row, col) -> value,
    positions before the insertion)."""
    book = python_calamine.CalamineWorkbook.from_path(str(src))
    out = openpyxl.Workbook()
    out.remove(out.active)
    for name in book.sheet_names:
        ws = out.create_sheet((rename or {}).get(name, name))
        for r, cells in enumerate(book.get_sheet_by_name(name).to_python(skip_empty_area=False), 1):
            for c, value in enumerate(cells, 1):
                value = (edit or {}).get((name, r, c), value)
                if value == "":
                    continue
                col = c + 1 if insert_at is not None and c >= insert_at else c
                ws.cell(row=r, column=col, value=value)
    out.save(dest)
    return dest


def test_xlsx_copy_with_a_shifted_column_reads_the_same(tmp_path: Path) -> None:
    src = kz("by_country_2023.xls")
    original = KzBnsSource().read(src).data
    shifted = _xlsx_copy(src, tmp_path / "shifted.xlsx", insert_at=2)
    assert detect(shifted) is KzBnsSource
    moved = KzBnsSource().read(shifted).data
    assert moved.drop(["row_ref"]).equals(original.drop(["row_ref"]))
    assert original["row_ref"][0].as_py() == "sheet=2022;row=6;col=D"
    assert moved["row_ref"][0].as_py() == "sheet=2022;row=6;col=E"


def test_a_missing_header_stops_with_what_was_expected(tmp_path: Path, mem_store: Store) -> None:
    # sheet 2023, D4 'Экспорт' replaced
    bad = _xlsx_copy(kz("by_country_2023.xls"), tmp_path / "bad.xlsx", edit={("2023", 4, 4): "Вывоз"})
    with pytest.raises(InputError) as info:
        mem_store.ingest(KzBnsSource(), [bad])
    message = str(info.value)
    assert "sheet '2023'" in message and "'Экспорт'" in message and "found" in message
    assert mem_store.count() == 0 and mem_store.datasets() == []


def test_an_unknown_country_names_sheet_and_row(tmp_path: Path, mem_store: Store) -> None:
    mem_store.ingest(KzBnsSource(), [kz("by_country_2022.xls")])
    before = _snapshot(mem_store)
    bad = _xlsx_copy(
        kz("by_country_2023.xls"), tmp_path / "unknown.xlsx", edit={("2023", 76, 1): "Республика Атлантида"}
    )
    with pytest.raises(UnknownCountry) as info:
        mem_store.ingest(KzBnsSource(), [bad])
    err = info.value
    assert (err.sheet, err.row, err.column, err.name) == ("2023", 76, "A", "Республика Атлантида")
    assert "unknown.xlsx" in str(err)
    assert _snapshot(mem_store) == before and len(mem_store.datasets()) == 1


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9, 0.995])
def test_a_truncated_file_stops_and_leaves_the_store_unchanged(
    tmp_path: Path, mem_store: Store, fraction: float
) -> None:
    mem_store.ingest(KzBnsSource(), [kz("main_indicators_2021.xls")])
    before = _snapshot(mem_store)
    data = kz("by_country_2023.xls").read_bytes()
    cut = tmp_path / "cut.xls"
    cut.write_bytes(data[: int(len(data) * fraction)])
    with pytest.raises(InputError, match="truncated or corrupted"):
        mem_store.ingest(KzBnsSource(), [cut])
    assert _snapshot(mem_store) == before and len(mem_store.datasets()) == 1


def test_sheets_not_named_for_a_year_are_found_by_their_header(tmp_path: Path) -> None:
    src = kz("main_indicators_2021.xls")
    renamed = _xlsx_copy(src, tmp_path / "renamed.xlsx", rename={"12_2021": "Лист1", "12_2020": "Лист2"})
    assert (
        KzBnsSource()
        .read(renamed)
        .data.drop(["row_ref"])
        .equals(KzBnsSource().read(src).data.drop(["row_ref"]))
    )
    bad = _xlsx_copy(
        src, tmp_path / "bad.xlsx", rename={"12_2020": "Лист2"}, edit={("12_2020", 30, 1): "Страна Оз"}
    )
    with pytest.raises(UnknownCountry) as info:  # not taken for a cover sheet and skipped
        KzBnsSource().read(bad)
    assert (info.value.sheet, info.value.row) == ("Лист2", 30)


def test_a_sheet_whose_title_contradicts_its_name(tmp_path: Path) -> None:
    bad = _xlsx_copy(kz("by_country_2023.xls"), tmp_path / "year.xlsx", edit={("2023", 2, 1): "2021 год"})
    with pytest.raises(InputError, match="named for 2023 but its title says 2021"):
        KzBnsSource().read(bad)


def test_publisher_spellings_are_registered() -> None:
    from cistrade.reference.countries import registry
    from cistrade.sources.national.kz_bns import ALIASES

    for code, names in ALIASES.items():
        for name in names:
            assert registry().lookup(name).code == code
