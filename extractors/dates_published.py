"""Publication date of a page: candidates from the HTML head and JSON-LD, then one resolved value.

``find_date_candidates(html)``  regex over the first 200 KB (meta tags, itemprop) plus every
                                JSON-LD block; returns ``(provenance, raw)`` pairs, best first.
``resolve_published(...)``      picks the best of those, trafilatura's date, the feed date, the
                                URL date and a byline date in the text (docs/dates.md):

* aware values are converted to the source zone before the day is taken; naive values are
  source-local (flag ``naive_assumed_local`` when they carry a time);
* a value at exactly 00:00:00 in its own offset is a day-only field (granularity "day", the day
  as written);
* a UTC value whose wall clock equals another candidate's local wall clock (detik's ``pubdate``
  ``2023-11-02T20-59-53Z`` against JSON-LD ``20:59:53+07:00``) is a false UTC: it loses, and the
  chosen value carries ``false_utc_suspected``; detik's hyphenated-time-plus-Z format is read as
  local time even alone;
* a value after the fetch time (+15 min skew) or before 1990 is rejected in favour of the next
  candidate (the winner carries ``rejected_after_fetch_time`` / ``rejected_before_1990``); when
  nothing else is left the flagged value is returned with ``after_fetch_time`` / ``before_1990``.
"""

from __future__ import annotations

import html as htmllib
import json
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from email.utils import parsedate_to_datetime
from typing import Any

from extractors.dates_lexicon import local_midnight, month_number, safe_date, zone, zone_offset
from extractors.dates_mentions import find_date_mentions, parse_date_phrase
from extractors.dates_records import Granularity, PublishedDate

_HEAD_LIMIT = 200_000
_SKEW = timedelta(minutes=15)
_FLOOR = date(1990, 1, 1)

# --- candidates from HTML -------------------------------------------------------------------------
_META_RANK: dict[str, int] = {
    "article:published_time": 0, "og:published_time": 0, "og:article:published_time": 0,
    "article:published": 0, "article.published": 0,
    # JSON-LD datePublished ranks 1
    "datepublished": 2, "parsely-pub-date": 3, "sailthru.date": 3, "cxenseparse:recs:publishtime": 3,
    "pubdate": 4, "publishdate": 4, "publish-date": 4, "publish_date": 4, "published_time": 4,
    "published-date": 4, "published_date": 4, "article_date_original": 4, "original-publish-date": 4,
    "content_publishdate": 4, "dc.date.issued": 5, "dcterms.issued": 5, "dc.date": 5, "dcterms.date": 5,
    "dc.date.created": 5, "dcterms.created": 5, "citation_publication_date": 5, "date": 6,
}  # fmt: skip
_JSON_LD_RANK = 1
_ARTICLE_TYPES = (
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "article",
    "blogposting",
    "report",
)

_META_TAG = re.compile(r"<(?:meta|META|Meta)\b[^>]*>")
_ITEMPROP = re.compile(r"itemprop\s*=\s*[\"']?datePublished\b")
_ATTR = re.compile(r"([\w:.\-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+))")
_SCRIPT_END = re.compile(r"</script", re.I)
_JSON_LD_FALLBACK = re.compile(r"\"datePublished\"\s*:\s*\"([^\"]{6,40})\"")


def _attrs(tag: str) -> dict[str, str]:
    return {k.lower(): htmllib.unescape(a or b or c) for k, a, b, c in _ATTR.findall(tag)}


def _json_ld_blocks(doc: str) -> Iterator[str]:
    """Bodies of ``<script type="application/ld+json">`` elements (located with str.find, not a regex)."""
    pos = doc.find("ld+json")
    while pos >= 0:
        lo = doc.rfind("<", 0, pos)
        gt = doc.find(">", pos)
        if lo >= 0 and gt >= 0 and doc[lo + 1 : lo + 7].lower() == "script":
            close = _SCRIPT_END.search(doc, gt)
            if close is None:
                return
            end = close.start()
            yield doc[gt + 1 : end]
            pos = doc.find("ld+json", end)
        else:
            pos = doc.find("ld+json", pos + 7)


def _walk_json(node: Any, depth: int = 0) -> Iterator[tuple[int, str]]:
    """(type rank, datePublished) for every object in a JSON-LD tree (``@graph`` included)."""
    if depth > 12:
        return
    if isinstance(node, list):
        for item in node:
            yield from _walk_json(item, depth + 1)
    elif isinstance(node, dict):
        value = node.get("datePublished")
        if isinstance(value, str) and value.strip():
            types = node.get("@type", "")
            names = [t.lower() for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)]
            rank = min((i for i, t in enumerate(_ARTICLE_TYPES) if t in names), default=len(_ARTICLE_TYPES))
            yield rank, value.strip()
        for key, child in node.items():
            if isinstance(child, dict | list) and key != "datePublished":
                yield from _walk_json(child, depth + 1)


def _json_ld_dates(block: str) -> list[str]:
    try:
        data = json.loads(block, strict=False)
    except ValueError:
        return [htmllib.unescape(v) for v in _JSON_LD_FALLBACK.findall(block)]
    found = sorted(enumerate(_walk_json(data)), key=lambda x: (x[1][0], x[0]))
    return [v for _, (_, v) in found]


def find_date_candidates(html: str | bytes) -> tuple[tuple[str, str], ...]:
    """Publication-date strings in the page's meta tags and JSON-LD, best first.

    Provenance is "meta" (``article:published_time``, ``pubdate``, itemprop ``datePublished``…) or
    "json_ld" (``datePublished``, also inside ``@graph``).  Pure regex; no DOM is built.
    """
    if isinstance(html, bytes):
        doc = (
            html.decode("utf-8", "replace")
            if b"ld+json" in html
            else html[:_HEAD_LIMIT].decode("utf-8", "replace")
        )
    else:
        doc = html
    head = doc[:_HEAD_LIMIT]
    ranked: list[tuple[int, int, str, str]] = []
    for pos, tag in enumerate(_META_TAG.findall(head)):
        a = _attrs(tag)
        content = (a.get("content") or "").strip()
        if not content:
            continue
        for key_attr in ("property", "name", "itemprop", "http-equiv"):
            key = a.get(key_attr, "").strip().lower()
            if key in _META_RANK:
                ranked.append((_META_RANK[key], pos, "meta", content))
                break
    for pos, hit in enumerate(_ITEMPROP.finditer(head) if "datePublished" in head else ()):
        lo, hi = head.rfind("<", 0, hit.start()), head.find(">", hit.end())
        if lo < 0 or hi < 0 or head.startswith("<meta", lo):
            continue
        a = _attrs(head[lo : hi + 1])
        value = (a.get("datetime") or a.get("content") or "").strip()
        if value:
            ranked.append((_META_RANK["datepublished"], 10_000 + pos, "meta", value))
    if "ld+json" in doc:
        pos = 0
        for block in _json_ld_blocks(doc):
            for value in _json_ld_dates(block):
                ranked.append((_JSON_LD_RANK, pos, "json_ld", value))
                pos += 1
    ranked.sort(key=lambda r: (r[0], r[1]))
    seen: set[tuple[str, str]] = set()
    out: list[tuple[str, str]] = []
    for _, _, prov, raw in ranked:
        if (prov, raw) not in seen:
            seen.add((prov, raw))
            out.append((prov, raw))
    return tuple(out)


# --- parsing one raw value ------------------------------------------------------------------------
_ISO = re.compile(
    r"^\s*(?P<y>\d{4})[-/.](?P<mo>\d{1,2})[-/.](?P<d>\d{1,2})"
    r"(?:[T\s]+(?P<h>\d{1,2})(?P<sep>[:\-.])(?P<mi>\d{2})(?:[:\-.](?P<s>\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(?P<z>Z|[+-]\d{2}(?::?\d{2})?|UTC|GMT|WIB|WITA|WIT|SGT|MYT|PHT|ICT)?\s*$",
    re.I,
)
_COMPACT = re.compile(
    r"^\s*(?P<y>\d{4})(?P<mo>\d{2})(?P<d>\d{2})(?:T?(?P<h>\d{2})(?P<mi>\d{2})(?P<s>\d{2})?)?(?P<z>Z)?\s*$"
)
_CTIME = re.compile(  # "Tue Jan 28 15:28:56 CET 2020"
    r"^\s*(?:[A-Za-z]{3},?\s+)?(?P<mon>[A-Za-z]{3})\s+(?P<d>\d{1,2})\s+(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?"
    r"\s+(?:(?P<z>[A-Z]{2,5}|[+-]\d{4})\s+)?(?P<y>\d{4})\s*$"
)
_EPOCH = re.compile(r"^\s*(\d{10})(\d{3})?\s*$")
_URL_DATE = (
    re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})(?=/|$|[-_.])"),
    re.compile(r"/((?:19|20)\d{2})-(\d{2})-(\d{2})(?=/|$|[-_.])"),
    re.compile(r"[/_\-]((?:19|20)\d{2})(\d{2})(\d{2})(?:\d{2,8})?(?=/|$|[-_.])"),
)


@dataclass(frozen=True, slots=True)
class _Cand:
    value: datetime  # aware, source zone
    source: str
    granularity: Granularity
    raw: str
    flags: tuple[str, ...]
    utc_written: bool = False  # the raw value said Z / +00:00
    wall: datetime | None = None  # the written wall clock (naive), for false-UTC detection


def _build(
    y: int,
    mo: int,
    d: int,
    hms: tuple[int, int, int] | None,
    written: tzinfo | None,
    tz: tzinfo,
    *,
    false_utc: bool = False,
) -> tuple[datetime, Granularity, tuple[str, ...], bool, datetime | None] | None:
    day = safe_date(y, mo, d)
    if day is None:
        return None
    if hms is None or hms == (0, 0, 0):
        # day-only field (or htmldate's 00:00:00 filler): keep the day as written
        return local_midnight(day, tz), "day", (), False, None
    h, mi, s = hms
    if h > 23 or mi > 59 or s > 59:
        return None
    wall = datetime(y, mo, d, h, mi, s)
    if false_utc:
        return wall.replace(tzinfo=tz), "minute", ("false_utc_suspected",), False, wall
    if written is None:
        return wall.replace(tzinfo=tz), "minute", ("naive_assumed_local",), False, wall
    is_utc = written.utcoffset(None) == timedelta(0)
    return wall.replace(tzinfo=written).astimezone(tz), "minute", (), is_utc, wall


def _parse_raw(raw: str, source: str, tz: str, ref: datetime | None) -> _Cand | None:
    zi = zone(tz)
    text = raw.strip()
    if not text:
        return None
    built = None
    m = _ISO.match(text) or _COMPACT.match(text)
    if m is not None:
        gd = m.groupdict()
        hms = (int(gd["h"]), int(gd["mi"]), int(gd["s"] or 0)) if gd.get("h") else None
        z = gd.get("z")
        written = zone_offset(z) if z else None
        false_utc = bool(z and z.upper() == "Z" and gd.get("sep") == "-")  # detik "20-59-53Z"
        built = _build(int(gd["y"]), int(gd["mo"]), int(gd["d"]), hms, written, zi, false_utc=false_utc)
    elif (ct := _CTIME.match(text)) is not None and (mon := month_number(ct.group("mon"))) is not None:
        hms = (int(ct.group("h")), int(ct.group("mi")), int(ct.group("s") or 0))
        written = zone_offset(ct.group("z")) if ct.group("z") else None
        built = _build(int(ct.group("y")), mon, int(ct.group("d")), hms, written, zi)
    elif (e := _EPOCH.match(text)) is not None:
        dt = datetime.fromtimestamp(int(e.group(1)), tz=UTC)
        built = _build(dt.year, dt.month, dt.day, (dt.hour, dt.minute, dt.second), UTC, zi)
    else:
        built = _parse_rfc2822(text, zi) or _parse_phrase(text, tz) or _parse_with_dateparser(text, tz, ref)
    if built is None:
        return None
    value, gran, flags, utc, wall = built
    return _Cand(value, source, gran, raw, flags, utc, wall)


def _parse_rfc2822(
    text: str, zi: tzinfo
) -> tuple[datetime, Granularity, tuple[str, ...], bool, datetime | None] | None:
    if not re.match(r"^\s*(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}", text):
        return None
    try:
        dt = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return _build(dt.year, dt.month, dt.day, (dt.hour, dt.minute, dt.second), dt.tzinfo, zi)


def _parse_phrase(
    text: str, tz: str
) -> tuple[datetime, Granularity, tuple[str, ...], bool, datetime | None] | None:
    """A written date with a year ("Selasa, 12 Nov 2024 10:00 WIB"); a year-less meta value is not trusted."""
    mention = parse_date_phrase(text, tz=tz)
    if mention is None or mention.granularity not in ("minute", "day"):
        return None
    flags = tuple(f for f in mention.flags if f == "weekday_mismatch")
    return mention.value, mention.granularity, flags, False, None


# dateparser: only for leftovers no regex above understood; loaded once per process
_DP_LOCK = threading.Lock()
_DP_MODULE: Any = None


def _dateparser() -> Any:
    global _DP_MODULE
    if _DP_MODULE is None:
        with _DP_LOCK:
            if _DP_MODULE is None:
                import dateparser

                dateparser.parse("12 November 2024", languages=["id", "en"], settings={"DATE_ORDER": "DMY"})
                _DP_MODULE = dateparser
    return _DP_MODULE


def warm_dateparser() -> None:
    """Load dateparser's id/en data now (a long-lived worker calls this once at start)."""
    _dateparser()


def _parse_with_dateparser(
    text: str, tz: str, ref: datetime | None
) -> tuple[datetime, Granularity, tuple[str, ...], bool, datetime | None] | None:
    if len(text) > 80 or not re.search(r"\d", text):
        return None
    settings = {
        "DATE_ORDER": "DMY",
        "TIMEZONE": tz,
        "RETURN_AS_TIMEZONE_AWARE": True,
        "PREFER_DATES_FROM": "past",
    }
    if ref is not None:
        settings["RELATIVE_BASE"] = ref.astimezone(zone(tz)).replace(tzinfo=None)
    try:
        dt = _dateparser().parse(text, languages=["id", "en"], settings=settings)
    except Exception:  # dateparser raises assorted errors on junk
        return None
    if dt is None:
        return None
    zi = zone(tz)
    hms = (dt.hour, dt.minute, dt.second)
    return _build(dt.year, dt.month, dt.day, hms, dt.tzinfo, zi)


# --- other sources --------------------------------------------------------------------------------
def _url_candidate(url: str, tz: str) -> _Cand | None:
    path = re.sub(r"^[a-z][a-z0-9+.\-]*://[^/]+", "", url, flags=re.I).split("?")[0]
    for pattern in _URL_DATE:
        m = pattern.search(path)
        if m is not None:
            d = safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if d is not None:
                return _Cand(local_midnight(d, zone(tz)), "url", "day", m.group(0), ())
    return None


def _feed_candidate(feed_date: datetime, tz: str) -> _Cand | None:
    zi = zone(tz)
    raw = feed_date.isoformat()
    hms = (feed_date.hour, feed_date.minute, feed_date.second)
    built = _build(feed_date.year, feed_date.month, feed_date.day, hms, feed_date.tzinfo, zi)
    if built is None:
        return None
    value, gran, flags, utc, wall = built
    return _Cand(value, "feed", gran, raw, flags, utc, wall)


def _text_candidate(text: str, tz: str, fetched: datetime) -> _Cand | None:
    """A byline date with a year near the top of the text ("12 Nov 2024 05:05PM", "Rabu, 4 November 2015")."""
    head = text[:600]
    for mention in find_date_mentions(head, reference=fetched, tz=tz):
        if mention.kind not in ("absolute", "dateline") or mention.granularity not in ("minute", "day"):
            continue
        if "updated" in mention.flags:
            continue
        if mention.kind == "dateline" or mention.start < 300:
            return _Cand(mention.value, "text", mention.granularity, mention.text, ())
    return None


# --- resolution ------------------------------------------------------------------------------------
def _problem(c: _Cand, fetched: datetime) -> str | None:
    if c.value.date() < _FLOOR:
        return "before_1990"
    if c.granularity == "day":
        if c.value.date() > fetched.astimezone(c.value.tzinfo).date():
            return "after_fetch_time"
    elif c.value > fetched + _SKEW:
        return "after_fetch_time"
    return None


def _mark_false_utc(cands: list[_Cand]) -> list[_Cand]:
    """Demote UTC values whose wall clock is another candidate's local wall clock (detik's false Z)."""
    out: list[_Cand] = []
    demoted: list[_Cand] = []
    for c in cands:
        twin = (
            c.utc_written
            and c.wall is not None
            and any(
                o is not c
                and not o.utc_written
                and o.wall == c.wall
                and o.value != c.value
                and "naive_assumed_local" not in o.flags
                for o in cands
            )
        )
        if twin:
            demoted.append(replace(c, flags=(*c.flags, "false_utc_suspected")))
        else:
            out.append(c)
    if demoted and out:
        out[0] = replace(out[0], flags=(*out[0].flags, "false_utc_suspected"))
    return out + demoted


def resolve_published(
    candidates: Sequence[tuple[str, str]],
    *,
    tz: str,
    fetched_at: datetime,
    url: str | None = None,
    feed_date: datetime | None = None,
    extracted_date: str | Callable[[], str | None] | None = None,
    text: str | None = None,
    language: str | None = None,
) -> PublishedDate | None:
    """The publication datetime in the source zone ``tz``, or None when no source gives one.

    Order of trust: the page's candidates as given (meta / JSON-LD, best first), trafilatura's
    date (provenance "meta"), the feed date, the URL date, a byline date in the text.

    ``extracted_date`` may be a callable (htmldate is costly): it is called only when no page
    candidate is a valid, minute-precise date, i.e. only when its answer could change the result
    beyond the ``sources_disagree`` flag.
    """
    zi = zone(tz)
    fetched = fetched_at.replace(tzinfo=zi) if fetched_at.tzinfo is None else fetched_at
    parsed: list[_Cand] = []
    for prov, raw in candidates:
        c = _parse_raw(raw, prov if prov in ("meta", "json_ld") else "meta", tz, fetched)
        if c is not None:
            parsed.append(c)
    if callable(extracted_date):
        settled = any(c.granularity == "minute" and _problem(c, fetched) is None for c in parsed)
        extracted_date = None if settled else extracted_date()
    if extracted_date:
        c = _parse_raw(extracted_date, "meta", tz, fetched)
        if c is not None:
            parsed.append(c)
    if feed_date is not None:
        c = _feed_candidate(feed_date, tz)
        if c is not None:
            parsed.append(c)
    if url:
        c = _url_candidate(url, tz)
        if c is not None:
            parsed.append(c)
    if text:
        c = _text_candidate(text, tz, fetched)
        if c is not None:
            parsed.append(c)
    if not parsed:
        return None
    parsed = _mark_false_utc(parsed)

    rejected: list[str] = []
    chosen: _Cand | None = None
    for c in parsed:
        problem = _problem(c, fetched)
        if problem is None:
            chosen = c
            break
        if f"rejected_{problem}" not in rejected:
            rejected.append(f"rejected_{problem}")
    if chosen is None:
        first = parsed[0]
        problem = _problem(first, fetched) or ""
        return _to_record(first, extra=(problem,), zi=zi)

    extra: list[str] = list(rejected)
    valid = [c for c in parsed if _problem(c, fetched) is None]
    if chosen.granularity == "day":
        # a later candidate may know the time of the same local day
        timed = next(
            (c for c in valid if c.granularity == "minute" and c.value.date() == chosen.value.date()), None
        )
        if timed is not None:
            chosen = timed
    firsts: dict[str, _Cand] = {}
    for c in valid:
        firsts.setdefault(c.source, c)
    others = {c.value.date() for src, c in firsts.items() if src != chosen.source}
    if any(abs((d - chosen.value.date()).days) > 1 for d in others):
        extra.append("sources_disagree")
    return _to_record(chosen, extra=tuple(extra), zi=zi)


def _to_record(c: _Cand, *, extra: tuple[str, ...], zi: tzinfo) -> PublishedDate:
    flags = tuple(dict.fromkeys(f for f in (*c.flags, *extra) if f))
    return PublishedDate(
        value=c.value.astimezone(zi), source=c.source, granularity=c.granularity, raw=c.raw, flags=flags
    )


__all__ = ["find_date_candidates", "resolve_published", "warm_dateparser"]
