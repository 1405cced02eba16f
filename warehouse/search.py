"""Full-text search: load the fts extension offline and rebuild a title + lead index.

The index covers title + the first 1,500 characters of the text (about 5x cheaper than indexing whole
articles) and lives in a local DuckDB file beside the lake, ``<warehouse>.search.duckdb``: the fts
extension cannot index a DuckLake table.  DuckDB does not maintain it incrementally: ingest runs that
changed articles and the daily ``maintenance`` flow rebuild it, ``kabar search --rebuild`` does on demand,
and :func:`stale_search_docs` counts the articles it does not reflect yet (about 55 s to rebuild over
100k articles, so not after every ingest run).  Articles mix Indonesian and English, so the index uses
no stemmer and no stop-word list.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from records.errors import WarehouseError
from warehouse.connection import ALIAS, extension_path, load_extension
from warehouse.location import SEARCH_FILE_VARIABLE, side_path, sql_text
from warehouse.named import read_query

LEAD_CHARS = 1500


def fts_extension_path() -> Path:
    """The fts binary shipped by the ``duckdb-extension-fts`` wheel for this DuckDB version."""
    return extension_path("fts")


def load_fts(con: duckdb.DuckDBPyConnection) -> None:
    """``LOAD`` the fts extension from site-packages (no network, nothing written under HOME)."""
    load_extension(con, "fts")


SEARCH_ALIAS = "kabar_search"  # the index file, attached read-only next to the lake
_BUILD_ALIAS = "kabar_search_build"


def search_file(con: duckdb.DuckDBPyConnection) -> Path:
    """``<warehouse>.search.duckdb``: the local DuckDB file with the index (the lake cannot hold one)."""
    path = side_path(con, SEARCH_FILE_VARIABLE)
    if path is None:
        raise WarehouseError("this connection was not opened by warehouse.connect: no search index file")
    return path


def _attached(con: duckdb.DuckDBPyConnection, alias: str) -> bool:
    row = con.execute("SELECT count(*) FROM duckdb_databases() WHERE database_name = ?", [alias]).fetchone()
    return bool(row and row[0])


def rebuild_search_index(con: duckdb.DuckDBPyConnection) -> int:
    """Build a new index file from the lake's current articles and swap it in; return documents indexed.

    Only reads the lake (a read-only connection will do), so it never races a writer.  The new file is
    written beside the old one and renamed over it: a ``kabar search`` that has the old one open keeps
    reading it.  The fts extension cannot index a DuckLake table, hence the local DuckDB file."""
    load_fts(con)
    target = search_file(con)
    target.parent.mkdir(parents=True, exist_ok=True)
    building = target.with_name(f"{target.name}.{os.getpid()}.building")
    building.unlink(missing_ok=True)
    if _attached(con, SEARCH_ALIAS):
        con.execute(f"DETACH {SEARCH_ALIAS}")
    con.execute(f"ATTACH {sql_text(str(building))} AS {_BUILD_ALIAS}")
    try:
        con.execute(
            f"CREATE TABLE {_BUILD_ALIAS}.search_docs AS "
            "SELECT article_id, coalesce(title, '') AS title, left(coalesce(text, ''), $lead) AS lead "
            f"FROM {ALIAS}.articles",
            {"lead": LEAD_CHARS},
        )
        con.execute(f"USE {_BUILD_ALIAS}")
        con.execute(
            "PRAGMA create_fts_index('search_docs', 'article_id', 'title', 'lead', "
            "stemmer = 'none', stopwords = 'none', strip_accents = 1, lower = 1, overwrite = 1)"
        )
        row = con.execute("SELECT count(*) FROM search_docs").fetchone()
    except duckdb.Error as exc:
        raise WarehouseError(f"building the search index failed: {exc}") from exc
    finally:
        con.execute(f"USE {ALIAS}")
        con.execute(f"DETACH {_BUILD_ALIAS}")
    os.replace(building, target)
    return int(row[0]) if row else 0


def _attach_index(con: duckdb.DuckDBPyConnection) -> bool:
    """Attach the index file read-only as ``kabar_search``; False when none has been built."""
    if _attached(con, SEARCH_ALIAS):
        return True
    path = search_file(con)
    if not path.is_file():
        return False
    try:
        con.execute(f"ATTACH {sql_text(str(path))} AS {SEARCH_ALIAS} (READ_ONLY)")
    except duckdb.Error as exc:
        raise WarehouseError(f"cannot open the search index {path}: {exc}") from exc
    return True


def search_index_exists(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a BM25 index has been built for this warehouse."""
    return search_file(con).is_file()


# articles whose title or lead differs from what the index holds (new or changed since the last
# build), plus indexed documents whose article is gone
_STALE_SQL = f"""
SELECT (SELECT count(*) FROM {ALIAS}.articles a LEFT JOIN {SEARCH_ALIAS}.search_docs d USING (article_id)
        WHERE d.article_id IS NULL OR d.title IS DISTINCT FROM coalesce(a.title, '')
           OR d.lead IS DISTINCT FROM left(coalesce(a.text, ''), $lead))
     + (SELECT count(*) FROM {SEARCH_ALIAS}.search_docs d WHERE NOT EXISTS
        (SELECT 1 FROM {ALIAS}.articles a WHERE a.article_id = d.article_id))
"""


def stale_search_docs(con: duckdb.DuckDBPyConnection) -> int:
    """How many articles the search index does not reflect: new, changed or deleted since its build
    (all articles when there is no index yet)."""
    if not _attach_index(con):
        row = con.execute(f"SELECT count(*) FROM {ALIAS}.articles").fetchone()
    else:
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
    load_fts(con)
    if not _attach_index(con):
        raise WarehouseError(
            "no search index yet: run `kabar search --rebuild QUERY` (the daily maintenance of `kabar serve` "
            "and ingest runs that changed articles also build it)"
        )
    con.execute(f"USE {SEARCH_ALIAS}")  # the fts macros name their tables without a catalog
    try:
        cur = con.execute(read_query("search_articles"), [query, int(limit)])
        return [d[0] for d in cur.description or []], cur.fetchall()
    except duckdb.Error as exc:
        raise WarehouseError(f"search failed: {exc}") from exc
    finally:
        con.execute(f"USE {ALIAS}")


__all__ = [
    "LEAD_CHARS",
    "SEARCH_ALIAS",
    "search_file",
    "fts_extension_path",
    "load_fts",
    "rebuild_search_index",
    "refresh_search_index",
    "search_articles",
    "search_index_exists",
    "stale_search_docs",
]
