"""Arrow schemas and column builders for bulk loads (never ``executemany``, which inserts row by row).

Every batch handed to DuckDB is a ``pyarrow.Table`` with an explicit schema; timestamps are
``timestamp[us, tz=UTC]`` built from aware datetimes converted to UTC here, so the stored instant
never depends on a session time zone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from records.errors import WarehouseError

TS = pa.timestamp("us", tz="UTC")
STR_LIST = pa.list_(pa.string())


def utc(value: datetime | None, what: str, of: str = "") -> datetime | None:
    """``value`` as a UTC datetime; a naive datetime is a bug upstream and refused.

    ``what`` and ``of`` (e.g. "fetched_at", a URL) only name the value in that error: passing them
    apart keeps the per-row hot path from formatting a message nobody reads."""
    if value is None:
        return None
    tz = value.tzinfo
    if tz is UTC:
        return value
    if tz is None or tz.utcoffset(value) is None:
        name = f"{what} of {of}" if of else what
        raise WarehouseError(f"naive datetime for {name}: {value!r} (all datetimes must be timezone-aware)")
    return value.astimezone(UTC)


def table(schema: pa.Schema, columns: Mapping[str, Sequence[Any]]) -> pa.Table:
    """A table from column lists, in schema order (missing columns are an error)."""
    arrays = [pa.array(columns[f.name], type=f.type) for f in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


ARTICLES = pa.schema(
    [
        ("article_id", pa.string()),
        ("canonical_url", pa.string()),
        ("url", pa.string()),
        ("final_url", pa.string()),
        ("source_id", pa.string()),
        ("outlet", pa.string()),
        ("title", pa.string()),
        ("text", pa.string()),
        ("authors", STR_LIST),
        ("language", pa.string()),
        ("published_at", TS),
        ("published_at_source", pa.string()),
        ("published_flags", STR_LIST),
        ("published_local", pa.string()),
        ("published_date", pa.date32()),
        ("published_granularity", pa.string()),
        ("dateline_place", pa.string()),
        ("content_hash", pa.string()),
        ("parse_hash", pa.string()),
        ("extra", pa.string()),
        ("first_seen_at", TS),
        ("last_fetched_at", TS),
        ("updated_at", TS),
        ("run_id", pa.string()),
        ("first_run_id", pa.string()),
    ]
)

KEYS = pa.schema([("canonical_url", pa.string()), ("fetched_at", TS)])

UPDATED_KEYS = pa.schema([("canonical_url", pa.string()), ("article_id", pa.string())])

ATTRIBUTIONS = pa.schema(
    [
        ("article_id", pa.string()),
        ("position", pa.int32()),
        ("role", pa.string()),
        ("name", pa.string()),
        ("canonical", pa.string()),
        ("evidence", pa.string()),
        ("run_id", pa.string()),
    ]
)

ARTICLE_DATES = pa.schema(
    [
        ("article_id", pa.string()),
        ("position", pa.int32()),
        ("kind", pa.string()),
        ("value", TS),
        ("granularity", pa.string()),
        ("span", pa.string()),
        ("flags", STR_LIST),
        ("run_id", pa.string()),
    ]
)

FETCHES = pa.schema(
    [
        ("run_id", pa.string()),
        ("url", pa.string()),
        ("final_url", pa.string()),
        ("attempt", pa.int32()),
        ("status", pa.int32()),
        ("bytes", pa.int64()),
        ("duration_ms", pa.float64()),
        ("error_class", pa.string()),
        ("error", pa.string()),
        ("fetched_at", TS),
    ]
)

RAW_PAGES = pa.schema(
    [
        ("canonical_url", pa.string()),
        ("url", pa.string()),
        ("final_url", pa.string()),
        ("source_id", pa.string()),
        ("status", pa.int32()),
        ("content_type", pa.string()),
        ("charset", pa.string()),
        ("etag", pa.string()),
        ("last_modified", pa.string()),
        ("compression", pa.string()),
        ("body_z", pa.binary()),
        ("body_file", pa.string()),
        ("body_offset", pa.int64()),
        ("body_length", pa.int64()),
        ("bytes", pa.int64()),
        ("fetched_at", TS),
        ("run_id", pa.string()),
    ]
)

FAILURES = pa.schema(
    [
        ("run_id", pa.string()),
        ("url", pa.string()),
        ("canonical_url", pa.string()),
        ("source_id", pa.string()),
        ("stage", pa.string()),
        ("error_class", pa.string()),
        ("error", pa.string()),
        ("transient", pa.bool_()),
        ("failed_at", TS),
    ]
)

# url_state flips computed by load_batch
STATE_FLIPS = pa.schema(
    [
        ("canonical_url", pa.string()),
        ("url", pa.string()),
        ("source_id", pa.string()),
        ("status", pa.string()),
        ("attempt_at", TS),
        ("error_class", pa.string()),
        ("error", pa.string()),
        ("transient", pa.bool_()),
        ("attempted", pa.int32()),
        ("insert_missing", pa.bool_()),
    ]
)

# url_state rows written by record_discovered
DISCOVERED = pa.schema(
    [
        ("canonical_url", pa.string()),
        ("url", pa.string()),
        ("source_id", pa.string()),
        ("discovered_via", pa.string()),
        ("discovered_from", pa.string()),
        ("feed_title", pa.string()),
        ("feed_published", TS),
        ("feed_language", pa.string()),
    ]
)

FEED_STATE = pa.schema(
    [
        ("document_url", pa.string()),
        ("etag", pa.string()),
        ("last_modified", pa.string()),
        ("last_status", pa.int32()),
        ("last_fetched_at", TS),
        ("last_error", pa.string()),
    ]
)

RUN_SOURCES = pa.schema(
    [
        ("run_id", pa.string()),
        ("source_id", pa.string()),
        ("discovered", pa.int64()),
        ("fetched", pa.int64()),
        ("new", pa.int64()),
        ("updated", pa.int64()),
        ("unchanged", pa.int64()),
        ("failed", pa.int64()),
        ("not_modified", pa.int64()),
        ("error", pa.string()),
        ("too_old", pa.int64()),
    ]
)


def column_list(schema: pa.Schema) -> str:
    """``a, b, c`` for an INSERT column list (names come from the fixed schemas above)."""
    return ", ".join(schema.names)


__all__ = [
    "ARTICLES",
    "ARTICLE_DATES",
    "ATTRIBUTIONS",
    "DISCOVERED",
    "FAILURES",
    "FEED_STATE",
    "FETCHES",
    "KEYS",
    "RAW_PAGES",
    "RUN_SOURCES",
    "STATE_FLIPS",
    "STR_LIST",
    "TS",
    "UPDATED_KEYS",
    "column_list",
    "table",
    "utc",
]
