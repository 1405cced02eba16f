"""The ``maintenance`` flow: prune old raw HTML, compact the lake, and report table totals.

Scheduled daily by ``kabar serve`` (deployment ``maintenance/daily``). One task does the work in one
read-write connection (``warehouse.open_warehouse``: migrations applied, seeds loaded), safe to run
while an ingest writes (every step is a lake transaction, retried on a conflict):

* delete ``raw_pages`` rows whose ``fetched_at`` is older than ``raw_retention_days`` (0 or less keeps
  everything; rows without ``fetched_at`` are kept). Articles keep their text; only the stored HTML
  that ``reparse`` would re-read goes;
* delete ``fetches`` rows (the per-attempt fetch log) older than ``fetch_log_retention_days`` (0 or
  less keeps them all); each URL's outcome stays in ``url_state``, ``failures`` and ``articles``;
* delete raw-page pack files (``<warehouse>.raw/``) no row points to any more: fully pruned ones and
  orphans of killed runs (even with retention off);
* rebuild the full-text search index (``<warehouse>.search.duckdb``, ``kabar search``) when articles
  changed since its last build (DuckDB does not maintain it incrementally);
* expire lake snapshots older than ``snapshot_retention_days`` (the reach of ``article_versions`` and
  ``kabar sql --as-of``), merge small data files, delete files no snapshot uses (``warehouse.lakeops``);
* a markdown artifact with the row counts before and after, and the sizes on disk.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

import warehouse as wh
from pipeline.settings import load_settings
from records.errors import WarehouseError
from warehouse.lakeops import CompactReport, compact, storage_bytes
from warehouse.verify import remedy

# Tables reported in the summary, in display order (a fixed allow-list: names never come from data).
REPORTED_TABLES = ("articles", "raw_pages", "fetches", "failures", "runs", "url_state")

EXISTING_TABLES_SQL = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"


@dataclass(frozen=True)
class MaintenanceReport:
    """What one maintenance run did."""

    warehouse: str
    retention_days: int
    cutoff: datetime | None  # None: retention disabled
    pruned_raw_pages: int
    rows_before: dict[str, int]
    rows_after: dict[str, int]
    bytes_before: int
    bytes_after: int
    fetch_log_retention_days: int = 0
    fetch_cutoff: datetime | None = None  # None: the fetch log is kept whole
    pruned_fetches: int = 0
    search_stale: int | None = None  # articles the search index did not reflect; None: not checked
    search_indexed: int | None = None  # documents in the rebuilt index; None: not rebuilt
    search_seconds: float = 0.0
    compacted: CompactReport | None = None
    snapshot_retention_days: int = 0


def retention_cutoff(now: datetime, retention_days: int) -> datetime | None:
    """The oldest ``fetched_at`` kept, or None when retention is off (``retention_days <= 0``)."""
    if retention_days <= 0:
        return None
    return now.astimezone(UTC) - timedelta(days=retention_days)


def _scalar(con: Any, sql: str, params: list[Any] | None = None) -> int:
    row = con.execute(sql, params or []).fetchone()
    return int(row[0]) if row is not None else 0


def _table_counts(con: Any) -> dict[str, int]:
    existing = {row[0] for row in con.execute(EXISTING_TABLES_SQL).fetchall()}
    counts: dict[str, int] = {}
    for table in REPORTED_TABLES:
        if table in existing:  # allow-listed identifier, safe to interpolate
            counts[table] = _scalar(con, f"SELECT count(*) FROM {table}")
    return counts


def run_maintenance(
    warehouse_path: wh.Location | Path | str,
    retention_days: int,
    *,
    now: datetime,
    fetch_log_retention_days: int = 0,
    rebuild_search: bool = False,
    snapshot_retention_days: int = 30,
) -> MaintenanceReport:
    """Prune ``raw_pages`` (and the ``fetches`` log) older than their retentions, rebuild the search
    index if ``rebuild_search`` and it is stale, expire old snapshots and compact the lake's files.

    Safe while an ingest writes: every step is a lake transaction retried on a conflict."""
    cutoff = retention_cutoff(now, retention_days)
    fetch_cutoff = retention_cutoff(now, fetch_log_retention_days)
    # no seeds: the sources table follows the user's sources file, which ingest and reparse load
    with wh.open_warehouse(warehouse_path, load_seed_data=False) as con:
        bytes_before = storage_bytes(con)
        before = _table_counts(con)
        pruned = 0
        if cutoff is not None:
            pruned = wh.prune_raw_pages(con, before=cutoff)  # also removes packs left without rows
        else:
            wh.remove_unreferenced_packs(con)  # orphans of killed runs, with retention off too
        pruned_fetches = wh.prune_fetches(con, before=fetch_cutoff) if fetch_cutoff is not None else 0
        stale: int | None = None
        indexed: int | None = None
        seconds = 0.0
        if rebuild_search:
            started = time.perf_counter()
            stale, indexed = wh.refresh_search_index(con)
            seconds = time.perf_counter() - started
        compacted = compact(con, snapshot_retention_days=snapshot_retention_days, now=now)
        after = _table_counts(con)
        bytes_after = storage_bytes(con)
    return MaintenanceReport(
        warehouse=(
            warehouse_path if isinstance(warehouse_path, wh.Location) else wh.parse_location(warehouse_path)
        ).display,
        retention_days=retention_days,
        cutoff=cutoff,
        pruned_raw_pages=pruned,
        rows_before=before,
        rows_after=after,
        bytes_before=bytes_before,
        bytes_after=bytes_after,
        fetch_log_retention_days=fetch_log_retention_days,
        fetch_cutoff=fetch_cutoff,
        pruned_fetches=pruned_fetches,
        search_stale=stale,
        search_indexed=indexed,
        search_seconds=seconds,
        compacted=compacted,
        snapshot_retention_days=snapshot_retention_days,
    )


def verify_markdown(report: wh.VerifyReport) -> str:
    """The artifact's section on the weekly read of the whole warehouse."""
    head = (
        f"## Verify\n\nRead {report.tables} tables: {report.files} data files ({report.rows_read} rows) and "
        f"{report.raw_packs} raw-page packs: "
    )
    if report.ok:
        return head + "no damage.\n"
    lines = [head + f"**{len(report.damage)} damaged**.", ""]
    for d in report.damage:
        rows = f" (row ids {d.rows[0]}-{d.rows[1]})" if d.rows else ""
        lines.append(f"- `{d.table}`: `{d.path}`: {d.problem}{rows}")
    lines += ["", *(f"- {line}" for line in remedy(report))]
    return "\n".join(lines) + "\n"


def report_markdown(report: MaintenanceReport) -> str:
    """The artifact text: what was pruned and the table totals before and after."""
    if report.cutoff is None:
        policy = "retention disabled (raw_retention_days <= 0): nothing pruned"
    else:
        policy = (
            f"pruned **{report.pruned_raw_pages}** raw_pages rows fetched before "
            f"{report.cutoff:%Y-%m-%d %H:%M} UTC (retention {report.retention_days} days)"
        )
    if report.fetch_cutoff is None:
        fetch_policy = "fetch log kept whole (fetch_log_retention_days <= 0)"
    else:
        fetch_policy = (
            f"pruned **{report.pruned_fetches}** fetches rows from before {report.fetch_cutoff:%Y-%m-%d %H:%M} UTC "
            f"(retention {report.fetch_log_retention_days} days)"
        )
    if report.search_indexed is not None:
        search = (
            f"search index rebuilt: **{report.search_indexed}** documents "
            f"({report.search_stale} new or changed articles, {report.search_seconds:.1f} s)"
        )
    elif report.search_stale is None:
        search = "search index not checked (rebuild_search off)"
    else:
        search = "search index up to date"
    c = report.compacted
    lake = (
        "lake not compacted"
        if c is None
        else (
            f"expired **{c.snapshots_expired}** snapshots older than {report.snapshot_retention_days} days"
            if report.snapshot_retention_days > 0
            else "all snapshots kept (snapshot_retention_days <= 0)"
        )
        + f", data files {c.data_files_before} -> {c.data_files_after}, {c.files_deleted} old files deleted"
    )
    lines = [
        "# Warehouse maintenance",
        "",
        f"Warehouse `{report.warehouse}`: {policy}; {fetch_policy}; {search}; {lake}.",
        "",
        "| table | rows before | rows after |",
        "|---|---:|---:|",
    ]
    for table, n in report.rows_before.items():
        lines.append(f"| {table} | {n} | {report.rows_after.get(table, 0)} |")
    lines += [
        "",
        f"Size on disk (lake data files, catalog and raw-page packs): {report.bytes_before / 1e6:.2f} MB before, "
        f"{report.bytes_after / 1e6:.2f} MB after.",
    ]
    return "\n".join(lines) + "\n"


@task(name="prune-and-compact", cache_policy=NO_CACHE)
def prune_and_compact(
    warehouse_path: str,
    raw_retention_days: int,
    fetch_log_retention_days: int = 0,
    rebuild_search: bool = True,
    snapshot_retention_days: int = 30,
) -> MaintenanceReport:
    report = run_maintenance(
        warehouse_path,
        raw_retention_days,
        now=datetime.now(UTC),
        fetch_log_retention_days=fetch_log_retention_days,
        rebuild_search=rebuild_search,
        snapshot_retention_days=snapshot_retention_days,
    )
    c = report.compacted
    get_run_logger().info(
        "pruned %d raw_pages rows (retention %d days) and %d fetches rows (retention %d days); "
        "expired %d snapshots; data files %d -> %d",
        report.pruned_raw_pages,
        raw_retention_days,
        report.pruned_fetches,
        fetch_log_retention_days,
        c.snapshots_expired if c else 0,
        c.data_files_before if c else 0,
        c.data_files_after if c else 0,
    )
    if report.search_indexed is not None:
        get_run_logger().info(
            "search index rebuilt: %d documents (%d new or changed articles) in %.1f s",
            report.search_indexed,
            report.search_stale,
            report.search_seconds,
        )
    return report


VERIFY_WEEKDAY = 6  # Sunday (UTC): the day the daily maintenance also reads the whole warehouse


@task(name="verify", cache_policy=NO_CACHE)
def verify_task(warehouse_path: str) -> wh.VerifyReport:
    """Read every data file and raw-page pack (``kabar verify``) through a read-only connection."""
    con = wh.connect(warehouse_path, read_only=True)
    try:
        report = wh.verify(con)
    finally:
        con.close()
    logger = get_run_logger()
    logger.info(
        "verified %d tables: %d data files (%d rows) and %d raw-page packs",
        report.tables,
        report.files,
        report.rows_read,
        report.raw_packs,
    )
    for d in report.damage:
        logger.error(
            "DAMAGED %s: %s: %s%s",
            d.table,
            d.path,
            d.problem,
            f" (row ids {d.rows[0]}-{d.rows[1]})" if d.rows else "",
        )
    return report


@flow(name="maintenance", timeout_seconds=load_settings().maintenance_timeout)
def maintenance(
    warehouse_path: str = "kabar.ducklake",
    raw_retention_days: int = 90,
    fetch_log_retention_days: int = 180,
    rebuild_search: bool = True,
    snapshot_retention_days: int = 30,
    verify: bool | None = None,
) -> dict[str, Any]:
    """Prune raw HTML older than ``raw_retention_days``, fetch-log rows older than
    ``fetch_log_retention_days``, rebuild the search index if articles changed, expire snapshots
    older than ``snapshot_retention_days`` and compact the lake's files.  On Sundays (or when ``verify``
    says so) it first reads the whole warehouse, and fails the run without changing anything if
    something is damaged."""
    if verify is None:
        verify = datetime.now(UTC).weekday() == VERIFY_WEEKDAY
    # first: compaction rewrites files, and a damaged one would fail it with a less helpful error
    checked = verify_task(warehouse_path) if verify else None
    if checked is not None and not checked.ok:
        create_markdown_artifact(
            key="maintenance-summary",
            markdown="# Warehouse maintenance\n\nNothing pruned or compacted: the warehouse is damaged.\n\n"
            + verify_markdown(checked),
            description="the warehouse is damaged",
        )
        raise WarehouseError(
            f"the warehouse is damaged: {len(checked.damage)} file(s) cannot be read as the catalog records "
            "them (`kabar verify` lists them and how to restore); nothing was pruned or compacted"
        )
    report = prune_and_compact(
        warehouse_path, raw_retention_days, fetch_log_retention_days, rebuild_search, snapshot_retention_days
    )
    markdown = report_markdown(report)
    if checked is not None:
        markdown += "\n" + verify_markdown(checked)
    create_markdown_artifact(
        key="maintenance-summary",
        markdown=markdown,
        description="raw_pages retention and table totals",
    )
    return {
        "pruned_raw_pages": report.pruned_raw_pages,
        "pruned_fetches": report.pruned_fetches,
        "search_indexed": report.search_indexed,
        "rows_after": report.rows_after,
        "bytes_after": report.bytes_after,
    }
