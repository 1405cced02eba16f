"""Full-text search: load the fts extension offline and rebuild a title + lead index.

The index lives on the side table ``search_docs`` (title + first 1,500 characters of the text,
about 5x cheaper than indexing whole articles, docs/duckdb.md §5).  DuckDB does not maintain it
incrementally: call :func:`rebuild_search_index` after a load.  Articles mix Indonesian and English,
so the index uses no stemmer and no stop-word list.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

import duckdb

from extractors.errors import WarehouseError
from warehouse.load import transaction

LEAD_CHARS = 1500


def fts_extension_path() -> Path:
    """The fts binary shipped by the ``duckdb-extension-fts`` wheel for this DuckDB version."""
    try:
        root = Path(str(importlib.resources.files("duckdb_extension_fts")))
    except ModuleNotFoundError as exc:
        raise WarehouseError("package duckdb-extension-fts is not installed") from exc
    path = root / "extensions" / f"v{duckdb.__version__}" / "fts.duckdb_extension"
    if not path.is_file():
        raise WarehouseError(f"no fts extension for DuckDB {duckdb.__version__} at {path}")
    return path


def load_fts(con: duckdb.DuckDBPyConnection) -> None:
    """``LOAD`` the fts extension from site-packages (no network, nothing written under HOME)."""
    path = str(fts_extension_path())
    if "'" in path:
        raise WarehouseError(f"unsupported character in extension path {path!r}")
    try:
        con.execute(f"LOAD '{path}'")
    except duckdb.Error as exc:
        raise WarehouseError(f"cannot load the fts extension from {path}: {exc}") from exc


def rebuild_search_index(con: duckdb.DuckDBPyConnection) -> int:
    """Refill ``search_docs`` from ``articles`` and rebuild its BM25 index; return documents indexed."""
    load_fts(con)
    with transaction(con, "rebuild_search_index"):
        con.execute("DELETE FROM search_docs")
        con.execute(
            "INSERT INTO search_docs (article_id, title, lead) "
            "SELECT article_id, coalesce(title, ''), left(coalesce(text, ''), $lead) FROM articles",
            {"lead": LEAD_CHARS},
        )
    try:
        con.execute(
            "PRAGMA create_fts_index('search_docs', 'article_id', 'title', 'lead', "
            "stemmer = 'none', stopwords = 'none', strip_accents = 1, lower = 1, overwrite = 1)"
        )
    except duckdb.Error as exc:
        raise WarehouseError(f"building the search index failed: {exc}") from exc
    row = con.execute("SELECT count(*) FROM search_docs").fetchone()
    return int(row[0]) if row else 0


__all__ = ["LEAD_CHARS", "fts_extension_path", "load_fts", "rebuild_search_index"]
