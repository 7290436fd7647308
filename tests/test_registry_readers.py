"""Loading the readers changes no look-up: the registry is built once from its data files, and
every reader's spellings are declared there (issue #15), whatever order they are imported in."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys

import pytest

#: the readers that once added spellings to the registry (at import or lazily), and the
#: layout-driven office readers that replaced two of them; then every other built-in source
READERS = ("cistrade.sources.national.kz_bns", "cistrade.sources.imf",
           "cistrade.sources.layout")
OTHERS = ("cistrade.sources.national.ru_fts", "cistrade.sources.eurostat",
          "cistrade.sources.comtrade", "cistrade.sources.baci", "cistrade.sources.tidy")

#: spellings only a publisher prints, each declared in reference/aliases.tsv
PROBES = ("Малые Тихоокеан. Отдаленные остроа США", "Французкие южные территории",
          "China, P.R.: Mainland", "West Bank and Gaza", "Timor-Leste, Dem. Rep. of",
          "Кыргызская Республика", "Россия", "Korea")

_SCRIPT = """
import hashlib, importlib, json, sys
from cistrade.reference.countries import registry

def state():
    reg = registry()
    areas = sorted((a.code, a.aliases) for a in reg)
    return hashlib.sha256(repr(areas).encode()).hexdigest(), [reg.lookup(p).code for p in PROBES]

PROBES = json.loads(sys.argv[1])
before = state()
for name in sys.argv[2:]:
    importlib.import_module(name)
print(json.dumps({"before": before, "after": state()}))
"""


def _run(order: tuple[str, ...]) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", _SCRIPT, json.dumps(PROBES), *order],
                         capture_output=True, text=True, check=True, timeout=300)
    return json.loads(out.stdout)


@pytest.mark.parametrize("order", list(itertools.permutations(READERS)),
                         ids=lambda o: ">".join(m.rsplit(".", 1)[1] for m in o))
def test_the_readers_in_any_order_give_the_same_lookups(order: tuple[str, ...]) -> None:
    got = _run((*order, *OTHERS))
    assert got["before"] == got["after"]
    assert got["after"][1] == ["UMI", "ATF", "CHN", "PSE", "TLS", "KGZ", "RUS", "KOR"]
