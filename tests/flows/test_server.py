"""The managed local Prefect server (kabar.server) against real ``prefect server start`` processes."""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from contextlib import closing
from pathlib import Path
from uuid import UUID, uuid4

import psutil
import pytest

from kabar.server import (
    LOG_FILE,
    PID_FILE,
    PORT_FILE,
    ServerInfo,
    ensure_server,
    is_prefect_healthy,
    prefect_home_for,
    server_env,
    server_status,
    stop_server,
)


def test_prefect_home_sits_beside_the_warehouse(tmp_path: Path) -> None:
    assert prefect_home_for(tmp_path / "data" / "kabar.ducklake") == tmp_path / "data" / ".kabar-prefect"


def test_server_env_points_clients_and_ui_at_the_port(tmp_path: Path) -> None:
    env = server_env(tmp_path, 4321)
    assert env["PREFECT_API_URL"] == "http://127.0.0.1:4321/api"
    assert env["PREFECT_SERVER_UI_API_URL"] == "http://127.0.0.1:4321/api"
    assert env["PREFECT_SERVER_API_PORT"] == "4321"
    assert env["PREFECT_HOME"] == str(tmp_path)
    assert env["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"
    assert env["DO_NOT_TRACK"] == "1"


def test_status_and_stop_without_a_server(tmp_path: Path) -> None:
    assert server_status(tmp_path / "nothing") is None
    assert stop_server(tmp_path / "nothing") is False
    # stale files naming a dead process are ignored and cleaned up
    home = tmp_path / "stale"
    home.mkdir()
    (home / PID_FILE).write_text("999999\n")
    (home / PORT_FILE).write_text("4200\n")
    assert server_status(home) is None
    assert not (home / PID_FILE).exists()


@pytest.mark.slow
def test_lifecycle_concurrent_start_port_fallback_status_stop(
    prefect_server: ServerInfo, tmp_path: Path
) -> None:
    """Two concurrent ensure_server calls start one server; a taken port is skipped; stop ends it.

    The new home gets an online copy of the session server's (already migrated) database: a server
    on an existing DB starts in about half the time of one that must run the migrations.
    """
    home = tmp_path / "prefect-home"
    home.mkdir()
    with (
        closing(sqlite3.connect(prefect_server.home / "prefect.db")) as src,
        closing(sqlite3.connect(home / "prefect.db")) as dst,
    ):
        src.backup(dst)
    blocker = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    blocker.bind(("127.0.0.1", 0))
    blocker.listen(1)  # something that is not Prefect holds the requested port
    taken = blocker.getsockname()[1]
    results: list[ServerInfo | BaseException] = []
    messages: list[str] = []

    def call() -> None:
        try:
            results.append(ensure_server(home, taken, timeout=240, echo=messages.append))
        except BaseException as exc:  # reported below
            results.append(exc)

    began = time.monotonic()
    threads = [threading.Thread(target=call) for _ in range(2)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        elapsed = time.monotonic() - began
        print(f"server start (migrated DB, two concurrent callers): {elapsed:.1f} s")
        assert all(isinstance(r, ServerInfo) for r in results), results
        infos = [r for r in results if isinstance(r, ServerInfo)]
        assert len(infos) == 2
        assert sorted(i.started for i in infos) == [False, True]
        assert infos[0].pid == infos[1].pid and infos[0].pid is not None
        assert infos[0].api_url == infos[1].api_url
        assert infos[0].port != taken
        assert any(f"Port {taken} is in use" in m for m in messages), messages
        assert is_prefect_healthy(infos[0].port)
        assert (home / LOG_FILE).exists()

        status = server_status(home)
        assert status is not None and status.pid == infos[0].pid and status.port == infos[0].port
    finally:
        blocker.close()
        stopped = stop_server(home)

    assert stopped is True
    assert not psutil.pid_exists(infos[0].pid) or psutil.Process(infos[0].pid).status() == "zombie"
    assert not is_prefect_healthy(infos[0].port)
    assert server_status(home) is None
    assert stop_server(home) is False


@pytest.mark.slow
def test_reuse_of_running_server(prefect_server: ServerInfo, tmp_path: Path) -> None:
    again = ensure_server(prefect_server.home, prefect_server.port)
    assert again.started is False
    assert again.pid == prefect_server.pid
    assert again.api_url == prefect_server.api_url

    # A different home finds a foreign Prefect API on the port: reused, not owned.
    messages: list[str] = []
    foreign = ensure_server(tmp_path / "other-home", prefect_server.port, echo=messages.append)
    assert foreign.started is False and foreign.pid is None
    assert foreign.api_url == prefect_server.api_url
    assert any("did not start" in m for m in messages), messages
    assert server_status(tmp_path / "other-home") is None


@pytest.mark.slow
def test_flow_run_and_table_artifact_readable_through_api(prefect_server: ServerInfo) -> None:
    from prefect import flow, get_client
    from prefect.artifacts import create_table_artifact
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        FlowRunFilter,
        FlowRunFilterId,
    )
    from prefect.runtime import flow_run

    key = f"server-test-{uuid4().hex[:8]}"
    rows = [{"source": "alpha", "articles": 3}, {"source": "beta", "articles": 5}]

    @flow(name="kabar-server-test")
    def tiny(n: int) -> UUID:
        create_table_artifact(key=key, table=rows, description="test table")
        return UUID(str(flow_run.get_id()))

    run_id = tiny(2)

    with get_client(sync_client=True) as client:
        run = client.read_flow_run(run_id)
        assert run.state is not None and run.state.is_completed()
        assert run.parameters == {"n": 2}
        listed = client.read_flow_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run.id])))
        assert [r.id for r in listed] == [run.id]
        arts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[run.id]))
        )
    assert [a.key for a in arts] == [key]
    assert arts[0].type == "table"
    data = arts[0].data
    if isinstance(data, str):
        import json

        data = json.loads(data)
    assert data == rows
