"""Discovery memory and re-run cost against the size of a sitemap index (issue 20, item 5).

Run from the repo root (figures are printed; this is not a test)::

    .venv/bin/python bench/discovery_bench.py                       # 100,000 and 500,000 URLs
    .venv/bin/python bench/discovery_bench.py --sizes 50000,1000000 --max-urls 20

For each size: a loopback site serves a sitemap index whose children list that many article URLs
(50,000 per child, the protocol's limit) and small article pages; a fresh warehouse; ``kabar ingest
--sitemap … --max-urls N`` runs cold while the RSS of its process tree is sampled, then runs again
(the sitemaps unchanged but answering 200, as many servers do). Printed per size: the peak RSS of
the ingest process alone and of its tree, wall time of both runs, URLs in the ledger, and how many
lake snapshots each run added (a run that re-recorded known URLs would add them in the second run).
"""

from __future__ import annotations

import argparse
import http.server
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))
from ingest_bench import TreeSampler, free_port, kabar_bin, loadavg, start_server, stop_server  # noqa: E402
from table import Row, print_table  # noqa: E402

PER_CHILD = 50_000
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


class _Site(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, urls: int) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.urls = urls
        self.base = f"http://127.0.0.1:{self.server_address[1]}"
        self.children = (urls + PER_CHILD - 1) // PER_CHILD
        self.cache: dict[str, bytes] = {}

    def body(self, path: str) -> tuple[bytes, str] | None:
        if path == "/sitemap.xml":
            locs = "".join(
                f"<sitemap><loc>{self.base}/s{c}.xml</loc></sitemap>" for c in range(self.children)
            )
            return (
                f"<?xml version='1.0'?><sitemapindex {NS}>{locs}</sitemapindex>".encode(),
                "application/xml",
            )
        if path.startswith("/s") and path.endswith(".xml"):
            c = int(path[2:-4])
            if path not in self.cache:
                first, last = c * PER_CHILD, min(self.urls, (c + 1) * PER_CHILD)
                urls = "".join(
                    f"<url><loc>{self.base}/berita/{i}.html</loc><lastmod>2026-11-{1 + i % 28:02d}</lastmod></url>"
                    for i in range(first, last)
                )
                self.cache[path] = f"<?xml version='1.0'?><urlset {NS}>{urls}</urlset>".encode()
            return self.cache[path], "application/xml"
        if path.startswith("/berita/"):
            n = path.rsplit("/", 1)[1]
            para = (
                f"<p>Berita nomor {n}: pemerintah kota mengumumkan rencana baru untuk jalan dan jembatan.</p>"
            )
            return (
                f"<html lang='id'><head><title>Berita {n}</title></head><body><article><h1>Berita {n}</h1>"
                f"{para * 6}</article></body></html>"
            ).encode(), "text/html; charset=utf-8"
        return None


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Site

    def do_GET(self) -> None:  # noqa: N802
        got = self.server.body(self.path)
        if got is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body, ctype = got
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def _lake_counts(warehouse: Path) -> tuple[int, int]:
    """(URLs in the ledger, snapshots in the lake)."""
    import warehouse as wh
    from warehouse.connection import ALIAS

    con = wh.connect(warehouse, read_only=True)
    try:
        urls = con.execute("SELECT count(*) FROM url_state").fetchone()
        snaps = con.execute(f"SELECT count(*) FROM ducklake_snapshots('{ALIAS}')").fetchone()
        return int(urls[0] if urls else 0), int(snaps[0] if snaps else 0)
    finally:
        con.close()


def _ingest(site: _Site, warehouse: Path, env: dict[str, str], max_urls: int) -> tuple[float, int, int, int]:
    """(wall s, peak RSS of the kabar process, peak RSS of its tree, exit code)."""
    cmd = [
        str(kabar_bin()),
        "ingest",
        "--sitemap",
        f"{site.base}/sitemap.xml",
        "--warehouse",
        str(warehouse),
        "--allowed-host",
        f"127.0.0.1:{site.server_address[1]}",
        "--max-urls",
        str(max_urls),
    ]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    with TreeSampler(proc.pid, interval=0.2) as sampler:
        _, err = proc.communicate(timeout=3600)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        print(err.decode("utf-8", "replace")[-2000:], file=sys.stderr)
    main_peak = sampler.per_pid.get(proc.pid, 0)
    return wall, main_peak, sampler.peak, proc.returncode


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--sizes", default="100000,500000", help="URLs listed by the sitemap index, comma-separated"
    )
    ap.add_argument("--max-urls", type=int, default=20, help="URLs each run fetches (default 20)")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    print(f"machine: {os.cpu_count()} cores, load {loadavg()}")
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="kabar-discovery-") as tmp:
        env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1")
        port = free_port()
        anchor = Path(tmp) / "server" / "w.ducklake"
        anchor.parent.mkdir()
        secs, api_url, _, _ = start_server(anchor, port, env)
        print(f"Prefect server started in {secs:.1f} s")
        env["PREFECT_API_URL"] = api_url or f"http://127.0.0.1:{port}/api"
        try:
            for n in sizes:
                site = _Site(n)
                threading.Thread(target=site.serve_forever, daemon=True).start()
                try:
                    warehouse = Path(tmp) / f"w{n}" / "lake.ducklake"
                    warehouse.parent.mkdir()
                    w1, main1, tree1, rc1 = _ingest(site, warehouse, env, args.max_urls)
                    urls1, snaps1 = _lake_counts(warehouse)
                    w2, main2, tree2, rc2 = _ingest(site, warehouse, env, args.max_urls)
                    urls2, snaps2 = _lake_counts(warehouse)
                finally:
                    site.shutdown()
                print(
                    f"{n:,} URLs: run 1 {w1:.0f} s exit {rc1}, run 2 {w2:.0f} s exit {rc2}; ledger {urls1:,} -> "
                    f"{urls2:,}; snapshots +{snaps1} then +{snaps2 - snaps1}",
                    flush=True,
                )
                rows += [
                    (
                        f"{n:,} URLs: peak PSS of `kabar ingest`, run 1",
                        f"{main1 / 1e6:.0f} MB",
                        "flat in N",
                        None,
                    ),
                    (f"{n:,} URLs: peak RSS of its process tree, run 1", f"{tree1 / 1e6:.0f} MB", "", None),
                    (
                        f"{n:,} URLs: peak PSS of `kabar ingest`, run 2",
                        f"{main2 / 1e6:.0f} MB",
                        "flat in N",
                        None,
                    ),
                    (f"{n:,} URLs: wall time run 1 / run 2", f"{w1:.0f} s / {w2:.0f} s", "", None),
                    (
                        f"{n:,} URLs: lake snapshots added by run 2",
                        f"{snaps2 - snaps1}",
                        f"as for {args.max_urls} pages (none for known URLs)",
                        None,
                    ),
                ]
        finally:
            stop_server(anchor, port, env)
    print_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
