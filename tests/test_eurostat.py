"""Eurostat Comext relational-view downloads: labels, aggregates, duplicates, vintages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import shared

from cistrade.errors import InputError, UnknownCountry
from cistrade.model import Freq, Period
from cistrade.sources import detect
from cistrade.sources.eurostat import (
    EurostatSource,
    members_in_label,
    parse_period,
    vintage_of,
)

ROOT = ("mirror", "eurostat")
QUOTED = "kazahstan_export_eurostat/Relational_View_2024-11-17T07_25_35.876Z.csv"
BARE = "kazakhstan_export_eurostat/Relational_View_2024-11-17T07_25_35.876Z.csv"
HEADER = "REPORTER,PARTNER,PRODUCT,FLOW,STAT_PROCEDURE,PERIOD,VALUE_IN_EUR\n"
EU_DATED = (
    "European Union (AT-01/1995, BE-01/1958, GB-01/1973->01/2020, HR-07/2013, SE-01/1995)"
)

#: Poland's exports to (imports from) each folder's partner in March 2021, read by hand
SPOT = {
    "armenia_export_eurostat": ("ARM", "export", 4_065_989),
    "georgia_export_eurostat": ("GEO", "export", 12_066_206),
    "kazakhstan_export_eurostat": ("KAZ", "export", 86_084_662),
    "kazahstan_export_eurostat": ("KAZ", "export", 86_084_662),
    "kyrgyz_export_eurostat": ("KGZ", "export", 2_067_005),
    "kyrgyzstan_import_eurostat": ("KGZ", "import", 25_645),
    "russia_export_eurostat": ("RUS", "export", 683_903_201),
    "uzbek_export_eurostat": ("UZB", "export", 16_486_916),
}


def _write(tmp_path: Path, name: str, *lines: str) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(ln + "\r\n" for ln in lines), "utf-8")
    return path


def _line(reporter: str, period: str, value: object, partner: str = "Kazakhstan") -> str:
    return f'"{reporter}","{partner}","Total","EXPORT","Total","{period}",{value}'


# -- labels ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["Oct. 2019", "201910-Oct. 2019", "Oct 2019", "May. 2020"])
def test_both_period_label_styles(text: str) -> None:
    expected = Period(2019, Freq.MONTHLY, 10) if "Oct" in text else Period(2020, Freq.MONTHLY, 5)
    assert parse_period(text) == expected


@pytest.mark.parametrize("text", ["201911-Oct. 2019", "Okt. 2019", "2019-10", ""])
def test_bad_periods(text: str) -> None:
    with pytest.raises(InputError):
        parse_period(text)


def test_members_from_a_fixed_list_and_from_dated_entries() -> None:
    fixed = "European Union - 27 countries (AT, BE, BG, CY, CZ, DE, DK, EE, ES, FI, GR)"
    assert members_in_label(fixed, date(2019, 1, 1))[-1] == "GR"
    assert "GB" in members_in_label(EU_DATED, date(2020, 1, 1))  # the last month included
    assert "GB" not in members_in_label(EU_DATED, date(2020, 2, 1))
    assert "HR" not in members_in_label(EU_DATED, date(2013, 6, 1))
    assert members_in_label("Euro area (from 2023)", date(2023, 1, 1)) is None


def test_vintage_is_the_download_time_in_the_name(tmp_path: Path) -> None:
    assert vintage_of(Path(BARE)) == "2024-11-17T07:25:35.876Z"
    other = tmp_path / "comext.csv"
    other.write_text(HEADER)
    assert vintage_of(other)[:4].isdigit() and vintage_of(other).endswith("Z")


def test_both_label_styles_read_the_same_rows() -> None:
    quoted = EurostatSource().read(shared(*ROOT, *QUOTED.split("/")))
    bare = EurostatSource().read(shared(*ROOT, *BARE.split("/")))
    keep = ["reporter", "partner", "flow", "period_start", "value", "aggregate", "valuation"]
    assert quoted.data.select(keep).equals(bare.data.select(keep))
    assert detect(shared(*ROOT, *QUOTED.split("/"))) is EurostatSource


def test_reporters_aggregates_and_checks() -> None:
    result = EurostatSource().read(shared(*ROOT, *QUOTED.split("/")))
    rows = result.data.to_pylist()
    groups = {r["reporter"]: r["value"] for r in rows if r["aggregate"]}
    assert groups == {"G:EA": 739_505_307, "G:EA20": 739_505_307,
                      "G:EU": 921_956_331, "G:EU27": 921_956_331}
    germany = next(r for r in rows if r["reporter"] == "DEU")
    assert (germany["value"], germany["currency"]) == (239_098_206, "EUR")
    assert (germany["valuation"], germany["partner_basis"]) == ("FOB", "destination")
    assert str(germany["period_start"]) == "2024-08-01" and germany["freq"] == "M"
    assert len(result.checks) == 4 and all(c.ok for c in result.checks)


# -- the whole mirror folder ----------------------------------------------------------------


@pytest.fixture(scope="module")
def comext():
    """Every download of the shared folder (545 files), ingested once, file by file.

    The store's per-file checks are many tiny queries; one DuckDB thread runs them about
    twice as fast as the default on a busy two-core machine (about 10 s instead of 25 s).
    """
    from cistrade.store import Store

    files = sorted(shared(*ROOT).glob("*/*.csv"))
    store = Store.memory()
    store.con.execute("SET threads = 1")
    report = store.ingest(EurostatSource(), files)
    yield store, report
    store.close()


@pytest.mark.slow
def test_no_duplicate_keys_after_all_files(comext) -> None:
    store, _ = comext
    dups = store.con.execute(
        """SELECT count(*) FROM (SELECT 1 FROM flows GROUP BY reporter, partner, flow, freq,
           period_start, period_end, product_class, product, partner_basis HAVING count(*) > 1)"""
    ).fetchone()[0]
    assert dups == 0
    months = store.con.execute(
        "SELECT partner, flow, count(DISTINCT period_start) FROM flows GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    assert [m[2] for m in months] == [68] * 7  # Jan 2019 – Aug 2024 for each partner and flow


@pytest.mark.slow
@pytest.mark.parametrize("folder", sorted(SPOT))
def test_spot_value_per_folder(comext, folder: str) -> None:
    store, _ = comext
    partner, flow, value = SPOT[folder]
    found = store.con.execute(
        """SELECT value FROM flows WHERE reporter = 'POL' AND partner = ? AND flow = ?
           AND period_start = DATE '2021-03-01'""",
        [partner, flow],
    ).fetchall()
    assert found == [(value,)]


@pytest.mark.slow
def test_report_counts_for_repeated_downloads(comext) -> None:
    """The same downloads saved twice (two label styles, same time stamp, so the same
    vintage, and the same figures): the second copy changes nothing and says so ("covered",
    its rows dropped), never "ingested"; a byte-identical file is "unchanged"."""
    _, report = comext
    by_folder: dict[str, list] = {}
    for f in report.files:
        by_folder.setdefault(Path(f.path).parent.name, []).append(f)
    kaz = by_folder["kazakhstan_export_eurostat"]
    covered = [f for f in kaz if f.status == "covered"]
    assert covered and all(f.rows == 0 for f in covered)
    assert sum(f.dropped_rows for f in covered) == 2089
    assert sum(f.superseded_rows for f in kaz) == 0
    kgz = by_folder["kyrgyzstan_import_eurostat"]
    assert [f.status for f in kgz].count("unchanged") == 1
    assert sum(f.collapsed_rows + f.replaced_duplicates for f in report.files) == 0


@pytest.mark.slow
def test_aggregate_checks_flag_the_missing_uk_rows(comext) -> None:
    """EU27 always equals its members; EU (changing composition) towards Kyrgyz imports does
    not in 2019–Jan 2020: the downloads hold no United Kingdom row."""
    _, report = comext
    checks = [c for f in report.files for c in f.checks]
    assert all(c["ok"] for c in checks if c["label"].startswith("G:EU27"))
    failed = sorted(c["label"] for c in checks if not c["ok"])
    assert len(failed) == 13 and all(x.startswith("G:EU imports, partner KGZ") for x in failed)


# -- duplicates and vintages on made-up downloads ---------------------------------------------


def test_duplicates_in_one_download_collapse_and_the_later_line_wins(tmp_path, mem_store) -> None:
    path = _write(
        tmp_path, "Relational_View_2024-11-20T10_00_00.000Z.csv",
        _line("Poland", "Mar. 2021", 100), _line("Poland", "202103-Mar. 2021", 100),
        _line("Malta", "Mar. 2021", 5), _line("Malta", "Mar. 2021", 7),
    )
    report = mem_store.ingest(EurostatSource(), [path]).files[0]
    assert (report.rows, report.collapsed_rows, report.replaced_duplicates) == (2, 2, 1)
    values = dict(mem_store.con.execute("SELECT reporter, value FROM flows").fetchall())
    assert values == {"POL": 100, "MLT": 7}


def test_the_later_download_wins_whatever_the_order(tmp_path, mem_store) -> None:
    later = _write(tmp_path, "Relational_View_2024-11-20T10_00_00.000Z.csv",
                   _line("Poland", "Mar. 2021", 200))
    earlier = _write(tmp_path, "Relational_View_2024-11-19T10_00_00.000Z.csv",
                     _line("Poland", "Mar. 2021", 100), _line("Malta", "Mar. 2021", 5))
    mem_store.ingest(EurostatSource(), [later])
    report = mem_store.ingest(EurostatSource(), [earlier]).files[0]
    assert (report.rows, report.dropped_rows) == (1, 1)
    values = dict(mem_store.con.execute("SELECT reporter, value FROM flows").fetchall())
    assert values == {"POL": 200, "MLT": 5}


def test_other_procedures_and_missing_values_are_skipped(tmp_path) -> None:
    path = _write(
        tmp_path, "x.csv", _line("Poland", "Mar. 2021", ":"),
        '"Poland","Kazakhstan","Total","EXPORT","1-Normal","Mar. 2021",3',
        _line("Malta", "Mar. 2021", 5),
    )
    result = EurostatSource().read(path)
    assert result.data.num_rows == 1
    assert [s.row_ref for s in result.skipped] == ["row=2;col=VALUE_IN_EUR", "row=3;col=VALUE_IN_EUR"]


# -- damaged files ----------------------------------------------------------------------------


def test_unknown_reporter_names_file_row_and_column(tmp_path, mem_store) -> None:
    path = _write(tmp_path, "x.csv", _line("Poland", "Mar. 2021", 1),
                  _line("Atlantis (incl. Lemuria)", "Mar. 2021", 2))
    with pytest.raises(UnknownCountry) as caught:
        mem_store.ingest(EurostatSource(), [path])
    assert (caught.value.row, caught.value.column) == (3, "REPORTER")
    assert "Atlantis" in str(caught.value) and str(path) in str(caught.value)
    assert mem_store.count() == 0


def test_renamed_column_and_bad_cells(tmp_path) -> None:
    renamed = tmp_path / "renamed.csv"
    renamed.write_text(HEADER.replace("VALUE_IN_EUR", "VALUE_IN_USD") + _line("Malta", "May 2020", 1))
    with pytest.raises(InputError, match="VALUE_IN_USD"):
        EurostatSource().read(renamed)
    cases = {
        "PERIOD": _line("Malta", "Maj 2020", 1),
        "VALUE_IN_EUR": _line("Malta", "May 2020", "1e"),
        "FLOW": _line("Malta", "May 2020", 1).replace("EXPORT", "TRANSIT"),
        "PRODUCT": _line("Malta", "May 2020", 1).replace('"Total","EXPORT"', '"27-Fuels","EXPORT"'),
    }
    for column, line in cases.items():
        with pytest.raises(InputError) as caught:
            EurostatSource().read(_write(tmp_path, f"{column}.csv", line))
        assert (caught.value.row, caught.value.column) == (2, column)


def test_truncated_download(tmp_path) -> None:
    raw = shared(*ROOT, *BARE.split("/")).read_bytes()
    path = tmp_path / "cut.csv"
    path.write_bytes(raw[: raw.index(b"\n", 200) + 5])
    with pytest.raises(InputError, match="truncated"):
        EurostatSource().read(path)
