"""What a body is: media type, HTML/binary sniffing, and decoding bytes to text.

Charset order (first that decodes strictly wins): byte-order mark, the HTTP ``charset`` parameter,
``<meta charset>``/``http-equiv`` in the first 4 KB, the XML declaration; then, when nothing was
declared or every declared label failed: strict UTF-8, "mostly UTF-8" (UTF-8 with replacement, and
a note), charset-normalizer detection, and finally UTF-8 with replacement.  Labels follow the WHATWG
habit of reading ``iso-8859-1``/``ascii`` as windows-1252 and ``gb2312`` as GBK (supersets).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset(
    {
        "application/json",
        "application/feed+json",
        "application/gzip",
        "application/x-gzip",
        "application/octet-stream",  # only when the body is gzip or looks like XML (checked later)
    }
)
_BINARY_SIGNATURES = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "gzip data"),
    (b"RIFF", "a RIFF (WebP/AVI/WAV) file"),
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SUPERSETS = {"latin_1": "cp1252", "iso8859-1": "cp1252", "ascii": "cp1252", "gb2312": "gbk"}
_PREFERRED = (
    "utf_8", "ascii", "cp1252", "gb18030", "gbk", "big5", "shift_jis", "euc_kr", "cp1251", "koi8_r",
    "cp1250", "iso8859_15", "cp1256", "cp1253", "cp1254", "cp1255", "cp874", "euc_jp", "cp1257",
)  # fmt: skip
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:+-]+)", re.IGNORECASE)
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9_.:+-]+)[\"']", re.IGNORECASE)
_HTML_SNIFF = re.compile(rb"<(!doctype\s+html|html|head|body|title|meta|div|p|article)[\s>/]", re.IGNORECASE)
_CONTROL = frozenset(range(32)) - {9, 10, 12, 13} | {127}
_CONTROL_BYTES = bytes(sorted(_CONTROL))  # for bytes.translate(None, delete): C-speed counting


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    charset: str
    note: str | None = None  # e.g. invalid bytes replaced


def media_type(content_type: str | None) -> tuple[str | None, str | None]:
    """``("text/html", "utf-8")`` from a Content-Type header (lower-case; None when absent)."""
    if not content_type or not content_type.strip():
        return None, None
    parts = content_type.split(";")
    mime = parts[0].strip().lower() or None
    charset = None
    for param in parts[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'").strip() or None
    return mime, charset


def is_html_type(mime: str | None) -> bool:
    return mime in HTML_TYPES


def is_feed_type(mime: str | None) -> bool:
    if mime is None or mime in FEED_TYPES or mime.startswith("text/"):
        return True
    return "xml" in mime or "rss" in mime or "atom" in mime


def looks_like_html(body: bytes) -> bool:
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    return bool(_HTML_SNIFF.search(head))


def looks_like_xml(body: bytes) -> bool:
    return body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def binary_reason(body: bytes) -> str | None:
    """Why a body that claims to be text is binary (signature, NUL bytes, control characters), or None."""
    if any(body.startswith(bom) for bom, name in _BOMS if name != "utf-8-sig"):
        return None  # UTF-16/32 text legitimately contains NUL bytes
    for magic, label in _BINARY_SIGNATURES:
        if body.startswith(magic):
            return f"the body is {label}"
    head = body[:4096]
    if not head:
        return None
    if b"\x00" in head:
        return "the body contains NUL bytes"
    control = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if control / len(head) > 0.05:
        return f"{control} of the first {len(head)} bytes are control characters"
    return None


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().lower()).name
    except (LookupError, ValueError):
        return None
    return _SUPERSETS.get(name, name)


def declared_charsets(body: bytes, header_charset: str | None) -> list[str]:
    """Python codec names declared for this body, most authoritative first (duplicates removed)."""
    labels: list[str | None] = []
    for bom, name in _BOMS:
        if body.startswith(bom):
            labels.append(name)
            break
    labels.append(header_charset)
    head = body[:4096]
    m = _META_CHARSET.search(head)
    labels.append(m.group(1).decode("ascii") if m else None)
    x = _XML_DECL.search(head)
    labels.append(x.group(1).decode("ascii") if x else None)
    out: list[str] = []
    for label in labels:
        codec = _codec(label)
        if codec and codec not in out:
            out.append(codec)
    return out


def _strict(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        if codec == "cp1252":  # bytes undefined in windows-1252: fall back to the real latin-1
            return body.decode("latin-1")
        return None


def _mostly_utf8(body: bytes) -> tuple[bool, int]:
    """(valid multi-byte UTF-8 sequences outnumber invalid bytes, number of invalid sequences)."""
    text = body.decode("utf-8", "replace")
    bad = text.count("\ufffd") - body.decode("utf-8", "ignore").count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 127 and ch != "\ufffd")
    return good > bad, bad


def _detect(body: bytes) -> str | None:
    """charset-normalizer's guess; among equally clean guesses, prefer the commonest web encodings."""
    matches = list(from_bytes(body[: 512 * 1024]))
    if not matches:
        return None
    floor = min(m.chaos for m in matches)
    tied = [m.encoding for m in matches if m.chaos <= floor + 0.01]
    for preferred in _PREFERRED:
        if preferred in tied:
            return preferred
    return tied[0]


def decode_text(body: bytes, header_charset: str | None = None) -> Decoded:
    """Decode ``body`` with its declared charset, else a detected one (see module docstring)."""
    declared = declared_charsets(body, header_charset)
    for codec in declared:
        text = _strict(body, codec)
        if text is not None:
            return Decoded(text, "utf-8" if codec == "utf-8-sig" else codec)
    failed = f"declared {', '.join(declared)} did not decode" if declared else "no charset declared"
    if not declared:
        text = _strict(body, "utf-8")
        if text is not None:
            return Decoded(text, "utf-8")
    mostly, bad = _mostly_utf8(body)
    if mostly:
        return Decoded(
            body.decode("utf-8", "replace"),
            "utf-8",
            f"{failed}; decoded as UTF-8 with {bad} invalid byte sequence(s) replaced by U+FFFD",
        )
    detected = _detect(body)
    if detected:
        codec = _codec(detected) or detected
        text = _strict(body, codec)
        if text is not None:
            if codec != "cp1252" and _strict(body, "cp1252") == text:
                codec = "cp1252"  # same characters either way: name the commonest web encoding
            note = f"{failed}; detected {codec}" if declared else None
            return Decoded(text, codec, note)
    return Decoded(
        body.decode("utf-8", "replace"), "utf-8", f"{failed}; decoded as UTF-8 with invalid bytes replaced"
    )


__all__ = [
    "Decoded",
    "media_type",
    "is_html_type",
    "is_feed_type",
    "looks_like_html",
    "looks_like_xml",
    "binary_reason",
    "declared_charsets",
    "decode_text",
]
