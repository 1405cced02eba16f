"""Views and the stored read queries, plus the offline full-text index."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

import warehouse
from records.counts import RunCounts
from records.errors import WarehouseError
from records.models import AttributionRow
from tests.warehouse.conftest import FETCHED


def test_article_sources_view_lists_roles_in_order(con, make_article) -> None:
    attributions = (
        AttributionRow("agency", "Reuters", "Reuters", "(Reuters)"),
        AttributionRow("agency", "ANTARA", "Antara", "(ANTARA)"),
        AttributionRow("agency", "REUTERS", "Reuters", "Reuters"),  # same agency again: listed once
        AttributionRow("cited_agency", "AFP", "AFP", "according to AFP"),
        AttributionRow("reporter", "Budi Santoso"),
        AttributionRow("editor", "Ani"),
        AttributionRow("staff_initials", "bs"),
        AttributionRow("translator", "Citra"),
        AttributionRow("dateline_place", "Surabaya"),
    )
    warehouse.load_batch(
        con,
        run_id="r1",
        articles=[make_article(1, attributions=attributions), make_article(2, attributions=())],
        failures=[],
        fetches=[],
    )
    rows = con.execute(
        "SELECT agencies, cited_agencies, reporters, editors, staff_initials, translators, dateline_place, outlet "
        "FROM v_article_sources ORDER BY canonical_url"
    ).fetchall()
    assert rows == [
        (
            ["Reuters", "Antara"],
            ["AFP"],
            ["Budi Santoso"],
            ["Ani"],
            ["bs"],
            ["Citra"],
            "Jakarta",
            "EGINDO.co",
        ),
        ([], [], [], [], [], [], "Jakarta", "EGINDO.co"),
    ]


def test_stored_queries_run(con, make_article, make_failure) -> None:
    warehouse.start_run(con, run_id="r1", flow_run_id=None, flow_name="ingest", parameters={})
    warehouse.load_batch(con, run_id="r1", articles=[make_article(1)], failures=[make_failure(2)], fetches=[])
    warehouse.finish_run(
        con,
        run_id="r1",
        state="completed",
        totals=RunCounts(new=1, failed=1),
        per_source={"egindo": RunCounts(new=1, failed=1)},
    )
    names = warehouse.query_names()
    assert {"recent_runs", "source_health", "recent_failures", "agency_counts"} <= set(names)
    results = {}
    for name in names:
        if name == "search_articles":
            continue
        sql = warehouse.read_query(name)
        params = [10] if "?" in sql else []
        results[name] = con.execute(sql, params).fetchall()
    assert results["agency_counts"] == [("Antara", 1, 0)]
    assert results["recent_runs"][0][:3] == ("r1", "ingest", "completed")
    assert results["daily_articles"] == [(make_article(1).published_at.date(), "egindo", 1)]
    assert [r[0] for r in results["source_health"]] == ["cna", "egindo"]
    with pytest.raises(KeyError):
        warehouse.read_query("nope")


def test_search_index_offline(con, make_article) -> None:
    articles = [
        make_article(1, title="Banjir di Jakarta", text="Hujan deras menyebabkan banjir di Jakarta Utara."),
        make_article(2, title="Ekonomi tumbuh", text="Bank Indonesia menahan suku bunga."),
        make_article(3, title="Gempa", text="Gempa mengguncang Sulawesi; tidak ada banjir."),
    ]
    warehouse.load_batch(con, run_id="r1", articles=articles, failures=[], fetches=[])
    assert warehouse.rebuild_search_index(con) == 3
    _columns, rows = warehouse.search_articles(con, "banjir")
    assert [r[3] for r in rows][0] == "Banjir di Jakarta"
    assert {r[3] for r in rows} == {"Banjir di Jakarta", "Gempa"}
    assert warehouse.search_articles(con, "suku bunga")[1][0][3] == "Ekonomi tumbuh"
    # the index is a local DuckDB file beside the lake (the fts extension cannot index a lake table)
    assert warehouse.search_file(con).name == "kabar.ducklake.search.duckdb"
    assert warehouse.search_file(con).is_file()


def test_stale_search_docs_counts_new_changed_and_deleted_articles(con, make_article) -> None:
    with pytest.raises(WarehouseError, match="no search index yet"):
        warehouse.search_articles(con, "banjir")
    warehouse.load_batch(
        con, run_id="r1", articles=[make_article(1), make_article(2)], failures=[], fetches=[]
    )
    assert warehouse.stale_search_docs(con) == 2  # never indexed
    warehouse.rebuild_search_index(con)
    assert warehouse.stale_search_docs(con) == 0
    changed = make_article(1, text="Banjir merendam kampung di tepi sungai. " * 5)
    warehouse.load_batch(con, run_id="r2", articles=[changed, make_article(3)], failures=[], fetches=[])
    assert warehouse.stale_search_docs(con) == 2  # one changed, one new
    assert warehouse.search_articles(con, "banjir")[1] == []  # the index still holds the old text
    con.execute(
        "DELETE FROM article_dates WHERE article_id = (SELECT article_id FROM articles WHERE title = 'Title 2')"
    )
    con.execute(
        "DELETE FROM attributions WHERE article_id = (SELECT article_id FROM articles WHERE title = 'Title 2')"
    )
    con.execute("DELETE FROM articles WHERE title = 'Title 2'")
    assert warehouse.stale_search_docs(con) == 3  # and one indexed document lost its article
    warehouse.rebuild_search_index(con)
    assert warehouse.stale_search_docs(con) == 0
    columns, rows = warehouse.search_articles(con, "banjir")
    assert columns[3] == "title" and [r[3] for r in rows] == ["Title 1"]


def _kabar(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kabar.cli", *args], capture_output=True, text=True, timeout=120
    )


def test_kabar_search_and_the_daily_maintenance_keep_the_index_current(
    db_path, seeds_dir, make_article
) -> None:
    """`kabar search` reads the index (saying what it misses), --rebuild and maintenance refresh it."""
    from flows.maintenance import report_markdown, run_maintenance

    flood = make_article(
        1, title="Banjir di Jakarta", text="Hujan deras menyebabkan banjir di Jakarta Utara. " * 3
    )
    quake = make_article(2, title="Gempa", text="Gempa mengguncang Sulawesi tanpa korban jiwa. " * 3)
    with warehouse.open_warehouse(db_path, seeds_dir=seeds_dir) as con:
        warehouse.load_batch(con, run_id="r1", articles=[flood], failures=[], fetches=[])
    wh = str(db_path)
    missing = _kabar("search", "banjir", "--warehouse", wh)
    assert missing.returncode == 3 and "--rebuild" in missing.stderr
    assert "search index: not built yet" in _kabar("status", "--warehouse", wh).stdout
    built = _kabar("search", "banjir", "--warehouse", wh, "--rebuild", "--format", "json")
    assert built.returncode == 0, built.stderr
    assert [json.loads(line)["title"] for line in built.stdout.splitlines()] == ["Banjir di Jakarta"]

    with warehouse.open_warehouse(db_path, seeds_dir=seeds_dir) as con:
        warehouse.load_batch(con, run_id="r2", articles=[quake], failures=[], fetches=[])
    stale = _kabar("search", "gempa", "--warehouse", wh, "--format", "json")
    assert stale.returncode == 0 and stale.stdout == ""
    assert "1 article(s) are new or changed" in stale.stderr
    assert "search index: 1 article(s) new or changed" in _kabar("status", "--warehouse", wh).stdout

    report = run_maintenance(db_path, 0, now=datetime.now(UTC), rebuild_search=True)
    assert (report.search_stale, report.search_indexed) == (1, 2)
    assert "search index rebuilt: **2** documents" in report_markdown(report)
    fresh = _kabar("search", "gempa", "--warehouse", wh, "--format", "json")
    assert [json.loads(line)["title"] for line in fresh.stdout.splitlines()] == ["Gempa"]
    assert fresh.stderr == ""
    assert "search index: up to date" in _kabar("status", "--warehouse", wh).stdout
    again = run_maintenance(db_path, 0, now=datetime.now(UTC), rebuild_search=True)
    assert (again.search_stale, again.search_indexed) == (0, None)  # nothing changed: no rebuild
    assert "search index up to date" in report_markdown(again)
    off = run_maintenance(db_path, 0, now=datetime.now(UTC))  # the library default leaves the index alone
    assert off.search_stale is None and "search index not checked" in report_markdown(off)


def test_article_versions_lists_each_change_from_the_lakes_snapshots(con, make_article) -> None:
    """A changed refetch is a new version; a refetch that changed nothing (only last_fetched_at) is not."""
    first = make_article(1, title="Banjir", text="Air naik satu meter di Kampung Melayu. " * 4)
    warehouse.load_batch(con, run_id="r1", articles=[first, make_article(2)], failures=[], fetches=[])
    later = FETCHED + timedelta(hours=3)
    warehouse.load_batch(
        con, run_id="r2", articles=[make_article(1, title="Banjir", text=first.text, fetched_at=later)],
        failures=[], fetches=[],
    )  # fmt: skip
    changed = make_article(1, title="Banjir meluas", text="Air naik dua meter di Kampung Melayu. " * 4)
    warehouse.load_batch(con, run_id="r3", articles=[changed], failures=[], fetches=[])
    aid = warehouse.article_id(first.canonical_url)
    rows = con.execute(
        "SELECT version, title, run_id, left(text, 20) FROM article_versions WHERE article_id = ? ORDER BY version",
        [aid],
    ).fetchall()
    assert rows == [
        (1, "Banjir", "r1", "Air naik satu meter "),
        (2, "Banjir meluas", "r3", "Air naik dua meter d"),
    ]
    at = con.execute(
        "SELECT version_at FROM article_versions WHERE article_id = ? ORDER BY version", [aid]
    ).fetchall()
    assert at[0][0] < at[1][0]
    assert con.execute(
        "SELECT count(*) FROM article_versions WHERE article_id = ?",
        [warehouse.article_id(make_article(2).canonical_url)],
    ).fetchone() == (1,)


def test_maintenance_expiry_bounds_the_history(con, make_article) -> None:
    """Snapshots older than the retention go: earlier versions leave article_versions, the current
    row stays, and merging files keeps every row."""
    from warehouse.lakeops import compact

    warehouse.load_batch(con, run_id="r1", articles=[make_article(1)], failures=[], fetches=[])
    warehouse.load_batch(
        con, run_id="r2", articles=[make_article(1, text="Teks baru. " * 20)], failures=[], fetches=[]
    )
    assert [r[0] for r in con.execute("SELECT run_id FROM article_versions ORDER BY version").fetchall()] == [
        "r1",
        "r2",
    ]
    kept = compact(con, snapshot_retention_days=30, now=datetime.now(UTC))
    assert kept.snapshots_expired == 0
    later = compact(con, snapshot_retention_days=1, now=datetime.now(UTC) + timedelta(days=2))
    assert later.snapshots_expired > 0
    assert con.execute("SELECT version, run_id FROM article_versions").fetchall() == [(1, "r2")]
    assert con.execute("SELECT count(*), min(left(text, 9)) FROM articles").fetchone() == (1, "Teks baru")


def test_kabar_runs_and_status_formats(db_path, seeds_dir, make_article) -> None:
    """A compact table that fits a terminal by default; every column with wide, csv and json."""
    with warehouse.open_warehouse(db_path, seeds_dir=seeds_dir) as con:
        warehouse.start_run(con, run_id="r1", flow_run_id=None, flow_name="ingest", parameters={})
        warehouse.load_batch(con, run_id="r1", articles=[make_article(1)], failures=[], fetches=[])
        warehouse.finish_run(con, run_id="r1", state="completed", totals=RunCounts(new=1), per_source={})
    wh = str(db_path)
    env = {**os.environ, "COLUMNS": "100"}
    table = subprocess.run(
        [sys.executable, "-m", "kabar.cli", "runs", "--warehouse", wh],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert table.returncode == 0, table.stderr
    assert max(len(line) for line in table.stdout.splitlines()) <= 100
    assert "completed" in table.stdout and "unchanged" not in table.stdout  # compact: fewer columns
    rows = [
        json.loads(line) for line in _kabar("runs", "--warehouse", wh, "--format", "json").stdout.splitlines()
    ]
    assert [(r["run_id"], r["state"], r["new"], r["unchanged"]) for r in rows] == [("r1", "completed", 1, 0)]
    csv_lines = _kabar("status", "--warehouse", wh, "--format", "csv").stdout.splitlines()
    assert csv_lines[0].startswith("source_id,name,last_success_at") and len(csv_lines) >= 2
    wide = subprocess.run(
        [sys.executable, "-m", "kabar.cli", "status", "--warehouse", wh, "--format", "wide"],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert wide.returncode == 0 and "share_missing_attribution" in wide.stdout
