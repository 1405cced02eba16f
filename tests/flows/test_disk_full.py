"""A full disk under the warehouse: the run ends in seconds with one sentence that names the cause and
the remedy (no traceback, no Prefect retry), and once space is freed the next run loads what was not
loaded, nothing twice."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import warehouse
from kabar.server import ServerInfo
from tests.support.db import one
from tests.support.localsite import LocalSite

PAGES = 60


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 48 MB tmpfs (needs root and mount permission: skipped with the reason otherwise)."""
    where = tmp_path / "disk"
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", str(where)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(
            f"cannot mount a small tmpfs here to fill a disk: {mounted.stderr.strip() or mounted.returncode}"
        )
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _pages() -> dict[str, bytes]:
    rng = random.Random(7)
    words = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 10)))
        for _ in range(4000)
    ]
    out = {}
    for i in range(PAGES):
        paras = "".join("<p>" + " ".join(rng.choice(words) for _ in range(80)) + ".</p>" for _ in range(40))
        out[f"/berita/{i}.html"] = (
            f"<html><head><title>Berita {i}</title></head><body><article>{paras}</article></body></html>".encode()
        )
    return out


def _ingest(lake: Path, urls: Path, port: int) -> tuple[subprocess.CompletedProcess[str], float]:
    t0 = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-m", "kabar.cli", "ingest", "--warehouse", str(lake), "--urls-file", str(urls),
         "--allowed-host", f"127.0.0.1:{port}", "--batch-size", "20"],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "KABAR_SEARCH_AFTER_INGEST": "false"},
    )  # fmt: skip
    return out, time.monotonic() - t0


def test_a_full_disk_ends_the_run_readably_and_the_next_run_completes(
    prefect_server: ServerInfo, small_disk: Path, tmp_path: Path
) -> None:
    lake = small_disk / "kabar.ducklake"
    with warehouse.open_warehouse(lake):  # an existing warehouse: migrated, seeds loaded
        pass
    stats = os.statvfs(small_disk)
    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * (stats.f_bavail * stats.f_frsize - 1_500_000))  # 1.5 MB left
    with LocalSite() as site:
        for path, body in _pages().items():
            site.routes[path] = (200, {"Content-Type": "text/html"}, body)
        urls = tmp_path / "urls.txt"
        urls.write_text("\n".join(site.url(p) for p in _pages()) + "\n", encoding="utf-8")
        full, seconds = _ingest(lake, urls, site.port)
        filler.unlink()
        again, _ = _ingest(lake, urls, site.port)
    assert full.returncode == 3, full.stderr[-3000:]
    assert seconds < 90, seconds
    assert "Traceback" not in full.stderr, full.stderr[-3000:]
    last = full.stderr.strip().splitlines()[-1]
    assert last.startswith("kabar: load_batch failed: the disk holding the warehouse is full."), last
    assert "Free space on that disk" in last
    assert again.returncode == 0, again.stderr[-3000:]
    con = warehouse.connect(lake, read_only=True)
    try:
        n, distinct = one(con.execute("SELECT count(*), count(DISTINCT canonical_url) FROM articles"))
        states = con.execute(
            "SELECT state FROM runs WHERE flow_name = 'ingest' ORDER BY started_at"
        ).fetchall()
    finally:
        con.close()
    assert n == distinct == PAGES
    # the full run is closed as failed, or (when even that could not be written) found crashed by the next
    assert states[0][0] in ("failed", "crashed") and states[-1] == ("completed",), states
