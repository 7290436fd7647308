"""Text → claims about strengths: a country's comparative advantage in a product, and one
side's exports complementing another's imports (English and Russian).

Named rules (:data:`RULES`), each a pattern of one language and the claim kind it makes:

``advantage_en`` / ``advantage_ru``
    "has a (strong, revealed) comparative advantage in [the export of] wheat", "Kazakhstan's
    comparative advantage in uranium", "обладает сравнительным преимуществом в экспорте
    пшеницы", "сравнительные преимущества … в производстве хлопка"; "no comparative
    advantage", "lacks", "не обладает", "нет" make the claim that it has none (RCA < 1);
``specialises_en`` / ``specialises_ru``
    "Uzbekistan specialises in cotton", "специализируется на экспорте меди": read as a
    comparative advantage, only with the country right before the verb (a company
    "specialising in logistics" is no country);
``complement_en`` / ``complement_ru``
    "Kazakhstan's exports complement Russia's imports", "the economies of Armenia and Georgia
    are complementary", "взаимодополняемость экономик России и Казахстана", "экспорт
    Казахстана дополняет импорт России": two countries (or a country and a bloc) and a word
    of trade; with "more/better than (with) China" / "больше, чем с Китаем" a comparison
    (``versus``). The exporter is the country nearest the export word and the importer the
    one nearest the import word; without both words the claim is about the pair
    (``mutual``: both directions).

The product is kept as the text words it (``Claim.product``): it is resolved to HS codes
through the publisher's nomenclature only when the claim is checked
(:mod:`cistrade.claims.products`). Forecasts and wishes ("could complement", "может
дополнить") and negated complementarity make no claims.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cistrade.claims.entities import Mention
from cistrade.claims.lexicons import lexicon
from cistrade.claims.model import Bound, Claim, ClaimKind, Stated

__all__ = ["Rule", "RULES", "strength_claims", "ADVANTAGE_UNIT", "COMPARISON_UNIT",
           "advantage_stated", "comparison_stated"]

_I = re.IGNORECASE
#: the unit of an advantage claim's stated value: RCA, against Balassa's threshold 1
ADVANTAGE_UNIT = "RCA"
#: the unit of a comparison's stated value: complementarity points (0–100), the difference
#: of the index with the partner and with the other side
COMPARISON_UNIT = "index points"
#: how far before the rule's words the country may stand (characters)
SUBJECT_GAP = 80
#: … for "specialises in", which companies do too: a few words, no comma
CLOSE_GAP = 25
#: how far before a cue a negation or a modal word counts (characters)
LOOK_BACK = 40

_STOP_EN = (r"(?:and|or|while|but|which|that|than|compared|thanks|due|owing|because|as|on|to"
            r"|with|for|in|since|over|among|relative|at|by|from|during|of|is|are|was|were|has"
            r"|have|its|their|the|a|an|amid|despite|after|before|where|when)")
_PRODUCT_EN = (r"(?P<product>HS\s*(?:code\s*)?\d{2,6}\b|[^\W\d_][\w\-]*(?:\s+(?:(?:and|or)\s+)?(?!"
               + _STOP_EN + r"\b)[^\W\d_][\w\-]*){0,3})")
_WHAT_EN = (r"(?:the\s+)?(?:(?:production|export|exports|sale|sales|supply|supplies|trade)"
            r"(?:\s+and\s+(?:export|exports|processing))?\s+(?:of|in)\s+|exporting\s+"
            r"|producing\s+)?(?:the\s+)?")
_STOP_RU = (r"(?:и|или|а|но|что|котор\w*|в|во|на|с|со|по|для|из|за|к|от|до|при|чем|благодаря"
            r"|так|как|также|является|был\w*|есть|его|её|их|среди)")
#: a Russian product: a noun in the genitive, after an adjective or two ("минеральных
#: удобрений", "хлопка-сырца"); a verb after it is not the product's
_ADJ_RU = r"[а-яё\-]+(?:ых|их|ой|ого|его|ей|ые|ие|ое|ая|яя)"
_PRODUCT_RU = (r"(?P<product>(?:" + _ADJ_RU + r"\s+){0,2}(?!" + _STOP_RU
               + r"\b)[а-яё][а-яё\-]*)")
_WHAT_RU = r"(?:(?:экспорте|производстве|выпуске|поставках|торговле|сфере|области)\s+)?"

ADVANTAGE_EN = re.compile(
    r"\b(?:(?i:(?:revealed\s+)?comparative\s+advantages?)|RCA)\s+(?i:(?:of|for)\s+(?:the\s+)?)?"
    r"(?:[A-Z][\w\-]*\s+){0,3}(?i:in|for)\s+(?i:" + _WHAT_EN + _PRODUCT_EN + ")")
SPECIALISES_EN = re.compile(
    r"\bspeciali[sz](?:es|ed|ing|e)\s+in\s+" + _WHAT_EN + _PRODUCT_EN, _I)
ADVANTAGE_RU = re.compile(
    r"сравнительн\w+\s+преимуществ\w*\s+(?:[А-ЯЁ][\w\-]*\s+){0,3}(?:в|по)\s+" + _WHAT_RU
    + _PRODUCT_RU, _I)
SPECIALISES_RU = re.compile(r"специализир\w+\s+на\s+" + _WHAT_RU + _PRODUCT_RU, _I)
COMPLEMENT_EN = re.compile(
    r"\bcomplement(?:s|ed|ing)?\b(?!\s+by\b)|\bcomplementar(?:y|ity)\b", _I)
COMPLEMENT_RU = re.compile(r"взаимодополня\w*|\bдополня(?:ет|ют|ли|ла|л|ющ\w*)\b"
                           r"|комплементарн\w*", _I)
NEGATION_EN = re.compile(r"\b(?:no|not|lacks?|lacked|lacking|without|never|n['’]t|little)\b"
                         r"[\w\s,]*$", _I)
NEGATION_RU = re.compile(r"(?:\bне\b|\bнет\b|отсутств\w*|лишен\w*)[\w\s,]*$", _I)
MODAL_EN = re.compile(r"\b(?:could|would|will|may|might|can|should|to|potential(?:ly)?"
                      r"|expected|likely|help)\b[\w\s,']*$", _I)
MODAL_RU = re.compile(r"(?:\bмо(?:жет|гут|гли|гла|г)\b|\bбуд(?:ет|ут)\b|\bбы\b|потенциал\w*"
                      r"|должн\w*)[\w\s,]*$", _I)
TRADE_EN = re.compile(r"\b(?:exports?|imports?|trade|economies|economy|economic|markets?)\b", _I)
TRADE_RU = re.compile(r"экспорт|импорт|торгов|экономик|товарооборот|рын(?:ок|ка|ки)", _I)
MORE_EN = re.compile(r"\b(?:more|better|greater|higher|stronger|closer|further)\b[^.;]{0,40}?"
                     r"\bthan\b[^.;]{0,20}?$", _I)
LESS_EN = re.compile(r"\b(?:less|worse|lower|weaker|smaller)\b[^.;]{0,40}?\bthan\b[^.;]{0,20}?$", _I)
MORE_RU = re.compile(r"(?:больше|лучше|выше|сильнее|теснее|в\s+большей\s+степени)[^.;]{0,40}?"
                     r"чем[^.;]{0,20}?$", _I)
LESS_RU = re.compile(r"(?:меньше|хуже|ниже|слабее|в\s+меньшей\s+степени)[^.;]{0,40}?чем"
                     r"[^.;]{0,20}?$", _I)
#: a country after a preposition is a place or an object ("a company in Kazakhstan
#: specialises in …"), not the subject of the rule's words
_PLACE_BEFORE = re.compile(r"\b(?:in|at|from|to|for|with|by|into|across|в|во|из|на|с|со|для|к)"
                           r"\s+(?:the\s+)?$", _I)
_CLOSE_SUBJECT = re.compile(r"^(?:['’]s?)?\s*(?:[\w\-]+\s+){0,2}$")
_HS_AFTER = re.compile(r"^\s*\(\s*(?P<hs>HS\s*(?:code\s*)?\d{2,6})\s*\)", _I)
_ARTICLE = re.compile(r"^(?:the|a|an)\s+", _I)
#: words that name no product ("a number of sectors", "many goods", "ряде отраслей"): the
#: text gives no product, so there is no claim to check
VAGUE = re.compile(
    r"^(?:number|range|variety|host|lot|few|many|several|various|some|certain|these|those"
    r"|such|other|most|all|its|their|his|her|our|which|what|this|that|sectors?|industr\w*"
    r"|areas?|fields?|goods|products?|commodit\w*|items?|ряд\w*|многи\w*|некотор\w*"
    r"|различн\w*|отдельн\w*|отрасл\w*|сфер\w*|товар\w*|продукц\w*|эт\w*|т\w*х)\b", _I)
_TRAILING = re.compile(r"\s+(?:and|or|и|или)$", _I)


@dataclass(frozen=True)
class Rule:
    """One named extraction rule: its language, claim kind, pattern and how close the
    country must stand before it (characters; None: anywhere in the sentence)."""

    name: str
    lang: str
    kind: ClaimKind
    pattern: re.Pattern[str]
    gap: int | None = SUBJECT_GAP


RULES: tuple[Rule, ...] = (
    Rule("advantage_en", "en", ClaimKind.ADVANTAGE, ADVANTAGE_EN),
    Rule("specialises_en", "en", ClaimKind.ADVANTAGE, SPECIALISES_EN, CLOSE_GAP),
    Rule("complement_en", "en", ClaimKind.COMPLEMENTARITY, COMPLEMENT_EN, None),
    Rule("advantage_ru", "ru", ClaimKind.ADVANTAGE, ADVANTAGE_RU),
    Rule("specialises_ru", "ru", ClaimKind.ADVANTAGE, SPECIALISES_RU, CLOSE_GAP),
    Rule("complement_ru", "ru", ClaimKind.COMPLEMENTARITY, COMPLEMENT_RU, None),
)

_NEGATION = {"en": NEGATION_EN, "ru": NEGATION_RU}
_MODAL = {"en": MODAL_EN, "ru": MODAL_RU}
_TRADE = {"en": TRADE_EN, "ru": TRADE_RU}
_MORE = {"en": (MORE_EN, LESS_EN), "ru": (MORE_RU, LESS_RU)}


def advantage_stated(negated: bool, text: str = "") -> Stated:
    """What an advantage claim states: RCA ≥ 1 ("has"), or RCA < 1 ("has none")."""
    bound = Bound.UNDER if negated else Bound.AT_LEAST
    return Stated(1.0, None if negated else 1.0, 1.0 if negated else None, bound,
                  text or ("no comparative advantage" if negated else "comparative advantage"),
                  unit=ADVANTAGE_UNIT)


def comparison_stated(more: bool, text: str = "") -> Stated:
    """What a comparison states: the index with the partner minus that with the other
    side is > 0 ("more than") or < 0 ("less than")."""
    return Stated(0.0, 0.0 if more else None, None if more else 0.0,
                  Bound.OVER if more else Bound.UNDER, text or ("more than" if more else
                                                               "less than"),
                  unit=COMPARISON_UNIT)


def _window(text: str, end: int) -> str:
    return text[max(0, end - LOOK_BACK):end]


def _negated(text: str, start: int, lang: str) -> bool:
    return bool(_NEGATION[lang].search(_window(text, start)))


def _reporter(mentions: Sequence[Mention], text: str, start: int, gap: int | None,
              fallback: Mention | None) -> Mention | None:
    """The country the rule's words are about: the last named before them (within ``gap``;
    "for CLOSE_GAP" rules only a couple of words before), else a possessive or "of X" inside
    the match, else ``fallback`` (the paragraph's country, for "It has …")."""
    before = [m for m in mentions if m.end <= start]
    if before and gap is not None and start - before[-1].end <= gap:
        m = before[-1]
        if _PLACE_BEFORE.search(text[max(0, m.start - LOOK_BACK):m.start]):
            return None
        if gap > CLOSE_GAP or _CLOSE_SUBJECT.match(text[m.end:start]):
            return m
        return None
    return None if before else fallback


def _product(m: re.Match[str], text: str, mentions: Sequence[Mention]) -> str | None:
    """The product's words (cut before a country named in them: "wheat and Uzbekistan …"),
    with an HS code in brackets after them; None when they name no product."""
    start, end = m.span("product")
    end = min([x.start for x in mentions if start <= x.start < end] + [end])
    words = _TRAILING.sub("", _ARTICLE.sub("", text[start:end].strip()))
    if not words or VAGUE.match(words):
        return None
    hs = _HS_AFTER.match(text[m.end():]) if end == m.end("product") else None
    return f"{words} ({hs['hs']})" if hs else words


def _advantage(rule: Rule, m: re.Match[str], text: str, mentions: Sequence[Mention],
               fallback: Mention | None) -> Claim | None:
    inside = [x for x in mentions if m.start() <= x.start < m.end()]
    who = _reporter(mentions, text, m.start(), rule.gap, fallback)
    who = who or next(iter(inside), None)
    if who is None or who.bloc is not None or not who.usable:
        return None
    product = _product(m, text, mentions)
    if product is None:
        return None
    negated = _negated(text, m.start(), rule.lang)
    return Claim(ClaimKind.ADVANTAGE, who.code, product=product, stated=advantage_stated(negated))


def _versus(text: str, mentions: Sequence[Mention], lang: str
            ) -> tuple[Mention | None, Stated | None]:
    """The other side of a comparison ("more than with China") and what it states."""
    more, less = _MORE[lang]
    for x in mentions:
        head = text[:x.start]
        for pattern, is_more in ((more, True), (less, False)):
            found = pattern.search(head)
            if found:
                return x, comparison_stated(is_more, found.group(0).strip())
    return None, None


def _sides(text: str, pair: Sequence[Mention], lang: str) -> tuple[Mention, Mention, bool]:
    """(exporter, importer, mutual): the mention nearest the export word exports, the one
    nearest the import word imports; without both words, the pair in the text's order."""
    lex = lexicon(lang)
    ex = [w.start() for w in lex.export.finditer(text)]
    im = [w.start() for w in lex.import_.finditer(text)]
    a, b = pair[0], pair[1]
    if not ex or not im:
        return a, b, True

    def near(m: Mention, spots: list[int]) -> int:
        return min(abs(m.start - s) for s in spots)

    if near(a, ex) + near(b, im) <= near(b, ex) + near(a, im):
        return a, b, False
    return b, a, False


def _asserted(m: re.Match[str], text: str, lang: str) -> bool:
    """A statement of fact about trade: not negated, no forecast or wish, trade words."""
    before = _window(text, m.start())
    return not (_negated(text, m.start(), lang) or _MODAL[lang].search(before)) \
        and bool(_TRADE[lang].search(text))


def _pair_of(mentions: Sequence[Mention], versus: Mention | None) -> list[Mention]:
    """The two sides: the usable mentions other than the comparison's, one per code."""
    pair = [x for x in mentions if x.usable and (versus is None or x.code != versus.code)]
    return list({x.code: x for x in pair}.values())


def _complement(rule: Rule, m: re.Match[str], text: str, mentions: Sequence[Mention],
                fallback: Mention | None) -> Claim | None:
    if not _asserted(m, text, rule.lang):
        return None
    versus, stated = _versus(text, mentions, rule.lang)
    pair = _pair_of(mentions, versus)
    if len(pair) != 2:
        return None
    ex, im, mutual = _sides(text, pair, rule.lang)
    other = None if versus is None else (versus.bloc or versus.code)
    if ex.bloc is not None or (other is not None and other in (ex.code, im.code, im.bloc)):
        return None
    return Claim(ClaimKind.COMPLEMENTARITY, ex.code, None if im.bloc else im.code, im.bloc,
                 stated=stated, mutual=mutual, versus=other)


_MAKERS: dict[ClaimKind, Callable[..., Claim | None]] = {
    ClaimKind.ADVANTAGE: _advantage, ClaimKind.COMPLEMENTARITY: _complement}


def strength_claims(text: str, lang: str, mentions: Sequence[Mention],
                    fallback: Mention | None = None) -> list[Claim]:
    """The strengths claims of one sentence (``text``; ``mentions``: its countries and
    blocs, offsets in ``text``; ``fallback``: the paragraph's country for a sentence naming
    none), one per rule match; each claim's notes name its rule."""
    found: list[Claim] = []
    mentions = sorted(mentions, key=lambda x: x.start)
    for rule in RULES:
        if rule.lang != lang:
            continue
        for m in rule.pattern.finditer(text):
            claim = _MAKERS[rule.kind](rule, m, text, mentions, fallback)
            if claim is not None and claim.key() not in {c.key() for c in found}:
                claim.notes.append(f"rule {rule.name}")
                found.append(claim)
    return found
