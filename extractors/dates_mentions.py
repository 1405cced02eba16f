"""Dates named in article text, resolved against the publication time (docs/dates.md, rules 1-7).

Regex first, no dateparser: a handful of compiled patterns find the spans, pure calendar
arithmetic resolves them.  Pattern families, in priority order (an earlier family wins a span):

    1. dated      "Selasa (12 November)", "Kamis (14/11/2024)", "Rabu, 4 November 2015",
                  "12 November 2024 17:05 SGT", "Nov. 12", datelines "KATHMANDU, April 25 (Reuters)"
    2. month_year "Juli 2020 mendatang", "November 2024"
    3. weekday    "pada hari Senin", "on Tuesday", "Selasa pekan lalu", "next Monday"
    4. relative   "2 jam yang lalu", "kemarin", "pekan lalu", "last week", "yesterday", "tahun lalu"
    5. month      "Maret lalu", "sejak April", "in May" (month granularity, needs a cue word)

The reference is the publication datetime; a reference at exactly 00:00:00 local is taken as
day-only (so "2 jam lalu" keeps day granularity).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from extractors.dates_lexicon import (
    FULL_MONTH_RE,
    FULL_MONTHS,
    FUTURE_CUES,
    MONTH_RE,
    MONTHS,
    NUMBER_WORDS,
    WEEKDAY_ABBR,
    WEEKDAY_ABBR_RE,
    WEEKDAY_RE,
    WEEKDAYS,
    ZONE_RE,
    add_months,
    expand_year,
    local_midnight,
    month_number,
    safe_date,
    weekday_number,
    zone,
    zone_offset,
)
from extractors.dates_records import DateMention, Granularity

# --- patterns -------------------------------------------------------------------------------------
_TIME = rf"""
(?P<time>\s*[,|\-\u2013]?\s*(?:
    (?:(?i:pukul|pkl\.?|jam|at)\s*)?(?P<hh>\d{{1,2}}):(?P<mi>\d{{2}})(?::\d{{2}})?
  | (?i:pukul|pkl\.?|jam)\s*(?P<hh2>\d{{1,2}})\.(?P<mi2>\d{{2}})
  | (?P<hh3>\d{{1,2}})\.(?P<mi3>\d{{2}})(?=\s*(?:[AaPp]\.?[Mm]\b|{ZONE_RE}))
)(?!\d)\s*(?P<ampm>[AaPp]\.?[Mm]\b\.?)?\s*(?P<zone>{ZONE_RE}(?![\w]))?)?
"""

_DATED = re.compile(
    rf"""
(?<![\w/\-])
(?:
    (?P<wd>{WEEKDAY_RE})(?![\w'\u2019])(?:\s*,\s*|\s+|\s*(?P<open>\()\s*)(?:(?i:tanggal|tgl\.?)\s+)?
  | (?P<wda>{WEEKDAY_ABBR_RE})\.?\s*,\s*
)?
(?:
    (?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?[\s\-]+(?P<m1>{MONTH_RE})(?!\w)\.?(?:,?[\s\-]+(?P<y1>\d{{4}})(?!\d))?
  | (?P<m2>{MONTH_RE})(?!\w)\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y2>\d{{4}})(?!\d))?
  | (?P<d3>\d{{1,2}})/(?P<m3>\d{{1,2}})(?:/(?P<y3>\d{{4}}|\d{{2}}))?
  | (?P<d4>\d{{1,2}})-(?P<m4>\d{{1,2}})-(?P<y4>\d{{4}})
  | (?P<y5>\d{{4}})-(?P<m5>\d{{2}})-(?P<d5>\d{{2}})
  | (?P<y6>\d{{4}})(?P<sep6>[/.])(?P<m6>\d{{1,2}})(?P=sep6)(?P<d6>\d{{1,2}})
  | (?P<d7>\d{{1,2}})\.(?P<m7>\d{{1,2}})\.(?P<y7>\d{{4}})
)
(?![\w/]|[.,]\d)
{_TIME}
(?(open)\s*\)?)
(?:\s+(?P<cue>(?i:lalu|kemarin|mendatang|nanti|silam))(?!\w))?
""",
    re.X,
)

_TIME_AFTER = re.compile(_TIME, re.X)  # "Senin (11/11/2024) pukul 14.00 WITA": time after the ")"

_MONTH_YEAR = re.compile(
    rf"(?<![\w/\-])(?P<mo>{FULL_MONTH_RE})\s+(?P<yr>\d{{4}})(?!\d)"
    r"(?:\s+(?P<cue>(?i:lalu|kemarin|mendatang|nanti|silam))(?!\w))?"
)

_MONTH_ALONE = re.compile(
    rf"(?<![\w/\-])(?P<mo>{FULL_MONTH_RE})(?![\w'\u2019])"
    r"(?:\s+(?P<post>(?i:lalu|kemarin|mendatang|depan|ini|nanti|silam))(?!\w))?"
)
_MONTH_PRE = re.compile(  # the cue word before a month name, searched in the 30 chars before it
    r"(?<!\w)(?P<pre>(?i:pada|sejak|hingga|sampai|akhir|awal|pertengahan|medio|bulan|per)|"
    r"in|In|since|Since|until|Until|by|early|late|mid-|end of|last|Last|this|This|next|Next)"
    r"\s+(?:(?i:bulan)\s+)?$"
)

_WEEKDAY = re.compile(
    r"(?<![\w'])(?:(?P<pre>(?i:last|next|this past|this coming|this|coming))\s+)?"
    rf"(?P<wd>{WEEKDAY_RE})(?![\w'\u2019])"
    r"(?:\s+(?P<post>(?i:(?:pekan|minggu)\s+(?:lalu|kemarin|depan|ini|mendatang)|(?:last|next|this)\s+week|"
    r"lalu|kemarin|depan|mendatang|nanti|besok|ini))(?!\w))?"
)

_NUM_WORDS = "|".join(sorted((re.escape(w) for w in NUMBER_WORDS), key=len, reverse=True))
_UNITS = r"detik|menit|jam|hari|minggu|pekan|bulan|tahun|seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?"
_RELATIVE = re.compile(
    rf"""(?<!\w)(?i:
    (?P<n>\d{{1,3}}|{_NUM_WORDS})\s+(?P<unit>{_UNITS})\s+(?P<dir>(?:yang\s+)?lalu|silam|ago|lagi|from\s+now)
  | se(?P<seunit>detik|menit|jam|hari|minggu|pekan|bulan|tahun)\s+(?P<sedir>(?:yang\s+)?lalu|silam|lagi)
  | (?P<word>kemarin\s+lusa|kemarin|lusa|besok|esok\s+hari|hari\s+ini|tadi\s+(?:malam|pagi|siang|sore)
           |(?:pagi|siang|sore|malam)\s+tadi|malam\s+ini|the\s+day\s+before\s+yesterday|yesterday|today
           |tomorrow|tonight|last\s+night|this\s+morning)
  | (?P<ppre>last|next|this)\s+(?P<punit>week|month|year)
  | (?P<punit2>pekan|minggu|bulan|tahun)\s+(?P<pdir>lalu|kemarin|depan|ini|mendatang|silam)
)(?!\w)""",
    re.X,
)

_UPDATED_BEFORE = re.compile(
    r"(?i:updated|last\s+updated|update|diperbarui|diupdate|pembaruan|modified)\s*(?:on|pada)?\s*:?\s*\(?\s*$"
)
_APPROX_BEFORE = re.compile(
    r"(?i:hampir|sekitar|kurang\s+lebih|lebih\s+dari|about|almost|nearly|over|around)\s+$"
)
_CLAUSE_END = re.compile(r"[.!?;:\n\u201c\u201d\"]|,(?!\d)")
_DATELINE_PREFIX = re.compile(
    r"^[\s\"'\u201c]*[A-Z][A-Za-z.'\u2019\- ]{1,40}(?:/[A-Z][A-Za-z.' \-]{1,30})*(?:,\s*[A-Z][A-Za-z. ]{1,25})?,\s*$"
)
_DATELINE_AFTER = re.compile(r"^\.?\s*(?:\(|/|--|-|\u2013|\u2014|:)")

_PAST_WORDS = {"lalu", "kemarin", "silam", "last", "this past", "ago"}
_FUTURE_WORDS = {"depan", "mendatang", "nanti", "besok", "next", "coming", "this coming", "lagi"}


# --- triggers: each family's regex is tried only where a word could start it --------------------
_DATED_F, _MONTH_F, _WEEKDAY_F, _RELATIVE_F = 1, 2, 4, 8
_TRIGGERS: dict[str, int] = {}


def _add_triggers(words: Iterable[str], flag: int) -> None:
    for w in words:
        _TRIGGERS[w] = _TRIGGERS.get(w, 0) | flag


_add_triggers(MONTHS, _DATED_F)
_add_triggers(FULL_MONTHS, _MONTH_F)
_add_triggers(WEEKDAYS, _DATED_F | _WEEKDAY_F)
_add_triggers(WEEKDAY_ABBR, _DATED_F)
_add_triggers(("last", "next", "this", "coming"), _WEEKDAY_F | _RELATIVE_F)
_add_triggers((w.split()[0] for w in NUMBER_WORDS), _RELATIVE_F)
_add_triggers(
    "kemarin lusa besok esok hari tadi pagi siang sore malam the yesterday today tomorrow tonight "
    "pekan minggu bulan tahun sedetik semenit sejam sehari seminggu sepekan sebulan setahun".split(),
    _RELATIVE_F,
)


def _trie_regex(words: Iterable[str]) -> str:
    """A regex alternation shaped as a trie (fast in ``re``: one branch per distinct first letter)."""
    trie: dict[str, Any] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return build(trie)


# matched against the lower-cased text; guards keep it to whole words, and a number only counts when
# what follows it can make a date ("12 nov", "12/11", "2024-11-12") or a relative phrase ("2 jam")
_UNIT_WORDS = ("detik menit jam hari minggu pekan bulan tahun second seconds minute minutes min mins hour hours "
               "hr hrs day days week weeks month months year years").split()  # fmt: skip
_TRIGGER_RX = re.compile(
    r"(?<![^\W_])(?:"
    r"(?P<dd>\d(?=\d?(?:st|nd|rd|th)?(?:\s+of)?[\s\-]+(?:" + _trie_regex(MONTHS) + r")(?![a-z])"
    r"|\d?/\d|\d?-\d\d?-\d{4}|\d{3}-\d\d-\d\d|\d?\.\d\d?\.\d{4}|\d{3}/\d\d?/\d|\d{3}\.\d\d?\.\d))"
    r"|(?P<dr>\d(?=\d{0,2}\s+(?:" + _trie_regex(_UNIT_WORDS) + r")(?![a-z])))"
    r"|(?P<w>" + _trie_regex(_TRIGGERS) + r")(?![\w'\u2019]))"
)


def _triggers(text: str) -> dict[int, list[int]]:
    """Start offsets of the words that may open a match, per family flag."""
    out: dict[int, list[int]] = {_DATED_F: [], _MONTH_F: [], _WEEKDAY_F: [], _RELATIVE_F: []}
    lowered = text.lower().replace("\u2019", "'").replace("\u02bc", "'")
    if len(lowered) != len(text):  # a rare character whose lower case is longer: keep offsets exact
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    for m in _TRIGGER_RX.finditer(lowered):
        pos = m.start()
        word = m.group("w")
        if word is None:
            out[_DATED_F if m.group("dd") else _RELATIVE_F].append(pos)
            continue
        flags = _TRIGGERS.get(word, 0)
        for f in (_DATED_F, _MONTH_F, _WEEKDAY_F, _RELATIVE_F):
            if flags & f:
                out[f].append(pos)
    return out


def _scan(rx: re.Pattern[str], text: str, positions: list[int]) -> Iterator[re.Match[str]]:
    """Like ``rx.finditer(text)`` but trying only at ``positions`` (non-overlapping, left to right)."""
    last_end = -1
    for pos in positions:
        if pos < last_end:
            continue
        m = rx.match(text, pos)
        if m is not None and m.end() > m.start():
            last_end = m.end()
            yield m


@dataclass(frozen=True, slots=True)
class _Ctx:
    text: str
    tz: tzinfo
    ref: datetime  # aware, local
    ref_day: date
    ref_has_time: bool
    month_first: bool
    triggers: dict[int, list[int]]


# --- helpers --------------------------------------------------------------------------------------
def _clause(text: str, start: int, end: int) -> str:
    """The words around a span up to the nearest sentence/clause break (at most 120 chars each side)."""
    lo = max(0, start - 120)
    before = text[lo:start]
    cut = [m.end() for m in _CLAUSE_END.finditer(before)]
    if cut:
        before = before[cut[-1] :]
    after = text[end : end + 120]
    m = _CLAUSE_END.search(after)
    if m:
        after = after[: m.start()]
    return before + " " + after


def _has_future_cue(ctx: _Ctx, start: int, end: int) -> bool:
    return FUTURE_CUES.search(_clause(ctx.text, start, end)) is not None


def _nearest(cands: list[date], ref_day: date, future: bool) -> date:
    if future:
        after = [c for c in cands if c >= ref_day]
        return min(after) if after else max(cands)
    before = [c for c in cands if c <= ref_day]
    return max(before) if before else min(cands)


def _resolve_day_month(
    ctx: _Ctx, day: int, month: int, weekday: int | None, future: bool, flags: list[str]
) -> date | None:
    """Rule 3: the year of a year-less day-month, from the weekday if any, else the nearest."""
    cands = [
        d
        for y in (ctx.ref_day.year - 1, ctx.ref_day.year, ctx.ref_day.year + 1)
        if (d := safe_date(y, month, day))
    ]
    if not cands:
        return None
    if weekday is not None:
        fits = [c for c in cands if c.weekday() == weekday]
        if len(fits) == 1:
            return fits[0]
        flags.append("weekday_mismatch")
    return _nearest(cands, ctx.ref_day, future)


def _parse_time(m: re.Match[str]) -> tuple[int, int] | None:
    hh = m.group("hh") or m.group("hh2") or m.group("hh3")
    mi = m.group("mi") or m.group("mi2") or m.group("mi3")
    if hh is None or mi is None:
        return None
    h, mnt = int(hh), int(mi)
    ampm = (m.group("ampm") or "").lower().replace(".", "")
    if ampm:
        if not 1 <= h <= 12:
            return None
        h = (h % 12) + (12 if ampm.startswith("p") else 0)
    if h > 23 or mnt > 59:
        return None
    return h, mnt


def _direction(word: str | None) -> int:
    """-1 past cue, +1 future cue, 0 none."""
    if not word:
        return 0
    w = " ".join(word.lower().split())
    if w in _PAST_WORDS or w.endswith(("lalu", "last week")):
        return -1
    if w in _FUTURE_WORDS or w.endswith(("depan", "mendatang", "next week")):
        return 1
    return 0


# --- family 1: dated expressions -----------------------------------------------------------------
def _dated(ctx: _Ctx) -> Iterator[DateMention]:
    text = ctx.text
    for m in _scan(_DATED, text, ctx.triggers[_DATED_F]):
        flags: list[str] = []
        g = m.group
        wd_tok = g("wd") or g("wda")
        weekday = weekday_number(wd_tok) if wd_tok else None
        year: int | None = None
        numeric = False
        if g("m1"):
            day, month = int(g("d1")), month_number(g("m1"))
            year = int(g("y1")) if g("y1") else None
        elif g("m2"):
            day, month = int(g("d2")), month_number(g("m2"))
            year = int(g("y2")) if g("y2") else None
        elif g("m3"):
            numeric = True
            a, b = int(g("d3")), int(g("m3"))
            day, month = (b, a) if ctx.month_first else (a, b)
            year = expand_year(int(g("y3"))) if g("y3") else None
            if year is None and weekday is None:
                continue  # a bare "12/11" is too often a ratio, a score or a regulation number
        elif g("m4"):
            numeric = True
            a, b = int(g("d4")), int(g("m4"))
            day, month = (b, a) if ctx.month_first else (a, b)
            year = int(g("y4"))
        elif g("m6"):  # 2020/10/04, 2023.11.08: year first, then month (East Asian and ISO-like order)
            numeric = True
            day, month, year = int(g("d6")), int(g("m6")), int(g("y6"))
        elif g("m7"):  # 08.11.2023: day first wherever dots separate a date (German, Dutch, Indonesian...)
            numeric = True
            day, month, year = int(g("d7")), int(g("m7")), int(g("y7"))
        else:
            day, month, year = int(g("d5")), int(g("m5")), int(g("y5"))
        if month is None or not 1 <= month <= 12 or not 1 <= day <= 31:
            continue
        if year is not None and not 1900 <= year <= 2100:
            continue
        start, end = m.start(), m.end()
        span = text[start:end]
        # a trailing "(" after the weekday that never closed, or a separator we swallowed: trim
        stripped = span.rstrip(" ,|-\u2013")
        end -= len(span) - len(stripped)
        if numeric and year is None and g("open") is None and weekday is None:
            continue
        cue_dir = _direction(g("cue"))
        future = cue_dir > 0 or (cue_dir == 0 and _has_future_cue(ctx, start, end))
        if year is not None:
            d = safe_date(year, month, day)
            if d is None:
                continue
            kind = "absolute"
            if weekday is not None and d.weekday() != weekday:
                flags.append("weekday_mismatch")
        else:
            d2 = _resolve_day_month(ctx, day, month, weekday, future, flags)
            if d2 is None:
                continue
            d = d2
            kind = "day_month"
        if _is_dateline(text, start, end):
            kind = "dateline"
        tm: re.Match[str] | None = m if g("time") else None
        if tm is None and g("open") is not None and g("cue") is None:
            after = _TIME_AFTER.match(text, end)
            if after is not None and after.group("time"):
                tm = after
                end = after.end() - (len(after.group()) - len(after.group().rstrip()))
        hm = _parse_time(tm) if tm is not None else None
        granularity: Granularity = "day"
        value = local_midnight(d, ctx.tz)
        stated: datetime | None = None
        if hm is not None:
            granularity = "minute"
            written = zone_offset(tm.group("zone"), d) if tm is not None and tm.group("zone") else None
            if written is not None:
                value = datetime.combine(d, time(hm[0], hm[1]), tzinfo=written).astimezone(ctx.tz)
                if written.utcoffset(None) != timedelta(0):
                    stated = datetime.combine(d, time(hm[0], hm[1]), tzinfo=written)
                if written.utcoffset(None) != value.utcoffset():
                    flags.append("explicit_zone")
            else:
                value = datetime.combine(d, time(hm[0], hm[1]), tzinfo=ctx.tz)
        if _UPDATED_BEFORE.search(text[max(0, start - 30) : start]):
            flags.append("updated")
        if d > ctx.ref_day + timedelta(days=7) and not future:
            flags.append("future_without_cue")
        yield DateMention(text[start:end], start, end, value, granularity, kind, tuple(flags), stated)


def _is_dateline(text: str, start: int, end: int) -> bool:
    """A date right after an opening "PLACE," and before "(AGENCY)", "/TASS/" or a dash."""
    if start > 300:
        return False
    line_start = text.rfind("\n", 0, start) + 1
    if text.count("\n", 0, line_start) > 3:
        return False
    return bool(_DATELINE_PREFIX.match(text[line_start:start]) and _DATELINE_AFTER.match(text[end : end + 6]))


# --- family 1b: Chinese, Japanese and Korean dates ---------------------------------------------
_CJK_DATE = re.compile(
    r"(?P<y>\d{4})\s*[年년]\s*(?P<m>\d{1,2})\s*[月월]\s*(?P<d>\d{1,2})\s*[日일]"
    r"(?:\s*[(（][^)）\d]{1,3}[)）])?"  # the weekday: (木), (목)
    r"(?:\s*(?P<ampm>午前|午後|上午|下午|오전|오후)?\s*(?P<hh>\d{1,2})\s*(?:[:：]|[時时시]\s*)(?P<mi>\d{1,2})(?:\s*[分분])?)?"
)


def _cjk(ctx: _Ctx) -> Iterator[DateMention]:
    """``2023年11月2日``, ``２０２３年１１月２日 14:30``, ``2023년 11월 2일 오후 3시 20분`` (full-width digits too)."""
    if "年" not in ctx.text and "년" not in ctx.text:
        return
    for m in _CJK_DATE.finditer(ctx.text):
        year, month, day = int(m.group("y")), int(m.group("m")), int(m.group("d"))
        d = safe_date(year, month, day) if 1900 <= year <= 2100 else None
        if d is None:
            continue
        value = local_midnight(d, ctx.tz)
        gran: Granularity = "day"
        if m.group("hh") is not None:
            h, mi = int(m.group("hh")), int(m.group("mi"))
            if m.group("ampm") in ("午後", "下午", "오후") and h < 12:
                h += 12
            if h <= 23 and mi <= 59:
                value, gran = datetime.combine(d, time(h, mi), tzinfo=ctx.tz), "minute"
        flags = ("future_without_cue",) if d > ctx.ref_day + timedelta(days=7) else ()
        yield DateMention(m.group(0), m.start(), m.end(), value, gran, "absolute", flags)


# --- family 2/5: months ---------------------------------------------------------------------------
def _month_year(ctx: _Ctx) -> Iterator[DateMention]:
    for m in _scan(_MONTH_YEAR, ctx.text, ctx.triggers[_MONTH_F]):
        year = int(m.group("yr"))
        if not 1900 <= year <= 2100:
            continue
        d = date(year, FULL_MONTHS[m.group("mo").lower()], 1)
        flags: list[str] = []
        future = _direction(m.group("cue")) > 0 or _has_future_cue(ctx, m.start(), m.end())
        if d > ctx.ref_day + timedelta(days=7) and not future:
            flags.append("future_without_cue")
        yield DateMention(
            m.group(0), m.start(), m.end(), local_midnight(d, ctx.tz), "month", "absolute", tuple(flags)
        )


def _month_alone(ctx: _Ctx) -> Iterator[DateMention]:
    for m in _scan(_MONTH_ALONE, ctx.text, ctx.triggers[_MONTH_F]):
        pm = _MONTH_PRE.search(ctx.text, max(0, m.start() - 30), m.start())
        pre = pm.group("pre").lower() if pm else ""
        post = (m.group("post") or "").lower()
        if not pre and not post:
            continue
        month = FULL_MONTHS[m.group("mo").lower()]
        start = pm.start() if pm and pre in ("last", "this", "next") else m.start("mo")
        end = m.end()
        this_month = date(ctx.ref_day.year, ctx.ref_day.month, 1)
        cands = [date(y, month, 1) for y in (ctx.ref_day.year - 1, ctx.ref_day.year, ctx.ref_day.year + 1)]
        if pre == "last" or post in ("lalu", "silam", "kemarin"):
            d = max(c for c in cands if c < this_month)
        elif pre == "next" or post == "depan":
            d = min(c for c in cands if c > this_month)
        elif pre == "this" or post == "ini":
            d = date(ctx.ref_day.year, month, 1)
        else:
            future = post in ("mendatang", "nanti") or _has_future_cue(ctx, start, end)
            d = _nearest(cands, this_month, future)
        yield DateMention(
            ctx.text[start:end], start, end, local_midnight(d, ctx.tz), "month", "day_month", ()
        )


# --- family 3: weekdays ---------------------------------------------------------------------------
_NOT_SUNDAY_AFTER = re.compile(
    r"\s+(?i:lalu|kemarin|depan|ini|mendatang|pertama|kedua|ketiga|keempat|terakhir|ke-)"
)


def _weekdays(ctx: _Ctx) -> Iterator[DateMention]:
    text = ctx.text
    for m in _scan(_WEEKDAY, text, ctx.triggers[_WEEKDAY_F]):
        wd_tok = m.group("wd")
        wd = weekday_number(wd_tok)
        if wd is None:
            continue
        pre = " ".join((m.group("pre") or "").lower().split())
        post = " ".join((m.group("post") or "").lower().split())
        before = text[max(0, m.start() - 6) : m.start()].lower()
        if wd_tok.lower() == "minggu" and not before.endswith("hari "):
            # "minggu" alone is "week"; only "hari Minggu" (or a date after it) is Sunday
            if _NOT_SUNDAY_AFTER.match(text, m.end("wd")):
                continue
        flags: list[str] = []
        monday = ctx.ref_day - timedelta(days=ctx.ref_day.weekday())
        if post in ("pekan lalu", "minggu lalu", "pekan kemarin", "minggu kemarin", "last week"):
            d = monday - timedelta(days=7) + timedelta(days=wd)
        elif post in ("pekan depan", "minggu depan", "pekan mendatang", "minggu mendatang", "next week"):
            d = monday + timedelta(days=7 + wd)
        elif post in ("pekan ini", "minggu ini", "this week"):
            d = monday + timedelta(days=wd)
        else:
            direction = _direction(post) or _direction(pre)
            if direction < 0:
                d = ctx.ref_day - timedelta(days=((ctx.ref_day.weekday() - wd) % 7) or 7)
            elif direction > 0:
                d = ctx.ref_day + timedelta(days=((wd - ctx.ref_day.weekday()) % 7) or 7)
            elif post != "ini" and pre != "this" and _has_future_cue(ctx, m.start(), m.end()):
                d = ctx.ref_day + timedelta(days=(wd - ctx.ref_day.weekday()) % 7)
                flags.append("future_cue")
            else:
                d = ctx.ref_day - timedelta(days=(ctx.ref_day.weekday() - wd) % 7)
        yield DateMention(
            m.group(0), m.start(), m.end(), local_midnight(d, ctx.tz), "day", "weekday", tuple(flags)
        )


# --- family 4: relative phrases -------------------------------------------------------------------
_UNIT_KEY = {
    "detik": "second", "menit": "minute", "jam": "hour", "hari": "day", "minggu": "week", "pekan": "week",
    "bulan": "month", "tahun": "year", "second": "second", "min": "minute", "minute": "minute",
    "hour": "hour", "hr": "hour", "day": "day", "week": "week", "month": "month", "year": "year",
}  # fmt: skip
_WORD_DAYS = {
    "kemarin lusa": -2, "the day before yesterday": -2, "kemarin": -1, "yesterday": -1, "lusa": 2,
    "besok": 1, "esok hari": 1, "tomorrow": 1, "hari ini": 0, "today": 0, "tadi pagi": 0,
    "pagi tadi": 0, "tadi siang": 0, "siang tadi": 0, "tadi sore": 0, "sore tadi": 0,
    "malam ini": 0, "tonight": 0, "this morning": 0,
}  # fmt: skip
_LAST_NIGHT = {"tadi malam", "malam tadi", "last night"}


def _unit_key(unit: str) -> str:
    u = unit.lower()
    return _UNIT_KEY.get(u) or _UNIT_KEY.get(u.rstrip("s"), "day")


def _shift(ctx: _Ctx, unit: str, n: int) -> tuple[datetime, Granularity]:
    """Reference moved by ``n`` units, with the granularity the phrase supports."""
    if unit in ("second", "minute", "hour"):
        if not ctx.ref_has_time:
            return local_midnight(ctx.ref_day, ctx.tz), "day"
        step = {"second": timedelta(seconds=n), "minute": timedelta(minutes=n), "hour": timedelta(hours=n)}[
            unit
        ]
        moved = (ctx.ref.astimezone(ctx.tz) + step).astimezone(ctx.tz)
        return moved.replace(second=0, microsecond=0), "minute"
    if unit == "day":
        return local_midnight(ctx.ref_day + timedelta(days=n), ctx.tz), "day"
    if unit == "week":
        return local_midnight(ctx.ref_day + timedelta(days=7 * n), ctx.tz), "week"
    if unit == "month":
        return local_midnight(add_months(ctx.ref_day, n), ctx.tz), "month"
    return local_midnight(date(ctx.ref_day.year + n, 1, 1), ctx.tz), "year"


def _relative(ctx: _Ctx) -> Iterator[DateMention]:
    text = ctx.text
    for m in _scan(_RELATIVE, text, ctx.triggers[_RELATIVE_F]):
        flags: list[str] = []
        g = m.group
        value: datetime
        gran: Granularity
        if g("unit") or g("seunit"):
            if g("unit"):
                raw_n = " ".join(g("n").lower().split())
                n = int(raw_n) if raw_n.isdigit() else NUMBER_WORDS[raw_n]
                unit, word = _unit_key(g("unit")), g("dir").lower()
            else:
                n, unit, word = 1, _unit_key(g("seunit")), g("sedir").lower()
            sign = 1 if ("lagi" in word or "from" in word) else -1
            value, gran = _shift(ctx, unit, sign * n)
            if _APPROX_BEFORE.search(text[max(0, m.start() - 20) : m.start()]):
                flags.append("approximate")
        elif g("word"):
            w = " ".join(g("word").lower().split())
            if w in _LAST_NIGHT:
                evening = ctx.ref_has_time and ctx.ref.hour >= 18
                value, gran = local_midnight(ctx.ref_day - timedelta(days=0 if evening else 1), ctx.tz), "day"
            else:
                value, gran = local_midnight(ctx.ref_day + timedelta(days=_WORD_DAYS[w]), ctx.tz), "day"
        else:
            unit = _unit_key(g("punit") or g("punit2"))
            cue = (g("ppre") or g("pdir")).lower()
            if (
                g("punit2")
                and g("punit2")[0] == "M"
                and m.start() > 0
                and text[m.start() - 2 : m.start()].strip() not in ("", ".", ",")
            ):
                flags.append("ambiguous")  # capitalised "Minggu lalu" mid-sentence may mean Sunday
            sign = {
                "lalu": -1,
                "kemarin": -1,
                "silam": -1,
                "last": -1,
                "depan": 1,
                "mendatang": 1,
                "next": 1,
            }.get(cue, 0)
            value, gran = _shift(ctx, unit, sign)
        yield DateMention(m.group(0), m.start(), m.end(), value, gran, "relative", tuple(flags))


# --- public -------------------------------------------------------------------------------------
def find_date_mentions(
    text: str, *, reference: datetime, tz: str, language: str | None = None
) -> tuple[DateMention, ...]:
    """Every date named in ``text``, resolved against ``reference`` (the publication time) in ``tz``.

    Numeric dates are day-first, except for English text from an ``America/*`` zone.
    """
    if not text:
        return ()
    zi = zone(tz)
    ref = reference.replace(tzinfo=zi) if reference.tzinfo is None else reference.astimezone(zi)
    ctx = _Ctx(
        text=text,
        tz=zi,
        ref=ref,
        ref_day=ref.date(),
        ref_has_time=(ref.hour, ref.minute, ref.second, ref.microsecond) != (0, 0, 0, 0),
        month_first=(language or "").startswith("en") and tz.startswith("America/"),
        triggers=_triggers(text),
    )
    # spans already taken, sorted and disjoint: a new mention overlaps one only if it overlaps its
    # neighbour in start order (bisect, so date-dense megabytes stay linear-ish)
    starts: list[int] = []
    ends: list[int] = []
    out: list[DateMention] = []
    for family in (_cjk, _dated, _month_year, _weekdays, _month_alone, _relative):
        for mention in family(ctx):
            i = bisect_left(starts, mention.start)
            if (i > 0 and ends[i - 1] > mention.start) or (i < len(starts) and starts[i] < mention.end):
                continue
            starts.insert(i, mention.start)
            ends.insert(i, mention.end)
            out.append(mention)
    out.sort(key=lambda x: x.start)
    return tuple(out)


def parse_date_phrase(raw: str, *, tz: str, reference: datetime | None = None) -> DateMention | None:
    """The first dated expression (with or without time) in a short string such as a meta value.

    With no ``reference`` only phrases carrying a year are accepted.
    """
    zi = zone(tz)
    ref = reference or datetime(2000, 1, 1, tzinfo=zi)
    ref = ref.replace(tzinfo=zi) if ref.tzinfo is None else ref.astimezone(zi)
    ctx = _Ctx(raw, zi, ref, ref.date(), True, False, _triggers(raw))
    for mention in (*_cjk(ctx), *_dated(ctx)):
        if reference is None and mention.kind == "day_month":
            continue
        return mention
    return None


__all__ = ["find_date_mentions", "parse_date_phrase"]
