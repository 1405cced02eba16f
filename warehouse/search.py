"""Full-text search: load the fts extension offline and rebuild a title + lead index.

The index lives on the side table ``search_docs`` (title + first 1,500 characters of the text,
about 5x cheaper than indexing whole articles, docs/duckdb.md §5).  DuckDB does not maintain it
incrementally: the daily ``maintenance`` flow rebuilds it, ``kabar search --rebuild`` does on demand,
and :func:`stale_search_docs` counts the articles it does not reflect yet (about 55 s to rebuild over
100k articles, so not after every ingest run).  Articles mix Indonesian and English, so the index uses
no stemmer and no stop-word list.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

import duckdb

from extractors.errors import WarehouseError
from warehouse.load import transaction
from warehouse.named import read_query

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


def search_index_exists(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a BM25 index over ``search_docs`` has been built in this warehouse."""
    row = con.execute(
        "SELECT count(*) FROM duckdb_schemas() WHERE schema_name = 'fts_main_search_docs'"
    ).fetchone()
    return bool(row and row[0])


# articles whose title or lead differs from what the index holds (new or changed since the last
# build), plus indexed documents whose article is gone
_STALE_SQL = """
SELECT (SELECT count(*) FROM articles a LEFT JOIN search_docs d USING (article_id)
        WHERE d.article_id IS NULL OR d.title IS DISTINCT FROM coalesce(a.title, '')
           OR d.lead IS DISTINCT FROM left(coalesce(a.text, ''), $lead))
     + (SELECT count(*) FROM search_docs d WHERE NOT EXISTS
        (SELECT 1 FROM articles a WHERE a.article_id = d.article_id))
"""


def stale_search_docs(con: duckdb.DuckDBPyConnection) -> int:
    """How many articles the search index does not reflect: new, changed or deleted since its build."""
    row = con.execute(_STALE_SQL, {"lead": LEAD_CHARS}).fetchone()
    return int(row[0]) if row else 0


def refresh_search_index(con: duckdb.DuckDBPyConnection) -> tuple[int, int | None]:
    """Rebuild the index if it is missing or stale: (articles it did not reflect, documents now
    indexed, or None when it was already current and nothing was rebuilt)."""
    stale = stale_search_docs(con)
    if stale or not search_index_exists(con):
        return stale, rebuild_search_index(con)
    return stale, None


def search_articles(
    con: duckdb.DuckDBPyConnection, query: str, limit: int = 10
) -> tuple[list[str], list[tuple[object, ...]]]:
    """BM25 search over titles and leads (``queries/search_articles.sql``): (columns, rows), best first.

    Raises :class:`WarehouseError` when no index has been built yet."""
    if not search_index_exists(con):
        raise WarehouseError(
            "no search index yet: run `kabar search --rebuild QUERY` (the daily maintenance of `kabar serve` "
            "also builds it)"
        )
    load_fts(con)
    try:
        cur = con.execute(read_query("search_articles"), [query, int(limit)])
    except duckdb.Error as exc:
        raise WarehouseError(f"search failed: {exc}") from exc
    return [d[0] for d in cur.description or []], cur.fetchall()


__all__ = [
    "LEAD_CHARS",
    "fts_extension_path",
    "load_fts",
    "rebuild_search_index",
    "refresh_search_index",
    "search_articles",
    "search_index_exists",
    "stale_search_docs",
]
