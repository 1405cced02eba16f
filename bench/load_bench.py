"""Warehouse benchmark: ``warehouse.load.load_batch`` rows/s and count-query latency (issues 2 and 6).

Run from the repo root (figures are printed; this is not a test)::

    .venv/bin/python bench/load_bench.py                       # 100,000 articles, batches of 1,000
    .venv/bin/python bench/load_bench.py --rows 20000 --with-raw

Phases, all on a fresh warehouse in a temporary folder, through the real upsert path:

1. **insert** (the first run): ``--rows`` synthetic articles (about 6 KB of text each, 3
   attributions, 2 dates), ``--batch`` rows per ``load_batch`` call (each call one transaction)
   -> rows/s; then ``CHECKPOINT`` + close, timed, as every ``kabar ingest`` ends;
2. **update** (a later run, on a new connection, as ``kabar ingest --refresh`` finds changed pages):
   the first ``--rows-update`` articles again with changed text -> rows/s (DELETE+INSERT);
3. **unchanged** (the same later run): the same articles again, identical -> rows/s (only
   ``last_fetched_at`` moves); then close, timed;
4. the same insert and update runs on a second warehouse without the memory cap (report only);
5. **count**: ``SELECT count(*) FROM articles`` the way ``kabar sql`` runs it (read-only
   ``query_readonly``: connect, query, close), median of ``--repeat``; plus one whole
   ``kabar sql`` subprocess (process start-up included).

Under the insert and update figures, "where the time goes" (report only) splits ``load_batch``'s
time per row into DuckDB calls by statement and the Python rest (``TimedConnection``).

``--with-raw`` also passes a ``FetchResult`` (about 30 KB HTML body) per row, so fetch attempts and
zlib raw pages are written too, as in a real run.

Targets (issue 6), printed beside the figures: the upsert path (insert and update) >= 5,000 article
rows/s; the count query < 100 ms over >= 100,000 articles (with fewer rows it is shown, not judged).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROWS_PER_S_TARGET = 5000  # load_batch upsert path, article rows/s (issue 6)
COUNT_MS_TARGET = 100.0  # `kabar sql`-style count(*) latency, ms (issue 6) ...
COUNT_ROWS_FOR_TARGET = 100_000  # ... over at least this many articles
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from table import Row, print_table  # noqa: E402

from records.models import (  # noqa: E402
    ArticleRow,
    AttributionRow,
    DateRow,
    FetchAttempt,
    FetchResult,
)

_WORDS = (
    "pemerintah menteri kata bank ekonomi pasar harga minyak rupiah dolar investasi ekspor impor laporan "
    "government minister said bank economy market price oil growth inflation report trade export import "
    "the of and to in that for on with as by at from this which will have been percent year quarter"
).split()


def _chunks(rng: random.Random, n: int = 4000, size: int = 1024) -> list[str]:
    """A pool of ~1 KB word salads; each article is 6 of them plus a unique lead."""
    out = []
    for _ in range(n):
        words: list[str] = []
        length = 0
        while length < size:
            w = rng.choice(_WORDS)
            words.append(w)
            length += len(w) + 1
        out.append(" ".join(words).capitalize() + ".")
    return out


def make_row(i: int, chunks: list[str], rng: random.Random, now: datetime, version: int = 0) -> ArticleRow:
    url = f"https://bench.example/{i % 97}/news/{i}-article.html"
    lead = f"JAKARTA (ANTARA) - Article {i} version {version} reports on item {rng.random():.12f}."
    text = lead + "\n" + "\n".join(rng.choice(chunks) for _ in range(6))
    return ArticleRow(
        url=url,
        canonical_url=url,
        source_id=f"bench-{i % 20}",
        outlet="ANTARA",
        title=f"Bench article {i}",
        text=text,
        authors=("Reporter Satu", "Editor Dua"),
        language="id",
        published_at=now - timedelta(minutes=i),
        published_at_source="meta",
        published_flags=(),
        dateline_place="Jakarta",
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        fetched_at=now,
        final_url=url,
        attributions=(
            AttributionRow("agency", "ANTARA", "ANTARA", "(ANTARA)"),
            AttributionRow("reporter", "Reporter Satu", None, "Pewarta: Reporter Satu"),
            AttributionRow("dateline_place", "Jakarta", None, "JAKARTA"),
        ),
        dates=(
            DateRow("published", now - timedelta(minutes=i), "minute", None),
            DateRow("mention", now - timedelta(days=1), "day", "Senin (1/1)"),
        ),
    )


def make_fetch(row: ArticleRow, now: datetime) -> FetchResult:
    body = (
        "<html><head><title>x</title></head><body><article><p>" + row.text + "</p></article>" * 5
    ).encode()
    return FetchResult(
        url=row.url,
        final_url=row.url,
        ok=True,
        status=200,
        fetched_at=now,
        body=body,
        content_type="text/html; charset=utf-8",
        charset="utf-8",
        attempts=(FetchAttempt(row.url, 1, 200, len(body), 12.0),),
    )


class TimedConnection:
    """The bench's connection, with the wall time spent inside DuckDB calls summed by statement.

    ``execute`` calls are keyed by their first SQL keyword (``COMMIT``, ``INSERT``, ``MERGE``, ...),
    ``register`` and ``unregister`` (exposing the batch's Arrow tables) together as ``register``; every
    other attribute goes straight to the connection. What ``load_batch`` spends outside these calls
    is Python (the calls' own Python-client overhead, about 0.3 ms each, counts as inside).
    """

    def __init__(self, con: Any) -> None:
        self._con = con
        self.seconds: dict[str, float] = {}

    def _timed(self, key: str, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return call(*args, **kwargs)
        finally:
            self.seconds[key] = self.seconds.get(key, 0.0) + time.perf_counter() - t0

    def execute(self, sql: str, *args: Any, **kwargs: Any) -> Any:
        return self._timed((sql.split(None, 1) or ["?"])[0].upper(), self._con.execute, sql, *args, **kwargs)

    def register(self, *args: Any) -> Any:
        return self._timed("register", self._con.register, *args)

    def unregister(self, *args: Any) -> Any:
        return self._timed("register", self._con.unregister, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def split_value(rows: int, secs: float, duckdb_secs: dict[str, float]) -> str:
    """``load_batch``'s time per row: inside DuckDB calls (largest first), and the Python rest."""
    inside = sum(duckdb_secs.values())
    parts = ", ".join(
        f"{k} {v / rows * 1e6:.0f}"
        for k, v in sorted(duckdb_secs.items(), key=lambda kv: -kv[1])
        if v / rows >= 0.5e-6
    )
    return (
        f"DuckDB calls {inside / rows * 1e6:.0f} µs/row ({parts}), Python {(secs - inside) / rows * 1e6:.0f} µs/row; "
        f"DuckDB calls alone allow {rows / inside:,.0f} rows/s"
    )


def timed_load(
    con: object,
    make: Callable[[int], ArticleRow],
    n: int,
    batch: int,
    run_id: str,
    with_raw: bool,
    now: datetime,
) -> tuple[float, dict[str, int], dict[str, float]]:
    """Load rows ``make(0..n-1)`` in batches; only the ``load_batch`` calls are timed.

    Returns the seconds, the row counts, and the seconds inside DuckDB calls by statement."""
    from warehouse.load import load_batch

    totals = {"new": 0, "updated": 0, "unchanged": 0}
    clock = TimedConnection(con)
    durations: list[float] = []
    for start in range(0, n, batch):
        part = [make(i) for i in range(start, min(start + batch, n))]
        fetches = [make_fetch(r, now) for r in part] if with_raw else []
        t0 = time.perf_counter()
        stats = load_batch(clock, run_id=run_id, articles=part, failures=[], fetches=fetches)  # type: ignore[arg-type]
        durations.append(time.perf_counter() - t0)
        totals["new"] += stats.new
        totals["updated"] += stats.updated
        totals["unchanged"] += stats.unchanged
    # a batch whose COMMIT ran DuckDB's auto-checkpoint (the WAL passed checkpoint_threshold) takes
    # several times the median: report those apart (they stay in the judged figure)
    med = statistics.median(durations) if durations else 0.0
    stalls = [d for d in durations if d > 4 * med]
    totals["checkpoint_batches"] = len(stalls)
    totals["checkpoint_ms"] = round(1000 * sum(stalls))
    return sum(durations), totals, clock.seconds


def _value(rate: float, secs: float, tot: dict[str, int]) -> str:
    counts = ", ".join(f"{tot[k]:,} {k}" for k in ("new", "updated", "unchanged") if tot.get(k))
    stalls = ""
    if tot.get("checkpoint_batches"):
        stalls = f"; {tot['checkpoint_batches']} batch(es) ran an auto-checkpoint: {tot['checkpoint_ms'] / 1000:.1f} s"
    return f"{rate:,.0f} rows/s  ({secs:.1f} s, {counts}{stalls})"


def _rate_row(label: str, rows: int, secs: float, tot: dict[str, int], target: str, judged: bool) -> Row:
    """A rows/s figure: judged against ROWS_PER_S_TARGET, or report-only when ``judged`` is false."""
    rate = rows / secs
    return (label, _value(rate, secs, tot), target, rate >= ROWS_PER_S_TARGET if judged else None)


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=100_000, help="articles to insert (default 100,000)")
    ap.add_argument("--batch", type=int, default=1000, help="rows per load_batch call (default 1,000)")
    ap.add_argument("--rows-update", type=int, default=10_000, help="rows re-loaded changed and unchanged")
    ap.add_argument("--repeat", type=int, default=5, help="count-query repetitions")
    ap.add_argument("--with-raw", action="store_true", help="also load fetch attempts + raw pages")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument(
        "--memory-limit",
        default=None,
        help="DuckDB memory_limit for the load (default: what ingest and reparse load under, "
        "$KABAR_LOAD_MEMORY_LIMIT or its default; '' or 0 = DuckDB's own default, 80%% of RAM)",
    )
    ap.add_argument(
        "--no-uncapped",
        action="store_true",
        help="skip the second, report-only insert pass without the memory cap",
    )
    args = ap.parse_args(argv)

    try:
        from pipeline.settings import load_settings
        from warehouse.connection import close, connect, query_readonly, set_memory_limit
        from warehouse.migrate import migrate
    except ImportError as exc:  # the warehouse package is being written alongside this bench
        print(f"warehouse loader not available yet ({exc}); nothing measured")
        return 2

    rng = random.Random(20260101)
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    chunks = _chunks(rng)
    sample = [make_row(i, chunks, rng, now) for i in range(100)]
    avg = sum(len(r.text.encode()) for r in sample) / len(sample)
    print(
        f"{args.rows:,} synthetic rows, ~{avg / 1024:.1f} KB text each, {args.batch} per load_batch call; "
        f"load avg {loadavg()}"
    )

    cap = load_settings().load_memory_limit if args.memory_limit is None else args.memory_limit
    tmp = Path(tempfile.mkdtemp(prefix="kabar-loadbench-"))
    path = tmp / "load.ducklake"
    results: list[Row] = []
    rate_target = f">= {ROWS_PER_S_TARGET:,} rows/s (issue 6)"
    cap_cost = "(report: what the cap costs)"

    def show(row: Row) -> None:
        results.append(row)
        print(row[0], row[1], flush=True)

    def open_run(at: Path, memory_limit: str | None) -> tuple[Any, str]:
        """A run's connection, as ingest opens it: read-write, capped (None: left alone), migrated."""
        con = connect(at)
        applied = "DuckDB default" if memory_limit is None else set_memory_limit(con, memory_limit)
        migrate(con)
        return con, applied

    def close_run(con: Any, label: str) -> None:
        t0 = time.perf_counter()
        close(con)
        results.append((label, f"{time.perf_counter() - t0:.2f} s", "(report)", None))

    try:
        con, applied = open_run(path, cap)
        print(
            f"DuckDB memory_limit: {applied} ({cap or 'DuckDB default'}; ingest and reparse load under "
            f"KABAR_LOAD_MEMORY_LIMIT = {load_settings().load_memory_limit or 'DuckDB default'})",
            flush=True,
        )
        results.append(
            ("DuckDB memory_limit of the judged load", f"{applied} ({cap or 'default'})", "(report)", None)
        )
        secs, tot, inside = timed_load(
            con,
            lambda i: make_row(i, chunks, rng, now),
            args.rows,
            args.batch,
            "bench-insert",
            args.with_raw,
            now,
        )
        show(_rate_row("insert (new rows)", args.rows, secs, tot, rate_target, judged=True))
        show(("  where the insert time goes", split_value(args.rows, secs, inside), "(report)", None))
        close_run(con, "close, end of the insert run")

        # a later run finds some of those pages changed: a new connection, as a new process opens it
        con, _ = open_run(path, cap)
        n_up = min(args.rows_update, args.rows)
        changed = [make_row(i, chunks, rng, now + timedelta(hours=1), version=1) for i in range(n_up)]
        secs, tot, inside = timed_load(
            con, changed.__getitem__, n_up, args.batch, "bench-update", args.with_raw, now
        )
        show(_rate_row("update (changed rows, a later run)", n_up, secs, tot, rate_target, judged=True))
        show(("  where the update time goes", split_value(n_up, secs, inside), "(report)", None))

        secs, tot, _ = timed_load(
            con, changed.__getitem__, n_up, args.batch, "bench-same", args.with_raw, now
        )
        show(_rate_row("unchanged (same rows)", n_up, secs, tot, rate_target, judged=True))
        close_run(con, "close, end of the update run")
        if cap and not args.no_uncapped:
            # the same runs without the cap: what the memory cap costs the load (report only)
            other = tmp / "uncapped.ducklake"
            con2, _ = open_run(other, None)
            rng2 = random.Random(20260101)
            _chunks(rng2)  # the same row stream as the judged pass
            secs, tot, _ = timed_load(
                con2,
                lambda i: make_row(i, chunks, rng2, now),
                args.rows,
                args.batch,
                "bench-uncapped",
                args.with_raw,
                now,
            )
            show(
                _rate_row(
                    "insert, no memory cap (DuckDB default)", args.rows, secs, tot, cap_cost, judged=False
                )
            )
            close(con2)
            con2, _ = open_run(other, None)
            changed2 = [make_row(i, chunks, rng2, now + timedelta(hours=1), version=1) for i in range(n_up)]
            secs, tot, _ = timed_load(
                con2, changed2.__getitem__, n_up, args.batch, "bench-uncapped-update", args.with_raw, now
            )
            close(con2)
            show(_rate_row("update, no memory cap (DuckDB default)", n_up, secs, tot, cap_cost, judged=False))
        from warehouse.lakeops import storage_bytes

        con = connect(path, read_only=True)
        size = storage_bytes(con)
        close(con)
        results.append(
            ("warehouse size on disk (lake files + catalog)", f"{size / 1e6:,.0f} MB", "(report)", None)
        )

        lat = []
        count = None
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            _cols, got = query_readonly(path, "SELECT count(*) FROM articles")
            lat.append(time.perf_counter() - t0)
            count = got[0][0]
        med_ms = statistics.median(lat) * 1000
        judged = (count or 0) >= COUNT_ROWS_FOR_TARGET
        results.append(
            (
                f"count(*) over {count:,} articles (read-only connect+query+close)",
                f"median {med_ms:.1f} ms, max {max(lat) * 1000:.1f} ms",
                f"< {COUNT_MS_TARGET:g} ms over >= {COUNT_ROWS_FOR_TARGET:,} (issue 6)"
                + ("" if judged else " [n/a: too few rows]"),
                med_ms < COUNT_MS_TARGET if judged else None,
            )
        )
        kabar = Path(sys.executable).parent / "kabar"
        if kabar.exists():
            t0 = time.perf_counter()
            proc = subprocess.run(
                [str(kabar), "sql", "--warehouse", str(path), "SELECT count(*) FROM articles"],
                capture_output=True,
                text=True,
                timeout=120,
            )
            results.append(
                (
                    "`kabar sql` count, whole subprocess",
                    f"{time.perf_counter() - t0:.2f} s (exit {proc.returncode})",
                    "(report: process start-up included)",
                    None,
                )
            )
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
