"""Publication date: candidates from hand-written HTML heads, then resolution (docs/dates.md)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from extractors.dates import find_date_candidates, resolve_published

WIB = ZoneInfo("Asia/Jakarta")
FETCHED = datetime(2024, 11, 13, 8, 0, tzinfo=WIB)

KOMPAS_HEAD = """<html><head><title>x</title>
<meta property="article:published_time" content="2024-11-12T14:34:19+00:00">
<meta name="description" content="Tanggal 1 Januari 2020">
</head><body><p>...</p></body></html>"""

DETIK_HEAD = """<head>
<meta name="pubdate" content="2023-11-02T20-59-53Z">
<meta name="publishdate" content="2023/11/02 20:59:53">
<script type="application/ld+json">
{"@context": "https://schema.org", "@type": "NewsArticle", "datePublished": "2023-11-02T20:59:53+07:00"}
</script></head>"""

FALSE_Z_HEAD = """<head><meta property="article:published_time" content="2023-11-02T20:59:53Z">
<script type='application/ld+json'>{"@graph": [{"@type": "WebSite", "name": "x"},
 {"@type": ["NewsArticle"], "datePublished": "2023-11-02T20:59:53+07:00"}]}</script></head>"""


def test_kompas_utc_meta_converted_to_wib() -> None:
    cands = find_date_candidates(KOMPAS_HEAD.encode())
    assert cands == (("meta", "2024-11-12T14:34:19+00:00"),)
    pub = resolve_published(cands, tz="Asia/Jakarta", fetched_at=FETCHED)
    assert pub is not None
    assert pub.value == datetime(2024, 11, 12, 21, 34, 19, tzinfo=WIB)
    assert (pub.source, pub.granularity, pub.flags) == ("meta", "minute", ())
    assert pub.value.tzinfo == WIB


def test_utc_day_boundary_moves_to_next_local_day() -> None:
    pub = resolve_published([("meta", "2024-11-12T18:30:00+00:00")], tz="Asia/Jakarta", fetched_at=FETCHED)
    assert pub is not None and pub.value.date().isoformat() == "2024-11-13"


def test_detik_hyphen_false_z_loses_to_json_ld() -> None:
    cands = find_date_candidates(DETIK_HEAD)
    assert cands[0] == ("json_ld", "2023-11-02T20:59:53+07:00")
    assert ("meta", "2023-11-02T20-59-53Z") in cands
    pub = resolve_published(cands, tz="Asia/Jakarta", fetched_at=FETCHED)
    assert pub is not None and pub.source == "json_ld"
    assert pub.value == datetime(2023, 11, 2, 20, 59, 53, tzinfo=WIB)


def test_detik_hyphen_false_z_alone_read_as_local_and_flagged() -> None:
    pub = resolve_published([("meta", "2023-11-02T20-59-53Z")], tz="Asia/Jakarta", fetched_at=FETCHED)
    assert pub is not None
    assert pub.value == datetime(2023, 11, 2, 20, 59, 53, tzinfo=WIB)
    assert "false_utc_suspected" in pub.flags


def test_false_z_meta_detected_against_json_ld_graph() -> None:
    cands = find_date_candidates(FALSE_Z_HEAD)
    assert cands == (("meta", "2023-11-02T20:59:53Z"), ("json_ld", "2023-11-02T20:59:53+07:00"))
    pub = resolve_published(cands, tz="Asia/Jakarta", fetched_at=FETCHED)
    assert pub is not None and pub.source == "json_ld"
    assert pub.value == datetime(2023, 11, 2, 20, 59, 53, tzinfo=WIB)
    assert "false_utc_suspected" in pub.flags


def test_day_only_url_date() -> None:
    url = "https://nasional.kompas.com/read/2024/11/12/21341901/judul-berita"
    pub = resolve_published((), tz="Asia/Jakarta", fetched_at=FETCHED, url=url)
    assert pub is not None
    assert (pub.value, pub.source, pub.granularity) == (datetime(2024, 11, 12, tzinfo=WIB), "url", "day")


def test_url_day_upgraded_by_timed_candidate_of_same_day() -> None:
    url = "https://www.cnnindonesia.com/ekonomi/20241112153000-92-1165432/judul"
    pub = resolve_published(
        [("meta", "2024-11-12")],
        tz="Asia/Jakarta",
        fetched_at=FETCHED,
        url=url,
        feed_date=datetime(2024, 11, 12, 8, 30, tzinfo=ZoneInfo("UTC")),
    )
    assert pub is not None
    assert (pub.value, pub.granularity, pub.source) == (
        datetime(2024, 11, 12, 15, 30, tzinfo=WIB),
        "minute",
        "feed",
    )


def test_naive_meta_is_source_local() -> None:
    head = '<meta name="publishdate" content="2024/11/12 17:05:33">'
    pub = resolve_published(find_date_candidates(head), tz="Asia/Makassar", fetched_at=FETCHED)
    assert pub is not None
    assert pub.value == datetime(2024, 11, 12, 17, 5, 33, tzinfo=ZoneInfo("Asia/Makassar"))
    assert "naive_assumed_local" in pub.flags


def test_future_date_flagged_and_falls_back() -> None:
    head = '<meta property="article:published_time" content="2024-11-20T10:00:00+07:00">'
    url = "https://example.id/berita/2024/11/12/judul"
    pub = resolve_published(find_date_candidates(head), tz="Asia/Jakarta", fetched_at=FETCHED, url=url)
    assert pub is not None
    assert (pub.value, pub.source) == (datetime(2024, 11, 12, tzinfo=WIB), "url")
    assert "rejected_after_fetch_time" in pub.flags


def test_future_date_alone_is_flagged_not_silently_stored() -> None:
    pub = resolve_published([("meta", "2024-11-20T10:00:00+07:00")], tz="Asia/Jakarta", fetched_at=FETCHED)
    assert pub is not None and "after_fetch_time" in pub.flags


def test_pre_1990_flagged_and_falls_back() -> None:
    cands = [("meta", "1970-01-01T00:00:00Z"), ("json_ld", "2024-11-12T09:00:00+07:00")]
    pub = resolve_published(cands, tz="Asia/Jakarta", fetched_at=FETCHED)
    assert pub is not None and pub.source == "json_ld"
    assert "rejected_before_1990" in pub.flags
    alone = resolve_published(cands[:1], tz="Asia/Jakarta", fetched_at=FETCHED)
    assert alone is not None and "before_1990" in alone.flags


def test_feed_date_only() -> None:
    feed = datetime(2024, 11, 12, 18, 30, tzinfo=ZoneInfo("UTC"))
    pub = resolve_published((), tz="Asia/Jakarta", fetched_at=FETCHED, feed_date=feed)
    assert pub is not None
    assert (pub.value, pub.source, pub.granularity) == (
        datetime(2024, 11, 13, 1, 30, tzinfo=WIB),
        "feed",
        "minute",
    )


def test_trafilatura_date_midnight_is_day_only() -> None:
    pub = resolve_published(
        (), tz="America/New_York", fetched_at=FETCHED, extracted_date="2024-11-12T00:00:00+0000"
    )
    assert pub is not None
    assert (pub.value.date().isoformat(), pub.granularity, pub.source) == ("2024-11-12", "day", "meta")


def test_text_byline_first_date_is_publication() -> None:
    text = "Judul\n12 Nov 2024 05:05PM (Updated: 12 Nov 2024 07:45PM)\nIsi berita."
    pub = resolve_published((), tz="Asia/Singapore", fetched_at=FETCHED, text=text)
    assert pub is not None
    assert (pub.value, pub.source) == (
        datetime(2024, 11, 12, 17, 5, tzinfo=ZoneInfo("Asia/Singapore")),
        "text",
    )


def test_other_formats() -> None:
    for raw, expected in [
        ("Tue, 12 Nov 2024 10:00:00 +0800", datetime(2024, 11, 12, 9, 0, tzinfo=WIB)),
        ("Selasa, 12 Nov 2024 10:00 WIB", datetime(2024, 11, 12, 10, 0, tzinfo=WIB)),
        ("20241112", datetime(2024, 11, 12, tzinfo=WIB)),
        ("Tue Jan 28 15:28:56 CET 2020", datetime(2020, 1, 28, 21, 28, 56, tzinfo=WIB)),
    ]:
        pub = resolve_published([("meta", raw)], tz="Asia/Jakarta", fetched_at=FETCHED)
        assert pub is not None and pub.value == expected, raw


def test_candidate_order_and_itemprop() -> None:
    head = """<meta name="date" content="2024-11-01">
<meta name="parsely-pub-date" content="2024-11-12T09:00:00+07:00">
<time itemprop="datePublished" datetime="2024-11-12T09:00:00+07:00">12 Nov</time>
<script type="application/ld+json">[{"@type":"WebPage","datePublished":"2020-01-01"},
{"@type":"NewsArticle","datePublished":"2024-11-12T09:00+07:00"}]</script>
<script type="application/ld+json">{"broken": "json", "datePublished": "2024-11-12T08:59:00+07:00",}</script>"""
    assert find_date_candidates(head) == (
        ("json_ld", "2024-11-12T09:00+07:00"),
        ("json_ld", "2020-01-01"),
        ("json_ld", "2024-11-12T08:59:00+07:00"),
        ("meta", "2024-11-12T09:00:00+07:00"),
        ("meta", "2024-11-01"),
    )


def test_nothing_found() -> None:
    assert find_date_candidates("<html><head></head><body>no dates</body></html>") == ()
    assert resolve_published((), tz="Asia/Jakarta", fetched_at=FETCHED) is None
