"""Recall, precision and verdict soundness of claim extraction and checking.

    python benchmarks/extraction.py [--verbose] [--part dev|heldout|both] [--no-verdicts]
                                    [--db STORE] [--workdir DIR]

Scores, in this order:

1. the composed sets ``tests/data/claims/labelled.yaml`` and ``heldout.yaml`` (texts written
   for the tests; a claim matches when kind, reporter, partner/bloc, period, value and rank
   match);
2. the real-sentence corpus ``tests/data/claims/real.yaml`` (README.md beside it), its
   development and held-out parts apart. **Strict** recall and precision: an extracted claim
   is right when kind, reporter and partner (a mutual pair in either order), bloc and scope,
   period and base, value (number, bound, currency) and rank all agree with a hand label of
   its sentence (:func:`cistrade.claims.evaluate.same_claim`). Also printed: the share of gold
   claims whose countries and year appear within their own paragraph (the ceiling of an
   extractor that carries context only within a paragraph), and the recall on those;
3. the verdicts on the whole corpus, checked against a store built from the shared files
   (``../shared/data``, every file a reader recognises, plus the ECB rates), and their
   **soundness**: a supported, close or contradicted verdict (or the judged part of a
   partial one) is sound when (a) its claim is one the text makes — it equals a gold claim
   of its sentence, so its reporter, partner, flow and period were read right — and (b) the
   flow matches the gold's too, and the verdict's data period is exactly the gold period;
   and (b) the data covers that gold claim, re-derived here from the indicators themselves,
   not from the verifier's flags: the reporter's figures for that exact period have a
   published World total or a complete partner table (for a share, a total, a rate of the
   reporter's trade in all, on both years of a rate), a rank is certain (no partner left out
   could rank above), a bloc's figure covers every member (the publisher's group row, or
   members missing only from a complete table, where they traded nothing), a group's
   supplier ranking has data for every member and the members' own figures for at least
   half, a pair's amount or rate comes from all-goods rows (or from product rows of a
   complete table: an extract of one product is no pair's trade), and a bloc's own trade
   is never judged.

The machine is shared: the times printed are indicative only.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "claims"
SHARED = ROOT.parent / "shared" / "data"

sys.path.insert(0, str(ROOT / "src"))

from cistrade.claims.evaluate import (  # noqa: E402
    Article,
    _by_sentence,
    evaluate,
    evaluate_corpus,
    load_corpus,
    load_labelled,
    same_claim,
)
from cistrade.claims.extract import Extractor  # noqa: E402
from cistrade.claims.model import Claim, ClaimKind  # noqa: E402

SOUND_TOTALS = ("published world total", "sum of partners (complete table)")
#: a bloc's figure made from the publisher's own group row covers every member by definition
GROUP_ROW = "published group row"


def _line(label: str, score: Any, lang: str = "all") -> str:
    return (f"{label:>14} {lang:>3}: recall {score.recall(lang):.3f}  precision "
            f"{score.precision(lang):.3f}  (matched {score.tp[lang]}, extracted "
            f"{score.extracted[lang]}, gold {score.gold[lang]})")


def composed(verbose: bool) -> None:
    for name in ("labelled.yaml", "heldout.yaml"):
        items = load_labelled(DATA / name)
        score = evaluate(items)
        print(_line(name, score))
        if verbose:
            _misses(score)


def _misses(score: Any) -> None:
    for miss in score.misses:
        print(f"\n  [{miss['id']}] {miss['text'][:240]}")
        for m in miss["missed"]:
            print(f"     missed:   {m}")
        for s in miss["spurious"]:
            print(f"     spurious: {s}")


def _in_paragraph(article: Article, index: int, claim: Claim, matcher: Any) -> bool:
    """Whether a gold claim's countries (and year) are named within its own paragraph."""
    from cistrade.claims.text import paragraphs

    s = article.sentences[index]
    para = next(p for p in paragraphs(article.text) if p.start <= s.start < p.end)
    text = article.text[para.start:para.end]
    codes = {m.code for m in matcher.find(text)}
    need = {c for c in (claim.reporter, claim.partner) if c}
    if claim.bloc:
        need.add(f"G:{claim.bloc}")
    year_ok = claim.period is None or article.date is not None or \
        str(claim.period.end.year) in text
    return need <= codes and year_ok


def real(part: str, verbose: bool) -> None:
    from cistrade.claims.entities import matcher

    articles = load_corpus(DATA / "real.yaml", part)
    started = time.perf_counter()
    score = evaluate_corpus(articles)
    elapsed = time.perf_counter() - started
    sentences = sum(len(a.sentences) for a in articles)
    print(f"real corpus, {part}: {len(articles)} articles, {sentences} sentences "
          f"({elapsed * 1000 / max(1, sentences):.1f} ms per sentence)")
    for lang in ("all", "en", "ru"):
        print(_line(f"real {part}", score, lang))
    if score.tp["all"]:
        print(f"{'':>14}      flow right in {score.flow_right}/{score.tp['all']} matched claims")
    m = matcher()
    gold = [(a, i, c) for a in articles for i, s in enumerate(a.sentences) for c in s.gold]
    reach = [(a, i, c) for a, i, c in gold if _in_paragraph(a, i, c, m)]
    found = _found(articles)
    hit = sum(1 for a, i, c in reach if any(same_claim(c, f) for f in found[(a.id, i)]))
    print(f"{'':>14}      named within their paragraph: {len(reach)}/{len(gold)} gold claims "
          f"({len(reach) / max(1, len(gold)):.2f}); recall on those {hit / max(1, len(reach)):.3f}")
    _unknown_periods(articles, found)
    if verbose:
        _misses(score)


def _unknown_periods(articles: list[Article], found: dict[tuple[str, int], list[Claim]]) -> None:
    """Extracted claims whose period the text (within its paragraph) and the document's date
    leave unknown: kept and marked unknown (issue #13 §3: never dropped), never checked
    (§2), and wrong in the strict precision whenever the label knows the period. Printed
    apart, with the precision of the claims whose period was read."""
    gold = {(a.id, i): s.gold for a in articles for i, s in enumerate(a.sentences)}
    unknown = [c for key, cs in found.items() for c in cs if c.period is None]
    dated = [(key, c) for key, cs in found.items() for c in cs if c.period is not None]
    right = sum(1 for key, c in dated if any(same_claim(g, c) for g in gold[key]))
    print(f"{'':>14}      period left unknown in {len(unknown)} extracted claims; precision "
          f"of the {len(dated)} with a period {right / max(1, len(dated)):.3f}")


def _found(articles: list[Article]) -> dict[tuple[str, int], list[Claim]]:
    ex = Extractor()
    out: dict[tuple[str, int], list[Claim]] = {}
    for a in articles:
        grouped = _by_sentence(a, ex.extract(a.text, date=a.date))
        for i in range(len(a.sentences)):
            out[(a.id, i)] = grouped.get(i, [])
    return out


# -- verdicts and their soundness --------------------------------------------------------------


def build_store(path: Path) -> Path:
    """A store of every shared file a reader recognises, plus the ECB rates (once)."""
    if path.exists():
        return path
    from cistrade.errors import InputError
    from cistrade.rates import ingest_rates
    from cistrade.sources import detect
    from cistrade.store import Store

    groups: dict[type, list[Path]] = {}
    for f in sorted(p for p in SHARED.rglob("*") if p.is_file() and not p.name.startswith(".")):
        try:
            groups.setdefault(detect(f), []).append(f)
        except InputError:
            continue
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".building")
    tmp.unlink(missing_ok=True)
    with Store(tmp) as store:
        for cls, paths in groups.items():
            store.ingest(cls(), paths)
        ingest_rates(store, SHARED / "fx" / "eurofxref-hist.zip")
    tmp.replace(path)
    return path


def _totals_sound(ind: Any, eng: Any, reporter: str, period: str, flow: str) -> str | None:
    cov = (ind.share(eng, reporter, period, flow).query.get("coverage") or {}).get(reporter) or {}
    if cov.get("total_basis") not in SOUND_TOTALS:
        return f"{reporter}'s figures for {period} are not its whole trade ({cov.get('total_basis')})"
    return None


def _share_sound(ind: Any, eng: Any, g: Claim, period: str) -> str | None:
    result = ind.share(eng, g.reporter, period, g.flow.value)
    row = next((r for r in result.rows if r["partner"] == g.partner), None)
    cov = (result.query.get("coverage") or {}).get(g.reporter) or {}
    if cov.get("total_basis") not in SOUND_TOTALS:
        return f"{g.reporter}'s figures for {period} are a partial table"
    if g.rank is not None and (row is None or not row.get("rank_certain")):
        return "the rank is not certain from the data"
    return None


def _bloc_sound(ind: Any, eng: Any, g: Claim, period: str) -> str | None:
    result = ind.bloc_share(eng, g.reporter, g.bloc, period, g.flow.value)
    cov = (result.query.get("coverage") or {}).get(g.reporter) or {}
    if cov.get("total_basis") not in SOUND_TOTALS:
        return f"{g.reporter}'s figures for {period} are a partial table"
    if cov.get("method") != GROUP_ROW and cov.get("members_missing") and not cov.get("complete"):
        return (f"members {', '.join(cov['members_missing'])} are missing from a partial "
                "table and no group row is used")
    if g.rank is not None and not cov.get("complete"):
        return "a bloc's rank against countries needs a complete table"
    return None


def _role_sound(ind: Any, eng: Any, g: Claim, period: str) -> str | None:
    result = ind.roles(eng, g.bloc, period, top=None)
    status = [m.get("status") for m in (result.sections or {}).get("members") or []]
    if "none" in status:
        return f"{status.count('none')} of the {g.bloc} members have no data at all"
    if 2 * status.count("reported") < len(status):
        return f"fewer than half of the {g.bloc} members report their own figures"
    return None


def _pair_sound(ind: Any, eng: Any, g: Claim, period: str) -> str | None:
    """A pair's amount or rate: from all-goods rows, or from product rows only when that
    side's table is its whole trade (an extract of one product is no pair's trade). Either
    side's figures may give the pair (the partner's reports of it, for a mirror figure)."""
    from cistrade.errors import CistradeError

    for side in (g.reporter, g.partner):
        try:
            result = ind.share(eng, side, period, g.flow.value)
        except CistradeError:
            continue
        classes = {c for s in result.query.get("selections") or []
                   for c in s.get("product_class") or []}
        cov = (result.query.get("coverage") or {}).get(side) or {}
        if classes - {"TOTAL"} and cov.get("total_basis") not in SOUND_TOTALS:
            return f"{side}'s figures for {period} are summed over the products of an extract"
    return None


def _change_sound(ind: Any, eng: Any, g: Claim, period: str) -> str | None:
    if g.bloc is not None:
        return None
    if g.partner is not None:
        return _pair_sound(ind, eng, g, period)
    from cistrade.model import PeriodRange

    previous = str(g.base or PeriodRange.parse(period).previous_year())
    return (_totals_sound(ind, eng, g.reporter or "", period, g.flow.value)
            or _totals_sound(ind, eng, g.reporter or "", previous, g.flow.value))


def data_covers(ind: Any, eng: Any, g: Claim) -> str | None:
    """None when the data covers the gold claim ``g`` (see the module docstring), else why
    not: re-derived from the indicators, not from any verdict."""
    from cistrade.errors import CistradeError

    if g.period is None or g.scope is not None:
        return "the claim's period is unknown, or it is a bloc's own trade"
    period = str(g.period)
    try:
        if g.kind in (ClaimKind.SHARE, ClaimKind.RANK) and g.bloc is None:
            return _share_sound(ind, eng, g, period)
        if g.kind in (ClaimKind.BLOC_SHARE, ClaimKind.RANK) or (
                g.kind is ClaimKind.VALUE and g.bloc is not None):
            return _bloc_sound(ind, eng, g, period)
        if g.kind in (ClaimKind.GROWTH, ClaimKind.CHANGE):
            return _change_sound(ind, eng, g, period)
        if g.kind is ClaimKind.VALUE and g.partner is None:
            return _totals_sound(ind, eng, g.reporter or "", period, g.flow.value)
        if g.kind is ClaimKind.ROLE:
            return _role_sound(ind, eng, g, period)
        if g.partner is not None:
            return _pair_sound(ind, eng, g, period)
    except CistradeError as exc:
        return f"the indicators give no figure: {str(exc)[:120]}"
    return None


def _unsound(ind: Any, eng: Any, v: Any, claim: Claim, twin: Claim | None) -> str | None:
    """Why a judged verdict is unsound (§2), or None: the claim must be one its sentence
    makes, read with the right flow; the data's period must be the claim's; and the data
    must cover the gold claim (the judged part of a partial verdict: its value)."""
    if twin is None:
        return "the text does not make this claim"
    if twin.flow is not claim.flow:
        return f"the flow was read as {claim.flow.value}, the text says {twin.flow.value}"
    if v.period != str(twin.period):
        return f"judged on {v.period}, the claim is about {twin.period}"
    return data_covers(ind, eng, replace(twin, rank=twin.rank if v.verdict.judged else None))


def verdicts(articles: list[Article], db: Path, verbose: bool) -> None:
    import cistrade.indicators as ind
    from cistrade.claims.verify import Verifier

    eng = ind.connect(db)
    verifier = Verifier(eng)
    counts: Counter[str] = Counter()
    unsound: list[tuple[str, str, str]] = []
    started = time.perf_counter()
    for a in articles:
        grouped = _by_sentence(a, Extractor().extract(a.text, date=a.date))
        for i, claims in grouped.items():
            gold = a.sentences[i].gold if i is not None else []
            for claim in claims:
                v = verifier.verify(claim)
                counts[v.verdict.value] += 1
                judged = v.verdict.judged or bool(v.parts)
                if not judged:
                    continue
                counts["judged"] += 1
                twin = next((g for g in gold if same_claim(g, claim)), None)
                why = _unsound(ind, eng, v, claim, twin)
                if why is None:
                    counts["sound"] += 1
                else:
                    unsound.append((v.verdict.value, claim.describe(), why))
    eng.close()
    elapsed = time.perf_counter() - started
    shown = ", ".join(f"{counts[k]} {k}" for k in ("supported", "close", "contradicted", "partial",
                                                   "unverifiable") if counts[k])
    print(f"verdicts on the whole corpus ({elapsed:.0f} s): {shown}")
    print(f"{'':>14}      judged {counts['judged']}: sound {counts['sound']}, "
          f"unsound {len(unsound)}")
    for verdict, claim, why in unsound if verbose or len(unsound) <= 20 else unsound[:20]:
        print(f"     UNSOUND {verdict}: {claim} — {why}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", "-v", action="store_true", help="list every mismatch")
    parser.add_argument("--part", choices=("dev", "heldout", "both"), default="both")
    parser.add_argument("--no-verdicts", action="store_true", help="skip the verdicts")
    parser.add_argument("--db", type=Path, help="a store built from the shared files")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/cistrade-bench"),
                        help="where the store is built (once) when --db is not given")
    args = parser.parse_args()
    composed(args.verbose)
    parts = ("dev", "heldout") if args.part == "both" else (args.part,)
    for part in parts:
        real(part, args.verbose)
    if not args.no_verdicts:
        if not SHARED.exists():
            print(f"verdicts skipped: no shared data at {SHARED}")
            return
        db = args.db or build_store(args.workdir / "extraction.duckdb")
        verdicts(load_corpus(DATA / "real.yaml"), db, args.verbose)


if __name__ == "__main__":
    main()
