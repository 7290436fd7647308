"""The ``--estimate`` variant of ``share``, ``bloc-share``, ``growth`` and ``roles`` (issue
#18): the same indicator over the partner table estimated from the partners' reports
(:mod:`cistrade.estimate.run`), with the band, the rank range and what each figure rests on.
Declared here, light to import (the indicators' declarations take it at CLI start-up)."""

from __future__ import annotations

from typing import Any

from cistrade.errors import InputError
from cistrade.indicators.spec import DEFAULT_CIF_FOB, Param, Variant

__all__ = ["ESTIMATE_SHARE", "ESTIMATE_BLOC", "ESTIMATE_GROWTH", "ESTIMATE_ROLES",
           "ESTIMATE_CIF_FOB", "only_with_estimate"]

_HELP = ("estimated from the partners' reports — for a reporter that no longer publishes by "
         "partner — with a band (docs/estimate.md)")

#: the estimate's CIF/FOB factor; None: the model's default (the IMF's 1.06). Its own
#: parameter (not mirror's ``cif_fob``) because it means nothing without ``--estimate``.
ESTIMATE_CIF_FOB = Param(
    "cif_fob", float | None, None,
    help=f"With --estimate: the CIF/FOB factor (default {DEFAULT_CIF_FOB:g}, the IMF's for "
    "DOTS-style estimates); the band's CIF/FOB range 1.00–1.10 is widened to hold it.",
    bounds={"gt": 0.5, "lt": 2.0})

ESTIMATE_SHARE = Variant(
    "estimate", _HELP, params=(ESTIMATE_CIF_FOB,),
    fields=("value_low", "value_high", "share_low", "share_high", "rank_range", "rank_best",
            "rank_worst", "method", "sources"))
ESTIMATE_BLOC = Variant(
    "estimate", _HELP, params=(ESTIMATE_CIF_FOB,),
    fields=("value_low", "value_high", "share_low", "share_high", "method", "members_reporting",
            "members_carried", "members_unknown", "members_coverage", "remainder"))

ESTIMATE_GROWTH = Variant(
    "estimate", "both periods estimated from the partners' reports, with a band "
    "(docs/estimate.md)", params=(ESTIMATE_CIF_FOB,),
    fields=("value_low", "value_high", "previous_value_low", "previous_value_high",
            "growth_low", "growth_high", "method"))


#: ``roles --estimate``: roles' own ``--cif-fob`` is the estimate's factor (no parameter of
#: its own); each role's band, share band and rank range
ESTIMATE_ROLES = Variant(
    "estimate", "every member's partner table estimated from its partners' reports, with a "
    "band; --cif-fob is then the estimate's factor (docs/estimate.md)",
    fields=tuple(f"{role}_{name}" for role in ("supplier", "market")
                 for name in ("value_low", "value_high", "share_low", "share_high",
                              "rank_range", "rank_best", "rank_worst"))
    + ("method", "sources"))


def only_with_estimate(**given: Any) -> None:
    """The variant's own parameters are refused without the flag (never silently ignored)."""
    extra = [name for name, value in given.items() if value is not None]
    if extra:
        flags = ", ".join("--" + n.replace("_", "-") for n in extra)
        raise InputError(f"{flags} applies only to an estimate (add --estimate)")
