"""A real HTTP server on 127.0.0.1 for tests: a route table of path -> handler.

A handler is either ``(status, headers, body)`` or a callable taking the live
``BaseHTTPRequestHandler`` (for stalls, resets, streaming, counting requests).

    with LocalSite({"/feed.xml": (200, {"Content-Type": "application/rss+xml"}, b"...")}) as site:
        site.url("/feed.xml")   # http://127.0.0.1:PORT/feed.xml
        site.hits["/feed.xml"]  # how many requests it got
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Static = tuple[int, Mapping[str, str], bytes]
Handler = Static | Callable[[BaseHTTPRequestHandler], None]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    routes: dict[str, Handler]
    hits: Counter[str]
    request_headers: dict[str, list[dict[str, str]]]


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        path = self.path
        self.server.hits[path] += 1
        self.server.request_headers.setdefault(path, []).append(dict(self.headers.items()))
        handler = self.server.routes.get(path)
        if handler is None:
            bare = path.split("?", 1)[0]
            handler = self.server.routes.get(bare)
        if handler is None:
            self._send(404, {"Content-Type": "text/plain"}, b"not found")
            return
        if callable(handler):
            handler(self)
            return
        status, headers, body = handler
        self._send(status, headers, body)

    def _send(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        self.send_response(status)
        lower = {k.lower() for k in headers}
        for k, v in headers.items():
            self.send_header(k, v)
        if "content-length" not in lower:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class LocalSite:
    """Context manager running a threaded HTTP server on 127.0.0.1 (free port)."""

    def __init__(self, routes: Mapping[str, Handler] | None = None, host: str = "127.0.0.1") -> None:
        self._server = _Server((host, 0), _RequestHandler)
        self._server.routes = dict(routes or {})
        self._server.hits = Counter()
        self._server.request_headers = {}
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def routes(self) -> dict[str, Handler]:
        return self._server.routes

    @property
    def hits(self) -> Counter[str]:
        return self._server.hits

    @property
    def request_headers(self) -> dict[str, list[dict[str, str]]]:
        return self._server.request_headers

    def url(self, path: str) -> str:
        return self.base + path

    def __enter__(self) -> LocalSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
