"""Source-attribution parser: who produced a news text (datelines, bylines, trailers, citations).

Pure: a trafilatura main text (title excluded) in, a frozen :class:`Attribution` out.  Follows
``docs/attribution.md`` (the conventions catalogue) and its §9 shape:

1. *normalise*: NBSP, glued citations (``dilansirAntara``), table pipes; drop promo/related-link
   lines (``Baca juga:``, ``Pilihan Editor:``, ``[Gambas:…]``; a bare widget heading such as
   ``Next Article`` takes its headline along), syndication disclaimers (``auto-generated from Press
   Trust of India`` still credits PTI), and mask photo credits;
2. *head* (first 4 lines): datelines D1–D13 in order of specificity, bylines (a trailing organisation
   in ``By NAME Associated Press`` is not part of the name), ``Laporan Wartawan``; lines 5–8 only for
   an explicit agency parenthetical (``(Bloomberg) --`` under a ``Most Read`` list);
3. *tail* (last 8 segments; comma-collapsed paragraphs are split first): ``Sumber :``/``Source:``,
   role labels (``Pewarta:``/``Editor:``/``Penulis:``/``Rep: … Red: …``), Reuters footers,
   ``contributed to this report``, ``©``/``Copyright``, DW ``ab/cd (AFP, dpa)``, staff codes
   ``(abc/def)``, ``(ant)``, bare sign-offs (``— AFP``, ``PTI``, Tempo ``NAME | ANTARA``) on the last
   segment *and* on the last body segment before a block of credit lines, ``With inputs/assistance
   from``, ``<Agency> contributed to this report``, unnamed wires;
4. *body*: table aliases found outside quotations and preceded/followed by a citation cue
   (``according to``, ``told``, ``X reported``, ``dilansir``, ``dikutip dari``, ``kepada`` …).
   An alias heading another organisation (``Bloomberg Philanthropies``) or preceded by a given name
   (``Michael Bloomberg``) is not cited, nor is a company reporting results.
   The Indonesian sentence-initial formula ``Dilansir/Dikutip/Mengutip X, <hari> (…)`` within the
   first three paragraphs is a credit (``agencies``); every other cue is a citation;
5. self-credits (the publishing outlet naming itself) fill ``outlet`` only — except a news
   *agency* on its own site, which stays in ``agencies`` (rule C).

Where each part lives (one file per part, so a new trailer rule has one home):
``attribution_patterns`` (every regex and word list), ``attribution_state`` (the accumulator and
the helpers the parts share), ``attribution_head`` (2), ``attribution_tail`` (3),
``attribution_body`` (4); this module normalises (1), runs the parts and builds the record.
The page's own byline is merged afterwards by ``extractors.credits``.

Decisions not fixed by the catalogue: role-ambiguous initials after ``Sumber : CNA/SL``,
``Source: CNA/ab(cd)`` and staff-code brackets go to ``staff_initials`` (never ``editors``);
desk codes after ``PTI`` likewise.  ``CNA`` is Channel NewsAsia unless the URL is Taiwanese, the
dateline place is a Taiwanese city, or the text says ``Focus Taiwan``/``Enditem``.  An outlet
given by the caller is returned as given; an inferred one is the table's canonical name (or the
URL host when the table does not know it).
"""

from __future__ import annotations

from dataclasses import dataclass

from extractors.attribution_body import (
    _parse_body,
)
from extractors.attribution_head import (
    _parse_head,
)
from extractors.attribution_patterns import (
    _AUTOGEN,
    _DOMAINISH,
    _NOISE_LINE,
    _PHOTO,
    _PHOTO_KEYS,
    _PROMO_INLINE,
    _PROMO_KEYS,
    _PROMO_LINE,
    _SEGMENT_SPLIT,
    _TAIWAN_PLACES,
    _WIDGET_HEADING,
)
from extractors.attribution_state import (
    _Acc,
    _clean_line,
    _host,
    _mask,
    _normalise,
)
from extractors.attribution_table import AgencyEntry, AgencyTable, load_agency_table
from extractors.attribution_tail import (
    _parse_tail,
)
from extractors.language import guess_language

__all__ = [
    "AgencyEntry",
    "AgencyTable",
    "Attribution",
    "LABEL_FIELDS",
    "load_agency_table",
    "parse_attribution",
    "to_label_dict",
]


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who produced one article, per the label schema of ``docs/attribution.md`` §1."""

    dateline_place: str | None
    outlet: str | None
    agencies: tuple[str, ...]  # canonical names, credit slots (rule A)
    cited_agencies: tuple[str, ...]  # canonical names, inline citations (rule B), minus agencies
    reporters: tuple[str, ...]
    editors: tuple[str, ...]
    staff_initials: tuple[str, ...]
    translators: tuple[str, ...]
    translated_from: str | None
    evidence: tuple[tuple[str, str, str], ...] = ()  # (field, value, span of text it came from)
    flags: tuple[str, ...] = ()  # wire_unnamed, source_link_lost, dateline_lost, translated_implied


LABEL_FIELDS: tuple[str, ...] = (
    "dateline_place",
    "outlet",
    "agencies",
    "cited_agencies",
    "reporters",
    "editors",
    "staff_initials",
    "translators",
    "translated_from",
)


def to_label_dict(a: Attribution) -> dict[str, object]:
    """Exactly the label-schema fields, tuples as lists (JSON-ready)."""
    out: dict[str, object] = {}
    for name in LABEL_FIELDS:
        value = getattr(a, name)
        out[name] = list(value) if isinstance(value, tuple) else value
    return out


# --------------------------------------------------------------------------- entry point


def _segments(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        out.extend(s.strip() for s in _SEGMENT_SPLIT.split(line) if s.strip(" ,"))
    return out


def parse_attribution(
    text: str,
    *,
    url: str | None = None,
    outlet: str | None = None,
    language: str | None = None,
    agencies: AgencyTable | None = None,
) -> Attribution:
    """Parse datelines, bylines, trailers and citations of one article's main text."""
    table = agencies if agencies is not None else load_agency_table()
    host = _host(url)
    selfs: set[str] = set()
    if outlet:
        c = table.resolve(outlet)
        selfs.update(c[:1])
        if not c and _DOMAINISH.match(outlet.strip()):  # a site name written as its domain: "DW.COM"
            by_domain = table.by_host(outlet.strip())
            if by_domain:
                selfs.add(by_domain)
    host_canonical = table.by_host(host) if host else None
    if host_canonical:
        selfs.add(host_canonical)
    out_name = outlet or host_canonical or None  # an unknown host is the fallback in _finish
    text = _normalise(text or "")
    lang = (language or "").split("-")[0].casefold() or guess_language(text) or ""
    if not lang:
        home = next((table.entry(c) for c in selfs if table.entry(c)), None)
        lang = "id" if home is not None and home.country == "ID" else "en"
    taiwan = bool(host and host.endswith(".tw")) or "Focus Taiwan" in text or "Enditem" in text
    acc = _Acc(
        table=table,
        selfs=frozenset(selfs),
        outlet=out_name,
        outlet_known=bool(out_name),
        url_host=host,
        language=lang,
        taiwan_hint=taiwan,
    )

    lines: list[str] = []
    widget_headline = False
    for raw in text.split("\n"):
        line = _clean_line(raw)
        if not line or _NOISE_LINE.match(line):
            continue
        if widget_headline and not line.endswith((".", "!", "?", '"', "”", ")")):
            widget_headline = False
            continue
        widget_headline = False
        if _PROMO_LINE.match(line):
            widget_headline = len(line) <= 40 and bool(_WIDGET_HEADING.match(line))
            am = _AUTOGEN.search(line) if "auto-" in line else None
            org = acc.pick(table.resolve(am["src"])) if am else None
            if org and table.kind(org) in ("agency", "press_release_wire"):
                acc.credit(org, line)
            continue
        if any(k in line for k in _PROMO_KEYS):
            line = _mask(line, _PROMO_INLINE).strip()
        if any(k in line for k in _PHOTO_KEYS):
            line = _mask(line, _PHOTO).strip()
        if line and not _NOISE_LINE.match(line):
            lines.append(line)
    if not lines:
        return _finish(acc, host, url)

    # the dateline may name Taipei: decide CNA after seeing the head
    head_probe = lines[0][:60].split(",")[0].split("(")[0].strip().casefold()
    if head_probe in _TAIWAN_PLACES:
        acc.taiwan_hint = True
    line_index, offset = _parse_head(lines, acc)
    if acc.place and acc.place.casefold() in _TAIWAN_PLACES:
        acc.taiwan_hint = True

    # paragraphs for the body: dateline prefix removed; comma-collapsed paragraphs split
    paragraphs: list[tuple[int, str]] = []
    start = max(line_index, 0)
    for i, line in enumerate(lines[start:], start=0):
        if i == 0 and line_index >= 0:
            line = line[offset:]
        for seg in _SEGMENT_SPLIT.split(line):
            if seg.strip(" ,"):
                paragraphs.append((len(paragraphs), seg.strip()))

    if host and "/dw/" in (url or "") and host.endswith("detik.com"):
        dw = acc.pick(table.resolve("DW"))
        if dw:
            acc.credit(dw, url or "")
    _parse_tail(_segments(lines[-8:])[-8:], acc)
    _parse_body(paragraphs, acc)
    return _finish(acc, host, url)


def _finish(acc: _Acc, host: str | None, url: str | None) -> Attribution:
    outlet = acc.outlet or host
    agencies = tuple(acc.agencies)
    cited = tuple(c for c in acc.cited if c not in acc.agencies)
    if acc.language == "id" and acc.translated_from is None:
        for a in acc.trailer_orgs:
            entry = acc.table.entry(a)
            if entry is not None and entry.country not in ("ID", ""):
                acc.flag("translated_implied")
    dw_site = "DW" in acc.selfs or bool(host and host.endswith("dw.com")) or "/dw/" in (url or "")
    if acc.translators and acc.translated_from is None and dw_site:
        acc.translated_from = "DW"
        acc.ev("translated_from", "DW", url or "")
    return Attribution(
        dateline_place=acc.place,
        outlet=outlet,
        agencies=agencies,
        cited_agencies=cited,
        reporters=tuple(acc.reporters),
        editors=tuple(acc.editors),
        staff_initials=tuple(acc.staff),
        translators=tuple(acc.translators),
        translated_from=acc.translated_from,
        evidence=tuple(acc.evidence),
        flags=tuple(acc.flags),
    )
