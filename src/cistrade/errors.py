"""One exception hierarchy for the whole package.

::

    CistradeError                       root: everything cistrade raises on purpose
    ├── InputError (also ValueError)    bad input; carries file, sheet, row, column
    │   ├── UnknownCountry              a name or code the registry does not know; lists close matches
    │   ├── UnknownBloc                 a grouping the registry does not know
    │   ├── MixedUnits                  values in different currencies or units would be added
    │   └── WorkLimit                   a text too long, or too slow, to read (cistrade.workload)
    ├── NoData                          nothing stored for a query; says what *is* available
    ├── SourceUnavailable               a publisher's API failed (URL and status, never the key)
    ├── MissingDependency               a part of cistrade cannot load; names the package to install
    └── StoreError                      the store cannot be opened or written

Library exceptions are translated at the boundary (``raise SourceUnavailable(...) from exc``).
Each class carries the HTTP status the web API answers with.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = [
    "CistradeError",
    "InputError",
    "UnknownCountry",
    "UnknownBloc",
    "MixedUnits",
    "NoData",
    "SourceUnavailable",
    "MissingDependency",
    "StoreError",
]


class CistradeError(Exception):
    """Root of every error cistrade raises on purpose."""

    status_code = 500

    def __init__(self, message: str, **detail: Any) -> None:
        super().__init__(message)
        self.message = message
        self.detail: dict[str, Any] = {k: v for k, v in detail.items() if v is not None}

    @property
    def type(self) -> str:
        return type(self).__name__

    def to_dict(self) -> dict[str, Any]:
        """The one pinned error shape: ``{"type", "message", "detail"}``."""
        return {"type": self.type, "message": str(self), "detail": self.detail}


class InputError(CistradeError, ValueError):
    """Bad input. ``str()`` names the file, sheet, row and column where they are known."""

    status_code = 400

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
        **detail: Any,
    ) -> None:
        super().__init__(message, file=file, sheet=sheet, row=row, column=column, **detail)
        self.file, self.sheet, self.row, self.column = file, sheet, row, column

    def located(
        self,
        *,
        file: str | None = None,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> InputError:
        """Fill in where the problem is, keeping what is already known."""
        self.file = self.file or file
        self.sheet = self.sheet or sheet
        self.row = self.row if self.row is not None else row
        self.column = self.column or column
        for key in ("file", "sheet", "row", "column"):
            if getattr(self, key) is not None:
                self.detail[key] = getattr(self, key)
        return self

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.sheet:
            where.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


def _cut(text: str, limit: int = 80) -> str:
    """A user's text as an error message quotes it: at most ``limit`` characters."""
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


class UnknownCountry(InputError):
    """A country name or code the registry does not know."""

    status_code = 404

    def __init__(self, name: str, suggestions: Sequence[str] = (), *, reason: str = "",
                 **where: Any) -> None:
        self.name = name
        self.suggestions = list(suggestions)
        if reason:
            hint = f" ({reason})"
        elif self.suggestions:
            hint = f"; did you mean {', '.join(self.suggestions)}?"
        else:
            hint = "; no country's name is close to it"
        super().__init__(f"unknown country {_cut(name)!r}{hint}", **where)
        self.detail["name"] = _cut(name)
        self.detail["suggestions"] = self.suggestions


class UnknownBloc(InputError):
    status_code = 404

    def __init__(self, name: str, known: Sequence[str] = ()) -> None:
        super().__init__(f"unknown bloc {_cut(name)!r}; known: {', '.join(known)}", name=_cut(name))


class MixedUnits(InputError):
    """Values in different currencies or units would be added without a conversion."""

    status_code = 422


class NoData(CistradeError):
    """Nothing stored answers the query. ``available`` says what there is instead."""

    status_code = 404

    def __init__(self, message: str, available: Any = None, **detail: Any) -> None:
        super().__init__(message, available=available, **detail)
        self.available = available


class SourceUnavailable(CistradeError):
    """A publisher's service failed: network error, timeout, HTTP error status."""

    status_code = 502

    def __init__(self, message: str, *, url: str | None = None, status: int | None = None) -> None:
        super().__init__(message, url=url, status=status)
        self.url, self.status = url, status


class MissingDependency(CistradeError):
    """A part of cistrade (a reader, an engine) cannot load because a package is missing or
    broken; the message names the package and the command that installs it."""

    status_code = 500

    def __init__(self, message: str, *, package: str | None = None) -> None:
        super().__init__(message, package=package)
        self.package = package


class StoreError(CistradeError):
    status_code = 500
