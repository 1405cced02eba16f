"""Migrations: apply on an empty file, re-run is a no-op, a failing file rolls back completely."""

from __future__ import annotations

from pathlib import Path

import pytest

import warehouse
from records.errors import WarehouseError
from warehouse.migrate import MIGRATIONS_DIR, list_migrations, migrate, schema_version

EXPECTED_TABLES = {
    "agencies",
    "article_dates",
    "articles",
    "attributions",
    "failures",
    "feed_state",
    "fetches",
    "raw_pages",
    "run_sources",
    "runs",
    "schema_version",
    "search_docs",
    "sources",
    "url_state",
}


def _tables(con) -> set[str]:
    return {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}


def test_migrations_apply_on_empty_file_and_rerun_is_noop(db_path: Path) -> None:
    con = warehouse.connect(db_path)
    try:
        applied = migrate(con)
        assert applied == [m.name for m in list_migrations()]
        assert applied[0] == "0001_create_core_tables.sql"
        assert EXPECTED_TABLES | {"v_article_sources", "v_source_health"} <= _tables(con)
        assert migrate(con) == []
        assert schema_version(con) == list_migrations()[-1].version
        rows = con.execute("SELECT version, name FROM schema_version ORDER BY version").fetchall()
        assert [name for _, name in rows] == applied
    finally:
        con.close()
    # a new process (new connection) sees the schema as applied
    con = warehouse.connect(db_path)
    try:
        assert migrate(con) == []
    finally:
        con.close()


def test_no_key_or_index_on_articles(db_path: Path) -> None:
    """Measured on DuckDB 1.5.5: any ART index on the wide table made every checkpoint rewrite it."""
    con = warehouse.connect(db_path)
    try:
        migrate(con)
        constraints = con.execute(
            "SELECT constraint_type FROM duckdb_constraints() WHERE table_name = 'articles' "
            "AND constraint_type IN ('PRIMARY KEY', 'UNIQUE')"
        ).fetchall()
        indexes = con.execute(
            "SELECT index_name FROM duckdb_indexes() WHERE table_name = 'articles'"
        ).fetchall()
        assert constraints == [] and indexes == []
    finally:
        con.close()


def test_failing_migration_rolls_back(tmp_path: Path, db_path: Path) -> None:
    mig = tmp_path / "migs"
    mig.mkdir()
    (mig / "0001_create_a.sql").write_text("CREATE TABLE a (x INTEGER);")
    (mig / "0002_break_things.sql").write_text(
        "CREATE TABLE b (x INTEGER); ALTER TABLE a ADD COLUMN y INTEGER; INSERT INTO nope VALUES (1);"
    )
    con = warehouse.connect(db_path)
    try:
        with pytest.raises(WarehouseError, match="0002_break_things.sql"):
            migrate(con, mig)
        assert "a" in _tables(con) and "b" not in _tables(con)
        assert [
            r[0]
            for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'a'"
            ).fetchall()
        ] == ["x"]
        assert schema_version(con) == 1
    finally:
        con.close()


def test_renamed_or_out_of_order_migrations_are_refused(tmp_path: Path, db_path: Path) -> None:
    mig = tmp_path / "migs"
    mig.mkdir()
    (mig / "0002_create_a.sql").write_text("CREATE TABLE a (x INTEGER);")
    con = warehouse.connect(db_path)
    try:
        migrate(con, mig)
        (mig / "0001_create_b.sql").write_text("CREATE TABLE b (x INTEGER);")
        with pytest.raises(WarehouseError, match="numbered below"):
            migrate(con, mig)
        (mig / "0001_create_b.sql").unlink()
        (mig / "0002_create_a.sql").rename(mig / "0002_create_aa.sql")
        with pytest.raises(WarehouseError, match="renamed or edited"):
            migrate(con, mig)
    finally:
        con.close()


def test_migration_file_names_are_well_formed() -> None:
    names = [p.name for p in sorted(MIGRATIONS_DIR.glob("*.sql"))]
    assert names == [m.name for m in list_migrations()]
    assert [m.version for m in list_migrations()] == list(range(1, len(names) + 1))
    notes = (MIGRATIONS_DIR.parent / "MIGRATIONS.md").read_text(encoding="utf-8")
    for name in names:
        assert name in notes, f"{name} is not described in warehouse/MIGRATIONS.md"
