"""Output records of the date parsers (``extractors/dates.py`` re-exports them).

``PublishedDate``  the page's publication datetime, with where it came from and why to doubt it
``DateMention``    one date named in the article text, resolved against the publication time

All ``value`` fields are timezone-aware and expressed in the source's zone; day/week/month/year
granularity values sit at 00:00 local of the first day they denote.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Granularity = Literal["minute", "day", "week", "month", "year"]


@dataclass(frozen=True, slots=True)
class PublishedDate:
    """The publication datetime of one page."""

    value: datetime  # aware, in the source's zone (ZoneInfo(tz))
    source: str  # "meta" | "json_ld" | "url" | "feed" | "text"
    granularity: Granularity  # "minute" when a time is known, else "day" (value at 00:00 local)
    raw: str  # the string it came from
    flags: tuple[str, ...] = ()  # "after_fetch_time", "before_1990", "naive_assumed_local", ...


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


__all__ = ["Granularity", "PublishedDate", "DateMention"]
