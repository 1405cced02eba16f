"""A stop signal that lands inside a DuckDB query still ends the run as an interruption.

DuckDB answers a signal during a query by interrupting the query and raising
``RuntimeError("Query interrupted")``: the ``KeyboardInterrupt`` the signal handler raised is gone.
Kabar notes the signal before that happens (``pipeline.interrupts``), so the run is closed as
``cancelled`` with ``interrupted (SIGTERM)`` and the CLI exits 143, not 1 with a traceback."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator

import duckdb
import pytest

from pipeline import interrupts
from pipeline.steps import ended_state, failure_reason


@pytest.fixture
def stop_handler() -> Iterator[None]:
    interrupts.clear()
    previous = signal.signal(signal.SIGTERM, interrupts.stop_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        interrupts.clear()


def test_sigterm_during_a_duckdb_query_is_still_an_interruption(stop_handler: None) -> None:
    con = duckdb.connect()
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        with pytest.raises(BaseException) as caught:
            con.execute("SELECT count(*) FROM range(1000000000000) a")
    finally:
        timer.cancel()
        con.close()
    exc = caught.value
    # whatever DuckDB turned the signal into, the run's end says what happened
    assert interrupts.received() == "SIGTERM"
    assert ended_state(exc) == "cancelled"
    assert failure_reason(exc) == "interrupted (SIGTERM)"


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
