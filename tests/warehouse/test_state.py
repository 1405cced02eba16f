"""url_state ledger (discover -> pending -> done/failed), feed validators, runs, health views."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

import warehouse
from records.counts import RunCounts
from records.errors import WarehouseError
from records.models import ArticleRef
from tests.support.db import one
from warehouse.state import FeedState


def test_record_discovered_is_idempotent(con, make_ref) -> None:
    refs = [make_ref(1), make_ref(2), make_ref(1, url="https://WWW.EGINDO.CO/news/1?utm_source=rss#top")]
    first = warehouse.record_discovered(con, "r1", refs)
    assert (first.new, first.still_pending, first.total) == (2, 0, 2)
    second = warehouse.record_discovered(con, "r2", refs)
    assert (second.new, second.still_pending) == (0, 2)
    rows = con.execute(
        "SELECT canonical_url, status, run_id, feed_title, discovered_via FROM url_state ORDER BY 1"
    ).fetchall()
    assert rows == [
        ("https://www.egindo.co/news/1", "pending", "r1", "Feed title 1", "feed"),
        ("https://www.egindo.co/news/2", "pending", "r1", "Feed title 2", "feed"),
    ]


def test_feed_language_is_kept_and_backfilled_by_a_later_discovery(con, make_ref) -> None:
    """A feed's declared language reaches the worker through url_state (pending_urls)."""
    warehouse.record_discovered(con, "r1", [make_ref(1, language="id"), make_ref(2)])
    before = {p.canonical_url: p.feed_language for p in warehouse.pending_urls(con)}
    assert before == {"https://www.egindo.co/news/1": "id", "https://www.egindo.co/news/2": None}
    # a later listing (another feed, a news sitemap) fills the blank; it never overwrites a value
    warehouse.record_discovered(con, "r2", [make_ref(1, language="en"), make_ref(2, language="ms")])
    after = {p.canonical_url: p.feed_language for p in warehouse.pending_urls(con)}
    assert after == {"https://www.egindo.co/news/1": "id", "https://www.egindo.co/news/2": "ms"}
    # within one discovery, duplicates of a URL merge their blanks too
    warehouse.record_discovered(con, "r3", [make_ref(3), make_ref(3, language="id")])
    assert {p.canonical_url: p.feed_language for p in warehouse.pending_urls(con)}[
        "https://www.egindo.co/news/3"
    ] == "id"


def test_pending_urls_per_source_cap_and_listing_date(con, make_ref) -> None:
    """KABAR_MAX_URLS_PER_SOURCE and the max age pick from the ledger; what they skip stays pending."""
    old = make_ref(1)  # listed 2025-03-05 08:00 +07:00
    refs = [old, make_ref(2), make_ref(3, source_id="cna", url="https://cna.example/3")]
    undated = ArticleRef(
        url="https://www.egindo.co/news/4", discovered_via="sitemap", discovered_from="x", source_id="egindo"
    )
    warehouse.record_discovered(con, "r1", [*refs, undated])
    every = [p.canonical_url for p in warehouse.pending_urls(con)]
    assert len(every) == 4
    capped = warehouse.pending_urls(con, per_source_limit=1)
    assert sorted(p.source_id or "" for p in capped) == ["cna", "egindo"]
    assert [p.canonical_url for p in capped if p.source_id == "egindo"] == [
        next(u for u in every if "egindo" in u)  # the first of the source in the usual order
    ]
    assert old.published is not None
    after = old.published + timedelta(minutes=1)
    recent = warehouse.pending_urls(con, listed_since=after)
    assert [p.canonical_url for p in recent] == ["https://www.egindo.co/news/4"]  # only the undated one
    assert len(warehouse.pending_urls(con)) == 4  # nothing was marked


def test_record_discovered_counts_finished_urls(con, make_ref, make_article, make_failure) -> None:
    warehouse.record_discovered(con, "r1", [make_ref(i) for i in range(4)])
    warehouse.load_batch(
        con,
        run_id="r1",
        articles=[make_article(0)],
        failures=[make_failure(1), make_failure(2, transient=True)],
        fetches=[],
    )
    stats = warehouse.record_discovered(con, "r2", [make_ref(i) for i in range(5)])
    assert (
        stats.new,
        stats.already_done,
        stats.failed_permanent,
        stats.failed_transient,
        stats.still_pending,
    ) == (1, 1, 1, 1, 1)


def test_pending_semantics(con, make_ref, make_article, make_failure) -> None:
    warehouse.record_discovered(con, "r1", [make_ref(i) for i in range(4)] + [make_ref(9, source_id="cna")])
    warehouse.load_batch(
        con,
        run_id="r1",
        articles=[make_article(0)],
        failures=[make_failure(1), make_failure(2, transient=True)],
        fetches=[],
    )

    def keys(**kw: Any) -> list[str]:
        return sorted(p.canonical_url.rsplit("/", 1)[1] for p in warehouse.pending_urls(con, **kw))

    assert keys() == ["2", "3", "9"]  # pending + transient failure; never the permanent one
    assert keys(retry_transient=False) == ["3", "9"]
    assert keys(refresh=True) == ["0", "1", "2", "3", "9"]
    assert keys(source_ids=["cna"]) == ["9"]
    assert keys(source_ids=["egindo"], retry_transient=False) == ["3"]
    assert len(warehouse.pending_urls(con, limit=2)) == 2
    first = warehouse.pending_urls(con, source_ids=["cna"])[0]
    assert (first.url, first.source_id, first.feed_title, first.discovered_via) == (
        "https://www.egindo.co/news/9",
        "cna",
        "Feed title 9",
        "feed",
    )
    assert first.feed_published == datetime(2025, 3, 5, 1, 0, tzinfo=UTC)


def test_resume_after_partial_run(db_path, seeds_dir, make_ref, make_article) -> None:
    """A run that discovered 4 URLs but loaded only 2 leaves the other 2 for the next run."""
    with warehouse.open_warehouse(db_path, seeds_dir=seeds_dir) as con:
        warehouse.record_discovered(con, "r1", [make_ref(i) for i in range(4)])
        warehouse.load_batch(
            con, run_id="r1", articles=[make_article(0), make_article(1)], failures=[], fetches=[]
        )
    with warehouse.open_warehouse(db_path, seeds_dir=seeds_dir) as con:
        stats = warehouse.record_discovered(con, "r2", [make_ref(i) for i in range(4)])
        assert (stats.new, stats.already_done, stats.still_pending) == (0, 2, 2)
        todo = [p.canonical_url for p in warehouse.pending_urls(con)]
        assert sorted(todo) == ["https://www.egindo.co/news/2", "https://www.egindo.co/news/3"]


def test_url_without_ledger_row_is_recorded_done(con, make_article) -> None:
    warehouse.load_batch(con, run_id="r1", articles=[make_article(7)], failures=[], fetches=[])
    assert con.execute("SELECT status, discovered_via FROM url_state").fetchall() == [("done", "load")]


def test_known_canonical_urls(con, make_article) -> None:
    warehouse.load_batch(con, run_id="r1", articles=[make_article(1)], failures=[], fetches=[])
    known = warehouse.known_canonical_urls(
        con, ["https://WWW.egindo.co/news/1#x", "https://www.egindo.co/news/2"]
    )
    assert known == {"https://www.egindo.co/news/1"}
    assert warehouse.known_canonical_urls(con, []) == set()


def test_feed_state_keeps_validators_on_304_and_errors(con) -> None:
    feed = "https://www.egindo.co/feed/"
    assert warehouse.get_feed_state(con, [feed]) == {}
    warehouse.set_feed_state(con, [FeedState(feed, '"abc"', "Wed, 05 Mar 2025 01:00:00 GMT", 200)])
    assert warehouse.get_feed_state(con, [feed, "https://other/"]) == {
        feed: ('"abc"', "Wed, 05 Mar 2025 01:00:00 GMT")
    }
    warehouse.set_feed_state(con, [FeedState(feed, None, None, 304)])
    warehouse.set_feed_state(con, [FeedState(feed, None, None, None, "timeout")])
    assert warehouse.get_feed_state(con, [feed]) == {feed: ('"abc"', "Wed, 05 Mar 2025 01:00:00 GMT")}
    row = con.execute("SELECT last_status, last_error, count(*) OVER () FROM feed_state").fetchall()
    assert row == [(None, "timeout", 1)]
    warehouse.set_feed_state(con, [FeedState(feed, None, None, 200)])  # server dropped its validators
    assert warehouse.get_feed_state(con, [feed]) == {feed: (None, None)}


def test_runs_start_finish_and_crashed(con) -> None:
    warehouse.start_run(
        con, run_id="r1", flow_run_id="f1", flow_name="ingest", parameters={"sources": ["egindo"]}
    )
    # r1 runs in a live process (this one): a second run starting beside it leaves it running
    warehouse.start_run(con, run_id="r0", flow_run_id=None, flow_name="reparse", parameters={})
    assert one(con.execute("SELECT state FROM runs WHERE run_id = 'r1'")) == ("running",)
    con.execute("DELETE FROM runs WHERE run_id = 'r0'")
    # r1's process "died" (its pid is now that of a process that has exited): the next start marks it crashed
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    con.execute("UPDATE runs SET pid = ? WHERE run_id = 'r1'", [gone.pid])
    warehouse.start_run(con, run_id="r2", flow_run_id=None, flow_name="ingest", parameters={})
    warehouse.finish_run(
        con,
        run_id="r2",
        state="completed",
        totals=RunCounts(discovered=5, new=3, failed=1, new_urls=5),
        per_source={
            "egindo": RunCounts(discovered=5, new=3, failed=1, failure_kinds=(("http_404", 1),)),
            "cna": RunCounts(discovered=2, too_old=7),
        },
    )
    runs = con.execute(
        "SELECT run_id, state, flow_run_id, discovered, new, failed, finished_at IS NOT NULL, "
        "counts->>'new_urls', parameters->>'$.sources[0]' FROM runs ORDER BY run_id"
    ).fetchall()
    assert runs == [
        ("r1", "crashed", "f1", None, None, None, False, None, "egindo"),
        ("r2", "completed", None, 5, 3, 1, True, "5", None),
    ]
    assert con.execute(
        "SELECT source_id, discovered, new, failed, too_old FROM run_sources ORDER BY source_id"
    ).fetchall() == [("cna", 2, 0, 0, 7), ("egindo", 5, 3, 1, 0)]
    assert one(con.execute("SELECT per_source->>'$[1].failure_kinds' FROM runs WHERE run_id = 'r2'")) == (
        "http_404=1",
    )
    with pytest.raises(WarehouseError, match="unknown run state"):
        warehouse.finish_run(con, run_id="r2", state="exploded", totals=RunCounts(), per_source={})


def test_source_health_counts_consecutive_failed_runs(con, make_article) -> None:
    t0 = datetime(2025, 3, 1, tzinfo=UTC)
    outcomes = [
        ("ok", RunCounts(new=2)),
        ("bad1", RunCounts(failed=3)),
        ("bad2", RunCounts(failed=1)),
        ("bad3", RunCounts(failed=2)),
    ]
    for i, (run_id, counts) in enumerate(outcomes):
        warehouse.start_run(con, run_id=run_id, flow_run_id=None, flow_name="ingest", parameters={})
        warehouse.finish_run(
            con,
            run_id=run_id,
            state="completed",
            totals=counts,
            per_source={"egindo": counts, "cna": RunCounts(new=1)},
        )
        con.execute("UPDATE runs SET started_at = ? WHERE run_id = ?", [t0 + timedelta(days=i), run_id])
    warehouse.load_batch(
        con,
        run_id="ok",
        articles=[make_article(1), make_article(2, attributions=())],
        failures=[],
        fetches=[],
    )
    health = {
        r[0]: r[1:]
        for r in con.execute(
            "SELECT source_id, consecutive_failed_runs, articles, share_missing_attribution, last_run_at "
            "FROM v_source_health"
        ).fetchall()
    }
    assert health["egindo"] == (3, 2, 0.5, t0 + timedelta(days=3))
    assert health["cna"][:2] == (0, 0)


def test_a_run_that_did_not_complete_says_why(db_path, seeds_dir) -> None:
    """``runs.error`` keeps the run's reason even when its sources carry their own error field."""
    from pipeline.steps import ended_state, failure_reason

    with warehouse.open_warehouse(db_path, seeds_dir=seeds_dir) as con:
        warehouse.start_run(con, run_id="r1", flow_run_id=None, flow_name="ingest", parameters={})
        rows = {"antara": RunCounts(failed=3), "detik": RunCounts(error="feed 503")}
        warehouse.finish_run(
            con,
            run_id="r1",
            state="failed",
            totals=RunCounts(failed=3),
            per_source=rows,
            error="interrupted (SIGTERM)",
        )
        warehouse.start_run(con, run_id="r2", flow_run_id=None, flow_name="ingest", parameters={})
        warehouse.finish_run(con, run_id="r2", state="completed", totals=RunCounts(), per_source=rows)
        got = con.execute("SELECT run_id, state, error FROM runs ORDER BY run_id").fetchall()
        per_source = con.execute(
            "SELECT source_id, error FROM run_sources WHERE run_id = 'r1' ORDER BY 1"
        ).fetchall()
    assert got == [("r1", "failed", "interrupted (SIGTERM)"), ("r2", "completed", None)]
    assert per_source == [("antara", None), ("detik", "feed 503")]
    assert failure_reason(KeyboardInterrupt()) == "interrupted (SIGINT)"
    assert failure_reason(KeyboardInterrupt("SIGTERM")) == "interrupted (SIGTERM)"
    assert ended_state(KeyboardInterrupt("SIGTERM")) == "cancelled"
    assert ended_state(TimeoutError()) == ended_state(ValueError()) == "failed"
    assert failure_reason(ValueError("bad row")) == "ValueError: bad row"
    assert failure_reason(TimeoutError()).startswith("timed out")


def test_a_known_url_listed_again_writes_nothing(con, make_ref) -> None:
    """Discovery on a schedule lists the same URLs run after run: a chunk whose URLs the ledger
    already has (with nothing new to add to them) commits no change, so the lake gains no snapshot."""
    from warehouse.connection import ALIAS

    def snapshots() -> int:
        return con.execute(f"SELECT count(*) FROM ducklake_snapshots('{ALIAS}')").fetchone()[0]

    warehouse.start_run(con, run_id="r1", flow_name="ingest", flow_run_id=None, parameters={})
    refs = [make_ref(i) for i in range(1, 6)]
    assert warehouse.record_discovered(con, "r1", refs).new == 5
    before = snapshots()
    again = warehouse.record_discovered(con, "r1", refs)
    assert (again.new, again.still_pending) == (0, 5)
    assert snapshots() == before
    # what a later listing does add (the feed's language) is still written, and only then
    warehouse.record_discovered(con, "r1", [make_ref(1, language="id")])
    assert snapshots() == before + 1
    # the run's row counts the URLs it added, chunk after chunk
    warehouse.record_discovered(con, "r1", [make_ref(6), make_ref(7)])
    assert one(con.execute("SELECT discovered FROM runs WHERE run_id = 'r1'")) == (7,)
