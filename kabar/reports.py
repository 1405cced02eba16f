"""``kabar runs`` and ``kabar status``: rich tables over the warehouse (read-only)."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from extractors.errors import WarehouseError
from warehouse import query_readonly, read_query


def _table(title: str, columns: list[str], rows: list[tuple]) -> Table:
    t = Table(title=title)
    for c in columns:
        t.add_column(c)
    for r in rows:
        t.add_row(*("" if v is None else str(v) for v in r))
    return t


def _show(path: Path, title: str, sql: str, params: list | None = None) -> int:
    console = Console()
    try:
        columns, rows = query_readonly(path, sql, params)
    except WarehouseError as exc:
        console.print(f"[red]kabar:[/red] {exc}")
        return 3
    console.print(_table(title, columns, rows))
    if not rows:
        console.print("(no rows yet: run `kabar demo` or `kabar ingest`)")
    return 0


def print_runs(path: Path, *, limit: int = 20) -> int:
    return _show(path, f"Recent runs ({path.name})", read_query("recent_runs"), [limit])


def print_status(path: Path) -> int:
    return _show(path, f"Source health ({path.name})", read_query("source_health"))
