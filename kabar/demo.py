"""Serve the bundled demo news site (``seeds/demo_site``) on 127.0.0.1.

Files are served as-is, except that ``{BASE}`` in feeds/sitemaps/robots is replaced by the
server's own address.  Content types come from the extension; ``.html`` pages declare their
charset in ``<meta>`` so the non-UTF-8 demo page is served without a charset parameter, as many
real servers do.  ETag/If-None-Match is supported so a second run's feeds answer 304.
"""

from __future__ import annotations

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from seeds import SEEDS_DIR

DEMO_DIR = SEEDS_DIR / "demo_site"
DEFAULT_DEMO_PORT = 8765

_TYPES = {
    ".xml": "application/xml",
    ".html": "text/html",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _DemoServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path.endswith("/"):
            path += "index.html"
        target = (self.server.root / path.lstrip("/")).resolve()
        if (
            self.server.root not in target.parents
            or not target.is_file()
            or target.name in ("README.md", "EXPECTED.json")
        ):
            self._send(404, "text/plain; charset=utf-8", b"not found")
            return
        body = target.read_bytes()
        if target.suffix in (".xml", ".txt"):
            body = body.replace(b"{BASE}", self.server.base.encode())
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self._send(200, _TYPES.get(target.suffix, "application/octet-stream"), body, etag)

    def _send(self, status: int, ctype: str, body: bytes, etag: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if etag:
            self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)


class _DemoServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    root: Path
    base: str


class DemoSite:
    """Context manager: the demo site on http://127.0.0.1:PORT (port 0 = any free port)."""

    def __init__(self, port: int = DEFAULT_DEMO_PORT, root: Path = DEMO_DIR) -> None:
        self._server = _DemoServer(("127.0.0.1", port), _Handler)
        self._server.root = root.resolve()
        self._server.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return self._server.base

    @property
    def host_port(self) -> str:
        return self.base.removeprefix("http://")

    def ingest_parameters(self) -> dict[str, Any]:
        """The ``ingest`` flow parameters for this site: the demo source at this address, and an
        exemption from the private-address guard for this server only."""
        return {"sources": ["demo"], "base_url": self.base, "allowed_hosts": [self.host_port]}

    def __enter__(self) -> DemoSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
