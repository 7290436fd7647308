"""Stated numbers and the intervals their wording allows (cistrade.claims.numbers/model)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cistrade.claims import Bound, Stated, parse_stated
from cistrade.claims.numbers import find_numbers
from cistrade.errors import InputError


@pytest.mark.parametrize(
    ("text", "low", "high", "bound"),
    [
        ("41.1%", 41.05, 41.15, Bound.EXACT),
        ("18%", 17.5, 18.5, Bound.EXACT),
        ("23 per cent", 22.5, 23.5, Bound.EXACT),
        ("over 11%", 11, None, Bound.OVER),
        ("more than a third", 100 / 3, None, Bound.OVER),
        ("nearly a fifth", 18, 20, Bound.ALMOST),
        ("almost 5%", 4.5, 5, Bound.ALMOST),
        ("about 30%", 28.5, 31.5, Bound.ABOUT),
        ("under 10%", None, 10, Bound.UNDER),
        ("more than doubled", 100, None, Bound.OVER),
        ("более чем на 11%", 11, None, Bound.OVER),
        ("почти 40%", 36, 40, Bound.ALMOST),
        ("около 22%", 20.9, 23.1, Bound.ABOUT),
        ("41,1 процента", 41.05, 41.15, Bound.EXACT),
        ("превысила 20%", 20, None, Bound.OVER),
    ],
)
def test_wording_sets_the_interval(text, low, high, bound):
    s = parse_stated(text)
    assert s.bound is bound
    assert s.low == pytest.approx(low) if low is not None else s.low is None
    assert s.high == pytest.approx(high) if high is not None else s.high is None


def test_multiples_are_growth_rates():
    assert parse_stated("doubled").value == 100
    assert parse_stated("в 1,5 раза").value == pytest.approx(50)
    assert parse_stated("halved").value == pytest.approx(-50)
    assert parse_stated("1.5-fold").value == pytest.approx(50)


@pytest.mark.parametrize(("text", "change", "bound"), [
    ("в полтора раза", 50, "exact"), ("в два раза", 100, "exact"),
    ("более чем в два раза", 100, "over"), ("почти в три раза", 200, "almost"),
    ("в два с половиной раза", 150, "exact"), ("two times", 100, "exact"),
    ("one and a half times", 50, "exact"), ("more than three times", 200, "over"),
])
def test_multiples_spelled_out(text, change, bound):
    stated = parse_stated(text)
    assert (stated.value, stated.bound.value) == (pytest.approx(change), bound)


def test_an_article_before_a_number_is_not_part_of_the_stated_text():
    from cistrade.claims import extract_claims

    (claim,) = extract_claims("Russia remained Armenia's largest trading partner in 2023, "
                              "with a 35.3% share.")
    assert claim.stated.text == "35.3%"
    (claim,) = extract_claims("China accounted for a quarter of Uzbekistan's imports in 2023.")
    assert claim.stated.text == "a quarter"


def test_a_spelled_multiple_in_a_russian_sentence_is_a_growth_claim():
    from cistrade.claims import extract_claims

    (claim,) = extract_claims("За девять месяцев 2024 года товарооборот Армении с Россией "
                              "вырос более чем в два раза.")
    assert (claim.kind.value, claim.reporter, claim.partner, str(claim.period)) == (
        "growth", "ARM", "RUS", "2024-01..2024-09")
    assert (claim.stated.low, claim.stated.bound.value) == (100.0, "over")


def test_a_fall_mirrors_the_interval():
    s = parse_stated("-over 5%")
    assert s.high == -5 and s.low is None
    assert s.contains(-7) and not s.contains(-5) and not s.contains(-3)
    assert parse_stated("-8.5%").contains(-8.5)


def test_prepositions_are_kept_out_of_the_stated_text():
    found = find_numbers("has risen to 16.2%, with turnover increasing by over 11% since")
    assert [(n.stated.text, n.prep) for n in found] == [("16.2%", "to"), ("over 11%", "by")]


def test_percentage_points_and_periods_are_not_percentages():
    found = find_numbers("rose by 2 percentage points in the first half of 2024")
    assert [n.kind for n in found] == ["pp"]
    assert find_numbers("in the third quarter of 2024 and the first half") == []


@pytest.mark.parametrize("bad", ["", "many", "11% and 12%", True])
def test_bad_values_are_input_errors(bad):
    with pytest.raises(InputError):
        parse_stated(bad)


@given(st.floats(0.1, 99), st.sampled_from(list(Bound)), st.integers(0, 2),
       st.floats(-200, 200))
def test_contains_is_distance_zero(value, bound, decimals, x):
    s = Stated.of(round(value, decimals), bound, decimals=decimals)
    assert s.contains(x) == (s.distance(x) == 0) or (
        # strict bounds: the edge itself is outside yet at distance 0
        s.bound in (Bound.OVER, Bound.UNDER) and x in (s.low, s.high))
    assert s.negated().contains(-x) == s.contains(x)


@pytest.mark.parametrize(("text", "value", "unit"), [
    ("$27 billion", 27e9, "USD"), ("US$1.2bn", 1.2e9, "USD"), ("EUR 3.4 billion", 3.4e9, "EUR"),
    ("27 billion US dollars", 27e9, "USD"), ("27,1 млрд долларов", 27.1e9, "USD"),
    ("27 млрд долл. США", 27e9, "USD"), ("1,2 трлн руб.", 1.2e12, "RUB"),
    ("€1,5 млрд", 1.5e9, "EUR"), ("1 234,5 млн долларов", 1234.5e6, "USD"),
    ("850 тыс. долларов", 850e3, "USD"), ("$1,234 million", 1234e6, "USD"),
])
def test_amounts_of_money(text, value, unit):
    stated = parse_stated(text)
    assert (stated.value, stated.unit) == (pytest.approx(value), unit)


@pytest.mark.parametrize("text", ["$500", "27 billion", "2.3 million tonnes"])
def test_not_amounts(text):
    from cistrade.claims.numbers import find_numbers

    assert [n for n in find_numbers(text) if n.kind == "amount"] == []
