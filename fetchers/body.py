"""Reading a response body under a byte cap counted AFTER content-decoding.

httpx's own decoders inflate a whole network chunk at once (a 64 KiB chunk of a gzip bomb becomes
~64 MiB before anyone can count it).  So the fetcher reads ``aiter_raw()`` and inflates here with
``zlib``'s ``max_length`` in small steps: memory stays within ``cap`` plus one step, whatever the
compression ratio.  Supported codings: ``gzip``/``x-gzip`` (multi-member), ``deflate`` (zlib or raw),
``identity``.  Anything else raises :class:`UnsupportedEncoding` (we only advertise gzip, deflate).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence

GZIP_MAGIC = b"\x1f\x8b"
_STEP = 64 * 1024

Emit = Callable[[bytes], None]


class BodyTooLarge(Exception):
    """More than ``cap`` decoded bytes."""


class CorruptBody(Exception):
    """The compressed stream could not be inflated."""


class UnsupportedEncoding(Exception):
    """A Content-Encoding we cannot decode."""


class _Identity:
    def feed(self, data: bytes, emit: Emit) -> None:
        if data:
            emit(data)

    def flush(self, emit: Emit) -> None:
        return None


class _Inflate:
    """zlib stream in bounded steps; ``gzip`` restarts on a following member, ``deflate`` falls back to raw."""

    def __init__(self, coding: str) -> None:
        self._gzip = coding != "deflate"
        self._wbits = 16 + zlib.MAX_WBITS if self._gzip else zlib.MAX_WBITS
        self._d = zlib.decompressobj(self._wbits)
        self._started = False
        self._done = False

    def feed(self, data: bytes, emit: Emit) -> None:
        buf = data
        while not self._done:
            try:
                out = self._d.decompress(buf, _STEP)
            except zlib.error as exc:
                if not self._gzip and not self._started and self._wbits > 0:
                    self._wbits = -zlib.MAX_WBITS  # "deflate" sent as a raw deflate stream
                    self._d = zlib.decompressobj(self._wbits)
                    continue
                raise CorruptBody(f"the compressed body is corrupt ({exc})") from None
            self._started = True
            if out:
                emit(out)
            buf = self._d.unconsumed_tail
            if self._d.eof:
                rest = self._d.unused_data
                if self._gzip and rest[:2] == GZIP_MAGIC:
                    self._d = zlib.decompressobj(self._wbits)
                    buf = rest
                    continue
                self._done = True  # trailing garbage after the stream is ignored
                return
            if not buf and len(out) < _STEP:
                return

    def flush(self, emit: Emit) -> None:
        if not self._done:
            try:
                out = self._d.flush()
            except zlib.error as exc:  # pragma: no cover - flush rarely raises
                raise CorruptBody(f"the compressed body is corrupt ({exc})") from None
            if out:
                emit(out)


_Stage = _Identity | _Inflate


def _stage(coding: str) -> _Stage:
    if coding in ("", "identity"):
        return _Identity()
    if coding in ("gzip", "x-gzip", "deflate"):
        return _Inflate("deflate" if coding == "deflate" else "gzip")
    raise UnsupportedEncoding(f"unsupported Content-Encoding {coding!r}")


def parse_codings(header: str | None) -> list[str]:
    """Content-Encoding values in the order they were applied."""
    return [c.strip().lower() for c in (header or "").split(",") if c.strip()]


class BoundedBody:
    """Accumulates a body, undoing ``codings`` (applied in order), refusing more than ``cap`` bytes.

    Decoded pieces are kept as a list and joined once in :meth:`finish` (an identity body of one
    network chunk is returned as is, without a copy).
    """

    def __init__(self, codings: Sequence[str], cap: int) -> None:
        self.cap = cap
        self.raw_bytes = 0
        self.size = 0  # decoded bytes so far
        self._parts: list[bytes] = []
        self._stages = [_stage(c) for c in reversed(list(codings))]  # last applied is undone first
        self._emitters: list[Emit] = []
        for i in range(len(self._stages)):
            self._emitters.append(self._emitter_for(i + 1))

    def _emitter_for(self, index: int) -> Emit:
        if index >= len(self._stages):
            return self._sink
        stage = self._stages[index]

        def emit(data: bytes) -> None:
            stage.feed(data, self._emitters[index])

        return emit

    def _sink(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.cap:
            raise BodyTooLarge(f"more than {self.cap} bytes after decoding")
        self._parts.append(data)

    def feed(self, chunk: bytes) -> None:
        self.raw_bytes += len(chunk)
        if not self._stages:
            if chunk:
                self._sink(chunk)
        else:
            self._stages[0].feed(chunk, self._emitters[0])

    def finish(self) -> bytes:
        for i, stage in enumerate(self._stages):
            stage.flush(self._emitters[i])
        parts, self._parts = self._parts, []
        return parts[0] if len(parts) == 1 else b"".join(parts)


def gunzip_bounded(data: bytes, cap: int) -> bytes:
    """Inflate a gzip file body (e.g. ``sitemap.xml.gz``) under the same cap."""
    body = BoundedBody(["gzip"], cap)
    body.feed(data)
    return body.finish()


__all__ = [
    "BoundedBody",
    "BodyTooLarge",
    "CorruptBody",
    "UnsupportedEncoding",
    "GZIP_MAGIC",
    "parse_codings",
    "gunzip_bounded",
]
