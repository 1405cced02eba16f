"""File locking, read-only access and crash safety, with real second processes."""

from __future__ import annotations

import os
import signal
import textwrap
import time
from pathlib import Path

import pytest

import warehouse
from records.errors import WarehouseError
from tests.support.db import one

HOLD = textwrap.dedent(
    """
    import sys, time
    import warehouse
    con = warehouse.connect({path!r})
    con.execute("BEGIN TRANSACTION")
    con.execute("INSERT INTO runs (run_id, state) VALUES ('holder', 'running')")
    print("ready", flush=True)
    time.sleep({seconds})
    con.execute("COMMIT")
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


@pytest.mark.serial
def test_readers_and_a_second_writer_do_not_wait_for_an_open_writer(
    db_path: Path, seeds_dir: Path, python_proc, make_article
) -> None:
    with warehouse.open_warehouse(db_path, seeds_dir=seeds_dir):
        pass
    holder = python_proc(HOLD.format(path=str(db_path), seconds=60), db_path.parent)
    try:
        _wait_for_line(holder, "ready")
        started = time.monotonic()
        # a reader sees the last committed snapshot, not the holder's open transaction
        assert warehouse.query_readonly(db_path, "SELECT count(*) FROM runs")[1] == [(0,)]
        # and a second writer commits while the first one's transaction is still open
        with warehouse.open_warehouse(db_path, seeds_dir=seeds_dir) as con:
            warehouse.load_batch(con, run_id="r2", articles=[make_article(1)], failures=[], fetches=[])
        assert time.monotonic() - started < 15
        assert warehouse.query_readonly(db_path, "SELECT count(*) FROM articles")[1] == [(1,)]
        assert holder.poll() is None  # the holder is still inside its transaction
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.serial
def test_a_reader_inside_a_transaction_never_blocks_the_writer(
    db_path: Path, seeds_dir: Path, make_article
) -> None:
    with warehouse.open_warehouse(db_path, seeds_dir=seeds_dir) as con:
        warehouse.load_batch(con, run_id="r1", articles=[make_article(1)], failures=[], fetches=[])
    reader = warehouse.connect(db_path, read_only=True)
    try:
        reader.execute("BEGIN TRANSACTION")
        assert one(reader.execute("SELECT count(*) FROM articles")) == (1,)
        with warehouse.open_warehouse(db_path, seeds_dir=seeds_dir) as con:
            for n in range(2, 6):
                started = time.monotonic()
                warehouse.load_batch(con, run_id="r2", articles=[make_article(n)], failures=[], fetches=[])
                assert time.monotonic() - started < 5
        # the reader's transaction still sees its snapshot; a new one sees the writes
        assert one(reader.execute("SELECT count(*) FROM articles")) == (1,)
        reader.execute("COMMIT")
        assert one(reader.execute("SELECT count(*) FROM articles")) == (5,)
    finally:
        reader.close()


RACER = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime
    import warehouse
    from records.models import ArticleRef, ArticleRow

    now = datetime(2025, 3, 5, tzinfo=UTC)
    who = {who!r}

    def row(i):
        url = f"https://example.org/a/{{i}}"
        return ArticleRow(url=url, canonical_url=url, source_id="s", outlet="o", title=f"t{{i}} by {{who}}",
                          text="x" * 2000 + str(i) + who, authors=(), language="en", published_at=now,
                          published_at_source=None, published_flags=(), dateline_place=None,
                          content_hash=str(i) + who, fetched_at=now, final_url=url)

    with warehouse.open_warehouse({path!r}, load_seed_data=False) as con:
        for n in range({rounds}):
            rows = [row(k) for k in range(n * 10, n * 10 + 20)]  # overlaps the next round and the rival
            warehouse.record_discovered(con, who, [ArticleRef(r.url, "url", "test", "s") for r in rows])
            warehouse.load_batch(con, run_id=who, articles=rows, failures=[], fetches=[])
    print("done", flush=True)
    """
)


def test_two_writers_on_the_same_articles_retry_and_never_double(
    db_path: Path, seeds_dir: Path, python_proc
) -> None:
    """Two processes load overlapping article keys at the same time: both finish (the lake's commit
    conflicts are retried whole), and every canonical URL is one row with its child rows once."""
    with warehouse.open_warehouse(db_path, seeds_dir=seeds_dir):
        pass
    rounds = 12
    procs = [
        python_proc(RACER.format(path=str(db_path), rounds=rounds, who=who), db_path.parent)
        for who in ("a", "b")
    ]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0 and "done" in out, err
    total, distinct = one(
        warehouse.connect(db_path, read_only=True).execute(
            "SELECT count(*), count(DISTINCT canonical_url) FROM articles"
        )
    )
    assert (total, distinct) == (rounds * 10 + 10, rounds * 10 + 10)
    dup_state = warehouse.query_readonly(
        db_path, "SELECT count(*) FROM (SELECT canonical_url FROM url_state GROUP BY 1 HAVING count(*) > 1)"
    )[1]
    assert dup_state == [(0,)]
    assert warehouse.query_readonly(db_path, "SELECT count(*) FROM url_state WHERE status = 'done'")[1] == [
        (total,)
    ]


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
    from records.models import ArticleRef, ArticleRow

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
    path = tmp_path / "crash.ducklake"
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
