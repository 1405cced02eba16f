"""End to end: the real ingest flow against the demo site served on 127.0.0.1, into a real DuckDB file.

Runs against a real Prefect server (``prefect_server`` fixture), twice: the second run must add
nothing and change no article, attribution or date row.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import warehouse
from kabar.demo import DEMO_DIR, DemoSite
from tests.support.db import duckdb_says, one, read_one
from tests.support.localsite import LocalSite

pytestmark = pytest.mark.slow

EXPECTED = json.loads((DEMO_DIR / "EXPECTED.json").read_text(encoding="utf-8"))


def _counts(db: Path) -> dict[str, int]:
    con = warehouse.connect(db, read_only=True)
    try:
        out = {}
        for table in ("articles", "attributions", "article_dates", "raw_pages", "url_state"):
            out[table] = one(con.execute(f"SELECT count(*) FROM {table}"))[0]
        out["distinct_urls"] = one(con.execute("SELECT count(DISTINCT canonical_url) FROM articles"))[0]
        return out
    finally:
        con.close()


@pytest.fixture(scope="module")
def demo_runs(prefect_server, tmp_path_factory):
    from flows.ingest import ingest

    db = tmp_path_factory.mktemp("wh") / "kabar.ducklake"
    with DemoSite(port=0) as site:
        kwargs: dict[str, Any] = dict(
            warehouse_path=str(db), sources=["demo"], base_url=site.base, allowed_hosts=[site.host_port]
        )
        first = ingest(**kwargs)
        counts1 = _counts(db)
        second = ingest(**kwargs)
        counts2 = _counts(db)
    return db, site.base, first, counts1, second, counts2


def _expected_items():
    items = EXPECTED.items() if isinstance(EXPECTED, dict) else ((e["path"], e) for e in EXPECTED)
    return [(path, exp) for path, exp in items if not path.startswith("_")]


def test_first_run_loads_every_demo_article(demo_runs):
    db, base, first, counts1, _, _ = demo_runs
    expected = _expected_items()
    assert first["state"] == "completed"
    assert counts1["articles"] == len(expected)
    assert counts1["distinct_urls"] == counts1["articles"]
    con = warehouse.connect(db, read_only=True)
    try:
        pending = one(con.execute("SELECT count(*) FROM url_state WHERE status = 'pending'"))[0]
        assert pending == 0
        runs = con.execute("SELECT state, flow_run_id FROM runs ORDER BY started_at").fetchall()
        assert runs[0][0] == "completed" and runs[0][1] == first["flow_run_id"]
        fetches = one(con.execute("SELECT count(*) FROM fetches WHERE status = 200"))[0]
        assert fetches >= len(expected)
    finally:
        con.close()


def test_articles_match_the_human_expectations(demo_runs):
    db, base, *_ = demo_runs
    con = warehouse.connect(db, read_only=True)
    con.execute("SET TimeZone = 'Asia/Jakarta'")
    try:
        for path, exp in _expected_items():
            url = base + path
            row = one(
                con.execute(
                    "SELECT title, outlet, language, published_at, dateline_place, article_id, published_date, "
                    "published_granularity FROM articles WHERE url = ? OR canonical_url = ?",
                    [url, url],
                )
            )
            assert row is not None, f"{path} not loaded"
            title, outlet, language, published_at, dateline, article_id, published_date, granularity = row
            if exp.get("title"):
                assert title == exp["title"], path
            if exp.get("outlet"):
                assert outlet == exp["outlet"], path
            if exp.get("language"):
                assert language == exp["language"], path
            if "published" in exp:
                if exp["published"] is None:
                    assert published_at is None, path
                else:
                    assert published_at is not None, path
                    if len(exp["published"]) > 10:  # a full timestamp: the same instant
                        assert published_at == datetime.fromisoformat(exp["published"]), path
                        assert granularity in ("second", "minute"), path
                    else:  # a day (from the URL): that day in the source's zone
                        assert published_at.date() == date.fromisoformat(exp["published"]), path
                        assert granularity == "day", path
                    # the day in the offset the page states, else in the source's zone (WIB): the
                    # senate page's 16:05-05:00 is 04:05 on the 15th in WIB, but its day is the 14th
                    assert published_date == date.fromisoformat(exp["published"][:10]), path
            if "dateline_place" in exp:
                assert dateline == exp["dateline_place"], path
            roles = con.execute(
                "SELECT role, name FROM attributions WHERE article_id = ? ORDER BY role, name", [article_id]
            ).fetchall()
            for field, role in (
                ("agencies", "agency"),
                ("reporters", "reporter"),
                ("editors", "editor"),
                ("staff_initials", "staff_initials"),
                ("cited_agencies", "cited_agency"),
            ):
                if field in exp:
                    got = sorted(n for r, n in roles if r == role)
                    assert got == sorted(exp[field]), f"{path} {field}"
    finally:
        con.close()


def test_founding_article(demo_runs):
    db, *_ = demo_runs
    con = warehouse.connect(db, read_only=True)
    con.execute("SET TimeZone = 'Asia/Jakarta'")
    try:
        title, outlet, published_at, dateline = one(
            con.execute(
                "SELECT title, outlet, published_at, dateline_place FROM articles WHERE outlet = 'EGINDO.co'"
            )
        )
        assert "Shoigu" in title
        assert dateline == "Beijing"
        assert published_at.year == 2024 and published_at.month == 11 and published_at.day in (12, 13)
        agencies = one(
            con.execute(
                "SELECT list(name) FROM attributions JOIN articles USING (article_id) "
                "WHERE articles.outlet = 'EGINDO.co' AND role = 'agency'"
            )
        )[0]
        assert agencies == ["Channel NewsAsia"]
        mention = one(
            con.execute(
                "SELECT value FROM article_dates JOIN articles USING (article_id) "
                "WHERE articles.outlet = 'EGINDO.co' AND kind = 'mention' AND span LIKE '%12 November%'"
            )
        )
        assert mention is not None and mention[0].date() == date(2024, 11, 12)
    finally:
        con.close()


def test_second_run_is_idempotent(demo_runs):
    _, _, first, counts1, second, counts2 = demo_runs
    assert second["state"] == "completed"
    assert counts2 == counts1
    assert second["new"] == 0 and second["updated"] == 0
    assert second["not_modified"] >= 1  # feeds answered 304 to the conditional GET
    assert first["new"] == counts1["articles"]
    # a quiet scheduled run (every feed 304) is healthy: counted per source, no "silent" warning
    demo = next(r for r in second["per_source"] if r["source"] == "demo")
    assert demo["not_modified"] >= 1 and demo["failed"] == 0
    assert second["warnings"] == []
    db = demo_runs[0]
    con = warehouse.connect(db, read_only=True)
    try:
        stored = one(
            con.execute(
                "SELECT not_modified FROM run_sources WHERE run_id = ? AND source_id = 'demo'",
                [second["run_id"]],
            )
        )
        assert stored is not None and stored[0] == demo["not_modified"]
    finally:
        con.close()


def test_reparse_is_idempotent_and_repairs_rows_in_place(demo_runs):
    from flows.reparse import reparse

    db, *_ = demo_runs
    before = _counts(db)
    first = reparse(warehouse_path=str(db))
    assert first["state"] == "completed"
    assert first["pages"] == before["articles"] and first["updated"] == 0 and first["new"] == 0
    # simulate an old parser's output on one article: reparse must bring it back, in place
    con = warehouse.connect(db)
    try:
        con.execute(
            "UPDATE articles SET dateline_place = NULL, parse_hash = 'stale', content_hash = 'stale' "
            "WHERE outlet = 'EGINDO.co'"
        )
        con.execute(
            "DELETE FROM attributions WHERE article_id IN "
            "(SELECT article_id FROM articles WHERE outlet = 'EGINDO.co')"
        )
    finally:
        con.close()
    second = reparse(warehouse_path=str(db))
    assert second["updated"] == 1 and second["new"] == 0
    assert _counts(db) == before
    con = warehouse.connect(db, read_only=True)
    try:
        assert (
            one(con.execute("SELECT dateline_place FROM articles WHERE outlet = 'EGINDO.co'"))[0] == "Beijing"
        )
    finally:
        con.close()
    # rows loaded before migration 0007 have no local date and an older parse fingerprint:
    # reparse fills them from the stored pages
    con = warehouse.connect(db)
    try:
        con.execute(
            "UPDATE articles SET published_local = NULL, published_date = NULL, published_granularity = NULL, "
            "parse_hash = 'pre-0007'"
        )
    finally:
        con.close()
    third = reparse(warehouse_path=str(db))
    assert third["updated"] == before["articles"] and third["new"] == 0
    con = warehouse.connect(db, read_only=True)
    try:
        missing = one(
            con.execute(
                "SELECT count(*) FROM articles WHERE published_at IS NOT NULL "
                "AND (published_date IS NULL OR published_local IS NULL OR published_granularity IS NULL)"
            )
        )[0]
        assert missing == 0
        view = one(
            con.execute(
                "SELECT published_local, published_date, published_granularity FROM v_article_sources "
                "WHERE outlet = 'EGINDO.co'"
            )
        )
        assert view[1] in (date(2024, 11, 12), date(2024, 11, 13)) and view[0].startswith(str(view[1]))
    finally:
        con.close()


def test_flow_run_is_completed_with_artifacts_in_prefect(demo_runs):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    _, _, first, *_ = demo_runs
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(first["flow_run_id"])
        assert run.state is not None and run.state.is_completed()
        arts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run.id]))
        )
    by_key = {a.key: a for a in arts}
    assert set(by_key) >= {"ingest-per-source", "ingest-summary", "ingest-progress"}
    progress = by_key["ingest-progress"]
    assert float(str(progress.data)) == 100.0 and "batch 1/1" in (progress.description or "")
    table = by_key["ingest-per-source"].data
    assert "demo" in str(table)
    assert "Warehouse totals" in str(by_key["ingest-summary"].data)


_UNDATED_PAGE = (
    "<html><head><meta charset='utf-8'><title>Panen raya di alun-alun</title></head><body><article>"
    + "".join(
        f"<p>Warga desa ke-{i} berkumpul di alun-alun untuk merayakan panen raya bersama keluarga, "
        f"membawa {i + 2} keranjang hasil bumi dan menyanyikan lagu daerah hingga sore hari.</p>"
        for i in range(12)
    )
    + "</article></body></html>"
).encode()


def _ingest_undated_page_from_feed(db: Path, channel_extra: str, item_extra: str) -> None:
    """Serve an RSS feed listing ``_UNDATED_PAGE`` on 127.0.0.1 and ingest it (ad-hoc source) into ``db``."""
    from flows.ingest import ingest

    with LocalSite() as site:
        feed = (
            f"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>{channel_extra}"
            f"<item><title>Panen raya</title><link>{site.url('/berita/panen.html')}</link>{item_extra}"
            "</item></channel></rss>"
        ).encode()
        site.routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml"}, feed)
        site.routes["/berita/panen.html"] = (200, {"Content-Type": "text/html"}, _UNDATED_PAGE)
        first = ingest(
            warehouse_path=str(db), feeds=[site.url("/feed.xml")], allowed_hosts=[f"127.0.0.1:{site.port}"]
        )
    assert first["state"] == "completed" and first["new"] == 1


def test_reparse_keeps_the_feed_date_of_an_undated_page(prefect_server, tmp_path):
    """A page with no date of its own gets the feed's: reparse must give it again, not drop it."""
    from flows.reparse import reparse

    db = tmp_path / "f.ducklake"
    _ingest_undated_page_from_feed(db, "", "<pubDate>Tue, 12 Nov 2024 09:30:00 +0700</pubDate>")

    def stored() -> tuple[Any, ...]:
        return read_one(
            db,
            "SELECT published_at, published_at_source, title, parse_hash, outlet, language, published_flags, "
            "source_id, (SELECT list((kind, value, span, flags)) FROM article_dates) FROM articles",
        )

    before = stored()
    assert before[0] == datetime(2024, 11, 12, 2, 30, tzinfo=UTC) and before[1] == "feed"
    assert before[5] == "id"  # an ad-hoc source has no language: the text says Indonesian
    again = reparse(warehouse_path=str(db))
    assert again["state"] == "completed" and again["pages"] == 1 and again["updated"] == 0
    assert stored() == before


def test_the_feed_language_reaches_the_article_and_survives_reparse(prefect_server, tmp_path):
    """RSS <language> is used when the page has no <html lang>; reparse uses it again."""
    from flows.reparse import reparse

    db = tmp_path / "l.ducklake"
    _ingest_undated_page_from_feed(db, "<language>ms-MY</language>", "")

    def stored() -> tuple[Any, ...]:
        return read_one(db, "SELECT language, parse_hash FROM articles")

    before = stored()
    assert before[0] == "ms"  # the text alone reads as Indonesian; the feed said Malay
    again = reparse(warehouse_path=str(db))
    assert again["state"] == "completed" and again["updated"] == 0
    assert stored() == before


def test_max_age_skips_old_child_sitemaps_and_old_urls(prefect_server, tmp_path):
    """--max-age-days: a child sitemap unchanged since the cutoff is not fetched, URLs listed with an
    older date are not fetched, undated ones are."""
    from flows.ingest import ingest

    now = datetime.now(UTC)

    def iso(d: datetime) -> str:
        return d.strftime("%Y-%m-%dT%H:%M:%S+00:00")

    old, recent = iso(now - timedelta(days=400)), iso(now - timedelta(days=2))
    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    db = tmp_path / "m.ducklake"
    with LocalSite() as site:

        def urlset(*entries: tuple[str, str | None]) -> bytes:
            items = "".join(
                f"<url><loc>{site.url(path)}</loc>" + (f"<lastmod>{mod}</lastmod>" if mod else "") + "</url>"
                for path, mod in entries
            )
            return f"<?xml version='1.0'?><urlset {ns}>{items}</urlset>".encode()

        index = (
            f"<?xml version='1.0'?><sitemapindex {ns}>"
            f"<sitemap><loc>{site.url('/old-sitemap.xml')}</loc><lastmod>{old}</lastmod></sitemap>"
            f"<sitemap><loc>{site.url('/new-sitemap.xml')}</loc><lastmod>{recent}</lastmod></sitemap>"
            "</sitemapindex>"
        ).encode()
        xml = {"Content-Type": "application/xml"}
        site.routes["/sitemap_index.xml"] = (200, xml, index)
        site.routes["/old-sitemap.xml"] = (200, xml, urlset(("/berita/arsip.html", old)))
        site.routes["/new-sitemap.xml"] = (
            200,
            xml,
            urlset(
                ("/berita/lama.html", old),
                ("/berita/baru.html", recent),
                ("/berita/tanpa-tanggal.html", None),
            ),
        )
        for name in ("arsip", "lama", "baru", "tanpa-tanggal"):
            site.routes[f"/berita/{name}.html"] = (200, {"Content-Type": "text/html"}, _UNDATED_PAGE)
        summary = ingest(
            warehouse_path=str(db),
            sitemaps=[site.url("/sitemap_index.xml")],
            allowed_hosts=[f"127.0.0.1:{site.port}"],
            max_age_days=30,
        )
        hits = dict(site.hits)
    assert summary["state"] == "completed" and summary["new"] == 2
    assert hits.get("/old-sitemap.xml", 0) == 0 and hits["/new-sitemap.xml"] == 1
    assert hits.get("/berita/arsip.html", 0) == 0 and hits.get("/berita/lama.html", 0) == 0
    con = warehouse.connect(db, read_only=True)
    try:
        stored = sorted(r[0].rsplit("/", 1)[1] for r in con.execute("SELECT url FROM articles").fetchall())
        ledger = sorted(r[0].rsplit("/", 1)[1] for r in con.execute("SELECT url FROM url_state").fetchall())
        too_old = con.execute("SELECT too_old FROM run_sources").fetchall()
    finally:
        con.close()
    assert stored == ["baru.html", "tanpa-tanggal.html"]
    assert ledger == ["baru.html", "tanpa-tanggal.html"]  # the old ones were never recorded
    assert too_old == [(1,)]  # lama.html, listed in a fetched sitemap with an old date


def test_ingest_and_reparse_load_under_the_configured_duckdb_memory_cap(
    prefect_server, tmp_path, monkeypatch
):
    """KABAR_LOAD_MEMORY_LIMIT reaches DuckDB in both loading flows; each run records what DuckDB applied."""
    from flows.reparse import reparse
    from pipeline.settings import Settings

    db = tmp_path / "cap.ducklake"
    monkeypatch.setenv("KABAR_LOAD_MEMORY_LIMIT", "200MB")
    _ingest_undated_page_from_feed(db, "", "")
    monkeypatch.delenv("KABAR_LOAD_MEMORY_LIMIT")
    assert reparse(warehouse_path=str(db))["state"] == "completed"
    con = warehouse.connect(db, read_only=True)
    try:
        applied = dict(
            con.execute("SELECT flow_name, parameters->>'duckdb_memory_limit' FROM runs").fetchall()
        )
    finally:
        con.close()
    default = Settings.model_fields["load_memory_limit"].default
    assert applied == {"ingest": duckdb_says("200MB"), "reparse": duckdb_says(default)}
