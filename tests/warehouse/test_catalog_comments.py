"""The catalogue documents itself: every table, every column of every table and every view carries a
non-empty ``COMMENT ON`` (migrations 0006 and 0009), readable through ``duckdb_tables()``,
``duckdb_columns()`` and ``duckdb_views()``."""

from __future__ import annotations

from pathlib import Path

import duckdb

import warehouse

_TABLES_WITHOUT_COMMENT = """
SELECT table_name
FROM duckdb_tables()
WHERE database_name = current_database() AND coalesce(trim(comment), '') = ''
ORDER BY table_name
"""

_COLUMNS_WITHOUT_COMMENT = """
SELECT c.table_name, c.column_name
FROM duckdb_columns() c
JOIN duckdb_tables() t
  ON t.database_name = c.database_name AND t.schema_name = c.schema_name AND t.table_name = c.table_name
WHERE c.database_name = current_database() AND coalesce(trim(c.comment), '') = ''
ORDER BY c.table_name, c.column_index
"""

_VIEWS_WITHOUT_COMMENT = """
SELECT view_name
FROM duckdb_views()
WHERE database_name = current_database() AND NOT internal AND coalesce(trim(comment), '') = ''
ORDER BY view_name
"""


def _names(con: duckdb.DuckDBPyConnection, sql: str) -> list[str]:
    return [".".join(str(part) for part in row) for row in con.execute(sql).fetchall()]


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


def test_every_table_column_and_view_has_a_comment(db_path: Path, seeds_dir: Path) -> None:
    with warehouse.open_warehouse(db_path, seeds_dir=seeds_dir) as con:
        assert _count(con, "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database()")
        assert _count(con, "SELECT count(*) FROM duckdb_views() WHERE database_name = current_database()")
        tables = _names(con, _TABLES_WITHOUT_COMMENT)
        columns = _names(con, _COLUMNS_WITHOUT_COMMENT)
        views = _names(con, _VIEWS_WITHOUT_COMMENT)
    missing = [f"table {t}" for t in tables] + [f"column {c}" for c in columns] + [f"view {v}" for v in views]
    assert not missing, "no COMMENT ON (add one in a new migration): " + ", ".join(missing)
