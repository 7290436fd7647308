"""Bounding the work one text may cost: its length, its sentences and its time.

Finding the claims in a text is regular-expression work, and a regular expression that
backtracks can take quadratic time on a hostile input (a run of 8,000 digits once took 5 s
and doubling it quadrupled that). Python's ``re`` holds the GIL for the whole match, so a
thread cannot be interrupted and every other thread (the web server's event loop, its
``/healthz``) stops with it. :func:`extract_within` therefore runs the extraction in a child
process with a time limit, killed when it runs over, after :func:`check_size` has refused a
text longer than :data:`MAX_CHARS` or with more than :data:`MAX_SENTENCES` sentences.

Both ``POST /api/v1/check`` and ``cistrade check FILE`` go through here.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from typing import Any

from cistrade.errors import InputError, _cut

__all__ = ["MAX_CHARS", "MAX_SENTENCES", "WorkLimit", "check_size", "extract_within", "seconds"]

#: the longest text one request or one ``check`` reads (about 15,000 words)
MAX_CHARS = 100_000
#: the most sentences one text may have
MAX_SENTENCES = 2_000
#: seconds the extraction of one text may take (``$CISTRADE_CHECK_SECONDS``)
DEFAULT_SECONDS = 10.0


class WorkLimit(InputError):
    """A text whose claims would take longer to find than one request may take."""

    status_code = 422


def seconds() -> float:
    try:
        value = float(os.environ.get("CISTRADE_CHECK_SECONDS", DEFAULT_SECONDS))
    except ValueError:
        value = DEFAULT_SECONDS
    return min(max(value, 0.1), 600.0)


def check_size(text: str, *, name: str | None = None) -> None:
    """Refuse a text beyond :data:`MAX_CHARS` characters or :data:`MAX_SENTENCES` sentences."""
    if len(text) > MAX_CHARS:
        raise WorkLimit(f"the text has {len(text):,} characters; at most {MAX_CHARS:,} are read at "
                        "once: split it", file=name)
    from cistrade.claims.text import sentences

    n = len(sentences(text))
    if n > MAX_SENTENCES:
        raise WorkLimit(f"the text has {n:,} sentences; at most {MAX_SENTENCES:,} are read at once: "
                        "split it", file=name)


#: the child's address-space limit (a YAML claim file of nested aliases expands without end)
CHILD_MEMORY = 2 << 30


def _limit_memory() -> None:
    """:data:`CHILD_MEMORY` more than the child has mapped already (a forked child starts
    with its parent's address space, DuckDB's and Arrow's included)."""
    import resource

    try:
        with open("/proc/self/statm") as fh:
            mapped = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return
    limit = mapped + CHILD_MEMORY
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard == resource.RLIM_INFINITY or limit <= hard:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _child(conn: Any, text: str, lang: str, name: str | None, files: bool, when: Any = None) -> None:
    """In the child: the claims, or the error's message."""
    try:
        _limit_memory()
        if files:  # a claim file (YAML/JSON) or a text, told apart by content
            from cistrade.claims.io import read_input

            conn.send(("ok", read_input(text, name=name or "<input>", lang=lang, date=when)))
            return
        from cistrade.claims.extract import extract_claims

        conn.send(("ok", extract_claims(text, lang=lang, date=when)))
    except InputError as exc:
        conn.send(("error", exc.message))
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which names it
        conn.send(("internal", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def extract_within(text: str, lang: str = "auto", *, limit: float | None = None,
                   name: str | None = None, files: bool = False, date: Any = None) -> list[Any]:
    """The claims of ``text`` (:func:`cistrade.claims.extract_claims`; with ``files``, a
    claim file's or a text's, :func:`cistrade.claims.read_input`), found in a child process
    (``date``: the text's date, for "last year" and months without a year) that is killed
    after ``limit`` seconds (default :func:`seconds`); over the limit,
    :class:`WorkLimit`. The child is forked when this process runs one thread (the CLI:
    nearly free), else made by a fork server (the web server: forking a process with threads
    is not safe)."""
    check_size(text, name=name)
    limit = seconds() if limit is None else limit
    method = "fork" if threading.active_count() == 1 else "forkserver"
    ctx = multiprocessing.get_context(method)
    if method == "forkserver":
        ctx.set_forkserver_preload(["cistrade.claims.extract", "cistrade.claims.io"])
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, text, lang, name, files, date), daemon=True)
    proc.start()
    send.close()
    try:
        if not receive.poll(limit):
            raise WorkLimit(
                f"finding the claims took over {limit:g} s and was stopped: the text is too long "
                "or holds something no statement has (a run of thousands of digits?); shorten it",
                file=name)
        status, payload = receive.recv()
    except EOFError:
        raise InputError(f"the claim reader stopped on this text (exit {proc.exitcode})",
                         file=name) from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        receive.close()
    if status == "ok":
        return payload
    if status == "error":
        raise InputError(payload, file=name)
    # an exception the claim reader did not foresee on this text: still an error naming it
    raise InputError(f"the claim reader failed on this text ({_cut(payload, 200)}); please "
                     "report it", file=name)
