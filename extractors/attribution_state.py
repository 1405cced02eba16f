"""The attribution parser's accumulator (``_Acc``) and the small helpers every part shares."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from extractors.attribution_patterns import (
    _DESK_WORDS,
    _DOMAINISH,
    _GLUED_CUE,
    _GLUED_PAREN,
    _KICKER_WORDS,
    _NAME_OK,
    _NAME_PLACE,
    _NAME_SPLIT,
    _NAME_TAIL,
    _PIPES,
    _PLACE,
)
from extractors.attribution_table import AgencyTable

# --------------------------------------------------------------------------- state


@dataclass
class _Acc:
    """Mutable accumulator used while parsing one text."""

    table: AgencyTable
    selfs: frozenset[str]
    outlet: str | None
    outlet_known: bool
    url_host: str | None
    language: str
    place: str | None = None
    agencies: list[str] = field(default_factory=list)
    cited: list[str] = field(default_factory=list)
    reporters: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    staff: list[str] = field(default_factory=list)
    translators: list[str] = field(default_factory=list)
    translated_from: str | None = None
    evidence: list[tuple[str, str, str]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    taiwan_hint: bool = False
    trailer_orgs: list[str] = field(default_factory=list)

    def ev(self, name: str, value: str, span: str) -> None:
        self.evidence.append((name, value, span.strip()[:160]))

    def flag(self, name: str) -> None:
        if name not in self.flags:
            self.flags.append(name)

    def pick(self, candidates: tuple[str, ...]) -> str | None:
        if not candidates:
            return None
        if len(candidates) > 1 and "Central News Agency" in candidates and "Channel NewsAsia" in candidates:
            return "Central News Agency" if self.taiwan_hint else "Channel NewsAsia"
        return candidates[0]

    def credit(self, canonical: str, span: str, *, slot_is_dateline: bool = False) -> bool:
        """Record an organisation found in a credit slot; returns True when it was recorded as agency."""
        kind = self.table.kind(canonical)
        if canonical in self.selfs:
            if kind in ("agency", "press_release_wire"):
                _add(self.agencies, canonical)
                self.ev("agencies", canonical, span)
                return True
            self.ev("outlet", canonical, span)
            return False
        if (
            slot_is_dateline
            and not self.outlet_known
            and self.url_host is None
            and kind in ("outlet", "broadcaster")
        ):
            self.outlet = canonical
            self.outlet_known = True
            self.selfs = self.selfs | {canonical}
            self.ev("outlet", canonical, span)
            return False
        _add(self.agencies, canonical)
        self.ev("agencies", canonical, span)
        return True

    def cite(self, canonical: str, span: str) -> None:
        if canonical in self.selfs:
            return
        _add(self.cited, canonical)
        self.ev("cited_agencies", canonical, span)

    def people(self, role: str, raw: str, span: str) -> None:
        target = {
            "reporters": self.reporters,
            "editors": self.editors,
            "translators": self.translators,
            "staff_initials": self.staff,
        }[role]
        for name in _split_names(raw):
            _add(target, name)
            self.ev(role, name, span)


def _add(bucket: list[str], value: str) -> None:
    if value and value not in bucket:
        bucket.append(value)


def _split_names(raw: str) -> list[str]:
    raw = re.sub(r"\s*\([^)]*\)", "", raw).strip(" .;,:|")
    if " in " in raw or " di " in raw or " at " in raw:
        raw = _NAME_PLACE.sub("", raw)
    out: list[str] = []
    for part in _NAME_SPLIT.split(raw):
        part = _NAME_TAIL.sub("", part.strip(" .;:-–—|\"'()/"))
        part = re.sub(r"^(?:Kontributor|Koresponden|Wartawan|Reporter|Pewarta)\s+\w+(?: \w+)?\s*$", "", part)
        if not part or not _NAME_OK.match(part) or len(part.split()) > 6:
            continue
        if part.casefold() in ("staff", "staf", "tim", "team", "redaksi", "admin", "agencies", "wires"):
            continue
        words = part.casefold().split()
        if words[-1] in _DESK_WORDS or words[0] in ("tim", "team", "staf", "redaksi"):
            continue  # "Express News Service", "ET Bureau", "Tim Redaksi": a desk, not a person
        out.append(part)
    return out


# --------------------------------------------------------------------------- helpers


def _host(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def _normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ").replace("\u200b", "")
    return _GLUED_CUE.sub(r"\1 ", text)


def _clean_line(line: str) -> str:
    line = line.strip()
    if "|" in line and line.startswith("|"):  # trafilatura table rows: "| Penulis | : Nama |"
        line = _PIPES.sub(" ", line).strip()
        line = re.sub(r"\s+:", ":", line)
    return _GLUED_PAREN.sub(r"\1 ", line)


def _mask(text: str, pattern: re.Pattern[str]) -> str:
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


def _looks_place(s: str) -> bool:
    s = s.strip()
    if not s or len(s) > 40 or any(ch.isdigit() for ch in s):
        return False
    if not re.fullmatch(_PLACE, s):
        return False
    return s.split()[0].casefold().strip(".:'’") not in _KICKER_WORDS


def _outlet_like(tok: str, acc: _Acc) -> str | None:
    """Canonical (or raw) outlet name if ``tok`` names an outlet in a dateline, else None."""
    tok = tok.strip()
    if not tok or len(tok) > 40:
        return None
    cand = acc.pick(acc.table.resolve(tok))
    if cand:
        return cand
    if acc.outlet and tok.casefold() == acc.outlet.casefold():
        return acc.outlet
    if _DOMAINISH.match(tok):
        return tok
    return None


def _courtesy(acc: _Acc, src: str, span: str) -> None:
    """``Courtesy of X``, ``First published in X``, ``This article is republished from X``."""
    cand = acc.pick(acc.table.resolve(src)) or acc.pick(acc.table.resolve(src.split()[0]))
    if cand:
        acc.credit(cand, span)
    elif len(src.split()) <= 5 and src.casefold() not in {s.casefold() for s in acc.selfs}:
        _add(acc.agencies, src)
        acc.ev("agencies", src, span)
