"""Scheduled serving (kabar.serve) and the maintenance flow (flows/maintenance.py).

The slow test runs ``serve_command`` in a subprocess against the session's real Prefect server with
a 6-second maintenance interval and checks, through the Prefect API and the DuckDB file, that
scheduled runs completed and did their job.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import warehouse
from kabar.serve import cadence_label, plan_schedules, read_interval_overrides
from kabar.server import ServerInfo
from tests.support.db import one
from tests.support.procs import stop_group

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


# --- planning (pure) ------------------------------------------------------------------------------


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_cadence_label() -> None:
    assert cadence_label(timedelta(minutes=15)) == "15m"
    assert cadence_label(timedelta(hours=2)) == "2h"
    assert cadence_label(timedelta(seconds=6)) == "6s"
    assert cadence_label(timedelta(seconds=90)) == "90s"


def test_plan_without_overrides_keeps_sources_as_given(tmp_path: Path) -> None:
    csv_path = _csv(tmp_path / "sources.csv", "source_id,name\nalpha,A\nbeta,B\n")
    [only] = plan_schedules(15, None, csv_path)
    assert only.name == "ingest-every-15m"
    assert only.interval == timedelta(minutes=15)
    assert only.sources is None and only.tags == ("kabar", "source:all")

    [chosen] = plan_schedules(15, ["beta"], csv_path)
    assert chosen.sources == ("beta",) and chosen.tags == ("kabar", "source:beta")


def test_plan_missing_csv_is_tolerated(tmp_path: Path) -> None:
    [only] = plan_schedules(30, None, tmp_path / "absent.csv")
    assert only.name == "ingest-every-30m" and only.sources is None
    assert read_interval_overrides(None) == {}


def test_plan_groups_sources_by_interval_override(tmp_path: Path) -> None:
    csv_path = _csv(
        tmp_path / "sources.csv",
        "source_id,name,interval_minutes\nalpha,A,\nbeta,B,60\ngamma,C,60\ndelta,D,oops\neps,E,-5\n",
    )
    assert read_interval_overrides(csv_path) == {"beta": 60.0, "gamma": 60.0}
    plans = plan_schedules(15, None, csv_path)
    assert [(p.name, p.sources) for p in plans] == [
        ("ingest-every-15m", ("alpha", "delta", "eps")),
        ("ingest-every-1h", ("beta", "gamma")),
    ]
    assert plans[1].tags == ("kabar", "source:beta", "source:gamma")
    # restricted to some sources: only their groups
    assert [(p.name, p.sources) for p in plan_schedules(15, ["gamma"], csv_path)] == [
        ("ingest-every-1h", ("gamma",))
    ]
    with pytest.raises(ValueError):
        plan_schedules(0, None, csv_path)


# --- maintenance (real DuckDB, no Prefect run) ----------------------------------------------------


def _seed_raw_pages(path: Path, ages_days: list[float | None]) -> None:
    import warehouse

    with warehouse.open_warehouse(path) as con:
        for i, age in enumerate(ages_days):
            fetched = None if age is None else NOW - timedelta(days=age)
            con.execute(
                "INSERT INTO raw_pages (canonical_url, url, fetched_at, body_z) VALUES (?, ?, ?, ?)",
                [f"https://example.test/{i}", f"https://example.test/{i}", fetched, b"x"],
            )


def _raw_urls(path: Path) -> list[str]:
    import warehouse

    _cols, rows = warehouse.query_readonly(path, "SELECT url FROM raw_pages ORDER BY url")
    return [r[0] for r in rows]


def test_run_maintenance_prunes_only_old_raw_pages(tmp_path: Path) -> None:
    from flows.maintenance import report_markdown, retention_cutoff, run_maintenance

    db = tmp_path / "kabar.ducklake"
    _seed_raw_pages(db, [1, 89, 91, 400, None])  # urls /0 .. /4
    report = run_maintenance(db, 90, now=NOW)
    assert report.pruned_raw_pages == 2
    assert report.cutoff == NOW - timedelta(days=90)
    assert report.rows_before["raw_pages"] == 5 and report.rows_after["raw_pages"] == 3
    assert _raw_urls(db) == ["https://example.test/0", "https://example.test/1", "https://example.test/4"]
    assert not db.with_name(db.name + ".wal").exists()  # checkpointed and closed
    text = report_markdown(report)
    assert "pruned **2** raw_pages rows" in text and "| raw_pages | 5 | 3 |" in text

    assert retention_cutoff(NOW, 0) is None
    kept = run_maintenance(db, 0, now=NOW)  # retention off
    assert kept.pruned_raw_pages == 0 and kept.rows_after["raw_pages"] == 3


def test_run_maintenance_prunes_only_old_fetch_log_rows(tmp_path: Path) -> None:
    """The per-attempt fetch log is cut at its own retention; raw pages, url_state and failures stay."""
    import warehouse
    from flows.maintenance import report_markdown, run_maintenance
    from records.models import FetchResult

    db = tmp_path / "kabar.ducklake"
    ages = [1, 179, 181, 400]
    fetches = [
        FetchResult(
            url=f"https://example.test/{i}",
            final_url=f"https://example.test/{i}",
            ok=True,
            status=200,
            fetched_at=NOW - timedelta(days=age),
            body=b"<p>x</p>",
            content_type="text/html",
            charset="utf-8",
        )  # fmt: skip
        for i, age in enumerate(ages)
    ]
    with warehouse.open_warehouse(db) as con:
        warehouse.load_batch(con, run_id="r1", articles=[], failures=[], fetches=fetches, keep_raw=False)
    kept = run_maintenance(db, 0, now=NOW)  # the fetch log's retention is off unless asked for
    assert kept.pruned_fetches == 0 and kept.fetch_cutoff is None and kept.rows_after["fetches"] == 4
    report = run_maintenance(db, 0, now=NOW, fetch_log_retention_days=180)
    assert report.pruned_fetches == 2 and report.fetch_cutoff == NOW - timedelta(days=180)
    _cols, rows = warehouse.query_readonly(db, "SELECT url FROM fetches ORDER BY url")
    assert [r[0] for r in rows] == ["https://example.test/0", "https://example.test/1"]
    assert "pruned **2** fetches rows" in report_markdown(report)
    assert "| fetches | 4 | 2 |" in report_markdown(report)


def test_run_maintenance_removes_orphan_packs_even_with_retention_off(tmp_path: Path) -> None:
    """A pack written by a run killed before its load committed is deleted; packs in use stay."""
    import warehouse
    from flows.maintenance import report_markdown, run_maintenance
    from records.models import FetchResult
    from warehouse.rawstore import raw_dir, write_pack

    db = tmp_path / "kabar.ducklake"
    page = FetchResult(
        url="https://example.test/a", final_url="https://example.test/a", ok=True, status=200,
        fetched_at=NOW, body=b"<html><p>kept</p></html>", content_type="text/html", charset="utf-8",
    )  # fmt: skip
    with warehouse.open_warehouse(db) as con:
        warehouse.load_batch(con, run_id="r1", articles=[], failures=[], fetches=[page])
        folder = raw_dir(con)
    assert folder is not None
    orphan = folder / write_pack(folder, "killed", [b"x" * 100_000]).file
    day_old = time.time() - 24 * 3600  # past the grace that protects a concurrent writer's new pack
    os.utime(orphan, (day_old, day_old))
    report = run_maintenance(db, 0, now=NOW)
    assert not orphan.exists()
    packs = list(folder.glob("*/*.html.zst"))
    assert len(packs) == 1 and report.rows_after["raw_pages"] == 1
    assert report.bytes_after >= packs[0].stat().st_size  # packs count in the size on disk
    assert "raw-page packs" in report_markdown(report)
    with warehouse.open_warehouse(db) as con:
        assert [p.body for b in warehouse.iter_raw_pages(con) for p in b] == [page.body]


def test_build_deployments_schedules_and_overlap_policy(tmp_path: Path) -> None:
    from prefect.client.schemas.objects import ConcurrencyLimitStrategy

    from kabar.serve import build_deployments

    db = tmp_path / "kabar.ducklake"
    [maint] = build_deployments(db, [], include_ingest=False, raw_retention_days=30)
    assert maint.name == "daily"
    assert maint.entrypoint == "flows.maintenance.maintenance"
    assert maint.parameters == {"warehouse_path": str(db.resolve()), "raw_retention_days": 30}
    assert [s.schedule.cron for s in maint.schedules] == ["0 3 * * *"]
    [both] = build_deployments(
        db, [], include_ingest=False, raw_retention_days=30, fetch_log_retention_days=365
    )
    assert both.parameters["fetch_log_retention_days"] == 365
    assert maint.concurrency_limit == 1
    assert maint.concurrency_options.collision_strategy == ConcurrencyLimitStrategy.CANCEL_NEW


def test_build_deployments_ingest(tmp_path: Path) -> None:
    try:
        from flows.ingest import ingest  # noqa: F401  (the lead's flow; may not import yet)
    except ImportError as exc:
        pytest.skip(f"flows.ingest not importable yet: {exc}")
    from kabar.serve import build_deployments, plan_schedules

    db = tmp_path / "kabar.ducklake"
    plans = plan_schedules(15, ["alpha"], None)
    deployments = build_deployments(db, plans, maintenance_cron=None)
    [dep] = deployments
    assert dep.name == "ingest-every-15m"
    assert dep.entrypoint == "flows.ingest.ingest"
    assert dep.tags == ["kabar", "source:alpha"]
    assert dep.parameters["sources"] == ["alpha"]
    assert str(db.resolve()) in dep.parameters.values()
    assert [s.schedule.interval for s in dep.schedules] == [timedelta(minutes=15)]
    assert dep.concurrency_limit == 1


# --- serve against the real server ----------------------------------------------------------------

SERVE_SCRIPT = """
import sys
from pathlib import Path
from kabar.serve import serve_command
sys.exit(serve_command(Path(sys.argv[1]), include_ingest=False, maintenance_interval_minutes=0.1,
                       raw_retention_days=90))
"""


def _completed_runs(deployment_name: str) -> list[Any]:
    from prefect import get_client
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterName,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType

    with get_client(sync_client=True) as client:
        return client.read_flow_runs(
            deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=[deployment_name])),
            flow_run_filter=FlowRunFilter(
                state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.COMPLETED]))
            ),
        )


@pytest.mark.serial
@pytest.mark.slow
def test_serve_runs_scheduled_maintenance(prefect_server: ServerInfo, tmp_path: Path) -> None:
    from prefect import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    db = tmp_path / "kabar.ducklake"
    _seed_raw_pages(db, [400, 1])  # /0 is stale for any retention of 90 days, /1 is fresh
    # relative to the real clock: re-stamp /1 as fetched now so that the flow (real clock) keeps it
    import warehouse

    with warehouse.open_warehouse(db) as con:
        con.execute("UPDATE raw_pages SET fetched_at = now() WHERE url = 'https://example.test/1'")

    env = {**os.environ, "PREFECT_RUNNER_POLL_FREQUENCY": "2", "PYTHONUNBUFFERED": "1"}
    log_path = tmp_path / "serve.log"
    began = time.monotonic()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-c", SERVE_SCRIPT, str(db)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    runs: list[Any] = []
    try:
        deadline = began + 180
        while time.monotonic() < deadline and proc.poll() is None:
            runs = _completed_runs("every-6s")
            if len(runs) >= 2:
                break
            time.sleep(2)
        elapsed = time.monotonic() - began
        print(f"serve: {len(runs)} completed scheduled runs after {elapsed:.1f} s")
    finally:
        stop_group(proc)
    log_text = log_path.read_text(errors="replace")
    assert len(runs) >= 2, f"expected 2 completed scheduled runs; serve log:\n{log_text[-4000:]}"
    assert all(r.auto_scheduled for r in runs)
    assert all(r.parameters.get("warehouse_path") == str(db.resolve()) for r in runs)
    # concurrency_limit=1: completed runs never overlapped (a run due meanwhile is cancelled instead)
    spans = sorted((r.start_time, r.end_time) for r in runs)
    assert all(prev_end <= start for (_s, prev_end), (start, _e) in zip(spans, spans[1:], strict=False))

    # the runs did the work: the stale raw page is gone, the fresh one kept, a summary artifact exists
    assert _raw_urls(db) == ["https://example.test/1"]
    with get_client(sync_client=True) as client:
        arts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[r.id for r in runs]))
        )
    assert {a.key for a in arts} == {"maintenance-summary"}
    assert any("pruned **1** raw_pages rows" in str(a.data) for a in arts)


@pytest.mark.serial
@pytest.mark.slow
def test_kabar_serve_demo_runs_scheduled_ingests(prefect_server: ServerInfo, tmp_path: Path) -> None:
    """`kabar serve --demo` (the CLI) schedules the real ingest flow; two scheduled runs complete and the
    articles land once (the second run finds nothing new)."""
    from prefect import get_client

    db = tmp_path / "kabar.ducklake"
    env = {
        **os.environ,
        "PREFECT_RUNNER_POLL_FREQUENCY": "2",
        "PYTHONUNBUFFERED": "1",
        "KABAR_RAW_RETENTION_DAYS": "7",  # the CLI hands both retentions to the daily maintenance
        "KABAR_FETCH_LOG_RETENTION_DAYS": "30",
    }
    log_path = tmp_path / "serve-demo.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kabar.cli",
                "serve",
                "--demo",
                "--interval",
                "0.1",
                "--warehouse",
                str(db),
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    runs: list[Any] = []
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and proc.poll() is None:
            runs = _completed_runs("ingest-every-6s")
            if len(runs) >= 2:
                break
            time.sleep(2)
        with get_client(sync_client=True) as client:
            daily = client.read_deployment_by_name("maintenance/daily")
    finally:
        stop_group(proc)
    log_text = log_path.read_text(errors="replace")
    assert len(runs) >= 2, f"expected 2 completed scheduled ingest runs; serve log:\n{log_text[-4000:]}"
    assert daily.parameters.get("raw_retention_days") == 7
    assert daily.parameters.get("fetch_log_retention_days") == 30
    assert all(r.auto_scheduled and "kabar" in r.tags for r in runs)
    con = warehouse.connect(db, read_only=True)
    try:
        articles, distinct = one(con.execute("SELECT count(*), count(DISTINCT canonical_url) FROM articles"))
        states = con.execute("SELECT state FROM runs WHERE flow_name = 'ingest'").fetchall()
    finally:
        con.close()
    assert articles == distinct == 8
    assert len(states) >= 2 and all(s == ("completed",) for s in states)
