"""Reference data: replace ``sources`` and ``agencies`` from ``seeds/sources.csv`` / ``agencies.csv``.

Each table is replaced as a whole in one transaction, so loading is idempotent.  Extra CSV columns
are ignored and missing ones load as NULL; a missing file loads nothing (and leaves the table as it
was).  List cells (feeds, sitemaps, aliases, domains) may be a JSON array or values separated by
``|`` or ``;`` (URLs and domains may also be separated by whitespace or commas).
"""

from __future__ import annotations

import csv
import json
import logging
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from records.errors import WarehouseError
from warehouse.conflicts import atomic

log = logging.getLogger(__name__)

_TS = pa.timestamp("us", tz="UTC")
_STR_LIST = pa.list_(pa.string())
_TRUE = frozenset({"1", "true", "t", "yes", "y"})
_FALSE = frozenset({"0", "false", "f", "no", "n"})


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def parse_list(value: str | None, *, tokens: bool) -> list[str]:
    """Split a list cell.  ``tokens`` (URLs, domains) also splits on whitespace and commas."""
    text = _clean(value)
    if text is None:
        return []
    if text.startswith("["):
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError:
            loaded = None
        if isinstance(loaded, list):
            return [str(v).strip() for v in loaded if str(v).strip()]
    if "|" in text:
        parts = text.split("|")
    elif ";" in text:
        parts = text.split(";")
    elif tokens:
        parts = re.split(r"[\s,]+", text)
    else:
        parts = text.split(",")
    return [p.strip() for p in parts if p.strip()]


def parse_bool(value: str | None) -> bool | None:
    text = _clean(value)
    if text is None:
        return None
    low = text.lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise WarehouseError(f"not a boolean in seeds: {value!r}")


def _read_csv(path: Path) -> list[dict[str, str | None]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows: list[dict[str, str | None]] = []
        for raw in csv.DictReader(fh):
            row = {(k or "").strip().lower(): v for k, v in raw.items() if k is not None}
            if any(_clean(v) for v in row.values() if isinstance(v, str)):
                rows.append(row)
        return rows


_SOURCES_SCHEMA = pa.schema(
    [
        ("source_id", pa.string()),
        ("name", pa.string()),
        ("outlet", pa.string()),
        ("homepage", pa.string()),
        ("feeds", _STR_LIST),
        ("sitemaps", _STR_LIST),
        ("language", pa.string()),
        ("country", pa.string()),
        ("timezone", pa.string()),
        ("loaded_at", _TS),
    ]
)

_AGENCIES_SCHEMA = pa.schema(
    [
        ("canonical", pa.string()),
        ("aliases", _STR_LIST),
        ("country", pa.string()),
        ("kind", pa.string()),
        ("domains", _STR_LIST),
        ("credit_slot_only", pa.bool_()),
        ("slot_only_aliases", _STR_LIST),
        ("loaded_at", _TS),
    ]
)


def _source_record(row: dict[str, str | None], now: datetime) -> dict[str, Any] | None:
    source_id = _clean(row.get("source_id"))
    if source_id is None:
        return None
    return {
        "source_id": source_id,
        "name": _clean(row.get("name")),
        "outlet": _clean(row.get("outlet")),
        "homepage": _clean(row.get("homepage")),
        "feeds": parse_list(row.get("feeds"), tokens=True),
        "sitemaps": parse_list(row.get("sitemaps"), tokens=True),
        "language": _clean(row.get("language")),
        "country": _clean(row.get("country")),
        "timezone": _clean(row.get("timezone")),
        "loaded_at": now,
    }


def _agency_record(row: dict[str, str | None], now: datetime) -> dict[str, Any] | None:
    canonical = _clean(row.get("canonical"))
    if canonical is None:
        return None
    return {
        "canonical": canonical,
        "aliases": parse_list(row.get("aliases"), tokens=False),
        "country": _clean(row.get("country")),
        "kind": _clean(row.get("kind")),
        "domains": parse_list(row.get("domains"), tokens=True),
        "credit_slot_only": parse_bool(row.get("credit_slot_only")),
        "slot_only_aliases": parse_list(row.get("slot_only_aliases"), tokens=False),
        "loaded_at": now,
    }


# table -> (file name, key column, record builder, arrow schema); a fixed allow-list
_SEEDS: dict[
    str, tuple[str, str, Callable[[dict[str, str | None], datetime], dict[str, Any] | None], pa.Schema]
] = {
    "sources": ("sources.csv", "source_id", _source_record, _SOURCES_SCHEMA),
    "agencies": ("agencies.csv", "canonical", _agency_record, _AGENCIES_SCHEMA),
}


def _replace_table(con: duckdb.DuckDBPyConnection, table: str, records: Sequence[dict[str, Any]]) -> bool:
    """Replace ``table`` with ``records`` unless it already holds exactly them; return whether it wrote.

    Every run opens the warehouse, and a rewrite of unchanged seeds would be a lake snapshot (and a
    commit race with every other writer) each time: so they are compared first (``loaded_at`` aside)."""
    _, _, _, schema = _SEEDS[table]
    batch = pa.Table.from_pylist(list(records), schema=schema)
    columns = ", ".join(schema.names)
    compared = ", ".join(n for n in schema.names if n != "loaded_at")
    view = f"_seed_{table}"
    differ = (
        f"SELECT count(*) FROM ((SELECT {compared} FROM {table} EXCEPT ALL SELECT {compared} FROM {view}) "
        f"UNION ALL (SELECT {compared} FROM {view} EXCEPT ALL SELECT {compared} FROM {table}))"
    )

    def body() -> bool:
        row = con.execute(differ).fetchone()
        if not row or not row[0]:
            return False
        con.execute(f"DELETE FROM {table}")
        con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {view}")
        return True

    con.register(view, batch)
    try:
        return atomic(con, f"loading seeds into {table}", body)
    finally:
        con.unregister(view)


def load_seeds(
    con: duckdb.DuckDBPyConnection, seeds_dir: Path, *, sources_file: Path | None = None
) -> dict[str, int]:
    """Replace ``sources`` and ``agencies`` from CSVs in ``seeds_dir``; return rows loaded per table.

    ``sources_file`` (the user's sources file) replaces ``seeds_dir/sources.csv``.  A missing file is
    logged and its table left untouched (and absent from the result).  Rows repeating a key keep the
    last occurrence.
    """
    now = datetime.now(UTC)
    loaded: dict[str, int] = {}
    for table, (file_name, key, build, _) in _SEEDS.items():
        path = (
            sources_file if table == "sources" and sources_file is not None else Path(seeds_dir) / file_name
        )
        if not path.is_file():
            log.warning("seed file %s not found; %s left unchanged", path, table)
            continue
        by_key: dict[str, dict[str, Any]] = {}
        for row in _read_csv(path):
            record = build(row, now)
            if record is None:
                log.warning("%s: row without %s skipped: %r", path.name, key, row)
                continue
            by_key.pop(record[key], None)
            by_key[record[key]] = record
        _replace_table(con, table, list(by_key.values()))
        loaded[table] = len(by_key)
    return loaded


__all__ = ["load_seeds", "parse_bool", "parse_list"]
