"""Uzbekistan's Statistics Agency: exports and imports by partner, read from the real files.

``uz-stat`` is a layout file shipped with the package (``cistrade/layouts/uz-stat.toml``);
these are the tests of the Python reader it replaced, unchanged in meaning.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import shared

from cistrade.errors import InputError, UnknownCountry
from cistrade.model import Flow
from cistrade.sources import detect, get_source

UzStatSource = get_source("uz-stat")

EXPORTS = ("national", "uz-stat", "exports_by_country_sdmx_1105.csv")
IMPORTS = ("national", "uz-stat", "imports_by_country_sdmx_1176.csv")


@pytest.fixture(scope="module")
def uz_store():
    from cistrade.store import Store

    store = Store.memory()
    store.ingest(UzStatSource(), [shared(*EXPORTS), shared(*IMPORTS)])
    yield store
    store.close()


def _copy(tmp_path: Path, name: str, edit=None) -> Path:  # noqa: ANN001
    """A copy of the exports file under another name, optionally edited line by line."""
    lines = shared(*EXPORTS).read_text("utf-8-sig").splitlines(keepends=True)
    if edit is not None:
        lines = edit(lines)
    target = tmp_path / name
    target.write_text("".join(lines), "utf-8-sig")
    return target


def test_detected_by_content() -> None:
    assert detect(shared(*EXPORTS)) is UzStatSource
    assert detect(shared(*IMPORTS)) is UzStatSource


def test_flow_from_the_dataset_number() -> None:
    src = UzStatSource()
    for path, flow in ((shared(*EXPORTS), Flow.EXPORT), (shared(*IMPORTS), Flow.IMPORT)):
        result = src.read(path)
        assert set(result.data.column("flow").to_pylist()) == {flow.value}
        assert any(f"flow {flow.value!r} from the file name" in n for n in result.notes)


def test_totals_2023_in_billion_usd(uz_store) -> None:
    """Thousand USD verified: the rows of 2023 sum to the published 24.87 and 38.66 bn."""
    totals = dict(
        uz_store.con.execute(
            """SELECT flow, sum(value) / 1e9 FROM flows
               WHERE reporter = 'UZB' AND year(period_start) = 2023 AND freq = 'A'
               GROUP BY flow"""
        ).fetchall()
    )
    assert totals["export"] == pytest.approx(24.87, abs=0.005)
    assert totals["import"] == pytest.approx(38.66, abs=0.005)


def test_shares_of_turnover_2023(uz_store) -> None:
    """China 21.8%, Russia 16.0% and second among countries; 'Other countries' not ranked."""
    rows = uz_store.con.execute(
        """WITH t AS (SELECT partner, sum(value) AS v FROM flows
                      WHERE reporter = 'UZB' AND year(period_start) = 2023 AND NOT aggregate
                      GROUP BY partner),
                s AS (SELECT partner, v / sum(v) OVER () AS share FROM t)
           SELECT partner, share, rank() OVER (ORDER BY share DESC) AS rank
           FROM s JOIN areas a ON a.code = s.partner
           WHERE a.kind IN ('country', 'historical')
           ORDER BY rank LIMIT 3"""
    ).fetchall()
    (first, s1, r1), (second, s2, r2) = rows[0], rows[1]
    assert (first, r1) == ("CHN", 1) and round(s1 * 100, 1) == 21.8
    assert (second, r2) == ("RUS", 2) and round(s2 * 100, 1) == 16.0


def test_other_countries_is_xot_kept_not_aggregate(uz_store) -> None:
    row = uz_store.con.execute(
        """SELECT f.aggregate, a.kind, f.value FROM flows f JOIN areas a ON a.code = f.partner
           WHERE partner = 'XOT' AND flow = 'export' AND year(period_start) = 2023"""
    ).fetchone()
    assert row[0] is False and row[1] == "pseudo"
    assert row[2] == pytest.approx(10_352_796.9 * 1000)


def test_row_ref_points_at_line_and_year_column(uz_store) -> None:
    lines = shared(*EXPORTS).read_text("utf-8-sig").splitlines()
    china = next(i for i, ln in enumerate(lines, start=1) if ln.startswith("156,"))
    ref, value = uz_store.con.execute(
        """SELECT row_ref, value FROM flows WHERE partner = 'CHN' AND flow = 'export'
           AND year(period_start) = 2023"""
    ).fetchone()
    assert ref == f"row={china};col=2023"
    assert value == pytest.approx(2_486_557.3 * 1000)


def test_codes_decide_over_swapped_name_columns(uz_store) -> None:
    """Slovakia's row has its Russian and English names swapped: the M49 code 703 decides."""
    assert uz_store.con.execute(
        "SELECT count(*) FROM flows WHERE partner = 'SVK' AND flow = 'export'"
    ).fetchone()[0] == 14


def test_notes_say_no_total_and_units(uz_store) -> None:
    notes = " ".join(n for d in uz_store.datasets() for n in d["notes"]["notes"])
    assert "no total row" in notes
    assert "thousand USD" in notes
    assert "736" in notes  # Sudan's old M49 code, resolved by name


def test_flow_unknown_without_number_or_word(tmp_path: Path) -> None:
    path = _copy(tmp_path, "by_country.csv")
    with pytest.raises(InputError, match="exports or imports"):
        UzStatSource().read(path)
    result = UzStatSource(flow="import").read(path)
    assert set(result.data.column("flow").to_pylist()) == {"import"}
    assert set(result.data.column("valuation").to_pylist()) == {"CIF"}


def test_renamed_column_is_a_changed_layout(tmp_path: Path, mem_store) -> None:
    path = _copy(tmp_path, "x_sdmx_1105.csv", lambda ls: [ls[0].replace("Code", "Kod"), *ls[1:]])
    with pytest.raises(InputError) as caught:
        mem_store.ingest(UzStatSource(), [path])
    assert "expected the columns Code" in str(caught.value) and "Kod" in str(caught.value)
    assert caught.value.row == 1 and mem_store.count() == 0 and mem_store.datasets() == []


def test_shifted_year_column(tmp_path: Path) -> None:
    def edit(lines: list[str]) -> list[str]:
        return [lines[0].replace(",2015,", ",y2015,"), *lines[1:]]

    path = _copy(tmp_path, "x_sdmx_1105.csv", edit)
    with pytest.raises(InputError, match="expected a year") as caught:
        UzStatSource().read(path)
    assert caught.value.column == "y2015"


def test_short_line_names_its_row(tmp_path: Path) -> None:
    def edit(lines: list[str]) -> list[str]:
        return [*lines[:5], "192,Kuba,Куба,Cuba,1.5\n", *lines[6:]]

    path = _copy(tmp_path, "x_sdmx_1105.csv", edit)
    with pytest.raises(InputError, match="expected 18 fields") as caught:
        UzStatSource().read(path)
    assert caught.value.row == 6


def test_bad_number_names_row_and_column(tmp_path: Path) -> None:
    def edit(lines: list[str]) -> list[str]:
        lines[2] = lines[2].replace(",26.7\n", ",2b6.7\n")
        return lines

    path = _copy(tmp_path, "x_sdmx_1105.csv", edit)
    with pytest.raises(InputError, match="not a number") as caught:
        UzStatSource().read(path)
    assert (caught.value.row, caught.value.column) == (3, "2023")


def test_blank_cell_is_skipped_not_zero(tmp_path: Path) -> None:
    def edit(lines: list[str]) -> list[str]:
        return [lines[0], lines[1].replace(",2.1\n", ",\n"), *lines[2:]]

    path = _copy(tmp_path, "x_sdmx_1105.csv", edit)
    result = UzStatSource().read(path)
    assert [s.row_ref for s in result.skipped] == ["row=2;col=2023"]
    assert result.data.num_rows == 228 * 14 - 1


def test_unknown_partner_stops_naming_row_and_name(tmp_path: Path, mem_store) -> None:
    atlantis = "999,Atlantida,Атлантида,Atlantis" + ",0" * 14 + "\n"
    path = _copy(tmp_path, "x_sdmx_1105.csv", lambda ls: [*ls[:3], atlantis, *ls[3:]])
    with pytest.raises(UnknownCountry) as caught:
        mem_store.ingest(UzStatSource(), [path])
    assert "Atlantis" in str(caught.value) and caught.value.row == 4
    assert caught.value.column == "Code" and str(path) in str(caught.value)
    assert mem_store.count() == 0


def test_newer_vintage_replaces_the_years_it_covers(tmp_path: Path, mem_store) -> None:
    """A download reaching a later year is newer; it replaces whole years, whatever the order."""
    def add_2024(lines: list[str]) -> list[str]:
        return [lines[0].rstrip("\n") + ",2024\n", *(ln.rstrip("\n") + ",1.0\n" for ln in lines[1:])]

    newer = _copy(tmp_path, "new_sdmx_1105.csv", add_2024)
    older = shared(*EXPORTS)
    first = mem_store.ingest(UzStatSource(), [newer]).files[0]
    second = mem_store.ingest(UzStatSource(), [older]).files[0]
    assert first.rows == 228 * 15
    assert second.dropped_rows == 228 * 14 and second.rows == 0
    assert mem_store.count() == 228 * 15
