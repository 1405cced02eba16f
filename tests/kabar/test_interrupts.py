"""A stop signal that lands inside a DuckDB query still ends the run as an interruption.

DuckDB answers a signal during a query by interrupting the query and raising
``RuntimeError("Query interrupted")``: the ``KeyboardInterrupt`` the signal handler raised is gone.
Kabar notes the signal before that happens (``pipeline.interrupts``), so the run is closed as
``cancelled`` with ``interrupted (SIGTERM)`` and the CLI exits 143, not 1 with a traceback."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator

import duckdb
import pytest

from pipeline import interrupts
from pipeline.steps import ended_state, failure_reason

pytestmark = pytest.mark.serial


@pytest.fixture
def stop_handler() -> Iterator[None]:
    interrupts.clear()
    previous = signal.signal(signal.SIGTERM, interrupts.stop_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        interrupts.clear()


def test_sigterm_while_duckdb_queries_run_ends_the_run_as_an_interruption(stop_handler: None) -> None:
    """A SIGTERM that arrives while queries run: whichever way it surfaces (``KeyboardInterrupt``
    between queries, ``RuntimeError: Query interrupted`` inside one), the run ends cancelled."""
    con = duckdb.connect()
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGTERM))
    deadline = time.monotonic() + 20
    caught: BaseException | None = None
    timer.start()
    try:
        while time.monotonic() < deadline:
            con.execute("SELECT count(*) FROM range(20000000) a").fetchall()  # ~0.05 s each
    except BaseException as exc:  # noqa: BLE001 - what the signal became is the point
        caught = exc
    finally:
        timer.cancel()
        con.close()
    assert caught is not None, "the signal never surfaced"
    assert interrupts.received() == "SIGTERM"
    assert ended_state(caught) == "cancelled"
    assert failure_reason(caught) == "interrupted (SIGTERM)"


def test_a_signal_that_duckdb_turned_into_a_query_error_is_still_an_interruption() -> None:
    interrupts.clear()
    try:
        interrupts.note("SIGTERM")
        exc = RuntimeError("Query interrupted")  # what DuckDB raises for a signal inside a query
        assert ended_state(exc) == "cancelled"
        assert failure_reason(exc) == "interrupted (SIGTERM)"
    finally:
        interrupts.clear()


def test_without_a_signal_a_query_error_is_a_failure() -> None:
    interrupts.clear()
    exc = RuntimeError("Query interrupted")
    assert ended_state(exc) == "failed"
    assert failure_reason(exc) == "RuntimeError: Query interrupted"


def test_the_first_signal_wins() -> None:
    interrupts.clear()
    try:
        interrupts.note("SIGINT")
        interrupts.note("SIGTERM")
        assert interrupts.received() == "SIGINT"
    finally:
        interrupts.clear()
