"""Verify the warehouse: read every data file the lake's catalog names, and every raw-page pack.

A damaged or missing file is otherwise noticed only by the query that happens to touch it.
:func:`verify` reads each table's data and delete files in full (a hash over every row, so every
column chunk is decompressed), compares what it read with what the catalog records (file size,
row count), scans each table through the catalog too (inlined rows), and checks that every raw-page
pack exists and is long enough for the bodies ``raw_pages`` points into it.  It only reads.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.location import RAW_DIR_VARIABLE, side_path

# tables whose rows kabar reparse rebuilds from raw_pages (and their packs)
REBUILT_BY_REPARSE = frozenset({"articles", "attributions", "article_dates"})


@dataclass(frozen=True, slots=True)
class Damage:
    """One thing that cannot be read as the catalog says it should."""

    table: str
    path: str
    problem: str
    rows: tuple[int, int] | None = None  # the row ids it held (first, last), when the catalog says


@dataclass(frozen=True, slots=True)
class VerifyReport:
    tables: int
    files: int
    bytes_read: int
    rows_read: int
    raw_packs: int
    damage: tuple[Damage, ...]

    @property
    def ok(self) -> bool:
        return not self.damage


def _tables(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str]]:
    catalog = _catalog(con)
    return [
        (int(r[0]), str(r[1]))
        for r in con.execute(
            f"SELECT table_id, table_name FROM __ducklake_metadata_{catalog}.ducklake_table "
            "WHERE end_snapshot IS NULL ORDER BY table_name"
        ).fetchall()
    ]


def _catalog(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute("SELECT current_database()").fetchone()
    return str(row[0]) if row else "kabar"


def _row_ranges(con: duckdb.DuckDBPyConnection, table_id: int) -> dict[str, tuple[int, int]]:
    """Data file name -> (first row id, last row id) of its rows, from the lake's metadata."""
    catalog = _catalog(con)
    out: dict[str, tuple[int, int]] = {}
    for path, start, count in con.execute(
        f"SELECT path, row_id_start, record_count FROM __ducklake_metadata_{catalog}.ducklake_data_file "
        "WHERE table_id = ? AND end_snapshot IS NULL",
        [table_id],
    ).fetchall():
        if start is not None and count:
            out[os.path.basename(str(path))] = (int(start), int(start) + int(count) - 1)
    return out


def _read_file(con: duckdb.DuckDBPyConnection, path: str) -> int:
    """Rows of one Parquet file, read in full (every column of every row is hashed)."""
    row = con.execute("SELECT count(*), sum(hash(t)) FROM read_parquet(?) AS t", [path]).fetchone()
    return int(row[0]) if row else 0


def _check_file(con: duckdb.DuckDBPyConnection, table: str, path: str, size: int | None) -> Damage | int:
    """The file's row count, or what is wrong with it."""
    local = not path.startswith(("s3://", "gs://", "gcs://", "az://", "abfss://", "http://", "https://"))
    if local:
        if not os.path.exists(path):
            return Damage(table, path, "missing")
        actual = os.path.getsize(path)
        if size is not None and actual != size:
            return Damage(table, path, f"{actual} bytes, the catalog recorded {size}")
    try:
        return _read_file(con, path)
    except duckdb.Error as exc:
        return Damage(table, path, f"unreadable: {str(exc).splitlines()[0]}")


def verify(con: duckdb.DuckDBPyConnection) -> VerifyReport:
    """Read the whole warehouse ``con`` is attached to (see the module docstring); return what is damaged."""
    damage: list[Damage] = []
    files = bytes_read = rows_read = 0
    tables = _tables(con)
    catalog = _catalog(con)
    for table_id, table in tables:
        ranges = _row_ranges(con, table_id)
        listed = con.execute(
            "SELECT data_file, data_file_size_bytes, delete_file, delete_file_size_bytes "
            "FROM ducklake_list_files(?, ?)",
            [catalog, table],
        ).fetchall()
        for data_file, data_size, delete_file, delete_size in listed:
            for path, size in ((data_file, data_size), (delete_file, delete_size)):
                if not path:
                    continue
                files += 1
                got = _check_file(con, table, str(path), None if size is None else int(size))
                rows = ranges.get(os.path.basename(str(path))) if path == data_file else None
                if isinstance(got, Damage):
                    damage.append(Damage(got.table, got.path, got.problem, rows))
                    continue
                if rows is not None and got != rows[1] - rows[0] + 1:
                    damage.append(
                        Damage(
                            table,
                            str(path),
                            f"{got} rows, the catalog recorded {rows[1] - rows[0] + 1}",
                            rows,
                        )
                    )
                rows_read += got
                bytes_read += int(size or 0)
        if not any(d.table == table for d in damage):
            try:  # through the catalog as well: rows inlined in it, deletes applied
                con.execute(f'SELECT count(*), sum(hash(t)) FROM "{table}" AS t').fetchone()
            except duckdb.Error as exc:
                damage.append(Damage(table, "(catalog)", f"unreadable: {str(exc).splitlines()[0]}"))
    packs, pack_damage = _check_raw_packs(con)
    damage.extend(pack_damage)
    return VerifyReport(len(tables), files, bytes_read, rows_read, packs, tuple(damage))


def _check_raw_packs(con: duckdb.DuckDBPyConnection) -> tuple[int, list[Damage]]:
    """Every pack ``raw_pages`` points into exists and holds the bytes it points to."""
    raw = side_path(con, RAW_DIR_VARIABLE)
    if raw is None:
        return 0, []
    damage = []
    needed = con.execute(
        "SELECT body_file, max(body_offset + body_length), count(*) FROM raw_pages "
        "WHERE body_file IS NOT NULL GROUP BY body_file ORDER BY body_file"
    ).fetchall()
    for name, end, pages in needed:
        pack = Path(raw) / str(name)
        if not pack.exists():
            damage.append(Damage("raw_pages", str(pack), f"missing ({pages} stored pages point into it)"))
        elif pack.stat().st_size < int(end):
            damage.append(
                Damage(
                    "raw_pages",
                    str(pack),
                    f"{pack.stat().st_size} bytes, its pages need {int(end)} (truncated)",
                )
            )
    return len(needed), damage


def remedy(report: VerifyReport) -> list[str]:
    """What to do about the damage found, table by table."""
    tables = sorted({d.table for d in report.damage})
    out = []
    for table in tables:
        if table == "raw_pages":
            out.append(
                "raw_pages: the packs are the only copy of the fetched HTML; restore them from a backup of "
                "the .raw/ folder, or lose `kabar reparse` for those pages (the articles themselves stay)"
            )
        elif table in REBUILT_BY_REPARSE:
            out.append(
                f"{table}: restore the file(s) from a backup of the data folder; its rows are derived from "
                "raw_pages, so `kabar reparse` recomputes them once the table reads again"
            )
        else:
            out.append(f"{table}: restore the file(s) from a backup of the data folder")
    return out


__all__ = ["Damage", "REBUILT_BY_REPARSE", "VerifyReport", "remedy", "verify"]
