"""sources.csv parsing (extractors/sources.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.sources import DEFAULT_SOURCES, load_sources, parse_sources
from extractors.urls import is_http_url
from records.errors import ParseError

HEADER = "source_id,name,outlet,homepage,feeds,sitemaps,language,country,timezone\n"


def test_bundled_sources_file() -> None:
    specs = load_sources()
    ids = {s.source_id for s in specs}
    assert {"egindo", "cna", "antara", "kompas", "detik", "reuters", "ap"} <= ids
    for s in specs:
        assert is_http_url(s.homepage), s.source_id
        assert s.feeds or s.sitemaps, s.source_id
        assert all(is_http_url(u) for u in s.feeds + s.sitemaps), s.source_id
        assert "{BASE}" not in s.homepage  # the demo row lives in demo_site/source.csv
    by_id = {s.source_id: s for s in specs}
    assert by_id["egindo"].outlet_name == "EGINDO.co" and by_id["egindo"].timezone == "Asia/Jakarta"
    assert by_id["cna"].timezone == "Asia/Singapore" and by_id["ap"].timezone == "America/New_York"
    assert load_sources(DEFAULT_SOURCES) == specs


def test_pipe_separated_lists_and_defaults() -> None:
    text = HEADER + (
        "x,X News,, https://x.example/ , https://x.example/a.xml | https://x.example/b.xml ,,,,\n"
        "#off,Disabled,,https://off.example/,,,,,\n"
        "\n"
    )
    (spec,) = parse_sources(text)
    assert spec.feeds == ("https://x.example/a.xml", "https://x.example/b.xml")
    assert spec.sitemaps == () and spec.homepage == "https://x.example/"
    assert spec.language == "en" and spec.timezone == "UTC" and spec.outlet_name == "X News"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("source_id,name\nx,X\n", "missing column"),
        (HEADER + "x,X,,https://x/,,,en,US,Mars/Olympus\n", "unknown timezone"),
        (HEADER + "x,X,,https://x/,,,en,US,UTC\nx,Y,,https://y/,,,en,US,UTC\n", "duplicate source_id"),
    ],
)
def test_bad_files_raise_parse_error(text: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_sources(text)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="cannot read"):
        load_sources(tmp_path / "nope.csv")
