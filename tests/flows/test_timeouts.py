"""Whole-run time limits: a hung ingest ends as TimedOut (recorded in ``runs``), and the next run goes.

With ``CANCEL_NEW`` on every deployment, a run that never ends would cancel each later scheduled run
of its deployment; ``KABAR_INGEST_TIMEOUT`` / ``KABAR_REPARSE_TIMEOUT`` / ``KABAR_MAINTENANCE_TIMEOUT``
bound them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import warehouse
from kabar.server import ServerInfo
from tests.support.db import one
from tests.support.localsite import LocalSite
from tests.support.pages import FLOOD_PAGE, stalling_sitemap
from tests.support.procs import stop_group

PAGE = FLOOD_PAGE


def test_flow_timeouts_come_from_settings() -> None:
    code = "import flows.ingest as i, flows.reparse as r, flows.maintenance as m; " + (
        "print(i.ingest.timeout_seconds, r.reparse.timeout_seconds, m.maintenance.timeout_seconds)"
    )
    env = {
        **os.environ,
        "KABAR_INGEST_TIMEOUT": "5",
        "KABAR_REPARSE_TIMEOUT": "6",
        "KABAR_MAINTENANCE_TIMEOUT": "7",
    }
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["5.0", "6.0", "7.0"]


def test_hung_ingest_times_out_and_the_next_run_completes(prefect_server: ServerInfo, tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client

    from flows.ingest import ingest

    db = tmp_path / "kabar.ducklake"
    stall = {"on": True}

    with LocalSite() as site:
        site.routes["/sitemap.xml"] = stalling_sitemap(
            site, "/berita/banjir.html", lambda: 25 if stall["on"] else 0
        )
        site.routes["/berita/banjir.html"] = (200, {"Content-Type": "text/html"}, PAGE)
        params: dict[str, Any] = {
            "warehouse_path": str(db),
            "sitemaps": [site.url("/sitemap.xml")],
            "allowed_hosts": [f"127.0.0.1:{site.port}"],
        }
        hung = ingest.with_options(timeout_seconds=4, retries=0)
        t0 = time.monotonic()
        state = hung(**params, return_state=True)
        assert time.monotonic() - t0 < 20
        assert state.name == "TimedOut", state
        stall["on"] = False
        second = ingest.with_options(retries=0)(**params)
    assert second["state"] == "completed" and second["new"] == 1
    con = warehouse.connect(db, read_only=True)
    try:
        runs = con.execute("SELECT state, finished_at, error FROM runs ORDER BY started_at").fetchall()
    finally:
        con.close()
    assert [r[0] for r in runs] == ["failed", "completed"]  # the timed-out run is closed, not left running
    assert all(r[1] is not None for r in runs)
    assert runs[0][2] == "timed out: the run's time limit of 4 s was reached"
    with get_client(sync_client=True) as client:
        assert state.state_details.flow_run_id is not None
        run = client.read_flow_run(state.state_details.flow_run_id)
    assert run.state is not None and run.state.name == "TimedOut"


def test_ingest_reports_progress_per_batch(prefect_server: ServerInfo, tmp_path: Path) -> None:
    """What the terminal bar and any other listener see: 0 of N batches, then one report per batch."""
    from flows.ingest import ingest
    from pipeline.progress import Progress, subscribe

    seen: list[Progress] = []
    stop = subscribe(seen.append)
    try:
        with LocalSite() as site:
            pages = [f"/berita/{i}.html" for i in range(3)]
            for path in pages:
                site.routes[path] = (200, {"Content-Type": "text/html"}, PAGE)
            urls = tmp_path / "urls.txt"
            urls.write_text("\n".join(site.url(p) for p in pages) + "\n", encoding="utf-8")
            summary = ingest.with_options(retries=0)(
                warehouse_path=str(tmp_path / "kabar.ducklake"),
                urls_file=str(urls),
                allowed_hosts=[f"127.0.0.1:{site.port}"],
                batch_size=2,
            )
    finally:
        stop()
    assert summary["new"] == 3
    assert [(p.flow, p.done, p.total) for p in seen] == [("ingest", 0, 2), ("ingest", 1, 2), ("ingest", 2, 2)]
    assert "new" in seen[-1].note


SERVE_HUNG = """
import sys
from pathlib import Path
from kabar.serve import serve_command
sys.exit(serve_command(Path(sys.argv[1]), interval_minutes=0.05, maintenance_cron=None,
                       ingest_parameters={"sitemaps": [sys.argv[2]], "allowed_hosts": [sys.argv[3]]}))
"""


@pytest.mark.serial
def test_a_hung_scheduled_run_times_out_and_a_later_scheduled_run_goes(
    prefect_server: ServerInfo, tmp_path: Path
) -> None:
    """Under `kabar serve` (CANCEL_NEW: one run of a deployment at a time) the first run hangs on its
    sitemap; it ends TimedOut at KABAR_INGEST_TIMEOUT, is not retried, and a later scheduled run of the
    same deployment completes and loads the article."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterName

    db = tmp_path / "kabar.ducklake"
    first = {"hung": False}

    def stall_once() -> float:
        hung, first["hung"] = first["hung"], True
        return 0 if hung else 40  # the first request: accepted, never answered in time

    def states() -> list[tuple[str, Any]]:
        with get_client(sync_client=True) as client:
            runs = client.read_flow_runs(
                deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=["ingest-every-3s"]))
            )
        started = sorted(
            (r.start_time, (r.state.name if r.state else None) or "?") for r in runs if r.start_time
        )
        return [(name, at) for at, name in started]

    env = {
        **os.environ,
        "KABAR_INGEST_TIMEOUT": "8",
        "KABAR_READ_TIMEOUT": "60",  # the fetcher would wait longer than the run may
        "KABAR_TOTAL_TIMEOUT": "60",
        "PREFECT_RUNNER_POLL_FREQUENCY": "2",
    }
    seen: list[tuple[str, Any]] = []
    with LocalSite() as site:
        site.routes["/sitemap.xml"] = stalling_sitemap(site, "/berita/banjir.html", stall_once)
        site.routes["/berita/banjir.html"] = (200, {"Content-Type": "text/html"}, PAGE)
        site.routes["/robots.txt"] = (404, {}, b"")
        log = tmp_path / "serve.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    SERVE_HUNG,
                    str(db),
                    site.url("/sitemap.xml"),
                    f"127.0.0.1:{site.port}",
                ],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline and proc.poll() is None:
                seen = states()
                names = [name for name, _ in seen]
                if "TimedOut" in names and "Completed" in names[names.index("TimedOut") :]:
                    break
                time.sleep(2)
        finally:
            stop_group(proc)
    names = [name for name, _ in seen if name != "Cancelled"]  # CANCEL_NEW: runs due while one runs
    assert names and names[0] == "TimedOut", (names, log.read_text(errors="replace")[-4000:])
    assert "Completed" in names, (names, log.read_text(errors="replace")[-4000:])
    assert "AwaitingRetry" not in names and "Retrying" not in names
    con = warehouse.connect(db, read_only=True)
    try:
        runs = con.execute("SELECT state, error FROM runs ORDER BY started_at").fetchall()
        articles = one(con.execute("SELECT count(*) FROM articles"))[0]
    finally:
        con.close()
    assert runs[0] == ("failed", "timed out: the run's time limit of 8 s was reached"), runs
    assert ("completed", None) in runs and articles == 1
