"""Golden extraction tests: ``extract_page`` on real pages against human ground truth.

Pages and labels live in ``tests/fixtures/pages/<site>/`` (copied from trafilatura's Apache-2.0
test set; see the README there).  Every ``with`` snippet must be in the main text, no ``without``
snippet may be, and title/date/author must match where the eval set gives them (date by day).
Rebuild the fixtures with ``scripts/regen_extract_golden.py`` -- never from our own output.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from extractors.extract import extract_page

PAGES_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
CASES = sorted(PAGES_DIR.glob("*/*.expected.json"))


def _load(expected_path: Path) -> tuple[bytes, dict[str, Any]]:
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    page = expected_path.with_name(expected_path.name.removesuffix(".expected.json") + ".html.gz")
    html = gzip.decompress(page.read_bytes())
    assert hashlib.sha256(html).hexdigest() == expected["origin"]["sha256_uncompressed"], (
        "fixture page altered"
    )
    return html, expected


def test_fixture_set_is_present_and_mixed() -> None:
    """Guard against an emptied or one-sided fixture folder silently passing."""
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in CASES]
    assert len(docs) >= 8
    langs = {(d.get("lang_declared") or "")[:2] for d in docs}
    assert {"en", "de", "fr"} <= langs
    assert any(d["utf8_valid"] is False for d in docs), "need a non-UTF-8 page"
    assert sum(1 for d in docs if {"title", "date", "author"} <= d.keys()) >= 3


@pytest.mark.parametrize("expected_path", CASES, ids=[p.name.removesuffix(".expected.json") for p in CASES])
def test_golden_page(expected_path: Path) -> None:
    html, exp = _load(expected_path)
    got = extract_page(html, url=exp["url"])

    missing = [s for s in exp["with"] if s not in got.text]
    leaked = [s for s in exp["without"] if s in got.text]
    assert not missing, f"main text lacks {missing}"
    assert not leaked, f"main text contains boilerplate {leaked}"
    assert "\ufffd" not in got.text, "mis-decoded characters in the main text"

    if "title" in exp:
        assert got.title == exp["title"]
    if "date" in exp:
        assert got.date is not None, "no publication date extracted"
        assert date.fromisoformat(got.date[:10]) == date.fromisoformat(exp["date"][:10])
    if "author" in exp:
        assert "; ".join(got.authors) == exp["author"]


def test_non_utf8_page_decoded_str_gives_same_text() -> None:
    """The fetcher may hand over a ``str`` decoded with the declared charset: same result as bytes."""
    html, exp = _load(PAGES_DIR / "landwirt.com" / "landwirt.com.sensortechnik.expected.json")
    assert exp["charset_declared"] == "iso-8859-1"
    with pytest.raises(UnicodeDecodeError):
        html.decode("utf-8")
    from_bytes = extract_page(html, url=exp["url"])
    from_str = extract_page(html.decode("iso-8859-1"), url=exp["url"])
    assert "Köllitsch (D)" in from_bytes.text
    assert from_str.text == from_bytes.text
