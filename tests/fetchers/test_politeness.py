"""Politeness and protocol manners: concurrency bounds, per-host delay, robots.txt, conditional GET."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler

import pytest

from fetchers import FetchConfig, Fetcher, fetch_all, parse_retry_after
from records.models import FetchResult
from tests.fetchers.serving import HTML, UA, InFlight, Site, assert_sentence, config_for, fetch, gaps, head

TEXT_HTML = {"Content-Type": "text/html"}


def _many(cfg: FetchConfig, urls: list[str], **kw: object) -> list[FetchResult]:
    async def go() -> list[FetchResult]:
        async with Fetcher(cfg) as f:
            return await f.fetch_many(urls, **kw)  # type: ignore[arg-type]

    return asyncio.run(go())


def test_per_host_concurrency_is_bounded() -> None:
    flight = InFlight(hold=0.15)
    with Site({"/slow": flight.handler}) as site:
        cfg = config_for(site, per_host_connections=3, max_connections=32)
        results = _many(cfg, [site.url(f"/slow?i={i}") for i in range(12)])
    assert all(r.ok for r in results)
    assert flight.max <= 3, f"server saw {flight.max} requests in flight"
    assert flight.max >= 2, "requests should overlap up to the bound"


def test_total_concurrency_is_bounded_across_hosts() -> None:
    flight = InFlight(hold=0.15)
    with Site({"/slow": flight.handler}) as a, Site({"/slow": flight.handler}) as b:
        cfg = config_for(a, b, per_host_connections=4, max_connections=2)
        urls = [s.url(f"/slow?i={i}") for i in range(5) for s in (a, b)]
        results = _many(cfg, urls)
    assert all(r.ok for r in results)
    assert flight.max <= 2 and flight.max >= 2


def test_per_host_delay_spaces_request_starts() -> None:
    flight = InFlight(hold=0.0)
    with Site({"/p": flight.handler}) as site:
        cfg = config_for(site, per_host_delay=0.2, respect_robots=False)
        results = _many(cfg, [site.url(f"/p?i={i}") for i in range(4)])
    assert all(r.ok for r in results)
    assert len(flight.starts) == 4
    assert min(gaps(flight.starts)) >= 0.15, gaps(flight.starts)  # 0.2 s asked; slack for thread jitter


def test_results_keep_input_order_even_when_slow_first() -> None:
    def slow(h: BaseHTTPRequestHandler) -> None:
        time.sleep(0.3)
        head(h, 200, {"Content-Type": "text/html", "Content-Length": str(len(HTML))})
        h.wfile.write(HTML)

    with Site({"/slow": slow, "/fast": (200, TEXT_HTML, HTML)}) as site:
        urls = [site.url("/slow"), site.url("/fast"), site.url("/missing")]
        results = _many(config_for(site), urls)
    assert [r.url for r in results] == urls
    assert [r.ok for r in results] == [True, True, False]


def test_result_url_is_the_callers_string() -> None:
    with Site({"/a": (200, TEXT_HTML, HTML)}) as site:
        raw = f"HTTP://127.0.0.1:{site.port}/a#section"
        (r,) = _many(config_for(site), [raw])
    assert r.ok and r.url == raw and r.final_url == site.url("/a")


# -- robots.txt ----------------------------------------------------------------------------------


def test_robots_disallow_is_obeyed_and_fetched_once() -> None:
    robots = b"User-agent: *\nDisallow: /private/\n"
    routes = {
        "/robots.txt": (200, {"Content-Type": "text/plain"}, robots),
        "/private/secret": (200, TEXT_HTML, HTML),
        "/public": (200, TEXT_HTML, HTML),
        "/feed.xml": (200, {"Content-Type": "application/rss+xml"}, b"<rss/>"),
        "/private/feed.xml": (200, {"Content-Type": "application/rss+xml"}, b"<rss/>"),
    }
    with Site(routes) as site:
        cfg = config_for(site)

        async def go() -> list[FetchResult]:
            async with Fetcher(cfg) as f:
                pages = await f.fetch_many([site.url("/private/secret"), site.url("/public")])
                feeds = await f.fetch_many(
                    [site.url("/feed.xml"), site.url("/private/feed.xml")], kind="feed"
                )
                return pages + feeds

        secret, public, feed, private_feed = asyncio.run(go())
        hits = dict(site.hits)
    assert not secret.ok and secret.error_class == "robots_disallowed" and not secret.transient
    assert secret.attempts[0].status is None and len(secret.attempts) == 1
    assert_sentence(secret.error)
    assert public.ok and feed.ok
    assert not private_feed.ok and private_feed.error_class == "robots_disallowed"
    assert "/private/secret" not in hits and "/private/feed.xml" not in hits
    assert hits["/robots.txt"] == 1


def test_robots_rules_for_our_user_agent_token() -> None:
    robots = b"User-agent: KabarTest\nDisallow: /\n\nUser-agent: *\nAllow: /\n"
    with Site({"/robots.txt": (200, {}, robots), "/p": (200, TEXT_HTML, HTML)}) as site:
        r = fetch(site, "/p")
    assert r.error_class == "robots_disallowed"


def test_robots_redirecting_into_a_disallowed_path() -> None:
    robots = b"User-agent: *\nDisallow: /members/\n"
    routes = {
        "/robots.txt": (200, {}, robots),
        "/go": (302, {"Location": "/members/story"}, b""),
        "/members/story": (200, TEXT_HTML, HTML),
    }
    with Site(routes) as site:
        r = fetch(site, "/go")
        hits = dict(site.hits)
    assert r.error_class == "robots_disallowed" and "/members/story" not in hits


@pytest.mark.parametrize("robots_status", [404, 403, 500, 503])
def test_robots_errors_allow_everything(robots_status: int) -> None:
    with Site({"/robots.txt": (robots_status, {}, b"nope"), "/p": (200, TEXT_HTML, HTML)}) as site:
        r = fetch(site, "/p")
        hits = dict(site.hits)
    assert r.ok
    assert hits["/robots.txt"] == 1, "robots.txt is not retried"


def test_robots_timeout_allows() -> None:
    def stall(h: BaseHTTPRequestHandler) -> None:
        time.sleep(1.5)

    with Site({"/robots.txt": stall, "/p": (200, TEXT_HTML, HTML)}) as site:
        r = fetch(site, "/p", read_timeout=0.3)
    assert r.ok


def test_crawl_delay_raises_the_per_host_delay() -> None:
    flight = InFlight(hold=0.0)
    robots = b"User-agent: *\nCrawl-delay: 0.3\n"
    with Site({"/robots.txt": (200, {}, robots), "/p": flight.handler}) as site:
        cfg = config_for(site, per_host_delay=0.0)
        results = _many(cfg, [site.url(f"/p?i={i}") for i in range(3)])
    assert all(r.ok for r in results)
    assert min(gaps(flight.starts)) >= 0.22, gaps(flight.starts)  # 0.3 s asked


# -- conditional GET -----------------------------------------------------------------------------


def test_conditional_get_roundtrip() -> None:
    modified = "Wed, 21 Oct 2015 07:28:00 GMT"
    seen: list[tuple[str | None, str | None]] = []
    lock = threading.Lock()

    def handler(h: BaseHTTPRequestHandler) -> None:
        inm, ims = h.headers.get("If-None-Match"), h.headers.get("If-Modified-Since")
        with lock:
            seen.append((inm, ims))
        if inm == '"v1"':
            head(h, 304, {"ETag": '"v1"', "Content-Length": "0"})
            return
        head(h, 200, {"Content-Type": "text/html", "ETag": '"v1"', "Last-Modified": modified,
                      "Content-Length": str(len(HTML))})  # fmt: skip
        h.wfile.write(HTML)

    with Site({"/p": handler}) as site:
        first = fetch(site, "/p")
        assert first.ok and first.etag == '"v1"' and first.last_modified == modified
        url = site.url("/p")
        again = _many(config_for(site), [url], conditional={url: (first.etag, first.last_modified)})[0]
    assert again.ok and again.not_modified and again.status == 304 and again.body == b""
    assert again.etag == '"v1"' and again.last_modified == modified
    assert seen == [(None, None), ('"v1"', modified)]


def test_user_agent_and_accept_headers_are_sent() -> None:
    with Site({"/p": (200, TEXT_HTML, HTML)}) as site:
        fetch(site, "/p")
        sent = site.request_headers["/p"][0]
    assert sent["User-Agent"] == UA
    assert "text/html" in sent["Accept"] and sent["Accept-Encoding"] == "gzip, deflate"


# -- entry points and config ---------------------------------------------------------------------


def test_fetch_all_sync_wrapper() -> None:
    with Site({"/a": (200, TEXT_HTML, HTML), "/b": (404, {}, b"")}) as site:
        results = fetch_all([site.url("/a"), site.url("/b")], config_for(site))
    assert [r.ok for r in results] == [True, False]
    assert results[1].error_class == "http_404"


def test_fetch_outside_context_is_a_programming_error() -> None:
    async def go() -> None:
        await Fetcher(FetchConfig(user_agent=UA)).fetch("http://example.com/")

    with pytest.raises(RuntimeError):
        asyncio.run(go())


def test_from_settings() -> None:
    from pipeline.settings import Settings

    s = Settings(allowed_hosts=("127.0.0.1:8000", "Demo.Local"), per_host_delay=1.5, retries=4)  # type: ignore[call-arg]
    cfg = FetchConfig.from_settings(s)
    assert cfg.allowed_hosts == frozenset({"127.0.0.1:8000", "demo.local"})
    assert cfg.per_host_delay == 1.5 and cfg.retries == 4 and cfg.user_agent == s.user_agent
    assert cfg.backoff_max == 30.0 and cfg.respect_robots is True  # not in Settings: defaults


def test_config_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        FetchConfig(user_agent=" ")
    with pytest.raises(ValueError):
        FetchConfig(user_agent=UA, per_host_connections=0)


def test_parse_retry_after() -> None:
    now = datetime(2025, 6, 5, 12, 0, tzinfo=UTC)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=90), usegmt=True), now) == 90.0
    assert parse_retry_after(format_datetime(now - timedelta(seconds=90), usegmt=True), now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None
