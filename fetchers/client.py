"""Fetcher: polite, bounded, SSRF-safe fetching of pages and feeds over one shared httpx.AsyncClient.

One ``fetch`` = up to ``1 + retries`` attempts; one attempt = one redirect chain followed by hand
(``follow_redirects=False``), where EVERY hop is checked before it is requested: http(s) only, the
private-address guard, robots.txt of that hop's origin, the redirect cap and loop detection.  Each
HTTP request is one :class:`FetchAttempt`; a refusal that never reached the network (bad URL, private
address, robots) is recorded as an attempt with ``status=None`` and ``bytes=0``, so every result's
last attempt carries its final ``error_class``.

Politeness: a global semaphore (``max_connections``), a per-host semaphore (``per_host_connections``)
and a per-host minimum gap between request starts (``per_host_delay``, raised by robots.txt
``Crawl-delay`` up to ``MAX_CRAWL_DELAY`` and pushed back by a ``Retry-After``).  Retry waits happen
outside every semaphore.

Retries (transient only): timeouts, connection errors, truncated bodies, 408, 429, 500, 502, 503,
504 and Cloudflare's 520-524.  500 is treated as transient because news CMSs often 500 under load
and recover.  Backoff is ``backoff_base * 2**(n-1)`` with equal jitter, capped at ``backoff_max``; a
``Retry-After`` (seconds or HTTP-date) is honoured as a minimum, and when it exceeds ``backoff_max``
the fetch stops and reports a transient failure for a later run instead of waiting.

``FetchResult.url`` is exactly the string the caller passed (so results join back to their input);
``final_url`` is the normalised URL actually fetched last (fragment dropped, host lower-cased,
IDNA/percent-encoded by httpx).  ``fetch`` never raises for a per-URL problem: it returns ``FetchResult(ok=False, error_class=...,
error=<sentence>, transient=...)``.  On success, a charset note (invalid bytes replaced, declared
charset wrong) is put in the ``error`` field of the last *attempt* (its ``error_class`` stays None).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import random
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import Any, Literal

import httpx

from fetchers.body import (
    GZIP_MAGIC,
    BodyTooLarge,
    BoundedBody,
    CorruptBody,
    UnsupportedEncoding,
    gunzip_bounded,
    parse_codings,
)
from fetchers.config import FetchConfig
from fetchers.content import (
    binary_reason,
    decode_text,
    is_feed_type,
    is_html_type,
    looks_like_html,
    looks_like_xml,
    media_type,
)
from fetchers.failures import Failure, PermanentFailure, TransientFailure
from fetchers.guard import (
    DNS_TTL,
    CachedResolver,
    Resolver,
    check_destination,
    host_key,
    parse_url,
    pin_connections,
    system_resolver,
)
from fetchers.robots import ROBOTS_MAX_BYTES, RobotsPolicy, allow_all, policy_from_response
from records.errors import http_error_class
from records.models import FetchAttempt, FetchResult

logger = logging.getLogger(__name__)

Kind = Literal["page", "feed"]
_RequestKind = Literal["page", "feed", "robots"]

MAX_CRAWL_DELAY = 60.0  # a robots.txt Crawl-delay above this is clamped
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_TRANSIENT_STATUS = frozenset({408, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524})
_ACCEPT = {
    "page": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
    "feed": "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.5",
    "robots": "text/plain,*/*;q=0.5",
}


@dataclass(slots=True)
class _HostState:
    sem: asyncio.Semaphore
    delay: float
    next_start: float = 0.0


@dataclass(slots=True)
class _Progress:
    status: int | None = None
    bytes: int = 0


@dataclass(frozen=True, slots=True)
class _Response:
    url: httpx.URL
    status: int
    headers: httpx.Headers
    body: bytes = b""
    charset: str | None = None
    text_url: str | None = None  # str(url), when the caller already had it

    @property
    def url_text(self) -> str:
        return self.text_url if self.text_url is not None else str(self.url)


class _Cookies(httpx.Cookies):
    """The client's cookie jar, skipping http.cookiejar's parsing when a response sets no cookie.

    ``CookieJar.extract_cookies`` only reads ``Set-Cookie``/``Set-Cookie2``; without either it does
    nothing, but httpx still builds urllib request/response adapters for every response.
    """

    def extract_cookies(self, response: httpx.Response) -> None:
        for name, _value in response.headers.raw:
            if name.lower() in (b"set-cookie", b"set-cookie2"):
                super().extract_cookies(response)
                return


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date), None if absent/bad."""
    if not value or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _status_label(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _status_failure(url: httpx.URL, status: int, headers: httpx.Headers) -> Failure:
    kind = http_error_class(status)
    transient = status in _TRANSIENT_STATUS
    message = f"The server answered {_status_label(status)} for {url}."
    if transient:
        return TransientFailure(
            kind,
            message,
            url=str(url),
            status=status,
            retry_after=parse_retry_after(headers.get("retry-after")),
        )
    return PermanentFailure(kind, message, url=str(url), status=status)


def _transport_failure(exc: Exception, url: httpx.URL, cfg: FetchConfig, progress: _Progress) -> Failure:
    """Map an httpx/asyncio exception raised during one request to a recorded failure."""
    u, s = str(url), progress.status
    host = url.host
    if isinstance(exc, TimeoutError):
        return TransientFailure(
            "timeout",
            f"No complete response from {u} within the {cfg.total_timeout:g} s deadline "
            f"({progress.bytes} bytes received).",
            url=u,
            status=s,
        )
    if isinstance(exc, httpx.ConnectTimeout):
        return TransientFailure(
            "timeout", f"Connecting to {host} took longer than {cfg.connect_timeout:g} s.", url=u, status=s
        )
    if isinstance(exc, httpx.TimeoutException):
        return TransientFailure(
            "timeout",
            f"The server {host} sent nothing for {cfg.read_timeout:g} s while we read {u} "
            f"({progress.bytes} bytes received).",
            url=u,
            status=s,
        )
    if isinstance(exc, httpx.ConnectError):
        text = str(exc) or type(exc).__name__
        if "CERTIFICATE_VERIFY_FAILED" in text or "certificate" in text.lower():
            return PermanentFailure("tls_error", f"The TLS certificate of {host} was refused: {text}.", url=u)
        return TransientFailure("connect_error", f"Could not connect to {host}: {text}.", url=u, status=s)
    if isinstance(exc, httpx.RemoteProtocolError):
        text = str(exc)
        if "without sending" in text and "response" in text:
            return TransientFailure(
                "connection_reset",
                f"The server {host} closed the connection without answering {u}.",
                url=u,
                status=s,
            )
        if "complete message body" in text or "incomplete" in text.lower():
            return TransientFailure(
                "incomplete_body",
                f"The server {host} closed the connection before the body of {u} was complete "
                f"({progress.bytes} bytes received; Content-Length promised more).",
                url=u,
                status=s,
            )
        return PermanentFailure(
            "protocol_error", f"The server {host} sent an invalid HTTP response: {text}.", url=u, status=s
        )
    if isinstance(exc, httpx.NetworkError):
        return TransientFailure(
            "connection_reset",
            f"The connection to {host} broke while fetching {u} ({exc or type(exc).__name__}).",
            url=u,
            status=s,
        )
    if isinstance(exc, httpx.InvalidURL):
        return PermanentFailure("invalid_url", f"The URL {u} is not valid ({exc}).", url=u)
    return PermanentFailure(
        "protocol_error", f"The request for {u} failed: {type(exc).__name__}: {exc}.", url=u, status=s
    )


def _check_body(kind: _RequestKind, u: str, mime: str | None, data: bytes, cap: int) -> bytes:
    """Content checks once the body is in: gzip sitemaps, empty bodies, HTML sniffing, binary bodies."""
    if kind == "robots":
        return data
    if kind == "feed":
        if data[:2] == GZIP_MAGIC:
            try:
                data = gunzip_bounded(data, cap)
            except BodyTooLarge:
                raise PermanentFailure(
                    "too_large",
                    f"The gzip document at {u} inflates to more than {cap} bytes.",
                    url=u,
                    status=200,
                ) from None
            except CorruptBody as exc:
                raise PermanentFailure(
                    "decode_error", f"The gzip document at {u} is corrupt: {exc}.", url=u
                ) from None
        if not data or data.isspace():
            raise PermanentFailure("empty_body", f"The server sent an empty body for {u}.", url=u)
        if mime is not None and not mime.startswith("text/") and "xml" not in mime and "json" not in mime:
            if not looks_like_xml(data):  # octet-stream / x-gzip that was not XML after all
                raise PermanentFailure(
                    "not_feed", f"The body of {u} (Content-Type {mime}) is not an XML feed or sitemap.", url=u
                )
        return data
    if not data or data.isspace():  # == not data.strip(), without copying the body
        raise PermanentFailure("empty_body", f"The server sent an empty body for {u}.", url=u)
    if mime is None and not looks_like_html(data):
        raise PermanentFailure(
            "not_html",
            f"The response for {u} has no Content-Type and the body does not look like HTML.",
            url=u,
        )
    reason = binary_reason(data)
    if reason:
        raise PermanentFailure(
            "not_html",
            f"The response for {u} is labelled {mime or 'nothing'} but is a binary body: {reason}.",
            url=u,
        )
    return data


class Fetcher:
    """Async context manager owning one shared ``httpx.AsyncClient`` and all politeness state.

    ``resolver``, ``transport`` and ``dns_ttl`` exist for tests (a fake DNS answer, an httpx
    MockTransport, how long a DNS answer is reused).
    """

    def __init__(
        self,
        config: FetchConfig,
        *,
        resolver: Resolver = system_resolver,
        transport: httpx.AsyncBaseTransport | None = None,
        dns_ttl: float = DNS_TTL,
    ) -> None:
        self.config = config
        self._resolver = CachedResolver(resolver, dns_ttl)  # one DNS answer per host per dns_ttl seconds
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._global: asyncio.Semaphore | None = None
        self._hosts: dict[str, _HostState] = {}
        self._robots: dict[str, tuple[float, RobotsPolicy]] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}
        self._rng = random.Random()
        self._merged_headers: dict[tuple[tuple[str, str], ...], httpx.Headers] = {}
        self._extensions: dict[str, Any] = {}

    async def __aenter__(self) -> Fetcher:
        cfg = self.config
        limits = httpx.Limits(
            max_connections=cfg.max_connections,
            max_keepalive_connections=cfg.max_connections,
            keepalive_expiry=5.0,
        )
        transport = self._transport  # None: httpx's own transport (anyio), with ``limits``
        self._client = httpx.AsyncClient(
            headers={"User-Agent": cfg.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(
                connect=cfg.connect_timeout,
                read=cfg.read_timeout,
                write=cfg.read_timeout,
                pool=cfg.total_timeout,
            ),
            limits=limits,
            follow_redirects=False,
            trust_env=False,  # no proxies from the environment: the address guard must see the real peer
            transport=transport,
        )
        if transport is None and not pin_connections(
            self._client,
            {
                "resolver": self._resolver,
                "allow_private": cfg.allow_private,
                "allowed_hosts": cfg.allowed_hosts,
            },
        ):
            logger.warning("this httpx/httpcore has no pool backend to pin: DNS rebinding is not guarded")
        if type(getattr(self._client, "_cookies", None)) is httpx.Cookies:  # httpx 0.28's attribute
            self._client._cookies = _Cookies(self._client.cookies.jar)  # same jar, cheaper extraction
        self._global = asyncio.Semaphore(cfg.max_connections)
        self._merged_headers.clear()
        self._extensions = {"timeout": self._client.timeout.as_dict()}
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    # -- public --------------------------------------------------------------------------------

    async def fetch(
        self,
        url: str,
        *,
        kind: Kind = "page",
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchResult:
        """Fetch one URL; every failure is returned as ``ok=False`` with a readable ``error``."""
        if self._client is None:
            raise RuntimeError("Fetcher.fetch() called outside 'async with Fetcher(...)'")
        if kind not in ("page", "feed"):
            raise ValueError(f"kind must be 'page' or 'feed', not {kind!r}")
        fetched_at = datetime.now(UTC)
        log: list[FetchAttempt] = []
        try:
            target = parse_url(url)
        except (TransientFailure, PermanentFailure) as exc:
            self._log_refusal(log, exc, 1)
            return self._failed(url, fetched_at, exc, log, attempts_made=1)
        headers = {"Accept": _ACCEPT[kind]}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        attempt = 0
        while True:
            attempt += 1
            try:
                resp = await self._chain(target, attempt=attempt, kind=kind, headers=headers, log=log)
                return self._succeeded(url, resp, fetched_at, log, etag, last_modified)
            except (TransientFailure, PermanentFailure) as exc:
                self._log_refusal(log, exc, attempt)
                last: Failure = exc
            except Exception as exc:  # a bug must cost one URL, never the batch
                logger.exception("unexpected error fetching %s", url)
                last = PermanentFailure(
                    "internal_error", f"Unexpected error while fetching {target}: {exc!r}.", url=str(target)
                )
                self._log_refusal(log, last, attempt)
                break
            delay = self._retry_delay(last, attempt)
            if delay is None:
                break
            await asyncio.sleep(delay)
        return self._failed(url, fetched_at, last, log, attempts_made=attempt)

    async def fetch_many(
        self,
        urls: Sequence[str],
        *,
        kind: Kind = "page",
        conditional: Mapping[str, tuple[str | None, str | None]] | None = None,
    ) -> list[FetchResult]:
        """Fetch concurrently (bounded in total and per host); results in input order."""
        cond = conditional or {}

        async def one(u: str) -> FetchResult:
            etag, modified = cond.get(u, (None, None))
            return await self.fetch(u, kind=kind, etag=etag, last_modified=modified)

        return list(await asyncio.gather(*(one(u) for u in urls)))

    # -- one attempt: a redirect chain ----------------------------------------------------------

    async def _chain(
        self,
        url: httpx.URL,
        *,
        attempt: int,
        kind: _RequestKind,
        headers: Mapping[str, str],
        log: list[FetchAttempt],
        cap: int | None = None,
    ) -> _Response:
        cfg = self.config
        current_s = str(url)
        seen = {current_s}
        current = url
        for _hop in range(cfg.max_redirects + 1):
            await check_destination(
                current,
                allow_private=cfg.allow_private,
                allowed_hosts=cfg.allowed_hosts,
                timeout=cfg.connect_timeout,
                resolver=self._resolver,
            )
            if kind != "robots" and cfg.respect_robots:
                policy = await self._robots_policy(current)
                if not policy.allows(current_s, cfg.user_agent):
                    raise PermanentFailure(
                        "robots_disallowed",
                        f"The robots.txt of {policy.origin} disallows {current} for our User-Agent.",
                        url=current_s,
                    )
            resp = await self._request(
                current,
                current_s,
                attempt=attempt,
                kind=kind,
                headers=headers,
                cap=cap or cfg.max_bytes,
                log=log,
            )
            if resp.status not in _REDIRECTS:
                return resp
            location = resp.headers["location"]  # presence checked in _send_and_read
            nxt = parse_url(location, base=current)
            nxt_s = str(nxt)
            if nxt_s in seen:
                raise PermanentFailure(
                    "redirect_loop", f"Redirect loop: {current} redirects back to {nxt}.", url=nxt_s
                )
            seen.add(nxt_s)
            current, current_s = nxt, nxt_s
        raise PermanentFailure(
            "too_many_redirects",
            f"The URL {url} redirected more than {cfg.max_redirects} times (stopped at {current}).",
            url=str(current),
        )

    async def _request(
        self,
        url: httpx.URL,
        u: str,
        *,
        attempt: int,
        kind: _RequestKind,
        headers: Mapping[str, str],
        cap: int,
        log: list[FetchAttempt],
    ) -> _Response:
        progress = _Progress()
        state = self._host(host_key(url))
        started = time.monotonic()
        try:
            async with self._slot(state):
                started = time.monotonic()
                async with asyncio.timeout(self.config.total_timeout):  # no extra task, unlike wait_for
                    resp = await self._send_and_read(
                        url, u, kind=kind, headers=headers, cap=cap, progress=progress
                    )
        except (TransientFailure, PermanentFailure) as exc:
            fail: Failure = exc
        except (TimeoutError, httpx.HTTPError, httpx.InvalidURL) as exc:
            fail = _transport_failure(exc, url, self.config, progress)
        else:
            log.append(
                FetchAttempt(
                    url=u,
                    attempt=attempt,
                    status=resp.status,
                    bytes=len(resp.body),
                    duration_ms=round((time.monotonic() - started) * 1000, 1),
                )
            )
            return resp
        if fail.status is None:
            fail.status = progress.status
        if fail.retry_after is not None:  # keep every request to this host behind the server's wish
            state.next_start = max(state.next_start, time.monotonic() + fail.retry_after)
        log.append(
            FetchAttempt(
                url=u,
                attempt=attempt,
                status=fail.status,
                bytes=progress.bytes,
                duration_ms=round((time.monotonic() - started) * 1000, 1),
                error_class=fail.kind,
                error=fail.message,
            )
        )
        fail.logged = True
        raise fail

    async def _send_and_read(
        self,
        url: httpx.URL,
        u: str,
        *,
        kind: _RequestKind,
        headers: Mapping[str, str],
        cap: int,
        progress: _Progress,
    ) -> _Response:
        assert self._client is not None
        client = self._client
        request = httpx.Request(
            "GET",
            url,
            headers=self._request_headers(headers, kind),
            cookies=client.cookies,
            extensions=self._extensions,
        )
        r = await client.send(request, stream=True)
        try:
            status = progress.status = r.status_code
            if status in _REDIRECTS and not r.headers.get("location", "").strip():
                raise PermanentFailure(
                    "bad_redirect",
                    f"The URL {u} answered {_status_label(status)} without a Location header.",
                    url=u,
                )
            if status in _REDIRECTS or status == 304:
                return _Response(url, status, r.headers, text_url=u)
            if kind == "robots" and not 200 <= status < 300:
                return _Response(url, status, r.headers, text_url=u)
            if not 200 <= status < 300:
                raise _status_failure(url, status, r.headers)
            if status == 204:
                raise PermanentFailure("empty_body", f"The server answered 204 No Content for {u}.", url=u)
            content_type = r.headers.get("content-type")
            mime, charset = media_type(content_type)
            if kind == "page" and mime is not None and not is_html_type(mime):
                raise PermanentFailure(
                    "not_html", f"The URL {u} serves {mime}, not HTML; skipped without reading it.", url=u
                )
            if kind == "feed" and not is_feed_type(mime):
                raise PermanentFailure(
                    "not_feed", f"The URL {u} serves {mime}, not a feed or sitemap; skipped.", url=u
                )
            length = r.headers.get("content-length", "").strip()
            if length.isdigit() and int(length) > cap:
                raise PermanentFailure(
                    "too_large",
                    f"The response for {u} announces {int(length)} bytes (Content-Length), over the {cap}-byte cap; not read.",
                    url=u,
                )
            try:
                body = BoundedBody(parse_codings(r.headers.get("content-encoding")), cap)
                async for chunk in r.aiter_raw():
                    body.feed(chunk)
                    progress.bytes = body.size
                data = body.finish()
            except BodyTooLarge:
                raise PermanentFailure(
                    "too_large", f"The body of {u} exceeds the {cap}-byte cap; stopped reading.", url=u
                ) from None
            except (CorruptBody, UnsupportedEncoding) as exc:
                raise PermanentFailure(
                    "decode_error", f"The body of {u} could not be decoded: {exc}.", url=u
                ) from None
            progress.bytes = len(data)
        finally:
            await r.aclose()
        data = _check_body(kind, u, mime, data, cap)
        return _Response(url, status, r.headers, data, charset, u)

    def _request_headers(self, headers: Mapping[str, str], kind: _RequestKind) -> httpx.Headers:
        """The client's headers merged with this request's, as ``client.build_request`` merges them.

        The merge (``Headers(client.headers).update(...)``) is done once per distinct set of request
        headers and copied from then on; ``client.stream``/``build_request`` redid it per request.
        """
        assert self._client is not None
        own = {**headers, "Accept": _ACCEPT[kind]}
        wanted = tuple(own.items())
        merged = self._merged_headers.get(wanted)
        if merged is None:
            merged = httpx.Headers(self._client.headers)
            merged.update(own)
            if len(self._merged_headers) < 64:  # conditional headers (ETags) are per URL: keep few
                self._merged_headers[wanted] = merged
        return merged

    # -- politeness -----------------------------------------------------------------------------

    def _host(self, key: str) -> _HostState:
        state = self._hosts.get(key)
        if state is None:
            state = self._hosts[key] = _HostState(
                asyncio.Semaphore(self.config.per_host_connections), self.config.per_host_delay
            )
        return state

    @asynccontextmanager
    async def _slot(self, state: _HostState) -> AsyncIterator[None]:
        """Per-host slot, then the per-host start gap, then a global slot."""
        assert self._global is not None
        async with state.sem:
            now = time.monotonic()
            start = max(now, state.next_start)
            state.next_start = start + state.delay
            if start > now:
                await asyncio.sleep(start - now)
            async with self._global:
                yield

    async def _robots_policy(self, url: httpx.URL) -> RobotsPolicy:
        key = host_key(url)
        origin = f"{url.scheme}://{key}"
        cached = self._robots.get(origin)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        lock = self._robots_locks.setdefault(origin, asyncio.Lock())
        async with lock:
            cached = self._robots.get(origin)
            if cached and cached[0] > time.monotonic():
                return cached[1]
            robots_url = url.join("/robots.txt")
            try:
                resp = await self._chain(
                    robots_url, attempt=1, kind="robots", headers={}, log=[], cap=ROBOTS_MAX_BYTES
                )
                policy = policy_from_response(origin, resp.status, resp.body)
            except (TransientFailure, PermanentFailure) as exc:
                policy = allow_all(origin, f"robots.txt unavailable ({exc.kind}: {exc}); allowing all")
            logger.debug("robots policy for %s: %s", origin, policy.reason)
            self._robots[origin] = (time.monotonic() + self.config.robots_ttl, policy)
            delay = policy.crawl_delay(self.config.user_agent)
            if delay:
                state = self._host(key)
                state.delay = max(self.config.per_host_delay, min(delay, MAX_CRAWL_DELAY))
            return policy

    def _retry_delay(self, exc: Failure, attempt: int) -> float | None:
        cfg = self.config
        if not exc.transient or attempt > cfg.retries:
            return None
        step = min(cfg.backoff_max, cfg.backoff_base * 2 ** (attempt - 1))
        delay = step / 2 + self._rng.uniform(0, step / 2)
        if exc.retry_after is not None:
            if exc.retry_after > cfg.backoff_max:
                return None
            delay = max(delay, exc.retry_after)
        return delay

    # -- results --------------------------------------------------------------------------------

    @staticmethod
    def _log_refusal(log: list[FetchAttempt], exc: Failure, attempt: int) -> None:
        if exc.logged:
            return
        log.append(
            FetchAttempt(
                url=exc.url,
                attempt=attempt,
                status=exc.status,
                bytes=0,
                duration_ms=0.0,
                error_class=exc.kind,
                error=exc.message,
            )
        )
        exc.logged = True

    def _failed(
        self, url: str, fetched_at: datetime, exc: Failure, log: list[FetchAttempt], *, attempts_made: int
    ) -> FetchResult:
        message = exc.message
        if exc.transient and exc.retry_after is not None and exc.retry_after > self.config.backoff_max:
            message += (
                f" The server asked to retry after {exc.retry_after:g} s (over backoff_max "
                f"{self.config.backoff_max:g} s); left for a later run."
            )
        elif attempts_made > 1:
            message += f" Gave up after {attempts_made} attempts."
        return FetchResult(
            url=url,
            final_url=exc.url or url,
            ok=False,
            status=exc.status,
            fetched_at=fetched_at,
            error_class=exc.kind,
            error=message,
            transient=exc.transient,
            attempts=tuple(log),
        )

    @staticmethod
    def _succeeded(
        url: str,
        resp: _Response,
        fetched_at: datetime,
        log: list[FetchAttempt],
        etag: str | None,
        last_modified: str | None,
    ) -> FetchResult:
        content_type = resp.headers.get("content-type")
        new_etag = resp.headers.get("etag")
        new_modified = resp.headers.get("last-modified")
        if resp.status == 304:
            return FetchResult(
                url=url,
                final_url=resp.url_text,
                ok=True,
                status=304,
                fetched_at=fetched_at,
                content_type=content_type,
                etag=new_etag or etag,
                last_modified=new_modified or last_modified,
                not_modified=True,
                attempts=tuple(log),
            )
        decoded = decode_text(resp.body, resp.charset)
        if decoded.note and log:
            log[-1] = dataclasses.replace(log[-1], error=decoded.note)
        return FetchResult(
            url=url,
            final_url=resp.url_text,
            ok=True,
            status=resp.status,
            fetched_at=fetched_at,
            body=resp.body,
            text=decoded.text,
            content_type=content_type,
            charset=decoded.charset,
            etag=new_etag,
            last_modified=new_modified,
            attempts=tuple(log),
        )


def fetch_all(
    urls: Sequence[str],
    config: FetchConfig,
    *,
    kind: Kind = "page",
    conditional: Mapping[str, tuple[str | None, str | None]] | None = None,
) -> list[FetchResult]:
    """Synchronous convenience: ``asyncio.run`` over one Fetcher (not callable from a running loop)."""

    async def run() -> list[FetchResult]:
        async with Fetcher(config) as fetcher:
            return await fetcher.fetch_many(urls, kind=kind, conditional=conditional)

    return asyncio.run(run())


__all__ = ["Fetcher", "fetch_all", "parse_retry_after", "MAX_CRAWL_DELAY", "Kind"]
