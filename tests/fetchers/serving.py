"""Hostile HTTP behaviours for the fetcher tests, as LocalSite handlers, plus small run helpers.

Every handler takes the live ``BaseHTTPRequestHandler`` (``h``) and misbehaves on purpose.
Writes to a client that already gave up raise BrokenPipe/ConnectionReset: handlers swallow them.
"""

from __future__ import annotations

import asyncio
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from http.server import BaseHTTPRequestHandler
from typing import Any

import httpx

from fetchers import FetchConfig, Fetcher
from records.models import FetchResult
from tests.support.localsite import LocalSite

H = BaseHTTPRequestHandler
UA = "KabarTest/1.0 (+https://example.invalid/kabar-tests)"
HTML = b"<!doctype html><html><head><title>t</title></head><body><p>Hello, Jakarta.</p></body></html>"


class Site(LocalSite):
    """LocalSite whose shutdown is quick (poll every 20 ms instead of 0.5 s): dozens of servers per run."""

    def __init__(self, routes: Any = None, host: str = "127.0.0.1") -> None:
        super().__init__(routes, host)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)


def config_for(*sites: LocalSite, **overrides: Any) -> FetchConfig:
    """Short timeouts and backoff so the whole hostile suite stays fast."""
    values: dict[str, Any] = {
        "user_agent": UA,
        "connect_timeout": 1.0,
        "read_timeout": 1.0,
        "total_timeout": 2.0,
        "retries": 2,
        "backoff_base": 0.01,
        "backoff_max": 2.0,
        "allowed_hosts": frozenset(f"127.0.0.1:{s.port}" for s in sites),
    }
    values.update(overrides)
    return FetchConfig(**values)


def fetch(site: LocalSite, path: str, *, kind: str = "page", fetcher_kw: dict[str, Any] | None = None,
          **overrides: Any) -> FetchResult:  # fmt: skip
    cfg = config_for(site, **overrides)

    async def go() -> FetchResult:
        async with Fetcher(cfg, **(fetcher_kw or {})) as f:
            return await f.fetch(site.url(path) if path.startswith("/") else path, kind=kind)  # type: ignore[arg-type]

    return asyncio.run(go())


def assert_sentence(text: str | None) -> None:
    """A readable error: a capitalised sentence with a full stop, not a bare exception repr."""
    assert text, "error must be set"
    assert text[0].isupper() and text.rstrip().endswith("."), text
    assert len(text.split()) >= 5, text


def write_quietly(h: H, data: bytes) -> bool:
    try:
        h.wfile.write(data)
        h.wfile.flush()
        return True
    except (BrokenPipeError, ConnectionResetError, OSError):
        return False


def head(h: H, status: int, headers: dict[str, str]) -> None:
    h.send_response(status)
    for k, v in headers.items():
        h.send_header(k, v)
    h.end_headers()


def sequence(*responses: tuple[int, dict[str, str], bytes]) -> Callable[[H], None]:
    """Answer the n-th request with the n-th response (the last one repeats)."""
    lock = threading.Lock()
    count = [0]

    def handler(h: H) -> None:
        with lock:
            i = min(count[0], len(responses) - 1)
            count[0] += 1
        status, headers, body = responses[i]
        head(h, status, {**headers, "Content-Length": str(len(body))})
        write_quietly(h, body)

    return handler


def sleep_then(seconds: float, body: bytes = HTML) -> Callable[[H], None]:
    def handler(h: H) -> None:
        time.sleep(seconds)
        head(h, 200, {"Content-Type": "text/html", "Content-Length": str(len(body))})
        write_quietly(h, body)

    return handler


def stall_mid_body(first: bytes, stall: float, promised: int) -> Callable[[H], None]:
    def handler(h: H) -> None:
        head(h, 200, {"Content-Type": "text/html", "Content-Length": str(promised)})
        write_quietly(h, first)
        time.sleep(stall)
        h.close_connection = True

    return handler


def dribble(every: float, for_seconds: float) -> Callable[[H], None]:
    """A few bytes at a time, each gap shorter than the read timeout, for longer than the deadline."""

    def handler(h: H) -> None:
        head(h, 200, {"Content-Type": "text/html", "Connection": "close"})
        h.close_connection = True
        write_quietly(h, b"<html><body>")
        end = time.monotonic() + for_seconds
        while time.monotonic() < end:
            if not write_quietly(h, b"<p>x</p>"):
                return
            time.sleep(every)

    return handler


def close_without_response(h: H) -> None:
    h.close_connection = True


def reset_connection(h: H) -> None:
    """A hard TCP RST (SO_LINGER 0) instead of an answer."""
    h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    h.close_connection = True
    h.connection.close()


def content_length_lie(sent: bytes, promised: int) -> Callable[[H], None]:
    def handler(h: H) -> None:
        head(h, 200, {"Content-Type": "text/html", "Content-Length": str(promised)})
        write_quietly(h, sent)
        h.close_connection = True

    return handler


def stream_until_close(total: int, chunk: int = 64 * 1024, content_type: str = "text/html",
                       extra: dict[str, str] | None = None) -> Callable[[H], None]:  # fmt: skip
    """``total`` bytes of HTML-ish text with no Content-Length (body ends at close)."""
    piece = (b"<p>" + b"a" * (chunk - 7) + b"</p>\n")[:chunk]

    def handler(h: H) -> None:
        head(h, 200, {"Content-Type": content_type, "Connection": "close", **(extra or {})})
        h.close_connection = True
        sent = 0
        while sent < total:
            if not write_quietly(h, piece):
                return
            sent += len(piece)

    return handler


def honest_big(total: int) -> Callable[[H], None]:
    """A big body with a truthful Content-Length, written in chunks."""

    def handler(h: H) -> None:
        head(h, 200, {"Content-Type": "text/html", "Content-Length": str(total)})
        h.close_connection = True
        chunk = b"a" * (256 * 1024)
        sent = 0
        while sent < total:
            part = chunk[: total - sent]
            if not write_quietly(h, part):
                return
            sent += len(part)

    return handler


def gzip_bytes(pieces: Iterable[bytes]) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    return b"".join(c.compress(p) for p in pieces) + c.flush()


def redirect(location: str, status: int = 302) -> tuple[int, dict[str, str], bytes]:
    return (status, {"Location": location}, b"")


def html_page(body_text: str, *, meta_charset: str | None = None) -> str:
    meta = f'<meta charset="{meta_charset}">' if meta_charset else ""
    return (
        f"<!doctype html><html><head>{meta}<title>Berita</title></head><body><p>{body_text}</p></body></html>"
    )


class InFlight:
    """Counts concurrent requests as the server sees them (shared by several sites if wanted)."""

    def __init__(self, hold: float) -> None:
        self.hold = hold
        self.now = 0
        self.max = 0
        self.starts: list[float] = []
        self._lock = threading.Lock()

    def handler(self, h: H) -> None:
        with self._lock:
            self.now += 1
            self.max = max(self.max, self.now)
            self.starts.append(time.monotonic())
        try:
            time.sleep(self.hold)
            head(h, 200, {"Content-Type": "text/html", "Content-Length": str(len(HTML))})
            write_quietly(h, HTML)
        finally:
            with self._lock:
                self.now -= 1


class RecordingTransport(httpx.AsyncBaseTransport):
    """Wraps the real transport and records every URL that actually reached the network layer."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.seen: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(str(request.url))
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def gaps(starts: Sequence[float]) -> list[float]:
    s = sorted(starts)
    return [b - a for a, b in zip(s, s[1:], strict=False)]
