"""Many small files in one ingest: the same store as file by file, one transaction, located
errors."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from conftest import shared

from cistrade.errors import InputError
from cistrade.sources import get_source
from cistrade.store import Store


def _files() -> list[Path]:
    """Two downloads of the same months (the later supersedes the earlier), and others."""
    folders = {"kazahstan_export_eurostat": 8, "kazakhstan_export_eurostat": 8,
               "kyrgyzstan_import_eurostat": 6}
    return [p for f, n in folders.items()
            for p in sorted(shared("mirror", "eurostat", f).glob("*.csv"))[:n]]


def _state(store: Store) -> tuple:
    con = store.con
    return (con.execute("SELECT * FROM flows ORDER BY ALL").fetchall(),
            con.execute("SELECT * FROM superseded ORDER BY ALL").fetchall(),
            con.execute("SELECT dataset_id, row_count, notes FROM datasets ORDER BY ALL").fetchall(),
            con.execute("SELECT * FROM coverage ORDER BY ALL").fetchall())


@pytest.mark.parametrize("order", ["given", "reversed", "shuffled"])
def test_one_ingest_of_many_files_is_the_same_as_one_at_a_time(tmp_path: Path, order: str) -> None:
    """Files in any order (newer vintages before older ones too): one call, batched, ends
    as the calls file by file do, to each dataset's reported rows and supersessions."""
    files = _files()
    if order == "reversed":
        files.reverse()
    elif order == "shuffled":
        random.Random(1).shuffle(files)
    source = get_source("eurostat")()
    with Store(tmp_path / "one.duckdb") as one:
        batched = one.ingest(source, files)
        together = _state(one)
    with Store(tmp_path / "each.duckdb") as each:
        singles = [each.ingest(source, [f]).files[0] for f in files]
        apart = _state(each)
    assert [(f.rows, f.dropped_rows, f.superseded_rows) for f in batched.files] == [
        (f.rows, f.dropped_rows, f.superseded_rows) for f in singles]
    # the case is one with vintages at work (the two downloads share their vintages: the later
    # file wins the tie)
    assert sum(f.superseded_rows + f.dropped_rows for f in singles) > 0
    assert together == apart


def test_a_bad_file_among_many_is_named_and_nothing_is_stored(tmp_path: Path) -> None:
    files = _files()[:20]
    bad = tmp_path / files[7].name
    text = files[7].read_text(encoding="utf-8").splitlines()
    # the first data row's value is no number
    head, first = text[0].split(","), text[1].split(",")
    first[head.index("OBS_VALUE") if "OBS_VALUE" in head else len(first) - 1] = "-5"
    bad.write_text("\n".join([text[0], ",".join(first), *text[2:]]) + "\n", encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        store.ingest(get_source("eurostat")(), files[:3])
        before = _state(store)
        with pytest.raises(InputError) as err:
            store.ingest(get_source("eurostat")(), [*files[3:7], bad, *files[8:]])
        assert err.value.file == str(bad)
        assert _state(store) == before


def test_the_same_file_twice_in_one_ingest_is_stored_once(tmp_path: Path) -> None:
    files = _files()[:3]
    with Store(tmp_path / "s.duckdb") as store:
        report = store.ingest(get_source("eurostat")(), [*files, files[1]])
        assert [f.status for f in report.files] == ["ingested"] * 3 + ["unchanged"]
        assert report.files[3].dataset_id == report.files[1].dataset_id


def test_a_table_arrow_cannot_cast_is_stored_beside_the_others(tmp_path: Path) -> None:
    """A reader's table that Arrow will not cast to the canonical types (figures as text with
    spaces) is cast by DuckDB on its own, in the same batch as the tables Arrow casts: the
    store ends as with each file alone."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from cistrade.sources.eurostat import EurostatSource

    files = _files()[:8]
    spaced = {files[1].name, files[4].name}

    class Spaced(EurostatSource):
        def read(self, path: Path):  # noqa: ANN201 - a ReadResult
            result = super().read(path)
            if path.name in spaced:
                values = pc.binary_join_element_wise(
                    " ", pc.cast(result.data.column("value"), pa.string()), "")
                result.data = result.data.set_column(
                    result.data.schema.get_field_index("value"), "value", values)
            return result

    with pytest.raises(pa.ArrowInvalid):  # what sends the table to DuckDB's cast
        Spaced().read(files[1]).data.column("value").cast(pa.float64())
    with Store(tmp_path / "one.duckdb") as one:
        batched = one.ingest(Spaced(), files)
        together = _state(one)
    with Store(tmp_path / "each.duckdb") as each:
        singles = [each.ingest(Spaced(), [f]).files[0] for f in files]
        apart = _state(each)
    assert [f.rows for f in batched.files] == [f.rows for f in singles]
    assert together == apart
    with Store(tmp_path / "plain.duckdb") as plain:
        plain.ingest(EurostatSource(), files)
        assert _state(plain)[0] == together[0]
