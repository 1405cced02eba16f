"""load_batch: new / unchanged / updated classification, batch de-duplication, child rows,
failures and url_state flips, time zones, raw bodies, fetch attempts."""

from __future__ import annotations

import os
import time
import zlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pyarrow as pa
import pytest

import warehouse
from records.counts import RunCounts
from records.errors import WarehouseError
from records.models import AttributionRow, FetchAttempt
from warehouse.rawstore import raw_dir, write_pack


def _count(con, sql: str, params: list | None = None) -> int:
    row = con.execute(sql, params or []).fetchone()
    assert row is not None
    return int(row[0])


def test_new_then_same_batch_is_unchanged_without_duplicates(con, make_article) -> None:
    batch = [make_article(i) for i in range(5)]
    first = warehouse.load_batch(con, run_id="r1", articles=batch, failures=[], fetches=[])
    assert (first.new, first.updated, first.unchanged, first.failed) == (5, 0, 0, 0)
    before = con.execute(
        "SELECT canonical_url, article_id, first_seen_at, updated_at, run_id FROM articles ORDER BY 1"
    ).fetchall()

    later = [replace(a, fetched_at=a.fetched_at + timedelta(hours=1)) for a in batch]
    second = warehouse.load_batch(con, run_id="r2", articles=later, failures=[], fetches=[])
    assert (second.new, second.updated, second.unchanged) == (0, 0, 5)
    assert second.per_source == {"egindo": RunCounts(unchanged=5)}
    assert _count(con, "SELECT count(*) FROM articles") == 5
    assert _count(con, "SELECT count(DISTINCT canonical_url) FROM articles") == 5
    assert _count(con, "SELECT count(*) FROM attributions") == 10
    after = con.execute(
        "SELECT canonical_url, article_id, first_seen_at, updated_at, run_id FROM articles ORDER BY 1"
    ).fetchall()
    assert after == before  # not rewritten: first_seen_at, updated_at, run_id all kept
    fetched = con.execute("SELECT DISTINCT last_fetched_at FROM articles").fetchall()
    assert fetched == [(later[0].fetched_at,)]


def test_changed_text_is_updated_and_keeps_first_seen(con, make_article) -> None:
    warehouse.load_batch(
        con, run_id="r1", articles=[make_article(1), make_article(2)], failures=[], fetches=[]
    )
    first_seen = con.execute("SELECT first_seen_at FROM articles WHERE url LIKE '%/1'").fetchone()
    changed = make_article(1, text="A corrected body.", fetched_at=datetime(2025, 3, 6, tzinfo=UTC))
    stats = warehouse.load_batch(
        con, run_id="r2", articles=[changed, make_article(2)], failures=[], fetches=[]
    )
    assert (stats.new, stats.updated, stats.unchanged) == (0, 1, 1)
    row = con.execute(
        "SELECT text, first_seen_at, run_id, first_run_id, last_fetched_at FROM articles WHERE url LIKE '%/1'"
    ).fetchall()
    assert row == [("A corrected body.", first_seen[0], "r2", "r1", datetime(2025, 3, 6, tzinfo=UTC))]
    assert _count(con, "SELECT count(*) FROM articles") == 2


def test_changed_attribution_only_is_updated_and_children_replaced(con, make_article) -> None:
    warehouse.load_batch(con, run_id="r1", articles=[make_article(1)], failures=[], fetches=[])
    fixed = make_article(1, attributions=(AttributionRow("agency", "Reuters", "Reuters", "(Reuters)"),))
    stats = warehouse.load_batch(con, run_id="r2", articles=[fixed], failures=[], fetches=[])
    assert stats.updated == 1
    rows = con.execute("SELECT role, name, canonical, run_id FROM attributions").fetchall()
    assert rows == [("agency", "Reuters", "Reuters", "r2")]
    assert _count(con, "SELECT count(*) FROM article_dates") == 1
    view = con.execute("SELECT agencies, reporters FROM v_article_sources").fetchall()
    assert view == [(["Reuters"], [])]


def test_duplicates_within_a_batch_collapse_to_the_last(con, make_article) -> None:
    batch = [make_article(1, title="first"), make_article(2), make_article(1, title="last")]
    stats = warehouse.load_batch(con, run_id="r1", articles=batch, failures=[], fetches=[])
    assert (stats.new, stats.updated, stats.unchanged) == (2, 0, 0)
    assert con.execute("SELECT title FROM articles WHERE url LIKE '%/1'").fetchall() == [("last",)]
    assert _count(con, "SELECT count(*) FROM attributions") == 4  # two per article, none doubled


def test_failures_recorded_and_url_state_flipped(
    con, make_article, make_ref, make_fetch, make_failure
) -> None:
    warehouse.record_discovered(con, "r1", [make_ref(i) for i in range(4)])
    fetches = [
        make_fetch(0),
        make_fetch(1),
        make_fetch(2, ok=False, error_class="http_404", error="404"),
        make_fetch(3, ok=False, status=503, error_class="http_5xx", error="503", transient=True),
    ]
    failures = [make_failure(2), make_failure(3, transient=True, error_class="http_5xx")]
    stats = warehouse.load_batch(
        con, run_id="r1", articles=[make_article(0), make_article(1)], failures=failures, fetches=fetches
    )
    assert (stats.new, stats.failed) == (2, 2)
    assert stats.per_source["egindo"].failed == 2
    assert stats.per_source["egindo"].failure_kinds == (("http_404", 1), ("http_5xx", 1))
    state = con.execute(
        "SELECT canonical_url, status, attempts, error_class, transient, run_id FROM url_state ORDER BY 1"
    ).fetchall()
    assert state == [
        ("https://www.egindo.co/news/0", "done", 1, None, False, "r1"),
        ("https://www.egindo.co/news/1", "done", 1, None, False, "r1"),
        ("https://www.egindo.co/news/2", "failed", 1, "http_404", False, "r1"),
        ("https://www.egindo.co/news/3", "failed", 1, "http_5xx", True, "r1"),
    ]
    hist = con.execute(
        "SELECT url, stage, error_class, transient, run_id FROM failures ORDER BY url"
    ).fetchall()
    assert hist == [
        ("https://www.egindo.co/news/2", "fetch", "http_404", False, "r1"),
        ("https://www.egindo.co/news/3", "fetch", "http_5xx", True, "r1"),
    ]
    assert _count(con, "SELECT count(*) FROM fetches") == 4
    # only the transient failure is fetched again
    assert [p.canonical_url for p in warehouse.pending_urls(con)] == ["https://www.egindo.co/news/3"]


def test_discover_failures_do_not_enter_the_ledger(con, make_failure) -> None:
    warehouse.load_batch(
        con,
        run_id="r1",
        articles=[],
        failures=[make_failure(9, stage="discover", error_class="bad_feed")],
        fetches=[],
    )
    assert _count(con, "SELECT count(*) FROM failures") == 1
    assert _count(con, "SELECT count(*) FROM url_state") == 0


def test_failure_of_a_done_url_keeps_it_done(con, make_article, make_ref, make_failure) -> None:
    warehouse.record_discovered(con, "r1", [make_ref(2)])
    warehouse.load_batch(con, run_id="r1", articles=[make_article(2)], failures=[], fetches=[])
    warehouse.load_batch(
        con, run_id="r2", articles=[], failures=[make_failure(2, transient=True)], fetches=[]
    )
    assert con.execute("SELECT status, error_class FROM url_state").fetchall() == [("done", "http_404")]
    assert _count(con, "SELECT count(*) FROM articles") == 1


def test_fetch_attempts_are_all_recorded(con, make_fetch) -> None:
    attempts = (
        FetchAttempt("https://www.egindo.co/news/1", 1, 503, 0, 12.5, "http_5xx", "busy"),
        FetchAttempt("https://www.egindo.co/news/1", 2, 200, 24, 8.0),
    )
    warehouse.load_batch(
        con, run_id="r1", articles=[], failures=[], fetches=[make_fetch(1, attempts=attempts)]
    )
    rows = con.execute(
        "SELECT attempt, status, bytes, duration_ms, error_class, run_id FROM fetches ORDER BY attempt"
    ).fetchall()
    assert rows == [(1, 503, 0, 12.5, "http_5xx", "r1"), (2, 200, 24, 8.0, None, "r1")]


def test_timestamptz_round_trip_of_a_jakarta_time(con, make_article) -> None:
    wib = datetime(2025, 3, 5, 8, 30, tzinfo=ZoneInfo("Asia/Jakarta"))  # 01:30 UTC
    warehouse.load_batch(
        con, run_id="r1", articles=[make_article(1, published_at=wib)], failures=[], fetches=[]
    )
    stored = con.execute("SELECT published_at, epoch(published_at) FROM articles").fetchone()
    assert stored is not None
    assert stored[0] == wib
    assert stored[1] == datetime(2025, 3, 5, 1, 30, tzinfo=UTC).timestamp()
    # the same instant whatever the reader's session zone
    con.execute("SET TimeZone = 'Asia/Jakarta'")
    try:
        text = con.execute("SELECT strftime(published_at, '%Y-%m-%d %H:%M %z') FROM articles").fetchone()
        assert text == ("2025-03-05 08:30 +07",)
    finally:
        con.execute("SET TimeZone = 'UTC'")
    value = con.execute("SELECT value FROM article_dates").fetchone()
    assert value is not None and value[0] == wib


def test_naive_datetimes_become_load_failures(con, make_article, make_ref, make_fetch) -> None:
    warehouse.record_discovered(con, "r1", [make_ref(1), make_ref(2)])
    naive = make_article(1, published_at=datetime(2025, 3, 5, 8, 30))
    stats = warehouse.load_batch(con, run_id="r1", articles=[naive, make_article(2)], failures=[], fetches=[])
    assert (stats.new, stats.failed) == (1, 1)
    assert con.execute("SELECT url FROM articles").fetchall() == [("https://www.egindo.co/news/2",)]
    assert con.execute("SELECT stage, error_class FROM failures").fetchall() == [("load", "naive_datetime")]
    assert con.execute("SELECT status FROM url_state ORDER BY canonical_url").fetchall() == [
        ("failed",),
        ("done",),
    ]
    with pytest.raises(WarehouseError, match="naive datetime"):
        warehouse.load_batch(
            con,
            run_id="r1",
            articles=[],
            failures=[],
            fetches=[make_fetch(3, fetched_at=datetime(2025, 3, 5))],
        )


def test_raw_body_round_trip(con, make_fetch, make_ref) -> None:
    body = "<html><body><p>Jakarta — Presiden … ñ</p></body></html>".encode() * 50
    warehouse.record_discovered(con, "r1", [make_ref(1), make_ref(2, source_id="cna")])
    warehouse.load_batch(
        con,
        run_id="r1",
        articles=[],
        failures=[],
        fetches=[
            make_fetch(1, body=b"old"),
            make_fetch(2, body=b"<p>cna</p>"),
            make_fetch(1, body=body, etag='"v2"'),
        ],
    )
    stored = con.execute(
        "SELECT bytes, body_length, compression, body_z FROM raw_pages WHERE url LIKE '%/1'"
    ).fetchall()
    assert stored[0][0] == len(body) and stored[0][1] < len(body) and stored[0][2] == "zstd"
    assert stored[0][3] is None  # the body is in a pack file beside the database, not a BLOB
    pages = [p for batch in warehouse.iter_raw_pages(con, batch_size=1) for p in batch]
    assert [(p.canonical_url, p.source_id, p.body) for p in pages] == [
        ("https://www.egindo.co/news/1", "egindo", body),
        ("https://www.egindo.co/news/2", "cna", b"<p>cna</p>"),
    ]
    assert pages[0].text == body.decode("utf-8")
    only_cna = [p.url for b in warehouse.iter_raw_pages(con, source_ids=["cna"]) for p in b]
    assert only_cna == ["https://www.egindo.co/news/2"]
    # the pack is one standard zstd stream (frames back to back), readable without Kabar
    folder = raw_dir(con)
    assert folder is not None and folder.name.endswith(".ducklake.raw")
    rel, off, length, size = con.execute(
        "SELECT body_file, body_offset, body_length, bytes FROM raw_pages WHERE url LIKE '%/2'"
    ).fetchone()
    blob = (folder / rel).read_bytes()[off : off + length]
    assert blob[:4] == b"\x28\xb5\x2f\xfd"
    assert pa.Codec("zstd").decompress(blob, decompressed_size=size, asbytes=True) == b"<p>cna</p>"


def test_raw_pages_written_by_earlier_versions_as_blobs_still_decode(con, make_fetch) -> None:
    body = b"<html><body><p>Lama</p></body></html>"
    warehouse.load_batch(con, run_id="r1", articles=[], failures=[], fetches=[make_fetch(1, body=body)])
    con.execute(
        "UPDATE raw_pages SET compression = 'zlib', body_z = $z, body_file = NULL",
        {"z": zlib.compress(body, 6)},
    )
    pages = [p for batch in warehouse.iter_raw_pages(con) for p in batch]
    assert [p.body for p in pages] == [body]


def test_bodies_stored_in_the_table_by_old_versions_still_read(con, make_fetch) -> None:
    """Rows from before migration 0003 (and migrated single-file warehouses) keep their body in ``body_z``."""
    warehouse.load_batch(
        con, run_id="r1", articles=[], failures=[], fetches=[make_fetch(1, body=b"<p>x</p>")]
    )
    con.execute(
        "UPDATE raw_pages SET body_file = NULL, body_offset = NULL, body_length = NULL, body_z = ?, "
        "compression = 'zlib'",
        [zlib.compress(b"<p>old</p>")],
    )
    assert [p.body for b in warehouse.iter_raw_pages(con) for p in b] == [b"<p>old</p>"]


def test_orphan_packs_and_fully_pruned_packs_are_removed(con, make_fetch) -> None:
    """A pack whose load never committed (a killed run) or whose pages were all pruned goes."""
    old = datetime.now(UTC) - timedelta(days=40)
    warehouse.load_batch(con, run_id="r1", articles=[], failures=[], fetches=[make_fetch(1, fetched_at=old)])
    recent = make_fetch(2, fetched_at=datetime.now(UTC))
    warehouse.load_batch(con, run_id="r2", articles=[], failures=[], fetches=[recent])
    folder = raw_dir(con)
    assert folder is not None
    orphan = write_pack(folder, "killed-run", [b"<p>never committed</p>"])
    day_old = time.time() - 24 * 3600
    for pack in folder.glob("*/*.html.zst"):  # written a day ago (the grace protects younger ones)
        os.utime(pack, (day_old, day_old))
    # a young unreferenced pack may be another writer's batch about to commit: it stays
    loading = write_pack(folder, "other-writer", [b"<p>committing now</p>"])
    assert len(list(folder.glob("*/*.html.zst"))) == 4
    assert warehouse.prune_raw_pages(con, keep_days=30) == 1
    left = sorted(p.relative_to(folder).as_posix() for p in folder.glob("*/*.html.zst"))
    assert orphan.file not in left and len(left) == 2 and loading.file in left
    assert [f for f in left if f != loading.file] == [
        r[0] for r in con.execute("SELECT body_file FROM raw_pages").fetchall()
    ]
    assert [p.body for b in warehouse.iter_raw_pages(con) for p in b] == [recent.body]


def test_prune_raw_pages(con, make_fetch) -> None:
    recent = datetime.now(UTC) - timedelta(days=1)
    warehouse.load_batch(
        con, run_id="r1", articles=[], failures=[], fetches=[make_fetch(1), make_fetch(2, fetched_at=recent)]
    )
    assert warehouse.prune_raw_pages(con, keep_days=30) == 1  # make_fetch(1) is from March 2025
    assert con.execute("SELECT url FROM raw_pages").fetchall() == [("https://www.egindo.co/news/2",)]


def test_keep_raw_false_and_failed_fetches_store_no_body(con, make_fetch) -> None:
    warehouse.load_batch(con, run_id="r1", articles=[], failures=[], fetches=[make_fetch(1)], keep_raw=False)
    warehouse.load_batch(con, run_id="r1", articles=[], failures=[], fetches=[make_fetch(2, ok=False)])
    assert _count(con, "SELECT count(*) FROM raw_pages") == 0
    assert _count(con, "SELECT count(*) FROM fetches") == 2


def test_per_source_counts(con, make_article, make_failure) -> None:
    batch = [make_article(1), make_article(2, source_id="cna"), make_article(3, source_id=None)]
    stats = warehouse.load_batch(con, run_id="r1", articles=batch, failures=[make_failure(4)], fetches=[])
    assert stats.per_source == {
        "egindo": RunCounts(new=1, failed=1, failure_kinds=(("http_404", 1),)),
        "cna": RunCounts(new=1),
        "(ad hoc)": RunCounts(new=1),
    }


def test_a_failing_batch_leaves_nothing_behind(con, make_article, make_ref, make_fetch, monkeypatch) -> None:
    warehouse.record_discovered(con, "r1", [make_ref(1)])
    # break the last statement of the transaction: everything before it must roll back
    monkeypatch.setattr("warehouse.load._WRITE_RAW_SQL", "INSERT INTO raw_pages SELECT * FROM no_such_table")
    monkeypatch.setattr(
        "warehouse.load._WRITE_RAW_KNOWN_SQL", "INSERT INTO raw_pages SELECT * FROM no_such_table"
    )
    with pytest.raises(WarehouseError, match="rolled back"):
        warehouse.load_batch(
            con, run_id="r1", articles=[make_article(1)], failures=[], fetches=[make_fetch(1)]
        )
    for table in ("articles", "attributions", "article_dates", "fetches", "raw_pages"):
        assert _count(con, f"SELECT count(*) FROM {table}") == 0, table
    assert con.execute("SELECT status FROM url_state").fetchall() == [("pending",)]
    monkeypatch.undo()
    # the connection is usable afterwards (no dangling transaction)
    stats = warehouse.load_batch(
        con, run_id="r1", articles=[make_article(1)], failures=[], fetches=[make_fetch(1)]
    )
    assert stats.new == 1 and _count(con, "SELECT count(*) FROM raw_pages") == 1


def test_parse_hash_of_stored_rows_does_not_drift() -> None:
    """``articles.parse_hash`` is compared with the stored value on every run: if its formula changes,
    every stored article reads as *updated* once. The literal was computed by the implementation of
    2026-12-02 (migration 0007 added published_local and published_granularity to the fingerprint,
    so the reparse that fills them rewrites each row once); a change here must be deliberate."""
    from datetime import timezone

    from records.models import ArticleRow, DateRow
    from warehouse.load import parse_hash

    wib = timezone(timedelta(hours=7))
    row = ArticleRow(
        url="https://example.id/berita/1",
        canonical_url="https://example.id/berita/1",
        source_id="antara",
        outlet="ANTARA",
        title="Judul 'kutip'",
        text="Teks.",
        authors=("Ani", "Budi"),
        language="id",
        published_at=datetime(2024, 11, 12, 9, 30, tzinfo=wib),
        published_at_source="meta",
        published_flags=("x",),
        published_local="2024-11-12T09:30+07:00",
        published_granularity="minute",
        dateline_place="Jakarta",
        content_hash="c",
        fetched_at=datetime(2024, 11, 12, 3, 0, tzinfo=UTC),
        final_url="https://example.id/berita/1",
        attributions=(AttributionRow("agency", "ANTARA", "ANTARA", "(ANTARA)"),),
        dates=(
            DateRow("mention", datetime(2024, 11, 12, tzinfo=wib), "day", "Selasa (12/11)", ("weekday",)),
            DateRow("published", None, "minute", None),
        ),
    )
    assert parse_hash(row) == "6946c178bcf0f2cb28e8a67aea51e0ca"
    assert parse_hash(replace(row, dateline_place="Bandung")) != parse_hash(row)
    assert parse_hash(replace(row, published_local="2024-11-12T02:30+00:00")) != parse_hash(row)


def test_raw_pages_carry_the_feed_date_and_title_from_url_state(con, make_ref, make_fetch) -> None:
    """reparse hands the parsers what ingest did: the feed's date, title and language come with each raw page."""
    warehouse.record_discovered(con, "r1", [make_ref(1, language="id")])
    warehouse.load_batch(con, run_id="r1", articles=[], failures=[], fetches=[make_fetch(1), make_fetch(2)])
    pages = {p.url: p for b in warehouse.iter_raw_pages(con) for p in b}
    listed, unlisted = pages["https://www.egindo.co/news/1"], pages["https://www.egindo.co/news/2"]
    assert listed.feed_published == make_ref(1).published
    assert listed.feed_title == "Feed title 1"
    assert listed.feed_language == "id"
    assert unlisted.feed_published is None and unlisted.feed_title is None and unlisted.feed_language is None
