"""Periods named in English and Russian text (cistrade.claims.periods)."""

from __future__ import annotations

import pytest

from cistrade.claims.periods import find_periods


@pytest.mark.parametrize(
    ("text", "months", "year"),
    [
        ("from January to September 2024", (1, 9), 2024),
        ("in January–September 2024", (1, 9), 2024),
        ("Jan-Sep 2024", (1, 9), 2024),
        ("in the first nine months of 2024", (1, 9), 2024),
        ("9M 2024", (1, 9), 2024),
        ("by the end of the third quarter", (1, 9), None),
        ("in the third quarter of 2024", (7, 9), 2024),
        ("Q1 2024", (1, 3), 2024),
        ("in 2023", (1, 12), 2023),
        ("in H1 2023", (1, 6), 2023),
        ("in the first half of 2023", (1, 6), 2023),
        ("in September 2024", (9, 9), 2024),
        ("январь–сентябрь 2024 года", (1, 9), 2024),
        ("в январе-сентябре 2024 г.", (1, 9), 2024),
        ("с января по сентябрь 2024 года", (1, 9), 2024),
        ("за девять месяцев 2024 года", (1, 9), 2024),
        ("за 9 мес. 2024 г.", (1, 9), 2024),
        ("по итогам 2023 года", (1, 12), 2023),
        ("по итогам трех кварталов 2024 года", (1, 9), 2024),
        ("в первом полугодии", (1, 6), None),
        ("в I квартале 2024 г.", (1, 3), 2024),
    ],
)
def test_period_phrases(text, months, year):
    (p,) = find_periods(text)
    assert (p.first_month, p.last_month) == months and p.year == year and not p.comparison


def test_comparison_bases_are_marked():
    found = find_periods("rose 5% in 2024 compared with 2023, and 3% in 2024 over 2023")
    assert [(p.year, p.comparison) for p in found] == [
        (2024, False), (2023, True), (2024, False), (2023, True)]
    ru = find_periods("в январе-сентябре 2024 г. по сравнению с аналогичным периодом 2023 г.")
    assert [p.comparison for p in ru] == [False, True]


def test_words_that_are_not_periods():
    assert find_periods("It may to some extent") == []
    assert find_periods("in 2022-2023 trade grew") == []
    assert str(find_periods("in the first nine months of 2024")[0].resolve()) == "2024-01..2024-09"


@pytest.mark.parametrize("text", [
    "China's share of Kazakhstan's trade rose from 18% in 2022 to 21.5% in 2023.",
    "Доля Китая во внешней торговле Казахстана выросла с 18% в 2022 году до 21,5% в 2023 году.",
    "Kazakhstan's exports to China rose from $13 billion in 2022 to $14.7 billion in 2023.",
])
def test_the_period_of_an_earlier_level_is_not_the_claims(text):
    from cistrade.claims import extract_claims

    (claim,) = extract_claims(text)
    assert str(claim.period) == "2023"
