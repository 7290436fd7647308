"""English trade-claim vocabulary (see :mod:`cistrade.claims.lexicon`)."""

from __future__ import annotations

import re
from collections.abc import Callable

from cistrade.claims.lexicon import Cue, Lexicon

__all__ = ["LEXICON"]

_I = re.IGNORECASE

TURNOVER = re.compile(
    r"\b(?:trade(?!\s+(?:organi[sz]ation|unions?|ministers?|fair|wars?|barriers?|agreements?"
    r"|policy|mission|representatives?|surplus|deficit|balance|routes?|corridors?|house)\b)"
    r"|trading(?=\s+partners?)|turnover|commerce"
    r"|exports?\s+and\s+imports?|imports?\s+and\s+exports?)\b", _I)  # both flows: all trade
EXPORT = re.compile(r"\b(?:exports?|exported|shipments|sales\s+abroad|deliveries)\b", _I)
IMPORT = re.compile(r"\b(?:imports?|imported|purchases)\b", _I)
PARTNER = re.compile(r"\bpartners?\b", _I)
SUPPLIER = re.compile(r"\b(?:suppliers?|exporters?|sources?\s+of\s+imports|providers?)\b", _I)
MARKET = re.compile(r"\b(?:markets?|destinations?|buyers?|customers?|importers?|outlets?)\b", _I)
SHARE = re.compile(
    r"\b(?:shares?|proportion|accounts?\s+for|accounted\s+for|accounting\s+for|made\s+up"
    r"|makes?\s+up|represent(?:s|ed|ing)?)\b", _I)
SHARE_AFTER_NUMBER = re.compile(r"^\s*of\s+(?!the\s+same\b)(?!(?:19|20)\d\d)", _I)
UP = re.compile(
    r"\b(?:increas\w*|gr[eo]w\w*|rose|ris(?:e|es|en|ing)|climb\w*|jump\w*|surg\w*|expand\w*"
    r"|gain\w*|went\s+up|up|added|advanc\w*|soar\w*|boost\w*|doubled|tripled|trebled"
    r"|quadrupled|higher|rebound\w*)\b", _I)
DOWN = re.compile(
    r"\b(?:decreas\w*|declin\w*|fell|fall\w*|dropp\w*|drops?|shr[aiu]nk\w*|contract\w*|slump\w*"
    r"|plung\w*|down|slid\w*|slipp\w*|slips?|los[te]s?|losing|reduc\w*|dipp\w*|dips?|tumbl\w*"
    r"|halved|lower|eased)\b", _I)
_NOT_PERIOD = r"(?![-\s]+(?:half|quarter|nine|six|three|months?|time)\b)"
RANKS: tuple[tuple[re.Pattern[str], int | None], ...] = (
    (re.compile(r"\b(?:one\s+of\s+(?:the|its|their|\w+['’]s)\s+(?:\w+\s+)?(?:largest|biggest"
                r"|leading|main|major|top|principal|key|most\s+important)"
                r"|among\s+(?:the|its|their)\s+(?:largest|biggest|leading|main|top))\b", _I), None),
    (re.compile(r"\b(?:second|2nd)(?:[-\s]+(?:largest|biggest|most\s+important|leading|main))?\b"
                + _NOT_PERIOD, _I), 2),
    (re.compile(r"\b(?:third|3rd)(?:[-\s]+(?:largest|biggest|most\s+important|leading|main))?\b"
                + _NOT_PERIOD, _I), 3),
    (re.compile(r"\b(?:fourth|4th)(?:[-\s]+(?:largest|biggest|most\s+important|leading|main))?\b"
                + _NOT_PERIOD, _I), 4),
    (re.compile(r"\b(?:fifth|5th)(?:[-\s]+(?:largest|biggest|most\s+important|leading|main))?\b"
                + _NOT_PERIOD, _I), 5),
    (re.compile(r"\b(?:leading|largest|biggest|main|top|principal|primary|chief|foremost"
                r"|number[-\s]one|most\s+important|(?:ranked|ranks|came|placed)\s+first"
                r"|first\s+place)\b" + _NOT_PERIOD, _I), 1),
)
RANK_ANCHOR = re.compile(
    r"^\s*(?:only\s+)?(?:after|behind|following|to)\b|^\s*(?:place|position|spot)\b", _I)
PLURAL_ROLE = re.compile(
    r"^[-\s]{0,5}(?:[\w-]{1,30}\s{1,3}){0,3}?(?:partners|suppliers|markets|destinations|sources)\b",
    _I)
SPLIT = re.compile(
    r";|:(?=\s)|,\s+(?=(?:with|while|whereas|but|making|which|although|though|at\s+the\s+same"
    r"\s+time|when|it|its|accounting|representing)\b|(?:exports?|imports?)\s+(?:by\b|to\b|[—–-]))"
    r"|(?<!\s)\s+(?=(?:while|whereas)\b)"
    r"|(?P<cond>(?:,|(?<![\s,]))\s+and\s+(?=(?:the|a|an|its|was|is|it)\b|(?-i:[A-Z])))", _I)
PRONOUN = re.compile(
    r"^\W*(?:(?:and|but|so|moreover|also|in\s+addition|at\s+the\s+same\s+time)[\s,]+)?"
    r"(?P<p>it|they)\b(?!['’]s)", _I)

_IGNORE_BEFORE = re.compile(
    r"\b(?:after|behind|following|than|only\s+to|besides|except|apart\s+from|ahead\s+of|overtaking"
    r"|overtook|outpacing|surpassing|replacing|displacing|displaced)\s*$", _I)
_ARTICLES = re.compile(r"(?:\s+(?:the|a|an|its|their|all|other|fellow))+\s*$", _I)
_SHARE_NEAR = re.compile(r"\b(?:shares?|proportion)\s+(?:\w+\s+){0,2}$", _I)
_EXPORT_TO = re.compile(
    r"\b(?:exports?|exported|shipments|sales|deliveries|supplies)\b(?:\s+\S+){0,4}\s*$", _I)
_ROLE_TO = re.compile(
    r"\b(?:suppliers?|exporters?|providers?|partners?|markets?)\b(?:\s+\S+){0,3}\s*$", _I)
_IMPORT_TO = re.compile(r"\b(?:imports?|imported|purchases)\b(?:\s+\S+){0,4}\s*$", _I)
_ATTRIBUTIVE = re.compile(
    r"^\s*(?:['’]s?\s+)?(?:(?:foreign|external|total|overall|mutual|bilateral|non-oil|overseas)"
    r"\s+)*(?:trade|exports?|imports?|turnover|shipments|purchases)\b", _I)
_SHARE_AFTER = re.compile(r"^\s*['’]s?\s+(?:\w+\s+){0,2}(?:shares?|proportion)\b", _I)


def _cue(before: str, after: str, possessive: bool) -> Cue:
    b = _ARTICLES.sub(" ", " " + before).rstrip()
    if _IGNORE_BEFORE.search(b):
        return Cue.IGNORE
    if possessive:
        return Cue.PARTNER if _SHARE_AFTER.match(after) else Cue.REPORTER
    return _cue_by_preposition(b) or (
        Cue.REPORTER if _ATTRIBUTIVE.match(after) else Cue.SUBJECT)


def _after_from(head: str) -> Cue:
    """"exports from X to" name the exporter; "imports from X" the partner."""
    return Cue.REPORTER if _EXPORT_TO.search(head) else Cue.PARTNER


def _after_to(head: str) -> Cue:
    """"imports to X" / "supplier to X": the reporter; "exports to X": the partner."""
    if _IMPORT_TO.search(head) or _ROLE_TO.search(head):
        return Cue.REPORTER
    return Cue.PARTNER if _EXPORT_TO.search(head) else Cue.REPORTER


def _after_of(head: str) -> Cue:
    """"the share of X": the partner; "the trade of X": the reporter."""
    return Cue.PARTNER if _SHARE_NEAR.search(head + " ") else Cue.REPORTER


#: the preposition just before a country and the side it gives, from the words before it
_PREPOSITION_CUES: tuple[tuple[re.Pattern[str], Callable[[str], Cue]], ...] = (
    (re.compile(r"\bwith$", _I), lambda head: Cue.PARTNER),
    (re.compile(r"\bfrom$", _I), _after_from),
    (re.compile(r"\bbetween$", _I), lambda head: Cue.REPORTER),
    (re.compile(r"\b(?:to|into)$", _I), _after_to),
    (re.compile(r"\b(?:of|in)$", _I), _after_of),
    (re.compile(r"\b(?:for|among)$", _I), lambda head: Cue.REPORTER),
)


def _cue_by_preposition(b: str) -> Cue | None:
    for pattern, side in _PREPOSITION_CUES:
        m = pattern.search(b)
        if m:
            return side(b[:m.start()].rstrip())
    return None


BLOCKERS = re.compile(
    r"\b(?:GDP|inflation|payments?|settlements?|invest\w*|population|unemployment|interest"
    r"|rates?|production|output|budget|debt|reserves|remittances|migrants?|measures|prices"
    r"|wages|tourists?|students|votes?|turnout|currency|currencies|ruble|rouble|dollar"
    r"|yuan|tenge|economy|economies|surplus|deficit|balance|transport|transit|road|rail\w*"
    r"|containers?|logistics)\b", _I)
_PRODUCTS = (r"wheat|grain|oil|gas|coal|metals?|cars|vehicles|fertili[sz]ers?|cotton|gold"
             r"|electricity|food|meat|dairy|machinery|steel|alumin(?:i)?um|copper|uranium|fruits?"
             r"|vegetables|services|weapons|arms|timber|fish|sugar|textiles")
PRODUCT = re.compile(
    r"\b(?:exports?|imports?|shipments|supplies|sales|trade)\s+(?:of|in)\s+(?:\w+\s+)?(?:"
    + _PRODUCTS + r")\b|\b(?:" + _PRODUCTS + r")\s+(?:exports?|imports?|shipments|trade)\b", _I)
SCOPE = re.compile(r"\b(?:within|among|inside|in)\s+(?:the\s+)?$", _I)
AFTER_UP = re.compile(r"^\s*(?:more|higher|above|up)\b", _I)
AFTER_DOWN = re.compile(r"^\s*(?:less|lower|below|fewer|down)\b", _I)

MODAL = re.compile(
    r"(?-i:\bmay\b)|\b(?:might|could|would|will|shall|should|expect\w*|forecast\w*|projected"
    r"|projections?|target\w*|goals?|aim(?:s|ed|ing)?|plan(?:s|ned|ning)?|intend\w*|hopes?"
    r"|hoped|seek\w*|set\s+to|is\s+to|are\s+to|on\s+track|working\s+on|potential|envisag\w*"
    r"|predict\w*|anticipat\w*|estimated\s+to|bring)\b", _I)
CHANGE_NOUN = re.compile(
    r"\b(?:an?\s+)?(?:increase|decrease|rise|growth|decline|drop|fall|gain|jump|reduction)"
    r"(?:\s+in\s+\w+(?:\s+\w+){0,4}?)?\s+(?:of|by)\s+(?:\w+\s+){0,2}$", _I)
CHANGE_AFTER = re.compile(
    r"(?<!\s)\s{0,5}(?:,\s{0,5})?(?:(?:or|and)\s+\d[\d.,]{0,8}\s*(?:%|percent|per\s+cent)\s+)?"
    r"(?:rise|increase"
    r"|growth|decline|decrease|drop|fall|jump|gain|more|less|higher|lower)\b", _I)
WITHIN = re.compile(
    r"\b(?:mutual|intra\w*|within|among|internal|in\s+the|between\s+(?:the\s+)?(?:\w+\s+){0,3}?"
    r"(?:countries|states|members|nations|economies))\b", _I)
MUTUAL = re.compile(
    r"\b(?:bilateral|mutual|two-way|between\s+(?:the\s+|our\s+|both\s+)?(?:two\s+)?(?:countries"
    r"|states|nations)|the\s+two\s+(?:countries|states|nations|sides)|our\s+(?:two\s+)?countries)\b",
    _I)
PAIR_GAP = re.compile(r"(?<!\s)\s{0,5}(?:and|&|[-–—])\s{0,5}\Z", _I)
VOLUME = re.compile(r"\b(?:in\s+physical\s+terms|physical\s+volume|in\s+volume\s+terms|tons"
                    r"|tonnes)\b", _I)
_TITLES = (r"President|Prime\s+Minister|PM|Premier|Deputy|Minister|Ministry|Ambassador|Embassy"
           r"|government|Government|authorities|officials?|leader|side|delegation|Foreign"
           r"|companies|businesses|investors|capital|counterpart|Chamber|Customs|statistics"
           r"|presidency|chairmanship|EAEU\s+presidency"
           r"|State\s+Statistics|National\s+Statist\w*|media|Central\s+Bank|National\s+Bank")
SPEAKER_AFTER = re.compile(r"(?<!\s)['’]?s?\s{1,5}(?:(?:First|Vice|Deputy|Acting)[\s-]+)?(?:"
                           + _TITLES + r")\b")
SPEAKER_BEFORE = re.compile(
    r"\b(?:Ambassador|Embassy|envoy|representative|Trade\s+Representative|Minister)"
    r"(?:\s+of\s+(?:the\s+)?\S+(?:\s+Federation)?)?\s+(?:to|in)\s+(?:the\s+)?$"
    r"|\b(?:Ambassador|Embassy|President|Prime\s+Minister|Minister|Ministry|government"
    r"|Commission|Committee|Agency|Office|Bureau|Service|Chamber|Bank|Council|Parliament)\s+of\s+"
    r"(?:the\s+)?$")
PLACE_BEFORE = re.compile(r"\b(?:in|at|from|to|visit\w*|arrived\s+in)\s+$", _I)

ANAPHOR = re.compile(r"\b(?:it|this\s+figure|the\s+figure|this\s+indicator|the\s+volume"
                     r"|this\s+volume|the\s+trade\s+volume)\b", _I)

SPEAKER = re.compile(r"(?<!\W)\W{0,5}(?:[^,.;]{0,40}?,\s{0,5})?(?P<p>we)\b", _I)
COUNTRY_ANAPHOR = re.compile(r"\bthe\s+(?:country|nation|republic)(?P<s>['’]s)?\b", _I)

#: a bloc named again by its kind ("the Union's mutual trade", "the bloc"); not "the Union State"
#: a figure averaged over several years ("on average over 2002-2022 it accounted for 24%",
#: "average annual growth of 5%", "up by an average of 20% annually") is no one period's
#: figure; group ``years`` marks the words that say so themselves (else a span of years must)
AVERAGE = re.compile(r"(?P<years>\baverage\s+(?:annual|yearly)|\bannual\s+average"
                     r"|\baverag\w*(?:\s+\S+){1,4}?\s+(?:annually|a\s+year|per\s+year|each\s+year))\b"
                     r"|\b(?:on|at|in)\s+(?:the\s+)?average\b|\baverag(?:e|ed|ing)\s+(?:of|over|for"
                     r"|between)\b", _I)
BLOC_ANAPHOR = re.compile(r"\bthe\s+(?:Union(?!\s+State)|[Bb]loc)(?P<s>['’]s)?\b")

RELATIVE = re.compile(r"(?<!\W)\W{0,5}(?:which|that)\b", _I)
PARTNER_HINT = re.compile(r"\bbetween\b|\b(?:trade|turnover|exports?|imports?)\s+with\s+(?!the"
                          r"\s+(?:outside\s+)?world\b)", _I)

EXTERNAL = re.compile(r"\b(?:external|extra-\w+|third\s+countries|outside\s+the\s+(?:bloc|union))\b",
                      _I)

LEXICON = Lexicon(
    lang="en", turnover=TURNOVER, export=EXPORT, import_=IMPORT, partner=PARTNER,
    supplier=SUPPLIER, market=MARKET, share=SHARE, share_after_number=SHARE_AFTER_NUMBER,
    up=UP, down=DOWN, ranks=RANKS, rank_anchor=RANK_ANCHOR, plural_role=PLURAL_ROLE, split=SPLIT,
    pronoun=PRONOUN,
    cue=_cue, blockers=BLOCKERS, product=PRODUCT, scope=SCOPE, after_up=AFTER_UP,
    after_down=AFTER_DOWN, modal=MODAL, change_noun=CHANGE_NOUN, change_after=CHANGE_AFTER,
    within=WITHIN, mutual=MUTUAL, pair_gap=PAIR_GAP, volume=VOLUME,
    speaker_after=SPEAKER_AFTER, speaker_before=SPEAKER_BEFORE, place_before=PLACE_BEFORE,
    anaphor=ANAPHOR, speaker=SPEAKER, country_anaphor=COUNTRY_ANAPHOR, relative=RELATIVE,
    partner_hint=PARTNER_HINT, external=EXTERNAL, bloc_anaphor=BLOC_ANAPHOR,
    average=AVERAGE,
)
