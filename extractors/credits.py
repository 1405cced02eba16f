"""The page's own byline (author meta tags, the byline element) merged into the text's attribution.

``merge_page_credits(attribution, authors, publisher=...)`` reads each author value the way a
person reads a byline:

* ``Adam Vidler and AP``: a person and an agency; ``By Reuters``, ``The Associated Press``,
  ``Associated Press in Valencia``: an agency credit (rule A), never a reporter;
* ``Associated Press writer Jane Doe``, ``Jane Doe, Senior Reporter``, ``Jane Doe | CNN``: the
  person is ``Jane Doe`` (role phrases and titles dropped, an agency named beside her credited);
* not people: the outlet itself and its accounts (``Lesotho Times``, ``Ilanga D``), the publisher
  or copyright holder (``Condé Nast``), desks (``Guardian staff``, ``Tim Redaksi``), URL slugs
  repeating a name already there (``Sophie-Foster`` beside ``Sophie Foster``), e-mail addresses.

Byline people come first, then the people the text credits; agencies credited in the byline join
the text's agencies and leave the cited ones.
"""

from __future__ import annotations

import re
from dataclasses import replace

from extractors.attribution import Attribution
from extractors.attribution_patterns import DESK_WORDS as _DESK_WORDS
from extractors.attribution_table import AgencyTable, load_agency_table
from extractors.urls import url_host

_NOT_PEOPLE = frozenset(
    "admin administrator redaksi editor editors staff tim team newsroom desk web webmaster news "
    "reporter reporters correspondent agencies wires letters guest contributor anonymous journalist "
    "red redaktion agenturen nachrichten online".split()
)
_ROLE_WORDS = (
    r"(?:writer|reporter|correspondent|journalist|editor|columnist|contributor|producer|"
    r"wartawan|pewarta|penulis|kontributor|redaktur)s?"
)
# words before a role ("Senior Political Correspondent")
_TITLE_WORDS = (
    r"(?:senior|chief|staff|special|political|foreign|business|sports|news|contributing|freelance|national|"
    r"investigative|assistant|deputy|digital|video|managing|executive|associate)"
)
_ROLE_PREFIX = re.compile(
    r"^(?:(?:By|Oleh)\s+)?(?:(?P<org>(?:The )?[A-Z][\w.&'’-]*(?: [A-Z][\w.&'’-]*){0,3})(?:'s|’s)?\s+)?"
    rf"(?:{_TITLE_WORDS}\s+)*{_ROLE_WORDS}\s+(?=[A-Z])",
    re.IGNORECASE,
)
_BY = re.compile(r"^(?:By|BY|Oleh|OLEH|Von|VON|Par|Por|Autor|Autorin|Author)\s*:?\s+")
# "Capital Von Jemima Kelly": a section or magazine name before the byline's "by"
_INNER_BY = re.compile(r"\s(?:Von|von|By|by|Par|par|Por|por)\s+(?=[A-Z])")
_TITLE = re.compile(rf"\b{_ROLE_WORDS}\b|\b(?:editor|head|chief|director)\b", re.IGNORECASE)
_TRAILING_TITLE = re.compile(rf"\s+(?:{_TITLE_WORDS}\s+)*{_ROLE_WORDS}\b.*$", re.IGNORECASE)
_PLACE_TAIL = re.compile(r"\s+(?:in|di|from|dari)\s+[A-Z][\w.'’ -]*$")
_PARTS = re.compile(r"\s*(?:,|\||\s[-–—]\s|&|\band\b|\bdan\b|\bund\b|\bet\b)\s*")
_SLUG = re.compile(r"^[\w'’.]+(?:-[\w'’.]+)+$")


_FUNCTION_WORDS = frozenset("the to of for and in on at with from is our your my".split())


def _key(name: str) -> str:
    return " ".join(name.replace("-", " ").replace("_", " ").split()).casefold()


def _org(table: AgencyTable, name: str) -> str | None:
    hit = table.resolve(name.strip(" .")) or table.resolve(re.sub(r"^The\s+", "", name.strip(" .")))
    return hit[0] if hit else None


def _alnum(s: str) -> str:
    return re.sub(r"[^0-9a-zà-ÿ]", "", s.casefold())


def _desk(name: str) -> bool:
    words = _key(name).split()
    return not words or " ".join(words) in _NOT_PEOPLE or words[-1] in _DESK_WORDS


def _is_account(name: str, outlet_words: list[str]) -> bool:
    """The outlet itself under another spelling (``Hessenschau De``, ``N-Tv Nachrichten``, ``MDR
    SACHSEN-ANHALT``, ``Ilanga D``): the name starts with the outlet's first word (its site label)."""
    words = [w.casefold().strip(".") for w in name.split()]
    if not outlet_words or not words:
        return False
    own = _alnum(outlet_words[0].split(".")[0])
    first = _alnum(words[0])
    if not own or len(own) < 2:
        return False
    if _alnum(name) in (own, _alnum(" ".join(outlet_words))):
        return True
    return first == own and (name.isupper() or all(len(w) <= 2 or w in _DESK_WORDS for w in words[1:]))


def split_byline(
    raw: str, table: AgencyTable, *, selfs: frozenset[str] = frozenset(), outlet: str | None = None
) -> tuple[list[str], list[str]]:
    """(people, agencies) named in one byline value."""
    people: list[str] = []
    agencies: list[str] = []
    outlet_words = [w.casefold().strip(".") for w in re.sub(r"^The\s+", "", outlet or "").split()]
    text = _BY.sub("", " ".join(raw.split()))
    inner = _INNER_BY.search(text)
    if inner is not None:
        text = text[inner.end() :]
    whole = _org(table, _PLACE_TAIL.sub("", text))
    if whole is not None:  # "The Associated Press", "Associated Press in Valencia", "By Reuters"
        if whole not in selfs:
            agencies.append(whole)
        return people, agencies
    parts = [p.strip(" .;:()[]\"'") for p in _PARTS.split(text)]
    several = sum(1 for p in parts if len(p.split()) > 1) >= 1 and len(parts) > 1
    for part in parts:
        if not part:
            continue
        if several and " " not in part and not _org(table, part):
            continue  # "Anna Martel, Lea Wagner, Nairobi": a lone word beside names is a place or a code
        m = _ROLE_PREFIX.match(part)
        if m is not None:
            org = _org(table, m["org"]) if m["org"] else None
            if org is not None and org not in selfs:
                agencies.append(org)
            part = part[m.end() :]
        part = _PLACE_TAIL.sub("", part)
        title = _TRAILING_TITLE.search(part)
        if title and len(part[: title.start()].split()) >= 2:
            part = part[: title.start()].strip()  # "Jane Doe Senior Reporter" -> "Jane Doe"
        org = _org(table, part)
        if org is not None:
            if org not in selfs:
                agencies.append(org)
            continue
        key = _key(part)
        words = key.split()
        if len(words) == 1 and (part.islower() or len(part) <= 4):
            continue  # "luxurious" (a CMS login), "Amw", "hosb" (staff codes): not a person's name
        if (
            not words
            or key in _NOT_PEOPLE
            or words[-1] in _DESK_WORDS
            or "@" in part
            or "http" in key
            or any(ch.isdigit() for ch in part)
            or len(words) > 5
            or (len(words) > 1 and _TITLE.search(part))  # "Senior Reporter", "Parliamentary editor"
            or any(w in _FUNCTION_WORDS for w in words)  # "Letters To The Editor", "Team of the Day"
            or _is_account(part, outlet_words)
        ):
            continue
        people.append(part)
    return people, agencies


_VISIBLE_BY = re.compile(
    r"^(?i:by|von|oleh|par|por|penulis|reporter|written by|words by)\s*:?(?:\s+(?P<names>.+))?$"
)
_VISIBLE_SOURCE = re.compile(r"^(?:Source|Quelle|Sumber|Fuente|Fonte)\s*:\s*(?P<src>.{2,60})$")


def visible_credits(
    lines: tuple[str, ...],
    table: AgencyTable,
    *,
    selfs: frozenset[str] = frozenset(),
    outlet: str | None = None,
) -> tuple[list[str], list[str]]:
    """(people, agencies) of the byline printed under the headline: ``By Jane Doe``, ``von`` then
    ``Dr. Max Kolter`` on the next line, ``Quelle: dpa Sport``."""
    people: list[str] = []
    agencies: list[str] = []
    for i, line in enumerate(lines[:8]):
        if len(line) > 100:
            continue
        m = _VISIBLE_BY.match(line)
        if m:
            names = m["names"] or (lines[i + 1] if i + 1 < len(lines) else "")
            if names and len(names) <= 80:
                found, orgs = split_byline(
                    re.sub(r"^(?:Dr|Prof)\.?\s+", "", names), table, selfs=selfs, outlet=outlet
                )
                people.extend(found)
                agencies.extend(orgs)
            continue
        m = _VISIBLE_SOURCE.match(line)
        if m:
            src = m["src"].strip()
            org = _org(table, src) or _org(table, src.split()[0])
            if org and org not in selfs and table.kind(org) in ("agency", "press_release_wire"):
                agencies.append(org)
    return people, agencies


def merge_page_credits(
    a: Attribution,
    authors: tuple[str, ...],
    *,
    publisher: str | None = None,
    url: str | None = None,
    visible: tuple[str, ...] = (),
    agencies: AgencyTable | None = None,
) -> Attribution:
    """``a`` with the page's byline people first in ``reporters`` and its byline agencies added.

    ``visible`` are the lines under the headline (``dates_visible.DateLine.lines``): their byline
    counts when the page's author fields name nobody; an agency there (``Quelle: dpa``) always.
    The page's own organisation (its outlet name, or the owner of ``url``'s host) is never credited."""
    table = agencies if agencies is not None else load_agency_table()
    outlet = (a.outlet or "").strip()
    own = _org(table, outlet) or (table.by_host(outlet) if "." in outlet and " " not in outlet else None)
    host = url_host(url) if url else ""
    by_url = table.by_host(host) if host else None
    selfs = frozenset(o for o in (own, by_url) if o)
    publisher_key = _key(re.sub(r"[^\w\s-]", " ", publisher or ""))
    people: list[str] = []
    credited: list[str] = []
    for raw in authors:
        found, orgs = split_byline(raw, table, selfs=selfs, outlet=a.outlet)
        for name in found:
            if publisher_key and f" {_key(name)} " in f" {publisher_key} ":
                continue  # "Condé Nast" beside "Copyright (c) Condé Nast": the publisher, not a person
            people.append(name)
        credited.extend(orgs)
    # the byline printed under the headline: its people only when the page's fields name nobody
    seen_people, seen_orgs = visible_credits(visible, table, selfs=selfs, outlet=a.outlet)
    if not people:
        people.extend(seen_people)
    credited.extend(seen_orgs)
    if any(" " in p for p in people):  # "Anna Martel", "Lea Wagner", "Nairobi": a lone word is a place
        people = [p for p in people if " " in p]
    reporters: list[str] = []
    seen: set[str] = set()
    names = tuple(n for n in (*people, *a.reporters) if not _desk(n))
    spaced = {_key(n) for n in names if not _SLUG.match(n)}
    for name in names:
        if _SLUG.match(name) and _key(name) in spaced:
            continue  # "Sophie-Foster" (a URL slug) beside "Sophie Foster"
        if _org(table, name) is not None or _key(name) in seen:
            continue
        seen.add(_key(name))
        reporters.append(name)
    new_agencies = tuple(dict.fromkeys((*a.agencies, *credited)))
    cited = tuple(c for c in a.cited_agencies if c not in new_agencies)
    evidence = a.evidence + tuple(("agencies", c, "byline") for c in credited if c not in a.agencies)
    return replace(
        a, reporters=tuple(reporters), agencies=new_agencies, cited_agencies=cited, evidence=evidence
    )


__all__ = ["merge_page_credits", "split_byline", "visible_credits"]
