"""The fetchers' shared HTTP client: timeouts, bounded retries, an on-disk cache.

:class:`HttpClient` wraps an ``httpx.Client`` (inject one, or a transport, in tests):

* every request has explicit timeouts (:data:`DEFAULT_TIMEOUT`);
* HTTP 408, 429 and 5xx answers, timeouts and network errors are retried a bounded number of
  times with exponential back-off; a ``Retry-After`` header (seconds or an HTTP date) is
  honoured, and one longer than :attr:`RetryPolicy.max_retry_after` fails at once;
* each successful body is streamed to a file in the cache (``<cache>/<subdir>/<name>-<hash>``)
  and only kept once it is complete and the caller's ``validate`` accepted it, so an
  interrupted run resumes where it stopped: a re-run finds the finished responses on disk;
* the cache key is the request URL without secrets plus the ``Accept`` header; secrets
  (API keys) travel only in ``secrets`` headers, never in the URL, the cache, the logs or an
  error message;
* every failure becomes :class:`~cistrade.errors.SourceUnavailable` (URL without secrets,
  HTTP status) or, for a body that is not what it should be, :class:`~cistrade.errors.InputError`
  naming the URL. Never a traceback of httpx, never a silent ``None``.

A sidecar ``.<file>.meta.json`` beside each body records the URL, ``Accept`` header, status,
content type and retrieval time (hidden, so ``cistrade ingest auto <cache dir>`` skips it).
A refreshed download that differs from the body already cached does not overwrite it: the
earlier body and its sidecar move to ``.previous/<file>@<its retrieval time>`` (hidden too),
so a dataset ingested from it still has its file (``cistrade datasets --verify``).
"""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus, urlsplit, urlunsplit

import httpx

from cistrade import __version__
from cistrade.errors import CistradeError, InputError, SourceUnavailable
from cistrade.paths import fetch_cache_dir
from cistrade.provenance import sidecar_path

__all__ = [
    "DEFAULT_TIMEOUT",
    "RetryPolicy",
    "CachedResponse",
    "HttpClient",
    "default_cache_dir",
    "redact_url",
    "utc_now",
]

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0, read=120.0)

#: query parameters that carry credentials; removed from every URL we show or store
SECRET_PARAMS = frozenset(
    {"subscription-key", "subscription_key", "key", "apikey", "api_key", "token", "access_token"}
)
RETRY_STATUSES = frozenset({408, 429})

Validate = Callable[[Path], Any]


#: ``$CISTRADE_CACHE``, else ``fetch/`` under the cache folder (:mod:`cistrade.paths`)
default_cache_dir = fetch_cache_dir


def utc_now() -> str:
    """The current time, ISO 8601 in UTC to the second (how retrieval times are recorded)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def redact_url(url: str | httpx.URL) -> str:
    """The URL without credential parameters (``subscription-key=…``, ``token=…``)."""
    parts = urlsplit(str(url))
    if not parts.query:
        return str(url)
    kept = [
        pair
        for pair in parts.query.split("&")
        if unquote_plus(pair.partition("=")[0]).lower() not in SECRET_PARAMS
    ]
    return urlunsplit(parts._replace(query="&".join(kept)))


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a request is retried."""

    tries: int = 4  # attempts in all, the first included
    backoff: float = 1.0  # seconds before the second attempt; doubles each time
    max_backoff: float = 60.0
    max_retry_after: float = 300.0  # a server asking for a longer pause fails at once

    def wait(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        return min(self.backoff * 2 ** (attempt - 1), self.max_backoff)


@dataclass(frozen=True)
class CachedResponse:
    """A response body saved in the cache."""

    path: Path
    url: str  # without secrets
    retrieved_at: str  # ISO 8601, UTC
    from_cache: bool
    status: int
    content_type: str | None
    info: Any = None  # what ``validate`` returned for the body


class _Retry(Exception):
    """Internal: an attempt failed in a way worth retrying."""

    def __init__(self, error: SourceUnavailable, wait: float | None = None) -> None:
        super().__init__(error.message)
        self.error, self.wait = error, wait


class HttpClient:
    """GET with timeouts, bounded retries and an on-disk cache of the bodies.

    ``client`` (an ``httpx.Client``, left open) or ``transport`` (e.g. ``httpx.MockTransport``)
    replace the network in tests; ``sleep`` replaces ``time.sleep`` so tests do not wait.
    """

    def __init__(
        self,
        cache_dir: str | Path | None = None,
        *,
        client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self._owned = client is None
        self._client = client or httpx.Client(
            transport=transport,
            timeout=timeout,
            follow_redirects=True,
            headers={"User-Agent": f"cistrade/{__version__} (+https://github.com/cistrade)"},
        )

    def close(self) -> None:
        if self._owned:
            self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the cache ---------------------------------------------------------------------------

    def cache_path(
        self,
        url: str,
        *,
        accept: str = "",
        name: str = "response",
        suffix: str = "",
        subdir: str = "",
    ) -> Path:
        """Where the body of ``url`` (asked for as ``accept``) is kept."""
        digest = hashlib.sha256(f"{redact_url(url)}\n{accept}".encode()).hexdigest()[:12]
        safe = re.sub(r"[^A-Za-z0-9._+-]+", "_", name).strip("._") or "response"
        return self.cache_dir / subdir / f"{safe[:120]}-{digest}{suffix}"

    @staticmethod
    def meta_path(path: Path) -> Path:
        return sidecar_path(path)

    def get(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        secrets: Mapping[str, str] | None = None,
        name: str = "response",
        suffix: str = "",
        subdir: str = "",
        validate: Validate | None = None,
        refresh: bool = False,
    ) -> CachedResponse:
        """The body of ``url``: from the cache, or downloaded, checked and then cached.

        ``secrets`` are headers sent with the request and kept out of everything else.
        ``validate(path)`` raises :class:`InputError` for a body that is not what it should be
        (the body is then not cached) and returns what the caller wants to know of it.
        """
        headers = dict(headers or {})
        safe_url = redact_url(url)
        path = self.cache_path(url, accept=headers.get("Accept", ""), name=name,
                               suffix=suffix, subdir=subdir)
        if path.exists() and not refresh:
            cached = self._from_cache(path, safe_url, validate)
            if cached is not None:
                return cached
        return self._download(url, safe_url, headers, dict(secrets or {}), path, validate)

    def _from_cache(
        self, path: Path, safe_url: str, validate: Validate | None
    ) -> CachedResponse | None:
        meta = self._read_meta(path)
        try:
            info = validate(path) if validate else None
        except InputError as exc:
            log.warning("cached response %s is unusable (%s); fetching it again",
                        path.name, exc.message)
            path.unlink(missing_ok=True)
            return None
        log.debug("cache hit for %s: %s", safe_url, path)
        retrieved = meta.get("retrieved_at") or datetime.fromtimestamp(
            path.stat().st_mtime, UTC
        ).isoformat(timespec="seconds")
        return CachedResponse(path, meta.get("url", safe_url), retrieved, True,
                              meta.get("status", 200), meta.get("content_type"), info)

    def _read_meta(self, path: Path) -> dict[str, Any]:
        try:
            return json.loads(self.meta_path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def _download(
        self,
        url: str,
        safe_url: str,
        headers: dict[str, str],
        secrets: dict[str, str],
        path: Path,
        validate: Validate | None,
    ) -> CachedResponse:
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_name(f".{path.name}.{os.getpid()}.part")
        try:
            response = self._request(url, safe_url, {**headers, **secrets}, part, secrets)
            try:
                info = validate(part) if validate else None
            except InputError as exc:
                raise exc.located(file=safe_url) from None
            except SourceUnavailable as exc:
                raise SourceUnavailable(exc.message, url=safe_url, status=exc.status) from None
            retrieved = utc_now()
            meta = {
                "url": safe_url,
                "accept": headers.get("Accept"),
                "retrieved_at": retrieved,
                "status": response.status_code,
                "content_type": response.headers.get("Content-Type"),
                "bytes": part.stat().st_size,
            }
            self._keep_previous(path, part)
            self.meta_path(path).write_text(json.dumps(meta, indent=1), encoding="utf-8")
            os.replace(part, path)
        finally:
            part.unlink(missing_ok=True)
        log.info("fetched %s (%s bytes)", safe_url, meta["bytes"])
        return CachedResponse(path, safe_url, retrieved, False, meta["status"],
                              meta["content_type"], info)

    def _keep_previous(self, path: Path, new: Path) -> None:
        """Move a cached body that ``new`` would replace, unless both are the same bytes."""
        if not path.exists() or _same_bytes(path, new):
            return
        stamp = str(self._read_meta(path).get("retrieved_at") or datetime.fromtimestamp(
            path.stat().st_mtime, UTC).isoformat(timespec="seconds"))
        folder = path.parent / ".previous"
        folder.mkdir(exist_ok=True)
        kept = folder / f"{path.name}@{re.sub(r'[^0-9A-Za-z]', '', stamp)}"
        os.replace(path, kept)
        with contextlib.suppress(OSError):
            os.replace(self.meta_path(path), self.meta_path(kept))
        log.warning("the refreshed response differs from the cached one; the earlier body is "
                    "kept as %s", kept)

    # -- the request, with retries ----------------------------------------------------------

    def _request(
        self, url: str, safe_url: str, headers: dict[str, str], part: Path, secrets: dict[str, str]
    ) -> httpx.Response:
        """GET ``url`` into the file ``part``, retrying what is worth retrying."""
        tries = max(1, self.retry.tries)
        for attempt in range(1, tries + 1):
            log.debug("GET %s (attempt %d of %d)", safe_url, attempt, tries)
            try:
                return self._attempt(url, safe_url, headers, part, secrets)
            except _Retry as retry:
                failure = retry
            wait = failure.wait if failure.wait is not None else self.retry.wait(attempt)
            if attempt == tries:
                break
            if wait > self.retry.max_retry_after:
                raise SourceUnavailable(
                    f"{failure.error.message}; the server asks to wait {wait:.0f} s, "
                    "longer than cistrade waits: try again later",
                    url=safe_url, status=failure.error.status,
                ) from failure.__cause__
            log.info("%s; retrying in %.1f s", failure.error.message, wait)
            self.sleep(wait)
        raise SourceUnavailable(
            f"{failure.error.message} (gave up after {tries} {'try' if tries == 1 else 'tries'})",
            url=safe_url, status=failure.error.status,
        ) from failure.__cause__

    def _attempt(
        self, url: str, safe_url: str, headers: dict[str, str], part: Path, secrets: dict[str, str]
    ) -> httpx.Response:
        host = urlsplit(safe_url).netloc
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                if response.is_success:
                    with open(part, "wb") as fh:
                        for block in response.iter_bytes():
                            fh.write(block)
                    return response
                response.read()
        except httpx.TimeoutException as exc:
            error = SourceUnavailable(f"no answer from {host} in time ({type(exc).__name__})",
                                      url=safe_url)
            raise _Retry(error) from exc
        except httpx.TransportError as exc:
            text = _scrub(str(exc) or type(exc).__name__, secrets)
            raise _Retry(SourceUnavailable(f"cannot reach {host}: {text}", url=safe_url)) from exc
        except httpx.HTTPError as exc:
            text = _scrub(str(exc) or type(exc).__name__, secrets)
            raise SourceUnavailable(f"request to {host} failed: {text}", url=safe_url) from exc
        except OSError as exc:
            raise CistradeError(f"cannot write the cache file {part}: {exc}") from exc
        return self._refuse(response, host, safe_url, secrets)

    def _refuse(
        self, response: httpx.Response, host: str, safe_url: str, secrets: dict[str, str]
    ) -> httpx.Response:
        status = response.status_code
        excerpt = _scrub(_excerpt(response), secrets)
        message = f"{host} answered HTTP {status} {response.reason_phrase}".rstrip()
        if excerpt:
            message += f": {excerpt}"
        error = SourceUnavailable(message, url=safe_url, status=status)
        if status in RETRY_STATUSES or status >= 500:
            raise _Retry(error, retry_after(response))
        raise error


def _same_bytes(a: Path, b: Path) -> bool:
    if a.stat().st_size != b.stat().st_size:
        return False
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            block = fa.read(1 << 20)
            if block != fb.read(1 << 20):
                return False
            if not block:
                return True


def retry_after(response: httpx.Response) -> float | None:
    """Seconds the server asks us to wait (``Retry-After``: seconds or an HTTP date)."""
    value = response.headers.get("Retry-After")
    if value is None:
        match = re.search(r"try again in (\d+(?:\.\d+)?) second", response.text[:500], re.I)
        return float(match[1]) if match and response.status_code == 429 else None
    value = value.strip()
    with contextlib.suppress(ValueError):
        return max(0.0, float(value))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _excerpt(response: httpx.Response, limit: int = 300) -> str:
    """The gist of an error body: a JSON ``message``/``error`` field, or its first text."""
    try:
        text = response.text
    except (UnicodeDecodeError, LookupError):
        return ""
    with contextlib.suppress(ValueError):
        doc = json.loads(text)
        if isinstance(doc, dict):
            for key in ("message", "error", "detail", "title"):
                if isinstance(doc.get(key), str) and doc[key].strip():
                    return doc[key].strip()[:limit]
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(text.split())[:limit]


def _scrub(text: str, secrets: Mapping[str, str]) -> str:
    for value in secrets.values():
        if value:
            text = text.replace(value, "***")
    return redact_url(text) if text.startswith("http") else text
