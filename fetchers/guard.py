"""URL checks and the private-address guard (SSRF protection), applied to every hop.

``parse_url`` accepts only absolute http(s) URLs with a host.  ``check_destination`` resolves the
host (``asyncio`` getaddrinfo) and refuses it when ANY address is not a public unicast address:
loopback, private, link-local, multicast, reserved, unspecified, shared (CGNAT) or otherwise not
global, for IPv4 and IPv6 (IPv4-mapped/compatible IPv6 is judged by its IPv4 address).  A host in
``allowed_hosts`` (``"host"`` or ``"host:port"``) or ``allow_private=True`` skips the check.

The Fetcher wraps its resolver in :class:`CachedResolver`: a host's successful answer is reused for
``DNS_TTL`` seconds (failures are never cached), so a crawl of one site does not call getaddrinfo
(a thread hand-off each) per page and per redirect hop.  Every hop is still checked against the
(cached) answer.

DNS rebinding: :class:`PinnedBackend` is the network backend of the Fetcher's connection pool. It
resolves the host itself, through the same cached resolver, checks every address again and connects
to a checked address (TLS still verifies and sends the host name), so an answer that changes between
``check_destination`` and the connect cannot smuggle a private address in.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import httpcore
import httpx

from fetchers.failures import PermanentFailure, TransientFailure

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]

_SCHEMES = ("http", "https")
_HOST_RE = re.compile(r"^[A-Za-z0-9._:-]+$")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
DNS_TTL = 30.0  # seconds a successful answer is reused by CachedResolver
_DNS_CACHE_MAX = 4096


def parse_url(raw: str, *, base: httpx.URL | None = None) -> httpx.URL:
    """An absolute http(s) URL without fragment; raises ``invalid_url``/``bad_scheme`` failures."""
    text = (raw or "").strip()
    try:
        url = httpx.URL(text) if base is None else base.join(text)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise PermanentFailure("invalid_url", f"The URL {text!r} is not valid ({exc}).", url=text) from None
    if url.scheme not in _SCHEMES:
        if not url.scheme:
            raise PermanentFailure("invalid_url", f"The URL {text!r} is not absolute.", url=text)
        raise PermanentFailure(
            "bad_scheme",
            f"The URL {text!r} uses scheme {url.scheme!r}; only http and https are fetched.",
            url=text,
        )
    if not url.host:
        raise PermanentFailure("invalid_url", f"The URL {text!r} has no host.", url=text)
    raw_host = url.raw_host.decode("ascii", "replace").strip("[]")
    if not _HOST_RE.match(raw_host):
        raise PermanentFailure("invalid_url", f"The URL {text!r} has an invalid host name.", url=text)
    # a fragment can only come from ``text`` (RFC 3986 joins take the reference's), so without a
    # "#" there is none to drop and the copy (a second parse) is skipped
    return url.copy_with(fragment=None) if "#" in text else url


def ascii_host(url: httpx.URL) -> str:
    """The host as sent on the wire (IDNA-encoded, IPv6 without brackets)."""
    return url.raw_host.decode("ascii", "replace")


def host_key(url: httpx.URL) -> str:
    """``host:port`` (port made explicit), the unit of per-host politeness."""
    host = ascii_host(url).lower()
    if ":" in host:
        host = f"[{host}]"
    return f"{host}:{url.port or (443 if url.scheme == 'https' else 80)}"


def blocked_reason(ip: IPAddress) -> str | None:
    """Why this address must not be contacted, or None for a public unicast address."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is None and int(ip) >> 32 == 0 and int(ip) > 1:  # deprecated IPv4-compatible ::a.b.c.d
            embedded = ipaddress.IPv4Address(int(ip))
        if embedded is not None:
            inner = blocked_reason(embedded)
            return f"embeds {embedded}, which is {inner}" if inner else None
    for flag, label in (
        ("is_unspecified", "unspecified"),
        ("is_loopback", "loopback"),
        ("is_link_local", "link-local"),
        ("is_multicast", "multicast"),
        ("is_private", "private"),
        ("is_reserved", "reserved"),
    ):
        if getattr(ip, flag):
            return label
    if not ip.is_global:
        return "not globally routable"
    return None


def is_allowed_host(url: httpx.URL, allowed_hosts: Iterable[str]) -> bool:
    allowed = set(allowed_hosts)
    if not allowed:
        return False
    host = ascii_host(url).lower()
    key = host_key(url)
    return host in allowed or key in allowed or f"[{host}]" in allowed


def _ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


class CachedResolver:
    """A :data:`Resolver` that remembers each ``(host, port)``'s successful answer for ``ttl`` s."""

    def __init__(self, resolver: Resolver, ttl: float = DNS_TTL) -> None:
        self.resolver = resolver
        self.ttl = ttl
        self._answers: dict[tuple[str, int], tuple[float, list[str]]] = {}

    def cached(self, host: str, port: int) -> list[str] | None:
        """The remembered answer, or None when there is none or it expired."""
        hit = self._answers.get((host, port))
        if hit is None or hit[0] <= time.monotonic():
            return None
        return hit[1]

    async def __call__(self, host: str, port: int) -> list[str]:
        answer = self.cached(host, port)
        if answer is not None:
            return answer
        answer = list(await self.resolver(host, port))
        if answer:
            if len(self._answers) >= _DNS_CACHE_MAX:
                now = time.monotonic()
                self._answers = {k: v for k, v in self._answers.items() if v[0] > now}
                if len(self._answers) >= _DNS_CACHE_MAX:
                    self._answers.clear()
            self._answers[(host, port)] = (time.monotonic() + self.ttl, answer)
        return answer


async def check_destination(
    url: httpx.URL,
    *,
    allow_private: bool,
    allowed_hosts: Iterable[str],
    timeout: float,
    resolver: Resolver = system_resolver,
) -> None:
    """Raise a ``private_address`` (or ``dns_error``) failure unless every address of the host is public."""
    if allow_private or is_allowed_host(url, allowed_hosts):
        return
    host = ascii_host(url)
    shown = str(url)
    literal = _ip_literal(host)
    if literal is not None:
        addresses = [literal]
    else:
        port = url.port or (443 if url.scheme == "https" else 80)  # the port connected to (one cache key)
        raw = resolver.cached(host, port) if isinstance(resolver, CachedResolver) else None
        try:
            if raw is None:
                raw = await asyncio.wait_for(resolver(host, port), timeout)
        except TimeoutError:
            raise TransientFailure(
                "dns_error", f"Resolving {host} took longer than {timeout:g} s.", url=shown
            ) from None
        except socket.gaierror as exc:
            transient = exc.errno == socket.EAI_AGAIN
            cls = TransientFailure if transient else PermanentFailure
            raise cls(
                "dns_error", f"The host {host} could not be resolved ({exc.strerror}).", url=shown
            ) from None
        except (OSError, UnicodeError) as exc:
            raise PermanentFailure(
                "dns_error", f"The host {host} could not be resolved ({exc}).", url=shown
            ) from None
        addresses = _addresses(raw)
        if not addresses:
            raise PermanentFailure("dns_error", f"The host {host} resolved to no address.", url=shown)
    blocked = _first_blocked(addresses)
    if blocked:
        raise PermanentFailure(
            "private_address",
            f"Refused to connect to {shown}: {host} resolves to {blocked[0]}, which is {blocked[1]}.",
            url=shown,
        )


def _addresses(raw: Iterable[str]) -> list[IPAddress]:
    """Resolver answers as addresses (an IPv6 zone suffix dropped)."""
    return [ipaddress.ip_address(a.split("%", 1)[0]) for a in raw]


def _first_blocked(addresses: Iterable[IPAddress]) -> tuple[IPAddress, str] | None:
    """The first address that must not be contacted, with why; None when all are public."""
    for ip in addresses:
        reason = blocked_reason(ip)
        if reason:
            return ip, reason
    return None


def _connect_allowed(host: str, port: int, allowed_hosts: Iterable[str]) -> bool:
    """``is_allowed_host`` for the (host, port) a connection is opened to."""
    allowed = set(allowed_hosts)
    if not allowed:
        return False
    h = host.lower()
    bracketed = f"[{h}]" if ":" in h else h
    return h in allowed or bracketed in allowed or f"{bracketed}:{port}" in allowed


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """httpcore network backend that connects only to addresses passing the guard.

    The host is resolved here (``resolver``: the Fetcher's cached one, so normally the very answer
    ``check_destination`` judged), every address is checked with :func:`blocked_reason`, and the
    TCP connection goes to those addresses in order; httpcore never resolves the name again.
    """

    def __init__(
        self,
        inner: httpcore.AsyncNetworkBackend,
        *,
        resolver: Resolver,
        allow_private: bool,
        allowed_hosts: Iterable[str],
    ) -> None:
        self.inner = inner
        self.resolver = resolver
        self.allow_private = allow_private
        self.allowed_hosts = frozenset(allowed_hosts)

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        kw: dict[str, Any] = {
            "timeout": timeout,
            "local_address": local_address,
            "socket_options": socket_options,
        }
        if self.allow_private or _connect_allowed(host, port, self.allowed_hosts):
            return await self.inner.connect_tcp(host, port, **kw)
        literal = _ip_literal(host)
        if literal is not None:
            addresses = [literal]
        else:
            try:
                raw = await asyncio.wait_for(self.resolver(host, port), timeout)
            except TimeoutError:
                raise httpcore.ConnectTimeout(f"resolving {host} took longer than {timeout} s") from None
            except (OSError, UnicodeError) as exc:
                raise httpcore.ConnectError(f"{host} could not be resolved ({exc})") from None
            addresses = _addresses(raw)
            if not addresses:
                raise httpcore.ConnectError(f"{host} resolved to no address")
        blocked = _first_blocked(addresses)
        if blocked:
            raise PermanentFailure(
                "private_address",
                f"Refused to connect to {host}:{port}: at connect time it resolves to {blocked[0]}, "
                f"which is {blocked[1]}.",
                url=f"{host}:{port}",
            )
        last: Exception | None = None
        for ip in addresses:
            try:
                return await self.inner.connect_tcp(str(ip), port, **kw)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are never used by the fetcher")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


def pin_connections(client: httpx.AsyncClient, backend_kw: dict[str, Any]) -> bool:
    """Make ``client``'s connection pool connect through :class:`PinnedBackend`; False when this
    httpx/httpcore does not have the expected internals (then only ``check_destination`` guards)."""
    pool = getattr(getattr(client, "_transport", None), "_pool", None)
    inner = getattr(pool, "_network_backend", None)
    if not isinstance(pool, httpcore.AsyncConnectionPool) or not isinstance(
        inner, httpcore.AsyncNetworkBackend
    ):
        return False
    pool._network_backend = PinnedBackend(inner, **backend_kw)
    return True


__all__ = [
    "PinnedBackend",
    "pin_connections",
    "parse_url",
    "host_key",
    "blocked_reason",
    "is_allowed_host",
    "check_destination",
    "system_resolver",
    "CachedResolver",
    "DNS_TTL",
]
