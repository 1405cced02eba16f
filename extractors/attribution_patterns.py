"""Regular expressions and word lists of the attribution parser (compiled once at import)."""

from __future__ import annotations

import re

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
# last words of a desk, a wire or a company, not a person ("Express News Service", "ET Bureau",
# "MM-Redaktion", "Nikkei Inc"), in the languages of the sources seen so far (credits.py uses it too)
DESK_WORDS = frozenset(
    """service bureau desk staff team network newsroom agencies wires redaksi reporters correspondents
    correspondent corrispondente redaktion agenturen nachrichten online news inc ltd llc plc gmbh corp
    corporation""".split()
)
_DESK_WORDS = DESK_WORDS
_NAME_PLACE = re.compile(
    r"\s+(?:in|di|at)\s+(?:the\s+)?[A-Z][\w.'’-]*(?:(?:,\s*|\s+)(?!and\b|dan\b)[A-Z][\w.'’-]*)*"
)
_NAME_TAIL = re.compile(r"\s+(?:in|di|from|dari)\s+[A-Z].*$")
_NAME_OK = re.compile(r"^[A-Za-zÀ-ÿ][\w.'’ -]{1,60}$")

# head: a byline that is only names
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

# tail: people and news-like names in credits
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

# body: news organisations missing from the table
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
