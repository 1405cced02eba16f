"""The ``reparse`` flow: re-run extraction and the parsers over stored raw pages (no network).

After a parser fix, ``kabar reparse`` brings old articles up to date: the same pure code as
``ingest`` (``extractors.normalise``) over ``raw_pages`` instead of fresh fetches; rows whose
parsed content did not change stay untouched (idempotent).
"""

from __future__ import annotations

import time
import uuid
from typing import Any, cast

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

import warehouse
from extractors.normalise import PageJob
from extractors.sources import DEMO_SOURCES, load_sources
from flows.runtime import close_run, note_stored, reconcile_flow_runs, run_time_limit
from pipeline.progress import Progress, report
from pipeline.settings import load_settings
from pipeline.sources_file import user_sources_file
from pipeline.steps import ended_state, failure_reason, page_job, spec_for_source_id
from pipeline.workers import ExtractionPool
from records.counts import RunCounts, total
from records.models import ArticleRow, FailureRow, SourceSpec
from warehouse.connection import LOAD_THREADS


@task(name="reparse-batch", cache_policy=NO_CACHE)
def reparse_batch(con: Any, pool: ExtractionPool, run_id: str, jobs: list[PageJob]) -> warehouse.BatchStats:
    outcomes = pool.map(jobs)
    articles = [o for o in outcomes if isinstance(o, ArticleRow)]
    failures = [o for o in outcomes if isinstance(o, FailureRow)]
    return warehouse.load_batch(
        con, run_id=run_id, articles=articles, failures=failures, fetches=[], keep_raw=False
    )


@flow(name="reparse", log_prints=False, timeout_seconds=load_settings().reparse_timeout)
def reparse(
    warehouse_path: str = "kabar.ducklake",
    sources: list[str] | None = None,
    workers: int | None = None,
    batch_size: int = 200,
    sources_file: str | None = None,
) -> dict[str, Any]:
    """Parse every stored raw page again (no network), reading each source's settings from the
    user's sources file (``sources_file``, else ``KABAR_SOURCES``, else ``sources.csv`` beside the warehouse)."""
    logger = get_run_logger()
    settings = load_settings(warehouse=warehouse_path, sources=sources_file)
    sources_csv = user_sources_file(settings)
    from prefect.runtime import flow_run

    flow_run_id = str(flow_run.id) if flow_run.id else None
    run_id = flow_run_id or str(uuid.uuid4())
    specs: dict[str | None, SourceSpec] = {
        s.source_id: s for s in (*load_sources(sources_csv), *load_sources(DEMO_SOURCES))
    }
    totals = RunCounts()
    t0 = time.monotonic()
    memory_limit = settings.load_memory_limit  # KABAR_LOAD_MEMORY_LIMIT, as for ingest
    with warehouse.open_warehouse(
        warehouse_path, sources_file=sources_csv, memory_limit=memory_limit, threads=LOAD_THREADS
    ) as con:
        warehouse.start_run(
            con,
            run_id=run_id,
            flow_run_id=flow_run_id,
            flow_name="reparse",
            parameters={"sources": sources, "duckdb_memory_limit": warehouse.current_memory_limit(con)},
        )
        reconcile_flow_runs(con, run_id=run_id)
        state = "failed"
        error: str | None = None  # why it did not complete (runs.error)
        try:
            total_pages = warehouse.count_raw_pages(con, source_ids=sources)
            report(Progress("reparse", 0, total_pages, "stored pages"))
            with ExtractionPool(workers or 0) as pool:
                for n, raw_batch in enumerate(
                    warehouse.iter_raw_pages(con, source_ids=sources, batch_size=batch_size), 1
                ):
                    jobs = [
                        page_job(
                            url=r.url,
                            canonical_url=r.canonical_url,
                            final_url=r.final_url or r.url,
                            source_id=r.source_id,
                            spec=spec_for_source_id(r.source_id, specs),  # ad-hoc sources too
                            listed=r,  # the feed's date, title and language, kept in url_state
                            body=r.body,
                            charset=r.charset,
                            fetched_at=r.fetched_at,
                        )
                        for r in raw_batch
                    ]
                    stats = reparse_batch(con, pool, run_id, cast(list[PageJob], quote(jobs)))
                    totals = totals + total(stats.per_source) + RunCounts(pages=len(jobs))
                    report(Progress("reparse", totals.pages, total_pages, f"{totals.updated} updated"))
                    logger.info(
                        "reparse batch %d: %d pages, %d updated", n, len(jobs), getattr(stats, "updated", 0)
                    )
            state = "completed"
        except BaseException as exc:  # interrupted, timed out, or a bug: say which in runs.error
            error = failure_reason(exc, elapsed=time.monotonic() - t0, limit=run_time_limit())
            state = ended_state(exc)
            raise
        finally:
            close_run(con, run_id=run_id, state=state, totals=totals, per_source={}, error=error)
    counts = {k: getattr(totals, k) for k in ("pages", "new", "updated", "unchanged", "failed")}
    summary = {"run_id": run_id, "state": state, "duration_s": round(time.monotonic() - t0, 2), **counts}
    note_stored(summary)  # from here on the CLI waits on Prefect only for a bounded time
    return summary
