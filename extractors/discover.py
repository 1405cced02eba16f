"""Discover: feed / sitemap bytes → ``Discovery`` (article URLs, child sitemaps, or a readable error).

Pure: no network, no clock.  ``parse_document`` recognises the document by its root element:

    <rss>, <rdf:RDF>      RSS 2.0 / 0.9x / 1.0      → kind "rss",          refs via "feed"
    <feed>                Atom 1.0                  → kind "atom",         refs via "feed"
    <urlset>              XML sitemap               → kind "sitemap",      refs via "sitemap"
                          … entries with <news:news> (Google News)        refs via "news_sitemap"
    <sitemapindex>        sitemap index             → kind "sitemapindex", child_sitemaps

It never raises on bad input: an empty body, HTML, malformed XML, a gzip bomb or an XML document
declaring entities (billion laughs, XXE) comes back as ``Discovery(kind="unknown", error=...)``.
Parsing goes through ``defusedxml`` (expat): entity declarations are refused, external DTDs and
entities are never loaded.  Gzip bodies (``.xml.gz``) are decompressed up to ``MAX_XML_BYTES``.

Lenience for sloppy real-world feeds: a BOM or whitespace before ``<?xml`` is skipped; when the
first parse fails, one repaired copy is tried (bare ``&`` escaped, HTML named entities such as
``&nbsp;`` turned into character references, undeclared namespace prefixes such as ``news:``
declared on the root); the error reported is the one from the original document.

Dates (``ArticleRef.published``): RSS ``pubDate`` (RFC 822, also ISO 8601), ``dc:date``, Atom
``published``/``updated``, sitemap ``lastmod`` (for plain sitemaps this is a *modification*
date, the best they offer) and ``news:publication_date`` become timezone-aware datetimes.
A value without a UTC offset (or a bare date) is *not* guessed: it is localised to
``default_timezone`` (an IANA name, e.g. the source's timezone) when one is given, else None.
``-0000``, ``GMT``, ``UT``, ``Z`` mean UTC; ``WIB``/``WITA``/``WIT`` (Indonesia) and ``SGT`` are known.

URLs are resolved against ``document_url`` (and Atom ``xml:base``); non-http(s) links are
skipped; duplicates within one document (same ``canonicalize_url``) are kept once, first
occurrence wins.  ``ArticleRef.url`` is the resolved URL without its fragment, *not*
canonicalised (tracking parameters are still there): canonicalise before de-duplicating across
documents.
"""

from __future__ import annotations

import html
import re
import zlib
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_tz
from html.entities import name2codepoint
from urllib.parse import urldefrag, urljoin
from xml.etree.ElementTree import Element, ParseError
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import fromstring as _defused_fromstring

from extractors.urls import canonicalize_url, is_http_url
from records.models import ArticleRef, DiscoveredVia, Discovery, DocumentKind

MAX_XML_BYTES = 50 * 1024 * 1024  # sitemap protocol limit (uncompressed); also the gzip cap

_XML_NS = "{http://www.w3.org/XML/1998/namespace}"
_GZIP_MAGIC = b"\x1f\x8b"
_UTF8_BOM = b"\xef\xbb\xbf"

# well-known namespace prefixes that sloppy feeds use without declaring them
_KNOWN_PREFIXES: dict[str, str] = {
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
    "image": "http://www.google.com/schemas/sitemap-image/1.1",
    "video": "http://www.google.com/schemas/sitemap-video/1.1",
    "xhtml": "http://www.w3.org/1999/xhtml",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "atom": "http://www.w3.org/2005/Atom",
    "media": "http://search.yahoo.com/mrss/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "feedburner": "http://rssnamespace.org/feedburner/ext/1.0",
    "slash": "http://purl.org/rss/1.0/modules/slash/",
    "sy": "http://purl.org/rss/1.0/modules/syndication/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
}

_HTML_START = re.compile(
    rb"^(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html\b|html\b|head\b|body\b)",
    re.I | re.S,
)
_HTML_TAG = re.compile(rb"<(?:html|head|body)\b", re.I)
_XML_DECL = re.compile(r"^<\?xml[^>]*\?>")
_XML_DECL_ENCODING = re.compile(r"""(\bencoding\s*=\s*)(["'])[^"']*\2""")
_BARE_AMP = re.compile(rb"&(?!(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);)")
_NAMED_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]*);")
_USED_PREFIX = re.compile(rb"<\/?([A-Za-z_][\w.-]*):[A-Za-z_]|\s([A-Za-z_][\w.-]*):[A-Za-z_][\w.-]*\s*=")
_DECLARED_PREFIX = re.compile(rb"xmlns:([A-Za-z_][\w.-]*)\s*=")
_ROOT_TAG = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_TAGS = re.compile(r"<[^>]+>")
_WS = re.compile(r"\s+")


# --------------------------------------------------------------------------- public API


def parse_document(
    body: bytes | str,
    *,
    document_url: str,
    source_id: str | None = None,
    default_timezone: str | None = None,
) -> Discovery:
    """Parse one feed or sitemap document. Never raises: problems come back in ``Discovery.error``."""
    data, problem = _prepare(body)
    if problem is not None:
        return Discovery(document_url=document_url, kind="unknown", error=problem)
    root, problem = _parse_xml(data)
    if root is None:
        if problem.startswith("malformed") and _HTML_TAG.search(data[:4096]):
            problem = "HTML page, not a feed or sitemap"
        return Discovery(document_url=document_url, kind="unknown", error=problem)
    ctx = _Context(document_url=document_url, source_id=source_id, tz=_zone(default_timezone))
    name = _local(root.tag)
    if name == "rss" or name == "RDF":
        return _discovery(ctx, "rss", _rss_refs(root, ctx))
    if name == "feed":
        return _discovery(ctx, "atom", _atom_refs(root, ctx))
    if name == "urlset":
        return _discovery(ctx, "sitemap", _urlset_refs(root, ctx))
    if name == "sitemapindex":
        children = _children(root, ctx)
        return Discovery(
            document_url=document_url,
            kind="sitemapindex",
            child_sitemaps=tuple(url for url, _ in children),
            child_lastmod=tuple((url, lastmod) for url, lastmod in children if lastmod is not None),
        )
    if name == "channel":  # a bare <channel> with items (seen on old feeds)
        return _discovery(ctx, "rss", _rss_refs(root, ctx))
    if name == "html":  # well-formed XHTML
        return Discovery(document_url=document_url, kind="unknown", error="HTML page, not a feed or sitemap")
    return Discovery(
        document_url=document_url,
        kind="unknown",
        error=f"not a feed or sitemap: root element <{name}>",
    )


def parse_url_list(text: str, *, source: str = "urls-file") -> tuple[ArticleRef, ...]:
    """One URL per line; blank lines and ``#`` comment lines ignored; non-http(s) lines skipped.

    Only the first whitespace-separated token of a line is used (so ``URL  # note`` works).
    Duplicates (same canonical URL) are kept once.
    """
    refs: list[ArticleRef] = []
    seen: set[str] = set()
    for line in text.lstrip("\ufeff").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        url = line.split()[0]
        if not is_http_url(url):
            continue
        key = canonicalize_url(url)
        if key in seen:
            continue
        seen.add(key)
        refs.append(ArticleRef(url=url, discovered_via="url", discovered_from=source))
    return tuple(refs)


def parse_feed_datetime(value: str | None, *, default_timezone: str | None = None) -> datetime | None:
    """An RFC 822 or ISO 8601 / W3C date-time → aware datetime; naive values need ``default_timezone``."""
    return _parse_datetime(value, _zone(default_timezone))


# --------------------------------------------------------------------------- bytes → Element


def _prepare(body: bytes | str) -> tuple[bytes, str | None]:
    """Decompress, strip what precedes ``<?xml``, refuse empty/HTML/oversized bodies."""
    if isinstance(body, str):
        text = body.lstrip("\ufeff \t\r\n")
        if not text:
            return b"", "empty document"
        # the str is already decoded: make the declaration agree with the bytes we hand to expat
        decl = _XML_DECL.match(text)
        if decl:
            text = _XML_DECL_ENCODING.sub(r"\1\2utf-8\2", decl.group(0), count=1) + text[decl.end() :]
        data = text.encode("utf-8", "surrogatepass")
    else:
        data = bytes(body)
        if data.startswith(_GZIP_MAGIC):
            data, problem = _gunzip(data)
            if problem is not None:
                return b"", problem
        if not _is_utf16(data):
            data = data.lstrip(b" \t\r\n")
            while data.startswith(_UTF8_BOM):
                data = data[len(_UTF8_BOM) :].lstrip(b" \t\r\n")
        if not data.strip(b" \t\r\n\x00"):
            return b"", "empty document"
    if len(data) > MAX_XML_BYTES:
        return b"", f"document too large: {len(data)} bytes (limit {MAX_XML_BYTES})"
    if _HTML_START.match(data[:4096]):
        return b"", "HTML page, not a feed or sitemap"
    return data, None


def _gunzip(data: bytes) -> tuple[bytes, str | None]:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, MAX_XML_BYTES + 1)
    except zlib.error as exc:
        return b"", f"corrupt gzip data: {exc}"
    if len(out) > MAX_XML_BYTES or inflater.unconsumed_tail:
        return b"", f"gzip document larger than {MAX_XML_BYTES} bytes uncompressed"
    if not inflater.eof:
        return b"", "truncated gzip data"
    return out, None


def _is_utf16(data: bytes) -> bool:
    return data[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(data) > 1 and b"\x00" in data[:2])


def _parse_xml(data: bytes) -> tuple[Element | None, str]:
    root, problem, retry = _fromstring(data)
    if root is not None or not retry:
        return root, problem
    repaired = None if _is_utf16(data) else _repair(data)
    if repaired is not None:
        root2, problem2, _ = _fromstring(repaired)
        if root2 is not None:
            return root2, ""
        if problem2.startswith("refused"):
            return None, problem2
    return None, problem


def _fromstring(data: bytes) -> tuple[Element | None, str, bool]:
    """(root, error, worth_repairing)."""
    try:
        root = _defused_fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except EntitiesForbidden as exc:
        return None, f"refused: XML entity declarations are not allowed (entity {exc.name!r})", False
    except ExternalReferenceForbidden as exc:
        return None, f"refused: external XML reference {exc.sysid!r}", False
    except DTDForbidden:
        return None, "refused: XML document type declarations are not allowed", False
    except DefusedXmlException as exc:
        return None, f"refused: unsafe XML ({type(exc).__name__})", False
    except ParseError as exc:
        return None, _describe_parse_error(exc), True
    except (ValueError, LookupError, RecursionError, MemoryError) as exc:  # bad encoding names, depth …
        return None, f"malformed XML: {type(exc).__name__}: {exc}", False
    return root, "", False


def _describe_parse_error(exc: ParseError) -> str:
    what = str(exc).split(":", 1)[0].strip() or "syntax error"
    position = getattr(exc, "position", None)
    if position:
        line, column = position
        return f"malformed XML: {what} at line {line}, column {column + 1}"
    return f"malformed XML: {what}"


def _repair(data: bytes) -> bytes | None:
    """One lenient rewrite for common feed sloppiness; None when there is nothing to repair."""

    def entity(m: re.Match[bytes]) -> bytes:
        name = m.group(1).decode("ascii")
        if name in ("amp", "lt", "gt", "quot", "apos"):
            return m.group(0)
        if name in name2codepoint:
            return b"&#%d;" % name2codepoint[name]
        return b"&amp;" + m.group(1) + b";"

    fixed = _BARE_AMP.sub(b"&amp;", data)
    fixed = _NAMED_ENTITY.sub(entity, fixed)
    fixed = _declare_prefixes(fixed)
    return fixed if fixed != data else None


def _declare_prefixes(data: bytes) -> bytes:
    used = {a or b for a, b in _USED_PREFIX.findall(data)}
    declared = set(_DECLARED_PREFIX.findall(data))
    missing = sorted(p for p in used - declared if p.lower() not in (b"xml", b"xmlns"))
    if not missing:
        return data
    pos = 0
    while True:  # the root start tag: the first '<' not opening a declaration/comment/PI
        m = _ROOT_TAG.search(data, pos)
        if m is None:
            return data
        if data[m.start() + 1 : m.start() + 2] not in (b"?", b"!"):
            break
        pos = m.end()
    decls = b"".join(
        b' xmlns:%s="%s"'
        % (p, _KNOWN_PREFIXES.get(p.decode("ascii"), "urn:kabar:undeclared:" + p.decode("ascii")).encode())
        for p in missing
    )
    return data[: m.end()] + decls + data[m.end() :]


# --------------------------------------------------------------------------- Element → refs


class _Context:
    __slots__ = ("document_url", "source_id", "tz", "seen", "skipped_links")

    def __init__(self, *, document_url: str, source_id: str | None, tz: ZoneInfo | None) -> None:
        self.document_url = document_url
        self.source_id = source_id
        self.tz = tz
        self.seen: set[str] = set()
        self.skipped_links = 0  # links that are not http(s) URLs (javascript:, data:, ftp:, mailto:, invalid)

    def ref(
        self,
        href: str | None,
        base: str,
        via: DiscoveredVia,
        *,
        title: str | None = None,
        published: datetime | None = None,
        language: str | None = None,
    ) -> ArticleRef | None:
        url = _resolve(href, base)
        if url is None:
            if href and href.strip():
                self.skipped_links += 1
            return None
        key = canonicalize_url(url)
        if key in self.seen:
            return None
        self.seen.add(key)
        return ArticleRef(
            url=url,
            discovered_via=via,
            discovered_from=self.document_url,
            source_id=self.source_id,
            title=title or None,
            published=published,
            language=language or None,
        )


def _discovery(ctx: _Context, kind: DocumentKind, refs: Iterable[ArticleRef | None]) -> Discovery:
    found = tuple(r for r in refs if r is not None)  # the generator counts skipped links as it goes
    return Discovery(document_url=ctx.document_url, kind=kind, refs=found, skipped_links=ctx.skipped_links)


def _rss_refs(root: Element, ctx: _Context) -> Iterator[ArticleRef | None]:
    channel = _first(root, "channel")
    channel_lang = _lang(_text(_first(channel, "language")) if channel is not None else None)
    for item in root.iter():
        if _local(item.tag) != "item":
            continue
        href = _rss_link(item)
        title = _clean_title(_text(_first(item, "title")))
        published = _first_date(item, ("pubDate", "date", "published", "issued", "updated", "modified"), ctx)
        language = _lang(_text(_first(item, "language"))) or channel_lang
        yield ctx.ref(href, ctx.document_url, "feed", title=title, published=published, language=language)


def _rss_link(item: Element) -> str | None:
    orig = _text(_first(item, "origLink"))  # feedburner: the real link behind the redirect
    if orig:
        return orig
    for child in item:
        if _local(child.tag) == "link":
            if child.get("href"):  # atom:link inside an RSS item
                if child.get("rel", "alternate") == "alternate":
                    return child.get("href")
                continue
            if _text(child):
                return _text(child)
    guid = _first(item, "guid")
    if guid is not None and guid.get("isPermaLink", "true").strip().lower() != "false":
        text = _text(guid)
        if text and is_http_url(text):
            return text
    about = item.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
    return about or None


def _atom_refs(root: Element, ctx: _Context) -> Iterator[ArticleRef | None]:
    feed_base = _resolve_base(ctx.document_url, root.get(_XML_NS + "base"))
    feed_lang = _lang(root.get(_XML_NS + "lang"))
    for entry in root.iter():
        if _local(entry.tag) != "entry":
            continue
        base = _resolve_base(feed_base, entry.get(_XML_NS + "base"))
        href = _atom_link(entry)
        title_el = _first(entry, "title")
        title = _clean_title(
            _all_text(title_el), is_html=title_el is not None and title_el.get("type") == "html"
        )
        published = _first_date(entry, ("published", "issued", "date", "updated", "modified"), ctx)
        language = _lang(entry.get(_XML_NS + "lang")) or feed_lang
        yield ctx.ref(href, base, "feed", title=title, published=published, language=language)


def _atom_link(entry: Element) -> str | None:
    best: str | None = None
    for link in entry:
        if _local(link.tag) != "link":
            continue
        href = link.get("href") or _text(link)
        if not href:
            continue
        rel = (link.get("rel") or "alternate").strip().lower()
        if rel == "alternate":
            if (link.get("type") or "text/html").lower() in ("text/html", "application/xhtml+xml"):
                return href
            best = best or href
    if best:
        return best
    ident = _text(_first(entry, "id"))
    return ident if ident and is_http_url(ident) else None


def _urlset_refs(root: Element, ctx: _Context) -> Iterator[ArticleRef | None]:
    for entry in root:
        if _local(entry.tag) != "url":
            continue
        loc = _text(_first(entry, "loc"))
        news = _first(entry, "news")
        if news is not None:
            publication = _first(news, "publication")
            language = _lang(_text(_first(publication, "language")) if publication is not None else None)
            published = _first_date(news, ("publication_date",), ctx) or _first_date(entry, ("lastmod",), ctx)
            title = _clean_title(_text(_first(news, "title")))
            yield ctx.ref(
                loc, ctx.document_url, "news_sitemap", title=title, published=published, language=language
            )
        else:
            published = _first_date(entry, ("lastmod",), ctx)
            yield ctx.ref(loc, ctx.document_url, "sitemap", published=published)


def _children(root: Element, ctx: _Context) -> list[tuple[str, datetime | None]]:
    """The index's child sitemaps (resolved, de-duplicated, never the index itself) with their lastmod."""
    own = canonicalize_url(ctx.document_url)
    seen = {own}
    out: list[tuple[str, datetime | None]] = []
    for entry in root:
        if _local(entry.tag) != "sitemap":
            continue
        url = _resolve(_text(_first(entry, "loc")), ctx.document_url)
        if url is None:
            continue
        key = canonicalize_url(url)
        if key in seen:
            continue
        seen.add(key)
        out.append((url, _first_date(entry, ("lastmod",), ctx)))
    return out


# --------------------------------------------------------------------------- small helpers


def _local(tag: object) -> str:
    if not isinstance(tag, str):  # comments / processing instructions
        return ""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def _first(parent: Element | None, name: str) -> Element | None:
    if parent is None:
        return None
    for child in parent:
        if _local(child.tag) == name:
            return child
    return None


def _text(el: Element | None) -> str | None:
    if el is None or el.text is None:
        return None
    value = el.text.strip()
    return value or None


def _all_text(el: Element | None) -> str | None:
    if el is None:
        return None
    value = "".join(el.itertext()).strip()
    return value or None


def _clean_title(value: str | None, *, is_html: bool = False) -> str | None:
    if not value:
        return None
    if is_html or "<" in value:
        value = html.unescape(_TAGS.sub(" ", value))
    value = _WS.sub(" ", value).strip()
    return value or None


def _lang(value: str | None) -> str | None:
    if not value:
        return None
    primary = value.strip().replace("_", "-").split("-", 1)[0].lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None


def _resolve(href: str | None, base: str) -> str | None:
    if not href:
        return None
    href = href.strip()
    try:
        url = urldefrag(urljoin(base, href)).url
    except ValueError:
        return None
    return url if is_http_url(url) else None


def _resolve_base(base: str, xml_base: str | None) -> str:
    if not xml_base:
        return base
    try:
        return urljoin(base, xml_base.strip())
    except ValueError:
        return base


def _first_date(parent: Element, names: tuple[str, ...], ctx: _Context) -> datetime | None:
    for name in names:
        value = _parse_datetime(_text(_first(parent, name)), ctx.tz)
        if value is not None:
            return value
    return None


# --------------------------------------------------------------------------- dates

_TZ_NAMES = {
    "WIB": "+0700",
    "WITA": "+0800",
    "WIT": "+0900",
    "SGT": "+0800",
    "MYT": "+0800",
    "JST": "+0900",
    "KST": "+0900",
    "IST": "+0530",
    "CET": "+0100",
    "CEST": "+0200",
    "BST": "+0100",
    "UTC": "+0000",
}
_TZ_WORD = re.compile(r"\b(" + "|".join(_TZ_NAMES) + r")\s*$")
_MONTHS_ID = {
    "januari": "Jan",
    "februari": "Feb",
    "maret": "Mar",
    "mei": "May",
    "juni": "Jun",
    "juli": "Jul",
    "agustus": "Aug",
    "agu": "Aug",
    "agt": "Aug",
    "oktober": "Oct",
    "okt": "Oct",
    "desember": "Dec",
    "des": "Dec",
}
_MONTH_WORD = re.compile(r"\b(" + "|".join(_MONTHS_ID) + r")\b", re.I)
_COLON_OFFSET = re.compile(r"([+-]\d{2}):(\d{2})\s*$")
# parsedate_tz reports offset 0 for a missing or unknown zone too: only trust an explicit one
_EXPLICIT_ZONE = re.compile(r"(?:[+-]\d{4}|\b(?:GMT|UTC?|Z|[ECMP][SD]T))\s*$", re.I)
_ISO_SPACE_OFFSET = re.compile(r"(\d)\s+([+-]\d{2}:?\d{2})$")


def _zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _parse_datetime(value: str | None, tz: ZoneInfo | None) -> datetime | None:
    if not value:
        return None
    value = _WS.sub(" ", value).strip()
    dt = _parse_iso(value)
    if dt is None:
        dt = _parse_rfc822(value)
    if dt is None:
        return None
    if dt.tzinfo is None:
        return dt.replace(tzinfo=tz) if tz is not None else None
    return dt


def _parse_iso(value: str) -> datetime | None:
    if not value[:4].isdigit():
        return None
    text = _ISO_SPACE_OFFSET.sub(r"\1\2", value)
    if text.endswith(("z", "Z")):
        text = text[:-1] + "+00:00"
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _parse_rfc822(value: str) -> datetime | None:
    text = _COLON_OFFSET.sub(r"\1\2", value)
    text = _TZ_WORD.sub(lambda m: _TZ_NAMES[m.group(1)], text)
    text = _MONTH_WORD.sub(lambda m: _MONTHS_ID[m.group(1).lower()], text)
    if "," in text.split(" ", 1)[0]:  # drop any day name ("Rab,", "Wed,") — parsedate_tz is picky
        text = text.split(" ", 1)[1] if " " in text else text
    try:
        parsed = parsedate_tz(text)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None:
        return None
    year, month, day, hour, minute, second = parsed[:6]
    offset = parsed[9]
    try:
        naive = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    if offset is None or not _EXPLICIT_ZONE.search(text):
        return naive
    return naive.replace(tzinfo=UTC if offset == 0 else timezone(timedelta(seconds=offset)))


__all__ = ["MAX_XML_BYTES", "parse_document", "parse_feed_datetime", "parse_url_list"]
