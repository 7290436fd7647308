"""Which legacy encoding a text that is not UTF-8 is likeliest in.

Russian texts and tables saved on Windows are cp1251, by older Unix mail and web tools KOI8-R,
and English ones with curly quotes cp1252. charset-normalizer decides among those three only:
left to choose among all encodings, it reads a one-sentence KOI8-R text as Shift-JIS.
Claim texts are read in the likeliest one (:mod:`cistrade.claims.io`); a data file is not,
its error names it (:mod:`cistrade.sources.transcode`).
"""

from __future__ import annotations

__all__ = ["GUESSES", "likeliest"]

GUESSES = ("cp1251", "koi8_r", "cp1252")


def likeliest(data: bytes) -> tuple[str, str] | None:
    """(encoding as in :data:`GUESSES`, decoded text) of the likeliest of them, or None."""
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(GUESSES)).best()
    return None if best is None else (best.encoding, str(best))
