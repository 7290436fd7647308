"""The layout language: a pydantic model of one TOML file that describes a by-country table.

Every table of the model forbids keys it does not define, so a misspelt key is an error that
names the file and the key (``layouts/x.toml: shape: unknown key 'colums' (did you mean
'columns'?)``) instead of a default silently taken. :func:`load_layout` reads and validates a
file; :func:`json_schema` is the JSON Schema shipped as ``cistrade/layouts/schema.json`` (a test
keeps the two equal). The language itself is documented in ``docs/layouts.md``; the field
descriptions here are what editors show from the schema.

Values that need the country registry (the reporter, group and spelling tables, the totals a
check names) are validated against it here, so that a layout naming an unknown code fails when
it is loaded, not half-way through a file.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

from cistrade.errors import InputError, UnknownCountry
from cistrade.model import Flow, PartnerBasis, Valuation

__all__ = [
    "Layout",
    "WideShape",
    "LongShape",
    "ValueColumn",
    "ColumnRef",
    "PeriodKind",
    "load_layout",
    "parse_layout",
    "json_schema",
    "DEFAULT_NULLS",
    "DEFAULT_NOTES",
]

#: cells that mean "nothing published" unless a layout says otherwise
DEFAULT_NULLS = ("", "-", "–", "—", "…", "...", "..", "x", "X", "х", "н/д", "n/a")
#: labels of note rows (footnotes, sources) below or inside a table
DEFAULT_NOTES = r"^\s*(\d+\)|[*¹²³⁴⁵⁶⁷⁸⁹]|примечани|note\b|notes\b|источник|source\b|manba|izoh)"


class PeriodKind(StrEnum):
    """What the headings of a wide table's value columns are."""

    YEARS = "years"
    MONTHS = "months"
    QUARTERS = "quarters"
    PERIODS = "periods"  # any of those, or a cumulative run of months ("январь-сентябрь 2024")
    FLOWS = "flows"  # the headings name flows; the period comes from elsewhere


def _regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"not a regular expression: {value!r} ({exc})") from None
    return value


def _column_ref(value: Any) -> Any:
    """A column by heading (text), by position (1-based number) or by ``{pattern = "…"}``."""
    if isinstance(value, bool) or not isinstance(value, int | str | dict):
        raise ValueError(
            f"a column is a heading (text), a position (1 for the first column) or "
            f"{{pattern = '…'}}, not {value!r}"
        )
    if isinstance(value, int) and value < 1:
        raise ValueError(f"column positions start at 1, not {value}")
    if isinstance(value, dict):
        if set(value) != {"pattern"} or not isinstance(value["pattern"], str):
            raise ValueError(f"a column by pattern is {{pattern = '…'}}, not {value!r}")
        _regex(value["pattern"])
    return value


Regex = Annotated[str, BeforeValidator(lambda v: _regex(v) if isinstance(v, str) else v)]
ColumnRef = Annotated[int | str | dict[str, str], BeforeValidator(_column_ref)]
FlowPatterns = dict[Flow, Regex]


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Publisher(_Table):
    """Who publishes the table (stored with every dataset read through the layout)."""

    name: str = Field(description="The statistics office, as it names itself.")
    url: str | None = Field(None, description="Where the table is published.")
    licence: str | None = Field(None, description="The terms of reuse.")


class FileSpec(_Table):
    """What kind of file, and for a spreadsheet which sheets hold the table."""

    format: Literal["csv", "spreadsheet"] = Field(
        description="csv (text, one record a line) or spreadsheet (.xls or .xlsx, told by content)."
    )
    encoding: str | None = Field(None, description="csv: the text encoding (default UTF-8, BOM or not).")
    delimiter: str = Field(",", min_length=1, max_length=1, description="csv: the cell separator.")
    decimal: Literal[".", ","] = Field(
        ".", description="The decimal mark in text cells; with ',' a point or space groups thousands."
    )
    require_final_newline: bool = Field(
        True, description="csv: a file whose last line has no line end is read as truncated."
    )
    sheets: Regex | None = Field(
        None, description="spreadsheet: the sheets whose name matches this pattern (default: the first)."
    )


class Signature(_Table):
    """How ``ingest auto`` recognises the layout's files: every condition given must hold."""

    columns: list[str] | None = Field(
        None, min_length=1, description="One of the first 20 rows begins with these cells."
    )
    text: list[str] | None = Field(
        None, min_length=1, description="Each of these appears in the first 20 rows (any case)."
    )
    file_name: Regex | None = Field(None, description="The file name matches this pattern.")


class Header(_Table):
    """Where the header row is: a fixed row, or the first row that satisfies ``find``."""

    row: int | None = Field(None, ge=1, description="The header's row (1 is the first line).")
    find: str | None = Field(
        None,
        description="'periods': the first row with two or more period headings of the shape's "
        "kind; any other text is a pattern one of the row's cells must match.",
    )
    within: int = Field(20, ge=1, le=1000, description="How many rows from the top are searched.")
    above: int = Field(
        0, ge=0, le=5, description="Header rows above that one (e.g. Экспорт / Импорт over the years)."
    )


class ValueColumn(_Table):
    """A long table's value column, with what its figures are."""

    column: ColumnRef
    flow: Flow | None = Field(None, description="Default: from the layout's flow table.")
    basis: PartnerBasis | None = Field(None, description="Default: from the layout's basis table.")
    valuation: Valuation | None = Field(None, description="Default: from the layout's valuation table.")


class WideShape(_Table):
    """One row per partner; one column per period (and flow)."""

    kind: Literal["wide"]
    columns: PeriodKind = Field(description="What the value columns' headings are.")
    ignore: list[Regex] = Field([], description="Headings of columns to leave out (shares, notes).")


class LongShape(_Table):
    """One row per partner and period; the period in columns, the values in named columns."""

    kind: Literal["long"]
    values: list[ValueColumn] = Field(min_length=1)
    ignore: list[Regex] = Field([], description="Headings of columns to leave out.")


class PartnerSpec(_Table):
    """Which columns name the partner: a code column tried first, then names in order."""

    columns: list[ColumnRef] = Field(
        min_length=1, description="Name columns, in the order they are tried (e.g. Russian first)."
    )
    code: ColumnRef | None = Field(None, description="A column of partner codes, tried before the names.")
    code_scheme: Literal["m49", "iso3", "iso2", "comtrade", "code"] = "m49"


class UnitSpec(_Table):
    """The unit of the figures: fixed, or read from a caption above the table."""

    from_: Literal["layout", "title"] = Field(
        "layout",
        alias="from",
        description="'title': a caption such as 'тыс. долларов США' or 'thousand US dollars' "
        "in the rows above the table (or the header) gives multiplier and currency.",
    )
    multiplier: float = Field(
        1.0, gt=0, le=1e12, description="The file's figures times this are currency units."
    )
    currency: str = Field("USD", pattern=r"^[A-Z]{3}$")


class FlowSpec(_Table):
    """Exports or imports: fixed, or told by patterns (per flow) in one place of the file."""

    fixed: Flow | None = None
    header: FlowPatterns | None = Field(None, description="Per value column, from its heading.")
    sheet: FlowPatterns | None = Field(None, description="From the sheet's name.")
    title: FlowPatterns | None = Field(None, description="From the rows above the header.")
    file_name: FlowPatterns | None = Field(None, description="From the file's name.")


class PeriodSpec(_Table):
    """Where the period is: the headings (wide), columns (long), or one text for the sheet."""

    from_: Literal["header", "columns", "sheet", "title", "file_name"] | None = Field(
        None, alias="from", description="Default: header (wide) or columns (long)."
    )
    pattern: Regex | None = Field(
        None, description="sheet/title/file_name: read the first match (its first group if any)."
    )
    year: ColumnRef | None = None
    month: ColumnRef | None = None
    quarter: ColumnRef | None = None
    date: ColumnRef | None = Field(None, description="An ISO date of the period's first day.")
    text: ColumnRef | None = Field(None, description="A column of period captions (2024, 2024-03 …).")


class RowSpec(_Table):
    """Rows that are not partners: skipped by pattern, notes, and where the table ends."""

    skip: list[Regex] = Field([], description="Partner labels of rows to leave out ('в том числе').")
    stop: Regex | None = Field(None, description="Reading ends at the first row whose label matches.")
    notes: Regex = Field(DEFAULT_NOTES, description="Labels of note rows, skipped when they hold no figures.")


class Check(_Table):
    """A publisher's total compared with the sum of rows under it (a warning beyond tolerance)."""

    total: str = Field(description="The registry code of the total's row, e.g. WLD or G:CIS.")
    parts: Literal["countries", "following"] | list[str] = Field(
        description="'countries': every partner row that is no group; 'following': the partner "
        "rows after the total's row up to the next group row; or a list of group codes."
    )
    tolerance: Literal["rounding"] | float = Field(
        "rounding", description="'rounding' (half a unit of each printed digit) or a number in file units."
    )

    @field_validator("total")
    @classmethod
    def _total(cls, value: str) -> str:
        return _area(value, kinds=("world", "group")).code

    @field_validator("parts")
    @classmethod
    def _parts(cls, value: str | list[str]) -> str | list[str]:
        if isinstance(value, str):
            return value
        return [_area(code, kinds=("world", "group")).code for code in value]


class VintageSpec(_Table):
    """How one file's vintage is told from its content (never from the file's time)."""

    from_: Literal["period", "title", "sheet", "file_name"] = Field(
        "period", alias="from", description="'period': the last month the file covers."
    )
    pattern: Regex | None = Field(
        None, description="title/sheet/file_name: the first match is read as a date."
    )


class Layout(_Table):
    """One publisher's by-country table."""

    name: str | None = Field(
        None, pattern=r"^[a-z0-9][a-z0-9-]*$", description="The source name (default: the file's stem)."
    )
    title: str
    reporter: str = Field(description="The reporting country: a registry code or name.")
    example: bool = Field(
        False, description="Written from a published structure, not verified on a real file."
    )
    priority: int = Field(100, description="'ingest auto' tries sources in ascending priority.")
    publisher: Publisher
    file: FileSpec
    signature: Signature | None = None
    header: Header
    shape: Annotated[WideShape | LongShape, Field(discriminator="kind")]
    partner: PartnerSpec
    unit: UnitSpec = Field(description="Required: a table's unit is never assumed.")
    flow: FlowSpec = FlowSpec()
    valuation: dict[Flow, Valuation] = Field({}, description="Per flow; default 'unknown'.")
    basis: dict[Flow, PartnerBasis] = Field({}, description="Per flow; default 'unknown'.")
    period: PeriodSpec = PeriodSpec()
    nulls: list[str] = Field(list(DEFAULT_NULLS), description="Cells that mean 'nothing published'.")
    footnote: Regex | None = Field(
        None, description="A footnote mark to strip from labels and headings, besides *, ¹ and ' 1)'."
    )
    rows: RowSpec = RowSpec()
    groups: dict[str, str] = Field({}, description="Group rows' labels: a world/group code, or 'ignore'.")
    names: dict[str, str] = Field({}, description="Partner spellings the registry lacks: label -> code.")
    checks: list[Check] = []
    vintage: VintageSpec = VintageSpec()
    series: str | None = Field(
        None, description="What vintages replace each other within; {name} and {flow} are filled in."
    )
    vintage_scope: list[
        Literal["reporter", "partner", "flow", "freq", "period_start", "period_end", "partner_basis"]
    ] = Field(
        ["reporter", "flow", "freq", "period_start", "period_end", "partner_basis"],
        min_length=1,
        description="A newer vintage replaces the older rows that share these columns.",
    )
    notes: list[str] = Field([], description="Notes stored with every dataset read through the layout.")

    @field_validator("reporter")
    @classmethod
    def _reporter(cls, value: str) -> str:
        return _area(value, kinds=("country", "historical")).code

    @field_validator("groups")
    @classmethod
    def _groups(cls, value: dict[str, str]) -> dict[str, str]:
        return {
            label: code if code == "ignore" else _area(code, kinds=("world", "group"), key=label).code
            for label, code in value.items()
        }

    @field_validator("names")
    @classmethod
    def _names(cls, value: dict[str, str]) -> dict[str, str]:
        return {label: _area(code, key=label).code for label, code in value.items()}


def _area(code: str, *, kinds: tuple[str, ...] | None = None, key: str | None = None) -> Any:
    from cistrade.reference.countries import registry

    where = f"{key!r}: " if key else ""
    try:
        area = registry().get(code) if kinds and "group" in kinds else registry().lookup(code)
    except UnknownCountry:
        hint = ""
        if kinds and "group" in kinds:
            known = sorted(registry().codes(["world", "group"]))
            hint = f" (the registry's world and group codes: {', '.join(known)}; or 'ignore')"
        raise ValueError(f"{where}unknown code {code!r}{hint}") from None
    if kinds and area.kind not in kinds:
        raise ValueError(f"{where}{code!r} is a {area.kind}, not a {' or '.join(kinds)}")
    return area


# -- loading ------------------------------------------------------------------------------------


def _keys(model: type[BaseModel]) -> set[str]:
    keys = set()
    for name, info in model.model_fields.items():
        keys.add(info.alias or name)
        for arg in getattr(info.annotation, "__args__", (info.annotation,)):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                keys |= _keys(arg)
    return keys


_ALL_KEYS = sorted(
    _keys(Layout) | _keys(WideShape) | _keys(LongShape) | _keys(ValueColumn) | _keys(Check)
)


_MEMBER = re.compile(r"^[a-z-]+\[.*\]$|^(float|int|str|bool|list|dict|none)$")


def _path(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for i, item in enumerate(loc):
        if i == 1 and loc[0] == "shape" and item in ("wide", "long"):
            continue  # the discriminated union's tag
        if isinstance(item, int):
            parts[-1:] = [f"{parts[-1] if parts else ''}[{item}]"]
        elif item != "[key]" and not _MEMBER.match(str(item)):  # a union's member
            parts.append(str(item))
    return ".".join(parts)


def _message(error: dict[str, Any]) -> str:
    loc = tuple(error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        close = difflib.get_close_matches(key, _ALL_KEYS, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"{_path(loc[:-1]) or 'top level'}: unknown key {key!r}{hint}"
    if kind == "union_tag_invalid":
        ctx = error.get("ctx", {})
        key = str(ctx.get("discriminator", "kind")).strip("'")
        return f"{_path(loc)}.{key}: {ctx.get('tag')!r} is not one of {ctx.get('expected_tags')}"
    if loc and loc[-1] == "[key]":
        return f"{_path(loc)}: {str(loc[-2])!r} is not allowed here ({error['msg'].lower()})"
    message = str(error["msg"]).removeprefix("Value error, ")
    shown = error.get("input")
    found = f" (found {shown!r})" if not isinstance(shown, dict | list) and kind != "value_error" else ""
    return f"{_path(loc) or 'top level'}: {message}{found}"


def _messages(errors: list[dict[str, Any]]) -> list[str]:
    """One message per bad key: unknown keys first, then the missing ones (one message per
    table), then the rest, a union's alternatives merged ("… or …")."""
    missing: dict[str, list[str]] = {}
    merged: dict[str, list[str]] = {}
    for error in errors:
        if error["type"] == "missing":
            missing.setdefault(_path(tuple(error["loc"])[:-1]), []).append(str(error["loc"][-1]))
            continue
        text = _message(error)
        where, _, what = text.partition(": ")
        merged.setdefault(where, []).append(what)
    out = [f"{k}: {' or '.join(v)}" for k, v in merged.items() if "unknown key" in v[0]]
    out += [f"{f'{k}: ' if k else ''}missing required key{'s' if len(v) > 1 else ''} {', '.join(v)}"
            for k, v in missing.items()]
    out += [f"{k}: {' or '.join(v)}" for k, v in merged.items() if "unknown key" not in v[0]]
    return out


def parse_layout(text: str, *, file: str, default_name: str | None = None) -> Layout:
    """A layout from TOML text; InputError naming ``file`` and the first bad key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not a TOML file: {exc}", file=file) from None
    try:
        layout = Layout.model_validate(data)
    except ValidationError as exc:
        messages = _messages(exc.errors(include_url=False))
        more = f" (and {len(messages) - 1} more: {'; '.join(messages[1:4])})" if len(messages) > 1 else ""
        raise InputError(f"{messages[0]}{more}", file=file) from None
    if layout.name is None and default_name is not None:
        layout = layout.model_copy(update={"name": default_name})
    _consistent(layout, file)
    return layout


def _consistent(layout: Layout, file: str) -> None:
    """What the model's types cannot say: combinations that cannot read a file."""
    problems = []
    if layout.header.row is None and layout.header.find is None:
        problems.append("header: give row (a fixed row) or find ('periods' or a pattern)")
    if layout.header.find and layout.header.find != "periods":
        try:
            re.compile(layout.header.find)
        except re.error as exc:
            problems.append(f"header.find: not a regular expression: {layout.header.find!r} ({exc})")
    if layout.unit.from_ == "title" and ("multiplier" in layout.unit.model_fields_set
                                         or "currency" in layout.unit.model_fields_set):
        problems.append("unit: from = 'title' reads multiplier and currency; do not give them too")
    if layout.file.format == "csv" and layout.file.sheets:
        problems.append("file.sheets: a CSV file has no sheets")
    problems += _shape_problems(layout)
    if problems:
        raise InputError(problems[0], file=file)


def _shape_problems(layout: Layout) -> list[str]:
    shape, period, flows = layout.shape, layout.period, layout.flow
    problems = []
    if isinstance(shape, WideShape):
        if period.from_ in ("columns",) or any((period.year, period.month, period.date, period.text)):
            problems.append("period: a wide table reads its periods from the headings, not from columns")
        if shape.columns is PeriodKind.FLOWS:
            if period.from_ in (None, "header"):
                problems.append("period.from: with flow headings, say where the period is "
                                "(sheet, title or file_name)")
            if not flows.header:
                problems.append("flow.header: columns = 'flows' needs the flows' heading patterns")
        if layout.header.find == "periods" and shape.columns is PeriodKind.FLOWS:
            problems.append("header.find: 'periods' finds year headings; these headings are flows")
    else:
        if flows.header:
            problems.append("flow.header: a long table names each value column's flow in shape.values")
        given = [period.year, period.month, period.quarter, period.date, period.text]
        if period.from_ in (None, "columns") and not any(given):
            problems.append(
                "period: a long table needs its period columns (year, month, quarter, date or text)"
            )
        if period.month is not None and period.quarter is not None:
            problems.append("period: month and quarter columns cannot both be given")
    return problems


def load_layout(path: Path) -> Layout:
    """Read and validate one layout file (its name defaults to the file's stem)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the layout: {exc}", file=str(path)) from None
    return parse_layout(text, file=str(path), default_name=path.stem)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a layout file (``cistrade/layouts/schema.json``)."""
    schema = Layout.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def schema_text() -> str:
    return json.dumps(json_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
