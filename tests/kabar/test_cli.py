"""The ``kabar`` command line, run as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

import warehouse

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEED = FIXTURES / "attribution" / "egindo-shoigu.txt"


def kabar(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kabar.cli", *args], input=stdin, capture_output=True, text=True, timeout=120
    )


def _lake_with(tmp_path, create_sql: str):
    """A new lake ``w.ducklake`` under ``tmp_path`` holding the table ``create_sql`` makes."""
    db = tmp_path / "w.ducklake"
    con = warehouse.connect(db)
    con.execute(create_sql)
    con.close()
    return db


def test_help_lists_every_command():
    out = kabar("--help")
    assert out.returncode == 0
    for cmd in (
        "demo",
        "ingest",
        "sql",
        "shell",
        "migrate",
        "search",
        "parse",
        "reparse",
        "server",
        "serve",
        "runs",
        "status",
    ):
        assert cmd in out.stdout
    ingest = kabar("ingest", "--help").stdout
    for flag in (
        "--feed",
        "--sitemap",
        "--url",
        "--urls-file",
        "--warehouse",
        "--refresh",
        "--allow-private",
    ):
        assert flag in ingest


def test_version_and_python_dash_m():
    out = kabar("--version")
    assert out.returncode == 0 and out.stdout.startswith("kabar ") and out.stdout.split()[1][0].isdigit()
    m = subprocess.run([sys.executable, "-m", "kabar", "--help"], capture_output=True, text=True, timeout=120)
    assert m.returncode == 0 and "Exit codes" in m.stdout


def test_sql_into_a_closed_pipe_ends_quietly(tmp_path):
    db = _lake_with(tmp_path, "CREATE TABLE t AS SELECT range AS x FROM range(200000)")
    proc = subprocess.run(
        f"{sys.executable} -m kabar.cli sql 'SELECT x FROM t' --warehouse {db} --format csv | head -n 2",
        shell=True, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.stdout.splitlines() == ["x", "0"]
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr, proc.stderr


def test_sql_safe_reads_the_lake_but_no_other_file(tmp_path):
    db = _lake_with(
        tmp_path, "CREATE TABLE t AS SELECT range AS x FROM range(100000)"
    )  # in Parquet files, not inlined
    secret = tmp_path / "secret.txt"
    secret.write_text("not for you", encoding="utf-8")
    ok = kabar("sql", "SELECT count(*) AS n FROM t", "--warehouse", str(db), "--format", "json", "--safe")
    assert ok.returncode == 0 and json.loads(ok.stdout) == {"n": 100000}, ok.stderr
    local = kabar(
        "sql", f"SELECT content FROM read_text('{secret}')", "--warehouse", str(db), "--format", "json"
    )
    assert local.returncode == 0 and "not for you" in local.stdout  # the local user keeps DuckDB's reach
    for query in (
        f"SELECT content FROM read_text('{secret}')",
        f"COPY (SELECT 1) TO '{tmp_path / 'out.csv'}'",
        "SET enable_external_access = true",
    ):
        refused = kabar("sql", query, "--warehouse", str(db), "--safe")
        assert refused.returncode != 0 and "not for you" not in refused.stdout, query
    assert not (tmp_path / "out.csv").exists()


def test_parse_founding_article():
    out = kabar(
        "parse",
        "--url",
        "https://www.egindo.co/shoigu/",
        "--published",
        "2024-11-13T06:12:00+07:00",
        stdin=SEED.read_text(encoding="utf-8"),
    )
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert got["dateline_place"] == "Beijing"
    assert got["outlet"] == "EGINDO.co"
    assert got["agencies"] == ["Channel NewsAsia"]
    assert "SL" in got["staff_initials"] + got["editors"]
    assert got["reporters"] == [] and got["cited_agencies"] == []
    selasa = [d for d in got["dates"] if "12 November" in d["text"]]
    assert selasa and selasa[0]["date"] == "2024-11-12"


def test_parse_jsonl_keeps_ids_ignores_unknown_keys_and_reports_bad_lines():
    lines = [
        json.dumps(
            {
                "id": "x1",
                "url": "https://www.egindo.co/a/",
                "text": SEED.read_text(encoding="utf-8"),
                "published": "2024-11-12T20:00:00+07:00",
                "unknown": 1,
            }
        ),
        json.dumps(
            {
                "id": "x2",
                "html": "<html lang='en'><body><article><p>WASHINGTON (AP) — Lawmakers met on "
                "Tuesday to discuss the budget and agreed on nothing at all, officials said after the long "
                "meeting ended late in the evening.</p></article></body></html>",
            }
        ),
        "this is not json",
    ]
    out = kabar("parse", "--jsonl", stdin="\n".join(lines) + "\n")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r.get("id") for r in rows] == ["x1", "x2", None]
    assert rows[0]["agencies"] == ["Channel NewsAsia"]
    assert rows[1]["agencies"] == ["AP"] and rows[1]["dateline_place"] == "WASHINGTON"
    assert "error" in rows[2]


NEW_YORK_PAGE = (
    '<html lang="en"><head><meta property="article:published_time" content="2023-11-08T20:28:00-05:00">'
    "</head><body><article><p>NEW YORK (AP) — The city council met late on Wednesday evening and voted "
    "on the budget after a long debate that ran past its scheduled end, officials said.</p></article></body></html>"
)


def test_parse_gives_the_day_as_the_source_states_it():
    out = kabar(
        "parse", "--html", "--url", "https://example.com/news/budget", "--fetched-at", "2023-11-09T12:00:00Z",
        stdin=NEW_YORK_PAGE,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert got["published_at"] == "2023-11-09T01:28:00+00:00"  # the instant (no source zone known: UTC)
    assert got["published_local"] == "2023-11-08T20:28:00-05:00"
    assert got["published_date"] == "2023-11-08"
    assert got["published_granularity"] == "second"
    # fetched before the stated time: the date is flagged, not trusted silently
    early = kabar("parse", "--html", "--fetched-at", "2023-11-08T12:00:00Z", stdin=NEW_YORK_PAGE)
    assert early.returncode == 0, early.stderr
    assert "after_fetch_time" in json.loads(early.stdout)["published_flags"]
    bad = kabar("parse", "--html", "--fetched-at", "yesterday", stdin=NEW_YORK_PAGE)
    assert "fetched_at" in bad.stdout + bad.stderr


def test_parse_jsonl_never_stops_on_a_bad_line():
    good = json.dumps(
        {"id": "ok", "text": SEED.read_text(encoding="utf-8"), "url": "https://www.egindo.co/a/"}
    )
    lines = [
        b"[1, 2, 3]",
        b'"just a string"',
        b"42",
        json.dumps({"id": "typed", "text": 5}).encode(),
        b"\xff\xfe not utf-8 \xc3",
        b"{not json",
        b"",
        good.encode(),
    ]
    out = subprocess.run(
        [sys.executable, "-m", "kabar.cli", "parse", "--jsonl"],
        input=b"\n".join(lines) + b"\n",
        capture_output=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.decode("utf-8").splitlines()]
    assert [r.get("line") for r in rows[:6]] == [1, 2, 3, 4, 5, 6]  # the blank line 7 gives nothing
    assert "JSON object is needed, not a list" in rows[0]["error"] and "not a str" in rows[1]["error"]
    assert rows[3]["id"] == "typed" and "text must be a string" in rows[3]["error"]
    assert "not UTF-8" in rows[4]["error"] and "invalid JSON" in rows[5]["error"]
    assert rows[6]["id"] == "ok" and rows[6]["agencies"] == ["Channel NewsAsia"]  # the stream went on


def test_sql_is_read_only(tmp_path):
    db = _lake_with(tmp_path, "CREATE TABLE t AS SELECT 1 AS x")
    ok = kabar("sql", "SELECT x FROM t", "--warehouse", str(db), "--format", "json")
    assert ok.returncode == 0 and json.loads(ok.stdout) == {"x": 1}
    bad = kabar("sql", "DELETE FROM t", "--warehouse", str(db))
    assert bad.returncode != 0 and "read-only" in (bad.stderr + bad.stdout).lower()
    missing = kabar("sql", "SELECT 1", "--warehouse", str(tmp_path / "none.ducklake"))
    assert missing.returncode != 0 and "does not exist" in missing.stderr
    assert not (tmp_path / "none.ducklake").exists()


def test_sql_as_of_reads_an_earlier_snapshot(tmp_path):
    db = tmp_path / "w.ducklake"
    con = warehouse.connect(db)
    con.execute("CREATE TABLE t (x INTEGER)")
    con.execute("INSERT INTO t VALUES (1)")
    between = datetime.now(UTC)
    time.sleep(0.05)
    con.execute("INSERT INTO t VALUES (2)")
    con.close()
    now = kabar("sql", "SELECT count(*) AS n FROM t", "--warehouse", str(db), "--format", "json")
    assert json.loads(now.stdout) == {"n": 2}
    then = kabar(
        "sql",
        "SELECT count(*) AS n FROM t",
        "--warehouse",
        str(db),
        "--format",
        "json",
        "--as-of",
        between.isoformat(),
    )
    assert then.returncode == 0, then.stderr
    assert json.loads(then.stdout) == {"n": 1}
    bad = kabar("sql", "SELECT 1", "--warehouse", str(db), "--as-of", "yesterday")
    assert bad.returncode == 2 and "ISO 8601" in bad.stderr


def test_an_old_single_file_warehouse_is_migrated_by_one_command(tmp_path):
    """`kabar migrate OLD.duckdb` copies every table (and the raw-page packs) into the lake; the old
    path itself is refused with that command named."""
    old = tmp_path / "kabar.duckdb"
    con = duckdb.connect(str(old))
    for sql in sorted((REPO / "warehouse" / "migrations").glob("000[1-5]_*.sql")):
        con.execute(sql.read_text())
    con.execute(
        "INSERT INTO articles (article_id, canonical_url, url, title, text) "
        "VALUES ('a1', 'https://x.example/1', 'https://x.example/1', 'Old title', 'old text')"
    )
    con.execute(
        "INSERT INTO raw_pages (canonical_url, url, compression, body_file, body_offset, body_length, bytes) "
        "VALUES ('https://x.example/1', 'https://x.example/1', 'zstd', '2025-01-01/r.html.zst', 0, 5, 9)"
    )
    con.close()
    pack = tmp_path / "kabar.duckdb.raw" / "2025-01-01" / "r.html.zst"
    pack.parent.mkdir(parents=True)
    pack.write_bytes(b"12345")
    refused = kabar("sql", "SELECT 1", "--warehouse", str(old))
    assert refused.returncode == 3 and f"kabar migrate {old}" in refused.stderr
    lake = tmp_path / "new.ducklake"
    done = kabar("migrate", str(old), "--warehouse", str(lake))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["rows"]["articles"] == 1 and report["raw_pack_files"] == 1
    got = kabar("sql", "SELECT title FROM articles", "--warehouse", str(lake), "--format", "json")
    assert json.loads(got.stdout) == {"title": "Old title"}
    assert (tmp_path / "new.ducklake.raw" / "2025-01-01" / "r.html.zst").read_bytes() == b"12345"
    again = kabar("migrate", str(old), "--warehouse", str(lake))
    assert again.returncode == 3 and "already holds 1 articles" in again.stderr


def test_shell_attaches_the_lake_read_only(tmp_path):
    db = _lake_with(tmp_path, "CREATE TABLE t AS SELECT 7 AS x")
    printed = kabar("shell", "--warehouse", str(db), "--print-sql")
    assert printed.returncode == 0 and "READ_ONLY" in printed.stdout
    cli = Path(sys.executable).with_name("duckdb")
    if not cli.is_file():
        pytest.skip("duckdb CLI not installed")
    ran = subprocess.run(
        [str(cli), "-csv", "-cmd", printed.stdout.replace("\n", " "), "-c", "SELECT x FROM t"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip().splitlines()[-1] == "7"


@pytest.mark.serial
@pytest.mark.parametrize("how", ["refused", "silent"])
def test_a_prefect_server_that_does_not_answer_stops_a_run_before_anything_is_created(tmp_path, how):
    """PREFECT_API_URL names a dead server (nothing listening) or a hung one (accepts, never answers):
    exit 4 within seconds with one sentence, and no warehouse, sources file or Prefect data is made."""
    import os
    import socket
    import threading

    from tests.support.localsite import LocalSite

    with LocalSite() as site:
        if how == "refused":
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]  # closed again: nothing listens there
        else:
            gate = threading.Event()

            def hang(handler: object) -> None:
                gate.wait(30)

            site.routes["/api/health"] = hang
            port = site.port
        lake = tmp_path / "lake" / "kabar.ducklake"
        t0 = time.monotonic()
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "kabar.cli",
                "ingest",
                "--warehouse",
                str(lake),
                "--url",
                "http://127.0.0.1:1/a",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "PREFECT_API_URL": f"http://127.0.0.1:{port}/api"},
        )
        took = time.monotonic() - t0
        if how == "silent":
            gate.set()
    assert out.returncode == 4, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        f"kabar: the Prefect server at http://127.0.0.1:{port}/api does not answer"
    )
    assert "nothing was run" in lines[0]
    assert took < 15, took
    assert not (tmp_path / "lake").exists()
