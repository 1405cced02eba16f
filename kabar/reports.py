"""``kabar runs`` and ``kabar status``: rich tables over the warehouse (read-only)."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

import warehouse as wh
from extractors.sources import DEFAULT_SOURCES, load_sources
from records.errors import ParseError, WarehouseError
from warehouse import query_readonly, read_query


def _cell(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    s = str(v)
    return s[:8] if len(s) == 36 and s.count("-") == 4 else s  # UUIDs: the first 8 characters


# the columns of the default table: what fits an 80-100 column terminal (csv and json carry all)
_COMPACT = {
    "runs": ("run_id", "flow_name", "state", "started_at", "duration_s", "new", "updated", "failed", "not_modified"),
    "status": ("source_id", "last_success_at", "consecutive_failed_runs", "articles", "articles_per_day_7d",
               "pending_urls", "failed_urls"),
}  # fmt: skip
_HEADERS = {  # short headers for the compact table
    "consecutive_failed_runs": "failed runs", "articles_per_day_7d": "per day (7d)", "not_modified": "304",
    "last_success_at": "last success", "started_at": "started", "duration_s": "secs", "flow_name": "flow",
    "pending_urls": "pending", "failed_urls": "failed URLs",
}  # fmt: skip


def _table(title: str, columns: list[str], rows: list[tuple], *, wide: bool) -> Table:
    t = Table(title=title)
    for c in columns:
        header = c if wide else _HEADERS.get(c, c)
        t.add_column(header, no_wrap=wide, overflow="fold", min_width=min(len(header), 12 if wide else 4))
    for r in rows:
        t.add_row(*(_cell(v) for v in r))
    return t


def _name(path: str) -> str:
    location = wh.parse_location(path)
    return Path(location.catalog).name if location.kind == "sqlite" else location.display


def _show(
    path: str, which: str, title: str, sql: str, params: list | None = None, *, fmt: str = "table"
) -> int:
    try:
        columns, rows = query_readonly(path, sql, params)
    except WarehouseError as exc:
        Console(stderr=True).print(f"[red]kabar:[/red] {exc}")
        return 3
    if fmt in ("csv", "json"):
        from kabar.cli import _print_rows

        _print_rows(columns, rows, fmt)
        return 0
    wide = fmt == "wide"
    if not wide:  # the compact table: the columns that fit a terminal
        keep = [i for i, c in enumerate(columns) if c in _COMPACT[which]]
        columns = [columns[i] for i in keep]
        rows = [tuple(r[i] for i in keep) for r in rows]
    if wide:  # as wide as the widest cell of each column needs, whatever the terminal
        need = sum(max([len(c), *(len(_cell(r[i])) for r in rows)]) + 3 for i, c in enumerate(columns)) + 1
        console = Console(width=max(need, shutil.get_terminal_size((80, 24)).columns))
    else:
        console = Console()
    console.print(_table(title, columns, rows, wide=wide))
    if not rows:
        console.print("(no rows yet: run `kabar demo` or `kabar ingest`)")
    return 0


def print_runs(path: str, *, limit: int = 20, fmt: str = "table") -> int:
    return _show(path, "runs", f"Recent runs ({_name(path)})", read_query("recent_runs"), [limit], fmt=fmt)


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


def sources_line(path: str, sources_file: Path) -> str:
    """One line on the sources file the next run reads, against the sources the warehouse holds."""
    try:
        in_file = [s.source_id for s in load_sources(sources_file)]
    except ParseError as exc:
        return f"sources: {exc}"
    _, rows = query_readonly(path, "SELECT source_id FROM sources ORDER BY source_id")
    stored = {str(r[0]) for r in rows}
    if sources_file.resolve() == DEFAULT_SOURCES.resolve():
        head = f"sources: Kabar's packaged defaults ({len(in_file)}); the next run copies them beside the warehouse for you to edit"
    else:
        head = f"sources: {len(in_file)} in {sources_file}"
    notes = []
    new = [s for s in in_file if s not in stored]
    gone = sorted(stored - set(in_file))
    if new:
        notes.append(f"not in the warehouse yet (the next ingest adds them): {', '.join(new)}")
    if gone:
        notes.append(f"no longer in the file (their articles stay): {', '.join(gone)}")
    return "; ".join([head, *notes])


def print_status(path: str, *, fmt: str = "table", sources_file: Path | None = None) -> int:
    code = _show(path, "status", f"Source health ({_name(path)})", read_query("source_health"), fmt=fmt)
    if code == 0 and fmt in ("table", "wide"):
        console = Console(soft_wrap=True)
        if sources_file is not None:
            console.print(sources_line(path, sources_file), markup=False)
        try:
            console.print(search_index_line(path), markup=False)
        except WarehouseError as exc:  # e.g. the index file could not be read
            console.print(f"search index: unknown ({exc})", markup=False)
    return code
