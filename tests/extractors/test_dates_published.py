"""Publication date: candidates from hand-written HTML heads, then resolution (docs/dates.md)."""

from __future__ import annotations

from datetime import UTC, datetime
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
    assert (pub.source, pub.granularity, pub.flags) == ("meta", "second", ())
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
    assert cands == (("json_ld", "2023-11-02T20:59:53+07:00"), ("meta", "2023-11-02T20:59:53Z"))
    pub = resolve_published(cands, tz="Asia/Jakarta", fetched_at=FETCHED)
    assert pub is not None and pub.source == "json_ld"
    assert pub.value == datetime(2023, 11, 2, 20, 59, 53, tzinfo=WIB)
    assert pub.local_iso == "2023-11-02T20:59:53+07:00"
    # the meta value is read in the offset its JSON-LD twin wrote, says so, and then agrees
    assert pub.agreed == ("meta",)
    meta = pub.candidates[1]
    assert (meta.source, meta.status, meta.value) == ("meta", "agrees", pub.value)
    assert "false_utc_suspected" in meta.flags
    alone = resolve_published(cands[1:], tz="Asia/Jakarta", fetched_at=FETCHED)
    assert alone is not None and alone.value == datetime(2023, 11, 2, 20, 59, 53, tzinfo=UTC)


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
    # the page's own article first, then the meta tags, then JSON-LD of other objects (a WebPage;
    # a block that is not valid JSON)
    assert find_date_candidates(head) == (
        ("json_ld", "2024-11-12T09:00+07:00"),
        ("meta", "2024-11-12T09:00:00+07:00"),
        ("meta", "2024-11-01"),
        ("json_ld", "2020-01-01"),
        ("json_ld", "2024-11-12T08:59:00+07:00"),
    )


def test_nothing_found() -> None:
    assert find_date_candidates("<html><head></head><body>no dates</body></html>") == ()
    assert resolve_published((), tz="Asia/Jakarta", fetched_at=FETCHED) is None


# --- the day as the source states it (issue 18) ------------------------------------------------------
def test_new_york_evening_keeps_its_day() -> None:
    """8 November 2023, 20:28 in New York is 01:28 UTC on the 9th: the day users group by is the 8th."""
    pub = resolve_published([("meta", "2023-11-08T20:28:00-05:00")], tz="UTC", fetched_at=FETCHED)
    assert pub is not None
    assert pub.value == datetime(2023, 11, 9, 1, 28, tzinfo=UTC)
    assert (pub.local_iso, pub.day.isoformat(), pub.granularity) == (
        "2023-11-08T20:28:00-05:00",
        "2023-11-08",
        "second",
    )
    minute = resolve_published([("meta", "2023-11-08T20:28-05:00")], tz="UTC", fetched_at=FETCHED)
    assert minute is not None and (minute.local_iso, minute.granularity) == (
        "2023-11-08T20:28-05:00",
        "minute",
    )


def test_utc_value_takes_the_offset_a_twin_states() -> None:
    """Meta in UTC, JSON-LD of the same instant in +09:00: the local day is Tokyo's."""
    cands = [("meta", "2025-01-13T16:28:54+00:00"), ("json_ld", "2025-01-14T01:28:54+09:00")]
    pub = resolve_published(cands, tz="UTC", fetched_at=datetime(2025, 1, 14, tzinfo=UTC))
    assert pub is not None and pub.source == "meta"
    assert (pub.local_iso, pub.day.isoformat(), pub.agreed) == (
        "2025-01-14T01:28:54+09:00",
        "2025-01-14",
        ("json_ld",),
    )


def test_utc_value_alone_is_shown_in_the_source_zone() -> None:
    pub = resolve_published([("meta", "2024-11-12T18:30:00Z")], tz="Asia/Jakarta", fetched_at=FETCHED)
    assert pub is not None and (pub.local_iso, pub.day.isoformat()) == (
        "2024-11-13T01:30:00+07:00",
        "2024-11-13",
    )


def test_day_only_value_with_offset_stays_that_day() -> None:
    pub = resolve_published([("meta", "2024-10-16T00:00:00+08:00")], tz="UTC", fetched_at=FETCHED)
    assert pub is not None
    assert (pub.granularity, pub.local_iso, pub.day.isoformat()) == ("day", "2024-10-16", "2024-10-16")
    assert pub.value == datetime(2024, 10, 16, tzinfo=ZoneInfo("Asia/Taipei"))


def test_meta_key_spellings_are_one_key() -> None:
    for key in ("article:published:time", "article.published_time", "article_published_time"):
        head = f'<meta property="{key}" content="2024-10-23T15:48:15+00:00">'
        assert find_date_candidates(head) == (("meta", "2024-10-23T15:48:15+00:00"),), key


LIVE_BLOG_HEAD = """<meta property="article:published_time" content="2024-08-05T19:49:50Z">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "LiveBlogPosting",
"headline": "Live", "datePublished": "2024-08-04T13:23:00Z", "dateModified": "2024-08-05T19:49:50Z",
"liveBlogUpdate": [{"@type": "BlogPosting", "datePublished": "2024-08-05T21:00:18+01:00"},
{"@type": "BlogPosting", "datePublished": "2024-08-05T20:42:30+01:00"}]}</script>"""


def test_published_value_equal_to_the_articles_modified_time_is_not_the_publication() -> None:
    cands = find_date_candidates(LIVE_BLOG_HEAD)
    assert cands[0] == ("json_ld", "2024-08-04T13:23:00Z")
    assert cands[-1] == ("modified", "2024-08-05T19:49:50Z")
    fetched = datetime(2024, 8, 5, 22, tzinfo=UTC)
    # even when the og tag comes first, it loses: it is the live blog's modification time
    reordered = [cands[1], cands[0], *cands[2:]]
    pub = resolve_published(reordered, tz="Europe/London", fetched_at=fetched)
    assert pub is not None and pub.value == datetime(2024, 8, 4, 13, 23, tzinfo=UTC)
    og = next(c for c in pub.candidates if c.raw == "2024-08-05T19:49:50Z")
    assert "equals_modified" in og.flags and og.status == "other"


def test_article_modified_equal_to_published_is_no_evidence() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2026-04-19T19:45:44+02:00",'
        ' "dateModified": "2026-04-19T19:45:44+02:00"}</script>'
    )
    assert find_date_candidates(head) == (("json_ld", "2026-04-19T19:45:44+02:00"),)


def test_naive_value_is_its_aware_twin_without_the_offset() -> None:
    cands = [("meta", "2023-06-26T12:00:29.055"), ("json_ld", "2023-06-26T12:00:29.055Z")]
    pub = resolve_published(cands, tz="America/New_York", fetched_at=datetime(2023, 6, 27, tzinfo=UTC))
    assert pub is not None and pub.value == datetime(2023, 6, 26, 12, 0, 29, tzinfo=UTC)
    assert "naive_twin" in pub.flags and "naive_assumed_local" not in pub.flags


def test_candidates_record_how_each_was_used() -> None:
    url = "https://example.id/berita/2024/11/12/judul"
    cands = [
        ("json_ld", "2024-11-12T09:00:00+07:00"),
        ("meta", "2024-11-20T10:00:00+07:00"),
        ("meta", "2024-10-01"),
    ]
    pub = resolve_published(cands, tz="Asia/Jakarta", fetched_at=FETCHED, url=url)
    assert pub is not None
    statuses = [(c.source, c.status) for c in pub.candidates]
    assert statuses == [("json_ld", "chosen"), ("meta", "rejected"), ("meta", "other"), ("url", "agrees")]
    assert pub.agreed == ("url",)
