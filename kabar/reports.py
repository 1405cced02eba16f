"""``kabar runs`` and ``kabar status``: rich tables over the warehouse (read-only)."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

import warehouse as wh
from extractors.errors import WarehouseError
from warehouse import query_readonly, read_query


def _cell(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    s = str(v)
    return s[:8] if len(s) == 36 and s.count("-") == 4 else s  # UUIDs: the first 8 characters


def _table(title: str, columns: list[str], rows: list[tuple]) -> Table:
    t = Table(title=title)
    for c in columns:
        t.add_column(c, no_wrap=True, min_width=min(len(c), 12))
    for r in rows:
        t.add_row(*(_cell(v) for v in r))
    return t


def _name(path: str) -> str:
    location = wh.parse_location(path)
    return Path(location.catalog).name if location.kind == "sqlite" else location.display


def _show(path: str, title: str, sql: str, params: list | None = None) -> int:
    console = Console(width=max(shutil.get_terminal_size((160, 24)).columns, 160))
    try:
        columns, rows = query_readonly(path, sql, params)
    except WarehouseError as exc:
        console.print(f"[red]kabar:[/red] {exc}")
        return 3
    console.print(_table(title, columns, rows))
    if not rows:
        console.print("(no rows yet: run `kabar demo` or `kabar ingest`)")
    return 0


def print_runs(path: str, *, limit: int = 20) -> int:
    return _show(path, f"Recent runs ({_name(path)})", read_query("recent_runs"), [limit])


def search_index_line(path: str) -> str:
    """One line on the full-text index of ``kabar search``: built or not, and what it misses."""
    con = wh.connect(path, read_only=True)
    try:
        if not wh.search_index_exists(con):
            return "search index: not built yet (`kabar search --rebuild QUERY`, or the daily maintenance)"
        stale = wh.stale_search_docs(con)
    finally:
        con.close()
    if stale:
        return (
            f"search index: {stale} article(s) new or changed since it was built (`kabar search --rebuild`)"
        )
    return "search index: up to date"


def print_status(path: str) -> int:
    code = _show(path, f"Source health ({_name(path)})", read_query("source_health"))
    if code == 0:
        try:
            Console(soft_wrap=True).print(search_index_line(path), markup=False)
        except WarehouseError as exc:  # e.g. the index file could not be read
            Console(soft_wrap=True).print(f"search index: unknown ({exc})", markup=False)
    return code
