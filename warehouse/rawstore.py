"""Raw page bodies as pack files beside the warehouse, not as BLOBs inside it.

``<warehouse>.raw/<YYYY-MM-DD>/<run-id>-<n>.html.zst`` holds one load batch's bodies, each one
zstd frame (level 1), back to back: the file is itself a valid zstd stream (``zstd -dc`` prints
every page of the batch).  ``raw_pages`` keeps the metadata and where each body is:
``body_file`` (relative to the folder), ``body_offset``, ``body_length``; ``bytes`` is the
uncompressed size.

Why not a BLOB column (versions before migration 0003 did that, and such rows still read): DuckDB
1.5.5 rewrites a table's last, partly filled row group at every checkpoint, and with bodies of
~30 KB a row group of raw pages holds gigabytes.  Measured on 20,000 corpus pages in
200-row batches: the main process peaked at 1.12 GB RSS during an auto-checkpoint (a 3.8 s stall
on one batch), the file grew to 785 MB, and the same load without raw BLOBs peaked at 0.39 GB
and took 8 s instead of 29 s.  A smaller ``checkpoint_threshold`` made it worse (1.24 GB).

Crash safety: a pack is written and fsynced *before* the transaction that inserts its rows.  A
run killed in between leaves a pack no row points to: nothing is lost or doubled (the URLs are
still pending and are fetched again), and ``remove_unreferenced`` deletes such orphans once they
are older than a grace period (the daily maintenance flow; another process may be loading the
batch of a younger one right now).
"""

from __future__ import annotations

import os
import time
import uuid
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from records.errors import WarehouseError
from warehouse.location import RAW_DIR_VARIABLE, side_path

RAW_COMPRESSION = "zstd"
RAW_LEVEL = 1
# zstd level 1 via pyarrow's codec (no extra dependency): on the 110 corpus pages 0.43 ms a page and
# 4.65x smaller, against 1.12 ms and 4.23x for zlib level 1 (the codec of the first version).
_ZSTD = pa.Codec("zstd", compression_level=RAW_LEVEL)
SUFFIX = ".html.zst"
# an unreferenced pack younger than this may belong to a writer whose transaction has not committed
# yet (several processes write the lake at once): it is left for a later maintenance run
ORPHAN_GRACE_SECONDS = 6 * 3600.0


def compress_body(body: bytes) -> bytes:
    return bytes(_ZSTD.compress(body, asbytes=True))


def decompress_body(blob: bytes, compression: str | None, size: int | None = None) -> bytes:
    """A raw body from its compressed bytes (``size`` = the ``bytes`` column, needed for zstd)."""
    if compression in (None, "", "none"):
        return blob
    if compression == "zstd":
        if size is None:
            raise WarehouseError("a zstd raw page needs its uncompressed size (the bytes column)")
        return bytes(_ZSTD.decompress(blob, decompressed_size=size, asbytes=True))
    if compression == "zlib":
        return zlib.decompress(blob)
    raise WarehouseError(f"unknown raw page compression {compression!r}")


def raw_dir(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The pack folder of the lake ``con`` is attached to (``warehouse.connect`` records it on the
    connection); None for a connection Kabar did not open (raw bodies then go to ``body_z``)."""
    return side_path(con, RAW_DIR_VARIABLE)


@dataclass(frozen=True, slots=True)
class Packed:
    file: str  # relative to the raw folder
    offsets: list[int]
    lengths: list[int]


def write_pack(folder: Path, run_id: str, bodies: Sequence[bytes], *, now: datetime | None = None) -> Packed:
    """Compress ``bodies`` into one new pack file (fsynced) and say where each one is."""
    day = (now or datetime.now(UTC)).strftime("%Y-%m-%d")
    rel = f"{day}/{run_id[:36]}-{uuid.uuid4().hex[:12]}{SUFFIX}"
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    offsets: list[int] = []
    lengths: list[int] = []
    pos = 0
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "wb") as fh:
        for body in bodies:
            blob = compress_body(body)
            fh.write(blob)
            offsets.append(pos)
            lengths.append(len(blob))
            pos += len(blob)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return Packed(rel, offsets, lengths)


def read_body(folder: Path, rel: str, offset: int, length: int, size: int | None) -> bytes:
    path = folder / rel
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            blob = fh.read(length)
    except OSError as exc:
        raise WarehouseError(f"raw page pack {path} is unreadable: {exc}") from exc
    if len(blob) != length:
        raise WarehouseError(f"raw page pack {path} is truncated at offset {offset}")
    return decompress_body(blob, RAW_COMPRESSION, size)


def remove_unreferenced(
    con: duckdb.DuckDBPyConnection, *, grace_seconds: float = ORPHAN_GRACE_SECONDS
) -> int:
    """Delete pack files no ``raw_pages`` row points to (all of whose pages were pruned or fetched
    again, or orphans of a killed run) and older than ``grace_seconds``; return how many.

    The grace keeps the pack of a batch another process is loading right now (written before its
    transaction commits)."""
    folder = raw_dir(con)
    if folder is None or not folder.is_dir():
        return 0
    used = {
        r[0]
        for r in con.execute(
            "SELECT DISTINCT body_file FROM raw_pages WHERE body_file IS NOT NULL"
        ).fetchall()
    }
    removed = 0
    for path in folder.glob(f"*/*{SUFFIX}*"):  # packs and leftover .part files
        rel = path.relative_to(folder).as_posix()
        try:
            young = time.time() - path.stat().st_mtime < grace_seconds
        except OSError:
            continue
        if rel not in used and not young:
            path.unlink(missing_ok=True)
            removed += 1
    for day in folder.iterdir():
        if day.is_dir() and not any(day.iterdir()):
            day.rmdir()
    return removed


__all__ = [
    "RAW_COMPRESSION",
    "Packed",
    "compress_body",
    "decompress_body",
    "raw_dir",
    "read_body",
    "remove_unreferenced",
    "write_pack",
]
