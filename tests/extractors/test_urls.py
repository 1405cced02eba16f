"""URL canonicalisation tests; expected strings written by hand from the rules in extractors/urls.py."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from extractors import urls
from extractors.urls import canonicalize_url, is_http_url, is_tracking_param, url_host

CASES = [
    # (input, canonical)
    ("HTTPS://Example.COM/Path/To/Page.html", "https://example.com/Path/To/Page.html"),  # path case kept
    ("http://example.com:80/a", "http://example.com/a"),
    ("https://example.com:443/a", "https://example.com/a"),
    ("https://example.com:8443/a", "https://example.com:8443/a"),
    ("http://example.com:443/a", "http://example.com:443/a"),  # 443 is not http's default
    ("https://example.com", "https://example.com/"),
    ("https://example.com/a#section-2", "https://example.com/a"),
    ("https://example.com/a/./b/../c", "https://example.com/a/c"),
    ("https://example.com/../../a", "https://example.com/a"),
    ("https://example.com/a/b/..", "https://example.com/a/"),
    ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
    ("https://example.com/a?utm_source=rss&utm_medium=feed&id=7", "https://example.com/a?id=7"),
    (
        "https://example.com/a?fbclid=XYZ&gclid=1&mc_cid=2&mc_eid=3&igshid=4&_ga=5&ref_src=twsrc",
        "https://example.com/a",
    ),
    ("https://example.com/a?UTM_Campaign=x&page=2", "https://example.com/a?page=2"),
    ("https://example.com/a?", "https://example.com/a"),
    ("https://example.com/a?amp&x=1", "https://example.com/a?amp&x=1"),  # bare key kept as written
    ("https://example.com/a?q=kopi+susu", "https://example.com/a?q=kopi+susu"),
    ("https://example.com/%7euser/%e2%80%99", "https://example.com/~user/%E2%80%99"),
    ("https://example.com/berita/caf\u00e9 baru", "https://example.com/berita/caf%C3%A9%20baru"),
    ("https://B\u00fccher.example/x", "https://xn--bcher-kva.example/x"),
    ("https://example.com./a", "https://example.com/a"),
    ("  https://example.com/a  ", "https://example.com/a"),
    ("https://user:pw@Example.com:443/a", "https://user:pw@example.com/a"),
    ("http://[::1]:8080/a", "http://[::1]:8080/a"),
]


@pytest.mark.parametrize(("raw", "expected"), CASES)
def test_canonicalize(raw: str, expected: str) -> None:
    assert canonicalize_url(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), CASES)
def test_idempotent(raw: str, expected: str) -> None:
    once = canonicalize_url(raw)
    assert canonicalize_url(once) == once


def test_duplicates_collapse() -> None:
    variants = [
        "https://www.kompas.com/read/2024/11/14/bus-listrik",
        "https://www.kompas.com/read/2024/11/14/bus-listrik#comments",
        "https://WWW.KOMPAS.COM:443/read/2024/11/14/bus-listrik?utm_source=rss&utm_medium=feed",
        "https://www.kompas.com/read/2024/11/14/./bus-listrik?fbclid=abc#top",
    ]
    assert len({canonicalize_url(v) for v in variants}) == 1
    # but a real query parameter or a different path case is a different page
    assert canonicalize_url("https://x.example/a?page=2") != canonicalize_url("https://x.example/a")
    assert canonicalize_url("https://x.example/A") != canonicalize_url("https://x.example/a")


def test_non_http_left_alone() -> None:
    assert canonicalize_url("mailto:Redaksi@Example.com") == "mailto:Redaksi@Example.com"
    assert canonicalize_url("  ftp://x/y  ") == "ftp://x/y"
    assert canonicalize_url("not a url") == "not a url"
    assert canonicalize_url("http://[broken/a") == "http://[broken/a"  # no exception


def test_url_host_and_is_http_url() -> None:
    assert url_host("https://WWW.Example.com:8443/a?b#c") == "www.example.com"
    assert url_host("https://b\u00fccher.example./") == "xn--bcher-kva.example"
    assert url_host("/relative/path") == ""
    assert is_http_url("http://127.0.0.1:8000/feed.xml")
    assert is_http_url("HTTPS://example.com")
    assert not is_http_url("/articles/x.html")
    assert not is_http_url("https://")
    assert not is_http_url("javascript:alert(1)")
    assert not is_http_url("http://[broken/a")


def test_tracking_param_names() -> None:
    assert is_tracking_param("utm_content") and is_tracking_param("FBCLID") and is_tracking_param("_ga")
    assert not is_tracking_param("id") and not is_tracking_param("page") and not is_tracking_param("ref")


def _fast_path_inputs() -> list[str]:
    """URLs near the fast path's edges, plus every URL in the test fixtures' feeds and sitemaps."""
    rng = random.Random(7)
    hosts = [
        "example.com",
        "Example.com",
        "a.b-c.id",
        "x.",
        "127.0.0.1",
        "xn--bcher-kva.de",
        "b\u00fccher.de",
        "h:8080",
    ]
    hosts += ["user@h.id", "h.id:443", "-h.id", "h-.id", "[::1]"]
    pieces = [
        "a",
        "B",
        ".",
        "..",
        ".html",
        "%7e",
        "%2F",
        "caf\u00e9",
        " ",
        "~",
        ":",
        "@",
        "!",
        "'",
        "(",
        ")",
        "*",
    ]
    pieces += ["+", ",", ";", "=", "&", "$", "-", "_", "\\", "^", "|", "{", "}", '"', "<", ">", "`"]
    tails = ["", "?", "?a=1", "#x", "?utm_source=x", "/"]
    out = [raw for raw, _ in CASES]
    for _ in range(3000):
        path = "/".join(
            "".join(rng.choice(pieces) for _ in range(rng.randint(0, 3))) for _ in range(rng.randint(0, 4))
        )
        scheme = rng.choice(["http", "https", "HTTP", "ftp"])
        out.append(f"{scheme}://{rng.choice(hosts)}{'/' if path else ''}{path}{rng.choice(tails)}")
    fixtures = Path(__file__).resolve().parents[1] / "fixtures"
    for f in sorted(fixtures.rglob("*.xml")):
        out += re.findall(r"https?://[^<\s\"']+", f.read_text("utf-8", errors="replace"))
    return out


def test_fast_path_agrees_with_the_general_path() -> None:
    inputs = _fast_path_inputs()
    fast = [u for u in inputs if urls._ALREADY_CANONICAL.fullmatch(u.strip())]
    assert len(fast) > 100  # the generator does reach the fast path
    for u in inputs:
        assert canonicalize_url(u) == urls._canonicalize_split(u.strip()), u
