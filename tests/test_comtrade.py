"""UN Comtrade: the API v1 JSON response, bulk TSV/CSV files and comtradr's tables.

Real files: ../shared/data/comtrade/api_v1_get_C_A_HS_sample.json (a verbatim API v1
response) and armenia_hs8703_monthly_comtradr_latin1.csv (comtradr's layout, latin-1).
Fixture: tests/data/comtrade/bulk_kaz_2023_tab.txt, written by hand (illustrative values,
not official figures) in the layout of Comtrade's bulk files: the 47 fields of the API
v1 data records (UN Comtrade API documentation, ``data/v1/get`` response schema) as
tab-separated text, covering every rule of the reader. CSV, gzip and damaged variants
are written to tmp_path by the tests.
"""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest
from conftest import shared

from cistrade.errors import InputError, UnknownCountry
from cistrade.sources import detect
from cistrade.sources.comtrade import ComtradeSource
from cistrade.sources.comtrade_codes import resolve

FIXTURE = Path(__file__).parent / "data" / "comtrade" / "bulk_kaz_2023_tab.txt"


def api_sample() -> Path:
    return shared("comtrade", "api_v1_get_C_A_HS_sample.json")


def comtradr() -> Path:
    return shared("comtrade", "armenia_hs8703_monthly_comtradr_latin1.csv")


def state(store) -> tuple:
    return store.count(), [d["dataset_id"] for d in store.datasets()]


def rows_of(store, where: str = "true") -> dict:
    cols = ("partner, flow, freq, period_start, product_class, product, value, valuation, "
            "partner_basis, quantity, quantity_unit, estimated, aggregate, row_ref")
    out = store.con.execute(f"SELECT {cols} FROM flows WHERE {where}").fetchall()
    names = [c.strip() for c in cols.split(",")]
    return {r[-1]: dict(zip(names, r, strict=True)) for r in out}


def write_json(tmp_path: Path, doc: dict, name: str = "response.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def sample_doc() -> dict:
    return json.loads(api_sample().read_text(encoding="utf-8"))


# -- real files -------------------------------------------------------------------------------


def test_detects_all_layouts_by_content(tmp_path):
    assert detect(api_sample()).name == "comtrade"
    assert detect(comtradr()).name == "comtrade"
    assert detect(FIXTURE).name == "comtrade"
    gz = tmp_path / "bulk.gz"
    gz.write_bytes(gzip.compress(FIXTURE.read_bytes()))
    assert detect(gz).name == "comtrade"
    assert not ComtradeSource.sniff(shared("comtrade", "Reporters.json"),
                                    shared("comtrade", "Reporters.json").read_bytes()[:65536])


def test_api_response_china_2010(store):
    report = store.ingest(ComtradeSource(), [api_sample()])
    assert report.files[0].rows == 4
    rows = rows_of(store)
    assert store.con.execute("SELECT DISTINCT reporter FROM flows").fetchall() == [("CHN",)]
    imp = rows["row=1"]
    assert (imp["partner"], imp["flow"], imp["valuation"], imp["partner_basis"]) == (
        "ARG", "import", "CIF", "origin")
    assert imp["value"] == 6804128143.0 and imp["freq"] == "A"
    assert str(imp["period_start"]) == "2010-01-01"
    assert (imp["product_class"], imp["product"]) == ("TOTAL", "TOTAL")
    exp = rows["row=4"]
    assert (exp["partner"], exp["flow"], exp["valuation"], exp["value"]) == (
        "DEU", "export", "FOB", 68047133397.0)
    assert not any(r["estimated"] or r["aggregate"] for r in rows.values())
    (ds,) = store.datasets()
    assert ds["source"] == "comtrade" and ds["series"] == "comtrade"


def test_comtradr_latin1_table_sums_modes_of_transport(store):
    report = store.ingest(ComtradeSource(), [comtradr()])
    (f,) = report.files
    assert any("latin-1" in n for n in f.notes)
    assert any("are sums of" in n for n in f.notes)
    with open(comtradr(), encoding="latin-1", newline="") as fh:
        raw = list(csv.DictReader(fh))
    # Armenia's imports of 8703 from Germany in January 2017 came by two modes of transport
    parts = [r for r in raw if r["period"] == "2017-01-01" and r["trade_code"] == "M"
             and r["partner_code"] == "276" and r["commodity_code"] == "8703"]
    assert len(parts) == 2
    (value,) = store.con.execute(
        """SELECT value FROM flows WHERE partner = 'DEU' AND flow = 'import'
           AND period_start = DATE '2017-01-01' AND product = '8703'""").fetchone()
    assert value == pytest.approx(sum(float(p["trade_value_us"]) for p in parts))
    civ = store.con.execute("SELECT count(*) FROM flows WHERE partner = 'CIV'").fetchone()[0]
    assert civ > 0  # "Côte d'Ivoire", the latin-1 line
    assert store.con.execute(
        "SELECT DISTINCT reporter, product_class, freq FROM flows").fetchall() == [
        ("ARM", "HS", "M")]
    keys = {(r["period"], r["trade_code"], r["partner_code"], r["commodity_code"]) for r in raw}
    assert f.rows == len(keys)


# -- the rules, on the hand-written bulk fixture ----------------------------------------------


def test_bulk_fixture_rules(mem_store):
    report = mem_store.ingest(ComtradeSource(), [FIXTURE])
    (f,) = report.files
    rows = rows_of(mem_store)
    assert f.rows == 14
    reasons = {s["row_ref"]: s["reason"] for s in f.skipped}
    assert reasons == {
        "row=3": "partner2 = CHN (second-partner detail; the partner2 = World record is kept)",
        "row=6": "mode of transport 2100 (detail; the all-modes record is kept)",
        "row=11": "flow DX (Domestic Export): not one of M, X, RM, RX",
        "row=12": "typeCode S: services, not goods",
        "row=19": "customs procedure C01 (detail; the all-procedures record is kept)",
    }
    horses = rows["row=5"]
    assert (horses["product_class"], horses["product"]) == ("HS22", "010121")
    assert (horses["quantity"], horses["quantity_unit"]) == (50.0, "u")
    wheat = rows["row=7"]  # two rail/road records without an all-modes record: summed
    assert wheat["value"] == 5_000_000 and (wheat["quantity"], wheat["quantity_unit"]) == (
        18_500_000, "kg")
    nes = rows["row=9"]  # Other Africa n.e.s. (577) and Areas n.e.s. (899) are both XNS
    assert nes["partner"] == "XNS" and nes["value"] == 3_200_000
    assert rows["row=13"]["flow"] == "re-export"
    assert rows["row=14"]["estimated"] and rows["row=15"]["estimated"]
    assert not rows["row=22"]["estimated"]  # an exact UNSD aggregate of reported data
    assert rows["row=16"]["partner"] == "WLD" and rows["row=16"]["aggregate"]
    assert rows["row=17"]["partner"] == "G:EU" and rows["row=17"]["aggregate"]
    annual = rows["row=18"]
    assert annual["freq"] == "A" and str(annual["period_start"]) == "2023-01-01"
    assert rows["row=20"]["valuation"] == "CIF"  # primaryValue only: the import convention
    assert rows["row=21"]["valuation"] == "FOB"  # the reporter's imports are FOB values
    assert rows["row=2"]["value"] == 1500000000.5


def test_csv_and_gzip_variants_read_the_same(tmp_path, mem_store):
    text = FIXTURE.read_text(encoding="utf-8")
    as_csv = tmp_path / "bulk.csv"
    with open(as_csv, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(line.split("\t") for line in text.splitlines())
    gz = tmp_path / "bulk.txt.gz"
    gz.write_bytes(gzip.compress(text.encode()))
    src = ComtradeSource()
    base = src.read(FIXTURE).data.sort_by("row_ref")
    assert src.read(as_csv).data.sort_by("row_ref").equals(base)
    assert src.read(gz).data.sort_by("row_ref").equals(base)


def test_api_record_flags_and_partner2(tmp_path, mem_store):
    doc = sample_doc()
    first = doc["data"][0]
    detail = dict(first, partner2Code=156, partner2ISO="CHN", partner2Desc="China",
                  primaryValue=10.0, cifvalue=10.0)
    estimated = dict(doc["data"][2], partnerCode=842, partnerISO="USA", partnerDesc="USA",
                     isReported=False, isAggregate=False)
    doc["data"] += [detail, estimated]
    doc["count"] = len(doc["data"])
    report = mem_store.ingest(ComtradeSource(), [write_json(tmp_path, doc)])
    (f,) = report.files
    assert f.skipped == [{"row_ref": "row=5", "reason": "partner2 = CHN (second-partner detail; "
                          "the partner2 = World record is kept)"}]
    assert rows_of(mem_store)["row=6"]["estimated"] is True


def test_repeated_identical_records_collapse(tmp_path, mem_store):
    doc = sample_doc()
    doc["data"].append(dict(doc["data"][0]))
    report = mem_store.ingest(ComtradeSource(), [write_json(tmp_path, doc)])
    assert report.files[0].rows == 4
    assert any("repeated identical record" in n for n in report.files[0].notes)
    assert any("count 4 but holds 5" in w for w in report.files[0].warnings)


def test_area_codes():
    assert resolve(842) == "USA" and resolve(251) == "FRA" and resolve(699) == "IND"
    assert resolve(0) == "WLD" and resolve(899) == "XNS" and resolve(490) == "TWN"
    assert resolve(280) == "DEU" and resolve(577) == "XNS"
    assert resolve(9999, "KAZ") == "KAZ"  # unknown number, ISO field known
    assert resolve(9998, "W00") == "WLD"
    with pytest.raises(UnknownCountry):
        resolve(9997, "_X ")


# -- bad input: refused, naming file/row/problem, store unchanged ------------------------------


def _mutate(doc: dict, **changes) -> dict:
    doc["data"][1].update(changes)
    return doc


@pytest.mark.parametrize(
    ("make", "error", "match", "row"),
    [
        (lambda d: _mutate(d, primaryValue="1.2 bn", cifvalue=None), InputError,
         r"column 'primaryValue': not a number: '1.2 bn'", 2),
        (lambda d: _mutate(d, qty="twelve"), InputError, r"column 'qty'", 2),
        (lambda d: _mutate(d, partnerCode=9999, partnerISO="ZZZ"), UnknownCountry,
         "Comtrade/BACI area code 9999", 2),
        (lambda d: _mutate(d, refMonth=13, freqCode=None), InputError, "neither a month", 2),
        (lambda d: _mutate(d, refYear=None), InputError, "no reference year", 2),
        (lambda d: _mutate(d, primaryValue=None, cifvalue=None, fobvalue=None), InputError,
         "no value", 2),
        (lambda d: _mutate(d, primaryValue=-5.0, cifvalue=-5.0), InputError, "negative", 2),
        (lambda d: {**d, "error": "Too many requests"}, InputError, "reports an error", None),
        (lambda d: {"results": d["data"]}, InputError, "no \"data\" list", None),
        (lambda d: {**d, "data": [{k: v for k, v in d["data"][0].items() if k != "cmdCode"}]},
         InputError, r"missing column\(s\) \['cmdcode'\]", 1),
        (lambda d: {**d, "data": [dict(r, flowCode="FM") for r in d["data"]]}, InputError,
         "every record was skipped", None),
    ],
)
def test_bad_api_responses(store, tmp_path, make, error, match, row):
    store.ingest(ComtradeSource(), [api_sample()])
    before = state(store)
    path = write_json(tmp_path, make(sample_doc()))
    with pytest.raises(error, match=match) as caught:
        store.ingest(ComtradeSource(), [path])
    assert caught.value.file == str(path) and caught.value.row == row
    assert state(store) == before


def test_conflicting_duplicate_records(store, tmp_path):
    doc = sample_doc()
    doc["data"].append(dict(doc["data"][0], primaryValue=1.0, cifvalue=1.0))
    with pytest.raises(InputError, match="rows 1 and 5") as caught:
        store.ingest(ComtradeSource(), [write_json(tmp_path, doc)])
    assert caught.value.row == 1 and state(store) == (0, [])


def test_truncated_json_and_wrong_table(store, tmp_path):
    raw = api_sample().read_bytes()
    cut = tmp_path / "cut.json"
    cut.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(InputError, match="truncated") as caught:
        store.ingest(ComtradeSource(), [cut])
    assert caught.value.row is not None
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("reporter,partner,year,value\nARM,RUS,2023,5\n")
    with pytest.raises(InputError, match="not a UN Comtrade table: missing column") as caught:
        store.ingest(ComtradeSource(), [wrong])
    assert caught.value.row == 1
    half = tmp_path / "armenia.csv"
    data = comtradr().read_bytes()
    half.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match=str(half)):
        store.ingest(ComtradeSource(), [half])
    assert state(store) == (0, [])


def test_records_at_the_api_limit_warn(tmp_path):
    doc = sample_doc()
    doc["data"] = doc["data"] * 125  # 500 records: the preview endpoint's cap
    for i, rec in enumerate(doc["data"]):
        rec = doc["data"][i] = dict(rec, refYear=1900 + i // 4)
    doc["count"] = 500
    result = ComtradeSource().read(write_json(tmp_path, doc))
    assert any("API limit" in w for w in result.warnings)
