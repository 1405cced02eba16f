"""Concurrent writers on one lake: retry a whole transaction when another writer's commit got there first.

DuckLake checks conflicts per table at ``COMMIT``: a transaction that deleted from (or updated) a
table conflicts with any insert or delete another transaction committed to it since it began, even
on other rows.  With a SQLite catalog every write transaction that overlaps a commit fails with
``database is locked`` (DuckLake does not retry it).  Both mean *try again*: the transaction is rolled
back whole, so :func:`atomic` runs the body again from the start, re-reading what it depends on
(which is how ``load_batch`` sees another writer's row and updates it instead of adding a second one).
"""

from __future__ import annotations

import errno
import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import duckdb

from records.errors import ErrorClass, WarehouseError

log = logging.getLogger(__name__)
T = TypeVar("T")

_CONFLICT_MARKERS = (
    "transaction conflict",
    "database is locked",
    "could not serialize",
    "deadlock detected",
    "conflict on ",
)
DEFAULT_CONFLICT_WAIT = 600.0  # seconds of retrying before a writer gives up (a run, not a query)
_FIRST_SLEEP = 0.05
_MAX_SLEEP = 2.0


class WarehouseBusyError(WarehouseError):
    """Other writers kept winning the commit for longer than the caller was willing to wait."""

    kind: ErrorClass = "warehouse_busy"
    transient = True


class DiskFullError(WarehouseError):
    """The disk under the warehouse (catalog, data files or raw pages) is full: a retry cannot help."""

    kind: ErrorClass = "disk_full"


_DISK_FULL_MARKERS = ("disk is full", "no space left on device", "disk full")


def is_disk_full(exc: BaseException | None) -> bool:
    """True when ``exc`` (or an error it was raised from) says the disk is full."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            return True
        if any(marker in str(exc).lower() for marker in _DISK_FULL_MARKERS):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def disk_full(what: str, exc: BaseException) -> DiskFullError:
    """The readable error for a write that found the disk full."""
    return DiskFullError(
        f"{what} failed: the disk holding the warehouse is full. Nothing of it was stored (URLs not "
        "loaded stay pending for the next run). Free space on that disk, or move the warehouse "
        f"(--warehouse, KABAR_WAREHOUSE), and run again. [{_first_line(exc)}]"
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[-1] if text else type(exc).__name__


def is_conflict(exc: BaseException | None) -> bool:
    """True for a lost commit race (DuckLake conflict, SQLite busy, PostgreSQL serialization)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        text = str(exc).lower()
        if any(marker in text for marker in _CONFLICT_MARKERS):
            return True
        exc = exc.__cause__
    return False


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection, what: str) -> Iterator[None]:
    """``BEGIN`` … ``COMMIT``; roll back and raise :class:`WarehouseError` on any failure."""
    try:
        con.execute("BEGIN TRANSACTION")
    except duckdb.Error as exc:
        raise WarehouseError(f"{what}: cannot begin a transaction: {exc}") from exc
    try:
        yield
        con.execute("COMMIT")
    except BaseException as exc:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:
            pass
        if is_disk_full(exc):
            raise disk_full(what, exc) from exc
        if isinstance(exc, duckdb.Error):
            raise WarehouseError(f"{what} failed and was rolled back: {exc}") from exc
        raise


def retry_conflicts(what: str, body: Callable[[], T], *, wait: float = DEFAULT_CONFLICT_WAIT) -> T:
    """Run ``body`` (one whole transaction); after a lost commit race, back off and run it again.

    Backoff doubles from 50 ms to 2 s with jitter; after ``wait`` seconds the conflict is raised as
    :class:`WarehouseBusyError` naming what was being written.  Other errors pass through at once.
    """
    started = time.monotonic()
    attempt = 0
    while True:
        try:
            return body()
        except (WarehouseError, duckdb.Error) as exc:
            if not is_conflict(exc):
                raise
            attempt += 1
            waited = time.monotonic() - started
            if waited >= wait:
                raise WarehouseBusyError(
                    f"{what}: other writers kept committing to the same tables for {waited:.0f}s "
                    f"({attempt} attempts); giving up. Last error: {exc}"
                ) from exc
            sleep = min(_MAX_SLEEP, _FIRST_SLEEP * 2 ** min(attempt - 1, 10)) * (0.5 + random.random())
            log.debug("%s lost a commit race (attempt %d), retrying in %.2fs: %s", what, attempt, sleep, exc)
            time.sleep(min(sleep, max(wait - waited, 0.01)))


def atomic(
    con: duckdb.DuckDBPyConnection,
    what: str,
    body: Callable[[], T],
    *,
    wait: float = DEFAULT_CONFLICT_WAIT,
) -> T:
    """``body`` inside one transaction, retried whole on a conflict (see :func:`retry_conflicts`)."""

    def once() -> T:
        with transaction(con, what):
            return body()

    return retry_conflicts(what, once, wait=wait)


__all__ = [
    "DEFAULT_CONFLICT_WAIT",
    "DiskFullError",
    "WarehouseBusyError",
    "atomic",
    "is_conflict",
    "is_disk_full",
    "retry_conflicts",
    "transaction",
]
