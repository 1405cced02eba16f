"""`kabar verify`: every data file the catalog names and every raw-page pack is read; damage is
reported per table with the row ids it held, and the command exits 1."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import warehouse


def _filled(db_path: Path, seeds_dir: Path, make_article: Any, make_fetch: Any) -> None:
    with warehouse.open_warehouse(db_path, seeds_dir=seeds_dir) as con:
        for batch in range(3):
            ids = range(batch * 50, batch * 50 + 50)
            warehouse.load_batch(
                con,
                run_id=f"r{batch}",
                articles=[make_article(n) for n in ids],
                failures=[],
                fetches=[make_fetch(n, body=f"<html><p>page {n}</p></html>".encode() * 40) for n in ids],
            )


def _verify(db_path: Path) -> warehouse.VerifyReport:
    con = warehouse.connect(db_path, read_only=True)
    try:
        return warehouse.verify(con)
    finally:
        con.close()


def _article_files(db_path: Path) -> list[Path]:
    return sorted(db_path.parent.glob("kabar.ducklake.files/main/articles/*.parquet"))


def test_a_sound_warehouse_reads_whole(
    db_path: Path, seeds_dir: Path, make_article: Any, make_fetch: Any
) -> None:
    _filled(db_path, seeds_dir, make_article, make_fetch)
    report = _verify(db_path)
    assert report.ok, report.damage
    assert report.tables >= 14 and report.files >= 3 and report.raw_packs >= 1
    assert report.rows_read >= 150


def test_damage_is_found_per_table_with_its_rows(
    db_path: Path, seeds_dir: Path, make_article: Any, make_fetch: Any
) -> None:
    _filled(db_path, seeds_dir, make_article, make_fetch)
    first, second, *_ = _article_files(db_path)
    data = bytearray(first.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = b"\x13" * 64  # a flipped block inside the file: same size
    first.write_bytes(bytes(data))
    second.write_bytes(second.read_bytes()[:-100])  # truncated
    packs = sorted((db_path.parent / "kabar.ducklake.raw").rglob("*"))
    next(p for p in packs if p.is_file()).unlink()

    report = _verify(db_path)
    found = {(d.table, Path(d.path).name): d for d in report.damage}
    assert ("articles", first.name) in found and ("articles", second.name) in found, report.damage
    assert found[("articles", first.name)].problem.startswith("unreadable")
    assert "bytes, the catalog recorded" in found[("articles", second.name)].problem
    assert {found[("articles", f.name)].rows for f in (first, second)} == {(0, 49), (50, 99)}
    assert any(d.table == "raw_pages" and d.problem.startswith("missing") for d in report.damage)

    out = subprocess.run(
        [sys.executable, "-m", "kabar.cli", "verify", "--warehouse", str(db_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 1, out.stderr
    assert f"DAMAGED articles: {first}" in out.stdout and "(row ids 0-49)" in out.stdout
    assert "what to do:" in out.stdout and "kabar reparse" in out.stdout
    as_json = subprocess.run(
        [sys.executable, "-m", "kabar.cli", "verify", "--warehouse", str(db_path), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert as_json.returncode == 1 and json.loads(as_json.stdout)["ok"] is False
