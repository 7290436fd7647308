"""Every code in the publishers' own reference tables resolves to exactly one registry area.

Table-driven over the tables as shipped (``../shared/data``): BACI's ``country_codes_V*.csv``
(both layouts), Comtrade's ``Reporters.json`` and the R client's ``reporters_reference.csv`` /
``partners_reference.csv``. A BACI or Comtrade file is refused whole when one of its codes is
unknown, so one missing code here is a whole year of data lost for the user.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict

import pytest
from conftest import shared

from cistrade.reference.countries import registry
from cistrade.sources.baci import read_codes
from cistrade.sources.comtrade_codes import EXTRA, NES_CODES, resolve

#: "(...1999)": Comtrade's and BACI's mark of an area that ended that year
_UNTIL = re.compile(r"\(\.\.\.(\d{4})\)")


def _baci(name: str) -> list[tuple[str, int, str | None, str, int | None]]:
    path = shared("baci", name)
    return [(name, code, iso, label, None) for code, iso, label in read_codes(path)]


def _reporters_json() -> list[tuple[str, int, str | None, str, int | None]]:
    rows = json.loads(shared("comtrade", "Reporters.json").read_text(encoding="utf-8"))["results"]
    return [("Reporters.json", r["reporterCode"], r.get("reporterCodeIsoAlpha3"), r["reporterDesc"],
             int(r["entryExpiredDate"][:4]) if r.get("entryExpiredDate") else None) for r in rows]


def _r_client(name: str) -> list[tuple[str, int, str | None, str, int | None]]:
    with shared("comtrade", name).open(encoding="utf-8", newline="") as fh:
        return [(name, int(r["id"]), r["iso_3"], r["country"],
                 int(float(r["exit_year"])) if r["exit_year"] else None) for r in csv.DictReader(fh)]


TABLES = {
    "baci V202501": lambda: _baci("country_codes_V202501.csv"),
    "baci V202301": lambda: _baci("country_codes_V202301.csv"),
    "comtrade Reporters.json": _reporters_json,
    "comtrade reporters_reference.csv": lambda: _r_client("reporters_reference.csv"),
    "comtrade partners_reference.csv": lambda: _r_client("partners_reference.csv"),
}


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_code_resolves_to_one_area(table: str):
    reg = registry()
    unresolved, wrong = [], []
    for _file, code, iso, name, _until in TABLES[table]():
        try:
            area = reg.get(resolve(code, iso, name))
        except Exception as exc:  # noqa: BLE001 - collected, reported together below
            unresolved.append(f"{code} {name!r}: {exc}")
            continue
        ended = _UNTIL.search(name)
        iso3 = (iso or "").strip().upper()
        if ended and area.kind == "historical" and code not in EXTRA:
            # the publisher's last year of data and the area's political end differ by at most
            # a year (USSR "(...1990)" ended 26 December 1991)
            if area.valid_to is None or abs(area.valid_to.year - int(ended.group(1))) > 1:
                wrong.append(f"{code} {name!r} → {area.code} valid to {area.valid_to}")
        elif not ended and area.kind == "country" and iso3 in reg and reg.get(iso3).kind == "country" and area.code != iso3 \
                and code not in EXTRA and code != 490:  # 490 "Other Asia, nes" is Taiwan
            wrong.append(f"{code} {name!r} (ISO {iso3}) → {area.code}")
    assert not unresolved, "\n".join(unresolved)
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("table", sorted(TABLES))
def test_codes_share_an_area_only_where_documented(table: str):
    """Several codes meet in one area only as Comtrade's variants of a current area
    (EXTRA), the regional n.e.s. residuals (XNS) and Taiwan's two codes."""
    by_area: dict[str, set[int]] = defaultdict(set)
    for _file, code, iso, name, _until in TABLES[table]():
        by_area[resolve(code, iso, name)].add(int(code))
    for area, codes in by_area.items():
        if len(codes) < 2:
            continue
        if area == "XNS":
            assert codes <= NES_CODES | {899}, (area, codes)
            continue
        undocumented = {c for c in codes if c not in EXTRA} - {registry().get(area).comtrade, 158}
        assert not undocumented, f"{sorted(codes)} all read as {area}"


@pytest.mark.parametrize(("code", "expected", "until"), [
    (711, "XZA", 1999),   # Southern African Customs Union (...1999)
    (736, "XSD", 2011),   # Sudan (...2011): Sudan with South Sudan, not today's Sudan
    (58, "XBL", 1998),    # Belgium-Luxembourg (...1998)
    (230, "XET", 1992),   # Ethiopia with Eritrea
    (588, "XPK", 1971),   # East and West Pakistan
    (866, "VDR", 1974),
    (720, "YMD", 1990),
    (810, "SUN", 1991),
])
def test_historical_codes_are_historical_areas(code: int, expected: str, until: int):
    area = registry().get(resolve(code))
    assert (area.code, area.kind, area.valid_to and area.valid_to.year) == (expected, "historical", until)


def test_current_codes_stay_current():
    assert resolve(729) == "SDN" and resolve(56) == "BEL" and resolve(842) == "USA"
    assert resolve(849, "PUS", "US Misc. Pacific Isds") == "PUS"  # apart from UMI (581)
    assert resolve(581) == "UMI"
    assert registry().lookup("ASEAN").code == "G:ASEAN"
