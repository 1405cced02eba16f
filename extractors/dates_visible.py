"""The date line a reader sees: the visible text right under the page's headline (and its byline).

Many pages print their publication date only there ("Kamis, 14 November 2024 | 10:45 WIB",
"2023年11月2日 14:30", "Published 3 hours ago"), often inside a ``<time datetime=...>`` element.
``find_date_line(html)`` returns that element's values and the first few hundred characters of
visible text after the headline; ``resolve_published`` parses them (source "text").

The headline is the longest of the page's first three ``<h1>`` elements (a site's logo is often an
``<h1>`` too, and short).  Pure regex over at most ``_WINDOW`` characters of HTML; no DOM.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass

_WINDOW = 30_000  # HTML characters after the headline that may hold its date line
_TIME_WINDOW = 8_000  # HTML characters after the headline searched for <time datetime=...>
_LINES = 12  # visible lines kept for the byline under the headline
_CHARS = 400  # visible characters after the headline that are searched for a date
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.I | re.S)
_HIDDEN = re.compile(r"<(script|style|noscript|svg|template|button|select)\b.*?</\1\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]*>")
_TIME_ATTR = re.compile(r"<time\b[^>]*?\bdatetime\s*=\s*[\"']([^\"']{8,40})[\"']", re.I)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class DateLine:
    """What follows the headline: ``<time datetime>`` values and the visible text."""

    times: tuple[str, ...]  # datetime attributes of the first <time> elements, in page order
    text: str  # visible text, whitespace collapsed, at most _CHARS characters
    lines: tuple[
        str, ...
    ] = ()  # the first visible lines (one per element), for the byline under the headline


def _visible(fragment: str) -> str:
    text = _TAG.sub(" ", _HIDDEN.sub(" ", fragment))
    return _SPACE.sub(" ", htmllib.unescape(text)).strip()


def find_date_line(html: str | bytes) -> DateLine | None:
    """The date line under the page's headline, or None when the page has no ``<h1>``."""
    doc = html.decode("utf-8", "replace") if isinstance(html, bytes) else html
    body = doc.find("<body")
    heads = []
    for m in _H1.finditer(doc, max(body, 0)):
        heads.append(m)
        if len(heads) == 3:
            break
    if not heads:
        return None
    head = max(heads, key=lambda m: len(_visible(m.group(1)))) if len(heads) > 1 else heads[0]
    near = doc[head.end() : head.end() + _TIME_WINDOW]
    shown = htmllib.unescape(_TAG.sub("\n", _HIDDEN.sub(" ", near)))
    text = _SPACE.sub(" ", shown).strip()[:_CHARS]
    if len(text) < _CHARS:  # markup-heavy pages: look further for the visible characters
        text = _visible(doc[head.end() : head.end() + _WINDOW])[:_CHARS]
    times = tuple(t.strip() for t in _TIME_ATTR.findall(near))
    lines = tuple(ln for ln in (_SPACE.sub(" ", x).strip() for x in shown.split("\n")) if ln)[:_LINES]
    return DateLine(times[:3], text, tuple(ln[:200] for ln in lines))


__all__ = ["DateLine", "find_date_line"]
