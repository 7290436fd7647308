"""The layout language: the shipped JSON Schema is the model's, every shipped layout is valid
under both, and an invalid layout fails naming the file and the bad key."""

from __future__ import annotations

import json

import pytest

from cistrade.errors import InputError
from cistrade.sources.layout import SHIPPED, json_schema, load_layout, parse_layout, schema_text

LAYOUTS = sorted(SHIPPED.rglob("*.toml"))
EXAMPLE = (SHIPPED / "examples" / "kg-nsc.toml").read_text("utf-8")


def test_the_shipped_schema_is_the_generated_one() -> None:
    shipped = (SHIPPED / "schema.json").read_text("utf-8")
    assert shipped == schema_text(), (
        "cistrade/layouts/schema.json is stale: regenerate it with\n"
        "python -c 'from cistrade.sources.layout import schema_text; print(schema_text(), end=\"\")' "
        "> src/cistrade/layouts/schema.json"
    )
    assert json.loads(shipped)["title"] == "Layout"


@pytest.mark.parametrize("path", LAYOUTS, ids=[p.stem for p in LAYOUTS])
def test_every_shipped_layout_is_valid_under_the_model_and_the_schema(path) -> None:  # noqa: ANN001
    import tomllib

    import jsonschema

    layout = load_layout(path)
    assert layout.name == path.stem
    jsonschema.validate(tomllib.loads(path.read_text("utf-8")), json_schema())


def test_the_schema_refuses_what_the_model_refuses() -> None:
    import tomllib

    import jsonschema

    data = tomllib.loads(EXAMPLE.replace('unit = { from = "title" }', 'unit = { from = "title", multipler = 1 }'))
    with pytest.raises(jsonschema.ValidationError, match="multipler"):
        jsonschema.validate(data, json_schema())
    data = tomllib.loads(EXAMPLE.replace('columns = "years"', 'colums = "years"'))
    assert not jsonschema.Draft202012Validator(json_schema()).is_valid(data)


def _error(text: str) -> str:
    with pytest.raises(InputError) as caught:
        parse_layout(text, file="layouts/x.toml")
    return str(caught.value)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('columns = "years"', 'colums = "years"',
         "layouts/x.toml: shape: unknown key 'colums' (did you mean 'columns'?)"),
        ('partner = { columns = ["Страны", "Countries"] }', 'partner = { colums = ["Страны"] }',
         "layouts/x.toml: partner: unknown key 'colums' (did you mean 'columns'?)"),
        ('kind = "wide"', 'kind = "wid"', "layouts/x.toml: shape.kind: 'wid' is not one of 'wide', 'long'"),
        ('"ШОС" = "ignore"', '"ШОС" = "G:SCO"', "layouts/x.toml: groups: 'ШОС': unknown code 'G:SCO' (the "
         "registry's world and group codes: G:AFRICA, G:AMERICA"),
        ('reporter = "KGZ"', 'reporter = "Atlantis"', "layouts/x.toml: reporter: unknown code 'Atlantis'"),
        ('reporter = "KGZ"', 'reporter = "G:CIS"', "layouts/x.toml: reporter: 'G:CIS' is a group, not a country"),
        ('export = "экспорт|export"', 'exprt = "экспорт|export"',
         "layouts/x.toml: flow.header.exprt: 'exprt' is not allowed here (input should be 'export'"),
        ('"^Өлкөлөр$"', '"^Өлкөлөр($"', "layouts/x.toml: shape.ignore[0]: not a regular expression: '^Өлкөлөр($'"),
        ('partner = { columns = ["Страны", "Countries"] }', 'partner = { columns = [0] }',
         "layouts/x.toml: partner.columns[0]: column positions start at 1, not 0"),
        ('unit = { from = "title" }', 'unit = { from = "title", multiplier = 1000 }',
         "layouts/x.toml: unit: from = 'title' reads multiplier and currency; do not give them too"),
        ('unit = { from = "title" }', 'unit = { multiplier = -1 }',
         "layouts/x.toml: unit.multiplier: Input should be greater than 0 (found -1)"),
        ('total = "WLD"\nparts = "countries"', 'total = "RUS"\nparts = "countries"',
         "layouts/x.toml: checks[0].total: 'RUS' is a country, not a world or group"),
        ('parts = "countries"', 'parts = "countries"\ntolerance = "big"',
         "layouts/x.toml: checks[0].tolerance: Input should be 'rounding' (found 'big') or Input should be "
         "a valid number"),
        ('header = { find = "periods", above = 1 }', 'header = { above = 1 }',
         "layouts/x.toml: header: give row (a fixed row) or find ('periods' or a pattern)"),
        ('file = { format = "spreadsheet" }', 'file = { format = "pdf" }',
         "layouts/x.toml: file.format: Input should be 'csv' or 'spreadsheet' (found 'pdf')"),
        ('name = "kg-nsc"', 'name = "KG NSC"', "layouts/x.toml: name: String should match pattern"),
        ('shape = { kind = "wide", columns = "years", ignore = ["^Өлкөлөр$"] }',
         'shape = { kind = "wide", columns = "flows" }',
         "layouts/x.toml: period.from: with flow headings, say where the period is"),
    ],
)
def test_an_invalid_layout_names_the_file_and_the_key(old: str, new: str, message: str) -> None:
    assert old in EXAMPLE
    assert _error(EXAMPLE.replace(old, new, 1)).startswith(message)


def test_an_empty_layout_lists_the_keys_it_needs() -> None:
    assert _error("") == ("layouts/x.toml: missing required keys title, reporter, publisher, file, header, "
                          "shape, partner, unit")


def test_not_toml() -> None:
    assert _error("name = [").startswith("layouts/x.toml: not a TOML file: ")


def test_a_long_layout_needs_its_period_columns() -> None:
    text = EXAMPLE.replace('shape = { kind = "wide", columns = "years", ignore = ["^Өлкөлөр$"] }',
                           'shape = { kind = "long", values = [{ column = "Value" }] }')
    text = text.replace('flow = { header = { export = "экспорт|export", import = "импорт|import" } }',
                        'flow = { fixed = "export" }')
    assert _error(text).startswith("layouts/x.toml: period: a long table needs its period columns")
