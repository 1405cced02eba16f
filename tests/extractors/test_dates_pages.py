"""Publication dates of real pages (tests/fixtures/dates/published.jsonl): the instant, the day in the
source's own zone, the granularity, and the offset the page states, through ``kabar parse``'s code path."""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from kabar.parsecmd import parse_record

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "dates"
CASES = [json.loads(line) for line in (FIXTURES / "published.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("case", CASES, ids=[Path(c["file"]).name.split(".")[0] for c in CASES])
def test_publication_date_of_real_page(case: dict[str, Any]) -> None:
    html = gzip.decompress((FIXTURES / case["file"]).read_bytes()).decode("utf-8", "replace")
    out = parse_record(
        {"id": case["file"], "url": case["url"], "html": html, "fetched_at": case["fetched_at"]}
    )
    want = case["expect"]
    assert out.get("error") is None, out.get("error")
    assert out["published_at"] is not None, case["rule"]
    got_instant = datetime.fromisoformat(out["published_at"])
    assert got_instant == datetime.fromisoformat(want["published_at"]), case["rule"]
    assert out["published_date"] == want["published_date"], case["rule"]
    assert out["published_granularity"] == want["published_granularity"], case["rule"]
    if "published_local" in want:
        assert out["published_local"] == want["published_local"], case["rule"]
