"""UN Comtrade's numeric area codes (also used, almost unchanged, by CEPII's BACI).

The registry (:mod:`cistrade.reference.countries`) holds one Comtrade code per area. Comtrade
also uses codes the registry cannot hold as an area's one code: variant territories whose
figures belong to a current area (280 the Federal Republic of Germany until 1990, which ISO
continues as DEU; 841 USA with Puerto Rico; 757/756 and 842/840 old and new codes …) and
regional "n.e.s." residuals (577 "Other Africa, nes", 568 "Other Europe, nes" …),
which all read as the pseudo-area ``XNS``. They come from Comtrade's partner reference list
(``partnerAreas``: code, ISO alpha-3 and name); :data:`EXTRA` lists them. Former areas
whose territory no current area has (58 Belgium-Luxembourg until 1998, 711 the Southern
African Customs Union until 1999, 736 Sudan until 2011 …) are areas of the registry itself,
kind ``historical``, with Comtrade's code.

:func:`resolve` turns a code (with the publisher's ISO field and name when it has them) into
a registry code: Comtrade's code first (it is what the publisher keys on), then the extras,
then the ISO alpha-3 field when it is a registry country, then a name ending in "nes".
"""

from __future__ import annotations

import functools
import re
from datetime import date

from cistrade.errors import UnknownCountry
from cistrade.reference.countries import registry

__all__ = ["EXTRA", "NES_CODES", "resolve", "comtrade_iso"]

#: Comtrade codes of former/variant territories, read as the current area they belong to
EXTRA: dict[int, str] = {
    250: "FRA",  # Metropolitan France
    280: "DEU",  # Fed. Rep. of Germany (...1990)
    356: "IND",  # India (...1974)
    532: "ANT",  # Netherlands Antilles and Aruba (...1985)
    578: "NOR",  # Norway, excluding Svalbard and Jan Mayen
    590: "PAN",  # Panama, excl. Canal Zone (...1977)
    658: "KNA",  # Saint Kitts, Nevis and Anguilla (...1980)
    756: "CHE",  # Switzerland (Comtrade's current code is 757)
    840: "USA",  # United States (Comtrade's current code is 842)
    841: "USA",  # USA and Puerto Rico (...1980)
    868: "VNM",  # Rep. of Vietnam (...1974)
    886: "YEM",  # Arab Rep. of Yemen (...1990)
}

#: Comtrade's regional "not elsewhere specified" areas: all read as XNS (areas n.e.s.)
NES_CODES: frozenset[int] = frozenset(
    {129, 221, 290, 471, 472, 473, 527, 568, 577, 636, 637, 697, 879, 899}
)

_NES_NAME = re.compile(r"\bn\.?e\.?s\.?\b|not elsewhere specified", re.IGNORECASE)
#: Comtrade's ISO field for World and pseudo areas is not ISO: W00 World, _X areas nes …
_WORLD_ISO = {"W00", "WLD", "WORLD"}


def comtrade_iso(iso: str | None) -> str | None:
    """The area an ISO field names when it is a real ISO alpha-3 of a registry country
    (or W00 for the World); None for Comtrade's pseudo-ISO codes (_X, X2, R91, S19 …)."""
    text = (iso or "").strip().upper()
    if text in _WORLD_ISO:
        return "WLD"
    if len(text) != 3 or not text.isalpha():
        return None
    reg = registry()
    if text in reg and reg.get(text).is_country:
        return text
    return None


@functools.lru_cache(maxsize=4096)
def resolve(code: int | str | None, iso: str | None = None, name: str | None = None,
            on: date | None = None) -> str:
    """The registry code for a Comtrade/BACI area code; raises :class:`UnknownCountry`."""
    reg = registry()
    text = "" if code is None else str(code).strip()
    number = int(text) if text.lstrip("-").isdigit() else None
    if number is not None:
        try:
            return reg.lookup(str(number), scheme="comtrade", on=on).code
        except UnknownCountry:
            pass
        if number in EXTRA:
            return EXTRA[number]
        if number in NES_CODES:
            return "XNS"
    by_iso = comtrade_iso(iso)
    if by_iso:
        return by_iso
    if name and _NES_NAME.search(name):
        return "XNS"
    label = f"{text} ({name})" if name else text or str(iso)
    raise UnknownCountry(f"Comtrade/BACI area code {label}", reg.suggest(name or text, limit=3))
