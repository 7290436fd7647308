"""Armstat's monthly trade by partner: both import bases, Russia's published shares.

``am-armstat`` is a layout file shipped with the package (``cistrade/layouts/am-armstat.toml``);
these are the tests of the Python reader it replaced, unchanged in meaning.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import shared

from cistrade.errors import InputError, UnknownCountry
from cistrade.sources import detect, get_source

AmArmstatSource = get_source("am-armstat")

FILE = ("national", "am-armstat", "arm_trade_country_monthly.csv")
LINES = 28367  # data lines of the real file


@pytest.fixture(scope="module")
def am_store():
    from cistrade.store import Store

    store = Store.memory()
    store.ingest(AmArmstatSource(), [shared(*FILE)])
    yield store
    store.close()


def _copy(tmp_path: Path, edit) -> Path:  # noqa: ANN001
    lines = shared(*FILE).read_text("utf-8-sig").splitlines(keepends=True)
    target = tmp_path / "armstat.csv"
    target.write_text("".join(edit(lines)), "utf-8-sig")
    return target


def _share(store, year: int, basis: str) -> float:  # noqa: ANN001
    """Russia's share of Armenia's turnover in January–September (exports + imports on a basis)."""
    return store.con.execute(
        """SELECT sum(value) FILTER (WHERE partner = 'RUS') / sum(value) FROM flows
           WHERE reporter = 'ARM' AND freq = 'M' AND period_start >= make_date(?, 1, 1)
             AND period_end <= make_date(?, 9, 30) AND NOT aggregate
             AND (flow = 'export' OR partner_basis = ?)""",
        [year, year, basis],
    ).fetchone()[0]


def test_detected_by_content() -> None:
    assert detect(shared(*FILE)) is AmArmstatSource


def test_russia_share_jan_sep_2024_and_2023(am_store) -> None:
    assert round(_share(am_store, 2024, "origin") * 100, 1) == 41.8
    assert round(_share(am_store, 2024, "consignment") * 100, 1) == 42.4
    assert round(_share(am_store, 2023, "origin") * 100, 1) == 35.8


def test_three_rows_per_line_on_both_import_bases(am_store) -> None:
    rows = am_store.con.execute(
        """SELECT flow, partner_basis, valuation, count(*) FROM flows
           GROUP BY ALL ORDER BY ALL"""
    ).fetchall()
    assert rows == [
        ("export", "destination", "FOB", LINES),
        ("import", "consignment", "CIF", LINES),
        ("import", "origin", "CIF", LINES),
    ]


def test_thousand_usd_multiplied_out_and_row_refs(am_store) -> None:
    """Line 2 of the file: Afghanistan, 2024-02, import_origin 0.26 thousand USD."""
    row = am_store.con.execute(
        """SELECT partner, period_start, period_end, value, row_ref FROM flows
           WHERE row_ref = 'row=2;col=import_origin'"""
    ).fetchone()
    assert row[0] == "AFG" and str(row[1]) == "2024-02-01" and str(row[2]) == "2024-02-29"
    assert row[3] == pytest.approx(260.0)


def test_pseudo_areas_and_publisher_spellings(am_store) -> None:
    found = dict(am_store.con.execute(
        """SELECT partner, a.kind FROM flows JOIN areas a ON a.code = partner
           WHERE partner IN ('XNS', 'XEU', 'WSM', 'XNK') GROUP BY ALL"""
    ).fetchall())
    assert found == {"XNS": "pseudo", "XEU": "pseudo", "WSM": "country", "XNK": "historical"}
    assert am_store.con.execute("SELECT count(*) FROM flows WHERE aggregate").fetchone()[0] == 0


def test_notes_say_there_is_no_total(am_store) -> None:
    notes = am_store.datasets()[0]["notes"]["notes"]
    assert any("no total row" in n for n in notes)


def test_every_line_gives_its_three_flows() -> None:
    # how fast: benchmarks/national.py (a timed assertion here failed on a loaded machine)
    result = AmArmstatSource().read(shared(*FILE))
    assert result.data.num_rows == 3 * LINES


def test_renamed_column_is_refused(tmp_path: Path, mem_store) -> None:
    path = _copy(tmp_path, lambda ls: [ls[0].replace("import_origin", "imports"), *ls[1:]])
    with pytest.raises(InputError) as caught:
        mem_store.ingest(AmArmstatSource(), [path])
    message = str(caught.value)
    assert "expected the columns country, year" in message and "imports" in message
    assert caught.value.row == 1 and mem_store.count() == 0


def test_shifted_columns_are_caught_by_the_date(tmp_path: Path) -> None:
    """Year and month swapped on line 11: the date no longer agrees."""
    def edit(lines: list[str]) -> list[str]:
        country, year, month, *rest = lines[10].split(",")
        lines[10] = ",".join([country, month, year, *rest])
        return lines

    with pytest.raises(InputError, match="do not agree") as caught:
        AmArmstatSource().read(_copy(tmp_path, edit))
    assert (caught.value.row, caught.value.column) == (11, "date")


def test_short_line_names_its_row(tmp_path: Path) -> None:
    path = _copy(tmp_path, lambda ls: [*ls[:99], '"Albania",2024,1\n', *ls[100:]])
    with pytest.raises(InputError, match="expected 7 fields") as caught:
        AmArmstatSource().read(path)
    assert caught.value.row == 100


def test_bad_number_names_row_and_column(tmp_path: Path) -> None:
    def edit(lines: list[str]) -> list[str]:
        lines[4] = lines[4].replace(",0.04997,", ",n/a,")
        return lines

    with pytest.raises(InputError, match="not a number") as caught:
        AmArmstatSource().read(_copy(tmp_path, edit))
    assert (caught.value.row, caught.value.column) == (5, "import_origin")


def test_unknown_partner_stops_the_ingest(tmp_path: Path, mem_store) -> None:
    path = _copy(tmp_path, lambda ls: [*ls[:7], '"Atlantis",2024,1,1,2,3,"2024-01-01"\n', *ls[7:]])
    with pytest.raises(UnknownCountry) as caught:
        mem_store.ingest(AmArmstatSource(), [path])
    assert "Atlantis" in str(caught.value) and str(path) in str(caught.value)
    assert (caught.value.row, caught.value.column) == (8, "country")
    assert mem_store.count() == 0 and mem_store.datasets() == []


def test_two_spellings_of_one_partner_in_a_month_are_duplicates(tmp_path: Path, mem_store) -> None:
    extra = '"Islamic Republic of Iran",2023,12,1,2,3,"2023-12-01"\n'
    path = _copy(tmp_path, lambda ls: [*ls, extra])
    with pytest.raises(InputError, match="duplicate"):
        mem_store.ingest(AmArmstatSource(), [path])
    assert mem_store.count() == 0
