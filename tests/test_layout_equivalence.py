"""The shipped layouts reproduce the readers they replace, row for row, on the real files.

``uz-stat`` and ``am-armstat`` were Python readers (``sources/national/uz_stat.py``,
``am_armstat.py``) before they became layout files. In commit 9872d10 (the last with both)
each shared file was read both ways and every canonical row compared (all columns, row_ref
included), with the series, skipped cells and warnings: identical. :data:`FINGERPRINTS`
recorded the readers' rows then as a digest; the layouts must keep giving exactly those rows.
The readers' own tests (``test_uz_stat.py``, ``test_am_armstat.py``) run on the layouts,
meaning unchanged.
"""

from __future__ import annotations

import hashlib
import json

import pyarrow as pa
import pytest
from conftest import shared

from cistrade.sources import get_source

FILES = {
    "uz-stat": ["exports_by_country_sdmx_1105.csv", "imports_by_country_sdmx_1176.csv"],
    "am-armstat": ["arm_trade_country_monthly.csv"],
}
CASES = [(name, file) for name, files in FILES.items() for file in files]

#: (rows, sha256 of the sorted canonical rows) as the Python readers gave them
FINGERPRINTS: dict[str, tuple[int, str]] = {
    "exports_by_country_sdmx_1105.csv": (3192, "c33443fcfe2b9395ea0b24a25b85940085b199b25cd9baf1b5363b6c42b59a8c"),
    "imports_by_country_sdmx_1176.csv": (3276, "f11d3d615cf174541db6dc238b25c97f2bf9bcfcccb49b3f5e80c47c65ad1896"),
    "arm_trade_country_monthly.csv": (85101, "e0eacbfaa59bc29b0d37b27a18fd015685635d55d51633c1b37386dc01455d36"),
}


def canonical(table: pa.Table) -> list[tuple]:
    rows = zip(*[table.column(n).to_pylist() for n in table.schema.names], strict=True)
    return sorted(rows, key=lambda r: tuple(str(v) for v in r))


def digest(rows: list[tuple]) -> str:
    text = "\n".join(json.dumps(r, default=str, ensure_ascii=False) for r in rows)
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.parametrize(("name", "file"), CASES)
def test_layout_gives_the_readers_fingerprint(name: str, file: str) -> None:
    table = get_source(name)().read(shared("national", name, file)).data
    assert (table.num_rows, digest(canonical(table))) == FINGERPRINTS[file]
