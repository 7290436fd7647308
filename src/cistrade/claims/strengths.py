"""Claims about strengths → verdicts: comparative advantage (RCA) and complementarity.

``advantage`` ("Kazakhstan has a comparative advantage in wheat")
    the product's words are resolved to HS codes through the publisher's nomenclature beside
    the data (:mod:`cistrade.claims.products`), then ``rca(eng, year, reporter=X, level=…)``
    at the level they resolved to (HS2/HS4/HS6): ``rca ≥ 1`` supports the claim, ``< 1``
    contradicts it ("has no comparative advantage": the other way round). A product the
    reporter exports none of while others do has RCA 0. Unverifiable: no year, no
    product-level data (national tables are totals by partner), a world table of fewer than
    :data:`MIN_WORLD_EXPORTERS` exporters (an extract: its "world" is a handful of
    countries), a product not found or ambiguous in the nomenclature, the reporter not an
    exporter of the table, a product no exporter of the table exports.
``complementarity`` ("Kazakhstan's exports complement Russia's imports")
    Michaely's index (0–100) of the exporter's exports with the importer's imports,
    ``complementarity(eng, X, Y, year)``; of a pair (``mutual``: "the economies of X and Y
    are complementary") the mean of both directions. **The text states no threshold**, and
    the index has none of its own, so a bare "complements" is *not judged*: the verdict is
    unverifiable and reports the index, the exporter's index with the world's imports (the
    baseline of a market taking the world's mix) and, for two CIS members, the importer's
    rank among the exporter's CIS partners — evidence, never a verdict. A **comparison**
    ("more than with China") is judged: the index with the partner minus the index with the
    other side, ``> 0`` supports "more than", ``< 0`` "less than". Unverifiable too when
    either side has no rows of its own in the table (exports for the exporter, imports for
    the importer).

Every verdict carries the answer's echo (``query``: source, classification, year, level,
exporters), its ``datasets`` (each with ``synthetic``) and says in its ``coverage`` method
which world table it was read on, SYNTHETIC when it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cistrade.claims.coverage import Coverage
from cistrade.claims.derived import ordinal
from cistrade.claims.model import Claim, ClaimKind
from cistrade.claims.products import Resolution, resolve_product
from cistrade.claims.verdict import Verdict, VerdictKind
from cistrade.errors import CistradeError, NoData
from cistrade.model import PeriodRange

if TYPE_CHECKING:  # pragma: no cover
    from cistrade.indicators.engine import Engine
    from cistrade.indicators.result import Result
    from cistrade.indicators.strengths.frame import ProductSelection

__all__ = ["STRENGTH_KINDS", "MIN_WORLD_EXPORTERS", "verify_strength", "NO_THRESHOLD"]

STRENGTH_KINDS = (ClaimKind.ADVANTAGE, ClaimKind.COMPLEMENTARITY)
#: a world table with fewer exporters is an extract (BACI has some 220): RCA's "world" and a
#: product's world share would be theirs alone, so no advantage is judged on it
MIN_WORLD_EXPORTERS = 20
#: the bloc whose members an importer is ranked among (the complementarity matrix's default)
RANK_BLOC = "CIS"
#: the products listed as evidence of a complementarity figure
TOP_PRODUCTS = 5
NO_THRESHOLD = ("not judged: the text states no threshold for 'complement' and the index has "
                "none of its own (0: no product in common, 100: the same mix); only a "
                "comparison ('more than with China') is judged")
_EXPORTS = ("exports+imports", "exports")
_IMPORTS = ("exports+imports", "imports")


class _Unverifiable(Exception):
    """Why a strengths claim is not judged, and what was computed on the way."""

    def __init__(self, reason: str, found: _Found | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.found = found


@dataclass
class _Found:
    """What a verdict reports: the figure, its answer's echo, datasets, notes, evidence."""

    period: str | None
    result: Result | None = None
    computed: float | None = None
    notes: list[str] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    query: dict[str, Any] = field(default_factory=dict)


def _world_text(query: dict[str, Any], datasets: list[dict[str, Any]]) -> str:
    """``baci HS22 at HS4, 2023, the world of 212 exporters (SYNTHETIC data)``."""
    synthetic = " (SYNTHETIC data)" if any(d.get("synthetic") for d in datasets) else ""
    return (f"{query.get('source')} {query.get('product_class')} at {query.get('level')}, "
            f"{query.get('period')}, the world of {query.get('exporters')} exporters{synthetic}")


def _verdict(claim: Claim, kind: VerdictKind, message: str, found: _Found,
             reasons: list[str] | None = None) -> Verdict:
    result = found.result
    datasets = list(getattr(result, "datasets", []) or [])
    query = {**dict(getattr(result, "query", {}) or {}), **found.query}
    method = _world_text(query, datasets) if query.get("source") else None
    reasons = reasons or []
    return Verdict(claim, kind, message, computed=found.computed, period=found.period,
                   datasets=datasets, evidence=found.evidence,
                   notes=[*list(getattr(result, "notes", []) or []), *found.notes],
                   query=query, coverage=Coverage(period=found.period, method=method).to_dict(),
                   reasons=reasons, available=reasons[0] if reasons else None)


def _world(eng: Engine, period: PeriodRange) -> ProductSelection:
    """The world table a strengths claim is read on; unverifiable without one, or on an
    extract."""
    from cistrade.indicators.strengths import select_products

    try:
        sel = select_products(eng, period)
    except NoData as exc:
        raise _Unverifiable(f"no product-level data in the store for {period} (national "
                            f"tables are totals by partner, with no products): {exc}") from exc
    if len(sel.exporters) < MIN_WORLD_EXPORTERS:
        raise _Unverifiable(
            f"the {sel.source} {sel.product_class} table for {period} has only "
            f"{len(sel.exporters)} exporter(s), fewer than {MIN_WORLD_EXPORTERS}: an extract, "
            "whose 'world' shares are those few countries', not the world's")
    return sel


# -- advantage --------------------------------------------------------------------------------


def _resolved(eng: Engine, claim: Claim, sel: ProductSelection) -> Resolution:
    from cistrade.indicators.strengths.base import World, names_of
    from cistrade.indicators.strengths.frame import Level

    names, note = names_of(eng, World(sel, Level.HS6))
    source = note.removeprefix("product names from ") if names else "the nomenclature"
    found = resolve_product(claim.product or "", names, source)
    if not found.found:
        raise _Unverifiable(f"the product {claim.product!r} cannot be resolved to HS codes: "
                            f"{found.reason}")
    return found


def _world_exports(eng: Engine, sel: ProductSelection, level: str, code: str) -> bool:
    """Whether any exporter of the table exports the product."""
    from cistrade.indicators.strengths.frame import level_of, product_rows

    rows = product_rows(eng, sel, level_of(level))
    hits = rows.filter((rows["product"] == code) & (rows["value"] > 0)).select("product").limit(1)
    return bool(eng.to_arrow(hits).num_rows)


def _rca_row(eng: Engine, claim: Claim, period: str, sel: ProductSelection,
             res: Resolution) -> tuple[Result, dict[str, Any]]:
    from cistrade.indicators.strengths import rca

    assert res.code is not None and res.level is not None
    try:
        result = rca(eng, period, reporter=claim.reporter or "", level=res.level,
                     source=sel.source, product_class=sel.product_class)
    except NoData as exc:
        raise _Unverifiable(str(exc)) from exc
    row = next((r for r in result.rows if r.get("product") == res.code), None)
    if row is not None:
        return result, row
    found = _Found(period, result, notes=[res.note])
    if not _world_exports(eng, sel, res.level, res.code):
        raise _Unverifiable(f"no exporter of the table exports HS {res.code} in {period}",
                            found)
    return result, {"product": res.code, "product_name": res.name, "rca": 0.0, "value": 0.0,
                    "share": 0.0, "note": f"{claim.reporter} exports no HS {res.code}: RCA 0"}


def _advantage(eng: Engine, claim: Claim, period: PeriodRange) -> Verdict:
    sel = _world(eng, period)
    res = _resolved(eng, claim, sel)
    result, row = _rca_row(eng, claim, str(period), sel, res)
    value = float(row["rca"])
    stated = claim.stated
    holds = value >= 1 if stated is None else stated.contains(value)
    kind = VerdictKind.SUPPORTED if holds else VerdictKind.CONTRADICTED
    name = f" ({row.get('product_name') or res.name})" if (row.get('product_name') or res.name) else ""
    message = (f"RCA of {claim.reporter} in HS {res.code}{name} at {res.level} in {period}: "
               f"{value:.2f} (revealed advantage at ≥ 1)")
    found = _Found(str(period), result, value, [res.note],
                   [{k: row.get(k) for k in ("product", "product_name", "value", "share",
                                             "world_share", "rca", "rsca") if k in row}],
                   {"product": res.code, "level": res.level, "product_words": claim.product})
    return _verdict(claim, kind, message, found)


# -- complementarity --------------------------------------------------------------------------


def _index(eng: Engine, exporter: str, importer: str, period: str, sel: ProductSelection
           ) -> Result:
    from cistrade.indicators.strengths import complementarity

    try:
        return complementarity(eng, exporter, importer, period, top=TOP_PRODUCTS,
                               source=sel.source, product_class=sel.product_class)
    except NoData as exc:
        raise _Unverifiable(str(exc)) from exc


def _covered(result: Result, exporter: str, importer: str) -> None:
    """Unverifiable unless the exporter has export rows and the importer imports."""
    status = {m["member"]: m["status"] for m in result.sections.get("members", [])}
    if status.get(exporter, "exports") not in _EXPORTS:
        raise _Unverifiable(f"{exporter} has no export rows of its own in the table "
                            f"({status.get(exporter)})", _Found(result.query.get("period", ""),
                                                                result))
    if importer in status and status[importer] not in _IMPORTS:
        raise _Unverifiable(f"{importer} has no imports in the table ({status[importer]})",
                            _Found(result.query.get("period", ""), result))


def _pair_index(eng: Engine, a: str, b: str, mutual: bool, period: str,
                sel: ProductSelection) -> tuple[float, Result, list[str]]:
    """The index of ``a``'s exports with ``b``'s imports (of a pair: the mean of both
    directions), its first answer and what it was made of."""
    first = _index(eng, a, b, period, sel)
    _covered(first, a, b)
    value = float(first.rows[0]["index"])
    said = [f"{a} → {b}: {value:.1f}"]
    if mutual:
        back = _index(eng, b, a, period, sel)
        _covered(back, b, a)
        other = float(back.rows[0]["index"])
        said.append(f"{b} → {a}: {other:.1f}")
        value = (value + other) / 2
    return value, first, said


def _evidence(result: Result) -> list[dict[str, Any]]:
    return [dict(r) for r in result.sections.get("products", [])]


def _comparison(eng: Engine, claim: Claim, period: str, sel: ProductSelection) -> Verdict:
    a, b = claim.reporter or "", claim.counterpart or ""
    value, result, said = _pair_index(eng, a, b, claim.mutual, period, sel)
    other, _, said_other = _pair_index(eng, a, claim.versus or "", claim.mutual, period, sel)
    diff = value - other
    holds = claim.stated.contains(diff) if claim.stated else diff > 0
    kind = VerdictKind.SUPPORTED if holds else VerdictKind.CONTRADICTED
    message = (f"complementarity with {b} {value:.1f} against {other:.1f} with {claim.versus} "
               f"({diff:+.1f} points) in {period}; " + ", ".join(said + said_other))
    found = _Found(period, result, diff, evidence=_evidence(result),
                   query={"index": value, "versus_index": other})
    return _verdict(claim, kind, message, found)


def _bloc_rank(eng: Engine, a: str, b: str, period: str, sel: ProductSelection) -> str | None:
    """"RUS ranks 2nd of KAZ's 11 CIS partners": the importer's rank by the exporter's
    index among the bloc's members, when both are members."""
    from cistrade.indicators.strengths import complementarity_matrix

    try:
        matrix = complementarity_matrix(eng, period, bloc=RANK_BLOC, source=sel.source,
                                        product_class=sel.product_class)
    except CistradeError:
        return None
    rows = sorted((r for r in matrix.rows if r.get("exporter") == a),
                  key=lambda r: -float(r.get("index") or 0))
    importers = [r.get("importer") for r in rows]
    if b not in importers:
        return None
    return (f"{b} ranks {ordinal(importers.index(b) + 1)} of the {len(importers)} {RANK_BLOC} "
            f"members {a}'s exports have a product in common with")


def _bare(eng: Engine, claim: Claim, period: str, sel: ProductSelection) -> Verdict:
    a, b = claim.reporter or "", claim.counterpart or ""
    value, result, said = _pair_index(eng, a, b, claim.mutual, period, sel)
    world = float(_index(eng, a, "WLD", period, sel).rows[0]["index"])
    context = [f"complementarity {value:.1f} (0–100) in {period}", *said[1:],
               f"{a}'s exports with the world's imports: {world:.1f}"]
    rank = _bloc_rank(eng, a, b, period, sel)
    if rank:
        context.append(rank)
    found = _Found(period, result, value, evidence=_evidence(result),
                   query={"index": value, "world_index": world})
    return _verdict(claim, VerdictKind.UNVERIFIABLE, f"{NO_THRESHOLD}; " + "; ".join(context),
                    found, reasons=[NO_THRESHOLD])


def _complementarity(eng: Engine, claim: Claim, period: PeriodRange) -> Verdict:
    sel = _world(eng, period)
    if claim.versus:
        return _comparison(eng, claim, str(period), sel)
    return _bare(eng, claim, str(period), sel)


def verify_strength(eng: Engine, claim: Claim) -> Verdict:
    """The verdict on an advantage or complementarity claim (see the module docstring);
    what the data does not cover is unverifiable with the reason, never an exception."""
    if claim.period is None:
        why = claim.period_note or "no year given (product-level data are yearly)"
        return _verdict(claim, VerdictKind.UNVERIFIABLE,
                        f"the text does not say which year: {why}", _Found(None), [why])
    try:
        if claim.kind is ClaimKind.ADVANTAGE:
            return _advantage(eng, claim, claim.period)
        return _complementarity(eng, claim, claim.period)
    except _Unverifiable as exc:
        return _verdict(claim, VerdictKind.UNVERIFIABLE, exc.reason,
                        exc.found or _Found(str(claim.period)), [exc.reason])
    except CistradeError as exc:
        return _verdict(claim, VerdictKind.UNVERIFIABLE, f"cannot compute it: {exc}",
                        _Found(str(claim.period)), [str(exc)])
