"""Normalise: one fetched page -> one ``ArticleRow`` (or a ``FailureRow``), all pure CPU work.

This is the per-page function the extraction worker processes run:

    PageJob --extract_page--> ExtractedText --parse (dates, attribution)--> ArticleRow

and ``parse_text`` is the same parse step over plain text, used by ``kabar parse``.
No I/O, no clock: the fetch time and the source's time zone come in with the job.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from extractors.attribution import Attribution, parse_attribution
from extractors.credits import merge_page_credits
from extractors.dates import (
    DateMention,
    PublishedDate,
    find_date_candidates,
    find_date_mentions,
    resolve_published,
)
from extractors.dates_visible import DateLine, find_date_line
from extractors.extract import extract_page, html_region, page_date, parse_html
from extractors.language import guess_language
from extractors.urls import canonicalize_url
from extractors.zones import default_timezone
from records.errors import KabarError
from records.models import ArticleRow, AttributionRow, DateRow, FailureRow

_ROLE_FIELDS = (
    ("agencies", "agency"),
    ("cited_agencies", "cited_agency"),
    ("reporters", "reporter"),
    ("editors", "editor"),
    ("staff_initials", "staff_initials"),
    ("translators", "translator"),
)


@dataclass(frozen=True, slots=True)
class PageJob:
    """Everything the worker needs to turn one fetched page into a row."""

    url: str
    canonical_url: str
    final_url: str
    source_id: str | None
    outlet: str | None
    timezone: str  # the source's IANA zone; "" when unknown (then by the article's language)
    language: str | None  # the source's configured language
    body: bytes
    text: str | None  # already-decoded HTML, when the caller has it; preferred over body
    fetched_at: datetime
    charset: str | None = None  # the charset the fetcher settled on: the worker decodes body with it
    feed_published: datetime | None = None
    feed_title: str | None = None
    feed_language: str | None = None  # what the feed / news sitemap declared for this URL


@dataclass(frozen=True, slots=True)
class ParsedText:
    """The parse stage's output for one article text."""

    attribution: Attribution
    published: PublishedDate | None
    mentions: tuple[DateMention, ...]


def parse_text(
    text: str,
    *,
    url: str | None,
    outlet: str | None,
    language: str | None,
    tz: str,
    fetched_at: datetime,
    date_candidates: tuple[tuple[str, str], ...] = (),
    extracted_date: str | Callable[[], str | None] | None = None,
    feed_date: datetime | None = None,
    known_published: PublishedDate | None = None,
    date_line: DateLine | None = None,
) -> ParsedText:
    """Attribution, publication date and dates named in the text, for one article.

    ``known_published`` (e.g. ``kabar parse --published``) replaces the resolved publication date.
    """
    attribution = parse_attribution(text, url=url, outlet=outlet, language=language)
    published = known_published or resolve_published(
        date_candidates,
        tz=tz,
        fetched_at=fetched_at,
        url=url,
        feed_date=feed_date,
        extracted_date=extracted_date,
        text=text,
        language=language,
        date_line=date_line,
    )
    reference = published.value if published is not None else fetched_at
    mentions = find_date_mentions(text, reference=reference, tz=tz, language=language)
    return ParsedText(attribution=attribution, published=published, mentions=mentions)


def _attribution_rows(a: Attribution) -> tuple[AttributionRow, ...]:
    evidence: dict[tuple[str, str], str] = {}
    for field_name, value, span in a.evidence:
        evidence.setdefault((field_name, value), span)
    rows: list[AttributionRow] = []
    for field_name, role in _ROLE_FIELDS:
        for name in getattr(a, field_name):
            canonical = name if role in ("agency", "cited_agency") else None
            rows.append(AttributionRow(role, name, canonical, evidence.get((field_name, name))))
    if a.translated_from:
        rows.append(
            AttributionRow(
                "translated_from",
                a.translated_from,
                a.translated_from,
                evidence.get(("translated_from", a.translated_from)),
            )
        )
    return tuple(rows)


def _date_rows(parsed: ParsedText) -> tuple[DateRow, ...]:
    rows: list[DateRow] = []
    if parsed.published is not None:
        p = parsed.published
        rows.append(DateRow("published", p.value, p.granularity, p.raw, (f"source:{p.source}", *p.flags)))
        # every other statement the resolver weighed, and how it used it (agrees / other / rejected)
        for c in p.candidates[1:]:
            rows.append(
                DateRow(
                    "published_candidate",
                    c.value,
                    c.granularity,
                    c.raw,
                    (f"source:{c.source}", c.status, *c.flags),
                )
            )
    for m in parsed.mentions:
        rows.append(DateRow("mention", m.value, m.granularity, m.text, (f"kind:{m.kind}", *m.flags)))
    return tuple(rows)


def _content_hash(payload: dict[str, Any]) -> str:
    blob = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:32]


def _decoded(body: bytes, charset: str | None) -> bytes | str:
    """The body as text when its charset is known (decoded here, in the worker, so the main
    process never holds a second, wider copy of every page); raw bytes otherwise."""
    if not charset:
        return body
    try:
        return body.decode(charset, errors="replace")
    except LookupError:
        return body


def build_article(job: PageJob) -> ArticleRow:
    """Extract, parse and normalise one page. Raises ``KabarError`` subclasses on failure."""
    html: bytes | str = job.text if job.text is not None else _decoded(job.body, job.charset)
    tree = parse_html(html)
    extracted = extract_page(html, url=job.final_url or job.url, with_date=False, tree=tree)
    candidates = find_date_candidates(html)
    # the most specific statement wins: the page, its feed entry, the source's config, then the text
    language = extracted.language or job.feed_language or job.language or guess_language(extracted.text)
    date_line = find_date_line(html)
    parsed = parse_text(
        extracted.text,
        url=job.final_url or job.url,
        outlet=job.outlet or extracted.sitename,
        language=language,
        tz=job.timezone or default_timezone(language=language, url=job.url, region=html_region(html)),
        fetched_at=job.fetched_at,
        date_candidates=candidates,
        extracted_date=lambda: page_date(tree, url=extracted.canonical_url or job.final_url or job.url),
        feed_date=job.feed_published,
        date_line=date_line,
    )
    canonical = job.canonical_url
    if extracted.canonical_url:
        try:
            canonical_from_page = canonicalize_url(extracted.canonical_url)
        except ValueError:
            canonical_from_page = ""
        # a page's own canonical link is trusted only on the same host (no cross-site merges)
        if canonical_from_page and canonical_from_page.split("/")[2:3] == canonical.split("/")[2:3]:
            canonical = canonical_from_page
    a = merge_page_credits(
        parsed.attribution,
        extracted.authors,
        publisher=extracted.publisher,
        url=job.final_url or job.url,
        visible=date_line.lines if date_line is not None else (),
    )
    published = parsed.published
    attributions = _attribution_rows(a)
    dates = _date_rows(parsed)
    title = extracted.title or job.feed_title
    outlet = job.outlet or a.outlet or extracted.sitename
    payload = {
        "title": title,
        "text": extracted.text,
        "authors": extracted.authors,
        "language": language,
        "published": published.value.isoformat() if published else None,
        "published_local": published.local_iso if published else None,
        "published_source": published.source if published else None,
        "outlet": outlet,
        "dateline": a.dateline_place,
        "attributions": [(r.role, r.name, r.canonical) for r in attributions],
        "dates": [
            (d.kind, d.value.isoformat() if d.value else None, d.granularity, d.span, d.flags) for d in dates
        ],
    }
    return ArticleRow(
        url=job.url,
        canonical_url=canonical,
        source_id=job.source_id,
        outlet=outlet,
        title=title,
        text=extracted.text,
        authors=extracted.authors,
        language=language,
        published_at=published.value if published else None,
        published_at_source=published.source if published else None,
        published_flags=published.flags if published else (),
        published_local=published.local_iso if published else None,
        published_date=published.day if published else None,
        published_granularity=published.granularity if published else None,
        dateline_place=a.dateline_place,
        content_hash=_content_hash(payload),
        fetched_at=job.fetched_at,
        final_url=job.final_url,
        attributions=attributions,
        dates=dates,
    )


def process_page(job: PageJob) -> ArticleRow | FailureRow:
    """``build_article`` that never raises: a failure becomes a readable ``FailureRow``."""
    try:
        return build_article(job)
    except KabarError as exc:
        return FailureRow(
            job.url, job.source_id, "extract", exc.kind, str(exc), exc.transient, job.fetched_at
        )
    except MemoryError:
        return FailureRow(
            job.url,
            job.source_id,
            "extract",
            "out_of_memory",
            "extraction ran out of memory (worker memory limit)",
            False,
            job.fetched_at,
        )
    except Exception as exc:  # a parser bug must not lose the page: record it
        return FailureRow(
            job.url,
            job.source_id,
            "parse",
            "parser_crash",
            f"{type(exc).__name__}: {exc}",
            False,
            job.fetched_at,
        )


__all__ = ["PageJob", "ParsedText", "parse_text", "build_article", "process_page"]
