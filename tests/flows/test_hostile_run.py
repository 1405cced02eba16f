"""A whole ingest run against a hostile local site, and SIGKILL-then-rerun at several points.

The run must finish, every good page must land, every bad URL must end with a readable recorded
reason; a run killed at any point and run again must leave zero duplicates and zero lost URLs.
"""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import warehouse
from tests.support.localsite import LocalSite
from tests.support.pages import news_page, slow_page

pytestmark = pytest.mark.slow

GOOD = 24


def _reset(h):
    h.close_connection = True
    h.connection.shutdown(2)


BAD: dict[str, Any] = {
    "/bad/404.html": (404, {"Content-Type": "text/html"}, b"<h1>gone</h1>"),
    "/bad/410.html": (410, {"Content-Type": "text/html"}, b"<h1>gone</h1>"),
    "/bad/doc.pdf": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4\n" + b"\0" * 2000),
    "/bad/binary.html": (200, {"Content-Type": "text/html"}, bytes(range(256)) * 40),
    "/bad/empty.html": (200, {"Content-Type": "text/html"}, b""),
    "/bad/huge.html": (200, {"Content-Type": "text/html"}, b"<html><body>" + b"x" * (6 * 1024 * 1024)),
    "/bad/bomb.html": (
        200,
        {"Content-Type": "text/html", "Content-Encoding": "gzip"},
        gzip.compress(b"<html>" + b" " * (40 * 1024 * 1024)),
    ),
    "/bad/private-redirect.html": (302, {"Location": "http://10.0.0.1/secret"}, b""),
    "/bad/reset.html": _reset,
    "/bad/nothing.html": (200, {"Content-Type": "text/html"}, b"<html><body><nav>menu</nav></body></html>"),
}


def _feed(site: LocalSite, paths: list[str]) -> bytes:
    items = "".join(f"<item><title>{p}</title><link>{site.url(p)}</link></item>" for p in paths)
    return (
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>{items}</channel></rss>".encode()
    )


def _site(delay: float, gate: threading.Event | None = None) -> LocalSite:
    site = LocalSite()
    good = [f"/berita/{i}.html" for i in range(GOOD)]
    for i, p in enumerate(good):
        site.routes[p] = slow_page(news_page(i), delay, gate)
    site.routes.update(BAD)
    # the same article twice more, differing only by tracking parameters / fragment
    paths = [*good, *BAD, "/berita/0.html?utm_source=x&fbclid=y", "/berita/1.html#comments"]
    site.routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml"}, _feed(site, paths))
    site.routes["/robots.txt"] = (
        200,
        {"Content-Type": "text/plain"},
        b"User-agent: *\nDisallow: /private/\n",
    )
    return site


def _cmd(site: LocalSite, db: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "kabar.cli",
        "ingest",
        "--feed",
        site.url("/feed.xml"),
        "--warehouse",
        str(db),
        "--allowed-host",
        f"127.0.0.1:{site.port}",
        "--batch-size",
        "4",
        "--workers",
        "2",
    ]


def _start(site: LocalSite, db: Path) -> subprocess.Popen[bytes]:
    """``kabar ingest`` in its own session (so a test can signal the whole group), stderr kept."""
    return subprocess.Popen(
        _cmd(site, db), env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "KABAR_READ_TIMEOUT": "2",
            "KABAR_TOTAL_TIMEOUT": "4",
            "KABAR_RETRIES": "1",
            "KABAR_BACKOFF_BASE": "0.05",
        }
    )
    return env


def _state(db: Path) -> dict[str, Any]:
    con = warehouse.connect(db, read_only=True)
    try:
        q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
        return {
            "articles": q("SELECT count(*) FROM articles")[0][0],
            "distinct": q("SELECT count(DISTINCT canonical_url) FROM articles")[0][0],
            "status": dict(q("SELECT status, count(*) FROM url_state GROUP BY status")),
            "failed": dict(
                q("SELECT url, error_class || ': ' || error FROM url_state WHERE status = 'failed'")
            ),
        }
    finally:
        con.close()


def _check_final(db: Path, site: LocalSite) -> dict[str, Any]:
    st = _state(db)
    assert st["articles"] == GOOD, st
    assert st["distinct"] == st["articles"]
    assert st["status"].get("pending", 0) == 0, st["status"]
    failed = st["failed"]
    for path in BAD:
        reason = failed.get(site.url(path))
        assert reason, f"{path} has no recorded failure: {failed}"
        assert len(reason) > 12  # a readable sentence, not just a code
    return st


def test_hostile_site_run_finishes_and_records_every_bad_url(prefect_server, tmp_path):
    db = tmp_path / "h.ducklake"
    with _site(0.0) as site:
        proc = subprocess.run(_cmd(site, db), env=_env(), capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-3000:]
        st = _check_final(db, site)
        failed = st["failed"]
        assert "private" in failed[site.url("/bad/private-redirect.html")].lower()
        assert "404" in failed[site.url("/bad/404.html")]
        # a re-run fetches nothing new and does not retry permanent failures
        before = dict(site.hits)
        proc = subprocess.run(_cmd(site, db), env=_env(), capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert _state(db)["articles"] == GOOD
        assert site.hits["/bad/404.html"] == before["/bad/404.html"]
        assert all(site.hits[f"/berita/{i}.html"] == before[f"/berita/{i}.html"] for i in range(GOOD))


@pytest.mark.parametrize("kill_after_hits", [1, 8, 20])
def test_sigkill_then_rerun_loses_nothing_and_doubles_nothing(prefect_server, tmp_path, kill_after_hits):
    """SIGKILL once the server has served N requests (after discovery, mid-run, late), then re-run."""
    db = tmp_path / "k.ducklake"
    with _site(0.15) as site:
        proc = _start(site, db)
        deadline = time.monotonic() + 120
        page_hits = lambda: sum(v for k, v in site.hits.items() if k.startswith("/berita/"))  # noqa: E731
        target = kill_after_hits
        while time.monotonic() < deadline and proc.poll() is None:
            if (target == 1 and site.hits["/feed.xml"] >= 1) or (target > 1 and page_hits() >= target):
                break
            time.sleep(0.02)
        assert proc.poll() is None, "run finished before the kill point; slow the site down"
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        time.sleep(0.5)
        rerun = subprocess.run(_cmd(site, db), env=_env(), capture_output=True, text=True, timeout=300)
        assert rerun.returncode == 0, rerun.stderr[-3000:]
        _check_final(db, site)


def test_two_runs_at_once_both_complete_and_a_reader_answers_meanwhile(prefect_server, tmp_path):
    """While run A is mid-batch (its page requests are held open), `kabar sql` answers at once and a
    second run B on the same warehouse starts and waits only on the same held pages; when the gate
    opens both complete (their commits race and are retried), and nothing is lost or doubled."""
    db = tmp_path / "c.ducklake"
    gate = threading.Event()
    with _site(0.0, gate) as site:
        first = _start(site, db)
        second: subprocess.Popen[bytes] | None = None
        try:
            deadline = time.monotonic() + 120
            page_hits = lambda: sum(v for k, v in site.hits.items() if k.startswith("/berita/"))  # noqa: E731
            while time.monotonic() < deadline and page_hits() < 1 and first.poll() is None:
                time.sleep(0.05)
            assert first.poll() is None and page_hits() >= 1
            started = time.monotonic()
            read = subprocess.run(
                [sys.executable, "-m", "kabar.cli", "sql", "SELECT count(*) AS n FROM url_state", "--warehouse",
                 str(db), "--format", "csv"],
                env=_env(), capture_output=True, text=True, timeout=120,
            )  # fmt: skip
            assert read.returncode == 0, read.stderr[-2000:]
            assert time.monotonic() - started < 30 and int(read.stdout.splitlines()[1]) > 0
            second = _start(site, db)
            time.sleep(3)
            assert second.poll() is None  # running beside A, not refused
        finally:
            gate.set()
        assert first.wait(timeout=300) == 0, first.stderr.read()[-2000:] if first.stderr else ""
        assert second is not None
        assert second.wait(timeout=300) == 0, second.stderr.read()[-2000:] if second.stderr else ""
        _check_final(db, site)


def test_sigterm_mid_batch_stops_the_run_promptly_then_rerun_completes(prefect_server, tmp_path):
    """SIGTERM (what ``timeout``, systemd and container stops send) while pages are in flight: the
    process must exit within seconds (no thread left waiting on the closed fetch loop), and a
    re-run finishes the job with nothing lost or doubled."""
    db = tmp_path / "t.ducklake"
    gate = threading.Event()
    with _site(0.0, gate) as site:
        proc = _start(site, db)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None and site.hits["/feed.xml"] < 1:
            time.sleep(0.02)
        time.sleep(1.0)  # page requests are now held at the gate: a batch is in flight
        assert proc.poll() is None, "run finished before the signal"
        proc.send_signal(signal.SIGTERM)
        t0 = time.monotonic()
        try:
            proc.wait(timeout=45)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            pytest.fail("kabar ingest did not exit within 45 s of SIGTERM")
        finally:
            gate.set()
        assert time.monotonic() - t0 < 45
        err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
        # an interruption, said in one line: exit 143, no traceback, the run closed with its reason
        assert proc.returncode == 143, err[-3000:]
        assert "Traceback" not in err and "interrupted (SIGTERM)" in err, err[-3000:]
        con = warehouse.connect(db, read_only=True)
        try:
            runs = con.execute("SELECT state, error FROM runs").fetchall()
        finally:
            con.close()
        assert runs == [("cancelled", "interrupted (SIGTERM)")], runs
        time.sleep(0.5)
        rerun = subprocess.run(_cmd(site, db), env=_env(), capture_output=True, text=True, timeout=300)
        assert rerun.returncode == 0, rerun.stderr[-3000:]
        _check_final(db, site)
