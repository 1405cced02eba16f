"""Writers store rows in ``ROW_GROUP_SIZE``-row groups, so a checkpoint leaves full ones alone."""

from __future__ import annotations

from pathlib import Path

import pytest

import warehouse
from tests.support.db import one, read_one
from warehouse import connection

ROWS = 20_000


def _append(path: Path, start: int, count: int) -> None:
    con = warehouse.connect(path)
    try:
        con.execute("CREATE TABLE IF NOT EXISTS t (i BIGINT, s VARCHAR)")
        con.execute(
            "INSERT INTO t SELECT range, 'row ' || range FROM range($a, $b)", {"a": start, "b": start + count}
        )
    finally:
        warehouse.close(con)  # CHECKPOINT, then close


def _groups(path: Path) -> dict[int, set[int]]:
    """row group id -> the blocks its column segments are stored in (read-only)."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute(
            "SELECT row_group_id, block_id FROM pragma_storage_info('t') WHERE block_id >= 0"
        ).fetchall()
    finally:
        con.close()
    out: dict[int, set[int]] = {}
    for group, block in rows:
        out.setdefault(int(group), set()).add(int(block))
    return out


def test_a_writer_stores_rows_in_small_row_groups(tmp_path: Path) -> None:
    path = tmp_path / "kabar.duckdb"
    _append(path, 0, ROWS)
    groups = _groups(path)
    # DuckDB's default (122,880 rows a group) would hold all 20,000 rows in one
    assert len(groups) == -(-ROWS // connection.ROW_GROUP_SIZE) > 1
    assert read_one(path, "SELECT count(*), count(DISTINCT i) FROM t") == (ROWS, ROWS)


def test_a_checkpoint_leaves_full_row_groups_where_they_are(tmp_path: Path) -> None:
    """The next run's rows go to new groups: the earlier full groups are not read back and rewritten."""
    path = tmp_path / "kabar.duckdb"
    _append(path, 0, 2 * connection.ROW_GROUP_SIZE)
    before = _groups(path)
    _append(path, 2 * connection.ROW_GROUP_SIZE, 100)  # a second writer session (a later run)
    after = _groups(path)
    assert len(before) == 2
    for group, blocks in before.items():
        assert after[group] == blocks, f"row group {group} was rewritten by the second checkpoint"
    assert read_one(path, "SELECT count(*) FROM t") == (2 * connection.ROW_GROUP_SIZE + 100,)


def test_writers_in_one_process_share_one_warehouse(tmp_path: Path) -> None:
    """As with ``duckdb.connect(path)``, a second writer connection in the process sees the first's data."""
    path = tmp_path / "kabar.duckdb"
    first = warehouse.connect(path)
    second = warehouse.connect(path)
    try:
        first.execute("CREATE TABLE t AS SELECT 42 AS i")
        assert one(second.execute("SELECT i FROM t")) == (42,)
    finally:
        second.close()
        warehouse.close(first)
    assert read_one(path, "SELECT i FROM t") == (42,)


@pytest.mark.parametrize("folder", ["o'brien", "with space"])
def test_any_folder_name_is_attached_and_spills_beside_the_file(tmp_path: Path, folder: str) -> None:
    path = tmp_path / folder / "kabar.duckdb"
    con = warehouse.connect(path)
    try:
        assert one(con.execute("SELECT current_setting('temp_directory')")) == (str(path.resolve()) + ".tmp",)
        con.execute("CREATE TABLE t AS SELECT 1 AS i")
    finally:
        warehouse.close(con)
    assert read_one(path, "SELECT count(*) FROM t") == (1,)
