"""A local "news site" for benchmarks: real corpus pages under thousands of distinct URLs.

    pages = load_pages(corpus_dir)               # the 110 real pages (or the test fixtures)
    with BenchSite(pages, n_urls=2000) as site:
        site.sitemap_index_url                   # http://127.0.0.1:PORT/sitemap_index.xml
        site.feed_url                            # http://127.0.0.1:PORT/feed.xml
        site.body(i)                             # the exact bytes served for URL number i

URL ``i`` is ``/a/<i>/<page-stem>.html`` and serves page ``i % len(pages)`` with two trivial
changes so that no two URLs have identical bytes or collapse into one article: its canonical link
(and ``og:url``) point at the served URL, and a ``<!-- kabar-bench i -->`` comment is appended.
HTML is sent as ``text/html; charset=<the page's declared charset>``.  The sitemap index, its
urlsets (``per_sitemap`` URLs each, at most 50,000) and the RSS feed carry an ETag and a
Last-Modified; ``If-None-Match`` / ``If-Modified-Since`` get a 304.  ``/robots.txt`` allows all.

Standard library only (plus gzip/json); a server thread costs almost no CPU while idle.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import sys
import threading
from collections import Counter
from dataclasses import dataclass
from email.utils import formatdate
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[1]
CORPUS_DIR = REPO.parent / "shared" / "corpus" / "html"
FIXTURE_DIR = REPO / "tests" / "fixtures" / "pages"
SITEMAP_LIMIT = 50_000
LAST_MODIFIED = formatdate(1_767_225_600, usegmt=True)  # fixed: 2026-01-01, content never changes
LASTMOD_W3C = "2026-01-01"

_CANONICAL_TAG = re.compile(
    rb"<link\b[^>]*\brel\s*=\s*[\"']?canonical\b[^>]*>|<meta\b[^>]*\bproperty\s*=\s*[\"']?og:url\b[^>]*>",
    re.I,
)
_HEAD_OPEN = re.compile(rb"<head\b[^>]*>", re.I)
_META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)


@dataclass(frozen=True, slots=True)
class Page:
    """One source page, split around the spot where the served URL's canonical link goes."""

    stem: str  # file name without .html(.gz)
    parts: tuple[bytes, ...]  # the page split where the served URL goes
    charset: str | None  # declared charset (None: send none)

    @property
    def size(self) -> int:
        return sum(map(len, self.parts))


_MARK = b"@@KABAR-BENCH-URL@@"
_ATTR_URL = re.compile(rb"(?:href|content)\s*=\s*[\"']?(https?://[^\"'\s>]+)", re.I)


def _split_page(html: bytes, known_urls: tuple[str, ...] = ()) -> tuple[bytes, ...]:
    """Point the page's own URL at the served one.

    Drops the canonical/og:url tags, inserts ``<link rel="canonical" href=URL>`` after ``<head>``,
    and replaces every quoted occurrence of the page's original URL(s) (twitter:url, JSON-LD …)
    so trafilatura sees the served URL as the page's own.
    """
    originals = {u.encode("utf-8") for u in known_urls if u and len(u) > 12}
    for tag in _CANONICAL_TAG.findall(html):
        originals.update(m.group(1) for m in _ATTR_URL.finditer(tag))
    html = _CANONICAL_TAG.sub(b"", html)
    m = _HEAD_OPEN.search(html)
    cut = m.end() if m else 0
    html = html[:cut] + b'\n<link rel="canonical" href="' + _MARK + b'">\n' + html[cut:]
    for orig in sorted(originals, key=len, reverse=True):
        for variant in {orig, orig.replace(b"&", b"&amp;")}:
            for q in (b'"', b"'", b"&quot;"):
                html = html.replace(variant + q, _MARK + q)
    return tuple(html.split(_MARK))


def _declared_charset(html: bytes) -> str | None:
    m = _META_CHARSET.search(html[:8192])
    return m.group(1).decode("ascii").lower() if m else None


def load_pages(directory: Path | None = None) -> list[Page]:
    """Pages of the shared corpus (``index.jsonl`` + ``*.html.gz``), else of ``tests/fixtures/pages``."""
    directory = directory or (CORPUS_DIR if (CORPUS_DIR / "index.jsonl").is_file() else FIXTURE_DIR)
    pages: list[Page] = []
    index = directory / "index.jsonl"
    if index.is_file():
        with index.open(encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh if line.strip()]
        files: list[tuple[Path, str | None, bool | None, tuple[str | None, ...]]] = [
            (
                directory / r["file"],
                r.get("charset_declared"),
                r.get("utf8_valid"),
                (r.get("canonical_url"), r.get("url")),
            )
            for r in rows
        ]
    else:
        files = [(p, None, None, ()) for p in sorted(directory.rglob("*.html.gz"))]
    for path, declared, utf8_valid, known in files:
        html = gzip.decompress(path.read_bytes())
        charset = declared or _declared_charset(html)
        if charset is None and (utf8_valid or utf8_valid is None and _is_utf8(html)):
            charset = "utf-8"
        stem = path.name.removesuffix(".gz").removesuffix(".html")
        pages.append(Page(stem=stem, parts=_split_page(html, tuple(u for u in known if u)), charset=charset))
    if not pages:
        raise FileNotFoundError(f"no pages under {directory}")
    return pages


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:20] + '"'


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    site: BenchSite

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up mid-request (timeouts, cancelled fetches) are normal here: stay quiet."""
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        site = self.server.site
        path = self.path.split("?", 1)[0]
        doc = site.documents.get(path)
        if doc is not None:
            ctype, body, etag = doc
            inm = self.headers.get("If-None-Match")
            ims = self.headers.get("If-Modified-Since")
            if (inm and etag in [t.strip() for t in inm.split(",")]) or (not inm and ims == LAST_MODIFIED):
                site.count("304")
                self._send(304, {"ETag": etag, "Last-Modified": LAST_MODIFIED}, b"")
                return
            site.count("document")
            self._send(200, {"Content-Type": ctype, "ETag": etag, "Last-Modified": LAST_MODIFIED}, body)
            return
        i = site.index_of(path)
        if i is None:
            site.count("404")
            self._send(404, {"Content-Type": "text/plain; charset=utf-8"}, b"not found")
            return
        site.count("page")
        page = site.pages[i % len(site.pages)]
        ctype = f"text/html; charset={page.charset}" if page.charset else "text/html"
        self._send(200, {"Content-Type": ctype}, site.body(i))

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)


_PAGE_PATH = re.compile(r"^/a/(\d+)/([^/]+)\.html$")


class BenchSite:
    """Context manager serving ``n_urls`` page URLs, a sitemap index, urlsets and an RSS feed."""

    def __init__(
        self,
        pages: list[Page],
        n_urls: int = 2000,
        *,
        per_sitemap: int = 1000,
        feed_items: int | None = None,
        port: int = 0,
    ) -> None:
        if not 1 <= per_sitemap <= SITEMAP_LIMIT:
            raise ValueError(f"per_sitemap must be 1..{SITEMAP_LIMIT}")
        self.pages = pages
        self.n_urls = n_urls
        self.per_sitemap = per_sitemap
        self.feed_items = n_urls if feed_items is None else min(feed_items, n_urls)
        self._server = _Server(("127.0.0.1", port), _Handler)
        self._server.site = self
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.hits: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.documents: dict[str, tuple[str, bytes, str]] = {}
        self._build_documents()
        self._thread = threading.Thread(target=self._server.serve_forever, name="bench-site", daemon=True)

    # -- URLs and bodies ---------------------------------------------------------------
    def path(self, i: int) -> str:
        return f"/a/{i}/{quote(self.pages[i % len(self.pages)].stem)}.html"

    def url(self, i: int) -> str:
        return self.base + self.path(i)

    def urls(self) -> list[str]:
        return [self.url(i) for i in range(self.n_urls)]

    def index_of(self, path: str) -> int | None:
        m = _PAGE_PATH.match(path)
        if not m:
            return None
        i = int(m.group(1))
        if i >= self.n_urls or self.path(i) != path:
            return None
        return i

    def body(self, i: int) -> bytes:
        """The bytes served for URL ``i``: the page with its canonical link and a per-URL comment."""
        page = self.pages[i % len(self.pages)]
        return self.url(i).encode("ascii").join(page.parts) + f"\n<!-- kabar-bench {i} -->\n".encode("ascii")

    @property
    def sitemap_index_url(self) -> str:
        return self.base + "/sitemap_index.xml"

    @property
    def feed_url(self) -> str:
        return self.base + "/feed.xml"

    def count(self, kind: str) -> None:
        with self._lock:
            self.hits[kind] += 1

    def reset_hits(self) -> Counter[str]:
        with self._lock:
            old, self.hits = self.hits, Counter()
        return old

    # -- XML documents -----------------------------------------------------------------
    def _add(self, path: str, ctype: str, text: str) -> None:
        body = text.encode("utf-8")
        self.documents[path] = (ctype, body, _etag(body))

    def _build_documents(self) -> None:
        xml = "application/xml; charset=utf-8"
        children = []
        for k, start in enumerate(range(0, self.n_urls, self.per_sitemap)):
            locs = "".join(
                f"<url><loc>{escape(self.url(i))}</loc><lastmod>{LASTMOD_W3C}</lastmod></url>\n"
                for i in range(start, min(start + self.per_sitemap, self.n_urls))
            )
            path = f"/sitemaps/sitemap-{k}.xml"
            self._add(
                path,
                xml,
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{locs}</urlset>\n',
            )
            children.append(path)
        entries = "".join(
            f"<sitemap><loc>{self.base}{p}</loc><lastmod>{LASTMOD_W3C}</lastmod></sitemap>\n"
            for p in children
        )
        self._add(
            "/sitemap_index.xml",
            xml,
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</sitemapindex>\n',
        )
        items = "".join(
            f"<item><title>Bench page {i}</title><link>{escape(self.url(i))}</link>"
            f'<guid isPermaLink="true">{escape(self.url(i))}</guid>'
            f"<pubDate>{formatdate(1_767_225_600 - 60 * i, usegmt=True)}</pubDate></item>\n"
            for i in range(self.feed_items)
        )
        self._add(
            "/feed.xml",
            "application/rss+xml; charset=utf-8",
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>\n'
            f"<title>Kabar bench site</title><link>{self.base}/</link>"
            f"<description>real corpus pages under many URLs</description>\n{items}</channel></rss>\n",
        )
        self._add(
            "/robots.txt",
            "text/plain; charset=utf-8",
            f"User-agent: *\nAllow: /\n\nSitemap: {self.sitemap_index_url}\n",
        )

    # -- lifecycle ---------------------------------------------------------------------
    def __enter__(self) -> BenchSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


__all__ = ["Page", "BenchSite", "load_pages", "CORPUS_DIR", "FIXTURE_DIR", "SITEMAP_LIMIT"]
