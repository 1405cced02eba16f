"""``kabar serve``: one long-running process that runs the scheduled flows (``prefect.serve``).

Deployments served (``serve()`` next to a real ``prefect server start``: the simplest robust
"one command" scheduler; work pools and workers are for more than one machine):

* ``ingest/ingest-every-<N>m``: the ingest flow every ``interval_minutes`` (default 15). A source
  with its own ``interval_minutes`` in the sources file gets its own deployment at that cadence;
  the other sources share the default one. Tags ``kabar`` and ``source:<id>`` (``source:all`` when
  the flow resolves all configured sources itself).
* ``maintenance/daily``: raw HTML and fetch-log retention, snapshot expiry and file compaction of the
  lake, search index, at 03:00 (``0 3 * * *``, server time zone UTC).

Failures: the ingest flow retries once after 60 s (a failed run stays visible as Failed in the UI);
the run is idempotent, so a retry only finishes what is left.

Overlap: each deployment has ``concurrency_limit=1`` with the ``CANCEL_NEW`` strategy, so a scheduled
run that comes due while the previous one is still running is cancelled ("Deployment concurrency
limit reached.") rather than queued behind it: no backlog builds up when a run is slower than its
interval, and the next run picks up whatever is new.

Stopping serve (Ctrl-C / SIGTERM) pauses the schedules (Prefect's default ``pause_on_shutdown``);
starting it again resumes them.

Prefect is imported lazily: planning the schedules (``plan_schedules``) needs only the CSV.
"""

from __future__ import annotations

import csv
import inspect
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from kabar.server import ensure_server, prefect_home_for, server_env
from seeds import SEEDS_DIR

DEFAULT_SOURCES_CSV = SEEDS_DIR / "sources.csv"
MAINTENANCE_CRON = "0 3 * * *"


@dataclass(frozen=True)
class IngestSchedule:
    """One ingest deployment: its cadence and the sources it covers (None: all configured)."""

    name: str
    interval: timedelta
    sources: tuple[str, ...] | None
    tags: tuple[str, ...]


def cadence_label(interval: timedelta) -> str:
    """``15m``, ``2h``, ``6s``: the interval as the shortest exact unit, for deployment names."""
    seconds = interval.total_seconds()
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{int(seconds // 3600)}h"
    if seconds >= 60 and seconds % 60 == 0:
        return f"{int(seconds // 60)}m"
    return f"{math.ceil(seconds)}s"


def read_interval_overrides(sources_csv: Path | None) -> dict[str, float]:
    """``source_id -> interval_minutes`` from the optional column of ``sources.csv``.

    A missing file, a missing column, or an empty/invalid/non-positive cell means "no override".
    """
    if sources_csv is None or not sources_csv.is_file():
        return {}
    overrides: dict[str, float] = {}
    with sources_csv.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames is None or "interval_minutes" not in reader.fieldnames:
            return {}
        for row in reader:
            source_id = (row.get("source_id") or "").strip()
            raw = (row.get("interval_minutes") or "").strip()
            if not source_id or not raw:
                continue
            try:
                minutes = float(raw)
            except ValueError:
                continue
            if minutes > 0 and math.isfinite(minutes):
                overrides[source_id] = minutes
    return overrides


def _all_source_ids(sources_csv: Path | None) -> list[str]:
    if sources_csv is None or not sources_csv.is_file():
        return []
    with sources_csv.open(newline="", encoding="utf-8") as fh:
        return [s for row in csv.DictReader(fh) if (s := (row.get("source_id") or "").strip())]


def plan_schedules(
    interval_minutes: float,
    sources: Sequence[str] | None = None,
    sources_csv: Path | None = DEFAULT_SOURCES_CSV,
) -> list[IngestSchedule]:
    """Group sources by cadence: per-source ``interval_minutes`` overrides, the rest at the default.

    With no overrides that apply, one schedule covers ``sources`` as given (None: the flow resolves
    all configured sources at run time, so a source added to the CSV needs no restart).
    """
    if interval_minutes <= 0:
        raise ValueError(f"interval_minutes must be positive, got {interval_minutes}")
    overrides = read_interval_overrides(sources_csv)
    wanted = list(sources) if sources is not None else None
    candidates = wanted if wanted is not None else _all_source_ids(sources_csv)
    groups: dict[float, list[str]] = {}
    for source_id in candidates:
        minutes = overrides.get(source_id, interval_minutes)
        groups.setdefault(minutes, []).append(source_id)

    if not any(m != interval_minutes for m in groups):  # nothing overridden
        ids = tuple(wanted) if wanted is not None else None
        return [_schedule(interval_minutes, ids)]
    return [_schedule(m, tuple(ids)) for m, ids in sorted(groups.items())]


def _schedule(minutes: float, sources: tuple[str, ...] | None) -> IngestSchedule:
    interval = timedelta(minutes=minutes)
    tags = ("kabar", *(f"source:{s}" for s in sources)) if sources is not None else ("kabar", "source:all")
    return IngestSchedule(
        name=f"ingest-every-{cadence_label(interval)}", interval=interval, sources=sources, tags=tags
    )


def _accepted(flow: Any, params: Mapping[str, Any]) -> dict[str, Any]:
    """Only the parameters the flow's signature takes (the ingest signature is still moving)."""
    names = set(inspect.signature(flow.fn).parameters)
    return {k: v for k, v in params.items() if k in names}


def _warehouse_param(flow: Any) -> str:
    names = set(inspect.signature(flow.fn).parameters)
    return "warehouse_path" if "warehouse_path" in names else "warehouse"


def build_deployments(
    warehouse: Path | str,
    schedules: Sequence[IngestSchedule],
    *,
    include_ingest: bool = True,
    maintenance_cron: str | None = MAINTENANCE_CRON,
    maintenance_interval: timedelta | None = None,
    raw_retention_days: int | None = None,
    ingest_parameters: Mapping[str, Any] | None = None,
    fetch_log_retention_days: int | None = None,
    snapshot_retention_days: int | None = None,
    sources_csv: Path | None = None,
) -> list[Any]:
    """The ``RunnerDeployment`` objects ``serve`` runs (imports prefect and the flows).

    ``sources_csv`` (the user's sources file) is passed to every ingest run, so the scheduled runs read
    the file the schedules were planned from (and its edits, at their next run)."""
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
    from prefect.deployments.runner import EntrypointType

    from flows.maintenance import maintenance

    one_at_a_time = ConcurrencyLimitConfig(limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW)
    wh = _location_string(warehouse)
    deployments: list[Any] = []
    if include_ingest:
        from flows.ingest import ingest

        for sched in schedules:
            params: dict[str, Any] = {_warehouse_param(ingest): wh}
            if sched.sources is not None:
                params["sources"] = list(sched.sources)
            if sources_csv is not None:
                params["sources_file"] = str(sources_csv)
            params = {**_accepted(ingest, params), **(ingest_parameters or {})}  # explicit ones unfiltered
            deployments.append(
                ingest.to_deployment(
                    name=sched.name,
                    interval=sched.interval,
                    parameters=params,
                    tags=list(sched.tags),
                    concurrency_limit=one_at_a_time,
                    description=f"Scheduled ingest every {cadence_label(sched.interval)}",
                    entrypoint_type=EntrypointType.MODULE_PATH,
                )
            )

    if maintenance_cron is not None or maintenance_interval is not None:
        mparams: dict[str, Any] = {_warehouse_param(maintenance): wh}
        if raw_retention_days is not None:
            mparams["raw_retention_days"] = raw_retention_days
        if fetch_log_retention_days is not None:
            mparams["fetch_log_retention_days"] = fetch_log_retention_days
        if snapshot_retention_days is not None:
            mparams["snapshot_retention_days"] = snapshot_retention_days
        schedule: dict[str, Any] = (
            {"interval": maintenance_interval}
            if maintenance_interval is not None
            else {"cron": maintenance_cron}
        )
        deployments.append(
            maintenance.to_deployment(
                name="daily"
                if maintenance_interval is None
                else f"every-{cadence_label(maintenance_interval)}",
                parameters=_accepted(maintenance, mparams),
                tags=["kabar", "maintenance"],
                concurrency_limit=one_at_a_time,
                description="Prune old raw HTML and fetch-log rows, expire old snapshots, compact the lake",
                entrypoint_type=EntrypointType.MODULE_PATH,
                **schedule,
            )
        )
    return deployments


def _location_string(warehouse: Path | str) -> str:
    """The warehouse as the flows take it: a catalog path made absolute, or the PostgreSQL string."""
    from warehouse.location import parse_location

    loc = parse_location(warehouse)
    return loc.catalog if loc.kind == "sqlite" else f"postgres:{loc.catalog}"


def serve_command(
    warehouse: Path | str,
    interval_minutes: float = 15.0,
    sources: Sequence[str] | None = None,
    *,
    port: int = 4200,
    sources_csv: Path | None = None,
    include_ingest: bool = True,
    maintenance_cron: str | None = MAINTENANCE_CRON,
    maintenance_interval_minutes: float | None = None,
    raw_retention_days: int | None = None,
    ingest_parameters: Mapping[str, Any] | None = None,
    limit: int | None = None,
    fetch_log_retention_days: int | None = None,
    snapshot_retention_days: int | None = None,
) -> int:
    """Serve the scheduled deployments until interrupted; returns an exit code.

    Uses ``PREFECT_API_URL`` if it is set; otherwise makes sure the managed server beside the
    warehouse is running (``kabar.server.ensure_server``) and points this process at it.
    ``limit`` caps concurrent runs across all deployments (None: no cap).
    """
    from rich.console import Console

    console = Console(stderr=True, highlight=False, soft_wrap=True)
    api_url = os.environ.get("PREFECT_API_URL")
    if not api_url:
        try:
            info = ensure_server(
                prefect_home_for(warehouse), port, echo=lambda m: console.print(m, markup=False)
            )
        except RuntimeError as exc:
            console.print(f"[red]Prefect server failed to start:[/red] {exc}")
            return 1
        os.environ.update(server_env(info.home, info.port))
        api_url = info.api_url
        console.print(f"Prefect UI: {info.ui_url}", markup=False)

    try:
        schedules = plan_schedules(interval_minutes, sources, sources_csv)
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        return 2

    from prefect import serve
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: api_url}):
        deployments = build_deployments(
            warehouse,
            schedules,
            include_ingest=include_ingest,
            maintenance_cron=maintenance_cron,
            maintenance_interval=(
                timedelta(minutes=maintenance_interval_minutes) if maintenance_interval_minutes else None
            ),
            raw_retention_days=raw_retention_days,
            ingest_parameters=ingest_parameters,
            fetch_log_retention_days=fetch_log_retention_days,
            snapshot_retention_days=snapshot_retention_days,
            sources_csv=sources_csv,
        )
        for sched in schedules if include_ingest else ():
            who = ", ".join(sched.sources) if sched.sources is not None else "all configured sources"
            console.print(f"ingest every {cadence_label(sched.interval)}: {who}", markup=False)
        serve(*deployments, limit=limit)  # blocks; SIGINT/SIGTERM pause the schedules and return
    return 0
