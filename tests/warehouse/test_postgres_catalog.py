"""The lake with its catalog in a real PostgreSQL (started by the test): writers that overlap.

On PostgreSQL two inserts never conflict, so what keeps two runs from recording the same URL twice is
a conflict Kabar creates on purpose (each discovery also updates its run's row). These tests make two
writers' transactions overlap for certain: each stops just before its ``COMMIT`` until the other has
got there too.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import warehouse
import warehouse.conflicts as conflicts
from records.errors import WarehouseError
from records.models import ArticleRef
from tests.support import postgres
from tests.support.db import read_one

pytestmark = pytest.mark.slow


@pytest.fixture(params=["sqlite", "postgres"])
def lake(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[warehouse.Location]:
    if request.param == "sqlite":
        yield warehouse.parse_location(tmp_path / "kabar.ducklake")
        return
    why = postgres.available()
    if why is not None:
        pytest.skip(f"PostgreSQL cannot run here: {why}")
    with postgres.running_postgres(tmp_path / "pg", "lake") as server:
        yield warehouse.parse_location(server.warehouse, data_path=tmp_path / "lake-data")


def _overlapping(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every thread's first transaction waits before COMMIT until the other thread's first one is there."""
    barrier = threading.Barrier(2, timeout=60)
    waited = threading.local()
    real = conflicts.transaction

    @contextmanager
    def meeting(con: Any, what: str) -> Iterator[None]:
        with real(con, what):
            yield
            if not getattr(waited, "done", False):
                waited.done = True
                barrier.wait()

    monkeypatch.setattr(conflicts, "transaction", meeting)


def _both(lake: warehouse.Location, work: Callable[[Any, str], None]) -> None:
    """``work(con, who)`` in two threads ("a", "b"), each on its own writer connection."""
    errors: list[BaseException] = []

    def run(who: str) -> None:
        try:
            con = warehouse.connect(lake)
            try:
                work(con, who)
            finally:
                con.close()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(who,)) for who in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors


def test_two_runs_discovering_the_same_urls_at_once_record_each_once(
    lake: warehouse.Location, monkeypatch: pytest.MonkeyPatch
) -> None:
    with warehouse.open_warehouse(lake, load_seed_data=False) as con:
        for who in ("a", "b"):
            warehouse.start_run(con, run_id=who, flow_run_id=None, flow_name="ingest", parameters={})
    refs = [
        ArticleRef(f"https://example.org/a/{i}", "sitemap", "https://example.org/s.xml", "s")
        for i in range(20)
    ]
    _overlapping(monkeypatch)
    stats: dict[str, warehouse.DiscoverStats] = {}

    def discover(con: Any, who: str) -> None:
        stats[who] = warehouse.record_discovered(con, who, refs)

    _both(lake, discover)
    assert read_one(lake, "SELECT count(*), count(DISTINCT canonical_url) FROM url_state") == (20, 20)
    # while a run goes, runs.discovered counts the URLs it added (finish_run writes what it listed):
    # one of them recorded the URLs, the other (after its retry) found them pending and wrote nothing
    assert read_one(
        lake, "SELECT list(coalesce(discovered, 0) ORDER BY coalesce(discovered, 0)) FROM runs"
    ) == ([0, 20],)
    assert sorted((s.new, s.still_pending) for s in stats.values()) == [(0, 20), (20, 0)]


def test_two_loaders_of_the_same_new_articles_at_once_leave_one_row_each(
    lake: warehouse.Location, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.warehouse.conftest import _article

    with warehouse.open_warehouse(lake, load_seed_data=False) as con:
        warehouse.record_discovered(
            con,
            "r",
            [ArticleRef(f"https://www.egindo.co/news/{i}", "feed", "f", "egindo") for i in range(10)],
        )
    _overlapping(monkeypatch)
    loaded: dict[str, Any] = {}

    def load(con: Any, who: str) -> None:
        rows = [
            _article(i, title=f"Title {i} by {who}", fetched_at=datetime(2025, 3, 5, tzinfo=UTC))
            for i in range(10)
        ]
        loaded[who] = warehouse.load_batch(con, run_id=who, articles=rows, failures=[], fetches=[])

    _both(lake, load)
    assert read_one(lake, "SELECT count(*), count(DISTINCT canonical_url) FROM articles") == (10, 10)
    assert read_one(lake, "SELECT count(*) FROM attributions") == (20,)  # two per article, once
    assert read_one(lake, "SELECT count(*) FROM url_state WHERE status = 'done'") == (10,)
    # the loser re-ran its transaction after the winner's commit: it found the rows and replaced them
    assert sorted((s.new, s.updated) for s in loaded.values()) == [(0, 10), (10, 0)]


def test_safe_query_reads_the_lake_and_nothing_else(lake: warehouse.Location, tmp_path: Path) -> None:
    """``kabar sql --safe``: the lake's files stay readable (on either catalog), other files do not."""
    con = warehouse.connect(lake)
    try:
        con.execute("CREATE TABLE t AS SELECT range AS x FROM range(100000)")
    finally:
        con.close()
    secret = tmp_path / "secret.txt"
    secret.write_text("not for you", encoding="utf-8")
    assert warehouse.query_readonly(lake, "SELECT count(*) FROM t", safe=True)[1] == [(100000,)]
    with pytest.raises(WarehouseError, match="disabled by configuration"):
        warehouse.query_readonly(lake, f"SELECT content FROM read_text('{secret}')", safe=True)
