"""The hostile-server suite: a real HTTP server on 127.0.0.1 misbehaves, the Fetcher records it.

Each test asserts the recorded outcome: ``ok``, ``error_class``, a readable ``error`` sentence,
``transient``, and the number of attempts (retries only for transient failures).
"""

from __future__ import annotations

import asyncio
import gzip
import time
import tracemalloc
import zlib

import pytest

from fetchers import Fetcher
from tests.fetchers.serving import (
    HTML,
    Site,
    assert_sentence,
    close_without_response,
    config_for,
    content_length_lie,
    dribble,
    fetch,
    gzip_bytes,
    honest_big,
    redirect,
    reset_connection,
    sequence,
    sleep_then,
    stall_mid_body,
    stream_until_close,
)

pytestmark = pytest.mark.timeout(60)
TEXT_HTML = {"Content-Type": "text/html; charset=utf-8"}


# -- retries -------------------------------------------------------------------------------------


def test_503_then_success_is_retried_and_ok() -> None:
    with Site({"/p": sequence((503, {}, b"busy"), (200, TEXT_HTML, HTML))}) as site:
        r = fetch(site, "/p")
    assert r.ok and r.status == 200 and r.error_class is None
    assert [a.status for a in r.attempts] == [503, 200]
    assert r.attempts[0].error_class == "http_5xx"
    assert_sentence(r.attempts[0].error)
    assert "Hello, Jakarta." in (r.text or "")


def test_500_is_treated_as_transient() -> None:
    with Site({"/p": sequence((500, {}, b"oops"), (500, {}, b"oops"), (200, TEXT_HTML, HTML))}) as site:
        r = fetch(site, "/p")
    assert r.ok and len(r.attempts) == 3


def test_persistent_502_gives_up_after_retries() -> None:
    with Site({"/p": (502, {}, b"bad gateway")}) as site:
        r = fetch(site, "/p", retries=2)
        hits = site.hits["/p"]
    assert not r.ok and r.error_class == "http_5xx" and r.transient and r.status == 502
    assert len(r.attempts) == 3 == hits
    assert_sentence(r.error)
    assert "3 attempts" in (r.error or "")


@pytest.mark.serial
def test_429_retry_after_is_waited_then_ok() -> None:
    with Site({"/p": sequence((429, {"Retry-After": "1"}, b""), (200, TEXT_HTML, HTML))}) as site:
        t0 = time.monotonic()
        r = fetch(site, "/p", backoff_base=0.01)
        elapsed = time.monotonic() - t0
    assert r.ok and [a.status for a in r.attempts] == [429, 200]
    assert r.attempts[0].error_class == "http_429"
    assert elapsed >= 0.95, f"Retry-After: 1 not honoured ({elapsed:.2f}s)"


@pytest.mark.serial
def test_retry_after_beyond_backoff_max_is_left_for_a_later_run() -> None:
    with Site({"/p": (503, {"Retry-After": "120"}, b"")}) as site:
        t0 = time.monotonic()
        r = fetch(site, "/p", backoff_max=2.0)
        elapsed = time.monotonic() - t0
    assert not r.ok and r.transient and r.error_class == "http_5xx" and len(r.attempts) == 1
    assert elapsed < 1.0
    assert "later run" in (r.error or "")


@pytest.mark.parametrize("status", [404, 410, 451, 403])
def test_permanent_client_errors_are_not_retried(status: int) -> None:
    with Site({"/p": (status, {}, b"gone")}) as site:
        r = fetch(site, "/p")
        hits = site.hits["/p"]
    assert not r.ok and r.error_class == f"http_{status}" and not r.transient
    assert len(r.attempts) == 1 == hits and r.status == status
    assert_sentence(r.error)


# -- time ----------------------------------------------------------------------------------------


@pytest.mark.serial
def test_slow_headers_time_out_and_are_retried() -> None:
    with Site({"/p": sleep_then(4.0)}) as site:
        t0 = time.monotonic()
        r = fetch(site, "/p", read_timeout=0.4, total_timeout=5.0, retries=1)
        elapsed = time.monotonic() - t0
    assert not r.ok and r.error_class == "timeout" and r.transient
    assert len(r.attempts) == 2 and all(a.error_class == "timeout" for a in r.attempts)
    assert elapsed < 3.0  # two 0.4 s read timeouts, not two 4 s waits
    assert_sentence(r.error)


@pytest.mark.serial
def test_stall_mid_body_is_cut() -> None:
    with Site({"/p": stall_mid_body(b"<html><body>" + b"x" * 1000, stall=5.0, promised=100_000)}) as site:
        t0 = time.monotonic()
        r = fetch(site, "/p", read_timeout=0.5, retries=0)
        elapsed = time.monotonic() - t0
    assert not r.ok and r.error_class == "timeout" and r.status == 200
    assert r.attempts[0].bytes >= 1000
    assert elapsed < 3.5  # the server would stall 5 s


@pytest.mark.serial
def test_dribbling_server_is_cut_by_the_total_deadline() -> None:
    # every gap (0.1 s) is under the read timeout; only the per-attempt deadline can stop it
    with Site({"/p": dribble(every=0.1, for_seconds=6.0)}) as site:
        t0 = time.monotonic()
        r = fetch(site, "/p", read_timeout=1.0, total_timeout=0.8, retries=0)
        elapsed = time.monotonic() - t0
    assert not r.ok and r.error_class == "timeout"
    assert "deadline" in (r.error or "")
    assert 0.7 <= elapsed < 4.0  # the server would dribble for 6 s
    assert_sentence(r.error)


# -- broken connections --------------------------------------------------------------------------


def test_close_without_response_is_connection_reset() -> None:
    with Site({"/p": close_without_response}) as site:
        r = fetch(site, "/p", retries=1)
    assert not r.ok and r.error_class == "connection_reset" and r.transient
    assert len(r.attempts) == 2 and r.status is None
    assert_sentence(r.error)


def test_tcp_rst_is_connection_reset() -> None:
    with Site({"/p": reset_connection}) as site:
        r = fetch(site, "/p", retries=0)
    assert not r.ok and r.error_class == "connection_reset" and r.transient


def test_refused_port_is_connect_error() -> None:
    with Site({}) as site:
        port = site.port
    # the server is closed: nothing listens on the port any more
    with Site({}) as other:
        cfg_site = other
        r = fetch(
            cfg_site, f"http://127.0.0.1:{port}/p", retries=1, allowed_hosts=frozenset({f"127.0.0.1:{port}"})
        )
    assert not r.ok and r.error_class == "connect_error" and r.transient and len(r.attempts) == 2
    assert_sentence(r.error)


def test_content_length_lie_is_incomplete_body() -> None:
    with Site({"/p": content_length_lie(b"<html><body>short", promised=5000)}) as site:
        r = fetch(site, "/p", retries=1)
    assert not r.ok and r.error_class == "incomplete_body" and r.transient and len(r.attempts) == 2
    assert_sentence(r.error)


# -- redirects -----------------------------------------------------------------------------------


def test_redirect_loop_is_detected() -> None:
    with Site({"/a": redirect("/b"), "/b": redirect("/a")}) as site:
        r = fetch(site, "/a")
        hits = dict(site.hits)
    assert not r.ok and r.error_class == "redirect_loop" and not r.transient
    assert hits["/a"] == 1 and hits["/b"] == 1
    assert [a.status for a in r.attempts] == [302, 302, None]
    assert_sentence(r.error)


def test_twenty_hop_chain_stops_at_max_redirects() -> None:
    routes = {f"/hop/{i}": redirect(f"/hop/{i + 1}", 301) for i in range(20)}
    routes["/hop/20"] = (200, TEXT_HTML, HTML)
    with Site(routes) as site:
        r = fetch(site, "/hop/0", max_redirects=10)
        hits = dict(site.hits)
    assert not r.ok and r.error_class == "too_many_redirects"
    assert hits.get("/hop/10") == 1 and "/hop/11" not in hits
    assert len(r.attempts) == 12  # 11 requests + the refusal
    assert_sentence(r.error)


def test_short_chain_is_followed_to_the_final_url() -> None:
    routes = {f"/hop/{i}": redirect(f"/hop/{i + 1}", 301) for i in range(20)}
    routes["/hop/20"] = (200, TEXT_HTML, HTML)
    with Site(routes) as site:
        r = fetch(site, "/hop/15")
    assert r.ok and r.final_url.endswith("/hop/20") and r.url.endswith("/hop/15")
    assert [a.status for a in r.attempts] == [301] * 5 + [200]


def test_redirect_without_location() -> None:
    with Site({"/p": (302, {}, b"")}) as site:
        r = fetch(site, "/p")
    assert not r.ok and r.error_class == "bad_redirect" and len(r.attempts) == 1


def test_redirect_to_file_scheme_is_refused() -> None:
    with Site({"/p": redirect("file:///etc/passwd")}) as site:
        r = fetch(site, "/p")
    assert not r.ok and r.error_class == "bad_scheme"
    assert_sentence(r.error)


# -- size ----------------------------------------------------------------------------------------


def test_big_body_with_honest_content_length_is_refused_unread() -> None:
    with Site({"/p": honest_big(11 * 1024 * 1024)}) as site:
        r = fetch(site, "/p", max_bytes=1024 * 1024)
    assert not r.ok and r.error_class == "too_large" and not r.transient
    assert len(r.attempts) == 1 and r.attempts[0].bytes == 0
    assert "Content-Length" in (r.error or "")


def test_big_body_without_content_length_is_capped() -> None:
    with Site({"/p": stream_until_close(11 * 1024 * 1024)}) as site:
        r = fetch(site, "/p", max_bytes=1024 * 1024)
    assert not r.ok and r.error_class == "too_large" and len(r.attempts) == 1
    assert r.attempts[0].bytes <= 1024 * 1024
    assert_sentence(r.error)


def test_gzip_bomb_is_capped_with_low_memory() -> None:
    # 100 MiB of zeros in ~100 KiB: 100 gzip members of 1 MiB each (a valid gzip stream, built fast)
    bomb = gzip.compress(b"\0" * (1 << 20), compresslevel=9) * 100
    assert len(bomb) < 200_000
    headers = {"Content-Type": "text/html", "Content-Encoding": "gzip"}
    with Site({"/p": (200, headers, bomb)}) as site:
        tracemalloc.start()
        try:
            r = fetch(site, "/p", max_bytes=1024 * 1024)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert not r.ok and r.error_class == "too_large"
    assert peak < 12 * 1024 * 1024, f"peak traced memory {peak / 1e6:.1f} MB"


def test_gzip_and_deflate_pages_are_decoded() -> None:
    page = HTML * 50
    routes = {
        "/gz": (200, {**TEXT_HTML, "Content-Encoding": "gzip"}, gzip.compress(page)),
        "/zlib": (200, {**TEXT_HTML, "Content-Encoding": "deflate"}, zlib.compress(page)),
        "/raw": (200, {**TEXT_HTML, "Content-Encoding": "deflate"}, zlib.compress(page)[2:-4]),
    }
    with Site(routes) as site:
        for path in routes:
            r = fetch(site, path)
            assert r.ok and r.body == page, path


def test_corrupt_gzip_is_decode_error() -> None:
    with Site({"/p": (200, {**TEXT_HTML, "Content-Encoding": "gzip"}, b"\x1f\x8bnot really gzip")}) as site:
        r = fetch(site, "/p")
    assert not r.ok and r.error_class == "decode_error" and not r.transient and len(r.attempts) == 1


# -- content -------------------------------------------------------------------------------------


def test_binary_body_labelled_html() -> None:
    junk = bytes(range(256)) * 64
    with Site({"/p": (200, TEXT_HTML, junk)}) as site:
        r = fetch(site, "/p")
    assert not r.ok and r.error_class == "not_html" and "binary body" in (r.error or "")
    assert len(r.attempts) == 1


@pytest.mark.parametrize("ctype", ["application/pdf", "image/png", "application/octet-stream"])
def test_non_html_types_are_skipped_unread(ctype: str) -> None:
    with Site({"/p": (200, {"Content-Type": ctype}, b"%PDF-1.7\n" + b"\0" * 1000)}) as site:
        r = fetch(site, "/p")
    assert not r.ok and r.error_class == "not_html" and not r.transient
    assert ctype in (r.error or "") and r.attempts[0].bytes == 0
    assert_sentence(r.error)


def test_missing_content_type_is_sniffed() -> None:
    with Site({"/html": (200, {}, HTML), "/text": (200, {}, b"just some words, no markup")}) as site:
        ok = fetch(site, "/html")
        bad = fetch(site, "/text")
    assert ok.ok and ok.text and "Hello, Jakarta." in ok.text
    assert not bad.ok and bad.error_class == "not_html"


@pytest.mark.parametrize("status", [200, 204])
def test_empty_body(status: int) -> None:
    with Site({"/p": (status, TEXT_HTML, b"")}) as site:
        r = fetch(site, "/p")
    assert not r.ok and r.error_class == "empty_body" and not r.transient and len(r.attempts) == 1
    assert_sentence(r.error)


def test_truncated_html_is_still_ok() -> None:
    page = b"<html><head><title>Half</title></head><body><div><p>Unclosed paragraph <span>and then"
    with Site({"/p": (200, TEXT_HTML, page)}) as site:
        r = fetch(site, "/p")
    assert r.ok and r.body == page and r.text == page.decode()


def test_deeply_nested_html_is_ok() -> None:
    page = b"<html><body>" + b"<div>" * 20000 + b"deep" + b"</div>" * 20000 + b"</body></html>"
    with Site({"/p": (200, TEXT_HTML, page)}) as site:
        r = fetch(site, "/p")
    assert r.ok and r.body == page and len(r.text or "") == len(page)


def test_feed_kind_accepts_xml_and_gzip_sitemaps_but_obeys_type() -> None:
    rss = (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title></channel></rss>'
    )
    sitemap = b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>'
    routes = {
        "/feed.xml": (200, {"Content-Type": "application/rss+xml"}, rss),
        "/sitemap.xml.gz": (200, {"Content-Type": "application/x-gzip"}, gzip.compress(sitemap)),
        "/pic.png": (200, {"Content-Type": "image/png"}, b"\x89PNG...."),
        "/bin": (200, {"Content-Type": "application/octet-stream"}, b"\x00\x01binary"),
    }
    with Site(routes) as site:
        feed = fetch(site, "/feed.xml", kind="feed")
        sm = fetch(site, "/sitemap.xml.gz", kind="feed")
        png = fetch(site, "/pic.png", kind="feed")
        binary = fetch(site, "/bin", kind="feed")
    assert feed.ok and feed.body == rss and feed.text == rss.decode()
    assert sm.ok and sm.body == sitemap
    assert not png.ok and png.error_class == "not_feed"
    assert not binary.ok and binary.error_class == "not_feed"


def test_a_gzip_sitemap_bomb_is_capped() -> None:
    bomb = gzip_bytes(b"<" * (1 << 20) for _ in range(20))
    with Site({"/s.xml.gz": (200, {"Content-Type": "application/gzip"}, bomb)}) as site:
        r = fetch(site, "/s.xml.gz", kind="feed", max_bytes=1024 * 1024)
    assert not r.ok and r.error_class == "too_large"


# -- the whole batch keeps going -----------------------------------------------------------------


def test_fetch_many_mixed_hostility_keeps_input_order() -> None:
    routes = {
        "/ok": (200, TEXT_HTML, HTML),
        "/gone": (410, {}, b""),
        "/pdf": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4"),
        "/reset": close_without_response,
        "/loop": redirect("/loop"),
    }
    with Site(routes) as site:
        cfg = config_for(site, retries=0)
        urls = [site.url(p) for p in ("/ok", "/gone", "/pdf", "/reset", "/loop", "/ok")] + ["ftp://x/"]

        async def go() -> list:
            async with Fetcher(cfg) as f:
                return await f.fetch_many(urls)

        results = asyncio.run(go())
    assert [r.url for r in results] == [*urls[:-1], "ftp://x/"]
    assert [r.error_class for r in results] == [
        None,
        "http_410",
        "not_html",
        "connection_reset",
        "redirect_loop",
        None,
        "bad_scheme",
    ]
    for r in results:
        assert r.attempts, r
        assert r.attempts[-1].error_class == r.error_class
        if not r.ok:
            assert_sentence(r.error)
