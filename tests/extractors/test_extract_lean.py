"""The lean extraction path equals trafilatura's full one on every field Kabar reads.

``extract_page`` parses a page once, reads the metadata Kabar uses with ``page_metadata`` (a
subset of trafilatura's ``extract_metadata``, built from its own helpers) and runs the main
extraction without trafilatura's metadata pass; htmldate runs only when the page's own date tags
do not settle the publication date.  These tests compare both against the library's full path
on real pages (golden fixtures + the demo site), so an upgrade that changes those internals fails
here instead of silently changing rows.
"""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest
from trafilatura import bare_extraction
from trafilatura.settings import Document

from extractors.dates_published import find_date_candidates, resolve_published
from extractors.extract import _DATE_PARAMS, extract_page

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted((ROOT / "tests" / "fixtures" / "pages").glob("*/*.html.gz")) + sorted(
    (ROOT / "seeds" / "demo_site" / "articles").glob("*.html")
)


def _html(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def test_page_set_is_big_enough() -> None:
    assert len(PAGES) >= 15


@pytest.mark.parametrize("path", PAGES, ids=[p.name.split(".html")[0] for p in PAGES])
def test_lean_path_matches_trafilatura_full_path(path: Path) -> None:
    html = _html(path)
    url = "https://news.example.org/2024/11/12/story"
    full = bare_extraction(
        html,
        url=url,
        fast=True,
        include_comments=False,
        include_tables=True,
        with_metadata=True,
        date_extraction_params=dict(_DATE_PARAMS),
    )
    lean = extract_page(html, url=url, with_date=True)
    assert isinstance(full, Document)
    assert lean.text == (full.text or "").strip()
    assert lean.title == (full.title or None)
    assert lean.description == (full.description or None)
    assert lean.canonical_url == (full.url or None)
    assert lean.date == (full.date or None)
    authors = tuple(a.strip() for a in (full.author or "").split(";") if a.strip())
    assert lean.authors == authors
    if "og:site_name" not in html.decode("utf-8", "replace"):
        assert lean.sitename == (full.sitename or None)


@pytest.mark.parametrize("path", PAGES, ids=[p.name.split(".html")[0] for p in PAGES])
def test_lazy_htmldate_gives_the_same_publication_date(path: Path) -> None:
    """``resolve_published`` with htmldate as a callable equals the eager call, and skips it when
    the page's own minute-precise date tags already decide."""
    html = _html(path)
    url = "https://news.example.org/story"
    eager = extract_page(html, url=url, with_date=True)
    candidates = find_date_candidates(html.decode("utf-8", "replace"))
    fetched = datetime(2026, 11, 26, tzinfo=UTC)
    calls: list[int] = []

    def lazy() -> str | None:
        calls.append(1)
        return eager.date

    kw = dict(tz="Asia/Jakarta", fetched_at=fetched, url=url, text=eager.text)
    want = resolve_published(candidates, extracted_date=eager.date, **kw)  # type: ignore[arg-type]
    got = resolve_published(candidates, extracted_date=lazy, **kw)  # type: ignore[arg-type]
    assert (got and got.value, got and got.source) == (want and want.value, want and want.source)
    if calls:
        return
    # not called: a page candidate was a valid minute-precise date, and it won
    assert got is not None and got.source in ("meta", "json_ld") and got.granularity in ("second", "minute")


def test_lazy_htmldate_is_called_without_page_date_tags() -> None:
    calls: list[int] = []

    def lazy() -> str | None:
        calls.append(1)
        return "2024-11-12T10:00:00+0700"

    got = resolve_published(
        (), tz="Asia/Jakarta", fetched_at=datetime(2026, 11, 26, tzinfo=UTC), extracted_date=lazy
    )
    assert calls == [1]
    assert got is not None and got.value == datetime(2024, 11, 12, 3, 0, tzinfo=UTC)
