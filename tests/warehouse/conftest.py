"""Fixtures for the warehouse tests: real DuckDB files in tmp_path and record factories."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pytest

import warehouse
from records.errors import ErrorClass
from records.models import ArticleRef, ArticleRow, AttributionRow, DateRow, FailureRow, FetchResult

REPO = Path(__file__).resolve().parents[2]
JAKARTA = ZoneInfo("Asia/Jakarta")
FETCHED = datetime(2025, 3, 5, 2, 0, tzinfo=UTC)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "wh" / "kabar.ducklake"


_SOURCES_CSV = (
    "source_id,name,outlet,homepage,feeds,sitemaps,language,country,timezone,notes\n"
    "egindo,EGINDO.co,EGINDO.co,https://www.egindo.co/,https://www.egindo.co/feed/,"
    "https://www.egindo.co/sitemap_index.xml,id,ID,Asia/Jakarta,extra column\n"
    'cna,CNA,CNA,https://www.channelnewsasia.com/,"https://a.example/rss|https://b.example/rss",,en,SG,'
    "Asia/Singapore,\n"
)
_AGENCIES_CSV = (
    "canonical,aliases,country,kind,domains,slot_only_aliases,credit_slot_only\n"
    "Antara,Antara|ANTARA News|Kantor Berita Antara,ID,agency,antaranews.com,ANT,false\n"
    "AFP,AFP|Agence France-Presse,FR,agency,afp.com,,\n"
)


def _write_seeds(d: Path) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    (d / "sources.csv").write_text(_SOURCES_CSV, encoding="utf-8")
    (d / "agencies.csv").write_text(_AGENCIES_CSV, encoding="utf-8")
    return d


@pytest.fixture
def seeds_dir(tmp_path: Path) -> Path:
    """A small seeds directory (sources + agencies) written by the test, not the repo's."""
    return _write_seeds(tmp_path / "seeds")


@pytest.fixture(scope="session")
def _template_lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated warehouse with the test seeds loaded, made once per session (about 2 s each)."""
    root = tmp_path_factory.mktemp("template-lake")
    lake = root / "wh" / "kabar.ducklake"
    with warehouse.open_warehouse(lake, seeds_dir=_write_seeds(root / "seeds")):
        pass
    return lake


def copy_lake(template: Path, target: Path) -> Path:
    """A copy of the SQLite-catalog lake ``template`` at ``target`` (its data folder beside it).
    The catalog records its data folder's absolute path: the copy's is rewritten to its own."""
    import shutil
    import sqlite3

    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(template, target)
    data = template.with_name(template.name + ".files")
    shutil.copytree(data, target.with_name(target.name + ".files"))
    catalog = sqlite3.connect(target)
    try:
        catalog.execute(
            "UPDATE ducklake_metadata SET value = ? WHERE key = 'data_path'",
            (str(target.with_name(target.name + ".files")) + os.sep,),
        )
        catalog.commit()
    finally:
        catalog.close()
    return target


@pytest.fixture
def con(db_path: Path, seeds_dir: Path, _template_lake: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A fresh warehouse (a copy of the session's migrated, seeded template), opened as Kabar does."""
    copy_lake(_template_lake, db_path)
    with warehouse.open_warehouse(db_path, seeds_dir=seeds_dir) as c:
        yield c


def _article(
    n: int,
    *,
    text: str | None = None,
    source_id: str | None = "egindo",
    title: str | None = None,
    attributions: tuple[AttributionRow, ...] | None = None,
    published_at: datetime | None = datetime(2025, 3, 5, 8, 30, tzinfo=JAKARTA),
    fetched_at: datetime = FETCHED,
    url: str | None = None,
) -> ArticleRow:
    body = text if text is not None else f"Body of article {n}. " * 20
    page = url or f"https://www.egindo.co/news/{n}"
    return ArticleRow(
        url=page,
        canonical_url=page.lower(),
        source_id=source_id,
        outlet="EGINDO.co",
        title=title if title is not None else f"Title {n}",
        text=body,
        authors=("Budi",),
        language="id",
        published_at=published_at,
        published_at_source="meta",
        published_flags=(),
        dateline_place="Jakarta",
        content_hash=hashlib.sha256(body.encode()).hexdigest(),
        fetched_at=fetched_at,
        final_url=page,
        attributions=attributions
        if attributions is not None
        else (
            AttributionRow("agency", "ANTARA", "Antara", "(ANTARA)"),
            AttributionRow("reporter", "Budi Santoso", None, "Pewarta: Budi Santoso"),
        ),
        dates=(DateRow("published", published_at, "minute", "5 Maret 2025 08:30 WIB"),),
    )


def _ref(
    n: int, *, source_id: str | None = "egindo", url: str | None = None, language: str | None = None
) -> ArticleRef:
    return ArticleRef(
        url=url or f"https://www.egindo.co/news/{n}",
        discovered_via="feed",
        discovered_from="https://www.egindo.co/feed/",
        source_id=source_id,
        title=f"Feed title {n}",
        published=datetime(2025, 3, 5, 8, 0, tzinfo=JAKARTA),
        language=language,
    )


def _fetch(n: int, *, body: bytes = b"<html><p>page</p></html>", ok: bool = True, **kw: Any) -> FetchResult:
    page = kw.pop("url", None) or f"https://www.egindo.co/news/{n}"
    return FetchResult(
        url=page,
        final_url=page,
        ok=ok,
        status=kw.pop("status", 200 if ok else 404),
        fetched_at=kw.pop("fetched_at", FETCHED),
        body=body if ok else b"",
        content_type="text/html",
        charset="utf-8",
        **kw,
    )


def _failure(
    n: int, *, transient: bool = False, error_class: ErrorClass = "http_404", stage: str = "fetch"
) -> FailureRow:
    return FailureRow(
        url=f"https://www.egindo.co/news/{n}",
        source_id="egindo",
        stage=stage,  # type: ignore[arg-type]
        error_class=error_class,
        error=f"{error_class} for article {n}",
        transient=transient,
        at=FETCHED,
    )


@pytest.fixture
def make_article() -> Callable[..., ArticleRow]:
    return _article


@pytest.fixture
def make_ref() -> Callable[..., ArticleRef]:
    return _ref


@pytest.fixture
def make_fetch() -> Callable[..., FetchResult]:
    return _fetch


@pytest.fixture
def make_failure() -> Callable[..., FailureRow]:
    return _failure


def run_python(code: str, cwd: Path, **kw: Any) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


@pytest.fixture
def python_proc() -> Callable[..., subprocess.Popen[str]]:
    return run_python
