"""Progress of a long run, for whoever is watching: the Prefect artifact, a terminal progress bar.

The flows call :func:`report` after each batch; a front end (``kabar ingest`` on a terminal)
:func:`subscribe`-s a callback.  A failing listener never disturbs the run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Progress:
    """How far one run is: ``done`` of ``total`` units (batches for ingest, pages for reparse)."""

    flow: str  # "ingest" | "reparse"
    done: int
    total: int
    note: str = ""


_listeners: list[Callable[[Progress], None]] = []


def subscribe(listener: Callable[[Progress], None]) -> Callable[[], None]:
    """Call ``listener`` with every report from now on; returns the function that stops it."""
    _listeners.append(listener)
    return lambda: _listeners.remove(listener) if listener in _listeners else None


def report(progress: Progress) -> None:
    for listener in list(_listeners):
        try:
            listener(progress)
        except Exception:  # a display must never fail a run
            pass


__all__ = ["Progress", "report", "subscribe"]
