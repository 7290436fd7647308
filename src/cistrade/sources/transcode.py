"""Text files in other encodings than UTF-8, made readable by DuckDB's and Arrow's CSV readers.

Both readers take UTF-8 (DuckDB also UTF-16 and latin-1); a CSV saved by a Russian Excel is
cp1251, and older Unix tools wrote KOI8-R. Such a file is copied once, as UTF-8, into a
temporary folder under the same name (line for line, so every row keeps its line number),
and read from there; the copy is removed when the ingest is done or the process ends.

The encoding is the one asked for, else UTF-8; a file that is not UTF-8 stops with an error
naming the line and suggesting the likeliest legacy encoding (:mod:`cistrade.charsets`): a
wrong encoding is a bad input, never guessed silently. A byte the encoding cannot decode
stops the copy with an error naming the line.
"""

from __future__ import annotations

import atexit
import codecs
import shutil
import tempfile
from pathlib import Path

from cistrade.charsets import likeliest
from cistrade.errors import InputError

__all__ = ["text_encoding", "utf8_copy", "is_utf8", "remove", "binary_kind"]

#: first bytes of files that are no text at all, and what to call them in an error
_BINARY: tuple[tuple[bytes, str], ...] = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Excel 97-2003 workbook (.xls)"),
    (b"PK\x03\x04", "a ZIP archive"),  # .xlsx and .docx are ZIP archives too: see below
    (b"\x1f\x8b", "a gzip file"),
    (b"%PDF", "a PDF document"),
)

_BLOCK = 1 << 20
_folders: list[str] = []


def is_utf8(encoding: str) -> bool:
    """``utf-8``, ``UTF8``, ``utf_8_sig`` …: read as is (a BOM is skipped either way)."""
    return encoding.lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig")


def binary_kind(head: bytes) -> str | None:
    """What a file is when it is no text (``"an Excel workbook (.xlsx)"``, ``"a PDF
    document"`` …), from its first bytes; None for text in any encoding (UTF-16 included)."""
    for magic, kind in _BINARY:
        if head.startswith(magic):
            if magic == b"PK\x03\x04" and (b"xl/" in head or b"[Content_Types].xml" in head):
                return "an Excel workbook (.xlsx)"
            return kind
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    return "binary data" if b"\x00" in head[:4096] and not utf16 else None


def text_encoding(path: Path, head: bytes, requested: str | None) -> str:
    """The codec to read a text file whose first bytes are ``head`` with: ``requested``, else
    UTF-8. A file that is not UTF-8 is an error naming the line, and the likeliest legacy
    encoding as the one to give: data is never read in a guessed encoding."""
    if requested:
        try:
            return codecs.lookup(requested).name
        except LookupError:
            raise InputError(f"unknown encoding {requested!r} (e.g. utf-8, cp1251, koi8-r, "
                             "latin-1)", file=str(path)) from None
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:  # a character cut at the end of the head
            return "utf-8"
        bad = exc
    found = likeliest(head)
    hint = f"{codecs.lookup(found[0]).name} (the likeliest)" if found else "latin-1"
    raise InputError(f"not UTF-8 text (byte {head[bad.start]:#x}); give the encoding, "
                     f"e.g. --encoding {hint}", file=str(path),
                     row=head[: bad.start].count(b"\n") + 1)


def utf8_copy(path: Path, encoding: str) -> Path:
    """``path`` copied as UTF-8 into a temporary folder (see the module doc)."""
    folder = tempfile.mkdtemp(prefix="cistrade-utf8-")
    _folders.append(folder)
    target = Path(folder) / path.name
    try:
        _copy(path, target, encoding)
    except BaseException:
        remove(target)
        raise
    return target


def _copy(path: Path, target: Path, encoding: str) -> None:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    line = 1
    try:
        with open(path, "rb") as src, open(target, "w", encoding="utf-8", newline="") as out:
            while block := src.read(_BLOCK):
                try:
                    text = decoder.decode(block)
                except UnicodeDecodeError as exc:
                    # exc.object: what was decoded (a character cut by the previous block,
                    # then this block); its lines are counted as text, so that UTF-16's
                    # two-byte line ends and 0x0A bytes inside other characters count right
                    done = exc.object[: exc.start].decode(encoding, errors="ignore")
                    raise InputError(f"not {encoding} text (byte {exc.object[exc.start]:#x})",
                                     file=str(path), row=line + done.count("\n")) from None
                out.write(text)
                line += text.count("\n")
            out.write(decoder.decode(b"", final=True))
    except UnicodeDecodeError:
        raise InputError(f"not {encoding} text: the file ends inside a character",
                         file=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot copy the file as UTF-8: {exc.strerror}", file=str(path)) from exc


def remove(copy: Path) -> None:
    """Remove a copy made by :func:`utf8_copy` (its folder too)."""
    folder = str(copy.parent)
    shutil.rmtree(folder, ignore_errors=True)
    if folder in _folders:
        _folders.remove(folder)


@atexit.register
def _remove_all() -> None:
    for folder in list(_folders):
        shutil.rmtree(folder, ignore_errors=True)
