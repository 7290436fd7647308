"""Russian trade-claim vocabulary (see :mod:`cistrade.claims.lexicon`)."""

from __future__ import annotations

import re

from cistrade.claims.lexicon import Cue, Lexicon

__all__ = ["LEXICON"]

_I = re.IGNORECASE
_B = r"(?<![\w-])"  # start of a word

TURNOVER = re.compile(
    _B + r"(?:товарооборот\w*|торговл\w+|(?:внешнеторгов|взаимн|торгов|двусторонн)\w*\s+оборот\w*"
    r"|торгов\w+\s+партн[её]р\w*|внешнеторгов\w+\s+операци\w*"
    r"|экспорт\w{0,3}\s+и\s+импорт\w{0,3}|импорт\w{0,3}\s+и\s+экспорт\w{0,3})", _I)
EXPORT = re.compile(_B + r"(?:экспорт(?!ер|ёр)\w*|вывоз\w*)", _I)
IMPORT = re.compile(_B + r"(?:импорт(?!ер|ёр)\w*|ввоз\w*|закупк\w*)", _I)
PARTNER = re.compile(_B + r"партн[её]р\w*", _I)
SUPPLIER = re.compile(_B + r"(?:поставщик\w*|экспорт[её]р\w*)", _I)
MARKET = re.compile(
    _B + r"(?:рын(?:ок|ка|ку|ком|ке|ки|ков|кам|ками)(?!\w)|покупател\w*|потребител\w*"
    r"|импорт[её]р\w*)", _I)
SHARE = re.compile(
    _B + r"(?:дол(?:я|и|ю|е|ей|ею)(?!\w)|удельн\w+\s+вес\w*|приход\w*|пришл\w*|составля\w+\s+(?=\S+\s*%)"
    r"|занима\w+\s+(?=\S+\s*%))", _I)
SHARE_AFTER_NUMBER = re.compile(
    r"^\s*(?:от\s+)?(?:(?:всего|всей|общего|общей|совокупного|внешней|взаимной)\s+)*"
    r"(?:товарооборот|торговл|внешнеторгов|оборот|экспорт|импорт|ввоз|вывоз)", _I)
UP = re.compile(
    _B + r"(?:вырос\w*|увеличи\w*|увеличени\w*|возрос\w*|рост\w*|прирост\w*|подня\w*|повыси\w*"
    r"|повышени\w*|прибави\w*|удвои\w*|утрои\w*|нарасти\w*|нараст\w*|превыси\w*|превыша\w*)", _I)
DOWN = re.compile(
    _B + r"(?:сократи\w*|сокращ\w*|снизи\w*|снижени\w*|уменьши\w*|уменьшени\w*|упал\w*|упад\w*"
    r"|паден\w*|опусти\w*|спад\w*)", _I)
_NOT_PERIOD = r"(?!\s+(?:полугоди|половин|квартал|кварт))"
RANKS: tuple[tuple[re.Pattern[str], int | None], ...] = (
    (re.compile(_B + r"(?:одн\w+\s+из\s+(?:\w+\s+)?(?:крупнейш|ведущ|основн|главн|ключев|важнейш)"
                r"\w*|в\s+числе\s+(?:крупнейш|ведущ|основн)\w*|(?:в|во)\s+(?:пят[её]рк|десятк"
                r"|тройк)\w*)", _I), None),
    (re.compile(_B + r"втор(?:ой|ым|ом|ое|ая|ую|ого|ой)(?!\w)" + _NOT_PERIOD, _I), 2),
    (re.compile(_B + r"трет(?:ий|ьим|ьем|ьём|ье|ья|ьего|ьей|ью)(?!\w)" + _NOT_PERIOD, _I), 3),
    (re.compile(_B + r"четв[её]рт(?:ый|ым|ом|ое|ая|ого)(?!\w)" + _NOT_PERIOD, _I), 4),
    (re.compile(_B + r"пят(?:ый|ым|ом|ое|ого)(?!\w)" + _NOT_PERIOD, _I), 5),
    (re.compile(_B + r"(?:крупнейш\w+|ведущ\w+|главн\w+|основн(?:ой|ым|ого|ом)(?!\w)"
                r"|важнейш\w+|перв\w+\s+мест\w*|перв(?:ый|ым|ом)\s+по\s+\w+)", _I), 1),
)
RANK_ANCHOR = re.compile(
    r"^\s*(?:по\s+(?:величине|значимости|объему|объёму|товарообороту)\s+)?"
    r"(?:после|вслед\s+за|уступая|мест\w*)", _I)
PLURAL_ROLE = re.compile(
    r"^\s*(?:\w+\s+){0,3}?(?:партн[её]р(?:ы|ами|ов|ам|ах)|поставщик(?:и|ами|ов|ам)"
    r"|рынк(?:и|ами|ов|ам))(?!\w)", _I)
SPLIT = re.compile(
    r";|:(?=\s)|,\s+(?=(?:а|но|при\s+этом|причем|причём|тогда\s+как|в\s+то\s+время\s+как|что"
    r"|котор\w+|где|на\s+(?:его|ее|её|их)\s+долю|(?:его|ее|её|их)\s+доля|он|она|оно|они"
    r"|с\s+долей|составив|заняв|(?:экспорт|импорт)\w*\s*(?:[—–-]|\w+\s+(?:на|в|до)))(?!\w))"
    r"|(?P<cond>(?:,|(?<![\s,]))\s+и\s+(?=(?:на|по|в|во|с|стал|заня|явля)|(?-i:[А-ЯЁ])))",
    _I)
PRONOUN = re.compile(
    r"^\W*(?:(?:а|и|но|при\s+этом|кроме\s+того|также)[\s,]+)?(?P<p>он|она|оно|они)(?!\w)", _I)

_IGNORE_BEFORE = re.compile(
    _B + r"(?:после|уступая|вслед\s+за|кроме|помимо|опережая|чем|обогнав\w*|вместо)\s*$", _I)
_TRADE_BEFORE = re.compile(
    r"(?:товарооборот\w*|торговл\w+|оборот\w*|экспорт\w*|импорт\w*|вывоз\w*|ввоз\w*"
    r"|партн[её]р\w*|поставщик\w*|рын(?:ок|ка|ку|ком|ке)|покупател\w*|структур\w+)\s*$", _I)
_EXPORT_NEAR = re.compile(r"(?:экспорт\w*|вывоз\w*|поставк\w*|поставля\w*|отгрузк\w*)"
                          r"(?:\s+\S+){0,3}\s*$", _I)
_SUPPLY_NEAR = re.compile(r"(?:поставщик\w*|экспорт[её]р\w*)(?:\s+\S+){0,3}\s*$", _I)
_SHARE_BEFORE = re.compile(_B + r"(?:дол(?:я|и|ю|е|ей|ею)|удельн\w+\s+вес\w*)\s*$", _I)
_SHARE_VERB_AFTER = re.compile(r"^\s*(?:\S+\s+){0,2}?(?:приход|пришл)", _I)
_TRADE_AFTER = re.compile(
    r"^\s*(?:\w+\s+)?(?:товарооборот|экспорт|импорт|торговл|внешнеторгов|оборот)", _I)


def _cue(before: str, after: str, possessive: bool) -> Cue:
    b = before.rstrip()
    if _IGNORE_BEFORE.search(b):
        return Cue.IGNORE
    found = _cue_by_preposition(b, after)
    if found is not None:
        return found
    if _SHARE_BEFORE.search(b):
        return Cue.PARTNER
    if _TRADE_BEFORE.search(b):
        return Cue.REPORTER
    if b.endswith("-"):  # the second half of российско-китайский
        return Cue.PARTNER
    if re.match(r"^-\w", after) or _TRADE_AFTER.match(after):
        return Cue.REPORTER
    return Cue.SUBJECT


def _cue_by_preposition(b: str, after: str) -> Cue | None:
    if re.search(_B + r"(?:из|от)$", b, _I):  # "экспорт из Армении": Armenia exports
        return Cue.REPORTER if _EXPORT_NEAR.search(b[:-2].rstrip()) else Cue.PARTNER
    if re.search(_B + r"со?$", b, _I):
        return Cue.PARTNER
    if re.search(_B + r"(?:между|для|у)$", b, _I):
        return Cue.REPORTER
    if re.search(_B + r"на$", b, _I) and _SHARE_VERB_AFTER.match(after):
        return Cue.PARTNER  # на Китай пришлось 20%
    if re.search(_B + r"(?:во?|на)$", b, _I):
        head = b[:-2].rstrip()
        if _SUPPLY_NEAR.search(head):
            return Cue.REPORTER
        return Cue.PARTNER if _EXPORT_NEAR.search(head) else Cue.REPORTER
    return None


BLOCKERS = re.compile(
    _B + r"(?:ВВП|инфляци\w*|платеж\w*|платёж\w*|расч[её]т\w*|инвестиц\w*|населени\w*"
    r"|безработиц\w*|ставк\w*|производств\w*|бюджет\w*|долг\w*|резерв\w*|перевод\w*"
    r"|мигрант\w*|мероприяти\w*|цен(?:ы|а|ах|ам)?(?!\w)|зарплат\w*|туррист\w*|турист\w*"
    r"|курс\w*|валют\w*|рубл\w*|экономик\w*|сальдо|профицит\w*|дефицит\w*|баланс\w*)", _I)
_PRODUCTS = (r"зерн\w*|пшениц\w*|нефт\w*|газа|газ(?!\w)|угл\w*|металл\w*|автомобил\w*"
             r"|удобрени\w*|хлоп\w*|золот\w*|электроэнерги\w*|продовольстви\w*|мяс\w*"
             r"|молочн\w*|машин\w*|стал[иь]|алюмини\w*|мед[иь](?!\w)|уран\w*|фрукт\w*|овощ\w*"
             r"|услуг\w*|оружи\w*|лес\w*|рыб\w*|сахар\w*|текстил\w*")
PRODUCT = re.compile(
    _B + r"(?:экспорт\w*|импорт\w*|поставк\w*|вывоз\w*|ввоз\w*|торговл\w*)\s+(?:\w+\s+)?(?:"
    + _PRODUCTS + r")", _I)
SCOPE = re.compile(_B + r"(?:среди|внутри|в\s+рамках)\s*$|среди\s+(?:\S+\s+){0,5}в\s*$", _I)
AFTER_UP = re.compile(r"^\s*(?:больше|выше)(?!\w)", _I)
AFTER_DOWN = re.compile(r"^\s*(?:меньше|ниже)(?!\w)", _I)

MODAL = re.compile(
    _B + r"(?:может|могут|могла|могли|мог\w{0,2}\s+бы|ожида\w*|прогноз\w*|планир\w*|планах"
    r"|намерен\w*|намерева\w*|цел(?:ь|ью|и|ей)|задач\w*|рассчитыва\w*|довести|нарастить"
    r"|увеличить|достичь|достигнуть|выйти|выйдет|будет|будут|составит|превысит|достигнет"
    r"|надеют\w*|надеемся|потенциал\w*|уверен\w*|предполага\w*|должн\w*|сможем|сможет)(?!\w)",
    _I)
CHANGE_NOUN = re.compile(
    _B + r"(?:рост\w*|увеличени\w*|прирост\w*|снижени\w*|сокращени\w*|падени\w*)\s+(?:на\s+)?$",
    _I)
CHANGE_AFTER = re.compile(r"(?<!\s)\s{0,5}(?:больше|меньше)(?!\w)", _I)
WITHIN = re.compile(
    _B + r"(?:взаимн\w*|внутри\w*|в\s+рамках|между\s+(?:государствами|странами)|в\s+пределах"
    r"|внутренн\w*)", _I)
MUTUAL = re.compile(
    _B + r"(?:двусторонн\w*|взаимн\w*|двух\s+стран|наших\s+стран|нашими\s+странами"
    r"|между\s+(?:двумя\s+)?странами|обеих\s+стран|двумя\s+странами)", _I)
PAIR_GAP = re.compile(r"(?<!\s)\s{0,5}(?:и|[-–—])\s{0,5}\Z", _I)
VOLUME = re.compile(
    _B + r"(?:физическ\w*\s+(?:объем|объём|выражени|экспорт|поставк)\w*|физическ\w*\s+"
    r"экспорт\w*|в\s+натуральном\s+выражении|тонн\w*)", _I)
SPEAKER_AFTER = re.compile(r"(?!x)x")  # Russian names the speaker's country after the title
SPEAKER_BEFORE = re.compile(
    _B + r"(?:президент\w{0,3}|премьер\w{0,3}(?:-министр\w{0,3})?|вице-премьер\w{0,3}"
    r"|министр\w{0,3}|министерств\w{0,3}|посл(?:ом|а|у|е)?|посольств\w{0,3}|МИД|МВД|глав\w{0,2}"
    r"|председател\w{0,3}|правительств\w{0,3}|делегаци\w{0,3}|торгпред\w{0,3}|спикер\w{0,3}"
    r"|лидер\w{0,3}|руководств\w{0,3}|власт\w{0,3}|ведомств\w{0,3}|представител\w{0,3}"
    r"|(?:торговый\s+)?представител\w{0,3}|Минэкономразвития|Минфин\w{0,3}|ЦБ|Нацбанк\w{0,3}"
    r"|посол\s+республики|статистик\w{0,3}|агентств\w{0,3}|председательств\w{0,3})"
    r"(?:\s+(?:[А-ЯЁ]\w+\s+){0,3})?\s*(?:в|во)?\s*$", _I)
PLACE_BEFORE = re.compile(_B + r"(?:в|во|из|на)\s+$", _I)

ANAPHOR = re.compile(_B + r"(?:он|она|оно|показател\w{0,3}|объ[её]м\w{0,3}|сумма\s+средств)(?!\w)",
                     _I)

SPEAKER = re.compile(r"(?<!\W)\W{0,5}(?:[^,.;«»]{0,40}?\s)?(?P<p>мы)(?!\w)", _I)
COUNTRY_ANAPHOR = re.compile(_B + r"[Рр]еспублик(?:а|и|е|у|ой)(?!\w)")

#: a bloc named again by its kind: "Союз", "Союза" (capitalised; "Союзное государство" is a name)
#: a figure averaged over several years ("в среднем за 2002–2022 годы", "среднегодовой
#: рост", "в среднем ежегодно"): no one period's figure; group ``years`` as in English
AVERAGE = re.compile(_B + r"(?:(?P<years>среднегодов\w*|в\s+среднем\s+(?:ежегодно|за\s+год"
                     r"|в\s+год))|в\s+среднем)(?!\w)", _I)
BLOC_ANAPHOR = re.compile(r"(?<!\w)Союз(?:а|е|у|ом)?(?!\w)")

RELATIVE = re.compile(r"(?<!\W)\W{0,5}(?:что|который|которая|которое|которые)(?!\w)", _I)
PARTNER_HINT = re.compile(_B + r"(?:между|(?:товарооборот|торговл|оборот|экспорт|импорт)\w*\s+"
                          r"со?\s+(?!миром|остальным\s+миром))(?!\w)", _I)

EXTERNAL = re.compile(_B + r"(?:внешн\w*\s+торговл\w*\s+(?:союза|объединения)|треть\w*\s+стран\w*"
                      r"|вне\s+(?:союза|объединения))", _I)

LEXICON = Lexicon(
    lang="ru", turnover=TURNOVER, export=EXPORT, import_=IMPORT, partner=PARTNER,
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
