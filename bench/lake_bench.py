"""Lake benchmark (issue 17): does ingest slow down as the warehouse grows, and how fast are typical
analyst queries at a million articles?  Figures are printed; this is not a test.

    .venv/bin/python bench/lake_bench.py                      # SQLite catalog, 1,000,000 articles
    .venv/bin/python bench/lake_bench.py --postgres           # catalog in a PostgreSQL started here
    .venv/bin/python bench/lake_bench.py --articles 200000    # a quicker look

1. **empty**: a fresh lake; ``--load`` articles (synthetic, ~6 KB text, 3 attributions, 2 dates) go
   in the way ``kabar ingest`` loads them: per batch of ``--batch`` (200, ingest's default)
   ``record_discovered`` (the ledger rows) then ``load_batch`` (one transaction) -> articles/s.
2. **grow**: ``--articles`` synthetic articles are written straight into the same tables with SQL
   (``INSERT ... SELECT`` over ``range()``, 250,000 rows a commit; ~1 KB text each, with their
   attributions, dates and ledger rows), as a warehouse of that size would hold after months.
3. **full**: the same ``--load`` articles (new URLs) load into the grown lake -> articles/s, and the
   ratio full / empty (target >= 0.9).
4. the ``kabar search`` index rebuilt at that size (what an ingest that changed articles costs);
5. **queries** at that size, each the median of ``--repeat`` on a fresh read-only connection
   (connect + query + close, as ``kabar sql`` runs it): articles per outlet per day over a year,
   agency counts, one article's versions (after updating it twice), count(*), source health.
6. the lake's file count before and after ``warehouse.lakeops.compact`` (the daily maintenance)
   and how long that takes at this size.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from load_bench import _chunks, loadavg, make_row  # noqa: E402
from table import Row, print_table  # noqa: E402

import warehouse  # noqa: E402
from records.models import ArticleRef  # noqa: E402

RATIO_TARGET = 0.9
GROW_CHUNK = 250_000

# synthetic history: ~1 KB of text per article, 20 sources, dates over the last year
_GROW_SQL = [
    """
INSERT INTO articles (article_id, canonical_url, url, final_url, source_id, outlet, title, text, authors,
    language, published_at, published_at_source, published_flags, dateline_place, content_hash, parse_hash,
    first_seen_at, last_fetched_at, updated_at, run_id, first_run_id)
SELECT md5('https://grown.example/' || i), 'https://grown.example/' || i, 'https://grown.example/' || i, NULL,
    'grown-' || (i % 20), 'Outlet ' || (i % 20), 'Grown article ' || i,
    'JAKARTA (ANTARA) - item ' || i || ' ' || repeat('kata berita pemerintah ekonomi pasar ', 25),
    ['Reporter ' || (i % 300)], CASE WHEN i % 3 = 0 THEN 'en' ELSE 'id' END,
    $now - to_seconds(i * 31), 'meta', []::VARCHAR[], 'Jakarta', md5('c' || i), md5('p' || i),
    $now - to_seconds(i * 31), $now - to_seconds(i * 31), $now - to_seconds(i * 31), 'grow', 'grow'
FROM range($lo, $hi) t(i)
""",
    """
INSERT INTO attributions (article_id, position, role, name, canonical, evidence, run_id)
SELECT md5('https://grown.example/' || i), p,
    CASE p WHEN 0 THEN 'agency' WHEN 1 THEN 'reporter' ELSE 'dateline_place' END,
    CASE p WHEN 0 THEN (['ANTARA', 'AFP', 'Reuters', 'AP', 'Xinhua'])[1 + i % 5] WHEN 1 THEN 'Reporter ' || (i % 300)
         ELSE 'Jakarta' END,
    CASE p WHEN 0 THEN (['Antara', 'AFP', 'Reuters', 'AP', 'Xinhua'])[1 + i % 5] END, NULL, 'grow'
FROM range($lo, $hi) t(i), range(3) q(p)
""",
    """
INSERT INTO article_dates (article_id, position, kind, value, granularity, span, flags, run_id)
SELECT md5('https://grown.example/' || i), 0, 'published', $now - to_seconds(i * 31), 'minute', NULL,
    []::VARCHAR[], 'grow'
FROM range($lo, $hi) t(i)
""",
    """
INSERT INTO url_state (canonical_url, url, source_id, status, first_discovered_at, last_attempt_at, attempts,
    transient, discovered_via, run_id)
SELECT 'https://grown.example/' || i, 'https://grown.example/' || i, 'grown-' || (i % 20), 'done',
    $now - to_seconds(i * 31), $now - to_seconds(i * 31), 1, false, 'sitemap', 'grow'
FROM range($lo, $hi) t(i)
""",
]

QUERIES = {
    "articles per outlet per day, last year": """
SELECT outlet, timezone('Asia/Jakarta', published_at)::DATE AS day, count(*) AS n
FROM articles WHERE published_at >= now() - INTERVAL 365 DAY GROUP BY ALL ORDER BY day DESC, n DESC LIMIT 50
""",
    "agency counts (v_article_sources)": """
SELECT agency, count(*) AS articles FROM (SELECT unnest(agencies) AS agency FROM v_article_sources)
GROUP BY 1 ORDER BY 2 DESC
""",
    "agency counts (attributions)": """
SELECT coalesce(canonical, name) AS agency, count(DISTINCT article_id) FROM attributions
WHERE role = 'agency' GROUP BY 1 ORDER BY 2 DESC
""",
    "one article's versions (article_versions)": """
SELECT version, version_at, title, length(text) FROM article_versions WHERE article_id = $id ORDER BY version
""",
    "count(*) FROM articles": "SELECT count(*) FROM articles",
    "source health (v_source_health)": "SELECT * FROM v_source_health",
}


def _load(
    location: warehouse.Location, n: int, batch: int, make: Callable[[int], Any], run_id: str
) -> tuple[float, list[float]]:
    """``n`` articles as ingest loads them; returns (seconds, per-batch seconds)."""
    durations: list[float] = []
    with warehouse.open_warehouse(location) as con:
        for start in range(0, n, batch):
            rows = [make(i) for i in range(start, min(start + batch, n))]
            refs = [
                ArticleRef(r.url, "sitemap", "https://bench.example/sitemap.xml", r.source_id) for r in rows
            ]
            t0 = time.perf_counter()
            warehouse.record_discovered(con, run_id, refs)
            warehouse.load_batch(con, run_id=run_id, articles=rows, failures=[], fetches=[])
            durations.append(time.perf_counter() - t0)
    return sum(durations), durations


def _grow(location: warehouse.Location, articles: int, now: datetime) -> float:
    t0 = time.perf_counter()
    with warehouse.open_warehouse(location) as con:
        for lo in range(0, articles, GROW_CHUNK):
            hi = min(lo + GROW_CHUNK, articles)
            params = {"lo": lo, "hi": hi, "now": now}

            def grow_chunk(p: dict[str, Any] = params) -> None:
                for sql in _GROW_SQL:
                    con.execute(sql, {k: v for k, v in p.items() if f"${k}" in sql})

            warehouse.atomic(con, "grow", grow_chunk)
            print(f"   grown to {hi:,} articles ({time.perf_counter() - t0:.0f} s)", flush=True)
    return time.perf_counter() - t0


def _timed_query(
    location: warehouse.Location, sql: str, params: dict[str, Any], repeat: int
) -> tuple[float, int]:
    times: list[float] = []
    rows = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        con = warehouse.connect(location, read_only=True)
        try:
            rows = len(con.execute(sql, params).fetchall())
        finally:
            con.close()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=1_000_000, help="size of the grown warehouse")
    ap.add_argument(
        "--load", type=int, default=4000, help="articles loaded into the empty and the grown lake"
    )
    ap.add_argument("--batch", type=int, default=200, help="articles per load transaction (ingest: 200)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each query (median)")
    ap.add_argument("--postgres", action="store_true", help="catalog in a PostgreSQL started for the bench")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="kabar-lakebench-"))
    rng = random.Random(17)
    chunks = _chunks(rng)
    now = datetime.now(UTC).replace(microsecond=0)
    results: list[Row] = []

    def show(name: str, value: str, target: str = "(report)", ok: bool | None = None) -> None:
        results.append((name, value, target, ok))
        print(f"{name}: {value}", flush=True)

    print(f"load avg {loadavg()}; catalog {'PostgreSQL' if args.postgres else 'SQLite'}; tmp {tmp}")
    with ExitStack() as stack:
        if args.postgres:
            from tests.support.postgres import running_postgres

            pg = stack.enter_context(running_postgres(tmp / "pg", "lake"))
            location = warehouse.parse_location(pg.warehouse, data_path=tmp / "lake-data")
        else:
            location = warehouse.parse_location(tmp / "lake.ducklake")
        try:
            secs, per = _load(
                location, args.load, args.batch, lambda i: make_row(i, chunks, rng, now), "empty"
            )
            empty = args.load / secs
            show(
                f"load into the empty lake ({args.load:,} articles, {args.batch} a transaction)",
                f"{empty:,.0f} articles/s (median transaction {statistics.median(per) * 1000:.0f} ms)",
            )
            grown = _grow(location, args.articles, now)
            show(f"grow to {args.articles:,} more articles by SQL", f"{grown:.0f} s")
            offset = 10_000_000  # new URLs, as a later run finds them
            secs, per = _load(
                location, args.load, args.batch, lambda i: make_row(offset + i, chunks, rng, now), "full"
            )
            full = args.load / secs
            ratio = full / empty
            show(
                f"load into the lake of {args.articles + args.load:,} articles",
                f"{full:,.0f} articles/s (median transaction {statistics.median(per) * 1000:.0f} ms)",
            )
            show("ratio full / empty", f"{ratio:.2f}", f">= {RATIO_TARGET} (issue 17)", ratio >= RATIO_TARGET)
            # two later versions of one article, as a refetch that found it changed would load them
            versioned = make_row(3, chunks, rng, now)
            for v in (1, 2):

                def version(_i: int, v: int = v) -> Any:
                    return make_row(3, chunks, rng, now + timedelta(hours=v), v)

                _load(location, 1, 1, version, f"v{v}")
            article = warehouse.article_id(versioned.canonical_url)
            for name, sql in QUERIES.items():
                med, rows = _timed_query(location, sql, {"id": article} if "$id" in sql else {}, args.repeat)
                show(f"query at {args.articles:,}: {name}", f"{med * 1000:,.0f} ms ({rows} rows)")
            con = warehouse.connect(location, read_only=True)
            try:
                t0 = time.perf_counter()
                indexed = warehouse.rebuild_search_index(con)
                show(f"search index rebuild at {indexed:,} articles", f"{time.perf_counter() - t0:.1f} s")
            finally:
                con.close()
            with warehouse.open_warehouse(location) as con:
                from warehouse.lakeops import compact, data_files, storage_bytes

                files = con.execute(
                    "SELECT (SELECT count(*) FROM __ducklake_metadata_kabar.ducklake_data_file), "
                    "(SELECT count(*) FROM __ducklake_metadata_kabar.ducklake_delete_file), "
                    "(SELECT count(*) FROM __ducklake_metadata_kabar.ducklake_snapshot)"
                ).fetchone()
                assert files is not None
                show(
                    "files and snapshots before compaction",
                    f"{files[0]} data, {files[1]} delete, {files[2]} snapshots",
                )

                before = data_files(con)
                t0 = time.perf_counter()
                rep = compact(con, snapshot_retention_days=0, now=datetime.now(UTC))
                show(
                    "compaction (merge adjacent files)",
                    f"{time.perf_counter() - t0:.1f} s, data files {before} -> {rep.data_files_after}",
                )
                show("lake size on disk", f"{storage_bytes(con) / 1e6:,.0f} MB")
        finally:
            if args.keep:
                print(f"kept {tmp}")
            else:
                shutil.rmtree(tmp, ignore_errors=True)

    print(f"\nload avg at the end: {loadavg()}")
    print_table(results, align_values="<")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
