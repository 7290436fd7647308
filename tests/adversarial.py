"""Inputs that make a backtracking regex quadratic, as functions of their length: what
tests/test_claims_linear.py checks the results on and benchmarks/pathological.py times."""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["ADVERSARIAL"]

#: the inputs that make a backtracking pattern quadratic, as functions of their length
ADVERSARIAL: dict[str, Callable[[int], str]] = {
    "digits": lambda n: "1" * n,
    "digits and points": lambda n: "1." * (n // 2),
    "digits and commas": lambda n: "1," * (n // 2),
    "digits and spaces": lambda n: "1 " * (n // 2),
    "points": lambda n: "." * n,
    "spaces": lambda n: " " * n,
    "words": lambda n: "a " * (n // 2),
    "capitals": lambda n: "A" * n,
    "cyrillic": lambda n: "в " * (n // 2),
    "dollars": lambda n: "$1 " * (n // 3),
    "hyphens": lambda n: "-" * n,
    "percents": lambda n: "1%" * (n // 2),
    "line breaks": lambda n: "a\n" * (n // 2),
}
