"""The indicator registry: each declaration is what the Python API, the CLI, the HTTP API and
the output contract's documentation are made from (issue #15)."""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from fastapi import APIRouter, FastAPI
from test_web_api import get
from typer.testing import CliRunner

from cistrade.cli import app
from cistrade.indicators import INDICATORS, ROW_FIELDS, Result, indicator
from cistrade.indicators.registry import CONTRACT_BEGIN, CONTRACT_END, contract_rows
from cistrade.indicators.spec import PERIOD, REPORTER, REQUIRED, Indicator, Param, Variant

CONTRACT = ROOT / "docs" / "output-contract.md"


@pytest.mark.parametrize("spec", INDICATORS, ids=lambda s: s.name)
def test_the_python_function_takes_the_declared_parameters(spec: Indicator) -> None:
    sig = inspect.signature(spec.function)
    names = [n for n in sig.parameters if n != "eng"]
    assert sorted(names) == sorted(p.name for p in spec.all_params)
    for p in spec.all_params:
        default = sig.parameters[p.name].default
        if p.default is REQUIRED:
            assert default is inspect.Parameter.empty, p.name
        else:
            assert default == p.default, (p.name, default, p.default)


def test_names_are_unique_and_the_mapping_is_read_only() -> None:
    assert len({i.name for i in INDICATORS}) == len(INDICATORS)
    assert indicator("bloc-share") is indicator("bloc_share")
    with pytest.raises(TypeError):
        ROW_FIELDS["share"] = ()  # type: ignore[index]


def test_every_indicator_is_a_cli_command_with_its_options() -> None:
    runner = CliRunner()
    for spec in INDICATORS:
        out = runner.invoke(app, [spec.command, "--help"], env={"COLUMNS": "200"}).output
        for p in spec.all_params:
            assert p.flags[0] in out, (spec.command, p.name)
        assert "--db" in out and "--format" in out and "--engine" in out
        assert spec.help.split()[0] in out


def test_every_indicator_is_a_route_with_its_bounds() -> None:
    from cistrade.web.api import router

    spec_doc = _openapi(router)
    for spec in INDICATORS:
        op = spec_doc["paths"][f"/api/v1/{spec.command}"]["get"]
        assert op["summary"] == spec.summary
        params = {q["name"]: q for q in op["parameters"]}
        assert set(params) == {p.name for p in spec.all_params}
        for p in spec.all_params:
            assert params[p.name]["required"] == p.required, (spec.name, p.name)
    top = spec_doc["paths"]["/api/v1/share"]["get"]["parameters"]
    schema = next(q for q in top if q["name"] == "top")["schema"]
    assert schema["anyOf"][0]["maximum"] == 250


def _openapi(router: APIRouter) -> dict[str, Any]:
    application = FastAPI()
    application.include_router(router)
    return application.openapi()


def test_the_contract_document_holds_the_declarations() -> None:
    text = CONTRACT.read_text(encoding="utf-8")
    block = text[text.index(CONTRACT_BEGIN):text.index(CONTRACT_END) + len(CONTRACT_END)] + "\n"
    assert block == contract_rows(), (
        "docs/output-contract.md is out of date with the indicators' declarations; run "
        "python -c 'from cistrade.indicators.registry import write_contract; write_contract()'")
    for spec in INDICATORS:
        for f in spec.fields:
            assert f"`{f}`" in spec.contract, (spec.name, f)


# -- a new indicator costs its declaration -------------------------------------------------------


def _echo(eng: Any, reporter: str, period: str, *, factor: float = 2.0, louder: bool = False,
          times: int = 2) -> Result:
    """A toy indicator: no data read, its parameters echoed back as one row; its variant
    ``louder`` adds a field."""
    row: dict[str, Any] = {"reporter": reporter, "value": factor}
    if louder:
        row["loud"] = factor * times
    return Result("echo", {"reporter": reporter, "period": period, "factor": factor,
                           "louder": louder}, [row], notes=["an echo"])


ECHO = Indicator(
    name="echo", summary="Echo", help="Echo the parameters.",
    params=(REPORTER, PERIOD, Param("factor", float, 2.0, help="A factor.", bounds={"gt": 0})),
    fields=("reporter", "value"), columns=("reporter", "value"), function=_echo,
    table=lambda b: b, contract="`reporter`, `value`.",
    variants=(Variant("louder", "the factor times a number",
                      (Param("times", int, 2, help="How many times.", bounds={"ge": 1}),),
                      ("loud",)),))


def test_a_declared_indicator_gets_its_command_and_route(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import typer

    from cistrade.cli.base import command
    from cistrade.cli.indicators import indicator_command
    from cistrade.store import Store
    from cistrade.web.api import indicator_route

    db = tmp_path / "empty.duckdb"
    Store(db).close()
    toy = typer.Typer()
    command("echo", on=toy)(indicator_command(ECHO))
    toy.command("other")(lambda: None)  # two commands: Typer keeps the names
    out = CliRunner().invoke(toy, ["echo", "-r", "KAZ", "-p", "2023", "--factor", "3",
                                   "--db", str(db), "--format", "json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert doc["query"] == {"indicator": "echo", "reporter": "KAZ", "period": "2023",
                            "factor": 3.0, "louder": False}
    out = CliRunner().invoke(toy, ["echo", "-r", "KAZ", "-p", "2023", "--louder", "--times", "4",
                                   "--db", str(db), "--format", "json"])
    assert json.loads(out.stdout)["rows"] == [{"reporter": "KAZ", "value": 2.0, "loud": 8.0}]

    application = FastAPI()
    router = APIRouter()
    router.add_api_route("/echo", indicator_route(ECHO), methods=["GET"])
    application.include_router(router)

    class Pool:
        def run(self, fn: Any) -> Any:
            return fn(None)

        async def submit(self, fn: Any) -> Any:
            return fn()

    class Cache:
        def lookup(self, key: Any) -> None:
            return None

        def get_or_compute(self, key: Any, compute: Any) -> Any:
            return compute()

    application.state.pool, application.state.cache = Pool(), Cache()
    got = get(application, "/echo", reporter="KAZ", period="2023")
    assert got.status_code == 200 and got.json()["rows"] == [{"reporter": "KAZ", "value": 2.0}]
    assert get(application, "/echo", reporter="KAZ", period="2023", factor=-1).status_code == 422
    loud = get(application, "/echo", reporter="KAZ", period="2023", louder="true", times=3)
    assert loud.json()["rows"][0]["loud"] == 6.0
    assert get(application, "/echo", reporter="KAZ", period="2023", times=0).status_code == 422
    assert "With `--louder` (the factor times a number): also `loud`." in _contract_of(ECHO)


def _contract_of(spec: Indicator) -> str:
    import cistrade.indicators.registry as registry

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(registry, "INDICATORS", (spec,))
        return registry.contract_rows()
