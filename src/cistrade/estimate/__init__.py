"""Estimates for what a reporter no longer publishes: its partner table from its partners'
reports, with a band that says what is not seen.

* :mod:`~cistrade.estimate.model` — the model itself: pure functions over plain data (the
  CIF/FOB rule, carried shares, the band, shares, rank ranges, blocs);
* :mod:`~cistrade.estimate.inputs` — what the model needs, read from a store: the partners'
  reports of the period (each partner's preferred source), the reporter's published World
  total, its last known shares and the pair's historical mirror gaps;
* :mod:`~cistrade.estimate.run` — the two together: :func:`estimate_table` for a store;
* :mod:`~cistrade.estimate.truth` — the check on truth: a synthetic world with one reporter's
  rows hidden, and a real reporter's own figures against the estimate made without them.
"""

from cistrade.estimate.model import (
    CIF_FOB,
    CIF_FOB_RANGE,
    Estimate,
    Figure,
    Method,
    Settings,
    bloc_row,
    estimate,
    rank_text,
    share_rows,
)

__all__ = [
    "CIF_FOB",
    "CIF_FOB_RANGE",
    "Estimate",
    "Figure",
    "Method",
    "Settings",
    "bloc_row",
    "estimate",
    "rank_text",
    "share_rows",
]
