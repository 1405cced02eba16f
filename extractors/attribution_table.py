"""The agency/outlet alias table behind the attribution parser (``seeds/agencies.csv``).

One CSV row per news organisation: ``canonical,aliases,country,kind,domains,slot_only_aliases``.
``aliases`` and ``domains`` are ``|``-separated; ``kind`` is one of ``agency``, ``outlet``,
``broadcaster``, ``press_release_wire``.  ``slot_only_aliases`` (a ``|``-separated subset of
``aliases``) lists ambiguous short tokens — ``AP``-like initials, ``PTI`` the party, ``RT`` the
neighbourhood unit, ``ant`` — that are trusted only in a *credit slot* (dateline parenthetical,
``Sumber:``/``Source:`` trailer, staff-code bracket), never in running text.

Matching rules:

* credit slot: case-insensitive, whole token (``(ANTARA)``, ``(ant)``, ``Sumber : CNA``);
* running text: aliases of 6 characters or fewer must match with their exact case
  (``Antara``/``ANTARA`` but not ``antara`` "between"; ``KONTAN`` is listed as its own alias),
  longer ones match in any case; slot-only aliases never match.

An alias may belong to several rows (``CNA``: Channel NewsAsia and Taiwan's Central News Agency);
:meth:`AgencyTable.resolve` returns every candidate in CSV order, the parser disambiguates.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from seeds import SEEDS_DIR

KINDS = frozenset({"agency", "outlet", "broadcaster", "press_release_wire"})
_CASE_SENSITIVE_MAX = 6
_KEY_STRIP = " \t.,:;()[]{}\"'“”‘’|/-–—"
_WS = re.compile(r"\s+")
TOKEN = re.compile(r"[^\s,;:()\[\]{}\"“”‘!?]+")  # one word of running text (dots, slashes, apostrophes kept)
_MAX_WORDS = 4
_GATE_TOKEN = re.compile(r"[^\s,;:()\[\]{}\"“”‘’'!?./|-]+")  # word pieces, for AgencyTable.may_name


@dataclass(frozen=True, slots=True)
class AgencyEntry:
    """One row of ``seeds/agencies.csv``."""

    canonical: str
    aliases: tuple[str, ...]
    country: str
    kind: str
    domains: tuple[str, ...]
    slot_only_aliases: tuple[str, ...] = ()


def _key(name: str) -> str:
    key = _WS.sub(" ", name).strip(_KEY_STRIP).casefold()
    if key.startswith("the "):
        key = key[4:]
    return key


@dataclass(frozen=True, eq=False)
class AgencyTable:
    """Alias → canonical lookups over the agency/outlet reference table."""

    entries: tuple[AgencyEntry, ...]
    _by_canonical: dict[str, AgencyEntry] = field(init=False, repr=False)
    _slot: dict[str, tuple[str, ...]] = field(init=False, repr=False)
    _inline_exact: dict[str, tuple[str, ...]] = field(init=False, repr=False)
    _inline_folded: dict[str, tuple[str, ...]] = field(init=False, repr=False)
    _by_domain: dict[str, str] = field(init=False, repr=False)
    first_words: frozenset[str] = field(init=False, repr=False)  # folded longest word of each inline alias

    def __post_init__(self) -> None:
        by_canonical: dict[str, AgencyEntry] = {}
        slot: dict[str, list[str]] = {}
        exact: dict[str, list[str]] = {}
        folded: dict[str, list[str]] = {}
        by_domain: dict[str, str] = {}
        for entry in self.entries:
            by_canonical[entry.canonical] = entry
            for alias in (entry.canonical, *entry.aliases):
                _add(slot, _key(alias), entry.canonical)
                if alias in entry.slot_only_aliases:
                    continue
                if len(alias) <= _CASE_SENSITIVE_MAX:
                    _add(exact, alias, entry.canonical)
                else:
                    _add(folded, alias.casefold(), entry.canonical)
            for domain in entry.domains:
                by_domain.setdefault(domain.casefold(), entry.canonical)
        set_ = object.__setattr__
        set_(self, "_by_canonical", by_canonical)
        set_(self, "_slot", {k: tuple(v) for k, v in slot.items()})
        set_(self, "_inline_exact", {k: tuple(v) for k, v in exact.items()})
        set_(self, "_inline_folded", {k: tuple(v) for k, v in folded.items()})
        set_(self, "_by_domain", by_domain)
        # every word of an alias is in any text that names it: keep each alias's longest word
        keys = {
            max(words, key=len)
            for alias in (*exact, *folded)
            if (words := _GATE_TOKEN.findall(alias.casefold()))
        }
        set_(self, "first_words", frozenset(keys))

    def may_name(self, text: str) -> bool:
        """Cheap pre-check: does ``text`` contain the longest word of some inline alias?"""
        return not self.first_words.isdisjoint(_GATE_TOKEN.findall(text.casefold()))

    def resolve(self, name: str) -> tuple[str, ...]:
        """Canonical candidates for a name found in a credit slot (case-insensitive)."""
        return self._slot.get(_key(name), ())

    def resolve_inline(self, surface: str) -> tuple[str, ...]:
        """Canonical candidates for a surface form in running text (case rules above; slot-only excluded)."""
        if len(surface) <= _CASE_SENSITIVE_MAX:
            return self._inline_exact.get(surface, ())
        return self._inline_folded.get(surface.casefold(), ())

    def _lookup_surface(self, surface: str) -> tuple[tuple[str, ...], int] | None:
        for variant in (surface, surface.rstrip("."), re.sub(r"['’]s?$", "", surface.rstrip("."))):
            if variant:
                hit = self.resolve_inline(variant)
                if hit:
                    return hit, len(variant)
        return None

    def match_at(self, text: str, pos: int) -> tuple[tuple[str, ...], int] | None:
        """Longest inline alias starting exactly at ``pos``: (candidates, end offset), or None."""
        ends: list[int] = []
        p = pos
        for _ in range(_MAX_WORDS):
            m = TOKEN.match(text, p)
            if not m:
                break
            ends.append(m.end())
            if m.end() < len(text) and text[m.end()] == " ":
                p = m.end() + 1
            else:
                break
        for end in reversed(ends):
            found = self._lookup_surface(text[pos:end])
            if found:
                return found[0], pos + found[1]
        return None

    def match_before(self, text: str, end: int) -> tuple[tuple[str, ...], int] | None:
        """Longest inline alias ending at ``end`` (trailing spaces ignored): (candidates, start offset)."""
        window_start = max(0, end - 80)
        window = text[window_start:end].rstrip()
        tokens = list(TOKEN.finditer(window))[-_MAX_WORDS:]
        for k in range(len(tokens)):
            start = tokens[k].start()
            surface = window[start:]
            if "  " in surface:
                continue
            hit = self.resolve_inline(re.sub(r"['’]s$", "", surface))
            if hit:
                return hit, window_start + start
        return None

    def entry(self, canonical: str) -> AgencyEntry | None:
        return self._by_canonical.get(canonical)

    def kind(self, canonical: str) -> str | None:
        entry = self._by_canonical.get(canonical)
        return entry.kind if entry else None

    def by_host(self, host: str) -> str | None:
        """Canonical name of the organisation owning ``host`` (``www.`` and subdomains ignored)."""
        host = host.casefold().rstrip(".")
        if host.startswith("www."):
            host = host[4:]
        parts = host.split(".")
        for i in range(len(parts) - 1):
            hit = self._by_domain.get(".".join(parts[i:]))
            if hit:
                return hit
        return None


def _add(index: dict[str, list[str]], key: str, canonical: str) -> None:
    if not key:
        return
    bucket = index.setdefault(key, [])
    if canonical not in bucket:
        bucket.append(canonical)


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (cell or "").split("|") if p.strip())


def default_table_path() -> Path:
    """``seeds/agencies.csv`` beside the ``seeds`` package (works from a checkout and installed)."""
    try:
        import seeds

        return Path(seeds.__file__).resolve().parent / "agencies.csv"
    except ImportError:  # pragma: no cover - seeds is part of the same distribution
        return SEEDS_DIR / "agencies.csv"


def read_agency_csv(path: Path) -> tuple[AgencyEntry, ...]:
    """Parse the CSV into entries, validating kinds and slot-only aliases."""
    rows: list[AgencyEntry] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            canonical = (row.get("canonical") or "").strip()
            kind = (row.get("kind") or "").strip()
            if not canonical or kind not in KINDS:
                raise ValueError(f"{path}:{n}: bad row (canonical={canonical!r}, kind={kind!r})")
            aliases = _split(row.get("aliases"))
            slot_only = _split(row.get("slot_only_aliases"))
            if not set(slot_only) <= set(aliases):
                raise ValueError(f"{path}:{n}: slot_only_aliases must be a subset of aliases")
            rows.append(
                AgencyEntry(
                    canonical=canonical,
                    aliases=aliases,
                    country=(row.get("country") or "").strip(),
                    kind=kind,
                    domains=_split(row.get("domains")),
                    slot_only_aliases=slot_only,
                )
            )
    return tuple(rows)


@functools.lru_cache(maxsize=8)
def _load(path: Path) -> AgencyTable:
    return AgencyTable(read_agency_csv(path))


@functools.lru_cache(maxsize=1)
def _default_path() -> Path:
    return default_table_path().resolve()


def load_agency_table(path: Path | None = None) -> AgencyTable:
    """Load (once per path) the agency table; default ``seeds/agencies.csv``."""
    return _load(path.resolve() if path is not None else _default_path())


__all__ = [
    "AgencyEntry",
    "AgencyTable",
    "KINDS",
    "default_table_path",
    "load_agency_table",
    "read_agency_csv",
]
