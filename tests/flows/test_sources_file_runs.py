"""`kabar ingest`, `status` and `serve` read the user's sources file (--sources), not the packaged one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import warehouse
from kabar.server import ServerInfo
from tests.support.db import one
from tests.support.localsite import LocalSite

HEADER = "source_id,name,outlet,homepage,feeds,sitemaps,language,country,timezone\n"
PAGE = (
    "<html lang='id'><head><title>Banjir surut di Bekasi</title></head><body><article>"
    + "".join(
        f"<p>Warga kampung ke-{i} kembali ke rumah setelah banjir surut pada Selasa pagi, kata petugas.</p>"
        for i in range(12)
    )
    + "</article></body></html>"
).encode()


def _kabar(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kabar.cli", *args], capture_output=True, text=True, timeout=300
    )


def test_ingest_and_status_follow_the_users_sources_file(prefect_server: ServerInfo, tmp_path: Path) -> None:
    lake = tmp_path / "lake" / "kabar.ducklake"
    mine = tmp_path / "my-sources.csv"
    with LocalSite() as site:
        sitemap = (
            "<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            f"<url><loc>{site.url('/berita/banjir.html')}</loc></url></urlset>"
        ).encode()
        site.routes["/sitemap.xml"] = (200, {"Content-Type": "application/xml"}, sitemap)
        site.routes["/berita/banjir.html"] = (200, {"Content-Type": "text/html"}, PAGE)
        site.routes["/robots.txt"] = (404, {}, b"")
        mine.write_text(
            HEADER
            + f"lokal,Lokal News,Lokal,{site.url('/')},,{site.url('/sitemap.xml')},id,ID,Asia/Jakarta\n",
            encoding="utf-8",
        )
        out = _kabar(
            "ingest",
            "--warehouse",
            str(lake),
            "--sources",
            str(mine),
            "--allowed-host",
            f"127.0.0.1:{site.port}",
        )
    assert out.returncode == 0, out.stderr[-3000:]
    assert not (lake.parent / "sources.csv").exists()  # a named file is used as it is, nothing copied
    con = warehouse.connect(lake, read_only=True)
    try:
        assert con.execute("SELECT source_id, title FROM articles").fetchall() == [
            ("lokal", "Banjir surut di Bekasi")
        ]
        assert con.execute("SELECT source_id, timezone FROM sources").fetchall() == [
            ("lokal", "Asia/Jakarta")
        ]
        params = json.loads(one(con.execute("SELECT parameters FROM runs WHERE flow_name = 'ingest'"))[0])
    finally:
        con.close()
    assert params["sources"] == ["lokal"] and params["sources_file"] == str(mine.resolve())

    # a source added to the file shows in `kabar status` before any run has loaded it
    with mine.open("a", encoding="utf-8") as fh:
        fh.write("kedua,Kedua,Kedua,https://kedua.example/,https://kedua.example/rss,,id,ID,Asia/Jakarta\n")
    status = _kabar("status", "--warehouse", str(lake), "--sources", str(mine))
    assert status.returncode == 0, status.stderr
    assert (
        f"sources: 2 in {mine.resolve()}; not in the warehouse yet (the next ingest adds them): kedua"
        in status.stdout
    )
    assert "lokal" in status.stdout


def test_without_sources_the_packaged_ones_are_copied_beside_the_warehouse(
    prefect_server: ServerInfo, tmp_path: Path
) -> None:
    lake = tmp_path / "kabar.ducklake"
    with LocalSite() as site:
        site.routes["/a.html"] = (200, {"Content-Type": "text/html"}, PAGE)
        out = _kabar(
            "ingest",
            "--warehouse",
            str(lake),
            "--url",
            site.url("/a.html"),
            "--allowed-host",
            f"127.0.0.1:{site.port}",
        )
    assert out.returncode == 0, out.stderr[-3000:]
    created = tmp_path / "sources.csv"
    from extractors.sources import DEFAULT_SOURCES

    assert created.read_bytes() == DEFAULT_SOURCES.read_bytes()
    con = warehouse.connect(lake, read_only=True)
    try:
        n = one(con.execute("SELECT count(*) FROM sources"))[0]
    finally:
        con.close()
    assert n == DEFAULT_SOURCES.read_text("utf-8").count("\n") - 1  # every packaged row, from the copy


def test_serve_hands_the_sources_file_to_every_scheduled_ingest(tmp_path: Path) -> None:
    from kabar.serve import build_deployments, plan_schedules

    mine = tmp_path / "mine.csv"
    mine.write_text(
        HEADER.strip() + ",interval_minutes\n"
        "a,A,A,https://a.example/,https://a.example/rss,,id,ID,Asia/Jakarta,5\n"
        "b,B,B,https://b.example/,https://b.example/rss,,en,SG,Asia/Singapore,\n",
        encoding="utf-8",
    )
    plans = plan_schedules(15, None, mine)
    assert [(p.name, p.sources) for p in plans] == [("ingest-every-5m", ("a",)), ("ingest-every-15m", ("b",))]
    deployments = build_deployments(
        tmp_path / "kabar.ducklake", plans, maintenance_cron=None, sources_csv=mine
    )
    assert [d.parameters["sources_file"] for d in deployments] == [str(mine), str(mine)]
