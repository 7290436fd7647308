"""The ``cistrade`` command line: Typer app assembled from the command modules."""

from __future__ import annotations

import importlib
import logging

from cistrade.cli.base import app

__all__ = ["app", "main"]

# each module registers its commands on `app`; every one of them must load (a command that
# silently went missing would be a skip, which #12 rules out)
_MODULES = ("core", "indicators", "claims", "fetch", "web", "agenda")

for _name in _MODULES:
    importlib.import_module(f"cistrade.cli.{_name}")


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()
