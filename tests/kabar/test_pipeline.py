"""``pipeline.steps.discover_documents`` over a real loopback site with the real fetcher."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from fetchers import FetchConfig
from pipeline.fetchloop import BackgroundFetcher
from pipeline.steps import DiscoverOutcome, discover_documents
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
