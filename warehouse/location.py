"""Where a warehouse lives: a DuckLake catalog (SQLite file or PostgreSQL) and the folders beside it.

A warehouse is named by one string (``--warehouse``, ``KABAR_WAREHOUSE``):

``kabar.ducklake`` (any path; the embedded default)
    a DuckLake whose catalog is the SQLite file at that path, data files in ``kabar.ducklake.files/``.
    One host, any number of reading and writing processes.
``postgres:dbname=kabar host=127.0.0.1 user=kabar`` or ``postgresql://kabar@127.0.0.1/kabar``
    a DuckLake whose catalog is a PostgreSQL database (libpq keywords or URI). The data folder is
    stored in the catalog; creating the lake needs it once, as ``KABAR_LAKE_DATA_PATH``.
``ducklake:sqlite:PATH`` / ``ducklake:postgres:CONNINFO``
    the same, written as DuckDB's own ``ATTACH`` strings.

Beside the lake's *base* (the catalog file, or the data folder for PostgreSQL) live the raw-page packs
(``<base>.raw/``), the full-text search index (``<base>.search.duckdb``) and DuckDB's spill folder
(``<base>.tmp/``).  A path ending in ``.duckdb`` is a single-file warehouse of Kabar before the lake:
it is only read by ``kabar migrate``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import duckdb

from records.errors import WarehouseError

CatalogKind = Literal["sqlite", "postgres"]
DATA_PATH_ENV = "KABAR_LAKE_DATA_PATH"
LEGACY_SUFFIXES = (".duckdb", ".db")
# the side paths warehouse.connect records on every connection it opens (DuckDB variables)
RAW_DIR_VARIABLE = "kabar_raw_dir"
SEARCH_FILE_VARIABLE = "kabar_search_file"
_PG_PREFIXES = ("postgres:", "postgresql:", "ducklake:postgres:")
_PASSWORD_RE = re.compile(r"(password\s*=\s*)(\S+)|(://[^:/@]+:)([^@]+)(@)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Location:
    """One warehouse: its DuckLake catalog and the local folders derived from it."""

    kind: CatalogKind
    catalog: str  # SQLite: absolute file path; PostgreSQL: libpq conninfo or URI
    data_path: Path | None  # where the lake writes Parquet; None: as stored in an existing catalog

    @property
    def attach_uri(self) -> str:
        return f"ducklake:{self.kind}:{self.catalog}"

    @property
    def display(self) -> str:
        """The location as shown to users (a PostgreSQL password is masked)."""
        if self.kind == "sqlite":
            return self.catalog
        return "postgres:" + _PASSWORD_RE.sub(
            lambda m: (m.group(1) + "***") if m.group(1) else (m.group(3) + "***" + m.group(5)), self.catalog
        )

    def default_data_path(self) -> Path:
        """The data folder a new lake gets: ``<catalog>.files/`` for SQLite; PostgreSQL needs it named."""
        if self.data_path is not None:
            return self.data_path
        if self.kind == "sqlite":
            return Path(self.catalog + ".files")
        raise WarehouseError(
            f"a new PostgreSQL-catalog warehouse needs a data folder: set {DATA_PATH_ENV}=/path/every/worker/mounts"
        )

    @property
    def local_dir(self) -> Path:
        """The folder Kabar keeps its own state in (the managed Prefect server's data)."""
        if self.kind == "sqlite":
            return Path(self.catalog).parent
        return self.data_path.parent if self.data_path is not None else Path.cwd()


def base_for(location: Location, data_path: Path | None) -> Path:
    """The path the side folders are named after: the catalog file, or the lake's data folder."""
    if location.kind == "sqlite":
        return Path(location.catalog)
    path = data_path or location.data_path
    if path is None:
        raise WarehouseError(f"cannot tell where the data of {location.display} lives")
    return Path(str(path).rstrip("/"))


def raw_dir_for(base: Path) -> Path:
    """``<base>.raw``: the raw-page pack folder."""
    return base.with_name(base.name + ".raw")


def search_file_for(base: Path) -> Path:
    """``<base>.search.duckdb``: the local DuckDB file holding the full-text index."""
    return base.with_name(base.name + ".search.duckdb")


def tmp_dir_for(base: Path) -> Path:
    """``<base>.tmp``: where DuckDB spills what does not fit under the memory cap."""
    return base.with_name(base.name + ".tmp")


def sql_text(value: str) -> str:
    """``value`` as a SQL string literal (for the statements that take no parameters: ATTACH, LOAD, SET)."""
    return "'" + value.replace("'", "''") + "'"


def side_path(con: duckdb.DuckDBPyConnection, variable: str) -> Path | None:
    """A folder or file beside the lake that ``warehouse.connect`` recorded on ``con`` (None if not Kabar's)."""
    try:
        row = con.execute("SELECT getvariable(?)", [variable]).fetchone()
    except duckdb.Error:
        return None
    return Path(str(row[0])) if row and row[0] else None


def is_legacy_path(value: str | Path) -> bool:
    """A single-file DuckDB warehouse of Kabar before the lake (``*.duckdb``)."""
    return str(value).lower().endswith(LEGACY_SUFFIXES)


def parse_location(value: str | Path, *, data_path: str | Path | None = None) -> Location:
    """The :class:`Location` named by ``value`` (see the module docstring).

    ``data_path`` (else ``$KABAR_LAKE_DATA_PATH``) names the data folder of a new lake; for an
    existing one the catalog's own record wins.  A ``.duckdb`` path raises :class:`WarehouseError`
    with the command that migrates it.
    """
    text = str(value).strip()
    if not text:
        raise WarehouseError("no warehouse given (--warehouse or KABAR_WAREHOUSE)")
    env_data = data_path if data_path is not None else os.environ.get(DATA_PATH_ENV) or None
    data = Path(env_data).expanduser().resolve() if env_data else None
    lowered = text.lower()
    if lowered.startswith(("postgres://", "postgresql://")):  # a libpq URI, kept whole
        return Location("postgres", text, data)
    for prefix in _PG_PREFIXES:
        if lowered.startswith(prefix):
            return Location("postgres", text[len(prefix) :].strip(), data)
    if lowered.startswith("ducklake:sqlite:"):
        text = text[len("ducklake:sqlite:") :]
    elif lowered.startswith("ducklake:"):
        raise WarehouseError(f"unsupported DuckLake catalog in {text!r}: use ducklake:sqlite:… or postgres:…")
    if text.startswith(":memory:"):
        raise WarehouseError(
            "an in-memory warehouse is not supported: name a catalog file such as kabar.ducklake"
        )
    if is_legacy_path(text):
        raise WarehouseError(
            f"{text} is a single-file DuckDB warehouse of an earlier Kabar. The warehouse is now a DuckLake "
            f"that can be read while it is written: migrate it once with `kabar migrate {text}` (writes "
            "./kabar.ducklake, or --warehouse TARGET), then use the new warehouse"
        )
    return Location("sqlite", str(Path(text).expanduser().resolve()), data)


__all__ = [
    "DATA_PATH_ENV",
    "RAW_DIR_VARIABLE",
    "SEARCH_FILE_VARIABLE",
    "side_path",
    "sql_text",
    "CatalogKind",
    "Location",
    "base_for",
    "is_legacy_path",
    "parse_location",
    "raw_dir_for",
    "search_file_for",
    "tmp_dir_for",
]
