"""Countries and blocs named in a text, by any name, alias, case form or adjective.

:class:`EntityMatcher` indexes every name and alias of the country registry
(:func:`cistrade.reference.countries.registry`: English and Russian names, Russian case
forms, adjectives such as ``Russian``) and of the blocs (:func:`cistrade.reference.blocs.blocs`)
under :func:`~cistrade.reference.names.normalise`, and scans a text for the longest run of
up to six words that is a known name. A bloc mention takes in the words around it that only
say "the countries of" (``стран СНГ``, ``CIS countries``, ``the EAEU member states``).

Names must start with a capital letter or contain an acronym (``стран СНГ``), so common
words that happen to be country names (``того``) do not count. Russian relational
adjectives (``российский экспорт``, ``российско-китайский товарооборот``) are matched by
stem. Spellings the registry lacks are in :data:`TEXT_ALIASES` (candidates for the
registry's own alias table).
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from cistrade.reference.names import normalise

__all__ = ["Mention", "EntityMatcher", "matcher", "TEXT_ALIASES", "CAPITALS"]

#: spellings used in statements that the registry and blocs.toml do not (yet) list
TEXT_ALIASES: dict[str, list[str]] = {
    "G:CIS": ["Commonwealth", "Содружества", "Содружеством", "Содружестве", "Содружеству",
              "Содружества Независимых Государств", "Содружестве Независимых Государств",
              "Содружеством Независимых Государств", "СНГ"],
    "G:EAEU": ["Евразийского экономического союза", "Евразийским экономическим союзом",
               "Евразийском экономическом союзе", "Евразийскому экономическому союзу",
               "the Eurasian Union", "Eurasian Economic Union"],
    "G:EU": ["Евросоюза", "Евросоюзом", "Евросоюзе", "Евросоюзу", "Европейского союза",
             "Европейским союзом", "Европейском союзе", "Европейскому союзу"],
    "USA": ["US"],
    "KOR": ["South Korean", "Korean"],
    "KAZ": ["РК", "Республики Казахстан", "Республика Казахстан"],
    "KGZ": ["КР", "Kyrgyz Republic", "Кыргызской Республикой", "Кыргызской Республики"],
    "UZB": ["РУз"],
    "CHN": ["Celestial Empire", "the Celestial Empire", "Поднебесная", "Поднебесной",
            "Поднебесную"],
    "G:CA5": ["Central Asian nations", "Central Asian states", "Central Asian state",
              "стран Центральной Азии", "странами Центральной Азии", "странах Центральной Азии",
              "страны Центральной Азии", "Central Asia's"],
}

#: capitals, which statements use for their countries ("Moscow and Tashkent", "между
#: Ереваном и Москвой"); a capital in a dateline or after "in"/"в" is a place, not a party
CAPITALS: dict[str, list[str]] = {
    "RUS": ["Moscow", "Москва", "Москвы", "Москве", "Москву", "Москвой"],
    "BLR": ["Minsk", "Минск", "Минска", "Минске", "Минском", "Минску"],
    "KAZ": ["Astana", "Nur-Sultan", "Астана", "Астаны", "Астане", "Астану", "Астаной"],
    "UZB": ["Tashkent", "Ташкент", "Ташкента", "Ташкенте", "Ташкентом", "Ташкенту"],
    "KGZ": ["Bishkek", "Бишкек", "Бишкека", "Бишкеке", "Бишкеком", "Бишкеку"],
    "TJK": ["Dushanbe", "Душанбе"],
    "ARM": ["Yerevan", "Ереван", "Еревана", "Ереване", "Ереваном", "Еревану"],
    "AZE": ["Baku", "Баку"],
    "TKM": ["Ashgabat", "Ашхабад", "Ашхабада", "Ашхабаде", "Ашхабадом"],
    "MDA": ["Chisinau", "Кишинев", "Кишинёв", "Кишинева", "Кишинёва", "Кишиневом"],
    "GEO": ["Tbilisi", "Тбилиси"],
    "CHN": ["Beijing", "Пекин", "Пекина", "Пекине", "Пекином", "Пекину"],
    "TUR": ["Ankara", "Анкара", "Анкары", "Анкарой"],
    "IRN": ["Tehran", "Тегеран", "Тегерана", "Тегераном"],
}

#: stems of Russian relational adjectives (российский, российско-китайский)
RU_ADJECTIVES: dict[str, str] = {
    "российск": "RUS", "казахстанск": "KAZ", "белорусск": "BLR", "армянск": "ARM",
    "узбекистанск": "UZB", "узбекск": "UZB", "кыргызстанск": "KGZ", "кыргызск": "KGZ",
    "киргизск": "KGZ", "таджикистанск": "TJK", "таджикск": "TJK", "туркменск": "TKM",
    "азербайджанск": "AZE", "молдавск": "MDA", "молдовск": "MDA", "украинск": "UKR",
    "грузинск": "GEO", "китайск": "CHN", "турецк": "TUR", "германск": "DEU", "немецк": "DEU",
    "американск": "USA", "индийск": "IND", "иранск": "IRN", "японск": "JPN",
    "южнокорейск": "KOR", "эмиратск": "ARE",
}
_ADJ = re.compile(
    r"(?<!\w)(?P<stem>" + "|".join(sorted(RU_ADJECTIVES, key=len, reverse=True))
    + r")(?:ий|ого|ому|им|ом|ая|ой|ую|ое|ие|их|ими|ые|ым|ых|о(?=-))(?!\w)",
    re.IGNORECASE,
)

#: names that are also common words, never read as a country in running text
_STOP_KEYS = {normalise(w) for w in ("того", "Man", "Chad", "Jordan", "Georgia Tech")}
_KINDS = ("country", "historical", "group")
_TOKEN = re.compile(r"\w+")
_MAX_WORDS = 6
_PREPOSITION = re.compile(r"^(?:со|с|в|во|из|для|на|to|from|with)\s", re.IGNORECASE)
_ARTICLE = {"the", "a", "an"}
_ACRONYM = re.compile(r"\b[A-ZА-ЯЁ]{2,}\b")
_POSSESSIVE = re.compile(r"^(?:['’]s\b|['’](?=\s))")
_BLOC_BEFORE = re.compile(
    r"(?:(?:member\s+)?(?:countries|states|nations)\s+of\s+(?:the\s+)?"
    r"|(?:стран(?:ами|ах|ам|ы)?|государств(?:ами|ах|ам|а)?|государств\w*-(?:член|участник)\w*"
    r"|(?:член|участник)\w*|партн[её]р\w*)\s+)$",
    re.IGNORECASE,
)
_BLOC_AFTER = re.compile(
    r"^[-\s]+(?:member\s+)?(?:countries|states|nations|partners|members|economies"
    r"|member\s+countries)\b|^-(?:стран\w*|государств\w*)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Mention:
    """A country or bloc named in a text.

    ``code`` is the registry code (``RUS``, or a group row code ``G:CIS``); ``bloc`` the
    bloc id when the mention is a bloc; ``usable`` is False for areas no claim can be about
    (continents, "non-CIS countries"). ``possessive``: written ``Russia's``.
    ``virtual`` marks a pronoun (``It``, ``Он``) standing for an earlier mention.
    """

    start: int
    end: int
    code: str
    text: str
    bloc: str | None = None
    usable: bool = True
    possessive: bool = False
    virtual: bool = False
    capital: bool = False  # named by its capital ("Moscow", "Ташкент")

    def moved(self, start: int, end: int, *, virtual: bool = True) -> Mention:
        return replace(self, start=start, end=end, virtual=virtual, possessive=False)


_Name = tuple[str, str, str | None, bool]
#: an abbreviation a text defines right after a name: "(ЦА)", "(SCO)", "( CA )"
_DEFINED = re.compile(r"\s{0,2}\(\s{0,2}(?P<abbr>[A-ZА-ЯЁ]{2,6})\s{0,2}\)")


def _bloc_names() -> tuple[list[_Name], dict[str, str]]:
    """The blocs' names (id, English, Russian, aliases) under their group codes, and the bloc
    id of each group code."""
    from cistrade.reference.blocs import blocs

    names: list[_Name] = []
    group_bloc: dict[str, str] = {}
    for b in blocs():
        code = b.group_code or f"G:{b.id}"
        group_bloc[code] = b.id
        names += [(n, code, b.id, True) for n in (b.id, b.name_en, b.name_ru, *b.aliases)]
    return names, group_bloc


def _area_names(group_bloc: dict[str, str]) -> list[_Name]:
    """The registry's names of countries and groups; a group no bloc stands for is not
    usable as a claim's side."""
    from cistrade.reference.countries import registry

    names: list[_Name] = []
    for area in registry():
        if area.kind not in _KINDS:
            continue
        bloc_id = area.bloc or group_bloc.get(area.code)
        usable = area.kind != "group" or bloc_id is not None
        names += [(n, area.code, bloc_id, usable) for n in area.names]
    return names


class EntityMatcher:
    """Finds country and bloc names in text (see the module docstring)."""

    def __init__(self, names: Iterable[tuple[str, str, str | None, bool]],
                 capitals: dict[str, list[str]] | None = None) -> None:
        self._index: dict[str, tuple[str, str | None, bool, bool]] = {}
        for name, code, bloc_id, usable in names:
            key = normalise(name)
            if _PREPOSITION.match(name):  # publishers' row labels such as "со странами СНГ"
                continue
            if key and key not in _STOP_KEYS:
                self._index.setdefault(key, (code, bloc_id, usable, False))
        for code, spellings in (capitals or {}).items():
            for name in spellings:
                self._index.setdefault(normalise(name), (code, None, True, True))

    @classmethod
    def from_reference(cls) -> EntityMatcher:
        """A matcher over the packaged registry, blocs and :data:`TEXT_ALIASES`."""
        names, group_bloc = _bloc_names()
        names += _area_names(group_bloc)
        for code, aliases in TEXT_ALIASES.items():
            bloc_id = group_bloc.get(code)
            names += [(a, code, bloc_id, True) for a in aliases]
        return cls(names, CAPITALS)

    def with_abbreviations(self, text: str) -> EntityMatcher:
        """This matcher, knowing also the abbreviations ``text`` defines for a name it
        knows ("Центральной Азии (ЦА)", "the Shanghai Cooperation Organisation (SCO)"): a
        name the document gives itself, for the whole document. Itself when there are none."""
        found: dict[str, tuple[str, str | None, bool, bool]] = {}
        mentions = self.find(text)
        for m in mentions:
            a = _DEFINED.match(text, m.end)
            if a is None or normalise(a["abbr"]) in self._index:
                continue
            found[normalise(a["abbr"])] = (m.code, m.bloc, m.usable, False)
        if not found:
            return self
        twin = copy.copy(self)
        twin._index = {**self._index, **found}
        return twin

    def find(self, text: str) -> list[Mention]:
        """Every mention in ``text``, in order, longest names first, without overlaps."""
        tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
        found: list[Mention] = []
        i = 0
        while i < len(tokens):
            hit = self._longest(text, tokens, i)
            if hit is None:
                i += 1
                continue
            j, mention = hit
            found.append(mention)
            i = j + 1
        found += _adjectives(text, found)
        found.sort(key=lambda m: m.start)
        return [_widen(text, m) for m in found]

    def _longest(self, text: str, tokens: list[tuple[int, int]], i: int) -> tuple[int, Mention] | None:
        start = tokens[i][0]
        if text[start].isdigit():
            return None
        for j in range(min(len(tokens), i + _MAX_WORDS) - 1, i - 1, -1):
            end = tokens[j][1]
            if j > i and (not _joinable(text[tokens[i][1]:tokens[j][0]])
                          or text[tokens[j][0]:end].lower() in _ARTICLE
                          or text[start:tokens[i][1]].lower() in _ARTICLE):
                continue
            surface = text[start:end]
            entry = self._index.get(normalise(surface))
            if entry is None or not _capitalised(surface):
                continue
            code, bloc_id, usable, capital = entry
            return j, Mention(start, end, code, surface, bloc_id, usable, capital=capital)
        return None


def _joinable(between: str) -> bool:
    """Words of one name are separated by spaces, hyphens, apostrophes, dots or commas only."""
    return not re.search(r"[^\w\s\-'’.,()&]", between) and "\n" not in between


def _capitalised(surface: str) -> bool:
    return surface[:1].isupper() or bool(_ACRONYM.search(surface))


def _adjectives(text: str, taken: list[Mention]) -> list[Mention]:
    out = []
    for m in _ADJ.finditer(text):
        if any(t.start < m.end() and m.start() < t.end for t in taken):
            continue
        code = RU_ADJECTIVES[m["stem"].lower()]
        out.append(Mention(m.start(), m.end(), code, m.group(0)))
    return out


def _widen(text: str, m: Mention) -> Mention:
    """Take in ``CIS countries``, ``стран СНГ``; mark ``Russia's`` as possessive."""
    start, end = m.start, m.end
    if m.bloc is not None:
        before = _BLOC_BEFORE.search(text[max(0, start - 40):start])
        if before:
            start -= len(before.group(0))
        after = _BLOC_AFTER.match(text[end:end + 40])
        if after:
            end += after.end()
    possessive = bool(_POSSESSIVE.match(text[end:end + 3]))
    return replace(m, start=start, end=end, text=text[start:end], possessive=possessive)


@functools.cache
def matcher() -> EntityMatcher:
    """The matcher over the packaged reference data (built once)."""
    return EntityMatcher.from_reference()
