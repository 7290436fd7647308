"""Where layout files are found (kept free of the language's imports: the source registry
reads it on every look-up).

* shipped with the package (``cistrade/layouts/*.toml``): built-in sources under their names
  (``uz-stat``, ``am-armstat``); ``cistrade/layouts/examples/`` holds examples written from a
  published structure, readable as ``layout:examples/NAME`` but never registered;
* registered: ``--layout`` for one command, ``$CISTRADE_LAYOUTS`` (folders or files,
  separated like ``PATH``) and the user config folder's ``layouts/`` (platformdirs); their
  layouts are sources named by file name, and ``ingest auto`` recognises their files by the
  signature each declares;
* any file named on the command line: ``cistrade ingest layout:PATH.toml FILE…``.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from cistrade.errors import InputError

__all__ = [
    "SHIPPED", "layout_argument", "shipped_layouts", "layout_dirs", "registered_layouts", "extra_layouts",
]

#: the package's folder of layouts
SHIPPED = Path(str(resources.files("cistrade").joinpath("layouts")))
_extra: contextvars.ContextVar[tuple[Path, ...]] = contextvars.ContextVar("extra_layouts", default=())


def layout_argument(text: str) -> Path:
    """The layout file ``layout:TEXT`` names: a path, else a shipped layout (``examples/x``)."""
    path = Path(text).expanduser()
    if path.is_file():
        return path
    for candidate in (SHIPPED / text, SHIPPED / f"{text}.toml"):
        if candidate.is_file():
            return candidate
    shipped = sorted(p.relative_to(SHIPPED).with_suffix("").as_posix() for p in SHIPPED.rglob("*.toml"))
    raise InputError(f"no layout file {text!r} (the shipped layouts: {', '.join(shipped)})")


def shipped_layouts() -> dict[str, Path]:
    """The package's own layouts (not the examples): source name -> file."""
    return {p.stem: p for p in sorted(SHIPPED.glob("*.toml"))}


def layout_dirs() -> list[Path]:
    """Where registered layouts are looked for: ``--layout`` paths, ``$CISTRADE_LAYOUTS``, and
    the user config folder's ``layouts/``."""
    from platformdirs import user_config_path

    env = [Path(p).expanduser() for p in os.environ.get("CISTRADE_LAYOUTS", "").split(os.pathsep) if p]
    return [*_extra.get(), *env, user_config_path("cistrade") / "layouts"]


def registered_layouts() -> dict[str, Path]:
    """Registered layouts: source name (the file's stem) -> file; two of one name are an error."""
    found: dict[str, Path] = {}
    for place in layout_dirs():
        files = [place] if place.is_file() else sorted(place.glob("*.toml")) if place.is_dir() else []
        for file in files:
            other = found.get(file.stem)
            if other is not None and other.resolve() != file.resolve():
                raise InputError(f"two registered layouts are named {file.stem!r}: {other} and {file}")
            found.setdefault(file.stem, file)
    return found


@contextlib.contextmanager
def extra_layouts(paths: list[Path]) -> Iterator[None]:
    """Register layout files or folders for the duration of a command (``--layout``)."""
    for path in paths:
        if not Path(path).exists():
            raise InputError("no such layout file or folder", file=str(path))
    token = _extra.set((*_extra.get(), *map(Path, paths)))
    try:
        yield
    finally:
        _extra.reset(token)
