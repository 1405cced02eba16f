"""``kabar shell``: the DuckDB command-line shell on the warehouse, read-only, views ready.

The shell is the ``duckdb`` executable of the ``duckdb-cli`` package (the same DuckDB version as
Kabar's).  It starts in memory, loads the DuckLake extensions from Kabar's wheels (no network), attaches
the lake read-only as ``kabar`` and makes it the current database, so ``FROM articles`` and the views
work at once.  A read-only attach never blocks a writer, and a writer never blocks it.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from warehouse.connection import attach_sql, extension_path
from warehouse.location import parse_location

_CATALOG_EXTENSION = {"sqlite": "sqlite_scanner", "postgres": "postgres_scanner"}


def shell_sql(warehouse: str) -> str:
    """The statements that open ``warehouse`` read-only in a fresh DuckDB (CLI, notebook, script)."""
    location = parse_location(warehouse)
    loads = [
        f"LOAD '{extension_path(name)}';" for name in ("ducklake", _CATALOG_EXTENSION[location.kind], "fts")
    ]
    return "\n".join([*loads, attach_sql(location, read_only=True) + ";", "USE kabar;"])


def duckdb_executable() -> str | None:
    """The ``duckdb`` CLI installed beside this Python (the duckdb-cli wheel), else one on PATH."""
    beside = Path(sys.executable).with_name("duckdb")
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("duckdb")


def shell_command(warehouse: str, *, print_only: bool = False) -> int:
    """Replace this process with the DuckDB CLI on ``warehouse`` (or print the SQL that attaches it)."""
    sql = shell_sql(warehouse)
    if print_only:
        print(sql)
        return 0
    exe = duckdb_executable()
    if exe is None:
        print(
            "kabar: the duckdb CLI is not installed (pip install duckdb-cli==1.5.5); the SQL to run:",
            file=sys.stderr,
        )
        print(sql)
        return 2
    print(f"DuckDB shell on {parse_location(warehouse).display} (read-only; .quit to leave)", file=sys.stderr)
    os.execv(exe, [exe, "-cmd", sql.replace("\n", " ")])
    return 0  # pragma: no cover (execv does not return)
