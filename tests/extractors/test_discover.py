"""Discovery parser tests on hand-written fixture documents (tests/fixtures/feeds/, see its README).

Expected values below were written by reading the fixture files, not by running the parser.
"""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from extractors import discover
from extractors.discover import parse_document, parse_feed_datetime, parse_url_list

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"
WIB = timezone(timedelta(hours=7))
FEED_URL = "https://news.example.co.id/feed/"


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def urls(d: discover.Discovery) -> list[str]:
    return [r.url for r in d.refs]


# --------------------------------------------------------------------------- RSS / Atom / RDF


def test_wordpress_rss2_links_titles_dates() -> None:
    d = parse_document(load("wordpress_rss2.xml"), document_url=FEED_URL, source_id="egindo")
    assert d.kind == "rss" and d.error is None
    assert urls(d) == [
        "https://news.example.co.id/shoigu-rusia-katakan-tiongkok-dan-rusia-harus-lawan-penahanan-as/",
        "https://news.example.co.id/ekonomi/harga-minyak-naik-tipis/",  # relative link resolved
        "https://news.example.co.id/guid-only/",  # guid permalink used when <link> is missing
        "https://news.example.co.id/lewat-feedburner/",  # feedburner:origLink beats the redirect link
        "https://news.example.co.id/tanpa-zona/",
        "https://news.example.co.id/tanggal-rusak/",
    ]  # the utm_* duplicate and the mailto: item are gone
    first = d.refs[0]
    assert first.title == "Shoigu Rusia Katakan Tiongkok Dan Rusia Harus Lawan \u2018Penahanan\u2019 AS"
    assert first.published == datetime(2024, 11, 12, 23, 12, tzinfo=UTC)
    assert first.published.utcoffset() == timedelta(0)
    assert first.language == "id"  # channel <language>id-ID</language>
    assert (
        first.source_id == "egindo" and first.discovered_via == "feed" and first.discovered_from == FEED_URL
    )
    by_url = {r.url: r for r in d.refs}
    assert by_url["https://news.example.co.id/ekonomi/harga-minyak-naik-tipis/"].published == datetime(
        2024, 11, 13, 6, 30, tzinfo=WIB
    )  # "Rab, 13 Nov 2024 06:30:00 WIB"
    assert by_url["https://news.example.co.id/guid-only/"].published == datetime(
        2024, 11, 13, 7, 0, tzinfo=WIB
    )
    assert by_url["https://news.example.co.id/tanpa-zona/"].published is None  # naive: not guessed
    assert by_url["https://news.example.co.id/tanggal-rusak/"].published is None


def test_naive_feed_dates_use_default_timezone_when_given() -> None:
    d = parse_document(load("wordpress_rss2.xml"), document_url=FEED_URL, default_timezone="Asia/Jakarta")
    by_url = {r.url: r for r in d.refs}
    got = by_url["https://news.example.co.id/tanpa-zona/"].published
    assert got is not None and got.utcoffset() == timedelta(hours=7) and (got.hour, got.minute) == (10, 0)
    # explicit offsets are never overridden
    assert by_url[urls(d)[0]].published == datetime(2024, 11, 12, 23, 12, tzinfo=UTC)


def test_atom_xml_base_rel_and_titles() -> None:
    d = parse_document(load("atom.xml"), document_url="https://wire.example.com/world/atom.xml")
    assert d.kind == "atom" and d.error is None
    assert (
        urls(d)
        == [
            "https://wire.example.com/world/lintas-weighs-listing-2024-11-14/",  # rel=alternate, relative to xml:base
            "https://wire.example.com/id/berita-tanpa-rel",  # link without rel
            "https://wire.example.com/world/only-id",  # http(s) <id> as last resort
        ]
    )  # the entry with a urn: id and no link is skipped
    lintas, tanpa_rel, only_id = d.refs
    assert lintas.title == "Ride-hailing firm Lintas weighs listing"  # type="html" tags stripped
    assert lintas.published == datetime(2024, 11, 14, 4, 37, tzinfo=UTC)  # <published> preferred to <updated>
    assert lintas.language == "en"  # feed xml:lang="en-GB"
    assert tanpa_rel.language == "id" and tanpa_rel.published == datetime(2024, 11, 13, 22, 15, tzinfo=WIB)
    assert only_id.title == "Only an id link"  # xhtml title text
    assert only_id.published is None  # date-only <updated>, no default timezone


def test_rss1_rdf() -> None:
    d = parse_document(load("rss1_rdf.xml"), document_url="https://old.example.org/index.rdf")
    assert d.kind == "rss" and d.error is None
    assert urls(d) == [
        "https://old.example.org/2024/11/first.html",
        "https://old.example.org/2024/11/second.html",
    ]
    jst = timezone(timedelta(hours=9))
    assert [r.published for r in d.refs] == [
        datetime(2024, 11, 12, 8, tzinfo=jst),
        datetime(2024, 11, 12, 9, 30, tzinfo=jst),
    ]
    assert [r.title for r in d.refs] == ["First story", "Second story"]
    assert {r.language for r in d.refs} == {"en"}


# --------------------------------------------------------------------------- sitemaps


def test_urlset_with_lastmod() -> None:
    d = parse_document(load("urlset.xml"), document_url="https://news.example.co.id/post-sitemap.xml")
    assert d.kind == "sitemap" and d.error is None and d.child_sitemaps == ()
    assert urls(d) == [
        "https://news.example.co.id/shoigu-rusia-katakan-tiongkok-dan-rusia-harus-lawan-penahanan-as/",
        "https://news.example.co.id/ekonomi/harga-minyak-naik-tipis/",
        "https://news.example.co.id/spasi-di-sekitar-loc/",  # whitespace around <loc> stripped
    ]  # the entry without <loc> is skipped
    assert {r.discovered_via for r in d.refs} == {"sitemap"}
    assert d.refs[0].published == datetime(2024, 11, 12, 23, 12, tzinfo=UTC)
    assert d.refs[1].published is None  # date-only lastmod, no default timezone
    assert d.refs[2].published is None


def test_sitemapindex_children_resolved_deduplicated_without_self() -> None:
    own = "https://news.example.co.id/sitemap_index.xml"
    d = parse_document(load("sitemapindex.xml"), document_url=own)
    assert d.kind == "sitemapindex" and d.error is None and d.refs == ()
    assert d.child_sitemaps == (
        "https://news.example.co.id/post-sitemap.xml",
        "https://news.example.co.id/post-sitemap2.xml",
        "https://news.example.co.id/news-sitemap.xml",
    )
    assert own not in d.child_sitemaps
    # only the first child has a <lastmod>; the duplicate of it (which has none) does not override it
    assert d.child_lastmod == (
        ("https://news.example.co.id/post-sitemap.xml", datetime(2024, 11, 13, 0, 20, 11, tzinfo=UTC)),
    )


def test_sitemapindex_pointing_only_to_itself_yields_nothing() -> None:
    body = (
        b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>https://a.example/sitemap.xml</loc></sitemap>"
        b"<sitemap><loc>https://A.EXAMPLE/sitemap.xml?utm_source=x#top</loc></sitemap></sitemapindex>"
    )
    d = parse_document(body, document_url="https://a.example/sitemap.xml")
    assert d.kind == "sitemapindex" and d.child_sitemaps == () and d.error is None


def test_google_news_sitemap() -> None:
    d = parse_document(load("news_sitemap.xml"), document_url="https://wire.example.com/news-sitemap.xml")
    assert d.kind == "sitemap" and d.error is None
    lintas, berita, plain = d.refs
    assert lintas.discovered_via == "news_sitemap"
    assert lintas.title == "Ride-hailing firm Lintas weighs listing"
    assert lintas.published == datetime(2024, 11, 14, 4, 37, tzinfo=UTC)
    assert lintas.language == "en"
    assert berita.title == "Berita & analisis" and berita.language == "id"
    assert berita.published == datetime(2024, 11, 14, 10, 25, tzinfo=WIB)  # W3C time without seconds
    assert plain.discovered_via == "sitemap" and plain.published == datetime(2024, 11, 14, 6, tzinfo=UTC)


def test_news_sitemap_with_undeclared_prefix_is_tolerated() -> None:
    d = parse_document(
        load("news_sitemap_undeclared_prefix.xml"), document_url="https://sloppy.example.id/s.xml"
    )
    assert d.error is None
    (ref,) = d.refs
    assert ref.url == "https://sloppy.example.id/read/2024/11/14/berita-satu"
    assert ref.discovered_via == "news_sitemap" and ref.title == "Berita satu"
    assert ref.published == datetime(2024, 11, 14, 8, tzinfo=WIB)


def test_gzip_sitemap_is_decompressed() -> None:
    d = parse_document(gzip.compress(load("urlset.xml")), document_url="https://news.example.co.id/s.xml.gz")
    assert d.error is None and d.kind == "sitemap" and len(d.refs) == 3


def test_gzip_bomb_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(discover, "MAX_XML_BYTES", 100_000)
    inner = b'<?xml version="1.0"?><urlset>' + b" " * 300_000 + b"</urlset>"
    d = parse_document(gzip.compress(inner), document_url="https://x.example/s.xml.gz")
    assert d.refs == () and d.error is not None and "larger than" in d.error


def test_corrupt_and_truncated_gzip() -> None:
    packed = gzip.compress(load("urlset.xml"))
    d = parse_document(packed[: len(packed) // 2], document_url="https://x.example/s.xml.gz")
    assert d.error is not None and "gzip" in d.error and d.refs == ()
    d = parse_document(b"\x1f\x8b" + b"not really gzip", document_url="https://x.example/s.xml.gz")
    assert d.error is not None and "gzip" in d.error


# --------------------------------------------------------------------------- bad and hostile input


def test_malformed_xml_reports_reason_and_line() -> None:
    d = parse_document(load("malformed.xml"), document_url=FEED_URL)
    assert d.kind == "unknown" and d.refs == ()
    assert d.error == "malformed XML: mismatched tag at line 3, column 57"


def test_html_instead_of_xml() -> None:
    d = parse_document(load("html_page.html"), document_url=FEED_URL)
    assert d.kind == "unknown" and d.error == "HTML page, not a feed or sitemap"


def test_wellformed_non_feed_root() -> None:
    d = parse_document(b"<?xml version='1.0'?><config><a/></config>", document_url=FEED_URL)
    assert d.kind == "unknown" and d.error == "not a feed or sitemap: root element <config>"


@pytest.mark.parametrize("body", [b"", b"   \n\t", "", "\ufeff  ", b"\xef\xbb\xbf\n"])
def test_empty_body(body: bytes | str) -> None:
    d = parse_document(body, document_url=FEED_URL)
    assert d.kind == "unknown" and d.error == "empty document" and d.refs == ()


def test_billion_laughs_is_refused_not_expanded() -> None:
    d = parse_document(load("billion_laughs.xml"), document_url=FEED_URL)
    assert d.refs == () and d.kind == "unknown"
    assert d.error is not None and d.error.startswith("refused")
    assert "lollol" not in repr(d)


def test_xxe_file_entity_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT-42", encoding="utf-8")
    for target in (secret.as_uri(), "file:///etc/passwd"):
        body = (
            '<?xml version="1.0"?>\n'
            f'<!DOCTYPE rss [ <!ENTITY xxe SYSTEM "{target}"> ]>\n'
            "<rss><channel><item><title>&xxe;</title><link>https://example.com/a</link></item></channel></rss>"
        ).encode()
        d = parse_document(body, document_url=FEED_URL)
        assert d.refs == () and d.error is not None and d.error.startswith("refused")
        assert "TOP-SECRET" not in repr(d) and "root:" not in repr(d)


def test_parameter_entity_and_external_dtd_never_loaded(tmp_path: Path) -> None:
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY leak "DTD-WAS-LOADED-7">', encoding="utf-8")
    pe = (
        f'<?xml version="1.0"?><!DOCTYPE rss [ <!ENTITY % ext SYSTEM "{dtd.as_uri()}"> %ext; ]>'
        "<rss><channel><item><title>&leak;</title><link>https://example.com/a</link></item></channel></rss>"
    ).encode()
    d = parse_document(pe, document_url=FEED_URL)
    assert d.error is not None and d.error.startswith("refused") and "DTD-WAS-LOADED" not in repr(d)
    external = (
        f'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "{dtd.as_uri()}">'
        "<rss><channel><item><title>&leak;</title><link>https://example.com/a</link></item></channel></rss>"
    ).encode()
    d = parse_document(external, document_url=FEED_URL)
    assert "DTD-WAS-LOADED" not in repr(d)


def test_never_raises_on_junk() -> None:
    for junk in (
        b"\x00\x01\x02",
        b"<",
        b"<<<>>>",
        b"<rss><channel><item>",
        b"\xff\xfe<\x00",
        b"{json: 1}",
    ):
        d = parse_document(junk, document_url=FEED_URL)
        assert d.error is not None and d.refs == ()


# --------------------------------------------------------------------------- leniency


def test_bom_and_whitespace_before_declaration() -> None:
    body = b"\xef\xbb\xbf\n\n  " + load("rss1_rdf.xml")
    d = parse_document(body, document_url="https://old.example.org/index.rdf")
    assert d.error is None and len(d.refs) == 2
    d = parse_document(
        "\ufeff\n " + load("rss1_rdf.xml").decode("utf-8"), document_url="https://old.example.org/x"
    )
    assert d.error is None and len(d.refs) == 2


def test_str_input_with_non_utf8_declaration() -> None:
    text = (
        '<?xml version="1.0" encoding="windows-1252"?><rss><channel>'
        "<item><title>Caf\u00e9 \u201cbaru\u201d</title><link>https://e.example/cafe</link></item></channel></rss>"
    )
    d = parse_document(text, document_url=FEED_URL)
    assert d.error is None and d.refs[0].title == "Caf\u00e9 \u201cbaru\u201d"
    d = parse_document(text.encode("cp1252"), document_url=FEED_URL)  # bytes: the declaration is honoured
    assert d.error is None and d.refs[0].title == "Caf\u00e9 \u201cbaru\u201d"


def test_bare_ampersand_and_html_entities_are_repaired() -> None:
    body = (
        b'<?xml version="1.0"?><rss><channel><item><title>Tom &amp; Jerry&nbsp;&hellip; & co</title>'
        b"<link>https://e.example/a?x=1&y=2</link></item></channel></rss>"
    )
    d = parse_document(body, document_url=FEED_URL)
    assert d.error is None
    assert d.refs[0].url == "https://e.example/a?x=1&y=2"
    assert d.refs[0].title == "Tom & Jerry \u2026 & co"


def test_undeclared_entity_with_doctype_still_refused_after_repair() -> None:
    body = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "b">]><rss><channel><item>&nbsp; & </item></channel></rss>'
    d = parse_document(body, document_url=FEED_URL)
    assert d.error is not None and d.error.startswith("refused")


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Wed, 13 Nov 2024 06:12:00 +0700", datetime(2024, 11, 13, 6, 12, tzinfo=WIB)),
        ("Wed, 13 Nov 2024 06:12:00 +07:00", datetime(2024, 11, 13, 6, 12, tzinfo=WIB)),
        ("13 Nov 2024 06:12 GMT", datetime(2024, 11, 13, 6, 12, tzinfo=UTC)),
        ("Wed, 13 Nov 2024 06:12:00 -0000", datetime(2024, 11, 13, 6, 12, tzinfo=UTC)),
        (
            "Wed, 13 Nov 2024 06:12:00 EST",
            datetime(2024, 11, 13, 6, 12, tzinfo=timezone(timedelta(hours=-5))),
        ),
        ("Kam, 14 Des 2023 09:00:00 WITA", datetime(2023, 12, 14, 9, 0, tzinfo=timezone(timedelta(hours=8)))),
        ("2024-11-13T06:12:00+07:00", datetime(2024, 11, 13, 6, 12, tzinfo=WIB)),
        ("2024-11-13T06:12:00.250Z", datetime(2024, 11, 13, 6, 12, 0, 250000, tzinfo=UTC)),
        ("2024-11-13 06:12:00 +0700", datetime(2024, 11, 13, 6, 12, tzinfo=WIB)),
        ("2024-11-13T06:12:00", None),
        ("Wed, 13 Nov 2024 06:12:00", None),
        ("2024-11-13", None),
        ("yesterday", None),
        ("", None),
        (None, None),
        ("2024-02-30T00:00:00Z", None),
    ],
)
def test_parse_feed_datetime(raw: str | None, expected: datetime | None) -> None:
    got = parse_feed_datetime(raw)
    assert got == expected
    if got is not None:
        assert got.tzinfo is not None and got.utcoffset() == expected.utcoffset()  # type: ignore[union-attr]


def test_parse_feed_datetime_default_timezone() -> None:
    got = parse_feed_datetime("2024-11-13", default_timezone="Asia/Jakarta")
    assert got is not None and got.isoformat() == "2024-11-13T00:00:00+07:00"
    assert parse_feed_datetime("2024-11-13", default_timezone="Not/AZone") is None


# --------------------------------------------------------------------------- URL lists


def test_parse_url_list() -> None:
    text = (
        "\ufeff# demo list\n"
        "\n"
        "https://a.example/one\n"
        "  https://a.example/two   # trailing note\n"
        "ftp://a.example/file\n"
        "not a url\n"
        "https://a.example/one?utm_source=newsletter\n"
        "#https://a.example/commented-out\n"
        "http://b.example/three\n"
    )
    refs = parse_url_list(text, source="cli")
    assert [r.url for r in refs] == [
        "https://a.example/one",
        "https://a.example/two",
        "http://b.example/three",
    ]
    assert {r.discovered_via for r in refs} == {"url"} and {r.discovered_from for r in refs} == {"cli"}
    assert parse_url_list("") == ()


@pytest.mark.parametrize(
    "body",
    [
        b"<meta charset=utf-8><html><body><p>Oops<br></body></html>",
        b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>',
    ],
)
def test_html_variants_are_named_as_html(body: bytes) -> None:
    d = parse_document(body, document_url=FEED_URL)
    assert d.error == "HTML page, not a feed or sitemap"


def test_links_that_are_not_http_are_counted_not_dropped_silently() -> None:
    body = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
    <item><title>a</title><link>https://example.id/berita/a.html</link></item>
    <item><title>b</title><link>javascript:void(0)</link></item>
    <item><title>c</title><link>data:text/html,hai</link></item>
    <item><title>d</title><link>ftp://example.id/berita/d.txt</link></item>
    <item><title>e</title><link>mailto:redaksi@example.id</link></item>
    <item><title>f</title><link>/berita/f.html</link></item>
    <item><title>g</title></item>
    </channel></rss>"""
    d = parse_document(body, document_url="https://example.id/feed/")
    assert urls(d) == ["https://example.id/berita/a.html", "https://example.id/berita/f.html"]
    assert d.skipped_links == 4  # an item without any link is not a skipped link
    sitemap = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <url><loc>https://example.id/a.html</loc></url><url><loc>ftp://example.id/b</loc></url></urlset>"""
    assert parse_document(sitemap, document_url="https://example.id/sitemap.xml").skipped_links == 1
