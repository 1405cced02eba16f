"""Small pages and handlers several flow tests serve from a :class:`~tests.support.localsite.LocalSite`."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler

from tests.support.localsite import LocalSite

FLOOD_PAGE = (
    "<html><head><title>Banjir surut</title></head><body><article>"
    + "".join(
        f"<p>Warga kampung ke-{i} kembali ke rumah setelah banjir surut pada Selasa pagi.</p>"
        for i in range(12)
    )
    + "</article></body></html>"
).encode()


def stalling_sitemap(
    site: LocalSite, article_path: str, stall: Callable[[], float]
) -> Callable[[BaseHTTPRequestHandler], None]:
    """A sitemap listing ``article_path`` that first sleeps ``stall()`` seconds (0: answers at once)."""

    def handler(request: BaseHTTPRequestHandler) -> None:
        seconds = stall()
        if seconds:
            time.sleep(seconds)  # accepted, not answered in time
        body = (
            "<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            f"<url><loc>{site.url(article_path)}</loc></url></urlset>"
        ).encode()
        request.send_response(200)
        request.send_header("Content-Type", "application/xml")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    return handler


def news_page(i: int) -> bytes:
    """Indonesian news article number ``i``: long enough to extract, dated, with an Antara dateline."""
    paras = "".join(
        f"<p>Paragraf {j} dari berita nomor {i}: pemerintah kota mengumumkan rencana baru untuk "
        f"memperbaiki jalan dan jembatan di wilayah timur, kata pejabat setempat kepada wartawan.</p>"
        for j in range(8)
    )
    return (
        f"<!doctype html><html lang='id'><head><meta charset='utf-8'><title>Berita {i}</title>"
        f"<meta property='article:published_time' content='2024-11-{10 + i % 5:02d}T08:00:00+07:00'></head>"
        f"<body><nav>Beranda | Nasional</nav><article><h1>Berita {i}</h1>"
        f"<p>JAKARTA (ANTARA) - Berita nomor {i} terbit pada Selasa (12/11/2024).</p>{paras}</article>"
        f"<footer>Hak cipta</footer></body></html>"
    ).encode()


def slow_page(
    body: bytes, delay: float, gate: threading.Event | None = None
) -> Callable[[BaseHTTPRequestHandler], None]:
    """A handler serving ``body`` as HTML after ``delay`` seconds (and after ``gate`` opens, if given)."""

    def handler(h: BaseHTTPRequestHandler) -> None:
        if gate is not None:
            gate.wait(timeout=120)
        time.sleep(delay)
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return handler
