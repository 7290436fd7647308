"""Sources: one module per publisher, found by name or by content.

Built-in sources are listed in :data:`BUILTIN`; third-party ones arrive through the
``cistrade.sources`` entry point group (``name = "package.module:SourceClass"``). Layout
files (:mod:`cistrade.sources.layout`) are sources too: the package's own (``uz-stat``,
``am-armstat``) are built-in, registered folders add theirs (named by file), and
``layout:PATH.toml`` names any file.

A source that cannot load is never skipped in silence:

* a **built-in** source that fails to import raises :class:`~cistrade.errors.MissingDependency`
  at once, naming the package to install (it is a broken installation of cistrade itself);
* a **third-party** entry point that fails is left out, logged once by name, and listed with
  its reason by :func:`source_status` (``cistrade sources``);
* a **registered layout** that is invalid, or takes another source's name, is an error naming
  its file wherever the sources are listed.
"""

from __future__ import annotations

import importlib
import logging
import re
from dataclasses import dataclass
from functools import cache
from importlib.metadata import PackageNotFoundError, entry_points, requires
from pathlib import Path

from cistrade.errors import InputError, MissingDependency
from cistrade.sources.base import ReadResult, Source, SqlData, Supports
from cistrade.sources.layout import places as _layouts

__all__ = [
    "Source",
    "ReadResult",
    "SqlData",
    "Supports",
    "SourceStatus",
    "get_source",
    "source_names",
    "source_status",
    "detect",
    "is_reference_file",
]

log = logging.getLogger(__name__)

BUILTIN: dict[str, str] = {
    "tidy": "cistrade.sources.tidy:TidySource",
    "ru-fts": "cistrade.sources.national.ru_fts:RuFtsSource",
    "kz-bns": "cistrade.sources.national.kz_bns:KzBnsSource",
    "eurostat": "cistrade.sources.eurostat:EurostatSource",
    "comtrade": "cistrade.sources.comtrade:ComtradeSource",
    "imf": "cistrade.sources.imf:ImfSource",
    "baci": "cistrade.sources.baci:BaciSource",
}
# the package's layout files (uz-stat, am-armstat): "layout:" targets
BUILTIN.update({name: f"layout:{path}" for name, path in _layouts.shipped_layouts().items()})

#: import names whose distribution is spelled differently
_DISTRIBUTION = {"yaml": "pyyaml", "ibis": "ibis-framework", "vl_convert": "vl-convert-python"}


@dataclass(frozen=True)
class SourceStatus:
    """Whether one source loads here, and why not."""

    name: str
    target: str  # "package.module:Class"
    origin: str  # "built-in" or the distribution that declares the entry point
    available: bool
    reason: str = ""
    title: str = ""


def install_hint(module: str | None) -> str:
    """The pip command that installs the distribution providing ``module`` (as cistrade
    declares it, with its version bound), e.g. ``pip install 'python-calamine>=0.2'``."""
    top = (module or "").split(".")[0]
    wanted = _norm(_DISTRIBUTION.get(top, top))
    try:
        declared = requires("cistrade") or []
    except PackageNotFoundError:
        declared = []
    for req in declared:
        spec = req.split(";")[0].strip()
        name = re.split(r"[\s\[<>=!~]", spec, maxsplit=1)[0]
        if _norm(name) == wanted:
            return f"pip install '{spec}'"
    return f"pip install {_DISTRIBUTION.get(top, top) or 'cistrade'}"


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _load(target: str) -> type[Source]:
    if target.startswith("layout:"):
        from cistrade.sources.layout.source import layout_source

        path = Path(target.removeprefix("layout:"))
        return layout_source(path, name=path.stem)  # a registered layout is named by its file
    module, _, attr = target.partition(":")
    cls = getattr(importlib.import_module(module), attr)
    if not (isinstance(cls, type) and issubclass(cls, Source)):
        raise TypeError(f"{target} is not a cistrade Source class")
    return cls


def _load_builtin(name: str, target: str) -> type[Source]:
    try:
        return _load(target)
    except ImportError as exc:
        missing = getattr(exc, "name", None)
        raise MissingDependency(
            f"the built-in source {name!r} cannot load: {exc}. This installation of cistrade "
            f"lacks a package it declares; install it with: {install_hint(missing)} "
            "(or reinstall cistrade: pip install -e .)",
            package=missing,
        ) from exc


@cache
def _plugins() -> tuple[dict[str, tuple[str, str]], dict[str, SourceStatus]]:
    """Third-party entry points: (name → (target, distribution)) of those that load, and
    the status of those that do not. Each failure is logged once, by name."""
    found: dict[str, tuple[str, str]] = {}
    broken: dict[str, SourceStatus] = {}
    for ep in entry_points(group="cistrade.sources"):
        dist = getattr(ep.dist, "name", None) or "an installed package"
        if ep.name in BUILTIN or ep.name in found:
            continue  # cistrade's own entry point for tidy, or a name taken already
        try:
            _load(ep.value)
        except Exception as exc:  # noqa: BLE001 - a third party's module may raise anything
            reason = f"{type(exc).__name__}: {exc}"
            log.warning("source %r (%s, from %s) cannot load and is left out: %s",
                        ep.name, ep.value, dist, reason)
            broken[ep.name] = SourceStatus(ep.name, ep.value, dist, False, reason)
            continue
        found[ep.name] = (ep.value, dist)
    return found, broken


def _registered() -> dict[str, str]:
    """The registered layout folders' sources, name → ``layout:`` target (read each time: the
    folders change); a name another source has is an error."""
    found = {}
    for name, path in _layouts.registered_layouts().items():
        if name in BUILTIN or name in _plugins()[0]:
            raise InputError(f"the registered layout {path} has the name of the source {name!r}; rename it")
        found[name] = f"layout:{path}"
    return found


def source_names() -> list[str]:
    """Names of the sources that can be used here: every built-in one (raising
    :class:`MissingDependency` if one cannot load), the registered layouts (raising
    :class:`InputError` for an invalid one), then the third-party ones that load."""
    for name, target in BUILTIN.items():
        _load_builtin(name, target)
    registered = _registered()
    for target in registered.values():
        _load(target)
    return [*BUILTIN, *registered, *_plugins()[0]]


def source_status() -> list[SourceStatus]:
    """Every source cistrade knows of, whether it loads here, and why not (built-in sources
    included: this reports a broken installation instead of raising)."""
    rows = []
    for name, target in BUILTIN.items():
        try:
            cls = _load_builtin(name, target)
        except MissingDependency as exc:
            rows.append(SourceStatus(name, target, "built-in", False, str(exc)))
            continue
        rows.append(SourceStatus(name, target, "built-in", True, title=cls.title))
    for name, target in _registered().items():
        try:
            rows.append(SourceStatus(name, target, "registered layout", True, title=_load(target).title))
        except InputError as exc:
            rows.append(SourceStatus(name, target, "registered layout", False, str(exc)))
    plugins, broken = _plugins()
    for name, (target, dist) in plugins.items():
        rows.append(SourceStatus(name, target, dist, True, title=_load(target).title))
    return rows + list(broken.values())


def get_source(name: str) -> type[Source]:
    if name.startswith("layout:"):
        from cistrade.sources.layout.source import layout_source

        return layout_source(_layouts.layout_argument(name.removeprefix("layout:")))
    registered = _registered()  # first: a layout that takes a built-in name is an error
    if name in BUILTIN:
        return _load_builtin(name, BUILTIN[name])
    if name in registered:
        return _load(registered[name])
    plugins, broken = _plugins()
    if name in plugins:
        return _load(plugins[name][0])
    if name in broken:
        raise MissingDependency(f"the source {name!r} ({broken[name].target}, from "
                                f"{broken[name].origin}) cannot load: {broken[name].reason}")
    raise InputError(f"unknown source {name!r}; known: {', '.join(source_names())}")


#: files that travel with the data but hold none: publishers' readmes and reference tables
#: (country and product code lists, API recordings' manifests). A folder ingest passes them
#: by and still succeeds; any other file no reader recognises makes it fail.
_REFERENCE_NAMES = re.compile(
    r"""^(readme.*|licen[cs]e.*|notice.*|changelog.*|manifest\.json
        |country_codes_v\w+\.csv|product_codes_\w+\.csv     # CEPII BACI
        |reporters\.json|partners\.json|reporters_reference\.csv|partners_reference\.csv
        |.*\.(md|rst|pdf|html?|docx?)
        |\d\d-availability_\w+\.json)$                       # IMF availability queries
    """,
    re.IGNORECASE | re.VERBOSE,
)


def is_reference_file(path: Path) -> bool:
    """True for a file that accompanies trade data but is none (a readme, a publisher's
    country or product code table, a recorded API's manifest)."""
    return bool(_REFERENCE_NAMES.match(path.name))


def candidates() -> list[type[Source]]:
    """The sources :func:`detect` asks, in the order it asks them (``tidy`` last: it reads
    any plain table). Worked out once for a folder of files: loading every source and
    listing the registered layouts costs a few milliseconds, which 500 files would pay
    500 times."""
    found = sorted((get_source(n) for n in source_names() if n != "tidy"), key=lambda c: c.priority)
    return [*found, get_source("tidy")]


def detect(path: Path, among: list[type[Source]] | None = None) -> type[Source]:
    """The source whose reader recognises this file's content (not its name); ``among``:
    :func:`candidates`, when the caller asks for many files."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(65536)
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", file=str(path)) from exc
    if not head:
        raise InputError("the file is empty", file=str(path))
    problems: list[str] = []
    for cls in among if among is not None else candidates():
        if _sniffs(cls, path, head, problems):
            return cls
    why = f" ({problems[0]})" if problems else ""
    raise InputError(
        "cannot tell which publisher's format this is; name the source explicitly "
        f"(one of {', '.join(source_names())}){why}",
        file=str(path),
    )


def _sniffs(cls: type[Source], path: Path, head: bytes, problems: list[str]) -> bool:
    """Whether ``cls`` recognises the file. A sniffer that fails on a damaged file (a
    workbook the spreadsheet library cannot open …) does not recognise it; what it said is
    kept for the message, so that one bad file never ends a folder's detection."""
    try:
        return bool(cls.sniff(path, head))
    except InputError as exc:
        problems.append(exc.message)
    except Exception as exc:  # noqa: BLE001 - a sniffer meeting a damaged file
        log.debug("%s: the %s sniffer failed", path, cls.name, exc_info=exc)
        problems.append(f"the {cls.name} reader could not look at it: {type(exc).__name__}")
    return False
