"""Vintages come from the content, a tie is the user's decision, and a file that changed
nothing never says "ingested" (issue #14, item 6)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from test_kz_bns import _xlsx_copy, kz
from typer.testing import CliRunner

from cistrade.cli import app
from cistrade.errors import InputError
from cistrade.sources.national.kz_bns import KzBnsSource
from cistrade.sources.tidy import TidySource
from cistrade.store import Store

HEADER = "reporter,partner,flow,period,value\n"


def write(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(HEADER + body)
    return path


def figures(store: Store) -> list[tuple]:
    return store.con.execute(
        "SELECT reporter, partner, flow, period_start, value FROM flows ORDER BY ALL").fetchall()


# -- kz-bns: the vintage from the content ---------------------------------------------------


def test_kz_bns_vintage_is_the_last_month_and_the_cover_date(tmp_path: Path) -> None:
    assert KzBnsSource().read(kz("by_country_2023.xls")).vintage == "2023-12/2024-07-25"
    assert KzBnsSource().read(kz("main_indicators_2021.xls")).vintage == "2021-12"
    later = _xlsx_copy(kz("by_country_2023.xls"), tmp_path / "later.xlsx",
                       edit={("Обложка", 7, 1): "Дата опубликования: 03.02.2025"})
    assert KzBnsSource().read(later).vintage == "2023-12/2025-02-03"


def _corrected(tmp_path: Path, cover: str | None) -> Path:
    """by_country_2023.xls with Russia's 2023 exports (sheet 2023, row of Russia) changed."""
    edit: dict = {("Обложка", 7, 1): cover} if cover else {}
    from cistrade.sources.national.excel import open_workbook

    sheet = open_workbook(kz("by_country_2023.xls")).grid("2023")
    row = next(r for r in range(1, sheet.n_rows + 1) if sheet.label(r, 1) == "Россия")
    edit[("2023", row, 4)] = 1.0
    name = "corrected.xlsx" if cover else "copy.xlsx"
    return _xlsx_copy(kz("by_country_2023.xls"), tmp_path / name, edit=edit)


def test_a_kz_bns_correction_with_a_later_cover_date_wins_in_any_order(tmp_path: Path) -> None:
    """Before: both files had vintage '2023': the last ingested won."""
    corrected = _corrected(tmp_path, "Дата опубликования: 03.02.2025")
    results = []
    for i, order in enumerate(([kz("by_country_2023.xls"), corrected],
                               [corrected, kz("by_country_2023.xls")])):
        with Store(tmp_path / f"s{i}.duckdb") as store:
            reports = [store.ingest(KzBnsSource(), [p]).files[0] for p in order]
            results.append(store.con.execute(
                """SELECT value FROM flows WHERE partner = 'RUS' AND flow = 'export'
                   AND year(period_start) = 2023""").fetchall())
            if i == 1:
                assert reports[1].status == "covered" and reports[1].rows == 0
    assert results == [[(1000.0,)], [(1000.0,)]]


def test_two_kz_bns_files_the_content_cannot_order_are_refused(tmp_path: Path) -> None:
    """The same cover date and different figures: a tie. Before: the last ingested won."""
    copy = _corrected(tmp_path, None)
    with Store(tmp_path / "s.duckdb") as store:
        store.ingest(KzBnsSource(), [kz("by_country_2023.xls")])
        before = figures(store)
        with pytest.raises(InputError, match="same vintage '2023-12/2024-07-25'.*--replace") as info:
            store.ingest(KzBnsSource(), [copy])
        assert info.value.file == str(copy) and info.value.row is not None
        assert figures(store) == before
        report = store.ingest(KzBnsSource(), [copy], replace=True)
        assert report.files[0].status == "ingested" and report.files[0].superseded_rows > 0


def test_a_tie_within_one_ingest_is_refused_and_replace_lets_the_later_file_win(tmp_path: Path) -> None:
    """The two files in one call go through the batched path (ingest_batch): the tie rule is
    the same as file by file. The same figures under other bytes are covered, never stored."""
    original, copy = kz("by_country_2023.xls"), _corrected(tmp_path, None)
    same = _xlsx_copy(original, tmp_path / "same.xlsx")
    with Store(tmp_path / "s.duckdb") as store:
        with pytest.raises(InputError, match="the file by_country_2023.xls of this same ingest") as info:
            store.ingest(KzBnsSource(), [original, copy])
        assert info.value.file == str(copy) and "--replace" in str(info.value)
        assert figures(store) == [] and store.datasets() == []
        report = store.ingest(KzBnsSource(), [original, copy, same], replace=True)
        first, second, third = report.files
        assert (first.status, second.status) == ("ingested", "ingested")
        assert second.superseded_rows > 0 and third.status == "ingested"  # the latest wins
        assert store.con.execute(
            """SELECT value FROM flows WHERE partner = 'RUS' AND flow = 'export'
               AND year(period_start) = 2023""").fetchall() != [(1000.0,)]
    with Store(tmp_path / "t.duckdb") as store:
        report = store.ingest(KzBnsSource(), [original, same])
        assert [f.status for f in report.files] == ["ingested", "covered"]
        assert [d["file_name"] for d in store.datasets()] == ["by_country_2023.xls"]


# -- the store's rule for any source ---------------------------------------------------------


def test_a_tie_with_different_figures_is_refused_with_advice(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        store.ingest(TidySource(series="s", vintage="1"), [write(tmp_path, "a.csv", "ARM,RUS,export,2024,5\n")])
        b = write(tmp_path, "b.csv", "ARM,RUS,export,2024,6\n")
        with pytest.raises(InputError, match="--replace"):
            store.ingest(TidySource(series="s", vintage="1"), [b])
        assert figures(store)[0][-1] == 5.0
        store.ingest(TidySource(series="s", vintage="1"), [b], replace=True)
        assert figures(store)[0][-1] == 6.0


@pytest.mark.parametrize(("first", "second", "body", "kept"), [
    ("1", "1", "Armenia,Russia,X,2024,5.0\n", ["a.csv"]),  # the same figure, written otherwise
    ("2", "1", "ARM,RUS,export,2024,4\n", ["a.csv"]),      # an older vintage
], ids=["same vintage, same figures", "older vintage"])
def test_a_file_that_changes_nothing_says_covered(tmp_path: Path, first, second, body, kept) -> None:  # noqa: ANN001
    """Before: status 'ingested' with 0 rows (and dropped_older), exit 0, recorded as a dataset."""
    with Store(tmp_path / "s.duckdb") as store:
        store.ingest(TidySource(series="s", vintage=first), [write(tmp_path, "a.csv", "ARM,RUS,export,2024,5\n")])
        report = store.ingest(TidySource(series="s", vintage=second), [write(tmp_path, "b.csv", body)])
        f = report.files[0]
        assert (f.status, f.rows, f.dropped_rows, report.changed) == ("covered", 0, 1, False)
        assert "correction" in f.warnings[0]
        assert [d["file_name"] for d in store.datasets()] == kept


def test_the_cli_refuses_a_tie_and_replace_decides(tmp_path: Path) -> None:
    db = str(tmp_path / "s.duckdb")
    a = write(tmp_path, "a.csv", "ARM,RUS,export,2024,5\n")
    b = write(tmp_path, "b.csv", "ARM,RUS,export,2024,6\n")
    older = write(tmp_path, "c.csv", "ARM,RUS,export,2024,4\n")
    run = CliRunner().invoke
    common = ["--series", "s", "--db", db]
    assert run(app, ["ingest", "tidy", str(a), "--vintage", "1", *common]).exit_code == 0
    tie = run(app, ["ingest", "tidy", str(b), "--vintage", "1", *common])
    assert tie.exit_code == 1 and "--replace" in tie.output
    done = run(app, ["ingest", "tidy", str(b), "--vintage", "1", "--replace", *common, "--format", "json"])
    assert done.exit_code == 0 and json.loads(done.stdout)["rows"][0]["status"] == "ingested"
    old = run(app, ["ingest", "tidy", str(older), "--vintage", "0", *common])
    assert old.exit_code == 0 and "covered" in old.output and "nothing changed" in old.output
    os.remove(db)
