"""IMF IMTS / DOTS: every format the IMF serves, the SCALE question, and bad input.

Real files: ../shared/data/imf/recorded_api_imf_org/05-data_USA_XG_FOB_USD_G001+G998_A.xml
(SDMX-ML 3.0 structure-specific data from the SDMX 3.0 API) and
dots_compactdata_A.US.TXG_FOB_USD.W00+B0_2020-2023.json (the former DOTS API).

Fixtures in tests/data/imf/, written by hand (illustrative values, not official figures):

* ``imts_sdmx_csv20_*.csv``: SDMX-CSV 2.0.0 (SDMX 3.0 technical standards, section "SDMX-CSV
  data format 2.0": ``STRUCTURE,STRUCTURE_ID,ACTION`` then one column per component;
  ``labels=both`` writes ``ID: Name`` headers and cells), as the API answers with
  ``Accept: application/vnd.sdmx.data+csv;version=2.0.0``, for dataflow IMF.STA:IMTS with
  the dimensions COUNTRY, INDICATOR, COUNTERPART_COUNTRY, FREQUENCY seen in the recorded
  responses;
* ``imts_sdmx_json20_KAZ_M.json``: SDMX-JSON 2.0.0 data message (sdmx-twg/sdmx-json,
  ``data-message`` specification: ``meta``, ``data.structures[].dimensions.series``
  value lists, ``data.dataSets[].series`` keyed ``"0:0:0:0"``);
* ``imts_portal_wide_*.csv``: the data portal's table download, one row per series and
  one column per period, with ``SERIES_CODE`` or with names only.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import shared

from cistrade.errors import InputError, UnknownCountry
from cistrade.sources import detect
from cistrade.sources import imf_formats as fmt
from cistrade.sources.imf import ImfSource, decide_scale

DATA = Path(__file__).parent / "data" / "imf"
XML = ("imf", "recorded_api_imf_org", "05-data_USA_XG_FOB_USD_G001+G998_A.xml")
DOTS = ("imf", "dots_compactdata_A.US.TXG_FOB_USD.W00+B0_2020-2023.json")


def state(store) -> tuple:
    return store.count(), [d["dataset_id"] for d in store.datasets()]


def values(store, where: str = "true") -> dict:
    rows = store.con.execute(
        f"""SELECT reporter, partner, flow, freq, strftime(period_start, '%Y-%m'), value
            FROM flows WHERE {where}""").fetchall()
    return {r[:5]: r[5] for r in rows}


def test_detects_every_format():
    assert detect(shared(*XML)).name == "imf"
    assert detect(shared(*DOTS)).name == "imf"
    for f in DATA.iterdir():
        if f.suffix in (".csv", ".json"):
            assert detect(f).name == "imf", f.name
    availability = shared("imf", "recorded_api_imf_org", "01-availability_COUNTRY.json")
    assert not ImfSource.sniff(availability, availability.read_bytes())


def test_sdmx_ml_30_whole_dollars_despite_scale_6(store):
    report = store.ingest(ImfSource(), [shared(*XML)])
    (f,) = report.files
    assert values(store) == {
        ("USA", "WLD", "export", "A", "2023-01"): 2019551635133.0,
        ("USA", "WLD", "export", "A", "2024-01"): 2065411250609.0,
        ("USA", "G:EU", "export", "A", "2023-01"): 369756760426.0,
        ("USA", "G:EU", "export", "A", "2024-01"): 371064529410.0,
    }
    (warning,) = f.warnings
    assert "SCALE [6]" in warning and "whole USD" in warning and "e+18" in warning
    row = store.con.execute(
        "SELECT valuation, partner_basis, aggregate, currency FROM flows LIMIT 1").fetchone()
    assert row == ("FOB", "destination", True, "USD")
    (ds,) = store.datasets()
    assert ds["vintage"].startswith("2025-12-16T05:16:36") and ds["series"] == "imf/imts"


def test_dots_unit_mult_6_is_millions_and_matches_the_sdmx_figures(store):
    store.ingest(ImfSource(), [shared(*DOTS)])
    dots = values(store)
    assert dots[("USA", "G:EU", "export", "A", "2020-01")] == 233754777100.0  # exact decimals
    assert dots[("USA", "WLD", "export", "A", "2023-01")] == 2019551635133.0
    report = store.ingest(ImfSource(), [shared(*XML)])
    # G998 is the EU: the 2023 figures of both APIs agree to the dollar; the SDMX message is
    # the newer vintage and replaces the DOTS rows for 2023
    assert report.files[0].superseded_rows == 2
    after = values(store)
    assert after[("USA", "G:EU", "export", "A", "2023-01")] == 369756760426.0
    assert len(after) == 10


def test_sdmx_csv_20_fixture(mem_store):
    report = mem_store.ingest(ImfSource(), [DATA / "imts_sdmx_csv20_ARM_Q.csv"])
    (f,) = report.files
    got = values(mem_store)
    assert got[("ARM", "RUS", "export", "Q", "2024-04")] == 1_830_000_000
    assert got[("ARM", "RUS", "import", "Q", "2024-01")] == 1_070_000_000  # CIF kept
    assert got[("ARM", "CHN", "import", "Q", "2024-01")] == 410_000_000  # FOB is all there is
    assert got[("ARM", "G:EU", "export", "Q", "2024-01")] == 150_000_000
    assert {s["row_ref"]: s["reason"] for s in f.skipped} == {
        "row=8": "imports FOB (MG_FOB_USD): the CIF figure of the same imports is kept",
        "row=10": "indicator TBG_USD: the trade balance, not a flow",
        "row=12": "IMF aggregate G110: no registry group",
        "row=13": "no value ('')",
    }
    valuations = dict(mem_store.con.execute(
        "SELECT partner || flow, valuation FROM flows WHERE flow = 'import'").fetchall())
    assert valuations == {"RUSimport": "CIF", "CHNimport": "FOB"}
    assert "whole USD" in f.warnings[0]
    assert any("DERIVATION_TYPE: M" in n for n in f.notes)


def test_sdmx_csv_labels_and_status(mem_store):
    mem_store.ingest(ImfSource(), [DATA / "imts_sdmx_csv20_labels_KGZ_M.csv"])
    rows = mem_store.con.execute(
        "SELECT partner, flow, strftime(period_start, '%Y-%m'), value, estimated FROM flows "
        "ORDER BY 1, 2, 3").fetchall()
    assert rows == [("CHN", "import", "2024-01", 1.32e9, False),
                    ("KAZ", "export", "2024-01", 6.1e7, False),
                    ("KAZ", "export", "2024-02", 5.7e7, True)]


def test_sdmx_csv_10_dataflow_column(tmp_path, mem_store):
    path = tmp_path / "v1.csv"
    path.write_text("DATAFLOW,COUNTRY,INDICATOR,COUNTERPART_COUNTRY,FREQUENCY,TIME_PERIOD,"
                    "OBS_VALUE\nIMF.STA:IMTS(1.0.0),AZE,XG_FOB_USD,ITA,A,2023,8123000000\n")
    mem_store.ingest(ImfSource(), [path])
    assert values(mem_store) == {("AZE", "ITA", "export", "A", "2023-01"): 8.123e9}


def test_sdmx_json_20_fixture(mem_store):
    report = mem_store.ingest(ImfSource(), [DATA / "imts_sdmx_json20_KAZ_M.json"])
    got = values(mem_store)
    assert len(got) == 9
    assert got[("KAZ", "CHN", "import", "M", "2024-02")] == 1_395_000_000
    assert got[("KAZ", "WLD", "export", "M", "2024-01")] == 5_470_000_000
    (estimated,) = mem_store.con.execute(
        "SELECT strftime(period_start, '%Y-%m') FROM flows WHERE estimated").fetchone()
    assert estimated == "2024-03"
    assert mem_store.datasets()[0]["vintage"] == "2025-11-03T09:00:00Z"
    assert "whole USD" in report.files[0].warnings[0]


def test_portal_wide_csv(mem_store):
    report = mem_store.ingest(ImfSource(), [DATA / "imts_portal_wide_UZB_Q.csv",
                                            DATA / "imts_portal_wide_names_TJK_A.csv"])
    uzb, tjk = report.files
    got = values(mem_store)
    assert got[("UZB", "RUS", "export", "Q", "2023-10")] == 930_025_000
    assert got[("UZB", "RUS", "import", "Q", "2023-04")] == 1_712_750_000
    assert ("UZB", "WLD", "export", "Q", "2023-10") not in got  # an empty cell
    assert uzb.rows == 11 and len(uzb.skipped) == 4
    assert uzb.skipped[0]["row_ref"] == "row=5;col=2023-Q1"
    assert "10^6" in uzb.warnings[0]
    assert got[("TJK", "KAZ", "import", "A", "2023-01")] == 955_800_000
    assert tjk.rows == 4


def _obs(value: str, scale: int = 6) -> fmt.Obs:
    return fmt.Obs("ARM", "RUS", "XG_FOB_USD", "A", "2024", value, scale, 1)


@pytest.mark.parametrize(
    ("vals", "format_name", "mode", "apply", "why"),
    [
        (["2019551635133"], fmt.SDMX_ML, "auto", False, "more than any country"),
        (["233754.7771", "12.5"], fmt.WIDE, "auto", True, "decimals"),
        (["233754", "12"], fmt.DOTS, "auto", True, "UNIT_MULT"),
        (["61000", "58000"], fmt.WIDE, "auto", False, "whole number"),
        (["120", "35"], fmt.SDMX_CSV, "auto", False, "cannot tell"),
        (["120", "35"], fmt.WIDE, "auto", True, "cannot tell"),
        (["2019551635133"], fmt.SDMX_ML, "apply", True, "as asked"),
        (["233754.7771"], fmt.DOTS, "ignore", False, "as asked"),
    ],
)
def test_scale_decision(vals, format_name, mode, apply, why):
    obs = [_obs(v) for v in vals]
    decided, warning = decide_scale(obs, [float(v) for v in vals], format_name, mode)
    assert decided is apply and why in warning


def test_no_scale_no_warning():
    obs = [_obs("5", scale=0)]
    assert decide_scale(obs, [5.0], fmt.SDMX_CSV) == (False, None)


def test_scale_option_forces_a_reading(mem_store):
    mem_store.ingest(ImfSource(scale="apply"), [shared(*DOTS)])
    assert values(mem_store)[("USA", "WLD", "export", "A", "2020-01")] == 1429995404019.0
    with pytest.raises(InputError, match="scale is auto, apply or ignore"):
        ImfSource(scale="millions")


# -- bad input ------------------------------------------------------------------------------


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


CSV_HEAD = "STRUCTURE,STRUCTURE_ID,ACTION,COUNTRY,INDICATOR,COUNTERPART_COUNTRY,FREQUENCY," \
           "TIME_PERIOD,OBS_VALUE\n"
CSV_ROW = "dataflow,IMF.STA:IMTS(1.0.0),I,{a},{i},{p},{f},{t},{v}\n"


@pytest.mark.parametrize(
    ("cells", "error", "match", "row"),
    [
        (dict(a="ARM", i="XG_FOB_USD", p="QQQ", f="A", t="2023", v="5"), UnknownCountry,
         "unknown country 'QQQ'", 3),
        (dict(a="ARM", i="XG_FOB_USD", p="RUS", f="A", t="last year", v="5"), InputError,
         "not a period", 3),
        (dict(a="ARM", i="XG_FOB_USD", p="RUS", f="M", t="2023", v="5"), InputError,
         "does not match frequency", 3),
        (dict(a="ARM", i="XG_FOB_USD", p="RUS", f="A", t="2023", v="-5"), InputError,
         "negative", 3),
        (dict(a="ARM", i="XG_FOB_USD", p="RUS", f="A", t="2022", v="7"), InputError,
         "duplicate", 2),
    ],
)
def test_bad_sdmx_csv(store, tmp_path, cells, error, match, row):
    store.ingest(ImfSource(), [shared(*XML)])
    before = state(store)
    first = CSV_ROW.format(a="ARM", i="XG_FOB_USD", p="RUS", f="A", t="2022", v="6")
    path = _write(tmp_path, "bad.csv", CSV_HEAD + first + CSV_ROW.format(**cells))
    with pytest.raises(error, match=match) as caught:
        store.ingest(ImfSource(), [path])
    assert caught.value.file == str(path) and caught.value.row == row
    assert state(store) == before


def test_truncated_and_foreign_files(store, tmp_path):
    xml = shared(*XML).read_bytes()
    cut = tmp_path / "cut.xml"
    cut.write_bytes(xml[: len(xml) // 2])
    with pytest.raises(InputError, match="not a complete XML document"):
        store.ingest(ImfSource(), [cut])
    dots = shared(*DOTS).read_bytes()
    cut_json = tmp_path / "cut.json"
    cut_json.write_bytes(dots[: len(dots) // 2])
    with pytest.raises(InputError, match="truncated") as caught:
        store.ingest(ImfSource(), [cut_json])
    assert caught.value.row == 1
    wrong = _write(tmp_path, "wrong.csv", "reporter,partner,value\nARM,RUS,5\n")
    with pytest.raises(InputError, match="not an IMF table") as caught:
        store.ingest(ImfSource(), [wrong])
    assert caught.value.row == 1
    availability = shared("imf", "recorded_api_imf_org", "01-availability_COUNTRY.json")
    with pytest.raises(InputError, match="neither DOTS CompactData nor an SDMX-JSON"):
        store.ingest(ImfSource(), [availability])
    no_dims = _write(tmp_path, "nodims.csv", "TIME_PERIOD,OBS_VALUE\n2023,5\n")
    with pytest.raises(InputError, match="without COUNTRY") as caught:
        store.ingest(ImfSource(), [no_dims])
    assert caught.value.row == 2
    only_balance = _write(tmp_path, "balance.csv", CSV_HEAD + CSV_ROW.format(
        a="ARM", i="TBG_USD", p="RUS", f="A", t="2023", v="5"))
    with pytest.raises(InputError, match="every observation was skipped"):
        store.ingest(ImfSource(), [only_balance])
    assert state(store) == (0, [])


def test_sdmx_error_message_is_reported(tmp_path, store):
    path = _write(tmp_path, "err.xml", '<?xml version="1.0"?><message:Error xmlns:message='
                  '"http://www.sdmx.org/resources/sdmxml/schemas/v3_0/message"><message:'
                  'ErrorMessage code="100"><common:Text xmlns:common="c">No results found'
                  '</common:Text></message:ErrorMessage></message:Error>')
    with pytest.raises(InputError, match="SDMX error message: No results found"):
        store.ingest(ImfSource(), [path])


def test_generic_sdmx_ml_is_refused_with_advice(tmp_path, store):
    path = _write(tmp_path, "generic.xml", '<?xml version="1.0"?><message:GenericData xmlns:'
                  'message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message">'
                  "<message:DataSet/></message:GenericData>")
    with pytest.raises(InputError, match="generic data is not read"):
        store.ingest(ImfSource(), [path])
    assert state(store) == (0, [])


def test_imf_country_names_in_the_portal_csv(tmp_path, mem_store):
    names = ["Armenia, Rep. of", "China, P.R.: Mainland", "Korea, Dem. People's Rep. of",
             "Congo, Dem. Rep. of the", "Türkiye, Rep. of", "Kazakhstan, Rep. of"]
    lines = "".join(f'Kyrgyz Republic,"Exports of goods, Free on board (FOB), US dollar",'
                    f'"{n}",Annual,Millions,{i + 1}.5\n' for i, n in enumerate(names))
    path = _write(tmp_path, "names.csv",
                  "COUNTRY,INDICATOR,COUNTERPART_COUNTRY,FREQUENCY,SCALE,2023\n" + lines)
    mem_store.ingest(ImfSource(), [path])
    partners = [p for (p,) in mem_store.con.execute(
        "SELECT partner FROM flows ORDER BY value").fetchall()]
    assert partners == ["ARM", "CHN", "PRK", "COD", "TUR", "KAZ"]
    bad = _write(tmp_path, "bad.csv", "COUNTRY,INDICATOR,COUNTERPART_COUNTRY,SCALE,2023\n"
                 'Kyrgyz Republic,"Exports of goods, FOB",Atlantis,Millions,1.5\n')
    with pytest.raises(UnknownCountry, match="Atlantis") as caught:
        mem_store.ingest(ImfSource(), [bad])
    assert caught.value.row == 2
