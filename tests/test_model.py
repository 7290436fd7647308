from datetime import date

import pytest

from cistrade.errors import InputError
from cistrade.model import Flow, Freq, PartnerBasis, Period, PeriodRange, Valuation


@pytest.mark.parametrize(
    ("text", "freq", "start", "end"),
    [
        ("2024", Freq.ANNUAL, date(2024, 1, 1), date(2024, 12, 31)),
        ("2024-Q3", Freq.QUARTERLY, date(2024, 7, 1), date(2024, 9, 30)),
        ("2024q1", Freq.QUARTERLY, date(2024, 1, 1), date(2024, 3, 31)),
        ("2024-09", Freq.MONTHLY, date(2024, 9, 1), date(2024, 9, 30)),
        ("2024M02", Freq.MONTHLY, date(2024, 2, 1), date(2024, 2, 29)),
        ("2023-M02", Freq.MONTHLY, date(2023, 2, 1), date(2023, 2, 28)),
    ],
)
def test_period_parse(text, freq, start, end):
    p = Period.parse(text)
    assert p.freq is freq
    assert (p.start, p.end) == (start, end)
    assert Period.parse(str(p)) == p


@pytest.mark.parametrize("bad", ["", "24", "2024-13", "2024-Q5", "January 2024", "2024-00", "abcd"])
def test_period_rejects(bad):
    with pytest.raises(InputError, match="not a period"):
        Period.parse(bad)


def test_range_parse_and_previous_year():
    r = PeriodRange.parse("2024-01..2024-09")
    assert len(r) == 9
    assert str(r) == "2024-01..2024-09"
    assert str(r.previous_year()) == "2023-01..2023-09"
    assert r.first_day == date(2024, 1, 1) and r.last_day == date(2024, 9, 30)
    assert Period.parse("2024-Q2") in r
    assert Period.parse("2024-Q4") not in r


def test_range_of_single_periods():
    assert str(PeriodRange.parse("2023")) == "2023"
    assert len(PeriodRange.parse("2023")) == 12
    assert str(PeriodRange.parse("2024-Q3")) == "2024-Q3"
    assert str(PeriodRange.parse("2024-07..2024-09")) == "2024-Q3"
    assert PeriodRange.parse("2023..2024").months()[0] == Period.parse("2023-01")
    assert len(PeriodRange.parse("2023..2024")) == 24
    assert PeriodRange.parse("2024-Q1..2024-Q3") == PeriodRange.parse("2024-01..2024-09")


def test_range_across_years():
    r = PeriodRange.parse("2023-11..2024-02")
    assert [str(m) for m in r.months()] == ["2023-11", "2023-12", "2024-01", "2024-02"]
    assert r.years() == [2023, 2024]


def test_range_rejects_reversed():
    with pytest.raises(InputError, match="empty period range"):
        PeriodRange.parse("2024-09..2024-01")


def test_enums_are_strings():
    assert Flow.EXPORT == "export"
    assert Freq("M") is Freq.MONTHLY
    assert Valuation("CIF") is Valuation.CIF
    assert PartnerBasis("origin") is PartnerBasis.ORIGIN
    assert f"{Flow.IMPORT}" == "import"
