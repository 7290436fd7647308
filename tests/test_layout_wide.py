"""A wide trilingual table read with the shipped example layout (``examples/kg-nsc.toml``),
on a SYNTHETIC spreadsheet of the published shape (:mod:`layout_synthetic`), and every way a
table that does not fit its layout fails: what was expected, what was found, where."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from layout_synthetic import COUNTRIES, FOOTNOTES, trilingual

from cistrade.errors import InputError, UnknownCountry
from cistrade.sources import get_source
from cistrade.sources.layout import SHIPPED, layout_source
from cistrade.sources.layout.model import parse_layout

EXAMPLE = SHIPPED / "examples" / "kg-nsc.toml"
Rows = list[list[Any]]


def kg(**changes: str):  # noqa: ANN201 - a LayoutSource class
    """The example layout's source class, with TOML text replaced (old=new pairs)."""
    if not changes:
        return get_source("layout:examples/kg-nsc")
    text = EXAMPLE.read_text("utf-8")
    for old, new in changes.values():
        assert old in text
        text = text.replace(old, new)
    return _source(text)


def _source(text: str):  # noqa: ANN202
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="layout-"))
    path = folder / "kg-nsc.toml"
    path.write_text(text, "utf-8")
    parse_layout(text, file=str(path))
    return layout_source(path)


@pytest.fixture
def table(tmp_path: Path) -> Path:
    return trilingual(tmp_path / "kg_trade.xlsx")


def read(path: Path, source=None):  # noqa: ANN001, ANN201
    return (source or kg())().read(path)


def edited(tmp_path: Path, edit) -> Path:  # noqa: ANN001
    return trilingual(tmp_path / "edited.xlsx", edit)


def test_the_example_layout_is_under_40_lines() -> None:
    assert len(EXAMPLE.read_text("utf-8").splitlines()) < 40


def test_every_country_and_group_row_with_flows_side_by_side(table: Path) -> None:
    result = read(table)
    data = result.data.to_pylist()
    partners = {r["partner"] for r in data}
    assert partners == {"WLD", "G:EU", "G:CIS", "G:EAEU", "G:EUROPE", "G:ASIA", "G:AMERICA",
                        "DEU", "RUS", "KAZ", "CHN", "UZB", "USA"}
    assert {r["partner"] for r in data if r["aggregate"]} == {
        "WLD", "G:EU", "G:CIS", "G:EAEU", "G:EUROPE", "G:ASIA", "G:AMERICA"}
    china = {(r["flow"], r["period_start"].year): r["value"] for r in data if r["partner"] == "CHN"}
    assert china[("export", 2019)] == 40_000.0 and china[("import", 2023)] == 1_100_000.0
    assert {(r["flow"], r["valuation"], r["partner_basis"]) for r in data} == {
        ("export", "FOB", "destination"), ("import", "CIF", "origin")}
    assert {r["freq"] for r in data} == {"A"}


def test_footnote_marks_on_names_and_years_are_read_through(table: Path) -> None:
    """'Россия 1)' and 'Казахстан 1)' are Russia and Kazakhstan; '2023¹' is 2023."""
    data = read(table).data.to_pylist()
    russia = [r for r in data if r["partner"] == "RUS" and r["period_start"].year == 2023]
    assert {r["flow"]: r["value"] for r in russia} == {"export": 360_500.0, "import": 1_200_900.0}
    assert russia[0]["row_ref"].startswith("sheet=2019-2023;row=12;col=")


def test_dashes_are_skipped_never_zero_and_sco_is_ignored(table: Path) -> None:
    result = read(table)
    usa = [r for r in result.data.to_pylist() if r["partner"] == "USA" and r["flow"] == "export"]
    assert sorted(r["period_start"].year for r in usa) == [2020, 2021, 2023]
    reasons = {s.row_ref: s.reason for s in result.skipped}
    assert reasons["sheet=2019-2023;row=18;col=D"] == "no value published ('-')"
    assert reasons["sheet=2019-2023;row=8;col=B"] == "group row 'ШОС': ignored by the layout"


def test_unit_from_the_title_and_the_checks_pass(table: Path) -> None:
    result = read(table)
    assert any("thousand USD (from the caption" in n for n in result.notes)
    assert result.checks and all(c.ok for c in result.checks)
    labels = {c.label for c in result.checks}
    assert "KGZ 2023 export: Всего vs partner rows (6)" in labels
    assert "KGZ 2019 export: Всего vs partner rows (5)" in labels  # the USA's '-' is no figure
    assert result.check_warnings() == []


def test_an_example_layout_says_it_is_one(table: Path) -> None:
    result = read(table)
    assert any("example" in w and "not verified" in w for w in result.warnings)


def test_a_total_that_does_not_add_up_is_a_warning(tmp_path: Path, mem_store) -> None:
    def more_germany(rows: Rows) -> Rows:
        row = next(r for r in rows if len(r) > 2 and r[2] == "Germany")
        row[3 + 4] = 99.0  # exports 2023
        return rows

    report = mem_store.ingest(kg()(), [edited(tmp_path, more_germany)])
    warnings = report.files[0].warnings
    assert any("KGZ 2023 export: Всего vs partner rows (6): published 890,100, country rows sum to "
               "975,100 (difference +85,000; sheet=2019-2023;row=5;col=H)" in w for w in warnings), warnings


def test_the_synthetic_table_through_the_store_to_shares(table: Path, mem_store) -> None:
    from cistrade.indicators import connect, share

    mem_store.ingest(kg()(), [table])
    result = share(connect(store=mem_store), "KGZ", "2023", "export")
    top = result.rows[0]
    assert top["partner"] == "RUS" and top["rank"] == 1
    exports_2023 = [c[2][-1] or 0.0 for c in COUNTRIES]
    assert top["share"] == pytest.approx(360.5 / sum(exports_2023))


# -- a table that does not fit its layout ---------------------------------------------------


def test_header_row_not_found(tmp_path: Path) -> None:
    def no_years(rows: Rows) -> Rows:
        rows[3] = [None, None, None, *(f"y{y}" for y in range(10))]
        return rows

    with pytest.raises(InputError) as caught:
        read(edited(tmp_path, no_years))
    message = str(caught.value)
    assert "header row with years not found in the first 20 rows; row 1 reads 'SYNTHETIC" in message
    assert "row 4 reads 'y0 | y1" in message and caught.value.sheet == "2019-2023"


def test_partner_column_renamed(tmp_path: Path) -> None:
    def rename(rows: Rows) -> Rows:
        rows[2][1] = "Страна"
        return rows

    with pytest.raises(InputError) as caught:
        read(edited(tmp_path, rename))
    assert str(caught.value).endswith(
        "row 4: expected the columns Страны, Countries, then one column per year; found Өлкөлөр, Страна, "
        "Countries, Экспорт / Exports 2019, Экспорт / Exports 2020, Экспорт / Exports 2021, "
        "Экспорт / Exports 2022, Экспорт / Exports 2023, Импорт / Imports 2019, Импорт / Imports 2020, "
        "Импорт / Imports 2021, Импорт / Imports 2022, Импорт / Imports 2023")


def test_a_new_column_is_never_dropped_in_silence(tmp_path: Path) -> None:
    def shares(rows: Rows) -> Rows:
        rows[3].append("удельный вес, %")
        return rows

    with pytest.raises(InputError) as caught:
        read(edited(tmp_path, shares))
    assert "expected a year (e.g. 2023) as the heading of column N, found 'Импорт / Imports удельный вес, %'" in str(
        caught.value)
    assert caught.value.column == "N"
    ignored = kg(ignore=('ignore = ["^Өлкөлөр$"]', 'ignore = ["^Өлкөлөр$", "удельный вес"]'))
    assert read(edited(tmp_path, shares), ignored).data.num_rows == 128


def test_a_flow_heading_that_names_no_flow(tmp_path: Path) -> None:
    def renamed(rows: Rows) -> Rows:
        rows[2][3] = "Вывоз"
        return rows

    with pytest.raises(InputError) as caught:
        read(edited(tmp_path, renamed))
    assert ("the heading 'Вывоз 2019' of column D names no flow (flow.header: export: "
            "'экспорт|export', import: 'импорт|import')") in str(caught.value)


def test_no_unit_caption(tmp_path: Path) -> None:
    def no_unit(rows: Rows) -> Rows:
        rows[1] = ["Все данные — в единицах публикации"]
        return rows

    with pytest.raises(InputError) as caught:
        read(edited(tmp_path, no_unit))
    assert ("no unit caption above the table (expected e.g. 'тыс. долларов США' or 'thousand US "
            "dollars'); row 1 reads 'SYNTHETIC") in str(caught.value)


def test_two_units_in_the_title(tmp_path: Path) -> None:
    def two(rows: Rows) -> Rows:
        rows[0] = ["SYNTHETIC TEST DATA (млн долларов США)"]
        return rows

    with pytest.raises(InputError, match="different units"):
        read(edited(tmp_path, two))


def test_unknown_partner_names_sheet_row_and_column(tmp_path: Path, mem_store) -> None:
    def atlantis(rows: Rows) -> Rows:
        rows.insert(12, ["Атлантида", "Атлантида", "Atlantis", *[1.0] * 10])
        return rows

    path = edited(tmp_path, atlantis)
    with pytest.raises(UnknownCountry) as caught:
        mem_store.ingest(kg()(), [path])
    assert (caught.value.sheet, caught.value.row, caught.value.column) == ("2019-2023", 13, "B")
    assert "Атлантида" in str(caught.value) and str(path) in str(caught.value)
    assert mem_store.count() == 0 and mem_store.datasets() == []


def test_text_in_a_value_cell(tmp_path: Path) -> None:
    def text(rows: Rows) -> Rows:
        next(r for r in rows if len(r) > 2 and r[2] == "China")[5] = "5O.0"
        return rows

    with pytest.raises(InputError) as caught:
        read(edited(tmp_path, text))
    assert "not a number: '5O.0'" in str(caught.value)
    assert (caught.value.row, caught.value.column) == (15, "F")


def test_figures_without_a_partner_name(tmp_path: Path) -> None:
    def nameless(rows: Rows) -> Rows:
        rows.insert(10, [None, None, None, 1.0])
        return rows

    with pytest.raises(InputError, match="figures without a partner name") as caught:
        read(edited(tmp_path, nameless))
    assert (caught.value.row, caught.value.column) == (11, "B")


def test_a_checked_total_missing_from_the_table(tmp_path: Path) -> None:
    def no_total(rows: Rows) -> Rows:
        del rows[4]
        return rows

    with pytest.raises(InputError) as caught:
        read(edited(tmp_path, no_total))
    assert ("the layout checks the WLD row against countries, but the table has no WLD row (its "
            "group rows: G:AMERICA, G:ASIA, G:CIS, G:EAEU, G:EU, G:EUROPE)") in str(caught.value)


def test_a_table_of_dashes_is_no_silent_empty_dataset(tmp_path: Path) -> None:
    def dashes(rows: Rows) -> Rows:
        return rows[:4] + [[*r[:3], *["-"] * 10] for r in rows[4:] if len(r) > 3]

    with pytest.raises(InputError) as caught:
        read(edited(tmp_path, dashes))
    assert "no figures under the header (row 4); row 5 reads 'Бардыгы | Всего | Total | - | -" in str(caught.value)


def test_the_footnote_rows_are_no_partners(tmp_path: Path) -> None:
    """Footnotes in the name column are note rows, left out and said so."""
    def moved(rows: Rows) -> Rows:
        return [r if not (r and r[0] in FOOTNOTES) else [None, r[0]] for r in rows]

    result = read(edited(tmp_path, moved))
    notes = [s.reason for s in result.skipped if s.reason.startswith("note row")]
    assert len(notes) == 2 and "Предварительные данные" in notes[0]


def test_rows_after_the_stop_pattern_are_not_read(tmp_path: Path) -> None:
    def trailer(rows: Rows) -> Rows:
        return [*rows, ["Итого за пять лет", "Итого за пять лет", "Five-year total", *[1.0] * 10]]

    with pytest.raises(UnknownCountry):
        read(edited(tmp_path, trailer))
    stopped = kg(stop=('basis = { export = "destination", import = "origin" }',
                       'basis = { export = "destination", import = "origin" }\n'
                       'rows = { stop = "^Итого за" }'))
    assert read(edited(tmp_path, trailer), stopped).data.num_rows == 128


def test_a_sheet_the_layout_names_is_missing(table: Path) -> None:
    source = kg(sheet=('file = { format = "spreadsheet" }',
                       'file = { format = "spreadsheet", sheets = "^Экспорт$" }'))
    with pytest.raises(InputError) as caught:
        read(table, source)
    assert "no sheet's name matches '^Экспорт$'; the sheets are ['2019-2023']" in str(caught.value)


def test_a_csv_layout_refuses_a_spreadsheet(table: Path) -> None:
    source = kg(fmt=('file = { format = "spreadsheet" }', 'file = { format = "csv" }'))
    with pytest.raises(InputError, match="not UTF-8 text"):
        read(table, source)


def test_each_sheet_a_year_flows_as_columns(tmp_path: Path) -> None:
    """One sheet per year (the period from the sheet name), headings that name the flows."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for year, factor in ((2022, 1.0), (2023, 2.0)):
        ws = book.create_sheet(f"{year} год")
        ws.append([f"SYNTHETIC TEST DATA. Торговля за {year} год (тыс. долларов США)"])
        ws.append(["Страна", "Экспорт", "Импорт", "удельный вес, %"])
        ws.append(["Всего", 30 * factor, 12 * factor, 100])
        ws.append(["Россия", 10 * factor, 5 * factor, 35])
        ws.append(["Китай", 20 * factor, 7 * factor, 65])
    book.save(tmp_path / "years.xlsx")
    text = EXAMPLE.read_text("utf-8").split("[groups]")[0]
    text = (text.replace('file = { format = "spreadsheet" }', 'file = { format = "spreadsheet", sheets = "год$" }')
                .replace('header = { find = "periods", above = 1 }', 'header = { find = "^экспорт$" }')
                .replace('shape = { kind = "wide", columns = "years", ignore = ["^Өлкөлөр$"] }',
                         'shape = { kind = "wide", columns = "flows", ignore = ["удельный вес"] }\n'
                         'period = { from = "sheet" }')
                .replace('partner = { columns = ["Страны", "Countries"] }', 'partner = { columns = ["Страна"] }'))
    text += '[[checks]]\ntotal = "WLD"\nparts = "countries"\n'
    result = _source(text)().read(tmp_path / "years.xlsx")
    values = {(r["partner"], r["flow"], r["period_start"].year): r["value"] for r in result.data.to_pylist()}
    assert values[("CHN", "import", 2023)] == 14_000.0 and values[("WLD", "export", 2022)] == 30_000.0
    assert all(c.ok for c in result.checks) and len(result.checks) == 4
