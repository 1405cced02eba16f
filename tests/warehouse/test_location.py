"""Naming a warehouse: SQLite-catalog lakes by path, PostgreSQL ones by connection string, old files refused."""

from __future__ import annotations

from pathlib import Path

import pytest

import warehouse
from records.errors import WarehouseError
from tests.support.db import one, read_one
from warehouse.location import parse_location


def test_a_path_is_a_sqlite_catalog_with_its_folders_beside_it(tmp_path: Path) -> None:
    loc = parse_location(tmp_path / "news.ducklake")
    assert loc.kind == "sqlite" and loc.attach_uri == f"ducklake:sqlite:{tmp_path / 'news.ducklake'}"
    assert loc.default_data_path() == tmp_path / "news.ducklake.files"
    assert parse_location(f"ducklake:sqlite:{tmp_path}/x.lake").catalog == str(tmp_path / "x.lake")


@pytest.mark.parametrize(
    ("given", "conninfo"),
    [
        ("postgres:dbname=kabar host=127.0.0.1", "dbname=kabar host=127.0.0.1"),
        ("ducklake:postgres:dbname=k port=5433", "dbname=k port=5433"),
        ("postgresql://kb:secret@127.0.0.1:5433/kabar", "postgresql://kb:secret@127.0.0.1:5433/kabar"),
    ],
)
def test_postgres_catalogs_are_connection_strings(given: str, conninfo: str, tmp_path: Path) -> None:
    loc = parse_location(given, data_path=tmp_path / "lake")
    assert (loc.kind, loc.catalog, loc.data_path) == ("postgres", conninfo, tmp_path / "lake")
    assert "secret" not in loc.display


def test_a_new_postgres_lake_needs_a_data_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KABAR_LAKE_DATA_PATH", raising=False)
    with pytest.raises(WarehouseError, match="KABAR_LAKE_DATA_PATH"):
        parse_location("postgres:dbname=kabar").default_data_path()


def test_an_old_single_file_warehouse_is_refused_with_the_migration_command(tmp_path: Path) -> None:
    with pytest.raises(WarehouseError, match="kabar migrate"):
        warehouse.connect(tmp_path / "kabar.duckdb")
    assert not (tmp_path / "kabar.duckdb").exists()


@pytest.mark.parametrize("folder", ["o'brien", "with space"])
def test_any_folder_name_works_and_spills_beside_the_catalog(tmp_path: Path, folder: str) -> None:
    path = tmp_path / folder / "kabar.ducklake"
    con = warehouse.connect(path)
    try:
        assert one(con.execute("SELECT current_setting('temp_directory')")) == (str(path.resolve()) + ".tmp",)
        con.execute("CREATE TABLE t AS SELECT 1 AS i")
    finally:
        warehouse.close(con)
    assert read_one(path, "SELECT count(*) FROM t") == (1,)
    assert (tmp_path / folder / "kabar.ducklake.files").is_dir()


@pytest.mark.parametrize("name", ["ducklake", "sqlite_scanner", "postgres_scanner", "fts"])
def test_the_shipped_extensions_are_signed_builds(name: str) -> None:
    """Kabar's connections skip DuckDB's per-LOAD signature check (110 ms a connect); this loads each
    shipped binary with the check on, so an unsigned or altered file fails here."""
    import duckdb

    con = duckdb.connect(config={"autoinstall_known_extensions": False, "allow_unsigned_extensions": False})
    try:
        con.execute(f"LOAD '{warehouse.connection.extension_path(name)}'")
        loaded = con.execute(
            "SELECT loaded FROM duckdb_extensions() WHERE extension_name = ?", [name]
        ).fetchall()
        assert loaded == [(True,)]
    finally:
        con.close()
