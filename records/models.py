"""Stage contracts: the frozen records handed from one stage to the next.

discover → fetch → extract → parse → normalise → load

    SourceSpec        a configured source (seeds/sources.csv row, or an ad-hoc CLI source)
    ArticleRef        discover: one article URL found in a feed, sitemap or URL list
    Discovery         discover: everything one feed/sitemap document yielded (refs, child sitemaps, error)
    FetchResult       fetch: the outcome of getting one URL (body or a recorded error), every attempt
    ExtractedText     extract: trafilatura main text + metadata of one page
    ArticleRow        normalise: one row of ``articles``, ready to load
    FailureRow        normalise: one URL that did not become an article, with a readable reason

Parser outputs (``Attribution``, ``DateMention``, ``PublishedDate``) live beside their parsers in
``extractors/attribution.py`` and ``extractors/dates.py``.  All datetimes are timezone-aware.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from records.errors import ErrorClass

DiscoveredVia = Literal["feed", "sitemap", "news_sitemap", "url"]
DocumentKind = Literal["rss", "atom", "sitemap", "sitemapindex", "unknown"]


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """A news source: where to discover articles and how to read their dates."""

    source_id: str
    name: str
    homepage: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    language: str = "en"
    country: str = ""
    timezone: str = "UTC"
    outlet: str = ""  # how the outlet names itself ("EGINDO.co", "KOMPAS.com"); defaults to name

    @property
    def outlet_name(self) -> str:
        return self.outlet or self.name


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """One article URL found by discovery, with whatever the feed said about it."""

    url: str
    discovered_via: DiscoveredVia
    discovered_from: str  # the feed/sitemap URL, or "cli"/"urls-file"
    source_id: str | None = None
    title: str | None = None
    published: datetime | None = None  # aware (feed/sitemap date), None when absent/unparseable
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Discovery:
    """What one feed or sitemap document yielded."""

    document_url: str
    kind: DocumentKind
    refs: tuple[ArticleRef, ...] = ()
    child_sitemaps: tuple[str, ...] = ()  # sitemap index entries still to fetch
    child_lastmod: tuple[tuple[str, datetime], ...] = ()  # (child sitemap, its <lastmod>) where given
    error: str | None = None  # readable reason when the document could not be parsed
    skipped_links: int = 0  # article links that are not http(s) URLs (javascript:, data:, ftp:, ...)


@dataclass(frozen=True, slots=True)
class FetchAttempt:
    """One HTTP attempt (a fetch may take several, with retries)."""

    url: str
    attempt: int
    status: int | None
    bytes: int
    duration_ms: float
    error_class: ErrorClass | None = None  # None on success (records/errors.py says what each means)
    error: str | None = None


@dataclass(frozen=True, slots=True)
class FetchResult:
    """The final outcome of fetching one URL: a body, or a recorded, readable failure."""

    url: str  # as requested (normalised)
    final_url: str  # after redirects
    ok: bool
    status: int | None
    fetched_at: datetime
    body: bytes = b""  # raw body (decompressed by HTTP layer, not decoded)
    text: str | None = None  # body decoded to str (declared charset, then detected), when HTML/XML
    content_type: str | None = None
    charset: str | None = None  # the charset actually used to decode
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False  # a conditional GET answered 304
    error_class: ErrorClass | None = None
    error: str | None = None
    transient: bool = False  # whether the final error is worth retrying on a later run
    attempts: tuple[FetchAttempt, ...] = ()


@dataclass(frozen=True, slots=True)
class ExtractedText:
    """trafilatura's view of one page."""

    url: str
    title: str | None
    text: str
    authors: tuple[str, ...] = ()
    date: str | None = None  # trafilatura/htmldate raw date string (with offset when known)
    sitename: str | None = None
    publisher: str | None = None  # <meta name="copyright|publisher">, JSON-LD publisher.name
    language: str | None = None
    description: str | None = None
    canonical_url: str | None = None
    # raw publication-date candidates found in the HTML head, for the dates parser:
    # (provenance, raw string), provenance in {"meta", "json_ld"}
    date_candidates: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class ArticleRow:
    """One row of ``articles`` (plus its child rows), ready for the loader."""

    url: str
    canonical_url: str
    source_id: str | None
    outlet: str | None
    title: str | None
    text: str
    authors: tuple[str, ...]
    language: str | None
    published_at: datetime | None
    published_at_source: str | None  # meta | json_ld | url | feed | text
    published_flags: tuple[str, ...]
    dateline_place: str | None
    content_hash: str
    fetched_at: datetime
    final_url: str
    published_local: str | None = None  # the time as the page states it (ISO with offset), or the bare day
    published_date: date | None = None  # the calendar day in the source's own zone
    published_granularity: str | None = None  # second | minute | day
    # child rows as plain tuples keyed to this article (built by normalise, loaded in bulk)
    attributions: tuple[AttributionRow, ...] = ()
    dates: tuple[DateRow, ...] = ()
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True, slots=True)
class AttributionRow:
    role: str  # agency | cited_agency | reporter | editor | staff_initials | translator | translated_from | outlet | dateline_place
    name: str
    canonical: str | None = None  # canonical agency name from seeds/agencies.csv
    evidence: str | None = None  # the span the value came from


@dataclass(frozen=True, slots=True)
class DateRow:
    kind: str  # published | published_candidate | mention
    value: datetime | None
    granularity: str  # second | minute | day | week | month | year
    span: str | None
    flags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FailureRow:
    """A URL that did not become an article, and why (never silently dropped)."""

    url: str
    source_id: str | None
    stage: Literal["discover", "fetch", "extract", "parse", "load"]
    error_class: ErrorClass
    error: str
    transient: bool
    at: datetime


__all__ = [
    "SourceSpec",
    "ArticleRef",
    "Discovery",
    "FetchAttempt",
    "FetchResult",
    "ExtractedText",
    "ArticleRow",
    "AttributionRow",
    "DateRow",
    "FailureRow",
]
