"""The indicators cistrade computes: their declarations, collected once, read-only.

Each indicator module declares itself (:class:`~cistrade.indicators.spec.Indicator`:
``SPEC`` at its end); this module lists them. The CLI makes one command of each
(:mod:`cistrade.cli.indicators`), the HTTP API one route (:mod:`cistrade.web.api`), and
``docs/output-contract.md`` holds :func:`contract_rows` between its markers (a test keeps it
so). A new indicator is one module declaring its ``SPEC`` and one line here.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from cistrade.errors import InputError
from cistrade.indicators.balance import SPEC as BALANCE
from cistrade.indicators.blocs import SPEC as BLOC_SHARE
from cistrade.indicators.growth import SPEC as GROWTH
from cistrade.indicators.mirror import SPEC as MIRROR
from cistrade.indicators.roles import SPEC as ROLES
from cistrade.indicators.share import SPEC as SHARE
from cistrade.indicators.spec import Indicator
from cistrade.indicators.strengths.complementarity import SPEC as COMPLEMENTARITY
from cistrade.indicators.strengths.complexity import SPEC as COMPLEXITY
from cistrade.indicators.strengths.matrix import SPEC as COMPLEMENTARITY_MATRIX
from cistrade.indicators.strengths.profile import SPEC as STRENGTHS
from cistrade.indicators.strengths.rca import SPEC as RCA
from cistrade.indicators.strengths.similarity import SPEC as SIMILARITY

__all__ = ["INDICATORS", "ROW_FIELDS", "indicator", "contract_rows", "write_contract",
           "CONTRACT_BEGIN", "CONTRACT_END"]

#: every indicator, in the order the CLI's help and the documentation list them
INDICATORS: tuple[Indicator, ...] = (SHARE, BLOC_SHARE, GROWTH, ROLES, BALANCE, MIRROR,
                                     STRENGTHS, RCA, COMPLEMENTARITY, COMPLEMENTARITY_MATRIX,
                                     SIMILARITY, COMPLEXITY)

_BY_NAME: Mapping[str, Indicator] = MappingProxyType({i.name: i for i in INDICATORS})

#: the row fields each indicator guarantees (more may follow them)
ROW_FIELDS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {i.name: i.fields for i in INDICATORS})

CONTRACT_BEGIN = "<!-- rows by command: written from cistrade.indicators.registry -->"
CONTRACT_END = "<!-- end of rows by command -->"


def indicator(name: str) -> Indicator:
    """The declaration of ``share``, ``bloc_share`` (or ``bloc-share``) …"""
    found = _BY_NAME.get(name.replace("-", "_"))
    if found is None:
        raise InputError(f"unknown indicator {name!r}; one of {', '.join(_BY_NAME)}")
    return found


def contract_rows() -> str:
    """The *Rows, by command* section of ``docs/output-contract.md``, from the declarations."""
    parts = [CONTRACT_BEGIN]
    for ind in INDICATORS:
        variants = "".join(f"\n\nWith `--{v.name}` ({v.help}): also "
                           + ", ".join(f"`{f}`" for f in v.fields) + "." for v in ind.variants)
        parts.append(f"### `cistrade {ind.command}` (`{ind.name}`)\n\n{ind.contract}{variants}")
    parts.append(CONTRACT_END)
    return "\n\n".join(parts) + "\n"


def write_contract(path: str | Path = "docs/output-contract.md") -> bool:
    """Rewrite the block between the markers of the output contract's document from the
    declarations (run from the repository root after changing an indicator's fields or
    contract text); whether it changed."""
    doc = Path(path)
    text = doc.read_text(encoding="utf-8")
    start, end = text.index(CONTRACT_BEGIN), text.index(CONTRACT_END) + len(CONTRACT_END) + 1
    new = text[:start] + contract_rows() + text[end:]
    if new != text:
        doc.write_text(new, encoding="utf-8")
    return new != text
