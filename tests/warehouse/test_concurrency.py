"""File locking, read-only access and crash safety, with real second processes."""

from __future__ import annotations

import os
import signal
import textwrap
import time
from pathlib import Path

import pytest

import warehouse
from extractors.errors import WarehouseError
from tests.support.db import one
from warehouse import WarehouseLockedError

HOLD = textwrap.dedent(
    """
    import sys, time
    import warehouse
    con = warehouse.connect(sys.argv[1] if len(sys.argv) > 1 else {path!r})
    print("ready", flush=True)
    time.sleep({seconds})
    con.close()
    """
)


def _wait_for_line(proc, expected: str, timeout: float = 60.0) -> None:
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.strip() == expected:
            return
        if not line and proc.poll() is not None:
            raise AssertionError(f"helper exited early: {proc.stderr.read() if proc.stderr else ''}")
    raise AssertionError(f"helper did not print {expected!r}")


def test_second_writer_gets_a_clear_lock_error(tmp_path: Path, python_proc) -> None:
    path = tmp_path / "locked.duckdb"
    holder = python_proc(HOLD.format(path=str(path), seconds=60), tmp_path)
    try:
        _wait_for_line(holder, "ready")
        started = time.monotonic()
        with pytest.raises(WarehouseLockedError) as info:
            warehouse.connect(path, wait=0.5)
        assert time.monotonic() - started >= 0.5  # it retried for the whole wait
        err = info.value
        assert err.holder_pid == holder.pid
        assert str(path) in str(err) and f"PID {holder.pid}" in str(err)
        assert isinstance(err, WarehouseError)
        # readers are locked out too while a writer holds the file (docs/duckdb.md §4)
        with pytest.raises(WarehouseLockedError):
            warehouse.query_readonly(path, "SELECT 1")
    finally:
        holder.kill()
        holder.wait()


def test_waiting_writer_gets_the_lock_when_released(tmp_path: Path, python_proc) -> None:
    path = tmp_path / "handoff.duckdb"
    holder = python_proc(HOLD.format(path=str(path), seconds=1.5), tmp_path)
    try:
        _wait_for_line(holder, "ready")
        con = warehouse.connect(path, wait=30)
        con.close()
    finally:
        holder.kill()
        holder.wait()


def test_readonly_query_refuses_writes_and_missing_files(
    db_path: Path, seeds_dir: Path, make_article
) -> None:
    with pytest.raises(WarehouseError, match="does not exist"):
        warehouse.query_readonly(db_path, "SELECT 1")
    assert not db_path.exists()  # and did not create it
    with warehouse.open_warehouse(db_path, seeds_dir=seeds_dir) as con:
        warehouse.load_batch(con, run_id="r1", articles=[make_article(1)], failures=[], fetches=[])
    columns, rows = warehouse.query_readonly(
        db_path, "SELECT source_id, count(*) AS n FROM articles GROUP BY 1"
    )
    assert (columns, rows) == (["source_id", "n"], [("egindo", 1)])
    columns, rows = warehouse.query_readonly(db_path, "SELECT title FROM articles WHERE url LIKE ?", ["%/1"])
    assert rows == [("Title 1",)]
    for sql in ("DELETE FROM articles", "CREATE TABLE x (a INT)", "INSERT INTO runs (run_id) VALUES ('x')"):
        with pytest.raises(WarehouseError, match="read-only"):
            warehouse.query_readonly(db_path, sql)
    assert warehouse.query_readonly(db_path, "SELECT count(*) FROM articles")[1] == [(1,)]


WRITER = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime
    import warehouse
    from extractors.models import ArticleRef, ArticleRow

    BATCH = {batch}
    now = datetime(2025, 3, 5, tzinfo=UTC)

    def row(i):
        url = f"https://example.org/a/{{i}}"
        return ArticleRow(url=url, canonical_url=url, source_id="s", outlet="o", title=f"t{{i}}",
                          text="x" * 3000 + str(i), authors=(), language="en", published_at=now,
                          published_at_source=None, published_flags=(), dateline_place=None,
                          content_hash=str(i), fetched_at=now, final_url=url)

    with warehouse.open_warehouse({path!r}, load_seed_data=False) as con:
        n = 0
        while True:
            rows = [row(n * BATCH + k) for k in range(BATCH)]
            refs = [ArticleRef(r.url, "url", "test", "s") for r in rows]
            warehouse.record_discovered(con, "w", refs)
            warehouse.load_batch(con, run_id="w", articles=rows, failures=[], fetches=[])
            n += 1
            print(n, flush=True)
    """
)


def test_sigkill_mid_batch_leaves_whole_batches(tmp_path: Path, python_proc) -> None:
    path = tmp_path / "crash.duckdb"
    batch = 150
    writer = python_proc(WRITER.format(path=str(path), batch=batch), tmp_path)
    acknowledged = 0
    try:
        assert writer.stdout is not None
        deadline = time.monotonic() + 90
        while acknowledged < 4 and time.monotonic() < deadline:
            line = writer.stdout.readline()
            if not line:
                break
            acknowledged = int(line)
        assert acknowledged >= 4, writer.stderr.read() if writer.stderr else ""
        time.sleep(0.05)  # land somewhere inside a later batch
        os.kill(writer.pid, signal.SIGKILL)
    finally:
        writer.kill()
        writer.wait()
    con = warehouse.connect(path)
    try:
        total, distinct = one(con.execute("SELECT count(*), count(DISTINCT canonical_url) FROM articles"))
        assert total == distinct
        assert total % batch == 0 and total >= acknowledged * batch
        done = one(con.execute("SELECT count(*) FROM url_state WHERE status = 'done'"))
        pending = one(con.execute("SELECT count(*) FROM url_state WHERE status = 'pending'"))
        assert done == (total,)  # every loaded article flipped in the same transaction, none without
        assert pending is not None and pending[0] in (0, batch)  # at most the batch in flight
        assert (
            con.execute(
                "SELECT count(*) FROM url_state GROUP BY canonical_url HAVING count(*) > 1"
            ).fetchall()
            == []
        )
        assert warehouse.migrate(con) == []
    finally:
        con.close()
