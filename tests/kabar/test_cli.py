"""The ``kabar`` command line, run as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEED = FIXTURES / "attribution" / "egindo-shoigu.txt"


def kabar(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kabar.cli", *args], input=stdin, capture_output=True, text=True, timeout=120
    )


def test_help_lists_every_command():
    out = kabar("--help")
    assert out.returncode == 0
    for cmd in ("demo", "ingest", "sql", "search", "parse", "reparse", "server", "serve", "runs", "status"):
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


def test_sql_is_read_only(tmp_path):
    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE t AS SELECT 1 AS x")
    con.close()
    ok = kabar("sql", "SELECT x FROM t", "--warehouse", str(db), "--format", "json")
    assert ok.returncode == 0 and json.loads(ok.stdout) == {"x": 1}
    bad = kabar("sql", "DELETE FROM t", "--warehouse", str(db))
    assert bad.returncode != 0 and "read-only" in (bad.stderr + bad.stdout).lower()
    missing = kabar("sql", "SELECT 1", "--warehouse", str(tmp_path / "none.duckdb"))
    assert missing.returncode != 0 and "does not exist" in missing.stderr
