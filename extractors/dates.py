"""Dates: the publication date of a page and the dates named in its text (docs/dates.md).

Public API (the pipeline and ``kabar parse`` call exactly this)::

    find_date_candidates(html) -> ((provenance, raw), ...)        # meta / JSON-LD strings, best first
    resolve_published(candidates, *, tz, fetched_at, url=None, feed_date=None,
                      extracted_date=None, text=None, language=None) -> PublishedDate | None
    find_date_mentions(text, *, reference, tz, language=None) -> (DateMention, ...)

Everything is pure and regex-first.  dateparser is used only for publication-date strings that no
regex understood (loaded lazily once per process; ``warm_dateparser()`` loads it up front).

Implementation: ``dates_records`` (output types), ``dates_lexicon`` (words, zones, calendar helpers),
``dates_mentions`` (text phrases), ``dates_published`` (page metadata and resolution).
"""

from __future__ import annotations

from extractors.dates_mentions import find_date_mentions, parse_date_phrase
from extractors.dates_published import find_date_candidates, resolve_published, warm_dateparser
from extractors.dates_records import DateMention, Granularity, PublishedDate

__all__ = [
    "Granularity",
    "PublishedDate",
    "DateMention",
    "find_date_candidates",
    "resolve_published",
    "find_date_mentions",
    "parse_date_phrase",
    "warm_dateparser",
]
