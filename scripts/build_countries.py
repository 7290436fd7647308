#!/usr/bin/env python3
"""Build ``src/cistrade/reference/countries.tsv``, the area registry's data file.

Inputs: pycountry (ISO 3166 codes, English names and their Russian translations), the UN M49
overview table (``../shared/data/reference/unsd_m49_overview.csv``: M49 numbers and UN
names), the tables below (readable names, Comtrade codes, dates, historical, pseudo and
group areas) and ``src/cistrade/reference/aliases.tsv`` (``code<TAB>alias<TAB>source``, the
hand-written and derived spellings). Russian case forms of one-word country names
(``России``, ``Китаем``) are generated; a form that would name two areas is dropped.

    python scripts/build_countries.py              # build, check, write countries.tsv
    python scripts/build_countries.py --derive     # first add to aliases.tsv every name in
                                                   # the shared publishers' files that does
                                                   # not resolve but carries a code
    python scripts/build_countries.py --check      # only report shared-file names that fail

The build refuses to write when a name would resolve to two overlapping areas.
"""

from __future__ import annotations

import argparse
import csv
import gettext
import sys
import unicodedata
from datetime import date
from pathlib import Path

import pycountry

from cistrade.errors import UnknownCountry
from cistrade.reference.countries import ALIAS_SEP, COLUMNS, Area, Registry
from cistrade.reference.names import normalise

ROOT = Path(__file__).resolve().parents[1]
REF = ROOT / "src" / "cistrade" / "reference"
SHARED = ROOT.parent / "shared" / "data"
M49_FILE = SHARED / "reference" / "unsd_m49_overview.csv"
KZ_FILE = SHARED / "reference" / "kz_bns_partner_names_ru.csv"

NAME_EN = {
    "RUS": "Russia", "MDA": "Moldova", "IRN": "Iran", "KOR": "South Korea", "PRK": "North Korea",
    "VNM": "Vietnam", "SYR": "Syria", "LAO": "Laos", "TZA": "Tanzania", "BOL": "Bolivia",
    "VEN": "Venezuela", "TWN": "Taiwan", "PSE": "Palestine", "VAT": "Vatican",
    "FSM": "Micronesia", "COD": "DR Congo", "BRN": "Brunei", "FLK": "Falkland Islands",
    "VGB": "British Virgin Islands", "VIR": "US Virgin Islands", "SHN": "Saint Helena",
    "USA": "United States", "GBR": "United Kingdom", "BES": "Bonaire, Sint Eustatius and Saba",
}
NAME_RU = {
    "RUS": "Россия", "USA": "США", "GBR": "Великобритания", "MDA": "Молдова",
    "PRK": "КНДР", "TWN": "Тайвань", "VAT": "Ватикан", "VEN": "Венесуэла", "BOL": "Боливия",
    "FSM": "Микронезия", "LAO": "Лаос", "SYR": "Сирия", "KGZ": "Киргизия",
    "HKG": "Гонконг", "MAC": "Макао", "IRN": "Иран", "TZA": "Танзания", "PSE": "Палестина",
    "COD": "ДР Конго", "ARE": "ОАЭ", "KOR": "Республика Корея", "SHN": "Остров Святой Елены",
    "UMI": "Внешние малые острова США", "CAF": "Центральноафриканская Республика",
    "DOM": "Доминиканская Республика", "MNP": "Северные Марианские острова",
    "WLF": "Уоллис и Футуна", "TCA": "Теркс и Кайкос", "VGB": "Британские Виргинские острова",
    "BRN": "Бруней", "AIA": "Ангилья", "ASM": "Американское Самоа", "MYT": "Майотта",
    "IOT": "Британская территория в Индийском океане", "PNG": "Папуа — Новая Гвинея",
}
# Comtrade's own codes; Monaco has none (Comtrade's France, 251, includes it, and 492 is
# Comtrade's "Europe EU, nes", here XEU)
COMTRADE = {"USA": 842, "FRA": 251, "IND": 699, "CHE": 757, "NOR": 579, "TWN": 490, "MCO": None}
_EX_USSR = "ARM AZE BLR GEO KAZ KGZ MDA RUS TJK TKM UKR UZB"
VALID_FROM = {
    # the USSR's successors from its dissolution (Declaration 142-Н, 26 December 1991)
    **dict.fromkeys(_EX_USSR.split(), "1991-12-26"),
    **dict.fromkeys("EST LVA LTU".split(), "1991-09-06"),  # USSR State Council recognition
    "CZE": "1993-01-01", "SVK": "1993-01-01", "SVN": "1991-06-25", "HRV": "1991-06-25",
    "MKD": "1991-09-08", "BIH": "1992-03-03", "MNE": "2006-06-03", "SRB": "2006-06-05",
    "SSD": "2011-07-09", "ERI": "1993-05-24", "TLS": "2002-05-20", "NAM": "1990-03-21",
    "YEM": "1990-05-22", "CUW": "2010-10-10", "SXM": "2010-10-10", "BES": "2010-10-10",
}

# code, kind, name_en, name_ru, iso2, m49, comtrade, valid_from, valid_to, bloc
OTHER_AREAS = [
    ("XKX", "country", "Kosovo", "Косово", "XK", None, 412, "2008-02-17", None, None),
    ("XCI", "country", "Channel Islands", "Нормандские острова", None, 830, 830, None, None, None),
    ("XSK", "country", "Sark", "Сарк", None, 680, None, None, None, None),
    ("SUN", "historical", "USSR", "СССР", "SU", 810, 810, None, "1991-12-26", None),
    ("CSK", "historical", "Czechoslovakia", "Чехословакия", "CS", 200, 200, None, "1992-12-31", None),
    ("YUG", "historical", "Yugoslavia", "Югославия", "YU", 890, 890, None, "1992-04-27", None),
    ("SCG", "historical", "Serbia and Montenegro", "Сербия и Черногория", "CS", 891, 891,
     "2003-02-04", "2006-06-05", None),
    ("DDR", "historical", "German Democratic Republic", "ГДР", "DD", 278, 278, None,
     "1990-10-02", None),
    ("ANT", "historical", "Netherlands Antilles", "Нидерландские Антильские острова", "AN", 530,
     530, None, "2010-10-09", None),
    ("XNK", "historical", "Nagorno-Karabakh", "Нагорный Карабах", None, None, None, None,
     "2023-12-31", None),
    # Areas of Comtrade's and BACI's reference tables (partnerAreas, Reporters.json, BACI's
    # country_codes_V*.csv) that are no current country: former reporting areas (territory
    # different from any area of today, until the year Comtrade gives) and small territories
    # Comtrade keeps apart. ISO 3166-3 codes where ISO had one, else user-assigned X codes.
    ("XBL", "historical", "Belgium-Luxembourg (...1998)", "Бельгия-Люксембург (до 1998 г.)", None,
     None, 58, None, "1998-12-31", None),
    ("XSD", "historical", "Sudan (...2011)", "Судан (до 2011 г.)", None, None, 736, None,
     "2011-12-31", None),
    ("XET", "historical", "Ethiopia (...1992)", "Эфиопия (до 1992 г.)", None, None, 230, None,
     "1992-12-31", None),
    ("XPK", "historical", "East and West Pakistan (...1971)", "Восточный и Западный Пакистан",
     None, None, 588, None, "1971-12-31", None),
    ("XZA", "historical", "Southern African Customs Union (...1999)",
     "Южноафриканский таможенный союз (до 1999 г.)", None, None, 711, None, "1999-12-31", None),
    ("VDR", "historical", "Dem. Rep. of Vietnam (...1974)", "ДРВ (до 1974 г.)", None, None, 866,
     None, "1974-12-31", None),
    ("YMD", "historical", "Dem. Yemen (...1990)", "НДРЙ (до 1990 г.)", None, None, 720, None,
     "1990-12-31", None),
    ("PCI", "historical", "Pacific Islands (Trust Territory, ...1991)",
     "Подопечная территория Тихоокеанские острова", None, None, 582, "1964-01-01", "1991-12-31",
     None),
    ("PCZ", "historical", "Panama Canal Zone (...1977)", "Зона Панамского канала", None, None, 592,
     None, "1977-12-31", None),
    ("XPM", "historical", "Peninsula Malaysia (...1963)", "Малайя (до 1963 г.)", None, None, 459,
     None, "1963-12-31", None),
    ("XRN", "historical", "Rhodesia and Nyasaland (...1964)", "Федерация Родезии и Ньясаленда",
     None, None, 717, None, "1964-12-31", None),
    ("XSH", "historical", "Sabah (...1963)", "Сабах (до 1963 г.)", None, None, 461, None,
     "1963-12-31", None),
    ("XSW", "historical", "Sarawak (...1963)", "Саравак (до 1963 г.)", None, None, 457, None,
     "1963-12-31", None),
    ("XTK", "historical", "Tanganyika (...1964)", "Танганьика", None, None, 835, None,
     "1964-12-31", None),
    ("XZP", "historical", "Zanzibar and Pemba (...1964)", "Занзибар и Пемба", None, None, 836, None,
     "1964-12-31", None),
    ("XRI", "historical", "Ryukyu Islands (...1972)", "Острова Рюкю (до 1972 г.)", None, None, 647,
     None, "1972-12-31", None),
    ("XSM", "historical", "Sikkim (...1974)", "Сикким (до 1974 г.)", None, None, 698, None,
     "1974-12-31", None),
    ("PUS", "country", "US Miscellaneous Pacific Islands", "Прочие тихоокеанские острова США", None,
     None, 849, None, None, None),
    ("MID", "country", "Midway Islands", "Острова Мидуэй", None, None, 488, None, None, None),
    ("WAK", "country", "Wake Island", "Остров Уэйк", None, None, 872, None, None, None),
    ("ATB", "country", "British Antarctic Territory", "Британская антарктическая территория", None,
     None, 80, None, None, None),
    ("NTZ", "country", "Neutral Zone", "Нейтральная зона", None, None, 536, None, None, None),
    ("WLD", "world", "World", "Мир", None, 1, 0, None, None, None),
    ("XNS", "pseudo", "Areas not elsewhere specified", "Страны, не указанные", None, None, 899,
     None, None, None),
    ("XOT", "pseudo", "Other countries", "Прочие страны", None, None, None, None, None, None),
    ("XBK", "pseudo", "Bunkers", "Бункеровка", None, None, 837, None, None, None),
    ("XFZ", "pseudo", "Free zones", "Свободные зоны", None, None, 838, None, None, None),
    ("XCF", "pseudo", "Confidential", "Конфиденциально", None, None, None, None, None, None),
    ("XSC", "pseudo", "Special categories", "Специальные категории", None, None, 839, None, None,
     None),
    ("XEU", "pseudo", "EU countries not specified", "Страны ЕС, не указанные", None, None, 492,
     None, None, None),
    ("G:CIS", "group", "CIS countries", "Страны СНГ", None, None, None, None, None, "CIS"),
    ("G:EAEU", "group", "EAEU countries", "Страны ЕАЭС", None, None, None, None, None, "EAEU"),
    ("G:NON-CIS", "group", "Non-CIS countries", "Страны вне СНГ", None, None, None, None, None,
     None),
    ("G:NON-EAEU", "group", "Non-EAEU countries", "Страны вне ЕАЭС", None, None, None, None, None,
     None),
    ("G:EU", "group", "European Union", "Европейский союз", None, None, 97, None, None, "EU"),
    ("G:EU27", "group", "European Union - 27 countries (from 2020)", "ЕС-27", None, None, None,
     None, None, "EU27"),
    ("G:EU28", "group", "European Union - 28 countries (2013-2020)", "ЕС-28", None, None, None,
     None, None, "EU28"),
    ("G:NON-EU", "group", "Non-EU countries", "Страны вне ЕС", None, None, None, None, None,
     None),
    ("G:EA", "group", "Euro area", "Еврозона", None, None, None, None, None, "EA"),
    ("G:EA20", "group", "Euro area - 20 countries (from 2023)", "Еврозона-20", None, None, None,
     None, None, "EA20"),
    ("G:ASEAN", "group", "ASEAN", "АСЕАН", None, None, 975, None, None, None),
    ("G:EUROPE", "group", "Europe", "Европа", None, None, None, None, None, None),
    ("G:ASIA", "group", "Asia", "Азия", None, None, None, None, None, None),
    ("G:AFRICA", "group", "Africa", "Африка", None, None, None, None, None, None),
    ("G:AMERICA", "group", "America", "Америка", None, None, None, None, None, None),
    ("G:OCEANIA", "group", "Oceania", "Океания", None, None, None, None, None, None),
    ("G:OTHER", "group", "Other", "Прочие", None, None, None, None, None, None),
]
KIND_ORDER = {"world": 0, "country": 1, "historical": 2, "pseudo": 3, "group": 4}


def _say(message: str) -> None:
    sys.stderr.write(message + "\n")


def _clean(text: str) -> str:
    """Drop stress marks (pycountry's Russian has some) and surrounding space."""
    return unicodedata.normalize("NFC", text.replace("\u0301", "")).strip()


# -- ISO and M49 -----------------------------------------------------------------------------


def iso_areas() -> dict[str, dict]:
    ru = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ru"])
    out = {}
    for c in pycountry.countries:
        en: list[str] = [
            n for n in (c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)) if n
        ]
        rus = [_clean(ru.gettext(n)) for n in en]
        code = c.alpha_3
        out[code] = {
            "code": code, "kind": "country", "iso2": c.alpha_2, "m49": int(c.numeric),
            "comtrade": COMTRADE.get(code, int(c.numeric)),
            "name_en": NAME_EN.get(code, en[1] if len(en) > 1 and en[1] != en[-1] else en[0]),
            "name_ru": NAME_RU.get(code, rus[0]),
            "valid_from": VALID_FROM.get(code), "valid_to": None, "bloc": None,
            "aliases": [*en, *rus],
        }
    return out


def add_m49(areas: dict[str, dict]) -> None:
    """Check M49 numbers against ISO numeric and add the UN's names as aliases."""
    if not M49_FILE.exists():
        raise SystemExit(f"{M49_FILE} is needed to build the registry")
    with M49_FILE.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            iso3, number, name = row["ISO-alpha3 Code"], int(row["M49 Code"]), row["Country or Area"]
            if not iso3:
                continue  # Sark: in OTHER_AREAS as XSK
            area = areas[iso3]
            if area["m49"] != number:
                raise SystemExit(f"M49 {number} != ISO numeric {area['m49']} for {iso3}")
            area["aliases"].append(" ".join(name.split()))


def other_areas() -> dict[str, dict]:
    keys = ("code", "kind", "name_en", "name_ru", "iso2", "m49", "comtrade",
            "valid_from", "valid_to", "bloc")
    return {row[0]: {**dict(zip(keys, row, strict=True)), "aliases": []} for row in OTHER_AREAS}


# -- aliases ---------------------------------------------------------------------------------


def read_alias_table(path: Path) -> list[tuple[str, str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, alias, *rest = line.split("\t")
        rows.append((code.strip(), alias.strip(), rest[0].strip() if rest else ""))
    return rows


_HUSHING = set("гкхжшчщ")


def case_forms(word: str) -> list[str]:
    """Genitive, dative, accusative, instrumental, prepositional of a one-word Russian name.

    Only regular patterns; names ending in ``ь`` or a vowel other than ``а``/``я`` (``Чили``,
    plurals like ``Нидерланды``) and irregular ones (``Египет``) go in aliases.tsv by hand.
    """
    if not word.isalpha() or not all("а" <= ch.lower() <= "я" or ch in "ёЁ" for ch in word):
        return []
    stem, last = word[:-1], word[-1]
    if word.endswith("ия"):
        return [stem + "и", stem + "ю", stem + "ей"]
    if word.endswith("ея"):
        return [stem + "и", stem + "е", stem + "ю", stem + "ей"]
    if last == "а" and stem[-1] not in "аеёиоуыэюя":  # not Самоа, Никарагуа
        gen = "и" if stem[-1] in _HUSHING else "ы"
        ins = "ей" if stem[-1] in "жшчщц" else "ой"
        return [stem + gen, stem + "е", stem + "у", stem + ins]
    if last == "й":
        return [stem + "я", stem + "ю", stem + "ем", stem + "е"]
    if last in "аеёиоуыэюяьъ":
        return []
    ins = "ем" if last in "жшчщц" else "ом"
    return [word + "а", word + "у", word + ins, word + "е"]


def add_case_forms(areas: dict[str, dict]) -> int:
    """Add generated case forms of countries' one-word Russian names, dropping any that
    would also name another area."""
    taken = {normalise(n): code for code, a in areas.items() for n in names_of(a)}
    forms: dict[str, set[str]] = {}
    for code, area in areas.items():
        if area["kind"] != "country":
            continue
        for name in {area["name_ru"], *area["aliases"]}:
            for form in case_forms(name):
                forms.setdefault(form, set()).add(code)
    added = 0
    for form, codes in sorted(forms.items()):
        code = next(iter(codes))
        if len(codes) == 1 and taken.get(normalise(form), code) == code:
            areas[code]["aliases"].append(form)
            added += 1
    return added


def names_of(area: dict) -> list[str]:
    return [area["name_en"], area["name_ru"], *area["aliases"]]


# -- assembling ------------------------------------------------------------------------------


def assemble() -> dict[str, dict]:
    areas = iso_areas()
    add_m49(areas)
    areas.update(other_areas())
    forms = []
    for code, alias, source in read_alias_table(REF / "aliases.tsv"):
        if code not in areas:
            raise SystemExit(f"aliases.tsv: unknown code {code!r} for {alias!r}")
        if source == "ru-forms":
            forms.append((code, alias))
        else:
            areas[code]["aliases"].append(alias)
    added = add_case_forms(areas)
    for code, alias in forms:  # inflected already: no forms generated from them
        areas[code]["aliases"].append(alias)
    _say(f"{len(areas)} areas; {added} Russian case forms generated")
    return areas


def to_area(a: dict) -> Area:
    # spellings that differ only in marks ("Kosovo*", "Czech Rep.") are all kept: a query's
    # marks must be among its area's spellings' (Registry._check_marks)
    seen = {a["name_en"].casefold(), a["name_ru"].casefold()}
    aliases = []
    for alias in a["aliases"]:
        key = alias.casefold().strip()
        if normalise(alias) and key not in seen:
            seen.add(key)
            aliases.append(alias)
    return Area(
        code=a["code"], kind=a["kind"], name_en=a["name_en"], name_ru=a["name_ru"],
        iso2=a["iso2"], m49=a["m49"], comtrade=a["comtrade"], aliases=tuple(aliases),
        valid_from=_date(a["valid_from"]), valid_to=_date(a["valid_to"]), bloc=a["bloc"],
    )


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):
        return ALIAS_SEP.join(value)
    text = str(value)
    if "\t" in text or "\n" in text or ALIAS_SEP in text:
        raise SystemExit(f"cannot write {text!r} into the TSV")
    return text


def write_tsv(registry: Registry, path: Path) -> None:
    lines = ["# generated by scripts/build_countries.py; edit aliases.tsv or the script instead",
             "\t".join(COLUMNS)]
    for a in sorted(registry, key=lambda a: (KIND_ORDER[a.kind], a.code)):
        values = {c: getattr(a, c) for c in COLUMNS}
        lines.append("\t".join(_cell(values[c]) for c in COLUMNS))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# -- shared publishers' files ------------------------------------------------------------------


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def shared_names(shared: Path) -> list[tuple[str, str, str | None]]:
    """(source label, name, code or None) for every area name in the shared files; the
    code is canonical (ISO3, or M49 for Uzbekistan's files, prefixed ``m49:``)."""
    out: list[tuple[str, str, str | None]] = []
    if KZ_FILE.exists():
        out += [("kz-bns", r[col], r["code"]) for r in _rows(KZ_FILE) for col in ("name_ru", "name_en")]
    armstat = shared / "national" / "am-armstat" / "arm_trade_country_monthly.csv"
    if armstat.exists():
        out += [("armstat", n, None) for n in sorted({r["country"] for r in _rows(armstat)})]
    for path in sorted((shared / "national" / "uz-stat").glob("*.csv")):
        for r in _rows(path):
            for col in ("Klassifikator", "Klassifikator_ru", "Klassifikator_en"):
                out.append(("uz-stat", r[col], f"m49:{int(r['Code'])}"))
    labels: set[str] = set()
    for path in (shared / "mirror" / "eurostat").glob("**/*.csv"):
        labels |= {r[c] for r in _rows(path) for c in ("REPORTER", "PARTNER")}
    out += [("eurostat", n, None) for n in sorted(labels)]
    return out


def _expected(registry: Registry, code: str | None) -> str | None:
    if code is None or not code.startswith("m49:"):
        return code
    number = int(code[4:])
    if number == 0:  # Uzbekistan's "Other countries"
        return "XOT"
    try:
        return registry.lookup(number, scheme="m49").code
    except UnknownCountry:  # 736, Sudan's M49 code before 2011: the name decides
        return None


def unresolved(registry: Registry, shared: Path) -> list[tuple[str, str, str | None]]:
    """Shared-file names that do not resolve, or resolve to another code than the file's."""
    bad = []
    for label, name, code in shared_names(shared):
        want = _expected(registry, code)
        try:
            got = registry.lookup(name).code
        except UnknownCountry:
            got = None
        if got is None or (want is not None and got != want):
            bad.append((label, name, want))
    return bad


def derive(registry: Registry, alias_file: Path, shared: Path) -> None:
    """Append to aliases.tsv the names that do not resolve but whose code the file gives."""
    rows = sorted({(want, name, label) for label, name, want in unresolved(registry, shared)
                   if want is not None and not _resolves(registry, name)})
    if rows:
        with alias_file.open("a", encoding="utf-8") as f:
            f.writelines(f"{code}\t{name}\t{label}\n" for code, name, label in rows)
        _say(f"derived {len(rows)} aliases into {alias_file}")


def _resolves(registry: Registry, name: str) -> bool:
    try:
        registry.lookup(name)
    except UnknownCountry:
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--derive", action="store_true", help="add derivable aliases first")
    parser.add_argument("--check", action="store_true", help="only check the shared files")
    args = parser.parse_args()
    if args.derive:
        derive(Registry(to_area(a) for a in assemble().values()), REF / "aliases.tsv", SHARED)
    registry = Registry(to_area(a) for a in assemble().values())
    problems = registry.conflicts()
    for p in problems:
        _say(f"conflict: {p}")
    missing = unresolved(registry, SHARED)
    for label, name, want in missing:
        _say(f"unresolved: {label}: {name!r} (file says {want})")
    if problems:
        return 1
    if not args.check:
        write_tsv(registry, REF / "countries.tsv")
        _say(f"wrote {REF / 'countries.tsv'} ({len(registry)} areas)")
    return 1 if missing and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
