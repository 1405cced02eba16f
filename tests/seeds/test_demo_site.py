"""The bundled demo site (seeds/demo_site/) is self-consistent: discovery finds exactly the article
files, every page decodes with its declared charset, the metadata agrees with the human-written
EXPECTED.json, and trafilatura extracts each body.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from extractors.discover import parse_document
from extractors.sources import DEMO_SOURCES, load_sources, with_base
from extractors.urls import canonicalize_url
from records.models import Discovery

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "seeds" / "demo_site"
SHARED = REPO / ".." / "shared"
BASE = "http://127.0.0.1:8765"
EXPECTED: dict[str, dict] = {
    k: v
    for k, v in json.loads((SITE / "EXPECTED.json").read_text(encoding="utf-8")).items()
    if not k.startswith("_")
}
ARTICLE_FILES = sorted(SITE.joinpath("articles").rglob("*.html"))
ARTICLE_PATHS = {"/" + p.relative_to(SITE).as_posix() for p in ARTICLE_FILES}

_META_CHARSET = re.compile(rb"<meta\s+charset=[\"']?([A-Za-z0-9_-]+)", re.I)


def serve(path: str) -> bytes:
    """What the demo server sends for ``path``: the file, with {BASE} filled in for XML/TXT."""
    data = (SITE / path.lstrip("/")).read_bytes()
    if path.endswith((".xml", ".txt")):
        data = data.replace(b"{BASE}", BASE.encode())
    return data


def crawl() -> list[Discovery]:
    """Discover the demo source the way a run would: feed + sitemap index, following children."""
    (spec,) = load_sources(DEMO_SOURCES)
    spec = with_base(spec, BASE)
    queue = list(spec.feeds) + list(spec.sitemaps)
    seen: set[str] = set()
    out: list[Discovery] = []
    while queue and len(seen) < 20:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        assert url.startswith(BASE)
        d = parse_document(serve(urlsplit(url).path), document_url=url, source_id=spec.source_id)
        assert d.error is None, (url, d.error)
        out.append(d)
        queue.extend(d.child_sitemaps)
    return out


def charset_of(data: bytes) -> str:
    m = _META_CHARSET.search(data[:2048])
    assert m, "no <meta charset>"
    return m.group(1).decode("ascii").lower()


def test_expected_covers_exactly_the_article_files() -> None:
    assert len(ARTICLE_FILES) >= 7
    assert set(EXPECTED) == ARTICLE_PATHS


def test_discovery_finds_exactly_the_articles() -> None:
    docs = crawl()
    kinds = {urlsplit(d.document_url).path: d.kind for d in docs}
    assert kinds == {
        "/feed.xml": "rss",
        "/sitemap.xml": "sitemapindex",
        "/sitemap-news.xml": "sitemap",
        "/sitemap-pages.xml": "sitemap",
    }
    found: dict[str, set[str]] = defaultdict(set)
    for d in docs:
        for ref in d.refs:
            canon = urlsplit(canonicalize_url(ref.url))
            assert f"{canon.scheme}://{canon.netloc}" == BASE
            assert canon.query == ""  # tracking parameters only
            found[canon.path].add(ref.discovered_via)
    assert set(found) == ARTICLE_PATHS
    for path, via in found.items():
        assert via == set(EXPECTED[path]["discovered_via"]), path
    # the mix the demo is meant to exercise
    assert any(v == {"feed"} for v in found.values())
    assert any("feed" not in v for v in found.values())
    assert any("feed" in v and len(v) > 1 for v in found.values())


def test_feed_and_news_sitemap_dates_match_expected() -> None:
    checked = 0
    for d in crawl():
        for ref in d.refs:
            if ref.discovered_via not in ("feed", "news_sitemap"):
                continue
            want = EXPECTED[urlsplit(canonicalize_url(ref.url)).path]["published"]
            assert ref.published == datetime.fromisoformat(want), ref.url
            checked += 1
    assert checked >= 8


@pytest.mark.parametrize("path", sorted(ARTICLE_PATHS))
def test_page_decodes_with_declared_charset(path: str) -> None:
    data = (SITE / path.lstrip("/")).read_bytes()
    charset = charset_of(data)
    assert charset == EXPECTED[path]["charset"]
    text = data.decode(charset)  # strict
    if charset != "utf-8":
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        assert text != data.decode("iso-8859-1")  # decoding matters
    assert EXPECTED[path]["title"] in text


@pytest.mark.parametrize("path", sorted(ARTICLE_PATHS))
def test_page_metadata_agrees_with_expected(path: str) -> None:
    data = (SITE / path.lstrip("/")).read_bytes()
    html = data.decode(charset_of(data))
    exp = EXPECTED[path]
    lang = re.search(r'<html[^>]*\blang="([^"]+)"', html)
    assert lang and lang.group(1).split("-")[0] == exp["language"]
    assert f'<link rel="canonical" href="{path}">' in html
    assert re.search(rf'<meta property="og:site_name" content="{re.escape(exp["outlet"])}">', html)
    meta = re.search(r'<meta property="article:published_time" content="([^"]+)">', html)
    if exp["published_source"] == "meta":
        assert meta and datetime.fromisoformat(meta.group(1)) == datetime.fromisoformat(exp["published"])
    else:  # the no-date page: no date anywhere but the URL
        assert meta is None and "datePublished" not in html and "<time" not in html
        assert exp["published_source"] == "url" and "/" + exp["published"].replace("-", "/") + "/" in path
    for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
        ld = json.loads(block)
        assert ld["@type"] == "NewsArticle" and ld["headline"] == exp["title"]
        assert datetime.fromisoformat(ld["datePublished"]) == datetime.fromisoformat(exp["published"])


def test_most_pages_carry_json_ld() -> None:
    with_ld = [p for p in ARTICLE_FILES if b"application/ld+json" in p.read_bytes()]
    assert len(with_ld) >= len(ARTICLE_FILES) // 2 + 1


@pytest.mark.parametrize("path", sorted(ARTICLE_PATHS))
def test_trafilatura_extracts_the_body(path: str) -> None:
    trafilatura = pytest.importorskip("trafilatura")
    data = (SITE / path.lstrip("/")).read_bytes()
    text = (
        trafilatura.extract(data, url=BASE + path, fast=True, include_comments=False, include_tables=True)
        or ""
    )
    exp = EXPECTED[path]
    assert len(text.split()) >= 150
    for snippet in exp["text_contains"]:
        assert snippet in text, snippet
    for snippet in exp["text_not_contains"]:
        assert snippet not in text, snippet


def test_founding_article_is_the_seed_verbatim() -> None:
    seed = SHARED / "seeds" / "egindo-shoigu.txt"
    if not seed.exists():
        pytest.skip(
            "../shared/seeds/egindo-shoigu.txt is not here: the demo copy of the founding article was not compared with it"
        )
    lines = [ln for ln in seed.read_text(encoding="utf-8").splitlines() if ln.strip()]
    html = (
        SITE / "articles" / "shoigu-rusia-katakan-tiongkok-dan-rusia-harus-lawan-penahanan-as.html"
    ).read_text(encoding="utf-8")
    body = html.split('<div class="entry-content">', 1)[1].split("</div>", 1)[0]
    paragraphs = re.findall(r"<p>(.*?)</p>", body, re.S)
    assert paragraphs == lines
    assert paragraphs[-1] == "Sumber : CNA/SL"


def test_robots_allows_all_and_names_the_sitemap() -> None:
    protego = pytest.importorskip("protego")
    robots = protego.Protego.parse(serve("/robots.txt").decode("utf-8"))
    assert robots.can_fetch(BASE + "/articles/anything.html", "Kabar/0.1")
    assert list(robots.sitemaps) == [BASE + "/sitemap.xml"]


def test_demo_source_row() -> None:
    (spec,) = load_sources(DEMO_SOURCES)
    assert spec.source_id == "demo" and spec.timezone == "Asia/Jakarta"
    assert spec.feeds == ("{BASE}/feed.xml",) and spec.sitemaps == ("{BASE}/sitemap.xml",)
    filled = with_base(spec, BASE + "/")
    assert filled.homepage == BASE + "/" and filled.feeds == (BASE + "/feed.xml",)
    assert filled.sitemaps == (BASE + "/sitemap.xml",)
