"""Trade blocs: dated membership, statuses, derived and fixed compositions, sources."""

from __future__ import annotations

from datetime import date

import pytest

from cistrade.errors import InputError, UnknownBloc
from cistrade.model import PeriodRange
from cistrade.reference.blocs import STATUSES, Bloc, bloc, blocs, members
from cistrade.reference.countries import registry

CIS_1991 = ["ARM", "AZE", "BLR", "KAZ", "KGZ", "MDA", "RUS", "TJK", "TKM", "UKR", "UZB"]


@pytest.mark.parametrize(
    ("name", "bloc_id"),
    [("CIS", "CIS"), ("cis", "CIS"), ("СНГ", "CIS"), ("Commonwealth of Independent States", "CIS"),
     ("the Commonwealth", "CIS"), ("G:CIS", "CIS"), ("EAEU", "EAEU"), ("ЕАЭС", "EAEU"),
     ("Eurasian Economic Union", "EAEU"), ("EU", "EU"), ("European Union", "EU"), ("ЕС", "EU"),
     ("EU27", "EU27"), ("EU-27", "EU27"), ("EU27_2020", "EU27"), ("EU28", "EU28"),
     ("CIS-RUS", "CIS-RUS"), ("Euro area", "EA")],
)
def test_bloc_by_name(name: str, bloc_id: str):
    assert bloc(name).id == bloc_id


def test_unknown_bloc():
    with pytest.raises(UnknownBloc) as info:
        bloc("ASEAN")
    assert "CIS" in str(info.value)


def test_every_membership_is_sourced_and_known():
    reg = registry()
    assert blocs()
    for b in blocs():
        assert b.memberships, b.id
        for m in b.memberships:
            assert m.source.strip(), (b.id, m.member)
            assert m.status in STATUSES
            assert reg.get(m.member).is_country
            assert m.start is None or m.end is None or m.start <= m.end
        if b.group_code:
            assert reg.get(b.group_code).bloc == b.id


def test_cis_founding():
    assert members("CIS", on=date(1992, 1, 1)) == CIS_1991
    assert members("CIS", on=date(1991, 12, 10)) == ["BLR", "RUS", "UKR"]
    assert bloc("CIS").founded == date(1991, 12, 8)


def test_georgia():
    assert "GEO" in members("CIS", on=date(2005, 6, 1))
    assert "GEO" not in members("CIS", on=date(2010, 1, 1))
    assert "GEO" in members("CIS", on=date(2009, 8, 17))
    assert "GEO" not in members("CIS", on=date(2009, 8, 18))
    assert "GEO" not in members("CIS", on=date(1993, 12, 2))


def test_during_means_at_any_time():
    assert "GEO" in members("CIS", during=PeriodRange.parse("2009-01..2009-12"))
    assert "GEO" in members("CIS", during="2009")
    assert "GEO" not in members("CIS", during="2010")
    assert len(members("EAEU", during="2015")) == 5


def test_turkmenistan_associate():
    cis = bloc("CIS")
    assert cis.status("TKM", date(2006, 1, 1)) == "associate"
    assert cis.status("TKM", date(2005, 8, 25)) == "member"
    assert "TKM" in members("CIS", on=date(2006, 1, 1))
    assert "TKM" not in members("CIS", on=date(2006, 1, 1), statuses=("member",))


def test_ukraine_participant_until_2018():
    cis = bloc("CIS")
    assert cis.status("UKR", date(2018, 5, 19)) == "participant"
    assert cis.status("UKR", date(2018, 5, 20)) is None
    assert "UKR" not in members("CIS", on=date(2010, 1, 1), statuses=("member", "associate"))
    assert "UKR" in members("CIS11", on=date(2022, 1, 1))
    assert "GEO" not in members("CIS11", on=date(2005, 1, 1))


def test_moldova_and_azerbaijan_still_members():
    today = members("CIS")
    assert "MDA" in today and "AZE" in today and "UKR" not in today
    assert today == members("CIS", on=date.today())


def test_cis_without_russia():
    for day in (date(1995, 1, 1), date(2005, 1, 1), date(2024, 1, 1)):
        full = members("CIS", on=day)
        assert members("CIS-RUS", on=day) == [c for c in full if c != "RUS"]
    sources = {m.source for m in bloc("CIS-RUS").memberships}
    assert sources <= {m.source for m in bloc("CIS").memberships}


def test_eaeu():
    assert members("EAEU", on=date(2014, 12, 31)) == []
    assert members("EAEU", on=date(2015, 1, 1)) == ["BLR", "KAZ", "RUS"]
    assert members("EAEU", on=date(2015, 1, 2)) == ["ARM", "BLR", "KAZ", "RUS"]
    assert members("EAEU", on=date(2015, 9, 1)) == ["ARM", "BLR", "KAZ", "KGZ", "RUS"]


def test_eu_dated_and_fixed():
    assert "GBR" in members("EU", on=date(2020, 1, 31))
    assert "GBR" not in members("EU", on=date(2020, 2, 1))
    assert len(members("EU", on=date(2020, 2, 1))) == 27
    assert len(members("EU", on=date(2019, 1, 1))) == 28
    assert len(members("EU", on=date(1990, 1, 1))) == 12
    assert members("EU27", on=date(2010, 1, 1)) == members("EU27") == members("EU", on=date(2024, 1, 1))
    assert "HRV" in members("EU27", on=date(2010, 1, 1))
    assert members("EU28") == sorted([*members("EU27"), "GBR"])


def test_euro_area():
    assert len(members("EA", on=date(2024, 1, 1))) == 20
    assert members("EA20") == members("EA", on=date(2024, 1, 1))
    assert "BGR" not in members("EA", on=date(2025, 12, 31))


def test_arguments():
    with pytest.raises(InputError):
        members("CIS", on=date(2020, 1, 1), during="2020")
    with pytest.raises(InputError):
        members("CIS", statuses=("observer",))
    b = bloc("CIS")
    assert isinstance(b, Bloc) and bloc(b) is b
    assert b.members(on=date(2000, 1, 1)) == members(b, on=date(2000, 1, 1))
