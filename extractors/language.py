"""A tiny, fast language guess for Indonesian/Malay vs English text (pure; no model, no I/O).

Used only when neither the page (``<html lang>``), its feed nor the source config says which
language an article is in (``kabar parse`` on bare text, pages of ad-hoc sources): the parsers need
it to pick the time zone and the date vocabulary.  Counts very common function words in the first
~3,000 characters.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-z]+")
_ID = frozenset(
    "yang dan di dari untuk pada dengan ini itu dalam tidak akan juga ke oleh kata adalah atau "
    "sebagai telah bahwa mereka kami kita karena saat tersebut lebih tahun hari".split()
)
_EN = frozenset(
    "the and of to in is that for on with was as by at from it are be has have said this were "
    "which an will their not but after".split()
)


def guess_language(text: str) -> str | None:
    """``"id"``, ``"en"`` or ``None`` when the text is too short or mixed to tell."""
    words = _WORD.findall(text[:3000].lower())
    if len(words) < 8:
        return None
    id_hits = sum(1 for w in words if w in _ID)
    en_hits = sum(1 for w in words if w in _EN)
    if id_hits >= 2 * max(en_hits, 1):
        return "id"
    if en_hits >= 2 * max(id_hits, 1):
        return "en"
    return None


__all__ = ["guess_language"]
