"""The ``ingest`` flow: discover -> fetch -> extract/parse/normalise -> load, in batches.

Thin Prefect wiring over plain functions (``pipeline.steps``, ``extractors``, ``warehouse``):

* one ``discover`` task for all feeds/sitemaps (conditional GET; the fetcher retries transient errors);
* per batch of ``batch_size`` URLs: ``fetch-batch`` (httpx, async, polite), ``extract-batch``
  (process pool, both cores), ``load-batch`` (one DuckDB transaction).  The next batch downloads
  while the current one is extracted.  Never one task per article.
* crash safety: every discovered URL is written ``pending`` before any fetch, and flipped to
  done/failed in the same transaction that loads its row, so a killed run resumes where it stopped.
"""

from __future__ import annotations

import re
import time
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from concurrent.futures import CancelledError
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, TypeVar, cast

from prefect import flow, get_run_logger, task
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

import warehouse
from fetchers import FetchConfig
from flows.runtime import close_run, note_stored, prefect_answers, reconcile_flow_runs, run_time_limit
from pipeline.discovery import DiscoverOutcome, discover_documents
from pipeline.fetchloop import BackgroundFetcher
from pipeline.progress import Progress, report
from pipeline.settings import Settings, load_settings
from pipeline.sources_file import user_sources_file
from pipeline.steps import (
    ended_state,
    failure_reason,
    jobs_for_batch,
    resolve_specs,
    source_key,
)
from pipeline.workers import ExtractionPool, Ticket, release_cycles
from records.counts import COUNT_FIELDS, RunCounts, add_to, total
from records.models import ArticleRow, FailureRow, FetchResult, SourceSpec
from warehouse.connection import LOAD_THREADS

T = TypeVar("T")


def _quoted(value: T) -> T:
    """``quote()`` (Prefect skips walking big collections) with the value's own type for mypy."""
    return cast(T, quote(value))


# the run totals an ingest summary (the flow's result) carries: the counters an ingest fills
SUMMARY_COUNTS = tuple(name for name in COUNT_FIELDS if name not in ("too_old", "pages"))


# no task retries: discovery never raises for a document (each failure is a recorded row), and the
# fetcher already retries transient errors per request
@task(name="discover", cache_policy=NO_CACHE)
def discover_task(
    fetcher: BackgroundFetcher,
    specs: list[SourceSpec],
    feed_state: dict,
    since: datetime | None,
    con: Any,
    run_id: str,
) -> DiscoverOutcome:
    """Discovery, streamed: the URLs listed are stored in the ledger chunk by chunk as the
    documents are parsed (pending; URLs it already has are not written again)."""
    outcome = discover_documents(
        fetcher,
        specs,
        feed_state,
        since=since,
        record=lambda refs: warehouse.record_discovered(con, run_id, refs).new,
    )
    logger = get_run_logger()
    logger.info(
        "discovered %d article URLs (%d new) from %d feed/sitemap documents (%d unchanged: 304), "
        "%d discovery errors",
        outcome.listed,
        outcome.new_urls,
        outcome.documents,
        outcome.not_modified,
        len(outcome.failures),
    )
    if since is not None:
        logger.info(
            "older than %s (max age): %d URLs skipped, %d child sitemaps not fetched",
            since.strftime("%Y-%m-%d %H:%M UTC"),
            total(outcome.per_source).too_old,
            outcome.old_sitemaps,
        )
    return outcome


@task(name="fetch-batch", cache_policy=NO_CACHE)
def fetch_task(fetcher: BackgroundFetcher, urls: list[str]) -> list[FetchResult]:
    try:
        return fetcher.fetch_many(urls, kind="page")
    except CancelledError:  # the run is stopping (a signal, an error elsewhere): the URLs stay pending
        get_run_logger().info("fetch of %d URLs cancelled: the run is stopping; they stay pending", len(urls))
        return []


@task(name="extract-batch", cache_policy=NO_CACHE)
def extract_task(pool: ExtractionPool, ticket: Ticket) -> list[ArticleRow | FailureRow]:
    """Wait for one batch queued on the extraction workers (hung/crashed pages become failures)."""
    return pool.collect(ticket)


@task(name="load-batch", cache_policy=NO_CACHE)
def load_task(
    con: Any, run_id: str, articles: list[ArticleRow], failures: list[FailureRow], fetches: list[FetchResult]
) -> warehouse.BatchStats:
    return warehouse.load_batch(con, run_id=run_id, articles=articles, failures=failures, fetches=fetches)


@task(name="search-index", cache_policy=NO_CACHE)
def search_index_task(warehouse_path: str) -> tuple[int, int | None]:
    """Bring the ``kabar search`` index up to date after a run that changed articles.

    It reads the lake through a read-only connection and swaps a new local index file in, so it never
    races a writer; a failure is logged and never fails the run (the daily maintenance retries)."""
    con = warehouse.connect(warehouse_path, read_only=True)
    try:
        return warehouse.refresh_search_index(con)
    finally:
        con.close()


def _batches(items: list[Any], size: int) -> list[list[Any]]:
    """Split into batches of ``size``; the first one small, so the workers start early."""
    first = min(size, max(8, size // 8))
    out = [items[:first]] if items else []
    out += [items[i : i + size] for i in range(first, len(items), size)]
    return out


_RUNNER: Any = ThreadPoolTaskRunner(max_workers=3)  # fetch-ahead + the flow's own calls; bounded


# No flow retries: what a retry could fix is retried where it happens (each request by the fetcher, each
# lake commit by warehouse.atomic), and a failed or killed run's URLs stay pending for the next run.
# Prefect 3 retries a flow on every failure, so a retry would repeat what it cannot fix (a time
# limit, a full disk, a bad sources file, a lock held by a live run), holding the deployment's only
# slot (CANCEL_NEW) and reporting the retry's error instead of the first one.
@flow(
    name="ingest",
    task_runner=_RUNNER,
    log_prints=False,
    retries=0,
    timeout_seconds=load_settings().ingest_timeout,
)
def ingest(
    warehouse_path: str = "kabar.ducklake",
    sources: list[str] | None = None,
    feeds: list[str] | None = None,
    sitemaps: list[str] | None = None,
    urls: list[str] | None = None,
    urls_file: str | None = None,
    refresh: bool = False,
    allow_private: bool = False,
    allowed_hosts: list[str] | None = None,
    max_urls: int | None = None,
    batch_size: int | None = None,
    workers: int | None = None,
    base_url: str | None = None,
    max_age_days: float | None = None,
    sources_file: str | None = None,
) -> dict[str, Any]:
    """Ingest new articles from the configured (or the given ad-hoc) sources into the warehouse.

    The configured sources are those of ``sources_file`` (else ``KABAR_SOURCES``, else ``sources.csv``
    beside the warehouse, created from the packaged defaults on first use)."""
    logger = get_run_logger()
    settings: Settings = load_settings(
        warehouse=warehouse_path,
        sources=sources_file,
        allow_private=allow_private or None,
        batch_size=batch_size,
        workers=workers,
        max_age_days=max_age_days,
    )
    if allowed_hosts:
        settings = settings.model_copy(update={"allowed_hosts": tuple(allowed_hosts)})
    fetch_config = FetchConfig.from_settings(settings)
    sources_csv = user_sources_file(settings)
    specs = resolve_specs(
        sources=sources,
        feeds=feeds,
        sitemaps=sitemaps,
        urls=urls,
        urls_file=urls_file,
        base_url=base_url,
        sources_csv=sources_csv,
    )
    specs_by_id: dict[str | None, SourceSpec] = {s.source_id: s for s in specs}

    from prefect.runtime import flow_run

    flow_run_id = str(flow_run.id) if flow_run.id else None
    run_id = flow_run_id or str(uuid.uuid4())
    t0 = time.monotonic()
    per_source: dict[str, RunCounts] = {}  # what the run did, per source (summed into the run's totals)
    new_urls = 0
    params = {
        "sources": [s.source_id for s in specs],
        "sources_file": str(sources_csv),
        "refresh": refresh,
        "max_urls": max_urls,
    }
    # max age: URLs listed with an older date (and sitemaps unchanged since) are left alone
    since = datetime.now(UTC) - timedelta(days=settings.max_age_days) if settings.max_age_days > 0 else None
    if since is not None:
        params["max_age_days"] = settings.max_age_days

    with warehouse.open_warehouse(
        settings.warehouse,
        sources_file=sources_csv,
        memory_limit=settings.load_memory_limit,
        threads=LOAD_THREADS,
    ) as con:
        params["duckdb_memory_limit"] = warehouse.current_memory_limit(con)  # as applied
        warehouse.start_run(
            con, run_id=run_id, flow_run_id=flow_run_id, flow_name="ingest", parameters=params
        )
        reconcile_flow_runs(con, run_id=run_id)
        state = "failed"
        error: str | None = None  # why it did not complete (runs.error)
        try:
            with (
                BackgroundFetcher(fetch_config) as fetcher,
                ExtractionPool(settings.workers, timeout=settings.extract_timeout) as pool,
            ):
                # ---- discover
                doc_urls = [u for s in specs for u in (*s.feeds, *s.sitemaps)]
                feed_state = warehouse.get_feed_state(con, doc_urls) if not refresh else {}
                outcome = discover_task(fetcher, _quoted(specs), feed_state, since, con, run_id)
                warehouse.set_feed_state(con, outcome.feed_updates)
                new_urls = outcome.new_urls
                if outcome.failures or outcome.fetches:
                    warehouse.load_batch(
                        con,
                        run_id=run_id,
                        articles=[],
                        failures=outcome.failures,
                        fetches=outcome.fetches,
                        keep_raw=False,
                    )
                per_source = dict(outcome.per_source)

                # ---- fetch / extract / load, batch by batch
                source_ids = [s.source_id for s in specs]
                pending = warehouse.pending_urls(
                    con,
                    source_ids=source_ids,
                    refresh=refresh,
                    limit=max_urls or None,
                    per_source_limit=settings.max_urls_per_source or None,
                    listed_since=since,
                )
                listed = {p.url: p for p in pending}
                batches = _batches(pending, settings.batch_size)
                logger.info(
                    "%d URLs to fetch in %d batches of up to %d",
                    len(pending),
                    len(batches),
                    settings.batch_size,
                )

                progress = _Progress("ingest-progress", len(batches), len(pending))

                def fetch_next(k: int) -> Any:
                    if k >= len(batches):
                        return None
                    return fetch_task.submit(fetcher, _quoted([p.url for p in batches[k]]))

                # Streamed: the next batch downloads and waits queued on the workers while the
                # current one is extracted and loaded, so both cores stay busy.
                in_flight: list[tuple[list[FetchResult], Ticket, list[FailureRow]]] = []
                future, fetched_batches, loaded = fetch_next(0), 0, 0
                gc_seconds = 0.0
                while future is not None or in_flight:
                    while future is not None and len(in_flight) < 2:
                        results: list[FetchResult] = future.result()
                        fetched_batches += 1
                        future = fetch_next(fetched_batches)
                        jobs, fetch_failures = jobs_for_batch(results, specs_by_id, listed)
                        # the decoded text now travels with the jobs; keep only raw bodies for loading
                        results = [replace(r, text=None) if r.text is not None else r for r in results]
                        in_flight.append((results, pool.submit(jobs), fetch_failures))
                    results, ticket, fetch_failures = in_flight.pop(0)
                    outcomes = extract_task(pool, _quoted(ticket)) if ticket.jobs else []
                    articles = [o for o in outcomes if isinstance(o, ArticleRow)]
                    failures = fetch_failures + [o for o in outcomes if isinstance(o, FailureRow)]
                    bstats = load_task(con, run_id, _quoted(articles), _quoted(failures), _quoted(results))
                    loaded += 1
                    for src, counts in bstats.per_source.items():
                        add_to(per_source, src, counts)
                    fetched = Counter(
                        source_key(listed[r.url].source_id if r.url in listed else None)
                        for r in results
                        if r.ok
                    )
                    for src, n in fetched.items():
                        add_to(per_source, src, RunCounts(fetched=n))
                    logger.info(
                        "batch %d/%d (%d%%): %d fetched, %d articles, %d failed",
                        loaded,
                        len(batches),
                        100 * loaded // len(batches),
                        sum(1 for r in results if r.ok),
                        len(articles),
                        len(failures),
                    )
                    progress.batch_done(loaded, total(per_source))
                    del outcomes, articles, results, ticket
                    gc_seconds += release_cycles()  # the batch's bodies hang off cycles: free them now
                logger.info(
                    "cyclic garbage collection after each batch: %.2f s in all (%d batches)",
                    gc_seconds,
                    loaded,
                )
            state = "completed"
        except BaseException as exc:  # interrupted, timed out, or a bug: say which in runs.error
            error = failure_reason(exc, elapsed=time.monotonic() - t0, limit=run_time_limit())
            state = ended_state(exc)
            raise
        finally:
            totals = replace(total(per_source), new_urls=new_urls, error=None)
            close_run(con, run_id=run_id, state=state, totals=totals, per_source=per_source, error=error)
            totals_row = _warehouse_totals(con)

    if state == "completed" and settings.search_after_ingest and (totals.new or totals.updated):
        try:
            stale, indexed = search_index_task(settings.warehouse)
            logger.info("search index rebuilt: %s documents (%d new or changed articles)", indexed, stale)
        except Exception as exc:  # the index is a convenience: the run's data is committed
            logger.warning("search index not rebuilt (the daily maintenance will retry): %s", exc)
    duration = time.monotonic() - t0
    summary = {
        "run_id": run_id,
        "flow_run_id": flow_run_id,
        "state": state,
        "duration_s": round(duration, 2),
        **{k: getattr(totals, k) for k in SUMMARY_COUNTS},
        "per_source": _per_source_rows(per_source),
        "warnings": source_warnings(per_source),
    }
    note_stored(summary)  # from here on the CLI waits on Prefect only for a bounded time
    if prefect_answers():
        _artifacts(summary, per_source, totals_row)
    else:
        logger.warning(
            "the Prefect server does not answer: this run's summary artifacts and events are not "
            "published (its data and its `runs` row are stored)"
        )
    return summary


class _Progress:
    """The run's progress artifact in the Prefect UI (key ``ingest-progress``), updated per batch.

    A progress artifact is a convenience: if the API refuses it, the run goes on and says so once."""

    def __init__(self, key: str, batches: int, urls: int) -> None:
        self.batches = batches
        self.urls = urls
        self.artifact_id: Any = None
        report(Progress("ingest", 0, batches, f"{urls} URLs to fetch"))
        try:
            self.artifact_id = create_progress_artifact(
                0.0 if batches else 100.0, key=key, description=f"{urls} URLs in {batches} batches"
            )
        except Exception as exc:
            get_run_logger().warning("progress artifact not created: %s", exc)

    def batch_done(self, done: int, totals: RunCounts) -> None:
        note = f"{totals.fetched} fetched, {totals.new} new, {totals.updated} updated, {totals.failed} failed"
        report(Progress("ingest", done, self.batches, note))
        if self.artifact_id is None or not self.batches:
            return
        described = f"batch {done}/{self.batches}: {note} of {self.urls} URLs"
        try:
            if not prefect_answers():  # a dead server: not five retries with back-off per batch
                raise ConnectionError("the Prefect server does not answer")
            update_progress_artifact(self.artifact_id, 100.0 * done / self.batches, description=described)
        except Exception as exc:
            get_run_logger().warning("progress artifact not updated: %s", exc)
            self.artifact_id = None


def _per_source_rows(per_source: Mapping[str, RunCounts]) -> list[dict[str, Any]]:
    """One table row per source (the summary, the artifact, ``kabar ingest``'s table)."""
    rows = []
    for src in sorted(per_source):
        c = per_source[src]
        rows.append(
            {
                "source": src,
                "discovered": c.discovered,
                "too_old": c.too_old,
                "fetched": c.fetched,
                "new": c.new,
                "updated": c.updated,
                "unchanged": c.unchanged,
                "failed": c.failed,
                "not_modified": c.not_modified,
                "skipped_links": c.skipped_links,
                "failure_kinds": c.kinds_text(),
            }
        )
    return rows


def _warehouse_totals(con: Any) -> dict[str, Any]:
    try:
        cur = con.execute(warehouse.read_query("warehouse_totals"))
        names = [d[0] for d in cur.description]
        return dict(zip(names, cur.fetchone(), strict=True))
    except Exception as exc:  # a summary must never fail the run
        return {"error": str(exc)}


@dataclass(frozen=True, slots=True)
class SourceFinding:
    """A source a run should tell someone about."""

    source: str
    kind: Literal["broken", "silent"]  # failures and nothing loaded / nothing listed and no 304 either
    message: str


def source_findings(per_source: Mapping[str, RunCounts]) -> list[SourceFinding]:
    """Broken sources (failures, nothing loaded) and silent ones (nothing found, no 304 either)."""
    out = []
    for src in sorted(per_source):
        c = per_source[src]
        if c.failed and not c.loaded:
            message = f"{src}: broken ({c.failed} failures, no article loaded: {c.kinds_text()})"
            out.append(SourceFinding(src, "broken", message))
        elif not c.discovered and not c.not_modified and not c.failed:
            message = f"{src}: silent (its feeds and sitemaps listed no article URL)"
            out.append(SourceFinding(src, "silent", message))
    return out


def source_warnings(per_source: Mapping[str, RunCounts]) -> list[str]:
    return [f.message for f in source_findings(per_source)]


def _emit_events(summary: Mapping[str, Any], findings: Sequence[SourceFinding]) -> None:
    """Prefect events for Automations (docs/operations.md has a notification example):
    ``kabar.source.broken`` / ``kabar.source.silent`` per source, ``kabar.run.degraded`` per run."""
    from prefect.events import emit_event

    run = {"prefect.resource.id": f"kabar.run.{summary['run_id']}", "prefect.resource.role": "run"}
    try:
        for f in findings:
            emit_event(
                event=f"kabar.source.{f.kind}",
                resource={
                    "prefect.resource.id": "kabar.source." + re.sub(r"[^\w.-]+", "-", f.source).strip("-"),
                    "prefect.resource.name": f.source,
                },
                related=[run],
                payload={"message": f.message, "run_id": summary["run_id"]},
            )
        if findings or summary.get("state") != "completed":
            emit_event(
                event="kabar.run.degraded",
                resource={"prefect.resource.id": f"kabar.run.{summary['run_id']}"},
                payload={"state": summary.get("state"), "warnings": [f.message for f in findings]},
            )
    except Exception as exc:  # events are a convenience: the run's data is committed
        get_run_logger().warning("Prefect events not emitted: %s", exc)


def _artifacts(summary: dict[str, Any], per_source: Mapping[str, RunCounts], totals: dict[str, Any]) -> None:
    create_table_artifact(
        key="ingest-per-source",
        table=_per_source_rows(per_source) or [{"source": "(none)", "discovered": 0}],
        description=f"Per-source counts of ingest run {summary['run_id']}",
    )
    md = [
        f"# Ingest run `{summary['run_id']}`",
        "",
        f"State **{summary['state']}** in {summary['duration_s']} s.",
        "",
        "| discovered | new URLs | fetched | new | updated | unchanged | failed | feeds 304 |",
        "|---|---|---|---|---|---|---|---|",
        "| {discovered} | {new_urls} | {fetched} | {new} | {updated} | {unchanged} | {failed} | {not_modified} |".format(
            **summary
        ),
    ]
    md += ["", "Warehouse totals: " + ", ".join(f"{k} **{v}**" for k, v in totals.items())]
    findings = source_findings(per_source)
    if findings:
        md += ["", "## Warnings", ""] + [f"- {f.message}" for f in findings]
    create_markdown_artifact(key="ingest-summary", markdown="\n".join(md), description="Ingest run summary")
    _emit_events(summary, findings)
