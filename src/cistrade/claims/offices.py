"""Who publishes each CIS country's trade by partner: the national statistics offices.

When a claim cannot be checked, the verdict names the office whose publication would settle
it (and the cistrade source that reads it, where there is one).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Office", "OFFICES", "office_for", "who_publishes"]


@dataclass(frozen=True)
class Office:
    country: str  # ISO3
    name: str
    site: str
    source: str | None = None  # the cistrade reader of its files
    note: str | None = None

    def label(self) -> str:
        return f"{self.name} ({self.site})"


OFFICES: dict[str, Office] = {o.country: o for o in (
    Office("ARM", "Armstat", "armstat.am", "am-armstat"),
    Office("AZE", "Azstat", "stat.gov.az"),
    Office("BLR", "Belstat", "belstat.gov.by"),
    Office("GEO", "Geostat", "geostat.ge"),
    Office("KAZ", "BNS Kazakhstan", "stat.gov.kz", "kz-bns"),
    Office("KGZ", "NSC Kyrgyzstan", "stat.gov.kg"),
    Office("MDA", "Moldova NBS", "statistica.gov.md"),
    Office("RUS", "FTS Russia", "customs.gov.ru", "ru-fts",
           "stopped publishing trade by country in 2022; partners' reports (mirror data) "
           "are the way to estimate it"),
    Office("TJK", "Tajstat", "stat.tj"),
    Office("TKM", "Turkmenistan's State Statistics Committee", "stat.gov.tm", None,
           "publishes little trade detail; partners' reports (mirror data) are the usual source"),
    Office("UKR", "Ukrstat", "ukrstat.gov.ua"),
    Office("UZB", "Uzstat", "stat.uz", "uz-stat"),
)}


def office_for(code: str | None) -> Office | None:
    """The national office of a CIS country, or None."""
    return OFFICES.get(code or "")


def who_publishes(code: str | None) -> str:
    """``Belstat (belstat.gov.by) publishes this``; for others UN Comtrade / IMF IMTS."""
    office = office_for(code)
    if office is None:
        return "UN Comtrade or the IMF's IMTS publish partner data for most countries"
    text = f"{office.label()} publishes this"
    if office.source:
        text += f" (cistrade source {office.source})"
    if office.note:
        text = f"{office.label()} {office.note}"
    return text
