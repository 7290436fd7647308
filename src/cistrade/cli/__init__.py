"""The ``cistrade`` command line: Typer app assembled from the command modules."""

from __future__ import annotations

import importlib
import logging

from cistrade.cli.base import app

__all__ = ["app", "main"]

# each module registers its commands on `app`; a module that is not there yet is skipped
_MODULES = ("core", "indicators", "claims", "fetch", "web")

for _name in _MODULES:
    try:
        importlib.import_module(f"cistrade.cli.{_name}")
    except ModuleNotFoundError as exc:  # only a missing command module itself is tolerated
        if exc.name != f"cistrade.cli.{_name}":
            raise


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()
