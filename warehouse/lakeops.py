"""Keeping the lake healthy: expire old snapshots, merge small files, delete what nothing references.

Each load commit writes a few small Parquet files (one per table it touched) and each replaced row
leaves a delete file, so a month of 15-minute runs leaves thousands of small files.  The daily
maintenance flow calls :func:`compact`: DuckLake's own ``ducklake_expire_snapshots`` (history older
than the retention goes; ``article_versions`` and ``kabar sql --as-of`` reach back that far),
``ducklake_merge_adjacent_files`` and ``ducklake_cleanup_old_files``.  Each is one lake transaction,
retried when a concurrent ingest's commit wins (``warehouse.conflicts``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from warehouse.conflicts import retry_conflicts
from warehouse.connection import ALIAS, stored_data_path
from warehouse.location import RAW_DIR_VARIABLE, side_path

# files the cleanup deletes must have been unreferenced this long: a reader that started on an older
# snapshot just before the expiry can still finish its query
CLEANUP_GRACE = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class CompactReport:
    snapshots_expired: int
    data_files_before: int
    data_files_after: int
    files_deleted: int


def data_files(con: duckdb.DuckDBPyConnection) -> int:
    """Parquet data files the current snapshot reads (over all tables)."""
    row = con.execute(
        f"SELECT count(*) FROM __ducklake_metadata_{ALIAS}.ducklake_data_file WHERE end_snapshot IS NULL"
    ).fetchone()
    return int(row[0]) if row else 0


def compact(con: duckdb.DuckDBPyConnection, *, snapshot_retention_days: int, now: datetime) -> CompactReport:
    """Expire snapshots older than ``snapshot_retention_days`` (0 or less keeps all), merge adjacent
    small files, delete files no snapshot references any more (older than :data:`CLEANUP_GRACE`)."""
    before = data_files(con)
    expired = 0
    if snapshot_retention_days > 0:
        cutoff = now - timedelta(days=snapshot_retention_days)
        rows = retry_conflicts(
            "expire snapshots",
            lambda: con.execute(
                "CALL ducklake_expire_snapshots(?, older_than => ?)", [ALIAS, cutoff]
            ).fetchall(),
        )
        expired = len(rows)
    retry_conflicts(
        "merge files", lambda: con.execute("CALL ducklake_merge_adjacent_files(?)", [ALIAS]).fetchall()
    )
    deleted = retry_conflicts(
        "clean up files",
        lambda: con.execute(
            "CALL ducklake_cleanup_old_files(?, older_than => ?)", [ALIAS, now - CLEANUP_GRACE]
        ).fetchall(),
    )
    return CompactReport(expired, before, data_files(con), len(deleted))


def storage_bytes(con: duckdb.DuckDBPyConnection) -> int:
    """Bytes on disk of the lake's data folder, its SQLite catalog (if local) and the raw-page packs."""
    folders = [p for p in (stored_data_path(con), side_path(con, RAW_DIR_VARIABLE)) if p is not None]
    total = sum(f.stat().st_size for d in folders if d.is_dir() for f in d.rglob("*") if f.is_file())
    row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = ?", [ALIAS]).fetchone()
    catalog = str(row[0]) if row and row[0] else ""
    if catalog.startswith("sqlite:"):
        base = Path(catalog.removeprefix("sqlite:"))
        total += sum(p.stat().st_size for p in (base, Path(f"{base}-wal")) if p.is_file())
    return total


__all__ = ["CLEANUP_GRACE", "CompactReport", "compact", "data_files", "storage_bytes"]
