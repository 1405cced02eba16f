"""Opening the DuckDB warehouse: one configuration, UTC sessions, clear lock errors.

Every connection Kabar opens goes through :func:`connect`, so all connections in one process share
the same DuckDB configuration (DuckDB refuses a second connection to the same file with a different
one).  A writer holds the file lock for the duration of a flow run only: :func:`open_warehouse`
connects read-write, migrates, loads the seeds, and on exit runs ``CHECKPOINT`` and closes.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from extractors.errors import WarehouseError
from warehouse.migrate import migrate
from warehouse.seeds import load_seeds

log = logging.getLogger(__name__)

# autoinstall off: a missing extension fails in milliseconds instead of trying the network
_CONFIG: dict[str, Any] = {"autoinstall_known_extensions": False}
_LOCK_MARKERS = ("could not set lock", "conflicting lock")
_PID_RE = re.compile(r"PID (\d+)")
_RETRY_SLEEP = 0.2
WAL_CHECKPOINT_THRESHOLD = "256MiB"


class WarehouseLockedError(WarehouseError):
    """Another process holds the warehouse file lock."""

    kind = "warehouse_locked"

    def __init__(self, message: str, *, path: Path, holder_pid: int | None) -> None:
        super().__init__(message)
        self.path = path
        self.holder_pid = holder_pid


def _is_lock_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    return any(marker in text for marker in _LOCK_MARKERS)


def _locked_error(path: Path, exc: BaseException, waited: float) -> WarehouseLockedError:
    match = _PID_RE.search(str(exc))
    pid = int(match.group(1)) if match else None
    holder = f"process PID {pid}" if pid is not None else "another process"
    message = (
        f"warehouse {path} is locked by {holder} (waited {waited:.1f}s). A flow run or another "
        f"`kabar` command is probably using it; retry when it has finished. DuckDB said: {exc}"
    )
    return WarehouseLockedError(message, path=path, holder_pid=pid)


def connect(path: Path | str, *, read_only: bool = False, wait: float = 0.0) -> duckdb.DuckDBPyConnection:
    """Open the warehouse with ``TimeZone='UTC'``.

    On a lock conflict, retry until ``wait`` seconds have passed, then raise
    :class:`WarehouseLockedError` naming the file and the holding PID.  Read-write opens create the
    parent directory; a read-only open of a missing file raises :class:`WarehouseError`.
    """
    db_path = Path(path)
    if read_only and not db_path.exists():
        raise WarehouseError(f"warehouse {db_path} does not exist (nothing has been loaded yet)")
    if not read_only:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    while True:
        try:
            con = duckdb.connect(str(db_path), read_only=read_only, config=dict(_CONFIG))
            break
        except duckdb.Error as exc:
            waited = time.monotonic() - started
            if not _is_lock_error(exc):
                raise WarehouseError(f"cannot open warehouse {db_path}: {exc}") from exc
            if waited >= wait:
                raise _locked_error(db_path, exc, waited) from exc
            time.sleep(min(_RETRY_SLEEP, max(wait - waited, 0.01)))
    con.execute("SET TimeZone = 'UTC'")
    if not read_only:
        # let the WAL grow over a whole run; the CHECKPOINT in close() then pays once, at the end,
        # instead of an auto-checkpoint landing on whichever batch commits next (docs/duckdb.md §3)
        con.execute(f"SET checkpoint_threshold = '{WAL_CHECKPOINT_THRESHOLD}'")
    return con


def close(con: duckdb.DuckDBPyConnection, *, checkpoint: bool = True) -> None:
    """Roll back any open transaction, ``CHECKPOINT`` (so readers find no WAL), then close."""
    try:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:
            pass  # no transaction open: the normal case
        if checkpoint:
            try:
                con.execute("CHECKPOINT")
            except duckdb.Error as exc:  # read-only connections cannot checkpoint
                log.debug("checkpoint skipped: %s", exc)
    finally:
        con.close()


def default_seeds_dir() -> Path:
    """The repository's ``seeds/`` directory (``sources.csv``, ``agencies.csv``)."""
    return Path(__file__).resolve().parents[1] / "seeds"


@contextmanager
def open_warehouse(
    path: Path | str,
    *,
    wait: float = 0.0,
    seeds_dir: Path | None = None,
    load_seed_data: bool = True,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Connect read-write, apply pending migrations, load the seeds; CHECKPOINT and close on exit."""
    con = connect(path, wait=wait)
    try:
        applied = migrate(con)
        if applied:
            log.info("applied migrations: %s", ", ".join(applied))
        if load_seed_data:
            load_seeds(con, seeds_dir if seeds_dir is not None else default_seeds_dir())
        yield con
    finally:
        close(con)


def query_readonly(
    path: Path | str,
    sql: str,
    params: list[Any] | None = None,
    *,
    wait: float = 0.0,
    timezone: str | None = None,
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run one query on a read-only connection; return (column names, rows).

    Refuses when the file does not exist.  Writes fail (DuckDB rejects them in read-only mode) and
    surface as :class:`WarehouseError`.
    """
    con = connect(path, read_only=True, wait=wait)
    try:
        try:
            if timezone:  # TIMESTAMPTZ values are shown (and ::DATE taken) in this zone
                con.execute("SET TimeZone = ?", [timezone])
            cur = con.execute(sql, params or [])
            if cur.description is None:
                return [], []
            columns = [d[0] for d in cur.description]
            return columns, cur.fetchall()
        except duckdb.Error as exc:
            raise WarehouseError(f"query failed: {exc}") from exc
    finally:
        con.close()


__all__ = [
    "WarehouseLockedError",
    "connect",
    "close",
    "default_seeds_dir",
    "open_warehouse",
    "query_readonly",
]
