"""The private-address guard: first URL and every redirect hop, checked before any connection."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from typing import Any

import httpcore
import pytest

from fetchers import blocked_reason, parse_url
from fetchers.client import Fetcher
from fetchers.failures import PermanentFailure
from fetchers.guard import PinnedBackend
from tests.fetchers.serving import (
    HTML,
    RecordingTransport,
    Site,
    assert_sentence,
    config_for,
    fetch,
    redirect,
)

TEXT_HTML = {"Content-Type": "text/html"}


@pytest.mark.parametrize(
    ("address", "blocked"),
    [
        ("127.0.0.1", True),
        ("10.0.0.1", True),
        ("172.16.5.4", True),
        ("192.168.1.1", True),
        ("169.254.169.254", True),  # cloud metadata
        ("100.64.0.1", True),  # carrier-grade NAT
        ("0.0.0.0", True),
        ("224.0.0.1", True),
        ("240.0.0.1", True),
        ("::1", True),
        ("::", True),
        ("fe80::1", True),
        ("fc00::1", True),
        ("ff02::1", True),
        ("::ffff:10.0.0.1", True),  # IPv4-mapped
        ("::ffff:127.0.0.1", True),
        ("64:ff9b::a00:1", True),  # NAT64 of 10.0.0.1
        ("2002:a00:1::1", True),  # 6to4 of 10.0.0.1
        ("8.8.8.8", False),
        ("93.184.216.34", False),
        ("2001:4860:4860::8888", False),
        ("::ffff:8.8.8.8", False),
    ],
)
def test_blocked_reason(address: str, blocked: bool) -> None:
    assert (blocked_reason(ipaddress.ip_address(address)) is not None) is blocked


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("ftp://example.com/x", "bad_scheme"),
        ("file:///etc/passwd", "bad_scheme"),
        ("javascript:alert(1)", "bad_scheme"),
        ("", "invalid_url"),
        ("not a url", "invalid_url"),
        ("http:///nohost", "invalid_url"),
        ("http://exa mple.com/", "invalid_url"),
    ],
)
def test_parse_url_refuses(raw: str, kind: str) -> None:
    with pytest.raises(PermanentFailure) as info:
        parse_url(raw)
    assert info.value.kind == kind


def test_parse_url_normalises() -> None:
    assert str(parse_url("  HTTP://Example.COM/a?b=1#frag ")) == "http://example.com/a?b=1"


def test_first_url_on_loopback_is_refused_without_allowance() -> None:
    with Site({"/p": (200, TEXT_HTML, HTML)}) as site:
        r = fetch(site, "/p", allowed_hosts=frozenset())
        hits = dict(site.hits)
    assert not r.ok and r.error_class == "private_address" and not r.transient
    assert hits == {}, "nothing may reach the server, not even robots.txt"
    assert len(r.attempts) == 1 and r.attempts[0].status is None
    assert "loopback" in (r.error or "")
    assert_sentence(r.error)


def test_allow_private_switch() -> None:
    with Site({"/p": (200, TEXT_HTML, HTML)}) as site:
        r = fetch(site, "/p", allowed_hosts=frozenset(), allow_private=True)
    assert r.ok


@pytest.mark.parametrize(
    "target",
    [
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:10.0.0.1]/",
        "http://0.0.0.0:{other}/",
        "http://localhost:{other}/",
        "http://127.0.0.1:{other}/",
        "http://[::1]:{other}/",
    ],
)
def test_redirect_to_private_address_is_refused_before_connecting(target: str) -> None:
    with Site({"/": (200, TEXT_HTML, HTML)}) as other, Site() as site:
        location = target.format(other=other.port)
        site.routes["/p"] = redirect(location)
        transport = RecordingTransport()
        r = fetch(site, "/p", fetcher_kw={"transport": transport})
        other_hits = dict(other.hits)
    assert not r.ok and r.error_class == "private_address" and not r.transient
    assert other_hits == {}, "the other loopback server must never be contacted"
    assert all(url.startswith(site.base) for url in transport.seen), transport.seen
    assert r.final_url.rstrip("/").startswith(location.rstrip("/")[:16])
    assert [a.status for a in r.attempts] == [302, None]
    assert_sentence(r.error)


def test_any_private_address_in_the_dns_answer_refuses_the_host() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        assert host == "news.example"
        return ["93.184.216.34", "10.1.2.3"]

    with Site({"/p": redirect("http://news.example/story")}) as site:
        transport = RecordingTransport()
        r = fetch(site, "/p", fetcher_kw={"transport": transport, "resolver": resolver})
    assert not r.ok and r.error_class == "private_address" and "10.1.2.3" in (r.error or "")
    assert not any("news.example" in u for u in transport.seen)


def test_unresolvable_host_is_dns_error() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with Site({"/p": redirect("http://no-such-host.example/")}) as site:
        r = fetch(site, "/p", fetcher_kw={"resolver": resolver})
    assert not r.ok and r.error_class == "dns_error" and not r.transient
    assert_sentence(r.error)


def test_allowed_host_without_port_and_with_wrong_port() -> None:
    with Site({"/p": (200, TEXT_HTML, HTML)}) as site:
        any_port = fetch(site, "/p", allowed_hosts=frozenset({"127.0.0.1"}))
        wrong_port = fetch(site, "/p", allowed_hosts=frozenset({f"127.0.0.1:{site.port + 1}"}))
    assert any_port.ok
    assert not wrong_port.ok and wrong_port.error_class == "private_address"


def test_dns_rebinding_between_check_and_connect_is_refused() -> None:
    """The name answers a public address to the check, then loopback: the connect must not follow."""
    calls: list[str] = []

    async def rebinding(host: str, port: int) -> list[str]:
        assert host == "localhost"
        calls.append(host)
        return ["93.184.216.34"] if len(calls) % 2 else ["127.0.0.1"]  # check, then connect, ...

    with Site({"/p": (200, TEXT_HTML, HTML)}) as site:
        r = fetch(
            site,
            f"http://localhost:{site.port}/p",
            respect_robots=False,
            retries=0,
            fetcher_kw={"resolver": rebinding, "dns_ttl": 0.0},  # every lookup asks again
        )
        hits = dict(site.hits)
    assert hits == {}, "the loopback server must never be contacted"
    assert not r.ok and r.error_class == "private_address" and not r.transient
    assert "at connect time" in (r.error or "") and "127.0.0.1" in (r.error or "")
    assert len(calls) == 2
    assert_sentence(r.error)


def test_pinned_backend_connects_to_the_checked_addresses_in_order() -> None:
    """No public network here: a recording inner backend stands in for the sockets."""

    class Recording(httpcore.AsyncNetworkBackend):
        def __init__(self) -> None:
            self.hosts: list[str] = []

        async def connect_tcp(
            self,
            host: str,
            port: int,
            timeout: float | None = None,
            local_address: str | None = None,
            socket_options: Iterable[Any] | None = None,
        ) -> httpcore.AsyncNetworkStream:
            self.hosts.append(f"{host}:{port}")
            if len(self.hosts) == 1:
                raise httpcore.ConnectError("first address down")
            return "stream"  # type: ignore[return-value]

    async def resolver(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "2001:4860:4860::8888"]

    async def go(**kw: object) -> tuple[object, list[str]]:
        inner = Recording()
        backend = PinnedBackend(inner, resolver=resolver, **kw)  # type: ignore[arg-type]
        try:
            return await backend.connect_tcp("news.example", 443, timeout=1.0), inner.hosts
        except httpcore.ConnectError as exc:
            return exc, inner.hosts

    stream, hosts = asyncio.run(go(allow_private=False, allowed_hosts=()))
    assert stream == "stream"
    assert hosts == ["93.184.216.34:443", "2001:4860:4860::8888:443"]  # never the name itself
    error, allowed = asyncio.run(go(allow_private=False, allowed_hosts=("news.example",)))
    assert allowed == ["news.example:443"]  # an allowed host is connected by name, unchecked
    assert isinstance(error, httpcore.ConnectError)


def test_fetcher_pool_connects_through_the_pinned_backend() -> None:
    """If an httpx/httpcore upgrade moves the pool internals, this fails instead of the guard going quiet."""

    async def go() -> object:
        async with Fetcher(config_for()) as f:
            return f._client._transport._pool._network_backend  # type: ignore[union-attr]

    assert isinstance(asyncio.run(go()), PinnedBackend)
