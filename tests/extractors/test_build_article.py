"""Which language and time zone ``build_article`` settles on when the page, its feed entry and the
source config say different things (or nothing)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from extractors.language import timezone_for_language
from extractors.normalise import PageJob, build_article

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


def test_timezone_for_language():
    assert timezone_for_language("id") == "Asia/Jakarta"
    assert timezone_for_language("id-ID") == "Asia/Jakarta"
    assert timezone_for_language("ms") == "Asia/Kuala_Lumpur"
    assert timezone_for_language("en") == "UTC"
    assert timezone_for_language(None) == "UTC"
