"""Output records of the date parsers (``extractors/dates.py`` re-exports them).

``PublishedDate``  the page's publication datetime, with where it came from and why to doubt it
``DateMention``    one date named in the article text, resolved against the publication time

All ``value`` fields are timezone-aware and expressed in the source's zone; day/week/month/year
granularity values sit at 00:00 local of the first day they denote.  ``PublishedDate.local`` is the
same instant as the page states it: in the offset the page wrote (``+09:00``), else in the source's
zone, so ``PublishedDate.day`` is the calendar day a reader of that page sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

Granularity = Literal["second", "minute", "day", "week", "month", "year"]
# where a publication date came from: the page's meta tags (and htmldate's reading of the page),
# its JSON-LD, the URL path, the feed or sitemap entry, a date line in the visible text
DateSource = Literal["meta", "json_ld", "url", "feed", "text", "given"]
# how the resolver used a candidate: the one chosen, one naming the same local day, one naming
# another day, one rejected (after the fetch time, before 1990)
CandidateStatus = Literal["chosen", "agrees", "other", "rejected"]


@dataclass(frozen=True, slots=True)
class DateCandidate:
    """One publication-date statement the resolver weighed (stored in ``article_dates``)."""

    source: DateSource
    value: datetime  # the instant, aware, in the source's zone
    granularity: Granularity
    raw: str
    status: CandidateStatus
    flags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PublishedDate:
    """The publication datetime of one page."""

    value: datetime  # aware, in the source's zone (ZoneInfo(tz))
    source: DateSource
    granularity: Granularity  # "second"/"minute" as written; "day" for a day-only value (00:00 local)
    raw: str  # the string it came from
    flags: tuple[str, ...] = ()  # "after_fetch_time", "before_1990", "naive_assumed_local", ...
    stated: datetime | None = None  # the instant in the offset the page wrote, when that offset is not UTC
    agreed: tuple[DateSource, ...] = ()  # the other sources that name the same local day
    candidates: tuple[DateCandidate, ...] = ()  # every statement weighed, chosen one first

    @property
    def local(self) -> datetime:
        """The publication time as the source states it (its written offset, else the source zone)."""
        return self.stated if self.stated is not None else self.value

    @property
    def day(self) -> date:
        """The calendar day in the source's own zone."""
        return self.local.date()

    @property
    def local_iso(self) -> str:
        """``published_local``: ISO wall time with its offset, or the bare day for a day-only value."""
        if self.granularity == "day":
            return self.day.isoformat()
        return self.local.isoformat(timespec="seconds" if self.granularity == "second" else "minutes")


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date named in the text ("Selasa (12 November)", "2 jam yang lalu", "KATHMANDU, April 25")."""

    text: str  # the span as written
    start: int
    end: int
    value: datetime  # aware, source zone; 00:00 local for day and coarser granularities
    granularity: Granularity
    kind: str  # "absolute" | "day_month" | "weekday" | "relative" | "dateline"
    flags: tuple[str, ...] = ()  # "weekday_mismatch", "future_without_cue", "ambiguous", "updated", ...
    stated: datetime | None = None  # the instant in the zone the text wrote ("10:45 WITA"), if not UTC


__all__ = ["Granularity", "DateSource", "CandidateStatus", "DateCandidate", "PublishedDate", "DateMention"]
