"""Seeds: replace-all, idempotent, tolerant of extra columns, a missing file loads nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

import warehouse
from records.errors import WarehouseError
from warehouse.seeds import parse_bool, parse_list


def _snapshot(con) -> tuple[list, list]:
    sources = con.execute(
        "SELECT source_id, name, outlet, homepage, feeds, sitemaps, language, country, timezone "
        "FROM sources ORDER BY source_id"
    ).fetchall()
    agencies = con.execute(
        "SELECT canonical, aliases, country, kind, domains, credit_slot_only, slot_only_aliases "
        "FROM agencies ORDER BY canonical"
    ).fetchall()
    return sources, agencies


def test_seeds_load_and_reload_idempotently(db_path: Path, seeds_dir: Path) -> None:
    with warehouse.open_warehouse(db_path, seeds_dir=seeds_dir) as con:
        first = _snapshot(con)
        assert warehouse.load_seeds(con, seeds_dir) == {"sources": 2, "agencies": 2}
        assert _snapshot(con) == first
    sources, agencies = first
    assert sources == [
        (
            "cna",
            "CNA",
            "CNA",
            "https://www.channelnewsasia.com/",
            ["https://a.example/rss", "https://b.example/rss"],
            [],
            "en",
            "SG",
            "Asia/Singapore",
        ),
        (
            "egindo",
            "EGINDO.co",
            "EGINDO.co",
            "https://www.egindo.co/",
            ["https://www.egindo.co/feed/"],
            ["https://www.egindo.co/sitemap_index.xml"],
            "id",
            "ID",
            "Asia/Jakarta",
        ),
    ]
    assert agencies == [
        ("AFP", ["AFP", "Agence France-Presse"], "FR", "agency", ["afp.com"], None, []),
        (
            "Antara",
            ["Antara", "ANTARA News", "Kantor Berita Antara"],
            "ID",
            "agency",
            ["antaranews.com"],
            False,
            ["ANT"],
        ),
    ]


def test_seeds_replace_all(con, seeds_dir: Path) -> None:
    (seeds_dir / "sources.csv").write_text("source_id,name\nkompas,Kompas.com\n", encoding="utf-8")
    assert warehouse.load_seeds(con, seeds_dir)["sources"] == 1
    assert con.execute("SELECT source_id, name, feeds FROM sources").fetchall() == [
        ("kompas", "Kompas.com", [])
    ]


def test_missing_seed_file_loads_nothing(con, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    before = con.execute("SELECT count(*) FROM sources").fetchone()
    empty = tmp_path / "no-seeds"
    empty.mkdir()
    assert warehouse.load_seeds(con, empty) == {}
    assert con.execute("SELECT count(*) FROM sources").fetchone() == before == (2,)
    assert "sources.csv not found" in caplog.text


def test_the_repository_seeds_load(tmp_path: Path) -> None:
    seeds = warehouse.default_seeds_dir()
    if not (seeds / "sources.csv").is_file():
        pytest.skip("seeds/sources.csv not present")
    with warehouse.open_warehouse(tmp_path / "repo.ducklake") as con:
        n_sources = con.execute("SELECT count(*), count(DISTINCT source_id) FROM sources").fetchone()
        assert n_sources is not None and n_sources[0] == n_sources[1] > 0


@pytest.mark.parametrize(
    ("cell", "tokens", "expected"),
    [
        ("a|b | c", False, ["a", "b", "c"]),
        ("Agence France-Presse;AFP", False, ["Agence France-Presse", "AFP"]),
        ('["x", "y"]', True, ["x", "y"]),
        ("https://a/rss https://b/rss", True, ["https://a/rss", "https://b/rss"]),
        ("Kantor Berita Antara", False, ["Kantor Berita Antara"]),
        ("", True, []),
        (None, False, []),
    ],
)
def test_parse_list(cell: str | None, tokens: bool, expected: list[str]) -> None:
    assert parse_list(cell, tokens=tokens) == expected


def test_parse_bool() -> None:
    assert [parse_bool(v) for v in ("true", "0", "Y", "", None)] == [True, False, True, None, None]
    with pytest.raises(WarehouseError):
        parse_bool("maybe")
