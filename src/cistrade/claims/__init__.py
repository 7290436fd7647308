"""Claims: find the quantitative statements about trade in a text and check them.

    >>> from cistrade.claims import extract_claims
    >>> [c.describe() for c in extract_claims(
    ...     "In 2023 Russia's share of Kazakhstan's trade was 19.4%, second after China.")]
    ['share RUS in KAZ turnover 2023 = 19.4% (rank 2)']

:func:`extract_claims` reads English or Russian text (:mod:`.extract`); claims can also be
written by hand in YAML or JSON (:mod:`.io`, ``docs/claims.md``); :func:`check_text` and
:class:`Verifier` turn them into :class:`Verdict` objects with the computed figures and the
data behind them (:mod:`.verify`).
"""

from cistrade.claims.extract import Extractor, extract_claims
from cistrade.claims.io import claim_from_dict, claims_from_data, dump_claims, load_claims, read_input
from cistrade.claims.model import Bound, Claim, ClaimKind, Role, Stated
from cistrade.claims.numbers import parse_stated
from cistrade.claims.verdict import GROWTH_TOLERANCE, SHARE_TOLERANCE, Verdict, VerdictKind
from cistrade.claims.verify import Verifier, check_claims, check_text

__all__ = [
    "Bound",
    "Claim",
    "ClaimKind",
    "Extractor",
    "GROWTH_TOLERANCE",
    "Role",
    "SHARE_TOLERANCE",
    "Stated",
    "Verdict",
    "VerdictKind",
    "Verifier",
    "check_claims",
    "check_text",
    "claim_from_dict",
    "claims_from_data",
    "dump_claims",
    "extract_claims",
    "load_claims",
    "parse_stated",
    "read_input",
]
