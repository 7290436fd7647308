"""Pathological text (issue #14): long runs of digits, points, commas, spaces, capitals …
give a plain answer (no claim, no infinite figure, no error), and a claim beside them is
still read. How long they take, against their length, is measured by
benchmarks/pathological.py (every regex of cistrade.claims runs in time linear in its input:
"1" × 64 000 extracts in milliseconds; until issue #13, "1" × 8 000 took 9 seconds), never
by a timed test here.
"""

from __future__ import annotations

import math

import pytest
from adversarial import ADVERSARIAL

from cistrade.claims import extract_claims
from cistrade.claims.numbers import MAX_MAGNITUDE, find_numbers, parse_stated
from cistrade.errors import InputError

CLAIM = "Russia's share of Kazakhstan's trade in 2023 was 19.4%."


@pytest.mark.parametrize("kind", sorted(ADVERSARIAL))
def test_pathological_text_makes_no_claim(kind: str) -> None:
    assert extract_claims(ADVERSARIAL[kind](4000)) == []


@pytest.mark.parametrize("kind", ["digits", "digits and points", "spaces", "hyphens"])
def test_a_claim_beside_pathological_text_is_still_read(kind: str) -> None:
    (claim,) = extract_claims(ADVERSARIAL[kind](4000) + "\n\n" + CLAIM)
    assert (claim.reporter, claim.partner, str(claim.period)) == ("KAZ", "RUS", "2023")
    assert claim.stated is not None and claim.stated.value == 19.4


@pytest.mark.parametrize("text", ["1" * 400 + "%", "$" + "1" * 4000 + " billion",
                                  "1" * 30 + " times", "в " + "1" * 400 + " раза"])
def test_a_run_of_digits_is_no_figure(text: str) -> None:
    """"1" × 400 reads as 1e399, infinite as a float: it is not a stated figure (a claim
    carrying it crashed when described and checked)."""
    assert find_numbers(text) == []
    assert extract_claims(f"Russia's share of Kazakhstan's trade in 2023 was {text}.") == []


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan, MAX_MAGNITUDE * 10])
def test_a_hand_written_infinite_value_is_an_input_error(value: float) -> None:
    with pytest.raises(InputError, match="not a stated value"):
        parse_stated(value)
