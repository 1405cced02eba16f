"""Opening the DuckDB warehouse: one configuration, UTC sessions, clear lock errors.

Every connection Kabar opens goes through :func:`connect`, so all connections in one process share
the same DuckDB configuration (DuckDB refuses a second connection to the same file with a different
one).  A writer holds the file lock for the duration of a flow run only: :func:`open_warehouse`
connects read-write, migrates, loads the seeds, and on exit runs ``CHECKPOINT`` and closes.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from extractors.errors import WarehouseError
from warehouse.migrate import migrate
from warehouse.seeds import load_seeds

log = logging.getLogger(__name__)
T = TypeVar("T")

# autoinstall off: a missing extension fails in milliseconds instead of trying the network
_CONFIG: dict[str, Any] = {"autoinstall_known_extensions": False}
_LOCK_MARKERS = ("could not set lock", "conflicting lock")
_PID_RE = re.compile(r"PID (\d+)")
_RETRY_SLEEP = 0.2
WAL_CHECKPOINT_THRESHOLD = "256MiB"
_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$", re.IGNORECASE)
_SIZE_OFF = ("", "0")
_UNIT_BYTES = {"b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12}
_UNIT_BYTES.update({"kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40})
# Rows per row group for the tables a writer creates or appends to (DuckDB's default: 122,880).
# A checkpoint rewrites every row group that took rows since the last one, so with the default a
# whole run's articles (one partial row group) were read back and written again by every checkpoint:
# the 100k-row load bench spent 11 s in two auto-checkpoints under the 96MB cap, 4.4 s with 8,192.
# Measured in bench/README.md ("row groups"); 2,048 and 4,096 loaded slower, 16,384 checkpointed slower.
ROW_GROUP_SIZE = 8192
_ALIAS = "kabar"  # the catalog name a writer attaches the file under (readers: the file's stem)
MIN_MEMORY_LIMIT_BYTES = 64 * 10**6  # 2x the smallest cap a 200-article load ran under (32MB; 24MB failed)


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
            con = _open_reader(db_path) if read_only else _open_writer(db_path)
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


def _open_reader(db_path: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(db_path), read_only=True, config=dict(_CONFIG))


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _open_writer(db_path: Path) -> duckdb.DuckDBPyConnection:
    """A read-write connection with ``ROW_GROUP_SIZE`` rows per row group.

    The row group size is an ``ATTACH`` option only (``duckdb.connect`` has no such setting, and
    the file does not remember it), so the file is attached to an in-memory DuckDB named after the
    file's path: a second ``connect`` in the same process gets the same instance (DuckDB's instance
    cache), as ``duckdb.connect(path)`` did.  Spilled data goes to ``<warehouse>.tmp/`` as before.
    """
    if str(db_path).startswith(":memory:"):  # nothing is checkpointed to a file: nothing to gain
        return duckdb.connect(str(db_path), config=dict(_CONFIG))
    resolved = str(db_path.resolve())
    name = hashlib.sha256(resolved.encode()).hexdigest()[:16]
    con = duckdb.connect(f":memory:kabar_{name}", config=dict(_CONFIG))
    try:
        con.execute(f"SET temp_directory = {_sql_text(resolved + '.tmp')}")
        con.execute(
            f"ATTACH IF NOT EXISTS {_sql_text(resolved)} AS {_ALIAS} (ROW_GROUP_SIZE {ROW_GROUP_SIZE})"
        )
        con.execute(f"USE {_ALIAS}")
    except BaseException:
        con.close()
        raise
    return con


def parse_memory_limit(value: str) -> str | None:
    """A DuckDB ``memory_limit`` such as ``96MB`` or ``1.5 GiB``, normalised; ``None`` for ``""``/``"0"``.

    ``SET`` takes no parameters, so the value is checked here before it becomes part of the
    statement; anything else raises :class:`ValueError`.
    """
    text = value.strip()
    if text in _SIZE_OFF:
        return None
    match = _SIZE_RE.match(text)
    if match is None:
        raise ValueError(
            f"not a memory size: {value!r} (expected a number and a unit such as 96MB or 1GiB; "
            "empty or 0 for DuckDB's default, 80 % of RAM)"
        )
    number, unit = match.groups()
    if float(number) * _UNIT_BYTES[unit.lower()] < MIN_MEMORY_LIMIT_BYTES:
        raise ValueError(
            f"memory size {value!r} is below the 64MB minimum: DuckDB pins a block per column of every "
            "table a load appends to, and loads fail with out-of-memory errors under about 32MB"
        )
    return f"{number}{unit}"


def set_memory_limit(con: duckdb.DuckDBPyConnection, value: str | None) -> str:
    """Apply a ``memory_limit`` (see :func:`parse_memory_limit`); return the value DuckDB reports.

    It caps DuckDB's buffer pool for the whole database instance.  Above it, DuckDB writes the data
    of not yet checkpointed commits to ``<warehouse>.tmp/`` instead of keeping it in memory, so a
    long load's memory stays flat (``bench/README.md``, "What kept memory growing").
    """
    limit = parse_memory_limit(value) if value is not None else None
    if limit is not None:
        con.execute(f"SET memory_limit = '{limit}'")
    return current_memory_limit(con)


def is_memory_error(exc: BaseException | None) -> bool:
    """True for DuckDB's out-of-memory failures (also when a ``COMMIT`` cannot pin a block)."""
    if isinstance(exc, duckdb.OutOfMemoryException):
        return True
    text = str(exc).lower() if isinstance(exc, duckdb.Error) else ""
    return "out of memory" in text or "failed to pin block" in text


def lift_memory_limit(con: duckdb.DuckDBPyConnection) -> str | None:
    """``RESET memory_limit`` (DuckDB's default, 80 % of RAM); return the cap lifted, ``None`` if none was set."""
    before = current_memory_limit(con)
    con.execute("RESET memory_limit")
    default = current_memory_limit(con)
    if default == before:
        return None
    # RESET alone changes the setting but not the buffer pool's limit (DuckDB 1.5.5): set it again,
    # as DuckDB itself wrote it (e.g. "18.8 GiB"; no minimum applies to DuckDB's own default)
    if _SIZE_RE.match(default):
        con.execute(f"SET memory_limit = '{default.strip()}'")
    return before


def without_memory_cap_on_failure(con: duckdb.DuckDBPyConnection, what: str, write: Callable[[], T]) -> T:
    """Run ``write`` (one transaction); if DuckDB ran out of memory under a cap, lift it and run it once more.

    Under ``KABAR_LOAD_MEMORY_LIMIT`` DuckDB evicts ordinary blocks, but a transaction with very long
    texts (hundreds of KB each) can still need more pinned at ``COMMIT`` than the cap allows. Such a
    batch is not lost: the cap goes for the rest of this connection, with a warning.
    """
    try:
        return write()
    except WarehouseError as exc:
        if not is_memory_error(exc.__cause__):
            raise
        lifted = lift_memory_limit(con)
        if lifted is None:
            raise
        log.warning(
            "%s ran out of memory under the DuckDB cap of %s (KABAR_LOAD_MEMORY_LIMIT); "
            "retrying without the cap for the rest of this run: %s",
            what,
            lifted,
            exc.__cause__,
        )
        return write()


def current_memory_limit(con: duckdb.DuckDBPyConnection) -> str:
    """DuckDB's ``memory_limit`` as it reports it (e.g. ``91.5 MiB``)."""
    row = con.execute("SELECT current_setting('memory_limit')").fetchone()
    return str(row[0]) if row else ""


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
    memory_limit: str | None = None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Connect read-write, apply pending migrations, load the seeds; CHECKPOINT and close on exit.

    ``memory_limit`` (e.g. ``"96MB"``; ``None``, ``""`` or ``"0"`` keep DuckDB's default) caps
    DuckDB's memory while this connection is open: the loading flows pass ``KABAR_LOAD_MEMORY_LIMIT``.
    """
    con = connect(path, wait=wait)
    try:
        if memory_limit is not None:
            log.debug("DuckDB memory_limit: %s", set_memory_limit(con, memory_limit))
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
    "current_memory_limit",
    "default_seeds_dir",
    "open_warehouse",
    "parse_memory_limit",
    "query_readonly",
    "set_memory_limit",
]
