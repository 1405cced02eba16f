"""Opening the warehouse: a DuckLake that many processes read while others write.

Every connection Kabar opens goes through :func:`connect`: a fresh in-memory DuckDB that loads the
DuckLake extensions shipped as wheels (no network), attaches the lake as ``kabar`` (read-only for
readers) and makes it the current database, with ``TimeZone='UTC'``.  Nothing holds a lock between statements: readers
see the last committed snapshot and never wait for writers; writers never wait for readers; two
writers both commit, the later one retrying a whole transaction when the lake reports a conflict
(``warehouse.conflicts``).  :func:`open_warehouse` adds migrations and the seeds for writers.
"""

from __future__ import annotations

import importlib.resources
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from records.errors import WarehouseError
from seeds import SEEDS_DIR
from warehouse.location import (
    RAW_DIR_VARIABLE,
    SEARCH_FILE_VARIABLE,
    Location,
    base_for,
    parse_location,
    raw_dir_for,
    search_file_for,
    sql_text,
    tmp_dir_for,
)
from warehouse.migrate import migrate
from warehouse.seeds import load_seeds

log = logging.getLogger(__name__)
T = TypeVar("T")

# Kabar LOADs only the extension binaries of its pinned wheels, by path (extension_path), and nothing
# is installed or autoloaded: a missing extension fails in milliseconds instead of trying the network.
# DuckDB checks an extension's signature on every LOAD into a new instance (about 110 ms for ducklake
# + sqlite_scanner, measured: most of a `kabar sql`'s connect); the wheels hold DuckDB Labs' signed
# builds, which tests/warehouse/test_location.py loads with the check on, so Kabar's own instances
# skip it.
_CONFIG: dict[str, Any] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_unsigned_extensions": True,
}
_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$", re.IGNORECASE)
_SIZE_OFF = ("", "0")
_UNIT_BYTES = {"b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12}
_UNIT_BYTES.update({"kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40})
ALIAS = "kabar"  # the catalog name every connection attaches the lake under
META_BUSY_TIMEOUT_MS = 5000  # SQLite catalog: wait this long for a lock before "database is locked"
# DuckDB threads of the loading flows' connection: their extraction workers already use every core,
# and a 200-article lake commit is small: one thread loaded the same batches with a third less CPU
# (118 against 175 ms a batch, with raw pages) and less wall time than DuckDB's default of one per core
LOAD_THREADS = 1
MIN_MEMORY_LIMIT_BYTES = 64 * 10**6  # 2x the smallest cap a 200-article load ran under (32MB; 24MB failed)
_EXTENSIONS = {"ducklake": "ducklake", "sqlite": "sqlite_scanner", "postgres": "postgres_scanner"}


def extension_path(name: str) -> Path:
    """The binary of DuckDB extension ``name`` shipped by its ``duckdb-extension-<name>`` wheel."""
    package = f"duckdb_extension_{name}"
    try:
        root = Path(str(importlib.resources.files(package)))
    except ModuleNotFoundError as exc:
        wheel = "duckdb-extension-" + name.replace("_", "-")
        raise WarehouseError(f"package {wheel}=={duckdb.__version__} is not installed") from exc
    path = root / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    if not path.is_file():
        raise WarehouseError(f"no {name} extension for DuckDB {duckdb.__version__} at {path}")
    return path


def load_extension(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """``LOAD`` a shipped extension by path (nothing downloaded, nothing written under HOME)."""
    path = str(extension_path(name))
    try:
        con.execute(f"LOAD {sql_text(path)}")
    except duckdb.Error as exc:
        raise WarehouseError(f"cannot load the {name} extension from {path}: {exc}") from exc


def attach_options(location: Location, *, read_only: bool, snapshot_time: datetime | None = None) -> str:
    """The ``ATTACH`` options of ``location`` (the same for Kabar, ``kabar shell`` and the docs)."""
    opts: list[str] = []
    if read_only:
        opts.append("READ_ONLY")
    elif location.kind == "sqlite" or location.data_path is not None:
        # used when the lake is created; an existing lake keeps the folder its catalog names
        opts.append(f"DATA_PATH {sql_text(str(location.default_data_path()) + '/')}")
    if snapshot_time is not None:
        opts.append(f"SNAPSHOT_TIME {sql_text(snapshot_time.isoformat())}")
    if location.kind == "sqlite":
        # WAL: a reader inside a transaction never blocks a writer (the default journal breaks it)
        opts += ["META_JOURNAL_MODE 'WAL'", f"META_BUSY_TIMEOUT {META_BUSY_TIMEOUT_MS}"]
    return ", ".join(opts)


def attach_sql(location: Location, *, read_only: bool, snapshot_time: datetime | None = None) -> str:
    options = attach_options(location, read_only=read_only, snapshot_time=snapshot_time)
    return f"ATTACH {sql_text(location.attach_uri)} AS {ALIAS}" + (f" ({options})" if options else "")


def stored_data_path(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The lake's data folder, as its catalog records it."""
    row = con.execute(
        f"SELECT value FROM __ducklake_metadata_{ALIAS}.ducklake_metadata WHERE key = 'data_path'"
    ).fetchone()
    return Path(str(row[0])) if row and row[0] else None


def lock_down(con: duckdb.DuckDBPyConnection) -> None:
    """Only the lake's own data files stay readable; then lock the configuration."""
    data = stored_data_path(con)
    if data is not None:
        con.execute("SET allowed_directories = [?]", [str(data).rstrip("/") + "/"])
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


def _as_location(where: Location | Path | str) -> Location:
    return where if isinstance(where, Location) else parse_location(where)


def connect(
    where: Location | Path | str,
    *,
    read_only: bool = False,
    snapshot_time: datetime | None = None,
) -> duckdb.DuckDBPyConnection:
    """A connection with the lake at ``where`` attached as ``kabar`` and in use, ``TimeZone='UTC'``.

    ``snapshot_time`` (readers only) shows the lake as it was at that instant.  A read-only open of a
    SQLite catalog that does not exist raises :class:`WarehouseError` (and creates nothing).
    """
    location = _as_location(where)
    if snapshot_time is not None and not read_only:
        raise WarehouseError("a snapshot of the past can only be opened read-only")
    if location.kind == "sqlite":
        if read_only and not Path(location.catalog).exists():
            raise WarehouseError(f"warehouse {location.display} does not exist (nothing has been loaded yet)")
        if not read_only:
            Path(location.catalog).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(":memory:", config=dict(_CONFIG))
    try:
        load_extension(con, "ducklake")
        load_extension(con, _EXTENSIONS[location.kind])
        try:
            con.execute(attach_sql(location, read_only=read_only, snapshot_time=snapshot_time))
        except duckdb.Error as exc:
            raise WarehouseError(f"cannot open warehouse {location.display}: {exc}") from exc
        con.execute(f"USE {ALIAS}")
        con.execute("SET TimeZone = 'UTC'")
        base = base_for(location, stored_data_path(con) or location.data_path)  # the catalog's record wins
        con.execute(f"SET VARIABLE {RAW_DIR_VARIABLE} = ?", [str(raw_dir_for(base))])
        con.execute(f"SET VARIABLE {SEARCH_FILE_VARIABLE} = ?", [str(search_file_for(base))])
        if not read_only:
            con.execute(f"SET temp_directory = {sql_text(str(tmp_dir_for(base)))}")
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


def close(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back any open transaction, then close (a lake has no WAL for readers to wait on)."""
    try:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:
            pass  # no transaction open: the normal case
    finally:
        con.close()


def default_seeds_dir() -> Path:
    """The repository's ``seeds/`` directory (``sources.csv``, ``agencies.csv``)."""
    return SEEDS_DIR


@contextmanager
def open_warehouse(
    where: Location | Path | str,
    *,
    seeds_dir: Path | None = None,
    sources_file: Path | None = None,
    load_seed_data: bool = True,
    memory_limit: str | None = None,
    threads: int | None = None,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Connect read-write, apply pending migrations, load the seeds (when they changed); close on exit.

    The ``sources`` table is loaded from ``sources_file`` (the user's sources file) when given, else
    from the seeds folder; ``agencies`` always from the seeds folder.

    ``memory_limit`` (e.g. ``"96MB"``; ``None``, ``""`` or ``"0"`` keep DuckDB's default) caps
    DuckDB's memory while this connection is open: the loading flows pass ``KABAR_LOAD_MEMORY_LIMIT``.
    ``threads`` caps DuckDB's threads: the loading flows pass :data:`LOAD_THREADS`.
    """
    con = connect(where)
    try:
        if threads is not None:
            con.execute(f"SET threads = {int(threads)}")
        if memory_limit is not None:
            log.debug("DuckDB memory_limit: %s", set_memory_limit(con, memory_limit))
        applied = migrate(con)
        if applied:
            log.info("applied migrations: %s", ", ".join(applied))
        if load_seed_data:
            seeds = seeds_dir if seeds_dir is not None else default_seeds_dir()
            load_seeds(con, seeds, sources_file=sources_file)
        yield con
    finally:
        close(con)


def query_readonly(
    where: Location | Path | str,
    sql: str,
    params: list[Any] | None = None,
    *,
    timezone: str | None = None,
    snapshot_time: datetime | None = None,
    safe: bool = False,
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run one query on a read-only connection; return (column names, rows).

    Never waits for a writer: it reads the last committed snapshot (or the one current at
    ``snapshot_time``).  Refuses when the warehouse does not exist.  Writes fail (the lake is
    attached read-only) and surface as :class:`WarehouseError`.

    ``safe`` (``kabar sql --safe``, and any use on behalf of someone else): no file outside the
    lake's data folder can be read or written (``read_text``, ``COPY ... TO``, ``read_csv`` fail),
    and the query cannot change that (``enable_external_access = false``, configuration locked).
    """
    con = connect(where, read_only=True, snapshot_time=snapshot_time)
    try:
        try:
            if timezone:  # TIMESTAMPTZ values are shown (and ::DATE taken) in this zone
                con.execute("SET TimeZone = ?", [timezone])
            if safe:
                lock_down(con)
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
    "ALIAS",
    "LOAD_THREADS",
    "lock_down",
    "attach_options",
    "attach_sql",
    "connect",
    "close",
    "current_memory_limit",
    "default_seeds_dir",
    "extension_path",
    "load_extension",
    "open_warehouse",
    "parse_memory_limit",
    "query_readonly",
    "set_memory_limit",
    "stored_data_path",
]
