"""Wrong, missing and lying charsets, served by a real server: the decoded text must be right.

Expected substrings are the hand-written sentences in tests/fixtures/hostile/ (see its README).
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from fetchers.content import binary_reason, declared_charsets, decode_text, looks_like_html, media_type
from tests.fetchers.serving import Site, fetch

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "hostile"


def _load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def _codec(name: str | None) -> str:
    assert name
    return codecs.lookup(name).name


@pytest.mark.parametrize(
    ("fixture", "content_type", "expected_codec", "must_contain"),
    [
        (
            "cp1252_meta.html",
            "text/html",
            "cp1252",
            ["café", "façade", "« c’est très injuste »", "grève —"[:5]],
        ),
        ("gbk_undeclared.html", "text/html; charset=gbk", "gbk", ["印度尼西亚总统", "经济改革"]),
        ("gbk_undeclared.html", "text/html", None, ["印度尼西亚总统", "经济改革"]),
        ("cp1251_undeclared.html", "text/html", "cp1251", ["Министр обороны России", "Джакарте"]),
        (
            "latin1_bytes.html",
            "text/html; charset=utf-8",
            None,
            ["Grüße aus München", "Straße", "Bürogebäude"],
        ),
    ],
)
def test_declared_and_detected_charsets(
    fixture: str, content_type: str, expected_codec: str | None, must_contain: list[str]
) -> None:
    body = _load(fixture)
    with Site({"/p": (200, {"Content-Type": content_type}, body)}) as site:
        r = fetch(site, "/p")
    assert r.ok and r.body == body, "raw bytes are kept untouched"
    for fragment in must_contain:
        assert fragment in (r.text or ""), (fragment, r.charset)
    assert "\ufffd" not in (r.text or "")
    if expected_codec:
        assert _codec(r.charset) == expected_codec
    # the charset reported is really the one used
    assert body.decode(r.charset or "") == r.text


def test_latin1_labelled_utf8_notes_the_wrong_label() -> None:
    with Site(
        {"/p": (200, {"Content-Type": "text/html; charset=utf-8"}, _load("latin1_bytes.html"))}
    ) as site:
        r = fetch(site, "/p")
    assert r.ok and _codec(r.charset) in {"cp1252", "latin_1", "iso8859-15", "iso8859_15"}
    note = r.attempts[-1].error or ""
    assert "utf-8" in note and r.attempts[-1].error_class is None


def test_invalid_utf8_bytes_are_replaced_and_noted() -> None:
    body = _load("utf8_invalid_bytes.html")
    with Site({"/p": (200, {"Content-Type": "text/html; charset=utf-8"}, body)}) as site:
        r = fetch(site, "/p")
    assert r.ok and r.charset == "utf-8" and r.body == body
    text = r.text or ""
    assert "Jakarta — Menteri Pertahanan" in text and "“Kopi Kenangan”" in text and "Café" in text
    assert "kerja\ufffd\ufffdsama" in text
    assert "replaced" in (r.attempts[-1].error or "")


# -- pure helpers --------------------------------------------------------------------------------


def test_media_type_parsing() -> None:
    assert media_type('Text/HTML; Charset="ISO-8859-1"') == ("text/html", "ISO-8859-1")
    assert media_type(None) == (None, None)
    assert media_type("application/xhtml+xml") == ("application/xhtml+xml", None)


def test_charset_precedence_bom_header_meta_xml() -> None:
    meta = b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251"></head>'
    assert declared_charsets(meta, None) == ["cp1251"]
    assert declared_charsets(meta, "utf-8") == ["utf-8", "cp1251"]
    assert declared_charsets(codecs.BOM_UTF8 + meta, "cp1251") == ["utf-8-sig", "cp1251"]
    xml = b'<?xml version="1.0" encoding="ISO-8859-1"?><rss/>'
    assert declared_charsets(xml, None) == ["cp1252"]  # WHATWG: latin-1 read as its superset
    assert declared_charsets(b"<html>", "no-such-charset") == []


def test_undeclared_valid_utf8_stays_utf8() -> None:
    d = decode_text("<p>Prabowo menyatakan — “ya”</p>".encode())
    assert d.charset == "utf-8" and d.note is None and "“ya”" in d.text


def test_bom_utf16_page_decodes() -> None:
    body = "<html><body>Zürich</body></html>".encode("utf-16")
    assert binary_reason(body) is None
    assert decode_text(body, None).text.endswith("Zürich</body></html>")


def test_binary_and_html_sniffing() -> None:
    assert binary_reason(b"%PDF-1.7 ...") == "the body is a PDF document"
    assert binary_reason(b"<html>\x00\x00</html>") == "the body contains NUL bytes"
    assert binary_reason(bytes(range(1, 32)) * 10) is not None
    assert binary_reason(b"<p>Normal text with\ttabs\nand newlines</p>") is None
    assert looks_like_html(b"\n\n  <!DOCTYPE html><html>")
    assert looks_like_html(b"<div class=x>fragment</div>")
    assert not looks_like_html(b"plain words only")
