"""``pipeline.discovery.discover_documents`` over a real loopback site with the real fetcher."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from fetchers import FetchConfig
from pipeline.discovery import DiscoverOutcome, discover_documents
from pipeline.fetchloop import BackgroundFetcher
from records.models import SourceSpec
from tests.support.localsite import LocalSite

NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def _discover(site: LocalSite, timezone: str, since: datetime | None = None) -> DiscoverOutcome:

    spec = SourceSpec(
        source_id="lokal",
        name="Lokal",
        homepage=site.url("/"),
        sitemaps=(site.url("/sitemap.xml"),),
        language="id",
        timezone=timezone,
    )
    config = FetchConfig(user_agent="KabarTest/1.0", allowed_hosts=frozenset({f"127.0.0.1:{site.port}"}))
    with BackgroundFetcher(config) as fetcher:
        return discover_documents(fetcher, [spec], {}, since=since)


def test_dates_without_an_offset_are_read_in_the_source_zone_and_drive_the_max_age():
    recent = (datetime.now(UTC) - timedelta(days=3)).date()
    body = (
        f"<?xml version='1.0'?><urlset {NS}>"
        "<url><loc>/berita/lama.html</loc><lastmod>2020-01-02</lastmod></url>"
        f"<url><loc>/berita/baru.html</loc><lastmod>{recent.isoformat()}</lastmod></url>"
        "</urlset>"
    ).encode()
    with LocalSite() as site:
        site.routes["/sitemap.xml"] = (200, {"Content-Type": "application/xml"}, body)
        site.routes["/robots.txt"] = (404, {}, b"")
        jakarta = _discover(site, "Asia/Jakarta")
        unknown = _discover(site, "")
        cut = _discover(site, "Asia/Jakarta", since=datetime.now(UTC) - timedelta(days=30))
    by_name = {r.url.rsplit("/", 1)[1]: r.published for r in jakarta.refs}
    assert by_name["lama.html"] == datetime(2020, 1, 2, tzinfo=ZoneInfo("Asia/Jakarta"))
    assert by_name["baru.html"] == datetime(
        recent.year, recent.month, recent.day, tzinfo=ZoneInfo("Asia/Jakarta")
    )
    # a source of unknown zone (ad-hoc) does not guess: the dates stay unknown
    assert {r.published for r in unknown.refs} == {None}
    # the max age now sees the date-only listing
    assert [r.url.rsplit("/", 1)[1] for r in cut.refs] == ["baru.html"]
    assert cut.per_source["lokal"].too_old == 1


def test_links_that_are_not_http_are_counted_for_their_source():
    body = (
        f"<?xml version='1.0'?><urlset {NS}>"
        "<url><loc>/berita/a.html</loc></url><url><loc>javascript:void(0)</loc></url>"
        "<url><loc>data:text/html,x</loc></url></urlset>"
    ).encode()
    with LocalSite() as site:
        site.routes["/sitemap.xml"] = (200, {"Content-Type": "application/xml"}, body)
        site.routes["/robots.txt"] = (404, {}, b"")
        out = _discover(site, "Asia/Jakarta")
    assert [r.url.rsplit("/", 1)[1] for r in out.refs] == ["a.html"]
    assert (out.per_source["lokal"].discovered, out.per_source["lokal"].skipped_links) == (1, 2)


class _CountingFetcher:
    """The real fetcher, noting how many documents each call asked for (held in memory at once)."""

    def __init__(self, inner: BackgroundFetcher) -> None:
        self.inner = inner
        self.calls: list[int] = []

    def fetch_many(self, urls, **kw):
        self.calls.append(len(urls))
        return self.inner.fetch_many(urls, **kw)


def test_discovery_streams_a_big_sitemap_index_in_chunks_and_counts_it_exactly():
    """A sitemap index of 12 children (2,500 URLs each) and a feed repeating some of them: the URLs
    reach ``record`` in chunks no larger than asked, documents are fetched a few at a time, no
    body is kept, and the source's count is of distinct URLs, duplicates across documents included."""
    from pipeline.discovery import DOCUMENT_GROUP

    children = 12
    per_child = 2500
    with LocalSite() as site:
        index = "".join(f"<sitemap><loc>{site.url(f'/s{c}.xml')}</loc></sitemap>" for c in range(children))
        site.routes["/sitemap.xml"] = (
            200,
            {"Content-Type": "application/xml"},
            f"<?xml version='1.0'?><sitemapindex {NS}>{index}</sitemapindex>".encode(),
        )
        for c in range(children):
            urls = "".join(
                f"<url><loc>{site.url(f'/berita/{c * per_child + i}.html')}</loc></url>"
                for i in range(per_child)
            )
            # each child also repeats two URLs of the first one (another section listing them)
            urls += f"<url><loc>{site.url('/berita/0.html')}</loc></url>"
            urls += f"<url><loc>{site.url('/berita/1.html?utm_source=x')}</loc></url>"
            site.routes[f"/s{c}.xml"] = (
                200,
                {"Content-Type": "application/xml"},
                f"<?xml version='1.0'?><urlset {NS}>{urls}</urlset>".encode(),
            )
        site.routes["/robots.txt"] = (404, {}, b"")
        spec = SourceSpec(
            source_id="lokal",
            name="Lokal",
            homepage=site.url("/"),
            sitemaps=(site.url("/sitemap.xml"),),
            language="id",
            timezone="Asia/Jakarta",
        )
        chunks: list[int] = []
        stored: set[str] = set()

        def record(refs) -> int:
            chunks.append(len(refs))
            fresh = {r.url.split("?")[0] for r in refs} - stored
            stored.update(fresh)
            return len(fresh)

        config = FetchConfig(user_agent="KabarTest/1.0", allowed_hosts=frozenset({f"127.0.0.1:{site.port}"}))
        with BackgroundFetcher(config) as inner:
            fetcher = _CountingFetcher(inner)
            out = discover_documents(fetcher, [spec], {}, record=record, chunk=1000)
    total = children * per_child
    assert out.refs == []  # nothing collected: all went to record
    assert max(chunks) <= 1000 and sum(chunks) >= total
    assert len(stored) == total and out.new_urls == total
    assert out.per_source["lokal"].discovered == total == out.listed
    assert out.documents == children + 1
    assert max(fetcher.calls) <= DOCUMENT_GROUP and sum(fetcher.calls) == children + 1
    assert all(f.body == b"" and f.text is None for f in out.fetches)  # the fetch log needs no body
