"""Hand-written claims in YAML or JSON, and telling them apart from plain text.

A claim file is a list of claims, or a mapping with a ``claims:`` list (documented with
examples in ``docs/claims.md``)::

    - text: Russia's share of Kazakhstan's trade in 2023 was 19.4%, second after China
      kind: share            # share | rank | bloc_share | growth | role | value (inferred if left out)
      reporter: Kazakhstan   # any name, alias or code the registry knows
      partner: Russia        # or bloc: CIS
      period: "2023"         # 2024-01..2024-09, 2024-Q3, "January–September 2024", latest
      value: 19.4%           # over 11%, nearly a fifth, -5% (a fall); value: $27 billion
      rank: 2                # or "second"
      flow: turnover         # export | import
      role: supplier         # role claims: supplier | market

Claims about strengths (``docs/strengths.md``) name a product or a comparison instead of a
value::

    - kind: advantage        # RCA ≥ 1 (negated: true for "no comparative advantage")
      reporter: Kazakhstan
      product: wheat         # words searched in the publisher's nomenclature, or "HS 1001"
      period: "2023"
    - kind: complementarity  # Michaely's index of the reporter's exports with the partner's imports
      reporter: Kazakhstan
      partner: Russia        # or bloc: EAEU; mutual: true for both directions
      versus: China          # a comparison: more than with China (negated: true: less)
      period: "2023"

:func:`read_input` takes the content of a file (bytes or text) and returns the claims in it:
from YAML/JSON when the content is a claim file, else extracted from the text.
"""

from __future__ import annotations

import json
from enum import Enum
from typing import Any

import yaml

from cistrade.charsets import GUESSES, likeliest
from cistrade.claims.model import Claim, ClaimKind, Role, Scope, Stated
from cistrade.claims.numbers import parse_stated
from cistrade.claims.periods import find_periods
from cistrade.errors import InputError, UnknownBloc, UnknownCountry
from cistrade.model import PeriodRange, TradeFlow

__all__ = ["claims_from_data", "load_claims", "read_input", "decode", "decode_text",
           "looks_structured", "dump_claims", "value_text"]

_FIELDS = {"text", "kind", "reporter", "partner", "bloc", "flow", "period", "value", "rank",
           "role", "id", "lang", "note", "notes", "mutual", "scope", "base", "product",
           "versus", "negated"}
#: a rank has at most this many digits (more is no rank, and would not even convert)
_RANK_DIGITS = 6
_RANK_WORDS = {"first": 1, "leading": 1, "largest": 1, "second": 2, "third": 3, "fourth": 4,
               "fifth": 5}


def decode(data: bytes | str, *, name: str = "<input>", encoding: str | None = None) -> str:
    """Text from bytes; see :func:`decode_text`."""
    return decode_text(data, name=name, encoding=encoding)[0]


def decode_text(data: bytes | str, *, name: str = "<input>",
                encoding: str | None = None) -> tuple[str, str]:
    """(text, encoding) from bytes: ``encoding`` when given; else UTF-8, UTF-16 with a BOM,
    or the likeliest legacy encoding (:func:`cistrade.charsets.likeliest`).
    Binary or empty content is an InputError."""
    if isinstance(data, str):
        text, used = data, "text"
    elif encoding:
        text, used = _as_declared(data, name, encoding)
    else:
        text, used = _as_found(data, name)
    if _binary_looking(text):
        raise InputError("this is a binary file, not text, YAML or JSON", file=name)
    if not text.strip():
        raise InputError("the input is empty", file=name)
    return text, used


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _as_declared(data: bytes, name: str, encoding: str) -> tuple[str, str]:
    """Bytes in the encoding the caller names."""
    try:
        return data.decode(encoding), encoding
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r} (e.g. utf-8, cp1251, koi8-r)",
                         file=name) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not {encoding} text (byte {exc.start})", file=name) from exc


def _as_found(data: bytes, name: str) -> tuple[str, str]:
    """Bytes in UTF-16 (with a BOM), UTF-8, else the likeliest legacy encoding."""
    if b"\x00" in data[:4096] and not data.startswith(_UTF16_BOMS):
        raise InputError("this is a binary file, not text, YAML or JSON", file=name)
    try:
        if data.startswith(_UTF16_BOMS):
            return data.decode("utf-16"), "utf-16"
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        return _legacy(data, name, exc)


def _legacy(data: bytes, name: str, exc: UnicodeDecodeError) -> tuple[str, str]:
    found = likeliest(data)
    if found is None:
        raise InputError(f"not UTF-8 text (byte {exc.start}), nor {', '.join(GUESSES)}; "
                         "save the file as UTF-8 or name its encoding (--encoding)",
                         file=name) from exc
    encoding, text = found
    return text, encoding


def _binary_looking(text: str) -> bool:
    sample = text[:4096]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    return "\x00" in sample or controls > max(2, len(sample) // 100)


#: PyYAML's C loaders where they are built (faster on a large file), else the pure-Python
#: ones; both *safe*: plain data only, no Python objects or tags that run code. Telling a
#: claim file from text needs only its shape, so it reads every scalar as a string (the base
#: loader converts no number, date or tag)
_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SHAPE_LOADER: Any = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
#: errors the parsers raise on well-formed but hostile content: a number of more than 4 300
#: digits (Python's int-conversion limit) raises ValueError, nesting thousands deep raises
#: RecursionError; neither is a traceback the user should see
_HOSTILE = (ValueError, RecursionError)


def _parse(text: str, loader: Any = _SAFE_LOADER) -> Any:
    """JSON (content starting ``[`` or ``{``) or YAML, with a safe loader; raises the
    parsers' own errors (see :data:`_HOSTILE`)."""
    if text.lstrip().startswith(("[", "{")):
        return json.loads(text)
    return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader


def looks_structured(text: str) -> bool:
    """Whether the content is a claim file: JSON, or YAML that is a mapping with ``claims``
    or a list with claim fields (a bulleted text, even with "Inflation: 7%", is text).
    Content YAML cannot read (or nesting too deep to read) is text; JSON-looking content is a
    claim file, and :func:`load_claims` says what is wrong with it."""
    s = text.lstrip()
    if s.startswith(("[", "{")):
        return True
    try:
        data = _parse(s, _SHAPE_LOADER)
    except (yaml.YAMLError, *_HOSTILE):
        return False
    if isinstance(data, dict):
        return "claims" in data
    return isinstance(data, list) and _claim_list(data)


def _claim_list(data: list[Any]) -> bool:
    """A YAML list is a claim file when an item has claim fields, or when no item is text
    (a list of lists is a malformed claim file, said so by :func:`load_claims`)."""
    claims = any(isinstance(x, dict) and _FIELDS & {k for k in x if isinstance(k, str)}
                 for x in data)
    return claims or not any(isinstance(x, str | dict) for x in data)


def load_claims(text: str, *, name: str = "<input>") -> list[Claim]:
    """Claims from a YAML or JSON claim file's content; content that does not parse (or
    holds a number too long to read, or nests too deep) is an InputError naming the file."""
    try:
        data = _parse(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise InputError(f"not valid YAML/JSON: {exc}".splitlines()[0], file=name) from exc
    except ValueError as exc:  # Python's int-conversion limit
        raise InputError("not a claim file: a number with more digits than any figure has "
                         f"({str(exc).split(':')[0]})", file=name) from None
    except RecursionError:
        raise InputError("not a claim file: lists or mappings nested too deep to read",
                         file=name) from None
    return claims_from_data(data, name=name)


def claims_from_data(data: Any, *, name: str = "<input>") -> list[Claim]:
    """Claims from parsed YAML/JSON: a list of mappings, or ``{"claims": [...]}``."""
    if isinstance(data, dict) and "claims" in data:
        data = data["claims"]
    if not isinstance(data, list) or not data:
        raise InputError("a claim file is a non-empty list of claims (or claims: [...])", file=name)
    out = []
    for i, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise InputError(f"claim {i} is not a mapping of fields", file=name, row=i)
        try:
            out.append(claim_from_dict(item))
        except InputError as exc:
            raise exc.located(file=name, row=i) from None
    return out


def _area(value: Any, field: str) -> str:
    from cistrade.reference.countries import registry

    if not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip():
        raise InputError(f"{field}: a country name or code, not {value!r}", column=field)
    try:
        area = registry().lookup(str(value))
    except UnknownCountry as exc:
        raise exc.located(column=field) from None
    if area.kind == "group" and area.bloc:
        raise InputError(f"{field}: {value!r} is a bloc; write it as bloc: {area.bloc}", column=field)
    return area.code


def _bloc(value: Any) -> str:
    from cistrade.reference.blocs import bloc

    try:
        return bloc(str(value)).id
    except UnknownBloc as exc:
        raise InputError(str(exc), column="bloc") from None


def _period(value: Any) -> PeriodRange | None:
    if value is None or str(value).strip().lower() in ("latest", "", "none"):
        return None
    text = str(value).strip()
    try:
        return PeriodRange.parse(text)
    except InputError:
        pass
    found = find_periods(text)
    if len(found) == 1 and found[0].year is not None:
        return found[0].resolve()
    raise InputError(
        f"period: not a period: {value!r} (expected 2023, 2024-Q3, 2024-01..2024-09, "
        "January–September 2024 or latest)", column="period")


def _rank(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value < 10 ** _RANK_DIGITS:
        return value
    word = str(value).strip().lower()
    if word.isdigit() and len(word) <= _RANK_DIGITS and int(word) >= 1:
        return int(word)
    if word in _RANK_WORDS:
        return _RANK_WORDS[word]
    raise InputError(f"rank: a whole number from 1 (or first, second …), not {value!r}",
                     column="rank")


def _enum(enum: Any, value: Any, field: str) -> Any:
    try:
        return enum(str(value).strip().lower())
    except ValueError:
        known = ", ".join(m.value for m in enum)
        raise InputError(f"{field}: {value!r} is not one of {known}", column=field) from None


def _kind(item: dict[str, Any]) -> ClaimKind:
    if not any(item.get(k) is not None for k in ("kind", "value", "rank", "role")):
        raise InputError("a claim needs a value (a share or growth rate) or a rank")
    if item.get("kind") is not None:
        kind: ClaimKind = _enum(ClaimKind, item["kind"], "kind")
        return kind
    if item.get("role"):
        return ClaimKind.ROLE
    return _kind_of_value(item.get("value"), item.get("bloc") is not None,
                          item.get("rank") is not None)


def _kind_of_value(value: Any, bloc: bool, rank: bool) -> ClaimKind:
    """The kind a claim without one has from what it states: an amount ("$27 billion"), a
    bloc's share, a partner's share, or a rank alone."""
    if value is not None and parse_stated(value).unit:
        return ClaimKind.VALUE
    if bloc and (value is not None or not rank):
        return ClaimKind.BLOC_SHARE
    return ClaimKind.SHARE if value is not None else ClaimKind.RANK


def _opt(item: dict[str, Any], key: str, read: Any) -> Any:
    value = item.get(key)
    return None if value is None else read(value)


def claim_from_dict(item: dict[str, Any]) -> Claim:
    """One hand-written claim (see the module docstring); raises InputError naming the field."""
    unknown = sorted(set(item) - _FIELDS)
    if unknown:
        raise InputError(f"unknown field(s) {', '.join(unknown)}; known: {', '.join(sorted(_FIELDS))}")
    claim = Claim(
        kind=_kind(item),
        reporter=_opt(item, "reporter", lambda v: _area(v, "reporter")),
        partner=_opt(item, "partner", lambda v: _area(v, "partner")),
        bloc=_opt(item, "bloc", _bloc),
        flow=_enum(TradeFlow, item.get("flow") or "turnover", "flow"),
        period=_period(item.get("period")),
        stated=_opt(item, "value", parse_stated),
        rank=_rank(item.get("rank")),
        role=_enum(Role, item["role"], "role") if item.get("role") else None,
        text=str(item.get("text") or ""),
        lang=item.get("lang"),
        mutual=bool(item.get("mutual")),
        scope=_opt(item, "scope", lambda v: _enum(Scope, v, "scope")),
        base=_opt(item, "base", _base),
        product=_opt(item, "product", lambda v: str(v).strip() or None),
        versus=_opt(item, "versus", lambda v: _area(v, "versus")),
    )
    _strength_stated(claim, item)
    _check(claim)
    return claim


def _base(value: Any) -> PeriodRange:
    found = _period(value)
    if found is None:
        raise InputError(f"base: not a period: {value!r}", column="base")
    return found


#: the fields each kind needs (a bloc's own trade, with ``scope``, needs the bloc instead
#: of a reporter; a bloc ranked against countries needs no partner)
_NEEDS = {
    ClaimKind.SHARE: ("reporter", "partner", "value"),
    ClaimKind.RANK: ("reporter", "partner", "rank"),
    ClaimKind.BLOC_SHARE: ("reporter", "bloc", "value"),
    ClaimKind.GROWTH: ("reporter", "value"),
    ClaimKind.ROLE: ("partner", "bloc"),
    ClaimKind.VALUE: ("reporter", "value"),
    ClaimKind.CHANGE: ("reporter", "value"),
    ClaimKind.ADVANTAGE: ("reporter", "product"),
    ClaimKind.COMPLEMENTARITY: ("reporter",),
}
#: kinds whose value is an amount of money
_AMOUNT_KINDS = (ClaimKind.VALUE, ClaimKind.CHANGE)


def _needs(c: Claim) -> tuple[str, ...]:
    if c.scope is not None:
        return ("bloc", "value")
    if c.kind is ClaimKind.RANK and c.bloc is not None:  # a bloc ranked against countries
        return ("reporter", "rank")
    return _NEEDS[c.kind]


def _check_fields(c: Claim) -> None:
    have = {"value": c.stated}
    missing = [f for f in _needs(c) if (have[f] if f in have else getattr(c, f)) is None]
    if missing:
        raise InputError(f"a {c.kind.value} claim needs {', '.join(missing)}")


def _strength_stated(c: Claim, item: dict[str, Any]) -> None:
    """An advantage claim states RCA ≥ 1 (``negated: true``: < 1); a complementarity claim
    with ``versus`` states more than with it (``negated: true``: less); a ``value`` is not
    theirs."""
    from cistrade.claims.strengths_rules import advantage_stated, comparison_stated

    if c.kind not in (ClaimKind.ADVANTAGE, ClaimKind.COMPLEMENTARITY):
        return
    if item.get("value") is not None:
        raise InputError(f"a {c.kind.value} claim states no value (write negated: true for "
                         "'no advantage' / 'less than')", column="value")
    negated = bool(item.get("negated"))
    if c.kind is ClaimKind.ADVANTAGE:
        c.stated = advantage_stated(negated)
    elif c.versus is not None:
        c.stated = comparison_stated(not negated)
    if c.kind is ClaimKind.COMPLEMENTARITY and c.counterpart is None:
        raise InputError("a complementarity claim needs a partner or a bloc (the importer)")


def _check_value(c: Claim) -> None:
    stated = c.stated
    if stated is None or c.kind in (ClaimKind.ADVANTAGE, ClaimKind.COMPLEMENTARITY):
        return
    amount = stated.unit is not None
    if amount and stated.value < 0 and c.kind is not ClaimKind.CHANGE:
        raise InputError(f"value: {stated.text!r}: an amount of trade is not negative",
                         column="value")
    if (c.kind in _AMOUNT_KINDS) != amount:
        raise InputError(f"value: {stated.text!r} " + (
            "is not an amount of money (e.g. $27 billion, 27,1 млрд долларов)"
            if c.kind in _AMOUNT_KINDS else f"is an amount; a {c.kind.value} claim states "
            "a percentage (or write kind: value)"), column="value")


def _check(c: Claim) -> None:
    _check_fields(c)
    _check_value(c)
    if c.kind is ClaimKind.ROLE:
        c.role = c.role or Role.SUPPLIER
        c.rank = c.rank or 1
        c.flow = TradeFlow.IMPORT if c.role is Role.SUPPLIER else TradeFlow.EXPORT


def read_input(data: bytes | str, *, name: str = "<input>", lang: str = "auto",
               encoding: str | None = None, date: Any = None) -> list[Claim]:
    """The claims in a file's content: a claim file (YAML/JSON) or text to extract from
    (``date``: the text's date, for "last year" and months without a year)."""
    text = decode(data, name=name, encoding=encoding)
    if looks_structured(text):
        return load_claims(text, name=name)
    from cistrade.claims.extract import extract_claims

    return extract_claims(text, lang=lang, date=date)


def value_text(stated: Stated) -> str:
    """The stated value as a claim file writes it (``over 11%``, ``-8.5%``)."""
    text = stated.text or stated.label()
    try:
        parsed = parse_stated(text)
    except InputError:
        return stated.label()
    return f"-{text}" if (parsed.value < 0) != (stated.value < 0) else text


def _dumped(c: Claim) -> dict[str, Any]:
    item: dict[str, Any] = {"text": c.text, "kind": c.kind.value}
    item.update({k: getattr(c, k) for k in ("reporter", "partner", "bloc") if getattr(c, k)})
    if c.flow is not TradeFlow.TURNOVER:
        item["flow"] = c.flow.value
    item["period"] = str(c.period) if c.period else "latest"
    item.update({k: v for k, v in _optional(c).items() if v is not None})
    return item


def _optional(c: Claim) -> dict[str, Any]:
    """A claim's fields a claim file leaves out when unset."""
    return {"mutual": c.mutual or None, "scope": _value_of(c.scope),
            "base": str(c.base) if c.base else None,
            "value": value_text(c.stated) if c.stated is not None
            and c.kind not in (ClaimKind.ADVANTAGE, ClaimKind.COMPLEMENTARITY) else None,
            "rank": c.rank, "role": _value_of(c.role), "product": c.product,
            "versus": c.versus, "negated": _negated(c)}


def _negated(c: Claim) -> bool | None:
    """``negated: true`` for "no comparative advantage" / "less than"."""
    if c.kind not in (ClaimKind.ADVANTAGE, ClaimKind.COMPLEMENTARITY) or c.stated is None:
        return None
    return True if c.stated.bound.value == "under" else None


def _value_of(member: Enum | None) -> Any:
    return member.value if member is not None else None


def dump_claims(claims: list[Claim]) -> list[dict[str, Any]]:
    """Claims as claim-file mappings (the inverse of :func:`claims_from_data`)."""
    return [_dumped(c) for c in claims]
