"""Views and the stored read queries, plus the offline full-text index."""

from __future__ import annotations

import pytest

import warehouse
from extractors.models import AttributionRow


def test_article_sources_view_lists_roles_in_order(con, make_article) -> None:
    attributions = (
        AttributionRow("agency", "Reuters", "Reuters", "(Reuters)"),
        AttributionRow("agency", "ANTARA", "Antara", "(ANTARA)"),
        AttributionRow("agency", "REUTERS", "Reuters", "Reuters"),  # same agency again: listed once
        AttributionRow("cited_agency", "AFP", "AFP", "according to AFP"),
        AttributionRow("reporter", "Budi Santoso"),
        AttributionRow("editor", "Ani"),
        AttributionRow("staff_initials", "bs"),
        AttributionRow("translator", "Citra"),
        AttributionRow("dateline_place", "Surabaya"),
    )
    warehouse.load_batch(
        con,
        run_id="r1",
        articles=[make_article(1, attributions=attributions), make_article(2, attributions=())],
        failures=[],
        fetches=[],
    )
    rows = con.execute(
        "SELECT agencies, cited_agencies, reporters, editors, staff_initials, translators, dateline_place, outlet "
        "FROM v_article_sources ORDER BY canonical_url"
    ).fetchall()
    assert rows == [
        (
            ["Reuters", "Antara"],
            ["AFP"],
            ["Budi Santoso"],
            ["Ani"],
            ["bs"],
            ["Citra"],
            "Jakarta",
            "EGINDO.co",
        ),
        ([], [], [], [], [], [], "Jakarta", "EGINDO.co"),
    ]


def test_stored_queries_run(con, make_article, make_failure) -> None:
    warehouse.start_run(con, run_id="r1", flow_run_id=None, flow_name="ingest", parameters={})
    warehouse.load_batch(con, run_id="r1", articles=[make_article(1)], failures=[make_failure(2)], fetches=[])
    warehouse.finish_run(
        con,
        run_id="r1",
        state="completed",
        counts={"new": 1, "failed": 1},
        per_source=[{"source": "egindo", "new": 1, "failed": 1}],
    )
    names = warehouse.query_names()
    assert {"recent_runs", "source_health", "recent_failures", "agency_counts"} <= set(names)
    results = {}
    for name in names:
        if name == "search_articles":
            continue
        sql = warehouse.read_query(name)
        params = [10] if "?" in sql else []
        results[name] = con.execute(sql, params).fetchall()
    assert results["agency_counts"] == [("Antara", 1, 0)]
    assert results["recent_runs"][0][:3] == ("r1", "ingest", "completed")
    assert results["daily_articles"] == [(make_article(1).published_at.date(), "egindo", 1)]
    assert [r[0] for r in results["source_health"]] == ["cna", "egindo"]
    with pytest.raises(KeyError):
        warehouse.read_query("nope")


def test_search_index_offline(con, make_article) -> None:
    articles = [
        make_article(1, title="Banjir di Jakarta", text="Hujan deras menyebabkan banjir di Jakarta Utara."),
        make_article(2, title="Ekonomi tumbuh", text="Bank Indonesia menahan suku bunga."),
        make_article(3, title="Gempa", text="Gempa mengguncang Sulawesi; tidak ada banjir."),
    ]
    warehouse.load_batch(con, run_id="r1", articles=articles, failures=[], fetches=[])
    assert warehouse.rebuild_search_index(con) == 3
    rows = con.execute(warehouse.read_query("search_articles"), ["banjir", 10]).fetchall()
    assert [r[3] for r in rows][0] == "Banjir di Jakarta"
    assert {r[3] for r in rows} == {"Banjir di Jakarta", "Gempa"}
    assert con.execute(warehouse.read_query("search_articles"), ["suku bunga", 10]).fetchall()[0][3] == (
        "Ekonomi tumbuh"
    )
