"""CPU cost of the fetch path per page: ``Fetcher.fetch_many`` over real corpus pages on loopback.

    .venv/bin/python bench/fetch_bench.py                     # 2,000 pages, batches of 200, 1 run
    .venv/bin/python bench/fetch_bench.py --runs 3 --urls 1000
    .venv/bin/python bench/fetch_bench.py --profile prof.out  # + cProfile of the event-loop thread

The pages (``bench/benchsite.py``: the real pages of ``../shared/corpus/html/``, or the test
fixtures) are served by a SEPARATE process, so the server's CPU is not counted.  The fetching side
is the flow's: one ``pipeline.fetchloop.BackgroundFetcher`` (an event loop in a daemon thread) built
from ``FetchConfig.from_settings(load_settings(allow_private=True))``, fed batches of ``--batch``
URLs with ``fetch_many``.  Figures per run: wall time, this process's CPU (user + sys, from
``os.times()``; the main thread only blocks) and CPU ms per page.  Every result must be ``ok`` with
the exact served body and a decoded text, else the run is reported as failed (checked outside the
timed part).  Python imports and opening the fetcher are not timed; robots.txt and connection
set-up are (the flow pays them too).
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing as mp
import os
import statistics
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def _serve(n_urls: int, corpus: str | None, conn: Connection) -> None:
    """Child process: serve the bench site until the parent sends anything (or goes away)."""
    from bench.benchsite import BenchSite, load_pages

    pages = load_pages(Path(corpus) if corpus else None)
    with BenchSite(pages, n_urls=n_urls) as site:
        digests = [hashlib.sha1(site.body(i)).digest() for i in range(n_urls)]
        conn.send((site.urls(), digests, len(pages), sum(len(site.body(i)) for i in range(n_urls))))
        try:
            conn.recv()
        except EOFError:
            pass


def _cpu() -> float:
    t = os.times()
    return t.user + t.system


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--urls", type=int, default=2000, help="pages to fetch per run (default 2000)")
    ap.add_argument("--batch", type=int, default=200, help="URLs per fetch_many call (default 200)")
    ap.add_argument("--runs", type=int, default=1, help="runs, each with a fresh Fetcher (default 1)")
    ap.add_argument("--corpus", help="directory of pages (default: ../shared/corpus/html, else the fixtures)")
    ap.add_argument("--profile", metavar="FILE", help="cProfile the event-loop thread of the last run")
    args = ap.parse_args(argv)

    from fetchers import FetchConfig
    from pipeline.fetchloop import BackgroundFetcher
    from pipeline.settings import load_settings

    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    server = ctx.Process(target=_serve, args=(args.urls, args.corpus, child), daemon=True)
    server.start()
    urls, digests, n_pages, total_bytes = parent.recv()
    config = FetchConfig.from_settings(load_settings(allow_private=True))
    print(
        f"{len(urls)} URLs over {n_pages} distinct pages, {total_bytes / len(urls) / 1024:.0f} KiB/page on "
        f"average; batches of {args.batch}; max_connections={config.max_connections}, "
        f"per_host_connections={config.per_host_connections}"
    )
    cpu_ms: list[float] = []
    try:
        for run in range(1, args.runs + 1):
            profiler = None
            with BackgroundFetcher(config) as bf:
                if args.profile and run == args.runs:
                    import cProfile

                    profiler = cProfile.Profile()
                    bf._loop.call_soon_threadsafe(profiler.enable)  # profile the loop thread only
                bad: list[str] = []
                wall0, cpu0 = time.perf_counter(), _cpu()
                for start in range(0, len(urls), args.batch):
                    chunk = urls[start : start + args.batch]
                    results = bf.fetch_many(chunk, kind="page")
                    c1 = _cpu()  # checking the results is not part of the fetch cost
                    for i, r in enumerate(results, start):
                        if not r.ok or r.body is None or not r.text:
                            bad.append(f"{r.url}: {r.error_class} {r.error}")
                        elif hashlib.sha1(r.body).digest() != digests[i]:
                            bad.append(f"{r.url}: body differs from the served bytes")
                    del results
                    cpu0 += _cpu() - c1
                wall, cpu = time.perf_counter() - wall0, _cpu() - cpu0
                if profiler is not None:
                    bf._loop.call_soon_threadsafe(profiler.disable)
                    time.sleep(0.2)
            per_page = cpu * 1000 / len(urls)
            cpu_ms.append(per_page)
            status = "ok" if not bad else f"FAILED: {len(bad)} bad results, e.g. {bad[0]}"
            print(
                f"run {run}: wall {wall:6.2f} s  cpu {cpu:6.2f} s  {per_page:6.2f} ms CPU/page  "
                f"{len(urls) / wall:7.1f} pages/s  {status}"
            )
            if profiler is not None:
                profiler.dump_stats(args.profile)
                print(f"profile of the event-loop thread written to {args.profile}")
    finally:
        parent.send("stop")
        server.join(timeout=10)
    if len(cpu_ms) > 1:
        print(
            f"median {statistics.median(cpu_ms):.2f} ms CPU/page (min {min(cpu_ms):.2f}, max {max(cpu_ms):.2f})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
