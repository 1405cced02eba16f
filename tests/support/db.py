"""Small typed helpers for tests that read the warehouse."""

from __future__ import annotations

from typing import Any

import duckdb


def one(cur: duckdb.DuckDBPyConnection) -> tuple[Any, ...]:
    """The row a query must return (the test fails, readably, when there is none)."""
    row = cur.fetchone()
    assert row is not None, "the query returned no row"
    return row


def read_one(path: Any, sql: str) -> tuple[Any, ...]:
    """The one row ``sql`` returns from the warehouse at ``path`` (a path or a ``warehouse.Location``), read-only."""
    import warehouse

    con = warehouse.connect(path, read_only=True)
    try:
        return one(con.execute(sql))
    finally:
        con.close()


def duckdb_says(limit: str) -> str:
    """How DuckDB itself reports ``memory_limit = limit`` (its own formatting, not Kabar's)."""
    con = duckdb.connect()
    try:
        con.execute(f"SET memory_limit = '{limit}'")
        return str(one(con.execute("SELECT current_setting('memory_limit')"))[0])
    finally:
        con.close()
