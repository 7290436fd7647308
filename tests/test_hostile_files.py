"""Files damaged on purpose, one per defect of issue #14: each is a clean error naming the file
(and the row where known), never an abort, a hang, an internal error or an absurd figure.

Every damaged file is made here, at test time, from the shared real files (never committed).
"""

from __future__ import annotations

import json
import re
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, shared

from cistrade.errors import InputError
from cistrade.sources import detect


def ingest_error(store, path: Path, source=None) -> InputError:  # noqa: ANN001
    """The InputError an ingest of ``path`` raises (its source detected unless given)."""
    cls = source or detect(path)
    with pytest.raises(InputError) as info:
        store.ingest(cls(), [path])
    assert str(path) in str(info.value)
    assert store.count() == 0
    return info.value


# -- item 2: a workbook that makes python-calamine abort ------------------------------------


def huge_dimensions_xls(tmp_path: Path) -> Path:
    """by_country_2023.xls with its first DIMENSIONS record (BIFF8 0x0200) claiming 2^31 rows:
    python-calamine asks for 687 GB and Rust aborts the process (exit 134)."""
    data = bytearray(shared("national", "kz-bns", "by_country_2023.xls").read_bytes())
    record = data.index(b"\x00\x02\x0e\x00")
    struct.pack_into("<I", data, record + 8, 0x7FFFFFFF)
    out = tmp_path / "by_country_2023.xls"
    out.write_bytes(bytes(data))
    return out


def huge_cell_reference_xlsx(tmp_path: Path) -> Path:
    """94itog.xlsx with one cell reference of a 400-digit row (``B111…1``): a sound ZIP and
    sound XML that make python-calamine allocate 320 GB and abort."""
    return _first_cell_at_row(shared("national", "ru-fts", "94itog.xlsx"), tmp_path / "94itog.xlsx",
                              b"1" * 400)


def _first_cell_at_row(src: Path, out: Path, row: bytes) -> Path:
    """A copy of the workbook ``src`` whose first sheet's first cell reference is moved to
    ``row`` (the ZIP and the XML stay sound)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            data = zin.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<c r="([A-Z]+)(\d+)"', lambda m: b'<c r="' + m[1] + row + b'"',
                              data, count=1)
            zout.writestr(name, data)
    return out


ABORTS = [huge_dimensions_xls, huge_cell_reference_xlsx]


@pytest.mark.parametrize("make", ABORTS, ids=lambda f: f.__name__)
def test_a_workbook_that_aborts_the_library_is_an_error_naming_the_file(tmp_path, make) -> None:
    """Run in a child process: before the fix this process itself died (exit 134)."""
    damaged = make(tmp_path)
    code = (
        "import sys; from pathlib import Path; from cistrade.store import Store\n"
        "from cistrade.errors import InputError\n"
        "from cistrade.sources.national.kz_bns import KzBnsSource\n"
        "from cistrade.sources.national.ru_fts import RuFtsSource\n"
        "path = Path(sys.argv[1]); cls = KzBnsSource if path.suffix == '.xls' else RuFtsSource\n"
        "try:\n    Store.memory().ingest(cls(), [path])\n"
        "except InputError as exc:\n    print('InputError', exc); sys.exit(1)\n"
    )
    env = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", code, str(damaged)], capture_output=True, text=True,
                          timeout=120, env=env)
    assert done.returncode == 1, done.stderr[-500:]
    assert done.stdout.startswith(f"InputError {damaged}: cannot read the file as an Excel workbook")
    assert "memory" in done.stdout


def test_auto_on_a_folder_survives_an_aborting_workbook_during_detection(tmp_path) -> None:
    from typer.testing import CliRunner

    from cistrade.cli import app

    folder = tmp_path / "in"
    folder.mkdir()
    huge_dimensions_xls(folder)
    good = folder / "by_country_2022.xls"
    good.write_bytes(shared("national", "kz-bns", "by_country_2022.xls").read_bytes())
    db = tmp_path / "s.duckdb"
    failed = CliRunner().invoke(app, ["ingest", "auto", str(folder), "--db", str(db)])
    assert failed.exit_code == 1, failed.output
    assert "by_country_2023.xls" in failed.output and "Excel workbook" in failed.output
    ok = CliRunner().invoke(app, ["ingest", "auto", str(folder), "--db", str(db), "--skip-unknown",
                                  "--format", "json"])
    assert ok.exit_code == 0, ok.output
    assert [f["file"] for f in json.loads(ok.stdout)["rows"]] == ["by_country_2022.xls"]


# -- item 3: exponents and multipliers a file controls ---------------------------------------


def dots_with(tmp_path: Path, edit) -> Path:  # noqa: ANN001
    doc = json.loads(shared("imf", "dots_compactdata_A.US.TXG_FOB_USD.W00+B0_2020-2023.json").read_text())
    edit(doc["CompactData"])
    out = tmp_path / "dots.json"
    out.write_text(json.dumps(doc))
    return out


@pytest.mark.timeout(30)
@pytest.mark.parametrize("scale", ["100000000", "400", "-400"])
def test_an_absurd_imf_scale_is_an_error_naming_the_row(mem_store, tmp_path, scale) -> None:
    """Before: SCALE 100000000 computed 10**100000000 for ever; 400 raised OverflowError."""

    def edit(compact: dict) -> None:
        compact["DataSet"]["Series"][0]["@UNIT_MULT"] = scale

    exc = ingest_error(mem_store, dots_with(tmp_path, edit))
    assert "not a scale" in exc.message and exc.row == 1


def test_an_absurd_unit_multiplier_is_an_error_naming_the_row(mem_store, tmp_path) -> None:
    from cistrade.sources.tidy import TidySource

    path = tmp_path / "t.csv"
    path.write_text("reporter,partner,flow,period,value,unit_multiplier\n"
                    "ARM,RUS,export,2023,5,1000\nARM,GEO,export,2023,5,1e300\n")
    with pytest.raises(InputError) as info:
        mem_store.ingest(TidySource(), [path])
    assert (info.value.row, info.value.column) == (3, "unit_multiplier")
    assert "not a unit multiplier" in info.value.message


# -- item 4: every exception while reading names the file ------------------------------------


def comtrade_json_with(tmp_path: Path, field: str, value) -> Path:  # noqa: ANN001
    doc = json.loads(shared("comtrade", "api_v1_get_C_A_HS_sample.json").read_text())
    doc["data"][1][field] = value
    out = tmp_path / "comtrade.json"
    out.write_text(json.dumps(doc))
    return out


@pytest.mark.parametrize(("field", "value"), [("legacyEstimationFlag", 1e20), ("reporterCode", 1e29),
                                              ("refYear", 1e12)])
def test_a_huge_comtrade_number_is_an_input_error_with_its_row(mem_store, tmp_path, field, value) -> None:
    """Before: DuckDB's ConversionException (casting 1e20 to INT32): 'internal error', no file."""
    exc = ingest_error(mem_store, comtrade_json_with(tmp_path, field, value))
    assert exc.row == 2 and exc.column == field


def test_a_huge_reporter_code_in_a_comtrade_csv_is_an_input_error(mem_store, tmp_path) -> None:
    lines = shared("comtrade", "armenia_hs8703_monthly_comtradr_latin1.csv").read_bytes().split(b"\n")
    header = lines[0].decode("latin-1").split(",")
    col = next(i for i, h in enumerate(header) if h.strip('"') == "reporter_code")
    cells = lines[1].split(b",")
    cells[col] = b"1e29"
    lines[1] = b",".join(cells)
    path = tmp_path / "comtradr.csv"
    path.write_bytes(b"\n".join(lines))
    exc = ingest_error(mem_store, path)
    assert exc.row == 2


@pytest.mark.parametrize("edit", [
    lambda c: c["DataSet"].__setitem__("Series", [None]),
    lambda c: c["DataSet"].__setitem__("Series", [c["DataSet"]["Series"][0], 7]),
    lambda c: c["DataSet"]["Series"][0].__setitem__("Obs", [["2020", 1]]),
    lambda c: c.__setitem__("Header", {"Prepared": [1, 2]}),
    lambda c: c.__setitem__("Header", "2024"),
], ids=["null series", "number as series", "list as observation", "list as Prepared", "text header"])
def test_a_malformed_imf_document_is_an_input_error(mem_store, tmp_path, edit) -> None:
    """Before: AttributeError ('internal error') on a null series; a list as Prepared was
    stored as the vintage '[1, 2]'."""
    from cistrade.sources.imf import ImfSource

    ingest_error(mem_store, dots_with(tmp_path, edit), ImfSource)


def test_a_400_digit_number_in_a_workbook_cell_is_an_input_error(mem_store, tmp_path) -> None:
    """A cell calamine reads as a 400-digit integer: float() raised OverflowError."""
    from cistrade.sources.national.excel import Grid

    grid = Grid("2023", [["label", 10**400]])
    with pytest.raises(InputError) as info:
        grid.number(1, 2, file="f.xls")
    assert (info.value.file, info.value.row, info.value.column) == ("f.xls", 1, "B")
    assert len(str(info.value)) < 200


def test_an_unexpected_exception_inside_a_reader_names_the_file(mem_store, tmp_path) -> None:
    """The store's ingest boundary: whatever a reader raises on a damaged file (here a
    KeyError it did not foresee, after read() a DuckDB error in its SQL) names the file."""
    from cistrade.schema import empty_flows
    from cistrade.sources.base import ReadResult, Source

    class Broken(Source):
        name = "broken"

        def read(self, path: Path) -> ReadResult:
            def after(con, dataset_id: str) -> None:  # noqa: ANN001
                con.execute("SELECT CAST(1e20 AS INTEGER)")

            return ReadResult(empty_flows(), "s", "1", after_load=after)

    class Raising(Source):
        name = "raising"

        def read(self, path: Path) -> ReadResult:
            return {}["missing"]

    path = tmp_path / "x.csv"
    path.write_text("x\n")
    for cls in (Broken, Raising):
        with pytest.raises(InputError) as info:
            mem_store.ingest(cls(), [path])
        assert info.value.file == str(path)


# -- item 5: absurd values ------------------------------------------------------------------


def uz_with_huge_cells(tmp_path: Path) -> Path:
    src = shared("national", "uz-stat", "exports_by_country_sdmx_1105.csv")
    lines = src.read_text(encoding="utf-8-sig").splitlines()
    for i in (1, 2):
        cells = lines[i].split(",")
        cells[-1] = "1e305"
        lines[i] = ",".join(cells)
    out = tmp_path / src.name
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def test_a_value_beyond_any_plausible_trade_figure_is_refused_naming_the_cell(mem_store, tmp_path) -> None:
    """Before: two 1e305 cells were stored (the total became infinite)."""
    exc = ingest_error(mem_store, uz_with_huge_cells(tmp_path))
    assert (exc.row, exc.column) == (2, "2023")
    assert "beyond any plausible trade figure" in exc.message


@pytest.mark.parametrize(("value", "currency", "refused"), [
    (2e15, "USD", True), (9e14, "USD", False), (5e16, "RUB", False), (5e18, "RUB", True),
    (1e21, "XXX", True)])
def test_the_bound_is_per_currency(mem_store, tmp_path, value, currency, refused) -> None:
    from cistrade.sources.tidy import TidySource

    path = tmp_path / "t.csv"
    path.write_text(f"reporter,partner,flow,period,value,currency\nARM,RUS,export,2023,{value},{currency}\n")
    if refused:
        with pytest.raises(InputError, match="beyond any plausible"):
            mem_store.ingest(TidySource(), [path])
    else:
        assert mem_store.ingest(TidySource(), [path]).rows == 1


def test_no_share_is_computed_on_an_infinite_or_zero_total(mem_store, tmp_path) -> None:
    """Rows written past the ingest checks (an older store): a share of an infinite total
    would give every partner 0.0%; it is null instead."""
    from cistrade.indicators import connect, share
    from cistrade.sources.tidy import TidySource

    path = tmp_path / "t.csv"
    path.write_text("reporter,partner,flow,period,value\nARM,RUS,export,2023,5\n"
                    "ARM,GEO,export,2023,7\nKAZ,RUS,export,2023,0\n")
    mem_store.ingest(TidySource(), [path])
    mem_store.con.execute("UPDATE flow_rows SET value = 1e308 WHERE reporter = 'ARM'")
    eng = connect(store=mem_store)
    rows = share(eng, "ARM", "2023", "export").rows
    assert [r["share"] for r in rows] == [None, None]
    assert [r["share"] for r in share(eng, "KAZ", "2023", "export").rows] == [None]


@pytest.mark.timeout(60)
def test_a_sheet_spanning_a_million_rows_is_refused_quickly(mem_store, tmp_path) -> None:
    """Found by benchmarks/fuzz.py: one cell reference at row 1,048,577 (Excel's last) made a
    sheet of 7 million cells that took over 20 s to read and walk (a hang)."""
    from cistrade.sources.national.ru_fts import RuFtsSource

    out = _first_cell_at_row(shared("national", "ru-fts", "countries_2024-04.xlsx"),
                             tmp_path / "countries_2024-04.xlsx", b"1048577")
    exc = ingest_error(mem_store, out, RuFtsSource)  # refused from the sheet's size, unread
    assert "rows x 7 columns" in exc.message and "more than 2,000,000 cells" in exc.message
