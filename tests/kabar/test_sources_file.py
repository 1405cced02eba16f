"""The user's sources file: beside the warehouse by default, copied from the packaged one on first
use and never overwritten; a file named with --sources / KABAR_SOURCES must exist."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from extractors.sources import DEFAULT_SOURCES
from pipeline.settings import load_settings
from pipeline.sources_file import sources_path, user_sources_file
from records.errors import ParseError


def test_the_default_file_is_created_beside_the_warehouse_once(tmp_path: Path) -> None:
    settings = load_settings(warehouse=str(tmp_path / "lake" / "kabar.ducklake"), sources="")
    path = tmp_path / "lake" / "sources.csv"
    assert sources_path(settings) == path
    # a read-only command does not create it: it reads the packaged defaults meanwhile
    assert user_sources_file(settings, create=False) == DEFAULT_SOURCES
    assert not path.exists()
    assert user_sources_file(settings) == path
    assert path.read_bytes() == DEFAULT_SOURCES.read_bytes()
    path.write_text("source_id,name,outlet,homepage,feeds,sitemaps,language,country,timezone\n", "utf-8")
    assert user_sources_file(settings) == path
    assert "antara" not in path.read_text("utf-8")  # the user's edits are never overwritten
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_a_named_file_must_exist(tmp_path: Path) -> None:
    settings = load_settings(warehouse=str(tmp_path / "kabar.ducklake"), sources=str(tmp_path / "typo.csv"))
    with pytest.raises(ParseError, match=r"typo\.csv not found \(named by --sources or KABAR_SOURCES\)"):
        user_sources_file(settings)
    assert not (tmp_path / "typo.csv").exists()


def test_kabar_sources_env_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mine = tmp_path / "mine.csv"
    mine.write_bytes(DEFAULT_SOURCES.read_bytes())
    monkeypatch.setenv("KABAR_SOURCES", str(mine))
    assert user_sources_file(load_settings(warehouse=str(tmp_path / "elsewhere" / "w.ducklake"))) == mine


@pytest.mark.parametrize("command", ["ingest", "reparse", "status", "serve"])
def test_a_missing_sources_file_stops_the_command_before_anything_starts(
    tmp_path: Path, command: str
) -> None:
    lake = tmp_path / "kabar.ducklake"
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "kabar.cli",
            command,
            "--warehouse",
            str(lake),
            "--sources",
            str(tmp_path / "no.csv"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"},
    )
    assert out.returncode == 2, out.stderr
    assert out.stderr.strip().splitlines() == [
        f"kabar: sources file {tmp_path / 'no.csv'} not found (named by --sources or KABAR_SOURCES); "
        "check the path, or leave it unset to use sources.csv beside the warehouse"
    ]
    assert not lake.exists() and not (tmp_path / ".kabar-prefect").exists()
