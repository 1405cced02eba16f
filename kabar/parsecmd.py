"""``kabar parse``: run the parse stage on one record without the pipeline (for inspection and scoring)."""

from __future__ import annotations

import argparse
from dataclasses import replace
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from extractors.attribution import to_label_dict
from extractors.credits import merge_page_credits
from extractors.dates import find_date_candidates, resolve_published
from extractors.dates_visible import find_date_line
from extractors.language import guess_language
from extractors.normalise import parse_text
from extractors.sources import load_sources
from extractors.urls import url_host
from extractors.zones import default_timezone
from records.errors import KabarError
from records.models import SourceSpec


@lru_cache(maxsize=1)
def _sources_by_host() -> dict[str, SourceSpec]:
    """The user's sources (``$KABAR_SOURCES``, else beside ``$KABAR_WAREHOUSE``, else the packaged ones) by host."""
    from pipeline.settings import load_settings
    from pipeline.sources_file import user_sources_file

    out: dict[str, SourceSpec] = {}
    for s in load_sources(user_sources_file(load_settings(), create=False)):
        if s.homepage and "{BASE}" not in s.homepage:
            host = url_host(s.homepage)
            out[host] = s
            out[host.removeprefix("www.")] = s
    return out


def _source_for(url: str | None) -> SourceSpec | None:
    if not url:
        return None
    try:
        host = url_host(url)
    except ValueError:
        return None
    table = _sources_by_host()
    parts = host.split(".")
    for i in range(len(parts) - 1):  # sub.domain.example.com -> domain.example.com -> example.com
        hit = table.get(".".join(parts[i:]))
        if hit:
            return hit
    return None


def _parse_iso(value: str | None, tz: str) -> datetime | None:
    if not value:
        return None
    dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=ZoneInfo(tz))
    return dt


def parse_record(rec: dict[str, Any], *, defaults: argparse.Namespace | None = None) -> dict[str, Any]:
    """One input record -> one output object (label-schema fields + published_at + dates)."""
    d = defaults
    rid = rec.get("id")
    url = rec.get("url") or (getattr(d, "url", None) if d else None)
    source = _source_for(url)
    language = (
        rec.get("language")
        or (getattr(d, "language", None) if d else None)
        or (source.language if source else None)
    )
    configured_tz = (getattr(d, "tz", None) if d else None) or (source.timezone if source else None)
    outlet = (
        rec.get("outlet")
        or (getattr(d, "outlet", None) if d else None)
        or (source.outlet_name if source else None)
    )
    candidates: tuple[tuple[str, str], ...] = ()
    extracted_date = None
    html = rec.get("html")
    text = rec.get("text")
    title = None
    region = None
    date_line = None
    publisher = None
    extracted_authors: tuple[str, ...] = ()
    try:
        if html is not None and text is None:
            from extractors.extract import extract_page, html_region

            extracted = extract_page(html, url=url or "http://localhost/")
            text = extracted.text
            title = extracted.title
            extracted_date = extracted.date
            extracted_authors = extracted.authors
            publisher = extracted.publisher
            outlet = outlet or extracted.sitename
            language = language or extracted.language
            region = html_region(html)
            candidates = find_date_candidates(html)
            date_line = find_date_line(html)
        if text is None:
            return {"id": rid, "error": "record has neither text nor html"}
        language = language or guess_language(text)
        tz = configured_tz or default_timezone(language=language, url=url, region=region)
        try:
            given = _parse_iso(rec.get("published") or (getattr(d, "published", None) if d else None), tz)
            fetched = _parse_iso(rec.get("fetched_at") or (getattr(d, "fetched_at", None) if d else None), tz)
        except ValueError as exc:
            return {"id": rid, "error": f"invalid published or fetched_at value: {exc}"}
        now = fetched or datetime.now(UTC)
        known = None
        if given is not None:
            # the given value read like any page's date (its precision, its stated offset), then marked given
            raw_given = str(rec.get("published") or getattr(d, "published", ""))
            resolved = resolve_published([("meta", raw_given)], tz=tz, fetched_at=max(now, given))
            known = replace(resolved, source="given", flags=(), candidates=()) if resolved else None
        parsed = parse_text(
            text,
            url=url,
            outlet=outlet,
            language=language,
            tz=tz,
            fetched_at=max(now, given) if given else now,
            date_candidates=candidates,
            extracted_date=extracted_date,
            known_published=known,
            date_line=date_line,
        )
    except KabarError as exc:
        return {"id": rid, "error": str(exc)}
    attribution = parsed.attribution
    if html is not None:
        attribution = merge_page_credits(
            attribution,
            extracted_authors,
            publisher=publisher,
            url=url,
            visible=date_line.lines if date_line is not None else (),
        )
    published = parsed.published
    mentions = parsed.mentions
    out: dict[str, Any] = {"id": rid}
    out.update(to_label_dict(attribution))
    if title:
        out["title"] = title
    out["published_at"] = published.value.isoformat() if published else None
    out["published_local"] = published.local_iso if published else None
    out["published_date"] = published.day.isoformat() if published else None
    out["published_granularity"] = published.granularity if published else None
    out["published_at_source"] = published.source if published else None
    out["published_agreed"] = list(published.agreed) if published else []
    out["published_flags"] = list(published.flags) if published else []
    out["dates"] = [
        {
            "text": m.text,
            "start": m.start,
            "end": m.end,
            "value": m.value.isoformat(),
            "date": m.value.date().isoformat(),
            "granularity": m.granularity,
            "kind": m.kind,
            "flags": list(m.flags),
        }
        for m in mentions
    ]
    return out
