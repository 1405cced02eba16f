"""Extraction workers die with the process that started them, however it dies (issue: SIGKILL of
`kabar ingest` left its workers alive for 16 minutes, holding memory and the warehouse)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import psutil
import pytest

from kabar.server import ServerInfo
from tests.support.localsite import LocalSite
from tests.support.pages import FLOOD_PAGE

pytestmark = pytest.mark.serial

PAGE = FLOOD_PAGE


def test_sigkill_of_ingest_leaves_no_worker_alive(prefect_server: ServerInfo, tmp_path: Path) -> None:
    def slow_page(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(0.5)  # the run stays busy long enough to be killed with its workers up
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(len(PAGE)))
        handler.end_headers()
        handler.wfile.write(PAGE)

    with LocalSite() as site:
        pages = [f"/berita/{i}.html" for i in range(400)]
        for path in pages:
            site.routes[path] = slow_page
        urls = tmp_path / "urls.txt"
        urls.write_text("\n".join(site.url(p) for p in pages) + "\n", encoding="utf-8")
        proc = subprocess.Popen(
            [sys.executable, "-m", "kabar.cli", "ingest", "--warehouse", str(tmp_path / "kabar.ducklake"),
             "--urls-file", str(urls), "--allowed-host", f"127.0.0.1:{site.port}", "--workers", "2",
             "--batch-size", "40"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        parent = psutil.Process(proc.pid)
        workers: list[psutil.Process] = []
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and proc.poll() is None and len(workers) < 2:
            workers = [c for c in parent.children(recursive=True) if c.is_running()]
            time.sleep(0.2)
        assert len(workers) >= 2, "the ingest never started its extraction workers"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        killed_at = time.monotonic()
        gone, alive = psutil.wait_procs(workers, timeout=10)
        took = time.monotonic() - killed_at
    for p in alive:
        p.kill()
    assert not alive, [p.pid for p in alive]
    assert took < 5, took
