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
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from typing import Any

from extractors.dates_lexicon import ZONE_RE, local_midnight, month_number, safe_date, zone, zone_offset
from extractors.dates_mentions import find_date_mentions, parse_date_phrase
from extractors.dates_records import (
    CandidateStatus,
    DateCandidate,
    DateSource,
    Granularity,
    PublishedDate,
)
from extractors.dates_visible import DateLine

_HEAD_LIMIT = 200_000
_SKEW = timedelta(minutes=15)
_FLOOR = date(1990, 1, 1)


# --- candidates from HTML -------------------------------------------------------------------------
# Meta keys are compared without separators ("article:published_time", "article:published:time",
# "article.published_time" are one key).  Rank 0 is the JSON-LD ``datePublished`` of the page's own
# article (``_JSON_LD_RANK``); lower numbers win.
def _key(name: str) -> str:
    return re.sub(r"[\s:_.\-]", "", name.lower())


_META_RANK: dict[str, int] = {_key(k): r for k, r in {
    "article:published_time": 1, "og:published_time": 1, "og:article:published_time": 1,
    "article:published": 1, "datepublished": 3, "parsely-pub-date": 3, "sailthru.date": 3,
    "cxenseparse:recs:publishtime": 3, "pubdate": 4, "publishdate": 4, "published_time": 4,
    "published_date": 4, "article_date_original": 4, "original-publish-date": 4,
    "content_publishdate": 4, "date.published": 4, "dc.date.issued": 5, "dcterms.issued": 5,
    "dc.date": 5, "dcterms.date": 5, "dc.date.created": 5, "dcterms.created": 5,
    "citation_publication_date": 5, "date": 6,
}.items()}  # fmt: skip
_JSON_LD_RANK = 0
_JSON_LD_OTHER_RANK = 7  # datePublished of another object (WebPage, an image, a live-blog update)
_ARTICLE_TYPES = frozenset(
    {"newsarticle", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle", "reviewnewsarticle",
     "backgroundnewsarticle", "article", "blogposting", "liveblogposting", "report", "scholarlyarticle"}
)  # fmt: skip
MODIFIED = "modified"  # provenance of a modification time in find_date_candidates' answer

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


def _walk_json(node: Any, nested: bool = False, depth: int = 0) -> Iterator[tuple[int, str, str]]:
    """(rank, provenance, value) for the dates of every object in a JSON-LD tree.

    The page's own article is a top-level object (or a member of ``@graph``) of an article type:
    its ``datePublished`` ranks first.  Objects nested in another (a live blog's updates, a
    related article, an image) and other types (WebPage) rank below the meta tags.
    """
    if depth > 12:
        return
    if isinstance(node, list):
        for item in node:
            yield from _walk_json(item, nested, depth + 1)
        return
    if not isinstance(node, dict):
        return
    types = node.get("@type", "")
    names = {t.lower() for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)}
    own = not nested and bool(names & _ARTICLE_TYPES)
    value = node.get("datePublished")
    published = value.strip() if isinstance(value, str) else ""
    if published:
        yield (_JSON_LD_RANK if own else _JSON_LD_OTHER_RANK), "json_ld", published
    modified = node.get("dateModified")
    if own and published and isinstance(modified, str) and modified.strip() not in ("", published):
        # the article says it was modified after it was published: a "published" value elsewhere
        # on the page that equals this is a modification time under the wrong name
        yield 99, MODIFIED, modified.strip()
    for key, child in node.items():
        if isinstance(child, dict | list):
            yield from _walk_json(child, nested or key != "@graph", depth + 1)


def _json_ld_dates(block: str) -> list[tuple[int, str, str]]:
    try:
        data = json.loads(block, strict=False)
    except ValueError:  # broken JSON: its datePublished values, as the least trusted JSON-LD
        return [
            (_JSON_LD_OTHER_RANK, "json_ld", htmllib.unescape(v)) for v in _JSON_LD_FALLBACK.findall(block)
        ]
    return list(_walk_json(data))


def find_date_candidates(html: str | bytes) -> tuple[tuple[str, str], ...]:
    """Publication-date strings in the page's meta tags and JSON-LD, best first, then modification times.

    Provenance is "json_ld" (``datePublished``, also inside ``@graph``; the page's own article
    first, other objects after the meta tags), "meta" (``article:published_time``, ``pubdate``,
    itemprop ``datePublished``…) or ``MODIFIED`` ("modified": the ``dateModified`` of the page's
    own article when it differs from its ``datePublished``; listed last, never chosen).  Pure regex; no DOM is built.
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
            key = _key(a.get(key_attr, ""))
            if key in _META_RANK:
                ranked.append((_META_RANK[key], pos, "meta", content))
                break
    if "itemprop" in head:
        for pos, hit in enumerate(_ITEMPROP.finditer(head)):
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
            for rank, prov, value in _json_ld_dates(block):
                ranked.append((rank, 20_000 + pos, prov, value))
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
    rf"\s*(?P<z>Z|[+-]\d{{2}}(?::?\d{{2}})?|{ZONE_RE})?\s*$",
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
    value: datetime  # the instant, aware, source zone
    source: DateSource
    granularity: Granularity
    raw: str
    flags: tuple[str, ...]
    utc_written: bool = False  # the raw value said Z / +00:00
    wall: datetime | None = None  # the written wall clock (naive), for false-UTC detection
    stated: datetime | None = None  # the instant in its written offset, when that offset is not UTC

    @property
    def day(self) -> date:
        """The calendar day as the page states it (written offset, else the source zone)."""
        return (self.stated or self.value).date()


def _build(
    y: int,
    mo: int,
    d: int,
    hms: tuple[int, int, int] | None,
    written: tzinfo | None,
    tz: tzinfo,
    *,
    false_utc: bool = False,
    seconds: bool = True,
) -> _Cand | None:
    """One parsed value; ``seconds`` says whether the raw string wrote the seconds."""
    day = safe_date(y, mo, d)
    if day is None:
        return None
    nonzero = written is not None and written.utcoffset(None) != timedelta(0) and not false_utc
    if hms is None or hms == (0, 0, 0):
        # day-only field (or htmldate's 00:00:00 filler): keep the day as written
        if nonzero:
            stated = local_midnight(day, written)  # type: ignore[arg-type]
            return _Cand(stated.astimezone(tz), "meta", "day", "", (), stated=stated)
        return _Cand(local_midnight(day, tz), "meta", "day", "", ())
    h, mi, s = hms
    if h > 23 or mi > 59 or s > 59:
        return None
    gran: Granularity = "second" if seconds else "minute"
    wall = datetime(y, mo, d, h, mi, s)
    if false_utc:
        return _Cand(wall.replace(tzinfo=tz), "meta", gran, "", ("false_utc_suspected",), wall=wall)
    if written is None:
        return _Cand(wall.replace(tzinfo=tz), "meta", gran, "", ("naive_assumed_local",), wall=wall)
    stated = wall.replace(tzinfo=written)
    is_utc = not nonzero
    return _Cand(stated.astimezone(tz), "meta", gran, "", (), is_utc, wall, None if is_utc else stated)


def _parse_raw(raw: str, source: DateSource, tz: str, ref: datetime | None) -> _Cand | None:
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
        written = zone_offset(z, safe_date(int(gd["y"]), int(gd["mo"]), int(gd["d"]))) if z else None
        false_utc = bool(z and z.upper() == "Z" and gd.get("sep") == "-")  # detik "20-59-53Z"
        built = _build(
            int(gd["y"]), int(gd["mo"]), int(gd["d"]), hms, written, zi,
            false_utc=false_utc, seconds=gd.get("s") is not None,
        )  # fmt: skip
    elif (ct := _CTIME.match(text)) is not None and (mon := month_number(ct.group("mon"))) is not None:
        hms = (int(ct.group("h")), int(ct.group("mi")), int(ct.group("s") or 0))
        written = (
            zone_offset(ct.group("z"), safe_date(int(ct.group("y")), mon, int(ct.group("d"))))
            if ct.group("z")
            else None
        )
        built = _build(
            int(ct.group("y")), mon, int(ct.group("d")), hms, written, zi, seconds=bool(ct.group("s"))
        )
    elif (e := _EPOCH.match(text)) is not None:
        dt = datetime.fromtimestamp(int(e.group(1)), tz=UTC)
        built = _build(dt.year, dt.month, dt.day, (dt.hour, dt.minute, dt.second), UTC, zi)
    else:
        built = _parse_rfc2822(text, zi) or _parse_phrase(text, tz) or _parse_with_dateparser(text, tz, ref)
    if built is None:
        return None
    return replace(built, source=source, raw=raw)


_RFC2822 = re.compile(r"^\s*(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}(:\d{2})?")


def _parse_rfc2822(text: str, zi: tzinfo) -> _Cand | None:
    m = _RFC2822.match(text)
    if m is None:
        return None
    try:
        dt = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    hms = (dt.hour, dt.minute, dt.second)
    return _build(dt.year, dt.month, dt.day, hms, dt.tzinfo, zi, seconds=m.group(1) is not None)


def _parse_phrase(text: str, tz: str) -> _Cand | None:
    """A written date with a year ("Selasa, 12 Nov 2024 10:00 WIB"); a year-less meta value is not trusted."""
    mention = parse_date_phrase(text, tz=tz)
    if mention is None or mention.granularity not in ("minute", "day"):
        return None
    flags = tuple(f for f in mention.flags if f == "weekday_mismatch")
    return _Cand(mention.value, "meta", mention.granularity, "", flags, stated=mention.stated)


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


def _parse_with_dateparser(text: str, tz: str, ref: datetime | None) -> _Cand | None:
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
    return _build(dt.year, dt.month, dt.day, hms, dt.tzinfo, zi, seconds=False)


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
    hms = (feed_date.hour, feed_date.minute, feed_date.second)
    built = _build(
        feed_date.year,
        feed_date.month,
        feed_date.day,
        hms,
        feed_date.tzinfo,
        zi,
        seconds=feed_date.second != 0,
    )
    return None if built is None else replace(built, source="feed", raw=feed_date.isoformat())


def _text_candidate(text: str, tz: str, fetched: datetime) -> _Cand | None:
    """A byline date with a year near the top of the text ("12 Nov 2024 05:05PM", "Rabu, 4 November 2015")."""
    head = text[:600]
    for mention in find_date_mentions(head, reference=fetched, tz=tz):
        if mention.kind not in ("absolute", "dateline") or mention.granularity not in ("minute", "day"):
            continue
        if "updated" in mention.flags:
            continue
        if mention.kind == "dateline" or mention.start < 300:
            return _Cand(mention.value, "text", mention.granularity, mention.text, (), stated=mention.stated)
    return None


def _date_line_candidates(line: DateLine, tz: str, fetched: datetime) -> list[_Cand]:
    """The ``<time datetime>`` values under the headline, then the first date in its visible text
    (with a year, or relative to the fetch time: "3 hours ago", "2 jam yang lalu", "yesterday")."""
    out: list[_Cand] = []
    for raw in line.times:
        c = _parse_raw(raw, "text", tz, fetched)
        if c is not None:
            out.append(replace(c, flags=(*c.flags, "date_line")))
            break
    for mention in find_date_mentions(line.text, reference=fetched, tz=tz):
        if "updated" in mention.flags or "future_without_cue" in mention.flags:
            continue
        relative = mention.kind == "relative" and mention.granularity in ("minute", "day")
        if mention.kind in ("absolute", "dateline") and mention.granularity in ("minute", "day") or relative:
            flags = ("date_line", "relative_to_fetch_time") if relative else ("date_line",)
            out.append(
                _Cand(mention.value, "text", mention.granularity, mention.text, flags, stated=mention.stated)
            )
            break
    return out


# --- resolution ------------------------------------------------------------------------------------
_SAME_INSTANT = timedelta(seconds=60)
_ONE_SECOND = timedelta(seconds=1)


def _problem(c: _Cand, fetched: datetime) -> str | None:
    if c.day < _FLOOR:
        return "before_1990"
    if c.granularity == "day":
        if c.day > fetched.astimezone((c.stated or c.value).tzinfo).date():
            return "after_fetch_time"
    elif c.value > fetched + _SKEW:
        return "after_fetch_time"
    return None


def _near(a: datetime | None, b: datetime | None) -> bool:
    return a is not None and b is not None and abs(a - b) <= _SAME_INSTANT


def _in_offset_of(c: _Cand, twin: _Cand, flag: str, zi: tzinfo) -> _Cand:
    """``c``'s wall clock read in the offset ``twin`` wrote (the same statement, correctly zoned)."""
    offset = (twin.stated.utcoffset() if twin.stated is not None else None) or timedelta(0)  # else UTC
    assert c.wall is not None
    stated = c.wall.replace(tzinfo=timezone(offset))
    flags = (*[f for f in c.flags if f != "naive_assumed_local"], flag)
    return replace(
        c, value=stated.astimezone(zi), stated=stated if offset else None, utc_written=False, flags=flags
    )


def _demote_twins(cands: list[_Cand], modified: list[_Cand], zi: tzinfo) -> list[_Cand]:
    """Repair or demote statements that are another statement mis-written:

    * a UTC value whose wall clock is another candidate's local wall clock (detik's false ``Z``,
      ``15:59:00+00:00`` beside ``15:59:30+02:00``) is read in that offset (``false_utc_suspected``);
    * a naive value whose wall clock is an aware candidate's wall clock is the same statement
      without its offset: read in that offset (``naive_twin``);
    * a "published" value that equals the modification time of the page's own article, which
      states a different publication time (``equals_modified``: a live blog's ``og`` time), moves
      to the end.
    """
    keep: list[_Cand] = []
    demoted: list[_Cand] = []
    timed = [c for c in cands if c.granularity != "day" and c.wall is not None]
    for c in cands:
        if c.granularity != "day" and c.wall is not None:
            if c.utc_written:
                twin = next(
                    (o for o in timed if o is not c and not o.utc_written and "naive_assumed_local" not in o.flags
                     and _near(o.wall, c.wall) and not _near(o.value, c.value)),
                    None,
                )  # fmt: skip
                if twin is not None:
                    c = _in_offset_of(c, twin, "false_utc_suspected", zi)
            elif "naive_assumed_local" in c.flags:
                twin = next(
                    (
                        o
                        for o in timed
                        if o is not c and "naive_assumed_local" not in o.flags and _near(o.wall, c.wall)
                    ),
                    None,
                )
                if twin is not None:
                    c = _in_offset_of(c, twin, "naive_twin", zi)
        if any(abs(m.value - c.value) < _ONE_SECOND for m in modified):
            demoted.append(replace(c, flags=(*c.flags, "equals_modified")))
        else:
            keep.append(c)
    return keep + demoted


def _with_stated_offset(chosen: _Cand, valid: list[_Cand]) -> _Cand:
    """Give a UTC or naive time the offset another statement of the same instant wrote (meta in UTC,
    JSON-LD in ``+02:00``): the page's own zone decides its calendar day."""
    if chosen.stated is not None or chosen.granularity == "day":
        return chosen
    for c in valid:
        if c.stated is not None and c.granularity != "day" and abs(c.value - chosen.value) <= _SAME_INSTANT:
            return replace(chosen, stated=chosen.value.astimezone(c.stated.tzinfo))
    return chosen


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
    date_line: DateLine | None = None,
) -> PublishedDate | None:
    """The publication datetime in the source zone ``tz``, or None when no source gives one.

    Order of trust: the page's candidates as given (JSON-LD of its article, meta tags, other
    JSON-LD), htmldate's date (provenance "meta", flag ``htmldate``), the feed date, the URL date,
    a byline date in the main text, the date line under the headline (``date_line``: its
    ``<time datetime>``, then its visible text, relative phrases counted from ``fetched_at``).
    (Letting the date line overrule htmldate when they disagree was measured: it fixed 4 pages of
    the development set and broke 8 (live tickers show their last update there), so it does not.)

    ``extracted_date`` may be a callable (htmldate is costly): it is called only when no page
    candidate is a valid, time-precise date, i.e. only when its answer could change the result
    beyond the ``sources_disagree`` flag.
    """
    zi = zone(tz)
    fetched = fetched_at.replace(tzinfo=zi) if fetched_at.tzinfo is None else fetched_at
    parsed: list[_Cand] = []
    modified: list[_Cand] = []
    for prov, raw in candidates:
        c = _parse_raw(raw, "json_ld" if prov == "json_ld" else "meta", tz, fetched)
        if c is not None:
            (modified if prov == MODIFIED else parsed).append(c)
    if callable(extracted_date):
        settled = any(c.granularity != "day" and _problem(c, fetched) is None for c in parsed)
        extracted_date = None if settled else extracted_date()
    if extracted_date:
        c = _parse_raw(extracted_date, "meta", tz, fetched)
        if c is not None:
            parsed.append(replace(c, flags=(*c.flags, "htmldate")))
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
    if date_line is not None:
        parsed.extend(_date_line_candidates(date_line, tz, fetched))
    if not parsed:
        return None
    parsed = _demote_twins(parsed, modified, zi)
    problems = {id(c): _problem(c, fetched) for c in parsed}
    valid = [c for c in parsed if problems[id(c)] is None]
    if not valid:
        first = parsed[0]
        return _to_record(first, extra=(problems[id(first)] or "",), parsed=parsed, problems=problems, zi=zi)

    extra = list(dict.fromkeys(f"rejected_{p}" for p in problems.values() if p is not None))
    chosen = valid[0]
    if chosen.granularity == "day":
        # a later candidate may know the time of the same local day
        timed = next((c for c in valid if c.granularity != "day" and c.day == chosen.day), None)
        if timed is not None:
            chosen = timed
    chosen = _with_stated_offset(chosen, valid)
    firsts: dict[str, _Cand] = {}
    for c in valid:
        firsts.setdefault(c.source, c)
    others = {c.day for src, c in firsts.items() if src != chosen.source}
    if any(abs((d - chosen.day).days) > 1 for d in others):
        extra.append("sources_disagree")
    return _to_record(chosen, extra=tuple(extra), parsed=parsed, problems=problems, zi=zi)


def _to_record(
    c: _Cand, *, extra: tuple[str, ...], parsed: list[_Cand], problems: dict[int, str | None], zi: tzinfo
) -> PublishedDate:
    flags = tuple(dict.fromkeys(f for f in (*c.flags, *extra) if f))
    weighed: list[DateCandidate] = []
    agreed: list[DateSource] = []
    for o in parsed:
        problem = problems.get(id(o))
        if o.raw == c.raw and o.source == c.source:
            continue
        if problem is not None:
            status: CandidateStatus = "rejected"
        elif o.day == c.day:
            status = "agrees"
            if o.source != c.source and o.source not in agreed:
                agreed.append(o.source)
        else:
            status = "other"
        weighed.append(
            DateCandidate(
                o.source,
                o.value.astimezone(zi),
                o.granularity,
                o.raw,
                status,
                (*o.flags, *([problem] if problem else [])),
            )
        )
    first = DateCandidate(c.source, c.value.astimezone(zi), c.granularity, c.raw, "chosen", flags)
    return PublishedDate(
        value=c.value.astimezone(zi),
        source=c.source,
        granularity=c.granularity,
        raw=c.raw,
        flags=flags,
        stated=c.stated,
        agreed=tuple(agreed),
        candidates=(first, *weighed),
    )


__all__ = ["find_date_candidates", "resolve_published", "warm_dateparser"]
