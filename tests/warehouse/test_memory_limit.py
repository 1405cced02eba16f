"""The loading flows' DuckDB memory cap (``KABAR_LOAD_MEMORY_LIMIT``): parsing, applying, loading under it."""

from __future__ import annotations

import base64
import random
from pathlib import Path

import pytest
from pydantic import ValidationError

import warehouse
from pipeline.settings import load_settings
from tests.support.db import duckdb_says, one


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("96MB", "96MB"),
        (" 1.5 GiB ", "1.5GiB"),
        ("65536kb", "65536kb"),
        ("64MB", "64MB"),
        ("", None),
        ("0", None),
    ],
)
def test_memory_sizes_are_normalised(given: str, expected: str | None) -> None:
    assert warehouse.parse_memory_limit(given) == expected


@pytest.mark.parametrize("bad", ["96", "lots", "96MB'; DROP TABLE articles; --", "-5MB", "1e3MB"])
def test_anything_but_a_size_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="not a memory size"):
        warehouse.parse_memory_limit(bad)


@pytest.mark.parametrize("small", ["0MB", "63MB", "61MiB", "32MB"])
def test_caps_too_small_to_load_under_are_refused(small: str) -> None:
    """DuckDB needs ~24-32MB pinned to load a batch (measured: 24MB failed with out-of-memory)."""
    with pytest.raises(ValueError, match="below the 64MB minimum"):
        warehouse.parse_memory_limit(small)


def test_settings_check_the_env_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KABAR_LOAD_MEMORY_LIMIT", "nonsense")
    with pytest.raises(ValidationError, match="not a memory size"):
        load_settings()
    monkeypatch.setenv("KABAR_LOAD_MEMORY_LIMIT", "0")
    assert load_settings().load_memory_limit == ""  # DuckDB's default
    monkeypatch.setenv("KABAR_LOAD_MEMORY_LIMIT", "128 MB")
    assert load_settings().load_memory_limit == "128MB"


def test_open_warehouse_applies_the_limit_only_when_asked(db_path: Path, seeds_dir: Path) -> None:
    with warehouse.open_warehouse(db_path, seeds_dir=seeds_dir) as con:
        default = warehouse.current_memory_limit(con)
    with warehouse.open_warehouse(db_path, seeds_dir=seeds_dir, memory_limit="80MB") as con:
        assert warehouse.current_memory_limit(con) == duckdb_says("80MB") != default
    with warehouse.open_warehouse(db_path, seeds_dir=seeds_dir, memory_limit="") as con:
        assert warehouse.current_memory_limit(con) == default


def test_a_load_larger_than_the_limit_completes_under_it(
    db_path: Path, seeds_dir: Path, make_article
) -> None:
    """About 90 MB of text that does not compress, in batches of 200, under the smallest cap allowed
    (64MB): every commit writes its rows to the lake's Parquet files, so nothing accumulates in
    DuckDB's memory, no batch fails with an out-of-memory error, and every row is there."""
    rng = random.Random(7)
    n, per_batch = 7000, 200
    with warehouse.open_warehouse(db_path, seeds_dir=seeds_dir, memory_limit="64MB") as con:
        for start in range(0, n, per_batch):
            rows = [
                make_article(i, text=base64.b64encode(rng.randbytes(9_750)).decode())
                for i in range(start, start + per_batch)
            ]
            stats = warehouse.load_batch(con, run_id="r", articles=rows, failures=[], fetches=[])
            assert stats.new == per_batch
        in_memory = int(one(con.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()"))[0])
    assert in_memory <= 64 * 10**6
    with warehouse.open_warehouse(db_path, seeds_dir=seeds_dir) as con:
        assert one(con.execute("SELECT count(*), min(length(text)) FROM articles")) == (n, 13_000)


def test_a_batch_too_big_for_the_cap_goes_in_without_it(
    db_path: Path, seeds_dir: Path, make_article, caplog: pytest.LogCaptureFixture
) -> None:
    """Very long texts (300 KB each, 60 MB a batch) need more pinned at COMMIT than a 64MB cap allows
    (DuckDB: "failed to pin block"). The batch must not be lost: the cap is lifted, with a warning,
    and the batch is written once."""
    rng = random.Random(11)
    with warehouse.open_warehouse(db_path, seeds_dir=seeds_dir, memory_limit="64MB") as con:
        capped = warehouse.current_memory_limit(con)
        for b in range(2):
            rows = [
                make_article(b * 200 + i, text=base64.b64encode(rng.randbytes(225_000)).decode())
                for i in range(200)
            ]
            assert warehouse.load_batch(con, run_id="r", articles=rows, failures=[], fetches=[]).new == 200
        lifted = warehouse.current_memory_limit(con)
    assert lifted != capped
    assert any("ran out of memory under the DuckDB cap" in r.getMessage() for r in caplog.records)
    with warehouse.open_warehouse(db_path, seeds_dir=seeds_dir) as con:
        assert one(con.execute("SELECT count(*), count(DISTINCT article_id) FROM articles")) == (400, 400)
