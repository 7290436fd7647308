"""What the data covers for one claim, and the reasons it does not cover it.

A verdict judges a claim only when the data covers it (issue #13 §2):

* the data's period is the claim's period, exactly (an indicator answers for the range it is
  asked, or raises NoData; a claim whose period the text leaves unknown is not checked
  against another);
* the reporter's figures are complete for a share, a rank or a total: its World total is
  published, or its partner table is its whole trade — a partial table (29 "main
  partners", a four-row sample, an extract of one product) is never its whole trade, and a
  rank read from one is certain only when no partner left out could rank above
  (``rank_certain``);
* every member of a bloc is covered, or the publisher's own group row is used;
* the claim's reporter, partner, flow and period were read from the text, not guessed;
* a figure summed over product-level rows (a BACI or Comtrade extract of one product) is
  all goods only when the reporter's table is known complete or its World total published:
  an extract need not hold every product (:func:`product_reason`).

:class:`Coverage` is what a verdict says it was judged on; the functions below read it from
an indicator's result (:mod:`cistrade.indicators`, ``query.coverage`` and the rows'
``rank_certain``) and say in words what is missing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from cistrade.indicators.result import Result

__all__ = ["Coverage", "share_coverage", "bloc_coverage", "partial_reason", "rank_reason",
           "product_reason",
           "PARTIAL_TABLE", "PUBLISHED", "COMPLETE_SUM"]

PUBLISHED = "published world total"
COMPLETE_SUM = "sum of partners (complete table)"
PARTIAL_TABLE = "sum of listed partners (partial table)"


@dataclass
class Coverage:
    """What a figure was computed from (the ``coverage`` of a verdict's JSON)."""

    period: str | None = None  # the period the data covers (the claim's, when judged)
    total_basis: str | None = None  # PUBLISHED | COMPLETE_SUM | PARTIAL_TABLE
    complete: bool | None = None  # the partner table is the reporter's whole trade
    partners_listed: int | None = None
    rank_certain: bool | None = None  # no partner missing from the table could rank above
    method: str | None = None  # a bloc's: "members" | "published group row"
    members: list[str] = field(default_factory=list)
    members_missing: list[str] = field(default_factory=list)
    side: str | None = None  # whose figures: "KAZ" (reported), "CHN's reports" (mirror)
    previous_period: str | None = None  # a growth rate's or change's base period

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, [])}


def _of(result: Result, reporter: str | None) -> dict[str, Any]:
    """The result's coverage for one reporter (``query.coverage[reporter]``), or {}."""
    query = getattr(result, "query", None) or {}
    found = (query.get("coverage") or {}).get(reporter or "")
    if found:
        return dict(found)
    if query.get("total_basis"):  # a single reporter's, at the top level
        return {k: query.get(k) for k in ("total_basis", "complete", "partners_listed",
                                          "members_missing", "method")}
    return {}


def share_coverage(result: Result, reporter: str | None, period: str,
                   row: dict[str, Any] | None = None) -> Coverage:
    """The coverage of a ``share`` (or ``balance``) answer for a reporter."""
    c = _of(result, reporter)
    return Coverage(period=period, total_basis=c.get("total_basis"), complete=c.get("complete"),
                    partners_listed=c.get("partners_listed"),
                    rank_certain=(row or {}).get("rank_certain"), side=reporter)


def bloc_coverage(result: Result, reporter: str | None, period: str) -> Coverage:
    """The coverage of a ``bloc_share`` answer for a reporter."""
    c = _of(result, reporter)
    query = getattr(result, "query", None) or {}
    method = c.get("method") or (query.get("methods") or {}).get(reporter or "")
    return Coverage(period=period, total_basis=c.get("total_basis"), complete=c.get("complete"),
                    partners_listed=c.get("partners_listed"), method=method,
                    members=list(query.get("members") or []),
                    members_missing=list(c.get("members_missing") or []), side=reporter)


def partial_reason(cov: Coverage, who: str) -> str | None:
    """Why a total (a share's denominator, the reporter's trade in all) is not its whole
    trade, or None when it is."""
    if cov.total_basis is None:
        return (f"the data does not say whether {who}'s figures for {cov.period} are its whole "
                "trade (no coverage stated)")
    if cov.total_basis == PARTIAL_TABLE:
        return (f"{who}'s figures for {cov.period} are a partial table of "
                f"{cov.partners_listed} partners with no published World total: not its whole "
                "trade, so no share or total can be read from them")
    return None


def rank_reason(cov: Coverage, who: str) -> str | None:
    """Why a rank read from the data is not certain, or None when it is."""
    if cov.rank_certain or cov.complete:
        return None
    listed = f"{cov.partners_listed} partners" if cov.partners_listed else "some partners"
    return (f"{who}'s table for {cov.period} lists only {listed}: a partner left out could "
            "rank above, so the rank is not checked")


#: the product class of a figure for all goods (anything else is summed over products)
ALL_GOODS = "TOTAL"


def product_reason(result: Result, cov: Coverage, who: str) -> str | None:
    """Why a figure summed over product-level rows is not the trade in all goods, or None.

    A dataset of products (HS6 rows) gives a pair's trade in all only if it holds every
    product; an extract of one product (81 BACI rows of Korea's HS 852352) does not, and
    nothing in it says so. Such a figure is judged only when the reporter's figures are
    known to be its whole trade (a published World total or a complete table)."""
    query = getattr(result, "query", None) or {}
    classes = {c for s in query.get("selections") or [] for c in s.get("product_class") or []}
    if not classes - {ALL_GOODS} or cov.total_basis in (PUBLISHED, COMPLETE_SUM):
        return None
    return (f"{who}'s figures for {cov.period} are summed over the products of "
            f"{', '.join(sorted(classes - {ALL_GOODS}))} the data holds, not a total of all "
            "goods: an extract need not hold every product")
