"""Extract: HTML bytes -> ``ExtractedText`` with trafilatura (the only trafilatura importer).

Settings (measured on the project's corpus): ``fast=True`` (same quality, ~1.7x faster), comments off,
tables on, metadata limited to the fields Kabar reads (``page_metadata``).  Bytes are passed as-is so trafilatura can honour the page's encoding;
when the fetcher already decoded the page with a better charset we pass the ``str`` instead.
"""

from __future__ import annotations

import re
from typing import Any

from extractors.byline import page_author
from extractors.urls import url_host
from records.errors import ExtractionError
from records.models import ExtractedText

MIN_WORDS = 15  # below this, what trafilatura found is navigation or a stub, not an article
# Chinese and Japanese write no spaces between words: their ideographs and kana count as half a
# word each (a word there is one to three characters; two is the usual average)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_AUTHOR_SPLIT = re.compile(r"\s*;\s*")
_HTML_LANG = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})(?:[-_]([A-Za-z0-9]+))?", re.I)


_OG_SITE_NAME = re.compile(
    rb"<meta\b[^>]*?(?:property|name)\s*=\s*[\"']og:site_name[\"'][^>]*?content\s*=\s*[\"']([^\"'<>]{1,120})[\"']",
    re.I,
)


def og_site_name(html: bytes | str) -> str | None:
    """``og:site_name`` exactly as the page writes it (trafilatura re-cases some names)."""
    head = html[:65536] if isinstance(html, bytes) else html[:65536].encode("utf-8", "replace")
    m = _OG_SITE_NAME.search(head)
    if not m:
        return None
    import html as htmllib

    return htmllib.unescape(m.group(1).decode("utf-8", "replace")).strip() or None


_PUBLISHER_META = re.compile(
    r"<meta\b[^>]*?name\s*=\s*[\"'](?:copyright|publisher|dc\.publisher|dcterms\.publisher)[\"'][^>]*?"
    r"content\s*=\s*[\"']([^\"'<>]{2,160})[\"']",
    re.I,
)
_PUBLISHER_JSON_LD = re.compile(r"\"publisher\"\s*:\s*\{[^{}]{0,400}?\"name\"\s*:\s*\"([^\"]{2,120})\"")
_NAME_SEPARATORS = re.compile(r"\s+[-|–—:·•]\s+")


def page_publisher(html: bytes | str) -> str | None:
    """Who publishes the page: ``<meta name="copyright|publisher">``, else JSON-LD ``publisher.name``."""
    import html as htmllib

    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    m = _PUBLISHER_META.search(html, 0, 65536)
    pos = html.find('"publisher"') if m is None else -1
    while m is None and pos >= 0:  # JSON-LD: try only where the key is
        m = _PUBLISHER_JSON_LD.match(html, pos)
        pos = html.find('"publisher"', pos + 11)
    return htmllib.unescape(m.group(1)).strip() or None if m else None


def site_name(raw: str | None, url: str | None = None) -> str | None:
    """A site name without its tagline: of ``Breaking Australian and World News Headlines - 9News``
    the part that is the domain's name (``9News`` on 9news.com.au), else the shortest part."""
    if not raw:
        return None
    parts = [p.strip() for p in _NAME_SEPARATORS.split(raw) if p.strip()]
    if len(parts) < 2:
        return raw
    label = ""
    if url:
        host = url_host(url).removeprefix("www.")
        label = re.sub(r"[^a-z0-9]", "", host.split(".")[0])
    for part in parts:
        if label and re.sub(r"[^a-z0-9]", "", part.casefold()) == label:
            return part
    short = min(parts, key=lambda p: len(p.split()))
    tagline = max(len(p.split()) for p in parts) >= 4
    return short if tagline and len(short.split()) <= 3 else raw


def html_language(html: bytes | str) -> str | None:
    """The two/three-letter language declared in ``<html lang>``, lower-cased, or None."""
    head = html[:4096] if isinstance(html, bytes) else html[:4096].encode("utf-8", "replace")
    m = _HTML_LANG.search(head)
    return m.group(1).decode("ascii").lower() if m else None


def word_count(text: str) -> int:
    """Words in ``text``: whitespace-separated tokens, with each CJK ideograph or kana as half a word."""
    cjk = len(_CJK.findall(text))
    if not cjk:
        return len(text.split())
    return len(_CJK.sub(" ", text).split()) + cjk // 2


def html_region(html: bytes | str) -> str | None:
    """The two-letter region of ``<html lang="en-GB">`` (``"gb"``), lower-cased, or None."""
    head = html[:4096] if isinstance(html, bytes) else html[:4096].encode("utf-8", "replace")
    m = _HTML_LANG.search(head)
    region = m.group(2).decode("ascii").lower() if m and m.group(2) else ""
    return region if len(region) == 2 and region.isalpha() else None


def page_metadata(tree: Any, *, url: str) -> Any:
    """trafilatura's ``extract_metadata`` without the fields Kabar never reads.

    The same steps in the same order (meta tags, JSON-LD, title, author, canonical URL, site
    name, then ``clean_and_trim``), minus the publication date (htmldate: ``page_date``, run only
    when the page's own date tags are not enough), categories, tags and licence: those four cost
    about 10 ms a page of the ~40 ms extraction budget.  The author search is
    ``byline.page_author``: ``extract_author``'s answer at a third of its cost.  ``tests/extractors/test_extract_lean.py``
    checks the fields we use against the full ``extract_metadata`` on real pages, so a trafilatura
    upgrade that changes these internals fails a test rather than the data.
    """
    from trafilatura import metadata as m

    doc = m.examine_meta(tree)
    if doc.author and " " not in doc.author:
        doc.author = None
    try:
        doc = m.extract_meta_json(tree, doc)
    except Exception:  # trafilatura's JSON-LD parser has its own bugs; the meta tags stand
        pass
    if not doc.title:
        doc.title = m.extract_title(tree)
    if not doc.author:
        doc.author = page_author(tree)  # = m.extract_author(tree), in one pass (extractors.byline)
    if not doc.url:
        doc.url = m.extract_url(tree, url)
    if not doc.sitename:
        doc.sitename = m.extract_sitename(tree)
    if doc.sitename:
        doc.sitename = doc.sitename.lstrip("@")
        if doc.sitename and "." not in doc.sitename and not doc.sitename[0].isupper():
            doc.sitename = doc.sitename.title()
    elif doc.url:
        found = m.META_URL.match(doc.url)
        if found:
            doc.sitename = found[1]
    doc.clean_and_trim()
    return doc


_DATE_PARAMS: dict[str, Any] = {
    "extensive_search": True,
    "original_date": True,
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
}


def page_date(tree: Any, *, url: str | None) -> str | None:
    """htmldate's publication date (what trafilatura's metadata would carry) of a parsed page.

    Costly on pages without date tags (its extensive search reads the whole text), so
    ``build_article`` calls it only when the page's own meta / JSON-LD dates do not settle the
    question (``resolve_published`` with a callable ``extracted_date``).  htmldate works on its own
    copy of ``tree``.
    """
    from htmldate import find_date

    try:
        return find_date(tree, url=url, **_DATE_PARAMS)
    except Exception:  # a date heuristic must not lose the article
        return None


def parse_html(html: bytes | str) -> Any:
    """The page's lxml tree, parsed the way trafilatura parses it (its ``load_html``)."""
    from trafilatura.utils import load_html

    if not html:
        raise ExtractionError("empty page", kind="empty_body")
    try:
        tree = load_html(html)
    except Exception as exc:
        raise ExtractionError(
            f"HTML parser failed: {type(exc).__name__}: {exc}", kind="extract_crash"
        ) from exc
    if tree is None:
        raise ExtractionError("no HTML tree could be parsed", kind="no_main_text")
    return tree


def extract_page(html: bytes | str, *, url: str, with_date: bool = True, tree: Any = None) -> ExtractedText:
    """Main text and metadata of one page. Raises ``ExtractionError`` when no main text is found.

    One lxml parse (``tree``, when the caller already has it from ``parse_html``): the metadata
    is read from the tree (``page_metadata``) and trafilatura's fast extraction runs on a copy of
    it, so the tree is left as it was.  ``with_date=False`` leaves ``date`` None (the caller runs
    ``page_date`` on the same tree only when needed).
    """
    from trafilatura import bare_extraction

    if tree is None:
        tree = parse_html(html)
    try:
        meta = page_metadata(tree, url=url)
        doc = bare_extraction(
            tree,
            url=url,
            fast=True,
            include_comments=False,
            include_tables=True,
            with_metadata=False,
        )
    except Exception as exc:  # trafilatura/lxml raise many types on hostile HTML
        raise ExtractionError(
            f"trafilatura failed: {type(exc).__name__}: {exc}", kind="extract_crash"
        ) from exc
    if doc is None:
        raise ExtractionError("no main text found (trafilatura returned nothing)", kind="no_main_text")
    text = (getattr(doc, "text", None) or "").strip()
    if not text:
        raise ExtractionError("no main text found (empty extraction)", kind="no_main_text")
    words = word_count(text)
    if words < MIN_WORDS:
        raise ExtractionError(
            f"too little main text to be an article ({words} words, fewer than {MIN_WORDS}): {text[:80]!r}",
            kind="no_main_text",
        )
    raw_author = meta.author or ""
    authors = tuple(a for a in (s.strip() for s in _AUTHOR_SPLIT.split(raw_author)) if a)
    return ExtractedText(
        url=url,
        title=meta.title or None,
        text=text,
        authors=authors,
        date=page_date(tree, url=meta.url) if with_date else None,
        sitename=site_name(og_site_name(html) or meta.sitename or None, url),
        publisher=page_publisher(html),
        language=html_language(html),
        description=meta.description or None,
        canonical_url=meta.url or None,
    )


__all__ = [
    "extract_page",
    "html_language",
    "html_region",
    "og_site_name",
    "page_date",
    "page_metadata",
    "page_publisher",
    "parse_html",
    "site_name",
    "word_count",
]
