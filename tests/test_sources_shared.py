"""The suite every registered source must pass, on a real file of its publisher.

Parametrized over :func:`cistrade.sources.source_names` and :data:`CASES`, the table of
(source name, real file under ../shared/data) that each source's author extends. A source
without an entry is skipped with a note saying so (it should get one).

For each case: ``detect`` picks the source; ``read`` gives the canonical columns with the
canonical types; after ingest every row has a ``row_ref``, registry codes, a finite value
>= 0; ingesting the same file again changes nothing ("unchanged"); a truncated copy raises
an :class:`InputError` naming the file and leaves the store exactly as it was.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from conftest import shared

from cistrade.errors import InputError
from cistrade.schema import FLOW_SCHEMA
from cistrade.sources import detect, get_source, source_names
from cistrade.sources.base import ReadResult, SqlData

#: source name -> real files (paths relative to ../shared/data), one test case each
CASES: dict[str, list[str]] = {
    "comtrade": [
        "comtrade/api_v1_get_C_A_HS_sample.json",
        "comtrade/armenia_hs8703_monthly_comtradr_latin1.csv",
    ],
    "imf": [
        "imf/recorded_api_imf_org/05-data_USA_XG_FOB_USD_G001+G998_A.xml",
        "imf/dots_compactdata_A.US.TXG_FOB_USD.W00+B0_2020-2023.json",
    ],
    "baci": ["baci/BACI_HS22_extract_korea_852352_2023.csv"],
    "uz-stat": [
        "national/uz-stat/exports_by_country_sdmx_1105.csv",
        "national/uz-stat/imports_by_country_sdmx_1176.csv",
    ],
    "am-armstat": ["national/am-armstat/arm_trade_country_monthly.csv"],
    "ru-fts": [
        "national/ru-fts/94itog.xlsx",
        "national/ru-fts/96stran.xlsx",
        "national/ru-fts/countries_2024-09.xlsx",
        "national/ru-fts/WEB_UTSA_04.xlsx",
    ],
    "kz-bns": ["national/kz-bns/by_country_2023.xls", "national/kz-bns/main_indicators_2019.xls"],
    "eurostat": [
        "mirror/eurostat/armenia_export_eurostat/Relational_View_2024-11-16T06_38_12.719Z.csv",
        "mirror/eurostat/kazakhstan_export_eurostat/Relational_View_2024-11-17T07_25_35.876Z.csv",
        "mirror/eurostat/kyrgyzstan_import_eurostat/Relational_View_2024-11-16T04_50_00.553Z.csv",
    ],
}


def _params() -> list:
    out = []
    for name in source_names():
        if name == "tidy":  # no publisher file: the generic reader has its own suite (test_store.py)
            continue
        files = CASES.get(name)
        if not files:
            out.append(pytest.param(name, None, id=f"{name}-no-file"))
        out += [pytest.param(name, f, id=f"{name}-{Path(f).name}") for f in files or []]
    return out


PARAMS = _params()


def _case(name: str, rel: str | None) -> Path:
    if rel is None:
        pytest.skip(f"no real file registered for source {name!r} in CASES")
    return shared(*rel.split("/"))


def _arrow(result: ReadResult, con: duckdb.DuckDBPyConnection) -> pa.Table:
    """The rows of a read result as one Arrow table, whatever form the reader chose
    (a SELECT runs on a store's connection, where the ``areas`` table exists)."""
    data = result.data
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatchReader):
        return data.read_all()
    assert isinstance(data, SqlData)
    if data.prepare is not None:
        data.prepare(con)
    con.complete()
    return con.sql(data.sql, params=list(data.params)).to_arrow_table()


def _same_type(found: pa.DataType, wanted: pa.DataType) -> bool:
    if pa.types.is_string(wanted):
        return pa.types.is_string(found) or pa.types.is_large_string(found) or (
            str(found) == "string_view"
        )
    return found == wanted


def _truncated_copy(path: Path, tmp_path: Path) -> Path:
    """The first half of the file, cut inside a line, under the same file name."""
    raw = path.read_bytes()
    cut = len(raw) // 2
    while cut > 1 and raw[cut - 1 : cut] in (b"\n", b"\r"):
        cut -= 1
    target = tmp_path / "truncated" / path.name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(raw[:cut])
    return target


def test_every_builtin_source_has_a_case() -> None:
    """A reminder, not a failure: sources without a real file are listed."""
    missing = [n for n in source_names() if n not in CASES and n != "tidy"]
    if missing:
        pytest.skip(f"no real file in CASES for: {', '.join(missing)}")


@pytest.mark.parametrize(("name", "rel"), PARAMS)
def test_detect_picks_the_source(name: str, rel: str | None) -> None:
    path = _case(name, rel)
    assert detect(path).name == name


@pytest.mark.parametrize(("name", "rel"), PARAMS)
def test_read_gives_canonical_columns_and_types(name: str, rel: str | None, mem_store) -> None:
    path = _case(name, rel)
    result = get_source(name)().read(path)
    assert result.series and result.vintage
    table = _arrow(result, mem_store.con)
    assert table.num_rows > 0
    for wanted in FLOW_SCHEMA:
        if wanted.name == "dataset_id":
            continue
        assert wanted.name in table.schema.names, f"{name}: no column {wanted.name}"
        found = table.schema.field(wanted.name).type
        assert _same_type(found, wanted.type), f"{name}: {wanted.name} is {found}"


@pytest.mark.parametrize(("name", "rel"), PARAMS)
def test_ingested_rows_are_sound_and_idempotent(name: str, rel: str | None, mem_store) -> None:
    path = _case(name, rel)
    report = mem_store.ingest(get_source(name)(), [path])
    assert report.files[0].status == "ingested" and report.files[0].rows > 0
    con = mem_store.con
    bad_refs = con.execute("SELECT count(*) FROM flows WHERE coalesce(row_ref, '') = ''").fetchone()
    assert bad_refs[0] == 0
    unknown = con.execute(
        """SELECT DISTINCT code FROM (SELECT reporter AS code FROM flows
                                      UNION SELECT partner FROM flows)
           WHERE code NOT IN (SELECT code FROM areas)"""
    ).fetchall()
    assert unknown == []
    bad_values = con.execute(
        "SELECT count(*) FROM flows WHERE value IS NULL OR NOT isfinite(value) OR value < 0"
    ).fetchone()
    assert bad_values[0] == 0
    rows = mem_store.count()
    again = mem_store.ingest(get_source(name)(), [path])
    assert again.files[0].status == "unchanged"
    assert mem_store.count() == rows


@pytest.mark.parametrize(("name", "rel"), PARAMS)
def test_truncated_copy_is_refused_and_store_unchanged(
    name: str, rel: str | None, mem_store, tmp_path: Path
) -> None:
    path = _case(name, rel)
    mem_store.ingest(get_source(name)(), [path])
    before = (mem_store.count(), mem_store.datasets())
    broken = _truncated_copy(path, tmp_path)
    with pytest.raises(InputError) as caught:
        mem_store.ingest(get_source(name)(), [broken])
    assert str(broken) in str(caught.value)
    assert (mem_store.count(), mem_store.datasets()) == before
