"""The documented preferences that decide between datasets covering the same question.

Sources: a national statistics office's own figures first, then the international
compilations that re-publish them, then partner-side and modelled data, then user files::

    ru-fts, kz-bns, uz-stat, am-armstat, (other national offices), imf, comtrade,
    eurostat, baci, (any other source), tidy

``source=NAME`` on any indicator picks one source instead. Within a source, the frequency whose
rows cover the range *exactly* is chosen in the order monthly > quarterly > cumulative >
annual: monthly rows add up to any range, quarters and years only to ranges they tile, a
cumulative row only to its own run of months.

Partner basis when a source gives several: imports by country of **origin** (the usual
headline basis), then unknown, then consignment; exports by **destination**, then unknown.
"""

from __future__ import annotations

__all__ = ["SOURCE_ORDER", "FREQ_ORDER", "source_rank", "freq_name", "BASIS_ORDER"]

NATIONAL = ("ru-fts", "kz-bns", "uz-stat", "am-armstat")
SOURCE_ORDER: tuple[str, ...] = (*NATIONAL, "imf", "comtrade", "eurostat", "baci")
LAST = ("tidy", "synthetic")
FREQ_ORDER = ("M", "Q", "C", "A")
_FREQ_NAMES = {"M": "monthly", "Q": "quarterly", "C": "cumulative", "A": "annual"}

#: partner basis preference per flow when the caller does not choose one
BASIS_ORDER: dict[str, tuple[str, ...]] = {
    "import": ("origin", "unknown", "consignment", "destination"),
    "export": ("destination", "unknown", "origin", "consignment"),
    "re-import": ("origin", "unknown", "consignment", "destination"),
    "re-export": ("destination", "unknown", "origin", "consignment"),
}


def source_rank(source: str) -> tuple[int, str]:
    """Sort key: preferred sources first; unknown national-looking sources after the known
    national ones, user files last."""
    if source in SOURCE_ORDER:
        return (2 * SOURCE_ORDER.index(source), source)
    if source in LAST:
        return (1000 + LAST.index(source), source)
    if len(source) > 3 and source[2] == "-":  # another national office: "by-belstat"
        return (2 * len(NATIONAL) - 1, source)
    return (2 * len(SOURCE_ORDER), source)


def freq_name(freq: str) -> str:
    return _FREQ_NAMES.get(freq, freq)
