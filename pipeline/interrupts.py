"""Which stop signal, if any, this process has received.

A stop signal (SIGINT, SIGTERM) raises ``KeyboardInterrupt`` in the main thread, but not always
where Kabar can see it: when it lands inside a DuckDB query, DuckDB interrupts the query and raises
``RuntimeError("Query interrupted")`` instead, and Prefect may wrap or re-raise what it saw. So
the CLI's handler notes the signal here first, and whoever closes a run (or picks the exit code)
asks :func:`received` rather than guessing from the exception type."""

from __future__ import annotations

import signal
from types import FrameType

_received: str | None = None


def received() -> str | None:
    """The name of the first stop signal this process received (``"SIGINT"``, ``"SIGTERM"``), or None."""
    return _received


def note(name: str) -> None:
    """Remember that ``name`` was received (the first one wins)."""
    global _received
    if _received is None:
        _received = name


def clear() -> None:
    """Forget a received signal (a new command in the same process, e.g. in tests)."""
    global _received
    _received = None


def stop_handler(signum: int, frame: FrameType | None) -> None:
    """A signal handler that notes the signal and ends the main thread's work as Ctrl-C does."""
    name = signal.Signals(signum).name
    note(name)
    raise KeyboardInterrupt(name)
