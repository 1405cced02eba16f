"""Schema migrations: numbered ``migrations/NNNN_verb_object.sql`` files, each applied once.

Each file runs in its own transaction together with its ``schema_version`` row, so a failing
migration leaves the schema exactly as it was.  A merged migration is never edited; a fix is a new
file.  ``MIGRATIONS.md`` describes each one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from records.errors import WarehouseError
from warehouse.conflicts import atomic, retry_conflicts

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_NAME_RE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    path: Path


def list_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """The migration files in version order; duplicate or malformed numbers are an error."""
    found: dict[int, Migration] = {}
    for path in sorted(directory.glob("*.sql")):
        match = _NAME_RE.match(path.name)
        if match is None:
            raise WarehouseError(f"migration file name {path.name!r} is not NNNN_verb_object.sql")
        version = int(match.group(1))
        if version in found:
            raise WarehouseError(
                f"two migrations share number {version:04d}: {found[version].name} and {path.name}"
            )
        found[version] = Migration(version, path.name, path)
    return [found[v] for v in sorted(found)]


_SCHEMA_VERSION_DDL = (
    "CREATE TABLE IF NOT EXISTS schema_version ("
    " version INTEGER NOT NULL, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ)"
)


def _applied(con: duckdb.DuckDBPyConnection) -> dict[int, str]:
    # two processes creating a new lake at once: the loser retries and finds the table there
    retry_conflicts("create schema_version", lambda: con.execute(_SCHEMA_VERSION_DDL))
    rows = con.execute("SELECT version, name FROM schema_version ORDER BY version").fetchall()
    return {int(v): str(n) for v, n in rows}


def migrate(con: duckdb.DuckDBPyConnection, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Apply every migration not yet recorded in ``schema_version``; return their file names."""
    migrations = list_migrations(directory)
    applied = _applied(con)
    latest = max(applied, default=0)
    for m in migrations:
        if m.version in applied and applied[m.version] != m.name:
            raise WarehouseError(
                f"migration {m.version:04d} was applied as {applied[m.version]!r} but the file is now "
                f"{m.name!r}; migrations must not be renamed or edited once applied"
            )
    pending = [m for m in migrations if m.version not in applied]
    for m in pending:
        if m.version < latest:
            raise WarehouseError(
                f"migration {m.name} is numbered below the newest applied one ({latest:04d}); "
                "renumber it after the newest migration"
            )
    names: list[str] = []
    for m in pending:
        sql = m.path.read_text(encoding="utf-8")

        def apply(m: Migration = m, sql: str = sql) -> bool:
            # another process may have applied it since we looked (both opened a new lake at once)
            done = con.execute(
                "SELECT count(*) FROM schema_version WHERE version = ?", [m.version]
            ).fetchone()
            if done and done[0]:
                return False
            con.execute(sql)
            con.execute(
                "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, now())",
                [m.version, m.name],
            )
            return True

        # a failure raises WarehouseError("migration NNNN_… failed and was rolled back: …")
        if atomic(con, f"migration {m.name}", apply):
            names.append(m.name)
    return names


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The newest applied migration number (0 for an empty warehouse)."""
    return max(_applied(con), default=0)


__all__ = ["MIGRATIONS_DIR", "Migration", "list_migrations", "migrate", "schema_version"]
