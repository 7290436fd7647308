"""A product as a text words it ("wheat", "пшеницы", "HS 1001") → the HS codes it stands for,
searched in the publisher's own nomenclature (BACI's ``product_codes_HS22_V202501.csv``, read
by :mod:`cistrade.indicators.strengths.names`); no product name or code is typed into
cistrade, and a product that cannot be resolved is said, never guessed.

The rule (:func:`resolve_product`), on the nomenclature's English descriptions:

1. a code in the text ("HS 1001", "HS code 2709", "HS 52") is that code, at the level its
   length gives (HS2, HS4, HS6) — no nomenclature needed;
2. a Russian product word is first turned into the English search word of
   :data:`RU_SEARCH_WORDS` (a dictionary of search words, not of products: the codes still come
   from the nomenclature);
3. the words are matched, case- and plural-insensitively, against each description cut into
   segments at ``;`` and ``,``. A description *heads* with the words when a segment starts
   with them and the next word, if any, is a connector (``and``, ``or``, ``whether``, ``not``
   …): "Cereals; wheat and meslin, durum wheat, seed" heads with *wheat*, "Wheat gluten; …"
   and "Cereal flours; of wheat or meslin" do not (there wheat qualifies another product).
   The descriptions that head with the words are the product; failing any, those that contain
   every word anywhere;
4. the codes found give the level: all one HS6 code → that code; all in one HS4 heading → the
   heading; all in one HS2 chapter → the chapter (said in the note); spread over several
   chapters → the chapter holding at least :data:`DOMINANT_SHARE` of them, the rest named as set
   aside in the note; else **ambiguous** (the candidates are listed); none → **not found**.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Resolution", "resolve_product", "code_in_text", "search_words", "RU_SEARCH_WORDS",
           "RU_WHOLE_WORDS", "LEVEL_OF_DIGITS"]

#: the HS level a code's number of digits gives
LEVEL_OF_DIGITS = {2: "HS2", 4: "HS4", 6: "HS6"}
#: the share of the matched products one HS2 chapter must hold for the words to be read as
#: that chapter's products when they match in several ("wheat": four HS6 codes of 1001 and
#: "Wheat or meslin flour", 1101: read as 1001, the flour named as set aside)
DOMINANT_SHARE = 2 / 3
#: how many candidate codes an ambiguous product's reason lists
MAX_CANDIDATES = 6
#: words that may follow a product's head word in a description segment without making it a
#: qualifier of another product ("wheat and meslin", "uranium or thorium ores")
_CONNECTORS = frozenset({"and", "or", "whether", "not", "other", "including", "excluding", "in",
                         "n", "nes", "than"})
#: Russian product words (stems, as they start in any case form) → the English word searched
#: in the nomenclature's descriptions; a search word, never a code
RU_SEARCH_WORDS: dict[str, str] = {
    "пшениц": "wheat", "ячмен": "barley", "кукуруз": "maize", "хлоп": "cotton",
    "уран": "uranium", "цинк": "zinc", "алюмини": "aluminium", "никел": "nickel",
    "титан": "titanium", "золот": "gold", "серебр": "silver", "сахар": "sugar", "табак": "tobacco",
    "шерст": "wool", "удобрени": "fertilizers", "ферросплав": "ferro-alloys",
    "картофел": "potatoes", "виноград": "grapes", "томат": "tomatoes", "абрикос": "apricots",
    "изюм": "raisins", "зерн": "cereals",
}
#: short Russian words whose stems start other words (медь / медицина, рис / рисунок): these
#: whole forms only
RU_WHOLE_WORDS: dict[str, str] = {
    **dict.fromkeys(("медь", "меди", "медью"), "copper"),
    **dict.fromkeys(("рис", "риса", "рису", "рисом"), "rice"),
    **dict.fromkeys(("уголь", "угля", "углю", "углем", "углём"), "coal"),
    **dict.fromkeys(("свинец", "свинца", "свинцом"), "lead"),
    **dict.fromkeys(("чай", "чая", "чаем"), "tea"),
}
_CODE = re.compile(r"\bHS(?:\s*code)?\s*[-:]?\s*(?P<code>\d{2}(?:\d{2}){0,2})\b", re.IGNORECASE)
_WORD = re.compile(r"[a-zа-яё0-9]+(?:-[a-zа-яё0-9]+)*", re.IGNORECASE)
_SEGMENTS = re.compile(r"[;,:]")
_SPELLING = {"aluminum": "aluminium", "fertiliser": "fertilizer", "fertilisers": "fertilizers",
             "grain": "cereals", "grains": "cereals"}


@dataclass(frozen=True)
class Resolution:
    """What a product's words resolve to: ``code`` at ``level`` (HS2/HS4/HS6), or None with
    ``reason`` saying why (not found, ambiguous, no nomenclature); ``note`` how it was read."""

    words: str
    code: str | None = None
    level: str | None = None
    name: str | None = None
    note: str = ""
    reason: str | None = None
    candidates: list[str] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.code is not None


def code_in_text(words: str) -> str | None:
    """An HS code written in the product's words ("HS 1001"), else None."""
    m = _CODE.search(words)
    return m["code"] if m else None


def _stem(word: str) -> str:
    w = _SPELLING.get(word.lower(), word.lower())
    if len(w) > 3 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("oes"):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        return w[:-1]
    return w


def _tokens(text: str) -> list[str]:
    return [_stem(w) for w in _WORD.findall(text)]


def search_words(words: str) -> str | None:
    """The English words to search for: the words themselves, a Russian word's search word
    (:data:`RU_SEARCH_WORDS`, the longest stem that starts it), None for an unknown Russian
    word."""
    if not re.search(r"[а-яё]", words, re.IGNORECASE):
        return words
    found = []
    for w in _WORD.findall(words.lower()):
        stems = [s for s in RU_SEARCH_WORDS if w.startswith(s)]
        if w in RU_WHOLE_WORDS:
            found.append(RU_WHOLE_WORDS[w])
        elif stems:
            found.append(RU_SEARCH_WORDS[max(stems, key=len)])
    return " ".join(found) or None


def _heads(query: list[str], description: str) -> bool:
    """Whether a segment of the description starts with the query's words, the next word
    (if any) a connector."""
    n = len(query)
    for segment in _SEGMENTS.split(description):
        toks = _tokens(segment)
        if toks[:n] == query and (len(toks) == n or toks[n] in _CONNECTORS):
            return True
    return False


def _contains(query: list[str], description: str) -> bool:
    return set(query) <= set(_tokens(description))


def _common(codes: list[str]) -> tuple[str, str] | None:
    """The longest of HS6/HS4/HS2 that all codes share: (code, level), None when none."""
    for digits in (6, 4, 2):
        prefixes = {c[:digits] for c in codes}
        if len(prefixes) == 1:
            return prefixes.pop(), LEVEL_OF_DIGITS[digits]
    return None


def _dominant(codes: list[str]) -> tuple[list[str], list[str]]:
    """The codes of the chapter holding at least :data:`DOMINANT_SHARE` of ``codes`` and the
    others; (codes, []) when there is no such chapter."""
    chapters: dict[str, list[str]] = {}
    for c in codes:
        chapters.setdefault(c[:2], []).append(c)
    top = max(chapters.values(), key=len)
    if len(chapters) > 1 and len(top) >= DOMINANT_SHARE * len(codes):
        return top, [c for c in codes if c not in top]
    return codes, []


def _listed(codes: list[str], names: dict[str, str]) -> list[str]:
    return [f"{c} ({names.get(c, '')})" for c in codes[:MAX_CANDIDATES]]


def _matched(query: list[str], names: dict[str, str]) -> tuple[list[str], str]:
    heads = sorted(c for c, d in names.items() if _heads(query, d))
    if heads:
        return heads, "descriptions headed by"
    return sorted(c for c, d in names.items() if _contains(query, d)), "descriptions containing"


def _from_code(words: str, code: str, names: dict[str, str]) -> Resolution:
    name = names.get(code) or None
    return Resolution(words, code, LEVEL_OF_DIGITS[len(code)], name,
                      note=f"HS {code} as the text gives it")


def resolve_product(words: str, names: dict[str, str], source: str = "the nomenclature"
                    ) -> Resolution:
    """The HS code(s) ``words`` stand for in ``names`` (code → description, the publisher's
    nomenclature named ``source``), by the rule of the module docstring."""
    code = code_in_text(words)
    if code is not None:
        return _from_code(words, code, names)
    if not names:
        return Resolution(words, reason=f"no product nomenclature beside the data to find "
                          f"{words!r} in (product names are never typed into cistrade)")
    english = search_words(words)
    if english is None:
        return Resolution(words, reason=f"no English search word for {words!r} (the "
                          "nomenclature's descriptions are English)")
    query = _tokens(english)
    found, how = _matched(query, names)
    if not found:
        return Resolution(words, reason=f"no product of {source} matches {english!r}")
    kept, aside = _dominant(found)
    common = _common(kept)
    if common is None:
        return Resolution(words, reason=f"{english!r} is ambiguous in {source}: {len(found)} "
                          f"products in several HS chapters, e.g. "
                          f"{'; '.join(_listed(found, names))}", candidates=found)
    code, level = common
    note = (f"{english!r} read as HS {code} ({level}): the {len(kept)} {how} it in {source}"
            + ("" if level != "HS2" else f", all in chapter {code}: {'; '.join(_listed(kept, names))}")
            + ("" if not aside else f"; set aside, fewer and in other chapters: "
               f"{'; '.join(_listed(aside, names))}"))
    return Resolution(words, code, level, names.get(code) or None, note=note, candidates=kept)
