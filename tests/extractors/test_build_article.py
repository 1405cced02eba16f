"""Which language and time zone ``build_article`` settles on when the page, its feed entry and the
source config say different things (or nothing)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from extractors.extract import word_count
from extractors.normalise import PageJob, build_article
from extractors.zones import default_timezone

ID_TEXT = (
    "Pemerintah kota mengatakan bahwa jalan baru di wilayah timur akan dibuka untuk warga pada "
    "pekan depan. Menurut kepala dinas, pembangunan jalan tersebut telah selesai dan dapat "
    "digunakan oleh kendaraan umum yang melintas dari arah pelabuhan ke pusat kota. "
)
EN_TEXT = (
    "The city government said that the new road in the eastern district will be opened to the "
    "public next week. According to the head of the agency, the work has been finished and the "
    "road can be used by the buses that run from the harbour to the city centre. "
)


def _page(text: str, lang: str | None) -> bytes:
    attr = f" lang='{lang}'" if lang else ""
    return (
        f"<!doctype html><html{attr}><head><meta charset='utf-8'><title>Jalan baru</title>"
        "<meta property='article:published_time' content='2026-11-20T10:00:00'></head>"
        f"<body><article><h1>Jalan baru</h1><p>{text * 3}</p><p>{text * 2}</p></article></body></html>"
    ).encode()


def _job(body: bytes, *, language: str | None, timezone_: str, feed_language: str | None = None) -> PageJob:
    url = "https://berita.example/2026/11/20/jalan-baru"
    return PageJob(
        url=url,
        canonical_url=url,
        final_url=url,
        source_id="adhoc:berita.example",
        outlet=None,
        timezone=timezone_,
        language=language,
        body=body,
        text=None,
        charset="utf-8",
        fetched_at=datetime(2026, 11, 21, tzinfo=UTC),
        feed_language=feed_language,
    )


WIB = timezone(timedelta(hours=7))


@pytest.mark.parametrize(
    ("text", "page_lang", "feed_lang", "source_lang", "source_tz", "language", "published"),
    [
        # nothing declared, source of unknown zone (ad-hoc): guessed from the text, zone by language
        (ID_TEXT, None, None, None, "", "id", datetime(2026, 11, 20, 10, tzinfo=WIB)),
        (EN_TEXT, None, None, None, "", "en", datetime(2026, 11, 20, 10, tzinfo=UTC)),
        # the feed's <language> beats the source's configured language; a configured zone stays
        (ID_TEXT, None, "id", "en", "UTC", "id", datetime(2026, 11, 20, 10, tzinfo=UTC)),
        # the page's own <html lang> beats the feed
        (EN_TEXT, "en", "id", None, "", "en", datetime(2026, 11, 20, 10, tzinfo=UTC)),
        # the configured language beats the text guess
        (EN_TEXT, None, None, "id", "Asia/Jakarta", "id", datetime(2026, 11, 20, 10, tzinfo=WIB)),
    ],
)
def test_language_and_zone_precedence(
    text, page_lang, feed_lang, source_lang, source_tz, language, published
):
    row = build_article(
        _job(_page(text, page_lang), language=source_lang, timezone_=source_tz, feed_language=feed_lang)
    )
    assert row.language == language
    assert row.published_at == published


def test_default_timezone_most_specific_first():
    # a country domain, then the region of <html lang>, then a language spoken in one zone, then UTC
    assert default_timezone(language="en", url="https://www.mirror.co.uk/news/x") == "Europe/London"
    assert default_timezone(language="en", url="https://www.abc.net.au/news/x") == "Australia/Sydney"
    assert default_timezone(language="de", url="https://www.kleinezeitung.at/x") == "Europe/Vienna"
    assert default_timezone(language="en", url="https://www.kompas.id/baca/x") == "Asia/Jakarta"
    assert default_timezone(language="en-GB", url="https://example.com/x") == "Europe/London"
    assert default_timezone(language="en", url="https://example.com/x", region="in") == "Asia/Kolkata"
    assert default_timezone(language="id", url="https://example.com/x") == "Asia/Jakarta"
    assert default_timezone(language="id-ID") == "Asia/Jakarta"
    assert default_timezone(language="ms") == "Asia/Kuala_Lumpur"
    assert default_timezone(language="ja", url="https://www.nikkei.com/x") == "Asia/Tokyo"
    # English, Spanish and Arabic are written in too many zones to imply one; IPs name no country
    assert default_timezone(language="en", url="https://example.com/x") == "UTC"
    assert default_timezone(language="es") == "UTC"
    assert default_timezone(language=None, url="http://127.0.0.1:8000/x") == "UTC"
    assert default_timezone(language=None) == "UTC"


def test_word_count_counts_cjk_characters_as_half_words():
    assert word_count("three plain words") == 3
    # 15 kanji/kana -> 7 words, plus the tokens left between them: "13", "、" and "5"
    assert word_count("気象庁は13日、日向灘で震度5弱の地震") == 10
    assert word_count("한국 대통령은 3일 밤 담화를") == 5  # Korean writes spaces between words
