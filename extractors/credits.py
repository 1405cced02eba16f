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
from extractors.attribution_table import AgencyTable, load_agency_table

_NOT_PEOPLE = frozenset(
    "admin administrator redaksi editor editors staff tim team newsroom desk web webmaster news "
    "reporter reporters correspondent agencies wires letters guest contributor anonymous".split()
)
_DESK_WORDS = frozenset(
    "staff team desk newsroom service bureau redaksi network reporters correspondents agencies wires".split()
)
_ROLE_WORDS = (
    r"(?:writer|reporter|correspondent|journalist|editor|columnist|contributor|producer|"
    r"wartawan|pewarta|penulis|kontributor|redaktur)s?"
)
_ROLE_PREFIX = re.compile(
    r"^(?:(?:By|Oleh)\s+)?(?:(?P<org>(?:The )?[A-Z][\w.&'’-]*(?: [A-Z][\w.&'’-]*){0,3})(?:'s|’s)?\s+)?"
    r"(?:(?:senior|chief|staff|special|political|foreign|business|sports|news|contributing|freelance|"
    rf"national|investigative|assistant|deputy|digital|video)\s+)*{_ROLE_WORDS}\s+(?=[A-Z])",
    re.IGNORECASE,
)
_BY = re.compile(r"^(?:By|BY|Oleh|OLEH)\s*:?\s+")
_TITLE = re.compile(rf"\b{_ROLE_WORDS}\b|\b(?:editor|head|chief|director)\b", re.IGNORECASE)
_TRAILING_TITLE = re.compile(
    r"\s+(?:(?:senior|chief|staff|special|political|foreign|business|sports|news|contributing|freelance|national|"
    rf"investigative|assistant|deputy|digital|video|managing|executive|associate)\s+)*{_ROLE_WORDS}\b.*$",
    re.IGNORECASE,
)
_PLACE_TAIL = re.compile(r"\s+(?:in|di|from|dari)\s+[A-Z][\w.'’ -]*$")
_PARTS = re.compile(r"\s*(?:,|\||\s[-–—]\s|&|\band\b|\bdan\b)\s*")
_SLUG = re.compile(r"^[\w'’.]+(?:-[\w'’.]+)+$")


def _key(name: str) -> str:
    return " ".join(name.replace("-", " ").replace("_", " ").split()).casefold()


def _org(table: AgencyTable, name: str) -> str | None:
    hit = table.resolve(name.strip(" .")) or table.resolve(re.sub(r"^The\s+", "", name.strip(" .")))
    return hit[0] if hit else None


def _is_account(name: str, outlet_words: list[str]) -> bool:
    """The outlet's own name, or the outlet's name with an initial or two (a site's CMS account)."""
    words = [w.casefold().strip(".") for w in name.split()]
    if not outlet_words or not words:
        return False
    n = len(outlet_words)
    if words == outlet_words or words[:n] == outlet_words and all(len(w) <= 2 for w in words[n:]):
        return True
    return words[0] == outlet_words[0] and len(words) == 2 and len(words[1]) <= 2


def split_byline(
    raw: str, table: AgencyTable, *, selfs: frozenset[str] = frozenset(), outlet: str | None = None
) -> tuple[list[str], list[str]]:
    """(people, agencies) named in one byline value."""
    people: list[str] = []
    agencies: list[str] = []
    outlet_words = [w.casefold().strip(".") for w in re.sub(r"^The\s+", "", outlet or "").split()]
    text = _BY.sub("", " ".join(raw.split()))
    whole = _org(table, _PLACE_TAIL.sub("", text))
    if whole is not None:  # "The Associated Press", "Associated Press in Valencia", "By Reuters"
        if whole not in selfs:
            agencies.append(whole)
        return people, agencies
    for part in _PARTS.split(text):
        part = part.strip(" .;:()[]\"'")
        if not part:
            continue
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
        if part.islower() and len(words) == 1:
            continue  # "luxurious", "aligharib": a CMS login, not a person's name
        if (
            not words
            or key in _NOT_PEOPLE
            or words[-1] in _DESK_WORDS
            or "@" in part
            or "http" in key
            or any(ch.isdigit() for ch in part)
            or len(words) > 5
            or (len(words) > 1 and _TITLE.search(part))  # "Senior Reporter", "Parliamentary editor"
            or _is_account(part, outlet_words)
        ):
            continue
        people.append(part)
    return people, agencies


def merge_page_credits(
    a: Attribution,
    authors: tuple[str, ...],
    *,
    publisher: str | None = None,
    agencies: AgencyTable | None = None,
) -> Attribution:
    """``a`` with the page's byline people first in ``reporters`` and its byline agencies added."""
    table = agencies if agencies is not None else load_agency_table()
    outlet = (a.outlet or "").strip()
    own = _org(table, outlet) or (table.by_host(outlet) if "." in outlet and " " not in outlet else None)
    selfs = frozenset({own} if own else ())
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
    reporters: list[str] = []
    seen: set[str] = set()
    names = (*people, *a.reporters)
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


__all__ = ["merge_page_credits", "split_byline"]
