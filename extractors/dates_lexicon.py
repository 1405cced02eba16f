"""Words, zones and calendar arithmetic shared by the date parsers (Indonesian, Malay, English).

Regex fragments here match Capitalised or UPPER-CASE month and weekday names only: newspapers
capitalise them, and this keeps "may", "march", "minggu" (week) and friends out of the way.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

# --- months ---------------------------------------------------------------------------------------
_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("januari", "january", "jan"),
    2: ("februari", "pebruari", "february", "feb", "febr"),
    3: ("maret", "march", "mac", "mar"),
    4: ("april", "apr"),
    5: ("mei", "may"),
    6: ("juni", "june", "jun"),
    7: ("juli", "july", "julai", "jul"),
    8: ("agustus", "august", "ogos", "agu", "agt", "ags", "aug"),
    9: ("september", "sept", "sep"),
    10: ("oktober", "october", "okt", "oct"),
    11: ("november", "nopember", "nov", "nop"),
    12: ("desember", "disember", "december", "des", "dis", "dec"),
}
MONTHS: dict[str, int] = {name: num for num, names in _MONTH_NAMES.items() for name in names}
# full names only (for month-without-day phrases, where abbreviations are too noisy)
FULL_MONTHS: dict[str, int] = {n: m for n, m in MONTHS.items() if len(n) > 3 and n not in ("sept", "febr")}
FULL_MONTHS["mei"] = 5
FULL_MONTHS["may"] = 5
FULL_MONTHS["mac"] = 3

# --- weekdays (Monday = 0) ------------------------------------------------------------------------
_WEEKDAY_NAMES: dict[int, tuple[str, ...]] = {
    0: ("senin", "isnin", "monday"),
    1: ("selasa", "tuesday"),
    2: ("rabu", "wednesday"),
    3: ("kamis", "khamis", "thursday"),
    4: ("jumat", "jum'at", "jum\u2019at", "jum\u02bcat", "jumaat", "friday"),
    5: ("sabtu", "saturday"),
    6: ("minggu", "ahad", "sunday"),
}
WEEKDAYS: dict[str, int] = {name: num for num, names in _WEEKDAY_NAMES.items() for name in names}
# abbreviations accepted only right before a date ("Tue, 12 Nov 2024")
WEEKDAY_ABBR: dict[str, int] = {
    "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3, "fri": 4, "sat": 5,
    "sun": 6, "sen": 0, "sel": 1, "rab": 2, "kam": 3, "jum": 4, "sab": 5, "min": 6,
}  # fmt: skip

# --- number words ---------------------------------------------------------------------------------
NUMBER_WORDS: dict[str, int] = {
    "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8,
    "sembilan": 9, "sepuluh": 10, "sebelas": 11, "dua belas": 12,
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip

# --- zones (rule 2: WITA before WIT) ----------------------------------------------------------------
# Abbreviations newsrooms write after a time.  Fixed ones are offsets; "ET"/"PT"/... name a zone
# whose offset depends on the date (EST or EDT), resolved on the day written.  Ambiguous ones are
# read as the press that writes them in English does: IST India (+05:30), BST British Summer Time;
# CST (US Central or China) is left out: a page writing it gets the source's zone.
ZONE_OFFSETS: dict[str, int] = {  # minutes east of UTC
    "WITA": 480, "WIT": 540, "WIB": 420, "SGT": 480, "MYT": 480, "PHT": 480, "HKT": 480, "ICT": 420,
    "JST": 540, "KST": 540, "IST": 330, "PKT": 300, "AEST": 600, "AEDT": 660, "ACST": 570, "AWST": 480,
    "NZST": 720, "NZDT": 780, "CET": 60, "CEST": 120, "MEZ": 60, "MESZ": 120, "EET": 120, "EEST": 180,
    "WET": 0, "WEST": 60, "BST": 60, "MSK": 180, "EST": -300, "EDT": -240, "CDT": -300, "MST": -420,
    "MDT": -360, "PST": -480, "PDT": -420, "AKST": -540, "AKDT": -480, "HST": -600,
    "UTC": 0, "GMT": 0, "Z": 0,
}  # fmt: skip
ZONE_NAMES: dict[str, str] = {  # written without saying whether summer time applies
    "ET": "America/New_York", "CT": "America/Chicago", "MT": "America/Denver", "PT": "America/Los_Angeles",
}  # fmt: skip
ZONE_RE = (
    r"(?:"
    + "|".join(
        sorted(
            (z for z in (*ZONE_OFFSETS, *ZONE_NAMES) if z not in ("UTC", "GMT", "Z")), key=len, reverse=True
        )
    )
    + r"|(?:GMT|UTC)(?:\s?[+-]\s?\d{1,2}(?::?\d{2})?)?|[+-]\d{2}:?\d{2})"
)
_ZONE_NUM = re.compile(r"^(?:GMT|UTC)?\s?([+-])\s?(\d{1,2})(?::?(\d{2}))?$")

FUTURE_CUES = re.compile(
    r"\b(?:akan|bakal|mendatang|depan|nanti|rencana(?:nya)?|dijadwalkan|terjadwal|hendak|"
    r"will|next|upcoming|scheduled|planned|coming|shall)\b",
    re.I,
)


def _alternation(words: list[str]) -> str:
    forms: set[str] = set()
    for w in words:
        forms.add(w[0].upper() + w[1:])
        forms.add(w.upper())
    return "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))


MONTH_RE = _alternation(list(MONTHS))
FULL_MONTH_RE = _alternation(list(FULL_MONTHS))
WEEKDAY_RE = _alternation(list(WEEKDAYS))
WEEKDAY_ABBR_RE = _alternation(list(WEEKDAY_ABBR))


def month_number(token: str) -> int | None:
    return MONTHS.get(token.lower().rstrip("."))


def weekday_number(token: str) -> int | None:
    t = token.lower().replace("\u2019", "'").replace("\u02bc", "'")
    return WEEKDAYS.get(t, WEEKDAY_ABBR.get(t))


def zone_offset(token: str, on: date | None = None) -> timezone | None:
    """A fixed offset for a written zone ("WIB", "SGT", "GMT+7", "+08:00", "ET" on the day ``on``), or None."""
    t = token.strip().upper()
    if t in ZONE_OFFSETS:
        return timezone(timedelta(minutes=ZONE_OFFSETS[t]))
    if t in ZONE_NAMES:
        if on is None:
            return None
        offset = datetime(on.year, on.month, on.day, 12, tzinfo=zone(ZONE_NAMES[t])).utcoffset()
        return timezone(offset) if offset is not None else None
    m = _ZONE_NUM.match(t)
    if not m:
        return None
    minutes = int(m.group(2)) * 60 + int(m.group(3) or 0)
    if minutes > 14 * 60:
        return None
    return timezone(timedelta(minutes=minutes if m.group(1) == "+" else -minutes))


@lru_cache(maxsize=64)
def zone(tz: str) -> tzinfo:
    return ZoneInfo(tz)


def local_midnight(d: date, tz: tzinfo) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=tz)


def safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def add_months(d: date, months: int) -> date:
    """First day of the month ``months`` away from ``d``'s month."""
    idx = d.year * 12 + (d.month - 1) + months
    return date(idx // 12, idx % 12 + 1, 1)


def expand_year(y: int) -> int:
    return y + 2000 if y < 70 else (y + 1900 if y < 100 else y)


__all__ = [
    "MONTHS",
    "FULL_MONTHS",
    "WEEKDAYS",
    "WEEKDAY_ABBR",
    "NUMBER_WORDS",
    "ZONE_OFFSETS",
    "ZONE_NAMES",
    "ZONE_RE",
    "FUTURE_CUES",
    "MONTH_RE",
    "FULL_MONTH_RE",
    "WEEKDAY_RE",
    "WEEKDAY_ABBR_RE",
    "month_number",
    "weekday_number",
    "zone_offset",
    "zone",
    "local_midnight",
    "safe_date",
    "add_months",
    "expand_year",
]
