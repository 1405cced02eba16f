"""``kabar migrate``: copy a single-file warehouse of Kabar before the lake into a DuckLake warehouse.

Until migration 0006 the warehouse was one DuckDB file (``kabar.duckdb``) with its raw-page packs in
``kabar.duckdb.raw/``.  :func:`migrate_legacy` opens that file read-only, copies every table into a
new (or empty) lake in one transaction, column by column as far as both schemas have them, and
hard-links (or copies) the pack files into the lake's ``.raw/`` folder; ``raw_pages.body_file`` is
relative to that folder, so ``kabar reparse`` keeps working.  The old file is not changed.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from records.errors import WarehouseError
from warehouse.conflicts import atomic
from warehouse.connection import ALIAS, open_warehouse
from warehouse.location import sql_text
from warehouse.rawstore import raw_dir

# every table a warehouse of 0005 holds, in load order (a fixed list: names never come from data)
TABLES = (
    "sources",
    "agencies",
    "articles",
    "attributions",
    "article_dates",
    "raw_pages",
    "fetches",
    "failures",
    "url_state",
    "feed_state",
    "runs",
    "run_sources",
)
_OLD = "kabar_old"


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, table: str) -> list[str]:
    rows = con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = ? AND schema_name = 'main' "
        "AND table_name = ? ORDER BY column_index",
        [catalog, table],
    ).fetchall()
    return [str(r[0]) for r in rows]


def _link_tree(src: Path, dst: Path) -> int:
    """Hard-link (else copy) every file under ``src`` to the same place under ``dst``; return how many."""
    n = 0
    for path in src.rglob("*"):
        if not path.is_file():
            continue
        target = dst / path.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            continue
        try:
            os.link(path, target)
        except OSError:
            shutil.copy2(path, target)
        n += 1
    return n


def migrate_legacy(
    old: Path, target: str, *, echo: Callable[[str], None] = lambda _m: None
) -> dict[str, Any]:
    """Copy the single-file warehouse ``old`` into the lake ``target``; return rows per table and packs."""
    if not old.is_file():
        raise WarehouseError(f"{old} does not exist")
    with open_warehouse(target) as con:
        row = con.execute("SELECT count(*) FROM articles").fetchone()
        if row and row[0]:
            raise WarehouseError(
                f"the target warehouse already holds {row[0]} articles; migrate into a new one"
            )
        try:
            con.execute(f"ATTACH {sql_text(str(old))} AS {_OLD} (READ_ONLY)")
        except duckdb.Error as exc:
            raise WarehouseError(
                f"cannot open {old} read-only (is a run of the old Kabar using it?): {exc}"
            ) from exc
        copied: dict[str, int] = {}

        def body() -> None:
            for table in TABLES:
                have = _columns(con, _OLD, table)
                if not have:
                    continue
                cols = ", ".join(c for c in _columns(con, ALIAS, table) if c in have)
                con.execute(f"DELETE FROM {ALIAS}.{table}")
                n = con.execute(
                    f"INSERT INTO {ALIAS}.{table} ({cols}) SELECT {cols} FROM {_OLD}.main.{table}"
                ).fetchone()
                copied[table] = int(n[0]) if n else 0

        echo(f"copying {old} into {target} ...")
        atomic(con, "migrate a single-file warehouse", body)
        con.execute(f"DETACH {_OLD}")
        packs = 0
        old_raw = old.with_name(old.name + ".raw")
        new_raw = raw_dir(con)
        if old_raw.is_dir() and new_raw is not None:
            packs = _link_tree(old_raw, new_raw)
        echo(f"copied {sum(copied.values())} rows in {len(copied)} tables and {packs} raw-page pack files")
    return {"from": str(old), "to": target, "rows": copied, "raw_pack_files": packs}


__all__ = ["TABLES", "migrate_legacy"]
