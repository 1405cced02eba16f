"""Flow-test fixtures: one real ``prefect server start`` per test session, shared by all flow tests.

``prefect_server`` starts the server through ``kabar.server.ensure_server`` on a free loopback port
with a temporary PREFECT_HOME (analytics off), points this process at it (``PREFECT_API_URL`` in
``os.environ`` for subprocesses, and ``temporary_settings`` for the already-imported prefect), and
stops it at the end of the session. A fresh server takes 20-45 s on the shared 2-core machine
(measured), so every test that needs one should share this fixture.

Prefect is imported inside the fixture, so collecting this directory does not cost ``import prefect``
when the slow tests are deselected.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from kabar.server import ServerInfo, ensure_server, free_port, server_env, stop_server

SERVER_START_TIMEOUT = 240.0

# Variables exported for the session (subprocesses inherit them). Server-only ones are left out.
_EXPORTED = (
    "PREFECT_HOME",
    "PREFECT_API_URL",
    "PREFECT_SERVER_ANALYTICS_ENABLED",
    "DO_NOT_TRACK",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS",
)


def _drain_prefect_workers() -> None:
    """Ship queued logs and events while the server is still up (no "Error logging to API" at exit)."""
    try:
        from prefect.events.worker import EventsWorker
        from prefect.logging.handlers import APILogWorker

        APILogWorker.drain_all(timeout=10)
        EventsWorker.drain_all(timeout=10)
    except Exception as exc:  # best effort: never fail teardown on this
        print(f"prefect_server teardown: could not drain Prefect workers: {exc!r}")


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerInfo]:
    """A running Prefect server (``.api_url``, ``.ui_url``, ``.home``, ``.pid``) for the session."""
    home = tmp_path_factory.mktemp("prefect-home")
    info = ensure_server(home, free_port(), timeout=SERVER_START_TIMEOUT)
    env = {k: v for k, v in server_env(home, info.port).items() if k in _EXPORTED}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)

    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_SERVER_ANALYTICS_ENABLED,
        temporary_settings,
    )

    try:
        with temporary_settings(
            updates={PREFECT_API_URL: info.api_url, PREFECT_SERVER_ANALYTICS_ENABLED: False}
        ):
            yield info
    finally:
        _drain_prefect_workers()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        stopped = stop_server(home)
        assert stopped, f"the session Prefect server (pid {info.pid}) was not running at teardown"
