"""Product names from the publisher's own nomenclature file, found beside the data.

CEPII ships BACI with ``product_codes_HS22_V202501.csv`` (``code,description``: every HS6 code
of the revision and its description). A strengths result names its products from such a file
when one lies in the folder of a dataset it read (the release the data came from, else the
newest there); names are never typed into cistrade. Without a file the name is left empty and
the result says so. HS2 and HS4 codes are named when the file lists them (BACI's lists HS6
codes only, so they stay unnamed).
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterable
from pathlib import Path

from cistrade.errors import InputError

__all__ = ["read_product_codes", "find_product_codes", "product_names"]

_NAME = re.compile(r"^product_codes_(HS\d\d)_.*\.csv$", re.IGNORECASE)
_VERSION = re.compile(r"_V(\d{6}[a-z]?)", re.IGNORECASE)


def read_product_codes(path: str | Path) -> dict[str, str]:
    """``code → description`` of a nomenclature file (``code,description``, UTF-8; codes
    that lost their leading zero in a spreadsheet are padded back to an even length)."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the product nomenclature: {exc}", file=str(path)) from exc
    header = [h.strip().lower() for h in rows[0]] if rows else []
    if header[:2] != ["code", "description"]:
        raise InputError(f"not a product nomenclature: header {header}; expected "
                         "code,description (as BACI's product_codes_HS22_V202501.csv)",
                         file=str(path), row=1)
    names: dict[str, str] = {}
    for n, row in enumerate(rows[1:], start=2):
        if not row or not row[0].strip():
            continue
        code = row[0].strip()
        if not code.isdigit():
            raise InputError(f"not a product code: {code!r}", file=str(path), row=n, column="code")
        if len(code) % 2:
            code = "0" + code
        names[code] = row[1].strip() if len(row) > 1 else ""
    return names


def find_product_codes(folder: Path, product_class: str, version: str | None = None) -> Path | None:
    """The nomenclature of ``product_class`` in ``folder``: the same release when there is
    one, else the last by name."""
    found = sorted(p for p in folder.glob("product_codes_*.csv")
                   if (m := _NAME.match(p.name)) and m[1].upper() == product_class.upper())
    same = [p for p in found if version and (m := _VERSION.search(p.name)) and m[1] == version]
    chosen = same or found[-1:]
    return chosen[0] if chosen else None


@functools.lru_cache(maxsize=16)
def _cached(path: str, mtime: float) -> dict[str, str]:
    return read_product_codes(path)


def product_names(datasets: Iterable[dict[str, object]], product_class: str
                  ) -> tuple[dict[str, str], Path | None]:
    """(code → name, the file read) from the first dataset folder holding a nomenclature of
    ``product_class`` (``datasets``: the engine's dataset records, with ``file_path`` and
    ``vintage``)."""
    for d in datasets:
        where = Path(str(d.get("file_path") or "")).parent
        if not str(where) or not where.is_dir():
            continue
        path = find_product_codes(where, product_class, str(d.get("vintage") or ""))
        if path is not None:
            return _cached(str(path), path.stat().st_mtime), path
    return {}, None
