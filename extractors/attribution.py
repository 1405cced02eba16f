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

Decisions not fixed by the catalogue: role-ambiguous initials after ``Sumber : CNA/SL``,
``Source: CNA/ab(cd)`` and staff-code brackets go to ``staff_initials`` (never ``editors``);
desk codes after ``PTI`` likewise.  ``CNA`` is Channel NewsAsia unless the URL is Taiwanese, the
dateline place is a Taiwanese city, or the text says ``Focus Taiwan``/``Enditem``.  An outlet
given by the caller is returned as given; an inferred one is the table's canonical name (or the
URL host when the table does not know it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from extractors.attribution_table import TOKEN as _TOKEN
from extractors.attribution_table import AgencyEntry, AgencyTable, load_agency_table
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


# --------------------------------------------------------------------------- regexes (compiled once)

_DASH = r"(?:-{1,3}|[–—])"
_WORD = r"[A-ZÀ-Ý][\w.'’/&-]*"  # a capitalised (or all-caps) word; dots/slashes allowed (ST. JOSEPH)
_PLACE = rf"{_WORD}(?: {_WORD}){{0,3}}"
_HARI = r"(?:Senin|Selasa|Rabu|Kamis|Jum'?at|Sabtu|Minggu|Ahad)"

_NOISE_LINE = re.compile(r"^[\s,.;|•·*_=~-]*$")
_GLUED_CUE = re.compile(
    r"\b([Dd]ilansir|[Mm]elansir|[Dd]ikutip|[Mm]engutip|[Dd]ari|[Kk]epada|[Mm]enurut)(?=[A-Z]|detik)"
)
_GLUED_PAREN = re.compile(r"^(\([A-Za-z][\w .]{1,30}\))(?=[A-Z\"“])")
_PIPES = re.compile(r"\s*\|\s*")
_PROMO_LINE = re.compile(
    r"^\W*(?:baca(?: juga| pula)?|simak(?: juga)?|tonton(?: juga)?|lihat juga|saksikan juga|pilihan editor|"
    r"berita terkait|artikel terkait|read (?:more|also)|also read|see also|related(?: stories| articles)?|"
    r"more from|recommended|editor'?s note|catatan redaksi|\[?gambas|advertisement|scroll to continue|"
    r"iklan|ikuti (?:kami|berita)|dapatkan update|download aplikasi|follow us|share this|bagikan|"
    r"our standards|sign up here|most read from|lihat juga|related news|halaman \d+ dari|next article|"
    r"simak breaking news|pastikan kamu|dilarang keras|follow ap'?s|find ap'?s|"
    r"this (?:report|story|article) (?:is|was|has) (?:been )?auto-|(?:this story|only the headline)\b.{0,80}"
    r"\b(?:edited|reworked)\b)",
    re.IGNORECASE,
)
_WIDGET_HEADING = re.compile(
    r"^\W*(?:baca(?: juga| pula)?|lihat juga|berita terkait|artikel terkait|next article|read (?:more|also)|"
    r"also read|see also|related(?: news| stories| articles)?|more from|most read from \w+|recommended)\W*$",
    re.IGNORECASE,
)
# syndication disclaimers that still name the origin: "auto-generated from Press Trust of India news service"
_AUTOGEN = re.compile(
    r"auto-(?:generated|published) from (?:the |a )?(?P<src>[A-Z][\w.&' -]{1,50}?)"
    r"(?: news service| news agency| wire| feed)?(?:[.;)]|$)"
)
_PROMO_INLINE = re.compile(
    r"(?:\b(?:Baca|BACA) (?:[Jj]uga|JUGA)|\bSimak [Jj]uga|\bTonton [Jj]uga|\bPilihan Editor)\s*:?[^\n]{0,160}?(?=\.,|\n|$)"
    r"|\[Gambas:[^\]\n]*\]"
)
_PROMO_KEYS = ("Baca", "BACA", "Simak", "Tonton", "Pilihan Editor", "[Gambas")
_PHOTO_KEYS = ("/", "Foto", "FOTO", "Photo", "PHOTO", "Gambar", "Image", "Ilustrasi", "Credit", "Kredit")
_PHOTO = re.compile(
    r"\((?:REUTERS|Reuters|AFP|AP|ANTARA|EPA|Getty Images|AAP|Xinhua|XINHUA)(?: ?(?:FOTO|PHOTO|Photo|Images))?/[^)\n]{2,80}\)"
    r"|\b(?:ANTARA FOTO|AFP PHOTO|AP Photo|REUTERS|EPA-EFE|Xinhua)/[A-Z][\w .'-]{1,60}"
    r"|\b(?:Foto|FOTO|Photo|PHOTO|Photograph|Gambar|Image|Ilustrasi|Credit|Kredit|Main image credit|Header Image)"
    r"(?: ?(?:ilustrasi|credit|oleh|by))?\s*:\s*[^\n]{0,120}?(?=\.,|\n|$)"
)

# head -----------------------------------------------------------------------------------------
_KICKER_WORDS = frozenset(
    """analysis opinion update updated exclusive explainer breaking live watch video videos photos photo
    factbox commentary editorial review interview note warning foto sumber source catatan editor penulis
    reporter pewarta oleh by tags topik share updated diperbarui published ilustrasi advertisement iklan
    related baca simak tonton lihat fact check comment perspective column kolom opini wawancara
    breaking news analisis file""".split()
)
_TASS = re.compile(rf"^(?P<pre>{_PLACE}), (?P<date>[^/\n]{{3,25}}?) /(?P<credit>[A-Z][\w-]+)/\.?\s*")
_PAREN = re.compile(
    rf"^(?:(?P<pre>{_PLACE}(?: \[[^\]\n]{{1,30}}\])?(?:, [^()\n]{{1,40}}?)?)\s*)?\((?P<credit>[^()\n]{{2,60}})\)(?P<dash>\s*{_DASH})?[ ]*"
)
_PIPE = re.compile(rf"^(?P<place>{_PLACE})\s*\|\s*(?P<out>[^|\n]{{2,40}}?)\s*{_DASH}(?=\s|$)\s*")
_TWO = re.compile(rf"^(?P<a>[^,\n]{{2,40}}), (?P<b>[^,\n]{{2,40}}?)\s*{_DASH}(?=\s|$)\s*")
_D8_NODASH = re.compile(r"^(?P<out>[\w-]+\.(?:com|co\.id|co|id|net)), (?P<place>[A-Z][A-Za-z]+)\s+(?=[A-Z])")
_D8_DOT = re.compile(
    rf"^(?P<out>[\w-]+\.(?i:com|co\.id|co|id|net))\s*{_DASH}\s*(?P<place>[A-Z][A-Z.'-]*(?: [A-Z][A-Z.'-]*){{0,3}})"
    r"\.\s+(?=[A-Z])"
)
_ONE = re.compile(rf"^(?P<a>[^,\n]{{2,40}}?)\s*{_DASH}(?=\s|$)\s*")
_COLON = re.compile(rf"^(?P<place>{_PLACE})(?P<rest>(?:, [^:\n]{{1,40}})?):\s+(?=[A-Z\"“‘'])")
_LAPORAN = re.compile(r"^Laporan [Ww]artawan (?P<out>.+?), (?P<name>[A-Z][\w.' -]{2,60}?)\s*$")
_BYLINE = re.compile(r"^(?:By|BY|Oleh|OLEH|Written by|Article by|Words by)\s*:?\s+(?P<names>[^\n]{2,120})$")
_COURTESY = re.compile(
    r"^(?:Courtesy of|Republished (?:with permission )?from|This (?:article|story|piece) (?:is|was) "
    r"(?:(?:first|originally) )?(?:republished|published|appeared|ran)(?: first)? (?:on|in|by|from)|"
    r"(?i:first|originally) (?:published|appeared|ran) (?:on|in|by)|"
    r"This (?:article|story) (?:was )?(?:originally )?(?:appeared|published|ran) (?:on|in|by))\s+"
    r"(?P<src>(?:The )?[A-Z][\w.&'’ -]{1,50}?)(?:\s+(?:under|on|and is|and was|with)\b[^\n]*)?\.?$"
)
# Canadian and other papers' trailer: "With files from The Canadian Press and Jane Doe", "With reports from X"
_WITH_FILES = re.compile(
    r"^[(\s\-–—]*(?:[Ww]ith|WITH) (?:files|reports|reporting|additional reporting) (?:from|by) (?P<names>[^()\n]{2,160}?)[.)\s]*$"
)
_BRACKETED = re.compile(r"\s*\[[^\]\n]*\]")
_DOMAINISH = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.(?:com|co\.id|co|id|net|org|tv|my|sg)$", re.IGNORECASE)
_DATEISH = re.compile(
    r"^(?:\d{1,2} )?(?:Jan|Feb|Mar|Apr|May|Mei|Jun|Jul|Aug|Agu|Agt|Ags|Sep|Sept|Oct|Okt|Nov|Dec|Des|Dis|Mac|Ogos)"
    r"[a-z]*\.?(?: \d{1,2})?(?:,? \d{4})?$"
    r"|^\d{1,2} [A-Z][a-z]+ \d{4}$",
)
_TAIWAN_PLACES = frozenset(
    "taipei kaohsiung taichung tainan hsinchu taoyuan keelung hualien taitung pingtung chiayi yilan "
    "kinmen matsu penghu".split()
)

# tail -----------------------------------------------------------------------------------------
_SEGMENT_SPLIT = re.compile(r"(?<=[.!?\"”’)]),(?=\s*\S)")
_SOURCE_LINE = re.compile(
    r"^\(?(?:Source|SOURCE|Sumber|SUMBER|Quelle|QUELLE|Fuente|Fonte)\s*:\s*(?P<rest>.*?)\)?$"
)
_ROLE_LABEL = re.compile(
    r"(?:(?<=^)|(?<=[\s,;|(/]))(?P<label>Pewarta|Reporter|Penulis|Wartawan|Kontributor|Rep|Writer|Author|Written by|"
    r"Redaktur & Reporter|Reporter & Redaktur|Editor|Redaktur|Penyunting|Red|Editing|Edited by|Penerjemah|Translator|"
    r"Alih [Bb]ahasa|Sumber|Source)\s*:\s*"
)
_ROLE_OF = {
    "pewarta": "reporters",
    "reporter": "reporters",
    "penulis": "reporters",
    "wartawan": "reporters",
    "kontributor": "reporters",
    "rep": "reporters",
    "writer": "reporters",
    "author": "reporters",
    "written by": "reporters",
    "redaktur & reporter": "both",
    "reporter & redaktur": "both",
    "editor": "editors",
    "redaktur": "editors",
    "penyunting": "editors",
    "red": "editors",
    "editing": "editors",
    "edited by": "editors",
    "penerjemah": "translators",
    "translator": "translators",
    "alih bahasa": "translators",
    "sumber": "source",
    "source": "source",
}
_ADAPTED = re.compile(
    r"\b(?:Diadaptasi|Diterjemahkan|Dialihbahasakan|Adapted|Translated)(?: dan (?:diterjemahkan|diadaptasi))?"
    r" (?:oleh|by)\s*:?\s*(?P<names>[^\n]{2,120}?)\s*(?:\.|$)"
)
_TRANSLATED_FROM = re.compile(
    r"\b(?:diterjemahkan|diadaptasi|dialihbahasakan|translated|adapted)(?: \w+){0,3} (?:dari|from)"
    r" (?:artikel |laporan |the |an? )?(?P<src>[A-Z][\w.&'-]*(?: [A-Z][\w.&'-]*){0,3})"
)
_ROLE_HINT = re.compile(r"[Rr]eporting|Editing|Edited|Writing|Compiled|Graphics|Fact-checked")
_REUTERS_ROLE = re.compile(
    r"\b(?P<role>Additional reporting|Reporting|Writing|Compiled|Editing|Edited|Graphics|Fact-checked)"
    r" (?:by|from)\s+(?P<names>[^;()\n]+)"
)
_CONTRIB = re.compile(
    r"^(?P<pre>.{3,200}?)\s+(?:also |has |have )?contributed(?: reporting)?(?: to this (?:report|story|article))?\.?$"
)
_CONTRIB_ORG = re.compile(
    r"^(?:The )?(?P<org>Associated Press|[A-Z][\w.&-]*(?: [A-Z][\w.&-]*){0,3})(?:'s|’s)?"
    r"(?: (?:staff )?(?:writers?|reporters?|correspondents?|journalists?|videojournalists?|photographers?))\s+"
    r"|^(?:The )?(?P<org2>[A-Z][\w.&-]*(?: [A-Z][\w.&-]*){0,3})(?:'s|’s)\s+"
)
_ASSIST = re.compile(
    r"^[(\s\-–—]*(?:[Ww]ith|WITH) (?:additional )?(?P<kind>assistance|inputs?) from (?P<names>[^()\n]{2,160}?)[.)\s]*$"
)
_CONTRIBUTING = re.compile(r"^(?:Contributing|Contributors?)\s*:\s*(?P<names>.+)$")
_COPYRIGHT = re.compile(
    r"(?:©|\(c\)|Copyright|Hak [Cc]ipta)\s*(?:©\s*)?(?:\d{4}\s*)?(?P<org>[^\n,.|]{2,60}?)(?:\s*\d{4})?(?:[.,]|\s+All|\s*$)"
)
_DW_CODES = re.compile(r"^(?P<codes>[a-z]{1,4}(?:/[a-z]{1,4})+)\s*\((?P<orgs>[^()\n]{2,60})\)\s*$")
_TAYANG = re.compile(
    r"Artikel ini (?:telah )?(?:tayang|terbit|dimuat) (?:di|pada)\s*(?P<src>[^\n]*?)\s*(?:dengan judul|,|$)"
)
_INFO_CAME = re.compile(
    r"(?:Some |Additional )?[Ii]nformation for this (?:report|article|story) (?:came|comes|was) from (?P<orgs>[^\n.]+)"
)
_SOURCE_TAG = re.compile(r"^\[\s*(?P<a>[^\]\n]{2,30}?)\s*\]$|\(via (?P<b>[^)\n]{2,30})\)\s*$")
_UNNAMED_WIRE = re.compile(
    r"\bwith (?:\w+ )?wires\b|[-–—]\s*agencies\s*$|\band (?:news )?agencies\b|reporting by agencies|"
    r"(?:wire|news) services contributed|adapted from its original source|from wire reports|\bwire services\b",
    re.IGNORECASE,
)
_ENDITEM = re.compile(r"\s*Enditem\s*/?[\w/ ]*$")
_AGENCY_CODES_LINE = re.compile(r"^(?P<org>[A-Za-z][\w-]{1,12})(?:/[A-Za-z]{1,6}){1,3}$")
_MIT_AGENCY = re.compile(
    r"^[Mm]it (?:Material (?:von |der |des )?)?(?P<orgs>[\w-]{2,20}(?:(?:,| und|/) ?[\w-]{2,20}){0,3})\.?$"
)
_STAFF_TAIL = re.compile(
    r"\((?P<codes>[A-Za-z][A-Za-z0-9*-]{0,6}(?:\s*/\s*[A-Za-z][A-Za-z0-9*-]{0,6}){0,4})\)\s*[.,]?\s*$"
)
_SIGNOFF = re.compile(
    r"(?:^|(?<=[.!?\"”’)])\s*|\s+[-–—]{1,2}\s*|\s+)(?:[-–—]{1,2}\s*)?(?P<org>[A-Z][A-Za-z]+(?:[.-][A-Za-z]+)*(?: [A-Z][a-z][A-Za-z]*)?)"
    r"(?P<codes>(?: [A-Z]{2,4}){0,4})\s*$"
)
_CAPS_SIGNOFF = re.compile(
    r"^[A-Z][A-Z'.-]+(?: [A-Z][A-Z'.-]+){1,4}(?:\s*\|\s*[A-Z][A-Z'.-]+(?: [A-Z][A-Z'.-]+){0,4})*$"
)
_BARE_CODES = re.compile(r"^[a-z]{1,4}\d?(?:/[a-z]{1,4}\d?){1,3}$")
_PAREN_BY = re.compile(r"^\((?:By|Oleh) (?P<names>[^)]{3,80})\)")
_SITE_CODES = frozenset(
    {"kpl", "jpnn", "jpg", "rls", "adv", "ads", "iklan", "cnn", "cnbc", "dtk", "mdk", "lp6", "***"}
)
_NON_PERSON = frozenset({"rls", "adv", "ads", "iklan", "***", "red"})

# body -----------------------------------------------------------------------------------------
_QUOTE_SPANS = re.compile(r"“[^”\n]{0,600}”|\"[^\"\n]{0,600}\"|«[^»\n]{0,600}»|‘[^’\n]{20,400}’")
_FILLER_TOKEN = re.compile(
    r"(?:dari|oleh|the|a|an|kantor|berita|media|laman|situs|harian|portal|surat|kabar|data|perdagangan|stasiun|"
    r"televisi|state|state-run|state-owned|news|agency|newspaper|broadcaster|outlet|wire|service|report|reports|"
    r"laporan|pemberitaan|majalah|magazine|daily|in|by|from|with|detik\w*|[\w-]+\.(?:com|co\.id|co|id))",
    re.IGNORECASE,
)
_CUE_WORD = re.compile(
    r" (?:(?:[Ss]eperti |[Ss]ebagaimana |[Yy]ang )?(?:[Dd]ilansir|[Mm]elansir|[Dd]ikutip|[Mm]engutip|[Dd]ilaporkan|"
    r"[Mm]elaporkan|[Dd]iberitakan|[Mm]emberitakan|[Mm]enurut|[Kk]epada|[Dd]ihubungi|[Mm]enghubungi|[Mm]erujuk|"
    r"[Ww]awancara dengan|[Ww]awancara|[Bb]erbicara dengan|[Mm]enukil|[Dd]inukil|[Bb]erdasarkan|"
    r"[Aa]ccording to|told|reported|reports|[Rr]eported by|[Cc]ited by|[Qq]uoted by|[Ss]een by|[Oo]btained by|[Rr]eviewed by|"
    r"confirmed to|[Ii]nterview with|[Ss]peaking to|[Ss]poke to|[Ss]tatement to|[Ee]mail to|[Ww]rites|[Ww]rote|"
    r"[Rr]eports? (?:by|in|from)|[Rr]eported in|[Vv]ia|[Pp]er|[Cc]ourtesy of|[Pp]ublished by|[Pp]ublished in|"
    r"[Ss]aid to|[Tt]old the|[Cc]ited|(?:[Dd]ari |[Mm]enurut )?[Dd]ata(?: perdagangan| pasar)?))(?![\w])"
)
_CUE_AFTER_WORD = re.compile(
    r" (?:news agency\s+|newspaper\s+|(?:on|pada) \w+\s+)?"
    r"(?:reported|reports|has reported|had reported|first reported|was first to report|quoted|cited|said in a report|"
    r"wrote|melaporkan|memberitakan|mengabarkan|menulis|menyebutkan dalam laporan|melansir)\b"
    # "Thomson Reuters reported higher revenue": a company reporting results is not a news report
    r"(?!\s+(?:(?:a|an|its|their)\s+)?(?:higher|lower|record|strong|stronger|weak|weaker|better|worse|quarterly|"
    r"annual|net|full-year|(?:first|second|third|fourth)-quarter|profits?|loss(?:es)?|revenues?|sales|earnings|"
    r"results|laba|rugi|pendapatan|kenaikan laba|penurunan laba)\b)"
)
# capitalised words that may touch an alias without being part of a longer proper name
_NAME_NEIGHBOURS_OK = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december jan feb mar apr jun jul aug sep sept oct nov dec
    senin selasa rabu kamis jumat jum'at sabtu minggu ahad januari februari maret mei juni juli agustus
    oktober desember the a an but and also earlier later meanwhile separately previously however yesterday
    today last on in kantor harian laporan menurut seperti sementara sebelumnya dilansir dikutip mengutip
    tv""".split()
)
_OTHER_ORG_NOUNS = frozenset(
    """philanthropies philanthropy foundation institute institution school university college academy
    lp l.p inc corp corporation company ltd plc holdings family stadium arena center centre award awards
    prize hall tower building museum hospital fund""".split()
)
_NEXT_WORD = re.compile(r" ([A-Z][\w'’-]*)")
_PREV_WORD = re.compile(r"([A-Z][\w'’-]*) $")


def _name_continues(text: str, end: int) -> bool:
    """``Bloomberg Philanthropies``, ``Reuters Institute``: the alias heads another organisation's name.

    Only organisation-type nouns count: ``Forbes Real Time Billionaire Index`` or ``Bloomberg Terminal``
    data are still the outlet's own material (a citation)."""
    nxt = _NEXT_WORD.match(text, end)
    return bool(nxt and nxt.group(1).casefold().strip("'’.,") in _OTHER_ORG_NOUNS)


def _name_precedes(text: str, start: int) -> bool:
    """``Michael Bloomberg``: a capitalised word right before the alias makes it another name."""
    prv = _PREV_WORD.search(text, max(0, start - 30), start)
    return bool(prv and prv.group(1).casefold() not in _NAME_NEIGHBOURS_OK)


_WS_RUN = re.compile(r"\s+")
_CREDIT_CUE = re.compile(
    r"^(?:[Ss]eperti |[Ss]ebagaimana )?(?:[Dd]ilansir|[Mm]elansir|[Dd]ikutip|[Mm]engutip|[Mm]enukil|[Dd]inukil)\b"
)
_PERSONISH_CUE = re.compile(
    r"^(?:[Kk]epada|[Mm]enurut|[Dd]ihubungi|[Mm]enghubungi|[Ww]awancara|told|[Tt]old|[Ss]umber)"
)
_SENT_START = re.compile(r"(?:^|[.!?]['\"”’)]?\s*,?\s*|[.!?]['\"”’]?\s+|^\s*[-–—]\s*)$")
_JOINER_AT = re.compile(r"\s*(?:,? dan|,? and|,? serta|,|/|&)\s*")
_CREDIT_UNKNOWN = re.compile(
    r"(?:[Dd]ilansir|[Mm]elansir|[Dd]ikutip|[Mm]engutip)(?: (?:dari|oleh))?\s+"
    rf"(?P<src>[A-Z][\w.&'-]*(?: [A-Z][\w.&'-]*){{0,3}}),\s+(?:{_HARI}|\d)"
)
_LINK_LOST = re.compile(
    r"(?:^|[.,]\s*)(?:[Dd]ilansir|[Mm]elansir|[Dd]ikutip|[Mm]engutip)(?: (?:dari|oleh))?\s*,\s*,?\s*(?:{_HARI}|\d)".replace(
        "{_HARI}", _HARI
    )
)
_MEDIA_NAMED = re.compile(
    r" (?:[Kk]epada|[Dd]ilansir|[Mm]elansir|[Dd]ikutip dari|[Dd]ikutip|[Mm]engutip|[Mm]enurut|[Bb]erdasarkan laporan|told|[Aa]ccording to|"
    r"reported by|cited by|quoted by)\s+(?:the |sebuah |an? )?(?:(?:surat kabar|harian|kantor berita|majalah|stasiun televisi|"
    r"newspaper|news agency|magazine|broadcaster|daily|tabloid|situs berita|portal berita)\s+)"
    r"(?P<name>[A-Z][\w.&'’-]*(?: [A-Z][\w.&'’-]*){0,3})"
)
_NATIONALITY = frozenset(
    """rusia china tiongkok jepang korea jerman prancis perancis inggris amerika as iran israel turki singapura
    malaysia australia ukraina vietnam india arab saudi qatar italia spanyol belanda thailand filipina
    russian chinese german french british american japanese korean iranian israeli turkish italian spanish
    indian saudi qatari ukrainian dutch thai state pemerintah""".split()
)
_UNKNOWN_START = re.compile(r"(?:^|(?<=[.!?]\s)|(?<=\.,)|(?<=\s,))\s*(?=[DdMm])")
_NOT_SOURCES = frozenset(
    "instagram twitter x facebook youtube tiktok linkedin threads whatsapp telegram google wikipedia "
    "reddit weibo kemenkes kemenkeu bps bi ojk".split()
)
_NAME_SPLIT = re.compile(r"\s*(?:;|,|\band\b|\bdan\b|&|\|)\s*")
_DESK_WORDS = frozenset(
    "service bureau desk staff team network newsroom agencies wires redaksi reporters correspondents".split()
)
_NAME_PLACE = re.compile(
    r"\s+(?:in|di|at)\s+(?:the\s+)?[A-Z][\w.'’-]*(?:(?:,\s*|\s+)(?!and\b|dan\b)[A-Z][\w.'’-]*)*"
)
_NAME_TAIL = re.compile(r"\s+(?:in|di|from|dari)\s+[A-Z].*$")
_NAME_OK = re.compile(r"^[A-Za-zÀ-ÿ][\w.'’ -]{1,60}$")


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


# --------------------------------------------------------------------------- head


def _dateline_outlet(acc: _Acc, out_tok: str, span: str) -> None:
    canonical = acc.pick(acc.table.resolve(out_tok))
    if canonical is None:  # domain-like token unknown to the table: a self-credit
        if not acc.outlet_known:
            acc.outlet, acc.outlet_known = out_tok, True
        acc.ev("outlet", out_tok, span)
        return
    acc.credit(canonical, span, slot_is_dateline=True)


def _paren_credit(acc: _Acc, credit: str, has_dash: bool, span: str) -> bool:
    """Handle ``(AGENCY)``; return False if the parenthesis is not a dateline credit."""
    parts = [p.strip() for p in re.split(r"\s*(?:/|,|&|\band\b|\bdan\b)\s*", credit) if p.strip()]
    resolved = [(p, acc.pick(acc.table.resolve(p))) for p in parts]
    known = [(p, c) for p, c in resolved if c]
    unknown = [p for p, c in resolved if not c]
    if known and unknown and any(len(u.split()) >= 2 and u[:1].isupper() for u in unknown):
        return False  # (REUTERS/Mike Blake): a photo credit
    if known:
        for _, canonical in known:
            acc.credit(canonical, span, slot_is_dateline=True)
        return True
    if (
        has_dash
        and len(parts) == 1
        and re.fullmatch(r"[A-Z][\w.& -]{1,30}", parts[0])
        and len(parts[0].split()) <= 3
    ):
        if not acc.outlet_known:
            acc.outlet, acc.outlet_known = parts[0], True
        acc.ev("outlet", parts[0], span)
        return True
    return False


def _try_dateline(line: str, acc: _Acc) -> int | None:
    """Match one line against D1–D13; on success record fields and return the dateline's end offset."""
    m = _TASS.match(line)
    if m and acc.pick(acc.table.resolve(m["credit"])):
        acc.place = m["pre"].split(",")[0].strip()
        acc.ev("dateline_place", acc.place, m.group(0))
        _paren_credit(acc, m["credit"], True, m.group(0))
        return m.end()
    m = _PAREN.match(line)
    if m:
        pre = m["pre"]
        pre_ok = pre is None or _looks_place(_BRACKETED.sub("", pre.split(",")[0]))
        if pre_ok and (m.end("credit") < 90) and _paren_credit(acc, m["credit"], bool(m["dash"]), m.group(0)):
            if pre:
                acc.place = _BRACKETED.sub("", pre.split(",")[0]).strip()
                acc.ev("dateline_place", acc.place, m.group(0))
            return m.end()
    m = _PIPE.match(line)
    if m and _looks_place(m["place"]):
        acc.place = m["place"].strip()
        acc.ev("dateline_place", acc.place, m.group(0))
        _dateline_outlet(acc, m["out"], m.group(0))
        return m.end()
    m = _TWO.match(line)
    if m:
        a, b = m["a"].strip(), m["b"].strip()
        if _outlet_like(b, acc) and _looks_place(a):
            acc.place = a
            acc.ev("dateline_place", a, m.group(0))
            _dateline_outlet(acc, b, m.group(0))
            return m.end()
        if _outlet_like(a, acc) and _looks_place(b):
            acc.place = b
            acc.ev("dateline_place", b, m.group(0))
            _dateline_outlet(acc, a, m.group(0))
            return m.end()
        if _looks_place(a) and (_DATEISH.match(b) or _looks_place(b)):
            acc.place = a
            acc.ev("dateline_place", a, m.group(0))
            return m.end()
    m = _D8_DOT.match(line)
    if m and _outlet_like(m["out"], acc) and _looks_place(m["place"]):
        acc.place = m["place"]
        acc.ev("dateline_place", acc.place, m.group(0))
        _dateline_outlet(acc, m["out"], m.group(0))
        return m.end()
    m = _D8_NODASH.match(line)
    if m and _outlet_like(m["out"], acc):
        acc.place = m["place"]
        acc.ev("dateline_place", acc.place, m.group(0))
        _dateline_outlet(acc, m["out"], m.group(0))
        return m.end()
    m = _ONE.match(line)
    if m:
        a = m["a"].strip()
        if _outlet_like(a, acc) and not _looks_place(a) or _DOMAINISH.match(a):
            _dateline_outlet(acc, a, m.group(0))
            return m.end()
        hit = acc.table.match_before(a, len(a))
        if hit and hit[1] > 0 and _looks_place(a[: hit[1]].strip()):
            acc.place = a[: hit[1]].strip()
            acc.ev("dateline_place", acc.place, m.group(0))
            _dateline_outlet(acc, a[hit[1] :], m.group(0))
            return m.end()
        alone = m.end() >= len(line.rstrip())
        if _looks_place(a) and (a.isupper() or alone or " " not in a) and not acc.table.resolve(a):
            acc.place = a
            acc.ev("dateline_place", a, m.group(0))
            return m.end()
    m = _COLON.match(line)
    if m and _looks_place(m["place"]):
        place = m["place"]
        if place.replace(".", "").replace(" ", "").replace("/", "").isupper() and len(place) > 2 or m["rest"]:
            if not acc.table.resolve(place):
                acc.place = place
                acc.ev("dateline_place", place, m.group(0))
                return m.end()
    return None


_NAME_TOKEN = r"(?:[A-Z][a-zà-ÿ'’-]+|[A-Z]{2,}|[A-Z]\.)"
_ONE_NAME = rf"{_NAME_TOKEN}(?: (?:{_NAME_TOKEN}|van|von|de|der|bin|binti)){{1,3}}"
_NAMES_LINE = re.compile(
    r"^(?:(?P<cue>Oleh|OLEH|Penulis|PENULIS|Laporan|Reporter|Pewarta|Wartawan|Words|Text)\s*:?\s+)?"
    rf"(?P<names>{_ONE_NAME}(?:\s*(?:/|,|&| and | dan )\s*{_ONE_NAME}){{0,3}})$"
)
_NOT_NAME_WORDS = frozenset(
    """the a an of in on for to and with at by from is are was new says after over as into why how what who
    live update updates breaking video photos watch read more news exclusive opinion analysis comment
    yang dan di ke dari untuk dengan pada ini itu baru""".split()
)


def _names_line(line: str, acc: _Acc) -> bool:
    """A line near the top that is only a byline's names: ``Mathatisi Sebusi/Mohalenyane Phakela``,
    ``MTHOBISI SITHOLE``, ``Oleh Budi Santoso``.  A single name needs a cue or capitals: a Title
    Case line of two or three words is as likely a short headline."""
    if len(line) > 80 or any(ch.isdigit() for ch in line):
        return False
    m = _NAMES_LINE.match(line)
    if m is None:
        return False
    names = [n.strip() for n in re.split(r"\s*(?:/|,|&| and | dan )\s*", m["names"]) if n.strip()]
    several = len(names) > 1
    capitals = m["names"].isupper()
    if not (m["cue"] or several or capitals):
        return False
    for n in names:
        if any(w.casefold().strip(".") in _NOT_NAME_WORDS for w in n.split()) or acc.table.resolve(n):
            return False
    for n in names:
        person = n.title() if n.isupper() else n
        _add(acc.reporters, person)
        acc.ev("reporters", person, line)
    return True


def _parse_head(lines: list[str], acc: _Acc) -> tuple[int, int]:
    """Find the dateline in the first 4 lines; return (line index, end offset) or (-1, 0)."""
    for i, line in enumerate(lines[:4]):
        if _names_line(line, acc):
            continue
        m = _LAPORAN.match(line)
        if m:
            acc.people("reporters", m["name"], line)
            continue
        m = _COURTESY.match(line)
        if m:
            _courtesy(acc, m["src"].strip(), line)
            continue
        m = _BYLINE.match(line)
        if m and len(line) < 120:
            cand = acc.pick(acc.table.resolve(re.sub(r"\s+(?:Staff|staff)$", "", m["names"])))
            if cand:
                acc.credit(cand, line)
            else:
                names = m["names"].rstrip(" .")
                hit = acc.table.match_before(names, len(names))
                if hit and hit[1] > 0 and names[: hit[1]].rstrip(" ,|-–—"):
                    org = acc.pick(hit[0])
                    if org and acc.table.kind(org) in ("agency", "press_release_wire"):
                        acc.credit(org, line)
                    names = names[: hit[1]].rstrip(" ,|-–—")
                acc.people("reporters", re.split(r",\s*(?=[A-Z][\w ]*(?:,|$))", names)[0], line)
            continue
        if line.startswith(("- ", "– ")):
            acc.flag("dateline_lost")
            return i, 2
        end = _try_dateline(line, acc)
        if end is not None:
            return i, end
    for i, line in enumerate(lines[4:8], start=4):  # only an explicit agency credit this deep
        if "(" not in line[:90] and "/" not in line[:60]:
            continue
        probe = _Acc(
            table=acc.table,
            selfs=acc.selfs,
            outlet=acc.outlet,
            outlet_known=True,
            url_host=acc.url_host,
            language=acc.language,
            taiwan_hint=acc.taiwan_hint,
        )
        end = _try_dateline(line, probe)
        if end is not None and probe.agencies:
            for canonical in probe.agencies:
                acc.credit(canonical, line[:end])
            if probe.place:
                acc.place = probe.place
                acc.ev("dateline_place", probe.place, line[:end])
            return i, end
    return -1, 0


# --------------------------------------------------------------------------- tail


def _source_value(acc: _Acc, rest: str, span: str) -> None:
    rest = rest.strip()
    if not rest or re.fullmatch(r"[\s,.;:]*", rest):
        acc.flag("source_link_lost")
        return
    org_part, _, initials = rest.partition("/")
    for org in re.split(r"\s*(?:,|;|&|\band\b|\bAND\b|\bdan\b|\bDAN\b)\s*", org_part):
        org = org.strip(" .")
        if not org:
            continue
        if re.search(r"\b(?:news )?agencies\b|\bwires?\b|kantor berita", org, re.IGNORECASE):
            acc.flag("wire_unnamed")
            continue
        canonical = acc.pick(acc.table.resolve(org))
        if canonical:
            acc.trailer_orgs.append(canonical)
            acc.credit(canonical, span)
    if initials:
        codes = re.findall(r"[A-Za-z]{1,5}", initials)
        for code in codes:
            agency = acc.pick(acc.table.resolve(code)) if len(code) >= 3 else None
            if agency and acc.table.kind(agency) == "agency":  # "Quelle: APA/sda/dpa": more agencies
                acc.trailer_orgs.append(agency)
                acc.credit(agency, span)
                continue
            _add(acc.staff, code)
            acc.ev("staff_initials", code, span)


def _role_line(seg: str, acc: _Acc) -> bool:
    """``Pewarta: A Editor: B``, ``Rep: A Red: B``, ``Reporter: X, Sumber: Y``; True when handled."""
    if not _ROLE_LABEL.match(seg.lstrip("(|, ")):
        return False
    labels = list(_ROLE_LABEL.finditer(seg))
    if not labels or labels[0].start() > 2:
        return False
    for k, m in enumerate(labels):
        end = labels[k + 1].start() if k + 1 < len(labels) else len(seg)
        value = seg[m.end() : end].strip(" ,;|/")
        role = _ROLE_OF.get(m["label"].casefold(), "")
        if role == "source":
            _source_value(acc, value, seg)
        elif role == "both":
            acc.people("reporters", value, seg)
            acc.people("editors", value, seg)
        elif role:
            if role == "reporters":
                value = re.sub(r"^(?:Kontributor|Koresponden)\s+[A-Z][\w]*(?: [A-Z][\w]*)?,\s*", "", value)
            acc.people(role, value, seg)
    return True


_PERSON_NAME = re.compile(
    r"^(?!(?:The|El|La|Le|Les|Der|Die|Das|Al)\b)[A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+){1,3}$"
)
_NEWS_WORD = (
    r"(?:News|Times|Post|Journal|Herald|Tribune|Gazette|Telegraph|Guardian|Observer|Chronicle|Magazine|Mail|"
    r"Express|Mirror|Standard|Independent|Daily|Weekly|Radio|TV|Television|Broadcasting|Press|Star|Sun|"
    r"Today|Insider|Dispatch|Courier|Bulletin|Examiner|Inquirer|Monitor|Register|Sentinel|Enquirer|Globe|Live|"
    r"Wire|Economista|Financiero|Zeitung|Nieuws|Nyheter|Shimbun|Ilbo)"
)
_NEWSISH = re.compile(rf"\b{_NEWS_WORD}\b")


def _credit_list(acc: _Acc, raw: str, span: str, *, people: bool = False) -> None:
    """Credit every table organisation in ``A, B and C``; unnamed wires (``agencies``) only flag.

    With ``people`` (``With files from The Canadian Press and Jane Doe``), a personal name is a
    reporter and another name is credited as written (a credit slot names a source, rule A)."""
    for org in re.split(r"\s*(?:,|;|&|/|\band\b|\bdan\b)\s*", raw):
        org = org.strip(" .")
        if not org:
            continue
        if re.fullmatch(
            r"(?:(?:news |other )?(?:agencies|wires?|wire services)|staff|our correspondents?)",
            org,
            re.IGNORECASE,
        ):
            acc.flag("wire_unnamed")
            continue
        canonical = acc.pick(acc.table.resolve(org))
        if canonical:
            acc.credit(canonical, span)
        elif people and _PERSON_NAME.match(org) and not _NEWSISH.search(org):
            _add(acc.reporters, org)
            acc.ev("reporters", org, span)
        elif people and len(org.split()) <= 5 and org[:1].isupper():
            _add(acc.agencies, org)
            acc.ev("agencies", org, span)


def _courtesy(acc: _Acc, src: str, span: str) -> None:
    """``Courtesy of X``, ``First published in X``, ``This article is republished from X``."""
    cand = acc.pick(acc.table.resolve(src)) or acc.pick(acc.table.resolve(src.split()[0]))
    if cand:
        acc.credit(cand, span)
    elif len(src.split()) <= 5 and src.casefold() not in {s.casefold() for s in acc.selfs}:
        _add(acc.agencies, src)
        acc.ev("agencies", src, span)


def _tail_segment(seg: str, acc: _Acc, *, last: bool) -> None:
    if _role_line(seg, acc):
        return
    m = _SOURCE_LINE.match(seg)
    if m:
        _source_value(acc, m["rest"], seg)
        return
    m = _DW_CODES.match(seg)
    if m:
        for code in m["codes"].split("/"):
            _add(acc.staff, code)
            acc.ev("staff_initials", code, seg)
        _source_value(acc, m["orgs"], seg)
        return
    low = seg.casefold()
    translated = "adapt" in low or "terjemah" in low or "translat" in low or "alihbahasa" in low
    for m in _ADAPTED.finditer(seg) if translated else ():
        acc.people("translators", m["names"], seg)
    m = _TRANSLATED_FROM.search(seg) if translated else None
    if m:
        src = acc.pick(acc.table.resolve(m["src"])) or m["src"]
        acc.translated_from = src
        acc.ev("translated_from", src, seg)
    roles = (
        list(_REUTERS_ROLE.finditer(seg))
        if (" by " in seg or " from " in seg) and _ROLE_HINT.search(seg)
        else []
    )
    if roles:
        for rm in roles:
            role = "editors" if rm["role"] in ("Editing", "Edited") else "reporters"
            if rm["role"] in ("Graphics", "Fact-checked"):
                continue
            acc.people(role, rm["names"], seg)
        if any(rm["role"] in ("Editing", "Edited") for rm in roles) and ";" in seg:
            cand = acc.pick(acc.table.resolve("Reuters"))
            if cand:
                acc.credit(cand, seg)
        return
    m = _CONTRIBUTING.match(seg)
    if m:
        acc.people("reporters", re.sub(r",\s*(?:[A-Z]{2,}[\w ]*|The [A-Z][\w ]*)$", "", m["names"]), seg)
        return
    m = (
        _WITH_FILES.match(seg)
        if ("iles" in seg or "eport" in seg) and seg.lstrip("(-–— ")[:4].casefold() == "with"
        else None
    )
    if m:
        _credit_list(acc, m["names"], seg, people=True)
        return
    m = _COURTESY.match(seg) if "ublished" in seg or "ppeared" in seg or "ourtesy" in seg else None
    if m:
        _courtesy(acc, m["src"].strip(), seg)
        return
    m = _ASSIST.match(seg) if "ssistance" in seg or "nputs" in seg else None
    if m:
        if m["kind"].casefold().startswith("assist"):
            acc.people("reporters", m["names"], seg)
        else:
            _credit_list(acc, m["names"], seg)
        return
    m = _CONTRIB.match(seg) if "contributed" in seg else None
    if m and acc.pick(acc.table.resolve(m["pre"])):  # an organisation contributed: a trailer credit
        _credit_list(acc, m["pre"], seg)
        return
    if m:
        pre = m["pre"]
        om = _CONTRIB_ORG.match(pre)
        if om:
            org = om["org"] or om["org2"]
            canonical = acc.pick(acc.table.resolve(org)) if org else None
            if canonical:
                acc.credit(canonical, seg)
            pre = pre[om.end() :]
        acc.people("reporters", pre, seg)
        return
    m = _TAYANG.search(seg) if "Artikel ini" in seg else None
    if m:
        src = m["src"].strip(" ,.")
        canonical = acc.pick(acc.table.resolve(src)) if src else None
        if canonical:
            acc.credit(canonical, seg)
        elif not src:
            acc.flag("source_link_lost")
        return
    m = _INFO_CAME.search(seg) if "nformation for this" in seg else None
    if m:
        for org in re.split(r"\s*(?:,|\band\b)\s*", m["orgs"]):
            canonical = acc.pick(acc.table.resolve(org))
            if canonical:
                acc.credit(canonical, seg)
        return
    m = _SOURCE_TAG.search(seg) if seg.startswith("[") or "(via " in seg else None
    if m:
        canonical = acc.pick(acc.table.resolve(m["a"] or m["b"]))
        if canonical:
            acc.credit(canonical, seg)
            return
    if ("wire" in low or "agenc" in low or "adapted" in low) and _UNNAMED_WIRE.search(seg):
        acc.flag("wire_unnamed")
    if "©" in seg or "Copyright" in seg or "(c)" in seg or "Hak Cipta" in seg or "Hak cipta" in seg:
        m = _COPYRIGHT.search(seg)
        if m:
            canonical = acc.pick(acc.table.resolve(m["org"]))
            if canonical:
                acc.credit(canonical, seg)
                return
    if last:
        _end_signoff(seg, acc)


def _end_signoff(seg: str, acc: _Acc) -> None:
    """Staff codes ``(abc/def)``, ``(ant)``, bare ``— AFP`` / ``PTI ABC`` / ``ANTARA`` at the very end."""
    if "Enditem" in seg:
        seg = _ENDITEM.sub("", seg)
    bare = _AGENCY_CODES_LINE.match(seg)
    if bare and acc.table.kind(acc.pick(acc.table.resolve(bare["org"])) or "") == "agency":
        seg = f"({seg.strip()})"  # "SDA/sep" on a line of its own, as "(SDA/sep)"
    m = _MIT_AGENCY.match(seg)
    if m:
        _credit_list(acc, m["orgs"], seg)  # German "mit dpa", "Mit Material von AFP und dpa"
        return
    seg = seg.rstrip()[-160:]
    m = _STAFF_TAIL.search(seg)
    if m:
        codes = [c.strip() for c in m["codes"].split("/")]
        is_codes = len(codes) > 1 or codes[0].islower() or "-" in codes[0]
        single_org = acc.pick(acc.table.resolve(codes[0])) if len(codes) == 1 else None
        if is_codes or single_org:
            for n, code in enumerate(codes):
                canonical = acc.pick(acc.table.resolve(code))
                if canonical and acc.table.kind(canonical) == "agency":
                    acc.credit(canonical, m.group(0))
                    continue
                low = code.casefold()
                if low in _SITE_CODES or (n == 0 and low == "kpl") or low in _NON_PERSON:
                    continue
                if n == len(codes) - 1 and acc.table.resolve(code):  # (abc/jpnn): the site
                    continue
                _add(acc.staff, code)
                acc.ev("staff_initials", code, m.group(0))
            return
    m = _SIGNOFF.search(seg)
    if m:
        org = m["org"]
        canonical = acc.pick(acc.table.resolve(org))
        if canonical and acc.table.kind(canonical) in ("agency", "press_release_wire"):
            before = seg[: m.start("org")].rstrip()
            glued = m.start("org") == 0 or before.endswith(("-", "–", "—")) or before[-1:] in '.!?"”’)'
            if glued:
                acc.credit(canonical, m.group(0))
                for code in (m["codes"] or "").split():
                    _add(acc.staff, code)
                    acc.ev("staff_initials", code, m.group(0))
                return
    if acc.language == "id" and _CAPS_SIGNOFF.match(seg) and not acc.table.resolve(seg):
        for name in re.split(r"\s*\|\s*", seg):
            org = acc.pick(acc.table.resolve(name))
            if org is None:
                _add(acc.reporters, name)
                acc.ev("reporters", name, seg)
            elif acc.table.kind(org) in ("agency", "press_release_wire"):
                acc.credit(org, seg)


def _is_credit_line(seg: str) -> bool:
    """A trailer line that follows the body's last paragraph (role labels, bare codes, ©, Source:)."""
    head = seg.lstrip("(|, ")
    return bool(
        _ROLE_LABEL.match(head)
        or _BARE_CODES.match(seg)
        or _SOURCE_LINE.match(seg)
        or _DW_CODES.match(seg)
        or seg.startswith(("©", "Copyright", "(c)", "Hak Cipta", "Diadaptasi", "Artikel ini"))
    )


def _parse_tail(segments: list[str], acc: _Acc) -> None:
    end_body = len(segments) - 1  # the last body segment: sign-offs glued to it count too
    while end_body > 0 and _is_credit_line(segments[end_body]):
        end_body -= 1
    for k, seg in enumerate(segments):
        m = _PAREN_BY.match(seg)
        if m:
            acc.people("reporters", m["names"], seg)
            continue
        m = _BARE_CODES.match(seg)
        if m and k > 0:  # "--IANS" / "sr/dpb": desk codes on a line of their own
            for code in m.group(0).split("/"):
                _add(acc.staff, code)
                acc.ev("staff_initials", code, seg)
            continue
        _tail_segment(seg, acc, last=k in (len(segments) - 1, end_body))


# --------------------------------------------------------------------------- body


def _record(acc: _Acc, slot: str, canonicals: tuple[str, ...], para: str, start: int, end: int) -> None:
    canonical = acc.pick(canonicals)
    if canonical is None:
        return
    span = para[max(0, start - 40) : end + 20]
    if slot == "credit":
        acc.credit(canonical, span)
    else:
        acc.cite(canonical, span)


def _cued_names(masked: str, para: str, index: int, acc: _Acc) -> None:
    """Aliases right after a citation cue (``dilansir X``, ``according to X``) and their list mates."""
    table = acc.table
    for cm in _CUE_WORD.finditer(masked):
        cue = cm.group(0)[1:]
        pos = cm.end()
        hit = None
        for _ in range(5):  # up to 4 filler tokens between the cue and the name
            ws = _WS_RUN.match(masked, pos)
            if not ws:
                break
            pos = ws.end()
            hit = table.match_at(masked, pos)
            if hit and acc.pick(hit[0]) in acc.selfs and acc.table.kind(acc.pick(hit[0]) or "") != "agency":
                pos, hit = hit[1], None  # "Dikutip detikNews dari Antara": the same-group hop is skipped
                continue
            if hit:
                break
            tok = _TOKEN.match(masked, pos)
            if not tok or not _FILLER_TOKEN.fullmatch(tok.group(0)):
                break
            pos = tok.end()
        if not hit:
            if _ENGLISH_CUE.match(cue) and (um := _UNKNOWN_AFTER_CUE.match(masked, cm.end())):
                _cite_unknown(
                    acc, um["name"] or um["named"], masked[cm.start() : um.end()], named=bool(um["named"])
                )
            continue
        canonicals, end = hit
        if len(masked[pos:end]) <= 2 and _PERSONISH_CUE.match(cue):
            continue  # "kepada AP": Indonesian initials, not the agency
        if _name_continues(masked, end):
            continue  # "menurut Bloomberg Philanthropies"
        sentence_initial = bool(_SENT_START.search(masked[max(0, cm.start() - 4) : cm.start()]))
        slot = "credit" if sentence_initial and _CREDIT_CUE.match(cue) and index <= 2 else "cite"
        _record(acc, slot, canonicals, para, pos, end)
        while True:  # "Dilansir AFP, BBC, dan CNN"
            jm = _JOINER_AT.match(masked, end)
            if not jm or jm.end() == end:
                break
            nxt = table.match_at(masked, jm.end())
            if not nxt:
                break
            _record(acc, slot, nxt[0], para, jm.end(), nxt[1])
            end = nxt[1]


# after an English citation cue found by _cued_names ("told", "according to", "wrote in", ...)
_UNKNOWN_AFTER_CUE = re.compile(
    rf"\s+(?:in\s+|for\s+)?(?:the\s+|The\s+)?(?:(?P<name>(?:[A-Z][\w&'’.-]*\s+){{1,3}}{_NEWS_WORD})(?![\w'’]|\s+of\b)"
    # "told People magazine", "according to the Asahi newspaper": the noun after the name says what it is
    r"|(?P<named>[A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*){0,3})\s+(?:magazine|newspaper|news agency|daily|tabloid|"
    r"broadcaster|news site|news outlet|news website|TV station|radio station)\b)"
)
# words that make a name a university, a court, a ministry... whatever else it contains
_NOT_NEWS_ORG = frozenset(
    """university universitas institute institut foundation association council department ministry
    kementerian agency court police party bank society academy college school hospital commission
    office board authority""".split()
)
_ENGLISH_CUE = re.compile(
    r"(?:[Aa]ccording to|told|[Tt]old the|[Ss]peaking to|[Ss]poke to|[Ii]nterview with|[Rr]eported by|[Cc]ited by|"
    r"[Qq]uoted by|[Ww]rote|[Ww]rites|[Pp]ublished (?:in|by)|[Ss]tatement to|[Ee]mail to|[Rr]eported in)$"
)
_UNKNOWN_BEFORE = re.compile(rf"(?P<name>(?:[A-Z][\w&'’.-]*\s+){{1,3}}{_NEWS_WORD})\s*$")
_LEADING_NOT_NAME = frozenset("in on at by and but when as while after before if so then also".split())


def _cite_unknown(acc: _Acc, name: str, span: str, *, named: bool = False) -> None:
    """A news organisation missing from the table, named with a news word (``Philadelphia Magazine``,
    ``Kyiv Post``) or followed by one (``People magazine``) right after a citation cue or right
    before ``reported``: cited as written."""
    words = name.split()
    while words and (words[0].casefold() in _NAME_NEIGHBOURS_OK or words[0].casefold() in _LEADING_NOT_NAME):
        words.pop(0)
    if len(words) < (1 if named else 2) or any(w.casefold().strip(".,") in _NOT_NEWS_ORG for w in words):
        return
    name = " ".join(words)
    if acc.table.resolve(name) or name.casefold() in _NOT_SOURCES:
        return
    if acc.outlet and name.casefold() == acc.outlet.casefold():
        return
    acc.cite(name, span)


def _parse_body(paragraphs: list[tuple[int, str]], acc: _Acc) -> None:
    table = acc.table
    for index, para in paragraphs:
        masked = " " + _mask(para, _QUOTE_SPANS)
        para = " " + para
        if ("ilansir" in masked or "ikutip" in masked or "engutip" in masked) and _LINK_LOST.search(masked):
            acc.flag("source_link_lost")
        # cues need a table organisation or a news-like name to cite: most paragraphs have neither
        if table.may_name(masked) or _NEWSISH.search(masked):
            _cued_names(masked, para, index, acc)
            for am in _CUE_AFTER_WORD.finditer(masked):  # "X reported", "The Wall Street Journal reported"
                hit = table.match_before(masked, am.start())
                if hit and _name_precedes(masked, hit[1]):
                    continue  # "Michael Bloomberg reported"
                if hit:
                    _record(acc, "cite", hit[0], para, hit[1], am.start())
                elif um := _UNKNOWN_BEFORE.search(masked, max(0, am.start() - 60), am.start()):
                    _cite_unknown(acc, um["name"], masked[um.start() : am.end()])
        for nm in _MEDIA_NAMED.finditer(masked):
            words = nm["name"].split()
            while words and words[0].casefold() in _NATIONALITY:
                words.pop(0)
            name = " ".join(words).rstrip(".")
            if not name or acc.table.resolve(name) or name.casefold() in _NOT_SOURCES:
                continue
            if (
                nm.group(0)[1:2] in "DdMm"
                and _SENT_START.search(masked[max(0, nm.start() - 4) : nm.start()])
                and index <= 2
            ):
                _add(acc.agencies, name)
                acc.ev("agencies", name, nm.group(0))
            else:
                acc.cite(name, nm.group(0))
        if index <= 2:
            for um in _UNKNOWN_START.finditer(masked):
                cm = _CREDIT_UNKNOWN.match(masked, um.end())
                if not cm:
                    continue
                src = cm["src"].strip(".")
                if not src or acc.table.resolve(src) or src.casefold() in _NOT_SOURCES:
                    continue
                if src.casefold() in {s.casefold() for s in acc.selfs} or (
                    acc.outlet and src.casefold() == acc.outlet.casefold()
                ):
                    continue
                _add(acc.agencies, src)
                acc.ev("agencies", src, cm.group(0))


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
