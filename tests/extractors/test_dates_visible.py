"""The date line under the headline (extractors/dates_visible.py) and its use as the last resort."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from extractors.dates import resolve_published
from extractors.dates_visible import find_date_line

WIB = ZoneInfo("Asia/Jakarta")
PAGE = """<html><body><header><h1><a href="/">Kabar</a></h1><nav>Senin, 2 Desember 2026</nav></header>
<main><h1 class="title">Petani Garut panen raya di tengah hujan</h1>
<div class="byline"><span>Reporter: Ani</span> <span>Kamis, 14 November 2024 | 10:45 WIB</span></div>
<script>var d = "2019-01-01";</script><p>GARUT - Petani di Garut ...</p></main></body></html>"""


def test_the_headline_is_the_longest_of_the_first_h1s_and_its_line_follows() -> None:
    line = find_date_line(PAGE)
    assert line is not None and line.times == ()
    assert line.text.startswith("Reporter: Ani Kamis, 14 November 2024 | 10:45 WIB")
    assert "2019" not in line.text  # scripts are not visible text


def test_date_line_is_the_last_resort() -> None:
    fetched = datetime(2024, 11, 20, tzinfo=UTC)
    pub = resolve_published((), tz="Asia/Jakarta", fetched_at=fetched, date_line=find_date_line(PAGE))
    assert pub is not None and pub.source == "text" and "date_line" in pub.flags
    assert (pub.value, pub.granularity) == (datetime(2024, 11, 14, 10, 45, tzinfo=WIB), "minute")
    # any page statement comes first; the line then only agrees
    meta = resolve_published(
        [("meta", "2024-11-14T10:45:00+07:00")],
        tz="Asia/Jakarta",
        fetched_at=fetched,
        date_line=find_date_line(PAGE),
    )
    assert meta is not None and meta.source == "meta" and meta.agreed == ("text",)


def test_a_day_from_the_url_gets_its_time_from_the_date_line() -> None:
    page = '<h1>Sebuah judul berita yang panjang</h1><time datetime="2024-11-14T10:45:00+07:00">14/11</time>'
    pub = resolve_published(
        (),
        tz="Asia/Jakarta",
        fetched_at=datetime(2024, 11, 20, tzinfo=UTC),
        url="https://example.id/2024/11/14/judul",
        date_line=find_date_line(page),
    )
    assert pub is not None and (pub.source, pub.granularity) == ("text", "second")
    assert pub.value == datetime(2024, 11, 14, 10, 45, tzinfo=WIB) and pub.agreed == ("url",)


def test_relative_date_line_counts_from_the_fetch_time() -> None:
    page = "<h1>Markets close higher after a long week</h1><p>By Jane Doe | Published 3 hours ago</p>"
    pub = resolve_published(
        (), tz="UTC", fetched_at=datetime(2024, 11, 14, 15, 30, tzinfo=UTC), date_line=find_date_line(page)
    )
    assert pub is not None and pub.value == datetime(2024, 11, 14, 12, 30, tzinfo=UTC)
    assert "relative_to_fetch_time" in pub.flags


def test_cjk_date_line() -> None:
    page = "<h1>宮崎県で震度5弱、高知と宮崎に津波注意報</h1><div>2025年1月13日 21時37分</div>"
    pub = resolve_published(
        (), tz="Asia/Tokyo", fetched_at=datetime(2025, 1, 13, 14, tzinfo=UTC), date_line=find_date_line(page)
    )
    assert pub is not None and pub.local_iso == "2025-01-13T21:37+09:00"


def test_no_headline_no_line() -> None:
    assert find_date_line("<html><body><p>Tuesday, 12 November 2024</p></body></html>") is None
