"""The Prefect server dies in the middle of a run, then comes back.

Kabar's data never waits on Prefect: the batches go on loading. Once the run's work is stored,
``kabar ingest`` waits on the dead server at most ``KABAR_PREFECT_GRACE`` seconds, then prints its
summary and one sentence and exits 4 (before: exit 1 with a ``ConnectError`` traceback and no summary,
8 minutes after the kill, measured). The flow run that the dead server still shows as Running is
marked Crashed by the next run once the server is back.

This test starts its own Prefect server (it kills it), so it does not use the session server.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import warehouse
from kabar.server import ensure_server, free_port, server_env, stop_server
from tests.support.localsite import LocalSite
from tests.support.pages import news_page, slow_page

pytestmark = pytest.mark.slow

PAGES = 16
GRACE = 5


def _site() -> LocalSite:
    site = LocalSite()
    paths = [f"/berita/{i}.html" for i in range(PAGES)]
    for i, p in enumerate(paths):
        site.routes[p] = slow_page(news_page(i), 0.25)
    items = "".join(f"<item><title>{p}</title><link>{site.url(p)}</link></item>" for p in paths)
    site.routes["/feed.xml"] = (
        200,
        {"Content-Type": "application/rss+xml"},
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>{items}</channel></rss>".encode(),
    )
    site.routes["/robots.txt"] = (404, {}, b"")
    return site


def _ingest(site: LocalSite, db: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "kabar.cli",
        "ingest",
        "--feed",
        site.url("/feed.xml"),
        "--warehouse",
        str(db),
        "--allowed-host",
        f"127.0.0.1:{site.port}",
        "--batch-size",
        "2",
        "--workers",
        "1",
    ]


def _flow_run_state(api_url: str, flow_run_id: str) -> tuple[str, str]:
    with urllib.request.urlopen(f"{api_url}/flow_runs/{flow_run_id}", timeout=30) as reply:
        state = json.load(reply)["state"]
    return state["type"], state.get("message") or ""


def test_prefect_server_killed_mid_run_exits_4_soon_and_the_next_run_reconciles(tmp_path: Path) -> None:
    home = tmp_path / "prefect-home"
    port = free_port()
    info = ensure_server(home, port, timeout=240)
    env = dict(os.environ)
    env.update(server_env(home, port))
    env.pop("PREFECT_SERVER_API_PORT", None)
    env.update({"KABAR_PREFECT_GRACE": str(GRACE), "KABAR_RETRIES": "1"})
    db = tmp_path / "w.ducklake"
    try:
        with _site() as site:
            proc = subprocess.Popen(
                _ingest(site, db),
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
            deadline = time.monotonic() + 180
            hits = lambda: sum(v for k, v in site.hits.items() if k.startswith("/berita/"))  # noqa: E731
            while time.monotonic() < deadline and proc.poll() is None and hits() < 3:
                time.sleep(0.05)
            assert proc.poll() is None, "the run ended before the server was killed"
            assert info.pid is not None
            os.killpg(info.pid, signal.SIGKILL)  # the Prefect server dies mid-run
            t0 = time.monotonic()
            try:
                out_b, err_b = proc.communicate(timeout=120)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                pytest.fail("kabar ingest still waited on the dead Prefect server 120 s after it died")
            elapsed = time.monotonic() - t0
            out, err = out_b.decode("utf-8", "replace"), err_b.decode("utf-8", "replace")
            _check_first_run(proc.returncode, out, err, elapsed, db)
            # the server comes back: it still shows the flow run as Running, until the next run
            flow_run_id = _one_run(db)[1]
            info = ensure_server(home, port, timeout=240)
            assert _flow_run_state(info.api_url, flow_run_id)[0] == "RUNNING"
            again = subprocess.run(_ingest(site, db), env=env, capture_output=True, text=True, timeout=300)
        assert again.returncode == 0, again.stderr[-3000:]
        state, message = _flow_run_state(info.api_url, flow_run_id)
        assert state == "CRASHED" and "'completed'" in message, (state, message)
    finally:
        stop_server(home)


def _one_run(db: Path) -> tuple[str, str]:
    con = warehouse.connect(db, read_only=True)
    try:
        runs = con.execute("SELECT state, flow_run_id FROM runs").fetchall()
    finally:
        con.close()
    assert len(runs) == 1, runs
    return runs[0]


def _check_first_run(returncode: int | None, out: str, err: str, elapsed: float, db: Path) -> None:
    """What the user sees: the run's summary, one sentence, exit 4, in seconds, no traceback; and
    the warehouse's own record is true: every page stored, the run completed."""
    assert returncode == 4, err[-3000:]
    assert "stopped answering during the run" in err and "Traceback" not in err, err[-3000:]
    assert "ingest completed" in out, out[-2000:]
    assert elapsed < GRACE + 45, elapsed  # the rest of the run + the grace, not minutes of retries
    con = warehouse.connect(db, read_only=True)
    try:
        articles = con.execute("SELECT count(*) FROM articles").fetchone()
    finally:
        con.close()
    assert articles == (PAGES,)
    assert _one_run(db)[0] == "completed"
