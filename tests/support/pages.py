"""Small pages and handlers several flow tests serve from a :class:`~tests.support.localsite.LocalSite`."""

from __future__ import annotations

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
