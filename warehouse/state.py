"""Run bookkeeping: the url_state ledger (crash safety), feed validators, runs, raw-page reads.

The ledger contract: :func:`record_discovered` writes every newly discovered URL as ``pending``
(one transaction per chunk of discovery, URLs already in the ledger are not written again) before
anything is fetched; :func:`warehouse.load.load_batch` flips it to ``done`` or
``failed`` in the transaction that loads its article or failure.  :func:`pending_urls` is what the
next fetch works through, so a run killed at any point is resumed by the next one.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import duckdb
import psutil
import pyarrow as pa
import pyarrow.compute as pc

from extractors.urls import canonicalize_url
from records.counts import RunCounts
from records.errors import WarehouseError
from records.models import ArticleRef
from warehouse import arrow as A
from warehouse.conflicts import atomic
from warehouse.load import registered
from warehouse.rawstore import decompress_body, raw_dir, read_body, remove_unreferenced

log = logging.getLogger(__name__)

RUN_STATES = frozenset({"running", "completed", "failed", "crashed", "cancelled"})
COUNT_COLUMNS = ("discovered", "fetched", "new", "updated", "unchanged", "failed", "not_modified")


# ---------------------------------------------------------------------------------------------------
# url_state


@dataclass(frozen=True, slots=True)
class DiscoverStats:
    """Outcome of :func:`record_discovered`, by distinct canonical URL."""

    new: int = 0  # inserted as pending now
    already_done: int = 0
    failed_permanent: int = 0  # will not be retried (unless refresh)
    failed_transient: int = 0  # will be retried
    still_pending: int = 0  # discovered earlier, not finished yet

    @property
    def total(self) -> int:
        return (
            self.new + self.already_done + self.failed_permanent + self.failed_transient + self.still_pending
        )


@dataclass(frozen=True, slots=True)
class PendingUrl:
    canonical_url: str
    url: str
    source_id: str | None
    feed_published: datetime | None
    feed_title: str | None
    discovered_via: str | None
    feed_language: str | None = None


def _merge_refs(refs: Sequence[ArticleRef]) -> dict[str, ArticleRef]:
    """One ref per canonical URL: the first one, with blanks filled from later duplicates."""
    out: dict[str, ArticleRef] = {}
    for ref in refs:
        key = canonicalize_url(ref.url)
        if not key:
            continue
        first = out.get(key)
        if first is None:
            out[key] = ref
            continue
        if (
            (first.title is None and ref.title)
            or (first.published is None and ref.published)
            or (first.language is None and ref.language)
        ):
            out[key] = ArticleRef(
                url=first.url,
                discovered_via=first.discovered_via,
                discovered_from=first.discovered_from,
                source_id=first.source_id or ref.source_id,
                title=first.title or ref.title,
                published=first.published or ref.published,
                language=first.language or ref.language,
            )
    return out


_EXISTING_STATE_SQL = """
SELECT canonical_url, status, transient FROM url_state
WHERE canonical_url IN (SELECT canonical_url FROM _kb_refs)
"""

_INSERT_PENDING_SQL = """
INSERT INTO url_state (canonical_url, url, source_id, status, first_discovered_at, last_attempt_at, attempts,
                       error_class, error, transient, discovered_via, discovered_from, feed_title,
                       feed_published, feed_language, run_id)
SELECT r.canonical_url, r.url, r.source_id, 'pending', $now, NULL, 0, NULL, NULL, NULL,
       r.discovered_via, r.discovered_from, r.feed_title, r.feed_published, r.feed_language, $run_id
FROM _kb_new r
"""

_NOTE_DISCOVERED_SQL = "UPDATE runs SET discovered = coalesce(discovered, 0) + $n WHERE run_id = $run_id"

# later discoveries may know what the first one did not (a sitemap date, a feed title)
_BACKFILL_WHERE = """
WHERE url_state.canonical_url = r.canonical_url
  AND ((url_state.source_id IS NULL AND r.source_id IS NOT NULL)
       OR (url_state.feed_title IS NULL AND r.feed_title IS NOT NULL)
       OR (url_state.feed_published IS NULL AND r.feed_published IS NOT NULL)
       OR (url_state.feed_language IS NULL AND r.feed_language IS NOT NULL))
"""
_NEEDS_BACKFILL_SQL = "SELECT count(*) FROM url_state, _kb_refs r" + _BACKFILL_WHERE
_BACKFILL_SQL = (
    """
UPDATE url_state SET
    source_id = coalesce(url_state.source_id, r.source_id),
    feed_title = coalesce(url_state.feed_title, r.feed_title),
    feed_published = coalesce(url_state.feed_published, r.feed_published),
    feed_language = coalesce(url_state.feed_language, r.feed_language)
FROM _kb_refs r"""
    + _BACKFILL_WHERE
)


def _scalar(row: tuple[Any, ...] | None) -> Any:
    return row[0] if row else None


def record_discovered(
    con: duckdb.DuckDBPyConnection, run_id: str, refs: Sequence[ArticleRef]
) -> DiscoverStats:
    """Insert newly discovered URLs as ``pending`` (one transaction); count what was already known."""
    merged = _merge_refs(refs)
    if not merged:
        return DiscoverStats()
    refs_table = A.table(
        A.DISCOVERED,
        {
            "canonical_url": list(merged),
            "url": [r.url for r in merged.values()],
            "source_id": [r.source_id for r in merged.values()],
            "discovered_via": [r.discovered_via for r in merged.values()],
            "discovered_from": [r.discovered_from for r in merged.values()],
            "feed_title": [r.title for r in merged.values()],
            "feed_published": [A.utc(r.published, "feed date", r.url) for r in merged.values()],
            "feed_language": [r.language for r in merged.values()],
        },
    )

    def body() -> tuple[dict[str, tuple[str, bool]], dict[str, int]]:
        counts = {"done": 0, "failed_permanent": 0, "failed_transient": 0, "pending": 0}
        known: dict[str, tuple[str, bool]] = {}
        with registered(con, {"_kb_refs": refs_table}):
            for key, status, transient in con.execute(_EXISTING_STATE_SQL).fetchall():
                known.setdefault(key, (status, bool(transient)))
            for status, transient in known.values():
                if status == "done":
                    counts["done"] += 1
                elif status == "failed":
                    counts["failed_transient" if transient else "failed_permanent"] += 1
                else:
                    counts["pending"] += 1
            # the keys just read are the ones stored: insert the others without scanning the ledger again
            fresh = pc.invert(
                pc.is_in(refs_table["canonical_url"], value_set=pa.array(list(known), pa.string()))
            )
            new_refs = refs_table.filter(fresh)
            # URLs the ledger already has are not written again: a chunk with nothing new and
            # nothing to add to what is known writes nothing (no snapshot in the lake)
            if new_refs.num_rows:
                with registered(con, {"_kb_new": new_refs}):
                    con.execute(_INSERT_PENDING_SQL, {"now": datetime.now(UTC), "run_id": run_id})
                # The run's row counts what it added. That update also makes two runs that discover
                # at the same moment conflict (the lake checks conflicts per table, and an update
                # deletes): the later one retries, sees the other's ledger rows and does not add the
                # same URL twice. Inserts alone never conflict on a PostgreSQL catalog.
                con.execute(_NOTE_DISCOVERED_SQL, {"run_id": run_id, "n": new_refs.num_rows})
            if known and _scalar(con.execute(_NEEDS_BACKFILL_SQL).fetchone()):
                con.execute(_BACKFILL_SQL)
        return known, counts

    known, counts = atomic(con, "record_discovered", body)
    return DiscoverStats(
        new=len(merged) - len(known),
        already_done=counts["done"],
        failed_permanent=counts["failed_permanent"],
        failed_transient=counts["failed_transient"],
        still_pending=counts["pending"],
    )


def pending_urls(
    con: duckdb.DuckDBPyConnection,
    *,
    source_ids: Sequence[str | None] | None = None,
    retry_transient: bool = True,
    refresh: bool = False,
    limit: int | None = None,
    per_source_limit: int | None = None,
    listed_since: datetime | None = None,
) -> list[PendingUrl]:
    """URLs still to fetch: pending ones, transient failures (``retry_transient``), or all (``refresh``).

    ``source_ids`` restricts to those sources (``None`` inside it selects URLs without a source).
    Oldest discoveries first, then newest feed date.  ``per_source_limit`` keeps the first N of each
    source; ``listed_since`` skips URLs their feed or sitemap dated before it (undated ones stay).
    Skipped URLs keep their ledger row, so a later run without the limits still fetches them.
    """
    where: list[str] = []
    params: dict[str, Any] = {}
    if not refresh:
        if retry_transient:
            where.append("(status = 'pending' OR (status = 'failed' AND coalesce(transient, false)))")
        else:
            where.append("status = 'pending'")
    if source_ids is not None:
        ids = [s for s in source_ids if s is not None]
        clause = "list_contains($ids, source_id)"
        if len(ids) != len(source_ids):
            clause = f"({clause} OR source_id IS NULL)"
        where.append(clause)
        params["ids"] = ids
    if listed_since is not None:
        where.append("(feed_published IS NULL OR feed_published >= $since)")
        params["since"] = listed_since
    order = "first_discovered_at, feed_published DESC NULLS LAST, canonical_url"
    qualify = ""
    if per_source_limit is not None and per_source_limit > 0:
        qualify = f" QUALIFY row_number() OVER (PARTITION BY source_id ORDER BY {order}) <= $per_source"
        params["per_source"] = int(per_source_limit)
    sql = (
        "SELECT canonical_url, url, source_id, feed_published, feed_title, discovered_via, feed_language"
        " FROM url_state"
        + (" WHERE " + " AND ".join(where) if where else "")
        + qualify
        + f" ORDER BY {order}"
    )
    if limit is not None:
        sql += " LIMIT $limit"
        params["limit"] = int(limit)
    rows = con.execute(sql, params).fetchall()
    seen: set[str] = set()
    out: list[PendingUrl] = []
    for key, url, source_id, published, title, via, language in rows:
        if key in seen:
            continue
        seen.add(key)
        out.append(PendingUrl(key, url, source_id, published, title, via, language))
    return out


def known_canonical_urls(con: duckdb.DuckDBPyConnection, urls: Sequence[str]) -> set[str]:
    """The canonical forms of ``urls`` that already have an article (or a ``done`` ledger row)."""
    keys = sorted({canonicalize_url(u) for u in urls})
    if not keys:
        return set()
    rows = con.execute(
        "SELECT canonical_url FROM articles WHERE canonical_url IN (SELECT unnest($keys)) "
        "UNION SELECT canonical_url FROM url_state "
        "WHERE status = 'done' AND canonical_url IN (SELECT unnest($keys))",
        {"keys": keys},
    ).fetchall()
    return {r[0] for r in rows}


# ---------------------------------------------------------------------------------------------------
# feed_state


class FeedStateLike(Protocol):
    """What :func:`set_feed_state` reads (``pipeline.steps.FeedStateUpdate`` fits)."""

    @property
    def document_url(self) -> str: ...
    @property
    def etag(self) -> str | None: ...
    @property
    def last_modified(self) -> str | None: ...
    @property
    def status(self) -> int | None: ...
    @property
    def error(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class FeedState:
    document_url: str
    etag: str | None
    last_modified: str | None
    status: int | None
    error: str | None = None


def get_feed_state(
    con: duckdb.DuckDBPyConnection, urls: Sequence[str]
) -> dict[str, tuple[str | None, str | None]]:
    """Stored ``(etag, last_modified)`` per document URL (URLs never fetched are absent)."""
    if not urls:
        return {}
    rows = con.execute(
        "SELECT document_url, etag, last_modified FROM feed_state WHERE document_url IN (SELECT unnest($urls))",
        {"urls": list(dict.fromkeys(urls))},
    ).fetchall()
    return {u: (e, m) for u, e, m in rows}


def set_feed_state(
    con: duckdb.DuckDBPyConnection, rows: Sequence[FeedStateLike], *, at: datetime | None = None
) -> int:
    """Record the outcome of fetching feed/sitemap documents; return rows written.

    A 304 or a failure keeps the stored validators (a 304 may refresh them); a 2xx replaces them.
    """
    latest: dict[str, FeedStateLike] = {}
    for row in rows:
        latest.pop(row.document_url, None)
        latest[row.document_url] = row
    if not latest:
        return 0
    old = get_feed_state(con, list(latest))
    when = A.utc(at, "feed_state time") if at is not None else datetime.now(UTC)
    cols: dict[str, list[object]] = {name: [] for name in A.FEED_STATE.names}
    for url, row in latest.items():
        etag, modified = row.etag, row.last_modified
        ok = row.status is not None and 200 <= row.status < 300 and not row.error
        if not ok:
            prev = old.get(url, (None, None))
            etag, modified = etag or prev[0], modified or prev[1]
        cols["document_url"].append(url)
        cols["etag"].append(etag)
        cols["last_modified"].append(modified)
        cols["last_status"].append(row.status)
        cols["last_fetched_at"].append(when)
        cols["last_error"].append(row.error)
    feeds = A.table(A.FEED_STATE, cols)
    columns = A.column_list(A.FEED_STATE)

    def body() -> None:
        with registered(con, {"_kb_feeds": feeds}):
            con.execute("DELETE FROM feed_state WHERE document_url IN (SELECT document_url FROM _kb_feeds)")
            con.execute(f"INSERT INTO feed_state ({columns}) SELECT {columns} FROM _kb_feeds")

    atomic(con, "set_feed_state", body)
    return feeds.num_rows


# ---------------------------------------------------------------------------------------------------
# runs


def _dead_runs(con: duckdb.DuckDBPyConnection, run_id: str) -> list[str]:
    """Runs still marked ``running`` whose process on this host is gone (killed, or the host rebooted).

    Several processes may write the lake at once, so a ``running`` row is only *crashed* when its
    recorded process no longer exists; runs recorded on other hosts are left to their own host."""
    rows = con.execute(
        "SELECT run_id, host, pid, started_at FROM runs WHERE state = 'running' AND run_id <> $run_id",
        {"run_id": run_id},
    ).fetchall()
    here = socket.gethostname()
    dead: list[str] = []
    for rid, host, pid, started in rows:
        if host is not None and host != here:
            continue
        if pid is None or not _alive(int(pid), started):
            dead.append(str(rid))
    return dead


def _alive(pid: int, started: datetime | None) -> bool:
    """Whether process ``pid`` exists and was already running at ``started`` (not a reused PID)."""
    try:
        proc = psutil.Process(pid)
        created = proc.create_time()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return False
    if proc.status() == psutil.STATUS_ZOMBIE:
        return False
    return started is None or created <= started.timestamp() + 1.0


def start_run(
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: str,
    flow_run_id: str | None,
    flow_name: str,
    parameters: Mapping[str, Any],
) -> None:
    """Record a run as ``running`` (with this host and process).  Other runs still marked running
    whose process on this host is gone are marked ``crashed``; live ones (a concurrent writer) stay."""
    now = datetime.now(UTC)
    values = {
        "run_id": run_id,
        "flow_run_id": flow_run_id,
        "flow_name": flow_name,
        "now": now,
        "parameters": json.dumps(dict(parameters), default=str, sort_keys=True),
        "host": socket.gethostname(),
        "pid": os.getpid(),
    }

    def body() -> None:
        dead = _dead_runs(con, run_id)
        if dead:
            con.execute(
                "UPDATE runs SET state = 'crashed' WHERE list_contains($dead, run_id)", {"dead": dead}
            )
        con.execute("DELETE FROM runs WHERE run_id = $run_id", {"run_id": run_id})
        con.execute(
            "INSERT INTO runs (run_id, flow_run_id, flow_name, started_at, state, parameters, host, pid) "
            "VALUES ($run_id, $flow_run_id, $flow_name, $now, 'running', $parameters::JSON, $host, $pid)",
            values,
        )

    atomic(con, "start_run", body)


_CLOSED_FLOW_RUNS_SQL = """
SELECT flow_run_id, state FROM runs
WHERE flow_run_id IS NOT NULL AND state <> 'running' AND run_id <> $run_id
  AND started_at >= $since
ORDER BY started_at DESC
LIMIT $limit
"""


def closed_flow_runs(
    con: duckdb.DuckDBPyConnection, *, exclude_run_id: str, days: int = 30, limit: int = 500
) -> dict[str, str]:
    """Prefect flow-run ids of the recent runs this warehouse has closed (completed, failed,
    cancelled, or found crashed), with their state: the ones the Prefect server should not still
    show as running. ``exclude_run_id`` is the caller's own run."""
    rows = con.execute(
        _CLOSED_FLOW_RUNS_SQL,
        {"run_id": exclude_run_id, "since": datetime.now(UTC) - timedelta(days=days), "limit": limit},
    ).fetchall()
    return {str(flow_run_id): str(state) for flow_run_id, state in rows}


def finish_run(
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: str,
    state: str,
    totals: RunCounts,
    per_source: Mapping[str, RunCounts],
    error: str | None = None,
) -> None:
    """Close a run: state, totals (columns + the full counts as JSON), per-source counts
    (``run_sources``, read by ``v_source_health``) and, for a run that did not complete, why
    (``runs.error``)."""
    if state not in RUN_STATES:
        raise WarehouseError(f"unknown run state {state!r}; expected one of {sorted(RUN_STATES)}")
    cols: dict[str, list[object]] = {name: [] for name in A.RUN_SOURCES.names}
    for source_id in sorted(per_source):
        counts = per_source[source_id]
        cols["run_id"].append(run_id)
        cols["source_id"].append(source_id)
        for name in (*COUNT_COLUMNS, "too_old"):
            cols[name].append(getattr(counts, name))
        cols["error"].append(counts.error)
    sources = A.table(A.RUN_SOURCES, cols)
    values: dict[str, Any] = {name: getattr(totals, name) for name in COUNT_COLUMNS}
    values.update(
        run_id=run_id,
        state=state,
        error=None if error is None else error[:2000],
        now=datetime.now(UTC),
        counts=json.dumps(totals.as_dict(), sort_keys=True),
        per_source=json.dumps(
            [{"source": src, **per_source[src].as_dict()} for src in sorted(per_source)], sort_keys=True
        ),
    )

    def body() -> None:
        with registered(con, {"_kb_run_sources": sources}):
            _finish(con, run_id, values)

    atomic(con, "finish_run", body)


def _finish(con: duckdb.DuckDBPyConnection, run_id: str, values: dict[str, Any]) -> None:
    """``finish_run``'s statements (inside its transaction, ``_kb_run_sources`` registered)."""
    assignments = ", ".join(f"{name} = ${name}" for name in COUNT_COLUMNS)
    updated = con.execute(
        f"UPDATE runs SET finished_at = $now, state = $state, error = $error, {assignments}, "
        "counts = $counts::JSON, per_source = $per_source::JSON WHERE run_id = $run_id",
        values,
    ).fetchone()
    if not updated or not updated[0]:
        log.warning("finish_run: run %s was never started; recording it now", run_id)
        con.execute(
            f"INSERT INTO runs (run_id, started_at, finished_at, state, error, {', '.join(COUNT_COLUMNS)}, counts, "
            f"per_source) VALUES ($run_id, $now, $now, $state, $error, "
            f"{', '.join('$' + n for n in COUNT_COLUMNS)}, $counts::JSON, $per_source::JSON)",
            values,
        )
    con.execute("DELETE FROM run_sources WHERE run_id = $run_id", {"run_id": run_id})
    columns = A.column_list(A.RUN_SOURCES)
    con.execute(f"INSERT INTO run_sources ({columns}) SELECT {columns} FROM _kb_run_sources")


# ---------------------------------------------------------------------------------------------------
# raw pages (for `kabar reparse`)


@dataclass(frozen=True, slots=True)
class RawPage:
    canonical_url: str
    url: str
    final_url: str | None
    source_id: str | None
    status: int | None
    content_type: str | None
    charset: str | None
    body: bytes  # decompressed
    fetched_at: datetime
    run_id: str | None
    feed_published: datetime | None = None  # from url_state: what the feed said when it listed the URL
    feed_title: str | None = None
    feed_language: str | None = None

    @property
    def text(self) -> str:
        """The body decoded with its recorded charset (UTF-8 when unknown), undecodable bytes replaced."""
        try:
            return self.body.decode(self.charset or "utf-8", errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


def prune_raw_pages(
    con: duckdb.DuckDBPyConnection, *, keep_days: int | None = None, before: datetime | None = None
) -> int:
    """Delete raw bodies fetched more than ``keep_days`` days ago (``Settings.raw_retention_days``),
    or before the instant ``before``; return how many were deleted.  Articles are kept; only
    ``kabar reparse`` loses those pages."""
    if before is not None:
        cutoff = before
    else:
        if keep_days is None or keep_days < 0:
            raise ValueError("keep_days must be >= 0")
        cutoff = datetime.now(UTC) - timedelta(days=keep_days)
    row = atomic(
        con,
        "prune_raw_pages",
        lambda: con.execute(
            "DELETE FROM raw_pages WHERE fetched_at < $cutoff", {"cutoff": cutoff}
        ).fetchone(),
    )
    remove_unreferenced(con)  # pack files whose every page is now gone (and orphans of killed runs)
    return int(row[0]) if row else 0


def prune_fetches(con: duckdb.DuckDBPyConnection, *, before: datetime) -> int:
    """Delete fetch-attempt log rows (``fetches``) from before the instant ``before``; return how many.

    The log is diagnostics only: articles, ``url_state`` and ``failures`` keep each URL's outcome."""
    row = atomic(
        con,
        "prune_fetches",
        lambda: con.execute("DELETE FROM fetches WHERE fetched_at < $cutoff", {"cutoff": before}).fetchone(),
    )
    return int(row[0]) if row else 0


# the feed's date, title and language come from the URL ledger: ingest hands them to the parsers, so reparse must too
_RAW_PAGE_SQL = """
SELECT r.canonical_url, r.url, r.final_url, r.source_id, r.status, r.content_type, r.charset, r.compression,
       r.body_z, r.bytes, r.fetched_at, r.run_id, r.body_file, r.body_offset, r.body_length,
       (SELECT first(s.feed_published) FROM url_state s WHERE s.canonical_url = r.canonical_url),
       (SELECT first(s.feed_title) FROM url_state s WHERE s.canonical_url = r.canonical_url),
       (SELECT first(s.feed_language) FROM url_state s WHERE s.canonical_url = r.canonical_url)
FROM raw_pages r
WHERE r.canonical_url > $after {source_filter}
ORDER BY r.canonical_url
LIMIT $limit
"""


def count_raw_pages(con: duckdb.DuckDBPyConnection, *, source_ids: Sequence[str] | None = None) -> int:
    """How many stored raw pages ``iter_raw_pages`` will yield (for progress reports)."""
    row = con.execute(
        "SELECT count(*) FROM raw_pages WHERE $ids IS NULL OR list_contains($ids, source_id)",
        {"ids": list(source_ids) if source_ids is not None else None},
    ).fetchone()
    return int(row[0]) if row else 0


def iter_raw_pages(
    con: duckdb.DuckDBPyConnection, *, source_ids: Sequence[str] | None = None, batch_size: int = 200
) -> Iterator[list[RawPage]]:
    """Stored raw pages in batches, decompressed.  Each batch is its own query (keyset paging), so
    the caller may write on the same connection between batches."""
    if batch_size < 1:
        raise ValueError("batch_size must be >= 1")
    source_filter = "AND list_contains($ids, r.source_id)" if source_ids is not None else ""
    sql = _RAW_PAGE_SQL.format(source_filter=source_filter)
    folder = raw_dir(con)
    after = ""
    while True:
        params: dict[str, Any] = {"after": after, "limit": batch_size}
        if source_ids is not None:
            params["ids"] = list(source_ids)
        rows = con.execute(sql, params).fetchall()
        if not rows:
            return
        pages = [
            RawPage(
                canonical_url=key,
                url=url,
                final_url=final_url,
                source_id=source_id,
                status=status,
                content_type=content_type,
                charset=charset,
                body=(
                    read_body(folder, body_file, offset, length, size)
                    if body_file and folder is not None
                    else decompress_body(bytes(blob or b""), compression, size)
                ),
                fetched_at=fetched_at,
                run_id=run_id,
                feed_published=feed_published,
                feed_title=feed_title,
                feed_language=feed_language,
            )
            for (
                key,
                url,
                final_url,
                source_id,
                status,
                content_type,
                charset,
                compression,
                blob,
                size,
                fetched_at,
                run_id,
                body_file,
                offset,
                length,
                feed_published,
                feed_title,
                feed_language,
            ) in rows
        ]
        yield pages
        after = rows[-1][0]
        if len(rows) < batch_size:
            return


__all__ = [
    "prune_fetches",
    "COUNT_COLUMNS",
    "DiscoverStats",
    "FeedState",
    "FeedStateLike",
    "PendingUrl",
    "RUN_STATES",
    "RawPage",
    "finish_run",
    "get_feed_state",
    "iter_raw_pages",
    "known_canonical_urls",
    "pending_urls",
    "prune_raw_pages",
    "record_discovered",
    "set_feed_state",
    "start_run",
]
